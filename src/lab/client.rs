//! The lab's scripted clients: real tokio sockets, tokio-tungstenite for WebSocket (yawc when
//! permessage-deflate is offered: tungstenite has no compression), hyper for plain HTTP. Each client runs on its own task fed by a channel, so a stage can start an
//! action (e.g. the upgrade request) whose completion waits for a later server stage.
//!
//! Clients are not tapped: the server's tap records every connection once. A client only
//! reports ([`ClientReport`]) the moment its `connect()` returned, so the trace can show it,
//! and its failures; the runner passes them on.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tungstenite::Message;
use tungstenite::client::IntoClientRequest as _;
use tungstenite::error::{Error as WsError, ProtocolError};

use super::link::Connect;
use super::push_client::{Dialer, PushSpec};
use super::scenario::{HandshakeOutcome, HttpVersion, Key, Origin, RequestBody, RequestSpec};
use super::tls::LabTls;

/// A client's TLS connection (`wss://`).
type TlsTcp = tokio_rustls::client::TlsStream<TcpStream>;

/// Something a client does, in the order its stages ask.
pub enum ClientAction {
    /// `connect()` to the lab server along the run's route (directly, or through the link
    /// relay); bound to the address the collector and the gates know this client by.
    Connect(Connect),
    /// Send the WebSocket upgrade request for `path`, offering `protocols`; done when the 101 arrives.
    Upgrade {
        /// e.g. `/echo`.
        path: String,
        /// `Sec-WebSocket-Protocol` offers, in order of preference.
        protocols: Vec<String>,
        /// Offer permessage-deflate (RFC 7692) and use it if the server agrees.
        deflate: bool,
    },
    /// Send `GET path` over HTTP/1.1 and read the whole response.
    HttpGet {
        /// e.g. `/hello`.
        path: String,
    },
    /// Send a WebSocket message (or a raw frame: `Message::Frame`, masked by tungstenite).
    Send(Message),
    /// Close the TCP connection (for HTTP: drop the connection, which sends FIN; for
    /// WebSocket: without a close frame).
    CloseTcp,
    /// A WebSocket handshake with an `Origin` header, whose answer should have `outcome`
    /// ([`Action::Handshake`]).
    Handshake {
        /// e.g. `/origin`.
        path: String,
        /// The `Origin` header, if any.
        origin: Option<Origin>,
        /// The `Sec-WebSocket-Key`.
        key: Key,
        /// Whether the connection should open.
        outcome: HandshakeOutcome,
    },
    /// One HTTP request of the scenario's making ([`Action::Request`]).
    Request(RequestSpec),
    /// Raw bytes onto the WebSocket connection's socket ([`Action::SendRaw`]).
    SendRaw(Vec<u8>),
    /// Stop answering: read and drop everything ([`Action::StopAnswering`]).
    StopAnswering,
    /// The TLS handshake on the open TCP connection, trusting only the lab's certificate;
    /// an `Upgrade` after it is a `wss://` upgrade.
    TlsHandshake(Arc<LabTls>),
    /// Receive the event source's whole sequence by `spec`'s technique
    /// ([`Action::Push`](super::scenario::Action::Push)), starting on the open connection;
    /// new connections come from `dialer`. Fails unless the delivered ids are 1, 2, …, N.
    Push {
        /// Technique, keep-alive and workload.
        spec: PushSpec,
        /// Opens (and announces) further connections.
        dialer: Dialer,
    },
}

/// What a client tells the runner.
#[derive(Debug)]
pub enum ClientReport {
    /// The `connect()` from `local` returned at `at`.
    Connected {
        /// The client's address.
        local: SocketAddr,
        /// When it returned.
        at: Instant,
    },
    /// The `connect()` from `local` failed: the server will never see it.
    ConnectFailed {
        /// The client's address.
        local: SocketAddr,
        /// What failed, in one sentence.
        message: String,
    },
    /// Something else failed, in one sentence.
    Failed(String),
    /// A push client received its whole sequence and closed its connections
    /// ([`ClientAction::Push`]) after `requests` answered HTTP requests: its stage may end
    /// once the trace shows that many responses.
    PushDone {
        /// The client's lane.
        label: String,
        /// How many requests it sent.
        requests: u32,
    },
}

