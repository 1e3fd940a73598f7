//! Grafana's log shows the Go engine's own error text, so the Grafana
//! dialect's syntax errors carry it exactly: every case of the recorded
//! answers of go-jmespath community v1.1.1
//! (`compliance/go-jmespath-community-1.1.1/`) that its lexer or parser
//! rejects has the message the engine gave: its lexer's and parser's
//! (`SyntaxError: ...`), and `encoding/json`'s for a `` `literal` `` or a
//! `"name"` it cannot read (`invalid character 'o' in literal false
//! (expecting 'a')`).

use std::path::Path;

use rolemap_engine::{Dialect, Expression};
use serde_json::Value;

fn syntax_cases(dir: &Path, out: &mut Vec<(String, String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            syntax_cases(&path, out);
            continue;
        }
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable suite file");
        let groups: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.display().to_string();
        for group in groups.as_array().expect("a suite is an array of groups") {
            for case in group["cases"].as_array().expect("a group has cases") {
                let message = case["message"].as_str().unwrap_or_default();
                if case["error"] == "syntax" && !message.is_empty() {
                    out.push((
                        name.clone(),
                        case["expression"]
                            .as_str()
                            .expect("an expression")
                            .to_string(),
                        message.to_string(),
                    ));
                }
            }
        }
    }
}

#[test]
fn syntax_errors_carry_the_go_engines_own_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("compliance/go-jmespath-community-1.1.1");
    let mut cases = Vec::new();
    syntax_cases(&root, &mut cases);
    let mut failures = Vec::new();
    for (file, expression, message) in &cases {
        let got = match Expression::compile(expression, Dialect::Grafana) {
            Ok(_) => "no error when compiling".to_string(),
            Err(e) => e
                .js_message
                .unwrap_or_else(|| format!("no Go text: {}", e.message)),
        };
        if &got != message {
            failures.push(format!(
                "{file}: {expression:?}: Go says {message:?}, rolemap {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} syntax errors differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // 221 of its lexer and parser, 21 of `encoding/json`.
    assert_eq!(cases.len(), 242, "syntax errors recorded");
}
