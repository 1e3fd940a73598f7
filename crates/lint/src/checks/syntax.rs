//! Text-level rules and parsing: carriage returns, `{{orgId}}`, unquoted
//! special keys, syntax errors, and where jmespath.js and the spec part ways.

use std::ops::ControlFlow;

use rolemap_engine::ast::LiteralForm;
use rolemap_engine::{print, Dialect, Expression, NodeKind};
use serde_json::Value as Json;

use super::{diag, visit, Ctx};
use crate::options::ExprRole;
use crate::text::{quoted_name, region_at, regions, Region};
use crate::{Severity, Span};

const ORG_ID: &str = "{{orgId}}";
/// Repairs tried before giving up on parsing.
const MAX_REPAIRS: usize = 16;

/// Runs the text-level rules and parses the (repaired) expression.
pub(super) fn parse(cx: &mut Ctx<'_>) -> Option<Expression> {
    carriage_returns(cx);
    org_id_placeholders(cx);
    let mut pending = Vec::new();
    let mut result = None;
    for _ in 0..MAX_REPAIRS {
        match Expression::compile(&cx.patched.text, Dialect::Pangolin) {
            Ok(e) => {
                result = Some(e);
                break;
            }
            Err(e) => {
                if e.kind == rolemap_engine::ErrorKind::Syntax {
                    if let Some(d) = quote_special_key(cx, e.span.start) {
                        pending.push(d);
                        continue;
                    }
                }
                let span = cx.span(e.span);
                let mut msg = e.message.clone();
                if let Some(js) = &e.js_message {
                    msg.push_str(&format!(" (jmespath.js: `{js}`)"));
                }
                let (label, help) = if e.kind == rolemap_engine::ErrorKind::BudgetExceeded {
                    // rolemap's own limits, not jmespath.js's.
                    (
                        "over rolemap's limit",
                        "rolemap checks expressions up to its limits only; jmespath.js may accept this one, but no mapping needs it: split it or simplify it",
                    )
                } else if e.span.start >= cx.patched.text.len() {
                    ("the expression ends here", CANNOT_EVALUATE)
                } else {
                    ("here", CANNOT_EVALUATE)
                };
                cx.push(diag("RM001", span, msg, label).with_help(help));
                break;
            }
        }
    }
    let corrected = cx.patched.text.trim().to_string();
    for d in pending {
        let help = if result.is_some() {
            format!("quote the key: `{corrected}`")
        } else {
            "write the key in double quotes".to_string()
        };
        cx.push(d.with_help(help));
    }
    result
}

/// The help of a syntax error.
const CANNOT_EVALUATE: &str =
    "Pangolin cannot evaluate this: every login through this IdP fails with HTTP 500";

fn carriage_returns(cx: &mut Ctx<'_>) {
    let regs = regions(&cx.patched.text);
    let positions: Vec<usize> = cx
        .patched
        .text
        .match_indices('\r')
        .map(|(i, _)| i)
        .filter(|i| region_at(&regs, *i) == Region::Code)
        .collect();
    let Some(first) = positions.first().copied() else {
        return;
    };
    let corrected = cx.patched.text.replace("\r\n", "\n").replace('\r', " ");
    let span = cx.span(rolemap_engine::Span::new(first, first + 1));
    let n = positions.len();
    cx.push(
        diag(
            "RM057",
            span,
            format!(
                "the expression contains {n} carriage return{} (`\\r`): jmespath.js rejects them (`Unknown character:\\r`), so Pangolin answers HTTP 500",
                if n == 1 { "" } else { "s" }
            ),
            "carriage return",
        )
        .with_help(format!(
            "use plain line feeds (Unix line endings): `{}`",
            corrected.trim()
        )),
    );
    for p in positions {
        cx.patched.replace(p..p + 1, " ");
    }
}