/// A task handle that aborts the task when dropped, so a reset run leaves nothing behind.
pub struct AbortOnDrop(pub JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A running client.
pub struct Client {
    /// The lane label.
    pub label: String,
    /// Where actions go.
    pub actions: UnboundedSender<ClientAction>,
    task: AbortOnDrop,
}

impl Client {
    /// Starts a client task; it tells what happened on `reports`.
    pub fn spawn(label: &str, reports: UnboundedSender<ClientReport>) -> Client {
        let (tx, rx) = unbounded_channel();
        let task = tokio::spawn(run(label.to_string(), rx, reports));
        Client {
            label: label.to_string(),
            actions: tx,
            task: AbortOnDrop(task),
        }
    }

    /// Ends the client gracefully: no more actions; an open WebSocket connection is read
    /// until the server closes it (so the client closes its socket cleanly, with a FIN, not
    /// a reset of unread data). Waits at most `within`, then aborts the task.
    pub async fn finish(self, within: Duration) {
        let Client {
            actions, mut task, ..
        } = self;
        drop(actions);
        if tokio::time::timeout(within, &mut task.0).await.is_err() {
            tracing::debug!("a lab client did not finish within {within:?}");
        }
    }
}

enum Conn {
    Idle,
    Tcp(TcpStream),
    Ws(Box<WebSocketStream<TcpStream>>),
    /// A WebSocket connection whose client stopped answering: its socket is read past
    /// tungstenite and what comes is dropped, until the server closes.
    Silent(Box<WebSocketStream<TcpStream>>),
    /// After the TLS handshake, before the `wss://` upgrade.
    Tls(Box<TlsTcp>),
    /// A `wss://` connection: WebSocket over TLS.
    Wss(Box<WebSocketStream<TlsTcp>>),
    Deflate(Box<DeflateConn>),
    /// The closing handshake is complete: waiting for the server to close TCP first. yawc is
    /// not polled any more (it would answer the server's close with a second one).
    DeflateClosed(Box<DeflateConn>),
    Http {
        sender: hyper::client::conn::http1::SendRequest<Body>,
        task: JoinHandle<()>,
    },
    Done,
}

/// A permessage-deflate connection (yawc) and a second handle on its socket, to see the
/// server's FIN without yawc.
struct DeflateConn {
    ws: yawc::WebSocket<TcpStream>,
    watch: TcpStream,
    sent_close: bool,
}

enum Wake {
    Action(Option<ClientAction>),
    Ws(Option<Result<Message, WsError>>),
    Deflate(Option<yawc::Frame>),
    /// The watched socket is readable (the server's FIN).
    Readable,
    /// A silent client read and dropped bytes; `true` once the server closed.
    Silent(bool),
}

async fn run(
    label: String,
    mut rx: UnboundedReceiver<ClientAction>,
    reports: UnboundedSender<ClientReport>,
) {
    let mut conn = Conn::Idle;
    let mut server: Option<SocketAddr> = None;
    // The client address the server sees on the connection (the relay's, when relayed).
    let mut seen_as: Option<SocketAddr> = None;
    // The runner went away (the run ended): nobody to tell.
    let fail = |what: String| {
        tracing::debug!("client {label}: {what}");
        let _ = reports.send(ClientReport::Failed(format!("client {label}: {what}")));
    };
    // Whether actions may still come; after the run, an open connection is only read.
    let mut acting = true;
    loop {
        let wake = match &mut conn {
            Conn::Ws(ws) => tokio::select! {
                // Actions first: a StopAnswering must win over a ping that is already there.
                biased;
                action = rx.recv(), if acting => Wake::Action(action),
                message = ws.next() => Wake::Ws(message),
            },
            Conn::Silent(ws) => tokio::select! {
                action = rx.recv(), if acting => Wake::Action(action),
                ended = discard(ws.get_mut()) => Wake::Silent(ended),
            },
            Conn::Wss(ws) => tokio::select! {
                action = rx.recv(), if acting => Wake::Action(action),
                message = ws.next() => Wake::Ws(message),
            },
            Conn::Deflate(d) => tokio::select! {
                action = rx.recv(), if acting => Wake::Action(action),
                frame = d.ws.next() => Wake::Deflate(frame),
            },
            Conn::DeflateClosed(d) => tokio::select! {
                action = rx.recv(), if acting => Wake::Action(action),
                _ = d.watch.readable() => Wake::Readable,
            },
            _ if !acting => return,
            _ => Wake::Action(rx.recv().await),
        };
        let action = match wake {
            Wake::Action(Some(action)) => action,
            Wake::Action(None) => {
                acting = false;
                continue;
            }
            Wake::Ws(Some(Ok(message))) => {
                tracing::debug!("client {label} received {message:?}");
                continue;
            }
            Wake::Ws(Some(Err(WsError::Io(err))))
                if matches!(conn, Conn::Wss(_))
                    && err.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                // The lab server closes TCP after the closing handshake without a TLS
                // close_notify; rustls reports that as an unexpected EOF.
                tracing::debug!("client {label}: the server closed the TLS connection");
                conn = Conn::Done;
                continue;
            }
            Wake::Ws(Some(Err(err))) => {
                fail(format!("the WebSocket connection failed: {err}"));
                conn = Conn::Done;
                continue;
            }
            Wake::Ws(None) | Wake::Deflate(None) => {
                // The server closed the TCP connection after the closing handshake.
                conn = Conn::Done;
                continue;
            }
            Wake::Deflate(Some(frame)) => {
                tracing::debug!(
                    "client {label} received {:?} ({} B)",
                    frame.opcode(),
                    frame.payload().len()
                );
                if let Conn::Deflate(d) = std::mem::replace(&mut conn, Conn::Done) {
                    conn = if frame.opcode() == yawc::OpCode::Close && d.sent_close {
                        Conn::DeflateClosed(d)
                    } else {
                        Conn::Deflate(d)
                    };
                }
                continue;
            }
            Wake::Silent(ended) => {
                if ended {
                    conn = Conn::Done;
                }
                continue;
            }
            Wake::Readable => {
                if let Conn::DeflateClosed(d) = &conn {
                    let mut byte = [0u8; 1];
                    match d.watch.try_read(&mut byte) {
                        // Readiness can be spurious.
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                        // Nothing is expected after the close frame; skip it.
                        Ok(n) if n > 0 => {}
                        // EOF: the server closed TCP first, as it should; close too.
                        Ok(_) | Err(_) => conn = Conn::Done,
                    }
                }
                continue;
            }
        };
        match (action, std::mem::replace(&mut conn, Conn::Done)) {
            (ClientAction::Connect(connect), Conn::Idle) => {
                let (local, to) = (connect.seen_as(), connect.server());
                match connect.connect().await {
                    Ok((stream, at)) => {
                        let _ = reports.send(ClientReport::Connected { local, at });
                        let _ = stream.set_nodelay(true);
                        server = Some(to);
                        seen_as = Some(local);
                        conn = Conn::Tcp(stream);
                    }
                    Err(err) => {
                        let what = format!("connect to {to} failed: {err}");
                        tracing::debug!("client {label}: {what}");
                        let _ = reports.send(ClientReport::ConnectFailed {
                            local,
                            message: format!("client {label}: {what}"),
                        });
                    }
                }
            }
            (
                ClientAction::Upgrade {
                    path,
                    deflate: true,
                    ..
                },
                Conn::Tcp(stream),
            ) => {
                let Some(server) = server else { continue };
                let url = match format!("ws://{server}{path}").parse() {
                    Ok(url) => url,
                    Err(err) => {
                        fail(format!("bad request for {path}: {err}"));
                        continue;
                    }
                };
                let (stream, watch) = match watched(stream) {
                    Ok(pair) => pair,
                    Err(err) => {
                        fail(format!("cannot watch the connection: {err}"));
                        continue;
                    }
                };
                match yawc::WebSocket::handshake(url, stream, super::server::deflate_options())
                    .await
                {
                    Ok(ws) => {
                        conn = Conn::Deflate(Box::new(DeflateConn {
                            ws,
                            watch,
                            sent_close: false,
                        }));
                    }
                    Err(err) => fail(format!("the upgrade to {path} failed: {err}")),
                }
            }
            (
                ClientAction::Upgrade {
                    path, protocols, ..
                },
                Conn::Tcp(stream),
            ) => {
                let Some(server) = server else { continue };
                let mut request = match format!("ws://{server}{path}").into_client_request() {
                    Ok(request) => request,
                    Err(err) => {
                        fail(format!("bad request for {path}: {err}"));
                        continue;
                    }
                };
                if !protocols.is_empty()
                    && let Ok(value) = protocols.join(", ").parse()
                {
                    request
                        .headers_mut()
                        .insert("Sec-WebSocket-Protocol", value);
                }
                match tokio_tungstenite::client_async(request, stream).await {
                    Ok((ws, response)) => {
                        tracing::debug!("client {label}: upgraded, status {}", response.status());
                        conn = Conn::Ws(Box::new(ws));
                    }
                    Err(err) => fail(format!("the upgrade to {path} failed: {err}")),
                }
            }
            (ClientAction::TlsHandshake(tls), Conn::Tcp(stream)) => {
                let Some(server) = server else { continue };
                match tls.connect(server, stream).await {
                    Ok(stream) => conn = Conn::Tls(Box::new(stream)),
                    Err(err) => fail(format!("the TLS handshake failed: {err}")),
                }
            }
            (
                ClientAction::Upgrade {
                    path, protocols, ..
                },
                Conn::Tls(stream),
            ) => {
                let Some(server) = server else { continue };
                match wss_upgrade(*stream, server, &path, &protocols).await {
                    Ok(ws) => conn = Conn::Wss(Box::new(ws)),
                    Err(err) => fail(format!("the upgrade to wss://{server}{path} failed: {err}")),
                }
            }
            (ClientAction::Send(message), Conn::Wss(mut ws)) => {
                let closing = matches!(message, Message::Close(_));
                match ws.send(message).await {
                    Ok(()) => conn = Conn::Wss(ws),
                    Err(err) if closing && closed_first(&err) => {
                        tracing::debug!("client {label}: the server closed first");
                        conn = Conn::Wss(ws);
                    }
                    Err(err) => fail(format!("sending failed: {err}")),
                }
            }
            (ClientAction::HttpGet { path }, Conn::Tcp(stream)) => {
                let Some(server) = server else { continue };
                match http_get(stream, server, &path).await {
                    Ok((sender, task)) => conn = Conn::Http { sender, task },
                    Err(err) => fail(format!("GET {path} failed: {err}")),
                }
            }
            (ClientAction::HttpGet { path }, Conn::Http { mut sender, task }) => {
                let Some(server) = server else { continue };
                match send_get(&mut sender, server, &path).await {
                    Ok(()) => conn = Conn::Http { sender, task },
                    Err(err) => fail(format!("GET {path} failed: {err}")),
                }
            }
            (ClientAction::Send(message), Conn::Ws(mut ws)) => {
                let closing = matches!(message, Message::Close(_));
                match ws.send(message).await {
                    Ok(()) => conn = Conn::Ws(ws),
                    // The server closed first (e.g. /push after its last tick): tungstenite has
                    // already answered its close, which is what this close would have done.
                    Err(
                        WsError::ConnectionClosed
                        | WsError::AlreadyClosed
                        | WsError::Protocol(ProtocolError::SendAfterClosing),
                    ) if closing => {
                        tracing::debug!("client {label}: the server closed first");
                        conn = Conn::Ws(ws);
                    }
                    Err(err) => fail(format!("sending failed: {err}")),
                }
            }
            (ClientAction::Send(message), Conn::Deflate(mut d)) => {
                let closing = matches!(message, Message::Close(_));
                let Some(frame) = yawc_frame(message) else {
                    fail("a raw frame cannot be sent on a permessage-deflate connection".into());
                    conn = Conn::Deflate(d);
                    continue;
                };
                match d.ws.send(frame).await {
                    Ok(()) => {
                        d.sent_close |= closing;
                        conn = Conn::Deflate(d);
                    }
                    Err(err) => fail(format!("sending failed: {err}")),
                }
            }
            (
                ClientAction::Handshake {
                    path,
                    origin,
                    key,
                    outcome,
                },
                Conn::Tcp(stream),
            ) => {
                let Some(server) = server else { continue };
                let request = HandshakeRequest {
                    path: &path,
                    origin: origin.as_ref(),
                    key,
                };
                match handshake(stream, server, request, outcome).await {
                    Ok(Some(ws)) => conn = Conn::Ws(Box::new(ws)),
                    // Failed as expected: the stream is dropped, which closes TCP.
                    Ok(None) => {}
                    Err(what) => fail(what),
                }
            }
            (ClientAction::Request(spec), Conn::Tcp(stream)) => {
                let Some(server) = server else { continue };
                match http_connection(stream).await {
                    Ok((mut sender, task)) => match send_request(&mut sender, server, spec).await {
                        Ok(()) => conn = Conn::Http { sender, task },
                        Err(err) => fail(format!("the request failed: {err}")),
                    },
                    Err(err) => fail(format!("the HTTP connection failed: {err}")),
                }
            }
            (ClientAction::Request(spec), Conn::Http { mut sender, task }) => {
                let Some(server) = server else { continue };
                match send_request(&mut sender, server, spec).await {
                    Ok(()) => conn = Conn::Http { sender, task },
                    Err(err) => fail(format!("the request failed: {err}")),
                }
            }
            (ClientAction::SendRaw(bytes), Conn::Ws(mut ws)) => {
                use tokio::io::AsyncWriteExt as _;
                match ws.get_mut().write_all(&bytes).await {
                    Ok(()) => conn = Conn::Ws(ws),
                    Err(err) => fail(format!("sending raw bytes failed: {err}")),
                }
            }
            (ClientAction::StopAnswering, Conn::Ws(ws)) => conn = Conn::Silent(ws),
            (ClientAction::Push { spec, dialer }, Conn::Tcp(stream)) => {
                let Some(seen_as) = seen_as else { continue };
                let first = super::push_client::Opened { stream, seen_as };
                match super::push_client::receive(spec, Some(first), &dialer).await {
                    Ok(delivery) => {
                        let expected: Vec<u64> = (1..=u64::from(spec.workload.events)).collect();
                        if delivery.ids == expected {
                            let _ = reports.send(ClientReport::PushDone {
                                label: label.clone(),
                                requests: delivery.requests,
                            });
                        } else {
                            fail(format!(
                                "received events {:?}, not 1 to {} in order",
                                delivery.ids, spec.workload.events
                            ));
                        }
                    }
                    Err(what) => fail(what),
                }
            }
            (ClientAction::CloseTcp, Conn::Ws(mut ws)) => {
                // No close frame: the sending side ends (FIN) and what still arrives is read
                // and dropped until the server closes, so the socket never closes with unread
                // data (which would make it a reset, depending on timing).
                use tokio::io::AsyncWriteExt as _;
                match ws.get_mut().shutdown().await {
                    Ok(()) => conn = Conn::Silent(ws),
                    Err(err) => tracing::debug!("client {label}: shutdown failed: {err}"),
                }
            }
            (ClientAction::CloseTcp, Conn::Http { sender, task }) => {
                // With no sender left, hyper's connection task ends and drops the socket (FIN).
                drop(sender);
                let _ = task.await;
            }
            (ClientAction::CloseTcp, _) => {}
            (ClientAction::Send(Message::Close(_)), Conn::Done) => {
                // The server closed first and tungstenite answered its close: nothing left to do.
                tracing::debug!("client {label}: already closed by the server");
            }
            (_, previous) => {
                fail("an action does not fit the connection's state".to_string());
                conn = previous;
            }
        }
    }
}

