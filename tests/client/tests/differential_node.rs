//! Differential test against twilio-node 6.2.0: every operation of every API of
//! the generated crate, with every parameter it has given a value that is hard to
//! encode (several list items, nested JSON, fractional-second date-times, dates,
//! `false`, unicode and `&=+ /?#%`), is sent once through `twilio_rest` and once
//! through twilio-node's resource classes (`node/differential.js`) to one
//! in-process recording server. The two requests of each operation must agree
//! field by field: method, path, query and form multisets (JSON values compared
//! as JSON), JSON body (an object property by property), content type, an empty
//! body's `Content-Length`, `Accept`, authorization, the headers the operation
//! declares, and the user agent's shape. The only differences allowed are those
//! in [`ALLOWED`], each with its reason: a few on every operation, the rest in
//! named fields of named operations (parameters twilio-node 6.2.0 does not know,
//! the OAuth endpoints' credentials), so every operation counts as identical but
//! for its listed fields.
//!
//! The arguments come from the generator (`generated/tests/differential/cases.json`
//! and `calls.rs`, from the same samples), so a new operation is covered when it is
//! generated. Needs Node.js and the npm package `twilio@6.2.0`; `TWILIO_NODE_DIR`
//! is the folder of the installed package (`…/node_modules/twilio`). `cargo xtask
//! test` installs it into `.twilio-node/` and runs this test.

// Generated and formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
#[path = "../../../generated/twilio-rest/tests/differential/calls.rs"]
mod calls;
/// The fixture crate's calls, compiled so that the shapes Flex and Proxy lack
/// render valid calls too (not sent: twilio-node has no such APIs).
#[rustfmt::skip]
#[path = "../../fixture-client/fixture-client/tests/differential/calls.rs"]
#[allow(dead_code)]
mod fixture_calls;
#[path = "common/node.rs"]
mod node;

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The twilio-node version the requests must match.
const TWILIO_NODE_VERSION: &str = "6.2.0";
/// The path prefix of the marker request node sends before each operation.
const MARKER: &str = "/__differential/";

/// A difference allowed on purpose, with its reason: in some fields of the
/// requests of every operation, or of some operations.
struct Allowed {
    /// The operations it is for (module, operationId); empty: every operation.
    operations: &'static [(&'static str, &'static str)],
    /// The fields, as the comparison names them (`header accept`, `form
    /// PhoneNumber`, `json size`; a trailing `*` takes every field with that
    /// prefix), or `requests sent` (twilio-node refuses the call and sends none).
    fields: &'static [&'static str],
    /// Whether a difference (ours, twilio-node's; `None` when absent) is this one.
    applies: fn(Option<&str>, Option<&str>) -> bool,
    /// Why the requests differ there, and why ours is right.
    reason: &'static str,
}

impl Allowed {
    /// The index in [`Allowed::fields`] of the field `name` of operation `op` of
    /// `module`, when this entry covers it.
    fn covers(&self, module: &str, op: &str, name: &str) -> Option<usize> {
        let scoped = self.operations.is_empty()
            || self.operations.iter().any(|&(m, o)| m == module && o == op);
        let matches = |f: &str| match f.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => f == name,
        };
        self.fields
            .iter()
            .position(|f| matches(f))
            .filter(|_| scoped)
    }
}

/// Any values: for differences listed per operation.
fn any_values(_: Option<&str>, _: Option<&str>) -> bool {
    true
}

/// Parameters of twilio-oai 2.6.7 (the specs we generate from) that twilio-node
/// 6.2.0's methods do not take.
const NEWER_SPEC: &str = "parameters twilio-oai 2.6.7 has and twilio-node 6.2.0's method \
                          does not take (its source reads no such argument): ours sends \
                          them, twilio-node cannot";

/// An entry for the operations `operations`, in `fields`, for `reason`.
const fn listed(
    operations: &'static [(&'static str, &'static str)],
    fields: &'static [&'static str],
    reason: &'static str,
) -> Allowed {
    Allowed {
        operations,
        fields,
        applies: any_values,
        reason,
    }
}

