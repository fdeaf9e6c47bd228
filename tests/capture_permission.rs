//! Without capture permission (a user with no CAP_NET_RAW), the real binary says exactly why
//! and how to grant it, and goes on: the lab runs on the socket tap, files open as usual.
//! As root the test drops to `nobody` with `setpriv` (util-linux), every capability cleared,
//! running a copy of the binary that user may execute; without `setpriv` it fails, saying what
//! to install.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

/// Runs `wirelab ARGS` as an unprivileged user, from a copy of the binary (a copy carries no
/// file capabilities, so `make setcap` does not hide the case). As root that needs `setpriv`;
/// when it is missing or the run cannot be spawned the test fails, saying so.
fn run_unprivileged(args: &[&str]) -> Output {
    let exe = Path::new(env!("CARGO_BIN_EXE_wirelab"));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .expect("`id -u` (coreutils) must run to tell whether this is root");
    if is_root {
        assert!(
            Command::new("setpriv").arg("--version").output().is_ok(),
            "as root this test drops to `nobody` with setpriv, which is missing: \
             install util-linux (Debian: apt-get install util-linux)"
        );
    }
    // A copy `nobody` may execute: the build directory usually sits under /root.
    // One directory per call (the tests of this file run in parallel), removed with the
    // copy when the call returns; in the system's temporary folder, where `nobody` may go.
    let scratch = tempfile::Builder::new()
        .prefix("wirelab-noperm-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let copy: PathBuf = dir.join("wirelab");
    std::fs::copy(exe, &copy).unwrap();
    let open = |p: &Path, mode: &str| {
        Command::new("chmod").arg(mode).arg(p).status().unwrap();
    };
    open(dir, "755");
    open(&copy, "755");
    let mut command = if is_root {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ])
        .arg(&copy);
        c
    } else {
        // Already unprivileged.
        Command::new(&copy)
    };
    let output = command
        .args(args)
        .env("HOME", dir)
        .current_dir(dir)
        .output();
    output.unwrap_or_else(|e| panic!("cannot run {} {args:?} unprivileged: {e}", copy.display()))
}

#[test]
fn live_capture_without_permission_says_how_to_grant_it() {
    let out = run_unprivileged(&["capture", "-i", "lo", "--duration", "0.2"]);
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
    let out = run_unprivileged(&["run", "ws-echo", "--no-color"]);
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
    let fixture = support::fixtures::shared_dir().join("ws_python_echo.pcap");
    // `nobody` must be able to read it: copy it next to the binary's copy when dropping root.
    let scratch = tempfile::Builder::new()
        .prefix("wirelab-noperm-file-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let copy = dir.join("capture.pcap");
    std::fs::copy(&fixture, &copy).unwrap_or_else(|e| {
        panic!(
            "the shared fixture {} is missing ({e}): it sits beside the checkout in \
             ../shared/fixtures (its README says how it was made)",
            fixture.display()
        )
    });
    Command::new("chmod").arg("755").arg(dir).status().unwrap();
    Command::new("chmod")
        .arg("644")
        .arg(&copy)
        .status()
        .unwrap();
    let out = run_unprivileged(&["inspect", copy.to_str().unwrap(), "--summary"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("22 WebSocket messages"), "{stdout}");
}
