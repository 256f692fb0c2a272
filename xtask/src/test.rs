//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use crate::{codegen, fail, layout, prism, specs, twilio_node, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How many Prism servers run at once (each spec's, in batches).
const PRISM_BATCH: usize = 8;

/// Totals of `cargo test` result lines seen so far.
#[derive(Default)]
pub struct Tally {
    passed: usize,
    failed: usize,
    /// The Prism conformance outcomes printed so far.
    prism: prism::Summary,
}

impl Tally {
    /// Adds a `test result: ok. 5 passed; 0 failed; …` line.
    fn add(&mut self, line: &str) {
        self.prism.add(line);
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            if let [.., n, what] = words.as_slice() {
                let n: usize = n.parse().unwrap_or(0);
                match *what {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    _ => {}
                }
            }
        }
    }
}

fn cargo<K: AsRef<std::ffi::OsStr>, V: AsRef<std::ffi::OsStr>>(
    root: &Path,
    what: &str,
    args: &[&str],
    env: &[(K, V)],
    tally: &mut Tally,
) -> Result<()> {
    eprintln!("==> {what}: cargo {}", args.join(" "));
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
            println!("{line}");
            tally.add(&line);
        }
    }
    let status = child.wait().map_err(|e| fail(format!("cargo: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(fail(format!("{what} failed ({status})")))
    }
}

/// Sample arguments for the examples, valid for the specs (and so for Prism):
/// `KEY=VALUE` lines of this file.
const EXAMPLE_ENV: &str = "tests/client/examples/prism.env";

fn example_env(root: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(root.join(EXAMPLE_ENV))
        .map_err(|e| fail(format!("{EXAMPLE_ENV}: {e}")))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect())
}

/// One Prism server to start: the module whose conformance test it serves, and
/// its spec.
struct Mock {
    /// A fixture spec's (not counted among Twilio's operations).
    fixture: bool,
    module: String,
    spec: PathBuf,
}

/// Every spec's mock: the generated crates' (those the facade enables by default
/// first) and the fixture crates'.
fn mocks(root: &Path) -> Result<Vec<Mock>> {
    let lock = specs::read_lock(root)?;
    let layout = layout::read(root, &lock)?;
    let pending = layout::conformance_pending(root)?;
    if !pending.is_empty() {
        eprintln!(
            "==> prism: {} spec(s) not yet run (listed in {}): {}",
            pending.len(),
            layout::CRATES_FILE,
            pending.join(", ")
        );
    }
    let mut out: Vec<(bool, Mock)> = Vec::new();
    for c in layout.crates.iter().filter(|c| !pending.contains(&c.spec)) {
        let default = layout
            .default_specs
            .as_ref()
            .is_some_and(|d| d.contains(&c.spec));
        let file = format!("specs/{}", c.spec);
        out.push((
            !default,
            Mock {
                fixture: false,
                module: twilio_codegen::lower::module_name(&file),
                spec: root.join(file),
            },
        ));
    }
    for f in codegen::fixture_specs(root)? {
        let module = twilio_codegen::lower::module_name(&f);
        out.push((
            true,
            Mock {
                fixture: true,
                module,
                spec: root.join(f),
            },
        ));
    }
    // Stable: defaults first, then the order of the layout and the fixtures.
    out.sort_by_key(|(later, _)| *later);
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

/// Starts the Prism servers in batches of [`PRISM_BATCH`] and runs, against each
/// batch, the conformance test of its crates (every operation). The first batch
/// holds the facade's default APIs: the negative cases and the examples run
/// against it. Each batch's servers stop before the next starts, whether its
/// tests passed or not.
fn against_prism(root: &Path, tally: &mut Tally) -> Result<()> {
    let mocks = mocks(root)?;
    let ignored = ["--", "--ignored", "--nocapture"];
    for (i, batch) in mocks.chunks(PRISM_BATCH).enumerate() {
        let specs: Vec<(String, PathBuf)> = batch
            .iter()
            .map(|m| (m.module.clone(), m.spec.clone()))
            .collect();
        eprintln!(
            "==> prism {}: batch {} of {}, starting {} mock server(s)",
            prism::VERSION,
            i + 1,
            mocks.len().div_ceil(PRISM_BATCH),
            specs.len()
        );
        let servers = prism::start(root, &specs)?;
        let env = &servers.env;
        // The workspace's test targets, as the tests step built them (about the
        // same feature unification, so little is rebuilt), with only this
        // batch's conformance tests selected by their exact names.
        let names: Vec<String> = batch
            .iter()
            .map(|m| format!("{}_every_operation_against_prism", m.module))
            .collect();
        let mut args = vec!["test", "--workspace", "--tests"];
        args.extend(ignored);
        args.push("--exact");
        args.extend(names.iter().map(String::as_str));
        cargo(root, "conformance against Prism", &args, env, tally)?;
        if i == 0 {
            let negative = [
                &["test", "-p", "client-tests", "--test", "prism"][..],
                &ignored,
            ]
            .concat();
            cargo(root, "negative cases against Prism", &negative, env, tally)?;
            let mut with_samples: Vec<(String, String)> = env.clone();
            with_samples.extend(example_env(root)?);
            for example in examples(root)? {
                let args = ["run", "-q", "-p", "client-tests", "--example", &example];
                cargo(
                    root,
                    &format!("example {example} against Prism"),
                    &args,
                    &with_samples,
                    tally,
                )?;
            }
        }
        drop(servers);
    }
    let apis: Vec<String> = mocks
        .iter()
        .filter(|m| !m.fixture)
        .map(|m| twilio_codegen::names::base_url_var(&m.module))
        .collect();
    let pending = layout::conformance_pending(root)?;
    eprintln!("==> {}", tally.prism.finish(root, &apis, &pending)?);
    Ok(())
}

/// Installs the pinned twilio-node (once) and runs what compares with it: the
/// webhook agreement test (the same verdicts and signatures on thousands of
/// generated cases) and the differential test (every operation sends the request
/// twilio-node sends, but for the listed deliberate differences).
fn against_twilio_node(root: &Path, tally: &mut Tally) -> Result<()> {
    let package = twilio_node::install(root)?;
    let env = [(twilio_node::DIR_VAR, package.as_os_str())];
    for (test, what) in [
        ("webhooks_node", "webhooks"),
        ("differential_node", "every operation's request"),
        ("access_token_node", "access tokens"),
        (
            "twiml_node",
            "TwiML documents and the definition's completeness",
        ),
    ] {
        let args = [
            "test",
            "-p",
            "client-tests",
            "--test",
            test,
            "--",
            "--ignored",
            "--nocapture",
        ];
        cargo(
            root,
            &format!("{what} against twilio-node {}", twilio_node::VERSION),
            &args,
            &env,
            tally,
        )?;
    }
    Ok(())
}

/// The examples of the client-tests crate.
fn examples(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("tests/client/examples");
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| fail(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".rs")
                .map(str::to_owned)
        })
        .collect();
    out.sort();
    Ok(out)
}

