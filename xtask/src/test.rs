//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use crate::{codegen, fail, specs, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// Feature sets the generated crate must build cleanly with.
const FEATURE_SETS: &[&str] = &["flex-v1", "proxy-v1", "flex-v1,proxy-v1"];

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

fn cargo(
    root: &Path,
    what: &str,
    args: &[&str],
    env: &[(&str, &str)],
    tally: &mut Tally,
) -> Result<()> {
    eprintln!("==> {what}: cargo {}", args.join(" "));
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(args)
        .envs(env.iter().copied())
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

fn rustfmt_templates(root: &Path) -> Result<()> {
    let mut files = Vec::new();
    for dir in ["templates/runtime", "templates/tests"] {
        let entries = std::fs::read_dir(root.join(dir)).map_err(|e| fail(format!("{dir}: {e}")))?;
        for e in entries.filter_map(|e| e.ok()) {
            if e.path().extension().is_some_and(|x| x == "rs") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    eprintln!("==> format: rustfmt --check templates/**/*.rs");
    let status = Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .args(&files)
        .status()
        .map_err(|e| fail(format!("cannot run rustfmt: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(fail(
            "templates are not rustfmt-formatted; run `rustfmt --edition 2021 templates/*/*.rs`",
        ))
    }
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

fn run_all(root: &Path, tally: &mut Tally) -> Result<()> {
    eprintln!("==> specs");
    specs::ensure(root)?;
    eprintln!("==> codegen --check");
    codegen::run(root, true)?;
    // Generated code is formatted by prettyplease, not rustfmt: check only what
    // people write (the two crates and the runtime templates).
    cargo(
        root,
        "format",
        &["fmt", "-p", "twilio-codegen", "-p", "xtask", "--check"],
        &[],
        tally,
    )?;
    rustfmt_templates(root)?;
    cargo(
        root,
        "tests",
        &["test", "--workspace", "--all-targets", "--no-fail-fast"],
        &[],
        tally,
    )?;
    cargo(
        root,
        "doc tests",
        &["test", "--workspace", "--doc"],
        &[],
        tally,
    )?;
    cargo(
        root,
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
        tally,
    )?;
    for features in FEATURE_SETS {
        let only = ["--no-default-features", "--features", features];
        let clippy = [
            &["clippy", "-p", "twilio-rest", "--all-targets"][..],
            &only,
            &["--", "-D", "warnings"],
        ]
        .concat();
        cargo(
            root,
            &format!("twilio-rest with {features} only, warnings denied"),
            &clippy,
            &[],
            tally,
        )?;
        let test = [&["test", "-p", "twilio-rest", "--tests"][..], &only].concat();
        cargo(
            root,
            &format!("twilio-rest tests with {features} only"),
            &test,
            &[],
            tally,
        )?;
    }
    cargo(
        root,
        "rustdoc, warnings denied",
        &["doc", "-p", "twilio-rest", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
        tally,
    )?;
    eprintln!("==> all checks passed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn tally_sums_cargo_result_lines() {
        let mut t = Tally::default();
        t.add("test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        t.add("test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out");
        t.add("running 3 tests");
        assert_eq!((t.passed, t.failed), (7, 1));
    }
}
