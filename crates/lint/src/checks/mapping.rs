//! Rules on what the whole expression yields, by what it is for: role
//! names, org matches, identifier/email strings.

use rolemap_engine::{Node, NodeKind};
use rolemap_sorted::SortedSet;
use serde_json::Value as Json;

use super::{diag, visit, Ctx};
use crate::analysis::{Abs, Analysis};
use crate::options::{Edition, ExprRole};
use crate::text::{did_you_mean, raw_string};
use crate::Severity;

pub(super) fn check(cx: &mut Ctx<'_>, ast: &Node, a: &Analysis) {
    match cx.opts.role {
        ExprRole::RoleMapping => role_mapping(cx, ast, &a.value),
        ExprRole::OrgMapping => org_mapping(cx, ast, &a.value),
        ExprRole::Path => path(cx, ast, &a.value),
    }
}

/// The role names (literal strings) a value can hold, as string or array elements.
fn role_names(v: &Abs) -> SortedSet<String> {
    let mut out = SortedSet::new();
    if let Some(s) = v.known_strings() {
        out.extend(s.iter().cloned());
    }
    if let Some(e) = v.array.as_ref().and_then(|x| x.elements.as_ref()) {
        if let Some(s) = e.known_strings() {
            out.extend(s.iter().cloned());
        }
    }
    // `extend`, not `collect`: see the module docs of `analysis`.
    let mut names = SortedSet::new();
    names.extend(
        out.iter()
            .filter(|s| is_role_name(s))
            .map(|s| rolemap_js::js_trim(s).to_string()),
    );
    names
}

/// Whether Pangolin keeps `s` as a role name: not blank once trimmed as
/// JavaScript trims.
fn is_role_name(s: &str) -> bool {
    !rolemap_js::js_trim(s).is_empty()
}

/// Whether some value of `v` normalizes to at least one role name: a
/// string that is not blank, or an array that may hold one.
fn may_give_role_name(v: &Abs) -> bool {
    let named = |x: &Abs| match x.known_strings() {
        Some(known) => known.iter().any(|s| is_role_name(s)),
        None => x.may_be_string(),
    };
    named(v)
        || v.array
            .as_ref()
            .is_some_and(|a| a.may_be_nonempty && a.elements.as_ref().is_none_or(named))
}

/// The literal nodes whose string value is `s`.
fn literals_of<'n>(ast: &'n Node, s: &str) -> Vec<&'n Node> {
    let mut out = Vec::new();
    visit(ast, &mut |n| {
        if let NodeKind::Literal {
            value: Json::String(v),
            ..
        } = &n.kind
        {
            if rolemap_js::js_trim(v) == s {
                out.push(n);
            }
        }
    });
    out
}

/// Whether the mapping ends in `|| []` (the builder's "no roles").
fn explicit_no_roles(ast: &Node) -> bool {
    match &ast.kind {
        NodeKind::Or(_, r) => {
            matches!(
                &r.kind,
                NodeKind::Projection { kind: rolemap_engine::ast::ProjectionKind::Flatten, lhs, rhs }
                    if matches!(lhs.kind, NodeKind::Identity) && matches!(rhs.kind, NodeKind::Identity)
            ) || explicit_no_roles(r)
        }
        _ => false,
    }
}

fn fallback_role(cx: &Ctx<'_>, yielded: &SortedSet<String>) -> String {
    match &cx.opts.roles {
        Some(roles) => roles
            .iter()
            .find(|r| r.as_str() == "Member")
            .or_else(|| roles.iter().find(|r| !yielded.contains(r.as_str())))
            .cloned()
            .unwrap_or_else(|| "Member".to_string()),
        None => "Member".to_string(),
    }
}

fn role_mapping(cx: &mut Ctx<'_>, ast: &Node, v: &Abs) {
    let yielded = role_names(v);
    let fallback = fallback_role(cx, &yielded);
    let and_reported = no_fallback(cx, ast, v, &fallback);
    not_role_names(cx, ast, v, &fallback, and_reported);
    never_a_role_name(cx, ast, v, &fallback);
    roles_the_org_lacks(cx, ast, &yielded);
    several_roles_on_oss(cx, ast, v, &yielded);
}

