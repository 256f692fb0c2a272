//! One request builder per operation: its type name, its verb on its handle, its
//! fields (final names, roles, wire locations, argument types) and its output.

use super::resolve_alias;
use super::tree::{self, Tree};
use crate::diag::InternalError;
use crate::ir::{Api, Auth, BodyContent, Encoding, Operation, Param, ParamLocation, Type};
use crate::names::{self, Scope};
use std::collections::BTreeMap;

/// Names every request builder has for itself.
const BUILDER_RESERVED: &[&str] = &[
    "client",
    "path",
    "send",
    "send_with_response",
    "request",
    "prepare",
    "into_future",
    "clone",
    "fmt",
    // The per-call options (the runtime's `request_options_setters!`) and the
    // field they are kept in.
    "request_timeout",
    "attempt_timeout",
    "request_header",
    "request_options",
];
/// More names list builders have.
const LIST_RESERVED: &[&str] = &["page", "stream", "limit", "lister"];
/// Names `requests.rs` imports, which builder types must not take.
const REQUESTS_IMPORTS: &[&str] = &["Check", "Request"];

/// The Twilio paging parameter whose bounds a limit's page size respects.
const PAGE_SIZE: &str = "PageSize";
/// The runtime's largest page size (`twilio_rest_runtime::MAX_PAGE_SIZE`).
const MAX_PAGE_SIZE: usize = 1000;

/// Whether `p` is a list's page size: Twilio's `PageSize` (`pageSize` in the
/// token-paged lists).
pub fn is_page_size(p: &Param) -> bool {
    p.location == ParamLocation::Query && p.api_name.eq_ignore_ascii_case(PAGE_SIZE)
}

/// The bounds of `op`'s `PageSize` query parameter, when its spec gives any.
fn page_sizes(op: &Operation) -> Option<(usize, usize)> {
    let param = op
        .params
        .iter()
        .find(|p| p.api_name == PAGE_SIZE && p.location == ParamLocation::Query)?;
    bounds(&param.constraints)
}

/// Whole-number page sizes within `c`, between 1 and [`MAX_PAGE_SIZE`].
fn bounds(c: &crate::ir::Constraints) -> Option<(usize, usize)> {
    if c.minimum.is_none() && c.maximum.is_none() {
        return None;
    }
    // Float to integer casts saturate; NaN becomes 0, then 1.
    let max = c
        .maximum
        .map_or(MAX_PAGE_SIZE, |m| m.floor() as usize)
        .clamp(1, MAX_PAGE_SIZE);
    let min = c.minimum.map_or(1, |m| m.ceil() as usize).clamp(1, max);
    Some((min, max))
}

/// The builder of one operation.
#[derive(Debug, Clone)]
pub struct Builder<'a> {
    /// The operation.
    pub op: &'a Operation,
    /// Rust type name (`CreateInteractionChannelParticipant`).
    pub type_name: String,
    /// The method on the handle that creates it (`create`).
    pub verb: String,
    /// The handle it is created from (index into [`Tree::nodes`]).
    pub handle: usize,
    /// The path parameters, in URL order; they take the handle's values in order.
    pub path_params: Vec<&'a Param>,
    /// Every other parameter and body value, in order: required ones are arguments
    /// of the verb, optional ones setters.
    pub fields: Vec<BuilderField<'a>>,
    /// What sending it returns.
    pub output: Output,
    /// The operation declares only redirects: a 3xx answer is its result.
    pub redirect_is_result: bool,
    /// The operation's own host, when it is not the API's.
    pub server: Option<&'a str>,
    /// The body's declared media type, when it is not the default of its encoding
    /// (`application/x-www-form-urlencoded`, `application/json`).
    pub content_type: Option<&'a str>,
    /// How it authenticates.
    pub auth: &'a Auth,
    /// For a token-paged list: the query parameter its next page's token goes in.
    pub page_token: Option<&'a str>,
    /// For a list whose spec bounds its `PageSize` query parameter: the smallest
    /// and largest page size (a limit's pages are clamped to them).
    pub page_sizes: Option<(usize, usize)>,
    /// For a list: whether its spec has a `PageSize` query parameter (a limit
    /// asks for a page size only then).
    pub takes_page_size: bool,
    /// The struct the required fields are given in (`CreateInsightsAssessmentsParams`),
    /// when there are too many, or too easily swapped, to be positional arguments
    /// (see `takes_struct`).
    pub params_struct: Option<String>,
}

