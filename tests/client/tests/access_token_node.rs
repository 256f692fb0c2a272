//! Differential test of access tokens: generated cases (every grant and option,
//! unicode identities, a region or none, a fixed clock per case) are signed by
//! `twilio_rest_runtime::access_token` and by twilio-node 6.2.0's `AccessToken`
//! (`node/access_token.js`). The decoded header and payload must be the same text,
//! and so must the whole token (same clock, so the same `jti`, `iat` and `exp`).
//!
//! Needs Node.js and the npm package `twilio@6.2.0`; `TWILIO_NODE_DIR` is the
//! folder of the installed package. `cargo xtask test` installs it and runs this.
//! `TWILIO_TOKEN_CASES` and `TWILIO_TOKEN_SEED` choose another run (default: 600
//! cases, a fixed seed).

#[path = "common/node.rs"]
mod node;

use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::time::Duration;
use twilio_rest_runtime::access_token::{
    AccessToken, Algorithm, ChatGrant, Grant, PlaybackGrant, SyncGrant, TaskRouterGrant,
    VideoGrant, VoiceGrant,
};

const TWILIO_NODE_VERSION: &str = "6.2.0";
const CASES: usize = 600;
/// Cases of the one listed difference, checked to differ in exactly that.
const LISTED_CASES: usize = 24;
const SEED: u64 = 0xacce_5570_4e11_0001;

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
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TEXTS: &[&str] = &[
    "alice",
    "bob@example.com",
    "Zoë Ångström",
    "用户-42",
    "emoji 🎧📞",
    "quote \" and \\ backslash",
    "tab\tnew\nline",
    "ctl \u{1} \u{1f} del \u{7f}",
    "<script>&amp;</script>",
    "line\u{2028}sep\u{2029}",
    "١٢٣ العربية",
    "  spaces  ",
    "42",
    "x",
];

fn text(rng: &mut Rng) -> String {
    let mut s = rng.pick(TEXTS).to_owned();
    if rng.chance(30) {
        s.push_str(&format!("-{}", rng.below(10_000)));
    }
    s
}

/// An optional grant field: absent, empty (left out by both), or a value.
fn field(rng: &mut Rng, prefix: &str) -> Option<String> {
    match rng.below(5) {
        0 | 1 => None,
        2 => Some(String::new()),
        _ => Some(format!("{prefix}{:032x}", rng.next() as u128 * 7919)),
    }
}