/// Every allowed difference, with its reason, in one place: the deliberate ones
/// on every operation, then those of some operations. Anything else fails the
/// test, and so does an entry (each of its fields, for each of its operations)
/// that no longer occurs.
const ALLOWED: &[Allowed] = &[
    Allowed {
        operations: &[],
        fields: &["header accept"],
        applies: |ours, theirs| {
            ours == Some("application/json") && theirs == Some("application/json, text/plain, */*")
        },
        reason: "ours asks for JSON on every operation, DELETE included (Twilio's error \
                 bodies are JSON); twilio-node sets no Accept on DELETE, so axios's default \
                 goes out",
    },
    Allowed {
        operations: &[],
        fields: &["query PageSize"],
        applies: |ours, theirs| {
            let n = |v: Option<&str>| v.and_then(|v| v.trim_matches('"').parse::<u64>().ok());
            n(ours).is_some_and(|o| o <= 1000 && n(theirs).is_some_and(|t| t > o))
        },
        reason: "with an item limit above the largest page the operation's spec allows \
                 (its `PageSize` maximum, at most the 1000 items a page Twilio serves), ours \
                 asks for pages of that maximum and pages on; twilio-node asks for the \
                 whole limit as the page size",
    },
    Allowed {
        operations: &[],
        fields: &["header authorization"],
        applies: |ours, theirs| {
            ours.is_some_and(|o| !o.starts_with("Basic "))
                && theirs.is_some_and(|t| t.starts_with("Basic "))
        },
        reason: "an operation's own `Authorization` header parameter, when given, is sent \
                 instead of the client's credentials; twilio-node overwrites it with Basic \
                 auth, silently dropping the argument",
    },
    Allowed {
        operations: &[],
        fields: &["header *"],
        applies: |ours, theirs| {
            ours.is_some_and(|o| !o.is_ascii()) && theirs.is_some_and(|t| t.contains('\u{fffd}'))
        },
        reason: "a non-ASCII header value (`Flex-Metadata`, `If-Match`, \
                 `X-Twilio-Api-Version`, `Ui-Version`) goes out as its UTF-8 bytes; Node's \
                 http writes one byte per UTF-16 unit (`ë` → 0xEB, `☃` → 0x03), corrupting \
                 it. Name, casing and presence agree: with an ASCII value both send the \
                 same header",
    },
    Allowed {
        operations: &[],
        fields: &["header content-type"],
        applies: |ours, theirs| {
            ours.is_none() && theirs == Some("application/x-www-form-urlencoded")
        },
        reason: "a POST whose operation declares no request body is sent with an empty \
                 body (`Content-Length: 0`) and no media type; twilio-node labels it a form",
    },
    listed(
        &[("proxy_v1", "CreateParticipant")],
        &["form FailOnParticipantConflict"],
        "a parameter our spec overlay adds (`specs/overlays/twilio_proxy_v1.yaml`: \
         Twilio documents it for Proxy Create Participant; the 2.6.7 spec and \
         twilio-node 6.2.0 lack it), so twilio-node cannot send it",
    ),
    listed(
        &[
            ("iam_organizations", "CreateToken"),
            ("iam_organizations", "FetchAuthorize"),
            ("iam_v1", "CreateToken"),
            ("oauth_v1", "CreateToken"),
            ("oauth_v1", "FetchAuthorize"),
            ("oauth_v2", "CreateOauth2Token"),
            ("oauth_v2", "FetchOauth2Authorize"),
        ],
        &["header authorization"],
        "the OAuth token and authorize endpoints declare no security (`security: []`: \
         the OAuth client authenticates with `client_id`/`client_secret` in the \
         request), so ours sends no credentials there; twilio-node sends the account's \
         auth token as Basic auth on every request, these included",
    ),
    listed(
        &[("oauth_v2", "CreateOauth2Token")],
        &["query account_sid", "form account_sid"],
        "the spec puts `account_sid` in the query of this POST and ours sends it \
         there; twilio-node sends every parameter of a POST in the form body",
    ),
    listed(
        &[("oauth_v2", "CreateOauth2Token")],
        &["requests sent"],
        "`grant_type` is optional in the 2.6.7 spec, so ours sends the call without \
         it; twilio-node 6.2.0 requires it and refuses the call before sending",
    ),
    listed(
        &[
            ("api_v2010", "CreateIncomingPhoneNumberLocal"),
            ("api_v2010", "CreateIncomingPhoneNumberMobile"),
            ("api_v2010", "CreateIncomingPhoneNumberTollFree"),
        ],
        // Without its one parameter twilio-node's form is empty, `Content-Length: 0`.
        &["form PhoneNumber", "header content-length"],
        NEWER_SPEC,
    ),
    listed(
        &[("api_v2010", "CreateRealtimeTranscription")],
        &["form ConfigurationId"],
        NEWER_SPEC,
    ),
    listed(
        &[
            ("api_v2010", "ListIncomingPhoneNumberLocal"),
            ("api_v2010", "ListIncomingPhoneNumberMobile"),
            ("api_v2010", "ListIncomingPhoneNumberTollFree"),
        ],
        &[
            "query Beta",
            "query FriendlyName",
            "query Origin",
            "query PageSize",
            "query PhoneNumber",
        ],
        NEWER_SPEC,
    ),
    listed(
        &[("lookups_v1", "FetchPhoneNumber")],
        &["query AddOns.nested.list"],
        "a `null` item of a list inside a map sent flattened under a prefix \
         (`AddOnsData` as `AddOns.<key>`) is left out by ours, as `null` is no value \
         everywhere else; twilio-node sends it as an empty value (`AddOns.nested.list=`)",
    ),
    listed(
        &[("messaging_v1", "FetchUsAppToPersonUsecase")],
        &["query BrandRegistrationSid"],
        NEWER_SPEC,
    ),
    listed(
        &[("taskrouter_v1", "CreateTaskQueueBulkRealTimeStatistics")],
        // The whole body, so twilio-node sends an empty form instead.
        &["json *", "header content-type", "header content-length"],
        NEWER_SPEC,
    ),
    listed(
        &[("taskrouter_v1", "FetchWorkerStatistics")],
        &[
            "query EndDate",
            "query FriendlyName",
            "query Minutes",
            "query StartDate",
            "query TaskChannel",
            "query TaskQueueName",
            "query TaskQueueSid",
        ],
        NEWER_SPEC,
    ),
    listed(
        &[("taskrouter_v1", "FetchWorkersCumulativeStatistics")],
        &[
            "query EndDate",
            "query Minutes",
            "query StartDate",
            "query TaskChannel",
        ],
        NEWER_SPEC,
    ),
    listed(
        &[("taskrouter_v1", "FetchWorkersRealTimeStatistics")],
        &["query TaskChannel"],
        NEWER_SPEC,
    ),
    listed(
        &[("taskrouter_v1", "ListTaskQueuesStatistics")],
        &[
            "query EndDate",
            "query FriendlyName",
            "query Minutes",
            "query PageSize",
            "query SplitByWaitTime",
            "query StartDate",
            "query TaskChannel",
        ],
        NEWER_SPEC,
    ),
    listed(
        &[("verify_v2", "FetchVerificationAttemptsSummary")],
        &[
            "query Channel",
            "query Country",
            "query DateCreatedAfter",
            "query DateCreatedBefore",
            "query DestinationPrefix",
            "query VerifyServiceSid",
        ],
        NEWER_SPEC,
    ),
];

