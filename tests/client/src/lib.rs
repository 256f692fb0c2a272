//! Tests of the generated `twilio-rest` client; see `tests/`.

/// The repository README's examples, compiled as doctests (`no_run`: they need
/// Twilio) with this crate's dev-dependencies: `cargo test -p client-tests --doc`.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct RootReadme;
