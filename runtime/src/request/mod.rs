//! One request: building and validating it, encoding it, sending it with
//! credentials and retries, and reading the response. Each concern has its own
//! file; the [`Request`] they all work on is defined here.

mod building;
mod credentials;
mod encoding;
mod params;
mod response;
mod sending;
#[cfg(test)]
mod tests;
mod validation;

pub use credentials::Credential;
pub use encoding::{HeaderText, PreparedRequest};
pub use params::{collapse_map, ToParam};
pub use response::Response;
pub(crate) use response::{decode, read_body, BodyError, Raw};
pub use validation::Check;

use crate::client::{ApiInfo, Client};
use crate::error::{redact_url, ValidationError};
use crate::options::RequestOptions;
use credentials::AuthRule;
use std::borrow::Cow;

/// A request's body as built.
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
    accept: Option<&'static str>,
    server: Option<&'static str>,
    auth: AuthRule,
    error: Option<ValidationError>,
    redirect_is_result: bool,
    page_token: Option<&'static str>,
    /// The smallest and largest `PageSize` the operation accepts, for a limit's
    /// page size; `None` when it takes no `PageSize`.
    page_sizes: Option<(usize, usize)>,
    options: RequestOptions,
    /// The spec's `operationId`, for tracing.
    operation: &'static str,
    /// The path template, for tracing (next pages keep their first page's).
    path_template: &'static str,
}

/// A boxed future, for `IntoFuture` impls of operations.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;