/// APIs twilio-node 6.2.0 has no module for: their operations it has no method
/// for are not counted (the few it has elsewhere are compared).
const APIS_NOT_IN_TWILIO_NODE: &[(&str, &str)] = &[
    (
        "assistants_v1",
        "twilio-node 6.2.0 has no client.assistants",
    ),
    (
        "iam_organizations",
        "twilio-node 6.2.0's client.previewIam has only v1 (authorize, token), no Organizations",
    ),
    (
        "monitor_v2",
        "twilio-node 6.2.0's client.monitor has only v1",
    ),
];

/// Operations of other APIs that twilio-node 6.2.0 has no method for, with the
/// reason (module, operation, reason): not counted.
const OPERATIONS_NOT_IN_TWILIO_NODE: &[(&str, &str, &str)] = &[
    (
        "accounts_v1",
        "UpdateMessagingGeopermissions",
        "twilio-node 6.2.0 has no PATCH method for its path",
    ),
    (
        "bulkexports_v1",
        "DeleteJob",
        "twilio-node 6.2.0 has no DELETE method for its path",
    ),
    (
        "bulkexports_v1",
        "FetchJob",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "conversations_v1",
        "FetchConfigurationWebhook",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "conversations_v1",
        "FetchServiceNotification",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "conversations_v1",
        "FetchServiceWebhookConfiguration",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "conversations_v1",
        "UpdateConfigurationWebhook",
        "twilio-node 6.2.0 has no POST method for its path",
    ),
    (
        "conversations_v1",
        "UpdateServiceNotification",
        "twilio-node 6.2.0 has no POST method for its path",
    ),
    (
        "conversations_v1",
        "UpdateServiceWebhookConfiguration",
        "twilio-node 6.2.0 has no POST method for its path",
    ),
    (
        "iam_v1",
        "ListRolePermission",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "insights_v2",
        "ListInboundPhoneNumbersReport",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "insights_v2",
        "ListOutboundPhoneNumbersReport",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "numbers_v1",
        "CreateSenderIdRegistrationEmbeddedSession",
        "twilio-node 6.2.0 has no POST method for its path",
    ),
    (
        "voice_v1",
        "FetchDialingPermissionsSettings",
        "twilio-node 6.2.0 has no GET method for its path",
    ),
    (
        "voice_v1",
        "UpdateDialingPermissionsSettings",
        "twilio-node 6.2.0 has no POST method for its path",
    ),
];

