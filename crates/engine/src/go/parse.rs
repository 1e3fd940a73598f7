//! From text to [`Node`] as the Go engines parse it: the grammar
//! (`grammar/go.pest`, through `lex.rs`) decides what parses and where each
//! engine fails; this module folds its flat pairs into the tree with the
//! engines' binding powers ([`crate::precedence`]), as go-jmespath's Pratt
//! parser folds its tokens: an operator or postfix with binding power `bp`
//! takes as its right side what binds tighter than `bp`, and a projection's
//! right side takes what follows it while it binds at least
//! [`bp::PROJECTION_STOP`]. It words the engine's syntax errors: a lexical
//! error anywhere comes first (the engines lex the whole text before they
//! parse), then the first failure of the parse.

use std::cell::Cell;
use std::iter::Peekable;
use std::sync::Arc;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;
use serde_json::Value as Json;

use crate::ast::{
    ArithOp, Comparator, KeyValue, LiteralForm, Node, NodeKind, ProjectionKind, Slice, Span,
};
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use crate::precedence as bp;

use super::lex::{token, Grammar, Rule, Tok, Token};
use super::GoRules;

/// The tree of `src` as the engine of `rules` parses it.
pub(crate) fn parse(src: &str, rules: &'static GoRules, limits: &Limits) -> Result<Node, Error> {
    limits.check_length(src)?;
    let nesting = nesting(src, rules.community, limits.max_depth)?;
    crate::with_parse_stack(nesting, || parse_text(src, rules, limits.max_depth))
}

/// A bound on how deeply the grammar nests in `src`: the brackets open at a
/// point plus every `&` before it, and in the community engine every `=`
/// and `let` (each may open an expression that lasts to the end of the
/// text). Brackets deeper than twice `max_depth`, or a bound over four
/// times it, are a budget error before pest recurses that deep; within
/// them the fold decides, counting open expressions as go-jmespath
/// recurses (an open bracket that holds an expression is one more).
fn nesting(src: &str, community: bool, max_depth: u32) -> Result<u32, Error> {
    let b = src.as_bytes();
    let (mut depth, mut open, mut deepest) = (0u32, 0u32, 0u32);
    let mut i = 0;
    while i < b.len() {
        let at = i;
        i += 1;
        match b[at] {
            b'\'' | b'"' | b'`' => i = crate::lexical::quoted_end(b, at),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            // `&` and `=` alone, and `let`, open an expression (`=` and
            // `let` only in the community engine).
            b'&' if lone(b, at) => open += 1,
            b'=' if community && lone(b, at) => open += 1,
            b'l' if community && b[at..].starts_with(b"let") => open += 1,
            _ => continue,
        }
        if depth > max_depth.saturating_mul(2) || depth + open > max_depth.saturating_mul(4) {
            return Err(crate::parse::too_deep_error(
                max_depth,
                Span::new(at, at + 1),
            ));
        }
        deepest = deepest.max(depth + open);
    }
    Ok(deepest)
}

/// Whether the operator character at `at` stands alone (not `&&`, `==`,
/// `!=`, `<=`, `>=`).
fn lone(b: &[u8], at: usize) -> bool {
    let c = b[at];
    b.get(at + 1) != Some(&c)
        && !(at > 0 && (b[at - 1] == c || (c == b'=' && matches!(b[at - 1], b'!' | b'<' | b'>'))))
}

fn parse_text(src: &str, rules: &'static GoRules, max_depth: u32) -> Result<Node, Error> {
    let entry = if rules.community {
        Rule::go_community
    } else {
        Rule::go_legacy
    };
    // The entry rules never fail; pest stops only at its call limit.
    crate::parse::set_call_limit();
    let whole = Grammar::parse(entry, src)
        .map_err(|_| {
            Error::new(
                ErrorKind::BudgetExceeded,
                "the parser gave up on this expression: it is too long to read; shorten it",
                Span::new(0, src.len()),
            )
        })?
        .next()
        .expect("grammar: the entry rule");
    let lower = Lower {
        src,
        rules,
        max_depth,
        level: Cell::new(0),
    };
    let mut parts = whole.clone().into_inner();
    let expr = parts.next().expect("grammar: an expression");
    let node = lower.expression(expr).and_then(|node| match parts.next() {
        Some(end) if end.as_rule() == Rule::go_fail_token => Err(lower.fail(end, Fail::End)),
        _ => Ok(node),
    });
    // The engines lex the whole text first: a token their lexer rejects is
    // the error wherever it is.
    node.map_err(|e| lexical_error(whole, rules).unwrap_or(e))
}

