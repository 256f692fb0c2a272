//! The consumer cold build: a small app making the seed calls, built from an
//! empty target directory with all its dependencies, against the facade at a
//! baseline commit, today's facade and progenitor's crates.

use crate::layout::Layout;
use crate::measure::{cargo_command, load_average, median, ratio, run_quiet, Side};
use crate::progenitor::{write, Generated};
use crate::{fail, Result};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The app's source against our facade (the baseline's and today's alike):
/// the README's seed calls on Flex and Proxy. `PARTICIPANT_TYPE` stands for the
/// participant type argument, spelled per side ([`BASELINE_TYPE`],
/// [`CURRENT_TYPE`]).
const OURS_MAIN: &str = r#"//! A small consumer of the facade: the README's seed calls.
use twilio_rest::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), twilio_rest::Error> {
    let client = Client::from_env()?;
    let channel = client.flex_v1().interaction("KDaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").channel("UOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    channel
        .participants()
        .create(PARTICIPANT_TYPE, serde_json::json!({"address": "+15555550100"}))
        .await?;
    let everyone = channel.participants().list().await?;
    println!("{}", everyone.len());
    let service = client.proxy_v1().service("KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").fetch().await?;
    println!("{:?}", service.sid);
    Ok(())
}
"#;

/// The participant type at the baseline: a string.
const BASELINE_TYPE: &str = "\"customer\"";

/// The participant type today: the spec's enum.
const CURRENT_TYPE: &str =
    "twilio_rest::flex_v1::models::InteractionChannelParticipantType::Customer";

/// The same calls through progenitor's crates (builder interface).
const PROGENITOR_MAIN: &str = include_str!("progenitor_main.rs.txt");

/// One consumer app: its folder and what it depends on.
struct App {
    label: String,
    dir: PathBuf,
}

/// The extra dependencies of progenitor's app: progenitor's crates use reqwest
/// without TLS, so an app that calls Twilio's HTTPS hosts adds it. The same
/// stack as our default (rustls with the ring provider and the platform
/// verifier), so that both sides compile the same TLS code.
const PROGENITOR_TLS: &str = "reqwest = { version = \"0.13\", default-features = false, \
     features = [\"rustls-no-provider\"] }\n\
     rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n";

/// What the rounds measured, per app.
struct Timings {
    /// Wall times in seconds, in round order.
    times: Vec<Vec<f64>>,
    /// From the last `--timings` report: unit count and the slowest units.
    units: Vec<Option<(usize, String)>>,
    /// Why an app was not measured (it does not build).
    broken: Vec<Option<String>>,
}

/// Writes the three apps, fetches their dependencies (untimed), then per round
/// removes each one's target directory and times `cargo build --timings`.
pub fn run(
    root: &Path,
    work: &Path,
    baseline: &str,
    layout: &Layout,
    generated: &Generated,
    rounds: usize,
) -> Result<()> {
    let apps = write_apps(root, work, baseline, layout, generated)?;
    eprintln!("consumer apps: fetching their dependencies (not timed)…");
    for app in &apps {
        fetch(app)?;
    }
    let load_before = load_average();
    let timings = time_apps(&apps, rounds)?;
    println!(
        "### Consumer app, cold (empty target directory, dependencies included), debug \
         (load average {load_before} before, {} after)",
        load_average()
    );
    println!();
    print_table(&apps, &timings);
    Ok(())
}

/// The baseline's app (a `git worktree` of `baseline`), today's, and
/// progenitor's, written under `work/consumers`.
fn write_apps(
    root: &Path,
    work: &Path,
    baseline: &str,
    layout: &Layout,
    generated: &Generated,
) -> Result<Vec<App>> {
    let checkout = baseline_checkout(root, work, baseline)?;
    let consumers = work.join("consumers");
    let path_dep = |dir: &Path| {
        format!(
            "twilio-rest = {{ path = {:?} }}\n",
            dir.display().to_string()
        )
    };
    let mut apps = vec![write_app(
        &consumers.join("baseline"),
        format!("`{}` at `{baseline}` (default features)", layout.facade),
        &path_dep(&facade_dir(&checkout, &layout.facade)?),
        &OURS_MAIN.replace("PARTICIPANT_TYPE", BASELINE_TYPE),
        Some(&checkout.join("Cargo.lock")),
    )?];
    apps.push(write_app(
        &consumers.join("current"),
        format!("`{}` today (default features: rustls-ring)", layout.facade),
        &path_dep(&facade_dir(root, &layout.facade)?),
        &OURS_MAIN.replace("PARTICIPANT_TYPE", CURRENT_TYPE),
        Some(&root.join("Cargo.lock")),
    )?);
    let mut progenitor_deps = PROGENITOR_TLS.to_owned();
    for api in layout.default_crates() {
        let package = generated
            .package(&api.name)
            .map_err(|why| fail(format!("no progenitor crate for {}: {why}", api.name)))?;
        progenitor_deps.push_str(&format!(
            "{package} = {{ path = {:?} }}\n",
            generated.dir.join(&api.name).display().to_string()
        ));
    }
    let progenitor_lock = generated.dir.join("Cargo.lock");
    apps.push(write_app(
        &consumers.join("progenitor"),
        "progenitor's crates for the same APIs (+ reqwest rustls-ring)".to_owned(),
        &progenitor_deps,
        PROGENITOR_MAIN,
        progenitor_lock
            .is_file()
            .then_some(progenitor_lock.as_path()),
    )?);
    Ok(apps)
}

/// Per round, each app in turn: its target directory removed, then a timed
/// `cargo build --timings`. An app that does not build (progenitor's, if its
/// generated API differs from the source) is reported as such; the others are
/// still timed.
fn time_apps(apps: &[App], rounds: usize) -> Result<Timings> {
    let mut timings = Timings {
        times: vec![Vec::new(); apps.len()],
        units: vec![None; apps.len()],
        broken: vec![None; apps.len()],
    };
    for round in 1..=rounds {
        for (i, app) in apps.iter().enumerate() {
            if timings.broken[i].is_some() {
                continue;
            }
            eprintln!("round {round}/{rounds}: consumer {}…", app.label);
            let target = app.dir.join("target");
            if target.exists() {
                fs::remove_dir_all(&target)
                    .map_err(|e| fail(format!("{}: {e}", target.display())))?;
            }
            let started = Instant::now();
            if let Err(e) = build(app) {
                eprintln!("consumer {} does not build: {e}", app.label);
                timings.broken[i] = Some("does not build".to_owned());
                continue;
            }
            let seconds = started.elapsed().as_secs_f64();
            eprintln!("  {seconds:.1} s");
            timings.times[i].push(seconds);
            timings.units[i] =
                slowest_units(&target.join("cargo-timings").join("cargo-timing.html"));
        }
    }
    Ok(timings)
}

/// The table (medians, ratios to the baseline and to progenitor's app, unit
/// counts, slowest units) and every run.
fn print_table(apps: &[App], timings: &Timings) {
    println!(
        "| consumer of | build (s) | ÷ baseline | ÷ progenitor's | packages | slowest units (s) |"
    );
    println!("|---|---|---|---|---|---|");
    let time = |i: usize| (!timings.times[i].is_empty()).then(|| median(&timings.times[i]));
    let (baseline_s, progenitor_s) = (time(0), time(2));
    for (i, app) in apps.iter().enumerate() {
        let Some(s) = time(i) else {
            let why = timings.broken[i].as_deref().unwrap_or("not measured");
            println!("| {} | n/a ({why}) | | | | |", app.label);
            continue;
        };
        let (count, slowest) = match &timings.units[i] {
            Some((count, slowest)) => (count.to_string(), slowest.clone()),
            None => ("?".to_owned(), "?".to_owned()),
        };
        println!(
            "| {} | {s:.1} | {} | {} | {count} | {slowest} |",
            app.label,
            ratio(Some(s), baseline_s),
            ratio(Some(s), progenitor_s)
        );
    }
    println!();
    println!("Runs (s, in round order):");
    println!();
    for (app, runs) in apps.iter().zip(&timings.times) {
        let runs: Vec<String> = runs.iter().map(|t| format!("{t:.2}")).collect();
        println!("- {}: {}", app.label, runs.join(", "));
    }
    println!();
}

/// Writes an app into `dir`: its manifest (its own workspace), `src/main.rs`,
/// and the lockfile it starts from (the versions its side is tested with).
fn write_app(
    dir: &Path,
    label: String,
    deps: &str,
    main: &str,
    lock: Option<&Path>,
) -> Result<App> {
    let manifest = format!(
        "# Written by bench-build.\n\
         [package]\n\
         name = \"consumer\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         {deps}\
         serde_json = \"1\"\n\
         tokio = {{ version = \"1.38\", features = [\"macros\", \"rt\"] }}\n\
         \n\
         [workspace]\n"
    );
    write(&dir.join("Cargo.toml"), manifest.as_bytes())?;
    write(&dir.join("src").join("main.rs"), main.as_bytes())?;
    let lock_path = dir.join("Cargo.lock");
    if !lock_path.exists() {
        if let Some(lock) = lock {
            fs::copy(lock, &lock_path)
                .map_err(|e| fail(format!("{} → {}: {e}", lock.display(), lock_path.display())))?;
        }
    }
    Ok(App {
        label,
        dir: dir.to_path_buf(),
    })
}

/// `cargo build --timings` in the app's folder.
fn build(app: &App) -> Result<()> {
    side(app)
        .cargo(&["build".to_owned(), "--timings".to_owned()])
        .map(drop)
}

/// `cargo fetch` in the app's folder: downloads, so that no timed build waits
/// for the network.
fn fetch(app: &App) -> Result<()> {
    let mut command = cargo_command();
    command.current_dir(&app.dir).arg("fetch");
    run_quiet(command, "cargo fetch", &app.dir).map(drop)
}

/// The app's folder as a side with its own target directory.
fn side(app: &App) -> Side {
    Side {
        name: "consumer",
        dir: app.dir.clone(),
        target: app.dir.join("target"),
    }
}

/// A `git worktree` of `commit` under `work` (created when missing).
fn baseline_checkout(root: &Path, work: &Path, commit: &str) -> Result<PathBuf> {
    let dir = work.join(format!("baseline-{commit}"));
    if !dir.join("Cargo.toml").is_file() {
        eprintln!("checking out {commit} into {}…", dir.display());
        let mut command = std::process::Command::new("git");
        command
            .current_dir(root)
            .args(["worktree", "add", "--detach"])
            .arg(&dir)
            .arg(commit);
        run_quiet(command, "git worktree add", root)?;
    }
    Ok(dir)
}

/// The folder of package `facade` in the checkout at `root`: `generated/<facade>`
/// (one crate per API) or `generated` (the single crate of older commits).
pub fn facade_dir(root: &Path, facade: &str) -> Result<PathBuf> {
    let generated = root.join("generated");
    for dir in [generated.join(facade), generated.clone()] {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = fs::read_to_string(&manifest) else {
            continue;
        };
        let name = text
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| t.get("package")?.get("name")?.as_str().map(str::to_owned));
        if name.as_deref() == Some(facade) {
            return Ok(dir);
        }
    }
    Err(fail(format!(
        "no package {facade} in {} or its folders",
        generated.display()
    )))
}

