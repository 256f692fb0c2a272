//! Shapes outside Flex and Proxy, through the fixture crate: 2010-style lists
//! (top-level, relative `next_page_uri`), the default account (`AccountSid` filled
//! from the client), redirect-only operations, and an operation on a host of its
//! own with a declared body media type; required values given by name.

mod common;

use common::{ACCOUNT, TOKEN};
use fixture_client::Client;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::legacy_2010::API, server.uri())
        .build()
        .unwrap()
}

fn calls_page(page: u32, next: Option<String>) -> serde_json::Value {
    json!({
        "calls": [{"sid": format!("CA{page:032}"), "date_created": "Tue, 31 Aug 2010 20:36:28 +0000",
                   "uri": format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/CA{page:032}.json"),
                   "subresource_uris": {"notifications": "/2010-04-01/x.json", "payments": null}}],
        "page": page, "page_size": 1, "start": page, "end": page,
        "first_page_uri": format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json?PageSize=1&Page=0"),
        "previous_page_uri": null, "next_page_uri": next,
        "uri": format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json?PageSize=1&Page={page}")
    })
}

#[tokio::test]
async fn lists_follow_relative_next_page_uris() {
    let server = MockServer::start().await;
    let calls = format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json");
    Mock::given(method("GET"))
        .and(path(calls.clone()))
        .and(query_param("Page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(calls_page(1, None)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(calls.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(calls_page(
            0,
            Some(format!("{calls}?PageSize=1&Page=1&PageToken=PA1")),
        )))
        .mount(&server)
        .await;
    let all = client(&server)
        .legacy_2010()
        .account(ACCOUNT)
        .calls()
        .list()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].sid.as_deref(), Some(format!("CA{:032}", 1).as_str()));
    // RFC 2822 dates and relative URIs decode.
    assert_eq!(
        all[0]
            .date_created
            .clone()
            .unwrap()
            .parsed()
            .unwrap()
            .to_rfc3339(),
        "2010-08-31T20:36:28+00:00"
    );
    let uri = all[0].uri.clone().unwrap();
    assert!(!uri.is_absolute() && uri.as_str().starts_with("/2010-04-01/"));
    let links = all[0].subresource_uris.clone().unwrap();
    assert_eq!(links["payments"], None);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].url.query(), Some("PageSize=1&Page=1&PageToken=PA1"));
}

#[tokio::test]
async fn the_default_account_is_the_clients_and_account_names_another() {
    const OTHER: &str = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    let server = MockServer::start().await;
    for account in [ACCOUNT, OTHER] {
        Mock::given(method("GET"))
            .and(path(format!("/2010-04-01/Accounts/{account}/Calls.json")))
            .respond_with(ResponseTemplate::new(200).set_body_json(calls_page(0, None)))
            .mount(&server)
            .await;
    }
    let call = format!("CA{:032}", 7);
    Mock::given(method("GET"))
        .and(path(format!(
            "/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}.json"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sid": call})))
        .mount(&server)
        .await;
    let api = client(&server).legacy_2010();

    // Without `account(…)`: the client's own account.
    assert_eq!(api.calls().list().await.unwrap().len(), 1);
    let fetched = api.call(call.as_str()).fetch().await.unwrap();
    assert_eq!(fetched.sid.as_deref(), Some(call.as_str()));
    // `account(…)` names another one.
    assert_eq!(api.account(OTHER).calls().list().await.unwrap().len(), 1);
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json"),
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}.json"),
            format!("/2010-04-01/Accounts/{OTHER}/Calls.json"),
        ]
    );

    // With an API key the account is the one the key acts for, not the key; a
    // shortcut whose name the root already has (`export`, of `/v1/Exports`) is
    // `account_export`.
    let keyed = Client::builder()
        .api_key(OTHER, "SKcccccccccccccccccccccccccccccccc", "secret")
        .build()
        .unwrap();
    let url = |r: fixture_client::PreparedRequest| r.url.path().to_owned();
    let api = keyed.legacy_2010();
    assert_eq!(
        url(api.calls().list().prepare().unwrap()),
        format!("/2010-04-01/Accounts/{OTHER}/Calls.json")
    );
    assert_eq!(
        url(api.account_export("day").fetch().prepare().unwrap()),
        format!("/2010-04-01/Accounts/{OTHER}/Exports/day.json")
    );
    assert_eq!(
        url(api.export("2024-01-02").fetch().prepare().unwrap()),
        "/v1/Exports/2024-01-02"
    );
}

#[tokio::test]
async fn a_redirect_only_operation_returns_the_redirect_without_following_it() {
    let server = MockServer::start().await;
    let target = format!("{}/download/day.json.gz", server.uri());
    Mock::given(path("/v1/Exports/2024-01-02"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", target.as_str())
                .set_body_json(json!({"redirect_to": target})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/download/day.json.gz"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0x1f, 0x8b]))
        .mount(&server)
        .await;

    let resp = client(&server)
        .legacy_2010()
        .export("2024-01-02")
        .fetch()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(resp.status(), 307);
    assert_eq!(resp.headers()["location"], target.as_str());
    assert_eq!(
        resp.body().redirect_to.as_ref().map(|u| u.as_str()),
        Some(target.as_str())
    );
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "the redirect is not followed");
}

#[tokio::test]
async fn an_operation_on_its_own_host_sends_its_declared_media_type() {
    // Without an override the request goes to the operation's own server, not the
    // API's (`https://ops.example.twilio.com`).
    let plain = Client::new(ACCOUNT, TOKEN).unwrap();
    let prepared = plain
        .operations()
        .thing("TH1")
        .labels()
        .create("blue")
        .prepare()
        .unwrap();
    assert_eq!(
        prepared.url.as_str(),
        "https://labels.example.twilio.com/v1/Things/TH1/Labels"
    );

    // On the wire (through an override): the body's declared media type.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Things/TH1/Labels"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "TH1"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::operations::API, server.uri())
        .build()
        .unwrap();
    let thing = client
        .operations()
        .thing("TH1")
        .labels()
        .create("blue")
        .await
        .unwrap();
    assert_eq!(thing.sid.as_deref(), Some("TH1"));
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].headers["content-type"],
        "application/merge-patch+json"
    );
    assert_eq!(reqs[0].body, br#"{"Label":"blue"}"#);
}

#[test]
fn required_values_given_by_name_go_to_their_own_keys() {
    use fixture_client::operations::requests::CreateThingMoveParams;
    let client = Client::new(ACCOUNT, TOKEN).unwrap();
    let prepared = client
        .operations()
        .thing("TH1")
        .moves()
        .create(CreateThingMoveParams {
            to: "box".into(),
            speed: 3,
            from: "shelf".into(),
        })
        .note("careful")
        .prepare()
        .unwrap();
    let body = String::from_utf8(prepared.body.unwrap()).unwrap();
    assert_eq!(body, "From=shelf&To=box&Speed=3&Note=careful");
}
