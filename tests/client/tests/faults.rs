//! Fault injection against an in-process server: every fault ends in success
//! after a bounded retry or in a typed error, within a bounded time; never a panic
//! or a hang. Each case prints its outcome (see BENCHMARKS.md, "Faults"); run with
//! `cargo test -p client-tests --test faults -- --nocapture`.
//!
//! The client under test retries at most twice with short backoffs and times out
//! after 1 s, so every case is fast; the bound each must finish within
//! ([`BOUND`]) is generous for a busy machine.
//!
//! Where a retry rule applies (transport errors of idempotent requests, 429 for
//! every method, `Retry-After` as an HTTP-date and its cap; see
//! `runtime/src/retry.rs`), the case asserts the exact attempt count it implies.

mod raw;

use raw::{response, service_json, Hit, RawServer, Reply, Then};
use std::future::IntoFuture;
use std::time::{Duration, Instant};
use twilio_rest::{Client, Error, RetryPolicy};

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "the-auth-token";
/// The client's timeout per request.
const TIMEOUT: Duration = Duration::from_secs(1);
/// Retries after the first attempt.
const RETRIES: usize = 2;
/// Every case must end within this (a hang fails the test here).
const BOUND: Duration = Duration::from_secs(20);

fn sid() -> String {
    format!("KS{}", "a".repeat(32))
}

fn client_with(server: &RawServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .attempt_timeout(TIMEOUT)
        .retry(retry)
        .build()
        .unwrap()
}

fn client(server: &RawServer) -> Client {
    client_with(
        server,
        RetryPolicy::default()
            .max_retries(RETRIES as u32)
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_millis(300)),
    )
}

/// Runs `call`, failing the test if it takes longer than [`BOUND`]; returns its
/// result and how long it took.
async fn bounded<T>(case: &str, call: impl IntoFuture<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    match tokio::time::timeout(BOUND, call).await {
        Ok(r) => (r, started.elapsed()),
        Err(_) => panic!("{case}: no result within {BOUND:?}"),
    }
}

/// A short name for an outcome, for the printed report.
fn outcome<T>(r: &Result<T, Error>) -> String {
    match r {
        Ok(_) => "success".to_owned(),
        Err(Error::Api(e)) => format!("Error::Api (HTTP {})", e.status),
        Err(Error::Transport(e)) if e.source.is_timeout() => {
            "Error::Transport (timeout)".to_owned()
        }
        Err(Error::Transport(e)) if e.source.is_connect() => {
            "Error::Transport (connect)".to_owned()
        }
        Err(Error::Transport(_)) => "Error::Transport".to_owned(),
        Err(Error::Decode(e)) => format!("Error::Decode (HTTP {})", e.status),
        Err(Error::BodyTooLarge(e)) => format!("Error::BodyTooLarge (limit {} bytes)", e.limit),
        Err(e) => format!("other: {e}"),
    }
}

fn report<T>(case: &str, r: &Result<T, Error>, attempts: usize, elapsed: Duration) {
    println!(
        "fault | {case} | {} | {attempts} attempt(s) | {} ms",
        outcome(r),
        elapsed.as_millis()
    );
}

/// Fetches the Proxy Service [`sid`] and checks what came back when it succeeded.
async fn fetch(client: &Client) -> Result<(), Error> {
    let service = client.proxy_v1().service(sid()).fetch().await?;
    assert_eq!(service.sid.as_deref(), Some(sid().as_str()));
    assert_eq!(service.default_ttl, Some(3600));
    Ok(())
}

/// For a GET whose first attempt failed in transport: retried (idempotent), so
/// success on the second attempt.
fn assert_retried_or_transport(case: &str, r: &Result<(), Error>, attempts: usize) {
    match r {
        Ok(()) => assert_eq!(attempts, 2, "{case}: success after one retry"),
        Err(e) => panic!("{case}: expected success after one retry, got {e:?}"),
    }
}

