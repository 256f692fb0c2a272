//! `limit(n)` asks for pages within the operation's own `PageSize` bounds: on a
//! list whose spec caps `PageSize` at 100, `.limit(150)` sends `PageSize=100`
//! (the spec's maximum), not 150; a smaller limit is the page size.

mod common;

use common::*;
use serde_json::json;
use twilio_rest::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering the Conversations list with one empty last page.
async fn conversations_server() -> MockServer {
    let server = MockServer::start().await;
    let url = format!("{}/v1/Conversations", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1/Conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "conversations": [],
            "meta": {
                "page": 0,
                "page_size": 100,
                "first_page_url": format!("{url}?PageSize=100&Page=0"),
                "previous_page_url": null,
                "url": format!("{url}?PageSize=100&Page=0"),
                "next_page_url": null,
                "key": "conversations"
            }
        })))
        .mount(&server)
        .await;
    server
}

/// The `PageSize` the one request to `server` asked for.
async fn page_size_sent(server: &MockServer) -> String {
    let req = only_request(server).await;
    let query = req.url.query().unwrap_or_default().to_owned();
    let sizes: Vec<String> = url_pairs(&query)
        .into_iter()
        .filter(|(k, _)| k == "PageSize")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(sizes.len(), 1, "one PageSize in {query:?}");
    sizes[0].clone()
}

fn conversations_client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::conversations_v1::API, server.uri())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_limit_above_the_specs_maximum_asks_for_the_maximum() {
    let server = conversations_server().await;
    let client = conversations_client(&server);
    let items = client
        .conversations_v1()
        .conversations()
        .list()
        .limit(150)
        .send()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(page_size_sent(&server).await, "100");
}

#[tokio::test]
async fn a_limit_above_the_specs_maximum_pages_within_it_for_page_and_stream() {
    for terminal in ["page", "stream"] {
        let server = conversations_server().await;
        let client = conversations_client(&server);
        let list = client.conversations_v1().conversations().list().limit(5000);
        if terminal == "page" {
            list.page().await.unwrap();
        } else {
            let mut stream = list.stream();
            assert!(stream.try_next().await.unwrap().is_none());
        }
        assert_eq!(page_size_sent(&server).await, "100", "{terminal}");
    }
}

#[tokio::test]
async fn a_limit_within_the_bounds_is_the_page_size() {
    let server = conversations_server().await;
    let client = conversations_client(&server);
    client
        .conversations_v1()
        .conversations()
        .list()
        .limit(7)
        .send()
        .await
        .unwrap();
    assert_eq!(page_size_sent(&server).await, "7");
}

#[test]
fn prepare_shows_the_clamped_page_size() {
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .build()
        .unwrap();
    let prepared = client
        .conversations_v1()
        .conversations()
        .list()
        .limit(150)
        .prepare()
        .unwrap();
    assert!(
        prepared
            .url
            .as_str()
            .ends_with("/v1/Conversations?PageSize=100"),
        "{}",
        prepared.url
    );
}

/// Sizes and limits are one integer type, `u32`: one value goes to the page size,
/// the limit and back from the page's meta without a conversion.
#[tokio::test]
async fn the_page_size_the_limit_and_the_meta_share_one_integer_type() {
    let server = conversations_server().await;
    let client = conversations_client(&server);
    let size: u32 = 100;
    let page = client
        .conversations_v1()
        .conversations()
        .list()
        .page_size(size)
        .limit(size)
        .page()
        .await
        .unwrap();
    let reported: Option<u32> = page.meta.as_ref().and_then(|m| m.page_size);
    assert_eq!(reported, Some(size));
    assert_eq!(page_size_sent(&server).await, "100");
}
