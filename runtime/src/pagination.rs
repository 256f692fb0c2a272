//! Lists: one page, every item up to a limit, or a lazy stream of items that follows
//! `meta.next_page_url` (or, for token-paged lists, `meta.next_token`) one page at a
//! time.

use super::error::{redact_url, Error, PagingError, Result};
use super::page::PageMeta;
use super::request::{decode, Raw, Request};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

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
#[derive(Clone)]
pub struct Page<T> {
    /// The items of this page (possibly none, with more pages after it).
    pub items: Vec<T>,
    /// Paging information (`next_page_url` or `next_token`, …).
    pub meta: Option<PageMeta>,
    status: u16,
    headers: HeaderMap,
    next: Next,
    /// The URLs fetched for this list so far, this page's included.
    seen: Seen,
    decode: DecodeFn<T>,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items)
            .field("meta", &self.meta)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// The URLs of the pages a list has fetched, to refuse a link back to one of them.
pub(crate) type Seen = HashSet<String>;

/// What follows a page.
#[derive(Debug, Clone)]
pub(crate) enum Next {
    /// Nothing: the last page.
    End,
    /// The request for the next page.
    Page(Box<Request>),
    /// A link that is not followed.
    Refused(PagingError),
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

    /// Whether another page follows (one whose link is refused counts:
    /// [`Self::next_page`] then returns [`Error::Paging`]).
    pub fn has_next(&self) -> bool {
        !matches!(self.next, Next::End)
    }

    /// Fetches the next page, if there is one. A page may have no items and still
    /// be followed by more.
    pub async fn next_page(&self) -> Result<Option<Page<T>>> {
        match &self.next {
            Next::End => Ok(None),
            Next::Refused(e) => Err(Error::Paging(e.clone())),
            Next::Page(r) => fetch((**r).clone(), self.decode, self.seen.clone())
                .await
                .map(Some),
        }
    }
}

impl<T> Page<T> {
    /// The page `like` fetched, from its response body.
    pub(crate) fn decoded<P: Paged<Item = T>>(like: &Request, raw: Raw) -> Result<Self> {
        let mut seen = Seen::new();
        seen.extend(url_of(like));
        Self::from_body(like, decode_page::<P>, raw, seen)
    }

    /// The page `like` fetched, decoded by `decode`, with the request for the next.
    fn from_body(
        like: &Request,
        decode: DecodeFn<T>,
        (status, headers, body): Raw,
        seen: Seen,
    ) -> Result<Self> {
        let (items, meta) = decode(status, &body).map_err(|e| e.with_request_id(&headers))?;
        let next = next_request(like, meta.as_ref(), &seen);
        Ok(Page {
            items,
            meta,
            status,
            headers,
            next,
            seen,
            decode,
        })
    }
}

/// The URL `request` goes to, as a key of [`Seen`] (without credentials, since
/// pages print their [`Seen`] in `Debug`).
pub(crate) fn url_of(request: &Request) -> Option<String> {
    request.url().ok().map(|u| redact_url(&u))
}

/// Decodes a page body into its items and paging information.
pub(crate) fn decode_page<P: Paged>(
    status: u16,
    bytes: &[u8],
) -> Result<(Vec<P::Item>, Option<PageMeta>)> {
    decode::<P>(status, bytes).map(P::into_parts)
}

/// What follows the page `like` fetched: from `meta.next_page_url` (see
/// [`next_from_url`] for the hosts it may name), else, for a token-paged list,
/// `like` with its token parameter set to `meta.next_token`. No link and no (or an
/// empty) token end the list; a link to a page in `seen` is refused.
pub(crate) fn next_request(like: &Request, meta: Option<&PageMeta>, seen: &Seen) -> Next {
    let Some(meta) = meta else {
        return Next::End;
    };
    let next = match meta.next_page_url.as_deref().filter(|u| !u.is_empty()) {
        Some(next) => match next_from_url(like, next) {
            Ok(Some(r)) => r,
            Ok(None) => return Next::End,
            Err(e) => return Next::Refused(e),
        },
        None => match meta
            .next_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .and_then(|t| like.with_page_token(t))
        {
            Some(r) => r,
            None => return Next::End,
        },
    };
    match url_of(&next) {
        Some(url) if seen.contains(&url) => Next::Refused(PagingError::Repeated { url }),
        _ => Next::Page(Box::new(next)),
    }
}

