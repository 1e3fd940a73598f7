//! From text to [`Node`]: the pest grammar (`grammar/jmespath.pest`) and
//! the lowering of pest's pairs into the typed tree, operators and
//! postfixes folded with the binding powers of [`crate::precedence`].
//! A projection's right side takes every following postfix whose binding
//! power reaches [`bp::PROJECTION_STOP`].

use std::iter::Peekable;
use std::sync::Arc;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;
use serde_json::Value as Json;

use crate::ast::{Comparator, KeyValue, LiteralForm, Node, NodeKind, ProjectionKind, Slice, Span};
use crate::dialect::{LiteralJson, RawEscapes, Rules};
use crate::error::{Error, ErrorKind};
use crate::jsnum;
use crate::limits::Limits;
use crate::precedence as bp;
use crate::{jserror, lexical, Dialect};

/// The grammar: JMESPath (`jmespath.pest`) over the tokens it shares with
/// the Go engines (`tokens.pest`).
#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/tokens.pest"]
#[grammar = "../../grammar/jmespath.pest"]
struct Grammar;

/// Parses `src` in `dialect` into a tree.
pub(crate) fn parse(src: &str, dialect: Dialect, limits: &Limits) -> Result<Node, Error> {
    let rules = dialect.rules();
    let parsed = prescan(src, rules, limits).and_then(|deepest| {
        crate::with_parse_stack(deepest, || {
            parse_range(src, 0, src.len(), rules, limits.max_depth)
        })
    });
    let node = match parsed {
        Ok(node) => node,
        // jmespath.js reads every token before it parses: a lexical error
        // is its message wherever the text fails.
        Err(mut e) if rules.js_messages && e.kind == ErrorKind::Syntax => {
            if let Some(lexical) = jserror::lexical_error(src) {
                e.js_message = Some(lexical);
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    if node.depth() > limits.max_depth {
        return Err(too_deep(limits, Span::new(0, src.len())));
    }
    Ok(node)
}

fn too_deep(limits: &Limits, span: Span) -> Error {
    too_deep_at(limits.max_depth, span)
}

/// Beyond the limits (rolemap's own, not the language's: jmespath.js may
/// accept the text) the error is a budget error, not a syntax error.
#[cfg(feature = "grafana")]
pub(crate) fn too_deep_error(max_depth: u32, span: Span) -> Error {
    too_deep_at(max_depth, span)
}

fn too_deep_at(max_depth: u32, span: Span) -> Error {
    Error::new(
        ErrorKind::BudgetExceeded,
        format!("the expression nests deeper than {max_depth} levels; split it or simplify it"),
        span,
    )
}

/// Rejects what must never reach pest: overlong or over-nested text (pest
/// and the lowering recurse), and in jmespath.js a carriage return outside
/// strings.
/// Returns the deepest nesting seen.
fn prescan(src: &str, rules: &Rules, limits: &Limits) -> Result<u32, Error> {
    limits.check_length(src)?;
    let b = src.as_bytes();
    let mut depth: u32 = 0;
    let mut deepest: u32 = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if !PRESCANNED[usize::from(c)] {
            continue;
        }
        let at = i - 1;
        match c {
            b'\'' | b'"' | b'`' => {
                i = lexical::quoted_end(b, at);
                continue;
            }
            b'&' if b.get(i) == Some(&b'&') => {
                i += 1;
                continue;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                continue;
            }
            b'\r' if !rules.cr_is_whitespace => {
                return Err(Error::syntax(
                    "a carriage return (\\r) is not white space for jmespath.js: remove it (Windows line endings?)",
                    Span::new(at, at + 1),
                ))
            }
            b'\r' => continue,
            // `(`, `[`, `{`, `!` and `&` alone: one level deeper.
            _ => depth += 1,
        }
        if depth > limits.max_depth {
            return Err(too_deep(limits, Span::new(at, at + 1)));
        }
        deepest = deepest.max(depth);
    }
    Ok(deepest)
}

/// The bytes [`prescan`] looks at (the others it steps over).
const PRESCANNED: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"'\"`([{!&)]}\r";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Parses `src[start..end]` as a whole expression, with spans relative to `src`.
fn parse_range(
    src: &str,
    start: usize,
    end: usize,
    rules: &'static Rules,
    max_depth: u32,
) -> Result<Node, Error> {
    let text = &src[start..end];
    let mut pairs = grammar_parse(text).map_err(|e| pest_error(e, src, start, rules))?;
    let expr = pairs
        .next()
        .ok_or_else(|| Error::syntax("empty expression", Span::new(start, end)))?;
    Lower {
        src,
        offset: start,
        rules,
        max_depth,
        recursion: std::cell::Cell::new(0),
    }
    .expression(expr)
}

/// pest's parse of a whole expression, within [`PEST_CALL_LIMIT`].
fn grammar_parse(text: &str) -> Result<Pairs<'_, Rule>, pest::error::Error<Rule>> {
    set_call_limit();
    Grammar::parse(Rule::root, text)
}

/// Sets pest's call limit to [`PEST_CALL_LIMIT`] before the first parse of
/// either grammar (this one's and the Go engines' tokens). The limit is
/// process-wide, and every pest parse in this crate wants the same one.
pub(crate) fn set_call_limit() {
    static CALL_LIMIT: std::sync::Once = std::sync::Once::new();
    CALL_LIMIT.call_once(|| pest::set_call_limit(std::num::NonZeroUsize::new(PEST_CALL_LIMIT)));
}

/// Rule calls one pest parse may make. Some texts make the grammar
/// backtrack without end (unclosed `[` and `&` nested tens deep take 2^n
/// tries): they get an error instead of a hang. A text within the length
/// limit that parses needs far fewer.
const PEST_CALL_LIMIT: usize = 4_000_000;

/// The error for pest's failure on `src[offset..]`: where it stopped, what
/// it found and expected there, and in jmespath.js's dialect its message.
fn pest_error(e: pest::error::Error<Rule>, src: &str, offset: usize, rules: &Rules) -> Error {
    let text = &src[offset..];
    use pest::error::{ErrorVariant, InputLocation};
    if let ErrorVariant::CustomError { message } = &e.variant {
        if message.contains("limit reached") {
            return Error::syntax(
                "the parser gave up on this expression: it backtracks too much (look for unclosed `[`, `(` or `{`, or simplify it)",
                Span::new(offset, offset + text.len()),
            );
        }
    }
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = text[pos..].chars().next();
    let end = pos + found.map_or(0, char::len_utf8);
    let span = Span::new(offset + pos, offset + end);
    let what = match found {
        None if text.trim().is_empty() => "the expression is empty".to_string(),
        None => "the expression ends too early".to_string(),
        Some(c) if !c.is_ascii() || c.is_ascii_control() => {
            format!(
                "unexpected character {} (U+{:04X})",
                crate::quote::quoted_char(c),
                c as u32
            )
        }
        Some(c) => format!("unexpected `{c}`"),
    };
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives
                .iter()
                .flat_map(|r| rule_names(*r).iter().copied())
                .collect();
            crate::sort::sort_by(&mut names, |a, b| a.cmp(b));
            names.dedup();
            names
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let message = if expected.is_empty() {
        what
    } else {
        format!("{what}; expected {}", join_or(&expected))
    };
    let error = Error::syntax(message, span);
    if rules.js_messages {
        error.with_js(jserror::syntax_message(src, offset + pos))
    } else {
        error
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How a grammar rule reads in an error message (a guard rule stands for
/// every token it guards).
fn rule_names(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::expression | Rule::operand => &["an expression"],
        Rule::infix_start => &["`||`", "`|`", "`&&`", "a comparator"],
        Rule::postfix_start => &["`.`", "`[`", "`(`"],
        Rule::or => &["`||`"],
        Rule::pipe => &["`|`"],
        Rule::and => &["`&&`"],
        Rule::eq | Rule::ne | Rule::lt | Rule::lte | Rule::gt | Rule::gte => &["a comparator"],
        Rule::identifier => &["a name"],
        Rule::quoted_identifier => &["a \"quoted name\""],
        Rule::raw_string => &["a 'string'"],
        Rule::json_literal => &["a `literal`"],
        Rule::dot => &["`.`"],
        Rule::lbracket | Rule::flatten | Rule::filter | Rule::bracket | Rule::multi_list => {
            &["`[`"]
        }
        Rule::call | Rule::paren => &["`(`"],
        Rule::multi_hash => &["`{`"],
        Rule::comma | Rule::trailing_comma => &["`,`"],
        Rule::colon => &["`:`"],
        Rule::rbracket => &["`]`"],
        Rule::rparen => &["`)`"],
        Rule::rbrace => &["`}`"],
        Rule::number => &["a number"],
        Rule::star => &["`*`"],
        Rule::current => &["`@`"],
        Rule::EOI => &["the end of the expression"],
        _ => &[],
    }
}

struct Lower<'s> {
    src: &'s str,
    offset: usize,
    rules: &'static Rules,
    /// Deepest tree (and recursion) allowed.
    max_depth: u32,
    /// How deeply the lowering functions have recursed.
    recursion: std::cell::Cell<u32>,
}

/// The parts of an operand, consumed left to right by the postfix folding
/// (read straight from pest's pairs: nothing is collected).
struct Ops<'i> {
    items: std::iter::Peekable<Pairs<'i, Rule>>,
}

impl<'i> Ops<'i> {
    /// The rule of the next part.
    fn peek(&mut self) -> Option<Rule> {
        self.items.peek().map(Pair::as_rule)
    }
    fn next(&mut self) -> Option<Pair<'i, Rule>> {
        self.items.next()
    }
}

