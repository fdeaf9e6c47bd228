//! Link emulation in the lab's own path: added one-way delay, a bandwidth limit and simulated
//! loss, per direction, emulated at the socket.
//!
//! When a run's [`LinkConditions`] emulate something, its clients connect through a [`Relay`]:
//! a listener on loopback that, for each client connection, opens its own connection to the
//! lab server and copies both directions through [`shape`]. The relay's outbound socket is
//! bound before the client connects and is announced as the client's address ([`Route`]),
//! because it is the peer the server (and its socket tap, and the packet capture on the lab
//! port) sees: so lanes, gates and packets keep naming the real client. On `lo` there are two
//! fast connections per client (client → relay, relay → server); only the second is on the
//! lab port. External clients (a browser) connect to the server directly and are not
//! emulated.
//!
//! What is emulated, and what is not: each chunk read is released `delay` after it was read
//! (order kept, the end of the stream too), after passing a token bucket of `rate_kbps`. A
//! user-space relay cannot drop TCP segments (both kernels acknowledge and retransmit
//! underneath it), so a "lost" segment holds the stream for about one retransmission timeout
//! plus the round trip ([`LinkConditions::stall`]), chosen by a seeded generator so runs
//! repeat. The TCP handshake is not delayed: the relay connects at once. All timing is on
//! tokio's clock, so tests can run with paused time.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::client::AbortOnDrop;
use crate::trace::LinkEmulation;

/// The conditions of an emulated link, the same in both directions. The default is no
/// emulation at all (the plain loopback).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkConditions {
    /// Added one-way delay in each direction.
    pub delay: Duration,
    /// Bandwidth limit in each direction, in kilobits per second (1 kbit = 1000 bits);
    /// `None` for no limit.
    pub rate_kbps: Option<u32>,
    /// Simulated loss, in tenths of a percent of the segments sent (5 = 0.5 %; a segment is
    /// up to [`SEGMENT`] bytes). A relay cannot drop TCP segments (both kernels acknowledge
    /// and retransmit underneath it), so a loss is shown as a retransmission stall: the
    /// stream is held for about one RTO plus the RTT ([`LinkConditions::stall`]).
    pub loss_permille: u16,
}

/// Linux's minimum retransmission timeout (`TCP_RTO_MIN`).
pub const RTO_MIN: Duration = Duration::from_millis(200);

/// The bytes one loss decision covers: a segment of a 1500-byte Ethernet MTU.
pub const SEGMENT: usize = 1460;

/// The seed the lab's runs use, so a run with loss repeats.
pub const RUN_SEED: u64 = 0x0077_6972_656c_6162;

impl LinkConditions {
    /// Whether these conditions change anything.
    pub fn is_emulated(&self) -> bool {
        *self != LinkConditions::default()
    }

    /// The round trip the link adds: the delay both ways.
    pub fn rtt(&self) -> Duration {
        self.delay * 2
    }

    /// How long a "lost" segment holds its direction: one retransmission timeout (at least
    /// Linux's [`RTO_MIN`], or the RTT when longer) plus the RTT.
    pub fn stall(&self) -> Duration {
        RTO_MIN.max(self.rtt()) + self.rtt()
    }

    /// The conditions as the trace records them (`Source::link`).
    pub fn record(&self) -> LinkEmulation {
        LinkEmulation {
            delay_us: u64::try_from(self.delay.as_micros()).unwrap_or(u64::MAX),
            rate_kbps: self.rate_kbps,
            loss_permille: self.loss_permille,
        }
    }
}

/// A token bucket of `rate` bytes per second on tokio's clock, holding at most one
/// [`SEGMENT`]. It starts empty, so `n` bytes take at least `n / rate` to pass (a link
/// needs that long to carry them).
#[derive(Debug)]
struct Bucket {
    bytes_per_sec: f64,
    tokens: f64,
    /// The moment `tokens` is counted at; later than now while the bucket is in debt.
    at: Instant,
}

impl Bucket {
    fn new(rate_kbps: u32, now: Instant) -> Self {
        Bucket {
            bytes_per_sec: f64::from(rate_kbps.max(1)) * 1000.0 / 8.0,
            tokens: 0.0,
            at: now,
        }
    }