/// RM020: `a && 'Role'` without a fallback.
fn no_fallback(cx: &mut Ctx<'_>, ast: &Node, v: &Abs, fallback: &str) -> bool {
    let text = cx.patched.text.trim().to_string();
    let whole = cx.span(ast.span);
    let reported = matches!(ast.kind, NodeKind::And(..)) && v.may_be_falsy();
    if reported {
        cx.push(
            diag(
                "RM020",
                whole,
                "`&&` with no `||` fallback: when the condition is false the mapping yields false or null, the user gets no role and the org is skipped".to_string(),
                "no fallback",
            )
            .with_help(format!("add a fallback role: `{text} || {}`", raw_string(fallback))),
        );
    }
    reported
}

/// RM021: values that are not role names.
/// Without samples, a claim can be anything: only what the expression
/// itself decides is reported.
fn not_role_names(cx: &mut Ctx<'_>, ast: &Node, v: &Abs, fallback: &str, and_reported: bool) {
    let text = cx.patched.text.trim().to_string();
    let whole = cx.span(ast.span);
    let unknown =
        |x: &Abs| !cx.has_claims() && x.number && x.object.is_some() && (x.true_ || x.false_);
    if !v.is_any_json() && !v.is_nothing() && !unknown(v) {
        let mut kinds = v.non_string_kinds();
        kinds.retain(|k| *k != "array");
        if explicit_no_roles(ast) {
            // `... || []`: null (the flatten of a non-array) means "no roles" on purpose.
            kinds.retain(|k| *k != "null");
        }
        if and_reported && !v.true_ && !v.number && v.object.is_none() {
            kinds.retain(|k| !matches!(*k, "null" | "boolean"));
        }
        let mut elem_kinds = Vec::new();
        if let Some(e) = v.array.as_ref().and_then(|x| x.elements.as_ref()) {
            if !e.is_any_json() && !unknown(e) {
                elem_kinds = e.non_string_kinds();
            }
        }
        if !kinds.is_empty() || !elem_kinds.is_empty() {
            let mut what = Vec::new();
            if !kinds.is_empty() {
                what.push(format!(
                    "it can yield {} (then the user gets no role and the org is skipped)",
                    kinds.join(" or ")
                ));
            }
            if !elem_kinds.is_empty() {
                what.push(format!(
                    "its arrays can hold {} (dropped: only string elements are role names, nested arrays are not flattened)",
                    elem_kinds.join(" or ")
                ));
            }
            let condition_only = (v.true_ || v.false_) && v.without_bools_and_null().is_nothing();
            let help = if condition_only {
                let cond = if matches!(ast.kind, NodeKind::Or(..) | NodeKind::Pipe(..)) {
                    format!("({text})")
                } else {
                    text.clone()
                };
                let admin = cx
                    .opts
                    .roles
                    .as_ref()
                    .and_then(|r| r.first().cloned())
                    .unwrap_or_else(|| "Admin".to_string());
                format!(
                    "turn the condition into role names: `{cond} && {} || {}`",
                    raw_string(&admin),
                    raw_string(fallback)
                )
            } else {
                "yield a role name (a string) or an array of strings, e.g. `... && 'Admin' || 'Member'`".to_string()
            };
            cx.push(
                diag(
                    "RM021",
                    whole,
                    format!(
                        "a role mapping must yield a role name or an array of role names: {}",
                        what.join("; ")
                    ),
                    format!("yields {v}"),
                )
                .with_help(help),
            );
        }
    }
}

