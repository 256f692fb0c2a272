//! Timing: sides, interleaved rounds, medians and the tables.

use crate::layout::{ApiCrate, Layout};
use crate::progenitor::Generated;
use crate::{fail, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One side of a comparison: the workspace its cargo commands run in, and its
/// own target directory (cleaning one side never touches the other's).
pub struct Side {
    pub name: &'static str,
    pub dir: PathBuf,
    pub target: PathBuf,
}

impl Side {
    /// Runs `cargo <args> --target-dir <target>` in the side's workspace; on
    /// failure the error carries the end of cargo's output.
    pub fn cargo(&self, args: &[String]) -> Result<String> {
        let mut command = cargo_command();
        command
            .current_dir(&self.dir)
            .args(args)
            .arg("--target-dir")
            .arg(&self.target);
        run_quiet(command, &format!("cargo {}", args.join(" ")), &self.dir)
    }
}

/// Our workspace and progenitor's, each with its target directory.
pub struct Sides {
    ours: Side,
    progenitor: Side,
}

impl Sides {
    /// The two sides, with their target directories under `work`.
    pub fn new(root: &Path, work: &Path) -> Sides {
        Sides {
            ours: Side {
                name: "ours",
                dir: root.to_path_buf(),
                target: work.join("ours"),
            },
            progenitor: Side {
                name: "progenitor",
                dir: work.join("progenitor"),
                target: work.join("progenitor-target"),
            },
        }
    }
}

/// One timed configuration: a side, a label, and the commands that make it
/// cold and build it.
pub struct Configuration<'a> {
    pub side: &'a Side,
    pub label: String,
    pub clean: Vec<String>,
    pub build: Vec<String>,
    /// Built once before the rounds (untimed) to build the dependencies. The
    /// configurations of a side share their dependencies (the same runtime
    /// and features), so one per side is enough; the others' first timed
    /// build is as cold as their later ones.
    pub warm_up: bool,
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| (*s).to_owned()).collect()
}

/// `flag name` for each name: `-p a -p b`.
fn each(flag: &str, names: &[String]) -> Vec<String> {
    names
        .iter()
        .flat_map(|n| [flag.to_owned(), n.clone()])
        .collect()
}

