//! The command line of `cargo xtask`: its grammar, the rules between its flags,
//! and its help.
//!
//! The grammar is an `xflags` block, whose macro needs no `syn`: clap and its
//! derive cost a cold `cargo xtask` build about 4.5 s of CPU, xflags half a
//! second. xflags has no rules between flags, so [`parse`] checks them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub(crate) mod flags {
    #![allow(missing_docs)]
    use std::path::PathBuf;

    xflags::xflags! {
        /// Maintainer tasks for the Twilio client generator: `cargo xtask <task>`.
        ///
        /// Examples:
        ///   cargo xtask specs             check the vendored specs against their lock
        ///   cargo xtask codegen           regenerate generated/ and the fixture crate
        ///   cargo xtask test              run every check CI runs
        cmd xtask {
            /// Check the vendored specs against specs/specs.lock, or re-vendor them with --from.
            ///
            /// The specs in specs/ are committed (twilio-oai's spec/yaml/, MIT). Without
            /// flags, checks every file's sha256 against the lock. With --from, copies
            /// every spec of a twilio-oai checkout (or of a folder of spec files) into
            /// specs/ with its LICENSE and UPSTREAM, and rewrites the lock; then run
            /// `cargo xtask codegen` and review the diff.
            ///
            /// Examples:
            ///   cargo xtask specs
            ///   cargo xtask specs --from ../twilio-oai
            ///   cargo xtask specs --from ../twilio-oai/spec/yaml --upstream-version 2.6.7 --upstream-commit d50069b
            cmd specs {
                /// Copy every spec from this twilio-oai checkout (or folder of spec files)
                /// and rewrite the lock.
                optional --from dir: PathBuf
                /// twilio-oai's version, when DIR has no CHANGES.md (needs --from).
                optional --upstream-version version: String
                /// The upstream commit, when DIR has no UPSTREAM file and is not a git
                /// checkout (needs --from).
                optional --upstream-commit sha: String
            }
            /// Generate generated/ and the fixture crate, or a crate for any spec files.
            ///
            /// Without --spec/--out: generates the client crates (generated/, from the
            /// locked specs) and the fixture crate (tests/fixture-client/). With --spec
            /// PATH... --out DIR: generates the crates of the given spec files (relative
            /// paths are taken from the current directory). Nothing is written unless
            /// every crate generates.
            ///
            /// Examples:
            ///   cargo xtask codegen
            ///   cargo xtask codegen --check
            ///   cargo xtask codegen --spec specs/twilio_api_v2010.yaml --out /tmp/api --name twilio-api
            cmd codegen {
                /// Fail if the generated code is stale; write nothing.
                optional --check
                /// A spec file to generate a crate from (repeatable; needs --out).
                repeated --spec path: PathBuf
                /// The directory to generate the crates of the --spec files into.
                optional --out dir: PathBuf
                /// The package name of the facade generated into --out [default:
                /// twilio-rest] (needs --out).
                optional --name krate: String
                /// The templates of the crates' Cargo.toml, README and guide (`*.j2`, and
                /// `twiml/*.j2`) [default: templates].
                optional --templates dir: PathBuf
                /// The runtime's folder as the crates generated into --out name it,
                /// relative to --out [default: inside this repository the relative path
                /// to runtime/, outside it none: the registry's version] (needs --out).
                optional --runtime-path path: String
            }
            /// Print the changes to the generated public API between two spec sets, as Markdown.
            ///
            /// Compares the client plans (handles, operations, parameters, models,
            /// enums) that the old and the new specs generate, classes every change as
            /// breaking or compatible, and names the semver bump they imply, per crate.
            /// By default the old specs are specs/ at git HEAD and the new ones the
            /// working tree's specs/, so uncommitted edits count as new; only the specs
            /// the client crates are generated from, unless --spec names others. A spec
            /// on one side only is an API added or removed.
            ///
            /// Examples:
            ///   cargo xtask api-diff
            ///   cargo xtask api-diff --old-rev main~3 --new-rev main
            ///   cargo xtask api-diff --old /tmp/old-specs --new specs --spec twilio_flex_v1.yaml
            cmd api-diff {
                /// A folder with the old specs [default: specs/ at git HEAD].
                optional --old dir: PathBuf
                /// A git revision whose specs/ holds the old specs (not with --old).
                optional --old-rev rev: String
                /// A folder with the new specs [default: specs/ in the working tree].
                optional --new dir: PathBuf
                /// A git revision whose specs/ holds the new specs (not with --new).
                optional --new-rev rev: String
                /// A spec file name to compare (repeatable) [default: the client's specs].
                repeated --spec file: String
            }
            /// Run every check CI runs, in order, stopping at the first failure.
            ///
            /// Examples:
            ///   cargo xtask test --list
            ///   cargo xtask test --only fmt
            cmd test {
                /// Print the steps, in order, and run nothing.
                optional --list
                /// Run only the step STEP (a name `--list` prints; not with --list).
                optional --only step: String
            }
        }
    }
}

