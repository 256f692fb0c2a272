//! Crate-level files: `Cargo.toml` and `README.md` from the templates in
//! `templates/`, and `src/lib.rs`, for each API's crate and for the facade.

use super::calls::{self, Style};
use super::rust::{docs, format_statement, ident, inner_doc_attrs};
use super::{ApiRefs, EmitError, Unformatted, HEADER_MARK};
use crate::plan::packages::{Packages, Planned};
use crate::plan::{tree, ApiPlan, Builder, Output, Role};
use crate::templates::Templates;
use minijinja::{context, Environment, UndefinedBehavior};
use proc_macro2::TokenStream;
use quote::quote;

/// The templates `names` (their environment names and [`Templates`] names), loaded
/// into one environment; a missing one is an error naming it.
pub(crate) fn environment<'a>(
    templates: &'a Templates,
    names: &[(&'a str, &'a str)],
) -> Result<Environment<'a>, EmitError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    for &(name, file) in names {
        let text = templates.get(file).ok_or_else(|| EmitError {
            file: format!("{file}.j2"),
            message: "the template is missing".to_owned(),
        })?;
        env.add_template(name, text)
            .map_err(fail(&format!("{file}.j2")))?;
    }
    Ok(env)
}

/// The templates of the API crates and the facade.
pub(super) fn templates(templates: &Templates) -> Result<Environment<'_>, EmitError> {
    environment(
        templates,
        &[
            ("Cargo.toml", "Cargo.toml"),
            ("README.md", "README.md"),
            ("api-Cargo.toml", "api-Cargo.toml"),
            ("api-README.md", "api-README.md"),
            ("guide", "guide.md"),
        ],
    )
}

fn fail(file: &str) -> impl Fn(minijinja::Error) -> EmitError {
    let file = file.to_owned();
    move |e: minijinja::Error| EmitError {
        file: file.clone(),
        message: e.to_string(),
    }
}

fn header() -> String {
    format!("{HEADER_MARK} by `cargo xtask codegen`. Do not edit.")
}

/// What the templates know of one API.
fn api_context(plan: &ApiPlan<'_>, krate: &Planned) -> minijinja::Value {
    let api = plan.api;
    context! {
        crate_name => krate.name,
        crate_ident => krate.ident,
        version => krate.version,
        feature => krate.feature,
        module => krate.module,
        default => krate.default,
        title => api.title,
        base_url => api.base_url,
        spec_file => api.spec_file,
        root => plan.root(),
        operations => api.operations.len(),
        example_chain => tree::example_chain(&plan.tree),
    }
}

