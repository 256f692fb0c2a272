//! Date-times in responses, decoded leniently.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A date-time from a response: the text Twilio sent, and its value when it
/// parses (RFC 3339, as most APIs send, or RFC 2822, as the 2010 API does).
///
/// A value that does not parse does not fail the response: [`Self::parsed`] is
/// `None` and [`Self::raw`] still has it. Serializes as the text received.
///
/// ```
/// use twilio_rest_runtime::Timestamp;
/// let t: Timestamp = "2015-07-30T20:00:00Z".parse().unwrap();
/// assert_eq!(t.parsed().unwrap().to_rfc3339(), "2015-07-30T20:00:00+00:00");
/// let odd: Timestamp = "next tuesday".parse().unwrap();
/// assert_eq!((odd.parsed(), odd.raw()), (None, "next tuesday"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Timestamp {
    raw: String,
    parsed: Option<DateTime<Utc>>,
}

impl Timestamp {
    /// The date-time, when the text parses.
    pub fn parsed(&self) -> Option<DateTime<Utc>> {
        self.parsed
    }

    /// The text as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl FromStr for Timestamp {
    type Err = std::convert::Infallible;

    /// Never fails: text that is not a date-time is kept as it is.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = DateTime::parse_from_rfc3339(s)
            .or_else(|_| DateTime::parse_from_rfc2822(s))
            .ok()
            .map(|t| t.with_timezone(&Utc));
        Ok(Timestamp {
            raw: s.to_owned(),
            parsed,
        })
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp {
            raw: t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            parsed: Some(t),
        }
    }
}

impl PartialEq<DateTime<Utc>> for Timestamp {
    fn eq(&self, other: &DateTime<Utc>) -> bool {
        self.parsed == Some(*other)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        let Ok(t) = s.parse();
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_parse_and_other_text_is_kept() {
        let t: Timestamp = serde_json::from_str(r#""Tue, 31 Aug 2010 20:36:28 +0000""#).unwrap();
        assert_eq!(
            t.parsed().unwrap().to_rfc3339(),
            "2010-08-31T20:36:28+00:00"
        );
        let t: Timestamp = serde_json::from_str(r#""2015-07-30T22:00:00+02:00""#).unwrap();
        assert_eq!(t, "2015-07-30T20:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2015-07-30T22:00:00+02:00""#
        );
        let t: Timestamp = serde_json::from_str(r#""0000-00-00 garbage""#).unwrap();
        assert_eq!((t.parsed(), t.raw()), (None, "0000-00-00 garbage"));
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}
