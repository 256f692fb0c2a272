//! The TwiML crate: generated from the TwiML definition (the generator's second
//! kind of input, named in `specs/crates.toml`) into a folder of `generated/`
//! beside the API crates, written and checked with them by `cargo xtask codegen`.

use crate::layout::Twiml;
use crate::{bad_input, fail, Result};
use std::fs;
use std::path::Path;
use twilio_codegen::emit::{Files, Package};
use twilio_codegen::Templates;

/// The crate's files (relative to its folder), generated in memory; a bad
/// definition is a spec error (exit 2).
pub fn generate(root: &Path, twiml: &Twiml, templates: &Templates) -> Result<Files> {
    let file = &twiml.definition;
    let bytes = fs::read(root.join(file)).map_err(|e| fail(format!("{file}: {e}")))?;
    let package = Package {
        name: twiml.name.clone(),
        version: twiml.version.clone(),
        description: twiml.description.clone(),
        publish: true,
    };
    twilio_codegen::twiml::generate(file, &bytes, &package, templates).map_err(|e| match e {
        twilio_codegen::Error::Spec(d) => bad_input(format!(
            "{d}{} error(s); generated/ left unchanged",
            d.0.len()
        )),
        e => fail(e.to_string()),
    })
}
