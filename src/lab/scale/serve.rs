//! The scale run's server: the lab's own server and push endpoints, on a runtime of its own
//! (dropped after each phase, with every connection it still holds), its socket tap feeding
//! counters instead of a trace: 10,000 connections' full traces are not needed, their bytes are.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;
use tokio::sync::mpsc::unbounded_channel;

use crate::lab::gate::Gates;
use crate::lab::server::{self, ServerState};
use crate::lab::tap::TapRecord;
use crate::trace::Dir;

/// What the tap counted, all connections together.
#[derive(Default)]
struct Counters {
    accepts: AtomicU64,
    closes: AtomicU64,
    read: AtomicU64,
    written: AtomicU64,
}

/// What the server's sockets read and wrote (TCP payload, as the socket tap sees it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WireCounts {
    /// Connections accepted.
    pub tcp_connections: u64,
    /// Bytes the server read (client → server).
    pub bytes_up: u64,
    /// Bytes the server wrote (server → client).
    pub bytes_down: u64,
}

/// A running scale server; dropping it stops its runtime and every connection.
pub struct ScaleServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl ScaleServer {
    /// Starts the lab server on an ephemeral loopback port.
    pub fn start() -> anyhow::Result<ScaleServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("wirelab-scale-server")
            .enable_all()
            .build()
            .context("starting the scale server's runtime")?;
        let socket = server::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .context("binding the scale server")?;
        let addr = socket.local_addr()?;
        let counters = Arc::new(Counters::default());
        let listener = {
            let _guard = runtime.enter();
            server::listen(socket).context("listening")?
        };
        let (tap, mut records) = unbounded_channel();
        let router = server::router(Arc::new(ServerState::new(Arc::new(Gates::default()))));
        runtime.spawn(server::accept_loop(listener, router, tap, None));
        let count = counters.clone();
        runtime.spawn(async move {
            while let Some(record) = records.recv().await {
                match record {
                    TapRecord::Accept { .. } => {
                        count.accepts.fetch_add(1, Ordering::Relaxed);
                    }
                    TapRecord::Data { dir, bytes, .. } => {
                        let n = bytes.len() as u64;
                        match dir {
                            Dir::C2s => count.read.fetch_add(n, Ordering::Relaxed),
                            Dir::S2c => count.written.fetch_add(n, Ordering::Relaxed),
                        };
                    }
                    TapRecord::Closed { .. } => {
                        count.closes.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
        });
        Ok(ScaleServer {
            addr,
            counters,
            runtime: Some(runtime),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the tap has counted so far.
    pub fn counts(&self) -> WireCounts {
        WireCounts {
            tcp_connections: self.counters.accepts.load(Ordering::Relaxed),
            bytes_up: self.counters.read.load(Ordering::Relaxed),
            bytes_down: self.counters.written.load(Ordering::Relaxed),
        }
    }

    /// The counts once every accepted connection has closed, or after `patience` (a finished
    /// client's last bytes and FIN reach the tap a little after the client is done).
    pub fn settled_counts(&self, patience: Duration) -> WireCounts {
        let until = Instant::now() + patience;
        while Instant::now() < until {
            let accepts = self.counters.accepts.load(Ordering::Relaxed);
            if self.counters.closes.load(Ordering::Relaxed) >= accepts {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.counts()
    }
}

impl Drop for ScaleServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}
