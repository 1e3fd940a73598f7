//! The message jmespath.js 0.16.0 throws for an expression it cannot parse
//! (Pangolin logs it, and users compare it with what rolemap says).
//!
//! The pest grammar decides WHETHER a text parses; this module only words
//! the rejection as jmespath.js does:
//! - jmespath.js reads every token before it parses, so a character it has
//!   no token for, or a quoted name or literal that is not JSON, is its
//!   error wherever it is ([`lexical_error`]);
//! - otherwise its parser stops at the token where pest's grammar failed,
//!   and [`syntax_message`] words it from a table keyed by what jmespath.js
//!   was reading there (the innermost open bracket, the token before) and the
//!   token found. The table reads the text before the failure; it parses
//!   nothing. Where jmespath.js's parser stops at another token than pest's,
//!   the message is approximate (README, "Syntax messages").

use std::ops::Range;

use crate::lexical::{closing_quote, quoted_end};
use crate::{js, jsnum};

/// What jmespath.js throws where its parser reads a token the lexer left
/// `undefined` (a lone `=`), or evaluates what a dangling `.` left.
pub(crate) const CRASH: &str = "Cannot read properties of undefined (reading 'type')";

/// jmespath.js's token types (the names are its `type` strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Eof,
    Unquoted,
    Quoted,
    Rbracket,
    Rparen,
    Comma,
    Colon,
    Rbrace,
    Number,
    Current,
    Expref,
    Pipe,
    Or,
    And,
    Compare(&'static str),
    Flatten,
    Star,
    Filter,
    Dot,
    Not,
    Lbrace,
    Lbracket,
    Lparen,
    Literal,
    /// A lone `=`: jmespath.js's lexer pushes `undefined`.
    Undefined,
    /// A character jmespath.js has no token for (its lexer throws first).
    Unknown,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Eof => "EOF",
            Kind::Unquoted => "UnquotedIdentifier",
            Kind::Quoted => "QuotedIdentifier",
            Kind::Rbracket => "Rbracket",
            Kind::Rparen => "Rparen",
            Kind::Comma => "Comma",
            Kind::Colon => "Colon",
            Kind::Rbrace => "Rbrace",
            Kind::Number => "Number",
            Kind::Current => "Current",
            Kind::Expref => "Expref",
            Kind::Pipe => "Pipe",
            Kind::Or => "Or",
            Kind::And => "And",
            Kind::Compare(name) => name,
            Kind::Flatten => "Flatten",
            Kind::Star => "Star",
            Kind::Filter => "Filter",
            Kind::Dot => "Dot",
            Kind::Not => "Not",
            Kind::Lbrace => "Lbrace",
            Kind::Lbracket => "Lbracket",
            Kind::Lparen => "Lparen",
            Kind::Literal => "Literal",
            Kind::Undefined | Kind::Unknown => "undefined",
        }
    }

    /// jmespath.js's `bindingPower` of the token; `None` where its table has
    /// no entry (a comparison with `undefined` is false).
    fn bp(self) -> Option<u8> {
        use crate::precedence as bp;
        Some(match self {
            Kind::Pipe => bp::PIPE,
            Kind::Or => bp::OR,
            Kind::And => bp::AND,
            Kind::Compare(_) => bp::COMPARE,
            Kind::Flatten => bp::FLATTEN,
            Kind::Star => bp::STAR,
            Kind::Filter => bp::FILTER,
            Kind::Dot => bp::DOT,
            Kind::Not => bp::NOT,
            Kind::Lbrace => bp::LBRACE,
            Kind::Lbracket => bp::BRACKET,
            Kind::Lparen => bp::CALL,
            Kind::Colon | Kind::Literal | Kind::Undefined | Kind::Unknown => return None,
            _ => 0,
        })
    }
}

/// One token of jmespath.js's lexer: its type and where its text is.
#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    text: Range<usize>,
}

