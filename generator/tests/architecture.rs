//! Architecture invariants, checked on the source text (see `ARCHITECTURE.md`):
//!
//! - (a) only `lower` reads the spec model: `openapiv3` appears in code only in
//!   `src/load.rs` and `src/lower/`, the `x-twilio` extension only in `src/lower/`;
//!   `src/emit/` and `src/plan/` mention neither;
//! - (b) the generator library does no I/O: no file system, network, processes,
//!   environment or console output outside `#[cfg(test)]` modules;
//! - (c) every file of the committed generated crates (`generated/`,
//!   `tests/fixture-client/`) carries the `@generated` header in its first lines.
//! - (f) no function in `generator/src`, `runtime/src` or `xtask/src` is over 100
//!   lines unless a `// Long:` comment directly above it says why (measured on
//!   the parsed source).
//!
//! Lines whose trimmed start is `//` (comments and doc comments) are skipped for
//! (a) and (b), so docs may name what the code must not use. Everything else
//! counts, including string literals and tokens inside `quote!`: code that the
//! generated crate needs at run time (reading the environment, printing) belongs
//! in the runtime crate, which generated code calls.

use std::fs;
use std::path::{Path, PathBuf};

/// The generator crate's folder.
fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root (the parent of `generator/`).
fn workspace_root() -> PathBuf {
    crate_dir()
        .parent()
        .expect("the generator lives in the workspace")
        .to_path_buf()
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// `path` relative to `base`, with `/` separators.
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// One source file of the generator library.
struct Source {
    /// Path relative to the crate (`src/emit/mod.rs`).
    rel: String,
    /// The file's lines.
    lines: Vec<String>,
}

impl Source {
    /// Whether the file is `src/<dir>/…`.
    fn is_under(&self, dir: &str) -> bool {
        self.rel.starts_with(&format!("src/{dir}/"))
    }

    /// (1-based line number, line) of every line that is not a comment.
    fn code_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_str()))
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
    }

    /// [`Source::code_lines`] up to the first `#[cfg(test)]` line.
    fn non_test_code_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.code_lines()
            .take_while(|(_, l)| !l.trim_start().starts_with("#[cfg(test)]"))
    }
}

/// Every `.rs` file under `generator/src/`.
fn generator_sources() -> Vec<Source> {
    let dir = crate_dir();
    let sources: Vec<Source> = files_under(&dir.join("src"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let text = fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            Source {
                rel: relative(&p, &dir),
                lines: text.lines().map(str::to_owned).collect(),
            }
        })
        .collect();
    // A wrong path must not make the checks pass on nothing.
    for expected in [
        "src/lib.rs",
        "src/load.rs",
        "src/lower/mod.rs",
        "src/emit/mod.rs",
        // Nested: the checks read subfolders too.
        "src/lower/schemas/mod.rs",
    ] {
        assert!(
            sources.iter().any(|s| s.rel == expected),
            "{expected} not found under {}",
            dir.display()
        );
    }
    sources
}

