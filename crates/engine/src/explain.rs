//! An evaluation recorded step by step: which sub-expression gave which
//! value, where `&&`/`||` short-circuited, which branch gave the result.

use serde_json::Value as Json;

use crate::ast::{Node, NodeKind, Span};
use crate::dialect::Numbers;
use crate::error::Error;
use crate::eval::Tracer;
use crate::value::Value;
use crate::Expression;

/// Most steps recorded under one node (a projection over a long array).
const MAX_CHILDREN: usize = 64;

/// One evaluated sub-expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Where it is in the expression.
    pub span: Span,
    /// Its source text (`@` for an implicit current element).
    pub text: String,
    /// What kind of node it is (`field`, `and`, `call`, ...).
    pub node: &'static str,
    /// The value it gave, or the error it raised.
    pub value: Result<Json, String>,
    /// Why it gave that value, where it is not obvious (short-circuits).
    pub note: Option<String>,
    /// The steps inside it, in evaluation order.
    pub children: Vec<Step>,
    /// Steps evaluated but not recorded (beyond the per-node cap).
    pub omitted: usize,
}

/// An evaluation with its steps.
#[derive(Debug)]
pub struct Explained<'a> {
    /// The result of the whole expression.
    pub result: Result<Value<'a>, Error>,
    /// The outermost step.
    pub root: Option<Step>,
}

struct Recorder<'s> {
    source: &'s str,
    js: bool,
    stack: Vec<Step>,
    root: Option<Step>,
}

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
    }
}

impl<'a> Tracer<'a> for Recorder<'_> {
    fn enter(&mut self, node: &'a Node, _current: &Value<'a>) {
        let text = match node.kind {
            NodeKind::Identity => "@".to_string(),
            _ => self
                .source
                .get(node.span.range())
                .unwrap_or_default()
                .to_string(),
        };
        self.stack.push(Step {
            span: node.span,
            text,
            node: node_name(node),
            value: Ok(Json::Null),
            note: None,
            children: Vec::new(),
            omitted: 0,
        });
    }

    fn exit(&mut self, node: &'a Node, result: &Result<Value<'a>, Error>) {
        let Some(mut step) = self.stack.pop() else {
            return;
        };
        step.value = match result {
            Ok(v) => Ok(v.to_json_with(self.js)),
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
            Some(parent) if parent.children.len() >= MAX_CHILDREN => parent.omitted += 1,
            Some(parent) => parent.children.push(step),
            None => self.root = Some(step),
        }
    }
}

pub(crate) fn explain<'a>(expr: &'a Expression, data: &'a Json) -> Explained<'a> {
    let mut rec = Recorder {
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
