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

/// A string that matches a simple spec pattern (`^KD[0-9a-fA-F]{32}$` →
/// `KD` and 32 digits): literals, classes, `.`, counted repeats, groups that may
/// repeat zero times (left out) and alternatives of literal text (the first);
/// `None` for anything more.
pub fn sample_for_pattern(pattern: &str) -> Option<String> {
    let p: Vec<char> = pattern
        .trim_start_matches('^')
        .trim_end_matches('$')
        .chars()
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < p.len() {
        let atom = match p[i] {
            '[' => {
                let end = p[i..].iter().position(|&c| c == ']')? + i;
                let class = &p[i + 1..end];
                if class.first() == Some(&'^') {
                    return None;
                }
                i = end + 1;
                *class.first()?
            }
            '\\' => {
                let c = *p.get(i + 1)?;
                i += 2;
                match c {
                    'd' => '1',
                    'w' => 'a',
                    c if c.is_ascii_alphanumeric() => return None,
                    c => c,
                }
            }
            '(' => {
                // A group that may be left out (`(,BU…){0,19}`, `(…)?`, `(…)*`).
                let end = p[i..].iter().position(|&c| c == ')')? + i;
                let optional = match p.get(end + 1) {
                    Some('?' | '*') => Some(end + 2),
                    Some('{') => {
                        let close = p[end..].iter().position(|&c| c == '}')? + end;
                        let min: String = p[end + 2..close].iter().collect();
                        (min.split(',').next()?.trim() == "0").then_some(close + 1)
                    }
                    _ => None,
                };
                if let Some(after) = optional {
                    i = after;
                    continue;
                }
                // Alternatives of literal text (`(SM|MM)`): the first.
                let first: String = p[i + 1..end].iter().take_while(|&&c| c != '|').collect();
                if !first.chars().all(|c| c.is_ascii_alphanumeric())
                    || matches!(p.get(end + 1), Some('+' | '{'))
                {
                    return None;
                }
                out.push_str(&first);
                i = end + 1;
                continue;
            }
            '.' => {
                i += 1;
                'a'
            }
            ')' | '|' => return None,
            c => {
                i += 1;
                c
            }
        };
        let mut count = 1;
        match p.get(i) {
            Some('{') => {
                let end = p[i..].iter().position(|&c| c == '}')? + i;
                let spec: String = p[i + 1..end].iter().collect();
                count = spec.split(',').next()?.trim().parse().ok()?;
                i = end + 1;
            }
            Some('+') => i += 1,
            Some('*') | Some('?') => {
                count = 0;
                i += 1;
            }
            _ => {}
        }
        out.extend(std::iter::repeat_n(atom, count));
    }
    Some(out)
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

/// A valid value for `p` as JSON, or `None` when none can be made.
pub fn sample(p: &Param, plan: &ApiPlan<'_>, style: Style) -> Option<Value> {
    sample_of(&p.ty, &p.constraints, p.example.as_ref(), plan, style, 0, 0)
}

// Longer than 80 lines: one arm per IR type, each a short sample rule; split
// apart they would only be harder to compare. A model is an object of its required
// fields (flattened variants merged in); a union its first variant that can be
// made, with its tag.
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
        Type::String => {
            let fits = |s: &String| {
                let n = s.chars().count();
                c.min_length.is_none_or(|m| n >= m) && c.max_length.is_none_or(|m| n <= m)
            };
            // `text`, cut to the maximum length, or repeated up to the minimum.
            let free = |text: &str| -> String {
                let n = c.min_length.unwrap_or(1).max(text.chars().count());
                text.chars()
                    .cycle()
                    .take(n.min(c.max_length.unwrap_or(n)))
                    .collect()
            };
            // The pattern is authoritative: spec examples are sometimes placeholders
            // (`interaction_context_sid`) that the pattern rejects.
            let patterned = c.pattern.as_deref().and_then(sample_for_pattern);
            let s = match (patterned, rich) {
                (Some(s), _) => s,
                (None, true) => free(&format!("{RICH_TEXT} {}", index + 1)),
                (None, false) => example
                    .and_then(|e| e.as_str().map(str::to_owned))
                    .filter(fits)
                    .unwrap_or_else(|| {
                        let n = c.min_length.unwrap_or(1).max(6);
                        "sample"
                            .chars()
                            .cycle()
                            .take(n.min(c.max_length.unwrap_or(n)))
                            .collect()
                    }),
            };
            Value::String(s)
        }
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
            (false, Some(e)) => e.clone(),
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
        Type::Model(name) => {
            let mut object = serde_json::Map::new();
            for f in plan.api.model(name)?.fields.iter() {
                if !(f.required || f.flatten) {
                    continue;
                }
                // An address where the format asks for one (Prism checks formats).
                let email = f.format.as_deref() == Some("email");
                let sampled = match email {
                    true => json!("user@example.com"),
                    false => sample_of(&f.ty, &f.constraints, None, plan, style, index, depth + 1)?,
                };
                match (f.flatten, sampled) {
                    (true, Value::Object(inner)) => object.extend(inner),
                    (true, _) => return None,
                    (false, v) => {
                        object.insert(f.api_name.clone(), v);
                    }
                }
            }
            Value::Object(object)
        }
        Type::Union(name) => {
            let u = plan.api.union_named(name)?;
            u.variants.iter().find_map(|v| {
                let mut value = sample_of(&v.ty, c, None, plan, style, index, depth + 1)?;
                if let (Some(tag), Some(t)) = (&u.tag, v.tags.first()) {
                    value.as_object_mut()?.insert(tag.clone(), json!(t));
                }
                Some(value)
            })?
        }
        Type::Alias(_) | Type::PageMeta => return None,
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
        // A model or union value built from the schema, decoded into its type.
        Type::Model(name) | Type::Union(name) => {
            let (models, t, text) = (&paths.models, ident(name), value.to_string());
            quote!(#root::serde_json::from_str::<#models::#t>(#text).unwrap())
        }
        Type::Alias(_) | Type::PageMeta => return None,
    })
}

