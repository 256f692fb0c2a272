//! The client: credentials, hosts (region, edge, overrides), the HTTP client
//! (built in, or the application's own), timeouts, user agent and retry policy.

use super::error::{redact_url, ConfigError, Error, Result};
use super::oauth::OAuth;
use super::retry::RetryPolicy;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One API (a product and version, such as Flex v1) and its default base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiInfo {
    /// Module name (`flex_v1`).
    pub name: &'static str,
    /// Default base URL (`https://flex-api.twilio.com`).
    pub base_url: &'static str,
}

/// A Twilio REST client. Cheap to clone; clones share one connection pool.
///
/// Create one with [`Client::new`], [`Client::from_env`] or [`Client::builder`];
/// each API module adds its entry point (`client.flex_v1()`, …).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Sends every request, OAuth token requests included.
    pub(crate) http: reqwest::Client,
    /// Sent as `User-Agent` with every request, so it is there with the
    /// application's own HTTP client too.
    pub(crate) user_agent: reqwest::header::HeaderValue,
    /// Time allowed for one HTTP request (one attempt).
    pub(crate) attempt_timeout: Duration,
    /// Time allowed for a call in all, retries and waits included.
    pub(crate) request_timeout: Duration,
    /// The longest response body read, in bytes.
    pub(crate) max_body_size: u64,
    pub(crate) account_sid: String,
    /// Basic credentials: an Account SID and Auth Token, or an API key and secret.
    pub(crate) basic: Option<(String, String)>,
    /// The `Authorization` value of `basic`, encoded once (marked sensitive).
    pub(crate) basic_header: Option<reqwest::header::HeaderValue>,
    /// OAuth 2.0 client credentials.
    pub(crate) oauth: Option<OAuth>,
    /// Secrets by security scheme name, for operations of specs that declare
    /// their own schemes ([`ClientBuilder::scheme_credential`]).
    pub(crate) schemes: BTreeMap<String, String>,
    pub(crate) region: Option<String>,
    pub(crate) edge: Option<String>,
    pub(crate) base_urls: BTreeMap<String, url::Url>,
    pub(crate) retry: RetryPolicy,
    /// Spec patterns are not enforced (see [`ClientBuilder::relax_patterns`]).
    pub(crate) relax_patterns: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("account_sid", &i.account_sid)
            .field("username", &i.basic.as_ref().map(|(u, _)| u))
            .field("password", &i.basic.as_ref().map(|_| "<redacted>"))
            .field("oauth", &i.oauth)
            .field("schemes", &i.schemes.keys().collect::<Vec<_>>())
            .field("region", &i.region)
            .field("edge", &i.edge)
            .field(
                "base_urls",
                &i.base_urls
                    .iter()
                    .map(|(k, v)| (k.as_str(), redact_url(v)))
                    .collect::<Vec<_>>(),
            )
            .field("attempt_timeout", &i.attempt_timeout)
            .field("request_timeout", &i.request_timeout)
            .field("max_body_size", &i.max_body_size)
            .field("retry", &i.retry)
            .field("relax_patterns", &i.relax_patterns)
            .finish()
    }
}

impl Inner {
    /// One HTTP request through the client's HTTP client, with the user agent and
    /// the client's attempt timeout.
    pub(crate) fn http_request(
        &self,
        method: reqwest::Method,
        url: url::Url,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, url)
            .header(reqwest::header::USER_AGENT, self.user_agent.clone())
            .timeout(self.attempt_timeout)
    }
}

impl Client {
    /// A client authenticating with an Account SID and Auth Token.
    pub fn new(account_sid: impl Into<String>, auth_token: impl Into<String>) -> Result<Self> {
        Self::builder().credentials(account_sid, auth_token).build()
    }

    /// A client configured from the environment: `TWILIO_ACCOUNT_SID` with
    /// `TWILIO_AUTH_TOKEN`, or with `TWILIO_API_KEY` and `TWILIO_API_SECRET`;
    /// optional `TWILIO_REGION`, `TWILIO_EDGE`, and a base URL per API
    /// (`TWILIO_FLEX_V1_BASE_URL`, …; see [`base_url_var`]).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The account this client acts for.
    pub fn account_sid(&self) -> &str {
        &self.inner.account_sid
    }

