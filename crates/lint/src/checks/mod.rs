//! The lint driver: text-level repairs, parsing, then the rules over the
//! tree and the analysis.

mod calls;
#[cfg(feature = "grafana")]
mod grafana;
mod mapping;
mod samples;
mod syntax;

use rolemap_engine::{Dialect, Expression, Node, NodeKind};
use rolemap_sorted::SortedSet;
use serde_json::Value as Json;

use std::ops::ControlFlow;

use crate::analysis::{self, Analysis, AnalysisOptions};
use crate::claims::{ClaimSource, SampleList};
use crate::options::{ExprRole, LintOptions};
use crate::registry::name_and_severity;
use crate::text::{sort_by_key, Patched};
use crate::{Diagnostic, LintReport, Outcome, Severity, Span};

/// The first line of a role mapping stored by Pangolin's mapping builder.
const BUILDER_MARKER: &str = "__PANGOLIN_ROLE_MAP_BUILDER_V1__";

/// A diagnostic of rule `code` (name and severity from the registry).
fn diag(code: &'static str, span: Span, message: String, label: impl Into<String>) -> Diagnostic {
    let (name, severity) = name_and_severity(code).unwrap_or(("unknown", Severity::Warning));
    Diagnostic {
        code,
        name,
        severity,
        message,
        span,
        label: label.into(),
        help: None,
    }
}

impl Diagnostic {
    fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// The state of one lint run.
pub(crate) struct Ctx<'a> {
    opts: &'a LintOptions,
    /// The sample claims (`opts.claims` is not read).
    claims: &'a dyn ClaimSource,
    /// Offset of the expression in the linted text (after a builder header).
    base: usize,
    /// The expression after repairs (quoting, `{{orgId}}`, `\r`).
    patched: Patched,
    diags: Vec<Diagnostic>,
    /// Nodes (by address) already reported, to avoid double findings (as
    /// few as the diagnostics).
    flagged: SortedSet<usize>,
}

/// Help texts show the whole corrected expression up to this many bytes.
const FIX_WHOLE_MAX: usize = 200;

/// Beyond [`FIX_WHOLE_MAX`], how many bytes around the edits are shown.
const FIX_CONTEXT: usize = 40;

fn key(n: &Node) -> usize {
    n as *const Node as usize
}

impl<'a> Ctx<'a> {
    /// A span of the patched text as a span of the linted text.
    fn span(&self, s: rolemap_engine::Span) -> Span {
        let (a, b) = self.patched.span_to_orig(s.start, s.end);
        Span::new(a + self.base, b + self.base)
    }

    /// The patched text of a span.
    fn text(&self, s: rolemap_engine::Span) -> &str {
        self.patched.text.get(s.range()).unwrap_or("")
    }

    /// The patched expression with `edits` (spans of the patched text)
    /// applied, for a help text. An expression longer than
    /// [`FIX_WHOLE_MAX`] bytes is shown only around the edits (with `…`
    /// where it is cut), so that each finding's help stays small however
    /// many findings a long expression has.
    fn fixed(&self, edits: &[(rolemap_engine::Span, String)]) -> String {
        let text = &self.patched.text;
        let mut edits: Vec<&(rolemap_engine::Span, String)> = edits.iter().collect();
        sort_by_key(&mut edits, |(s, _)| std::cmp::Reverse(s.start));
        let (from, to) = if text.len() <= FIX_WHOLE_MAX {
            (0, text.len())
        } else {
            let lo = edits.iter().map(|(s, _)| s.start).min().unwrap_or(0);
            let hi = edits.iter().map(|(s, _)| s.end).max().unwrap_or(0);
            (
                text.floor_char_boundary(lo.saturating_sub(FIX_CONTEXT)),
                text.ceil_char_boundary(hi.saturating_add(FIX_CONTEXT)),
            )
        };
        let mut out = text[from..to].to_string();
        let mut last = usize::MAX;
        for (s, with) in edits {
            if s.end > last
                || s.start < from
                || s.end > to
                || s.start > s.end
                || !text.is_char_boundary(s.start)
                || !text.is_char_boundary(s.end)
            {
                continue;
            }
            out.replace_range(s.start - from..s.end - from, with);
            last = s.start;
        }
        let mut shown = String::with_capacity(out.len() + 6);
        if from > 0 {
            shown.push('…');
        }
        shown.push_str(out.trim());
        if to < text.len() {
            shown.push('…');
        }
        shown
    }