/// The binding power of an operator between two operands; 0 for anything
/// else.
fn infix_bp(rule: Rule) -> u8 {
    match rule {
        Rule::pipe => bp::PIPE,
        Rule::or => bp::OR,
        Rule::and => bp::AND,
        Rule::eq | Rule::ne | Rule::lt | Rule::lte | Rule::gt | Rule::gte => bp::COMPARE,
        _ => 0,
    }
}

fn postfix_bp(rule: Rule) -> u8 {
    match rule {
        Rule::dot => bp::DOT,
        Rule::flatten => bp::FLATTEN,
        Rule::filter => bp::FILTER,
        Rule::bracket | Rule::multi_list => bp::BRACKET,
        Rule::call => bp::CALL,
        _ => 0,
    }
}

fn boxed(n: Node) -> Box<Node> {
    Box::new(n)
}

/// A projection node; its span covers `lhs`, the projection's own token
/// `op` and `rhs`.
pub(crate) fn projection(kind: ProjectionKind, lhs: Node, rhs: Node, op: Span) -> Node {
    let span = lhs.span.to(op).to(rhs.span);
    Node::new(
        NodeKind::Projection {
            kind,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        span,
    )
}

/// Whether a `number` token is a plain integer (`-` then digits); the
/// grammar also matches runs such as `1-2` (jmespath.js leniency).
fn is_plain_int(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The value of a raw string's body (between the quotes), as `rules` read
/// its `\'` escapes.
fn raw_string_value(rules: &Rules, body: &str) -> String {
    if !body.contains('\\') {
        return body.to_string();
    }
    match rules.raw_escapes {
        RawEscapes::AllQuotes => body.replace("\\'", "'"),
        RawEscapes::FirstQuoteOnly => body.replacen("\\'", "'", 1),
    }
}

impl<'s> Lower<'s> {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    /// The field an unquoted name reads.
    fn field(&self, p: &Pair<'_, Rule>) -> Node {
        Node::new(
            NodeKind::Field {
                name: Arc::from(p.as_str()),
                quoted: false,
            },
            self.span(p),
        )
    }

    /// `node`, unless it nests deeper than the limit (checked as the tree
    /// grows, so that no deeper tree is ever built or dropped).
    fn bounded(&self, node: Node) -> Result<Node, Error> {
        if node.depth() > self.max_depth {
            return Err(too_deep_at(self.max_depth, node.span));
        }
        Ok(node)
    }

    /// Runs `f` one recursion level deeper, refusing to go past the limit.
    fn nested<T>(&self, span: Span, mut f: impl FnMut() -> Result<T, Error>) -> Result<T, Error> {
        let level = self.recursion.get() + 1;
        if level > self.max_depth {
            return Err(too_deep_at(self.max_depth, span));
        }
        self.recursion.set(level);
        let r = crate::with_stack(&mut f);
        self.recursion.set(level - 1);
        r
    }

    fn lenient(&self, what: &str, span: Span) -> Result<(), Error> {
        if self.rules.lenient_syntax {
            Ok(())
        } else {
            Err(Error::syntax(what.to_string(), span))
        }
    }

    fn expression(&self, pair: Pair<'_, Rule>) -> Result<Node, Error> {
        let mut inner = pair.into_inner();
        let first = inner.next().expect("grammar: an expression has an operand");
        if inner.is_empty() {
            return self.operand(first);
        }
        let lhs = self.operand(first)?;
        self.infix(lhs, &mut inner.peekable(), 0)
    }

    /// `lhs` folded with the operators of `rest` that bind tighter than
    /// `rbp`, each with the operand after it (all associate to the left).
    fn infix(
        &self,
        mut lhs: Node,
        rest: &mut Peekable<Pairs<'_, Rule>>,
        rbp: u8,
    ) -> Result<Node, Error> {
        while let Some(op) = rest.next_if(|op| infix_bp(op.as_rule()) > rbp) {
            let op_bp = infix_bp(op.as_rule());
            let operand = rest.next().expect("grammar: an operator has an operand");
            let rhs = self.operand(operand)?;
            let rhs = self.infix(rhs, rest, op_bp)?;
            let span = lhs.span.to(rhs.span);
            let (l, r) = (boxed(lhs), boxed(rhs));
            let kind = match op.as_rule() {
                Rule::pipe => NodeKind::Pipe(l, r),
                Rule::or => NodeKind::Or(l, r),
                Rule::and => NodeKind::And(l, r),
                rule => NodeKind::Compare {
                    op: match rule {
                        Rule::eq => Comparator::Eq,
                        Rule::ne => Comparator::Ne,
                        Rule::lt => Comparator::Lt,
                        Rule::lte => Comparator::Le,
                        Rule::gt => Comparator::Gt,
                        _ => Comparator::Ge,
                    },
                    lhs: l,
                    rhs: r,
                },
            };
            lhs = self.bounded(Node::new(kind, span))?;
        }
        Ok(lhs)
    }

    fn operand(&self, pair: Pair<'_, Rule>) -> Result<Node, Error> {
        let inner = pair.into_inner();
        // A lone name (the most frequent operand) is its field.
        if inner.len() == 1 {
            if let Some(name) = inner
                .clone()
                .next()
                .filter(|p| p.as_rule() == Rule::identifier)
            {
                return Ok(self.field(&name));
            }
        }
        let mut ops = Ops {
            items: inner.peekable(),
        };
        let node = self.unary(&mut ops, 0)?;
        debug_assert!(ops.peek().is_none());
        Ok(node)
    }

    /// `!`* primary, then the postfixes that bind tighter than `rbp`.
    fn unary(&self, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        let Some(first) = ops.next() else {
            return Err(Error::syntax(
                "expected an expression",
                Span::at(self.offset),
            ));
        };
        let node = if first.as_rule() == Rule::not {
            let start = self.span(&first).start;
            let inner = self.unary(ops, bp::NOT)?;
            let span = Span::new(start, inner.span.end);
            Node::new(NodeKind::Not(boxed(inner)), span)
        } else {
            self.nud(first, ops)?
        };
        self.leds(node, ops, rbp)
    }

    /// Applies postfixes while they bind tighter than `rbp`.
    fn leds(&self, mut node: Node, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        while let Some(rule) = ops.peek() {
            if postfix_bp(rule) <= rbp {
                break;
            }
            let p = ops.next().expect("peeked");
            node = self.bounded(self.led(p, node, ops)?)?;
        }
        Ok(node)
    }

    /// A primary (the start of an operand, or of a projection's right side).
    fn nud(&self, p: Pair<'_, Rule>, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let span = self.span(&p);
        let identity = || Node::new(NodeKind::Identity, Span::at(span.start));
        Ok(match p.as_rule() {
            Rule::identifier => self.field(&p),
            Rule::quoted_identifier => self.quoted_identifier(p)?,
            Rule::raw_string | Rule::json_literal => self.literal(p)?,
            Rule::current => Node::new(NodeKind::Current, span),
            Rule::star => {
                let rhs = self.projection_rhs(ops, bp::STAR, span.end)?;
                projection(ProjectionKind::Values, identity(), rhs, span)
            }
            Rule::flatten => {
                let rhs = self.projection_rhs(ops, bp::FLATTEN, span.end)?;
                projection(ProjectionKind::Flatten, identity(), rhs, span)
            }
            Rule::filter => {
                let cond = self.filter_condition(p)?;
                let rhs = self.projection_rhs(ops, bp::FILTER, span.end)?;
                projection(ProjectionKind::Filter(boxed(cond)), identity(), rhs, span)
            }
            Rule::bracket => self.bracket(p, identity(), ops)?,
            Rule::multi_list => self.multi_list(p)?,
            Rule::multi_hash => self.multi_hash(p)?,
            Rule::paren => self.paren(p)?,
            Rule::expref => {
                let inner = p
                    .into_inner()
                    .next()
                    .expect("grammar: expref has an expression");
                let span = Span::new(span.start, self.expression_end(&inner));
                Node::new(NodeKind::ExprRef(boxed(self.expression(inner)?)), span)
            }
            _ => return Err(Error::syntax(format!("unexpected `{}`", p.as_str()), span)),
        })
    }

    /// A postfix applied to `left`.
    fn led(&self, p: Pair<'_, Rule>, left: Node, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::dot => {
                let target = p.into_inner().next().expect("grammar: dot has a target");
                match target.as_rule() {
                    Rule::star => {
                        let rhs = self.projection_rhs(ops, bp::DOT, span.end)?;
                        Ok(projection(ProjectionKind::Values, left, rhs, span))
                    }
                    _ => {
                        let rhs = self.dot_rhs(target, ops, bp::DOT)?;
                        let s = left.span.to(rhs.span);
                        Ok(Node::new(
                            NodeKind::Subexpr {
                                lhs: boxed(left),
                                rhs: boxed(rhs),
                            },
                            s,
                        ))
                    }
                }
            }
            Rule::flatten => {
                let rhs = self.projection_rhs(ops, bp::FLATTEN, span.end)?;
                Ok(projection(ProjectionKind::Flatten, left, rhs, span))
            }
            Rule::filter => {
                let cond = self.filter_condition(p)?;
                let rhs = self.projection_rhs(ops, bp::FILTER, span.end)?;
                Ok(projection(
                    ProjectionKind::Filter(boxed(cond)),
                    left,
                    rhs,
                    span,
                ))
            }
            Rule::bracket => self.bracket(p, left, ops),
            Rule::multi_list => {
                let error = Error::syntax(
                    "a multi-select list `[a, b]` cannot follow an expression here; write `.[a, b]`",
                    span,
                );
                Err(match jserror::expected_star(self.src, span.start) {
                    Some(js) => error.with_js(js),
                    None => error,
                })
            }
            Rule::call => self.call(p, left),
            _ => Err(Error::syntax(format!("unexpected `{}`", p.as_str()), span)),
        }
    }

    /// The right side of `.`: a name (then what binds tighter than `rbp`),
    /// `*`, a multi-select list or hash.
    fn dot_rhs(&self, target: Pair<'_, Rule>, ops: &mut Ops<'_>, rbp: u8) -> Result<Node, Error> {
        let span = self.span(&target);
        match target.as_rule() {
            Rule::identifier | Rule::quoted_identifier => {
                let field = self.nud(target, ops)?;
                self.leds(field, ops, rbp)
            }
            Rule::star => {
                let rhs = self.projection_rhs(ops, bp::STAR, span.end)?;
                let identity = Node::new(NodeKind::Identity, Span::at(span.start));
                let node = projection(ProjectionKind::Values, identity, rhs, span);
                self.leds(node, ops, rbp)
            }
            Rule::multi_list => self.multi_list(target),
            Rule::dangling => {
                self.lenient(
                    "nothing after `.`: expected a name, `*`, `[` or `{`",
                    Span::at(span.start),
                )?;
                Ok(Node::new(NodeKind::Missing, Span::at(span.start)))
            }
            _ => self.multi_hash(target),
        }
    }

    /// The right side of a projection: the postfixes binding tighter than
    /// `rbp`, applied to each element; `Identity` when none follows.
    fn projection_rhs(&self, ops: &mut Ops<'_>, rbp: u8, at: usize) -> Result<Node, Error> {
        self.nested(Span::at(at), || self.projection_rhs_inner(ops, rbp, at))
    }

    fn projection_rhs_inner(&self, ops: &mut Ops<'_>, rbp: u8, at: usize) -> Result<Node, Error> {
        let identity = Node::new(NodeKind::Identity, Span::at(at));
        let Some(rule) = ops.peek() else {
            return Ok(identity);
        };
        if postfix_bp(rule) < bp::PROJECTION_STOP {
            return Ok(identity);
        }
        let p = ops.next().expect("peeked");
        let span = self.span(&p);
        let node = match p.as_rule() {
            Rule::bracket | Rule::multi_list | Rule::filter => self.nud(p, ops)?,
            Rule::dot => {
                let target = p.into_inner().next().expect("grammar: dot has a target");
                return self.dot_rhs(target, ops, rbp);
            }
            _ => {
                return Err(Error::syntax(
                    format!(
                        "`{}` cannot follow a projection; use `|` to apply it to the whole result",
                        p.as_str()
                    ),
                    span,
                )
                .with_js("Sytanx error, unexpected token: ((Lparen)"))
            }
        };
        self.leds(node, ops, rbp)
    }

    fn filter_condition(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let expr = p
            .into_inner()
            .find(|q| q.as_rule() == Rule::expression)
            .expect("grammar: filter has a condition");
        self.expression(expr)
    }

    /// `[n]`, `[*]` or `[a:b:c]` applied to `left`.
    fn bracket(&self, p: Pair<'_, Rule>, left: Node, ops: &mut Ops<'_>) -> Result<Node, Error> {
        let span = self.span(&p);
        let inner = p.into_inner().next().expect("grammar: bracket has content");
        match inner.as_rule() {
            Rule::number => {
                let index = self.number(&inner)?;
                let s = left.span.to(span);
                Ok(Node::new(
                    NodeKind::Index {
                        lhs: boxed(left),
                        index,
                    },
                    s,
                ))
            }
            Rule::star => {
                let rhs = self.projection_rhs(ops, bp::STAR, span.end)?;
                Ok(projection(ProjectionKind::List, left, rhs, span))
            }
            _ => {
                let slice = self.slice(inner)?;
                let rhs = self.projection_rhs(ops, bp::STAR, span.end)?;
                Ok(projection(ProjectionKind::Slice(slice), left, rhs, span))
            }
        }
    }

    fn number(&self, p: &Pair<'_, Rule>) -> Result<i64, Error> {
        let text = p.as_str();
        let span = self.span(p);
        if !is_plain_int(text) {
            self.lenient(&format!("`{text}` is not a number"), span)?;
        }
        jsnum::parse_int_prefix(text).ok_or_else(|| {
            Error::syntax(format!("`{text}` is not a number"), span)
                .with_js(format!("Invalid token (Number): \"{text}\""))
        })
    }

    fn slice(&self, p: Pair<'_, Rule>) -> Result<Slice, Error> {
        let mut parts = [None; 3];
        let mut index = 0;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::colon => index += 1,
                Rule::number => {
                    let slot = &mut parts[index.min(2)];
                    if slot.is_some() {
                        self.lenient("two numbers in a row in a slice", self.span(&q))?;
                    }
                    *slot = Some(self.number(&q)?);
                }
                _ => self.lenient("a slice has at most two `:`", self.span(&q))?,
            }
        }
        Ok(Slice {
            start: parts[0],
            stop: parts[1],
            step: parts[2],
        })
    }

    /// Checks that elements are separated by commas (jmespath.js lets them
    /// be missing) and hands each element to `item`; returns how many there
    /// were. A separator error wins over an element's error wherever it is.
    fn separated<'i>(
        &self,
        pairs: Pairs<'i, Rule>,
        what: &str,
        mut item: impl FnMut(Pair<'i, Rule>) -> Result<Tail, Error>,
    ) -> Result<usize, Error> {
        let mut items = 0;
        let mut need_comma = false;
        let mut prev = Tail::Plain;
        let mut deferred = Ok(());
        // The items sit in an `items` or `args` pair; the closing bracket
        // and a trailing comma after it.
        let flat = pairs.flat_map(|q| match q.as_rule() {
            Rule::items | Rule::args => Either::Items(q.into_inner()),
            _ => Either::One(Some(q)),
        });
        for q in flat {
            match q.as_rule() {
                Rule::comma => need_comma = false,
                Rule::rbracket | Rule::rparen | Rule::rbrace => {}
                Rule::trailing_comma => {
                    self.lenient(&format!("a trailing `,` in {what}"), self.span(&q))?
                }
                _ => {
                    if need_comma {
                        let at = Span::at(self.span(&q).start);
                        self.lenient(&format!("missing `,` between the items of {what}"), at)?;
                        self.juxtaposed(prev, at.start)?;
                    }
                    need_comma = true;
                    items += 1;
                    prev = Tail::Plain;
                    if deferred.is_ok() {
                        match item(q) {
                            Ok(tail) => prev = tail,
                            Err(e) => deferred = Err(e),
                        }
                    }
                }
            }
        }
        deferred.map(|()| items)
    }

    /// jmespath.js reads two items written without a `,` between them as
    /// one item continued, and fails where the second starts with `{`, `!`
    /// or `*`, or with a literal right after a projection.
    fn juxtaposed(&self, prev: Tail, next: usize) -> Result<(), Error> {
        let c = self.src.as_bytes().get(next).copied().unwrap_or(b' ');
        let fails = match prev {
            // After a bare `@` argument jmespath.js starts a new expression.
            Tail::BareCurrent => false,
            Tail::OpenProjection => matches!(c, b'{' | b'!' | b'*' | b'\'' | b'`'),
            Tail::Plain => matches!(c, b'{' | b'!' | b'*'),
        };
        if fails {
            let projecting = matches!(prev, Tail::OpenProjection);
            return Err(Error::syntax(
                "a `,` is missing here, and without it jmespath.js reads this as part of the previous item",
                Span::new(next, next + 1),
            )
            .with_js(jserror::juxtaposed_message(self.src, next, projecting)));
        }
        Ok(())
    }

    fn multi_list(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let span = self.span(&p);
        let mut nodes = Vec::new();
        let count = self.separated(p.into_inner(), "a multi-select list", |q| {
            let node = self.expression(q)?;
            let tail = Tail::of(self.src, &node, false);
            nodes.push(node);
            Ok(tail)
        })?;
        if count == 0 {
            self.lenient("an empty multi-select list `[ ]`", span)?;
        }
        Ok(Node::new(NodeKind::MultiList(nodes), span))
    }

    fn multi_hash(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let span = self.span(&p);
        let mut kvs = Vec::new();
        self.separated(p.into_inner(), "a multi-select hash", |kv| {
            let mut inner = kv.into_inner();
            let key = inner.next().expect("grammar: key");
            let value = inner
                .find(|q| q.as_rule() == Rule::expression)
                .expect("grammar: value");
            let key_span = self.span(&key);
            let (key, quoted) = match key.as_rule() {
                Rule::identifier => (Arc::from(key.as_str()), false),
                _ => match self.quoted_identifier(key)?.kind {
                    NodeKind::Field { name, .. } => (name, true),
                    _ => unreachable!("quoted_identifier gives a field"),
                },
            };
            kvs.push(KeyValue {
                key,
                quoted,
                key_span,
                value: self.expression(value)?,
            });
            Ok(Tail::Plain)
        })?;
        Ok(Node::new(NodeKind::MultiHash(kvs), span))
    }

    fn paren(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let span = self.span(&p);
        let mut exprs = self.arguments(p.into_inner())?;
        if exprs.is_empty() {
            // jmespath.js parses `()` as nothing, and fails where it is evaluated.
            self.lenient("empty parentheses `()`: put an expression in them", span)?;
            return Ok(Node::new(NodeKind::Missing, span));
        }
        if exprs.len() > 1 {
            self.lenient(
                "several expressions in parentheses; join them with an operator",
                exprs[1].span,
            )?;
            let bare = self.rules.bare_current_argument;
            for pair in exprs.windows(2) {
                self.juxtaposed(Tail::of(self.src, &pair[0], bare), pair[1].span.start)?;
            }
        }
        let mut first = exprs.swap_remove(0);
        // Parentheses leave no node: widen the span to cover them.
        first.span = span;
        Ok(first)
    }

    /// Expressions of a call or parentheses. jmespath.js takes a bare `@` as
    /// a whole argument and parses what follows it as the next one.
    fn arguments(&self, pairs: Pairs<'_, Rule>) -> Result<Vec<Node>, Error> {
        let mut out = Vec::new();
        for q in pairs {
            if q.as_rule() == Rule::expression {
                self.argument(q, &mut out)?;
            }
        }
        Ok(out)
    }

    /// One expression of a call or parentheses, pushed onto `out` (two
    /// nodes where jmespath.js splits it at a bare `@`).
    fn argument(&self, q: Pair<'_, Rule>, out: &mut Vec<Node>) -> Result<(), Error> {
        {
            if self.rules.bare_current_argument {
                if let Some(rest) = self.after_bare_current(&q) {
                    let at = Span::new(self.span(&q).start, self.expression_end(&q));
                    out.push(Node::new(
                        NodeKind::Current,
                        Span::new(at.start, at.start + 1),
                    ));
                    out.push(
                        parse_range(self.src, rest, at.end, self.rules, self.max_depth).map_err(
                            |e| Error {
                                message: format!(
                                    "jmespath.js ends an argument at a bare `@`: {}",
                                    e.message
                                ),
                                ..e
                            },
                        )?,
                    );
                    return Ok(());
                }
            }
            out.push(self.expression(q)?);
        }
        Ok(())
    }

    /// Where an `expression` pair ends as the spans of the tree count it:
    /// after the white space that follows it, except after an operator,
    /// where it ends with its last operand's postfix (the grammar's pair
    /// always takes the white space; see `jmespath.pest`).
    fn expression_end(&self, expr: &Pair<'_, Rule>) -> usize {
        let inner = expr.clone().into_inner();
        if inner.len() > 1 {
            if let Some(operand) = inner.last() {
                let mut parts = operand
                    .clone()
                    .into_inner()
                    .skip_while(|p| p.as_rule() == Rule::not);
                match parts.next() {
                    Some(first) if first.as_rule() == Rule::expref => {
                        if let Some(e) = first.into_inner().next() {
                            return self.expression_end(&e);
                        }
                    }
                    _ => {
                        if let Some(postfix) = parts.last() {
                            return self.span(&postfix).end;
                        }
                    }
                }
            }
        }
        self.span(expr).end
    }

    /// If the expression is `@` followed by more, where the rest starts.
    fn after_bare_current(&self, expr: &Pair<'_, Rule>) -> Option<usize> {
        if !expr.as_str().starts_with('@') {
            return None;
        }
        let mut inner = expr.clone().into_inner();
        let operand = inner.next()?;
        let mut parts = operand.clone().into_inner();
        let first = parts.next()?;
        if first.as_rule() != Rule::current {
            return None;
        }
        let rest = parts.next().or_else(|| inner.next())?;
        Some(self.span(&rest).start)
    }

    fn call(&self, p: Pair<'_, Rule>, left: Node) -> Result<Node, Error> {
        let span = self.span(&p);
        let (name, name_span) = match left.kind {
            NodeKind::Field {
                name,
                quoted: false,
            } => (name, left.span),
            // `("name")(...)`: jmespath.js checks for quotes only where the
            // quoted name itself is followed by `(`.
            NodeKind::Field { name, quoted: true }
                if self.rules.lenient_syntax
                    && self.src.as_bytes().get(left.span.start) == Some(&b'(') =>
            {
                (name, left.span)
            }
            NodeKind::Field { quoted: true, .. } => {
                return Err(Error::syntax(
                    "a function name cannot be quoted; remove the double quotes",
                    left.span,
                )
                .with_js("Quoted identifier not allowed for function names."))
            }
            NodeKind::Call {
                name, name_span, ..
            } if self.rules.lenient_syntax => (name, name_span),
            // jmespath.js calls `left.name`: a comparison node's is its operator's.
            NodeKind::Compare { op, .. } if self.rules.lenient_syntax => {
                let name = match op {
                    Comparator::Eq => "EQ",
                    Comparator::Ne => "NE",
                    Comparator::Lt => "LT",
                    Comparator::Le => "LTE",
                    Comparator::Gt => "GT",
                    Comparator::Ge => "GTE",
                };
                (Arc::from(name), left.span)
            }
            _ if self.rules.lenient_syntax => (Arc::from("undefined"), left.span),
            _ => {
                return Err(Error::syntax(
                    "only a function name can be called: `name(args)`",
                    left.span.to(span),
                ))
            }
        };
        let mut args = Vec::new();
        self.separated(p.into_inner(), "a function call", |q| {
            self.argument(q, &mut args)?;
            let bare = self.rules.bare_current_argument;
            Ok(args
                .last()
                .map_or(Tail::Plain, |a| Tail::of(self.src, a, bare)))
        })?;
        Ok(Node::new(
            NodeKind::Call {
                name,
                name_span,
                args,
                held: None,
            },
            name_span.to(span),
        ))
    }

    fn quoted_identifier(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let span = self.span(&p);
        let text = p.as_str();
        let name: String = serde_json::from_slice(text.as_bytes()).map_err(|e| {
            Error::syntax(
                format!("invalid quoted name {text}: {}", json_error_text(&e)),
                span,
            )
        })?;
        Ok(Node::new(
            NodeKind::Field {
                name: name.into(),
                quoted: true,
            },
            span,
        ))
    }

    fn literal(&self, p: Pair<'_, Rule>) -> Result<Node, Error> {
        let span = self.span(&p);
        let raw = p.as_rule() == Rule::raw_string;
        let mut body = "";
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::raw_string_body | Rule::json_literal_body => body = q.as_str(),
                _ => self.lenient(
                    if raw {
                        "the string has no closing `'`"
                    } else {
                        "the literal has no closing backtick"
                    },
                    Span::at(span.end),
                )?,
            }
        }
        let (value, form) = if raw {
            let s = raw_string_value(self.rules, body);
            (Json::String(s), LiteralForm::Raw)
        } else {
            (json_literal(self.rules, body, span)?, LiteralForm::Json)
        };
        Ok(Node::new(NodeKind::Literal { value, form }, span))
    }
}

