//! `cargo xtask api-diff`: the API change report between two spec sets (folders or
//! git revisions), each with its overlays (`overlays/` beside the specs), as
//! Markdown on stdout, per crate of `specs/crates.toml`. The comparison itself is
//! `twilio_codegen::api_diff`; this module only reads the specs.

use crate::{bad_input, fail, specs, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use twilio_codegen::{Layout, Spec};

/// Where one side's specs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A folder holding the spec files.
    Folder(PathBuf),
    /// `specs/` at a git revision of the repository.
    Rev(String),
}

impl Side {
    /// Reads `file` from this side: (label for diagnostics, bytes), or `None` when
    /// this side has no such spec.
    fn read(&self, root: &Path, file: &str) -> Result<Option<(String, Vec<u8>)>> {
        match self {
            Side::Folder(dir) => {
                let path = dir.join(file);
                match fs::read(&path) {
                    Ok(bytes) => Ok(Some((path.display().to_string(), bytes))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(fail(format!("{}: {e}", path.display()))),
                }
            }
            Side::Rev(rev) => {
                let object = format!("{rev}:specs/{file}");
                let exists = git(root, &["cat-file", "-e", &object])?;
                if !exists.status.success() {
                    return Ok(None);
                }
                let shown = git(root, &["show", &object])?;
                if !shown.status.success() {
                    return Err(fail(format!(
                        "git show {object}: {}",
                        String::from_utf8_lossy(&shown.stderr).trim()
                    )));
                }
                Ok(Some((object, shown.stdout)))
            }
        }
    }

    /// The overlays of this side (`overlays/*.yaml|json` beside the specs): (label,
    /// bytes), sorted by name. A side without the folder has none.
    fn overlays(&self, root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
        let is_overlay = |n: &str| n.ends_with(".yaml") || n.ends_with(".json");
        let mut names: Vec<String> = match self {
            Side::Folder(dir) => match fs::read_dir(dir.join("overlays")) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| is_overlay(n))
                    .collect(),
                Err(_) => Vec::new(),
            },
            Side::Rev(rev) => {
                let listed = git(
                    root,
                    &["ls-tree", "--name-only", &format!("{rev}:specs/overlays")],
                )?;
                if !listed.status.success() {
                    return Ok(Vec::new());
                }
                String::from_utf8_lossy(&listed.stdout)
                    .lines()
                    .filter(|n| is_overlay(n))
                    .map(str::to_owned)
                    .collect()
            }
        };
        names.sort();
        let mut out = Vec::new();
        for n in names {
            if let Some(read) = self.read(root, &format!("overlays/{n}"))? {
                out.push(read);
            }
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        match self {
            Side::Folder(dir) => dir.display().to_string(),
            Side::Rev(rev) => format!("{rev}:specs/"),
        }
    }
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))
}

/// The specs the client crate is generated from (file names in `specs/`).
pub fn client_specs(root: &Path) -> Result<Vec<String>> {
    let lock = specs::read_lock(root)?;
    Ok(lock.spec.iter().map(|s| s.file.clone()).collect())
}

/// Reads `files` from `side`; the ones it does not have are left out.
fn read_side(root: &Path, side: &Side, files: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
    if let Side::Rev(rev) = side {
        let commit = format!("{rev}^{{commit}}");
        let ok = git(root, &["rev-parse", "--verify", "--quiet", &commit])?;
        if !ok.status.success() {
            return Err(bad_input(format!("{rev}: not a git revision")));
        }
    }
    let mut out = Vec::new();
    for f in files {
        if let Some(read) = side.read(root, f)? {
            out.push(read);
        }
    }
    Ok(out)
}

/// The Markdown report from `old` to `new` for the spec files `files` (file names).
/// A spec on one side only is an API added or removed; a side with none of them is
/// an error (a wrong folder, or specs not committed at that revision).
pub fn report(root: &Path, old: &Side, new: &Side, files: &[String]) -> Result<String> {
    if files.is_empty() {
        return Err(bad_input("no specs to compare"));
    }
    let (old_specs, new_specs) = (read_side(root, old, files)?, read_side(root, new, files)?);
    for (side, read) in [(old, &old_specs), (new, &new_specs)] {
        if read.is_empty() {
            let asked = match files {
                [one] => one.clone(),
                _ => format!("the {} specs asked for", files.len()),
            };
            return Err(bad_input(format!(
                "{} has none of {asked}; name another side with --old/--old-rev or --new/--new-rev",
                side.describe(),
            )));
        }
    }
    let (old_overlays, new_overlays) = (old.overlays(root)?, new.overlays(root)?);
    compare(
        (&old_specs, &old_overlays),
        (&new_specs, &new_overlays),
        &layout(root),
    )
}