/// RM024: strings or arrays of strings, but never a role name among
/// them (blank strings and empty arrays are no roles once trimmed).
/// Arrays that hold no strings at all are RM021's.
fn never_a_role_name(cx: &mut Ctx<'_>, ast: &Node, v: &Abs, fallback: &str) {
    let whole = cx.span(ast.span);
    let blank_arrays = v
        .array
        .as_ref()
        .is_some_and(|a| !a.may_be_nonempty || a.elements.as_ref().is_none_or(Abs::may_be_string));
    if (v.may_be_string() || blank_arrays) && !may_give_role_name(v) {
        let when = if cx.has_claims() {
            "at the login of every sample"
        } else {
            "at every login"
        };
        cx.push(
            diag(
                "RM024",
                whole,
                format!("this role mapping never gives a role name: blank strings and empty arrays are no roles (Pangolin trims role names), so the org is skipped {when} (`Role mapping returned no valid roles`)"),
                format!("yields {v}"),
            )
            .with_help(format!(
                "yield a role name, e.g. `{}`",
                raw_string(fallback)
            )),
        );
    }
}

/// RM022: role names the org lacks.
fn roles_the_org_lacks(cx: &mut Ctx<'_>, ast: &Node, yielded: &SortedSet<String>) {
    let whole = cx.span(ast.span);
    if let Some(roles) = cx.opts.roles.clone() {
        for name in yielded.iter() {
            if roles.iter().any(|r| r == name) {
                continue;
            }
            let nodes = literals_of(ast, name);
            let span = nodes.first().map_or(whole, |n| cx.span(n.span));
            let case = roles.iter().find(|r| r.eq_ignore_ascii_case(name));
            let near = case
                .map(String::as_str)
                .or_else(|| did_you_mean(name, roles.iter().map(String::as_str)));
            let (msg, sev) = match case {
                Some(r) => (
                    format!("the org has no role `{name}`, only `{r}`: role names are matched exactly, case included, so this role is never assigned"),
                    Severity::Error,
                ),
                None => (
                    format!("the org has no role `{name}` (roles: {}): it is silently ignored", roles.join(", ")),
                    Severity::Warning,
                ),
            };
            let mut d = diag("RM022", span, msg, "no such role").with_severity(sev);
            if let Some(r) = near {
                let edits: Vec<_> = nodes.iter().map(|n| (n.span, raw_string(r))).collect();
                d = d.with_help(format!(
                    "use the exact role name `{r}`: `{}`",
                    cx.fixed(&edits)
                ));
            } else {
                d = d.with_help(format!(
                    "create the role `{name}` in the org, or yield one of: {}",
                    roles.join(", ")
                ));
            }
            cx.push(d);
        }
    }
}

/// RM023: several roles on the open-source build.
fn several_roles_on_oss(cx: &mut Ctx<'_>, ast: &Node, v: &Abs, yielded: &SortedSet<String>) {
    let whole = cx.span(ast.span);
    if cx.opts.edition == Edition::Oss {
        if let Some(arr) = &v.array {
            let several = arr.may_be_nonempty
                && arr.max_len.is_none_or(|m| m > 1)
                && arr
                    .elements
                    .as_ref()
                    .is_some_and(|e| match e.known_strings() {
                        // Blank names are dropped: they are not roles.
                        Some(s) => s.iter().filter(|s| is_role_name(s)).count() > 1,
                        None => e.may_be_string() && !e.is_any_json(),
                    });
            if several {
                let names: Vec<String> = yielded.iter().take(4).map(|s| format!("`{s}`")).collect();
                let eg = if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", names.join(", "))
                };
                cx.push(
                    diag(
                        "RM023",
                        whole,
                        format!("the mapping can yield several role names{eg}, but the open-source build keeps only the FIRST one"),
                        "several roles",
                    )
                    .with_help("put the most important role first, or yield one string, e.g. `contains(groups, 'admin') && 'Admin' || 'Member'` (enterprise and cloud keep them all)"),
                );
            }
        }
    }
}

