//! `rolemap simulate` and `rolemap test` on Grafana configurations: the
//! target is told by the file, the JSON schema is shared with Pangolin's
//! (`sample`, `target`, `ok`, `message`, ... ), and bad input is an error
//! that names the file.

mod common;

use common::{rolemap, scratch, write};
use serde_json::json;

const ALICE: &str = "examples/grafana-authelia/users/alice.json";
const AUTHELIA: &str = "examples/grafana-authelia/grafana.ini";

#[test]
fn simulate_json_has_the_shared_schema_with_target_grafana() {
    let r = rolemap(&["simulate", AUTHELIA, ALICE, "--output", "json"], "");
    r.code(0);
    let v = r.json();
    let o = &v[0];
    for key in [
        "sample",
        "target",
        "ok",
        "message",
        "login",
        "email",
        "name",
        "role",
        "server_admin",
        "role_source",
        "orgs",
        "groups",
        "trace",
        "hints",
    ] {
        assert!(o.get(key).is_some(), "no `{key}` in {o}");
    }
    assert_eq!(o["target"], "grafana");
    assert_eq!(o["ok"], true);
    assert_eq!(o["message"], serde_json::Value::Null);
    assert_eq!(o["role"], "Viewer");
    assert_eq!(o["role_source"], "id_token");
    assert_eq!(o["orgs"], json!([{"org": "1", "role": "Viewer"}]));
    // The retry on {"groups": []} is in the trace.
    let retry = o["trace"]
        .as_array()
        .and_then(|t| t.iter().find(|s| s["input"] == "{\"groups\": []}"));
    assert_eq!(retry.map(|s| s["value"].clone()), Some(json!("Viewer")));
    // Pangolin's outcomes have the same shared fields.
    let p = rolemap(
        &[
            "simulate",
            "examples/pocket-id/pangolin.toml",
            "--output",
            "json",
        ],
        "",
    );
    p.code(0);
    let p = p.json();
    assert_eq!(p[0]["target"], "pangolin");
    assert_eq!(p[0]["ok"], true);
    for key in [
        "sample", "message", "email", "name", "orgs", "trace", "hints",
    ] {
        assert!(p[0].get(key).is_some(), "no `{key}` in Pangolin's {}", p[0]);
    }
}

#[test]
fn every_grafana_example_simulates_and_its_tests_pass() {
    let examples = common::repo().join("examples");
    let mut count = 0;
    for dir in std::fs::read_dir(&examples).expect("examples/").flatten() {
        let dir = dir.path();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.starts_with("grafana-") {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("example dir").flatten() {
            let f = f.path();
            let file = f.display().to_string();
            let users = dir.join("users").display().to_string();
            let is_config = [".ini", ".env", ".yaml"].iter().any(|e| file.ends_with(e));
            if is_config {
                count += 1;
                let r = rolemap(&["simulate", &file, &users, "-o", "json"], "");
                r.code(0).no_panic();
                let all = r.json();
                let outcomes = all.as_array().expect("array");
                assert!(outcomes.iter().all(|o| o["target"] == "grafana"), "{file}");
                let r = rolemap(&["simulate", &file, &users, "--color", "never"], "");
                r.code(0).no_panic();
            }
            if file.ends_with("expect.toml") {
                let r = rolemap(&["test", &file], "");
                r.code(0);
            }
        }
    }
    assert!(count >= 8, "{count} Grafana configs");
}

#[test]
fn a_failing_grafana_case_fails_the_run_with_the_difference() {
    let dir = scratch("grafana_fail");
    let cfg = common::repo().join(AUTHELIA).display().to_string();
    let alice = common::repo().join(ALICE).display().to_string();
    let file = write(
        &dir,
        "t.toml",
        format!("config = {cfg:?}\n[[cases]]\nsample = {alice:?}\nok = true\nrole = \"Admin\"\n"),
    );
    let r = rolemap(&["test", "--color", "never", &file], "");
    r.code(1);
    assert!(
        r.stdout
            .contains("role: expected \"Admin\", got Some(\"Viewer\")"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_grafana_input_names_the_file() {
    let dir = scratch("grafana_bad");
    let ini = write(
        &dir,
        "grafana.ini",
        "[auth.generic_oauth]\nrole_attribute_path\n",
    );
    let r = rolemap(&["simulate", &ini, ALICE], "");
    r.code(2);
    assert!(
        r.stderr.contains("grafana.ini") && r.stderr.contains("line 2"),
        "{}",
        r.stderr
    );
    let other = write(&dir, "gitlab.ini", "[auth.gitlab]\nenabled = true\n");
    let r = rolemap(&["simulate", &other, ALICE], "");
    r.code(2);
    assert!(r.stderr.contains("[auth.gitlab]"), "{}", r.stderr);
    let ok = write(
        &dir,
        "ok.ini",
        "[auth.generic_oauth]\nrole_attribute_path = 'Admin'\n",
    );
    let r = rolemap(&["simulate", &ok], "");
    r.code(2);
    assert!(r.stderr.contains("no sample users"), "{}", r.stderr);
    let bad_sample = write(&dir, "s.json", "{\"id_token\": 5}");
    let r = rolemap(&["simulate", &ok, &bad_sample], "");
    r.code(2);
    assert!(
        r.stderr.contains("s.json") && r.stderr.contains("id_token"),
        "{}",
        r.stderr
    );
}
