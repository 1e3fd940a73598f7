//! The Go engines' lexer: the text becomes tokens first, and the parser
//! (`parse.rs`) folds them by binding powers. What it reads:
//!
//! - names `[A-Za-z_][A-Za-z0-9_]*`; a `-` right before a digit starts a
//!   number (`-1`), so `a-1` is two tokens and `a - 1` three;
//! - `'raw'` strings, where `\'` and (in the community engine) `\\` are
//!   escapes; `` `json` `` literals with `` \` ``; `"quoted"` names read as
//!   JSON strings;
//! - in the community engine: `+ - * / // % × ÷ −`, `$`, `$name`, `=`.

use crate::ast::Span;
use crate::error::Error;

use super::GoRules;

/// The kinds of tokens (their Go names are what the engine's messages show).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Star,
    Dot,
    Filter,
    Flatten,
    Lparen,
    Rparen,
    Lbracket,
    Rbracket,
    Lbrace,
    Rbrace,
    Or,
    Pipe,
    Number,
    UnquotedIdentifier,
    QuotedIdentifier,
    Comma,
    Colon,
    Plus,
    Minus,
    Multiply,
    Divide,
    Modulo,
    Div,
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
    Ne,
    JsonLiteral,
    StringLiteral,
    Current,
    Root,
    Expref,
    And,
    Not,
    Varref,
    Assign,
    /// `=` alone in v0.4.0 (it fails where the parser meets it).
    Unknown,
    Eof,
}

impl Tok {
    /// The name the Go engine's messages give the token type.
    pub(crate) fn go_name(self, community: bool) -> &'static str {
        // The community engine names them `TOKStar`, v0.4.0 `tStar`.
        let (c, o) = match self {
            Tok::Star => ("TOKStar", "tStar"),
            Tok::Dot => ("TOKDot", "tDot"),
            Tok::Filter => ("TOKFilter", "tFilter"),
            Tok::Flatten => ("TOKFlatten", "tFlatten"),
            Tok::Lparen => ("TOKLparen", "tLparen"),
            Tok::Rparen => ("TOKRparen", "tRparen"),
            Tok::Lbracket => ("TOKLbracket", "tLbracket"),
            Tok::Rbracket => ("TOKRbracket", "tRbracket"),
            Tok::Lbrace => ("TOKLbrace", "tLbrace"),
            Tok::Rbrace => ("TOKRbrace", "tRbrace"),
            Tok::Or => ("TOKOr", "tOr"),
            Tok::Pipe => ("TOKPipe", "tPipe"),
            Tok::Number => ("TOKNumber", "tNumber"),
            Tok::UnquotedIdentifier => ("TOKUnquotedIdentifier", "tUnquotedIdentifier"),
            Tok::QuotedIdentifier => ("TOKQuotedIdentifier", "tQuotedIdentifier"),
            Tok::Comma => ("TOKComma", "tComma"),
            Tok::Colon => ("TOKColon", "tColon"),
            Tok::Plus => ("TOKPlus", "tPlus"),
            Tok::Minus => ("TOKMinus", "tMinus"),
            Tok::Multiply => ("TOKMultiply", "tMultiply"),
            Tok::Divide => ("TOKDivide", "tDivide"),
            Tok::Modulo => ("TOKModulo", "tModulo"),
            Tok::Div => ("TOKDiv", "tDiv"),
            Tok::Lt => ("TOKLT", "tLT"),
            Tok::Lte => ("TOKLTE", "tLTE"),
            Tok::Gt => ("TOKGT", "tGT"),
            Tok::Gte => ("TOKGTE", "tGTE"),
            Tok::Eq => ("TOKEQ", "tEQ"),
            Tok::Ne => ("TOKNE", "tNE"),
            Tok::JsonLiteral => ("TOKJSONLiteral", "tJSONLiteral"),
            Tok::StringLiteral => ("TOKStringLiteral", "tStringLiteral"),
            Tok::Current => ("TOKCurrent", "tCurrent"),
            Tok::Root => ("TOKRoot", "tRoot"),
            Tok::Expref => ("TOKExpref", "tExpref"),
            Tok::And => ("TOKAnd", "tAnd"),
            Tok::Not => ("TOKNot", "tNot"),
            Tok::Varref => ("TOKVarref", "tVarref"),
            Tok::Assign => ("TOKAssign", "tAssign"),
            Tok::Unknown => ("TOKUnknown", "tUnknown"),
            Tok::Eof => ("TOKEOF", "tEOF"),
        };
        if community {
            c
        } else {
            o
        }
    }
}

