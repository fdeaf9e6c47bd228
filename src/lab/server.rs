//! The lab server: an axum router served by our own accept loop, so that every accepted
//! socket is wrapped in the [`TapStream`] before hyper sees it. WebSocket endpoints do the
//! RFC 6455 §4.2 handshake in the handler and run tokio-tungstenite on the hyper upgrade;
//! `/deflate` runs yawc instead, which speaks permessage-deflate (RFC 7692).
//!
//! Whatever a client sends, handlers log errors (`tracing`) and end only their own
//! connection; the accept loop never stops for a client's sake.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Version, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::body::Incoming;
use hyper::service::Service as _;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_tungstenite::WebSocketStream;
use tungstenite::Message;
use tungstenite::error::{Error as WsError, ProtocolError};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};

pub mod faults;
pub mod push;

use super::gate::Gates;
use super::tap::{TapRecord, TapStream};
use super::tls::{self, Accepted, LabTls};
use crate::proto::cite;

/// The demo page: the classic browser example.
const DEMO_PAGE: &str = include_str!("../../assets/demo/index.html");

/// The subprotocols `/subprotocol` speaks, in no particular order of preference: the server
/// takes the first one the *client* listed that it supports.
pub const SUBPROTOCOLS: [&str; 2] = ["chat", "superchat"];

type Ws = WebSocketStream<TokioIo<Upgraded>>;

/// What the handlers share.
pub struct ServerState {
    gates: Arc<Gates>,
    chat: Mutex<HashMap<u64, UnboundedSender<String>>>,
    next_chat_id: AtomicU64,
    /// The one event source of the push endpoints.
    events: Arc<push::EventHub>,
}

impl ServerState {
    /// Handlers wait on `gates` (see [`Gates`]).
    pub fn new(gates: Arc<Gates>) -> Self {
        ServerState {
            gates,
            chat: Mutex::new(HashMap::new()),
            next_chat_id: AtomicU64::new(0),
            events: Arc::new(push::EventHub::default()),
        }
    }

    /// The push endpoints' event hub (a compare run starts its source there).
    pub fn events(&self) -> Arc<push::EventHub> {
        self.events.clone()
    }

    fn join_chat(&self, tx: UnboundedSender<String>) -> u64 {
        let id = self.next_chat_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut members) = self.chat.lock() {
            members.insert(id, tx);
        }
        id
    }

    fn leave_chat(&self, id: u64) {
        if let Ok(mut members) = self.chat.lock() {
            members.remove(&id);
        }
    }

    fn broadcast(&self, line: &str) {
        if let Ok(members) = self.chat.lock() {
            for tx in members.values() {
                // A member that is leaving has dropped its receiver; it needs nothing more.
                let _ = tx.send(line.to_string());
            }
        }
    }
}

/// The router with every endpoint.
pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/hello", get(hello))
        .route("/echo", get(echo))
        .route("/chat", get(chat))
        .route("/push", get(push))
        .route("/subprotocol", get(subprotocol))
        .route("/deflate", get(deflate))
        .merge(faults::routes())
        .merge(push::routes())
        .with_state(state)
}

/// The lab server's listen backlog: room for a burst of connects (the scale run ramps up
/// thousands of clients at once); the kernel caps it at `net.core.somaxconn`.
pub const LISTEN_BACKLOG: u32 = 4096;

/// A socket bound to `addr` (with `SO_REUSEADDR`, as `std`'s listeners have), to be turned into
/// a listener by [`listen`] inside a runtime: the address is known before the runtime exists.
pub fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpSocket> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()
    } else {
        tokio::net::TcpSocket::new_v6()
    }?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    Ok(socket)
}

/// Listens on a socket from [`bind`] with [`LISTEN_BACKLOG`] (needs a tokio runtime).
pub fn listen(socket: tokio::net::TcpSocket) -> std::io::Result<TcpListener> {
    socket.listen(LISTEN_BACKLOG)
}

