//! The Go engines' parser: a Pratt parser over the tokens the grammar reads
//! (`grammar/go.pest`, via `lex.rs`), with the engines' binding powers (`|` and `=` 1, `||` 2, `&&` 3, comparators
//! 5, `+ -` 6, `× ÷ / // %` 7, `[]` 9, `*` 20, `[?` 21, `.` 40, `!` 45,
//! `{` 50, `[` 55, `(` 60). Its leniencies are the engines': commas between
//! a call's arguments, a hash's pairs and `let` bindings may be missing, a
//! call's arguments may end with a comma, `*` after an operand multiplies
//! with binding power 20 (so `a[].b * 2` multiplies inside the projection),
//! and numbers are tokens only in brackets. Which tokens exist is the
//! grammar's decision (arithmetic, `$`, `=` only in the community engine);
//! what else differs between the engines is a field of [`GoRules`].

use std::sync::Arc;

use serde_json::Value as Json;

use crate::ast::{
    ArithOp, Comparator, KeyValue, LiteralForm, Node, NodeKind, ProjectionKind, Slice, Span,
};
use crate::error::Error;

use super::lex::{Tok, Token};
use super::GoRules;

/// The tree of `tokens` (which end with [`Tok::Eof`]).
pub(crate) fn parse(
    tokens: &[Token],
    rules: &'static GoRules,
    max_depth: u32,
) -> Result<Node, Error> {
    let mut p = Parser {
        tokens,
        index: 0,
        rules,
        level: 0,
        max_depth,
    };
    let node = p.expression(0)?;
    if p.current() != Tok::Eof {
        let t = p.token(0);
        return Err(p.syntax(
            format!("unexpected `{}` after a complete expression", t.value),
            format!(
                "Unexpected token at the end of the expression: {}",
                p.name(t.tok)
            ),
            t.span,
        ));
    }
    Ok(node)
}

struct Parser<'t> {
    tokens: &'t [Token],
    index: usize,
    rules: &'static GoRules,
    /// How deeply `expression` has recursed.
    level: u32,
    max_depth: u32,
}

fn boxed(n: Node) -> Box<Node> {
    Box::new(n)
}

impl<'t> Parser<'t> {
    /// go-jmespath's `bindingPowers` (the engine's one table).
    fn bp(&self, tok: Tok) -> u8 {
        use crate::precedence as bp;
        match tok {
            Tok::Assign => bp::ASSIGN,
            Tok::Pipe => bp::PIPE,
            Tok::Or => bp::OR,
            Tok::And => bp::AND,
            Tok::Eq | Tok::Lt | Tok::Lte | Tok::Gt | Tok::Gte | Tok::Ne => bp::COMPARE,
            Tok::Minus | Tok::Plus => bp::ADD,
            Tok::Div | Tok::Divide | Tok::Modulo | Tok::Multiply => bp::MULTIPLY,
            Tok::Flatten => bp::FLATTEN,
            Tok::Star => bp::STAR,
            Tok::Filter => bp::FILTER,
            Tok::Dot => bp::DOT,
            Tok::Not => bp::NOT,
            Tok::Lbrace => bp::LBRACE,
            Tok::Lbracket => bp::BRACKET,
            Tok::Lparen => bp::CALL,
            _ => 0,
        }
    }