    /// When `n` bytes taken at `now` have passed.
    fn take(&mut self, now: Instant, n: usize) -> Instant {
        if now > self.at {
            let refill = (now - self.at).as_secs_f64() * self.bytes_per_sec;
            self.tokens = (self.tokens + refill).min(SEGMENT as f64);
            self.at = now;
        }
        self.tokens -= n as f64;
        if self.tokens < 0.0 {
            self.at += Duration::from_secs_f64(-self.tokens / self.bytes_per_sec);
            self.tokens = 0.0;
        }
        self.at
    }
}

/// SplitMix64: a small deterministic generator, so the same seed stalls the same segments.
#[derive(Debug)]
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `permille` / 1000.
    fn chance(&mut self, permille: u16) -> bool {
        permille > 0 && self.next() % 1000 < u64::from(permille)
    }
}

/// What goes down one direction's delay line.
enum Piece {
    /// Bytes, written at `release`.
    Bytes(Instant, Vec<u8>),
    /// The end of the stream, shut down at this moment.
    End(Instant),
}

/// Copies `src` to `dst` under `conditions` until `src` ends, then shuts `dst` down (after
/// the delay, like the bytes before it). Returns the bytes copied. `seed` chooses which
/// segments stall.
pub async fn shape<R, W>(
    mut src: R,
    mut dst: W,
    conditions: LinkConditions,
    seed: u64,
) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // Bounded: a writer that cannot keep up (a reader that stopped reading) stops the reading.
    let (line, mut arrivals) = mpsc::channel::<Piece>(256);
    let send = async move {
        let mut bucket = conditions
            .rate_kbps
            .map(|rate| Bucket::new(rate, Instant::now()));
        let mut rng = SplitMix(seed);
        let mut last = Instant::now();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = src.read(&mut buf).await?;
            let read_at = Instant::now();
            if n == 0 {
                let _ = line
                    .send(Piece::End((read_at + conditions.delay).max(last)))
                    .await;
                return Ok::<(), io::Error>(());
            }
            for segment in buf.get(..n).unwrap_or_default().chunks(SEGMENT) {
                let mut sent = read_at;
                if let Some(bucket) = bucket.as_mut() {
                    sent = bucket.take(Instant::now(), segment.len());
                    // The sender cannot hand the link more than it carries.
                    tokio::time::sleep_until(sent).await;
                }
                let mut release = (sent + conditions.delay).max(last);
                if rng.chance(conditions.loss_permille) {
                    release += conditions.stall();
                }
                last = release;
                if line
                    .send(Piece::Bytes(release, segment.to_vec()))
                    .await
                    .is_err()
                {
                    // The writer failed; its error is the one reported.
                    return Ok(());
                }
            }
        }
    };
    let deliver = async move {
        let mut copied = 0u64;
        while let Some(piece) = arrivals.recv().await {
            match piece {
                Piece::Bytes(at, bytes) => {
                    tokio::time::sleep_until(at).await;
                    dst.write_all(&bytes).await?;
                    copied += bytes.len() as u64;
                }
                Piece::End(at) => {
                    tokio::time::sleep_until(at).await;
                    dst.shutdown().await?;
                    break;
                }
            }
        }
        Ok::<u64, io::Error>(copied)
    };
    let (sent, delivered) = tokio::join!(send, deliver);
    let copied = delivered?;
    sent?;
    Ok(copied)
}

/// A client connection waiting for the relay to accept it.
struct Pending {
    /// The relay's outbound socket, bound to the address announced for the client.
    outbound: TcpSocket,
    /// Told when the outbound `connect()` returned (or failed).
    ready: oneshot::Sender<io::Result<std::time::Instant>>,
    /// This connection's loss seed.
    seed: u64,
}