/// The generated cases (`generated/twilio-rest/tests/differential/cases.json`).
fn cases_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../generated/twilio-rest/tests/differential/cases.json")
}

/// JSON with object keys sorted, so equal values print equally.
fn canonical(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let b: BTreeMap<&String, Value> = m.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(b.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sorted(v)).unwrap()
}

/// A form or query value: JSON objects and arrays as parsed JSON, the rest as text.
fn value_of(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => format!("json {}", canonical(&v)),
        _ => format!("{text:?}"),
    }
}

/// `name/version (os arch) runtime/version`, with each part's content left out.
fn user_agent_shape(ua: &str) -> String {
    let parts: Vec<&str> = ua.split(' ').collect();
    let named = |s: &str| {
        s.split_once('/')
            .is_some_and(|(n, v)| !n.is_empty() && v.chars().any(|c| c.is_ascii_digit()))
    };
    match parts.as_slice() {
        [lib, os, arch, runtime, ..]
            if named(lib) && os.starts_with('(') && arch.ends_with(')') && named(runtime) =>
        {
            "name/version (os arch) runtime/version".to_owned()
        }
        _ => format!("unrecognised: {ua:?}"),
    }
}

/// Adds `prefix key` → the sorted values of each key of `pairs`.
fn multiset(out: &mut BTreeMap<String, String>, prefix: &str, pairs: Vec<(String, String)>) {
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        by_key.entry(k).or_default().push(value_of(&v));
    }
    for (k, mut vs) in by_key {
        vs.sort();
        out.insert(format!("{prefix} {k}"), vs.join(" | "));
    }
}

/// The compared fields of one request: field name → normalised value.
fn fields(r: &Request, declared_headers: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let header = |name: &str| {
        let values: Vec<String> = r
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    out.insert("method".to_owned(), r.method.to_string());
    out.insert("path".to_owned(), r.url.path().to_owned());
    let query = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()));
    multiset(&mut out, "query", query.collect());
    let content_type = header("content-type");
    let essence = content_type.as_deref().map(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match essence.as_deref() {
        Some("application/x-www-form-urlencoded") => {
            let pairs = url::form_urlencoded::parse(&r.body).into_owned().collect();
            multiset(&mut out, "form", pairs);
        }
        // An object per key (`json <key>`), so a difference names its parameter.
        Some(json) if json.ends_with("json") && !r.body.is_empty() => {
            let body = match serde_json::from_slice::<Value>(&r.body) {
                Ok(Value::Object(o)) => {
                    for (k, v) in o {
                        out.insert(format!("json {k}"), canonical(&v));
                    }
                    "an object".to_owned()
                }
                Ok(v) => canonical(&v),
                Err(_) => format!("not JSON: {:?}", String::from_utf8_lossy(&r.body)),
            };
            out.insert("json body".to_owned(), body);
        }
        _ if !r.body.is_empty() => {
            out.insert(
                "body".to_owned(),
                format!("{:?}", String::from_utf8_lossy(&r.body)),
            );
        }
        _ => {}
    }
    // An empty body's stated length (a non-empty one's is the body's, compared above).
    if r.body.is_empty() {
        if let Some(v) = header("content-length") {
            out.insert("header content-length".to_owned(), v);
        }
    }
    for name in ["content-type", "accept", "authorization"] {
        if let Some(v) = header(name) {
            out.insert(format!("header {name}"), v);
        }
    }
    for name in declared_headers {
        let name = name.to_ascii_lowercase();
        if let Some(v) = header(&name) {
            out.insert(format!("header {name}"), v);
        }
    }
    if let Some(ua) = header("user-agent") {
        out.insert("user-agent shape".to_owned(), user_agent_shape(&ua));
    }
    out
}

