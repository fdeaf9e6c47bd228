//! The socket tap: wraps the server side of every accepted connection and records each byte
//! the server reads (client → server) and writes (server → client), with a monotonic
//! timestamp, plus the accept, the client's EOF and the server's shutdown/close.
//!
//! No privilege is needed and nothing is inferred: the tap sees system calls, not packets.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc::UnboundedSender;

use crate::trace::Dir;

/// One observation of the tap. Connections are keyed by the client's address (`peer`).
#[derive(Debug)]
pub enum TapRecord {
    /// The server's `accept()` returned a connection from `peer` on `local`.
    Accept {
        /// The client's address.
        peer: SocketAddr,
        /// The server's address.
        local: SocketAddr,
        /// When `accept()` returned.
        at: Instant,
    },
    /// Bytes read (`C2s`) or written (`S2c`) by the server.
    Data {
        /// The client's address.
        peer: SocketAddr,
        /// Which way the bytes went.
        dir: Dir,
        /// When the read or write returned.
        at: Instant,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Bytes of TLS records read (`C2s`) or written (`S2c`) on the TCP socket of a `wss://`
    /// connection, below TLS: exactly the payload its packets carry. The plaintext above TLS
    /// is recorded as [`TapRecord::Data`].
    Tls {
        /// The client's address.
        peer: SocketAddr,
        /// Which way the bytes went.
        dir: Dir,
        /// When the read or write returned.
        at: Instant,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// A read returned end of stream: the client closed its sending side.
    Eof {
        /// The client's address.
        peer: SocketAddr,
        /// When the read returned 0.
        at: Instant,
    },
    /// The server shut down its sending side or dropped the socket.
    Closed {
        /// The client's address.
        peer: SocketAddr,
        /// When it happened: the drop, or when the shutdown was asked for (before the FIN it
        /// sends, however long the shutdown took to return).
        at: Instant,
    },
    /// Not a socket observation: the server's handler for `peer` found its step gate shut and
    /// waits for a server stage (sent by [`super::gate::Gates`], after the bytes it wrote).
    Held {
        /// The client's address.
        peer: SocketAddr,
        /// When it began to wait.
        at: Instant,
    },
}

impl TapRecord {
    /// The client's address: the connection it belongs to.
    pub fn peer(&self) -> SocketAddr {
        match self {
            TapRecord::Accept { peer, .. }
            | TapRecord::Data { peer, .. }
            | TapRecord::Tls { peer, .. }
            | TapRecord::Eof { peer, .. }
            | TapRecord::Closed { peer, .. }
            | TapRecord::Held { peer, .. } => *peer,
        }
    }
}

/// A stream that records what passes through it (see the module docs).
pub struct TapStream<S> {
    inner: S,
    peer: SocketAddr,
    tx: UnboundedSender<TapRecord>,
    eof: bool,
    closed: bool,
    /// When the server first asked to shut down its side.
    shutdown_asked: Option<Instant>,
    /// The bytes are TLS records (recorded as [`TapRecord::Tls`]), set by [`TapStream::carries_tls`].
    tls: bool,
}

impl<S> TapStream<S> {
    /// Wraps the accepted stream `inner` from `peer`, recording the accept itself.
    pub fn accept(
        inner: S,
        peer: SocketAddr,
        local: SocketAddr,
        tx: UnboundedSender<TapRecord>,
    ) -> Self {
        // A send error means the lab is shutting down; the connection is simply not traced.
        let _ = tx.send(TapRecord::Accept {
            peer,
            local,
            at: Instant::now(),
        });
        TapStream {
            inner,
            peer,
            tx,
            eof: false,
            closed: false,
            shutdown_asked: None,
            tls: false,
        }
    }

    /// The wrapped stream (e.g. to peek at the client's first byte).
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// From now on the bytes are TLS records below a TLS layer: they are recorded as
    /// [`TapRecord::Tls`], and the plaintext above TLS by a tap of its own.
    pub fn carries_tls(&mut self) {
        self.tls = true;
    }

    fn record(&self, dir: Dir, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let (peer, at, bytes) = (self.peer, Instant::now(), bytes.to_vec());
        let _ = self.tx.send(if self.tls {
            TapRecord::Tls {
                peer,
                dir,
                at,
                bytes,
            }
        } else {
            TapRecord::Data {
                peer,
                dir,
                at,
                bytes,
            }
        });
    }

    fn record_closed(&mut self, at: Instant) {
        if !self.closed {
            self.closed = true;
            let _ = self.tx.send(TapRecord::Closed {
                peer: self.peer,
                at,
            });
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for TapStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let asked = buf.remaining();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let new = buf.filled().get(before..).unwrap_or_default();
            if new.is_empty() {
                // A zero-length read into a non-empty buffer is end of stream.
                if asked > 0 && !self.eof {
                    self.eof = true;
                    let _ = self.tx.send(TapRecord::Eof {
                        peer: self.peer,
                        at: Instant::now(),
                    });
                }
            } else {
                self.record(Dir::C2s, new);
            }
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TapStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = result {
            self.record(Dir::S2c, buf.get(..n).unwrap_or(buf));
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = result {
            // Only the first `n` bytes across the slices were written.
            let mut written = Vec::with_capacity(n);
            for slice in bufs {
                let want = n.saturating_sub(written.len());
                if want == 0 {
                    break;
                }
                written.extend_from_slice(slice.get(..want.min(slice.len())).unwrap_or_default());
            }
            self.record(Dir::S2c, &written);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let asked = *self.shutdown_asked.get_or_insert_with(Instant::now);
        let result = Pin::new(&mut self.inner).poll_shutdown(cx);
        if result.is_ready() {
            self.record_closed(asked);
        }
        result
    }
}

impl<S> Drop for TapStream<S> {
    fn drop(&mut self) {
        let at = self.shutdown_asked.unwrap_or_else(Instant::now);
        self.record_closed(at);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::sync::mpsc::unbounded_channel;

    #[tokio::test]
    async fn records_accept_bytes_both_ways_eof_and_close_once() {
        let (server_side, mut client_side) = tokio::io::duplex(64);
        let (tx, mut rx) = unbounded_channel();
        let peer = SocketAddr::from(([127, 0, 0, 1], 5000));
        let local = SocketAddr::from(([127, 0, 0, 1], 80));
        let mut tap = TapStream::accept(server_side, peer, local, tx);
        client_side.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 16];
        let n = tap.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"ping");
        let slices = [io::IoSlice::new(b"po"), io::IoSlice::new(b"ng")];
        let written = tap.write_vectored(&slices).await.unwrap();
        client_side.shutdown().await.unwrap();
        assert_eq!(tap.read(&mut buf).await.unwrap(), 0);
        tap.shutdown().await.unwrap();
        drop(tap);
        let mut records = Vec::new();
        while let Ok(r) = rx.try_recv() {
            records.push(r);
        }
        assert!(matches!(records[0], TapRecord::Accept { peer: p, .. } if p == peer));
        assert!(
            matches!(&records[1], TapRecord::Data { dir: Dir::C2s, bytes, .. } if bytes == b"ping")
        );
        let expected: &[u8] = &b"pong"[..written];
        assert!(
            matches!(&records[2], TapRecord::Data { dir: Dir::S2c, bytes, .. } if bytes == expected)
        );
        assert!(matches!(records[3], TapRecord::Eof { .. }));
        assert!(matches!(records[4], TapRecord::Closed { .. }));
        assert_eq!(records.len(), 5, "shutdown then drop is one close");
    }
}
