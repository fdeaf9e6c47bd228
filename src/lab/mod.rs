//! The lab: a real local server and scripted real clients on 127.0.0.1, traced by the socket
//! tap. Runs on its own tokio runtime thread; views talk to it through [`Lab`] (commands in,
//! [`LabUpdate`]s out) and never block.
//!
//! INTERFACE STUB: the implementation lives in the submodules (server, tap, client, scenario,
//! runner, collector); the types below are the contract used by the GUI, the CLI and tests.

use std::net::SocketAddr;

use crate::trace::{Trace, TraceUpdate};

/// How the lab is set up.
#[derive(Clone, Debug)]
pub struct LabConfig {
    /// Where the lab server listens. Default `127.0.0.1:0` (an ephemeral port, loopback only).
    pub bind: SocketAddr,
    /// Pause between stages in [`RunMode::Run`], so a person can watch the diagram fill in.
    /// 0 for scripts and tests. Presentation only, never used for synchronisation.
    pub pace_ms: u64,
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            pace_ms: 0,
        }
    }
}

/// Run all stages, or one stage per [`LabCommand::Step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    /// All stages back to back.
    Run,
    /// One stage per Step command.
    Step,
}

/// What a view asks the lab to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabCommand {
    /// Start `scenario` (clears the current run).
    Start {
        /// A scenario name from [`scenarios`].
        scenario: String,
        /// Run or step.
        mode: RunMode,
    },
    /// In step mode: run the next stage. In run mode: ignored.
    Step,
    /// Abort the current run and clear its trace (the server keeps running).
    Reset,
}

/// What the lab tells a view.
#[derive(Clone, Debug, PartialEq)]
pub enum LabUpdate {
    /// A run began: the view replaces its trace with `trace` (empty, with source and start).
    RunStarted {
        /// The scenario.
        scenario: String,
        /// Run or step.
        mode: RunMode,
        /// The empty trace the updates apply to.
        trace: Trace,
        /// Every stage's label, in order.
        stages: Vec<String>,
    },
    /// An incremental trace change of the current run.
    Trace(TraceUpdate),
    /// Stage `index` began.
    StageStarted {
        /// 0-based.
        index: usize,
        /// Its label.
        label: String,
    },
    /// Stage `index` finished; `next` is the label of the stage the next Step runs.
    StageDone {
        /// 0-based.
        index: usize,
        /// Its label.
        label: String,
        /// The next stage, `None` when the scenario is complete.
        next: Option<String>,
    },
    /// The run finished (all stages done).
    Finished,
    /// The run failed; the trace so far stays.
    Failed(String),
}

/// A scenario's name and one-line summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// e.g. `"ws-echo"`.
    pub name: &'static str,
    /// One line for `wirelab run --list` and the GUI picker.
    pub summary: &'static str,
}

/// Every scenario, in display order.
pub fn scenarios() -> Vec<ScenarioInfo> {
    Vec::new()
}

/// A running lab: server + runtime thread.
pub struct Lab {
    server_addr: SocketAddr,
}

impl Lab {
    /// Starts the runtime thread and the server. `repaint` is called whenever updates are
    /// waiting (the GUI passes `ctx.request_repaint`).
    pub fn start(config: LabConfig, repaint: Option<Box<dyn Fn() + Send + Sync>>) -> anyhow::Result<Lab> {
        let _ = repaint;
        anyhow::bail!("lab not implemented yet (bind {})", config.bind)
    }

    /// The server's address (the real ephemeral port).
    pub fn server_addr(&self) -> SocketAddr {
        self.server_addr
    }

    /// Sends a command; never blocks.
    pub fn send(&self, cmd: LabCommand) {
        let _ = cmd;
    }

    /// The next waiting update, if any; never blocks.
    pub fn try_recv(&self) -> Option<LabUpdate> {
        None
    }
}

/// Runs `scenario` to completion on a fresh lab and returns its trace (CLI and tests).
/// An unknown name is an error listing the valid ones.
pub fn run_scenario(scenario: &str, config: LabConfig) -> anyhow::Result<Trace> {
    anyhow::bail!("lab not implemented yet: {scenario} on {}", config.bind)
}