/// Runs `node/differential.js` over the cases against `server`; its per-operation
/// results.
fn run_node(package: &Path, server: &str) -> Value {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("differential-node");
    fs::create_dir_all(&dir).unwrap();
    let cases = cases_path();
    let args = [package.as_os_str(), cases.as_os_str(), OsStr::new(server)];
    node::run_script("differential.js", &args, &dir.join("results.json"))
}

/// One case: (module, operationId, variant).
type Key = (String, String, String);

/// The key of a case or a node result.
fn key_of(module: &str, v: &Value) -> Key {
    let field = |name: &str| v[name].as_str().unwrap().to_owned();
    (module.to_owned(), field("operation"), field("variant"))
}

/// twilio-node's requests, split at its markers: case → requests.
fn node_requests(all: &[Request]) -> BTreeMap<Key, Vec<Request>> {
    let mut out: BTreeMap<Key, Vec<Request>> = BTreeMap::new();
    let mut current = None;
    for r in all {
        if let Some(rest) = r.url.path().strip_prefix(MARKER) {
            let parts: Vec<&str> = rest.split('/').collect();
            let [module, op, variant] = parts[..] else {
                panic!("bad marker {rest}");
            };
            let key = (module.to_owned(), op.to_owned(), variant.to_owned());
            out.entry(key.clone()).or_default();
            current = Some(key);
        } else if let Some(key) = &current {
            out.get_mut(key).unwrap().push(r.clone());
        }
    }
    out
}

/// Which allowed differences occurred: (entry of [`ALLOWED`], index of its
/// field, the operation for an entry of some operations) → the cases.
type Used = BTreeMap<(usize, usize, Option<(String, String)>), Vec<String>>;

/// The entry of [`ALLOWED`] (and its field's index) that allows the difference
/// (`ours`, `theirs`) in field `name` of operation `op` of `module`: one of that
/// operation's first, then one of every operation.
fn allowance(
    module: &str,
    op: &str,
    name: &str,
    ours: Option<&str>,
    theirs: Option<&str>,
) -> Option<(usize, usize)> {
    let specific = ALLOWED
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.operations.is_empty());
    let general = ALLOWED
        .iter()
        .enumerate()
        .filter(|(_, a)| a.operations.is_empty());
    specific.chain(general).find_map(|(i, a)| {
        let field = a.covers(module, op, name)?;
        (a.applies)(ours, theirs).then_some((i, field))
    })
}

/// Records that case `c` of `module` has the allowed difference `(entry, field)`.
fn record(used: &mut Used, (entry, field): (usize, usize), module: &str, c: &Value) {
    let op = c["operation"].as_str().unwrap();
    let scope = (!ALLOWED[entry].operations.is_empty()).then(|| (module.to_owned(), op.to_owned()));
    let case = format!("{module} {op} ({})", c["variant"].as_str().unwrap());
    used.entry((entry, field, scope)).or_default().push(case);
}

/// The field an argument of a case is compared in.
fn field_of(arg: &Value) -> String {
    let name = arg["name"].as_str().unwrap();
    match arg["in"].as_str().unwrap() {
        "header" => format!("header {}", name.to_ascii_lowercase()),
        "body" => "json body".to_owned(),
        place => format!("{place} {name}"),
    }
}

/// The differences between our request and twilio-node's for case `c` of
/// `module` that [`ALLOWED`] does not list; each allowed one is recorded in `used`.
fn compare(
    module: &str,
    c: &Value,
    ours: &Request,
    theirs: &Request,
    used: &mut Used,
) -> Vec<String> {
    let op = c["operation"].as_str().unwrap();
    let args = c["args"].as_array().unwrap();
    let declared: Vec<String> = args
        .iter()
        .filter(|a| a["in"] == "header")
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    let a = fields(ours, &declared);
    let b = fields(theirs, &declared);
    if std::env::var("TWILIO_DIFFERENTIAL_SHOW").is_ok_and(|s| s == op) {
        println!(
            "{op} {}\n  ours:        {a:#?}\n  twilio-node: {b:#?}",
            c["variant"]
        );
        println!("  headers, ours:        {:?}", ours.headers);
        println!("  headers, twilio-node: {:?}", theirs.headers);
    }
    let mut problems = Vec::new();
    // Not vacuous: every argument given is in the request (a map sent flattened
    // under a prefix, `AddOns.<key>`, by its first key).
    for arg in args {
        let field = field_of(arg);
        let place = format!("{} ", arg["in"].as_str().unwrap());
        let flattened = |key: &String| {
            a.keys()
                .any(|k| k.starts_with(&place) && k.ends_with(&format!(".{key}")))
        };
        let first_key = arg["value"].as_object().and_then(|o| o.keys().next());
        let sent = a.contains_key(&field) || first_key.is_some_and(flattened);
        if !sent {
            problems.push(format!("{field}: given, but not in our request"));
        }
    }
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        let (x, y) = (a.get(name), b.get(name));
        if x == y {
            continue;
        }
        let (x, y) = (x.map(String::as_str), y.map(String::as_str));
        match allowance(module, op, name, x, y) {
            Some(allowed) => record(used, allowed, module, c),
            None => problems.push(format!(
                "{name}:\n        ours:        {}\n        twilio-node: {}",
                x.unwrap_or("(absent)"),
                y.unwrap_or("(absent)")
            )),
        }
    }
    problems
}

