//! Sending a request: credentials applied, attempts and retries within the
//! call's deadline.

use super::credentials::{with_schemes, Authorization, Credential};
use super::response::{read_body, BodyError, Raw};
use super::{PreparedRequest, Request};
use crate::error::{redact_url, BodyTooLargeError, DeadlineError, Error, Result, TransportError};
use crate::retry::Attempts;
use reqwest::header::HeaderMap;
use std::time::Duration;

/// What every attempt of one call shares.
struct Call<'a> {
    prepared: &'a PreparedRequest,
    /// The URL sent: `prepared`'s, plus any API key that goes in the query.
    url: url::Url,
    authorization: Authorization,
    /// Shared, so a retry does not copy the body.
    body: Option<bytes::Bytes>,
    /// The call's request timeout.
    limit: Duration,
    /// The longest one attempt may take.
    attempt_timeout: Duration,
}

/// How one attempt ended.
enum Outcome {
    /// Try again after this wait.
    Retry(Duration),
    /// The call's result.
    Done(Result<Raw>),
}

impl Call<'_> {
    /// The call's deadline passed after `made` attempts.
    fn deadline(&self, made: u32) -> Error {
        Error::Deadline(Box::new(DeadlineError {
            method: self.prepared.method.clone(),
            url: redact_url(&self.prepared.url),
            deadline: self.limit,
            attempts: made,
        }))
    }

    /// The connection failed (`headers`: those of a response whose body failed).
    fn transport(&self, headers: Option<&HeaderMap>, e: reqwest::Error) -> Error {
        Error::Transport(Box::new(TransportError::new(
            &self.prepared.method,
            &self.prepared.url,
            headers,
            e,
        )))
    }
}

/// The URL sent: an API key in the query goes on it, never on the one errors
/// and traces show.
fn url_with_query_credentials(prepared: &url::Url, authorization: &Authorization) -> url::Url {
    let mut url = prepared.clone();
    if let Authorization::Schemes(credentials) = authorization {
        for (c, secret) in credentials {
            if let Credential::Query(_, name) = c {
                url.query_pairs_mut().append_pair(name, secret);
            }
        }
    }
    url
}

impl Request {
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
        let attempt_timeout = self
            .options
            .attempt_timeout
            .unwrap_or(self.client.inner.attempt_timeout);
        let authorization = self.authorization().await?;
        let call = Call {
            prepared,
            url: url_with_query_credentials(&prepared.url, &authorization),
            authorization,
            body: prepared.body.clone().map(bytes::Bytes::from),
            limit,
            attempt_timeout,
        };
        loop {
            let left = attempts.remaining().unwrap_or(attempt_timeout);
            if left.is_zero() {
                return Err(call.deadline(attempts.made() - 1));
            }
            match self.attempt(&call, &mut attempts, left).await {
                Outcome::Retry(wait) => tokio::time::sleep(wait).await,
                Outcome::Done(result) => return result,
            }
        }
    }

    /// One attempt, with `left` until the call's deadline: sent, its status
    /// checked for a retry, its body read and its status made a result.
    async fn attempt(
        &self,
        call: &Call<'_>,
        attempts: &mut Attempts<'_>,
        left: Duration,
    ) -> Outcome {
        // Whether this attempt's timeout is the call's deadline.
        let capped = left < call.attempt_timeout;
        let rb = self.attempt_request(call, left.min(call.attempt_timeout));
        let mut resp = match rb.send().await {
            Ok(resp) => resp,
            Err(e) if capped && e.is_timeout() => {
                return Outcome::Done(Err(call.deadline(attempts.made())))
            }
            Err(e) => match attempts.after_transport(&e) {
                Some(wait) => return Outcome::Retry(wait),
                None => {
                    let e = call.transport(None, e);
                    return Outcome::Done(Err(e.with_attempts(attempts.made())));
                }
            },
        };
        let status = resp.status().as_u16();
        crate::trace::response(status, resp.headers());
        if let Some(wait) = attempts.after_status(status, resp.headers()) {
            // The connection is released (the response dropped) before waiting.
            return Outcome::Retry(wait);
        }
        // Taken, not copied: reading the body needs only the body.
        let headers = std::mem::take(resp.headers_mut());
        let max_body = self.client.inner.max_body_size;
        let bytes = match read_body(resp, max_body).await {
            Ok(bytes) => bytes,
            Err(BodyError::TooLarge) => {
                return Outcome::Done(Err(Error::BodyTooLarge(Box::new(BodyTooLargeError {
                    method: call.prepared.method.clone(),
                    url: redact_url(&call.prepared.url),
                    status,
                    limit: max_body,
                    request_id: crate::error::request_id(&headers),
                }))))
            }
            Err(BodyError::Read(e)) if capped && e.is_timeout() => {
                return Outcome::Done(Err(call.deadline(attempts.made())))
            }
            Err(BodyError::Read(e)) => match attempts.after_transport(&e) {
                Some(wait) => return Outcome::Retry(wait),
                None => {
                    let e = call.transport(Some(&headers), e);
                    return Outcome::Done(Err(e.with_attempts(attempts.made())));
                }
            },
        };
        Outcome::Done(self.result(call.prepared, status, headers, bytes, attempts.made()))
    }

    /// One attempt's HTTP request, with this attempt's `timeout`, the call's
    /// credentials, headers and body.
    fn attempt_request(&self, call: &Call<'_>, timeout: Duration) -> reqwest::RequestBuilder {
        let mut rb = self
            .client
            .inner
            .http_request(self.method.clone(), call.url.clone())
            .timeout(timeout);
        match &call.authorization {
            Authorization::None => {}
            Authorization::Basic(header) => {
                rb = rb.header(reqwest::header::AUTHORIZATION, header.clone())
            }
            Authorization::Bearer(token) => rb = rb.bearer_auth(token),
            Authorization::Schemes(credentials) => rb = with_schemes(rb, credentials),
        }
        for (k, v) in &call.prepared.headers {
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
        if let Some(b) = &call.body {
            rb = rb.body(b.clone());
        }
        rb
    }

    /// The call's result from a response read whole after `made` attempts: a
    /// success (or a redirect when the operation's result is one), else the API's
    /// error.
    fn result(
        &self,
        prepared: &PreparedRequest,
        status: u16,
        headers: HeaderMap,
        bytes: bytes::Bytes,
        made: u32,
    ) -> Result<Raw> {
        let redirect = self.redirect_is_result && (300..400).contains(&status);
        if !(200..300).contains(&status) && !redirect {
            return Err(Error::from_response(
                status,
                &bytes,
                &prepared.method,
                &prepared.url,
                &headers,
            )
            .with_attempts(made));
        }
        Ok((status, headers, bytes))
    }
}
