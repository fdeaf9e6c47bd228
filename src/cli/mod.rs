//! The command line (DESIGN.md §7): `wirelab [gui]`, `wirelab run`, `wirelab serve`.
//! Errors are reported once, here at the edge, with `anyhow` context.

use std::io::{self, BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::lab::{self, Lab, LabCommand, LabConfig, LabUpdate, RunMode};
use crate::report::terminal::{self, TerminalStyle};
use crate::trace::{Trace, TraceUpdate};

/// wirelab: makes the web's conversations visible.
#[derive(Debug, Parser)]
#[command(name = "wirelab", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without a command, the GUI opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the GUI on the built-in lab (the default).
    Gui(GuiArgs),
    /// Run a lab scenario on 127.0.0.1 and print its annotated timeline.
    Run(RunArgs),
    /// Run the lab server alone and print every conversation it sees, e.g. a real browser
    /// opening the demo page.
    Serve(ServeArgs),
    /// Dissect a capture file (.pcap or .pcapng) and print every connection's timeline.
    Inspect(InspectArgs),
    /// Capture live with libpcap and print the conversations as they happen.
    Capture(CaptureArgs),
}

/// Options of `wirelab capture`.
#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// The interface (see --list-interfaces).
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        default_value = "lo"
    )]
    pub interface: String,
    /// A BPF capture filter, e.g. 'tcp port 8088'.
    #[arg(
        short = 'f',
        long = "filter",
        value_name = "BPF",
        default_value = "tcp"
    )]
    pub filter: String,
    /// Stream the packets to this pcapng file as they arrive.
    #[arg(long, value_name = "OUT.pcapng")]
    pub write: Option<PathBuf>,
    /// Stop after this many seconds (default: until Ctrl-C; the pcapng file is complete either way).
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Write the trace (JSON) when the capture stops (needs --duration).
    #[arg(long, value_name = "OUT", requires = "duration")]
    pub json: Option<PathBuf>,
    /// List the interfaces and exit.
    #[arg(long)]
    pub list_interfaces: bool,
    /// Also print every WebSocket frame.
    #[arg(long)]
    pub frames: bool,
    /// Never use colours.
    #[arg(long)]
    pub no_color: bool,
}

/// Options of `wirelab inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The capture file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the trace (JSON, format wirelab-trace 1) to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Print only counts.
    #[arg(long)]
    pub summary: bool,
    /// `text`: the annotated timeline; `tsv`: one tab-separated row per event
    /// (t_us, conn, dir, kind, summary).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Also print every WebSocket frame (text format; tsv has every event).
    #[arg(long)]
    pub frames: bool,
    /// Never use colours.
    #[arg(long)]
    pub no_color: bool,
}

/// How `inspect` prints events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The annotated timeline.
    Text,
    /// One tab-separated row per event.
    Tsv,
}

/// Options of `wirelab gui`.
#[derive(Debug, Args)]
pub struct GuiArgs {
    /// Open a capture (.pcap, .pcapng) or a saved trace JSON (written by `--json`) in the
    /// File view.
    #[arg(long, value_name = "FILE")]
    pub open: Option<PathBuf>,
    /// Preselect this scenario.
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<String>,
    /// Where the lab server listens (loopback unless you choose otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub bind: SocketAddr,
}

/// How the wire is observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CaptureMode {
    /// Packets when permitted, else the socket tap.
    Auto,
    /// The socket tap: bytes read and written, connect/accept/close; no privilege needed.
    Socket,
    /// libpcap packets (real SYN/FIN with seq/ack).
    Packet,
}

/// Options of `wirelab run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario, e.g. ws-echo (see --list).
    #[arg(value_name = "SCENARIO", required_unless_present = "list")]
    pub scenario: Option<String>,
    /// List the scenarios, one line each.
    #[arg(long)]
    pub list: bool,
    /// Write the trace (JSON, format wirelab-trace 1) to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// How the wire is observed.
    #[arg(long, value_enum, default_value_t = CaptureMode::Auto)]
    pub capture: CaptureMode,
    /// Run one stage per Enter key.
    #[arg(long)]
    pub step: bool,
    /// Also print every WebSocket frame (messages are always printed).
    #[arg(long)]
    pub frames: bool,
    /// Print a short explanation under the events that have one.
    #[arg(long)]
    pub notes: bool,
    /// Never use colours (default: colours when stdout is a terminal and NO_COLOR is unset).
    #[arg(long)]
    pub no_color: bool,
    /// Where the lab server listens.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub bind: SocketAddr,
}

/// Options of `wirelab serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where the lab server listens. Loopback by default; another address exposes the lab to
    /// your network, so choose it on purpose.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8088")]
    pub bind: SocketAddr,
    /// Also print every WebSocket frame.
    #[arg(long)]
    pub frames: bool,
    /// Never use colours.
    #[arg(long)]
    pub no_color: bool,
}