pub(crate) use flags::XtaskCmd as Task;

/// Why the command line was not run.
#[derive(Debug)]
pub(crate) enum Refused {
    /// `--help` (or no task): the help text, for standard output.
    Help(String),
    /// Bad arguments: what is wrong, for standard error (exit code 2).
    Bad(String),
}

/// The task the arguments (after the program name) ask for, with the rules
/// between flags checked.
pub(crate) fn parse(args: Vec<OsString>) -> Result<Task, Refused> {
    let no_task = args.is_empty();
    let cmd = flags::Xtask::from_vec(args).map_err(|e| {
        if e.is_help() || no_task {
            Refused::Help(help())
        } else {
            Refused::Bad(e.to_string())
        }
    })?;
    let task = cmd.subcommand;
    check(&task).map_err(|e| Refused::Bad(e.to_owned()))?;
    Ok(task)
}

/// The whole help: every task and its flags.
pub(crate) fn help() -> String {
    match flags::Xtask::from_vec(vec!["--help".into()]) {
        Err(e) => e.to_string(),
        Ok(_) => String::new(),
    }
}

/// The rules between flags that the grammar cannot say.
fn check(task: &Task) -> Result<(), &'static str> {
    match task {
        Task::Specs(s)
            if s.from.is_none()
                && (s.upstream_version.is_some() || s.upstream_commit.is_some()) =>
        {
            return Err("--upstream-version and --upstream-commit need --from");
        }
        Task::Codegen(c) => {
            if c.out.is_some() == c.spec.is_empty() {
                return Err(
                    "--spec and --out go together: the spec files and the folder for their crates",
                );
            }
            if c.out.is_none() && (c.name.is_some() || c.runtime_path.is_some()) {
                return Err("--name and --runtime-path need --out");
            }
        }
        Task::ApiDiff(a) => {
            if a.old.is_some() && a.old_rev.is_some() {
                return Err("--old and --old-rev both name the old specs: give one");
            }
            if a.new.is_some() && a.new_rev.is_some() {
                return Err("--new and --new-rev both name the new specs: give one");
            }
        }
        Task::Test(t) if t.list && t.only.is_some() => {
            return Err("--list runs nothing: it does not take --only");
        }
        _ => {}
    }
    Ok(())
}

/// A side of `api-diff`: a folder (taken from `cwd`), a git revision, or the default.
fn side(cwd: &Path, dir: &Option<PathBuf>, rev: &Option<String>) -> Option<crate::api_diff::Side> {
    match (dir, rev) {
        (Some(d), _) => Some(crate::api_diff::Side::Folder(cwd.join(d))),
        (None, Some(r)) => Some(crate::api_diff::Side::Rev(r.clone())),
        (None, None) => None,
    }
}

