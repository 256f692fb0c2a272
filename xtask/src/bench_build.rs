//! `cargo xtask bench-build`: how long a consumer waits for the generated crate,
//! next to what progenitor 0.15 generates from the same specs.
//!
//! Per feature set (Flex v1, Proxy v1, both) it times the crate-only cold debug
//! build of `twilio-rest` and of progenitor's crates, and prints the medians and
//! their ratio as a markdown table. Dependencies are built first and never timed:
//! our runtime (`twilio-rest-runtime`) and progenitor's (`progenitor-client`) are
//! dependencies like reqwest and serde, so neither is in the crate-only time.
//!
//! Everything lives under `target/bench-build/`:
//!
//! | path | what |
//! |---|---|
//! | `tools/` | `cargo install --root` of `cargo-progenitor` (installed when missing) |
//! | `progenitor/` | a workspace of the two progenitor crates, regenerated each run |
//! | `progenitor/specs/` | the preprocessed specs (JSON) and the generator logs |
//! | `ours/`, `progenitor-target/` | the two target directories |
//!
//! Each side has its own target directory so that cleaning one crate never
//! touches the other side's artifacts. The six configurations are interleaved in
//! every round (ours and progenitor's alternate per feature set), so a slow spell
//! of the shared machine hits both sides alike; the figure per configuration is
//! the median wall time over the rounds.
//!
//! The xtask relies only on the package name and the feature names of the
//! generated crate, never on its code layout (the incremental rebuild touches the
//! library root that `cargo metadata` reports).

use crate::{fail, write_atomic, Result};
use serde_json::Value;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

/// The progenitor release compared against (a `cargo install --version` requirement).
const PROGENITOR_VERSION: &str = "^0.15";

/// Our generated crate.
const OUR_PACKAGE: &str = "twilio-rest";

/// One Twilio product, as each side names it.
struct Product {
    /// Short name: the progenitor crate's folder and spec file stem.
    key: &'static str,
    /// Spec file, relative to the workspace root.
    spec: &'static str,
    /// The feature of `twilio-rest` that compiles it.
    feature: &'static str,
    /// The package progenitor generates for it.
    progenitor_package: &'static str,
}

const FLEX: Product = Product {
    key: "flex",
    spec: "specs/twilio_flex_v1.yaml",
    feature: "flex-v1",
    progenitor_package: "twilio-flex-progenitor",
};

const PROXY: Product = Product {
    key: "proxy",
    spec: "specs/twilio_proxy_v1.yaml",
    feature: "proxy-v1",
    progenitor_package: "twilio-proxy-progenitor",
};

const PRODUCTS: [&Product; 2] = [&FLEX, &PROXY];

/// The feature sets measured, in table order.
const FEATURE_SETS: [&[&Product]; 3] = [&[&FLEX], &[&PROXY], &[&FLEX, &PROXY]];

/// Runs the measurements over `rounds` rounds and prints a markdown table.
pub fn run(root: &Path, rounds: usize) -> Result<()> {
    if rounds == 0 {
        return Err(fail("--rounds must be at least 1"));
    }
    let bench = root.join("target").join("bench-build");
    let ours = Side {
        name: "ours",
        dir: root.to_path_buf(),
        target: bench.join("ours"),
    };
    let progenitor = Side {
        name: "progenitor",
        dir: bench.join("progenitor"),
        target: bench.join("progenitor-target"),
    };

    let lib_rs = our_library_root(root)?;
    let tools = bench.join("tools");
    install_progenitor(&tools)?;
    let progenitor_version = installed_version(&tools, "cargo-progenitor")
        .unwrap_or_else(|| PROGENITOR_VERSION.to_owned());
    generate_progenitor_crates(root, &tools, &progenitor.dir)?;

    let configs = configurations(&ours, &progenitor);
    eprintln!("building dependencies (not timed)…");
    for config in &configs {
        config.side.cargo(&config.build)?;
    }

    let mut cold: Vec<Vec<f64>> = vec![Vec::new(); configs.len()];
    let mut incremental: Vec<Vec<f64>> = vec![Vec::new(); configs.len()];
    for round in 1..=rounds {
        for (i, config) in configs.iter().enumerate() {
            eprintln!(
                "round {round}/{rounds}: {} {}…",
                config.side.name, config.features
            );
            config.side.cargo(&config.clean)?;
            cold[i].push(config.side.timed(&config.build)?);
            if config.side.name == ours.name {
                touch(&lib_rs)?;
                incremental[i].push(config.side.timed(&config.build)?);
            }
        }
    }

    print_header(root, rounds, &progenitor_version)?;
    println!(
        "| features | ours (s) | progenitor (s) | ours ÷ progenitor | ours, incremental (s) |"
    );
    println!("|---|---|---|---|---|");
    for set in FEATURE_SETS {
        let features = set_label(set);
        let pick = |side: &str| {
            configs
                .iter()
                .position(|c| c.side.name == side && c.features == features)
                .map(|i| (median(&cold[i]), median(&incremental[i])))
        };
        let (Some((ours_s, ours_incr)), Some((prog_s, _))) =
            (pick(ours.name), pick(progenitor.name))
        else {
            return Err(fail(format!("no measurement for {features}")));
        };
        let ratio = if prog_s > 0.0 {
            format!("{:.2}", ours_s / prog_s)
        } else {
            "n/a".to_owned()
        };
        println!("| {features} | {ours_s:.1} | {prog_s:.1} | {ratio} | {ours_incr:.1} |");
    }
    println!();
    println!("Runs (s, in round order):");
    println!();
    for (i, config) in configs.iter().enumerate() {
        let runs: Vec<String> = cold[i].iter().map(|t| format!("{t:.2}")).collect();
        println!(
            "- {} {}: {}",
            config.side.name,
            config.features,
            runs.join(", ")
        );
    }
    Ok(())
}

