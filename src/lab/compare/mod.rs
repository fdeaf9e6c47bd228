//! The compare run: four real clients at once against the lab server, each receiving the
//! same event stream from one [`EventSource`](super::server::push::EventSource) — short
//! polling, long polling, SSE and WebSocket — traced into one trace with four lanes named by
//! technique (`short-poll`, `long-poll`, `sse`, `websocket`). What each cost and how long
//! each delivery took is read from that trace by [`crate::analysis::compare`], never from the
//! clients: the source records each event's creation (`source_event`) and the clients' read
//! tap each read (`client_read`).
//!
//! Started as [`LabCommand::Compare`](super::LabCommand::Compare) through the [`Lab`] handle
//! (live trace updates as for any run; progress is the trace's `source_event`s and
//! deliveries against [`Workload::events`]), or blocking with [`run`].

pub mod export;
pub mod presets;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;

use super::client::AbortOnDrop;
use super::link::{LinkConditions, RUN_SEED, Relay, Route};
use super::push_client::{
    DialHook, Dialed, Dialer, KeepAlive, PushSpec, RequestHead, SseDrop, Technique, receive,
};
use super::runner::{ActiveRun, RunContext, STAGE_TIMEOUT, connectable};
use super::server::push::{Timing, Workload};
use super::{Lab, LabCommand, LabConfig, LabUpdate, RunMode};
use crate::analysis::metrics;
use crate::lang::Lang;
use crate::trace::matcher::EventMatcher;
use crate::trace::{Dir, Trace};

/// The scenario name a compare run's trace carries (`Trace.source.scenario`).
pub const SCENARIO: &str = "compare";

/// What a compare run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompareConfig {
    /// The event stream every client receives.
    pub workload: Workload,
    /// Short polling's interval.
    pub poll_every: Duration,
    /// Whether the polling clients keep their connection (HTTP/1.1) or open one per request
    /// (`Connection: close`).
    pub keep_alive: KeepAlive,
    /// How big the clients' request heads are.
    pub head: RequestHead,
    /// The emulated link, applied by the lab's relay (one for all four techniques).
    pub link: LinkConditions,
}

impl Default for CompareConfig {
    /// The classroom's standard run: 20 events of 57 B at random moments, 1 s apart on
    /// average (seed 1), short polling every second with keep-alive, minimal heads.
    fn default() -> Self {
        CompareConfig {
            workload: Workload {
                events: 20,
                interval: Duration::from_secs(1),
                payload_bytes: 57,
                timing: Timing::Random { seed: 1 },
            },
            poll_every: Duration::from_secs(1),
            keep_alive: KeepAlive::On,
            head: RequestHead::Minimal,
            link: LinkConditions::default(),
        }
    }
}

impl CompareConfig {
    /// The four clients' specs, with their lanes' names (the techniques' names in
    /// [`crate::analysis::compare`]).
    pub fn clients(&self) -> [(metrics::Technique, PushSpec); 4] {
        let spec = |technique| PushSpec {
            technique,
            keep_alive: self.keep_alive,
            workload: self.workload,
            head: self.head,
        };
        [
            (
                metrics::Technique::ShortPoll,
                spec(Technique::ShortPoll {
                    every: self.poll_every,
                }),
            ),
            (metrics::Technique::LongPoll, spec(Technique::LongPoll)),
            (
                metrics::Technique::Sse,
                spec(Technique::Sse {
                    drop: SseDrop::Never,
                }),
            ),
            (metrics::Technique::WebSocket, spec(Technique::WebSocket)),
        ]
    }

    /// The run's one-line description (its stage label).
    pub fn describe(&self, lang: Lang) -> String {
        let w = &self.workload;
        let interval = w.interval.as_millis();
        let timing = match (w.timing, lang) {
            (Timing::Regular, Lang::En) => format!("every {interval} ms"),
            (Timing::Regular, Lang::Zh) => format!("每 {interval} ms 一个"),
            (Timing::Random { seed }, Lang::En) => {
                format!("at random moments, {interval} ms apart on average (seed {seed})")
            }
            (Timing::Random { seed }, Lang::Zh) => {
                format!("随机时刻，平均间隔 {interval} ms（种子 {seed}）")
            }
        };
        let keep_alive = match (self.keep_alive, lang) {
            (KeepAlive::On, Lang::En) => "keep-alive",
            (KeepAlive::On, Lang::Zh) => "keep-alive（持久连接）",
            (KeepAlive::Off, Lang::En) => "a new connection per poll",
            (KeepAlive::Off, Lang::Zh) => "每次轮询新建一个连接",
        };
        let head = match (self.head, lang) {
            (RequestHead::Minimal, Lang::En) => "minimal request heads",
            (RequestHead::Minimal, Lang::Zh) => "最小的请求头",
            (RequestHead::BrowserLike, Lang::En) => "browser-like request heads (Chromium's size)",
            (RequestHead::BrowserLike, Lang::Zh) => "类似浏览器的请求头（Chromium 的大小）",
            (RequestHead::Lubbers, Lang::En) => {
                "Lubbers & Greco's request headers, cookies included"
            }
            (RequestHead::Lubbers, Lang::Zh) => "Lubbers 与 Greco 的请求首部，含 cookie",
        };
        let link = match (self.link.is_emulated(), lang) {
            (false, Lang::En) => "plain loopback".to_string(),
            (false, Lang::Zh) => "普通回环（不模拟链路）".to_string(),
            (true, _) => crate::trace::describe::link_summary(&self.link.record(), lang),
        };
        let (events, payload, poll) = (w.events, w.payload_bytes, self.poll_every.as_millis());
        match lang {
            Lang::En => format!(
                "four clients, one event source: {events} events of {payload} B {timing}; short \
                 poll every {poll} ms, {keep_alive}; {head}; {link}"
            ),
            Lang::Zh => format!(
                "四个客户端，一个事件源：{events} 个 {payload} B 的事件，{timing}；短轮询每 {poll} ms \
                 一次，{keep_alive}；{head}；{link}"
            ),
        }
    }
}

