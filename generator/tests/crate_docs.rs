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
    for fixture in [
        "token_pages.yaml",
        "models_and_formats.yaml",
        "variants.yaml",
    ] {
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

/// Every method of the handles in a `resources.rs` that takes arguments besides
/// `self`: its name, its argument names and its doc text.
fn methods_with_arguments(text: &str) -> Vec<(String, Vec<String>, String)> {
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    for item in file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for item in block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            let arguments: Vec<String> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(t) => match &*t.pat {
                        syn::Pat::Ident(i) => Some(i.ident.to_string()),
                        _ => None,
                    },
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            if arguments.is_empty() {
                continue;
            }
            let doc: Vec<String> = f
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .filter_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some(s.value().trim().to_owned()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            out.push((f.sig.ident.to_string(), arguments, doc.join("\n")));
        }
    }
    out
}

/// The verbs' and accessors' arguments without a `# Arguments` entry: `method:
/// argument` each.
fn undocumented_arguments(text: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for (method, arguments, doc) in methods_with_arguments(text) {
        let section = doc.split("# Arguments").nth(1).unwrap_or("");
        for a in arguments {
            let entry = section
                .lines()
                .find_map(|l| l.strip_prefix(&format!("* `{a}` - ")));
            if entry.is_none_or(|text| text.trim().is_empty()) {
                missing.push(format!("{method}: {a}"));
            }
        }
    }
    missing
}

#[test]
fn every_verb_and_accessor_documents_its_arguments_in_the_generated_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for dir in ["generated", "tests/fixture-client"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path().join("src/resources.rs");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let missing = undocumented_arguments(&text);
            assert!(missing.is_empty(), "{}: {missing:#?}", path.display());
            checked += methods_with_arguments(&text).len();
        }
    }
    // The 55 APIs' and the fixtures' handles: hundreds of methods with arguments.
    assert!(checked > 500, "only {checked} methods checked");
}

#[test]
fn verb_arguments_snapshot() {
    let files = generated("operations.yaml");
    let (_, text) = files
        .iter()
        .find(|(name, _)| name.ends_with("/src/resources.rs"))
        .unwrap();
    assert!(undocumented_arguments(text).is_empty());
    let listed: Vec<String> = methods_with_arguments(text)
        .into_iter()
        .map(|(method, arguments, doc)| format!("fn {method}({})\n{doc}", arguments.join(", ")))
        .collect();
    insta::assert_snapshot!(listed.join("\n\n---\n\n"));
}
