//! The one table of the normative references the app shows. Every rule, note, explanation and
//! diagnostic names an entry here instead of writing "RFC … §…" by hand, so a wrong section is
//! visible at review: the entry's title would not match the claim beside it
//! (`tests/citations.rs` fails on a hand-written citation and on an entry nothing uses).
//!
//! Displayed as `RFC 6455 §5.1`; [`Cite::title`] is the section's own title.

use std::fmt;

/// A section of a normative document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cite {
    doc: &'static str,
    section: &'static str,
    title: &'static str,
}

impl Cite {
    const fn new(doc: &'static str, section: &'static str, title: &'static str) -> Cite {
        Cite {
            doc,
            section,
            title,
        }
    }

    /// The document, e.g. `RFC 6455` or `WHATWG HTML`.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// The section number, e.g. `5.1`.
    pub fn section(&self) -> &'static str {
        self.section
    }

    /// The section alone, e.g. `§11.3.4`: a further section of the same document in a list
    /// (`RFC 6455 §4.1, §11.3.4`).
    pub fn section_ref(&self) -> String {
        format!("§{}", self.section)
    }

    /// The section's title as the document writes it, e.g. `Overview` (RFC 6455 §5.1).
    pub fn title(&self) -> &'static str {
        self.title
    }
}

impl fmt::Display for Cite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} §{}", self.doc, self.section)
    }
}

// Entries, grouped by document, in section order. Name: DOC_SECTION with spaces and dots as
// underscores removed/replaced (`RFC6455_5_1`, `WHATWGHTML_9_2_5`); the test checks it.
// Titles are copied from the document's table of contents.

// RFC 6455, The WebSocket Protocol.

/// RFC 6455 §1.3 "Opening Handshake".
pub const RFC6455_1_3: Cite = Cite::new("RFC 6455", "1.3", "Opening Handshake");
/// RFC 6455 §4.1 "Client Requirements".
pub const RFC6455_4_1: Cite = Cite::new("RFC 6455", "4.1", "Client Requirements");
/// RFC 6455 §4.2.1 "Reading the Client's Opening Handshake".
pub const RFC6455_4_2_1: Cite = Cite::new(
    "RFC 6455",
    "4.2.1",
    "Reading the Client's Opening Handshake",
);
/// RFC 6455 §4.2.2 "Sending the Server's Opening Handshake".
pub const RFC6455_4_2_2: Cite = Cite::new(
    "RFC 6455",
    "4.2.2",
    "Sending the Server's Opening Handshake",
);
/// RFC 6455 §4.4 "Supporting Multiple Versions of WebSocket Protocol".
pub const RFC6455_4_4: Cite = Cite::new(
    "RFC 6455",
    "4.4",
    "Supporting Multiple Versions of WebSocket Protocol",
);
/// RFC 6455 §5 "Data Framing".
pub const RFC6455_5: Cite = Cite::new("RFC 6455", "5", "Data Framing");
/// RFC 6455 §5.1 "Overview".
pub const RFC6455_5_1: Cite = Cite::new("RFC 6455", "5.1", "Overview");
/// RFC 6455 §5.2 "Base Framing Protocol".
pub const RFC6455_5_2: Cite = Cite::new("RFC 6455", "5.2", "Base Framing Protocol");
/// RFC 6455 §5.3 "Client-to-Server Masking".
pub const RFC6455_5_3: Cite = Cite::new("RFC 6455", "5.3", "Client-to-Server Masking");
/// RFC 6455 §5.4 "Fragmentation".
pub const RFC6455_5_4: Cite = Cite::new("RFC 6455", "5.4", "Fragmentation");
/// RFC 6455 §5.5 "Control Frames".
pub const RFC6455_5_5: Cite = Cite::new("RFC 6455", "5.5", "Control Frames");
/// RFC 6455 §5.5.1 "Close".
pub const RFC6455_5_5_1: Cite = Cite::new("RFC 6455", "5.5.1", "Close");
/// RFC 6455 §5.5.2 "Ping".
pub const RFC6455_5_5_2: Cite = Cite::new("RFC 6455", "5.5.2", "Ping");
/// RFC 6455 §7.1.1 "Close the WebSocket Connection".
pub const RFC6455_7_1_1: Cite = Cite::new("RFC 6455", "7.1.1", "Close the WebSocket Connection");
/// RFC 6455 §7.1.4 "The WebSocket Connection is Closed".
pub const RFC6455_7_1_4: Cite =
    Cite::new("RFC 6455", "7.1.4", "The WebSocket Connection is Closed");
