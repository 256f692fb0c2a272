//! OpenAPI's own rules that a document can break and still parse, checked on the
//! raw document before it is read as OpenAPI, so each error has an exact JSON
//! pointer. (`openapiv3` reads path items and parameters through untagged enums
//! and flattened fields, so its own errors there can only point at `#/paths`.)
//!
//! Checked: every operation has `responses` with at least one response; every
//! inline parameter has `name`, `in`, and `schema` or `content`; every path
//! parameter is `required: true`. Rules that need `$ref`s resolved (each path
//! template variable has a path parameter, operationIds are unique) are checked by
//! lower.

use crate::diag::{Diagnostic, Pointer};
use yaml_serde::{Mapping, Value};

/// The HTTP methods a path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every breach of the rules above, in document order.
pub fn check(file: &str, doc: &Value) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_mapping) else {
        return errors;
    };
    let root = Pointer::root().push("paths");
    for (path, item) in paths {
        let (Some(path), Some(item)) = (path.as_str(), item.as_mapping()) else {
            continue;
        };
        if item.contains_key("$ref") {
            continue;
        }
        let at = root.push(path);
        parameters(file, item, &at, &mut errors);
        for method in METHODS {
            let Some(op) = item.get(method).and_then(Value::as_mapping) else {
                continue;
            };
            let op_at = at.push(method);
            match op.get("responses") {
                None => errors.push(Diagnostic::error(
                    file,
                    &op_at.push("responses"),
                    "the operation declares no responses; OpenAPI requires at least one",
                )),
                Some(Value::Mapping(m)) if m.is_empty() => errors.push(Diagnostic::error(
                    file,
                    &op_at.push("responses"),
                    "the operation declares no responses; OpenAPI requires at least one",
                )),
                _ => {}
            }
            parameters(file, op, &op_at, &mut errors);
        }
    }
    errors
}

/// Checks the inline `parameters` of a path item or operation at `at`.
fn parameters(file: &str, holder: &Mapping, at: &Pointer, errors: &mut Vec<Diagnostic>) {
    let Some(list) = holder.get("parameters").and_then(Value::as_sequence) else {
        return;
    };
    for (i, p) in list.iter().enumerate() {
        let Some(p) = p.as_mapping() else {
            continue;
        };
        if p.contains_key("$ref") {
            continue;
        }
        let p_at = at.push("parameters").push(i);
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        for field in ["name", "in"] {
            if !p.contains_key(field) {
                errors.push(Diagnostic::error(
                    file,
                    &p_at.push(field),
                    format!("the parameter has no `{field}`; OpenAPI requires it"),
                ));
            }
        }
        if !p.contains_key("schema") && !p.contains_key("content") {
            errors.push(Diagnostic::error(
                file,
                &p_at,
                format!(
                    "parameter `{name}` has neither `schema` nor `content`; OpenAPI requires one"
                ),
            ));
        }
        if p.get("in").and_then(Value::as_str) == Some("path")
            && p.get("required").and_then(Value::as_bool) != Some(true)
        {
            errors.push(Diagnostic::error(
                file,
                &p_at.push("required"),
                format!(
                    "path parameter `{name}` is not `required: true`; OpenAPI requires it of every path parameter"
                ),
            ));
        }
    }
}
