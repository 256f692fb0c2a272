//! The request as it will be sent: the URL (path template filled in,
//! percent-encoded; query) and the encoded body and headers.

use super::{Body, Request, Target};
use crate::error::{Error, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// A request as it will be sent, without the client's credentials (which are
/// added when sending): for logging, signing, or checking what an operation would
/// do. Header parameters that carry credentials (an operation's `Authorization`
/// parameter, token-like names) and per-call headers print as `***` in `Debug`,
/// and so does a password in the URL.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreparedRequest {
    /// The HTTP method.
    pub method: String,
    /// The full URL, query included.
    pub url: url::Url,
    /// Headers other than the client's authentication, in order.
    pub headers: Vec<(String, HeaderText)>,
    /// The encoded body, if any.
    pub body: Option<Vec<u8>>,
}

/// A header value; one that carries a credential prints as `***` in `Debug`, so
/// requests, pages and errors can be logged safely. [`HeaderText::as_str`] gives
/// the value.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderText {
    value: String,
    secret: bool,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &crate::error::redact_url(&self.url))
            .field("headers", &self.headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| String::from_utf8_lossy(b)),
            )
            .finish()
    }
}

impl HeaderText {
    pub(crate) fn new(value: String, secret: bool) -> Self {
        HeaderText { value, secret }
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Whether the value is a credential, hidden from `Debug`.
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

impl std::fmt::Debug for HeaderText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.secret {
            f.write_str("\"***\"")
        } else {
            std::fmt::Debug::fmt(&self.value, f)
        }
    }
}

impl PartialEq<str> for HeaderText {
    fn eq(&self, other: &str) -> bool {
        self.value == other
    }
}

impl PartialEq<&str> for HeaderText {
    fn eq(&self, other: &&str) -> bool {
        self.value == *other
    }
}

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Request {
    /// The URL this request goes to.
    pub(crate) fn url(&self) -> Result<url::Url> {
        let mut url = match &self.target {
            Target::Absolute(u) => u.clone(),
            Target::Template(template, params) => {
                let mut url = match self.server {
                    Some(server) if !self.client.has_override(&self.api) => {
                        self.client.server_url(server)?
                    }
                    _ => self.client.base_url(&self.api)?,
                };
                // The base URL's path, then the template with each `{name}`
                // replaced by its percent-encoded value, in one pass.
                let mut path = String::with_capacity(url.path().len() + template.len() + 64);
                path.push_str(url.path().trim_end_matches('/'));
                let mut rest = *template;
                while let Some(open) = rest.find('{') {
                    let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                        break;
                    };
                    path.push_str(&rest[..open]);
                    let name = &rest[open + 1..close];
                    match params.iter().find(|(n, _)| *n == name) {
                        Some((_, value)) => path.extend(utf8_percent_encode(value, SEGMENT)),
                        None => path.push_str(&rest[open..=close]),
                    }
                    rest = &rest[close + 1..];
                }
                path.push_str(rest);
                // Only the path is parsed again: the host stays as parsed.
                url.set_path(&path);
                url
            }
        };
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &self.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// The request as it will be sent, without credentials: validation first.
    pub fn prepare(&self) -> Result<PreparedRequest> {
        if let Some(e) = self.error.as_ref().or(self.options.error.as_ref()) {
            return Err(Error::Validation(e.clone()));
        }
        let url = self.url()?;
        let (content_type, body): (Option<&str>, Option<Vec<u8>>) = match &self.body {
            Body::None => (None, None),
            Body::Form(fields) => {
                let mut s = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in fields {
                    s.append_pair(k, v);
                }
                (
                    Some("application/x-www-form-urlencoded"),
                    Some(s.finish().into_bytes()),
                )
            }
            Body::Json(m) => (
                Some("application/json"),
                Some(serde_json::to_vec(m).unwrap_or_default()),
            ),
            Body::JsonValue(v) => (
                Some("application/json"),
                Some(serde_json::to_vec(v).unwrap_or_default()),
            ),
        };
        let plain = |v: &str| HeaderText::new(v.to_owned(), false);
        let accept = self.accept.unwrap_or("application/json");
        let mut headers = vec![("Accept".to_owned(), plain(accept))];
        headers.extend(self.headers.iter().map(|(k, v)| (k.to_string(), v.clone())));
        // A method that defines a body states an empty one's length
        // (`Content-Length: 0`), as RFC 9110 §8.6 asks and twilio-node does; some
        // servers and proxies answer 411 otherwise. hyper writes no length for an
        // empty body, so it is a header.
        let defines_body = matches!(
            self.method,
            reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
        );
        if defines_body && body.as_ref().is_none_or(Vec::is_empty) {
            headers.push(("Content-Length".to_owned(), plain("0")));
        }
        if let Some(ct) = content_type {
            let declared = self.content_type.unwrap_or(ct);
            headers.push(("Content-Type".to_owned(), plain(declared)));
        }
        for (name, value) in &self.options.headers {
            // Checked as text when the options were built.
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            // The caller's own headers may carry anything (cookies, signatures):
            // never printed, as `RequestOptions` promises.
            headers.push((name.as_str().to_owned(), HeaderText::new(value, true)));
        }
        Ok(PreparedRequest {
            method: self.method.as_str().to_owned(),
            url,
            headers,
            body,
        })
    }
}
