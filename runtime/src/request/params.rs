//! Parameter values as wire text: [`ToParam`] and Twilio's
//! `prefixed-collapsible-map` encoding.

/// The `(key, value)` pairs of Twilio's `prefixed-collapsible-map` encoding, as
/// twilio-node sends them: every leaf of `map` under `<prefix>.<path>`, where the
/// path joins the keys down to it with `.`, except that a key equal to one already
/// on its path is not repeated (`{"a": {"a": 1}}` is `<prefix>.a`; twilio-python
/// would send `<prefix>.a.a`, the two SDKs agree on everything else). Strings are
/// sent as they are, numbers and booleans as JSON text, arrays as one pair per
/// item, `null` not at all.
pub fn collapse_map(
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(String, String)> {
    fn walk(
        map: &serde_json::Map<String, serde_json::Value>,
        path: &mut Vec<String>,
        out: &mut Vec<(String, String)>,
    ) {
        for (key, value) in map {
            let added = !path.contains(key);
            if added {
                path.push(key.clone());
            }
            match value {
                serde_json::Value::Object(inner) => walk(inner, path, out),
                leaf => {
                    let joined = path.join(".");
                    let items = match leaf {
                        serde_json::Value::Array(items) => items.iter().collect(),
                        other => vec![other],
                    };
                    for item in items {
                        match item {
                            serde_json::Value::Null => {}
                            serde_json::Value::String(s) => out.push((joined.clone(), s.clone())),
                            other => out.push((joined.clone(), other.to_string())),
                        }
                    }
                }
            }
            if added {
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(map, &mut Vec::new(), &mut out);
    for (k, _) in &mut out {
        *k = format!("{prefix}.{k}");
    }
    out
}

/// A value that can be sent as a path, query, header or form parameter.
pub trait ToParam {
    /// Appends the wire form: one string, or one per item for arrays.
    fn push_values(&self, out: &mut Vec<String>);
    /// Appends the value as numbers, for range checks.
    fn push_numbers(&self, _out: &mut Vec<f64>) {}
}

impl ToParam for str {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_owned());
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn push_values(&self, out: &mut Vec<String>) {
        (**self).push_values(out);
    }
    fn push_numbers(&self, out: &mut Vec<f64>) {
        (**self).push_numbers(out);
    }
}

impl ToParam for String {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}

impl ToParam for bool {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(if *self { "true" } else { "false" }.to_owned());
    }
}

macro_rules! number_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn push_values(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
            fn push_numbers(&self, out: &mut Vec<f64>) {
                out.push(*self as f64);
            }
        }
    )*};
}
number_param!(i32, i64, u32, u64, f64);

impl ToParam for chrono::DateTime<chrono::Utc> {
    fn push_values(&self, out: &mut Vec<String>) {
        // Whole seconds, as Twilio's SDKs send them (twilio-node, twilio-go,
        // twilio-python): fractions are dropped, not rounded.
        out.push(self.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
}

impl ToParam for chrono::NaiveDate {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.format("%Y-%m-%d").to_string());
    }
}

impl ToParam for url::Url {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.as_str().to_owned());
    }
}

/// Free-form values travel as one JSON-encoded string; a JSON string is taken as
/// already-encoded text and sent as it is.
impl ToParam for serde_json::Value {
    fn push_values(&self, out: &mut Vec<String>) {
        match self {
            serde_json::Value::String(s) => out.push(s.clone()),
            other => out.push(other.to_string()),
        }
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn push_values(&self, out: &mut Vec<String>) {
        for v in self {
            v.push_values(out);
        }
    }
    fn push_numbers(&self, out: &mut Vec<f64>) {
        for v in self {
            v.push_numbers(out);
        }
    }
}
