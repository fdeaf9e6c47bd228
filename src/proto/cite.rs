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
