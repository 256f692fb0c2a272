//! Errors as applications report them: through `anyhow` (`{:#}` and `{:?}`) every
//! cause of a chain appears exactly once (each error's `Display` says its own
//! part only; the cause is its `source()`), and a call that was retried says how
//! many attempts it made.

mod common;
mod raw;

use common::{ACCOUNT, TOKEN};
use raw::{response, RawServer, Reply, Then};
use std::time::Duration;
use twilio_rest::{Client, Error, RetryPolicy};

fn sid() -> String {
    format!("KS{}", "a".repeat(32))
}

/// Retries at most twice, quickly.
fn client_at(uri: &str) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, uri)
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

async fn fetch(client: &Client) -> Error {
    client
        .proxy_v1()
        .service(sid())
        .fetch()
        .await
        .expect_err("the call should fail")
}

/// The `Display` of `err` and of each of its causes, outermost first.
fn chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(err), |e| e.source())
        .map(ToString::to_string)
        .collect()
}

/// Reports `err` through anyhow as `{:#}` and `{:?}` and checks that each cause
/// appears in both exactly once; returns the causes.
fn assert_each_cause_once(err: Error) -> Vec<String> {
    let causes = chain(&err);
    let report = anyhow::Error::new(err);
    let alternate = format!("{report:#}");
    let debug = format!("{report:?}");
    for cause in &causes {
        assert!(!cause.is_empty());
        for (style, text) in [("{:#}", &alternate), ("{:?}", &debug)] {
            assert_eq!(
                text.matches(cause.as_str()).count(),
                1,
                "`{cause}` in {style}:\n{text}"
            );
        }
    }
    assert_eq!(alternate, causes.join(": "));
    causes
}

#[tokio::test]
async fn a_transport_error_reports_its_causes_once_and_its_attempts() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fetch(&client_at(&format!("http://127.0.0.1:{port}"))).await;
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.attempts(), Some(3));
    let causes = assert_each_cause_once(err);
    assert_eq!(
        causes[0],
        format!(
            "GET http://127.0.0.1:{port}/v1/Services/{} failed after 3 attempts",
            sid()
        )
    );
    // reqwest's error and at least one cause below it (the refused connection).
    assert!(causes.len() >= 3, "{causes:#?}");
}

#[tokio::test]
async fn a_decode_error_reports_the_decoders_message_once() {
    let server = RawServer::start(|_| async { Reply::ok(r#"{"sid": oops}"#) }).await;
    let err = fetch(&client_at(&server.uri())).await;
    assert!(matches!(&err, Error::Decode(_)), "{err:?}");
    let causes = assert_each_cause_once(err);
    assert_eq!(causes.len(), 2, "{causes:#?}");
    assert!(
        causes[0].starts_with("cannot decode the HTTP 200 response (body starts: {\"sid\": oops})")
    );
    assert!(causes[1].contains("line 1 column"), "{}", causes[1]);
}

#[tokio::test]
async fn an_api_error_that_persists_says_how_many_attempts_it_made() {
    let server = RawServer::start(|_| async {
        let body = br#"{"code": 20003, "message": "Service unavailable", "status": 503}"#;
        Reply::Write(response(503, &[], body), Then::KeepAlive)
    })
    .await;
    let err = fetch(&client_at(&server.uri())).await;
    assert_eq!(server.requests(), 3);
    assert_eq!(err.attempts(), Some(3));
    let causes = assert_each_cause_once(err);
    assert_eq!(causes.len(), 1);
    assert!(
        causes[0].ends_with(": Service unavailable after 3 attempts"),
        "{}",
        causes[0]
    );
    // One attempt: nothing said about attempts.
    let server = RawServer::start(|_| async {
        Reply::Write(
            response(404, &[], br#"{"code": 20404, "message": "Not found"}"#),
            Then::KeepAlive,
        )
    })
    .await;
    let err = fetch(&client_at(&server.uri())).await;
    assert_eq!(err.attempts(), Some(1));
    assert!(!err.to_string().contains("attempt"), "{err}");
}

#[test]
fn a_configuration_error_keeps_the_parsers_message_as_its_cause() {
    let err = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, "127.0.0.1:4010")
        .build()
        .unwrap_err();
    assert!(matches!(&err, Error::Config(_)), "{err:?}");
    let causes = assert_each_cause_once(err);
    assert_eq!(causes.len(), 2, "{causes:#?}");
    assert!(
        causes[0].contains("TWILIO_PROXY_V1_BASE_URL")
            && causes[0].contains("`ClientBuilder::base_url`"),
        "{}",
        causes[0]
    );
    assert_eq!(causes[1], "relative URL without a base");
}

#[tokio::test]
async fn a_request_timeout_reports_its_attempts() {
    // Headers never come: each 100 ms attempt times out, GET is retried.
    let server = RawServer::start(|_| async {
        Reply::Write(Vec::new(), Then::Stall(Duration::from_secs(30)))
    })
    .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .retry(
            RetryPolicy::default()
                .max_retries(100)
                .initial_backoff(Duration::ZERO),
        )
        .attempt_timeout(Duration::from_millis(100))
        .request_timeout(Duration::from_millis(350))
        .build()
        .unwrap();
    let err = fetch(&client).await;
    assert!(matches!(&err, Error::Deadline(_)), "{err:?}");
    let attempts = err.attempts().unwrap();
    assert!((3..=4).contains(&attempts), "{attempts}");
    let causes = assert_each_cause_once(err);
    assert_eq!(
        causes,
        [format!(
            "GET {}/v1/Services/{} did not finish within its request timeout of 350ms after {attempts} attempts",
            server.uri(),
            sid()
        )]
    );
}
