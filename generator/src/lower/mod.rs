//! Lower: `openapiv3::OpenAPI` → [`crate::ir::Api`]. This is the only module that
//! reads `openapiv3` types and Twilio's `x-twilio` extensions.
//!
//! Problems are collected as [`Diagnostic`]s with JSON pointers; lowering never
//! panics on input. Errors make the whole spec fail; warnings describe constructs
//! that were skipped and are returned beside the result.

mod operations;
mod schemas;

use crate::diag::{Diagnostic, Diagnostics, Pointer};
use crate::ir::{Alias, Api, Enum, Model, Union};
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    Components, Example, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
};
use std::collections::BTreeMap;

/// The result of lowering one spec.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The API model.
    pub api: Api,
    /// Constructs that were skipped, with their locations.
    pub warnings: Vec<Diagnostic>,
}

use crate::MAX_DEPTH;

/// Lowers one parsed spec. `file` is the spec's file name (`twilio_flex_v1.yaml`);
/// it names the module (`flex_v1`) and feature (`flex-v1`) and appears in diagnostics.
pub fn lower(file: &str, spec: &OpenAPI) -> Result<Lowered, Diagnostics> {
    let mut cx = Lowerer::new(file, spec);
    cx.declare_components();
    cx.lower_components();
    let (operations, base_url) = cx.lower_paths();
    if !cx.errors.is_empty() {
        return Err(Diagnostics(cx.errors));
    }
    let mut models = cx.models;
    schemas::mark_pages(&mut models);
    let operations = operations::attach_list_info(operations, &models);
    models.sort_by(|a, b| a.item.name.cmp(&b.item.name));
    let mut enums = cx.enums;
    enums.sort_by(|a, b| a.item.name.cmp(&b.item.name));
    let mut aliases = cx.aliases;
    aliases.sort_by(|a, b| a.item.name.cmp(&b.item.name));
    let mut unions = cx.unions;
    unions.sort_by(|a, b| a.item.name.cmp(&b.item.name));
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
            unions,
            operations,
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
    Union,
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
    unions: Vec<Union>,
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
            unions: Vec::new(),
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

/// What Twilio's `x-twilio` extension says about a schema, typed. Only what the
/// generator uses is read; other keys are ignored.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct XTwilio {
    /// The `format` is informational: the value is sent and received as a string.
    pub(super) ignore_format: bool,
}

impl XTwilio {
    /// The `x-twilio` of an extensions map (default when absent or malformed).
    pub(super) fn of(ext: &IndexMap<String, serde_json::Value>) -> Self {
        ext.get("x-twilio")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }
}

/// A kind of component a local `$ref` can point at (`#/components/<section>/<key>`).
pub(super) trait Component: Sized {
    /// The section of `components` (`schemas`, `parameters`, …).
    const SECTION: &'static str;
    /// That section of `c`.
    fn section(c: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($t:ty, $section:literal, $field:ident) => {
        impl Component for $t {
            const SECTION: &'static str = $section;
            fn section(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &c.$field
            }
        }
    };
}
component!(Schema, "schemas", schemas);
component!(Parameter, "parameters", parameters);
component!(RequestBody, "requestBodies", request_bodies);
component!(Response, "responses", responses);
component!(Example, "examples", examples);

/// The key of a local `$ref` to a component of kind `T` (`~0`/`~1` unescaped), if
/// it is one.
pub(super) fn ref_key<T: Component>(reference: &str) -> Option<String> {
    match Pointer::parse_ref(reference)?.segments() {
        [c, section, key] if c == "components" && section == T::SECTION => Some(key.clone()),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The component `key` of kind `T`, unresolved (it may itself be a `$ref`).
    pub(super) fn component<T: Component>(&self, key: &str) -> Option<&'a ReferenceOr<T>> {
        let spec: &'a OpenAPI = self.spec;
        T::section(spec.components.as_ref()?).get(key)
    }

    /// Follows `$ref`s from `r` (found at `at`) to the item itself, with the pointer
    /// to where it is. An unresolvable or cyclic chain is an error at `at`.
    pub(super) fn resolve<T: Component>(
        &mut self,
        r: &'a ReferenceOr<T>,
        at: &Pointer,
    ) -> Option<(&'a T, Pointer)> {
        let mut cur = r;
        let mut here = at.clone();
        for _ in 0..=MAX_DEPTH {
            match cur {
                ReferenceOr::Item(item) => return Some((item, here)),
                ReferenceOr::Reference { reference } => {
                    let found = ref_key::<T>(reference)
                        .and_then(|k| self.component::<T>(&k).map(|next| (k, next)));
                    match found {
                        Some((k, next)) => {
                            here = Pointer::root().push("components").push(T::SECTION).push(k);
                            cur = next;
                        }
                        None => {
                            self.error(
                                &here.push("$ref"),
                                format!(
                                    "unresolvable $ref `{reference}` (expected `#/components/{}/…`)",
                                    T::SECTION
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.error(
            &here,
            format!("$ref chain longer than {MAX_DEPTH} (cyclic?)"),
        );
        None
    }
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