/// The first token of the text that the engine's lexer rejects.
fn lexical_error(whole: Pair<'_, Rule>, rules: &GoRules) -> Option<Error> {
    whole
        .into_inner()
        .flatten()
        .find_map(|p| match p.as_rule() {
            Rule::go_quoted_identifier | Rule::go_unclosed | Rule::go_unknown_char => {
                token(p, rules).err()
            }
            _ => None,
        })
}

type Ops<'i> = Peekable<Pairs<'i, Rule>>;

struct Lower<'s> {
    src: &'s str,
    rules: &'static GoRules,
    max_depth: u32,
    /// How many expressions are open (go-jmespath's recursion).
    level: Cell<u32>,
}

fn boxed(n: Node) -> Box<Node> {
    Box::new(n)
}

fn span(p: &Pair<'_, Rule>) -> Span {
    Span::new(p.as_span().start(), p.as_span().end())
}

/// The binding power of what follows an operand; 0 for anything else. An
/// error binds at once (wherever the engine meets it, it fails the same).
fn led_bp(p: &Pair<'_, Rule>) -> u8 {
    match p.as_rule() {
        Rule::go_dot | Rule::go_dot_star => bp::DOT,
        Rule::pipe => bp::PIPE,
        Rule::or => bp::OR,
        Rule::and => bp::AND,
        Rule::eq | Rule::ne | Rule::lt | Rule::lte | Rule::gt | Rule::gte => bp::COMPARE,
        Rule::star => bp::STAR,
        Rule::go_arith => bp::arithmetic(arith_op(p.as_str())),
        Rule::go_assign => bp::ASSIGN,
        Rule::go_call => bp::CALL,
        Rule::go_filter => bp::FILTER,
        Rule::flatten => bp::FLATTEN,
        Rule::go_index | Rule::go_slice | Rule::go_list => bp::BRACKET,
        Rule::go_fail_token | Rule::go_fail => u8::MAX,
        _ => 0,
    }
}

fn arith_op(text: &str) -> ArithOp {
    match text {
        "+" => ArithOp::Add,
        "-" | "\u{2212}" => ArithOp::Subtract,
        "*" => ArithOp::Star,
        "\u{00D7}" => ArithOp::Multiply,
        "%" => ArithOp::Modulo,
        "//" => ArithOp::IntegerDivide,
        _ => ArithOp::Divide,
    }
}

impl<'s> Lower<'s> {
    /// Runs `f` as one more open expression starting at `at`, refusing to
    /// go past the limit.
    fn level<T>(&self, at: usize, mut f: impl FnMut() -> Result<T, Error>) -> Result<T, Error> {
        let level = self.level.get() + 1;
        if level > self.max_depth {
            return Err(crate::parse::too_deep_error(self.max_depth, Span::at(at)));
        }
        self.level.set(level);
        let r = crate::with_stack(&mut f);
        self.level.set(level - 1);
        r
    }

    /// `node`, unless its tree is deeper than the limit (checked as the tree
    /// grows: a chain such as `a.b.c...` nests its tree without nesting
    /// the text, and no deeper tree is built or dropped).
    fn bounded(&self, node: Node) -> Result<Node, Error> {
        if node.depth() > self.max_depth {
            return Err(crate::parse::too_deep_error(self.max_depth, node.span));
        }
        Ok(node)
    }

    /// Where the token after `end` starts (the end of the text if none).
    fn next_token_start(&self, end: usize) -> usize {
        let rest = &self.src[end..];
        end + (rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len())
    }

    fn token(&self, p: Pair<'_, Rule>) -> Result<Token, Error> {
        Ok(token(p, self.rules)?.expect("grammar: a token"))
    }

    /// A whole `go_expression` (or the failure where one must start).
    fn expression(&self, pair: Pair<'_, Rule>) -> Result<Node, Error> {
        if pair.as_rule() != Rule::go_expression {
            return Err(self.fail(pair, Fail::Start));
        }
        self.level(pair.as_span().start(), || {
            let mut ops = pair.clone().into_inner().peekable();
            let node = self.unary(&mut ops, 0)?;
            debug_assert!(ops.peek().is_none());
            Ok(node)
        })
    }

