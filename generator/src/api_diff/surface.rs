//! The public surface of one generated API, as comparable data: every name a user
//! of the crate writes (call chains, builder setters, model fields, enum variants)
//! with the Rust type it has, and each union's variants (their order, tags and
//! `From` conversions). Read from the plan, so it cannot disagree with the
//! emitted code; [`crate::api_diff`] compares two of them.
//!
//! Keys are the Rust paths a user writes, relative to the crate root:
//! `flex_v1().interaction(_).channel(_).participants().create` for an operation,
//! `flex_v1::models::Participant` for a model, enum or union. Types are spelled as the
//! emitted code spells them, shortened (`models::Status`, `serde_json::Value`,
//! `DateTime<Utc>`): one mapping, in `emit::rust`.

use crate::emit::rust::union_from;
use crate::ir::{Field, Type};
use crate::plan::{variant_boxed, ApiPlan, ArgType, Output, Role};
use std::collections::BTreeMap;

/// The public surface of one API module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// Rust module name (`flex_v1`).
    pub module: String,
    /// `info.title` (`Twilio - Flex`).
    pub title: String,
    /// The spec it is generated from (as given to the generator).
    pub spec: String,
    /// Every call chain to a handle (`flex_v1().interaction(_)`) → the handle's type
    /// (`resources::Interaction`). A default-account shortcut (`api_v2010().calls()`)
    /// is a chain of its own; what lies beyond it is listed under the account
    /// (`api_v2010().account(_).calls()`) only.
    pub handles: BTreeMap<String, String>,
    /// Every call chain to an operation (`flex_v1().interactions().create`), none
    /// through a default-account shortcut.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Structs by Rust name.
    pub models: BTreeMap<String, ModelSurface>,
    /// Enums by Rust name: variant → API spelling, in spec order.
    pub enums: BTreeMap<String, Vec<(String, String)>>,
    /// Type aliases by Rust name → the aliased type.
    pub aliases: BTreeMap<String, String>,
    /// Unions (`oneOf`/`anyOf` enums) by Rust name: their variants in declaration
    /// order, which is the order untagged variants are tried when decoding. The
    /// `Other(serde_json::Value)` variant every union has is not listed.
    pub unions: BTreeMap<String, Vec<VariantSurface>>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantSurface {
    /// Rust variant name (`Click`).
    pub name: String,
    /// Its value's type as declared (`Box<models::Click>`, `i64`).
    pub ty: String,
    /// The discriminator values that select it (`kind = "click"`), for a variant
    /// of a discriminated union; `None` for a variant tried in order.
    pub tag: Option<String>,
    /// The type of its `impl From<T> for Union` (`models::Click`), when it has one.
    pub from: Option<String>,
}

/// The surface of one operation: its verb's arguments, its setters and its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSurface {
    /// The builder type (`requests::CreateInteraction`).
    pub builder: String,
    /// Required parameters, in the order the verb takes them: (name, type).
    pub arguments: Vec<(String, String)>,
    /// Optional parameters: setter name → type.
    pub setters: BTreeMap<String, String>,
    /// What awaiting it gives.
    pub output: String,
}

/// The surface of one struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSurface {
    /// Field name → type as declared (`Option<String>`).
    pub fields: BTreeMap<String, String>,
    /// Whether it implements `Default` (every field optional).
    pub default: bool,
    /// Whether it is `#[non_exhaustive]` (no request holds it).
    pub non_exhaustive: bool,
}

impl Surface {
    /// The surface of a planned API.
    pub fn of(plan: &ApiPlan<'_>) -> Surface {
        let api = plan.api;
        let (handles, operations) = chains(plan);
        let enums = api
            .enums
            .iter()
            .map(|e| {
                let values = e
                    .values
                    .iter()
                    .map(|v| (v.name.clone(), v.value.clone()))
                    .collect();
                (e.item.name.clone(), values)
            })
            .collect();
        let aliases = api
            .aliases
            .iter()
            .map(|a| (a.item.name.clone(), type_text(&a.ty)))
            .collect();
        Surface {
            module: api.module.clone(),
            title: api.title.clone(),
            spec: api.spec_file.clone(),
            handles,
            operations,
            models: models(plan),
            enums,
            aliases,
            unions: unions(plan),
        }
    }
}