/// One side of the comparison: the workspace its cargo commands run in, and its
/// own target directory.
struct Side {
    name: &'static str,
    dir: PathBuf,
    target: PathBuf,
}

impl Side {
    /// Runs `cargo <args> --target-dir <target>` in the side's workspace; on
    /// failure the error carries the end of cargo's output.
    fn cargo(&self, args: &[String]) -> Result<()> {
        let mut command = cargo_command();
        command
            .current_dir(&self.dir)
            .args(args)
            .arg("--target-dir")
            .arg(&self.target);
        run_quiet(command, &format!("cargo {}", args.join(" ")), &self.dir)
    }

    /// [`Side::cargo`], returning its wall time in seconds.
    fn timed(&self, args: &[String]) -> Result<f64> {
        let started = Instant::now();
        self.cargo(args)?;
        Ok(started.elapsed().as_secs_f64())
    }
}

/// One timed configuration: a side and a feature set, with the commands that
/// clean and build its crate(s).
struct Configuration<'a> {
    side: &'a Side,
    features: String,
    clean: Vec<String>,
    build: Vec<String>,
}

/// The six configurations in round order: per feature set, ours then progenitor's.
fn configurations<'a>(ours: &'a Side, progenitor: &'a Side) -> Vec<Configuration<'a>> {
    let strings = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut configs = Vec::new();
    for set in FEATURE_SETS {
        let features: Vec<&str> = set.iter().map(|p| p.feature).collect();
        configs.push(Configuration {
            side: ours,
            features: set_label(set),
            clean: strings(&["clean", "-p", OUR_PACKAGE]),
            build: strings(&[
                "build",
                "-p",
                OUR_PACKAGE,
                "--no-default-features",
                "--features",
                &features.join(","),
            ]),
        });
        // One invocation for both crates, so cargo compiles them in parallel, as
        // rustc does with our crate's codegen units.
        let packages: Vec<String> = set
            .iter()
            .flat_map(|p| ["-p".to_owned(), p.progenitor_package.to_owned()])
            .collect();
        configs.push(Configuration {
            side: progenitor,
            features: set_label(set),
            clean: [vec!["clean".to_owned()], packages.clone()].concat(),
            build: [vec!["build".to_owned()], packages].concat(),
        });
    }
    configs
}

/// `flex-v1`, `proxy-v1`, `flex-v1+proxy-v1`.
fn set_label(set: &[&Product]) -> String {
    set.iter().map(|p| p.feature).collect::<Vec<_>>().join("+")
}

/// The median of non-empty `values` (0 when empty).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The cargo this xtask was started by (falls back to `cargo` on `PATH`).
fn cargo_command() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// Runs `command` with its output captured; on failure the error names `what`
/// and `dir` and carries the end of its output.
fn run_quiet(mut command: Command, what: &str, dir: &Path) -> Result<()> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run {what}: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    Err(fail(format!(
        "{what} failed ({}) in {}:\n{}",
        output.status,
        dir.display(),
        tail(&output.stderr, &output.stdout)
    )))
}

