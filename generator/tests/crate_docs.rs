//! The crate docs of a generated API crate: its root page lists every operation
//! (method and path, the call chain, the summary).

mod support;

use std::path::Path;
use twilio_codegen::{generate, Layout, Spec};

fn lib_rs(fixture: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = format!("generator/tests/fixtures/{fixture}");
    let specs = [Spec {
        file: &file,
        bytes: &bytes,
    }];
    let layout = Layout {
        standalone: true,
        templates: support::templates(),
        ..Layout::new("docs")
    };
    let generated = generate(&specs, &layout).unwrap_or_else(|e| panic!("{e}"));
    let (_, text) = generated
        .files
        .iter()
        .find(|(name, _)| name.ends_with("/src/lib.rs") && !name.starts_with("docs/"))
        .unwrap_or_else(|| panic!("no API crate lib.rs in {:?}", generated.files.keys()));
    text.clone()
}

#[test]
fn the_crate_root_lists_every_operation_with_its_call() {
    let text = lib_rs("operations.yaml");
    let docs: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(str::trim)
        .collect();
    let start = docs
        .iter()
        .position(|l| *l == "# Operations")
        .unwrap_or_else(|| panic!("no `# Operations` section in:\n{}", docs.join("\n")));
    let rows: Vec<&str> = docs[start + 1..]
        .iter()
        .copied()
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        rows[0],
        "| Request | Call (from the root handle) | Summary |"
    );
    // One row per operation of the fixture, after the header and its rule.
    let operations = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/operations.yaml"),
    )
    .unwrap()
    .matches("operationId:")
    .count();
    assert_eq!(rows.len() - 2, operations, "rows: {rows:#?}");
    // The list of things: its request, its chain linked to the verb.
    assert!(
        rows.iter()
            .any(|r| r.starts_with("| `GET /v1/Things` | [`.things().list()`](resources::")),
        "rows: {rows:#?}"
    );
}