/// Whether sending a close failed only because the server closed first (tungstenite has
/// then already answered its close, which is what this close would have done).
fn closed_first(err: &WsError) -> bool {
    matches!(
        err,
        WsError::ConnectionClosed
            | WsError::AlreadyClosed
            | WsError::Protocol(ProtocolError::SendAfterClosing)
    )
}

/// The `wss://` upgrade request for `path` over an established TLS connection.
async fn wss_upgrade(
    stream: TlsTcp,
    server: SocketAddr,
    path: &str,
    protocols: &[String],
) -> Result<WebSocketStream<TlsTcp>, WsError> {
    let mut request = format!("wss://{server}{path}").into_client_request()?;
    if !protocols.is_empty()
        && let Ok(value) = protocols.join(", ").parse()
    {
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", value);
    }
    let (ws, response) = tokio_tungstenite::client_async(request, stream).await?;
    tracing::debug!("wss upgrade: status {}", response.status());
    Ok(ws)
}

/// The stream for yawc and a second handle on the same socket.
fn watched(stream: TcpStream) -> std::io::Result<(TcpStream, TcpStream)> {
    let stream = stream.into_std()?;
    let watch = stream.try_clone()?;
    Ok((TcpStream::from_std(stream)?, TcpStream::from_std(watch)?))
}

