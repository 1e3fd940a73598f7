//! Lowering of the syntax tree into the tree the evaluator runs.
//!
//! One [`Op`] per syntax-tree node, in the same shape, so that evaluation
//! counts the same steps and a tracer sees the same nodes; what can be decided
//! once is decided here instead of at every evaluation: which function a call
//! names (and whether its argument count fits), which argument types cannot
//! fail their check, what a field lookup finds on `Object.prototype` when the
//! object lacks the key.
//!
//! One shape differs: a chain of field lookups and indexes (`a.b[0].c`,
//! `a | b`, `[1][2]`) becomes one [`PathOp`], run in a loop instead of a
//! recursion per link; it keeps every node's id and span, and the
//! evaluator counts its steps and reports its nodes to a tracer as the
//! chain of nodes would.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::Arc;

use serde_json::Value as Json;

use crate::ast::{Comparator, Node, NodeKind, ProjectionKind, Slice, Span};
use crate::dialect::Rules;
use crate::functions::{self, Func, ParamType};

/// A compiled expression: the tree [`crate::eval`] evaluates.
#[derive(Clone, Debug)]
pub(crate) struct Program {
    pub root: Op,
}

impl Program {
    /// Lowers `ast` for a dialect with `rules`.
    pub fn new(ast: &Node, rules: &'static Rules) -> Program {
        Program::lower(ast, rules, true)
    }

    /// Lowers `ast`, with chains as [`PathOp`]s or not.
    fn lower(ast: &Node, rules: &'static Rules, paths: bool) -> Program {
        let mut lower = Lower {
            rules,
            next_id: 0,
            level: 0,
            paths,
        };
        Program {
            root: lower.op(ast),
        }
    }
}

/// One node of the evaluated tree.
#[derive(Clone, Debug)]
pub(crate) struct Op {
    /// What it does.
    pub kind: OpKind,
    /// The span of its syntax-tree node (errors point at it).
    pub span: Span,
    /// The index of its syntax-tree node in the order of [`Node::walk`]
    /// (parents before children): a tracer is given that node.
    pub id: u32,
}

/// The kinds of [`Op`]s; each is the syntax-tree node of the same name.
/// (A plain tag byte, no niche: matching on it is one jump.)
#[derive(Clone, Debug)]
#[repr(u8)]
pub(crate) enum OpKind {
    /// `@`, or the implicit current element.
    Current,
    /// A field of the current object (in place: no allocation of its own).
    Field(FieldOp),
    /// A literal.
    Literal(Json),
    /// `lhs.rhs` and `lhs | rhs`.
    Subexpr(Box<Op>, Box<Op>),
    /// `lhs[index]`.
    Index(Box<Op>, i64),
    /// A projection.
    Projection(Box<ProjectionOp>),
    /// `[a, b]`.
    MultiList(Vec<Op>),
    /// `[a, b]` where every element is a literal.
    ConstList(Box<ConstList>),
    /// `{k: a, l: b}`.
    MultiHash(Vec<(Arc<str>, Op)>),
    /// `!e`.
    Not(Box<Op>),
    /// `a && b`.
    And(Box<Op>, Box<Op>),
    /// `a || b`.
    Or(Box<Op>, Box<Op>),
    /// `a <op> b`.
    Compare(Comparator, Box<Op>, Box<Op>),
    /// `name(args)`.
    Call(Box<CallOp>),
    /// `&e`.
    ExprRef(Box<RefOp>),
    /// Nothing after a `.` (fails when reached).
    Missing,
    /// A chain of `Subexpr`s with a field on the right and `Index`es (the
    /// op's id and span are the outermost one's).
    Path(Box<PathOp>),
}

/// A chain of field lookups and indexes: `base.f[i].g` is
/// `Subexpr(Index(Subexpr(base, f), i), g)`, one link per `Subexpr` or
/// `Index` node.
#[derive(Clone, Debug)]
pub(crate) struct PathOp {
    /// The innermost left side, where the chain starts.
    pub base: Op,
    /// The links, innermost (first evaluated) first; the last is the op's
    /// own node.
    pub links: Vec<Link>,
    /// How many links are fields (each a node of its own).
    pub fields: u32,
}

/// One link of a [`PathOp`]: a `Subexpr` node whose right side is a field,
/// or an `Index` node.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    /// The `Subexpr` or `Index` node's id.
    pub id: u32,
    /// Its span.
    pub span: Span,
    /// What it looks up.
    pub kind: LinkKind,
}

