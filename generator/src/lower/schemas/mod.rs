//! Schemas → models, enums, aliases and field types: each component schema is
//! named and lowered here; the types of schemas in use, objects, unions, enums
//! and list pages each have their own file.

mod enums;
mod objects;
mod pages;
mod types;
mod unions;

pub(super) use pages::mark_pages;

use super::{ref_key, ComponentKind, Lowerer, MAX_DEPTH};
use crate::diag::Pointer;
use crate::docs;
use crate::ir::{Alias, Item};
use crate::names;
use enums::is_enum;
use objects::is_object;
use openapiv3::{ReferenceOr, Schema};
use unions::union_parts;

/// A schema or a reference to one, whether boxed or not.
#[derive(Clone, Copy)]
pub(super) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// The spec's description, sanitized, or `None` when empty.
pub(super) fn doc_of(text: Option<&String>) -> Option<String> {
    text.map(|t| docs::sanitize(t)).filter(|t| !t.is_empty())
}

/// Candidate Rust names for a component schema, most preferred first:
/// `flex.v1.interaction.interaction_channel` → `InteractionChannel`, then longer
/// forms. Enum names drop their `_enum_` infix.
fn component_candidates(name: &str) -> Vec<String> {
    let clean = |s: &str| s.replace("_enum_", "_");
    let segs: Vec<&str> = name.split('.').collect();
    let mut out = vec![names::camel_ident(&clean(segs[segs.len() - 1]))];
    if segs.len() >= 2 {
        out.push(names::camel_ident(&clean(
            &segs[segs.len() - 2..].join("_"),
        )));
    }
    out.push(names::camel_ident(&clean(&segs.join("_"))));
    out.push(format!("{}Type", out[0]));
    out
}

impl<'a> Lowerer<'a> {
    /// First pass: give every component schema its Rust name, so `$ref`s resolve
    /// no matter the order.
    pub(super) fn declare_components(&mut self) {
        let spec = self.spec;
        let Some(components) = &spec.components else {
            return;
        };
        let mut keys: Vec<&String> = components.schemas.keys().collect();
        keys.sort();
        for key in keys {
            let kind = match &components.schemas[key] {
                ReferenceOr::Item(s) if is_enum(s) => ComponentKind::Enum,
                ReferenceOr::Item(s) if union_parts(s).is_some_and(|(p, _)| p.len() > 1) => {
                    ComponentKind::Union
                }
                ReferenceOr::Item(s) if is_object(s) => ComponentKind::Model,
                _ => ComponentKind::Alias,
            };
            let name = self.types.claim(&component_candidates(key), "");
            self.components.insert(key.clone(), (name, kind));
        }
    }

    /// Second pass: lower every component schema.
    pub(super) fn lower_components(&mut self) {
        let spec = self.spec;
        let Some(components) = &spec.components else {
            return;
        };
        let base = Pointer::root().push("components").push("schemas");
        let entries: Vec<(String, (String, ComponentKind))> = self
            .components
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, (name, kind)) in entries {
            let ptr = base.push(&key);
            let schema = &components.schemas[&key];
            match (kind, schema) {
                (ComponentKind::Model, ReferenceOr::Item(s)) => {
                    self.lower_model(name, key.clone(), s, &ptr, 0);
                }
                (ComponentKind::Enum, ReferenceOr::Item(s)) => {
                    self.lower_enum(name, key.clone(), s, &ptr);
                }
                (ComponentKind::Union, ReferenceOr::Item(s)) => {
                    if let Some((parts, keyword)) = union_parts(s) {
                        let d = s.schema_data.discriminator.as_ref();
                        self.lower_union(name, key.clone(), (s, d), parts, keyword, &ptr, 0);
                    }
                }
                _ => {
                    if let Some(cycle) = self.alias_cycle(&key) {
                        self.error(&ptr, format!("cyclic $ref chain: {}", cycle.join(" -> ")));
                        continue;
                    }
                    let ty = self.ty(schema.into(), &ptr, &name, 0);
                    let doc = match schema {
                        ReferenceOr::Item(s) => doc_of(s.schema_data.description.as_ref()),
                        ReferenceOr::Reference { .. } => None,
                    };
                    self.aliases.push(Alias {
                        item: Item {
                            name,
                            api_name: key,
                            origin: ptr,
                            doc,
                        },
                        ty,
                    });
                }
            }
        }
    }

    /// If the component `key` is a `$ref` chain that loops, the names along the loop.
    fn alias_cycle(&self, key: &str) -> Option<Vec<String>> {
        let schemas = &self.spec.components.as_ref()?.schemas;
        let mut seen: Vec<String> = vec![key.to_owned()];
        let mut cur = key.to_owned();
        loop {
            let ReferenceOr::Reference { reference } = schemas.get(&cur)? else {
                return None;
            };
            let next = ref_key::<Schema>(reference)?;
            if seen.contains(&next) {
                seen.push(next);
                return Some(seen);
            }
            if seen.len() > MAX_DEPTH {
                return Some(seen);
            }
            seen.push(next.clone());
            cur = next;
        }
    }
}

/// The string format of an inline schema that its type does not carry (`email`),
/// for sample values.
pub(super) fn named_format(prop: SchemaRef<'_>) -> Option<String> {
    match prop {
        SchemaRef::Item(p) => match &p.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(st)) => match &st.format {
                openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                _ => None,
            },
            _ => None,
        },
        SchemaRef::Ref(_) => None,
    }
}