/// RFC 6455 §7.1.5 "The WebSocket Connection Close Code".
pub const RFC6455_7_1_5: Cite =
    Cite::new("RFC 6455", "7.1.5", "The WebSocket Connection Close Code");
/// RFC 6455 §7.1.7 "Fail the WebSocket Connection".
pub const RFC6455_7_1_7: Cite = Cite::new("RFC 6455", "7.1.7", "Fail the WebSocket Connection");
/// RFC 6455 §7.4 "Status Codes".
pub const RFC6455_7_4: Cite = Cite::new("RFC 6455", "7.4", "Status Codes");
/// RFC 6455 §7.4.1 "Defined Status Codes".
pub const RFC6455_7_4_1: Cite = Cite::new("RFC 6455", "7.4.1", "Defined Status Codes");
/// RFC 6455 §7.4.2 "Reserved Status Code Ranges".
pub const RFC6455_7_4_2: Cite = Cite::new("RFC 6455", "7.4.2", "Reserved Status Code Ranges");
/// RFC 6455 §8.1 "Handling Errors in UTF-8-Encoded Data".
pub const RFC6455_8_1: Cite = Cite::new("RFC 6455", "8.1", "Handling Errors in UTF-8-Encoded Data");
/// RFC 6455 §9 "Extensions".
pub const RFC6455_9: Cite = Cite::new("RFC 6455", "9", "Extensions");
/// RFC 6455 §10.2 "Origin Considerations".
pub const RFC6455_10_2: Cite = Cite::new("RFC 6455", "10.2", "Origin Considerations");
/// RFC 6455 §10.3 "Attacks On Infrastructure (Masking)".
pub const RFC6455_10_3: Cite = Cite::new("RFC 6455", "10.3", "Attacks On Infrastructure (Masking)");
/// RFC 6455 §10.4 "Implementation-Specific Limits".
pub const RFC6455_10_4: Cite = Cite::new("RFC 6455", "10.4", "Implementation-Specific Limits");
/// RFC 6455 §11.3.4 "Sec-WebSocket-Protocol".
pub const RFC6455_11_3_4: Cite = Cite::new("RFC 6455", "11.3.4", "Sec-WebSocket-Protocol");

// RFC 7692, Compression Extensions for WebSocket.

/// RFC 7692 §5 "Extension Negotiation".
pub const RFC7692_5: Cite = Cite::new("RFC 7692", "5", "Extension Negotiation");
/// RFC 7692 §6 "Framing".
pub const RFC7692_6: Cite = Cite::new("RFC 7692", "6", "Framing");
/// RFC 7692 §7 "The “permessage-deflate” Extension".
pub const RFC7692_7: Cite = Cite::new("RFC 7692", "7", "The “permessage-deflate” Extension");
/// RFC 7692 §7.1 "Extension Parameters".
pub const RFC7692_7_1: Cite = Cite::new("RFC 7692", "7.1", "Extension Parameters");
/// RFC 7692 §7.1.2 "Limiting the LZ77 Sliding Window Size".
pub const RFC7692_7_1_2: Cite =
    Cite::new("RFC 7692", "7.1.2", "Limiting the LZ77 Sliding Window Size");
/// RFC 7692 §7.2.2 "Decompression".
pub const RFC7692_7_2_2: Cite = Cite::new("RFC 7692", "7.2.2", "Decompression");

// RFC 9110, HTTP Semantics.