/// One named step of the CI sequence.
pub struct Step {
    /// What `--only` takes (`tests`).
    pub name: &'static str,
    /// What it checks, for `--list`.
    pub what: &'static str,
    run: fn(&Path, &mut Tally) -> Result<()>,
}

/// The CI sequence, in order.
pub const STEPS: &[Step] = &[
    Step {
        name: "specs",
        what: "the vendored specs match specs/specs.lock",
        run: specs_step,
    },
    Step {
        name: "codegen",
        what: "the generated trees are fresh (codegen --check)",
        run: codegen_step,
    },
    Step {
        name: "fmt",
        what: "the hand-written crates are rustfmt clean",
        run: fmt_step,
    },
    Step {
        name: "tests",
        what: "every test of the workspace",
        run: tests_step,
    },
    Step {
        name: "doc-tests",
        what: "every crate's doc examples, all features",
        run: doc_tests_step,
    },
    Step {
        name: "prism",
        what:
            "every crate's conformance test against Prism, in batches; negative cases and examples",
        run: against_prism,
    },
    Step {
        name: "twilio-node",
        what: "webhooks, requests, access tokens and TwiML against twilio-node",
        run: against_twilio_node,
    },
    Step {
        name: "clippy",
        what: "clippy on the workspace, warnings denied",
        run: clippy_step,
    },
    Step {
        name: "runtime-all-features",
        what: "twilio-rest-runtime with all features: clippy (warnings denied) and tests",
        run: runtime_all_features_step,
    },
    Step {
        name: "facade-features",
        what: "twilio-rest with no API, its defaults and every API, warnings denied",
        run: facade_features_step,
    },
    Step {
        name: "rustdoc",
        what: "rustdoc of every crate, warnings denied",
        run: rustdoc_step,
    },
    Step {
        name: "publish",
        what: "the published crates package and build from their tarballs",
        run: publish_step,
    },
];

/// The step named `name`.
pub fn step(name: &str) -> Result<&'static Step> {
    STEPS.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = STEPS.iter().map(|s| s.name).collect();
        fail(format!(
            "no step `{name}`; the steps are: {}",
            names.join(", ")
        ))
    })
}

/// Prints the steps, in order, with what each checks.
pub fn list() {
    for s in STEPS {
        println!("{:<22} {}", s.name, s.what);
    }
}

