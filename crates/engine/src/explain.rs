//! An evaluation recorded step by step: which sub-expression gave which
//! value, where `&&`/`||` short-circuited, which branch gave the result.

use serde_json::Value as Json;

use crate::ast::{Node, NodeKind, Span};
use crate::dialect::Numbers;
use crate::error::Error;
use crate::eval::Tracer;
use crate::value::{Value, ValueKind};
use crate::Expression;

/// Most steps recorded under one node (a projection over a long array).
const MAX_CHILDREN: usize = 64;

/// One evaluated sub-expression.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Step {
    /// Where it is in the expression.
    pub span: Span,
    /// Its source text (`@` for an implicit current element).
    pub text: String,
    /// What kind of node it is (`field`, `and`, `call`, ...).
    pub node: &'static str,
    /// The value it gave, or the error it raised.
    pub value: Result<Json, String>,
    /// The type of the value (tells jmespath.js's functions and `undefined`,
    /// which have no JSON form, from `null`); `None` on error.
    pub kind: Option<ValueKind>,
    /// Why it gave that value, where it is not obvious (short-circuits).
    pub note: Option<String>,
    /// The steps inside it, in evaluation order.
    pub children: Vec<Step>,
    /// Steps evaluated but not recorded (beyond the per-node cap).
    pub omitted: usize,
}

/// An evaluation with its steps.
#[derive(Debug)]
#[non_exhaustive]
pub struct Explained<'a> {
    /// The result of the whole expression.
    pub result: Result<Value<'a>, Error>,
    /// The outermost step.
    pub root: Option<Step>,
}

struct Recorder<'s> {
    /// Whether it records at all (see [`search_unrecorded`]).
    on: bool,
    source: &'s str,
    js: bool,
    /// Steps being evaluated, each with whether it is left out of the record.
    stack: Vec<(Step, bool)>,
    root: Option<Step>,
}

/// Most JSON nodes of a value shown in one step.
const MAX_VALUE_NODES: usize = 200;

fn node_name(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Identity => "current",
        NodeKind::Current => "current",
        NodeKind::Field { .. } => "field",
        NodeKind::Literal { .. } => "literal",
        NodeKind::Subexpr { .. } => "subexpression",
        NodeKind::Index { .. } => "index",
        NodeKind::Projection { .. } => "projection",
        NodeKind::MultiList(_) => "multi-select list",
        NodeKind::MultiHash(_) => "multi-select hash",
        NodeKind::Not(_) => "not",
        NodeKind::And(..) => "and",
        NodeKind::Or(..) => "or",
        NodeKind::Compare { .. } => "comparison",
        NodeKind::Pipe(..) => "pipe",
        NodeKind::Call { .. } => "call",
        NodeKind::ExprRef(_) => "expression reference",
        NodeKind::Missing => "missing",
        NodeKind::Arithmetic { .. } => "arithmetic",
        NodeKind::Unary { .. } => "sign",
        NodeKind::Root => "root",
        NodeKind::Variable(_) => "variable",
        NodeKind::Let { .. } => "let",
        NodeKind::Assign { .. } => "binding",
    }
}

impl<'a> Tracer<'a> for Recorder<'_> {
    fn enter(&mut self, node: &'a Node, _current: &Value<'a>) {
        if !self.on {
            return;
        }
        // Under a parent that has all the children it shows, record nothing
        // (and spend nothing on it).
        let skip = self
            .stack
            .last()
            .is_some_and(|(p, skip)| *skip || p.children.len() >= MAX_CHILDREN);
        if skip {
            self.stack.push((Step::placeholder(), true));
            return;
        }
        let text = match node.kind {
            NodeKind::Identity => "@".to_string(),
            _ => self
                .source
                .get(node.span.range())
                .unwrap_or_default()
                .to_string(),
        };
        self.stack.push((
            Step {
                span: node.span,
                text,
                node: node_name(node),
                value: Ok(Json::Null),
                kind: None,
                note: None,
                children: Vec::new(),
                omitted: 0,
            },
            false,
        ));
    }

    fn exit(&mut self, node: &'a Node, result: &Result<Value<'a>, Error>) {
        if !self.on {
            return;
        }
        let Some((mut step, skipped)) = self.stack.pop() else {
            return;
        };
        if skipped {
            if let Some((parent, false)) = self.stack.last_mut() {
                parent.omitted += 1;
            }
            return;
        }
        step.kind = result.as_ref().ok().map(Value::kind);
        step.value = match result {
            Ok(v) => Ok(v.to_json_preview(self.js, MAX_VALUE_NODES)),
            Err(e) => Err(e.message.clone()),
        };
        step.note = match (&node.kind, step.children.first()) {
            (NodeKind::And(..), Some(l)) if step.children.len() == 1 && l.value.is_ok() => {
                Some("the left side is falsy, so `&&` gives it and skips the right side".into())
            }
            (NodeKind::And(..), Some(_)) if step.children.len() == 2 => {
                Some("the left side is truthy, so `&&` gives the right side".into())
            }
            (NodeKind::Or(..), Some(l)) if step.children.len() == 1 && l.value.is_ok() => {
                Some("the left side is truthy, so `||` gives it and skips the right side".into())
            }
            (NodeKind::Or(..), Some(_)) if step.children.len() == 2 => {
                Some("the left side is falsy, so `||` gives the right side".into())
            }
            _ => None,
        };
        match self.stack.last_mut() {
            Some((parent, _)) => parent.children.push(step),
            None => self.root = Some(step),
        }
    }
}

impl Step {
    fn placeholder() -> Step {
        Step {
            span: Span::default(),
            text: String::new(),
            node: "",
            value: Ok(Json::Null),
            kind: None,
            note: None,
            children: Vec::new(),
            omitted: 0,
        }
    }
}

pub(crate) fn explain<'a>(expr: &'a Expression, data: &'a Json) -> Explained<'a> {
    let mut rec = Recorder {
        on: true,
        source: expr.source(),
        js: expr.dialect().rules().numbers == Numbers::JsDouble,
        stack: Vec::new(),
        root: None,
    };
    let result = expr.search_traced(data, &mut rec);
    Explained {
        result,
        root: rec.root,
    }
}

/// A plain search through the tracer `explain` uses, switched off: the
/// WebAssembly module then holds one copy of the evaluator (generic over
/// the tracer) instead of two, for a little speed it does not need. Same
/// result, steps and budget as the untraced evaluator (the tests of
/// `compile` compare the two).
#[cfg(any(test, feature = "browser"))]
pub(crate) fn search_unrecorded<'a>(
    expr: &'a Expression,
    data: &Value<'a>,
) -> Result<Value<'a>, Error> {
    #[cfg(feature = "grafana")]
    if let Some(go) = expr.dialect().rules().go {
        let data = data.to_json_with(false);
        return crate::go::search(
            expr.ast(),
            go,
            expr.limits(),
            crate::MapOrder::Inserted,
            &data,
            &mut crate::eval::NoTrace,
            Value::from_json_owned,
        );
    }
    let mut rec = Recorder {
        on: false,
        source: expr.source(),
        js: false,
        stack: Vec::new(),
        root: None,
    };
    crate::search_tree(expr, &mut rec, data)
}
