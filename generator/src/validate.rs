//! OpenAPI's own rules that a document can break and still parse, checked on the
//! raw document before it is read as OpenAPI, so each error has an exact JSON
//! pointer. (`openapiv3` reads path items and parameters through untagged enums
//! and flattened fields, so its own errors there can only point at `#/paths`.)
//!
//! Checked: every operation has `responses` with at least one response; every
//! inline parameter has `name`, `in`, and `schema` or `content`; every path
//! parameter is `required: true`; every schema's `type` is one of OpenAPI 3.0's
//! six (`string`, `number`, `integer`, `boolean`, `array`, `object`; a 3.1 document
//! has been normalized by then). Rules that need `$ref`s resolved (each path
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
    schema_types(file, doc, &mut errors);
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

/// The `type`s a schema may have.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// A mapping key as a pointer segment (keys such as response codes may be numbers).
fn key(k: &Value) -> String {
    match k {
        Value::String(text) => text.clone(),
        other => yaml_serde::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// Checks the `type` of every schema: those in `components/schemas` and every
/// `schema` of a parameter, header or media type, with their subschemas. Example
/// values and extensions are not entered. Iterative: the document's nesting is
/// bounded by load, but the check needs no stack of its own.
fn schema_types(file: &str, doc: &Value, errors: &mut Vec<Diagnostic>) {
    // (value, where, whether it is a schema)
    let mut todo: Vec<(&Value, Pointer, bool)> = vec![(doc, Pointer::root(), false)];
    while let Some((v, at, is_schema)) = todo.pop() {
        let mut next = Vec::new();
        if is_schema {
            let Some(m) = v.as_mapping() else {
                continue;
            };
            match m.get("type") {
                None => {}
                Some(Value::String(t)) if TYPES.contains(&t.as_str()) => {}
                Some(other) => errors.push(Diagnostic::error(
                    file,
                    &at.push("type"),
                    format!(
                        "`type: {}` is not a schema type; expected one of {}",
                        key(other),
                        TYPES.join(", ")
                    ),
                )),
            }
            for (k, child) in m {
                let here = at.push(key(k));
                match k.as_str() {
                    Some("items" | "not" | "additionalProperties") => {
                        next.push((child, here, true));
                    }
                    Some("properties") => {
                        for (name, p) in child.as_mapping().into_iter().flatten() {
                            next.push((p, here.push(key(name)), true));
                        }
                    }
                    Some("allOf" | "oneOf" | "anyOf") => {
                        for (i, s) in child.as_sequence().into_iter().flatten().enumerate() {
                            next.push((s, here.push(i), true));
                        }
                    }
                    _ => {}
                }
            }
        } else {
            match v {
                Value::Mapping(m) => {
                    for (k, child) in m {
                        let here = at.push(key(k));
                        let name = k.as_str().unwrap_or("");
                        if name == "example" || name == "examples" || name.starts_with("x-") {
                            continue;
                        }
                        if name == "schema" {
                            next.push((child, here, true));
                        } else if name == "schemas" && at.to_string() == "#/components" {
                            for (n, s) in child.as_mapping().into_iter().flatten() {
                                next.push((s, here.push(key(n)), true));
                            }
                        } else {
                            next.push((child, here, false));
                        }
                    }
                }
                Value::Sequence(items) => {
                    for (i, child) in items.iter().enumerate() {
                        next.push((child, at.push(i), false));
                    }
                }
                _ => {}
            }
        }
        // Reversed onto the stack, so they are checked in document order.
        todo.extend(next.into_iter().rev());
    }
}
