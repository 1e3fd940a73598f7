//! The Go engines' tree interpreter, on [`GoValue`]s.
//!
//! What holds (both engines): a sub-expression or index on `nil` is `nil`;
//! a field of anything but an object is `nil`; ordering compares numbers
//! only (anything else is `nil`); a projection drops `nil` results; a
//! flatten, `*` or filter projection whose left side fails is `nil` (the
//! error is dropped); multi-select lists and hashes are built even on `nil`;
//! function arguments are all evaluated before the function is looked up.
//! The community engine adds arithmetic on numbers (anything else is `nil`),
//! `$`, `let` with variables, and string slices (a slice of a string is the
//! string of those code points, and the projection after it is skipped).

use std::rc::Rc;

use crate::ast::{ArithOp, Comparator, Node, NodeKind, ProjectionKind, Slice, Span};
use crate::error::{Error, ErrorKind};
use crate::eval::Tracer;
use crate::limits::Limits;

use super::value::GoValue;
use super::GoRules;

pub(crate) type Res<'a> = Result<GoValue<'a>, Error>;

/// An error with the Go engine's message; the kind is read from it as the
/// compliance answer files read it.
pub(crate) fn go_error(go: impl Into<String>, span: Span) -> Error {
    let go = go.into();
    let lower = go.to_ascii_lowercase();
    let kind = if lower.starts_with("invalid type") || lower.starts_with("error in sort_by") {
        ErrorKind::InvalidType
    } else if lower.starts_with("invalid arity") || lower.starts_with("incorrect number of args") {
        ErrorKind::InvalidArity
    } else if lower.starts_with("invalid value") || lower.starts_with("invalid slice") {
        ErrorKind::InvalidValue
    } else if lower.starts_with("unknown function") {
        ErrorKind::UnknownFunction
    } else {
        ErrorKind::Runtime
    };
    Error::new(kind, go.clone(), span).with_js(go)
}

/// What the interpreter reports to a [`Tracer`] (one instantiation of
/// the interpreter for every tracer: the WebAssembly module stays small).
pub(crate) trait GoTracer<'a> {
    fn active(&self) -> bool;
    fn enter(&mut self, node: &'a Node, value: &GoValue<'a>, community: bool);
    fn exit(&mut self, node: &'a Node, result: &Res<'a>, community: bool);
}

/// A [`Tracer`] seeing the Go values as JSON values.
pub(crate) struct Traced<'t, T>(pub &'t mut T);

impl<'a, T: Tracer<'a>> GoTracer<'a> for Traced<'_, T> {
    fn active(&self) -> bool {
        T::ACTIVE
    }
    fn enter(&mut self, node: &'a Node, value: &GoValue<'a>, community: bool) {
        self.0.enter(node, &traced(value, community));
    }
    fn exit(&mut self, node: &'a Node, result: &Res<'a>, community: bool) {
        let shown = match result {
            Ok(v) => Ok(traced(v, community)),
            Err(e) => Err(e.clone()),
        };
        self.0.exit(node, &shown);
    }
}

/// Whether the error stands for a Go panic, which no projection stops (the
/// flatten, filter and `*` projections drop their left side's errors, not
/// its panics).
fn is_panic(e: &Error) -> bool {
    let text = e.js_message.as_deref().unwrap_or_default();
    text.starts_with("interface conversion:") || text.starts_with("runtime error:")
}

