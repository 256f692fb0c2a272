//! The futures and streams that operation builders return: named types whose
//! network half is one non-generic boxed future (`Request::execute`) and whose only
//! generic part is decoding the body. Generated code then compiles no async state
//! machine per operation, and a response type's decoder is compiled only where an
//! application awaits an operation returning it.

use super::error::Result;
use super::error::{Error, PagingError};
use super::pagination::{decode_page, next_request, url_of, Next, Page, Paged, Seen};
use super::request::{decode, BoxFuture, Raw, Request, Response};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How a response body becomes an operation's output.
pub trait Decode {
    /// What the operation returns.
    type Output;
    /// Decodes a success response.
    fn decode(status: u16, headers: HeaderMap, body: &[u8]) -> Result<Self::Output>;
}

/// The body decoded as JSON into `T`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Decode for Json<T> {
    type Output = T;
    fn decode(status: u16, _: HeaderMap, body: &[u8]) -> Result<T> {
        decode(status, body)
    }
}

/// The body decoded as JSON into `T`, or `None` when it is empty (success statuses
/// that declare no body).
pub struct JsonOpt<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Decode for JsonOpt<T> {
    type Output = Option<T>;
    fn decode(status: u16, _: HeaderMap, body: &[u8]) -> Result<Option<T>> {
        if body.iter().all(u8::is_ascii_whitespace) {
            Ok(None)
        } else {
            decode(status, body).map(Some)
        }
    }
}

/// No body.
pub struct Empty;

impl Decode for Empty {
    type Output = ();
    fn decode(_: u16, _: HeaderMap, _: &[u8]) -> Result<()> {
        Ok(())
    }
}

/// The output of `D` with the status and headers.
pub struct WithResponse<D>(PhantomData<fn() -> D>);

impl<D: Decode> Decode for WithResponse<D> {
    type Output = Response<D::Output>;
    fn decode(status: u16, headers: HeaderMap, body: &[u8]) -> Result<Self::Output> {
        let decoded = D::decode(status, headers.clone(), body)?;
        Ok(Response::new(status, headers, decoded))
    }
}

/// Sends the request (validation, retries) without decoding, in its tracing span:
/// the one async core.
pub(crate) fn execute(request: Request) -> BoxFuture<Result<Raw>> {
    let span = request.span();
    Box::pin(super::trace::in_span(span, request.execute()))
}

/// The future of an operation's `send()`, `send_with_response()` or `.await`.
#[must_use = "futures do nothing unless polled"]
pub struct SendFuture<D> {
    inner: BoxFuture<Result<Raw>>,
    decode: PhantomData<fn() -> D>,
}

impl<D> SendFuture<D> {
    /// Sends `request` when polled and decodes the answer with `D`.
    pub fn new(request: Request) -> Self {
        SendFuture {
            inner: execute(request),
            decode: PhantomData,
        }
    }
}

impl<D> std::fmt::Debug for SendFuture<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SendFuture")
    }
}

impl<D: Decode> Future for SendFuture<D> {
    type Output = Result<D::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx).map(|r| {
            r.and_then(|(status, headers, body)| {
                // Kept for a decode error (the decoder takes the headers).
                let id = headers.get("twilio-request-id").cloned();
                D::decode(status, headers, &body).map_err(|e| match id {
                    Some(v) => {
                        let mut h = HeaderMap::new();
                        h.insert("twilio-request-id", v);
                        e.with_request_id(&h)
                    }
                    None => e,
                })
            })
        })
    }
}

/// With a limit and no explicit `PageSize`, pages are `limit` items, clamped to
/// the operation's page-size bounds (at most 1000); an operation without a
/// `PageSize` parameter is sent without one.
pub(crate) fn with_limit(first: Request, limit: Option<u32>) -> Request {
    match (limit, first.page_sizes()) {
        (Some(l), Some((min, max))) if !first.has_query("PageSize") => {
            let size = count(l).clamp(min, max) as i64;
            first.query("PageSize", Some(&size), false, &super::request::Check::NONE)
        }
        _ => first,
    }
}

/// A limit (`u32`, the one integer type of sizes and limits) as a count of items.
fn count(limit: u32) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// Fetches pages one at a time: the non-generic half of [`ItemStream`].
struct Pages {
    next: Option<Request>,
    current: Option<(Request, BoxFuture<Result<Raw>>)>,
    /// The URLs fetched so far.
    seen: Seen,
    /// A next link that is not followed: the stream's last item.
    refused: Option<PagingError>,
}