/// RFC 9110 §5.1 "Field Names".
pub const RFC9110_5_1: Cite = Cite::new("RFC 9110", "5.1", "Field Names");
/// RFC 9110 §5.4 "Field Limits".
pub const RFC9110_5_4: Cite = Cite::new("RFC 9110", "5.4", "Field Limits");
/// RFC 9110 §5.5 "Field Values".
pub const RFC9110_5_5: Cite = Cite::new("RFC 9110", "5.5", "Field Values");
/// RFC 9110 §6.6.1 "Date".
pub const RFC9110_6_6_1: Cite = Cite::new("RFC 9110", "6.6.1", "Date");
/// RFC 9110 §7.2 "Host and :authority".
pub const RFC9110_7_2: Cite = Cite::new("RFC 9110", "7.2", "Host and :authority");
/// RFC 9110 §7.6.1 "Connection".
pub const RFC9110_7_6_1: Cite = Cite::new("RFC 9110", "7.6.1", "Connection");
/// RFC 9110 §7.8 "Upgrade".
pub const RFC9110_7_8: Cite = Cite::new("RFC 9110", "7.8", "Upgrade");
/// RFC 9110 §8.3 "Content-Type".
pub const RFC9110_8_3: Cite = Cite::new("RFC 9110", "8.3", "Content-Type");
/// RFC 9110 §8.4 "Content-Encoding".
pub const RFC9110_8_4: Cite = Cite::new("RFC 9110", "8.4", "Content-Encoding");
/// RFC 9110 §8.6 "Content-Length".
pub const RFC9110_8_6: Cite = Cite::new("RFC 9110", "8.6", "Content-Length");
/// RFC 9110 §8.8.2 "Last-Modified".
pub const RFC9110_8_8_2: Cite = Cite::new("RFC 9110", "8.8.2", "Last-Modified");
/// RFC 9110 §8.8.3 "ETag".
pub const RFC9110_8_8_3: Cite = Cite::new("RFC 9110", "8.8.3", "ETag");
/// RFC 9110 §10.1.1 "Expect".
pub const RFC9110_10_1_1: Cite = Cite::new("RFC 9110", "10.1.1", "Expect");
/// RFC 9110 §10.1.3 "Referer".
pub const RFC9110_10_1_3: Cite = Cite::new("RFC 9110", "10.1.3", "Referer");
/// RFC 9110 §10.1.4 "TE".
pub const RFC9110_10_1_4: Cite = Cite::new("RFC 9110", "10.1.4", "TE");
/// RFC 9110 §10.1.5 "User-Agent".
pub const RFC9110_10_1_5: Cite = Cite::new("RFC 9110", "10.1.5", "User-Agent");
/// RFC 9110 §10.2.1 "Allow".
pub const RFC9110_10_2_1: Cite = Cite::new("RFC 9110", "10.2.1", "Allow");
/// RFC 9110 §10.2.2 "Location".
pub const RFC9110_10_2_2: Cite = Cite::new("RFC 9110", "10.2.2", "Location");
/// RFC 9110 §10.2.3 "Retry-After".
pub const RFC9110_10_2_3: Cite = Cite::new("RFC 9110", "10.2.3", "Retry-After");
/// RFC 9110 §10.2.4 "Server".
pub const RFC9110_10_2_4: Cite = Cite::new("RFC 9110", "10.2.4", "Server");
/// RFC 9110 §11.6.2 "Authorization".
pub const RFC9110_11_6_2: Cite = Cite::new("RFC 9110", "11.6.2", "Authorization");
/// RFC 9110 §12.5.1 "Accept".
pub const RFC9110_12_5_1: Cite = Cite::new("RFC 9110", "12.5.1", "Accept");
/// RFC 9110 §12.5.3 "Accept-Encoding".
pub const RFC9110_12_5_3: Cite = Cite::new("RFC 9110", "12.5.3", "Accept-Encoding");
/// RFC 9110 §12.5.4 "Accept-Language".
pub const RFC9110_12_5_4: Cite = Cite::new("RFC 9110", "12.5.4", "Accept-Language");
/// RFC 9110 §12.5.5 "Vary".
pub const RFC9110_12_5_5: Cite = Cite::new("RFC 9110", "12.5.5", "Vary");
/// RFC 9110 §13.1.2 "If-None-Match".
pub const RFC9110_13_1_2: Cite = Cite::new("RFC 9110", "13.1.2", "If-None-Match");
/// RFC 9110 §13.1.3 "If-Modified-Since".
pub const RFC9110_13_1_3: Cite = Cite::new("RFC 9110", "13.1.3", "If-Modified-Since");
/// RFC 9110 §15 "Status Codes".
pub const RFC9110_15: Cite = Cite::new("RFC 9110", "15", "Status Codes");
/// RFC 9110 §15.2 "Informational 1xx".
pub const RFC9110_15_2: Cite = Cite::new("RFC 9110", "15.2", "Informational 1xx");
/// RFC 9110 §15.2.1 "100 Continue".
pub const RFC9110_15_2_1: Cite = Cite::new("RFC 9110", "15.2.1", "100 Continue");
/// RFC 9110 §15.2.2 "101 Switching Protocols".
pub const RFC9110_15_2_2: Cite = Cite::new("RFC 9110", "15.2.2", "101 Switching Protocols");
/// RFC 9110 §15.3 "Successful 2xx".
pub const RFC9110_15_3: Cite = Cite::new("RFC 9110", "15.3", "Successful 2xx");
/// RFC 9110 §15.3.1 "200 OK".
pub const RFC9110_15_3_1: Cite = Cite::new("RFC 9110", "15.3.1", "200 OK");
/// RFC 9110 §15.3.2 "201 Created".
pub const RFC9110_15_3_2: Cite = Cite::new("RFC 9110", "15.3.2", "201 Created");
/// RFC 9110 §15.3.3 "202 Accepted".
pub const RFC9110_15_3_3: Cite = Cite::new("RFC 9110", "15.3.3", "202 Accepted");
/// RFC 9110 §15.3.5 "204 No Content".
pub const RFC9110_15_3_5: Cite = Cite::new("RFC 9110", "15.3.5", "204 No Content");
/// RFC 9110 §15.3.7 "206 Partial Content".
pub const RFC9110_15_3_7: Cite = Cite::new("RFC 9110", "15.3.7", "206 Partial Content");
/// RFC 9110 §15.4 "Redirection 3xx".
pub const RFC9110_15_4: Cite = Cite::new("RFC 9110", "15.4", "Redirection 3xx");
/// RFC 9110 §15.4.2 "301 Moved Permanently".
pub const RFC9110_15_4_2: Cite = Cite::new("RFC 9110", "15.4.2", "301 Moved Permanently");
/// RFC 9110 §15.4.3 "302 Found".
pub const RFC9110_15_4_3: Cite = Cite::new("RFC 9110", "15.4.3", "302 Found");
/// RFC 9110 §15.4.4 "303 See Other".
pub const RFC9110_15_4_4: Cite = Cite::new("RFC 9110", "15.4.4", "303 See Other");
/// RFC 9110 §15.4.5 "304 Not Modified".
pub const RFC9110_15_4_5: Cite = Cite::new("RFC 9110", "15.4.5", "304 Not Modified");
/// RFC 9110 §15.4.8 "307 Temporary Redirect".
pub const RFC9110_15_4_8: Cite = Cite::new("RFC 9110", "15.4.8", "307 Temporary Redirect");
/// RFC 9110 §15.4.9 "308 Permanent Redirect".
pub const RFC9110_15_4_9: Cite = Cite::new("RFC 9110", "15.4.9", "308 Permanent Redirect");
/// RFC 9110 §15.5 "Client Error 4xx".
pub const RFC9110_15_5: Cite = Cite::new("RFC 9110", "15.5", "Client Error 4xx");
/// RFC 9110 §15.5.1 "400 Bad Request".
pub const RFC9110_15_5_1: Cite = Cite::new("RFC 9110", "15.5.1", "400 Bad Request");
/// RFC 9110 §15.5.2 "401 Unauthorized".
pub const RFC9110_15_5_2: Cite = Cite::new("RFC 9110", "15.5.2", "401 Unauthorized");
/// RFC 9110 §15.5.4 "403 Forbidden".
pub const RFC9110_15_5_4: Cite = Cite::new("RFC 9110", "15.5.4", "403 Forbidden");
/// RFC 9110 §15.5.5 "404 Not Found".
pub const RFC9110_15_5_5: Cite = Cite::new("RFC 9110", "15.5.5", "404 Not Found");
/// RFC 9110 §15.5.6 "405 Method Not Allowed".
pub const RFC9110_15_5_6: Cite = Cite::new("RFC 9110", "15.5.6", "405 Method Not Allowed");
/// RFC 9110 §15.5.9 "408 Request Timeout".
pub const RFC9110_15_5_9: Cite = Cite::new("RFC 9110", "15.5.9", "408 Request Timeout");
/// RFC 9110 §15.5.10 "409 Conflict".
pub const RFC9110_15_5_10: Cite = Cite::new("RFC 9110", "15.5.10", "409 Conflict");
/// RFC 9110 §15.5.12 "411 Length Required".
pub const RFC9110_15_5_12: Cite = Cite::new("RFC 9110", "15.5.12", "411 Length Required");
/// RFC 9110 §15.5.14 "413 Content Too Large".
pub const RFC9110_15_5_14: Cite = Cite::new("RFC 9110", "15.5.14", "413 Content Too Large");
/// RFC 9110 §15.5.15 "414 URI Too Long".
pub const RFC9110_15_5_15: Cite = Cite::new("RFC 9110", "15.5.15", "414 URI Too Long");
/// RFC 9110 §15.5.16 "415 Unsupported Media Type".
pub const RFC9110_15_5_16: Cite = Cite::new("RFC 9110", "15.5.16", "415 Unsupported Media Type");
/// RFC 9110 §15.5.22 "426 Upgrade Required".
pub const RFC9110_15_5_22: Cite = Cite::new("RFC 9110", "15.5.22", "426 Upgrade Required");
/// RFC 9110 §15.6 "Server Error 5xx".
pub const RFC9110_15_6: Cite = Cite::new("RFC 9110", "15.6", "Server Error 5xx");
/// RFC 9110 §15.6.1 "500 Internal Server Error".
pub const RFC9110_15_6_1: Cite = Cite::new("RFC 9110", "15.6.1", "500 Internal Server Error");
/// RFC 9110 §15.6.2 "501 Not Implemented".
pub const RFC9110_15_6_2: Cite = Cite::new("RFC 9110", "15.6.2", "501 Not Implemented");
/// RFC 9110 §15.6.3 "502 Bad Gateway".
pub const RFC9110_15_6_3: Cite = Cite::new("RFC 9110", "15.6.3", "502 Bad Gateway");
/// RFC 9110 §15.6.4 "503 Service Unavailable".
pub const RFC9110_15_6_4: Cite = Cite::new("RFC 9110", "15.6.4", "503 Service Unavailable");
/// RFC 9110 §15.6.5 "504 Gateway Timeout".
pub const RFC9110_15_6_5: Cite = Cite::new("RFC 9110", "15.6.5", "504 Gateway Timeout");
/// RFC 9110 §15.6.6 "505 HTTP Version Not Supported".
pub const RFC9110_15_6_6: Cite = Cite::new("RFC 9110", "15.6.6", "505 HTTP Version Not Supported");

