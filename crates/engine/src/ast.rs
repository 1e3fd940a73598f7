//! The typed syntax tree. Every node carries the byte span of the source text
//! it was parsed from.

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

/// A byte range `start..end` in the expression's source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// An empty span at `pos` (used for implicit nodes such as the current
    /// element on the right of a projection).
    pub const fn at(pos: usize) -> Span {
        Span::new(pos, pos)
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// This span as a `Range`.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A node of the syntax tree: what it is and where it came from.
///
/// Equality compares the shape only (`kind`), never spans, so that a tree
/// printed and parsed again compares equal to the original.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// Where it is in the source.
    pub span: Span,
    depth: u32,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

/// The comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Comparator {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparator {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "==",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    /// Whether this is one of the ordering operators `<`, `<=`, `>`, `>=`.
    pub fn is_ordering(self) -> bool {
        !matches!(self, Comparator::Eq | Comparator::Ne)
    }
}

/// The arithmetic operators (Grafana's engine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-` or `−`
    Subtract,
    /// `*` (binding power 20, as tight as a projection)
    Star,
    /// `×` (binding power 7)
    Multiply,
    /// `/` or `÷`
    Divide,
    /// `%`
    Modulo,
    /// `//`
    IntegerDivide,
}

impl ArithOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Subtract => "-",
            ArithOp::Star => "*",
            ArithOp::Multiply => "\u{d7}",
            ArithOp::Divide => "/",
            ArithOp::Modulo => "%",
            ArithOp::IntegerDivide => "//",
        }
    }
}

/// How a literal was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LiteralForm {
    /// `'raw string'`
    Raw,
    /// `` `json` ``
    Json,
}

/// What a projection projects over.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ProjectionKind {
    /// `[*]`: the elements of an array.
    List,
    /// `.*` or `*`: the values of an object.
    Values,
    /// `[]`: the flattened elements of an array.
    Flatten,
    /// `[?condition]`: the elements of an array for which the condition is truthy.
    Filter(Box<Node>),
    /// `[start:stop:step]`: a slice of an array.
    Slice(Slice),
}

/// The bounds of a slice; `None` is an omitted part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Slice {
    /// First index.
    pub start: Option<i64>,
    /// Index to stop before.
    pub stop: Option<i64>,
    /// Step (never `Some(0)` after evaluation-time checks).
    pub step: Option<i64>,
}

