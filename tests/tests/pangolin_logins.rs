//! `rolemap simulate` against logins recorded from a real Pangolin 1.22.0
//! (`tests/pangolin-1.22.0/`, README there): every login's status, message,
//! identifier, e-mail, name, orgs and roles, and the server's log lines
//! about the mappings, must be what the real server gave.
//!
//! `ROLEMAP_LOGINS=DIR` runs the scenarios of another folder of the same
//! shape (a recording of more logins).

mod rolemap_bin;

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};

use rolemap_bin::{bin, repo};

/// Log lines a simulation cannot know: the request, the token (with
/// `iss`, `aud`, `iat`, `exp`), the database's role ids, the redirect.
const UNKNOWABLE: [&str; 4] = [
    "[debug] POST ",
    "[debug] ID token",
    "[debug] User org info ",
    "[debug] Final redirect URL ",
];

fn scenarios(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("real.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the recorded server did at a login, in the fields compared.
fn recorded(login: &Json) -> Json {
    let mut want = json!({"status": login["status"], "message": login["message"]});
    if login["status"] == 201 {
        for key in ["username", "email", "name", "orgs"] {
            want[key] = login[key].clone();
        }
    }
    want["log"] = login["log"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter(|l| {
                    !l.as_str()
                        .is_some_and(|l| UNKNOWABLE.iter().any(|u| l.starts_with(u)))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    want
}

/// What rolemap predicts, in the same fields.
fn simulated(outcome: &Json) -> Json {
    let mut got = json!({"status": outcome["status"], "message": outcome["message"]});
    if outcome["status"] == 201 {
        got["username"] = outcome["identifier"].clone();
        got["email"] = outcome["email"].clone();
        got["name"] = outcome["name"].clone();
        got["orgs"] = outcome["orgs"]
            .as_array()
            .map(|orgs| {
                orgs.iter()
                    .map(|m| json!({"org": m["org"], "roles": m["roles"]}))
                    .collect()
            })
            .unwrap_or_default();
    }
    got["log"] = outcome["log"].clone();
    got
}

/// The differences of one scenario, one line each.
fn check_scenario(dir: &Path, logins: &mut usize) -> Vec<String> {
    let real = read_json(&dir.join("real.json"));
    let out = std::process::Command::new(bin())
        .arg("simulate")
        .arg(dir.join("config.json"))
        .arg(dir.join("claims"))
        .args(["--output", "json"])
        .output()
        .expect("run rolemap");
    let name = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let outcomes: Vec<Json> = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            return vec![format!(
                "{name}: rolemap simulate gave no JSON ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )]
        }
    };
    let recorded_logins = real["logins"].as_object().cloned().unwrap_or_default();
    assert!(
        !recorded_logins.is_empty(),
        "{name}: real.json records no login"
    );
    let mut diffs = Vec::new();
    for (user, login) in &recorded_logins {
        *logins += 1;
        let sample = format!("{user}.json");
        let Some(outcome) = outcomes.iter().find(|o| o["sample"] == sample.as_str()) else {
            diffs.push(format!(
                "{name}/{user}: rolemap simulated no login for {sample}"
            ));
            continue;
        };
        let (want, got) = (recorded(login), simulated(outcome));
        for key in want
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if want[&key] != got[&key] {
                diffs.push(format!(
                    "{name}/{user} {key}: Pangolin 1.22.0 gave {}, rolemap {}",
                    want[&key], got[&key]
                ));
            }
        }
    }
    diffs
}

#[test]
fn simulate_agrees_with_every_recorded_login() {
    let root = std::env::var_os("ROLEMAP_LOGINS").map_or_else(
        || repo().join("tests/pangolin-1.22.0/logins"),
        PathBuf::from,
    );
    let dirs = scenarios(&root);
    assert!(!dirs.is_empty(), "no scenario in {}", root.display());
    let mut logins = 0;
    let diffs: Vec<String> = dirs
        .iter()
        .flat_map(|d| check_scenario(d, &mut logins))
        .collect();
    println!(
        "{} scenarios, {logins} logins, {} differences",
        dirs.len(),
        diffs.len()
    );
    assert!(
        diffs.is_empty(),
        "{} of {logins} logins differ:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    if std::env::var_os("ROLEMAP_LOGINS").is_none() {
        // The recording in the repository: 30 scenarios, 104 logins.
        assert_eq!((dirs.len(), logins), (30, 104));
    }
}

/// The comparison itself can fail: a changed role, status or log line in
/// the recording is a difference.
#[test]
fn a_changed_recording_is_a_difference() {
    let login = json!({
        "status": 201, "message": "OIDC callback validated successfully",
        "username": "u-1", "email": null, "name": null,
        "orgs": [{"org": "home-lab", "roles": ["Member"]}],
        "log": ["[debug] POST /api/v1/auth/idp/1/oidc/validate-callback", "[debug] User identifier {\"userIdentifier\":\"u-1\"}"]
    });
    let outcome = json!({
        "sample": "u0.json", "status": 201, "message": "OIDC callback validated successfully",
        "identifier": "u-1", "email": null, "name": null,
        "orgs": [{"org": "home-lab", "roles": ["Member"], "auto": true}],
        "log": ["[debug] User identifier {\"userIdentifier\":\"u-1\"}"]
    });
    assert_eq!(recorded(&login), simulated(&outcome));
    for (key, value) in [
        ("status", json!(200)),
        ("orgs", json!([{"org": "home-lab", "roles": ["Admin"]}])),
        (
            "log",
            json!(["[debug] User identifier {\"userIdentifier\":\"u-2\"}"]),
        ),
    ] {
        let mut changed = outcome.clone();
        changed[key] = value;
        assert_ne!(recorded(&login), simulated(&changed), "{key}");
    }
}
