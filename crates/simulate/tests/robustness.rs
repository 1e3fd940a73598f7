//! Hostile input: expressions that blow up, deep or huge documents, and the
//! inputs the fuzz targets (fuzz/) found wrong. Every case ends with an
//! outcome or an error, never a panic, a hang or unbounded memory.

use std::path::Path;

use rolemap_simulate::{decode_jwt, Claims, Config, Format, Options, Outcome, Simulator};
use serde_json::json;

fn config(toml: &str) -> Config {
    Config::parse(toml, Format::Toml, Path::new("inline.toml")).expect("config parses")
}

/// The login of a sample `label` with `claims` under `c`.
fn login(c: &Config, label: &str, claims: serde_json::Value) -> Outcome {
    let claims = Claims::from_json(claims).expect("object");
    Simulator::new(c).simulate_claims(label, &claims, &Options::default())
}

#[test]
fn budget_exceeded_fails_the_login_with_a_hint() {
    let expr = "[@,@][]".repeat(40);
    let c = config(&format!(
        "[idp]\nidentifier_path = \"preferred_username\"\nauto_provision = true\n\
         default_role_mapping = \"{expr} && 'Member'\"\n\n[[orgs]]\nid = \"home-lab\"\nroles = [\"Member\"]\n"
    ));
    let o = login(&c, "alice", json!({"preferred_username": "alice"}));
    assert_eq!(o.status, 500);
    let e = o.error.as_ref().expect("an error");
    assert_eq!(e.kind, "budget-exceeded");
    let hint = o
        .hints
        .iter()
        .find(|h| h.code == "budget-exceeded")
        .unwrap_or_else(|| panic!("no budget hint: {:?}", o.hints));
    assert!(hint.message.contains("role mapping"), "{hint}");
}

#[test]
fn an_expression_over_rolemaps_limits_is_not_called_pangolins_failure() {
    // jmespath.js accepts 250 nested parentheses (it gives 'Admin'); rolemap
    // stops at 200 levels, so it cannot say what Pangolin does.
    let deep = format!("{}'Admin'{}", "(".repeat(250), ")".repeat(250));
    let c = config(&format!(
        "[idp]\nidentifier_path = \"sub\"\nauto_provision = true\n\
         default_role_mapping = \"{deep}\"\n\n[[orgs]]\nid = \"o\"\nroles = [\"Admin\"]\n"
    ));
    let o = login(&c, "x", json!({"sub": "1"}));
    let e = o.error.as_ref().expect("an error");
    assert_eq!(e.kind, "over-limits");
    assert!(e.message.contains("200 levels"), "{}", e.message);
    let hint = o
        .hints
        .iter()
        .find(|h| h.code == "over-limits")
        .unwrap_or_else(|| panic!("no over-limits hint: {:?}", o.hints));
    assert!(hint.message.contains("real outcome is unknown"), "{hint}");
    assert!(hint.message.contains("orgs.o.role_mapping"), "{hint}");
    assert!(!o.hints.iter().any(|h| h.code == "budget-exceeded"));
}

#[test]
fn budget_exceeded_in_the_email_path_is_hinted() {
    let expr = "[@,@][]".repeat(40);
    let c = config(&format!(
        "[idp]\nidentifier_path = \"sub\"\nemail_path = \"{expr}\"\nauto_provision = true\n\
         default_role_mapping = \"'Member'\"\n\n[[orgs]]\nid = \"o\"\nroles = [\"Member\"]\n"
    ));
    let o = login(&c, "x", json!({"sub": "1"}));
    assert!(
        o.hints.iter().any(|h| h.code == "budget-exceeded"),
        "{:?}",
        o.hints
    );
}

#[test]
fn deep_config_documents_are_errors_not_stack_overflows() {
    // YAML: before the flow-depth pre-scan, serde_norway's parser took time
    // quadratic in the depth (minutes for this one) before any error.
    let n = 100_000;
    let toml = format!(
        "[idp]\nidentifier_path = \"sub\"\norgs = {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let json = format!(
        "{{\"idp\": {{\"identifier_path\": \"sub\"}}, \"orgs\": {}{}}}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let yaml = format!(
        "idp:\n  identifier_path: sub\norgs: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    for (text, format) in [
        (toml, Format::Toml),
        (json, Format::Json),
        (yaml, Format::Yaml),
    ] {
        let e = match Config::parse(&text, format, Path::new("deep")) {
            Ok(_) => panic!("{format}: a deep config loaded"),
            Err(e) => e.to_string(),
        };
        assert!(e.starts_with("deep:"), "{format}: {e}");
        // JSON stops at the first value of a wrong type, before the depth.
        assert!(
            e.contains("recursion limit")
                || e.contains("deeper than")
                || e.contains("invalid type"),
            "{format}: {e}"
        );
    }
}

#[test]
fn deep_jwt_payloads_are_errors_not_stack_overflows() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let token = format!("{}.{}.", b64.encode("{}"), b64.encode(payload));
    let e = decode_jwt(&token).expect_err("too deep");
    assert!(e.to_string().contains("recursion limit"), "{e}");
}

#[test]
fn empty_and_folder_configs_say_so() {
    for format in [Format::Toml, Format::Json, Format::Yaml] {
        let e = match Config::parse(" \n", format, Path::new("empty")) {
            Ok(_) => panic!("{format}: an empty config loaded"),
            Err(e) => e.to_string(),
        };
        // TOML: an empty document is a table without `idp`.
        assert!(
            e.contains("empty") || e.contains("missing field `idp`"),
            "{format}: {e}"
        );
    }
    let dir = std::env::temp_dir().join(format!("rolemap-folder-{}.toml", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let e = Config::load(&dir)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    let _ = std::fs::remove_dir(&dir);
    assert!(e.contains("folder"), "{e}");
}