    /// The base URL requests to `api` go to: the override if one is set, else the
    /// default host rewritten for the region and edge.
    pub fn base_url(&self, api: &ApiInfo) -> Result<url::Url> {
        if let Some(u) = self.inner.base_urls.get(api.name) {
            return Ok(u.clone());
        }
        regional_url(
            api.base_url,
            self.inner.region.as_deref(),
            self.inner.edge.as_deref(),
        )
    }

    /// `server` (an operation's own host) rewritten for the region and edge.
    pub(crate) fn server_url(&self, server: &str) -> Result<url::Url> {
        regional_url(
            server,
            self.inner.region.as_deref(),
            self.inner.edge.as_deref(),
        )
    }

    pub(crate) fn has_override(&self, api: &ApiInfo) -> bool {
        self.inner.base_urls.contains_key(api.name)
    }
}

/// The `Authorization` value of Basic credentials, as reqwest's `basic_auth`
/// writes it, marked sensitive so the HTTP stack's own debug output hides it.
fn basic_header(user: &str, password: &str) -> reqwest::header::HeaderValue {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    // Base64 is always a valid header value.
    let mut value = reqwest::header::HeaderValue::try_from(format!("Basic {encoded}"))
        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Basic"));
    value.set_sensitive(true);
    value
}

/// A configuration error saying `message`.
pub(crate) fn config(message: impl Into<String>) -> ConfigError {
    ConfigError::new(message)
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// The base URL `text` given for the API `name`: an absolute `http` or `https`
/// URL with a host and no user name or password. The error names the setting
/// and the fix, and never repeats the text (it may hold a password).
fn parse_base_url(name: &str, text: &str) -> Result<url::Url> {
    let var = format!("TWILIO_{}_BASE_URL", name.to_ascii_uppercase());
    let what = format!(
        "the base URL for {name} (set with `ClientBuilder::base_url` or the environment \
         variable {var})"
    );
    let fix = "give an absolute URL with a scheme and a host, such as \
               `http://127.0.0.1:4010` or `https://proxy.example.com/twilio`";
    let parsed = url::Url::parse(text)
        .map_err(|e| config(format!("{what} is not a URL: {fix}")).caused_by(e))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        // `localhost:4010` parses, as the scheme `localhost`.
        return Err(Error::Config(config(format!(
            "{what} is not an http or https URL with a host: {fix}"
        ))));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // reqwest would send the URL's user and password as a second
        // `Authorization` header beside the client's own credentials.
        return Err(Error::Config(config(format!(
            "{what} carries a user name or password; the client's credentials go with \
             every request, so give the URL without them"
        ))));
    }
    Ok(parsed)
}

/// The environment variable that overrides the base URL of `api`
/// (`TWILIO_FLEX_V1_BASE_URL`).
pub fn base_url_var(api: &ApiInfo) -> String {
    format!("TWILIO_{}_BASE_URL", api.name.to_ascii_uppercase())
}

/// Rewrites a Twilio host for a region and edge the way Twilio's SDKs do:
/// `flex-api.twilio.com` with edge `sydney` and region `au1` becomes
/// `flex-api.sydney.au1.twilio.com`; an edge without a region implies `us1`.
pub(crate) fn regional_url(
    base: &str,
    region: Option<&str>,
    edge: Option<&str>,
) -> Result<url::Url> {
    let mut url = url::Url::parse(base)
        .map_err(|e| config(format!("invalid base URL `{base}`")).caused_by(e))?;
    if region.is_none() && edge.is_none() {
        return Ok(url);
    }
    let host = url.host_str().unwrap_or_default().to_owned();
    let pieces: Vec<&str> = host.split('.').collect();
    if pieces.len() < 3 {
        return Ok(url);
    }
    let product = pieces[0];
    let domain = pieces[pieces.len() - 2..].join(".");
    // Hosts that already name them: product.edge.region.twilio.com or product.region.twilio.com.
    let (mut cur_edge, mut cur_region) = match pieces.len() {
        5 => (Some(pieces[1]), Some(pieces[2])),
        4 => (None, Some(pieces[1])),
        _ => (None, None),
    };
    if edge.is_some() {
        cur_edge = edge;
    }
    if region.is_some() {
        cur_region = region;
    }
    if cur_edge.is_some() && cur_region.is_none() {
        cur_region = Some("us1");
    }
    let new_host: Vec<&str> = [Some(product), cur_edge, cur_region, Some(domain.as_str())]
        .into_iter()
        .flatten()
        .collect();
    url.set_host(Some(&new_host.join(".")))
        .map_err(|e| config("invalid host for the region and edge").caused_by(e))?;
    Ok(url)
}