/// How long a run of `config` may take before it fails: the events' schedule and the
/// stage timeout on top.
pub(crate) fn run_timeout(config: &CompareConfig) -> Duration {
    config.workload.gaps().sum::<Duration>() + config.poll_every + STAGE_TIMEOUT
}

/// Begins a compare run's trace and starts it (the lab's `control` keeps the handle).
pub(super) fn start(config: CompareConfig, ctx: Arc<RunContext>) -> ActiveRun {
    // In the language the lab records its stage captions in.
    let label = config.describe(ctx.lang);
    let record = config.link.is_emulated().then(|| config.link.record());
    ctx.collector
        .start_linked_run(Some(SCENARIO), RunMode::Run, vec![label.clone()], record);
    let task = tokio::spawn(compare_run(config, label, ctx));
    ActiveRun::of_task(AbortOnDrop(task))
}

async fn compare_run(config: CompareConfig, label: String, ctx: Arc<RunContext>) {
    ctx.outbox.send(LabUpdate::StageStarted {
        index: 0,
        label: label.clone(),
    });
    match receive_all(&config, &ctx).await {
        Ok(()) => {}
        Err(message) => {
            ctx.outbox.send(LabUpdate::Failed(message));
            return;
        }
    }
    ctx.collector.stage_done(0, &label);
    ctx.outbox.send(LabUpdate::StageDone {
        index: 0,
        label,
        next: None,
    });
    ctx.outbox.send(LabUpdate::Finished);
}

/// Starts the source, runs the four clients at once, then waits until the trace shows an
/// answer to every request they sent.
async fn receive_all(config: &CompareConfig, ctx: &Arc<RunContext>) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + run_timeout(config);
    // A fresh source, held until the run ends: a client of an earlier, aborted run cannot
    // share it, and no request of this run can start another.
    let _source = ctx
        .events
        .restart(config.workload)
        .ok_or("the event source is unavailable")?;
    // Every technique goes through the same emulated link (one relay), or straight to the server.
    let server = connectable(ctx.server);
    let route = if config.link.is_emulated() {
        let relay = Relay::start(server, config.link, RUN_SEED)
            .await
            .map_err(|err| format!("cannot start the link emulation's relay: {err}"))?;
        Route::relayed(relay)
    } else {
        Route::direct(server)
    };
    let clients = config.clients().map(|(technique, spec)| {
        let lane = technique.name();
        let collector = ctx.collector.clone();
        let hook: DialHook = Arc::new(move |dialed| match dialed {
            Dialed::Bound(local) => collector.expect_client(local, lane),
            Dialed::Connected(local, at) => collector.client_connected(local, at),
            Dialed::Read(local, total, at) => collector.client_read(local, total, at),
        });
        let dialer = Dialer::along(route.clone(), Some(hook));
        async move {
            let delivery = receive(spec, None, &dialer)
                .await
                .map_err(|e| format!("{lane}: {e}"))?;
            Ok::<_, String>((lane, delivery.requests))
        }
    });
    let done = tokio::time::timeout_at(deadline, join_all(clients))
        .await
        .map_err(|_| "the clients had not received every event in time".to_string())?;
    let mut answers = Vec::new();
    for result in done {
        let (lane, requests) = result?;
        let response = EventMatcher::kind("http_response")
            .on_lane(lane)
            .dir(Dir::S2c);
        answers.extend(std::iter::repeat_n(response, requests as usize));
    }
    // Every request's answer in the trace (the tap's records reach it a little later).
    loop {
        let changed = ctx.outbox.changed();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let mut taken = std::collections::HashSet::new();
        let all = answers.iter().all(|m| {
            ctx.collector
                .find(m, 0, &taken)
                .map(|i| taken.insert(i))
                .is_some()
        });
        if all {
            return Ok(());
        }
        tokio::select! {
            () = &mut changed => {}
            () = tokio::time::sleep_until(deadline) => {
                return Err("the trace does not show an answer to every request".to_string());
            }
        }
    }
}

/// Runs a compare run to completion on a fresh lab and returns its trace (CLI and tests).
pub fn run(config: CompareConfig, lab: LabConfig) -> anyhow::Result<Trace> {
    run_observed(config, lab, |_| {})
}

/// [`run`], showing `observe` every update as it arrives.
pub fn run_observed(
    config: CompareConfig,
    lab: LabConfig,
    observe: impl FnMut(&LabUpdate),
) -> anyhow::Result<Trace> {
    let started = Lab::start(lab, None)?;
    started.send(LabCommand::Compare(config));
    super::collect_run(&started, SCENARIO, run_timeout(&config), observe)
}
