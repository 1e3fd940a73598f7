//! The fast path of the parser: a hand-written Pratt parser for the common
//! subset of the grammar, building exactly the tree (spans included) that
//! the pest grammar (`grammar/jmespath.pest`) and its lowering in
//! `parse.rs` build.
//!
//! The pest grammar stays the definition of the language: this path only
//! says "here is the tree" or "ask pest". It answers `None` (ask pest) for
//! every error, every lenient form jmespath.js accepts (a missing or
//! trailing comma, a dangling `.`, several expressions in parentheses, an
//! empty `[ ]`, an unterminated string, a bare `@` argument followed by
//! more, a call on something that is not a name, ...), and anything deeper
//! than the limits. pest then parses the text and gives the tree or the
//! error with its message. So the two can only disagree on text the fast
//! path accepts, and there the tests (`tests/tests/fast_parser.rs`) and the
//! `parse` fuzz target check that both give the same tree.
//!
//! Why: pest's bookkeeping per rule entered (call-limit tracking, attempt
//! tracking, the token queue, a boxed state) costs ~54,000 instructions to
//! parse `contains(groups, 'admin') && 'Admin' || 'Member'`; this path
//! takes a few thousand.
//!
//! Binding powers are those of `parse.rs` (`|` 1, `||` 2, `&&` 3,
//! comparators 5, `[]` 9, `[*]`/slices/`*` 20, `[?` 21, `.` 40, `!` 45,
//! `[n]` 55, `(` 60; projections stop at 10).

use std::cell::Cell;
use std::sync::Arc;
use std::thread::LocalKey;

use serde_json::Value as Json;

use crate::ast::{Comparator, KeyValue, LiteralForm, Node, NodeKind, ProjectionKind, Slice, Span};
use crate::dialect::Rules;
use crate::jsnum;
use crate::parse::{
    boxed, is_plain_int, projection, raw_string_value, BP_BRACKET, BP_CALL, BP_DOT, BP_FILTER,
    BP_FLATTEN, BP_NOT, BP_STAR, PROJECTION_STOP,
};

/// The tree of `src`, or `None` when pest must decide (see the module doc).
pub(crate) fn parse(src: &str, rules: &'static Rules, max_depth: u32) -> Option<Node> {
    let mut p = Fast {
        src,
        b: src.as_bytes(),
        pos: 0,
        rules,
        max_depth,
        max_recursion: max_depth.min(MAX_RECURSION),
        recursion: 0,
        infix_seen: false,
        had_infix: false,
        bare: false,
        nodes: None,
        kvs: None,
    };
    let node = p.expression();
    p.ws();
    let whole = p.pos == p.b.len();
    if let Some(nodes) = p.nodes {
        give_back(&NODES, nodes);
    }
    if let Some(kvs) = p.kvs {
        give_back(&KVS, kvs);
    }
    node.filter(|node| whole && node.depth() <= max_depth)
}

/// The tree of `src` when it is a bare name or names joined by `.` with
/// nothing else (`email`, `realm_access.roles`), the commonest
/// expressions (Pangolin's identifier, e-mail and name paths), read without
/// the machinery of [`parse`]; `None` for anything else. At most
/// `max_depth` names.
#[inline]
pub(crate) fn dotted_names(src: &str, max_depth: u32) -> Option<Node> {
    // Checked whole before anything is built: most texts fail within a
    // few bytes, and must not pay for a node they drop.
    let b = src.as_bytes();
    // Most other expressions end in `)`, `'`, `]` or `}`.
    if !b.last().copied().is_some_and(is_name_char) {
        return None;
    }
    let mut i = 0;
    let mut names = 0;
    loop {
        if !b.get(i).copied().is_some_and(is_name_start) {
            return None;
        }
        i += 1;
        while i < b.len() && is_name_char(b[i]) {
            i += 1;
        }
        names += 1;
        match b.get(i) {
            None => break,
            Some(b'.') => i += 1,
            Some(_) => return None,
        }
    }
    if names > max_depth {
        return None;
    }
    let field = |name: &str, start: usize| {
        let kind = NodeKind::Field {
            name: Arc::from(name),
            quoted: false,
        };
        Node::new(kind, Span::new(start, start + name.len()))
    };
    let mut names = src.split('.');
    let first = names.next()?;
    let mut node = field(first, 0);
    for name in names {
        let rhs = field(name, node.span.end + 1);
        let span = Span::new(0, rhs.span.end);
        let (lhs, rhs) = (boxed(node), boxed(rhs));
        node = Node::new(NodeKind::Subexpr { lhs, rhs }, span);
    }
    Some(node)
}

