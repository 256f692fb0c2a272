//! `cargo xtask bench-build`: how long a consumer waits for the generated crate. A
//! cold debug build with its dependencies, then per feature set a cold build of
//! the crate alone and an incremental rebuild after touching it; with the lines of
//! generated code each feature set compiles.

use crate::{fail, Result};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

const FEATURE_SETS: &[(&str, &[&str])] = &[
    ("flex-v1", &["flex_v1"]),
    ("proxy-v1", &["proxy_v1"]),
    ("flex-v1,proxy-v1", &["flex_v1", "proxy_v1"]),
];

fn cargo(root: &Path, args: &[&str]) -> Result<f64> {
    let target = root.join("target").join("bench-build");
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args(args)
        .arg("--target-dir")
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(fail(format!("cargo {} failed ({status})", args.join(" "))));
    }
    Ok(started.elapsed().as_secs_f64())
}

fn lines_in(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                lines_in(&p)
            } else {
                fs::read_to_string(&p)
                    .map(|t| t.lines().count())
                    .unwrap_or(0)
            }
        })
        .sum()
}

/// Runs the measurements and prints a table.
pub fn run(root: &Path) -> Result<()> {
    let src = root.join("generated").join("src");
    let shared = lines_in(&src.join("runtime"))
        + fs::read_to_string(src.join("lib.rs"))
            .map(|t| t.lines().count())
            .unwrap_or(0);
    cargo(root, &["clean"])?;
    eprintln!("cold build of twilio-rest with its dependencies…");
    let cold_all = cargo(root, &["build", "-p", "twilio-rest"])?;
    println!("cold debug build with dependencies (default features): {cold_all:.1} s");
    println!();
    println!("| features | generated lines | cold, crate only (s) | incremental (s) |");
    println!("|---|---|---|---|");
    for (features, modules) in FEATURE_SETS {
        let lines: usize = shared
            + modules
                .iter()
                .map(|m| lines_in(&src.join(m)))
                .sum::<usize>();
        let build = [
            "build",
            "-p",
            "twilio-rest",
            "--no-default-features",
            "--features",
            features,
        ];
        cargo(root, &["clean", "-p", "twilio-rest"])?;
        let cold = cargo(root, &build)?;
        // Touch the crate (mtime only) so the next build recompiles it.
        let lib = fs::File::options()
            .write(true)
            .open(src.join("lib.rs"))
            .map_err(|e| fail(e.to_string()))?;
        lib.set_modified(SystemTime::now())
            .map_err(|e| fail(e.to_string()))?;
        let incremental = cargo(root, &build)?;
        println!("| {features} | {lines} | {cold:.1} | {incremental:.1} |");
    }
    Ok(())
}
