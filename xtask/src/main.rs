//! Maintainer tasks for the Twilio client generator.
//!
//! ```text
//! cargo xtask specs [--from DIR [--update-lock]]   fetch and verify the pinned specs
//! cargo xtask codegen [--check]                    generate generated/ (or check it)
//! cargo xtask test                                 every check CI runs
//! ```

mod codegen;
mod prism;
mod specs;
mod test;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A task failure with the process exit code it maps to.
#[derive(Debug)]
pub struct Error {
    /// What went wrong, ready to print.
    pub message: String,
    /// 1 for a failed check or environment problem, 2 for bad input (a spec the
    /// generator cannot handle, bad arguments).
    pub code: u8,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Result of a task.
pub type Result<T> = std::result::Result<T, Error>;

/// A failure with exit code 1.
pub fn fail(message: impl Into<String>) -> Error {
    Error {
        message: message.into(),
        code: 1,
    }
}

/// A bad-input failure with exit code 2.
pub fn bad_input(message: impl Into<String>) -> Error {
    Error {
        message: message.into(),
        code: 2,
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Writes a file by writing a sibling temporary file and renaming it over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| fail(format!("{} has no parent", path.display())))?;
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| fail(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(format!("{}: {e}", path.display()))
    })
}

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  specs [--from DIR [--update-lock]]  fetch the pinned specs into specs/ and verify them
                                      (--from: copy them from a twilio-oai checkout)
  codegen [--check]                   generate generated/ and the fixture crate
                                      (--check: fail if they are stale, write nothing)
  test                                run every check CI runs";

fn run(args: &[String]) -> Result<()> {
    let root = workspace_root();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["specs"] => {
            let lock = specs::read_lock(&root)?;
            specs::fetch(&root, &lock)
        }
        ["specs", "--from", dir] => specs::from_dir(&root, Path::new(dir), false),
        ["specs", "--from", dir, "--update-lock"] | ["specs", "--update-lock", "--from", dir] => {
            specs::from_dir(&root, Path::new(dir), true)
        }
        ["codegen"] => codegen::run(&root, false),
        ["codegen", "--check"] => codegen::run(&root, true),
        ["test"] => test::run(&root),
        ["help"] | ["--help"] | ["-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(bad_input(USAGE)),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.code)
        }
    }
}
