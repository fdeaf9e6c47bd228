//! Reading whole files: traces, summaries, errors.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::trace::EventKind;

pub(super) fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// A path in the temporary folder, removed (if it was written) when it drops.
pub(super) fn temp(name: &str) -> tempfile::TempPath {
    tempfile::TempPath::try_from_path(
        std::env::temp_dir().join(format!("wirelab-file-{}-{name}", std::process::id())),
    )
    .expect("an absolute path")
}

#[test]
fn a_cut_file_shows_what_it_holds_and_says_where_it_ends() {
    let path = &fixtures()[0];
    let bytes = std::fs::read(path).expect("fixture");
    let cut = temp("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 3]).expect("temp file");
    let (trace, stats) = read_file(&cut, false).expect("readable in part");
    assert!(stats.packets > 0);
    let last = trace.events.last().expect("events");
    assert!(
        matches!(&last.kind, EventKind::Diagnostic { message, .. }
            if message.contains("ends early") && message.contains("truncated dump file")),
        "{last:?}"
    );
}

#[test]
fn summaries_count_what_the_trace_holds_on_any_number_of_threads() {
    for path in fixtures() {
        let (trace, stats) = read_file(&path, false).expect("fixture readable");
        let mut expected: HashMap<&'static str, u64> = HashMap::new();
        for e in &trace.events {
            *expected.entry(e.kind.name()).or_default() += 1;
        }
        let mut expected: Vec<(&'static str, u64)> = expected.into_iter().collect();
        expected.sort_unstable();
        for threads in [1, 2, 3] {
            let summary = summarize_file(&path, threads).expect("fixture readable");
            assert_eq!(summary.events, expected, "{} {threads}", path.display());
            assert_eq!(summary.stats, stats);
            assert_eq!(summary.connections, trace.connections.len() as u64);
        }
    }
}

#[test]
fn unreadable_files_are_one_error() {
    let missing = temp("missing.pcap");
    assert!(matches!(
        read_file(&missing, false),
        Err(FileError::Open { .. })
    ));
    assert!(matches!(
        summarize_file(&missing, 2),
        Err(FileError::Open { .. })
    ));
}
