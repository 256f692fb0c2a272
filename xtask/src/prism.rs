//! Stoplight Prism mock servers, one per spec: installed locally with npm into
//! `.prism/` (git-ignored), started on free 127.0.0.1 ports, waited for with a
//! bound, and stopped by process group when dropped (also when a test fails).

use crate::{fail, Result};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The pinned Prism version.
pub const VERSION: &str = "5.14.2";
/// How long a server may take to answer.
const START_LIMIT: Duration = Duration::from_secs(90);

/// Running mock servers; dropping this stops them.
pub struct Servers {
    running: Vec<(String, Child)>,
    /// `TWILIO_<MODULE>_BASE_URL` for each server.
    pub env: Vec<(String, String)>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        for (name, child) in &mut self.running {
            stop(child);
            eprintln!("prism for {name} stopped");
        }
    }
}

/// Stops a server: SIGTERM to its process group, then SIGKILL if it lingers.
fn stop(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-TERM", "--", &group])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits for `child` up to `limit`; kills it past that.
pub(crate) fn wait_bounded(mut child: Child, limit: Duration, what: &str) -> Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(fail(format!("{what} failed ({status})"))),
            Ok(None) if Instant::now() > deadline => {
                stop(&mut child);
                return Err(fail(format!(
                    "{what} did not finish within {}s",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(fail(format!("{what}: {e}"))),
        }
    }
}

/// Installs the pinned Prism into `.prism/` unless it is there; returns its binary.
pub fn install(root: &Path) -> Result<PathBuf> {
    let pinned = crate::npm::Pinned {
        folder: ".prism",
        package: "@stoplight/prism-cli",
        version: VERSION,
        needs_node: false,
        extra_args: &[],
        produces: "node_modules/.bin/prism",
        for_what: "Prism",
    };
    Ok(pinned.install(root)?.join(pinned.produces))
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| fail(format!("no free port: {e}")))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| fail(e.to_string()))
}

