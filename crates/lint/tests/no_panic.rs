//! Malformed input never panics: lint, analysis and rendering.

use rolemap_engine::{Dialect, Expression};
use rolemap_escape as controls;
use rolemap_lint::{
    lint, render, Edition, ExprRole, GrafanaOptions, LintOptions, Severity, Target,
};
use serde_json::json;

const INPUTS: &[&str] = &[
    "",
    " ",
    "\r",
    "\r\n",
    "'",
    "\"",
    "`",
    "'\\",
    "\"\\",
    "`\\",
    "((((",
    "))))",
    "[[[[",
    "]]]",
    "{{",
    "}}",
    "{{orgId}}",
    "{{orgId",
    "'{{orgId}}",
    "\"{{orgId}}",
    "a.",
    "a..b",
    ".a",
    "a.|| b",
    "&&",
    "||",
    "|",
    "!",
    "!!!",
    "a[",
    "a[1",
    "a[:",
    "a[::0]",
    "a[?",
    "a[?b",
    "f(",
    "f(a,",
    "f(,)",
    "contains(",
    "@@",
    "a-",
    "-a",
    "a-b-c",
    "a:b:c",
    "a/b",
    "a.1",
    "1a",
    "a.-b",
    "a.:b",
    "x.y.z-",
    "é",
    "ö-ü",
    "😀",
    "'😀",
    "\"😀\"",
    "`😀`",
    "a\u{0}b",
    "{a: b, c: d}",
    "{a:b c:d}",
    "{\"a\": b}",
    "{a}",
    "[*]",
    "*",
    "**",
    "*.*",
    "a[*].b[*].c[]",
    "a[-1]",
    "a[1:2:3]",
    "&a",
    "&&&",
    "sort(`[1, \"a\"]`)",
    "max_by(@, &a)",
    "map(&a, b)",
    "merge()",
    "not_null()",
    "join(',')",
    "to_number('x') < `1`",
    "`\"a\"` < `1`",
    "'a\\'b\\'c\\'d'",
    "`a` || `b`",
    "`{` ",
    "`[1,`",
    "constructor.constructor",
    "__proto__.x",
    "a || {{orgId}} || \"{{orgId}}\" || '{{orgId}}'",
    "resource_access.my-app.roles.my-other.x-y",
    "https://example.com/roles",
    "urn:a:b",
    "a.b.c.d.e.f.g.h.i.j",
    "[a b c] [d]",
    "f(a b c,)",
    "__PANGOLIN_ROLE_MAP_BUILDER_V1__",
    "__PANGOLIN_ROLE_MAP_BUILDER_V1__\n---",
    "__PANGOLIN_ROLE_MAP_BUILDER_V1__\n---\n",
    "__PANGOLIN_ROLE_MAP_BUILDER_V1__\n{}\n---\n\"é\"",
];

fn all_options() -> Vec<LintOptions> {
    let claims = vec![
        json!({"sub": "u1", "groups": ["admin", 1, null, {"a": []}], "a": {"b": "c"}, "levels": [1, "x"]}),
        json!({"sub": 2, "groups": "admin", "constructor": "x"}),
        json!([1, 2]),
        json!(null),
    ];
    let mut out = Vec::new();
    for role in [ExprRole::RoleMapping, ExprRole::OrgMapping, ExprRole::Path] {
        for c in [Vec::new(), claims.clone()] {
            for target in [Target::Pangolin, Target::Grafana] {
                out.push(LintOptions {
                    role,
                    claims: c.clone(),
                    roles: Some(vec!["Admin".into(), "admin".into(), "".into()]),
                    edition: Edition::Oss,
                    org_id: Some("home-lab".into()),
                    compare_with: Some(rolemap_engine::Dialect::Grafana),
                    target,
                    grafana: GrafanaOptions {
                        list: role == ExprRole::Path,
                        role_attribute_strict: true,
                        ..GrafanaOptions::default()
                    },
                });
            }
        }
    }
    out
}

/// The text Pangolin parses: `{{orgId}}` replaced in org mappings, the
/// lines after `---` of a role mapping stored by the role-mapping builder;
/// none for an empty org mapping (it means "no filter").
fn pangolin_text(src: &str, o: &LintOptions) -> Option<String> {
    match (o.role, o.org_id.as_deref()) {
        (ExprRole::OrgMapping, _) if src.trim().is_empty() => None,
        (ExprRole::OrgMapping, Some(id)) => Some(src.replace("{{orgId}}", id)),
        (ExprRole::RoleMapping, _) if src.starts_with("__PANGOLIN_ROLE_MAP_BUILDER_V1__") => {
            let mut lines = src.split_inclusive('\n');
            let found = lines.by_ref().any(|l| l.trim() == "---");
            Some(if found {
                lines.collect()
            } else {
                src.to_string()
            })
        }
        _ => Some(src.to_string()),
    }
}

/// The text Grafana's engine parses: none for an empty setting or an
/// `org_mapping` (entries `claim:org:role`, not an expression).
fn grafana_text(src: &str, o: &LintOptions) -> Option<String> {
    let org_mapping = o.role == ExprRole::OrgMapping && !o.grafana.list;
    (!src.trim().is_empty() && !org_mapping).then(|| src.to_string())
}

