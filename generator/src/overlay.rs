//! Overlays: corrections to upstream specs as [OpenAPI Overlay 1.0] documents,
//! applied to a spec's parsed value after load and before it is read as OpenAPI.
//!
//! An overlay names the spec it corrects with `extends` (the spec's file name,
//! `twilio_proxy_v1.yaml`) and lists `actions`. Each action selects nodes with an
//! RFC 9535 JSONPath `target` and either merges `update` into each of them or, with
//! `remove: true`, removes them. Every action must say why in `description`.
//! An action whose target matches nothing is an error at the overlay's file and
//! `#/actions/<index>/target`: the upstream spec changed and the correction no
//! longer applies, so it must be reviewed rather than silently dropped.
//!
//! Merging follows the Overlay specification: an object merges into an object
//! property by property (recursively), an array is appended to an array, a
//! primitive replaces a primitive; an update for an array target is appended to it
//! as one entry. Any other pairing is an error.
//!
//! [OpenAPI Overlay 1.0]: https://spec.openapis.org/overlay/v1.0.0.html

use crate::diag::{Diagnostic, Diagnostics, Pointer};
use serde::Deserialize;
use serde_json_path::{JsonPath, PathElement};
use yaml_serde::Value;

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The overlay's file name, as diagnostics cite it.
    pub file: String,
    /// The file name of the spec it corrects (`extends`).
    pub extends: String,
    /// `info.title`.
    pub title: String,
    actions: Vec<Action>,
}

#[derive(Debug, Clone)]
struct Action {
    target: JsonPath,
    target_text: String,
    update: Option<Value>,
    remove: bool,
}

/// The document as written (checked further by [`parse`]).
#[derive(Debug, Deserialize)]
struct Doc {
    overlay: String,
    info: Info,
    extends: Option<String>,
    actions: Vec<RawAction>,
    /// Anything else: only `x-` extensions are allowed.
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
struct Info {
    title: String,
    #[allow(dead_code)] // Required by the format; not used.
    version: String,
}

#[derive(Debug, Deserialize)]
struct RawAction {
    target: String,
    description: Option<String>,
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
    /// Anything else: only `x-` extensions are allowed.
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, Value>,
}

/// Errors for the fields of `other` that are not `x-` extensions (a misspelt
/// `update` must not pass unnoticed).
fn unknown_fields(
    file: &str,
    at: &Pointer,
    other: &std::collections::BTreeMap<String, Value>,
    known: &str,
) -> Vec<Diagnostic> {
    other
        .keys()
        .filter(|k| !k.starts_with("x-"))
        .map(|k| {
            Diagnostic::error(
                file,
                &at.push(k),
                format!("unknown field `{k}` (expected {known}, or an `x-` extension)"),
            )
        })
        .collect()
}

impl Overlay {
    /// Whether this overlay corrects the spec named `spec_file` (compared by file
    /// name, so `specs/twilio_proxy_v1.yaml` matches `extends: twilio_proxy_v1.yaml`).
    pub fn applies_to(&self, spec_file: &str) -> bool {
        base_name(spec_file) == base_name(&self.extends)
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Parses an overlay (YAML, or JSON for `*.json`) and checks it: `overlay: 1.x`,
/// `extends`, and for each action a valid JSONPath `target`, a `description`, and
/// exactly one of `update` and `remove: true`.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Overlay, Diagnostics> {
    let at = |p: &Pointer, m: String| Diagnostic::error(file, p, m);
    // One parser for specs and overlays: UTF-8, syntax (line:col), alias
    // expansion and nesting depth are checked as for a spec.
    let value = crate::document::parse_value(file, bytes)?;
    let doc: Doc = serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = crate::document::pointer_of(e.path());
        Diagnostics(vec![at(
            &pointer,
            format!("not a valid Overlay 1.0 document: {}", e.into_inner()),
        )])
    })?;
    let root = Pointer::root();
    let mut errors = unknown_fields(
        file,
        &root,
        &doc.other,
        "`overlay`, `info`, `extends`, `actions`",
    );
    if !doc.overlay.starts_with("1.") {
        errors.push(at(
            &root.push("overlay"),
            format!(
                "overlay version `{}` is not supported (expected 1.x)",
                doc.overlay
            ),
        ));
    }
    let extends = doc.extends.unwrap_or_default();
    if extends.trim().is_empty() {
        errors.push(at(
            &root.push("extends"),
            "`extends` must name the spec file this overlay corrects".to_owned(),
        ));
    }
    let mut actions = Vec::new();
    for (i, a) in doc.actions.into_iter().enumerate() {
        let here = root.push("actions").push(i);
        errors.extend(unknown_fields(
            file,
            &here,
            &a.other,
            "`target`, `description`, `update`, `remove`",
        ));
        if a.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            errors.push(at(
                &here.push("description"),
                "every action must state its reason in `description`".to_owned(),
            ));
        }
        match (&a.update, a.remove) {
            (Some(_), true) => errors.push(at(
                &here,
                "an action has either `update` or `remove: true`, not both".to_owned(),
            )),
            (None, false) => errors.push(at(
                &here,
                "an action needs `update` or `remove: true`".to_owned(),
            )),
            _ => {}
        }
        match JsonPath::parse(&a.target) {
            Ok(target) => actions.push(Action {
                target,
                target_text: a.target,
                update: a.update,
                remove: a.remove,
            }),
            Err(e) => errors.push(at(
                &here.push("target"),
                format!("`{}` is not a JSONPath (RFC 9535) query: {e}", a.target),
            )),
        }
    }
    if errors.is_empty() {
        Ok(Overlay {
            file: file.to_owned(),
            extends,
            title: doc.info.title,
            actions,
        })
    } else {
        Err(Diagnostics(errors))
    }
}

