//! What comes back: the response type, the capped body read and JSON decoding.

use crate::error::{excerpt, DecodeError, Error, Result};
use serde::de::DeserializeOwned;

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
