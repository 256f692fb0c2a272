//! The pinned specs: `specs/specs.lock`, fetching with `npm pack`, checksums.

use crate::{fail, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `specs/specs.lock`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lock {
    /// Where the specs come from.
    pub source: Source,
    /// One entry per spec.
    pub spec: Vec<SpecEntry>,
}

/// The npm package that ships the specs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    /// Package name.
    pub npm: String,
    /// Exact version.
    pub version: String,
}

/// One pinned spec.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpecEntry {
    /// File name in `specs/`.
    pub file: String,
    /// Path inside the package tarball.
    pub path: String,
    /// Expected sha256, lowercase hex.
    pub sha256: String,
    /// Generated into `generated/` by default (the others only with `--all`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generate: bool,
}

impl Lock {
    /// The specs `generated/` is made from, or every spec with `all`.
    pub fn selected(&self, all: bool) -> Vec<&SpecEntry> {
        self.spec.iter().filter(|s| all || s.generate).collect()
    }
}

const LOCK_HEADER: &str = "\
# Pinned Twilio OpenAPI specs. `cargo xtask specs` fetches the npm package below,
# extracts the specs marked `generate = true` into specs/ and verifies their sha256
# (`--all` fetches every spec). The spec files themselves are not committed.
# `cargo xtask specs --from DIR --update-lock` takes them from a twilio-oai checkout
# instead and rewrites the checksums.

";

