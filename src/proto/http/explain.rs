//! Explanations of header fields and status codes (RFC 9110), for the detail pane.

use std::fmt;

use crate::proto::cite::{self, Cite};

/// One line explaining a header field or status code, and the sections it rests on. Shown as
/// `text (RFC 9110 §7.2)`; several sections of one document as `(RFC 6455 §4.1, §11.3.4)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// What it means, without the citation.
    pub text: &'static str,
    /// Where that is written, in the order shown; empty when the text names its own source
    /// (a non-RFC document without sections, e.g. W3C Fetch Metadata).
    pub cites: &'static [Cite],
}

impl Explanation {
    const fn new(text: &'static str, cites: &'static [Cite]) -> Explanation {
        Explanation { text, cites }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)?;
        let Some(first) = self.cites.first() else {
            return Ok(());
        };
        write!(f, " ({first}")?;
        let mut doc = first.doc();
        for c in self.cites.iter().skip(1) {
            if c.doc() == doc {
                write!(f, ", {}", c.section_ref())?;
            } else {
                write!(f, ", {c}")?;
                doc = c.doc();
            }
        }
        f.write_str(")")
    }
}

/// The explanation of a common header field, or `None` for headers not in the table.
/// The name is matched case-insensitively (field names are case-insensitive, RFC 9110 §5.1).
pub fn explain_header(name: &str) -> Option<Explanation> {
    const TABLE: &[(&str, Explanation)] = &[
        (
            "host",
            Explanation::new(
                "The host (and port) the request is for; required in every HTTP/1.1 request",
                &[cite::RFC9110_7_2],
            ),
        ),
        (
            "upgrade",
            Explanation::new(
                "Asks to switch this connection to another protocol, e.g. websocket; the server names the one it switches to in a 101",
                &[cite::RFC9110_7_8],
            ),
        ),
        (
            "connection",
            Explanation::new(
                "Options for this connection only: \"Upgrade\" marks the Upgrade header as hop-by-hop; \"close\" ends the connection after the current exchange (sent by a client: after the response); \"keep-alive\" is the HTTP/1.0 way to ask for a persistent connection, the default in HTTP/1.1",
                &[cite::RFC9110_7_6_1, cite::RFC9112_9_6, cite::RFC9112_9_3],
            ),
        ),
        (
            "sec-websocket-key",
            Explanation::new(
                "Base64 of a random 16-byte nonce; the server's Accept derived from it proves the server read this WebSocket handshake. Not authentication or encryption, but it keeps a server or cache that does not speak WebSocket from being taken for one",
                &[cite::RFC6455_4_1, cite::RFC6455_1_3],
            ),
        ),
        (
            "sec-websocket-accept",
            Explanation::new(
                "base64(SHA-1(Sec-WebSocket-Key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")): proves the server read this handshake, so a client is not fooled by a server, cache or HTML form/XHR exchange that is not WebSocket; not authentication or encryption",
                &[cite::RFC6455_4_2_2, cite::RFC6455_1_3],
            ),
        ),
        (
            "sec-websocket-version",
            Explanation::new(
                "The WebSocket protocol version; 13 is the only one in use",
                &[cite::RFC6455_4_1],
            ),
        ),
        (
            "sec-websocket-protocol",
            Explanation::new(
                "Subprotocols the client offers, in preference order; the server picks at most one and echoes it",
                &[cite::RFC6455_4_1, cite::RFC6455_11_3_4],
            ),
        ),
        (
            "sec-websocket-extensions",
            Explanation::new(
                "Extensions offered by the client (e.g. permessage-deflate) and the ones the server accepts with their parameters",
                &[cite::RFC6455_9, cite::RFC7692_7],
            ),
        ),
        (
            "origin",
            Explanation::new(
                "The origin of the page that made the request; sent by browsers so the server can decide whether to accept a page from that origin",
                &[cite::RFC6455_10_2, cite::RFC6454_7],
            ),
        ),
        (
            "user-agent",
            Explanation::new("Identifies the client software", &[cite::RFC9110_10_1_5]),
        ),
        (
            "content-type",
            Explanation::new(
                "The media type of the body, e.g. text/html; charset=utf-8 or text/event-stream",
                &[cite::RFC9110_8_3],
            ),
        ),
        (
            "content-length",
            Explanation::new(
                "The body's length in bytes, as a decimal number",
                &[cite::RFC9110_8_6],
            ),
        ),
        (
            "transfer-encoding",
            Explanation::new(
                "Codings applied to the body for transfer; chunked sends it as length-prefixed chunks ending with a zero-size chunk",
                &[cite::RFC9112_6_1, cite::RFC9112_7_1],
            ),
        ),
        (
            "cache-control",
            Explanation::new(
                "Caching directives, e.g. no-store: caches must not keep this message",
                &[cite::RFC9111_5_2],
            ),
        ),
        (
            "pragma",
            Explanation::new(
                "HTTP/1.0 caching directive; no-cache is kept for old caches, Cache-Control replaces it",
                &[cite::RFC9111_5_4],
            ),
        ),
        (
            "accept",
            Explanation::new(
                "Media types the client accepts in the response, with optional q-weights",
                &[cite::RFC9110_12_5_1],
            ),
        ),
        (
            "accept-encoding",
            Explanation::new(
                "Content codings the client can decode, e.g. gzip, br",
                &[cite::RFC9110_12_5_3],
            ),
        ),
        (
            "accept-language",
            Explanation::new(
                "Natural languages the client prefers, e.g. en-US,en;q=0.9",
                &[cite::RFC9110_12_5_4],
            ),
        ),
        (
            "cookie",
            Explanation::new(
                "Cookies the client stored for this server, sent back as name=value pairs",
                &[cite::RFC6265_5_4],
            ),
        ),
        (
            "set-cookie",
            Explanation::new(
                "Asks the client to store a cookie and send it back in later requests",
                &[cite::RFC6265_4_1],
            ),
        ),
        (
            "date",
            Explanation::new(
                "When the message was generated, in IMF-fixdate form",
                &[cite::RFC9110_6_6_1],
            ),
        ),
        (
            "server",
            Explanation::new("Identifies the server software", &[cite::RFC9110_10_2_4]),
        ),
        (
            "keep-alive",
            Explanation::new(
                "Non-standard hints (timeout, max) for keeping a persistent connection; HTTP/1.1 connections persist by default",
                &[cite::RFC9112_9_3],
            ),
        ),
        (
            "access-control-allow-origin",
            Explanation::new(
                "CORS: which origin may read this response from a script; * means any (Fetch standard)",
                &[],
            ),
        ),
        (
            "last-event-id",
            Explanation::new(
                "Sent by EventSource when it reconnects: the id of the last server-sent event it received",
                &[cite::WHATWGHTML_9_2_4],
            ),
        ),
        (
            "location",
            Explanation::new(
                "The URI to follow for a redirect (3xx) or the created resource (201)",
                &[cite::RFC9110_10_2_2],
            ),
        ),
        (
            "content-encoding",
            Explanation::new(
                "Codings applied to the representation, e.g. gzip; the client decodes them",
                &[cite::RFC9110_8_4],
            ),
        ),
        (
            "vary",
            Explanation::new(
                "Request headers that selected this response, for caches",
                &[cite::RFC9110_12_5_5],
            ),
        ),
        (
            "etag",
            Explanation::new(
                "An opaque validator of this representation's version",
                &[cite::RFC9110_8_8_3],
            ),
        ),
        (
            "last-modified",
            Explanation::new(
                "When the origin believes the representation last changed",
                &[cite::RFC9110_8_8_2],
            ),
        ),
        (
            "if-none-match",
            Explanation::new(
                "Conditional request: for GET or HEAD, answer 304 if one of these ETags still matches (other methods: 412)",
                &[cite::RFC9110_13_1_2],
            ),
        ),
        (
            "if-modified-since",
            Explanation::new(
                "Conditional request (GET or HEAD): answer 304 if unchanged since this date",
                &[cite::RFC9110_13_1_3],
            ),
        ),
        (
            "referer",
            Explanation::new(
                "The URI of the page the request came from",
                &[cite::RFC9110_10_1_3],
            ),
        ),
        (
            "authorization",
            Explanation::new(
                "Credentials for the target resource",
                &[cite::RFC9110_11_6_2],
            ),
        ),
        (
            "expect",
            Explanation::new(
                "100-continue asks the server to confirm with 100 before the client sends the body",
                &[cite::RFC9110_10_1_1],
            ),
        ),
        (
            "te",
            Explanation::new(
                "Transfer codings the client accepts in the response besides chunked, e.g. gzip;q=0.5; the keyword trailers is not a coding but says the client accepts trailer fields. A sender of TE must also list it in Connection",
                &[cite::RFC9110_10_1_4],
            ),
        ),
        (
            "allow",
            Explanation::new(
                "The methods the target resource supports",
                &[cite::RFC9110_10_2_1],
            ),
        ),
        (
            "retry-after",
            Explanation::new(
                "How long to wait before retrying, e.g. after 503",
                &[cite::RFC9110_10_2_3],
            ),
        ),
        (
            "sec-fetch-mode",
            Explanation::new(
                "Fetch metadata: the request's mode, e.g. websocket, cors, navigate",
                &[cite::W3CFETCHMETADATA_2_2],
            ),
        ),
        (
            "sec-fetch-site",
            Explanation::new(
                "Fetch metadata: how the requesting page's site relates to the target, e.g. same-origin",
                &[cite::W3CFETCHMETADATA_2_3],
            ),
        ),
        (
            "sec-fetch-dest",
            Explanation::new(
                "Fetch metadata: the request's destination, what the response will be used as, e.g. document, script, image, or empty (fetch(), and a WebSocket handshake: websocket is a mode, not a destination; Chromium sends no Sec-Fetch-* on its handshake at all)",
                &[cite::W3CFETCHMETADATA_2_1],
            ),
        ),
        (
            "x-accel-buffering",
            Explanation::new(
                "Nginx-specific: no disables proxy buffering, used for streaming responses such as SSE",
                &[],
            ),
        ),
    ];
    TABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, explanation)| *explanation)
        .or_else(|| super::explain_added::explain_header(name))
}

