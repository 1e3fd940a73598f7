//! The public API: one-shot simulation, batches (parallel, in order),
//! compile-once, the JSON shape of an outcome, test-file diffs.

use std::path::Path;

use rolemap_simulate::testfile::{compare, Case, ExpectedOrg};
use rolemap_simulate::{
    simulate, simulate_all, Claims, Config, Format, Options, Sample, Simulator,
};
use serde_json::json;

const CONFIG: &str = r#"
[pangolin]
edition = "enterprise"
url = "https://pangolin.example.com/"

[idp]
id = 7
name = "Pocket ID"
provider = "pocket-id"
scopes = "openid profile email groups"
identifier_path = "preferred_username"
auto_provision = true
default_role_mapping = "contains(groups, 'admin') && 'Admin' || 'Member'"
default_org_mapping = "contains(groups, '{{orgId}}')"

[[orgs]]
id = "a"
roles = ["Admin", "Member"]

[[orgs]]
id = "b"
roles = ["Admin", "Member"]

[[orgs]]
id = "c"
roles = ["Admin", "Member"]
role_mapping = "'Member'"
"#;

fn config() -> Config {
    Config::parse(CONFIG, Format::Toml, Path::new("inline.toml")).expect("config parses")
}

fn claims(v: serde_json::Value) -> Claims {
    Claims::from_json(v).expect("an object")
}

#[test]
fn one_shot_simulation_and_json_shape() {
    let c = config();
    assert_eq!(
        c.callback_url().as_deref(),
        Some("https://pangolin.example.com/auth/idp/7/oidc/callback")
    );
    let o = simulate(
        &c,
        &claims(json!({"sub": "1", "preferred_username": "Alice", "groups": ["admin", "a", "c"]})),
        &Options::default(),
    );
    assert_eq!(o.status, 200);
    let v = serde_json::to_value(&o).expect("serializes");
    for key in [
        "sample",
        "status",
        "message",
        "identifier",
        "email",
        "name",
        "orgs",
        "trace",
        "hints",
    ] {
        assert!(v.get(key).is_some(), "outcome JSON lacks {key}: {v}");
    }
    assert_eq!(
        v["orgs"],
        json!([{"org": "a", "roles": ["Admin"], "auto": true}, {"org": "c", "roles": ["Member"], "auto": true}])
    );
    assert_eq!(v["trace"][1]["org"], "b");
    assert_eq!(v["trace"][1]["decision"], "org-not-matched");
    assert_eq!(v["trace"][1]["org_mapping"], "contains(groups, 'b')");
    assert_eq!(v["trace"][1]["org_mapping_value"], false);
    assert_eq!(v["trace"][0]["kept"], json!(["Admin"]));
}

#[test]
fn expressions_are_compiled_once() {
    let c = config();
    let sim = Simulator::new(&c);
    // identifier, default role mapping, 'Member', three substituted org mappings
    assert_eq!(sim.compiled_expressions(), 6);
}

#[test]
fn batches_run_in_parallel_and_keep_input_order() {
    let c = config();
    let samples: Vec<Sample> = (0..300)
        .map(|i| {
            let groups = match i % 3 {
                0 => json!(["admin", "a"]),
                1 => json!(["b"]),
                _ => json!([]),
            };
            Sample::new(
                format!("user{i}"),
                claims(json!({"sub": i.to_string(), "preferred_username": format!("user{i}"), "groups": groups})),
            )
        })
        .collect();
    let parallel = simulate_all(&c, &samples, &Options::default());
    let sequential = Simulator::new(&c).simulate_all(
        &samples,
        &Options {
            parallel_threshold: usize::MAX,
            ..Options::default()
        },
    );
    assert_eq!(parallel, sequential);
    for (i, o) in parallel.iter().enumerate() {
        assert_eq!(o.sample, format!("user{i}"));
        assert_eq!(o.status, if i % 3 == 2 { 401 } else { 200 });
    }
}

#[test]
fn all_claims_turns_scope_filtering_off() {
    let mut c = config();
    c.idp.scopes = "openid profile".into();
    let cl = claims(json!({"sub": "1", "preferred_username": "a", "groups": ["a"]}));
    let filtered = simulate(&c, &cl, &Options::default());
    assert_eq!(filtered.status, 500);
    assert_eq!(filtered.removed_claims[0].claim, "groups");
    assert_eq!(filtered.message, "An error occurred");
    assert_eq!(
        filtered.shown.as_deref(),
        Some("There was a problem connecting to Pocket ID. Please contact your administrator.")
    );
    let all = simulate(
        &c,
        &cl,
        &Options {
            all_claims: true,
            ..Options::default()
        },
    );
    assert_eq!(all.status, 200);
    assert!(all.removed_claims.is_empty());
}

#[test]
fn a_wrong_expectation_gives_a_readable_diff() {
    let c = config();
    let o = simulate(
        &c,
        &claims(json!({"sub": "1", "preferred_username": "bob", "groups": ["b"]})),
        &Options::default(),
    );
    let case = Case {
        name: None,
        sample: None,
        claims: None,
        config: None,
        patch: None,
        all_claims: None,
        status: 200,
        message: Some("Login succeeded".into()),
        identifier: Some("bob".into()),
        email: None,
        display_name: None,
        nulls: vec![],
        orgs: Some(vec![
            ExpectedOrg {
                org: "b".into(),
                roles: vec!["Admin".into()],
                auto: Some(true),
            },
            ExpectedOrg {
                org: "a".into(),
                roles: vec!["Member".into()],
                auto: None,
            },
        ]),
        hints: vec!["role-case".into()],
    };
    let diff = compare(&case, &o);
    assert_eq!(
        diff,
        vec![
            "- a [\"Member\"]   (expected, missing)".to_string(),
            "- b [\"Admin\"] (auto)".to_string(),
            "+ b [\"Member\"] (auto)".to_string(),
            "hint `role-case`: expected, not reported (got [])".to_string(),
        ]
    );
    let ok = Case {
        orgs: Some(vec![ExpectedOrg {
            org: "b".into(),
            roles: vec!["Member".into()],
            auto: None,
        }]),
        hints: vec![],
        ..case
    };
    assert!(compare(&ok, &o).is_empty());
}
