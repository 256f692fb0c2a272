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

use crate::plan::packages::Layout;
use crate::plan::surface::{ModelSurface, OperationSurface, Surface, VariantSurface};
use crate::plan::ApiPlan;
use crate::{lower_specs_with_overlays, Error, Spec};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Whether a change can break code that compiled against the old crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code using the old surface may stop compiling (or mean something else).
    Breaking,
    /// Code using the old surface still compiles and means the same.
    Compatible,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new API module (`Client::flex_v2()`).
    ApiAdded,
    /// An API module is gone.
    ApiRemoved,
    /// A new accessor chain to a handle.
    HandleAdded,
    /// An accessor chain is gone.
    HandleRemoved,
    /// The handle type at a chain has another name.
    HandleRenamed,
    /// A new operation.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// An operation's builder type has another name.
    BuilderRenamed,
    /// An operation returns another type.
    OutputChanged,
    /// A new required parameter (argument of the verb).
    ArgumentAdded,
    /// A required parameter is gone.
    ArgumentRemoved,
    /// The verb takes the same arguments in another order.
    ArgumentsReordered,
    /// A new optional parameter (setter).
    SetterAdded,
    /// An optional parameter is gone.
    SetterRemoved,
    /// An optional parameter became required: setter → argument.
    BecameRequired,
    /// A required parameter became optional: argument → setter.
    BecameOptional,
    /// A parameter is taken as another type.
    ParameterTypeChanged,
    /// A new struct.
    ModelAdded,
    /// A struct is gone.
    ModelRemoved,
    /// An exhaustive struct (one a request holds) has a new field.
    FieldAdded,
    /// A `#[non_exhaustive]` struct (one no request holds) has a new field.
    NonExhaustiveFieldAdded,
    /// A struct became `#[non_exhaustive]` (no request holds it any more).
    BecameNonExhaustive,
    /// A struct is no longer `#[non_exhaustive]` (a request now holds it).
    BecameExhaustive,
    /// A struct field is gone.
    FieldRemoved,
    /// A struct field has another type (including `Option` added or removed).
    FieldTypeChanged,
    /// A struct now implements `Default`.
    DefaultAdded,
    /// A struct no longer implements `Default`.
    DefaultRemoved,
    /// A new enum.
    EnumAdded,
    /// An enum is gone.
    EnumRemoved,
    /// An enum has a new value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// A new type alias.
    AliasAdded,
    /// A type alias is gone.
    AliasRemoved,
    /// A type alias stands for another type.
    AliasChanged,
    /// A new union.
    UnionAdded,
    /// A union is gone.
    UnionRemoved,
    /// A union has a new variant.
    VariantAdded,
    /// A union variant is gone.
    VariantRemoved,
    /// A union variant holds another type.
    VariantTypeChanged,
    /// A union variant is selected by other discriminator values (or is now
    /// selected by one, or no longer).
    VariantTagChanged,
    /// A union's untagged variants are tried in another order.
    VariantsReordered,
    /// A union gained `impl From<T>` for a variant it already had.
    ConversionAdded,
    /// A union lost `impl From<T>` for a variant it still has (another variant now
    /// has the same Rust type).
    ConversionRemoved,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [Kind] = &[
        Kind::ApiAdded,
        Kind::ApiRemoved,
        Kind::HandleAdded,
        Kind::HandleRemoved,
        Kind::HandleRenamed,
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::BuilderRenamed,
        Kind::OutputChanged,
        Kind::ArgumentAdded,
        Kind::ArgumentRemoved,
        Kind::ArgumentsReordered,
        Kind::SetterAdded,
        Kind::SetterRemoved,
        Kind::BecameRequired,
        Kind::BecameOptional,
        Kind::ParameterTypeChanged,
        Kind::ModelAdded,
        Kind::ModelRemoved,
        Kind::FieldAdded,
        Kind::NonExhaustiveFieldAdded,
        Kind::BecameNonExhaustive,
        Kind::BecameExhaustive,
        Kind::FieldRemoved,
        Kind::FieldTypeChanged,
        Kind::DefaultAdded,
        Kind::DefaultRemoved,
        Kind::EnumAdded,
        Kind::EnumRemoved,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
        Kind::AliasAdded,
        Kind::AliasRemoved,
        Kind::AliasChanged,
        Kind::UnionAdded,
        Kind::UnionRemoved,
        Kind::VariantAdded,
        Kind::VariantRemoved,
        Kind::VariantTypeChanged,
        Kind::VariantTagChanged,
        Kind::VariantsReordered,
        Kind::ConversionAdded,
        Kind::ConversionRemoved,
    ];

    /// How the change is classed.
    pub fn class(self) -> Class {
        use Kind::*;
        match self {
            ApiAdded
            | HandleAdded
            | OperationAdded
            | SetterAdded
            | ModelAdded
            | DefaultAdded
            | EnumAdded
            | EnumValueAdded
            | AliasAdded
            | UnionAdded
            | VariantAdded
            | ConversionAdded
            | NonExhaustiveFieldAdded
            | BecameExhaustive => Class::Compatible,
            ApiRemoved | HandleRemoved | HandleRenamed | OperationRemoved | BuilderRenamed
            | OutputChanged | ArgumentAdded | ArgumentRemoved | ArgumentsReordered
            | SetterRemoved | BecameRequired | BecameOptional | ParameterTypeChanged
            | ModelRemoved | FieldAdded | BecameNonExhaustive | FieldRemoved | FieldTypeChanged
            | DefaultRemoved | EnumRemoved | EnumValueRemoved | AliasRemoved | AliasChanged
            | UnionRemoved | VariantRemoved | VariantTypeChanged | VariantTagChanged
            | VariantsReordered | ConversionRemoved => Class::Breaking,
        }
    }

    /// A short label for the report.
    pub fn label(self) -> &'static str {
        use Kind::*;
        match self {
            ApiAdded => "API added",
            ApiRemoved => "API removed",
            HandleAdded => "handle added",
            HandleRemoved => "handle removed",
            HandleRenamed => "handle type renamed",
            OperationAdded => "operation added",
            OperationRemoved => "operation removed",
            BuilderRenamed => "builder type renamed",
            OutputChanged => "output type changed",
            ArgumentAdded => "required parameter added",
            ArgumentRemoved => "required parameter removed",
            ArgumentsReordered => "arguments reordered",
            SetterAdded => "optional parameter added",
            SetterRemoved => "optional parameter removed",
            BecameRequired => "parameter now required",
            BecameOptional => "parameter now optional",
            ParameterTypeChanged => "parameter type changed",
            ModelAdded => "model added",
            ModelRemoved => "model removed",
            FieldAdded => "field added to exhaustive model",
            NonExhaustiveFieldAdded => "field added to non-exhaustive model",
            BecameNonExhaustive => "model now `#[non_exhaustive]`",
            BecameExhaustive => "model no longer `#[non_exhaustive]`",
            FieldRemoved => "model field removed",
            FieldTypeChanged => "model field type changed",
            DefaultAdded => "model now `Default`",
            DefaultRemoved => "model no longer `Default`",
            EnumAdded => "enum added",
            EnumRemoved => "enum removed",
            EnumValueAdded => "enum value added",
            EnumValueRemoved => "enum value removed",
            AliasAdded => "alias added",
            AliasRemoved => "alias removed",
            AliasChanged => "alias type changed",
            UnionAdded => "union added",
            UnionRemoved => "union removed",
            VariantAdded => "union variant added",
            VariantRemoved => "union variant removed",
            VariantTypeChanged => "union variant type changed",
            VariantTagChanged => "union variant tag changed",
            VariantsReordered => "union variants reordered",
            ConversionAdded => "union `From` added",
            ConversionRemoved => "union `From` removed",
        }
    }
}

