//! Live capture with libpcap: a reader thread only reads packets and hands them over, so it
//! keeps up with the link; a processing thread streams them to a pcapng file (flushed at least
//! every 5 ms and whenever the link is idle, so killing the program loses at most the last few
//! milliseconds) and decodes, reassembles and dissects them into a trace. Stopped promptly with
//! `pcap_breakloop` (in immediate mode libpcap does not return on its read timeout while the
//! link is idle).
//!
//! Two modes ([`LiveMode`]): a full trace (reassembly and dissection, for the Capture view and
//! `wirelab capture`), or only the TCP packet events (`tcp_syn` … `tcp_rst` with relative
//! seq/ack), which the lab merges with what its socket tap saw — the tap already has the
//! bytes, so payloads are neither reassembled nor dissected twice.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::Utc;
use pcap_file::DataLink;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};

use super::packet::{Decoded, LinkType, decode};
use crate::dissect::TraceBuilder;
use crate::reassembly::{self, ConnectionStart, Reassembler, StreamSink};
use crate::trace::{Connection, Dir, Event, Source, Trace, TraceUpdate};

/// What a live capture produces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LiveMode {
    /// A full trace: every connection reassembled and dissected.
    #[default]
    Trace,
    /// Only connections and TCP packet events (`tcp_syn`, `tcp_syn_ack`, the handshake's
    /// `tcp_ack`, `tcp_fin`, the `tcp_ack`s of each FIN, `tcp_rst`) with relative seq/ack, for
    /// connections whose SYN was seen, classified as in a full trace (the reassembler in its
    /// TCP-events mode). Payloads are not kept (a header-sized snap length when nothing is
    /// written to a file).
    TcpEvents,
}

/// At most this long (ms) between a packet's arrival and libpcap handing it over, when not
/// in immediate mode: short enough that a live view looks instant.
const READ_TIMEOUT_MS: i32 = 20;

/// Snap length in [`LiveMode::TcpEvents`] without a file: the largest link + IPv6 + TCP
/// header with options (14 + 40 + 60) fits.
const HEADERS_SNAPLEN: i32 = 256;

/// What to capture.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// The interface, e.g. `lo`.
    pub device: String,
    /// A BPF filter, e.g. `tcp port 8088` (empty: everything).
    pub filter: String,
    /// Stream the packets to this pcapng file.
    pub write: Option<PathBuf>,
}

/// Why a live capture could not start.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The operating system refused packet capture to this user.
    #[error("no permission to capture on {device}: {detail}\n{help}", help = permission_help())]
    Permission {
        /// The interface.
        device: String,
        /// libpcap's message.
        detail: String,
    },
    /// The interface does not exist or cannot be opened.
    #[error("cannot capture on {device}: {detail}")]
    Device {
        /// The interface.
        device: String,
        /// libpcap's message.
        detail: String,
    },
    /// The BPF filter does not compile.
    #[error("bad capture filter {filter:?}: {detail}")]
    Filter {
        /// The filter.
        filter: String,
        /// libpcap's message.
        detail: String,
    },
    /// The output file cannot be written.
    #[error("cannot write {path}: {detail}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// The interface's link type is not one wirelab decodes.
    #[error("cannot capture on {device}: link type {linktype} is not supported")]
    LinkType {
        /// The interface.
        device: String,
        /// The LINKTYPE_ number.
        linktype: i32,
    },
}

