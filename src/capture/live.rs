//! Live capture with libpcap on its own thread: packets are decoded, reassembled and dissected
//! into a trace as they arrive, and streamed to a pcapng file as they go (flushed per packet,
//! so killing the program loses nothing already captured). Stopped promptly with
//! `pcap_breakloop` (in immediate mode libpcap does not return on its read timeout while the
//! link is idle).

use std::fs::File;
use std::io::{BufWriter, Write as _};
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
use crate::reassembly::{Reassembler, Segment};
use crate::trace::{Source, Trace, TraceBuilder, TraceUpdate};

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
    /// Packets received by the filter.
    pub received: u32,
    /// Packets dropped because the buffer was full.
    pub dropped: u32,
    /// Packets dropped by the interface.
    pub if_dropped: u32,
    /// Packets wirelab processed.
    pub processed: u64,
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
        let device = options.device.clone();
        let open_error = |e: pcap::Error| {
            let detail = e.to_string();
            if detail.contains("Operation not permitted")
                || detail.contains("Permission denied")
                || detail.contains("You don't have permission")
            {
                LiveError::Permission {
                    device: device.clone(),
                    detail,
                }
            } else {
                LiveError::Device {
                    device: device.clone(),
                    detail,
                }
            }
        };
        let mut cap = pcap::Capture::from_device(options.device.as_str())
            .map_err(open_error)?
            .promisc(false)
            .snaplen(262_144)
            .immediate_mode(true)
            .buffer_size(64 * 1024 * 1024)
            .timeout(200)
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

fn capture_loop(
    mut cap: pcap::Capture<pcap::Active>,
    link: LinkType,
    mut writer: Option<PcapNgFile>,
    options: LiveOptions,
    tx: &Sender<LiveUpdate>,
    notify: Option<&(dyn Fn() + Send + Sync)>,
    stop: &std::sync::atomic::AtomicBool,
) {
    let send = |u: LiveUpdate| {
        let _ = tx.send(u);
        if let Some(n) = notify {
            n();
        }
    };
    let started = Utc::now();
    let source = Source {
        kind: "live".into(),
        scenario: None,
        capture: Some("packet".into()),
        server: None,
        file: options.write.as_ref().map(|p| p.display().to_string()),
        tool: Some(format!("wirelab {}", env!("CARGO_PKG_VERSION"))),
    };
    let mut builder = TraceBuilder::new(source, started);
    send(LiveUpdate::Started(builder.trace().clone()));
    let start_us = started.timestamp_micros();
    let mut reassembler = Reassembler::new();
    let mut stats = LiveStats::default();
    let mut last_stats = Instant::now();
    let mut error = None;
    let mut last_t = 0;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        match cap.next_packet() {
            Ok(packet) => {
                stats.processed += 1;
                let ts_us = packet
                    .header
                    .ts
                    .tv_sec
                    .saturating_mul(1_000_000)
                    .saturating_add(packet.header.ts.tv_usec);
                if let Some(w) = writer.as_mut() {
                    let block = EnhancedPacketBlock {
                        interface_id: 0,
                        timestamp: Duration::from_micros(u64::try_from(ts_us).unwrap_or(0)),
                        original_len: packet.header.len,
                        data: std::borrow::Cow::Borrowed(packet.data),
                        options: vec![],
                    };
                    let written = w
                        .write_pcapng_block(block)
                        .map_err(|e| e.to_string())
                        .and_then(|_| w.get_mut().flush().map_err(|e| e.to_string()));
                    if let Err(e) = written {
                        error = Some(format!("writing the capture file failed: {e}"));
                        break;
                    }
                }
                let t_us = ts_us - start_us;
                last_t = last_t.max(t_us);
                if let Ok(Decoded::Tcp(tcp)) = decode(link, packet.data) {
                    reassembler.push(
                        &Segment {
                            t_us,
                            src: tcp.src,
                            dst: tcp.dst,
                            seq: tcp.seq,
                            ack: tcp.ack,
                            flags: tcp.flags,
                            window: tcp.window,
                            payload: tcp.payload,
                            wire_len: tcp.wire_len,
                        },
                        &mut builder,
                    );
                }
                for u in builder.take_updates() {
                    let _ = tx.send(LiveUpdate::Trace(u));
                }
                if let Some(n) = notify {
                    n();
                }
            }
            Err(pcap::Error::TimeoutExpired) => {}
            Err(pcap::Error::NoMorePackets) => break,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
        if last_stats.elapsed() >= Duration::from_millis(500) {
            last_stats = Instant::now();
            read_stats(&mut cap, &mut stats);
            send(LiveUpdate::Stats(stats));
        }
    }
    reassembler.finish(last_t, &mut builder);
    for u in builder.take_updates() {
        let _ = tx.send(LiveUpdate::Trace(u));
    }
    read_stats(&mut cap, &mut stats);
    send(LiveUpdate::Stopped { stats, error });
}

fn read_stats(cap: &mut pcap::Capture<pcap::Active>, stats: &mut LiveStats) {
    if let Ok(s) = cap.stats() {
        stats.received = s.received;
        stats.dropped = s.dropped;
        stats.if_dropped = s.if_dropped;
    }
}
