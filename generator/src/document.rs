//! A document's text → its value, before it is read as anything: YAML, or JSON
//! for a file whose name ends in `.json`, with UTF-8, syntax (line:col), alias
//! expansion and nesting depth checked. Specs ([`crate::load`]), overlays
//! ([`crate::overlay`]) and the TwiML definition ([`crate::twiml`]) are read
//! through it, so each gets the same checks and positions.

use crate::diag::{Diagnostic, Location, Pointer, Severity};

/// Text (YAML, or JSON for `*.json`) → YAML value: UTF-8, syntax (line:col), alias
/// expansion ([`budgeted_yaml`]) and nesting depth checked. Overlays and the TwiML
/// definition ([`crate::twiml`]) are read through it too.
pub(crate) fn parse_value(file: &str, bytes: &[u8]) -> Result<yaml_serde::Value, Diagnostic> {
    let err = |location, message: String| Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        location,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        err(
            Location::LineCol(line, col),
            format!("the file is not valid UTF-8: {e}"),
        )
    })?;
    let value: yaml_serde::Value = if file.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| {
            err(
                Location::LineCol(e.line(), e.column()),
                format!("invalid JSON: {e}"),
            )
        })?
    } else {
        budgeted_yaml(text).map_err(|e| {
            let location = match e.location() {
                Some(l) => Location::LineCol(l.line(), l.column()),
                None => Location::File,
            };
            err(location, format!("invalid YAML: {e}"))
        })?
    };
    check_depth(file, &value)?;
    Ok(value)
}

/// Typed deserialization recurses deeply per level; bound the depth first so no
/// input can overflow the stack.
pub(crate) fn check_depth(file: &str, value: &yaml_serde::Value) -> Result<(), Diagnostic> {
    match too_deep(value) {
        Some(pointer) => Err(Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            location: Location::Pointer(pointer.to_string()),
            message: format!("the document nests deeper than {MAX_NESTING} levels"),
        }),
        None => Ok(()),
    }
}

/// The JSON pointer of a deserialization path.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |p, seg| match seg {
        Segment::Seq { index } => p.push(index),
        Segment::Map { key } => p.push(key),
        Segment::Enum { variant } => p.push(variant),
        Segment::Unknown => p,
    })
}

/// How many units a YAML document may expand to per byte of its text: each node
/// costs one unit, each string or key also its length. Without aliases a document
/// stays below two (a node takes at least a byte of text, or two for an implied
/// null in a flow mapping; an escape never decodes to more bytes than it is long
/// plus one); only aliases that replay content can exceed it.
const UNITS_PER_BYTE: usize = 2;

/// Units any document may use whatever its size, so small hand-written specs that
/// reuse an anchor a few times pass.
const MIN_UNITS: usize = 64 * 1024;

/// Parses YAML into a value, refusing a document whose aliases expand it beyond
/// [`UNITS_PER_BYTE`] per byte of text (an alias bomb) as soon as it does, so time
/// and memory stay proportional to the text. `yaml_serde` offers no such limit of
/// its own (only a repetition count far above what memory allows). The error has
/// the line and column where the budget ran out.
fn budgeted_yaml(text: &str) -> Result<yaml_serde::Value, yaml_serde::Error> {
    use serde::de::DeserializeSeed;
    let budget = std::cell::Cell::new(
        text.len()
            .saturating_mul(UNITS_PER_BYTE)
            .saturating_add(MIN_UNITS),
    );
    Budgeted(&budget).deserialize(yaml_serde::Deserializer::from_str(text))
}

/// A YAML value read against a shared budget of units.
#[derive(Clone, Copy)]
struct Budgeted<'b>(&'b std::cell::Cell<usize>);

impl Budgeted<'_> {
    /// Takes `units` from the budget, or fails once it is spent.
    fn spend<E: serde::de::Error>(self, units: usize) -> Result<(), E> {
        match self.0.get().checked_sub(units.saturating_add(1)) {
            Some(left) => {
                self.0.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "YAML aliases expand the document to more than twice its size; \
                 refused as an alias bomb (use `$ref` to share content)",
            )),
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Budgeted<'_> {
    type Value = yaml_serde::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Budgeted<'_> {
    type Value = yaml_serde::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.spend(0)?;
        Ok(yaml_serde::Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.spend(0)?;
        Ok(yaml_serde::Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.spend(0)?;
        Ok(yaml_serde::Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.spend(0)?;
        Ok(yaml_serde::Value::Number(v.into()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.spend(v.len())?;
        Ok(yaml_serde::Value::String(v.to_owned()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.spend(0)?;
        Ok(yaml_serde::Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.spend(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(yaml_serde::Value::Sequence(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        self.spend(0)?;
        let mut mapping = yaml_serde::Mapping::new();
        while let Some(key) = map.next_key_seed(self)? {
            if mapping.contains_key(&key) {
                let key = match &key {
                    yaml_serde::Value::String(s) => format!("with key {s:?}"),
                    _ => "in YAML map".to_owned(),
                };
                return Err(A::Error::custom(format!("duplicate entry {key}")));
            }
            let value = map.next_value_seed(self)?;
            mapping.insert(key, value);
        }
        Ok(yaml_serde::Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::{Error as _, VariantAccess as _};
        // `yaml_serde` presents a tagged node (`!tag value`) as an enum.
        let (tag, contents) = data.variant::<String>()?;
        if tag.is_empty() {
            return Err(A::Error::custom("empty YAML tag"));
        }
        self.spend(tag.len())?;
        let value = contents.newtype_variant_seed(self)?;
        Ok(yaml_serde::Value::Tagged(Box::new(
            yaml_serde::value::TaggedValue {
                tag: yaml_serde::value::Tag::new(tag),
                value,
            },
        )))
    }
}

use crate::MAX_DEPTH as MAX_NESTING;

/// The pointer to the first place nested deeper than [`MAX_NESTING`], if any.
/// Iterative, so the check itself cannot overflow.
fn too_deep(root: &yaml_serde::Value) -> Option<Pointer> {
    use yaml_serde::Value;
    let mut stack: Vec<(&Value, Pointer, usize)> = vec![(root, Pointer::root(), 0)];
    while let Some((v, at, depth)) = stack.pop() {
        if depth > MAX_NESTING {
            return Some(at);
        }
        match v {
            Value::Mapping(m) => {
                for (k, child) in m {
                    let key = match k {
                        Value::String(s) => s.clone(),
                        other => yaml_serde::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    stack.push((child, at.push(key), depth + 1));
                }
            }
            Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((child, at.push(i), depth + 1));
                }
            }
            Value::Tagged(t) => stack.push((&t.value, at, depth + 1)),
            _ => {}
        }
    }
    None
}
