//! Text quoted for messages as Rust's `{:?}` writes it: hints and errors
//! show role names, claim values and stray characters this way, so that a
//! space, a control character or an invisible one (a zero-width space in a
//! role name) stands out as an escape.
//!
//! The same text as `format!("{s:?}")`; only which characters Rust shows as
//! they are is decided elsewhere (`rolemap_js::unicode`): natively by Rust's
//! own tables, in the browser's WebAssembly module by the browser, so that
//! the module carries no tables for it (and no list formatting). Every
//! [`crate::is_control`] character is among those escaped, spelled as
//! [`crate::escape`] spells it.

use rolemap_js::unicode::is_shown_as_is;

use crate::push_code_point;

/// `c` as it appears between the quotes `quote` in Rust's debug form.
fn push_escaped(out: &mut String, c: char, quote: char) {
    match c {
        '\0' => out.push_str("\\0"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\\' => out.push_str("\\\\"),
        _ if c == quote => {
            out.push('\\');
            out.push(c);
        }
        ' '..='~' => out.push(c),
        _ if !c.is_ascii() && is_shown_as_is(c) => out.push(c),
        _ => push_code_point(out, c),
    }
}

/// `s` in double quotes, as `format!("{s:?}")` writes it: `"a\"b\u{200b}"`.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// `c` in single quotes, as `format!("{c:?}")` writes it: `'\u{301}'`.
pub fn quoted_char(c: char) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

/// A list of strings, as `format!("{items:?}")` writes a `Vec<String>`:
/// `["Admin", "Member"]`.
pub fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quoted(s.as_ref()));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_is_rusts_debug_form() {
        let samples = [
            "",
            "Admin",
            " Admin ",
            "a\"b\\c'd",
            "tab\there\r\nand\0nul\u{7f}\u{1b}",
            "Größe ünd Ωmega 日本語 🎉",
            "zero\u{200b}width\u{feff}bom\u{2028}sep\u{a0}nbsp\u{3000}",
            "e\u{301} combining, \u{200d} joiner, \u{e000} private, \u{10ffff}",
        ];
        for s in samples {
            assert_eq!(quoted(s), format!("{s:?}"));
            for c in s.chars() {
                assert_eq!(quoted_char(c), format!("{c:?}"));
            }
        }
        assert_eq!(quoted_list(&samples), format!("{samples:?}"));
        assert_eq!(quoted_list::<&str>(&[]), "[]");
    }

    #[test]
    fn every_character_is_quoted_as_rust_quotes_it() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(quoted_char(c), format!("{c:?}"), "U+{:04X}", c as u32);
        }
    }
}