/// Runs every step (or only the step `only`) and prints the total of tests run.
pub fn run(root: &Path, only: Option<&str>) -> Result<()> {
    let steps: Vec<&Step> = match only {
        Some(name) => vec![step(name)?],
        None => STEPS.iter().collect(),
    };
    let mut tally = Tally::default();
    let mut took = Vec::new();
    let result = steps.iter().try_for_each(|s| {
        eprintln!("==> step {}", s.name);
        let started = std::time::Instant::now();
        let result = (s.run)(root, &mut tally);
        took.push((s.name, started.elapsed().as_secs()));
        result
    });
    // What each step took, so a CI log says what dominates.
    let took: Vec<String> = took.iter().map(|(n, t)| format!("{n} {t} s")).collect();
    eprintln!("==> steps took: {}", took.join(", "));
    println!(
        "cargo xtask test: {} passed, {} failed",
        tally.passed, tally.failed
    );
    if result.is_ok() && only.is_none() {
        eprintln!("==> all checks passed");
    }
    result
}

/// No extra environment.
const NO_ENV: &[(&str, &str)] = &[];

fn specs_step(root: &Path, _: &mut Tally) -> Result<()> {
    eprintln!("==> specs");
    specs::verified(root)?;
    Ok(())
}

fn codegen_step(root: &Path, _: &mut Tally) -> Result<()> {
    eprintln!("==> codegen --check");
    codegen::run(root, true, &root.join(codegen::TEMPLATES_DIR))?;
    Ok(())
}

fn fmt_step(root: &Path, tally: &mut Tally) -> Result<()> {
    // Generated code is formatted by prettyplease, not rustfmt: check only what
    // people write (the hand-written crates).
    let fmt = [
        "fmt",
        "-p",
        "twilio-codegen",
        "-p",
        "xtask",
        "-p",
        "client-tests",
        "-p",
        "twilio-rest-runtime",
        "--check",
    ];
    cargo(root, "format", &fmt, NO_ENV, tally)?;
    Ok(())
}

fn tests_step(root: &Path, tally: &mut Tally) -> Result<()> {
    let tests = ["test", "--workspace", "--all-targets", "--no-fail-fast"];
    cargo(root, "tests", &tests, NO_ENV, tally)?;
    Ok(())
}

fn doc_tests_step(root: &Path, tally: &mut Tally) -> Result<()> {
    // Every crate's doc examples, one per operation in the generated crates.
    cargo(
        root,
        "doc tests",
        &["test", "--workspace", "--doc", "--all-features"],
        NO_ENV,
        tally,
    )?;
    Ok(())
}

fn clippy_step(root: &Path, tally: &mut Tally) -> Result<()> {
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ];
    cargo(root, "clippy", &clippy, NO_ENV, tally)?;
    Ok(())
}

fn runtime_all_features_step(root: &Path, tally: &mut Tally) -> Result<()> {
    // The runtime's optional features (the axum layer) are off in the workspace.
    let runtime_all = ["-p", "twilio-rest-runtime", "--all-features"];
    let clippy = [
        &["clippy"][..],
        &runtime_all,
        &["--all-targets", "--", "-D", "warnings"],
    ]
    .concat();
    cargo(
        root,
        "twilio-rest-runtime with all features, warnings denied",
        &clippy,
        NO_ENV,
        tally,
    )?;
    let test = [&["test"][..], &runtime_all].concat();
    cargo(
        root,
        "twilio-rest-runtime tests with all features",
        &test,
        NO_ENV,
        tally,
    )?;
    Ok(())
}

fn facade_features_step(root: &Path, tally: &mut Tally) -> Result<()> {
    // The facade with no API, its defaults, and every API.
    for features in [&["--no-default-features"][..], &[], &["--all-features"]] {
        let clippy = [
            &["clippy", "-p", "twilio-rest", "--all-targets"][..],
            features,
            &["--", "-D", "warnings"],
        ]
        .concat();
        cargo(
            root,
            &format!("twilio-rest {}, warnings denied", features.join(" ")),
            &clippy,
            NO_ENV,
            tally,
        )?;
    }
    Ok(())
}

fn rustdoc_step(root: &Path, tally: &mut Tally) -> Result<()> {
    let doc = ["doc", "--workspace", "--no-deps", "--all-features"];
    cargo(
        root,
        "rustdoc of every crate, warnings denied",
        &doc,
        &[("RUSTDOCFLAGS", "-D warnings")],
        tally,
    )?;
    Ok(())
}

fn publish_step(root: &Path, tally: &mut Tally) -> Result<()> {
    let published = published(root)?;
    let names: Vec<&str> = published.iter().map(String::as_str).collect();
    let home = dry_run_home(root)?;
    let publish = [
        &["publish", "--dry-run", "--allow-dirty"][..],
        &names.iter().flat_map(|p| ["-p", p]).collect::<Vec<_>>(),
    ]
    .concat();
    cargo(
        root,
        "the published crates package and build from their tarballs",
        &publish,
        &[("CARGO_HOME", home.as_os_str())],
        tally,
    )?;
    Ok(())
}

