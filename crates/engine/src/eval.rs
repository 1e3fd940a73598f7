//! The tree-walking evaluator.

use std::rc::Rc;

use crate::ast::{Comparator, Node, NodeKind, ProjectionKind, Slice};
use crate::dialect::{Ordering, Rules};
use crate::error::{Error, ErrorKind};
use crate::functions;
use crate::js;
use crate::limits::Limits;
use crate::value::{Entries, Items, ObjectBuilder, Value, View};

/// Observes evaluation, node by node (used by `explain`).
pub trait Tracer<'a> {
    /// Whether the tracer wants events at all (lets the plain search compile
    /// the hooks away).
    const ACTIVE: bool = true;
    /// `node` is about to be evaluated against `current`.
    fn enter(&mut self, node: &'a Node, current: &Value<'a>);
    /// `node` has been evaluated.
    fn exit(&mut self, node: &'a Node, result: &Result<Value<'a>, Error>);
}

/// The tracer that records nothing.
pub(crate) struct NoTrace;

impl<'a> Tracer<'a> for NoTrace {
    const ACTIVE: bool = false;
    #[inline(always)]
    fn enter(&mut self, _: &'a Node, _: &Value<'a>) {}
    #[inline(always)]
    fn exit(&mut self, _: &'a Node, _: &Result<Value<'a>, Error>) {}
}

/// One evaluation's state.
pub(crate) struct Interp<'t, T> {
    pub rules: &'static Rules,
    limits: Limits,
    steps: u64,
    built: u64,
    /// How deeply `eval` has recursed.
    depth: u32,
    tracer: &'t mut T,
}

/// Every this many levels of recursion, `eval` makes sure enough stack is left.
const STACK_CHECK_EVERY: u32 = 8;

pub(crate) type Res<'a> = Result<Value<'a>, Error>;

impl<'a, 't, T: Tracer<'a>> Interp<'t, T> {
    pub fn new(rules: &'static Rules, limits: Limits, tracer: &'t mut T) -> Self {
        Interp {
            rules,
            limits,
            steps: 0,
            built: 0,
            depth: 0,
            tracer,
        }
    }

    /// Counts `n` built elements against the budget.
    pub fn build(&mut self, n: usize, node: &Node) -> Result<(), Error> {
        self.built += n as u64;
        if self.built > self.limits.max_built {
            return Err(Error::new(
                ErrorKind::BudgetExceeded,
                format!(
                    "evaluation built more than {} array elements and object entries: the expression multiplies its input (a projection or `[]` inside a repeated multi-select?); no real mapping needs that much",
                    self.limits.max_built
                ),
                node.span,
            ));
        }
        Ok(())
    }