/// The kinds of nodes. Equality compares shapes, never spans.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum NodeKind {
    /// The current element with no text of its own: the start of the right
    /// side of a projection, or the left side of a leading `[0]`.
    Identity,
    /// `@`
    Current,
    /// A field of the current object: `name` or `"quoted name"`.
    Field {
        /// The field's name, unescaped (shared with the compiled lookup, so
        /// that compiling does not copy it).
        name: Arc<str>,
        /// Whether it was written in double quotes.
        quoted: bool,
    },
    /// A literal value: `'raw'` or `` `json` ``.
    Literal {
        /// The value.
        value: Json,
        /// How it was written.
        form: LiteralForm,
    },
    /// `lhs.rhs`: evaluate `rhs` against the value of `lhs`.
    Subexpr {
        /// Left side.
        lhs: Box<Node>,
        /// Right side.
        rhs: Box<Node>,
    },
    /// `lhs[index]`
    Index {
        /// The array.
        lhs: Box<Node>,
        /// The index; negative counts from the end.
        index: i64,
    },
    /// A projection: `lhs[*] rhs`, `lhs.* rhs`, `lhs[] rhs`, `lhs[?c] rhs`,
    /// `lhs[a:b] rhs`. The right side is evaluated once per element.
    Projection {
        /// What is projected over.
        kind: ProjectionKind,
        /// The value projected over.
        lhs: Box<Node>,
        /// Evaluated per element; `Identity` when there is nothing to the right.
        rhs: Box<Node>,
    },
    /// `[a, b]`
    MultiList(Vec<Node>),
    /// `{k: a, l: b}`
    MultiHash(Vec<KeyValue>),
    /// `!expr`
    Not(Box<Node>),
    /// `a && b`
    And(Box<Node>, Box<Node>),
    /// `a || b`
    Or(Box<Node>, Box<Node>),
    /// `a <op> b`
    Compare {
        /// The operator.
        op: Comparator,
        /// Left side.
        lhs: Box<Node>,
        /// Right side.
        rhs: Box<Node>,
    },
    /// `a | b`
    Pipe(Box<Node>, Box<Node>),
    /// `name(args)`
    Call {
        /// The function's name as written.
        name: Arc<str>,
        /// Span of the name.
        name_span: Span,
        /// Arguments.
        args: Vec<Node>,
        /// go-jmespath v0.4.0 calls any node by the name it holds; a node
        /// that holds no name (an index, a projection, `` `1` ``, a
        /// comparison, ...) holds a value of this Go type instead, and
        /// evaluating the call fails (`name` is then empty). `None` in
        /// every other call.
        held: Option<&'static str>,
    },
    /// `&expr`: an expression passed unevaluated to a function.
    ExprRef(Box<Node>),
    /// Nothing, after a `.` (`foo.`): jmespath.js parses it and fails only
    /// when it evaluates it (Pangolin dialect; a syntax error in the spec).
    Missing,
    /// `a + b`, `a - b`, ... (Grafana's engine).
    Arithmetic {
        /// The operator.
        op: ArithOp,
        /// Left side.
        lhs: Box<Node>,
        /// Right side.
        rhs: Box<Node>,
    },
    /// `-a` or `+a` (Grafana's engine).
    Unary {
        /// Whether it is `-`.
        minus: bool,
        /// The operand.
        operand: Box<Node>,
    },
    /// `$`: the document searched (Grafana's engine).
    Root,
    /// `$name`: a variable bound by `let` (Grafana's engine).
    Variable(Arc<str>),
    /// `let $a = x, $b = y in body` (Grafana's engine); each binding is
    /// normally an [`NodeKind::Assign`].
    Let {
        /// The bindings as parsed.
        bindings: Vec<Node>,
        /// Evaluated with the bindings in scope.
        body: Box<Node>,
    },
    /// `lhs = rhs`: a binding of `let` (anywhere else it fails when evaluated).
    Assign {
        /// The variable.
        lhs: Box<Node>,
        /// Its value.
        rhs: Box<Node>,
    },
}

/// One `key: value` of a multi-select hash.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KeyValue {
    /// The key (shared with the compiled multi-select hash).
    pub key: Arc<str>,
    /// Whether the key was written in double quotes.
    pub quoted: bool,
    /// Span of the key.
    pub key_span: Span,
    /// The value's expression.
    pub value: Node,
}

impl PartialEq for KeyValue {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.quoted == other.quoted && self.value == other.value
    }
}