impl Token {
    /// The token's `value` as jmespath.js prints it in a message.
    fn value(&self, src: &str) -> String {
        let text = &src[self.text.clone()];
        match self.kind {
            Kind::Eof => String::new(),
            Kind::Quoted => serde_json::from_str(text).unwrap_or_default(),
            Kind::Number => {
                jsnum::parse_int_prefix(text).map_or_else(|| "NaN".into(), |n| n.to_string())
            }
            Kind::Literal => literal_value(text),
            _ => text.to_string(),
        }
    }
}

/// The JavaScript string of a literal token's value: a raw string's body
/// with its first `\'` unescaped, a JSON literal's value as `String(v)`.
fn literal_value(text: &str) -> String {
    let (quote, rest) = text.split_at(1);
    let body = rest.strip_suffix(quote).unwrap_or(rest);
    if quote == "'" {
        return body.replacen("\\'", "'", 1);
    }
    let json = literal_json_text(body);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    js::to_js_string(&crate::Value::json(&value)).unwrap_or_default()
}

/// The text jmespath.js hands `JSON.parse` for a literal's body.
fn literal_json_text(body: &str) -> String {
    let text = body
        .trim_start_matches(jsnum::is_js_space)
        .replacen("\\`", "`", 1);
    if crate::parse::looks_like_json(&text) {
        text
    } else {
        format!("\"{text}\"")
    }
}

/// The token of jmespath.js's lexer that starts at `i` (after white space).
fn token_at(src: &str, mut i: usize) -> Token {
    let b = src.as_bytes();
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n') {
        i += 1;
    }
    let run = |from: usize, more: fn(u8) -> bool| {
        from + b[from..].iter().take_while(|&&c| more(c)).count()
    };
    let next = b.get(i + 1).copied();
    let (kind, end) = match b.get(i) {
        None => (Kind::Eof, i),
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => (
            Kind::Unquoted,
            run(i, |c| c.is_ascii_alphanumeric() || c == b'_'),
        ),
        Some(b'0'..=b'9' | b'-') => (Kind::Number, run(i, |c| c.is_ascii_digit() || c == b'-')),
        Some(b'"') => (Kind::Quoted, quoted_end(b, i)),
        Some(b'\'' | b'`') => (Kind::Literal, quoted_end(b, i)),
        Some(b'[') => match next {
            Some(b'?') => (Kind::Filter, i + 2),
            Some(b']') => (Kind::Flatten, i + 2),
            _ => (Kind::Lbracket, i + 1),
        },
        Some(b'&') if next == Some(b'&') => (Kind::And, i + 2),
        Some(b'|') if next == Some(b'|') => (Kind::Or, i + 2),
        Some(c @ (b'<' | b'>' | b'=' | b'!')) if next == Some(b'=') => {
            let name = match c {
                b'<' => "LTE",
                b'>' => "GTE",
                b'=' => "EQ",
                _ => "NE",
            };
            (Kind::Compare(name), i + 2)
        }
        Some(c) => {
            let kind = match c {
                b'.' => Kind::Dot,
                b'*' => Kind::Star,
                b',' => Kind::Comma,
                b':' => Kind::Colon,
                b'{' => Kind::Lbrace,
                b'}' => Kind::Rbrace,
                b']' => Kind::Rbracket,
                b'(' => Kind::Lparen,
                b')' => Kind::Rparen,
                b'@' => Kind::Current,
                b'&' => Kind::Expref,
                b'|' => Kind::Pipe,
                b'<' => Kind::Compare("LT"),
                b'>' => Kind::Compare("GT"),
                b'!' => Kind::Not,
                b'=' => Kind::Undefined,
                _ => Kind::Unknown,
            };
            let len = src[i..].chars().next().map_or(1, char::len_utf8);
            (kind, i + len)
        }
    };
    Token {
        kind,
        text: i..end,
    }
}

