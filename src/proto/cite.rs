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

// RFC 7692, Compression Extensions for WebSocket.

// RFC 9110, HTTP Semantics.

// RFC 9112, HTTP/1.1.

// RFC 9293, Transmission Control Protocol (TCP).

// RFC 6202, Known Issues and Best Practices for the Use of Long Polling and Streaming.

// WHATWG HTML, WHATWG Fetch, WHATWG WebSockets.

// ---- Entries added with the missing explanations (TCP, SSE, long polling, headers, status
// codes, permessage-deflate parameters). Kept below this line until the two branches merge;
// then sorted into the blocks above. ----

/// RFC 6455 §4.4 "Supporting Multiple Versions of WebSocket Protocol".
pub const RFC6455_4_4: Cite = Cite::new(
    "RFC 6455",
    "4.4",
    "Supporting Multiple Versions of WebSocket Protocol",
);
/// RFC 6455 §5.4 "Fragmentation".
pub const RFC6455_5_4: Cite = Cite::new("RFC 6455", "5.4", "Fragmentation");
/// RFC 6455 §5.5.3 "Pong".
pub const RFC6455_5_5_3: Cite = Cite::new("RFC 6455", "5.5.3", "Pong");
/// RFC 6455 §5.6 "Data Frames".
pub const RFC6455_5_6: Cite = Cite::new("RFC 6455", "5.6", "Data Frames");
/// RFC 6455 §8.1 "Handling Errors in UTF-8-Encoded Data".
pub const RFC6455_8_1: Cite = Cite::new("RFC 6455", "8.1", "Handling Errors in UTF-8-Encoded Data");

/// RFC 7692 §7.1.1.1 "server_no_context_takeover Extension Parameter" (the title quotes the name).
pub const RFC7692_7_1_1_1: Cite = Cite::new(
    "RFC 7692",
    "7.1.1.1",
    "server_no_context_takeover Extension Parameter",
);
/// RFC 7692 §7.1.1.2 "client_no_context_takeover Extension Parameter".
pub const RFC7692_7_1_1_2: Cite = Cite::new(
    "RFC 7692",
    "7.1.1.2",
    "client_no_context_takeover Extension Parameter",
);
/// RFC 7692 §7.1.2.1 "server_max_window_bits Extension Parameter".
pub const RFC7692_7_1_2_1: Cite = Cite::new(
    "RFC 7692",
    "7.1.2.1",
    "server_max_window_bits Extension Parameter",
);
/// RFC 7692 §7.1.2.2 "client_max_window_bits Extension Parameter".
pub const RFC7692_7_1_2_2: Cite = Cite::new(
    "RFC 7692",
    "7.1.2.2",
    "client_max_window_bits Extension Parameter",
);

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

/// RFC 6202 §2 "HTTP Long Polling".
pub const RFC6202_2: Cite = Cite::new("RFC 6202", "2", "HTTP Long Polling");
/// RFC 6202 §3 "HTTP Streaming".
pub const RFC6202_3: Cite = Cite::new("RFC 6202", "3", "HTTP Streaming");

/// WHATWG HTML §9.2.3 "Processing model" (of EventSource: reconnection).
pub const WHATWGHTML_9_2_3: Cite = Cite::new("WHATWG HTML", "9.2.3", "Processing model");
/// WHATWG HTML §9.2.4 "The `Last-Event-ID` header".
pub const WHATWGHTML_9_2_4: Cite = Cite::new("WHATWG HTML", "9.2.4", "The `Last-Event-ID` header");
/// WHATWG HTML §9.2.5 "Parsing an event stream".
pub const WHATWGHTML_9_2_5: Cite = Cite::new("WHATWG HTML", "9.2.5", "Parsing an event stream");
/// WHATWG HTML §9.2.6 "Interpreting an event stream".
pub const WHATWGHTML_9_2_6: Cite =
    Cite::new("WHATWG HTML", "9.2.6", "Interpreting an event stream");

/// W3C Fetch Metadata §2.4 "The Sec-Fetch-User HTTP Request Header".
pub const W3CFETCHMETADATA_2_4: Cite = Cite::new(
    "W3C Fetch Metadata",
    "2.4",
    "The Sec-Fetch-User HTTP Request Header",
);
