//! `wirelab run`: a lab scenario on 127.0.0.1, its annotated timeline printed (all at the end,
//! or stage by stage with `--step`).

use std::io::{self, BufRead, IsTerminal, Write};
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::live::{
    LiveTimeline, next_update, say_capture_mode, say_written, start_lab, style, wrote,
};
use super::{CaptureMode, RunArgs};
use crate::lab::{self, LabCommand, LabConfig, LabUpdate, RunMode};
use crate::report::terminal::{self, TerminalStyle};
use crate::trace::Trace;

/// Runs the scenario (or lists them) and writes the trace if asked.
pub(super) fn run(args: RunArgs, lang: crate::lang::Lang) -> anyhow::Result<()> {
    if args.list {
        let scenarios = lab::scenarios();
        let width = scenarios.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in scenarios {
            println!("{:<width$}  {}", s.name, s.summary.get(lang));
        }
        return Ok(());
    }
    let Some(scenario) = args.scenario.as_deref() else {
        bail!("name a scenario (see `wirelab run --list`)");
    };
    if args.stages {
        return print_stages(scenario, lang);
    }
    let capture = match args.capture {
        CaptureMode::Auto => lab::CaptureMode::Auto,
        CaptureMode::Socket => lab::CaptureMode::Socket,
        CaptureMode::Packet => lab::CaptureMode::Packet,
    };
    let style = style(args.no_color, args.frames, args.notes, lang);
    let config = LabConfig {
        bind: args.bind,
        pace_ms: 0,
        capture,
        pcapng: args
            .pcapng
            .clone()
            .map_or(lab::PacketFile::None, lab::PacketFile::Keep),
        lang,
        link: args.link.conditions(),
    };
    let trace = if args.step {
        run_stepping(scenario, config, style)?
    } else {
        let trace = lab::run_scenario_observed(scenario, config, |u| say_capture_mode(u, lang))?;
        let stdout = io::stdout();
        let mut out = stdout.lock();
        terminal::write_timeline(&trace, &mut out, style)?;
        trace
    };
    if let Some(path) = &args.pcapng {
        say_written(wrote::PACKETS, path, lang);
    }
    if let Some(path) = &args.json {
        std::fs::write(path, trace.to_json())
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        say_written(wrote::TRACE, path, lang);
    }
    super::export::write_exports(&trace, &args.export, lang)?;
    Ok(())
}

/// `run NAME --stages`: the lanes, then each stage numbered from 1.
fn print_stages(name: &str, lang: crate::lang::Lang) -> anyhow::Result<()> {
    let Some(scenario) = lab::scenario::scenario(name) else {
        bail!(
            "unknown scenario \"{name}\"; valid: {}",
            lab::scenario::names()
        );
    };
    let lanes = scenario.clients.join(", ");
    match lang {
        crate::lang::Lang::En => {
            println!("{name}: lanes {lanes}; {} stages", scenario.stages.len())
        }
        crate::lang::Lang::Zh => {
            println!("{name}：泳道 {lanes}；共 {} 个阶段", scenario.stages.len());
        }
    }
    let width = scenario.stages.len().to_string().len();
    for (i, stage) in scenario.stages.iter().enumerate() {
        println!("{:>width$}  {}", i + 1, stage.caption(lang));
    }
    Ok(())
}

fn run_stepping(scenario: &str, config: LabConfig, style: TerminalStyle) -> anyhow::Result<Trace> {
    let lab = start_lab(config)?;
    lab.send(LabCommand::Start {
        scenario: scenario.to_string(),
        mode: RunMode::Step,
    });
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut stdin = io::stdin().lock();
    let mut live = LiveTimeline::default();
    let mut interactive = true;
    loop {
        let Some(update) = next_update(&lab, Duration::from_secs(30)) else {
            bail!("the lab stopped answering (30 s without an update)");
        };
        match update {
            LabUpdate::RunStarted {
                trace: t, stages, ..
            } => {
                terminal::write_header(&t, &mut out, style)?;
                writeln!(
                    out,
                    "{} stages; press Enter for each (Ctrl-D runs the rest)",
                    stages.len()
                )?;
                if let Some(first) = stages.first() {
                    ask(&mut out, first)?;
                    interactive = wait_enter(&mut stdin, interactive);
                    lab.send(LabCommand::Step);
                }
                live.start(t);
            }
            LabUpdate::Trace(u) => live.apply(u, &mut out, style)?,
            LabUpdate::StageStarted { .. } | LabUpdate::ServerHeld { .. } => {}
            LabUpdate::StageDone { next, .. } => {
                if let Some(next) = next {
                    ask(&mut out, &next)?;
                    interactive = wait_enter(&mut stdin, interactive);
                    lab.send(LabCommand::Step);
                }
            }
            update @ LabUpdate::CaptureMode { .. } => say_capture_mode(&update, style.lang),
            LabUpdate::Finished => break,
            LabUpdate::Failed(message) => bail!("the run failed: {message}"),
        }
    }
    let trace = live
        .trace
        .context("the lab finished without starting a run")?;
    terminal::write_footer(&trace, &mut out, style)?;
    Ok(trace)
}

fn ask(out: &mut dyn Write, next: &str) -> io::Result<()> {
    write!(out, "  ⏎ next: {next} ")?;
    out.flush()
}

/// Waits for Enter; after end of input, never waits again.
fn wait_enter(stdin: &mut impl BufRead, interactive: bool) -> bool {
    let more = interactive && {
        let mut line = String::new();
        matches!(stdin.read_line(&mut line), Ok(n) if n > 0)
    };
    // A terminal echoes the Enter; piped input does not, so end the prompt's line here.
    if !io::stdin().is_terminal() {
        println!();
    }
    more
}