/// How to grant capture permission on this operating system, in a few lines.
pub fn permission_help() -> String {
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "target/debug/wirelab".into());
    if cfg!(target_os = "linux") {
        format!(
            "Packet capture needs the CAP_NET_RAW capability; the GUI never needs to run as root. Grant it to the binary once \
             (again after every rebuild, since linking drops it):\n  sudo setcap cap_net_raw,cap_net_admin=eip {exe}\n\
             or run `make setcap`. Until then wirelab goes on with the socket tap and with capture files."
        )
    } else if cfg!(target_os = "macos") {
        "Packet capture needs read access to /dev/bpf*: install Wireshark's ChmodBPF helper (or add your user to the \
         access_bpf group). Until then wirelab goes on with the socket tap and with capture files."
            .to_string()
    } else if cfg!(target_os = "windows") {
        "Packet capture needs Npcap installed with \"Support loopback traffic\" enabled. Until then wirelab goes on with \
         the socket tap and with capture files."
            .to_string()
    } else {
        "Packet capture needs permission to open the capture device. Until then wirelab goes on with the socket tap and \
         with capture files."
            .to_string()
    }
}

/// Whether this process may capture on `device`: opens it the way a capture does and closes
/// it again, without reading a packet. `Err` says why not ([`LiveError::Permission`] with how
/// to grant it, or what is wrong with the device).
pub fn probe(device: &str) -> Result<(), LiveError> {
    pcap::Capture::from_device(device)
        .and_then(|c| c.open())
        .map(drop)
        .map_err(|e| open_error(device, e))
}

/// Sorts libpcap's refusal to open `device` into a permission problem or another one.
fn open_error(device: &str, e: pcap::Error) -> LiveError {
    let detail = e.to_string();
    if detail.contains("Operation not permitted")
        || detail.contains("Permission denied")
        || detail.contains("You don't have permission")
    {
        LiveError::Permission {
            device: device.to_string(),
            detail,
        }
    } else {
        LiveError::Device {
            device: device.to_string(),
            detail,
        }
    }
}

