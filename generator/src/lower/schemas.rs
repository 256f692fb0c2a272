//! Schemas → models, enums, aliases and field types.

use super::{ref_key, ComponentKind, Lowerer, XTwilio, MAX_DEPTH};
use crate::diag::Pointer;
use crate::docs;
use crate::ir::{
    Alias, Enum, EnumValue, Field, Item, Model, PageLinks, PageShape, TokenLinks, Type, Union,
    Variant,
};
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Discriminator, IntegerFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type as OaType, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

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

/// The properties of an object schema, with where they are.
struct ObjectParts<'a> {
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

fn is_enum(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(OaType::String(st)) => st.enumeration.iter().any(Option::is_some),
        SchemaKind::Any(a) => {
            a.properties.is_empty() && a.enumeration.iter().any(|v| v.is_string())
        }
        _ => false,
    }
}

/// The schemas of a `oneOf` or `anyOf` (and the keyword), if `s` is one. Both
/// become a union tried variant by variant: `anyOf` allows a value to match several
/// schemas, and the first (most specific) that decodes is taken.
fn union_parts(s: &Schema) -> Option<(&[ReferenceOr<Schema>], &'static str)> {
    match &s.schema_kind {
        SchemaKind::OneOf { one_of } => Some((one_of, "oneOf")),
        SchemaKind::AnyOf { any_of } => Some((any_of, "anyOf")),
        SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() => {
            if !a.one_of.is_empty() {
                Some((&a.one_of, "oneOf"))
            } else if !a.any_of.is_empty() {
                Some((&a.any_of, "anyOf"))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A `type: 'null'` schema (a nullable union's `null` part).
fn is_null(s: SchemaRef<'_>) -> bool {
    matches!(s, SchemaRef::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("null")))
}

fn is_object(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(OaType::Object(o)) => !o.properties.is_empty(),
        SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(a) => !a.properties.is_empty() || !a.all_of.is_empty(),
        _ => false,
    }
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

    /// The type of a schema used somewhere (a field, a parameter, a body). Inline
    /// objects and enums become new items named after `hint`.
    pub(super) fn ty(&mut self, s: SchemaRef<'a>, ptr: &Pointer, hint: &str, depth: usize) -> Type {
        if depth > MAX_DEPTH {
            self.error(ptr, format!("schemas nest deeper than {MAX_DEPTH} levels"));
            return Type::Json;
        }
        match s {
            SchemaRef::Ref(r) => self.ref_type(r, ptr),
            SchemaRef::Item(s) => self.schema_type(s, ptr, hint, depth),
        }
    }

    /// The type a `$ref` to a component schema stands for.
    pub(super) fn ref_type(&mut self, r: &str, ptr: &Pointer) -> Type {
        match ref_key::<Schema>(r).and_then(|k| self.components.get(&k)) {
            Some((name, ComponentKind::Model)) => Type::Model(name.clone()),
            Some((name, ComponentKind::Enum)) => Type::Enum(name.clone()),
            Some((name, ComponentKind::Alias)) => Type::Alias(name.clone()),
            Some((name, ComponentKind::Union)) => Type::Union(name.clone()),
            None => {
                self.error(
                    &ptr.push("$ref"),
                    format!(
                        "unresolvable $ref `{r}` (only `#/components/schemas/…` are supported)"
                    ),
                );
                Type::Json
            }
        }
    }

    /// The component schema a `$ref` points at, if it is an inline schema (no
    /// diagnostics: for documentation only).
    fn component_schema(&self, r: &str) -> Option<&'a Schema> {
        self.component::<Schema>(&ref_key::<Schema>(r)?)?.as_item()
    }

    /// Follows `$ref`s to the schema itself (for merging `allOf` parts and reading
    /// request bodies). Returns the schema and its pointer.
    pub(super) fn resolve_schema(
        &mut self,
        s: SchemaRef<'a>,
        ptr: &Pointer,
    ) -> Option<(&'a Schema, Pointer)> {
        match s {
            SchemaRef::Item(s) => Some((s, ptr.clone())),
            SchemaRef::Ref(r) => {
                let found = ref_key::<Schema>(r)
                    .and_then(|key| self.component::<Schema>(&key).map(|next| (key, next)));
                let Some((key, next)) = found else {
                    self.error(&ptr.push("$ref"), format!("unresolvable $ref `{r}`"));
                    return None;
                };
                let at = Pointer::root().push("components").push("schemas").push(key);
                self.resolve(next, &at)
            }
        }
    }

    fn schema_type(&mut self, s: &'a Schema, ptr: &Pointer, hint: &str, depth: usize) -> Type {
        let ignore_format = XTwilio::of(&s.schema_data.extensions).ignore_format;
        if let Some(ty) = formatted_object(s) {
            return ty;
        }
        if let Some((parts, additional)) = self.object_parts(s, ptr) {
            return self.object_type(parts, additional, s, ptr, hint, depth);
        }
        if let Some((parts, keyword)) = union_parts(s) {
            let real: Vec<(usize, SchemaRef<'a>)> = parts
                .iter()
                .enumerate()
                .map(|(i, p)| (i, SchemaRef::from(p)))
                .filter(|(_, p)| !is_null(*p))
                .collect();
            // One schema besides `null`: that schema (its nullability is the
            // field's).
            if let [(i, only)] = real.as_slice() {
                let at = ptr.push(keyword).push(i);
                return self.ty(*only, &at, hint, depth + 1);
            }
            let base = s.schema_data.title.as_deref().unwrap_or(hint);
            let name = self.types.camel(base);
            let d = s.schema_data.discriminator.as_ref();
            self.lower_union(
                name.clone(),
                base.to_owned(),
                (s, d),
                parts,
                keyword,
                ptr,
                depth,
            );
            return Type::Union(name);
        }
        match &s.schema_kind {
            SchemaKind::Type(OaType::String(st)) => {
                if st.enumeration.iter().any(Option::is_some) {
                    let name = self.types.camel(hint);
                    self.lower_enum(name.clone(), hint.to_owned(), s, ptr);
                    return Type::Enum(name);
                }
                if ignore_format {
                    return Type::String;
                }
                match &st.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Type::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Type::Date,
                    VariantOrUnknownOrEmpty::Unknown(f) => string_format(f),
                    _ => Type::String,
                }
            }
            SchemaKind::Type(OaType::Integer(it)) => match it.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Type::I32,
                _ => Type::I64,
            },
            SchemaKind::Type(OaType::Number(_)) => Type::F64,
            SchemaKind::Type(OaType::Boolean(_)) => Type::Bool,
            SchemaKind::Type(OaType::Array(a)) => {
                self.array_type(a.items.as_ref(), ptr, hint, depth)
            }
            SchemaKind::Any(a) if a.enumeration.iter().any(|v| v.is_string()) => {
                let name = self.types.camel(hint);
                self.lower_enum(name.clone(), hint.to_owned(), s, ptr);
                Type::Enum(name)
            }
            SchemaKind::Any(a) => match (a.typ.as_deref(), a.format.as_deref()) {
                (Some("array"), _) => self.array_type(a.items.as_ref(), ptr, hint, depth),
                (Some("string"), Some(f)) if !ignore_format => string_format(f),
                (Some("string"), _) => Type::String,
                (Some("boolean"), _) => Type::Bool,
                (Some("integer"), Some("int32")) => Type::I32,
                (Some("integer"), _) => Type::I64,
                (Some("number"), _) => Type::F64,
                _ => Type::Json,
            },
            // Objects without properties (free-form or maps).
            SchemaKind::Type(OaType::Object(o)) => {
                self.free_form(o.additional_properties.as_ref(), ptr, hint, depth)
            }
            SchemaKind::AllOf { .. } => Type::Json,
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => Type::Json,
            SchemaKind::Not { .. } => {
                self.warn(
                    ptr,
                    "`not` is not modelled; the value is typed as free-form JSON",
                );
                Type::Json
            }
        }
    }

    /// An object without properties: a map when `additionalProperties` gives the
    /// value schema, else free-form JSON.
    fn free_form(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        ptr: &Pointer,
        hint: &str,
        depth: usize,
    ) -> Type {
        match additional {
            Some(AdditionalProperties::Schema(v)) => {
                let v: &'a ReferenceOr<Schema> = v;
                let at = ptr.push("additionalProperties");
                let t = self.ty(v.into(), &at, &format!("{hint}Value"), depth + 1);
                Type::Map(Box::new(nullable_if(v.into(), t)))
            }
            _ => Type::Json,
        }
    }

    fn array_type(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        ptr: &Pointer,
        hint: &str,
        depth: usize,
    ) -> Type {
        match items {
            Some(items) => {
                let t = self.ty(
                    items.into(),
                    &ptr.push("items"),
                    &format!("{hint}Item"),
                    depth + 1,
                );
                Type::Array(Box::new(nullable_if(items.into(), t)))
            }
            None => Type::Array(Box::new(Type::Json)),
        }
    }

    /// The properties of an object-like schema (`type: object` with properties,
    /// untyped with properties, or `allOf`), merged in order; `None` for anything else.
    fn object_parts(
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
    pub(super) fn object_properties(
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

    fn object_type(
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
    fn lower_model(
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
            // An inline property's pattern and bounds (a `$ref` is resolved,
            // and a dangling one reported, by `ty` alone).
            let constraints = match prop {
                SchemaRef::Item(_) => self.constraints(prop, &pptr).0,
                SchemaRef::Ref(_) => Default::default(),
            };
            let format = match prop {
                SchemaRef::Item(p) => match &p.schema_kind {
                    SchemaKind::Type(OaType::String(st)) => match &st.format {
                        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                        _ => None,
                    },
                    _ => None,
                },
                SchemaRef::Ref(_) => None,
            };
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

    /// Lowers a `oneOf`/`anyOf` (component or inline) and records it as a union.
    /// `null` parts are left out: they make the value nullable, which its field
    /// states. With a discriminator, each variant whose schema is a `$ref` is
    /// selected by the `mapping` keys naming it, else by its component name.
    #[allow(clippy::too_many_arguments)]
    fn lower_union(
        &mut self,
        name: String,
        api_name: String,
        (s, discriminator): (&'a Schema, Option<&'a Discriminator>),
        parts: &'a [ReferenceOr<Schema>],
        keyword: &str,
        ptr: &Pointer,
        depth: usize,
    ) {
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut ranked = Vec::new();
        let own_key = match ptr.segments() {
            [c, section, key] if c == "components" && section == "schemas" => Some(key.clone()),
            _ => None,
        };
        for (i, part) in parts.iter().enumerate() {
            let part_ref = SchemaRef::from(part);
            if is_null(part_ref) {
                continue;
            }
            let at = ptr.push(keyword).push(i);
            // A variant that is the union again (through unions only) would decode
            // forever.
            if let Some(key) = &own_key {
                if self.union_reaches(part_ref, key, 0) {
                    self.warn(
                        &at,
                        "a variant that is its own union again is not modelled; it is left out",
                    );
                    continue;
                }
            }
            let (hint, counts) = match part {
                ReferenceOr::Reference { reference } => (
                    String::new(),
                    self.component_schema(reference)
                        .map(|c| self.object_counts(c, 0))
                        .unwrap_or_default(),
                ),
                ReferenceOr::Item(p) => (
                    match &p.schema_data.title {
                        Some(t) => t.clone(),
                        None => format!("{name}Variant{}", i + 1),
                    },
                    self.object_counts(p, 0),
                ),
            };
            let ty = self.ty(part_ref, &at, &hint, depth + 1);
            let word = match (&ty, part) {
                (Type::Model(n) | Type::Enum(n) | Type::Alias(n) | Type::Union(n), _) => n.clone(),
                (_, ReferenceOr::Item(p)) if p.schema_data.title.is_some() => hint.clone(),
                _ => type_word(&ty),
            };
            let tags = match (discriminator, part) {
                (Some(d), ReferenceOr::Reference { reference }) => {
                    let key = ref_key::<Schema>(reference).unwrap_or_default();
                    let mapped: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| *target == reference || **target == key)
                        .map(|(value, _)| value.clone())
                        .collect();
                    if mapped.is_empty() {
                        vec![key]
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            let rank = variant_rank(&ty, counts);
            ranked.push((rank, i, word, ty, tags));
        }
        ranked.sort_by_key(|r| (r.0, r.1));
        // Names in spec order, so a variant keeps its name whatever its rank.
        let mut by_spec: Vec<usize> = (0..ranked.len()).collect();
        by_spec.sort_by_key(|&k| ranked[k].1);
        let mut names = vec![String::new(); ranked.len()];
        for k in by_spec {
            names[k] = scope.camel(&ranked[k].2);
        }
        let variants = ranked
            .into_iter()
            .zip(names)
            .map(|((_, _, _, ty, tags), name)| Variant { name, ty, tags })
            .collect();
        self.unions.push(Union {
            item: Item {
                name,
                api_name,
                origin: ptr.clone(),
                doc: doc_of(s.schema_data.description.as_ref()),
            },
            tag: discriminator.map(|d| d.property_name.clone()),
            variants,
        });
    }

    /// Whether `part`, followed through `$ref`s and nested `oneOf`/`anyOf` only, is
    /// the component schema `target`.
    fn union_reaches(&self, part: SchemaRef<'a>, target: &str, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let schema = match part {
            SchemaRef::Ref(r) => {
                if ref_key::<Schema>(r).as_deref() == Some(target) {
                    return true;
                }
                match self.component_schema(r) {
                    Some(s) => s,
                    None => return false,
                }
            }
            SchemaRef::Item(s) => s,
        };
        union_parts(schema).is_some_and(|(parts, _)| {
            parts
                .iter()
                .any(|p| self.union_reaches(p.into(), target, depth + 1))
        })
    }

    /// (required, declared) property counts of an object-like schema, following
    /// `$ref`s and `allOf` parts without diagnostics; zero for anything else.
    fn object_counts(&self, s: &'a Schema, depth: usize) -> (usize, usize) {
        if depth > MAX_DEPTH {
            return (0, 0);
        }
        let all_of = |parts: &'a [ReferenceOr<Schema>]| {
            parts
                .iter()
                .filter_map(|p| match p {
                    ReferenceOr::Item(s) => Some(s),
                    ReferenceOr::Reference { reference } => self.component_schema(reference),
                })
                .map(|p| self.object_counts(p, depth + 1))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        };
        match &s.schema_kind {
            SchemaKind::Type(OaType::Object(o)) => (o.required.len(), o.properties.len()),
            SchemaKind::AllOf { all_of: parts } => all_of(parts),
            SchemaKind::Any(a) => {
                let own = (a.required.len(), a.properties.len());
                let merged = all_of(&a.all_of);
                (own.0 + merged.0, own.1 + merged.1)
            }
            _ => (0, 0),
        }
    }

    /// Lowers a string enum (component or inline) and records it.
    fn lower_enum(&mut self, name: String, api_name: String, s: &Schema, ptr: &Pointer) {
        let raw: Vec<String> = match &s.schema_kind {
            SchemaKind::Type(OaType::String(st)) => {
                st.enumeration.iter().flatten().cloned().collect()
            }
            SchemaKind::Any(a) => a
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut seen = BTreeSet::new();
        let mut unique = Vec::new();
        for v in raw {
            if seen.insert(v.clone()) {
                unique.push(v);
            } else {
                self.warn(
                    &ptr.push("enum"),
                    format!("duplicate enum value `{v}` ignored"),
                );
            }
        }
        // Plain values (letters, digits, `-`, `_`, spaces) claim their names first, so
        // `predicted-csat` is `PredictedCsat` and `~predicted-csat` `TildePredictedCsat`
        // whatever their order in the spec.
        let plain = |v: &str| {
            v.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        };
        let mut order: Vec<usize> = (0..unique.len()).collect();
        order.sort_by_key(|&i| (!plain(&unique[i]), i));
        let mut scope = Scope::with_reserved(crate::names::OPEN_ENUM_RESERVED);
        let mut names = vec![String::new(); unique.len()];
        for i in order {
            names[i] = scope.variant(&unique[i]);
        }
        let values: Vec<EnumValue> = unique
            .into_iter()
            .zip(names)
            .map(|(value, name)| EnumValue { name, value })
            .collect();
        self.enums.push(Enum {
            item: Item {
                name,
                api_name,
                origin: ptr.clone(),
                doc: doc_of(s.schema_data.description.as_ref()),
            },
            values,
        });
    }
}

/// Objects with a Twilio `format` name a shape Twilio's SDKs treat specially; their
/// declared properties do not match what the API sends (`phone-number-capabilities`
/// declares `sms`, `voice`, … while Proxy answers `sms_outbound`, `voice_inbound`).
/// They become maps, so no key the API sends is lost.
fn formatted_object(s: &Schema) -> Option<Type> {
    let format = match &s.schema_kind {
        SchemaKind::Any(a) if a.typ.as_deref() == Some("object") => a.format.as_deref()?,
        _ => return None,
    };
    Some(match format {
        // Links; a link with no target is `null`.
        "uri-map" => Type::Map(Box::new(Type::Nullable(Box::new(Type::Uri)))),
        "phone-number-capabilities" => Type::Map(Box::new(Type::Bool)),
        f => match f.strip_prefix("prefixed-collapsible-map-") {
            Some(prefix) if !prefix.is_empty() => Type::PrefixedMap(prefix.to_owned()),
            _ => Type::Json,
        },
    })
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

/// The order in which untagged variants are tried, lowest first: objects (more
/// required, then more declared properties first, since a struct with fewer
/// requirements also decodes a richer object and would drop its extra fields),
/// lists, maps, then scalars from the narrowest reading to the widest (`bool`,
/// integers before `f64`, dates and URIs before strings, known enum values before
/// free text), free-form JSON last. Ties keep spec order.
fn variant_rank(
    ty: &Type,
    (required, declared): (usize, usize),
) -> (u8, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>) {
    let class = match ty {
        Type::Model(_) | Type::Union(_) => 0,
        Type::Array(_) => 1,
        Type::Map(_) => 2,
        Type::Bool => 3,
        Type::I32 => 4,
        Type::I64 => 5,
        Type::F64 => 6,
        Type::DateTime | Type::DateTimeRfc2822 | Type::Date => 7,
        Type::Uri => 8,
        Type::Enum(_) => 9,
        Type::String | Type::Alias(_) => 10,
        Type::Nullable(t) => return variant_rank(t, (required, declared)),
        Type::Json | Type::PrefixedMap(_) | Type::PageMeta => 11,
    };
    (
        class,
        std::cmp::Reverse(required),
        std::cmp::Reverse(declared),
    )
}

/// A variant name for a value of type `ty` that has no name of its own.
fn type_word(ty: &Type) -> String {
    match ty {
        Type::String => "String".to_owned(),
        Type::Bool => "Bool".to_owned(),
        Type::I32 | Type::I64 => "Integer".to_owned(),
        Type::F64 => "Number".to_owned(),
        Type::DateTime | Type::DateTimeRfc2822 => "DateTime".to_owned(),
        Type::Date => "Date".to_owned(),
        Type::Uri => "Uri".to_owned(),
        Type::Array(t) => format!("{}List", type_word(t)),
        Type::Map(t) => format!("{}Map", type_word(t)),
        Type::Nullable(t) => type_word(t),
        Type::Model(n) | Type::Enum(n) | Type::Alias(n) | Type::Union(n) => n.clone(),
        Type::Json | Type::PrefixedMap(_) | Type::PageMeta => "Json".to_owned(),
    }
}

/// `t`, or `Nullable(t)` when the (inline) schema says `nullable: true`; for array
/// items and map values, where a `null` has no `Option` field to go to.
fn nullable_if(s: SchemaRef<'_>, t: Type) -> Type {
    match s {
        SchemaRef::Item(s) if s.schema_data.nullable && !matches!(t, Type::Json) => {
            Type::Nullable(Box::new(t))
        }
        _ => t,
    }
}

/// The type for a string `format` that `openapiv3` does not know.
fn string_format(f: &str) -> Type {
    match f {
        "uri" | "url" => Type::Uri,
        "date-time" => Type::DateTime,
        "date" => Type::Date,
        "date-time-rfc-2822" => Type::DateTimeRfc2822,
        _ => Type::String,
    }
}

/// Marks models that are one page of a Twilio list: exactly one array property plus
/// paging links, which are a `meta` object of the runtime's shape, a `meta` model
/// holding tokens (`next_token`), or top-level fields (`next_page_uri`).
pub(super) fn mark_pages(models: &mut [Model]) {
    let token_metas: BTreeMap<String, TokenLinks> = models
        .iter()
        .filter_map(|m| Some((m.item.name.clone(), token_fields(m)?)))
        .collect();
    for m in models {
        let has_meta = m
            .fields
            .iter()
            .any(|f| f.api_name == "meta" && f.ty == Type::PageMeta);
        let token_meta = m.fields.iter().find_map(|f| match &f.ty {
            Type::Model(name) if f.api_name == "meta" => token_metas.get(name).cloned(),
            _ => None,
        });
        let top_level = m.fields.iter().any(|f| f.api_name == "next_page_uri");
        let links = match (has_meta, token_meta, top_level) {
            (true, _, _) => PageLinks::Meta,
            (false, Some(token), _) => PageLinks::Token(token),
            (false, None, true) => PageLinks::TopLevel,
            (false, None, false) => continue,
        };
        let arrays: Vec<&Field> = m
            .fields
            .iter()
            .filter(|f| matches!(f.ty, Type::Array(_)))
            .collect();
        if let [only] = arrays.as_slice() {
            if let Type::Array(item) = &only.ty {
                m.page = Some(PageShape {
                    items_field: only.api_name.clone(),
                    item: (**item).clone(),
                    links,
                });
            }
        }
    }
}

/// The links of a page whose `meta` property is the model `meta`, if that is the
/// meta model of a token-paged list: it has a `next_token` (snake or camel case).
fn token_fields(meta: &Model) -> Option<TokenLinks> {
    let find = |names: [&str; 2]| {
        meta.fields
            .iter()
            .find(|f| names.contains(&f.api_name.as_str()))
            .map(|f| f.api_name.clone())
    };
    Some(TokenLinks {
        field: "meta".to_owned(),
        model: meta.item.name.clone(),
        next: find(["next_token", "nextToken"])?,
        previous: find(["previous_token", "previousToken"]),
        page_size: find(["page_size", "pageSize"]),
    })
}