/// One change to the public surface.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The API module (`flex_v1`).
    pub module: String,
    /// What changed.
    pub kind: Kind,
    /// The Rust path a user writes: `flex_v1().interactions().create` (operation),
    /// `….create(channel)` (argument), `….create(..).routing(_)` (setter),
    /// `flex_v1::models::Interaction.sid` (field), `flex_v1::models::Status::Closed`
    /// (enum value or union variant), `flex_v1::models::Value::from(String)`
    /// (a union's `From` conversion).
    pub path: String,
    /// The types or values involved.
    pub detail: String,
}

impl Change {
    /// How the change is classed.
    pub fn class(&self) -> Class {
        self.kind.class()
    }
}

/// The version bump a set of changes implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No change to the public API.
    Patch,
    /// Only compatible additions.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Bump {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

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

/// One crate's share of the changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateReport {
    /// Package name (`twilio-rest-flex-v1`).
    pub name: String,
    /// Its version now (from the layout).
    pub version: String,
    /// The API module it holds (`flex_v1`).
    pub module: String,
    /// The bump its changes imply.
    pub bump: Bump,
    /// How many of its changes are breaking.
    pub breaking: usize,
    /// How many of its changes are compatible.
    pub compatible: usize,
}

/// `version` after `bump`, by Cargo's rules: before 1.0 the minor number is the
/// breaking step (0.1.3 → 0.2.0) and additions bump the patch (0.1.3 → 0.1.4).
/// `None` when `version` is not `MAJOR.MINOR.PATCH` or nothing changed.
pub fn next_version(version: &str, bump: Bump) -> Option<String> {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let next = match (major, bump) {
        (_, Bump::Patch) => return None,
        (0, Bump::Major) => (0, minor + 1, 0),
        (0, Bump::Minor) => (0, minor, patch + 1),
        (_, Bump::Major) => (major + 1, 0, 0),
        (_, Bump::Minor) => (major, minor + 1, 0),
    };
    Some(format!("{}.{}.{}", next.0, next.1, next.2))
}