/// The relay of one run's emulated link (see the module docs). Dropping it ends its
/// connections.
pub struct Relay {
    listen: SocketAddr,
    server: SocketAddr,
    conditions: LinkConditions,
    seed: u64,
    pending: Arc<Mutex<HashMap<SocketAddr, Pending>>>,
    prepared: Mutex<u64>,
    _accept: AbortOnDrop,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Relay {
    /// A relay to `server` (reachable, not a wildcard) applying `conditions`, listening on an
    /// ephemeral port of the same address. `seed` makes the stalls repeat.
    pub async fn start(
        server: SocketAddr,
        conditions: LinkConditions,
        seed: u64,
    ) -> io::Result<Arc<Relay>> {
        let listener = TcpListener::bind(SocketAddr::new(server.ip(), 0)).await?;
        let listen = listener.local_addr()?;
        let pending: Arc<Mutex<HashMap<SocketAddr, Pending>>> = Arc::default();
        let accept = tokio::spawn(accept_loop(listener, server, conditions, pending.clone()));
        Ok(Arc::new(Relay {
            listen,
            server,
            conditions,
            seed,
            pending,
            prepared: Mutex::new(0),
            _accept: AbortOnDrop(accept),
        }))
    }

    /// The conditions it applies.
    pub fn conditions(&self) -> LinkConditions {
        self.conditions
    }

    /// Binds a client socket and the relay's outbound socket for it.
    fn prepare(&self) -> io::Result<Connect> {
        let (outbound, seen_as) = bind_near(self.server)?;
        let (socket, client) = bind_near(self.listen)?;
        let (ready, ready_rx) = oneshot::channel();
        let seed = {
            let mut n = locked(&self.prepared);
            *n += 1;
            SplitMix(self.seed ^ *n).next()
        };
        locked(&self.pending).insert(
            client,
            Pending {
                outbound,
                ready,
                seed,
            },
        );
        Ok(Connect {
            seen_as,
            socket,
            to: self.listen,
            server: self.server,
            ready: Some(ready_rx),
        })
    }
}

/// Accepts the lab clients' connections and relays each to the server.
async fn accept_loop(
    listener: TcpListener,
    server: SocketAddr,
    conditions: LinkConditions,
    pending: Arc<Mutex<HashMap<SocketAddr, Pending>>>,
) {
    // Owned here: aborting the relay aborts every connection's copying.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((client, peer)) = accepted else { continue };
                // Only the sockets this relay bound: nobody else gets a ride.
                let Some(waiting) = locked(&pending).remove(&peer) else { continue };
                connections.spawn(relay_one(client, waiting, server, conditions));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One client connection: connect out, tell the client, copy both ways.
async fn relay_one(
    client: TcpStream,
    waiting: Pending,
    server: SocketAddr,
    conditions: LinkConditions,
) {
    let upstream = match waiting.outbound.connect(server).await {
        Ok(stream) => {
            let _ = waiting.ready.send(Ok(std::time::Instant::now()));
            stream
        }
        Err(err) => {
            let _ = waiting.ready.send(Err(err));
            return;
        }
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = upstream.into_split();
    let other = SplitMix(waiting.seed).next();
    let (up, down) = tokio::join!(
        shape(client_read, server_write, conditions, waiting.seed),
        shape(server_read, client_write, conditions, other),
    );
    if let Err(err) = up.and(down) {
        tracing::debug!("link relay: a connection ended with an error: {err}");
    }
}

/// A socket bound to an ephemeral port of `near`'s address.
fn bind_near(near: SocketAddr) -> io::Result<(TcpSocket, SocketAddr)> {
    let socket = if near.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.bind(SocketAddr::new(near.ip(), 0))?;
    let local = socket.local_addr()?;
    Ok((socket, local))
}

/// How lab clients reach the server: directly, or through a run's [`Relay`].
#[derive(Clone)]
pub struct Route {
    server: SocketAddr,
    relay: Option<Arc<Relay>>,
}

impl Route {
    /// Straight to `server`.
    pub fn direct(server: SocketAddr) -> Self {
        Route {
            server,
            relay: None,
        }
    }

    /// Through `relay` (to its server).
    pub fn relayed(relay: Arc<Relay>) -> Self {
        Route {
            server: relay.server,
            relay: Some(relay),
        }
    }

    /// The lab server (what requests name as their host).
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The emulated conditions, if the route goes through a relay.
    pub fn conditions(&self) -> Option<LinkConditions> {
        self.relay.as_ref().map(|r| r.conditions())
    }

    /// Binds what a new connection needs; [`Connect::seen_as`] is known before `connect()`.
    pub fn prepare(&self) -> io::Result<Connect> {
        match &self.relay {
            Some(relay) => relay.prepare(),
            None => {
                let (socket, seen_as) = bind_near(self.server)?;
                Ok(Connect {
                    seen_as,
                    socket,
                    to: self.server,
                    server: self.server,
                    ready: None,
                })
            }
        }
    }
}

/// A connection about to be made along a [`Route`].
pub struct Connect {
    seen_as: SocketAddr,
    socket: TcpSocket,
    to: SocketAddr,
    server: SocketAddr,
    ready: Option<oneshot::Receiver<io::Result<std::time::Instant>>>,
}

impl std::fmt::Debug for Connect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connect")
            .field("seen_as", &self.seen_as)
            .field("to", &self.to)
            .finish_non_exhaustive()
    }
}

impl Connect {
    /// The client address the server will see (the relay's outbound socket, if relayed).
    pub fn seen_as(&self) -> SocketAddr {
        self.seen_as
    }

