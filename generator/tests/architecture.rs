//! Architecture invariants, checked on the source text (see `ARCHITECTURE.md`):
//!
//! - (a) only `lower` reads the spec model: `openapiv3` appears in code only in
//!   `src/load.rs` and `src/lower/`, the `x-twilio` extension only in `src/lower/`;
//!   `src/emit/` and `src/plan/` mention neither;
//! - (b) the generator library does no I/O: no file system, network, processes,
//!   environment or console output outside `#[cfg(test)]` modules;
//! - (c) every file of the committed generated crates (`generated/`,
//!   `tests/fixture-client/`) carries the `@generated` header in its first lines.
//! - (h) no function in `generator/src`, `runtime/src` or `xtask/src` is over 100
//!   lines unless a `// Long:` comment directly above it says why (measured on
//!   the parsed source).
//!
//! Lines whose trimmed start is `//` (comments and doc comments) are skipped for
//! (a) and (b), so docs may name what the code must not use. Everything else
//! counts, including string literals and tokens inside `quote!`: code that the
//! generated crate needs at run time (reading the environment, printing) belongs
//! in the runtime crate, which generated code calls.

use std::collections::{BTreeMap, BTreeSet};
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

/// The pipeline's stages, earliest first: each a module (`src/<m>.rs` or
/// `src/<m>/`) or several. The API change report and the TwiML generator come
/// after emit (they read the plan and emit's type mapping, or emit's formatting).
const STAGES: &[&[&str]] = &[
    &["ir"],
    &["document", "load", "overlay", "normalize", "validate"],
    &["lower"],
    &["plan"],
    &["emit"],
    &["api_diff", "twiml"],
];

/// The stage index of a source file, if it belongs to one.
fn stage_of(rel: &str) -> Option<usize> {
    STAGES.iter().position(|modules| {
        modules
            .iter()
            .any(|m| rel == format!("src/{m}.rs") || rel.starts_with(&format!("src/{m}/")))
    })
}