/// The server answers request `n` with `first` if `n` is 0, else with the Service.
async fn first_then_ok(first: Reply) -> RawServer {
    RawServer::start(move |hit: Hit| {
        let first = first.clone();
        async move {
            if hit.request == 0 {
                first
            } else {
                Reply::ok(&service_json(&sid()))
            }
        }
    })
    .await
}

#[tokio::test]
async fn connection_reset_before_headers_on_a_get() {
    let server = first_then_ok(Reply::reset()).await;
    let (r, t) = bounded("reset before headers", fetch(&client(&server))).await;
    report("reset before headers, GET", &r, server.requests(), t);
    // A transport error of an idempotent request is retried: success after 2
    // attempts.
    assert_retried_or_transport("reset before headers", &r, server.requests());
}

#[tokio::test]
async fn connection_reset_before_headers_on_a_post_is_not_retried() {
    let server = RawServer::start(|_| async { Reply::reset() }).await;
    let (r, t) = bounded(
        "reset before headers, POST",
        client(&server).proxy_v1().services().create("support"),
    )
    .await;
    report("reset before headers, POST", &r, server.requests(), t);
    // The request reached the server: sending it again could create the Service
    // twice.
    assert!(matches!(r, Err(Error::Transport(_))), "{r:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn connection_reset_after_headers() {
    // The head and the first 50 bytes of the body; a pause, so the client has read
    // them, then a reset.
    let body = service_json(&sid());
    let mut bytes = response(200, &[], body.as_bytes());
    bytes.truncate(bytes.len() - body.len() + 50);
    let server = first_then_ok(Reply::Write(
        bytes,
        Then::ResetAfter(Duration::from_millis(50)),
    ))
    .await;
    let (r, t) = bounded("reset after headers", fetch(&client(&server))).await;
    report("reset after headers, GET", &r, server.requests(), t);
    // A transport error of an idempotent request is retried: success after 2
    // attempts.
    assert_retried_or_transport("reset after headers", &r, server.requests());
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length() {
    let body = service_json(&sid());
    let mut bytes = response(200, &[], body.as_bytes());
    bytes.truncate(bytes.len() - body.len() / 2);
    let server = first_then_ok(Reply::Write(bytes, Then::Close)).await;
    let (r, t) = bounded("truncated body", fetch(&client(&server))).await;
    report(
        "truncated body (Content-Length), GET",
        &r,
        server.requests(),
        t,
    );
    // A transport error of an idempotent request is retried: success after 2
    // attempts.
    assert_retried_or_transport("truncated body", &r, server.requests());
}

#[tokio::test]
async fn a_close_delimited_body_cut_short_is_a_decode_error() {
    let body = service_json(&sid());
    let bytes = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}",
        &body[..body.len() / 2]
    );
    let server = RawServer::start(move |_| {
        let bytes = bytes.clone();
        async move { Reply::Write(bytes.into_bytes(), Then::Close) }
    })
    .await;
    let (r, t) = bounded("close-delimited truncated body", fetch(&client(&server))).await;
    report(
        "truncated body (close-delimited), GET",
        &r,
        server.requests(),
        t,
    );
    // Without a length the end of the stream is the end of the body: what arrived
    // is complete as far as HTTP can tell, and it is not the JSON the spec declares.
    match &r {
        Err(Error::Decode(e)) => {
            assert_eq!(e.status, 200);
            assert!(e.excerpt.starts_with(r#"{"sid":"KS"#), "{}", e.excerpt);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn headers_slower_than_the_timeout() {
    let server = RawServer::start(|_| async {
        Reply::Write(
            b"HTTP/1.1 200 OK\r\n".to_vec(),
            Then::Stall(Duration::from_secs(30)),
        )
    })
    .await;
    let (r, t) = bounded("slow headers", fetch(&client(&server))).await;
    let attempts = server.requests();
    report("headers slower than the timeout, GET", &r, attempts, t);
    match &r {
        Err(Error::Transport(e)) => assert!(e.source.is_timeout(), "{e:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // A timeout of an idempotent request is retried; each attempt waited for the
    // whole timeout.
    assert_eq!(attempts, 1 + RETRIES);
    assert!(t >= TIMEOUT * attempts as u32, "{t:?}");
}

const HTML_502: &str = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>";

#[tokio::test]
async fn a_502_with_an_html_body_is_an_api_error() {
    let server = RawServer::start(|_| async {
        Reply::Write(
            response(502, &[("Content-Type", "text/html")], HTML_502.as_bytes()),
            Then::KeepAlive,
        )
    })
    .await;
    let (r, t) = bounded("502 html", fetch(&client(&server))).await;
    report("502 with an HTML body, GET", &r, server.requests(), t);
    match &r {
        Err(Error::Api(e)) => {
            assert_eq!((e.status, e.code), (502, None));
            assert!(e.message.contains("<h1>502 Bad Gateway</h1>"), "{e:?}");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    // 502 is not among the retried statuses (429, 503).
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_503_with_an_html_body_is_retried() {
    let html = HTML_502.replace("502 Bad Gateway", "503 Service Unavailable");
    let server = first_then_ok(Reply::Write(
        response(503, &[("Content-Type", "text/html")], html.as_bytes()),
        Then::KeepAlive,
    ))
    .await;
    let (r, t) = bounded("503 html then 200", fetch(&client(&server))).await;
    report(
        "503 with an HTML body, then 200, GET",
        &r,
        server.requests(),
        t,
    );
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_503_that_persists_ends_after_the_retries() {
    let server = RawServer::start(|_| async {
        Reply::Write(
            response(503, &[("Content-Type", "text/html")], b"<html>down</html>"),
            Then::KeepAlive,
        )
    })
    .await;
    let (r, t) = bounded("503 always", fetch(&client(&server))).await;
    report("503 on every attempt, GET", &r, server.requests(), t);
    assert!(matches!(&r, Err(Error::Api(e)) if e.status == 503), "{r:?}");
    assert_eq!(server.requests(), 1 + RETRIES);
    let shown = r.unwrap_err().to_string();
    assert!(
        shown.ends_with(&format!("after {} attempts", 1 + RETRIES)),
        "{shown}"
    );
}

/// `Retry-After` as an HTTP-date `secs` seconds from now.
fn http_date_in(secs: u64) -> String {
    let at = std::time::SystemTime::now() + Duration::from_secs(secs);
    twilio_rest_runtime::chrono::DateTime::<twilio_rest_runtime::chrono::Utc>::from(at)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[tokio::test]
async fn a_429_with_an_http_date_retry_after() {
    let date = http_date_in(2);
    let server = first_then_ok(Reply::Write(
        response(
            429,
            &[("Retry-After", &date)],
            br#"{"code":20429,"message":"Too Many Requests","status":429}"#,
        ),
        Then::KeepAlive,
    ))
    .await;
    // A cap above the date's distance, so a runtime that honours the date waits
    // for it.
    let client = client_with(
        &server,
        RetryPolicy::default()
            .max_retries(RETRIES as u32)
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_secs(5)),
    );
    let (r, t) = bounded("429 http-date", fetch(&client)).await;
    report(
        "429 with Retry-After as an HTTP-date (+2 s), then 200, GET",
        &r,
        server.requests(),
        t,
    );
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(server.requests(), 2);
    // The HTTP-date is honoured: a wait of 1 to 2 s (the date has whole seconds).
    assert!(t >= Duration::from_millis(900), "{t:?}");
    assert!(t < Duration::from_secs(5) + TIMEOUT, "{t:?}");
}

#[tokio::test]
async fn a_retry_after_date_beyond_the_cap_is_not_waited_for() {
    let server = first_then_ok(Reply::Write(
        response(
            429,
            &[("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT")],
            br#"{"code":20429,"message":"Too Many Requests","status":429}"#,
        ),
        Then::KeepAlive,
    ))
    .await;
    let (r, t) = bounded("429 far date", fetch(&client(&server))).await;
    report(
        "429 with Retry-After in 2100, GET (beyond max_retry_after)",
        &r,
        server.requests(),
        t,
    );
    // Retrying sooner than the server asked would be refused again: the 429 is
    // returned at once.
    assert!(matches!(&r, Err(Error::Api(e)) if e.status == 429), "{r:?}");
    assert_eq!(server.requests(), 1);
    assert!(t < Duration::from_secs(5), "{t:?}");
}

#[tokio::test]
async fn a_429_on_a_post() {
    let server = RawServer::start(|hit: Hit| async move {
        if hit.request == 0 {
            Reply::Write(
                response(
                    429,
                    &[("Retry-After", "0")],
                    br#"{"code":20429,"message":"Too Many Requests","status":429}"#,
                ),
                Then::KeepAlive,
            )
        } else {
            Reply::Write(
                response(201, &[], service_json(&sid()).as_bytes()),
                Then::KeepAlive,
            )
        }
    })
    .await;
    let (r, t) = bounded(
        "429 on POST",
        client(&server).proxy_v1().services().create("support"),
    )
    .await;
    report("429, then 201, POST", &r, server.requests(), t);
    // A 429 means the request was not processed, so it is sent again, POST too.
    match &r {
        Ok(s) => {
            assert_eq!(s.sid.as_deref(), Some(sid().as_str()));
            assert_eq!(server.requests(), 2);
        }
        Err(e) => panic!("expected success after one retry, got {e:?}"),
    }
}

#[tokio::test]
async fn a_server_that_closes_every_connection_after_answering() {
    // The response does not say `Connection: close`; the server closes anyway.
    let server = RawServer::start(|_| async {
        Reply::Write(
            response(200, &[], service_json(&sid()).as_bytes()),
            Then::Close,
        )
    })
    .await;
    let client = client(&server);
    let (results, t) = bounded("keep-alive closed", async {
        let mut results = Vec::new();
        for _ in 0..10 {
            results.push(fetch(&client).await);
            // Time for the client to see the close of its idle connection.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        results
    })
    .await;
    let failures = results.iter().filter(|r| r.is_err()).count();
    println!(
        "fault | server closes kept-alive connections (10 GETs, 50 ms apart) | {} successes, {failures} failures | {} attempt(s), {} connections | {} ms",
        results.len() - failures,
        server.requests(),
        server.connections(),
        t.as_millis()
    );
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!((server.requests(), server.connections()), (10, 10));
}

#[tokio::test]
async fn a_pooled_connection_closed_after_the_server_read_the_request() {
    // Request 0 is answered and its connection kept; request 1, sent on that pooled
    // connection, is read and the connection closed without an answer.
    let second_on = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX));
    let seen = second_on.clone();
    let server = RawServer::start(move |hit: Hit| {
        let seen = seen.clone();
        async move {
            match hit.request {
                1 => {
                    seen.store(hit.connection, std::sync::atomic::Ordering::SeqCst);
                    Reply::Write(Vec::new(), Then::Close)
                }
                _ => Reply::ok(&service_json(&sid())),
            }
        }
    })
    .await;
    let client = client(&server);
    let (first, _) = bounded("first call", fetch(&client)).await;
    assert!(first.is_ok(), "{first:?}");
    let (r, t) = bounded("stale pooled connection", fetch(&client)).await;
    let attempts = server.requests() - 1;
    assert_eq!(
        second_on.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the second call was sent on the pooled connection"
    );
    report(
        "pooled connection closed after the request was read, GET",
        &r,
        attempts,
        t,
    );
    // A transport error of an idempotent request is retried: success after 2
    // attempts (the second on a new connection).
    assert_retried_or_transport("stale pooled connection", &r, attempts);
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let server = RawServer::start(|_| async {
        Reply::ok(r#"{"sid": "KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", oops}"#)
    })
    .await;
    let (r, t) = bounded("invalid json", fetch(&client(&server))).await;
    report("invalid JSON in a 200, GET", &r, server.requests(), t);
    match &r {
        Err(Error::Decode(e)) => {
            assert_eq!(e.status, 200);
            assert!(e.excerpt.contains("oops"), "{}", e.excerpt);
            assert!(e.source.is_syntax(), "{:?}", e.source);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_far_larger_than_expected() {
    // A Service with an unknown 32 MiB field: about 30 000 times the usual size.
    const PADDING: usize = 32 << 20;
    let body = format!(
        r#"{{"padding":"{}",{}"#,
        "x".repeat(PADDING),
        &service_json(&sid())[1..]
    );
    let bytes = std::sync::Arc::new(response(200, &[], body.as_bytes()));
    let server = RawServer::start(move |_| {
        let bytes = bytes.clone();
        async move { Reply::Write(bytes.to_vec(), Then::KeepAlive) }
    })
    .await;
    let (r, t) = bounded("large body", fetch(&client(&server))).await;
    report("32 MiB body (unknown field), GET", &r, server.requests(), t);
    // Under the 64 MiB cap: the body is read and the unknown field skipped.
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_that_never_ends() {
    let server = RawServer::start(|_| async {
        Reply::Endless {
            chunk: vec![b' '; 64 << 10],
            every: Duration::from_millis(5),
        }
    })
    .await;
    let (r, t) = bounded("endless body", fetch(&client(&server))).await;
    let attempts = server.requests();
    report("endless body (64 KiB every 5 ms), GET", &r, attempts, t);
    match &r {
        Err(Error::Transport(e)) => assert!(e.source.is_timeout(), "{e:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // A timeout of an idempotent request is retried.
    assert_eq!(attempts, 1 + RETRIES);
}

#[tokio::test]
async fn a_body_that_never_ends_is_refused_at_the_size_cap() {
    let server = RawServer::start(|_| async {
        Reply::Endless {
            chunk: vec![b' '; 64 << 10],
            every: Duration::from_millis(1),
        }
    })
    .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .max_body_size(1 << 20)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let (r, t) = bounded("endless body, 1 MiB cap", fetch(&client)).await;
    report("endless body, 1 MiB cap, GET", &r, server.requests(), t);
    match &r {
        Err(Error::BodyTooLarge(e)) => {
            assert_eq!((e.status, e.limit), (200, 1 << 20));
            assert!(e
                .to_string()
                .contains("longer than the client's limit of 1048576 bytes"));
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    // Not retried: the same body would come again.
    assert_eq!(server.requests(), 1);
    assert!(!r.unwrap_err().is_transient());
}

#[tokio::test]
async fn a_content_length_over_the_default_cap_is_refused_before_the_body() {
    // 200 MiB announced; only the head is written, then the server waits. The
    // client refuses it at once rather than waiting for (or reading) the body.
    let server = RawServer::start(|_| async {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            200u64 << 20
        );
        Reply::Write(head.into_bytes(), Then::Stall(Duration::from_secs(10)))
    })
    .await;
    let (r, t) = bounded("200 MiB Content-Length", fetch(&client(&server))).await;
    report("200 MiB Content-Length, GET", &r, server.requests(), t);
    match &r {
        Err(Error::BodyTooLarge(e)) => {
            assert_eq!(e.limit, twilio_rest_runtime::DEFAULT_MAX_BODY_SIZE)
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert!(t < TIMEOUT, "took {t:?}: the body was waited for");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_refused_connection() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(
            twilio_rest::proxy_v1::API,
            format!("http://127.0.0.1:{port}"),
        )
        .attempt_timeout(TIMEOUT)
        .retry(
            RetryPolicy::default()
                .max_retries(RETRIES as u32)
                .initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let (r, t) = bounded("refused", fetch(&client)).await;
    report("connection refused, GET", &r, 0, t);
    match &r {
        Err(Error::Transport(e)) => assert!(e.source.is_connect(), "{e:?}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
}
