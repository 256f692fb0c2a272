//! `cargo bench-build`: how long a consumer waits for the generated crates, next
//! to what progenitor 0.15 generates from the same specs.
//!
//! Three parts, each printed as a markdown table (`--only` picks one):
//!
//! - `crates`: each of the largest API crates alone (cold, crate only, debug)
//!   against progenitor's crate for the same spec;
//! - `facade`: the facade with its default features (Flex and Proxy) against
//!   progenitor's two crates, and the facade with all features; the facade and
//!   the generated crates it enables are cold, the runtime and other
//!   dependencies are prebuilt;
//! - `consumer`: a small app making the seed calls, built from an empty target
//!   directory with every dependency: against the facade at a baseline commit
//!   (a `git worktree`), against today's facade, and a progenitor consumer.
//!
//! The layout is read from the tree: `specs/crates.toml` names the crates and
//! the facade, their size on disk ranks them, and `cargo tree` says which
//! generated crates a facade build compiles. Everything else lives under
//! `$CARGO_TARGET_DIR/bench-build/` (or `target/bench-build/`): progenitor's
//! install and generated crates, the consumer apps, the baseline worktree and
//! one target directory per side. Configurations are interleaved in every
//! round, so a slow spell of the shared machine hits every side alike.

mod consumer;
mod layout;
mod measure;
mod progenitor;

use clap::{Parser, ValueEnum};
use std::fmt;
use std::path::{Path, PathBuf};

/// A failure, said in one sentence.
#[derive(Debug)]
pub struct Fail(String);

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fail {}

/// A [`Fail`] from anything printable.
pub fn fail(message: impl Into<String>) -> Fail {
    Fail(message.into())
}

/// This crate's result.
pub type Result<T> = std::result::Result<T, Fail>;

/// Time cold builds of the generated crates and a consumer app, next to progenitor 0.15's.
#[derive(Parser, Debug)]
#[command(name = "bench-build")]
struct Args {
    /// Rounds per configuration (the figure is the median).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    rounds: u16,
    /// Only this part.
    #[arg(long, value_enum, default_value_t = Part::All)]
    only: Part,
    /// How many API crates (the largest first) the `crates` part measures.
    #[arg(long, default_value_t = 5)]
    largest: usize,
    /// Measure this API crate in the `crates` part instead of the largest
    /// (repeatable).
    #[arg(long = "crate", value_name = "NAME")]
    crates: Vec<String>,
    /// The commit whose facade the consumer part measures as the baseline.
    #[arg(long, default_value = "89c4890")]
    baseline: String,
    /// Leave out the facade with all features (every generated crate) from the
    /// `facade` part.
    #[arg(long)]
    no_full: bool,
}

/// The parts of the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Part {
    All,
    Crates,
    Facade,
    Consumer,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-build: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let root = workspace_root()?;
    let work = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("bench-build");
    let rounds = usize::from(args.rounds);
    let layout = layout::Layout::read(&root)?;
    let tools = progenitor::Tools::install(&work)?;
    measure::print_header(&root, rounds, &tools.version);
    let largest = if args.crates.is_empty() {
        layout.largest(&root, args.largest)?
    } else {
        layout.named(&args.crates)?
    };
    let mut wanted: Vec<&layout::ApiCrate> = Vec::new();
    if matches!(args.only, Part::All | Part::Crates) {
        wanted.extend(&largest);
    }
    for default in layout.default_crates() {
        if !wanted.iter().any(|c| c.name == default.name) {
            wanted.push(default);
        }
    }
    let generated = tools.generate(&root, &work.join("progenitor"), &wanted)?;
    let sides = measure::Sides::new(&root, &work);
    if matches!(args.only, Part::All | Part::Crates) {
        measure::crates(&sides, &largest, &generated, rounds)?;
    }
    if matches!(args.only, Part::All | Part::Facade) {
        measure::facade(&sides, &layout, &generated, rounds, !args.no_full)?;
    }
    if matches!(args.only, Part::All | Part::Consumer) {
        consumer::run(&root, &work, &args.baseline, &layout, &generated, rounds)?;
    }
    Ok(())
}

/// The workspace root: two levels above this crate's manifest.
fn workspace_root() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize()
        .map_err(|e| fail(format!("{}: {e}", root.display())))
}