impl ApiDiff {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.count(Class::Breaking)
    }

    /// How many changes are compatible.
    pub fn compatible(&self) -> usize {
        self.count(Class::Compatible)
    }

    fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class() == class).count()
    }

    /// The semver bump the changes imply: the facade's, which re-exports every API
    /// crate (the greatest of the crates' bumps).
    pub fn bump(&self) -> Bump {
        bump_of(self.breaking(), self.compatible())
    }

    /// Names and versions the crates by `layout` (by default, [`Layout::new`]
    /// with the facade `twilio-rest`).
    pub fn with_layout(mut self, layout: &Layout) -> Self {
        self.layout = Some(layout.clone());
        self
    }

    fn layout(&self) -> Layout {
        self.layout
            .clone()
            .unwrap_or_else(|| Layout::new("twilio-rest"))
    }

    /// Each changed crate, by package name, with its own bump.
    pub fn crates(&self) -> Vec<CrateReport> {
        let layout = self.layout();
        let mut out: Vec<CrateReport> = self
            .specs
            .iter()
            .filter_map(|(module, spec)| {
                let mine = self.changes.iter().filter(|c| &c.module == module);
                let breaking = mine
                    .clone()
                    .filter(|c| c.class() == Class::Breaking)
                    .count();
                let compatible = mine.filter(|c| c.class() == Class::Compatible).count();
                if breaking + compatible == 0 {
                    return None;
                }
                let (name, version) = layout.crate_of(spec, module);
                Some(CrateReport {
                    name,
                    version,
                    module: module.clone(),
                    bump: bump_of(breaking, compatible),
                    breaking,
                    compatible,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The report as Markdown, for a pull request: the facade's bump, a table of
    /// the changed crates with theirs, then each crate's changes.
    pub fn markdown(&self) -> String {
        let layout = self.layout();
        let mut out = String::from("## Public API changes\n\n");
        let bump = self.bump();
        let facade = &layout.facade;
        let _ = writeln!(
            out,
            "**{} breaking, {} compatible → `{}` {}: {}**\n",
            self.breaking(),
            self.compatible(),
            facade.name,
            facade.version,
            release(&facade.version, bump)
        );
        out.push_str(match bump {
            Bump::Major => {
                "The facade re-exports every API crate (each behind its feature), so a \
                 breaking change in any of them is breaking for the facade.\n"
            }
            Bump::Minor => {
                "Only compatible changes: every changed crate, and the facade, ship a \
                 compatible release.\n"
            }
            Bump::Patch => "No change to the generated public API.\n",
        });
        let crates = self.crates();
        if !crates.is_empty() {
            out.push_str(
                "\n| Crate | Module | Breaking | Compatible | Release |\n|---|---|---|---|---|\n",
            );
            for c in &crates {
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {} | {} | {} {} |",
                    c.name,
                    c.module,
                    c.breaking,
                    c.compatible,
                    c.version,
                    release(&c.version, c.bump)
                );
            }
        }
        for c in &crates {
            let module = c.module.as_str();
            let title = self.titles.get(module).map(String::as_str).unwrap_or("");
            let _ = writeln!(
                out,
                "\n### `{}` (`{module}`, {}): {} {}",
                c.name,
                cell(title),
                c.version,
                release(&c.version, c.bump)
            );
            for class in [Class::Breaking, Class::Compatible] {
                let rows: Vec<&Change> = self
                    .changes
                    .iter()
                    .filter(|c| c.module == module && c.class() == class)
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let name = match class {
                    Class::Breaking => "Breaking",
                    Class::Compatible => "Compatible",
                };
                let _ = writeln!(out, "\n#### {name} ({})\n", rows.len());
                out.push_str("| Change | Rust path | Details |\n|---|---|---|\n");
                for c in rows {
                    let _ = writeln!(
                        out,
                        "| {} | `{}` | {} |",
                        c.kind.label(),
                        cell(&c.path),
                        cell(&c.detail)
                    );
                }
            }
        }
        if !self.changes.is_empty() {
            out.push_str(
                "\nClasses follow the generated code: required parameters are positional \
                 arguments of the verb, optional ones setters; models no request holds are \
                 `#[non_exhaustive]` (an added field is compatible), models a request holds \
                 are exhaustive structs with public fields (an added field breaks struct \
                 literals and exhaustive patterns); enums are `#[non_exhaustive]` with \
                 `Unknown(String)` (an added value is compatible, though a value that decoded \
                 as `Unknown` now decodes as its variant); unions are `#[non_exhaustive]` with \
                 `Other(serde_json::Value)` (an added variant is compatible, but untagged \
                 variants are tried in order, so one tried before older variants can take \
                 values that decoded as them: see its details). Before 1.0, Cargo treats \
                 0.x → 0.(x+1) as the breaking step and 0.x.y → 0.x.(y+1) as compatible.\n",
            );
        }
        out
    }
}

fn bump_of(breaking: usize, compatible: usize) -> Bump {
    if breaking > 0 {
        Bump::Major
    } else if compatible > 0 {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

/// `semver: major → 0.2.0`, or `semver: patch` (nothing to release).
fn release(version: &str, bump: Bump) -> String {
    match next_version(version, bump) {
        Some(next) => format!("semver {} → {next}", bump.as_str()),
        None => format!("semver {}", bump.as_str()),
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
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

/// The changes between two sets of surfaces, matched by module.
pub fn diff(old: &[Surface], new: &[Surface]) -> ApiDiff {
    let by_module = |s: &[Surface]| -> BTreeMap<String, Surface> {
        s.iter().map(|s| (s.module.clone(), s.clone())).collect()
    };
    let (old, new) = (by_module(old), by_module(new));
    let mut d = Diff::default();
    let mut titles = BTreeMap::new();
    let mut specs = BTreeMap::new();
    for (module, o) in &old {
        titles.insert(module.clone(), o.title.clone());
        specs.insert(module.clone(), o.spec.clone());
        match new.get(module) {
            None => d.push(
                module,
                Kind::ApiRemoved,
                format!("Client::{module}"),
                &o.title,
            ),
            Some(n) => api(&mut d, o, n),
        }
    }
    for (module, n) in &new {
        titles.insert(module.clone(), n.title.clone());
        specs.insert(module.clone(), n.spec.clone());
        if !old.contains_key(module) {
            d.push(
                module,
                Kind::ApiAdded,
                format!("Client::{module}"),
                &n.title,
            );
        }
    }
    let mut changes = d.0;
    changes.sort_by(|a, b| {
        (&a.module, a.class(), &a.path, a.kind, &a.detail).cmp(&(
            &b.module,
            b.class(),
            &b.path,
            b.kind,
            &b.detail,
        ))
    });
    ApiDiff {
        changes,
        titles,
        specs,
        layout: None,
    }
}

/// Changes being collected.
#[derive(Default)]
struct Diff(Vec<Change>);

impl Diff {
    fn push(&mut self, module: &str, kind: Kind, path: String, detail: &str) {
        self.0.push(Change {
            module: module.to_owned(),
            kind,
            path,
            detail: detail.to_owned(),
        });
    }
}

/// Calls `f(key, old, new)` for every key of either map (`None` where missing).
fn zip_maps<'m, V>(
    old: &'m BTreeMap<String, V>,
    new: &'m BTreeMap<String, V>,
    mut f: impl FnMut(&'m str, Option<&'m V>, Option<&'m V>),
) {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        f(k, old.get(k), new.get(k));
    }
}

fn api(d: &mut Diff, old: &Surface, new: &Surface) {
    let m = old.module.as_str();
    zip_maps(&old.handles, &new.handles, |chain, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::HandleRemoved, chain.to_owned(), &code(o)),
        (None, Some(n)) => d.push(m, Kind::HandleAdded, chain.to_owned(), &code(n)),
        (Some(o), Some(n)) if o != n => d.push(
            m,
            Kind::HandleRenamed,
            chain.to_owned(),
            &format!("`{o}` → `{n}`"),
        ),
        _ => {}
    });
    zip_maps(&old.operations, &new.operations, |path, o, n| {
        match (o, n) {
            (Some(o), None) => d.push(m, Kind::OperationRemoved, path.to_owned(), &signature(o)),
            (None, Some(n)) => d.push(m, Kind::OperationAdded, path.to_owned(), &signature(n)),
            (Some(o), Some(n)) => operation(d, m, path, o, n),
            (None, None) => {}
        }
    });
    let models = |name: &str| format!("{m}::models::{name}");
    zip_maps(&old.models, &new.models, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::ModelRemoved, models(name), &fields_summary(o)),
        (None, Some(n)) => d.push(m, Kind::ModelAdded, models(name), &fields_summary(n)),
        (Some(o), Some(n)) => model(d, m, &models(name), o, n),
        (None, None) => {}
    });
    zip_maps(&old.enums, &new.enums, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::EnumRemoved, models(name), &values_summary(o)),
        (None, Some(n)) => d.push(m, Kind::EnumAdded, models(name), &values_summary(n)),
        (Some(o), Some(n)) => {
            let (ov, nv) = (variants(o), variants(n));
            zip_maps(&ov, &nv, |variant, o, n| {
                let path = format!("{}::{variant}", models(name));
                match (o, n) {
                    (Some(v), None) => d.push(m, Kind::EnumValueRemoved, path, &quoted(v)),
                    (None, Some(v)) => d.push(m, Kind::EnumValueAdded, path, &quoted(v)),
                    _ => {}
                }
            });
        }
        (None, None) => {}
    });
    zip_maps(&old.unions, &new.unions, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::UnionRemoved, models(name), &variants_summary(o)),
        (None, Some(n)) => d.push(m, Kind::UnionAdded, models(name), &variants_summary(n)),
        (Some(o), Some(n)) => union(d, m, &models(name), o, n),
        (None, None) => {}
    });
    zip_maps(&old.aliases, &new.aliases, |name, o, n| match (o, n) {
        (Some(o), None) => d.push(m, Kind::AliasRemoved, models(name), &code(o)),
        (None, Some(n)) => d.push(m, Kind::AliasAdded, models(name), &code(n)),
        (Some(o), Some(n)) if o != n => {
            d.push(m, Kind::AliasChanged, models(name), &changed(o, n));
        }
        _ => {}
    });
}

