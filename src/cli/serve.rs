//! `wirelab serve`: the lab server alone, printing every conversation it sees (e.g. a real
//! browser on the demo page).

use std::io;
use std::time::Duration;

use super::ServeArgs;
use super::live::{LiveTimeline, next_update, say_capture_mode, start_lab, style};
use crate::lab::{LabConfig, LabUpdate};
use crate::lang::Lang;

/// Serves until Ctrl-C.
pub(super) fn serve(args: ServeArgs, lang: Lang) -> anyhow::Result<()> {
    let lab = start_lab(LabConfig {
        bind: args.bind,
        pace_ms: 0,
        ..LabConfig::default()
    })?;
    let addr = lab.server_addr();
    match (addr.ip().is_loopback(), lang) {
        (true, _) => {}
        (false, Lang::En) => {
            eprintln!("warning: the lab listens on {addr}, reachable from other machines")
        }
        (false, Lang::Zh) => eprintln!("警告：实验室监听在 {addr}，其他机器也能连上"),
    }
    match lang {
        Lang::En => {
            println!("wirelab lab server on http://{addr}/ — open it in a browser; Ctrl-C stops")
        }
        Lang::Zh => {
            println!("wirelab 实验室服务器在 http://{addr}/ —— 在浏览器中打开它；按 Ctrl-C 停止")
        }
    }
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
            LabUpdate::Failed(message) => match lang {
                Lang::En => eprintln!("lab: {message}"),
                Lang::Zh => eprintln!("实验室：{message}"),
            },
            LabUpdate::CaptureMode { packets: true, .. } => match lang {
                Lang::En => eprintln!(
                    "wirelab: TCP packets are captured on loopback and merged with the socket tap"
                ),
                Lang::Zh => {
                    eprintln!("wirelab：在回环接口上抓取 TCP 数据包，并与套接字探针的记录合并")
                }
            },
            update @ LabUpdate::CaptureMode { .. } => say_capture_mode(&update, lang),
            _ => {}
        }
    }
}