// RFC 9112, HTTP/1.1.

/// RFC 9112 §2.2 "Message Parsing".
pub const RFC9112_2_2: Cite = Cite::new("RFC 9112", "2.2", "Message Parsing");
/// RFC 9112 §2.3 "HTTP Version".
pub const RFC9112_2_3: Cite = Cite::new("RFC 9112", "2.3", "HTTP Version");
/// RFC 9112 §3 "Request Line".
pub const RFC9112_3: Cite = Cite::new("RFC 9112", "3", "Request Line");
/// RFC 9112 §4 "Status Line".
pub const RFC9112_4: Cite = Cite::new("RFC 9112", "4", "Status Line");
/// RFC 9112 §6.1 "Transfer-Encoding".
pub const RFC9112_6_1: Cite = Cite::new("RFC 9112", "6.1", "Transfer-Encoding");
/// RFC 9112 §6.3 "Message Body Length".
pub const RFC9112_6_3: Cite = Cite::new("RFC 9112", "6.3", "Message Body Length");
/// RFC 9112 §7.1 "Chunked Transfer Coding".
pub const RFC9112_7_1: Cite = Cite::new("RFC 9112", "7.1", "Chunked Transfer Coding");
/// RFC 9112 §8 "Handling Incomplete Messages".
pub const RFC9112_8: Cite = Cite::new("RFC 9112", "8", "Handling Incomplete Messages");
/// RFC 9112 §9.3 "Persistence".
pub const RFC9112_9_3: Cite = Cite::new("RFC 9112", "9.3", "Persistence");
/// RFC 9112 §9.6 "Tear-down".
pub const RFC9112_9_6: Cite = Cite::new("RFC 9112", "9.6", "Tear-down");

