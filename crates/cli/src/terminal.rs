//! Text from configs, tokens and claims is untrusted: written raw to a
//! terminal, an escape sequence in it could move the cursor, rewrite what
//! was printed, set the window title or hide text. Before anything reaches
//! a terminal, [`safe`] makes such characters visible.

use std::borrow::Cow;

/// `text` with the characters that could drive a terminal written as
/// `\u{…}` escapes: C0 controls other than newline and tab, DEL, C1
/// controls, and the Unicode bidirectional overrides that reorder what is
/// shown ("Trojan Source"). The colour sequences this tool writes itself
/// (`ESC [ digits ; … m`) pass.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' {
            if let Some(len) = sgr_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The length of a colour sequence (`ESC [ [0-9;]* m`) at the start of `s`.
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\x1b[")?;
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn plain_text_and_colours_pass() {
        assert_eq!(safe("a\tb\nc é"), "a\tb\nc é");
        assert_eq!(
            safe("\x1b[1;31merror:\x1b[0m x"),
            "\x1b[1;31merror:\x1b[0m x"
        );
    }

    #[test]
    fn control_sequences_are_made_visible() {
        // Window title (OSC), cursor movement (CSI), carriage return, BEL.
        assert_eq!(safe("\x1b]0;pwned\x07"), "\\u{1b}]0;pwned\\u{7}");
        assert_eq!(safe("a\x1b[2Ab"), "a\\u{1b}[2Ab");
        assert_eq!(safe("ok\rfake"), "ok\\u{d}fake");
        assert_eq!(safe("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(safe("admin\u{202e}nimda"), "admin\\u{202e}nimda");
    }
}
