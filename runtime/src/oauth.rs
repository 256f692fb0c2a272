//! OAuth 2.0 client credentials: bearer tokens fetched from a token endpoint,
//! cached, refreshed before they expire, fetched once when many calls need one at
//! the same time, and never printed.
//!
//! Matches twilio-node's `ClientCredentialProvider`: the token request is a form
//! `POST` of `grant_type=client_credentials`, `client_id` and `client_secret`; a
//! token counts as expired 30 s before the `exp` of its JWT (or, for a token that
//! is not a JWT, before `expires_in`; a token with neither is fetched again for
//! every call, as twilio-node does).

use super::client::Inner;
use super::error::{
    excerpt, ApiError, BodyTooLargeError, DecodeError, Error, Result, TransportError,
};
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The token endpoint of Twilio's OAuth 2.0 API (`twilio_oauth_v2`), used when
/// neither the client nor the operation names one.
pub const DEFAULT_TOKEN_URL: &str = "https://oauth.twilio.com/v2/token";

/// How long before its expiry a token is replaced.
const EXPIRY_BUFFER: Duration = Duration::from_secs(30);

/// Client credentials and the tokens fetched with them, by token endpoint.
pub(crate) struct OAuth {
    client_id: String,
    client_secret: String,
    /// A token endpoint for every operation (else each operation's, else the default).
    token_url: Option<String>,
    tokens: tokio::sync::Mutex<BTreeMap<String, Token>>,
}

struct Token {
    access: String,
    /// When to fetch a new one; `None`: at every use.
    refresh_at: Option<Instant>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl OAuth {
    pub(crate) fn new(client_id: String, client_secret: String, token_url: Option<String>) -> Self {
        OAuth {
            client_id,
            client_secret,
            token_url,
            tokens: tokio::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// A valid access token for the endpoint the client names, else `declared`
    /// (the operation's scheme), else [`DEFAULT_TOKEN_URL`]. Holding the lock while
    /// fetching makes concurrent first uses share one fetch.
    pub(crate) async fn access_token(
        &self,
        http: &Inner,
        declared: Option<&str>,
    ) -> Result<String> {
        let url = self
            .token_url
            .as_deref()
            .or(declared)
            .unwrap_or(DEFAULT_TOKEN_URL);
        let mut tokens = self.tokens.lock().await;
        if let Some(t) = tokens.get(url) {
            if t.refresh_at.is_some_and(|at| Instant::now() < at) {
                return Ok(t.access.clone());
            }
        }
        let token = self.fetch(http, url).await?;
        let access = token.access.clone();
        tokens.insert(url.to_owned(), token);
        Ok(access)
    }

    async fn fetch(&self, http: &Inner, url: &str) -> Result<Token> {
        #[derive(serde::Deserialize)]
        struct Body {
            access_token: String,
            expires_in: Option<u64>,
        }
        // Encoded here rather than with reqwest's `form` feature, which would add
        // serde_urlencoded for this one body.
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", &self.client_secret)
            .finish();
        let parsed = url::Url::parse(url)
            .map_err(|e| crate::client::config("invalid OAuth token URL").caused_by(e))?;
        let transport = |headers, e| {
            Error::Transport(Box::new(TransportError::new("POST", &parsed, headers, e)))
        };
        let resp = http
            .http_request(reqwest::Method::POST, parsed.clone())
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| transport(None, e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let limit = http.max_body_size;
        let bytes = match super::request::read_body(resp, limit).await {
            Ok(bytes) => bytes,
            Err(super::request::BodyError::Read(e)) => return Err(transport(Some(&headers), e)),
            Err(super::request::BodyError::TooLarge) => {
                return Err(Error::BodyTooLarge(Box::new(BodyTooLargeError {
                    method: "POST".to_owned(),
                    url: super::error::redact_url(&parsed),
                    status,
                    limit,
                    request_id: super::error::request_id(&headers),
                })))
            }
        };
        if !(200..300).contains(&status) {
            let api = ApiError::answered(status, &bytes, "POST", &parsed, &headers);
            return Err(Error::Token(Box::new(api)));
        }
        let body: Body = serde_json::from_slice(&bytes).map_err(|source| {
            Error::Decode(DecodeError {
                status,
                excerpt: excerpt(&bytes),
                request_id: super::error::request_id(&headers),
                source,
            })
        })?;
        let now = Instant::now();
        let lifetime = jwt_expiry(&body.access_token)
            .map(|exp| exp.duration_since(SystemTime::now()).unwrap_or_default())
            .or(body.expires_in.map(Duration::from_secs));
        Ok(Token {
            // A lifetime too long to represent (a hostile or broken endpoint) is
            // treated as unknown: the token is used until it is refused.
            refresh_at: lifetime.and_then(|l| now.checked_add(l.saturating_sub(EXPIRY_BUFFER))),
            access: body.access_token,
        })
    }
}

/// The `exp` claim of a JWT, read without verifying it (only to know when to
/// refresh), or `None` for a token that is not a JWT with one.
fn jwt_expiry(token: &str) -> Option<SystemTime> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(exp: u64) -> String {
        use base64::Engine;
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            e.encode(br#"{"alg":"none"}"#),
            e.encode(format!(r#"{{"exp":{exp}}}"#))
        )
    }

    #[test]
    fn the_expiry_of_a_jwt_is_read_and_other_tokens_have_none() {
        assert_eq!(
            jwt_expiry(&jwt(2_000_000_000)),
            Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
        assert_eq!(jwt_expiry("opaque-token"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
    }

    #[test]
    fn secrets_are_not_in_debug_output() {
        let o = OAuth::new("client".into(), "very-secret".into(), None);
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("very-secret") && shown.contains("client"),
            "{shown}"
        );
    }
}
