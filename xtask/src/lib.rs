//! Maintainer tasks for the Twilio client generator: `cargo xtask <task>`, and
//! `cargo xtask <task> --help` for a task's flags.
//!
//! ```text
//! specs [--from DIR]                                           check the vendored specs, or re-vendor them
//! codegen [--check] [--spec PATH... --out DIR [--name CRATE]]  generate generated/ (or a crate for any specs), or check it
//! api-diff [--old DIR|--old-rev REV] [--new DIR|--new-rev REV] [--spec FILE...]
//!                                                              the public API changes between two spec sets, as Markdown
//! test                                                         run every check CI runs
//! ```

mod api_diff;
mod codegen;
mod layout;
mod npm;
mod prism;
mod specs;
mod test;
mod twilio_node;
mod twiml;

use clap::{Args, Parser, Subcommand};
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

/// Maintainer tasks for the Twilio client generator.
#[derive(Debug, Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    version,
    arg_required_else_help = true,
    after_help = "\
Examples:
  cargo xtask specs             check the vendored specs against their lock
  cargo xtask codegen           regenerate generated/ and the fixture crate
  cargo xtask test              run every check CI runs
  cargo xtask help codegen      the flags of one task"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// One task.
#[derive(Debug, Subcommand)]
enum Task {
    /// Check the vendored specs against specs/specs.lock, or re-vendor them with --from.
    #[command(long_about = "\
Check the vendored specs against specs/specs.lock, or re-vendor them with --from.

The specs in specs/ are committed (twilio-oai's spec/yaml/, MIT). Without flags,
checks every file's sha256 against the lock. With --from, copies every spec of a
twilio-oai checkout (or of a folder of spec files) into specs/ with its LICENSE and
UPSTREAM, and rewrites the lock; then run `cargo xtask codegen` and review the diff.")]
    #[command(after_help = "\
Examples:
  cargo xtask specs
  cargo xtask specs --from ../twilio-oai
  cargo xtask specs --from ../twilio-oai/spec/yaml --upstream-version 2.6.7 --upstream-commit d50069b")]
    Specs(SpecsArgs),
    /// Generate generated/ and the fixture crate, or a crate for any spec files.
    #[command(long_about = "\
Generate generated/ and the fixture crate, or a crate for any spec files.

Without --spec/--out: generates the client crate (generated/, from the locked
specs) and the fixture crate (tests/fixture-client/). With --spec PATH... --out
DIR: generates one crate from the given spec files (relative paths are taken from
the current directory). Nothing is written unless every crate generates.")]
    #[command(after_help = "\
Examples:
  cargo xtask codegen
  cargo xtask codegen --check
  cargo xtask codegen --spec specs/twilio_api_v2010.yaml --out /tmp/api --name twilio-api")]
    Codegen(CodegenArgs),
    /// Print the changes to the generated public API between two spec sets, as Markdown.
    #[command(long_about = "\
Print the changes to the generated public API between two spec sets, as Markdown.

Compares the client plans (handles, operations, parameters, models, enums) that
the old and the new specs generate, classes every change as breaking or
compatible, and names the semver bump they imply. By default the old specs are
specs/ at git HEAD and the new ones the working tree's specs/, so uncommitted
edits count as new; only the specs the client crate is generated from, unless
--spec names others. A spec on one side only is an API added or removed.")]
    #[command(after_help = "\
Examples:
  cargo xtask api-diff
  cargo xtask api-diff --old-rev main~3 --new-rev main
  cargo xtask api-diff --old /tmp/old-specs --new specs --spec twilio_flex_v1.yaml")]
    ApiDiff(ApiDiffArgs),
    /// Run every check CI runs, in order, stopping at the first failure.
    #[command(after_help = "\
Examples:
  cargo xtask test --list
  cargo xtask test --only fmt")]
    Test(TestArgs),
}

/// Flags of `test`.
#[derive(Debug, Args)]
struct TestArgs {
    /// Print the steps, in order, and run nothing.
    #[arg(long, conflicts_with = "only")]
    list: bool,
    /// Run only the step STEP (a name `--list` prints).
    #[arg(long, value_name = "STEP")]
    only: Option<String>,
}

/// Flags of `specs`.
#[derive(Debug, Args)]
struct SpecsArgs {
    /// Copy every spec from this twilio-oai checkout (or folder of spec files) and
    /// rewrite the lock.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    from: Option<PathBuf>,
    /// twilio-oai's version, when DIR has no CHANGES.md.
    #[arg(long, value_name = "X.Y.Z", requires = "from")]
    upstream_version: Option<String>,
    /// The upstream commit, when DIR has no UPSTREAM file and is not a git checkout.
    #[arg(long, value_name = "SHA", requires = "from")]
    upstream_commit: Option<String>,
}

/// Flags of `api-diff`.
#[derive(Debug, Args)]
struct ApiDiffArgs {
    /// A folder with the old specs [default: specs/ at git HEAD].
    #[arg(long, value_name = "DIR", conflicts_with = "old_rev", value_hint = clap::ValueHint::DirPath)]
    old: Option<PathBuf>,
    /// A git revision whose specs/ holds the old specs.
    #[arg(long, value_name = "REV")]
    old_rev: Option<String>,
    /// A folder with the new specs [default: specs/ in the working tree].
    #[arg(long, value_name = "DIR", conflicts_with = "new_rev", value_hint = clap::ValueHint::DirPath)]
    new: Option<PathBuf>,
    /// A git revision whose specs/ holds the new specs.
    #[arg(long, value_name = "REV")]
    new_rev: Option<String>,
    /// A spec file name to compare (repeatable) [default: the client's specs].
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<String>,
}

impl ApiDiffArgs {
    /// (old, new), folders taken from `cwd`.
    fn sides(&self, cwd: &Path) -> (Option<api_diff::Side>, Option<api_diff::Side>) {
        let side = |dir: &Option<PathBuf>, rev: &Option<String>| match (dir, rev) {
            (Some(d), _) => Some(api_diff::Side::Folder(cwd.join(d))),
            (None, Some(r)) => Some(api_diff::Side::Rev(r.clone())),
            (None, None) => None,
        };
        (
            side(&self.old, &self.old_rev),
            side(&self.new, &self.new_rev),
        )
    }
}

/// Flags of `codegen`.
#[derive(Debug, Args)]
struct CodegenArgs {
    /// Fail if the generated code is stale; write nothing.
    #[arg(long)]
    check: bool,
    /// A spec file to generate a crate from (repeatable; needs --out).
    #[arg(
        long = "spec",
        value_name = "PATH",
        requires = "out",
        value_hint = clap::ValueHint::FilePath
    )]
    specs: Vec<PathBuf>,
    /// The directory to generate the crate for the --spec files into.
    #[arg(
        long,
        value_name = "DIR",
        requires = "specs",
        value_hint = clap::ValueHint::DirPath
    )]
    out: Option<PathBuf>,
    /// The package name of the crate generated into --out [default: twilio-rest].
    #[arg(long, value_name = "CRATE", requires = "out")]
    name: Option<String>,
    /// The templates of the crates' Cargo.toml, README and guide (`*.j2`, and
    /// `twiml/*.j2`) [default: templates].
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    templates: Option<PathBuf>,
    /// The runtime's folder as the crates generated into --out name it, relative
    /// to --out [default: inside this repository the relative path to runtime/,
    /// outside it none: the registry's version].
    #[arg(long, value_name = "PATH", requires = "out")]
    runtime_path: Option<String>,
}

