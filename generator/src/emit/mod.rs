//! Emit: [`ir::Api`](crate::ir::Api) → the files of a client crate.
//!
//! Rust is built as tokens with `quote!` and formatted with `prettyplease`;
//! non-Rust files (`Cargo.toml`, `README.md`) come from minijinja templates in
//! `templates/`; the hand-written runtime in `templates/runtime/` is copied in.
//! The emitter reads only the IR, never `openapiv3`.

mod conformance;
mod files;
mod operations;
mod rust;
mod tree;
mod types;

pub use files::{CrateConfig, HEADER_MARK};

use crate::ir::Api;
use std::collections::BTreeMap;
use std::fmt;

/// The files of a generated crate: path relative to the crate root → contents.
pub type Files = BTreeMap<String, String>;

/// A failure inside the emitter (a generator bug, not a spec problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    /// The file being produced.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "internal error while emitting {}: {}",
            self.file, self.message
        )
    }
}

impl std::error::Error for EmitError {}

/// Emits every file of the crate for `apis` (one module and feature each).
pub fn emit_crate(apis: &[Api], config: &CrateConfig) -> Result<Files, EmitError> {
    let mut out = Files::new();
    files::crate_files(apis, config, &mut out)?;
    for api in apis {
        let ops = operations::emit(api)?;
        let files = [
            ("mod.rs", types::api_module(api, ops.entry)),
            ("models.rs", types::models_file(api)),
            ("resources.rs", ops.resources),
            ("requests.rs", ops.requests),
        ];
        for (name, tokens) in files {
            let path = format!("src/{}/{name}", api.module);
            let text = rust::format_file(&path, &api.spec_file, tokens)?;
            out.insert(path, text);
        }
    }
    let conformance = conformance::conformance_test(apis, &config.crate_ident());
    out.insert(
        "tests/conformance.rs".to_owned(),
        rust::format_file("tests/conformance.rs", "the specs", conformance)?,
    );
    let examples = types::examples_test(apis, &config.crate_ident());
    out.insert(
        "tests/response_examples.rs".to_owned(),
        rust::format_file("tests/response_examples.rs", "the specs", examples)?,
    );
    Ok(out)
}
