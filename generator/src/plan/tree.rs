//! The resource tree of one API, derived from the URL paths: the handles users chain
//! (`client.proxy_v1().service("KS…").session("KC…").participants()`) and the
//! operations on each.
//!
//! Naming, predictable from the path:
//! - the version segment (`v1`, `2010-04-01`) is the API's root handle;
//! - a literal segment followed by a `{Param}` is an accessor taking that parameter,
//!   named with the singular of the segment (`Participants/{Sid}` → `participant(sid)`);
//! - any other literal segment is an accessor without arguments, named as written
//!   (`Participants` → `participants()`, `Insights` → `insights()`);
//! - where both would be named alike (`Media` and `Media/{Sid}`), the one with the
//!   parameter becomes `media_by_sid(sid)`;
//! - operations take the verb of their `operationId` (`create`, `list`, `fetch`,
//!   `update`, `delete`), or the whole id in snake case when there is no such verb
//!   or two operations of one handle share it;
//! - where one accessor on the root takes `AccountSid` (`/2010-04-01/Accounts/{AccountSid}`),
//!   the root also has that handle's accessors, for the client's own account
//!   (`calls()` next to `account(sid).calls()`), each with an `account_` prefix
//!   where the root already has the name.

use crate::ir::{Api, Operation, ParamLocation, PathTemplate, Segment};
use crate::names::{self, Scope};
use std::collections::BTreeMap;

/// One handle type.
#[derive(Debug, Clone)]
pub struct Node {
    /// Rust type name (`InteractionChannelParticipants`).
    pub type_name: String,
    /// The path the handle stands for, for docs (`/v1/Interactions/{Sid}/Channels`).
    pub path: String,
    /// How many path parameter values the handle carries.
    pub arity: usize,
    /// Accessors to child handles.
    pub children: Vec<Child>,
    /// Operations: (method name, index into `Api::operations`).
    pub operations: Vec<(String, usize)>,
}

/// An accessor from one handle to another.
#[derive(Debug, Clone)]
pub struct Child {
    /// Method name.
    pub method: String,
    /// The path parameter the accessor takes: (API name, Rust argument name).
    pub param: Option<(String, String)>,
    /// How the accessor takes that path value.
    pub value: PathValue,
    /// The child's index in [`Tree::nodes`].
    pub node: usize,
    /// A shortcut on the root through the default account: the accessor of a
    /// child of the account handle, whose first path value (`AccountSid`) is the
    /// client's account SID.
    pub default_account: bool,
}

/// The Rust type an accessor takes its path value as: an integer path
/// parameter stays an integer (`pet(1)`, not `pet("x y")`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathValue {
    /// `impl Into<String>`.
    Text,
    /// `i64`.
    Integer,
}

impl PathValue {
    /// The kind of value for the path parameter `api_name` of `op` (text when it
    /// is not found).
    fn of(op: &Operation, api_name: &str) -> Self {
        let ty = path_params(op)
            .into_iter()
            .find(|p| p.api_name == api_name)
            .map(|p| &p.ty);
        match ty {
            Some(crate::ir::Type::I64 | crate::ir::Type::I32) => PathValue::Integer,
            _ => PathValue::Text,
        }
    }
}

/// Every handle of an API; `nodes[0]` is the root.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The handles, root first.
    pub nodes: Vec<Node>,
}

/// A step of a path: a literal segment and the parameter that follows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Step {
    literal: String,
    param: Option<String>,
}

fn is_version(seg: &str) -> bool {
    let v = seg
        .strip_prefix('v')
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let date = seg.len() == 10
        && seg.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    v || date
}

/// The literal name of a segment, without a `.json` suffix.
fn literal_of(seg: &str) -> &str {
    seg.strip_suffix(".json").unwrap_or(seg)
}

/// The segments of `path` after its version segment (`v1`, `2010-04-01`), if any.
fn after_version(path: &PathTemplate) -> &[Segment] {
    match path.segments.first() {
        Some(Segment::Literal(v)) if is_version(v) => &path.segments[1..],
        _ => &path.segments,
    }
}

