//! Packet mode: the lab's own live capture of its port on the loopback interface (TCP packet
//! events only; the socket tap has the bytes), whether to use it, and the task that feeds it
//! to the collector.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::CaptureMode;
use super::collector::Collector;
use crate::capture::live::{self as live_capture, LiveCapture, LiveError, LiveMode, LiveOptions};

/// Starts the lab's packet capture: the loopback interface, the lab's port, TCP packet
/// events only (the tap has the bytes); whole packets written to `write`, if given.
pub(super) fn start_capture(
    server: SocketAddr,
    write: Option<std::path::PathBuf>,
    notify: Box<dyn Fn() + Send + Sync>,
) -> Result<LiveCapture, LiveError> {
    LiveCapture::start_with(
        LiveOptions {
            device: loopback_device(),
            filter: format!("tcp port {}", server.port()),
            write,
        },
        LiveMode::TcpEvents,
        Some(notify),
    )
}

/// The loopback interface's name as libpcap calls it (`lo` on Linux, `lo0` on macOS, ...).
fn loopback_device() -> String {
    let fallback = if cfg!(target_os = "linux") {
        "lo"
    } else {
        "lo0"
    };
    pcap::Device::list()
        .ok()
        .and_then(|list| list.into_iter().find(|d| d.flags.is_loopback()))
        .map_or_else(|| fallback.to_string(), |d| d.name)
}

/// Decides whether the lab captures packets: `start` opens the capture. Returns the capture
/// (if any) and, without one, why in one line; an error only for [`CaptureMode::Packet`].
pub(super) fn choose_capture<C>(
    mode: CaptureMode,
    server: SocketAddr,
    start: impl FnOnce() -> Result<C, LiveError>,
) -> anyhow::Result<(Option<C>, Option<String>)> {
    if mode == CaptureMode::Socket {
        // Asked for: nothing to explain.
        return Ok((None, None));
    }
    if !server.ip().is_loopback() && !server.ip().is_unspecified() {
        let why = format!(
            "the lab listens on {}, and packet mode watches the loopback interface only",
            server.ip()
        );
        return match mode {
            CaptureMode::Packet => Err(anyhow::anyhow!("--capture packet: {why}")),
            _ => Ok((None, Some(why))),
        };
    }
    match start() {
        Ok(capture) => Ok((Some(capture), None)),
        Err(err) if mode == CaptureMode::Packet => Err(anyhow::Error::new(err)),
        Err(err) => Ok((None, Some(one_line_reason(&err)))),
    }
}

/// Why packets are not captured, in one line (the full help goes with `--capture packet`).
fn one_line_reason(err: &LiveError) -> String {
    match err {
        LiveError::Permission { device, detail } => {
            let fix = if cfg!(target_os = "linux") {
                let exe = std::env::current_exe()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "wirelab".to_string());
                format!("grant it with `sudo setcap cap_net_raw,cap_net_admin=eip {exe}`")
            } else {
                "run with --capture packet to see how to grant it".to_string()
            };
            format!("no permission to capture packets on {device} ({detail}); {fix}")
        }
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Feeds the capture's updates to the collector, and releases what waited too long for
/// packets (so a lost packet delays a connection by at most [`super::merge::WITNESS_TIMEOUT`]).
pub(super) async fn pump_capture(
    capture: LiveCapture,
    captured: Arc<tokio::sync::Notify>,
    collector: Arc<Collector>,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = captured.notified() => {}
            _ = tick.tick() => collector.tick(Instant::now()),
        }
        while let Some(update) = capture.try_recv() {
            let stopped = matches!(update, live_capture::LiveUpdate::Stopped { .. });
            collector.capture_update(update);
            if stopped {
                return;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn loopback() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8088))
    }

    fn denied() -> Result<u8, LiveError> {
        Err(LiveError::Permission {
            device: "lo".to_string(),
            detail: "socket: Operation not permitted".to_string(),
        })
    }

    #[test]
    fn socket_mode_never_tries_to_capture() {
        let (capture, reason) = choose_capture(
            CaptureMode::Socket,
            loopback(),
            || -> Result<u8, LiveError> { panic!("socket mode must not open a capture") },
        )
        .unwrap();
        assert_eq!((capture, reason), (None, None));
    }

    #[test]
    fn auto_uses_packets_when_permitted_and_says_why_not_otherwise() {
        let (capture, reason) = choose_capture(CaptureMode::Auto, loopback(), || Ok(7u8)).unwrap();
        assert_eq!((capture, reason), (Some(7), None));
        let (capture, reason) = choose_capture(CaptureMode::Auto, loopback(), denied).unwrap();
        assert_eq!(capture, None);
        let reason = reason.unwrap();
        assert!(!reason.contains('\n'), "one line: {reason}");
        assert!(
            reason.contains("no permission to capture packets on lo"),
            "{reason}"
        );
        if cfg!(target_os = "linux") {
            assert!(
                reason.contains("setcap cap_net_raw,cap_net_admin=eip"),
                "{reason}"
            );
        }
        // Another failure (no such device) is a reason too, not an error.
        let (capture, reason) = choose_capture(
            CaptureMode::Auto,
            loopback(),
            || -> Result<u8, LiveError> {
                Err(LiveError::Device {
                    device: "lo".to_string(),
                    detail: "no such device".to_string(),
                })
            },
        )
        .unwrap();
        assert_eq!(capture, None);
        assert!(reason.unwrap().contains("no such device"));
    }

    #[test]
    fn packet_mode_fails_with_the_permission_help() {
        let err = choose_capture(CaptureMode::Packet, loopback(), denied).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("no permission to capture on lo"), "{text}");
        assert!(text.contains(&live_capture::permission_help()), "{text}");
        let (capture, _) = choose_capture(CaptureMode::Packet, loopback(), || Ok(1u8)).unwrap();
        assert_eq!(capture, Some(1));
    }

    #[test]
    fn a_lab_off_loopback_does_not_capture_loopback_packets() {
        let outside = SocketAddr::from(([192, 0, 2, 1], 80));
        let (capture, reason) = choose_capture(CaptureMode::Auto, outside, || Ok(1u8)).unwrap();
        assert_eq!(capture, None);
        assert!(reason.unwrap().contains("loopback"));
        assert!(choose_capture(CaptureMode::Packet, outside, || Ok(1u8)).is_err());
        // A wildcard bind is reached over loopback by the lab's own clients.
        let any = SocketAddr::from(([0, 0, 0, 0], 80));
        let (capture, _) = choose_capture(CaptureMode::Auto, any, || Ok(1u8)).unwrap();
        assert_eq!(capture, Some(1));
    }
}
