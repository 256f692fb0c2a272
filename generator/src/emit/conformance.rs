//! `tests/conformance.rs`: every operation of every API, called through the public
//! API of the generated crate with valid arguments built from the spec, against a
//! Prism mock server started from the same spec (`cargo xtask test` starts it).

use super::calls::{self, Style};
use super::rust::ident;
use crate::ir::Auth;
use crate::plan::{ApiPlan, ArgType, Builder, Role, Wire};
use proc_macro2::TokenStream;
use quote::quote;

/// Why Prism 5.14 cannot serve `b` whatever the client sends, if it cannot: a
/// required array form field, which the client sends as Twilio reads it (the key
/// repeated) and Prism reads only as `Key[]=` (it refuses the request with 422);
/// or a whole form body with a variant part (`allOf` + `oneOf`), whose variant
/// properties Prism drops when it decodes the form (then "must have required
/// property").
fn prism_cannot_serve(b: &Builder<'_>) -> Option<String> {
    if b.fields.iter().any(|f| f.wire == Wire::FormBody) {
        return Some(
            "a form body with a oneOf part: Prism 5.14 decodes a form by the schema's \
             own and allOf properties and drops the variant's"
                .to_owned(),
        );
    }
    let f = b.fields.iter().find(|f| {
        f.role == Role::Argument && f.wire == Wire::FormField && matches!(f.ty, ArgType::List(_))
    })?;
    let name = f.param.map_or(f.name.as_str(), |p| p.api_name.as_str());
    Some(format!(
        "required array form field `{name}`: Prism 5.14 reads form arrays only as `{name}[]=`"
    ))
}

/// For an API with OAuth operations, client credentials whose token endpoint is
/// the scheme's, re-pointed at the mock server (the path kept).
fn oauth_setup(plan: &ApiPlan<'_>) -> Option<TokenStream> {
    let token_url = plan.builders.iter().find_map(|b| match b.auth {
        Auth::OAuth2 { token_url } => Some(token_url.as_str()),
        _ => None,
    })?;
    let path = token_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    Some(quote! {
        .oauth_client_credentials("client-id", "client-secret")
        .oauth_token_url(format!("{base}{}", #path))
    })
}

/// For an API whose operations require their own security schemes, a sample
/// secret for each scheme (Prism only checks that it is there).
fn scheme_setup(plan: &ApiPlan<'_>) -> TokenStream {
    let names: std::collections::BTreeSet<&str> = plan
        .builders
        .iter()
        .filter_map(|b| match b.auth {
            Auth::Schemes(credentials) => Some(credentials),
            _ => None,
        })
        .flatten()
        .map(|c| c.scheme.as_str())
        .collect();
    let names = names.into_iter();
    quote!(#(.scheme_credential(#names, "secret"))*)
}

/// The conformance test file of one API's crate.
pub fn conformance_test(plan: &ApiPlan<'_>, refs: &super::ApiRefs) -> TokenStream {
    let krate = &refs.path;
    let test = {
        let api = plan.api;
        let routes = calls::routes(plan);
        let paths = refs.paths(true);
        let mut calls = Vec::new();
        let mut skipped = Vec::new();
        for b in calls::builders(plan) {
            let id = &b.op.id;
            let made = calls::call(
                plan,
                &routes,
                b,
                Style::Plain,
                calls::example_field,
                None,
                &paths,
            );
            // Each call is its own boxed future: one async fn awaiting every
            // operation in place kept them all in one state machine and one
            // stack frame, which overflowed the stack in debug builds.
            match made {
                // Sent without credentials: Prism must refuse it as unauthorized.
                Some(c) if matches!(b.auth, Auth::Unsatisfiable) => {
                    let c = c.expr;
                    calls.push(
                        quote!(report.record(#id, match Box::pin(async { #c }).await {
                        Err(e) if e.is_unauthorized() => Ok(()),
                        Err(e) => Err(e.to_string()),
                        Ok(()) => Err("sent without credentials, yet accepted".to_owned()),
                    });),
                    );
                }
                Some(c) => {
                    let c = c.expr;
                    calls.push(match prism_cannot_serve(b) {
                        Some(reason) => quote!(
                            report.not_servable(#id, #reason, Box::pin(async { #c }).await);
                        ),
                        None => quote!(report.record(#id, Box::pin(async { #c }).await);),
                    });
                }
                None => skipped.push(id.clone()),
            }
        }
        let test_name = ident(&format!("{}_every_operation_against_prism", api.module));
        let total = api.operations.len();
        let doc = format!(
            " Every operation of `{}` ({total}) against Prism, at the base URL override of `{}`.",
            api.spec_file, api.module
        );
        let skipped_note = (!skipped.is_empty()).then(|| {
            let list = skipped.join(", ");
            quote!(report.skip(#list);)
        });
        let oauth = oauth_setup(plan);
        let schemes = scheme_setup(plan);
        // An API without operations (some specs only describe models) sends nothing.
        let body = if calls.is_empty() && skipped_note.is_none() {
            quote! {
                let env = #krate::base_url_var(&#krate::API);
                twilio_rest_runtime::test_support::env_url(&env);
                twilio_rest_runtime::test_support::Conformance::default().finish(&env, #total);
            }
        } else {
            quote! {
                let env = #krate::base_url_var(&#krate::API);
                let base = twilio_rest_runtime::test_support::env_url(&env);
                let client = #krate::Client::builder()
                    .credentials("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "auth-token")
                    #oauth
                    #schemes
                    .base_url(#krate::API, base.clone())
                    .retry(#krate::RetryPolicy::none())
                    .build()
                    .unwrap();
                let mut report = twilio_rest_runtime::test_support::Conformance::default();
                #skipped_note
                #(#calls)*
                report.finish(&env, #total);
            }
        };
        quote! {
            #[doc = #doc]
            #[tokio::test]
            #[ignore = "needs a Prism mock server; `cargo xtask test` starts one"]
            async fn #test_name() {
                #body
            }
        }
    };
    quote! {
        //! Conformance: every operation, with valid arguments built from the spec,
        //! sent through the public API to a Prism mock server started from the spec.
        //! Prism answers 422 to any request that does not match the spec.

        #test
    }
}
