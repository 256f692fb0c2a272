//! Emit: [`ApiPlan`]s and the planned packages → the files of the client crates.
//!
//! Rust is built as tokens with `quote!` and formatted with `prettyplease`;
//! non-Rust files (`Cargo.toml`, `README.md`) come from minijinja templates in
//! `templates/`. The emitter renders the plan (and the IR it refers
//! to), never `openapiv3`, and decides no names.

mod calls;
mod conformance;
mod differential;
pub(crate) mod files;
mod operations;
pub(crate) mod rust;
mod types;

pub use crate::plan::packages::{
    ApiCrate, Layout, Package, Reexport, RuntimeDependency, RUNTIME_VERSION,
};

use crate::ir::Api;
use crate::plan::packages::{self, Packages, Planned};
use crate::plan::ApiPlan;
use proc_macro2::TokenStream;
use quote::quote;
use rust::ident;
use std::collections::BTreeMap;

/// Marks every generated file (`linguist` and reviewers recognise it).
pub const HEADER_MARK: &str = "@generated";

/// Generated files: path relative to the output folder (each crate in a folder of
/// its own, `twilio-rest-flex-v1/src/lib.rs`) → contents.
pub type Files = BTreeMap<String, String>;

/// A failure inside the emitter (a generator bug, not a spec problem).
pub type EmitError = crate::diag::InternalError;

/// The crates before formatting: Rust files as token streams, other files as text.
#[derive(Clone)]
pub struct Unformatted {
    /// Rust files: (path, source named in the header, tokens).
    pub rust: Vec<(String, String, TokenStream)>,
    /// Every other file, final.
    pub other: Files,
}

impl Unformatted {
    fn push(&mut self, dir: &str, path: &str, source: &str, tokens: TokenStream) {
        self.rust
            .push((format!("{dir}/{path}"), source.to_owned(), tokens));
    }
}

/// Emits every file of every crate for `apis`: one crate per API and the facade,
/// laid out by `layout`.
pub fn emit_crates(apis: &[Api], layout: &Layout) -> Result<Files, EmitError> {
    format(emit_unformatted(apis, layout)?)
}

/// How generated code names one API's items: through its own crate (its docs and
/// tests) or through the facade (the differential test, the facade's guide).
pub(crate) struct ApiRefs {
    /// The path of the API's items (`twilio_rest_flex_v1`, `twilio_rest::flex_v1`).
    pub path: TokenStream,
    /// The expression giving the API's root handle from a `client` in scope.
    pub entry: TokenStream,
}

impl ApiRefs {
    /// Through the API's own crate: `Root::new(&client)`.
    fn own(plan: &ApiPlan<'_>, krate: &Planned) -> Self {
        let k = ident(&krate.ident);
        let root = ident(plan.root());
        ApiRefs {
            path: quote!(#k),
            entry: quote!(#k::#root::new(&client)),
        }
    }

    /// Through the facade: `client.flex_v1()`.
    fn facade(plan: &ApiPlan<'_>, facade: &Planned) -> Self {
        let k = ident(&facade.ident);
        let m = ident(&plan.api.module);
        ApiRefs {
            path: quote!(#k::#m),
            entry: quote!(client.#m()),
        }
    }

    /// The call rendering's paths for these references.
    pub fn paths(&self, named_requests: bool) -> calls::Paths {
        let path = &self.path;
        calls::Paths {
            root: quote!(twilio_rest_runtime),
            requests: named_requests.then(|| quote!(#path::requests)),
            models: quote!(#path::models),
            entry: self.entry.clone(),
        }
    }
}

/// The emit phase alone: every crate's Rust as tokens, not yet formatted.
pub fn emit_unformatted(apis: &[Api], layout: &Layout) -> Result<Unformatted, EmitError> {
    let mut out = Unformatted {
        rust: Vec::new(),
        other: Files::new(),
    };
    // One plan per API, shared by every file that renders it.
    let plans = apis
        .iter()
        .map(ApiPlan::new)
        .collect::<Result<Vec<_>, _>>()?;
    let packages = packages::plan(apis, layout)?;
    let env = files::templates(&layout.templates)?;
    for (plan, krate) in plans.iter().zip(&packages.apis) {
        api_crate(plan, krate, &packages, &env, &mut out)?;
    }
    facade(&plans, &packages, &env, &mut out)?;
    Ok(out)
}

/// The files of one API's crate.
fn api_crate(
    plan: &ApiPlan<'_>,
    krate: &Planned,
    packages: &Packages,
    env: &minijinja::Environment<'_>,
    out: &mut Unformatted,
) -> Result<(), EmitError> {
    let api = plan.api;
    let dir = &krate.dir;
    let refs = ApiRefs::own(plan, krate);
    let ops = operations::emit(plan, &refs)?;
    files::api_crate_files(plan, krate, packages, env, ops.entry, out)?;
    let source = &api.spec_file;
    out.push(dir, "src/models.rs", source, types::models_file(plan));
    out.push(dir, "src/resources.rs", source, ops.resources);
    out.push(dir, "src/requests.rs", source, ops.requests);
    out.push(
        dir,
        "tests/conformance.rs",
        source,
        conformance::conformance_test(plan, &refs),
    );
    out.push(
        dir,
        "tests/response_examples.rs",
        source,
        types::examples_test(plan, &refs),
    );
    Ok(())
}

/// The facade's files, and the differential test's cases (every API, called
/// through the facade).
fn facade(
    plans: &[ApiPlan<'_>],
    packages: &Packages,
    env: &minijinja::Environment<'_>,
    out: &mut Unformatted,
) -> Result<(), EmitError> {
    let facade = &packages.facade;
    files::facade_files(plans, packages, env, out)?;
    let refs: Vec<ApiRefs> = plans.iter().map(|p| ApiRefs::facade(p, facade)).collect();
    let (cases, calls) = differential::differential(plans, &refs, &facade.ident);
    out.other.insert(
        format!("{}/tests/differential/cases.json", facade.dir),
        cases,
    );
    out.push(
        &facade.dir,
        "tests/differential/calls.rs",
        "the specs",
        calls,
    );
    Ok(())
}

/// The format phase: every Rust file through prettyplease, with its header.
pub fn format(unformatted: Unformatted) -> Result<Files, EmitError> {
    let mut files = unformatted.other;
    for (path, source, tokens) in unformatted.rust {
        let text = rust::format_file(&path, &source, tokens)?;
        files.insert(path, text);
    }
    Ok(files)
}
