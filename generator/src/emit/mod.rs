//! Emit: the [`Plan`] → the files of the client crates, as a list of
//! [`Artefact`]s that each read the one plan.
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

use crate::plan::packages::Planned;
use crate::plan::{ApiPlan, Plan};
use crate::templates::Templates;
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

/// Emits every artefact of `plan`, formatted, with the templates of the non-Rust
/// files.
pub fn emit(plan: &Plan<'_>, templates: &Templates) -> Result<Files, EmitError> {
    let env = files::templates(templates)?;
    // Each part is emitted and formatted on its own, in parallel (token streams
    // cannot cross threads); the files are merged by path, so the result does not
    // depend on the order parts finish in.
    let parts = Part::all(plan);
    let mut files = Files::new();
    for part in crate::parallel::map(&parts, |part| format(part.emit(plan, &env)?)) {
        files.extend(part?);
    }
    Ok(files)
}

/// The pieces of the output that can be emitted independently: each API's crate,
/// and the facade (which reads every API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The crate of `plan.apis[i]`.
    Api(usize),
    /// The facade crate.
    Facade,
}

impl Part {
    /// Every part, the largest first (the facade's differential test reads every
    /// API; then the APIs by operation count).
    fn all(plan: &Plan<'_>) -> Vec<Part> {
        let mut apis: Vec<usize> = (0..plan.apis.len()).collect();
        apis.sort_by_key(|&i| std::cmp::Reverse(plan.apis[i].api.operations.len()));
        std::iter::once(Part::Facade)
            .chain(apis.into_iter().map(Part::Api))
            .collect()
    }

    /// Every artefact's share of this part, unformatted.
    fn emit(
        self,
        plan: &Plan<'_>,
        env: &minijinja::Environment<'_>,
    ) -> Result<Unformatted, EmitError> {
        let mut out = Unformatted {
            rust: Vec::new(),
            other: Files::new(),
        };
        for artefact in Artefact::ALL {
            artefact.emit(plan, env, self, &mut out)?;
        }
        Ok(out)
    }
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

/// The emit phase alone: every artefact of `plan`, its Rust as tokens, not yet
/// formatted.
pub fn emit_unformatted(plan: &Plan<'_>, templates: &Templates) -> Result<Unformatted, EmitError> {
    let mut out = Unformatted {
        rust: Vec::new(),
        other: Files::new(),
    };
    let env = files::templates(templates)?;
    for part in Part::all(plan) {
        let p = part.emit(plan, &env)?;
        out.rust.extend(p.rust);
        out.other.extend(p.other);
    }
    Ok(out)
}

/// One kind of output. Each reads the one [`Plan`] (and the templates) and
/// nothing else, so the client, its tests and its docs cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artefact {
    /// Each API crate's client: `src/models.rs`, `src/resources.rs` (handles) and
    /// `src/requests.rs` (request builders, with their doc examples).
    ClientSource,
    /// Each API crate's `src/lib.rs` (crate docs, the `API` constant and entry
    /// point), `Cargo.toml` and `README.md`.
    ApiCrateFiles,
    /// Each API crate's `tests/conformance.rs`: every operation against Prism.
    ConformanceTests,
    /// Each API crate's `tests/response_examples.rs`: the spec's response examples
    /// decode.
    ResponseExampleTests,
    /// The facade crate: `Cargo.toml`, `README.md`, `src/lib.rs` and the guide.
    FacadeFiles,
    /// The facade's twilio-node differential test: `tests/differential/cases.json`
    /// and `tests/differential/calls.rs`.
    DifferentialCalls,
}

impl Artefact {
    /// Every artefact, in the order they are emitted.
    pub const ALL: [Artefact; 6] = [
        Artefact::ClientSource,
        Artefact::ApiCrateFiles,
        Artefact::ConformanceTests,
        Artefact::ResponseExampleTests,
        Artefact::FacadeFiles,
        Artefact::DifferentialCalls,
    ];

    /// Renders this artefact's share of `part` (of `plan`) into `out`.
    fn emit(
        self,
        plan: &Plan<'_>,
        env: &minijinja::Environment<'_>,
        part: Part,
        out: &mut Unformatted,
    ) -> Result<(), EmitError> {
        let packages = &plan.packages;
        let apis = plan.apis.iter().zip(&packages.apis).enumerate();
        let apis = apis.filter_map(|(i, pair)| (part == Part::Api(i)).then_some(pair));
        let facade = part == Part::Facade;
        match self {
            Artefact::ClientSource => {
                for (api, krate) in apis {
                    let ops = operations::emit(api, &ApiRefs::own(api, krate))?;
                    let source = &api.api.spec_file;
                    out.push(&krate.dir, "src/models.rs", source, types::models_file(api));
                    out.push(&krate.dir, "src/resources.rs", source, ops.resources);
                    out.push(&krate.dir, "src/requests.rs", source, ops.requests);
                }
            }
            Artefact::ApiCrateFiles => {
                for (api, krate) in apis {
                    let entry = operations::entry(api);
                    files::api_crate_files(api, krate, packages, env, entry, out)?;
                }
            }
            Artefact::ConformanceTests => {
                for (api, krate) in apis {
                    let tokens = conformance::conformance_test(api, &ApiRefs::own(api, krate));
                    out.push(
                        &krate.dir,
                        "tests/conformance.rs",
                        &api.api.spec_file,
                        tokens,
                    );
                }
            }
            Artefact::ResponseExampleTests => {
                for (api, krate) in apis {
                    let tokens = types::examples_test(api, &ApiRefs::own(api, krate));
                    out.push(
                        &krate.dir,
                        "tests/response_examples.rs",
                        &api.api.spec_file,
                        tokens,
                    );
                }
            }
            Artefact::FacadeFiles if facade => files::facade_files(&plan.apis, packages, env, out)?,
            Artefact::DifferentialCalls if facade => {
                let facade = &packages.facade;
                let refs: Vec<ApiRefs> = plan
                    .apis
                    .iter()
                    .map(|p| ApiRefs::facade(p, facade))
                    .collect();
                let (cases, calls) = differential::differential(&plan.apis, &refs, &facade.ident);
                let dir = &facade.dir;
                out.other
                    .insert(format!("{dir}/tests/differential/cases.json"), cases);
                out.push(dir, "tests/differential/calls.rs", "the specs", calls);
            }
            Artefact::FacadeFiles | Artefact::DifferentialCalls => {}
        }
        Ok(())
    }
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
