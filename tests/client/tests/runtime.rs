//! The runtime against an in-process server: pagination, errors, retries,
//! client-side validation, hosts.

mod common;

use common::*;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use twilio_rest::{Client, Error, RetryPolicy};
use wiremock::matchers::{any, method, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Serves `pages` pages of `per_page` participants; `next_page_url` points at
/// twilio.com, as Twilio (and Prism) answer, and must be re-pointed by the client.
struct Pages {
    pages: usize,
    per_page: usize,
}

impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let page: usize = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "Page")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let items: Vec<_> = (0..self.per_page)
            .map(|i| json!({"sid": format!("KP{:032x}", page * self.per_page + i), "identifier": "+1555"}))
            .collect();
        let next = (page + 1 < self.pages).then(|| {
            format!(
                "https://proxy.twilio.com{}?PageSize={}&Page={}&PageToken=PT{}",
                participants_path(),
                self.per_page,
                page + 1,
                page + 1
            )
        });
        ResponseTemplate::new(200).set_body_json(json!({
            "participants": items,
            "meta": {"page": page, "page_size": self.per_page, "key": "participants", "next_page_url": next,
                     "previous_page_url": null, "first_page_url": "https://proxy.twilio.com/x", "url": "https://proxy.twilio.com/x"}
        }))
    }
}

async fn paged_server(pages: usize, per_page: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages { pages, per_page })
        .mount(&server)
        .await;
    server
}

fn list(client: &Client) -> twilio_rest::proxy_v1::requests::ListParticipant {
    client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .participants()
        .list()
}

#[tokio::test]
async fn pagination_follows_next_page_urls_across_three_pages() {
    let server = paged_server(3, 4).await;
    let all = list(&client(&server)).await.unwrap();
    assert_eq!(all.len(), 12);
    assert_eq!(
        all[11].sid.as_deref(),
        Some(format!("KP{:032x}", 11).as_str())
    );
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    // Next pages went to the mock server (re-pointed), with Twilio's query kept.
    assert_eq!(reqs[2].url.path(), participants_path());
    assert_eq!(
        url_pairs(reqs[2].url.query().unwrap()),
        pairs(&[("PageSize", "4"), ("Page", "2"), ("PageToken", "PT2")])
    );
    assert!(reqs
        .iter()
        .all(|r| r.headers["authorization"].to_str().unwrap() == basic_auth()));
}

#[tokio::test]
async fn a_limit_stops_early_and_sets_the_page_size() {
    let server = paged_server(3, 4).await;
    let some = list(&client(&server)).limit(6).send().await.unwrap();
    assert_eq!(some.len(), 6);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "the third page is never fetched");
    assert_eq!(
        url_pairs(reqs[0].url.query().unwrap()),
        pairs(&[("PageSize", "6")])
    );
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let server = paged_server(3, 4).await;
    let mut stream = Box::pin(list(&client(&server)).stream());
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.sid.as_deref(), Some(format!("KP{:032x}", 0).as_str()));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "one page fetched for the first item"
    );
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 11);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn manual_paging_with_next_page() {
    let server = paged_server(2, 3).await;
    let first = list(&client(&server)).page().await.unwrap();
    assert!(first.has_next());
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(second.items.len(), 3);
    assert!(!second.has_next());
    assert!(second.next_page().await.unwrap().is_none());
}

#[tokio::test]
async fn api_errors_are_decoded() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": 20404, "message": "The requested resource was not found",
            "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .fetch()
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!((api.status, api.code), (404, Some(20404)));
    assert_eq!(api.message, "The requested resource was not found");
    assert_eq!(
        api.more_info.as_deref(),
        Some("https://www.twilio.com/docs/errors/20404")
    );
}

#[tokio::test]
async fn a_non_json_error_body_is_kept_as_text() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string("upstream down"))
        .mount(&server)
        .await;
    let err = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().message, "upstream down");
    assert_eq!(err.status(), Some(502));
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    let err = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .fetch()
        .await
        .unwrap_err();
    match err {
        Error::Decode(d) => assert_eq!((d.status, d.excerpt.as_str()), (200, "{not json")),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// Answers 429 (with `Retry-After: 0`) `failures` times, then 200.
struct FlakyThenOk {
    calls: Arc<AtomicUsize>,
    failures: usize,
    status: u16,
}

impl Respond for FlakyThenOk {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) < self.failures {
            ResponseTemplate::new(self.status).insert_header("Retry-After", "0")
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"sid": sid("KS", 'a')}))
        }
    }
}

async fn flaky(failures: usize, status: u16) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(any())
        .respond_with(FlakyThenOk {
            calls: calls.clone(),
            failures,
            status,
        })
        .mount(&server)
        .await;
    (server, calls)
}

#[tokio::test]
async fn a_429_then_200_is_retried() {
    let (server, calls) = flaky(1, 429).await;
    let service = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .fetch()
        .await
        .unwrap();
    assert_eq!(service.sid.as_deref(), Some(sid("KS", 'a').as_str()));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_503_is_retried_up_to_the_bound() {
    let (server, calls) = flaky(10, 503).await;
    let err = client(&server)
        .proxy_v1()
        .service(sid("KS", 'a'))
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 4, "one try and three retries");
}

