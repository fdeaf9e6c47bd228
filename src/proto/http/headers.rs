//! Header field lookups: the one place a head's fields are searched.

/// Header fields as sent, in order: the one place they are looked up. Names compare
/// ASCII case-insensitively (RFC 9110 §5.1) and exactly otherwise (a name with whitespace is
/// not a valid name, and httparse never yields one). A view over the `(name, value)` pairs a
/// head and a trace event keep, so the trace's JSON keeps its plain list.
#[derive(Clone, Copy, Debug)]
pub struct Headers<'a> {
    fields: &'a [(String, String)],
}

impl<'a> Headers<'a> {
    /// A view over `fields`.
    pub fn new(fields: &'a [(String, String)]) -> Self {
        Headers { fields }
    }

    /// The value of the first field named `name`.
    pub fn get(self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The comma-separated elements of every field named `name` (RFC 9110 §5.6.1), trimmed,
    /// empty ones dropped, in order.
    pub fn list(self, name: &str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Whether the list of field `name` has the element `token`, ASCII case-insensitively:
    /// `Connection: keep-alive, Upgrade` contains `upgrade`.
    pub fn contains(self, name: &str, token: &str) -> bool {
        self.list(name).any(|t| t.eq_ignore_ascii_case(token))
    }

    /// Whether the (first) `Content-Type` names `media_type`, parameters ignored.
    pub fn has_media_type(self, media_type: &str) -> bool {
        self.get("content-type")
            .is_some_and(|ct| is_media_type(ct, media_type))
    }
}

impl<'a> From<&'a [(String, String)]> for Headers<'a> {
    fn from(fields: &'a [(String, String)]) -> Self {
        Headers::new(fields)
    }
}

impl<'a> From<&'a Vec<(String, String)>> for Headers<'a> {
    fn from(fields: &'a Vec<(String, String)>) -> Self {
        Headers::new(fields)
    }
}

/// Whether a `Content-Type` value names `media_type` (case-insensitive, parameters ignored).
pub fn is_media_type(content_type: &str, media_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(media_type))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;

    #[test]
    fn headers_lookups() {
        let fields: Vec<(String, String)> = [
            ("Connection", "keep-alive, Upgrade"),
            ("content-type", "Text/Event-Stream; charset=utf-8"),
            ("X-List", "a,,  b "),
            ("x-list", "c"),
            ("Content-Type", "text/html"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let h = Headers::new(&fields);
        assert_eq!(h.get("CONNECTION"), Some("keep-alive, Upgrade"));
        assert_eq!(h.get("missing"), None);
        assert!(h.contains("connection", "upgrade"));
        assert!(!h.contains("connection", "close"));
        assert_eq!(h.list("X-List").collect::<Vec<_>>(), ["a", "b", "c"]);
        // The first Content-Type decides, as in the dissector.
        assert!(h.has_media_type("text/event-stream"));
        assert!(!h.has_media_type("text/html"));
        let odd: Vec<(String, String)> = vec![("Content-Type".into(), "text/event-streamx".into())];
        assert!(!Headers::new(&odd).has_media_type("text/event-stream"));
        // Names compare exactly apart from case: whitespace makes another name.
        let spaced: Vec<(String, String)> = vec![(" Upgrade".into(), "websocket".into())];
        assert_eq!(Headers::new(&spaced).get("upgrade"), None);
    }
}