    /// The next operand and what binds tighter than `rbp` after it, as one
    /// more open expression.
    fn expression_bp(&self, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        let at = ops.peek().map_or(self.src.len(), |p| p.as_span().start());
        self.level(at, || self.unary(ops, rbp))
    }

    /// Prefixes, an operand, and what binds tighter than `rbp` after it.
    fn unary(&self, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        let first = ops.next().expect("grammar: an operand");
        let start = first.as_span().start();
        let node = match first.as_rule() {
            Rule::go_not => {
                let e = self.expression_bp(ops, bp::NOT)?;
                let s = Span::new(start, e.span.end);
                Node::new(NodeKind::Not(boxed(e)), s)
            }
            Rule::go_sign => {
                let minus = first.as_str() != "+";
                let operand = self.expression_bp(ops, bp::ADD)?;
                let s = Span::new(start, operand.span.end);
                Node::new(
                    NodeKind::Unary {
                        minus,
                        operand: boxed(operand),
                    },
                    s,
                )
            }
            _ => self.nud(first, ops)?,
        };
        self.leds(self.bounded(node)?, ops, rbp)
    }

    /// Applies what follows while it binds tighter than `rbp`.
    fn leds(&self, mut node: Node, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        while let Some(p) = ops.peek() {
            if led_bp(p) <= rbp {
                break;
            }
            let p = ops.next().expect("peeked");
            node = self.bounded(self.led(p, node, ops)?)?;
        }
        Ok(node)
    }

    /// What an expression starts with.
    fn nud(&self, p: Pair<'_, Rule>, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let s = span(&p);
        let identity = || Node::new(NodeKind::Identity, Span::at(s.start));
        Ok(match p.as_rule() {
            Rule::identifier => field(p.as_str(), false, s),
            Rule::current => Node::new(NodeKind::Current, s),
            Rule::go_root => Node::new(NodeKind::Root, s),
            Rule::go_varref => Node::new(NodeKind::Variable(Arc::from(&p.as_str()[1..])), s),
            Rule::go_community_raw_string | Rule::go_legacy_raw_string => Node::new(
                NodeKind::Literal {
                    value: Json::String(self.token(p)?.value),
                    form: LiteralForm::Raw,
                },
                s,
            ),
            Rule::go_json_literal => self.json_literal(p)?,
            Rule::go_quoted => {
                let mut inner = p.into_inner();
                let name = self.token(inner.next().expect("grammar: a quoted name"))?;
                // Followed by `(`.
                if inner.next().is_some() {
                    return Err(syntax(
                        "a function name cannot be quoted; remove the double quotes",
                        "Can't have quoted identifier as function name.",
                        name.span,
                    ));
                }
                field(&name.value, true, name.span)
            }
            Rule::star => self.star(s, ops)?,
            Rule::flatten => {
                let rhs = self.projection_rhs(ops, bp::FLATTEN, s.end)?;
                projection(ProjectionKind::Flatten, identity(), rhs, s)
            }
            Rule::go_filter => self.filter(p, identity(), ops)?,
            Rule::go_index | Rule::go_slice | Rule::go_list => self.bracket(p, identity(), ops)?,
            Rule::go_multi_list => self.multi_list(p)?,
            Rule::go_multi_hash => self.multi_hash(p)?,
            Rule::go_paren => {
                let mut inner = p.into_inner();
                let mut e = self.expression(inner.next().expect("grammar: an expression"))?;
                if let Some(fail) = inner.next() {
                    return Err(self.fail(fail, Fail::Expected(Tok::Rparen)));
                }
                e.span = s;
                e
            }
            Rule::go_expref => {
                let inner = p.into_inner().next().expect("grammar: an expression");
                let e = self.expression(inner)?;
                let s = Span::new(s.start, e.span.end);
                Node::new(NodeKind::ExprRef(boxed(e)), s)
            }
            Rule::go_let => self.let_expression(p)?,
            _ => return Err(self.fail(p, Fail::Start)),
        })
    }