/// The arguments of case `c` that twilio-node's method does not take (its
/// result's `missing`), but for those [`ALLOWED`] lists for the operation.
fn unknown_arguments(module: &str, c: &Value, result: &Value, used: &mut Used) -> Vec<String> {
    let op = c["operation"].as_str().unwrap();
    let mut unknown = Vec::new();
    for m in result["missing"].as_array().into_iter().flatten() {
        let m = m.as_str().unwrap();
        let arg = c["args"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == m || (m == "(JSON body)" && a["in"] == "body"));
        let allowed = arg.and_then(|a| allowance(module, op, &field_of(a), None, None));
        match allowed {
            Some(allowed) => record(used, allowed, module, c),
            None => unknown.push(m.to_owned()),
        }
    }
    unknown
}

/// The problems of case `c` of `module`: twilio-node's `result`, and the requests
/// each side sent (ours with the error our call ended with).
fn judge(
    module: &str,
    c: &Value,
    result: &Value,
    ours: &(Vec<Request>, Option<String>),
    theirs: &[Request],
    used: &mut Used,
) -> Vec<String> {
    let mut problems = Vec::new();
    let unknown = unknown_arguments(module, c, result, used);
    if !unknown.is_empty() {
        problems.push(format!("twilio-node takes no parameter {unknown:?}"));
    }
    let op = c["operation"].as_str().unwrap();
    let (our_requests, our_error) = ours;
    match (our_requests.as_slice(), theirs) {
        ([a], [b]) => problems.extend(compare(module, c, a, b, used)),
        ([_], []) if allowance(module, op, "requests sent", None, None).is_some() => {
            let allowed = allowance(module, op, "requests sent", None, None).unwrap();
            record(used, allowed, module, c);
        }
        _ => problems.push(format!(
            "requests sent: ours {} (error: {our_error:?}), twilio-node's {} ({} {})",
            our_requests.len(),
            theirs.len(),
            result["found"],
            result["error"]
        )),
    }
    problems
}

/// Whether case `c` of `module` is of an operation twilio-node cannot send (an
/// API or operation listed as absent; of an API listed, what twilio-node does
/// have is compared).
fn not_in_twilio_node(module: &str, c: &Value, result: &Value) -> bool {
    let api_absent = APIS_NOT_IN_TWILIO_NODE.iter().any(|(m, _)| *m == module);
    let op_absent = OPERATIONS_NOT_IN_TWILIO_NODE
        .iter()
        .any(|(m, op, _)| *m == module && *op == c["operation"]);
    op_absent || (api_absent && result["found"].is_null())
}

/// Each allowed entry, field and operation that never occurred.
fn unused(used: &Used) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in ALLOWED.iter().enumerate() {
        for (f, field) in a.fields.iter().enumerate() {
            if a.operations.is_empty() {
                if !used.contains_key(&(i, f, None)) {
                    out.push(format!("{field} on every operation"));
                }
                continue;
            }
            for (m, o) in a.operations {
                let scope = Some((m.to_string(), o.to_string()));
                if !used.contains_key(&(i, f, scope)) {
                    out.push(format!("{field} of {m} {o}"));
                }
            }
        }
    }
    out
}

