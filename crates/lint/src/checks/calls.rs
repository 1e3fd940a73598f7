//! Rules over the tree: functions and their arguments, strings that are
//! field lookups, claims, literals, and jmespath.js quirks.

use rolemap_engine::ast::LiteralForm;
use rolemap_engine::{functions, signature, Node, NodeKind, ParamType};
use serde_json::Value as Json;

use super::{diag, has_field, key, samples_where, Ctx};
use crate::analysis::{Abs, Analysis, PROTOTYPE_NAMES};
use crate::options::ExprRole;
use crate::text::{did_you_mean, quoted_name, raw_string};
use crate::Severity;

pub(super) fn check(cx: &mut Ctx<'_>, ast: &Node, a: &Analysis) {
    let results = result_positions(ast, cx.opts.role);
    let mut nodes = Vec::new();
    collect(ast, &mut nodes);
    for n in &nodes {
        match &n.kind {
            NodeKind::Call {
                name,
                name_span,
                args,
                ..
            } => {
                function_exists(cx, n, name, *name_span, args);
                string_args(cx, name, args, a);
                type_issues(cx, ast, n, name, args, a);
                quirks(cx, n, name, args, a);
            }
            NodeKind::Compare { op, lhs, rhs } => {
                for (side, other) in [(lhs, rhs), (rhs, lhs)] {
                    if is_literalish(other) || matches!(other.kind, NodeKind::Field { .. }) {
                        double_quoted(cx, side, a, "compared");
                    }
                }
                if op.is_ordering() {
                    ordering(cx, n, lhs, rhs, a);
                }
            }
            NodeKind::Literal { value, form } => literal(cx, n, value, *form),
            NodeKind::Field { name, .. } => {
                if results.binary_search(&key(n)).is_ok() {
                    double_quoted(cx, n, a, "yielded");
                }
                prototype(cx, n, name, a);
                unknown_claim(cx, n, name, a);
            }
            _ => {}
        }
    }
}

fn collect<'n>(n: &'n Node, out: &mut Vec<&'n Node>) {
    out.push(n);
    n.for_each_child(|c| collect(c, out));
}

fn is_literalish(n: &Node) -> bool {
    matches!(n.kind, NodeKind::Literal { .. })
}

/// The nodes whose value is the mapping's result, sorted (a node once).
fn result_positions(root: &Node, role: ExprRole) -> Vec<usize> {
    let mut out = Vec::new();
    if role == ExprRole::Path {
        return out;
    }
    fn walk(n: &Node, out: &mut Vec<usize>) {
        out.push(key(n));
        match &n.kind {
            NodeKind::And(_, r) | NodeKind::Pipe(_, r) => walk(r, out),
            NodeKind::Or(l, r) => {
                walk(l, out);
                walk(r, out);
            }
            NodeKind::MultiList(items) => items.iter().for_each(|i| walk(i, out)),
            NodeKind::Projection { lhs, .. } => walk(lhs, out),
            _ => {}
        }
    }
    walk(root, &mut out);
    out.sort_unstable();
    out
}

fn function_exists(
    cx: &mut Ctx<'_>,
    n: &Node,
    name: &str,
    name_span: rolemap_engine::Span,
    args: &[Node],
) {
    let Some(sig) = signature(name) else {
        let near = functions()
            .map(|s| s.name)
            .find(|s| s.replace('_', "") == name.replace('_', "").to_ascii_lowercase())
            .or_else(|| did_you_mean(name, functions().map(|s| s.name)));
        let span = cx.span(name_span);
        let mut d = diag(
            "RM002",
            span,
            format!(
                "there is no function `{name}()`; jmespath.js raises `Unknown function: {name}()` when the call is reached (HTTP 500)"
            ),
            "unknown function",
        );
        d = match near {
            Some(s) => d.with_help(format!(
                "did you mean `{s}`? `{}`",
                cx.fixed(&[(name_span, s.to_string())])
            )),
            None => d.with_help(format!(
                "the functions are: {}",
                functions().map(|s| s.name).collect::<Vec<_>>().join(", ")
            )),
        };
        cx.push(d);
        return;
    };
    let fixed = sig.params.len();
    let bad = if sig.variadic {
        args.len() < fixed
    } else {
        args.len() != fixed
    };
    if bad {
        let params: Vec<String> = sig
            .params
            .iter()
            .map(|p| p.iter().map(|t| t.js_name()).collect::<Vec<_>>().join("|"))
            .collect();
        let plural = if fixed == 1 { "argument" } else { "arguments" };
        let least = if sig.variadic { "at least " } else { "" };
        let span = cx.span(n.span);
        cx.push(
            diag(
                "RM003",
                span,
                format!(
                    "{name}() takes {least}{fixed} {plural} but got {} (jmespath.js: `ArgumentError: {name}() takes {least}{fixed} {plural} but received {}`)",
                    args.len(),
                    args.len()
                ),
                "wrong number of arguments",
            )
            .with_help(format!(
                "call it as `{name}({}{})`",
                params.join(", "),
                if sig.variadic { ", ..." } else { "" }
            )),
        );
    }
}