/// The last lines of a failed command's stderr (or stdout if stderr is empty).
fn tail(stderr: &[u8], stdout: &[u8]) -> String {
    let text = if stderr.iter().all(u8::is_ascii_whitespace) {
        String::from_utf8_lossy(stdout)
    } else {
        String::from_utf8_lossy(stderr)
    };
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// The library root of `twilio-rest` as `cargo metadata` reports it, checking on
/// the way that the package and the measured features exist.
fn our_library_root(root: &Path) -> Result<PathBuf> {
    let output = cargo_command()
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| fail(format!("cannot run cargo metadata: {e}")))?;
    if !output.status.success() {
        return Err(fail(format!("cargo metadata failed ({})", output.status)));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| fail(format!("cargo metadata printed invalid JSON: {e}")))?;
    let package = metadata["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == OUR_PACKAGE))
        .ok_or_else(|| fail(format!("the workspace has no package {OUR_PACKAGE}")))?;
    for product in PRODUCTS {
        if package["features"].get(product.feature).is_none() {
            return Err(fail(format!(
                "{OUR_PACKAGE} has no feature {} (run `cargo xtask codegen`)",
                product.feature
            )));
        }
    }
    package["targets"]
        .as_array()
        .and_then(|ts| {
            ts.iter().find(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "lib"))
            })
        })
        .and_then(|t| t["src_path"].as_str())
        .map(PathBuf::from)
        .ok_or_else(|| fail(format!("{OUR_PACKAGE} has no library target")))
}

/// Sets a file's modification time to now, so that cargo rebuilds its crate.
fn touch(path: &Path) -> Result<()> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| fail(format!("cannot touch {}: {e}", path.display())))
}

/// Installs `cargo-progenitor` into `tools` unless `tools/bin` has it.
fn install_progenitor(tools: &Path) -> Result<()> {
    let binary = tools
        .join("bin")
        .join(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        return Ok(());
    }
    eprintln!(
        "installing cargo-progenitor {PROGENITOR_VERSION} into {} (once; takes minutes)…",
        tools.display()
    );
    let status = cargo_command()
        .args(["install", "cargo-progenitor", "--locked", "--version"])
        .arg(PROGENITOR_VERSION)
        .arg("--root")
        .arg(tools)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| fail(format!("cannot run cargo install: {e}")))?;
    if !status.success() {
        return Err(fail(format!(
            "cargo install cargo-progenitor --version {PROGENITOR_VERSION} failed ({status}); \
             its output is above (crates.io must be reachable)"
        )));
    }
    if !binary.is_file() {
        return Err(fail(format!(
            "cargo install succeeded but {} is missing",
            binary.display()
        )));
    }
    Ok(())
}

/// Generates one progenitor crate per product into `out` (`out/flex`,
/// `out/proxy`) and the workspace over them, with our dev profile.
fn generate_progenitor_crates(root: &Path, tools: &Path, out: &Path) -> Result<()> {
    let specs = out.join("specs");
    let mut path = vec![tools.join("bin")];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path = std::env::join_paths(path)
        .map_err(|e| fail(format!("cannot put {} on PATH: {e}", tools.display())))?;
    for product in PRODUCTS {
        let spec = root.join(product.spec);
        let json = specs.join(format!("{}.json", product.key));
        let dropped = preprocess_spec(&spec, &json)?;
        eprintln!(
            "generating {} with progenitor ({dropped} object formats dropped)…",
            product.progenitor_package
        );
        let crate_dir = out.join(product.key);
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
            .args(["-n", product.progenitor_package, "-v", "0.1.0"])
            .args(["--interface", "builder"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| fail(format!("cannot run cargo progenitor: {e}")))?;
        let log = specs.join(format!("{}.log", product.key));
        write_atomic(&log, &[&output.stdout[..], &output.stderr[..]].concat())?;
        if !output.status.success() || !crate_dir.join("Cargo.toml").is_file() {
            return Err(fail(format!(
                "cargo progenitor failed on {} ({}; log: {}):\n{}",
                json.display(),
                output.status,
                log.display(),
                tail(&output.stderr, &output.stdout)
            )));
        }
    }
    let members: Vec<String> = PRODUCTS.iter().map(|p| format!("{:?}", p.key)).collect();
    let manifest = format!(
        "# Written by `cargo xtask bench-build`.\n\
         [workspace]\n\
         resolver = \"2\"\n\
         members = [{}]\n\
         \n\
         # As in our root Cargo.toml: dependencies without debuginfo.\n\
         [profile.dev.package.\"*\"]\n\
         debug = false\n",
        members.join(", ")
    );
    write_atomic(&out.join("Cargo.toml"), manifest.as_bytes())
}

/// Object formats that progenitor's schema crate (typify 0.8) cannot handle.
///
/// Twilio's specs give object schemas a `format` of their own: `uri-map` (the
/// `links` of a resource) and `phone-number-capabilities`. typify, which
/// progenitor 0.15 generates its types with, panics on an object schema with a
/// format it does not know ("not yet implemented: invalid (or unexpected)
/// schema"), so progenitor cannot generate either spec as published. Dropping
/// the `format` leaves an ordinary object schema (a map), which is also how our
/// generator treats these formats; no other preprocessing is needed.
const UNSUPPORTED_OBJECT_FORMATS: [&str; 2] = ["uri-map", "phone-number-capabilities"];

/// Reads the YAML spec at `spec`, drops the [`UNSUPPORTED_OBJECT_FORMATS`] and
/// writes it as JSON to `json`; returns how many formats it dropped.
fn preprocess_spec(spec: &Path, json: &Path) -> Result<usize> {
    let text = fs::read_to_string(spec).map_err(|e| {
        fail(format!(
            "{}: {e} (the specs are vendored in specs/)",
            spec.display()
        ))
    })?;
    let mut doc: Value = yaml_serde::from_str(&text)
        .map_err(|e| fail(format!("{}: not valid YAML: {e}", spec.display())))?;
    let dropped = drop_unsupported_formats(&mut doc);
    let bytes = serde_json::to_vec_pretty(&doc)
        .map_err(|e| fail(format!("{}: cannot encode as JSON: {e}", spec.display())))?;
    write_atomic(json, &bytes)?;
    Ok(dropped)
}

/// Removes `format` from every object schema (`type: object`) whose format is
/// one of [`UNSUPPORTED_OBJECT_FORMATS`], anywhere in `value`; returns the count.
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

/// Prints the date, commit, toolchain, machine and round count.
fn print_header(root: &Path, rounds: usize, progenitor_version: &str) -> Result<()> {
    let commit = command_line(root, "git", &["rev-parse", "--short", "HEAD"])
        .unwrap_or_else(|| "unknown".to_owned());
    let dirty = command_line(
        root,
        "git",
        &["status", "--porcelain", "--untracked-files=no"],
    )
    .is_some_and(|s| !s.is_empty());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let rustc = command_line(root, &rustc, &["-V"]).unwrap_or_else(|| "rustc ?".to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Crate-only cold debug build, {} (UTC), commit `{commit}`{}, {rustc}, {cpus} CPUs, \
         median wall time of {rounds} round{} (configurations interleaved per round).",
        chrono::Utc::now().format("%Y-%m-%d"),
        if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        },
        if rounds == 1 { "" } else { "s" },
    );
    println!(
        "Dependencies were prebuilt and are not timed, among them our runtime \
         (`twilio-rest-runtime`) and progenitor's (`progenitor-client`): the times are \
         `{OUR_PACKAGE}` alone and progenitor {progenitor_version}'s crates alone \
         (builder interface). The machine is shared and noisy: compare the ratios, \
         not the seconds across runs."
    );
    println!();
    Ok(())
}