    /// What follows an operand, applied to `left`.
    fn led(&self, p: Pair<'_, Rule>, left: Node, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let s = span(&p);
        Ok(match p.as_rule() {
            Rule::go_dot_star => {
                let rhs = self.projection_rhs(ops, bp::DOT, s.end)?;
                projection(ProjectionKind::Values, left, rhs, s)
            }
            Rule::go_dot => {
                let target = p.into_inner().next().expect("grammar: a target");
                let rhs = self.dot_rhs(target, ops, bp::DOT)?;
                binary(left, rhs, |lhs, rhs| NodeKind::Subexpr { lhs, rhs })
            }
            Rule::pipe => binary(left, self.expression_bp(ops, bp::PIPE)?, NodeKind::Pipe),
            Rule::or => binary(left, self.expression_bp(ops, bp::OR)?, NodeKind::Or),
            Rule::and => binary(left, self.expression_bp(ops, bp::AND)?, NodeKind::And),
            Rule::eq | Rule::ne | Rule::lt | Rule::lte | Rule::gt | Rule::gte => {
                let op = match p.as_rule() {
                    Rule::eq => Comparator::Eq,
                    Rule::ne => Comparator::Ne,
                    Rule::gt => Comparator::Gt,
                    Rule::gte => Comparator::Ge,
                    Rule::lt => Comparator::Lt,
                    _ => Comparator::Le,
                };
                let rhs = self.expression_bp(ops, bp::COMPARE)?;
                let s = left.span.to(rhs.span);
                Node::new(
                    NodeKind::Compare {
                        op,
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    s,
                )
            }
            Rule::star | Rule::go_arith => {
                let op = arith_op(p.as_str());
                let rhs = self.expression_bp(ops, bp::arithmetic(op))?;
                let s = left.span.to(rhs.span);
                Node::new(
                    NodeKind::Arithmetic {
                        op,
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    s,
                )
            }
            Rule::go_assign => {
                let inner = p.into_inner().next().expect("grammar: an expression");
                let rhs = self.expression(inner)?;
                binary(left, rhs, |lhs, rhs| NodeKind::Assign { lhs, rhs })
            }
            Rule::go_call => self.call(p, left)?,
            Rule::go_filter => self.filter(p, left, ops)?,
            Rule::flatten => {
                let rhs = self.projection_rhs(ops, bp::FLATTEN, s.end)?;
                projection(ProjectionKind::Flatten, left, rhs, s)
            }
            Rule::go_index | Rule::go_slice | Rule::go_list => self.bracket(p, left, ops)?,
            _ => return Err(self.fail(p, Fail::After)),
        })
    }

    /// The right side of `.`: a name (and what binds tighter than `rbp`
    /// after it), a multi-select list or hash.
    fn dot_rhs(&self, target: Pair<'_, Rule>, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        match target.as_rule() {
            Rule::go_multi_list => self.multi_list(target),
            Rule::go_multi_hash => self.multi_hash(target),
            Rule::go_fail => Err(self.fail(target, Fail::DotTarget)),
            _ => self.level(target.as_span().start(), || {
                let node = self.nud(target.clone(), ops)?;
                self.leds(node, ops, rbp)
            }),
        }
    }

    /// The right side of a projection whose token ends at `end`: what
    /// continues it and binds tighter than `rbp`; `Identity` where nothing
    /// does.
    fn projection_rhs(&self, ops: &mut Ops<'_>, rbp: u8, end: usize) -> Result<Node, Error> {
        let identity = Node::new(NodeKind::Identity, Span::at(self.next_token_start(end)));
        let Some(p) = ops.peek() else {
            return Ok(identity);
        };
        match p.as_rule() {
            Rule::go_filter
            | Rule::go_index
            | Rule::go_slice
            | Rule::go_list
            | Rule::go_multi_list
            | Rule::go_dot_star => {
                let p = ops.next().expect("peeked");
                // go-jmespath opens the expression at the `*` of `.*`.
                let at = match p.as_rule() {
                    Rule::go_dot_star => p.clone().into_inner().last().unwrap_or(p.clone()),
                    _ => p.clone(),
                };
                self.level(at.as_span().start(), || {
                    let node = if p.as_rule() == Rule::go_dot_star {
                        self.dot_star(p.clone(), ops)?
                    } else {
                        self.nud(p.clone(), ops)?
                    };
                    self.leds(node, ops, rbp)
                })
            }
            Rule::go_dot => {
                let p = ops.next().expect("peeked");
                let target = p.into_inner().next().expect("grammar: a target");
                self.dot_rhs(target, ops, rbp)
            }
            Rule::go_fail => Err(self.fail(ops.next().expect("peeked"), Fail::Projection)),
            _ => Ok(identity),
        }
    }

    /// `.*` where a projection's right side starts: a value projection of
    /// the current element.
    fn dot_star(&self, p: Pair<'_, Rule>, ops: &mut Ops<'_>) -> Result<Node, Error> {
        self.star(span(&p.into_inner().next().expect("grammar: `*`")), ops)
    }

    /// `*` where an expression starts: a value projection of the current
    /// node (whose right side is nothing before `]`).
    fn star(&self, star: Span, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let identity = || Node::new(NodeKind::Identity, Span::at(star.start));
        let at = self.next_token_start(star.end);
        let rhs = if self.src[at..].starts_with(']') {
            identity()
        } else {
            self.projection_rhs(ops, bp::STAR, star.end)?
        };
        Ok(projection(ProjectionKind::Values, identity(), rhs, star))
    }

    /// `[? condition ]` applied to `left`.
    fn filter(&self, p: Pair<'_, Rule>, left: Node, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let end = p.as_span().end();
        let mut inner = p.into_inner();
        let open = span(&inner.next().expect("grammar: `[?`"));
        let cond = self.expression(inner.next().expect("grammar: a condition"))?;
        if let Some(fail) = inner.next() {
            return Err(self.fail(fail, Fail::Expected(Tok::Rbracket)));
        }
        let rhs = self.projection_rhs(ops, bp::FILTER, end)?;
        Ok(projection(
            ProjectionKind::Filter(boxed(cond)),
            left,
            rhs,
            open,
        ))
    }

    /// `[n]`, `[*]` or a slice applied to `left`.
    fn bracket(&self, p: Pair<'_, Rule>, left: Node, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let s = span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        match rule {
            Rule::go_index => {
                let index = self.number(&inner.next().expect("grammar: a number"))?;
                if let Some(fail) = inner.next() {
                    return Err(self.fail(fail, Fail::Expected(Tok::Rbracket)));
                }
                let s = left.span.to(s);
                Ok(Node::new(
                    NodeKind::Index {
                        lhs: boxed(left),
                        index,
                    },
                    s,
                ))
            }
            Rule::go_list => {
                // `[`, then `*` or the failure where it was due, then `]`
                // or the failure where it was due.
                let star = inner.next().expect("grammar: `*`");
                if star.as_rule() == Rule::go_fail {
                    return Err(self.fail(star, Fail::Expected(Tok::Star)));
                }
                if let Some(fail) = inner.next() {
                    return Err(self.fail(fail, Fail::Expected(Tok::Rbracket)));
                }
                let rhs = self.projection_rhs(ops, bp::STAR, s.end)?;
                Ok(projection(ProjectionKind::List, left, rhs, s))
            }
            _ => {
                let slice = self.slice(inner)?;
                let rhs = self.projection_rhs(ops, bp::STAR, s.end)?;
                Ok(projection(ProjectionKind::Slice(slice), left, rhs, s))
            }
        }
    }