/// Accepts connections until the task is dropped; each one is tapped and served by hyper,
/// over TLS when the client starts with a TLS handshake and the lab has `tls` (`wss://`).
pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    tap: UnboundedSender<TapRecord>,
    tls: Option<Arc<LabTls>>,
) {
    let listen_addr = listener.local_addr().ok();
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                // E.g. out of file descriptors: wait a little instead of spinning.
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(local) = stream.local_addr().ok().or(listen_addr) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let tapped = TapStream::accept(stream, peer, local, tap.clone());
        let (router, tap, tls) = (router.clone(), tap.clone(), tls.clone());
        tokio::spawn(async move {
            match tls::accept(tapped, tls.as_deref(), peer, tap).await {
                Accepted::Plain(tapped) => serve(tapped, router, peer).await,
                Accepted::Tls(plain) => serve(*plain, router, peer).await,
                Accepted::Gone => {}
            }
        });
    }
}

/// Serves one connection's HTTP (and its upgrades) with the router.
async fn serve<S>(io: S, router: Router, peer: SocketAddr)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        service.call(req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    if let Err(err) = conn.await {
        tracing::debug!("HTTP connection from {peer} ended with an error: {err}");
    }
}

async fn index() -> Html<&'static str> {
    Html(DEMO_PAGE)
}

async fn hello(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    state.gates.wait(peer).await;
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Hello from the wirelab lab server.\n",
    )
        .into_response()
}

async fn echo(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let gates = state.gates.clone();
    upgrade(&state, peer, req, None, move |mut ws| async move {
        echo_loop(&mut ws, &gates, peer).await;
        close_tcp(ws, &gates, peer).await;
    })
    .await
}

#[derive(Deserialize)]
struct ChatParams {
    name: Option<String>,
}

async fn chat(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(params): Query<ChatParams>,
    req: Request,
) -> Response {
    let name: String = params
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "anonymous".to_string())
        .chars()
        .take(32)
        .collect();
    // Joined before the 101 goes out, so a message relayed as soon as the client has seen its
    // 101 reaches it too; leaves again if the upgrade never completes.
    let (tx, rx) = unbounded_channel::<String>();
    let member = Member {
        id: state.join_chat(tx),
        state: state.clone(),
    };
    upgrade(&state, peer, req, None, move |ws| {
        chat_session(ws, member, rx, peer, name)
    })
    .await
}

/// A member of the chat room; leaves it when dropped.
struct Member {
    state: Arc<ServerState>,
    id: u64,
}

impl Drop for Member {
    fn drop(&mut self) {
        self.state.leave_chat(self.id);
    }
}

#[derive(Deserialize)]
struct PushParams {
    interval_ms: Option<u64>,
    count: Option<u32>,
}

async fn push(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(params): Query<PushParams>,
    req: Request,
) -> Response {
    // At least 10 ms so a typo cannot make the server flood a client.
    let interval = Duration::from_millis(params.interval_ms.unwrap_or(1000).clamp(10, 3_600_000));
    let gates = state.gates.clone();
    upgrade(&state, peer, req, None, move |ws| {
        push_session(ws, gates, peer, interval, params.count)
    })
    .await
}

async fn subprotocol(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let offered = offered_protocols(req.headers());
    let chosen = offered.iter().find_map(|p| {
        SUBPROTOCOLS
            .iter()
            .find(|s| s.eq_ignore_ascii_case(p))
            .copied()
    });
    let gates = state.gates.clone();
    upgrade(&state, peer, req, chosen, move |mut ws| async move {
        gates.wait(peer).await;
        let hello = match chosen {
            Some(p) => format!(
                "server chose subprotocol \"{p}\" (you offered: {})",
                offered.join(", ")
            ),
            None => format!(
                "no subprotocol in common: you offered [{}], this server speaks {}",
                offered.join(", "),
                SUBPROTOCOLS.join(" and ")
            ),
        };
        if let Err(err) = ws.send(Message::text(hello)).await {
            tracing::debug!("subprotocol greeting to {peer} failed: {err}");
        } else {
            echo_loop(&mut ws, &gates, peer).await;
        }
        close_tcp(ws, &gates, peer).await;
    })
    .await
}

