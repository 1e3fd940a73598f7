//! Where the quoted parts of an expression's text are, written once: the
//! grammar's `quoted_identifier`, `raw_string` and `json_literal` tokens end
//! where [`quoted_end`] says, and so do jmespath.js's (its lexer skips `\\`
//! and `\q` and steps one character past any other `\`; stepping two bytes
//! past every `\` ends at the same closing quote). The parser's prescan,
//! jmespath.js's lexical messages and the linter's text regions read them
//! from here.

#![forbid(unsafe_code)]

use std::ops::Range;

/// What a quoted part of the text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoted {
    /// A `'raw string'`.
    Raw,
    /// A `"quoted name"`.
    Name,
    /// A `` `literal` ``.
    Literal,
}

impl Quoted {
    /// The quoted part that the byte `b` opens, if any.
    pub fn opened_by(b: u8) -> Option<Quoted> {
        match b {
            b'\'' => Some(Quoted::Raw),
            b'"' => Some(Quoted::Name),
            b'`' => Some(Quoted::Literal),
            _ => None,
        }
    }
}

/// The index of the quote that closes the quoted part opened at `open`,
/// `None` when nothing closes it. A `\` escapes the byte after it.
pub fn closing_quote(src: &[u8], open: usize) -> Option<usize> {
    let q = src[open];
    let mut i = open + 1;
    while i < src.len() {
        match src[i] {
            b if b == q => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// The end of the quoted part opened at `open`: just past its closing
/// quote, or `src.len()` when nothing closes it.
pub fn quoted_end(src: &[u8], open: usize) -> usize {
    closing_quote(src, open).map_or(src.len(), |close| close + 1)
}

/// The quoted parts of `src`, in order, quotes included.
pub fn quoted_parts(src: &str) -> impl Iterator<Item = (Range<usize>, Quoted)> + '_ {
    let b = src.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if let Some(kind) = Quoted::opened_by(b[i]) {
                let start = i;
                i = quoted_end(b, start);
                return Some((start..i, kind));
            }
            i += 1;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_parts_end_at_their_unescaped_closing_quote() {
        type Parts = &'static [(Range<usize>, Quoted)];
        let cases: &[(&str, Parts)] = &[
            (
                "a == 'x' || \"y\"",
                &[(5..8, Quoted::Raw), (12..15, Quoted::Name)],
            ),
            (
                r"'it\'s' `\``",
                &[(0..7, Quoted::Raw), (8..12, Quoted::Literal)],
            ),
            (r#""a\\" b"#, &[(0..5, Quoted::Name)]),
            ("'open", &[(0..5, Quoted::Raw)]),
            ("x '\\", &[(2..4, Quoted::Raw)]),
            ("\"é\\\u{e9}\"", &[(0..7, Quoted::Name)]),
            ("no quotes", &[]),
        ];
        for (src, want) in cases {
            let got: Vec<_> = quoted_parts(src).collect();
            assert_eq!(&got, want, "{src:?}");
        }
    }
}
