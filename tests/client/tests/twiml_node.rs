//! Differential test of the TwiML builders: documents generated from the TwiML
//! definition (every element, every attribute; unicode, XML special characters,
//! nested SSML, repeated elements, the escape hatches) are built through
//! `twilio_rest_twiml`'s typed API (the generated dispatcher in
//! `generated/twilio-rest-twiml/tests/differential/dispatch.rs`) and through
//! twilio-node 6.2.0's `VoiceResponse`, `MessagingResponse` and `FaxResponse`
//! (`node/twiml.js`), and compared as XML text. A second test checks that every
//! element and attribute twilio-node's TwiML classes accept is in the definition.
//!
//! Needs Node.js and the npm package `twilio@6.2.0` (`TWILIO_NODE_DIR`). `cargo xtask
//! test` installs it and runs this. `TWILIO_TWIML_CASES` and `TWILIO_TWIML_SEED`
//! choose another run (default: 1200 documents, a fixed seed).
//!
//! Listed differences (never generated here; each is a choice, with its reason):
//! characters XML 1.0 forbids (C0 controls but tab, newline and carriage return;
//! U+FFFE, U+FFFF) make twilio-node throw in text and write invalid XML in
//! attributes, while ours writes U+FFFD; a comment holding `--` makes twilio-node
//! throw, while ours writes `- -`.

#[path = "common/node.rs"]
mod node;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use twilio_rest_twiml::Element;

include!("../../../generated/twilio-rest-twiml/tests/differential/dispatch.rs");

const DEFINITION: &str =
    include_str!("../../../generated/twilio-rest-twiml/tests/differential/definition.json");
const TWILIO_NODE_VERSION: &str = "6.2.0";
const CASES: usize = 1200;
const SEED: u64 = 0x7e1_4d1f_f00d_0020;

// Helpers the generated dispatcher calls.