/// The interfaces libpcap can capture on: `(name, description)`.
pub fn devices() -> Result<Vec<(String, String)>, String> {
    pcap::Device::list()
        .map(|list| {
            list.into_iter()
                .map(|d| (d.name, d.desc.unwrap_or_default()))
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// Checks a BPF filter without capturing (as the user types it).
pub fn validate_filter(filter: &str) -> Result<(), String> {
    let dead = pcap::Capture::dead(pcap::Linktype::ETHERNET).map_err(|e| e.to_string())?;
    dead.compile(filter, true)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Counters from libpcap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveStats {
    /// Packets received by the filter, as the kernel counts them (see [`Counting`]: on Linux's
    /// loopback each packet is counted twice). Includes `dropped`.
    pub received: u32,
    /// Packets dropped because the buffer was full.
    pub dropped: u32,
    /// Packets dropped by the interface.
    pub if_dropped: u32,
    /// Packets wirelab processed.
    pub processed: u64,
}

/// How libpcap's `received` counts the packets it hands over on an interface. On Linux the
/// kernel gives a packet socket on the loopback interface every packet twice, once as it is
/// sent and once as it is received; libpcap drops the sent copy, but the kernel's counter,
/// which libpcap reports as `received`, has counted both (seen here: 52 received, 26 captured).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Counting {
    /// Each packet is counted once.
    #[default]
    Once,
    /// A loopback interface: every packet is counted twice.
    Twice,
    /// Linux's `any`: packets on the loopback interface are counted twice, others once.
    LoopbackTwice,
}

impl Counting {
    /// How `device` counts, asked of libpcap's interface list (Once if it cannot say).
    pub fn of(device: &str) -> Counting {
        if !cfg!(target_os = "linux") {
            // BPF and Npcap hand a loopback packet over once.
            return Counting::Once;
        }
        if device == "any" {
            return Counting::LoopbackTwice;
        }
        let loopback = pcap::Device::list().ok().is_some_and(|list| {
            list.iter()
                .any(|d| d.name == device && d.flags.is_loopback())
        });
        if loopback {
            Counting::Twice
        } else {
            Counting::Once
        }
    }

    /// The packets behind `received` copies, when every one of them was counted the same
    /// number of times.
    pub fn packets(self, received: u32) -> Option<u32> {
        match self {
            Counting::Once => Some(received),
            Counting::Twice => Some(received / 2),
            Counting::LoopbackTwice => None,
        }
    }
}

impl LiveStats {
    /// Packets libpcap has accepted that wirelab has not processed yet (in the kernel's
    /// buffer or on their way), when `counting` makes that a count of packets.
    /// Unknown after drops: a dropped loopback copy may be the one libpcap would have
    /// discarded anyway.
    pub fn waiting(&self, counting: Counting) -> Option<u64> {
        if self.dropped > 0 {
            return None;
        }
        let accepted = counting.packets(self.received)?;
        Some(u64::from(accepted).saturating_sub(self.processed))
    }
}

/// What a running capture reports.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveUpdate {
    /// The capture started; updates apply to this (empty) trace.
    Started(Trace),
    /// A change to the trace.
    Trace(TraceUpdate),
    /// libpcap's counters (about twice a second).
    Stats(LiveStats),
    /// The capture ended (stopped, or an error).
    Stopped {
        /// The final counters.
        stats: LiveStats,
        /// Why it ended, if not by request.
        error: Option<String>,
    },
}

/// A running live capture.
pub struct LiveCapture {
    breaker: pcap::BreakLoop,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<JoinHandle<()>>,
    updates: Receiver<LiveUpdate>,
}

impl LiveCapture {
    /// Opens the device, applies the filter and starts capturing on a new thread. `notify`
    /// is called whenever updates are waiting.
    pub fn start(
        options: LiveOptions,
        notify: Option<Box<dyn Fn() + Send + Sync>>,
    ) -> Result<LiveCapture, LiveError> {
        Self::start_with(options, LiveMode::Trace, notify)
    }

    /// [`LiveCapture::start`] in the given mode.
    pub fn start_with(
        options: LiveOptions,
        mode: LiveMode,
        notify: Option<Box<dyn Fn() + Send + Sync>>,
    ) -> Result<LiveCapture, LiveError> {
        let headers_only = mode == LiveMode::TcpEvents && options.write.is_none();
        let device = options.device.clone();
        let open_error = |e: pcap::Error| open_error(&device, e);
        let mut cap = pcap::Capture::from_device(options.device.as_str())
            .map_err(open_error)?
            .promisc(false)
            .snaplen(if headers_only {
                HEADERS_SNAPLEN
            } else {
                262_144
            })
            // A full trace takes whole packets at whatever rate the link has: libpcap then
            // packs them into the kernel buffer (TPACKET_V3), which holds about a second and a
            // half at 200 k packets/s, and hands them over at most READ_TIMEOUT_MS late. In
            // immediate mode every packet takes a slot of the interface's largest packet
            // (64 KiB on `lo`): a thousand slots, a few milliseconds of traffic. The lab's
            // header-only capture is light and wants its packets at once.
            .immediate_mode(mode == LiveMode::TcpEvents)
            // Headers only need far less kernel buffer than whole packets.
            .buffer_size(if headers_only { 4 } else { 64 } * 1024 * 1024)
            .timeout(READ_TIMEOUT_MS)
            .open()
            .map_err(open_error)?;
        if !options.filter.trim().is_empty() {
            cap.filter(&options.filter, true)
                .map_err(|e| LiveError::Filter {
                    filter: options.filter.clone(),
                    detail: e.to_string(),
                })?;
        }
        let linktype = cap.get_datalink().0;
        let link = LinkType::from_linktype(linktype).ok_or_else(|| LiveError::LinkType {
            device: options.device.clone(),
            linktype,
        })?;
        let writer = match &options.write {
            Some(path) => Some(open_pcapng(path, linktype)?),
            None => None,
        };
        let breaker = cap.breakloop_handle();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, updates) = mpsc::channel();
        let thread_stop = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wirelab-capture".into())
            .spawn(move || {
                capture_loop(
                    cap,
                    link,
                    writer,
                    options,
                    mode,
                    &tx,
                    notify.as_deref(),
                    &thread_stop,
                );
            })
            .map_err(|e| LiveError::Device {
                device: device.clone(),
                detail: e.to_string(),
            })?;
        Ok(LiveCapture {
            breaker,
            stop,
            thread: Some(thread),
            updates,
        })
    }

    /// The next waiting update, if any; never blocks.
    pub fn try_recv(&self) -> Option<LiveUpdate> {
        self.updates.try_recv().ok()
    }

    /// Waits up to `timeout` for the next update.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<LiveUpdate> {
        self.updates.recv_timeout(timeout).ok()
    }

    /// Asks the capture to stop; it sends [`LiveUpdate::Stopped`] when it has.
    pub fn stop(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.breaker.breakloop();
    }
}

