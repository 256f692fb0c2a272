//! A third-party API's own security schemes, per operation, through the fixture
//! crate's `security` API (`generator/tests/fixtures/security.yaml`): each
//! operation gets the credentials its spec declares, where the scheme says, and
//! never the client's Twilio (Basic) credentials unless it declares HTTP Basic.
//! Also: an integer path parameter is an integer (`pet(7)`).

mod common;

use common::{basic_auth, ACCOUNT, TOKEN};
use fixture_client::{Client, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every GET and POST answers a pet; DELETE answers 204.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/Pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1}])))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7, "name": "rex"})))
        .mount(&server)
        .await;
    server
}

/// A client with Twilio Basic credentials and a secret for every scheme.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .scheme_credential("api_key_header", "header-key")
        .scheme_credential("api_key_query", "query-key")
        .scheme_credential("api_key_cookie", "cookie-key")
        .scheme_credential("bearer", "bearer-token")
        .base_url(fixture_client::security::API, server.uri())
        .build()
        .unwrap()
}

/// The one request the server received: (path and query, authorization,
/// `X-Api-Key`, cookie).
async fn only_request(
    server: &MockServer,
) -> (String, Option<String>, Option<String>, Option<String>) {
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    let r = &reqs[0];
    let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let url = match r.url.query() {
        Some(q) => format!("{}?{q}", r.url.path()),
        None => r.url.path().to_owned(),
    };
    (url, h("authorization"), h("x-api-key"), h("cookie"))
}

#[tokio::test]
async fn an_api_key_in_a_header_by_default_and_no_basic_credentials() {
    let server = server().await;
    let pets = client(&server)
        .security()
        .pets()
        .search_pets()
        .await
        .unwrap();
    assert_eq!(pets[0].id, Some(1));
    let (url, authorization, key, cookie) = only_request(&server).await;
    assert_eq!(url, "/v1/Pets");
    assert_eq!(
        authorization, None,
        "Twilio credentials went to a third party"
    );
    assert_eq!(key.as_deref(), Some("header-key"));
    assert_eq!(cookie, None);
}

#[tokio::test]
async fn an_api_key_in_the_query_with_an_integer_path_value() {
    let server = server().await;
    let pet = client(&server).security().pet(7).fetch().await.unwrap();
    assert_eq!(pet.name.as_deref(), Some("rex"));
    let (url, authorization, key, _) = only_request(&server).await;
    assert_eq!(url, "/v1/Pets/7?api_key=query-key");
    assert_eq!(authorization, None);
    assert_eq!(key, None);
}

#[tokio::test]
async fn a_bearer_token() {
    let server = server().await;
    client(&server)
        .security()
        .pet(7)
        .update()
        .name("max")
        .await
        .unwrap();
    let (url, authorization, key, _) = only_request(&server).await;
    assert_eq!(url, "/v1/Pets/7");
    assert_eq!(authorization.as_deref(), Some("Bearer bearer-token"));
    assert_eq!(key, None);
}

#[tokio::test]
async fn http_basic_where_the_spec_declares_it() {
    let server = server().await;
    client(&server).security().pet(7).delete().await.unwrap();
    let (_, authorization, key, _) = only_request(&server).await;
    assert_eq!(authorization, Some(basic_auth()));
    assert_eq!(key, None);
}

#[tokio::test]
async fn an_api_key_in_a_cookie() {
    let server = server().await;
    client(&server).security().session().fetch().await.unwrap();
    let (_, authorization, key, cookie) = only_request(&server).await;
    assert_eq!(authorization, None);
    assert_eq!(key, None);
    assert_eq!(cookie.as_deref(), Some("session=cookie-key"));
}

#[tokio::test]
async fn two_schemes_of_one_requirement_are_both_sent() {
    let server = server().await;
    client(&server).security().both().fetch().await.unwrap();
    let (url, authorization, key, _) = only_request(&server).await;
    assert_eq!(url, "/v1/Both?api_key=query-key");
    assert_eq!(authorization, None);
    assert_eq!(key.as_deref(), Some("header-key"));
}

#[tokio::test]
async fn the_first_requirement_the_client_can_satisfy_is_used() {
    let server = server().await;
    client(&server).security().either().fetch().await.unwrap();
    let (_, authorization, _, _) = only_request(&server).await;
    assert_eq!(authorization.as_deref(), Some("Bearer bearer-token"));
}

#[tokio::test]
async fn no_credentials_where_none_are_declared_or_none_can_be_satisfied() {
    for digest in [false, true] {
        let server = server().await;
        let api = client(&server).security();
        if digest {
            api.digest().fetch().await.unwrap();
        } else {
            api.store().fetch().await.unwrap();
        }
        let (_, authorization, key, cookie) = only_request(&server).await;
        assert_eq!((authorization, key, cookie), (None, None, None));
    }
}

#[tokio::test]
async fn a_missing_scheme_secret_is_an_error_before_sending_never_basic() {
    let server = server().await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::security::API, server.uri())
        .build()
        .unwrap();
    let err = client.security().pets().search_pets().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("`api_key_header`"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_client_with_only_scheme_secrets_builds_and_hides_them() {
    let server = server().await;
    let client = Client::builder()
        .scheme_credential("api_key_header", "header-key")
        .base_url(fixture_client::security::API, server.uri())
        .build()
        .unwrap();
    client.security().pets().search_pets().await.unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("api_key_header"), "{shown}");
    assert!(!shown.contains("header-key"), "{shown}");
}

#[tokio::test]
async fn a_query_api_key_is_not_in_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"code": 20404})))
        .mount(&server)
        .await;
    let err = client(&server).security().pet(8).fetch().await.unwrap_err();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].url.query(), Some("api_key=query-key"));
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(shown.contains("/v1/Pets/8"), "{shown}");
        assert!(!shown.contains("query-key"), "{shown}");
    }
}
