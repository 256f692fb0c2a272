//! progenitor 0.15: installed with `cargo install` into the bench folder, and run
//! on the same specs as our generator (after dropping the object formats its
//! schema crate cannot handle).

use crate::layout::ApiCrate;
use crate::measure::{cargo_command, tail};
use crate::{fail, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The progenitor release compared against (a `cargo install --version` requirement).
const PROGENITOR_VERSION: &str = "^0.15";

/// An installed `cargo-progenitor`.
pub struct Tools {
    /// The `--root` it is installed under.
    root: PathBuf,
    /// Its version, as installed.
    pub version: String,
}

/// What progenitor generated, per API crate of ours.
pub struct Generated {
    /// The workspace holding progenitor's crates.
    pub dir: PathBuf,
    /// Per crate of ours: progenitor's package, or why there is none.
    pub packages: BTreeMap<String, std::result::Result<String, String>>,
}

impl Generated {
    /// Progenitor's package for our crate `name`, or why there is none.
    pub fn package(&self, name: &str) -> std::result::Result<&str, &str> {
        match self.packages.get(name) {
            Some(Ok(p)) => Ok(p),
            Some(Err(why)) => Err(why),
            None => Err("not generated"),
        }
    }
}

impl Tools {
    /// Installs `cargo-progenitor` into `work/tools` unless it is there.
    pub fn install(work: &Path) -> Result<Tools> {
        let root = work.join("tools");
        let binary = root
            .join("bin")
            .join(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX));
        if !binary.is_file() {
            eprintln!(
                "installing cargo-progenitor {PROGENITOR_VERSION} into {} (once; takes minutes)…",
                root.display()
            );
            let status = cargo_command()
                .args(["install", "cargo-progenitor", "--locked", "--version"])
                .arg(PROGENITOR_VERSION)
                .arg("--root")
                .arg(&root)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .status()
                .map_err(|e| fail(format!("cannot run cargo install: {e}")))?;
            if !status.success() || !binary.is_file() {
                return Err(fail(format!(
                    "cargo install cargo-progenitor --version {PROGENITOR_VERSION} failed \
                     ({status}); its output is above (crates.io must be reachable)"
                )));
            }
        }
        let version = installed_version(&root, "cargo-progenitor")
            .unwrap_or_else(|| PROGENITOR_VERSION.to_owned());
        Ok(Tools { root, version })
    }

    /// Generates progenitor's crate for each of `crates` into `out/<name>` and a
    /// workspace over those that generated.
    pub fn generate(&self, root: &Path, out: &Path, crates: &[&ApiCrate]) -> Result<Generated> {
        let specs = out.join("specs");
        let mut path = vec![self.root.join("bin")];
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let path = std::env::join_paths(path)
            .map_err(|e| fail(format!("cannot put {} on PATH: {e}", self.root.display())))?;
        let mut packages = BTreeMap::new();
        for api in crates {
            let json = specs.join(format!("{}.json", api.name));
            let dropped = preprocess_spec(&root.join(&api.spec), &json)?;
            let package = format!("{}-progenitor", api.name);
            eprintln!("generating {package} with progenitor ({dropped} object formats dropped)…");
            let crate_dir = out.join(&api.name);
            if crate_dir.exists() {
                fs::remove_dir_all(&crate_dir)
                    .map_err(|e| fail(format!("{}: {e}", crate_dir.display())))?;
            }
            let output = cargo_command()
                .current_dir(out)
                .env("PATH", &path)
                .arg("progenitor")
                .arg("-i")
                .arg(&json)
                .arg("-o")
                .arg(&crate_dir)
                .args(["-n", &package, "-v", "0.1.0"])
                .args(["--interface", "builder"])
                .stdin(Stdio::null())
                .output()
                .map_err(|e| fail(format!("cannot run cargo progenitor: {e}")))?;
            let log = specs.join(format!("{}.log", api.name));
            write(&log, &[&output.stdout[..], &output.stderr[..]].concat())?;
            let outcome = if output.status.success() && crate_dir.join("Cargo.toml").is_file() {
                Ok(package)
            } else {
                let last = tail(&output.stderr, &output.stdout);
                let line = failure_line(&last);
                eprintln!("progenitor failed on {} (log: {})", api.name, log.display());
                Err(format!("progenitor failed: {}", line.trim()))
            };
            packages.insert(api.name.clone(), outcome);
        }
        let members: Vec<String> = packages
            .iter()
            .filter(|(_, p)| p.is_ok())
            .map(|(name, _)| format!("{name:?}"))
            .collect();
        let manifest = format!(
            "# Written by bench-build.\n\
             [workspace]\n\
             resolver = \"2\"\n\
             members = [{}]\n\
             \n\
             # As in our root Cargo.toml: dependencies without debuginfo.\n\
             [profile.dev.package.\"*\"]\n\
             debug = false\n",
            members.join(", ")
        );
        write(&out.join("Cargo.toml"), manifest.as_bytes())?;
        Ok(Generated {
            dir: out.to_path_buf(),
            packages,
        })
    }
}

/// The line that says why progenitor failed: the message after a panic's
/// `panicked at` line, else the last non-empty line.
fn failure_line(output: &str) -> &str {
    let mut lines = output.lines().map(str::trim).filter(|l| !l.is_empty());
    let panic = lines
        .clone()
        .skip_while(|l| !l.contains("panicked at"))
        .nth(1);
    panic.or_else(|| lines.next_back()).unwrap_or("")
}