/// The value of a JSON literal's body (between the backticks), as `rules` read it.
fn json_literal(rules: &Rules, body: &str, span: Span) -> Result<Json, Error> {
    let bad = |e: serde_json::Error| {
        Error::syntax(
            format!(
                "invalid JSON in literal: {}; a string needs double quotes inside the backticks: `\"text\"`, or use 'text'",
                json_error_text(&e)
            ),
            span,
        )
    };
    match rules.literal_json {
        LiteralJson::Strict => {
            let text = body.replace("\\`", "`");
            serde_json::from_slice(text.trim_matches([' ', '\t', '\n', '\r']).as_bytes())
                .map_err(bad)
        }
        LiteralJson::JsLegacy => {
            let text = body
                .trim_start_matches(jsnum::is_js_space)
                .replacen("\\`", "`", 1);
            if crate::js::looks_like_json(&text) {
                serde_json::from_slice(text.as_bytes()).map_err(bad)
            } else {
                serde_json::from_slice(format!("\"{text}\"").as_bytes()).map_err(bad)
            }
        }
    }
}

/// The pairs of an `items` or `args` pair, or one other pair.
enum Either<'i> {
    Items(Pairs<'i, Rule>),
    One(Option<Pair<'i, Rule>>),
}

impl<'i> Iterator for Either<'i> {
    type Item = Pair<'i, Rule>;
    fn next(&mut self) -> Option<Pair<'i, Rule>> {
        match self {
            Either::Items(pairs) => pairs.next(),
            Either::One(pair) => pair.take(),
        }
    }
}