/// One token: its type, its value (names and strings unescaped) and where
/// it is (bytes).
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub value: String,
    pub span: Span,
}

/// A lexing error with the Go engine's message.
fn error(message: &str, go: String, at: usize, end: usize) -> Error {
    Error::syntax(message.to_string(), Span::new(at, end.max(at))).with_js(go)
}

/// The tokens of `src`, ending with [`Tok::Eof`].
pub(crate) fn tokenize(src: &str, rules: &GoRules) -> Result<Vec<Token>, Error> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    while i < src.len() {
        let c = src[i..].chars().next().expect("in bounds");
        let start = i;
        let w = c.len_utf8();
        let simple = |tok: Tok, len: usize| Token {
            tok,
            value: src[start..start + len].to_string(),
            span: Span::new(start, start + len),
        };
        let two = |second: u8, long: Tok, short: Tok| {
            if b.get(start + 1) == Some(&second) {
                simple(long, 2)
            } else {
                simple(short, 1)
            }
        };
        let t = match c {
            'a'..='z' | 'A'..='Z' | '_' => {
                let end = ident_end(b, i + 1);
                simple(Tok::UnquotedIdentifier, end - start)
            }
            '.' => simple(Tok::Dot, 1),
            '*' => simple(Tok::Star, 1),
            ',' => simple(Tok::Comma, 1),
            ':' => simple(Tok::Colon, 1),
            '{' => simple(Tok::Lbrace, 1),
            '}' => simple(Tok::Rbrace, 1),
            ']' => simple(Tok::Rbracket, 1),
            '(' => simple(Tok::Lparen, 1),
            ')' => simple(Tok::Rparen, 1),
            '@' => simple(Tok::Current, 1),
            '+' if rules.community => simple(Tok::Plus, 1),
            '%' if rules.community => simple(Tok::Modulo, 1),
            '\u{2212}' if rules.community => simple(Tok::Minus, w),
            '\u{00d7}' if rules.community => simple(Tok::Multiply, w),
            '\u{00f7}' if rules.community => simple(Tok::Divide, w),
            '-' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let end = digits_end(b, i + 1);
                simple(Tok::Number, end - start)
            }
            '-' if rules.community => simple(Tok::Minus, 1),
            // v0.4.0: a `-` always starts a number, digits or not.
            '-' => simple(Tok::Number, digits_end(b, i + 1) - start),
            '0'..='9' => {
                let end = digits_end(b, i);
                simple(Tok::Number, end - start)
            }
            '/' if rules.community => two(b'/', Tok::Div, Tok::Divide),
            '[' => match b.get(i + 1) {
                Some(b'?') => simple(Tok::Filter, 2),
                Some(b']') => simple(Tok::Flatten, 2),
                _ => simple(Tok::Lbracket, 1),
            },
            '"' => quoted_identifier(src, i)?,
            '\'' => raw_string(src, i, rules)?,
            '`' => json_literal(src, i)?,
            '|' => two(b'|', Tok::Or, Tok::Pipe),
            '<' => two(b'=', Tok::Lte, Tok::Lt),
            '>' => two(b'=', Tok::Gte, Tok::Gt),
            '!' => two(b'=', Tok::Ne, Tok::Not),
            '$' if rules.community => {
                let end = ident_end(b, i + 1);
                let tok = if end == i + 1 { Tok::Root } else { Tok::Varref };
                simple(tok, end - start)
            }
            '=' if rules.community => two(b'=', Tok::Eq, Tok::Assign),
            '=' => two(b'=', Tok::Eq, Tok::Unknown),
            '&' => two(b'&', Tok::And, Tok::Expref),
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            _ => {
                return Err(error(
                    &format!(
                        "unexpected character {} (U+{:04X}) for Grafana's engine",
                        crate::quote::quoted_char(c),
                        c as u32
                    ),
                    format!("SyntaxError: Unknown char: {}", quote_go_rune(c)),
                    i,
                    i + w,
                ))
            }
        };
        i = t.span.end;
        out.push(t);
    }
    out.push(Token {
        tok: Tok::Eof,
        value: String::new(),
        span: Span::at(src.len()),
    });
    Ok(out)
}

