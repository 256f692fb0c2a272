//! The TwiML crate: generated from the TwiML definition (`specs/twiml/twiml.yaml`,
//! the generator's second kind of input) into `generated/twilio-rest-twiml/`, by
//! `cargo xtask codegen` and checked by `--check` like the REST crates.

use crate::codegen::{diff, write_tree};
use crate::{bad_input, fail, Result};
use std::fs;
use std::path::{Path, PathBuf};
use twilio_codegen::emit::{CrateConfig, Files, RuntimeDependency};

/// The definition, relative to the workspace root.
pub const DEFINITION: &str = "specs/twiml/twiml.yaml";
/// Where the crate goes, relative to the workspace root.
pub const DIR: &str = "generated/twilio-rest-twiml";

fn config() -> CrateConfig {
    CrateConfig {
        name: "twilio-rest-twiml".to_owned(),
        version: "0.1.0".to_owned(),
        description: "Typed builders for TwiML, the XML that answers Twilio's voice, messaging and fax webhooks; the same XML as twilio-node.".to_owned(),
        publish: true,
        standalone: false,
        // The crate depends on nothing.
        runtime: RuntimeDependency::default(),
    }
}

/// The crate's files, generated in memory; a bad definition is a spec error (exit 2).
pub fn generate(root: &Path) -> Result<Files> {
    let bytes = fs::read(root.join(DEFINITION)).map_err(|e| fail(format!("{DEFINITION}: {e}")))?;
    twilio_codegen::twiml::generate(DEFINITION, &bytes, &config()).map_err(|e| match e {
        twilio_codegen::Error::Spec(d) => {
            bad_input(format!("{d}{} error(s); {DIR} left unchanged", d.0.len()))
        }
        e => fail(e.to_string()),
    })
}

/// Writes the generated files, or with `check` only reports what is stale.
pub fn finish(root: &Path, files: &Files, check: bool) -> Result<()> {
    let dir: PathBuf = root.join(DIR);
    if check {
        let problems = diff(&dir, files);
        if !problems.is_empty() {
            return Err(fail(format!(
                "generated code is stale; run `cargo xtask codegen`:\n{}",
                problems
                    .iter()
                    .map(|p| format!("  {p}  ({DIR})"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )));
        }
        return Ok(());
    }
    eprintln!("{DIR}: {} files", files.len());
    write_tree(&dir, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_twiml_crate_is_fresh() {
        let root = crate::workspace_root();
        let files = generate(&root).unwrap_or_else(|e| panic!("{e}"));
        let problems = diff(&root.join(DIR), &files);
        assert!(
            problems.is_empty(),
            "{DIR} is stale; run `cargo xtask codegen`:\n{}",
            problems.join("\n")
        );
    }
}