fn org_id_placeholders(cx: &mut Ctx<'_>) {
    let role = cx.opts.role;
    if role == ExprRole::Path {
        return;
    }
    loop {
        let regs = regions(&cx.patched.text);
        let mut repaired = false;
        let found: Vec<usize> = cx
            .patched
            .text
            .match_indices(ORG_ID)
            .map(|(i, _)| i)
            .collect();
        for pos in found {
            let region = region_at(&regs, pos);
            let range = pos..pos + ORG_ID.len();
            let span = cx.span(rolemap_engine::Span::new(range.start, range.end));
            match (role, region) {
                (ExprRole::RoleMapping, r) => {
                    let what = match r {
                        Region::Code => "unquoted, it does not parse (`Expecting an identifier token, got: Lbrace`)",
                        Region::Raw => "it stays the literal text `{{orgId}}`",
                        _ => "it is never replaced by the org id",
                    };
                    cx.push(
                        diag(
                            "RM030",
                            span,
                            format!("`{{{{orgId}}}}` is substituted in org mappings only, not in role mappings: {what}"),
                            "not substituted here",
                        )
                        .with_help("test the org in the org mapping (e.g. `contains(groups, '{{orgId}}')`) and yield literal role names here, e.g. `contains(groups, 'admin') && 'Admin' || 'Member'`"),
                    );
                    if r == Region::Code {
                        cx.patched.replace(range, "'{{orgId}}'");
                        repaired = true;
                        break;
                    }
                }
                (ExprRole::OrgMapping, Region::Code) => {
                    let fixed = cx.fixed(&[(
                        rolemap_engine::Span::new(range.start, range.end),
                        "'{{orgId}}'".to_string(),
                    )]);
                    let id = cx.opts.org_id.as_deref().unwrap_or("home-lab");
                    cx.push(
                        diag(
                            "RM031",
                            span,
                            format!("`{{{{orgId}}}}` is replaced by the org id as plain text before parsing: unquoted it becomes `{id}`, a field lookup or a syntax error (jmespath.js: `Expecting an identifier token, got: Lbrace`)"),
                            "needs single quotes",
                        )
                        .with_help(format!("write `'{{{{orgId}}}}'`: `{fixed}`")),
                    );
                    cx.patched.replace(range, "'{{orgId}}'");
                    repaired = true;
                    break;
                }
                (ExprRole::OrgMapping, Region::Quoted) => {
                    let qrange = pos.saturating_sub(1)..pos + ORG_ID.len() + 1;
                    if cx.patched.text.get(qrange.clone()) != Some("\"{{orgId}}\"") {
                        continue;
                    }
                    let fixed = cx.fixed(&[(
                        rolemap_engine::Span::new(qrange.start, qrange.end),
                        "'{{orgId}}'".to_string(),
                    )]);
                    let id = cx.opts.org_id.as_deref().unwrap_or("home-lab");
                    let span = cx.span(rolemap_engine::Span::new(qrange.start, qrange.end));
                    cx.push(
                        diag(
                            "RM031",
                            span,
                            format!("`\"{{{{orgId}}}}\"` in double quotes becomes the FIELD lookup `\"{id}\"` (null), not the string"),
                            "a field lookup",
                        )
                        .with_help(format!("use single quotes: `{fixed}`")),
                    );
                    cx.patched.replace(qrange, "'{{orgId}}'");
                    repaired = true;
                    break;
                }
                _ => {}
            }
        }
        if !repaired {
            break;
        }
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '/' | '.')
}