/// The yawc frame for a scenario's message (yawc compresses data frames itself).
fn yawc_frame(message: Message) -> Option<yawc::Frame> {
    Some(match message {
        Message::Text(text) => yawc::Frame::text(text.as_str().to_owned()),
        Message::Binary(data) => yawc::Frame::binary(data),
        Message::Ping(data) => yawc::Frame::ping(data),
        Message::Pong(data) => yawc::Frame::pong(data),
        Message::Close(Some(close)) => {
            yawc::Frame::close(u16::from(close.code).into(), close.reason.as_str())
        }
        Message::Close(None) => {
            // A close frame without a code: an empty payload (RFC 6455 §5.5.1).
            let mut frame = yawc::Frame::close(yawc::close::CloseCode::Normal, "");
            *frame.payload_mut() = Default::default();
            frame
        }
        Message::Frame(_) => return None,
    })
}

type HttpSender = hyper::client::conn::http1::SendRequest<Body>;

async fn http_get(
    stream: TcpStream,
    server: SocketAddr,
    path: &str,
) -> anyhow::Result<(HttpSender, JoinHandle<()>)> {
    let (mut sender, task) = http_connection(stream).await?;
    send_get(&mut sender, server, path).await?;
    Ok((sender, task))
}

/// An HTTP/1 client connection on `stream`, driven by its own task.
async fn http_connection(stream: TcpStream) -> anyhow::Result<(HttpSender, JoinHandle<()>)> {
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let task = tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!("HTTP client connection ended with an error: {err}");
        }
    });
    Ok((sender, task))
}

