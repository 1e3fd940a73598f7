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
    assert_eq!(o.status, 201);
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
        assert_eq!(o.status, if i % 3 == 2 { 401 } else { 201 });
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
    assert_eq!(all.status, 201);
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
        status: 201,
        message: Some("OIDC callback validated successfully".into()),
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
            "hint `role-case`: expected, not reported (no hint was reported)".to_string(),
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

/// Every kind of trace step (the compact ones: `false`, a membership with
/// one of the org's roles, not linked; and the general one) shows in full,
/// through `Trace::get`, `Trace::iter` and the JSON alike.
#[test]
fn compact_trace_steps_show_in_full() {
    let text = r#"
[pangolin]
edition = "cloud"

[idp]
id = 1
name = "Pocket ID"
provider = "pocket-id"
scopes = "openid profile email groups"
identifier_path = "preferred_username"
auto_provision = true
default_role_mapping = "contains(groups, 'admin') && 'Admin' || 'Member'"
default_org_mapping = "contains(groups, '{{orgId}}')"

[[orgs]]
id = "by-id"
roles = ["Admin", "Member"]
org_mapping = "'{{orgId}}'"

[[orgs]]
id = "off"
roles = ["Member"]
linked = false

[[orgs]]
id = "no"
roles = ["Member"]

[[orgs]]
id = "spaces"
roles = ["Member"]
org_mapping = "`true`"
role_mapping = "' Member '"

[[orgs]]
id = "kept"
roles = ["Member"]

[[users]]
identifier = "ann"
auto_orgs = [{ org = "kept", roles = ["Member"] }]
"#;
    let c = Config::parse(text, Format::Toml, Path::new("inline.toml")).expect("config parses");
    let o = simulate(
        &c,
        &claims(json!({"sub": "1", "preferred_username": "Bob", "groups": ["admin"]})),
        &Options::default(),
    );
    assert_eq!(o.status, 201, "{o:?}");
    assert!(!o.existing_user);
    assert_eq!(o.trace.len(), 5);
    // A membership with one of the org's roles (compact) and one whose
    // roles were trimmed (in full), in order.
    assert_eq!(
        serde_json::to_value(&o.orgs).expect("serializes"),
        json!([
            {"org": "by-id", "roles": ["Admin"], "auto": true},
            {"org": "spaces", "roles": ["Member"], "auto": true}
        ])
    );
    assert_eq!(o.orgs.len(), 2);
    let member = rolemap_simulate::Membership {
        org: "by-id",
        roles: &["Admin".to_string()],
        auto: true,
    };
    assert_eq!(o.orgs.get(0), Some(member));
    assert_eq!(o.orgs.iter().nth(1).map(|m| m.org), Some("spaces"));
    let v = serde_json::to_value(&o).expect("serializes");
    let listed: Vec<serde_json::Value> = o
        .trace
        .iter()
        .map(|t| serde_json::to_value(t).expect("serializes"))
        .collect();
    assert_eq!(v["trace"], json!(listed));
    for (i, t) in o.trace.iter().enumerate() {
        assert_eq!(o.trace.get(i), Some(t));
    }
    assert_eq!(o.trace.get(5), None);
    let full = |org: &str, decision: &str, reason: &str| {
        json!({
            "org": org, "decision": decision, "reason": reason,
            "org_mapping_source": "none", "org_mapping": null, "org_mapping_value": null,
            "org_mapping_type": null, "org_matched": null, "role_mapping_source": "none",
            "role_mapping": null, "from_builder": false, "role_mapping_value": null,
            "role_mapping_type": null, "roles": [], "ignored": [], "dropped": [], "kept": [],
            "missing": [], "change": null, "error": null
        })
    };
    // The org mapping gave the org id: a membership with `Admin`.
    let mut by_id = full("by-id", "member", "mapped to [\"Admin\"]");
    by_id["org_mapping_source"] = json!("policy");
    by_id["org_mapping"] = json!("'by-id'");
    by_id["org_mapping_value"] = json!("by-id");
    by_id["org_mapping_type"] = json!("string");
    by_id["org_matched"] = json!(true);
    by_id["role_mapping_source"] = json!("default");
    by_id["role_mapping"] = json!("contains(groups, 'admin') && 'Admin' || 'Member'");
    by_id["role_mapping_value"] = json!("Admin");
    by_id["role_mapping_type"] = json!("string");
    by_id["roles"] = json!(["Admin"]);
    by_id["kept"] = json!(["Admin"]);
    by_id["change"] = json!("added");
    assert_eq!(v["trace"][0], by_id);
    // Cloud: not linked, not evaluated.
    let off = full(
        "off",
        "not-linked",
        "cloud edition: the org is not linked to this identity provider",
    );
    assert_eq!(v["trace"][1], off);
    // The org mapping gave `false`.
    let mut no = full(
        "no",
        "org-not-matched",
        "the org mapping gave false, not `true` or the string \"no\"",
    );
    no["org_mapping_source"] = json!("default");
    no["org_mapping"] = json!("contains(groups, 'no')");
    no["org_mapping_value"] = json!(false);
    no["org_mapping_type"] = json!("boolean");
    no["org_matched"] = json!(false);
    assert_eq!(v["trace"][2], no);
    // Trimmed to a role of the org (the general step), selected by `true`.
    assert_eq!(v["trace"][3]["decision"], "member");
    assert_eq!(v["trace"][3]["org_mapping_value"], true);
    assert_eq!(v["trace"][3]["role_mapping_value"], " Member ");
    assert_eq!(v["trace"][3]["roles"], json!(["Member"]));
    assert_eq!(v["trace"][3]["kept"], json!(["Member"]));
    assert_eq!(v["trace"][3]["change"], "added");
    // `false`; for `ann`, who had an auto membership there: removed.
    let mut kept = full(
        "kept",
        "org-not-matched",
        "the org mapping gave false, not `true` or the string \"kept\"",
    );
    kept["org_mapping_source"] = json!("default");
    kept["org_mapping"] = json!("contains(groups, 'kept')");
    kept["org_mapping_value"] = json!(false);
    kept["org_mapping_type"] = json!("boolean");
    kept["org_matched"] = json!(false);
    assert_eq!(v["trace"][4], kept);
    let existing = simulate(
        &c,
        &claims(json!({"sub": "1", "preferred_username": "Ann", "groups": ["admin"]})),
        &Options::default(),
    );
    assert!(existing.existing_user);
    kept["change"] = json!("removed");
    let v = serde_json::to_value(&existing).expect("serializes");
    assert_eq!(v["trace"][4], kept);
    let t = existing.trace.get(4).expect("five orgs");
    assert_eq!(t.change, Some(rolemap_simulate::outcome::Change::Removed));
    assert_eq!(
        t.org_mapping_value,
        Some(rolemap_simulate::TraceValue::Bool(false))
    );
    assert!(existing
        .hints
        .iter()
        .any(|h| h.code == "auto-membership-removed"));
}