/// How an item of a list, a call or parentheses ends, for what may follow
/// it without a comma.
#[derive(Clone, Copy)]
enum Tail {
    Plain,
    /// A projection with nothing on its right.
    OpenProjection,
    /// A bare `@` argument (jmespath.js ends the argument there).
    BareCurrent,
}

impl Tail {
    fn of(src: &str, node: &Node, bare_current: bool) -> Tail {
        let text = src.get(node.span.range()).unwrap_or_default();
        if bare_current && matches!(node.kind, NodeKind::Current) && text == "@" {
            Tail::BareCurrent
        } else if ends_open(src, node) {
            Tail::OpenProjection
        } else {
            Tail::Plain
        }
    }
}

/// Whether the text of `node` ends with a projection that has nothing on
/// its right (jmespath.js then looks at the next token to find its right
/// side); parentheses close it.
fn ends_open(src: &str, node: &Node) -> bool {
    if src.as_bytes().get(node.span.end.wrapping_sub(1)) == Some(&b')') {
        return false;
    }
    match &node.kind {
        NodeKind::Projection { rhs, .. } => {
            matches!(rhs.kind, NodeKind::Identity) || ends_open(src, rhs)
        }
        NodeKind::Subexpr { rhs, .. }
        | NodeKind::And(_, rhs)
        | NodeKind::Or(_, rhs)
        | NodeKind::Pipe(_, rhs)
        | NodeKind::Compare { rhs, .. }
        | NodeKind::Not(rhs)
        | NodeKind::ExprRef(rhs) => ends_open(src, rhs),
        _ => false,
    }
}

fn json_error_text(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
