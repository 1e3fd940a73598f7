//! Text bound for stdout and stderr, as a type: [`Shown`] holds no control
//! character but the colour codes [`crate::style::paint`] adds. Untrusted
//! text (claims, names, file names, expressions, config values, token
//! fields, messages quoting them) becomes a `Shown` only through
//! [`rolemap_escape::escape`], before anything colours it; the
//! writers [`crate::out`] and [`crate::err`] take nothing else.

use rolemap_escape as controls;

/// Text safe to write to a terminal: every control character of what it was
/// made from is shown as an escape (`\u{1b}`); the only escape sequences in
/// it are the colours this tool adds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown(String);

impl Shown {
    /// Empty text.
    pub fn new() -> Shown {
        Shown(String::new())
    }

    /// Appends `piece` (plain text is escaped on the way in).
    pub fn push(&mut self, piece: impl Into<Shown>) {
        self.0.push_str(&piece.into().0);
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Text shown on one line (a table cell, a name in a list): newlines
    /// and tabs are escaped too.
    pub fn line(text: &str) -> Shown {
        Shown(controls::escape_line(text).into_owned())
    }

    /// JSON text for `--output json`: the same JSON, with DEL, C1 and bidi
    /// controls (which serde_json writes raw) as `\uXXXX` escapes.
    pub fn json(text: &str) -> Shown {
        Shown(controls::escape_json(text).into_owned())
    }

    /// [`Shown::json`] of text already owned: kept as it is when it holds
    /// no control character to escape.
    pub fn json_owned(text: String) -> Shown {
        match controls::escape_json(&text) {
            std::borrow::Cow::Borrowed(_) => Shown(text),
            std::borrow::Cow::Owned(escaped) => Shown(escaped),
        }
    }

    /// Text whose every piece was escaped or is this tool's own colour code
    /// (the colouring in [`crate::style`], miette drawing escaped diagnostics).
    pub(crate) fn already_escaped(text: String) -> Shown {
        Shown(text)
    }
}

impl From<&str> for Shown {
    fn from(text: &str) -> Shown {
        Shown(controls::escape(text).into_owned())
    }
}

impl From<String> for Shown {
    fn from(text: String) -> Shown {
        match controls::escape(&text) {
            std::borrow::Cow::Borrowed(_) => Shown(text),
            std::borrow::Cow::Owned(escaped) => Shown(escaped),
        }
    }
}

impl From<&String> for Shown {
    fn from(text: &String) -> Shown {
        Shown::from(text.as_str())
    }
}

impl From<&Shown> for Shown {
    fn from(text: &Shown) -> Shown {
        text.clone()
    }
}

/// Text made of pieces, each a [`Shown`] (kept) or plain text (escaped):
/// `shown![paint(on, Paint::Red, "error:"), " ", &message, "\n"]`.
macro_rules! shown {
    ($($piece:expr),* $(,)?) => {{
        let mut text = $crate::terminal::Shown::new();
        $( text.push($piece); )*
        text
    }};
}

#[cfg(test)]
mod tests {
    use super::Shown;
    use crate::style::{paint, Paint};

    #[test]
    fn plain_text_is_escaped_and_colours_are_added_after() {
        let claim = "eve\u{1b}[8mSECRET\u{1b}[0m";
        assert_eq!(Shown::from(claim).as_str(), "eve\\u{1b}[8mSECRET\\u{1b}[0m");
        assert_eq!(
            paint(true, Paint::Red, claim).as_str(),
            "\u{1b}[31meve\\u{1b}[8mSECRET\\u{1b}[0m\u{1b}[0m"
        );
        let line = shown![paint(false, Paint::Red, "error:"), " ", claim, "\n"];
        assert_eq!(line.as_str(), "error: eve\\u{1b}[8mSECRET\\u{1b}[0m\n");
        assert_eq!(
            Shown::json("\"\u{9b}\u{202e}\"").as_str(),
            "\"\\u009b\\u202e\""
        );
    }
}
