//! The message jmespath.js 0.16.0 throws for an expression it cannot parse.
//!
//! Pangolin logs that message, and users compare it with what rolemap says.
//! The pest grammar decides WHETHER an expression parses; this module only
//! replays jmespath.js's own lexer and Pratt parser on a rejected expression
//! to find WHICH message jmespath.js throws. It builds no tree.

use crate::js;
use crate::jsnum;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Eof,
    Unquoted(String),
    Quoted(String),
    Rbracket,
    Rparen,
    Comma,
    Colon,
    Rbrace,
    Number(Option<i64>),
    Current,
    Expref,
    Pipe,
    Or,
    And,
    Eq,
    Gt,
    Lt,
    Gte,
    Lte,
    Ne,
    Flatten,
    Star,
    Filter,
    Dot,
    Not,
    Lbrace,
    Lbracket,
    Lparen,
    Literal(String),
    /// `=` alone: jmespath.js's lexer pushes `undefined`.
    Missing,
}

impl Tok {
    fn name(&self) -> &'static str {
        match self {
            Tok::Eof => "EOF",
            Tok::Unquoted(_) => "UnquotedIdentifier",
            Tok::Quoted(_) => "QuotedIdentifier",
            Tok::Rbracket => "Rbracket",
            Tok::Rparen => "Rparen",
            Tok::Comma => "Comma",
            Tok::Colon => "Colon",
            Tok::Rbrace => "Rbrace",
            Tok::Number(_) => "Number",
            Tok::Current => "Current",
            Tok::Expref => "Expref",
            Tok::Pipe => "Pipe",
            Tok::Or => "Or",
            Tok::And => "And",
            Tok::Eq => "EQ",
            Tok::Gt => "GT",
            Tok::Lt => "LT",
            Tok::Gte => "GTE",
            Tok::Lte => "LTE",
            Tok::Ne => "NE",
            Tok::Flatten => "Flatten",
            Tok::Star => "Star",
            Tok::Filter => "Filter",
            Tok::Dot => "Dot",
            Tok::Not => "Not",
            Tok::Lbrace => "Lbrace",
            Tok::Lbracket => "Lbracket",
            Tok::Lparen => "Lparen",
            Tok::Literal(_) => "Literal",
            Tok::Missing => "undefined",
        }
    }

    fn value(&self) -> String {
        match self {
            Tok::Eof => String::new(),
            Tok::Unquoted(s) | Tok::Quoted(s) | Tok::Literal(s) => s.clone(),
            Tok::Number(n) => n.map_or_else(|| "NaN".to_string(), |n| n.to_string()),
            Tok::Rbracket => "]".into(),
            Tok::Rparen => ")".into(),
            Tok::Comma => ",".into(),
            Tok::Colon => ":".into(),
            Tok::Rbrace => "}".into(),
            Tok::Current => "@".into(),
            Tok::Expref => "&".into(),
            Tok::Pipe => "|".into(),
            Tok::Or => "||".into(),
            Tok::And => "&&".into(),
            Tok::Eq => "==".into(),
            Tok::Gt => ">".into(),
            Tok::Lt => "<".into(),
            Tok::Gte => ">=".into(),
            Tok::Lte => "<=".into(),
            Tok::Ne => "!=".into(),
            Tok::Flatten => "[]".into(),
            Tok::Star => "*".into(),
            Tok::Filter => "[?".into(),
            Tok::Dot => ".".into(),
            Tok::Not => "!".into(),
            Tok::Lbrace => "{".into(),
            Tok::Lbracket => "[".into(),
            Tok::Lparen => "(".into(),
            Tok::Missing => "undefined".into(),
        }
    }

    /// jmespath.js's `bindingPower` table; `None` where it has no entry.
    fn bp(&self) -> Option<u8> {
        Some(match self {
            Tok::Eof
            | Tok::Unquoted(_)
            | Tok::Quoted(_)
            | Tok::Rbracket
            | Tok::Rparen
            | Tok::Comma
            | Tok::Rbrace
            | Tok::Number(_)
            | Tok::Current
            | Tok::Expref => 0,
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Eq | Tok::Gt | Tok::Lt | Tok::Gte | Tok::Lte | Tok::Ne => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::Lbrace => 50,
            Tok::Lbracket => 55,
            Tok::Lparen => 60,
            Tok::Colon | Tok::Literal(_) | Tok::Missing => return None,
        })
    }
}

const CRASH: &str = "Cannot read properties of undefined (reading 'type')";

/// Deepest nesting the replay follows; beyond it the message is unknown.
const MAX_REPLAY_DEPTH: usize = 150;
const TOO_DEEP: &str = "\u{0}too deep";