impl Pages {
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<(Request, Result<Raw>)>> {
        if self.current.is_none() {
            let Some(request) = self.next.take() else {
                return Poll::Ready(None);
            };
            self.seen.extend(url_of(&request));
            self.current = Some((request.clone(), execute(request)));
        }
        let Some((_, fut)) = self.current.as_mut() else {
            return Poll::Ready(None);
        };
        match fut.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(r) => Poll::Ready(self.current.take().map(|(like, _)| (like, r))),
        }
    }
}

/// Every item of a list up to its limit, fetching pages as they are needed; holds
/// at most one page in memory. Pages without items are followed like the others;
/// a next link that is refused (see [`crate::PagingError`]) is the last item, an
/// error.
///
/// Read it with its own [`try_next`](Self::try_next) or [`next`](Self::next), no
/// other crate needed:
///
/// ```no_run
/// # async fn demo<P: twilio_rest_runtime::Paged>(
/// #     mut stream: twilio_rest_runtime::ItemStream<P>,
/// # ) -> twilio_rest_runtime::Result<()> {
/// // let mut stream = client.proxy_v1().services().limit(100).stream();
/// while let Some(item) = stream.try_next().await? {
///     // use `item`
/// #   let _ = item;
/// }
/// # Ok(())
/// # }
/// ```
///
/// It is also a [`futures_core::Stream`], for the combinators of
/// `futures::StreamExt` or `tokio_stream::StreamExt`.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<P: Paged> {
    pages: Pages,
    buffer: std::vec::IntoIter<P::Item>,
    remaining: Option<usize>,
    last: Option<(u16, HeaderMap)>,
}

impl<P: Paged> ItemStream<P> {
    /// A stream starting at `first`, ending after `limit` items if given.
    pub fn new(first: Request, limit: Option<u32>) -> Self {
        ItemStream {
            pages: Pages {
                next: Some(with_limit(first, limit)),
                current: None,
                seen: Seen::new(),
                refused: None,
            },
            buffer: Vec::new().into_iter(),
            remaining: limit.map(count),
            last: None,
        }
    }

    /// The next item: `None` at the end of the list (or after `limit` items), an
    /// error when a page fails (the stream then ends). The same as
    /// `futures::StreamExt::next`, without the import.
    pub async fn next(&mut self) -> Option<Result<P::Item>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// The next item, `Ok(None)` at the end of the list: with `?`, a loop is
    /// `while let Some(item) = stream.try_next().await? { … }`. The same as
    /// `futures::TryStreamExt::try_next`, without the import.
    pub async fn try_next(&mut self) -> Result<Option<P::Item>> {
        self.next().await.transpose()
    }

    /// The HTTP status of the last page fetched so far.
    pub fn last_status(&self) -> Option<u16> {
        self.last.as_ref().map(|(status, _)| *status)
    }

    /// The response headers of the last page fetched so far.
    pub fn last_headers(&self) -> Option<&HeaderMap> {
        self.last.as_ref().map(|(_, headers)| headers)
    }
}

impl<P: Paged> Unpin for ItemStream<P> {}

impl<P: Paged> std::fmt::Debug for ItemStream<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

impl<P: Paged> futures_core::Stream for ItemStream<P> {
    type Item = Result<P::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_item(cx)
    }
}

impl<P: Paged> ItemStream<P> {
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<P::Item>>> {
        let this = self;
        loop {
            if this.remaining == Some(0) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.next() {
                this.remaining = this.remaining.map(|r| r - 1);
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(e) = this.pages.refused.take() {
                return Poll::Ready(Some(Err(Error::Paging(e))));
            }
            let (like, raw) = match this.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(page)) => page,
            };
            let decoded = raw.and_then(|(status, headers, body)| {
                this.last = Some((status, headers));
                decode_page::<P>(status, &body).map_err(|e| match &this.last {
                    Some((_, headers)) => e.with_request_id(headers),
                    None => e,
                })
            });
            match decoded {
                Err(e) => return Poll::Ready(Some(Err(e))),
                Ok((items, meta)) => {
                    match next_request(&like, meta.as_ref(), &this.pages.seen) {
                        Next::End => {}
                        Next::Page(r) => this.pages.next = Some(*r),
                        Next::Refused(e) => this.pages.refused = Some(e),
                    }
                    this.buffer = items.into_iter();
                }
            }
        }
    }
}

/// Every item of a list up to its limit, collected: the future of a list's
/// `send()` and `.await`.
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct CollectFuture<P: Paged> {
    stream: ItemStream<P>,
    items: Vec<P::Item>,
}

