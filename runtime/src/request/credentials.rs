//! Which credentials a request is sent with, as its operation's security
//! declares, and where they go.

use super::Request;
use crate::error::{Error, Result};

/// How an operation authenticates, as its spec declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AuthRule {
    /// Basic credentials (or OAuth when the client has only that).
    Default,
    /// OAuth 2.0 client credentials, with the scheme's token endpoint.
    OAuth(&'static str),
    /// No credentials (`security: []`).
    None,
    /// The secrets the application set for these security schemes
    /// ([`crate::ClientBuilder::scheme_credential`]), every one sent; never the
    /// client's Basic or OAuth credentials.
    Schemes(&'static [Credential]),
}

/// Where an operation's security scheme puts the secret the application set for
/// it by the scheme's name (the first field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <secret>` (HTTP `bearer`).
    Bearer(&'static str),
    /// A header of this name (`apiKey` in `header`).
    Header(&'static str, &'static str),
    /// A query parameter of this name (`apiKey` in `query`).
    Query(&'static str, &'static str),
    /// A cookie of this name (`apiKey` in `cookie`).
    Cookie(&'static str, &'static str),
}

impl Credential {
    /// The security scheme's name.
    fn scheme(&self) -> &'static str {
        match *self {
            Credential::Bearer(s)
            | Credential::Header(s, _)
            | Credential::Query(s, _)
            | Credential::Cookie(s, _) => s,
        }
    }
}

/// `rb` with the header, cookie and bearer scheme credentials (those in the
/// query are on the URL), each value marked sensitive.
pub(super) fn with_schemes(
    mut rb: reqwest::RequestBuilder,
    credentials: &[(Credential, String)],
) -> reqwest::RequestBuilder {
    use reqwest::header::{HeaderValue, AUTHORIZATION, COOKIE};
    let sensitive = |text: String| {
        HeaderValue::try_from(text).map(|mut v| {
            v.set_sensitive(true);
            v
        })
    };
    let mut cookies = Vec::new();
    for (c, secret) in credentials {
        match *c {
            Credential::Bearer(_) => {
                if let Ok(v) = sensitive(format!("Bearer {secret}")) {
                    rb = rb.header(AUTHORIZATION, v);
                }
            }
            Credential::Header(_, name) => {
                if let Ok(v) = sensitive(secret.clone()) {
                    rb = rb.header(name, v);
                }
            }
            Credential::Cookie(_, name) => cookies.push(format!("{name}={secret}")),
            Credential::Query(..) => {}
        }
    }
    if !cookies.is_empty() {
        if let Ok(v) = sensitive(cookies.join("; ")) {
            rb = rb.header(COOKIE, v);
        }
    }
    rb
}

/// The `Authorization` a request is sent with.
pub(super) enum Authorization {
    None,
    /// The client's encoded Basic credentials.
    Basic(reqwest::header::HeaderValue),
    Bearer(String),
    /// Scheme credentials with their secrets.
    Schemes(Vec<(Credential, String)>),
}

impl Request {
    /// The credentials to send: none when the request carries its own
    /// `Authorization` header or its operation declares none; a bearer token for
    /// OAuth operations (or when the client has only OAuth credentials); else Basic.
    pub(super) async fn authorization(&self) -> Result<Authorization> {
        let own = self
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"));
        if own || self.auth == AuthRule::None {
            return Ok(Authorization::None);
        }
        let inner = &self.client.inner;
        if let AuthRule::Schemes(credentials) = self.auth {
            return credentials
                .iter()
                .map(|c| match inner.schemes.get(c.scheme()) {
                    Some(secret) => Ok((*c, secret.clone())),
                    None => Err(Error::Config(crate::error::ConfigError::new(format!(
                        "no credential for the security scheme `{}` this operation requires: \
                         set it with `ClientBuilder::scheme_credential`",
                        c.scheme()
                    )))),
                })
                .collect::<Result<_>>()
                .map(Authorization::Schemes);
        }
        let bearer = |declared| async move {
            match &inner.oauth {
                Some(o) => o
                    .access_token(inner, declared)
                    .await
                    .map(Authorization::Bearer),
                None => Err(Error::Config(crate::client::config(
                    "no OAuth client credentials",
                ))),
            }
        };
        match (&inner.basic_header, &inner.oauth, self.auth) {
            (_, Some(_), AuthRule::OAuth(url)) => bearer(Some(url)).await,
            (Some(header), _, _) => Ok(Authorization::Basic(header.clone())),
            (None, _, _) => bearer(None).await,
        }
    }
}
