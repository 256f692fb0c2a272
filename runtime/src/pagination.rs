//! Lists: one page, every item up to a limit, or a lazy stream of items that follows
//! `meta.next_page_url` one page at a time.

use super::error::Result;
use super::page::PageMeta;
use super::request::{decode, Request};
use serde::de::DeserializeOwned;

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

impl<T> Page<T> {
    /// The page `like` fetched, from its response body.
    pub(crate) fn decoded<P: Paged<Item = T>>(
        like: &Request,
        status: u16,
        body: &[u8],
    ) -> Result<Self> {
        let (items, meta) = decode_page::<P>(status, body)?;
        let next = next_request(like, meta.as_ref());
        Ok(Page {
            items,
            meta,
            next,
            decode: decode_page::<P>,
        })
    }
}

fn decode_page<P: Paged>(status: u16, bytes: &[u8]) -> Result<(Vec<P::Item>, Option<PageMeta>)> {
    decode::<P>(status, bytes).map(P::into_parts)
}

/// The request for the page after the one `like` fetched, from `meta.next_page_url`.
/// With a base URL override, the URL is re-pointed at the override.
pub(crate) fn next_request(like: &Request, meta: Option<&PageMeta>) -> Option<Request> {
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
