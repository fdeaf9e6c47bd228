//! Explanations of header fields and status codes (RFC 9110), for the detail pane.

/// One line explaining a common header field, or `None` for headers not in the table.
/// The name is matched case-insensitively (field names are case-insensitive, RFC 9110 §5.1).
pub fn explain_header(name: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        (
            "host",
            "The host (and port) the request is for; required in every HTTP/1.1 request (RFC 9110 §7.2).",
        ),
        (
            "upgrade",
            "Asks to switch this connection to another protocol, e.g. websocket; the server names the one it switches to in a 101 (RFC 9110 §7.8).",
        ),
        (
            "connection",
            "Options for this connection only: \"Upgrade\" marks the Upgrade header as hop-by-hop; \"close\" ends the connection after the current exchange (sent by a client: after the response, RFC 9112 §9.6); \"keep-alive\" is the HTTP/1.0 way to ask for a persistent connection, the default in HTTP/1.1 (RFC 9110 §7.6.1, RFC 9112 §9.3).",
        ),
        (
            "sec-websocket-key",
            "Base64 of a random 16-byte nonce; the server's Accept derived from it proves the server read this WebSocket handshake. Not authentication or encryption, but it keeps a server or cache that does not speak WebSocket from being taken for one (RFC 6455 §4.1, §1.3).",
        ),
        (
            "sec-websocket-accept",
            "base64(SHA-1(Sec-WebSocket-Key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")): proves the server read this handshake, so a client is not fooled by a server, cache or HTML form/XHR exchange that is not WebSocket; not authentication or encryption (RFC 6455 §4.2.2, §1.3).",
        ),
        (
            "sec-websocket-version",
            "The WebSocket protocol version; 13 is the only one in use (RFC 6455 §4.1).",
        ),
        (
            "sec-websocket-protocol",
            "Subprotocols the client offers, in preference order; the server picks at most one and echoes it (RFC 6455 §4.1, §11.3.4).",
        ),
        (
            "sec-websocket-extensions",
            "Extensions offered by the client (e.g. permessage-deflate) and the ones the server accepts with their parameters (RFC 6455 §9, RFC 7692).",
        ),
        (
            "origin",
            "The origin of the page that made the request; sent by browsers so the server can decide whether to accept a page from that origin (RFC 6455 §10.2, RFC 6454).",
        ),
        (
            "user-agent",
            "Identifies the client software (RFC 9110 §10.1.5).",
        ),
        (
            "content-type",
            "The media type of the body, e.g. text/html; charset=utf-8 or text/event-stream (RFC 9110 §8.3).",
        ),
        (
            "content-length",
            "The body's length in bytes, as a decimal number (RFC 9110 §8.6).",
        ),
        (
            "transfer-encoding",
            "Codings applied to the body for transfer; chunked sends it as length-prefixed chunks ending with a zero-size chunk (RFC 9112 §6.1, §7.1).",
        ),
        (
            "cache-control",
            "Caching directives, e.g. no-store: caches must not keep this message (RFC 9111 §5.2).",
        ),
        (
            "pragma",
            "HTTP/1.0 caching directive; no-cache is kept for old caches, Cache-Control replaces it (RFC 9111 §5.4).",
        ),
        (
            "accept",
            "Media types the client accepts in the response, with optional q-weights (RFC 9110 §12.5.1).",
        ),
        (
            "accept-encoding",
            "Content codings the client can decode, e.g. gzip, br (RFC 9110 §12.5.3).",
        ),
        (
            "accept-language",
            "Natural languages the client prefers, e.g. en-US,en;q=0.9 (RFC 9110 §12.5.4).",
        ),
        (
            "cookie",
            "Cookies the client stored for this server, sent back as name=value pairs (RFC 6265 §5.4).",
        ),
        (
            "set-cookie",
            "Asks the client to store a cookie and send it back in later requests (RFC 6265 §4.1).",
        ),
        (
            "date",
            "When the message was generated, in IMF-fixdate form (RFC 9110 §6.6.1).",
        ),
        (
            "server",
            "Identifies the server software (RFC 9110 §10.2.4).",
        ),
        (
            "keep-alive",
            "Non-standard hints (timeout, max) for keeping a persistent connection; HTTP/1.1 connections persist by default (RFC 9112 §9.3).",
        ),
        (
            "access-control-allow-origin",
            "CORS: which origin may read this response from a script; * means any (Fetch standard).",
        ),
        (
            "last-event-id",
            "Sent by EventSource when it reconnects: the id of the last server-sent event it received (WHATWG HTML §9.2).",
        ),
        (
            "location",
            "The URI to follow for a redirect (3xx) or the created resource (201) (RFC 9110 §10.2.2).",
        ),
        (
            "content-encoding",
            "Codings applied to the representation, e.g. gzip; the client decodes them (RFC 9110 §8.4).",
        ),
        (
            "vary",
            "Request headers that selected this response, for caches (RFC 9110 §12.5.5).",
        ),
        (
            "etag",
            "An opaque validator of this representation's version (RFC 9110 §8.8.3).",
        ),
        (
            "last-modified",
            "When the origin believes the representation last changed (RFC 9110 §8.8.2).",
        ),
        (
            "if-none-match",
            "Conditional request: answer 304 if the ETag still matches (RFC 9110 §13.1.2).",
        ),
        (
            "if-modified-since",
            "Conditional request: answer 304 if unchanged since this date (RFC 9110 §13.1.3).",
        ),
        (
            "referer",
            "The URI of the page the request came from (RFC 9110 §10.1.3).",
        ),
        (
            "authorization",
            "Credentials for the target resource (RFC 9110 §11.6.2).",
        ),
        (
            "expect",
            "100-continue asks the server to confirm with 100 before the client sends the body (RFC 9110 §10.1.1).",
        ),
        (
            "te",
            "Transfer codings the client accepts in the response besides chunked, e.g. gzip;q=0.5; the keyword trailers is not a coding but says the client accepts trailer fields. A sender of TE must also list it in Connection (RFC 9110 §10.1.4).",
        ),
        (
            "allow",
            "The methods the target resource supports (RFC 9110 §10.2.1).",
        ),
        (
            "retry-after",
            "How long to wait before retrying, e.g. after 503 (RFC 9110 §10.2.3).",
        ),
        (
            "sec-fetch-mode",
            "Fetch metadata: the request's mode, e.g. websocket, cors, navigate (W3C Fetch Metadata).",
        ),
        (
            "sec-fetch-site",
            "Fetch metadata: how the requesting page's site relates to the target, e.g. same-origin (W3C Fetch Metadata).",
        ),
        (
            "sec-fetch-dest",
            "Fetch metadata: the request's destination, what the response will be used as, e.g. document, script, image, or empty (fetch(), and a WebSocket handshake: websocket is a mode, not a destination; Chromium sends no Sec-Fetch-* on its handshake at all) (W3C Fetch Metadata).",
        ),
        (
            "x-accel-buffering",
            "Nginx-specific: no disables proxy buffering, used for streaming responses such as SSE.",
        ),
    ];
    TABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, text)| *text)
}

