//! The command line (DESIGN.md §7): `wirelab [gui]`, `wirelab run`, `wirelab serve`,
//! `wirelab inspect`, `wirelab capture`, `wirelab compare`. This file holds the arguments and the dispatch; each
//! command is in its own file. Errors are reported once, here at the edge, with `anyhow`
//! context.

mod capture;
mod compare;
mod export;
mod gui;
mod inspect;
mod lessons;
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
    /// Short polling, long polling, SSE and WebSocket side by side: four real clients
    /// receive one event stream from the lab server; prints what each cost on the wire and
    /// each delivery's latency, measured from the trace (docs/compare.md).
    Compare(CompareArgs),
    /// Step-through lessons (lessons/README.md): check lesson files, list them, or play one
    /// headless against the lab.
    Lessons(LessonsArgs),
    /// The scale run: N clients per push technique, bytes per client per second, memory per
    /// idle connection, latency (until `compare --clients N` reaches it).
    #[command(hide = true)]
    Scale(scale::ScaleArgs),
    /// The scale run's load generator, started by the scale run (JSON lines on stdin/stdout).
    #[command(hide = true)]
    Loadgen,
}

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

/// The request heads of `compare`'s clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HeadArg {
    /// Only a short User-Agent.
    Minimal,
    /// A Chromium-like head (about 527 B per poll).
    Browser,
    /// Lubbers & Greco's request headers, cookies included.
    Lubbers,
}

/// Options of `wirelab compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Reproduce a publication: lubbers, abril or classroom (the other options change it).
    #[arg(long, value_name = "P")]
    pub preset: Option<String>,
    /// How many events the source emits.
    #[arg(long, value_name = "N")]
    pub events: Option<u32>,
    /// The time between two events (their mean with --random), in milliseconds.
    #[arg(long, value_name = "N")]
    pub interval_ms: Option<u64>,
    /// Each event's payload size.
    #[arg(long, value_name = "N")]
    pub payload_bytes: Option<usize>,
    /// Short polling's interval, in milliseconds.
    #[arg(long, value_name = "N")]
    pub poll_ms: Option<u64>,
    /// Polling on one persistent connection (on) or a new one per poll (off).
    #[arg(long, value_enum, value_name = "on|off")]
    pub keep_alive: Option<OnOff>,
    /// The clients' request heads.
    #[arg(long, value_enum)]
    pub head: Option<HeadArg>,
    /// The emulated link.
    #[command(flatten)]
    pub link: LinkArgs,
    /// Clients per technique; more than 1 is the scale run.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub clients: u64,
    /// The seed of the random gaps (implies --random).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Events at random moments (exponential gaps with the interval as their mean).
    #[arg(long)]
    pub random: bool,
    /// Write the results as JSON (docs/compare.md).
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per technique.
    #[arg(long, value_name = "OUT")]
    pub csv: Option<PathBuf>,
    /// Write the run's trace (JSON, format wirelab-trace 1).
    #[arg(long, value_name = "OUT")]
    pub trace: Option<PathBuf>,
}

/// `wirelab lessons …`.
#[derive(Debug, Args)]
pub struct LessonsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LessonsCommand,
}

/// The lesson commands.
#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// Check every lesson file of a directory and print every error with its file, line,
    /// column and field (exit 1 if there is any).
    Check {
        /// The lessons directory (default: --dir's default).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// List the lessons: id, title, steps, minutes, level.
    List {
        /// The lessons directory.
        #[command(flatten)]
        dir: LessonsDir,
    },
    /// Play a lesson headless against the lab: each step's narration, its question with
    /// the correct answer and the events it highlighted; exit 1 naming every step whose
    /// evidence did not appear.
    Run {
        /// The lesson's id (see `wirelab lessons list`).
        #[arg(value_name = "ID")]
        id: String,
        /// The lessons directory.
        #[command(flatten)]
        dir: LessonsDir,
        /// How the wire is observed.
        #[arg(long, value_enum, default_value_t = CaptureMode::Auto)]
        capture: CaptureMode,
    },
}

/// Where the lessons are.
#[derive(Debug, Clone, Args)]
pub struct LessonsDir {
    /// The lessons directory (default: $WIRELAB_LESSONS, else the checkout's lessons/, else
    /// ./lessons). Recordings are relative to its parent.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
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
    /// The diagram to export (`--svg`, `--png`): only this connection's (default: every one).
    #[arg(long, value_name = "N")]
    pub conn: Option<u32>,
    /// The diagram as SVG or PNG.
    #[command(flatten)]
    pub export: export::ExportArgs,
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
    /// Start in presenter mode: full screen, high contrast, large text, only the diagram,
    /// the detail pane and the run controls (F5 or Esc leave it).
    #[arg(long)]
    pub presenter: bool,
    /// Open this lesson (an id of `wirelab lessons list`; the lessons directory is
    /// $WIRELAB_LESSONS, else the checkout's lessons/, else ./lessons).
    #[arg(long, value_name = "ID")]
    pub lesson: Option<String>,
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
    /// Print the scenario's lanes and its numbered stages (the numbers a lesson's
    /// `through` names) instead of running it.
    #[arg(long)]
    pub stages: bool,
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
    /// The run's diagram as SVG or PNG.
    #[command(flatten)]
    pub export: export::ExportArgs,
    /// The emulated link the lab's own clients go through.
    #[command(flatten)]
    pub link: LinkArgs,
}

/// The emulated link (`run`, `compare`): emulated at the socket by a relay in the lab's own
/// path, the same each way. External clients (a browser) are not emulated.
#[derive(Clone, Debug, Default, Args)]
pub struct LinkArgs {
    /// Added one-way delay in milliseconds, each way.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub delay_ms: u64,
    /// Bandwidth limit in kbit/s (1 kbit = 1000 bits), each way.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_kbps: Option<u32>,
    /// Simulated loss in percent of segments (0.1 steps), shown as retransmission stalls.
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = loss_pct)]
    pub loss_pct: f64,
}

impl LinkArgs {
    /// The conditions these flags ask for.
    pub fn conditions(&self) -> crate::lab::link::LinkConditions {
        crate::lab::link::LinkConditions {
            delay: std::time::Duration::from_millis(self.delay_ms),
            rate_kbps: self.rate_kbps,
            // In range by `loss_pct`'s check.
            loss_permille: (self.loss_pct * 10.0).round() as u16,
        }
    }
}

/// A loss percentage: 0 to 100.
fn loss_pct(text: &str) -> Result<f64, String> {
    let pct: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=100.0).contains(&pct) {
        Ok(pct)
    } else {
        Err(format!("{pct} is not a percentage from 0 to 100"))
    }
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
                presenter: false,
                lesson: None,
            },
            lang,
        ),
        Some(Command::Gui(args)) => gui::gui(args, lang),
        Some(Command::Run(args)) => run::run(args, lang),
        Some(Command::Serve(args)) => serve::serve(args, lang),
        Some(Command::Inspect(args)) => inspect::inspect(args, lang),
        Some(Command::Capture(args)) => capture::capture(args, lang),
        Some(Command::Compare(args)) => compare::compare(args, lang),
        Some(Command::Lessons(args)) => lessons::lessons(args, lang),
        Some(Command::Scale(args)) => scale::run_scale(&args, lang),
        Some(Command::Loadgen) => scale::loadgen(),
    }
}