/// The permessage-deflate settings of both lab ends (`ws-deflate`): default level, context
/// takeover both ways, every data message compressed (no size threshold), UTF-8 checked.
pub fn deflate_options() -> yawc::Options {
    yawc::Options::default()
        .with_compression_level(yawc::CompressionLevel::default())
        .with_utf8()
}

/// `/deflate`: an echo endpoint that negotiates permessage-deflate (RFC 7692) when the client
/// offers it. yawc answers the extension offer and compresses; the gates hold the 101, each
/// echo, the pong and close reply it queues, and the TCP close, as on `/echo`.
async fn deflate(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
) -> Response {
    if let Err(response) = check_handshake(&req) {
        return *response;
    }
    let (response, upgraded) =
        match yawc::WebSocket::upgrade_with_options(&mut req, deflate_options()) {
            Ok(answer) => answer,
            Err(err) => {
                return *plain(
                    StatusCode::BAD_REQUEST,
                    &[],
                    format!("Bad WebSocket upgrade: {err}\n"),
                );
            }
        };
    state.gates.wait(peer).await;
    let gates = state.gates.clone();
    tokio::spawn(async move {
        match upgraded.await {
            Ok(mut ws) => {
                deflate_echo(&mut ws, &gates, peer).await;
                gates.wait(peer).await;
                drop(ws);
            }
            Err(err) => tracing::debug!("upgrade of {peer} failed: {err}"),
        }
    });
    response.map(Body::new)
}

type DeflateWs = yawc::WebSocket<yawc::HttpStream>;

/// Sends what yawc queued by itself (the pong to a ping, the reply to a close).
async fn flush_queued(ws: &mut DeflateWs) -> Result<(), yawc::WebSocketError> {
    std::future::poll_fn(|cx| futures_util::SinkExt::poll_ready_unpin(ws, cx)).await?;
    futures_util::SinkExt::flush(ws).await
}

/// Echoes every data message (yawc inflates what arrives and deflates what goes out).
async fn deflate_echo(ws: &mut DeflateWs, gates: &Gates, peer: SocketAddr) {
    use yawc::OpCode;
    loop {
        // yawc ends the stream on a protocol error, after queueing the matching close.
        let Some(frame) = ws.next().await else {
            let _ = flush_queued(ws).await;
            return;
        };
        match frame.opcode() {
            OpCode::Text | OpCode::Binary => {
                gates.wait(peer).await;
                let payload = frame.payload().clone();
                let echo = if frame.opcode() == OpCode::Text {
                    yawc::Frame::text(payload)
                } else {
                    yawc::Frame::binary(payload)
                };
                if let Err(err) = ws.send(echo).await {
                    tracing::debug!("deflate echo to {peer} failed: {err}");
                    return;
                }
            }
            OpCode::Ping | OpCode::Close => {
                let closing = frame.opcode() == OpCode::Close;
                gates.wait(peer).await;
                match flush_queued(ws).await {
                    Ok(()) if !closing => {}
                    Ok(()) => return,
                    Err(err) => {
                        tracing::debug!("answer to {peer} failed: {err}");
                        return;
                    }
                }
            }
            OpCode::Pong | OpCode::Continuation => {}
        }
    }
}