/// From cargo's `--timings` report: how many units were built, and the three
/// slowest (`name 12.3`); `None` when the report cannot be read.
fn slowest_units(report: &Path) -> Option<(usize, String)> {
    let html = fs::read_to_string(report).ok()?;
    let start = html.find("const UNIT_DATA = ")? + "const UNIT_DATA = ".len();
    let rest = &html[start..];
    let end = rest.find("];")? + 1;
    let units: Vec<Value> = serde_json::from_str(&rest[..end]).ok()?;
    let mut timed: Vec<(String, f64)> = units
        .iter()
        .filter_map(|u| {
            let name = u.get("name")?.as_str()?;
            let target = u.get("target").and_then(Value::as_str).unwrap_or("");
            Some((format!("{name}{target}"), u.get("duration")?.as_f64()?))
        })
        .collect();
    timed.sort_by(|a, b| b.1.total_cmp(&a.1));
    let slowest: Vec<String> = timed
        .iter()
        .take(3)
        .map(|(n, d)| format!("{n} {d:.1}"))
        .collect();
    Some((units.len(), slowest.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_facade_of_either_layout() {
        let root = std::env::temp_dir().join(format!("bench-build-facade-{}", std::process::id()));
        let manifest = |dir: &Path, name: &str| {
            fs::create_dir_all(dir).unwrap();
            fs::write(
                dir.join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\n"),
            )
            .unwrap();
        };
        manifest(&root.join("old").join("generated"), "facade");
        manifest(&root.join("new").join("generated").join("facade"), "facade");
        manifest(&root.join("new").join("generated"), "something-else");
        let old = facade_dir(&root.join("old"), "facade");
        let new = facade_dir(&root.join("new"), "facade");
        let none = facade_dir(&root.join("new"), "other");
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(old.unwrap(), root.join("old").join("generated"));
        assert_eq!(
            new.unwrap(),
            root.join("new").join("generated").join("facade")
        );
        assert!(none.is_err());
    }
}
