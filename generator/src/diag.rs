//! Diagnostics: every problem in a spec is reported with the spec file and a JSON
//! pointer into it (or a line and column for syntax errors).

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The construct was skipped; the output is still usable.
    Warning,
    /// The spec cannot be generated.
    Error,
}

/// Where in a spec file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer such as `#/paths/~1v1~1Services/post`.
    Pointer(String),
    /// A 1-based line and column (syntax errors).
    LineCol(usize, usize),
    /// The file as a whole.
    File,
}

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The spec file name, as given to the loader.
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// An error at a JSON pointer.
    pub fn error(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            location: Location::Pointer(pointer.to_string()),
            message: message.into(),
        }
    }

    /// A warning at a JSON pointer.
    pub fn warning(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pointer, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match &self.location {
            Location::Pointer(p) => write!(f, "{sev}: {}{p}: {}", self.file, self.message),
            Location::LineCol(l, c) => write!(f, "{sev}: {}:{l}:{c}: {}", self.file, self.message),
            Location::File => write!(f, "{sev}: {}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for Diagnostic {}

/// A list of diagnostics that together make a run fail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// A failure inside the generator after the spec was accepted (a generator bug,
/// not a spec problem): the plan or the emitter found the IR inconsistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalError {
    /// What was being produced (a file, an API module).
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "internal error while generating {}: {}",
            self.file, self.message
        )
    }
}

impl std::error::Error for InternalError {}

/// A JSON pointer being built while walking a spec (RFC 6901 escaping).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(Vec<String>);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer(Vec::new())
    }

    /// This pointer with one more segment.
    pub fn push(&self, segment: impl fmt::Display) -> Self {
        let mut v = self.0.clone();
        v.push(segment.to_string());
        Pointer(v)
    }

    /// Parses a local `$ref` such as `#/components/schemas/x`.
    pub fn parse_ref(r: &str) -> Option<Self> {
        let rest = r.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Pointer::root());
        }
        let rest = rest.strip_prefix('/')?;
        Some(Pointer(
            rest.split('/')
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect(),
        ))
    }

    /// The unescaped segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

impl serde::Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#")?;
        for s in &self.0 {
            write!(f, "/{}", s.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_and_parses() {
        let p = Pointer::root()
            .push("paths")
            .push("/v1/Services")
            .push("post");
        assert_eq!(p.to_string(), "#/paths/~1v1~1Services/post");
        assert_eq!(Pointer::parse_ref(&p.to_string()), Some(p));
        assert_eq!(Pointer::root().push("a~b").to_string(), "#/a~0b");
        assert_eq!(Pointer::parse_ref("other.yaml#/x"), None);
    }
}
