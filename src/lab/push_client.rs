//! Clients of the push endpoints ([`super::server::push`]): short polling, long polling,
//! server-sent events and WebSocket push, each receiving the event source's whole sequence.
//!
//! Polling runs with HTTP/1.1 keep-alive (every poll on one persistent connection) or one
//! new connection per poll (`Connection: close`, what HTTP/1.0 does by default). New
//! connections are opened by a [`Dialer`], which tells the lab (the collector) each one's
//! address before `connect()`, so the trace puts them on the client's lane.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use futures_util::StreamExt as _;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tungstenite::Message;
use tungstenite::client::IntoClientRequest as _;

use super::link::Route;
use super::server::push::{
    LONG_POLL_PATH, POLL_PATH, PollAnswer, SSE_DROP_AFTER_PARAM, SSE_PATH, SSE_RETRY_PARAM,
    WS_PATH, WireEvent, Workload,
};

/// How a client learns of pushed events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Technique {
    /// `GET /poll?since=N` every `every`, answered at once.
    ShortPoll {
        /// The time between two polls.
        every: Duration,
    },
    /// `GET /long-poll?since=N`, the next one as soon as the answer is in.
    LongPoll,
    /// `GET /sse`: one streamed response, or more when `drop` cuts it; a reconnection sends
    /// `Last-Event-ID` (as an `EventSource` does).
    Sse {
        /// Where the stream is cut, if anywhere.
        drop: SseDrop,
    },
    /// `GET /events-ws` upgraded to WebSocket: one text message per event.
    WebSocket,
}

/// Where a server-sent event stream is cut, to show the reconnection (WHATWG HTML §9.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SseDrop {
    /// Never: one response carries every event.
    Never,
    /// The client closes the connection after `after` events (a network drop as the client
    /// sees it) and reconnects at once.
    ByClient {
        /// Events read before the drop.
        after: u64,
    },
    /// The server sets the reconnection time to `retry` (a `retry:` line), ends the stream
    /// after event `after` and closes the connection; the client, as an `EventSource` does,
    /// waits the reconnection time and reconnects.
    ByServer {
        /// The id of the last event before the drop.
        after: u64,
        /// The reconnection time the server sets.
        retry: Duration,
    },
}

/// An `EventSource`'s reconnection time until a `retry:` field sets one: the standard leaves
/// it to the browser ("a few seconds"; Chromium uses 3 s).
pub const DEFAULT_RECONNECTION_TIME: Duration = Duration::from_secs(3);

/// Whether polls share a persistent connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepAlive {
    /// HTTP/1.1's default: every poll on the same connection.
    On,
    /// `Connection: close` on every poll: a new TCP connection each time.
    Off,
}

/// What a push client does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushSpec {
    /// The technique.
    pub technique: Technique,
    /// For polling: persistent connection or one per poll.
    pub keep_alive: KeepAlive,
    /// The workload the client asks the event source for (the first request starts it).
    pub workload: Workload,
    /// The headers each request carries besides the ones it needs.
    pub head: RequestHead,
}

/// How big a client's request heads are: the headers every request of it carries besides
/// `Host`, `Connection` and what its technique needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestHead {
    /// Only `User-Agent: wirelab/…` (a head of about 100 bytes).
    #[default]
    Minimal,
    /// What a current Chromium sends with a `fetch()` from a page (`sec-ch-ua…`, `Accept…`,
    /// `Sec-Fetch-…`, `Referer`): a poll's head of about 527 bytes.
    BrowserLike,
    /// The request headers of Lubbers & Greco's polling example (2010): a Firefox 3.5
    /// `User-Agent`, `Accept…`, `Keep-Alive: 300`, a `Referer` and about 300 bytes of
    /// cookies, sent here to reproduce their header size.
    Lubbers,
}