/// What a [`Link`] looks up.
#[derive(Clone, Debug)]
pub(crate) enum LinkKind {
    /// A field: the right side of a `Subexpr`, with its node's id and span.
    Field(FieldOp, u32, Span),
    /// An index.
    Index(i64),
}

/// A field lookup.
#[derive(Debug)]
pub(crate) struct FieldOp {
    /// The key (shared with the syntax tree's field).
    pub name: Arc<str>,
    /// What a plain object (whose prototype is `Object.prototype`) without
    /// the key gives in this dialect.
    pub inherited: Inherited,
    /// Where in the input object the key was found the last time (the
    /// position to try first).
    pub hint: AtomicU32,
}

impl Clone for FieldOp {
    fn clone(&self) -> Self {
        FieldOp {
            name: self.name.clone(),
            inherited: self.inherited,
            hint: AtomicU32::new(self.hint.load(Relaxed)),
        }
    }
}

/// What a field lookup finds on `Object.prototype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inherited {
    /// Nothing: `null`.
    Nothing,
    /// One of its methods.
    Method(&'static &'static str),
    /// `__proto__`: `Object.prototype` itself.
    Prototype,
}

/// A projection.
#[derive(Clone, Debug)]
pub(crate) struct ProjectionOp {
    /// What it projects over.
    pub kind: ProjKind,
    /// The value projected over.
    pub lhs: Op,
    /// Applied to each element.
    pub rhs: Op,
    /// Whether `rhs` is the implicit current element (nothing to apply).
    pub rhs_identity: bool,
}

/// What a projection projects over.
#[derive(Clone, Debug)]
pub(crate) enum ProjKind {
    /// `[*]`
    List,
    /// `*`
    Values,
    /// `[]`
    Flatten,
    /// `[?cond]`
    Filter(Op),
    /// `[a:b:c]`
    Slice(Slice),
}

/// A multi-select list of literals: its value is always the same array
/// (each evaluation still a new array to JavaScript's `===`).
#[derive(Clone, Debug)]
pub(crate) struct ConstList {
    /// The literals' ops.
    pub items: Vec<Op>,
    /// Their values.
    pub values: Vec<Json>,
}

/// A function call.
#[derive(Clone, Debug)]
pub(crate) struct CallOp {
    /// The function, if one has the name.
    pub func: Option<Func>,
    /// The name as written (the signature's, not a copy, when a function
    /// has it).
    pub name: Cow<'static, str>,
    /// Where the name is.
    pub name_span: Span,
    /// Arguments.
    pub args: Vec<Op>,
    /// Whether the argument count fits the function's signature.
    pub arity_ok: bool,
    /// For each argument, the types it may have ([`ParamType::bit`]s) when
    /// its type must be checked at evaluation; 0 where the check cannot fail
    /// or the dialect does not check it.
    pub check: Vec<u16>,
}

/// An expression reference.
#[derive(Clone, Debug)]
pub(crate) struct RefOp {
    /// The referenced expression's syntax tree (jmespath.js shows it as JSON).
    pub node: Node,
    /// The referenced expression.
    pub body: Op,
}

struct Lower {
    rules: &'static Rules,
    next_id: u32,
    /// How deeply [`Lower::op`] has recursed.
    level: u32,
    /// Whether chains become [`PathOp`]s (the tests compare with the
    /// plain tree).
    paths: bool,
}

/// Every this many levels of recursion, the lowering makes sure enough
/// stack is left (the red zone covers far more than that many levels).
const STACK_CHECK_EVERY: u32 = 8;

impl Lower {
    fn op(&mut self, node: &Node) -> Op {
        let check = self.level.is_multiple_of(STACK_CHECK_EVERY);
        self.level += 1;
        let op = if check {
            // Deep trees: grow the stack rather than overflow it.
            crate::with_stack(&mut || self.op_step(node))
        } else {
            self.op_step(node)
        };
        self.level -= 1;
        op
    }

    fn boxed(&mut self, node: &Node) -> Box<Op> {
        Box::new(self.op(node))
    }

