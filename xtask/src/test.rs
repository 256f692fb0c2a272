//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use crate::{codegen, fail, layout, prism, specs, twilio_node, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How many Prism servers run at once (each spec's, in batches).
const PRISM_BATCH: usize = 8;

/// Totals of `cargo test` result lines seen so far.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    /// Adds a `test result: ok. 5 passed; 0 failed; …` line.
    fn add(&mut self, line: &str) {
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

/// One Prism server to start: the crate whose conformance test it serves, and
/// its spec.
struct Mock {
    krate: String,
    module: String,
    spec: PathBuf,
}

/// Every spec's mock: the generated crates' (those the facade enables by default
/// first) and the fixture crates'.
fn mocks(root: &Path) -> Result<Vec<Mock>> {
    let lock = specs::read_lock(root)?;
    let layout = layout::read(root, &lock)?;
    let mut out: Vec<(bool, Mock)> = Vec::new();
    for c in &layout.crates {
        let default = layout
            .default_specs
            .as_ref()
            .is_some_and(|d| d.contains(&c.spec));
        let file = format!("specs/{}", c.spec);
        out.push((
            !default,
            Mock {
                krate: c.name.clone(),
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
                krate: format!("fixture-client-{}", module.replace('_', "-")),
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
        let mut args = vec!["test"];
        for m in batch {
            args.extend(["-p", &m.krate]);
        }
        args.extend(["--test", "conformance"]);
        args.extend(ignored);
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

/// Runs every check and prints the total of tests run.
pub fn run(root: &Path) -> Result<()> {
    let mut tally = Tally::default();
    let result = run_all(root, &mut tally);
    println!(
        "cargo xtask test: {} passed, {} failed",
        tally.passed, tally.failed
    );
    result
}

/// No extra environment.
const NO_ENV: &[(&str, &str)] = &[];

fn run_all(root: &Path, tally: &mut Tally) -> Result<()> {
    eprintln!("==> specs");
    specs::verified(root)?;
    eprintln!("==> codegen --check");
    codegen::run(root, true, &root.join(codegen::TEMPLATES_DIR))?;
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
    let tests = ["test", "--workspace", "--all-targets", "--no-fail-fast"];
    cargo(root, "tests", &tests, NO_ENV, tally)?;
    // Every crate's doc examples, one per operation in the generated crates.
    cargo(
        root,
        "doc tests",
        &["test", "--workspace", "--doc", "--all-features"],
        NO_ENV,
        tally,
    )?;
    against_prism(root, tally)?;
    against_twilio_node(root, tally)?;
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ];
    cargo(root, "clippy", &clippy, NO_ENV, tally)?;
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
    let doc = ["doc", "--workspace", "--no-deps", "--all-features"];
    cargo(
        root,
        "rustdoc of every crate, warnings denied",
        &doc,
        &[("RUSTDOCFLAGS", "-D warnings")],
        tally,
    )?;
    let published = published(root)?;
    let names: Vec<&str> = published.iter().map(String::as_str).collect();
    forget_unpacked_packages(&names)?;
    let publish = [
        &["publish", "--dry-run", "--allow-dirty"][..],
        &names.iter().flat_map(|p| ["-p", p]).collect::<Vec<_>>(),
    ]
    .concat();
    cargo(
        root,
        "the published crates package and build from their tarballs",
        &publish,
        NO_ENV,
        tally,
    )?;
    eprintln!("==> all checks passed");
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
/// generated crate against the runtime of the first one. Removing those unpacked
/// copies (never crates.io's) makes each run check the current sources.
fn forget_unpacked_packages(names: &[&str]) -> Result<()> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    match home {
        Some(h) => forget_unpacked_in(&h.join("registry").join("src"), names),
        None => Ok(()),
    }
}

/// [`forget_unpacked_packages`] in the registry sources folder `src`.
fn forget_unpacked_in(src: &Path, names: &[&str]) -> Result<()> {
    let Ok(registries) = std::fs::read_dir(src) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if registry
            .file_name()
            .to_string_lossy()
            .starts_with("index.crates.io")
        {
            continue;
        }
        for unpacked in std::fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let dir = unpacked.file_name().to_string_lossy().into_owned();
            let ours = names.iter().any(|n| {
                dir.strip_prefix(n)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
            });
            if ours {
                std::fs::remove_dir_all(unpacked.path()).map_err(|e| {
                    fail(format!("cannot remove {}: {e}", unpacked.path().display()))
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{forget_unpacked_in, Tally};

    #[test]
    fn only_our_packages_unpacked_from_overlays_are_forgotten() {
        let src = std::env::temp_dir().join(format!("xtask-unpacked-{}", std::process::id()));
        let dirs = [
            "-14cd1cce6819ff87/twilio-rest-runtime-0.1.0",
            "-14cd1cce6819ff87/twilio-rest-0.1.0",
            "-14cd1cce6819ff87/twilio-rest-extra-0.1.0",
            "index.crates.io-1949cf8c6b5b557f/twilio-rest-0.1.0",
            "index.crates.io-1949cf8c6b5b557f/serde-1.0.0",
        ];
        for d in dirs {
            std::fs::create_dir_all(src.join(d)).unwrap();
        }
        forget_unpacked_in(&src, &["twilio-rest-runtime", "twilio-rest"]).unwrap();
        let left: Vec<bool> = dirs.iter().map(|d| src.join(d).exists()).collect();
        std::fs::remove_dir_all(&src).unwrap();
        assert_eq!(left, [false, false, true, true, true]);
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