async fn send_get(sender: &mut HttpSender, server: SocketAddr, path: &str) -> anyhow::Result<()> {
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, server.to_string())
        .header(
            hyper::header::USER_AGENT,
            concat!("wirelab/", env!("CARGO_PKG_VERSION")),
        )
        .body(Body::empty())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = axum::body::to_bytes(Body::new(response.into_body()), 16 * 1024 * 1024).await?;
    tracing::debug!("GET {path}: {status}, {} body bytes", body.len());
    Ok(())
}

/// Reads and drops what arrives on a silent client's socket; `true` at end of stream (or on
/// an error: either way nothing more will come).
async fn discard(stream: &mut TcpStream) -> bool {
    use tokio::io::AsyncReadExt as _;
    let mut buf = [0u8; 4096];
    !matches!(stream.read(&mut buf).await, Ok(n) if n > 0)
}

/// The `Origin` header's value for `origin` when the lab server is `server`.
fn origin_value(origin: &Origin, server: SocketAddr) -> String {
    match origin {
        Origin::Lab => format!("http://{server}"),
        Origin::Other(other) => (*other).to_string(),
    }
}

/// What a scenario's handshake request carries besides the usual headers.
struct HandshakeRequest<'a> {
    /// Path and query.
    path: &'a str,
    /// The `Origin` header, if any.
    origin: Option<&'a Origin>,
    /// The `Sec-WebSocket-Key`.
    key: Key,
}