    /// Children are lowered in the order of [`Node::for_each_child`], so
    /// that ids follow [`Node::walk`].
    fn op_step(&mut self, node: &Node) -> Op {
        // One link is as quick through the plain ops: paths start at two.
        if self.paths && link_lhs(node).and_then(link_lhs).is_some() {
            return self.path(node);
        }
        let id = self.next_id;
        self.next_id += 1;
        let kind = match &node.kind {
            NodeKind::Identity | NodeKind::Current => OpKind::Current,
            NodeKind::Field { name, .. } => OpKind::Field(self.field(name)),
            NodeKind::Literal { value, .. } => OpKind::Literal(value.clone()),
            NodeKind::Subexpr { lhs, rhs } | NodeKind::Pipe(lhs, rhs) => {
                let l = self.boxed(lhs);
                OpKind::Subexpr(l, self.boxed(rhs))
            }
            NodeKind::Index { lhs, index } => OpKind::Index(self.boxed(lhs), *index),
            NodeKind::Projection { kind, lhs, rhs } => {
                let lhs_op = self.op(lhs);
                let kind = match kind {
                    ProjectionKind::List => ProjKind::List,
                    ProjectionKind::Values => ProjKind::Values,
                    ProjectionKind::Flatten => ProjKind::Flatten,
                    ProjectionKind::Filter(c) => ProjKind::Filter(self.op(c)),
                    ProjectionKind::Slice(s) => ProjKind::Slice(*s),
                };
                let rhs_op = self.op(rhs);
                OpKind::Projection(Box::new(ProjectionOp {
                    kind,
                    lhs: lhs_op,
                    rhs: rhs_op,
                    rhs_identity: matches!(rhs.kind, NodeKind::Identity),
                }))
            }
            NodeKind::MultiList(items) => {
                let ops: Vec<Op> = items.iter().map(|n| self.op(n)).collect();
                let values: Option<Vec<Json>> = items
                    .iter()
                    .map(|n| match &n.kind {
                        NodeKind::Literal { value, .. } => Some(value.clone()),
                        _ => None,
                    })
                    .collect();
                match values {
                    Some(values) if !values.is_empty() => {
                        OpKind::ConstList(Box::new(ConstList { items: ops, values }))
                    }
                    _ => OpKind::MultiList(ops),
                }
            }
            NodeKind::MultiHash(kvs) => OpKind::MultiHash(
                kvs.iter()
                    .map(|kv| (Arc::clone(&kv.key), self.op(&kv.value)))
                    .collect(),
            ),
            NodeKind::Not(e) => OpKind::Not(self.boxed(e)),
            NodeKind::And(l, r) => {
                let l = self.boxed(l);
                OpKind::And(l, self.boxed(r))
            }
            NodeKind::Or(l, r) => {
                let l = self.boxed(l);
                OpKind::Or(l, self.boxed(r))
            }
            NodeKind::Compare { op, lhs, rhs } => {
                let l = self.boxed(lhs);
                OpKind::Compare(*op, l, self.boxed(rhs))
            }
            NodeKind::Call {
                name,
                name_span,
                args,
                ..
            } => {
                let ops: Vec<Op> = args.iter().map(|a| self.op(a)).collect();
                let func = Func::named(name);
                let arity_ok = func.is_some_and(|f| {
                    functions::arity_error(f.signature(), args.len(), node.span).is_none()
                });
                let check = match func {
                    Some(f) if arity_ok => checks(f, args, self.rules.js_functions),
                    _ => vec![0; args.len()],
                };
                OpKind::Call(Box::new(CallOp {
                    func,
                    name: match func {
                        Some(f) => Cow::Borrowed(f.signature().name),
                        None => Cow::Owned(name.to_string()),
                    },
                    name_span: *name_span,
                    args: ops,
                    arity_ok,
                    check,
                }))
            }
            NodeKind::ExprRef(e) => {
                let body = self.op(e);
                OpKind::ExprRef(Box::new(RefOp {
                    node: (**e).clone(),
                    body,
                }))
            }
            // The Go engines' forms are evaluated by `crate::go`, never here.
            NodeKind::Missing
            | NodeKind::Arithmetic { .. }
            | NodeKind::Unary { .. }
            | NodeKind::Root
            | NodeKind::Variable(_)
            | NodeKind::Let { .. }
            | NodeKind::Assign { .. } => OpKind::Missing,
        };
        Op {
            kind,
            span: node.span,
            id,
        }
    }
}

