//! What the scale run and its load generator (a child process) say to each other: JSON lines,
//! the plan on the child's stdin, [`Report`]s on its stdout.

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::process::NofileLimit;
use crate::lab::push_client::{RequestHead, SseDrop, Technique};
use crate::lab::server::push::{Timing, Workload};

/// A push technique the scale run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScaleTechnique {
    /// `GET /poll` every poll interval, on a persistent connection.
    ShortPoll,
    /// `GET /long-poll`, the next as soon as the answer is in.
    LongPoll,
    /// One `text/event-stream` response.
    Sse,
    /// One WebSocket connection, one text message per event.
    #[serde(rename = "websocket")]
    WebSocket,
}

impl ScaleTechnique {
    /// Every technique, in the Compare view's order.
    pub const ALL: [ScaleTechnique; 4] = [
        ScaleTechnique::ShortPoll,
        ScaleTechnique::LongPoll,
        ScaleTechnique::Sse,
        ScaleTechnique::WebSocket,
    ];

    /// The name used in tables, JSON and on the command line (`short-poll`, …, `websocket`).
    pub fn name(self) -> &'static str {
        match self {
            ScaleTechnique::ShortPoll => "short-poll",
            ScaleTechnique::LongPoll => "long-poll",
            ScaleTechnique::Sse => "sse",
            ScaleTechnique::WebSocket => "websocket",
        }
    }

    /// The technique named `name` ([`ScaleTechnique::name`]).
    pub fn from_name(name: &str) -> Option<ScaleTechnique> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The lab's push client for it.
    pub fn client(self, poll_every: Duration) -> Technique {
        match self {
            ScaleTechnique::ShortPoll => Technique::ShortPoll { every: poll_every },
            ScaleTechnique::LongPoll => Technique::LongPoll,
            ScaleTechnique::Sse => Technique::Sse {
                drop: SseDrop::Never,
            },
            ScaleTechnique::WebSocket => Technique::WebSocket,
        }
    }
}

/// The request heads of the polling and SSE clients ([`RequestHead`], as JSON).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Head {
    /// [`RequestHead::Minimal`].
    #[default]
    Minimal,
    /// [`RequestHead::BrowserLike`].
    BrowserLike,
    /// [`RequestHead::Lubbers`].
    Lubbers,
}

impl Head {
    /// The push client's head.
    pub fn request_head(self) -> RequestHead {
        match self {
            Head::Minimal => RequestHead::Minimal,
            Head::BrowserLike => RequestHead::BrowserLike,
            Head::Lubbers => RequestHead::Lubbers,
        }
    }

    /// The head for a push client's.
    pub fn of(head: RequestHead) -> Head {
        match head {
            RequestHead::Minimal => Head::Minimal,
            RequestHead::BrowserLike => Head::BrowserLike,
            RequestHead::Lubbers => Head::Lubbers,
        }
    }
}

/// What the clients do once connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Connect (WebSocket), report [`Report::Ready`], stay idle until the parent writes a line,
    /// then close: the server's memory per idle connection is measured meanwhile.
    Idle,
    /// Receive every event of the workload, then end.
    Deliver,
}

/// The plan the load generator gets on its stdin (one JSON line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The lab server.
    pub server: SocketAddr,
    /// How the clients receive.
    pub technique: ScaleTechnique,
    /// What the clients do.
    pub phase: Phase,
    /// How many clients.
    pub clients: u32,
    /// The events asked for.
    pub events: u32,
    /// Their interval, in milliseconds.
    pub interval_ms: u64,
    /// Each event's payload, in bytes.
    pub payload_bytes: usize,
    /// Random gaps from this seed (the interval is their mean); regular without.
    pub seed: Option<u64>,
    /// Short polling's interval, in milliseconds.
    pub poll_ms: u64,
    /// The polling and SSE clients' request heads.
    pub head: Head,
    /// Clients started per second.
    pub ramp_per_sec: u32,
    /// Source addresses 127.0.0.2 … 127.0.0.(1 + n), the clients spread over them.
    pub source_addrs: u8,
}

impl Plan {
    /// The workload the clients ask the event source for.
    pub fn workload(&self) -> Workload {
        Workload {
            events: self.events,
            interval: Duration::from_millis(self.interval_ms),
            payload_bytes: self.payload_bytes,
            timing: self
                .seed
                .map_or(Timing::Regular, |seed| Timing::Random { seed }),
        }
    }
}

/// Latency figures, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    /// How many deliveries were measured.
    pub samples: u64,
    /// The median.
    pub p50_us: u64,
    /// The 99th percentile.
    pub p99_us: u64,
    /// The largest.
    pub max_us: u64,
    /// The mean.
    pub mean_us: u64,
}

impl Latency {
    /// The figures of `samples` (sorted here), `None` if there are none.
    pub fn of(mut samples: Vec<u64>) -> Option<Latency> {
        samples.sort_unstable();
        let n = samples.len();
        let at = |q: f64| {
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            samples.get(rank - 1).copied().unwrap_or_default()
        };
        let max = samples.last().copied()?;
        Some(Latency {
            samples: n as u64,
            p50_us: at(0.50),
            p99_us: at(0.99),
            max_us: max,
            mean_us: samples.iter().sum::<u64>() / n as u64,
        })
    }
}

/// What the load generator measured.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Clients started.
    pub clients: u32,
    /// Clients whose connection (and, for WebSocket, the upgrade) succeeded.
    pub connected: u32,
    /// Clients that failed, at any point.
    pub failed: u32,
    /// Clients that received every event exactly once, in order (1, 2, …, N).
    pub in_order: u32,
    /// Events received, all clients together.
    pub events_received: u64,
    /// WebSocket: the bytes of the creation stamps (`,"created_ns":N`) in the messages
    /// received, which only the latency measurement needs: the table leaves them out.
    #[serde(default)]
    pub stamp_bytes: u64,
    /// The first few failures, for the report.
    pub errors: Vec<String>,
    /// WebSocket only: delivery latency (creation at the event source to the load generator's
    /// read), over the events created after every client had connected.
    pub latency: Option<Latency>,
    /// Milliseconds from the first connect to the last client's end.
    pub wall_ms: u64,
    /// The load generator's open-file limit.
    pub nofile: NofileLimit,
}

/// One line from the load generator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Report {
    /// How far it got (sent a few times a second).
    Progress {
        /// Clients connected so far.
        connected: u32,
        /// Clients that have ended (done or failed).
        finished: u32,
    },
    /// Idle phase: every client is connected (or failed); waiting for the parent's line.
    Ready {
        /// Clients connected.
        connected: u32,
    },
    /// The end.
    Done(Outcome),
    /// It could not run at all.
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let l = Latency::of((1..=100).collect()).unwrap_or_default();
        assert_eq!(
            (l.p50_us, l.p99_us, l.max_us, l.samples),
            (50, 99, 100, 100)
        );
        assert_eq!(Latency::of(Vec::new()), None);
        let one = Latency::of(vec![7]).unwrap_or_default();
        assert_eq!((one.p50_us, one.p99_us, one.mean_us), (7, 7, 7));
    }
}
