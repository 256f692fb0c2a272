//! Operations: the resource handles (`resources.rs`), the request builders
//! (`requests.rs`) and the API's entry point on the client, rendered from the
//! [`ApiPlan`]. No names are chosen here.

use super::calls::{self, Call, Paths, Style};
use super::rust::{docs, format_item, ident, render, rust_type, rust_type_in, Convert};
use super::EmitError;
use crate::ir::{Auth, Constraints, CredentialPlace, Type};
use crate::plan::tree::PathValue;
use crate::plan::{tree, ApiPlan, ArgType, Builder, BuilderField, Node, Output, Role, Wire};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `resources.rs` and `requests.rs` of one API.
pub struct Emitted {
    /// Handles.
    pub resources: TokenStream,
    /// Request builders.
    pub requests: TokenStream,
}

/// Renders the operations of one API; `refs` name its crate, which the doc
/// examples are written with.
pub fn emit(plan: &ApiPlan<'_>, refs: &super::ApiRefs) -> Result<Emitted, EmitError> {
    let api = plan.api;
    let models = quote!(super::models);
    let routes = tree::routes(&plan.tree);
    // In handle order, so a handle's builders sit together.
    let requests: Vec<TokenStream> = (0..plan.tree.nodes.len())
        .flat_map(|n| plan.builders_of(n))
        .map(|b| {
            let example = doc_example(plan, &routes, b, refs)?;
            Ok(builder(
                b,
                plan.tree.nodes[b.handle].arity,
                &models,
                example,
            ))
        })
        .collect::<Result<_, EmitError>>()?;
    // An API without operations (some specs only describe models) has no handles.
    let handles: Vec<TokenStream> = if api.operations.is_empty() {
        Vec::new()
    } else {
        (0..plan.tree.nodes.len())
            .map(|n| handle(plan, n))
            .collect()
    };
    let resources_doc = if api.operations.is_empty() {
        format!(
            " Handles of {}: none, its spec describes no operations.",
            api.title
        )
    } else {
        format!(
            " Handles of {}: one per URL path, chained from [`{}::new`].",
            api.title,
            plan.root()
        )
    };
    let requests_doc = format!(" Request builders of {}: one per operation.", api.title);
    // `Check` goes with path, query, header and form values (JSON fields have none).
    let uses_check = plan.builders.iter().any(|b| {
        !b.path_params.is_empty()
            || b.fields.iter().any(|f| {
                matches!(f.wire, Wire::Query | Wire::Header | Wire::FormField) && f.param.is_some()
            })
    });
    let imports = match (requests.is_empty(), uses_check) {
        (true, _) => None,
        (false, true) => Some(quote!(
            use twilio_rest_runtime::codegen::{Check, Request};
        )),
        (false, false) => Some(quote!(
            use twilio_rest_runtime::codegen::Request;
        )),
    };
    Ok(Emitted {
        resources: quote! {
            #![doc = #resources_doc]
            #(#handles)*
        },
        requests: quote! {
            #![doc = #requests_doc]

            #imports

            #(#requests)*
        },
    })
}