/// Every protocol the client listed in its `Sec-WebSocket-Protocol` headers, in order.
fn offered_protocols(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether a comma-separated header (e.g. `Connection: keep-alive, Upgrade`) has `token`.
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// The headers of the lab server's 426 Upgrade Required answers.
const UPGRADE_REQUIRED_HEADERS: &[(header::HeaderName, &str)] = &[
    (header::UPGRADE, "websocket"),
    (header::CONNECTION, "Upgrade"),
    (header::SEC_WEBSOCKET_VERSION, "13"),
];

fn plain(
    status: StatusCode,
    extra: &[(header::HeaderName, &'static str)],
    text: String,
) -> Box<Response> {
    let mut response = (status, text).into_response();
    for (name, value) in extra {
        response
            .headers_mut()
            .insert(name.clone(), HeaderValue::from_static(value));
    }
    Box::new(response)
}

/// Checks the client's opening handshake (RFC 6455 §4.2.1); returns the
/// `Sec-WebSocket-Accept` value or the error response to send instead.
///
/// Both 426 answers carry the same headers: a 426 MUST name the protocol to upgrade to
/// (RFC 9110 §15.5.22), and a WebSocket server names the versions it speaks (RFC 6455 §4.4).
fn check_handshake(req: &Request) -> Result<String, Box<Response>> {
    let headers = req.headers();
    // A plain request (no handshake header at all) is told to upgrade; a handshake that lacks
    // its Upgrade header is a broken handshake, answered 400 below.
    if !headers.contains_key(header::UPGRADE) && !headers.contains_key(header::SEC_WEBSOCKET_KEY) {
        return Err(plain(
            StatusCode::UPGRADE_REQUIRED,
            UPGRADE_REQUIRED_HEADERS,
            format!(
                "This is a WebSocket endpoint: send a GET with Upgrade: websocket ({}).\n",
                cite::RFC6455_4_1
            ),
        ));
    }
    let bad = |why: String| {
        plain(
            StatusCode::BAD_REQUEST,
            &[],
            format!("Bad WebSocket upgrade: {why}\n"),
        )
    };
    if req.version() < Version::HTTP_11 {
        return Err(bad(format!(
            "the request must be HTTP/1.1 or later ({} item 1)",
            cite::RFC6455_4_2_1
        )));
    }
    if !has_token(headers, header::UPGRADE, "websocket") {
        return Err(bad(format!(
            "the Upgrade header must include \"websocket\" ({} item 3)",
            cite::RFC6455_4_2_1
        )));
    }
    if !has_token(headers, header::CONNECTION, "upgrade") {
        return Err(bad(format!(
            "the Connection header must include \"Upgrade\" ({} item 4)",
            cite::RFC6455_4_2_1
        )));
    }
    let Some(key) = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .and_then(|k| k.to_str().ok())
    else {
        return Err(bad(format!(
            "Sec-WebSocket-Key is missing ({} item 5)",
            cite::RFC6455_4_2_1
        )));
    };
    let key = key.trim();
    use base64::Engine as _;
    let decoded_len = base64::engine::general_purpose::STANDARD
        .decode(key)
        .map(|k| k.len());
    if decoded_len != Ok(16) {
        return Err(bad(format!(
            "Sec-WebSocket-Key must be a base64-encoded 16-byte value ({} item 5)",
            cite::RFC6455_4_2_1
        )));
    }
    match headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .and_then(|v| v.to_str().ok())
    {
        None => {
            return Err(bad(format!(
                "Sec-WebSocket-Version is missing ({} item 6)",
                cite::RFC6455_4_2_1
            )));
        }
        Some(v) if v.trim() != "13" => {
            return Err(plain(
                StatusCode::UPGRADE_REQUIRED,
                UPGRADE_REQUIRED_HEADERS,
                format!(
                    "Sec-WebSocket-Version {v} is not supported; this server speaks 13 ({})\n",
                    cite::RFC6455_4_4
                ),
            ));
        }
        Some(_) => {}
    }
    Ok(tungstenite::handshake::derive_accept_key(key.as_bytes()))
}

/// Answers a valid upgrade with `101 Switching Protocols` (after the gate) and runs `session`
/// on the upgraded connection. Extension offers (permessage-deflate) are ignored: tungstenite
/// cannot compress, and an unanswered offer means "no extension" (RFC 6455 §9.1).
async fn upgrade<F, Fut>(
    state: &ServerState,
    peer: SocketAddr,
    req: Request,
    protocol: Option<&'static str>,
    session: F,
) -> Response
where
    F: FnOnce(Ws) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let answer = Answer {
        protocol,
        ..Answer::default()
    };
    upgrade_answering(state, peer, req, answer, session).await
}

/// How [`upgrade_answering`] answers a valid handshake.
#[derive(Default)]
struct Answer {
    /// The subprotocol chosen, if any.
    protocol: Option<&'static str>,
    /// tungstenite's limits (`None`: its defaults).
    config: Option<WebSocketConfig>,
    /// The `Sec-WebSocket-Accept` sent.
    accept: AcceptValue,
}

/// Which `Sec-WebSocket-Accept` the 101 carries.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum AcceptValue {
    /// The right one (RFC 6455 §4.2.2).
    #[default]
    Derived,
    /// base64(SHA-1(key)) without the GUID: a wrong one, for `ws-bad-accept`.
    WithoutGuid,
}

/// [`upgrade`] with the answer's details chosen; a refusal is sent after the gate too, so a
/// step shows it only when the server's stage runs.
async fn upgrade_answering<F, Fut>(
    state: &ServerState,
    peer: SocketAddr,
    mut req: Request,
    answer: Answer,
    session: F,
) -> Response
where
    F: FnOnce(Ws) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let accept = match check_handshake(&req) {
        Ok(accept) => accept,
        Err(response) => {
            state.gates.wait(peer).await;
            return *response;
        }
    };
    let accept = match answer.accept {
        AcceptValue::Derived => accept,
        AcceptValue::WithoutGuid => faults::accept_without_guid(req.headers()),
    };
    let Ok(accept) = HeaderValue::from_str(&accept) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    state.gates.wait(peer).await;
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let ws = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    answer.config,
                )
                .await;
                session(ws).await;
            }
            Err(err) => tracing::debug!("upgrade of {peer} failed: {err}"),
        }
    });
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    if let Some(p) = answer.protocol {
        headers.insert(header::SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(p));
    }
    response
}

