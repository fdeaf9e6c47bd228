//! Per-connection gates: in step mode the server's handlers wait on their connection's gate
//! before each thing they say (the 101, an echo, a relay, a tick, the pong and close reply
//! tungstenite queued, the TCP close), and each server stage releases one permit.
//!
//! Connections without a gate (external clients) pass at once.
//!
//! A handler that finds its gate shut says so on the tap's channel ([`TapRecord::Held`]), in
//! order with the bytes it wrote, so a view (a test) can tell that the server had its chance
//! and is waiting, rather than guessing from silence.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{Semaphore, TryAcquireError};

use super::tap::TapRecord;

/// The gates of the lab's own clients, keyed by the client's address as the server sees it.
#[derive(Default)]
pub struct Gates {
    gates: Mutex<HashMap<SocketAddr, Arc<Semaphore>>>,
    /// Where a handler held by its gate is announced (the tap's channel), if anywhere.
    held: Option<UnboundedSender<TapRecord>>,
}

impl Gates {
    /// Gates that announce each held handler on the tap's channel `tap`.
    pub fn reporting_to(tap: UnboundedSender<TapRecord>) -> Self {
        Gates {
            gates: Mutex::default(),
            held: Some(tap),
        }
    }

    /// Closes the gate of `peer`: its handler waits for [`Gates::release`].
    pub fn install(&self, peer: SocketAddr) {
        if let Ok(mut gates) = self.gates.lock() {
            gates.insert(peer, Arc::new(Semaphore::new(0)));
        }
    }

    /// Lets the handler of `peer` take one more step.
    pub fn release(&self, peer: SocketAddr) {
        if let Some(gate) = self.get(peer) {
            gate.add_permits(1);
        }
    }

    /// Opens the gate of `peer` for good: its handler no longer waits for stages (a push
    /// client's, whose pace is the event source's).
    pub fn open(&self, peer: SocketAddr) {
        if let Ok(mut gates) = self.gates.lock()
            && let Some(gate) = gates.remove(&peer)
        {
            gate.close();
        }
    }

    /// Opens every gate for good (a run was aborted: its handlers must not hang) and forgets them.
    pub fn open_all(&self) {
        if let Ok(mut gates) = self.gates.lock() {
            for gate in gates.values() {
                // A closed semaphore makes every waiter (present and future) pass.
                gate.close();
            }
            gates.clear();
        }
    }

    /// Waits until `peer` may take its next step. Cancel-safe: a dropped wait takes no permit.
    pub async fn wait(&self, peer: SocketAddr) {
        let Some(gate) = self.get(peer) else {
            return;
        };
        match gate.try_acquire() {
            Ok(permit) => {
                permit.forget();
                return;
            }
            Err(TryAcquireError::Closed) => return,
            Err(TryAcquireError::NoPermits) => {}
        }
        if let Some(tap) = &self.held {
            // A send error means the lab is shutting down: nobody to tell.
            let _ = tap.send(TapRecord::Held {
                peer,
                at: Instant::now(),
            });
        }
        if let Ok(permit) = gate.acquire().await {
            permit.forget();
        }
    }

    fn get(&self, peer: SocketAddr) -> Option<Arc<Semaphore>> {
        self.gates.lock().ok()?.get(&peer).cloned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[tokio::test]
    async fn unknown_connections_pass_and_gated_ones_wait_for_a_permit() {
        let gates = Arc::new(Gates::default());
        gates.wait(addr(1)).await;
        gates.install(addr(2));
        let waiting = tokio::spawn({
            let gates = gates.clone();
            async move { gates.wait(addr(2)).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        gates.release(addr(2));
        waiting.await.unwrap();
    }

    #[tokio::test]
    async fn a_dropped_wait_takes_no_permit() {
        let gates = Gates::default();
        gates.install(addr(3));
        {
            let wait = gates.wait(addr(3));
            tokio::pin!(wait);
            assert!(futures_util::poll!(wait.as_mut()).is_pending());
        }
        gates.release(addr(3));
        // The one permit is still there for the next wait.
        gates.wait(addr(3)).await;
    }

    #[tokio::test]
    async fn a_handler_held_by_its_gate_is_announced_and_one_with_a_permit_is_not() {
        let (tap, mut held) = tokio::sync::mpsc::unbounded_channel();
        let gates = Arc::new(Gates::reporting_to(tap));
        gates.install(addr(5));
        gates.release(addr(5));
        gates.wait(addr(5)).await;
        assert!(held.try_recv().is_err(), "a permit was there: not held");
        let waiting = tokio::spawn({
            let gates = gates.clone();
            async move { gates.wait(addr(5)).await }
        });
        let record = held.recv().await.unwrap();
        assert!(matches!(record, TapRecord::Held { peer, .. } if peer == addr(5)));
        assert!(!waiting.is_finished());
        gates.release(addr(5));
        waiting.await.unwrap();
    }

    #[tokio::test]
    async fn open_all_lets_every_waiter_go() {
        let gates = Arc::new(Gates::default());
        gates.install(addr(4));
        let waiting = tokio::spawn({
            let gates = gates.clone();
            async move { gates.wait(addr(4)).await }
        });
        tokio::task::yield_now().await;
        gates.open_all();
        waiting.await.unwrap();
    }
}
