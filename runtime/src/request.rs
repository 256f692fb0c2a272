//! Building, validating, encoding and sending one request; retries.

use super::client::{ApiInfo, Client};
use super::error::{
    excerpt, redact_url, BodyTooLargeError, DeadlineError, DecodeError, Error, Result,
    TransportError, ValidationError,
};
use super::options::RequestOptions;
use super::retry::Attempts;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

/// A response as received: status, headers, body.
pub(crate) type Raw = (u16, reqwest::header::HeaderMap, bytes::Bytes);

/// A response with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: u16, headers: reqwest::header::HeaderMap, body: T) -> Self {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, by value.
    pub fn into_body(self) -> T {
        self.body
    }
}

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
            .field("url", &super::error::redact_url(&self.url))
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

/// The constraints the spec puts on a parameter, checked before sending.
#[derive(Debug, Clone, Copy, Default)]
pub struct Check {
    /// A regular expression every value must match.
    pub pattern: Option<&'static str>,
    /// The shortest allowed length, in characters.
    pub min_length: Option<usize>,
    /// The longest allowed length, in characters.
    pub max_length: Option<usize>,
    /// The smallest allowed number.
    pub minimum: Option<f64>,
    /// The largest allowed number.
    pub maximum: Option<f64>,
}

impl Check {
    /// No constraint.
    pub const NONE: Check = Check {
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };

    /// A constraint from the spec's values.
    pub const fn new(
        pattern: Option<&'static str>,
        min_length: Option<usize>,
        max_length: Option<usize>,
        minimum: Option<f64>,
        maximum: Option<f64>,
    ) -> Self {
        Check {
            pattern,
            min_length,
            max_length,
            minimum,
            maximum,
        }
    }