/// Writes `bytes` to `path`, creating its folder.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    }
    fs::write(path, bytes).map_err(|e| fail(format!("{}: {e}", path.display())))
}

/// Object formats that progenitor's schema crate (typify 0.8) cannot handle.
///
/// Twilio's specs give object schemas a `format` of their own: `uri-map` (the
/// `links` of a resource), `phone-number-capabilities` and `ice-server` (2010's
/// network traversal tokens). typify panics on an
/// object schema with a format it does not know ("not yet implemented: invalid
/// (or unexpected) schema"). Dropping the `format` leaves an ordinary object
/// schema (a map), which is also how our generator treats these formats.
const UNSUPPORTED_OBJECT_FORMATS: [&str; 3] =
    ["uri-map", "phone-number-capabilities", "ice-server"];

/// Reads the YAML spec at `spec`, drops the [`UNSUPPORTED_OBJECT_FORMATS`] and
/// writes it as JSON to `json`; returns how many formats it dropped.
fn preprocess_spec(spec: &Path, json: &Path) -> Result<usize> {
    let text = fs::read_to_string(spec).map_err(|e| fail(format!("{}: {e}", spec.display())))?;
    let mut doc: Value = yaml_serde::from_str(&text)
        .map_err(|e| fail(format!("{}: not valid YAML: {e}", spec.display())))?;
    let dropped = drop_unsupported_formats(&mut doc);
    let bytes = serde_json::to_vec_pretty(&doc)
        .map_err(|e| fail(format!("{}: cannot encode as JSON: {e}", spec.display())))?;
    write(json, &bytes)?;
    Ok(dropped)
}

/// Removes `format` from every object schema whose format is one of
/// [`UNSUPPORTED_OBJECT_FORMATS`], anywhere in `value`; returns the count.
fn drop_unsupported_formats(value: &mut Value) -> usize {
    // An explicit stack: specs nest deeply, and recursion depth should not
    // depend on the input.
    let mut stack = vec![value];
    let mut dropped = 0;
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                let unsupported = map.get("type").and_then(Value::as_str) == Some("object")
                    && map
                        .get("format")
                        .and_then(Value::as_str)
                        .is_some_and(|f| UNSUPPORTED_OBJECT_FORMATS.contains(&f));
                if unsupported {
                    map.remove("format");
                    dropped += 1;
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    dropped
}

/// The version of `package` that `cargo install --root tools` installed, from
/// its `.crates.toml` (keys such as `"cargo-progenitor 0.15.1 (registry+…)"`).
fn installed_version(tools: &Path, package: &str) -> Option<String> {
    let text = fs::read_to_string(tools.join(".crates.toml")).ok()?;
    let crates: toml::Table = text.parse().ok()?;
    crates.get("v1")?.as_table()?.keys().find_map(|key| {
        let mut words = key.split_whitespace();
        (words.next() == Some(package))
            .then(|| words.next())
            .flatten()
            .map(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_only_unsupported_object_formats() {
        let mut doc = json!({
            "components": {"schemas": {"a": {"properties": {
                "links": {"type": "object", "format": "uri-map"},
                "caps": {"type": "object", "format": "phone-number-capabilities",
                         "nullable": true},
                "ice": {"type": "object", "format": "ice-server"},
                "uri": {"type": "string", "format": "uri"},
                "other": {"type": "object", "format": "something-else"},
                "string_named_so": {"type": "string", "format": "uri-map"},
                "list": {"type": "array", "items": [{"type": "object", "format": "uri-map"}]},
            }}}}
        });
        assert_eq!(drop_unsupported_formats(&mut doc), 4);
        let props = &doc["components"]["schemas"]["a"]["properties"];
        assert_eq!(props["links"], json!({"type": "object"}));
        assert_eq!(props["caps"], json!({"type": "object", "nullable": true}));
        assert_eq!(props["list"]["items"][0], json!({"type": "object"}));
        assert_eq!(props["ice"], json!({"type": "object"}));
        assert_eq!(props["uri"]["format"], "uri");
        assert_eq!(props["other"]["format"], "something-else");
        assert_eq!(props["string_named_so"]["format"], "uri-map");
    }

    #[test]
    fn names_the_panic_message_as_the_failure() {
        let panic = "Generating\nthread 'main' panicked at src/convert.rs:788:36:\n\
                     not yet implemented: invalid schema\n{\nstack backtrace:\nnote: Some details";
        assert_eq!(failure_line(panic), "not yet implemented: invalid schema");
        assert_eq!(
            failure_line("a\nerror: no such file\n\n"),
            "error: no such file"
        );
        assert_eq!(failure_line(""), "");
    }

    #[test]
    fn reads_the_installed_version() {
        let tools = std::env::temp_dir().join(format!("bench-build-tools-{}", std::process::id()));
        fs::create_dir_all(&tools).unwrap();
        fs::write(
            tools.join(".crates.toml"),
            "[v1]\n\"cargo-other 1.0.0 (registry+x)\" = [\"cargo-other\"]\n\
             \"cargo-progenitor 0.15.1 (registry+https://github.com/rust-lang/crates.io-index)\" \
             = [\"cargo-progenitor\"]\n",
        )
        .unwrap();
        let found = installed_version(&tools, "cargo-progenitor");
        let missing = installed_version(&tools, "cargo-nothing");
        fs::remove_dir_all(&tools).unwrap();
        assert_eq!(found.as_deref(), Some("0.15.1"));
        assert_eq!(missing, None);
    }
}
