//! The TwiML definition (`specs/twiml/twiml.yaml`) read into a small IR, every
//! reference checked and every Rust name decided here; emit only renders it.

use crate::diag::{Diagnostic, Diagnostics, Pointer};
use crate::names::{self, Scope};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The version of the definition format this generator reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinitionDef {
    version: u32,
    documents: IndexMap<String, DocumentDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentDef {
    response: String,
    #[serde(default)]
    doc: Option<String>,
    children: Vec<String>,
    elements: IndexMap<String, ElementDef>,
    #[serde(default)]
    enums: IndexMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ElementDef {
    tag: String,
    method: String,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    text: Option<TextDef>,
    #[serde(default)]
    attributes: Vec<AttributeDef>,
    #[serde(default)]
    children: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextDef {
    name: String,
    required: bool,
    #[serde(default)]
    doc: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributeDef {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    list: bool,
    #[serde(default)]
    doc: Option<String>,
}

/// Every document of the definition, in its order.
#[derive(Debug, Clone, Serialize)]
pub struct Twiml {
    /// One per response kind (voice, messaging, fax).
    pub documents: Vec<Document>,
}

/// One response document, generated as one module.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The module (`voice`).
    pub module: String,
    /// The response type (`VoiceResponse`).
    pub response: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// The elements `<Response>` takes.
    pub children: Vec<Child>,
    /// The differential test's function that builds the response.
    pub test_fn: String,
    /// Every element, in definition order.
    pub elements: Vec<Element>,
    /// Every enum, in definition order.
    pub enums: Vec<Enum>,
}

/// One element (verb or noun).
#[derive(Debug, Clone, Serialize)]
pub struct Element {
    /// Its key in the definition (`SsmlBreak`).
    pub id: String,
    /// The Rust type (`SsmlBreak`).
    pub rust: String,
    /// The XML name (`break`).
    pub tag: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// Its text, if it takes one.
    pub text: Option<Text>,
    /// Its attributes, in definition order.
    pub attributes: Vec<Attribute>,
    /// The elements it takes.
    pub children: Vec<Child>,
    /// The differential test's function that builds it (`build_voice_say`).
    pub test_fn: String,
}

/// An element's text.
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    /// Its name in the definition (`message`).
    pub name: String,
    /// Whether the element always has it (`new(text)`); otherwise `new()` and the
    /// constructor named in `with`.
    pub required: bool,
    /// The constructor taking it when it is optional (`with_number`).
    pub with: String,
    /// Its documentation.
    pub doc: Option<String>,
}

/// An element a parent takes, and the method that adds it.
#[derive(Debug, Clone, Serialize)]
pub struct Child {
    /// The element's key in the definition.
    pub id: String,
    /// The element's Rust type.
    pub rust: String,
    /// The Rust method (`say_as`, `r#break`).
    pub method: String,
    /// twilio-node's method (`sayAs`).
    pub js_method: String,
}

/// One attribute.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    /// The XML name (`statusCallbackEvent`, `xml:lang`).
    pub name: String,
    /// The Rust setter (`status_callback_event`).
    pub setter: String,
    /// The value's type.
    pub kind: Kind,
    /// A space-separated list of values.
    pub list: bool,
    /// Its documentation.
    pub doc: Option<String>,
}

/// An attribute value's type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "enum", rename_all = "snake_case")]
pub enum Kind {
    /// Any text.
    String,
    /// A non-negative integer (`u32`).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// One of the document's enums, by its definition name.
    Enum(String),
}

/// An open enum: known values, and any other as written.
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// Its definition name (`SayVoice`).
    pub name: String,
    /// The Rust type.
    pub rust: String,
    /// (Rust variant, value), in definition order.
    pub variants: Vec<(String, String)>,
}

/// Methods every generated element has; a definition name never takes them.
pub const RESERVED_METHODS: &[&str] = &[
    "new",
    "attr",
    "add_text",
    "add_child",
    "comment",
    "comment_before",
    "comment_after",
    "to_string",
    "into_element",
    "clone",
    "fmt",
];