fn operation(d: &mut Diff, m: &str, path: &str, o: &OperationSurface, n: &OperationSurface) {
    if o.builder != n.builder {
        let detail = changed(&o.builder, &n.builder);
        d.push(m, Kind::BuilderRenamed, path.to_owned(), &detail);
    }
    if o.output != n.output {
        let detail = changed(&o.output, &n.output);
        d.push(m, Kind::OutputChanged, path.to_owned(), &detail);
    }
    let arg_path = |name: &str| format!("{path}({name})");
    let setter_path = |name: &str| format!("{path}(..).{name}(_)");
    let (oa, na): (BTreeMap<String, String>, BTreeMap<String, String>) = (
        o.arguments.iter().cloned().collect(),
        n.arguments.iter().cloned().collect(),
    );
    zip_maps(&oa, &na, |name, ot, nt| match (ot, nt) {
        (Some(t), None) => match n.setters.get(name) {
            Some(st) => d.push(
                m,
                Kind::BecameOptional,
                setter_path(name),
                &format!("argument `{name}: {t}` → setter `{name}({st})`"),
            ),
            None => d.push(m, Kind::ArgumentRemoved, arg_path(name), &typed(name, t)),
        },
        (None, Some(t)) => match o.setters.get(name) {
            Some(st) => d.push(
                m,
                Kind::BecameRequired,
                arg_path(name),
                &format!("setter `{name}({st})` → argument `{name}: {t}`"),
            ),
            None => d.push(m, Kind::ArgumentAdded, arg_path(name), &typed(name, t)),
        },
        (Some(ot), Some(nt)) if ot != nt => {
            d.push(
                m,
                Kind::ParameterTypeChanged,
                arg_path(name),
                &changed(ot, nt),
            );
        }
        _ => {}
    });
    // The same names in another order: positional arguments now take other values.
    let names = |args: &[(String, String)]| -> Vec<String> {
        args.iter().map(|(n, _)| n.clone()).collect()
    };
    let (on, nn) = (names(&o.arguments), names(&n.arguments));
    let same_set = on.iter().collect::<BTreeSet<_>>() == nn.iter().collect::<BTreeSet<_>>();
    if same_set && on != nn {
        let detail = format!("`({})` → `({})`", on.join(", "), nn.join(", "));
        d.push(m, Kind::ArgumentsReordered, path.to_owned(), &detail);
    }
    zip_maps(&o.setters, &n.setters, |name, ot, nt| match (ot, nt) {
        // Moves between setter and argument are reported with the arguments.
        (Some(t), None) if !na.contains_key(name) => {
            d.push(m, Kind::SetterRemoved, setter_path(name), &code(t));
        }
        (None, Some(t)) if !oa.contains_key(name) => {
            d.push(m, Kind::SetterAdded, setter_path(name), &code(t));
        }
        (Some(ot), Some(nt)) if ot != nt => {
            d.push(
                m,
                Kind::ParameterTypeChanged,
                setter_path(name),
                &changed(ot, nt),
            );
        }
        _ => {}
    });
}

