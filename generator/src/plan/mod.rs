//! Plan: the public surface of the generated client, decided once per API from the
//! IR, before any code is rendered.
//!
//! Everything a user of the generated crate sees by name is chosen here: the handle
//! tree and its accessor names ([`tree`]), one [`Builder`] per operation (its type
//! name, its verb on the handle, each field's final name, role, wire location and
//! argument type, and what sending it returns), the alias table, and which model
//! fields are boxed because they recurse. The emitters only render a plan; the
//! crate's code, its conformance test and any later generated artefact read the
//! same plan, so they cannot disagree. The API change report ([`crate::api_diff`])
//! reads it as comparable data. Plan spells no Rust type: that is emit's one
//! mapping (`emit::rust`), which reads the plan.

mod builders;
pub mod packages;
pub mod tree;

pub use builders::{is_page_size, ArgType, Builder, BuilderField, Output, Role, Wire};
pub use tree::{Child, Node, Tree};

use crate::diag::InternalError;
use crate::ir::{Api, Model, Type, Union};
use std::collections::{BTreeMap, BTreeSet};

/// Everything generation decides before rendering: each API's public surface and
/// the package layout. Every emitted artefact reads this one plan.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// One plan per API, in the order of the APIs given.
    pub apis: Vec<ApiPlan<'a>>,
    /// The crates: one per API (in the same order) and the facade.
    pub packages: packages::Packages,
}

impl<'a> Plan<'a> {
    /// Plans every API of `apis` and their packages by `layout`. Fails only on a
    /// generator bug or layout data that gives two APIs one crate.
    pub fn new(apis: &'a [Api], layout: &packages::Layout) -> Result<Self, InternalError> {
        Ok(Plan {
            apis: apis.iter().map(ApiPlan::new).collect::<Result<_, _>>()?,
            packages: packages::plan(apis, layout)?,
        })
    }
}

/// The plan of one API (one module of the generated crate).
#[derive(Debug, Clone)]
pub struct ApiPlan<'a> {
    /// The API model the plan is for.
    pub api: &'a Api,
    /// The handles, root first.
    pub tree: Tree,
    /// One builder per operation, in the order of [`Api::operations`].
    pub builders: Vec<Builder<'a>>,
    /// Alias name → the type it stands for.
    pub aliases: BTreeMap<&'a str, &'a Type>,
    /// (model name, field API name) of fields boxed because they recurse.
    pub boxed: BTreeSet<(String, String)>,
    /// Models a request can hold (reachable from a parameter or request body, through
    /// fields, aliases and union variants). Users build these, so they stay exhaustive
    /// structs; every other model is `#[non_exhaustive]` (see ARCHITECTURE.md).
    pub request_models: BTreeSet<String>,
}

impl<'a> ApiPlan<'a> {
    /// Plans `api`. Fails only on an inconsistency between the IR and the tree (a
    /// generator bug).
    pub fn new(api: &'a Api) -> Result<Self, InternalError> {
        let tree = tree::build(api, &crate::names::camel_ident(&api.module));
        let aliases: BTreeMap<&str, &Type> = api
            .aliases
            .iter()
            .map(|a| (a.item.name.as_str(), &a.ty))
            .collect();
        let builders = builders::plan(api, &tree, &aliases)?;
        Ok(ApiPlan {
            api,
            tree,
            builders,
            aliases,
            boxed: boxed_fields(&api.models),
            request_models: request_models(api),
        })
    }

    /// Whether model `name` is `#[non_exhaustive]`: no request holds it, so users
    /// only read it (and build it in tests through `Default`), and a new field is a
    /// compatible change.
    pub fn non_exhaustive(&self, name: &str) -> bool {
        !self.request_models.contains(name)
    }

    /// The root handle's type name (`FlexV1`).
    pub fn root(&self) -> &str {
        &self.tree.nodes[0].type_name
    }

    /// What `ty` stands for once named aliases are followed.
    pub fn resolve<'t>(&'t self, ty: &'t Type) -> &'t Type {
        resolve_alias(ty, &self.aliases)
    }

