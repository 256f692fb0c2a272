//! When a failed attempt is tried again, and after how long: the retry policy and
//! the decision for one call (`Attempts`). `Request::execute` loops over attempts
//! and asks this module after each failure.
//!
//! The rules, as careful HTTP clients apply them:
//! - a connection that could not be made (nothing was sent) is retried for every
//!   method;
//! - other transport failures (a reset, a stale pooled connection, a truncated
//!   response) only for idempotent methods (GET, DELETE, PUT), since the server may
//!   have acted on the request;
//! - `429 Too Many Requests` for every method (the request was not processed);
//! - `503 Service Unavailable` for idempotent methods, and for POST only with
//!   [`RetryPolicy::retry_non_idempotent`];
//! - the wait is `Retry-After` when the server sends one (delta-seconds or an
//!   HTTP-date) and it is within [`RetryPolicy::max_retry_after`] (longer: no
//!   retry, the error is returned), else a random delay in
//!   `[0, min(max_backoff, initial_backoff * 2^attempt)]` ("full jitter");
//! - no retry whose wait would end after the call's request timeout
//!   ([`crate::ClientBuilder::request_timeout`]);
//! - a refused TLS certificate and a body over the size cap are never retried:
//!   trying again cannot mend them.

use std::time::{Duration, Instant, SystemTime};

/// When and how often a call is tried again (see the module rules above, which
/// README's "Retries" section repeats).
///
/// Defaults: 3 retries, backoff from 500 ms capped at 30 s, `Retry-After` honoured
/// up to 60 s, POST not retried on 503. The time a call may take in all is the
/// client's [`request_timeout`](crate::ClientBuilder::request_timeout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// At most `n` retries per call (default 3).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The base of the exponential backoff (default 500 ms): the wait before retry
    /// `n` (0-based) is random in `[0, min(max_backoff, initial_backoff * 2^n)]`.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The cap of the exponential backoff (default 30 s).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The longest `Retry-After` honoured (default 60 s). When the server asks for
    /// a longer wait, the call is not retried: its 429 or 503 error is returned
    /// rather than retrying sooner than asked.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Also retry POST requests on `503 Service Unavailable` and after transport
    /// failures other than connecting, though they may then act twice (default
    /// false). A 429 and a failed connection are retried for every method anyway.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// The jittered backoff before retry `attempt` (0-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Whether a method may be sent twice without a second effect.
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(
        *method,
        reqwest::Method::GET
            | reqwest::Method::HEAD
            | reqwest::Method::OPTIONS
            | reqwest::Method::DELETE
            | reqwest::Method::PUT
    )
}

/// The retry decisions of one call.
pub(crate) struct Attempts<'a> {
    policy: &'a RetryPolicy,
    idempotent: bool,
    started: Instant,
    /// The call's request timeout.
    deadline: Option<Duration>,
    retries: u32,
}

impl<'a> Attempts<'a> {
    /// A call with `method` starting now, to end within `deadline` if given.
    pub(crate) fn new(
        policy: &'a RetryPolicy,
        method: &reqwest::Method,
        deadline: Option<Duration>,
    ) -> Self {
        Attempts {
            policy,
            idempotent: is_idempotent(method),
            started: Instant::now(),
            deadline,
            retries: 0,
        }
    }

    /// How many times the request has been sent, counting the current attempt.
    pub(crate) fn made(&self) -> u32 {
        self.retries + 1
    }

