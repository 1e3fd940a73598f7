//! The Go engines Grafana runs: `github.com/jmespath-community/go-jmespath`
//! v1.1.1 (Grafana 11.3 and later) and `github.com/jmespath/go-jmespath`
//! v0.4.0 (Grafana 11.2 and earlier), reproduced from what they do: they
//! parse by binding powers (the grammar says what each parses and where it
//! fails: `grammar/go.pest`, read in `lex.rs`; `parse.rs` folds its pairs
//! into the tree) and walk the tree on Go values (`eval.rs`,
//! `functions.rs`, `strings.rs`). What differs between the two is the
//! grammar's entry rule and [`GoRules`].

mod eval;
mod functions;
mod json;
mod lex;
mod parse;
mod strings;
mod value;

use serde_json::Value as Json;

use crate::ast::Node;
pub use crate::dialect::GoRules;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use crate::MapOrder;

/// The tree of `src` as the Go engine parses it.
pub(crate) fn parse(src: &str, rules: &'static GoRules, limits: &Limits) -> Result<Node, Error> {
    parse::parse(src, rules, limits)
}

/// The deepest document Go's `encoding/json` decodes (its scanner's
/// `maxNestingDepth`): Grafana never evaluates claims nested deeper.
const MAX_DOCUMENT_DEPTH: usize = 10_000;

/// Searches `data` with `ast` as the Go engine does, taking an object's
/// members in `order` where it iterates a map; `finish` receives the
/// result as `encoding/json` would write it (numbers are float64). The
/// engine copies the document into Go values: the search, `finish` and the
/// drops of those copies run on a stack with room for the document's
/// nesting.
pub(crate) fn search<'a, T: crate::eval::Tracer<'a>, R>(
    ast: &'a Node,
    rules: &'static GoRules,
    limits: Limits,
    order: MapOrder,
    data: &Json,
    tracer: &mut T,
    finish: impl FnOnce(Json) -> R,
) -> Result<R, Error> {
    let depth = document_depth(data);
    if depth > MAX_DOCUMENT_DEPTH {
        return Err(Error::new(
            ErrorKind::BudgetExceeded,
            format!(
                "the document nests {depth} levels deep: Go's encoding/json decodes at most {MAX_DOCUMENT_DEPTH} (\"exceeded max depth\"), so Grafana never reads such claims"
            ),
            ast.span,
        ));
    }
    crate::with_value_stack(depth, || {
        search_values(ast, rules, limits, order, data, tracer).map(finish)
    })
}

fn search_values<'a, T: crate::eval::Tracer<'a>>(
    ast: &'a Node,
    rules: &'static GoRules,
    limits: Limits,
    order: MapOrder,
    data: &Json,
    tracer: &mut T,
) -> Result<Json, Error> {
    let root = value::GoValue::from_json(data);
    let mut traced = eval::Traced(tracer);
    let mut it = eval::Interp {
        rules,
        tracer: &mut traced,
        root: root.clone(),
        bindings: Vec::new(),
        steps: 0,
        limits,
        map_rotation: order.rotation(),
    };
    let result = it.eval(ast, &root)?;
    if !result.fits_output() {
        return Err(*crate::limits::too_large("the result", ast.span));
    }
    result.to_json(rules.community).map_err(|m| {
        Error::new(
            ErrorKind::Runtime,
            format!("the result cannot be written as JSON: {m}"),
            ast.span,
        )
        .with_js(m)
    })
}

/// The first node of `ast` (parents before children) that takes an
/// object's members in the order Go iterates them: `*` on an object,
/// `keys`, `values`, `items` (`merge` only builds another map, whose order
/// shows where these take it).
pub(crate) fn map_iteration(ast: &Node) -> Option<crate::Span> {
    let mut found = None;
    ast.walk(&mut |n| {
        let takes = match &n.kind {
            crate::NodeKind::Projection { kind, .. } => *kind == crate::ast::ProjectionKind::Values,
            crate::NodeKind::Call { name, .. } => matches!(&**name, "keys" | "values" | "items"),
            _ => false,
        };
        if takes && found.is_none() {
            found = Some(n.span);
        }
    });
    found
}

/// How deeply arrays and objects nest in `data` (a scalar: 0), found
/// without recursion.
fn document_depth(data: &Json) -> usize {
    let mut deepest = 0;
    let mut open = vec![(data, 1)];
    while let Some((v, depth)) = open.pop() {
        let items: Box<dyn Iterator<Item = &Json>> = match v {
            Json::Array(items) => Box::new(items.iter()),
            Json::Object(m) => Box::new(m.values()),
            _ => continue,
        };
        deepest = deepest.max(depth);
        open.extend(items.map(|item| (item, depth + 1)));
    }
    deepest
}