#[tokio::test]
async fn a_post_is_not_retried_on_503_by_default() {
    let (server, calls) = flaky(1, 503).await;
    let err = client(&server)
        .proxy_v1()
        .services()
        .create("unique")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_is_retried_on_503_when_configured() {
    let (server, calls) = flaky(1, 503).await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .retry(
            RetryPolicy::default()
                .initial_backoff(std::time::Duration::from_millis(1))
                .retry_non_idempotent(true),
        )
        .build()
        .unwrap();
    client.proxy_v1().services().create("unique").await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_malformed_sid_is_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client(&server);
    // Session and Service SIDs also accept unique names (no pattern in the spec);
    // participant paths pin all three.
    let participant = |service: &str, session: &str, p: &str| {
        client
            .proxy_v1()
            .service(service)
            .session(session)
            .participant(p)
            .fetch()
    };
    for bad in [
        "KP123",
        "XXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "",
        "KPaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "KPgggggggggggggggggggggggggggggggg",
    ] {
        let err = participant(&sid("KS", 'a'), &sid("KC", 'a'), bad)
            .await
            .unwrap_err();
        match err {
            Error::Validation(v) => assert_eq!(v.param, "Sid"),
            other => panic!("{bad:?}: expected a validation error, got {other:?}"),
        }
    }
    let err = participant("KS-wrong", &sid("KC", 'a'), &sid("KP", 'a'))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "ServiceSid"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("invalid argument `ServiceSid`: "),
        "{err}"
    );
    let err = list(&client).page_size(5000).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.param == "PageSize"),
        "{err}"
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing reached the server"
    );
}

#[tokio::test]
async fn path_segments_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(query_param("x", "never"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    // Flex plugin SIDs have no pattern: any text is sent, escaped.
    client(&server)
        .flex_v1()
        .plugin_service()
        .plugin("a b/c")
        .fetch()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), "/v1/PluginService/Plugins/a%20b%2Fc");
}

#[test]
fn region_and_edge_build_the_host() {
    let c = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .region("au1")
        .edge("sydney")
        .build()
        .unwrap();
    assert_eq!(
        c.base_url(&twilio_rest::flex_v1::API).unwrap().as_str(),
        "https://flex-api.sydney.au1.twilio.com/"
    );
    assert_eq!(
        c.base_url(&twilio_rest::proxy_v1::API).unwrap().as_str(),
        "https://proxy.sydney.au1.twilio.com/"
    );
    let c = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .edge("dublin")
        .build()
        .unwrap();
    assert_eq!(
        c.base_url(&twilio_rest::proxy_v1::API).unwrap().as_str(),
        "https://proxy.dublin.us1.twilio.com/"
    );
    let c = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .build()
        .unwrap();
    assert_eq!(
        c.base_url(&twilio_rest::proxy_v1::API).unwrap().as_str(),
        "https://proxy.twilio.com/"
    );
}

#[tokio::test]
async fn the_user_agent_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .user_agent_extension("tests/1.0")
        .build()
        .unwrap();
    client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .fetch()
        .await
        .unwrap();
    let req = only_request(&server).await;
    let ua = req.headers["user-agent"].to_str().unwrap();
    assert!(ua.starts_with("twilio-rest-rust/0.1.0 ("), "{ua}");
    assert!(ua.contains(") rust/") && ua.ends_with(" tests/1.0"), "{ua}");
}

/// What operations return can be spawned: every future and stream is `Send +
/// 'static`, for `.await`, `send()`, `send_with_response()`, `page()` and `stream()`.
#[tokio::test]
async fn operation_futures_and_streams_can_be_spawned() {
    fn spawnable<T: Send + 'static>(_: &T) {}
    let server = paged_server(2, 2).await;
    let client = client(&server);
    let stream = list(&client).stream();
    spawnable(&stream);
    let page = list(&client).page();
    spawnable(&page);
    let all = list(&client).send();
    spawnable(&all);
    let participant = client
        .proxy_v1()
        .service(sid("KS", 'a'))
        .session(sid("KC", 'a'))
        .participant(sid("KP", 'a'))
        .fetch();
    spawnable(&participant.clone().send_with_response());
    spawnable(&std::future::IntoFuture::into_future(participant));
    let items = tokio::spawn(all).await.unwrap().unwrap();
    assert_eq!(items.len(), 4);
    let streamed: Vec<_> = tokio::spawn(stream.try_collect::<Vec<_>>())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(streamed.len(), 4);
}

/// The xtask names the base-URL variable of each Prism server with the generator's
/// spelling (it does not depend on the runtime); it must be the runtime's.
#[test]
fn the_generator_spells_the_base_url_variable_as_the_runtime_reads_it() {
    for module in ["flex_v1", "api_v2010", "x"] {
        let api = twilio_rest_runtime::ApiInfo {
            name: module,
            base_url: "",
        };
        assert_eq!(
            twilio_codegen::names::base_url_var(module),
            twilio_rest_runtime::base_url_var(&api)
        );
    }
}