// RFC 9111, HTTP Caching.

/// RFC 9111 §5.2 "Cache-Control".
pub const RFC9111_5_2: Cite = Cite::new("RFC 9111", "5.2", "Cache-Control");
/// RFC 9111 §5.4 "Pragma".
pub const RFC9111_5_4: Cite = Cite::new("RFC 9111", "5.4", "Pragma");

// RFC 6265, HTTP State Management Mechanism (cookies).

/// RFC 6265 §4.1 "Set-Cookie".
pub const RFC6265_4_1: Cite = Cite::new("RFC 6265", "4.1", "Set-Cookie");
/// RFC 6265 §5.4 "The Cookie Header".
pub const RFC6265_5_4: Cite = Cite::new("RFC 6265", "5.4", "The Cookie Header");

// RFC 6454, The Web Origin Concept.

/// RFC 6454 §7 "The HTTP Origin Header Field".
pub const RFC6454_7: Cite = Cite::new("RFC 6454", "7", "The HTTP Origin Header Field");

// RFC 6585, Additional HTTP Status Codes.

/// RFC 6585 §4 "429 Too Many Requests".
pub const RFC6585_4: Cite = Cite::new("RFC 6585", "4", "429 Too Many Requests");
/// RFC 6585 §5 "431 Request Header Fields Too Large".
pub const RFC6585_5: Cite = Cite::new("RFC 6585", "5", "431 Request Header Fields Too Large");

