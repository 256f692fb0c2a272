//! The query string re-encoded as Node's legacy `querystring` module does
//! (`stringify(parse(query))`), one of the URL spellings twilio-node accepts.
//!
//! The input is a WHATWG-serialised URL, which is ASCII; on ASCII input Node's
//! decoding amounts to: `+` to space, valid `%XX` escapes to bytes, the bytes read as
//! UTF-8 with invalid sequences replaced by U+FFFD.

use std::borrow::Cow;
use std::collections::HashMap;

/// At most this many `&`-separated pieces are read (Node's default `maxKeys`).
const MAX_KEYS: usize = 1000;

/// `url` with the part after its first `?` parsed and re-serialised; unchanged when
/// there is no `?` or nothing after it. Any fragment is part of the last value.
pub(super) fn with_legacy_querystring(url: &str) -> Cow<'_, str> {
    match url.find('?') {
        Some(q) if q + 1 < url.len() => {
            let query = stringify(&parse(&url[q + 1..]));
            Cow::Owned(format!("{}?{query}", &url[..q]))
        }
        _ => Cow::Borrowed(url),
    }
}

/// Keys with their values, in the order JavaScript lists an object's keys.
type Parsed = Vec<(String, Vec<String>)>;

fn parse(query: &str) -> Parsed {
    let mut out: Parsed = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for piece in query.split('&').take(MAX_KEYS) {
        if piece.is_empty() {
            continue;
        }
        let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
        let (key, value) = (decode(key), decode(value));
        match index.get(&key) {
            Some(&i) => out[i].1.push(value),
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, vec![value]));
            }
        }
    }
    // Own keys that are array indices come first, in numeric order; the rest keep
    // their insertion order (the sort is stable).
    out.sort_by_key(|(key, _)| array_index(key).map_or((1, 0), |i| (0, i)));
    out
}

/// The number a key stands for when JavaScript treats it as an array index.
fn array_index(key: &str) -> Option<u32> {
    let n: u32 = key.parse().ok()?;
    (n != u32::MAX && n.to_string() == key).then_some(n)
}

fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

fn stringify(parsed: &Parsed) -> String {
    let mut out = String::new();
    for (key, values) in parsed {
        for value in values {
            if !out.is_empty() {
                out.push('&');
            }
            escape_into(&mut out, key);
            out.push('=');
            escape_into(&mut out, value);
        }
    }
    out
}

/// `querystring.escape`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as
/// uppercase `%XX` of its UTF-8 bytes.
fn escape_into(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs of Node 20's `querystring.stringify(querystring.parse(q))`.
    #[test]
    fn matches_node() {
        for (query, node) in [
            (
                "b=1&2=x&1=y&4294967294=a&4294967295=b&01=c&a&&=&=v&k=&+x+=%41%zz&c=%FF&d=%41%E9&e=%C3%A9&f='!()*~-._ ^`|#h",
                "1=y&2=x&4294967294=a&b=1&4294967295=b&01=c&a=&=&=v&k=&%20x%20=A%25zz&c=%EF%BF%BD&d=A%EF%BF%BD&e=%C3%A9&f='!()*~-._%20%5E%60%7C%23h",
            ),
            ("a=1&a=2&b=3&a=4", "a=1&a=2&a=4&b=3"),
            ("x=%4", "x=%254"),
            ("x=%", "x=%25"),
            ("%=%41", "%25=A"),
        ] {
            let url = format!("https://h/p?{query}");
            assert_eq!(with_legacy_querystring(&url), format!("https://h/p?{node}"), "{query}");
        }
        assert_eq!(with_legacy_querystring("https://h/p?"), "https://h/p?");
        assert_eq!(with_legacy_querystring("https://h/p"), "https://h/p");
    }

    #[test]
    fn reads_at_most_max_keys_pieces() {
        let query: Vec<String> = (0..1001).map(|i| format!("k{i}=v")).collect();
        let url = format!("https://h/?{}", query.join("&"));
        let out = with_legacy_querystring(&url);
        assert!(out.ends_with("&k999=v"), "{out}");
    }
}