/// The doc example of `b`: a client from the environment, the handle chain with
/// sample path values, the required values (the spec's examples where they fit),
/// one optional setter, and `.await?`. `None` when a required value has no sample.
fn doc_example(
    plan: &ApiPlan<'_>,
    routes: &[Vec<(usize, usize)>],
    b: &Builder<'_>,
    refs: &super::ApiRefs,
) -> Result<Option<String>, EmitError> {
    let krate = &refs.path;
    let paths = Paths {
        root: quote!(#krate),
        ..refs.paths(false)
    };
    let Some(Call {
        chain,
        verb,
        setters,
        ..
    }) = calls::call(
        plan,
        routes,
        b,
        Style::Plain,
        calls::example_field,
        None,
        &paths,
    )
    else {
        return Ok(None);
    };
    let import = b.params_struct.as_deref().map(|s| {
        let s = ident(s);
        quote!(use #krate::requests::#s;)
    });
    let setter = setters.first();
    let call = quote!(#chain #verb #setter .await?);
    let statement = match b.output {
        Output::Empty => quote!(#call;),
        Output::List { .. } => quote!(let items = #call;),
        Output::Json(_) | Output::JsonOpt(_) => quote!(let response = #call;),
    };
    let code = format_item(quote! {
        async fn example() -> Result<(), #krate::Error> {
            #import
            let client = #krate::Client::from_env()?;
            #statement
            Ok(())
        }
    })?;
    Ok(crate::docs::example(&code))
}

/// The `API` constant, and the root handle's re-export and constructor.
pub(super) fn entry(plan: &ApiPlan<'_>) -> TokenStream {
    let api = plan.api;
    let root = ident(plan.root());
    let (name, base_url) = (&api.module, &api.base_url);
    let entry_doc = docs(&[Some(&format!(
        "The root of {}'s resource tree, sending through `client` (clones share its connection pool).",
        api.title
    ))]);
    let accessor = (!api.operations.is_empty()).then(|| {
        quote! {
            pub use resources::#root;

            impl resources::#root {
                #entry_doc
                pub fn new(client: &twilio_rest_runtime::Client) -> Self {
                    resources::#root { client: client.clone() }
                }
            }
        }
    });
    quote! {
        /// This API's name and default base URL, for [`ClientBuilder::base_url`].
        pub const API: twilio_rest_runtime::ApiInfo = twilio_rest_runtime::ApiInfo { name: #name, base_url: #base_url };

        #accessor
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

/// The `path` field of a handle or builder carrying `arity` path values (none
/// when there are none).
fn path_field(arity: usize) -> Option<TokenStream> {
    let n = proc_macro2::Literal::usize_unsuffixed(arity);
    (arity > 0).then(|| quote!(pub(crate) path: [String; #n],))
}

/// One handle type: its accessors and the constructors of its builders.
fn handle(plan: &ApiPlan<'_>, n: usize) -> TokenStream {
    let node: &Node = &plan.tree.nodes[n];
    let name = ident(&node.type_name);
    let arity = node.arity;
    let doc = if n == 0 {
        format!(" The root of {} (`{}`).", plan.api.title, plan.api.base_url)
    } else {
        format!(" Handle for `{}`.", node.path)
    };
    let path_field = path_field(arity);
    let accessors = node.children.iter().map(|c| {
        let child = &plan.tree.nodes[c.node];
        let child_name = ident(&child.type_name);
        let method = ident(&c.method);
        // A shortcut through the default account fills `AccountSid` itself.
        let account = c
            .default_account
            .then(|| quote!(self.client.account_sid().to_owned()));
        let carried: Vec<TokenStream> = account
            .into_iter()
            .chain((0..arity).map(|i| {
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                quote!(self.path[#i].clone())
            }))
            .collect();
        let (doc, of_account) = if c.default_account {
            let of = " of the client's own account (its account SID as `AccountSid`)";
            (format!(" `{}`{of}.", child.path), of)
        } else {
            (format!(" `{}`", child.path), "")
        };
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
                let pdoc = accessor_doc(plan, child, api_name, rust, of_account);
                let (ty, value) = match c.value {
                    PathValue::Text => (quote!(impl Into<String>), quote!(#arg.into())),
                    PathValue::Integer => (rust_type(&Type::I64), quote!(#arg.to_string())),
                };
                quote! {
                    #pdoc
                    pub fn #method(&self, #arg: #ty) -> #child_name {
                        #child_name { client: self.client.clone(), path: [#(#carried,)* #value] }
                    }
                }
            }
        }
    });
    let models = quote!(super::models);
    let constructors = plan.builders_of(n).map(|b| constructor(b, arity, &models));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            pub(crate) client: twilio_rest_runtime::Client,
            #path_field
        }

        impl #name {
            #(#accessors)*
            #(#constructors)*
        }
    }
}

/// The docs of the accessor to `child` taking its path value `api_name` as the
/// argument `rust`: the path, and the argument with the first sentence of the
/// parameter's description in the spec (from an operation under that path).
fn accessor_doc(
    plan: &ApiPlan<'_>,
    child: &Node,
    api_name: &str,
    rust: &str,
    of_account: &str,
) -> TokenStream {
    let under = |path: &str| {
        path.strip_prefix(child.path.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    let described = plan
        .builders
        .iter()
        .filter(|b| under(&b.op.path.raw))
        .filter_map(|b| b.path_params.get(child.arity.checked_sub(1)?))
        .find(|p| p.api_name == api_name && p.doc.is_some())
        .and_then(|p| p.doc.as_deref());
    let arguments = arguments_doc(&[(rust.to_owned(), argument_text(described, api_name))]);
    docs(&[
        Some(&format!(
            "`{}`{of_account}, with `{api_name}` given.",
            child.path
        )),
        arguments.as_deref(),
    ])
}

/// One line on an argument: the first sentence of its description in the spec,
/// else its API name.
fn argument_text(description: Option<&str>, api_name: &str) -> String {
    match description.map(crate::docs::first_sentence) {
        Some(s) if !s.is_empty() => s,
        _ => format!("The `{api_name}` value."),
    }
}

/// The `# Arguments` section of a verb or an accessor (as the standard library
/// documents arguments): one `* `name` - text` line each; `None` without any.
fn arguments_doc(arguments: &[(String, String)]) -> Option<String> {
    if arguments.is_empty() {
        return None;
    }
    let lines: Vec<String> = arguments
        .iter()
        .map(|(name, text)| format!("* `{name}` - {text}"))
        .collect();
    Some(format!("# Arguments\n\n{}", lines.join("\n")))
}

/// The `# Arguments` entries of the verb of `b`: each required value given
/// positionally, or the struct that names them.
fn verb_arguments(b: &Builder<'_>) -> Vec<(String, String)> {
    if let Some(s) = &b.params_struct {
        let text = format!("The required values, by name: [`{s}`](crate::requests::{s}).");
        return vec![("params".to_owned(), text)];
    }
    b.fields
        .iter()
        .filter(|f| f.role == Role::Argument)
        .map(|f| {
            let text = match f.param {
                Some(p) => argument_text(p.doc.as_deref(), &p.api_name),
                None => "The JSON request body.".to_owned(),
            };
            (f.name.clone(), text)
        })
        .collect()
}

/// The doc text of a builder field.
fn field_doc(f: &BuilderField<'_>) -> TokenStream {
    match f.param {
        Some(p) => {
            let fallback = format!("`{}`", p.api_name);
            docs(&[
                Some(p.doc.as_deref().unwrap_or(&fallback)),
                p.deprecated.then_some("Deprecated."),
            ])
        }
        None => docs(&[Some("The JSON request body.")]),
    }
}

/// The handle method that creates the builder `b`: required fields are arguments.
fn constructor(b: &Builder<'_>, arity: usize, models: &TokenStream) -> TokenStream {
    let op = b.op;
    let builder_ident = ident(&b.type_name);
    let method_ident = ident(&b.verb);
    let sends = format!("Sends `{} {}`.", op.method.as_str(), op.path);
    let summary = op.summary.as_deref().or(op.doc.as_deref());
    let description = op.doc.as_deref().filter(|d| Some(*d) != summary);
    let deprecated = op.deprecated.then_some("Deprecated.");
    let arguments = arguments_doc(&verb_arguments(b));
    let method_doc = docs(&[
        summary,
        description,
        deprecated,
        Some(&sends),
        arguments.as_deref(),
    ]);
    let mut args = Vec::new();
    let mut init = Vec::new();
    let mut by_name = Vec::new();
    for f in &b.fields {
        let name = ident(&f.name);
        match f.role {
            Role::Argument if b.params_struct.is_some() => {
                by_name.push(name.clone());
                init.push(quote!(#name,));
            }
            Role::Argument => {
                let r = render(&f.ty, models);
                let arg = &r.arg;
                args.push(quote!(#name: #arg));
                init.push(if r.convert == Convert::Same {
                    quote!(#name,)
                } else {
                    let conv = r.convert.apply(&name);
                    quote!(#name: #conv,)
                });
            }
            Role::Setter => init.push(quote!(#name: None,)),
        }
    }
    if matches!(b.output, Output::List { .. }) {
        init.push(quote!(limit: None,));
    }
    init.push(quote!(request_options: Default::default(),));
    let path_init = (arity > 0).then(|| quote!(path: self.path.clone(),));
    // Many or easily swapped required parameters come by name, in one struct.
    let unpack = b.params_struct.as_deref().map(|s| {
        let s = ident(s);
        args.push(quote!(params: super::requests::#s));
        quote!(let super::requests::#s { #(#by_name),* } = params;)
    });
    quote! {
        #method_doc
        pub fn #method_ident(&self, #(#args),*) -> super::requests::#builder_ident {
            #unpack
            super::requests::#builder_ident {
                client: self.client.clone(),
                #path_init
                #(#init)*
            }
        }
    }
}

/// The builder struct of one operation, its setters, its request and its terminals.
fn builder(
    b: &Builder<'_>,
    arity: usize,
    models: &TokenStream,
    example: Option<String>,
) -> TokenStream {
    let op = b.op;
    let builder_ident = ident(&b.type_name);
    let sends = format!("Sends `{} {}`.", op.method.as_str(), op.path);
    let summary = op.summary.as_deref().or(op.doc.as_deref());
    let builder_doc = docs(&[
        Some(&format!(
            "Request builder for `{}`. Send it with `.send().await`, or `.await` it.",
            op.id
        )),
        summary,
        Some(&sends),
        example.as_deref(),
    ]);
    let mut struct_fields = Vec::new();
    let mut setters = Vec::new();
    for f in &b.fields {
        let name = ident(&f.name);
        let r = render(&f.ty, models);
        let store = &r.store;
        match f.role {
            Role::Argument => struct_fields.push(quote!(pub(crate) #name: #store,)),
            Role::Setter => {
                struct_fields.push(quote!(pub(crate) #name: Option<#store>,));
                let arg = &r.arg;
                let conv = r.convert.apply(&name);
                let doc = field_doc(f);
                setters.push(quote! {
                    #doc
                    pub fn #name(mut self, #name: #arg) -> Self {
                        self.#name = Some(#conv);
                        self
                    }
                });
            }
        }
    }
    let (terminal, is_list) = terminal(b, &builder_ident, models);
    if is_list {
        struct_fields.push(quote!(pub(crate) limit: Option<u32>,));
        let (doc, more) = match b.takes_page_size {
            true => (
                format!(
                    " The most items to return in all; pages are then `min(limit, {})` items",
                    b.page_sizes.map_or(1000, |(_, max)| max)
                ),
                " unless a page size is set.",
            ),
            false => (
                " The most items to return in all, in pages of the server's size (the".to_owned(),
                " operation takes no page size).",
            ),
        };
        setters.push(quote! {
            #[doc = #doc]
            #[doc = #more]
            pub fn limit(mut self, limit: u32) -> Self {
                self.limit = Some(limit);
                self
            }
        });
    }
    struct_fields.push(quote!(pub(crate) request_options: twilio_rest_runtime::RequestOptions,));
    let request_fn = request_fn(b);
    let path_field = path_field(arity);
    let params = params_struct(b, models);
    let (derive, debug) = if b.fields.iter().any(|f| f.secret) {
        (quote!(#[derive(Clone)]), redacting_debug(b, arity, is_list))
    } else {
        (quote!(#[derive(Debug, Clone)]), quote!())
    };
    quote! {
        #params

        #builder_doc
        #derive
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder_ident {
            pub(crate) client: twilio_rest_runtime::Client,
            #path_field
            #(#struct_fields)*
        }

        impl #builder_ident {
            #(#setters)*
            #request_fn
        }

        #terminal

        #debug
    }
}

/// `Debug` for a builder with secret fields: those print as `***`.
fn redacting_debug(b: &Builder<'_>, arity: usize, is_list: bool) -> TokenStream {
    let builder_ident = ident(&b.type_name);
    let type_name = &b.type_name;
    let path = (arity > 0).then(|| quote!(.field("path", &self.path)));
    let fields = b.fields.iter().map(|f| {
        let name = ident(&f.name);
        let shown = f.name.trim_start_matches("r#");
        match (f.secret, f.role) {
            (false, _) => quote!(.field(#shown, &self.#name)),
            (true, Role::Argument) => quote!(.field(#shown, &"***")),
            (true, Role::Setter) => quote!(.field(#shown, &self.#name.as_ref().map(|_| "***"))),
        }
    });
    let limit = is_list.then(|| quote!(.field("limit", &self.limit)));
    quote! {
        impl ::std::fmt::Debug for #builder_ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name)
                    .field("client", &self.client)
                    #path
                    #(#fields)*
                    #limit
                    .finish()
            }
        }
    }
}

/// The struct of the required parameters of `b`, when it takes them by name: a
/// public field for each, written as a struct literal (no constructor), so each
/// value is named where it is given. No `Debug`: a value may be a secret.
fn params_struct(b: &Builder<'_>, models: &TokenStream) -> Option<TokenStream> {
    let name = ident(b.params_struct.as_deref()?);
    let doc = format!(
        " The required parameters of [`{}`], by name: `{}`.",
        b.type_name, b.op.id
    );
    let fields = b
        .fields
        .iter()
        .filter(|f| f.role == Role::Argument)
        .map(|f| {
            let field = ident(&f.name);
            let store = render(&f.ty, models).store;
            let doc = field_doc(f);
            quote!(#doc pub #field: #store,)
        });
    Some(quote! {
        #[doc = #doc]
        #[derive(Clone)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// The request builder call that sends builder field `f`.
fn field_call(f: &BuilderField<'_>) -> TokenStream {
    let name = ident(&f.name);
    let (required, value) = match f.role {
        Role::Argument => (true, quote!(Some(&self.#name))),
        Role::Setter => (false, quote!(self.#name.as_ref())),
    };
    match (f.wire, f.param) {
        (Wire::FormBody, _) => match f.role {
            Role::Argument => quote!(.form_body(Some(self.#name))),
            Role::Setter => quote!(.form_body(self.#name)),
        },
        (Wire::JsonBody, _) | (_, None) => match f.role {
            Role::Argument => quote!(.json_body(Some(self.#name))),
            Role::Setter => quote!(.json_body(self.#name)),
        },
        (wire, Some(p)) => {
            let (api_name, c) = (&p.api_name, check(&p.constraints));
            match (wire, &f.ty) {
                (Wire::Query, ArgType::PrefixedMap(prefix)) => {
                    quote!(.query_map(#api_name, #prefix, #value, #required))
                }
                (Wire::FormField, ArgType::PrefixedMap(prefix)) => {
                    quote!(.form_map(#api_name, #prefix, #value, #required))
                }
                (Wire::Query, _) => quote!(.query(#api_name, #value, #required, #c)),
                (Wire::Header, _) if f.secret => {
                    quote!(.secret_header(#api_name, #value, #required, #c))
                }
                (Wire::Header, _) => quote!(.header(#api_name, #value, #required, #c)),
                (Wire::FormField, _) => quote!(.form(#api_name, #value, #required, #c)),
                (Wire::JsonField | Wire::JsonBody | Wire::FormBody, _) => {
                    quote!(.json_field(#api_name, #value))
                }
            }
        }
    }
}

/// `fn request(self) -> Request`: every value to its place on the wire, with its checks.
fn request_fn(b: &Builder<'_>) -> TokenStream {
    let op = b.op;
    let http_method = format_ident!("{}", op.method.as_str());
    let template = &op.path.raw;
    let op_id = &op.id;
    let mut chain = vec![quote!(.operation(#op_id))];
    if let Some(server) = b.server {
        chain.push(quote!(.server(#server)));
    }
    for (i, p) in b.path_params.iter().enumerate() {
        let (api_name, c) = (&p.api_name, check(&p.constraints));
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        chain.push(quote!(.path(#api_name, &self.path[#i], #c)));
    }
    chain.extend(b.fields.iter().map(field_call));
    if let Some(media_type) = b.content_type {
        chain.push(quote!(.content_type(#media_type)));
    }
    // The JSON type the operation answers in, when not `application/json`.
    let answers_in = b.op.responses.iter().find_map(|r| match r.status {
        crate::ir::Status::Code(200..=299) | crate::ir::Status::Range(2) => r.media_type.as_deref(),
        _ => None,
    });
    if let Some(media_type) = answers_in {
        chain.push(quote!(.accept(#media_type)));
    }
    match b.auth {
        Auth::Basic => {}
        Auth::OAuth2 { token_url } => chain.push(quote!(.oauth_token_url(#token_url))),
        Auth::None | Auth::Unsatisfiable => chain.push(quote!(.no_auth())),
        Auth::Schemes(credentials) => {
            let credentials = credentials.iter().map(|c| {
                let scheme = &c.scheme;
                let ty = quote!(twilio_rest_runtime::codegen::Credential);
                match &c.place {
                    CredentialPlace::Bearer => quote!(#ty::Bearer(#scheme)),
                    CredentialPlace::Header(n) => quote!(#ty::Header(#scheme, #n)),
                    CredentialPlace::Query(n) => quote!(#ty::Query(#scheme, #n)),
                    CredentialPlace::Cookie(n) => quote!(#ty::Cookie(#scheme, #n)),
                }
            });
            chain.push(quote!(.scheme_credentials(&[#(#credentials),*])));
        }
    }
    if b.redirect_is_result {
        chain.push(quote!(.redirect_is_result()));
    }
    if let Some(param) = b.page_token {
        chain.push(quote!(.page_token(#param)));
    }
    if let Some((min, max)) = b.page_sizes {
        let (min, max) = (
            proc_macro2::Literal::usize_unsuffixed(min),
            proc_macro2::Literal::usize_unsuffixed(max),
        );
        chain.push(quote!(.page_size_bounds(#min, #max)));
    }
    if matches!(b.output, Output::List { .. }) && !b.takes_page_size {
        chain.push(quote!(.no_page_size()));
    }
    chain.push(quote!(.options(self.request_options)));
    quote! {
        fn request(self) -> Request {
            Request::new(&self.client, super::API, twilio_rest_runtime::codegen::Method::#http_method, #template)
                #(#chain)*
        }
    }
}

/// The terminal macro call of a builder (its `send`, `.await` and list methods),
/// and whether it is a list (which has a `limit`).
fn terminal(
    b: &Builder<'_>,
    builder_ident: &proc_macro2::Ident,
    models: &TokenStream,
) -> (TokenStream, bool) {
    let decode = match &b.output {
        Output::Empty => quote!(twilio_rest_runtime::codegen::Empty),
        Output::Json(t) => {
            let t = rust_type_in(t, Some(models));
            quote!(twilio_rest_runtime::codegen::Json<#t>)
        }
        Output::JsonOpt(t) => {
            let t = rust_type_in(t, Some(models));
            quote!(twilio_rest_runtime::codegen::JsonOpt<#t>)
        }
        Output::List { page, item } => {
            let page = ident(page);
            let item = rust_type_in(item, Some(models));
            return (
                quote!(twilio_rest_runtime::codegen::list_operation!(#builder_ident, #models::#page, #item);),
                true,
            );
        }
    };
    (
        quote!(twilio_rest_runtime::codegen::operation!(#builder_ident, #decode);),
        false,
    )
}
