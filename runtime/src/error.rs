//! The one error type of the client, and the errors it wraps.
//!
//! Each error's `Display` says what went wrong at its own level only; the
//! underlying error (reqwest's, serde_json's, url's) is its
//! [`source`](std::error::Error::source), so reporters that walk the chain
//! (`anyhow`'s `{:#}`, `tracing`, `eyre`) print every cause once.

use std::fmt;

/// Result of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Twilio answered with an error status.
    Api(Box<ApiError>),
    /// An argument was rejected before any request was sent.
    Validation(ValidationError),
    /// The request could not be sent or the response not read (connection,
    /// TLS, a timeout of one attempt).
    Transport(Box<TransportError>),
    /// The call did not finish within its request timeout
    /// ([`ClientBuilder::request_timeout`](crate::ClientBuilder::request_timeout),
    /// or the call's own `request_timeout`), retries included.
    Deadline(Box<DeadlineError>),
    /// A success response whose body is not what the spec declares.
    Decode(DecodeError),
    /// The client is misconfigured (missing credentials, bad base URL).
    Config(ConfigError),
    /// A response body longer than
    /// [`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size):
    /// refused before it is read whole.
    BodyTooLarge(Box<BodyTooLargeError>),
    /// The OAuth token endpoint refused the client credentials.
    Token(Box<ApiError>),
    /// A list's next-page link that is not followed.
    Paging(PagingError),
}

/// Why a list's next-page link is not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingError {
    /// The link names a host that is neither Twilio's (`*.twilio.com` over HTTPS)
    /// nor the configured base URL's: the client's credentials are not sent there.
    UntrustedHost {
        /// The link, without credentials.
        url: String,
    },
    /// The link was already fetched for this list: following it would loop.
    Repeated {
        /// The link, without credentials.
        url: String,
    },
    /// The link names the configured base URL's host but a path outside the base
    /// URL's path (`http://proxy/twilio/` and a link to `http://proxy/admin/…`):
    /// the client's credentials are only sent under that path.
    OutsideBaseUrl {
        /// The link, without credentials.
        url: String,
    },
    /// The link is not a URL (nor one relative to the page's): the list cannot go
    /// on, and ending it quietly would cut it short.
    Unreadable,
}

impl fmt::Display for PagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingError::UntrustedHost { url } => write!(
                f,
                "next-page link {url} is not on a Twilio host or the configured base URL: not followed"
            ),
            PagingError::Repeated { url } => write!(
                f,
                "next-page link {url} was already fetched for this list: not followed"
            ),
            PagingError::OutsideBaseUrl { url } => write!(
                f,
                "next-page link {url} is outside the configured base URL's path: not followed \
                 (the client's credentials stay under that path)"
            ),
            PagingError::Unreadable => {
                write!(f, "the next-page link is not a URL: the list cannot go on")
            }
        }
    }
}

impl std::error::Error for PagingError {}

/// A Twilio REST error (`{"code", "message", "more_info", "status", "details"}`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: u16,
    /// Twilio error code (see <https://www.twilio.com/docs/api/errors>).
    pub code: Option<i64>,
    /// Human-readable message; for a body that is not Twilio's JSON, an excerpt of it.
    pub message: String,
    /// Link to the documentation of the error code.
    pub more_info: Option<String>,
    /// Extra details, when Twilio sends them.
    pub details: Option<serde_json::Value>,
    /// The HTTP method of the request.
    pub method: String,
    /// The URL of the request, query included, without credentials.
    pub url: String,
    /// The `Twilio-Request-Id` response header, for Twilio support.
    pub request_id: Option<String>,
    /// How many times the request was sent (more than 1 when it was retried).
    pub attempts: u32,
}

/// A request that could not be sent, or whose response could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The HTTP method.
    pub method: String,
    /// The URL, query included, without credentials.
    pub url: String,
    /// The `Twilio-Request-Id` header, when the response started arriving.
    pub request_id: Option<String>,
    /// How many times the request was sent (more than 1 when it was retried).
    pub attempts: u32,
    /// The underlying error.
    pub source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(
        method: &str,
        url: &url::Url,
        headers: Option<&reqwest::header::HeaderMap>,
        source: reqwest::Error,
    ) -> Self {
        TransportError {
            method: method.to_owned(),
            url: redact_url(url),
            request_id: headers.and_then(request_id),
            attempts: 1,
            // The URL is shown (without credentials) by this error.
            source: source.without_url(),
        }
    }

    /// Whether the server's TLS certificate was refused (unknown issuer, expired,
    /// wrong host): a failure that retrying cannot mend.
    pub fn is_certificate(&self) -> bool {
        is_certificate_error(&self.source)
    }
}

