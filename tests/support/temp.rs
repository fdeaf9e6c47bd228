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
