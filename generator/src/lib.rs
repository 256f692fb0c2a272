//! The Twilio REST client generator: spec text → [`ir::Api`] → Rust source files.
//!
//! The pipeline runs in one direction: [`load`] parses a spec into `openapiv3`,
//! [`lower`] builds the intermediate model ([`ir`]), and [`emit`] turns the model
//! into the files of a crate. The library does no I/O; the `xtask` binary reads
//! specs and writes the output.

pub mod diag;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