// RFC 9293, Transmission Control Protocol (TCP).

// RFC 6202, Known Issues and Best Practices for the Use of Long Polling and Streaming.

// WHATWG HTML, WHATWG Fetch, WHATWG WebSockets.

/// WHATWG HTML §9.2 "Server-sent events".
pub const WHATWGHTML_9_2: Cite = Cite::new("WHATWG HTML", "9.2", "Server-sent events");
/// WHATWG HTML §9.2.2 "The `EventSource` interface".
pub const WHATWGHTML_9_2_2: Cite = Cite::new("WHATWG HTML", "9.2.2", "The `EventSource` interface");
/// WHATWG Fetch §5.6 "Fetch method".
pub const WHATWGFETCH_5_6: Cite = Cite::new("WHATWG Fetch", "5.6", "Fetch method");
/// WHATWG HTML §9.2.4 "The `Last-Event-ID` header".
pub const WHATWGHTML_9_2_4: Cite = Cite::new("WHATWG HTML", "9.2.4", "The `Last-Event-ID` header");
/// WHATWG HTML §9.2.6 "Interpreting an event stream".
pub const WHATWGHTML_9_2_6: Cite =
    Cite::new("WHATWG HTML", "9.2.6", "Interpreting an event stream");

// W3C Fetch Metadata Request Headers.

/// W3C Fetch Metadata §2.1 "The Sec-Fetch-Dest HTTP Request Header".
pub const W3CFETCHMETADATA_2_1: Cite = Cite::new(
    "W3C Fetch Metadata",
    "2.1",
    "The Sec-Fetch-Dest HTTP Request Header",
);
/// W3C Fetch Metadata §2.2 "The Sec-Fetch-Mode HTTP Request Header".
pub const W3CFETCHMETADATA_2_2: Cite = Cite::new(
    "W3C Fetch Metadata",
    "2.2",
    "The Sec-Fetch-Mode HTTP Request Header",
);
/// W3C Fetch Metadata §2.3 "The Sec-Fetch-Site HTTP Request Header".
pub const W3CFETCHMETADATA_2_3: Cite = Cite::new(
    "W3C Fetch Metadata",
    "2.3",
    "The Sec-Fetch-Site HTTP Request Header",
);