/// Whether `line` contains `needle` with no identifier character before it.
fn has_word(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(i, _)| {
        !line[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Whether `line` names the `x-twilio` extension (any case): `x-twilio` not
/// followed by more of a name, so the header `X-Twilio-Webhook-Enabled` does not
/// count.
fn mentions_x_twilio(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.match_indices("x-twilio").any(|(i, m)| {
        !lower[i + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

/// `file:line: text` for every code line of `sources` that `bad` flags.
fn offending<'s>(
    sources: impl IntoIterator<Item = &'s Source>,
    bad: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources {
        for (n, line) in s.code_lines() {
            if bad(line) {
                out.push(format!("  generator/{}:{n}: {}", s.rel, line.trim()));
            }
        }
    }
    out
}

/// (a) The planner and the emitters see only the IR.
#[test]
fn emit_and_plan_never_mention_openapiv3_or_x_twilio() {
    let sources = generator_sources();
    let layers = sources
        .iter()
        .filter(|s| s.is_under("emit") || s.is_under("plan"));
    let found = offending(layers, |l| l.contains("openapiv3") || mentions_x_twilio(l));
    assert!(
        found.is_empty(),
        "src/emit/ and src/plan/ must read only the IR (crate::ir), never `openapiv3` or \
         `x-twilio`; lower the fact into the IR instead:\n{}",
        found.join("\n")
    );
}

/// (a) `openapiv3` is read by `load` (which produces it) and `lower` (which consumes
/// it); `x-twilio` by `lower` alone.
#[test]
fn only_load_and_lower_read_openapiv3_and_only_lower_reads_x_twilio() {
    let sources = generator_sources();
    let openapi = offending(
        sources
            .iter()
            .filter(|s| s.rel != "src/load.rs" && !s.is_under("lower")),
        |l| l.contains("openapiv3"),
    );
    let x_twilio = offending(
        sources.iter().filter(|s| !s.is_under("lower")),
        mentions_x_twilio,
    );
    assert!(
        openapi.is_empty() && x_twilio.is_empty(),
        "`openapiv3` outside src/load.rs and src/lower/:\n{}\n`x-twilio` outside src/lower/:\n{}",
        openapi.join("\n"),
        x_twilio.join("\n")
    );
}

/// (b) What the library must not call: the xtask does all I/O.
const IO_SUBSTRINGS: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "File::open",
    "File::create",
    "println!",
    "print!",
    "eprintln!",
    "dbg!",
];

/// (b) Path segments that mean the same after a grouped import
/// (`use std::{env, fs};` then `fs::read(…)`).
const IO_SEGMENTS: &[&str] = &[
    "fs::",
    "net::",
    "process::",
    "env::",
    "io::stdin",
    "io::stdout",
    "io::stderr",
];

/// (b) The generator library does no I/O (tests may: `#[cfg(test)]` and what
/// follows it in a file is skipped).
#[test]
fn the_generator_library_does_no_io() {
    let mut found = Vec::new();
    for s in &generator_sources() {
        for (n, line) in s.non_test_code_lines() {
            let hits: Vec<&str> = IO_SUBSTRINGS
                .iter()
                .filter(|p| line.contains(**p))
                .chain(IO_SEGMENTS.iter().filter(|p| has_word(line, p)))
                .copied()
                .collect();
            if !hits.is_empty() {
                found.push(format!(
                    "  generator/{}:{n}: {}  [{}]",
                    s.rel,
                    line.trim(),
                    hits.join(", ")
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the generator library must not do I/O (file system, network, processes, \
         environment, console); take inputs as arguments, return outputs, and let xtask \
         read and write:\n{}",
        found.join("\n")
    );
}

/// (c) How many leading lines may precede the header (a Rust file has it on the
/// first line, `Cargo.toml` as a `#` comment, `README.md` as an HTML comment).
const HEADER_WITHIN: usize = 3;

/// (c) Every file of the committed generated crates says it is generated, so a
/// reader knows not to edit it (`cargo xtask codegen --check` and the xtask test
/// `generated_trees_are_fresh` catch edits).
#[test]
fn every_generated_file_carries_the_generated_header() {
    assert_eq!(twilio_codegen::emit::HEADER_MARK, "@generated");
    let root = workspace_root();
    let mut found = Vec::new();
    for tree in ["generated", "tests/fixture-client"] {
        let files = files_under(&root.join(tree));
        let rels: Vec<String> = files.iter().map(|p| relative(p, &root)).collect();
        // Each crate of the tree (a folder of it) has its manifest, README and root.
        let crates: std::collections::BTreeSet<&str> = rels
            .iter()
            .filter_map(|r| r.strip_prefix(&format!("{tree}/"))?.split('/').next())
            .collect();
        assert!(
            crates.len() > 1,
            "{tree} holds no crates; run `cargo xtask codegen`"
        );
        for krate in crates {
            for expected in ["Cargo.toml", "README.md", "src/lib.rs"] {
                let expected = format!("{tree}/{krate}/{expected}");
                assert!(
                    rels.contains(&expected),
                    "{expected} not found; run `cargo xtask codegen`"
                );
            }
        }
        for (path, rel) in files.iter().zip(&rels) {
            let bytes =
                fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let text = String::from_utf8_lossy(&bytes);
            let head: Vec<&str> = text.lines().take(HEADER_WITHIN).collect();
            if !head.iter().any(|l| l.contains("@generated")) {
                found.push(format!(
                    "  {rel}: first line {:?}",
                    head.first().copied().unwrap_or("")
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "files of the generated crates without `@generated` in their first {HEADER_WITHIN} \
         lines (only the generator writes these folders; remove stray files, run `cargo \
         xtask codegen`):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_matchers_match_what_they_should() {
    assert!(mentions_x_twilio(r#"ext.get("x-twilio")"#));
    assert!(mentions_x_twilio("X-Twilio"));
    assert!(!mentions_x_twilio(r#"("X-Twilio-Webhook-Enabled", "x")"#));
    assert!(!mentions_x_twilio("fn x_twilio()"));
    assert!(has_word("    fs::read(p)", "fs::"));
    assert!(has_word("tokio::net::TcpStream", "net::"));
    assert!(!has_word("crate::planet::x", "net::"));
    assert!(!has_word("let env = Environment::new();", "env::"));
}

/// The runtime version the generator writes into generated manifests is the
/// runtime crate's own.
#[test]
fn the_emitted_runtime_version_is_the_runtime_crates() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim().trim_matches('"'))
        .unwrap_or_else(|| panic!("{}: no version line", manifest.display()));
    assert_eq!(twilio_codegen::emit::RUNTIME_VERSION, version);
}

/// Emitters render the plan: they claim no names (no naming scope) of their own.
#[test]
fn emitters_decide_no_names() {
    // Every file under src/emit/, its subfolders included.
    let mut offenders = Vec::new();
    for source in generator_sources().iter().filter(|s| s.is_under("emit")) {
        for (n, line) in source.code_lines() {
            if line.contains("Scope") || line.contains("names::") {
                offenders.push(format!("{}:{n}: {}", source.rel, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "naming in emit:\n{}",
        offenders.join("\n")
    );
}

/// (f) The longest a hand-written function may be without a reason beside it.
const MAX_FN_LINES: usize = 100;

/// (f) Functions over [`MAX_FN_LINES`] lines, named as the test names them
/// (`path: Type::function`), being split on another branch; the lead empties
/// this at merge. An entry that is no longer long (or has its reason now) fails
/// the test, so the list cannot go stale.
const PENDING: &[&str] = &[
    // Helper `docs`.
    "generator/src/emit/calls.rs: call",
    // Helper `diff`.
    "generator/src/emit/calls.rs: sample_of",
    "generator/src/emit/differential.rs: differential",
    // Helper `plan`.
    "generator/src/emit/files.rs: facade_lib_rs",
    "generator/src/emit/types.rs: union",
    "generator/src/plan/surface.rs: Surface::of",
    "generator/src/twiml/emit.rs: dispatcher",
    "generator/src/twiml/model.rs: document",
    "generator/src/twiml/xml_core.rs: tokens",
];

/// (f) One function (free, method or nested) of a source file.
#[derive(Debug, PartialEq)]
struct FnSpan {
    /// `Type::name` for methods, `outer::name` for nested functions and functions
    /// in inline modules.
    name: String,
    /// The line of its `fn` keyword (1-based).
    line: usize,
    /// Lines from the `fn` keyword to the closing brace, both included.
    lines: usize,
    /// Whether a `// Long:` comment with a reason is directly above it (above its
    /// doc comments and attributes).
    reasoned: bool,
}

/// (f) Collects the functions of one file, with their enclosing names.
struct FnCollector<'s> {
    lines: &'s [&'s str],
    scope: Vec<String>,
    found: Vec<FnSpan>,
}

impl FnCollector<'_> {
    /// Records the function `name` whose `fn` keyword is at `start` and whose
    /// body ends at `end`.
    fn record(&mut self, name: &syn::Ident, start: proc_macro2::Span, end: proc_macro2::Span) {
        let line = start.start().line;
        let mut path = self.scope.clone();
        path.push(name.to_string());
        self.found.push(FnSpan {
            name: path.join("::"),
            line,
            lines: end.end().line + 1 - line,
            reasoned: has_long_reason(self.lines, line),
        });
    }

    /// Visits `f` with `name` as the innermost enclosing name.
    fn within(&mut self, name: String, f: impl FnOnce(&mut Self)) {
        self.scope.push(name);
        f(self);
        self.scope.pop();
    }
}

impl<'ast> syn::visit::Visit<'ast> for FnCollector<'_> {
    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        self.record(
            &node.sig.ident,
            node.sig.fn_token.span,
            node.block.brace_token.span.close(),
        );
        self.within(node.sig.ident.to_string(), |v| {
            syn::visit::visit_item_fn(v, node)
        });
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        self.record(
            &node.sig.ident,
            node.sig.fn_token.span,
            node.block.brace_token.span.close(),
        );
        self.within(node.sig.ident.to_string(), |v| {
            syn::visit::visit_impl_item_fn(v, node)
        });
    }

    fn visit_trait_item_fn(&mut self, node: &'ast syn::TraitItemFn) {
        if let Some(block) = &node.default {
            self.record(
                &node.sig.ident,
                node.sig.fn_token.span,
                block.brace_token.span.close(),
            );
        }
        self.within(node.sig.ident.to_string(), |v| {
            syn::visit::visit_trait_item_fn(v, node)
        });
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        let name = match &*node.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        self.within(name.unwrap_or_else(|| "impl".to_owned()), |v| {
            syn::visit::visit_item_impl(v, node)
        });
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        self.within(node.ident.to_string(), |v| {
            syn::visit::visit_item_trait(v, node)
        });
    }

    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.within(node.ident.to_string(), |v| {
            syn::visit::visit_item_mod(v, node)
        });
    }
}

/// (f) Whether the comments and attributes directly above line `line` (1-based)
/// include a `// Long:` comment that gives a reason.
fn has_long_reason(lines: &[&str], line: usize) -> bool {
    lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("//") || l.starts_with("#["))
        .any(|l| {
            l.strip_prefix("// Long:")
                .is_some_and(|reason| !reason.trim().is_empty())
        })
}

/// (f) Every function of the Rust source `text` (named `file` in the panic when
/// it does not parse).
fn functions_of(file: &str, text: &str) -> Vec<FnSpan> {
    let ast = syn::parse_file(text).unwrap_or_else(|e| {
        let at = e.span().start();
        panic!("{file}:{}:{}: cannot parse: {e}", at.line, at.column + 1)
    });
    let lines: Vec<&str> = text.lines().collect();
    let mut collector = FnCollector {
        lines: &lines,
        scope: Vec::new(),
        found: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut collector, &ast);
    collector.found
}

/// (f) Every function over [`MAX_FN_LINES`] in the hand-written crates
/// (`generator/src`, `runtime/src`, `xtask/src`), named `path: name`.
fn long_functions() -> Vec<FnSpan> {
    let root = workspace_root();
    let mut out = Vec::new();
    for dir in ["generator/src", "runtime/src", "xtask/src"] {
        let files: Vec<PathBuf> = files_under(&root.join(dir))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        assert!(!files.is_empty(), "no Rust files under {dir}");
        for path in files {
            let rel = relative(&path, &root);
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            out.extend(
                functions_of(&rel, &text)
                    .into_iter()
                    .filter(|f| f.lines > MAX_FN_LINES)
                    .map(|f| FnSpan {
                        name: format!("{rel}: {}", f.name),
                        ..f
                    }),
            );
        }
    }
    out
}

/// (f) No hand-written function is over [`MAX_FN_LINES`] lines unless a
/// `// Long:` comment directly above it says why (or it is [`PENDING`]).
#[test]
fn functions_are_short_or_say_why_they_are_long() {
    let long = long_functions();
    let unexplained: Vec<String> = long
        .iter()
        .filter(|f| !f.reasoned && !PENDING.contains(&f.name.as_str()))
        .map(|f| format!("  {} (line {}): {} lines", f.name, f.line, f.lines))
        .collect();
    let stale: Vec<&str> = PENDING
        .iter()
        .copied()
        .filter(|p| !long.iter().any(|f| f.name == *p && !f.reasoned))
        .collect();
    assert!(
        unexplained.is_empty(),
        "functions over {MAX_FN_LINES} lines: split them, or say why they are long in a \
         `// Long: <reason>` comment directly above them (above their doc comments):\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "PENDING lists functions that are no longer over {MAX_FN_LINES} lines (or now \
         have their reason); remove them from the list:\n  {}",
        stale.join("\n  ")
    );
}

/// (f) The function scanner measures and names what the test above relies on.
#[test]
fn the_function_scanner_measures_names_and_reasons() {
    let body = |n: usize| "    let _ = 1;\n".repeat(n);
    // `fn` line + body + `}`: 100 lines, then 101.
    let text = format!(
        "fn short() {{\n{}}}\n\
         /// Docs.\n\
         fn long() {{\n{}}}\n\
         // Long: one table.\n\
         /// Docs.\n\
         #[allow(dead_code)]\n\
         pub(crate) fn reasoned() {{\n{}}}\n\
         // Long:\n\
         fn no_reason() {{\n{}}}\n\
         struct S;\n\
         impl S {{\n    fn method(&self) {{\n        fn nested() {{}}\n    }}\n}}\n\
         mod inner {{\n    trait T {{\n        fn provided() {{}}\n        fn required();\n    }}\n}}\n",
        body(98),
        body(99),
        body(99),
        body(99)
    );
    let found = functions_of("probe.rs", &text);
    let summary: Vec<(&str, usize, bool)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.lines, f.reasoned))
        .collect();
    assert_eq!(
        summary,
        [
            ("short", 100, false),
            ("long", 101, false),
            ("reasoned", 101, true),
            ("no_reason", 101, false),
            ("S::method", 3, false),
            ("S::method::nested", 1, false),
            ("inner::T::provided", 1, false),
        ]
    );
    assert_eq!(found[1].line, 102);
}
