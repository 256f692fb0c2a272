//! `oneOf`/`anyOf` schemas → unions: variants named, tagged by the
//! discriminator and ranked in the order they are tried.

use super::{doc_of, SchemaRef};
use crate::diag::Pointer;
use crate::ir::{Item, Type, Union, Variant};
use crate::lower::{ref_key, Lowerer, MAX_DEPTH};
use crate::names::Scope;
use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaKind, Type as OaType};

/// The schemas of a `oneOf` or `anyOf` (and the keyword), if `s` is one. Both
/// become a union tried variant by variant: `anyOf` allows a value to match several
/// schemas, and the first (most specific) that decodes is taken.
pub(super) fn union_parts(s: &Schema) -> Option<(&[ReferenceOr<Schema>], &'static str)> {
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
pub(super) fn is_null(s: SchemaRef<'_>) -> bool {
    matches!(s, SchemaRef::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("null")))
}

impl<'a> Lowerer<'a> {
    /// Lowers a `oneOf`/`anyOf` (component or inline) and records it as a union.
    /// `null` parts are left out: they make the value nullable, which its field
    /// states. With a discriminator, each variant whose schema is a `$ref` is
    /// selected by the `mapping` keys naming it, else by its component name.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lower_union(
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