/// The opening handshake with tungstenite, which checks the answer as RFC 6455 §4.1 says (a
/// wrong `Sec-WebSocket-Accept` or a refusal fails the connection: nothing more is sent and
/// the stream is dropped, closing TCP). `Ok(None)` when it failed as `outcome` expected.
async fn handshake(
    stream: TcpStream,
    server: SocketAddr,
    HandshakeRequest { path, origin, key }: HandshakeRequest<'_>,
    outcome: HandshakeOutcome,
) -> Result<Option<WebSocketStream<TcpStream>>, String> {
    let mut request = format!("ws://{server}{path}")
        .into_client_request()
        .map_err(|err| format!("bad request for {path}: {err}"))?;
    if let Some(origin) = origin
        && let Ok(value) = origin_value(origin, server).parse()
    {
        request.headers_mut().insert("Origin", value);
    }
    // tungstenite sends the key the request carries and checks the answer against it.
    if let Key::Fixed(fixed) = key {
        let value = fixed
            .parse()
            .map_err(|err| format!("bad Sec-WebSocket-Key {fixed:?}: {err}"))?;
        request.headers_mut().insert("Sec-WebSocket-Key", value);
    }
    match (
        tokio_tungstenite::client_async(request, stream).await,
        outcome,
    ) {
        (Ok((ws, _)), HandshakeOutcome::Opens) => Ok(Some(ws)),
        (Err(err), HandshakeOutcome::Fails) => {
            tracing::debug!("the upgrade to {path} failed, as expected: {err}");
            Ok(None)
        }
        (Ok(_), HandshakeOutcome::Fails) => Err(format!(
            "the upgrade to {path} succeeded where the scenario expects it to fail"
        )),
        (Err(err), HandshakeOutcome::Opens) => Err(format!("the upgrade to {path} failed: {err}")),
    }
}

