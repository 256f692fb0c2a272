//! The minijinja templates of the generated crates' non-Rust files (`Cargo.toml`,
//! README, the guide in the crate docs). They are input: the xtask reads them from
//! the repository's `templates/` (or a maintainer's folder) and passes them in.

use std::collections::BTreeMap;

/// Templates by name: the file's path in the templates folder without `.j2`
/// (`Cargo.toml`, `api-README.md`, `twiml/guide.md`; see [`Templates::REQUIRED`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates(BTreeMap<String, String>);

impl Templates {
    /// The names the generator renders.
    pub const REQUIRED: &'static [&'static str] = &[
        "Cargo.toml",
        "README.md",
        "api-Cargo.toml",
        "api-README.md",
        "guide.md",
        "twiml/Cargo.toml",
        "twiml/README.md",
        "twiml/guide.md",
    ];

    /// No templates.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the template `name`.
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<String>) {
        self.0.insert(name.into(), text.into());
    }

    /// The text of the template `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The template names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Templates {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Templates(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}
