//! `tests/conformance.rs`: every operation of every API, called through the public
//! API of the generated crate with valid arguments built from the spec, against a
//! Prism mock server started from the same spec (`cargo xtask test` starts it).

use super::rust::ident;
use crate::ir::{Auth, Param, Type};
use crate::plan::{tree, ApiPlan, ArgType, Builder, BuilderField, Output, Role, Wire};
use proc_macro2::TokenStream;
use quote::quote;

/// A string that matches a simple spec pattern (`^KD[0-9a-fA-F]{32}$` →
/// `KD` and 32 digits): literals, classes and counted repeats; `None` for
/// anything more (groups, alternation).
pub fn sample_for_pattern(pattern: &str) -> Option<String> {
    let p: Vec<char> = pattern
        .trim_start_matches('^')
        .trim_end_matches('$')
        .chars()
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < p.len() {
        let atom = match p[i] {
            '[' => {
                let end = p[i..].iter().position(|&c| c == ']')? + i;
                let class = &p[i + 1..end];
                if class.first() == Some(&'^') {
                    return None;
                }
                i = end + 1;
                *class.first()?
            }
            '\\' => {
                let c = *p.get(i + 1)?;
                i += 2;
                match c {
                    'd' => '1',
                    'w' => 'a',
                    c if c.is_ascii_alphanumeric() => return None,
                    c => c,
                }
            }
            '(' | ')' | '|' | '.' => return None,
            c => {
                i += 1;
                c
            }
        };
        let mut count = 1;
        match p.get(i) {
            Some('{') => {
                let end = p[i..].iter().position(|&c| c == '}')? + i;
                let spec: String = p[i + 1..end].iter().collect();
                count = spec.split(',').next()?.trim().parse().ok()?;
                i = end + 1;
            }
            Some('+') => i += 1,
            Some('*') | Some('?') => {
                count = 0;
                i += 1;
            }
            _ => {}
        }
        out.extend(std::iter::repeat_n(atom, count));
    }
    Some(out)
}

/// A valid argument for `p`, or `None` when none can be made.
fn sample(p: &Param, plan: &ApiPlan<'_>) -> Option<TokenStream> {
    value(&p.ty, p, p.example.as_ref(), plan, 0)
}

