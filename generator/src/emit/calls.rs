//! Sample arguments and calls through the public API, shared by the generated
//! tests that call every operation (`conformance.rs`, `differential.rs`).
//!
//! A sample is first a JSON value (what the differential test also hands to
//! twilio-node), then rendered as the Rust expression the generated API takes, so
//! both sides of a comparison get exactly the same value.

use super::rust;
use super::rust::ident;
use crate::ir::{Constraints, Param, Type};
use crate::plan::tree::PathValue;
use crate::plan::{tree, ApiPlan, ArgType, Builder, BuilderField, Output, Role, Wire};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Value};

/// Whether a doc example may show `f`: not a credential header (it would replace
/// the client's own authentication) nor a list form field (the conformance test
/// leaves those out too, so every example's values have been sent to a mock).
pub(super) fn example_field(f: &BuilderField<'_>) -> bool {
    !carries_credentials(f) && !prism_misreads(f)
}

/// Header parameters that carry credentials would replace the client's own
/// authentication; conformance calls leave them out.
fn carries_credentials(f: &BuilderField<'_>) -> bool {
    f.wire == Wire::Header
        && f.param
            .is_some_and(|p| p.api_name.eq_ignore_ascii_case("authorization"))
}

/// Prism 5.14 reads an array in a form body only as `Key[]=…`, while OpenAPI's
/// default encoding and Twilio's API use the key repeated (`Key=a&Key=b`, which the
/// client sends and the in-process wire tests check), and an object only in its own
/// encoding, not as the JSON text Twilio reads ("must be object"). Optional array
/// and JSON form fields are therefore left out of conformance calls.
pub(super) fn prism_misreads(f: &BuilderField<'_>) -> bool {
    f.wire == Wire::FormField && matches!(f.ty, ArgType::List(_) | ArgType::Json)
}

/// A string that matches the spec pattern `pattern` (`^(SM|MM)[0-9a-fA-F]{32}$`
/// → `SM` and 32 zeros): each alternation its first branch, each repeat its
/// minimum count (at least one where allowed), each class a plain character of
/// it ([`class_sample`]); `None` when the pattern does not parse.
pub fn sample_for_pattern(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    write_sample(&hir, &mut out)?;
    Some(out)
}

/// Appends a string matching `hir` to `out`.
fn write_sample(hir: &regex_syntax::hir::Hir, out: &mut String) -> Option<()> {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(std::str::from_utf8(&l.0).ok()?),
        HirKind::Class(Class::Unicode(c)) => {
            let ranges: Vec<_> = c.iter().map(|r| (r.start(), r.end())).collect();
            out.push(class_sample(&ranges)?)
        }
        HirKind::Class(Class::Bytes(c)) => {
            let bytes = c
                .iter()
                .map(|r| (char::from(r.start()), char::from(r.end())));
            let ranges: Vec<_> = bytes.filter(|(a, _)| a.is_ascii()).collect();
            out.push(class_sample(&ranges)?)
        }
        HirKind::Repetition(r) => {
            let count = r.min.max(1).min(r.max.unwrap_or(u32::MAX));
            for _ in 0..count {
                write_sample(&r.sub, out)?;
            }
        }
        HirKind::Capture(c) => write_sample(&c.sub, out)?,
        HirKind::Concat(all) => {
            for h in all {
                write_sample(h, out)?;
            }
        }
        HirKind::Alternation(all) => write_sample(all.first()?, out)?,
    }
    Some(())
}

/// A character of a class given as its ranges (sorted): its first ASCII digit or
/// lowercase letter, else its first ASCII letter, else its first printable ASCII
/// character, else its first character.
fn class_sample(ranges: &[(char, char)]) -> Option<char> {
    let first = |wanted: fn(&char) -> bool| {
        ranges
            .iter()
            .find_map(|&(a, b)| (a..=b).take(128).find(wanted))
    };
    first(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .or_else(|| first(char::is_ascii_alphanumeric))
        .or_else(|| first(char::is_ascii_graphic))
        .or_else(|| ranges.first().map(|&(a, _)| a))
}

/// How much a sample stresses the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The spec's example where it has one, else the simplest valid value; one
    /// item per list (Prism checks these against the spec).
    Plain,
    /// Valid but hard to encode: unicode and reserved characters in free
    /// strings, several list items, nested JSON, fractional seconds, `false`.
    Rich,
}