impl PartialEq for NodeKind {
    fn eq(&self, other: &Self) -> bool {
        use NodeKind as K;
        match (self, other) {
            (K::Identity, K::Identity)
            | (K::Current, K::Current)
            | (K::Missing, K::Missing)
            | (K::Root, K::Root) => true,
            (K::Variable(a), K::Variable(b)) => a == b,
            (
                K::Arithmetic {
                    op: o1,
                    lhs: a,
                    rhs: b,
                },
                K::Arithmetic {
                    op: o2,
                    lhs: c,
                    rhs: d,
                },
            ) => o1 == o2 && a == c && b == d,
            (
                K::Unary {
                    minus: m1,
                    operand: a,
                },
                K::Unary {
                    minus: m2,
                    operand: b,
                },
            ) => m1 == m2 && a == b,
            (
                K::Let {
                    bindings: a,
                    body: b,
                },
                K::Let {
                    bindings: c,
                    body: d,
                },
            ) => a == c && b == d,
            (K::Assign { lhs: a, rhs: b }, K::Assign { lhs: c, rhs: d }) => a == c && b == d,
            (K::Field { name: a, quoted: p }, K::Field { name: b, quoted: q }) => a == b && p == q,
            (K::Literal { value: a, form: p }, K::Literal { value: b, form: q }) => {
                a == b && p == q
            }
            (K::Subexpr { lhs: a, rhs: b }, K::Subexpr { lhs: c, rhs: d })
            | (K::And(a, b), K::And(c, d))
            | (K::Or(a, b), K::Or(c, d))
            | (K::Pipe(a, b), K::Pipe(c, d)) => a == c && b == d,
            (K::Index { lhs: a, index: i }, K::Index { lhs: b, index: j }) => a == b && i == j,
            (
                K::Projection {
                    kind: k1,
                    lhs: a,
                    rhs: b,
                },
                K::Projection {
                    kind: k2,
                    lhs: c,
                    rhs: d,
                },
            ) => k1 == k2 && a == c && b == d,
            (K::MultiList(a), K::MultiList(b)) => a == b,
            (K::MultiHash(a), K::MultiHash(b)) => a == b,
            (K::Not(a), K::Not(b)) | (K::ExprRef(a), K::ExprRef(b)) => a == b,
            (
                K::Compare {
                    op: o1,
                    lhs: a,
                    rhs: b,
                },
                K::Compare {
                    op: o2,
                    lhs: c,
                    rhs: d,
                },
            ) => o1 == o2 && a == c && b == d,
            (
                K::Call {
                    name: n1,
                    args: a1,
                    held: h1,
                    ..
                },
                K::Call {
                    name: n2,
                    args: a2,
                    held: h2,
                    ..
                },
            ) => n1 == n2 && a1 == a2 && h1 == h2,
            _ => false,
        }
    }
}

impl Node {
    /// A node; its nesting depth is computed from its children.
    pub fn new(kind: NodeKind, span: Span) -> Node {
        let mut depth = 0;
        kind.for_each_child(|c| depth = depth.max(c.depth));
        Node {
            kind,
            span,
            depth: depth + 1,
        }
    }

    /// How deeply nested the tree under this node is (a leaf is 1).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Calls `f` on each direct child, left to right.
    pub fn for_each_child<'a>(&'a self, f: impl FnMut(&'a Node)) {
        self.kind.for_each_child(f)
    }

    /// Visits every node of the tree, parents before children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        self.for_each_child(|c| c.walk(f));
    }
}

impl NodeKind {
    /// Calls `f` on each direct child, left to right.
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Node)) {
        match self {
            NodeKind::Identity
            | NodeKind::Current
            | NodeKind::Missing
            | NodeKind::Root
            | NodeKind::Variable(_)
            | NodeKind::Field { .. }
            | NodeKind::Literal { .. } => {}
            NodeKind::Arithmetic { lhs, rhs, .. } | NodeKind::Assign { lhs, rhs } => {
                f(lhs);
                f(rhs);
            }
            NodeKind::Unary { operand, .. } => f(operand),
            NodeKind::Let { bindings, body } => {
                bindings.iter().for_each(&mut f);
                f(body);
            }
            NodeKind::Subexpr { lhs, rhs }
            | NodeKind::Compare { lhs, rhs, .. }
            | NodeKind::And(lhs, rhs)
            | NodeKind::Or(lhs, rhs)
            | NodeKind::Pipe(lhs, rhs) => {
                f(lhs);
                f(rhs);
            }
            NodeKind::Index { lhs, .. } => f(lhs),
            NodeKind::Projection { kind, lhs, rhs } => {
                f(lhs);
                if let ProjectionKind::Filter(c) = kind {
                    f(c);
                }
                f(rhs);
            }
            NodeKind::MultiList(items) | NodeKind::Call { args: items, .. } => {
                items.iter().for_each(f)
            }
            NodeKind::MultiHash(kvs) => kvs.iter().for_each(|kv| f(&kv.value)),
            NodeKind::Not(e) | NodeKind::ExprRef(e) => f(e),
        }
    }
}