/// Whether an HTTP server answers at `addr`.
fn answers(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .is_err()
    {
        return false;
    }
    let mut head = [0u8; 5];
    s.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Writes `spec` as the generator reads it (its overlays applied) to `to`, as JSON;
/// returns whether it has any operation.
fn write_served(
    spec: &Path,
    to: &Path,
    overlays: &[twilio_codegen::overlay::Overlay],
) -> Result<bool> {
    let file = spec
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = fs::read(spec).map_err(|e| fail(format!("{}: {e}", spec.display())))?;
    let mine: Vec<_> = overlays.iter().filter(|o| o.applies_to(&file)).collect();
    let json =
        twilio_codegen::load::spec_json(&file, &bytes, &mine).map_err(|ds| fail(ds.to_string()))?;
    let parsed = twilio_codegen::load::parse_spec_with(&file, &bytes, &mine)
        .map_err(|ds| fail(ds.to_string()))?;
    fs::write(to, json).map_err(|e| fail(format!("{}: {e}", to.display())))?;
    let any = parsed.operations().next().is_some();
    Ok(any)
}

/// The base URL given for a spec without operations: Prism refuses to serve one
/// ("No operations found"), and its conformance test sends nothing.
const NO_SERVER: &str = "http://127.0.0.1:9";

/// The vendored overlays, parsed.
fn overlays(root: &Path) -> Result<Vec<twilio_codegen::overlay::Overlay>> {
    let lock = crate::specs::read_lock(root)?;
    crate::codegen::overlays(root, &lock)?
        .iter()
        .map(|file| {
            let bytes = fs::read(root.join(file)).map_err(|e| fail(format!("{file}: {e}")))?;
            twilio_codegen::overlay::parse(file, &bytes).map_err(|ds| fail(ds.to_string()))
        })
        .collect()
}

/// Starts one `prism mock` per `(module, spec file)` and waits until all answer.
/// Each serves its spec as the generator reads it: parsed once, overlays applied,
/// handed to Prism as JSON (`target/prism/<module>.json`).
pub fn start(root: &Path, specs: &[(String, PathBuf)]) -> Result<Servers> {
    let bin = install(root)?;
    let logs = root.join("target").join("prism");
    fs::create_dir_all(&logs).map_err(|e| fail(format!("{}: {e}", logs.display())))?;
    let overlays = overlays(root)?;
    let mut servers = Servers {
        running: Vec::new(),
        env: Vec::new(),
    };
    let mut pending = Vec::new();
    for (module, spec) in specs {
        let served = logs.join(format!("{module}.json"));
        if !write_served(spec, &served, &overlays)? {
            eprintln!("prism for {module}: not started, the spec has no operations");
            let var = twilio_codegen::names::base_url_var(module);
            servers.env.push((var, NO_SERVER.to_owned()));
            continue;
        }
        let port = free_port()?;
        let log_path = logs.join(format!("{module}.log"));
        let log = fs::File::create(&log_path)
            .map_err(|e| fail(format!("{}: {e}", log_path.display())))?;
        let err_log = log.try_clone().map_err(|e| fail(e.to_string()))?;
        let child = Command::new(&bin)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(&served)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err_log)
            .process_group(0)
            .spawn()
            .map_err(|e| fail(format!("cannot start {}: {e}", bin.display())))?;
        eprintln!(
            "prism for {module} starting on 127.0.0.1:{port} (pid {}, log {})",
            child.id(),
            log_path.display()
        );
        servers.running.push((module.clone(), child));
        // The variable the runtime reads (the generator's spelling of it, which
        // `tests/client` keeps equal to the runtime's).
        servers.env.push((
            twilio_codegen::names::base_url_var(module),
            format!("http://127.0.0.1:{port}"),
        ));
        pending.push((
            servers.running.len() - 1,
            SocketAddr::from(([127, 0, 0, 1], port)),
            log_path,
        ));
    }
    let started = Instant::now();
    while !pending.is_empty() {
        let mut still = Vec::new();
        for (i, addr, log) in pending {
            let (name, child) = &mut servers.running[i];
            if let Ok(Some(status)) = child.try_wait() {
                return Err(fail(format!(
                    "prism for {name} exited ({status}):\n{}",
                    log_tail(&log)
                )));
            }
            if answers(addr) {
                eprintln!(
                    "prism for {name} ready after {:.1}s",
                    started.elapsed().as_secs_f64()
                );
            } else {
                still.push((i, addr, log));
            }
        }
        pending = still;
        if !pending.is_empty() {
            if started.elapsed() > START_LIMIT {
                let (i, _, log) = &pending[0];
                let name = &servers.running[*i].0;
                return Err(fail(format!(
                    "prism for {name} did not answer within {}s:\n{}",
                    START_LIMIT.as_secs(),
                    log_tail(log)
                )));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    Ok(servers)
}

/// Where the operations Prism cannot serve are listed, with their reasons.
pub const NOT_SERVABLE_FILE: &str = "target/prism/not-servable.txt";

/// One API's conformance tally, as its test printed it.
#[derive(Debug, PartialEq)]
struct Tally {
    /// The base URL variable the test read (`TWILIO_FLEX_V1_BASE_URL`).
    server: String,
    expected: usize,
    passed: usize,
    not_servable: usize,
}

/// The conformance outcomes of every API, read from the tests' output lines
/// (`conformance (VAR): …` and `not servable by Prism (VAR): …`).
#[derive(Default)]
pub struct Summary {
    tallies: Vec<Tally>,
    not_servable: Vec<String>,
}

impl Summary {
    /// Reads one line of test output; other lines are ignored.
    pub fn add(&mut self, line: &str) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("not servable by Prism (") {
            if let Some((server, what)) = rest.split_once("): ") {
                self.not_servable.push(format!("{server}: {what}"));
            }
        } else if let Some(t) = line.strip_prefix("conformance (").and_then(tally) {
            self.tallies.push(t);
        }
    }

    /// Writes [`NOT_SERVABLE_FILE`] and returns the summary line over the APIs
    /// whose servers are `apis` (base URL variables; fixtures are counted apart),
    /// naming the `pending` specs that did not run.
    pub fn finish(&self, root: &Path, apis: &[String], pending: &[String]) -> Result<String> {
        let (real, fixtures): (Vec<&Tally>, Vec<&Tally>) =
            self.tallies.iter().partition(|t| apis.contains(&t.server));
        let sum = |ts: &[&Tally], f: fn(&Tally) -> usize| ts.iter().map(|t| f(t)).sum::<usize>();
        let listed: Vec<&String> = self
            .not_servable
            .iter()
            .filter(|l| apis.iter().any(|a| l.starts_with(&format!("{a}: "))))
            .collect();
        let path = root.join(NOT_SERVABLE_FILE);
        let mut text = format!(
            "# Operations Prism {VERSION} cannot serve, with the reason (written by `cargo xtask test --only prism`)\n"
        );
        for l in &listed {
            text.push_str(l);
            text.push('\n');
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        }
        fs::write(&path, text).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        let mut line = format!(
            "Prism conformance: {} of {} operations passed; {} listed as not servable by Prism {VERSION} (reasons in {NOT_SERVABLE_FILE}); {} of {} APIs ran",
            group(sum(&real, |t| t.passed)),
            group(sum(&real, |t| t.expected)),
            group(sum(&real, |t| t.not_servable)),
            real.len(),
            apis.len() + pending.len(),
        );
        if !pending.is_empty() {
            line.push_str(&format!("; not run: {}", pending.join(", ")));
        }
        line.push_str(&format!(
            " (fixtures: {} of {} passed)",
            sum(&fixtures, |t| t.passed),
            sum(&fixtures, |t| t.expected)
        ));
        Ok(line)
    }
}

/// Parses `VAR): 73 of 73 operations ran, 70 passed, 3 not servable by Prism, 0 failed`.
fn tally(rest: &str) -> Option<Tally> {
    let (server, counts) = rest.split_once("): ")?;
    let numbers: Vec<usize> = counts
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().ok())
        .collect::<Option<_>>()?;
    let [_ran, expected, passed, not_servable, _failed] = numbers[..] else {
        return None;
    };
    Some(Tally {
        server: server.to_owned(),
        expected,
        passed,
        not_servable,
    })
}

/// `1447` as `1,447`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_real_apis_and_lists_what_prism_cannot_serve() {
        let mut s = Summary::default();
        for line in [
            "not servable by Prism (TWILIO_A_BASE_URL): CreateX: required array form field `Ids`",
            "conformance (TWILIO_A_BASE_URL): 1000 of 1000 operations ran, 999 passed, 1 not servable by Prism, 0 failed",
            "conformance (TWILIO_B_BASE_URL): 447 of 447 operations ran, 447 passed, 0 not servable by Prism, 0 failed",
            "conformance (TWILIO_FIX_BASE_URL): 3 of 3 operations ran, 3 passed, 0 not servable by Prism, 0 failed",
            "test result: ok. 1 passed; 0 failed",
        ] {
            s.add(line);
        }
        let root = std::env::temp_dir().join(format!("xtask-prism-summary-{}", std::process::id()));
        let apis = [
            "TWILIO_A_BASE_URL".to_owned(),
            "TWILIO_B_BASE_URL".to_owned(),
        ];
        let line = s.finish(&root, &apis, &[]).unwrap();
        assert_eq!(
            line,
            "Prism conformance: 1,446 of 1,447 operations passed; 1 listed as not servable by Prism 5.14.2 (reasons in target/prism/not-servable.txt); 2 of 2 APIs ran (fixtures: 3 of 3 passed)"
        );
        let listed = fs::read_to_string(root.join(NOT_SERVABLE_FILE)).unwrap();
        assert!(listed.ends_with("TWILIO_A_BASE_URL: CreateX: required array form field `Ids`\n"));
        let _ = fs::remove_dir_all(&root);
        assert_eq!(group(12), "12");
        assert_eq!(group(1_234_567), "1,234,567");
    }
}
