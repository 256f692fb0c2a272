//! Open enums: every API enum has its known values plus `Unknown(String)`, so a
//! value Twilio adds later never breaks decoding.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// An API enum whose set of values is open: values this crate does not know are
/// kept, not rejected.
///
/// An argument of an enum type takes the enum (a generated API's `update(status:
/// Status)`), so a value the spec does not list is sent only on purpose, through
/// `Unknown`:
///
/// ```
/// # use twilio_rest_runtime::OpenEnum;
/// # #[derive(Debug, Clone, PartialEq, Eq)]
/// # enum Status { Closed, Wrapup, Unknown(String) }
/// # impl Status {
/// #     fn as_str(&self) -> &str {
/// #         match self { Self::Closed => "closed", Self::Wrapup => "wrapup", Self::Unknown(s) => s }
/// #     }
/// # }
/// # impl OpenEnum for Status {
/// #     fn from_api(v: &str) -> Self {
/// #         match v { "closed" => Self::Closed, "wrapup" => Self::Wrapup, o => Self::Unknown(o.into()) }
/// #     }
/// #     fn as_api(&self) -> &str { self.as_str() }
/// # }
/// # twilio_rest_runtime::open_enum_impls!(Status);
/// # fn update(status: impl Into<Status>) -> String { status.into().to_string() }
/// assert_eq!(update(Status::Wrapup), "wrapup");
/// assert_eq!(update(Status::Unknown("paused".into())), "paused");
/// // Parsing maps known spellings to their variants.
/// assert_eq!("wrapup".parse::<Status>(), Ok(Status::Wrapup));
/// ```
///
/// A string, misspelt or not, is a compile error:
///
/// ```compile_fail,E0277
/// # use twilio_rest_runtime::OpenEnum;
/// # #[derive(Debug, Clone, PartialEq, Eq)]
/// # enum Status { Closed, Wrapup, Unknown(String) }
/// # impl Status {
/// #     fn as_str(&self) -> &str {
/// #         match self { Self::Closed => "closed", Self::Wrapup => "wrapup", Self::Unknown(s) => s }
/// #     }
/// # }
/// # impl OpenEnum for Status {
/// #     fn from_api(v: &str) -> Self {
/// #         match v { "closed" => Self::Closed, "wrapup" => Self::Wrapup, o => Self::Unknown(o.into()) }
/// #     }
/// #     fn as_api(&self) -> &str { self.as_str() }
/// # }
/// # twilio_rest_runtime::open_enum_impls!(Status);
/// # fn update(status: impl Into<Status>) -> String { status.into().to_string() }
/// update("wrap-up");
/// ```
pub trait OpenEnum: Sized {
    /// The value for an API spelling; unknown spellings become `Unknown(String)`.
    fn from_api(value: &str) -> Self;
    /// The API spelling of the value.
    fn as_api(&self) -> &str;
}

/// Deserializes an open enum from a string (also from a bare boolean or number,
/// which some payloads use for values such as `"true"`).
pub fn deserialize<'de, D: Deserializer<'de>, T: OpenEnum>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<T: OpenEnum> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum value as a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from_api(v))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
            Ok(T::from_api(if v { "true" } else { "false" }))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Ok(T::from_api(&v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Ok(T::from_api(&v.to_string()))
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// Implements `Display`, `FromStr`, `Serialize` and `Deserialize` for an open enum
/// through its [`OpenEnum`] impl and `as_str()`.
///
/// There is deliberately no `From<&str>`: arguments take the enum, so a misspelt
/// value is a compile error; a value the spec does not list is sent explicitly as
/// `Unknown("…".into())` (or parsed with `"…".parse()`).
#[macro_export]
#[doc(hidden)]
macro_rules! open_enum_impls {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok(<Self as $crate::OpenEnum>::from_api(s))
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::codegen::ToParam for $name {
            fn push_values(&self, out: &mut ::std::vec::Vec<::std::string::String>) {
                out.push(self.as_str().to_owned());
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::codegen::deserialize_open_enum(d)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::OpenEnum;

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Status {
        InProgress,
        UnknownValue,
        Unknown(String),
    }

    impl Status {
        fn as_str(&self) -> &str {
            match self {
                Self::InProgress => "in-progress",
                Self::UnknownValue => "unknown",
                Self::Unknown(s) => s,
            }
        }
    }

    impl OpenEnum for Status {
        fn from_api(value: &str) -> Self {
            match value {
                "in-progress" => Self::InProgress,
                "unknown" => Self::UnknownValue,
                other => Self::Unknown(other.to_owned()),
            }
        }
        fn as_api(&self) -> &str {
            self.as_str()
        }
    }

    open_enum_impls!(Status);

    #[test]
    fn known_unknown_and_spec_unknown_values_round_trip() {
        let v: Vec<Status> =
            serde_json::from_str(r#"["in-progress","unknown","brand-new"]"#).unwrap();
        assert_eq!(
            v,
            [
                Status::InProgress,
                Status::UnknownValue,
                Status::Unknown("brand-new".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"["in-progress","unknown","brand-new"]"#
        );
        assert_eq!("in-progress".parse::<Status>(), Ok(Status::InProgress));
        assert_eq!(Status::Unknown("x".into()).to_string(), "x");
        assert_eq!(Status::UnknownValue.as_api(), "unknown");
    }

    #[test]
    fn non_string_values_are_kept_as_text() {
        let v: Vec<Status> = serde_json::from_str("[true, 3]").unwrap();
        assert_eq!(
            v,
            [Status::Unknown("true".into()), Status::Unknown("3".into())]
        );
        assert!(serde_json::from_str::<Status>("{}").is_err());
    }
}
