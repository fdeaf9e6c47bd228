//! Step mode watched stage by stage, with a barrier that proves the server had its chance
//! (see [`Stepper`]). Used by `lab_scenarios.rs`.
#![allow(dead_code)] // each test file uses the part it needs

use std::time::{Duration, Instant};

use wirelab::lab::{Lab, LabCommand, LabUpdate, RunMode};

use super::lab::socket_lab;
use wirelab::trace::{Dir, EventKind, Side, Trace};

/// What the server has said on connection `conn`: its HTTP responses, frames and messages, and
/// a TCP close it initiated.
fn said(t: &Trace, conn: u32) -> usize {
    t.events
        .iter()
        .filter(|e| e.conn == Some(conn))
        .filter(|e| {
            (e.dir == Some(Dir::S2c)
                && matches!(
                    e.kind,
                    EventKind::HttpResponse { .. }
                        | EventKind::WsFrame { .. }
                        | EventKind::WsMessage { .. }
                ))
                || matches!(
                    e.kind,
                    EventKind::TcpClose {
                        initiator: Some(Side::Server),
                        ..
                    }
                )
        })
        .count()
}

/// A step-mode run watched stage by stage. The barrier after a client stage: the lab's
/// `ServerHeld` for the connection, received after the stage's bytes reached the server (a
/// `Bytes` update client → server clears it), proves the handler read them, had its chance to
/// answer and is waiting on its gate; whatever it had said would be in the updates before it.
pub struct Stepper {
    lab: Lab,
    trace: Option<Trace>,
    /// Per connection: held by its gate since the last bytes from its client.
    held: std::collections::HashMap<u32, bool>,
}

impl Stepper {
    pub fn start(scenario: &str) -> Stepper {
        let lab = Lab::start(socket_lab(), None).unwrap();
        lab.send(LabCommand::Start {
            scenario: scenario.to_string(),
            mode: RunMode::Step,
        });
        let mut stepper = Stepper {
            lab,
            trace: None,
            held: Default::default(),
        };
        stepper.pump("the run to start", |u, _| {
            matches!(u, LabUpdate::RunStarted { .. })
        });
        stepper
    }

    /// Applies updates until `done`; panics after 20 s.
    fn pump(&mut self, what: &str, mut done: impl FnMut(&LabUpdate, &Stepper) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            let Some(update) = self.lab.recv_timeout(left.min(Duration::from_millis(200))) else {
                continue;
            };
            match &update {
                LabUpdate::RunStarted { trace, .. } => self.trace = Some(trace.clone()),
                LabUpdate::Trace(u) => {
                    if let wirelab::trace::TraceUpdate::Bytes {
                        conn,
                        dir: Dir::C2s,
                        ..
                    } = u
                    {
                        self.held.insert(*conn, false);
                    }
                    self.trace.as_mut().unwrap().apply(u.clone());
                }
                LabUpdate::ServerHeld { conn } => {
                    self.held.insert(*conn, true);
                }
                LabUpdate::Failed(message) => panic!("the run failed: {message}"),
                _ => {}
            }
            if done(&update, self) {
                return;
            }
        }
    }

    pub fn trace(&self) -> &Trace {
        self.trace.as_ref().unwrap()
    }

    /// The connection of the scenario's client `label`.
    fn conn(&self, label: &str) -> u32 {
        self.trace()
            .connections
            .iter()
            .find(|c| c.label.as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no connection of {label}"))
            .id
    }

    /// What the server has said on every connection so far.
    fn said_all(&self) -> Vec<usize> {
        let t = self.trace();
        t.connections.iter().map(|c| said(t, c.id)).collect()
    }

    /// Runs every stage: after each client stage whose answer is a server stage, waits for the
    /// barrier and asserts that the server said nothing meanwhile (on any connection); after
    /// each server stage, asserts that it said something to every client it released.
    pub fn step_through(&mut self, scenario: &str) {
        use wirelab::lab::scenario::{Action, Actor};
        let spec = wirelab::lab::scenario::scenario(scenario).unwrap();
        let mut held_barriers = 0;
        for (i, stage) in spec.stages.iter().enumerate() {
            let before = self.said_all();
            self.lab.send(LabCommand::Step);
            self.pump(
                &format!("stage {i} {}", stage.label.en),
                |u, _| matches!(u, LabUpdate::StageDone { index, .. } if *index == i),
            );
            match (&stage.actor, &stage.action) {
                (Actor::Client(c), _) => {
                    let answered = spec.stages.get(i + 1).is_some_and(
                        |next| matches!(&next.action, Action::Release(to) if to.contains(c)),
                    );
                    if answered {
                        let conn = self.conn(spec.clients[*c]);
                        // It may have come before the StageDone already.
                        if self.held.get(&conn) != Some(&true) {
                            self.pump(
                                &format!(
                                    "the server to be held after stage {i} {}",
                                    stage.label.en
                                ),
                                |_, s| s.held.get(&conn) == Some(&true),
                            );
                        }
                        held_barriers += 1;
                    }
                    let after = self.said_all();
                    assert_eq!(
                        after[..before.len()],
                        before[..],
                        "stage {i} {}: the server waits for its own stage",
                        stage.label.en
                    );
                }
                (Actor::Server, Action::Release(to)) => {
                    let after = self.said_all();
                    for c in to {
                        let conn = self.conn(spec.clients[*c]) as usize;
                        assert!(
                            after[conn] > before.get(conn).copied().unwrap_or(0),
                            "stage {i} {}: the server said nothing to {}",
                            stage.label.en,
                            spec.clients[*c]
                        );
                    }
                }
                (Actor::Server, _) => unreachable!("a server stage releases clients"),
            }
        }
        assert!(held_barriers > 0, "{scenario}: no barrier was ever checked");
        self.pump("the run to finish", |u, _| *u == LabUpdate::Finished);
    }
}
