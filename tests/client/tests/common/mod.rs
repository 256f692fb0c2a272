//! Shared setup: a mock server and a client pointed at it.

#![allow(dead_code)]

use std::time::Duration;
use twilio_rest::{Client, RetryPolicy};
use wiremock::MockServer;

pub const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const TOKEN: &str = "the-auth-token";

/// `Basic base64(ACCOUNT:TOKEN)`.
pub fn basic_auth() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{ACCOUNT}:{TOKEN}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(CHARS[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// A SID with `prefix` and 32 hex digits made of `c`.
pub fn sid(prefix: &str, c: char) -> String {
    format!("{prefix}{}", c.to_string().repeat(32))
}

/// The Proxy participants list path of the test service and session.
pub fn participants_path() -> String {
    format!(
        "/v1/Services/{}/Sessions/{}/Participants",
        sid("KS", 'a'),
        sid("KC", 'a')
    )
}

/// A client whose Flex v1 and Proxy v1 requests go to `server`, retrying fast.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(twilio_rest::flex_v1::API, server.uri())
        .base_url(twilio_rest::proxy_v1::API, server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

/// The one request the server received.
pub async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut reqs = server.received_requests().await.unwrap();
    assert_eq!(
        reqs.len(),
        1,
        "expected exactly one request, got {}",
        reqs.len()
    );
    reqs.remove(0)
}

/// Asserts method, path, Basic auth and content type of a request.
pub fn assert_request(
    req: &wiremock::Request,
    method: &str,
    path: &str,
    content_type: Option<&str>,
) {
    assert_eq!(req.method.as_str(), method);
    assert_eq!(req.url.path(), path);
    let auth = req
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(auth, Some(basic_auth()));
    let ct = req
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(ct.as_deref(), content_type);
}

/// The body of a request, decoded as form pairs in order.
pub fn form_pairs(req: &wiremock::Request) -> Vec<(String, String)> {
    url_pairs(std::str::from_utf8(&req.body).unwrap())
}

/// Decodes `a=1&b=2` (with `+` and percent escapes).
pub fn url_pairs(s: &str) -> Vec<(String, String)> {
    let decode = |x: &str| {
        let x = x.replace('+', " ");
        let bytes = x.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                let h = u8::from_str_radix(&x[i + 1..i + 3], 16).unwrap();
                out.push(h);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
