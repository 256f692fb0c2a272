//! Object schemas → models: properties merged across `allOf` parts, and the
//! variant part (`oneOf`/`anyOf`) beside them.

use super::unions::union_parts;
use super::{doc_of, SchemaRef};
use crate::diag::Pointer;
use crate::ir::{Alias, Field, Item, Model, Type};
use crate::lower::Lowerer;
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type as OaType};
use std::collections::BTreeSet;

/// The properties of an object schema, with where they are.
pub(super) struct ObjectParts<'a> {
    properties: Vec<(&'a str, SchemaRef<'a>, Pointer)>,
    required: BTreeSet<&'a str>,
    /// A `oneOf`/`anyOf` beside the properties (an `allOf` part, or the schema's
    /// own): the variant part of the object.
    variants: Option<VariantPart<'a>>,
}

/// Where the variants of an object with common properties are.
enum VariantPart<'a> {
    /// An `allOf` part that is a union (inline or a `$ref`), and where it is.
    Part(SchemaRef<'a>, Pointer),
    /// The schema's own `oneOf`/`anyOf`, beside its `allOf` or properties, and
    /// where the schema is.
    Own(&'a Schema, &'a [ReferenceOr<Schema>], &'static str, Pointer),
}

/// The `oneOf`/`anyOf` of a schema that also has properties or an `allOf`.
fn own_variants(s: &Schema) -> Option<(&[ReferenceOr<Schema>], &'static str)> {
    match &s.schema_kind {
        SchemaKind::Any(a) if !a.one_of.is_empty() => Some((&a.one_of, "oneOf")),
        SchemaKind::Any(a) if !a.any_of.is_empty() => Some((&a.any_of, "anyOf")),
        _ => None,
    }
}

/// Property names of Twilio's list-page `meta` object.
const PAGE_META_KEYS: &[&str] = &[
    "first_page_url",
    "key",
    "next_page_url",
    "page",
    "page_size",
    "previous_page_url",
    "url",
];

pub(super) fn is_object(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(OaType::Object(o)) => !o.properties.is_empty(),
        SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(a) => !a.properties.is_empty() || !a.all_of.is_empty(),
        _ => false,
    }
}

impl<'a> Lowerer<'a> {
    /// An inline property's pattern and bounds, for samples (a `$ref` is
    /// resolved, and a dangling one reported, by `ty` alone).
    fn inline_constraints(&mut self, prop: SchemaRef<'a>, at: &Pointer) -> crate::ir::Constraints {
        match prop {
            SchemaRef::Item(_) => self.constraints(prop, at).0,
            SchemaRef::Ref(_) => Default::default(),
        }
    }

    /// The properties of an object-like schema (`type: object` with properties,
    /// untyped with properties, or `allOf`), merged in order; `None` for anything else.
    pub(super) fn object_parts(
        &mut self,
        s: &'a Schema,
        ptr: &Pointer,
    ) -> Option<(ObjectParts<'a>, Option<&'a AdditionalProperties>)> {
        let own = |props: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
                   req: &'a [String],
                   at: &Pointer| ObjectParts {
            properties: props
                .iter()
                .map(|(k, v)| (k.as_str(), v.into(), at.push("properties").push(k)))
                .collect(),
            required: req.iter().map(String::as_str).collect(),
            variants: own_variants(s)
                .map(|(parts, keyword)| VariantPart::Own(s, parts, keyword, at.clone())),
        };
        match &s.schema_kind {
            SchemaKind::Type(OaType::Object(o)) if !o.properties.is_empty() => Some((
                own(&o.properties, &o.required, ptr),
                o.additional_properties.as_ref(),
            )),
            SchemaKind::AllOf { all_of } => {
                let none = ObjectParts {
                    properties: Vec::new(),
                    required: BTreeSet::new(),
                    variants: None,
                };
                Some((self.merge_all_of(all_of, none, ptr), None))
            }
            SchemaKind::Any(a) if !a.all_of.is_empty() => Some((
                self.merge_all_of(&a.all_of, own(&a.properties, &a.required, ptr), ptr),
                None,
            )),
            SchemaKind::Any(a) if !a.properties.is_empty() => Some((
                own(&a.properties, &a.required, ptr),
                a.additional_properties.as_ref(),
            )),
            _ => None,
        }
    }