/// Whether `url` is on a Twilio host, over HTTPS.
fn is_twilio(url: &url::Url) -> bool {
    url.scheme() == "https"
        && url
            .host_str()
            .is_some_and(|h| h == "twilio.com" || h.ends_with(".twilio.com"))
}

/// The request for the next page at `next`, an absolute URL or one relative to the
/// page's own. Hosts go through the same logic as first requests, and credentials
/// only go where first requests go:
/// - a user name and password in the link are dropped, whatever its host: the
///   client sends its own credentials, once (reqwest would send the link's as a
///   second `Authorization`);
/// - a link to the API's configured base URL (same scheme, host and port) is
///   followed if its path is under the base URL's path (`/twilio/…` for
///   `http://proxy/twilio`), else refused ([`PagingError::OutsideBaseUrl`]);
/// - a link to a Twilio host (`*.twilio.com`, HTTPS) is re-pointed at the
///   configured base URL, if one is set, else rewritten for the client's region and
///   edge;
/// - a link to any other host is refused.
fn next_from_url(like: &Request, next: &str) -> Result<Option<Request>, PagingError> {
    let (client, api) = (like.client(), like.api());
    let Some(mut url) = url::Url::parse(next)
        .ok()
        .or_else(|| like.url().ok()?.join(next).ok())
    else {
        return Err(PagingError::Unreadable);
    };
    // Fails only for URLs without a host, which no branch below follows.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let refused = || PagingError::UntrustedHost {
        url: redact_url(&url),
    };
    let url = if client.has_override(&api) {
        let base = client.base_url(&api).map_err(|_| refused())?;
        if url.origin() == base.origin() {
            if !under_path(&url, &base) {
                return Err(PagingError::OutsideBaseUrl {
                    url: redact_url(&url),
                });
            }
            url
        } else if is_twilio(&url) {
            let path = format!("{}{}", base.path().trim_end_matches('/'), url.path());
            let mut moved = base;
            moved.set_path(&path);
            moved.set_query(url.query());
            moved
        } else {
            return Err(refused());
        }
    } else if is_twilio(&url) {
        client.server_url(url.as_str()).map_err(|_| refused())?
    } else {
        return Err(refused());
    };
    Ok(Some(Request::next_page(like, url)))
}

