//! Explanations of header fields and status codes seen in real captures that the first table
//! lacked (issue 13), each with its citations from [`cite`]. Looked up by `explain.rs` after
//! its own table; kept in their own file while that table is converted to the citation table,
//! to be folded into it afterwards.

use crate::proto::cite::{self, Cite};

/// One explanation: what it says and the sections that say so (none for documents without
/// numbered sections in the table).
struct Explanation<K: 'static> {
    key: K,
    text: &'static str,
    cites: &'static [Cite],
}

const HEADERS: &[Explanation<&str>] = &[
    Explanation {
        key: "sec-ch-ua",
        text: "User-Agent Client Hints: the browser's brands with their significant versions, as \
               a Structured Fields list, e.g. \"Chromium\";v=\"120\"; a made-up brand (GREASE) is \
               mixed in so that servers do not depend on the exact list. Chromium-based browsers \
               send it with Sec-CH-UA-Mobile and Sec-CH-UA-Platform by default to secure origins \
               (https, localhost); a server asks for more hints with Accept-CH (WICG User-Agent \
               Client Hints)",
        cites: &[cite::RFC8942_3_1],
    },
    Explanation {
        key: "sec-ch-ua-mobile",
        text: "User-Agent Client Hints: ?1 if the browser prefers a mobile user experience, ?0 if \
               not (a Structured Fields boolean); sent by default by Chromium-based browsers \
               (WICG User-Agent Client Hints)",
        cites: &[],
    },
    Explanation {
        key: "sec-ch-ua-platform",
        text: "User-Agent Client Hints: the platform the browser runs on, e.g. \"Linux\", \
               \"Windows\", \"macOS\"; sent by default by Chromium-based browsers (WICG \
               User-Agent Client Hints)",
        cites: &[],
    },
    Explanation {
        key: "upgrade-insecure-requests",
        text: "1: the browser prefers an encrypted and authenticated response, and would follow \
               a redirect to https; browsers send it on navigations (W3C Upgrade Insecure \
               Requests)",
        cites: &[],
    },
    Explanation {
        key: "sec-fetch-user",
        text: "Fetch metadata: ?1 when the user activated this navigation (a click, a key press); \
               otherwise the header is left out, it is never ?0",
        cites: &[cite::W3CFETCHMETADATA_2_4],
    },
    Explanation {
        key: "www-authenticate",
        text: "The authentication challenge(s) the resource accepts, e.g. Basic realm=\"lab\"; a \
               401 response must carry at least one, and the client retries with an \
               Authorization header",
        cites: &[cite::RFC9110_11_6_1],
    },
    Explanation {
        key: "trailer",
        text: "Names the fields the sender means to send after the body, in the trailer section \
               (in HTTP/1.1 after the last chunk of a chunked body), e.g. a checksum computed \
               while sending",
        cites: &[cite::RFC9110_6_6_2],
    },
    Explanation {
        key: "content-range",
        text: "Which part of the whole representation this body is, e.g. bytes 0-499/1234 in a \
               206; in a 416, bytes */1234 gives the current length",
        cites: &[cite::RFC9110_14_4],
    },
    Explanation {
        key: "accept-ranges",
        text: "Range units the server supports for this resource: bytes means a client may ask \
               for part of it with a Range header, none advises it not to",
        cites: &[cite::RFC9110_14_3],
    },
    Explanation {
        key: "expires",
        text: "The date after which the response is stale; a Cache-Control max-age overrides it, \
               and an invalid date such as 0 means already expired",
        cites: &[cite::RFC9111_5_3],
    },
    Explanation {
        key: "age",
        text: "Seconds since the origin server generated or validated this response, as the \
               cache that sent it estimates; its presence means the response came from a cache",
        cites: &[cite::RFC9111_5_1],
    },
];

const STATUSES: &[Explanation<u16>] = &[
    Explanation {
        key: 406,
        text: "Not Acceptable: no representation of the resource matches what the request's \
               Accept headers allow, and the server will not send a default",
        cites: &[cite::RFC9110_15_5_7],
    },
    Explanation {
        key: 410,
        text: "Gone: the resource is no longer available here, likely for good (unlike 404)",
        cites: &[cite::RFC9110_15_5_11],
    },
    Explanation {
        key: 412,
        text: "Precondition Failed: a condition in the request's headers (If-Match, \
               If-Unmodified-Since) was false, so the method was not applied",
        cites: &[cite::RFC9110_15_5_13],
    },
    Explanation {
        key: 416,
        text: "Range Not Satisfiable: none of the requested ranges can be served (or too many \
               small or overlapping ones were asked for); Content-Range: bytes */length should \
               give the current length",
        cites: &[cite::RFC9110_15_5_17],
    },
    Explanation {
        key: 417,
        text: "Expectation Failed: the request's Expect header (e.g. 100-continue) could not be \
               met by a server on the way",
        cites: &[cite::RFC9110_15_5_18],
    },
    Explanation {
        key: 421,
        text: "Misdirected Request: this server cannot answer for the request's scheme and host, \
               e.g. a reused connection reached a server not set up for that host; the client \
               may retry on another connection",
        cites: &[cite::RFC9110_15_5_20],
    },
    Explanation {
        key: 422,
        text: "Unprocessable Content: the content's type and syntax are fine, but the server \
               cannot process the instructions in it",
        cites: &[cite::RFC9110_15_5_21],
    },
];

/// The table's entry as the explanation `explain.rs` hands out.
fn shown<K>(e: &'static Explanation<K>) -> super::explain::Explanation {
    super::explain::Explanation {
        text: e.text,
        cites: e.cites,
    }
}

/// The explanation of a header field in this table (case-insensitive), if any.
pub(super) fn explain_header(name: &str) -> Option<super::explain::Explanation> {
    HEADERS
        .iter()
        .find(|e| e.key.eq_ignore_ascii_case(name))
        .map(shown)
}

/// The meaning of a status code in this table (`explain.rs` asks only for the codes it
/// routes here, which a test checks); a code not in it gets the generic client-error text.
pub(super) fn status_meaning(status: u16) -> super::explain::Explanation {
    STATUSES.iter().find(|e| e.key == status).map_or(
        super::explain::Explanation {
            text: "Client error: the request is wrong or not allowed",
            cites: &[cite::RFC9110_15_5],
        },
        shown,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
mod tests {
    use super::*;

    #[test]
    fn the_added_codes_and_headers_have_texts_with_their_sections() {
        for code in [406, 410, 412, 416, 417, 421, 422] {
            let text = crate::proto::http::status_meaning(code).to_string();
            assert!(text.contains("RFC 9110 §15.5."), "{code}: {text}");
        }
        let www = crate::proto::http::explain_header("WWW-Authenticate")
            .unwrap()
            .to_string();
        assert!(www.contains("401") && www.ends_with("(RFC 9110 §11.6.1)"));
        assert!(
            explain_header("sec-ch-ua")
                .unwrap()
                .to_string()
                .contains("RFC 8942 §3.1")
        );
        assert!(explain_header("Upgrade-Insecure-Requests").is_some());
    }
}