    /// A slice's parts: a number sets the part the `:`s before it select
    /// (the last one counts).
    fn slice(&self, parts: Pairs<'_, Rule>) -> Result<Slice, Error> {
        let mut slice = [None; 3];
        let mut index = 0;
        for q in parts {
            match q.as_rule() {
                Rule::colon => index += 1,
                Rule::go_community_number | Rule::go_legacy_number => {
                    slice[index.min(2)] = Some(self.number(&q)?);
                }
                _ => {
                    let at_colon = self.src[q.as_span().start()..].starts_with(':');
                    let what = match index {
                        3 => Fail::Expected(Tok::Rbracket),
                        _ if at_colon => Fail::Colons,
                        _ => Fail::SlicePart,
                    };
                    return Err(self.fail(q, what));
                }
            }
        }
        Ok(Slice {
            start: slice[0],
            stop: slice[1],
            step: slice[2],
        })
    }

    /// A number (Go's `strconv.Atoi`; out of range is its error).
    fn number(&self, p: &Pair<'_, Rule>) -> Result<i64, Error> {
        let text = p.as_str();
        parse_atoi(text).ok_or_else(|| {
            let why = if text.trim_start_matches('-').is_empty() {
                "invalid syntax"
            } else {
                "value out of range"
            };
            Error::syntax(format!("`{text}` is not a number"), span(p))
                .with_js(format!("strconv.Atoi: parsing \"{text}\": {why}"))
        })
    }

