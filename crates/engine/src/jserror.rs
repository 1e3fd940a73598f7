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
use crate::precedence::PROJECTION_STOP;
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

    /// Whether jmespath.js's `nud` reads the token (it starts an operand).
    fn starts_operand(self) -> bool {
        matches!(
            self,
            Kind::Literal
                | Kind::Unquoted
                | Kind::Quoted
                | Kind::Current
                | Kind::Not
                | Kind::Star
                | Kind::Filter
                | Kind::Lbrace
                | Kind::Flatten
                | Kind::Lbracket
                | Kind::Expref
                | Kind::Lparen
        )
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
    let text = js::to_js_string(&crate::Value::json(&value)).unwrap_or_default();
    text
}

/// The text jmespath.js hands `JSON.parse` for a literal's body.
fn literal_json_text(body: &str) -> String {
    let text = body
        .trim_start_matches(jsnum::is_js_space)
        .replacen("\\`", "`", 1);
    if crate::js::looks_like_json(&text) {
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
    Token { kind, text: i..end }
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
                // JavaScript indexes UTF-16 units: beyond the BMP it names
                // the first half of a surrogate pair, shown as U+FFFD.
                let c = src[i..].chars().next()?;
                let c = if c.len_utf16() == 1 { c } else { '\u{fffd}' };
                return Some(format!("Unknown character:{c}"));
            }
        }
    }
    None
}

/// `JSON.parse(text)`'s error message, as V8 (Node 20) words the common
/// cases; the rest get its generic wording.
fn json_parse_error(text: &str) -> Option<String> {
    let err = serde_json::from_slice::<serde::de::IgnoredAny>(text.as_bytes()).err()?;
    let msg = err.to_string();
    // serde_json reports a line and a column (0 on the line's `\n`, else
    // the 1-based column of the character it stopped after); V8 an offset
    // in UTF-16 units.
    let line_start: usize = text
        .split('\n')
        .take(err.line().saturating_sub(1))
        .map(|l| js::utf16_len(l) + 1)
        .sum();
    let line = text
        .split('\n')
        .nth(err.line().saturating_sub(1))
        .unwrap_or("");
    let column: usize = line
        .chars()
        .take(err.column().saturating_sub(1))
        .map(char::len_utf16)
        .sum();
    let mut pos = (line_start + column).saturating_sub(usize::from(err.column() == 0));
    // A control character: serde_json has read it, V8 names its position.
    if msg.starts_with("control character") && err.column() > 0 {
        pos += 1;
    }
    let at = |what: &str| format!("{what} in JSON at position {pos}");
    Some(if msg.starts_with("EOF while parsing a string") {
        format!(
            "Unterminated string in JSON at position {}",
            js::utf16_len(text)
        )
    } else if msg.starts_with("EOF") {
        "Unexpected end of JSON input".to_string()
    } else if msg.starts_with("invalid escape") {
        at("Bad escaped character")
    } else if msg.starts_with("control character") {
        at("Bad control character in string literal")
    } else if msg.starts_with("key must be a string") {
        at("Expected property name or '}'")
    } else if msg.starts_with("trailing characters") {
        format!("Unexpected non-whitespace character after JSON at position {pos}")
    } else if msg.starts_with("expected `,` or `]`") {
        format!("Expected ',' or ']' after array element in JSON at position {pos}")
    } else if msg.starts_with("expected `,` or `}`") {
        format!("Expected ',' or '}}' after property value in JSON at position {pos}")
    } else if msg.starts_with("expected `:`") {
        format!("Expected ':' after property name in JSON at position {pos}")
    } else {
        unexpected_token(text, pos)
    })
}

/// V8's message for a character `JSON.parse` cannot start a value with, at
/// UTF-16 offset `pos`: the text quoted whole when short, else ten units
/// either side.
fn unexpected_token(text: &str, pos: usize) -> String {
    const CONTEXT: usize = 10;
    let units: Vec<u16> = text.encode_utf16().collect();
    let Some(&unit) = units.get(pos) else {
        return "Unexpected end of JSON input".to_string();
    };
    let c = String::from_utf16_lossy(&[unit]);
    let slice =
        |from: usize, to: usize| String::from_utf16_lossy(&units[from..to.min(units.len())]);
    let len = units.len();
    if len <= 2 * CONTEXT {
        format!("Unexpected token '{c}', \"{text}\" is not valid JSON")
    } else if pos < CONTEXT {
        let s = slice(0, pos + CONTEXT);
        format!("Unexpected token '{c}', \"{s}\"... is not valid JSON")
    } else if pos >= len - CONTEXT {
        let s = slice(pos - CONTEXT, len);
        format!("Unexpected token '{c}', ...\"{s}\" is not valid JSON")
    } else {
        let s = slice(pos - CONTEXT, pos + CONTEXT);
        format!("Unexpected token '{c}', ...\"{s}\"... is not valid JSON")
    }
}