impl RequestHead {
    /// The headers it adds (`Host` and `Connection` come from the request itself).
    pub fn headers(self, server: SocketAddr) -> Vec<(&'static str, String)> {
        let agent = (
            "User-Agent",
            concat!("wirelab/", env!("CARGO_PKG_VERSION")).to_string(),
        );
        match self {
            RequestHead::Minimal => vec![agent],
            RequestHead::BrowserLike => vec![
                ("sec-ch-ua-platform", "\"Linux\"".to_string()),
                (
                    "User-Agent",
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                     Chrome/131.0.0.0 Safari/537.36"
                        .to_string(),
                ),
                (
                    "sec-ch-ua",
                    "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\""
                        .to_string(),
                ),
                ("sec-ch-ua-mobile", "?0".to_string()),
                ("Accept", "*/*".to_string()),
                ("Sec-Fetch-Site", "same-origin".to_string()),
                ("Sec-Fetch-Mode", "cors".to_string()),
                ("Sec-Fetch-Dest", "empty".to_string()),
                ("Referer", format!("http://{server}/")),
                ("Accept-Encoding", "gzip, deflate, br, zstd".to_string()),
                ("Accept-Language", "en-US,en;q=0.9".to_string()),
            ],
            RequestHead::Lubbers => vec![
                (
                    "User-Agent",
                    "Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) \
                     Gecko/20091102 Firefox/3.5.5"
                        .to_string(),
                ),
                (
                    "Accept",
                    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".to_string(),
                ),
                ("Accept-Language", "en-us".to_string()),
                ("Accept-Encoding", "gzip,deflate".to_string()),
                (
                    "Accept-Charset",
                    "ISO-8859-1,utf-8;q=0.7,*;q=0.7".to_string(),
                ),
                ("Keep-Alive", "300".to_string()),
                (
                    "Referer",
                    "http://www.example.com/PollingStock/".to_string(),
                ),
                (
                    "Cookie",
                    "showInheritedConstant=false; showInheritedProtectedConstant=false; \
                     showInheritedProperty=false; showInheritedProtectedProperty=false; \
                     showInheritedMethod=false; showInheritedProtectedMethod=false; \
                     showInheritedEvent=false; showInheritedStyle=false; \
                     showInheritedEffect=false"
                        .to_string(),
                ),
            ],
        }
    }
}

/// What a push client received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// The ids of the events delivered, in the order they arrived.
    pub ids: Vec<u64>,
    /// The HTTP requests it sent (the WebSocket upgrade included), each answered. The lab
    /// waits until the trace shows as many responses; metrics count from the trace instead.
    pub requests: u32,
}

/// Something a [`Dialer`] did, for whoever records connections.
#[derive(Clone, Copy, Debug)]
pub enum Dialed {
    /// A socket was bound to this address; `connect()` comes next.
    Bound(SocketAddr),
    /// The `connect()` from this address returned at this moment.
    Connected(SocketAddr, Instant),
    /// A read on the connection from this address returned at this moment; the client has
    /// read this many bytes from it so far (the lab's read tap, [`ReadTap`]).
    Read(SocketAddr, u64, Instant),
}

/// Told of every connection a [`Dialer`] opens.
pub type DialHook = Arc<dyn Fn(Dialed) + Send + Sync>;

/// Opens connections to the lab server, along a [`Route`] (directly or through the link
/// relay).
#[derive(Clone)]
pub struct Dialer {
    route: Route,
    hook: Option<DialHook>,
}

impl Dialer {
    /// Connections straight to `server`, each announced to `hook`.
    pub fn new(server: SocketAddr, hook: Option<DialHook>) -> Self {
        Dialer::along(Route::direct(server), hook)
    }

    /// Connections along `route`, each announced to `hook` by the address the server sees.
    pub fn along(route: Route, hook: Option<DialHook>) -> Self {
        Dialer { route, hook }
    }

    /// The server it connects to.
    pub fn server(&self) -> SocketAddr {
        self.route.server()
    }

    /// A new TCP connection, bound first so its address is announced before `connect()`,
    /// its reads reported to the hook.
    pub async fn dial(&self) -> Result<Conn, String> {
        let failed = |e: std::io::Error| format!("cannot connect to {}: {e}", self.server());
        let connect = self.route.prepare().map_err(failed)?;
        let seen_as = connect.seen_as();
        if let Some(hook) = &self.hook {
            hook(Dialed::Bound(seen_as));
        }
        let (stream, at) = connect.connect().await.map_err(failed)?;
        if let Some(hook) = &self.hook {
            hook(Dialed::Connected(seen_as, at));
        }
        let _ = stream.set_nodelay(true);
        Ok(self.tap(Opened { stream, seen_as }))
    }