    fn multi_list(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let s = span(&p);
        let mut items = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::go_expression => items.push(self.expression(q)?),
                Rule::go_incomplete => return Err(self.fail(q, Fail::Start)),
                _ => return Err(self.fail(q, Fail::Expected(Tok::Comma))),
            }
        }
        Ok(Node::new(NodeKind::MultiList(items), s))
    }

    fn multi_hash(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let s = span(&p);
        let mut kvs = Vec::new();
        for q in p.into_inner() {
            if q.as_rule() != Rule::go_key_value {
                return Err(self.fail(q, Fail::Key));
            }
            let mut inner = q.into_inner();
            let key = inner.next().expect("grammar: a key");
            let key_span = span(&key);
            let quoted = key.as_rule() == Rule::go_quoted_identifier;
            if !quoted && key.as_rule() != Rule::identifier {
                return Err(self.fail(key, Fail::Key));
            }
            let key = self.token(key)?;
            let value = inner.next().expect("grammar: a value");
            if value.as_rule() == Rule::go_fail {
                return Err(self.fail(value, Fail::Expected(Tok::Colon)));
            }
            kvs.push(KeyValue {
                key: Arc::from(key.value.as_str()),
                quoted,
                key_span,
                value: self.expression(value)?,
            });
        }
        Ok(Node::new(NodeKind::MultiHash(kvs), s))
    }

    fn let_expression(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let mut inner = p.into_inner();
        let start = span(&inner.next().expect("grammar: `let`"));
        let mut bindings = Vec::new();
        for q in inner.by_ref() {
            match q.as_rule() {
                Rule::go_expression => bindings.push(self.expression(q)?),
                Rule::go_in => break,
                _ => return Err(self.fail(q, Fail::Start)),
            }
        }
        let body = self.expression(inner.next().expect("grammar: a body"))?;
        let s = start.to(body.span);
        Ok(Node::new(
            NodeKind::Let {
                bindings,
                body: boxed(body),
            },
            s,
        ))
    }

    fn call(&self, p: Pair<'_, Rule>, left: Node) -> Result<Node, Error> {
        let open = Span::new(p.as_span().start(), p.as_span().start() + 1);
        let (name, held) = match &left.kind {
            NodeKind::Field {
                name,
                quoted: false,
            } => (Arc::clone(name), None),
            _ if self.rules.call_on_any_node => held_name(&left.kind),
            _ => {
                return Err(syntax(
                    "only a function name can be called: `name(args)`",
                    "Invalid node as function name.",
                    self.last_token(&left).to(open),
                ))
            }
        };
        let mut args = Vec::new();
        let close = p.as_span().end();
        for q in p.into_inner() {
            args.push(self.expression(q)?);
        }
        let end = Span::new(close - 1, close);
        let name_span = left.span;
        Ok(Node::new(
            NodeKind::Call {
                name,
                name_span,
                args,
                held,
            },
            name_span.to(end),
        ))
    }

    /// The span of the last token of `node`'s text.
    fn last_token(&self, node: &Node) -> Span {
        let end = node.span.end;
        if matches!(
            self.src.as_bytes().get(end.wrapping_sub(1)),
            Some(b')' | b']' | b'}')
        ) {
            return Span::new(end - 1, end);
        }
        match &node.kind {
            NodeKind::Subexpr { rhs, .. }
            | NodeKind::Projection { rhs, .. }
            | NodeKind::Pipe(_, rhs)
            | NodeKind::Or(_, rhs)
            | NodeKind::And(_, rhs)
            | NodeKind::Compare { rhs, .. }
            | NodeKind::Arithmetic { rhs, .. }
            | NodeKind::Assign { rhs, .. }
            | NodeKind::Not(rhs)
            | NodeKind::ExprRef(rhs)
            | NodeKind::Unary { operand: rhs, .. }
            | NodeKind::Let { body: rhs, .. } => self.last_token(rhs),
            _ => node.span,
        }
    }

    fn json_literal(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let t = self.token(p)?;
        let value = super::json::parse_value(&t.value).map_err(|go| {
            Error::syntax(
                format!(
                    "invalid JSON in literal: {go}; a string needs double quotes inside the backticks: `\"text\"`, or use 'text'"
                ),
                t.span,
            )
            .with_js(go)
        })?;
        Ok(Node::new(
            NodeKind::Literal {
                value,
                form: LiteralForm::Json,
            },
            t.span,
        ))
    }

    /// The engine's error where the grammar read a failure: `what` the
    /// engine was reading there, and the token it found (the first of the
    /// rest of the text).
    fn fail(&self, p: Pair<'_, Rule>, what: Fail) -> Error {
        let found = match p.into_inner().next().map(|q| token(q, self.rules)) {
            Some(Ok(Some(t))) => t,
            Some(Err(lexical)) => return lexical,
            _ => Token {
                tok: Tok::Eof,
                value: String::new(),
                span: Span::at(self.src.len()),
            },
        };
        let name = found.tok.go_name(self.rules.community);
        let v = &found.value;
        let (message, go) = match what {
            Fail::End => (
                format!("unexpected `{v}` after a complete expression"),
                format!("Unexpected token at the end of the expression: {name}"),
            ),
            Fail::Start if found.tok == Tok::Eof => (
                "the expression ends too early".into(),
                "Incomplete expression".into(),
            ),
            Fail::Start => (
                format!("unexpected `{v}`: an expression cannot start here"),
                format!("Invalid token: {name}"),
            ),
            Fail::After => (
                format!("unexpected `{v}` here"),
                format!("Unexpected token: {name}"),
            ),
            Fail::Projection => (
                format!(
                    "`{v}` cannot follow a projection; use `|` to apply it to the whole result"
                ),
                "Error".into(),
            ),
            Fail::DotTarget => (
                "expected a name, `*`, `[` or `{` after `.`".into(),
                "Expected identifier, lbracket, or lbrace".into(),
            ),
            Fail::Key => (
                "expected a key (a name or a \"quoted name\")".into(),
                // Both engines write v0.4.0's token names here.
                "Expected tQuotedIdentifier or tUnquotedIdentifier".into(),
            ),
            Fail::SlicePart => (
                "expected `:` or a number in the slice".into(),
                format!("Expected tColon or tNumber, received: {name}"),
            ),
            Fail::Colons => (
                "a slice has at most two `:`".into(),
                "Too many colons in slice expression".into(),
            ),
            Fail::Expected(tok) => {
                let human = match tok {
                    Tok::Rparen => "`)`",
                    Tok::Comma => "`,`",
                    Tok::Colon => "`:`",
                    Tok::Star => "`*` (`[*]`) or a number",
                    _ => "`]`",
                };
                (
                    format!("expected {human} here"),
                    format!(
                        "Expected {}, received: {name}",
                        tok.go_name(self.rules.community)
                    ),
                )
            }
        };
        syntax(message, go, found.span)
    }
}