    /// The properties (name, schema, pointer) and required names of an object-like
    /// schema, for request bodies, and whether it also has a variant part
    /// (`oneOf`/`anyOf`), which its properties alone do not describe.
    #[allow(clippy::type_complexity)]
    pub(in crate::lower) fn object_properties(
        &mut self,
        s: &'a Schema,
        ptr: &Pointer,
    ) -> Option<(
        Vec<(&'a str, SchemaRef<'a>, Pointer)>,
        BTreeSet<&'a str>,
        bool,
    )> {
        let (parts, _) = self.object_parts(s, ptr)?;
        let variants = parts.variants.is_some();
        Some((parts.properties, parts.required, variants))
    }

    /// Merges the parts of an `allOf` (and the schema's own properties, last).
    fn merge_all_of(
        &mut self,
        all_of: &'a [ReferenceOr<Schema>],
        own: ObjectParts<'a>,
        ptr: &Pointer,
    ) -> ObjectParts<'a> {
        let mut parts = ObjectParts {
            properties: Vec::new(),
            required: BTreeSet::new(),
            variants: own.variants,
        };
        for (i, part) in all_of.iter().enumerate() {
            let Some((schema, at)) = self.resolve_schema(part.into(), &ptr.push("allOf").push(i))
            else {
                continue;
            };
            if union_parts(schema).is_some_and(|(p, _)| p.len() > 1) {
                if parts.variants.is_none() {
                    parts.variants = Some(VariantPart::Part(part.into(), at.clone()));
                } else {
                    self.warn(&at, "a second oneOf/anyOf in one object is not modelled; it is left out of the merged model");
                }
                continue;
            }
            match self.object_parts(schema, &at) {
                Some((p, _)) => {
                    if parts.variants.is_none() {
                        parts.variants = p.variants;
                    }
                    parts.required.extend(p.required);
                    for prop in p.properties {
                        if !parts.properties.iter().any(|(n, _, _)| *n == prop.0) {
                            parts.properties.push(prop);
                        }
                    }
                }
                None => self.warn(&at, "allOf part is not an object with properties; it is left out of the merged model"),
            }
        }
        parts.required.extend(own.required);
        for prop in own.properties {
            if !parts.properties.iter().any(|(n, _, _)| *n == prop.0) {
                parts.properties.push(prop);
            }
        }
        parts
    }

    pub(super) fn object_type(
        &mut self,
        parts: ObjectParts<'a>,
        additional: Option<&'a AdditionalProperties>,
        s: &'a Schema,
        ptr: &Pointer,
        hint: &str,
        depth: usize,
    ) -> Type {
        if parts.properties.is_empty() {
            return self.free_form(additional, ptr, hint, depth);
        }
        let keys: Vec<&str> = parts.properties.iter().map(|(k, _, _)| *k).collect();
        if keys.contains(&"next_page_url") && keys.iter().all(|k| PAGE_META_KEYS.contains(k)) {
            return Type::PageMeta;
        }
        let base = s.schema_data.title.as_deref().unwrap_or(hint);
        let name = self.types.camel(base);
        let model = self.model_from_parts(name.clone(), base.to_owned(), parts, s, ptr, depth);
        self.models.push(model);
        Type::Model(name)
    }

    /// Lowers a named component object schema.
    pub(super) fn lower_model(
        &mut self,
        name: String,
        api_name: String,
        s: &'a Schema,
        ptr: &Pointer,
        depth: usize,
    ) {
        match self.object_parts(s, ptr) {
            Some((parts, _)) => {
                let m = self.model_from_parts(name, api_name, parts, s, ptr, depth);
                self.models.push(m);
            }
            None => {
                let ty = self.schema_type(s, ptr, &name, depth);
                self.aliases.push(Alias {
                    item: Item {
                        name,
                        api_name,
                        origin: ptr.clone(),
                        doc: doc_of(s.schema_data.description.as_ref()),
                    },
                    ty,
                });
            }
        }
    }

    fn model_from_parts(
        &mut self,
        name: String,
        api_name: String,
        parts: ObjectParts<'a>,
        s: &'a Schema,
        ptr: &Pointer,
        depth: usize,
    ) -> Model {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        // The discriminator of the variant part is read by the variants, not kept
        // as a common field.
        // An inline `oneOf` part without a discriminator takes the one beside the
        // `allOf`.
        let outer = s.schema_data.discriminator.as_ref();
        let discriminator = match &parts.variants {
            Some(VariantPart::Part(SchemaRef::Item(p), _)) => {
                p.schema_data.discriminator.as_ref().or(outer)
            }
            Some(VariantPart::Part(r, at)) => self
                .resolve_schema(*r, at)
                .and_then(|(p, _)| p.schema_data.discriminator.as_ref()),
            Some(VariantPart::Own(own, ..)) => own.schema_data.discriminator.as_ref(),
            None => None,
        };
        let tag = discriminator.map(|d| d.property_name.as_str());
        for (pname, prop, pptr) in parts.properties {
            if Some(pname) == tag {
                continue;
            }
            let rust = scope.snake(pname);
            let hint = format!("{name}{}", names::camel_ident(pname));
            let ty = self.ty(prop, &pptr, &hint, depth + 1);
            let constraints = self.inline_constraints(prop, &pptr);
            let format = super::named_format(prop);
            let (nullable, doc, deprecated) = match prop {
                // openapiv3 drops the siblings of `$ref` (`nullable`, `description`):
                // such a field is never known to be non-null.
                // Its description is the referenced schema's.
                SchemaRef::Ref(r) => {
                    let doc = self
                        .component_schema(r)
                        .and_then(|s| doc_of(s.schema_data.description.as_ref()));
                    (true, doc, false)
                }
                SchemaRef::Item(p) => (
                    p.schema_data.nullable,
                    doc_of(p.schema_data.description.as_ref()),
                    p.schema_data.deprecated,
                ),
            };
            fields.push(Field {
                name: rust,
                api_name: pname.to_owned(),
                ty,
                required: parts.required.contains(pname),
                nullable,
                doc,
                deprecated,
                flatten: false,
                constraints,
                format,
            });
        }
        if let Some(part) = parts.variants {
            let hint = format!("{name}Variant");
            let inline = match part {
                VariantPart::Part(SchemaRef::Item(p), at) => union_parts(p).map(|(v, k)| {
                    let base = p.schema_data.title.clone().unwrap_or(hint.clone());
                    (base, p, v, k, at)
                }),
                VariantPart::Own(own, v, k, at) => Some((hint.clone(), own, v, k, at)),
                VariantPart::Part(r, at) => {
                    let ty = self.ty(r, &at, &hint, depth + 1);
                    variant_field(&mut fields, &mut scope, ty);
                    None
                }
            };
            if let Some((base, p, variants, keyword, at)) = inline {
                let union = self.types.camel(&base);
                let d = (p, discriminator);
                self.lower_union(union.clone(), base, d, variants, keyword, &at, depth + 1);
                variant_field(&mut fields, &mut scope, Type::Union(union));
            }
        }
        Model {
            item: Item {
                name,
                api_name,
                origin: ptr.clone(),
                doc: doc_of(s.schema_data.description.as_ref()),
            },
            fields,
            page: None,
        }
    }
}

/// Appends the flattened variant part of an object (named `variant`, or
/// `variant_value` when a property is called `variant`).
fn variant_field(fields: &mut Vec<Field>, scope: &mut Scope, ty: Type) {
    let rust = scope.claim(&["variant".to_owned(), "variant_value".to_owned()], "_");
    fields.push(Field {
        api_name: rust.clone(),
        name: rust,
        ty,
        required: true,
        nullable: false,
        doc: Some("The variant part: the properties that depend on the kind of value.".to_owned()),
        deprecated: false,
        flatten: true,
        constraints: Default::default(),
        format: None,
    });
}
