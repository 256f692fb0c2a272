//! Running one of the Node.js scripts in `node/` (against the pinned twilio-node
//! package) with a bounded wait, for the tests that compare with twilio-node.

use serde_json::Value;
use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a script may take.
const NODE_LIMIT: Duration = Duration::from_secs(120);

/// Runs `node node/<script> <args…> <output>` and returns the JSON it wrote to
/// `output`; panics if node is missing, fails, or runs past [`NODE_LIMIT`].
pub fn run_script(script: &str, args: &[&OsStr], output: &Path) -> Value {
    let _ = fs::remove_file(output);
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("node")
        .join(script);
    let mut child = Command::new("node")
        .arg(&script)
        .args(args)
        .arg(output)
        .stdin(Stdio::null())
        .spawn()
        .expect("cannot run node (Node.js is needed for this test)");
    let deadline = Instant::now() + NODE_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("node did not finish within {}s", NODE_LIMIT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "node {} failed: {status}",
        script.display()
    );
    serde_json::from_slice(&fs::read(output).unwrap()).unwrap()
}
