//! The package layout: which crate each API is generated into, what the facade
//! crate re-exports behind which feature, and how the crates name each other.
//!
//! Decided once, here, from the [`Layout`] the caller gives (data: the xtask reads
//! it from `specs/crates.toml`) and the lowered APIs; emit renders it and never
//! decides a crate name, a folder or a path between crates.

use crate::diag::InternalError;
use crate::ir::Api;
use crate::templates::Templates;
use std::collections::BTreeSet;

/// The crates to generate: one crate per spec and a facade that re-exports them.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The facade crate (`twilio-rest`).
    pub facade: Package,
    /// The crate of each spec. A spec not listed gets `<facade>-<module>` (module
    /// in kebab case) at the facade's version.
    pub crates: Vec<ApiCrate>,
    /// The spec files whose APIs the facade enables by default; `None`: all.
    pub default_specs: Option<Vec<String>>,
    /// Whether the crates form a workspace of their own (generated outside this one).
    pub standalone: bool,
    /// The runtime crate the generated crates depend on.
    pub runtime: RuntimeDependency,
    /// Other generated crates the facade re-exports, each behind a feature.
    pub reexports: Vec<Reexport>,
    /// The templates of the crates' `Cargo.toml`, README and guide.
    pub templates: Templates,
}

/// A crate, generated beside the API crates from another input, that the facade
/// re-exports as a module behind a feature (the TwiML builders).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reexport {
    /// Package name (`twilio-rest-twiml`), a folder beside the API crates.
    pub name: String,
    /// Package version.
    pub version: String,
    /// The facade's feature and module (`twiml`).
    pub feature: String,
    /// What the module holds, for the facade's docs.
    pub description: String,
    /// Whether the facade enables it by default.
    pub default: bool,
}

/// A package's name and how it is published.
#[derive(Debug, Clone)]
pub struct Package {
    /// Package name (`twilio-rest`).
    pub name: String,
    /// Package version.
    pub version: String,
    /// One-line package description.
    pub description: String,
    /// Whether the package may be published.
    pub publish: bool,
}

/// Which crate one spec is generated into.
#[derive(Debug, Clone)]
pub struct ApiCrate {
    /// The spec's file name (`twilio_flex_v1.yaml`), as [`Api::spec_file`] ends.
    pub spec: String,
    /// Package name (`twilio-rest-flex-v1`).
    pub name: String,
    /// Package version; each crate is versioned on its own.
    pub version: String,
}

/// Where a generated crate finds the runtime crate (`twilio-rest-runtime`).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RuntimeDependency {
    /// The runtime's version, required of the registry when published.
    pub version: String,
    /// The runtime's folder relative to the output folder (each crate sits one
    /// folder below it), or absolute; empty: the registry's version alone.
    pub path: String,
}

/// The version of `twilio-rest-runtime` this generator emits code for (the
/// version in `runtime/Cargo.toml`; a test keeps them equal).
pub const RUNTIME_VERSION: &str = "0.1.0";

impl Layout {
    /// A facade named `name` at version 0.0.0 with one crate per spec named by the
    /// default rule, all enabled by default, not published, inside the workspace,
    /// with the runtime where it is in this repository for an output folder one
    /// below the root (`../runtime`), and no templates (set [`Layout::templates`]).
    pub fn new(name: &str) -> Self {
        Layout {
            facade: Package {
                name: name.to_owned(),
                version: "0.0.0".to_owned(),
                description: format!("The `{name}` client, generated from Twilio's OpenAPI specs."),
                publish: false,
            },
            crates: Vec::new(),
            default_specs: None,
            standalone: false,
            runtime: RuntimeDependency {
                version: RUNTIME_VERSION.to_owned(),
                path: "../runtime".to_owned(),
            },
            reexports: Vec::new(),
            templates: Templates::new(),
        }
    }
}

impl Layout {
    /// The (package name, version) of the crate the spec `spec_file` (a path or a
    /// file name) of module `module` is generated into.
    pub fn crate_of(&self, spec_file: &str, module: &str) -> (String, String) {
        let file = spec_file.rsplit('/').next().unwrap_or(spec_file);
        match self.crates.iter().find(|c| c.spec == file) {
            Some(c) => (c.name.clone(), c.version.clone()),
            None => (
                format!("{}-{}", self.facade.name, module.replace('_', "-")),
                self.facade.version.clone(),
            ),
        }
    }
}

/// The planned packages.
#[derive(Debug, Clone)]
pub struct Packages {
    /// The facade.
    pub facade: Planned,
    /// One crate per API, in the order of the APIs given.
    pub apis: Vec<Planned>,
    /// Whether the crates form a workspace of their own.
    pub standalone: bool,
    /// The runtime as each crate's `Cargo.toml` names it (path relative to the crate).
    pub runtime: RuntimeDependency,
    /// Other crates the facade re-exports.
    pub reexports: Vec<Reexport>,
}

/// One planned crate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Planned {
    /// Package name.
    pub name: String,
    /// Its Rust name (`twilio_rest_flex_v1`).
    pub ident: String,
    /// Its folder, relative to the output folder.
    pub dir: String,
    /// Package version.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Whether it may be published.
    pub publish: bool,
    /// The facade's feature enabling it and the module re-exporting it (API crates).
    pub feature: String,
    /// The facade's module name for it (`flex_v1`; empty for the facade).
    pub module: String,
    /// Whether the facade enables it by default.
    pub default: bool,
}

/// Plans the packages of `apis` by `layout`. Fails when two APIs would share a
/// crate name or a crate is named like the facade (the layout data is wrong).
pub fn plan(apis: &[Api], layout: &Layout) -> Result<Packages, InternalError> {
    let facade = &layout.facade;
    let mut names = BTreeSet::from([facade.name.clone()]);
    let mut planned = Vec::new();
    for api in apis {
        let file = api.spec_file.rsplit('/').next().unwrap_or(&api.spec_file);
        let (name, version) = layout.crate_of(&api.spec_file, &api.module);
        if !names.insert(name.clone()) {
            return Err(InternalError {
                file: "Cargo.toml".to_owned(),
                message: format!(
                    "the layout gives `{name}` to {} and another crate",
                    api.spec_file
                ),
            });
        }
        let default = layout
            .default_specs
            .as_ref()
            .is_none_or(|d| d.iter().any(|s| s == file));
        planned.push(Planned {
            ident: name.replace('-', "_"),
            dir: name.clone(),
            description: format!(
                "{} ({}): typed async Rust client, generated from Twilio's OpenAPI spec.",
                api.title, api.base_url
            ),
            name,
            version,
            publish: facade.publish,
            feature: api.feature.clone(),
            module: api.module.clone(),
            default,
        });
    }
    let runtime = RuntimeDependency {
        version: layout.runtime.version.clone(),
        path: if layout.runtime.path.is_empty() || layout.runtime.path.starts_with('/') {
            layout.runtime.path.clone()
        } else {
            format!("../{}", layout.runtime.path)
        },
    };
    Ok(Packages {
        facade: Planned {
            ident: facade.name.replace('-', "_"),
            dir: facade.name.clone(),
            name: facade.name.clone(),
            version: facade.version.clone(),
            description: facade.description.clone(),
            publish: facade.publish,
            feature: String::new(),
            module: String::new(),
            default: true,
        },
        apis: planned,
        standalone: layout.standalone,
        runtime,
        reexports: layout.reexports.clone(),
    })
}