fn text(node: &Value) -> Option<String> {
    node.get("text").and_then(Value::as_str).map(str::to_owned)
}
fn attrs(node: &Value) -> Vec<(String, &Value)> {
    node["attrs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| (p[0].as_str().unwrap().to_owned(), &p[1]))
                .collect()
        })
        .unwrap_or_default()
}
fn children(node: &Value) -> &[Value] {
    node["children"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}
fn method(node: &Value) -> &str {
    node["m"].as_str().unwrap()
}
fn int(v: &Value) -> u32 {
    v.as_u64().unwrap() as u32
}
fn ints(v: &Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(int).collect()
}
fn string(v: &Value) -> &str {
    v.as_str().unwrap()
}
fn strings(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(string).collect()
}
fn boolean(v: &Value) -> bool {
    v.as_bool().unwrap()
}
// For boolean lists, which the definition may have; it has none today.
#[allow(dead_code)]
fn booleans(v: &Value) -> Vec<bool> {
    v.as_array().unwrap().iter().map(boolean).collect()
}
/// A value given through `attr(name, value)`, as twilio-node writes it.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}
fn generic(node: &Value) -> Element {
    let mut e = Element::new(node["tag"].as_str().unwrap());
    for (name, value) in attrs(node) {
        e = e.attr(name, plain(value));
    }
    for child in children(node) {
        e = match method(child) {
            "#text" => e.add_text(text(child).unwrap_or_default()),
            _ => e.add_child(generic(child)),
        };
    }
    e
}

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
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const TEXTS: &[&str] = &[
    "Hello",
    "Press 1 for sales & support",
    "<b>not a tag</b> > & <",
    "quotes \" and ' apostrophes",
    "tab\there, new\nline, return\r!",
    "]]> and &amp; already escaped",
    "Zoë, Ångström, façade",
    "用户 你好 こんにちは",
    "emoji 🎧📞🔥",
    "١٢٣ العربية",
    "  spaces  ",
    "",
    "+15555550100",
    "https://example.com/a?b=1&c=2",
    "del \u{7f} nbsp \u{a0} sep \u{2028}",
];

fn some_text(rng: &mut Rng) -> String {
    let mut s = TEXTS[rng.below(TEXTS.len())].to_owned();
    if rng.chance(20) {
        s.push_str(TEXTS[rng.below(TEXTS.len())]);
    }
    s
}

/// The definition, as the generator wrote it beside the dispatcher.
struct Def {
    docs: Vec<Value>,
}

impl Def {
    fn doc(&self, module: &str) -> &Value {
        self.docs.iter().find(|d| d["module"] == module).unwrap()
    }
    fn element<'a>(doc: &'a Value, id: &str) -> &'a Value {
        doc["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
    }
    fn enum_values(doc: &Value, name: &str) -> Vec<String> {
        let e = doc["enums"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap();
        e["variants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[1].as_str().unwrap().to_owned())
            .collect()
    }
}

fn value(rng: &mut Rng, doc: &Value, attr: &Value) -> Value {
    let one = |rng: &mut Rng| -> Value {
        match attr["kind"]["kind"].as_str().unwrap() {
            "integer" => json!([0u32, 1, 5, 30, 3600, 4_294_967_295][rng.below(6)]),
            "boolean" => json!(rng.chance(50)),
            "enum" => {
                let values = Def::enum_values(doc, attr["kind"]["enum"].as_str().unwrap());
                if rng.chance(10) {
                    json!(format!("unknown-{}", rng.below(100)))
                } else {
                    json!(values[rng.below(values.len())])
                }
            }
            _ => json!(some_text(rng)),
        }
    };
    if attr["list"].as_bool().unwrap() {
        Value::Array((0..1 + rng.below(3)).map(|_| one(rng)).collect())
    } else {
        one(rng)
    }
}

/// One element node: its attributes (all of them when `full`), its text, and
/// children to `depth`.
fn element(
    rng: &mut Rng,
    doc: &Value,
    child: &Value,
    depth: usize,
    full: bool,
    seen: &mut BTreeSet<String>,
) -> Value {
    let e = Def::element(doc, child["id"].as_str().unwrap());
    seen.insert(format!("{}/{}", doc["module"], e["id"]));
    let mut node = json!({"m": child["js_method"]});
    let mut pairs = Vec::new();
    for a in e["attributes"].as_array().unwrap() {
        if full || rng.chance(35) {
            seen.insert(format!("{}/{}@{}", doc["module"], e["id"], a["name"]));
            pairs.push(json!([a["name"], value(rng, doc, a)]));
            if rng.chance(3) {
                // Set again: replaced in place, on both sides.
                pairs.push(json!([a["name"], value(rng, doc, a)]));
            }
        }
    }
    if rng.chance(5) {
        pairs.push(json!(["customAttribute", some_text(rng)]));
    }
    node["attrs"] = Value::Array(pairs);
    if let Some(t) = e.get("text").filter(|t| !t.is_null()) {
        if t["required"].as_bool().unwrap() || rng.chance(60) {
            node["text"] = json!(some_text(rng));
        }
    }
    let kids = e["children"].as_array().unwrap();
    let mut out = Vec::new();
    if depth > 0 && !kids.is_empty() {
        for _ in 0..rng.below(4) {
            let k = &kids[rng.below(kids.len())];
            out.push(element(rng, doc, k, depth - 1, false, seen));
        }
    }
    extras(rng, &mut out);
    node["children"] = Value::Array(out);
    node
}

/// Text and unknown elements through the escape hatches.
fn extras(rng: &mut Rng, out: &mut Vec<Value>) {
    if rng.chance(8) {
        out.push(json!({"m": "#text", "text": some_text(rng)}));
    }
    if rng.chance(4) {
        out.push(json!({"m": "#child", "tag": "NewVerb", "attrs": [["mode", some_text(rng)]],
            "children": [{"m": "#text", "text": some_text(rng)}, {"m": "#child", "tag": "Inner", "attrs": [], "children": []}]}));
    }
}

/// A path of children from the response to the element `id`, by breadth-first search.
fn route(doc: &Value, id: &str) -> Vec<Value> {
    let mut queue: Vec<Vec<Value>> = doc["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| vec![c.clone()])
        .collect();
    let mut visited = BTreeSet::new();
    while !queue.is_empty() {
        let path = queue.remove(0);
        let last = path.last().unwrap();
        if last["id"] == id {
            return path;
        }
        if !visited.insert(last["id"].as_str().unwrap().to_owned()) {
            continue;
        }
        for k in Def::element(doc, last["id"].as_str().unwrap())["children"]
            .as_array()
            .unwrap()
        {
            let mut p = path.clone();
            p.push(k.clone());
            queue.push(p);
        }
    }
    panic!("no route to {id}")
}

fn root(rng: &mut Rng, children: Vec<Value>) -> Value {
    let mut children = children;
    for (m, p) in [
        ("#comment", 5),
        ("#comment_before", 4),
        ("#comment_after", 4),
        ("#comment_after", 3),
    ] {
        if rng.chance(p) {
            let i = rng.below(children.len() + 1);
            children.insert(i, json!({"m": m, "text": "a comment: <x> & ü"}));
        }
    }
    json!({"children": children})
}

fn cases(def: &Def, count: usize, seed: u64, seen: &mut BTreeSet<String>) -> Vec<Value> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    // Every element once with all its attributes, reached from the response.
    for doc in &def.docs {
        for e in doc["elements"].as_array().unwrap() {
            let path = route(doc, e["id"].as_str().unwrap());
            let mut node: Option<Value> = None;
            for (i, c) in path.iter().enumerate().rev() {
                let full = i == path.len() - 1;
                let mut n = element(&mut rng, doc, c, if full { 2 } else { 0 }, full, seen);
                if let Some(inner) = node.take() {
                    n["children"].as_array_mut().unwrap().push(inner);
                }
                node = Some(n);
            }
            out.push(
                json!({"document": doc["module"], "root": root(&mut rng, vec![node.unwrap()])}),
            );
        }
    }
    while out.len() < count {
        let doc = &def.docs[[0, 0, 0, 0, 1, 2][rng.below(6)]];
        let kids = doc["children"].as_array().unwrap();
        let mut children = Vec::new();
        for _ in 0..1 + rng.below(5) {
            let k = &kids[rng.below(kids.len())];
            children.push(element(&mut rng, doc, k, 3, false, seen));
        }
        extras(&mut rng, &mut children);
        out.push(json!({"document": doc["module"], "root": root(&mut rng, children)}));
    }
    out
}

fn definition() -> Def {
    let v: Value = serde_json::from_str(DEFINITION).unwrap();
    Def {
        docs: v["documents"].as_array().unwrap().clone(),
    }
}

fn run_node(cases: &[Value]) -> Value {
    let dir = PathBuf::from(std::env::var("TWILIO_NODE_DIR").expect("TWILIO_NODE_DIR"));
    let tmp = std::env::temp_dir().join(format!("twiml-{}-{}", std::process::id(), cases.len()));
    std::fs::create_dir_all(&tmp).unwrap();
    let input = tmp.join("cases.json");
    std::fs::write(&input, serde_json::to_vec(cases).unwrap()).unwrap();
    let out = node::run_script(
        "twiml.js",
        &[dir.as_os_str(), input.as_os_str()],
        &tmp.join("out.json"),
    );
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(
        out["version"], TWILIO_NODE_VERSION,
        "the pinned twilio-node"
    );
    out
}

#[test]
#[ignore = "needs Node.js and twilio-node (TWILIO_NODE_DIR); run by `cargo xtask test`"]
fn twiml_matches_twilio_node() {
    let count: usize = std::env::var("TWILIO_TWIML_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    let seed: u64 = std::env::var("TWILIO_TWIML_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SEED);
    let def = definition();
    let mut seen = BTreeSet::new();
    let cases = cases(&def, count, seed, &mut seen);
    // Coverage: every element and every attribute of the definition appears.
    let mut missing = Vec::new();
    for doc in &def.docs {
        for e in doc["elements"].as_array().unwrap() {
            let key = format!("{}/{}", doc["module"], e["id"]);
            if !seen.contains(&key) {
                missing.push(key.clone());
            }
            for a in e["attributes"].as_array().unwrap() {
                let k = format!("{key}@{}", a["name"]);
                if !seen.contains(&k) {
                    missing.push(k);
                }
            }
        }
    }
    assert!(missing.is_empty(), "not covered: {missing:?}");
    let out = run_node(&cases);
    let theirs = out["documents"].as_array().unwrap();
    assert_eq!(theirs.len(), cases.len());
    let mut failures = Vec::new();
    for (i, (c, t)) in cases.iter().zip(theirs).enumerate() {
        let ours = build(c["document"].as_str().unwrap(), &c["root"]);
        match t.as_str() {
            Some(t) if t == ours => {}
            _ => failures.push(format!(
                "document {i}: {}\n  ours:   {ours}\n  theirs: {t}",
                c
            )),
        }
    }
    let n = cases.len();
    println!(
        "twiml: {} elements and attributes covered; {} of {n} documents identical to twilio-node {TWILIO_NODE_VERSION}",
        seen.len(),
        n - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
#[ignore = "needs Node.js and twilio-node (TWILIO_NODE_DIR); run by `cargo xtask test`"]
fn the_definition_has_everything_twilio_node_accepts() {
    let def = definition();
    let inventory = &run_node(&[])["inventory"];
    let mut missing = Vec::new();
    let (mut elements, mut attributes, mut values) = (0, 0, 0);
    for entry in inventory["elements"].as_array().unwrap() {
        elements += 1;
        let doc = def.doc(entry["document"].as_str().unwrap());
        let parent = entry["parent"].as_str().unwrap();
        let kids = if doc["response"] == parent {
            &doc["children"]
        } else {
            match doc["elements"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == parent)
            {
                Some(e) => &e["children"],
                None => {
                    missing.push(format!("{}: element {parent}", doc["module"]));
                    continue;
                }
            }
        };
        let Some(child) = kids
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["js_method"] == entry["method"])
        else {
            missing.push(format!(
                "{}: {parent}.{} (<{}>)",
                doc["module"], entry["method"], entry["tag"]
            ));
            continue;
        };
        let e = Def::element(doc, child["id"].as_str().unwrap());
        if e["tag"] != entry["tag"] {
            missing.push(format!(
                "{}: {parent}.{} writes <{}>, the definition <{}>",
                doc["module"], entry["method"], entry["tag"], e["tag"]
            ));
        }
        for a in entry["attributes"].as_array().unwrap() {
            attributes += 1;
            if !e["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == *a)
            {
                missing.push(format!("{}: {} attribute {a}", doc["module"], e["id"]));
            }
        }
    }
    for en in inventory["enums"].as_array().unwrap() {
        let doc = def.doc(en["document"].as_str().unwrap());
        let name = en["name"].as_str().unwrap();
        let Some(ours) = doc["enums"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
        else {
            missing.push(format!("{}: enum {name}", doc["module"]));
            continue;
        };
        let ours: BTreeSet<&str> = ours["variants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[1].as_str().unwrap())
            .collect();
        for v in en["values"].as_array().unwrap() {
            values += 1;
            if !ours.contains(v.as_str().unwrap()) {
                missing.push(format!("{}: {name} value {v}", doc["module"]));
            }
        }
    }
    println!(
        "twiml completeness: {elements} elements, {attributes} attributes, {values} enum values of twilio-node {TWILIO_NODE_VERSION}; {} missing from the definition",
        missing.len()
    );
    for m in &missing {
        println!("  missing: {m}");
    }
    assert!(missing.is_empty());
}

/// The listed differences, as ours behaves (twilio-node throws on both).
#[test]
fn forbidden_characters_and_double_hyphens_stay_well_formed() {
    use twilio_rest_twiml::voice::{Say, VoiceResponse};
    let twiml = VoiceResponse::new()
        .comment("a -- b")
        .say(Say::new("bell \u{7} end").attr("x", "nul \u{0} \u{fffe}"))
        .to_string();
    assert!(twiml.contains("<!-- a - - b -->"), "{twiml}");
    assert!(
        twiml.contains("<Say x=\"nul \u{fffd} \u{fffd}\">bell \u{fffd} end</Say>"),
        "{twiml}"
    );
}

/// Typed nesting: what TwiML does not allow does not compile (a `<Play>` is not a
/// child of `<Dial>`), and an unknown enum value is sent as written.
#[test]
fn typed_values_and_open_enums() {
    use twilio_rest_twiml::voice::{Dial, DialEvents, Number, Say, SayVoice, VoiceResponse};
    assert_eq!(SayVoice::from("Polly.Amy"), SayVoice::PollyAmy);
    assert_eq!(
        SayVoice::from("Polly.Future-Neural").as_str(),
        "Polly.Future-Neural"
    );
    let twiml = VoiceResponse::new()
        .dial(
            Dial::new()
                .events(DialEvents::CallProgressEvent)
                .number(Number::new("+1 & 2")),
        )
        .say(Say::new("x").voice("Polly.Future-Neural"));
    assert_eq!(
        twiml.to_string(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial events=\"call-progress-event\">\
         <Number>+1 &amp; 2</Number></Dial><Say voice=\"Polly.Future-Neural\">x</Say></Response>"
    );
}