fn ident_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    i
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Go's `strconv.QuoteRuneToASCII`.
pub(crate) fn quote_go_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        '\x07' => "'\\a'".into(),
        '\x08' => "'\\b'".into(),
        '\x0c' => "'\\f'".into(),
        '\n' => "'\\n'".into(),
        '\r' => "'\\r'".into(),
        '\t' => "'\\t'".into(),
        '\x0b' => "'\\v'".into(),
        ' '..='~' => format!("'{c}'"),
        c if (c as u32) < 0x10000 => format!("'\\u{:04x}'", c as u32),
        c => format!("'\\U{:08x}'", c as u32),
    }
}

/// The text up to the closing `end`, a backslash escaping the next
/// character; `None` when the text ends first.
fn until(src: &str, from: usize, end: u8) -> Option<usize> {
    let b = src.as_bytes();
    let mut i = from;
    while i < b.len() {
        if b[i] == end {
            return Some(i);
        }
        if b[i] == b'\\' && i + 1 < b.len() {
            i += 1;
        }
        i += 1;
    }
    None
}

fn unclosed(src: &str, start: usize, delim: char) -> Error {
    error(
        &format!("no closing {delim} for the one here"),
        format!("SyntaxError: Unclosed delimiter: {delim}"),
        start,
        src.len(),
    )
}

fn json_literal(src: &str, start: usize) -> Result<Token, Error> {
    let close = until(src, start + 1, b'`').ok_or_else(|| unclosed(src, start, '`'))?;
    Ok(Token {
        tok: Tok::JsonLiteral,
        value: src[start + 1..close].replace("\\`", "`"),
        span: Span::new(start, close + 1),
    })
}

fn quoted_identifier(src: &str, start: usize) -> Result<Token, Error> {
    let close = until(src, start + 1, b'"').ok_or_else(|| unclosed(src, start, '"'))?;
    let text = &src[start..=close];
    let value = super::json::parse_string(text).map_err(|go| {
        Error::syntax(
            format!("invalid quoted name {text}: {go}"),
            Span::new(start, close + 1),
        )
        .with_js(go)
    })?;
    Ok(Token {
        tok: Tok::QuotedIdentifier,
        value,
        span: Span::new(start, close + 1),
    })
}

/// A raw string: `\'` is `'`, and in the community engine `\\` is `\`;
/// every other backslash stays.
fn raw_string(src: &str, start: usize, rules: &GoRules) -> Result<Token, Error> {
    let b = src.as_bytes();
    let mut value = String::new();
    let mut i = start + 1;
    let mut chunk = i;
    loop {
        if i >= b.len() {
            return Err(unclosed(src, start, '\''));
        }
        match b[i] {
            b'\'' => break,
            b'\\'
                if b.get(i + 1) == Some(&b'\'')
                    || (rules.community && b.get(i + 1) == Some(&b'\\')) =>
            {
                value.push_str(&src[chunk..i]);
                value.push(b[i + 1] as char);
                i += 2;
                chunk = i;
            }
            _ => i += 1,
        }
    }
    value.push_str(&src[chunk..i]);
    Ok(Token {
        tok: Tok::StringLiteral,
        value,
        span: Span::new(start, i + 1),
    })
}

/// Temporary: the grammar's tokens (`lex.rs`) equal this lexer's, errors
/// (message, Go text, span) included, on random texts and on every text one
/// edit away from an expression of the compliance suites.
#[cfg(test)]
mod equal_to_the_grammar {
    use crate::dialect::Dialect;

    type Lexed =
        Result<Vec<(&'static str, String, usize, usize)>, (String, Option<String>, usize, usize)>;

    fn rules(community: bool) -> &'static super::GoRules {
        if community {
            Dialect::Grafana
        } else {
            Dialect::GrafanaLegacy
        }
        .rules()
        .go
        .expect("go")
    }

    fn old(src: &str, community: bool) -> Lexed {
        super::tokenize(src, rules(community))
            .map(|ts| {
                ts.into_iter()
                    .map(|t| (t.tok.go_name(community), t.value, t.span.start, t.span.end))
                    .collect()
            })
            .map_err(|e| (e.message, e.js_message, e.span.start, e.span.end))
    }

