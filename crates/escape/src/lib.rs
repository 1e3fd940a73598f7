//! Untrusted text (claims, names, file names, expressions, server answers)
//! made safe to show: [`escape`] and its kin make the characters that drive
//! a terminal visible; [`quoted`] and its kin quote text for messages as
//! Rust's `{:?}` does, so that a space or an invisible character stands
//! out. Both spell an escaped character one way, `\u{…}` with its code
//! point in hex, and everything [`escape`] escapes, [`quoted`] escapes too.
//! Internal to rolemap: the engine, the linter, the simulator and the
//! command line share it.

#![forbid(unsafe_code)]

mod controls;
mod quote;

pub use controls::{escape, escape_json, escape_line, escaped_span, is_control};
pub use quote::{quoted, quoted_char, quoted_list};

/// Appends `c` as `\u{…}`, its code point in lower-case hex, as Rust's
/// `escape_debug` writes a character it escapes.
fn push_code_point(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_leaves_no_control_and_spells_them_as_escape_does() {
        let controls = (0..0x3_0000)
            .filter_map(char::from_u32)
            .filter(|&c| is_control(c));
        for c in controls {
            let quoted = quoted_char(c);
            assert!(!quoted.chars().any(is_control), "{quoted}");
            if !matches!(c, '\0' | '\r') {
                // `\0` and `\r` have Rust's short forms; every other control
                // is spelled alike by both.
                assert_eq!(
                    quoted,
                    format!("'{}'", escape(&c.to_string())),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }
}