/// `"admin"` where a string is expected: a field lookup.
fn double_quoted(cx: &mut Ctx<'_>, n: &Node, a: &Analysis, how: &str) {
    let NodeKind::Field { name, quoted: true } = &n.kind else {
        return;
    };
    if cx.flagged.contains(&key(n)) {
        return;
    }
    let facts = a.facts(n);
    let exists = facts.is_some_and(|f| f.found);
    if exists {
        return;
    }
    if !cx.has_claims() && (name.contains(':') || name.contains('/')) {
        // Looks like a namespaced claim name, not a value.
        return;
    }
    cx.flagged.insert(key(n));
    let lit = raw_string(name);
    let fix = cx.fixed(&[(n.span, lit.clone())]);
    let span = cx.span(n.span);
    cx.push(
        diag(
            "RM010",
            span,
            format!(
                "`\"{name}\"` in double quotes is a FIELD lookup (the claim named `{name}`), not a string: it is null{}, so the value {how} here is not `{name}`",
                if cx.has_claims() { " in every sample" } else { "" }
            ),
            "a field lookup, not a string",
        )
        .with_help(format!("write the string in single quotes, {lit}: `{fix}`")),
    );
}

/// Second arguments of string tests that are double-quoted.
fn string_args(cx: &mut Ctx<'_>, name: &str, args: &[Node], a: &Analysis) {
    if matches!(name, "contains" | "starts_with" | "ends_with") {
        if let Some(arg) = args.get(1) {
            double_quoted(cx, arg, a, "searched for");
        }
    }
}

fn default_for(types: &[ParamType]) -> &'static str {
    let arrays = [
        ParamType::Array,
        ParamType::ArrayString,
        ParamType::ArrayNumber,
    ];
    if types.iter().any(|t| arrays.contains(t)) {
        return "`[]`";
    }
    match types.first() {
        Some(ParamType::String) => "''",
        Some(ParamType::Number) => "`0`",
        Some(ParamType::Object) => "`{}`",
        Some(ParamType::Boolean) => "`false`",
        _ => "`[]`",
    }
}

