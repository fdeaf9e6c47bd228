//! The languages the app speaks, and a text written in each of them.
//!
//! Every text a user reads exists in English and in Simplified Chinese. A [`Text`] holds both,
//! so the compiler refuses a text that is missing one; a text with values in it is a function
//! that matches on [`Lang`] and writes each language's whole sentence (never English fragments
//! glued together), because word order and plurals differ. Protocol tokens (`Sec-WebSocket-Key`,
//! `FIN`, `opcode`) stay as they are on the wire in both.

use std::fmt;

/// A language of the user interface and of every explanation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The code used on the command line and in files: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language's name in itself, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// Parses a code: `en` or `zh` (also `zh-CN`, `zh_CN`, `en-US`…), case-insensitive.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The language a POSIX locale asks for, read the way `setlocale` does: the first set of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` (the caller passes their values; `C`/`POSIX` and
    /// unknown languages give English).
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|value| !value.is_empty())
            .and_then(Lang::from_code)
            .unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One text in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// A text with values in it, written in every language when it is made (a status line, an
/// error, a stage caption): kept until shown, it is shown in the language of that moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phrase {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

impl Phrase {
    /// A phrase from its two languages.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Phrase {
        Phrase {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// A text that is the same in every language: one that is not ours to translate (the
    /// operating system's or libpcap's own words, a path).
    pub fn verbatim(text: impl Into<String>) -> Phrase {
        let text = text.into();
        Phrase {
            en: text.clone(),
            zh: text,
        }
    }

    /// The phrase in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

impl From<Text> for Phrase {
    fn from(text: Text) -> Phrase {
        Phrase::new(text.en, text.zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_locales() {
        assert_eq!(Lang::from_code("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("EN-us"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_locale(None, None, Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(
            Lang::from_locale(Some("C"), None, Some("zh_CN.UTF-8")),
            Lang::En
        );
        assert_eq!(Lang::from_locale(Some(""), None, Some("zh_TW")), Lang::Zh);
        assert_eq!(Lang::from_locale(None, None, None), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }

    #[test]
    fn a_text_in_each_language() {
        let text = Text {
            en: "handshake",
            zh: "握手",
        };
        assert_eq!(text.get(Lang::En), "handshake");
        assert_eq!(text.get(Lang::Zh), "握手");
    }
}
