//! The vendored specs: `specs/*.yaml` (committed), `specs/specs.lock` (the upstream
//! and each file's sha256), checking them, and re-vendoring from a twilio-oai
//! checkout (`cargo xtask specs --from DIR`).

use crate::{fail, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `specs/specs.lock`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lock {
    /// Where the specs come from.
    pub upstream: Upstream,
    /// One entry per vendored spec, sorted by file name.
    pub spec: Vec<SpecEntry>,
}

/// The twilio-oai release the specs were copied from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upstream {
    /// The upstream repository.
    pub repository: String,
    /// twilio-oai's version (its `CHANGES.md`).
    pub version: String,
    /// The upstream commit.
    pub commit: String,
}

/// One vendored spec.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpecEntry {
    /// File name in `specs/`.
    pub file: String,
    /// Its sha256, lowercase hex.
    pub sha256: String,
}

const UPSTREAM_REPOSITORY: &str = "https://github.com/twilio/twilio-oai";

const LOCK_HEADER: &str = "\
# The vendored Twilio OpenAPI specs: every spec/yaml/*.yaml of the twilio-oai
# release below (MIT, see LICENSE and UPSTREAM beside this file), committed in
# specs/. `cargo xtask codegen` and `cargo xtask test` check each file against its
# sha256 here; a mismatch is an error. Every spec is generated into generated/,
# into the crate specs/crates.toml names. Corrections to the upstream specs are
# overlays in specs/overlays/, never edits of these files.
# To move to another release: `cargo xtask specs --from <twilio-oai checkout>`,
# which copies the specs in and rewrites this lock.

";

/// The `specs/` folder.
pub fn specs_dir(root: &Path) -> PathBuf {
    root.join("specs")
}

/// The lock file's path.
pub fn lock_path(root: &Path) -> PathBuf {
    specs_dir(root).join("specs.lock")
}

