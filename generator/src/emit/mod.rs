//! Emit: [`ApiPlan`]s → the files of a client crate.
//!
//! Rust is built as tokens with `quote!` and formatted with `prettyplease`;
//! non-Rust files (`Cargo.toml`, `README.md`) come from minijinja templates in
//! `generator/templates/`. The emitter renders the plan (and the IR it refers
//! to), never `openapiv3`, and decides no names.

mod calls;
mod conformance;
mod differential;
mod files;
mod operations;
pub(crate) mod rust;
mod types;

pub use files::{CrateConfig, RuntimeDependency, HEADER_MARK, RUNTIME_VERSION};

use crate::ir::Api;
use crate::plan::ApiPlan;
use std::collections::BTreeMap;

/// The files of a generated crate: path relative to the crate root → contents.
pub type Files = BTreeMap<String, String>;

/// A failure inside the emitter (a generator bug, not a spec problem).
pub type EmitError = crate::diag::InternalError;

/// The crate before formatting: Rust files as token streams, other files as text.
#[derive(Clone)]
pub struct Unformatted {
    /// Rust files: (path, source named in the header, tokens).
    pub rust: Vec<(String, String, proc_macro2::TokenStream)>,
    /// Every other file, final.
    pub other: Files,
}

/// Emits every file of the crate for `apis` (one module and feature each).
pub fn emit_crate(apis: &[Api], config: &CrateConfig) -> Result<Files, EmitError> {
    format(emit_unformatted(apis, config)?)
}

/// The emit phase alone: the crate's Rust as tokens, not yet formatted.
pub fn emit_unformatted(apis: &[Api], config: &CrateConfig) -> Result<Unformatted, EmitError> {
    let mut out = Unformatted {
        rust: Vec::new(),
        other: Files::new(),
    };
    // One plan per API, shared by every file that renders it.
    let plans = apis
        .iter()
        .map(ApiPlan::new)
        .collect::<Result<Vec<_>, _>>()?;
    files::crate_files(&plans, config, &mut out)?;
    let krate = config.crate_ident();
    for plan in &plans {
        let api = plan.api;
        let ops = operations::emit(plan, &krate)?;
        let files = [
            ("mod.rs", types::api_module(api, ops.entry)),
            ("models.rs", types::models_file(plan)),
            ("resources.rs", ops.resources),
            ("requests.rs", ops.requests),
        ];
        for (name, tokens) in files {
            out.rust.push((
                format!("src/{}/{name}", api.module),
                api.spec_file.clone(),
                tokens,
            ));
        }
    }
    out.rust.push((
        "tests/conformance.rs".to_owned(),
        "the specs".to_owned(),
        conformance::conformance_test(&plans, &krate),
    ));
    let (cases, calls) = differential::differential(&plans, &krate);
    out.other
        .insert("tests/differential/cases.json".to_owned(), cases);
    out.rust.push((
        "tests/differential/calls.rs".to_owned(),
        "the specs".to_owned(),
        calls,
    ));
    out.rust.push((
        "tests/response_examples.rs".to_owned(),
        "the specs".to_owned(),
        types::examples_test(&plans, &krate),
    ));
    Ok(out)
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
