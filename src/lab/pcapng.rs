//! Saving a lab run's packets as pcapng, for Wireshark or `wirelab inspect`: packet mode's
//! capture writes every packet of the lab's port to one file ([`super::PacketFile`]); a run's
//! packets are the ones captured from its start on.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use pcap_file::pcapng::{Block, PcapNgReader, PcapNgWriter};

/// A scratch file for the lab's packets in the temporary directory, unique to this lab.
pub fn scratch_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("wirelab-lab-{}-{port}.pcapng", std::process::id()))
}

/// Copies the packets of `from` (the lab's capture, possibly still being written) captured at
/// or after `since` into a new pcapng file `to`, with the same interfaces. Returns how many
/// packets were copied. A block the capture is still writing at the end is left out.
pub fn copy_since(from: &Path, since: DateTime<Utc>, to: &Path) -> anyhow::Result<u64> {
    let input = File::open(from).with_context(|| format!("cannot open {}", from.display()))?;
    let mut reader = PcapNgReader::new(BufReader::new(input))
        .with_context(|| format!("{} is not a pcapng file", from.display()))?;
    let output = File::create(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut writer = PcapNgWriter::new(BufWriter::new(output))
        .with_context(|| format!("cannot write {}", to.display()))?;
    let since = Duration::from_micros(u64::try_from(since.timestamp_micros()).unwrap_or(0));
    let mut packets = 0u64;
    while let Some(block) = reader.next_block() {
        // An error here is the block the capture is writing right now: the end for us.
        let Ok(block) = block else { break };
        let keep = match &block {
            Block::InterfaceDescription(_) => true,
            Block::EnhancedPacket(p) => p.timestamp >= since,
            _ => false,
        };
        if keep {
            writer
                .write_block(&block)
                .with_context(|| format!("cannot write {}", to.display()))?;
            packets += u64::from(matches!(block, Block::EnhancedPacket(_)));
        }
    }
    writer
        .get_mut()
        .flush()
        .with_context(|| format!("cannot write {}", to.display()))?;
    Ok(packets)
}
