//! The hand-written runtime every generated API module builds on: client,
//! requests, pagination, errors, open enums and serde adapters.
//!
//! These files live in the generator's `templates/runtime/` as real Rust and are
//! copied unchanged into the generated crate, where they are compiled and tested.

mod client;
mod error;
pub mod formats;
pub(crate) mod open_enum;
mod page;
pub(crate) mod pagination;
pub(crate) mod request;
mod uri;

pub use client::{base_url_var, ApiInfo, Client, ClientBuilder, RetryPolicy, DEFAULT_TIMEOUT};
pub use error::{ApiError, DecodeError, Error, Result, ValidationError};
pub(crate) use open_enum::open_enum_impls;
pub use open_enum::OpenEnum;
pub use page::PageMeta;
pub use pagination::{Page, Paged, MAX_PAGE_SIZE};
pub use request::{PreparedRequest, Response};
pub use uri::Uri;
