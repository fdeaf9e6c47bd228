//! Comparing a capture's dissection with an independent reference, fact by fact.
#![allow(dead_code)] // each test file uses the part it needs

use std::collections::{BTreeMap, BTreeSet};

/// One comparable line per fact, grouped by (stream, category) so that the order within a
/// category matters but the interleaving of categories (e.g. the two directions) does not.
pub type Facts = BTreeMap<(u64, String), Vec<String>>;

/// Adds `line` to the facts of `stream`'s `category`.
pub fn push(facts: &mut Facts, stream: u64, category: &str, line: String) {
    facts
        .entry((stream, category.to_string()))
        .or_default()
        .push(line);
}

/// Fails, listing each (stream, category) whose facts differ, unless `ours` equals
/// `expected`; the message starts `{what}:`.
pub fn assert_same_facts(expected: &Facts, ours: &Facts, what: &str) {
    let mut problems = Vec::new();
    for key in expected.keys().chain(ours.keys()).collect::<BTreeSet<_>>() {
        let (e, a) = (expected.get(key), ours.get(key));
        if e != a {
            problems.push(format!(
                "stream {} {}:\n  expected {:#?}\n  ours     {:#?}",
                key.0,
                key.1,
                e.cloned().unwrap_or_default(),
                a.cloned().unwrap_or_default()
            ));
        }
    }
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

/// Lowercase hex without separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