/// Whether the path of `url` is the path of `base` or under it (`/twilio/v1/X`
/// under `/twilio`; every path is under `/`).
fn under_path(url: &url::Url, base: &url::Url) -> bool {
    let prefix = base.path().trim_end_matches('/');
    let path = url.path();
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

async fn fetch<T>(req: Request, decode: DecodeFn<T>, mut seen: Seen) -> Result<Page<T>> {
    let like = req.clone();
    seen.extend(url_of(&like));
    // A call of its own, like every page the stream fetches.
    let raw = super::calls::execute(req).await?;
    Page::from_body(&like, decode, raw, seen)
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

    /// The next request, when there is one to send.
    fn next_request(like: &Request, meta: Option<&PageMeta>) -> Option<Request> {
        match super::next_request(like, meta, &Seen::new()) {
            Next::Page(r) => Some(*r),
            _ => None,
        }
    }

    fn link(url: &str) -> PageMeta {
        PageMeta {
            next_page_url: Some(url.to_owned()),
            ..PageMeta::default()
        }
    }

    #[test]
    fn next_links_go_through_the_region_and_edge_and_other_hosts_are_refused() {
        let client = Client::builder()
            .credentials("ACaaa", "t")
            .region("au1")
            .edge("sydney")
            .build()
            .unwrap();
        let like = Request::new(&client, API, reqwest::Method::GET, "/v1/Things");
        let next = next_request(&like, Some(&link("https://t.twilio.com/v1/Things?Page=1")));
        assert_eq!(
            next.unwrap().url().unwrap().as_str(),
            "https://t.sydney.au1.twilio.com/v1/Things?Page=1"
        );
        for foreign in [
            "https://evil.example.com/v1/Things?Page=1",
            "http://t.twilio.com/v1/Things?Page=1",
            "https://t.twilio.com.evil.example/v1/Things",
        ] {
            assert!(
                matches!(
                    super::next_request(&like, Some(&link(foreign)), &Seen::new()),
                    Next::Refused(PagingError::UntrustedHost { .. })
                ),
                "{foreign}"
            );
        }
    }

    #[test]
    fn a_links_user_and_password_are_dropped_on_every_branch() {
        let plain = Client::builder().credentials("ACaaa", "t").build().unwrap();
        let like = Request::new(&plain, API, reqwest::Method::GET, "/v1/Things");
        // A Twilio host, rewritten for no region: the link's userinfo is dropped.
        let next = next_request(
            &like,
            Some(&link("https://u:p@t.twilio.com/v1/Things?Page=1")),
        )
        .unwrap();
        assert_eq!(
            next.url().unwrap().as_str(),
            "https://t.twilio.com/v1/Things?Page=1"
        );
        let proxied = Client::builder()
            .credentials("ACaaa", "t")
            .base_url(API, "http://127.0.0.1:9/prefix")
            .build()
            .unwrap();
        let like = Request::new(&proxied, API, reqwest::Method::GET, "/v1/Things");
        for (link_url, want) in [
            // The configured host.
            (
                "http://u:p@127.0.0.1:9/prefix/v1/Things?Page=1",
                "http://127.0.0.1:9/prefix/v1/Things?Page=1",
            ),
            // A Twilio host, re-pointed at the configured one.
            (
                "https://u:p@t.twilio.com/v1/Things?Page=1",
                "http://127.0.0.1:9/prefix/v1/Things?Page=1",
            ),
        ] {
            let next = next_request(&like, Some(&link(link_url))).unwrap();
            assert_eq!(next.url().unwrap().as_str(), want, "{link_url}");
        }
        // A foreign host is refused, and its error does not show the password.
        match super::next_request(
            &like,
            Some(&link("http://u:secret@evil.example/v1")),
            &Seen::new(),
        ) {
            Next::Refused(e) => assert!(!e.to_string().contains("secret"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_link_outside_the_base_urls_path_is_refused() {
        let proxied = Client::builder()
            .credentials("ACaaa", "t")
            .base_url(API, "http://127.0.0.1:9/prefix/")
            .build()
            .unwrap();
        let like = Request::new(&proxied, API, reqwest::Method::GET, "/v1/Things");
        for outside in [
            "http://127.0.0.1:9/admin/v1/Things",
            "http://127.0.0.1:9/prefixed/v1/Things",
            "/admin",
            "http://127.0.0.1:9/prefix/../admin",
        ] {
            assert!(
                matches!(
                    super::next_request(&like, Some(&link(outside)), &Seen::new()),
                    Next::Refused(PagingError::OutsideBaseUrl { .. })
                ),
                "{outside}"
            );
        }
        assert!(next_request(&like, Some(&link("http://127.0.0.1:9/prefix"))).is_some());
    }

    #[test]
    fn a_link_to_a_page_already_fetched_is_refused() {
        let like = first();
        let url = "https://t.twilio.com/v1/Things?Page=1";
        let seen: Seen = [url.to_owned()].into_iter().collect();
        assert!(matches!(
            super::next_request(&like, Some(&link(url)), &seen),
            Next::Refused(PagingError::Repeated { .. })
        ));
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
