//! Agreement with twilio-node: thousands of generated webhook validation cases run
//! through `twilio_rest::webhooks` and through twilio-node 6.2.0
//! (`node/webhooks.js`), which must give the same verdicts and the same expected
//! signatures.
//!
//! Needs Node.js and the npm package `twilio@6.2.0`; `TWILIO_NODE_DIR` is the
//! folder of the installed package (`…/node_modules/twilio`). `cargo xtask test`
//! installs it into `.twilio-node/` and runs this test. `TWILIO_WEBHOOKS_CASES` and
//! `TWILIO_WEBHOOKS_SEED` choose a longer or another run (default: 3000 cases, a
//! fixed seed).

#[path = "common/node.rs"]
mod node;

use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use twilio_rest::webhooks::{body_sha256, RequestValidator};

/// The twilio-node version the verdicts must match.
const TWILIO_NODE_VERSION: &str = "6.2.0";
const CASES: usize = 3000;
const SEED: u64 = 0x7711_0c0d_e5ee_d001;

/// xorshift64*: small, deterministic, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Form,
    Body,
}

struct Case {
    kind: Kind,
    token: String,
    url: String,
    params: Vec<(String, String)>,
    body: Vec<u8>,
    signature: String,
    /// The verdict the generator knows for sure, if any.
    expect: Option<bool>,
    /// How the case was made, for failure messages.
    how: String,
    /// How the signed URL differs from the requested one.
    variant: String,
}

const SCHEMES: &[&str] = &["https", "https", "http", "HTTPS", "Http"];
const USER_INFO: &[&str] = &["user:pass@", "u@", "us%20er:p@ss@", "@"];
const HOSTS: &[&str] = &[
    "mycompany.com",
    "example.com",
    "Example.COM",
    "hooks.twilio-app.io",
    "127.0.0.1",
    "[::1]",
    "[2001:db8::1]",
    "bücher.example",
    "xn--bcher-kva.example",
    "localhost",
    "example.com.",
    "MÜNCHEN.de",
    "0x7f.0.0.1",
    "1.2.3",
    "ex%41mple.com",
    "ＥＸＡＭＰＬＥ.com",
    "straße.de",
    "xn--zca.de",
    "a..b",
];
const SEGMENTS: &[&str] = &[
    "myapp.php",
    "sms",
    "voice",
    "incoming",
    "a b",
    "é",
    "☃",
    "😀",
    "～",
    "%7E",
    "%7e",
    "%2F",
    "%E2%98%83",
    "%e2%98%83",
    "'",
    "^",
    "`",
    "{x}",
    "|",
    "a+b",
    "~!$&()*,;=:@",
    "%zz",
    "%4",
    "..",
    ".",
    "%2e",
    "\\b",
    "\"q\"",
    "<>",
    "[x]",
    "ü%C3%BC",
    "tab\there",
    "%00",
    "ﬁ",
];
const QUERY_KEYS: &[&str] = &[
    "foo",
    "bar",
    "a",
    "A",
    "é",
    "q",
    "x[]",
    "1",
    "0",
    "10",
    "01",
    "4294967294",
    "4294967295",
    "",
    "a b",
    "a+b",
    "%41",
    "%zz",
    "%FF",
    "%E9",
    "%C3%A9",
    "'",
    "`^{}|",
    "\"<>",
    "bodySHA256",
    "😀",
];
const QUERY_VALUES: &[&str] = &[
    "",
    "1",
    "2",
    "hello world",
    "hello+world",
    "a&b",
    "=",
    "%27",
    "'x'",
    "😀",
    "%F0%9F%98",
    "%ED%A0%80",
    "%C0%80",
    "%E9%41",
    "%2B",
    "~*!()",
    "`^{}|",
    "%",
    "%4",
    "é",
    "a#b",
];
const PARAM_KEYS: &[&str] = &[
    "CallSid",
    "Caller",
    "Digits",
    "From",
    "To",
    "Body",
    "a",
    "A",
    "b",
    "é",
    "e\u{301}",
    "😀",
    "～",
    "10",
    "2",
    "",
    "key with space",
    "x[]",
    "constructor",
    "toString",
    "Ω",
];
const PARAM_VALUES: &[&str] = &[
    "",
    "+12349013030",
    "+18005551212",
    "CA1234567890ABCDE",
    "1234",
    "hello world",
    "é",
    "😀",
    "～",
    "a&b=c",
    "%20",
    "line\nbreak",
    "1",
    "10",
    "2",
    "null",
    "\u{0}",
];
const TOKENS: &[&str] = &[
    "12345",
    "",
    "0123456789abcdef0123456789abcdef",
    "tökén ☃",
    "a",
];
const BODIES: &[&[u8]] = &[
    b"{}",
    b"",
    br#"{"property":"value","boolean":true}"#,
    "{\"message\":\"héllo 😀\",\"n\":[1,2,3]}".as_bytes(),
    b"[1,2,3]",
    b"\xff\xfe\x00invalid utf-8",
    b"{\"a\":\"b\"}\n",
];
const INVALID_URLS: &[&str] = &[
    "not a url",
    "https://",
    "https://exa mple.com/x",
    "//example.com/x",
    "/relative?x=1",
    "https://example.com:99999/",
    "mailto:someone@example.com",
    "https://exa%mple.com/",
    "",
];