fn model(d: &mut Diff, m: &str, path: &str, o: &ModelSurface, n: &ModelSurface) {
    zip_maps(&o.fields, &n.fields, |field, ot, nt| {
        let at = format!("{path}.{field}");
        match (ot, nt) {
            (Some(t), None) => d.push(m, Kind::FieldRemoved, at, &code(t)),
            (None, Some(t)) if o.non_exhaustive => {
                d.push(m, Kind::NonExhaustiveFieldAdded, at, &code(t));
            }
            (None, Some(t)) => d.push(m, Kind::FieldAdded, at, &code(t)),
            (Some(ot), Some(nt)) if ot != nt => {
                d.push(m, Kind::FieldTypeChanged, at, &changed(ot, nt));
            }
            _ => {}
        }
    });
    match (o.non_exhaustive, n.non_exhaustive) {
        (false, true) => d.push(
            m,
            Kind::BecameNonExhaustive,
            path.to_owned(),
            "no request holds it any more: struct literals and exhaustive patterns outside the crate stop compiling",
        ),
        (true, false) => d.push(
            m,
            Kind::BecameExhaustive,
            path.to_owned(),
            "a request now holds it: later added fields are breaking",
        ),
        _ => {}
    }
    match (o.default, n.default) {
        (true, false) => d.push(
            m,
            Kind::DefaultRemoved,
            path.to_owned(),
            "a field is now required",
        ),
        (false, true) => d.push(
            m,
            Kind::DefaultAdded,
            path.to_owned(),
            "every field is optional",
        ),
        _ => {}
    }
}