impl Lower {
    #[inline]
    fn field(&self, name: &Arc<str>) -> FieldOp {
        FieldOp {
            name: Arc::clone(name),
            inherited: if self.rules.prototype_fields {
                inherited(name)
            } else {
                Inherited::Nothing
            },
            hint: AtomicU32::new(0),
        }
    }

    /// The chain of links `node` is the outermost of, as a [`PathOp`]. Ids
    /// are given as [`Node::walk`] visits the chain: the links' nodes
    /// outermost first, the base's tree, then the fields innermost first.
    #[inline(never)]
    fn path(&mut self, node: &Node) -> Op {
        let mut chain = Vec::new();
        let mut base = node;
        while let Some(lhs) = link_lhs(base) {
            chain.push(base);
            base = lhs;
        }
        let first = self.next_id;
        self.next_id += chain.len() as u32;
        let base = self.op(base);
        let mut fields = 0;
        let links = chain
            .iter()
            .rev()
            .enumerate()
            .map(|(depth, n)| {
                let kind = match &n.kind {
                    NodeKind::Subexpr { rhs, .. } | NodeKind::Pipe(_, rhs) => {
                        let NodeKind::Field { name, .. } = &rhs.kind else {
                            unreachable!("a link's right side is a field")
                        };
                        fields += 1;
                        let id = self.next_id;
                        self.next_id += 1;
                        LinkKind::Field(self.field(name), id, rhs.span)
                    }
                    NodeKind::Index { index, .. } => LinkKind::Index(*index),
                    _ => unreachable!("links are subexpressions and indexes"),
                };
                Link {
                    id: first + (chain.len() - 1 - depth) as u32,
                    span: n.span,
                    kind,
                }
            })
            .collect();
        Op {
            kind: OpKind::Path(Box::new(PathOp {
                base,
                links,
                fields,
            })),
            span: node.span,
            id: first,
        }
    }
}

/// The left side of `node` if it is a link of a chain: a `Subexpr` (or a
/// pipe) with a field on its right, or an `Index`.
#[inline]
fn link_lhs(node: &Node) -> Option<&Node> {
    match &node.kind {
        NodeKind::Subexpr { lhs, rhs } | NodeKind::Pipe(lhs, rhs)
            if matches!(rhs.kind, NodeKind::Field { .. }) =>
        {
            Some(lhs)
        }
        NodeKind::Index { lhs, .. } => Some(lhs),
        _ => None,
    }
}

/// The length of the shortest of [`crate::js::OBJECT_PROTOTYPE_NAMES`].
const SHORTEST_PROTOTYPE_NAME: usize = {
    let names = crate::js::OBJECT_PROTOTYPE_NAMES;
    let mut shortest = usize::MAX;
    let mut i = 0;
    while i < names.len() {
        if names[i].len() < shortest {
            shortest = names[i].len();
        }
        i += 1;
    }
    shortest
};

/// What `{}[name]` gives in JavaScript.
fn inherited(name: &str) -> Inherited {
    // Most names are shorter than any of `Object.prototype`'s.
    if name.len() < SHORTEST_PROTOTYPE_NAME {
        return Inherited::Nothing;
    }
    match crate::js::OBJECT_PROTOTYPE_NAMES
        .iter()
        .find(|m| **m == name)
    {
        Some(&"__proto__") => Inherited::Prototype,
        Some(m) => Inherited::Method(m),
        None => Inherited::Nothing,
    }
}

/// Which arguments of a call to `f` need their type checked at evaluation:
/// those the dialect checks, unless the parameter takes anything or the
/// argument is a literal of an accepted type.
fn checks(f: Func, args: &[Node], js_rules: bool) -> Vec<u16> {
    let sig = f.signature();
    let checked = if js_rules {
        sig.params.len()
    } else {
        args.len()
    };
    args.iter()
        .enumerate()
        .map(|(i, arg)| {
            if i >= checked {
                return 0;
            }
            let types = sig.params[i.min(sig.params.len() - 1)];
            if types.contains(&ParamType::Any) {
                return 0;
            }
            match &arg.kind {
                NodeKind::Literal { value, .. } if types.iter().any(|t| literal_is(value, *t)) => 0,
                _ => types.iter().fold(0, |m, t| m | t.bit()),
            }
        })
        .collect()
}