/// Whether `line` names module `m` of the crate: `crate::m` (not `crate::mm`),
/// or `m` inside a `use crate::{…}` group.
fn names_module(line: &str, m: &str) -> bool {
    let path = format!("crate::{m}");
    let direct = line.match_indices(&path).any(|(i, _)| {
        !line[i + path.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    });
    let grouped = line.contains("crate::{")
        && [format!("{m}::"), format!("{m},"), format!("{m}}}")]
            .iter()
            .any(|w| has_word(line, w));
    direct || grouped
}

/// The pipeline runs one way (load → lower → plan → emit): no stage's code names
/// a later stage, so each can be read, tested and changed knowing only what comes
/// before it.
#[test]
fn stages_name_only_earlier_stages() {
    let mut found = Vec::new();
    for s in generator_sources() {
        let Some(stage) = stage_of(&s.rel) else {
            continue;
        };
        for later in STAGES[stage + 1..].iter().flat_map(|m| m.iter()) {
            for (n, line) in s.non_test_code_lines() {
                if names_module(line, later) {
                    found.push(format!(
                        "  generator/{}:{n}: {}  [{later}]",
                        s.rel,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a pipeline stage names a later one:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_stage_check_reads_paths_and_groups() {
    assert!(names_module("use crate::emit::rust;", "emit"));
    assert!(names_module(
        "let t = crate::emit::rust::type_text(ty);",
        "emit"
    ));
    assert!(names_module("use crate::{emit, ir};", "emit"));
    assert!(names_module("use crate::{ir::Type, plan::Plan};", "plan"));
    assert!(!names_module("use crate::emitter::x;", "emit"));
    assert!(!names_module("use crate::{ir::Type, planet::P};", "plan"));
    assert_eq!(stage_of("src/plan/mod.rs"), Some(3));
    assert_eq!(stage_of("src/load.rs"), Some(1));
    assert_eq!(stage_of("src/lib.rs"), None);
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

/// The modules of `src/emit/`: `src/emit/<m>.rs` or the folder `src/emit/<m>/`
/// (`mod.rs` is the parent, not a module of its own).
fn emit_module(rel: &str) -> Option<String> {
    let rest = rel.strip_prefix("src/emit/")?;
    let name = match rest.split_once('/') {
        Some((folder, _)) => folder,
        None => rest.strip_suffix(".rs")?,
    };
    (name != "mod").then(|| name.to_owned())
}

/// The first name after each path prefix `prefix` in `text` (a path start: no
/// identifier character before it); each item's first name for a group
/// (`super::{calls::{self, Style}, rust::ident}` → `calls`, `rust`).
fn names_after(text: &str, prefix: &str) -> Vec<String> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut names = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == ':')
        {
            continue;
        }
        let rest = &text[at + prefix.len()..];
        let items = match rest.strip_prefix('{') {
            Some(group) => {
                let mut depth = 1;
                let end = group
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '{' => 1,
                            '}' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map_or(group.len(), |(i, _)| i);
                let mut items = Vec::new();
                let (mut depth, mut start) = (0, 0);
                for (i, c) in group[..end].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            items.push(&group[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                items.push(&group[start..end]);
                items
            }
            None => vec![rest],
        };
        for item in items {
            let name: String = item
                .trim_start()
                .chars()
                .take_while(|&c| is_ident(c))
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Which sibling modules each module of `src/emit/` refers to: `super::<m>` (in a
/// file below a module's folder, `super::super::<m>`…), `crate::emit::<m>`, and `super::<Name>` where
/// `mod.rs` imports `Name` from `<m>` (a re-export is still `<m>`'s). Items
/// `mod.rs` defines itself (the shared types and constants) are no module's.
/// Comments and `#[cfg(test)]` code are skipped; a name that is no module of
/// `src/emit/` (`super::models` inside a `quote!`) counts for nothing.
fn emit_imports(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let text = |s: &Source| {
        s.non_test_code_lines()
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let modules: BTreeSet<String> = sources.iter().filter_map(|s| emit_module(&s.rel)).collect();
    // Names `mod.rs` brings in from a module (`pub use files::X;`, `use rust::ident;`).
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for source in sources.iter().filter(|s| s.rel == "src/emit/mod.rs") {
        let text = text(source);
        for statement in text.split(';') {
            let Some((_, path)) = statement.split_once("use ") else {
                continue;
            };
            let Some(module) = path
                .trim()
                .split("::")
                .next()
                .filter(|m| modules.contains(*m))
            else {
                continue;
            };
            for name in path.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if !name.is_empty() && name != module && name != "self" && name != "as" {
                    owner.insert(name.to_owned(), module.to_owned());
                }
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for source in sources {
        let Some(from) = emit_module(&source.rel) else {
            continue;
        };
        let text = text(source);
        let mut names = names_after(&text, "crate::emit::");
        // `super::` from `emit/a.rs` or `emit/a/mod.rs`, `super::super::` from
        // `emit/a/b.rs`, … is `emit`.
        let rest = source.rel.trim_start_matches("src/emit/");
        let depth = rest.trim_end_matches("/mod.rs").split('/').count();
        names.extend(names_after(&text, &"super::".repeat(depth)));
        for name in names {
            let to = if modules.contains(&name) {
                Some(name)
            } else {
                owner.get(&name).cloned()
            };
            if let Some(to) = to.filter(|to| *to != from) {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// A cycle in `graph` (`a → b → a`), if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// The modules of `src/emit/` import each other without a cycle: each can be read
/// (and split) knowing only the ones below it. Today `rust` (Rust spellings and
/// formatting) is at the bottom, `calls` (sample values and calls) above it, and
/// the emitters of files above those.
#[test]
fn emit_modules_import_each_other_without_a_cycle() {
    let sources = generator_sources();
    let graph = emit_imports(&sources);
    // A parser that finds nothing must not make the check pass on nothing.
    assert!(
        graph
            .get("operations")
            .is_some_and(|to| to.contains("calls")),
        "the import parser misses `use super::calls` in emit/operations.rs: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle among src/emit/'s modules: {}\n(all imports: {graph:?})",
            cycle.join(" → ")
        );
    }
}

/// The cycle check sees imports in each spelling and finds a planted cycle.
#[test]
fn the_import_cycle_check_finds_a_planted_cycle() {
    let source = |rel: &str, text: &str| Source {
        rel: rel.to_owned(),
        lines: text.lines().map(str::to_owned).collect(),
    };
    let sources = vec![
        source(
            "src/emit/mod.rs",
            "mod a;\nmod b;\nmod c;\npub use c::{Shared, other as o};",
        ),
        source(
            "src/emit/a.rs",
            "use super::{b::{self, X}, Own};\n// use super::c;",
        ),
        source(
            "src/emit/b.rs",
            "fn f() { crate::emit::c::g() }\n#[cfg(test)]\nuse super::a;",
        ),
        source("src/emit/c.rs", "use super::Shared;"),
        source("src/emit/d/mod.rs", "use super::c;\nmod e;"),
        source("src/emit/d/e.rs", "use super::super::c::g;\nuse super::f;"),
    ];
    let graph = emit_imports(&sources);
    let expect = |to: &[&str]| to.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(graph["a"], expect(&["b"]));
    assert_eq!(graph["b"], expect(&["c"]));
    assert_eq!(graph["c"], expect(&[]));
    assert_eq!(graph["d"], expect(&["c"]));
    assert_eq!(find_cycle(&graph), None);
    let mut sources = sources;
    sources[3] = source("src/emit/c.rs", "use super::{a, Shared};");
    let graph = emit_imports(&sources);
    assert_eq!(
        find_cycle(&graph).map(|c| c.join(" → ")).as_deref(),
        Some("a → b → c → a")
    );
}

/// The one place that spells IR types (`ir::Type`) and argument types
/// (`plan::ArgType`) as Rust: `src/emit/rust.rs`.
const RUST_SPELLING: &str = "src/emit/rust.rs";

/// Whether `line` spells a type of the IR as Rust: a scalar's or a wrapper's
/// tokens (`quote!(i64)`, `quote!(Option<`) or a type's text (`"NaiveDate"`).
fn spells_a_rust_type(line: &str) -> bool {
    const TOKENS: [&str; 8] = [
        "quote!(String)",
        "quote!(bool)",
        "quote!(i32)",
        "quote!(i64)",
        "quote!(f64)",
        "quote!(Box<",
        "quote!(Option<",
        "quote!(Vec<",
    ];
    const TEXTS: [&str; 10] = [
        "\"String\"",
        "\"i32\"",
        "\"i64\"",
        "\"f64\"",
        "\"NaiveDate\"",
        "\"Timestamp\"",
        "\"DateTime<Utc>\"",
        "\"serde_json::Value\"",
        "\"Box<{",
        "\"Vec<{",
    ];
    TOKENS.iter().chain(&TEXTS).any(|s| line.contains(s))
}

/// One mapping from IR types to Rust: the emitters and the API surface (which the
/// change report compares) take their spellings from `src/emit/rust.rs`, so the
/// client and the report cannot spell a type two ways.
#[test]
fn only_emit_rust_spells_ir_types_as_rust() {
    let sources = generator_sources();
    assert!(sources.iter().any(|s| s.rel == RUST_SPELLING));
    let scope: Vec<Source> = sources
        .into_iter()
        .filter(|s| (s.is_under("emit") || s.is_under("plan")) && s.rel != RUST_SPELLING)
        .collect();
    let found = offending(&scope, spells_a_rust_type);
    assert!(
        found.is_empty(),
        "Rust spellings of IR types outside {RUST_SPELLING} (use rust_type, declared_type, \
         render or their *_text forms):\n{}",
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
    assert!(spells_a_rust_type(
        "(quote!(i64), quote!(#arg.to_string()))"
    ));
    assert!(spells_a_rust_type(
        "Type::Date => \"NaiveDate\".to_owned(),"
    ));
    assert!(!spells_a_rust_type("let ty = rust_type(&Type::I64);"));
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

/// (h) The longest a hand-written function may be without a reason beside it.
const MAX_FN_LINES: usize = 100;

/// (h) Functions over [`MAX_FN_LINES`] lines, named as the test names them
/// (`path: Type::function`), being split on another branch; the lead empties
/// this at merge. An entry that is no longer long (or has its reason now) fails
/// the test, so the list cannot go stale.
const PENDING: &[&str] = &[];

/// (h) One function (free, method or nested) of a source file.
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

/// (h) Collects the functions of one file, with their enclosing names.
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

/// (h) Whether the comments and attributes directly above line `line` (1-based)
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

/// (h) Every function of the Rust source `text` (named `file` in the panic when
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

/// (h) Every function over [`MAX_FN_LINES`] in the hand-written crates
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

/// (h) No hand-written function is over [`MAX_FN_LINES`] lines unless a
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

/// (h) The function scanner measures and names what the test above relies on.
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