/// Builds a [`Client`], or a generated crate's client type that wraps one (`C`).
pub struct ClientBuilder<C = Client> {
    account_sid: Option<String>,
    username: Option<String>,
    password: Option<String>,
    oauth: Option<(String, String)>,
    oauth_token_url: Option<String>,
    schemes: BTreeMap<String, String>,
    region: Option<String>,
    edge: Option<String>,
    base_urls: BTreeMap<String, String>,
    attempt_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_body_size: Option<u64>,
    connect_timeout: Option<Duration>,
    user_agent_extensions: Vec<String>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    relax_patterns: bool,
    client: std::marker::PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            account_sid: None,
            username: None,
            password: None,
            oauth: None,
            oauth_token_url: None,
            schemes: BTreeMap::new(),
            region: None,
            edge: None,
            base_urls: BTreeMap::new(),
            attempt_timeout: None,
            request_timeout: None,
            max_body_size: None,
            connect_timeout: None,
            user_agent_extensions: Vec::new(),
            retry: RetryPolicy::default(),
            http_client: None,
            relax_patterns: false,
            client: std::marker::PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("account_sid", &self.account_sid)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("oauth_client_id", &self.oauth.as_ref().map(|(id, _)| id))
            .field(
                "oauth_client_secret",
                &self.oauth.as_ref().map(|_| "<redacted>"),
            )
            .field("oauth_token_url", &self.oauth_token_url)
            .field("schemes", &self.schemes.keys().collect::<Vec<_>>())
            .field("region", &self.region)
            .field("edge", &self.edge)
            .field(
                "base_urls",
                &self
                    .base_urls
                    .iter()
                    .map(|(k, v)| {
                        let shown = url::Url::parse(v)
                            .map_or_else(|_| "<not a URL>".to_owned(), |u| redact_url(&u));
                        (k.as_str(), shown)
                    })
                    .collect::<Vec<_>>(),
            )
            .field("attempt_timeout", &self.attempt_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_body_size", &self.max_body_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent_extensions", &self.user_agent_extensions)
            .field("retry", &self.retry)
            // Whether one is set only: its Debug output could show proxy settings.
            .field("http_client", &self.http_client.as_ref().map(|_| ".."))
            .field("relax_patterns", &self.relax_patterns)
            .finish()
    }
}

/// The default time allowed for one HTTP request (one attempt), from connecting
/// to the end of the response body: 60 s.
///
/// Twilio ends a request it cannot complete within its own 30 s limit with an
/// error response (carrying a `Twilio-Request-Id` support can trace); the client
/// waits longer than that, with room for connecting and for sending and
/// receiving bodies on a slow link, so it gets that answer rather than giving up
/// at the same moment and leaving the outcome unknown. Set another per client
/// ([`ClientBuilder::attempt_timeout`]) or per call (`attempt_timeout` on a
/// request builder).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// The former name of [`DEFAULT_ATTEMPT_TIMEOUT`].
#[doc(hidden)]
pub const DEFAULT_TIMEOUT: Duration = DEFAULT_ATTEMPT_TIMEOUT;

/// The default time allowed for a whole call, every attempt and the waits
/// between them included: 120 s.
///
/// Two full attempts ([`DEFAULT_ATTEMPT_TIMEOUT`]): a call whose first attempt
/// stalls still gets one whole retry, and the retries of quick failures (a
/// refused connection, a 503, a 429 with its `Retry-After`, at most 60 s) fit
/// well within it. Without it, a stalled GET took four attempts of 60 s and the
/// backoffs between them, about 4 minutes, before failing. Set another per
/// client ([`ClientBuilder::request_timeout`]) or per call (`request_timeout` on
/// a request builder); the call then ends with [`Error::Deadline`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The default cap on a response body: 64 MiB.
///
/// Twilio's largest page is 1,000 items; its largest list items (calls, messages,
/// recordings with their links and subresource URIs) are 1-3 KiB of JSON, so a
/// full page is a few MiB, and a single resource (a Studio flow definition, a
/// Flex configuration) at most a few MiB too. 64 MiB is well above all of them,
/// yet bounds what a broken or hostile server can make the client buffer (and
/// the decoded models, which take several times the JSON's size). Set another
/// with [`ClientBuilder::max_body_size`].
pub const DEFAULT_MAX_BODY_SIZE: u64 = 64 << 20;

