//! `wss://` in the lab: a throwaway certificate made when the lab starts (rcgen, for
//! `localhost` and `127.0.0.1`), the server's rustls acceptor and the lab client's connector,
//! which trusts that certificate and nothing else. Both use rustls's `ring` provider, named
//! explicitly, so no process-wide default is needed.
//!
//! The server tells TLS from plain HTTP by the client's first byte (a TLS handshake record
//! starts with 22), on the same port. A TLS connection is tapped twice: below TLS the socket
//! tap records the TLS records ([`TapRecord::Tls`], exactly what the packets carry), above it
//! [`PlainTap`] records the plaintext (the upgrade and the frames) as [`TapRecord::Data`].
//!
//! With `SSLKEYLOGFILE` set in the environment, the server appends the session secrets there
//! (the NSS key log format), so Wireshark can decrypt a capture of the run.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use anyhow::Context as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedSender;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::tap::{TapRecord, TapStream};
use crate::proto::tls::content_type;
use crate::trace::Dir;

/// The lab's TLS setup (see the module docs).
pub struct LabTls {
    acceptor: TlsAcceptor,
    connector: TlsConnector,
}

impl LabTls {
    /// Makes a new self-signed certificate and the configurations that use it.
    pub fn generate() -> anyhow::Result<LabTls> {
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let certified = rcgen::generate_simple_self_signed(names)
            .context("cannot make the lab's TLS certificate")?;
        let cert: CertificateDer<'static> = certified.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .context("the lab's TLS certificate was refused")?;
        // Writes nothing unless SSLKEYLOGFILE names a file.
        server.key_log = Arc::new(rustls::KeyLogFile::new());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert)?;
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(LabTls {
            acceptor: TlsAcceptor::from(Arc::new(server)),
            connector: TlsConnector::from(Arc::new(client)),
        })
    }

    /// The lab client's TLS handshake with the lab server at `server`, verified against the
    /// lab's certificate (its `127.0.0.1` name).
    pub async fn connect(
        &self,
        server: SocketAddr,
        stream: TcpStream,
    ) -> io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
        let name = ServerName::IpAddress(match server.ip() {
            IpAddr::V4(ip) if !ip.is_unspecified() => ip.into(),
            IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            IpAddr::V6(ip) => ip.into(),
        });
        self.connector.connect(name, stream).await
    }
}

/// A tapped server connection after its first byte was looked at.
pub enum Accepted {
    /// Plain TCP (HTTP, `ws://`).
    Plain(TapStream<TcpStream>),
    /// TLS (`https://`, `wss://`): the plaintext above TLS, tapped.
    Tls(Box<PlainTap<tokio_rustls::server::TlsStream<TapStream<TcpStream>>>>),
    /// The client went away before saying anything, or its TLS handshake failed.
    Gone,
}

/// Decides by the client's first byte whether `tapped` speaks TLS and, if so (and the lab has
/// TLS), does the server's handshake.
pub async fn accept(
    mut tapped: TapStream<TcpStream>,
    tls: Option<&LabTls>,
    peer: SocketAddr,
    tap: UnboundedSender<TapRecord>,
) -> Accepted {
    let Some(tls) = tls else {
        return Accepted::Plain(tapped);
    };
    let mut first = [0u8; 1];
    match tapped.get_ref().peek(&mut first).await {
        Ok(1) if first[0] == content_type::HANDSHAKE => {}
        // Plain HTTP, or an EOF hyper will see for itself.
        Ok(_) => return Accepted::Plain(tapped),
        Err(err) => {
            tracing::debug!("reading from {peer} failed: {err}");
            return Accepted::Gone;
        }
    }
    tapped.carries_tls();
    match tls.acceptor.accept(tapped).await {
        Ok(stream) => Accepted::Tls(Box::new(PlainTap {
            inner: stream,
            peer,
            tx: tap,
        })),
        Err(err) => {
            tracing::info!("TLS handshake with {peer} failed: {err}");
            Accepted::Gone
        }
    }
}

/// The tap above TLS: records the plaintext the server reads and writes as
/// [`TapRecord::Data`]. The accept, EOF and close are the TCP socket's, recorded below TLS.
pub struct PlainTap<S> {
    inner: S,
    peer: SocketAddr,
    tx: UnboundedSender<TapRecord>,
}

impl<S> PlainTap<S> {
    fn record(&self, dir: Dir, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        // A send error means the lab is shutting down.
        let _ = self.tx.send(TapRecord::Data {
            peer: self.peer,
            dir,
            at: Instant::now(),
            bytes: bytes.to_vec(),
        });
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for PlainTap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let new = buf.filled().get(before..).unwrap_or_default().to_vec();
            self.record(Dir::C2s, &new);
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for PlainTap<S> {
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

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