/// Builds the configurations marked `warm_up` once (untimed, so that
/// dependencies are built), then in each round cleans and times each one in
/// turn. Returns the wall times in seconds, per configuration. A
/// configuration that does not build (progenitor's output does not always
/// compile) is printed with cargo's first error and left out of later rounds;
/// the others are still timed.
pub fn interleave(configs: &[Configuration<'_>], rounds: usize) -> Result<Vec<Vec<f64>>> {
    eprintln!("building dependencies (not timed)…");
    let mut broken = vec![false; configs.len()];
    for (i, config) in configs.iter().enumerate().filter(|(_, c)| c.warm_up) {
        if let Err(e) = config.side.cargo(&config.build) {
            report_broken(config, &e);
            broken[i] = true;
        }
    }
    let mut times = vec![Vec::new(); configs.len()];
    for round in 1..=rounds {
        for (i, config) in configs.iter().enumerate() {
            if broken[i] {
                continue;
            }
            eprintln!(
                "round {round}/{rounds}: {} {}…",
                config.side.name, config.label
            );
            config.side.cargo(&config.clean)?;
            let started = Instant::now();
            if let Err(e) = config.side.cargo(&config.build) {
                report_broken(config, &e);
                broken[i] = true;
                continue;
            }
            let seconds = started.elapsed().as_secs_f64();
            eprintln!("  {seconds:.1} s");
            times[i].push(seconds);
        }
    }
    Ok(times)
}

/// Prints (to stdout, beside the tables) that `config` does not build, with
/// cargo's first error line.
fn report_broken(config: &Configuration<'_>, e: &crate::Fail) {
    let text = e.to_string();
    let first = text
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or("(no error line)");
    eprintln!("{text}");
    println!(
        "- {} {} does not build: `{}`",
        config.side.name, config.label, first
    );
}

/// Per API crate: ours alone against progenitor's crate for the same spec.
pub fn crates(
    sides: &Sides,
    largest: &[&ApiCrate],
    generated: &Generated,
    rounds: usize,
) -> Result<()> {
    let mut configs = Vec::new();
    // Each side's dependencies are built once, with the smallest crate of
    // that side (the last of `largest` that it has).
    let mut warmed = [false, false];
    for api in largest.iter().rev() {
        let name = std::slice::from_ref(&api.name);
        configs.push(Configuration {
            side: &sides.ours,
            label: api.name.clone(),
            clean: [strings(&["clean"]), each("-p", name)].concat(),
            build: [strings(&["build"]), each("-p", name)].concat(),
            warm_up: !std::mem::replace(&mut warmed[0], true),
        });
        if let Ok(package) = generated.package(&api.name) {
            let package = [package.to_owned()];
            configs.push(Configuration {
                side: &sides.progenitor,
                label: api.name.clone(),
                clean: [strings(&["clean"]), each("-p", &package)].concat(),
                build: [strings(&["build"]), each("-p", &package)].concat(),
                warm_up: !std::mem::replace(&mut warmed[1], true),
            });
        }
    }
    configs.reverse();
    let load_before = load_average();
    let times = interleave(&configs, rounds)?;
    println!(
        "### Each API crate alone, cold, crate only, debug (load average {load_before} before, {} after)",
        load_average()
    );
    println!();
    println!("| crate | ours (s) | progenitor (s) | ours ÷ progenitor |");
    println!("|---|---|---|---|");
    for api in largest {
        let ours = pick(&configs, &times, sides.ours.name, &api.name);
        let theirs = pick(&configs, &times, sides.progenitor.name, &api.name);
        let theirs_text = match (theirs, generated.package(&api.name)) {
            (Some(t), _) => format!("{t:.1}"),
            (None, Err(why)) => format!("n/a ({why})"),
            (None, Ok(_)) => "n/a".to_owned(),
        };
        println!(
            "| `{}` | {} | {theirs_text} | {} |",
            api.name,
            ours.map_or("n/a".to_owned(), |t| format!("{t:.1}")),
            ratio(ours, theirs)
        );
    }
    print_runs(&configs, &times);
    Ok(())
}

/// The facade: with the default APIs only against progenitor's crates for the
/// same APIs, with its default features (which add the TwiML builders), and (with
/// `full`) with all features.
pub fn facade(
    sides: &Sides,
    layout: &Layout,
    generated: &Generated,
    rounds: usize,
    full: bool,
) -> Result<()> {
    let defaults = layout.default_crates();
    let theirs: Vec<String> = defaults
        .iter()
        .filter_map(|c| generated.package(&c.name).ok().map(str::to_owned))
        .collect();
    let apis_only = default_api_features(&sides.ours.dir, &layout.facade, &defaults)?;
    let mut builds = vec![
        FacadeBuild::new(
            &sides.ours,
            &layout.facade,
            "only the default APIs",
            apis_only,
        )?,
        FacadeBuild::new(&sides.ours, &layout.facade, "default features", vec![])?,
    ];
    if full {
        let features = strings(&["--features", "full"]);
        builds.push(FacadeBuild::new(
            &sides.ours,
            &layout.facade,
            "--features full",
            features,
        )?);
    }
    let mut configs: Vec<Configuration<'_>> = builds
        .iter()
        .enumerate()
        .map(|(i, b)| Configuration {
            side: &sides.ours,
            label: b.label.clone(),
            clean: [strings(&["clean"]), each("-p", &b.cold)].concat(),
            build: [strings(&["build", "-p", &layout.facade]), b.args.clone()].concat(),
            // `full` has the default build's dependencies, warmed up before it.
            warm_up: i < 2,
        })
        .collect();
    if theirs.len() == defaults.len() {
        configs.push(Configuration {
            side: &sides.progenitor,
            label: builds[0].label.clone(),
            clean: [strings(&["clean"]), each("-p", &theirs)].concat(),
            build: [strings(&["build"]), each("-p", &theirs)].concat(),
            warm_up: true,
        });
    }
    let load_before = load_average();
    let times = interleave(&configs, rounds)?;
    println!(
        "### The facade, its generated crates cold, debug (load average {load_before} before, {} after)",
        load_average()
    );
    println!();
    println!(
        "Progenitor's side builds its crates for the default APIs ({}) in one cargo invocation.",
        theirs.join(", ")
    );
    println!();
    println!("| build | ours (s) | progenitor (s) | ours ÷ progenitor |");
    println!("|---|---|---|---|");
    for b in &builds {
        let ours = pick(&configs, &times, sides.ours.name, &b.label);
        let theirs = pick(&configs, &times, sides.progenitor.name, &b.label);
        println!(
            "| {} | {} | {} | {} |",
            b.label,
            ours.map_or("n/a".to_owned(), |t| format!("{t:.1}")),
            theirs.map_or("n/a".to_owned(), |t| format!("{t:.1}")),
            ratio(ours, theirs)
        );
    }
    print_runs(&configs, &times);
    Ok(())
}

/// One build of the facade: its feature arguments, label, and the generated
/// crates it compiles (cleaned before each timed build).
struct FacadeBuild {
    label: String,
    args: Vec<String>,
    cold: Vec<String>,
}

impl FacadeBuild {
    fn new(ours: &Side, facade: &str, what: &str, args: Vec<String>) -> Result<FacadeBuild> {
        let cold = generated_packages(ours, facade, &args)?;
        let shown = if args.is_empty() {
            String::new()
        } else {
            format!(" (`{}`)", args.join(" "))
        };
        Ok(FacadeBuild {
            label: format!("`{facade}` {what}{shown}, {} generated crates", cold.len()),
            args,
            cold,
        })
    }
}

/// The arguments that build the facade with the default APIs only: its default
/// features less those enabling a generated crate that is not a default API
/// crate (the TwiML builders), as its manifest's `[features]` says.
fn default_api_features(root: &Path, facade: &str, defaults: &[&ApiCrate]) -> Result<Vec<String>> {
    let manifest = crate::consumer::facade_dir(root, facade)?.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| fail(format!("{}: {e}", manifest.display())))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| fail(format!("{}: {e}", manifest.display())))?;
    let features = table
        .get("features")
        .and_then(|f| f.as_table())
        .ok_or_else(|| fail(format!("{}: no [features]", manifest.display())))?;
    let enables = |feature: &str| -> Vec<String> {
        features
            .get(feature)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let default_api = |dep: &str| defaults.iter().any(|c| dep == format!("dep:{}", c.name));
    let generated_dep = |dep: &str| dep.starts_with(&format!("dep:{facade}-"));
    let kept: Vec<String> = enables("default")
        .into_iter()
        .filter(|f| {
            enables(f)
                .iter()
                .all(|dep| !generated_dep(dep) || default_api(dep))
        })
        .collect();
    Ok(vec![
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        kept.join(","),
    ])
}

