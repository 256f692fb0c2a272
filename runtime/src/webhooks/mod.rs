//! Validation of the `X-Twilio-Signature` header of Twilio's webhook requests,
//! independent of any web framework (with the `axum` feature, the submodule `axum`
//! adds a tower layer for axum 0.8).
//!
//! Twilio signs each callback with the account's auth token: HMAC-SHA1 over the
//! URL it requested followed by the POST parameters, base64-encoded. For JSON
//! callbacks the URL carries a `bodySHA256` query parameter (the hex SHA-256 of
//! the body) and the signature covers the URL alone.
//!
//! [`RequestValidator`] gives the same verdict as twilio-node 6.2.0
//! (`validateRequest`, `validateRequestWithBody`), including its lenient
//! matching of URL spellings: the URL is tried with and without its port (the
//! default port added when absent, any port removed when present), then in its
//! WHATWG-normalised form (as `new URL()` serialises it) and with its query
//! string re-encoded as Node's legacy `querystring` module does, each with and
//! without the port.
//!
//! ```
//! use twilio_rest_runtime::webhooks::RequestValidator;
//!
//! let validator = RequestValidator::new("12345");
//! let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
//! let params = [("Digits", "1234"), ("To", "+18005551212"), ("From", "+12349013030")]
//!     .map(|(k, v)| (k.to_owned(), v.to_owned()));
//! let signature = validator.signature(url, &params);
//! assert!(validator.validate(url, &params, &signature));
//! // The same URL with the default port, as some proxies report it.
//! assert!(validator.validate("https://mycompany.com:443/myapp.php?foo=1&bar=2", &params, &signature));
//! assert!(!validator.validate(url, &params[..2], &signature));
//! ```

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod querystring;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;
use subtle::ConstantTimeEq;

/// The header that carries Twilio's signature.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

/// Checks that webhook requests were signed by Twilio with an account's auth token.
///
/// Cheap to clone; its `Debug` output does not show the token.
#[derive(Clone)]
pub struct RequestValidator {
    auth_token: String,
}

impl fmt::Debug for RequestValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestValidator")
            .field("auth_token", &"<redacted>")
            .finish()
    }
}

impl RequestValidator {
    /// A validator for requests signed with `auth_token` (the account's auth token,
    /// or the secret of the API key Twilio signs with).
    pub fn new(auth_token: impl Into<String>) -> Self {
        Self {
            auth_token: auth_token.into(),
        }
    }

    /// Whether `signature` (the `X-Twilio-Signature` header) is valid for a
    /// form-encoded callback to `url` (the full URL Twilio requested, with its query
    /// string) with the POST parameters `params` (repeated keys allowed; empty for
    /// GET requests).
    ///
    /// Several spellings of `url` are tried, as twilio-node does (see the module
    /// documentation). A URL that is not absolute is only matched as given.
    pub fn validate(&self, url: &str, params: &[(String, String)], signature: &str) -> bool {
        let params = Params::new(params);
        if self.any_matches(&[&remove_port(url), &add_port(url)], &params, signature) {
            return true;
        }
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        let without_port = remove_port(parsed.as_str());
        let with_port = add_port(parsed.as_str());
        let legacy_without_port = querystring::with_legacy_querystring(&without_port);
        let legacy_with_port = querystring::with_legacy_querystring(&with_port);
        let candidates: [&str; 4] = [
            &without_port,
            &with_port,
            &legacy_without_port,
            &legacy_with_port,
        ];
        self.any_matches(&candidates, &params, signature)
    }

    /// Whether `signature` is valid for a JSON (or any raw-body) callback to `url`
    /// with the body `body`: the `bodySHA256` query parameter of `url` must be the
    /// lowercase hex SHA-256 of `body`, and the signature must be valid for `url`
    /// with no parameters.
    pub fn validate_body(&self, url: &str, body: &[u8], signature: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        let declared = parsed
            .query_pairs()
            .find(|(k, _)| k == "bodySHA256")
            .map(|(_, v)| v)
            .unwrap_or_default();
        let hash = body_sha256(body);
        let body_ok: bool = declared.as_bytes().ct_eq(hash.as_bytes()).into();
        let signature_ok = self.validate(url, &[], signature);
        signature_ok & body_ok
    }