pub(crate) struct Interp<'a, 't> {
    pub rules: &'static GoRules,
    /// Sees every node evaluated (`explain`).
    pub tracer: &'t mut dyn GoTracer<'a>,
    pub root: GoValue<'a>,
    /// Variables in scope, innermost last.
    pub bindings: Vec<(Rc<str>, GoValue<'a>)>,
    pub steps: u64,
    pub limits: Limits,
    /// Where a map is iterated, its members are taken from this one on
    /// (see [`super::value::GoMap::members`]; 0: in insertion order).
    pub map_rotation: usize,
}

impl<'a> Interp<'a, '_> {
    fn step(&mut self, span: Span) -> Result<(), Error> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Error::new(
                ErrorKind::BudgetExceeded,
                format!(
                    "the search took more than {} steps; simplify the expression",
                    self.limits.max_steps
                ),
                span,
            ));
        }
        Ok(())
    }

    /// Counts `n` values built against the limit.
    pub(crate) fn budget(&mut self, n: u64, span: Span) -> Result<(), Error> {
        if n > self.limits.max_built {
            return Err(Error::new(
                ErrorKind::BudgetExceeded,
                format!(
                    "the search would build more than {} values",
                    self.limits.max_built
                ),
                span,
            ));
        }
        Ok(())
    }

    pub(crate) fn eval(&mut self, node: &'a Node, value: &GoValue<'a>) -> Res<'a> {
        self.step(node.span)?;
        let active = self.tracer.active();
        if active {
            self.tracer.enter(node, value, self.rules.community);
        }
        let r = crate::with_stack(&mut || self.eval_node(node, value));
        if active {
            self.tracer.exit(node, &r, self.rules.community);
        }
        r
    }

    fn eval_node(&mut self, node: &'a Node, value: &GoValue<'a>) -> Res<'a> {
        use GoValue as V;
        Ok(match &node.kind {
            NodeKind::Identity | NodeKind::Current => value.clone(),
            NodeKind::Root => self.root.clone(),
            NodeKind::Field { name, .. } => match value {
                V::Object(m) => m.get(name).cloned().unwrap_or(V::Nil),
                _ => V::Nil,
            },
            NodeKind::Literal { value: lit, .. } => V::from_json(lit),
            NodeKind::Subexpr { lhs, rhs } => {
                let left = self.eval(lhs, value)?;
                if left.is_nil() && self.rules.nil_stops_subexpression {
                    return Ok(V::Nil);
                }
                self.eval(rhs, &left)?
            }
            NodeKind::Index { lhs, index } => element(&self.eval(lhs, value)?, *index),
            NodeKind::Projection { kind, lhs, rhs } => {
                self.projection(node, kind, lhs, rhs, value)?
            }
            NodeKind::MultiList(_) | NodeKind::MultiHash(_)
                if value.is_nil() && self.rules.multiselect_of_nil_is_nil =>
            {
                V::Nil
            }
            NodeKind::MultiList(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, value)?);
                }
                V::array(out)
            }
            NodeKind::MultiHash(kvs) => {
                let mut out = super::value::GoMap::new();
                for kv in kvs {
                    let v = self.eval(&kv.value, value)?;
                    out.insert(Rc::from(&*kv.key), v);
                }
                V::Object(Rc::new(out))
            }
            NodeKind::Not(e) => V::Bool(self.eval(e, value)?.is_false()),
            NodeKind::And(l, r) => {
                let left = self.eval(l, value)?;
                if left.is_false() {
                    return Ok(left);
                }
                self.eval(r, value)?
            }
            NodeKind::Or(l, r) => {
                let left = self.eval(l, value)?;
                if !left.is_false() {
                    return Ok(left);
                }
                self.eval(r, value)?
            }
            NodeKind::Pipe(l, r) => {
                let left = self.eval(l, value)?;
                self.eval(r, &left)?
            }
            NodeKind::Compare { op, lhs, rhs } => {
                let l = self.eval(lhs, value)?;
                let r = self.eval(rhs, value)?;
                let sized = op.is_ordering() || (l.fits_output() && r.fits_output());
                if !sized {
                    return Err(*crate::limits::too_large(
                        "a value compared with ==",
                        node.span,
                    ));
                }
                compare(*op, &l, &r)
            }
            NodeKind::Arithmetic { op, lhs, rhs } => {
                let l = self.eval(lhs, value)?;
                let r = self.eval(rhs, value)?;
                match (l, r) {
                    (V::Number(a), V::Number(b)) => V::Number(arithmetic(*op, a, b)),
                    _ => V::Nil,
                }
            }
            NodeKind::Unary { minus, operand } => match self.eval(operand, value)? {
                V::Number(n) if *minus => V::Number(-n),
                V::Number(n) => V::Number(n),
                _ => V::Nil,
            },
            NodeKind::Call {
                name, args, held, ..
            } => {
                let mut resolved = Vec::with_capacity(args.len());
                for a in args {
                    resolved.push(self.eval(a, value)?);
                }
                if let Some(ty) = held {
                    return Err(go_error(
                        format!("interface conversion: interface {{}} is {ty}, not string"),
                        node.span,
                    ));
                }
                super::functions::call(self, name, resolved, node.span)?
            }
            NodeKind::ExprRef(e) => V::ExprRef(e),
            NodeKind::Variable(name) => {
                match self.bindings.iter().rev().find(|(n, _)| **n == **name) {
                    Some((_, v)) => v.clone(),
                    None => {
                        return Err(go_error(format!("variable not defined: {name}"), node.span))
                    }
                }
            }
            NodeKind::Let { bindings, body } => return self.let_expression(bindings, body, value),
            NodeKind::Assign { .. } => {
                return Err(go_error("Unknown AST node: ASTBinding", node.span))
            }
            NodeKind::Missing => return Err(go_error("Unknown AST node: ASTEmpty", node.span)),
        })
    }

    /// `let $a = x, ... in body`: the bindings are evaluated in the outer
    /// scope, then the body in theirs (Go's bindings of `let`).
    fn let_expression(
        &mut self,
        bindings: &'a [Node],
        body: &'a Node,
        value: &GoValue<'a>,
    ) -> Res<'a> {
        let mut bound = Vec::with_capacity(bindings.len());
        for b in bindings {
            let NodeKind::Assign { lhs, rhs } = &b.kind else {
                return Err(go_error(
                    "runtime error: index out of range [1] with length 0 (a binding of `let` must be `$name = expression`)",
                    b.span,
                ));
            };
            let name: Rc<str> = match &lhs.kind {
                NodeKind::Variable(n) | NodeKind::Field { name: n, .. } => Rc::from(&**n),
                _ => {
                    return Err(go_error(
                        "interface conversion: interface {} is nil, not string (a binding of `let` must be `$name = expression`)",
                        b.span,
                    ))
                }
            };
            bound.push((name, self.eval(rhs, value)?));
        }
        let depth = self.bindings.len();
        self.bindings.extend(bound);
        let r = self.eval(body, value);
        self.bindings.truncate(depth);
        r
    }

    fn projection(
        &mut self,
        node: &'a Node,
        kind: &'a ProjectionKind,
        lhs: &'a Node,
        rhs: &'a Node,
        value: &GoValue<'a>,
    ) -> Res<'a> {
        use GoValue as V;
        let items: Vec<V<'a>> = match kind {
            ProjectionKind::List => match self.eval(lhs, value)? {
                V::Array(a) => a.to_vec(),
                _ => return Ok(V::Nil),
            },
            ProjectionKind::Slice(s) => {
                let left = self.eval(lhs, value)?;
                match left {
                    V::Nil => return Ok(V::Nil),
                    V::Array(a) => slice(&a, s).map_err(|m| {
                        // v0.4.0 capitalizes the message.
                        let m = if self.rules.community {
                            m
                        } else {
                            m.replacen('i', "I", 1)
                        };
                        go_error(m, node.span)
                    })?,
                    V::String(text) if self.rules.community => {
                        let chars: Vec<char> = text.chars().collect();
                        return Ok(match slice(&chars, s) {
                            Ok(cs) => V::str(&cs.into_iter().collect::<String>()),
                            Err(_) => V::Nil,
                        });
                    }
                    _ => return Ok(V::Nil),
                }
            }
            ProjectionKind::Flatten => match self.eval(lhs, value) {
                Err(e) if is_panic(&e) => return Err(e),
                Ok(V::Array(a)) => {
                    let mut out = Vec::with_capacity(a.len());
                    for item in a.iter() {
                        match item {
                            V::Array(inner) => out.extend(inner.iter().cloned()),
                            other => out.push(other.clone()),
                        }
                    }
                    out
                }
                _ => return Ok(V::Nil),
            },
            ProjectionKind::Values => match self.eval(lhs, value) {
                Err(e) if is_panic(&e) => return Err(e),
                Ok(V::Object(m)) => m
                    .members(self.map_rotation)
                    .map(|(_, v)| v.clone())
                    .collect(),
                _ => return Ok(V::Nil),
            },
            ProjectionKind::Filter(cond) => {
                let a = match self.eval(lhs, value) {
                    Err(e) if is_panic(&e) => return Err(e),
                    Ok(V::Array(a)) => a,
                    _ => return Ok(V::Nil),
                };
                let mut out = Vec::new();
                for item in a.iter() {
                    if !self.eval(cond, item)?.is_false() {
                        let r = self.eval(rhs, item)?;
                        if !r.is_nil() {
                            out.push(r);
                        }
                    }
                }
                return Ok(V::array(out));
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            let r = self.eval(rhs, item)?;
            if !r.is_nil() {
                out.push(r);
            }
        }
        Ok(V::array(out))
    }
}