/// What a status code means (RFC 9110 §15), with its section.
pub fn status_meaning(status: u16) -> Explanation {
    match status {
        100 => Explanation::new(
            "Continue: the client may send the request body",
            &[cite::RFC9110_15_2_1],
        ),
        101 => Explanation::new(
            "Switching Protocols: the server switches to the protocol in Upgrade",
            &[cite::RFC9110_15_2_2],
        ),
        200 => Explanation::new("OK: the request succeeded", &[cite::RFC9110_15_3_1]),
        201 => Explanation::new(
            "Created: a new resource was created",
            &[cite::RFC9110_15_3_2],
        ),
        202 => Explanation::new(
            "Accepted: the request was accepted for later processing",
            &[cite::RFC9110_15_3_3],
        ),
        204 => Explanation::new(
            "No Content: success, and the response has no body",
            &[cite::RFC9110_15_3_5],
        ),
        206 => Explanation::new(
            "Partial Content: the body is the requested range",
            &[cite::RFC9110_15_3_7],
        ),
        301 => Explanation::new(
            "Moved Permanently: the resource has a new permanent URI",
            &[cite::RFC9110_15_4_2],
        ),
        302 => Explanation::new(
            "Found: the resource is temporarily at another URI",
            &[cite::RFC9110_15_4_3],
        ),
        303 => Explanation::new(
            "See Other: fetch the result from another URI with GET",
            &[cite::RFC9110_15_4_4],
        ),
        304 => Explanation::new(
            "Not Modified: the cached copy is still valid; no body",
            &[cite::RFC9110_15_4_5],
        ),
        307 => Explanation::new(
            "Temporary Redirect: repeat the request at another URI",
            &[cite::RFC9110_15_4_8],
        ),
        308 => Explanation::new(
            "Permanent Redirect: repeat the request at another URI from now on",
            &[cite::RFC9110_15_4_9],
        ),
        400 => Explanation::new(
            "Bad Request: the server cannot process a malformed request",
            &[cite::RFC9110_15_5_1],
        ),
        401 => Explanation::new(
            "Unauthorized: valid credentials are needed",
            &[cite::RFC9110_15_5_2],
        ),
        403 => Explanation::new(
            "Forbidden: the server refuses the request",
            &[cite::RFC9110_15_5_4],
        ),
        404 => Explanation::new(
            "Not Found: no resource at this target",
            &[cite::RFC9110_15_5_5],
        ),
        405 => Explanation::new(
            "Method Not Allowed: the resource does not support this method",
            &[cite::RFC9110_15_5_6],
        ),
        408 => Explanation::new(
            "Request Timeout: the request did not arrive in time",
            &[cite::RFC9110_15_5_9],
        ),
        409 => Explanation::new(
            "Conflict: the request conflicts with the resource's state",
            &[cite::RFC9110_15_5_10],
        ),
        411 => Explanation::new(
            "Length Required: the request needs a Content-Length",
            &[cite::RFC9110_15_5_12],
        ),
        413 => Explanation::new(
            "Content Too Large: the request body is larger than the server accepts",
            &[cite::RFC9110_15_5_14],
        ),
        414 => Explanation::new(
            "URI Too Long: the target is longer than the server accepts",
            &[cite::RFC9110_15_5_15],
        ),
        415 => Explanation::new(
            "Unsupported Media Type: the body's format is not supported",
            &[cite::RFC9110_15_5_16],
        ),
        426 => Explanation::new(
            "Upgrade Required: the server refuses the request in the current protocol; it MUST send an Upgrade header naming the protocol(s) to switch to",
            &[cite::RFC9110_15_5_22],
        ),
        429 => Explanation::new("Too Many Requests: rate limited", &[cite::RFC6585_4]),
        431 => Explanation::new("Request Header Fields Too Large", &[cite::RFC6585_5]),
        500 => Explanation::new(
            "Internal Server Error: the server failed unexpectedly",
            &[cite::RFC9110_15_6_1],
        ),
        501 => Explanation::new(
            "Not Implemented: the server does not support this function",
            &[cite::RFC9110_15_6_2],
        ),
        502 => Explanation::new(
            "Bad Gateway: an upstream server sent an invalid response",
            &[cite::RFC9110_15_6_3],
        ),
        503 => Explanation::new(
            "Service Unavailable: the server is overloaded or down for now",
            &[cite::RFC9110_15_6_4],
        ),
        504 => Explanation::new(
            "Gateway Timeout: an upstream server did not answer in time",
            &[cite::RFC9110_15_6_5],
        ),
        505 => Explanation::new("HTTP Version Not Supported", &[cite::RFC9110_15_6_6]),
        // Codes without their own line: the class they belong to (RFC 9110 §15).
        // Added with issue 13, in explain_added.rs.
        406 | 410 | 412 | 416 | 417 | 421 | 422 => super::explain_added::status_meaning(status),
        _ => match status / 100 {
            1 => Explanation::new(
                "Informational: an interim response; the final one follows",
                &[cite::RFC9110_15_2],
            ),
            2 => Explanation::new(
                "Successful: the request was received, understood and accepted",
                &[cite::RFC9110_15_3],
            ),
            3 => Explanation::new(
                "Redirection: further action is needed to complete the request",
                &[cite::RFC9110_15_4],
            ),
            4 => Explanation::new(
                "Client Error: the request is wrong or cannot be fulfilled",
                &[cite::RFC9110_15_5],
            ),
            5 => Explanation::new(
                "Server Error: the server failed to fulfil a valid request",
                &[cite::RFC9110_15_6],
            ),
            _ => Explanation::new(
                "Not a valid status code: status codes are 100 to 599",
                &[cite::RFC9110_15],
            ),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    #[test]
    fn explanations() {
        assert!(
            explain_header("sec-websocket-key")
                .unwrap()
                .text
                .contains("16-byte nonce")
        );
        assert!(
            explain_header("ORIGIN")
                .unwrap()
                .to_string()
                .contains("RFC 6455 §10.2")
        );
        assert!(explain_header("X-Nothing").is_none());
        assert!(status_meaning(101).text.starts_with("Switching Protocols"));
        assert!(status_meaning(426).text.contains("Upgrade Required"));
        assert!(status_meaning(299).text.starts_with("Successful"));
    }

    #[test]
    fn citations_of_one_document_are_grouped() {
        assert_eq!(
            explain_header("sec-websocket-protocol")
                .unwrap()
                .to_string(),
            "Subprotocols the client offers, in preference order; the server picks at most one and echoes it (RFC 6455 §4.1, §11.3.4)"
        );
        let connection = explain_header("connection").unwrap().to_string();
        assert!(
            connection.ends_with("(RFC 9110 §7.6.1, RFC 9112 §9.6, §9.3)"),
            "{connection}"
        );
        assert_eq!(
            status_meaning(426).to_string(),
            "Upgrade Required: the server refuses the request in the current protocol; it MUST send an Upgrade header naming the protocol(s) to switch to (RFC 9110 §15.5.22)"
        );
    }
}