/// The crate docs' table of operations, one row per builder in handle order:
/// method and path, the call chain from the root handle (linked to the verb), and
/// the summary's first line; empty for an API without operations.
pub(super) fn operations_table(plan: &ApiPlan<'_>) -> String {
    let routes = calls::routes(plan);
    let cell = |s: &str| s.replace('|', "\\|");
    let rows: Vec<String> = calls::builders(plan)
        .map(|b| {
            let mut chain = String::new();
            for &(parent, child) in &routes[b.handle] {
                let c = &plan.tree.nodes[parent].children[child];
                match &c.param {
                    Some((api_name, _)) => chain.push_str(&format!(".{}({api_name})", c.method)),
                    None => chain.push_str(&format!(".{}()", c.method)),
                }
            }
            let args: Vec<&str> = b
                .fields
                .iter()
                .filter(|f| f.role == Role::Argument)
                .map(|f| f.name.as_str())
                .collect();
            let args = match &b.params_struct {
                Some(s) => format!("{s} {{ {} }}", args.join(", ")),
                None => args.join(", "),
            };
            let handle = &plan.tree.nodes[b.handle].type_name;
            let summary =
                b.op.summary
                    .as_deref()
                    .or(b.op.doc.as_deref())
                    .unwrap_or("");
            let summary = summary.lines().next().unwrap_or("").trim();
            format!(
                "| `{} {}` | [`{chain}.{}({args})`](resources::{handle}::{}) | {} |",
                b.op.method.as_str(),
                cell(&b.op.path.to_string()),
                b.verb,
                b.verb,
                cell(summary)
            )
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "\n\n# Operations\n\n| Request | Call (from the root handle) | Summary |\n|---|---|---|\n{}",
        rows.join("\n")
    )
}

/// `Cargo.toml`, `README.md` and `src/lib.rs` of one API's crate; `entry` is the
/// `API` constant and the root handle's constructor.
pub(super) fn api_crate_files(
    plan: &ApiPlan<'_>,
    krate: &Planned,
    packages: &Packages,
    env: &Environment<'_>,
    entry: TokenStream,
    out: &mut Unformatted,
) -> Result<(), EmitError> {
    let ctx = context! {
        header => header(),
        name => krate.name,
        version => krate.version,
        description => krate.description,
        publish => krate.publish,
        standalone => packages.standalone,
        runtime => packages.runtime,
        facade => packages.facade.name,
        facade_version => packages.facade.version,
        api => api_context(plan, krate),
    };
    for (template, file) in [
        ("api-Cargo.toml", "Cargo.toml"),
        ("api-README.md", "README.md"),
    ] {
        let text = env
            .get_template(template)
            .and_then(|t| t.render(&ctx))
            .map_err(fail(file))?;
        out.other.insert(format!("{}/{file}", krate.dir), text);
    }
    let api = plan.api;
    let usage = if api.operations.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nThe root of the resource tree is [`{root}`], made from a [`Client`]:\n\n\
             ```no_run\n\
             # async fn example() -> Result<(), {k}::Error> {{\n\
             let client = {k}::Client::from_env()?; // TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, …\n\
             let api = {k}::{root}::new(&client);\n\
             # Ok(()) }}\n\
             ```\n\n\
             Most applications depend on the facade crate `{facade}` instead, which \
             re-exports this crate as `{facade_ident}::{module}` behind its `{feature}` \
             feature and adds `client.{module}()`.",
            root = plan.root(),
            k = krate.ident,
            facade = packages.facade.name,
            facade_ident = packages.facade.ident,
            module = api.module,
            feature = krate.feature,
        )
    };
    let doc = inner_doc_attrs(&format!(
        "{} (`{}`), version {}: a typed async client generated from `{}`.{usage}{}",
        api.title,
        api.base_url,
        api.version,
        api.spec_file,
        operations_table(plan)
    ));
    let reexports = runtime_reexports();
    out.push(
        &krate.dir,
        "src/lib.rs",
        &api.spec_file,
        quote! {
            #doc
            #![cfg_attr(docsrs, feature(doc_cfg))]

            pub mod models;
            pub mod requests;
            pub mod resources;

            #reexports
            /// The client every API sends through (the runtime's).
            pub use twilio_rest_runtime::{Client, ClientBuilder};

            #entry
        },
    );
    Ok(())
}

/// The runtime items every generated crate re-exports.
fn runtime_reexports() -> TokenStream {
    quote! {
        pub use twilio_rest_runtime::{
            base_url_var, formats, ApiError, ApiInfo, CollectFuture, DeadlineError, DecodeError, Error, HeaderText,
            ItemStream, OpenEnum, Page, PageFuture, PageMeta, Paged, PagingError, PreparedRequest, Response, Result, RetryPolicy,
            SendFuture, Timestamp, TransportError, Uri, ValidationError, DEFAULT_TIMEOUT, DEFAULT_TOKEN_URL, MAX_PAGE_SIZE,
        };
        /// The HTTP client crate, for [`ClientBuilder::http_client`](twilio_rest_runtime::ClientBuilder::http_client).
        #[doc(no_inline)]
        pub use twilio_rest_runtime::reqwest;
        pub use twilio_rest_runtime::{RequestOptions, DEFAULT_CONNECT_TIMEOUT};
        pub use twilio_rest_runtime::{
            BodyTooLargeError, ConfigError, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_REQUEST_TIMEOUT,
        };
        /// The date and JSON crates the models and arguments use, at the versions
        /// this crate was built with.
        pub use twilio_rest_runtime::{chrono, serde_json};
    }
}

