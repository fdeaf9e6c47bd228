//! The endpoints of the failure scenarios, kept apart from the well-behaved ones: a server
//! that gets the accept wrong (`/bad-accept`), one that checks `Origin` (`/origin`), one with
//! a small message limit (`/limited`), a heartbeat that gives up (`/heartbeat`), and a POST
//! endpoint for request bodies (`/upload`). Rule violations by a client are answered in
//! [`close_for`]: the close code RFC 6455 prescribes and a reason naming the rule.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt as _, StreamExt as _};
use serde::Deserialize;
use tungstenite::Message;
use tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};

use super::{
    AcceptValue, Answer, Received, ServerState, Ws, close_tcp, common, echo_loop, plain, upgrade,
    upgrade_answering,
};
use crate::lab::gate::Gates;
use crate::proto::cite;

/// The endpoint whose 101 carries a wrong `Sec-WebSocket-Accept`.
pub const BAD_ACCEPT_PATH: &str = "/bad-accept";
/// The echo endpoint that accepts only pages of its own origin.
pub const ORIGIN_PATH: &str = "/origin";
/// The echo endpoint with a small message limit.
pub const LIMITED_PATH: &str = "/limited";
/// The endpoint that pings and expects pongs.
pub const HEARTBEAT_PATH: &str = "/heartbeat";
/// The endpoint that reads a POST body and says how it was framed.
pub const UPLOAD_PATH: &str = "/upload";

/// The largest message `/limited` takes, in bytes.
pub const MESSAGE_LIMIT: usize = 4096;
/// The origin of "another site" in `ws-origin`.
pub const OTHER_ORIGIN: &str = "http://other.example";
/// How long `ws-ping-timeout`'s server waits for a pong (short, so a run is quick).
pub const HEARTBEAT_TIMEOUT_MS: u64 = 500;
/// The reason of the heartbeat's close.
pub const PING_TIMEOUT_REASON: &str = "ping timeout";

/// The routes of this module.
pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route(BAD_ACCEPT_PATH, get(bad_accept))
        .route(ORIGIN_PATH, get(origin))
        .route(LIMITED_PATH, get(limited))
        .route(HEARTBEAT_PATH, get(heartbeat))
        .route(UPLOAD_PATH, post(upload))
}

/// The close a server sends when a client broke a rule (RFC 6455 §7.4.1), with a reason that
/// names the rule; `None` when no close frame is due (the client went away, an I/O error).
pub(super) fn close_for(err: &WsError) -> Option<(CloseCode, String)> {
    Some(match err {
        WsError::Utf8(_) => (
            CloseCode::Invalid,
            format!("text message is not UTF-8 ({})", cite::RFC6455_8_1),
        ),
        WsError::Capacity(CapacityError::MessageTooLong { size, max_size }) => (
            CloseCode::Size,
            format!(
                "message of {size} B is over this server's limit of {max_size} B ({})",
                cite::RFC6455_10_4
            ),
        ),
        WsError::Capacity(_) => (CloseCode::Size, format!("{err} ({})", cite::RFC6455_10_4)),
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => return None,
        WsError::Protocol(ProtocolError::UnmaskedFrameFromClient) => (
            CloseCode::Protocol,
            format!("client frames must be masked ({})", cite::RFC6455_5_1),
        ),
        WsError::Protocol(_) => (CloseCode::Protocol, err.to_string()),
        _ => return None,
    })
}

/// base64(SHA-1(key)): the accept value of a server that forgot to append the GUID.
pub(super) fn accept_without_guid(headers: &HeaderMap) -> String {
    use base64::Engine as _;
    use sha1::Digest as _;
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .and_then(|k| k.to_str().ok())
        .unwrap_or_default()
        .trim();
    base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(key.as_bytes()))
}

/// `/bad-accept`: answers a valid handshake with a wrong accept value, then behaves like
/// `/echo` (a client that checks the accept never gets that far).
async fn bad_accept(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let gates = state.gates.clone();
    let answer = Answer {
        accept: AcceptValue::WithoutGuid,
        ..Answer::default()
    };
    upgrade_answering(&state, peer, req, answer, move |mut ws| async move {
        echo_loop(&mut ws, &gates, peer).await;
        close_tcp(ws, &gates, peer).await;
    })
    .await
}

/// Whether `origin` may open a connection: the server's allow-list is its own origin,
/// `http://` + the `Host` the request was sent to (the page the lab serves). A request without
/// `Origin` comes from a non-browser client, which can send any origin it likes anyway, so
/// the check only protects against pages in browsers (RFC 6455 §10.2).
fn origin_allowed(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    origin
        .to_str()
        .is_ok_and(|o| !host.is_empty() && o.eq_ignore_ascii_case(&format!("http://{host}")))
}