    /// `opened` with its reads reported to the hook ([`Dialed::Read`]) by the address the
    /// server sees, the one the connection was announced by: through the link relay that is
    /// the relay's outbound socket, not this stream's own address.
    pub fn tap(&self, opened: Opened) -> Conn {
        ReadTap {
            inner: opened.stream,
            hook: self.hook.clone().map(|hook| (hook, opened.seen_as)),
            total: 0,
        }
    }
}

/// A connection open to the lab server, and the client address the server sees on it
/// ([`crate::lab::link::Connect::seen_as`]: the relay's outbound socket when relayed).
pub struct Opened {
    /// The client's stream.
    pub stream: TcpStream,
    /// The client address the server sees.
    pub seen_as: SocketAddr,
}

/// The lab's read tap on its own clients: reports, per read that returned bytes, how many
/// the client has read from the connection so far and when, so a trace can tell when the
/// client had each byte (`client_read` events).
pub struct ReadTap<S> {
    inner: S,
    hook: Option<(DialHook, SocketAddr)>,
    total: u64,
}

impl<S: AsyncRead + Unpin> AsyncRead for ReadTap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len().saturating_sub(before) as u64;
        if let Poll::Ready(Ok(())) = polled
            && read > 0
        {
            self.total += read;
            if let Some((hook, local)) = &self.hook {
                hook(Dialed::Read(*local, self.total, Instant::now()));
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ReadTap<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A client connection, its reads tapped.
pub type Conn = ReadTap<TcpStream>;

/// Receives every event of `spec`'s workload; `first` is an open connection to use first
/// (the lab's connect stage), else the dialer opens one. Ends with every connection closed.
pub async fn receive(
    spec: PushSpec,
    first: Option<Opened>,
    dialer: &Dialer,
) -> Result<Delivery, String> {
    let first = match first {
        Some(opened) => dialer.tap(opened),
        None => dialer.dial().await?,
    };
    let total = u64::from(spec.workload.events);
    // Only the first request names the workload: it starts the event source.
    let query = spec.workload.query();
    let path = |base: &str, since: u64, first: bool| {
        if first {
            format!("{base}?since={since}&{query}")
        } else {
            format!("{base}?since={since}")
        }
    };
    match spec.technique {
        Technique::ShortPoll { every } => {
            poll(first, dialer, spec, total, |since, first| {
                (path(POLL_PATH, since, first), Some(every))
            })
            .await
        }
        Technique::LongPoll => {
            poll(first, dialer, spec, total, |since, first| {
                (path(LONG_POLL_PATH, since, first), None)
            })
            .await
        }
        Technique::Sse { drop } => sse(first, dialer, spec.head, &query, total, drop).await,
        Technique::WebSocket => websocket(first, dialer.server(), spec.head, &query, total).await,
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Body>;

/// An HTTP/1.1 client connection on `stream`, driven by its own task.
async fn http(stream: Conn) -> Result<(Sender, tokio::task::JoinHandle<()>), String> {
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake failed: {e}"))?;
    let task = tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!("push client connection ended with an error: {err}");
        }
    });
    Ok((sender, task))
}

fn get(
    server: SocketAddr,
    path: &str,
    (keep_alive, head): (KeepAlive, RequestHead),
    last_event_id: Option<u64>,
) -> Result<hyper::Request<Body>, String> {
    let mut request = hyper::Request::get(path).header(hyper::header::HOST, server.to_string());
    for (name, value) in head.headers(server) {
        request = request.header(name, value);
    }
    if keep_alive == KeepAlive::Off {
        request = request.header(hyper::header::CONNECTION, "close");
    }
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id.to_string());
    }
    request
        .body(Body::empty())
        .map_err(|e| format!("bad request {path}: {e}"))
}

