//! Pinned npm packages (Prism, twilio-node), each installed locally into its own
//! git-ignored folder once, with a bounded wait.

use crate::{fail, prism, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long `npm install` may take.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);

/// An npm package at a pinned version, and where to install it.
pub struct Pinned<'a> {
    /// The folder under the workspace root (`.prism`).
    pub folder: &'a str,
    /// The package name (`@stoplight/prism-cli`).
    pub package: &'a str,
    /// The exact version.
    pub version: &'a str,
    /// Whether it also needs `node` (checked with npm before installing).
    pub needs_node: bool,
    /// Extra `npm install` arguments (`--ignore-scripts`).
    pub extra_args: &'a [&'a str],
    /// A file the install must produce, relative to the folder.
    pub produces: &'a str,
    /// Who needs it, for the error message ("Prism").
    pub for_what: &'a str,
}

impl Pinned<'_> {
    /// Installs the package unless the pinned version is there; returns the
    /// folder it was installed into.
    pub fn install(&self, root: &Path) -> Result<PathBuf> {
        let dir = root.join(self.folder);
        let manifest = dir
            .join("node_modules")
            .join(self.package)
            .join("package.json");
        let produced = dir.join(self.produces);
        let installed = fs::read_to_string(&manifest)
            .is_ok_and(|m| m.contains(&format!("\"version\": \"{}\"", self.version)));
        if installed && produced.exists() {
            return Ok(dir);
        }
        let tools: &[&str] = if self.needs_node {
            &["node", "npm"]
        } else {
            &["npm"]
        };
        let tools_ok = tools.iter().all(|tool| {
            Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        if !tools_ok {
            return Err(fail(format!(
                "{} not found: {} needs Node.js and npm (`apt-get install nodejs npm`)",
                tools.join(" or "),
                self.for_what
            )));
        }
        let spec = format!("{}@{}", self.package, self.version);
        eprintln!("installing {spec} into {}/", self.folder);
        fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        let child = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .args(self.extra_args)
            .args(["--loglevel=error", "--prefix"])
            .arg(&dir)
            .arg(&spec)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| fail(format!("cannot run npm: {e}")))?;
        prism::wait_bounded(
            child,
            INSTALL_LIMIT,
            &format!("npm install {}", self.package),
        )?;
        if !produced.exists() {
            return Err(fail(format!(
                "npm install did not produce {}",
                produced.display()
            )));
        }
        Ok(dir)
    }
}