fn type_issues(cx: &mut Ctx<'_>, ast: &Node, n: &Node, name: &str, args: &[Node], a: &Analysis) {
    let Some(facts) = a.facts(n) else { return };
    let Some(sig) = signature(name) else { return };
    let issues = facts.type_issues.clone();
    // A few issues per call: a list is the set.
    let mut seen = Vec::new();
    for issue in issues {
        if seen.contains(&(issue.arg, issue.null)) {
            continue;
        }
        seen.push((issue.arg, issue.null));
        let Some(arg) = args.get(issue.arg) else {
            continue;
        };
        let types = sig
            .params
            .get(issue.arg.min(sig.params.len().saturating_sub(1)))
            .copied()
            .unwrap_or(&[]);
        let expected: Vec<&str> = types.iter().map(|t| t.human()).collect();
        let arg_text = cx.text(arg.span).to_string();
        let value = a.facts(arg).map(|f| f.value.clone()).unwrap_or_default();
        if issue.null && has_field(arg) {
            let samples = samples_where(cx, ast, |s| {
                s.facts(n)
                    .is_some_and(|f| f.type_issues.iter().any(|t| t.arg == issue.arg && t.null))
            });
            let (why, sev) = if cx.has_claims() {
                (
                    format!("it is missing (null) in {}", samples.text()),
                    Severity::Error,
                )
            } else {
                (
                    "no sample claims were given, and a claim is missing whenever the IdP does not release it (e.g. a scope such as `groups` not requested)".to_string(),
                    Severity::Warning,
                )
            };
            let dflt = default_for(types);
            let fix = cx.fixed(&[(arg.span, format!("{arg_text} || {dflt}"))]);
            let span = cx.span(arg.span);
            cx.push(
                diag(
                    "RM012",
                    span,
                    format!(
                        "`{arg_text}` may be missing: {why}. Then {name}() raises a type error (expects {}, got null) and the WHOLE login fails with HTTP 500 instead of falling through to `||`",
                        expected.join(" or ")
                    ),
                    "may be null",
                )
                .with_severity(sev)
                .with_help(format!("give a default: `{fix}`")),
            );
        }
        let rejected = {
            let mut v = value.clone();
            v.null = false;
            v
        };
        let non_null_rejected = issue.rejected.split(" | ").any(|p| p != "null");
        if non_null_rejected && cx.known(arg) && !rejected.is_nothing() {
            let span = cx.span(arg.span);
            let shown = issue
                .rejected
                .split(" | ")
                .filter(|p| *p != "null")
                .collect::<Vec<_>>()
                .join(" | ");
            let mut d = diag(
                "RM013",
                span,
                format!(
                    "{name}() expects argument {} to be {}, but `{arg_text}` can be {shown}: a type error, HTTP 500 at login",
                    issue.arg + 1,
                    expected.join(" or ")
                ),
                "wrong type",
            );
            if !issue.always {
                d = d.with_severity(Severity::Warning);
            }
            cx.push(d.with_help(format!(
                "pass {} (check the claim's shape in the ID token)",
                expected.join(" or ")
            )));
        }
    }
}

fn quirks(cx: &mut Ctx<'_>, n: &Node, name: &str, args: &[Node], a: &Analysis) {
    let value_of = |i: usize| {
        args.get(i)
            .and_then(|x| a.facts(x))
            .map(|f| f.value.clone())
    };
    match name {
        "contains" => {
            let (Some(subject), Some(search)) = (args.first(), args.get(1)) else {
                return;
            };
            let v = value_of(0).unwrap_or_default();
            if v.may_be_string() && cx.known(subject) {
                let s = cx.text(subject.span).to_string();
                let t = cx.text(search.span).to_string();
                let fix = cx.fixed(&[(n.span, format!("{s} == {t}"))]);
                let span = cx.span(subject.span);
                let example = v
                    .known_strings()
                    .and_then(|k| k.iter().next().cloned())
                    .map(|k| format!(" (`{}`)", Json::from(k)))
                    .unwrap_or_default();
                cx.push(
                    diag(
                        "RM014",
                        span,
                        format!("`{s}` can be a string{example}: contains() on a string is a SUBSTRING test (`contains('superadmins', 'admin')` is true)"),
                        "a string, not a list",
                    )
                    .with_help(format!("compare the whole value: `{fix}` (or use a claim that is an array of groups)")),
                );
            }
        }
        "starts_with" => {
            let (Some(subject), Some(prefix)) = (args.first(), args.get(1)) else {
                return;
            };
            let s = cx.text(subject.span).to_string();
            let reversed = match &prefix.kind {
                NodeKind::Literal {
                    value: Json::String(p),
                    ..
                } => raw_string(&p.chars().rev().collect::<String>()),
                _ => format!("reverse({})", cx.text(prefix.span)),
            };
            let fix = cx.fixed(&[(n.span, format!("ends_with(reverse({s}), {reversed})"))]);
            let confirmed = match (value_of(0), value_of(1)) {
                (Some(sv), Some(pv)) => match (sv.known_strings(), pv.known_strings()) {
                    (Some(ss), Some(ps)) => ss.iter().find_map(|x| {
                        ps.iter()
                            .find(|p| x.starts_with(p.as_str()) && x.rfind(p.as_str()) != Some(0))
                            .map(|p| (x.clone(), p.clone()))
                    }),
                    _ => None,
                },
                _ => None,
            };
            let (msg, sev) = match confirmed {
                Some((x, p)) => (
                    format!("jmespath.js's starts_with() is true only if the LAST occurrence of the prefix is at the start: `starts_with({}, {})` is false in Pangolin (true in the spec)", raw_string(&x), raw_string(&p)),
                    Severity::Warning,
                ),
                None => (
                    "jmespath.js's starts_with() is true only if the LAST occurrence of the prefix is at the start (`starts_with('abab', 'ab')` is false): it fails when the prefix occurs again later in the value".to_string(),
                    Severity::Info,
                ),
            };
            let span = cx.span(n.span);
            cx.push(
                diag("RM054", span, msg, "checks the last occurrence")
                    .with_severity(sev)
                    .with_help(format!(
                        "test the end of the reversed string instead: `{fix}`"
                    )),
            );
        }
        "sort" => {
            let Some(arg) = args.first() else { return };
            let v = value_of(0).unwrap_or_default();
            let numbers = v
                .array
                .as_ref()
                .is_some_and(|x| x.elements.as_ref().is_some_and(|e| e.number));
            if numbers && cx.known(arg) {
                let fix = cx.fixed(&[(n.span, format!("sort_by({}, &@)", cx.text(arg.span)))]);
                let span = cx.span(n.span);
                cx.push(
                    diag(
                        "RM056",
                        span,
                        "jmespath.js sorts numbers by their string forms (`sort([10, 9, 1])` is `[1, 10, 9]`); the spec sorts them numerically".to_string(),
                        "string order",
                    )
                    .with_help(format!("sort_by compares numbers as numbers: `{fix}`")),
                );
            }
        }
        _ => {}
    }
}

