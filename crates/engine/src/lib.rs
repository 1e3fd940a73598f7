//! A JMESPath engine whose dialects reproduce real engines exactly.
//!
//! ```
//! use rolemap_engine::{Dialect, Expression};
//! use serde_json::json;
//!
//! let claims = json!({"sub": "alice", "groups": ["admin", "media"]});
//! let expr = Expression::compile("contains(groups, 'admin') && 'Admin' || 'Member'", Dialect::Pangolin)?;
//! assert_eq!(expr.search(&claims)?.as_str(), Some("Admin"));
//! # Ok::<(), rolemap_engine::Error>(())
//! ```
//!
//! - [`Dialect::Pangolin`] answers exactly as the npm package
//!   `jmespath@0.16.0` (the engine Pangolin runs), quirks included.
//! - [`Dialect::Spec`] answers as the JMESPath specification.
//!
//! - [`Dialect::Grafana`] and [`Dialect::GrafanaLegacy`] answer as the Go
//!   engines Grafana runs (with the feature `grafana`, on by default).
//!
//! The grammar is `grammar/jmespath.pest`; every difference between dialects
//! is decided in one table of rules inside the crate.

#![forbid(unsafe_code)]

// pest's derived parser, built without pest's `std` feature, names `alloc`.
extern crate alloc;

pub mod ast;
// The tree evaluator: without the `pest-dialects` feature nothing reaches
// it (see `search_tree`), and the linker leaves it out.
#[cfg_attr(not(feature = "pest-dialects"), allow(dead_code))]
mod compile;
mod dialect;
mod error;
#[cfg_attr(not(feature = "pest-dialects"), allow(dead_code))]
mod eval;
mod explain;
mod functions;
#[cfg(feature = "grafana")]
mod go;
mod js;
mod jserror;
/// Where the quoted parts of an expression's text are (also read by the
/// linter, from the same crate).
use rolemap_lexical as lexical;
mod limits;
#[cfg_attr(not(feature = "pest-dialects"), allow(dead_code))]
mod parse;
mod precedence;
mod print;
mod sort;
mod stack;
mod value;

#[cfg(feature = "grafana")]
pub(crate) use stack::with_value_stack;
pub(crate) use stack::{with_parse_stack, with_stack};

// The internal crates under the names the modules use.
pub(crate) use rolemap_escape as controls;
pub(crate) use rolemap_escape as quote;
pub(crate) use rolemap_js::number as jsnum;
#[cfg(feature = "grafana")]
pub(crate) use rolemap_js::unicode::simple_case;
pub(crate) use rolemap_js::unicode::{char_properties, lowercase_char};
#[cfg(feature = "grafana")]
pub(crate) use rolemap_sorted as sorted;

use serde_json::Value as Json;

pub use ast::{Node, NodeKind, Span};
pub use dialect::Dialect;
pub use error::{Error, ErrorKind};
pub(crate) use eval::Tracer;
pub use explain::{Explained, Step};
pub use functions::{functions, signature, ParamType, Signature};
pub use limits::Limits;
pub(crate) use limits::MAX_OUTPUT;
pub use print::print;
pub use value::{Value, ValueKind};

/// The order in which the Go engines take an object's members where they
/// iterate a map (`*` on an object, `keys`, `values`, `items`, `merge`). Go
/// leaves it to chance, anew on every iteration: for a map of at most 8
/// members, a rotation of the order the members were inserted in (a
/// claims document's own order), that order itself most often (in 9 − n
/// of 8 iterations); for a larger map, any order.
/// [`Expression::search`] takes them in insertion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MapOrder {
    /// The order the members were inserted in.
    Inserted,
    /// The members from the `n`th on (counted from 0, modulo their
    /// number), then those before it: the order Go takes when its
    /// iteration starts at that member.
    Rotated(usize),
}

impl MapOrder {
    /// How many members in the iteration starts.
    #[cfg_attr(not(feature = "grafana"), allow(dead_code))]
    fn rotation(self) -> usize {
        match self {
            MapOrder::Inserted => 0,
            MapOrder::Rotated(n) => n,
        }
    }
}