/// Free text with unicode and the characters URLs and forms reserve.
const RICH_TEXT: &str = "Zoë ☃ & a=b+c /?#% 😀";

/// Free-form JSON for rich samples (the `index`th of a list): nesting, unicode,
/// reserved characters.
fn rich_json(index: usize) -> Value {
    json!({
        "item": index + 1,
        "name": "Zoë & Co = 1+1",
        "count": 2,
        "nested": {"ok": true, "list": [1, "a/b?c#d", null]}
    })
}

/// A spec example of a JSON value: specs often give it as a string of JSON text
/// (`"{\"type\":\"sms\"}"`), which is the value it spells.
fn embedded_json(example: &Value) -> Value {
    example
        .as_str()
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .filter(|v| v.is_object() || v.is_array())
        .unwrap_or_else(|| example.clone())
}

/// A valid value for `p` as JSON, or `None` when none can be made.
pub fn sample(p: &Param, plan: &ApiPlan<'_>, style: Style) -> Option<Value> {
    format_sample(p.format.as_deref())
        .or_else(|| sample_of(&p.ty, &p.constraints, p.example.as_ref(), plan, style, 0, 0))
}

/// The sample a string format asks for, where Prism checks it (an address for
/// `email`).
fn format_sample(format: Option<&str>) -> Option<Value> {
    (format == Some("email")).then(|| json!("user@example.com"))
}