/// What jmespath.js throws while reading the tokens of `src`, if anything:
/// a character it has no token for, or a quoted name or literal that
/// `JSON.parse` rejects, whichever comes first.
pub(crate) fn lexical_error(src: &str) -> Option<String> {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = quoted_end(b, i);
                if let Some(e) = json_parse_error(&src[i..end]) {
                    return Some(e);
                }
                i = end;
            }
            b'`' => {
                let end = closing_quote(b, i);
                let body = &src[i + 1..end.unwrap_or(b.len())];
                if let Some(e) = json_parse_error(&literal_json_text(body)) {
                    return Some(e);
                }
                i = end.map_or(b.len(), |e| e + 1);
            }
            b'\'' => i = quoted_end(b, i),
            // `[?` is one token; a `?` anywhere else is unknown.
            b'[' if b.get(i + 1) == Some(&b'?') => i += 2,
            c if c.is_ascii_alphanumeric() || b"_.*,:{}[]()@-<>=!&| \t\n".contains(&c) => i += 1,
            _ => {
                let c = src[i..].chars().next()?;
                return Some(format!("Unknown character:{c}"));
            }
        }
    }
    None
}

/// `JSON.parse(text)`'s error message, as V8 words the common cases.
fn json_parse_error(text: &str) -> Option<String> {
    let err = serde_json::from_slice::<serde::de::IgnoredAny>(text.as_bytes()).err()?;
    // serde_json reports a line and a column; V8 an offset in UTF-16 units.
    let mut pos = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i + 1 == err.line() {
            pos += line
                .chars()
                .take(err.column().saturating_sub(1))
                .map(char::len_utf16)
                .sum::<usize>();
            break;
        }
        pos += js::utf16_len(line) + 1;
    }
    let msg = err.to_string();
    Some(if msg.starts_with("EOF while parsing a string") {
        format!(
            "Unterminated string in JSON at position {}",
            js::utf16_len(text)
        )
    } else if msg.starts_with("EOF") {
        "Unexpected end of JSON input".to_string()
    } else if msg.starts_with("invalid escape") {
        format!("Bad escaped character in JSON at position {pos}")
    } else if msg.starts_with("control character") {
        format!("Bad control character in string literal in JSON at position {pos}")
    } else if msg.starts_with("key must be a string") {
        format!("Expected property name or '}}' in JSON at position {pos}")
    } else {
        format!("Unexpected token in JSON at position {pos}")
    })
}

/// An open bracket of the text before the failure, as jmespath.js reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    /// `(`: parentheses or a call's arguments.
    Paren,
    /// `[` of a multi-select list.
    List,
    /// `[?`.
    Filter,
    /// `[` of an index or a slice, with the `:` read so far.
    Index { colons: u8 },
    /// `[*]`.
    StarIndex,
    /// `{`, reading a key, or (`value`) a value.
    Hash { value: bool },
}

/// What jmespath.js was reading where the text reached `at`.
struct Reading {
    /// The innermost open bracket.
    open: Option<Open>,
    /// The token before.
    prev: Option<Kind>,
    /// The token before that.
    prev2: Option<Kind>,
    /// Whether the token before ends a projection's token (`*`, `[*]`,
    /// `[]`, a filter, a slice): its right side comes next.
    projecting: bool,
}

/// Reads the tokens of `src` before `at`.
fn reading(src: &str, at: usize) -> Reading {
    let mut stack: Vec<Open> = Vec::new();
    let mut prev = None;
    let mut prev2 = None;
    let mut projecting = false;
    let mut i = 0;
    loop {
        let t = token_at(src, i);
        if t.text.start >= at || t.kind == Kind::Eof || t.kind == Kind::Unknown {
            break;
        }
        i = t.text.end;
        let mut closed = None;
        match t.kind {
            Kind::Lparen => stack.push(Open::Paren),
            Kind::Filter => stack.push(Open::Filter),
            Kind::Lbrace => stack.push(Open::Hash { value: false }),
            Kind::Lbracket => {
                let next = token_at(src, i);
                stack.push(match next.kind {
                    Kind::Number | Kind::Colon => Open::Index { colons: 0 },
                    Kind::Star if token_at(src, next.text.end).kind == Kind::Rbracket => {
                        Open::StarIndex
                    }
                    _ => Open::List,
                });
            }
            Kind::Colon => match stack.last_mut() {
                Some(Open::Hash { value }) => *value = true,
                Some(Open::Index { colons }) => *colons = colons.saturating_add(1),
                _ => {}
            },
            Kind::Comma => {
                if let Some(Open::Hash { value }) = stack.last_mut() {
                    *value = false;
                }
            }
            Kind::Rbracket | Kind::Rparen | Kind::Rbrace => closed = stack.pop(),
            _ => {}
        }
        projecting = match t.kind {
            Kind::Flatten => true,
            Kind::Star => stack.last() != Some(&Open::StarIndex),
            Kind::Rbracket => matches!(
                closed,
                Some(Open::Filter | Open::StarIndex | Open::Index { colons: 1.. })
            ),
            _ => false,
        };
        prev2 = prev;
        prev = Some(t.kind);
    }
    Reading {
        open: stack.last().copied(),
        prev,
        prev2,
        projecting,
    }
}