/// The crates published to crates.io: the runtime, every API's crate and the facade.
fn published(root: &Path) -> Result<Vec<String>> {
    let lock = specs::read_lock(root)?;
    let layout = layout::read(root, &lock)?;
    let mut names = vec!["twilio-rest-runtime".to_owned()];
    names.extend(layout.crates.iter().map(|c| c.name.clone()));
    names.push("twilio-rest-twiml".to_owned());
    names.push(layout.facade.name);
    Ok(names)
}

/// `cargo publish --dry-run` builds `twilio-rest` against the runtime packaged
/// into a local overlay registry, which cargo unpacks once, under
/// `$CARGO_HOME/registry/src/<overlay>/twilio-rest-runtime-<version>`, and then
/// reuses, as registry crates never change: a later dry run would check the
/// generated crate against the runtime of the first one. So the dry run gets a
/// `CARGO_HOME` of its own, made anew each time in `target/xtask/publish-home`
/// ([`link_home`]): what the overlay unpacks stays there, and nothing outside the
/// repository is removed.
fn dry_run_home(root: &Path) -> Result<PathBuf> {
    let real = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .ok_or_else(|| fail("neither CARGO_HOME nor HOME is set"))?;
    let home = root.join("target").join("xtask").join("publish-home");
    link_home(&real, &home)?;
    Ok(home)
}

/// Makes `home` anew as a cargo home that shares `real`'s configuration, git
/// checkouts and registries (index, downloaded `.crate` files and unpacked
/// sources, linked entry by entry) but none of its local overlay registries
/// (folders named `-<hash>`): those the dry run unpacks into `home` itself.
fn link_home(real: &Path, home: &Path) -> Result<()> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| fail(format!("{}: {e}", p.display()))
    };
    if home.exists() {
        // Removes the links, never what they point to.
        std::fs::remove_dir_all(home).map_err(io(home))?;
    }
    for file in ["config.toml", "config", "git"] {
        let from = real.join(file);
        if from.exists() {
            std::fs::create_dir_all(home).map_err(io(home))?;
            std::os::unix::fs::symlink(&from, home.join(file)).map_err(io(&from))?;
        }
    }
    for sub in ["index", "cache", "src"] {
        let dir = home.join("registry").join(sub);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let Ok(entries) = std::fs::read_dir(real.join("registry").join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            std::os::unix::fs::symlink(e.path(), dir.join(e.file_name())).map_err(io(&e.path()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{link_home, Tally};

    /// The dry run's home shares the real home's registries but not its overlay
    /// registries, and making it anew removes nothing of the real home.
    #[test]
    fn the_dry_run_home_links_registries_but_not_overlays() {
        let tmp = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("home-{}", std::process::id()));
        let (real, home) = (tmp.join("real"), tmp.join("home"));
        let dirs = [
            "registry/src/-14cd1cce6819ff87/twilio-rest-runtime-0.1.0",
            "registry/src/index.crates.io-1949cf8c6b5b557f/serde-1.0.0",
            "registry/cache/index.crates.io-1949cf8c6b5b557f",
            "registry/index/index.crates.io-1949cf8c6b5b557f",
            "git/db",
        ];
        for d in dirs {
            std::fs::create_dir_all(real.join(d)).unwrap();
        }
        link_home(&real, &home).unwrap();
        std::fs::create_dir_all(home.join(dirs[0])).unwrap();
        link_home(&real, &home).unwrap();
        let seen: Vec<bool> = dirs.iter().map(|d| home.join(d).exists()).collect();
        let kept: Vec<bool> = dirs.iter().map(|d| real.join(d).exists()).collect();
        std::fs::remove_dir_all(&tmp).unwrap();
        assert_eq!(seen, [false, true, true, true, true]);
        assert_eq!(kept, [true; 5]);
    }

    /// The sequence CI runs, in its order; `--only` finds each step and refuses
    /// an unknown name, listing the steps.
    #[test]
    fn the_steps_are_named_in_ci_order() {
        let names: Vec<&str> = super::STEPS.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "specs",
                "codegen",
                "fmt",
                "tests",
                "doc-tests",
                "prism",
                "twilio-node",
                "clippy",
                "runtime-all-features",
                "facade-features",
                "rustdoc",
                "publish"
            ]
        );
        for n in names {
            assert_eq!(super::step(n).unwrap().name, n);
        }
        let Err(err) = super::step("nope") else {
            panic!("an unknown step was found")
        };
        assert!(err.message.contains("no step `nope`") && err.message.contains("fmt, tests"));
    }

    #[test]
    fn tally_sums_cargo_result_lines() {
        let mut t = Tally::default();
        t.add("test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        t.add("test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out");
        t.add("running 3 tests");
        assert_eq!((t.passed, t.failed), (7, 1));
    }
}