/// A compiled expression: parse once, search many documents.
#[derive(Clone, Debug)]
pub struct Expression {
    source: String,
    dialect: Dialect,
    ast: Node,
    /// What the tree evaluator (src/eval.rs) runs: `None` in the Go
    /// dialects, whose engines evaluate the syntax tree itself (src/go/).
    #[cfg_attr(not(feature = "pest-dialects"), allow(dead_code))]
    program: Option<compile::Program>,
    limits: Limits,
    /// See [`Expression::map_iteration`].
    map_iteration: Option<Span>,
}

impl Expression {
    /// Parses `source` in `dialect` with the default [`Limits`].
    pub fn compile(source: &str, dialect: Dialect) -> Result<Expression, Error> {
        Expression::compile_with(source, dialect, Limits::DEFAULT)
    }

    /// Parses `source` in `dialect` with the given limits.
    pub fn compile_with(
        source: &str,
        dialect: Dialect,
        limits: Limits,
    ) -> Result<Expression, Error> {
        let ast = match dialect.rules().go {
            Some(_) => parse_go(source, dialect, &limits)?,
            None => parse_pest(source, dialect, &limits)?,
        };
        if dialect.rules().call_checks == dialect::CallChecks::Compile {
            check_calls(&ast)?;
        }
        let program = lower(&ast, dialect);
        #[cfg(feature = "grafana")]
        let map_iteration = dialect.rules().go.and_then(|_| go::map_iteration(&ast));
        #[cfg(not(feature = "grafana"))]
        let map_iteration = None;
        Ok(Expression {
            source: source.to_string(),
            dialect,
            ast,
            program,
            limits,
            map_iteration,
        })
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The dialect it was compiled for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The syntax tree.
    pub fn ast(&self) -> &Node {
        &self.ast
    }

    /// The tree evaluation runs.
    #[cfg(test)]
    pub(crate) fn program(&self) -> &compile::Program {
        self.program.as_ref().expect("a dialect pest reads")
    }

    /// The limits evaluation runs under.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The canonical text of the expression.
    pub fn canonical(&self) -> String {
        print(&self.ast, self.dialect)
    }

    /// Evaluates against `data`. The result borrows from `data` and from
    /// the expression.
    #[inline]
    pub fn search<'a>(&'a self, data: &'a Json) -> Result<Value<'a>, Error> {
        #[cfg(feature = "grafana")]
        if let Some(go) = self.dialect.rules().go {
            return go::search(
                &self.ast,
                go,
                self.limits,
                MapOrder::Inserted,
                data,
                &mut eval::NoTrace,
                Value::from_json_owned,
            );
        }
        // A borrowed document owns nothing: no drop to run afterwards.
        let data = std::mem::ManuallyDrop::new(Value::json(data));
        #[cfg(not(feature = "browser"))]
        return search_tree(self, &mut eval::NoTrace, &data);
        #[cfg(feature = "browser")]
        return explain::search_unrecorded(self, &data);
    }

    /// Evaluates with a tracer observing every node.
    pub(crate) fn search_traced<'a, T: Tracer<'a>>(
        &'a self,
        data: &'a Json,
        tracer: &mut T,
    ) -> Result<Value<'a>, Error> {
        #[cfg(feature = "grafana")]
        if let Some(go) = self.dialect.rules().go {
            return go::search(
                &self.ast,
                go,
                self.limits,
                MapOrder::Inserted,
                data,
                tracer,
                Value::from_json_owned,
            );
        }
        search_tree(self, tracer, &Value::json(data))
    }

    /// Evaluates and returns plain JSON (numbers and key order as the
    /// dialect's engine would print them).
    pub fn search_json(&self, data: &Json) -> Result<Json, Error> {
        self.search_json_in(data, MapOrder::Inserted)
    }

    /// [`Expression::search_json`] with the Go engines taking an object's
    /// members in `order` where they iterate a map; the other dialects
    /// have one order, and give `search_json`'s answer.
    pub fn search_json_in(&self, data: &Json, order: MapOrder) -> Result<Json, Error> {
        #[cfg(feature = "grafana")]
        if let Some(go) = self.dialect.rules().go {
            return go::search(
                &self.ast,
                go,
                self.limits,
                order,
                data,
                &mut eval::NoTrace,
                |j| j,
            );
        }
        let _ = order;
        Ok(self.search(data)?.to_json_as(self.dialect))
    }