/// The lock file's path.
pub fn lock_path(root: &Path) -> PathBuf {
    root.join("specs").join("specs.lock")
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
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Specs in `specs/` that are missing or whose checksum differs from the lock.
pub fn stale_specs(root: &Path, entries: &[&SpecEntry]) -> Vec<String> {
    entries
        .iter()
        .filter(|s| match fs::read(root.join("specs").join(&s.file)) {
            Ok(bytes) => sha256_hex(&bytes) != s.sha256,
            Err(_) => true,
        })
        .map(|s| s.file.clone())
        .collect()
}

/// Makes sure the selected specs (see [`Lock::selected`]) are in `specs/` with the
/// right checksums, fetching the package if any is missing or wrong.
pub fn ensure(root: &Path, all: bool) -> Result<Lock> {
    let lock = read_lock(root)?;
    let entries = lock.selected(all);
    if !stale_specs(root, &entries).is_empty() {
        fetch(root, &lock, &entries)?;
    }
    Ok(lock)
}

/// Fetches the locked package with `npm pack`, verifies every spec and only then
/// writes them to `specs/`. On any failure `specs/` is left as it was.
pub fn fetch(root: &Path, lock: &Lock, entries: &[&SpecEntry]) -> Result<()> {
    let work = root
        .join("target")
        .join("xtask")
        .join(format!("npm-{}", std::process::id()));
    fs::create_dir_all(&work)
        .map_err(|e| fail(format!("cannot create {}: {e}", work.display())))?;
    let result = fetch_into_memory(lock, entries, &work);
    let _ = fs::remove_dir_all(&work);
    let files = result?;
    verify(entries, &files)?;
    write_specs(root, &files)
}

fn fetch_into_memory(
    lock: &Lock,
    entries: &[&SpecEntry],
    work: &Path,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let package = format!("{}@{}", lock.source.npm, lock.source.version);
    eprintln!("fetching {package} with npm pack");
    let out = Command::new("npm")
        .args(["pack", &package, "--silent", "--pack-destination"])
        .arg(work)
        .output()
        .map_err(|e| fail(format!("cannot run npm (is Node.js installed?): {e}")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "npm pack {package} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let tgz = fs::read_dir(work)
        .map_err(|e| fail(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "tgz"))
        .ok_or_else(|| fail(format!("npm pack {package} produced no tarball")))?;
    let file = fs::File::open(&tgz).map_err(|e| fail(e.to_string()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let wanted: BTreeMap<&str, &str> = entries
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_str()))
        .collect();
    let mut found = BTreeMap::new();
    let archive_entries = archive
        .entries()
        .map_err(|e| fail(format!("{}: {e}", tgz.display())))?;
    for entry in archive_entries {
        let mut entry = entry.map_err(|e| fail(format!("{}: {e}", tgz.display())))?;
        let path = entry
            .path()
            .map_err(|e| fail(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if let Some(file) = wanted.get(path.as_str()) {
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| fail(format!("{path}: {e}")))?;
            found.insert((*file).to_owned(), bytes);
        }
    }
    let missing: Vec<&str> = entries
        .iter()
        .filter(|s| !found.contains_key(&s.file))
        .map(|s| s.path.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(fail(format!(
            "{package} does not contain {}",
            missing.join(", ")
        )));
    }
    Ok(found)
}

/// Checks every file against its locked checksum.
pub fn verify(entries: &[&SpecEntry], files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let mut bad = Vec::new();
    for s in entries {
        match files.get(&s.file) {
            Some(bytes) => {
                let got = sha256_hex(bytes);
                if got != s.sha256 {
                    bad.push(format!(
                        "{}: expected sha256 {}, got {got}",
                        s.file, s.sha256
                    ));
                }
            }
            None => bad.push(format!("{}: missing", s.file)),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(fail(format!(
            "checksum mismatch; specs/ left unchanged:\n  {}",
            bad.join("\n  ")
        )))
    }
}

fn write_specs(root: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let dir = root.join("specs");
    for (name, bytes) in files {
        crate::write_atomic(&dir.join(name), bytes)?;
    }
    eprintln!("specs/: {} spec(s) verified", files.len());
    Ok(())
}

/// `cargo xtask specs --from DIR [--update-lock]`: copies the locked specs from a
/// twilio-oai checkout (`DIR/spec/yaml/…`).
pub fn from_dir(root: &Path, dir: &Path, update_lock: bool, all: bool) -> Result<()> {
    let mut lock = read_lock(root)?;
    let mut files = BTreeMap::new();
    for s in lock.selected(all) {
        let rel = s
            .path
            .strip_prefix("package/twilio-oai/")
            .unwrap_or(&s.path);
        let candidates = [
            dir.join(rel),
            dir.join("spec").join("yaml").join(&s.file),
            dir.join(&s.file),
        ];
        let found = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
            fail(format!(
                "{} not found under {} (looked for {})",
                s.file,
                dir.display(),
                candidates[0].display()
            ))
        })?;
        files.insert(
            s.file.clone(),
            fs::read(found).map_err(|e| fail(format!("{}: {e}", found.display())))?,
        );
    }
    if update_lock {
        for s in &mut lock.spec {
            if let Some(bytes) = files.get(&s.file) {
                s.sha256 = sha256_hex(bytes);
            }
        }
        let text = toml::to_string(&lock).map_err(|e| fail(e.to_string()))?;
        crate::write_atomic(&lock_path(root), format!("{LOCK_HEADER}{text}").as_bytes())?;
        eprintln!(
            "specs/specs.lock rewritten; update [source] if the specs come from a newer package"
        );
    } else {
        verify(&lock.selected(all), &files)?;
    }
    write_specs(root, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_parses_and_names_both_products() {
        let root = crate::workspace_root();
        let lock = read_lock(&root).unwrap();
        let files: Vec<&str> = lock
            .selected(false)
            .iter()
            .map(|s| s.file.as_str())
            .collect();
        assert_eq!(files, ["twilio_flex_v1.yaml", "twilio_proxy_v1.yaml"]);
        assert_eq!(lock.selected(true).len(), 50);
        assert!(lock.spec.iter().all(|s| s.sha256.len() == 64));
    }

    #[test]
    fn a_checksum_mismatch_is_an_error_naming_the_file() {
        let lock = read_lock(&crate::workspace_root()).unwrap();
        let entries = lock.selected(false);
        let files: BTreeMap<String, Vec<u8>> = entries
            .iter()
            .map(|s| (s.file.clone(), b"tampered".to_vec()))
            .collect();
        let err = verify(&entries, &files).unwrap_err().to_string();
        assert!(
            err.contains("twilio_flex_v1.yaml: expected sha256"),
            "{err}"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn from_dir_with_a_wrong_file_leaves_specs_untouched() {
        let root = crate::workspace_root();
        let tmp = root
            .join("target")
            .join("xtask")
            .join(format!("from-dir-test-{}", std::process::id()));
        let yaml = tmp.join("spec").join("yaml");
        fs::create_dir_all(&yaml).unwrap();
        let lock = read_lock(&root).unwrap();
        let entries = lock.selected(false);
        for s in &entries {
            fs::write(yaml.join(&s.file), "not the pinned spec").unwrap();
        }
        let before: Vec<Option<Vec<u8>>> = entries
            .iter()
            .map(|s| fs::read(root.join("specs").join(&s.file)).ok())
            .collect();
        let err = from_dir(&root, &tmp, false, false).unwrap_err().to_string();
        assert!(err.contains("checksum mismatch"), "{err}");
        let after: Vec<Option<Vec<u8>>> = entries
            .iter()
            .map(|s| fs::read(root.join("specs").join(&s.file)).ok())
            .collect();
        assert_eq!(before, after);
        fs::remove_dir_all(&tmp).unwrap();
    }
}