fn gen_port(rng: &mut Rng, scheme: &str) -> String {
    let https = scheme.eq_ignore_ascii_case("https");
    match rng.below(100) {
        0..=49 => String::new(),
        50..=64 => (if https { ":443" } else { ":80" }).to_owned(),
        65..=69 => (if https { ":80" } else { ":443" }).to_owned(),
        70..=84 => ":8080".to_owned(),
        85..=87 => ":".to_owned(),
        88..=90 => ":0443".to_owned(),
        91..=92 => ":65536".to_owned(),
        _ => ":3000".to_owned(),
    }
}

fn gen_query(rng: &mut Rng, keys: &[&str], values: &[&str]) -> String {
    let n = rng.below(6);
    let mut pieces = Vec::new();
    for _ in 0..n {
        match rng.below(20) {
            0 => pieces.push(String::new()),
            1 => pieces.push(rng.pick(keys).to_owned()),
            _ => pieces.push(format!("{}={}", rng.pick(keys), rng.pick(values))),
        }
    }
    pieces.join("&")
}

/// A URL without its query and fragment.
fn gen_base(rng: &mut Rng) -> String {
    let scheme = rng.pick(SCHEMES);
    let user_info = if rng.chance(8) {
        rng.pick(USER_INFO)
    } else {
        ""
    };
    let host = rng.pick(HOSTS);
    let port = gen_port(rng, scheme);
    let mut path = String::new();
    for _ in 0..rng.below(4) {
        path.push('/');
        path.push_str(rng.pick(SEGMENTS));
    }
    if path.is_empty() && rng.chance(70) {
        path.push('/');
    }
    format!("{scheme}://{user_info}{host}{port}{path}")
}

fn gen_url(rng: &mut Rng) -> String {
    if rng.chance(3) {
        return rng.pick(INVALID_URLS).to_owned();
    }
    let mut url = gen_base(rng);
    match rng.below(10) {
        0..=3 => {}
        4 => url.push('?'),
        _ => {
            url.push('?');
            url.push_str(&gen_query(rng, QUERY_KEYS, QUERY_VALUES));
        }
    }
    if rng.chance(5) {
        url.push_str(rng.pick(&["#frag", "#é", "#a b", "#x?y=1", "#"]));
    }
    url
}

