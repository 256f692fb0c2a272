//! The client's own cost, without the network: building a request with a form body
//! (Flex participant create), decoding a list page of 50 participants, and
//! streaming 100 000 items over pages of 1000 from an in-process server, with
//! allocations and peak heap counted by a counting allocator. See BENCHMARKS.md.

use criterion::{criterion_group, Criterion, Throughput};
use futures_util::StreamExt;
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use twilio_rest::{Client, Paged};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Counts allocations, live bytes and the peak of live bytes.
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        if new_size >= layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn sid(prefix: &str) -> String {
    format!("{prefix}{}", "a".repeat(32))
}

fn offline_client() -> Client {
    // Nothing is sent: `prepare` stops before the network.
    Client::builder()
        .credentials(ACCOUNT, "token")
        .base_url(twilio_rest::flex_v1::API, "http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn build_create(client: &Client) -> twilio_rest::PreparedRequest {
    client
        .flex_v1()
        .interaction(sid("KD"))
        .channel(sid("UO"))
        .participants()
        .create(
            twilio_rest::flex_v1::models::InteractionChannelParticipantType::Customer,
            json!({"name": "Customer", "address": "+15555550100"}),
        )
        .routing_properties(json!({"worker_sid": sid("WK")}))
        .prepare()
        .unwrap()
}

fn participant(i: usize) -> serde_json::Value {
    json!({
        "sid": format!("UT{i:032x}"), "type": "customer",
        "interaction_sid": sid("KD"), "channel_sid": sid("UO"),
        "url": format!("https://flex-api.twilio.com/v1/Interactions/{}/Channels/{}/Participants/UT{i:032x}", sid("KD"), sid("UO")),
        "routing_properties": {"task_sid": sid("WT")}
    })
}

fn page_of_50() -> Vec<u8> {
    let items: Vec<_> = (0..50).map(participant).collect();
    serde_json::to_vec(&json!({
        "participants": items,
        "meta": {"page": 0, "page_size": 50, "key": "participants", "next_page_url": null, "previous_page_url": null,
                 "first_page_url": "https://flex-api.twilio.com/v1/x", "url": "https://flex-api.twilio.com/v1/x"}
    }))
    .unwrap()
}

fn decode(bytes: &[u8]) -> usize {
    let page: twilio_rest::flex_v1::models::ListInteractionChannelParticipantResponse =
        serde_json::from_slice(bytes).unwrap();
    page.into_parts().0.len()
}

/// Serves `total` Proxy participants in pages of `size`, built on request.
struct Pages {
    total: usize,
    size: usize,
}

impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let page: usize = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "Page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let start = page * self.size;
        let end = (start + self.size).min(self.total);
        let mut body = String::with_capacity(self.size * 120 + 400);
        body.push_str(r#"{"participants":["#);
        for i in start..end {
            if i > start {
                body.push(',');
            }
            body.push_str(&format!(
                r#"{{"sid":"KP{i:032x}","identifier":"+15555550100","friendly_name":"p"}}"#
            ));
        }
        let next = if end < self.total {
            format!(
                r#""https://proxy.twilio.com{}?PageSize={}&Page={}""#,
                req.url.path(),
                self.size,
                page + 1
            )
        } else {
            "null".to_owned()
        };
        body.push_str(&format!(r#"],"meta":{{"page":{page},"page_size":{},"key":"participants","next_page_url":{next}}}}}"#, self.size));
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}

const TOTAL: usize = 100_000;
const PAGE: usize = 1000;

fn list(client: &Client) -> twilio_rest::proxy_v1::requests::ListParticipant {
    client
        .proxy_v1()
        .service(sid("KS"))
        .session(sid("KC"))
        .participants()
        .list()
        .page_size(PAGE as u32)
}

async fn stream_all(client: &Client) -> usize {
    let mut stream = Box::pin(list(client).stream());
    let mut n = 0;
    while let Some(item) = stream.next().await {
        black_box(item.unwrap());
        n += 1;
    }
    n
}

/// Allocations per call of `f`, averaged over `n` calls.
fn allocations(n: usize, mut f: impl FnMut()) -> f64 {
    let before = ALLOCS.load(Relaxed);
    for _ in 0..n {
        f();
    }
    (ALLOCS.load(Relaxed) - before) as f64 / n as f64
}

/// Peak live heap above the level when `f` starts.
fn peak_above_baseline(f: impl FnOnce()) -> usize {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    f();
    PEAK.load(Relaxed).saturating_sub(base)
}

fn setup() -> (tokio::runtime::Runtime, MockServer, Client) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::method("GET"))
            .respond_with(Pages {
                total: TOTAL,
                size: PAGE,
            })
            .mount(&server)
            .await;
        server
    });
    let client = Client::builder()
        .credentials(ACCOUNT, "token")
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .build()
        .unwrap();
    (rt, server, client)
}

fn report() {
    let client = offline_client();
    let allocs = allocations(1000, || {
        black_box(build_create(&client));
    });
    println!("build Flex participant create request: {allocs:.1} allocations per request");
    let bytes = page_of_50();
    let allocs = allocations(200, || {
        black_box(decode(&bytes));
    });
    println!(
        "decode a page of 50 participants ({} bytes): {allocs:.0} allocations per page",
        bytes.len()
    );

    let (rt, _server, client) = setup();
    let started = std::time::Instant::now();
    let streamed = peak_above_baseline(|| assert_eq!(rt.block_on(stream_all(&client)), TOTAL));
    let secs = started.elapsed().as_secs_f64();
    println!(
        "stream {TOTAL} items in pages of {PAGE}: {secs:.2} s ({:.0} items/s), peak heap +{:.1} MiB",
        TOTAL as f64 / secs,
        streamed as f64 / 1048576.0
    );
    let collected =
        peak_above_baseline(|| assert_eq!(rt.block_on(list(&client).send()).unwrap().len(), TOTAL));
    println!(
        "for comparison, collecting all {TOTAL} items: peak heap +{:.1} MiB",
        collected as f64 / 1048576.0
    );
}

fn bench(c: &mut Criterion) {
    let client = offline_client();
    let mut g = c.benchmark_group("client");
    g.bench_function("build Flex participant create request", |b| {
        b.iter(|| black_box(build_create(&client)))
    });
    let bytes = page_of_50();
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("decode a page of 50 participants", |b| {
        b.iter(|| black_box(decode(&bytes)))
    });
    g.finish();

    let (rt, _server, client) = setup();
    let mut g = c.benchmark_group("pagination");
    g.sample_size(10);
    g.throughput(Throughput::Elements(TOTAL as u64));
    g.bench_function("stream 100k items in pages of 1000", |b| {
        b.iter(|| rt.block_on(stream_all(&client)))
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