/// Parses the command line and runs it.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        None => gui(GuiArgs {
            open: None,
            scenario: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        }),
        Some(Command::Gui(args)) => gui(args),
        Some(Command::Run(args)) => run(args),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Inspect(args)) => inspect(args),
        Some(Command::Capture(args)) => capture(args),
    }
}

fn gui(args: GuiArgs) -> anyhow::Result<()> {
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        bail!(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set.\n\
             For the terminal timeline run `wirelab run ws-echo`; for the GUI run wirelab on a desktop \
             (or under Xvfb: `Xvfb :99 & DISPLAY=:99 wirelab`)."
        );
    }
    open_gui(args)
}

fn open_gui(args: GuiArgs) -> anyhow::Result<()> {
    crate::ui::run_gui(crate::ui::GuiOptions {
        lab: LabConfig {
            bind: args.bind,
            // A person watches the diagram fill in.
            pace_ms: 120,
            ..LabConfig::default()
        },
        open: args.open,
        scenario: args.scenario,
    })
}

/// A trace arriving in pieces from a live source, printed event by event as it grows.
#[derive(Default)]
struct LiveTimeline {
    trace: Option<Trace>,
    printed: usize,
}

impl LiveTimeline {
    /// A new trace starts (a run, a capture, an external connection).
    fn start(&mut self, trace: Trace) {
        self.trace = Some(trace);
        self.printed = 0;
    }

    /// Applies an update and prints the events it completed.
    fn apply(
        &mut self,
        update: TraceUpdate,
        out: &mut dyn Write,
        style: TerminalStyle,
    ) -> io::Result<()> {
        let Some(t) = self.trace.as_mut() else {
            return Ok(());
        };
        t.apply(update);
        while let Some(e) = t.events.get(self.printed) {
            terminal::write_event(&t.connections, e, out, style)?;
            self.printed += 1;
        }
        Ok(())
    }
}

fn style(no_color: bool, frames: bool, notes: bool) -> TerminalStyle {
    TerminalStyle {
        color: !no_color && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        notes,
        frames,
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    if args.list {
        let scenarios = lab::scenarios();
        let width = scenarios.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in scenarios {
            println!("{:<width$}  {}", s.name, s.summary);
        }
        return Ok(());
    }
    let Some(scenario) = args.scenario.as_deref() else {
        bail!("name a scenario (see `wirelab run --list`)");
    };
    let capture = match args.capture {
        CaptureMode::Auto => lab::CaptureMode::Auto,
        CaptureMode::Socket => lab::CaptureMode::Socket,
        CaptureMode::Packet => lab::CaptureMode::Packet,
    };
    let style = style(args.no_color, args.frames, args.notes);
    let config = LabConfig {
        bind: args.bind,
        pace_ms: 0,
        capture,
    };
    let trace = if args.step {
        run_stepping(scenario, config, style)?
    } else {
        let trace = lab::run_scenario_observed(scenario, config, say_capture_mode)?;
        let stdout = io::stdout();
        let mut out = stdout.lock();
        terminal::write_timeline(&trace, &mut out, style)?;
        trace
    };
    if let Some(path) = &args.json {
        std::fs::write(path, trace.to_json())
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        eprintln!("trace written to {}", path.display());
    }
    Ok(())
}

/// One line on stderr when `--capture auto` goes on without packets, saying why.
fn say_capture_mode(update: &LabUpdate) {
    if let LabUpdate::CaptureMode {
        packets: false,
        reason: Some(reason),
    } = update
    {
        eprintln!("wirelab: socket tap only, no packets: {reason}");
    }
}

/// Waits for the next lab update, for at most `timeout`.
fn next_update(lab: &Lab, timeout: Duration) -> Option<LabUpdate> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(update) = lab.try_recv() {
            return Some(update);
        }
        let now = std::time::Instant::now();
        if now >= deadline {
            return None;
        }
        // The lab unparks this thread when it sends an update.
        std::thread::park_timeout((deadline - now).min(Duration::from_millis(200)));
    }
}

fn start_lab(config: LabConfig) -> anyhow::Result<Lab> {
    let main_thread = std::thread::current();
    Lab::start(config, Some(Box::new(move || main_thread.unpark())))
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
            LabUpdate::StageStarted { .. } => {}
            LabUpdate::StageDone { next, .. } => {
                if let Some(next) = next {
                    ask(&mut out, &next)?;
                    interactive = wait_enter(&mut stdin, interactive);
                    lab.send(LabCommand::Step);
                }
            }
            update @ LabUpdate::CaptureMode { .. } => say_capture_mode(&update),
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

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let lab = start_lab(LabConfig {
        bind: args.bind,
        pace_ms: 0,
        ..LabConfig::default()
    })?;
    let addr = lab.server_addr();
    if !addr.ip().is_loopback() {
        eprintln!("warning: the lab listens on {addr}, reachable from other machines");
    }
    println!("wirelab lab server on http://{addr}/ — open it in a browser; Ctrl-C stops");
    let style = style(args.no_color, args.frames, false);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut live = LiveTimeline::default();
    loop {
        let Some(update) = next_update(&lab, Duration::from_secs(3600)) else {
            continue;
        };
        match update {
            LabUpdate::RunStarted { trace: t, .. } => live.start(t),
            LabUpdate::Trace(u) => live.apply(u, &mut out, style)?,
            LabUpdate::Failed(message) => eprintln!("lab: {message}"),
            LabUpdate::CaptureMode { packets: true, .. } => {
                eprintln!(
                    "wirelab: TCP packets are captured on loopback and merged with the socket tap"
                )
            }
            update @ LabUpdate::CaptureMode { .. } => say_capture_mode(&update),
            _ => {}
        }
    }
}

fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let stdout = io::stdout();
    if args.summary && args.json.is_none() {
        // Counts only: the same work on every core, no events kept.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let summary = crate::capture::file::summarize_file(&args.file, threads)?;
        let mut out = stdout.lock();
        write_summary(
            &mut out,
            &args.file,
            &summary.stats,
            summary.connections,
            |name| summary.count(name),
        )?;
        return Ok(());
    }
    let (trace, stats) = crate::capture::file::read_file(&args.file, args.json.is_some())?;
    let mut out = stdout.lock();
    if args.summary {
        let count = |name: &str| {
            trace
                .events
                .iter()
                .filter(|e| e.kind.name() == name)
                .count() as u64
        };
        write_summary(
            &mut out,
            &args.file,
            &stats,
            trace.connections.len() as u64,
            count,
        )?;
    } else if args.format == OutputFormat::Tsv {
        terminal::write_tsv(&trace, &mut out)?;
    } else {
        terminal::write_timeline(&trace, &mut out, style(args.no_color, args.frames, false))?;
    }
    if let Some(path) = &args.json {
        // Streamed: a large capture's trace never exists as one string in memory.
        let file = std::fs::File::create(path)
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        let mut writer = io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut writer, &trace)
            .map_err(io::Error::from)
            .and_then(|()| writer.flush())
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        eprintln!("trace written to {}", path.display());
    }
    Ok(())
}

/// The one line of `inspect --summary`.
fn write_summary(
    out: &mut dyn Write,
    file: &std::path::Path,
    stats: &crate::capture::file::FileStats,
    connections: u64,
    count: impl Fn(&str) -> u64,
) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} packets ({} TCP, {} undecodable), {} connections, {} HTTP requests, {} HTTP responses, \
         {} WebSocket frames, {} WebSocket messages, {} SSE events, {} diagnostics",
        file.display(),
        stats.packets,
        stats.tcp_packets,
        stats.undecodable,
        connections,
        count("http_request"),
        count("http_response"),
        count("ws_frame"),
        count("ws_message"),
        count("sse_event"),
        count("diagnostic"),
    )
}

fn capture(args: CaptureArgs) -> anyhow::Result<()> {
    use crate::capture::live::{self, LiveCapture, LiveOptions, LiveUpdate};
    if args.list_interfaces {
        for (name, description) in live::devices().map_err(anyhow::Error::msg)? {
            println!("{name:<16} {description}");
        }
        return Ok(());
    }
    let main_thread = std::thread::current();
    let capture = LiveCapture::start(
        LiveOptions {
            device: args.interface.clone(),
            filter: args.filter.clone(),
            write: args.write.clone(),
        },
        Some(Box::new(move || main_thread.unpark())),
    )?;
    eprintln!(
        "capturing on {} with filter {:?}{}",
        args.interface,
        args.filter,
        args.write
            .as_ref()
            .map(|p| format!(", writing {}", p.display()))
            .unwrap_or_default()
    );
    let deadline = args
        .duration
        .map(|s| std::time::Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let style = style(args.no_color, args.frames, false);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut live = LiveTimeline::default();
    let mut stop_sent = false;
    loop {
        if !stop_sent && deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            capture.stop();
            stop_sent = true;
        }
        let Some(update) = capture.recv_timeout(Duration::from_millis(100)) else {
            continue;
        };
        match update {
            LiveUpdate::Started(t) => {
                terminal::write_header(&t, &mut out, style)?;
                live.start(t);
            }
            LiveUpdate::Trace(u) => live.apply(u, &mut out, style)?,
            LiveUpdate::Stats(_) => {}
            LiveUpdate::Stopped { stats, error } => {
                eprintln!(
                    "{} packets processed; libpcap: {} received, {} dropped, {} dropped by the interface",
                    stats.processed, stats.received, stats.dropped, stats.if_dropped
                );
                if let Some(e) = error {
                    bail!("the capture stopped: {e}");
                }
                break;
            }
        }
    }
    if let (Some(path), Some(t)) = (&args.json, &live.trace) {
        std::fs::write(path, t.to_json())
            .with_context(|| format!("writing the trace to {}", path.display()))?;
        eprintln!("trace written to {}", path.display());
    }
    Ok(())
}