/// The packages of our workspace under `generated/` that a build of `facade`
/// (with the feature arguments `features`) compiles, as `cargo tree` lists them.
fn generated_packages(ours: &Side, facade: &str, features: &[String]) -> Result<Vec<String>> {
    let mut args = strings(&["tree", "-p", facade, "-e", "normal", "--prefix", "none"]);
    args.extend(strings(&["-f", "{p}"]));
    args.extend(features.iter().cloned());
    let mut command = cargo_command();
    command.current_dir(&ours.dir).args(&args);
    let printed = run_quiet(command, &format!("cargo {}", args.join(" ")), &ours.dir)?;
    let generated = ours.dir.join("generated");
    let mut names = packages_under(&printed, &generated);
    names.sort();
    names.dedup();
    Ok(names)
}

/// From `cargo tree -f {p}` lines (`name v1.0.0 (/path)`), the names of the
/// packages whose path is under `dir`.
fn packages_under(printed: &str, dir: &Path) -> Vec<String> {
    printed
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(' ')?;
            let path = rest.split_once('(')?.1.split(')').next()?;
            Path::new(path).starts_with(dir).then(|| name.to_owned())
        })
        .collect()
}

/// The median time of the configuration on `side` labelled `label`.
fn pick(configs: &[Configuration<'_>], times: &[Vec<f64>], side: &str, label: &str) -> Option<f64> {
    configs
        .iter()
        .position(|c| c.side.name == side && c.label == label)
        .filter(|&i| !times[i].is_empty())
        .map(|i| median(&times[i]))
}

/// `ours ÷ theirs` to two places, or `n/a`.
pub fn ratio(ours: Option<f64>, theirs: Option<f64>) -> String {
    match (ours, theirs) {
        (Some(o), Some(t)) if t > 0.0 => format!("{:.2}", o / t),
        _ => "n/a".to_owned(),
    }
}

/// Every run, in round order.
fn print_runs(configs: &[Configuration<'_>], times: &[Vec<f64>]) {
    println!();
    println!("Runs (s, in round order):");
    println!();
    for (config, runs) in configs.iter().zip(times) {
        let runs: Vec<String> = runs.iter().map(|t| format!("{t:.2}")).collect();
        println!(
            "- {} {}: {}",
            config.side.name,
            config.label,
            runs.join(", ")
        );
    }
    println!();
}

/// The median of `values` (0 when empty).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The cargo that started this program (falls back to `cargo` on `PATH`).
pub fn cargo_command() -> Command {
    let mut command =
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    // The sides choose their own target directories.
    command.env_remove("CARGO_TARGET_DIR");
    command
}

/// Runs `command` with its output captured and returns its stdout; on failure
/// the error names `what` and `dir` and carries the end of its output.
pub fn run_quiet(mut command: Command, what: &str, dir: &Path) -> Result<String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run {what}: {e}")))?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    Err(fail(format!(
        "{what} failed ({}) in {}:\n{}",
        output.status,
        dir.display(),
        tail(&output.stderr, &output.stdout)
    )))
}

