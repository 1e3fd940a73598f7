//! RULES.md is generated from the registry; every example triggers its rule
//! and every fix silences it.

use rolemap_lint::registry::rules_markdown;
use rolemap_lint::{lint, RULES};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/RULES.md");

#[test]
fn rules_md_is_up_to_date() {
    let want = rules_markdown();
    if std::env::var_os("UPDATE_RULES").is_some() {
        std::fs::write(PATH, &want).expect("write RULES.md");
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "RULES.md is out of date: run `UPDATE_RULES=1 cargo test -p rolemap-lint --test rules_doc`"
    );
    for r in RULES {
        assert!(
            have.contains(&format!("## {} `{}`", r.code, r.name)),
            "{} missing",
            r.code
        );
    }
}

#[test]
fn codes_are_unique_and_sorted() {
    for w in RULES.windows(2) {
        assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
    }
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len());
}

#[test]
fn every_example_triggers_its_rule_and_its_fix_does_not() {
    let mut failures = Vec::new();
    for r in RULES {
        let opts = r.example.options();
        let got = lint(r.example.source, &opts);
        if !got.codes().contains(&r.code) {
            failures.push(format!("{}: example gives {:?}", r.code, got.codes()));
        }
        let fixed = lint(r.example.fix, &opts);
        if fixed.codes().contains(&r.code) {
            failures.push(format!(
                "{}: fix still gives {:?}",
                r.code, fixed.diagnostics
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