    #[inline]
    pub fn eval(&mut self, node: &'a Node, cur: &Value<'a>) -> Res<'a> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Error::new(
                ErrorKind::BudgetExceeded,
                format!(
                    "evaluation took more than {} steps: the expression does far more work than any mapping needs (does it multiply its input?)",
                    self.limits.max_steps
                ),
                node.span,
            ));
        }
        self.depth += 1;
        let r = if self.depth.is_multiple_of(STACK_CHECK_EVERY) {
            // Deep trees over deep values: grow the stack rather than overflow it.
            stacker::maybe_grow(crate::STACK_RED_ZONE, crate::STACK_GROWTH, || {
                self.eval_traced(node, cur)
            })
        } else {
            self.eval_traced(node, cur)
        };
        self.depth -= 1;
        r
    }

    #[inline(always)]
    fn eval_traced(&mut self, node: &'a Node, cur: &Value<'a>) -> Res<'a> {
        if T::ACTIVE {
            self.tracer.enter(node, cur);
            let r = self.eval_node(node, cur);
            self.tracer.exit(node, &r);
            r
        } else {
            self.eval_node(node, cur)
        }
    }

    fn eval_node(&mut self, node: &'a Node, cur: &Value<'a>) -> Res<'a> {
        match &node.kind {
            NodeKind::Identity | NodeKind::Current => Ok(cur.clone()),
            NodeKind::Field { name, .. } => Ok(self.field(cur, name)),
            NodeKind::Literal { value, .. } => Ok(Value::json(value)),
            NodeKind::Subexpr { lhs, rhs } | NodeKind::Pipe(lhs, rhs) => {
                let left = self.eval(lhs, cur)?;
                self.eval(rhs, &left)
            }
            NodeKind::Index { lhs, index } => {
                let left = self.eval(lhs, cur)?;
                Ok(match left.view() {
                    View::Arr(items) => index_of(items, *index),
                    _ => Value::null(),
                })
            }
            NodeKind::Projection { kind, lhs, rhs } => self.projection(node, kind, lhs, rhs, cur),
            NodeKind::MultiList(items) => {
                if cur.is_null() {
                    return Ok(Value::null());
                }
                self.build(items.len(), node)?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, cur)?);
                }
                Ok(Value::array(out))
            }
            NodeKind::MultiHash(kvs) => {
                if cur.is_null() {
                    return Ok(Value::null());
                }
                self.build(kvs.len(), node)?;
                let mut out = ObjectBuilder::new(self.rules.prototype_fields, kvs.len());
                for kv in kvs {
                    let v = self.eval(&kv.value, cur)?;
                    out.set(Rc::from(kv.key.as_str()), v);
                }
                Ok(out.finish())
            }
            NodeKind::Not(e) => {
                let v = self.eval(e, cur)?;
                Ok(Value::bool(!self.truthy(&v, node)?))
            }
            NodeKind::And(l, r) => {
                let left = self.eval(l, cur)?;
                if self.truthy(&left, node)? {
                    self.eval(r, cur)
                } else {
                    Ok(left)
                }
            }
            NodeKind::Or(l, r) => {
                let left = self.eval(l, cur)?;
                if self.truthy(&left, node)? {
                    Ok(left)
                } else {
                    self.eval(r, cur)
                }
            }
            NodeKind::Compare { op, lhs, rhs } => {
                let left = self.eval(lhs, cur)?;
                let right = self.eval(rhs, cur)?;
                self.compare(node, *op, &left, &right)
            }
            NodeKind::Call { name, args, .. } => functions::call(self, node, name, args, cur),
            NodeKind::ExprRef(e) => Ok(Value::expref(e)),
            NodeKind::Missing => Err(Error::new(
                ErrorKind::Syntax,
                "nothing follows this `.`: jmespath.js accepts that when parsing, and fails here, when it reaches it",
                node.span,
            )
            .with_js("Cannot read properties of undefined (reading 'type')")),
        }
    }

    /// Truthiness. jmespath.js calls `obj.hasOwnProperty` while testing an
    /// object, which fails on an object whose `__proto__` key made its
    /// prototype null.
    #[inline]
    fn truthy(&self, v: &Value<'a>, node: &Node) -> Result<bool, Error> {
        if let (Some(None), View::Obj(o)) = (v.custom_proto(), v.view()) {
            if !o.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidType,
                    "jmespath.js cannot test this object: its `__proto__: null` key removed the methods it calls",
                    node.span,
                )
                .with_js("obj.hasOwnProperty is not a function"));
            }
        }
        Ok(v.is_truthy())
    }

    /// `name` looked up on `cur`.
    #[inline]
    fn field(&self, cur: &Value<'a>, name: &str) -> Value<'a> {
        match cur.view() {
            View::Obj(o) => match o.get(name) {
                Some(v) => v,
                None if self.rules.prototype_fields => js::inherited(cur, name),
                None => Value::null(),
            },
            _ => Value::null(),
        }
    }

    fn projection(
        &mut self,
        node: &'a Node,
        kind: &'a ProjectionKind,
        lhs: &'a Node,
        rhs: &'a Node,
        cur: &Value<'a>,
    ) -> Res<'a> {
        let base = self.eval(lhs, cur)?;
        let elements: Vec<Value<'a>> = match (kind, base.view()) {
            (ProjectionKind::List, View::Arr(items)) => {
                if matches!(rhs.kind, NodeKind::Identity) {
                    // Nothing to apply: the result is the non-null elements.
                    if let View::Arr(Items::Own(_)) = base.view() {
                        if items.iter().all(|v| !v.is_null()) {
                            return Ok(base.clone());
                        }
                    }
                }
                items.iter().collect()
            }
            (ProjectionKind::Values, View::Obj(entries)) => self.object_values(entries),
            (ProjectionKind::Flatten, View::Arr(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for v in items.iter() {
                    match v.view() {
                        View::Arr(inner) => {
                            self.build(inner.len(), node)?;
                            out.extend(inner.iter())
                        }
                        _ => out.push(v.clone()),
                    }
                }
                out
            }
            (ProjectionKind::Filter(cond), View::Arr(items)) => {
                let mut out = Vec::new();
                for v in items.iter() {
                    let keep = self.eval(cond, &v)?;
                    if self.truthy(&keep, cond)? {
                        out.push(v);
                    }
                }
                out
            }
            (ProjectionKind::Slice(s), View::Arr(items)) => {
                let s = self.slice_bounds(node, *s, items.len())?;
                s.map(|i| items.get(i).unwrap_or_else(Value::null))
                    .collect()
            }
            _ => return Ok(Value::null()),
        };
        self.build(elements.len(), node)?;
        if matches!(rhs.kind, NodeKind::Identity) {
            let mut elements = elements;
            elements.retain(|v| !v.is_null());
            return Ok(Value::array(elements));
        }
        let mut out = Vec::with_capacity(elements.len());
        for v in &elements {
            let r = self.eval(rhs, v)?;
            if !r.is_null() {
                out.push(r);
            }
        }
        Ok(Value::array(out))
    }

    pub fn object_values(&self, entries: Entries<'_, 'a>) -> Vec<Value<'a>> {
        if self.rules.js_key_order {
            entries.ordered(true).into_iter().map(|(_, v)| v).collect()
        } else {
            entries.iter().map(|(_, v)| v).collect()
        }
    }

    /// The indices a slice selects, in order.
    fn slice_bounds(
        &self,
        node: &Node,
        s: Slice,
        len: usize,
    ) -> Result<impl Iterator<Item = usize>, Error> {
        let len = len as i64;
        let step = s.step.unwrap_or(1);
        if step == 0 {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "a slice's step cannot be 0",
                node.span,
            )
            .with_js("Invalid slice, step cannot be 0"));
        }
        let cap = |v: i64| -> i64 {
            if v < 0 {
                let v = v.saturating_add(len);
                if v < 0 {
                    if step < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    v
                }
            } else if v >= len {
                if step < 0 {
                    len - 1
                } else {
                    len
                }
            } else {
                v
            }
        };
        let start = s.start.map_or(if step < 0 { len - 1 } else { 0 }, cap);
        let stop = s.stop.map_or(if step < 0 { -1 } else { len }, cap);
        let mut i = start;
        Ok(std::iter::from_fn(move || {
            let more = if step > 0 { i < stop } else { i > stop };
            if !more {
                return None;
            }
            let at = i;
            i = i.saturating_add(step);
            Some(at as usize)
        }))
    }

    fn compare(&self, node: &Node, op: Comparator, l: &Value<'a>, r: &Value<'a>) -> Res<'a> {
        Ok(match op {
            Comparator::Eq => Value::bool(self.equal(l, r)),
            Comparator::Ne => Value::bool(!self.equal(l, r)),
            _ => match self.rules.ordering {
                Ordering::JavaScript => Value::bool(
                    js::relational(op, l, r)
                        .map_err(|e| e.error("compare these values", node.span))?,
                ),
                Ordering::NumbersOnly => match (l.view(), r.view()) {
                    (View::Num(a), View::Num(b)) => Value::bool(match op {
                        Comparator::Lt => a < b,
                        Comparator::Le => a <= b,
                        Comparator::Gt => a > b,
                        _ => a >= b,
                    }),
                    _ => Value::null(),
                },
            },
        })
    }

    /// Deep equality (jmespath.js's `strictDeepEqual` in the Pangolin dialect:
    /// `NaN` differs from itself, functions equal only themselves).
    pub fn equal(&self, l: &Value<'a>, r: &Value<'a>) -> bool {
        equal(l, r)
    }
}