    fn new(src: &str, community: bool) -> Lexed {
        crate::go::lex::tokenize(src, rules(community))
            .map(|ts| {
                ts.into_iter()
                    .map(|t| (t.tok.go_name(community), t.value, t.span.start, t.span.end))
                    .collect()
            })
            .map_err(|e| (e.message, e.js_message, e.span.start, e.span.end))
    }

    type Parsed = Result<String, (crate::ErrorKind, String, Option<String>, usize, usize)>;

    fn parsed(r: Result<crate::Node, crate::Error>) -> Parsed {
        r.map(|n| format!("{n:?}"))
            .map_err(|e| (e.kind, e.message, e.js_message, e.span.start, e.span.end))
    }

    fn old_parse(src: &str, community: bool) -> Parsed {
        let limits = crate::Limits::default();
        parsed(limits.check_length(src).and_then(|()| {
            let tokens = super::tokenize(src, rules(community))?;
            crate::go::parse_old::parse(&tokens, rules(community), limits.max_depth)
        }))
    }

    fn new_parse(src: &str, community: bool) -> Parsed {
        parsed(crate::go::parse(
            src,
            rules(community),
            &crate::Limits::default(),
        ))
    }

    const PIECES: &[&str] = &[
        "a",
        "b",
        "foo",
        "_x",
        "let",
        "in",
        "1",
        "0",
        "12",
        "-",
        "+",
        "*",
        "/",
        "//",
        "%",
        ".",
        ",",
        ":",
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        "?",
        "@",
        "$",
        "$x",
        "=",
        "==",
        "!",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "|",
        "||",
        "&",
        "&&",
        "'",
        "\"",
        "`",
        "\\",
        "\\'",
        "\\\\",
        "\\`",
        "\\\"",
        " ",
        "\t",
        "\n",
        "\r",
        "\u{d7}",
        "\u{f7}",
        "\u{2212}",
        "\u{e9}",
        "\u{1f600}",
        "\u{0}",
        "#",
        "^",
        "~",
        "\"\\u00e9\"",
        "\"\\x\"",
        "`1`",
        "`\"s\"`",
        "`[1,`",
        "'s'",
        "[?",
        "[]",
        "[*]",
        "[0]",
        "[:]",
    ];

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn expressions() -> Vec<String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/compliance");
        let mut out = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).expect("compliance dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    let text = std::fs::read_to_string(&p).expect("read");
                    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                        collect(&json, &mut out);
                    }
                }
            }
        }
        out
    }

    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k == "expression" {
                        if let Some(s) = x.as_str() {
                            out.push(s.to_string());
                        }
                    }
                    collect(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }

    fn one_edit(src: &str, rng: &mut Rng) -> String {
        let chars: Vec<char> = src.chars().collect();
        let at = rng.below(chars.len() + 1);
        let piece = PIECES[rng.below(PIECES.len())];
        let mut s: String = chars[..at].iter().collect();
        match rng.below(3) {
            0 => {
                s.push_str(piece);
                s.extend(&chars[at..]);
            }
            1 => {
                s.push_str(piece);
                s.extend(chars.iter().skip(at + 1));
            }
            _ => s.extend(chars.iter().skip(at + 1)),
        }
        s
    }

    #[test]
    fn the_grammar_and_parser_read_as_the_hand_written_lexer_and_parser() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut texts = Vec::new();
        for _ in 0..200_000 {
            let n = rng.below(12);
            let t: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            texts.push(t);
        }
        let exprs = expressions();
        assert!(exprs.len() > 1000, "{} expressions", exprs.len());
        for e in &exprs {
            texts.push(e.clone());
            for _ in 0..40 {
                texts.push(one_edit(e, &mut rng));
            }
        }
        let (mut oks, mut errs, mut parse_errs) = (0, 0, 0);
        for t in &texts {
            for community in [true, false] {
                let (a, b) = (old(t, community), new(t, community));
                assert_eq!(a, b, "{t:?} community={community}");
                let (pa, pb) = (old_parse(t, community), new_parse(t, community));
                assert_eq!(pa, pb, "{t:?} community={community}");
                if a.is_ok() {
                    oks += 1;
                    if pa.is_err() {
                        parse_errs += 1;
                    }
                } else {
                    errs += 1;
                }
            }
        }
        eprintln!(
            "{} texts ({} compliance expressions, one edit away x40): {oks} lexed alike, {errs} lexing errors alike; {parse_errs} of the lexed fail to parse",
            texts.len(),
            exprs.len()
        );
    }
}