thread_local! {
    /// [`Fast::nodes`] of the last parse on this thread that needed it.
    static NODES: Cell<Vec<Node>> = const { Cell::new(Vec::new()) };
    /// [`Fast::kvs`] of the last parse on this thread that needed it.
    static KVS: Cell<Vec<KeyValue>> = const { Cell::new(Vec::new()) };
}

/// Scratch stacks up to this capacity are kept for the next parse.
const SCRATCH_KEPT: usize = 256;

/// Keeps `stack` (emptied) in `key` for the next parse on this thread,
/// unless it has grown large.
fn give_back<T: 'static>(key: &'static LocalKey<Cell<Vec<T>>>, mut stack: Vec<T>) {
    if stack.capacity() <= SCRATCH_KEPT {
        stack.clear();
        key.set(stack);
    }
}

/// Deepest recursion of this path (its frames are small: this fits any
/// thread's stack); deeper text goes to pest, which grows its stack.
const MAX_RECURSION: u32 = 256;

struct Fast<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    rules: &'static Rules,
    max_depth: u32,
    max_recursion: u32,
    recursion: u32,
    /// Whether the expression being read has consumed a binary operator.
    infix_seen: bool,
    /// Whether the last expression read had a binary operator at its top.
    had_infix: bool,
    /// Whether the last operand read was a primary without postfixes (its
    /// pest pair then takes in the white space after it).
    bare: bool,
    /// The items of the lists and calls being read, innermost last: each
    /// list's items are moved at its end into a vector of their number (one
    /// allocation per list, instead of a vector grown item by item). Taken
    /// from the thread's last parse when a first list is met ([`NODES`]).
    nodes: Option<Vec<Node>>,
    /// The same for the entries of multi-select hashes ([`KVS`]).
    kvs: Option<Vec<KeyValue>>,
}

