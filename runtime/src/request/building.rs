//! Building a request: the target, parameters, body and per-operation settings
//! generated operations set.

use super::credentials::AuthRule;
use super::{collapse_map, Body, Check, Credential, HeaderText, Request, Target, ToParam};
use crate::client::{ApiInfo, Client};
use crate::error::ValidationError;
use crate::options::RequestOptions;
use std::borrow::Cow;

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
            accept: None,
            server: None,
            auth: AuthRule::Default,
            error: None,
            redirect_is_result: false,
            page_token: None,
            page_sizes: Some((1, crate::pagination::MAX_PAGE_SIZE)),
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
            accept: None,
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

    /// The media type the operation answers in, sent as `Accept` (by default
    /// `application/json`), for operations that answer in another JSON type
    /// (`application/scim+json`).
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = Some(media_type);
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
        self.page_sizes = Some((minimum.clamp(1, max), max));
        self
    }

    /// For lists whose spec has no `PageSize` parameter: a limit asks for no page
    /// size (the server's pages are read until the limit).
    pub fn no_page_size(mut self) -> Self {
        self.page_sizes = None;
        self
    }

    /// The smallest and largest page size a limit may ask for; `None` when the
    /// operation takes no page size.
    pub(crate) fn page_sizes(&self) -> Option<(usize, usize)> {
        self.page_sizes
    }

    /// The spec's `operationId`, recorded by tracing.
    pub fn operation(mut self, operation_id: &'static str) -> Self {
        self.operation = operation_id;
        self
    }

    /// The tracing span of this call (see [`crate::trace`]).
    pub(crate) fn span(&self) -> tracing::Span {
        crate::trace::call_span(
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
        self.form_fields(values.into_iter().map(|v| (Cow::Borrowed(name), v)));
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
        self.form_fields(pairs);
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

    /// Makes the body a form (an operation with a form body sends one even with
    /// no field set) and appends `pairs` to it.
    fn form_fields(&mut self, pairs: impl IntoIterator<Item = (Cow<'static, str>, String)>) {
        if !matches!(self.body, Body::Form(_)) {
            self.body = Body::Form(Vec::new());
        }
        if let Body::Form(fields) = &mut self.body {
            fields.extend(pairs);
        }
    }

    /// A whole form body from a model (an `allOf` with a `oneOf` part): each
    /// property of the model's JSON form is one field, as [`Request::form`] sends
    /// it (text as is, arrays repeating the key, objects as JSON text); a `null`
    /// property is left out. Left out, an empty form.
    pub fn form_body<T: serde::Serialize>(mut self, value: Option<T>) -> Self {
        self.form_fields([]);
        let Some(value) = value else { return self };
        let members = match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(members)) => members,
            Ok(_) => {
                self.fail(ValidationError::new("body", "must be a JSON object"));
                return self;
            }
            Err(e) => {
                self.fail(ValidationError::new(
                    "body",
                    format!("cannot be encoded as form fields: {e}"),
                ));
                return self;
            }
        };
        let mut pairs = Vec::new();
        for (name, member) in members {
            let mut values = Vec::new();
            match &member {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => items.push_values(&mut values),
                other => other.push_values(&mut values),
            }
            pairs.extend(values.into_iter().map(|v| (Cow::Owned(name.clone()), v)));
        }
        self.form_fields(pairs);
        self
    }
}
