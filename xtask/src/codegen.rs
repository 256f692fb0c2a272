//! `cargo xtask codegen [--check]`: generate the client crates and the fixture
//! crates, writing each tree atomically, or check that the committed trees are fresh.

use crate::{bad_input, fail, layout, specs, Result};
use std::fs;
use std::path::{Path, PathBuf};
use twilio_codegen::diag::{Diagnostic, Severity};
use twilio_codegen::emit::{Files, Layout, RuntimeDependency};
use twilio_codegen::{Spec, Templates};

/// One tree of crates the xtask generates.
pub struct Target {
    /// Output folder, relative to the workspace root (or absolute); each crate is
    /// a folder in it.
    pub dir: PathBuf,
    /// The crates and the facade.
    pub layout: Layout,
    /// Spec files, relative to the workspace root (or absolute); diagnostics name
    /// them so.
    pub specs: Vec<String>,
    /// Overlay files (relative to the root), each applied to the spec it `extends`.
    pub overlays: Vec<String>,
    /// The TwiML crate generated into the same folder, if any.
    pub twiml: Option<layout::Twiml>,
    /// The templates folder, relative to the workspace root (or absolute).
    pub templates: PathBuf,
    /// The runtime's folder as the crates' `Cargo.toml` name it, relative to
    /// `dir`; `None`: see [`runtime_dependency`].
    pub runtime_path: Option<String>,
}

/// Where the templates are, relative to the workspace root.
pub const TEMPLATES_DIR: &str = "templates";

/// The templates in `dir`: every `*.j2` file in it or below, named by its path
/// without `.j2` (`twiml/guide.md`).
pub fn read_templates(dir: &Path) -> Result<Templates> {
    let mut templates = Templates::new();
    for rel in list_files(dir).into_iter().filter(|f| f.ends_with(".j2")) {
        let path = dir.join(&rel);
        let text = fs::read_to_string(&path)
            .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
        templates.insert(rel.trim_end_matches(".j2"), text);
    }
    if templates.names().next().is_none() {
        return Err(fail(format!(
            "{}: no templates (*.j2) there",
            dir.display()
        )));
    }
    Ok(templates)
}

/// Where the runtime crate is, for crates generated into folders of `dir`: its path
/// relative to `dir` inside this workspace; outside it, `runtime_path` (relative to
/// `dir`, as `codegen --runtime-path` names it) or, without one, the registry's
/// version alone, so no output names a folder of this machine.
pub fn runtime_dependency(
    root: &Path,
    dir: &Path,
    runtime_path: Option<&str>,
) -> RuntimeDependency {
    let dir = root.join(dir);
    let path = match (dir.strip_prefix(root), runtime_path) {
        (_, Some(p)) => p.to_owned(),
        (Ok(rel), None) => format!("{}runtime", "../".repeat(rel.components().count())),
        (Err(_), None) => String::new(),
    };
    RuntimeDependency {
        version: twilio_codegen::emit::RUNTIME_VERSION.to_owned(),
        path,
    }
}

