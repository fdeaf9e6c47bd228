//! The command line (DESIGN.md §7): `wirelab [gui]`, `wirelab run`, `wirelab serve`,
//! `wirelab inspect`, `wirelab capture`. This file holds the arguments and the dispatch; each
//! command is in its own file. Errors are reported once, here at the edge, with `anyhow`
//! context.

mod capture;
mod gui;
mod inspect;
mod live;
mod metrics;
mod run;
mod scale;
mod serve;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::lang::Lang;

/// wirelab: makes the web's conversations visible.
#[derive(Debug, Parser)]
#[command(name = "wirelab", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without a command, the GUI opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The language of the interface and of every explanation: en or zh (default: from the
    /// locale, `LC_ALL`, `LC_MESSAGES` or `LANG`, e.g. `LANG=zh_CN.UTF-8`).
    #[arg(long, global = true, value_name = "en|zh", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

impl Cli {
    /// The language asked for: `--lang`, else the locale's.
    pub fn language(&self) -> Lang {
        self.lang.unwrap_or_else(|| {
            let var = |name| std::env::var(name).ok();
            Lang::from_locale(
                var("LC_ALL").as_deref(),
                var("LC_MESSAGES").as_deref(),
                var("LANG").as_deref(),
            )
        })
    }
}

fn parse_lang(code: &str) -> Result<Lang, String> {
    Lang::from_code(code).ok_or_else(|| format!("unknown language {code:?}: use en or zh"))
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
    /// The scale run: N clients per push technique, bytes per client per second, memory per
    /// idle connection, latency (until `compare --clients N` reaches it).
    #[command(hide = true)]
    Scale(scale::ScaleArgs),
    /// The scale run's load generator, started by the scale run (JSON lines on stdin/stdout).
    #[command(hide = true)]
    Loadgen,
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
    /// Write the trace (JSON, format wirelab-trace 1) to this file; with `--metrics`, the
    /// metrics (docs/metrics.md).
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Classify every TCP connection by content (short poll, long poll, SSE, WebSocket,
    /// HTTP) and print what each technique cost on the wire, instead of the events.
    #[arg(long, conflicts_with_all = ["summary", "format", "frames"])]
    pub metrics: bool,
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
    /// Save the run's packets (whole) to this pcapng file, for Wireshark; needs packet capture.
    #[arg(long, value_name = "OUT")]
    pub pcapng: Option<PathBuf>,
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
    let lang = cli.language();
    match cli.command {
        None => gui::gui(
            GuiArgs {
                open: None,
                scenario: None,
                bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            },
            lang,
        ),
        Some(Command::Gui(args)) => gui::gui(args, lang),
        Some(Command::Run(args)) => run::run(args, lang),
        Some(Command::Serve(args)) => serve::serve(args, lang),
        Some(Command::Inspect(args)) => inspect::inspect(args, lang),
        Some(Command::Capture(args)) => capture::capture(args, lang),
        Some(Command::Scale(args)) => scale::run(&args, lang),
        Some(Command::Loadgen) => scale::loadgen(),
    }
}