impl flags::ApiDiff {
    /// (old, new), folders taken from `cwd`.
    pub(crate) fn sides(
        &self,
        cwd: &Path,
    ) -> (Option<crate::api_diff::Side>, Option<crate::api_diff::Side>) {
        (
            side(cwd, &self.old, &self.old_rev),
            side(cwd, &self.new, &self.new_rev),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_diff;

    fn parse_(args: &[&str]) -> Result<Task, Refused> {
        parse(args.iter().map(OsString::from).collect())
    }

    /// The message of bad arguments (the test fails if they are accepted).
    fn rejected(args: &[&str]) -> String {
        match parse_(args) {
            Err(Refused::Bad(m)) => m,
            other => panic!("{args:?} should be refused: {other:?}"),
        }
    }

    #[test]
    fn unknown_flags_and_tasks_are_refused() {
        assert!(rejected(&["test", "--update-lock"]).contains("--update-lock"));
        assert!(rejected(&["specs", "--all"]).contains("--all"));
        assert!(rejected(&["frobnicate"]).contains("frobnicate"));
        parse_(&["test"]).unwrap();
    }

    #[test]
    fn upstream_overrides_require_from() {
        assert!(rejected(&["specs", "--upstream-version", "2.6.7"]).contains("need --from"));
        let Task::Specs(a) =
            parse_(&["specs", "--from", "oai", "--upstream-commit", "abc"]).unwrap()
        else {
            panic!("not specs")
        };
        assert_eq!(a.from, Some(PathBuf::from("oai")));
        assert_eq!(a.upstream_commit.as_deref(), Some("abc"));
        assert_eq!(a.upstream_version, None);
    }

    #[test]
    fn codegen_out_and_spec_require_each_other() {
        for args in [
            &["codegen", "--out", "x"][..],
            &["codegen", "--spec", "a"],
            &["codegen", "--name", "n"],
            &["codegen", "--runtime-path", "../runtime"],
        ] {
            rejected(args);
        }
    }

    #[test]
    fn codegen_parses() {
        let Task::Codegen(a) = parse_(&[
            "codegen", "--spec", "a", "--spec", "b", "--out", "d", "--name", "n",
        ])
        .unwrap() else {
            panic!("not codegen")
        };
        assert_eq!(a.spec, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(a.out, Some(PathBuf::from("d")));
        assert_eq!(a.name.as_deref(), Some("n"));
        assert!(!a.check);
        let Task::Codegen(a) = parse_(&["codegen", "--check"]).unwrap() else {
            panic!("not codegen")
        };
        assert!(a.check && a.spec.is_empty() && a.out.is_none());
    }

    #[test]
    fn api_diff_sides() {
        let sides = |args: &[&str]| match parse_(args).unwrap() {
            Task::ApiDiff(a) => (a.sides(Path::new("/cwd")), a.spec),
            _ => panic!("not api-diff"),
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
        assert!(rejected(&["api-diff", "--old", "o", "--old-rev", "HEAD"]).contains("give one"));
        assert!(rejected(&["api-diff", "--new", "n", "--new-rev", "HEAD"]).contains("give one"));
    }

    #[test]
    fn test_list_and_only() {
        assert!(matches!(parse_(&["test", "--list"]), Ok(Task::Test(t)) if t.list));
        assert!(
            matches!(parse_(&["test", "--only", "fmt"]), Ok(Task::Test(t)) if t.only.as_deref() == Some("fmt"))
        );
        rejected(&["test", "--list", "--only", "fmt"]);
    }

    #[test]
    fn help_and_no_task_show_every_task_and_flag() {
        let help = help();
        for word in [
            "specs",
            "codegen",
            "api-diff",
            "test",
            "--check",
            "--spec",
            "--out",
            "--templates",
            "--runtime-path",
            "--old-rev",
            "--list",
            "--only",
            "--upstream-commit",
        ] {
            assert!(help.contains(word), "help lacks {word}:\n{help}");
        }
        assert!(matches!(parse_(&["codegen", "--help"]), Err(Refused::Help(h)) if h == help));
        assert!(matches!(parse_(&[]), Err(Refused::Help(h)) if h == help));
    }
}
