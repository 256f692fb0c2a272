//! Lists: one page, every item up to a limit, or a lazy stream of items that follows
//! `meta.next_page_url` (or, for token-paged lists, `meta.next_token`) one page at a
//! time.

use super::error::Result;
use super::page::PageMeta;
use super::request::{decode, Raw, Request};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

/// A generated list-page model: its items and its paging information.
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
    /// Paging information (`next_page_url` or `next_token`, …).
    pub meta: Option<PageMeta>,
    status: u16,
    headers: HeaderMap,
    next: Option<Request>,
    decode: DecodeFn<T>,
}

impl<T> Page<T> {
    /// The HTTP status of this page's response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers of this page's response (`Twilio-Request-Id`, rate limits, …).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

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
        (status, headers, body): Raw,
    ) -> Result<Self> {
        Self::from_body(like, decode_page::<P>, (status, headers, body))
    }

    /// The page `like` fetched, decoded by `decode`, with the request for the next.
    fn from_body(
        like: &Request,
        decode: DecodeFn<T>,
        (status, headers, body): Raw,
    ) -> Result<Self> {
        let (items, meta) = decode(status, &body)?;
        let next = next_request(like, meta.as_ref());
        Ok(Page {
            items,
            meta,
            status,
            headers,
            next,
            decode,
        })
    }
}

/// Decodes a page body into its items and paging information.
pub(crate) fn decode_page<P: Paged>(
    status: u16,
    bytes: &[u8],
) -> Result<(Vec<P::Item>, Option<PageMeta>)> {
    decode::<P>(status, bytes).map(P::into_parts)
}

/// The request for the page after the one `like` fetched: from `meta.next_page_url`
/// (with a base URL override, the URL is re-pointed at the override), else, for a
/// token-paged list, `like` with its token parameter set to `meta.next_token`. No
/// link and no (or an empty) token end the list.
pub(crate) fn next_request(like: &Request, meta: Option<&PageMeta>) -> Option<Request> {
    let meta = meta?;
    match meta.next_page_url.as_deref().filter(|u| !u.is_empty()) {
        Some(next) => next_from_url(like, next),
        None => like.with_page_token(meta.next_token.as_deref().filter(|t| !t.is_empty())?),
    }
}

/// The request for the next page at `next`, an absolute URL or one relative to the
/// base URL.
fn next_from_url(like: &Request, next: &str) -> Option<Request> {
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
    let raw = req.execute().await?;
    Page::from_body(&like, decode, raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ApiInfo, Client};
    use crate::request::Check;

    const API: ApiInfo = ApiInfo {
        name: "t_v1",
        base_url: "https://t.twilio.com",
    };

    fn first() -> Request {
        let client = Client::builder().credentials("ACaaa", "t").build().unwrap();
        Request::new(&client, API, reqwest::Method::GET, "/v1/Things")
            .query("Status", Some(&"open"), false, &Check::NONE)
            .query("Token", Some(&"T0"), false, &Check::NONE)
            .page_token("Token")
    }

    fn token(t: Option<&str>) -> PageMeta {
        PageMeta {
            next_token: t.map(str::to_owned),
            ..PageMeta::default()
        }
    }

    #[test]
    fn a_next_token_replaces_the_token_and_keeps_the_other_parameters() {
        let next = next_request(&first(), Some(&token(Some("T1")))).unwrap();
        assert_eq!(
            next.url().unwrap().as_str(),
            "https://t.twilio.com/v1/Things?Status=open&Token=T1"
        );
        let after = next_request(&next, Some(&token(Some("T2")))).unwrap();
        assert_eq!(
            after.url().unwrap().as_str(),
            "https://t.twilio.com/v1/Things?Status=open&Token=T2"
        );
    }

    #[test]
    fn no_or_an_empty_token_ends_the_list() {
        assert!(next_request(&first(), Some(&token(None))).is_none());
        assert!(next_request(&first(), Some(&token(Some("")))).is_none());
        assert!(next_request(&first(), None).is_none());
    }

    #[test]
    fn a_token_without_a_token_parameter_ends_the_list_and_a_url_wins() {
        let plain = Request::new(
            &Client::builder().credentials("ACaaa", "t").build().unwrap(),
            API,
            reqwest::Method::GET,
            "/v1/Things",
        );
        assert!(next_request(&plain, Some(&token(Some("T1")))).is_none());
        let both = PageMeta {
            next_page_url: Some("https://t.twilio.com/v1/Things?Page=1".to_owned()),
            ..token(Some("T1"))
        };
        let next = next_request(&first(), Some(&both)).unwrap();
        assert_eq!(
            next.url().unwrap().as_str(),
            "https://t.twilio.com/v1/Things?Page=1"
        );
    }
}
