//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use crate::{codegen, fail, specs, Result};
use std::path::Path;
use std::process::Command;

/// Feature sets the generated crate must build cleanly with.
const FEATURE_SETS: &[&str] = &["flex-v1", "proxy-v1", "flex-v1,proxy-v1"];

fn cargo(root: &Path, what: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    eprintln!("==> {what}: cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
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

/// Runs every check.
pub fn run(root: &Path) -> Result<()> {
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
    )?;
    rustfmt_templates(root)?;
    cargo(
        root,
        "tests",
        &["test", "--workspace", "--all-targets", "--no-fail-fast"],
        &[],
    )?;
    cargo(root, "doc tests", &["test", "--workspace", "--doc"], &[])?;
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
    )?;
    for features in FEATURE_SETS {
        cargo(
            root,
            &format!("twilio-rest with {features} only, warnings denied"),
            &[
                "clippy",
                "-p",
                "twilio-rest",
                "--all-targets",
                "--no-default-features",
                "--features",
                features,
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )?;
        cargo(
            root,
            &format!("twilio-rest tests with {features}"),
            &[
                "test",
                "-p",
                "twilio-rest",
                "--no-default-features",
                "--features",
                features,
            ],
            &[],
        )?;
    }
    cargo(
        root,
        "rustdoc, warnings denied",
        &["doc", "-p", "twilio-rest", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    eprintln!("==> all checks passed");
    Ok(())
}