/// If the syntax error at `pos` is an unquoted key with special characters,
/// quotes it in the patched text and returns the diagnostic (help added later).
fn quote_special_key(cx: &mut Ctx<'_>, pos: usize) -> Option<crate::Diagnostic> {
    let text = cx.patched.text.clone();
    let regs = regions(&text);
    if pos < text.len() && region_at(&regs, pos) != Region::Code {
        return None;
    }
    let bytes = text.as_bytes();
    let is_key = |i: usize| bytes.get(i).is_some_and(|b| is_key_char(*b as char));
    let mut start = pos.min(text.len());
    while start > 0 && is_key(start - 1) {
        start -= 1;
    }
    let mut end = pos.min(text.len());
    while is_key(end) {
        end += 1;
    }
    // Not part of the key: a leading or trailing `.`.
    while start < end && bytes.get(start) == Some(&b'.') {
        start += 1;
    }
    while end > start && bytes.get(end - 1) == Some(&b'.') {
        end -= 1;
    }
    // Inside a (possibly unclosed) string or literal, it is no key.
    if start < text.len() && region_at(&regs, start) != Region::Code {
        return None;
    }
    let run = text.get(start..end)?;
    if run.is_empty() || !run.chars().any(|c| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let bad_segment =
        |s: &str| s.starts_with(|c: char| c.is_ascii_digit()) || s.contains(['-', ':', '/']);
    if !run.split('.').any(bad_segment) {
        return None;
    }
    let mut whole_is_key = false;
    cx.claims.visit(&mut |_, c| {
        whole_is_key = c.as_object().is_some_and(|o| o.contains_key(run));
        if whole_is_key {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let replacement = if whole_is_key || run.contains("://") || run.starts_with("urn:") {
        quoted_name(run)
    } else {
        let segs: Vec<&str> = run.split('.').collect();
        if segs.iter().any(|s| s.is_empty()) {
            return None;
        }
        segs.iter()
            .map(|s| {
                if crate::analysis::is_plain_key(s) {
                    (*s).to_string()
                } else {
                    quoted_name(s)
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    };
    if replacement == run {
        return None;
    }
    let span = cx.span(rolemap_engine::Span::new(start, end));
    let which: Vec<&str> = ['-', ':', '/']
        .into_iter()
        .filter(|c| run.contains(*c))
        .map(|c| match c {
            '-' => "`-`",
            ':' => "`:`",
            _ => "`/`",
        })
        .collect();
    let why = if which.is_empty() {
        "a name cannot start with a digit".to_string()
    } else {
        format!("{} cannot appear in an unquoted name", which.join(" and "))
    };
    let d = diag(
        "RM015",
        span,
        format!("the key in `{run}` must be written in double quotes ({why}): `{replacement}`; unquoted, the expression does not parse"),
        "needs double quotes",
    );
    cx.patched.replace(start..end, &replacement);
    Some(d)
}

/// RM058 for each `.` followed by nothing usable (`dangling`: where its
/// name was due).
fn dangling_dots(cx: &mut Ctx<'_>, dangling: &[usize]) {
    for at in dangling {
        // `a.[]`, `a.[?b]`: jmespath.js reads the `[` token after the `.` as
        // the next step, and the `.` takes nothing.
        let before_bracket = cx
            .patched
            .text
            .get(*at..)
            .is_some_and(|t| t.starts_with('['));
        let message = if before_bracket {
            "this `.` takes nothing: jmespath.js reads the `[]` or `[?` after it as the next step, accepts that when the mapping is saved, then fails (HTTP 500) for every login whose evaluation reaches it"
        } else {
            "nothing follows this `.`: jmespath.js accepts it when the mapping is saved, then fails (HTTP 500) for every login whose evaluation reaches it"
        };
        let dot = at.saturating_sub(1);
        let span = cx.span(rolemap_engine::Span::new(dot, dot + 1));
        // The `.` removed (an empty edit where it is not one).
        let end = if cx.patched.text.get(dot..dot + 1) == Some(".") {
            dot + 1
        } else {
            dot
        };
        let fixed = cx.fixed(&[(rolemap_engine::Span::new(dot, end), String::new())]);
        cx.push(
            diag("RM058", span, message.to_string(), "dangling `.`")
                .with_help(format!("remove the `.` or finish the path: `{fixed}`")),
        );
    }
}

/// Where jmespath.js and the spec disagree: lenient syntax, and answers on
/// the samples.
pub(super) fn dialects(cx: &mut Ctx<'_>, expr: &Expression) {
    // Spans of quoteless literals (their own rule explains the spec error).
    let mut quoteless = Vec::new();
    visit(expr.ast(), &mut |n| {
        if let NodeKind::Literal {
            form: LiteralForm::Json,
            value: Json::String(_),
        } = &n.kind
        {
            let inner = cx.text(n.span).trim_start_matches('`').trim_start();
            if !inner.starts_with('"') {
                quoteless.push(n.span);
            }
        }
    });
    // A `.` with nothing usable after it (an empty span where the name was
    // due), or empty `()` (the span of the parentheses): jmespath.js parses
    // both, then fails on them.
    let mut dangling = Vec::new();
    let mut empty_parens = Vec::new();
    visit(expr.ast(), &mut |n| {
        if matches!(n.kind, NodeKind::Missing) {
            if n.span.start == n.span.end {
                dangling.push(n.span.start);
            } else {
                empty_parens.push(n.span);
            }
        }
    });
    for paren in &empty_parens {
        let span = cx.span(*paren);
        cx.push(
            diag(
                "RM058",
                span,
                "these parentheses are empty: jmespath.js accepts them when the mapping is saved, then fails (HTTP 500) for every login whose evaluation reaches them".to_string(),
                "empty `()`",
            )
            .with_help("put an expression in the parentheses, or remove them".to_string()),
        );
    }
    dangling_dots(cx, &dangling);
    let spec = Expression::compile(&cx.patched.text, Dialect::Spec);
    if let Err(e) = &spec {
        let explained = quoteless
            .iter()
            .any(|s| e.span.start >= s.start && e.span.start <= s.end)
            || dangling.contains(&e.span.start)
            || empty_parens
                .iter()
                .any(|s| e.span.start >= s.start && e.span.start <= s.end);
        if e.kind == rolemap_engine::ErrorKind::Syntax && !explained {
            let canonical = print(expr.ast(), Dialect::Spec);
            let span = cx.span(e.span);
            cx.push(
                diag(
                    "RM053",
                    span,
                    format!(
                        "jmespath.js accepts this, the JMESPath spec does not: {}",
                        e.message
                    ),
                    "only jmespath.js accepts this",
                )
                .with_help(format!("write it as jmespath.js reads it: `{canonical}`")),
            );
        }
    }
    let first_difference = first_difference(cx);
    let divergence = [
        "RM050", "RM051", "RM052", "RM053", "RM054", "RM055", "RM056",
    ];
    let Some((i, js, sp)) = first_difference else {
        return;
    };
    let note = format!(
        " On sample #{} jmespath.js (Pangolin) gives {js}, the spec gives {sp}.",
        i + 1
    );
    let mut attached = false;
    for d in &mut cx.diags {
        if divergence.contains(&d.code) {
            if !d.message.ends_with('.') {
                d.message.push('.');
            }
            d.message.push_str(&note);
            if d.code == "RM054" {
                d.severity = Severity::Warning;
            }
            attached = true;
        }
    }
    if !attached {
        let len = cx.patched.text.len();
        let span = cx.span(rolemap_engine::Span::new(0, len));
        let span = Span::new(span.start, span.end);
        cx.push(diag(
            "RM059",
            span,
            format!(
                "jmespath.js (what Pangolin runs) and the JMESPath spec (jmespath.org) answer differently on sample #{}: jmespath.js gives {js}, the spec gives {sp}",
                i + 1
            ),
            "answers differ",
        )
        .with_help("test expressions with rolemap (Pangolin dialect), not on jmespath.org"));
    }
}

/// With `compare_with` (Grafana's engines): where that engine reads the
/// mapping otherwise than Pangolin's, worth a note when a mapping moves
/// from one to the other. One note: the parse error, or the first sample on
/// which the answers differ.
#[cfg(feature = "grafana")]
pub(super) fn grafana(cx: &mut Ctx<'_>) {
    let Some(target) = cx.opts.compare_with.filter(|d| *d != Dialect::Pangolin) else {
        return;
    };
    let text = match (cx.opts.role, cx.opts.org_id.as_deref()) {
        (ExprRole::OrgMapping, Some(id)) => cx.patched.text.replace(ORG_ID, id),
        _ => cx.patched.text.clone(),
    };
    let help = format!("before the mapping moves, test it with `rolemap eval --dialect {target}`");
    let whole = cx.span(rolemap_engine::Span::new(0, cx.patched.text.len()));
    let grafana = match Expression::compile(&text, target) {
        Ok(g) => g,
        Err(e) => {
            let span = if e.span.end <= cx.patched.text.len() {
                cx.span(e.span)
            } else {
                whole
            };
            let why = e.js_message.as_deref().unwrap_or(&e.message).to_string();
            cx.push(
                diag(
                    "RM060",
                    Span::new(span.start, span.end),
                    format!(
                        "{} cannot parse this mapping, which Pangolin accepts: {why}",
                        target.engine()
                    ),
                    "Grafana reads this otherwise",
                )
                .with_help(help.clone()),
            );
            return;
        }
    };
    let Ok(js) = Expression::compile(&text, Dialect::Pangolin) else {
        return;
    };
    let show = |r: Result<Json, rolemap_engine::Error>| match r {
        Ok(v) => format!("`{v}`"),
        Err(e) => format!("an error ({})", e.js_message.unwrap_or(e.message)),
    };
    // The first sample they answer differently.
    let mut differ = None;
    cx.claims.visit(&mut |i, c| {
        let a = js.search(c).map(|v| v.to_json_as(Dialect::Pangolin));
        let b = grafana.search_json(c);
        let same = match (&a, &b) {
            (Ok(x), Ok(y)) => rolemap_compliance::json_equal(x, y),
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if same {
            return ControlFlow::Continue(());
        }
        differ = Some((i, show(a), show(b)));
        ControlFlow::Break(())
    });
    if let Some((i, a, b)) = differ {
        cx.push(
            diag(
                "RM060",
                Span::new(whole.start, whole.end),
                format!(
                    "Pangolin and {} answer differently on sample #{}: Pangolin gives {a}, {target} gives {b}",
                    target.engine(),
                    i + 1,
                ),
                "Grafana answers otherwise",
            )
            .with_help(help),
        );
    }
}

/// (sample index, jmespath.js answer, spec answer) of the first sample
/// they differ on.
fn first_difference(cx: &Ctx<'_>) -> Option<(usize, String, String)> {
    let text = match (cx.opts.role, cx.opts.org_id.as_deref()) {
        (ExprRole::OrgMapping, Some(id)) => cx.patched.text.replace(ORG_ID, id),
        _ => cx.patched.text.clone(),
    };
    let (Ok(js), Ok(spec)) = (
        Expression::compile(&text, Dialect::Pangolin),
        Expression::compile(&text, Dialect::Spec),
    ) else {
        return None;
    };
    let show = |r: Result<Json, rolemap_engine::Error>| match r {
        Ok(v) => format!("`{v}`"),
        Err(e) => format!("an error ({})", e.kind),
    };
    let mut out = None;
    cx.claims.visit(&mut |i, c| {
        let a = js
            .search(c)
            .map(|v| (v.to_json_as(Dialect::Pangolin), v.kind()));
        let b = spec.search_json(c);
        let same = match (&a, &b) {
            (Ok((x, kind)), Ok(y)) => {
                rolemap_compliance::json_equal(x, y)
                    && !matches!(
                        kind,
                        rolemap_engine::ValueKind::Function | rolemap_engine::ValueKind::Undefined
                    )
            }
            (Err(x), Err(y)) => x.kind == y.kind,
            _ => false,
        };
        if !same {
            let a_text = match js.search(c) {
                Ok(v) if v.is_json_undefined() => format!(
                    "`{}` (a JavaScript {})",
                    v.to_json_as(Dialect::Pangolin),
                    v.kind().name()
                ),
                Ok(v) => format!("`{}`", v.to_json_as(Dialect::Pangolin)),
                Err(e) => format!("an error ({})", e.kind),
            };
            out = Some((i, a_text, show(b)));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    out
}
