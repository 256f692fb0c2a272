//! Resilience and safety of the runtime against in-process servers: which
//! failures are retried for which methods, `Retry-After`, the call deadline.

mod common;
mod raw;

use common::*;
use raw::{response, Hit, RawServer, Reply, Then};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use twilio_rest::{Client, Error, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Fast retries for tests: many allowed, waits of at most 2 ms.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
}

/// A client of `uri` (Proxy v1 and Flex v1) with `policy`.
fn client_at(uri: &str, policy: RetryPolicy) -> Client {
    builder_at(uri, policy).build().unwrap()
}

fn builder_at(uri: &str, policy: RetryPolicy) -> twilio_rest::ClientBuilder {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, uri)
        .base_url(twilio_rest::flex_v1::API, uri)
        .retry(policy)
}

/// [`client_at`] with a request timeout (the time a call may take in all).
fn client_within(uri: &str, policy: RetryPolicy, limit: Duration) -> Client {
    builder_at(uri, policy)
        .request_timeout(limit)
        .build()
        .unwrap()
}

/// Answers `status` (with `header`, if any) `failures` times, then 200 with a service.
struct Failing {
    calls: Arc<AtomicUsize>,
    failures: usize,
    status: u16,
    header: Option<(&'static str, String)>,
}

impl Respond for Failing {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) < self.failures {
            let r = ResponseTemplate::new(self.status).set_body_json(
                json!({"code": 20429, "message": "slow down", "status": self.status}),
            );
            match &self.header {
                Some((k, v)) => r.insert_header(*k, v.as_str()),
                None => r,
            }
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"sid": sid("KS", 'a')}))
        }
    }
}

async fn failing(
    failures: usize,
    status: u16,
    header: Option<(&'static str, String)>,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(any())
        .respond_with(Failing {
            calls: calls.clone(),
            failures,
            status,
            header,
        })
        .mount(&server)
        .await;
    (server, calls)
}

#[derive(Debug, Clone, Copy)]
enum Verb {
    Get,
    Delete,
    Post,
}

/// Sends one call of `verb` to the Proxy service API.
async fn call(client: &Client, verb: Verb) -> Result<(), Error> {
    let service = client.proxy_v1().service(sid("KS", 'a'));
    match verb {
        Verb::Get => service.fetch().await.map(drop),
        Verb::Delete => service.delete().await,
        Verb::Post => client
            .proxy_v1()
            .services()
            .create("unique")
            .await
            .map(drop),
    }
}

#[tokio::test]
async fn statuses_are_retried_by_method() {
    // (verb, status, retry_non_idempotent, attempts the server sees)
    let cases = [
        (Verb::Get, 503, false, 3),
        (Verb::Delete, 503, false, 3),
        (Verb::Post, 503, false, 1),
        (Verb::Post, 503, true, 3),
        (Verb::Get, 429, false, 3),
        (Verb::Post, 429, false, 3),
        (Verb::Get, 500, false, 1),
        (Verb::Post, 500, true, 1),
    ];
    for (verb, status, opt_in, want) in cases {
        let (server, calls) = failing(usize::MAX, status, None).await;
        let client = client_at(&server.uri(), fast().retry_non_idempotent(opt_in));
        let err = call(&client, verb).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{verb:?} {status}");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            want,
            "{verb:?} answered {status} (opted in: {opt_in})"
        );
    }
}

