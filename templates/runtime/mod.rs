//! The hand-written runtime every generated API module builds on.
//!
//! This file lives in the generator's `templates/runtime/` as real Rust and is
//! copied unchanged into the generated crate, where it is compiled and tested.

pub mod formats;
pub(crate) mod open_enum;
mod page;

pub(crate) use open_enum::open_enum_impls;
pub use open_enum::OpenEnum;
pub use page::PageMeta;
