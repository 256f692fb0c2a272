//! Per-call overhead of the client, against bare reqwest configured as a careful
//! user would (same attempt timeout, user agent, Basic credentials, `Accept`,
//! redirect policy) making the same request and decoding the same JSON into the
//! same model struct, against the same in-process server, in the same run. Two
//! calls, both through a default client (retries on, the default request
//! timeout):
//! - a Proxy participant fetch, with three SIDs in the path (each checked against
//!   its pattern);
//! - a Proxy participant create, with a form body.
//!
//! Target: at most 1.10x on both. `cargo bench` first prints the ratio from
//! interleaved rounds (ours, bare, bare, ours, …), which cancels the drift of a
//! shared machine better than two benchmarks run one after the other; then
//! criterion benchmarks the calls and the steps of ours that do not touch the
//! network. See BENCHMARKS.md ("Overhead").

#[path = "../tests/raw/mod.rs"]
mod raw;

use criterion::{criterion_group, Criterion};
use raw::{response, RawServer, Reply, Then};
use std::hint::black_box;
use std::time::{Duration, Instant};
use twilio_rest::proxy_v1::models::Participant;
use twilio_rest::Client;

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "the-auth-token";
const SERVICE: &str = "KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SESSION: &str = "KCaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const PARTICIPANT: &str = "KPaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const IDENTIFIER: &str = "+15558675310";
const FRIENDLY_NAME: &str = "Alice";

/// A Proxy Participant as Twilio returns it.
fn participant_json() -> String {
    format!(
        r#"{{"sid":"{PARTICIPANT}","session_sid":"{SESSION}","service_sid":"{SERVICE}","account_sid":"{ACCOUNT}","friendly_name":"{FRIENDLY_NAME}","identifier":"{IDENTIFIER}","proxy_identifier":"+14155559999","proxy_identifier_sid":"PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","date_deleted":null,"date_created":"2015-07-30T20:00:00Z","date_updated":"2015-07-30T20:00:00Z","url":"https://proxy.twilio.com/v1/Services/{SERVICE}/Sessions/{SESSION}/Participants/{PARTICIPANT}","links":{{"message_interactions":"https://proxy.twilio.com/v1/Services/{SERVICE}/Sessions/{SESSION}/Participants/{PARTICIPANT}/MessageInteractions"}}}}"#
    )
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
    let body = participant_json();
    let server = rt.block_on(RawServer::start(move |hit| {
        let status = if hit.method() == "POST" { 201 } else { 200 };
        let bytes = response(status, &[], body.as_bytes());
        async move { Reply::Write(bytes, Then::KeepAlive) }
    }));
    let base = server.uri();
    // The default client: default retry policy and timeouts.
    let builder = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, &base);
    // reqwest as the runtime's default TLS feature leaves it has no crypto
    // provider (plain HTTP here, but building the client asks for one).
    let _ = tokio_rustls::rustls::crypto::aws_lc_rs::default_provider().install_default();
    // The settings our client gives its reqwest client, and the same timeout.
    let bare = reqwest::Client::builder()
        .user_agent(builder.user_agent())
        .timeout(twilio_rest_runtime::DEFAULT_ATTEMPT_TIMEOUT)
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

fn participant(client: &Client) -> twilio_rest::proxy_v1::resources::ServiceSessionParticipant {
    client
        .proxy_v1()
        .service(SERVICE)
        .session(SESSION)
        .participant(PARTICIPANT)
}

async fn ours_fetch(client: &Client) -> Participant {
    participant(client).fetch().await.unwrap()
}

async fn ours_create(client: &Client) -> Participant {
    client
        .proxy_v1()
        .service(SERVICE)
        .session(SESSION)
        .participants()
        .create(IDENTIFIER)
        .friendly_name(FRIENDLY_NAME)
        .await
        .unwrap()
}

