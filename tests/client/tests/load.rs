//! Load: 1,000 concurrent calls through one `Client` against an in-process server
//! on 127.0.0.1, all in flight at once (the server holds every answer until the
//! 1,000th request has arrived), with no retries so a failure shows as one.
//! Prints the figures in BENCHMARKS.md ("Load"); run with
//! `cargo test -p client-tests --test load -- --nocapture`.

mod raw;

use raw::{memory_kib, service_json, Hit, RawServer, Reply};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};
use twilio_rest::{Client, RetryPolicy};

const CALLS: usize = 1000;
/// How long the server waits for all calls to be in flight before answering.
const GATHER: Duration = Duration::from_secs(15);

/// A distinct Service SID per call, so each answer can be matched to its call.
fn sid(i: usize) -> String {
    format!("KS{i:032x}")
}

/// A server that answers each Service fetch with that Service once `CALLS`
/// requests are waiting (or `GATHER` has passed); returns it with the largest
/// number of requests it held at once and the gate (set it to `false` to gather
/// again).
async fn gathering_server() -> (RawServer, Arc<AtomicUsize>, Arc<Gate>) {
    let waiting = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (open, gate) = tokio::sync::watch::channel(false);
    let open = Arc::new(open);
    let gate_out = open.clone();
    let held = peak.clone();
    let server = RawServer::start(move |hit: Hit| {
        let (waiting, peak, open, mut gate) =
            (waiting.clone(), held.clone(), open.clone(), gate.clone());
        async move {
            let now = waiting.fetch_add(1, SeqCst) + 1;
            peak.fetch_max(now, SeqCst);
            if now >= CALLS {
                open.send_replace(true);
            }
            let _ = tokio::time::timeout(GATHER, gate.wait_for(|open| *open)).await;
            waiting.fetch_sub(1, SeqCst);
            let sid = hit.path().rsplit('/').next().unwrap_or_default().to_owned();
            Reply::ok(&service_json(&sid))
        }
    })
    .await;
    (server, peak, gate_out)
}

type Gate = tokio::sync::watch::Sender<bool>;

/// Raises the soft limit on open files to at least `want`, within the hard limit:
/// each call in flight holds two sockets here, the client's and the server's, and
/// a common default soft limit is 1024.
#[cfg(unix)]
fn raise_open_files(want: libc::rlim_t) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls get a valid pointer to an initialised `rlimit`.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < want {
            limit.rlim_cur = want.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// Sends `CALLS` fetches at once through `client`; returns the failures.
async fn burst(client: &Client) -> Vec<String> {
    let tasks: Vec<_> = (0..CALLS)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                match client.proxy_v1().service(sid(i)).fetch().await {
                    Ok(s) if s.sid.as_deref() == Some(sid(i).as_str()) => Ok(()),
                    Ok(s) => Err(format!("call {i}: answer for {:?}", s.sid)),
                    Err(e) => Err(format!("call {i}: {e}")),
                }
            })
        })
        .collect();
    let mut failures = Vec::new();
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(format!("task: {e}")),
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_one_client() {
    #[cfg(unix)]
    raise_open_files((2 * CALLS + 256) as libc::rlim_t);
    let (server, peak, gate) = gathering_server().await;
    let client = Client::builder()
        .credentials("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "the-auth-token")
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .attempt_timeout(Duration::from_secs(30))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let (hwm_before, _) = memory_kib().unwrap_or_default();

    let started = Instant::now();
    let failures = burst(&client).await;
    let wall = started.elapsed();
    let (hwm, rss) = memory_kib().unwrap_or_default();
    println!(
        "load | {CALLS} calls, one Client | {} in flight at once | {} failures | {} connections | {} ms | peak RSS (VmHWM) {:.1} MiB, +{:.1} MiB over the start; RSS after {:.1} MiB",
        peak.load(SeqCst),
        failures.len(),
        server.connections(),
        wall.as_millis(),
        hwm as f64 / 1024.0,
        hwm.saturating_sub(hwm_before) as f64 / 1024.0,
        rss as f64 / 1024.0,
    );
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(server.requests(), CALLS);
    assert_eq!(
        peak.load(SeqCst),
        CALLS,
        "not every call was in flight at once"
    );

    // Again, through the now-warm pool.
    peak.store(0, SeqCst);
    gate.send_replace(false);
    let connections = server.connections();
    let started = Instant::now();
    let failures = burst(&client).await;
    println!(
        "load | again, warm pool | {} in flight at once | {} failures | {} new connections | {} ms",
        peak.load(SeqCst),
        failures.len(),
        server.connections() - connections,
        started.elapsed().as_millis(),
    );
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(server.requests(), 2 * CALLS);
}
