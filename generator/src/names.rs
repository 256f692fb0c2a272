//! The one identifier sanitizer: every Rust name the generator emits comes from here.
//!
//! API names (`DateCreated<`, `in-progress`, `~predicted-csat`, `UK:CRN`, `type`) are
//! turned into valid, idiomatic Rust identifiers; keywords become raw identifiers
//! (`r#type`) or, where Rust forbids that (`self`, `crate`, `super`, `Self`), get a `_`
//! suffix. Collisions inside one scope are resolved by [`Scope`].

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Every keyword of Rust 2015 to 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of the standard prelude that generated code uses unqualified; no
/// generated type may take them.
pub const PRELUDE_TYPES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Default",
];

/// Variant names an open enum cannot take: its catch-all `Unknown`, and the
/// associated types of the traits it implements (`FromStr::Err`), which `Self::Err`
/// would make ambiguous.
pub const OPEN_ENUM_RESERVED: &[&str] = &["Unknown", "Err"];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Whether `s` is a Rust keyword (strict or reserved, any edition).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Spelled-out names for the symbols Twilio uses in API names, used where dropping
/// the symbol would make two names collide (`predicted-csat` vs `~predicted-csat`).
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '~' => "tilde",
        '+' => "plus",
        '*' => "star",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "not",
        '@' => "at",
        '#' => "hash",
        '%' => "percent",
        '&' => "and",
        '$' => "dollar",
        '.' => "dot",
        ':' => "colon",
        '/' => "slash",
        _ => return None,
    })
}

/// Inequality suffixes of Twilio query names (`DateCreated<`), longest first.
const INEQUALITIES: &[(&str, &str)] = &[
    ("<=", "on_or_before"),
    (">=", "on_or_after"),
    ("<", "before"),
    (">", "after"),
];

/// Splits `DateCreated<` into (`DateCreated`, Some(`before`)).
fn split_inequality(api: &str) -> (&str, Option<&'static str>) {
    for (suffix, word) in INEQUALITIES {
        if let Some(stem) = api.strip_suffix(suffix) {
            if !stem.is_empty() {
                return (stem, Some(word));
            }
        }
    }
    (api, None)
}

/// Keeps only ASCII letters, digits and `_`, so every result is a valid, portable
/// identifier; any other character becomes `_`.
fn identifier_chars(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Spells out symbols as words (`~x` → `tilde_x`).
fn spell_symbols(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match symbol_word(c) {
            Some(w) => {
                out.push('_');
                out.push_str(w);
                out.push('_');
            }
            None => out.push(c),
        }
    }
    out
}

fn finish_snake(mut s: String) -> String {
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if is_keyword(&s) {
        s.insert_str(0, "r#");
    }
    s
}

/// `s` as an `UpperCamelCase` identifier; `Self`, which cannot be one, takes
/// `self_suffix` (`SelfType`, `SelfValue`), so the name stays lint-clean.
fn finish_camel(mut s: String, self_suffix: &str) -> String {
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s.push_str(self_suffix);
    }
    s
}

/// A `snake_case` identifier (field, parameter, method, module) for an API name.
///
/// `DateCreated<` becomes `date_created_before`, `Integration.FlowSid`
/// `integration_flow_sid`, `type` `r#type`.
pub fn snake_ident(api: &str) -> String {
    let (stem, ineq) = split_inequality(api);
    let mut s = identifier_chars(stem).to_snake_case();
    if let Some(word) = ineq {
        s.push('_');
        s.push_str(word);
    }
    finish_snake(s)
}

/// An `UpperCamelCase` type name for an API name (`Self` → `SelfType`).
pub fn camel_ident(api: &str) -> String {
    finish_camel(identifier_chars(api).to_upper_camel_case(), "Type")
}

/// The variant name of an enum value: `in-progress` → `InProgress`, `UK:CRN` → `UkCrn`,
/// `~predicted-csat` → `PredictedCsat`, `""` → `Empty`, `1` → `V1`, `Self` → `SelfValue`.
pub fn variant_ident(value: &str) -> String {
    finish_camel(identifier_chars(value).to_upper_camel_case(), "Value")
}

/// Like [`variant_ident`] but with symbols spelled out: `~predicted-csat` → `TildePredictedCsat`.
pub fn variant_ident_spelled(value: &str) -> String {
    finish_camel(
        identifier_chars(&spell_symbols(value)).to_upper_camel_case(),
        "Value",
    )
}

