//! `wirelab serve`: the lab server alone, printing every conversation it sees (e.g. a real
//! browser on the demo page).

use std::io;
use std::time::Duration;

use super::ServeArgs;
use super::live::{LiveTimeline, next_update, say_capture_mode, start_lab, style};
use crate::lab::{LabConfig, LabUpdate};

/// Serves until Ctrl-C.
pub(super) fn serve(args: ServeArgs, lang: crate::lang::Lang) -> anyhow::Result<()> {
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
    let style = style(args.no_color, args.frames, false, lang);
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
            update @ LabUpdate::CaptureMode { .. } => say_capture_mode(&update, lang),
            _ => {}
        }
    }
}
