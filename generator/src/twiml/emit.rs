//! Renders the TwiML IR ([`super::model`]) as the files of a crate: one module per
//! document, typed builders for every element, open enums, and the differential
//! test's dispatcher (`tests/differential/dispatch.rs`) with the definition it was
//! made from (`tests/differential/definition.json`).

use super::model::{Attribute, Child, Document, Element, Kind, Twiml};
use crate::docs::sanitize;
use crate::emit::rust::{doc_attrs, ident, inner_doc_attrs};
use proc_macro2::TokenStream;
use quote::quote;

/// Attribute setters' docs: the definition's, then the XML name.
fn attr_doc(a: &Attribute) -> String {
    let what = a.doc.as_deref().map(sanitize).unwrap_or_default();
    let list = if a.list {
        " Several values are written space-separated."
    } else {
        ""
    };
    format!("{what}\n\n`{}` attribute.{list}", a.name)
        .trim_start()
        .to_owned()
}

fn element_doc(e: &Element) -> String {
    let what = e.doc.as_deref().map(sanitize).unwrap_or_default();
    format!("{what}\n\nWrites `<{}>`.", e.tag)
        .trim_start()
        .to_owned()
}

/// The setter of one attribute, by its value type.
fn setter(doc: &Document, a: &Attribute) -> TokenStream {
    let name = ident(&a.setter);
    let xml = &a.name;
    let docs = doc_attrs(&attr_doc(a));
    let enum_ty = |n: &str| {
        let e = doc
            .enums
            .iter()
            .find(|e| e.name == n)
            .map(|e| e.rust.clone())
            .unwrap_or_default();
        let t = ident(&e);
        quote!(#t)
    };
    let (arg, value) = match (&a.kind, a.list) {
        (Kind::String, false) => (quote!(value: impl Into<String>), quote!(value.into())),
        (Kind::String, true) => (
            quote!(values: impl IntoIterator<Item = impl Into<String>>),
            quote!(crate::xml::join(
                values.into_iter().map(Into::<String>::into)
            )),
        ),
        (Kind::Integer, false) => (quote!(value: u32), quote!(value.to_string())),
        (Kind::Integer, true) => (
            quote!(values: impl IntoIterator<Item = u32>),
            quote!(crate::xml::join(values)),
        ),
        (Kind::Boolean, false) => (quote!(value: bool), quote!(value.to_string())),
        (Kind::Boolean, true) => (
            quote!(values: impl IntoIterator<Item = bool>),
            quote!(crate::xml::join(values)),
        ),
        (Kind::Enum(n), false) => {
            let t = enum_ty(n);
            (
                quote!(value: impl Into<#t>),
                quote!(value.into().as_str().to_owned()),
            )
        }
        (Kind::Enum(n), true) => {
            let t = enum_ty(n);
            (
                quote!(values: impl IntoIterator<Item = impl Into<#t>>),
                quote!(crate::xml::join(values.into_iter().map(Into::<#t>::into))),
            )
        }
    };
    quote! {
        #docs
        pub fn #name(mut self, #arg) -> Self {
            self.element.set(#xml.to_owned(), #value);
            self
        }
    }
}

fn child_adder(c: &Child) -> TokenStream {
    let m = ident(&c.method);
    let t = ident(&c.rust);
    let doc_attrs = doc_attrs(&format!("Appends a [`{}`].", c.rust));
    quote! {
        #doc_attrs
        pub fn #m(mut self, child: #t) -> Self {
            self.element = self.element.add_child(child);
            self
        }
    }
}

/// The methods every element and response has: the escape hatches.
fn escape_hatches() -> TokenStream {
    quote! {
        /// Sets any attribute, known to this crate or not (the value as written).
        pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.element = self.element.attr(name, value);
            self
        }

        /// Appends text after the current content.
        pub fn add_text(mut self, text: impl Into<String>) -> Self {
            self.element = self.element.add_text(text);
            self
        }

        /// Appends any element: one this crate does not know yet
        /// ([`Element`](crate::Element)), or a typed one where the definition does not
        /// place it.
        pub fn add_child(mut self, child: impl Into<crate::Element>) -> Self {
            self.element = self.element.add_child(child);
            self
        }
    }
}

fn element(doc: &Document, e: &Element) -> TokenStream {
    let t = ident(&e.rust);
    let tag = &e.tag;
    let docs = doc_attrs(&element_doc(e));
    let with_text = e.text.as_ref().map(|text| {
        doc_attrs(&format!(
            "`<{tag}>` with its {}{}.",
            text.name,
            text.doc
                .as_deref()
                .map(|d| format!(" ({})", sanitize(d)))
                .unwrap_or_default()
        ))
    });
    let empty = doc_attrs(&format!("An empty `<{tag}>`."));
    let new_empty = quote! {
        #empty
        pub fn new() -> Self {
            #t { element: crate::Element::new(#tag) }
        }
    };
    // `Default` where `new()` takes nothing.
    let default = quote! {
        impl Default for #t {
            fn default() -> Self {
                Self::new()
            }
        }
    };
    let (constructors, default) = match &e.text {
        Some(text) if text.required => (
            quote! {
                #with_text
                pub fn new(text: impl Into<String>) -> Self {
                    #t { element: crate::Element::new(#tag).add_text(text) }
                }
            },
            quote!(),
        ),
        Some(text) => {
            let with = ident(&text.with);
            (
                quote! {
                    #new_empty

                    #with_text
                    pub fn #with(text: impl Into<String>) -> Self {
                        #t { element: crate::Element::new(#tag).add_text(text) }
                    }
                },
                default,
            )
        }
        None => (new_empty, default),
    };
    let setters = e.attributes.iter().map(|a| setter(doc, a));
    let adders = e.children.iter().map(child_adder);
    let hatches = escape_hatches();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #t {
            element: crate::Element,
        }

        impl #t {
            #constructors
            #(#setters)*
            #(#adders)*
            #hatches
        }

        #default

        impl From<#t> for crate::Element {
            fn from(e: #t) -> Self {
                e.element
            }
        }

        /// The element alone, without the XML declaration.
        impl std::fmt::Display for #t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.element.fmt(f)
            }
        }
    }
}