/// What to do with a received message besides the endpoint's own business.
enum Received {
    /// A data message for the endpoint.
    Data(Message),
    /// Handled here (ping answered, pong ignored); read on.
    Handled,
    /// The connection is over (close handshake done, error, or EOF).
    Over,
}

/// Handles control messages and errors the same way for every endpoint: after a ping the
/// gate is awaited before flushing the pong tungstenite queued; after a close, before
/// flushing the queued close reply (`closing_by_us`: the close answers ours, nothing to send).
async fn common(
    ws: &mut Ws,
    gates: &Gates,
    peer: SocketAddr,
    next: Option<Result<Message, WsError>>,
    closing_by_us: bool,
) -> Received {
    match next {
        Some(Ok(Message::Ping(_))) => {
            gates.wait(peer).await;
            match ws.flush().await {
                Ok(()) => Received::Handled,
                Err(err) => {
                    tracing::debug!("pong to {peer} failed: {err}");
                    Received::Over
                }
            }
        }
        Some(Ok(Message::Pong(_) | Message::Frame(_))) => Received::Handled,
        Some(Ok(Message::Close(_))) => {
            if !closing_by_us {
                gates.wait(peer).await;
            }
            // Sends the queued close reply; tungstenite then reports ConnectionClosed (server role).
            match ws.flush().await {
                Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => {}
                Err(err) => tracing::debug!("close reply to {peer} failed: {err}"),
            }
            Received::Over
        }
        Some(Ok(message)) => Received::Data(message),
        Some(Err(err)) => {
            fail_connection(ws, gates, peer, err).await;
            Received::Over
        }
        None => Received::Over,
    }
}