/// Whether `e` or one of its causes is a refused TLS certificate: rustls's
/// certificate errors by type, other TLS libraries' by their message (OpenSSL,
/// Security.framework and SChannel all name the certificate).
pub(crate) fn is_certificate_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        #[cfg(feature = "__rustls")]
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::InvalidCertRevocationList(_)
            );
        }
        if c.to_string().to_ascii_lowercase().contains("certificate") {
            return true;
        }
        cause = c.source();
    }
    false
}

/// ` after N attempts`, when a request was sent more than once.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " after {attempts} attempts")?;
    }
    Ok(())
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cause (reqwest's error and its own causes) is `source()`.
        write!(f, "{} {} failed", self.method, self.url)?;
        write_attempts(f, self.attempts)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

/// `url` without its user name and password, as errors show it.
pub(crate) fn redact_url(url: &url::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// The `Twilio-Request-Id` header.
pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("twilio-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// An argument that does not meet the spec's constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// The parameter's API name (`Sid`, `PageSize`).
    pub param: String,
    /// Why it was rejected.
    pub reason: String,
}

impl ValidationError {
    pub(crate) fn new(param: &str, reason: impl Into<String>) -> Self {
        ValidationError {
            param: param.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A call that did not finish within its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadlineError {
    /// The HTTP method.
    pub method: String,
    /// The URL, without credentials.
    pub url: String,
    /// The request timeout that passed.
    pub deadline: std::time::Duration,
    /// How many times the request was sent, the unfinished one included.
    pub attempts: u32,
}

impl fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} did not finish within its request timeout of {:?}",
            self.method, self.url, self.deadline
        )?;
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for DeadlineError {}

/// A client that cannot be built or a call that cannot be made as configured.
#[derive(Debug)]
#[non_exhaustive]
pub struct ConfigError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            source: None,
        }
    }

    /// With `source` as the cause.
    pub(crate) fn caused_by(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What is wrong and how to fix it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client configuration: {}", self.message)
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A response body longer than the client's
/// [`max_body_size`](crate::ClientBuilder::max_body_size), refused without being
/// read whole (by its `Content-Length`, or when the bytes read pass the cap).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BodyTooLargeError {
    /// The HTTP method.
    pub method: String,
    /// The URL, query included, without credentials.
    pub url: String,
    /// HTTP status of the response.
    pub status: u16,
    /// The cap, in bytes.
    pub limit: u64,
    /// The `Twilio-Request-Id` header of the response.
    pub request_id: Option<String>,
}

impl fmt::Display for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the HTTP {} response to {} {} has a body longer than the client's limit of {} bytes \
             (`ClientBuilder::max_body_size`): not read",
            self.status, self.method, self.url, self.limit
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for BodyTooLargeError {}

/// A success response that could not be decoded.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: u16,
    /// The start of the body.
    pub excerpt: String,
    /// The `Twilio-Request-Id` header of the response.
    pub request_id: Option<String>,
    /// The decoding error.
    pub source: serde_json::Error,
}

/// How much of a body to keep in errors.
const EXCERPT: usize = 300;

/// The first [`EXCERPT`] bytes of a body, as text.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if body.len() > EXCERPT {
        s.push('…');
    }
    s
}

impl Error {
    /// Adds the `Twilio-Request-Id` of `headers` to a decode error.
    pub(crate) fn with_request_id(mut self, headers: &reqwest::header::HeaderMap) -> Self {
        if let Error::Decode(e) = &mut self {
            if e.request_id.is_none() {
                e.request_id = request_id(headers);
            }
        }
        self
    }

    /// The HTTP status, for API, decode and body-size errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::Token(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::BodyTooLarge(e) => Some(e.status),
            _ => None,
        }
    }

    /// How many times the request was sent, for errors of a call that reached
    /// the network (more than 1 when it was retried).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Transport(e) => Some(e.attempts),
            Error::Deadline(e) => Some(e.attempts),
            _ => None,
        }
    }

    /// Records that the request was sent `attempts` times.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Error::Api(e) => e.attempts = attempts,
            Error::Transport(e) => e.attempts = attempts,
            Error::Deadline(e) => e.attempts = attempts,
            _ => {}
        }
        self
    }

    /// The Twilio error code (`20404`), when Twilio answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(e) | Error::Token(e) => e.code,
            _ => None,
        }
    }

    /// The `Twilio-Request-Id` of the response, for Twilio support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) | Error::Token(e) => e.request_id.as_deref(),
            Error::Transport(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::BodyTooLarge(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The Twilio error, if Twilio answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the resource does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api(e) if e.status == 404)
    }

    /// Whether Twilio refused the credentials (HTTP 401) or the token endpoint
    /// refused the client credentials.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Api(e) if e.status == 401) || matches!(self, Error::Token(_))
    }

    /// Whether Twilio answered `429 Too Many Requests` (after the retries the
    /// policy allowed).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(e) if e.status == 429)
    }

    /// Whether the call ran out of time: a request timeout or the call's deadline.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport(e) => e.source.is_timeout(),
            Error::Deadline(_) => true,
            _ => false,
        }
    }

    /// Whether the failure may pass by itself (429, 5xx, timeouts, transport
    /// failures other than a refused TLS certificate): worth trying the call
    /// again later.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Api(e) => e.status == 429 || e.status >= 500,
            Error::Transport(e) => !e.is_certificate(),
            Error::Deadline(_) => true,
            _ => false,
        }
    }

    /// Builds the error for a non-success response.
    pub(crate) fn from_response(
        status: u16,
        body: &[u8],
        method: &str,
        url: &url::Url,
        headers: &reqwest::header::HeaderMap,
    ) -> Self {
        Error::Api(Box::new(ApiError::answered(
            status, body, method, url, headers,
        )))
    }
}

