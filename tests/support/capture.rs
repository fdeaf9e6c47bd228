//! Capture permission for the tests that capture packets on `lo` in their own process.
//!
//! A test that cannot capture does not pass quietly: it fails, saying what is missing and how
//! to provide it, unless `WIRELAB_SKIP_CAPTURE=1` is set. Then it passes, and what it skipped
//! is appended to [`SKIPPED_FILE`], which `make test` prints after the run.
#![allow(dead_code)] // each test file uses the part it needs

use std::io::Write as _;

use wirelab::capture::live::{LiveCapture, LiveError, LiveMode, LiveOptions};

/// The environment variable that turns "cannot capture" from a failure into a skip.
pub const SKIP_CAPTURE_ENV: &str = "WIRELAB_SKIP_CAPTURE";

/// Where skipped tests are listed, one line each (`make test` prints and removes it).
pub const SKIPPED_FILE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/wirelab-skipped.txt");

/// How to get capture permission, for the failure message.
pub const HOW_TO_CAPTURE: &str = "run the tests as root (CI does), or give the test binaries the \
capability with `make setcap-tests` (setcap cap_net_raw,cap_net_admin=eip on each test binary; \
re-run it after every build), or set WIRELAB_SKIP_CAPTURE=1 to skip the capture tests \
(the skip is listed at the end of `make test`)";

/// Whether the opt-out is set.
pub fn opted_out() -> bool {
    std::env::var(SKIP_CAPTURE_ENV).is_ok_and(|v| v == "1")
}

/// Notes that `test` skipped `what` because of `why` (only with the opt-out set).
pub fn record_skip(test: &str, why: &str) {
    let line = format!("{test}: skipped ({SKIP_CAPTURE_ENV}=1): {why}");
    eprintln!("{line}");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(SKIPPED_FILE)
    {
        let _ = writeln!(f, "{line}");
    }
}

/// What a test may do about packet capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// This process may capture on `lo`: run the test.
    Permitted,
    /// It may not, and `WIRELAB_SKIP_CAPTURE=1` says to skip (already recorded).
    Skipped,
}

/// Probes capture on `lo`. Without permission `test` fails with how to grant it, unless the
/// opt-out is set; any other capture error fails.
pub fn require_capture(test: &str) -> Capture {
    let why = if cfg!(target_os = "linux") {
        let probe = LiveCapture::start_with(
            LiveOptions {
                device: "lo".to_string(),
                filter: "tcp port 9".to_string(),
                write: None,
            },
            LiveMode::TcpEvents,
            None,
        );
        match probe {
            Ok(_) => return Capture::Permitted,
            Err(LiveError::Permission { detail, .. }) => {
                format!("no permission to capture packets on lo ({detail})")
            }
            Err(other) => {
                panic!("{test}: packet capture failed for another reason than permission: {other}")
            }
        }
    } else {
        "this test captures on Linux's `lo`; this is not Linux".to_string()
    };
    if opted_out() {
        record_skip(test, &why);
        return Capture::Skipped;
    }
    panic!("{test} cannot do its job: {why}.\nTo run it, {HOW_TO_CAPTURE}.");
}

/// Fails `test` when `tool` is missing, naming what to install (`install`).
pub fn require_tool(test: &str, tool: &str, install: &str) {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok();
    assert!(
        found,
        "{test} cannot do its job: `{tool}` is missing; install {install}"
    );
}
