//! The spec's constraints on parameter values (patterns, lengths, ranges),
//! checked while the request is built.

use super::{Request, ToParam};
use crate::error::{Result, ValidationError};
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// The constraints the spec puts on a parameter, checked before sending.
#[derive(Debug, Clone, Copy, Default)]
pub struct Check {
    /// A regular expression every value must match.
    pub pattern: Option<&'static str>,
    /// The shortest allowed length, in characters.
    pub min_length: Option<usize>,
    /// The longest allowed length, in characters.
    pub max_length: Option<usize>,
    /// The smallest allowed number.
    pub minimum: Option<f64>,
    /// The largest allowed number.
    pub maximum: Option<f64>,
}

impl Check {
    /// No constraint.
    pub const NONE: Check = Check {
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };

    /// A constraint from the spec's values.
    pub const fn new(
        pattern: Option<&'static str>,
        min_length: Option<usize>,
        max_length: Option<usize>,
        minimum: Option<f64>,
        maximum: Option<f64>,
    ) -> Self {
        Check {
            pattern,
            min_length,
            max_length,
            minimum,
            maximum,
        }
    }

    /// Checks `value`, whose wire form is `texts`; `patterns: false` skips the
    /// pattern (lengths and ranges are still checked), for clients built with
    /// `relax_patterns(true)`.
    fn check(
        &self,
        name: &str,
        value: &dyn ToParam,
        texts: &[String],
        patterns: bool,
    ) -> Result<(), ValidationError> {
        let mut numbers = Vec::new();
        value.push_numbers(&mut numbers);
        for n in numbers {
            if self.minimum.is_some_and(|min| n < min) || self.maximum.is_some_and(|max| n > max) {
                let range = match (self.minimum, self.maximum) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(ValidationError::new(
                    name,
                    format!("{n} is out of range: must be {range}"),
                ));
            }
        }
        if self.pattern.is_none() && self.min_length.is_none() && self.max_length.is_none() {
            return Ok(());
        }
        for s in texts {
            let len = s.chars().count();
            if self.min_length.is_some_and(|m| len < m) || self.max_length.is_some_and(|m| len > m)
            {
                let want = match (self.min_length, self.max_length) {
                    (Some(a), Some(b)) if a == b => format!("{a}"),
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(ValidationError::new(
                    name,
                    format!("`{s}` must be {want} characters, got {len}"),
                ));
            }
            if let Some(p) = self.pattern.filter(|_| patterns) {
                if !pattern_matches(p, s) {
                    return Err(ValidationError::new(
                        name,
                        format!("`{s}` does not match `{p}`"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether `value` matches the spec pattern `pattern`: SID patterns
/// (`^KS[0-9a-fA-F]{32}$`) by hand, others with a regular expression compiled
/// once per pattern. A pattern the regex engine does not support is not enforced.
pub(super) fn pattern_matches(pattern: &'static str, value: &str) -> bool {
    match sid_shape(pattern) {
        Some((prefix, digits)) => {
            value.len() == prefix.len() + digits
                && value.starts_with(prefix)
                && value.as_bytes()[prefix.len()..]
                    .iter()
                    .all(u8::is_ascii_hexdigit)
        }
        None => regex_matches(pattern, value),
    }
}

/// The prefix and digit count of a SID pattern, `^<letters>[0-9a-fA-F]{<n>}$`,
/// the shape of nearly every pattern in Twilio's specs; `None` for any other.
pub(super) fn sid_shape(pattern: &str) -> Option<(&str, usize)> {
    let inner = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let (prefix, count) = inner.split_once("[0-9a-fA-F]{")?;
    let digits = count.strip_suffix('}')?.parse().ok()?;
    // Letters and digits only: a literal in the regular expression too.
    prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric())
        .then_some((prefix, digits))
}

/// Whether `value` matches `pattern` as a regular expression (compiled once per
/// pattern).
fn regex_matches(pattern: &'static str, value: &str) -> bool {
    static CACHE: OnceLock<RwLock<HashMap<&'static str, Option<regex_lite::Regex>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.read().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return re.as_ref().is_none_or(|re| re.is_match(value));
    }
    let re = regex_lite::Regex::new(pattern).ok();
    let ok = re.as_ref().is_none_or(|re| re.is_match(value));
    cache
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pattern, re);
    ok
}

impl Request {
    /// Whether spec patterns are enforced (see `ClientBuilder::relax_patterns`).
    pub(super) fn patterns(&self) -> bool {
        !self.client.inner.relax_patterns
    }

    pub(super) fn fail(&mut self, e: ValidationError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Checks a required value and returns its wire form.
    pub(super) fn required(
        &mut self,
        name: &'static str,
        value: &dyn ToParam,
        check: &Check,
    ) -> Vec<String> {
        let mut out = Vec::new();
        value.push_values(&mut out);
        if out.is_empty() || out.iter().all(|v| v.is_empty()) {
            self.fail(ValidationError::new(
                name,
                "is required and must not be empty",
            ));
        } else if let Err(e) = check.check(name, value, &out, self.patterns()) {
            self.fail(e);
        }
        out
    }

    pub(super) fn optional(
        &mut self,
        name: &'static str,
        value: Option<&dyn ToParam>,
        check: &Check,
    ) -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        value.push_values(&mut out);
        if let Err(e) = check.check(name, value, &out, self.patterns()) {
            self.fail(e);
        }
        out
    }

    /// The checked wire values of a query, header or form parameter.
    pub(super) fn values<T: ToParam>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
        required: bool,
        check: &Check,
    ) -> Vec<String> {
        match (value.map(|v| v as &dyn ToParam), required) {
            (Some(v), true) => self.required(name, v, check),
            (v, _) => self.optional(name, v, check),
        }
    }
}
