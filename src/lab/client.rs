//! The lab's scripted clients: real tokio sockets, tokio-tungstenite for WebSocket, hyper for
//! plain HTTP. Each client runs on its own task fed by a channel, so a stage can start an
//! action (e.g. the upgrade request) whose completion waits for a later server stage.
//!
//! Clients are not tapped: the server's tap records every connection once. A client only
//! reports the moment its `connect()` returned, so the trace can show it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tungstenite::Message;
use tungstenite::client::IntoClientRequest as _;
use tungstenite::error::{Error as WsError, ProtocolError};

use super::collector::Collector;

/// Something a client does, in the order its stages ask.
pub enum ClientAction {
    /// `connect()` the bound `socket` to `server`.
    Connect {
        /// Bound to the address the collector and the gates know this client by.
        socket: TcpSocket,
        /// The lab server.
        server: SocketAddr,
    },
    /// Send the WebSocket upgrade request for `path`, offering `protocols`; done when the 101 arrives.
    Upgrade {
        /// e.g. `/echo`.
        path: String,
        /// `Sec-WebSocket-Protocol` offers, in order of preference.
        protocols: Vec<String>,
    },
    /// Send `GET path` over HTTP/1.1 and read the whole response.
    HttpGet {
        /// e.g. `/hello`.
        path: String,
    },
    /// Send a WebSocket message (or a raw frame: `Message::Frame`, masked by tungstenite).
    Send(Message),
    /// Close the TCP connection (for HTTP: drop the connection, which sends FIN).
    CloseTcp,
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
    _task: AbortOnDrop,
}

impl Client {
    /// Starts a client task; its failures are reported on `failures` as one sentence each.
    pub fn spawn(
        label: &str,
        collector: Arc<Collector>,
        failures: UnboundedSender<String>,
    ) -> Client {
        let (tx, rx) = unbounded_channel();
        let task = tokio::spawn(run(label.to_string(), rx, collector, failures));
        Client {
            label: label.to_string(),
            actions: tx,
            _task: AbortOnDrop(task),
        }
    }
}

enum Conn {
    Idle,
    Tcp(TcpStream),
    Ws(Box<WebSocketStream<TcpStream>>),
    Http {
        sender: hyper::client::conn::http1::SendRequest<Body>,
        task: JoinHandle<()>,
    },
    Done,
}

enum Wake {
    Action(Option<ClientAction>),
    Ws(Option<Result<Message, WsError>>),
}

async fn run(
    label: String,
    mut rx: UnboundedReceiver<ClientAction>,
    collector: Arc<Collector>,
    failures: UnboundedSender<String>,
) {
    let mut conn = Conn::Idle;
    let mut server: Option<SocketAddr> = None;
    let fail = |what: String| {
        tracing::debug!("client {label}: {what}");
        let _ = failures.send(format!("client {label}: {what}"));
    };
    loop {
        let wake = match &mut conn {
            Conn::Ws(ws) => tokio::select! {
                action = rx.recv() => Wake::Action(action),
                message = ws.next() => Wake::Ws(message),
            },
            _ => Wake::Action(rx.recv().await),
        };
        let action = match wake {
            Wake::Action(Some(action)) => action,
            Wake::Action(None) => return,
            Wake::Ws(Some(Ok(message))) => {
                tracing::debug!("client {label} received {message:?}");
                continue;
            }
            Wake::Ws(Some(Err(err))) => {
                fail(format!("the WebSocket connection failed: {err}"));
                conn = Conn::Done;
                continue;
            }
            Wake::Ws(None) => {
                // The server closed the TCP connection after the closing handshake.
                conn = Conn::Done;
                continue;
            }
        };
        match (action, std::mem::replace(&mut conn, Conn::Done)) {
            (ClientAction::Connect { socket, server: to }, Conn::Idle) => {
                let local = socket.local_addr().ok();
                match socket.connect(to).await {
                    Ok(stream) => {
                        let at = Instant::now();
                        if let Some(local) = local {
                            collector.client_connected(local, at);
                        }
                        let _ = stream.set_nodelay(true);
                        server = Some(to);
                        conn = Conn::Tcp(stream);
                    }
                    Err(err) => {
                        if let Some(local) = local {
                            collector.forget_client(local);
                        }
                        fail(format!("connect to {to} failed: {err}"));
                    }
                }
            }
            (ClientAction::Upgrade { path, protocols }, Conn::Tcp(stream)) => {
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

type HttpSender = hyper::client::conn::http1::SendRequest<Body>;

async fn http_get(
    stream: TcpStream,
    server: SocketAddr,
    path: &str,
) -> anyhow::Result<(HttpSender, JoinHandle<()>)> {
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let task = tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!("HTTP client connection ended with an error: {err}");
        }
    });
    send_get(&mut sender, server, path).await?;
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