/// The crates' names and versions: `specs/crates.toml` of the working tree, else
/// (a checkout without it, such as a test's scratch repository) the default rule.
fn layout(root: &Path) -> Layout {
    specs::read_lock(root)
        .and_then(|lock| crate::layout::read(root, &lock))
        .unwrap_or_else(|_| Layout::new("twilio-rest"))
}

fn specs(set: &[(String, Vec<u8>)]) -> Vec<Spec<'_>> {
    set.iter()
        .map(|(file, bytes)| Spec { file, bytes })
        .collect()
}

/// One side's specs and overlays, each (label, bytes).
type Read<'a> = (&'a [(String, Vec<u8>)], &'a [(String, Vec<u8>)]);

/// The report between two sides.
fn compare(old: Read<'_>, new: Read<'_>, layout: &Layout) -> Result<String> {
    use twilio_codegen::api_diff::{compare_inputs, Input};
    let (os, oo, ns, no) = (specs(old.0), specs(old.1), specs(new.0), specs(new.1));
    let input = |specs, overlays| Input { specs, overlays };
    compare_inputs(input(&os, &oo), input(&ns, &no), layout)
        .map(|d| d.markdown())
        .map_err(|e| match e {
            twilio_codegen::Error::Spec(d) => bad_input(format!("{d}{} error(s)", d.0.len())),
            e @ twilio_codegen::Error::Emit(_) => fail(e.to_string()),
        })
}

/// `cargo xtask api-diff`: prints the report. Defaults: old = `specs/` at HEAD,
/// new = the working tree's `specs/`, the client's specs.
pub fn run(root: &Path, old: Option<Side>, new: Option<Side>, files: Vec<String>) -> Result<()> {
    let old = old.unwrap_or_else(|| Side::Rev("HEAD".to_owned()));
    let new = new.unwrap_or_else(|| Side::Folder(root.join("specs")));
    let files = if files.is_empty() {
        client_specs(root)?
    } else {
        files
    };
    print!("{}", report(root, &old, &new, &files)?);
    Ok(())
}

/// The client's spec files and the contents `specs/` had before an update.
pub struct Before {
    files: Vec<String>,
    specs: Vec<(String, Vec<u8>)>,
    overlays: Vec<(String, Vec<u8>)>,
}

/// The client's specs as they are in `specs/` now, to compare after `specs --from`
/// has replaced them ([`print_update`]).
pub fn before_update(root: &Path) -> Result<Before> {
    let files = client_specs(root)?;
    let side = Side::Folder(root.join("specs"));
    let specs = read_side(root, &side, &files)?;
    let overlays = side.overlays(root)?;
    Ok(Before {
        files,
        specs,
        overlays,
    })
}

