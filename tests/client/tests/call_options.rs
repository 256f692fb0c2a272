//! Per-call options on the wire: extra headers arrive (on every page of a list)
//! and cannot replace the client's own; a call's timeout ends a slow request in
//! bounded time while the client's default would wait, and overrides a short
//! client timeout the other way; a parameter named like an option keeps its
//! `_param` setter.

mod common;

use common::*;
use serde_json::json;
use std::time::{Duration, Instant};
use twilio_rest::{Client, Error, RequestOptions, RetryPolicy};
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client for `server` that never retries, so a timeout ends the call.
fn no_retry(server: &MockServer) -> twilio_rest::ClientBuilder {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .retry(RetryPolicy::none())
}

/// Answers `204` after `delay`.
async fn slow_server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(delay))
        .mount(&server)
        .await;
    server
}

fn delete_session(client: &Client) -> twilio_rest::proxy_v1::requests::DeleteSession {
    client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .delete()
}

fn is_timeout(e: &Error) -> bool {
    matches!(e, Error::Transport(t) if t.source.is_timeout())
}

#[tokio::test]
async fn extra_headers_arrive_beside_the_clients_credentials() {
    let server = slow_server(Duration::ZERO).await;
    let client = no_retry(&server).build().unwrap();
    delete_session(&client)
        .request_header("X-Request-Tag", "tag-1")
        .request_header(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.headers["x-request-tag"], "tag-1");
    assert_eq!(
        req.headers["traceparent"],
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    );
    let auth: Vec<_> = req.headers.get_all("authorization").iter().collect();
    assert_eq!(auth, [basic_auth().as_str()]);
}

#[tokio::test]
async fn headers_the_client_sets_are_refused_before_sending() {
    let server = slow_server(Duration::ZERO).await;
    let client = no_retry(&server).build().unwrap();
    for (name, value) in [
        ("Authorization", "Bearer stolen"),
        ("proxy-authorization", "Basic eA=="),
        ("User-Agent", "spoofed"),
        ("X-Bad", "line\r\nInjected: yes"),
    ] {
        let err = delete_session(&client)
            .request_header(name, value)
            .await
            .unwrap_err();
        match &err {
            Error::Validation(v) => assert_eq!(v.param, name),
            other => panic!("{name}: {other:?}"),
        }
        assert!(!err.to_string().contains(value.trim_end()), "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_call_timeout_ends_a_slow_request_while_the_client_default_waits() {
    let delay = Duration::from_millis(1500);
    let server = slow_server(delay).await;
    let client = no_retry(&server).build().unwrap();

    let started = Instant::now();
    let err = delete_session(&client)
        .attempt_timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(is_timeout(&err), "{err:?}");
    assert!(took < Duration::from_secs(1), "took {took:?}");

    // Without it, the client's default (60 s) lets the same request finish.
    let started = Instant::now();
    delete_session(&client).await.unwrap();
    assert!(started.elapsed() >= delay);
}

#[tokio::test]
async fn a_call_timeout_overrides_a_short_client_timeout() {
    let server = slow_server(Duration::from_millis(400)).await;
    let client = no_retry(&server)
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = delete_session(&client).await.unwrap_err();
    assert!(is_timeout(&err), "{err:?}");
    delete_session(&client)
        .attempt_timeout(Duration::from_secs(5))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_request_timeout_bounds_the_whole_call_with_its_retries() {
    // Every attempt stalls past its own timeout; the request timeout ends the call.
    let server = slow_server(Duration::from_secs(10)).await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .retry(
            RetryPolicy::default()
                .max_retries(50)
                .initial_backoff(Duration::from_millis(1)),
        )
        .attempt_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = delete_session(&client)
        .request_timeout(Duration::from_millis(500))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, twilio_rest::Error::Deadline(_)), "{err:?}");
    assert!(took < Duration::from_millis(900), "took {took:?}");
    // It says how long it allowed and how many attempts it made (about 3: each
    // 150 ms attempt times out, DELETE is retried).
    let attempts = err.attempts().unwrap();
    assert!((2..=4).contains(&attempts), "{attempts}: {err}");
    let shown = err.to_string();
    assert!(
        shown.contains("request timeout of 500ms")
            && shown.ends_with(&format!("after {attempts} attempts")),
        "{shown}"
    );
}

#[tokio::test]
async fn options_apply_to_every_page_and_can_be_shared() {
    let server = MockServer::start().await;
    let page = |n: usize, next: Option<String>| {
        json!({
            "participants": [{"sid": sid("KP", char::from(b'a' + n as u8)), "identifier": "+1555"}],
            "meta": {"page": n, "page_size": 1, "key": "participants", "next_page_url": next,
                     "previous_page_url": null, "first_page_url": "https://proxy.twilio.com/x",
                     "url": "https://proxy.twilio.com/x"}
        })
    };
    let second = format!(
        "https://proxy.twilio.com{}?PageSize=1&Page=1",
        participants_path()
    );
    Mock::given(method("GET"))
        .and(query_param("Page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, None)))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0, Some(second))))
        .mount(&server)
        .await;
    let client = no_retry(&server).build().unwrap();
    let shared = RequestOptions::new()
        .header("X-Request-Tag", "list-1")
        .request_timeout(Duration::from_secs(5))
        .attempt_timeout(Duration::from_secs(5));
    let items = client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .participants()
        .list()
        .request_options(shared)
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.headers["x-request-tag"], "list-1", "{}", r.url);
    }
}

#[tokio::test]
async fn a_parameter_named_like_an_option_keeps_its_own_setter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("RequestTimeout", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"type": "t"})))
        .mount(&server)
        .await;
    let client = fixture_client::Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::names_and_enums::API, server.uri())
        .build()
        .unwrap();
    let odd = client
        .names_and_enums()
        .odd_value(sid("OV", '0'))
        .fetch()
        .request_timeout_param(5)
        .request_timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(odd.r#type.as_deref(), Some("t"));
}
