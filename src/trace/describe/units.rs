//! Numbers as the views show them: counts, byte sizes and durations, short. Pure.

/// A count, short: `812`, `33.6k`, `336k`, `2.7M`.
pub fn format_count(n: u64) -> String {
    if n < 10_000 {
        n.to_string()
    } else if n < 100_000 {
        format!("{:.1}k", n as f64 / 1e3)
    } else if n < 1_000_000 {
        format!("{}k", n / 1000)
    } else {
        format!("{:.1}M", n as f64 / 1e6)
    }
}

/// A byte count, short: `812 B`, `4.2 kB`, `17.0 MB`.
pub fn format_bytes(n: u64) -> String {
    if n < 1000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else if n < 1_000_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{:.2} GB", n as f64 / 1e9)
    }
}

/// Formats an idle duration for a gap marker, e.g. `"1.2 s"` or `"850 ms"`.
pub fn format_duration_us(us: i64) -> String {
    let us = us.max(0);
    if us >= 60_000_000 {
        format!("{:.1} min", us as f64 / 60_000_000.0)
    } else if us >= 1_000_000 {
        format!("{:.1} s", us as f64 / 1_000_000.0)
    } else if us >= 1_000 {
        format!("{} ms", us / 1_000)
    } else {
        format!("{us} µs")
    }
}

/// A timestamp (microseconds since the trace began) in the unit its magnitude calls for:
/// `850 µs`, `12.345 ms`, `1.234 s`, `427.688 s`. Rows of a long capture stay short enough
/// for the diagram's time column, and a short exchange keeps its sub-millisecond detail.
pub fn format_time_us(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let abs = us.unsigned_abs();
    if abs < 1_000 {
        format!("{sign}{abs} µs")
    } else if abs < 1_000_000 {
        format!("{sign}{:.3} ms", abs as f64 / 1e3)
    } else if abs < 1_000_000_000 {
        // Milliseconds stay visible: packets a few ms apart must not print the same time.
        format!("{sign}{:.3} s", abs as f64 / 1e6)
    } else {
        format!("{sign}{:.1} s", abs as f64 / 1e6)
    }
}

/// `n` and its noun, singular for one: `1 connection`, `2 connections`, `0 events`.
pub fn counted(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(format_bytes(812), "812 B");
        assert_eq!(format_bytes(4_200), "4.2 kB");
        assert_eq!(format_bytes(17_000_000), "17.0 MB");
        assert_eq!(format_count(812), "812");
        assert_eq!(format_count(33_600), "33.6k");
        assert_eq!(format_count(336_164), "336k");
        assert_eq!(format_count(2_700_000), "2.7M");
    }

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(format_duration_us(3_000_000), "3.0 s");
        assert_eq!(format_duration_us(850_000), "850 ms");
        assert_eq!(format_duration_us(-5), "0 µs");
        assert_eq!(format_duration_us(90_000_000), "1.5 min");
    }

    #[test]
    fn timestamps_pick_their_unit_by_magnitude() {
        assert_eq!(format_time_us(0), "0 µs");
        assert_eq!(format_time_us(850), "850 µs");
        assert_eq!(format_time_us(12_345), "12.345 ms");
        assert_eq!(format_time_us(999_999), "999.999 ms");
        assert_eq!(format_time_us(1_234_567), "1.235 s");
        assert_eq!(format_time_us(42_768_773), "42.769 s");
        assert_eq!(format_time_us(427_687_739), "427.688 s");
        assert_eq!(format_time_us(4_276_877_390), "4276.9 s");
        assert_eq!(format_time_us(-1_500), "-1.500 ms");
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(counted(1, "connection", "connections"), "1 connection");
        assert_eq!(counted(0, "connection", "connections"), "0 connections");
        assert_eq!(counted(2, "event", "events"), "2 events");
    }
}