/// Two samples whose identifiers are equal once lower-cased are one
/// Pangolin user: the later one says so.
#[test]
fn samples_of_one_user_are_named() {
    let config: rolemap_simulate::Config = toml_config(
        "[idp]\nidentifier_path = \"preferred_username\"\nauto_provision = true\ndefault_role_mapping = \"'Member'\"\n[[orgs]]\nid = \"home-lab\"\nroles = [\"Member\"]\n",
    );
    let samples: Vec<rolemap_simulate::Sample> = ["Alice", "bob", "ALICE"]
        .iter()
        .enumerate()
        .map(|(i, name)| rolemap_simulate::Sample {
            label: format!("u{i}.json"),
            claims: rolemap_simulate::Claims::from_json(
                serde_json::json!({ "preferred_username": name }),
            )
            .expect("an object"),
        })
        .collect();
    let outcomes = rolemap_simulate::Simulator::new(&config)
        .simulate_all(&samples, &rolemap_simulate::Options::default());
    let same: Vec<Vec<&str>> = outcomes
        .iter()
        .map(|o| {
            o.hints
                .iter()
                .filter(|h| h.code == "same-user")
                .map(|h| h.message.as_str())
                .collect()
        })
        .collect();
    assert!(same[0].is_empty() && same[1].is_empty(), "{same:?}");
    assert_eq!(same[2].len(), 1);
    assert!(
        same[2][0].contains("`u2.json`")
            && same[2][0].contains("`u0.json`")
            && same[2][0].contains("`alice`")
    );
}

/// A release newer than rolemap knows is simulated as the newest known,
/// with a warning naming it; the default is the newest known.
#[test]
fn a_newer_release_gets_a_warning() {
    let newer: rolemap_simulate::Config =
        toml_config("[pangolin]\nversion = \"1.23.1\"\n[idp]\nidentifier_path = \"sub\"\n");
    let warnings = newer.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("1.23.1") && warnings[0].contains("1.22.0"));
    let default: rolemap_simulate::Config = toml_config("[idp]\nidentifier_path = \"sub\"\n");
    assert_eq!(default.pangolin.version.to_string(), "1.22.0");
    assert!(default.warnings().is_empty());
}

fn toml_config(text: &str) -> Config {
    Config::parse(text, Format::Toml, Path::new("inline.toml")).expect("config parses")
}