    /// The signature Twilio sends for a request to exactly `url` with `params`:
    /// base64 of the HMAC-SHA1, keyed with the auth token, of `url` followed by the
    /// parameters sorted by key (then by value for a repeated key), each key
    /// immediately followed by its value. Keys and values compare by UTF-16 code
    /// units (JavaScript's order), and a repeated key's identical values count once.
    pub fn signature(&self, url: &str, params: &[(String, String)]) -> String {
        self.sign(url, &Params::new(params))
    }

    fn sign(&self, url: &str, params: &Params<'_>) -> String {
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(self.auth_token.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(url.as_bytes());
        for (key, values) in &params.0 {
            for value in values {
                mac.update(key.as_bytes());
                mac.update(value.as_bytes());
            }
        }
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// Whether `signature` is valid for any of the URL spellings `candidates`.
    fn any_matches(&self, candidates: &[&str], params: &Params<'_>, signature: &str) -> bool {
        candidates
            .iter()
            .any(|candidate| self.matches(candidate, params, signature))
    }

    /// Compares in constant time (for equal lengths; the length is not secret).
    fn matches(&self, url: &str, params: &Params<'_>, signature: &str) -> bool {
        let expected = self.sign(url, params);
        expected.as_bytes().ct_eq(signature.as_bytes()).into()
    }
}

/// The lowercase hex SHA-256 of a body, as the `bodySHA256` parameter carries it.
pub fn body_sha256(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    hex
}

/// Parameters in signing order: keys sorted, each with its distinct values sorted.
struct Params<'a>(Vec<(&'a str, Vec<&'a str>)>);

impl<'a> Params<'a> {
    fn new(params: &'a [(String, String)]) -> Self {
        let mut pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.sort_by(|a, b| utf16_cmp(a.0, b.0).then_with(|| utf16_cmp(a.1, b.1)));
        pairs.dedup();
        let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
        for (key, value) in pairs {
            match grouped.last_mut() {
                Some((last, values)) if *last == key => values.push(value),
                _ => grouped.push((key, vec![value])),
            }
        }
        Self(grouped)
    }
}

/// JavaScript's default string order: by UTF-16 code units.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A URL split as twilio-node splits it, without normalising anything.
struct UrlParts<'a> {
    /// `https://`, as written.
    scheme: &'a str,
    /// `user:pass@` or empty.
    user_info: &'a str,
    host: &'a str,
    /// `:8080`, `:` or empty.
    port: &'a str,
    /// Everything after the authority.
    rest: &'a str,
}

/// Splits `scheme://authority…`; `None` without a `scheme://` prefix.
fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let bytes = url.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let scheme_len = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')))
        .unwrap_or(bytes.len());
    if !url[scheme_len..].starts_with("://") {
        return None;
    }
    let prefix = scheme_len + 3;
    let authority_end = url[prefix..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| prefix + i);
    let authority = &url[prefix..authority_end];
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_port = &authority[host_start..];
    // A colon starts the port only after the closing bracket of an IPv6 literal.
    let search_from = host_port.rfind(']').map_or(0, |i| i + 1);
    let port_start = host_port[search_from..]
        .find(':')
        .map_or(host_port.len(), |i| search_from + i);
    Some(UrlParts {
        scheme: &url[..prefix],
        user_info: &authority[..host_start],
        host: &host_port[..port_start],
        port: &host_port[port_start..],
        rest: &url[authority_end..],
    })
}