/// One line saying what a status code means (RFC 9110 §15), with its section.
pub fn status_meaning(status: u16) -> &'static str {
    match status {
        100 => "Continue: the client may send the request body (RFC 9110 §15.2.1)",
        101 => {
            "Switching Protocols: the server switches to the protocol in Upgrade (RFC 9110 §15.2.2)"
        }
        200 => "OK: the request succeeded (RFC 9110 §15.3.1)",
        201 => "Created: a new resource was created (RFC 9110 §15.3.2)",
        202 => "Accepted: the request was accepted for later processing (RFC 9110 §15.3.3)",
        204 => "No Content: success, and the response has no body (RFC 9110 §15.3.5)",
        206 => "Partial Content: the body is the requested range (RFC 9110 §15.3.7)",
        301 => "Moved Permanently: the resource has a new permanent URI (RFC 9110 §15.4.2)",
        302 => "Found: the resource is temporarily at another URI (RFC 9110 §15.4.3)",
        303 => "See Other: fetch the result from another URI with GET (RFC 9110 §15.4.4)",
        304 => "Not Modified: the cached copy is still valid; no body (RFC 9110 §15.4.5)",
        307 => "Temporary Redirect: repeat the request at another URI (RFC 9110 §15.4.8)",
        308 => {
            "Permanent Redirect: repeat the request at another URI from now on (RFC 9110 §15.4.9)"
        }
        400 => "Bad Request: the server cannot process a malformed request (RFC 9110 §15.5.1)",
        401 => "Unauthorized: valid credentials are needed (RFC 9110 §15.5.2)",
        403 => "Forbidden: the server refuses the request (RFC 9110 §15.5.4)",
        404 => "Not Found: no resource at this target (RFC 9110 §15.5.5)",
        405 => "Method Not Allowed: the resource does not support this method (RFC 9110 §15.5.6)",
        408 => "Request Timeout: the request did not arrive in time (RFC 9110 §15.5.9)",
        409 => "Conflict: the request conflicts with the resource's state (RFC 9110 §15.5.10)",
        411 => "Length Required: the request needs a Content-Length (RFC 9110 §15.5.12)",
        413 => {
            "Content Too Large: the request body is larger than the server accepts (RFC 9110 §15.5.14)"
        }
        414 => "URI Too Long: the target is longer than the server accepts (RFC 9110 §15.5.15)",
        415 => "Unsupported Media Type: the body's format is not supported (RFC 9110 §15.5.16)",
        426 => {
            "Upgrade Required: the server refuses the request in the current protocol; it MUST send an Upgrade header naming the protocol(s) to switch to (RFC 9110 §15.5.22)"
        }
        429 => "Too Many Requests: rate limited (RFC 6585 §4)",
        431 => "Request Header Fields Too Large (RFC 6585 §5)",
        500 => "Internal Server Error: the server failed unexpectedly (RFC 9110 §15.6.1)",
        501 => "Not Implemented: the server does not support this function (RFC 9110 §15.6.2)",
        502 => "Bad Gateway: an upstream server sent an invalid response (RFC 9110 §15.6.3)",
        503 => "Service Unavailable: the server is overloaded or down for now (RFC 9110 §15.6.4)",
        504 => "Gateway Timeout: an upstream server did not answer in time (RFC 9110 §15.6.5)",
        505 => "HTTP Version Not Supported (RFC 9110 §15.6.6)",
        // Codes without their own line: the class they belong to (RFC 9110 §15).
        _ => match status / 100 {
            1 => "Informational: an interim response; the final one follows (RFC 9110 §15.2)",
            2 => "Successful: the request was received, understood and accepted (RFC 9110 §15.3)",
            3 => "Redirection: further action is needed to complete the request (RFC 9110 §15.4)",
            4 => "Client Error: the request is wrong or cannot be fulfilled (RFC 9110 §15.5)",
            5 => "Server Error: the server failed to fulfil a valid request (RFC 9110 §15.6)",
            _ => "Not a valid status code: status codes are 100 to 599 (RFC 9110 §15)",
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
                .contains("16-byte nonce")
        );
        assert!(explain_header("ORIGIN").unwrap().contains("RFC 6455 §10.2"));
        assert!(explain_header("X-Nothing").is_none());
        assert!(status_meaning(101).starts_with("Switching Protocols"));
        assert!(status_meaning(426).contains("Upgrade Required"));
        assert!(status_meaning(299).starts_with("Successful"));
    }
}