#[tokio::test]
async fn a_post_answered_429_is_retried_until_it_succeeds() {
    let (server, calls) = failing(2, 429, None).await;
    call(&client_at(&server.uri(), fast()), Verb::Post)
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    // Whole seconds: 2 s ahead is a wait of more than 1 s, whatever the rounding.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let (server, calls) = failing(1, 429, Some(("Retry-After", at))).await;
    let policy = fast().max_retry_after(Duration::from_secs(5));
    let started = Instant::now();
    call(&client_at(&server.uri(), policy), Verb::Get)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let (server, calls) = failing(1, 503, Some(("Retry-After", "1".to_owned()))).await;
    let started = Instant::now();
    call(&client_at(&server.uri(), fast()), Verb::Get)
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(started.elapsed() >= Duration::from_millis(950));
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_not_waited_for() {
    let (server, calls) = failing(1, 429, Some(("Retry-After", "120".to_owned()))).await;
    let policy = fast().max_retry_after(Duration::from_millis(500));
    let started = Instant::now();
    let err = call(&client_at(&server.uri(), policy), Verb::Get)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_deadline_ends_a_call_that_keeps_failing() {
    let (server, calls) = failing(usize::MAX, 503, None).await;
    let policy = RetryPolicy::default()
        .max_retries(10_000)
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(20));
    let started = Instant::now();
    let limit = Duration::from_millis(300);
    let err = call(&client_within(&server.uri(), policy, limit), Verb::Get)
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(calls.load(Ordering::SeqCst) > 1);
    assert!(
        err.status() == Some(503) || matches!(err, Error::Deadline(_)),
        "{err}"
    );
}

#[tokio::test]
async fn the_deadline_ends_a_slow_attempt() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"sid": sid("KS", 'a')}))
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    let limit = Duration::from_millis(200);
    let err = call(&client_within(&server.uri(), fast(), limit), Verb::Get)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(err, Error::Deadline(_)), "{err:?}");
    assert!(err.is_timeout());
}

/// What a raw server does with the connection of each request.
#[derive(Debug, Clone, Copy)]
enum Conn {
    /// Reads the request and closes the connection without answering.
    Close,
    /// Answers 200 with a `Content-Length` longer than the body, then closes.
    Truncate,
    /// Answers 200 with a service.
    Ok,
}

/// A raw HTTP/1.1 server (wiremock cannot break connections), the fault suite's
/// (`raw/mod.rs`): connection `n` gets `script[n]` (the last entry repeats).
async fn raw_server(script: Vec<Conn>) -> RawServer {
    RawServer::start(move |hit: Hit| {
        let action = script[hit.connection.min(script.len() - 1)];
        async move {
            let body = json!({"sid": sid("KS", 'a')}).to_string();
            let close = [("Connection", "close")];
            match action {
                Conn::Close => Reply::Write(Vec::new(), Then::Close),
                // A head promising 100 bytes more than the body that follows.
                Conn::Truncate => Reply::Write(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len() + 100
                    )
                    .into_bytes(),
                    Then::Close,
                ),
                Conn::Ok => Reply::Write(response(200, &close, body.as_bytes()), Then::Close),
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_get_and_delete_only() {
    for (verb, want_ok, want_requests) in [
        (Verb::Get, true, 2),
        (Verb::Delete, true, 2),
        (Verb::Post, false, 1),
    ] {
        let server = raw_server(vec![Conn::Close, Conn::Ok]).await;
        let result = call(&client_at(&server.uri(), fast()), verb).await;
        assert_eq!(result.is_ok(), want_ok, "{verb:?}: {result:?}");
        if let Err(e) = &result {
            assert!(matches!(e, Error::Transport(_)), "{e:?}");
        }
        assert_eq!(server.requests(), want_requests, "{verb:?}");
    }
}

#[tokio::test]
async fn a_truncated_response_is_retried_for_get() {
    let server = raw_server(vec![Conn::Truncate, Conn::Ok]).await;
    call(&client_at(&server.uri(), fast()), Verb::Get)
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_post() {
    // A port with nothing listening yet; the server starts there a little later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = format!("http://127.0.0.1:{port}");
    let policy = RetryPolicy::default()
        .max_retries(200)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(20));
    let client = client_within(&uri, policy, Duration::from_secs(10));
    let call = tokio::spawn(async move { call(&client, Verb::Post).await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": sid("KS", 'a')})))
        .mount(&server)
        .await;
    call.await.unwrap().unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn api_errors_name_the_call_and_the_request_id_without_credentials() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("Twilio-Request-Id", "RQ0123")
                .set_body_json(json!({"code": 20404, "message": "not found", "status": 404})),
        )
        .mount(&server)
        .await;
    // (A base URL with a user or password is refused when the client is built:
    // `a_base_url_with_a_password_is_refused_without_showing_it`.)
    let client = client_at(&server.uri(), RetryPolicy::none());
    let err = client
        .proxy_v1()
        .services()
        .list()
        .page_size(5)
        .page()
        .await
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.method, "GET");
    assert_eq!(api.url, format!("{}/v1/Services?PageSize=5", server.uri()));
    assert_eq!(err.request_id(), Some("RQ0123"));
    assert_eq!(err.code(), Some(20404));
    assert_eq!(err.status(), Some(404));
    assert!(err.is_not_found() && !err.is_rate_limited() && !err.is_timeout());
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("GET {}/v1/Services?PageSize=5", server.uri())),
        "{shown}"
    );
    assert!(shown.contains("RQ0123"), "{shown}");
    for text in [shown, format!("{err:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn rate_limits_and_timeouts_are_named() {
    let (server, _) = failing(usize::MAX, 429, None).await;
    let err = call(&client_at(&server.uri(), RetryPolicy::none()), Verb::Post)
        .await
        .unwrap_err();
    assert!(err.is_rate_limited() && err.is_transient(), "{err}");
    assert!(err.to_string().contains("on POST "), "{err}");
}

#[tokio::test]
async fn transport_errors_name_the_method_and_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = format!("http://127.0.0.1:{port}");
    let err = call(&client_at(&uri, RetryPolicy::none()), Verb::Post)
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.method, "POST");
    assert_eq!(t.url, format!("{uri}/v1/Services"));
    assert!(
        err.to_string()
            .starts_with(&format!("POST {uri}/v1/Services failed")),
        "{err}"
    );
    assert!(err.is_transient() && !err.is_timeout());
}

#[tokio::test]
async fn pages_keep_their_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Twilio-Request-Id", "RQpage")
                .set_body_json(json!({
                    "services": [{"sid": sid("KS", 'a')}],
                    "meta": {"key": "services", "next_page_url": null}
                })),
        )
        .mount(&server)
        .await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let page = client.proxy_v1().services().list().page().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["twilio-request-id"], "RQpage");
    let mut stream = client.proxy_v1().services().list().stream();
    assert_eq!(stream.last_status(), None);
    while let Some(item) = stream.next().await {
        item.unwrap();
    }
    assert_eq!(stream.last_status(), Some(200));
    assert_eq!(
        stream.last_headers().unwrap()["twilio-request-id"],
        "RQpage"
    );
}

