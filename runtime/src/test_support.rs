//! Helpers for the generated tests (response examples, conformance).

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// One example: a label, the JSON, the fields its schema does not declare (which
/// decoding drops), and the check for its declared type.
pub type Case = (&'static str, &'static str, &'static [&'static str], Check);

/// Checks one example against the fields expected to be dropped.
pub type Check = fn(&str, &[&str]) -> Result<(), String>;

/// Decodes `json` as `T`, encodes it again and compares the fields that did not
/// survive with `undeclared`: any other lost field is a misspelled or missing
/// field. `null` and `""` count as unset: they decode to `None`.
pub fn check<T: DeserializeOwned + Serialize>(
    json: &str,
    undeclared: &[&str],
) -> Result<(), String> {
    let original: Value =
        serde_json::from_str(json).map_err(|e| format!("the example is not JSON: {e}"))?;
    let decoded: T = serde_json::from_str(json).map_err(|e| format!("does not decode: {e}"))?;
    let back = serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
    let mut lost = Vec::new();
    lost_fields(&original, &back, "", &mut lost);
    lost.sort();
    if lost == undeclared {
        Ok(())
    } else {
        let unexpected: Vec<&String> = lost
            .iter()
            .filter(|l| !undeclared.contains(&l.as_str()))
            .collect();
        let kept: Vec<&&str> = undeclared
            .iter()
            .filter(|u| !lost.iter().any(|l| l == *u))
            .collect();
        Err(format!(
            "fields lost in decoding: {unexpected:?}; undeclared fields kept: {kept:?}"
        ))
    }
}

fn lost_fields(original: &Value, back: &Value, path: &str, lost: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(o), Value::Object(b)) => {
            for (k, v) in o {
                if v.is_null() || v.as_str() == Some("") {
                    continue;
                }
                let p = format!("{path}/{k}");
                match b.get(k) {
                    Some(bv) => lost_fields(v, bv, &p, lost),
                    None => lost.push(p),
                }
            }
        }
        (Value::Array(o), Value::Array(b)) => {
            for (i, (v, bv)) in o.iter().zip(b).enumerate() {
                lost_fields(v, bv, &format!("{path}/{i}"), lost);
            }
        }
        _ => {}
    }
}

/// Runs every case; fails listing each example that did not decode cleanly.
pub fn run(cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(label, json, undeclared, check)| {
            check(json, undeclared)
                .err()
                .map(|e| format!("{label}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The base URL of a mock server from the environment variable `name`.
pub fn env_url(name: &str) -> String {
    match std::env::var(name) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!("{name} is not set: these tests need a Prism mock server; `cargo xtask test` starts one"),
    }
}

/// Outcomes of conformance calls.
#[derive(Default)]
pub struct Conformance {
    ran: usize,
    failures: Vec<String>,
    not_servable: Vec<String>,
    skipped: Option<&'static str>,
}

impl Conformance {
    /// Records one operation's outcome.
    pub fn record<E: std::fmt::Display>(&mut self, operation: &str, result: Result<(), E>) {
        self.ran += 1;
        if let Err(e) = result {
            self.failures.push(format!("{operation}: {e}"));
        }
    }

    /// Records an operation that Prism cannot serve for `reason`: Prism must
    /// refuse it, and serving it is a failure (the listing is then out of date).
    pub fn not_servable<E: std::fmt::Display>(
        &mut self,
        operation: &str,
        reason: &str,
        result: Result<(), E>,
    ) {
        self.ran += 1;
        match result {
            Err(e) => self
                .not_servable
                .push(format!("{operation}: {reason} (Prism answered: {e})")),
            Ok(()) => self.failures.push(format!(
                "{operation}: listed as not servable by Prism ({reason}), yet it was served"
            )),
        }
    }

    /// Operations no valid arguments could be built for (these fail the run).
    pub fn skip(&mut self, operations: &'static str) {
        self.skipped = Some(operations);
    }

    /// Prints the tally (one `not servable by Prism` line per such operation)
    /// and fails unless all `expected` operations ran and none failed.
    pub fn finish(self, server: &str, expected: usize) {
        for line in &self.not_servable {
            println!("not servable by Prism ({server}): {line}");
        }
        println!(
            "conformance ({server}): {} of {expected} operations ran, {} passed, {} not servable by Prism, {} failed",
            self.ran,
            self.ran - self.failures.len() - self.not_servable.len(),
            self.not_servable.len(),
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "{} operations failed:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert_eq!(
            self.ran,
            expected,
            "operations not run: {}",
            self.skipped.unwrap_or("(none named)")
        );
    }
}