// Longer than 80 lines: one arm per IR type, each a short sample rule; split
// apart they would only be harder to compare.
fn value(
    ty: &Type,
    p: &Param,
    example: Option<&serde_json::Value>,
    plan: &ApiPlan<'_>,
    depth: usize,
) -> Option<TokenStream> {
    if depth > 4 {
        return None;
    }
    let c = &p.constraints;
    Some(match plan.resolve(ty) {
        Type::String => {
            // The pattern is authoritative: spec examples are sometimes placeholders
            // (`interaction_context_sid`) that the pattern rejects.
            let fits = |s: &String| {
                let n = s.chars().count();
                c.min_length.is_none_or(|m| n >= m) && c.max_length.is_none_or(|m| n <= m)
            };
            let s = c
                .pattern
                .as_deref()
                .and_then(sample_for_pattern)
                .or_else(|| {
                    example
                        .and_then(|e| e.as_str().map(str::to_owned))
                        .filter(fits)
                })
                .unwrap_or_else(|| {
                    let n = c.min_length.unwrap_or(1).max(6);
                    "sample"
                        .chars()
                        .cycle()
                        .take(n.min(c.max_length.unwrap_or(n)))
                        .collect()
                });
            quote!(#s)
        }
        Type::Nullable(inner) => return value(inner, p, example, plan, depth + 1),
        Type::Uri => {
            let s = example
                .and_then(|e| e.as_str())
                .unwrap_or("https://example.com/callback");
            quote!(#s)
        }
        Type::Bool => {
            let b = example.and_then(serde_json::Value::as_bool).unwrap_or(true);
            quote!(#b)
        }
        Type::I32 | Type::I64 => {
            let n = example
                .and_then(serde_json::Value::as_i64)
                .unwrap_or_else(|| {
                    c.minimum
                        .map(|m| m as i64)
                        .unwrap_or(1)
                        .max(c.minimum.unwrap_or(0.0) as i64)
                });
            let lit = proc_macro2::Literal::i64_unsuffixed(n);
            quote!(#lit)
        }
        Type::F64 => {
            let n = example.and_then(serde_json::Value::as_f64).unwrap_or(1.0);
            let lit = proc_macro2::Literal::f64_suffixed(n);
            quote!(#lit)
        }
        Type::DateTime | Type::DateTimeRfc2822 => {
            quote!(twilio_rest_runtime::chrono::DateTime::parse_from_rfc3339(
                "2024-01-02T03:04:05Z"
            )
            .unwrap()
            .with_timezone(&twilio_rest_runtime::chrono::Utc))
        }
        Type::Date => {
            quote!(twilio_rest_runtime::chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap())
        }
        Type::Enum(name) => {
            let e = plan.api.enum_named(name)?;
            let wanted = example.and_then(|e| e.as_str());
            let v = e
                .values
                .iter()
                .find(|v| Some(v.value.as_str()) == wanted)
                .or(e.values.first())?;
            let s = &v.value;
            quote!(#s)
        }
        Type::Json | Type::Map(_) | Type::PrefixedMap(_) => match example {
            Some(e) => {
                let text = e.to_string();
                quote!(twilio_rest_runtime::serde_json::from_str::<twilio_rest_runtime::serde_json::Value>(#text).unwrap())
            }
            None => quote!(twilio_rest_runtime::serde_json::json!({})),
        },
        Type::Array(inner) => {
            let first = example.and_then(|e| e.as_array()).and_then(|a| a.first());
            let item = value(
                inner,
                p,
                first.or(example.filter(|e| !e.is_array())),
                plan,
                depth + 1,
            )?;
            quote!([#item])
        }
        Type::Model(_) | Type::Alias(_) | Type::Union(_) | Type::PageMeta => return None,
    })
}

/// Header parameters that carry credentials would replace the client's own
/// authentication; conformance calls leave them out.
fn carries_credentials(f: &BuilderField<'_>) -> bool {
    f.wire == Wire::Header
        && f.param
            .is_some_and(|p| p.api_name.eq_ignore_ascii_case("authorization"))
}

/// Prism 5.14 reads an array in a form body only as `Key[]=…`, while OpenAPI's
/// default encoding and Twilio's API use the key repeated (`Key=a&Key=b`, which the
/// client sends and the in-process wire tests check). Optional array form fields
/// are therefore left out of conformance calls.
fn prism_misreads(f: &BuilderField<'_>) -> bool {
    f.wire == Wire::FormField && matches!(f.ty, ArgType::List(_))
}

/// One conformance call: the accessor chain, the operation with its arguments and
/// setters, and the terminal.
fn call(
    plan: &ApiPlan<'_>,
    routes: &[Vec<(usize, usize)>],
    b: &Builder<'_>,
    krate: &proc_macro2::Ident,
) -> Option<TokenStream> {
    let tree = &plan.tree;
    let module = ident(&plan.api.module);
    let mut chain = quote!(client.#module());
    let mut path_values = b.path_params.iter();
    for &(parent, child) in &routes[b.handle] {
        let c = &tree.nodes[parent].children[child];
        let m = ident(&c.method);
        match &c.param {
            Some(_) => {
                let p = path_values.next()?;
                let v = sample(p, plan)?;
                chain = quote!(#chain.#m(#v));
            }
            None => chain = quote!(#chain.#m()),
        }
    }
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for f in &b.fields {
        let required = f.role == Role::Argument;
        if carries_credentials(f) || (!required && prism_misreads(f)) {
            continue;
        }
        let v = match f.param {
            Some(p) => sample(p, plan),
            // A whole JSON body: `{}`, typed when the body is a union (a model
            // body cannot be made up).
            None => match &f.ty {
                ArgType::Json => Some(quote!(twilio_rest_runtime::serde_json::json!({}))),
                ArgType::Union(u) => {
                    let u = ident(u);
                    Some(
                        quote!(#krate::#module::models::#u::Other(twilio_rest_runtime::serde_json::json!({}))),
                    )
                }
                _ => None,
            },
        };
        if required {
            args.push(v?);
        } else if let Some(v) = v {
            let setter = ident(&f.name);
            setters.push(quote!(.#setter(#v)));
        }
    }
    let m = ident(&b.verb);
    let terminal = if matches!(b.output, Output::List { .. }) {
        quote!(.page().await.map(drop))
    } else {
        quote!(.send().await.map(drop))
    };
    Some(quote!(#chain.#m(#(#args),*) #(#setters)* #terminal))
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

/// The conformance test file for the planned APIs.
pub fn conformance_test(plans: &[ApiPlan<'_>], crate_ident: &str) -> TokenStream {
    let krate = ident(crate_ident);
    let tests = plans.iter().map(|plan| {
        let api = plan.api;
        let routes = tree::routes(&plan.tree);
        let mut calls = Vec::new();
        let mut skipped = Vec::new();
        for n in 0..plan.tree.nodes.len() {
            for b in plan.builders_of(n) {
                let id = &b.op.id;
                match call(plan, &routes, b, &krate) {
                    Some(c) => calls.push(quote!(report.record(#id, #c);)),
                    None => skipped.push(id.clone()),
                }
            }
        }
        let module = ident(&api.module);
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
        let feature = &api.feature;
        let oauth = oauth_setup(plan);
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            #[tokio::test]
            #[ignore = "needs a Prism mock server; `cargo xtask test` starts one"]
            async fn #test_name() {
                let env = #krate::base_url_var(&#krate::#module::API);
                let base = twilio_rest_runtime::test_support::env_url(&env);
                let client = #krate::Client::builder()
                    .credentials("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "auth-token")
                    #oauth
                    .base_url(#krate::#module::API, base.clone())
                    .retry(#krate::RetryPolicy::none())
                    .build()
                    .unwrap();
                let mut report = twilio_rest_runtime::test_support::Conformance::default();
                #skipped_note
                #(#calls)*
                report.finish(&env, #total);
            }
        }
    });
    quote! {
        //! Conformance: every operation, with valid arguments built from the spec,
        //! sent through the public API to a Prism mock server started from the spec.
        //! Prism answers 422 to any request that does not match the spec.

        #(#tests)*
    }
}

#[cfg(test)]
mod tests {
    use super::sample_for_pattern;

    #[test]
    fn patterns_give_matching_samples() {
        assert_eq!(
            sample_for_pattern("^KD[0-9a-fA-F]{32}$").unwrap(),
            format!("KD{}", "0".repeat(32))
        );
        assert_eq!(
            sample_for_pattern("^[a-zA-Z]{2}[0-9a-fA-F]{32}$").unwrap(),
            format!("aa{}", "0".repeat(32))
        );
        assert_eq!(sample_for_pattern(r"^\+[1-9]\d{1,14}$").unwrap(), "+11");
        assert_eq!(sample_for_pattern("^(AC|SK)[0-9]{32}$"), None);
    }
}