/// Sends `spec` (with `Host`, and a fresh `Sec-WebSocket-Key` if asked) and reads the whole answer.
async fn send_request(
    sender: &mut HttpSender,
    server: SocketAddr,
    spec: RequestSpec,
) -> anyhow::Result<()> {
    let version = match spec.version {
        HttpVersion::Http10 => hyper::Version::HTTP_10,
        HttpVersion::Http11 => hyper::Version::HTTP_11,
    };
    let mut builder = hyper::Request::builder()
        .method(spec.method)
        .uri(spec.path.as_str())
        .version(version)
        .header(hyper::header::HOST, server.to_string());
    for (name, value) in &spec.headers {
        builder = builder.header(*name, *value);
    }
    if spec.websocket_key {
        builder = builder.header(
            hyper::header::SEC_WEBSOCKET_KEY,
            tungstenite::handshake::client::generate_key(),
        );
    }
    let body = match spec.body {
        RequestBody::Empty => Body::empty(),
        RequestBody::Sized(bytes) => Body::from(bytes),
        // A stream has no known length, so hyper frames it as chunks, one per item.
        RequestBody::Chunked(chunks) => Body::from_stream(futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(c))),
        )),
    };
    let response = sender.send_request(builder.body(body)?).await?;
    let status = response.status();
    let body = axum::body::to_bytes(Body::new(response.into_body()), 16 * 1024 * 1024).await?;
    tracing::debug!(
        "{} {}: {status}, {} body bytes",
        spec.method,
        spec.path,
        body.len()
    );
    Ok(())
}