// Entries added with the missing explanations (TCP, SSE, long polling, headers, status codes,
// permessage-deflate parameters).

/// RFC 6455 §5.5.3 "Pong".
pub const RFC6455_5_5_3: Cite = Cite::new("RFC 6455", "5.5.3", "Pong");
/// RFC 6455 §5.6 "Data Frames".
pub const RFC6455_5_6: Cite = Cite::new("RFC 6455", "5.6", "Data Frames");
/// RFC 7692 §7.1.1.1 "“server_no_context_takeover”" (the title quotes the name).
pub const RFC7692_7_1_1_1: Cite = Cite::new("RFC 7692", "7.1.1.1", "“server_no_context_takeover”");
/// RFC 7692 §7.1.1.2 "“client_no_context_takeover”".
pub const RFC7692_7_1_1_2: Cite = Cite::new("RFC 7692", "7.1.1.2", "“client_no_context_takeover”");
/// RFC 7692 §7.1.2.1 "“server_max_window_bits”".
pub const RFC7692_7_1_2_1: Cite = Cite::new("RFC 7692", "7.1.2.1", "“server_max_window_bits”");
/// RFC 7692 §7.1.2.2 "“client_max_window_bits”".
pub const RFC7692_7_1_2_2: Cite = Cite::new("RFC 7692", "7.1.2.2", "“client_max_window_bits”");
/// RFC 8942 §3.1 "The Accept-CH Response Header Field".
pub const RFC8942_3_1: Cite = Cite::new("RFC 8942", "3.1", "The Accept-CH Response Header Field");
/// RFC 9110 §6.6.2 "Trailer".
pub const RFC9110_6_6_2: Cite = Cite::new("RFC 9110", "6.6.2", "Trailer");
/// RFC 9110 §11.6.1 "WWW-Authenticate".
pub const RFC9110_11_6_1: Cite = Cite::new("RFC 9110", "11.6.1", "WWW-Authenticate");
/// RFC 9110 §14.3 "Accept-Ranges".
pub const RFC9110_14_3: Cite = Cite::new("RFC 9110", "14.3", "Accept-Ranges");
/// RFC 9110 §14.4 "Content-Range".
pub const RFC9110_14_4: Cite = Cite::new("RFC 9110", "14.4", "Content-Range");
/// RFC 9110 §15.5.7 "406 Not Acceptable".
pub const RFC9110_15_5_7: Cite = Cite::new("RFC 9110", "15.5.7", "406 Not Acceptable");
/// RFC 9110 §15.5.11 "410 Gone".
pub const RFC9110_15_5_11: Cite = Cite::new("RFC 9110", "15.5.11", "410 Gone");
/// RFC 9110 §15.5.13 "412 Precondition Failed".
pub const RFC9110_15_5_13: Cite = Cite::new("RFC 9110", "15.5.13", "412 Precondition Failed");
/// RFC 9110 §15.5.17 "416 Range Not Satisfiable".
pub const RFC9110_15_5_17: Cite = Cite::new("RFC 9110", "15.5.17", "416 Range Not Satisfiable");
/// RFC 9110 §15.5.18 "417 Expectation Failed".
pub const RFC9110_15_5_18: Cite = Cite::new("RFC 9110", "15.5.18", "417 Expectation Failed");
/// RFC 9110 §15.5.20 "421 Misdirected Request".
pub const RFC9110_15_5_20: Cite = Cite::new("RFC 9110", "15.5.20", "421 Misdirected Request");
/// RFC 9110 §15.5.21 "422 Unprocessable Content".
pub const RFC9110_15_5_21: Cite = Cite::new("RFC 9110", "15.5.21", "422 Unprocessable Content");
/// RFC 9111 §5.1 "Age".
pub const RFC9111_5_1: Cite = Cite::new("RFC 9111", "5.1", "Age");
/// RFC 9111 §5.3 "Expires".
pub const RFC9111_5_3: Cite = Cite::new("RFC 9111", "5.3", "Expires");
/// RFC 9293 §3.3.2 "State Machine Overview".
pub const RFC9293_3_3_2: Cite = Cite::new("RFC 9293", "3.3.2", "State Machine Overview");
/// RFC 9293 §3.4 "Sequence Numbers".
pub const RFC9293_3_4: Cite = Cite::new("RFC 9293", "3.4", "Sequence Numbers");
/// RFC 9293 §3.4.1 "Initial Sequence Number Selection".
pub const RFC9293_3_4_1: Cite = Cite::new("RFC 9293", "3.4.1", "Initial Sequence Number Selection");
/// RFC 9293 §3.5 "Establishing a Connection".
pub const RFC9293_3_5: Cite = Cite::new("RFC 9293", "3.5", "Establishing a Connection");
/// RFC 9293 §3.5.2 "Reset Generation".
pub const RFC9293_3_5_2: Cite = Cite::new("RFC 9293", "3.5.2", "Reset Generation");
/// RFC 9293 §3.5.3 "Reset Processing".
pub const RFC9293_3_5_3: Cite = Cite::new("RFC 9293", "3.5.3", "Reset Processing");
/// RFC 9293 §3.6 "Closing a Connection".
pub const RFC9293_3_6: Cite = Cite::new("RFC 9293", "3.6", "Closing a Connection");
/// RFC 9293 §3.6.1 "Half-Closed Connections".
pub const RFC9293_3_6_1: Cite = Cite::new("RFC 9293", "3.6.1", "Half-Closed Connections");
/// RFC 9293 §3.8.6 "Managing the Window".
pub const RFC9293_3_8_6: Cite = Cite::new("RFC 9293", "3.8.6", "Managing the Window");
/// RFC 8446 §4.1.2 "Client Hello".
pub const RFC8446_4_1_2: Cite = Cite::new("RFC 8446", "4.1.2", "Client Hello");
/// RFC 8446 §4.1.3 "Server Hello".
pub const RFC8446_4_1_3: Cite = Cite::new("RFC 8446", "4.1.3", "Server Hello");
/// RFC 8446 §4.2.1 "Supported Versions".
pub const RFC8446_4_2_1: Cite = Cite::new("RFC 8446", "4.2.1", "Supported Versions");
/// RFC 8446 §5.1 "Record Layer".
pub const RFC8446_5_1: Cite = Cite::new("RFC 8446", "5.1", "Record Layer");
/// RFC 8446 §5.2 "Record Payload Protection".
pub const RFC8446_5_2: Cite = Cite::new("RFC 8446", "5.2", "Record Payload Protection");
/// RFC 8446 §D.4 "Middlebox Compatibility Mode".
pub const RFC8446_D_4: Cite = Cite::new("RFC 8446", "D.4", "Middlebox Compatibility Mode");
/// RFC 6202 §2 "HTTP Long Polling".
pub const RFC6202_2: Cite = Cite::new("RFC 6202", "2", "HTTP Long Polling");
/// RFC 6202 §3 "HTTP Streaming".
pub const RFC6202_3: Cite = Cite::new("RFC 6202", "3", "HTTP Streaming");
/// WHATWG HTML §9.2.3 "Processing model" (of EventSource: reconnection).
pub const WHATWGHTML_9_2_3: Cite = Cite::new("WHATWG HTML", "9.2.3", "Processing model");
/// WHATWG HTML §9.2.5 "Parsing an event stream".
pub const WHATWGHTML_9_2_5: Cite = Cite::new("WHATWG HTML", "9.2.5", "Parsing an event stream");
/// W3C Fetch Metadata §2.4 "The Sec-Fetch-User HTTP Request Header".
pub const W3CFETCHMETADATA_2_4: Cite = Cite::new(
    "W3C Fetch Metadata",
    "2.4",
    "The Sec-Fetch-User HTTP Request Header",
);