fn gen_params(rng: &mut Rng) -> Vec<(String, String)> {
    let n = match rng.below(10) {
        0..=1 => 0,
        2..=8 => 1 + rng.below(6),
        _ => 6 + rng.below(10),
    };
    let mut params: Vec<(String, String)> = (0..n)
        .map(|_| {
            (
                rng.pick(PARAM_KEYS).to_owned(),
                rng.pick(PARAM_VALUES).to_owned(),
            )
        })
        .collect();
    // Repeated keys, with the same or another value.
    if !params.is_empty() && rng.chance(30) {
        let (k, v) = params[rng.below(params.len())].clone();
        let v = if rng.chance(50) {
            v
        } else {
            rng.pick(PARAM_VALUES).to_owned()
        };
        params.push((k, v));
    }
    params
}

/// `scheme://authority` and the rest, split at the first `/`, `?` or `#` after `://`.
fn split_authority(url: &str) -> Option<(&str, &str)> {
    let start = url.find("://")? + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    Some((&url[..end], &url[end..]))
}

/// The port of `scheme://authority` (`:8080`, `:`), or "".
fn port_of(authority: &str) -> &str {
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host_port = host_port.split("://").last().unwrap_or(host_port);
    let from = host_port.rfind(']').map_or(0, |i| i + 1);
    host_port[from..]
        .find(':')
        .map_or("", |i| &host_port[from + i..])
}

/// The URL with its port removed, or the scheme's default port added.
fn toggle_port(url: &str) -> Option<(&'static str, String)> {
    let (authority, rest) = split_authority(url)?;
    let port = port_of(authority);
    Some(if port.is_empty() {
        let default = if authority.to_ascii_lowercase().starts_with("https:") {
            ":443"
        } else {
            ":80"
        };
        ("default port added", format!("{authority}{default}{rest}"))
    } else {
        let host = &authority[..authority.len() - port.len()];
        ("port removed", format!("{host}{rest}"))
    })
}