/// Prints the report from the specs saved by [`before_update`] to those in `specs/`.
/// The update has happened by then, so a report that cannot be made is a warning.
pub fn print_update(root: &Path, before: Before) {
    let Before {
        files,
        specs: old,
        overlays: old_overlays,
    } = before;
    if old.is_empty() {
        eprintln!("api-diff: specs/ had no specs before the update; no change report");
        return;
    }
    let side = Side::Folder(root.join("specs"));
    let new = read_side(root, &side, &files)
        .and_then(|new| Ok((new, side.overlays(root)?)))
        .and_then(|(new, overlays)| {
            compare((&old, &old_overlays), (&new, &overlays), &layout(root))
        });
    match new {
        Ok(md) => print!("{md}"),
        Err(e) => eprintln!("api-diff: no change report: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        crate::workspace_root().join("generator/tests/fixtures/api_diff")
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("api-diff-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("specs")).unwrap();
        dir
    }

    const WIDGETS: &str = "twilio_widgets_v1.yaml";

    #[test]
    fn folders_give_the_generators_report() {
        let files = vec![WIDGETS.to_owned(), "twilio_gone_v1.yaml".to_owned()];
        let md = report(
            &crate::workspace_root(),
            &Side::Folder(fixtures().join("old")),
            &Side::Folder(fixtures().join("new")),
            &files,
        )
        .unwrap();
        assert!(md.contains("semver major → "), "{md}");
        assert!(md.contains("| API removed | `Client::gone_v1` |"), "{md}");
        assert!(md.contains("`widgets_v1().widgets().create(size)`"), "{md}");
        // A spec neither side has is left out; a side with none of them is an error.
        let err = report(
            &crate::workspace_root(),
            &Side::Folder(fixtures().join("new")),
            &Side::Folder(fixtures().join("old")),
            &["twilio_gone_v1.yaml".to_owned()],
        )
        .unwrap_err();
        assert_eq!(err.code, 2, "{err}");
    }

    #[test]
    fn overlays_are_read_on_both_sides() {
        // The commit that added the first overlay (Proxy's FailOnParticipantConflict)
        // changed no spec, only specs/overlays/.
        let root = crate::workspace_root();
        let log = git(
            &root,
            &[
                "log",
                "--format=%H",
                "--diff-filter=A",
                "--",
                "specs/overlays",
            ],
        )
        .unwrap();
        let log = String::from_utf8_lossy(&log.stdout);
        let Some(added) = log.lines().last() else {
            panic!("no commit added specs/overlays");
        };
        let files = ["twilio_proxy_v1.yaml".to_owned()];
        let (old, new) = (Side::Rev(format!("{added}^")), Side::Rev(added.to_owned()));
        let md = report(&root, &old, &new, &files).unwrap();
        assert!(
            md.contains("**0 breaking, 1 compatible → `twilio-rest` 0.1.0: semver minor → 0.1.1**"),
            "{md}"
        );
        assert!(
            md.contains("| optional parameter added | `proxy_v1().service(_).session(_).participants().create(..).fail_on_participant_conflict(_)` | `bool` |"),
            "{md}"
        );
        assert!(
            md.contains("| `twilio-rest-proxy-v1` | `proxy_v1` | 0 | 1 |"),
            "{md}"
        );
        // Both sides read from the same revision: no change.
        let same = report(&root, &new, &new, &files).unwrap();
        assert!(same.contains("semver patch**"), "{same}");
    }

    #[test]
    fn by_default_head_is_old_and_the_working_tree_new() {
        let repo = scratch("git");
        let run = |args: &[&str]| {
            let out = Command::new("git")
                .arg("-C")
                .arg(&repo)
                .args([
                    "-c",
                    "user.name=xtask",
                    "-c",
                    "user.email=xtask@example.com",
                ])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {out:?}");
        };
        let spec = repo.join("specs").join(WIDGETS);
        run(&["init", "--quiet"]);
        fs::copy(fixtures().join("old").join(WIDGETS), &spec).unwrap();
        run(&["add", "specs"]);
        run(&["commit", "--quiet", "-m", "old"]);
        let files = [WIDGETS.to_owned()];
        let head = Side::Rev("HEAD".to_owned());
        let tree = Side::Folder(repo.join("specs"));
        // Unchanged: nothing to report.
        let same = report(&repo, &head, &tree, &files).unwrap();
        assert!(
            same.contains("**0 breaking, 0 compatible → `twilio-rest`"),
            "{same}"
        );
        // An uncommitted edit counts as new.
        fs::copy(fixtures().join("new").join(WIDGETS), &spec).unwrap();
        let changed = report(&repo, &head, &tree, &files).unwrap();
        assert!(
            changed.contains("**32 breaking, 19 compatible → `twilio-rest`"),
            "{changed}"
        );
        // Two revisions.
        run(&["commit", "--quiet", "-am", "new"]);
        let revs = report(&repo, &Side::Rev("HEAD~1".to_owned()), &head, &files).unwrap();
        assert_eq!(revs, changed);
        let err = report(&repo, &Side::Rev("no-such-rev".to_owned()), &head, &files).unwrap_err();
        assert_eq!(err.code, 2, "{err}");
        fs::remove_dir_all(&repo).unwrap();
    }
}
