//! What the scale run asks of the process it runs in: its resident memory and its open-file
//! limit (every connection is a descriptor; the load generator's 10,000 clients need 10,000).

use serde::{Deserialize, Serialize};

/// This process's resident set size (`VmRSS` in `/proc/self/status`), in bytes.
pub fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// The open-file limit (`RLIMIT_NOFILE`) after [`raise_nofile`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NofileLimit {
    /// The soft limit before raising it (`None`: unlimited).
    pub soft_before: Option<u64>,
    /// The soft limit now: the most descriptors this process may hold.
    pub soft: Option<u64>,
    /// The hard limit, which an unprivileged process cannot pass.
    pub hard: Option<u64>,
}

/// Raises the soft open-file limit to the hard one (allowed without privilege) and says what
/// it allowed.
pub fn raise_nofile() -> NofileLimit {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let before = getrlimit(Resource::Nofile);
    if before.current != before.maximum {
        let raised = rustix::process::Rlimit {
            current: before.maximum,
            maximum: before.maximum,
        };
        if let Err(err) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!("cannot raise the open-file limit: {err}");
        }
    }
    let now = getrlimit(Resource::Nofile);
    NofileLimit {
        soft_before: before.current,
        soft: now.current,
        hard: now.maximum,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_memory_and_a_limit() {
        assert!(rss_bytes().is_some_and(|rss| rss > 0));
        let limit = raise_nofile();
        assert_eq!(limit.soft, limit.hard);
    }
}