/// The last lines of a failed command's stderr (or stdout if stderr is empty).
pub fn tail(stderr: &[u8], stdout: &[u8]) -> String {
    let text = if stderr.iter().all(u8::is_ascii_whitespace) {
        String::from_utf8_lossy(stdout)
    } else {
        String::from_utf8_lossy(stderr)
    };
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// The 1-, 5- and 15-minute load averages, or `?` where the system has none.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}

/// Prints the date, commit, toolchain, machine and round count.
pub fn print_header(root: &Path, rounds: usize, progenitor_version: &str) {
    let commit = command_line(root, "git", &["rev-parse", "--short", "HEAD"])
        .unwrap_or_else(|| "unknown".to_owned());
    let dirty = command_line(
        root,
        "git",
        &["status", "--porcelain", "--untracked-files=no"],
    )
    .is_some_and(|s| !s.is_empty());
    let rustc = command_line(root, "rustc", &["-V"]).unwrap_or_else(|| "rustc ?".to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Build benchmark, {} (UTC), commit `{commit}`{}, {rustc}, {cpus} CPUs, load average {}, \
         median wall time of {rounds} round{} (configurations interleaved per round), \
         progenitor {progenitor_version} (builder interface). The machine is shared and noisy: \
         compare the ratios, not the seconds across runs.",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        },
        load_average(),
        if rounds == 1 { "" } else { "s" },
    );
    println!();
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

    /// The default APIs' features and the TLS one are kept; a default feature
    /// enabling another generated crate (the TwiML builders) is left out.
    #[test]
    fn the_default_apis_only_leave_out_other_generated_crates() {
        let root =
            std::env::temp_dir().join(format!("bench-build-features-{}", std::process::id()));
        let dir = root.join("generated").join("twilio-rest");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"twilio-rest\"\n[features]\ndefault = [\"rustls-ring\", \"flex-v1\", \"twiml\"]\n\
             rustls-ring = [\"twilio-rest-runtime/rustls-ring\"]\n\
             flex-v1 = [\"dep:twilio-rest-flex-v1\"]\n\
             twiml = [\"dep:twilio-rest-twiml\"]\n",
        )
        .unwrap();
        let flex = ApiCrate {
            name: "twilio-rest-flex-v1".to_owned(),
            spec: PathBuf::from("specs/twilio_flex_v1.yaml"),
        };
        let args = default_api_features(&root, "twilio-rest", &[&flex]).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            args,
            ["--no-default-features", "--features", "rustls-ring,flex-v1"]
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn ratio_needs_both_sides() {
        assert_eq!(ratio(Some(1.0), Some(4.0)), "0.25");
        assert_eq!(ratio(Some(1.0), None), "n/a");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "n/a");
    }

    #[test]
    fn keeps_only_packages_under_the_folder() {
        let printed = "facade v0.1.0 (/repo/generated/facade)\n\
                       api-a v0.1.0 (/repo/generated/api-a)\n\
                       runtime v0.1.0 (/repo/runtime)\n\
                       serde v1.0.0\n\
                       api-a v0.1.0 (/repo/generated/api-a)\n";
        assert_eq!(
            packages_under(printed, Path::new("/repo/generated")),
            ["facade", "api-a", "api-a"]
        );
    }
}
