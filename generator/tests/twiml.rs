//! The TwiML input: a bad definition is refused with every problem at its JSON
//! pointer (never a panic), and a good one generates the same bytes every time.

mod support;

use twilio_codegen::diag::Location;
use twilio_codegen::emit::Layout;
use twilio_codegen::twiml;

const GOOD: &str = r#"
version: 1
documents:
  voice:
    response: VoiceResponse
    children: [Say, Dial]
    elements:
      Say:
        tag: Say
        method: say
        text: {name: message, required: true}
        attributes:
          - {name: voice, type: SayVoice}
          - {name: loop, type: integer}
        children: [SsmlBreak]
      SsmlBreak:
        tag: break
        method: break
        attributes:
          - {name: strength, type: SsmlBreakStrength}
      Dial:
        tag: Dial
        method: dial
        text: {name: number, required: false}
        attributes:
          - {name: events, type: DialEvents, list: true}
          - {name: hangupOnStar, type: boolean}
    enums:
      SayVoice: [man, woman, Polly.Amy]
      SsmlBreakStrength: [none, x-weak]
      DialEvents: [call-progress-event]
"#;

fn locations(text: &str) -> Vec<(String, String)> {
    match twiml::read("twiml.yaml", text.as_bytes()) {
        Ok(_) => Vec::new(),
        Err(ds) => {
            ds.0.into_iter()
                .map(|d| {
                    let at = match d.location {
                        Location::Pointer(p) => p,
                        Location::LineCol(l, c) => format!("{l}:{c}"),
                        Location::File => String::new(),
                    };
                    (at, d.message)
                })
                .collect()
        }
    }
}

#[test]
fn a_good_definition_generates_the_same_bytes_every_time() {
    let config = Layout::new("twiml-test").facade;
    let templates = support::templates();
    let a = twiml::generate("twiml.yaml", GOOD.as_bytes(), &config, &templates).unwrap();
    let b = twiml::generate("twiml.yaml", GOOD.as_bytes(), &config, &templates).unwrap();
    assert_eq!(a, b);
    let voice = &a["src/voice.rs"];
    // Keywords are raw identifiers; lists and enums typed.
    assert!(
        voice.contains("pub fn r#break(mut self, child: SsmlBreak)"),
        "{voice}"
    );
    assert!(voice.contains("pub fn r#loop(mut self, value: u32)"));
    assert!(voice.contains("pub fn with_number(text: impl Into<String>)"));
    assert!(voice.contains("values: impl IntoIterator<Item = impl Into<DialEvents>>"));
    assert!(a.contains_key("tests/differential/dispatch.rs"));
}

#[test]
fn every_problem_is_reported_at_its_pointer() {
    let bad = GOOD
        .replace("children: [SsmlBreak]", "children: [SsmlBreak, Play]")
        .replace("type: SayVoice", "type: Voices")
        .replace("version: 1", "version: 2")
        .replace(
            "SsmlBreakStrength: [none, x-weak]",
            "SsmlBreakStrength: [none, none]",
        );
    let found = locations(&bad);
    let expect = [
        ("#/version", "version 1"),
        (
            "#/documents/voice/enums/SsmlBreakStrength/1",
            "listed twice",
        ),
        (
            "#/documents/voice/elements/Say/children/1",
            "`Play` is not an element",
        ),
        (
            "#/documents/voice/elements/Say/attributes/0/type",
            "`Voices`",
        ),
    ];
    for (at, what) in expect {
        assert!(
            found.iter().any(|(a, m)| a == at && m.contains(what)),
            "no error at {at} containing {what:?} in {found:?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:?}");
}

#[test]
fn shape_errors_and_garbage_are_diagnosed_not_panicked() {
    let unknown_key = GOOD.replace("method: dial", "method: dial\n        colour: red");
    let found = locations(&unknown_key);
    assert!(
        found[0].0.starts_with("#/documents/voice/elements/Dial"),
        "{found:?}"
    );
    assert!(found[0].1.contains("colour"), "{found:?}");
    for garbage in [
        "",
        "[",
        "version: [1",
        "documents: 7",
        "\u{0}\u{1}",
        "version: 1\ndocuments: {}",
    ] {
        assert!(!locations(garbage).is_empty(), "{garbage:?} accepted");
    }
    let bad_name = GOOD.replace("tag: Say", "tag: \"Say Hi\"");
    assert_eq!(
        locations(&bad_name)[0].0,
        "#/documents/voice/elements/Say/tag"
    );
}

/// The real definition, cut short and with bytes changed at many places: always a
/// definition or diagnostics, never a panic.
#[test]
fn mutated_definitions_never_panic() {
    let real = include_bytes!("../../specs/twiml/twiml.yaml");
    assert!(twiml::read("twiml.yaml", real).is_ok());
    let mut seed: u64 = 0x7771_2026;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let config = Layout::new("twiml-fuzz").facade;
    let templates = support::templates();
    for _ in 0..40 {
        let mut bytes = real.to_vec();
        if next(2) == 0 {
            bytes.truncate(next(real.len()));
        } else {
            for _ in 0..1 + next(4) {
                let at = next(bytes.len());
                let pool = b"\0:-[]{}\"' \nxy9";
                bytes[at] = pool[next(pool.len())];
            }
        }
        let _ = twiml::generate("twiml.yaml", &bytes, &config, &templates);
    }
}
