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

/// Runs every check.
pub fn run(root: &Path) -> Result<()> {
    eprintln!("==> specs");
    specs::ensure(root)?;
    eprintln!("==> codegen --check");
    codegen::run(root, true)?;
    cargo(root, "format", &["fmt", "--all", "--check"], &[])?;
    cargo(root, "tests", &["test", "--workspace", "--all-targets", "--no-fail-fast"], &[])?;
    cargo(root, "doc tests", &["test", "--workspace", "--doc"], &[])?;
    cargo(root, "clippy", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])?;
    for features in FEATURE_SETS {
        cargo(
            root,
            &format!("twilio-rest with {features} only, warnings denied"),
            &["clippy", "-p", "twilio-rest", "--all-targets", "--no-default-features", "--features", features, "--", "-D", "warnings"],
            &[],
        )?;
        cargo(
            root,
            &format!("twilio-rest tests with {features}"),
            &["test", "-p", "twilio-rest", "--no-default-features", "--features", features],
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
