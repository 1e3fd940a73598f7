//! RM004: the expression run on each sample, as Pangolin runs it at that
//! user's login. The analysis reasons about every sample at once and can
//! miss a failure (a value that grows past the limits, a combination of
//! claims); running the samples cannot.

use std::ops::ControlFlow;

use rolemap_engine::{ErrorKind, Expression};

use super::{diag, Ctx};
use crate::claims::SampleList;
use crate::Severity;

pub(super) fn check(cx: &mut Ctx<'_>, expr: &Expression) {
    // Something already says the login fails.
    if cx.diags.iter().any(|d| d.severity == Severity::Error) {
        return;
    }
    let mut failing = SampleList::default();
    let mut first = None;
    cx.claims.visit(&mut |i, claims| {
        if let Err(e) = expr.search(claims) {
            failing.push(i);
            first.get_or_insert(e);
        }
        ControlFlow::Continue(())
    });
    let Some(e) = first else {
        return;
    };
    let who = failing.text();
    let span = cx.span(e.span);
    let d = if e.kind == ErrorKind::BudgetExceeded {
        diag(
            "RM004",
            span,
            format!(
                "on {who}, the evaluation goes past rolemap's limits: {}; jmespath.js would run on, slowly or out of memory",
                e.message
            ),
            "stops here",
        )
        .with_severity(Severity::Warning)
        .with_help("no real mapping needs that much: look for a repeated `[@, @]`, or a projection inside a repeated list")
    } else {
        diag(
            "RM004",
            span,
            format!(
                "on {who}, the evaluation fails ({}: {}): Pangolin answers HTTP 500 at that user's login",
                e.kind.as_str(),
                e.message
            ),
            "fails here",
        )
        .with_help("`rolemap explain EXPRESSION SAMPLE` shows each step on that sample")
    };
    cx.push(d);
}
