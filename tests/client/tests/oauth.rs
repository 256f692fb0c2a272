//! OAuth 2.0 client credentials, through the fixture crate's operations that
//! declare them (`FetchSecret`) or no security at all (`CreateToken`), against an
//! in-process token endpoint and API.

mod common;

use common::{basic_auth, ACCOUNT, TOKEN};
use fixture_client::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client whose fixture `operations` requests and token requests go to `server`.
fn oauth_client(server: &MockServer) -> Client {
    Client::builder()
        .oauth_client_credentials("the-client-id", "the-client-secret")
        .oauth_token_url(format!("{}/v1/Token", server.uri()))
        .base_url(fixture_client::operations::API, server.uri())
        .build()
        .unwrap()
}

async fn token_endpoint(server: &MockServer, expires_in: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/Token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=the-client-id"))
        .and(body_string_contains("client_secret=the-client-secret"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok-1", "expires_in": expires_in})),
        )
        .mount(server)
        .await;
}

async fn secret_endpoint(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/Secrets/S1"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sid": "S1"})))
        .mount(server)
        .await;
}

async fn token_requests(server: &MockServer) -> usize {
    let reqs = server.received_requests().await.unwrap();
    reqs.iter().filter(|r| r.url.path() == "/v1/Token").count()
}

#[tokio::test]
async fn concurrent_first_uses_share_one_token_and_send_it_as_bearer() {
    let server = MockServer::start().await;
    token_endpoint(&server, 3600).await;
    secret_endpoint(&server).await;
    let client = oauth_client(&server);
    let calls = (0..8).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.operations().secret("S1").fetch().await })
    });
    for call in calls {
        let thing = call.await.unwrap().unwrap();
        assert_eq!(thing.sid.as_deref(), Some("S1"));
    }
    assert_eq!(token_requests(&server).await, 1, "one token for all");
    // Later calls reuse it while it is valid.
    client.operations().secret("S1").fetch().await.unwrap();
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let server = MockServer::start().await;
    // 30 s is the refresh margin: such a token is replaced at its next use.
    token_endpoint(&server, 30).await;
    secret_endpoint(&server).await;
    let client = oauth_client(&server);
    client.operations().secret("S1").fetch().await.unwrap();
    client.operations().secret("S1").fetch().await.unwrap();
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn a_refused_token_request_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": 20003, "message": "Authenticate", "status": 401})),
        )
        .mount(&server)
        .await;
    let err = oauth_client(&server)
        .operations()
        .secret("S1")
        .fetch()
        .await
        .unwrap_err();
    match &err {
        Error::Token(api) => assert_eq!((api.status, api.code), (401, Some(20003))),
        other => panic!("expected a token error, got {other:?}"),
    }
    assert_eq!(err.status(), Some(401));
    let reqs = server.received_requests().await.unwrap();
    assert!(
        reqs.iter().all(|r| r.url.path() == "/v1/Token"),
        "nothing is sent without a token"
    );
}

#[tokio::test]
async fn operations_without_security_send_no_credentials_and_basic_ones_keep_basic() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": 60})),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/Things/TH1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .oauth_client_credentials("the-client-id", "the-client-secret")
        .oauth_token_url(format!("{}/v1/Token", server.uri()))
        .base_url(fixture_client::operations::API, server.uri())
        .build()
        .unwrap();
    client
        .operations()
        .token()
        .create("client_credentials")
        .send()
        .await
        .unwrap();
    client.operations().thing("TH1").delete().await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "no token was fetched");
    assert!(
        !reqs[0].headers.contains_key("authorization"),
        "security: []"
    );
    assert_eq!(reqs[1].headers["authorization"], basic_auth().as_str());
}

#[test]
fn client_secrets_never_appear_in_debug_output() {
    let builder = Client::builder().oauth_client_credentials("the-client-id", "the-client-secret");
    assert!(!format!("{builder:?}").contains("the-client-secret"));
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("the-client-secret"), "{shown}");
    assert!(shown.contains("the-client-id"), "{shown}");
}