/// Reads and parses the lock.
pub fn read_lock(root: &Path) -> Result<Lock> {
    let path = lock_path(root);
    let text = fs::read_to_string(&path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| fail(format!("{}: {e}", path.display())))
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hmac_sha256::Hash::hash(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The spec files (`*.yaml`, `*.json`) directly in `dir`, sorted by name.
fn spec_files_in(dir: &Path) -> Result<Vec<String>> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .map_err(|e| fail(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    out.sort();
    Ok(out)
}

/// Checks `specs/` against the lock: every locked spec present with its sha256,
/// and no spec file the lock does not name. Returns the lock.
pub fn verified(root: &Path) -> Result<Lock> {
    let lock = read_lock(root)?;
    let dir = specs_dir(root);
    let mut bad = Vec::new();
    for s in &lock.spec {
        match fs::read(dir.join(&s.file)) {
            Ok(bytes) => {
                let got = sha256_hex(&bytes);
                if got != s.sha256 {
                    bad.push(format!(
                        "specs/{}: sha256 {got}, the lock says {}",
                        s.file, s.sha256
                    ));
                }
            }
            Err(e) => bad.push(format!("specs/{}: {e}", s.file)),
        }
    }
    for file in spec_files_in(&dir)? {
        if !lock.spec.iter().any(|s| s.file == file) {
            bad.push(format!("specs/{file}: not in specs/specs.lock"));
        }
    }
    if bad.is_empty() {
        Ok(lock)
    } else {
        Err(fail(format!(
            "the vendored specs do not match specs/specs.lock:\n  {}\n\
             Corrections belong in specs/overlays/, not in the spec files: restore them \
             (`git checkout specs/`), or re-vendor a twilio-oai release with \
             `cargo xtask specs --from <twilio-oai checkout>`.",
            bad.join("\n  ")
        )))
    }
}

/// `cargo xtask specs` without `--from`: checks the vendored specs and says so.
pub fn check(root: &Path) -> Result<()> {
    let lock = verified(root)?;
    eprintln!(
        "specs/: {} spec(s) of twilio-oai {} ({}) match specs/specs.lock",
        lock.spec.len(),
        lock.upstream.version,
        lock.upstream.commit
    );
    Ok(())
}

/// What `--from` found: the folder of spec files and the repository root (when
/// the folder is `ROOT/spec/yaml`).
struct SourceDirs {
    yaml: PathBuf,
    /// Folders to look for `LICENSE`, `UPSTREAM` and `CHANGES.md` in, nearest first.
    meta: Vec<PathBuf>,
}

/// `dir` is a twilio-oai checkout (`dir/spec/yaml/`) or a folder of spec files.
fn source_dirs(dir: &Path) -> Result<SourceDirs> {
    let nested = dir.join("spec").join("yaml");
    if nested.is_dir() {
        return Ok(SourceDirs {
            yaml: nested,
            meta: vec![dir.to_path_buf()],
        });
    }
    if !dir.is_dir() {
        return Err(fail(format!("{} is not a folder", dir.display())));
    }
    // `ROOT/spec/yaml` given directly: the repository's files are two levels up.
    let mut meta = vec![dir.to_path_buf()];
    if let Some(up) = dir.parent().and_then(Path::parent) {
        meta.push(up.to_path_buf());
    }
    Ok(SourceDirs {
        yaml: dir.to_path_buf(),
        meta,
    })
}

fn find_in(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// twilio-oai's version: the first `Version x.y.z` of its `CHANGES.md`.
fn version_from_changes(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.split("Version ").nth(1))
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The upstream commit: the first word of an `UPSTREAM` file, or `git rev-parse HEAD`.
fn upstream_commit(dirs: &[PathBuf]) -> Option<String> {
    if let Some(p) = find_in(dirs, "UPSTREAM") {
        let text = fs::read_to_string(p).ok()?;
        return text.split_whitespace().next().map(str::to_owned);
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(dirs.first()?)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}

/// Overrides for what `--from` cannot find in the source folder.
#[derive(Debug, Default)]
pub struct FromOptions {
    /// twilio-oai's version, when the source has no `CHANGES.md`.
    pub version: Option<String>,
    /// The upstream commit, when the source has no `UPSTREAM` and is not a git checkout.
    pub commit: Option<String>,
}

/// `cargo xtask specs --from DIR`: copies every spec of a twilio-oai checkout (or
/// of a folder of spec files) into `specs/` with its `LICENSE`, writes `UPSTREAM`,
/// removes specs that are gone and rewrites the lock. Everything is read and
/// checked before anything is written; `specs/crates.toml` then says which crate
/// each spec goes into (`codegen` names a spec that is in no crate).
pub fn from_dir(root: &Path, dir: &Path, opts: &FromOptions) -> Result<()> {
    let src = source_dirs(dir)?;
    let names = spec_files_in(&src.yaml)?;
    if names.is_empty() {
        return Err(fail(format!(
            "no *.yaml or *.json spec in {} (give a twilio-oai checkout or its spec/yaml folder)",
            src.yaml.display()
        )));
    }
    let mut new = BTreeMap::new();
    for name in &names {
        let path = src.yaml.join(name);
        let bytes = fs::read(&path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        new.insert(name.clone(), bytes);
    }
    let license = find_in(&src.meta, "LICENSE").ok_or_else(|| {
        fail(format!(
            "no LICENSE beside {}; the specs' licence must be vendored with them",
            src.yaml.display()
        ))
    })?;
    let license = fs::read(&license).map_err(|e| fail(format!("{}: {e}", license.display())))?;
    let version = opts
        .version
        .clone()
        .or_else(|| {
            find_in(&src.meta, "CHANGES.md")
                .and_then(|p| fs::read_to_string(p).ok())
                .and_then(|t| version_from_changes(&t))
        })
        .ok_or_else(|| {
            fail("cannot tell the twilio-oai version (no CHANGES.md); pass --upstream-version")
        })?;
    let commit = opts
        .commit
        .clone()
        .or_else(|| upstream_commit(&src.meta))
        .ok_or_else(|| {
            fail("cannot tell the upstream commit (no UPSTREAM file, not a git checkout); pass --upstream-commit")
        })?;
    let upstream_file = match find_in(&src.meta, "UPSTREAM") {
        Some(p) if opts.commit.is_none() => {
            fs::read(&p).map_err(|e| fail(format!("{}: {e}", p.display())))?
        }
        _ => format!("{commit}\n").into_bytes(),
    };

    let lock = Lock {
        upstream: Upstream {
            repository: UPSTREAM_REPOSITORY.to_owned(),
            version,
            commit,
        },
        spec: new
            .iter()
            .map(|(file, bytes)| SpecEntry {
                file: file.clone(),
                sha256: sha256_hex(bytes),
            })
            .collect(),
    };
    let lock_text = toml::to_string(&lock).map_err(|e| fail(e.to_string()))?;

    let dir_out = specs_dir(root);
    let mut old = BTreeMap::new();
    for name in spec_files_in(&dir_out).unwrap_or_default() {
        if let Ok(bytes) = fs::read(dir_out.join(&name)) {
            old.insert(name, bytes);
        }
    }
    report_changes(&old, &new);
    for (name, bytes) in &new {
        crate::write_atomic(&dir_out.join(name), bytes)?;
    }
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        let path = dir_out.join(name);
        fs::remove_file(&path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    }
    crate::write_atomic(&dir_out.join("LICENSE"), &license)?;
    crate::write_atomic(&dir_out.join("UPSTREAM"), &upstream_file)?;
    crate::write_atomic(
        &lock_path(root),
        format!("{LOCK_HEADER}{lock_text}").as_bytes(),
    )?;
    eprintln!(
        "specs/: {} spec(s) of twilio-oai {} ({}); specs/specs.lock rewritten. \
         Run `cargo xtask codegen` and review the diff.",
        lock.spec.len(),
        lock.upstream.version,
        lock.upstream.commit
    );
    Ok(())
}

/// Prints which spec files `from_dir` adds, changes and removes.
fn report_changes(old: &BTreeMap<String, Vec<u8>>, new: &BTreeMap<String, Vec<u8>>) {
    for (name, bytes) in new {
        match old.get(name) {
            None => eprintln!("  added:   {name}"),
            Some(before) if before != bytes => eprintln!("  changed: {name}"),
            Some(_) => {}
        }
    }
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        eprintln!("  removed: {name}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = crate::workspace_root()
            .join("target")
            .join("xtask")
            .join(format!("{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn lock_names_the_upstream_and_every_vendored_spec() {
        let root = crate::workspace_root();
        let lock = verified(&root).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lock.spec.len(), 55);
        assert_eq!(lock.upstream.version, "2.6.7");
        let upstream = fs::read_to_string(root.join("specs/UPSTREAM")).unwrap();
        assert!(upstream.starts_with(&lock.upstream.commit), "{upstream}");
        assert_eq!(lock.upstream.commit.len(), 40);
        assert!(fs::read_to_string(root.join("specs/LICENSE"))
            .unwrap()
            .starts_with("MIT License"));
    }

    #[test]
    fn a_changed_or_unlisted_spec_is_an_error_naming_the_file() {
        let root = scratch("verify");
        let specs = root.join("specs");
        fs::create_dir_all(&specs).unwrap();
        fs::write(specs.join("a.yaml"), "a").unwrap();
        let lock = Lock {
            upstream: Upstream {
                repository: UPSTREAM_REPOSITORY.into(),
                version: "1.0.0".into(),
                commit: "c".into(),
            },
            spec: vec![SpecEntry {
                file: "a.yaml".into(),
                sha256: sha256_hex(b"a"),
            }],
        };
        fs::write(lock_path(&root), toml::to_string(&lock).unwrap()).unwrap();
        verified(&root).unwrap_or_else(|e| panic!("{e}"));

        fs::write(specs.join("a.yaml"), "tampered").unwrap();
        fs::write(specs.join("b.yaml"), "b").unwrap();
        let err = verified(&root).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "specs/a.yaml: sha256 {}, the lock says {}",
                sha256_hex(b"tampered"),
                sha256_hex(b"a")
            )),
            "{err}"
        );
        assert!(
            err.contains("specs/b.yaml: not in specs/specs.lock"),
            "{err}"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        fs::remove_dir_all(&root).unwrap();
    }

    /// A twilio-oai checkout (or its `spec/yaml` folder) replaces the specs, drops
    /// specs that are gone and rewrites the lock.
    #[test]
    fn from_a_checkout_or_its_yaml_folder_rewrites_specs_and_lock() {
        for nested in [true, false] {
            let tmp = scratch(&format!("from-{nested}"));
            let root = tmp.join("repo");
            let specs = root.join("specs");
            fs::create_dir_all(&specs).unwrap();
            fs::write(specs.join("keep.yaml"), "old").unwrap();
            fs::write(specs.join("gone.yaml"), "gone").unwrap();
            let old = Lock {
                upstream: Upstream {
                    repository: UPSTREAM_REPOSITORY.into(),
                    version: "1.0.0".into(),
                    commit: "old".into(),
                },
                spec: vec![
                    SpecEntry {
                        file: "gone.yaml".into(),
                        sha256: sha256_hex(b"gone"),
                    },
                    SpecEntry {
                        file: "keep.yaml".into(),
                        sha256: sha256_hex(b"old"),
                    },
                ],
            };
            fs::write(lock_path(&root), toml::to_string(&old).unwrap()).unwrap();

            let oai = tmp.join("twilio-oai");
            let yaml = oai.join("spec").join("yaml");
            fs::create_dir_all(&yaml).unwrap();
            fs::write(yaml.join("keep.yaml"), "new").unwrap();
            fs::write(yaml.join("added.yaml"), "added").unwrap();
            fs::write(oai.join("LICENSE"), "MIT License\n").unwrap();
            fs::write(oai.join("UPSTREAM"), "abc123 Tue Apr 14 2026\n").unwrap();
            fs::write(
                oai.join("CHANGES.md"),
                "twilio-oai changelog\n====\n\n[2026-04-14] Version 2.6.7\n---\n",
            )
            .unwrap();
            let from = if nested { oai.clone() } else { yaml.clone() };
            from_dir(&root, &from, &FromOptions::default()).unwrap_or_else(|e| panic!("{e}"));

            let lock = verified(&root).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(lock.upstream.version, "2.6.7");
            assert_eq!(lock.upstream.commit, "abc123");
            let entries: Vec<&str> = lock.spec.iter().map(|s| s.file.as_str()).collect();
            assert_eq!(entries, ["added.yaml", "keep.yaml"]);
            assert!(!specs.join("gone.yaml").exists());
            assert_eq!(fs::read_to_string(specs.join("keep.yaml")).unwrap(), "new");
            assert_eq!(
                fs::read_to_string(specs.join("UPSTREAM")).unwrap(),
                "abc123 Tue Apr 14 2026\n"
            );
            assert_eq!(
                fs::read_to_string(specs.join("LICENSE")).unwrap(),
                "MIT License\n"
            );
            assert!(fs::read_to_string(lock_path(&root))
                .unwrap()
                .starts_with("# The vendored Twilio OpenAPI specs"));
            fs::remove_dir_all(&tmp).unwrap();
        }
    }

    #[test]
    fn from_a_folder_without_specs_or_licence_writes_nothing() {
        let tmp = scratch("from-bad");
        let root = tmp.join("repo");
        fs::create_dir_all(root.join("specs")).unwrap();
        let empty = tmp.join("empty");
        fs::create_dir_all(&empty).unwrap();
        let err = from_dir(&root, &empty, &FromOptions::default()).unwrap_err();
        assert!(
            err.to_string().contains("no *.yaml or *.json spec"),
            "{err}"
        );
        fs::write(empty.join("x.yaml"), "x").unwrap();
        let err = from_dir(&root, &empty, &FromOptions::default()).unwrap_err();
        assert!(err.to_string().contains("no LICENSE"), "{err}");
        assert!(fs::read_dir(root.join("specs")).unwrap().next().is_none());
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn version_is_read_from_the_changelog() {
        assert_eq!(version_from_changes("no version here\n"), None);
        assert_eq!(
            version_from_changes("x\n[2026-04-14] Version 2.6.7\n[2026-03-01] Version 2.6.6\n")
                .as_deref(),
            Some("2.6.7")
        );
    }
}