fn ordering(cx: &mut Ctx<'_>, n: &Node, lhs: &Node, rhs: &Node, a: &Analysis) {
    let value = |x: &Node| a.facts(x).map(|f| f.value.clone()).unwrap_or_default();
    let non_number = |x: &Node| {
        let v = value(x);
        cx.known(x)
            && !Abs {
                number: false,
                null: false,
                ..v.clone()
            }
            .is_nothing()
    };
    let (l, r) = (non_number(lhs), non_number(rhs));
    if !l && !r {
        return;
    }
    let mut edits = Vec::new();
    for (side, bad) in [(lhs, l), (rhs, r)] {
        if !bad {
            continue;
        }
        let t = cx.text(side.span).to_string();
        let repl = match &side.kind {
            NodeKind::Literal {
                value: Json::String(s),
                ..
            } if rolemap_js::number::is_rust_float(s.trim()) => format!("`{}`", s.trim()),
            _ => format!("to_number({t})"),
        };
        edits.push((side.span, repl));
    }
    let fix = cx.fixed(&edits);
    let kinds = [lhs, rhs]
        .iter()
        .map(|x| value(x).to_string())
        .collect::<Vec<_>>()
        .join("` and `");
    let span = cx.span(n.span);
    cx.push(
        diag(
            "RM050",
            span,
            format!("ordering comparison of `{kinds}`: jmespath.js compares non-numbers with JavaScript rules (strings by code units: `'10' < '9'` is true, `null < 1` is true), the spec gives null"),
            "not numbers",
        )
        .with_help(format!("compare numbers: `{fix}`")),
    );
}