/// What the engine was reading where the grammar read a failure.
#[derive(Clone, Copy)]
enum Fail {
    /// A token after a complete expression.
    End,
    /// The start of an expression.
    Start,
    /// What follows an operand.
    After,
    /// The first token of a projection's right side.
    Projection,
    /// What follows `.`.
    DotTarget,
    /// A key of a multi-select hash.
    Key,
    /// A part of a slice.
    SlicePart,
    /// A third `:` in a slice (the community engine).
    Colons,
    /// This token.
    Expected(Tok),
}

/// A syntax error with the engine's message (`SyntaxError: ...`).
fn syntax(message: impl Into<String>, go: impl std::fmt::Display, span: Span) -> Error {
    Error::syntax(message.into(), span).with_js(format!("SyntaxError: {go}"))
}

/// The name v0.4.0 calls on `node`: whatever name the node holds (`f(a)(b)`
/// is `f(b)`, `'g'(a)` calls `g`), or for a node that holds none no name
/// and the Go type of what it holds instead (it fails when evaluated; see
/// `NodeKind::Call`'s `held`).
fn held_name(node: &NodeKind) -> (Arc<str>, Option<&'static str>) {
    let ty = match node {
        NodeKind::Field { name, .. }
        | NodeKind::Call {
            name, held: None, ..
        } => return (Arc::clone(name), None),
        NodeKind::Call { held, .. } => *held,
        NodeKind::Literal {
            value: Json::String(s),
            ..
        } => return (Arc::from(s.as_str()), None),
        NodeKind::Compare { .. } => Some("jmespath.tokType"),
        NodeKind::Literal { value, .. } => Some(match value {
            Json::Null => "nil",
            Json::Bool(_) => "bool",
            Json::Number(_) => "float64",
            Json::String(_) => "string",
            Json::Array(_) => "[]interface {}",
            Json::Object(_) => "map[string]interface {}",
        }),
        // An index, a projection, `@`, a list, ...: their nodes hold nil.
        _ => Some("nil"),
    };
    (Arc::from(""), ty)
}