/// A sample of `ty` under `c` (the `index`th item of a list), preferring
/// `example` where the style takes examples; `None` when none can be made. A
/// model is an object of its required fields (flattened variants merged in); a
/// union its first variant that can be made, with its tag.
fn sample_of(
    ty: &Type,
    c: &Constraints,
    example: Option<&Value>,
    plan: &ApiPlan<'_>,
    style: Style,
    index: usize,
    depth: usize,
) -> Option<Value> {
    if depth > 4 {
        return None;
    }
    let rich = style == Style::Rich;
    Some(match plan.resolve(ty) {
        Type::String => Value::String(string_sample(c, example, style, index)),
        Type::Nullable(inner) => {
            return sample_of(inner, c, example, plan, style, index, depth + 1)
        }
        Type::Uri => {
            // Spec examples are sometimes placeholders (`pre_webhook_url`), not URIs.
            let absolute = |e: &&str| {
                e.split_once(':').is_some_and(|(scheme, _)| {
                    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                        && scheme
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                })
            };
            let s = match (rich, example.and_then(|e| e.as_str()).filter(absolute)) {
                (true, _) => format!("https://example.com/hook/{}?a=1&b=%C3%A9", index + 1),
                (false, Some(e)) => e.to_owned(),
                (false, None) => "https://example.com/callback".to_owned(),
            };
            Value::String(s)
        }
        Type::Bool => Value::Bool(!rich && example.and_then(Value::as_bool).unwrap_or(true)),
        Type::I32 | Type::I64 => {
            let n = example.and_then(Value::as_i64).unwrap_or_else(|| {
                c.minimum
                    .map(|m| m as i64)
                    .unwrap_or(1)
                    .max(c.minimum.unwrap_or(0.0) as i64)
            });
            json!(n)
        }
        Type::F64 => json!(match rich {
            true => 1.5,
            false => example.and_then(Value::as_f64).unwrap_or(1.0),
        }),
        Type::DateTime | Type::DateTimeRfc2822 => json!(match rich {
            true => "2024-02-29T23:59:58.250Z",
            false => "2024-01-02T03:04:05Z",
        }),
        Type::Date => json!(match rich {
            true => "2024-02-29",
            false => "2024-01-02",
        }),
        Type::Enum(name) => {
            let e = plan.api.enum_named(name)?;
            let wanted = example.and_then(|e| e.as_str());
            let v = e
                .values
                .iter()
                .find(|v| Some(v.value.as_str()) == wanted)
                .or(e.values.first())?;
            Value::String(v.value.clone())
        }
        Type::Json | Type::Map(_) | Type::PrefixedMap(_) => match (rich, example) {
            (true, _) => rich_json(index),
            (false, Some(e)) => embedded_json(e),
            (false, None) => json!({}),
        },
        Type::Array(inner) => {
            let first = example.and_then(|e| e.as_array()).and_then(|a| a.first());
            let item_example = first.or(example.filter(|e| !e.is_array()));
            let count = if rich { 3 } else { 1 };
            let items = (0..count)
                .map(|i| sample_of(inner, c, item_example, plan, style, i, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            Value::Array(items)
        }
        Type::Model(name) => model_sample(name, plan, style, index, depth)?,
        Type::Union(name) => union_sample(name, c, plan, style, index, depth)?,
        Type::Alias(_) | Type::PageMeta => return None,
    })
}

/// A string under `c`: a sample of its pattern (authoritative: spec examples are
/// sometimes placeholders, `interaction_context_sid`, that the pattern rejects);
/// else rich text, or the example where it fits the lengths, or `sample`, each
/// cut to the maximum length or repeated up to the minimum.
fn string_sample(c: &Constraints, example: Option<&Value>, style: Style, index: usize) -> String {
    if let Some(s) = c.pattern.as_deref().and_then(sample_for_pattern) {
        return s;
    }
    let fits = |s: &String| {
        let n = s.chars().count();
        c.min_length.is_none_or(|m| n >= m) && c.max_length.is_none_or(|m| n <= m)
    };
    // `text`, cut to the maximum length, or repeated up to the minimum.
    let free = |text: &str, least: usize| -> String {
        let n = c.min_length.unwrap_or(1).max(least);
        text.chars()
            .cycle()
            .take(n.min(c.max_length.unwrap_or(n)))
            .collect()
    };
    match style {
        Style::Rich => {
            let text = format!("{RICH_TEXT} {}", index + 1);
            free(&text, text.chars().count())
        }
        Style::Plain => example
            .and_then(|e| e.as_str().map(str::to_owned))
            .filter(fits)
            .unwrap_or_else(|| free("sample", 6)),
    }
}

/// An object of model `name`'s required fields, flattened variants merged in.
fn model_sample(
    name: &str,
    plan: &ApiPlan<'_>,
    style: Style,
    index: usize,
    depth: usize,
) -> Option<Value> {
    let mut object = serde_json::Map::new();
    for f in plan.api.model(name)?.fields.iter() {
        if !(f.required || f.flatten) {
            continue;
        }
        let sampled = match format_sample(f.format.as_deref()) {
            Some(v) => v,
            None => sample_of(&f.ty, &f.constraints, None, plan, style, index, depth + 1)?,
        };
        match (f.flatten, sampled) {
            (true, Value::Object(inner)) => object.extend(inner),
            (true, _) => return None,
            (false, v) => {
                object.insert(f.api_name.clone(), v);
            }
        }
    }
    Some(Value::Object(object))
}

/// The first variant of union `name` that can be made, with its tag.
fn union_sample(
    name: &str,
    c: &Constraints,
    plan: &ApiPlan<'_>,
    style: Style,
    index: usize,
    depth: usize,
) -> Option<Value> {
    let u = plan.api.union_named(name)?;
    u.variants.iter().find_map(|v| {
        let mut value = sample_of(&v.ty, c, None, plan, style, index, depth + 1)?;
        if let (Some(tag), Some(t)) = (&u.tag, v.tags.first()) {
            value.as_object_mut()?.insert(tag.clone(), json!(t));
        }
        Some(value)
    })
}

/// How a rendered call spells the crates and types it names.
pub struct Paths {
    /// The crate `chrono` and `serde_json` are reached through
    /// (`twilio_rest_runtime`, or the generated crate, which re-exports them).
    pub root: TokenStream,
    /// The path a struct of required values is named with (`None`: its bare name,
    /// imported by the caller).
    pub requests: Option<TokenStream>,
    /// The API's `models` module, which a model or union body's type is named in.
    pub models: TokenStream,
    /// The expression giving the API's root handle (`client.flex_v1()`).
    pub entry: TokenStream,
}

/// `value` (a sample of `ty`) as the Rust expression the generated API takes;
/// `paths` spells the crates and the models module.
pub fn render(ty: &Type, value: &Value, plan: &ApiPlan<'_>, paths: &Paths) -> Option<TokenStream> {
    let root = &paths.root;
    Some(match plan.resolve(ty) {
        Type::String | Type::Uri => {
            let s = value.as_str()?;
            quote!(#s)
        }
        // The variant (`models::Status::Wrapup`); a value the spec does not list
        // goes through `Unknown`, as a caller would send it.
        Type::Enum(name) => {
            let s = value.as_str()?;
            let e = plan.api.enum_named(name)?;
            let (models, t) = (&paths.models, ident(&e.item.name));
            match e.values.iter().find(|v| v.value == s) {
                Some(v) => {
                    let v = ident(&v.name);
                    quote!(#models::#t::#v)
                }
                None => quote!(#models::#t::Unknown(#s.into())),
            }
        }
        Type::Nullable(inner) => return render(inner, value, plan, paths),
        Type::Bool => {
            let b = value.as_bool()?;
            quote!(#b)
        }
        Type::I32 | Type::I64 => {
            let lit = proc_macro2::Literal::i64_unsuffixed(value.as_i64()?);
            quote!(#lit)
        }
        Type::F64 => {
            let lit = proc_macro2::Literal::f64_unsuffixed(value.as_f64()?);
            quote!(#lit)
        }
        Type::DateTime | Type::DateTimeRfc2822 => {
            let s = value.as_str()?;
            quote!(#root::chrono::DateTime::parse_from_rfc3339(#s)
                .unwrap()
                .with_timezone(&#root::chrono::Utc))
        }
        Type::Date => {
            let s = value.as_str()?;
            quote!(#root::chrono::NaiveDate::parse_from_str(#s, "%Y-%m-%d").unwrap())
        }
        Type::Json | Type::Map(_) | Type::PrefixedMap(_) => json_expr(value, root),
        Type::Array(inner) => {
            let items = value
                .as_array()?
                .iter()
                .map(|v| render(inner, v, plan, paths))
                .collect::<Option<Vec<_>>>()?;
            quote!([#(#items),*])
        }
        // A model or union (a JSON body's property): decoded from the sample.
        Type::Model(name) | Type::Union(name) => {
            let (models, t, literal) = (&paths.models, ident(name), json_expr(value, root));
            quote!(#root::serde_json::from_value::<#models::#t>(#literal).unwrap())
        }
        Type::Alias(_) | Type::PageMeta => return None,
    })
}

/// A JSON value as a `serde_json::json!` literal, through `root`'s re-export.
fn json_expr(value: &Value, root: &TokenStream) -> TokenStream {
    let literal = json_literal(value);
    quote!(#root::serde_json::json!(#literal))
}

/// The tokens `serde_json::json!` reads back as `value`.
fn json_literal(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => {
            let lit = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => proc_macro2::Literal::i64_unsuffixed(i),
                (None, Some(u)) => proc_macro2::Literal::u64_unsuffixed(u),
                // JSON numbers are finite.
                (None, None) => proc_macro2::Literal::f64_unsuffixed(n.as_f64().unwrap_or(0.0)),
            };
            quote!(#lit)
        }
        Value::String(s) => quote!(#s),
        Value::Array(items) => {
            let items = items.iter().map(json_literal);
            quote!([#(#items),*])
        }
        Value::Object(entries) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = json_literal(v);
                quote!(#k: #v)
            });
            quote!({ #(#entries),* })
        }
    }
}

/// The page size a plain sample of a list's `PageSize` gives: a usual one (the
/// default of Twilio's lists), within the operation's bounds, so an example does
/// not fetch one item per request.
const PLAIN_PAGE_SIZE: usize = 50;

/// One argument of a call: where it goes, its wire name and its value.
pub struct Arg {
    /// Where it is sent.
    pub wire: Wire,
    /// The API name (`FriendlyName`); empty for a whole JSON body.
    pub name: String,
    /// The value given.
    pub value: Value,
}

/// One operation called through the public API.
pub struct Call {
    /// The expression: accessor chain, verb with arguments, setters, terminal
    /// (`Result<(), Error>`).
    pub expr: TokenStream,
    /// `client.flex_v1().interaction("KD…")…`: the handle chain.
    pub chain: TokenStream,
    /// `.create(…)`: the verb with the required values (positional, or in the
    /// builder's struct of required values).
    pub verb: TokenStream,
    /// `.routing_properties(…)`, …: one setter per optional value given, in field
    /// order.
    pub setters: Vec<TokenStream>,
    /// The path with every parameter filled in.
    pub path: String,
    /// Every non-path argument given.
    pub args: Vec<Arg>,
}

/// The call of `b` with samples of `style` for every field `include` accepts
/// (required fields are always given; path values are always plain), and for a
/// list the item `limit` if any, spelled with `paths`; `None` when a required
/// value cannot be made.
pub fn call(
    plan: &ApiPlan<'_>,
    routes: &[Vec<(usize, usize)>],
    b: &Builder<'_>,
    style: Style,
    include: impl Fn(&BuilderField<'_>) -> bool,
    limit: Option<usize>,
    paths: &Paths,
) -> Option<Call> {
    let (chain, path_values) = handle_chain(plan, &routes[b.handle], b, paths)?;
    let mut arguments = Vec::new();
    let mut named = Vec::new();
    let mut setters = Vec::new();
    let mut args = Vec::new();
    for f in &b.fields {
        let required = f.role == Role::Argument;
        if !required && !include(f) {
            continue;
        }
        let Some((tokens, value)) = field_value(plan, b, f, style, paths) else {
            if required {
                return None;
            }
            continue;
        };
        if required && b.params_struct.is_some() {
            named.push(named_value(f, &tokens, &paths.models));
        } else if required {
            arguments.push(tokens);
        } else {
            let setter = ident(&f.name);
            setters.push(quote!(.#setter(#tokens)));
        }
        let name = f.param.map(|p| p.api_name.clone()).unwrap_or_default();
        args.push(Arg {
            wire: f.wire,
            name,
            value,
        });
    }
    if let Some(s) = &b.params_struct {
        let s = ident(s);
        let path = match &paths.requests {
            Some(r) => quote!(#r::#s),
            None => quote!(#s),
        };
        arguments.push(quote!(#path { #(#named),* }));
    }
    let m = ident(&b.verb);
    let verb = quote!(.#m(#(#arguments),*));
    let terminal = terminal(b, limit);
    Some(Call {
        expr: quote!(#chain #verb #(#setters)* #terminal),
        path: filled_path(b, path_values)?,
        chain,
        verb,
        setters,
        args,
    })
}

/// The accessor chain from `paths.entry` along `route` to `b`'s handle, with a
/// plain sample for each path value, and those values as text in URL order.
fn handle_chain(
    plan: &ApiPlan<'_>,
    route: &[(usize, usize)],
    b: &Builder<'_>,
    paths: &Paths,
) -> Option<(TokenStream, Vec<String>)> {
    let mut chain = paths.entry.clone();
    let mut path_values = Vec::new();
    let mut path_params = b.path_params.iter();
    for &(parent, child) in route {
        let c = &plan.tree.nodes[parent].children[child];
        let m = ident(&c.method);
        if c.param.is_none() {
            chain = quote!(#chain.#m());
            continue;
        }
        let p = path_params.next()?;
        let v = sample(p, plan, Style::Plain)?;
        let text = v.as_str().map(str::to_owned).unwrap_or(v.to_string());
        // As the accessor takes it: an integer, or text.
        let t = match c.value {
            PathValue::Integer if v.is_i64() => render(&Type::I64, &v, plan, paths)?,
            PathValue::Integer => return None,
            // Every other accessor takes text (`impl Into<String>`).
            PathValue::Text => quote!(#text),
        };
        path_values.push(text);
        chain = quote!(#chain.#m(#t));
    }
    Some((chain, path_values))
}

/// A sample of `f` of `style` as the expression its verb or setter takes, and as
/// JSON; `None` when none can be made.
fn field_value(
    plan: &ApiPlan<'_>,
    b: &Builder<'_>,
    f: &BuilderField<'_>,
    style: Style,
    paths: &Paths,
) -> Option<(TokenStream, Value)> {
    let Some(p) = f.param else {
        return body_value(plan, &f.ty, style, paths);
    };
    let page_size = style == Style::Plain
        && matches!(b.output, Output::List { .. })
        && crate::plan::is_page_size(p);
    let v = match b.page_sizes {
        _ if !page_size => sample(p, plan, style)?,
        Some((min, max)) => json!(PLAIN_PAGE_SIZE.clamp(min, max)),
        None => json!(PLAIN_PAGE_SIZE),
    };
    Some((render(&p.ty, &v, plan, paths)?, v))
}

/// A whole JSON body of type `ty`: free-form, or a value of its model or union
/// built from the schema (decoded into the type, so the call shows it).
fn body_value(
    plan: &ApiPlan<'_>,
    ty: &ArgType,
    style: Style,
    paths: &Paths,
) -> Option<(TokenStream, Value)> {
    let root = &paths.root;
    let (n, ty) = match ty {
        ArgType::Json => {
            let v = match style {
                Style::Plain => json!({}),
                Style::Rich => rich_json(0),
            };
            return Some((json_expr(&v, root), v));
        }
        ArgType::Model(n) => (n, Type::Model(n.clone())),
        ArgType::Union(n) => (n, Type::Union(n.clone())),
        _ => return None,
    };
    let v = sample_of(&ty, &Constraints::default(), None, plan, style, 0, 0)?;
    let (models, t, literal) = (&paths.models, ident(n), json_expr(&v, root));
    let expr = quote!(#root::serde_json::from_value::<#models::#t>(#literal).unwrap());
    Some((expr, v))
}

/// `name: value` of a required field given in the builder's struct of required
/// values, `tokens` converted to the field's stored type.
fn named_value(f: &BuilderField<'_>, tokens: &TokenStream, models: &TokenStream) -> TokenStream {
    let name = ident(&f.name);
    // A JSON value is rendered as the stored type already.
    let v = match &f.ty {
        ArgType::Json | ArgType::PrefixedMap(_) => tokens.clone(),
        // Only text items are rendered as another type (`&str`).
        ArgType::List(item) if !matches!(**item, ArgType::String) => {
            quote!(Vec::from(#tokens))
        }
        t => rust::render(t, models).convert.apply_to(tokens),
    };
    quote!(#name: #v)
}

/// The terminal of a call of `b` that drops its result: a list's first page
/// (with the item `limit` if any), or the response.
fn terminal(b: &Builder<'_>, limit: Option<usize>) -> TokenStream {
    if !matches!(b.output, Output::List { .. }) {
        return quote!(.send().await.map(drop));
    }
    let limit = limit.map(|n| {
        let n = proc_macro2::Literal::usize_unsuffixed(n);
        quote!(.limit(#n))
    });
    quote!(#limit.page().await.map(drop))
}

/// `b`'s path with `values` (text, in URL order) filled in.
fn filled_path(b: &Builder<'_>, values: Vec<String>) -> Option<String> {
    let mut values = values.into_iter();
    let segments = b
        .op
        .path
        .segments
        .iter()
        .map(|s| match s {
            crate::ir::Segment::Literal(l) => Some(l.clone()),
            crate::ir::Segment::Param { suffix, .. } => Some(format!("{}{suffix}", values.next()?)),
        })
        .collect::<Option<Vec<_>>>()?;
    Some(format!("/{}", segments.join("/")))
}

/// Every builder of `plan` in handle order, with the routes to reach them.
pub fn builders<'p, 'a>(plan: &'p ApiPlan<'a>) -> impl Iterator<Item = &'p Builder<'a>> + 'p {
    (0..plan.tree.nodes.len()).flat_map(move |n| plan.builders_of(n))
}

/// The accessor routes of `plan`'s handles (see [`tree::routes`]).
pub fn routes(plan: &ApiPlan<'_>) -> Vec<Vec<(usize, usize)>> {
    tree::routes(&plan.tree)
}

#[cfg(test)]
mod tests {
    use super::{builders, sample, sample_for_pattern, Style};
    use crate::ir::Param;
    use crate::plan::ApiPlan;
    use serde_json::Value;

    /// The problem with `value` (a sample of `p`) that the runtime would refuse
    /// it for: a text breaking the pattern or the lengths.
    fn refusal(p: &Param, value: &Value) -> Option<String> {
        let c = &p.constraints;
        let texts: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let re = c
            .pattern
            .as_deref()
            .map(|p| regex_lite::Regex::new(p).unwrap());
        texts.into_iter().find_map(|s| {
            let n = s.chars().count();
            let lengths =
                c.min_length.is_none_or(|m| n >= m) && c.max_length.is_none_or(|m| n <= m);
            let matches = re.as_ref().is_none_or(|re| re.is_match(s));
            (!(lengths && matches)).then(|| format!("{}: {s:?} against {c:?}", p.api_name))
        })
    }

    #[test]
    fn every_sample_of_every_spec_passes_its_own_checks() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        assert!(files.len() > 50, "specs in {}", dir.display());
        let (mut checked, mut refused) = (0, Vec::new());
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let name = file.to_string_lossy();
            let spec = crate::Spec {
                file: &name,
                bytes: &bytes,
            };
            let (apis, _) = crate::lower_specs(&[spec]).unwrap();
            let plan = ApiPlan::new(&apis[0]).unwrap();
            for b in builders(&plan) {
                let params = b.path_params.iter().map(|p| (*p, Style::Plain));
                let fields = b.fields.iter().filter_map(|f| f.param);
                let fields = fields.flat_map(|p| [(p, Style::Plain), (p, Style::Rich)]);
                for (p, style) in params.chain(fields) {
                    let Some(v) = sample(p, &plan, style) else {
                        continue;
                    };
                    checked += usize::from(p.constraints.pattern.is_some());
                    refused.extend(
                        refusal(p, &v).map(|r| format!("{} {}: {r}", apis[0].module, b.op.id)),
                    );
                }
            }
        }
        assert!(
            refused.is_empty(),
            "samples the runtime refuses:\n{}",
            refused.join("\n")
        );
        assert!(checked > 1000, "only {checked} patterned samples");
    }

    #[test]
    fn patterns_give_matching_samples() {
        assert_eq!(
            sample_for_pattern("^KD[0-9a-fA-F]{32}$").unwrap(),
            format!("KD{}", "0".repeat(32))
        );
        assert_eq!(
            sample_for_pattern("^[a-zA-Z]{2}[0-9a-fA-F]{32}$").unwrap(),
            format!("aa{}", "0".repeat(32))
        );
        assert_eq!(sample_for_pattern(r"^\+[1-9]\d{1,14}$").unwrap(), "+10");
        assert_eq!(
            sample_for_pattern("^(SM|MM)[0-9a-fA-F]{32}$").unwrap(),
            format!("SM{}", "0".repeat(32))
        );
        // A repeat takes one where it may (`{0,19}` gives one), so the sample
        // shows the list form and still matches.
        assert_eq!(
            sample_for_pattern("^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$").unwrap(),
            format!("BU{0},BU{0}", "0".repeat(32))
        );
        assert_eq!(
            sample_for_pattern(r"^[^/]+\.(json|xml)?$").unwrap(),
            "0.json"
        );
        assert_eq!(sample_for_pattern("^(unclosed"), None);
    }
}
