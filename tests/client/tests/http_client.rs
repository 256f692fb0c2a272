//! Bringing your own HTTP client: a `reqwest::Client` that trusts a private CA
//! reaches an in-process HTTPS server whose certificate that CA signed (made at
//! test time), for operations and OAuth token requests alike; the default client,
//! which trusts only public roots, refuses the same server with a transport error.

mod common;
#[path = "common/tls.rs"]
mod tls;

use common::*;
use twilio_rest::{Client, Error};

/// An HTTPS server on 127.0.0.1 with a certificate signed by a fresh CA, and the
/// CA. `/v2/token` answers an OAuth token, everything else `204 No Content`.
async fn https_server() -> (tls::Server, tls::Ca) {
    let ca = tls::Ca::new();
    let server = ca
        .serve(&["127.0.0.1"], |seen| {
            if seen.path() == "/v2/token" {
                let token = br#"{"access_token":"the-bearer","expires_in":3600}"#;
                (200, Some("application/json"), token.to_vec())
            } else {
                (204, None, Vec::new())
            }
        })
        .await;
    (server, ca)
}

/// Method, path and `Authorization` of each request `server` saw.
fn seen(server: &tls::Server) -> Vec<(String, String, Option<String>)> {
    server
        .seen()
        .into_iter()
        .map(|s| (s.method.clone(), s.path().to_owned(), s.authorization))
        .collect()
}

fn session_path() -> String {
    format!(
        "/v1/Services/{}/Sessions/{}",
        sid("KS", 'a'),
        sid("KC", 'a')
    )
}

async fn delete_session(client: &Client) -> twilio_rest::Result<()> {
    client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .delete()
        .await
}

#[tokio::test]
async fn the_applications_client_is_used_and_the_default_one_refuses_an_unknown_ca() {
    let (server, ca) = https_server().await;
    let url = format!("https://{}", server.addr);
    let builder = || {
        Client::builder()
            .credentials(ACCOUNT, TOKEN)
            .base_url(twilio_rest::proxy_v1::API, &url)
    };

    let default = builder().build().unwrap();
    let err = delete_session(&default).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(server.seen().is_empty(), "no request got through TLS");

    let own = builder()
        .http_client(tls::trusting(&ca, &[]))
        .build()
        .unwrap();
    delete_session(&own).await.unwrap();
    assert_eq!(
        seen(&server),
        [("DELETE".to_owned(), session_path(), Some(basic_auth()))]
    );
}

#[tokio::test]
async fn a_refused_certificate_is_not_retried() {
    let (server, _ca) = https_server().await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(
            twilio_rest::proxy_v1::API,
            format!("https://{}", server.addr),
        )
        .retry(
            twilio_rest::RetryPolicy::default()
                .max_retries(3)
                .initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let err = delete_session(&client).await.unwrap_err();
    match &err {
        Error::Transport(t) => assert!(t.is_certificate(), "{err:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!err.is_transient());
    assert_eq!(err.attempts(), Some(1));
    // One handshake, refused; no second connection.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn oauth_token_requests_go_through_the_applications_client_too() {
    let (server, ca) = https_server().await;
    let url = format!("https://{}", server.addr);
    let builder = || {
        Client::builder()
            .oauth_client_credentials("client-id", "client-secret")
            .oauth_token_url(format!("{url}/v2/token"))
            .account_sid(ACCOUNT)
            .base_url(twilio_rest::proxy_v1::API, &url)
    };

    let err = delete_session(&builder().build().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    let own = builder()
        .http_client(tls::trusting(&ca, &[]))
        .build()
        .unwrap();
    delete_session(&own).await.unwrap();
    assert_eq!(
        seen(&server),
        [
            ("POST".to_owned(), "/v2/token".to_owned(), None),
            (
                "DELETE".to_owned(),
                session_path(),
                Some("Bearer the-bearer".to_owned())
            ),
        ]
    );
}

#[tokio::test]
async fn the_user_agent_is_sent_with_the_applications_client() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&server)
        .await;
    tls::install_provider();
    let own = twilio_rest::reqwest::Client::builder()
        .user_agent("app-default/1.0")
        .build()
        .unwrap();
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .user_agent_extension("my-app/2.0")
        .http_client(own)
        .build()
        .unwrap();
    delete_session(&client).await.unwrap();
    let req = only_request(&server).await;
    let ua: Vec<_> = req.headers.get_all("user-agent").iter().collect();
    assert_eq!(ua.len(), 1, "{ua:?}");
    let ua = ua[0].to_str().unwrap();
    assert!(
        ua.starts_with("twilio-rest-rust/") && ua.ends_with(" my-app/2.0"),
        "{ua}"
    );
}
