//! The detail text of changes: types, signatures, values and variants as a
//! reader of the report sees them.

use super::surface::{ModelSurface, OperationSurface, VariantSurface};
use std::collections::BTreeMap;

/// The details of an added variant `v`: its type and which values it may take
/// from the variants `old` decoded them as.
pub(super) fn added_variant(
    old: &[VariantSurface],
    new: &[VariantSurface],
    v: &VariantSurface,
) -> String {
    let untagged_old: Vec<String> = old
        .iter()
        .filter(|o| o.tag.is_none())
        .map(|o| format!("`{}`", o.name))
        .collect();
    if let Some(tag) = &v.tag {
        // Tagged arms are tried first; a value with this tag fell through before.
        let before = match untagged_old.as_slice() {
            [] => "`Other`".to_owned(),
            names => format!("{} or `Other`", names.join(", ")),
        };
        return format!(
            "`{}`, selected by `{tag}`: a value with that tag decoded as {before} before",
            v.ty
        );
    }
    // Untagged variants are tried in order: the old ones tried after this one.
    let after: Vec<String> = new
        .iter()
        .skip_while(|w| w.name != v.name)
        .skip(1)
        .filter(|w| w.tag.is_none() && old.iter().any(|o| o.name == w.name && o.tag.is_none()))
        .map(|w| format!("`{}`", w.name))
        .collect();
    if after.is_empty() {
        format!(
            "`{}`, tried after the old variants: only a value that decoded as `Other` can \
             decode as `{}`",
            v.ty, v.name
        )
    } else {
        format!(
            "`{}`, tried before {}: a value that decoded as one of them may now decode as `{}`",
            v.ty,
            after.join(", "),
            v.name
        )
    }
}

pub(super) fn tag_text(v: &VariantSurface) -> &str {
    v.tag.as_deref().unwrap_or("untagged")
}

/// `Name(type) | …`, the first few variants of a long union.
pub(super) fn variants_summary(variants: &[VariantSurface]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = variants
        .iter()
        .take(SHOWN)
        .map(|v| format!("{}({})", v.name, v.ty))
        .collect();
    let list = format!("`{}`", shown.join(" | "));
    if variants.len() > SHOWN {
        format!("{list}, … ({} variants)", variants.len())
    } else {
        list
    }
}

/// Variant → API value.
pub(super) fn variants(values: &[(String, String)]) -> BTreeMap<String, String> {
    values.iter().cloned().collect()
}

pub(super) fn code(text: &str) -> String {
    format!("`{text}`")
}

pub(super) fn quoted(value: &str) -> String {
    format!("`{:?}`", value.replace('`', "'"))
}

pub(super) fn typed(name: &str, ty: &str) -> String {
    format!("`{name}: {ty}`")
}

pub(super) fn changed(old: &str, new: &str) -> String {
    format!("`{old}` → `{new}`")
}

/// `(a: String, b: bool) -> models::X, N setters`.
pub(super) fn signature(op: &OperationSurface) -> String {
    let args: Vec<String> = op
        .arguments
        .iter()
        .map(|(n, t)| format!("{n}: {t}"))
        .collect();
    let setters = match op.setters.len() {
        0 => String::new(),
        1 => ", 1 setter".to_owned(),
        k => format!(", {k} setters"),
    };
    format!("`({}) → {}`{setters}", args.join(", "), op.output)
}

pub(super) fn fields_summary(m: &ModelSurface) -> String {
    match m.fields.len() {
        1 => "1 field".to_owned(),
        k => format!("{k} fields"),
    }
}

/// The values of an enum, the first few of a long one.
pub(super) fn values_summary(values: &[(String, String)]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|(_, v)| format!("{v:?}"))
        .collect();
    let list = format!("`{}`", shown.join(", ").replace('`', "'"));
    if values.len() > SHOWN {
        format!("{list}, … ({} values)", values.len())
    } else {
        list
    }
}