/// Reads and checks a definition: every problem, each at its JSON pointer.
pub fn read(file: &str, value: yaml_serde::Value) -> Result<Twiml, Diagnostics> {
    let def: DefinitionDef = serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = Pointer::root();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            pointer = match segment {
                Segment::Seq { index } => pointer.push(index),
                Segment::Map { key } | Segment::Enum { variant: key } => pointer.push(key),
                Segment::Unknown => pointer,
            };
        }
        Diagnostics(vec![Diagnostic::error(
            file,
            &pointer,
            e.inner().to_string(),
        )])
    })?;
    let mut errors = Vec::new();
    let root = Pointer::root();
    if def.version != FORMAT_VERSION {
        errors.push(Diagnostic::error(
            file,
            &root.push("version"),
            format!("this generator reads version {FORMAT_VERSION} of the TwiML definition format"),
        ));
    }
    let mut modules = Scope::default();
    let mut documents = Vec::new();
    for (module, d) in &def.documents {
        let at = root.push("documents").push(module);
        documents.push(document(file, &at, &modules.snake(module), d, &mut errors));
    }
    if def.documents.is_empty() {
        errors.push(Diagnostic::error(
            file,
            &root.push("documents"),
            "no documents",
        ));
    }
    if errors.is_empty() {
        Ok(Twiml { documents })
    } else {
        Err(Diagnostics(errors))
    }
}

fn document(
    file: &str,
    at: &Pointer,
    module: &str,
    d: &DocumentDef,
    errors: &mut Vec<Diagnostic>,
) -> Document {
    // Type names: the response, the elements, the enums share the module.
    let mut types = Scope::with_reserved(&["Element"]);
    let response = types.camel(&d.response);
    let rust_of: IndexMap<&str, String> = d
        .elements
        .keys()
        .map(|k| (k.as_str(), types.camel(k)))
        .collect();
    let enums: Vec<Enum> = d
        .enums
        .iter()
        .map(|(name, values)| {
            let at = at.push("enums").push(name);
            enum_of(file, &at, name, values, &mut types, errors)
        })
        .collect();
    let cx = DocCx { file, d, rust_of };
    let mut root_scope = Scope::with_reserved(RESERVED_METHODS);
    let root_children = cx.children(&d.children, &at.push("children"), errors, &mut root_scope);
    let elements = d
        .elements
        .iter()
        .map(|(id, e)| cx.element(module, &at.push("elements").push(id), id, e, errors))
        .collect();
    Document {
        test_fn: format!("build_{module}_response"),
        module: module.to_owned(),
        response,
        doc: d.doc.clone(),
        children: root_children,
        elements,
        enums,
    }
}

/// The enum `name` of a document, its type name claimed in `types`; a value
/// listed twice is an error (and left out).
fn enum_of(
    file: &str,
    at: &Pointer,
    name: &str,
    values: &[String],
    types: &mut Scope,
    errors: &mut Vec<Diagnostic>,
) -> Enum {
    if values.is_empty() {
        errors.push(Diagnostic::error(
            file,
            at,
            "an enum needs at least one value",
        ));
    }
    let mut variants = Scope::with_reserved(&["Unknown"]);
    let mut seen = std::collections::BTreeSet::new();
    let variants = values
        .iter()
        .enumerate()
        .filter(|(i, v)| {
            let fresh = seen.insert(v.as_str());
            if !fresh {
                errors.push(Diagnostic::error(
                    file,
                    &at.push(i),
                    format!("`{v}` is listed twice"),
                ));
            }
            fresh
        })
        .map(|(_, v)| (variants.variant(v), v.clone()))
        .collect();
    Enum {
        name: name.to_owned(),
        rust: types.camel(name),
        variants,
    }
}

/// What the checks of one document's elements share: where it comes from, its
/// definition, and the Rust type name of each element.
struct DocCx<'d> {
    file: &'d str,
    d: &'d DocumentDef,
    rust_of: IndexMap<&'d str, String>,
}