/// The steps of a path: each literal with the parameter that follows it.
fn steps(path: &PathTemplate) -> Vec<Step> {
    let segs = after_version(path);
    let mut out = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        match &segs[i] {
            // A parameter with no literal before it.
            Segment::Param { name, .. } => {
                out.push(Step {
                    literal: String::new(),
                    param: Some(name.clone()),
                });
                i += 1;
            }
            Segment::Literal(lit) => {
                let param = match segs.get(i + 1) {
                    Some(Segment::Param { name, .. }) => Some(name.clone()),
                    _ => None,
                };
                i += if param.is_some() { 2 } else { 1 };
                out.push(Step {
                    literal: literal_of(lit).to_owned(),
                    param,
                });
            }
        }
    }
    out
}

/// The Rust name piece of a step: singular when it takes a parameter.
fn step_word(step: &Step) -> String {
    match (&step.param, step.literal.is_empty()) {
        (Some(p), true) => p.clone(),
        (Some(_), false) => names::singular(&step.literal),
        (None, _) => step.literal.clone(),
    }
}

/// Verbs an operation id may start with that name the operation on its handle.
const VERBS: &[&str] = &["Create", "Fetch", "List", "Update", "Delete"];

fn verb(id: &str) -> Option<String> {
    VERBS
        .iter()
        .find(|v| {
            id.starts_with(*v)
                && id[v.len()..].starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .map(|v| v.to_ascii_lowercase())
}

/// Names reserved on every handle (its own fields and methods).
const HANDLE_RESERVED: &[&str] = &["client", "path", "clone", "fmt"];

/// Builds the tree of `api`.
pub fn build(api: &Api, root_type: &str) -> Tree {
    let mut nodes = vec![Node {
        type_name: root_type.to_owned(),
        path: "/".to_owned(),
        arity: 0,
        children: Vec::new(),
        operations: Vec::new(),
    }];
    let mut by_key: BTreeMap<Vec<(String, bool)>, usize> = BTreeMap::new();
    let mut type_scope = Scope::default();
    type_scope.exact(root_type);
    // Raw (unscoped) accessor requests per node: (method base, param, child node).
    let mut raw_children: Vec<Vec<(Step, usize)>> = vec![Vec::new()];

    for (index, op) in api.operations.iter().enumerate() {
        let mut cur = 0;
        let mut key = Vec::new();
        let mut words = Vec::new();
        let all = steps(&op.path);
        for (si, step) in all.iter().enumerate() {
            key.push((step.literal.clone(), step.param.is_some()));
            words.push(step_word(step));
            let next = match by_key.get(&key) {
                Some(&n) => n,
                None => {
                    let n = nodes.len();
                    let arity = key.iter().filter(|(_, p)| *p).count();
                    let type_name = type_scope.camel(&words.join("_"));
                    let path = render_path(&op.path, si + 1);
                    nodes.push(Node {
                        type_name,
                        path,
                        arity,
                        children: Vec::new(),
                        operations: Vec::new(),
                    });
                    raw_children.push(Vec::new());
                    by_key.insert(key.clone(), n);
                    raw_children[cur].push((step.clone(), n));
                    n
                }
            };
            cur = next;
        }
        nodes[cur].operations.push((String::new(), index));
    }

    // A handle's docs and its accessor's argument follow the path of an operation on
    // the handle itself where there is one (`/Services/{Sid}`, not the
    // `/Services/{ServiceSid}/…` of a child).
    for node in nodes.iter_mut().skip(1) {
        if let Some((_, i)) = node.operations.first() {
            let path = &api.operations[*i].path;
            node.path = render_path(path, steps(path).len());
        }
    }
    let own_param: Vec<Option<String>> = nodes
        .iter()
        .map(|node| {
            let (_, i) = node.operations.first()?;
            steps(&api.operations[*i].path).last()?.param.clone()
        })
        .collect();
    let own_op: Vec<Option<&Operation>> = nodes
        .iter()
        .map(|node| Some(&api.operations[node.operations.first()?.1]))
        .collect();

    // Name operations first, then accessors, in one scope per handle; the root's
    // shortcuts through the default account take what its own names leave.
    let mut scopes: Vec<Scope> = nodes
        .iter_mut()
        .enumerate()
        .map(|(n, node)| name_methods(api, node, raw_children[n].clone(), &own_param, &own_op))
        .collect();
    if let Some(account) = account_accessor(&raw_children[0], &own_param) {
        add_default_account(&mut nodes, account, &mut scopes[0]);
    }
    Tree { nodes }
}

/// The path parameter an accessor on the root names the account with.
const ACCOUNT_PARAM: &str = "AccountSid";

/// The handle of the one accessor on the root that takes `AccountSid` (in its
/// children's paths, or its own operations'), if there is exactly one.
fn account_accessor(
    root_children: &[(Step, usize)],
    own_param: &[Option<String>],
) -> Option<usize> {
    let mut found = root_children.iter().filter(|(step, child)| {
        step.param.as_deref() == Some(ACCOUNT_PARAM)
            || own_param[*child].as_deref() == Some(ACCOUNT_PARAM)
    });
    match (found.next(), found.next()) {
        (Some((_, child)), None) => Some(*child),
        _ => None,
    }
}

/// Puts the accessors of the `account` handle on the root too, as the official
/// SDKs do (`client.messages`): there `AccountSid` is the client's account. Each
/// keeps its name unless the root already has it, then takes an `account_` prefix.
fn add_default_account(nodes: &mut [Node], account: usize, root_scope: &mut Scope) {
    let shortcuts: Vec<Child> = nodes[account]
        .children
        .iter()
        .map(|c| {
            let base = names::unraw(&c.method);
            Child {
                method: root_scope.claim(&[c.method.clone(), format!("account_{base}")], "_"),
                param: c.param.clone(),
                value: c.value,
                node: c.node,
                default_account: true,
            }
        })
        .collect();
    let root = &mut nodes[0];
    root.children.extend(shortcuts);
    root.children.sort_by(|a, b| a.method.cmp(&b.method));
}

/// Names the operations of `node`, then its accessors to `children`, in one scope,
/// which it returns.
fn name_methods(
    api: &Api,
    node: &mut Node,
    mut children: Vec<(Step, usize)>,
    own_param: &[Option<String>],
    own_op: &[Option<&Operation>],
) -> Scope {
    let mut scope = Scope::with_reserved(HANDLE_RESERVED);
    let mut verbs: BTreeMap<String, usize> = BTreeMap::new();
    for (_, i) in &node.operations {
        if let Some(v) = verb(&api.operations[*i].id) {
            *verbs.entry(v).or_default() += 1;
        }
    }
    for (name, i) in &mut node.operations {
        let op: &Operation = &api.operations[*i];
        *name = match verb(&op.id) {
            Some(v) if verbs[&v] == 1 => scope.exact(&v),
            _ => scope.exact(&op.name),
        };
    }
    // Plain accessors claim their names before those with a parameter.
    children.sort_by_key(|(s, _)| s.param.is_some());
    for (mut step, child) in children {
        if step.param.is_some() {
            if let Some(p) = &own_param[child] {
                step.param = Some(p.clone());
            }
        }
        let (method, param) = match &step.param {
            None => (scope.snake(&step.literal), None),
            Some(p) => {
                let base = names::unraw(&names::snake_ident(&step_word(&step))).to_owned();
                let by = format!("{base}_by_{}", names::unraw(&names::snake_ident(p)));
                let method = scope.claim(&[names::keyword_safe(&base), by], "_");
                (method, Some((p.clone(), names::snake_ident(p))))
            }
        };
        let value = match (&param, own_op[child]) {
            (Some((p, _)), Some(op)) => PathValue::of(op, p),
            _ => PathValue::Text,
        };
        node.children.push(Child {
            method,
            param,
            value,
            node: child,
            default_account: false,
        });
    }
    node.children.sort_by(|a, b| a.method.cmp(&b.method));
    scope
}

/// The first `steps_wanted` steps of `path`, with the version, for docs.
fn render_path(path: &PathTemplate, steps_wanted: usize) -> String {
    let text = |s: &Segment| match s {
        Segment::Literal(l) => l.clone(),
        Segment::Param { name, suffix } => format!("{{{name}}}{suffix}"),
    };
    let mut out = String::new();
    if path.segments.len() > after_version(path).len() {
        out.push('/');
        out.push_str(&text(&path.segments[0]));
    }
    let segs = after_version(path);
    let (mut taken, mut i) = (0, 0);
    while i < segs.len() && taken < steps_wanted {
        out.push('/');
        out.push_str(&text(&segs[i]));
        let pairs = matches!(segs[i], Segment::Literal(_))
            && matches!(segs.get(i + 1), Some(Segment::Param { .. }));
        if pairs {
            out.push('/');
            out.push_str(&text(&segs[i + 1]));
            i += 1;
        }
        i += 1;
        taken += 1;
    }
    out
}

/// For each node, the accessors leading to it from the root (as (node, child
/// index) pairs), each path value given (no default-account shortcut).
pub fn routes(tree: &Tree) -> Vec<Vec<(usize, usize)>> {
    let mut routes: Vec<Option<Vec<(usize, usize)>>> = vec![None; tree.nodes.len()];
    routes[0] = Some(Vec::new());
    let mut queue = std::collections::VecDeque::from([0usize]);
    while let Some(n) = queue.pop_front() {
        let here = routes[n].clone().unwrap_or_default();
        for (i, c) in tree.nodes[n].children.iter().enumerate() {
            if !c.default_account && routes[c.node].is_none() {
                let mut r = here.clone();
                r.push((n, i));
                routes[c.node] = Some(r);
                queue.push_back(c.node);
            }
        }
    }
    routes.into_iter().map(Option::unwrap_or_default).collect()
}

/// A call chain for the README: the accessors to the first list operation, e.g.
/// `.service("KS…").sessions().list().await?`.
pub fn example_chain(tree: &Tree) -> String {
    let mut chain = String::new();
    let mut cur = 0;
    for _ in 0..8 {
        let node = &tree.nodes[cur];
        if let Some((name, _)) = node.operations.iter().find(|(n, _)| n == "list") {
            return format!("{chain}.{name}().await?");
        }
        let Some(child) = node
            .children
            .iter()
            .find(|c| !c.default_account && subtree_has_list(tree, c.node))
        else {
            break;
        };
        match &child.param {
            Some(_) if child.value == PathValue::Integer => {
                chain.push_str(&format!(".{}(1)", child.method));
            }
            Some((api_name, _)) => chain.push_str(&format!(".{}(\"{api_name}\")", child.method)),
            None => chain.push_str(&format!(".{}()", child.method)),
        }
        cur = child.node;
    }
    format!("{chain}.fetch().await?")
}

fn subtree_has_list(tree: &Tree, n: usize) -> bool {
    tree.nodes[n]
        .operations
        .iter()
        .any(|(name, _)| name == "list")
        || tree.nodes[n]
            .children
            .iter()
            .any(|c| subtree_has_list(tree, c.node))
}

/// The path parameters of `op`, in URL order (they fill the handle's values in order).
pub fn path_params(op: &Operation) -> Vec<&crate::ir::Param> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_path() {
        let p = PathTemplate::parse;
        let s = steps(&p(
            "/v1/Interactions/{InteractionSid}/Channels/{ChannelSid}/Participants",
        ));
        let words: Vec<String> = s.iter().map(step_word).collect();
        assert_eq!(words, ["Interaction", "Channel", "Participants"]);
        let s = steps(&p("/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json"));
        assert_eq!(
            s[1],
            Step {
                literal: "Calls".into(),
                param: Some("Sid".into())
            }
        );
        assert!(is_version("v1") && is_version("2010-04-01") && !is_version("Voice"));
        assert_eq!(
            render_path(&p("/v1/Services/{Sid}/Sessions"), 1),
            "/v1/Services/{Sid}"
        );
        assert_eq!(
            render_path(&p("/v1/Insights/QualityManagement/Assessments"), 2),
            "/v1/Insights/QualityManagement"
        );
    }

    #[test]
    fn the_default_account_needs_exactly_one_account_accessor() {
        let step = |literal: &str, param: Option<&str>| Step {
            literal: literal.into(),
            param: param.map(str::to_owned),
        };
        let accounts = (step("Accounts", Some("AccountSid")), 1);
        let listed = (step("Accounts", None), 2);
        let own = vec![None, Some("Sid".to_owned()), None, None];
        assert_eq!(
            account_accessor(&[listed.clone(), accounts.clone()], &own),
            Some(1)
        );
        // Named by its own operation's parameter only.
        let by_own = (step("Users", Some("UserSid")), 3);
        let own_account = vec![None, None, None, Some("AccountSid".to_owned())];
        assert_eq!(
            account_accessor(std::slice::from_ref(&by_own), &own_account),
            Some(3)
        );
        // Two candidates: no default.
        assert_eq!(account_accessor(&[accounts, by_own], &own_account), None);
        assert_eq!(account_accessor(&[listed], &own), None);
    }

    #[test]
    fn verbs_come_from_operation_ids() {
        assert_eq!(
            verb("CreateInteractionChannelParticipant").as_deref(),
            Some("create")
        );
        assert_eq!(verb("ListParticipant").as_deref(), Some("list"));
        assert_eq!(verb("Listen"), None);
        assert_eq!(verb("UpdateV2Thing").as_deref(), Some("update"));
    }
}