/// Like [`snake_ident`] but with symbols spelled out.
pub fn snake_ident_spelled(api: &str) -> String {
    finish_snake(identifier_chars(&spell_symbols(api)).to_snake_case())
}

/// The singular of an English plural path segment, as Twilio's own generators
/// derive resource names: `Participants` → `Participant`, `Categories` → `Category`,
/// `Addresses` → `Address`, `Statuses` → `Status`; words that are not plural
/// (`Status`, `Media`, `Configuration`) are unchanged.
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let keep = |n: usize| word[..word.len() - n].to_owned();
    if lower.ends_with("ies") && word.len() > 4 {
        return format!("{}y", keep(3));
    }
    for suffix in ["sses", "shes", "ches", "xes", "zzes", "uses"] {
        if lower.ends_with(suffix) {
            return keep(2);
        }
    }
    if lower.ends_with("ss")
        || lower.ends_with("us")
        || lower.ends_with("is")
        || !lower.ends_with('s')
    {
        return word.to_owned();
    }
    keep(1)
}

/// `name` (already made of identifier characters) as an identifier: keywords
/// become raw (`r#type`) or get a `_` suffix where Rust forbids that (`self_`).
pub fn keyword_safe(name: &str) -> String {
    finish_snake(name.to_owned())
}

/// The identifier without a raw prefix, for building other names from it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// One naming scope (the fields of a struct, the variants of an enum, the items of a
/// module): hands out unique identifiers deterministically, in the order asked.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims the first free name among `candidates`, else the first candidate with
    /// the smallest numeric suffix (`2`, `3`, …) that is free. Returns it.
    pub fn claim(&mut self, candidates: &[String], separator: &str) -> String {
        for c in candidates {
            if self.taken.insert(unraw(c).to_owned()) {
                return c.clone();
            }
        }
        // `self_` + `_2` would be `self__2`, which is not snake case.
        let mut base = unraw(&candidates[0]);
        if !separator.is_empty() {
            base = base.trim_end_matches(separator);
        }
        let base = base.to_owned();
        let mut n = 2usize;
        loop {
            let name = format!("{base}{separator}{n}");
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }

    /// A unique `snake_case` name for `api`.
    pub fn snake(&mut self, api: &str) -> String {
        self.claim(&[snake_ident(api), snake_ident_spelled(api)], "_")
    }

    /// A unique `UpperCamelCase` type name for `api`; on a collision, the name
    /// with a `Type` suffix comes before a numbered one.
    pub fn camel(&mut self, api: &str) -> String {
        let name = camel_ident(api);
        let typed = format!("{name}Type");
        self.claim(&[name, typed], "")
    }

    /// A unique variant name for the enum value `value`, falling back to spelled-out
    /// symbols and then to a `Value` suffix on collision.
    pub fn variant(&mut self, value: &str) -> String {
        let primary = variant_ident(value);
        let with_value = format!("{primary}Value");
        self.claim(&[primary, variant_ident_spelled(value), with_value], "")
    }

    /// A unique name made of already valid identifier text (no sanitizing).
    pub fn exact(&mut self, name: &str) -> String {
        self.claim(&[name.to_owned()], "")
    }
}

