//! Operations: the resource handles (`resources.rs`), the request builders
//! (`requests.rs`) and the API's entry point on the client.

use super::rust::{docs, ident, resolve_alias, rust_type_in};
use super::tree::{self, Tree};
use super::EmitError;
use crate::ir::{Api, Constraints, Operation, Param, ParamLocation, Type};
use crate::names::{self, Scope};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Names every request builder has for itself.
const BUILDER_RESERVED: &[&str] = &[
    "client",
    "path",
    "send",
    "send_with_response",
    "request",
    "into_future",
    "clone",
    "fmt",
];
/// More names list builders have.
const LIST_RESERVED: &[&str] = &["page", "stream", "limit", "lister"];

/// How a parameter is stored in a builder and taken as an argument.
struct ParamTy {
    /// Field type.
    store: TokenStream,
    /// Argument type of the accessor or setter.
    arg: TokenStream,
    /// How the argument becomes the field.
    convert: Convert,
}

/// Argument → field conversions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Convert {
    /// `x.into()`
    Into,
    /// `x` as it is.
    Same,
    /// `x.into_iter().map(Into::into).collect()`
    Collect,
}

use Convert::{Collect as collect, Into as into, Same as same};

impl Convert {
    fn apply(self, x: &proc_macro2::Ident) -> TokenStream {
        match self {
            Convert::Into => quote!(#x.into()),
            Convert::Same => quote!(#x),
            Convert::Collect => quote!(#x.into_iter().map(Into::into).collect()),
        }
    }
}

fn param_ty(
    ty: &Type,
    location: ParamLocation,
    aliases: &BTreeMap<&str, &Type>,
    models: &TokenStream,
) -> ParamTy {
    let json = quote!(twilio_rest_runtime::serde_json::Value);
    match resolve_alias(ty, aliases) {
        Type::Nullable(inner) => param_ty(inner, location, aliases, models),
        Type::String | Type::Uri => ParamTy {
            store: quote!(String),
            arg: quote!(impl Into<String>),
            convert: into,
        },
        Type::Bool => ParamTy {
            store: quote!(bool),
            arg: quote!(bool),
            convert: same,
        },
        Type::I32 => ParamTy {
            store: quote!(i32),
            arg: quote!(i32),
            convert: same,
        },
        Type::I64 => ParamTy {
            store: quote!(i64),
            arg: quote!(i64),
            convert: same,
        },
        Type::F64 => ParamTy {
            store: quote!(f64),
            arg: quote!(f64),
            convert: same,
        },
        Type::DateTime | Type::DateTimeRfc2822 => {
            let t = quote!(twilio_rest_runtime::chrono::DateTime<twilio_rest_runtime::chrono::Utc>);
            ParamTy {
                store: t.clone(),
                arg: t,
                convert: same,
            }
        }
        Type::Date => ParamTy {
            store: quote!(twilio_rest_runtime::chrono::NaiveDate),
            arg: quote!(twilio_rest_runtime::chrono::NaiveDate),
            convert: same,
        },
        Type::Enum(e) => {
            let e = ident(e);
            ParamTy {
                store: quote!(#models::#e),
                arg: quote!(impl Into<#models::#e>),
                convert: into,
            }
        }
        Type::Model(m) if location == ParamLocation::Json => {
            let m = ident(m);
            ParamTy {
                store: quote!(#models::#m),
                arg: quote!(#models::#m),
                convert: same,
            }
        }
        Type::Array(inner) if !matches!(resolve_alias(inner, aliases), Type::Array(_)) => {
            let item = param_ty(inner, location, aliases, models);
            let store = item.store;
            ParamTy {
                store: quote!(Vec<#store>),
                arg: quote!(impl IntoIterator<Item = impl Into<#store>>),
                convert: collect,
            }
        }
        // Free-form values, maps, nested objects and anything else travel as JSON.
        _ => ParamTy {
            store: json.clone(),
            arg: quote!(impl Into<#json>),
            convert: into,
        },
    }
}

fn check(c: &Constraints) -> TokenStream {
    if c.is_empty() {
        return quote!(&Check::NONE);
    }
    fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
        match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        }
    }
    let pattern = opt(c.pattern.as_deref());
    let min_len = opt(c.min_length.map(proc_macro2::Literal::usize_unsuffixed));
    let max_len = opt(c.max_length.map(proc_macro2::Literal::usize_unsuffixed));
    let min = opt(c.minimum.map(proc_macro2::Literal::f64_suffixed));
    let max = opt(c.maximum.map(proc_macro2::Literal::f64_suffixed));
    quote!(&Check::new(#pattern, #min_len, #max_len, #min, #max))
}

/// A builder's field for one parameter.
struct FieldPlan<'a> {
    param: &'a Param,
    field: String,
    ty: ParamTy,
}

/// What an operation returns and how the runtime sends it.
enum Output {
    /// `send_empty`: `()`.
    Empty,
    /// `send_json::<T>`.
    Json(TokenStream),
    /// `send_json_opt::<T>`: some success statuses have no body.
    JsonOpt(TokenStream),
    /// A list: page model and item.
    List(TokenStream, TokenStream),
}

fn output(op: &Operation, models: &TokenStream) -> Output {
    if let Some(list) = &op.list {
        let page = ident(&list.page_model);
        return Output::List(
            quote!(#models::#page),
            rust_type_in(&list.item, Some(models)),
        );
    }
    let ok = success_responses(op);
    let typed: Vec<&Type> = ok.iter().filter_map(|r| r.ty.as_ref()).collect();
    let Some(first) = typed.first() else {
        return Output::Empty;
    };
    let t = if typed.iter().all(|t| t == first) {
        rust_type_in(first, Some(models))
    } else {
        quote!(twilio_rest_runtime::serde_json::Value)
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
        .filter(|r| r.status.starts_with('2'))
        .collect();
    if ok.is_empty() {
        op.responses
            .iter()
            .filter(|r| r.status.starts_with('3'))
            .collect()
    } else {
        ok
    }
}

/// Whether `op` only declares redirects.
fn redirect_only(op: &Operation) -> bool {
    !op.responses.iter().any(|r| r.status.starts_with('2'))
        && op.responses.iter().any(|r| r.status.starts_with('3'))
}

/// `resources.rs`, `requests.rs` and the entry point for `mod.rs` of one API.
pub struct Emitted {
    /// Handles.
    pub resources: TokenStream,
    /// Request builders.
    pub requests: TokenStream,
    /// The `API` constant and `Client::<module>()`.
    pub entry: TokenStream,
}

/// Emits the operations of `api`.
pub fn emit(api: &Api, tree: &Tree) -> Result<Emitted, EmitError> {
    let root_type = &tree.nodes[0].type_name;
    let aliases: BTreeMap<&str, &Type> = api
        .aliases
        .iter()
        .map(|a| (a.name.as_str(), &a.ty))
        .collect();
    let models = quote!(super::models);
    // Builders share `requests.rs` with its imports.
    let mut builder_names = Scope::with_reserved(&["Check", "Request"]);
    let names: Vec<String> = api
        .operations
        .iter()
        .map(|op| builder_names.camel(&op.id))
        .collect();

    let mut requests = Vec::new();
    let mut handle_methods: BTreeMap<usize, Vec<TokenStream>> = BTreeMap::new();
    for (n, node) in tree.nodes.iter().enumerate() {
        for (method, index) in &node.operations {
            let op = &api.operations[*index];
            let path_params = tree::path_params(op);
            if path_params.len() != node.arity {
                return Err(EmitError {
                    file: format!("src/{}/requests.rs", api.module),
                    message: format!(
                        "{}: {} path parameters on a handle carrying {}",
                        op.id,
                        path_params.len(),
                        node.arity
                    ),
                });
            }
            let (builder, constructor) =
                operation(op, &names[*index], method, node.arity, &aliases, &models);
            requests.push(builder);
            handle_methods.entry(n).or_default().push(constructor);
        }
    }

    // An API without operations (some specs only describe models) has no handles.
    let handles: Vec<TokenStream> = if api.operations.is_empty() {
        Vec::new()
    } else {
        tree.nodes
            .iter()
            .enumerate()
            .map(|(n, node)| {
                handle(
                    tree,
                    n,
                    node,
                    handle_methods.remove(&n).unwrap_or_default(),
                    api,
                )
            })
            .collect()
    };
    let resources_doc = format!(
        " Handles of {}: one per URL path, chained from [`crate::Client::{}`].",
        api.title, api.module
    );
    let requests_doc = format!(" Request builders of {}: one per operation.", api.title);
    let module = ident(&api.module);
    let root = ident(root_type);
    let (name, base_url) = (&api.module, &api.base_url);
    let entry_doc = docs(&[Some(&format!(
        "{} (`{}`): the root of its resource tree.",
        api.title, api.base_url
    ))]);
    Ok(Emitted {
        resources: quote! {
            #![doc = #resources_doc]
            #(#handles)*
        },
        requests: {
            let imports = (!requests.is_empty()).then(|| {
                quote!(
                    use twilio_rest_runtime::codegen::{Check, Request};
                )
            });
            quote! {
                #![doc = #requests_doc]

                #imports

                #(#requests)*
            }
        },
        entry: {
            let accessor = (!api.operations.is_empty()).then(|| {
                quote! {
                    impl crate::Client {
                        #entry_doc
                        pub fn #module(&self) -> resources::#root {
                            resources::#root { client: self.inner.clone() }
                        }
                    }
                }
            });
            quote! {
                /// This API's name and default base URL, for [`crate::ClientBuilder::base_url`].
                pub const API: twilio_rest_runtime::ApiInfo = twilio_rest_runtime::ApiInfo { name: #name, base_url: #base_url };

                #accessor
            }
        },
    })
}

/// The `path` field of a handle or builder carrying `arity` path values (none
/// when there are none).
fn path_field(arity: usize) -> Option<TokenStream> {
    let n = proc_macro2::Literal::usize_unsuffixed(arity);
    (arity > 0).then(|| quote!(pub(crate) path: [String; #n],))
}

fn handle(
    tree: &Tree,
    n: usize,
    node: &tree::Node,
    ops: Vec<TokenStream>,
    api: &Api,
) -> TokenStream {
    let name = ident(&node.type_name);
    let arity = node.arity;
    let doc = if n == 0 {
        format!(" The root of {} (`{}`).", api.title, api.base_url)
    } else {
        format!(" Handle for `{}`.", node.path)
    };
    let path_field = path_field(arity);
    let accessors = node.children.iter().map(|c| {
        let child = &tree.nodes[c.node];
        let child_name = ident(&child.type_name);
        let method = ident(&c.method);
        let carried: Vec<TokenStream> = (0..arity)
            .map(|i| {
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                quote!(self.path[#i].clone())
            })
            .collect();
        let doc = format!(" `{}`", child.path);
        match &c.param {
            None => {
                let path = (child.arity > 0).then(|| quote!(path: [#(#carried),*],));
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> #child_name {
                        #child_name { client: self.client.clone(), #path }
                    }
                }
            }
            Some((api_name, rust)) => {
                let arg = ident(rust);
                let pdoc = format!(" `{}`, with `{api_name}` given.", child.path);
                quote! {
                    #[doc = #pdoc]
                    pub fn #method(&self, #arg: impl Into<String>) -> #child_name {
                        #child_name { client: self.client.clone(), path: [#(#carried,)* #arg.into()] }
                    }
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            pub(crate) client: twilio_rest_runtime::Client,
            #path_field
        }

        impl #name {
            #(#accessors)*
            #(#ops)*
        }
    }
}

/// The Rust names of a builder's fields (and setters): one per non-path parameter
/// and body field, in order, and one for a whole JSON body.
pub(super) struct FieldNames {
    /// Parameter and body-field names, in order.
    pub fields: Vec<String>,
    /// The whole-body field, if the body is one JSON value.
    pub whole: Option<String>,
}

/// Names the builder fields of `op`, avoiding the builder's own methods.
pub(super) fn field_names(op: &Operation) -> FieldNames {
    let mut reserved: Vec<&str> = BUILDER_RESERVED.to_vec();
    if op.list.is_some() {
        reserved.extend(LIST_RESERVED);
    }
    let mut scope = Scope::with_reserved(&reserved);
    let body_fields = op.body.iter().flat_map(|b| &b.fields);
    let fields = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .chain(body_fields)
        .map(|p| {
            let base = names::unraw(&p.name).to_owned();
            let name = if names::is_keyword(&base) {
                format!("r#{base}")
            } else {
                base.clone()
            };
            scope.claim(&[name, format!("{base}_param")], "_")
        })
        .collect();
    let whole = op
        .body
        .as_ref()
        .filter(|b| b.whole.is_some())
        .map(|_| scope.claim(&["body".to_owned(), "body_param".to_owned()], "_"));
    FieldNames { fields, whole }
}

/// The builder of one operation and the handle method that creates it.
fn operation(
    op: &Operation,
    builder: &str,
    method: &str,
    arity: usize,
    aliases: &BTreeMap<&str, &Type>,
    models: &TokenStream,
) -> (TokenStream, TokenStream) {
    let out = output(op, models);
    let is_list = matches!(out, Output::List(..));
    let names = field_names(op);
    let body_fields: Vec<&Param> = op.body.iter().flat_map(|b| &b.fields).collect();
    let non_path = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .chain(body_fields);
    let fields: Vec<FieldPlan> = non_path
        .zip(&names.fields)
        .map(|(p, field)| FieldPlan {
            param: p,
            field: field.clone(),
            ty: param_ty(&p.ty, p.location, aliases, models),
        })
        .collect();
    let whole = op
        .body
        .as_ref()
        .and_then(|b| b.whole.as_ref().map(|t| (b.required, t)));
    let whole_field = names.whole;

    let builder_ident = ident(builder);
    let method_ident = ident(method);
    let http_method = format_ident!("{}", op.method.as_str());
    let template = &op.path;
    let sends = format!("Sends `{} {}`.", op.method.as_str(), op.path);
    let summary = op.summary.as_deref().or(op.doc.as_deref());
    let description = op.doc.as_deref().filter(|d| Some(*d) != summary);
    let deprecated = op.deprecated.then_some("Deprecated.");
    let method_doc = docs(&[summary, description, deprecated, Some(&sends)]);
    let builder_doc = docs(&[
        Some(&format!(
            "Request builder for `{}`. Send it with `.send().await`, or `.await` it.",
            op.id
        )),
        summary,
        Some(&sends),
    ]);

    // Struct fields.
    let mut struct_fields = Vec::new();
    let mut init = Vec::new();
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for f in &fields {
        let name = ident(&f.field);
        let store = &f.ty.store;
        let arg = &f.ty.arg;
        let conv = f.ty.convert.apply(&name);
        let pdoc = docs(&[
            Some(
                f.param
                    .doc
                    .as_deref()
                    .unwrap_or(&format!("`{}`", f.param.api_name)),
            ),
            f.param.deprecated.then_some("Deprecated."),
        ]);
        if f.param.required {
            struct_fields.push(quote!(pub(crate) #name: #store,));
            args.push(quote!(#name: #arg));
            init.push(if f.ty.convert == same {
                quote!(#name,)
            } else {
                quote!(#name: #conv,)
            });
        } else {
            struct_fields.push(quote!(pub(crate) #name: Option<#store>,));
            init.push(quote!(#name: None,));
            setters.push(quote! {
                #pdoc
                pub fn #name(mut self, #name: #arg) -> Self {
                    self.#name = Some(#conv);
                    self
                }
            });
        }
    }
    if let (Some((required, _)), Some(field)) = (whole, &whole_field) {
        let name = ident(field);
        if required {
            struct_fields.push(quote!(pub(crate) #name: twilio_rest_runtime::serde_json::Value,));
            args.push(quote!(#name: impl Into<twilio_rest_runtime::serde_json::Value>));
            init.push(quote!(#name: #name.into(),));
        } else {
            struct_fields
                .push(quote!(pub(crate) #name: Option<twilio_rest_runtime::serde_json::Value>,));
            init.push(quote!(#name: None,));
            setters.push(quote! {
                /// The JSON request body.
                pub fn #name(mut self, #name: impl Into<twilio_rest_runtime::serde_json::Value>) -> Self {
                    self.#name = Some(#name.into());
                    self
                }
            });
        }
    }
    if is_list {
        struct_fields.push(quote!(pub(crate) limit: Option<usize>,));
        init.push(quote!(limit: None,));
        setters.push(quote! {
            /// The most items to return in all; pages are then `min(limit, 1000)` items
            /// unless a page size is set.
            pub fn limit(mut self, limit: usize) -> Self {
                self.limit = Some(limit);
                self
            }
        });
    }

    // The request.
    let mut chain = Vec::new();
    for (i, p) in tree::path_params(op).iter().enumerate() {
        let (api_name, c) = (&p.api_name, check(&p.constraints));
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        chain.push(quote!(.path(#api_name, &self.path[#i], #c)));
    }
    for f in &fields {
        let name = ident(&f.field);
        let api_name = &f.param.api_name;
        let c = check(&f.param.constraints);
        let required = f.param.required;
        let value = if required {
            quote!(Some(&self.#name))
        } else {
            quote!(self.#name.as_ref())
        };
        chain.push(match f.param.location {
            ParamLocation::Query => quote!(.query(#api_name, #value, #required, #c)),
            ParamLocation::Header => quote!(.header(#api_name, #value, #required, #c)),
            ParamLocation::Form => quote!(.form(#api_name, #value, #required, #c)),
            ParamLocation::Json => quote!(.json_field(#api_name, #value)),
            ParamLocation::Path => quote!(),
        });
    }
    if let (Some((required, _)), Some(field)) = (whole, &whole_field) {
        let name = ident(field);
        chain.push(if required {
            quote!(.json_body(Some(self.#name)))
        } else {
            quote!(.json_body(self.#name))
        });
    }
    if redirect_only(op) {
        chain.push(quote!(.redirect_is_result()));
    }
    let request_fn = quote! {
        fn request(self) -> Request {
            Request::new(&self.client, super::API, twilio_rest_runtime::codegen::Method::#http_method, #template)
                #(#chain)*
        }
    };

    let (terminal, extra_fn) = match &out {
        Output::Empty => (
            quote!(twilio_rest_runtime::codegen::operation!(#builder_ident, (), send_empty);),
            quote!(),
        ),
        Output::Json(t) => (
            quote!(twilio_rest_runtime::codegen::operation!(#builder_ident, #t, send_json);),
            quote!(),
        ),
        Output::JsonOpt(t) => (
            quote!(twilio_rest_runtime::codegen::operation!(#builder_ident, Option<#t>, send_json_opt);),
            quote!(),
        ),
        Output::List(page, item) => (
            quote!(twilio_rest_runtime::codegen::list_operation!(#builder_ident, #page, #item);),
            quote! {
                fn lister(self) -> twilio_rest_runtime::codegen::Lister<#page> {
                    let limit = self.limit;
                    twilio_rest_runtime::codegen::Lister::new(self.request(), limit)
                }
            },
        ),
    };

    let path_field = path_field(arity);
    let path_init = (arity > 0).then(|| quote!(path: self.path.clone(),));
    let builder_tokens = quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder_ident {
            pub(crate) client: twilio_rest_runtime::Client,
            #path_field
            #(#struct_fields)*
        }

        impl #builder_ident {
            #(#setters)*
            #request_fn
            #extra_fn
        }

        #terminal
    };
    // Required parameters are arguments, so forgetting one does not compile; some
    // operations require more than clippy's default of seven.
    let many = (args.len() >= 7).then(|| quote!(#[allow(clippy::too_many_arguments, reason = "every argument is required by the API")]));
    let constructor = quote! {
        #method_doc
        #many
        pub fn #method_ident(&self, #(#args),*) -> super::requests::#builder_ident {
            super::requests::#builder_ident {
                client: self.client.clone(),
                #path_init
                #(#init)*
            }
        }
    };
    (builder_tokens, constructor)
}
