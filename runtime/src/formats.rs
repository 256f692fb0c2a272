//! Serde adapters for the value formats Twilio uses, as the generated models use
//! them; usable on your own types with `#[serde(with = "…")]` too.

use serde::{de::Error as _, Deserialize, Deserializer, Serializer};
use std::fmt::Display;
use std::str::FromStr;

/// An optional value parsed from its text form (URLs, dates); `null` and `""`
/// (which Twilio sends for unset values) both read as `None`.
pub fn opt_from_str<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => s.parse().map(Some).map_err(D::Error::custom),
    }
}

/// An optional number that Twilio may send as a JSON number or as text
/// (decimals such as `"0.0"` or `"-0.00750"`); `null` and `""` read as `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_any(NumberVisitor::<f64>(std::marker::PhantomData))
}

/// Like [`opt_f64`] for integers (`3` or `"3"`).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(NumberVisitor::<i64>(std::marker::PhantomData))
}

/// Like [`opt_f64`] for 32-bit integers.
pub fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    d.deserialize_any(NumberVisitor::<i32>(std::marker::PhantomData))
}

struct NumberVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T> serde::de::Visitor<'de> for NumberVisitor<T>
where
    T: FromStr + JsonNumber,
    T::Err: Display,
{
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, a number as text, or null")
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is out of range")))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is out of range")))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is not an integer in range")))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(E::custom)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Conversions from the three kinds of JSON number; `None` when out of range or,
/// for integers, not whole.
trait JsonNumber: Sized {
    fn from_i64(v: i64) -> Option<Self>;
    fn from_u64(v: u64) -> Option<Self>;
    fn from_f64(v: f64) -> Option<Self>;
}

impl JsonNumber for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

macro_rules! json_integer {
    ($t:ty) => {
        impl JsonNumber for $t {
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                (v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64)
                    .then_some(v as $t)
            }
        }
    };
}
json_integer!(i64);
json_integer!(i32);

/// RFC 2822 date-times (`Mon, 16 Aug 2010 03:45:01 +0000`), as the 2010 API sends them.
pub mod rfc2822 {
    use super::*;
    use chrono::{DateTime, Utc};

    /// Writes the date-time in RFC 2822 form.
    pub fn serialize<S: Serializer>(v: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&v.to_rfc2822())
    }

    /// Reads an RFC 2822 date-time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        DateTime::parse_from_rfc2822(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(D::Error::custom)
    }
}

/// Optional RFC 2822 date-times; `null` and `""` read as `None`.
pub mod rfc2822_opt {
    use super::*;
    use chrono::{DateTime, Utc};

    /// Writes the date-time in RFC 2822 form, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => s.collect_str(&t.to_rfc2822()),
            None => s.serialize_none(),
        }
    }

    /// Reads an RFC 2822 date-time; `null` and `""` are `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => DateTime::parse_from_rfc2822(&s)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(D::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_from_str")]
        url: Option<url::Url>,
        #[serde(default, deserialize_with = "super::opt_from_str")]
        at: Option<DateTime<Utc>>,
        #[serde(default, with = "super::rfc2822_opt")]
        old: Option<DateTime<Utc>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct N {
        #[serde(default, deserialize_with = "super::opt_f64")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "super::opt_i64")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "super::opt_i32")]
        s: Option<i32>,
    }

    #[test]
    fn numbers_may_come_as_text() {
        let n: N = serde_json::from_str(r#"{"f":"-0.00750","i":"42","s":7}"#).unwrap();
        assert_eq!(
            n,
            N {
                f: Some(-0.0075),
                i: Some(42),
                s: Some(7)
            }
        );
        let n: N = serde_json::from_str(r#"{"f":1,"i":3.0,"s":null}"#).unwrap();
        assert_eq!(
            n,
            N {
                f: Some(1.0),
                i: Some(3),
                s: None
            }
        );
        let n: N = serde_json::from_str(r#"{"f":""}"#).unwrap();
        assert_eq!(
            n,
            N {
                f: None,
                i: None,
                s: None
            }
        );
        assert!(serde_json::from_str::<N>(r#"{"i":"x"}"#).is_err());
        assert!(serde_json::from_str::<N>(r#"{"i":1.5}"#).is_err());
        assert!(serde_json::from_str::<N>(r#"{"s":3000000000}"#).is_err());
    }

    #[test]
    fn empty_and_null_are_none_and_values_parse() {
        let t: T = serde_json::from_str(r#"{"url":"","at":null}"#).unwrap();
        assert_eq!(
            t,
            T {
                url: None,
                at: None,
                old: None
            }
        );
        let t: T = serde_json::from_str(
            r#"{"url":"https://a.b/c","at":"2015-07-30T20:00:00Z","old":"Fri, 24 May 2019 17:18:27 +0000"}"#,
        )
        .unwrap();
        assert_eq!(t.url.unwrap().as_str(), "https://a.b/c");
        assert_eq!(
            t.at.unwrap(),
            Utc.with_ymd_and_hms(2015, 7, 30, 20, 0, 0).unwrap()
        );
        assert_eq!(
            t.old.unwrap(),
            Utc.with_ymd_and_hms(2019, 5, 24, 17, 18, 27).unwrap()
        );
        assert!(serde_json::from_str::<T>(r#"{"url":"not a url"}"#).is_err());
    }
}
