//! The Twilio REST client generator: spec text → [`ir::Api`] → Rust source files.
//!
//! The pipeline runs in one direction: [`load`] parses a spec into `openapiv3`,
//! [`lower`] builds the intermediate model ([`ir`]), [`plan`] decides the client's
//! public surface and its crates ([`plan::Plan`]), and [`emit`] renders that one
//! plan into each [`emit::Artefact`]. [`generate`] runs all of it, one stage a
//! line (see [`generate_with_overlays`]); it is the one entry
//! point of the xtask, the tests and the benchmarks. The library does no I/O; the
//! `xtask` binary reads specs and writes the output. [`api_diff`] compares the public
//! surfaces two spec sets generate (`cargo xtask api-diff`).

pub mod api_diff;
pub mod diag;
pub mod docs;
mod document;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod normalize;
pub mod overlay;
mod parallel;
pub mod plan;
pub mod templates;
pub mod twiml;
pub mod validate;

pub use emit::{ApiCrate, Files, Layout, Package, Reexport, RuntimeDependency};
pub use templates::Templates;

/// How deep a spec may nest (documents, `$ref` chains, inline schemas) before it is
/// rejected with a diagnostic. Twilio's specs reach 21.
pub const MAX_DEPTH: usize = 48;

use diag::{Diagnostic, Diagnostics};
use std::fmt;

/// One spec to generate from: its name (as diagnostics cite it; the extension
/// picks YAML or JSON, the file stem names the module) and its contents.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// File name or path (`specs/twilio_flex_v1.yaml`).
    pub file: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// The generated crates and the warnings their specs raised.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path relative to the output folder (`<crate>/src/lib.rs`) → contents.
    pub files: Files,
    /// Constructs that were skipped, with their locations.
    pub warnings: Vec<Diagnostic>,
}

/// Why nothing was generated.
#[derive(Debug, Clone)]
pub enum Error {
    /// The specs have problems (every one of them, with its location).
    Spec(Diagnostics),
    /// Planning or emitting failed: a generator bug (or layout data giving two
    /// APIs one crate), not a spec problem.
    Emit(emit::EmitError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(d) => write!(f, "{d}{} error(s)", d.0.len()),
            Error::Emit(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Loads and lowers every spec: the API models in input order and the warnings,
/// or every error of every spec.
pub fn lower_specs(specs: &[Spec<'_>]) -> Result<(Vec<ir::Api>, Vec<Diagnostic>), Diagnostics> {
    lower_specs_with_overlays(specs, &[])
}

/// [`lower_specs`], with overlays (their file names and texts) applied to the specs
/// they name in `extends` (see [`overlay`]). An overlay for a spec that is not
/// among `specs` is not used; one that does not parse is an error.
pub fn lower_specs_with_overlays(
    specs: &[Spec<'_>],
    overlays: &[Spec<'_>],
) -> Result<(Vec<ir::Api>, Vec<Diagnostic>), Diagnostics> {
    let mut apis = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for o in overlays {
        match overlay::parse(o.file, o.bytes) {
            Ok(o) => parsed.push(o),
            Err(ds) => errors.extend(ds.0),
        }
    }
    // Each spec loads and lowers on its own (in parallel, the largest first);
    // results keep the specs' order.
    let lowered = parallel::map_largest_first(
        specs,
        |spec| spec.bytes.len(),
        |spec| {
            let mine: Vec<&overlay::Overlay> =
                parsed.iter().filter(|o| o.applies_to(spec.file)).collect();
            load::parse_spec_with(spec.file, spec.bytes, &mine)
                .and_then(|parsed| lower::lower(spec.file, &parsed))
        },
    );
    for result in lowered {
        match result {
            Ok(l) => {
                warnings.extend(l.warnings);
                apis.push(l.api);
            }
            Err(ds) => errors.extend(ds.0),
        }
    }
    if errors.is_empty() {
        Ok((apis, warnings))
    } else {
        Err(Diagnostics(errors))
    }
}

/// The whole pipeline: specs → the files of one crate per spec and of the facade
/// re-exporting them (a feature per spec), laid out by `layout`, formatted. Same
/// inputs, same bytes.
pub fn generate(specs: &[Spec<'_>], layout: &Layout) -> Result<Generated, Error> {
    generate_with_overlays(specs, &[], layout)
}

/// [`generate`], with overlays applied as in [`lower_specs_with_overlays`].
pub fn generate_with_overlays(
    specs: &[Spec<'_>],
    overlays: &[Spec<'_>],
    layout: &Layout,
) -> Result<Generated, Error> {
    // Load (each spec with its overlays) and lower: spec text → `ir::Api`.
    let (apis, warnings) = lower_specs_with_overlays(specs, overlays).map_err(Error::Spec)?;
    // Plan: each API's public surface and the package layout, decided once.
    let plan = plan::Plan::new(&apis, layout).map_err(Error::Emit)?;
    // Emit: every artefact (client, tests, docs, manifests) rendered from the plan.
    let files = emit::emit(&plan, &layout.templates).map_err(Error::Emit)?;
    Ok(Generated { files, warnings })
}
