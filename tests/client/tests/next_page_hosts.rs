//! Next-page links on the wire: Twilio hostnames are resolved to in-process HTTPS
//! servers (a CA made at test time, `reqwest::ClientBuilder::resolve`), so where a
//! followed link goes is observable. A link to `proxy.twilio.com` goes through the
//! region and edge (or the base-URL override) like a first request; a link to
//! another host is refused before anything, credentials included, is sent there.

mod common;
#[path = "common/tls.rs"]
mod tls;

use common::*;
use futures_util::StreamExt;
use serde_json::json;
use twilio_rest::{Client, Error, PagingError};

const REGIONAL: &str = "proxy.sydney.au1.twilio.com";
const GLOBAL: &str = "proxy.twilio.com";
const EVIL: &str = "evil.example";
/// The query of every next link below.
const NEXT_QUERY: &str = "PageSize=1&Page=1&PageToken=PT1";

/// Proxy services list pages: a request with `PageToken=PT1` gets the last page
/// (service `KSbb…`), any other the first (service `KSaa…`) linking to `next`.
fn pages(next: String) -> impl Fn(&tls::Seen) -> tls::Reply + Send + Sync + 'static {
    move |seen| {
        let body = if seen.target.contains("PageToken=PT1") {
            json!({
                "services": [{"sid": sid("KS", 'b')}],
                "meta": {"key": "services", "page": 1, "next_page_url": null}
            })
        } else {
            json!({
                "services": [{"sid": sid("KS", 'a')}],
                "meta": {"key": "services", "page": 0, "next_page_url": next}
            })
        };
        (200, Some("application/json"), body.to_string().into_bytes())
    }
}

/// A server that must see no request (it answers the pages too, so a request
/// that reaches it shows up in its log rather than as a decoding error).
async fn bystander(ca: &tls::Ca, name: &str) -> tls::Server {
    let next = format!("https://{GLOBAL}/v1/Services?{NEXT_QUERY}");
    ca.serve(&[name], pages(next)).await
}

/// The sids a services stream yields, all items or the first error.
async fn stream_sids(client: &Client) -> Result<Vec<String>, Error> {
    let mut stream = client.proxy_v1().services().list().stream();
    let mut sids = Vec::new();
    while let Some(item) = stream.next().await {
        sids.push(item?.sid.unwrap());
    }
    Ok(sids)
}

/// Asserts that `server` saw exactly a first list request and a request for the
/// next link, both with `host` and Basic credentials.
fn assert_both_pages(server: &tls::Server, host: &str) {
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!(seen[0].path(), "/v1/Services");
    assert_eq!(seen[1].target, format!("/v1/Services?{NEXT_QUERY}"));
    for s in &seen {
        assert_eq!(s.method, "GET");
        assert_eq!(s.host.as_deref(), Some(host), "{s:?}");
        assert_eq!(s.authorization, Some(basic_auth()), "{s:?}");
    }
}

/// Asserts that `server` saw no request.
fn assert_untouched(server: &tls::Server, why: &str) {
    let seen = server.seen();
    assert!(seen.is_empty(), "{why}: {seen:#?}");
}

#[tokio::test]
async fn a_next_link_to_twilio_goes_to_the_region_and_edge() {
    let ca = tls::Ca::new();
    let next = format!("https://{GLOBAL}/v1/Services?{NEXT_QUERY}");
    let regional = ca.serve(&[REGIONAL], pages(next)).await;
    let global = bystander(&ca, GLOBAL).await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .region("au1")
        .edge("sydney")
        .http_client(tls::trusting(
            &ca,
            &[(REGIONAL, &regional), (GLOBAL, &global)],
        ))
        .build()
        .unwrap();

    let sids = stream_sids(&client).await.unwrap();
    assert_eq!(sids, [sid("KS", 'a'), sid("KS", 'b')]);
    assert_both_pages(&regional, REGIONAL);
    assert_untouched(&global, "the link was followed without the rewrite");
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_sent_nothing() {
    let ca = tls::Ca::new();
    let next = format!("https://{EVIL}/v1/Services?{NEXT_QUERY}");
    let regional = ca.serve(&[REGIONAL], pages(next.clone())).await;
    let evil = bystander(&ca, EVIL).await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .region("au1")
        .edge("sydney")
        .http_client(tls::trusting(&ca, &[(REGIONAL, &regional), (EVIL, &evil)]))
        .build()
        .unwrap();

    let mut stream = client.proxy_v1().services().list().stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.sid, Some(sid("KS", 'a')));
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Paging(PagingError::UntrustedHost { url }) if *url == next),
        "{err:?}"
    );
    assert!(stream.next().await.is_none());
    assert_eq!(regional.seen().len(), 1);
    assert_untouched(&evil, "a request, with credentials, reached the other host");
}

#[tokio::test]
async fn a_next_link_to_twilio_goes_to_the_base_url_override() {
    let ca = tls::Ca::new();
    let next = format!("https://{GLOBAL}/v1/Services?{NEXT_QUERY}");
    let own = ca.serve(&["127.0.0.1"], pages(next)).await;
    let regional = bystander(&ca, REGIONAL).await;
    let global = bystander(&ca, GLOBAL).await;
    // The override wins over the region and edge, for next links as for first requests.
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .region("au1")
        .edge("sydney")
        .base_url(twilio_rest::proxy_v1::API, format!("https://{}", own.addr))
        .http_client(tls::trusting(
            &ca,
            &[(REGIONAL, &regional), (GLOBAL, &global)],
        ))
        .build()
        .unwrap();

    let sids = stream_sids(&client).await.unwrap();
    assert_eq!(sids, [sid("KS", 'a'), sid("KS", 'b')]);
    assert_both_pages(&own, &own.addr.to_string());
    assert_untouched(&regional, "the link went to the region and edge");
    assert_untouched(&global, "the link was followed as it is");
}