/// One step of a located node's path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

/// Applies the overlay's actions in order to `doc` (the spec `spec_file`, as
/// loaded: the YAML value keeps the spec's key order). Every action that matches
/// nothing, and every incompatible update, is an error at the overlay's file and
/// action.
pub fn apply(overlay: &Overlay, spec_file: &str, doc: &mut Value) -> Result<(), Diagnostics> {
    let mut errors = Vec::new();
    for (i, action) in overlay.actions.iter().enumerate() {
        let here = Pointer::root().push("actions").push(i);
        // The JSONPath crate queries `serde_json` values; the steps it finds are
        // followed in the YAML value, which keeps the key order.
        let json = match serde_json::to_value(&*doc) {
            Ok(json) => json,
            Err(e) => {
                errors.push(Diagnostic::error(
                    &overlay.file,
                    &here,
                    format!("{spec_file} cannot be queried as JSON: {e}"),
                ));
                continue;
            }
        };
        let mut found: Vec<Vec<Step>> = action
            .target
            .query_located(&json)
            .locations()
            .map(|path| {
                path.iter()
                    .map(|e| match e {
                        PathElement::Name(n) => Step::Key((*n).to_owned()),
                        PathElement::Index(i) => Step::Index(*i),
                    })
                    .collect()
            })
            .collect();
        if found.is_empty() {
            errors.push(Diagnostic::error(
                &overlay.file,
                &here.push("target"),
                format!(
                    "`{}` matches nothing in {spec_file}; the correction no longer applies \
                     (review the action against the new spec, then update or remove it)",
                    action.target_text
                ),
            ));
            continue;
        }
        if action.remove {
            // Last first, so earlier array indices stay valid.
            found.sort();
            for steps in found.iter().rev() {
                if let Err(m) = remove_at(doc, steps) {
                    errors.push(Diagnostic::error(&overlay.file, &here, m));
                }
            }
        } else if let Some(update) = &action.update {
            for steps in &found {
                let Some(node) = node_mut(doc, steps) else {
                    continue;
                };
                if let Err(m) = update_node(node, update, &pointer_text(steps)) {
                    errors.push(Diagnostic::error(&overlay.file, &here.push("update"), m));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(errors))
    }
}

fn pointer_text(steps: &[Step]) -> String {
    steps
        .iter()
        .fold(Pointer::root(), |p, s| match s {
            Step::Key(k) => p.push(k),
            Step::Index(i) => p.push(i),
        })
        .to_string()
}

/// A mapping key as JSON sees it (YAML allows numbers and booleans as keys).
fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn node_mut<'v>(doc: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    steps.iter().try_fold(doc, |v, s| match (v, s) {
        (Value::Mapping(m), Step::Key(k)) => m
            .iter_mut()
            .find(|(key, _)| key_text(key).as_deref() == Some(k.as_str()))
            .map(|(_, v)| v),
        (Value::Sequence(a), Step::Index(i)) => a.get_mut(*i),
        (Value::Tagged(t), s) => node_mut(&mut t.value, std::slice::from_ref(s)),
        _ => None,
    })
}

fn remove_at(doc: &mut Value, steps: &[Step]) -> Result<(), String> {
    let Some((last, parent)) = steps.split_last() else {
        return Err("`remove` cannot remove the whole document".to_owned());
    };
    match (node_mut(doc, parent), last) {
        (Some(Value::Mapping(m)), Step::Key(k)) => {
            let key = m
                .keys()
                .find(|key| key_text(key).as_deref() == Some(k.as_str()))
                .cloned();
            if let Some(key) = key {
                m.shift_remove(key);
            }
        }
        (Some(Value::Sequence(a)), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
    Ok(())
}

/// Merges `update` into the target node (see the module docs).
fn update_node(node: &mut Value, update: &Value, at: &str) -> Result<(), String> {
    match node {
        Value::Sequence(items) => {
            items.push(update.clone());
            Ok(())
        }
        Value::Mapping(_) if update.is_mapping() => merge(node, update, at),
        Value::Mapping(_) => Err(format!(
            "the target {at} is an object; `update` must be an object to merge into it"
        )),
        _ => Err(format!(
            "the target {at} is a primitive; select the object that holds it and update that"
        )),
    }
}

fn merge(target: &mut Value, update: &Value, at: &str) -> Result<(), String> {
    let composite = |v: &Value| v.is_mapping() || v.is_sequence();
    match (target, update) {
        (Value::Mapping(t), Value::Mapping(u)) => {
            for (k, v) in u {
                let name = key_text(k).unwrap_or_default();
                let existing = t
                    .iter_mut()
                    .find(|(key, _)| key_text(key).as_deref() == Some(name.as_str()))
                    .map(|(_, v)| v);
                match existing {
                    Some(existing) => merge(existing, v, &format!("{at}/{}", escape(&name)))?,
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Sequence(t), Value::Sequence(u)) => {
            t.extend(u.iter().cloned());
            Ok(())
        }
        (t, u) if !composite(t) && !composite(u) => {
            *t = u.clone();
            Ok(())
        }
        _ => Err(format!(
            "cannot merge at {at}: the update and the spec have different kinds of value there"
        )),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