fn run(cli: Cli) -> Result<()> {
    let root = workspace_root();
    match cli.task {
        Task::Specs(SpecsArgs {
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
        Task::Codegen(CodegenArgs {
            check,
            specs,
            out: Some(out),
            name,
            templates,
            runtime_path,
        }) => {
            // clap guarantees `--out` comes with at least one `--spec`.
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
        Task::Codegen(CodegenArgs {
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
                .specs
                .iter()
                .map(|s| {
                    Path::new(s)
                        .file_name()
                        .map_or_else(|| s.clone(), |n| n.to_string_lossy().into_owned())
                })
                .collect();
            api_diff::run(&root, old, new, files)
        }
        Task::Test(TestArgs { list: true, .. }) => {
            test::list();
            Ok(())
        }
        Task::Test(TestArgs { only, .. }) => test::run(&root, only.as_deref()),
    }
}

/// Parses the command line and runs its task: the whole `cargo xtask`.
pub fn main() -> ExitCode {
    // Bad arguments exit 2; `--help` and `--version` exit 0.
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> std::result::Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("xtask").chain(args.iter().copied()))
    }

    fn rejected(args: &[&str]) -> ErrorKind {
        let err = parse(args).expect_err("should be rejected");
        assert_eq!(err.exit_code(), 2, "{args:?}");
        err.kind()
    }

    #[test]
    fn command_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn test_rejects_update_lock() {
        assert_eq!(
            rejected(&["test", "--update-lock"]),
            ErrorKind::UnknownArgument
        );
    }

    #[test]
    fn upstream_overrides_require_from() {
        assert_eq!(
            rejected(&["specs", "--upstream-version", "2.6.7"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(rejected(&["specs", "--all"]), ErrorKind::UnknownArgument);
        let cli = parse(&["specs", "--from", "oai", "--upstream-commit", "abc"]).unwrap();
        let Task::Specs(a) = cli.task else {
            panic!("{cli:?}")
        };
        assert_eq!(a.from, Some(PathBuf::from("oai")));
        assert_eq!(a.upstream_commit.as_deref(), Some("abc"));
        assert_eq!(a.upstream_version, None);
    }

    #[test]
    fn codegen_out_and_spec_require_each_other() {
        assert_eq!(
            rejected(&["codegen", "--out", "x"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            rejected(&["codegen", "--spec", "a"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            rejected(&["codegen", "--name", "n"]),
            ErrorKind::MissingRequiredArgument
        );
    }

    #[test]
    fn codegen_custom_parses() {
        let cli = parse(&[
            "codegen", "--spec", "a", "--spec", "b", "--out", "d", "--name", "n",
        ])
        .unwrap();
        let Task::Codegen(a) = cli.task else {
            panic!("{cli:?}")
        };
        assert_eq!(a.specs, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(a.out, Some(PathBuf::from("d")));
        assert_eq!(a.name.as_deref(), Some("n"));
        assert!(!a.check);
    }

    #[test]
    fn codegen_check_parses() {
        let cli = parse(&["codegen", "--check"]).unwrap();
        let Task::Codegen(a) = cli.task else {
            panic!("{cli:?}")
        };
        assert!(a.check && a.specs.is_empty() && a.out.is_none());
    }

    #[test]
    fn tasks_without_flags_reject_flags() {
        parse(&["test"]).unwrap();
        assert_eq!(rejected(&["test", "--all"]), ErrorKind::UnknownArgument);
    }

    #[test]
    fn api_diff_sides() {
        let sides = |args: &[&str]| match parse(args).unwrap().task {
            Task::ApiDiff(a) => (a.sides(Path::new("/cwd")), a.specs),
            other => panic!("{other:?}"),
        };
        assert_eq!(sides(&["api-diff"]), ((None, None), vec![]));
        let ((old, new), specs) = sides(&[
            "api-diff",
            "--old",
            "o",
            "--new-rev",
            "main",
            "--spec",
            "a.yaml",
            "--spec",
            "b.yaml",
        ]);
        assert_eq!(old, Some(api_diff::Side::Folder(PathBuf::from("/cwd/o"))));
        assert_eq!(new, Some(api_diff::Side::Rev("main".to_owned())));
        assert_eq!(specs, ["a.yaml", "b.yaml"]);
        assert_eq!(
            rejected(&["api-diff", "--old", "o", "--old-rev", "HEAD"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            rejected(&["api-diff", "--new", "n", "--new-rev", "HEAD"]),
            ErrorKind::ArgumentConflict
        );
    }

    #[test]
    fn no_task_shows_help_and_exits_2() {
        assert_eq!(
            rejected(&[]),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        assert_eq!(rejected(&["frobnicate"]), ErrorKind::InvalidSubcommand);
    }

    #[test]
    fn help_exits_0() {
        let err = parse(&["codegen", "--help"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        assert_eq!(err.exit_code(), 0);
    }
}