/// `kind` of `lhs` and `rhs`, spanning both.
fn binary(lhs: Node, rhs: Node, kind: impl FnOnce(Box<Node>, Box<Node>) -> NodeKind) -> Node {
    let s = lhs.span.to(rhs.span);
    Node::new(kind(boxed(lhs), boxed(rhs)), s)
}

fn field(name: &str, quoted: bool, span: Span) -> Node {
    Node::new(
        NodeKind::Field {
            name: Arc::from(name),
            quoted,
        },
        span,
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

#[cfg(test)]
mod tests {
    use crate::{Dialect, ErrorKind, Expression, Limits};

    /// Texts as long as the limit allows, nested every way the grammar or
    /// the fold recurses, end with a budget error, not a stack overflow.
    #[test]
    fn the_deepest_texts_are_a_budget_error() {
        let max = Limits::default().max_expression_len;
        let deep = |unit: &str| unit.repeat((max - 1) / unit.len()) + "a";
        for unit in [
            "(",
            "[",
            "{a:",
            "[?",
            "f(",
            "!",
            "-",
            "&",
            "$x = ",
            "let $x ",
            "let $x = 1 in ",
            "a.",
            ".*",
            "[*]",
            "[]",
            "a | ",
            "a + ",
        ] {
            let text = deep(unit);
            for dialect in [Dialect::Grafana, Dialect::GrafanaLegacy] {
                let e = Expression::compile(&text, dialect).err();
                let kind = e.as_ref().map(|e| e.kind);
                assert!(
                    matches!(kind, Some(ErrorKind::BudgetExceeded | ErrorKind::Syntax)),
                    "{dialect}: {unit:?}: {e:?}"
                );
            }
        }
    }

    /// Each engine parses its own forms: the grammar's entry rule decides.
    #[test]
    fn each_engine_parses_its_own_forms() {
        let js = |text: &str, dialect| {
            Expression::compile(text, dialect)
                .err()
                .and_then(|e| e.js_message)
        };
        for (text, community, legacy) in [
            ("a * b", None, Some("SyntaxError: Unexpected token: tStar")),
            (
                "a[:::]",
                Some("SyntaxError: Too many colons in slice expression"),
                None,
            ),
            (
                "a[*] * b",
                Some("SyntaxError: Error"),
                Some("SyntaxError: Error"),
            ),
            ("(a)(b)", None, None),
            (
                "a[0](b)",
                Some("SyntaxError: Invalid node as function name."),
                None,
            ),
            (
                "{a: b,}",
                Some("SyntaxError: Expected tQuotedIdentifier or tUnquotedIdentifier"),
                Some("SyntaxError: Expected tQuotedIdentifier or tUnquotedIdentifier"),
            ),
            (
                "[a b] #",
                Some("SyntaxError: Unknown char: '#'"),
                Some("SyntaxError: Unknown char: '#'"),
            ),
            (
                "let $x = a in $x",
                None,
                Some("SyntaxError: Unknown char: '$'"),
            ),
        ] {
            assert_eq!(js(text, Dialect::Grafana).as_deref(), community, "{text}");
            assert_eq!(
                js(text, Dialect::GrafanaLegacy).as_deref(),
                legacy,
                "{text}"
            );
        }
    }
}