/// `JSON.parse(text)`'s error message, as V8 words the common cases.
fn json_parse_error(text: &str) -> Option<String> {
    let err = serde_json::from_slice::<serde::de::IgnoredAny>(text.as_bytes()).err()?;
    let pos: usize = {
        // serde_json reports line/column; turn them into a UTF-16 offset.
        let (line, col) = (err.line(), err.column());
        let mut offset = 0;
        for (i, l) in text.split('\n').enumerate() {
            if i + 1 == line {
                offset += l
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(char::len_utf16)
                    .sum::<usize>();
                break;
            }
            offset += l.encode_utf16().count() + 1;
        }
        offset
    };
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

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = src.chars().collect();
    let n = c.len();
    let mut i = 0;
    let mut out = Vec::new();
    let is_alpha = |ch: char| ch.is_ascii_alphabetic() || ch == '_';
    let is_num = |ch: char| ch.is_ascii_digit() || ch == '-';
    // Scans a quoted body from `i` (past the opening quote) to the closing quote.
    let scan = |i: &mut usize, quote: char| {
        while *i < n && c[*i] != quote {
            if c[*i] == '\\' && *i + 1 < n && (c[*i + 1] == '\\' || c[*i + 1] == quote) {
                *i += 2;
            } else {
                *i += 1;
            }
        }
    };
    while i < n {
        let ch = c[i];
        if is_alpha(ch) {
            let start = i;
            i += 1;
            while i < n && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Unquoted(c[start..i].iter().collect()));
            continue;
        }
        let basic = match ch {
            '.' => Some(Tok::Dot),
            '*' => Some(Tok::Star),
            ',' => Some(Tok::Comma),
            ':' => Some(Tok::Colon),
            '{' => Some(Tok::Lbrace),
            '}' => Some(Tok::Rbrace),
            ']' => Some(Tok::Rbracket),
            '(' => Some(Tok::Lparen),
            ')' => Some(Tok::Rparen),
            '@' => Some(Tok::Current),
            _ => None,
        };
        if let Some(t) = basic {
            out.push(t);
            i += 1;
            continue;
        }
        if is_num(ch) {
            let start = i;
            i += 1;
            while i < n && is_num(c[i]) {
                i += 1;
            }
            let text: String = c[start..i].iter().collect();
            out.push(Tok::Number(jsnum::parse_int_prefix(&text)));
            continue;
        }
        match ch {
            '[' => {
                i += 1;
                out.push(match c.get(i) {
                    Some('?') => {
                        i += 1;
                        Tok::Filter
                    }
                    Some(']') => {
                        i += 1;
                        Tok::Flatten
                    }
                    _ => Tok::Lbracket,
                });
            }
            '"' => {
                let start = i;
                i += 1;
                scan(&mut i, '"');
                i += 1;
                let text: String = c[start..i.min(n)].iter().collect();
                if let Some(e) = json_parse_error(&text) {
                    return Err(e);
                }
                let name: String = serde_json::from_slice(text.as_bytes()).unwrap_or_default();
                out.push(Tok::Quoted(name));
            }
            '\'' => {
                let start = i + 1;
                i += 1;
                scan(&mut i, '\'');
                let body: String = c[start..i.min(n)].iter().collect();
                i += 1;
                out.push(Tok::Literal(body.replacen("\\'", "'", 1)));
            }
            '`' => {
                i += 1;
                let start = i;
                scan(&mut i, '`');
                let body: String = c[start..i.min(n)].iter().collect();
                let text = body
                    .trim_start_matches(jsnum::is_js_space)
                    .replacen("\\`", "`", 1);
                let json_text = if looks_like_json(&text) {
                    text
                } else {
                    format!("\"{text}\"")
                };
                if let Some(e) = json_parse_error(&json_text) {
                    return Err(e);
                }
                let v: serde_json::Value =
                    serde_json::from_slice(json_text.as_bytes()).unwrap_or_default();
                out.push(Tok::Literal(
                    js::to_js_string(&crate::Value::json(&v)).unwrap_or_default(),
                ));
                i += 1;
            }
            '<' | '>' | '=' | '!' => {
                let eq = c.get(i + 1) == Some(&'=');
                out.push(match (ch, eq) {
                    ('!', true) => Tok::Ne,
                    ('!', false) => Tok::Not,
                    ('<', true) => Tok::Lte,
                    ('<', false) => Tok::Lt,
                    ('>', true) => Tok::Gte,
                    ('>', false) => Tok::Gt,
                    ('=', true) => Tok::Eq,
                    _ => Tok::Missing,
                });
                i += if eq { 2 } else { 1 };
            }
            ' ' | '\t' | '\n' => i += 1,
            '&' | '|' => {
                let double = c.get(i + 1) == Some(&ch);
                out.push(match (ch, double) {
                    ('&', true) => Tok::And,
                    ('&', false) => Tok::Expref,
                    ('|', true) => Tok::Or,
                    _ => Tok::Pipe,
                });
                i += if double { 2 } else { 1 };
            }
            other => return Err(format!("Unknown character:{other}")),
        }
    }
    out.push(Tok::Eof);
    Ok(out)
}

