//! Load: spec text → `openapiv3::OpenAPI`. The text is read into a value by
//! `document` (YAML, or JSON for a file whose name ends in `.json`);
//! overlays ([`crate::overlay`]) are applied to that value before it is read as
//! OpenAPI.

use crate::diag::{Diagnostic, Diagnostics, Location, Pointer, Severity};
use crate::document::{check_depth, parse_value, pointer_of};
use crate::overlay::{self, Overlay};
use crate::validate;
use openapiv3::OpenAPI;

/// Parses one spec. `file` names it in diagnostics and picks the format by extension.
pub fn parse_spec(file: &str, bytes: &[u8]) -> Result<OpenAPI, Diagnostic> {
    let value = parse_value(file, bytes)?;
    to_openapi(file, value).map_err(|mut ds| ds.0.remove(0))
}

/// Parses one spec and applies, in order, the overlays that correct it. Every
/// overlay action that no longer applies is reported.
pub fn parse_spec_with(
    file: &str,
    bytes: &[u8],
    overlays: &[&Overlay],
) -> Result<OpenAPI, Diagnostics> {
    let mut value = parse_value(file, bytes)?;
    let mut errors = Vec::new();
    for o in overlays {
        if let Err(ds) = overlay::apply(o, file, &mut value) {
            errors.extend(ds.0);
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    if !overlays.is_empty() {
        check_depth(file, &value)?;
    }
    to_openapi(file, value)
}

/// The spec as the generator reads it (parsed once, its `overlays` applied), as
/// JSON text: what a mock server is given, so that it serves the document the
/// client was generated from (a YAML reader of its own may read a scalar such as
/// `014931000129700` as a number where this one reads text).
pub fn spec_json(file: &str, bytes: &[u8], overlays: &[&Overlay]) -> Result<String, Diagnostics> {
    let mut value = parse_value(file, bytes).map_err(|d| Diagnostics(vec![d]))?;
    for o in overlays {
        overlay::apply(o, file, &mut value)?;
    }
    serde_json::to_string(&value).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            location: Location::File,
            message: format!("cannot be written as JSON: {e}"),
        }])
    })
}

/// YAML value → `openapiv3`: what OpenAPI requires and the document lacks
/// ([`validate`]), or the JSON pointer of the first mismatch. Never empty on error.
fn to_openapi(file: &str, value: yaml_serde::Value) -> Result<OpenAPI, Diagnostics> {
    let mut value = openapi_document(file, value)?;
    // OpenAPI 3.1: rewritten into the 3.0 form (`crate::normalize`).
    if value
        .get("openapi")
        .and_then(|v| v.as_str())
        .is_some_and(crate::normalize::is_31_version)
    {
        crate::normalize::openapi_31_to_30(&mut value).map_err(|u| {
            Diagnostics(vec![Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                location: Location::Pointer(u.pointer.to_string()),
                message: format!("no OpenAPI 3.0 form: {}", u.message),
            }])
        })?;
    }
    let errors = validate::check(file, &value);
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    Ok(deserialize(file, value)?)
}

/// The value, if it says it is an OpenAPI document (Swagger 2.0 is named as such).
fn openapi_document(file: &str, value: yaml_serde::Value) -> Result<yaml_serde::Value, Diagnostic> {
    let err = |location, message: String| Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        location,
        message,
    };
    if let yaml_serde::Value::Mapping(root) = &value {
        if root.contains_key("swagger") && !root.contains_key("openapi") {
            return Err(err(
                Location::Pointer(Pointer::root().push("swagger").to_string()),
                "this is a Swagger 2.0 document, which this generator does not read: it reads \
                 OpenAPI 3.0. Convert it to OpenAPI 3 (for example `npx swagger2openapi \
                 spec.yaml -o spec3.yaml`), or use Twilio's OpenAPI 3 specs (twilio-oai's \
                 spec/yaml/, vendored in specs/)"
                    .to_owned(),
            ));
        }
        if !root.contains_key("openapi") {
            return Err(err(
                Location::Pointer(Pointer::root().push("openapi").to_string()),
                "not an OpenAPI document: the `openapi` field (the version, e.g. `3.0.1`) is missing"
                    .to_owned(),
            ));
        }
    }
    Ok(value)
}

fn deserialize(file: &str, value: yaml_serde::Value) -> Result<OpenAPI, Diagnostic> {
    let err = |location, message: String| Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        location,
        message,
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.into_inner();
        err(
            Location::Pointer(pointer.to_string()),
            format!("not a valid OpenAPI 3.0 document: {inner}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_line_and_column() {
        let d = parse_spec("x.yaml", b"openapi: 3.0.1\ninfo: [\n").unwrap_err();
        assert!(matches!(d.location, Location::LineCol(_, _)), "{d}");
        assert!(d.to_string().starts_with("error: x.yaml:"), "{d}");

        let d = parse_spec("x.json", b"{\"openapi\": }").unwrap_err();
        assert_eq!(d.location, Location::LineCol(1, 13), "{d}");

        let d = parse_spec("x.yaml", b"openapi: 3.0.1\n\xff\xfe").unwrap_err();
        assert_eq!(d.location, Location::LineCol(2, 1), "{d}");
    }

    #[test]
    fn nesting_is_bounded_with_a_pointer() {
        let mut deep = String::from("1");
        for _ in 0..60 {
            deep = format!("[{deep}]");
        }
        let d = parse_spec("x.json", format!("{{\"openapi\": {deep}}}").as_bytes()).unwrap_err();
        assert!(d.to_string().contains("nests deeper than 48 levels"), "{d}");
        assert!(
            matches!(&d.location, Location::Pointer(p) if p.starts_with("#/openapi/0/0/0")),
            "{d}"
        );
    }

    #[test]
    fn a_document_that_is_not_openapi_is_an_error() {
        let d = parse_spec("x.yaml", b"openapi: 3.0.1\ninfo: 7\npaths: {}\n").unwrap_err();
        assert!(
            d.to_string().contains("not a valid OpenAPI 3.0 document"),
            "{d}"
        );
    }

    #[test]
    fn minimal_spec_loads_from_both_formats() {
        let yaml = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = r#"{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert_eq!(
            parse_spec("a.yaml", yaml.as_bytes()).unwrap(),
            parse_spec("a.json", json.as_bytes()).unwrap()
        );
    }
}
