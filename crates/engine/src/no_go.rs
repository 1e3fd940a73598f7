//! The Go engines' place in a build without the feature `grafana`: every
//! expression in a Grafana dialect fails to compile with an
//! [`ErrorKind::Unavailable`] error, so no expression reaches [`search`].

use serde_json::Value as Json;

use crate::ast::{Node, Span};
pub use crate::dialect::GoRules;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;

/// The error of every expression in a Grafana dialect.
fn unavailable(span: Span) -> Error {
    Error::new(
        ErrorKind::Unavailable,
        "this build has no Grafana engine (built without the feature `grafana`): use the rolemap command line for the Grafana dialects".to_string(),
        span,
    )
}

/// Fails: this build has no Go engine.
pub(crate) fn parse(src: &str, _rules: &'static GoRules, _limits: &Limits) -> Result<Node, Error> {
    Err(unavailable(Span::new(0, src.len())))
}

/// Fails as [`parse`] does (no expression in a Go dialect compiles here).
pub(crate) fn search<'a, T: crate::eval::Tracer<'a>>(
    ast: &'a Node,
    _rules: &'static GoRules,
    _limits: Limits,
    _data: &Json,
    _tracer: &mut T,
) -> Result<Json, Error> {
    Err(unavailable(ast.span))
}

#[cfg(test)]
mod tests {
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