    /// The lab server.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// Connects; returns the stream and when the connection to the server was made (through
    /// a relay: when the relay's `connect()` returned).
    pub async fn connect(self) -> io::Result<(TcpStream, std::time::Instant)> {
        let stream = self.socket.connect(self.to).await?;
        let at = match self.ready {
            None => std::time::Instant::now(),
            Some(ready) => ready
                .await
                .map_err(|_| io::Error::other("the link relay stopped"))??,
        };
        Ok((stream, at))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn conditions(delay_ms: u64, rate_kbps: Option<u32>, loss_permille: u16) -> LinkConditions {
        LinkConditions {
            delay: Duration::from_millis(delay_ms),
            rate_kbps,
            loss_permille,
        }
    }

    /// Shapes one direction over an in-memory pipe; returns (elapsed at each chunk, bytes).
    async fn through(
        link: LinkConditions,
        chunks: Vec<Vec<u8>>,
        seed: u64,
    ) -> Vec<(Duration, Vec<u8>)> {
        let (mut writer, shaped_in) = tokio::io::duplex(1 << 20);
        let (shaped_out, mut reader) = tokio::io::duplex(1 << 20);
        let relay = tokio::spawn(shape(shaped_in, shaped_out, link, seed));
        let start = Instant::now();
        let expected: usize = chunks.iter().map(Vec::len).sum();
        tokio::spawn(async move {
            for chunk in chunks {
                writer.write_all(&chunk).await.unwrap();
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            writer.shutdown().await.unwrap();
        });
        let mut got = Vec::new();
        let mut total = 0;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            total += n;
            got.push((start.elapsed(), buf[..n].to_vec()));
        }
        assert_eq!(total, expected);
        assert_eq!(relay.await.unwrap().unwrap(), expected as u64);
        got
    }

    fn joined(got: &[(Duration, Vec<u8>)]) -> Vec<u8> {
        got.iter().flat_map(|(_, b)| b.clone()).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn each_chunk_arrives_its_delay_later_in_order() {
        let chunks: Vec<Vec<u8>> = (0u8..20).map(|i| vec![i; 100 + usize::from(i)]).collect();
        let sent = chunks.concat();
        let got = through(conditions(50, None, 0), chunks, 1).await;
        assert_eq!(joined(&got), sent, "order kept");
        // The first byte was written at 0 and cannot arrive before the delay.
        assert!(got[0].0 >= Duration::from_millis(50), "{:?}", got[0].0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_limit_makes_n_bytes_take_n_over_rate() {
        let chunks = vec![vec![7u8; 50_000]];
        // 100 kbit/s = 12,500 bytes/s: 50,000 bytes take at least 4 s.
        let got = through(conditions(0, Some(100), 0), chunks, 1).await;
        let last = got.last().unwrap().0;
        assert!(last >= Duration::from_secs(4), "{last:?}");
        assert_eq!(joined(&got), vec![7u8; 50_000]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_segment_stalls_the_stream_one_rto_plus_the_rtt() {
        let link = conditions(10, None, 1000);
        // Every segment "lost": the single chunk is held for the delay plus one stall.
        let got = through(link, vec![vec![1u8; 100]], 1).await;
        let stall = link.stall();
        assert_eq!(stall, RTO_MIN + Duration::from_millis(20));
        assert!(got[0].0 >= link.delay + stall, "{:?}", got[0].0);
    }

    #[tokio::test(start_paused = true)]
    async fn the_same_seed_stalls_the_same_segments() {
        let link = conditions(0, None, 300);
        let chunks: Vec<Vec<u8>> = (0u8..30).map(|i| vec![i; 10]).collect();
        let a = through(link, chunks.clone(), 42).await;
        let b = through(link, chunks, 42).await;
        let times = |g: &[(Duration, Vec<u8>)]| g.iter().map(|(t, _)| *t).collect::<Vec<_>>();
        assert_eq!(times(&a), times(&b));
    }

    #[test]
    fn the_default_is_no_emulation() {
        assert!(!LinkConditions::default().is_emulated());
        assert!(conditions(1, None, 0).is_emulated());
    }
}