/// Every call chain to a handle (→ its type) and to an operation (→ its surface).
fn chains(plan: &ApiPlan<'_>) -> (BTreeMap<String, String>, BTreeMap<String, OperationSurface>) {
    let api = plan.api;
    let mut handles = BTreeMap::new();
    let mut operations = BTreeMap::new();
    // An API without operations has no handles (nothing to call).
    if api.operations.is_empty() {
        return (handles, operations);
    }
    // Depth-first over every accessor: each chain a user can write is a key.
    // A default-account shortcut (`api_v2010().calls()`) is a handle chain of
    // its own, but what lies beyond it is the account's subtree
    // (`api_v2010().account(_).calls()…`), listed once, there. Children are
    // always deeper than their parent, so this ends.
    let mut stack = vec![(0usize, format!("{}()", api.module), true)];
    while let Some((n, chain, descend)) = stack.pop() {
        let node = &plan.tree.nodes[n];
        handles.insert(chain.clone(), format!("resources::{}", node.type_name));
        if !descend {
            continue;
        }
        for (verb, index) in &node.operations {
            let b = &plan.builders[*index];
            operations.insert(format!("{chain}.{verb}"), operation(b));
        }
        for c in &node.children {
            // The accessor's argument type is part of the chain, so a path
            // parameter that turns from text into an integer is breaking.
            let arg = match (&c.param, c.value) {
                (None, _) => String::new(),
                (Some(_), crate::plan::tree::PathValue::Text) => "_".to_owned(),
                (Some(_), crate::plan::tree::PathValue::Integer) => {
                    format!("_: {}", type_text(&Type::I64))
                }
            };
            let child = format!("{chain}.{}({arg})", c.method);
            stack.push((c.node, child, !c.default_account));
        }
    }
    (handles, operations)
}

/// Every struct of the API by Rust name.
fn models(plan: &ApiPlan<'_>) -> BTreeMap<String, ModelSurface> {
    plan.api
        .models
        .iter()
        .map(|m| {
            let fields = m
                .fields
                .iter()
                .map(|f| {
                    let boxed = plan
                        .boxed
                        .contains(&(m.item.name.clone(), f.api_name.clone()));
                    (f.name.clone(), field_type(f, boxed))
                })
                .collect();
            let model = ModelSurface {
                fields,
                default: m.fields.iter().all(Field::optional),
                non_exhaustive: plan.non_exhaustive(&m.item.name),
            };
            (m.item.name.clone(), model)
        })
        .collect()
}

/// Every union of the API by Rust name: its variants in declaration order.
fn unions(plan: &ApiPlan<'_>) -> BTreeMap<String, Vec<VariantSurface>> {
    plan.api
        .unions
        .iter()
        .map(|u| {
            let variants = u
                .variants
                .iter()
                .map(|v| {
                    let tag = match (&u.tag, v.tags.as_slice()) {
                        (Some(tag), [_, ..]) => {
                            let values: Vec<String> =
                                v.tags.iter().map(|t| format!("{t:?}")).collect();
                            Some(format!("{tag} = {}", values.join(" | ")))
                        }
                        _ => None,
                    };
                    VariantSurface {
                        name: v.name.clone(),
                        ty: crate::emit::rust::declared_text(&v.ty, variant_boxed(&v.ty), false),
                        tag,
                        from: union_from(plan, u, v).then(|| type_text(&v.ty)),
                    }
                })
                .collect();
            (u.item.name.clone(), variants)
        })
        .collect()
}

fn operation(b: &crate::plan::Builder<'_>) -> OperationSurface {
    let mut arguments = Vec::new();
    let mut setters = BTreeMap::new();
    for f in &b.fields {
        let ty = arg_text(&f.ty);
        match f.role {
            Role::Argument => arguments.push((f.name.clone(), ty)),
            Role::Setter => {
                setters.insert(f.name.clone(), ty);
            }
        }
    }
    let output = match &b.output {
        Output::Empty => "()".to_owned(),
        Output::Json(t) => type_text(t),
        Output::JsonOpt(t) => format!("Option<{}>", type_text(t)),
        Output::List { page, item } => {
            format!("list of {} (pages: models::{page})", type_text(item))
        }
    };
    OperationSurface {
        builder: format!("requests::{}", b.type_name),
        arguments,
        setters,
        output,
    }
}

/// A builder field's type as stored (the setter or argument takes `impl Into` of it);
/// a prefixed map says which key prefix its entries get.
fn arg_text(ty: &ArgType) -> String {
    let text = crate::emit::rust::arg_text(ty);
    match ty {
        ArgType::PrefixedMap(p) => format!("{text} (as {p}.key)"),
        _ => text,
    }
}

/// A model field's declared type, as `emit::types` declares it.
fn field_type(f: &Field, boxed: bool) -> String {
    crate::emit::rust::declared_text(&f.ty, boxed, f.optional())
}

/// The Rust type of an IR type, as the emitted code spells it (shortened).
pub(crate) fn type_text(ty: &Type) -> String {
    crate::emit::rust::type_text(ty)
}