/// The default time allowed to open a connection (TCP and TLS): 10 s, so an
/// unreachable host or a dead proxy fails fast instead of using up
/// [`DEFAULT_ATTEMPT_TIMEOUT`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl<C> ClientBuilder<C> {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder filled from the environment (see [`Client::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::from_vars(std::env::vars())
    }

    /// A builder filled from `vars` (name, value pairs, as `std::env::vars()`).
    pub(crate) fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self> {
        let vars: BTreeMap<String, String> =
            vars.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let var = |name: &str| vars.get(name).cloned();
        let account_sid = var("TWILIO_ACCOUNT_SID")
            .ok_or_else(|| Error::Config(config("TWILIO_ACCOUNT_SID is not set")))?;
        let mut b = match (
            var("TWILIO_API_KEY"),
            var("TWILIO_API_SECRET"),
            var("TWILIO_AUTH_TOKEN"),
        ) {
            (Some(key), Some(secret), _) => Self::new().api_key(account_sid, key, secret),
            (_, _, Some(token)) => Self::new().credentials(account_sid, token),
            _ => {
                return Err(Error::Config(config(
                    "set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET",
                )))
            }
        };
        if let Some(r) = var("TWILIO_REGION") {
            b = b.region(r);
        }
        if let Some(e) = var("TWILIO_EDGE") {
            b = b.edge(e);
        }
        // `TWILIO_<API>_BASE_URL`, for any API (see [`base_url_var`]).
        for (name, url) in &vars {
            let api = name
                .strip_prefix("TWILIO_")
                .and_then(|n| n.strip_suffix("_BASE_URL"))
                .filter(|n| !n.is_empty());
            if let Some(api) = api {
                b.base_urls.insert(api.to_ascii_lowercase(), url.clone());
            }
        }
        Ok(b)
    }

    /// Authenticate with an Account SID and its Auth Token.
    pub fn credentials(
        mut self,
        account_sid: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Self {
        let sid = account_sid.into();
        self.username = Some(sid.clone());
        self.account_sid = Some(sid);
        self.password = Some(auth_token.into());
        self
    }

    /// Authenticate with an API key and secret, acting for `account_sid`.
    pub fn api_key(
        mut self,
        account_sid: impl Into<String>,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        self.account_sid = Some(account_sid.into());
        self.username = Some(api_key.into());
        self.password = Some(api_secret.into());
        self
    }

    /// Authenticate with OAuth 2.0 client credentials: a bearer token is fetched
    /// from the token endpoint (the one set with [`Self::oauth_token_url`], else the
    /// one the operation's spec declares, else [`crate::DEFAULT_TOKEN_URL`]), cached
    /// and refreshed 30 s before it expires. Operations whose spec declares OAuth
    /// use it; the others too unless Basic credentials are also set.
    pub fn oauth_client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.oauth = Some((client_id.into(), client_secret.into()));
        self
    }

    /// The secret for the security scheme named `scheme` (a key of the spec's
    /// `components.securitySchemes`): an API key or a bearer token, sent only to the
    /// operations that declare that scheme, where the scheme says (header, query,
    /// cookie, or `Authorization: Bearer`). Those operations never get the Basic
    /// or OAuth credentials.
    pub fn scheme_credential(
        mut self,
        scheme: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.schemes.insert(scheme.into(), secret.into());
        self
    }

    /// The token endpoint for OAuth 2.0 client credentials, for every operation.
    pub fn oauth_token_url(mut self, url: impl Into<String>) -> Self {
        self.oauth_token_url = Some(url.into());
        self
    }

    /// The account the client acts for, when the credentials do not name it
    /// (OAuth): the default of `AccountSid` path parameters.
    pub fn account_sid(mut self, account_sid: impl Into<String>) -> Self {
        self.account_sid = Some(account_sid.into());
        self
    }

    /// Send requests to a Twilio region (`au1`, `ie1`, `us1`, …).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Send requests through a Twilio edge location (`sydney`, `dublin`, …).
    pub fn edge(mut self, edge: impl Into<String>) -> Self {
        self.edge = Some(edge.into());
        self
    }

    /// Send requests for `api` to another base URL (a mock server, a proxy). Next-page
    /// links of lists to Twilio hosts are re-pointed at it too; links to it are
    /// followed as they are, links to other hosts refused. A URL with a user name
    /// or password is refused by [`build`](Self::build): the client's credentials
    /// go with every request.
    pub fn base_url(mut self, api: ApiInfo, url: impl Into<String>) -> Self {
        self.base_urls.insert(api.name.to_owned(), url.into());
        self
    }

    /// Time allowed for one HTTP request (one attempt), from connecting to the
    /// end of the response body (default [`DEFAULT_ATTEMPT_TIMEOUT`], 60 s). An
    /// attempt that runs out of it fails with a timeout [`Error::Transport`] and
    /// may be retried (see [`RetryPolicy`]). Also applies to the client given with
    /// [`Self::http_client`], and to OAuth token requests. A call's own
    /// `attempt_timeout` overrides it.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call, every attempt and the waits between them
    /// included (default [`DEFAULT_REQUEST_TIMEOUT`], 120 s); a call still running
    /// then ends with [`Error::Deadline`], and no retry is started whose wait would
    /// end after it. For a list, each page is a call. A call's own
    /// `request_timeout` overrides it.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The longest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`], 64 MiB). A longer one is refused with
    /// [`Error::BodyTooLarge`] as soon as its `Content-Length`, or the bytes read
    /// so far, pass the cap, so it is never held whole; it is not retried.
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Time allowed to open a connection, TCP and TLS (default
    /// [`DEFAULT_CONNECT_TIMEOUT`], 10 s). A setting of the built-in HTTP client:
    /// with [`Self::http_client`], set it on that client's builder instead
    /// ([`build`](Self::build) refuses both).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Appends `extension` (such as `my-app/1.2`) to the user agent.
    pub fn user_agent_extension(mut self, extension: impl Into<String>) -> Self {
        self.user_agent_extensions.push(extension.into());
        self
    }

    /// Sets the retry policy (see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends every request, OAuth token requests included, through `client`
    /// instead of a client built here: one with custom root certificates
    /// (TLS-inspecting proxies), a proxy, pool settings, or the application's
    /// shared client. Build it with the re-exported [`reqwest`],
    /// so both name the same version.
    ///
    /// The user agent and the timeouts ([`Self::attempt_timeout`],
    /// [`Self::request_timeout`]) still apply to each request. Configure redirects on it as [`redirect::Policy::none`]
    /// (reqwest follows up to 10 by default): operations whose answer is a redirect
    /// return it rather than the target.
    ///
    /// [`redirect::Policy::none`]: reqwest::redirect::Policy::none
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Stops enforcing the specs' `pattern`s on arguments (default: enforced). The
    /// specs do not always agree with themselves: Proxy's
    /// `GET /v1/Services/{ServiceSid}/Sessions/{Sid}` takes a session's unique name
    /// as well as its SID, while its children require `^KC…`. Lengths, ranges,
    /// required values, empty and dot path values are still checked (enum
    /// arguments are open and accept any value anyway).
    pub fn relax_patterns(mut self, relax: bool) -> Self {
        self.relax_patterns = relax;
        self
    }

    /// The user agent sent with every request.
    pub fn user_agent(&self) -> String {
        let mut ua = format!(
            "twilio-rest-rust/{} ({} {}) rust/{}",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH,
            env!("TWILIO_REST_RUSTC_VERSION"),
        );
        for e in &self.user_agent_extensions {
            ua.push(' ');
            ua.push_str(e);
        }
        ua
    }

    /// Builds the client.
    pub fn build(self) -> Result<C>
    where
        C: From<Client>,
    {
        let missing = |what: &str| {
            Error::Config(config(format!(
                "no {what}: use `credentials`, `api_key`, `oauth_client_credentials`, `scheme_credential` or `Client::from_env`"
            )))
        };
        let basic = match (self.username.clone(), self.password.clone()) {
            (Some(u), Some(p)) => Some((u, p)),
            _ => None,
        };
        if basic.is_none() && self.oauth.is_none() && self.schemes.is_empty() {
            return Err(missing("credentials"));
        }
        let account_sid = match (&self.account_sid, &self.oauth) {
            (Some(sid), _) => sid.clone(),
            (None, Some(_)) => String::new(),
            // Only scheme credentials: an API that is not Twilio's.
            (None, None) if basic.is_none() => String::new(),
            (None, None) => return Err(missing("account SID")),
        };
        let oauth = self
            .oauth
            .clone()
            .map(|(id, secret)| OAuth::new(id, secret, self.oauth_token_url.clone()));
        let mut base_urls = BTreeMap::new();
        for (name, u) in &self.base_urls {
            base_urls.insert(name.clone(), parse_base_url(name, u)?);
        }
        let user_agent = reqwest::header::HeaderValue::try_from(self.user_agent())
            .map_err(|e| config("invalid user agent extension").caused_by(e))?;
        let http =
            match (self.http_client, self.connect_timeout) {
                (Some(_), Some(_)) => return Err(Error::Config(config(
                    "`connect_timeout` configures the built-in HTTP client: with `http_client`, \
                     set it on your reqwest::ClientBuilder",
                ))),
                (Some(http), None) => http,
                (None, connect) => default_http_client(connect.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
            };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                http,
                user_agent,
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                request_timeout: self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
                max_body_size: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
                account_sid,
                basic_header: basic.as_ref().map(|(u, p)| basic_header(u, p)),
                basic,
                oauth,
                schemes: self.schemes,
                region: self.region,
                edge: self.edge,
                base_urls,
                retry: self.retry,
                relax_patterns: self.relax_patterns,
            }),
        }))
    }
}

