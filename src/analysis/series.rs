//! Series over time for the Compare view's plots, per technique: cumulative bytes on the wire,
//! cumulative HTTP requests, and the spread of delivery latencies. Pure functions of a
//! [`Trace`] (and of latencies already measured from it), so a plot shows only what the trace
//! holds.
//!
//! Bytes are counted as [`super::metrics`] counts `wire_bytes`: per connection and direction,
//! the furthest stream offset an event reached by its time, so the last point of a technique's
//! byte series equals its `wire_bytes` (less any bytes no event covered).

use std::collections::HashMap;

use super::metrics::Technique;
use crate::trace::{EventKind, Trace};

/// One technique's series: points `[x, y]`, x in milliseconds since the trace began.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Whose series.
    pub technique: Technique,
    /// Points in time order; a count's steps are drawn as two points at the same x (the
    /// value before and after), so a line through them is a staircase.
    pub points: Vec<[f64; 2]>,
}

impl Series {
    /// The last value (0 for an empty series).
    pub fn last_value(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p[1])
    }
}

/// Microseconds to the plots' milliseconds.
fn ms(t_us: i64) -> f64 {
    t_us as f64 / 1000.0
}

/// The time of the trace's last event (µs), where every series ends.
fn end_us(trace: &Trace) -> i64 {
    trace.events.iter().map(|e| e.t_us).max().unwrap_or(0)
}

/// A staircase per technique from `(t_us, conn, increment)` steps, for the techniques of
/// `techniques` (connection id → technique), in [`Technique::ALL`] order; every series starts
/// at 0 at time 0 and ends at the trace's last event.
fn staircases(
    trace: &Trace,
    techniques: &[(u32, Technique)],
    steps: impl Iterator<Item = (i64, u32, f64)>,
) -> Vec<Series> {
    let of: HashMap<u32, Technique> = techniques.iter().copied().collect();
    let mut out: Vec<Series> = Technique::ALL
        .into_iter()
        .filter(|t| of.values().any(|v| v == t))
        .map(|technique| Series {
            technique,
            points: vec![[0.0, 0.0]],
        })
        .collect();
    for (t_us, conn, step) in steps {
        let Some(technique) = of.get(&conn) else {
            continue;
        };
        let Some(series) = out.iter_mut().find(|s| s.technique == *technique) else {
            continue;
        };
        if step <= 0.0 {
            continue;
        }
        let before = series.last_value();
        let x = ms(t_us.max(0));
        series.points.push([x, before]);
        series.points.push([x, before + step]);
    }
    let end = ms(end_us(trace).max(0));
    for series in &mut out {
        let last = series.last_value();
        series.points.push([end, last]);
    }
    out
}

/// Cumulative TCP payload bytes (both directions) per technique over time.
pub fn cumulative_bytes(trace: &Trace, techniques: &[(u32, Technique)]) -> Vec<Series> {
    // The furthest offset seen per connection and direction: events may cover the same
    // bytes (a message and its frames), so only progress past that offset counts.
    let mut reached: HashMap<(u32, usize), u64> = HashMap::new();
    let steps = trace.events.iter().filter_map(|e| {
        let (conn, dir, span) = (e.conn?, e.dir?, e.span?);
        let seen = reached.entry((conn, dir.index())).or_default();
        let grown = span.end().saturating_sub(*seen);
        *seen = (*seen).max(span.end());
        (grown > 0).then_some((e.t_us, conn, grown as f64))
    });
    let steps: Vec<_> = steps.collect();
    staircases(trace, techniques, steps.into_iter())
}

/// TCP payload bytes of `conns` per direction, `[client → server, server → client]`: the
/// furthest stream offset any event reached (as [`cumulative_bytes`] counts them).
pub fn bytes_by_direction(trace: &Trace, conns: &[u32]) -> [u64; 2] {
    let mut reached: HashMap<(u32, usize), u64> = HashMap::new();
    for e in &trace.events {
        if let (Some(conn), Some(dir), Some(span)) = (e.conn, e.dir, e.span)
            && conns.contains(&conn)
        {
            let seen = reached.entry((conn, dir.index())).or_default();
            *seen = (*seen).max(span.end());
        }
    }
    let mut out = [0; 2];
    for ((_, dir), bytes) in reached {
        if let Some(total) = out.get_mut(dir) {
            *total += bytes;
        }
    }
    out
}

/// Cumulative HTTP requests per technique over time.
pub fn cumulative_requests(trace: &Trace, techniques: &[(u32, Technique)]) -> Vec<Series> {
    let steps = trace.events.iter().filter_map(|e| match e.kind {
        EventKind::HttpRequest { .. } => Some((e.t_us, e.conn?, 1.0)),
        _ => None,
    });
    staircases(trace, techniques, steps)
}

/// The spread of a set of latencies, in milliseconds: what a box plot draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// The smallest.
    pub min: f64,
    /// The first quartile.
    pub q1: f64,
    /// The median.
    pub median: f64,
    /// The third quartile.
    pub q3: f64,
    /// The largest.
    pub max: f64,
    /// How many latencies.
    pub count: usize,
}