/// `/origin`: `/echo` for pages of the lab's own origin; 403 Forbidden for other origins.
async fn origin(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    if !origin_allowed(req.headers()) {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .unwrap_or("?")
            .to_string();
        state.gates.wait(peer).await;
        return *plain(
            StatusCode::FORBIDDEN,
            &[],
            format!(
                "Origin {origin} is not on this server's allow-list: it accepts only pages of \
                 its own origin ({}, {}).\n",
                cite::RFC6455_4_2_2,
                cite::RFC6455_10_2
            ),
        );
    }
    let gates = state.gates.clone();
    upgrade(&state, peer, req, None, move |mut ws| async move {
        echo_loop(&mut ws, &gates, peer).await;
        close_tcp(ws, &gates, peer).await;
    })
    .await
}

/// `/limited`: `/echo` with a message limit of [`MESSAGE_LIMIT`] bytes. Frames may be larger
/// (up to 16 times), so a too-big message is read whole before the server answers 1009.
async fn limited(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let gates = state.gates.clone();
    let answer = Answer {
        config: Some(
            WebSocketConfig::default()
                .max_message_size(Some(MESSAGE_LIMIT))
                .max_frame_size(Some(MESSAGE_LIMIT * 16)),
        ),
        ..Answer::default()
    };
    upgrade_answering(&state, peer, req, answer, move |mut ws| async move {
        echo_loop(&mut ws, &gates, peer).await;
        close_tcp(ws, &gates, peer).await;
    })
    .await
}

#[derive(Deserialize)]
struct HeartbeatParams {
    interval_ms: Option<u64>,
    timeout_ms: Option<u64>,
}

/// `/heartbeat`: pings every `interval_ms` (default 1000); a client that does not answer
/// within `timeout_ms` (default [`HEARTBEAT_TIMEOUT_MS`]) is given up on.
async fn heartbeat(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(params): Query<HeartbeatParams>,
    req: Request,
) -> Response {
    // At least 10 ms, so a typo cannot make the server flood a client.
    let interval = Duration::from_millis(params.interval_ms.unwrap_or(1000).clamp(10, 3_600_000));
    let timeout = Duration::from_millis(
        params
            .timeout_ms
            .unwrap_or(HEARTBEAT_TIMEOUT_MS)
            .clamp(10, 3_600_000),
    );
    let gates = state.gates.clone();
    upgrade(&state, peer, req, None, move |ws| {
        heartbeat_session(ws, gates, peer, interval, timeout)
    })
    .await
}

/// Pings, waits for the pong; without one in `timeout`, fails the connection with 1011.
///
/// RFC 6455 gives the ping two uses, keep-alive and checking that the peer still answers
/// (§5.5.2), but neither a timeout nor a close code for it: this server sends 1011 ("an
/// unexpected condition prevented it from fulfilling the request", §7.4.1) and closes TCP
/// without waiting for the close reply, since a peer that does not answer pings will not
/// answer a close either.
async fn heartbeat_session(
    mut ws: Ws,
    gates: Arc<Gates>,
    peer: SocketAddr,
    interval: Duration,
    timeout: Duration,
) {
    let mut beat: u32 = 0;
    'beats: loop {
        gates.wait(peer).await;
        beat = beat.saturating_add(1);
        let ping = format!("heartbeat {beat}").into_bytes();
        if let Err(err) = ws.send(Message::Ping(ping.into())).await {
            tracing::debug!("heartbeat to {peer} failed: {err}");
            break;
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, ws.next()).await {
                Err(_) => {
                    tracing::info!("WebSocket client {peer}: no pong within {timeout:?}");
                    gates.wait(peer).await;
                    let close = CloseFrame {
                        code: CloseCode::Error,
                        reason: PING_TIMEOUT_REASON.into(),
                    };
                    if let Err(err) = ws.send(Message::Close(Some(close))).await {
                        tracing::debug!("heartbeat close to {peer} failed: {err}");
                    }
                    break 'beats;
                }
                Ok(Some(Ok(Message::Pong(_)))) => break,
                Ok(next) => match common(&mut ws, &gates, peer, next, false).await {
                    Received::Data(_) | Received::Handled => {}
                    Received::Over => break 'beats,
                },
            }
        }
        tokio::time::sleep(interval).await;
    }
    close_tcp(ws, &gates, peer).await;
}

/// `POST /upload`: reads the body whole and says how many bytes came and how they were framed.
async fn upload(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.gates.wait(peer).await;
    let chunked = headers
        .get_all(header::TRANSFER_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    let framing = if chunked {
        format!("Transfer-Encoding: chunked, {}", cite::RFC9112_7_1)
    } else {
        format!("Content-Length, {}", cite::RFC9110_8_6)
    };
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("received {} bytes ({framing})\n", body.len()),
    )
        .into_response()
}
