//! Driving a lab from a test: its configuration, applying its updates to a trace until a
//! condition holds, and a request from outside the lab's scenario.
#![allow(dead_code)] // each test file uses the part it needs

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use wirelab::lab::{CaptureMode, Lab, LabConfig, LabUpdate};
use wirelab::trace::Trace;

/// A lab observed by the socket tap alone (no packets), so that what it records does not
/// depend on capture permission.
pub fn socket_lab() -> LabConfig {
    LabConfig {
        capture: CaptureMode::Socket,
        ..LabConfig::default()
    }
}

/// What [`pump`] does with trace updates that come before the first `RunStarted`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Early {
    /// They fail the test: a fresh lab says `RunStarted` before anything of its run.
    Fail,
    /// They are dropped: after a Reset, updates of the abandoned run may still be on their
    /// way before the next run's `RunStarted`.
    Skip,
}

/// Applies the lab's updates to `trace` (set by each `RunStarted`) until `done` says so;
/// panics after `limit`, on a failed run, or on a trace update before the first `RunStarted`.
pub fn pump(
    lab: &Lab,
    trace: &mut Option<Trace>,
    limit: Duration,
    done: impl FnMut(&LabUpdate, &Trace) -> bool,
) {
    pump_with(lab, trace, limit, Early::Fail, done);
}

/// [`pump`] for a lab whose earlier run may still be sending: trace updates before a
/// `RunStarted` are dropped while `trace` is `None`.
pub fn pump_across_runs(
    lab: &Lab,
    trace: &mut Option<Trace>,
    limit: Duration,
    done: impl FnMut(&LabUpdate, &Trace) -> bool,
) {
    pump_with(lab, trace, limit, Early::Skip, done);
}

fn pump_with(
    lab: &Lab,
    trace: &mut Option<Trace>,
    limit: Duration,
    early: Early,
    mut done: impl FnMut(&LabUpdate, &Trace) -> bool,
) {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out waiting for the lab; trace so far: {trace:#?}"
        );
        let Some(update) = lab.recv_timeout(left.min(Duration::from_millis(200))) else {
            continue;
        };
        match &update {
            LabUpdate::RunStarted { trace: t, .. } => *trace = Some(t.clone()),
            LabUpdate::Trace(u) => match (trace.as_mut(), early) {
                (Some(t), _) => t.apply(u.clone()),
                (None, Early::Skip) => {}
                (None, Early::Fail) => panic!("a trace update before the run started: {u:?}"),
            },
            LabUpdate::Failed(message) => panic!("the run failed: {message}"),
            _ => {}
        }
        if let Some(t) = trace.as_ref()
            && done(&update, t)
        {
            return;
        }
    }
}

/// One whole `GET /hello` on a connection of its own to `server` (not one of the scenario's
/// clients); returns the reply.
pub fn get_hello(server: SocketAddr) -> String {
    let mut other = TcpStream::connect(server).unwrap();
    other
        .write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    other.read_to_string(&mut reply).unwrap();
    reply
}