fn json_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 1 { 4 } else { 6 }) {
        0 => Value::from(text(rng)),
        1 => Value::from(rng.below(1_000_000) as i64 - 500_000),
        2 => Value::from(rng.chance(50)),
        3 => Value::Null,
        4 => Value::Array(
            (0..rng.below(3))
                .map(|_| json_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            // serde_json's map is sorted, and twilio-node gets the same order.
            let mut m = Map::new();
            for _ in 0..rng.below(4) {
                m.insert(key(rng), json_value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// Keys, some of which JavaScript orders first (array indexes).
fn key(rng: &mut Rng) -> String {
    rng.pick(&[
        "to",
        "From",
        "10",
        "2",
        "01",
        "0",
        "-1",
        "4294967295",
        "4294967294",
        "ü",
        "a b",
        "1.5",
    ])
    .to_owned()
}

struct Case {
    now: u64,
    token: AccessToken,
    json: Value,
}

fn grant(rng: &mut Rng) -> (Grant, Value) {
    match rng.below(6) {
        0 => {
            let mut g = VoiceGrant::new();
            let mut j = json!({"kind": "voice"});
            if rng.chance(60) {
                let allow = rng.chance(70);
                g = g.incoming_allow(allow);
                j["incoming_allow"] = json!(allow);
            }
            let mut sets = |name: &str, prefix: &str, rng: &mut Rng, g: VoiceGrant| {
                let v = field(rng, prefix);
                match v {
                    Some(v) => {
                        j[name] = json!(v);
                        match name {
                            "outgoing_application_sid" => g.outgoing_application_sid(v),
                            "push_credential_sid" => g.push_credential_sid(v),
                            _ => g.endpoint_id(v),
                        }
                    }
                    None => g,
                }
            };
            g = sets("outgoing_application_sid", "AP", rng, g);
            g = sets("push_credential_sid", "CR", rng, g);
            g = sets("endpoint_id", "", rng, g);
            if rng.chance(60) {
                let pairs: Vec<(String, Value)> = (0..rng.below(5))
                    .map(|_| (key(rng), json_value(rng, 0)))
                    .collect();
                j["params"] = json!(pairs);
                g = g.outgoing_application_params(pairs);
            }
            (g.into(), j)
        }
        1 => {
            let room = field(rng, "RM");
            let mut g = VideoGrant::new();
            if let Some(r) = &room {
                g = g.room(r);
            }
            (g.into(), json!({"kind": "video", "room": room}))
        }
        2 => {
            let (s, e, d, p) = (
                field(rng, "IS"),
                field(rng, ""),
                field(rng, "RL"),
                field(rng, "CR"),
            );
            let mut g = ChatGrant::new();
            if let Some(v) = &s {
                g = g.service_sid(v);
            }
            if let Some(v) = &e {
                g = g.endpoint_id(v);
            }
            if let Some(v) = &d {
                g = g.deployment_role_sid(v);
            }
            if let Some(v) = &p {
                g = g.push_credential_sid(v);
            }
            (
                g.into(),
                json!({"kind": "chat", "service_sid": s, "endpoint_id": e,
                "deployment_role_sid": d, "push_credential_sid": p}),
            )
        }
        3 => {
            let (s, e) = (field(rng, "IS"), field(rng, ""));
            let mut g = SyncGrant::new();
            if let Some(v) = &s {
                g = g.service_sid(v);
            }
            if let Some(v) = &e {
                g = g.endpoint_id(v);
            }
            (
                g.into(),
                json!({"kind": "sync", "service_sid": s, "endpoint_id": e}),
            )
        }
        4 => {
            let (w, k) = (field(rng, "WS"), field(rng, "WK"));
            let r = match rng.below(3) {
                0 => None,
                1 => Some(String::new()),
                _ => Some(text(rng)),
            };
            let mut g = TaskRouterGrant::new();
            if let Some(v) = &w {
                g = g.workspace_sid(v);
            }
            if let Some(v) = &k {
                g = g.worker_sid(v);
            }
            if let Some(v) = &r {
                g = g.role(v);
            }
            (
                g.into(),
                json!({"kind": "task_router", "workspace_sid": w, "worker_sid": k, "role": r}),
            )
        }
        _ => {
            let mut g = PlaybackGrant::new();
            let mut j = json!({"kind": "playback"});
            if rng.chance(80) {
                let mut m = Map::new();
                for _ in 0..rng.below(4) {
                    m.insert(key(rng), json_value(rng, 0));
                }
                if rng.chance(50) {
                    m.insert("playbackUrl".into(), json!("https://example.com/live.m3u8"));
                    m.insert("requestCredentials".into(), Value::Null);
                    m.insert("playerStreamerSid".into(), json!("VJ0123"));
                }
                j["grant"] = json!(m.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>());
                g = g.grant(m);
            }
            (g.into(), j)
        }
    }
}

fn case(rng: &mut Rng) -> Case {
    let now = 1_600_000_000 + rng.below(400_000_000) as u64;
    let account_sid = format!("AC{:032x}", rng.next() as u128);
    let key_sid = if rng.chance(80) {
        format!("SK{:032x}", rng.next() as u128)
    } else {
        text(rng)
    };
    let secret = if rng.chance(70) {
        format!("{:032x}", rng.next() as u128)
    } else {
        text(rng)
    };
    let identity = text(rng);
    let mut token = AccessToken::new(&account_sid, &key_sid, &secret, &identity).unwrap();
    let mut j = json!({"now": now, "account_sid": account_sid, "key_sid": key_sid,
        "secret": secret, "identity": identity});
    if rng.chance(50) {
        let ttl = [0, 1, 60, 3600, 86_400, 1_000_000][rng.below(6)];
        token = token.ttl(Duration::from_secs(ttl));
        j["ttl"] = json!(ttl);
    }
    if rng.chance(40) {
        let nbf = now as i64 - rng.below(100_000) as i64;
        token = token.nbf(nbf);
        j["nbf"] = json!(nbf);
    }
    if rng.chance(60) {
        let region = match rng.below(8) {
            0 => String::new(),
            _ => rng
                .pick(&["us1", "ie1", "au1", "jp1", "de1", "sg1"])
                .to_owned(),
        };
        token = token.region(&region);
        j["region"] = json!(region);
    }
    let (alg, name) = [
        (Algorithm::Hs256, "HS256"),
        (Algorithm::Hs384, "HS384"),
        (Algorithm::Hs512, "HS512"),
    ][if rng.chance(70) { 0 } else { 1 + rng.below(2) }];
    token = token.algorithm(alg);
    j["algorithm"] = json!(name);
    let mut grants = Vec::new();
    for _ in 0..rng.below(5) {
        let (g, gj) = grant(rng);
        token = token.grant(g);
        grants.push(gj);
    }
    j["grants"] = Value::Array(grants);
    Case {
        now,
        token,
        json: j,
    }
}

/// Every grant kind with every field set, so each is covered whatever the seed.
fn full_case(rng: &mut Rng) -> Case {
    let mut c = case(rng);
    let voice = VoiceGrant::new()
        .incoming_allow(true)
        .outgoing_application_sid("AP123")
        .outgoing_application_params([("To", json!("+15555550100")), ("7", json!(7))])
        .push_credential_sid("CR1")
        .endpoint_id("ep");
    let pb: Map<String, Value> = [("playbackUrl".to_owned(), json!("https://x/y"))]
        .into_iter()
        .collect();
    c.token = c
        .token
        .grant(voice)
        .grant(VideoGrant::new().room("Room ü"))
        .grant(
            ChatGrant::new()
                .service_sid("IS1")
                .endpoint_id("e")
                .deployment_role_sid("RL1")
                .push_credential_sid("CR2"),
        )
        .grant(SyncGrant::new().service_sid("IS2").endpoint_id("e2"))
        .grant(
            TaskRouterGrant::new()
                .workspace_sid("WS1")
                .worker_sid("WK1")
                .role("worker"),
        )
        .grant(PlaybackGrant::new().grant(pb));
    let extra = json!([
        {"kind": "voice", "incoming_allow": true, "outgoing_application_sid": "AP123",
         "params": [["To", "+15555550100"], ["7", 7]], "push_credential_sid": "CR1", "endpoint_id": "ep"},
        {"kind": "video", "room": "Room ü"},
        {"kind": "chat", "service_sid": "IS1", "endpoint_id": "e", "deployment_role_sid": "RL1", "push_credential_sid": "CR2"},
        {"kind": "sync", "service_sid": "IS2", "endpoint_id": "e2"},
        {"kind": "task_router", "workspace_sid": "WS1", "worker_sid": "WK1", "role": "worker"},
        {"kind": "playback", "grant": [["playbackUrl", "https://x/y"]]},
    ]);
    c.json["grants"]
        .as_array_mut()
        .unwrap()
        .extend(extra.as_array().unwrap().iter().cloned());
    c
}

fn decode(part: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap()
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one listed difference. twilio-node's `jws` base64-encodes the JWT header as
/// `binary` (latin-1: each UTF-16 code unit cut to its low byte), so a header with a
/// non-ASCII region is not UTF-8 there; ours is (RFC 7515 asks for UTF-8 JSON).
/// Region codes are ASCII (`us1`, `ie1`), so only a made-up region differs. Such a
/// case must differ in exactly that: our header cut to latin-1 is theirs, and the
/// payloads are identical.
fn latin1(text: &[u8]) -> Vec<u8> {
    show(text).encode_utf16().map(|u| u as u8).collect()
}

const LISTED: &str =
    "non-ASCII region: twilio-node writes the JWT header in latin-1 (jws `binary`), ours in UTF-8";

#[test]
#[ignore = "needs Node.js and twilio-node (TWILIO_NODE_DIR); run by `cargo xtask test`"]
fn access_tokens_match_twilio_node() {
    let dir = PathBuf::from(std::env::var("TWILIO_NODE_DIR").expect("TWILIO_NODE_DIR"));
    let count: usize = std::env::var("TWILIO_TOKEN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    let seed: u64 = std::env::var("TWILIO_TOKEN_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SEED);
    let mut rng = Rng(seed);
    let mut cases: Vec<Case> = (0..count)
        .map(|i| {
            if i % 25 == 0 {
                full_case(&mut rng)
            } else {
                case(&mut rng)
            }
        })
        .collect();
    // Then the cases of the listed difference: a region that is not ASCII.
    for _ in 0..LISTED_CASES {
        let mut c = case(&mut rng);
        c.token = c.token.region("ü-región");
        c.json["region"] = json!("ü-región");
        cases.push(c);
    }
    let tmp = std::env::temp_dir().join(format!("access-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let input = tmp.join("cases.json");
    std::fs::write(
        &input,
        serde_json::to_vec(&cases.iter().map(|c| &c.json).collect::<Vec<_>>()).unwrap(),
    )
    .unwrap();
    let out = node::run_script(
        "access_token.js",
        &[dir.as_os_str(), input.as_os_str()],
        &tmp.join("out.json"),
    );
    assert_eq!(
        out["version"], TWILIO_NODE_VERSION,
        "the pinned twilio-node"
    );
    let theirs = out["tokens"].as_array().unwrap();
    assert_eq!(theirs.len(), cases.len());
    let (mut identical, mut listed) = (0, 0);
    let mut failures = Vec::new();
    for (i, (c, t)) in cases.iter().zip(theirs).enumerate() {
        let ours = c.token.to_jwt_at(c.now);
        let t = t.as_str().unwrap();
        let (o, n): (Vec<&str>, Vec<&str>) = (ours.split('.').collect(), t.split('.').collect());
        let (oh, op, nh, np) = (decode(o[0]), decode(o[1]), decode(n[0]), decode(n[1]));
        let same = if i < count {
            // Decoded header and payload, and the whole token.
            oh == nh && op == np && ours == t
        } else {
            oh != nh && latin1(&oh) == nh && op == np
        };
        if !same {
            failures.push(format!(
                "case {i}: {}\n  ours:   {} {}\n  theirs: {} {}",
                c.json,
                show(&oh),
                show(&op),
                show(&nh),
                show(&np)
            ));
        } else if i < count {
            identical += 1;
        } else {
            listed += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "access tokens: {identical} of {count} identical to twilio-node {TWILIO_NODE_VERSION} \
         (decoded header and payload, and the whole token)"
    );
    println!("access tokens: {listed} of {LISTED_CASES} differ only as listed ({LISTED})");
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn secret_is_not_in_debug() {
    let t = AccessToken::new("AC1", "SK1", "very-secret-value", "alice").unwrap();
    let debug = format!("{t:?}");
    assert!(!debug.contains("very-secret-value"), "{debug}");
    assert!(debug.contains("alice"));
}

#[test]
fn empty_required_values_are_refused() {
    let e = AccessToken::new("AC1", "SK1", "s", "").unwrap_err();
    assert_eq!(e.field(), "identity");
    assert_eq!(e.to_string(), "an access token needs a non-empty identity");
    assert!(AccessToken::new("", "SK1", "s", "a").is_err());
}