/// `url` with the scheme's default port (443 for `https`, else 80) if it has none.
fn add_port(url: &str) -> Cow<'_, str> {
    match split_url(url) {
        Some(p) if p.port.is_empty() => {
            let port = if p.scheme.eq_ignore_ascii_case("https://") {
                ":443"
            } else {
                ":80"
            };
            Cow::Owned([p.scheme, p.user_info, p.host, port, p.rest].concat())
        }
        _ => Cow::Borrowed(url),
    }
}

/// `url` without its port, whichever it is.
fn remove_port(url: &str) -> Cow<'_, str> {
    match split_url(url) {
        Some(p) if !p.port.is_empty() => {
            Cow::Owned([p.scheme, p.user_info, p.host, p.rest].concat())
        }
        _ => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The example of Twilio's security documentation (twilio-node 6.2.0 agrees).
    fn docs_example() -> (RequestValidator, &'static str, Vec<(String, String)>) {
        (
            RequestValidator::new("12345"),
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            pairs(&[
                ("CallSid", "CA1234567890ABCDE"),
                ("Caller", "+12349013030"),
                ("Digits", "1234"),
                ("From", "+12349013030"),
                ("To", "+18005551212"),
            ]),
        )
    }

    const DOCS_SIGNATURE: &str = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    #[test]
    fn docs_example_signature_and_validation() {
        let (v, url, params) = docs_example();
        assert_eq!(v.signature(url, &params), DOCS_SIGNATURE);
        assert!(v.validate(url, &params, DOCS_SIGNATURE));
        // Parameter order does not matter.
        let mut reversed = params.clone();
        reversed.reverse();
        assert!(v.validate(url, &reversed, DOCS_SIGNATURE));
    }

    #[test]
    fn docs_example_rejects_changes() {
        let (v, url, params) = docs_example();
        assert!(!v.validate(url, &params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"));
        assert!(!v.validate(url, &params, "1/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        assert!(!v.validate(url, &params, ""));
        assert!(!v.validate(url, &params[1..], DOCS_SIGNATURE));
        assert!(!v.validate(
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &params,
            DOCS_SIGNATURE
        ));
        assert!(!v.validate(
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &params,
            DOCS_SIGNATURE
        ));
        let other = RequestValidator::new("12346");
        assert!(!other.validate(url, &params, DOCS_SIGNATURE));
    }

    #[test]
    fn ports_are_added_and_removed() {
        let (v, _, params) = docs_example();
        for url in [
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            // Any port is removed, not only the default one (as twilio-node does).
            "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
        ] {
            assert!(v.validate(url, &params, DOCS_SIGNATURE), "{url}");
        }
        let signed_with_port = v.signature("https://mycompany.com:443/myapp.php", &params);
        assert!(v.validate(
            "https://mycompany.com/myapp.php",
            &params,
            &signed_with_port
        ));
        let signed_http = v.signature("http://mycompany.com:80/x", &[]);
        assert!(v.validate("http://mycompany.com/x", &[], &signed_http));
        assert!(!v.validate("https://mycompany.com/x", &[], &signed_http));
    }

    #[test]
    fn split_url_handles_userinfo_and_ipv6() {
        assert_eq!(
            add_port("https://u:p@[::1]/x?y=1"),
            "https://u:p@[::1]:443/x?y=1"
        );
        assert_eq!(remove_port("http://u:p@[::1]:8080/x"), "http://u:p@[::1]/x");
        assert_eq!(add_port("HTTPS://h?x"), "HTTPS://h:443?x");
        assert_eq!(add_port("ftp://h/"), "ftp://h:80/");
        assert_eq!(add_port("h:1/x"), "h:1/x");
        assert_eq!(remove_port("https://h:/x"), "https://h/x");
        assert_eq!(add_port("https://h:/x"), "https://h:/x");
    }

    #[test]
    fn repeated_keys_sort_by_value_and_count_identical_values_once() {
        let v = RequestValidator::new("t");
        let url = "https://h/";
        let expected = v.signature(url, &pairs(&[("a", "1"), ("a", "2"), ("b", "0")]));
        assert_eq!(
            v.signature(url, &pairs(&[("b", "0"), ("a", "2"), ("a", "1")])),
            expected
        );
        assert_eq!(
            v.signature(
                url,
                &pairs(&[("a", "2"), ("b", "0"), ("a", "1"), ("a", "2")])
            ),
            expected
        );
        assert_ne!(
            v.signature(url, &pairs(&[("a", "1"), ("b", "0")])),
            expected
        );
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        // U+FF5E sorts after U+1F600 in UTF-16 (0xFF5E > 0xD83D), before it by code point.
        let v = RequestValidator::new("t");
        let url = "https://h/";
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(b"t").unwrap();
        mac.update("https://h/\u{1F600}1\u{FF5E}2".as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let signature = v.signature(url, &pairs(&[("\u{FF5E}", "2"), ("\u{1F600}", "1")]));
        assert_eq!(signature, expected);
        // twilio-node 6.2.0 gives the same.
        assert_eq!(signature, "3nOoXebtJRODwBzshMTP1zKcT1o=");
    }

    #[test]
    fn normalized_and_legacy_spellings_are_accepted() {
        let v = RequestValidator::new("t");
        // Twilio signed the escaped form; the server sees the raw one.
        let signed = v.signature("https://h/%C3%A9?q=%27a%27", &[]);
        assert!(v.validate("https://h/é?q='a'", &[], &signed));
        // The legacy querystring form keeps `'` but escapes `` ` `` and `^`.
        let signed = v.signature("https://h/?q='a'%60%5E", &[]);
        assert!(v.validate("https://h/?q='a'`^", &[], &signed));
        // Not the other way round: a URL with escapes is not unescaped.
        let signed = v.signature("https://h/é", &[]);
        assert!(!v.validate("https://h/%C3%A9", &[], &signed));
        // A relative URL only matches as given.
        let signed = v.signature("/x?y=1", &[]);
        assert!(v.validate("/x?y=1", &[], &signed));
        assert!(!v.validate("/x?y=2", &[], &signed));
    }

    #[test]
    fn empty_token_signs_too() {
        let v = RequestValidator::new("");
        // twilio-node 6.2.0: getExpectedTwilioSignature("", "https://a/", {}).
        assert_eq!(
            v.signature("https://a/", &[]),
            "Y64SJbf+zy5NCcjXXWTNglrpF6Q="
        );
        assert!(v.validate("https://a/", &[], "Y64SJbf+zy5NCcjXXWTNglrpF6Q="));
    }

    #[test]
    fn body_validation_checks_hash_and_signature() {
        let v = RequestValidator::new("12345");
        let body = br#"{"property":"value","boolean":true}"#;
        let hash = body_sha256(body);
        assert_eq!(
            hash,
            "d5729c000e5de6b3a10698fec78d482db85d744f1be820d1382b6bda1cfb7795"
        );
        let url = format!("https://mycompany.com/myapp.php?bodySHA256={hash}");
        let signature = v.signature(&url, &[]);
        // twilio-node 6.2.0: getExpectedTwilioSignature("12345", url, {}).
        assert_eq!(signature, "S3fW4swDzulE1VJfHiZwCjkucXI=");
        assert!(v.validate_body(&url, body, &signature));
        assert!(!v.validate_body(&url, b"{}", &signature));
        assert!(!v.validate_body(&url, body, "x"));
        let upper = format!(
            "https://mycompany.com/myapp.php?bodySHA256={}",
            hash.to_uppercase()
        );
        assert!(!v.validate_body(&upper, body, &v.signature(&upper, &[])));
        let missing = "https://mycompany.com/myapp.php";
        assert!(!v.validate_body(missing, body, &v.signature(missing, &[])));
        assert!(!v.validate_body("not a url", body, &v.signature("not a url", &[])));
    }

    #[test]
    fn debug_hides_the_token() {
        let v = RequestValidator::new("super-secret-token");
        let shown = format!("{v:?}");
        assert!(!shown.contains("super-secret-token"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