/// An open bracket of the text before the failure, as jmespath.js reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    /// `(`: a call's arguments (`call`) or parentheses.
    Paren { call: bool },
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

/// What jmespath.js was reading where the text reached a token.
#[derive(Default)]
struct Reading {
    /// The open brackets, innermost last.
    stack: Vec<Open>,
    /// The token before.
    prev: Option<Kind>,
    /// The token before that.
    prev2: Option<Kind>,
    /// Whether the token before ends a projection's token (`*`, `[*]`,
    /// `[]`, a filter, a slice): its right side comes next.
    projecting: bool,
    /// Whether the token before is a bare `@` argument (jmespath.js takes
    /// it alone: the next argument starts after it).
    bare_current: bool,
}

impl Reading {
    fn open(&self) -> Option<Open> {
        self.stack.last().copied()
    }

    /// Whether a key of a multi-select hash comes next.
    fn at_key(&self) -> bool {
        self.open() == Some(Open::Hash { value: false })
    }

    /// Whether jmespath.js reads the next token with `led` (a complete
    /// operand is before it, and it binds).
    fn after_operand(&self) -> bool {
        let star_of_index = self.prev == Some(Kind::Star) && self.open() == Some(Open::StarIndex);
        let open = self.projecting || self.bare_current || self.at_key() || star_of_index;
        !open && self.prev.is_some_and(ends_operand)
    }

    /// Whether jmespath.js's `nud` reads the next token (an operand must
    /// start there).
    fn wants_operand(&self) -> bool {
        match self.prev {
            None => true,
            Some(k) => {
                matches!(
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
                ) || (k == Kind::Lbracket && self.open() == Some(Open::List))
                    || (k == Kind::Colon && self.open() == Some(Open::Hash { value: true }))
            }
        }
    }

    /// Where jmespath.js fails at `t` (which starts at or before pest's
    /// failure), its message: the checks its parser makes on reading a
    /// token, which pest's grammar leaves to the lowering or to a later
    /// token.
    fn fails_at(&self, src: &str, t: &Token) -> Option<String> {
        let next = || token_at(src, t.text.end);
        // After a `.` that no name, `*`, `[` or `{` follows, jmespath.js's
        // right side is nothing and the token binds to what is before.
        let dangling = self.prev == Some(Kind::Dot)
            && !matches!(
                t.kind,
                Kind::Unquoted | Kind::Quoted | Kind::Star | Kind::Lbracket | Kind::Lbrace
            );
        if self.projecting {
            let stops = t.kind.bp().is_some_and(|bp| bp < PROJECTION_STOP);
            if !stops && !matches!(t.kind, Kind::Lbracket | Kind::Filter | Kind::Dot) {
                return Some(projection_error(src, t));
            }
        }
        if self.after_operand() || dangling {
            match t.kind {
                Kind::Lbracket => return index_error(src, t),
                // `{`, `!` and `*` bind, but `led` has no case for them
                // and names the token after them.
                Kind::Lbrace | Kind::Not | Kind::Star => return Some(invalid_token(src, &next())),
                _ => {}
            }
        }
        if t.kind == Kind::Quoted
            && !self.at_key()
            && (!self.after_operand()
                || matches!(self.open(), Some(Open::Paren { .. } | Open::List)))
            && next().kind == Kind::Lparen
        {
            return Some("Quoted identifier not allowed for function names.".to_string());
        }
        if let (Kind::Current, Some(Open::Paren { call })) = (t.kind, self.open()) {
            // A bare `@` is a whole argument: the next one starts after it.
            let item_start = self.is_bare_current();
            let mut n = next();
            if call && n.kind == Kind::Comma {
                n = token_at(src, n.text.end);
            }
            let fine = n.kind.starts_operand() || matches!(n.kind, Kind::Rparen | Kind::Current);
            if item_start && !fine {
                return Some(invalid_token(src, &n));
            }
        }
        None
    }

    /// Whether the `@` token that comes next is a bare argument.
    fn is_bare_current(&self) -> bool {
        let Some(Open::Paren { call }) = self.open() else {
            return false;
        };
        matches!(self.prev, Some(Kind::Lparen))
            || self.bare_current
            || (call && self.prev == Some(Kind::Comma))
            || self.after_operand()
    }