    /// The builders of the operations on handle `node`, in the handle's order.
    pub fn builders_of(&self, node: usize) -> impl Iterator<Item = &Builder<'a>> {
        self.tree.nodes[node]
            .operations
            .iter()
            .map(|(_, op)| &self.builders[*op])
    }
}

/// Follows named aliases (a bounded number of steps: alias cycles are diagnosed by
/// the lowering).
pub fn resolve_alias<'t>(ty: &'t Type, aliases: &BTreeMap<&str, &'t Type>) -> &'t Type {
    let mut cur = ty;
    for _ in 0..16 {
        match cur {
            Type::Alias(a) => match aliases.get(a.as_str()) {
                Some(t) => cur = t,
                None => break,
            },
            _ => break,
        }
    }
    cur
}

/// The models reachable from any operation's parameters or request body.
fn request_models(api: &Api) -> BTreeSet<String> {
    let models: BTreeMap<&str, &Model> = api
        .models
        .iter()
        .map(|m| (m.item.name.as_str(), m))
        .collect();
    let unions: BTreeMap<&str, &Union> = api
        .unions
        .iter()
        .map(|u| (u.item.name.as_str(), u))
        .collect();
    let aliases: BTreeMap<&str, &Type> = api
        .aliases
        .iter()
        .map(|a| (a.item.name.as_str(), &a.ty))
        .collect();
    let mut stack: Vec<&Type> = Vec::new();
    for op in &api.operations {
        stack.extend(op.params.iter().map(|p| &p.ty));
        if let Some(body) = &op.body {
            match &body.content {
                crate::ir::BodyContent::Fields(fs) => stack.extend(fs.iter().map(|p| &p.ty)),
                crate::ir::BodyContent::Whole(t) => stack.push(t),
                crate::ir::BodyContent::Empty => {}
            }
        }
    }
    let mut found = BTreeSet::new();
    let mut seen_named = BTreeSet::new();
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(t) | Type::Map(t) | Type::Nullable(t) => stack.push(t),
            Type::Model(n) if found.insert(n.clone()) => {
                if let Some(m) = models.get(n.as_str()) {
                    stack.extend(m.fields.iter().map(|f| &f.ty));
                }
            }
            Type::Union(n) if seen_named.insert(n.as_str()) => {
                if let Some(u) = unions.get(n.as_str()) {
                    stack.extend(u.variants.iter().map(|v| &v.ty));
                }
            }
            Type::Alias(n) if seen_named.insert(n.as_str()) => {
                if let Some(t) = aliases.get(n.as_str()) {
                    stack.push(t);
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether a union variant of type `ty` holds its value boxed (models and unions:
/// they may be large or recursive).
pub fn variant_boxed(ty: &Type) -> bool {
    matches!(ty, Type::Model(_) | Type::Union(_))
}

/// Fields (model name, field API name) whose type refers back to their model
/// through direct (non-container) fields, and so must be boxed.
fn boxed_fields(models: &[Model]) -> BTreeSet<(String, String)> {
    let by_name: BTreeMap<&str, &Model> =
        models.iter().map(|m| (m.item.name.as_str(), m)).collect();
    let direct = |m: &Model| -> Vec<(String, String)> {
        m.fields
            .iter()
            .filter_map(|f| match &f.ty {
                Type::Model(n) => Some((f.api_name.clone(), n.clone())),
                _ => None,
            })
            .collect()
    };
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(cur) = stack.pop() {
            if cur == to {
                return true;
            }
            if !seen.insert(cur.clone()) {
                continue;
            }
            if let Some(m) = by_name.get(cur.as_str()) {
                stack.extend(direct(m).into_iter().map(|(_, n)| n));
            }
        }
        false
    };
    let mut out = BTreeSet::new();
    for m in models {
        for (field, target) in direct(m) {
            if reaches(&target, &m.item.name) {
                out.insert((m.item.name.clone(), field));
            }
        }
    }
    out
}
