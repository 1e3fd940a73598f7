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

/// The tree of `src` as the Go engine parses it.
pub(crate) fn parse(src: &str, rules: &'static GoRules, limits: &Limits) -> Result<Node, Error> {
    parse::parse(src, rules, limits)
}

/// Searches `data` with `ast` as the Go engine does; the result as
/// `encoding/json` would write it (numbers are float64).
pub(crate) fn search<'a, T: crate::eval::Tracer<'a>>(
    ast: &'a Node,
    rules: &'static GoRules,
    limits: Limits,
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