/// What a `[` starts, told by the characters after it.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Flatten,
    Filter,
    /// `[n]`, `[a:b]`, `[*]`, or a multi-select list: decided by reading.
    Other,
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Fast<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, i: usize) -> Option<u8> {
        self.b.get(self.pos + i).copied()
    }

    /// Skips the grammar's white space.
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `c` (after white space), or fails.
    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(c)).then(|| self.pos += 1)
    }

    /// `node` unless it nests deeper than the limit.
    fn bounded(&self, node: Node) -> Option<Node> {
        (node.depth() <= self.max_depth).then_some(node)
    }

    /// Runs `f` one recursion level deeper, up to the depth limit.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.recursion >= self.max_recursion {
            return None;
        }
        self.recursion += 1;
        let r = f(self);
        self.recursion -= 1;
        r
    }

    /// A whole expression: operands joined by binary operators.
    fn expression(&mut self) -> Option<Node> {
        self.nested(|p| {
            let outer = std::mem::replace(&mut p.infix_seen, false);
            let node = p.binary(0);
            p.had_infix = std::mem::replace(&mut p.infix_seen, outer);
            node
        })
    }

    /// Binary operators binding tighter than `min_bp` (all left-associative).
    fn binary(&mut self, min_bp: u8) -> Option<Node> {
        let mut lhs = self.operand()?;
        loop {
            self.ws();
            let (bp, len, op) = match (self.peek(), self.peek_at(1)) {
                (Some(b'|'), Some(b'|')) => (2, 2, Infix::Or),
                (Some(b'|'), _) => (1, 1, Infix::Pipe),
                (Some(b'&'), Some(b'&')) => (3, 2, Infix::And),
                (Some(b'='), Some(b'=')) => (5, 2, Infix::Cmp(Comparator::Eq)),
                (Some(b'!'), Some(b'=')) => (5, 2, Infix::Cmp(Comparator::Ne)),
                (Some(b'<'), Some(b'=')) => (5, 2, Infix::Cmp(Comparator::Le)),
                (Some(b'>'), Some(b'=')) => (5, 2, Infix::Cmp(Comparator::Ge)),
                (Some(b'<'), _) => (5, 1, Infix::Cmp(Comparator::Lt)),
                (Some(b'>'), _) => (5, 1, Infix::Cmp(Comparator::Gt)),
                _ => return Some(lhs),
            };
            if bp <= min_bp {
                return Some(lhs);
            }
            self.pos += len;
            self.infix_seen = true;
            let rhs = self.nested(|p| p.binary(bp))?;
            let span = lhs.span.to(rhs.span);
            let (l, r) = (boxed(lhs), boxed(rhs));
            let kind = match op {
                Infix::Or => NodeKind::Or(l, r),
                Infix::Pipe => NodeKind::Pipe(l, r),
                Infix::And => NodeKind::And(l, r),
                Infix::Cmp(op) => NodeKind::Compare { op, lhs: l, rhs: r },
            };
            lhs = self.bounded(Node::new(kind, span))?;
        }
    }

    /// `!`* then an expression reference, or a primary and its postfixes.
    fn operand(&mut self) -> Option<Node> {
        self.unary(0)
    }

    fn unary(&mut self, rbp: u8) -> Option<Node> {
        self.ws();
        let start = self.pos;
        match (self.peek()?, self.peek_at(1)) {
            (b'!', next) if next != Some(b'=') => {
                self.pos += 1;
                let inner = self.nested(|p| p.unary(BP_NOT))?;
                let span = Span::new(start, inner.span.end);
                let not = self.bounded(Node::new(NodeKind::Not(boxed(inner)), span))?;
                let node = self.leds(not, rbp)?;
                if node.span.end != span.end {
                    self.bare = false;
                }
                Some(node)
            }
            // `&expression`: takes the whole expression, no postfix follows.
            (b'&', next) if next != Some(b'&') => {
                self.pos += 1;
                let inner = self.expression()?;
                // pest's pair for `&expression` ends where the pair of the
                // expression does: after the white space that follows it
                // when it has no binary operator or its last operand has no
                // postfix (pest's implicit white space before a repetition
                // that then matches nothing); else at its last token.
                self.bare = !self.had_infix || self.bare;
                let end = if self.bare { self.pos } else { inner.span.end };
                let span = Span::new(start, end);
                self.bounded(Node::new(NodeKind::ExprRef(boxed(inner)), span))
            }
            _ => {
                let node = self.nud()?;
                // Where the primary's own text ends, unless a projection it
                // starts took postfixes.
                let primary_end = match &node.kind {
                    NodeKind::Projection { rhs, .. } if !matches!(rhs.kind, NodeKind::Identity) => {
                        usize::MAX
                    }
                    _ => node.span.end,
                };
                let node = self.leds(node, rbp)?;
                self.bare = node.span.end == primary_end;
                Some(node)
            }
        }
    }

    /// What a `[` at the cursor starts.
    fn open(&self) -> Open {
        match self.peek_at(1) {
            Some(b']') => Open::Flatten,
            Some(b'?') => Open::Filter,
            _ => Open::Other,
        }
    }

    /// A primary, at the cursor (white space skipped), with the postfixes
    /// that a projection it starts takes.
    fn nud(&mut self) -> Option<Node> {
        let start = self.pos;
        // Made only where a projection or index starts the expression.
        let identity = || Node::new(NodeKind::Identity, Span::at(start));
        match self.peek()? {
            c if is_name_start(c) => Some(self.identifier()),
            b'\'' => self.raw_string(),
            b'@' => {
                self.pos += 1;
                Some(Node::new(NodeKind::Current, Span::new(start, start + 1)))
            }
            b'[' => match self.open() {
                Open::Flatten => {
                    self.pos += 2;
                    let span = Span::new(start, self.pos);
                    let rhs = self.projection_rhs(BP_FLATTEN, span.end)?;
                    Some(projection(ProjectionKind::Flatten, identity(), rhs, span))
                }
                Open::Filter => self.filter(identity()),
                Open::Other => match self.bracket(identity())? {
                    Ok(node) => Some(node),
                    Err(_) => self.multi_list(),
                },
            },
            b'`' => self.json_literal(),
            b'"' => self.quoted_identifier(),
            b'(' => self.paren(),
            b'{' => self.multi_hash(),
            b'*' => {
                self.pos += 1;
                let span = Span::new(start, self.pos);
                let rhs = self.projection_rhs(BP_STAR, span.end)?;
                Some(projection(ProjectionKind::Values, identity(), rhs, span))
            }
            _ => None,
        }
    }

    /// The binding power of the postfix at the cursor (white space
    /// skipped), 0 when none.
    fn postfix_bp(&mut self) -> u8 {
        self.ws();
        match self.peek() {
            Some(b'.') => BP_DOT,
            Some(b'[') => match self.open() {
                Open::Flatten => BP_FLATTEN,
                Open::Filter => BP_FILTER,
                Open::Other => BP_BRACKET,
            },
            Some(b'(') => BP_CALL,
            _ => 0,
        }
    }

    /// Applies postfixes while they bind tighter than `rbp`.
    fn leds(&mut self, mut node: Node, rbp: u8) -> Option<Node> {
        loop {
            let bp = self.postfix_bp();
            if bp <= rbp {
                return Some(node);
            }
            node = self.led(node)?;
            node = self.bounded(node)?;
        }
    }

    /// The postfix at the cursor applied to `left`.
    fn led(&mut self, left: Node) -> Option<Node> {
        let start = self.pos;
        match self.peek()? {
            b'.' => {
                self.pos += 1;
                self.ws();
                if self.peek() == Some(b'*') {
                    self.pos += 1;
                    let span = Span::new(start, self.pos);
                    let rhs = self.projection_rhs(BP_DOT, span.end)?;
                    return Some(projection(ProjectionKind::Values, left, rhs, span));
                }
                let rhs = self.dot_rhs(BP_DOT)?;
                let span = left.span.to(rhs.span);
                Some(Node::new(
                    NodeKind::Subexpr {
                        lhs: boxed(left),
                        rhs: boxed(rhs),
                    },
                    span,
                ))
            }
            b'[' => match self.open() {
                Open::Flatten => {
                    self.pos += 2;
                    let span = Span::new(start, self.pos);
                    let rhs = self.projection_rhs(BP_FLATTEN, span.end)?;
                    Some(projection(ProjectionKind::Flatten, left, rhs, span))
                }
                Open::Filter => self.filter(left),
                // A multi-select list cannot follow an expression.
                Open::Other => self.bracket(left)?.ok(),
            },
            b'(' => self.call(left),
            _ => None,
        }
    }

    /// The right side of `.` (the `.` consumed, white space skipped): a
    /// name and what binds tighter than `rbp`, `*`, `[a, b]` or `{k: v}`.
    fn dot_rhs(&mut self, rbp: u8) -> Option<Node> {
        match self.peek()? {
            c if is_name_start(c) => {
                let field = self.identifier();
                self.leds(field, rbp)
            }
            b'"' => {
                let field = self.quoted_identifier()?;
                self.leds(field, rbp)
            }
            b'*' => {
                let start = self.pos;
                self.pos += 1;
                let span = Span::new(start, self.pos);
                let rhs = self.projection_rhs(BP_STAR, span.end)?;
                let identity = Node::new(NodeKind::Identity, Span::at(start));
                let node = projection(ProjectionKind::Values, identity, rhs, span);
                self.leds(node, rbp)
            }
            b'[' if self.open() == Open::Other => self.multi_list(),
            b'{' => self.multi_hash(),
            // A dangling `.` (jmespath.js leniency) or an error: pest decides.
            _ => None,
        }
    }

    /// The right side of a projection: the postfixes binding tighter than
    /// `rbp`, applied to each element; `Identity` when none follows.
    fn projection_rhs(&mut self, rbp: u8, at: usize) -> Option<Node> {
        self.nested(|p| p.projection_rhs_inner(rbp, at))
    }

    fn projection_rhs_inner(&mut self, rbp: u8, at: usize) -> Option<Node> {
        let bp = self.postfix_bp();
        if bp < PROJECTION_STOP {
            return Some(Node::new(NodeKind::Identity, Span::at(at)));
        }
        let node = match self.peek()? {
            b'[' => self.nud()?,
            b'.' => {
                self.pos += 1;
                self.ws();
                return self.dot_rhs(rbp);
            }
            // `(` cannot follow a projection: pest gives the error.
            _ => return None,
        };
        self.leds(node, rbp)
    }

    /// `[? condition ]` applied to `left`, with its right side.
    fn filter(&mut self, left: Node) -> Option<Node> {
        let start = self.pos;
        self.pos += 2;
        let cond = self.expression()?;
        self.expect(b']')?;
        let span = Span::new(start, self.pos);
        let rhs = self.projection_rhs(BP_FILTER, span.end)?;
        Some(projection(
            ProjectionKind::Filter(boxed(cond)),
            left,
            rhs,
            span,
        ))
    }

    /// `[n]`, `[*]` or `[a:b:c]` applied to `left`; `Err(left)` (cursor
    /// unmoved) when the `[` starts something else (a multi-select list).
    fn bracket(&mut self, left: Node) -> Option<Result<Node, Node>> {
        let start = self.pos;
        self.pos += 1;
        self.ws();
        match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                self.ws();
                if self.peek() != Some(b']') {
                    self.pos = start;
                    return Some(Err(left));
                }
                self.pos += 1;
                let span = Span::new(start, self.pos);
                let rhs = self.projection_rhs(BP_STAR, span.end)?;
                Some(Ok(projection(ProjectionKind::List, left, rhs, span)))
            }
            Some(b'-' | b'0'..=b'9' | b':') => {
                // A number or a slice; anything else here is an error.
                let first = self.number()?;
                self.ws();
                if self.peek() == Some(b']') {
                    let index = first?;
                    self.pos += 1;
                    let span = left.span.to(Span::new(start, self.pos));
                    return Some(Ok(Node::new(
                        NodeKind::Index {
                            lhs: boxed(left),
                            index,
                        },
                        span,
                    )));
                }
                let mut slice = Slice {
                    start: first,
                    ..Slice::default()
                };
                self.expect(b':')?;
                self.ws();
                slice.stop = self.number()?;
                self.ws();
                if self.peek() == Some(b':') {
                    self.pos += 1;
                    self.ws();
                    slice.step = self.number()?;
                }
                self.expect(b']')?;
                let span = Span::new(start, self.pos);
                let rhs = self.projection_rhs(BP_STAR, span.end)?;
                Some(Ok(projection(
                    ProjectionKind::Slice(slice),
                    left,
                    rhs,
                    span,
                )))
            }
            _ => {
                self.pos = start;
                Some(Err(left))
            }
        }
    }

    /// An optional number at the cursor: `Some(None)` when there is none,
    /// `None` when it is not a plain integer (pest decides).
    fn number(&mut self) -> Option<Option<i64>> {
        let start = self.pos;
        while let Some(b'-' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if start == self.pos {
            return Some(None);
        }
        let text = &self.src[start..self.pos];
        if !is_plain_int(text) {
            return None;
        }
        jsnum::parse_int_prefix(text).map(Some)
    }

    /// `[a, b, ...]` at the cursor; every item separated by a `,`.
    fn multi_list(&mut self) -> Option<Node> {
        let start = self.pos;
        self.pos += 1;
        let items = self.separated(
            b']',
            |p| p.nodes.get_or_insert_with(|| NODES.take()),
            Self::expression,
        )?;
        Some(Node::new(
            NodeKind::MultiList(items),
            Span::new(start, self.pos),
        ))
    }

    /// `{k: a, l: b}` at the cursor.
    fn multi_hash(&mut self) -> Option<Node> {
        let start = self.pos;
        self.pos += 1;
        let kvs = self.separated(
            b'}',
            |p| p.kvs.get_or_insert_with(|| KVS.take()),
            Self::key_value,
        )?;
        Some(Node::new(
            NodeKind::MultiHash(kvs),
            Span::new(start, self.pos),
        ))
    }

    /// Items read by `item`, separated by `,`, up to and including `close`
    /// (the opening bracket consumed): at least one, every `,` present, no
    /// trailing one (pest decides the lenient forms). The items wait on
    /// the scratch stack `stack` and leave it in a vector of their number.
    fn separated<T>(
        &mut self,
        close: u8,
        stack: fn(&mut Self) -> &mut Vec<T>,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mark = stack(self).len();
        let closed = loop {
            let Some(it) = item(self) else {
                break false;
            };
            stack(self).push(it);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => break true,
                _ => break false,
            }
        };
        let items = stack(self);
        if !closed {
            items.truncate(mark);
            return None;
        }
        let items = items.split_off(mark);
        self.pos += 1;
        Some(items)
    }

    /// `key: value` of a multi-select hash.
    fn key_value(&mut self) -> Option<KeyValue> {
        self.ws();
        let key_start = self.pos;
        let (key, quoted) = match self.peek()? {
            c if is_name_start(c) => (self.name(), false),
            b'"' => match self.quoted_identifier()?.kind {
                NodeKind::Field { name, .. } => (name, true),
                _ => return None,
            },
            _ => return None,
        };
        let key_span = Span::new(key_start, self.pos);
        self.expect(b':')?;
        let value = self.expression()?;
        Some(KeyValue {
            key,
            quoted,
            key_span,
            value,
        })
    }

    /// One argument of a call or the expression in parentheses. jmespath.js
    /// ends an argument at a bare `@`: when more follows it, pest decides.
    fn argument(&mut self) -> Option<Node> {
        self.ws();
        let bare = self.rules.bare_current_argument && self.peek() == Some(b'@');
        let node = self.expression()?;
        if bare && !matches!(node.kind, NodeKind::Current) {
            return None;
        }
        Some(node)
    }

    /// `( expression )`: the expression, its span widened to the parentheses.
    fn paren(&mut self) -> Option<Node> {
        let start = self.pos;
        self.pos += 1;
        let mut node = self.argument()?;
        self.expect(b')')?;
        node.span = Span::new(start, self.pos);
        Some(node)
    }

    /// `name(args)`: `left` must be a plain name.
    fn call(&mut self, left: Node) -> Option<Node> {
        let NodeKind::Field {
            name,
            quoted: false,
        } = left.kind
        else {
            return None;
        };
        let name_span = left.span;
        let start = self.pos;
        self.pos += 1;
        self.ws();
        let args = if self.peek() == Some(b')') {
            self.pos += 1;
            Vec::new()
        } else {
            self.separated(
                b')',
                |p| p.nodes.get_or_insert_with(|| NODES.take()),
                Self::argument,
            )?
        };
        let span = name_span.to(Span::new(start, self.pos));
        Some(Node::new(
            NodeKind::Call {
                name,
                name_span,
                args,
            },
            span,
        ))
    }

    /// The name at the cursor (which starts one).
    fn name(&mut self) -> Arc<str> {
        let start = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        Arc::from(&self.src[start..self.pos])
    }

    fn identifier(&mut self) -> Node {
        let start = self.pos;
        let name = self.name();
        Node::new(
            NodeKind::Field {
                name,
                quoted: false,
            },
            Span::new(start, self.pos),
        )
    }

    /// The body of a string quoted by `q` with `\` escapes, the cursor on
    /// the opening quote; `None` when it is not closed. `escapes(c)`: the
    /// characters a `\` takes with it.
    fn quoted(&mut self, q: u8, escapes: impl Fn(u8) -> bool) -> Option<(usize, usize)> {
        let body = self.pos + 1;
        let mut i = body;
        loop {
            match *self.b.get(i)? {
                c if c == q => break,
                b'\\' => {
                    i += 1;
                    if self.b.get(i).is_some_and(|&c| escapes(c)) {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        Some((body, i))
    }

    fn quoted_identifier(&mut self) -> Option<Node> {
        let start = self.pos;
        // Any character after `\` belongs to the escape.
        self.quoted(b'"', |_| true)?;
        let name: String = serde_json::from_slice(&self.src.as_bytes()[start..self.pos]).ok()?;
        Some(Node::new(
            NodeKind::Field {
                name: name.into(),
                quoted: true,
            },
            Span::new(start, self.pos),
        ))
    }

    fn raw_string(&mut self) -> Option<Node> {
        let start = self.pos;
        let (from, to) = self.quoted(b'\'', |c| c == b'\\' || c == b'\'')?;
        let body = &self.src[from..to];
        let s = raw_string_value(self.rules, body);
        Some(Node::new(
            NodeKind::Literal {
                value: Json::String(s),
                form: LiteralForm::Raw,
            },
            Span::new(start, self.pos),
        ))
    }

    fn json_literal(&mut self) -> Option<Node> {
        let start = self.pos;
        let (from, to) = self.quoted(b'`', |c| c == b'\\' || c == b'`')?;
        let span = Span::new(start, self.pos);
        let value = crate::parse::json_literal(self.rules, &self.src[from..to], span).ok()?;
        Some(Node::new(
            NodeKind::Literal {
                value,
                form: LiteralForm::Json,
            },
            span,
        ))
    }
}

enum Infix {
    Or,
    Pipe,
    And,
    Cmp(Comparator),
}
