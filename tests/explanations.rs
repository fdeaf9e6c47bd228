//! The explanations a student expects exist (issue 13): a note for every TCP event kind, every
//! server-sent event and event-stream response, a held request and a streamed body, and an
//! explanation for every header seen in the shared fixtures and tests/data/pcap.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wirelab::capture::file::read_file;
use wirelab::proto::http::explain_header;
use wirelab::trace::describe::{note, note_in};
use wirelab::trace::{EventKind, Trace};

/// Every capture of the shared fixtures and of tests/data/pcap.
fn captures() -> Vec<PathBuf> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pcap");
    let mut files: Vec<PathBuf> = [shared, ours]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    files
}

fn traces() -> Vec<(PathBuf, Trace)> {
    let files = captures();
    assert!(!files.is_empty(), "no captures found");
    files
        .into_iter()
        .map(|p| {
            let trace = read_file(&p, false)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                .0;
            (p, trace)
        })
        .collect()
}

#[test]
fn every_header_in_the_fixtures_is_explained() {
    let mut names = BTreeSet::new();
    for (_, trace) in traces() {
        for e in &trace.events {
            if let EventKind::HttpRequest { headers, .. }
            | EventKind::HttpResponse { headers, .. } = &e.kind
            {
                names.extend(headers.iter().map(|(n, _)| n.to_ascii_lowercase()));
            }
        }
    }
    assert!(
        names.contains("sec-ch-ua"),
        "the Chromium capture is among them: {names:?}"
    );
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| explain_header(n).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "headers without an explanation: {missing:?}"
    );
}

#[test]
fn every_tcp_event_sse_event_and_event_stream_has_a_note() {
    let mut kinds = BTreeSet::new();
    for (path, trace) in traces() {
        for e in &trace.events {
            let needs = match &e.kind {
                EventKind::TcpSyn(_)
                | EventKind::TcpSynAck(_)
                | EventKind::TcpAck(_)
                | EventKind::TcpFin(_)
                | EventKind::TcpRst(_)
                | EventKind::SseEvent { .. } => true,
                EventKind::HttpResponse { headers, .. } => headers.iter().any(|(n, v)| {
                    n.eq_ignore_ascii_case("content-type") && v.starts_with("text/event-stream")
                }),
                _ => false,
            };
            if needs {
                kinds.insert(e.kind.name());
                let n = note(e, wirelab::lang::Lang::En).unwrap_or_default();
                assert!(
                    !n.is_empty(),
                    "{}: no note for {:?}",
                    path.display(),
                    e.kind
                );
                assert!(
                    n.contains("RFC 9293 §") || n.contains("WHATWG HTML §"),
                    "{n}"
                );
            }
        }
    }
    for kind in [
        "tcp_syn",
        "tcp_syn_ack",
        "tcp_ack",
        "tcp_fin",
        "tcp_rst",
        "sse_event",
        "http_response",
    ] {
        assert!(kinds.contains(kind), "no {kind} in the fixtures: {kinds:?}");
    }
}

#[test]
fn long_polling_and_streaming_are_noted_where_the_fixtures_show_them() {
    let find = |name: &str| {
        traces()
            .into_iter()
            .find(|(p, _)| p.file_name().is_some_and(|f| f == name))
            .map(|(_, t)| t)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let notes = |trace: &Trace| -> Vec<String> {
        (0..trace.events.len())
            .filter_map(|i| {
                note_in(
                    &trace.events[..i],
                    &trace.events[i],
                    wirelab::lang::Lang::En,
                )
            })
            .collect()
    };
    let long = notes(&find("http_long_poll.pcap"));
    assert_eq!(
        long.iter().filter(|n| n.contains("RFC 6202 §2")).count(),
        6,
        "{long:#?}"
    );
    let short = notes(&find("http_short_poll.pcap"));
    assert!(
        !short.iter().any(|n| n.contains("RFC 6202 §2")),
        "{short:#?}"
    );
    let sse = notes(&find("http_sse.pcap"));
    assert!(
        sse.iter().any(|n| n.contains("This body kept coming")),
        "{sse:#?}"
    );
}

#[test]
fn print_notes_of_the_fixtures() {
    // Not an assertion: `cargo test --test explanations -- --nocapture print` shows them.
    for (path, trace) in traces() {
        if !path
            .to_string_lossy()
            .contains(std::env::var("NOTES_OF").as_deref().unwrap_or("http_"))
        {
            continue;
        }
        for i in 0..trace.events.len() {
            if let Some(n) = note_in(
                &trace.events[..i],
                &trace.events[i],
                wirelab::lang::Lang::En,
            ) {
                println!("{}: {}: {n}", path.display(), trace.events[i].kind.name());
            }
        }
    }
}

#[test]
fn socket_tap_events_have_notes_labelled_observed_at_the_socket() {
    use wirelab::trace::{Event, Observed, Side};
    for kind in [
        EventKind::TcpConnect {
            observed: Observed::Socket,
        },
        EventKind::TcpAccept {
            observed: Observed::Socket,
        },
        EventKind::TcpClose {
            observed: Observed::Socket,
            initiator: Some(Side::Client),
        },
        EventKind::TcpClose {
            observed: Observed::Socket,
            initiator: Some(Side::Server),
        },
    ] {
        let event = Event {
            t_us: 0,
            conn: Some(0),
            dir: None,
            span: None,
            kind,
        };
        let n = note(&event, wirelab::lang::Lang::En).unwrap_or_default();
        assert!(n.starts_with("Observed at the socket"), "{n}");
        assert!(n.contains("RFC 9293 §3."), "{n}");
    }
}
