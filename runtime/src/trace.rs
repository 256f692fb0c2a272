//! Tracing with the `tracing` crate: one span per call, events for retries.
//!
//! The span `twilio.call` (level INFO, target `twilio_rest_runtime::trace`) covers
//! one call from validation to the last byte of the response, retries and OAuth
//! token requests included; each page of a list is a call. Its fields:
//!
//! | field | value |
//! |---|---|
//! | `api` | the API module (`proxy_v1`) |
//! | `operation` | the spec's `operationId` (`FetchSession`) |
//! | `method` | the HTTP method |
//! | `path` | the path *template* (`/v1/Services/{ServiceSid}/Sessions/{Sid}`) |
//! | `attempt` | the number of the last attempt (1 unless retried) |
//! | `status` | the HTTP status of the last response |
//! | `request_id` | its `Twilio-Request-Id` header |
//! | `duration_ms` | the whole call, retries included |
//! | `error` | on failure, its kind: `api`, `validation`, `timeout`, `connect`, `transport`, `decode`, `config`, `token`, `paging`, `other` (`timeout` includes the retry policy's deadline) |
//!
//! A retry is an INFO event `retry` in that span (`attempt`: the number of the
//! attempt about to be made, `delay_ms`, `status`); the end of a call a DEBUG
//! event `finished`. Nothing else is recorded: no credentials, no concrete path
//! (it holds SIDs), no query or body value, no header, no error message (a
//! transport error's text holds the URL). With no subscriber listening, tracing's
//! callsite filtering skips all of it, and nothing is formatted.

use super::error::Error;
use std::time::{Duration, Instant};
use tracing::field::Empty;
use tracing::{Instrument, Span};

/// The call span, with the fields known before sending.
pub(crate) fn call_span(
    api: &'static str,
    operation: &'static str,
    method: &reqwest::Method,
    path: &'static str,
) -> Span {
    tracing::info_span!(
        "twilio.call",
        api,
        operation,
        method = method.as_str(),
        path,
        attempt = 1u32,
        status = Empty,
        request_id = Empty,
        duration_ms = Empty,
        error = Empty,
    )
}

/// Runs `call` in `span` and records its duration and, on failure, the error kind.
pub(crate) async fn in_span<T>(
    span: Span,
    call: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let started = (!span.is_disabled()).then(Instant::now);
    let result = call.instrument(span.clone()).await;
    if let Some(started) = started {
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("duration_ms", ms);
        if let Err(e) = &result {
            span.record("error", error_kind(e));
        }
        tracing::debug!(name: "finished", parent: &span, duration_ms = ms, "Twilio call finished");
    }
    result
}

/// Records a response's status and `Twilio-Request-Id` on the current call span.
pub(crate) fn response(status: u16, headers: &reqwest::header::HeaderMap) {
    let span = Span::current();
    if span.is_disabled() {
        return;
    }
    span.record("status", status);
    if let Some(id) = headers
        .get("twilio-request-id")
        .and_then(|v| v.to_str().ok())
    {
        span.record("request_id", id);
    }
}

/// Before retry: records `attempt` (the number of the attempt about to be made,
/// so 2 for the first retry) on the current call span and emits the `retry`
/// event with the delay and the status that caused it (none for a transport
/// error).
pub(crate) fn retry(attempt: u32, delay: Duration, status: Option<u16>) {
    Span::current().record("attempt", attempt);
    let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        name: "retry",
        attempt,
        delay_ms,
        status,
        "retrying Twilio call"
    );
}

/// What kind of failure `e` is, without its message.
fn error_kind(e: &Error) -> &'static str {
    // `if` chains rather than one `match`, so a new variant needs no change here.
    if matches!(e, Error::Api(_)) {
        "api"
    } else if matches!(e, Error::Validation(_)) {
        "validation"
    } else if matches!(e, Error::Transport(t) if t.source.is_timeout())
        || matches!(e, Error::Deadline(_))
    {
        "timeout"
    } else if matches!(e, Error::Transport(t) if t.is_certificate()) {
        "certificate"
    } else if matches!(e, Error::Transport(t) if t.source.is_connect()) {
        "connect"
    } else if matches!(e, Error::Transport(_)) {
        "transport"
    } else if matches!(e, Error::Decode(_)) {
        "decode"
    } else if matches!(e, Error::Config(_)) {
        "config"
    } else if matches!(e, Error::Token(_)) {
        "token"
    } else if matches!(e, Error::Paging(_)) {
        "paging"
    } else if matches!(e, Error::BodyTooLarge(_)) {
        "body_too_large"
    } else {
        "other"
    }
}
