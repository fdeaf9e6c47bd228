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
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let source_line = source[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let end = floor_char(source, problem.span.end.clamp(start, line_end));
        let span_in_line = (start - line_start)..(end - line_start).min(source_line.len());
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
        // An empty span (a missing key) underlines the line's first character.
        let span = if self.span_in_line.is_empty() {
            let first = self.source_line.chars().next().map_or(0, char::len_utf8);
            self.span_in_line.start..(self.span_in_line.start + first).min(self.source_line.len())
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
