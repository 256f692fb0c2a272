//! URI references, as Twilio sends them in `format: uri` fields.

use std::fmt;

/// A URI reference: usually an absolute URL, sometimes a path relative to the
/// API's host (the 2010 API's `uri` fields, such as
/// `/2010-04-01/Accounts/AC….json`). Kept as sent; [`Uri::to_url`] and
/// [`Uri::resolve`] give a [`url::Url`].
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Uri(String);

impl Uri {
    /// The URI as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is an absolute URL (with a scheme).
    pub fn is_absolute(&self) -> bool {
        url::Url::parse(&self.0).is_ok()
    }

    /// The URI as an absolute URL; an error for a relative reference.
    pub fn to_url(&self) -> Result<url::Url, url::ParseError> {
        url::Url::parse(&self.0)
    }

    /// The URI resolved against `base` (absolute URIs stay as they are).
    pub fn resolve(&self, base: &url::Url) -> Result<url::Url, url::ParseError> {
        base.join(&self.0)
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Uri {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Uri {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Uri(s.to_owned()))
    }
}

impl From<String> for Uri {
    fn from(s: String) -> Self {
        Uri(s)
    }
}

impl From<&str> for Uri {
    fn from(s: &str) -> Self {
        Uri(s.to_owned())
    }
}

impl From<Uri> for String {
    fn from(u: Uri) -> Self {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::Uri;

    #[test]
    fn absolute_and_relative_references() {
        let abs: Uri = serde_json::from_str(r#""https://proxy.twilio.com/v1/Services""#).unwrap();
        assert!(abs.is_absolute());
        assert_eq!(abs.to_url().unwrap().host_str(), Some("proxy.twilio.com"));
        let rel = Uri::from("/2010-04-01/Accounts/AC1.json");
        assert!(!rel.is_absolute() && rel.to_url().is_err());
        let base = url::Url::parse("https://api.twilio.com").unwrap();
        assert_eq!(
            rel.resolve(&base).unwrap().as_str(),
            "https://api.twilio.com/2010-04-01/Accounts/AC1.json"
        );
        assert_eq!(
            serde_json::to_string(&rel).unwrap(),
            r#""/2010-04-01/Accounts/AC1.json""#
        );
        assert_eq!(rel.to_string(), rel.as_str());
    }
}
