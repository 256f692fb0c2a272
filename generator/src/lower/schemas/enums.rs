//! String enum schemas → enums, each value named.

use super::doc_of;
use crate::diag::Pointer;
use crate::ir::{Enum, EnumValue, Item};
use crate::lower::Lowerer;
use crate::names::Scope;
use openapiv3::{Schema, SchemaKind, Type as OaType};
use std::collections::BTreeSet;

pub(super) fn is_enum(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(OaType::String(st)) => st.enumeration.iter().any(Option::is_some),
        SchemaKind::Any(a) => {
            a.properties.is_empty() && a.enumeration.iter().any(|v| v.is_string())
        }
        _ => false,
    }
}

impl Lowerer<'_> {
    /// Lowers a string enum (component or inline) and records it.
    pub(super) fn lower_enum(&mut self, name: String, api_name: String, s: &Schema, ptr: &Pointer) {
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