/// A peer broke a rule: tell it why with the matching close code (RFC 6455 §7.4.1) once the
/// server's stage comes, then give up (the caller closes TCP: "fail the connection", §7.1.7).
async fn fail_connection(ws: &mut Ws, gates: &Gates, peer: SocketAddr, err: WsError) {
    tracing::info!("WebSocket client {peer}: {err}");
    let Some((code, mut reason)) = faults::close_for(&err) else {
        if let WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) = err {
            tracing::info!(
                "WebSocket client {peer} closed TCP without a close frame: the connection closed \
                 abnormally, reported as 1006, a code never sent on the wire ({})",
                cite::RFC6455_7_1_5
            );
        }
        return;
    };
    gates.wait(peer).await;
    // A close reason is at most 123 bytes (RFC 6455 §5.5: control payloads ≤ 125 bytes).
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = ws
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// The server closes the TCP connection first after the closing handshake (RFC 6455 §7.1.1).
/// While it waits for its stage it reads on past tungstenite (which stops reading after an
/// error) and drops what comes, e.g. a client's close in answer to a failed connection's close:
/// read but not processed (§7.1.7), and not left unread, which would make the close a reset.
async fn close_tcp(mut ws: Ws, gates: &Gates, peer: SocketAddr) {
    use tokio::io::AsyncReadExt as _;
    let mut reading = true;
    let mut buf = [0u8; 4096];
    loop {
        tokio::select! {
            () = gates.wait(peer) => break,
            read = ws.get_mut().read(&mut buf), if reading => {
                reading = matches!(read, Ok(n) if n > 0);
            }
        }
    }
    drop(ws);
}

/// `/echo`: every text or binary message goes back as it came.
async fn echo_loop(ws: &mut Ws, gates: &Gates, peer: SocketAddr) {
    loop {
        let next = ws.next().await;
        match common(ws, gates, peer, next, false).await {
            Received::Data(message) => {
                gates.wait(peer).await;
                if let Err(err) = ws.send(message).await {
                    tracing::debug!("echo to {peer} failed: {err}");
                    return;
                }
            }
            Received::Handled => {}
            Received::Over => return,
        }
    }
}

/// `/chat`: each text message is relayed to every member, the sender included.
async fn chat_session(
    mut ws: Ws,
    member: Member,
    mut rx: UnboundedReceiver<String>,
    peer: SocketAddr,
    name: String,
) {
    let state = member.state.clone();
    let gates = state.gates.clone();
    loop {
        tokio::select! {
            next = ws.next() => match common(&mut ws, &gates, peer, next, false).await {
                Received::Data(Message::Text(text)) => state.broadcast(&format!("{name}: {}", text.as_str())),
                Received::Data(_) | Received::Handled => {}
                Received::Over => break,
            },
            Some(line) = rx.recv() => {
                gates.wait(peer).await;
                if let Err(err) = ws.send(Message::text(line)).await {
                    tracing::debug!("chat relay to {peer} failed: {err}");
                    break;
                }
            }
        }
    }
    drop(member);
    close_tcp(ws, &gates, peer).await;
}

/// `/push`: "tick i" every `interval`; after `count` ticks (if given) the server closes with
/// 1000 "done"; the client may close first at any time.
async fn push_session(
    mut ws: Ws,
    gates: Arc<Gates>,
    peer: SocketAddr,
    interval: Duration,
    count: Option<u32>,
) {
    let mut sent: u32 = 0;
    let mut closing = false;
    let mut due = tokio::time::Instant::now() + interval;
    loop {
        let may_act = !closing;
        tokio::select! {
            next = ws.next() => match common(&mut ws, &gates, peer, next, closing).await {
                Received::Data(_) | Received::Handled => {}
                Received::Over => break,
            },
            // Cancel-safe: if a message arrives first, this wait is dropped without taking a permit.
            () = async { tokio::time::sleep_until(due).await; gates.wait(peer).await }, if may_act => {
                if count == Some(sent) {
                    closing = true;
                    let done = CloseFrame { code: CloseCode::Normal, reason: "done".into() };
                    if let Err(err) = ws.send(Message::Close(Some(done))).await {
                        tracing::debug!("push close to {peer} failed: {err}");
                        break;
                    }
                } else {
                    sent = sent.saturating_add(1);
                    if let Err(err) = ws.send(Message::text(format!("tick {sent}"))).await {
                        tracing::debug!("tick to {peer} failed: {err}");
                        break;
                    }
                    due = tokio::time::Instant::now() + interval;
                }
            }
        }
    }
    close_tcp(ws, &gates, peer).await;
}
