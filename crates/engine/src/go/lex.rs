//! The Go engines' grammar (`grammar/go.pest`, entry rules `go_community`
//! and `go_legacy`) and their tokens: the kinds the engines' messages name
//! and the values they show. A token's value is its text, except that names
//! and strings are unescaped and a `` `literal` ``'s value is its JSON text.

use pest::iterators::Pair;

use crate::ast::Span;
use crate::error::Error;

/// The Go engines' grammar (`go.pest`) over the tokens it shares with
/// JMESPath's grammar (`tokens.pest`): a derive of its own, so that a build
/// with only the Go engines carries only their parser.
#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/tokens.pest"]
#[grammar = "../../grammar/go.pest"]
pub(super) struct Grammar;

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
    /// The token a `go_symbol` (`go.pest`) is, by its text: `=` alone binds
    /// `let` in the community engine and is a token no rule takes in v0.4.0.
    fn of_symbol(text: &str, community: bool) -> Tok {
        match text {
            "." => Tok::Dot,
            "(" => Tok::Lparen,
            ")" => Tok::Rparen,
            "]" => Tok::Rbracket,
            "{" => Tok::Lbrace,
            "}" => Tok::Rbrace,
            "&" => Tok::Expref,
            "!" => Tok::Not,
            "$" => Tok::Root,
            "=" if community => Tok::Assign,
            "=" => Tok::Unknown,
            "+" => Tok::Plus,
            "%" => Tok::Modulo,
            "-" | "\u{2212}" => Tok::Minus,
            "\u{00D7}" => Tok::Multiply,
            "/" | "\u{00F7}" => Tok::Divide,
            "//" => Tok::Div,
            other => unreachable!("grammar: {other:?} is not a go_symbol"),
        }
    }

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

/// The token a token rule's pair is (`None` for any other pair); an error
/// where the engine's lexer rejects it.
pub(super) fn token(pair: Pair<'_, Rule>, rules: &GoRules) -> Result<Option<Token>, Error> {
    let text = pair.as_str();
    let span = Span::new(pair.as_span().start(), pair.as_span().end());
    let tok = match pair.as_rule() {
        Rule::identifier => Tok::UnquotedIdentifier,
        Rule::star => Tok::Star,
        Rule::comma => Tok::Comma,
        Rule::colon => Tok::Colon,
        Rule::current => Tok::Current,
        Rule::go_community_number | Rule::go_legacy_number => Tok::Number,
        Rule::filter_open => Tok::Filter,
        Rule::flatten => Tok::Flatten,
        Rule::lbracket => Tok::Lbracket,
        Rule::or => Tok::Or,
        Rule::pipe => Tok::Pipe,
        Rule::lte => Tok::Lte,
        Rule::lt => Tok::Lt,
        Rule::gte => Tok::Gte,
        Rule::gt => Tok::Gt,
        Rule::ne => Tok::Ne,
        Rule::go_varref => Tok::Varref,
        Rule::go_symbol => Tok::of_symbol(text, rules.community),
        Rule::eq => Tok::Eq,
        Rule::and => Tok::And,
        Rule::go_quoted_identifier => {
            let value = super::json::parse_string(text).map_err(|go| {
                Error::syntax(format!("invalid quoted name {text}: {go}"), span).with_js(go)
            })?;
            return Ok(Some(Token {
                tok: Tok::QuotedIdentifier,
                value,
                span,
            }));
        }
        Rule::go_community_raw_string | Rule::go_legacy_raw_string => {
            return Ok(Some(Token {
                tok: Tok::StringLiteral,
                value: raw_string_value(&text[1..text.len() - 1], rules),
                span,
            }));
        }
        Rule::go_json_literal => {
            return Ok(Some(Token {
                tok: Tok::JsonLiteral,
                value: text[1..text.len() - 1].replace("\\`", "`"),
                span,
            }));
        }
        Rule::go_unclosed => {
            let delim = text.chars().next().expect("grammar: a quote");
            return Err(error(
                &format!("no closing {delim} for the one here"),
                format!("SyntaxError: Unclosed delimiter: {delim}"),
                span.start,
                span.end,
            ));
        }
        Rule::go_unknown_char => {
            let c = text.chars().next().expect("grammar: one character");
            return Err(error(
                &format!(
                    "unexpected character {} (U+{:04X}) for Grafana's engine",
                    crate::quote::quoted_char(c),
                    c as u32
                ),
                format!("SyntaxError: Unknown char: {}", quote_go_rune(c)),
                span.start,
                span.end,
            ));
        }
        _ => return Ok(None),
    };
    Ok(Some(Token {
        tok,
        value: text.to_string(),
        span,
    }))
}

/// A raw string's value: `\'` is `'`, and in the community engine `\\` is
/// `\`; every other backslash stays.
fn raw_string_value(body: &str, rules: &GoRules) -> String {
    let mut value = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let rest = chars.as_str();
            if rest.starts_with('\'') || (rules.community && rest.starts_with('\\')) {
                value.push(chars.next().expect("checked"));
                continue;
            }
        }
        value.push(c);
    }
    value
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

#[cfg(test)]
mod tests {
    use crate::{Dialect, Expression, Limits};

    /// The longest text of the costliest tokens (each tried against every
    /// rule) is read within pest's call limit, so its error is the engine's
    /// syntax error; past the limit it would be a budget error, not a panic.
    #[test]
    fn the_longest_text_of_unknown_characters_is_a_syntax_error() {
        let max = Limits::default().max_expression_len;
        for text in ["#".repeat(max), "=".repeat(max), ": ".repeat(max / 2)] {
            for dialect in [Dialect::Grafana, Dialect::GrafanaLegacy] {
                let e = Expression::compile(&text, dialect).err();
                assert_eq!(
                    e.as_ref().map(|e| e.kind),
                    Some(crate::ErrorKind::Syntax),
                    "{dialect}: {}: {e:?}",
                    &text[..4]
                );
            }
        }
    }
}