fn literal(cx: &mut Ctx<'_>, n: &Node, value: &Json, form: LiteralForm) {
    let src = cx.text(n.span).to_string();
    match (form, value) {
        (LiteralForm::Json, Json::String(s)) => {
            let inner = src.trim_start_matches('`').trim_start();
            if inner.starts_with('"') {
                return;
            }
            let lit = raw_string(s);
            let fix = cx.fixed(&[(n.span, lit.clone())]);
            let span = cx.span(n.span);
            cx.push(
                diag(
                    "RM051",
                    span,
                    format!("the literal {src} is not JSON: jmespath.js reads it as the string {} (a legacy \"quoteless literal\"), the spec rejects it", Json::from(s.as_str())),
                    "not JSON",
                )
                .with_help(format!("write the string as {lit}: `{fix}`")),
            );
        }
        (LiteralForm::Raw, Json::String(s)) => {
            if src.matches("\\'").count() < 2 {
                return;
            }
            let inner = src.get(1..src.len().saturating_sub(1)).unwrap_or("");
            let intended = inner.replace("\\'", "'");
            let lit = raw_string(&intended);
            let fix = cx.fixed(&[(n.span, lit.clone())]);
            let span = cx.span(n.span);
            cx.push(
                diag(
                    "RM052",
                    span,
                    format!(
                        "jmespath.js unescapes only the first `\\'`: this string is {} in Pangolin, not {}",
                        Json::from(s.as_str()),
                        Json::from(intended.as_str())
                    ),
                    "second `\\'` kept",
                )
                .with_help(format!("use a JSON literal: `{fix}`")),
            );
        }
        _ => {}
    }
}

fn prototype(cx: &mut Ctx<'_>, n: &Node, name: &str, a: &Analysis) {
    if !PROTOTYPE_NAMES.contains(&name) {
        return;
    }
    let facts = a.facts(n);
    if facts.is_some_and(|f| f.found && !f.may_be_absent) {
        return;
    }
    cx.flagged.insert(key(n));
    let what = if name == "__proto__" {
        "an empty object `{}`"
    } else {
        "a JavaScript function (no JSON value, but TRUTHY)"
    };
    let t = cx.text(n.span).to_string();
    let fix = cx.fixed(&[(n.span, format!("(type({t}) == 'string' && {t} || null)"))]);
    let span = cx.span(n.span);
    cx.push(
        diag(
            "RM055",
            span,
            format!("`{name}` is a member of JavaScript's Object.prototype: when the claim is absent jmespath.js gives {what}, the spec gives null"),
            "Object.prototype member",
        )
        .with_help(format!("check that it is a real claim value first: `{fix}`")),
    );
}

fn unknown_claim(cx: &mut Ctx<'_>, n: &Node, name: &str, a: &Analysis) {
    if !cx.has_claims() || cx.flagged.contains(&key(n)) {
        return;
    }
    let Some(f) = a.facts(n) else { return };
    if f.found || f.open || !f.may_be_absent || f.input.object.is_none() {
        return;
    }
    let keys: Vec<&str> = f.siblings.iter().map(String::as_str).collect();
    // A key containing dots written unquoted: `a.b` for the claim "a.b".
    let rest = cx.patched.text.get(n.span.start..).unwrap_or("");
    let dotted = keys
        .iter()
        .filter(|k| k.starts_with(&format!("{name}.")) && rest.starts_with(**k))
        .max_by_key(|k| k.len());
    let span = cx.span(n.span);
    let place = if f.at_root {
        "every sample token"
    } else {
        "the sample objects it is looked up in"
    };
    let mut d = diag(
        "RM011",
        span,
        format!("`{name}` is absent from {place}, so it is always null there"),
        "not in the samples",
    );
    if let Some(k) = dotted {
        let range = rolemap_engine::Span::new(n.span.start, n.span.start + k.len());
        let fix = cx.fixed(&[(range, quoted_name(k))]);
        d = d.with_help(format!(
            "the claim `{k}` has dots in its name; quote it whole: `{fix}`"
        ));
    } else if let Some(near) = did_you_mean(name, keys.iter().copied()) {
        let repl = if crate::analysis::is_plain_key(near) {
            near.to_string()
        } else {
            quoted_name(near)
        };
        let fix = cx.fixed(&[(n.span, repl)]);
        d = d.with_help(format!("did you mean `{near}`? `{fix}`"));
    } else if !keys.is_empty() {
        let shown: Vec<&str> = keys.iter().take(12).copied().collect();
        d = d.with_help(format!(
            "the samples have: {}{} (claims from userinfo or the access token are not visible to Pangolin)",
            shown.join(", "),
            if keys.len() > shown.len() { ", ..." } else { "" }
        ));
    }
    cx.push(d);
}