impl ApiError {
    /// The error of a non-success answer to `method url`.
    pub(crate) fn answered(
        status: u16,
        body: &[u8],
        method: &str,
        url: &url::Url,
        headers: &reqwest::header::HeaderMap,
    ) -> Self {
        ApiError {
            method: method.to_owned(),
            url: redact_url(url),
            request_id: request_id(headers),
            ..ApiError::from_response(status, body)
        }
    }

    /// The Twilio error in a non-success response (or an excerpt of its body).
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            code: Option<i64>,
            message: Option<String>,
            more_info: Option<String>,
            details: Option<serde_json::Value>,
        }
        let parsed = serde_json::from_slice::<Body>(body).ok();
        match parsed {
            Some(b) if b.message.is_some() || b.code.is_some() => ApiError {
                status,
                code: b.code,
                message: b.message.unwrap_or_default(),
                more_info: b.more_info,
                details: b.details,
                method: String::new(),
                url: String::new(),
                request_id: None,
                attempts: 1,
            },
            _ => ApiError {
                status,
                code: None,
                message: excerpt(body),
                more_info: None,
                details: None,
                method: String::new(),
                url: String::new(),
                request_id: None,
                attempts: 1,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Validation(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => fmt::Display::fmt(e, f),
            Error::Deadline(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Config(e) => fmt::Display::fmt(e, f),
            Error::Token(e) => write!(f, "OAuth token request failed: {e}"),
            Error::Paging(e) => fmt::Display::fmt(e, f),
            Error::BodyTooLarge(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Twilio API error (HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", code {code}")?;
        }
        write!(f, ")")?;
        if !self.method.is_empty() {
            write!(f, " on {} {}", self.method, self.url)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(more) = &self.more_info {
            write!(f, " ({more})")?;
        }
        write_attempts(f, self.attempts)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid argument `{}`: {}", self.param, self.reason)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The decoder's message (what and where) is `source()`.
        write!(
            f,
            "cannot decode the HTTP {} response (body starts: {})",
            self.status, self.excerpt
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

/// `Error` is transparent: its `Display` is the wrapped error's and its source
/// the wrapped error's source, so a chain shows each cause once.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => e.source(),
            Error::Validation(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Deadline(e) => e.source(),
            Error::Decode(e) => e.source(),
            Error::Config(e) => e.source(),
            Error::Token(e) => e.source(),
            Error::Paging(e) => e.source(),
            Error::BodyTooLarge(e) => e.source(),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl std::error::Error for ApiError {}
impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_error_bodies_are_parsed() {
        let body = br#"{"code": 20404, "message": "The requested resource was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}"#;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("Twilio-Request-Id", "RQ123".parse().unwrap());
        let url = url::Url::parse("https://user:pw@api.twilio.com/v1/X?Page=2").unwrap();
        let e = Error::from_response(404, body, "GET", &url, &headers);
        let api = e.as_api().unwrap();
        assert_eq!(api.code, Some(20404));
        assert_eq!(api.message, "The requested resource was not found");
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.code(), Some(20404));
        assert_eq!(e.request_id(), Some("RQ123"));
        assert!(e.is_not_found() && !e.is_rate_limited() && !e.is_transient());
        assert_eq!(
            e.to_string(),
            "Twilio API error (HTTP 404, code 20404) on GET https://api.twilio.com/v1/X?Page=2: The requested resource was not found (https://www.twilio.com/docs/errors/20404) [request RQ123]"
        );
    }

    #[test]
    fn non_json_error_bodies_do_not_panic() {
        let e = ApiError::from_response(502, b"<html>Bad gateway</html>");
        assert_eq!(e.message, "<html>Bad gateway</html>");
        let long = vec![b'x'; 1000];
        let e = Error::Api(Box::new(ApiError::from_response(500, &long)));
        assert_eq!(e.as_api().unwrap().message.chars().count(), EXCERPT + 1);
        let e = Error::Api(Box::new(ApiError::from_response(500, &[0xff, 0xfe])));
        assert!(e.as_api().unwrap().message.contains('\u{fffd}'));
    }
}
