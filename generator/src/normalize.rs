//! OpenAPI 3.1 → 3.0: rewrites a 3.1 document, as the raw parsed value (YAML's
//! data model, which keeps the order of keys), into the 3.0 form that `openapiv3`
//! reads, keeping everything the IR needs. Called by [`crate::load`]
//! for documents whose `openapi` is `3.1.x`; 3.0 documents are not touched.
//!
//! In every schema: `type: [T, "null"]` becomes `type: T` with `nullable: true`
//! (several non-null types become a `oneOf`, one branch per type, each with that
//! type's keywords), `type: "null"` parts of a `oneOf`/`anyOf` become `nullable`
//! on the union, `const` becomes a one-value `enum`, `examples` becomes `example`
//! (the first), and numeric `exclusiveMinimum`/`exclusiveMaximum` become the
//! boolean form beside `minimum`/`maximum`. At the top level `openapi` becomes
//! `3.0.3`, `webhooks` and `jsonSchemaDialect` are dropped and a missing `paths`
//! is empty. Keywords 3.0 does not know (`$defs`, `prefixItems`, …) are left for
//! `openapiv3`, which ignores them; `$ref` siblings are kept (the lowering never
//! relies on them). What cannot be rewritten is an error at its JSON pointer.

use crate::diag::Pointer;
use yaml_serde::{Mapping, Value};

/// Whether an `openapi` version is 3.1 (`3.1`, `3.1.0`, `3.1.1`, …).
pub fn is_31_version(v: &str) -> bool {
    v == "3.1" || v.starts_with("3.1.")
}

/// A part of a 3.1 document that has no 3.0 form, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// Where the construct is.
    pub pointer: Pointer,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// Bounds the recursion; `load` has already limited the document's nesting.
const MAX_DEPTH: usize = 2 * crate::MAX_DEPTH;

/// A string value.
fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

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

/// Rewrites a 3.1 document in place into its 3.0 form.
pub fn openapi_31_to_30(doc: &mut Value) -> Result<(), Unsupported> {
    let Value::Mapping(top) = doc else {
        return Ok(());
    };
    top.insert(s("openapi"), s("3.0.3"));
    top.shift_remove("webhooks");
    top.shift_remove("jsonSchemaDialect");
    top.entry(s("paths"))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let root = Pointer::root();
    for (k, child) in top.iter_mut() {
        let at = root.push(key(k));
        match (k.as_str(), child) {
            (Some("components"), Value::Mapping(components)) => {
                for (ck, section) in components.iter_mut() {
                    let at = at.push(key(ck));
                    match (ck.as_str(), section) {
                        (Some("schemas"), Value::Mapping(schemas)) => {
                            for (name, schema) in schemas.iter_mut() {
                                normalize_schema(schema, &at.push(key(name)), 0)?;
                            }
                        }
                        (_, section) => walk(section, &at, 0)?,
                    }
                }
            }
            (_, child) => walk(child, &at, 0)?,
        }
    }
    Ok(())
}

