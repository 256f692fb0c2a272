//! Crate-level files: `Cargo.toml` and `README.md` from templates, `src/lib.rs`, and
//! the runtime copied from `templates/runtime/`.

use super::rust::{ident, inner_doc_attrs};
use super::{EmitError, Unformatted};
use crate::ir::Api;
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
}

impl CrateConfig {
    /// The crate name as a Rust identifier (`twilio_rest`).
    pub fn crate_ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// The hand-written runtime, copied into `src/runtime/`.
/// Includes runtime files by name, so the list below is the one place they are named.
macro_rules! runtime_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../templates/runtime/", $name)))),*]
    };
}

const RUNTIME: &[(&str, &str)] = runtime_files![
    "client.rs",
    "error.rs",
    "formats.rs",
    "mod.rs",
    "open_enum.rs",
    "page.rs",
    "pagination.rs",
    "request.rs",
    "uri.rs",
];

/// Test helpers, copied into `tests/support/`.
const TEST_SUPPORT: &str = include_str!("../../../templates/tests/support.rs");

/// The build script (compiler version for the user agent).
const BUILD_RS: &str = include_str!("../../../templates/build.rs");

const CARGO_TOML: &str = include_str!("../../../templates/Cargo.toml.j2");
const README: &str = include_str!("../../../templates/README.md.j2");

pub(super) fn crate_files(
    apis: &[Api],
    trees: &[super::tree::Tree],
    config: &CrateConfig,
    out: &mut Unformatted,
) -> Result<(), EmitError> {
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
    let example_chain = trees
        .first()
        .map(super::tree::example_chain)
        .unwrap_or_default();
    let ctx = context! {
        header,
        name => config.name,
        crate_ident => config.crate_ident(),
        version => config.version,
        description => config.description,
        publish => config.publish,
        standalone => config.standalone,
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

    for (file, text) in RUNTIME {
        out.other.insert(
            format!("src/runtime/{file}"),
            copied(&format!("templates/runtime/{file}"), text),
        );
    }
    out.other.insert(
        "tests/support/mod.rs".to_owned(),
        copied("templates/tests/support.rs", TEST_SUPPORT),
    );
    out.other.insert(
        "build.rs".to_owned(),
        copied("templates/build.rs", BUILD_RS),
    );
    out.rust.push((
        "src/lib.rs".to_owned(),
        "the specs".to_owned(),
        lib_rs(apis, config),
    ));
    Ok(())
}

fn copied(source: &str, text: &str) -> String {
    format!(
        "// {HEADER_MARK} by `cargo xtask codegen`, copied from {source}. Do not edit.\n\n{text}"
    )
}

fn lib_rs(apis: &[Api], config: &CrateConfig) -> proc_macro2::TokenStream {
    let features: Vec<&str> = apis.iter().map(|a| a.feature.as_str()).collect();
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
            pub mod #m;
        }
    });
    quote! {
        #doc
        // Without any product feature the runtime has no users.
        #![cfg_attr(not(any(#(feature = #features),*)), allow(dead_code, unused_imports, unused_macros))]

        mod runtime;

        pub use runtime::{
            base_url_var, formats, ApiError, ApiInfo, Client, ClientBuilder, DecodeError, Error, OpenEnum, Page, PageMeta, Paged, PreparedRequest,
            Response, Result, RetryPolicy, Uri, ValidationError, DEFAULT_TIMEOUT, MAX_PAGE_SIZE,
        };

        #(#modules)*

        /// Every API module compiled in (by the enabled features).
        pub const APIS: &[ApiInfo] = &[#(#apis_list),*];
    }
}
