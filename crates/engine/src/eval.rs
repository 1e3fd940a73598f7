//! The tree-walking evaluator, over the tree `compile` lowers the syntax
//! tree into (one op per node, so steps and traces are the syntax tree's).

use std::sync::Arc;

use smallvec::SmallVec;

use crate::ast::{Comparator, Node, Slice, Span};
use crate::compile::{
    ConstList, FieldOp, Inherited, LinkKind, Op, OpKind, PathOp, ProjKind, ProjectionOp,
};
use crate::dialect::{Ordering, Rules};
use crate::error::{Error, ErrorKind};
use crate::functions;
use crate::js;
use crate::value::{
    json_get_at_hint, json_get_missed, Entries, Items, ObjectBuilder, Repr, Value, View,
};
use crate::Expression;

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

/// The tracer that records nothing (the WebAssembly module searches with
/// `explain`'s tracer switched off instead: see `Expression::search`).
#[cfg_attr(feature = "browser", allow(dead_code))]
pub(crate) struct NoTrace;

impl<'a> Tracer<'a> for NoTrace {
    const ACTIVE: bool = false;
    #[inline(always)]
    fn enter(&mut self, _: &'a Node, _: &Value<'a>) {}
    #[inline(always)]
    fn exit(&mut self, _: &'a Node, _: &Result<Value<'a>, Error>) {}
}

/// An evaluation error, boxed: results stay small on the hot path.
pub(crate) type Fail = Box<Error>;

pub(crate) type Res<'a> = Result<Value<'a>, Fail>;

/// Evaluates `expr` against `data`. (Inlined into its callers: a search
/// of a small expression is mostly this fixed cost.)
#[inline(always)]
pub(crate) fn search<'a, T: Tracer<'a>>(
    expr: &'a Expression,
    tracer: &mut T,
    data: &Value<'a>,
) -> Result<Value<'a>, Error> {
    let Some(program) = &expr.program else {
        unreachable!("only the Go dialects have no program, and their engines search them")
    };
    if !T::ACTIVE {
        if let OpKind::Literal(value) = &program.root.kind {
            // A constant expression: one step, its literal.
            if expr.limits.max_steps > 0 {
                return Ok(Value::json(value));
            }
        }
    }
    let mut nodes = Vec::new();
    if T::ACTIVE {
        expr.ast.walk(&mut |n| nodes.push(n));
    }
    let mut it = Interp {
        rules: expr.dialect.rules(),
        max_steps: expr.limits.max_steps,
        max_built: expr.limits.max_built,
        steps: 0,
        built: 0,
        depth: 0,
        tracer,
        nodes: &nodes,
    };
    match it.eval_root(&program.root, data) {
        Ok(v) if v.is_built_container() => fitting(v, program),
        Ok(v) => Ok(v),
        Err(e) => Err(*e),
    }
}

/// A built result, or the error that it is over [`crate::MAX_OUTPUT`]
/// (out of line: [`search`] is inlined into its callers).
#[inline(never)]
fn fitting<'a>(v: Value<'a>, program: &crate::compile::Program) -> Result<Value<'a>, Error> {
    if v.fits_output(crate::MAX_OUTPUT) {
        Ok(v)
    } else {
        Err(*crate::limits::too_large("the result", program.root.span))
    }
}

/// One evaluation's state.
pub(crate) struct Interp<'a, 't, T> {
    pub rules: &'static Rules,
    /// [`crate::Limits::max_steps`].
    max_steps: u64,
    /// [`crate::Limits::max_built`].
    max_built: u64,
    steps: u64,
    built: u64,
    /// How deeply `eval` has recursed.
    depth: u32,
    tracer: &'t mut T,
    /// The syntax tree's nodes in [`Node::walk`] order, when tracing (an
    /// op's `id` indexes it).
    nodes: &'t [&'a Node],
}

/// Every this many levels of recursion, `eval` makes sure enough stack is left.
const STACK_CHECK_EVERY: u32 = 8;

