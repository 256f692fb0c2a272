//! Codegen speed: Flex v1 + Proxy v1 from spec bytes to formatted source in memory,
//! end to end and phase by phase (parse, lower, plan, emit, format). See BENCHMARKS.md.

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;
use twilio_codegen::emit;
use twilio_codegen::plan::Plan;
use twilio_codegen::{generate, load, lower, Layout, Spec};

const SPECS: &[&str] = &["twilio_flex_v1.yaml", "twilio_proxy_v1.yaml"];

fn specs() -> Vec<(&'static str, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    SPECS
        .iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(f))
                .unwrap_or_else(|e| panic!("{f}: {e} (the specs are vendored in specs/)"));
            (*f, bytes)
        })
        .collect()
}

fn config() -> Layout {
    Layout {
        templates: support::templates(),
        ..Layout::new("twilio-rest")
    }
}

fn bench(c: &mut Criterion) {
    let inputs = specs();
    let parsed: Vec<_> = inputs
        .iter()
        .map(|(f, b)| (*f, load::parse_spec(f, b).unwrap()))
        .collect();
    let apis: Vec<_> = parsed
        .iter()
        .map(|(f, s)| lower::lower(f, s).unwrap().api)
        .collect();
    let config = config();
    let plan = Plan::new(&apis, &config).unwrap();
    let unformatted = emit::emit_unformatted(&plan, &config.templates).unwrap();

    let mut g = c.benchmark_group("codegen flex_v1+proxy_v1");
    g.sample_size(20);
    g.bench_function("end to end", |b| {
        let specs: Vec<Spec<'_>> = inputs
            .iter()
            .map(|(file, bytes)| Spec { file, bytes })
            .collect();
        b.iter(|| black_box(generate(&specs, &config).unwrap()))
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (f, bytes) in &inputs {
                black_box(load::parse_spec(f, bytes).unwrap());
            }
        })
    });
    g.bench_function("lower", |b| {
        b.iter(|| {
            for (f, s) in &parsed {
                black_box(lower::lower(f, s).unwrap());
            }
        })
    });
    g.bench_function("plan", |b| {
        b.iter(|| black_box(Plan::new(&apis, &config).unwrap()))
    });
    g.bench_function("emit", |b| {
        b.iter(|| black_box(emit::emit_unformatted(&plan, &config.templates).unwrap()))
    });
    g.bench_function("format", |b| {
        b.iter(|| black_box(emit::format(unformatted.clone()).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
