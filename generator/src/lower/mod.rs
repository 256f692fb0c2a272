//! Lower: `openapiv3::OpenAPI` → [`crate::ir::Api`]. This is the only module that
//! reads `openapiv3` types and Twilio's `x-twilio` extensions.
//!
//! Problems are collected as [`Diagnostic`]s with JSON pointers; lowering never
//! panics on input. Errors make the whole spec fail; warnings describe constructs
//! that were skipped and are returned beside the result.

mod operations;
mod schemas;

use crate::diag::{Diagnostic, Diagnostics, Pointer};
use crate::ir::{Alias, Api, Enum, Model};
use crate::names::{self, Scope};
use openapiv3::OpenAPI;
use std::collections::BTreeMap;

/// The result of lowering one spec.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The API model.
    pub api: Api,
    /// Constructs that were skipped, with their locations.
    pub warnings: Vec<Diagnostic>,
}

/// How deep `$ref` chains and nested inline schemas may go before lowering gives up.
const MAX_DEPTH: usize = 64;

/// Lowers one parsed spec. `file` is the spec's file name (`twilio_flex_v1.yaml`);
/// it names the module (`flex_v1`) and feature (`flex-v1`) and appears in diagnostics.
pub fn lower(file: &str, spec: &OpenAPI) -> Result<Lowered, Diagnostics> {
    let mut cx = Lowerer::new(file, spec);
    cx.declare_components();
    cx.lower_components();
    let (operations, resources, base_url) = cx.lower_paths();
    if !cx.errors.is_empty() {
        return Err(Diagnostics(cx.errors));
    }
    let mut models = cx.models;
    schemas::mark_pages(&mut models);
    let operations = operations::attach_list_info(operations, &models);
    models.sort_by(|a, b| a.name.cmp(&b.name));
    let mut enums = cx.enums;
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    let mut aliases = cx.aliases;
    aliases.sort_by(|a, b| a.name.cmp(&b.name));
    let module = module_name(file);
    Ok(Lowered {
        api: Api {
            spec_file: file.to_owned(),
            feature: module.replace('_', "-"),
            module,
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            base_url,
            models,
            enums,
            aliases,
            operations,
            resources,
        },
        warnings: cx.warnings,
    })
}

/// `path/to/twilio_flex_v1.yaml` → `flex_v1`.
pub fn module_name(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.split('.').next().unwrap_or(base);
    let stem = stem.strip_prefix("twilio_").unwrap_or(stem);
    let name = names::unraw(&names::snake_ident(stem)).to_owned();
    if names::is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// What a named component schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ComponentKind {
    Model,
    Enum,
    Alias,
}

struct Lowerer<'a> {
    file: &'a str,
    spec: &'a OpenAPI,
    /// One namespace for every type of the module.
    types: Scope,
    /// Component schema name → (Rust name, kind).
    components: BTreeMap<String, (String, ComponentKind)>,
    models: Vec<Model>,
    enums: Vec<Enum>,
    aliases: Vec<Alias>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a str, spec: &'a OpenAPI) -> Self {
        Lowerer {
            file,
            spec,
            types: Scope::with_reserved(names::PRELUDE_TYPES),
            components: BTreeMap::new(),
            models: Vec::new(),
            enums: Vec::new(),
            aliases: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn error(&mut self, ptr: &Pointer, message: impl Into<String>) {
        self.errors.push(Diagnostic::error(self.file, ptr, message));
    }

    fn warn(&mut self, ptr: &Pointer, message: impl Into<String>) {
        self.warnings
            .push(Diagnostic::warning(self.file, ptr, message));
    }
}

/// Reads a string out of an `x-twilio` object.
fn ext_str(ext: Option<&serde_json::Value>, key: &str) -> Option<String> {
    ext?.get(key)?.as_str().map(str::to_owned)
}

/// `x-twilio` of an extensions map.
fn x_twilio(ext: &indexmap::IndexMap<String, serde_json::Value>) -> Option<&serde_json::Value> {
    ext.get("x-twilio").filter(|v| v.is_object())
}

/// `x-twilio.pii.handling`.
fn pii(ext: &indexmap::IndexMap<String, serde_json::Value>) -> Option<String> {
    let p = x_twilio(ext)?.get("pii")?;
    Some(
        p.get("handling")
            .and_then(|h| h.as_str())
            .unwrap_or("standard")
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::module_name;

    #[test]
    fn module_names() {
        assert_eq!(module_name("twilio_flex_v1.yaml"), "flex_v1");
        assert_eq!(module_name("specs/twilio_api_v2010.json"), "api_v2010");
        assert_eq!(
            module_name("twilio_iam_organizations.yaml"),
            "iam_organizations"
        );
        assert_eq!(module_name("weird-name.yaml"), "weird_name");
        assert_eq!(module_name("type.yaml"), "type_");
    }
}
