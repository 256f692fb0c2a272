//! Maintainer tasks for the Twilio client generator: `cargo xtask <task>`, and
//! `cargo xtask --help` for every task's flags.
//!
//! ```text
//! specs [--from DIR]                                           check the vendored specs, or re-vendor them
//! codegen [--check] [--spec PATH... --out DIR [--name CRATE]]  generate generated/ (or a crate for any specs), or check it
//! api-diff [--old DIR|--old-rev REV] [--new DIR|--new-rev REV] [--spec FILE...]
//!                                                              the public API changes between two spec sets, as Markdown
//! test                                                         run every check CI runs
//! ```

mod api_diff;
mod cli;
mod codegen;
mod layout;
mod npm;
mod prism;
mod specs;
mod test;
mod twilio_node;
mod twiml;

use cli::Task;
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

fn run(task: cli::Task) -> Result<()> {
    let root = workspace_root();
    match task {
        Task::Specs(cli::flags::Specs {
            from,
            upstream_version,
            upstream_commit,
        }) => match from {
            Some(dir) => {
                let cwd = std::env::current_dir().map_err(|e| fail(e.to_string()))?;
                let opts = specs::FromOptions {
                    version: upstream_version,
                    commit: upstream_commit,
                };
                // Report what the update changes in the client's public API.
                let before = api_diff::before_update(&root)?;
                specs::from_dir(&root, &cwd.join(dir), &opts)?;
                api_diff::print_update(&root, before);
                Ok(())
            }
            None => specs::check(&root),
        },
        Task::Codegen(cli::flags::Codegen {
            check,
            spec: specs,
            out: Some(out),
            name,
            templates,
            runtime_path,
        }) => {
            // `cli::parse` checked that `--out` comes with at least one `--spec`.
            let cwd = std::env::current_dir().map_err(|e| fail(e.to_string()))?;
            let templates =
                templates.map_or_else(|| root.join(codegen::TEMPLATES_DIR), |t| cwd.join(t));
            codegen::run_custom(
                &root,
                specs.iter().map(|p| cwd.join(p)).collect(),
                cwd.join(out),
                name,
                check,
                &templates,
                runtime_path,
            )
        }
        Task::Codegen(cli::flags::Codegen {
            check, templates, ..
        }) => {
            let cwd = std::env::current_dir().map_err(|e| fail(e.to_string()))?;
            let templates =
                templates.map_or_else(|| root.join(codegen::TEMPLATES_DIR), |t| cwd.join(t));
            codegen::run(&root, check, &templates)
        }
        Task::ApiDiff(args) => {
            let cwd = std::env::current_dir().map_err(|e| fail(e.to_string()))?;
            let (old, new) = args.sides(&cwd);
            // `--spec` takes file names; a path names its file.
            let files = args
                .spec
                .iter()
                .map(|s| {
                    Path::new(s)
                        .file_name()
                        .map_or_else(|| s.clone(), |n| n.to_string_lossy().into_owned())
                })
                .collect();
            api_diff::run(&root, old, new, files)
        }
        Task::Test(cli::flags::Test { list: true, .. }) => {
            test::list();
            Ok(())
        }
        Task::Test(cli::flags::Test { only, .. }) => test::run(&root, only.as_deref()),
    }
}

/// Parses the command line and runs its task: the whole `cargo xtask`.
pub fn main() -> ExitCode {
    // Bad arguments exit 2; `--help` exits 0 (no task: the help, exit 2).
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let no_task = args.is_empty();
    match cli::parse(args) {
        Ok(task) => match run(task) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(e.code)
            }
        },
        Err(cli::Refused::Help(help)) if no_task => {
            eprintln!("{help}");
            ExitCode::from(2)
        }
        Err(cli::Refused::Help(help)) => {
            println!("{help}");
            ExitCode::SUCCESS
        }
        Err(cli::Refused::Bad(message)) => {
            eprintln!("error: {message}\n\n`cargo xtask --help` lists the tasks and their flags.");
            ExitCode::from(2)
        }
    }
}