/// Serves list pages of services by their `Page` query parameter (0 when absent):
/// page `n` has `script[n].0` items and `script[n].1` as its next link.
struct Script(Vec<(usize, Option<String>)>);

impl Respond for Script {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let page: usize = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "Page")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let (count, next) = &self.0[page];
        let items: Vec<_> = (0..*count)
            .map(|i| json!({"sid": format!("KS{:032x}", page * 100 + i)}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "services": items,
            "meta": {"key": "services", "page": page, "next_page_url": next}
        }))
    }
}

async fn scripted(script: Vec<(usize, Option<String>)>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Script(script))
        .mount(&server)
        .await;
    server
}

fn services_page(n: usize) -> Option<String> {
    Some(format!(
        "https://proxy.twilio.com/v1/Services?PageSize=2&Page={n}"
    ))
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_not_sent_credentials() {
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"services": []})))
        .mount(&elsewhere)
        .await;
    for foreign in [
        format!("{}/v1/Services?Page=1", elsewhere.uri()),
        "https://evil.example.com/v1/Services?Page=1".to_owned(),
    ] {
        let server = scripted(vec![(2, Some(foreign.clone())), (2, None)]).await;
        let client = client_at(&server.uri(), RetryPolicy::none());
        let mut stream = client.proxy_v1().services().list().stream();
        assert!(stream.next().await.unwrap().is_ok());
        assert!(stream.next().await.unwrap().is_ok());
        let err = stream.next().await.unwrap().unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Paging(twilio_rest::PagingError::UntrustedHost { url }) if *url == foreign
            ),
            "{err:?}"
        );
        assert!(stream.next().await.is_none());
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{foreign}"
        );
        let page = client.proxy_v1().services().list().page().await.unwrap();
        assert!(page.has_next());
        assert!(matches!(page.next_page().await, Err(Error::Paging(_))));
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_next_link_to_the_configured_base_url_is_followed_as_it_is() {
    let server = MockServer::start().await;
    let own = format!("{}/v1/Services?PageSize=2&Page=1", server.uri());
    Mock::given(any())
        .respond_with(Script(vec![(2, Some(own)), (1, None)]))
        .mount(&server)
        .await;
    let all = client_at(&server.uri(), RetryPolicy::none())
        .proxy_v1()
        .services()
        .list()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn pages_without_items_do_not_end_the_list() {
    let server = scripted(vec![
        (2, services_page(1)),
        (0, services_page(2)),
        (0, services_page(3)),
        (1, None),
    ])
    .await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let all = client.proxy_v1().services().list().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[2].sid.as_deref(),
        Some(format!("KS{:032x}", 300).as_str())
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    // Manual paging goes through the empty page too.
    let first = client.proxy_v1().services().list().page().await.unwrap();
    let second = first.next_page().await.unwrap().unwrap();
    assert!(second.items.is_empty() && second.has_next());
}

#[tokio::test]
async fn a_next_link_that_is_not_a_url_is_an_error_not_the_end() {
    // Ending the list here would cut it short without a word.
    let server = scripted(vec![(2, Some("https://[not a url".to_owned()))]).await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let result = client.proxy_v1().services().list().send().await;
    assert!(
        matches!(
            &result,
            Err(Error::Paging(twilio_rest::PagingError::Unreadable))
        ),
        "{result:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_next_link_that_repeats_a_fetched_page_is_an_error_not_a_loop() {
    // Page 2 (empty) links back to page 1.
    let server = scripted(vec![
        (2, services_page(1)),
        (2, services_page(2)),
        (0, services_page(1)),
    ])
    .await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let result = tokio::time::timeout(
        Duration::from_secs(5),
        client.proxy_v1().services().list().send(),
    )
    .await
    .expect("the list must end");
    assert!(
        matches!(
            &result,
            Err(Error::Paging(twilio_rest::PagingError::Repeated { .. }))
        ),
        "{result:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // A page linking to itself, paged by hand.
    let server = scripted(vec![(1, services_page(0))]).await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let first = client
        .proxy_v1()
        .services()
        .list()
        .page_size(2)
        .page()
        .await
        .unwrap();
    let again = first.next_page().await.unwrap().unwrap();
    assert!(matches!(again.next_page().await, Err(Error::Paging(_))));
}

/// A JWT-like value that must reach the wire and nothing else.
const FLEX_TOKEN: &str = "Token flex-insights-secret-jwt";

#[tokio::test]
async fn credential_header_parameters_are_sent_but_never_shown() {
    let server = MockServer::start().await;
    let next = "https://flex-api.twilio.com/v1/Insights/QualityManagement/Assessments?Page=1";
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "assessments": [{"assessment_sid": "x"}],
            "meta": {"key": "assessments", "next_page_url": next}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "code": 20003, "message": "Authenticate", "status": 401
        })))
        .mount(&server)
        .await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let list = || {
        client
            .flex_v1()
            .insights()
            .quality_management()
            .assessments()
            .list()
            .authorization(FLEX_TOKEN)
    };
    let builder = list();
    let prepared = list().prepare().unwrap();
    let page = list().page().await.unwrap();
    let err = page.next_page().await.unwrap_err();
    let shown = [
        format!("{builder:?}"),
        format!("{prepared:?}"),
        format!("{page:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{client:?}"),
    ];
    for text in &shown {
        assert!(!text.contains("flex-insights-secret-jwt"), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert!(shown[0].contains("***") && shown[1].contains("***") && shown[2].contains("***"));
    // …while the value is sent, on the first page and the next.
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        assert_eq!(req.headers["authorization"], FLEX_TOKEN);
    }
    assert!(prepared
        .headers
        .iter()
        .any(|(k, v)| k == "Authorization" && v.as_str() == FLEX_TOKEN));
}

