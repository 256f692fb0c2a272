//! The type of a schema where it is used (a field, a parameter, a body):
//! `$ref`s, scalars and their formats, arrays, maps and free-form JSON.

use super::unions::{is_null, union_parts};
use super::SchemaRef;
use crate::diag::Pointer;
use crate::ir::Type;
use crate::lower::{ref_key, ComponentKind, Lowerer, XTwilio, MAX_DEPTH};
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat,
    Type as OaType, VariantOrUnknownOrEmpty,
};

impl<'a> Lowerer<'a> {
    /// The type of a schema used somewhere (a field, a parameter, a body). Inline
    /// objects and enums become new items named after `hint`.
    pub(in crate::lower) fn ty(
        &mut self,
        s: SchemaRef<'a>,
        ptr: &Pointer,
        hint: &str,
        depth: usize,
    ) -> Type {
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
    pub(in crate::lower) fn ref_type(&mut self, r: &str, ptr: &Pointer) -> Type {
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
    pub(super) fn component_schema(&self, r: &str) -> Option<&'a Schema> {
        self.component::<Schema>(&ref_key::<Schema>(r)?)?.as_item()
    }

    /// Follows `$ref`s to the schema itself (for merging `allOf` parts and reading
    /// request bodies). Returns the schema and its pointer.
    pub(in crate::lower) fn resolve_schema(
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

    pub(super) fn schema_type(
        &mut self,
        s: &'a Schema,
        ptr: &Pointer,
        hint: &str,
        depth: usize,
    ) -> Type {
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
    pub(super) fn free_form(
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
