//! The scale run from the command line: N clients per technique, the Lubbers-style table,
//! `--json OUT` (docs/scale.md). `wirelab compare --clients N` (N > 1) comes here with the
//! compare run's workload (a preset's too); the hidden `wirelab scale` has the options a
//! measurement needs besides (`--techniques`, `--ramp`, `--no-idle`); the hidden
//! `wirelab loadgen` is the run's child process.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;

use super::CompareArgs;
use crate::lab::push_client::KeepAlive;
use crate::lab::scale::{self, Head, IdleProbe, MAX_CLIENTS, ScaleConfig, ScaleTechnique, table};
use crate::lang::Lang;

/// Options of the scale run.
#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// Clients per technique.
    #[arg(long, default_value_t = 1_000)]
    pub clients: u32,
    /// The techniques, comma-separated: short-poll, long-poll, sse, websocket.
    #[arg(long, value_delimiter = ',', default_value = "short-poll,long-poll,sse,websocket", value_parser = parse_technique)]
    pub techniques: Vec<ScaleTechnique>,
    /// Events per technique.
    #[arg(long, default_value_t = 10)]
    pub events: u32,
    /// Milliseconds between two events.
    #[arg(long, default_value_t = 1_000)]
    pub interval_ms: u64,
    /// Each event's payload, in bytes.
    #[arg(long, default_value_t = 16)]
    pub payload_bytes: usize,
    /// Short polling's interval, in milliseconds.
    #[arg(long, default_value_t = 1_000)]
    pub poll_ms: u64,
    /// Clients started per second.
    #[arg(long, default_value_t = 2_000)]
    pub ramp: u32,
    /// Skip measuring the server's memory per idle WebSocket connection.
    #[arg(long)]
    pub no_idle: bool,
    /// Write the report (JSON) to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

fn parse_technique(name: &str) -> Result<ScaleTechnique, String> {
    ScaleTechnique::from_name(name).ok_or_else(|| {
        format!("unknown technique {name:?}: use short-poll, long-poll, sse or websocket")
    })
}

impl ScaleArgs {
    /// The run these options ask for, with this executable as the load generator.
    pub fn config(&self) -> anyhow::Result<ScaleConfig> {
        let loadgen = std::env::current_exe().context("finding the wirelab executable")?;
        Ok(ScaleConfig {
            techniques: self.techniques.clone(),
            clients: self.clients,
            events: self.events,
            interval: Duration::from_millis(self.interval_ms.max(1)),
            payload_bytes: self.payload_bytes,
            poll_every: Duration::from_millis(self.poll_ms.max(1)),
            ramp_per_sec: self.ramp.max(1),
            idle: if self.no_idle {
                IdleProbe::Skip
            } else {
                IdleProbe::Measure
            },
            ..ScaleConfig::new(loadgen)
        })
    }
}

/// `wirelab compare --clients N`: the scale run of the compare run's workload.
pub(super) fn run(args: &CompareArgs, lang: Lang) -> anyhow::Result<()> {
    let clients = u32::try_from(args.clients)
        .ok()
        .filter(|n| *n <= MAX_CLIENTS)
        .with_context(|| format!("--clients {}: at most {MAX_CLIENTS}", args.clients))?;
    anyhow::ensure!(
        args.csv.is_none() && args.trace.is_none(),
        "--csv and --trace are not kept by the scale run (it counts bytes, it keeps no trace): use --json"
    );
    let preset = super::compare::preset(args)?;
    let compare = super::compare::config(args, preset)?;
    anyhow::ensure!(
        compare.keep_alive == KeepAlive::On,
        "--keep-alive off: the scale run polls on persistent connections ({clients} clients opening one connection per poll would run out of ports)"
    );
    if compare.link.is_emulated() {
        eprintln!(
            "{}",
            match lang {
                Lang::En => "note: the link conditions are not emulated in the scale run",
                Lang::Zh => "注意：规模测试不模拟链路条件",
            }
        );
    }
    let exe = std::env::current_exe().context("finding the wirelab executable")?;
    let config = ScaleConfig {
        clients,
        events: compare.workload.events,
        interval: compare.workload.interval,
        payload_bytes: compare.workload.payload_bytes,
        timing: compare.workload.timing,
        poll_every: compare.poll_every,
        head: Head::of(compare.head),
        ..ScaleConfig::new(exe)
    };
    print_run(&config, args.json.as_deref(), lang)
}

/// The hidden `wirelab scale`.
pub(super) fn run_scale(args: &ScaleArgs, lang: Lang) -> anyhow::Result<()> {
    print_run(&args.config()?, args.json.as_deref(), lang)
}

/// Runs the scale run and prints its table (progress on stderr), and the JSON if asked.
fn print_run(
    config: &ScaleConfig,
    json: Option<&std::path::Path>,
    lang: Lang,
) -> anyhow::Result<()> {
    let mut last = None;
    let report = scale::run(config, |p| {
        let key = (p.step, p.connected / 500, p.finished / 500);
        if last != Some(key) {
            last = Some(key);
            eprint!(
                "\r{} {:?}: {}/{} connected, {} done   ",
                p.technique.name(),
                p.phase,
                p.connected,
                p.clients,
                p.finished
            );
        }
    })?;
    eprintln!();
    print!("{}", table::render(&report, lang));
    if let Some(path) = json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The load generator's side (`wirelab loadgen`).
pub(super) fn loadgen() -> anyhow::Result<()> {
    scale::loadgen::main()
}