/// The fixture specs (`generator/tests/fixtures/*.yaml`), relative to the root, sorted.
pub fn fixture_specs(root: &Path) -> Result<Vec<String>> {
    let fixtures_dir = root.join("generator/tests/fixtures");
    let mut fixtures: Vec<String> = fs::read_dir(&fixtures_dir)
        .map_err(|e| fail(format!("{}: {e}", fixtures_dir.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .map(|n| format!("generator/tests/fixtures/{n}"))
        .collect();
    fixtures.sort();
    Ok(fixtures)
}

/// Where the overlays are: corrections to the vendored specs.
pub const OVERLAYS_DIR: &str = "specs/overlays";

/// The overlays (`specs/overlays/*.yaml`, `*.json`), relative to the root, sorted.
/// Each must parse and name a vendored spec in `extends`; otherwise it is a spec
/// error (exit 2).
pub fn overlays(root: &Path, lock: &specs::Lock) -> Result<Vec<String>> {
    let dir = root.join(OVERLAYS_DIR);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .map(|n| format!("{OVERLAYS_DIR}/{n}"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let bytes = fs::read(root.join(file)).map_err(|e| fail(format!("{file}: {e}")))?;
        match twilio_codegen::overlay::parse(file, &bytes) {
            Ok(o) if lock.spec.iter().any(|s| o.applies_to(&s.file)) => {}
            Ok(o) => problems.push(format!(
                "error: {file}#/extends: `{}` is not a vendored spec (see specs/specs.lock)\n",
                o.extends
            )),
            Err(ds) => problems.push(ds.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(bad_input(problems.concat()))
    }
}

/// The generated client (`generated/`, from the locked specs and their overlays,
/// laid out by `specs/crates.toml`) and the fixture crates (`tests/fixture-client/`,
/// from `generator/tests/fixtures/`, a crate each and the facade `fixture-client`),
/// rendered with the templates in `templates`.
pub fn targets(root: &Path, lock: &specs::Lock, templates: &Path) -> Result<Vec<Target>> {
    let fixtures = fixture_specs(root)?;
    let mut fixture_layout = Layout::new("fixture-client");
    fixture_layout.facade.description =
        "Client generated from the generator's fixture specs; proves the fixture output compiles."
            .to_owned();
    let (layout, twiml) = layout::read_all(root, lock)?;
    Ok(vec![
        Target {
            dir: PathBuf::from("generated"),
            layout,
            specs: lock
                .spec
                .iter()
                .map(|s| format!("specs/{}", s.file))
                .collect(),
            overlays: overlays(root, lock)?,
            twiml,
            templates: templates.to_path_buf(),
            runtime_path: None,
        },
        Target {
            dir: PathBuf::from("tests/fixture-client"),
            layout: fixture_layout,
            specs: fixtures,
            overlays: Vec::new(),
            twiml: None,
            templates: templates.to_path_buf(),
            runtime_path: None,
        },
    ])
}

/// The contents of `files` (relative to `root`), in order.
fn read_all(root: &Path, files: &[String]) -> Result<Vec<Vec<u8>>> {
    files
        .iter()
        .map(|f| fs::read(root.join(f)).map_err(|e| fail(format!("cannot read {f}: {e}"))))
        .collect()
}

/// `files` paired with their contents, as the generator takes them.
fn as_specs<'a>(files: &'a [String], bytes: &'a [Vec<u8>]) -> Vec<Spec<'a>> {
    files
        .iter()
        .zip(bytes)
        .map(|(file, bytes)| Spec { file, bytes })
        .collect()
}

/// Generates one target in memory. Warnings are returned; errors fail with every
/// diagnostic listed (exit code 2).
pub fn generate(root: &Path, target: &Target) -> Result<(Files, Vec<Diagnostic>)> {
    let bytes = read_all(root, &target.specs)?;
    // Specs are named relative to the root; one outside it by its file name, so
    // no output names a folder of this machine.
    let names: Vec<String> = target
        .specs
        .iter()
        .map(|f| {
            let p = Path::new(f);
            match p.strip_prefix(root) {
                Ok(rel) => rel.display().to_string(),
                Err(_) if p.is_absolute() => p
                    .file_name()
                    .map_or_else(|| f.clone(), |n| n.to_string_lossy().into_owned()),
                Err(_) => f.clone(),
            }
        })
        .collect();
    let specs = as_specs(&names, &bytes);
    let overlay_bytes = read_all(root, &target.overlays)?;
    let overlays = as_specs(&target.overlays, &overlay_bytes);
    let mut layout = target.layout.clone();
    layout.runtime = runtime_dependency(root, &target.dir, target.runtime_path.as_deref());
    layout.templates = read_templates(&root.join(&target.templates))?;
    // The TwiML crate, if any, generates beside the client.
    let twiml = || {
        target
            .twiml
            .as_ref()
            .map(|t| crate::twiml::generate(root, t, &layout.templates))
    };
    let (client, twiml) = std::thread::scope(|s| {
        let twiml = start(s, &twiml);
        let client = twilio_codegen::generate_with_overlays(&specs, &overlays, &layout);
        (client, twiml())
    });
    match client {
        Ok(mut g) => {
            if let (Some(t), Some(files)) = (&target.twiml, twiml) {
                let files = files?;
                g.files.extend(
                    files
                        .into_iter()
                        .map(|(p, text)| (format!("{}/{p}", t.name), text)),
                );
            }
            Ok((g.files, g.warnings))
        }
        Err(twilio_codegen::Error::Spec(errors)) => Err(bad_input(format!(
            "{errors}{} error(s); {} left unchanged",
            errors.0.len(),
            target.dir.display()
        ))),
        Err(e @ twilio_codegen::Error::Emit(_)) => Err(fail(e.to_string())),
    }
}

/// Differences between `files` and the folder `dir`: stale, missing and orphaned files.
pub fn diff(dir: &Path, files: &Files) -> Vec<String> {
    let mut problems = Vec::new();
    for (rel, text) in files {
        match fs::read(dir.join(rel)) {
            Ok(on_disk) if on_disk == text.as_bytes() => {}
            Ok(_) => problems.push(format!("stale:    {rel}")),
            Err(_) => problems.push(format!("missing:  {rel}")),
        }
    }
    for rel in list_files(dir) {
        if !files.contains_key(&rel) {
            problems.push(format!("orphaned: {rel}"));
        }
    }
    problems
}

fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Replaces the folder `dir` with exactly `files`: the new tree is written beside
/// it first, then swapped in, so a failure leaves the old tree as it was.
pub fn write_tree(dir: &Path, files: &Files) -> Result<()> {
    let parent = dir
        .parent()
        .ok_or_else(|| fail(format!("{} has no parent", dir.display())))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let new = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let io = |p: &Path| {
        let p: PathBuf = p.to_path_buf();
        move |e: std::io::Error| fail(format!("{}: {e}", p.display()))
    };
    let _ = fs::remove_dir_all(&new);
    let written: Result<()> = (|| {
        for (rel, text) in files {
            let path = new.join(rel);
            if let Some(d) = path.parent() {
                fs::create_dir_all(d).map_err(io(d))?;
            }
            fs::write(&path, text).map_err(io(&path))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&new);
        return Err(e);
    }
    let had_old = dir.exists();
    if had_old {
        fs::rename(dir, &old).map_err(io(dir))?;
    }
    if let Err(e) = fs::rename(&new, dir) {
        if had_old {
            let _ = fs::rename(&old, dir);
        }
        let _ = fs::remove_dir_all(&new);
        return Err(fail(format!("{}: {e}", dir.display())));
    }
    if had_old {
        fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Each thread's stack: the generator recurses on a spec's nesting (bounded by
/// the loader), deeper in a debug build.
const STACK: usize = 16 << 20;

/// Starts `f` on a thread of its own (with [`STACK`]) in scope `s`; the closure
/// returned joins it, or runs `f` here if no thread could be had.
fn start<'s, F, R>(s: &'s std::thread::Scope<'s, '_>, f: &'s F) -> impl FnOnce() -> R + 's
where
    F: Fn() -> R + Sync,
    R: Send + 's,
{
    let handle = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn_scoped(s, f)
        .ok();
    move || match handle {
        Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        None => f(),
    }
}

/// `f` over `items`, each on a thread of its own; the results in the items' order.
fn concurrently<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let f = &f;
    let jobs: Vec<_> = items.iter().map(|item| move || f(item)).collect();
    std::thread::scope(|s| {
        let joins: Vec<_> = jobs.iter().map(|job| start(s, job)).collect();
        joins.into_iter().map(|join| join()).collect()
    })
}

/// Generates every target and writes it, or with `check` only reports staleness;
/// with the templates in `templates` (relative to the root, or absolute).
pub fn run(root: &Path, check: bool, templates: &Path) -> Result<()> {
    let lock = specs::verified(root)?;
    run_targets(root, &targets(root, &lock, templates)?, check)
}

/// `codegen --spec PATH… --out DIR`: a crate for any spec files.
pub fn run_custom(
    root: &Path,
    specs: Vec<PathBuf>,
    out: PathBuf,
    name: Option<String>,
    check: bool,
    templates: &Path,
    runtime_path: Option<String>,
) -> Result<()> {
    let mut layout = Layout::new(name.as_deref().unwrap_or("twilio-rest"));
    // Crates outside this workspace are a workspace of their own.
    layout.standalone = !out.starts_with(root);
    let target = Target {
        dir: out,
        layout,
        specs: specs.iter().map(|p| p.display().to_string()).collect(),
        // Any spec files, generated as given.
        overlays: Vec::new(),
        twiml: None,
        templates: templates.to_path_buf(),
        runtime_path,
    };
    run_targets(root, std::slice::from_ref(&target), check)
}

/// Generates every target in memory first; only when all succeed is anything
/// written (or, with `check`, compared). Prints each warning and a summary line.
fn run_targets(root: &Path, targets: &[Target], check: bool) -> Result<()> {
    let mut generated = Vec::new();
    for target in targets {
        eprintln!(
            "{}: generating from {} spec(s)…",
            target.dir.display(),
            target.specs.len()
        );
    }
    // The targets generate at once: a small one overlaps the serial stretches of
    // a large one (the generator spreads each over the cores itself).
    for (target, result) in targets
        .iter()
        .zip(concurrently(targets, |t| generate(root, t)))
    {
        let (files, warnings) = result?;
        for w in &warnings {
            debug_assert_eq!(w.severity, Severity::Warning);
            eprintln!("{w}");
        }
        eprintln!(
            "{}: {} files, {} warning(s)",
            target.dir.display(),
            files.len(),
            warnings.len()
        );
        generated.push((root.join(&target.dir), files));
    }
    if check {
        let mut problems = Vec::new();
        for (dir, files) in &generated {
            problems.extend(
                diff(dir, files)
                    .into_iter()
                    .map(|p| format!("  {p}  ({})", dir.display())),
            );
        }
        if !problems.is_empty() {
            return Err(fail(format!(
                "generated code is stale; run `cargo xtask codegen`:\n{}",
                problems.join("\n")
            )));
        }
        eprintln!("generated code is up to date");
        return Ok(());
    }
    for (dir, files) in &generated {
        write_tree(dir, files)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain `cargo test` fails when a committed tree differs from a fresh generation.
    #[test]
    fn generated_trees_are_fresh() {
        let root = crate::workspace_root();
        let lock = specs::verified(&root).unwrap_or_else(|e| panic!("{e}"));
        for target in targets(&root, &lock, Path::new(TEMPLATES_DIR)).unwrap() {
            let (files, _) = generate(&root, &target).unwrap_or_else(|e| panic!("{e}"));
            let problems = diff(&root.join(&target.dir), &files);
            assert!(
                problems.is_empty(),
                "{} is stale; run `cargo xtask codegen`:\n{}",
                target.dir.display(),
                problems.join("\n")
            );
        }
    }

    #[test]
    fn generation_is_byte_identical_across_runs() {
        let root = crate::workspace_root();
        let lock = specs::verified(&root).unwrap_or_else(|e| panic!("{e}"));
        for target in targets(&root, &lock, Path::new(TEMPLATES_DIR)).unwrap() {
            let a = generate(&root, &target).unwrap_or_else(|e| panic!("{e}")).0;
            let b = generate(&root, &target).unwrap_or_else(|e| panic!("{e}")).0;
            assert_eq!(a, b, "{}", target.dir.display());
        }
    }

    #[test]
    fn a_bad_spec_exits_2_with_a_pointer_and_writes_nothing() {
        let tmp = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("bad-{}", std::process::id()));
        fs::create_dir_all(tmp.join("out")).unwrap();
        fs::write(tmp.join("out/keep.rs"), "// the old tree\n").unwrap();
        let head = "openapi: 3.0.1\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://t.twilio.com'}]\n";
        fs::write(tmp.join("good.yaml"), format!("{head}paths: {{}}\n")).unwrap();
        fs::write(
            tmp.join("bad.yaml"),
            format!("{head}paths: {{}}\ncomponents:\n  schemas:\n    a: {{$ref: '#/components/schemas/nope'}}\n"),
        )
        .unwrap();
        let target = Target {
            dir: PathBuf::from("out"),
            layout: Layout {
                standalone: true,
                ..Layout::new("t")
            },
            specs: vec!["good.yaml".into(), "bad.yaml".into()],
            overlays: Vec::new(),
            twiml: None,
            templates: crate::workspace_root().join(TEMPLATES_DIR),
            runtime_path: None,
        };
        let err = run_targets(&tmp, std::slice::from_ref(&target), false).unwrap_err();
        assert_eq!(err.code, 2);
        assert!(
            err.message
                .contains("error: bad.yaml#/components/schemas/a/$ref: unresolvable $ref"),
            "{err}"
        );
        assert!(err.message.contains("out left unchanged"), "{err}");
        let kept: Vec<String> = list_files(&tmp.join("out"));
        assert_eq!(kept, ["keep.rs"]);
        assert_eq!(
            fs::read_to_string(tmp.join("out/keep.rs")).unwrap(),
            "// the old tree\n"
        );
        fs::remove_dir_all(&tmp).unwrap();
    }

    /// What OpenAPI requires and a spec lacks is a spec error: exit 2, with the
    /// location, for a Swagger 2.0 document and for a real spec cut short.
    #[test]
    fn documents_that_break_openapi_rules_exit_2_with_locations() {
        let root = crate::workspace_root();
        let tmp = root
            .join("target")
            .join("xtask")
            .join(format!("strict-{}", std::process::id()));
        fs::create_dir_all(&tmp).unwrap();
        fs::write(
            tmp.join("swagger.yaml"),
            "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        let proxy = fs::read_to_string(root.join("specs/twilio_proxy_v1.yaml")).unwrap();
        let cut = &proxy[..proxy.len() * 3 / 10];
        fs::write(tmp.join("cut.yaml"), &cut[..=cut.rfind('\n').unwrap()]).unwrap();
        for (spec, expected) in [
            (
                "swagger.yaml",
                "error: swagger.yaml#/swagger: this is a Swagger 2.0 document",
            ),
            (
                "cut.yaml",
                "/post/responses: the operation declares no responses",
            ),
        ] {
            let target = Target {
                dir: PathBuf::from("out"),
                layout: Layout::new("t"),
                specs: vec![spec.into()],
                overlays: Vec::new(),
                twiml: None,
                templates: root.join(TEMPLATES_DIR),
                runtime_path: None,
            };
            let err = run_targets(&tmp, std::slice::from_ref(&target), false).unwrap_err();
            assert_eq!(err.code, 2, "{err}");
            assert!(err.message.contains(expected), "{err}");
        }
        assert!(!tmp.join("out").exists());
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn an_overlay_that_no_longer_applies_exits_2_naming_its_action() {
        let tmp = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("overlay-{}", std::process::id()));
        fs::create_dir_all(&tmp).unwrap();
        fs::write(
            tmp.join("s.yaml"),
            "openapi: 3.0.1\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://t.twilio.com'}]\npaths: {}\n",
        )
        .unwrap();
        fs::write(
            tmp.join("fix.yaml"),
            "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nextends: s.yaml\nactions:\n  - target: $.info\n    description: ok\n    update: {x-note: n}\n  - target: $.paths['/v1/Gone']\n    description: upstream removed it\n    remove: true\n",
        )
        .unwrap();
        let target = Target {
            dir: PathBuf::from("out"),
            layout: Layout {
                standalone: true,
                ..Layout::new("t")
            },
            specs: vec!["s.yaml".into()],
            overlays: vec!["fix.yaml".into()],
            twiml: None,
            templates: crate::workspace_root().join(TEMPLATES_DIR),
            runtime_path: None,
        };
        let err = run_targets(&tmp, std::slice::from_ref(&target), false).unwrap_err();
        assert_eq!(err.code, 2);
        assert!(
            err.message.contains(
                "error: fix.yaml#/actions/1/target: `$.paths['/v1/Gone']` matches nothing in s.yaml"
            ),
            "{err}"
        );
        assert!(!tmp.join("out").exists());
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn the_vendored_overlays_name_vendored_specs() {
        let root = crate::workspace_root();
        let lock = specs::verified(&root).unwrap_or_else(|e| panic!("{e}"));
        let files = overlays(&root, &lock).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            files.contains(&"specs/overlays/twilio_proxy_v1.yaml".to_owned()),
            "{files:?}"
        );
    }

    /// A maintainer's templates (`codegen --templates DIR`) change the output, and
    /// `--check` with them reports the tree generated with the repository's as stale.
    #[test]
    fn changed_templates_change_the_output_and_check_sees_it() {
        let root = crate::workspace_root();
        let tmp = root
            .join("target")
            .join("xtask")
            .join(format!("templates-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        let mine = tmp.join("templates");
        for name in twilio_codegen::Templates::REQUIRED {
            let to = mine.join(format!("{name}.j2"));
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(root.join(TEMPLATES_DIR).join(format!("{name}.j2")), &to).unwrap();
        }
        let readme = mine.join("api-README.md.j2");
        let text = fs::read_to_string(&readme).unwrap();
        fs::write(&readme, format!("{text}\nA maintainer's line.\n")).unwrap();
        let target = |templates: PathBuf| Target {
            dir: tmp.join("out"),
            layout: Layout {
                standalone: true,
                ..Layout::new("t")
            },
            specs: vec!["generator/tests/fixtures/operations.yaml".into()],
            overlays: Vec::new(),
            twiml: None,
            templates,
            runtime_path: None,
        };
        let ours = target(root.join(TEMPLATES_DIR));
        let theirs = target(mine);
        let (a, _) = generate(&root, &ours).unwrap_or_else(|e| panic!("{e}"));
        let (b, _) = generate(&root, &theirs).unwrap_or_else(|e| panic!("{e}"));
        let changed: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
        assert_eq!(changed, ["t-operations/README.md"], "{changed:?}");
        assert!(b["t-operations/README.md"].ends_with("A maintainer's line.\n"));
        run_targets(&root, std::slice::from_ref(&ours), false).unwrap_or_else(|e| panic!("{e}"));
        run_targets(&root, std::slice::from_ref(&ours), true).unwrap_or_else(|e| panic!("{e}"));
        let err = run_targets(&root, std::slice::from_ref(&theirs), true).unwrap_err();
        assert!(
            err.message.contains("stale:    t-operations/README.md"),
            "{err}"
        );
        fs::remove_dir_all(&tmp).unwrap();
    }

    /// Crates generated outside the repository name no folder of this machine: the
    /// runtime by its version (or the path given), the specs by file name.
    #[test]
    fn output_outside_the_repository_has_no_absolute_path() {
        let root = crate::workspace_root();
        let out = std::env::temp_dir().join(format!("xtask-portable-{}", std::process::id()));
        let spec = root.join("generator/tests/fixtures/operations.yaml");
        let run = |runtime_path: Option<String>| {
            let _ = fs::remove_dir_all(&out);
            run_custom(
                &root,
                vec![spec.clone()],
                out.clone(),
                Some("portable".into()),
                false,
                &root.join(TEMPLATES_DIR),
                runtime_path,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let files: Vec<(String, String)> = list_files(&out)
                .into_iter()
                .map(|f| (f.clone(), fs::read_to_string(out.join(&f)).unwrap()))
                .collect();
            fs::remove_dir_all(&out).unwrap();
            files
        };
        let files = run(None);
        assert!(files.len() > 5, "{files:?}");
        let home = root.display().to_string();
        let tmp = out.display().to_string();
        for (f, text) in &files {
            assert!(
                !text.contains(&home) && !text.contains(&tmp),
                "{f} names a machine path"
            );
        }
        let (_, cargo) = files
            .iter()
            .find(|(f, _)| f == "portable-operations/Cargo.toml")
            .unwrap();
        assert!(
            cargo.contains(
                "twilio-rest-runtime = { version = \"0.1.0\", default-features = false }"
            ),
            "{cargo}"
        );
        let files = run(Some("../../runtime".into()));
        let (_, cargo) = files
            .iter()
            .find(|(f, _)| f == "portable-operations/Cargo.toml")
            .unwrap();
        // Relative to --out; each crate sits one folder below it.
        assert!(cargo.contains("path = \"../../../runtime\""), "{cargo}");
    }

    /// A templates folder without templates fails, naming it.
    #[test]
    fn a_missing_template_is_an_error_naming_it() {
        let root = crate::workspace_root();
        assert!(read_templates(&root.join("specs/nowhere"))
            .unwrap_err()
            .message
            .contains("no templates"));
        let mut t = read_templates(&root.join(TEMPLATES_DIR)).unwrap();
        let mut partial = Templates::new();
        for n in t.names().filter(|n| *n != "api-README.md") {
            partial.insert(n, t.get(n).unwrap());
        }
        t = partial;
        let layout = Layout {
            templates: t,
            ..Layout::new("t")
        };
        let spec = fs::read(root.join("generator/tests/fixtures/operations.yaml")).unwrap();
        let specs = [Spec {
            file: "operations.yaml",
            bytes: &spec,
        }];
        let err = twilio_codegen::generate(&specs, &layout).unwrap_err();
        assert!(err.to_string().contains("api-README.md.j2"), "{err}");
    }

    #[test]
    fn write_tree_replaces_the_folder_and_drops_orphans() {
        let dir = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("tree-{}", std::process::id()))
            .join("out");
        fs::create_dir_all(dir.join("old")).unwrap();
        fs::write(dir.join("old/orphan.rs"), "x").unwrap();
        let files: Files = [("src/lib.rs".to_owned(), "// new\n".to_owned())].into();
        assert!(!diff(&dir, &files).is_empty());
        write_tree(&dir, &files).unwrap();
        assert!(diff(&dir, &files).is_empty());
        assert!(!dir.join("old").exists());
        fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }

    #[test]
    fn diff_reports_stale_missing_and_orphaned() {
        let dir = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("diff-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.rs"), "old").unwrap();
        fs::write(dir.join("orphan.rs"), "x").unwrap();
        let files: Files = [
            ("a.rs".to_owned(), "new".to_owned()),
            ("b.rs".to_owned(), "b".to_owned()),
        ]
        .into();
        let mut problems = diff(&dir, &files);
        problems.sort();
        assert_eq!(
            problems,
            ["missing:  b.rs", "orphaned: orphan.rs", "stale:    a.rs"]
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