/// A value as a tracer sees it (what `encoding/json` writes; `null` for
/// what it cannot write).
fn traced<'a>(v: &GoValue<'_>, community: bool) -> crate::Value<'a> {
    crate::Value::from_json_owned(v.to_json(community).unwrap_or(serde_json::Value::Null))
}

fn compare<'a>(op: Comparator, l: &GoValue<'_>, r: &GoValue<'_>) -> GoValue<'a> {
    match op {
        Comparator::Eq => GoValue::Bool(l.deep_equal(r)),
        Comparator::Ne => GoValue::Bool(!l.deep_equal(r)),
        _ => match (l, r) {
            (GoValue::Number(a), GoValue::Number(b)) => GoValue::Bool(match op {
                Comparator::Lt => a < b,
                Comparator::Le => a <= b,
                Comparator::Gt => a > b,
                _ => a >= b,
            }),
            _ => GoValue::Nil,
        },
    }
}

fn arithmetic(op: ArithOp, a: f64, b: f64) -> f64 {
    match op {
        ArithOp::Add => a + b,
        ArithOp::Subtract => a - b,
        ArithOp::Star | ArithOp::Multiply => a * b,
        ArithOp::Divide => a / b,
        // Go's math.Mod: the sign of the dividend, as Rust's `%` on floats.
        ArithOp::Modulo => a % b,
        ArithOp::IntegerDivide => (a / b).floor(),
    }
}

