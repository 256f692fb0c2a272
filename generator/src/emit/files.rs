//! Crate-level files: `Cargo.toml` and `README.md` from the templates in
//! `generator/templates/`, and `src/lib.rs`.

use super::calls::{self, Paths, Style};
use super::rust::{format_statement, ident, inner_doc_attrs};
use super::{EmitError, Unformatted};
use crate::ir::Api;
use crate::plan::{tree, ApiPlan, Builder, Output, Role};
use minijinja::{context, Environment, UndefinedBehavior};
use quote::quote;

/// Marks every generated file (`linguist` and reviewers recognise it).
pub const HEADER_MARK: &str = "@generated";

/// What the generated crate is called and how it is published.
#[derive(Debug, Clone)]
pub struct CrateConfig {
    /// Package name (`twilio-rest`).
    pub name: String,
    /// Package version.
    pub version: String,
    /// One-line package description.
    pub description: String,
    /// Whether the package may be published.
    pub publish: bool,
    /// Whether the crate is a workspace of its own (generated outside this one).
    pub standalone: bool,
    /// The runtime crate the generated code depends on.
    pub runtime: RuntimeDependency,
}

/// The version of `twilio-rest-runtime` this generator emits code for (the
/// version in `runtime/Cargo.toml`; a test keeps them equal).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// Where the generated crate finds the runtime crate (`twilio-rest-runtime`).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RuntimeDependency {
    /// The runtime's version, required of the registry when published.
    pub version: String,
    /// The runtime's folder, relative to the generated crate (or absolute).
    pub path: String,
}

impl CrateConfig {
    /// A crate named `name`, version 0.0.0, not published, inside the workspace,
    /// with the runtime where it is in this repository relative to a crate one
    /// folder below the root (`../runtime`).
    pub fn new(name: &str) -> Self {
        CrateConfig {
            name: name.to_owned(),
            version: "0.0.0".to_owned(),
            description: format!("The `{name}` client, generated from Twilio's OpenAPI specs."),
            publish: false,
            standalone: false,
            runtime: RuntimeDependency {
                version: RUNTIME_VERSION.to_owned(),
                path: "../runtime".to_owned(),
            },
        }
    }

