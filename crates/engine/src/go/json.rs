//! Go's `encoding/json` as the Go engines use it: reading literals and
//! quoted names (`json.Unmarshal` into `interface{}`: every number a
//! `float64`) and writing values (`json.Marshal`: keys sorted, `<`, `>`,
//! `&`, U+2028 and U+2029 escaped, numbers as `strconv` formats a float64).

use serde_json::{Map, Value as Json};

/// `text` read by serde_json, or, where it holds a `\uXXXX` surrogate
/// that pairs with no other (serde_json rejects those), read with each
/// such escape as U+FFFD, as Go reads it; `Err` is Go's message.
fn from_str(text: &str) -> Result<Json, String> {
    serde_json::from_str(text).or_else(|e| {
        let replaced = without_lone_surrogates(text).ok_or_else(|| go_error(text, &e))?;
        serde_json::from_str(&replaced).map_err(|_| go_error(text, &e))
    })
}

/// `text` with each `\uXXXX` escape of a surrogate that is not the first
/// half of a pair followed by its second written as `\ufffd`; `None` when
/// it has none.
fn without_lone_surrogates(text: &str) -> Option<String> {
    let hex = |at: usize| -> Option<u16> {
        let digits = text.get(at..at + 4)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| u16::from_str_radix(digits, 16).ok())
            .flatten()
    };
    let escape_at = |at: usize| text.get(at..at + 2) == Some("\\u");
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied, mut replaced) = (0, 0, false);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let unit = if escape_at(i) { hex(i + 2) } else { None };
        match unit {
            Some(0xd800..=0xdbff)
                if escape_at(i + 6)
                    && hex(i + 8).is_some_and(|low| (0xdc00..=0xdfff).contains(&low)) =>
            {
                i += 12;
            }
            Some(0xd800..=0xdfff) => {
                out.push_str(&text[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
                replaced = true;
            }
            _ => i += 2,
        }
    }
    out.push_str(&text[copied..]);
    replaced.then_some(out)
}

/// A JSON text as `json.Unmarshal` reads it; `Err` is Go's message.
pub(crate) fn parse_value(text: &str) -> Result<Json, String> {
    let v: Json = from_str(text)?;
    let v = to_go(v)?;
    Ok(if has_negative_zero(text) {
        negative_zeros(text, v)
    } else {
        v
    })
}

/// Whether the JSON text writes a `-0` integer (serde_json reads it as 0;
/// Go as the float64 -0).
fn has_negative_zero(text: &str) -> bool {
    text.contains("-0")
}

/// `v` read again with every number of the text as a float64, so that an
/// integer `-0` keeps its sign.
fn negative_zeros(text: &str, v: Json) -> Json {
    let mut floats = String::with_capacity(text.len() + 4);
    let b = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                floats.push_str(&text[i..i + 2.min(b.len() - i)]);
                i += 2;
                continue;
            }
            in_string = c != b'"';
        } else if c == b'"' {
            in_string = true;
        } else if c == b'-'
            && b.get(i + 1) == Some(&b'0')
            && !matches!(b.get(i + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))
        {
            floats.push_str("-0.0");
            i += 2;
            continue;
        }
        let w = text[i..].chars().next().map_or(1, char::len_utf8);
        floats.push_str(&text[i..i + w]);
        i += w;
    }
    serde_json::from_str(&floats).unwrap_or(v)
}

/// A `"quoted"` JSON string as `json.Unmarshal` reads it.
pub(crate) fn parse_string(text: &str) -> Result<String, String> {
    match from_str(text)? {
        Json::String(s) => Ok(s),
        _ => Err("json: cannot unmarshal into Go value of type string".into()),
    }
}

/// `v` with every number a float64 (Go's reading of any JSON document).
pub(crate) fn to_go(v: Json) -> Result<Json, String> {
    Ok(match v {
        Json::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if !f.is_finite() {
                return Err(format!(
                    "json: cannot unmarshal number {n} into Go value of type float64"
                ));
            }
            crate::jsnum::to_json_number(f)
        }
        Json::Array(items) => Json::Array(items.into_iter().map(to_go).collect::<Result<_, _>>()?),
        Json::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m {
                out.insert(k, to_go(v)?);
            }
            Json::Object(out)
        }
        other => other,
    })
}

/// Go's message for a JSON text that serde_json cannot read: the first
/// error of `encoding/json`'s syntax check ([`go_syntax_error`]), which
/// `json.Unmarshal` runs before it decodes, or, for a text that passes it,
/// the number that does not fit a float64.
fn go_error(text: &str, _: &serde_json::Error) -> String {
    match go_syntax_error(text.as_bytes()) {
        Err(message) => message,
        Ok(Some(number)) => {
            format!("json: cannot unmarshal number {number} into Go value of type float64")
        }
        Ok(None) => "json: cannot unmarshal this value into a Go value".into(),
    }
}

