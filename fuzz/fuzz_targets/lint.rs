//! Lints an arbitrary expression as each expression role, with and without
//! sample claims (input: `EXPRESSION \0 CLAIMS-JSON`), and renders the
//! diagnostics as the CLI does.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use rolemap_lint::{lint, render, Edition, ExprRole, LintOptions};

fuzz_target!(|data: &[u8]| {
    let Some((src, json)) = rolemap_fuzz::split(data) else {
        return;
    };
    let claims: Vec<serde_json::Value> = match serde_json::from_slice(json) {
        Ok(v @ serde_json::Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    for (i, role) in [ExprRole::RoleMapping, ExprRole::OrgMapping, ExprRole::Path]
        .into_iter()
        .enumerate()
    {
        let opts = LintOptions {
            role,
            claims: claims.clone(),
            roles: (i != 2).then(|| vec!["Admin".to_string(), "Member".to_string()]),
            edition: [Edition::Oss, Edition::Enterprise, Edition::Cloud][i],
            org_id: Some("home-lab".to_string()),
            ..LintOptions::default()
        };
        let report = lint(src, &opts);
        for d in &report.diagnostics {
            assert!(
                d.span.start <= d.span.end && d.span.end <= src.len(),
                "{role}: span {:?} outside the source {src:?}: {d}",
                d.span
            );
        }
        let _ = render(&report.diagnostics, src, "expr", false);
        let bare = lint(
            src,
            &LintOptions {
                role,
                ..LintOptions::default()
            },
        );
        let _ = render(&bare.diagnostics, src, "expr", true);
    }
});
