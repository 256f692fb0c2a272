//! `specs/crates.toml`: which vendored spec is generated into which crate of
//! `generated/`, and the facade that re-exports them. Data, not code: no API is
//! named in the xtask.

use crate::{bad_input, fail, specs, Result};
use serde::Deserialize;
use std::fs;
use std::path::Path;
use twilio_codegen::{ApiCrate, Layout, Package, Reexport};

/// The file's path, relative to the root.
pub const CRATES_FILE: &str = "specs/crates.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    facade: Facade,
    #[serde(rename = "crate")]
    crates: Vec<Crate>,
    twiml: Option<Twiml>,
    conformance: Option<Conformance>,
}

/// Specs whose conformance test against Prism does not run yet, and why (in the file).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Conformance {
    pending: Vec<String>,
}

/// The TwiML crate: where its definition is and how the facade re-exports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Twiml {
    /// The definition, relative to the root.
    pub definition: String,
    /// Package name (its folder in `generated/`).
    pub name: String,
    /// Package version.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// The facade's feature and module.
    pub feature: String,
    /// Whether the facade enables it by default.
    pub default: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Facade {
    name: String,
    version: String,
    description: String,
    default: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Crate {
    spec: String,
    name: String,
    version: String,
}

/// The published client's layout, checked against the lock: every vendored spec
/// is in exactly one crate, and every crate and default names a vendored spec.
/// Problems are spec errors (exit 2) naming the file.
pub fn read(root: &Path, lock: &specs::Lock) -> Result<Layout> {
    read_all(root, lock).map(|(layout, _)| layout)
}

/// Specs whose conformance test against Prism does not run yet (`[conformance]`).
pub fn conformance_pending(root: &Path) -> Result<Vec<String>> {
    Ok(parse(root)?.conformance.unwrap_or_default().pending)
}

/// The file, read and parsed (a syntax or shape error is a spec error, exit 2).
fn parse(root: &Path) -> Result<File> {
    let text = fs::read_to_string(root.join(CRATES_FILE))
        .map_err(|e| fail(format!("cannot read {CRATES_FILE}: {e}")))?;
    toml::from_str(&text).map_err(|e| bad_input(format!("error: {CRATES_FILE}: {e}")))
}

/// [`read`], and the TwiML crate if the file names one.
pub fn read_all(root: &Path, lock: &specs::Lock) -> Result<(Layout, Option<Twiml>)> {
    let file = parse(root)?;
    let mut problems = Vec::new();
    let vendored = |s: &str| lock.spec.iter().any(|e| e.file == s);
    for s in &lock.spec {
        match file.crates.iter().filter(|c| c.spec == s.file).count() {
            1 => {}
            0 => problems.push(format!(
                "error: {CRATES_FILE}: specs/{} is vendored but in no crate; add a [[crate]] for it",
                s.file
            )),
            n => problems.push(format!(
                "error: {CRATES_FILE}: specs/{} is in {n} crates",
                s.file
            )),
        }
    }
    for c in &file.crates {
        if !vendored(&c.spec) {
            problems.push(format!(
                "error: {CRATES_FILE}: crate `{}` names `{}`, which is not a vendored spec",
                c.name, c.spec
            ));
        }
    }
    for d in &file.facade.default {
        if !vendored(d) {
            problems.push(format!(
                "error: {CRATES_FILE}: the facade's default `{d}` is not a vendored spec"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(bad_input(problems.join("\n")));
    }
    let mut layout = Layout::new(&file.facade.name);
    layout.facade = Package {
        name: file.facade.name,
        version: file.facade.version,
        description: file.facade.description,
        publish: true,
    };
    layout.default_specs = Some(file.facade.default);
    layout.crates = file
        .crates
        .into_iter()
        .map(|c| ApiCrate {
            spec: c.spec,
            name: c.name,
            version: c.version,
        })
        .collect();
    layout.reexports = file
        .twiml
        .iter()
        .map(|t| Reexport {
            name: t.name.clone(),
            version: t.version.clone(),
            feature: t.feature.clone(),
            description: t.description.clone(),
            default: t.default,
        })
        .collect();
    Ok((layout, file.twiml))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_vendored_spec_is_in_one_crate() {
        let root = crate::workspace_root();
        let lock = crate::specs::verified(&root).unwrap_or_else(|e| panic!("{e}"));
        let layout = super::read(&root, &lock).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(layout.crates.len(), lock.spec.len());
        assert_eq!(layout.facade.name, "twilio-rest");
    }
}