/// A normalised URL with its query as Node's legacy `querystring` re-encodes it
/// (`stringify(parse(query))`), sometimes with the default port: written apart
/// from the runtime's version, twilio-node judges both.
fn legacy_spelling(rng: &mut Rng, normalized: &str) -> String {
    let url = match toggle_port(normalized) {
        Some(("default port added", with_port)) if rng.chance(50) => with_port,
        _ => normalized.to_owned(),
    };
    let Some((base, query)) = url.split_once('?') else {
        return url;
    };
    if query.is_empty() {
        return url;
    }
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for piece in query.split('&').take(1000) {
        let Some((k, v)) = url::form_urlencoded::parse(piece.as_bytes()).next() else {
            continue;
        };
        let (k, v) = (k.into_owned(), v.into_owned());
        match keys.iter_mut().find(|(key, _)| *key == k) {
            Some((_, values)) => values.push(v),
            None => keys.push((k, vec![v])),
        }
    }
    // JavaScript lists array-index keys first, in numeric order.
    let index = |k: &str| {
        k.parse::<u32>()
            .ok()
            .filter(|n| *n != u32::MAX && n.to_string() == k)
    };
    keys.sort_by_key(|(k, _)| index(k).map_or((1, 0), |n| (0, n)));
    let escape = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let pairs: Vec<String> = keys
        .iter()
        .flat_map(|(k, values)| {
            values
                .iter()
                .map(move |v| format!("{}={}", escape(k), escape(v)))
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

/// Percent-encodes non-ASCII characters and a few others, as a sender might.
fn escape_some(url: &str, rng: &mut Rng) -> String {
    let mut out = String::new();
    for c in url.chars() {
        let escape = !c.is_ascii() || matches!(c, '\'' | ' ' | '`' | '^' | '{' | '}' | '|' | '"');
        if escape && rng.chance(80) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes a few escapes of unreserved or non-ASCII characters.
fn unescape_some(url: &str) -> String {
    url.replace("%7E", "~")
        .replace("%7e", "~")
        .replace("%C3%A9", "é")
        .replace("%E2%98%83", "☃")
        .replace("%27", "'")
        .replace("%20", " ")
}

/// The URL Twilio signed, possibly another spelling of the one requested.
fn signed_url(rng: &mut Rng, url: &str, how: &mut Vec<String>) -> String {
    let (name, signed) = match rng.below(100) {
        0..=39 => ("same url", url.to_owned()),
        40..=49 => match toggle_port(url) {
            Some((name, toggled)) => (name, toggled),
            None => ("same url", url.to_owned()),
        },
        50..=54 => match split_authority(url) {
            Some((authority, rest)) => {
                let host = authority
                    .strip_suffix(port_of(authority))
                    .unwrap_or(authority);
                ("other port", format!("{host}:8443{rest}"))
            }
            None => ("same url", url.to_owned()),
        },
        55..=69 => ("escaped", escape_some(url, rng)),
        70..=77 => match url::Url::parse(url) {
            Ok(u) => ("normalized", u.to_string()),
            Err(_) => ("same url", url.to_owned()),
        },
        78..=81 => match url::Url::parse(url) {
            Ok(u) => ("legacy querystring", legacy_spelling(rng, u.as_str())),
            Err(_) => ("same url", url.to_owned()),
        },
        82..=85 => ("unescaped", unescape_some(url)),
        86..=88 => ("lowercased", url.to_lowercase()),
        89..=92 => (
            "without query",
            url.split(['?', '#']).next().unwrap_or(url).to_owned(),
        ),
        93..=96 => {
            let swapped = if let Some(rest) = url.strip_prefix("https") {
                format!("http{rest}")
            } else if let Some(rest) = url.strip_prefix("http") {
                format!("https{rest}")
            } else {
                url.to_owned()
            };
            ("scheme swapped", swapped)
        }
        _ => ("other url", gen_url(rng)),
    };
    how.push(name.to_owned());
    signed
}

/// The parameters Twilio signed, possibly not the ones received.
fn signed_params(
    rng: &mut Rng,
    params: &[(String, String)],
    how: &mut Vec<String>,
) -> (Vec<(String, String)>, bool) {
    let mut signed = params.to_vec();
    let (name, same) = match rng.below(100) {
        0..=69 => ("same params", true),
        70..=77 => {
            rng_shuffle(rng, &mut signed);
            ("params reordered", true)
        }
        78..=83 if !signed.is_empty() => {
            let i = rng.below(signed.len());
            signed.push(signed[i].clone());
            ("a pair repeated", true)
        }
        84..=89 if !signed.is_empty() => {
            signed.remove(rng.below(signed.len()));
            ("a param dropped", false)
        }
        90..=95 if !signed.is_empty() => {
            let i = rng.below(signed.len());
            signed[i].1.push('x');
            ("a value changed", false)
        }
        _ => {
            signed.push(("Extra".to_owned(), "1".to_owned()));
            ("a param added", false)
        }
    };
    how.push(name.to_owned());
    (signed, same)
}

fn rng_shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// The signature header sent, possibly tampered with; `Some(false)` when it is
/// certainly wrong, `Some(true)` when it is right for `url` and `params`.
fn signature_sent(
    rng: &mut Rng,
    token: &str,
    url: &str,
    params: &[(String, String)],
    how: &mut Vec<String>,
) -> (String, Option<bool>) {
    let good = RequestValidator::new(token).signature(url, params);
    let (name, sent, intact) = match rng.below(100) {
        0..=74 => ("signature", good, Some(true)),
        75..=78 => {
            let mut bytes = good.into_bytes();
            let i = rng.below(bytes.len());
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).unwrap();
            ("one character changed", changed, Some(false))
        }
        79..=80 => ("truncated", good[..good.len() - 1].to_owned(), Some(false)),
        81..=82 => ("empty", String::new(), Some(false)),
        83 => {
            let lower = good.to_lowercase();
            let same = lower == good;
            ("lowercased", lower, Some(same))
        }
        84..=85 => ("trailing space", format!("{good} "), Some(false)),
        86..=90 => {
            let other = if token == "12345" { "54321" } else { "12345" };
            let wrong = RequestValidator::new(other).signature(url, params);
            ("other token", wrong, Some(false))
        }
        91..=93 => ("not base64", "é☃ not a signature".to_owned(), Some(false)),
        // Right when no parameters were received, which only the caller knows.
        _ => {
            let url_only = RequestValidator::new(token).signature(url, &[]);
            ("url only", url_only, None)
        }
    };
    how.push(name.to_owned());
    (sent, intact)
}

fn gen_form_case(rng: &mut Rng) -> Case {
    let mut how = vec!["form".to_owned()];
    let token = rng.pick(TOKENS).to_owned();
    let url = gen_url(rng);
    let params = gen_params(rng);
    let signed = signed_url(rng, &url, &mut how);
    let variant = how.last().cloned().unwrap_or_default();
    let (signed_params, same_params) = signed_params(rng, &params, &mut how);
    let (signature, intact) = signature_sent(rng, &token, &signed, &signed_params, &mut how);
    let expect = match intact {
        Some(false) => Some(false),
        Some(true) if signed == url && same_params => Some(true),
        _ => None,
    };
    Case {
        kind: Kind::Form,
        token,
        url,
        params,
        body: Vec::new(),
        signature,
        expect,
        how: how.join(", "),
        variant,
    }
}

fn gen_body_case(rng: &mut Rng) -> Case {
    let mut how = vec!["body".to_owned()];
    let token = rng.pick(TOKENS).to_owned();
    let body = BODIES[rng.below(BODIES.len())].to_vec();
    let hash = body_sha256(&body);
    let other_hash = body_sha256(b"something else");
    let (hash_part, hash_ok) = match rng.below(100) {
        0..=64 => (format!("bodySHA256={hash}"), true),
        65..=69 => (format!("bodySHA256={}", hash.to_uppercase()), false),
        70..=74 => (format!("bodySHA256={other_hash}"), false),
        75..=77 => (String::new(), false),
        78..=80 => (format!("bodySHA256={hash}&bodySHA256={other_hash}"), true),
        81..=83 => (format!("bodySHA256={other_hash}&bodySHA256={hash}"), false),
        84..=86 => (format!("bodySHA%32%35%36={hash}"), true),
        87..=89 => (format!("bodysha256={hash}"), false),
        90..=92 => (format!("bodySHA256={}", &hash[..63]), false),
        _ => (format!("bodySHA256={hash}+"), false),
    };
    how.push(if hash_ok { "hash" } else { "bad hash" }.to_owned());
    let mut url = if rng.chance(3) {
        rng.pick(INVALID_URLS).to_owned()
    } else {
        gen_base(rng)
    };
    let mut pieces = vec![hash_part];
    if rng.chance(30) {
        pieces.push(gen_query(rng, QUERY_KEYS, QUERY_VALUES));
    }
    rng_shuffle(rng, &mut pieces);
    url.push('?');
    url.push_str(&pieces.join("&"));
    if rng.chance(3) {
        url.push_str("#frag");
    }
    let signed = signed_url(rng, &url, &mut how);
    let variant = how.last().cloned().unwrap_or_default();
    let (signature, intact) = signature_sent(rng, &token, &signed, &[], &mut how);
    let parses = url::Url::parse(&url).is_ok();
    let expect = match intact {
        Some(false) => Some(false),
        _ if !hash_ok || !parses => Some(false),
        Some(true) if signed == url => Some(true),
        _ => None,
    };
    // A second bodySHA256 or one in the generated query decides which one counts.
    let expect = if pieces.len() > 1 && expect == Some(true) {
        None
    } else {
        expect
    };
    Case {
        kind: Kind::Body,
        token,
        url,
        params: Vec::new(),
        body,
        signature,
        expect,
        how: how.join(", "),
        variant,
    }
}

/// A form case signed over the legacy querystring spelling of a URL with a query.
fn gen_legacy_case(rng: &mut Rng, long: bool) -> Case {
    let token = rng.pick(TOKENS).to_owned();
    let mut url = gen_base(rng);
    let pieces: Vec<String> = if long {
        (0..995 + rng.below(15))
            .map(|i| format!("{}={}", rng.pick(QUERY_KEYS), i))
            .collect()
    } else {
        (0..2 + rng.below(6))
            .map(|_| format!("{}={}", rng.pick(QUERY_KEYS), rng.pick(QUERY_VALUES)))
            .collect()
    };
    url.push('?');
    url.push_str(&pieces.join("&"));
    let params = gen_params(rng);
    let signed = match url::Url::parse(&url) {
        Ok(u) => legacy_spelling(rng, u.as_str()),
        Err(_) => url.clone(),
    };
    let signature = RequestValidator::new(token.clone()).signature(&signed, &params);
    Case {
        kind: Kind::Form,
        token,
        url,
        params,
        body: Vec::new(),
        signature,
        expect: None,
        how: format!(
            "form, legacy querystring{}",
            if long { ", long" } else { "" }
        ),
        variant: "legacy querystring".to_owned(),
    }
}

/// The cases, deterministic for a seed.
fn cases(seed: u64, n: usize) -> Vec<Case> {
    // xorshift needs a non-zero state.
    let mut rng = Rng((seed ^ 0x9e37_79b9_7f4a_7c15).max(1));
    let mut cases: Vec<Case> = Vec::with_capacity(n + 1);
    // The example of Twilio's security documentation.
    let params: Vec<(String, String)> = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+12349013030"),
        ("Digits", "1234"),
        ("From", "+12349013030"),
        ("To", "+18005551212"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    cases.push(Case {
        kind: Kind::Form,
        token: "12345".to_owned(),
        url: "https://mycompany.com/myapp.php?foo=1&bar=2".to_owned(),
        params,
        body: Vec::new(),
        signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=".to_owned(),
        expect: Some(true),
        how: "Twilio's documentation example".to_owned(),
        variant: "same url".to_owned(),
    });
    // Signed over the legacy querystring spelling, some with more than 1000 pieces.
    for i in 0..80 {
        cases.push(gen_legacy_case(&mut rng, i % 10 == 0));
    }
    while cases.len() < n {
        let case = if rng.chance(25) {
            gen_body_case(&mut rng)
        } else {
            gen_form_case(&mut rng)
        };
        cases.push(case);
    }
    cases
}

fn case_json(c: &Case) -> Value {
    json!({
        "kind": match c.kind { Kind::Form => "form", Kind::Body => "body" },
        "token": c.token,
        "url": c.url,
        "params": c.params.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "body": c.body,
        "signature": c.signature,
    })
}

/// Runs `node/webhooks.js` on the cases with a bounded wait; returns its output.
fn run_node(package: &Path, cases: &[Case]) -> Value {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("webhooks-node");
    fs::create_dir_all(&dir).unwrap();
    let input = dir.join("cases.json");
    let all: Vec<Value> = cases.iter().map(case_json).collect();
    fs::write(&input, serde_json::to_vec(&all).unwrap()).unwrap();
    let args = [package.as_os_str(), input.as_os_str()];
    node::run_script("webhooks.js", &args, &dir.join("verdicts.json"))
}

#[test]
#[ignore = "needs Node.js and twilio@6.2.0 in TWILIO_NODE_DIR; run by `cargo xtask test`"]
fn verdicts_and_signatures_agree_with_twilio_node() {
    let package = std::env::var_os("TWILIO_NODE_DIR")
        .expect("TWILIO_NODE_DIR: the folder of the installed npm package twilio@6.2.0");
    // A longer or different run: TWILIO_WEBHOOKS_CASES, TWILIO_WEBHOOKS_SEED.
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .map_or(default, |v| v.parse().expect(name))
    };
    let n = env("TWILIO_WEBHOOKS_CASES", CASES as u64) as usize;
    let cases = cases(env("TWILIO_WEBHOOKS_SEED", SEED), n);
    assert!(cases.len() >= 1000);
    let node = run_node(Path::new(&package), &cases);
    assert_eq!(node["version"], TWILIO_NODE_VERSION, "twilio-node version");
    let results = node["results"].as_array().expect("results");
    assert_eq!(results.len(), cases.len());

    let mut disagreements = Vec::new();
    let mut unexpected = Vec::new();
    // Valid verdicts per signed-URL variant.
    let mut valid_by_variant: std::collections::BTreeMap<&str, usize> = Default::default();
    let (mut valid, mut threw, mut body_cases, mut known) = (0, 0, 0, 0);
    for (i, (case, theirs)) in cases.iter().zip(results).enumerate() {
        let validator = RequestValidator::new(case.token.clone());
        let ours = match case.kind {
            Kind::Form => validator.validate(&case.url, &case.params, &case.signature),
            Kind::Body => validator.validate_body(&case.url, &case.body, &case.signature),
        };
        let params: &[(String, String)] = match case.kind {
            Kind::Form => &case.params,
            Kind::Body => &[],
        };
        let our_signature = validator.signature(&case.url, params);
        let their_verdict = theirs["valid"].as_bool().expect("valid");
        let their_signature = theirs["signature"].as_str().expect("signature");
        valid += usize::from(their_verdict);
        *valid_by_variant.entry(case.variant.as_str()).or_default() += usize::from(their_verdict);
        threw += usize::from(!theirs["threw"].is_null());
        body_cases += usize::from(case.kind == Kind::Body);
        if let Some(expected) = case.expect {
            known += 1;
            if ours != expected {
                unexpected.push(format!(
                    "case {i} ({}): url {:?}, params {:?}: expected {expected}, got {ours}",
                    case.how, case.url, case.params
                ));
            }
        }
        if ours != their_verdict || our_signature != their_signature {
            disagreements.push(format!(
                "case {i} ({}): url {:?}, params {:?}, token {:?}, signature {:?}: \
                 ours {ours} {our_signature}, twilio-node {their_verdict} {their_signature} (threw {})",
                case.how, case.url, case.params, case.token, case.signature, theirs["threw"]
            ));
        }
    }
    let agree = cases.len() - disagreements.len();
    println!(
        "webhooks: {agree} of {} cases agree with twilio-node {TWILIO_NODE_VERSION} \
         ({valid} valid, {} invalid of which {threw} threw in twilio-node; {body_cases} JSON bodies; \
         {known} with a verdict known in advance)",
        cases.len(),
        cases.len() - valid
    );
    assert!(
        unexpected.is_empty(),
        "{} verdict(s) not the known one:\n{}",
        unexpected.len(),
        unexpected[..unexpected.len().min(15)].join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s), the first ones:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(15)].join("\n")
    );
    println!("valid cases per spelling Twilio signed: {valid_by_variant:?}");
    // Each way a spelling is accepted must be exercised, and both verdicts well
    // represented, or the cases test little.
    for variant in [
        "same url",
        "port removed",
        "default port added",
        "escaped",
        "normalized",
        "legacy querystring",
    ] {
        let n = valid_by_variant.get(variant).copied().unwrap_or(0);
        assert!(
            n >= 20,
            "only {n} valid cases signed over the {variant} spelling"
        );
    }
    assert!(valid * 5 >= cases.len(), "only {valid} valid cases");
    assert!(
        (cases.len() - valid) * 5 >= cases.len(),
        "only {valid} invalid cases"
    );
}
