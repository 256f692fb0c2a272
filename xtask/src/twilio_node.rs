//! twilio-node, the reference for webhook signature validation: the npm package
//! `twilio` at a pinned version, installed locally with npm into `.twilio-node/`
//! (git-ignored) once, with a bounded wait. The agreement test
//! (`tests/client/tests/webhooks_node.rs`) runs its cases through it.

use crate::{fail, prism, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The pinned twilio-node version.
pub const VERSION: &str = "6.2.0";
/// The variable that tells the agreement test where the package is.
pub const DIR_VAR: &str = "TWILIO_NODE_DIR";
/// How long `npm install` may take.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);

/// Installs the pinned `twilio` package into `.twilio-node/` unless it is there;
/// returns the package's folder (`.twilio-node/node_modules/twilio`).
pub fn install(root: &Path) -> Result<PathBuf> {
    let dir = root.join(".twilio-node");
    let package = dir.join("node_modules/twilio");
    let script = package.join("lib/webhooks/webhooks.js");
    let installed = fs::read_to_string(package.join("package.json"))
        .is_ok_and(|m| m.contains(&format!("\"version\": \"{VERSION}\"")));
    if installed && script.exists() {
        return Ok(package);
    }
    let node_ok = ["node", "npm"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !node_ok {
        return Err(fail(
            "node or npm not found: the webhook agreement test needs Node.js and npm \
             (`apt-get install nodejs npm`)",
        ));
    }
    eprintln!("installing twilio@{VERSION} into .twilio-node/");
    fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let child = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&dir)
        .arg(format!("twilio@{VERSION}"))
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| fail(format!("cannot run npm: {e}")))?;
    prism::wait_bounded(child, INSTALL_LIMIT, "npm install twilio")?;
    if !script.exists() {
        return Err(fail(format!(
            "npm install did not produce {}",
            script.display()
        )));
    }
    Ok(package)
}