impl<P: Paged> CollectFuture<P> {
    /// Collects the items of `first` and the pages after it, up to `limit`.
    pub fn new(first: Request, limit: Option<u32>) -> Self {
        CollectFuture {
            stream: ItemStream::new(first, limit),
            items: Vec::new(),
        }
    }
}

impl<P: Paged> Unpin for CollectFuture<P> {}

impl<P: Paged> Future for CollectFuture<P> {
    type Output = Result<Vec<P::Item>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match futures_core::Stream::poll_next(Pin::new(&mut this.stream), cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(std::mem::take(&mut this.items))),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                Poll::Ready(Some(Ok(item))) => this.items.push(item),
            }
        }
    }
}

/// The first page of a list: the future of a list's `page()`.
#[must_use = "futures do nothing unless polled"]
pub struct PageFuture<P: Paged> {
    like: Request,
    inner: BoxFuture<Result<Raw>>,
    page: PhantomData<fn() -> P>,
}

impl<P: Paged> PageFuture<P> {
    /// Fetches the page `first` asks for (with `limit` as its size, if given).
    pub fn new(first: Request, limit: Option<u32>) -> Self {
        let first = with_limit(first, limit);
        PageFuture {
            like: first.clone(),
            inner: execute(first),
            page: PhantomData,
        }
    }
}

impl<P: Paged> std::fmt::Debug for PageFuture<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageFuture")
    }
}

impl<P: Paged> Future for PageFuture<P> {
    type Output = Result<Page<P::Item>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.inner
            .as_mut()
            .poll(cx)
            .map(|raw| Page::decoded::<P>(&this.like, raw?))
    }
}

/// The first request of a list, as it will be sent.
pub fn prepare_list(first: Request, limit: Option<u32>) -> Result<super::PreparedRequest> {
    with_limit(first, limit).prepare()
}

/// Implements `send`, `send_with_response`, `prepare`, `IntoFuture` and the
/// per-call options (`request_timeout`, `request_header`, `request_options`) for an
/// operation builder (`Clone`) with `fn request(self) -> Request` and a
/// `request_options: RequestOptions` field; `$decode` is a [`Decode`].
#[macro_export]
#[doc(hidden)]
macro_rules! operation {
    ($builder:ident, $decode:ty) => {
        $crate::request_options_setters!($builder);

        impl $builder {
            /// Sends the request and returns the decoded response body.
            pub fn send(self) -> $crate::SendFuture<$decode> {
                $crate::SendFuture::new(self.request())
            }

            /// Sends the request and returns the body with the status and headers.
            pub fn send_with_response(
                self,
            ) -> $crate::SendFuture<$crate::codegen::WithResponse<$decode>> {
                $crate::SendFuture::new(self.request())
            }

            /// The request as it would be sent (validated, encoded, without
            /// credentials), without sending it; the builder stays usable.
            pub fn prepare(&self) -> $crate::Result<$crate::PreparedRequest> {
                self.clone().request().prepare()
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<<$decode as $crate::codegen::Decode>::Output>;
            type IntoFuture = $crate::SendFuture<$decode>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}

/// Implements the list terminals (`page`, `stream`, `send`, `prepare`,
/// `IntoFuture`) and the per-call options for a list builder with `fn
/// request(self) -> Request`, a `limit: Option<u32>` and a `request_options:
/// RequestOptions` field; `$page` is its page model, `$item` one item.
#[macro_export]
#[doc(hidden)]
macro_rules! list_operation {
    ($builder:ident, $page:ty, $item:ty) => {
        $crate::request_options_setters!($builder);

        impl $builder {
            /// Fetches the first page only.
            pub fn page(self) -> $crate::PageFuture<$page> {
                let limit = self.limit;
                $crate::PageFuture::new(self.request(), limit)
            }

            /// Streams every item (up to the limit), fetching pages as they are needed.
            pub fn stream(self) -> $crate::ItemStream<$page> {
                let limit = self.limit;
                $crate::ItemStream::new(self.request(), limit)
            }

            /// The first page's request as it would be sent (validated, encoded,
            /// without credentials), without sending it; the builder stays usable.
            pub fn prepare(&self) -> $crate::Result<$crate::PreparedRequest> {
                $crate::codegen::prepare_list(self.clone().request(), self.limit)
            }

            /// Collects every item (up to the limit) into a `Vec`.
            pub fn send(self) -> $crate::CollectFuture<$page> {
                let limit = self.limit;
                $crate::CollectFuture::new(self.request(), limit)
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<::std::vec::Vec<$item>>;
            type IntoFuture = $crate::CollectFuture<$page>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