/// Every input gives findings that hold: spans within the source on
/// character boundaries; an error when the target's engine (jmespath.js,
/// or Grafana's) cannot parse the text, and no RM001 (syntax) when it can; a drawing that names each
/// finding's code and holds no control character (the inputs have CR, NUL).
#[test]
fn every_input_gives_sound_findings() {
    let opts = all_options();
    let (mut syntax_errors, mut parsed) = (0, 0);
    for src in INPUTS {
        for o in &opts {
            let report = lint(src, o);
            for d in &report.diagnostics {
                assert!(
                    d.span.start <= d.span.end && d.span.end <= src.len(),
                    "{src:?}: {d}"
                );
                assert!(
                    src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end),
                    "{src:?}: {d}"
                );
            }
            let rm001 = report.diagnostics.iter().find(|d| d.code == "RM001");
            let (text, dialect) = match o.target {
                Target::Pangolin => (pangolin_text(src, o), Dialect::Pangolin),
                Target::Grafana => (grafana_text(src, o), Dialect::Grafana),
            };
            let Some(text) = text else {
                // An org_mapping has Grafana's own rules (RM077).
                let grafana_setting = o.target == Target::Grafana && !src.trim().is_empty();
                assert!(
                    grafana_setting || report.diagnostics.is_empty(),
                    "{src:?}: {:?}",
                    report.diagnostics
                );
                continue;
            };
            match Expression::compile(&text, dialect) {
                Ok(_) => {
                    parsed += 1;
                    assert!(rm001.is_none(), "{src:?} ({:?}) parses: {rm001:?}", o.role);
                }
                Err(e) => {
                    // RM001, or a rule that says why (RM030 for `{{orgId}}`).
                    syntax_errors += 1;
                    let error = report
                        .diagnostics
                        .iter()
                        .any(|d| d.severity == Severity::Error);
                    assert!(
                        error,
                        "{src:?} ({:?}): {e}, but {:?}",
                        o.role, report.diagnostics
                    );
                }
            }
            let text = render(&report.diagnostics, src, "x", false);
            assert_eq!(
                text.is_empty(),
                report.diagnostics.is_empty(),
                "{src:?}: {text}"
            );
            for d in &report.diagnostics {
                assert!(
                    text.contains(d.code),
                    "{src:?}: {} not drawn:\n{text}",
                    d.code
                );
            }
            assert!(!text.chars().any(controls::is_control), "{src:?}: {text:?}");
            let json = serde_json::to_value(&report).expect("serializes");
            let listed = json["diagnostics"].as_array().map_or(0, Vec::len);
            assert_eq!(listed, report.diagnostics.len(), "{src:?}");
        }
    }
    // Both kinds of input are there.
    assert!(
        syntax_errors > 100 && parsed > 100,
        "{syntax_errors} {parsed}"
    );
}

/// Text beyond rolemap's own limits (length, nesting) is reported as such,
/// not as an expression Pangolin cannot evaluate (jmespath.js may accept it).
#[test]
fn over_the_limits_is_not_called_a_syntax_error() {
    let long = format!("[{}]", vec!["'x'"; 20_000].join(", "));
    let deep = format!("{}a{}", "(".repeat(300), ")".repeat(300));
    for src in [long, deep] {
        let report = lint(&src, &LintOptions::default());
        let rm001: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "RM001")
            .collect();
        assert_eq!(rm001.len(), 1, "{:?}", report.diagnostics);
        let help = rm001[0].help.as_deref().unwrap_or_default();
        assert!(
            help.contains("rolemap checks expressions up to its limits")
                && !help.contains("cannot evaluate"),
            "{help}"
        );
    }
}

/// A long generated expression with thousands of findings: each finding's
/// help shows the corrected expression only around its edit, and the text
/// drawing stops after `MAX_DRAWN` findings, so output and memory grow
/// linearly (they grew with the square: ~100 MB of text for 2,000 items).
#[test]
fn many_findings_stay_small() {
    let n = 5000;
    let items: Vec<String> = (0..n).map(|i| format!("\"g{i}\"")).collect();
    let src = format!("[{}]", items.join(", "));
    let report = lint(&src, &LintOptions::default());
    let rm010: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "RM010")
        .collect();
    assert_eq!(rm010.len(), n, "one finding per double-quoted item");
    for d in &rm010 {
        let help = d.help.as_deref().expect("RM010 has a help");
        assert!(help.len() < 300, "help of {} bytes: {help}", help.len());
    }
    let middle = rm010[n / 2].help.as_deref().unwrap_or_default();
    assert!(
        middle.contains(&format!("'g{}'", n / 2)) && middle.contains('…'),
        "{middle}"
    );
    let text = render(&report.diagnostics, &src, "x", false);
    assert!(
        text.contains(&format!(
            "… and {} more finding(s), not drawn (only the first {} are)",
            report.diagnostics.len() - rolemap_lint::MAX_DRAWN,
            rolemap_lint::MAX_DRAWN
        )),
        "no count of the findings not drawn"
    );
    assert!(text.len() < 5_000_000, "{} bytes drawn", text.len());
}

/// Short expressions keep the whole corrected expression in the help.
#[test]
fn short_expressions_show_the_whole_fix() {
    let report = lint(
        "contains(groups, \"admin\") && 'Admin'",
        &LintOptions::default(),
    );
    let help = report
        .diagnostics
        .iter()
        .find(|d| d.code == "RM010")
        .and_then(|d| d.help.as_deref())
        .expect("an RM010 help");
    assert!(
        help.ends_with("`contains(groups, 'admin') && 'Admin'`"),
        "{help}"
    );
}