/// `[start:stop:step]` of `items` as the Go engines compute it.
pub(crate) fn slice<T: Clone>(items: &[T], s: &Slice) -> Result<Vec<T>, String> {
    let len = items.len() as i64;
    let step = match s.step {
        None => 1,
        Some(0) => return Err("invalid slice, step cannot be 0".into()),
        Some(n) => n,
    };
    let cap = |actual: i64| -> i64 {
        if actual < 0 {
            let a = actual + len;
            if a < 0 {
                if step < 0 {
                    -1
                } else {
                    0
                }
            } else {
                a
            }
        } else if actual >= len {
            if step < 0 {
                len - 1
            } else {
                len
            }
        } else {
            actual
        }
    };
    let start = match s.start {
        None if step < 0 => len - 1,
        None => 0,
        Some(n) => cap(n),
    };
    let stop = match s.stop {
        None if step < 0 => -1,
        None => len,
        Some(n) => cap(n),
    };
    let mut out = Vec::new();
    let mut i = start;
    if step > 0 {
        while i < stop {
            out.push(items[i as usize].clone());
            let Some(next) = i.checked_add(step) else {
                break;
            };
            i = next;
        }
    } else {
        while i > stop {
            out.push(items[i as usize].clone());
            let Some(next) = i.checked_add(step) else {
                break;
            };
            i = next;
        }
    }
    Ok(out)
}

/// `value[index]`: the element of an array (a negative index counts from
/// the end), nil when out of range or not an array.
fn element<'a>(value: &GoValue<'a>, index: i64) -> GoValue<'a> {
    match value {
        GoValue::Array(items) => {
            let len = items.len() as i64;
            let i = if index < 0 { index + len } else { index };
            if (0..len).contains(&i) {
                items[i as usize].clone()
            } else {
                GoValue::Nil
            }
        }
        _ => GoValue::Nil,
    }
}
