//! The generated tree's layout, read from `specs/crates.toml` and the disk.

use crate::{fail, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// One API crate of `generated/`.
#[derive(Clone, Debug)]
pub struct ApiCrate {
    /// Package name, for example `twilio-rest-flex-v1`.
    pub name: String,
    /// Its spec, relative to the workspace root.
    pub spec: PathBuf,
}

/// The crates of `generated/` and the facade.
#[derive(Debug)]
pub struct Layout {
    /// The facade's package name.
    pub facade: String,
    /// Every API crate, in `crates.toml` order.
    pub crates: Vec<ApiCrate>,
    /// The spec file names the facade enables by default.
    default_specs: Vec<String>,
}

impl Layout {
    /// Reads `specs/crates.toml` under `root`.
    pub fn read(root: &Path) -> Result<Layout> {
        let path = root.join("specs").join("crates.toml");
        let text =
            fs::read_to_string(&path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| fail(format!("{}: {e}", path.display())))?;
        Layout::from_table(&table).map_err(|e| fail(format!("{}: {e}", path.display())))
    }

    fn from_table(table: &toml::Table) -> Result<Layout> {
        let facade = table
            .get("facade")
            .and_then(|f| f.get("name"))
            .and_then(|n| n.as_str())
            .ok_or_else(|| fail("no [facade] name"))?
            .to_owned();
        let default_specs = table
            .get("facade")
            .and_then(|f| f.get("default"))
            .and_then(|d| d.as_array())
            .map(|d| {
                d.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let crates = table
            .get("crate")
            .and_then(|c| c.as_array())
            .ok_or_else(|| fail("no [[crate]] entries"))?
            .iter()
            .map(|c| {
                let field = |key: &str| {
                    c.get(key)
                        .and_then(|v| v.as_str())
                        .ok_or_else(|| fail(format!("a [[crate]] without {key}")))
                };
                Ok(ApiCrate {
                    name: field("name")?.to_owned(),
                    spec: Path::new("specs").join(field("spec")?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Layout {
            facade,
            crates,
            default_specs,
        })
    }

    /// The API crates the facade enables by default.
    pub fn default_crates(&self) -> Vec<&ApiCrate> {
        self.crates
            .iter()
            .filter(|c| {
                c.spec
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| self.default_specs.iter().any(|d| d == n))
            })
            .collect()
    }

    /// The API crates called `names`, in that order.
    pub fn named(&self, names: &[String]) -> Result<Vec<&ApiCrate>> {
        names
            .iter()
            .map(|name| {
                self.crates
                    .iter()
                    .find(|c| &c.name == name)
                    .ok_or_else(|| fail(format!("specs/crates.toml has no crate {name}")))
            })
            .collect()
    }

    /// The `n` largest API crates by the size of their generated sources.
    pub fn largest(&self, root: &Path, n: usize) -> Result<Vec<&ApiCrate>> {
        let mut sized = self
            .crates
            .iter()
            .map(|c| Ok((source_bytes(&root.join("generated").join(&c.name))?, c)))
            .collect::<Result<Vec<_>>>()?;
        sized.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        Ok(sized.into_iter().take(n).map(|(_, c)| c).collect())
    }
}

/// The bytes of the `.rs` files under `dir/src`.
fn source_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    let mut stack = vec![dir.join("src")];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| {
            fail(format!(
                "{}: {e} (run `cargo xtask codegen`)",
                dir.display()
            ))
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(format!("{}: {e}", dir.display())))?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += entry
                    .metadata()
                    .map_err(|e| fail(format!("{}: {e}", path.display())))?
                    .len();
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_crates_and_the_default_ones() {
        let table: toml::Table = r#"
            [facade]
            name = "facade"
            default = ["b.yaml"]
            [[crate]]
            spec = "a.yaml"
            name = "crate-a"
            [[crate]]
            spec = "b.yaml"
            name = "crate-b"
        "#
        .parse()
        .unwrap();
        let layout = Layout::from_table(&table).unwrap();
        assert_eq!(layout.facade, "facade");
        assert_eq!(layout.crates.len(), 2);
        assert_eq!(layout.crates[0].spec, Path::new("specs/a.yaml"));
        let names: Vec<&str> = layout
            .default_crates()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["crate-b"]);
    }

    #[test]
    fn refuses_a_table_without_a_facade() {
        let table: toml::Table = "[[crate]]\nspec = \"a.yaml\"\nname = \"a\"\n"
            .parse()
            .unwrap();
        assert!(Layout::from_table(&table).is_err());
    }
}