    /// Where the result may start to depend on an order the engine leaves
    /// to chance: the first place (outermost, then leftmost) where the Go
    /// engines take an object's members (`*` on an object, `keys`,
    /// `values`, `items`), in an order that changes from one search to the
    /// next. `None` when there is none, or in a dialect with one order.
    /// [`Expression::search_json_in`] gives the answer in a given order.
    pub fn map_iteration(&self) -> Option<Span> {
        self.map_iteration
    }

    /// An answer of the Go engines on `data` other than `first`,
    /// [`Expression::search_json`]'s answer on it, in another order of the
    /// members of the maps it reads: each rotation of their order in the
    /// document, the orders Go takes a map of at most 8 members in. `None`
    /// when every such order gives `first` or an error, or the expression
    /// takes no object's members. `items_as_set`: two arrays of the same
    /// items in another order count as the same answer (a list the caller
    /// reads as a set, such as Grafana's groups).
    pub fn answer_in_another_map_order(
        &self,
        data: &Json,
        first: &Json,
        items_as_set: bool,
    ) -> Option<Json> {
        self.map_iteration?;
        // A map of at most 8 members sits in one bucket of 8 slots, where
        // Go's iteration starts at one of the 8.
        (1..8).find_map(|n| {
            self.search_json_in(data, MapOrder::Rotated(n))
                .ok()
                .filter(|other| !same_answer(first, other, items_as_set))
        })
    }

    /// Evaluates and records every step (for `explain`).
    pub fn explain<'a>(&'a self, data: &'a Json) -> Explained<'a> {
        explain::explain(self, data)
    }
}

/// Whether two answers are the same; `items_as_set`: two arrays with the
/// same items (as many times each) in any order are.
fn same_answer(a: &Json, b: &Json, items_as_set: bool) -> bool {
    match (a, b) {
        (Json::Array(x), Json::Array(y)) if items_as_set => {
            let texts = |v: &[Json]| {
                let mut t: Vec<String> = v.iter().map(Json::to_string).collect();
                sort::sort_by(&mut t, |p, q| p.cmp(q));
                t
            };
            texts(x) == texts(y)
        }
        _ => a == b,
    }
}

/// Parses `source` in a dialect pest's parser reads (Pangolin's, the spec's).
#[cfg(feature = "pest-dialects")]
fn parse_pest(source: &str, dialect: Dialect, limits: &Limits) -> Result<Node, Error> {
    parse::parse(source, dialect, limits)
}

/// Without the `pest-dialects` feature only the Go dialects compile: every
/// expression in another dialect is an [`ErrorKind::Unavailable`] error, so
/// none reaches a search.
#[cfg(not(feature = "pest-dialects"))]
fn parse_pest(source: &str, dialect: Dialect, _: &Limits) -> Result<Node, Error> {
    Err(Error::new(
        ErrorKind::Unavailable,
        format!(
            "this build has no {} engine (built without the feature `pest-dialects`): use the rolemap command line for this dialect",
            dialect.engine()
        ),
        Span::new(0, source.len()),
    ))
}

/// The tree evaluator's program for `ast`, in a dialect pest reads.
#[cfg(feature = "pest-dialects")]
fn lower(ast: &Node, dialect: Dialect) -> Option<compile::Program> {
    let rules = dialect.rules();
    rules
        .go
        .is_none()
        .then(|| compile::Program::new(ast, rules))
}

/// Without the `pest-dialects` feature no tree reaches the tree evaluator
/// (see [`parse_pest`]): it is left out of the build.
#[cfg(not(feature = "pest-dialects"))]
fn lower(_: &Node, _: Dialect) -> Option<compile::Program> {
    None
}

/// Evaluates an expression in a dialect pest reads with the tree
/// evaluator (src/eval.rs).
#[cfg(feature = "pest-dialects")]
pub(crate) fn search_tree<'a, T: Tracer<'a>>(
    expr: &'a Expression,
    tracer: &mut T,
    data: &Value<'a>,
) -> Result<Value<'a>, Error> {
    eval::search(expr, tracer, data)
}