/// Where `encoding/json`'s scanner is in a composite value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Within {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// The scanner's states, one per point of the JSON grammar it can be at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// After `\u` and this many hex digits.
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`, `false` or `null`: the word and how much of it is read.
    Word(&'static str, usize),
}

/// `encoding/json`'s limit on nesting.
const MAX_NESTING: usize = 10_000;

/// `encoding/json`'s syntax check of `text`, byte by byte as its scanner
/// goes: `Err` is its message for the first byte that cannot continue the
/// text (or for its end); `Ok` gives the first number that does not fit a
/// float64, if any.
pub(crate) fn go_syntax_error(text: &[u8]) -> Result<Option<String>, String> {
    let mut within: Vec<Within> = Vec::new();
    let mut state = State::BeginValue;
    let mut number_start = None;
    let mut too_large = None;
    for (i, &c) in text.iter().chain(std::iter::once(&b' ')).enumerate() {
        let in_number = matches!(
            state,
            State::Neg
                | State::One
                | State::Zero
                | State::Dot
                | State::Dot0
                | State::E
                | State::ESign
                | State::E0
        );
        // The end is read as one more space, as Go's scanner does: an error
        // there names the space (`"1."`: after decimal point).
        state = step(state, c, &mut within)
            .map_err(|context| format!("invalid character {} {context}", go_quote_byte(c)))?;
        let in_number_now = matches!(
            state,
            State::Neg
                | State::One
                | State::Zero
                | State::Dot
                | State::Dot0
                | State::E
                | State::ESign
                | State::E0
        );
        if in_number_now && !in_number {
            number_start = Some(i);
        }
        if in_number && !in_number_now {
            let start = number_start.take().unwrap_or(i);
            let literal = String::from_utf8_lossy(&text[start..i]);
            if too_large.is_none() && literal.parse::<f64>().is_ok_and(|f| f.is_infinite()) {
                too_large = Some(literal.into_owned());
            }
        }
    }
    if state == State::EndTop {
        Ok(too_large)
    } else {
        Err("unexpected end of JSON input".into())
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The scanner's next state after byte `c`; `Err` is the context of Go's
/// message (`looking for beginning of value`, ...).
fn step(state: State, c: u8, within: &mut Vec<Within>) -> Result<State, String> {
    use State::*;
    let push = |within: &mut Vec<Within>, w: Within| {
        within.push(w);
        if within.len() > MAX_NESTING {
            Err("exceeded max depth".to_string())
        } else {
            Ok(())
        }
    };
    Ok(match state {
        // A value ends the text when nothing encloses it.
        EndValue if within.is_empty() => return step(EndTop, c, within),
        _ if is_space(c)
            && matches!(
                state,
                BeginValue
                    | BeginValueOrEmpty
                    | BeginStringOrEmpty
                    | BeginString
                    | EndValue
                    | EndTop
            ) =>
        {
            state
        }
        BeginValueOrEmpty if c == b']' => return step(EndValue, c, within),
        BeginValueOrEmpty => return step(BeginValue, c, within),
        BeginValue => match c {
            b'{' => {
                push(within, Within::ObjectKey)?;
                BeginStringOrEmpty
            }
            b'[' => {
                push(within, Within::ArrayValue)?;
                BeginValueOrEmpty
            }
            b'"' => InString,
            b'-' => Neg,
            b'0' => Zero,
            b'1'..=b'9' => One,
            b't' => Word("true", 1),
            b'f' => Word("false", 1),
            b'n' => Word("null", 1),
            _ => return Err("looking for beginning of value".into()),
        },
        BeginStringOrEmpty if c == b'}' => {
            if let Some(top) = within.last_mut() {
                *top = Within::ObjectValue;
            }
            return step(EndValue, c, within);
        }
        BeginStringOrEmpty => return step(BeginString, c, within),
        BeginString if c == b'"' => InString,
        BeginString => return Err("looking for beginning of object key string".into()),
        EndValue => {
            let Some(top) = within.last_mut() else {
                return step(EndTop, c, within);
            };
            match (*top, c) {
                (Within::ObjectKey, b':') => {
                    *top = Within::ObjectValue;
                    BeginValue
                }
                (Within::ObjectKey, _) => return Err("after object key".into()),
                (Within::ObjectValue, b',') => {
                    *top = Within::ObjectKey;
                    BeginString
                }
                (Within::ObjectValue, b'}') | (Within::ArrayValue, b']') => {
                    within.pop();
                    if within.is_empty() {
                        EndTop
                    } else {
                        EndValue
                    }
                }
                (Within::ObjectValue, _) => return Err("after object key:value pair".into()),
                (Within::ArrayValue, b',') => BeginValue,
                (Within::ArrayValue, _) => return Err("after array element".into()),
            }
        }
        EndTop => return Err("after top-level value".into()),
        InString | InStringEsc | InStringEscU(_) => step_string(state, c)?,
        Neg | One | Zero | Dot | Dot0 | E | ESign | E0 => return step_number(state, c, within),
        Word(word, n) => {
            let expected = word.as_bytes()[n];
            if c != expected {
                return Err(format!(
                    "in literal {word} (expecting {})",
                    go_quote_byte(expected)
                ));
            }
            if n + 1 == word.len() {
                EndValue
            } else {
                Word(word, n + 1)
            }
        }
    })
}

/// [`step`] inside a string: `Err` is the context of Go's message.
fn step_string(state: State, c: u8) -> Result<State, String> {
    use State::*;
    Ok(match state {
        InString => match c {
            b'"' => EndValue,
            b'\\' => InStringEsc,
            0..0x20 => return Err("in string literal".into()),
            _ => InString,
        },
        InStringEsc => match c {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => InString,
            b'u' => InStringEscU(0),
            _ => return Err("in string escape code".into()),
        },
        InStringEscU(n) if c.is_ascii_hexdigit() => {
            if n == 3 {
                InString
            } else {
                InStringEscU(n + 1)
            }
        }
        InStringEscU(_) => return Err("in \\u hexadecimal character escape".into()),
        _ => state,
    })
}

/// [`step`] inside a number: `Err` is the context of Go's message.
fn step_number(state: State, c: u8, within: &mut Vec<Within>) -> Result<State, String> {
    use State::*;
    Ok(match state {
        Neg => match c {
            b'0' => Zero,
            b'1'..=b'9' => One,
            _ => return Err("in numeric literal".into()),
        },
        One if c.is_ascii_digit() => One,
        One | Zero => match c {
            b'.' => Dot,
            b'e' | b'E' => E,
            _ => return step(EndValue, c, within),
        },
        Dot if c.is_ascii_digit() => Dot0,
        Dot => return Err("after decimal point in numeric literal".into()),
        Dot0 => match c {
            b'0'..=b'9' => Dot0,
            b'e' | b'E' => E,
            _ => return step(EndValue, c, within),
        },
        E if matches!(c, b'+' | b'-') => ESign,
        E | ESign if c.is_ascii_digit() => E0,
        E | ESign => return Err("in exponent of numeric literal".into()),
        E0 if c.is_ascii_digit() => E0,
        E0 => return step(EndValue, c, within),
        _ => state,
    })
}

/// How `encoding/json` names byte `c` in a message: `'\''`, `'"'`, or the
/// byte read as the code point of the same number (a UTF-8 lead byte 0xC3
/// is `'Ã'`) in Go's quoting (`strconv.Quote`: `\a` `\b` `\f` `\n` `\r`
/// `\t` `\v`, `\xNN` for other controls and DEL, `\uNNNN` for what Go does
/// not print: C1 controls, U+00A0 and U+00AD).
fn go_quote_byte(c: u8) -> String {
    let quoted = match c {
        b'\'' => "\\'".to_string(),
        b'"' => "\"".to_string(),
        b'\\' => "\\\\".to_string(),
        0x07 => "\\a".to_string(),
        0x08 => "\\b".to_string(),
        0x0c => "\\f".to_string(),
        b'\n' => "\\n".to_string(),
        b'\r' => "\\r".to_string(),
        b'\t' => "\\t".to_string(),
        0x0b => "\\v".to_string(),
        0..0x20 | 0x7f => format!("\\x{c:02x}"),
        0x80..=0x9f | 0xa0 | 0xad => format!("\\u{:04x}", u32::from(c)),
        _ => char::from(c).to_string(),
    };
    format!("'{quoted}'")
}

/// `json.Marshal`'s text of a Go value (`Err`: Go's message for NaN and
/// infinities, which it cannot write).
pub(crate) fn marshal(v: &Json) -> Result<String, String> {
    let mut out = String::new();
    write(v, &mut out)?;
    Ok(out)
}

fn write(v: &Json, out: &mut String) -> Result<(), String> {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&number_text(n.as_f64().unwrap_or(0.0))?),
        Json::String(s) => write_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out)?;
            }
            out.push(']');
        }
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort_by(&mut keys, |a, b| a.cmp(b));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write(&m[k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A float64 as `encoding/json` writes it (the shortest digits, in
/// exponent form below 1e-6 and from 1e21: JavaScript's text too).
pub(crate) fn number_text(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!("json: unsupported value: {}", go_float(f)));
    }
    if f == 0.0 && f.is_sign_negative() {
        return Ok("-0".into());
    }
    Ok(crate::jsnum::to_js_string(f))
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`).
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits, in
    // exponent form when the exponent is below -4 or from 6 on.
    let (digits, point) = crate::jsnum::shortest_digits(f);
    let e = point - 1;
    if (-4..6).contains(&e) {
        return crate::jsnum::to_js_string(f);
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let dot = if rest.is_empty() { "" } else { "." };
    let esign = if e < 0 { '-' } else { '+' };
    format!("{sign}{first}{dot}{rest}e{esign}{:02}", e.abs())
}

pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::go_syntax_error;

    /// Go's messages, as `json.Unmarshal` gives them.
    #[test]
    fn syntax_errors_have_encoding_json_s_words() {
        for (text, go) in [
            (
                "foo",
                "invalid character 'o' in literal false (expecting 'a')",
            ),
            (
                "tr",
                "invalid character ' ' in literal true (expecting 'u')",
            ),
            (
                "nul",
                "invalid character ' ' in literal null (expecting 'l')",
            ),
            (
                "0\u{85}",
                "invalid character '\u{c2}' after top-level value",
            ),
            ("0\u{c}", "invalid character '\\f' after top-level value"),
            (
                "\u{2713}",
                "invalid character '\u{e2}' looking for beginning of value",
            ),
            (
                "\\",
                "invalid character '\\\\' looking for beginning of value",
            ),
            (
                "'a'",
                "invalid character '\\'' looking for beginning of value",
            ),
            (
                "\"\\u\"",
                "invalid character '\"' in \\u hexadecimal character escape",
            ),
            ("\"\\x\"", "invalid character 'x' in string escape code"),
            ("\"a\tb\"", "invalid character '\\t' in string literal"),
            ("\"\u{1}\"", "invalid character '\\x01' in string literal"),
            (
                "1.",
                "invalid character ' ' after decimal point in numeric literal",
            ),
            (
                "1.x",
                "invalid character 'x' after decimal point in numeric literal",
            ),
            ("1e", "invalid character ' ' in exponent of numeric literal"),
            ("-", "invalid character ' ' in numeric literal"),
            ("01", "invalid character '1' after top-level value"),
            ("[1 2]", "invalid character '2' after array element"),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            (
                "{\"a\":1 \"b\"}",
                "invalid character '\"' after object key:value pair",
            ),
            (
                "{1:2}",
                "invalid character '1' looking for beginning of object key string",
            ),
            (
                "[1,]",
                "invalid character ']' looking for beginning of value",
            ),
            ("[1", "unexpected end of JSON input"),
            ("\"abc", "unexpected end of JSON input"),
            ("", "unexpected end of JSON input"),
            ("  ", "unexpected end of JSON input"),
        ] {
            assert_eq!(
                go_syntax_error(text.as_bytes()),
                Err(go.to_string()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_surrogate_that_pairs_with_none_is_read_as_u_fffd() {
        use super::{parse_string, parse_value};
        assert_eq!(parse_string(r#""\uD800""#), Ok("\u{fffd}".into()));
        assert_eq!(parse_string(r#""\udc00x""#), Ok("\u{fffd}x".into()));
        assert_eq!(parse_string(r#""\uD83D\uDE00""#), Ok("\u{1f600}".into()));
        assert_eq!(
            parse_string(r#""\uD83D\uD83D\uDE00""#),
            Ok("\u{fffd}\u{1f600}".into())
        );
        assert_eq!(parse_string(r#""\\uD800""#), Ok("\\uD800".into()));
        assert_eq!(
            parse_value(r#"["\uDE00\uD83D", 1]"#),
            Ok(serde_json::json!(["\u{fffd}\u{fffd}", 1]))
        );
    }

    #[test]
    fn valid_texts_pass_and_the_first_too_large_number_is_named() {
        for text in [
            "0",
            " [1, {\"a\": [true, false, null]}, -0.5e+3] ",
            "{}",
            "[]",
            "\"\\u00e9\"",
        ] {
            assert_eq!(go_syntax_error(text.as_bytes()), Ok(None), "{text:?}");
        }
        assert_eq!(
            go_syntax_error(b"[1, 1e400, -2e999]"),
            Ok(Some("1e400".to_string()))
        );
        let deep = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
        assert_eq!(
            go_syntax_error(deep.as_bytes()),
            Err("invalid character '[' exceeded max depth".to_string())
        );
    }
}
