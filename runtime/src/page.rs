//! The `meta` object of a Twilio list page, and the paging information of every
//! list.

use serde::{Deserialize, Deserializer, Serialize};

/// Paging information returned with every page of a list: a Twilio `meta`
/// object, or what a generated page model gives in its place (the 2010 API's
/// top-level fields, a token-paged list's tokens).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PageMeta {
    /// Zero-based index of this page.
    #[serde(default)]
    pub page: Option<i64>,
    /// Number of items per page (`u32`, as page sizes and limits are everywhere;
    /// `None` when the page does not say, or gives no count).
    #[serde(default, deserialize_with = "count")]
    pub page_size: Option<u32>,
    /// URL of the first page.
    #[serde(default)]
    pub first_page_url: Option<String>,
    /// URL of the previous page, if any.
    #[serde(default)]
    pub previous_page_url: Option<String>,
    /// URL of the next page; `None` on the last page.
    #[serde(default)]
    pub next_page_url: Option<String>,
    /// URL of this page.
    #[serde(default)]
    pub url: Option<String>,
    /// Name of the property that holds the page's items.
    #[serde(default)]
    pub key: Option<String>,
    /// Token of the next page, for lists paged with tokens; `None` (or empty) on
    /// the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Token of the previous page, for lists paged with tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_token: Option<String>,
}

/// An integer that is a count, leniently: one out of `u32`'s range is `None`.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n = Option::<i64>::deserialize(d)?;
    Ok(n.and_then(|n| u32::try_from(n).ok()))
}

#[cfg(test)]
mod tests {
    use super::PageMeta;

    #[test]
    fn decodes_a_twilio_meta_object() {
        let m: PageMeta = serde_json::from_str(
            r#"{"page":0,"page_size":50,"first_page_url":"https://x/v1/A?PageSize=50&Page=0",
                "previous_page_url":null,"next_page_url":"https://x/v1/A?Page=1","url":"https://x/v1/A","key":"a","extra":1}"#,
        )
        .unwrap();
        assert_eq!(m.page_size, Some(50));
        assert_eq!(m.next_page_url.as_deref(), Some("https://x/v1/A?Page=1"));
        assert_eq!(m.previous_page_url, None);
        assert_eq!(m.key.as_deref(), Some("a"));
        // Not a count: no page size, and the page still decodes.
        let m: PageMeta = serde_json::from_str(r#"{"page_size":-1}"#).unwrap();
        assert_eq!(m.page_size, None);
    }
}