/// Whether a token of this type can end an operand.
fn ends_operand(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Unquoted
            | Kind::Quoted
            | Kind::Literal
            | Kind::Current
            | Kind::Rbracket
            | Kind::Rparen
            | Kind::Rbrace
            | Kind::Star
            | Kind::Flatten
    )
}

fn invalid_token(src: &str, t: &Token) -> String {
    format!("Invalid token ({}): \"{}\"", t.kind.name(), t.value(src))
}

fn expected(what: &str, t: &Token) -> String {
    format!("Expected {what}, got: {}", t.kind.name())
}

/// What jmespath.js's `_parseProjectionRHS` throws for `t`.
fn projection_error(src: &str, t: &Token) -> String {
    format!(
        "Sytanx error, unexpected token: {}({})",
        t.value(src),
        t.kind.name()
    )
}

/// jmespath.js's message for a text that pest's grammar rejects at `at`
/// (and whose tokens jmespath.js reads: see [`lexical_error`]).
pub(crate) fn syntax_message(src: &str, at: usize) -> String {
    let t = token_at(src, at);
    if t.kind == Kind::Undefined {
        return CRASH.to_string();
    }
    let r = reading(src, at);
    let wants_operand = match r.prev {
        None => true,
        Some(k) => matches!(
            k,
            Kind::Pipe
                | Kind::Or
                | Kind::And
                | Kind::Compare(_)
                | Kind::Lparen
                | Kind::Filter
                | Kind::Comma
                | Kind::Not
                | Kind::Expref
        ) || (k == Kind::Lbracket && r.open == Some(Open::List))
            || (k == Kind::Colon && r.open == Some(Open::Hash { value: true })),
    };
    let key = matches!(r.prev, Some(Kind::Unquoted | Kind::Quoted));
    match r.open {
        // A name right after a complete value starts the next key (the `,`
        // between pairs is optional to jmespath.js): `:` is due.
        Some(Open::Hash { value: true }) if key && r.prev2.is_some_and(ends_operand) => {
            return expected("Colon", &t)
        }
        Some(Open::Hash { value: false }) => {
            return if key {
                expected("Colon", &t)
            } else {
                format!("Expecting an identifier token, got: {}", t.kind.name())
            }
        }
        // `_parseSliceExpression` reads at most three parts, then wants `]`.
        Some(Open::Index { colons: 3.. }) => return expected("Rbracket", &t),
        // It names a token it cannot read in a slice by the type's fields.
        Some(Open::Index { colons: 1.. }) => {
            return "Syntax error, unexpected token: undefined(undefined)".to_string()
        }
        // An index: one token, then `]`.
        Some(Open::Index { colons: 0 }) => return expected("Rbracket", &t),
        Some(Open::StarIndex) if r.prev == Some(Kind::Star) => return expected("Rbracket", &t),
        _ => {}
    }
    if r.projecting {
        match t.kind.bp() {
            Some(bp) if bp < crate::precedence::PROJECTION_STOP => {}
            _ if matches!(t.kind, Kind::Lbracket | Kind::Filter | Kind::Dot) => {}
            _ => return projection_error(src, &t),
        }
    }
    if wants_operand {
        if t.kind == Kind::Rbracket && r.prev == Some(Kind::Comma) && r.open == Some(Open::List) {
            return "Unexpected token Rbracket".to_string();
        }
        return invalid_token(src, &t);
    }
    // A complete operand before: `{`, `!` and `*` bind, but jmespath.js's
    // `led` has no case for them and names the token after them.
    if matches!(t.kind, Kind::Lbrace | Kind::Not | Kind::Star) {
        return invalid_token(src, &token_at(src, t.text.end));
    }
    match r.open {
        None => format!(
            "Unexpected token type: {}, value: {}",
            t.kind.name(),
            t.value(src)
        ),
        Some(Open::Filter | Open::StarIndex | Open::Index { .. }) => expected("Rbracket", &t),
        Some(Open::Hash { .. }) => {
            format!("Expecting an identifier token, got: {}", t.kind.name())
        }
        Some(Open::Paren | Open::List) => invalid_token(src, &t),
    }
}

