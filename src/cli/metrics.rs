//! `wirelab inspect FILE --metrics`: the techniques of a capture side by side, as a table on
//! the terminal and optionally as JSON (`docs/metrics.md`).

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;

use super::table::{LastColumn, write_columns};
use crate::analysis::metrics::{FIELDS, Metrics, metrics};

/// Reads the file, prints its metrics table and writes the JSON to `json` if given.
pub(super) fn inspect_metrics(
    file: &Path,
    json: Option<&Path>,
    lang: crate::lang::Lang,
) -> anyhow::Result<()> {
    // The streams are kept: an empty poll response is told by its body.
    let (trace, _stats) = crate::capture::file::read_file(file, true)?;
    let m = metrics(&trace);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{}: {}", file.display(), connections_line(&m))?;
    write_table(&m, &mut out)?;
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&m).context("serializing the metrics")?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("writing the metrics to {}", path.display()))?;
        super::live::say_written(super::live::wrote::METRICS, path, lang);
    }
    Ok(())
}

/// "3 connections: short-poll 1, sse 2" — which techniques were found.
fn connections_line(m: &Metrics) -> String {
    let parts: Vec<String> = m
        .techniques
        .iter()
        .map(|t| format!("{} {}", t.technique.name(), t.counts.tcp_connections))
        .collect();
    if parts.is_empty() {
        return "no TCP connection".to_string();
    }
    format!("connections opened by technique: {}", parts.join(", "))
}

/// One row per count, one column per technique and the total, then what the row counts.
fn write_table(m: &Metrics, out: &mut dyn Write) -> io::Result<()> {
    let mut header: Vec<String> = vec![String::new()];
    header.extend(m.techniques.iter().map(|t| t.technique.name().to_string()));
    header.push("total".to_string());
    header.push("counts".to_string());
    let mut rows = vec![header];
    for field in &FIELDS {
        let cell = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        let mut row = vec![field.name.to_string()];
        row.extend(m.techniques.iter().map(|t| cell((field.value)(&t.counts))));
        row.push(cell((field.value)(&m.totals)));
        row.push(field.counts.to_string());
        rows.push(row);
    }
    write_columns(&rows, LastColumn::Left, out)?;
    if m.totals.packets.is_none() {
        writeln!(
            out,
            "\n\"-\": not counted (packets and IP bytes are counted only when the trace was read from packets)"
        )?;
    }
    Ok(())
}