fn response(d: &Document) -> TokenStream {
    let t = ident(&d.response);
    let what = d.doc.as_deref().map(sanitize).unwrap_or_default();
    let docs = doc_attrs(&format!(
        "{what}\n\nA whole TwiML document: `to_string()` gives the XML, declaration included, \
         as twilio-node's `{}` writes it.",
        d.response
    ));
    let adders = d.children.iter().map(child_adder);
    let hatches = escape_hatches();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #t {
            element: crate::Element,
            before: Vec<String>,
            after: Vec<String>,
        }

        impl Default for #t {
            fn default() -> Self {
                Self::new()
            }
        }

        impl #t {
            /// An empty `<Response>`.
            pub fn new() -> Self {
                #t { element: crate::Element::new("Response"), before: Vec::new(), after: Vec::new() }
            }

            #(#adders)*
            #hatches

            /// Appends an XML comment inside `<Response>`.
            pub fn comment(mut self, text: impl Into<String>) -> Self {
                self.element.push_comment(text.into());
                self
            }

            /// Adds an XML comment before `<Response>` (after the earlier ones).
            pub fn comment_before(mut self, text: impl Into<String>) -> Self {
                self.before.push(text.into());
                self
            }

            /// Adds an XML comment right after `<Response>` (so before the earlier ones,
            /// as twilio-node places them).
            pub fn comment_after(mut self, text: impl Into<String>) -> Self {
                self.after.push(text.into());
                self
            }
        }

        /// The whole document, XML declaration included.
        impl std::fmt::Display for #t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::xml::document(f, &self.element, &self.before, &self.after)
            }
        }
    }
}

