//! A lesson file's error as a teacher reads it: `file:line:column: field: message`, and the
//! same with the offending line underlined (annotate-snippets, as rustc draws it).

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::format::Problem;
use crate::lang::{Lang, Phrase};

/// One error of a lesson file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.line_in(Lang::En))]
pub struct LessonError {
    /// The file, as the user named it (e.g. `lessons/04-upgrade.toml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The field's path, e.g. `step[3].highlight[0].status` (`""` for the file as a whole).
    pub field: String,
    /// What is wrong, in every language.
    pub message: Phrase,
    /// The text of the line the error is on (without its line break).
    pub source_line: String,
    /// The offending bytes within [`LessonError::source_line`].
    pub span_in_line: Range<usize>,
}

impl LessonError {
    /// The error `problem` of `file`, whose text is `source`.
    pub fn new(file: &str, source: &str, problem: &Problem) -> LessonError {
        let start = floor_char(source, problem.span.start.min(source.len()));
        let before = source.get(..start).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = source
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(source.len(), |i| start + i);
        let line = before.matches('\n').count() + 1;
        let column = source
            .get(line_start..start)
            .map_or(0, |s| s.chars().count())
            + 1;
        let source_line = source
            .get(line_start..line_end)
            .unwrap_or_default()
            .trim_end_matches('\r')
            .to_string();
        // Within the line: a span running past it is cut at its end.
        let end = floor_char(source, problem.span.end.clamp(start, line_end));
        let from = (start - line_start).min(source_line.len());
        let span_in_line = from..(end - line_start).clamp(from, source_line.len());
        LessonError {
            file: file.to_string(),
            line,
            column,
            field: problem.field.clone(),
            message: problem.message.clone(),
            source_line,
            span_in_line,
        }
    }

    /// An error about the file as a whole (it cannot be read, two files share an id…), at
    /// line 1, column 1.
    pub fn about_file(file: &str, field: &str, message: Phrase) -> LessonError {
        LessonError {
            file: file.to_string(),
            line: 1,
            column: 1,
            field: field.to_string(),
            message,
            source_line: String::new(),
            span_in_line: 0..0,
        }
    }

    /// `file:line:column: field: message` in `lang` (without the field when there is none).
    pub fn line_in(&self, lang: Lang) -> String {
        let (file, line, column) = (&self.file, self.line, self.column);
        let message = self.message.get(lang);
        if self.field.is_empty() {
            format!("{file}:{line}:{column}: {message}")
        } else {
            format!("{file}:{line}:{column}: {}: {message}", self.field)
        }
    }

    /// The error with its line, the offending part underlined, in `lang`; plain text.
    pub fn render(&self, lang: Lang) -> String {
        let title = if self.field.is_empty() {
            self.message.get(lang).to_string()
        } else {
            format!("{}: {}", self.field, self.message.get(lang))
        };
        if self.source_line.is_empty() {
            return format!("{}\n", self.line_in(lang));
        }
        // An empty span (a missing key) underlines the character it is at.
        let span = if self.span_in_line.is_empty() {
            let at = self.span_in_line.start;
            let width = self
                .source_line
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(0, char::len_utf8);
            at..at + width
        } else {
            self.span_in_line.clone()
        };
        let level = match lang {
            Lang::En => Level::ERROR,
            Lang::Zh => Level::ERROR.with_name("错误"),
        };
        let report = [level.primary_title(title).element(
            Snippet::source(self.source_line.as_str())
                .line_start(self.line)
                .path(self.file.as_str())
                .annotation(AnnotationKind::Primary.span(span)),
        )];
        Renderer::plain().render(&report)
    }
}

/// The nearest char boundary of `text` at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(source: &str, span: Range<usize>) -> LessonError {
        LessonError::new(
            "f.toml",
            source,
            &Problem::new(span, "x", Phrase::verbatim("m")),
        )
    }

    #[test]
    fn lines_and_columns_count_characters_and_odd_spans_stay_in_the_line() {
        let src = "a = 1\r\ntitle = { en = \"é\", zh = \"中文\" }\r\n";
        let zh = src.find("zh").unwrap();
        let e = at(src, zh..zh + 2);
        assert_eq!(e.line, 2);
        assert_eq!(e.column, "title = { en = \"é\", ".chars().count() + 1);
        assert_eq!(e.source_line, "title = { en = \"é\", zh = \"中文\" }");
        assert_eq!(&e.source_line[e.span_in_line.clone()], "zh");
        assert_eq!(e.to_string(), format!("f.toml:2:{}: x: m", e.column));
        // Past the end, inside a character, across lines, at the line break, on nothing.
        let inside = src.find('中').unwrap() + 1;
        let cr = src.find('\r').unwrap();
        for span in [
            src.len() + 5..src.len() + 9,
            inside..inside + 1,
            0..src.len(),
            cr..cr + 1,
            Range { start: 3, end: 2 },
        ] {
            let e = at(src, span);
            assert!(e.span_in_line.end <= e.source_line.len());
            assert!(e.render(Lang::En).contains("f.toml"));
            assert!(e.render(Lang::Zh).contains("f.toml"));
        }
        assert_eq!(at("", 0..0).line, 1);
        assert!(at("", 0..4).render(Lang::En).contains("f.toml:1:1"));
    }
}
