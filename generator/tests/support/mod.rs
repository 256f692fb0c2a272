//! What the tests share: the repository's templates, read as the xtask reads them.

use std::path::Path;
use twilio_codegen::Templates;

/// Every template in the repository's `templates/`, named as the generator expects.
pub fn templates() -> Templates {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
    Templates::REQUIRED
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.j2"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (*name, text)
        })
        .collect()
}
