//! The crate docs of a generated API crate: its root page lists every operation
//! (method and path, the call chain, the summary).

mod support;

use std::path::Path;
use twilio_codegen::{generate, Layout, Spec};

/// Every file generated from `fixture`, by name.
fn generated(fixture: &str) -> std::collections::BTreeMap<String, String> {
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
    generated.files.into_iter().collect()
}

/// The `no_run` examples in the doc comments of `text`, each as its lines.
fn doc_examples(text: &str) -> Vec<Vec<String>> {
    let mut examples = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines().filter_map(|l| l.trim().strip_prefix("///")) {
        let line = line.trim();
        match (&mut current, line) {
            (None, "```no_run") => current = Some(Vec::new()),
            (Some(_), "```") => examples.extend(current.take()),
            (Some(lines), l) => lines.push(l.to_owned()),
            (None, _) => {}
        }
    }
    examples
}

#[test]
fn doc_examples_use_realistic_values() {
    let mut page_sizes = Vec::new();
    let mut json_literals = 0;
    for fixture in ["token_pages.yaml", "models_and_formats.yaml", "variants.yaml"] {
        for (name, text) in generated(fixture) {
            if !name.ends_with("/src/requests.rs") {
                continue;
            }
            for example in doc_examples(&text) {
                let code = example.join("\n");
                // JSON as a literal, not an escaped string decoded at run time.
                assert!(!code.contains("from_str"), "{name}:\n{code}");
                json_literals += code.matches("serde_json::json!(").count();
                page_sizes.extend(
                    example
                        .iter()
                        .filter_map(|l| l.strip_prefix(".page_size("))
                        .map(|v| v.trim_end_matches(')').to_owned()),
                );
            }
        }
    }
    // A list example asks for pages of a usual size, not one item per request.
    assert!(!page_sizes.is_empty());
    assert!(page_sizes.iter().all(|s| s == "50"), "{page_sizes:?}");
    assert!(json_literals > 0);
}

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
