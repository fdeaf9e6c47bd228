//! Tables on the terminal, written once for every command that prints one (`compare`,
//! `inspect --metrics`): aligned columns, the first (the row's name) left-aligned. Widths are
//! terminal columns (a CJK character takes two), so Chinese rows line up too.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr as _;

/// How the last column is aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LastColumn {
    /// Right-aligned, as every column after the first (figures).
    Right,
    /// Left-aligned and not padded (a note on what the row counts).
    Left,
}

/// Writes `rows` as aligned columns: the first left-aligned, the others right-aligned, the
/// last as `last` says; two spaces between columns.
pub(super) fn write_columns(
    rows: &[Vec<String>],
    last: LastColumn,
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            let pad = width.saturating_sub(cell.width());
            if i == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else if i + 1 == columns && last == LastColumn::Left {
                line.push_str("  ");
                line.push_str(cell);
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_a_last_note_stays_left() {
        let rows = vec![
            vec!["".to_string(), "a".to_string(), "note".to_string()],
            vec!["long name".to_string(), "1234".to_string(), "x".to_string()],
        ];
        let mut out = Vec::new();
        write_columns(&rows, LastColumn::Left, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "              a  note\nlong name  1234  x\n"
        );
        let mut out = Vec::new();
        write_columns(&rows, LastColumn::Right, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "              a  note\nlong name  1234     x\n"
        );
        let rows = vec![
            vec!["请求".to_string(), "1".to_string()],
            vec!["ab".to_string(), "22".to_string()],
        ];
        let mut out = Vec::new();
        write_columns(&rows, LastColumn::Right, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "请求   1\nab    22\n");
    }
}
