//! `wirelab capture`: a live libpcap capture, its conversations printed as they happen.

use std::io;
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::CaptureArgs;
use super::live::{LiveTimeline, style};
use crate::report::terminal;

/// Captures until `--duration` or Ctrl-C (or lists the interfaces).
pub(super) fn capture(args: CaptureArgs, lang: crate::lang::Lang) -> anyhow::Result<()> {
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
    let style = style(args.no_color, args.frames, false, lang);
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
                let copies = match live::Counting::of(&args.interface) {
                    live::Counting::Once => String::new(),
                    live::Counting::Twice => format!(
                        " (on {} the kernel counts each packet twice, as sent and as received: {} packets)",
                        args.interface,
                        stats.received / 2
                    ),
                    live::Counting::LoopbackTwice => {
                        " (loopback packets counted twice, as sent and as received)".to_string()
                    }
                };
                eprintln!(
                    "{} packets processed; libpcap: {} received{copies}, {} dropped, {} dropped by the interface",
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
        super::live::say_written(super::live::wrote::TRACE, path, lang);
    }
    Ok(())
}
