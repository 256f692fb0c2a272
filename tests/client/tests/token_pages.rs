//! Token-paged lists, through the fixture crate: the next page is the first request
//! again with the page's `next_token` in the list's token parameter (`Token` where
//! the operation declares it, else twilio-node's `pageToken`); no token, or an
//! empty one, ends the list.

mod common;

use common::{ACCOUNT, TOKEN};
use fixture_client::Client;
use futures_util::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PORT_INS: &str = "/v1/Porting/PortIn/PortInRequests";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::token_pages::API, server.uri())
        .build()
        .unwrap()
}

/// A page of port-in requests with these SIDs, pointing at `next`.
fn port_ins(sids: &[&str], next: Value) -> Value {
    let items: Vec<Value> = sids
        .iter()
        .map(|s| json!({"port_in_request_sid": s, "port_in_request_status": "Completed"}))
        .collect();
    json!({"port_in_requests": items, "meta": {"next_token": next, "previous_token": null}})
}

/// Three pages linked by tokens: none → `T2` → `T3` → `""` (the end).
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let pages = [
        (None, port_ins(&["KW1", "KW2"], json!("T2"))),
        (Some("T2"), port_ins(&["KW3", "KW4"], json!("T3"))),
        (Some("T3"), port_ins(&["KW5"], json!(""))),
    ];
    for (token, body) in pages {
        let mock = Mock::given(method("GET")).and(path(PORT_INS));
        let mock = match token {
            None => mock.and(query_param_is_missing("Token")),
            Some(t) => mock.and(query_param("Token", t)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    server
}

async fn queries(server: &MockServer) -> Vec<String> {
    let reqs = server.received_requests().await.unwrap();
    reqs.iter()
        .map(|r| {
            assert_eq!(r.url.path(), PORT_INS);
            r.url.query().unwrap_or("").to_owned()
        })
        .collect()
}

fn sids(items: &[fixture_client::token_pages::models::PortInRequestList]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i.port_in_request_sid.as_deref().unwrap())
        .collect()
}

#[tokio::test]
async fn send_follows_the_tokens_and_keeps_the_first_requests_parameters() {
    let server = three_pages().await;
    let all = client(&server)
        .token_pages()
        .porting()
        .port_in()
        .port_in_requests()
        .list()
        .port_in_request_status("Completed")
        .send()
        .await
        .unwrap();
    assert_eq!(sids(&all), ["KW1", "KW2", "KW3", "KW4", "KW5"]);
    assert_eq!(
        queries(&server).await,
        [
            "PortInRequestStatus=Completed",
            "PortInRequestStatus=Completed&Token=T2",
            "PortInRequestStatus=Completed&Token=T3",
        ],
        "the empty token on the third page ends the list"
    );
}

#[tokio::test]
async fn limit_stops_mid_list_and_a_given_token_is_replaced() {
    let server = three_pages().await;
    let list = client(&server)
        .token_pages()
        .porting()
        .port_in()
        .port_in_requests()
        .list();
    let three = list.clone().limit(3).send().await.unwrap();
    assert_eq!(sids(&three), ["KW1", "KW2", "KW3"]);
    assert_eq!(
        queries(&server).await,
        ["", "Token=T2"],
        "no third page is fetched, and no page size is asked for (the operation has \
         no `PageSize` parameter)"
    );

    // Starting from a token: it is sent once, then replaced by the next one.
    let server_again = three_pages().await;
    let rest = client(&server_again)
        .token_pages()
        .porting()
        .port_in()
        .port_in_requests()
        .list()
        .token("T2")
        .stream()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .await;
    assert_eq!(sids(&rest), ["KW3", "KW4", "KW5"]);
    assert_eq!(queries(&server_again).await, ["Token=T2", "Token=T3"]);
}

#[tokio::test]
async fn a_page_exposes_its_tokens_and_fetches_the_next_one() {
    let server = three_pages().await;
    let first = client(&server)
        .token_pages()
        .porting()
        .port_in()
        .port_in_requests()
        .list()
        .page()
        .await
        .unwrap();
    let meta = first.meta.clone().unwrap();
    assert_eq!(meta.next_token.as_deref(), Some("T2"));
    assert_eq!(meta.key.as_deref(), Some("port_in_requests"));
    assert!(first.has_next());
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(sids(&second.items), ["KW3", "KW4"]);
    let third = second.next_page().await.unwrap().unwrap();
    assert!(!third.has_next(), "an empty next token is the last page");
    assert!(third.next_page().await.unwrap().is_none());
    assert_eq!(queries(&server).await, ["", "Token=T2", "Token=T3"]);
}

#[tokio::test]
async fn without_a_declared_token_parameter_the_token_goes_in_page_token() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Value| {
        let items: Vec<Value> = ids.iter().map(|i| json!({"id": i})).collect();
        json!({"items": items, "meta": {"key": "items", "pageSize": 2, "nextToken": next, "previousToken": null}})
    };
    Mock::given(path("/v1/Items"))
        .and(query_param("pageToken", "abc123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["c"], Value::Null)))
        .mount(&server)
        .await;
    Mock::given(path("/v1/Items"))
        .and(query_param_is_missing("pageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], json!("abc123"))))
        .mount(&server)
        .await;
    let items = client(&server)
        .token_pages()
        .items()
        .list()
        .page_size(2)
        .await
        .unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let reqs = server.received_requests().await.unwrap();
    let queries: Vec<&str> = reqs.iter().map(|r| r.url.query().unwrap_or("")).collect();
    assert_eq!(queries, ["pageSize=2", "pageSize=2&pageToken=abc123"]);
}
