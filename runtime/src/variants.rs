//! Decoding and encoding of generated unions (`oneOf`/`anyOf` enums): the value is
//! read once as JSON, then a variant is chosen by its discriminator or by trying
//! each variant's type in turn.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// The discriminator `property` of an object, if it is a string.
pub fn tag_of<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.get(property)?.as_str()
}

/// `value` decoded as the variant its discriminator names; an error (naming the
/// variant in `what`) when it does not fit.
pub fn decode_variant<T: DeserializeOwned, E: serde::de::Error>(
    value: &Value,
    what: &str,
) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(format_args!("{what}: {e}")))
}

/// `value` decoded as `T`, if it fits.
pub fn try_variant<'v, T: Deserialize<'v>>(value: &'v Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// `value` encoded with the discriminator `property` set to `tag` when `value`
/// does not state it itself.
pub fn serialize_tagged<T: Serialize, S: Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut v = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let Value::Object(map) = &mut v {
        map.entry(property.to_owned())
            .or_insert_with(|| Value::String(tag.to_owned()));
    }
    v.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct A {
        a: i64,
    }

    #[test]
    fn tags_decode_and_encode() {
        let v = json!({"kind": "a", "a": 1});
        assert_eq!(tag_of(&v, "kind"), Some("a"));
        assert_eq!(tag_of(&json!({"kind": 1}), "kind"), None);
        let a: A = decode_variant::<A, serde_json::Error>(&v, "`A`").unwrap();
        assert_eq!(a, A { a: 1 });
        let e = decode_variant::<A, serde_json::Error>(&json!({"kind": "a"}), "`A` of `U`")
            .unwrap_err();
        assert!(
            e.to_string().starts_with("`A` of `U`: missing field `a`"),
            "{e}"
        );
        assert_eq!(try_variant::<A>(&json!("text")), None);
        let out = serialize_tagged(&A { a: 2 }, "kind", "a", serde_json::value::Serializer);
        assert_eq!(out.unwrap(), json!({"kind": "a", "a": 2}));
        let own = serialize_tagged(
            &json!({"kind": "b"}),
            "kind",
            "a",
            serde_json::value::Serializer,
        );
        assert_eq!(own.unwrap(), json!({"kind": "b"}));
    }
}