/// The environment variable that overrides the base URL of the API whose module is
/// `module` (`TWILIO_FLEX_V1_BASE_URL` for `flex_v1`), spelled as the runtime's
/// `base_url_var` spells it (`tests/client` keeps the two equal).
pub fn base_url_var(module: &str) -> String {
    format!("TWILIO_{}_BASE_URL", module.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_table() {
        let table = [
            ("DateCreated", "date_created"),
            ("DateCreated<", "date_created_before"),
            ("DateCreated>", "date_created_after"),
            ("StartDate>=", "start_date_on_or_after"),
            ("EndDate<=", "end_date_on_or_before"),
            ("Integration.FlowSid", "integration_flow_sid"),
            ("X-Twilio-Webhook-Enabled", "x_twilio_webhook_enabled"),
            ("Flex-Metadata", "flex_metadata"),
            ("If-Match", "if_match"),
            ("type", "r#type"),
            ("Type", "r#type"),
            ("ref", "r#ref"),
            ("match", "r#match"),
            ("Async", "r#async"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("PageSize", "page_size"),
            ("sid", "sid"),
            ("url/path", "url_path"),
            ("2fa", "n2fa"),
            ("", "value"),
            ("MediaUrl", "media_url"),
        ];
        for (api, rust) in table {
            assert_eq!(snake_ident(api), rust, "snake_ident({api:?})");
        }
    }

    #[test]
    fn camel_table() {
        let table = [
            (
                "interaction_channel_participant",
                "InteractionChannelParticipant",
            ),
            ("in-progress", "InProgress"),
            ("~predicted-csat", "PredictedCsat"),
            ("UK:CRN", "UkCrn"),
            ("message-only", "MessageOnly"),
            ("None", "None"),
            ("Default", "Default"),
            ("Ok", "Ok"),
            ("Self", "SelfType"),
            ("self", "SelfType"),
            ("type", "Type"),
            ("", "Empty"),
            ("1", "V1"),
            ("a.b.c", "ABC"),
            ("POST", "Post"),
        ];
        for (api, rust) in table {
            assert_eq!(camel_ident(api), rust, "camel_ident({api:?})");
        }
    }

    #[test]
    fn every_result_is_a_valid_identifier() {
        let inputs = [
            "type",
            "ref",
            "match",
            "in-progress",
            "~predicted-csat",
            "UK:CRN",
            "None",
            "Default",
            "Ok",
            "Self",
            "self",
            "crate",
            "super",
            "",
            "1",
            "é",
            "²",
            "x²",
            "日本",
            "a b",
            "DateCreated<",
            "__",
            "-",
            "gen",
            "async",
            "dyn",
            "try",
        ];
        for i in inputs {
            for ident in [snake_ident(i), camel_ident(i), variant_ident_spelled(i)] {
                syn::parse_str::<syn::Ident>(&ident)
                    .unwrap_or_else(|e| panic!("{ident:?} from {i:?} is not an identifier: {e}"));
            }
        }
    }

    #[test]
    fn singular_table() {
        let table = [
            ("Participants", "Participant"),
            ("Services", "Service"),
            ("Sessions", "Session"),
            ("Interactions", "Interaction"),
            ("Categories", "Category"),
            ("Addresses", "Address"),
            ("Statuses", "Status"),
            ("Boxes", "Box"),
            ("Branches", "Branch"),
            ("Status", "Status"),
            ("Media", "Media"),
            ("Configuration", "Configuration"),
            ("Access", "Access"),
            ("Analysis", "Analysis"),
            ("FlexFlows", "FlexFlow"),
            ("PhoneNumbers", "PhoneNumber"),
            ("Calls.json", "Calls.json"),
        ];
        for (plural, want) in table {
            assert_eq!(singular(plural), want, "singular({plural:?})");
        }
    }

    #[test]
    fn collisions_are_resolved_predictably() {
        let mut s = Scope::default();
        assert_eq!(s.snake("DateCreated"), "date_created");
        assert_eq!(s.snake("DateCreated<"), "date_created_before");
        assert_eq!(s.snake("DateCreated>"), "date_created_after");
        assert_eq!(s.snake("date_created"), "date_created_2");

        let mut v = Scope::with_reserved(&["Unknown"]);
        assert_eq!(v.variant("predicted-csat"), "PredictedCsat");
        assert_eq!(v.variant("~predicted-csat"), "TildePredictedCsat");
        assert_eq!(v.variant("unknown"), "UnknownValue");
        assert_eq!(v.variant("UNKNOWN"), "Unknown2");
        assert_eq!(v.variant("in-progress"), "InProgress");
        assert_eq!(v.variant("in_progress"), "InProgressValue");
        assert_eq!(v.variant("In Progress"), "InProgress2");

        let mut f = Scope::default();
        assert_eq!(f.snake("type"), "r#type");
        assert_eq!(f.snake("Type"), "type_2");
        assert_eq!(f.snake("self"), "self_");
        assert_eq!(f.snake("Self"), "self_2");
        assert_eq!(f.snake("self_"), "self_3");

        let mut v = Scope::with_reserved(OPEN_ENUM_RESERVED);
        assert_eq!(v.variant("Self"), "SelfValue");
        assert_eq!(v.variant("self"), "SelfValueValue");
        assert_eq!(v.variant("Err"), "ErrValue");
        assert_eq!(v.variant(""), "Empty");
        assert_eq!(v.variant("\u{1F600}"), "EmptyValue");
        assert_eq!(v.variant("\u{1F389}"), "Empty2");
    }
}
