//! Load: spec text → `openapiv3::OpenAPI`. YAML goes through `yaml_serde`; a file
//! whose name ends in `.json` is read as JSON.

use crate::diag::{Diagnostic, Location, Severity};
use openapiv3::OpenAPI;

/// Parses one spec. `file` names it in diagnostics and picks the format by extension.
pub fn parse_spec(file: &str, bytes: &[u8]) -> Result<OpenAPI, Diagnostic> {
    let err = |location, message: String| Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        location,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        err(Location::LineCol(line, col), format!("the file is not valid UTF-8: {e}"))
    })?;
    if file.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| {
            err(
                Location::LineCol(e.line(), e.column()),
                format!("invalid OpenAPI JSON: {e}"),
            )
        })
    } else {
        yaml_serde::from_str(text).map_err(|e| {
            let location = match e.location() {
                Some(l) => Location::LineCol(l.line(), l.column()),
                None => Location::File,
            };
            err(location, format!("invalid OpenAPI YAML: {e}"))
        })
    }
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
    fn minimal_spec_loads_from_both_formats() {
        let yaml = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = r#"{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert_eq!(parse_spec("a.yaml", yaml.as_bytes()).unwrap(), parse_spec("a.json", json.as_bytes()).unwrap());
    }
}