/// Without the `pest-dialects` feature no expression in those dialects
/// compiles (see [`parse_pest`]), so none is searched here: the tree
/// evaluator is left out of the build. Were one searched, the answer is
/// the error compiling it gives.
#[cfg(not(feature = "pest-dialects"))]
pub(crate) fn search_tree<'a, T: Tracer<'a>>(
    expr: &'a Expression,
    _: &mut T,
    _: &Value<'a>,
) -> Result<Value<'a>, Error> {
    parse_pest(expr.source(), expr.dialect(), &expr.limits()).map(|_| Value::null())
}

/// Parses `source` in a Go dialect (Grafana's engines).
#[cfg(feature = "grafana")]
fn parse_go(source: &str, dialect: Dialect, limits: &Limits) -> Result<Node, Error> {
    let go = dialect.rules().go.expect("a Go dialect");
    go::parse(source, go, limits)
}

/// Without the `grafana` feature the Go dialects compile nothing: every
/// expression in them is an [`ErrorKind::Unavailable`] error, so none
/// reaches a search.
#[cfg(not(feature = "grafana"))]
fn parse_go(source: &str, dialect: Dialect, _: &Limits) -> Result<Node, Error> {
    Err(Error::new(
        ErrorKind::Unavailable,
        format!(
            "this build has no Grafana engine ({}; built without the feature `grafana`): use the rolemap command line for the Grafana dialects",
            dialect.engine()
        ),
        Span::new(0, source.len()),
    ))
}

#[cfg(all(test, not(feature = "grafana"), feature = "pest-dialects"))]
mod without_grafana {
    use crate::{Dialect, ErrorKind, Expression};

    #[test]
    fn a_grafana_dialect_is_an_unavailable_error_and_the_others_compile() {
        for d in [Dialect::Grafana, Dialect::GrafanaLegacy] {
            let Err(e) = Expression::compile("a.b", d) else {
                panic!("{d}: compiled without a Go engine");
            };
            assert_eq!(e.kind, ErrorKind::Unavailable);
            assert!(e.message.contains("this build has no Grafana engine"));
        }
        for d in [Dialect::Pangolin, Dialect::Spec] {
            assert!(Expression::compile("a.b", d).is_ok());
        }
    }
}

#[cfg(all(test, feature = "grafana", not(feature = "pest-dialects")))]
mod without_pest_dialects {
    use crate::{Dialect, ErrorKind, Expression};

    #[test]
    fn pangolin_and_spec_are_unavailable_errors_and_the_go_dialects_compile() {
        for d in [Dialect::Pangolin, Dialect::Spec] {
            let Err(e) = Expression::compile("a.b", d) else {
                panic!("{d}: compiled without pest's parser");
            };
            assert_eq!(e.kind, ErrorKind::Unavailable);
            assert!(e.message.contains("pest-dialects"), "{}", e.message);
        }
        for d in [Dialect::Grafana, Dialect::GrafanaLegacy] {
            let compiled = Expression::compile("a.b", d).expect("a Go dialect compiles");
            let data = serde_json::json!({"a": {"b": 1}});
            assert_eq!(compiled.search_json(&data).ok(), Some(serde_json::json!(1)));
        }
    }
}

/// Checks function names and argument counts (the spec checks them at compile time).
fn check_calls(node: &Node) -> Result<(), Error> {
    let mut result = Ok(());
    node.walk(&mut |n| {
        if result.is_err() {
            return;
        }
        if let NodeKind::Call {
            name,
            name_span,
            args,
            ..
        } = &n.kind
        {
            result = match functions::signature(name) {
                None => Err(functions::unknown(name, *name_span)),
                Some(sig) => match functions::arity_error(sig, args.len(), n.span) {
                    Some(e) => Err(e),
                    None => Ok(()),
                },
            };
        }
    });
    result
}

/// Evaluates `source` against `data` in one call.
pub fn search(source: &str, dialect: Dialect, data: &Json) -> Result<Json, Error> {
    Expression::compile(source, dialect)?.search_json(data)
}
