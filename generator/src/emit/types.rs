//! Models (structs), open enums and aliases of one API module, and the test that
//! decodes every response example.

use super::rust::{declared_type, doc_attrs, docs, ident, inner_doc_attrs, rust_type};
use crate::ir::{Alias, Api, Enum, Field, Item, Model, PageLinks, TokenLinks, Type, Union};
use crate::plan::ApiPlan;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// `src/models.rs`: every struct, enum and alias of the API.
pub fn models_file(plan: &ApiPlan<'_>) -> TokenStream {
    let api = plan.api;
    let boxed = &plan.boxed;
    let models = api.models.iter().map(|m| {
        let tokens = model(m, boxed, plan.non_exhaustive(&m.item.name));
        let paged = paged_impl(m, api);
        quote!(#tokens #paged)
    });
    let enums = api.enums.iter().map(open_enum);
    let aliases = api.aliases.iter().map(alias);
    let unions = api.unions.iter().map(|u| union(u, plan));
    let doc = inner_doc_attrs(&format!(
        "Data types of {}: response models and the enums used by requests and responses.",
        api.title
    ));
    quote! {
        #doc

        #(#models)*
        #(#enums)*
        #(#unions)*
        #(#aliases)*
    }
}

/// `impl Paged` for a list-page model: its items and its paging information.
fn paged_impl(m: &Model, api: &Api) -> TokenStream {
    let Some(page) = &m.page else { return quote!() };
    let name = ident(&m.item.name);
    let item = rust_type(&page.item);
    let Some(items) = m.fields.iter().find(|f| f.api_name == page.items_field) else {
        return quote!();
    };
    let items_name = ident(&items.name);
    let items_expr = if items.optional() {
        quote!(self.#items_name.unwrap_or_default())
    } else {
        quote!(self.#items_name)
    };
    let key = &page.items_field;
    let meta_expr = match &page.links {
        PageLinks::Meta => match m.fields.iter().find(|f| f.ty == Type::PageMeta) {
            Some(meta) => {
                let meta_name = ident(&meta.name);
                if meta.optional() {
                    quote!(self.#meta_name)
                } else {
                    quote!(Some(self.#meta_name))
                }
            }
            None => quote!(None),
        },
        PageLinks::TopLevel => {
            // The 2010 API: paging fields at the top level, URIs relative to the host.
            let this = quote!(self);
            let field = |api: &str| m.fields.iter().find(|f| f.api_name == api);
            let (page_no, page_size) = (
                number(&this, field("page")),
                count(&this, field("page_size")),
            );
            let (first, prev, next, url) = (
                text(&this, field("first_page_uri")),
                text(&this, field("previous_page_uri")),
                text(&this, field("next_page_uri")),
                text(&this, field("uri")),
            );
            quote! {
                Some(twilio_rest_runtime::PageMeta {
                    page: #page_no,
                    page_size: #page_size,
                    first_page_url: #first,
                    previous_page_url: #prev,
                    next_page_url: #next,
                    url: #url,
                    key: Some(#key.to_owned()),
                    ..Default::default()
                })
            }
        }
        PageLinks::Token(links) => token_meta(m, api, links, key),
    };
    // The meta is built before the items are moved out.
    quote! {
        impl twilio_rest_runtime::Paged for #name {
            type Item = #item;

            fn into_parts(self) -> (Vec<#item>, Option<twilio_rest_runtime::PageMeta>) {
                let meta = #meta_expr;
                (#items_expr, meta)
            }
        }
    }
}

/// The paging information of a token-paged list, from its meta model: the tokens
/// and the page size; the key is the items property.
fn token_meta(m: &Model, api: &Api, links: &TokenLinks, key: &str) -> TokenStream {
    let (Some(field), Some(meta)) = (
        m.fields.iter().find(|f| f.api_name == links.field),
        api.model(&links.model),
    ) else {
        return quote!(None);
    };
    let this = quote!(m);
    let find = |api: Option<&str>| {
        meta.fields
            .iter()
            .find(|f| Some(f.api_name.as_str()) == api)
    };
    let next = text(&this, find(Some(&links.next)));
    let previous = text(&this, find(links.previous.as_deref()));
    let page_size = count(&this, find(links.page_size.as_deref()));
    let built = quote! {
        twilio_rest_runtime::PageMeta {
            page_size: #page_size,
            next_token: #next,
            previous_token: #previous,
            key: Some(#key.to_owned()),
            ..Default::default()
        }
    };
    let name = ident(&field.name);
    if field.optional() {
        quote!(self.#name.map(|m| #built))
    } else {
        quote!({
            let m = self.#name;
            Some(#built)
        })
    }
}

/// A paging field of `this` (`self`, or a meta model) as `Option<String>`.
fn text(this: &TokenStream, field: Option<&Field>) -> TokenStream {
    let Some(f) = field else { return quote!(None) };
    let n = ident(&f.name);
    match (&f.ty, f.optional()) {
        (Type::String, true) => quote!(#this.#n),
        (Type::String, false) => quote!(Some(#this.#n)),
        (_, true) => quote!(#this.#n.map(|v| v.to_string())),
        (_, false) => quote!(Some(#this.#n.to_string())),
    }
}

/// A numeric paging field of `this` as a page size, `Option<u32>` (one out of
/// range is `None`, as `PageMeta` decodes it).
fn count(this: &TokenStream, field: Option<&Field>) -> TokenStream {
    match field {
        Some(f) if matches!(f.ty, Type::I64 | Type::I32) => {
            let n = number(this, Some(f));
            quote!(#n.and_then(|n| u32::try_from(n).ok()))
        }
        _ => quote!(None),
    }
}

/// A numeric paging field of `this` as `Option<i64>` (`None` when not a number).
fn number(this: &TokenStream, field: Option<&Field>) -> TokenStream {
    match field {
        Some(f) if matches!(f.ty, Type::I64 | Type::I32) => {
            let n = ident(&f.name);
            match (f.ty == Type::I32, f.optional()) {
                (false, true) => quote!(#this.#n),
                (true, true) => quote!(#this.#n.map(i64::from)),
                (false, false) => quote!(Some(#this.#n)),
                (true, false) => quote!(Some(i64::from(#this.#n))),
            }
        }
        _ => quote!(None),
    }
}

/// A struct; `non_exhaustive` for a model no request holds (see
/// [`ApiPlan::non_exhaustive`]).
fn model(m: &Model, boxed: &BTreeSet<(String, String)>, non_exhaustive: bool) -> TokenStream {
    let name = ident(&m.item.name);
    let doc = docs(&[m.item.doc.as_deref(), Some(&origin_note(&m.item))]);
    let all_optional = m.fields.iter().all(Field::optional);
    let default = all_optional.then(|| quote!(Default,));
    let non_exhaustive = non_exhaustive.then(|| quote!(#[non_exhaustive]));
    let fields = m.fields.iter().map(|f| {
        field(
            f,
            boxed.contains(&(m.item.name.clone(), f.api_name.clone())),
        )
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default twilio_rest_runtime::serde::Serialize, twilio_rest_runtime::serde::Deserialize)]
        #[serde(crate = "twilio_rest_runtime::serde")]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
        }
    }
}

/// "API schema `x`." for a named schema, else where the inline schema is.
fn origin_note(item: &Item) -> String {
    if item.is_component() {
        format!("API schema `{}`.", item.api_name)
    } else {
        format!("Inline schema at `{}`.", item.origin)
    }
}

fn field(f: &Field, boxed: bool) -> TokenStream {
    let name = ident(&f.name);
    let deprecated = f.deprecated.then_some("Deprecated.");
    let fallback = format!("The `{}` property.", f.api_name);
    let doc = docs(&[Some(f.doc.as_deref().unwrap_or(&fallback)), deprecated]);
    // A flattened field holds the object's own properties: never an `Option`.
    let ty = declared_type(&f.ty, boxed, f.optional() && !f.flatten);
    if f.flatten {
        return quote! {
            #doc
            #[serde(flatten)]
            pub #name: #ty,
        };
    }
    let mut serde_args: Vec<TokenStream> = Vec::new();
    // A serde rename where the Rust field name (without `r#`) is not the JSON name.
    if f.name.strip_prefix("r#").unwrap_or(&f.name) != f.api_name {
        let api = &f.api_name;
        serde_args.push(quote!(rename = #api));
    }
    let from_str = matches!(
        f.ty,
        Type::Uri | Type::DateTime | Type::DateTimeRfc2822 | Type::Date
    );
    if f.optional() {
        serde_args.push(quote!(default));
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        if let Some(helper) = match f.ty {
            Type::F64 => Some("twilio_rest_runtime::formats::opt_f64"),
            Type::I64 => Some("twilio_rest_runtime::formats::opt_i64"),
            Type::I32 => Some("twilio_rest_runtime::formats::opt_i32"),
            _ => None,
        } {
            // Twilio sends some numbers (decimals above all) as text.
            serde_args.push(quote!(deserialize_with = #helper));
        } else if from_str {
            // Twilio sends "" for an unset URL or date: read it as `None`.
            serde_args.push(quote!(
                deserialize_with = "twilio_rest_runtime::formats::opt_from_str"
            ));
        }
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    quote! {
        #doc
        #serde_attr
        pub #name: #ty,
    }
}

fn open_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.item.name);
    let doc = docs(&[
        e.item.doc.as_deref(),
        Some(&origin_note(&e.item)),
        Some("Values this crate does not know decode as [`Self::Unknown`]."),
    ]);
    let variants: Vec<_> = e.values.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| match *v {
        "" => " The empty string.".to_owned(),
        v => format!(" `{}`", v.replace('`', "'")),
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value not in the spec this crate was generated from.
            Unknown(String),
        }

        impl #name {
            /// Every value known to this crate, in spec order.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl twilio_rest_runtime::OpenEnum for #name {
            fn from_api(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            fn as_api(&self) -> &str {
                self.as_str()
            }
        }

        twilio_rest_runtime::codegen::open_enum_impls!(#name);
    }
}

/// A union as an enum: one variant per schema (models boxed: they may be large or
/// recursive) and `Other` for any value none of them describes. Decoding reads the
/// value once as JSON; the discriminator's value, when there is one and it names a
/// variant, selects that variant; otherwise the variants are tried in order (the
/// IR lists them most specific first), then `Other`. Encoding writes the variant's
/// value, with the discriminator added when the variant's schema leaves it out.
fn union(u: &Union, plan: &ApiPlan<'_>) -> TokenStream {
    let name = ident(&u.item.name);
    let doc = docs(&[
        u.item.doc.as_deref(),
        Some(&origin_note(&u.item)),
        Some("A value that none of the variants describes decodes as [`Self::Other`]."),
    ]);
    let boxed = crate::plan::variant_boxed;
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = declared_type(&v.ty, boxed(&v.ty), false);
        let vdoc = match (&u.tag, v.tags.as_slice()) {
            (Some(tag), [_, ..]) => format!(
                " `{tag}` is {}.",
                v.tags
                    .iter()
                    .map(|t| format!("`{}`", t.replace('`', "'")))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            _ => format!(" A `{}` value.", v.ty),
        };
        quote!(#[doc = #vdoc] #vname(#ty),)
    });
    let codegen = quote!(twilio_rest_runtime::codegen);
    let decode = union_decode(u);
    let encode = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        match (&u.tag, v.tags.first()) {
            (Some(tag), Some(value)) => {
                quote!(Self::#vname(v) => #codegen::serialize_tagged(v, #tag, #value, serializer),)
            }
            _ => quote!(Self::#vname(v) => twilio_rest_runtime::serde::Serialize::serialize(v, serializer),),
        }
    });
    let froms = union_froms(u, plan);
    let json = rust_type(&Type::Json);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value none of the variants describes, as received.
            Other(#json),
        }

        impl #name {
            /// Whether the value is one that none of the variants describes.
            pub fn is_other(&self) -> bool {
                matches!(self, Self::Other(_))
            }
        }

        impl<'de> twilio_rest_runtime::serde::Deserialize<'de> for #name {
            fn deserialize<D: twilio_rest_runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <#json as twilio_rest_runtime::serde::Deserialize>::deserialize(deserializer)?;
                #decode
                Ok(Self::Other(value))
            }
        }

        impl twilio_rest_runtime::serde::Serialize for #name {
            fn serialize<S: twilio_rest_runtime::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::Other(v) => twilio_rest_runtime::serde::Serialize::serialize(v, serializer),
                }
            }
        }

        #froms
    }
}

/// The body of a union's `deserialize` after reading `value`: the variant the
/// discriminator names, if any, else the first untagged variant that decodes.
fn union_decode(u: &Union) -> TokenStream {
    let codegen = quote!(twilio_rest_runtime::codegen);
    let boxed = crate::plan::variant_boxed;
    let tagged = u.tag.as_ref().map(|tag| {
        let arms = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
            let vname = ident(&v.name);
            let label = format!("`{}` variant of `{}`", v.name, u.item.name);
            let conds = v.tags.iter().map(|t| quote!(tag == Some(#t)));
            let cond = conds.reduce(|a, b| quote!(#a || #b));
            quote! {
                if #cond {
                    return #codegen::decode_variant(&value, #label).map(Self::#vname);
                }
            }
        });
        quote! {
            let tag = #codegen::tag_of(&value, #tag);
            #(#arms)*
        }
    });
    // A nested union decodes anything (as its `Other`): it matches only when one
    // of its own variants does.
    let untagged = u.variants.iter().filter(|v| v.tags.is_empty()).map(|v| {
        let vname = ident(&v.name);
        let ty = declared_type(&v.ty, boxed(&v.ty), false);
        let filter = matches!(v.ty, Type::Union(_)).then(|| quote!(.filter(|v| !v.is_other())));
        quote! {
            if let Some(v) = #codegen::try_variant::<#ty>(&value) #filter {
                return Ok(Self::#vname(v));
            }
        }
    });
    quote! {
        #tagged
        #(#untagged)*
    }
}

/// `From` each variant's value where the plan says so (its Rust type is unique).
fn union_froms(u: &Union, plan: &ApiPlan<'_>) -> TokenStream {
    let name = ident(&u.item.name);
    let boxed = crate::plan::variant_boxed;
    let froms = u
        .variants
        .iter()
        .filter(|v| super::rust::union_from(plan, u, v))
        .map(|v| {
            let vname = ident(&v.name);
            let ty = rust_type(&v.ty);
            let wrap = if boxed(&v.ty) {
                quote!(Box::new(value))
            } else {
                quote!(value)
            };
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#vname(#wrap)
                    }
                }
            }
        });
    quote!(#(#froms)*)
}

fn alias(a: &Alias) -> TokenStream {
    let name = ident(&a.item.name);
    let doc = docs(&[a.item.doc.as_deref(), Some(&origin_note(&a.item))]);
    let ty = rust_type(&a.ty);
    quote! {
        #doc
        pub type #name = #ty;
    }
}

/// The JSON paths (`/items/0/extra`) of `value` that the schema of `ty` does not
/// declare: the generated models ignore them, so the examples test expects exactly
/// these to be dropped. `null` and `""` count as unset.
fn undeclared(
    value: &serde_json::Value,
    ty: &Type,
    plan: &ApiPlan<'_>,
    path: &str,
    out: &mut Vec<String>,
) {
    let api = plan.api;
    use serde_json::Value;
    match (ty, value) {
        (Type::Alias(a), _) => {
            if let Some(t) = plan.aliases.get(a.as_str()) {
                undeclared(value, t, plan, path, out);
            }
        }
        (Type::Nullable(t), _) => undeclared(value, t, plan, path, out),
        (Type::Union(u), _) => {
            let Some(u) = api.union_named(u) else { return };
            if let Some(v) = chosen_variant(value, u, plan) {
                let mut inner = Vec::new();
                undeclared(value, &v.ty, plan, path, &mut inner);
                // A tagged variant is encoded with its tag, declared or not.
                if let (Some(tag), false) = (&u.tag, v.tags.is_empty()) {
                    let at = format!("{path}/{tag}");
                    inner.retain(|p| *p != at);
                }
                out.extend(inner);
            }
        }
        (Type::Model(m), Value::Object(obj)) => {
            let Some(model) = api.model(m) else {
                return;
            };
            // Properties no field names go to the variant part, if there is one.
            let variant = model.fields.iter().find(|f| f.flatten);
            let mut rest = serde_json::Map::new();
            for (k, v) in obj {
                let named = model.fields.iter().find(|f| f.api_name == *k && !f.flatten);
                if variant.is_some() && named.is_none() {
                    rest.insert(k.clone(), v.clone());
                    continue;
                }
                if v.is_null() || v.as_str() == Some("") {
                    continue;
                }
                let here = format!("{path}/{k}");
                match named {
                    Some(f) => undeclared(v, &f.ty, plan, &here, out),
                    None => out.push(here),
                }
            }
            if let Some(f) = variant {
                undeclared(&Value::Object(rest), &f.ty, plan, path, out);
            }
        }
        (Type::Array(t), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                undeclared(v, t, plan, &format!("{path}/{i}"), out);
            }
        }
        (Type::Map(t), Value::Object(obj)) => {
            for (k, v) in obj {
                undeclared(v, t, plan, &format!("{path}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// The variant of `u` that the generated decoder picks for `value`, judged by the
/// value's shape: the tagged variant its discriminator names, else the first
/// variant (in trying order) whose type the value has, a model only when every
/// non-optional field is present. `None` for `Other`.
fn chosen_variant<'u>(
    value: &serde_json::Value,
    u: &'u Union,
    plan: &ApiPlan<'_>,
) -> Option<&'u crate::ir::Variant> {
    if let Some(tag) = u
        .tag
        .as_ref()
        .and_then(|t| value.get(t))
        .and_then(|t| t.as_str())
    {
        if let Some(v) = u.variants.iter().find(|v| v.tags.iter().any(|t| t == tag)) {
            return Some(v);
        }
    }
    u.variants
        .iter()
        .filter(|v| v.tags.is_empty())
        .find(|v| fits(value, &v.ty, plan))
}

/// Whether `value` has the shape of `ty` (see [`chosen_variant`]).
fn fits(value: &serde_json::Value, ty: &Type, plan: &ApiPlan<'_>) -> bool {
    use serde_json::Value;
    match (plan.resolve(ty), value) {
        (Type::Nullable(t), v) => v.is_null() || fits(v, t, plan),
        (Type::Model(m), Value::Object(obj)) => plan.api.model(m).is_some_and(|m| {
            m.fields.iter().all(|f| {
                f.optional() || f.flatten || obj.get(&f.api_name).is_some_and(|v| !v.is_null())
            })
        }),
        (Type::Union(u), v) => plan
            .api
            .union_named(u)
            .is_some_and(|u| chosen_variant(v, u, plan).is_some()),
        (Type::Json | Type::PrefixedMap(_), _) => true,
        (Type::Array(_), Value::Array(_)) | (Type::Map(_), Value::Object(_)) => true,
        (Type::Bool, Value::Bool(_)) => true,
        (Type::I32 | Type::I64, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Type::F64, Value::Number(_)) => true,
        (
            Type::String
            | Type::Enum(_)
            | Type::Uri
            | Type::DateTime
            | Type::Date
            | Type::DateTimeRfc2822,
            Value::String(_),
        ) => true,
        _ => false,
    }
}

/// `tests/response_examples.rs`: each response example of each spec decodes into
/// its model and loses none of its fields on the way.
pub fn examples_test(plan: &ApiPlan<'_>, refs: &super::ApiRefs) -> TokenStream {
    let krate = &refs.path;
    let test = {
        let api = plan.api;
        let test_name = ident(&format!("{}_response_examples_decode", api.module));
        let mut cases = Vec::new();
        for op in &api.operations {
            for r in &op.responses {
                let Some(ty) = &r.ty else { continue };
                if !matches!(
                    ty,
                    Type::Model(_)
                        | Type::Alias(_)
                        | Type::Array(_)
                        | Type::Map(_)
                        | Type::Enum(_)
                        | Type::Union(_)
                ) {
                    continue;
                }
                let rust = rust_type(ty);
                for ex in &r.examples {
                    let label = format!("{} {} `{}`", op.id, r.status, ex.name);
                    let json = ex.value.to_string();
                    let mut dropped = Vec::new();
                    undeclared(&ex.value, ty, plan, "", &mut dropped);
                    dropped.sort();
                    cases.push(
                        quote! { (#label, #json, &[#(#dropped),*], twilio_rest_runtime::test_support::check::<#rust>), },
                    );
                }
            }
        }
        let count = cases.len();
        let doc = doc_attrs(&format!(
            "{count} response examples of `{}`.",
            api.spec_file
        ));
        quote! {
            #doc
            #[test]
            fn #test_name() {
                #[allow(unused_imports)]
                use #krate::models::*;
                let cases: &[twilio_rest_runtime::test_support::Case] = &[#(#cases)*];
                twilio_rest_runtime::test_support::run(cases);
            }
        }
    };
    quote! {
        //! Every response example in the spec whose declared type is a model, alias,
        //! list, map or enum decodes into its generated type, and no field of the
        //! example is lost in the round trip.

        #test
    }
}
