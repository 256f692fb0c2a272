//! twilio-node, the reference for webhook signature validation and for the
//! requests each operation sends: the npm package `twilio` at a pinned version,
//! installed locally with npm into `.twilio-node/` (git-ignored) once, with a
//! bounded wait. The agreement test (`tests/client/tests/webhooks_node.rs`) and the
//! differential test (`tests/client/tests/differential_node.rs`) run through it.

use crate::Result;
use std::path::{Path, PathBuf};

/// The pinned twilio-node version.
pub const VERSION: &str = "6.2.0";
/// The variable that tells the agreement test where the package is.
pub const DIR_VAR: &str = "TWILIO_NODE_DIR";
/// Installs the pinned `twilio` package into `.twilio-node/` unless it is there;
/// returns the package's folder (`.twilio-node/node_modules/twilio`).
pub fn install(root: &Path) -> Result<PathBuf> {
    let pinned = crate::npm::Pinned {
        folder: ".twilio-node",
        package: "twilio",
        version: VERSION,
        needs_node: true,
        extra_args: &["--ignore-scripts"],
        produces: "node_modules/twilio/lib/webhooks/webhooks.js",
        for_what: "each twilio-node comparison",
    };
    Ok(pinned.install(root)?.join("node_modules/twilio"))
}