/// `Cargo.toml`, `README.md` and `src/lib.rs` of the facade.
pub(super) fn facade_files(
    plans: &[ApiPlan<'_>],
    packages: &Packages,
    env: &Environment<'_>,
    out: &mut Unformatted,
) -> Result<(), EmitError> {
    let facade = &packages.facade;
    let apis: Vec<minijinja::Value> = plans
        .iter()
        .zip(&packages.apis)
        .map(|(p, k)| api_context(p, k))
        .collect();
    // The README's and guide's examples use an API the default features enable.
    let first = plans
        .iter()
        .zip(&packages.apis)
        .find(|(p, k)| k.default && !p.api.operations.is_empty())
        .or_else(|| plans.iter().zip(&packages.apis).next());
    let ctx = context! {
        header => header(),
        name => facade.name,
        crate_ident => facade.ident,
        version => facade.version,
        description => facade.description,
        publish => facade.publish,
        standalone => packages.standalone,
        runtime => packages.runtime,
        apis => apis,
        reexports => packages.reexports,
        default_features => packages
            .apis
            .iter()
            .filter(|k| k.default)
            .map(|k| &k.feature)
            .chain(packages.reexports.iter().filter(|r| r.default).map(|r| &r.feature))
            .collect::<Vec<_>>(),
        first => first.map(|(p, k)| api_context(p, k)),
        // A feature to show enabling: the first API off by default.
        example_feature => packages
            .apis
            .iter()
            .find(|k| !k.default)
            .or(packages.apis.first())
            .map(|k| k.feature.clone()),
    };
    for name in ["Cargo.toml", "README.md"] {
        let text = env
            .get_template(name)
            .and_then(|t| t.render(&ctx))
            .map_err(fail(name))?;
        out.other.insert(format!("{}/{name}", facade.dir), text);
    }
    let defaults: Vec<&ApiPlan<'_>> = plans
        .iter()
        .zip(&packages.apis)
        .filter(|(_, k)| k.default)
        .map(|(p, _)| p)
        .collect();
    let guide = guide_context(&defaults, facade)?
        .map(|ctx| env.get_template("guide").and_then(|t| t.render(ctx)))
        .transpose()
        .map_err(fail("src/lib.rs"))?;
    out.push(
        &facade.dir,
        "src/lib.rs",
        "the specs",
        facade_lib_rs(plans, packages, guide.as_deref()),
    );
    Ok(())
}

/// What the crate guide's examples call: the first API with a list operation, its
/// first list (`let list = …;`) and its simplest operation returning one value
/// (`let request = …;`), rendered as the doc examples are. `None` (no guide) when
/// no API has a list.
fn guide_context(
    plans: &[&ApiPlan<'_>],
    facade: &Planned,
) -> Result<Option<minijinja::Value>, EmitError> {
    let krate = facade.ident.clone();
    let is_list = |b: &&Builder<'_>| matches!(b.output, Output::List { .. });
    let Some(plan) = plans
        .iter()
        .find(|p| p.builders.iter().any(|b| is_list(&b)))
    else {
        return Ok(None);
    };
    let refs = ApiRefs::facade(plan, facade);
    let routes = tree::routes(&plan.tree);
    let k = ident(&krate);
    let paths = calls::Paths {
        root: quote!(#k),
        ..refs.paths(true)
    };
    let rendered = |b: &Builder<'_>| {
        calls::call(
            plan,
            &routes,
            b,
            Style::Plain,
            calls::example_field,
            None,
            &paths,
        )
        .map(|c| {
            let (chain, verb) = (c.chain, c.verb);
            quote!(#chain #verb)
        })
    };
    let list = plan.builders.iter().filter(is_list).find_map(rendered);
    // The simplest call returning one value: the fewest required values, a fetch first.
    let required = |b: &Builder<'_>| b.fields.iter().filter(|f| f.role == Role::Argument).count();
    let call = plan
        .builders
        .iter()
        .filter(|b| matches!(b.output, Output::Json(_)))
        .min_by_key(|b| (required(b), b.verb != "fetch"))
        .and_then(rendered);
    let (Some(list), Some(call)) = (list, call) else {
        return Ok(None);
    };
    Ok(Some(context! {
        krate,
        module => plan.api.module,
        feature => plan.api.feature,
        list => format_statement(quote!(let list = #list;))?,
        call => format_statement(quote!(let request = #call;))?,
    }))
}

// Longer than 80 lines: most of it is the one `quote!` of the crate root.
fn facade_lib_rs(plans: &[ApiPlan<'_>], packages: &Packages, guide: Option<&str>) -> TokenStream {
    let facade = &packages.facade;
    let mut doc = format!(
        "{}\n\nOne module per Twilio API, each a crate of its own re-exported behind a \
         Cargo feature (the default features are marked *default*):\n",
        facade.description
    );
    for (p, k) in plans.iter().zip(&packages.apis) {
        let a = p.api;
        doc.push_str(&format!(
            "\n- `{}` (feature `{}`{}, crate `{}`): {}, `{}`",
            a.module,
            k.feature,
            if k.default { ", *default*" } else { "" },
            k.name,
            a.title,
            a.base_url
        ));
    }
    if let Some(guide) = guide {
        doc.push('\n');
        doc.push_str(guide.trim_end());
    }
    let doc = inner_doc_attrs(&doc);
    let apis_list = packages.apis.iter().map(|k| {
        let m = ident(&k.module);
        let f = &k.feature;
        quote!(#[cfg(feature = #f)] #m::API)
    });
    let modules = plans.iter().zip(&packages.apis).map(|(p, k)| {
        let m = ident(&k.module);
        let krate = ident(&k.ident);
        let f = &k.feature;
        let module_doc = docs(&[Some(&format!(
            "{} (`{}`): the crate `{}`, enabled by the `{f}` feature.",
            p.api.title, p.api.base_url, k.name
        ))]);
        quote! {
            #module_doc
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            pub use #krate as #m;
        }
    });
    let accessors = plans
        .iter()
        .zip(&packages.apis)
        .filter(|(p, _)| !p.api.operations.is_empty())
        .map(|(p, k)| {
            let m = ident(&k.module);
            let root = ident(p.root());
            let f = &k.feature;
            let doc = docs(&[Some(&format!(
                "{} (`{}`): the root of its resource tree.",
                p.api.title, p.api.base_url
            ))]);
            quote! {
                #doc
                #[cfg(feature = #f)]
                #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
                pub fn #m(&self) -> #m::#root {
                    #m::#root::new(&self.inner)
                }
            }
        });
    let others = packages.reexports.iter().map(|r| {
        let m = ident(&r.feature.replace('-', "_"));
        let krate = ident(&r.name.replace('-', "_"));
        let f = &r.feature;
        let doc = docs(&[Some(&format!(
            "{} The crate `{}`, enabled by the `{f}` feature.",
            r.description, r.name
        ))]);
        quote! {
            #doc
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            pub use #krate as #m;
        }
    });
    let reexports = runtime_reexports();
    quote! {
        #doc
        #![cfg_attr(docsrs, feature(doc_cfg))]

        #reexports
        pub use twilio_rest_runtime::{access_token, webhooks};

        #(#others)*

        /// A Twilio REST client for the APIs enabled by this crate's features. Cheap to
        /// clone; clones share one connection pool.
        ///
        /// Create one with [`Client::new`], [`Client::from_env`] or [`Client::builder`];
        /// each API enabled adds its entry point (`client.flex_v1()`, …). The runtime
        /// client's methods ([`account_sid`](twilio_rest_runtime::Client::account_sid),
        /// [`base_url`](twilio_rest_runtime::Client::base_url)) are available through `Deref`.
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: twilio_rest_runtime::Client,
        }

        /// Builds a [`Client`]: credentials, region and edge, base URLs, timeout, retries.
        pub type ClientBuilder = twilio_rest_runtime::ClientBuilder<Client>;

        impl Client {
            /// A client authenticating with an Account SID and Auth Token.
            pub fn new(account_sid: impl Into<String>, auth_token: impl Into<String>) -> Result<Self> {
                Self::builder().credentials(account_sid, auth_token).build()
            }

            /// A client configured from the environment (see
            /// [`twilio_rest_runtime::Client::from_env`]).
            pub fn from_env() -> Result<Self> {
                ClientBuilder::from_env()?.build()
            }

            /// A builder for every setting.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            #(#accessors)*
        }

        impl From<twilio_rest_runtime::Client> for Client {
            fn from(inner: twilio_rest_runtime::Client) -> Self {
                Client { inner }
            }
        }

        impl std::ops::Deref for Client {
            type Target = twilio_rest_runtime::Client;

            fn deref(&self) -> &Self::Target {
                &self.inner
            }
        }

        #(#modules)*

        /// Every API compiled in (by the enabled features).
        pub const APIS: &[ApiInfo] = &[#(#apis_list),*];
    }
}
