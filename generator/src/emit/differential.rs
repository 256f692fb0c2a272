//! The differential test's generated half: every operation of every API, with
//! every parameter it has given a value that is hard to encode.
//!
//! - `tests/differential/cases.json`: per operation, its method, concrete path and
//!   each argument by wire name with its value as JSON (what twilio-node is given),
//!   once with every field (`all`), when some are optional once with the required
//!   ones only (`required`), and for a list once with the required ones and an
//!   item limit (`limit`);
//! - `tests/differential/calls.rs`: the same calls through the generated crate's
//!   public API, with exactly those values.
//!
//! The hand-written test (`tests/client/tests/differential_node.rs`) includes
//! `calls.rs`, sends both to one recording server and compares the requests.

use super::calls::{self, Style};
use super::rust::ident;
use super::HEADER_MARK;
use crate::plan::{ApiPlan, Output, Role, Wire};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Value};

/// The account both clients authenticate as.
const ACCOUNT_SID: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// Its auth token.
const AUTH_TOKEN: &str = "differential-auth-token";

/// The item limit of a list's `limit` case: above the 1000 items a page Twilio
/// serves, so the page size asked for shows how each client handles that.
const LIST_LIMIT: usize = 1500;

/// Where an argument goes, as `cases.json` names it.
fn wire_name(w: Wire) -> &'static str {
    match w {
        Wire::Query => "query",
        Wire::Header => "header",
        Wire::FormField => "form",
        Wire::JsonField => "json",
        Wire::JsonBody | Wire::FormBody => "body",
    }
}

/// The two files: `cases.json` (text) and `calls.rs` (tokens).
pub fn differential(
    plans: &[ApiPlan<'_>],
    refs: &[super::ApiRefs],
    crate_ident: &str,
) -> (String, TokenStream) {
    let krate = ident(crate_ident);
    let mut apis = Vec::new();
    // One function per API (a single match of every case made rustc need ~12 GB).
    let mut functions = Vec::new();
    let mut dispatch = Vec::new();
    let mut base_urls = Vec::new();
    for (plan, refs) in plans.iter().zip(refs) {
        let path = &refs.path;
        base_urls.push(quote!(.base_url(#path::API, base.to_owned())));
        let (api, arms) = api_cases(plan, refs);
        let (m, f) = (
            &plan.api.module,
            ident(&format!("call_{}", plan.api.module)),
        );
        // An API without cases has no function: the dispatcher answers `None`.
        if !arms.is_empty() {
            dispatch.push(quote!(#m => Box::pin(#f(client, operation, variant)).await,));
            let doc = format!(" The cases of `{m}`.");
            functions.push(quote! {
                #[doc = #doc]
                async fn #f(client: &#krate::Client, operation: &str, variant: &str) -> Option<Result<(), String>> {
                    Some(match (operation, variant) {
                        #(#arms)*
                        _ => return None,
                    })
                }
            });
        }
        apis.push(api);
    }
    let cases = json!({
        // First (sorted first, and inserted first), so the file carries the mark
        // of generated files.
        "_generated": format!("{HEADER_MARK} by `cargo xtask codegen` from the specs. Do not edit."),
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "apis": apis,
    });
    let mut text = serde_json::to_string_pretty(&cases).unwrap_or_default();
    text.push('\n');
    (text, calls_file(&krate, &base_urls, &dispatch, &functions))
}

/// The cases of one API (its entry in `cases.json`) and the match arms that
/// send them.
fn api_cases(plan: &ApiPlan<'_>, refs: &super::ApiRefs) -> (Value, Vec<TokenStream>) {
    let api = plan.api;
    let routes = calls::routes(plan);
    let paths = refs.paths(true);
    let mut cases = Vec::new();
    let mut skipped = Vec::new();
    let mut arms = Vec::new();
    for b in calls::builders(plan) {
        let id = &b.op.id;
        // Every field given; then, when the operation has optional ones, only
        // the required ones (the defaults both clients fall back on); then, for
        // a list, the required ones and an item limit.
        let has_optional = b.fields.iter().any(|f| f.role == Role::Setter);
        let is_list = matches!(b.output, Output::List { .. });
        let mut variants = vec![("all", true, None)];
        if has_optional {
            variants.push(("required", false, None));
        }
        if is_list {
            variants.push(("limit", false, Some(LIST_LIMIT)));
        }
        for (variant, optional, limit) in variants {
            let made = calls::call(plan, &routes, b, Style::Rich, |_| optional, limit, &paths);
            let Some(c) = made else {
                skipped.push(id.clone());
                break;
            };
            let args: Vec<Value> = c
                .args
                .iter()
                .map(|a| json!({"in": wire_name(a.wire), "name": a.name, "value": a.value}))
                .collect();
            cases.push(json!({
                "operation": id,
                "variant": variant,
                "limit": limit,
                "method": b.op.method.as_str(),
                "template": b.op.path.raw,
                "path": c.path,
                "args": args,
            }));
            let expr = c.expr;
            arms.push(quote!((#id, #variant) => #expr.map_err(|e| e.to_string()),));
        }
    }
    let entry = json!({
        "module": api.module,
        "spec": api.spec_file,
        "base_url": api.base_url,
        "operations": api.operations.len(),
        "cases": cases,
        "skipped": skipped,
    });
    (entry, arms)
}

/// `calls.rs`: the client, the dispatcher and one function per API.
fn calls_file(
    krate: &proc_macro2::Ident,
    base_urls: &[TokenStream],
    dispatch: &[TokenStream],
    functions: &[TokenStream],
) -> TokenStream {
    quote! {
        //! Every operation called through the public API with the arguments of
        //! `cases.json`, for the differential test against twilio-node (which
        //! includes this file).

        /// The account SID both clients use.
        pub const ACCOUNT_SID: &str = #ACCOUNT_SID;
        /// Its auth token.
        pub const AUTH_TOKEN: &str = #AUTH_TOKEN;

        /// A client sending every API to `base`, without retries.
        pub fn client(base: &str) -> #krate::Client {
            #krate::Client::builder()
                .credentials(ACCOUNT_SID, AUTH_TOKEN)
                #(#base_urls)*
                .retry(#krate::RetryPolicy::none())
                .build()
                .unwrap()
        }

        /// Sends `operation` of the API `module` with the arguments of its
        /// `variant` in `cases.json`; `None` for a case this file does not know.
        pub async fn call(
            client: &#krate::Client,
            module: &str,
            operation: &str,
            variant: &str,
        ) -> Option<Result<(), String>> {
            match module {
                #(#dispatch)*
                _ => None,
            }
        }

        #(#functions)*
    }
}