/// A JSON value as a `serde_json::Value` expression.
fn json_expr(value: &Value, root: &TokenStream) -> TokenStream {
    if value.as_object().is_some_and(|o| o.is_empty()) {
        return quote!(#root::serde_json::json!({}));
    }
    let text = value.to_string();
    quote!(#root::serde_json::from_str::<#root::serde_json::Value>(#text).unwrap())
}

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
// Longer than 80 lines: the chain, the fields and the path are filled in one
// walk so the values in the expression and in the recorded path agree.
#[allow(clippy::too_many_arguments)]
pub fn call(
    plan: &ApiPlan<'_>,
    routes: &[Vec<(usize, usize)>],
    b: &Builder<'_>,
    style: Style,
    include: impl Fn(&BuilderField<'_>) -> bool,
    limit: Option<usize>,
    paths: &Paths,
) -> Option<Call> {
    let root = &paths.root;
    let tree = &plan.tree;
    let mut chain = paths.entry.clone();
    let mut path_values = Vec::new();
    let mut path_params = b.path_params.iter();
    for &(parent, child) in &routes[b.handle] {
        let c = &tree.nodes[parent].children[child];
        let m = ident(&c.method);
        match &c.param {
            Some(_) => {
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
            None => chain = quote!(#chain.#m()),
        }
    }
    let models = paths.models.clone();
    let mut arguments = Vec::new();
    let mut named = Vec::new();
    let mut setters = Vec::new();
    let mut args = Vec::new();
    for f in &b.fields {
        let required = f.role == Role::Argument;
        if !required && !include(f) {
            continue;
        }
        let sampled = match f.param {
            Some(p) => {
                sample(p, plan, style).and_then(|v| Some((render(&p.ty, &v, plan, paths)?, v)))
            }
            // A whole JSON body: free-form, or a value of its model or union
            // built from the schema (decoded into the type, so the call shows it).
            None => match &f.ty {
                ArgType::Json => {
                    let v = match style {
                        Style::Plain => json!({}),
                        Style::Rich => rich_json(0),
                    };
                    Some((json_expr(&v, root), v))
                }
                ArgType::Model(n) | ArgType::Union(n) => {
                    let ty = match &f.ty {
                        ArgType::Model(_) => Type::Model(n.clone()),
                        _ => Type::Union(n.clone()),
                    };
                    let none = Constraints::default();
                    sample_of(&ty, &none, None, plan, style, 0, 0).map(|v| {
                        let (models, t, text) = (&paths.models, ident(n), v.to_string());
                        let expr =
                            quote!(#root::serde_json::from_str::<#models::#t>(#text).unwrap());
                        (expr, v)
                    })
                }
                _ => None,
            },
        };
        let Some((tokens, value)) = sampled else {
            if required {
                return None;
            }
            continue;
        };
        if required && b.params_struct.is_some() {
            let name = ident(&f.name);
            // A JSON value is rendered as the stored type already.
            let v = match &f.ty {
                ArgType::Json | ArgType::PrefixedMap(_) => tokens.clone(),
                // Only text items are rendered as another type (`&str`).
                ArgType::List(item) if !matches!(**item, ArgType::String) => {
                    quote!(Vec::from(#tokens))
                }
                t => rust::render(t, &models).convert.apply_to(&tokens),
            };
            named.push(quote!(#name: #v));
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
    let terminal = if matches!(b.output, Output::List { .. }) {
        let limit = limit.map(|n| {
            let n = proc_macro2::Literal::usize_unsuffixed(n);
            quote!(.limit(#n))
        });
        quote!(#limit.page().await.map(drop))
    } else {
        quote!(.send().await.map(drop))
    };
    let expr = quote!(#chain #verb #(#setters)* #terminal);
    let mut values = path_values.into_iter();
    let path = b
        .op
        .path
        .segments
        .iter()
        .map(|s| match s {
            crate::ir::Segment::Literal(l) => Some(l.clone()),
            crate::ir::Segment::Param { suffix, .. } => Some(format!("{}{suffix}", values.next()?)),
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Call {
        expr,
        chain,
        verb,
        setters,
        path: format!("/{}", path.join("/")),
        args,
    })
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
    use super::sample_for_pattern;

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
        assert_eq!(sample_for_pattern(r"^\+[1-9]\d{1,14}$").unwrap(), "+11");
        assert_eq!(
            sample_for_pattern("^(SM|MM)[0-9a-fA-F]{32}$").unwrap(),
            format!("SM{}", "0".repeat(32))
        );
        assert_eq!(sample_for_pattern("^(A.|SK)[0-9]{32}$"), None);
        assert_eq!(
            sample_for_pattern("^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$").unwrap(),
            format!("BU{}", "0".repeat(32))
        );
        assert_eq!(sample_for_pattern("^aia_asst_.+$").unwrap(), "aia_asst_a");
        assert_eq!(sample_for_pattern("^a(b)+$"), None);
    }
}