/// Polls until every event arrived; `next(since, first)` gives the next request's path and how
/// long to wait before it (short polling's interval).
async fn poll(
    first: Conn,
    dialer: &Dialer,
    spec: PushSpec,
    total: u64,
    next: impl Fn(u64, bool) -> (String, Option<Duration>),
) -> Result<Delivery, String> {
    let keep_alive = spec.keep_alive;
    let mut delivery = Delivery::default();
    let mut since = 0;
    let mut first_request = true;
    let mut connection = Some(http(first).await?);
    let mut due = tokio::time::Instant::now();
    while since < total {
        let (path, every) = next(since, first_request);
        first_request = false;
        tokio::time::sleep_until(due).await;
        if let Some(every) = every {
            due += every;
        }
        let (sender, _) = match &mut connection {
            Some(open) => open,
            None => connection.insert(http(dialer.dial().await?).await?),
        };
        sender
            .ready()
            .await
            .map_err(|e| format!("the connection closed before {path}: {e}"))?;
        let response = sender
            .send_request(get(dialer.server(), &path, (keep_alive, spec.head), None)?)
            .await
            .map_err(|e| format!("GET {path} failed: {e}"))?;
        delivery.requests += 1;
        let status = response.status();
        let body = axum::body::to_bytes(Body::new(response.into_body()), 16 * 1024 * 1024)
            .await
            .map_err(|e| format!("GET {path}: reading the body failed: {e}"))?;
        if !status.is_success() {
            return Err(format!("GET {path} answered {status}"));
        }
        let answer: PollAnswer = serde_json::from_slice(&body)
            .map_err(|e| format!("GET {path}: the answer is not a poll answer: {e}"))?;
        for event in answer.events {
            since = since.max(event.id);
            delivery.ids.push(event.id);
        }
        if keep_alive == KeepAlive::Off {
            // The server closes after its answer; wait for that before the next connect.
            if let Some((sender, task)) = connection.take() {
                drop(sender);
                let _ = task.await;
            }
        }
    }
    if let Some((sender, task)) = connection.take() {
        // Dropping the sender lets hyper close the idle connection.
        drop(sender);
        let _ = task.await;
    }
    Ok(delivery)
}

/// One streamed `text/event-stream` response after another until every event arrived; a
/// reconnection sends `Last-Event-ID` (WHATWG HTML §9.2.4), after the reconnection time
/// when the server ended the stream (§9.2.3).
async fn sse(
    first: Conn,
    dialer: &Dialer,
    head: RequestHead,
    query: &str,
    total: u64,
    drop: SseDrop,
) -> Result<Delivery, String> {
    let mut delivery = Delivery::default();
    let mut stream = Some(first);
    let mut last_id: Option<u64> = None;
    let mut path = match drop {
        SseDrop::ByServer { after, retry } => format!(
            "{SSE_PATH}?{query}&{SSE_DROP_AFTER_PARAM}={after}&{SSE_RETRY_PARAM}={}",
            retry.as_millis()
        ),
        SseDrop::Never | SseDrop::ByClient { .. } => format!("{SSE_PATH}?{query}"),
    };
    let mut client_drop = match drop {
        SseDrop::ByClient { after } => Some(after),
        SseDrop::Never | SseDrop::ByServer { .. } => None,
    };
    let mut reconnection_time = DEFAULT_RECONNECTION_TIME;
    while last_id.unwrap_or(0) < total {
        let tcp = match stream.take() {
            Some(tcp) => tcp,
            None => dialer.dial().await?,
        };
        let (mut sender, task) = http(tcp).await?;
        let response = sender
            .send_request(get(dialer.server(), &path, (KeepAlive::On, head), last_id)?)
            .await
            .map_err(|e| format!("GET {path} failed: {e}"))?;
        delivery.requests += 1;
        if !response.status().is_success() {
            return Err(format!("GET {path} answered {}", response.status()));
        }
        // A reconnection names no workload: it resumes the running source.
        path = SSE_PATH.to_string();
        let mut body = Body::new(response.into_body()).into_data_stream();
        let mut parser = SseParser::default();
        let mut dropped = false;
        let mut ended = false;
        while !dropped && last_id.unwrap_or(0) < total {
            let Some(chunk) = body.next().await else {
                if matches!(drop, SseDrop::ByServer { .. }) {
                    ended = true;
                    break;
                }
                return Err(format!(
                    "GET {path}: the stream ended after event {}",
                    last_id.unwrap_or(0)
                ));
            };
            let chunk = chunk.map_err(|e| format!("GET {path}: reading the stream failed: {e}"))?;
            for (id, _data) in parser.feed(&chunk) {
                if let Some(id) = id {
                    last_id = Some(id);
                    delivery.ids.push(id);
                }
            }
            if let Some(ms) = parser.retry {
                reconnection_time = Duration::from_millis(ms);
            }
            // The simulated drop happens once, at the first read that reaches its count.
            if client_drop.is_some_and(|n| delivery.ids.len() as u64 >= n) {
                client_drop = None;
                dropped = true;
            }
        }
        drop_stream(body, sender, task, ended).await;
        if ended {
            // "Reestablish the connection": wait the reconnection time, then reconnect.
            tokio::time::sleep(reconnection_time).await;
        }
    }
    Ok(delivery)
}