/// A session's unique name of SID length (34 characters) that is not a `KC…` SID.
const SESSION_NAME: &str = "support-session-for-order-12345678";

fn participants_of(
    client: &Client,
    session: &str,
) -> twilio_rest::proxy_v1::requests::ListParticipant {
    client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(session)
        .participants()
        .list()
}

#[tokio::test]
async fn relaxed_patterns_let_a_unique_name_through_but_lengths_and_ranges_still_count() {
    assert_eq!(SESSION_NAME.len(), 34);
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "participants": [], "meta": {"key": "participants", "next_page_url": null}
        })))
        .mount(&server)
        .await;
    let strict = client_at(&server.uri(), RetryPolicy::none());
    let err = participants_of(&strict, SESSION_NAME).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "SessionSid"),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    let relaxed = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .relax_patterns(true)
        .build()
        .unwrap();
    participants_of(&relaxed, SESSION_NAME).await.unwrap();
    let req = only_request(&server).await;
    assert!(req.url.path().contains(SESSION_NAME), "{}", req.url);
    // Lengths and ranges are still checked.
    let err = participants_of(&relaxed, "short-name").await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "SessionSid"),
        "{err:?}"
    );
    let err = participants_of(&relaxed, SESSION_NAME)
        .page_size(5000)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "PageSize"),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn empty_and_dot_path_values_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .base_url(twilio_rest::flex_v1::API, server.uri())
        .relax_patterns(true)
        .build()
        .unwrap();
    // `Plugins/{Sid}` has no pattern or length: only the emptiness and dot rules
    // can refuse these.
    for value in ["", ".", ".."] {
        let err = client
            .flex_v1()
            .plugin_service()
            .plugin(value)
            .fetch()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v.param == "Sid"),
            "{value:?}: {err:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_date_time_that_does_not_parse_keeps_the_page_and_its_text() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "services": [
                {"sid": sid("KS", 'a'), "date_created": "2015-07-30T20:00:00Z"},
                {"sid": sid("KS", 'b'), "date_created": "not a date"},
                {"sid": sid("KS", 'c'), "date_created": ""}
            ],
            "meta": {"key": "services", "next_page_url": null}
        })))
        .mount(&server)
        .await;
    let all = client_at(&server.uri(), RetryPolicy::none())
        .proxy_v1()
        .services()
        .list()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let good = all[0].date_created.as_ref().unwrap();
    assert_eq!(
        good.parsed().unwrap().to_rfc3339(),
        "2015-07-30T20:00:00+00:00"
    );
    let bad = all[1].date_created.as_ref().unwrap();
    assert_eq!((bad.parsed(), bad.raw()), (None, "not a date"));
    assert_eq!(all[2].date_created, None, "an empty date is no date");
}