/// Whether a literal certainly has type `t` (objects are never claimed:
/// jmespath.js may take one for an expression reference).
fn literal_is(v: &Json, t: ParamType) -> bool {
    match (t, v) {
        (ParamType::Null, Json::Null)
        | (ParamType::Boolean, Json::Bool(_))
        | (ParamType::Number, Json::Number(_))
        | (ParamType::String, Json::String(_))
        | (ParamType::Array, Json::Array(_)) => true,
        (ParamType::ArrayNumber, Json::Array(a)) => a.iter().all(Json::is_number),
        (ParamType::ArrayString, Json::Array(a)) => a.iter().all(Json::is_string),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, Expression};

    /// Every op's id names the syntax-tree node it was lowered from.
    fn check_ids(expr: &Expression) {
        let mut nodes = Vec::new();
        expr.ast().walk(&mut |n| nodes.push(n));
        let mut count = 0;
        fn visit(op: &Op, nodes: &[&Node], count: &mut usize) {
            *count += 1;
            let node = nodes[op.id as usize];
            assert_eq!(node.span, op.span);
            let same = matches!(
                (&op.kind, &node.kind),
                (OpKind::Current, NodeKind::Identity | NodeKind::Current)
                    | (OpKind::Field(_), NodeKind::Field { .. })
                    | (OpKind::Literal(_), NodeKind::Literal { .. })
                    | (
                        OpKind::Subexpr(..),
                        NodeKind::Subexpr { .. } | NodeKind::Pipe(..)
                    )
                    | (OpKind::Index(..), NodeKind::Index { .. })
                    | (OpKind::Projection(_), NodeKind::Projection { .. })
                    | (
                        OpKind::MultiList(_) | OpKind::ConstList(_),
                        NodeKind::MultiList(_)
                    )
                    | (OpKind::MultiHash(_), NodeKind::MultiHash(_))
                    | (OpKind::Not(_), NodeKind::Not(_))
                    | (OpKind::And(..), NodeKind::And(..))
                    | (OpKind::Or(..), NodeKind::Or(..))
                    | (OpKind::Compare(..), NodeKind::Compare { .. })
                    | (OpKind::Call(_), NodeKind::Call { .. })
                    | (OpKind::ExprRef(_), NodeKind::ExprRef(_))
                    | (OpKind::Missing, NodeKind::Missing)
                    | (
                        OpKind::Path(_),
                        NodeKind::Subexpr { .. } | NodeKind::Pipe(..) | NodeKind::Index { .. }
                    )
            );
            assert!(same, "{:?} vs {:?}", op.kind, node.kind);
            match &op.kind {
                OpKind::Current | OpKind::Field(_) | OpKind::Literal(_) | OpKind::Missing => {}
                OpKind::Subexpr(a, b)
                | OpKind::And(a, b)
                | OpKind::Or(a, b)
                | OpKind::Compare(_, a, b) => {
                    visit(a, nodes, count);
                    visit(b, nodes, count);
                }
                OpKind::Index(a, _) | OpKind::Not(a) => visit(a, nodes, count),
                OpKind::Projection(p) => {
                    visit(&p.lhs, nodes, count);
                    if let ProjKind::Filter(c) = &p.kind {
                        visit(c, nodes, count);
                    }
                    visit(&p.rhs, nodes, count);
                }
                OpKind::MultiList(items) => items.iter().for_each(|o| visit(o, nodes, count)),
                OpKind::ConstList(c) => c.items.iter().for_each(|o| visit(o, nodes, count)),
                OpKind::MultiHash(kvs) => kvs.iter().for_each(|(_, o)| visit(o, nodes, count)),
                OpKind::Call(c) => c.args.iter().for_each(|o| visit(o, nodes, count)),
                OpKind::ExprRef(r) => visit(&r.body, nodes, count),
                OpKind::Path(p) => {
                    assert_eq!(p.links.last().map(|l| l.id), Some(op.id));
                    for link in &p.links {
                        *count += 1;
                        let node = nodes[link.id as usize];
                        assert_eq!(node.span, link.span);
                        match (&link.kind, &node.kind) {
                            (
                                LinkKind::Field(f, id, span),
                                NodeKind::Subexpr { rhs, .. } | NodeKind::Pipe(_, rhs),
                            ) => {
                                let field = nodes[*id as usize];
                                assert!(std::ptr::eq(field, &**rhs));
                                assert_eq!(field.span, *span);
                                assert!(
                                    matches!(&field.kind, NodeKind::Field { name, .. } if **name == *f.name)
                                );
                            }
                            (LinkKind::Index(i), NodeKind::Index { index, .. }) => {
                                assert_eq!(i, index)
                            }
                            other => panic!("{other:?}"),
                        }
                    }
                    // The fields' nodes; the op itself is the last link.
                    *count += p.fields as usize;
                    *count -= 1;
                    visit(&p.base, nodes, count);
                }
            }
        }
        visit(&expr.program().root, &nodes, &mut count);
        assert_eq!(count, nodes.len());
    }

    #[test]
    fn ids_follow_the_syntax_tree() {
        for src in [
            "a.b[0].c[*].d[?e > `1` && !f].g | {h: i, j: [k, l]}[] | sort_by(@, &m.n)[1:2].o",
            "contains(groups, 'admin') && 'Admin' || 'Member'",
            "[contains(groups, 'a') && ['Admin'] || [], ['x', `1`, [`2`]]][]",
            "*.a[::-1] | map(&[a, b], @) || `{\"x\": 1}`",
            "foo.",
            "a.b[0].c | d[1][2] | [3].e.f",
            "[0][1].a[*].b.c[2] | map(&x.y[0], z.w)",
        ] {
            for d in Dialect::ALL.into_iter().filter(|d| d.rules().go.is_none()) {
                if let Ok(e) = Expression::compile(src, d) {
                    check_ids(&e);
                }
            }
        }
    }

    /// The outcome of a search, comparable: the result's JSON and type, or
    /// the whole error.
    fn outcome(
        r: &Result<crate::Value<'_>, crate::Error>,
        js: bool,
    ) -> Result<(serde_json::Value, crate::ValueKind), crate::Error> {
        match r {
            Ok(v) => Ok((v.to_json_with(js), v.kind())),
            Err(e) => Err(e.clone()),
        }
    }

    /// `search` (fast paths) and `explain` (a tracer: the general paths)
    /// give the same outcome.
    fn same_both_ways(expr: &Expression, data: &Json) {
        let js = expr.dialect() == Dialect::Pangolin;
        let fast = outcome(&expr.search(data), js);
        let traced = outcome(&expr.explain(data).result, js);
        assert_eq!(
            fast,
            traced,
            "{} `{}` on {data}",
            expr.dialect(),
            expr.source()
        );
        // What the WebAssembly module's `search` runs.
        let unrecorded = outcome(
            &crate::explain::search_unrecorded(expr, &crate::Value::json(data)),
            js,
        );
        assert_eq!(
            fast,
            unrecorded,
            "{} `{}` on {data}",
            expr.dialect(),
            expr.source()
        );
    }

    fn suite_files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/compliance");
        let mut out = Vec::new();
        for dir in ["official", "community"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "json") {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn fast_paths_agree_with_the_traced_evaluation_on_the_suites() {
        let files = suite_files();
        assert!(!files.is_empty(), "no compliance files found");
        let mut compared = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).expect("readable");
            let Ok(cases) = rolemap_compliance::parse_suite(&text) else {
                continue;
            };
            for case in cases {
                for d in Dialect::ALL.into_iter().filter(|d| d.rules().go.is_none()) {
                    if let Ok(e) = Expression::compile(&case.expression, d) {
                        same_both_ways(&e, &case.given);
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    #[test]
    fn fast_paths_agree_with_the_traced_evaluation() {
        let docs = [
            serde_json::json!({"a": 1, "b": 2, "c": "x", "groups": ["a", "b"], "n": null,
                "l": [[1, 2], 3, null, [null]], "o": {"p": 1, "q": [1, 2]}, "e": []}),
            serde_json::json!({"groups": ["b"], "c": "y", "b": 2.5, "a": -1, "o": {"q": [], "p": 2}}),
            serde_json::json!([1, [2, 3], null, "x"]),
            serde_json::json!(null),
            serde_json::json!({"__proto__": null, "toString": 1, "a": {"__proto__": {"b": 1}}}),
            serde_json::json!({}),
        ];
        let exprs = [
            "sum([a, b])",
            "avg([a, b])",
            "sum([a, c])",
            "avg([a, c])",
            "sum([])",
            "avg([n])",
            "sum([a, sum([b, a])])",
            "sum([a, b], a)",
            "sum([a, `1`, `2.5`])",
            "avg([`1`, `2`])",
            "[a, b][]",
            "[a, l][]",
            "[l, [a], ['x', `1`]][].p",
            "[groups, ['z']][] | contains(@, 'z')",
            "contains(groups, 'a')",
            "contains(groups, 'zz')",
            "contains(c, 'x')",
            "contains(c, '')",
            "contains(a, 'x')",
            "contains(n, 'x')",
            "contains(o, 'p')",
            "contains(l, 'x')",
            "contains(@, 'x')",
            "contains(l[], 'x')",
            "contains(groups[*], 'a')",
            "contains(`[\"a\", 1]`, 'a')",
            "contains(toString, 'x')",
            "[contains(groups, 'a') && ['Admin'] || [], contains(groups, 'b') && ['Member'] || []][]",
            "map(&['a'], [`1`, `2`]) | contains([@[1]], @[0])",
            "map(&['a'], [`1`, `2`]) | contains(@, @[0])",
            "[['a'], ['a']] | contains(@, @[0])",
            "[['a'], ['a']] | [contains(@, @[1]), @[0] == @[1]]",
            "['a', `1`, `{\"x\": 1}`] | [length(@), type(@), to_string(@), reverse(@)]",
            "{k: ['a'], l: [`1`]}",
            "[a, b][*].to_string(@)",
            "l[][]",
            "l[].foo",
            "o.*",
            "o.*[]",
            "a.b.c",
            "toString",
            "constructor",
            "__proto__",
            "a.__proto__.b",
            "groups[?starts_with(@, 'a')] | [0]",
            "starts_with(c, 'x')",
            "starts_with(c, '')",
            "ends_with(c, 'x')",
            "a < b",
            "c < 'y'",
            "c >= 'x'",
            "a <= n",
            "join(', ', groups)",
            "join(', ', [c, 'z'])",
            "contains(groups, a)",
            "contains(c, 'x')",
            "contains(`[1, 2]`, a)",
            "length(c) && !e || n",
            "nope(a)",
            "abs(a, b)",
            "abs(c)",
            "max([a, b])",
            "min(groups)",
            "not_null(n, a)",
            "keys(o)",
            "values(o)",
            "merge(o, {z: a})",
            "sort_by(l[?@ != null], &to_string(@))",
            "max_by([o], &p)",
            "to_array(a)",
            "to_number(c)",
            "type(@)",
            "foo.",
            "[?a > `0`].b",
            "l[1:]",
            "l[::0]",
            "'abc'",
            "`[1, 2]`",
            "x[*].y[*].z",
            "x[?a > b][?c > b]",
            "l[*][0]",
            "o.*[0]",
            "l[?@ == null] | [0]",
            "valueOf",
            "__proto__.toString",
        ];
        for src in exprs {
            for d in Dialect::ALL.into_iter().filter(|d| d.rules().go.is_none()) {
                let Ok(e) = Expression::compile(src, d) else {
                    continue;
                };
                // Twice over every document: the lookup hints change between them.
                for _ in 0..2 {
                    for data in &docs {
                        same_both_ways(&e, data);
                    }
                }
            }
        }
    }

    #[test]
    fn fast_paths_spend_the_same_budget() {
        let data = serde_json::json!({"a": 1, "b": 2, "l": [[1, 2], [3]]});
        let exprs = [
            "sum([a, b, a, b])",
            "[a, b, [a], l][]",
            "['x', 'y', 'z'][]",
            "[['x', 'y'], ['z']][]",
            "map(&[a, b], l)",
            "['x', 'y', 'z']",
            "[a, ['x', 'y'], [`1`]]",
            "'abc'",
            "a.b.c.d",
            "l[0][1][2].x",
            "x[*].y",
        ];
        for src in exprs {
            for d in Dialect::ALL.into_iter().filter(|d| d.rules().go.is_none()) {
                for steps in 0..12 {
                    for built in 0..12 {
                        let limits = crate::Limits {
                            max_steps: steps,
                            max_built: built,
                            ..crate::Limits::DEFAULT
                        };
                        let e = Expression::compile_with(src, d, limits).expect("compiles");
                        same_both_ways(&e, &data);
                    }
                }
            }
        }
    }

    /// `e` lowered without [`PathOp`]s: the plain chain of nodes.
    fn without_paths(e: &Expression) -> Expression {
        let mut plain = e.clone();
        plain.program = Some(Program::lower(e.ast(), e.dialect().rules(), false));
        plain
    }

    /// Chains evaluated as one [`PathOp`] give what the chain of nodes
    /// gives: results, errors, budget errors (where they are raised), and
    /// every step `explain` records.
    #[test]
    fn paths_go_as_the_chain_of_nodes() {
        let docs = [
            serde_json::json!({"a": {"b": [{"c": 1}, {"c": [5, 6, {"d": 2}]}]}, "x": null,
                "l": [[1, [2, 3]], null, "s"], "s": "str", "o": {"toString": 3}}),
            serde_json::json!([[0, [1, {"a": {"b": 2}}]], {"a": 1}]),
            serde_json::json!({}),
            serde_json::json!(null),
            serde_json::json!({"__proto__": {"a": 1}, "constructor": {"name": 2}}),
        ];
        let exprs = [
            "a.b",
            "a.b[1].c[2].d",
            "a.b[1].c[2].d.e",
            "a | b | [1] | c",
            "x.y.z",
            "l[0][1][0]",
            "l[1][0]",
            "l[-1][0]",
            "[0][1][1].a.b",
            "[1].a.b",
            "s[0].length",
            "o.toString.x",
            "constructor.name",
            "toString.name",
            "__proto__.a",
            "__proto__.__proto__.hasOwnProperty",
            "a.b[*].c[2].d",
            "a.b[*] | [1].c[0]",
            "a.b[?c].c | [0]",
            "[a.b[0].c, l[0][1][1]].foo",
            "{p: a.b[1].c[2].d, q: x.y}",
            "map(&c[2].d, a.b)",
            "sort_by(a.b, &c).c[2].d",
            "length(a.b)",
            "a.b[0].c && l[0][1] || x.y",
            "a.foo(@).b",
            "`{\"a\": [1, 2]}`.a[1]",
            "@.a.b[0]",
            "a.b.",
            "j9.j8.j7.j6.j5.j4.j3.j2.j1.j0",
            "j9|j8|j7|j6|j5|j4|j3|j2|j1|j0",
            "[9][8][7][6][5][4][3][2][1][0]",
        ];
        for src in exprs {
            for d in Dialect::ALL.into_iter().filter(|d| d.rules().go.is_none()) {
                for steps in (0..24).chain([u64::MAX / 2]) {
                    let limits = crate::Limits {
                        max_steps: steps,
                        ..crate::Limits::DEFAULT
                    };
                    let Ok(e) = Expression::compile_with(src, d, limits) else {
                        continue;
                    };
                    let plain = without_paths(&e);
                    let js = d == Dialect::Pangolin;
                    for data in &docs {
                        let what = format!("{d} `{src}` on {data} within {steps} steps");
                        same_both_ways(&e, data);
                        assert_eq!(
                            outcome(&e.search(data), js),
                            outcome(&plain.search(data), js),
                            "{what}"
                        );
                        let (ours, theirs) = (e.explain(data), plain.explain(data));
                        assert_eq!(
                            outcome(&ours.result, js),
                            outcome(&theirs.result, js),
                            "{what}"
                        );
                        assert_eq!(ours.root, theirs.root, "{what}");
                    }
                }
            }
        }
    }

    #[test]
    fn chains_are_paths() {
        for (src, links) in [
            ("a.b.c", 2),
            ("a | b | c", 2),
            ("[1][2]", 2),
            ("a[0].b", 2),
            ("a.b", 0),
            ("[0]", 0),
            ("a", 0),
            ("a[*].b", 0),
            ("a.b(@)", 0),
        ] {
            let e = Expression::compile(src, Dialect::Pangolin).expect("compiles");
            match &e.program().root.kind {
                OpKind::Path(p) => assert_eq!(p.links.len(), links, "{src}"),
                other => assert_eq!(links, 0, "{src}: {other:?}"),
            }
        }
    }

    #[test]
    fn literal_arguments_of_an_accepted_type_need_no_check() {
        let e = Expression::compile("starts_with(@, 'a')", Dialect::Pangolin).expect("ok");
        match &e.program().root.kind {
            OpKind::Call(c) => assert_eq!(c.check, vec![ParamType::String.bit(), 0]),
            other => panic!("{other:?}"),
        }
    }
}