fn org_mapping(cx: &mut Ctx<'_>, ast: &Node, v: &Abs) {
    let text = cx.patched.text.trim().to_string();
    let whole = cx.span(ast.span);
    let org_id = cx.opts.org_id.clone();
    if text == "'{{orgId}}'" {
        let scope = if cx.opts.edition == Edition::Cloud {
            "every organization linked to this IdP"
        } else {
            "EVERY organization of the server"
        };
        cx.push(
            diag(
                "RM032",
                whole,
                format!("`'{{{{orgId}}}}'` alone yields the org id for every org, so this IdP's users join {scope}"),
                "matches every org",
            )
            .with_help("to filter, test a claim, e.g. `contains(groups, '{{orgId}}')`"),
        );
        return;
    }
    if let (
        NodeKind::Literal {
            value: Json::String(_),
            ..
        },
        Some(id),
    ) = (&ast.kind, &org_id)
    {
        let s = v
            .known_strings()
            .and_then(|s| s.iter().next().cloned())
            .unwrap_or_default();
        if &s != id {
            cx.push(
                diag(
                    "RM034",
                    whole,
                    format!("the org mapping is the constant {}, not this org's id `{id}`: the org never matches (the id is compared exactly)", Json::from(s.as_str())),
                    "never this org",
                )
                .with_help(format!("`{}` (or `'{{{{orgId}}}}'` for every org)", raw_string(id))),
            );
            return;
        }
    }
    let t = v.truthy();
    let mut bad: Vec<String> = Vec::new();
    if t.number {
        bad.push("a number".into());
    }
    if t.array.is_some() {
        bad.push("a non-empty array".into());
    }
    if t.object.is_some() {
        bad.push("an object".into());
    }
    if t.function || t.undefined {
        bad.push("a JavaScript function or undefined".into());
    }
    if let (Some(strings), Some(id)) = (t.known_strings(), &org_id) {
        let others: Vec<String> = strings
            .iter()
            .filter(|s| *s != id)
            .map(|s| Json::from(s.as_str()).to_string())
            .collect();
        if !others.is_empty() {
            bad.push(format!("the string {}", others.join(" or ")));
        }
    }
    if v.is_any_json() || bad.is_empty() {
        return;
    }
    let id_text = org_id
        .as_deref()
        .map_or("the org id".to_string(), |i| format!("the org id `{i}`"));
    cx.push(
        diag(
            "RM033",
            whole,
            format!(
                "the org mapping can yield {}: truthy, but neither `true` nor {id_text}, so Pangolin treats it as \"not this org\"",
                bad.join(" or ")
            ),
            format!("yields {v}"),
        )
        .with_help(format!("yield a boolean: `!!({text})`")),
    );
}

fn path(cx: &mut Ctx<'_>, ast: &Node, v: &Abs) {
    if v.is_any_json() || v.is_nothing() {
        return;
    }
    let falsy = v.falsy();
    let truthy_non_string = Abs {
        strings: crate::analysis::Strings::None,
        ..v.truthy()
    };
    let mut parts = Vec::new();
    if !falsy.is_nothing() {
        parts.push(format!(
            "{falsy}: the identifier is \"not found\" (HTTP 400 `User identifier not found in the ID token`; an email path gives no email)"
        ));
    }
    if !truthy_non_string.is_nothing() {
        parts.push(format!(
            "{truthy_non_string}: `.toLowerCase()` fails, HTTP 500 at login"
        ));
    }
    if parts.is_empty() {
        return;
    }
    let whole = cx.span(ast.span);
    let text = cx.patched.text.trim().to_string();
    let help = if v.array.is_some() {
        format!("pick one string, e.g. `{text}[0]`, or use a string claim such as `email`")
    } else {
        "use a claim every token has as a string: `sub`, `email` or `preferred_username`"
            .to_string()
    };
    cx.push(
        diag(
            "RM040",
            whole,
            format!(
                "an identifier/email path must yield a non-empty string; this one can yield {}",
                parts.join("; ")
            ),
            format!("yields {v}"),
        )
        .with_help(help),
    );
}

impl Abs {
    fn without_bools_and_null(&self) -> Abs {
        Abs {
            null: false,
            true_: false,
            false_: false,
            ..self.clone()
        }
    }
}
