//! The file loader on its own thread: a long read is previewed as far as it got, then the
//! whole file, which begins with the same events; a quick read has no preview.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod support;

use std::sync::Arc;
use std::time::Duration;

use wirelab::ui::loader::{LoadEvent, Loader};

fn wait(loader: &mut Loader) -> Vec<LoadEvent> {
    let mut events = Vec::new();
    for _ in 0..20_000 {
        match loader.poll() {
            Some(e) => {
                let done = matches!(e, LoadEvent::Done(_));
                events.push(e);
                if done {
                    return events;
                }
            }
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    panic!("the loader never finished");
}

#[test]
fn a_long_read_is_previewed_and_the_result_continues_the_preview() {
    let capture = support::fixtures::repeated_capture(300); // 12 300 packets, 300 connections
    let mut loader =
        Loader::start_with_preview(capture.to_path_buf(), Arc::new(|| {}), Duration::ZERO);
    let events = wait(&mut loader);
    let [LoadEvent::Preview(preview), LoadEvent::Done(Ok(done))] = events.as_slice() else {
        panic!("a preview, then the result: {events:?}");
    };
    let (p, d) = (&preview.trace, &done.trace);
    assert!(!p.events.is_empty() && p.events.len() < d.events.len() / 2);
    assert_eq!(p.events[..], d.events[..p.events.len()]);
    // The same connections; only their packet counts still grow (the last one's).
    let named = |c: &wirelab::trace::Connection| (c.id, c.client.clone(), c.server.clone());
    assert_eq!(
        p.connections.iter().map(named).collect::<Vec<_>>(),
        d.connections[..p.connections.len()]
            .iter()
            .map(named)
            .collect::<Vec<_>>()
    );
    assert_eq!(d.connections.len(), 300);
    assert!(preview.prepared.is_some() && done.prepared.is_some());
    assert!(loader.poll().is_none());
}

#[test]
fn a_quick_read_has_no_preview() {
    let capture = support::fixtures::repeated_capture(1);
    let mut loader = Loader::start(capture.to_path_buf(), Arc::new(|| {}));
    let events = wait(&mut loader);
    assert!(
        matches!(events.as_slice(), [LoadEvent::Done(Ok(_))]),
        "{events:?}"
    );
}