/// The module of one document.
pub fn module(d: &Document) -> TokenStream {
    let doc = inner_doc_attrs(&format!(
        "`{}`: {} and its elements.",
        d.response,
        d.doc.as_deref().map(sanitize).unwrap_or_default()
    ));
    let enums = d.enums.iter().map(|e| {
        let t = ident(&e.rust);
        let variants = e.variants.iter().map(|(v, value)| {
            let v = ident(v);
            quote!(#v = #value)
        });
        let d_attrs = doc_attrs(&format!("Values of `{}`.", e.name));
        quote! {
            open_enum! {
                #d_attrs
                #t { #(#variants),* }
            }
        }
    });
    let response = response(d);
    let elements = d.elements.iter().map(|e| element(d, e));
    quote! {
        #doc
        // Element methods are named as TwiML names the elements (`<sub>`: `sub`).
        #![allow(clippy::should_implement_trait)]
        #response
        #(#elements)*
        #(#enums)*
    }
}

/// `src/lib.rs`: the crate docs (the guide), the core and one module per document.
pub fn lib_rs(twiml: &Twiml, description: &str, guide: &str) -> TokenStream {
    let mut text = format!("{description}\n\nOne module per TwiML document:\n");
    for d in &twiml.documents {
        text.push_str(&format!(
            "\n- [`{}`], with [`{}`]({}::{})",
            d.module, d.response, d.module, d.response
        ));
    }
    text.push_str("\n\n");
    text.push_str(guide.trim());
    let doc = inner_doc_attrs(&text);
    let modules = twiml.documents.iter().map(|d| {
        let m = ident(&d.module);
        quote!(pub mod #m;)
    });
    quote! {
        #doc
        #[macro_use]
        mod xml;
        pub use xml::Element;
        #(#modules)*
    }
}

/// `tests/differential/dispatch.rs`: builds each document of a differential case
/// through the typed API. It uses helpers the including test defines: `text`,
/// `attrs`, `children`, `method`, `int`, `ints`, `string`, `strings`, `boolean`,
/// `booleans`, `plain` and `generic`.
pub fn dispatcher(twiml: &Twiml, krate: &str) -> TokenStream {
    let k = ident(krate);
    let mut fns = Vec::new();
    let mut arms = Vec::new();
    for d in &twiml.documents {
        let m = ident(&d.module);
        fns.extend(d.elements.iter().map(|e| element_builder(d, e)));
        let r = ident(&d.response);
        let root = ident(&d.test_fn);
        let kids = child_arms(d, &d.children);
        fns.push(quote! {
            fn #root(node: &Value) -> #m::#r {
                let mut e = #m::#r::new();
                for child in children(node) {
                    e = match method(child) {
                        #(#kids)*
                        "#text" => e.add_text(text(child).unwrap_or_default()),
                        "#child" => e.add_child(generic(child)),
                        "#comment" => e.comment(text(child).unwrap_or_default()),
                        "#comment_before" => e.comment_before(text(child).unwrap_or_default()),
                        "#comment_after" => e.comment_after(text(child).unwrap_or_default()),
                        other => panic!("no `{other}` in this response"),
                    };
                }
                e
            }
        });
        let module = &d.module;
        arms.push(quote!(#module => #root(node).to_string(),));
    }
    let mods = twiml.documents.iter().map(|d| ident(&d.module));
    quote! {
        use #k::{#(#mods),*};

        /// The XML of a differential case's document, built through the typed API.
        pub fn build(document: &str, node: &Value) -> String {
            match document {
                #(#arms)*
                other => panic!("no document `{other}`"),
            }
        }

        #(#fns)*
    }
}

/// The dispatcher's builder function of element `id` of `d`.
fn builder_fn(d: &Document, id: &str) -> proc_macro2::Ident {
    let e = d.elements.iter().find(|e| e.id == id);
    ident(e.map_or("", |e| e.test_fn.as_str()))
}

/// The dispatcher's match arms adding `children` (by their twilio-node method).
fn child_arms(d: &Document, children: &[Child]) -> Vec<TokenStream> {
    children
        .iter()
        .map(|c| {
            let js = &c.js_method;
            let adder = ident(&c.method);
            let f = builder_fn(d, &c.id);
            quote!(#js => e.#adder(#f(child)),)
        })
        .collect()
}

/// The dispatcher's function building element `e` of `d` from a case's node: its
/// text, its attributes through their setters, its children through their adders.
fn element_builder(d: &Document, e: &Element) -> TokenStream {
    let m = ident(&d.module);
    let t = ident(&e.rust);
    let f = builder_fn(d, &e.id);
    let new = match &e.text {
        Some(text) if text.required => quote!(#m::#t::new(text(node).unwrap_or_default())),
        Some(text) => {
            let with = ident(&text.with);
            quote!(match text(node) { Some(t) => #m::#t::#with(t), None => #m::#t::new() })
        }
        None => quote!(#m::#t::new()),
    };
    let attr_arms = e.attributes.iter().map(|a| {
        let name = &a.name;
        let s = ident(&a.setter);
        let value = match (&a.kind, a.list) {
            (Kind::Integer, false) => quote!(int(value)),
            (Kind::Integer, true) => quote!(ints(value)),
            (Kind::Boolean, false) => quote!(boolean(value)),
            (Kind::Boolean, true) => quote!(booleans(value)),
            (_, false) => quote!(string(value)),
            (_, true) => quote!(strings(value)),
        };
        quote!(#name => e.#s(#value),)
    });
    let kids = child_arms(d, &e.children);
    quote! {
        // Elements without attributes match only the escape hatch.
        #[allow(clippy::match_single_binding)]
        fn #f(node: &Value) -> #m::#t {
            let mut e = #new;
            for (name, value) in attrs(node) {
                e = match name.as_str() {
                    #(#attr_arms)*
                    _ => e.attr(name, plain(value)),
                };
            }
            for child in children(node) {
                e = match method(child) {
                    #(#kids)*
                    "#text" => e.add_text(text(child).unwrap_or_default()),
                    "#child" => e.add_child(generic(child)),
                    other => panic!("no `{other}` in this element"),
                };
            }
            e
        }
    }
}
