//! The hand-written core every generated TwiML crate carries (`src/xml.rs`): the
//! generic element tree, its writer (escaping as twilio-node's xmlbuilder 13 does)
//! and the open-enum macro. Emitted as tokens, so it is formatted like the rest.

use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of `src/xml.rs`.
pub fn tokens() -> TokenStream {
    let element = element();
    let writer = writer();
    let open_enum = open_enum();
    quote! {
        //! The element tree behind every TwiML type and its XML writer.

        use std::fmt;

        #element
        #writer
        #open_enum
    }
}

/// `Element`: the generic element tree, built by every typed element.
fn element() -> TokenStream {
    quote! {
        /// Any XML element: the escape hatch for an element or attribute this crate
        /// does not know yet, and what every typed element converts into.
        ///
        /// Attributes keep the order they were first set in; setting one again
        /// replaces its value in place.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Element {
            tag: String,
            attrs: Vec<(String, String)>,
            children: Vec<Node>,
        }

        #[derive(Debug, Clone, PartialEq, Eq)]
        enum Node {
            Element(Element),
            Text(String),
            Comment(String),
        }

        impl Element {
            /// An element named `tag`, written as given.
            pub fn new(tag: impl Into<String>) -> Self {
                Element { tag: tag.into(), attrs: Vec::new(), children: Vec::new() }
            }

            /// Sets the attribute `name` (any name, written as given).
            pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.set(name.into(), value.into());
                self
            }

            /// Appends text after the element's current content.
            pub fn add_text(mut self, text: impl Into<String>) -> Self {
                self.children.push(Node::Text(text.into()));
                self
            }

            /// Appends a child element (any element, typed or not).
            pub fn add_child(mut self, child: impl Into<Element>) -> Self {
                self.children.push(Node::Element(child.into()));
                self
            }

            /// The element's name.
            pub fn tag(&self) -> &str {
                &self.tag
            }

            /// The value of the attribute `name`, if set.
            pub fn get_attr(&self, name: &str) -> Option<&str> {
                self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
            }

            pub(crate) fn set(&mut self, name: String, value: String) {
                match self.attrs.iter_mut().find(|(k, _)| *k == name) {
                    Some(slot) => slot.1 = value,
                    None => self.attrs.push((name, value)),
                }
            }

            pub(crate) fn push_comment(&mut self, text: String) {
                self.children.push(Node::Comment(text));
            }

            fn write(&self, out: &mut String) {
                out.push('<');
                out.push_str(&self.tag);
                for (name, value) in &self.attrs {
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    escape_attr(out, value);
                    out.push('"');
                }
                // Only empty text inside: written as an empty element, as xmlbuilder does.
                if self.children.iter().all(|c| matches!(c, Node::Text(t) if t.is_empty())) {
                    out.push_str("/>");
                    return;
                }
                out.push('>');
                for child in &self.children {
                    match child {
                        Node::Element(e) => e.write(out),
                        Node::Text(t) => escape_text(out, t),
                        Node::Comment(c) => comment(out, c),
                    }
                }
                out.push_str("</");
                out.push_str(&self.tag);
                out.push('>');
            }
        }
    }
}

/// The XML writer: `Display` for an element, the whole document, escaping.
fn writer() -> TokenStream {
    quote! {
        /// The element alone, without the XML declaration.
        impl fmt::Display for Element {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut out = String::new();
                self.write(&mut out);
                f.write_str(&out)
            }
        }

        /// A whole document: the declaration, comments before, `<Response>`, and
        /// comments after (the last added first, as twilio-node places them).
        pub(crate) fn document(
            f: &mut fmt::Formatter<'_>,
            root: &Element,
            before: &[String],
            after: &[String],
        ) -> fmt::Result {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            for c in before {
                comment(&mut out, c);
            }
            root.write(&mut out);
            for c in after.iter().rev() {
                comment(&mut out, c);
            }
            f.write_str(&out)
        }

        /// Characters XML 1.0 does not allow are written as U+FFFD.
        fn legal(c: char) -> char {
            match c {
                '\t' | '\n' | '\r' => c,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
                c => c,
            }
        }

        fn escape_text(out: &mut String, text: &str) {
            for c in text.chars().map(legal) {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '\r' => out.push_str("&#xD;"),
                    c => out.push(c),
                }
            }
        }

        fn escape_attr(out: &mut String, value: &str) {
            for c in value.chars().map(legal) {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '"' => out.push_str("&quot;"),
                    '\t' => out.push_str("&#x9;"),
                    '\n' => out.push_str("&#xA;"),
                    '\r' => out.push_str("&#xD;"),
                    c => out.push(c),
                }
            }
        }

        /// `<!-- text -->`; `--`, which a comment may not hold, is written `- -`.
        fn comment(out: &mut String, text: &str) {
            let mut text: String = text.chars().map(legal).collect();
            while text.contains("--") {
                text = text.replace("--", "- -");
            }
            out.push_str("<!-- ");
            out.push_str(&text);
            out.push_str(" -->");
        }

        /// A space-separated list, as TwiML writes several values.
        pub(crate) fn join<T: fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
            values.into_iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
        }
    }
}

/// The `open_enum!` macro behind TwiML's enumerated attribute values.
fn open_enum() -> TokenStream {
    quote! {
        /// An open enum: the values TwiML documents, and `Unknown` for any other,
        /// sent as written.
        macro_rules! open_enum {
            ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
                $(#[$meta])*
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum $name {
                    $(#[doc = concat!("`", $value, "`")] $variant,)*
                    /// A value this crate does not know yet, sent as written.
                    Unknown(String),
                }

                impl $name {
                    /// The value as TwiML spells it.
                    pub fn as_str(&self) -> &str {
                        match self {
                            $(Self::$variant => $value,)*
                            Self::Unknown(v) => v,
                        }
                    }
                }

                impl From<&str> for $name {
                    fn from(value: &str) -> Self {
                        match value {
                            $($value => Self::$variant,)*
                            other => Self::Unknown(other.to_owned()),
                        }
                    }
                }

                impl From<String> for $name {
                    fn from(value: String) -> Self {
                        Self::from(value.as_str())
                    }
                }

                impl std::fmt::Display for $name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            };
        }
    }
}