impl<'a, 't, T: Tracer<'a>> Interp<'a, 't, T> {
    /// Counts `n` built elements against the budget.
    #[inline]
    pub fn build(&mut self, n: usize, op: &Op) -> Result<(), Fail> {
        self.built += n as u64;
        if self.built > self.max_built {
            return Err(self.too_much_built(op.span));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_much_built(&self, span: Span) -> Fail {
        Box::new(Error::new(
            ErrorKind::BudgetExceeded,
            format!(
                "evaluation built more than {} array elements and object entries: the expression multiplies its input (a projection or `[]` inside a repeated multi-select?); no real mapping needs that much",
                self.max_built
            ),
            span,
        ))
    }

    /// Counts one evaluation step of `op` against the budget.
    #[inline(always)]
    pub fn step(&mut self, op: &Op) -> Result<(), Fail> {
        self.step_at(op.span)
    }

    /// Counts one evaluation step of the node at `span` against the budget.
    #[inline(always)]
    fn step_at(&mut self, span: Span) -> Result<(), Fail> {
        self.steps += 1;
        if self.steps > self.max_steps {
            return Err(self.too_many_steps(span));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_many_steps(&self, span: Span) -> Fail {
        Box::new(Error::new(
            ErrorKind::BudgetExceeded,
            format!(
                "evaluation took more than {} steps: the expression does far more work than any mapping needs (does it multiply its input?)",
                self.max_steps
            ),
            span,
        ))
    }

    /// Counts `n` steps at once. When they go over the budget, the error
    /// is the one of the step that does: the node at `span_of(k)`, after
    /// the `k` that fit.
    #[inline(always)]
    fn steps(&mut self, n: u64, span_of: impl FnOnce(usize) -> Span) -> Result<(), Fail> {
        if self.steps + n > self.max_steps {
            let fit = (self.max_steps - self.steps) as usize;
            return Err(self.out_of_steps(span_of(fit)));
        }
        self.steps += n;
        Ok(())
    }

    /// [`Interp::eval`] of the root (at depth 1, where the stack needs no
    /// check).
    #[inline(always)]
    fn eval_root(&mut self, op: &'a Op, cur: &Value<'a>) -> Res<'a> {
        self.step(op)?;
        if !T::ACTIVE {
            if let OpKind::Field(f) = &op.kind {
                return Ok(self.field(cur, f));
            }
        }
        self.depth = 1;
        self.eval_traced(op, cur)
    }

    #[inline(always)]
    pub fn eval(&mut self, op: &'a Op, cur: &Value<'a>) -> Res<'a> {
        self.step(op)?;
        if !T::ACTIVE {
            if let OpKind::Field(f) = &op.kind {
                // The commonest leaf: no call, no recursion.
                return Ok(self.field(cur, f));
            }
        }
        self.depth += 1;
        let r = if self.depth.is_multiple_of(STACK_CHECK_EVERY) {
            // Deep trees over deep values: grow the stack rather than overflow it.
            crate::with_stack(&mut || self.eval_traced(op, cur))
        } else {
            self.eval_traced(op, cur)
        };
        self.depth -= 1;
        r
    }

    #[inline(always)]
    fn eval_traced(&mut self, op: &'a Op, cur: &Value<'a>) -> Res<'a> {
        if T::ACTIVE {
            let node = self.nodes[op.id as usize];
            self.tracer.enter(node, cur);
            let r = self.eval_op(op, cur).map_err(|e| *e);
            self.tracer.exit(node, &r);
            r.map_err(Box::new)
        } else {
            self.eval_op(op, cur)
        }
    }

    fn eval_op(&mut self, op: &'a Op, cur: &Value<'a>) -> Res<'a> {
        match &op.kind {
            OpKind::Current => Ok(cur.clone()),
            OpKind::Field(f) => Ok(self.field(cur, f)),
            OpKind::Literal(value) => Ok(Value::json(value)),
            OpKind::Subexpr(lhs, rhs) => {
                let left = self.eval(lhs, cur)?;
                self.eval(rhs, &left)
            }
            OpKind::Index(lhs, index) => self.index(lhs, *index, cur),
            OpKind::Projection(p) => self.projection(op, p, cur),
            OpKind::MultiList(items) => self.multi_list(op, items, cur),
            OpKind::ConstList(c) => self.const_list(op, c, cur),
            OpKind::MultiHash(kvs) => self.multi_hash(op, kvs, cur),
            OpKind::Not(e) => {
                let v = self.eval(e, cur)?;
                Ok(Value::bool(!self.truthy(&v, op)?))
            }
            // The left side's result is returned as it is (not rebuilt), so
            // that it can be evaluated right where the result goes.
            OpKind::And(l, r) => {
                let left = self.eval(l, cur);
                if let Ok(v) = &left {
                    if self.truthy(v, op)? {
                        drop(left);
                        return self.eval(r, cur);
                    }
                }
                left
            }
            OpKind::Or(l, r) => {
                let left = self.eval(l, cur);
                if let Ok(v) = &left {
                    if !self.truthy(v, op)? {
                        drop(left);
                        return self.eval(r, cur);
                    }
                }
                left
            }
            OpKind::Compare(cmp, lhs, rhs) => self.comparison(op, *cmp, lhs, rhs, cur),
            OpKind::Call(c) => functions::call(self, op, c, cur),
            // jmespath.js marks the referenced node, and fails where there is none (`&()`).
            OpKind::ExprRef(r) if matches!(r.body.kind, OpKind::Missing) => {
                let mut e = missing(&r.body);
                e.js_message =
                    Some("Cannot set properties of undefined (setting 'jmespathType')".into());
                Err(e)
            }
            OpKind::ExprRef(r) => Ok(Value::expref(r)),
            OpKind::Missing => Err(missing(op)),
            OpKind::Path(p) => self.path(p, cur),
        }
    }

    /// A chain of fields and indexes, as the chain of nodes would go: the
    /// links' nodes counted outermost first, then the base evaluated, then
    /// each link applied (its field counted first). Without a tracer, the
    /// steps are counted at once and the loop stops at the first null (a
    /// field or an index of null is null).
    #[inline(never)]
    fn path(&mut self, p: &'a PathOp, cur: &Value<'a>) -> Res<'a> {
        if T::ACTIVE {
            return self.path_traced(p, cur);
        }
        // The links' nodes but the outermost (counted by `eval`).
        let inner = p.links.len() as u64 - 1;
        self.steps(inner, |fit| p.links[p.links.len() - 2 - fit].span)?;
        let mut v = self.eval(&p.base, cur)?;
        self.steps(u64::from(p.fields), |fit| nth_field_span(p, fit))?;
        for link in &p.links {
            if v.is_null() {
                return Ok(Value::null());
            }
            v = match &link.kind {
                LinkKind::Field(f, ..) => self.field(&v, f),
                LinkKind::Index(i) => index(&v, *i),
            };
        }
        Ok(v)
    }

    /// The steps used up: the error of the step that goes over.
    #[cold]
    #[inline(never)]
    fn out_of_steps(&mut self, span: Span) -> Fail {
        self.steps = self.max_steps + 1;
        self.too_many_steps(span)
    }

    /// [`Interp::path`] with a tracer: every node entered and left as the
    /// chain of nodes would enter and leave them (the outermost by `eval`).
    fn path_traced(&mut self, p: &'a PathOp, cur: &Value<'a>) -> Res<'a> {
        let last = p.links.len() - 1;
        // The links `open..last` have been entered and not left.
        let mut open = last;
        let r = self.path_traced_links(p, cur, &mut open);
        match r {
            Ok(v) => Ok(v),
            Err(e) => {
                let r = Err(*e);
                for link in &p.links[open..last] {
                    self.tracer.exit(self.nodes[link.id as usize], &r);
                }
                r.map_err(Box::new)
            }
        }
    }

    fn path_traced_links(&mut self, p: &'a PathOp, cur: &Value<'a>, open: &mut usize) -> Res<'a> {
        let last = p.links.len() - 1;
        for k in (0..last).rev() {
            let link = &p.links[k];
            self.step_at(link.span)?;
            self.tracer.enter(self.nodes[link.id as usize], cur);
            *open = k;
        }
        let mut v = self.eval(&p.base, cur)?;
        for (k, link) in p.links.iter().enumerate() {
            v = match &link.kind {
                LinkKind::Field(f, id, span) => {
                    self.step_at(*span)?;
                    let node = self.nodes[*id as usize];
                    self.tracer.enter(node, &v);
                    let r = Ok(self.field(&v, f));
                    self.tracer.exit(node, &r);
                    r?
                }
                LinkKind::Index(i) => index(&v, *i),
            };
            if k < last {
                let r = Ok(v);
                self.tracer.exit(self.nodes[link.id as usize], &r);
                v = r?;
                *open = k + 1;
            }
        }
        Ok(v)
    }

    #[inline(never)]
    fn index(&mut self, lhs: &'a Op, i: i64, cur: &Value<'a>) -> Res<'a> {
        let left = self.eval(lhs, cur)?;
        Ok(index(&left, i))
    }

    #[inline(never)]
    fn comparison(
        &mut self,
        op: &'a Op,
        cmp: Comparator,
        lhs: &'a Op,
        rhs: &'a Op,
        cur: &Value<'a>,
    ) -> Res<'a> {
        let left = self.eval(lhs, cur)?;
        let right = self.eval(rhs, cur)?;
        self.compare(op, cmp, &left, &right)
    }

    #[inline(never)]
    fn const_list(&mut self, op: &'a Op, c: &'a ConstList, cur: &Value<'a>) -> Res<'a> {
        if T::ACTIVE {
            return self.multi_list(op, &c.items, cur);
        }
        // What `multi_list` does, without evaluating the literals.
        if cur.is_null() {
            return Ok(Value::null());
        }
        self.build(c.items.len(), op)?;
        // One step per literal, counted at once.
        self.steps(c.items.len() as u64, |fit| c.items[fit].span)?;
        Ok(Value(Repr::Const(std::rc::Rc::new(c))))
    }

    /// Truthiness. jmespath.js calls `obj.hasOwnProperty` while testing an
    /// object, which fails on an object whose `__proto__` key made its
    /// prototype null.
    #[inline]
    pub fn truthy(&self, v: &Value<'a>, op: &Op) -> Result<bool, Fail> {
        if let Repr::ObjProto(_) = v.0 {
            return self.truthy_proto(v, op);
        }
        Ok(v.is_truthy())
    }

    #[cold]
    #[inline(never)]
    fn truthy_proto(&self, v: &Value<'a>, op: &Op) -> Result<bool, Fail> {
        if let (Some(None), View::Obj(o)) = (v.custom_proto(), v.view()) {
            if !o.is_empty() {
                return Err(Box::new(
                    Error::new(
                        ErrorKind::InvalidType,
                        "jmespath.js cannot test this object: its `__proto__: null` key removed the methods it calls",
                        op.span,
                    )
                    .with_js("obj.hasOwnProperty is not a function"),
                ));
            }
        }
        Ok(v.is_truthy())
    }

    /// The field `f` looked up on `cur`.
    #[inline(always)]
    fn field(&self, cur: &Value<'a>, f: &FieldOp) -> Value<'a> {
        if let Repr::Json(serde_json::Value::Object(m)) = cur.0 {
            if let Some(v) = json_get_at_hint(m, &f.name, &f.hint) {
                return Value::json(v);
            }
            if m.is_empty() && f.inherited == Inherited::Nothing {
                // `{}`: nothing to look further into.
                return Value::null();
            }
        }
        self.field_slow(cur, f)
    }

    /// [`Interp::field`] when the key is not where its hint says.
    #[inline(never)]
    fn field_slow(&self, cur: &Value<'a>, f: &FieldOp) -> Value<'a> {
        match cur.0 {
            // A plain object: its prototype is `Object.prototype`.
            Repr::Json(serde_json::Value::Object(m)) => {
                match json_get_missed(m, &f.name, &f.hint) {
                    Some(v) => Value::json(v),
                    None => match f.inherited {
                        Inherited::Nothing => Value::null(),
                        Inherited::Method(m) => Value::func(m),
                        Inherited::Prototype => Value::object_prototype(),
                    },
                }
            }
            Repr::Obj(_) | Repr::ObjProto(_) | Repr::ObjectPrototype => self.field_built(cur, f),
            Repr::Ref(_) => match self.expref_object(cur) {
                Some(node) => self.field_built(&node, f),
                None => Value::null(),
            },
            _ => Value::null(),
        }
    }

    /// An expression reference as the object `rules.expref_objects` says
    /// it is (jmespath.js's syntax-tree node); `None` for anything else.
    fn expref_object(&self, v: &Value<'a>) -> Option<Value<'a>> {
        match v.view() {
            View::Ref(node) if self.rules.expref_objects => {
                Some(Value::from_json_owned(js::expref_json(node)))
            }
            _ => None,
        }
    }

    /// [`Interp::field`] of an object built by evaluation.
    #[inline(never)]
    fn field_built(&self, cur: &Value<'a>, f: &FieldOp) -> Value<'a> {
        match cur.view() {
            View::Obj(o) => match o.get(&f.name) {
                Some(v) => v,
                None if self.rules.prototype_fields => js::inherited(cur, &f.name),
                None => Value::null(),
            },
            _ => Value::null(),
        }
    }

    #[inline(never)]
    fn multi_list(&mut self, op: &'a Op, items: &'a [Op], cur: &Value<'a>) -> Res<'a> {
        if cur.is_null() {
            return Ok(Value::null());
        }
        self.build(items.len(), op)?;
        // Collected straight into the array's buffer (the length is known);
        // after an error the rest is not evaluated.
        let mut failed = None;
        let array: Vec<Value<'a>> = items
            .iter()
            .map(|item| {
                if failed.is_some() {
                    return Value::null();
                }
                self.eval(item, cur).unwrap_or_else(|e| {
                    failed = Some(e);
                    Value::null()
                })
            })
            .collect();
        match failed {
            Some(e) => Err(e),
            None => Ok(Value::array(array)),
        }
    }

    #[inline(never)]
    fn multi_hash(&mut self, op: &'a Op, kvs: &'a [(Arc<str>, Op)], cur: &Value<'a>) -> Res<'a> {
        if cur.is_null() {
            return Ok(Value::null());
        }
        self.build(kvs.len(), op)?;
        let mut out = ObjectBuilder::new(self.rules.prototype_fields, kvs.len());
        for (key, value) in kvs {
            let v = self.eval(value, cur)?;
            out.set(key.as_ref().into(), v)
                .map_err(|e| Box::new(crate::Error { span: op.span, ..e }))?;
        }
        Ok(out.finish())
    }

    /// A projection: its left side evaluated here (inlined), the rest only
    /// when there is something to project.
    #[inline(always)]
    fn projection(&mut self, op: &'a Op, p: &'a ProjectionOp, cur: &Value<'a>) -> Res<'a> {
        if !T::ACTIVE {
            if let (ProjKind::Flatten, OpKind::MultiList(items)) = (&p.kind, &p.lhs.kind) {
                return self.flatten_list(op, p, items, cur);
            }
        }
        match self.eval(&p.lhs, cur)? {
            // Nothing to project (and nothing to drop).
            Value(Repr::Null | Repr::Json(serde_json::Value::Null)) => Ok(Value::null()),
            base => self.project(op, p, base),
        }
    }

    /// [`Interp::projection`] over `base`, its left side's value.
    #[inline(never)]
    fn project(&mut self, op: &'a Op, p: &'a ProjectionOp, base: Value<'a>) -> Res<'a> {
        let base = self.expref_object(&base).unwrap_or(base);
        match (&p.kind, base.view()) {
            (ProjKind::List, View::Arr(items)) => {
                if p.rhs_identity {
                    // Nothing to apply: the result is the non-null elements.
                    if let Items::Own(own) = items {
                        if own.iter().all(|v| !v.is_null()) {
                            return Ok(base.clone());
                        }
                    }
                }
                self.build(items.len(), op)?;
                self.apply(p, items.iter())
            }
            (ProjKind::Values, View::Obj(entries)) => {
                let values = self.object_values(entries);
                self.build(values.len(), op)?;
                self.apply(p, values.into_iter())
            }
            (ProjKind::Flatten | ProjKind::Filter(_) | ProjKind::Slice(_), View::Arr(items)) => {
                self.gather(op, p, items)
            }
            _ => Ok(Value::null()),
        }
    }

    /// A projection that gathers elements of `items` first (flatten, filter,
    /// slice).
    #[inline(never)]
    fn gather(&mut self, op: &'a Op, p: &'a ProjectionOp, items: Items<'_, 'a>) -> Res<'a> {
        let mut elements: SmallVec<[Value<'a>; 16]> = SmallVec::new();
        match (&p.kind, items) {
            (ProjKind::Flatten, items) => {
                elements.reserve_exact(items.len());
                self.flatten_into(op, items.iter(), &mut elements)?;
            }
            (ProjKind::Filter(cond), items) => {
                for v in items.iter() {
                    let keep = self.eval(cond, &v)?;
                    if self.truthy(&keep, cond)? {
                        elements.push(v);
                    }
                }
            }
            (ProjKind::Slice(s), items) => {
                let s = self.slice_bounds(op, *s, items.len())?;
                elements.extend(s.map(|i| items.get(i).unwrap_or_else(Value::null)));
            }
            (ProjKind::List | ProjKind::Values, _) => return Ok(Value::null()),
        };
        self.finish_projection(op, p, &mut elements)
    }

    /// `[a, b][] ...`: the list's elements are evaluated as the list would
    /// evaluate them (same steps, same budget) and flattened as they come,
    /// without building the list itself. The flattened arrays are counted
    /// against the budget once all elements are evaluated, as when the list
    /// is built first (the count only grows: it goes over at the end if at
    /// any point).
    #[inline(never)]
    fn flatten_list(
        &mut self,
        op: &'a Op,
        p: &'a ProjectionOp,
        items: &'a [Op],
        cur: &Value<'a>,
    ) -> Res<'a> {
        self.step(&p.lhs)?;
        if cur.is_null() {
            // The list is null: nothing to project.
            return Ok(Value::null());
        }
        self.build(items.len(), &p.lhs)?;
        let mut elements: SmallVec<[Value<'a>; 16]> = SmallVec::new();
        let mut flattened = 0;
        for item in items {
            let v = self.eval(item, cur)?;
            match v.view() {
                View::Arr(inner) => {
                    flattened += inner.len();
                    elements.extend(inner.iter());
                }
                _ => elements.push(v),
            }
        }
        self.build(flattened, op)?;
        self.finish_projection(op, p, &mut elements)
    }

    /// Appends `values` to `out`, the elements of arrays in their place.
    fn flatten_into(
        &mut self,
        op: &Op,
        values: impl Iterator<Item = Value<'a>>,
        out: &mut SmallVec<[Value<'a>; 16]>,
    ) -> Result<(), Fail> {
        for v in values {
            match v.view() {
                View::Arr(inner) => {
                    self.build(inner.len(), op)?;
                    out.extend(inner.iter())
                }
                _ => out.push(v.clone()),
            }
        }
        Ok(())
    }

    /// The projection of the gathered `elements`: counted against the
    /// budget, the right side applied, nulls left out.
    fn finish_projection(
        &mut self,
        op: &'a Op,
        p: &'a ProjectionOp,
        elements: &mut SmallVec<[Value<'a>; 16]>,
    ) -> Res<'a> {
        self.build(elements.len(), op)?;
        if p.rhs_identity {
            elements.retain(|v| !v.is_null());
            return Ok(Value::array_from(elements));
        }
        self.apply(p, elements.drain(..))
    }

    /// The projection's right side applied to each element, nulls left out
    /// (not inlined: `projection` stays small when it has nothing to apply).
    #[inline(never)]
    fn apply(
        &mut self,
        p: &'a ProjectionOp,
        elements: impl ExactSizeIterator<Item = Value<'a>>,
    ) -> Res<'a> {
        let mut out: SmallVec<[Value<'a>; 16]> = SmallVec::new();
        out.reserve_exact(elements.len());
        if p.rhs_identity {
            out.extend(elements.filter(|v| !v.is_null()));
        } else {
            for v in elements {
                let r = self.eval(&p.rhs, &v)?;
                if !r.is_null() {
                    out.push(r);
                }
            }
        }
        Ok(Value::array_from(&mut out))
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
        op: &Op,
        s: Slice,
        len: usize,
    ) -> Result<impl Iterator<Item = usize>, Fail> {
        let len = len as i64;
        let step = s.step.unwrap_or(1);
        if step == 0 {
            return Err(Box::new(
                Error::new(
                    ErrorKind::InvalidValue,
                    "a slice's step cannot be 0",
                    op.span,
                )
                .with_js("Invalid slice, step cannot be 0"),
            ));
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

    fn compare(&self, op: &Op, cmp: Comparator, l: &Value<'a>, r: &Value<'a>) -> Res<'a> {
        let eq = || {
            let (lo, ro) = (self.expref_object(l), self.expref_object(r));
            equal(lo.as_ref().unwrap_or(l), ro.as_ref().unwrap_or(r))
                .ok_or_else(|| crate::limits::too_large("a value compared", op.span))
        };
        Ok(match cmp {
            Comparator::Eq => Value::bool(eq()?),
            Comparator::Ne => Value::bool(!eq()?),
            _ => match self.rules.ordering {
                Ordering::JavaScript => Value::bool(
                    js::relational(cmp, l, r)
                        .map_err(|e| e.error("compare these values", op.span))?,
                ),
                Ordering::NumbersOnly => match (l.view(), r.view()) {
                    (View::Num(a), View::Num(b)) => Value::bool(match cmp {
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
}

#[cold]
#[inline(never)]
fn missing(op: &Op) -> Fail {
    Box::new(
        Error::new(
            ErrorKind::Syntax,
            "nothing usable follows this `.`, or nothing is in these `()`: jmespath.js accepts that when parsing, and fails here, when it reaches it",
            op.span,
        )
        .with_js("Cannot read properties of undefined (reading 'type')"),
    )
}

/// Deep equality of two values; `None` when both are built values over
/// [`crate::MAX_OUTPUT`] written out (values share their parts, and the
/// comparison walks both as if written out).
pub(crate) fn equal(l: &Value<'_>, r: &Value<'_>) -> Option<bool> {
    if l.is_built_container()
        && r.is_built_container()
        && !(l.fits_output(crate::MAX_OUTPUT) && r.fits_output(crate::MAX_OUTPUT))
    {
        return None;
    }
    Some(equal_within(l, r))
}

/// [`equal`] of values known to fit.
fn equal_within(l: &Value<'_>, r: &Value<'_>) -> bool {
    match (l.view(), r.view()) {
        (View::Arr(_), View::Arr(_)) | (View::Obj(_), View::Obj(_)) => {
            crate::with_stack(&mut || equal_nested(l, r))
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
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| equal_within(&x, &y))
        }
        (View::Obj(a), View::Obj(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| match b.get(k) {
                    Some(w) => equal_within(&v, &w),
                    None => false,
                })
        }
        _ => false,
    }
}

/// The span of the field of the `k`th field link of `p`.
#[cold]
fn nth_field_span(p: &PathOp, k: usize) -> Span {
    p.links
        .iter()
        .filter_map(|l| match &l.kind {
            LinkKind::Field(_, _, span) => Some(*span),
            LinkKind::Index(_) => None,
        })
        .nth(k)
        .unwrap_or_default()
}

/// The element at `index` of `v` (null if `v` is not an array).
fn index<'a>(v: &Value<'a>, index: i64) -> Value<'a> {
    match v.view() {
        View::Arr(items) => index_of(items, index),
        _ => Value::null(),
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
