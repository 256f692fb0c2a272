//! A tower [`Layer`] for axum 0.8 that lets through only requests signed by Twilio
//! (feature `axum`).
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use twilio_rest_runtime::webhooks::{axum::TwilioWebhookLayer, RequestValidator};
//!
//! # async fn run() -> std::io::Result<()> {
//! let validator = RequestValidator::new(std::env::var("TWILIO_AUTH_TOKEN").unwrap());
//! let app = Router::new()
//!     .route("/sms", post(|body: String| async move { format!("got {body}") }))
//!     // The URL configured in Twilio's console, without the path of each route.
//!     .layer(TwilioWebhookLayer::new(validator, "https://hooks.example.com"));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! # Answering a voice webhook with TwiML
//!
//! A `<Gather>` answer behind the layer, built with the TwiML crate
//! (`twilio-rest-twiml`, `twilio_rest::twiml` in the facade):
//!
//! ```no_run
//! use axum::{http::header, response::IntoResponse, routing::post, Router};
//! use twilio_rest_runtime::webhooks::{axum::TwilioWebhookLayer, RequestValidator};
//! use twilio_rest_twiml::voice::{Gather, GatherInput, Say, VoiceResponse};
//!
//! async fn incoming_call() -> impl IntoResponse {
//!     let twiml = VoiceResponse::new()
//!         .gather(
//!             Gather::new()
//!                 .input([GatherInput::Speech, GatherInput::Dtmf])
//!                 .num_digits(1)
//!                 .action("/voice/menu")
//!                 .say(Say::new("For sales, press 1 or say sales.")),
//!         )
//!         .say(Say::new("We did not hear from you. Goodbye!"));
//!     ([(header::CONTENT_TYPE, "text/xml")], twiml.to_string())
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let validator = RequestValidator::new(std::env::var("TWILIO_AUTH_TOKEN").unwrap());
//! let app = Router::new()
//!     .route("/voice", post(incoming_call))
//!     .layer(TwilioWebhookLayer::new(validator, "https://hooks.example.com"));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! # The URL
//!
//! Twilio signs the URL it requested, which the server cannot see reliably: a
//! reverse proxy or tunnel changes the `Host`, the scheme (TLS ends at the proxy),
//! the port, and sometimes strips a path prefix. So the layer does not read `Host`:
//! it rebuilds the URL from the configured public base URL (scheme, host, optional
//! port and path prefix, exactly as in the webhook URL configured in Twilio) followed
//! by the request's path and query (the original ones, before any
//! [`Router::nest`](axum::Router::nest)).
//!
//! # What is checked
//!
//! The body is read (up to [`TwilioWebhookLayer::body_limit`], 1 MiB by default,
//! else 413) and handed on unchanged. If the query has a `bodySHA256` parameter the
//! request is checked with [`RequestValidator::validate_body`]; otherwise an
//! `application/x-www-form-urlencoded` body is checked as parameters with
//! [`RequestValidator::validate`], and a request with an empty body as one without
//! parameters (GET callbacks). Any other body is unauthenticated by the signature
//! and rejected. A missing, invalid or non-UTF-8 `X-Twilio-Signature` gets 403.

use super::{RequestValidator, SIGNATURE_HEADER};
use axum::body::{Body, Bytes};
use axum::extract::OriginalUri;
use axum::http::{header, request::Parts, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// The default largest body read, in bytes.
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Validates Twilio's signature on every request before the wrapped service sees
/// it; rejects with 403 (see the [module documentation](self)).
#[derive(Clone, Debug)]
pub struct TwilioWebhookLayer {
    config: Arc<Config>,
}

#[derive(Clone, Debug)]
struct Config {
    validator: RequestValidator,
    base_url: String,
    body_limit: usize,
}

impl TwilioWebhookLayer {
    /// A layer checking signatures with `validator` for requests Twilio made to
    /// `public_base_url` (such as `https://hooks.example.com` or
    /// `https://example.com/twilio`) followed by the request's path and query.
    pub fn new(validator: RequestValidator, public_base_url: impl Into<String>) -> Self {
        let base_url = public_base_url.into().trim_end_matches('/').to_owned();
        Self {
            config: Arc::new(Config {
                validator,
                base_url,
                body_limit: DEFAULT_BODY_LIMIT,
            }),
        }
    }

    /// The largest body read, in bytes; larger requests get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.config).body_limit = bytes;
        self
    }
}

impl<S> Layer<S> for TwilioWebhookLayer {
    type Service = TwilioWebhook<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TwilioWebhook {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service made by [`TwilioWebhookLayer`].
#[derive(Clone, Debug)]
pub struct TwilioWebhook<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> Service<Request<Body>> for TwilioWebhook<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // The clone is not ready; call the one that is and keep the clone.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = self.config.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = match Limited::new(body, config.body_limit).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(e) if e.is::<LengthLimitError>() => {
                    return Ok(reject(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "Request body too large.",
                    ));
                }
                Err(_) => return Ok(reject(StatusCode::BAD_REQUEST, "Unreadable request body.")),
            };
            if !config.verify(&parts, &body) {
                return Ok(reject(
                    StatusCode::FORBIDDEN,
                    "Twilio request validation failed.",
                ));
            }
            inner
                .call(Request::from_parts(parts, Body::from(body)))
                .await
        })
    }
}

