//! Lists: one page, every item up to a limit, or a lazy stream of items that follows
//! `meta.next_page_url` one page at a time.

use super::error::Result;
use super::page::PageMeta;
use super::request::{decode, Request};
use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;

/// A generated list-page model: its items and its `meta`.
pub trait Paged: DeserializeOwned {
    /// One item of the list.
    type Item;
    /// Splits the page into its items and its paging information.
    fn into_parts(self) -> (Vec<Self::Item>, Option<PageMeta>);
}

/// Twilio's largest page.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Decodes a page body into its items and `meta`.
type DecodeFn<T> = fn(u16, &[u8]) -> Result<(Vec<T>, Option<PageMeta>)>;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Paging information (`next_page_url`, …).
    pub meta: Option<PageMeta>,
    next: Option<Request>,
    decode: DecodeFn<T>,
}

impl<T> Page<T> {
    /// Whether another page follows.
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }

    /// Fetches the next page, if there is one.
    pub async fn next_page(&self) -> Result<Option<Page<T>>> {
        match &self.next {
            None => Ok(None),
            Some(r) => fetch(r.clone(), self.decode).await.map(Some),
        }
    }
}

fn decode_page<P: Paged>(status: u16, bytes: &[u8]) -> Result<(Vec<P::Item>, Option<PageMeta>)> {
    decode::<P>(status, bytes).map(P::into_parts)
}

/// The request for the page after the one `like` fetched, from `meta.next_page_url`.
/// With a base URL override, the URL is re-pointed at the override.
fn next_request(like: &Request, meta: Option<&PageMeta>) -> Option<Request> {
    let next = meta?.next_page_url.as_deref().filter(|u| !u.is_empty())?;
    let mut url = match url::Url::parse(next) {
        Ok(u) => u,
        // A relative next page (some APIs): resolve it against the base URL.
        Err(_) => like.client().base_url(&like.api()).ok()?.join(next).ok()?,
    };
    if like.client().has_override(&like.api()) {
        let base = like.client().base_url(&like.api()).ok()?;
        let path = format!("{}{}", base.path().trim_end_matches('/'), url.path());
        let query = url.query().map(str::to_owned);
        url = base;
        url.set_path(&path);
        url.set_query(query.as_deref());
    }
    Some(Request::next_page(like, url))
}

async fn fetch<T>(req: Request, decode: DecodeFn<T>) -> Result<Page<T>> {
    let like = req.clone();
    let (status, _, bytes) = req.execute().await?;
    let (items, meta) = decode(status, &bytes)?;
    let next = next_request(&like, meta.as_ref());
    Ok(Page {
        items,
        meta,
        next,
        decode,
    })
}

/// A list operation ready to run: the first request and an optional item limit.
pub struct Lister<P: Paged> {
    first: Request,
    limit: Option<usize>,
    _page: std::marker::PhantomData<fn() -> P>,
}

impl<P: Paged + 'static> Lister<P>
where
    P::Item: Send + 'static,
{
    /// A lister; with a limit and no explicit `PageSize`, pages are
    /// `min(limit, 1000)` items.
    pub fn new(mut first: Request, limit: Option<usize>) -> Self {
        if let Some(l) = limit {
            if !first.has_query("PageSize") {
                let size = l.clamp(1, MAX_PAGE_SIZE) as i64;
                first = first.query("PageSize", Some(&size), false, &super::request::Check::NONE);
            }
        }
        Lister {
            first,
            limit,
            _page: std::marker::PhantomData,
        }
    }

    /// The first request, as it will be sent.
    pub fn prepare(&self) -> Result<super::request::PreparedRequest> {
        self.first.prepare()
    }

    /// The first page, as the API returns it.
    pub async fn page(self) -> Result<Page<P::Item>> {
        fetch(self.first, decode_page::<P>).await
    }

    /// Every item up to the limit, following next pages lazily; holds at most one
    /// page in memory.
    pub fn stream(self) -> impl Stream<Item = Result<P::Item>> + Send + 'static {
        struct State<T> {
            next: Option<Request>,
            buffer: VecDeque<T>,
            remaining: Option<usize>,
        }
        let state = State {
            next: Some(self.first),
            buffer: VecDeque::new(),
            remaining: self.limit,
        };
        stream::unfold(state, |mut st| async move {
            loop {
                if st.remaining == Some(0) {
                    return None;
                }
                if let Some(item) = st.buffer.pop_front() {
                    st.remaining = st.remaining.map(|r| r - 1);
                    return Some((Ok(item), st));
                }
                let req = st.next.take()?;
                match fetch(req, decode_page::<P>).await {
                    Ok(page) => {
                        st.next = page.next;
                        st.buffer = page.items.into();
                        if st.buffer.is_empty() {
                            st.next = None;
                        }
                    }
                    Err(e) => return Some((Err(e), st)),
                }
            }
        })
    }

    /// Collects every item up to the limit.
    pub async fn collect(self) -> Result<Vec<P::Item>> {
        use futures_util::TryStreamExt;
        self.stream().try_collect().await
    }
}

/// Implements the list terminals (`page`, `stream`, `send`, `IntoFuture`) for a
/// list operation builder with `fn lister(self) -> Lister<P>`.
#[macro_export]
#[doc(hidden)]
macro_rules! list_operation {
    ($builder:ident, $page:ty, $item:ty) => {
        impl $builder {
            /// Fetches the first page only.
            pub async fn page(self) -> $crate::Result<$crate::Page<$item>> {
                self.lister().page().await
            }

            /// Streams every item (up to the limit), fetching pages as they are needed.
            pub fn stream(
                self,
            ) -> impl $crate::codegen::Stream<Item = $crate::Result<$item>> + Send + 'static {
                self.lister().stream()
            }

            /// The first page's request as it would be sent (validated, encoded,
            /// without credentials), without sending it.
            pub fn prepare(self) -> $crate::Result<$crate::PreparedRequest> {
                self.lister().prepare()
            }

            /// Collects every item (up to the limit) into a `Vec`.
            pub async fn send(self) -> $crate::Result<Vec<$item>> {
                self.lister().collect().await
            }
        }

        impl std::future::IntoFuture for $builder {
            type Output = $crate::Result<Vec<$item>>;
            type IntoFuture = $crate::codegen::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
