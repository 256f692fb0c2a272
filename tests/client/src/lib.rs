//! Tests of the generated `twilio-rest` client; see `tests/`.
