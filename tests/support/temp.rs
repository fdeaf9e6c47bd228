//! Scratch folders for tests, under Cargo's per-target temporary folder and removed when the
//! guard drops (a failing test too: the guard drops while the panic unwinds).
#![allow(dead_code)] // each test file uses the part it needs

use tempfile::TempDir;

/// A fresh folder named after `what`, removed with everything in it when the guard drops.
pub fn dir(what: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("wirelab-{what}-"))
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a scratch folder under CARGO_TARGET_TMPDIR")
}

/// A path for a file named after `what` (with its extension), under Cargo's per-target
/// temporary folder, removed (if it was written) when it drops: for what a command writes.
pub fn path(what: &str) -> tempfile::TempPath {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("wirelab-{}-{n}-{what}", std::process::id());
    tempfile::TempPath::try_from_path(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name))
        .expect("CARGO_TARGET_TMPDIR is absolute")
}
