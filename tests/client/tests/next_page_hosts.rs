//! Next-page links on the wire: Twilio hostnames are resolved to in-process HTTPS
//! servers (a CA made at test time, `reqwest::ClientBuilder::resolve`), so where a
//! followed link goes is observable. A link to `proxy.twilio.com` goes through the
//! region and edge (or the base-URL override) like a first request; a link to
//! another host is refused before anything, credentials included, is sent there.

mod common;
#[path = "common/tls.rs"]
mod tls;

use common::*;
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

#[tokio::test]
async fn a_twilio_links_user_and_password_never_reach_the_wire() {
    let ca = tls::Ca::new();
    let next = format!("https://user:link-secret@{GLOBAL}/v1/Services?{NEXT_QUERY}");
    let global = ca.serve(&[GLOBAL], pages(next)).await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .http_client(tls::trusting(&ca, &[(GLOBAL, &global)]))
        .build()
        .unwrap();

    let sids = stream_sids(&client).await.unwrap();
    assert_eq!(sids, [sid("KS", 'a'), sid("KS", 'b')]);
    // The client's credentials, once: not the link's before them.
    assert_both_pages(&global, GLOBAL);
    for s in global.seen() {
        assert_eq!(s.authorizations, 1, "{s:?}");
    }
}

/// A base URL with a path prefix on a plain-HTTP mock server, whose first services
/// page links to `next(server_uri)`; the page with `Page=1` ends the list.
async fn prefixed(next: impl Fn(&str) -> String) -> (wiremock::MockServer, Client) {
    use wiremock::matchers::{method, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let last = json!({
        "services": [{"sid": sid("KS", 'b')}],
        "meta": {"key": "services", "page": 1, "next_page_url": null}
    });
    let first = json!({
        "services": [{"sid": sid("KS", 'a')}],
        "meta": {"key": "services", "page": 0, "next_page_url": next(&server.uri())}
    });
    Mock::given(method("GET"))
        .and(query_param("Page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(last))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .mount(&server)
        .await;
    let client = Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(
            twilio_rest::proxy_v1::API,
            format!("{}/prefix", server.uri()),
        )
        .build()
        .unwrap();
    (server, client)
}

/// Path and number of `Authorization` headers of each request `server` got.
async fn authorizations(server: &wiremock::MockServer) -> Vec<(String, usize)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let auth: Vec<_> = r.headers.get_all("authorization").iter().collect();
            if let Some(a) = auth.first() {
                assert_eq!(a.to_str().unwrap(), basic_auth());
            }
            (r.url.path().to_owned(), auth.len())
        })
        .collect()
}

#[tokio::test]
async fn a_link_to_the_base_url_with_a_user_and_password_sends_the_clients_credentials_once() {
    let (server, client) = prefixed(|uri| {
        let with_user = uri.replace("http://", "http://user:link-secret@");
        format!("{with_user}/prefix/v1/Services?PageSize=50&Page=1")
    })
    .await;
    let sids = stream_sids(&client).await.unwrap();
    assert_eq!(sids, [sid("KS", 'a'), sid("KS", 'b')]);
    assert_eq!(
        authorizations(&server).await,
        [
            ("/prefix/v1/Services".to_owned(), 1),
            ("/prefix/v1/Services".to_owned(), 1)
        ]
    );
}

#[tokio::test]
async fn a_link_to_the_base_urls_host_outside_its_path_is_refused() {
    let (server, client) =
        prefixed(|uri| format!("{uri}/admin/v1/Services?PageSize=50&Page=1")).await;
    let mut stream = client.proxy_v1().services().list().stream();
    assert!(stream.try_next().await.unwrap().is_some());
    let err = stream.try_next().await.unwrap_err();
    assert!(
        matches!(&err, Error::Paging(PagingError::OutsideBaseUrl { url }) if url.contains("/admin/")),
        "{err:?}"
    );
    // Only the first page was requested: nothing, credentials included, went to /admin.
    assert_eq!(
        authorizations(&server).await,
        [("/prefix/v1/Services".to_owned(), 1)]
    );
}