/// Ends one SSE response's connection: when the server `ended` the stream, the connection
/// task ends by itself (both sides close after that response); otherwise the client drops it.
async fn drop_stream(
    body: impl Sized,
    sender: Sender,
    task: tokio::task::JoinHandle<()>,
    ended: bool,
) {
    drop(body);
    drop(sender);
    if ended {
        // The server's response said `Connection: close`: hyper closes once it has read it
        // (RFC 9112 §9.6), and the task ends with the connection.
        let abort = task.abort_handle();
        if tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .is_err()
        {
            abort.abort();
        }
    } else {
        // Dropping the body and the sender closes the connection.
        task.abort();
        let _ = task.await;
    }
}

/// The events of a `text/event-stream` as they arrive: blank-line-separated blocks of
/// `field: value` lines; only `id` and `data` matter here (the dissector's parser is the
/// full one, WHATWG HTML §9.2.6).
#[derive(Default)]
struct SseParser {
    pending: Vec<u8>,
    /// The reconnection time the last valid `retry:` field set, in milliseconds.
    retry: Option<u64>,
}

impl SseParser {
    /// Each complete event in `bytes` (with what came before): its id (if a number) and data.
    fn feed(&mut self, bytes: &[u8]) -> Vec<(Option<u64>, String)> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = find_blank_line(&self.pending) {
            let block: Vec<u8> = self.pending.drain(..end.0 + end.1).collect();
            let text = String::from_utf8_lossy(block.get(..end.0).unwrap_or_default());
            let (mut id, mut data) = (None, None::<String>);
            for line in text.lines() {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "id" => id = value.parse().ok(),
                    // Only ASCII digits count (WHATWG HTML §9.2.6).
                    "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                        self.retry = value.parse().ok().or(self.retry);
                    }
                    "data" => data = Some(value.to_string()),
                    _ => {}
                }
            }
            if let Some(data) = data {
                events.push((id, data));
            }
        }
        events
    }
}

/// Where the first blank line ends a block: (the block's length, the separator's length).
fn find_blank_line(bytes: &[u8]) -> Option<(usize, usize)> {
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// WebSocket push: every text message is one event; the server closes after the last.
async fn websocket(
    first: Conn,
    server: SocketAddr,
    head: RequestHead,
    query: &str,
    total: u64,
) -> Result<Delivery, String> {
    let url = format!("ws://{server}{WS_PATH}?{query}");
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| format!("bad WebSocket URL {url}: {e}"))?;
    for (name, value) in head.headers(server) {
        if let Ok(value) = value.parse() {
            request.headers_mut().insert(name, value);
        }
    }
    let (mut ws, _) = tokio_tungstenite::client_async(request, first)
        .await
        .map_err(|e| format!("the upgrade to {url} failed: {e}"))?;
    let mut delivery = Delivery {
        requests: 1,
        ..Delivery::default()
    };
    while let Some(message) = ws.next().await {
        match message {
            Ok(Message::Text(text)) => {
                let event: WireEvent = serde_json::from_str(text.as_str())
                    .map_err(|e| format!("a message is not an event: {e}"))?;
                delivery.ids.push(event.id);
            }
            Ok(Message::Close(_)) => {}
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed) => break,
            Err(err) => return Err(format!("the WebSocket connection failed: {err}")),
        }
    }
    if (delivery.ids.len() as u64) < total {
        let _ = ws.close(None).await;
    }
    Ok(delivery)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_finds_events_split_anywhere() {
        let stream = b"id: 1\ndata: a\n\n:comment\n\nid: 2\r\ndata: b\r\n\r\n";
        for split in 0..stream.len() {
            let mut parser = SseParser::default();
            let (a, b) = stream.split_at(split);
            let mut got = parser.feed(a);
            got.extend(parser.feed(b));
            assert_eq!(
                got,
                [(Some(1), "a".to_string()), (Some(2), "b".to_string())]
            );
        }
    }
}