fn looks_like_json(s: &str) -> bool {
    match s.chars().next() {
        None => false,
        Some('[' | '{' | '"') => true,
        _ if matches!(s, "true" | "false" | "null") => true,
        Some('-' | '0'..='9') => {
            serde_json::from_slice::<serde::de::IgnoredAny>(s.as_bytes()).is_ok()
        }
        _ => false,
    }
}

struct Parser {
    toks: Vec<Tok>,
    i: usize,
    depth: usize,
}

type R = Result<(), String>;

impl Parser {
    fn la(&self, k: usize) -> Result<&Tok, String> {
        match self.toks.get(self.i + k) {
            Some(Tok::Missing) | None => Err(CRASH.into()),
            Some(t) => Ok(t),
        }
    }

    fn error_token(t: &Tok) -> String {
        format!("Invalid token ({}): \"{}\"", t.name(), t.value())
    }

    fn expect(&mut self, name: &str) -> R {
        let t = self.la(0)?;
        if t.name() == name {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("Expected {name}, got: {}", t.name()))
        }
    }

    fn expression(&mut self, rbp: u8) -> R {
        self.depth += 1;
        if self.depth > MAX_REPLAY_DEPTH {
            return Err(TOO_DEEP.into());
        }
        let left = self.la(0)?.clone();
        self.i += 1;
        self.nud(&left)?;
        loop {
            let t = self.la(0)?.clone();
            match t.bp() {
                Some(bp) if rbp < bp => {
                    self.i += 1;
                    self.led(&t)?;
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn nud(&mut self, t: &Tok) -> R {
        match t {
            Tok::Literal(_) | Tok::Unquoted(_) | Tok::Current => Ok(()),
            Tok::Quoted(_) => {
                if *self.la(0)? == Tok::Lparen {
                    return Err("Quoted identifier not allowed for function names.".into());
                }
                Ok(())
            }
            Tok::Not => self.expression(45),
            Tok::Star => {
                if *self.la(0)? == Tok::Rbracket {
                    Ok(())
                } else {
                    self.projection_rhs(20)
                }
            }
            Tok::Filter => self.led(&Tok::Filter),
            Tok::Lbrace => self.multi_hash(),
            Tok::Flatten => self.projection_rhs(9),
            Tok::Lbracket => {
                let next = self.la(0)?;
                if matches!(next, Tok::Number(_) | Tok::Colon) {
                    self.index_expression()
                } else if *next == Tok::Star && *self.la(1)? == Tok::Rbracket {
                    self.i += 2;
                    self.projection_rhs(20)
                } else {
                    self.multi_list()
                }
            }
            Tok::Expref => self.expression(0),
            Tok::Lparen => {
                while *self.la(0)? != Tok::Rparen {
                    if *self.la(0)? == Tok::Current {
                        self.i += 1;
                    } else {
                        self.expression(0)?;
                    }
                }
                self.expect("Rparen")
            }
            other => Err(Self::error_token(other)),
        }
    }

    fn led(&mut self, t: &Tok) -> R {
        match t {
            Tok::Dot => {
                if *self.la(0)? != Tok::Star {
                    self.dot_rhs(40)
                } else {
                    self.i += 1;
                    self.projection_rhs(40)
                }
            }
            Tok::Pipe => self.expression(1),
            Tok::Or => self.expression(2),
            Tok::And => self.expression(3),
            Tok::Lparen => {
                while *self.la(0)? != Tok::Rparen {
                    if *self.la(0)? == Tok::Current {
                        self.i += 1;
                    } else {
                        self.expression(0)?;
                    }
                    if *self.la(0)? == Tok::Comma {
                        self.i += 1;
                    }
                }
                self.expect("Rparen")
            }
            Tok::Filter => {
                self.expression(0)?;
                self.expect("Rbracket")?;
                if *self.la(0)? == Tok::Flatten {
                    Ok(())
                } else {
                    self.projection_rhs(21)
                }
            }
            Tok::Flatten => self.projection_rhs(9),
            Tok::Eq | Tok::Ne | Tok::Gt | Tok::Gte | Tok::Lt | Tok::Lte => self.expression(5),
            Tok::Lbracket => {
                if matches!(self.la(0)?, Tok::Number(_) | Tok::Colon) {
                    return self.index_expression();
                }
                self.expect("Star")?;
                self.expect("Rbracket")?;
                self.projection_rhs(20)
            }
            _ => Err(Self::error_token(self.la(0)?)),
        }
    }

    fn index_expression(&mut self) -> R {
        if *self.la(0)? == Tok::Colon || *self.la(1)? == Tok::Colon {
            let mut index = 0;
            loop {
                let t = self.la(0)?;
                if *t == Tok::Rbracket || index >= 3 {
                    break;
                }
                match t {
                    Tok::Colon => {
                        index += 1;
                        self.i += 1
                    }
                    Tok::Number(_) => self.i += 1,
                    _ => return Err("Syntax error, unexpected token: undefined(undefined)".into()),
                }
            }
            self.expect("Rbracket")?;
            self.projection_rhs(20)
        } else {
            self.i += 1;
            self.expect("Rbracket")
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> R {
        match self.la(0)? {
            Tok::Unquoted(_) | Tok::Quoted(_) | Tok::Star => self.expression(rbp),
            Tok::Lbracket => {
                self.i += 1;
                self.multi_list()
            }
            Tok::Lbrace => {
                self.i += 1;
                self.multi_hash()
            }
            // jmespath.js returns `undefined` here and crashes on it when evaluating.
            _ => Ok(()),
        }
    }

    fn projection_rhs(&mut self, rbp: u8) -> R {
        let t = self.la(0)?.clone();
        if t.bp().is_some_and(|bp| bp < 10) {
            return Ok(());
        }
        match t {
            Tok::Lbracket | Tok::Filter => self.expression(rbp),
            Tok::Dot => {
                self.i += 1;
                self.dot_rhs(rbp)
            }
            _ => Err(format!(
                "Sytanx error, unexpected token: {}({})",
                t.value(),
                t.name()
            )),
        }
    }

    fn multi_list(&mut self) -> R {
        while *self.la(0)? != Tok::Rbracket {
            self.expression(0)?;
            if *self.la(0)? == Tok::Comma {
                self.i += 1;
                if *self.la(0)? == Tok::Rbracket {
                    return Err("Unexpected token Rbracket".into());
                }
            }
        }
        self.expect("Rbracket")
    }

    fn multi_hash(&mut self) -> R {
        loop {
            let key = self.la(0)?;
            if !matches!(key, Tok::Unquoted(_) | Tok::Quoted(_)) {
                return Err(format!(
                    "Expecting an identifier token, got: {}",
                    key.name()
                ));
            }
            self.i += 1;
            self.expect("Colon")?;
            self.expression(0)?;
            match self.la(0)? {
                Tok::Comma => self.i += 1,
                Tok::Rbrace => {
                    self.i += 1;
                    return Ok(());
                }
                _ => {}
            }
        }
    }
}

/// What jmespath.js throws when it parses `src`, or `None` if it parses it.
/// Expressions that jmespath.js parses into a tree it then cannot evaluate
/// (`foo.`) give the error it throws when evaluating them.
pub(crate) fn parse_error(src: &str) -> Option<String> {
    let toks = match lex(src) {
        Ok(t) => t,
        Err(e) => return Some(e),
    };
    let dangling = dangling_dot(&toks);
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let result = p.expression(0).and_then(|()| {
        let t = p.la(0)?;
        if *t == Tok::Eof {
            Ok(())
        } else {
            Err(format!(
                "Unexpected token type: {}, value: {}",
                t.name(),
                t.value()
            ))
        }
    });
    match result {
        Err(e) if e == TOO_DEEP => None,
        Err(e) => Some(e),
        Ok(()) if dangling => Some(CRASH.into()),
        Ok(()) => None,
    }
}

/// Whether a `.` is followed by something its right side cannot start with.
fn dangling_dot(toks: &[Tok]) -> bool {
    toks.windows(2).any(|w| {
        w[0] == Tok::Dot
            && !matches!(
                w[1],
                Tok::Unquoted(_) | Tok::Quoted(_) | Tok::Star | Tok::Lbracket | Tok::Lbrace
            )
    })
}

#[cfg(test)]
mod tests {
    use super::parse_error;

    #[test]
    fn messages_match_jmespath_js() {
        for (src, want) in [
            ("@=", "Cannot read properties of undefined (reading 'type')"),
            (
                "foo.",
                "Cannot read properties of undefined (reading 'type')",
            ),
            ("[1", "Expected Rbracket, got: EOF"),
            (
                "a[1:b]",
                "Syntax error, unexpected token: undefined(undefined)",
            ),
            (
                "`{a}`",
                "Expected property name or '}' in JSON at position 1",
            ),
            ("\"abc", "Unterminated string in JSON at position 4"),
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
            ("`[1,`", "Unexpected end of JSON input"),
            ("{{orgId}}", "Expecting an identifier token, got: Lbrace"),
            ("a\rb", "Unknown character:\r"),
        ] {
            assert_eq!(parse_error(src).as_deref(), Some(want), "{src:?}");
        }
        assert_eq!(parse_error("contains(groups 'a')"), None);
    }
}
