//! Token helpers: identifiers, doc attributes, formatting, and the one mapping from
//! IR types ([`Type`]) and argument types ([`ArgType`]) to Rust types: as tokens
//! for the emitters, as short text for the API surface
//! ([`crate::api_diff::surface`]), and the decisions that follow from it
//! ([`union_from`]).

use super::EmitError;
use super::HEADER_MARK;
use crate::ir::{Type, Union, Variant};
use crate::plan::{ApiPlan, ArgType};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier token; `r#name` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "…"]` attributes, one per line, for a sanitized doc text.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "…"]` inner attributes (module and crate docs), one per line.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

/// Doc attributes from optional parts, separated by blank lines.
pub fn docs(parts: &[Option<&str>]) -> TokenStream {
    let text: Vec<&str> = parts
        .iter()
        .flatten()
        .copied()
        .filter(|s| !s.is_empty())
        .collect();
    doc_attrs(&text.join("\n\n"))
}

/// The Rust type of an IR type, as written inside an API module's `models`.
pub fn rust_type(ty: &Type) -> TokenStream {
    rust_type_in(ty, None)
}

/// The Rust type of an IR type; named types are prefixed with `models` (a path to
/// the module that defines them) when given.
pub fn rust_type_in(ty: &Type, models: Option<&TokenStream>) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Bool => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F64 => quote!(f64),
        // Decoded leniently: a value that does not parse keeps its text.
        Type::DateTime | Type::DateTimeRfc2822 => quote!(twilio_rest_runtime::Timestamp),
        Type::Date => quote!(twilio_rest_runtime::chrono::NaiveDate),
        Type::Uri => quote!(twilio_rest_runtime::Uri),
        Type::Json | Type::PrefixedMap(_) => quote!(twilio_rest_runtime::serde_json::Value),
        Type::Model(n) | Type::Enum(n) | Type::Alias(n) | Type::Union(n) => {
            let i = ident(n);
            match models {
                Some(m) => quote!(#m::#i),
                None => quote!(#i),
            }
        }
        Type::Array(t) => {
            let t = rust_type_in(t, models);
            quote!(Vec<#t>)
        }
        Type::Map(t) => {
            let t = rust_type_in(t, models);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        Type::PageMeta => quote!(twilio_rest_runtime::PageMeta),
        Type::Nullable(t) => {
            let t = rust_type_in(t, models);
            quote!(Option<#t>)
        }
    }
}

/// A stored field type, the argument type taking it, and the conversion between.
pub(super) struct Rendered {
    pub(super) store: TokenStream,
    pub(super) arg: TokenStream,
    pub(super) convert: Convert,
}

/// Argument → field conversions.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Convert {
    /// `x.into()`
    Into,
    /// `x` as it is.
    Same,
    /// `x.into_iter().map(Into::into).collect()`
    Collect,
}

impl Convert {
    pub(super) fn apply(self, x: &proc_macro2::Ident) -> TokenStream {
        self.apply_to(&quote!(#x))
    }

    /// The conversion of the expression `x`.
    pub(super) fn apply_to(self, x: &TokenStream) -> TokenStream {
        match self {
            Convert::Into => quote!(#x.into()),
            Convert::Same => quote!(#x),
            Convert::Collect => quote!(#x.into_iter().map(Into::into).collect()),
        }
    }
}

pub(super) fn render(ty: &ArgType, models: &TokenStream) -> Rendered {
    let same = |t: TokenStream| Rendered {
        store: t.clone(),
        arg: t,
        convert: Convert::Same,
    };
    let into = |t: TokenStream| Rendered {
        store: t.clone(),
        arg: quote!(impl Into<#t>),
        convert: Convert::Into,
    };
    match ty {
        ArgType::String => into(quote!(String)),
        ArgType::Bool => same(quote!(bool)),
        ArgType::I32 => same(quote!(i32)),
        ArgType::I64 => same(quote!(i64)),
        ArgType::U32 => same(quote!(u32)),
        ArgType::F64 => same(quote!(f64)),
        ArgType::DateTime => same(quote!(
            twilio_rest_runtime::chrono::DateTime<twilio_rest_runtime::chrono::Utc>
        )),
        ArgType::Date => same(quote!(twilio_rest_runtime::chrono::NaiveDate)),
        // The enum itself, not `impl Into`: a misspelt value is a compile error.
        ArgType::Enum(e) => {
            let e = ident(e);
            same(quote!(#models::#e))
        }
        ArgType::Model(m) => {
            let m = ident(m);
            same(quote!(#models::#m))
        }
        ArgType::Union(u) => {
            let u = ident(u);
            into(quote!(#models::#u))
        }
        ArgType::Json | ArgType::PrefixedMap(_) => {
            into(quote!(twilio_rest_runtime::serde_json::Value))
        }
        ArgType::List(item) => {
            let store = render(item, models).store;
            Rendered {
                store: quote!(Vec<#store>),
                arg: quote!(impl IntoIterator<Item = impl Into<#store>>),
                convert: Convert::Collect,
            }
        }
    }
}

/// The declared type of a model field or union variant: `ty`, boxed when it
/// recurses, in an `Option` when it may be absent.
pub fn declared_type(ty: &Type, boxed: bool, optional: bool) -> TokenStream {
    declared_type_in(ty, None, boxed, optional)
}

/// [`declared_type`], named types prefixed with `models` when given.
fn declared_type_in(
    ty: &Type,
    models: Option<&TokenStream>,
    boxed: bool,
    optional: bool,
) -> TokenStream {
    let mut ty = rust_type_in(ty, models);
    if boxed {
        ty = quote!(Box<#ty>);
    }
    if optional {
        ty = quote!(Option<#ty>);
    }
    ty
}

/// A Rust type as the API surface writes it: the runtime's and the standard
/// library's paths left out (`Vec<models::Call>`, `DateTime<Utc>`,
/// `serde_json::Value`, `BTreeMap<String, i64>`).
fn short_text(ty: &TokenStream) -> String {
    let text = ty
        .to_string()
        .replace(" :: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" , ", ", ");
    [
        "twilio_rest_runtime::chrono::",
        "twilio_rest_runtime::",
        "std::collections::",
    ]
    .iter()
    .fold(text, |text, path| text.replace(path, ""))
}

/// The Rust type of an IR type as the API surface writes it, named types under
/// `models::`.
pub fn type_text(ty: &Type) -> String {
    short_text(&rust_type_in(ty, Some(&quote!(models))))
}

/// [`declared_type`] as the API surface writes it.
pub fn declared_text(ty: &Type, boxed: bool, optional: bool) -> String {
    short_text(&declared_type_in(
        ty,
        Some(&quote!(models)),
        boxed,
        optional,
    ))
}

/// The stored type of an argument as the API surface writes it.
pub fn arg_text(ty: &ArgType) -> String {
    short_text(&render(ty, &quote!(models)).store)
}

/// Whether union `u` gets `impl From<variant type>` for variant `v`: no other
/// variant has the same Rust type (aliases followed; both date-time formats are
/// one type) and it is not free-form JSON.
pub fn union_from(plan: &ApiPlan<'_>, u: &Union, v: &Variant) -> bool {
    let rust = |t: &Type| type_text(plan.resolve(t));
    let mine = rust(&v.ty);
    u.variants.iter().filter(|w| rust(&w.ty) == mine).count() == 1
        && !matches!(plan.resolve(&v.ty), Type::Json | Type::PrefixedMap(_))
}

/// Formats a token stream as a Rust file with the `@generated` header.
pub fn format_file(path: &str, source: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        file: path.to_owned(),
        message: format!("generated tokens do not parse: {e}"),
    })?;
    Ok(format!(
        "// {HEADER_MARK} by `cargo xtask codegen` from {source}. Do not edit.\n\n{}",
        space_items(&prettyplease::unparse(&file))
    ))
}

/// Formats the tokens of one item (a doc example's function) as Rust text.
pub fn format_item(tokens: TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        file: "a doc example".to_owned(),
        message: format!("generated tokens do not parse: {e}"),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// Formats one statement (`let list = client…;`) as Rust text at no indentation.
pub fn format_statement(statement: TokenStream) -> Result<String, EmitError> {
    let text = format_item(quote!(fn f() { #statement }))?;
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let body = lines.get(1..lines.len().saturating_sub(1)).unwrap_or(&[]);
    Ok(body
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// prettyplease puts top-level items back to back; a blank line after each item
/// (and after the module docs) makes the files readable in review.
fn space_items(src: &str) -> String {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = String::with_capacity(src.len() + src.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else {
            continue;
        };
        let ends_item = line.starts_with('}')
            || (!line.starts_with([' ', '#', '/']) && line.ends_with(';'))
            || (line.starts_with("//!") && !next.starts_with("//!"));
        if ends_item && !next.is_empty() && !next.starts_with('}') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API surface's short spellings, one per IR and argument type (what the
    /// API change report prints).
    #[test]
    fn surface_texts_are_the_emitted_types_shortened() {
        let boxed = |t: Type| Box::new(t);
        for (ty, text) in [
            (Type::String, "String"),
            (Type::Bool, "bool"),
            (Type::I32, "i32"),
            (Type::I64, "i64"),
            (Type::F64, "f64"),
            (Type::DateTime, "Timestamp"),
            (Type::DateTimeRfc2822, "Timestamp"),
            (Type::Date, "NaiveDate"),
            (Type::Uri, "Uri"),
            (Type::Json, "serde_json::Value"),
            (Type::PrefixedMap("P".into()), "serde_json::Value"),
            (Type::Model("Call".into()), "models::Call"),
            (Type::Enum("Status".into()), "models::Status"),
            (Type::PageMeta, "PageMeta"),
            (
                Type::Array(boxed(Type::Model("Call".into()))),
                "Vec<models::Call>",
            ),
            (
                Type::Map(boxed(Type::Array(boxed(Type::I64)))),
                "BTreeMap<String, Vec<i64>>",
            ),
            (Type::Nullable(boxed(Type::Uri)), "Option<Uri>"),
        ] {
            assert_eq!(type_text(&ty), text, "{ty}");
        }
        assert_eq!(
            declared_text(&Type::Model("Call".into()), true, true),
            "Option<Box<models::Call>>"
        );
        for (ty, text) in [
            (ArgType::String, "String"),
            (ArgType::DateTime, "DateTime<Utc>"),
            (ArgType::Date, "NaiveDate"),
            (ArgType::Union("U".into()), "models::U"),
            (
                ArgType::List(Box::new(ArgType::Enum("E".into()))),
                "Vec<models::E>",
            ),
        ] {
            assert_eq!(arg_text(&ty), text);
        }
    }
}
