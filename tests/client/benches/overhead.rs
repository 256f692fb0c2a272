//! Per-call overhead of the client: one Proxy Service fetch through
//! `twilio_rest::Client`, next to bare reqwest sending the same request (same
//! method, URL, Basic credentials, `Accept` header, user agent, timeout and
//! redirect policy) and decoding the same JSON into the same model struct, against
//! the same in-process server, in the same run. Target: at most 1.10x.
//!
//! Besides criterion's two benchmarks, `cargo bench` first prints the ratio from
//! interleaved rounds (ours, bare, bare, ours, …), which cancels the drift of a
//! shared machine better than two benchmarks run one after the other. Steps of
//! our call without the network are benchmarked too, to show what the overhead
//! is made of. See BENCHMARKS.md ("Overhead").

#[path = "../tests/raw/mod.rs"]
mod raw;

use criterion::{criterion_group, Criterion};
use raw::{service_json, RawServer, Reply};
use std::hint::black_box;
use std::time::{Duration, Instant};
use twilio_rest::proxy_v1::models::Service;
use twilio_rest::{Client, RetryPolicy};

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "the-auth-token";

fn sid() -> String {
    format!("KS{}", "a".repeat(32))
}

struct Setup {
    rt: tokio::runtime::Runtime,
    _server: RawServer,
    base: String,
    ours: Client,
    bare: reqwest::Client,
}

fn setup() -> Setup {
    // One thread: the client and the server's tasks take turns on it, so a call
    // costs the same whichever client makes it, without cross-thread wake-ups.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = service_json(&sid());
    let server = rt.block_on(RawServer::start(move |_| {
        let body = body.clone();
        async move { Reply::ok(&body) }
    }));
    let base = server.uri();
    let builder = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, &base)
        .retry(RetryPolicy::none());
    // The settings our client gives its reqwest client.
    let bare = reqwest::Client::builder()
        .user_agent(builder.user_agent())
        .timeout(twilio_rest::DEFAULT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let ours = builder.build().unwrap();
    Setup {
        rt,
        _server: server,
        base,
        ours,
        bare,
    }
}

async fn ours(client: &Client) -> Service {
    client.proxy_v1().service(sid()).fetch().await.unwrap()
}

/// What an application would write with reqwest alone for the same call.
async fn bare(client: &reqwest::Client, base: &str) -> Service {
    let resp = client
        .get(format!("{base}/v1/Services/{}", sid()))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let bytes = resp.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Median time per call of ours and bare over `rounds` interleaved rounds of
/// `calls` calls each, and the median of the rounds' ratios (ours ÷ bare).
fn interleaved(s: &Setup, rounds: usize, calls: usize) -> (Duration, Duration, f64) {
    let time_ours = || {
        let t = Instant::now();
        for _ in 0..calls {
            black_box(s.rt.block_on(ours(&s.ours)));
        }
        t.elapsed() / calls as u32
    };
    let time_bare = || {
        let t = Instant::now();
        for _ in 0..calls {
            black_box(s.rt.block_on(bare(&s.bare, &s.base)));
        }
        t.elapsed() / calls as u32
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            a.push(time_ours());
            b.push(time_bare());
        } else {
            b.push(time_bare());
            a.push(time_ours());
        }
    }
    let mut ratios: Vec<f64> = a
        .iter()
        .zip(&b)
        .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    a.sort();
    b.sort();
    (a[rounds / 2], b[rounds / 2], ratios[rounds / 2])
}

fn report(s: &Setup) {
    // Warm both connections and caches.
    interleaved(s, 2, 200);
    let (a, b, ratio) = interleaved(s, 41, 500);
    println!(
        "overhead | twilio_rest {:.1} µs | bare reqwest {:.1} µs | ratio of medians {:.3} | median of per-round ratios {ratio:.3} (41 interleaved rounds of 500 calls)",
        a.as_secs_f64() * 1e6,
        b.as_secs_f64() * 1e6,
        a.as_secs_f64() / b.as_secs_f64()
    );
}

fn bench(c: &mut Criterion) {
    let s = setup();
    if std::env::args().any(|a| a == "--bench") {
        report(&s);
    }
    let mut g = c.benchmark_group("overhead");
    g.bench_function("Proxy Service fetch, twilio_rest", |b| {
        b.iter(|| black_box(s.rt.block_on(ours(&s.ours))))
    });
    g.bench_function("Proxy Service fetch, bare reqwest", |b| {
        b.iter(|| black_box(s.rt.block_on(bare(&s.bare, &s.base))))
    });
    g.finish();

    // The steps of our call that do not touch the network.
    let mut g = c.benchmark_group("overhead steps");
    g.bench_function("build and prepare the request (URL, headers)", |b| {
        b.iter(|| black_box(s.ours.proxy_v1().service(sid()).fetch().prepare().unwrap()))
    });
    g.bench_function("bare reqwest: build the request", |b| {
        b.iter(|| {
            black_box(
                s.bare
                    .get(format!("{}/v1/Services/{}", s.base, sid()))
                    .basic_auth(ACCOUNT, Some(TOKEN))
                    .header("Accept", "application/json")
                    .build()
                    .unwrap(),
            )
        })
    });
    let body = service_json(&sid()).into_bytes();
    g.bench_function("decode the Service", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Service>(&body).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