fn union(d: &mut Diff, m: &str, path: &str, o: &[VariantSurface], n: &[VariantSurface]) {
    let by_name = |vs: &[VariantSurface]| -> BTreeMap<String, VariantSurface> {
        vs.iter().map(|v| (v.name.clone(), v.clone())).collect()
    };
    let (ob, nb) = (by_name(o), by_name(n));
    zip_maps(&ob, &nb, |name, ov, nv| {
        let at = format!("{path}::{name}");
        match (ov, nv) {
            (Some(v), None) => d.push(m, Kind::VariantRemoved, at, &code(&v.ty)),
            (None, Some(v)) => d.push(m, Kind::VariantAdded, at, &added_variant(o, n, v)),
            (Some(ov), Some(nv)) => {
                if ov.ty != nv.ty {
                    d.push(
                        m,
                        Kind::VariantTypeChanged,
                        at.clone(),
                        &changed(&ov.ty, &nv.ty),
                    );
                }
                if ov.tag != nv.tag {
                    let detail = changed(tag_text(ov), tag_text(nv));
                    d.push(m, Kind::VariantTagChanged, at, &detail);
                }
                // A type change takes its conversion with it (reported above).
                if ov.ty == nv.ty {
                    let conversion = |t: &str| format!("{path}::from({t})");
                    match (&ov.from, &nv.from) {
                        (Some(t), None) => d.push(
                            m,
                            Kind::ConversionRemoved,
                            conversion(t),
                            &format!(
                                "another variant now has the Rust type of `{t}`: write `{}::{name}(_)`",
                                path.rsplit("::").next().unwrap_or(path)
                            ),
                        ),
                        (None, Some(t)) => d.push(
                            m,
                            Kind::ConversionAdded,
                            conversion(t),
                            &format!("`{name}` is now the only variant of its Rust type"),
                        ),
                        _ => {}
                    }
                }
            }
            (None, None) => {}
        }
    });
    // The untagged variants both sides have, in each side's decoding order.
    let common = |vs: &[VariantSurface], other: &BTreeMap<String, VariantSurface>| {
        vs.iter()
            .filter(|v| v.tag.is_none() && other.get(&v.name).is_some_and(|w| w.tag.is_none()))
            .map(|v| v.name.clone())
            .collect::<Vec<_>>()
    };
    let (oc, nc) = (common(o, &nb), common(n, &ob));
    if oc != nc {
        let detail = format!(
            "tried in the order `{}` → `{}`: a value more than one of them describes may decode as another",
            oc.join(", "),
            nc.join(", ")
        );
        d.push(m, Kind::VariantsReordered, path.to_owned(), &detail);
    }
}

