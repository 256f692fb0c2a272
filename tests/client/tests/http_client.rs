//! Bringing your own HTTP client: a `reqwest::Client` that trusts a private CA
//! reaches an in-process HTTPS server whose certificate that CA signed (made at
//! test time), for operations and OAuth token requests alike; the default client,
//! which trusts only public roots, refuses the same server with a transport error.

mod common;

use common::*;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use tokio_rustls::rustls;
use twilio_rest::{Client, Error};

/// What the server saw of one request: method, path, `Authorization`.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>)>>>;

/// An HTTPS server on 127.0.0.1 with a certificate signed by a fresh CA: its base
/// URL, the CA certificate (DER) and the requests it saw. `/v2/token` answers an
/// OAuth token, everything else `204 No Content`.
async fn https_server() -> (String, Vec<u8>, Seen) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "client-tests CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![server_cert.der().clone()],
            rustls::pki_types::PrivatePkcs8KeyDer::from(server_key.serialize_der()).into(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Seen::default();
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, log) = (acceptor.clone(), log.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake here.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = service_fn(move |req: hyper::Request<Incoming>| {
                    let log = log.clone();
                    async move {
                        let auth = req
                            .headers()
                            .get("authorization")
                            .map(|v| v.to_str().unwrap().to_owned());
                        let path = req.uri().path().to_owned();
                        log.lock()
                            .unwrap()
                            .push((req.method().to_string(), path.clone(), auth));
                        let resp = if path == "/v2/token" {
                            hyper::Response::builder()
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from_static(
                                    br#"{"access_token":"the-bearer","expires_in":3600}"#,
                                )))
                        } else {
                            hyper::Response::builder()
                                .status(204)
                                .body(Full::new(Bytes::new()))
                        };
                        Ok::<_, std::convert::Infallible>(resp.unwrap())
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (format!("https://{addr}"), ca.der().to_vec(), seen)
}

/// A `reqwest::Client` (the one the crate re-exports) that trusts `ca` besides
/// the usual roots.
fn trusting(ca: &[u8]) -> twilio_rest::reqwest::Client {
    use twilio_rest::reqwest;
    reqwest::Client::builder()
        .tls_certs_merge([reqwest::Certificate::from_der(ca).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
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
    let (url, ca, seen) = https_server().await;
    let builder = || {
        Client::builder()
            .credentials(ACCOUNT, TOKEN)
            .base_url(twilio_rest::proxy_v1::API, &url)
    };

    let default = builder().build().unwrap();
    let err = delete_session(&default).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "no request got through TLS"
    );

    let own = builder().http_client(trusting(&ca)).build().unwrap();
    delete_session(&own).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [("DELETE".to_owned(), session_path(), Some(basic_auth()))]
    );
}

#[tokio::test]
async fn oauth_token_requests_go_through_the_applications_client_too() {
    let (url, ca, seen) = https_server().await;
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

    let own = builder().http_client(trusting(&ca)).build().unwrap();
    delete_session(&own).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
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