/// Deep equality of two values.
pub(crate) fn equal(l: &Value<'_>, r: &Value<'_>) -> bool {
    match (l.view(), r.view()) {
        (View::Arr(_), View::Arr(_)) | (View::Obj(_), View::Obj(_)) => {
            stacker::maybe_grow(crate::STACK_RED_ZONE, crate::STACK_GROWTH, || {
                equal_nested(l, r)
            })
        }
        _ => equal_nested(l, r),
    }
}

fn equal_nested(l: &Value<'_>, r: &Value<'_>) -> bool {
    match (l.view(), r.view()) {
        (View::Null, View::Null) | (View::Undef, View::Undef) => true,
        (View::Bool(a), View::Bool(b)) => a == b,
        (View::Num(a), View::Num(b)) => a == b,
        (View::Str(a), View::Str(b)) => a == b,
        (View::Func(a), View::Func(b)) => a == b,
        (View::Ref(a), View::Ref(b)) => std::ptr::eq(a, b),
        (View::Arr(a), View::Arr(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| equal(&x, &y))
        }
        (View::Obj(a), View::Obj(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| match b.get(k) {
                    Some(w) => equal(&v, &w),
                    None => false,
                })
        }
        _ => false,
    }
}

fn index_of<'a>(items: Items<'_, 'a>, index: i64) -> Value<'a> {
    let len = items.len() as i64;
    let i = if index < 0 {
        index.saturating_add(len)
    } else {
        index
    };
    if i < 0 || i >= len {
        return Value::null();
    }
    items.get(i as usize).unwrap_or_else(Value::null)
}