/// The HTTP client used unless the application brings its own: the TLS of the
/// crate's feature (see the crate docs), trusting the platform's roots and
/// Mozilla's bundled ones, no redirects followed, and `connect_timeout` to open a
/// connection.
fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Twilio's redirects (307 to a download) are results, not hops: the
        // operations that declare them return the response as it is.
        .redirect(reqwest::redirect::Policy::none());
    super::tls::configure(builder)
        .map_err(|e| config(format!("cannot set up TLS for the HTTP client: {e}")))?
        .build()
        .map_err(|e| Error::Config(config("cannot build the HTTP client").caused_by(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLEX: ApiInfo = ApiInfo {
        name: "flex_v1",
        base_url: "https://flex-api.twilio.com",
    };

    #[test]
    fn region_and_edge_rewrite_the_host() {
        let host = |r: Option<&str>, e: Option<&str>| {
            regional_url(FLEX.base_url, r, e)
                .unwrap()
                .host_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(host(None, None), "flex-api.twilio.com");
        assert_eq!(
            host(Some("au1"), Some("sydney")),
            "flex-api.sydney.au1.twilio.com"
        );
        assert_eq!(host(None, Some("sydney")), "flex-api.sydney.us1.twilio.com");
        assert_eq!(host(Some("ie1"), None), "flex-api.ie1.twilio.com");
        let h = regional_url("https://api.dublin.ie1.twilio.com", Some("au1"), None).unwrap();
        assert_eq!(h.host_str(), Some("api.dublin.au1.twilio.com"));
    }

    #[test]
    fn the_client_uses_overrides_then_region_and_edge() {
        let c = Client::builder()
            .credentials("ACxx", "token")
            .region("au1")
            .edge("sydney")
            .build()
            .unwrap();
        assert_eq!(
            c.base_url(&FLEX).unwrap().as_str(),
            "https://flex-api.sydney.au1.twilio.com/"
        );
        let c = Client::builder()
            .credentials("ACxx", "token")
            .region("au1")
            .base_url(FLEX, "http://127.0.0.1:4010")
            .build()
            .unwrap();
        assert_eq!(
            c.base_url(&FLEX).unwrap().as_str(),
            "http://127.0.0.1:4010/"
        );
        let bad = Client::builder()
            .credentials("ACxx", "t")
            .base_url(FLEX, "not a url")
            .build();
        assert!(matches!(bad, Err(Error::Config(_))));
    }

    #[test]
    fn a_bad_base_url_names_its_setting_and_the_fix() {
        for (text, why) in [
            ("127.0.0.1:4010", "is not a URL"),
            ("localhost:4010", "is not an http or https URL with a host"),
            (
                "ftp://files.example",
                "is not an http or https URL with a host",
            ),
        ] {
            let err = Client::builder()
                .credentials("ACxx", "t")
                .base_url(FLEX, text)
                .build()
                .unwrap_err();
            let shown = err.to_string();
            for part in [
                why,
                "flex_v1",
                "`ClientBuilder::base_url`",
                "TWILIO_FLEX_V1_BASE_URL",
                "such as `http://127.0.0.1:4010`",
            ] {
                assert!(shown.contains(part), "{text}: {shown}");
            }
        }
    }

    #[test]
    fn environment_variables_configure_the_client() {
        let vars = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let b = ClientBuilder::<Client>::from_vars(vars(&[
            ("TWILIO_ACCOUNT_SID", "ACaaa"),
            ("TWILIO_AUTH_TOKEN", "tok"),
            ("TWILIO_REGION", "au1"),
            ("TWILIO_EDGE", "sydney"),
            ("TWILIO_FLEX_V1_BASE_URL", "http://127.0.0.1:4010"),
            ("TWILIO_PROXY_V1_BASE_URL", ""),
        ]))
        .unwrap();
        assert_eq!(
            b.base_urls.iter().collect::<Vec<_>>(),
            [(&"flex_v1".to_owned(), &"http://127.0.0.1:4010".to_owned())]
        );
        assert_eq!(base_url_var(&FLEX), "TWILIO_FLEX_V1_BASE_URL");
        assert_eq!(
            (
                b.username.as_deref(),
                b.region.as_deref(),
                b.edge.as_deref()
            ),
            (Some("ACaaa"), Some("au1"), Some("sydney"))
        );
        let b = ClientBuilder::<Client>::from_vars(vars(&[
            ("TWILIO_ACCOUNT_SID", "ACaaa"),
            ("TWILIO_API_KEY", "SKkey"),
            ("TWILIO_API_SECRET", "sec"),
        ]))
        .unwrap();
        assert_eq!(
            (b.account_sid.as_deref(), b.username.as_deref()),
            (Some("ACaaa"), Some("SKkey"))
        );
        assert!(ClientBuilder::<Client>::from_vars(vars(&[("TWILIO_ACCOUNT_SID", "AC")])).is_err());
        assert!(ClientBuilder::<Client>::from_vars(vars(&[])).is_err());
    }

    #[test]
    fn timeouts_have_defaults_and_connect_timeout_is_for_the_built_in_client() {
        let c = Client::builder().credentials("ACaaa", "t").build().unwrap();
        assert_eq!(c.inner.attempt_timeout, DEFAULT_ATTEMPT_TIMEOUT);
        assert_eq!(c.inner.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert!(DEFAULT_ATTEMPT_TIMEOUT > Duration::from_secs(30));
        assert!(DEFAULT_REQUEST_TIMEOUT >= 2 * DEFAULT_ATTEMPT_TIMEOUT);
        let c = Client::builder()
            .credentials("ACaaa", "t")
            .attempt_timeout(Duration::from_secs(5))
            .request_timeout(Duration::from_secs(7))
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        assert_eq!(c.inner.attempt_timeout, Duration::from_secs(5));
        assert_eq!(c.inner.request_timeout, Duration::from_secs(7));
        let both = Client::builder()
            .credentials("ACaaa", "t")
            .connect_timeout(Duration::from_secs(1))
            .http_client(default_http_client(DEFAULT_CONNECT_TIMEOUT).unwrap())
            .build();
        assert!(
            matches!(&both, Err(Error::Config(m)) if m.message().contains("connect_timeout")),
            "{both:?}"
        );
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let b = Client::builder()
            .credentials("ACaaa", "super-secret-token")
            .base_url(FLEX, "https://proxy-user:proxy-password@proxy.example");
        assert!(!format!("{b:?}").contains("super-secret-token"));
        assert!(!format!("{b:?}").contains("proxy-password"));
        // A base URL with a password is refused (reqwest would send it as a
        // second `Authorization`), without repeating it.
        let err = b.build().unwrap_err();
        assert!(
            !format!("{err} {err:?}").contains("proxy-password"),
            "{err}"
        );
        let c = Client::builder()
            .credentials("ACaaa", "super-secret-token")
            .build()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("super-secret-token"), "{shown}");
        assert!(shown.contains("ACaaa"));
    }

    #[test]
    fn user_agent_names_crate_platform_and_rust() {
        let ua = Client::builder()
            .user_agent_extension("my-app/1.0")
            .user_agent();
        let want = format!(
            "twilio-rest-rust/{} ({} {}) rust/",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        assert!(ua.starts_with(&want), "{ua}");
        assert!(ua.ends_with(" my-app/1.0"), "{ua}");
        assert!(
            ua.split(" rust/")
                .nth(1)
                .unwrap()
                .starts_with(|c: char| c.is_ascii_digit()),
            "{ua}"
        );
    }
}
