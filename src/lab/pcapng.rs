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

/// The scratch files' names: `wirelab-lab-PID-PORT.pcapng`.
const SCRATCH_PREFIX: &str = "wirelab-lab-";
const SCRATCH_SUFFIX: &str = ".pcapng";

/// A scratch file for the lab's packets in the temporary directory, unique to this lab (the
/// lab removes it when it stops). Scratch files of labs whose process is gone (killed, so
/// nothing removed them) are removed first.
pub fn scratch_path(port: u16) -> PathBuf {
    let dir = std::env::temp_dir();
    remove_orphans(&dir);
    dir.join(format!(
        "{SCRATCH_PREFIX}{}-{port}{SCRATCH_SUFFIX}",
        std::process::id()
    ))
}

/// The process id a scratch file's name carries, if it is one.
fn scratch_pid(name: &str) -> Option<u32> {
    let rest = name
        .strip_prefix(SCRATCH_PREFIX)?
        .strip_suffix(SCRATCH_SUFFIX)?;
    let (pid, port) = rest.split_once('-')?;
    port.parse::<u16>().ok()?;
    pid.parse().ok()
}

/// Removes the scratch files in `dir` of processes that no longer run (Linux: no
/// `/proc/PID`; elsewhere nothing is removed).
fn remove_orphans(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(scratch_pid) else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            // Another lab may have removed it first: nothing to report.
            let _ = std::fs::remove_file(entry.path());
        }
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_labs_scratch_file_goes_and_a_running_ones_stays() {
        assert_eq!(scratch_pid("wirelab-lab-123-4567.pcapng"), Some(123));
        assert_eq!(scratch_pid("wirelab-lab-123.pcapng"), None);
        assert_eq!(scratch_pid("wirelab-lab-x-1.pcapng"), None);
        assert_eq!(scratch_pid("other-123-4567.pcapng"), None);
        let dir = tempfile::tempdir().unwrap();
        let own = dir
            .path()
            .join(format!("wirelab-lab-{}-1.pcapng", std::process::id()));
        // No process has this id (above the kernel's pid_max).
        let gone = dir.path().join("wirelab-lab-4194305-1.pcapng");
        let other = dir.path().join("wirelab-lab-notes.txt");
        for file in [&own, &gone, &other] {
            std::fs::write(file, b"x").unwrap();
        }
        remove_orphans(dir.path());
        assert!(own.exists() && other.exists());
        assert!(!gone.exists());
    }
}