/// The spread of `latencies_us` (`None` when there are none). Quartiles interpolate linearly
/// between the two nearest ranks.
pub fn spread(latencies_us: &[i64]) -> Option<Spread> {
    let mut sorted: Vec<f64> = latencies_us.iter().map(|&l| ms(l)).collect();
    sorted.sort_by(f64::total_cmp);
    let (first, last) = (sorted.first()?, sorted.last()?);
    let quantile = |q: f64| {
        let rank = q * (sorted.len() - 1) as f64;
        let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
        let (a, b) = (
            sorted.get(lo).copied().unwrap_or(*first),
            sorted.get(hi).copied().unwrap_or(*last),
        );
        a + (b - a) * (rank - rank.floor())
    };
    Some(Spread {
        min: *first,
        q1: quantile(0.25),
        median: quantile(0.5),
        q3: quantile(0.75),
        max: *last,
        count: sorted.len(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail
mod tests {
    use super::*;
    use crate::trace::{Connection, Dir, Event, Observed, Source, StreamSpan};

    fn conn(id: u32) -> Connection {
        Connection {
            id,
            client: format!("127.0.0.1:{}", 40000 + id),
            server: "127.0.0.1:8080".into(),
            label: None,
            packets: None,
        }
    }

    fn request(t_us: i64, conn: u32, offset: u64, len: u64) -> Event {
        Event {
            t_us,
            conn: Some(conn),
            dir: Some(Dir::C2s),
            span: Some(StreamSpan { offset, len }),
            kind: EventKind::HttpRequest {
                method: "GET".into(),
                target: "/poll".into(),
                version: "HTTP/1.1".into(),
                headers: vec![],
                head_len: len,
                body_len: 0,
                chunked_overhead: None,
            },
        }
    }

    fn frame_bytes(t_us: i64, conn: u32, offset: u64, len: u64) -> Event {
        Event {
            t_us,
            conn: Some(conn),
            dir: Some(Dir::S2c),
            span: Some(StreamSpan { offset, len }),
            kind: EventKind::TcpClose {
                observed: Observed::Socket,
                initiator: None,
            },
        }
    }

    fn trace(events: Vec<Event>) -> Trace {
        let mut trace = Trace::new(Source::default(), chrono::Utc::now());
        trace.connections = vec![conn(1), conn(2)];
        trace.events = events;
        trace
    }

    const TECHNIQUES: [(u32, Technique); 2] =
        [(1, Technique::ShortPoll), (2, Technique::WebSocket)];

    #[test]
    fn requests_count_up_per_technique_as_a_staircase() {
        let t = trace(vec![
            request(1_000, 1, 0, 40),
            request(2_000, 2, 0, 200),
            request(3_000, 1, 40, 40),
            frame_bytes(9_000, 2, 0, 10),
        ]);
        let series = cumulative_requests(&t, &TECHNIQUES);
        assert_eq!(series.len(), 2);
        let poll = &series[0];
        assert_eq!(poll.technique, Technique::ShortPoll);
        assert_eq!(
            poll.points,
            vec![
                [0.0, 0.0],
                [1.0, 0.0],
                [1.0, 1.0],
                [3.0, 1.0],
                [3.0, 2.0],
                [9.0, 2.0]
            ]
        );
        assert_eq!(series[1].technique, Technique::WebSocket);
        assert_eq!(series[1].last_value(), 1.0);
    }

    #[test]
    fn bytes_count_each_stream_offset_once() {
        let t = trace(vec![
            request(1_000, 1, 0, 40),
            // Covers bytes already counted (a message after its frame), then 5 new ones.
            request(1_500, 1, 0, 45),
            frame_bytes(2_000, 2, 0, 10),
            frame_bytes(2_500, 2, 4, 2),
        ]);
        let series = cumulative_bytes(&t, &TECHNIQUES);
        assert_eq!(bytes_by_direction(&t, &[1]), [45, 0]);
        assert_eq!(bytes_by_direction(&t, &[1, 2]), [45, 10]);
        assert_eq!(series[0].last_value(), 45.0);
        assert_eq!(series[1].last_value(), 10.0);
        // Never decreasing, and in time order.
        for s in &series {
            for w in s.points.windows(2) {
                assert!(w[0][0] <= w[1][0] && w[0][1] <= w[1][1], "{:?}", s.points);
            }
        }
    }

    #[test]
    fn connections_of_no_listed_technique_are_left_out() {
        let t = trace(vec![request(1_000, 1, 0, 40), request(1_000, 7, 0, 40)]);
        let series = cumulative_requests(&t, &TECHNIQUES[..1]);
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].last_value(), 1.0);
    }

    #[test]
    fn the_spread_of_latencies() {
        assert_eq!(spread(&[]), None);
        let s = spread(&[4_000, 1_000, 3_000, 2_000, 5_000]).unwrap();
        assert_eq!(
            (s.min, s.q1, s.median, s.q3, s.max, s.count),
            (1.0, 2.0, 3.0, 4.0, 5.0, 5)
        );
        let two = spread(&[1_000, 2_000]).unwrap();
        assert_eq!((two.median, two.q1, two.q3), (1.5, 1.25, 1.75));
        let one = spread(&[7_000]).unwrap();
        assert_eq!((one.min, one.median, one.max), (7.0, 7.0, 7.0));
    }
}