    fn name(&self, tok: Tok) -> &'static str {
        tok.go_name(self.rules.community)
    }

    fn token(&self, ahead: usize) -> &'t Token {
        let i = (self.index + ahead).min(self.tokens.len() - 1);
        &self.tokens[i]
    }

    fn current(&self) -> Tok {
        self.token(0).tok
    }

    fn advance(&mut self) {
        self.index += 1;
    }

    fn syntax(&self, message: String, go: String, span: Span) -> Error {
        Error::syntax(message, span).with_js(format!("SyntaxError: {go}"))
    }

    /// `Expected X, received: Y` at the current token.
    fn expected(&self, what: Tok) -> Error {
        let t = self.token(0);
        self.syntax(
            format!("expected {} here", human(what)),
            format!(
                "Expected {}, received: {}",
                self.name(what),
                self.name(t.tok)
            ),
            t.span,
        )
    }

    fn expect(&mut self, what: Tok) -> Result<Span, Error> {
        if self.current() == what {
            let span = self.token(0).span;
            self.advance();
            Ok(span)
        } else {
            Err(self.expected(what))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, Error> {
        self.level += 1;
        if self.level > self.max_depth {
            let span = self.token(0).span;
            return Err(crate::parse::too_deep_error(self.max_depth, span));
        }
        let r = crate::with_stack(&mut || self.expression_inner(rbp));
        self.level -= 1;
        r
    }

    fn expression_inner(&mut self, rbp: u8) -> Result<Node, Error> {
        let left = self.token(0).clone();
        self.advance();
        let mut node = self.nud(&left)?;
        loop {
            let t = self.token(0).clone();
            if rbp >= self.bp(t.tok) {
                return Ok(node);
            }
            self.advance();
            node = self.led(&t, node)?;
        }
    }

    fn led(&mut self, t: &Token, left: Node) -> Result<Node, Error> {
        match t.tok {
            Tok::Dot => {
                if self.current() == Tok::Star {
                    let star = self.token(0).span;
                    self.advance();
                    let rhs = self.projection_rhs(self.bp(Tok::Dot))?;
                    return Ok(projection(
                        ProjectionKind::Values,
                        left,
                        rhs,
                        t.span.to(star),
                    ));
                }
                let rhs = self.dot_rhs(self.bp(Tok::Dot))?;
                let span = left.span.to(rhs.span);
                Ok(Node::new(
                    NodeKind::Subexpr {
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    span,
                ))
            }
            Tok::Pipe | Tok::Or | Tok::And => {
                let rhs = self.expression(self.bp(t.tok))?;
                let span = left.span.to(rhs.span);
                let (l, r) = (boxed(left), boxed(rhs));
                let kind = match t.tok {
                    Tok::Pipe => NodeKind::Pipe(l, r),
                    Tok::Or => NodeKind::Or(l, r),
                    _ => NodeKind::And(l, r),
                };
                Ok(Node::new(kind, span))
            }
            Tok::Lparen => self.call(t, left),
            Tok::Filter => self.filter(left, t.span),
            Tok::Flatten => {
                let rhs = self.projection_rhs(self.bp(Tok::Flatten))?;
                Ok(projection(ProjectionKind::Flatten, left, rhs, t.span))
            }
            Tok::Star if !self.rules.star_multiplies => Err(self.unexpected(t)),
            Tok::Plus
            | Tok::Minus
            | Tok::Star
            | Tok::Multiply
            | Tok::Divide
            | Tok::Modulo
            | Tok::Div => {
                let rhs = self.expression(self.bp(t.tok))?;
                let op = match t.tok {
                    Tok::Plus => ArithOp::Add,
                    Tok::Minus => ArithOp::Subtract,
                    Tok::Star => ArithOp::Star,
                    Tok::Multiply => ArithOp::Multiply,
                    Tok::Divide => ArithOp::Divide,
                    Tok::Modulo => ArithOp::Modulo,
                    _ => ArithOp::IntegerDivide,
                };
                let span = left.span.to(rhs.span);
                Ok(Node::new(
                    NodeKind::Arithmetic {
                        op,
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    span,
                ))
            }
            Tok::Assign => {
                let rhs = self.expression(0)?;
                let span = left.span.to(rhs.span);
                Ok(Node::new(
                    NodeKind::Assign {
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    span,
                ))
            }
            Tok::Eq | Tok::Ne | Tok::Gt | Tok::Gte | Tok::Lt | Tok::Lte => {
                let rhs = self.expression(self.bp(t.tok))?;
                let op = match t.tok {
                    Tok::Eq => Comparator::Eq,
                    Tok::Ne => Comparator::Ne,
                    Tok::Gt => Comparator::Gt,
                    Tok::Gte => Comparator::Ge,
                    Tok::Lt => Comparator::Lt,
                    _ => Comparator::Le,
                };
                let span = left.span.to(rhs.span);
                Ok(Node::new(
                    NodeKind::Compare {
                        op,
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    span,
                ))
            }
            Tok::Lbracket => {
                if matches!(self.current(), Tok::Number | Tok::Colon) {
                    return self.index_expression(left, t.span);
                }
                self.expect(Tok::Star)?;
                let close = self.expect(Tok::Rbracket)?;
                let rhs = self.projection_rhs(self.bp(Tok::Star))?;
                Ok(projection(
                    ProjectionKind::List,
                    left,
                    rhs,
                    t.span.to(close),
                ))
            }
            _ => Err(self.unexpected(t)),
        }
    }

    /// `Unexpected token: X`: a token that cannot follow an operand.
    fn unexpected(&self, t: &Token) -> Error {
        self.syntax(
            format!("unexpected `{}` here", t.value),
            format!("Unexpected token: {}", self.name(t.tok)),
            t.span,
        )
    }

    fn nud(&mut self, t: &Token) -> Result<Node, Error> {
        let identity = || Node::new(NodeKind::Identity, Span::at(t.span.start));
        Ok(match t.tok {
            Tok::Varref => Node::new(NodeKind::Variable(Arc::from(&t.value[1..])), t.span),
            Tok::JsonLiteral => {
                let value = super::json::parse_value(&t.value).map_err(|go| {
                    Error::syntax(
                        format!(
                            "invalid JSON in literal: {go}; a string needs double quotes inside the backticks: `\"text\"`, or use 'text'"
                        ),
                        t.span,
                    )
                    .with_js(go)
                })?;
                Node::new(
                    NodeKind::Literal {
                        value,
                        form: LiteralForm::Json,
                    },
                    t.span,
                )
            }
            Tok::StringLiteral => Node::new(
                NodeKind::Literal {
                    value: Json::String(t.value.clone()),
                    form: LiteralForm::Raw,
                },
                t.span,
            ),
            Tok::UnquotedIdentifier if t.value == "let" && self.current() == Tok::Varref => {
                self.let_expression(t.span)?
            }
            Tok::UnquotedIdentifier => field(t, false),
            Tok::QuotedIdentifier => {
                if self.current() == Tok::Lparen {
                    return Err(self.syntax(
                        "a function name cannot be quoted; remove the double quotes".into(),
                        "Can't have quoted identifier as function name.".into(),
                        t.span,
                    ));
                }
                field(t, true)
            }
            Tok::Plus | Tok::Minus => {
                let operand = self.expression(self.bp(t.tok))?;
                let span = t.span.to(operand.span);
                Node::new(
                    NodeKind::Unary {
                        minus: t.tok == Tok::Minus,
                        operand: boxed(operand),
                    },
                    span,
                )
            }
            Tok::Star => {
                let rhs = if self.current() == Tok::Rbracket {
                    identity()
                } else {
                    self.projection_rhs(self.bp(Tok::Star))?
                };
                projection(ProjectionKind::Values, identity(), rhs, t.span)
            }
            Tok::Filter => self.filter(identity(), t.span)?,
            Tok::Lbrace => self.multi_hash(t.span)?,
            Tok::Flatten => {
                let rhs = self.projection_rhs(self.bp(Tok::Flatten))?;
                projection(ProjectionKind::Flatten, identity(), rhs, t.span)
            }
            Tok::Lbracket => {
                if matches!(self.current(), Tok::Number | Tok::Colon) {
                    self.index_expression(identity(), t.span)?
                } else if self.current() == Tok::Star && self.token(1).tok == Tok::Rbracket {
                    let close = self.token(1).span;
                    self.advance();
                    self.advance();
                    let rhs = self.projection_rhs(self.bp(Tok::Star))?;
                    projection(ProjectionKind::List, identity(), rhs, t.span.to(close))
                } else {
                    self.multi_list(t.span)?
                }
            }
            Tok::Current => Node::new(NodeKind::Current, t.span),
            Tok::Root => Node::new(NodeKind::Root, t.span),
            Tok::Expref => {
                let e = self.expression(0)?;
                let span = t.span.to(e.span);
                Node::new(NodeKind::ExprRef(boxed(e)), span)
            }
            Tok::Not => {
                let e = self.expression(self.bp(Tok::Not))?;
                let span = t.span.to(e.span);
                Node::new(NodeKind::Not(boxed(e)), span)
            }
            Tok::Lparen => {
                let mut e = self.expression(0)?;
                let close = self.expect(Tok::Rparen)?;
                e.span = t.span.to(close);
                e
            }
            Tok::Eof => {
                return Err(self.syntax(
                    "the expression ends too early".into(),
                    "Incomplete expression".into(),
                    t.span,
                ))
            }
            _ => {
                return Err(self.syntax(
                    format!("unexpected `{}`: an expression cannot start here", t.value),
                    format!("Invalid token: {}", self.name(t.tok)),
                    t.span,
                ))
            }
        })
    }

    /// A number (Go's `strconv.Atoi`; out of range is its error).
    fn number(&self) -> Result<i64, Error> {
        let t = self.token(0);
        parse_atoi(&t.value).ok_or_else(|| {
            let why = if t.value.trim_start_matches('-').is_empty() {
                "invalid syntax"
            } else {
                "value out of range"
            };
            Error::syntax(format!("`{}` is not a number", t.value), t.span)
                .with_js(format!("strconv.Atoi: parsing \"{}\": {why}", t.value))
        })
    }

    fn index_expression(&mut self, left: Node, open: Span) -> Result<Node, Error> {
        if self.current() == Tok::Colon || self.token(1).tok == Tok::Colon {
            let (slice, close) = self.slice()?;
            let rhs = self.projection_rhs(self.bp(Tok::Star))?;
            return Ok(projection(
                ProjectionKind::Slice(slice),
                left,
                rhs,
                open.to(close),
            ));
        }
        let index = self.number()?;
        self.advance();
        let close = self.expect(Tok::Rbracket)?;
        let span = left.span.to(open).to(close);
        Ok(Node::new(
            NodeKind::Index {
                lhs: boxed(left),
                index,
            },
            span,
        ))
    }

    fn slice(&mut self) -> Result<(Slice, Span), Error> {
        let mut parts = [None; 3];
        let mut index = 0;
        while self.current() != Tok::Rbracket && index < 3 {
            match self.current() {
                Tok::Colon => {
                    index += 1;
                    if index == 3 && self.rules.third_slice_colon_is_error {
                        let t = self.token(0);
                        return Err(self.syntax(
                            "a slice has at most two `:`".into(),
                            "Too many colons in slice expression".into(),
                            t.span,
                        ));
                    }
                    self.advance();
                }
                Tok::Number => {
                    parts[index] = Some(self.number()?);
                    self.advance();
                }
                other => {
                    let t = self.token(0);
                    return Err(self.syntax(
                        "expected `:` or a number in the slice".into(),
                        format!("Expected tColon or tNumber, received: {}", self.name(other)),
                        t.span,
                    ));
                }
            }
        }
        let close = self.expect(Tok::Rbracket)?;
        Ok((
            Slice {
                start: parts[0],
                stop: parts[1],
                step: parts[2],
            },
            close,
        ))
    }

    fn multi_list(&mut self, open: Span) -> Result<Node, Error> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            if self.current() == Tok::Rbracket {
                break;
            }
            self.expect(Tok::Comma)?;
        }
        let close = self.expect(Tok::Rbracket)?;
        Ok(Node::new(NodeKind::MultiList(items), open.to(close)))
    }

    fn multi_hash(&mut self, open: Span) -> Result<Node, Error> {
        let mut kvs = Vec::new();
        loop {
            let key = self.token(0).clone();
            if !matches!(key.tok, Tok::UnquotedIdentifier | Tok::QuotedIdentifier) {
                return Err(self.syntax(
                    "expected a key (a name or a \"quoted name\")".into(),
                    // Both engines write v0.4.0's token names here.
                    "Expected tQuotedIdentifier or tUnquotedIdentifier".into(),
                    key.span,
                ));
            }
            self.advance();
            self.expect(Tok::Colon)?;
            let value = self.expression(0)?;
            kvs.push(KeyValue {
                key: Arc::from(key.value.as_str()),
                quoted: key.tok == Tok::QuotedIdentifier,
                key_span: key.span,
                value,
            });
            match self.current() {
                Tok::Comma => self.advance(),
                Tok::Rbrace => {
                    let close = self.token(0).span;
                    self.advance();
                    return Ok(Node::new(NodeKind::MultiHash(kvs), open.to(close)));
                }
                _ => {}
            }
        }
    }

    fn filter(&mut self, left: Node, open: Span) -> Result<Node, Error> {
        let cond = self.expression(0)?;
        self.expect(Tok::Rbracket)?;
        let rhs = if self.current() == Tok::Flatten {
            Node::new(NodeKind::Identity, Span::at(self.token(0).span.start))
        } else {
            self.projection_rhs(self.bp(Tok::Filter))?
        };
        Ok(projection(
            ProjectionKind::Filter(boxed(cond)),
            left,
            rhs,
            open,
        ))
    }

    fn dot_rhs(&mut self, bp: u8) -> Result<Node, Error> {
        let t = self.token(0).clone();
        match t.tok {
            Tok::QuotedIdentifier | Tok::UnquotedIdentifier | Tok::Star => self.expression(bp),
            Tok::Lbracket => {
                self.advance();
                self.multi_list(t.span)
            }
            Tok::Lbrace => {
                self.advance();
                self.multi_hash(t.span)
            }
            _ => Err(self.syntax(
                "expected a name, `*`, `[` or `{` after `.`".into(),
                "Expected identifier, lbracket, or lbrace".into(),
                t.span,
            )),
        }
    }

    fn projection_rhs(&mut self, bp: u8) -> Result<Node, Error> {
        let t = self.token(0).clone();
        if self.bp(t.tok) < crate::precedence::PROJECTION_STOP {
            return Ok(Node::new(NodeKind::Identity, Span::at(t.span.start)));
        }
        match t.tok {
            Tok::Lbracket | Tok::Filter => self.expression(bp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(bp)
            }
            _ => Err(self.syntax(
                format!(
                    "`{}` cannot follow a projection; use `|` to apply it to the whole result",
                    t.value
                ),
                "Error".into(),
                t.span,
            )),
        }
    }

    fn let_expression(&mut self, start: Span) -> Result<Node, Error> {
        let bindings = self.separated(
            |p| p.is_keyword("in"),
            |p| {
                if p.is_keyword("in") {
                    p.advance();
                    Ok(())
                } else {
                    let t = p.token(0);
                    Err(p.syntax(
                        "expected `in` after the bindings of `let`".into(),
                        format!("Expected keyword in, received: {}", p.name(t.tok)),
                        t.span,
                    ))
                }
            },
        )?;
        let body = self.expression(0)?;
        let span = start.to(body.span);
        Ok(Node::new(
            NodeKind::Let {
                bindings,
                body: boxed(body),
            },
            span,
        ))
    }

    fn is_keyword(&self, word: &str) -> bool {
        let t = self.token(0);
        t.tok == Tok::UnquotedIdentifier && t.value == word
    }

    /// Expressions until `end` holds, each followed by an optional comma.
    fn separated(
        &mut self,
        end: impl Fn(&Self) -> bool,
        close: impl FnOnce(&mut Self) -> Result<(), Error>,
    ) -> Result<Vec<Node>, Error> {
        let mut nodes = Vec::new();
        while !end(self) {
            let e = self.expression(0)?;
            if self.current() == Tok::Comma {
                self.advance();
            }
            nodes.push(e);
        }
        close(self)?;
        Ok(nodes)
    }

    fn call(&mut self, open: &Token, left: Node) -> Result<Node, Error> {
        let name: Arc<str> = match &left.kind {
            NodeKind::Field {
                name,
                quoted: false,
            } => Arc::clone(name),
            _ if self.rules.call_on_any_node => held_name(&left.kind),
            _ => {
                // The Go engines name the token two before the argument.
                let at = self.index.saturating_sub(2);
                let bad = &self.tokens[at];
                return Err(self.syntax(
                    "only a function name can be called: `name(args)`".into(),
                    "Invalid node as function name.".into(),
                    bad.span.to(open.span),
                ));
            }
        };
        let name_span = left.span;
        let args = self.separated(
            |p| p.current() == Tok::Rparen,
            |p| p.expect(Tok::Rparen).map(|_| ()),
        )?;
        let end = self.tokens[self.index - 1].span;
        Ok(Node::new(
            NodeKind::Call {
                name,
                name_span,
                args,
            },
            name_span.to(end),
        ))
    }
}

/// The name v0.4.0 calls on `node`: whatever name the node holds (`f(a)(b)`
/// is `f(b)`, `'g'(a)` calls `g`), or for a node that holds none [`NO_NAME`]
/// and the Go type of what it holds instead (it fails when evaluated).
fn held_name(node: &NodeKind) -> Arc<str> {
    match node {
        NodeKind::Field { name, .. } | NodeKind::Call { name, .. } => Arc::clone(name),
        NodeKind::Literal {
            value: Json::String(s),
            ..
        } => Arc::from(s.as_str()),
        NodeKind::Compare { .. } => Arc::from(format!("{NO_NAME}jmespath.tokType")),
        NodeKind::Index { .. } => Arc::from(format!("{NO_NAME}int")),
        NodeKind::Literal { value, .. } => {
            let ty = match value {
                Json::Null => "nil",
                Json::Bool(_) => "bool",
                Json::Number(_) => "float64",
                Json::String(_) => "string",
                Json::Array(_) => "[]interface {}",
                Json::Object(_) => "map[string]interface {}",
            };
            Arc::from(format!("{NO_NAME}{ty}"))
        }
        _ => Arc::from(format!("{NO_NAME}nil")),
    }
}

/// What starts the name of a call on a node that holds no name, followed
/// by the Go type of what it holds (v0.4.0 panics on it when evaluating
/// the call).
pub(crate) const NO_NAME: &str = "\u{0}";

fn field(t: &Token, quoted: bool) -> Node {
    Node::new(
        NodeKind::Field {
            name: Arc::from(t.value.as_str()),
            quoted,
        },
        t.span,
    )
}

fn projection(kind: ProjectionKind, lhs: Node, rhs: Node, op: Span) -> Node {
    crate::parse::projection(kind, lhs, rhs, op)
}

/// Go's `strconv.Atoi` on 64-bit platforms: an optional sign and decimal
/// digits within `i64`.
fn parse_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn human(tok: Tok) -> &'static str {
    match tok {
        Tok::Rbracket => "`]`",
        Tok::Rparen => "`)`",
        Tok::Rbrace => "`}`",
        Tok::Colon => "`:`",
        Tok::Comma => "`,`",
        Tok::Star => "`*` (`[*]`) or a number",
        _ => "something else",
    }
}