/// jmespath.js's message where an item written without a `,` before it
/// (at `next`) cannot continue the item before, which ends with an open
/// projection (`projecting`) or not.
pub(crate) fn juxtaposed_message(src: &str, next: usize, projecting: bool) -> String {
    let t = token_at(src, next);
    if projecting {
        projection_error(src, &t)
    } else {
        invalid_token(src, &token_at(src, t.text.end))
    }
}

/// jmespath.js's message for `[` read as an index after an expression
/// where a list follows (`a[b]`): it wants `*` after the `[` at `at`.
pub(crate) fn expected_star(src: &str, at: usize) -> String {
    let t = token_at(src, at + 1);
    expected("Star", &t)
}

#[cfg(test)]
mod tests {
    use crate::{Dialect, Expression};

    /// Messages that jmespath.js 0.16.0 throws, through the whole parse
    /// (pest's failure position included); the differential test compares
    /// many more with jmespath.js itself.
    #[test]
    fn messages_are_jmespath_js_messages() {
        for (src, want) in [
            ("`{a}`", "Expected property name or '}' in JSON at position 1"),
            ("\"abc", "Unterminated string in JSON at position 4"),
            ("`[1,`", "Unexpected end of JSON input"),
            ("a\rb", "Unknown character:\r"),
            ("a ? b", "Unknown character:?"),
            ("a == 'é' || é", "Unknown character:é"),
            ("@=", "Cannot read properties of undefined (reading 'type')"),
            ("[1", "Expected Rbracket, got: EOF"),
            ("a[1:b]", "Syntax error, unexpected token: undefined(undefined)"),
            ("foo[?a==]", "Invalid token (Rbracket): \"]\""),
            ("a b", "Unexpected token type: UnquotedIdentifier, value: b"),
            ("{a: b c}", "Expected Colon, got: Rbrace"),
            ("", "Invalid token (EOF): \"\""),
            ("a &&", "Invalid token (EOF): \"\""),
            ("f(,)", "Invalid token (Comma): \",\""),
            ("[a,]", "Unexpected token Rbracket"),
            ("a.{}", "Expecting an identifier token, got: Rbrace"),
            ("a[*]{b:c}", "Sytanx error, unexpected token: {(Lbrace)"),
            ("a{b:c}", "Invalid token (UnquotedIdentifier): \"b\""),
            ("{{orgId}}", "Expecting an identifier token, got: Lbrace"),
            ("[?a b]", "Expected Rbracket, got: UnquotedIdentifier"),
            ("a 'x'", "Unexpected token type: Literal, value: x"),
            ("a[*] `1`", "Sytanx error, unexpected token: 1(Literal)"),
            ("{a: b", "Expecting an identifier token, got: EOF"),
            ("a[b]", "Expected Star, got: UnquotedIdentifier"),
            ("\"f\"(a)", "Quoted identifier not allowed for function names."),
            ("[a {b: c}]", "Invalid token (UnquotedIdentifier): \"b\""),
            ("[a[*] 'x']", "Sytanx error, unexpected token: x(Literal)"),
        ] {
            let e = Expression::compile(src, Dialect::Pangolin).expect_err(src);
            assert_eq!(e.js_message.as_deref(), Some(want), "{src:?}: {}", e.message);
        }
        for src in ["a[?b == 'x'].c", "`\"a\"` && 'it\\'s'", "\"a b\"", "[]"] {
            assert_eq!(super::lexical_error(src), None, "{src:?}");
        }
    }
}
