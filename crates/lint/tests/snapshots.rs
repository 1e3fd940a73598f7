//! Rendered diagnostics, pinned with insta (no colour, 100 columns).

use rolemap_lint::{lint, render, ExprRole, LintOptions, RULES};
use serde_json::json;

fn show(src: &str, opts: &LintOptions) -> String {
    let report = lint(src, opts);
    let mut out = format!(
        "expression: {src:?}\nvalues: {}\n\n",
        report
            .outcome
            .as_ref()
            .map_or("-".to_string(), |o| o.to_string())
    );
    out.push_str(&render(&report.diagnostics, src, "expression", false));
    out
}

#[test]
fn every_rule_example() {
    for r in RULES {
        let text = show(r.example.source, &r.example.options());
        insta::assert_snapshot!(format!("{}-{}", r.code, r.name), text);
    }
}

fn claims(v: serde_json::Value) -> LintOptions {
    LintOptions {
        claims: vec![v],
        ..LintOptions::default()
    }
}

#[test]
fn brief_cases() {
    let pocket = json!({"sub": "u1", "email": "alice@example.com", "groups": ["admin", "media"]});
    let cases: Vec<(&str, &str, LintOptions)> = vec![
        ("double-quoted-compare", "'x' == \"admin\" && 'Admin' || 'Member'", LintOptions::default()),
        ("double-quoted-result", "contains(groups, 'admin') && \"Admin\" || 'Member'", claims(pocket.clone())),
        ("cognito-groups", "contains(cognito:groups, 'admin') && 'Admin' || 'Member'", LintOptions::default()),
        ("two-special-keys", "resource_access.my-app.roles || cognito:groups", LintOptions::default()),
        ("unknown-claim-dotted", "contains(app.roles, 'admin') && 'Admin' || 'Member'", claims(json!({"app.roles": ["admin"]}))),
        ("missing-in-second-sample", "contains(groups, 'admin') && 'Admin' || 'Member'",
            LintOptions { claims: vec![pocket.clone(), json!({"sub": "u2"})], ..LintOptions::default() }),
        ("org-double-quoted", "contains(groups, \"{{orgId}}\")",
            LintOptions { role: ExprRole::OrgMapping, org_id: Some("home-lab".into()), ..LintOptions::default() }),
        ("builder-wrapped", "__PANGOLIN_ROLE_MAP_BUILDER_V1__\n{\"claimPath\":\"groups\",\"rules\":[]}\n---\n[contains(groups, \"admin\") && ['Admin'] || []][]",
            claims(pocket.clone())),
        ("case-mismatch-roles", "contains(groups, 'admin') && 'admin' || 'member'",
            LintOptions { roles: Some(vec!["Admin".into(), "Member".into()]), ..claims(pocket.clone()) }),
        ("non-ascii", "contains(gröups, 'ädmin') && 'Admin' ||", LintOptions::default()),
        ("dot-before-flatten", "groups.[] || 'Member'", claims(pocket.clone())),
        ("empty-parentheses", "contains(groups, 'admin') && () || 'Member'", claims(pocket.clone())),
    ];
    for (name, src, opts) in cases {
        insta::assert_snapshot!(name, show(src, &opts));
    }
}
