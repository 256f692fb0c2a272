//! Robustness: mutated and truncated versions of the real specs never make the
//! loader, the lowering or the emitter panic; reordering keys changes nothing.
//!
//! The mutation run uses a fixed seed and a bounded number of cases; set
//! `TWILIO_CODEGEN_FUZZ_CASES` (and `TWILIO_CODEGEN_FUZZ_SEED`) for a longer run:
//!
//! ```text
//! TWILIO_CODEGEN_FUZZ_CASES=20000 cargo test --release -p twilio-codegen --test robustness
//! ```

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use twilio_codegen::{generate, lower_specs, Layout, Spec};
use yaml_serde::{Mapping, Value};

fn spec_text(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("specs")
        .join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask specs`", path.display()))
}

fn config() -> Layout {
    Layout {
        standalone: true,
        templates: support::templates(),
        ..Layout::new("fuzz")
    }
}

/// What one input led to.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Generated,
    Diagnosed,
}

/// Runs the pipeline, through the emitter when `emit` is set. A spec problem is a
/// correctly diagnosed input; an emitter failure is a generator bug and fails the
/// test, like a panic.
fn pipeline(name: &str, bytes: &[u8], emit: bool) -> Outcome {
    let specs = [Spec { file: name, bytes }];
    if !emit {
        return match lower_specs(&specs) {
            Ok(_) => Outcome::Generated,
            Err(_) => Outcome::Diagnosed,
        };
    }
    match generate(&specs, &config()) {
        Ok(_) => Outcome::Generated,
        Err(twilio_codegen::Error::Spec(_)) => Outcome::Diagnosed,
        Err(e @ twilio_codegen::Error::Emit(_)) => {
            panic!("{name}: the emitter failed on a spec the lowering accepted: {e}")
        }
    }
}

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every path (as key/index steps) to a node of `v`.
fn node_paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                here.push(k.clone());
                node_paths(child, here, out);
                here.pop();
            }
        }
        Value::Sequence(s) => {
            for (i, child) in s.iter().enumerate() {
                here.push(Value::from(i as u64));
                node_paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'v>(v: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    let mut cur = v;
    for step in path {
        cur = match cur {
            Value::Mapping(m) => m.get_mut(step)?,
            Value::Sequence(s) => s.get_mut(step.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Applies one random structural mutation to `doc`.
fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut paths = Vec::new();
    node_paths(doc, &mut Vec::new(), &mut paths);
    let path = paths[rng.below(paths.len())].clone();
    let schemas: Vec<Value> = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let Some(node) = node_mut(doc, &path) else {
        return;
    };
    match rng.below(9) {
        // Types swapped: a node becomes another kind of value.
        0 => *node = Value::Null,
        1 => *node = Value::from(rng.next() as i64),
        2 => *node = Value::Sequence(vec![Value::from("x"), Value::Bool(true)]),
        3 => *node = Value::from("a string where something else was"),
        // Required keys removed.
        4 => {
            if let Value::Mapping(m) = node {
                if !m.is_empty() {
                    let k = m.keys().nth(rng.below(m.len())).cloned();
                    if let Some(k) = k {
                        m.remove(&k);
                    }
                }
            }
        }
        // Dangling and cyclic `$ref`s.
        5 => {
            let mut m = Mapping::new();
            m.insert(
                Value::from("$ref"),
                Value::from("#/components/schemas/does-not-exist"),
            );
            *node = Value::Mapping(m);
        }
        6 if !schemas.is_empty() => {
            let target = schemas[rng.below(schemas.len())]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let mut m = Mapping::new();
            m.insert(
                Value::from("$ref"),
                Value::from(format!("#/components/schemas/{target}")),
            );
            *node = Value::Mapping(m);
        }
        // Huge strings.
        7 => *node = Value::from("Z".repeat(200_000)),
        // Odd names and values where identifiers come from.
        _ => {
            if let Value::Mapping(m) = node {
                m.insert(Value::from("type"), Value::from("~odd:UK-é²/<>"));
                m.insert(
                    Value::from("enum"),
                    Value::Sequence(vec![Value::from(""), Value::from("Self"), Value::from("²")]),
                );
            }
        }
    }
}

/// Applies one random byte-level mutation (truncation, invalid UTF-8, garbage).
fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng) {
    match rng.below(4) {
        0 => bytes.truncate(rng.below(bytes.len())),
        1 => {
            let at = rng.below(bytes.len());
            bytes.splice(at..at, [0xff, 0xfe, 0xc3]);
        }
        2 => {
            let at = rng.below(bytes.len());
            bytes.splice(at..at, b"\n  - [{: ".iter().copied());
        }
        _ => {
            let a = rng.below(bytes.len());
            let b = (a + rng.below(4096)).min(bytes.len());
            bytes.drain(a..b);
        }
    }
}

#[test]
fn mutated_specs_never_panic() {
    let cases: usize = std::env::var("TWILIO_CODEGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let seed: u64 = std::env::var("TWILIO_CODEGEN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x7e1e_9011);
    let mut rng = Rng(seed | 1);
    let sources: Vec<(String, String, Value)> = ["twilio_proxy_v1.yaml", "twilio_flex_v1.yaml"]
        .iter()
        .map(|f| {
            let text = spec_text(f);
            let value: Value = yaml_serde::from_str(&text).unwrap();
            (f.to_string(), text, value)
        })
        .collect();
    let (mut generated, mut diagnosed) = (0, 0);
    let mut panics = Vec::new();
    for case in 0..cases {
        let (name, text, value) = &sources[rng.below(sources.len())];
        let bytes = if rng.below(3) == 0 {
            let mut b = text.clone().into_bytes();
            mutate_bytes(&mut b, &mut rng);
            b
        } else {
            let mut doc = value.clone();
            for _ in 0..=rng.below(4) {
                mutate(&mut doc, &mut rng);
            }
            yaml_serde::to_string(&doc).unwrap().into_bytes()
        };
        // The emitter is slower; run it on every fourth case.
        let emit = case % 4 == 0;
        match catch_unwind(AssertUnwindSafe(|| pipeline(name, &bytes, emit))) {
            Ok(Outcome::Generated) => generated += 1,
            Ok(Outcome::Diagnosed) => diagnosed += 1,
            Err(_) => panics.push(format!("case {case} (seed {seed}) on {name}")),
        }
    }
    println!(
        "{cases} mutated specs: {generated} generated, {diagnosed} diagnosed, {} panicked",
        panics.len()
    );
    assert!(
        panics.is_empty(),
        "panics (an emitter failure is one):\n{}",
        panics.join("\n")
    );
    assert!(
        diagnosed > 0 && generated > 0,
        "the mutations should produce both outcomes"
    );
}

/// Reverses the order of every mapping's keys, except under `properties` (the
/// order of fields) where order carries meaning.
fn reverse_keys(v: &mut Value) {
    match v {
        Value::Mapping(m) => {
            let entries: Vec<(Value, Value)> = std::mem::take(m).into_iter().collect();
            for (k, mut child) in entries.into_iter().rev() {
                if k.as_str() == Some("properties") {
                    if let Value::Mapping(props) = &mut child {
                        for (_, p) in props.iter_mut() {
                            reverse_keys(p);
                        }
                    }
                } else {
                    reverse_keys(&mut child);
                }
                m.insert(k, child);
            }
        }
        Value::Sequence(s) => s.iter_mut().for_each(reverse_keys),
        _ => {}
    }
}

#[test]
fn reordering_keys_changes_no_byte_of_the_output() {
    for file in ["twilio_flex_v1.yaml", "twilio_proxy_v1.yaml"] {
        let text = spec_text(file);
        let mut doc: Value = yaml_serde::from_str(&text).unwrap();
        reverse_keys(&mut doc);
        let reordered = yaml_serde::to_string(&doc).unwrap();
        assert_ne!(reordered, text);
        let emit = |t: &str| {
            let specs = [Spec {
                file,
                bytes: t.as_bytes(),
            }];
            generate(&specs, &config()).unwrap().files
        };
        let (a, b) = (emit(&text), emit(&reordered));
        let differing: Vec<&String> = a.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
        assert!(
            differing.is_empty(),
            "{file}: reordering keys changed {differing:?}"
        );
    }
}
