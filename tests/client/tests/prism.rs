//! Negative cases against a Prism mock server (`cargo xtask test` starts it):
//! arguments the spec forbids are caught by the client before sending, and the
//! same request sent raw, without the client's checks, is rejected by Prism.

mod common;

use common::{sid, ACCOUNT, TOKEN};
use serde_json::json;
use twilio_rest::{Client, Error};

fn base(var: &str) -> String {
    std::env::var(var)
        .unwrap_or_else(|_| panic!("{var} is not set: start Prism with `cargo xtask test`"))
}

fn client() -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::flex_v1::API, base("TWILIO_FLEX_V1_BASE_URL"))
        .base_url(twilio_rest::proxy_v1::API, base("TWILIO_PROXY_V1_BASE_URL"))
        .build()
        .unwrap()
}

/// Sends a request without the client: returns Prism's status.
async fn raw(method: reqwest::Method, url: String, form: Option<&[(&str, &str)]>) -> u16 {
    // The runtime's default TLS (`rustls-ring`) leaves reqwest no provider of its own.
    let _ = tokio_rustls::rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut r = reqwest::Client::new()
        .request(method, url)
        .basic_auth(ACCOUNT, Some(TOKEN));
    if let Some(f) = form {
        let body: String = f
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace('"', "%22")))
            .collect::<Vec<_>>()
            .join("&");
        r = r
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
    }
    r.send().await.unwrap().status().as_u16()
}

fn participants_url(var: &str, kd: &str) -> String {
    format!(
        "{}/v1/Interactions/{kd}/Channels/{}/Participants",
        base(var),
        sid("UO", 'a')
    )
}

#[tokio::test]
#[ignore = "needs Prism; `cargo xtask test` starts it"]
async fn a_sid_with_the_wrong_prefix() {
    let wrong = sid("XX", 'a');
    let err = client()
        .flex_v1()
        .interaction(&wrong)
        .channel(sid("UO", 'a'))
        .participants()
        .list()
        .page()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "InteractionSid"),
        "{err}"
    );
    assert_eq!(
        raw(
            reqwest::Method::GET,
            participants_url("TWILIO_FLEX_V1_BASE_URL", &wrong),
            None
        )
        .await,
        422
    );
    // The valid request passes both.
    assert_eq!(
        raw(
            reqwest::Method::GET,
            participants_url("TWILIO_FLEX_V1_BASE_URL", &sid("KD", 'a')),
            None
        )
        .await,
        200
    );
}

#[tokio::test]
#[ignore = "needs Prism; `cargo xtask test` starts it"]
async fn a_page_size_over_1000() {
    let session = client()
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'));
    let err = session
        .participants()
        .list()
        .page_size(5000)
        .page()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "PageSize"),
        "{err}"
    );
    let url = format!(
        "{}/v1/Services/{}/Sessions/{}/Participants?PageSize=",
        base("TWILIO_PROXY_V1_BASE_URL"),
        sid("KS", 'a'),
        sid("KC", 'a')
    );
    assert_eq!(
        raw(reqwest::Method::GET, format!("{url}5000"), None).await,
        422
    );
    assert_eq!(
        raw(reqwest::Method::GET, format!("{url}1000"), None).await,
        200
    );
}

#[tokio::test]
#[ignore = "needs Prism; `cargo xtask test` starts it"]
async fn a_missing_required_field_the_types_allow() {
    // `MediaProperties` is required; as free-form JSON its type admits "" (empty).
    let channel = client()
        .flex_v1()
        .interaction(sid("KD", 'a'))
        .channel(sid("UO", 'a'));
    let err = channel
        .participants()
        .create(
            twilio_rest::flex_v1::models::InteractionChannelParticipantType::Customer,
            json!(""),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "MediaProperties"),
        "{err}"
    );
    let url = participants_url("TWILIO_FLEX_V1_BASE_URL", &sid("KD", 'a'));
    assert_eq!(
        raw(
            reqwest::Method::POST,
            url.clone(),
            Some(&[("Type", "customer")])
        )
        .await,
        422
    );
    assert_eq!(
        raw(
            reqwest::Method::POST,
            url,
            Some(&[("Type", "customer"), ("MediaProperties", "{}")])
        )
        .await,
        // The success status the spec declares (twilio-oai 2.6.7: 200, was 201).
        200
    );
}