impl Drop for LiveCapture {
    fn drop(&mut self) {
        self.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type PcapNgFile = PcapNgWriter<BufWriter<File>>;

fn open_pcapng(path: &Path, linktype: i32) -> Result<PcapNgFile, LiveError> {
    let write_error = |detail: String| LiveError::Write {
        path: path.display().to_string(),
        detail,
    };
    let file = File::create(path).map_err(|e| write_error(e.to_string()))?;
    let mut writer =
        PcapNgWriter::new(BufWriter::new(file)).map_err(|e| write_error(e.to_string()))?;
    let interface = InterfaceDescriptionBlock {
        linktype: DataLink::from(u32::try_from(linktype).unwrap_or(1)),
        snaplen: 262_144,
        // pcap-file writes timestamps in nanoseconds: say so.
        options: vec![InterfaceDescriptionOption::IfTsResol(9)],
    };
    writer
        .write_pcapng_block(interface)
        .map_err(|e| write_error(e.to_string()))?;
    writer
        .get_mut()
        .flush()
        .map_err(|e| write_error(e.to_string()))?;
    Ok(writer)
}

/// One packet handed from the libpcap reader to the processing thread.
struct RawPacket {
    ts_us: i64,
    orig_len: u32,
    data: Vec<u8>,
}

/// Packets the reader may hand over before it waits for the processing thread; beyond that
/// the kernel buffer absorbs bursts, and what it cannot hold libpcap counts as dropped.
const HANDOFF_PACKETS: usize = 65_536;

/// Counters shared by the reader (libpcap's) and the processing thread (its own), so that
/// either can report them: the reader blocks while the link is idle, the processor does not.
#[derive(Default)]
struct Counters {
    processed: std::sync::atomic::AtomicU64,
    received: std::sync::atomic::AtomicU32,
    dropped: std::sync::atomic::AtomicU32,
    if_dropped: std::sync::atomic::AtomicU32,
    /// A packet was handed over since libpcap's counters were last read: they are behind.
    stale: std::sync::atomic::AtomicBool,
}

impl Counters {
    fn snapshot(&self) -> LiveStats {
        use std::sync::atomic::Ordering::Relaxed;
        LiveStats {
            received: self.received.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            if_dropped: self.if_dropped.load(Relaxed),
            processed: self.processed.load(Relaxed),
        }
    }

    /// Reads libpcap's counters into the shared ones.
    fn read_from(&self, cap: &mut pcap::Capture<pcap::Active>) {
        use std::sync::atomic::Ordering::Relaxed;
        if let Ok(s) = cap.stats() {
            self.received.store(s.received, Relaxed);
            self.dropped.store(s.dropped, Relaxed);
            self.if_dropped.store(s.if_dropped, Relaxed);
            self.stale.store(false, Relaxed);
        }
    }
}

/// How often, at most, counters are reported; also how long the link must have been idle
/// before the processing thread wakes the reader to read libpcap's counters.
const STATS_EVERY: Duration = Duration::from_millis(250);

/// How often, at most, the pcapng file is flushed and the consumer notified while packets
/// keep arriving (when idle, both happen at once).
const FLUSH_EVERY: Duration = Duration::from_millis(5);

/// The libpcap reader: reads packets and hands them over, nothing else, so that it keeps up
/// with the link; everything else happens on the processing thread (see [`process`]).
///
/// It reads libpcap's counters every [`STATS_EVERY`] while packets come, and when woken by
/// `pcap_breakloop` without a stop: libpcap blocks while the link is idle (TPACKET_V3 hands
/// over only non-empty blocks; immediate mode ignores the timeout), so without that wake-up
/// the counters read during a burst would stay on screen until Stop.
#[allow(clippy::too_many_arguments)] // one call site, each argument a different resource
fn capture_loop(
    mut cap: pcap::Capture<pcap::Active>,
    link: LinkType,
    writer: Option<PcapNgFile>,
    options: LiveOptions,
    mode: LiveMode,
    tx: &Sender<LiveUpdate>,
    notify: Option<&(dyn Fn() + Send + Sync)>,
    stop: &std::sync::atomic::AtomicBool,
) {
    let (raw_tx, raw_rx) = mpsc::sync_channel::<RawPacket>(HANDOFF_PACKETS);
    let counters = Counters::default();
    let wake = cap.breakloop_handle();
    let mut error = None;
    std::thread::scope(|scope| {
        let worker_counters = &counters;
        let worker = scope.spawn(move || {
            process(
                raw_rx,
                link,
                writer,
                &options,
                mode,
                tx,
                notify,
                worker_counters,
                &wake,
            )
        });
        let mut last_stats = Instant::now();
        while !stop.load(std::sync::atomic::Ordering::SeqCst) {
            match cap.next_packet() {
                Ok(packet) => {
                    let ts = packet.header.ts;
                    let raw = RawPacket {
                        ts_us: ts
                            .tv_sec
                            .saturating_mul(1_000_000)
                            .saturating_add(ts.tv_usec),
                        orig_len: packet.header.len,
                        data: packet.data.to_vec(),
                    };
                    if raw_tx.send(raw).is_err() {
                        break; // the processing thread ended (it reports why)
                    }
                    counters
                        .stale
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
                Err(pcap::Error::TimeoutExpired) => {}
                // pcap_breakloop: a stop (the loop ends) or a wake-up to read the counters.
                Err(pcap::Error::NoMorePackets) => {
                    counters.read_from(&mut cap);
                    last_stats = Instant::now();
                    continue;
                }
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
            if last_stats.elapsed() >= STATS_EVERY {
                last_stats = Instant::now();
                counters.read_from(&mut cap);
            }
        }
        // Closing the hand-off lets the processing thread drain what it has and finish.
        drop(raw_tx);
        if let Ok(Some(e)) = worker.join() {
            error.get_or_insert(e);
        }
    });
    counters.read_from(&mut cap);
    let _ = tx.send(LiveUpdate::Stopped {
        stats: counters.snapshot(),
        error,
    });
    if let Some(n) = notify {
        n();
    }
}

/// The processing thread: writes each packet to the pcapng file (flushed at least every
/// [`FLUSH_EVERY`] and whenever the link is idle, so a killed program loses at most the last
/// few milliseconds), decodes, reassembles and dissects, and sends the trace updates and the
/// counters. Returns why it stopped early, if it did.
///
/// When the link has been idle for [`STATS_EVERY`] and libpcap's counters were read before
/// the last packet, it wakes the reader (`wake`) to read them. Only then: `pcap_breakloop`
/// during a packet makes libpcap return "break" instead of that packet, and after that long
/// idle the reader is waiting in `poll`, where a break takes nothing.
#[allow(clippy::too_many_arguments)] // one call site, each argument a different resource
fn process(
    packets: Receiver<RawPacket>,
    link: LinkType,
    mut writer: Option<PcapNgFile>,
    options: &LiveOptions,
    mode: LiveMode,
    tx: &Sender<LiveUpdate>,
    notify: Option<&(dyn Fn() + Send + Sync)>,
    counters: &Counters,
    wake: &pcap::BreakLoop,
) -> Option<String> {
    let started = Utc::now();
    let source = Source {
        kind: "live".into(),
        scenario: None,
        capture: Some("packet".into()),
        server: None,
        file: options.write.as_ref().map(|p| p.display().to_string()),
        tool: Some(format!("wirelab {}", env!("CARGO_PKG_VERSION"))),
        link: None,
    };
    let mut builder = TraceBuilder::new(source, started);
    let _ = tx.send(LiveUpdate::Started(builder.trace().clone()));
    if let Some(n) = notify {
        n();
    }
    let start_us = started.timestamp_micros();
    let mut reassembler = Reassembler::with_mode(match mode {
        LiveMode::Trace => reassembly::Mode::Streams,
        LiveMode::TcpEvents => reassembly::Mode::TcpEvents,
    });
    let mut tcp_events = TcpEventUpdates::default();
    let mut last_t = 0;
    let mut last_flush = Instant::now();
    let mut last_stats = Instant::now();
    let mut last_packet = Instant::now();
    let mut reported = LiveStats::default();
    let mut dirty = false;
    let mut error = None;
    loop {
        let packet = match packets.recv_timeout(FLUSH_EVERY) {
            Ok(p) => Some(p),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let idle = packet.is_none();
        if let Some(p) = packet {
            last_packet = Instant::now();
            counters
                .processed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Some(w) = writer.as_mut() {
                let block = EnhancedPacketBlock {
                    interface_id: 0,
                    timestamp: Duration::from_micros(u64::try_from(p.ts_us).unwrap_or(0)),
                    original_len: p.orig_len,
                    data: std::borrow::Cow::Borrowed(&p.data),
                    options: vec![],
                };
                if let Err(e) = w.write_pcapng_block(block) {
                    error = Some(format!("writing the capture file failed: {e}"));
                    break;
                }
            }
            let t_us = p.ts_us - start_us;
            last_t = last_t.max(t_us);
            if let Ok(Decoded::Tcp(tcp)) = decode(link, &p.data) {
                match mode {
                    LiveMode::TcpEvents => {
                        reassembler.push(t_us, &tcp, &mut tcp_events);
                        for u in tcp_events.updates.drain(..) {
                            let _ = tx.send(LiveUpdate::Trace(u));
                        }
                    }
                    LiveMode::Trace => reassembler.push(t_us, &tcp, &mut builder),
                }
            }
            for u in builder.take_updates() {
                let _ = tx.send(LiveUpdate::Trace(u));
            }
            dirty = true;
        }
        // Flush and wake the consumer when idle, or every few milliseconds under load.
        if dirty && (idle || last_flush.elapsed() >= FLUSH_EVERY) {
            if let Some(w) = writer.as_mut()
                && let Err(e) = w.get_mut().flush()
            {
                error = Some(format!("writing the capture file failed: {e}"));
                break;
            }
            if let Some(n) = notify {
                n();
            }
            last_flush = Instant::now();
            dirty = false;
        }
        if last_stats.elapsed() >= STATS_EVERY {
            last_stats = Instant::now();
            if last_packet.elapsed() >= STATS_EVERY
                && counters.stale.load(std::sync::atomic::Ordering::Relaxed)
            {
                // Read by the next report, STATS_EVERY from now.
                wake.breakloop();
            }
            let now = counters.snapshot();
            if now != reported {
                reported = now;
                let _ = tx.send(LiveUpdate::Stats(now));
                if let Some(n) = notify {
                    n();
                }
            }
        }
    }
    reassembler.finish(last_t, &mut builder);
    for u in builder.take_updates() {
        let _ = tx.send(LiveUpdate::Trace(u));
    }
    if let Some(w) = writer.as_mut()
        && let Err(e) = w.get_mut().flush()
    {
        error.get_or_insert(format!("writing the capture file failed: {e}"));
    }
    error
}

/// The updates of [`LiveMode::TcpEvents`]: connections (numbered in order of their SYN) and
/// their packet events, as the reassembler classifies them in [`reassembly::Mode::TcpEvents`],
/// which delivers no bytes. Each connection's packets are counted too: after each of its
/// events, a connection update carries its counts so far (its last event, the teardown's
/// last ACK, comes with the complete counts).
#[derive(Debug, Default)]
struct TcpEventUpdates {
    updates: Vec<TraceUpdate>,
    next_conn: u32,
    /// The connections followed, with their packet counts.
    conns: std::collections::HashMap<u32, Connection>,
}

impl StreamSink for TcpEventUpdates {
    fn open_connection(
        &mut self,
        client: SocketAddr,
        server: SocketAddr,
        _start: ConnectionStart,
    ) -> u32 {
        let conn = self.next_conn;
        self.next_conn = self.next_conn.wrapping_add(1);
        let connection = Connection {
            id: conn,
            client: client.to_string(),
            server: server.to_string(),
            label: None,
            packets: None,
        };
        self.updates
            .push(TraceUpdate::Connection(connection.clone()));
        self.conns.insert(conn, connection);
        conn
    }

    fn event(&mut self, event: Event) {
        let conn = event.conn;
        let reset = matches!(event.kind, crate::trace::EventKind::TcpRst(_));
        self.updates.push(TraceUpdate::Event(event));
        if let Some(c) = conn.and_then(|c| self.conns.get(&c))
            && c.packets.is_some()
        {
            self.updates.push(TraceUpdate::Connection(c.clone()));
        }
        if reset && let Some(c) = conn {
            // The reassembler forgets a reset connection.
            self.conns.remove(&c);
        }
    }

    fn packet(&mut self, conn: u32, dir: Dir, ip_len: u32) {
        if let Some(c) = self.conns.get_mut(&conn) {
            let d = c.packets.get_or_insert_default().dir_mut(dir);
            d.packets += 1;
            d.ip_bytes += u64::from(ip_len);
        }
    }

    fn bytes(&mut self, _conn: u32, _dir: Dir, _t_us: i64, _bytes: &[u8]) {}

    fn gap(&mut self, _conn: u32, _dir: Dir, _t_us: i64, _missing: u64) {}

    fn end(&mut self, _conn: u32, _dir: Dir, _t_us: i64) {}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::reassembly::{Segment, TcpFlags};
    use crate::trace::EventKind;

    /// The TCP-events-only pipeline of [`process`].
    struct Tracker {
        reassembler: Reassembler,
        sink: TcpEventUpdates,
    }

    impl Default for Tracker {
        fn default() -> Tracker {
            Tracker {
                reassembler: Reassembler::with_mode(reassembly::Mode::TcpEvents),
                sink: TcpEventUpdates::default(),
            }
        }
    }

    impl Tracker {
        /// The updates one packet causes: a new connection, then its event (if any).
        fn push(&mut self, t_us: i64, segment: &Segment<'_>) -> Vec<TraceUpdate> {
            self.reassembler.push(t_us, segment, &mut self.sink);
            std::mem::take(&mut self.sink.updates)
        }
    }

    const C: &str = "127.0.0.1:50000";
    const S: &str = "127.0.0.1:8088";

    fn packet(dir: Dir, seq: u32, ack: u32, flags: &str, len: u32) -> Segment<'static> {
        let (c, s) = (C.parse().unwrap(), S.parse().unwrap());
        let (src, dst) = match dir {
            Dir::C2s => (c, s),
            Dir::S2c => (s, c),
        };
        Segment {
            src,
            dst,
            seq,
            ack,
            flags: TcpFlags {
                syn: flags.contains('S'),
                ack: flags.contains('A'),
                fin: flags.contains('F'),
                rst: flags.contains('R'),
            },
            window: 100,
            payload: b"",
            wire_len: len,
            ip_len: 40 + len,
        }
    }

    fn events(updates: Vec<TraceUpdate>) -> Vec<(String, Option<Dir>, u32, u32, u32)> {
        updates
            .into_iter()
            .filter_map(|u| match u {
                TraceUpdate::Event(e) => {
                    let (seq, ack, len) = match &e.kind {
                        EventKind::TcpSyn(s)
                        | EventKind::TcpSynAck(s)
                        | EventKind::TcpAck(s)
                        | EventKind::TcpFin(s)
                        | EventKind::TcpRst(s) => (s.seq, s.ack, s.len),
                        _ => (0, 0, 0),
                    };
                    Some((e.kind.name().to_string(), e.dir, seq, ack, len))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn handshake_data_and_teardown_with_relative_numbers() {
        let mut t = Tracker::default();
        let (ci, si) = (1000u32, u32::MAX - 5); // the server's numbers wrap around
        let mut all = Vec::new();
        let mut push = |p: Segment<'static>| all.extend(t.push(0, &p));
        push(packet(Dir::C2s, ci, 0, "S", 0));
        push(packet(Dir::S2c, si, ci + 1, "SA", 0));
        push(packet(Dir::C2s, ci + 1, si.wrapping_add(1), "A", 0));
        push(packet(Dir::C2s, ci + 1, si.wrapping_add(1), "A", 10)); // data: no event
        push(packet(Dir::S2c, si.wrapping_add(1), ci + 11, "A", 20)); // data: no event
        push(packet(Dir::S2c, si.wrapping_add(21), ci + 11, "FA", 0)); // server closes first
        push(packet(Dir::C2s, ci + 11, si.wrapping_add(22), "A", 0));
        push(packet(Dir::C2s, ci + 11, si.wrapping_add(22), "FA", 0));
        push(packet(Dir::S2c, si.wrapping_add(22), ci + 12, "A", 0));
        assert!(matches!(&all[0], TraceUpdate::Connection(c) if c.client == C && c.server == S));
        let got = events(all);
        let want = [
            ("tcp_syn", Dir::C2s, 0, 0, 0),
            ("tcp_syn_ack", Dir::S2c, 0, 1, 0),
            ("tcp_ack", Dir::C2s, 1, 1, 0),
            ("tcp_fin", Dir::S2c, 21, 11, 0),
            ("tcp_ack", Dir::C2s, 11, 22, 0),
            ("tcp_fin", Dir::C2s, 11, 22, 0),
            ("tcp_ack", Dir::S2c, 22, 12, 0),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(k, d, s, a, l)| (k.to_string(), Some(*d), *s, *a, *l))
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            t.reassembler.connections(),
            0,
            "a closed connection is forgotten"
        );
    }

    #[test]
    fn unknown_connections_are_skipped_and_reused_tuples_start_afresh() {
        let mut t = Tracker::default();
        // Mid-connection traffic (no SYN seen): nothing.
        assert!(t.push(0, &packet(Dir::C2s, 5, 5, "A", 10)).is_empty());
        assert!(t.push(0, &packet(Dir::S2c, 5, 5, "FA", 0)).is_empty());
        let first = t.push(1, &packet(Dir::C2s, 100, 0, "S", 0));
        assert!(matches!(&first[0], TraceUpdate::Connection(c) if c.id == 0));
        // A RST ends it; a new SYN on the same 4-tuple is connection 1.
        let rst = events(t.push(2, &packet(Dir::S2c, 0, 101, "RA", 0)));
        assert_eq!(rst[0].0, "tcp_rst");
        let second = t.push(3, &packet(Dir::C2s, 900, 0, "S", 0));
        assert!(matches!(&second[0], TraceUpdate::Connection(c) if c.id == 1));
    }
}
