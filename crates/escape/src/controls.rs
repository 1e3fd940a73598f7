//! Characters that drive a terminal, and text with them made visible.
//!
//! Claims, names, file names, expressions and server answers are untrusted:
//! written raw to a terminal, a control character in them could move the
//! cursor, rewrite what was printed, set the window title, hide text or
//! reorder it ("Trojan Source"). Every piece of untrusted text is passed
//! through [`escape`] before anything colours it or writes it out; JSON text
//! goes through [`escape_json`], which keeps it the same JSON value.

use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Range;

use crate::push_code_point;

/// Whether `c` can drive a terminal or reorder what it shows: C0 controls
/// other than newline and tab, DEL, C1 controls, and the Unicode
/// bidirectional controls (embeddings and overrides U+202A–U+202E,
/// isolates U+2066–U+2069, marks U+200E, U+200F and U+061C).
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`is_control`] character written as `\u{…}` (its
/// code point in hex, as Rust writes it): ESC becomes the six characters
/// `\u{1b}`. Newlines and tabs stay. The result holds no control character.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, is_control, push_code_point)
}

/// [`escape`], newlines, tabs and the Unicode line and paragraph
/// separators (U+2028, U+2029: line ends to JavaScript and YAML 1.1)
/// included: for text shown on one line (a table cell, a name in a list, a
/// comment line of a config), where a line end could fake a line.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_with(text, breaks_line, push_code_point)
}

/// JSON text (as serde_json writes it) with every [`is_control`] character
/// written as a JSON escape (`\u009b`): the same JSON value, with no control
/// character left. serde_json already escapes C0 controls; DEL, C1 and the
/// bidirectional controls it writes raw, and they can only be inside
/// strings, where `\uXXXX` stands for the same character.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    escape_with(json, is_control, |out, c| {
        let _ = write!(out, "\\u{:04x}", c as u32);
    })
}

/// `text` with each character that `escaped` flags spelled by `spell`.
/// Every caller's `escaped` leaves printable ASCII alone, so ASCII text is
/// checked a byte at a time and only its control bytes are asked about.
/// What [`escape_line`] escapes: [`is_control`] characters, newlines, tabs
/// and the line and paragraph separators.
fn breaks_line(c: char) -> bool {
    is_control(c) || matches!(c, '\n' | '\t' | '\u{2028}' | '\u{2029}')
}

fn escape_with(
    text: &str,
    escaped: impl Fn(char) -> bool,
    spell: impl Fn(&mut String, char),
) -> Cow<'_, str> {
    let plain_ascii = text
        .bytes()
        .all(|b| matches!(b, b' '..=b'~') || (b.is_ascii() && !escaped(char::from(b))));
    if plain_ascii || (!text.is_ascii() && !text.chars().any(&escaped)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            spell(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where the bytes `span` of `text` are in [`escape`]`(text)`. Ends are
/// moved onto character boundaries first (down, and never past the end).
pub fn escaped_span(text: &str, span: Range<usize>) -> Range<usize> {
    let at = |mut p: usize| {
        p = p.min(text.len());
        while !text.is_char_boundary(p) {
            p -= 1;
        }
        escape(&text[..p]).len()
    };
    let start = at(span.start);
    start..at(span.end).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_passes() {
        assert_eq!(escape("a\tb\nc é 日本 \u{200b}"), "a\tb\nc é 日本 \u{200b}");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_are_made_visible() {
        let cases = [
            ("\x1b[31mred", "\\u{1b}[31mred"),
            ("\x1b]0;title\x07", "\\u{1b}]0;title\\u{7}"),
            ("\x1b]8;;http://x\x07", "\\u{1b}]8;;http://x\\u{7}"),
            ("ok\rfake", "ok\\u{d}fake"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("del\x7f", "del\\u{7f}"),
            ("admin\u{202e}nimda", "admin\\u{202e}nimda"),
            (
                "\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}",
                "\\u{2066}x\\u{2069}\\u{200e}\\u{200f}\\u{61c}",
            ),
        ];
        for (raw, shown) in cases {
            assert_eq!(escape(raw), shown);
            assert!(!escape(raw).chars().any(is_control));
        }
    }

    #[test]
    fn every_character_is_escaped_exactly_when_it_is_flagged() {
        for c in ('\0'..='\u{3000}').chain(['\u{feff}', '\u{10ffff}']) {
            for text in [c.to_string(), format!("ab{c}\n"), format!("é{c}")] {
                let flagged = |f: &dyn Fn(char) -> bool| text.chars().any(f);
                let line = breaks_line;
                assert_eq!(
                    matches!(escape(&text), Cow::Owned(_)),
                    flagged(&is_control),
                    "{c:?}"
                );
                assert_eq!(
                    matches!(escape_json(&text), Cow::Owned(_)),
                    flagged(&is_control),
                    "{c:?}"
                );
                assert_eq!(
                    matches!(escape_line(&text), Cow::Owned(_)),
                    flagged(&line),
                    "{c:?}"
                );
                assert!(!escape_line(&text).chars().any(line), "{c:?}");
            }
        }
    }

    #[test]
    fn one_line_text_shows_its_newlines_and_tabs() {
        assert_eq!(escape_line("a\nb\tc\x1b"), "a\\u{a}b\\u{9}c\\u{1b}");
        assert_eq!(escape_line("a\u{2028}b\u{2029}"), "a\\u{2028}b\\u{2029}");
        assert_eq!(escape_line("plain é"), "plain é");
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({"k\u{202e}": "\x1b[31m\u{9b}\x7f\u{2066}"});
        let text = serde_json::to_string(&value).unwrap_or_default();
        let escaped = escape_json(&text);
        assert!(!escaped.chars().any(is_control), "{escaped}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap_or_default();
        assert_eq!(back, value);
    }

    #[test]
    fn spans_follow_the_escapes() {
        let text = "a\x1bb\u{202e}c";
        let shown = escape(text);
        let span = escaped_span(text, 2..3);
        assert_eq!(&shown[span], "b");
        let span = escaped_span(text, 3..6);
        assert_eq!(&shown[span], "\\u{202e}");
        assert_eq!(escaped_span(text, 50..60), shown.len()..shown.len());
    }
}