    /// The crate name as a Rust identifier (`twilio_rest`).
    pub fn crate_ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

const CARGO_TOML: &str = include_str!("../../templates/Cargo.toml.j2");
const README: &str = include_str!("../../templates/README.md.j2");
const GUIDE: &str = include_str!("../../templates/guide.md.j2");

pub(super) fn crate_files(
    plans: &[ApiPlan<'_>],
    config: &CrateConfig,
    out: &mut Unformatted,
) -> Result<(), EmitError> {
    let apis: Vec<&Api> = plans.iter().map(|p| p.api).collect();
    let header = format!("{HEADER_MARK} by `cargo xtask codegen`. Do not edit.");
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    let fail = |file: &str| {
        let file = file.to_owned();
        move |e: minijinja::Error| EmitError {
            file: file.clone(),
            message: e.to_string(),
        }
    };
    env.add_template("Cargo.toml", CARGO_TOML)
        .map_err(fail("Cargo.toml"))?;
    env.add_template("README.md", README)
        .map_err(fail("README.md"))?;
    env.add_template("guide", GUIDE)
        .map_err(fail("src/lib.rs"))?;
    let example_chain = plans
        .first()
        .map(|p| crate::plan::tree::example_chain(&p.tree))
        .unwrap_or_default();
    let ctx = context! {
        header,
        name => config.name,
        crate_ident => config.crate_ident(),
        version => config.version,
        description => config.description,
        publish => config.publish,
        standalone => config.standalone,
        runtime => config.runtime,
        apis => apis,
        example_chain,
    };
    for name in ["Cargo.toml", "README.md"] {
        let text = env
            .get_template(name)
            .and_then(|t| t.render(&ctx))
            .map_err(fail(name))?;
        out.other.insert(name.to_owned(), text);
    }

    let guide = guide_context(plans, config)?
        .map(|ctx| env.get_template("guide").and_then(|t| t.render(ctx)))
        .transpose()
        .map_err(fail("src/lib.rs"))?;
    out.rust.push((
        "src/lib.rs".to_owned(),
        "the specs".to_owned(),
        lib_rs(&apis, config, guide.as_deref()),
    ));
    Ok(())
}

/// What the crate guide's examples call: the first API with a list operation, its
/// first list (`let list = …;`) and its simplest operation returning one value
/// (`let request = …;`), rendered as the doc examples are. `None` (no guide) when
/// no API has a list.
fn guide_context(
    plans: &[ApiPlan<'_>],
    config: &CrateConfig,
) -> Result<Option<minijinja::Value>, EmitError> {
    let krate = config.crate_ident();
    let k = ident(&krate);
    let is_list = |b: &&Builder<'_>| matches!(b.output, Output::List { .. });
    let Some(plan) = plans
        .iter()
        .find(|p| p.builders.iter().any(|b| is_list(&b)))
    else {
        return Ok(None);
    };
    let module = ident(&plan.api.module);
    let routes = tree::routes(&plan.tree);
    let paths = Paths {
        root: quote!(#k),
        requests: Some(quote!(#k::#module::requests)),
        models: quote!(#k::#module::models),
    };
    let rendered = |b: &Builder<'_>| {
        calls::call(
            plan,
            &routes,
            b,
            Style::Plain,
            super::operations::example_field,
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
fn lib_rs(apis: &[&Api], config: &CrateConfig, guide: Option<&str>) -> proc_macro2::TokenStream {
    let mut doc = format!(
        "{}\n\nOne module per product, each behind its Cargo feature:\n",
        config.description
    );
    for a in apis {
        doc.push_str(&format!(
            "\n- [`{}`] (`{}`): {}, `{}`",
            a.module, a.feature, a.title, a.base_url
        ));
    }
    if let Some(guide) = guide {
        doc.push('\n');
        doc.push_str(guide.trim_end());
    }
    let doc = inner_doc_attrs(&doc);
    let apis_list = apis.iter().map(|a| {
        let m = ident(&a.module);
        let f = &a.feature;
        quote!(#[cfg(feature = #f)] #m::API)
    });
    let modules = apis.iter().map(|a| {
        let m = ident(&a.module);
        let f = &a.feature;
        quote! {
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            pub mod #m;
        }
    });
    quote! {
        #doc
        #![cfg_attr(docsrs, feature(doc_cfg))]

        pub use twilio_rest_runtime::{
            base_url_var, formats, ApiError, ApiInfo, CollectFuture, DeadlineError, DecodeError, Error, HeaderText,
            ItemStream, OpenEnum, Page, PageFuture, PageMeta, Paged, PagingError, PreparedRequest, Response, Result, RetryPolicy,
            SendFuture, Timestamp, TransportError, Uri, ValidationError, DEFAULT_TIMEOUT, DEFAULT_TOKEN_URL, MAX_PAGE_SIZE,
            webhooks,
        };
        pub use twilio_rest_runtime::{
            BodyTooLargeError, ConfigError, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_REQUEST_TIMEOUT,
        };
        /// The HTTP client crate, for [`ClientBuilder::http_client`](twilio_rest_runtime::ClientBuilder::http_client).
        #[doc(no_inline)]
        pub use twilio_rest_runtime::reqwest;
        pub use twilio_rest_runtime::{RequestOptions, DEFAULT_CONNECT_TIMEOUT};
        /// The date and JSON crates the models and arguments use, at the versions
        /// this crate was built with.
        pub use twilio_rest_runtime::{chrono, serde_json};

        /// A Twilio REST client for the APIs enabled by this crate's features. Cheap to
        /// clone; clones share one connection pool.
        ///
        /// Create one with [`Client::new`], [`Client::from_env`] or [`Client::builder`];
        /// each API module adds its entry point (`client.flex_v1()`, …). The runtime
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

        /// Every API module compiled in (by the enabled features).
        pub const APIS: &[ApiInfo] = &[#(#apis_list),*];
    }
}