/// A field of a builder.
#[derive(Debug, Clone)]
pub struct BuilderField<'a> {
    /// Rust name of the field, its argument or setter (may be raw, `r#type`).
    pub name: String,
    /// The parameter or body field it sends; `None` for a whole JSON body.
    pub param: Option<&'a Param>,
    /// Argument or setter.
    pub role: Role,
    /// Where the value goes.
    pub wire: Wire,
    /// The Rust type it is taken as.
    pub ty: ArgType,
    /// Its value is a credential (see `is_secret_header`): builders print it as
    /// `***` and the runtime keeps it redacted.
    pub secret: bool,
}

/// Whether a header parameter carries a credential, decided by its name alone:
/// `Authorization`, or a name containing `token`, `secret`, `password` or
/// `api-key` (compared without case, `-` and `_`, so `X-Api-Key`, `api_key` and
/// `X-Auth-Token` count). Query and body parameters are not secret by name
/// (`PageToken` is paging state, not a credential).
pub fn is_secret_header(name: &str) -> bool {
    let squeezed: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    squeezed == "authorization"
        || ["token", "secret", "password", "apikey"]
            .iter()
            .any(|w| squeezed.contains(w))
}

/// How a field is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Required: an argument of the verb.
    Argument,
    /// Optional: a chainable setter.
    Setter,
}

/// Where a builder field is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A field of a form body.
    FormField,
    /// A property of a JSON body.
    JsonField,
    /// The whole JSON body.
    JsonBody,
    /// The whole form body, from a model (each property one field).
    FormBody,
}

