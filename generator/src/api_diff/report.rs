//! The report of a set of changes: counts, each crate's bump and version, and
//! the Markdown for a pull request.

use super::{ApiDiff, Bump, Change, Class};
use crate::plan::packages::Layout;
use std::fmt::Write as _;

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