    /// Takes in the token `t`.
    fn step(&mut self, src: &str, t: &Token) {
        let bare = t.kind == Kind::Current && self.is_bare_current();
        let mut closed = None;
        match t.kind {
            Kind::Lparen => self.stack.push(Open::Paren {
                call: self.after_operand(),
            }),
            Kind::Filter => self.stack.push(Open::Filter),
            Kind::Lbrace => self.stack.push(Open::Hash { value: false }),
            Kind::Lbracket => {
                let next = token_at(src, t.text.end);
                let open = match next.kind {
                    // `.[` is always a list.
                    _ if self.prev == Some(Kind::Dot) => Open::List,
                    Kind::Number | Kind::Colon => Open::Index { colons: 0 },
                    Kind::Star if token_at(src, next.text.end).kind == Kind::Rbracket => {
                        Open::StarIndex
                    }
                    _ => Open::List,
                };
                self.stack.push(open);
            }
            Kind::Colon => match self.stack.last_mut() {
                Some(Open::Hash { value }) => *value = true,
                Some(Open::Index { colons }) => *colons = colons.saturating_add(1),
                _ => {}
            },
            Kind::Comma => {
                if let Some(Open::Hash { value }) = self.stack.last_mut() {
                    *value = false;
                }
            }
            Kind::Rbracket | Kind::Rparen | Kind::Rbrace => closed = self.stack.pop(),
            _ => {}
        }
        self.projecting = match t.kind {
            Kind::Flatten => true,
            Kind::Star => self.open() != Some(Open::StarIndex),
            Kind::Rbracket => matches!(
                closed,
                Some(Open::Filter | Open::StarIndex | Open::Index { colons: 1.. })
            ),
            _ => false,
        };
        self.bare_current = bare;
        self.prev2 = self.prev;
        self.prev = Some(t.kind);
    }
}

/// Reads the tokens of `src` up to the one at `at`: what jmespath.js was
/// reading there, or its message where it fails before.
fn reading(src: &str, at: usize) -> Result<(Reading, Token), String> {
    let mut r = Reading::default();
    let mut i = 0;
    loop {
        let t = token_at(src, i);
        if let Some(message) = r.fails_at(src, &t) {
            return Err(message);
        }
        if t.text.start >= at || matches!(t.kind, Kind::Eof | Kind::Unknown | Kind::Undefined) {
            return Ok((r, t));
        }
        i = t.text.end;
        r.step(src, &t);
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
    let (r, t) = match reading(src, at) {
        Ok(found) => found,
        Err(message) => return message,
    };
    if t.kind == Kind::Undefined {
        return CRASH.to_string();
    }
    let key = matches!(r.prev, Some(Kind::Unquoted | Kind::Quoted));
    match r.open() {
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
    if r.wants_operand() {
        if t.kind == Kind::Rbracket && r.prev == Some(Kind::Comma) && r.open() == Some(Open::List) {
            return "Unexpected token Rbracket".to_string();
        }
        return invalid_token(src, &t);
    }
    match r.open() {
        None => format!(
            "Unexpected token type: {}, value: {}",
            t.kind.name(),
            t.value(src)
        ),
        Some(Open::Filter | Open::StarIndex | Open::Index { .. }) => expected("Rbracket", &t),
        Some(Open::Hash { .. }) => {
            format!("Expecting an identifier token, got: {}", t.kind.name())
        }
        Some(Open::Paren { .. } | Open::List) => invalid_token(src, &t),
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
/// where a list follows (`a[b]`, the `[` at `at`).
pub(crate) fn expected_star(src: &str, at: usize) -> Option<String> {
    index_error(src, &token_at(src, at))
}

/// What jmespath.js's `led` throws for the `[` token `t` after an operand,
/// if anything: an index or a slice, or `[*]`, must follow.
fn index_error(src: &str, t: &Token) -> Option<String> {
    let n = token_at(src, t.text.end);
    match n.kind {
        Kind::Number | Kind::Colon => None,
        Kind::Star => {
            let close = token_at(src, n.text.end);
            (close.kind != Kind::Rbracket).then(|| expected("Rbracket", &close))
        }
        _ => Some(expected("Star", &n)),
    }
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
            (
                "`{a}`",
                "Expected property name or '}' in JSON at position 1",
            ),
            ("\"abc", "Unterminated string in JSON at position 4"),
            ("`[1,`", "Unexpected end of JSON input"),
            ("a\rb", "Unknown character:\r"),
            ("a ? b", "Unknown character:?"),
            ("a == 'é' || é", "Unknown character:é"),
            ("@=", "Cannot read properties of undefined (reading 'type')"),
            ("[1", "Expected Rbracket, got: EOF"),
            (
                "a[1:b]",
                "Syntax error, unexpected token: undefined(undefined)",
            ),
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
            (
                "\"f\"(a)",
                "Quoted identifier not allowed for function names.",
            ),
            ("[a {b: c}]", "Invalid token (UnquotedIdentifier): \"b\""),
            ("[a[*] 'x']", "Sytanx error, unexpected token: x(Literal)"),
        ] {
            let e = Expression::compile(src, Dialect::Pangolin).expect_err(src);
            assert_eq!(
                e.js_message.as_deref(),
                Some(want),
                "{src:?}: {}",
                e.message
            );
        }
        for src in ["a[?b == 'x'].c", "`\"a\"` && 'it\\'s'", "\"a b\"", "[]"] {
            assert_eq!(super::lexical_error(src), None, "{src:?}");
        }
    }
}