/// Prints each allowed difference with its reason and the cases it occurred in.
fn print_allowed(used: &Used) {
    println!("allowed differences, each with its reason:");
    for (i, a) in ALLOWED.iter().enumerate() {
        let cases: Vec<&String> = used
            .iter()
            .filter(|((e, _, _), _)| *e == i)
            .flat_map(|(_, cases)| cases)
            .collect();
        let scope = match a.operations {
            [] => "every operation".to_owned(),
            ops => ops
                .iter()
                .map(|(m, o)| format!("{m} {o}"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        println!(
            "  {} on {scope} ({} requests): {}",
            a.fields.join(", "),
            cases.len(),
            a.reason
        );
    }
}

#[test]
#[ignore = "needs Node.js and twilio@6.2.0 in TWILIO_NODE_DIR; run by `cargo xtask test`"]
fn every_operation_sends_what_twilio_node_sends() {
    // The calls of every API make one large future (it overflows a test thread's
    // stack in a debug build): poll it on a thread with room for it.
    let run = || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(every_operation())
    };
    let thread = std::thread::Builder::new().stack_size(256 << 20).spawn(run);
    if let Err(panic) = thread.unwrap().join() {
        std::panic::resume_unwind(panic);
    }
}

/// Our requests, case by case: case → (requests, the call's error).
async fn send_ours(
    server: &MockServer,
    apis: &[Value],
) -> BTreeMap<Key, (Vec<Request>, Option<String>)> {
    let client = calls::client(&server.uri());
    let mut ours = BTreeMap::new();
    for api in apis {
        let module = api["module"].as_str().unwrap();
        for c in api["cases"].as_array().unwrap() {
            let key = key_of(module, c);
            let before = server.received_requests().await.unwrap().len();
            let result = calls::call(&client, module, &key.1, &key.2)
                .await
                .unwrap_or_else(|| panic!("calls.rs has no call for {key:?}"));
            let sent = server.received_requests().await.unwrap()[before..].to_vec();
            ours.insert(key, (sent, result.err()));
        }
    }
    ours
}

/// twilio-node's requests (split at its markers) and its per-case results.
async fn send_theirs(
    server: &MockServer,
    package: PathBuf,
) -> (BTreeMap<Key, Vec<Request>>, BTreeMap<Key, Value>) {
    let before = server.received_requests().await.unwrap().len();
    let uri = server.uri();
    let node = tokio::task::spawn_blocking(move || run_node(&package, &uri))
        .await
        .unwrap();
    assert_eq!(node["version"], TWILIO_NODE_VERSION);
    let theirs = node_requests(&server.received_requests().await.unwrap()[before..]);
    let results = node["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (key_of(r["module"].as_str().unwrap(), r), r.clone()))
        .collect();
    (theirs, results)
}

async fn every_operation() {
    let package = std::env::var_os("TWILIO_NODE_DIR")
        .expect("TWILIO_NODE_DIR: the folder of the installed npm package twilio@6.2.0");
    let cases: Value = serde_json::from_slice(&fs::read(cases_path()).unwrap()).unwrap();
    assert_eq!(cases["account_sid"], calls::ACCOUNT_SID);
    assert_eq!(cases["auth_token"], calls::AUTH_TOKEN);

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let apis = cases["apis"].as_array().unwrap();
    let ours = send_ours(&server, apis).await;
    let (theirs, results) = send_theirs(&server, PathBuf::from(package)).await;

    // Per operation, the problems of each of its cases.
    let mut total = 0;
    let mut compared = 0;
    let mut per_operation: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut used = Used::new();
    let mut absent: std::collections::BTreeSet<(String, String)> = Default::default();
    for api in apis {
        let module = api["module"].as_str().unwrap();
        total += api["operations"].as_u64().unwrap() as usize;
        for skipped in api["skipped"].as_array().unwrap() {
            let op = skipped.as_str().unwrap().to_owned();
            per_operation
                .entry((module.to_owned(), op))
                .or_default()
                .push("no sample arguments could be generated".to_owned());
        }
        for c in api["cases"].as_array().unwrap() {
            let key = key_of(module, c);
            let result = &results[&key];
            let problems = if not_in_twilio_node(module, c, result) {
                absent.insert((key.0.clone(), key.1.clone()));
                match result["found"].is_null() {
                    true => Vec::new(),
                    false => vec![format!(
                        "listed as not in twilio-node, yet it has {}",
                        result["found"]
                    )],
                }
            } else {
                let sent = theirs.get(&key).map(Vec::as_slice).unwrap_or_default();
                compared += usize::from(ours[&key].0.len() == 1 && sent.len() == 1);
                let problems = judge(module, c, result, &ours[&key], sent, &mut used);
                problems
                    .into_iter()
                    .map(|p| {
                        format!(
                            "{} ({} {}):\n    {p}",
                            key.2,
                            c["method"].as_str().unwrap(),
                            c["path"].as_str().unwrap(),
                        )
                    })
                    .collect()
            };
            per_operation
                .entry((key.0, key.1))
                .or_default()
                .extend(problems);
        }
    }
    print_allowed(&used);
    let listed: std::collections::BTreeSet<(String, String)> = used
        .keys()
        .filter_map(|(_, _, scope)| scope.clone())
        .collect();
    let mut identical = 0;
    let mut unexpected = Vec::new();
    for ((module, op), problems) in &per_operation {
        let key = (module.clone(), op.clone());
        if absent.contains(&key) {
            total -= 1;
            if !problems.is_empty() {
                unexpected.push(format!("{module} {op}: {}", problems.join("; ")));
            }
        } else if problems.is_empty() {
            identical += 1;
        } else {
            println!("DIFFERENT {module} {op}, {}", problems.join("\n  "));
            unexpected.push(format!("{module} {op}"));
        }
    }
    println!(
        "{identical} of {total} operations identical ({compared} requests compared: each \
         operation with every parameter, where some are optional with the required ones \
         only, and a list with an item limit; {} of them differ only where listed, each \
         with its reason); {} that twilio-node {TWILIO_NODE_VERSION} cannot send, not \
         counted",
        listed.len(),
        absent.len(),
    );
    assert!(
        unexpected.is_empty(),
        "unlisted differences, or operations listed as absent that twilio-node has:\n{}",
        unexpected.join("\n")
    );
    let unused = unused(&used);
    assert!(
        unused.is_empty(),
        "allowed differences that no longer occur (remove them):\n{}",
        unused.join("\n")
    );
    assert_eq!(
        identical, total,
        "operations differ from twilio-node {TWILIO_NODE_VERSION}"
    );
    assert!(total > 1300, "only {total} operations compared");
}

/// A recorded request, for the comparison's own test.
fn recorded(query: &str, form: &str, user_agent: &str) -> Request {
    let mut headers = wiremock::http::HeaderMap::new();
    let form_type = "application/x-www-form-urlencoded";
    headers.insert("content-type", form_type.parse().unwrap());
    headers.insert("user-agent", user_agent.parse().unwrap());
    Request {
        url: format!("http://127.0.0.1/v1/Things?{query}")
            .parse()
            .unwrap(),
        method: wiremock::http::Method::POST,
        headers,
        body: form.as_bytes().to_vec(),
    }
}

#[test]
fn the_comparison_sees_values_not_spellings() {
    let ours = "twilio-rest-rust/0.1.0 (linux x86_64) rust/1.95.0";
    let node = "twilio-node/6.2.0 (linux x64) node/v20.20.2";
    let form = "J=%7B%22a%22%3A1%2C%22b%22%3A%5B2%5D%7D&K=x+y&K=%C3%A9";
    let a = fields(&recorded("P=1&Q=a+b", form, ours), &[]);
    // Other spellings of the same request: order, `%20` for `+`, JSON key order.
    let same = "K=%C3%A9&K=x%20y&J=%7B%22b%22%3A%5B2%5D%2C%22a%22%3A1%7D";
    assert_eq!(a, fields(&recorded("Q=a%20b&P=1", same, node), &[]));
    // Each of these is a different request.
    for (query, form, ua) in [
        ("P=2&Q=a+b", form, ours),
        ("P=1&Q=a+b&Q=a+b", form, ours),
        (
            "P=1&Q=a+b",
            "J=%7B%22a%22%3A1%2C%22b%22%3A%5B3%5D%7D&K=x+y&K=%C3%A9",
            ours,
        ),
        (
            "P=1&Q=a+b",
            "J=%7B%22a%22%3A1%2C%22b%22%3A%5B2%5D%7D&K=x+y",
            ours,
        ),
        (
            "P=1&Q=a+b",
            "J=%7B%22a%22%3A1%2C%22b%22%3A%5B2%5D%7D&K=x+y&K=e",
            ours,
        ),
        ("P=1&Q=a+b", form, "curl/8.5.0"),
    ] {
        assert_ne!(
            a,
            fields(&recorded(query, form, ua), &[]),
            "{query} {form} {ua}"
        );
    }
}