    /// The time left before the deadline, if there is one.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_sub(self.started.elapsed()))
    }

    /// The wait before retrying after a response with `status`, or `None` to
    /// return it as it is.
    pub(crate) fn after_status(
        &mut self,
        status: u16,
        headers: &reqwest::header::HeaderMap,
    ) -> Option<Duration> {
        let retryable = match status {
            429 => true,
            503 => self.idempotent || self.policy.non_idempotent,
            _ => false,
        };
        if !retryable {
            return None;
        }
        let wait = match retry_after(headers, SystemTime::now()) {
            Some(asked) if asked > self.policy.max_retry_after => return None,
            Some(asked) => asked,
            None => self.policy.backoff(self.retries),
        };
        self.next(wait, Some(status))
    }

    /// The wait before retrying after the transport error `e`, or `None` to
    /// return it.
    pub(crate) fn after_transport(&mut self, e: &reqwest::Error) -> Option<Duration> {
        // (reqwest reports a body cut short as a decode error: it is retried.)
        if e.is_builder() || e.is_redirect() || e.is_status() {
            return None;
        }
        // A refused certificate is refused again.
        if super::error::is_certificate_error(e) {
            return None;
        }
        // Nothing reached the server when the connection could not be made.
        let retryable = e.is_connect() || self.idempotent || self.policy.non_idempotent;
        if !retryable {
            return None;
        }
        let wait = self.policy.backoff(self.retries);
        self.next(wait, None)
    }

    /// Counts a retry after `wait` (the failed attempt answered `status`, if it
    /// got a response) and traces it, unless retries are used up or the wait
    /// would end after the deadline.
    fn next(&mut self, wait: Duration, status: Option<u16>) -> Option<Duration> {
        if self.retries >= self.policy.max_retries {
            return None;
        }
        if self.remaining().is_some_and(|left| wait >= left) {
            return None;
        }
        self.retries += 1;
        super::trace::retry(self.retries + 1, wait, status);
        Some(wait)
    }
}

/// `Retry-After` as a wait from `now`: delta-seconds or an HTTP-date (a date in
/// the past is no wait). An unreadable value counts as absent.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        h
    }

    #[test]
    fn backoff_is_full_jitter_under_the_doubling_ceiling() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        for (attempt, ceiling) in [(0, 100), (2, 400), (10, 1000)] {
            let draws: Vec<Duration> = (0..200).map(|_| p.backoff(attempt)).collect();
            assert!(draws.iter().all(|d| *d <= Duration::from_millis(ceiling)));
            // Random, not a fixed step: 200 draws are not all alike.
            assert!(draws.iter().any(|d| *d != draws[0]), "{draws:?}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(42));
        assert_eq!(
            retry_after(&headers(&date), now),
            Some(Duration::from_secs(42))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(42));
        assert_eq!(retry_after(&headers(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn statuses_are_retried_by_method() {
        let p = RetryPolicy::default();
        let none = HeaderMap::new();
        let post = || Attempts::new(&p, &reqwest::Method::POST, None);
        let get = || Attempts::new(&p, &reqwest::Method::GET, None);
        assert!(post().after_status(429, &none).is_some());
        assert!(post().after_status(503, &none).is_none());
        assert!(get().after_status(503, &none).is_some());
        assert!(Attempts::new(&p, &reqwest::Method::DELETE, None)
            .after_status(503, &none)
            .is_some());
        assert!(get().after_status(500, &none).is_none());
        let opted = RetryPolicy::default().retry_non_idempotent(true);
        assert!(Attempts::new(&opted, &reqwest::Method::POST, None)
            .after_status(503, &none)
            .is_some());
    }

    #[test]
    fn retry_after_is_honoured_within_the_cap_and_refused_beyond() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let mut a = Attempts::new(&p, &reqwest::Method::GET, None);
        assert_eq!(
            a.after_status(429, &headers("10")),
            Some(Duration::from_secs(10))
        );
        assert_eq!(a.after_status(429, &headers("11")), None);
    }

    #[test]
    fn retries_stop_at_the_bound_and_before_the_deadline() {
        let p = RetryPolicy::default()
            .max_retries(2)
            .initial_backoff(Duration::ZERO);
        let mut a = Attempts::new(&p, &reqwest::Method::GET, None);
        let none = HeaderMap::new();
        assert!(a.after_status(503, &none).is_some());
        assert!(a.after_status(503, &none).is_some());
        assert!(a.after_status(503, &none).is_none());
        let p = RetryPolicy::default();
        let mut a = Attempts::new(&p, &reqwest::Method::GET, Some(Duration::from_secs(5)));
        assert_eq!(a.after_status(429, &headers("6")), None);
        assert_eq!(
            a.after_status(429, &headers("1")),
            Some(Duration::from_secs(1))
        );
    }
}
