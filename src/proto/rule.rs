//! Broken protocol rules: every rule is cited once, where it is defined, and the same citation
//! reaches both the human message and a diagnostic's `rule` field. A citation is an entry of
//! the one table, [`crate::proto::cite`].

use crate::lang::Phrase;
use crate::proto::cite::Cite;

/// A broken protocol rule, with its reference, e.g. rule: [`cite::RFC6455_5_5`] (shown as
/// `RFC 6455 §5.5`), message: "control frame payload is 300 bytes; control frames carry at most 125".
///
/// [`cite::RFC6455_5_5`]: crate::proto::cite::RFC6455_5_5
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where the rule is written; a diagnostic's `rule` is its `Display`, e.g. `RFC 6455 §5.5`.
    pub rule: Cite,
    /// What happened and what the rule requires.
    pub message: String,
    /// The same in Chinese, written where the message has values in it; a fixed message's
    /// Chinese is read from its English by `trace::describe::diagnostic_message`.
    pub message_zh: Option<String>,
}

impl Violation {
    /// Builds a violation.
    pub fn new(rule: Cite, message: impl Into<String>) -> Self {
        Violation {
            rule,
            message: message.into(),
            message_zh: None,
        }
    }

    /// The violation with its message in Chinese too.
    pub fn zh(self, message_zh: impl Into<String>) -> Self {
        Violation {
            message_zh: Some(message_zh.into()),
            ..self
        }
    }

    /// The violation an error reports, its message prefixed with `context` (e.g.
    /// "malformed HTTP request head", in both languages): the rule is the error's own
    /// citation.
    pub fn of(context: Phrase, error: &impl BreaksRule) -> Self {
        Violation::new(error.rule(), format!("{}: {error}", context.en)).zh(format!(
            "{}：{}",
            context.zh,
            error.message_zh()
        ))
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

/// An error that breaks exactly one written rule. Its `Display` message cites [`rule`] (the
/// one place the citation is written), so a message and a diagnostic never disagree.
///
/// [`rule`]: BreaksRule::rule
pub trait BreaksRule: std::fmt::Display {
    /// The rule this error breaks.
    fn rule(&self) -> Cite;

    /// The `Display` message in Chinese, with the same citation.
    fn message_zh(&self) -> String;
}