#[tokio::test]
async fn a_base_url_with_a_password_is_refused_without_showing_it() {
    let server = scripted(vec![(1, services_page(1)), (1, None)]).await;
    // reqwest would send the URL's user and password as a second Authorization
    // header beside the client's own: refused when the client is built.
    let uri = server.uri().replace("http://", "http://user:url-secret@");
    let builder = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, &uri);
    let shown = format!("{builder:?}");
    let err = builder.build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("user name or password"), "{err}");
    for text in [shown, err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("url-secret"), "{text}");
    }
    // Unparsable (a bad port): the error does not repeat the text either.
    let err = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(
            twilio_rest::proxy_v1::API,
            "https://u:url-secret@host:99999",
        )
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("url-secret"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn decode_errors_keep_the_request_id() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Twilio-Request-Id", "RQdecode")
                .set_body_string("{not json"),
        )
        .mount(&server)
        .await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let fetched = call(&client, Verb::Get).await.unwrap_err();
    let listed = client.proxy_v1().services().list().await.unwrap_err();
    let paged = client
        .proxy_v1()
        .services()
        .list()
        .page()
        .await
        .unwrap_err();
    for err in [fetched, listed, paged] {
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        assert_eq!(err.request_id(), Some("RQdecode"), "{err:?}");
        assert!(err.to_string().contains("RQdecode"), "{err}");
    }
}