impl DocCx<'_> {
    /// The children listed at `at` (element ids), their methods claimed in `scope`;
    /// an unknown id or a method added twice is an error (and left out).
    fn children(
        &self,
        list: &[String],
        at: &Pointer,
        errors: &mut Vec<Diagnostic>,
        scope: &mut Scope,
    ) -> Vec<Child> {
        let file = self.file;
        let mut js = std::collections::BTreeSet::new();
        list.iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let Some((key, e)) = self.d.elements.get_key_value(id.as_str()) else {
                    errors.push(Diagnostic::error(
                        file,
                        &at.push(i),
                        format!("`{id}` is not an element of this document"),
                    ));
                    return None;
                };
                if !js.insert(e.method.as_str()) {
                    errors.push(Diagnostic::error(
                        file,
                        &at.push(i),
                        format!("two children are added by `{}`", e.method),
                    ));
                    return None;
                }
                Some(Child {
                    id: key.clone(),
                    rust: self.rust_of[key.as_str()].clone(),
                    method: scope.snake(&e.method),
                    js_method: e.method.clone(),
                })
            })
            .collect()
    }

    /// The element `id` (defined at `at`): its children's methods first, then its
    /// attributes' setters, in one scope.
    fn element(
        &self,
        module: &str,
        at: &Pointer,
        id: &str,
        e: &ElementDef,
        errors: &mut Vec<Diagnostic>,
    ) -> Element {
        for (what, name) in [("tag", &e.tag), ("method", &e.method)] {
            if !is_xml_name(name) {
                errors.push(Diagnostic::error(
                    self.file,
                    &at.push(what),
                    format!("`{name}` is not a valid name"),
                ));
            }
        }
        let mut scope = Scope::with_reserved(RESERVED_METHODS);
        let kids = self.children(&e.children, &at.push("children"), errors, &mut scope);
        let mut seen = std::collections::BTreeSet::new();
        let attributes = e
            .attributes
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let at = at.push("attributes").push(i);
                self.attribute(&at, a, &mut seen, &mut scope, errors)
            })
            .collect();
        let text = e.text.as_ref().map(|t| Text {
            name: t.name.clone(),
            required: t.required,
            with: format!("with_{}", names::unraw(&names::snake_ident(&t.name))),
            doc: t.doc.clone(),
        });
        Element {
            test_fn: format!("build_{module}_{}", names::unraw(&names::snake_ident(id))),
            id: id.to_owned(),
            rust: self.rust_of[id].clone(),
            tag: e.tag.clone(),
            doc: e.doc.clone(),
            text,
            attributes,
            children: kids,
        }
    }

    /// An attribute of an element (defined at `at`), its setter claimed in `scope`
    /// after the element's child methods; a name that is not XML, is listed twice
    /// (`seen`) or has an unknown type is an error (and left out).
    fn attribute<'a>(
        &self,
        at: &Pointer,
        a: &'a AttributeDef,
        seen: &mut std::collections::BTreeSet<&'a str>,
        scope: &mut Scope,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Attribute> {
        let file = self.file;
        if !is_xml_name(&a.name) {
            errors.push(Diagnostic::error(
                file,
                &at.push("name"),
                format!("`{}` is not a valid XML attribute name", a.name),
            ));
            return None;
        }
        if !seen.insert(a.name.as_str()) {
            errors.push(Diagnostic::error(
                file,
                &at.push("name"),
                format!("`{}` is listed twice", a.name),
            ));
            return None;
        }
        let kind = match a.ty.as_str() {
            "string" => Kind::String,
            "integer" => Kind::Integer,
            "boolean" => Kind::Boolean,
            other if self.d.enums.contains_key(other) => Kind::Enum(other.to_owned()),
            other => {
                errors.push(Diagnostic::error(file, &at.push("type"), format!("`{other}` is neither string, integer, boolean nor an enum of this document")));
                return None;
            }
        };
        // A child's method keeps its name; a clashing setter takes `_attr`.
        let snake = names::snake_ident(&a.name);
        let setter = scope.claim(
            &[snake.clone(), format!("{}_attr", names::unraw(&snake))],
            "_",
        );
        Some(Attribute {
            name: a.name.clone(),
            setter,
            kind,
            list: a.list,
            doc: a.doc.clone(),
        })
    }
}

/// An XML name as TwiML uses them: a letter or `_` first, then letters, digits,
/// `-`, `.`, `_` and `:` (ASCII only; `xml:lang` passes).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'))
}