fn reject(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

impl Config {
    /// Whether the request carries a valid signature.
    fn verify(&self, parts: &Parts, body: &Bytes) -> bool {
        let Some(signature) = parts
            .headers
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let url = format!("{}{path_and_query}", self.base_url);
        let has_body_hash = uri.query().is_some_and(|q| {
            url::form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "bodySHA256")
        });
        if has_body_hash {
            self.validator.validate_body(&url, body, signature)
        } else if is_form(parts) {
            let params: Vec<(String, String)> =
                url::form_urlencoded::parse(body).into_owned().collect();
            self.validator.validate(&url, &params, signature)
        } else if body.is_empty() {
            self.validator.validate(&url, &[], signature)
        } else {
            false
        }
    }
}

fn is_form(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::body_sha256;
    use axum::routing::{get, post};
    use axum::Router;

    const TOKEN: &str = "12345";
    const BASE: &str = "https://hooks.example.com";

    fn app() -> Router {
        Router::new()
            .route("/sms", post(|body: Bytes| async move { body }))
            .route("/status", get(|| async { "status" }))
            .nest(
                "/voice",
                Router::new().route("/incoming", post(|body: Bytes| async move { body })),
            )
            .layer(TwilioWebhookLayer::new(RequestValidator::new(TOKEN), BASE))
    }

    async fn send(app: Router, request: Request<Body>) -> (StatusCode, String) {
        let mut service = app;
        std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut service, cx))
            .await
            .unwrap();
        let response = service.call(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    fn form(path: &str, body: &str, signature: Option<&str>) -> Request<Body> {
        let mut builder = Request::post(path)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(signature) = signature {
            builder = builder.header(SIGNATURE_HEADER, signature);
        }
        builder.body(Body::from(body.to_owned())).unwrap()
    }

    fn sign(url: &str, params: &[(&str, &str)]) -> String {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        RequestValidator::new(TOKEN).signature(url, &params)
    }

    const FORM: &str = "From=%2B12349013030&Body=hello+world&To=%2B18005551212";
    const PARAMS: &[(&str, &str)] = &[
        ("From", "+12349013030"),
        ("Body", "hello world"),
        ("To", "+18005551212"),
    ];

    #[tokio::test]
    async fn signed_form_request_passes_with_its_body() {
        let signature = sign("https://hooks.example.com/sms?x=1", PARAMS);
        let (status, body) = send(app(), form("/sms?x=1", FORM, Some(&signature))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, FORM);
    }

    #[tokio::test]
    async fn unsigned_invalid_or_tampered_requests_get_403() {
        let signature = sign("https://hooks.example.com/sms", PARAMS);
        let tampered = FORM.replace("hello", "hallo");
        for request in [
            form("/sms", FORM, None),
            form("/sms", FORM, Some("bm90IGEgc2lnbmF0dXJl")),
            form("/sms", &tampered, Some(&signature)),
            form("/sms?x=1", FORM, Some(&signature)),
        ] {
            let (status, _) = send(app(), request).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        // The URL Twilio sees is the public one, not the Host the proxy forwards.
        let internal = sign("http://127.0.0.1:3000/sms", PARAMS);
        let (status, _) = send(app(), form("/sms", FORM, Some(&internal))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn nested_routes_are_checked_with_their_original_path() {
        let signature = sign("https://hooks.example.com/voice/incoming", PARAMS);
        let (status, body) = send(app(), form("/voice/incoming", FORM, Some(&signature))).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, FORM));
    }

    #[tokio::test]
    async fn get_callbacks_are_signed_over_the_url() {
        let url = "https://hooks.example.com/status?CallSid=CA1&CallStatus=completed";
        let request = |signature: &str| {
            Request::get("/status?CallSid=CA1&CallStatus=completed")
                .header(SIGNATURE_HEADER, signature)
                .body(Body::empty())
                .unwrap()
        };
        let (status, _) = send(app(), request(&sign(url, &[]))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = send(app(), request(&sign(&url.replace("CA1", "CA2"), &[]))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn json_bodies_are_checked_against_body_sha256() {
        let json = r#"{"event":"delivered","sid":"SM1"}"#;
        let path = format!("/sms?bodySHA256={}", body_sha256(json.as_bytes()));
        let signature = sign(&format!("{BASE}{path}"), &[]);
        let request = |body: &str, signature: &str| {
            Request::post(path.as_str())
                .header(header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, signature)
                .body(Body::from(body.to_owned()))
                .unwrap()
        };
        let (status, body) = send(app(), request(json, &signature)).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, json));
        let (status, _) = send(app(), request(&json.replace("SM1", "SM2"), &signature)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A JSON body without bodySHA256 is not covered by the signature.
        let bare = Request::post("/sms")
            .header(header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, sign("https://hooks.example.com/sms", &[]))
            .body(Body::from(json))
            .unwrap();
        let (status, _) = send(app(), bare).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn base_url_with_prefix_and_body_limit() {
        let layer = TwilioWebhookLayer::new(RequestValidator::new(TOKEN), "https://ex.com/twilio/")
            .body_limit(16);
        let app = Router::new()
            .route("/sms", post(|body: Bytes| async move { body }))
            .layer(layer);
        let signature = sign("https://ex.com/twilio/sms", &[("A", "1")]);
        let (status, _) = send(app.clone(), form("/sms", "A=1", Some(&signature))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = send(app, form("/sms", &"A=1&".repeat(10), Some(&signature))).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn debug_hides_the_token() {
        let layer = TwilioWebhookLayer::new(RequestValidator::new("secret-token-123"), BASE);
        assert!(!format!("{layer:?}").contains("secret-token-123"));
    }
}