/// The Rust type a parameter is taken as. Strings and URIs are `String`; free-form
/// values, maps, nested objects and nested lists travel as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgType {
    /// `String` (taken as `impl Into<String>`).
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`: a list's page size, the type of its item `limit` too (the one
    /// integer type for sizes and limits).
    U32,
    /// `f64`.
    F64,
    /// A UTC date-time.
    DateTime,
    /// A calendar date.
    Date,
    /// A generated enum, by name (taken as `impl Into<Enum>`, so strings work).
    Enum(String),
    /// A generated model, by name (JSON body properties only).
    Model(String),
    /// A generated union, by name (JSON bodies only; taken as `impl Into<Union>`,
    /// so a variant's value works).
    Union(String),
    /// A JSON object sent as flattened `<prefix>.<key>` query or form parameters.
    PrefixedMap(String),
    /// JSON (taken as `impl Into<serde_json::Value>`).
    Json,
    /// A list of scalars (taken as any iterator of convertible items).
    List(Box<ArgType>),
}

/// What an operation returns and how the runtime sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Nothing (`()`).
    Empty,
    /// A decoded body.
    Json(Type),
    /// A decoded body, or `None` for the success statuses that declare none.
    JsonOpt(Type),
    /// A list: the page model and one item.
    List {
        /// Rust name of the page model.
        page: String,
        /// Type of one item.
        item: Type,
    },
}

/// Plans every builder of `api`, in operation order.
pub(super) fn plan<'a>(
    api: &'a Api,
    tree: &Tree,
    aliases: &BTreeMap<&str, &Type>,
) -> Result<Vec<Builder<'a>>, InternalError> {
    let mut type_names = Scope::with_reserved(REQUESTS_IMPORTS);
    let names: Vec<String> = api
        .operations
        .iter()
        .map(|op| type_names.camel(&op.id))
        .collect();
    let mut place = vec![None; api.operations.len()];
    for (n, node) in tree.nodes.iter().enumerate() {
        for (verb, index) in &node.operations {
            place[*index] = Some((n, verb.clone(), node.arity));
        }
    }
    let mut out: Vec<Builder<'a>> = Vec::new();
    for ((op, type_name), place) in api.operations.iter().zip(names).zip(place) {
        let bug = |message: String| InternalError {
            file: format!("src/{}/requests.rs", api.module),
            message,
        };
        let (handle, verb, arity) =
            place.ok_or_else(|| bug(format!("{}: no handle in the tree", op.id)))?;
        let path_params = tree::path_params(op);
        if path_params.len() != arity {
            return Err(bug(format!(
                "{}: {} path parameters on a handle carrying {arity}",
                op.id,
                path_params.len()
            )));
        }
        let output = output(api, op);
        let is_list = matches!(output, Output::List { .. });
        let page_token = op.page_token.as_deref().filter(|_| is_list);
        let page_sizes = page_sizes(op).filter(|_| is_list);
        let takes_page_size = is_list
            && op
                .params
                .iter()
                .any(|p| p.api_name == PAGE_SIZE && p.location == ParamLocation::Query);
        let fields = fields(op, is_list, aliases);
        out.push(Builder {
            op,
            type_name,
            verb,
            handle,
            path_params,
            params_struct: None,
            fields,
            output,
            redirect_is_result: redirect_only(op),
            server: op.server.as_deref(),
            auth: &op.auth,
            content_type: op.body.as_ref().and_then(|b| {
                let default = match b.encoding {
                    Encoding::Form => "application/x-www-form-urlencoded",
                    Encoding::Json => "application/json",
                };
                (b.media_type != default).then_some(b.media_type.as_str())
            }),
            page_token,
            page_sizes,
            takes_page_size,
        });
    }
    // After every builder has its name, so a struct never takes a builder's.
    for b in &mut out {
        if takes_struct(&b.fields) {
            b.params_struct = Some(type_names.claim(&[format!("{}Params", b.type_name)], ""));
        }
    }
    Ok(out)
}

/// Whether the required fields of a builder are given as one struct with a field
/// per parameter rather than as positional arguments: when there are three or
/// more, or two that take the same kind of value (two strings, or a string and an
/// enum, which also takes strings), so that writing them in the wrong order would
/// still compile. One argument, or two of different kinds
/// (`create("customer", json!({…}))`), stay positional.
pub fn takes_struct(fields: &[BuilderField<'_>]) -> bool {
    let required: Vec<&BuilderField<'_>> =
        fields.iter().filter(|f| f.role == Role::Argument).collect();
    match required.as_slice() {
        [a, b] => a.ty.kind() == b.ty.kind(),
        r => r.len() >= 3,
    }
}

impl ArgType {
    /// What a caller writes for it: types that accept the same literals share a
    /// kind (strings for `String` and enums, numbers for the integer and float
    /// types).
    fn kind(&self) -> String {
        match self {
            ArgType::String | ArgType::Enum(_) => "text".to_owned(),
            ArgType::I32 | ArgType::I64 | ArgType::U32 | ArgType::F64 => "number".to_owned(),
            ArgType::Bool => "bool".to_owned(),
            ArgType::DateTime => "date-time".to_owned(),
            ArgType::Date => "date".to_owned(),
            ArgType::Model(m) | ArgType::Union(m) => format!("model {m}"),
            ArgType::Json | ArgType::PrefixedMap(_) => "json".to_owned(),
            ArgType::List(item) => format!("list of {}", item.kind()),
        }
    }
}

/// Whether query parameter `p` of a list is Twilio's page index or page token
/// (`Page`, `PageToken`): only the `next_page_url` of a page carries a valid pair
/// (Twilio rejects `Page` without `PageToken`, error 70002), so paging sets them
/// and builders do not offer them.
fn pages_internally(p: &Param) -> bool {
    let name = p.api_name.replace('_', "").to_ascii_lowercase();
    p.location == ParamLocation::Query && (name == "page" || name == "pagetoken")
}

/// The fields of the builder of `op`, named so they avoid the builder's own methods.
/// A list paged by URL (not by token) leaves out its page index and page token
/// ([`pages_internally`]); a token-paged list keeps its token, so a stored
/// `next_token` can resume it.
fn fields<'a>(
    op: &'a Operation,
    is_list: bool,
    aliases: &BTreeMap<&str, &Type>,
) -> Vec<BuilderField<'a>> {
    let url_paged = is_list && op.page_token.is_none();
    let mut reserved: Vec<&str> = BUILDER_RESERVED.to_vec();
    if op.list.is_some() {
        reserved.extend(LIST_RESERVED);
    }
    let mut scope = Scope::with_reserved(&reserved);
    let role = |required: bool| {
        if required {
            Role::Argument
        } else {
            Role::Setter
        }
    };
    let body_wire = match op.body.as_ref().map(|b| b.encoding) {
        Some(Encoding::Json) => Wire::JsonField,
        _ => Wire::FormField,
    };
    let body_fields = op.body.iter().flat_map(|b| b.fields());
    let mut out: Vec<BuilderField<'a>> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .filter(|p| !(url_paged && pages_internally(p)))
        .chain(body_fields)
        .filter_map(|p| {
            let wire = match p.location {
                ParamLocation::Path => return None,
                ParamLocation::Query => Wire::Query,
                ParamLocation::Header => Wire::Header,
                ParamLocation::Body => body_wire,
            };
            let base = names::unraw(&p.name).to_owned();
            let name = if names::is_keyword(&base) {
                format!("r#{base}")
            } else {
                base.clone()
            };
            Some(BuilderField {
                name: scope.claim(&[name, format!("{base}_param")], "_"),
                param: Some(p),
                role: role(p.required),
                wire,
                ty: match arg_type(&p.ty, wire, aliases) {
                    ArgType::I32 | ArgType::I64 if wire == Wire::Query && is_page_size(p) => {
                        ArgType::U32
                    }
                    ty => ty,
                },
                secret: wire == Wire::Header && is_secret_header(&p.api_name),
            })
        })
        .collect();
    if let Some((body, ty)) = op.body.as_ref().and_then(|b| match &b.content {
        BodyContent::Whole(ty) => Some((b, ty)),
        _ => None,
    }) {
        let wire = match body.encoding {
            Encoding::Json => Wire::JsonBody,
            Encoding::Form => Wire::FormBody,
        };
        out.push(BuilderField {
            name: scope.claim(&["body".to_owned(), "body_param".to_owned()], "_"),
            param: None,
            role: role(body.required),
            wire,
            ty: match arg_type(ty, wire, aliases) {
                typed @ (ArgType::Model(_) | ArgType::Union(_)) => typed,
                _ => ArgType::Json,
            },
            secret: false,
        });
    }
    out
}

/// The argument type of a value of IR type `ty` sent at `wire`.
fn arg_type(ty: &Type, wire: Wire, aliases: &BTreeMap<&str, &Type>) -> ArgType {
    let json = matches!(wire, Wire::JsonField | Wire::JsonBody | Wire::FormBody);
    match resolve_alias(ty, aliases) {
        Type::Nullable(inner) => arg_type(inner, wire, aliases),
        Type::String | Type::Uri => ArgType::String,
        Type::Bool => ArgType::Bool,
        Type::I32 => ArgType::I32,
        Type::I64 => ArgType::I64,
        Type::F64 => ArgType::F64,
        Type::DateTime | Type::DateTimeRfc2822 => ArgType::DateTime,
        Type::Date => ArgType::Date,
        Type::Enum(e) => ArgType::Enum(e.clone()),
        Type::Model(m) if json => ArgType::Model(m.clone()),
        Type::Union(u) if json => ArgType::Union(u.clone()),
        Type::PrefixedMap(p) if matches!(wire, Wire::Query | Wire::FormField) => {
            ArgType::PrefixedMap(p.clone())
        }
        Type::Array(inner) if !matches!(resolve_alias(inner, aliases), Type::Array(_)) => {
            ArgType::List(Box::new(arg_type(inner, wire, aliases)))
        }
        _ => ArgType::Json,
    }
}

fn output(api: &Api, op: &Operation) -> Output {
    let page = op
        .list
        .as_deref()
        .and_then(|name| api.model(name)?.page.as_ref().map(|p| (name, p)));
    if let Some((name, page)) = page {
        return Output::List {
            page: name.to_owned(),
            item: page.item.clone(),
        };
    }
    let ok = success_responses(op);
    let typed: Vec<&Type> = ok.iter().filter_map(|r| r.ty.as_ref()).collect();
    let Some(first) = typed.first() else {
        return Output::Empty;
    };
    let t = if typed.iter().all(|t| t == first) {
        (*first).clone()
    } else {
        Type::Json
    };
    if typed.len() < ok.len() {
        Output::JsonOpt(t)
    } else {
        Output::Json(t)
    }
}

/// The responses that mean success: the 2xx ones, or, for an operation that only
/// declares redirects, those.
fn success_responses(op: &Operation) -> Vec<&crate::ir::Response> {
    let ok: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    if ok.is_empty() {
        op.responses
            .iter()
            .filter(|r| r.status.is_redirect())
            .collect()
    } else {
        ok
    }
}

/// Whether `op` only declares redirects.
fn redirect_only(op: &Operation) -> bool {
    !op.responses.iter().any(|r| r.status.is_success())
        && op.responses.iter().any(|r| r.status.is_redirect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_bounds_are_whole_numbers_within_the_runtimes() {
        let c = |minimum, maximum| crate::ir::Constraints {
            minimum,
            maximum,
            ..Default::default()
        };
        assert_eq!(bounds(&c(Some(1.0), Some(100.0))), Some((1, 100)));
        assert_eq!(bounds(&c(None, Some(50.0))), Some((1, 50)));
        assert_eq!(bounds(&c(Some(1.0), Some(5000.0))), Some((1, 1000)));
        assert_eq!(bounds(&c(Some(2.5), Some(7.9))), Some((3, 7)));
        assert_eq!(bounds(&c(Some(20.0), Some(10.0))), Some((10, 10)));
        assert_eq!(bounds(&c(Some(-3.0), Some(f64::NAN))), Some((1, 1)));
        assert_eq!(bounds(&c(None, None)), None);
    }

    fn required(ty: ArgType) -> BuilderField<'static> {
        BuilderField {
            name: "x".to_owned(),
            param: None,
            role: Role::Argument,
            wire: Wire::FormField,
            ty,
            secret: false,
        }
    }

    #[test]
    fn many_or_swappable_required_values_come_by_name() {
        let enum_ = || ArgType::Enum("Status".to_owned());
        // One, or two of different kinds, stay positional.
        assert!(!takes_struct(&[required(ArgType::String)]));
        assert!(!takes_struct(&[required(enum_()), required(ArgType::Json)]));
        assert!(!takes_struct(&[
            required(ArgType::String),
            required(ArgType::Bool)
        ]));
        // Two that take the same literals would compile swapped.
        assert!(takes_struct(&[
            required(ArgType::String),
            required(ArgType::String)
        ]));
        assert!(takes_struct(&[
            required(ArgType::String),
            required(enum_())
        ]));
        assert!(takes_struct(&[
            required(ArgType::I32),
            required(ArgType::F64)
        ]));
        // Three or more, whatever their types.
        let three = [
            required(ArgType::String),
            required(ArgType::Bool),
            required(ArgType::Json),
        ];
        assert!(takes_struct(&three));
        // Setters do not count.
        let mut setter = required(ArgType::String);
        setter.role = Role::Setter;
        assert!(!takes_struct(&[required(ArgType::String), setter]));
    }

    #[test]
    fn credential_headers_are_secret_by_name() {
        for name in [
            "Authorization",
            "authorization",
            "X-Auth-Token",
            "X-Api-Key",
            "api_key",
            "Client-Secret",
            "X-Password",
        ] {
            assert!(is_secret_header(name), "{name}");
        }
        for name in [
            "Flex-Metadata",
            "Accept",
            "X-Twilio-Signature-Version",
            "Key",
        ] {
            assert!(!is_secret_header(name), "{name}");
        }
    }
}
