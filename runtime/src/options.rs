//! Per-call options: timeouts and extra headers for one call, set on any request
//! builder with `request_timeout`, `attempt_timeout`, `request_header` or
//! `request_options`.

use super::error::ValidationError;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// Headers the client sets itself, which extra headers may not add: credentials
/// (so a call cannot replace or add to the client's authentication), the
/// negotiation the runtime relies on, and what the HTTP layer computes.
const RESERVED: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "accept",
    "content-type",
    "user-agent",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
];

/// Options of one call: timeouts that override the client's and extra headers
/// (a tracing header, an idempotency token, a routing header for a proxy).
///
/// Set them on a request builder (`.request_timeout(d)`, `.attempt_timeout(d)`,
/// `.request_header(name, value)`), or build one value and give it to several
/// with `.request_options(options)`. For a list, they apply to every page.
///
/// Extra headers are added to the operation's own; the headers the client sets
/// itself (`Authorization`, `Proxy-Authorization`, `Accept`, `Content-Type`,
/// `User-Agent`, `Host`, `Content-Length`, `Transfer-Encoding`, `Connection`)
/// and invalid names or values are refused with [`crate::Error::Validation`]
/// before anything is sent. Their values are never printed: `Debug` shows the
/// names only, and tracing records no header.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// The first refused header, reported when the call is sent.
    pub(crate) error: Option<ValidationError>,
}

impl RequestOptions {
    /// No timeout of its own, no extra header.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed for the whole call, retries and the waits between them
    /// included (for a list, for each page), instead of the client's
    /// [`request_timeout`](crate::ClientBuilder::request_timeout); past it, the
    /// call ends with [`crate::Error::Deadline`].
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Time allowed for each HTTP request of the call (each attempt), instead of
    /// the client's [`attempt_timeout`](crate::ClientBuilder::attempt_timeout).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Adds the header `name: value` to every HTTP request of the call.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| "is not a valid header name")
            .and_then(|n| {
                if RESERVED.contains(&n.as_str()) {
                    Err("is set by the client and cannot be given per call")
                } else {
                    Ok(n)
                }
            })
            .and_then(|n| {
                let mut v = HeaderValue::from_str(value.as_ref())
                    .map_err(|_| "has a value that is not a valid header value")?;
                v.set_sensitive(true);
                Ok((n, v))
            });
        match parsed {
            Ok(header) => self.headers.push(header),
            Err(reason) => {
                if self.error.is_none() {
                    self.error = Some(ValidationError::new(name, format!("header {reason}")));
                }
            }
        }
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("request_timeout", &self.request_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("error", &self.error)
            .finish()
    }
}

/// Implements `request_timeout`, `attempt_timeout`, `request_header` and
/// `request_options` for a
/// request builder with a `request_options: RequestOptions` field, in a crate that
/// re-exports `RequestOptions` at its root (its docs link there). Used by
/// [`operation!`](crate::operation) and [`list_operation!`](crate::list_operation).
#[macro_export]
#[doc(hidden)]
macro_rules! request_options_setters {
    ($builder:ident) => {
        impl $builder {
            /// Time allowed for this whole call, retries included, instead of the
            /// client's (see
            /// [`RequestOptions::request_timeout`](crate::RequestOptions::request_timeout)).
            pub fn request_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.request_options = self.request_options.request_timeout(timeout);
                self
            }

            /// Time allowed for each HTTP request (attempt) of this call, instead of
            /// the client's (see
            /// [`RequestOptions::attempt_timeout`](crate::RequestOptions::attempt_timeout)).
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.request_options = self.request_options.attempt_timeout(timeout);
                self
            }

            /// Adds a header to this call; the client's own headers (credentials,
            /// `Accept`, `Content-Type`, `User-Agent`, …) are refused when it is sent
            /// (see [`RequestOptions`](crate::RequestOptions)).
            pub fn request_header(
                mut self,
                name: impl ::std::convert::AsRef<str>,
                value: impl ::std::convert::AsRef<str>,
            ) -> Self {
                self.request_options = self.request_options.header(name, value);
                self
            }

            /// Replaces this call's options (timeouts and extra headers) with `options`.
            pub fn request_options(mut self, options: $crate::RequestOptions) -> Self {
                self.request_options = options;
                self
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_invalid_headers_are_refused_and_values_not_shown() {
        let o = RequestOptions::new()
            .header("X-Trace", "secret-looking-value")
            .header("authorization", "Basic abc");
        assert_eq!(o.headers.len(), 1);
        let e = o.error.as_ref().unwrap();
        assert_eq!(e.param, "authorization");
        assert!(!format!("{o:?}").contains("secret-looking-value"));
        assert!(!format!("{o:?}").contains("Basic abc"));
        for (name, value) in [
            ("Proxy-Authorization", "x"),
            ("Content-Type", "text/plain"),
            ("bad name", "x"),
            ("X-Ok", "line\r\nbreak"),
        ] {
            let o = RequestOptions::new().header(name, value);
            assert!(o.headers.is_empty() && o.error.is_some(), "{name}");
        }
    }
}