/// What an application would write with reqwest alone for the same fetch.
async fn bare_fetch(client: &reqwest::Client, base: &str) -> Participant {
    let resp = client
        .get(format!(
            "{base}/v1/Services/{SERVICE}/Sessions/{SESSION}/Participants/{PARTICIPANT}"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let bytes = resp.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// What an application would write with reqwest alone for the same create.
async fn bare_create(client: &reqwest::Client, base: &str) -> Participant {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("Identifier", IDENTIFIER)
        .append_pair("FriendlyName", FRIENDLY_NAME)
        .finish();
    let resp = client
        .post(format!(
            "{base}/v1/Services/{SERVICE}/Sessions/{SESSION}/Participants"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let bytes = resp.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Median time per call of ours and bare over `rounds` interleaved rounds of
/// `calls` calls each, and the median of the rounds' ratios (ours ÷ bare).
fn interleaved(
    rounds: usize,
    calls: usize,
    mut ours: impl FnMut(),
    mut bare: impl FnMut(),
) -> (Duration, Duration, f64) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..calls {
            f();
        }
        t.elapsed() / calls as u32
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            a.push(time(&mut ours));
            b.push(time(&mut bare));
        } else {
            b.push(time(&mut bare));
            a.push(time(&mut ours));
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
    let fetch = (
        || {
            black_box(s.rt.block_on(ours_fetch(&s.ours)));
        },
        || {
            black_box(s.rt.block_on(bare_fetch(&s.bare, &s.base)));
        },
    );
    let create = (
        || {
            black_box(s.rt.block_on(ours_create(&s.ours)));
        },
        || {
            black_box(s.rt.block_on(bare_create(&s.bare, &s.base)));
        },
    );
    // Warm both connections and caches.
    interleaved(2, 200, fetch.0, fetch.1);
    interleaved(2, 200, create.0, create.1);
    for (name, (a, b, ratio)) in [
        (
            "participant fetch (3 path SIDs)",
            interleaved(41, 500, fetch.0, fetch.1),
        ),
        (
            "participant create (form body)",
            interleaved(41, 500, create.0, create.1),
        ),
    ] {
        println!(
            "overhead | {name} | twilio_rest {:.1} µs | bare reqwest {:.1} µs | ratio of medians {:.3} | median of per-round ratios {ratio:.3} (41 interleaved rounds of 500 calls)",
            a.as_secs_f64() * 1e6,
            b.as_secs_f64() * 1e6,
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
}

fn bench(c: &mut Criterion) {
    let s = setup();
    if std::env::args().any(|a| a == "--bench") {
        report(&s);
    }
    let mut g = c.benchmark_group("overhead");
    g.bench_function("participant fetch, twilio_rest", |b| {
        b.iter(|| black_box(s.rt.block_on(ours_fetch(&s.ours))))
    });
    g.bench_function("participant fetch, bare reqwest", |b| {
        b.iter(|| black_box(s.rt.block_on(bare_fetch(&s.bare, &s.base))))
    });
    g.bench_function("participant create, twilio_rest", |b| {
        b.iter(|| black_box(s.rt.block_on(ours_create(&s.ours))))
    });
    g.bench_function("participant create, bare reqwest", |b| {
        b.iter(|| black_box(s.rt.block_on(bare_create(&s.bare, &s.base))))
    });
    g.finish();

    // The steps of our call that do not touch the network.
    let mut g = c.benchmark_group("overhead steps");
    g.bench_function(
        "fetch: build and prepare the request (3 SIDs checked)",
        |b| b.iter(|| black_box(participant(&s.ours).fetch().prepare().unwrap())),
    );
    g.bench_function("bare reqwest: build the fetch request", |b| {
        b.iter(|| {
            black_box(
                s.bare
                    .get(format!(
                        "{}/v1/Services/{SERVICE}/Sessions/{SESSION}/Participants/{PARTICIPANT}",
                        s.base
                    ))
                    .basic_auth(ACCOUNT, Some(TOKEN))
                    .header("Accept", "application/json")
                    .build()
                    .unwrap(),
            )
        })
    });
    let body = participant_json().into_bytes();
    g.bench_function("decode the Participant", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Participant>(&body).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