/// The first line a command prints, trimmed, or `None` if it cannot run or fails.
fn command_line(dir: &Path, program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next().unwrap_or("").trim().to_owned())
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
                "uri": {"type": "string", "format": "uri"},
                "other": {"type": "object", "format": "something-else"},
                "string_named_so": {"type": "string", "format": "uri-map"},
                "list": {"type": "array", "items": [{"type": "object", "format": "uri-map"}]},
            }}}}
        });
        assert_eq!(drop_unsupported_formats(&mut doc), 3);
        let props = &doc["components"]["schemas"]["a"]["properties"];
        assert_eq!(props["links"], json!({"type": "object"}));
        assert_eq!(props["caps"], json!({"type": "object", "nullable": true}));
        assert_eq!(props["list"]["items"][0], json!({"type": "object"}));
        assert_eq!(props["uri"]["format"], "uri");
        assert_eq!(props["other"]["format"], "something-else");
        assert_eq!(props["string_named_so"]["format"], "uri-map");
    }

    #[test]
    fn reads_the_installed_version() {
        let tools = std::env::temp_dir().join(format!("xtask-bench-tools-{}", std::process::id()));
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

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn six_interleaved_configurations() {
        let side = |name| Side {
            name,
            dir: PathBuf::new(),
            target: PathBuf::new(),
        };
        let (ours, progenitor) = (side("ours"), side("progenitor"));
        let configs = configurations(&ours, &progenitor);
        let shown: Vec<String> = configs
            .iter()
            .map(|c| {
                format!(
                    "{} {} | {}",
                    c.side.name,
                    c.clean.join(" "),
                    c.build.join(" ")
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "ours clean -p twilio-rest | build -p twilio-rest --no-default-features --features flex-v1",
                "progenitor clean -p twilio-flex-progenitor | build -p twilio-flex-progenitor",
                "ours clean -p twilio-rest | build -p twilio-rest --no-default-features --features proxy-v1",
                "progenitor clean -p twilio-proxy-progenitor | build -p twilio-proxy-progenitor",
                "ours clean -p twilio-rest | build -p twilio-rest --no-default-features --features flex-v1,proxy-v1",
                "progenitor clean -p twilio-flex-progenitor -p twilio-proxy-progenitor \
                 | build -p twilio-flex-progenitor -p twilio-proxy-progenitor",
            ]
        );
        assert_eq!(configs[4].features, "flex-v1+proxy-v1");
    }
}
