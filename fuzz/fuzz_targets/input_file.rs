//! The one file a fuzz target's input is written to: the program reads its inputs from paths
//! (the kind of a register is sniffed from the bytes, never from the name).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `name` in a folder of this process's own under the temporary folder, with `data` in it.
pub fn write_input(name: &str, data: &[u8]) -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rehabdocs-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    });
    std::fs::write(path, data).unwrap();
    path
}
