//! Without capture permission (a user with no CAP_NET_RAW), the real binary says exactly why
//! and how to grant it, and goes on: the lab runs on the socket tap, files open as usual.
//! As root the test drops to `nobody` with `setpriv` (util-linux), every capability cleared,
//! running a copy of the binary that user may execute.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `wirelab ARGS` as an unprivileged user; `None` when that cannot be arranged here.
fn run_unprivileged(args: &[&str]) -> Option<Output> {
    let exe = Path::new(env!("CARGO_BIN_EXE_wirelab"));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        // Already unprivileged (and a plain build carries no file capabilities).
        return Command::new(exe).args(args).output().ok();
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("setpriv (util-linux) is missing: cannot drop root for this test");
        return None;
    }
    // A copy `nobody` may execute: the build directory usually sits under /root.
    // One directory per call: the tests of this file run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("wirelab-noperm-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy: PathBuf = dir.join("wirelab");
    std::fs::copy(exe, &copy).unwrap();
    let open = |p: &Path, mode: &str| {
        Command::new("chmod").arg(mode).arg(p).status().unwrap();
    };
    open(&dir, "755");
    open(&copy, "755");
    let output = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ])
        .arg(&copy)
        .args(args)
        .env("HOME", &dir)
        .current_dir(&dir)
        .output()
        .ok();
    std::fs::remove_dir_all(&dir).ok();
    output
}

#[test]
fn live_capture_without_permission_says_how_to_grant_it() {
    let Some(out) = run_unprivileged(&["capture", "-i", "lo", "--duration", "0.2"]) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("no permission to capture on lo"),
        "{stderr}"
    );
    assert!(
        stderr.contains("setcap cap_net_raw,cap_net_admin=eip"),
        "{stderr}"
    );
    assert!(stderr.contains("never needs to run as root"), "{stderr}");
}

#[test]
fn the_lab_goes_on_with_the_socket_tap_and_says_why() {
    let Some(out) = run_unprivileged(&["run", "ws-echo", "--no-color"]) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("socket tap only"), "{stderr}");
    assert!(stderr.contains("setcap"), "{stderr}");
    assert!(stdout.contains("observed at the socket"), "{stdout}");
    assert!(stdout.contains("101 Switching Protocols"), "{stdout}");
}

#[test]
fn files_open_without_permission() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/ws_python_echo.pcap");
    // `nobody` must be able to read it: copy it next to the binary's copy when dropping root.
    let dir = std::env::temp_dir().join(format!("wirelab-noperm-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("capture.pcap");
    std::fs::copy(&fixture, &copy).unwrap();
    Command::new("chmod").arg("755").arg(&dir).status().unwrap();
    Command::new("chmod")
        .arg("644")
        .arg(&copy)
        .status()
        .unwrap();
    let out = run_unprivileged(&["inspect", copy.to_str().unwrap(), "--summary"]);
    std::fs::remove_dir_all(&dir).ok();
    let Some(out) = out else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("22 WebSocket messages"), "{stdout}");
}