/// The details of an added variant `v`: its type and which values it may take
/// from the variants `old` decoded them as.
fn added_variant(old: &[VariantSurface], new: &[VariantSurface], v: &VariantSurface) -> String {
    let untagged_old: Vec<String> = old
        .iter()
        .filter(|o| o.tag.is_none())
        .map(|o| format!("`{}`", o.name))
        .collect();
    if let Some(tag) = &v.tag {
        // Tagged arms are tried first; a value with this tag fell through before.
        let before = match untagged_old.as_slice() {
            [] => "`Other`".to_owned(),
            names => format!("{} or `Other`", names.join(", ")),
        };
        return format!(
            "`{}`, selected by `{tag}`: a value with that tag decoded as {before} before",
            v.ty
        );
    }
    // Untagged variants are tried in order: the old ones tried after this one.
    let after: Vec<String> = new
        .iter()
        .skip_while(|w| w.name != v.name)
        .skip(1)
        .filter(|w| w.tag.is_none() && old.iter().any(|o| o.name == w.name && o.tag.is_none()))
        .map(|w| format!("`{}`", w.name))
        .collect();
    if after.is_empty() {
        format!(
            "`{}`, tried after the old variants: only a value that decoded as `Other` can \
             decode as `{}`",
            v.ty, v.name
        )
    } else {
        format!(
            "`{}`, tried before {}: a value that decoded as one of them may now decode as `{}`",
            v.ty,
            after.join(", "),
            v.name
        )
    }
}

