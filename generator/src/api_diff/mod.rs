//! The API change report: compares the public surfaces ([`Surface`]) that two spec
//! sets generate and classes every change as breaking or compatible for a user of
//! the generated crate, with the semver bump the changes imply.
//!
//! The rules follow what the emitted code is:
//! - required parameters are positional arguments of the verb, so adding, removing
//!   or reordering one, or moving a parameter between argument and setter, breaks
//!   callers; an added optional parameter is a new setter (compatible);
//! - any type change breaks someone (`impl Into<String>` → `impl Into<Enum>` still
//!   takes `&str` but no longer `String`);
//! - a model no request holds is `#[non_exhaustive]`: code outside the crate cannot
//!   write a struct literal or an exhaustive pattern of it, so an added field is
//!   compatible; a model a request holds is an exhaustive struct with public fields
//!   (users build it), so an added field breaks struct literals and exhaustive
//!   patterns (as in Cargo's semver reference). A model turning `#[non_exhaustive]`
//!   breaks both; losing `Default` is breaking for either;
//! - enums are `#[non_exhaustive]` with `Unknown(String)`: an added value is
//!   compatible, a removed one breaking;
//! - unions (`oneOf`/`anyOf`) are `#[non_exhaustive]` enums with
//!   `Other(serde_json::Value)`: an added variant is compatible, but decoding tries
//!   untagged variants in order, so one tried before older variants can take values
//!   that decoded as them (the details name them); a removed variant, a variant's
//!   type or discriminator values changing, a new order of the untagged variants
//!   (values move between variants code already handles) and a lost
//!   `impl From<T>` (another variant now has type `T`) are breaking;
//! - anything added (API, handle, operation, setter, model, enum, union, alias) is
//!   compatible; anything removed or renamed is breaking.
//!
//! The report is per crate (one per API, named and versioned by the [`Layout`]),
//! each with its own bump, and the facade's: the facade re-exports every API crate
//! as a module, so a breaking change in any of them (enabled by default or not) is
//! breaking for the facade, an API added or removed adds or removes a feature.
//!
//! The change vocabulary is in `changes`, the rules that find changes in
//! `rules` (their detail text in `details`), and the report (counts, crates,
//! Markdown) in `report`.

mod changes;
mod details;
mod report;
mod rules;
pub mod surface;

pub use changes::{Bump, Change, Class, Kind};
pub use report::{next_version, CrateReport};
pub use rules::diff;

use crate::plan::packages::Layout;
use crate::plan::ApiPlan;
use crate::{lower_specs_with_overlays, Error, Spec};
use std::collections::BTreeMap;
use surface::Surface;

/// Every change between two spec sets' surfaces.
#[derive(Debug, Clone, Default)]
pub struct ApiDiff {
    /// The changes, by module, then breaking first, then path.
    pub changes: Vec<Change>,
    /// Module → title, for the report's headings.
    titles: BTreeMap<String, String>,
    /// Module → spec file (the new side's, else the old side's).
    specs: BTreeMap<String, String>,
    /// The crates' names and versions.
    layout: Option<Layout>,
}

/// One side of a comparison: the specs and the overlays applied to them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Input<'a> {
    /// The spec files.
    pub specs: &'a [Spec<'a>],
    /// The overlays (see [`crate::overlay`]); each applies to the spec it extends.
    pub overlays: &'a [Spec<'a>],
}

/// The surfaces of the APIs `specs` generate, in input order.
pub fn surfaces(specs: &[Spec<'_>]) -> Result<Vec<Surface>, Error> {
    surfaces_of(Input {
        specs,
        overlays: &[],
    })
}

/// The surfaces of the APIs an input generates (overlays applied), in input order.
pub fn surfaces_of(input: Input<'_>) -> Result<Vec<Surface>, Error> {
    let (apis, _) = lower_specs_with_overlays(input.specs, input.overlays).map_err(Error::Spec)?;
    apis.iter()
        .map(|api| ApiPlan::new(api).map(|plan| Surface::of(&plan)))
        .collect::<Result<_, _>>()
        .map_err(Error::Emit)
}

/// The changes from the APIs `old` generates to those `new` generates.
pub fn compare(old: &[Spec<'_>], new: &[Spec<'_>]) -> Result<ApiDiff, Error> {
    Ok(diff(&surfaces(old)?, &surfaces(new)?))
}

/// The changes between two inputs, overlays applied on each side, with crates
/// named and versioned by `layout`.
pub fn compare_inputs(old: Input<'_>, new: Input<'_>, layout: &Layout) -> Result<ApiDiff, Error> {
    Ok(diff(&surfaces_of(old)?, &surfaces_of(new)?).with_layout(layout))
}

/// The Markdown report of the changes from `old` to `new` (see [`ApiDiff::markdown`]).
pub fn report(old: &[Spec<'_>], new: &[Spec<'_>]) -> Result<String, Error> {
    Ok(compare(old, new)?.markdown())
}