    fn push(&mut self, d: Diagnostic) {
        if !self.diags.contains(&d) {
            self.diags.push(d);
        }
    }

    fn has_claims(&self) -> bool {
        !self.claims.is_empty()
    }

    /// Whether the value of `n` is known: from the samples, or from literals only.
    fn known(&self, n: &Node) -> bool {
        self.has_claims() || !has_field(n)
    }
}

/// Whether a field lookup occurs in `n` (outside expression references).
fn has_field(n: &Node) -> bool {
    let mut found = false;
    visit(n, &mut |c| {
        found |= matches!(c.kind, NodeKind::Field { .. })
    });
    found
}

/// Visits every node, not entering `&expr` references.
fn visit<'n>(n: &'n Node, f: &mut impl FnMut(&'n Node)) {
    f(n);
    if !matches!(n.kind, NodeKind::ExprRef(_)) {
        n.for_each_child(|c| visit(c, f));
    }
}

/// Splits a builder-wrapped role mapping: the offset of the expression.
fn unwrap_builder(src: &str) -> usize {
    let trimmed_start = src.len() - src.trim_start().len();
    if !src[trimmed_start..].starts_with(BUILDER_MARKER) {
        return 0;
    }
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        pos += line.len();
        if line.trim() == "---" {
            return pos;
        }
    }
    0
}

pub(crate) fn run(src: &str, opts: &LintOptions, claims: &dyn ClaimSource) -> LintReport {
    if opts.target == crate::options::Target::Grafana {
        #[cfg(feature = "grafana")]
        return grafana::run(src, opts, claims);
        // Without the Grafana rules, nothing to report on Grafana's settings.
        #[cfg(not(feature = "grafana"))]
        return LintReport {
            diagnostics: Vec::new(),
            outcome: None,
        };
    }
    let base = if opts.role == ExprRole::RoleMapping {
        unwrap_builder(src)
    } else {
        0
    };
    let expr_text = src.get(base..).unwrap_or("");
    let mut cx = Ctx {
        opts,
        claims,
        base,
        patched: Patched::new(expr_text),
        diags: Vec::new(),
        flagged: SortedSet::new(),
    };
    if opts.role == ExprRole::OrgMapping && expr_text.trim().is_empty() {
        // An empty org mapping means "no filter".
        return LintReport {
            diagnostics: Vec::new(),
            outcome: None,
        };
    }
    let outcome = syntax::parse(&mut cx).map(|expr| check_tree(&mut cx, &expr));
    let mut diagnostics = cx.diags;
    sort_by_key(&mut diagnostics, |d| (d.span.start, d.code));
    LintReport {
        diagnostics,
        outcome,
    }
}

fn check_tree(cx: &mut Ctx<'_>, expr: &Expression) -> Outcome {
    let org_id = match cx.opts.role {
        ExprRole::OrgMapping => cx.opts.org_id.as_deref(),
        _ => None,
    };
    let aopts = AnalysisOptions { org_id };
    let root = analysis::root_abs_of(cx.claims);
    let a = analysis::analyse_from(expr.ast(), Dialect::Pangolin, &root, &aopts);
    calls::check(cx, expr.ast(), &a);
    mapping::check(cx, expr.ast(), &a);
    syntax::dialects(cx, expr);
    #[cfg(feature = "grafana")]
    syntax::grafana(cx);
    samples::check(cx, expr);
    Outcome {
        summary: a.value.to_string(),
        may_raise: a.may_raise(),
        missing: a.missing.clone(),
        value: a.value.clone(),
    }
}

/// The samples whose own analysis (of `ast` on that sample alone) meets
/// `test` (for "absent from sample #2" messages), one sample at a time.
fn samples_where(cx: &Ctx<'_>, ast: &Node, test: impl Fn(&Analysis) -> bool) -> SampleList {
    let org_id = match cx.opts.role {
        ExprRole::OrgMapping => cx.opts.org_id.as_deref(),
        _ => None,
    };
    let mut list = SampleList::default();
    cx.claims.visit(&mut |i, c| {
        let a = analysis::analyse(
            ast,
            Dialect::Pangolin,
            std::slice::from_ref::<Json>(c),
            &AnalysisOptions { org_id },
        );
        if test(&a) {
            list.push(i);
        }
        ControlFlow::Continue(())
    });
    list
}
