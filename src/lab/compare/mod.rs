//! SHIM (temporary, removed before merging the engine).
#![allow(missing_docs)]
use std::time::Duration;

use super::link::LinkConditions;
use crate::lang::Lang;
use crate::trace::Trace;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    Regular,
    Random { seed: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub events: u32,
    pub interval: Duration,
    pub timing: Timing,
    pub payload_bytes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareConfig {
    pub workload: Workload,
    pub poll_interval: Duration,
    pub keep_alive: bool,
    pub link: LinkConditions,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            workload: Workload {
                events: 10,
                interval: Duration::from_millis(500),
                timing: Timing::Regular,
                payload_bytes: 57,
            },
            poll_interval: Duration::from_millis(250),
            keep_alive: true,
            link: LinkConditions::default(),
        }
    }
}

pub struct Preset {
    pub name: &'static str,
}

impl Preset {
    pub fn config(&self) -> CompareConfig {
        CompareConfig::default()
    }
    pub fn summary(&self, _lang: Lang) -> &'static str {
        self.name
    }
}

pub fn presets() -> &'static [Preset] {
    &[
        Preset { name: "lubbers" },
        Preset { name: "abril" },
        Preset { name: "classroom" },
    ]
}

pub mod report {
    use super::*;
    pub fn to_csv(_trace: &Trace, _config: &CompareConfig) -> String {
        String::new()
    }
    pub fn to_json(_trace: &Trace, _config: &CompareConfig) -> Result<String, String> {
        Ok("{}".into())
    }
}

pub fn command(_config: CompareConfig) -> super::LabCommand {
    super::LabCommand::Start {
        scenario: "short-poll".into(),
        mode: super::RunMode::Run,
    }
}
