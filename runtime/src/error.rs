//! The one error type of the client.

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
    /// TLS, timeout).
    Transport(reqwest::Error),
    /// The call did not finish within [`crate::RetryPolicy::deadline`].
    Deadline(Box<DeadlineError>),
    /// A success response whose body is not what the spec declares.
    Decode(DecodeError),
    /// The client is misconfigured (missing credentials, bad base URL).
    Config(String),
    /// The OAuth token endpoint refused the client credentials.
    Token(Box<ApiError>),
}

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
    /// The deadline that passed.
    pub deadline: std::time::Duration,
}

impl fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} did not finish within its deadline of {:?}",
            self.method, self.url, self.deadline
        )
    }
}

impl std::error::Error for DeadlineError {}

/// A success response that could not be decoded.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: u16,
    /// The start of the body.
    pub excerpt: String,
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
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::Token(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
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

    /// Builds the error for a non-success response.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        Error::Api(Box::new(ApiError::from_response(status, body)))
    }
}

impl ApiError {
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
            },
            _ => ApiError {
                status,
                code: None,
                message: excerpt(body),
                more_info: None,
                details: None,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Validation(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Deadline(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Config(m) => write!(f, "client configuration: {m}"),
            Error::Token(e) => write!(f, "OAuth token request failed: {e}"),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Twilio API error (HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", code {code}")?;
        }
        write!(f, "): {}", self.message)?;
        if let Some(more) = &self.more_info {
            write!(f, " ({more})")?;
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
        write!(
            f,
            "cannot decode the HTTP {} response: {} (body starts: {})",
            self.status, self.source, self.excerpt
        )
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode(e) => Some(&e.source),
            _ => None,
        }
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
        let e = Error::from_response(404, body);
        let api = e.as_api().unwrap();
        assert_eq!(api.code, Some(20404));
        assert_eq!(api.message, "The requested resource was not found");
        assert_eq!(e.status(), Some(404));
        assert_eq!(
            e.to_string(),
            "Twilio API error (HTTP 404, code 20404): The requested resource was not found (https://www.twilio.com/docs/errors/20404)"
        );
    }

    #[test]
    fn non_json_error_bodies_do_not_panic() {
        let e = Error::from_response(502, b"<html>Bad gateway</html>");
        assert_eq!(e.as_api().unwrap().message, "<html>Bad gateway</html>");
        let long = vec![b'x'; 1000];
        let e = Error::from_response(500, &long);
        assert_eq!(e.as_api().unwrap().message.chars().count(), EXCERPT + 1);
        let e = Error::from_response(500, &[0xff, 0xfe]);
        assert!(e.as_api().unwrap().message.contains('\u{fffd}'));
    }
}