/// Finds the schemas outside `components/schemas` (every `schema` of a
/// parameter, header or media type) and normalizes them. Example values are not
/// entered.
fn walk(v: &mut Value, at: &Pointer, depth: usize) -> Result<(), Unsupported> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    match v {
        Value::Mapping(map) => {
            for (k, child) in map.iter_mut() {
                let here = at.push(key(k));
                match k.as_str() {
                    Some("schema") if child.is_mapping() => normalize_schema(child, &here, 0)?,
                    Some("example" | "examples") => {}
                    _ => walk(child, &here, depth + 1)?,
                }
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk(child, &at.push(i), depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Keywords that belong to one JSON type, moved into that type's branch when a
/// type list becomes a `oneOf`.
fn type_keywords(ty: &str) -> &'static [&'static str] {
    match ty {
        "string" => &["format", "pattern", "minLength", "maxLength", "enum"],
        "integer" | "number" => &[
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "enum",
        ],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        _ => &[],
    }
}

fn is_null_type(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

fn unsupported(pointer: Pointer, message: &str) -> Result<(), Unsupported> {
    Err(Unsupported {
        pointer,
        message: message.to_owned(),
    })
}

/// Rewrites a `type` list (`[T, "null"]`, or several types) in `m`.
fn type_list(m: &mut Mapping, types: &[Value], at: &Pointer) -> Result<(), Unsupported> {
    let mut names: Vec<String> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        match t.as_str() {
            Some(name) if !names.iter().any(|n| n == name) => names.push(name.to_owned()),
            Some(_) => {}
            None => {
                return unsupported(
                    at.push("type").push(i),
                    "a type in a type list must be a string",
                )
            }
        }
    }
    if names.iter().any(|n| n == "null") {
        m.insert(s("nullable"), Value::Bool(true));
        names.retain(|n| n != "null");
    }
    match names.as_slice() {
        [] => {
            m.shift_remove("type");
        }
        [one] => {
            m.insert(s("type"), s(one));
        }
        several => {
            if m.contains_key("oneOf") || m.contains_key("anyOf") {
                return unsupported(
                    at.push("type"),
                    "a list of several types beside `oneOf`/`anyOf` has no OpenAPI 3.0 form",
                );
            }
            m.shift_remove("type");
            let branches: Vec<Value> = several
                .iter()
                .map(|t| {
                    let mut b = Mapping::new();
                    b.insert(s("type"), s(t));
                    for k in type_keywords(t) {
                        if let Some(kv) = m.get(*k) {
                            b.insert(s(k), kv.clone());
                        }
                    }
                    Value::Mapping(b)
                })
                .collect();
            for t in several {
                for k in type_keywords(t) {
                    m.shift_remove(*k);
                }
            }
            m.insert(s("oneOf"), Value::Sequence(branches));
        }
    }
    Ok(())
}

fn normalize_schema(v: &mut Value, at: &Pointer, depth: usize) -> Result<(), Unsupported> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let Value::Mapping(m) = v else {
        // `true`/`false` schemas have no 3.0 form beyond "anything".
        if v.is_bool() {
            *v = Value::Mapping(Mapping::new());
        }
        return Ok(());
    };
    match m.get("type").cloned() {
        Some(Value::String(t)) if t == "null" => {
            m.shift_remove("type");
            m.insert(s("nullable"), Value::Bool(true));
        }
        Some(Value::Sequence(types)) => type_list(m, &types, at)?,
        Some(Value::String(_)) | None => {}
        Some(_) => {
            return unsupported(
                at.push("type"),
                "`type` must be a string or a list of strings",
            )
        }
    }
    if let Some(c) = m.shift_remove("const") {
        m.entry(s("enum"))
            .or_insert_with(|| Value::Sequence(vec![c]));
    }
    if let Some(examples) = m.shift_remove("examples") {
        if let Some(first) = examples.as_sequence().and_then(|e| e.first()) {
            m.entry(s("example")).or_insert_with(|| first.clone());
        }
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound) = m.get(exclusive).filter(|b| b.is_number()).cloned() {
            m.insert(s(inclusive), bound);
            m.insert(s(exclusive), Value::Bool(true));
        }
    }
    // `null` parts of a union make the union nullable.
    for keyword in ["oneOf", "anyOf"] {
        let mut dropped = false;
        if let Some(Value::Sequence(parts)) = m.get_mut(keyword) {
            let before = parts.len();
            parts.retain(|p| !is_null_type(p));
            dropped = parts.len() != before;
        }
        if dropped {
            m.insert(s("nullable"), Value::Bool(true));
        }
    }
    // The subschemas.
    for keyword in ["properties", "patternProperties"] {
        if let Some(Value::Mapping(props)) = m.get_mut(keyword) {
            for (name, p) in props.iter_mut() {
                normalize_schema(p, &at.push(keyword).push(key(name)), depth + 1)?;
            }
        }
    }
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(child) = m.get_mut(keyword).filter(|c| c.is_mapping()) {
            normalize_schema(child, &at.push(keyword), depth + 1)?;
        }
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Sequence(parts)) = m.get_mut(keyword) {
            for (i, p) in parts.iter_mut().enumerate() {
                normalize_schema(p, &at.push(keyword).push(i), depth + 1)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `doc` (written as JSON) normalized, back as JSON for comparing.
    fn normalized(doc: serde_json::Value) -> Result<serde_json::Value, Unsupported> {
        let mut doc: Value = yaml_serde::to_value(doc).unwrap();
        openapi_31_to_30(&mut doc)?;
        Ok(serde_json::to_value(&doc).unwrap())
    }

    fn schema(s: serde_json::Value) -> Result<serde_json::Value, Unsupported> {
        let doc = normalized(json!({"openapi": "3.1.0", "components": {"schemas": {"S": s}}}))?;
        Ok(doc["components"]["schemas"]["S"].clone())
    }

    #[test]
    fn type_lists_become_nullable_or_one_of() {
        assert_eq!(
            schema(json!({"type": ["string", "null"], "format": "uri"})).unwrap(),
            json!({"type": "string", "format": "uri", "nullable": true})
        );
        assert_eq!(
            schema(
                json!({"type": ["integer", "array"], "items": {"type": "string"}, "minimum": 1})
            )
            .unwrap(),
            json!({"oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "array", "items": {"type": "string"}}
            ]})
        );
        assert_eq!(
            schema(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}))
                .unwrap(),
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds_take_their_30_form() {
        assert_eq!(
            schema(json!({"properties": {"k": {"const": "fixed", "examples": ["fixed", "x"]}}}))
                .unwrap(),
            json!({"properties": {"k": {"enum": ["fixed"], "example": "fixed"}}})
        );
        assert_eq!(
            schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10}))
                .unwrap(),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn schemas_outside_components_are_normalized_and_examples_left_alone() {
        let doc = normalized(json!({
            "openapi": "3.1.0",
            "webhooks": {"w": {}},
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "paths": {"/x": {"get": {"parameters": [
                {"name": "q", "in": "query", "schema": {"type": ["boolean", "null"]},
                 "example": {"schema": {"type": ["a", "b"]}}}
            ]}}}
        }))
        .unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none() && doc.get("jsonSchemaDialect").is_none());
        let p = &doc["paths"]["/x"]["get"]["parameters"][0];
        assert_eq!(p["schema"], json!({"type": "boolean", "nullable": true}));
        assert_eq!(p["example"]["schema"]["type"], json!(["a", "b"]));
    }

    #[test]
    fn what_has_no_30_form_is_an_error_at_its_pointer() {
        let e = schema(json!({"properties": {"p": {"type": ["string", "integer"], "oneOf": []}}}))
            .unwrap_err();
        assert_eq!(
            e.pointer.to_string(),
            "#/components/schemas/S/properties/p/type"
        );
        let e = schema(json!({"type": 7})).unwrap_err();
        assert_eq!(e.pointer.to_string(), "#/components/schemas/S/type");
        assert!(e.message.contains("must be a string"), "{}", e.message);
    }

    #[test]
    fn only_31_versions_are_recognised() {
        assert!(is_31_version("3.1.0") && is_31_version("3.1"));
        assert!(!is_31_version("3.0.3") && !is_31_version("3.10.0"));
    }
}
