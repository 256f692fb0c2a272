//! The second kind of input: a TwiML definition (`specs/twiml/twiml.yaml`, the
//! project's own format) → a crate of typed TwiML builders.
//!
//! Its pipeline mirrors the OpenAPI one, smaller: the definition is parsed as
//! YAML by the reader specs go through (UTF-8, syntax errors at line:col, bounded
//! nesting), read into a small IR whose names are all decided there
//! ([`model`]: every reference checked, every problem a diagnostic at its JSON
//! pointer), rendered as tokens ([`emit`]) and formatted through the same
//! [`crate::emit::format`]. [`generate`] is its one entry point; like the rest
//! of the library it does no I/O.

pub mod emit;
pub mod model;
mod xml_core;

use crate::emit::{Files, Package, Unformatted, HEADER_MARK};
use crate::templates::Templates;
use minijinja::context;

/// Reads a definition: its IR, or every problem with its location.
pub fn read(file: &str, bytes: &[u8]) -> Result<model::Twiml, crate::diag::Diagnostics> {
    let value = crate::document::parse_value(file, bytes)?;
    model::read(file, value)
}

/// The files of the TwiML crate for the definition `file` (its name, as
/// diagnostics cite it, and its bytes), its `Cargo.toml`, README and guide
/// rendered from the `twiml/…` templates. Same inputs, same bytes.
pub fn generate(
    file: &str,
    bytes: &[u8],
    config: &Package,
    templates: &Templates,
) -> Result<Files, crate::Error> {
    let twiml = read(file, bytes).map_err(crate::Error::Spec)?;
    crate::emit::format(unformatted(&twiml, file, config, templates)?).map_err(crate::Error::Emit)
}

fn unformatted(
    twiml: &model::Twiml,
    file: &str,
    config: &Package,
    templates: &Templates,
) -> Result<Unformatted, crate::Error> {
    let fail = |name: &str| {
        let name = name.to_owned();
        move |e: minijinja::Error| {
            crate::Error::Emit(crate::emit::EmitError {
                file: name.clone(),
                message: e.to_string(),
            })
        }
    };
    let env = crate::emit::files::environment(
        templates,
        &[
            ("Cargo.toml", "twiml/Cargo.toml"),
            ("README.md", "twiml/README.md"),
            ("guide", "twiml/guide.md"),
        ],
    )
    .map_err(crate::Error::Emit)?;
    let ctx = context! {
        header => format!("{HEADER_MARK} by `cargo xtask codegen` from {file}. Do not edit."),
        name => config.name,
        crate_ident => config.name.replace('-', "_"),
        version => config.version,
        description => config.description,
        publish => config.publish,
        documents => twiml.documents,
    };
    let render = |name: &str| {
        env.get_template(name)
            .and_then(|t| t.render(&ctx))
            .map_err(fail(name))
    };
    let mut out = Unformatted {
        rust: Vec::new(),
        other: Files::new(),
    };
    out.other
        .insert("Cargo.toml".to_owned(), render("Cargo.toml")?);
    out.other
        .insert("README.md".to_owned(), render("README.md")?);
    let guide = render("guide")?;
    let source = file.to_owned();
    out.rust.push((
        "src/lib.rs".to_owned(),
        source.clone(),
        emit::lib_rs(twiml, &config.description, &guide),
    ));
    out.rust
        .push(("src/xml.rs".to_owned(), source.clone(), xml_core::tokens()));
    for d in &twiml.documents {
        out.rust.push((
            format!("src/{}.rs", d.module),
            source.clone(),
            emit::module(d),
        ));
    }
    out.rust.push((
        "tests/differential/dispatch.rs".to_owned(),
        source.clone(),
        emit::dispatcher(twiml, &config.name.replace('-', "_")),
    ));
    #[derive(serde::Serialize)]
    struct Marked<'a> {
        #[serde(rename = "_generated")]
        generated: String,
        #[serde(flatten)]
        twiml: &'a model::Twiml,
    }
    let marked = Marked {
        generated: format!("{HEADER_MARK} by `cargo xtask codegen` from {file}. Do not edit."),
        twiml,
    };
    let json = serde_json::to_string_pretty(&marked).map_err(|e| {
        crate::Error::Emit(crate::emit::EmitError {
            file: "definition.json".to_owned(),
            message: e.to_string(),
        })
    })?;
    out.other
        .insert("tests/differential/definition.json".to_owned(), json + "\n");
    Ok(out)
}