    /// Checks `value`, whose wire form is `texts`; `patterns: false` skips the
    /// pattern (lengths and ranges are still checked), for clients built with
    /// `relax_patterns(true)`.
    fn check(
        &self,
        name: &str,
        value: &dyn ToParam,
        texts: &[String],
        patterns: bool,
    ) -> Result<(), ValidationError> {
        let mut numbers = Vec::new();
        value.push_numbers(&mut numbers);
        for n in numbers {
            if self.minimum.is_some_and(|min| n < min) || self.maximum.is_some_and(|max| n > max) {
                let range = match (self.minimum, self.maximum) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(ValidationError::new(
                    name,
                    format!("{n} is out of range: must be {range}"),
                ));
            }
        }
        if self.pattern.is_none() && self.min_length.is_none() && self.max_length.is_none() {
            return Ok(());
        }
        for s in texts {
            let len = s.chars().count();
            if self.min_length.is_some_and(|m| len < m) || self.max_length.is_some_and(|m| len > m)
            {
                let want = match (self.min_length, self.max_length) {
                    (Some(a), Some(b)) if a == b => format!("{a}"),
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(ValidationError::new(
                    name,
                    format!("`{s}` must be {want} characters, got {len}"),
                ));
            }
            if let Some(p) = self.pattern.filter(|_| patterns) {
                if !pattern_matches(p, s) {
                    return Err(ValidationError::new(
                        name,
                        format!("`{s}` does not match `{p}`"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether `value` matches the spec pattern `pattern`: SID patterns
/// (`^KS[0-9a-fA-F]{32}$`) by hand, others with a regular expression compiled
/// once per pattern. A pattern the regex engine does not support is not enforced.
fn pattern_matches(pattern: &'static str, value: &str) -> bool {
    match sid_shape(pattern) {
        Some((prefix, digits)) => {
            value.len() == prefix.len() + digits
                && value.starts_with(prefix)
                && value.as_bytes()[prefix.len()..]
                    .iter()
                    .all(u8::is_ascii_hexdigit)
        }
        None => regex_matches(pattern, value),
    }
}

/// The prefix and digit count of a SID pattern, `^<letters>[0-9a-fA-F]{<n>}$`,
/// the shape of nearly every pattern in Twilio's specs; `None` for any other.
fn sid_shape(pattern: &str) -> Option<(&str, usize)> {
    let inner = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let (prefix, count) = inner.split_once("[0-9a-fA-F]{")?;
    let digits = count.strip_suffix('}')?.parse().ok()?;
    // Letters and digits only: a literal in the regular expression too.
    prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric())
        .then_some((prefix, digits))
}

/// Whether `value` matches `pattern` as a regular expression (compiled once per
/// pattern).
fn regex_matches(pattern: &'static str, value: &str) -> bool {
    static CACHE: OnceLock<RwLock<HashMap<&'static str, Option<regex_lite::Regex>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.read().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return re.as_ref().is_none_or(|re| re.is_match(value));
    }
    let re = regex_lite::Regex::new(pattern).ok();
    let ok = re.as_ref().is_none_or(|re| re.is_match(value));
    cache
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pattern, re);
    ok
}

/// The `(key, value)` pairs of Twilio's `prefixed-collapsible-map` encoding, as
/// twilio-node sends them: every leaf of `map` under `<prefix>.<path>`, where the
/// path joins the keys down to it with `.`, except that a key equal to one already
/// on its path is not repeated (`{"a": {"a": 1}}` is `<prefix>.a`; twilio-python
/// would send `<prefix>.a.a`, the two SDKs agree on everything else). Strings are
/// sent as they are, numbers and booleans as JSON text, arrays as one pair per
/// item, `null` not at all.
pub fn collapse_map(
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(String, String)> {
    fn walk(
        map: &serde_json::Map<String, serde_json::Value>,
        path: &mut Vec<String>,
        out: &mut Vec<(String, String)>,
    ) {
        for (key, value) in map {
            let added = !path.contains(key);
            if added {
                path.push(key.clone());
            }
            match value {
                serde_json::Value::Object(inner) => walk(inner, path, out),
                leaf => {
                    let joined = path.join(".");
                    let items = match leaf {
                        serde_json::Value::Array(items) => items.iter().collect(),
                        other => vec![other],
                    };
                    for item in items {
                        match item {
                            serde_json::Value::Null => {}
                            serde_json::Value::String(s) => out.push((joined.clone(), s.clone())),
                            other => out.push((joined.clone(), other.to_string())),
                        }
                    }
                }
            }
            if added {
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(map, &mut Vec::new(), &mut out);
    for (k, _) in &mut out {
        *k = format!("{prefix}.{k}");
    }
    out
}

/// A value that can be sent as a path, query, header or form parameter.
pub trait ToParam {
    /// Appends the wire form: one string, or one per item for arrays.
    fn push_values(&self, out: &mut Vec<String>);
    /// Appends the value as numbers, for range checks.
    fn push_numbers(&self, _out: &mut Vec<f64>) {}
}

impl ToParam for str {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_owned());
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn push_values(&self, out: &mut Vec<String>) {
        (**self).push_values(out);
    }
    fn push_numbers(&self, out: &mut Vec<f64>) {
        (**self).push_numbers(out);
    }
}

impl ToParam for String {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}

impl ToParam for bool {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(if *self { "true" } else { "false" }.to_owned());
    }
}

macro_rules! number_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn push_values(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
            fn push_numbers(&self, out: &mut Vec<f64>) {
                out.push(*self as f64);
            }
        }
    )*};
}
number_param!(i32, i64, u32, u64, f64);

impl ToParam for chrono::DateTime<chrono::Utc> {
    fn push_values(&self, out: &mut Vec<String>) {
        // Whole seconds, as Twilio's SDKs send them (twilio-node, twilio-go,
        // twilio-python): fractions are dropped, not rounded.
        out.push(self.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
}

impl ToParam for chrono::NaiveDate {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.format("%Y-%m-%d").to_string());
    }
}

impl ToParam for url::Url {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.as_str().to_owned());
    }
}

/// Free-form values travel as one JSON-encoded string; a JSON string is taken as
/// already-encoded text and sent as it is.
impl ToParam for serde_json::Value {
    fn push_values(&self, out: &mut Vec<String>) {
        match self {
            serde_json::Value::String(s) => out.push(s.clone()),
            other => out.push(other.to_string()),
        }
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn push_values(&self, out: &mut Vec<String>) {
        for v in self {
            v.push_values(out);
        }
    }
    fn push_numbers(&self, out: &mut Vec<f64>) {
        for v in self {
            v.push_numbers(out);
        }
    }
}

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Debug, Clone)]
enum Body {
    None,
    Form(Vec<(Cow<'static, str>, String)>),
    Json(serde_json::Map<String, serde_json::Value>),
    JsonValue(serde_json::Value),
}

/// Where a request goes: a path template relative to the API's base URL, or an
/// absolute URL (a next page).
#[derive(Clone)]
enum Target {
    Template(&'static str, Vec<(&'static str, String)>),
    Absolute(url::Url),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Template(t, params) => {
                f.debug_tuple("Template").field(t).field(params).finish()
            }
            // A base URL may carry a user name and password.
            Target::Absolute(u) => f.debug_tuple("Absolute").field(&redact_url(u)).finish(),
        }
    }
}

/// How an operation authenticates, as its spec declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthRule {
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
fn with_schemes(
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
enum Authorization {
    None,
    /// The client's encoded Basic credentials.
    Basic(reqwest::header::HeaderValue),
    Bearer(String),
    /// Scheme credentials with their secrets.
    Schemes(Vec<(Credential, String)>),
}

/// One request being built by a generated operation. Validation failures are kept
/// and returned by `send_*` before anything goes on the wire.
#[derive(Debug, Clone)]
pub struct Request {
    client: Client,
    api: ApiInfo,
    method: reqwest::Method,
    target: Target,
    query: Vec<(Cow<'static, str>, String)>,
    headers: Vec<(&'static str, HeaderText)>,
    body: Body,
    content_type: Option<&'static str>,
    server: Option<&'static str>,
    auth: AuthRule,
    error: Option<ValidationError>,
    redirect_is_result: bool,
    page_token: Option<&'static str>,
    /// The smallest and largest `PageSize` the operation accepts, for a limit's
    /// page size.
    page_sizes: (usize, usize),
    options: RequestOptions,
    /// The spec's `operationId`, for tracing.
    operation: &'static str,
    /// The path template, for tracing (next pages keep their first page's).
    path_template: &'static str,
}

impl Request {
    /// A request for `template` (`/v1/Services/{Sid}`) of `api`.
    pub fn new(
        client: &Client,
        api: ApiInfo,
        method: reqwest::Method,
        template: &'static str,
    ) -> Self {
        Request {
            client: client.clone(),
            api,
            method,
            target: Target::Template(template, Vec::new()),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            content_type: None,
            server: None,
            auth: AuthRule::Default,
            error: None,
            redirect_is_result: false,
            page_token: None,
            page_sizes: (1, crate::pagination::MAX_PAGE_SIZE),
            options: RequestOptions::default(),
            operation: "",
            path_template: template,
        }
    }

    /// A GET of an absolute URL (a next page), with the headers of `like`.
    pub(crate) fn next_page(like: &Request, url: url::Url) -> Self {
        Request {
            client: like.client.clone(),
            api: like.api,
            method: reqwest::Method::GET,
            target: Target::Absolute(url),
            query: Vec::new(),
            headers: like.headers.clone(),
            body: Body::None,
            content_type: None,
            server: None,
            auth: like.auth,
            error: None,
            redirect_is_result: false,
            page_token: None,
            page_sizes: like.page_sizes,
            options: like.options.clone(),
            operation: like.operation,
            path_template: like.path_template,
        }
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn api(&self) -> ApiInfo {
        self.api
    }

    /// Whether spec patterns are enforced (see `ClientBuilder::relax_patterns`).
    fn patterns(&self) -> bool {
        !self.client.inner.relax_patterns
    }

    fn fail(&mut self, e: ValidationError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Checks a required value and returns its wire form.
    fn required(&mut self, name: &'static str, value: &dyn ToParam, check: &Check) -> Vec<String> {
        let mut out = Vec::new();
        value.push_values(&mut out);
        if out.is_empty() || out.iter().all(|v| v.is_empty()) {
            self.fail(ValidationError::new(
                name,
                "is required and must not be empty",
            ));
        } else if let Err(e) = check.check(name, value, &out, self.patterns()) {
            self.fail(e);
        }
        out
    }

    fn optional(
        &mut self,
        name: &'static str,
        value: Option<&dyn ToParam>,
        check: &Check,
    ) -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        value.push_values(&mut out);
        if let Err(e) = check.check(name, value, &out, self.patterns()) {
            self.fail(e);
        }
        out
    }

    /// The checked wire values of a query, header or form parameter.
    fn values<T: ToParam>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
        required: bool,
        check: &Check,
    ) -> Vec<String> {
        match (value.map(|v| v as &dyn ToParam), required) {
            (Some(v), true) => self.required(name, v, check),
            (v, _) => self.optional(name, v, check),
        }
    }

    /// A `{name}` path segment (required, percent-encoded when sent).
    pub fn path(mut self, name: &'static str, value: &str, check: &Check) -> Self {
        // A dot segment would be removed by URL normalisation and send the request
        // to another resource.
        if value == "." || value == ".." {
            self.fail(ValidationError::new(
                name,
                format!("`{value}` is not a valid path value"),
            ));
        }
        let v = self.required(name, &value, check).concat();
        if let Target::Template(_, params) = &mut self.target {
            params.push((name, v));
        }
        self
    }

    /// A query parameter; arrays repeat the key.
    pub fn query<T: ToParam>(
        mut self,
        name: &'static str,
        value: Option<&T>,
        required: bool,
        check: &Check,
    ) -> Self {
        let values = self.values(name, value, required, check);
        self.query
            .extend(values.into_iter().map(|v| (Cow::Borrowed(name), v)));
        self
    }

    /// For operations on a host other than their API's: requests go to `url`
    /// (rewritten for the region and edge like the API's host) unless the client
    /// overrides the API's base URL.
    pub fn server(mut self, url: &'static str) -> Self {
        self.server = Some(url);
        self
    }

    /// For operations whose spec declares OAuth 2.0 client credentials: with
    /// client credentials configured, a bearer token from `token_url` (unless the
    /// client names its own endpoint) is sent instead of Basic credentials.
    pub fn oauth_token_url(mut self, token_url: &'static str) -> Self {
        self.auth = AuthRule::OAuth(token_url);
        self
    }

    /// The operation's credentials are the application's secrets for these
    /// security schemes, each sent where its scheme says; a scheme without a
    /// secret is an error before anything is sent.
    pub fn scheme_credentials(mut self, credentials: &'static [Credential]) -> Self {
        self.auth = AuthRule::Schemes(credentials);
        self
    }

    /// For operations whose spec declares no security (`security: []`): no
    /// credentials are sent.
    pub fn no_auth(mut self) -> Self {
        self.auth = AuthRule::None;
        self
    }

    /// The body's declared media type, sent as `Content-Type` (by default
    /// `application/x-www-form-urlencoded` for form bodies and `application/json`
    /// for JSON ones).
    pub fn content_type(mut self, media_type: &'static str) -> Self {
        self.content_type = Some(media_type);
        self
    }

    /// For operations whose only declared answers are redirects: a 3xx response is
    /// the result (its body and `Location`), not an error.
    pub fn redirect_is_result(mut self) -> Self {
        self.redirect_is_result = true;
        self
    }

    /// For lists paged with tokens: the query parameter that carries the page
    /// token. The next page is this request with it set to the page's
    /// `next_token`.
    pub fn page_token(mut self, param: &'static str) -> Self {
        self.page_token = Some(param);
        self
    }

    /// For lists whose spec bounds `PageSize`: the smallest and largest page size
    /// it accepts. A limit's page size is clamped to them (and to
    /// [`MAX_PAGE_SIZE`](crate::MAX_PAGE_SIZE)).
    pub fn page_size_bounds(mut self, minimum: usize, maximum: usize) -> Self {
        let max = maximum.clamp(1, crate::pagination::MAX_PAGE_SIZE);
        self.page_sizes = (minimum.clamp(1, max), max);
        self
    }

    /// The smallest and largest page size a limit may ask for.
    pub(crate) fn page_sizes(&self) -> (usize, usize) {
        self.page_sizes
    }

    /// The spec's `operationId`, recorded by tracing.
    pub fn operation(mut self, operation_id: &'static str) -> Self {
        self.operation = operation_id;
        self
    }

    /// The tracing span of this call (see [`crate::trace`]).
    pub(crate) fn span(&self) -> tracing::Span {
        super::trace::call_span(
            self.api.name,
            self.operation,
            &self.method,
            self.path_template,
        )
    }

    /// The call's own options (timeout, extra headers), from the builder.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The next page of a token-paged list: this request (same host, path and
    /// parameters) with the token parameter set to `token`, replacing any value it
    /// had. `None` when this request is not of a token-paged list.
    pub(crate) fn with_page_token(&self, token: &str) -> Option<Request> {
        let param = self.page_token?;
        let mut next = self.clone();
        next.query.retain(|(k, _)| k != param);
        next.query.push((Cow::Borrowed(param), token.to_owned()));
        Some(next)
    }

    /// Whether a query parameter is set.
    pub(crate) fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }

    /// A request header.
    pub fn header<T: ToParam>(
        mut self,
        name: &'static str,
        value: Option<&T>,
        required: bool,
        check: &Check,
    ) -> Self {
        let values = self.values(name, value, required, check);
        self.headers.extend(
            values
                .into_iter()
                .map(|v| (name, HeaderText::new(v, false))),
        );
        self
    }

    /// A request header carrying a credential: like [`Self::header`], but the
    /// value never appears in `Debug` output or validation errors.
    pub fn secret_header<T: ToParam>(
        mut self,
        name: &'static str,
        value: Option<&T>,
        required: bool,
        check: &Check,
    ) -> Self {
        let had_error = self.error.is_some();
        let values = self.values(name, value, required, check);
        if let Some(e) = self.error.as_mut().filter(|_| !had_error) {
            e.reason = "is not valid (the value is secret and not shown)".to_owned();
        }
        self.headers
            .extend(values.into_iter().map(|v| (name, HeaderText::new(v, true))));
        self
    }

    /// A field of an `application/x-www-form-urlencoded` body; arrays repeat the key.
    pub fn form<T: ToParam>(
        mut self,
        name: &'static str,
        value: Option<&T>,
        required: bool,
        check: &Check,
    ) -> Self {
        let values = self.values(name, value, required, check);
        if !matches!(self.body, Body::Form(_)) {
            self.body = Body::Form(Vec::new());
        }
        if let Body::Form(fields) = &mut self.body {
            fields.extend(values.into_iter().map(|v| (Cow::Borrowed(name), v)));
        }
        self
    }

    /// A JSON object sent as query parameters `<prefix>.<key>=<value>`, nested
    /// objects flattened with `.` (Twilio's `prefixed-collapsible-map`; see
    /// [`collapse_map`]). `name` is the parameter's name, for the error when a
    /// required map is missing or empty.
    pub fn query_map(
        mut self,
        name: &'static str,
        prefix: &'static str,
        value: Option<&serde_json::Value>,
        required: bool,
    ) -> Self {
        let pairs = self.map_pairs(name, prefix, value, required);
        self.query.extend(pairs);
        self
    }

    /// A JSON object sent as form fields `<prefix>.<key>=<value>` (see
    /// [`Request::query_map`]).
    pub fn form_map(
        mut self,
        name: &'static str,
        prefix: &'static str,
        value: Option<&serde_json::Value>,
        required: bool,
    ) -> Self {
        let pairs = self.map_pairs(name, prefix, value, required);
        if !matches!(self.body, Body::Form(_)) {
            self.body = Body::Form(Vec::new());
        }
        if let Body::Form(fields) = &mut self.body {
            fields.extend(pairs);
        }
        self
    }

    fn map_pairs(
        &mut self,
        name: &'static str,
        prefix: &'static str,
        value: Option<&serde_json::Value>,
        required: bool,
    ) -> Vec<(Cow<'static, str>, String)> {
        let pairs = match value {
            Some(serde_json::Value::Object(map)) => collapse_map(prefix, map),
            Some(_) => {
                self.fail(ValidationError::new(name, "must be a JSON object"));
                Vec::new()
            }
            None => Vec::new(),
        };
        if required && pairs.is_empty() {
            self.fail(ValidationError::new(
                name,
                "is required and must not be empty",
            ));
        }
        pairs.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect()
    }

    /// A property of a JSON body.
    pub fn json_field<T: serde::Serialize>(
        mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Self {
        // Set or not, the operation sends a JSON object (`{}` with no property set).
        if !matches!(self.body, Body::Json(_)) {
            self.body = Body::Json(serde_json::Map::new());
        }
        let Some(value) = value else { return self };
        match serde_json::to_value(value) {
            Ok(v) => {
                if let Body::Json(m) = &mut self.body {
                    m.insert(name.to_owned(), v);
                }
            }
            Err(e) => self.fail(ValidationError::new(
                name,
                format!("cannot be encoded as JSON: {e}"),
            )),
        }
        self
    }

    /// A whole JSON body; left out, `{}` (the operation still sends JSON, as a
    /// form operation with no field set sends an empty form, and as twilio-node does).
    pub fn json_body<T: serde::Serialize>(mut self, value: Option<T>) -> Self {
        let Some(value) = value else {
            self.body = Body::Json(serde_json::Map::new());
            return self;
        };
        match serde_json::to_value(value) {
            Ok(v) => self.body = Body::JsonValue(v),
            Err(e) => self.fail(ValidationError::new(
                "body",
                format!("cannot be encoded as JSON: {e}"),
            )),
        }
        self
    }

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
        let mut headers = vec![("Accept".to_owned(), plain("application/json"))];
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

    /// The credentials to send: none when the request carries its own
    /// `Authorization` header or its operation declares none; a bearer token for
    /// OAuth operations (or when the client has only OAuth credentials); else Basic.
    async fn authorization(&self) -> Result<Authorization> {
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
                None => Err(Error::Config(super::client::config(
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

    /// Sends the request (validation first, then retries as the policy allows, see
    /// [`crate::retry`]) within the call's request timeout and returns the status,
    /// headers and body of a success response.
    pub(crate) async fn execute(self) -> Result<Raw> {
        let prepared = self.prepare()?;
        let inner = &self.client.inner;
        let limit = self
            .options
            .request_timeout
            .unwrap_or(inner.request_timeout);
        let attempts = Attempts::new(&inner.retry, &self.method, Some(limit));
        self.attempts(&prepared, attempts, limit).await
    }

    /// Sends `prepared` until it succeeds, `attempts` says not to try again or the
    /// request timeout `limit` passes. Each attempt's timeout is the shorter of the
    /// attempt timeout and the time left, so the one timer per attempt (reqwest's)
    /// also ends the call at its deadline. OAuth token requests are bounded by the
    /// attempt timeout only.
    async fn attempts(
        &self,
        prepared: &PreparedRequest,
        mut attempts: Attempts<'_>,
        limit: Duration,
    ) -> Result<Raw> {
        let deadline = |made: u32| {
            Error::Deadline(Box::new(DeadlineError {
                method: prepared.method.clone(),
                url: redact_url(&prepared.url),
                deadline: limit,
                attempts: made,
            }))
        };
        let attempt_timeout = self
            .options
            .attempt_timeout
            .unwrap_or(self.client.inner.attempt_timeout);
        let authorization = self.authorization().await?;
        // Shared, so a retry does not copy the body.
        let body = prepared.body.clone().map(bytes::Bytes::from);
        let transport = |headers, e| {
            Error::Transport(Box::new(TransportError::new(
                &prepared.method,
                &prepared.url,
                headers,
                e,
            )))
        };
        // An API key in the query goes on the URL sent, never on the one errors
        // and traces show.
        let mut url = prepared.url.clone();
        if let Authorization::Schemes(credentials) = &authorization {
            for (c, secret) in credentials {
                if let Credential::Query(_, name) = c {
                    url.query_pairs_mut().append_pair(name, secret);
                }
            }
        }
        let max_body = self.client.inner.max_body_size;
        loop {
            let left = attempts.remaining().unwrap_or(attempt_timeout);
            if left.is_zero() {
                return Err(deadline(attempts.made() - 1));
            }
            // Whether this attempt's timeout is the call's deadline.
            let capped = left < attempt_timeout;
            let mut rb = self
                .client
                .inner
                .http_request(self.method.clone(), url.clone())
                .timeout(left.min(attempt_timeout));
            match &authorization {
                Authorization::None => {}
                Authorization::Basic(header) => {
                    rb = rb.header(reqwest::header::AUTHORIZATION, header.clone())
                }
                Authorization::Bearer(token) => rb = rb.bearer_auth(token),
                Authorization::Schemes(credentials) => rb = with_schemes(rb, credentials),
            }
            for (k, v) in &prepared.headers {
                match reqwest::header::HeaderValue::from_str(v.as_str()) {
                    Ok(mut value) => {
                        // Kept out of the HTTP stack's own debug output too.
                        value.set_sensitive(v.is_secret());
                        rb = rb.header(k.as_str(), value);
                    }
                    // reqwest reports the invalid value when sending.
                    Err(_) => rb = rb.header(k.as_str(), v.as_str()),
                }
            }
            if let Some(b) = &body {
                rb = rb.body(b.clone());
            }
            let mut resp = match rb.send().await {
                Ok(resp) => resp,
                Err(e) if capped && e.is_timeout() => return Err(deadline(attempts.made())),
                Err(e) => match attempts.after_transport(&e) {
                    Some(wait) => {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    None => return Err(transport(None, e).with_attempts(attempts.made())),
                },
            };
            let status = resp.status().as_u16();
            super::trace::response(status, resp.headers());
            if let Some(wait) = attempts.after_status(status, resp.headers()) {
                // Release the connection before waiting.
                drop(resp);
                tokio::time::sleep(wait).await;
                continue;
            }
            // Taken, not copied: reading the body needs only the body.
            let headers = std::mem::take(resp.headers_mut());
            let bytes = match read_body(resp, max_body).await {
                Ok(bytes) => bytes,
                Err(BodyError::TooLarge) => {
                    return Err(Error::BodyTooLarge(Box::new(BodyTooLargeError {
                        method: prepared.method.clone(),
                        url: redact_url(&prepared.url),
                        status,
                        limit: max_body,
                        request_id: super::error::request_id(&headers),
                    })))
                }
                Err(BodyError::Read(e)) if capped && e.is_timeout() => {
                    return Err(deadline(attempts.made()))
                }
                Err(BodyError::Read(e)) => match attempts.after_transport(&e) {
                    Some(wait) => {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    None => return Err(transport(Some(&headers), e).with_attempts(attempts.made())),
                },
            };
            let redirect = self.redirect_is_result && (300..400).contains(&status);
            if !(200..300).contains(&status) && !redirect {
                return Err(Error::from_response(
                    status,
                    &bytes,
                    &prepared.method,
                    &prepared.url,
                    &headers,
                )
                .with_attempts(attempts.made()));
            }
            return Ok((status, headers, bytes));
        }
    }
}

/// Why a body was not read.
pub(crate) enum BodyError {
    /// It is longer than the cap.
    TooLarge,
    /// The connection failed or timed out while reading it.
    Read(reqwest::Error),
}

/// The body of `resp`, read chunk by chunk and refused as soon as it is known to
/// be longer than `limit` bytes (by its `Content-Length`, or by what was read), so
/// an oversized body is never held whole.
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    limit: u64,
) -> std::result::Result<bytes::Bytes, BodyError> {
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge);
    }
    let mut first: Option<bytes::Bytes> = None;
    let mut rest: Option<bytes::BytesMut> = None;
    let mut read: u64 = 0;
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Read)? {
        read = read.saturating_add(chunk.len() as u64);
        if read > limit {
            return Err(BodyError::TooLarge);
        }
        // A body in one chunk (the usual case) is kept without a copy.
        match (&mut first, &mut rest) {
            (None, _) => first = Some(chunk),
            (Some(f), None) => {
                let mut joined = bytes::BytesMut::with_capacity(f.len() + chunk.len());
                joined.extend_from_slice(f);
                joined.extend_from_slice(&chunk);
                rest = Some(joined);
            }
            (Some(_), Some(r)) => r.extend_from_slice(&chunk),
        }
    }
    Ok(match (first, rest) {
        (_, Some(r)) => r.freeze(),
        (Some(f), None) => f,
        (None, None) => bytes::Bytes::new(),
    })
}

pub(crate) fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|source| {
        Error::Decode(DecodeError {
            status,
            excerpt: excerpt(bytes),
            request_id: None,
            source,
        })
    })
}

/// A boxed future, for `IntoFuture` impls of operations.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapsed_maps_flatten_nested_keys_under_the_prefix() {
        let map = serde_json::json!({
            "b": {"c": {"d": "x"}, "n": 1.5, "t": false},
            "a": ["1", 2, null],
            "z": null,
            "k": {"k": {"j": "v"}}
        });
        let pairs = collapse_map("P", map.as_object().unwrap());
        let expected = [
            ("P.a", "1"),
            ("P.a", "2"),
            ("P.b.c.d", "x"),
            ("P.b.n", "1.5"),
            ("P.b.t", "false"),
            ("P.k.j", "v"),
        ];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
        assert!(collapse_map("P", &serde_json::Map::new()).is_empty());
    }

    fn client() -> Client {
        Client::builder().credentials("ACaaa", "t").build().unwrap()
    }

    const API: ApiInfo = ApiInfo {
        name: "t_v1",
        base_url: "https://t.twilio.com",
    };

    const SID: Check = Check {
        pattern: Some("^KS[0-9a-fA-F]{32}$"),
        min_length: Some(34),
        max_length: Some(34),
        minimum: None,
        maximum: None,
    };

    #[test]
    fn a_limits_page_size_stays_within_the_operations_bounds() {
        let list = || Request::new(&client(), API, reqwest::Method::GET, "/v1/Things");
        let page_size = |r: Request, limit| {
            let url = crate::calls::with_limit(r, Some(limit))
                .prepare()
                .unwrap()
                .url;
            url.query().unwrap_or_default().to_owned()
        };
        let bounded = || list().page_size_bounds(1, 100);
        assert_eq!(page_size(bounded(), 150), "PageSize=100");
        assert_eq!(page_size(bounded(), 7), "PageSize=7");
        assert_eq!(page_size(bounded(), 0), "PageSize=1");
        assert_eq!(page_size(list().page_size_bounds(20, 50), 3), "PageSize=20");
        // Bounds past the runtime's are cut to it; no bounds: the runtime's.
        assert_eq!(
            page_size(list().page_size_bounds(1, 5000), 3000),
            "PageSize=1000"
        );
        assert_eq!(page_size(list(), 3000), "PageSize=1000");
        // An explicit page size is sent as given (and checked by its own rule).
        let explicit = bounded().query("PageSize", Some(&30i64), false, &Check::NONE);
        assert_eq!(page_size(explicit, 150), "PageSize=30");
    }

    #[test]
    fn path_segments_are_percent_encoded_and_query_arrays_repeat() {
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/Things/{Name}")
            .path("Name", "a b/c?d", &Check::NONE)
            .query(
                "Color",
                Some(&vec!["red".to_owned(), "blue".to_owned()]),
                false,
                &Check::NONE,
            )
            .query(
                "DateCreated<",
                Some(&chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()),
                false,
                &Check::NONE,
            );
        assert_eq!(
            r.url().unwrap().as_str(),
            "https://t.twilio.com/v1/Things/a%20b%2Fc%3Fd?Color=red&Color=blue&DateCreated%3C=2024-01-02"
        );
    }

    #[test]
    fn sid_patterns_and_ranges_are_checked() {
        let good = format!("KS{}", "a".repeat(32));
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}")
            .path("Sid", &good, &SID);
        assert!(r.error.is_none());
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}")
            .path("Sid", "KS123", &SID);
        assert_eq!(
            r.error.unwrap().to_string(),
            "invalid argument `Sid`: `KS123` must be 34 characters, got 5"
        );
        let range = Check {
            min_length: Some(2),
            max_length: Some(4),
            ..Check::NONE
        };
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}")
            .path("Sid", "abcde", &range);
        assert_eq!(
            r.error.unwrap().reason,
            "`abcde` must be between 2 and 4 characters, got 5"
        );
        let bad_prefix = format!("XX{}", "a".repeat(32));
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}").path(
            "Sid",
            &bad_prefix,
            &SID,
        );
        assert!(r.error.unwrap().to_string().contains("does not match"));
        let page = Check {
            minimum: Some(1.0),
            maximum: Some(1000.0),
            ..Check::NONE
        };
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S").query(
            "PageSize",
            Some(&5000i64),
            false,
            &page,
        );
        assert_eq!(
            r.error.unwrap().to_string(),
            "invalid argument `PageSize`: 5000 is out of range: must be between 1 and 1000"
        );
    }

    #[test]
    fn sid_patterns_are_checked_by_hand_as_the_regex_would() {
        assert_eq!(sid_shape("^KS[0-9a-fA-F]{32}$"), Some(("KS", 32)));
        for other in [
            "^KS[0-9a-f]{32}$",
            "^K.[0-9a-fA-F]{32}$",
            "KS[0-9a-fA-F]{32}",
            "^KS[0-9a-fA-F]{32}x$",
            "^[a-z]+$",
        ] {
            assert_eq!(sid_shape(other), None, "{other}");
        }
        let pattern = "^KS[0-9a-fA-F]{32}$";
        let re = regex_lite::Regex::new(pattern).unwrap();
        let hex = "0123456789abcdefABCDEF0123456789";
        for value in [
            format!("KS{hex}"),
            format!("KS{hex}0"),
            format!("KS{}", &hex[1..]),
            format!("KC{hex}"),
            format!("ks{hex}"),
            format!("KS{}g", &hex[1..]),
            format!("KS{}é", &hex[2..]),
            format!("xKS{}", &hex[1..]),
            String::new(),
            "KS".to_owned(),
        ] {
            assert_eq!(
                pattern_matches(pattern, &value),
                re.is_match(&value),
                "{value}"
            );
        }
    }

    #[test]
    fn per_operation_servers_and_media_types_are_honoured() {
        let r = Request::new(&client(), API, reqwest::Method::POST, "/v1/S/{Sid}/L")
            .server("https://labels.twilio.com")
            .path("Sid", "x", &Check::NONE)
            .content_type("application/merge-patch+json")
            .json_field("Label", Some(&"a"));
        let p = r.prepare().unwrap();
        assert_eq!(p.url.as_str(), "https://labels.twilio.com/v1/S/x/L");
        assert!(p
            .headers
            .iter()
            .any(|(k, v)| k == "Content-Type" && v == "application/merge-patch+json"));
        let overridden = Client::builder()
            .credentials("ACaaa", "t")
            .base_url(API, "http://127.0.0.1:9")
            .build()
            .unwrap();
        let r = Request::new(&overridden, API, reqwest::Method::GET, "/v1/S")
            .server("https://labels.twilio.com");
        assert_eq!(r.url().unwrap().as_str(), "http://127.0.0.1:9/v1/S");
    }

    #[test]
    fn secret_headers_are_sent_but_never_shown() {
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S").secret_header(
            "Authorization",
            Some(&"Token hidden-jwt"),
            false,
            &Check::NONE,
        );
        let p = r.prepare().unwrap();
        assert!(p
            .headers
            .iter()
            .any(|(k, v)| k == "Authorization" && v == "Token hidden-jwt" && v.is_secret()));
        for shown in [format!("{r:?}"), format!("{p:?}")] {
            assert!(!shown.contains("hidden-jwt"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        let short = Check {
            max_length: Some(3),
            ..Check::NONE
        };
        let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S").secret_header(
            "Authorization",
            Some(&"Token hidden-jwt"),
            false,
            &short,
        );
        let e = r.prepare().unwrap_err().to_string();
        assert!(
            e.contains("Authorization") && !e.contains("hidden-jwt"),
            "{e}"
        );
    }

    #[test]
    fn required_values_must_not_be_empty() {
        let r = Request::new(&client(), API, reqwest::Method::POST, "/v1/S").form(
            "MediaProperties",
            Some(&serde_json::Value::String(String::new())),
            true,
            &Check::NONE,
        );
        assert!(r
            .error
            .unwrap()
            .to_string()
            .contains("`MediaProperties`: is required"));
    }

    #[test]
    fn params_encode_as_twilio_expects() {
        let mut out = Vec::new();
        serde_json::json!({"a": [1, true]}).push_values(&mut out);
        serde_json::json!("{\"pre\": 1}").push_values(&mut out);
        true.push_values(&mut out);
        chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.987+02:00")
            .unwrap()
            .with_timezone(&chrono::Utc)
            .push_values(&mut out);
        assert_eq!(
            out,
            [
                r#"{"a":[1,true]}"#,
                r#"{"pre": 1}"#,
                "true",
                "2024-05-06T05:08:09Z"
            ]
        );
    }
}