fn tag_text(v: &VariantSurface) -> &str {
    v.tag.as_deref().unwrap_or("untagged")
}

/// `Name(type) | …`, the first few variants of a long union.
fn variants_summary(variants: &[VariantSurface]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = variants
        .iter()
        .take(SHOWN)
        .map(|v| format!("{}({})", v.name, v.ty))
        .collect();
    let list = format!("`{}`", shown.join(" | "));
    if variants.len() > SHOWN {
        format!("{list}, … ({} variants)", variants.len())
    } else {
        list
    }
}

/// Variant → API value.
fn variants(values: &[(String, String)]) -> BTreeMap<String, String> {
    values.iter().cloned().collect()
}

fn code(text: &str) -> String {
    format!("`{text}`")
}

fn quoted(value: &str) -> String {
    format!("`{:?}`", value.replace('`', "'"))
}

fn typed(name: &str, ty: &str) -> String {
    format!("`{name}: {ty}`")
}

fn changed(old: &str, new: &str) -> String {
    format!("`{old}` → `{new}`")
}

/// `(a: String, b: bool) -> models::X, N setters`.
fn signature(op: &OperationSurface) -> String {
    let args: Vec<String> = op
        .arguments
        .iter()
        .map(|(n, t)| format!("{n}: {t}"))
        .collect();
    let setters = match op.setters.len() {
        0 => String::new(),
        1 => ", 1 setter".to_owned(),
        k => format!(", {k} setters"),
    };
    format!("`({}) → {}`{setters}", args.join(", "), op.output)
}

fn fields_summary(m: &ModelSurface) -> String {
    match m.fields.len() {
        1 => "1 field".to_owned(),
        k => format!("{k} fields"),
    }
}

/// The values of an enum, the first few of a long one.
fn values_summary(values: &[(String, String)]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|(_, v)| format!("{v:?}"))
        .collect();
    let list = format!("`{}`", shown.join(", ").replace('`', "'"));
    if values.len() > SHOWN {
        format!("{list}, … ({} values)", values.len())
    } else {
        list
    }
}
