//! `rolemap pangolin pull | check | apply` against a fake of Pangolin
//! 1.22.0's integration API (tests/support/fake_pangolin.rs), started on
//! 127.0.0.1 at an ephemeral port, answering with the exchanges recorded
//! from the real server (tests/data/pangolin-1.22.0-api).

#[path = "support/fake_pangolin.rs"]
mod fake_pangolin;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fake_pangolin::{exchanges, Fake, State, CLIENT_SECRETS, NO_ACTIONS_KEY, ORG_KEY, ROOT_KEY};
use serde_json::Value as Json;

/// What a run gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "panicked:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    fn stdout_has(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    fn stderr_has(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pangolin-1.22.0-api")
}

/// A fresh folder under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pangolin-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Every output of the session, to search for secrets.
static OUTPUTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Runs `rolemap ARGS` with `key` in PANGOLIN_API_KEY (none: unset).
fn rolemap(args: &[&str], key: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolemap"));
    cmd.args(args)
        .env_remove("PANGOLIN_API_KEY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(k) = key {
        cmd.env("PANGOLIN_API_KEY", k);
    }
    let out = cmd.output().expect("run rolemap");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let mut all = OUTPUTS.lock().unwrap_or_else(|e| e.into_inner());
    all.push(run.stdout.clone());
    all.push(run.stderr.clone());
    run
}

fn users() -> String {
    data().join("users").display().to_string()
}

fn writes(fake: &Fake) -> Vec<String> {
    fake.state()
        .log
        .iter()
        .filter(|l| !l.starts_with("GET "))
        .cloned()
        .collect()
}

/// Pulls IdP 1 into `dir/name` and gives its path.
fn pull(fake: &Fake, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let p = path.display().to_string();
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &fake.url,
            "--idp",
            "1",
            "-o",
            &p,
            "--pangolin-version",
            "1.22.0",
        ],
        Some(ROOT_KEY),
    )
    .code(0)
    .stderr_has("wrote ");
    path
}

/// Writes `dir/name`: the config at `from` changed by `change`.
fn edit(from: &Path, dir: &Path, name: &str, change: impl FnOnce(&mut toml::Value)) -> PathBuf {
    let text = std::fs::read_to_string(from).expect("a config");
    let mut config: toml::Value = toml::from_str(&text).expect("TOML");
    change(&mut config);
    let path = dir.join(name);
    std::fs::write(&path, toml::to_string(&config).expect("TOML")).expect("write");
    path
}

/// The org `id` of a config, to change.
fn org<'a>(config: &'a mut toml::Value, id: &str) -> &'a mut toml::Table {
    config["orgs"]
        .as_array_mut()
        .and_then(|o| o.iter_mut().find(|x| x["id"].as_str() == Some(id)))
        .and_then(toml::Value::as_table_mut)
        .unwrap_or_else(|| panic!("no org {id}"))
}

/// The sample users whose claims have `groups` (carol's have not: every
/// `contains(groups, ...)` is a lint error with her).
fn users_with_groups() -> Vec<String> {
    ["alice", "bob", "dave", "erin"]
        .iter()
        .map(|u| data().join(format!("users/{u}.json")).display().to_string())
        .collect()
}

fn simulate_json(config: &Path) -> Json {
    let run = rolemap(
        &[
            "simulate",
            &config.display().to_string(),
            &users(),
            "--output",
            "json",
        ],
        None,
    );
    run.code(0);
    serde_json::from_str(&run.stdout).expect("simulate --output json")
}

/// The recorded key placeholders, as the fake's keys.
fn key_for(header: &str) -> String {
    header
        .replace("<KEY_NO_ACTIONS>", NO_ACTIONS_KEY)
        .replace("<ORG_KEY>", ORG_KEY)
        .replace("<KEY>", ROOT_KEY)
}

/// The fake answers every recorded exchange after the setup (reads, edge
/// cases, writes, errors, the final state) as the real server did, in the
/// recorded order: same status, same body.
#[test]
fn the_fake_answers_every_recorded_exchange_as_pangolin_did() {
    let fake = Fake::start(State::recorded());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut replayed = 0;
    for ex in exchanges() {
        let phase = ex["phase"].as_str().unwrap_or_default();
        if !["read", "edge", "write", "error", "final"].contains(&phase) {
            continue;
        }
        let name = ex["name"].as_str().unwrap_or_default();
        let method = ex["method"].as_str().unwrap_or_default();
        let mut req = ureq::http::Request::builder().method(method).uri(format!(
            "{}{}",
            fake.url,
            ex["path"].as_str().unwrap_or_default()
        ));
        if let Some(h) = ex["request_headers"].as_object() {
            for (k, v) in h {
                req = req.header(k.as_str(), key_for(v.as_str().unwrap_or_default()));
            }
        }
        let body = match &ex["request_body"] {
            Json::Null => String::new(),
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        let request = req.body(body).expect("a request");
        let mut response = agent.run(request).unwrap_or_else(|e| panic!("{name}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        assert_eq!(
            status,
            ex["status"].as_u64().unwrap_or(0) as u16,
            "{name}: status\n{text}"
        );
        let got: Json = serde_json::from_str(&text).unwrap_or(Json::String(text.clone()));
        assert_eq!(got, ex["response_body"], "{name}: body");
        replayed += 1;
    }
    assert_eq!(
        replayed, 79,
        "the read, edge, write, error and final exchanges"
    );
}

/// `pull` of the recorded server, then `simulate`, gives the same logins
/// as the config written by hand from the recording.
#[test]
fn pull_of_the_recorded_server_simulates_as_the_hand_written_config() {
    let fake = Fake::start(State::recorded());
    let dir = scratch("pull-equals");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let text = std::fs::read_to_string(&pulled).expect("the pulled file");
    assert!(
        text.starts_with("# Pulled by `rolemap pangolin pull` from http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("pangolin.version 1.22.0: from --pangolin-version"),
        "{text}"
    );
    assert!(text.contains("inferred from the IdP's name"), "{text}");
    let hand = data().join("hand-written.toml");
    let (a, b) = (simulate_json(&pulled), simulate_json(&hand));
    assert_eq!(a, b, "pulled:\n{text}");
    assert_eq!(a.as_array().map(Vec::len), Some(5));
    // Without --pangolin-version: the newest release rolemap models, said so.
    let run = rolemap(
        &["pangolin", "pull", "--url", &fake.url, "--idp", "1"],
        Some(ROOT_KEY),
    );
    run.code(0)
        .stdout_has("the API does not tell the server's version");
    // YAML too, read back by `simulate`.
    let yaml = dir.join("pangolin.yaml");
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &fake.url,
            "--idp",
            "1",
            "-o",
            &yaml.display().to_string(),
            "--pangolin-version",
            "1.22.0",
        ],
        Some(ROOT_KEY),
    )
    .code(0);
    assert_eq!(simulate_json(&yaml), b);
}

/// Every list is read to its end, however the server pages it: offsets
/// for IdPs, policies and orgs, page numbers for roles.
#[test]
fn pull_reads_every_page_of_every_list() {
    let mut state = State::recorded();
    for i in 0..4 {
        state.add_org(&format!("extra-{i}"), &["Admin", "Member"]);
    }
    let many: Vec<String> = (0..7).map(|i| format!("Role {i:02}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    state.add_org("big", &refs);
    let fake = Fake::start(state);
    let run = rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &format!("{}/v1/", fake.url),
            "--idp",
            "1",
            "--page-size",
            "2",
        ],
        Some(ROOT_KEY),
    );
    run.code(0);
    let config: toml::Value = toml::from_str(&run.stdout).expect("TOML");
    let orgs = config["orgs"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = orgs.iter().filter_map(|o| o["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["home-lab", "acme", "media", "extra-0", "extra-1", "extra-2", "extra-3", "big"]
    );
    let big = orgs
        .iter()
        .find(|o| o["id"].as_str() == Some("big"))
        .expect("big");
    assert_eq!(big["roles"].as_array().map(Vec::len), Some(7));
    let acme = orgs
        .iter()
        .find(|o| o["id"].as_str() == Some("acme"))
        .expect("acme");
    assert_eq!(acme["roles"].as_array().map(Vec::len), Some(4));
    let log = fake.state().log.clone();
    for expected in [
        "GET /v1/orgs?limit=2&offset=6",
        "GET /v1/idp/1/org?limit=2&offset=0",
        "GET /v1/org/big/roles?pageSize=2&page=4",
        "GET /v1/org/acme/roles?pageSize=2&page=2",
    ] {
        assert!(
            log.iter().any(|l| l == expected),
            "no {expected} in {log:#?}"
        );
    }
    assert!(
        !log.iter().any(|l| l.contains("page=5")),
        "read past the end: {log:#?}"
    );
}

/// A config changed and applied is what a pull then gives; a second apply
/// changes nothing.
#[test]
fn apply_then_pull_round_trips_and_a_second_apply_changes_nothing() {
    let fake = Fake::start(State::recorded());
    let dir = scratch("round-trip");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let text = std::fs::read_to_string(&pulled).expect("pulled");
    let mut config: toml::Value = toml::from_str(&text).expect("TOML");
    config["idp"]["default_role_mapping"] =
        "contains(groups, 'pangolin-admins') && 'Admin' || 'Member'".into();
    let orgs = config["orgs"].as_array_mut().expect("orgs");
    for org in orgs.iter_mut() {
        let t = org.as_table_mut().expect("a table");
        match t["id"].as_str() {
            Some("home-lab") => {
                t.insert("linked".into(), true.into());
                t.insert(
                    "role_mapping".into(),
                    "contains(groups, 'homelab-admins') && 'Admin' || 'Viewer'".into(),
                );
                t.insert("org_mapping".into(), "contains(groups, 'homelab')".into());
            }
            Some("acme") => {
                t.remove("org_mapping");
            }
            _ => {}
        }
    }
    let file = dir.join("changed.toml");
    std::fs::write(&file, toml::to_string(&config).expect("TOML")).expect("write");
    let f = file.display().to_string();
    let mut args = vec![
        "pangolin",
        "apply",
        f.as_str(),
        "--url",
        fake.url.as_str(),
        "--idp",
        "1",
        "--claims",
    ];
    let users = users_with_groups();
    args.extend(users.iter().map(String::as_str));
    let run = rolemap(&args, Some(ROOT_KEY));
    run.code(0)
        .stdout_has("update the IdP")
        .stdout_has("create the policy for \"home-lab\"")
        .stdout_has("update the policy for \"acme\"")
        .stdout_has("cannot set a mapping back to null")
        .stdout_has("Pulled again: the server holds the file's mappings.");
    assert_eq!(
        writes(&fake),
        [
            "POST /v1/idp/1/oidc",
            "PUT /v1/idp/1/org/home-lab",
            "POST /v1/idp/1/org/acme"
        ]
    );
    // What the server holds now is the file.
    let again = pull(&fake, &dir, "again.toml");
    let again: toml::Value =
        toml::from_str(&std::fs::read_to_string(&again).expect("again")).expect("TOML");
    assert_eq!(again["idp"], config["idp"]);
    let acme = |c: &toml::Value| {
        c["orgs"]
            .as_array()
            .and_then(|o| o.iter().find(|x| x["id"].as_str() == Some("acme")).cloned())
    };
    assert_eq!(
        acme(&again).and_then(|a| a.get("org_mapping").cloned()),
        Some("".into())
    );
    assert_eq!(simulate_json(&dir.join("again.toml")), simulate_json(&file));
    // A second run changes nothing.
    let before = fake.state().log.len();
    let run = rolemap(
        &["pangolin", "apply", &f, "--url", &fake.url, "--idp", "1"],
        Some(ROOT_KEY),
    );
    run.code(0).stdout_has("Nothing to change.");
    assert!(fake.state().log[before..]
        .iter()
        .all(|l| l.starts_with("GET ")));
    // --prune deletes the policy the file has not (media, marked unlinked).
    let pruned = edit(&file, &dir, "pruned.toml", |c| {
        let media = org(c, "media");
        media.remove("role_mapping_builder");
        media.remove("org_mapping");
        media.insert("linked".into(), false.into());
    });
    let pruned = pruned.display().to_string();
    rolemap(
        &[
            "pangolin", "apply", &pruned, "--url", &fake.url, "--idp", "1", "--prune",
        ],
        Some(ROOT_KEY),
    )
    .code(0)
    .stdout_has("delete the policy for \"media\"")
    .stdout_has("Pulled again: the server holds the file's mappings.");
    assert!(!fake.state().policies.iter().any(|p| p["orgId"] == "media"));
}

/// A mapping with a lint error is never saved: nothing is written.
#[test]
fn apply_is_refused_on_a_lint_error_and_writes_nothing() {
    let fake = Fake::start(State::recorded());
    let dir = scratch("refused");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let text = std::fs::read_to_string(&pulled).expect("pulled");
    let broken = text.replace(
        "role_mapping = \"contains(groups, 'acme-admins') && 'Admin' || 'Member'\"",
        "role_mapping = \"contains(groups,\"",
    );
    assert_ne!(broken, text);
    let file = dir.join("broken.toml");
    std::fs::write(&file, broken).expect("write");
    let run = rolemap(
        &[
            "pangolin",
            "apply",
            &file.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
        ],
        Some(ROOT_KEY),
    );
    run.code(1)
        .stdout_has("Refused, nothing was written:")
        .stdout_has("orgs[\"acme\"].role_mapping: 1 lint error(s)");
    assert!(writes(&fake).is_empty(), "{:#?}", writes(&fake));
    // A failed expectation refuses too.
    let expect = dir.join("expect.toml");
    std::fs::write(
        &expect,
        "[[cases]]\nname = \"erin logs in\"\nsample = \"users/erin.json\"\nstatus = 500\n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.join("users")).expect("users");
    std::fs::copy(data().join("users/erin.json"), dir.join("users/erin.json")).expect("copy");
    let run = rolemap(
        &[
            "pangolin",
            "apply",
            &pulled.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
            "--expect",
            &expect.display().to_string(),
        ],
        Some(ROOT_KEY),
    );
    run.code(1).stdout_has("expectation \"erin logs in\" fails");
    assert!(writes(&fake).is_empty());
}

/// `--dry-run` shows the expressions and the logins that change, and
/// writes nothing.
#[test]
fn dry_run_shows_the_difference_and_writes_nothing() {
    let fake = Fake::start(State::recorded());
    let dir = scratch("dry-run");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let text = std::fs::read_to_string(&pulled).expect("pulled");
    let changed = text.replace(
        "contains(groups, 'acme-admins') && 'Admin' || 'Member'",
        "contains(groups, 'acme-admins') && 'Admin' || 'Editor'",
    );
    let file = dir.join("changed.toml");
    std::fs::write(&file, changed).expect("write");
    let f = file.display().to_string();
    let users = users_with_groups();
    let mut args = vec![
        "pangolin",
        "apply",
        f.as_str(),
        "--url",
        fake.url.as_str(),
        "--idp",
        "1",
        "--dry-run",
        "--claims",
    ];
    args.extend(users.iter().map(String::as_str));
    let run = rolemap(&args, Some(ROOT_KEY));
    run.code(0)
        .stdout_has("update the policy for \"acme\"")
        .stdout_has("role_mapping: \"contains(groups, 'acme-admins') && 'Admin' || 'Member'\" -> \"contains(groups, 'acme-admins') && 'Admin' || 'Editor'\"")
        .stdout_has("bob.json: HTTP")
        .stdout_has("+ acme: Editor")
        .stdout_has("- acme: Member")
        .stdout_has("Dry run: nothing was written.");
    assert!(writes(&fake).is_empty());
    let run = rolemap(
        &[
            "pangolin",
            "apply",
            &file.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
            "--dry-run",
            "--output",
            "json",
        ],
        Some(ROOT_KEY),
    );
    run.code(0);
    let v: Json = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["result"], "dry-run");
    assert_eq!(v["plan"]["changes"][0]["change"], "update-policy");
    assert!(writes(&fake).is_empty());
}

/// A change the server refuses half-way: the report says which were made
/// and which not, and what the server holds.
#[test]
fn a_500_half_way_reports_exactly_what_was_made() {
    let fake = Fake::start(State::recorded());
    let dir = scratch("half-way");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let file = edit(&pulled, &dir, "changed.toml", |c| {
        c["idp"]["default_role_mapping"] = "'Member'".into();
        let home = org(c, "home-lab");
        home.insert("linked".into(), true.into());
        home.insert("role_mapping".into(), "'Viewer'".into());
        org(c, "acme").insert("org_mapping".into(), "'acme'".into());
    });
    fake.state().fail_write = Some(1);
    let run = rolemap(
        &[
            "pangolin",
            "apply",
            &file.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
        ],
        Some(ROOT_KEY),
    );
    run.code(2)
        .stdout_has("made: update the IdP")
        .stdout_has("FAILED: create the policy for \"home-lab\": PUT")
        .stdout_has("HTTP 500 \"An error occurred\"")
        .stdout_has("not made: update the policy for \"acme\"")
        .stdout_has("still to do: create the policy for \"home-lab\"")
        .stdout_has("still to do: update the policy for \"acme\"");
    assert!(
        !run.stdout.contains("still to do: update the IdP"),
        "{}",
        run.stdout
    );
    // The rest goes through on the next run.
    fake.state().fail_write = None;
    rolemap(
        &[
            "pangolin",
            "apply",
            &file.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
        ],
        Some(ROOT_KEY),
    )
    .code(0)
    .stdout_has("Pulled again: the server holds the file's mappings.");
}

/// A DELETE that answers 200 and deletes nothing is not reported as saved.
#[test]
fn a_delete_the_server_did_not_make_is_reported() {
    let mut state = State::recorded();
    state.broken_delete = true;
    let fake = Fake::start(state);
    let dir = scratch("broken-delete");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let mut config: toml::Value =
        toml::from_str(&std::fs::read_to_string(&pulled).expect("pulled")).expect("TOML");
    config["orgs"]
        .as_array_mut()
        .expect("orgs")
        .retain(|o| o["id"].as_str() != Some("media"));
    let file = dir.join("no-media.toml");
    std::fs::write(&file, toml::to_string(&config).expect("TOML")).expect("write");
    rolemap(
        &[
            "pangolin",
            "apply",
            &file.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
            "--prune",
        ],
        Some(ROOT_KEY),
    )
    .code(1)
    .stdout_has("made: delete the policy for \"media\"")
    .stdout_has("the server does NOT hold")
    .stdout_has("still to do: delete the policy for \"media\"");
}

/// Errors name the fix: key, action, root, IdP, connection, not Pangolin.
#[test]
fn errors_name_their_fix() {
    let mut state = State::recorded();
    state.add_key(
        "rootkey00000003.noListIdpOrgsFAKE99",
        &["listIdps", "getIdp", "listOrgs", "listRoles"],
    );
    let fake = Fake::start(state);
    let url = fake.url.as_str();
    let pull = |key: Option<&str>, extra: &[&str]| {
        let mut args = vec!["pangolin", "pull", "--url", url];
        args.extend_from_slice(extra);
        rolemap(&args, key)
    };
    pull(Some("rootkey00000001.wrongsecret"), &["--idp", "1"])
        .code(2)
        .stderr_has("HTTP 401")
        .stderr_has("PANGOLIN_API_KEY");
    pull(None, &["--idp", "1"])
        .code(2)
        .stderr_has("no API key: set PANGOLIN_API_KEY");
    pull(Some("rootkey00000001"), &["--idp", "1"])
        .code(2)
        .stderr_has("no `.SECRET` part");
    pull(Some("rootkey00000003.noListIdpOrgsFAKE99"), &["--idp", "1"])
        .code(2)
        .stderr_has("lacks the action `listIdpOrgs`")
        .stderr_has("Server Admin > API Keys");
    pull(Some(ORG_KEY), &["--idp", "1"])
        .code(2)
        .stderr_has("root (server-level) API key");
    pull(Some(ROOT_KEY), &["--idp", "9"])
        .code(2)
        .stderr_has("no IdP 9 on this server: these exist: 1 \"Pocket ID\", 2 \"Authentik\"");
    pull(Some(ROOT_KEY), &[])
        .code(2)
        .stderr_has("--idp is needed")
        .stderr_has("1 \"Pocket ID\", 2 \"Authentik\"");
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &format!("{url}/dashboard"),
            "--idp",
            "1",
        ],
        Some(ROOT_KEY),
    )
    .code(2)
    .stderr_has("not Pangolin's integration API")
    .stderr_has("route does not exist");
    rolemap(
        &["pangolin", "pull", "--url", "ftp://x", "--idp", "1"],
        Some(ROOT_KEY),
    )
    .code(2)
    .stderr_has("--url:");
    // A key with no action may list IdPs (1.22.0 checks none) but not read one.
    pull(Some(NO_ACTIONS_KEY), &["--idp", "1"])
        .code(2)
        .stderr_has("lacks the action `getIdp`");
}

/// Connection errors name their fix: nothing listening, a CA file with no
/// certificate, a server that speaks no TLS.
#[test]
fn connection_errors_name_their_fix() {
    let fake = Fake::start(State::recorded());
    let url = fake.url.as_str();
    // Server down: a port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    rolemap(
        &[
            "pangolin",
            "check",
            "--url",
            &format!("http://127.0.0.1:{port}"),
            "--idp",
            "1",
            "--retries",
            "0",
        ],
        Some(ROOT_KEY),
    )
    .code(2)
    .stderr_has("connection refused")
    .stderr_has("flags.enable_integration_api");
    // HTTPS: a CA file that holds no certificate; a server that speaks no TLS.
    let dir = scratch("tls");
    let bad_ca = dir.join("ca.pem");
    std::fs::write(&bad_ca, "not a certificate\n").expect("write");
    let https = url.replace("http://", "https://");
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &https,
            "--idp",
            "1",
            "--ca-cert",
            &bad_ca.display().to_string(),
        ],
        Some(ROOT_KEY),
    )
    .code(2)
    .stderr_has("holds no `-----BEGIN CERTIFICATE-----` block");
    let run = rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &https,
            "--idp",
            "1",
            "--retries",
            "0",
            "--timeout",
            "2",
        ],
        Some(ROOT_KEY),
    );
    run.code(2)
        .stderr_has(&format!("{https}/v1 did not answer within 2 s"));
}

/// A key without the write actions: apply stops at the first write, names
/// the action, and reports nothing as made.
#[test]
fn a_read_only_key_cannot_apply_and_is_told_which_action_it_lacks() {
    let mut state = State::recorded();
    let read_only = "rootkey00000004.readonlySECRETfake1122";
    state.add_key(
        read_only,
        &["listIdps", "getIdp", "listIdpOrgs", "listOrgs", "listRoles"],
    );
    let fake = Fake::start(state);
    let dir = scratch("read-only");
    let pulled = pull(&fake, &dir, "pangolin.toml");
    let file = edit(&pulled, &dir, "changed.toml", |c| {
        c["idp"]["default_role_mapping"] = "'Member'".into();
    });
    rolemap(
        &[
            "pangolin",
            "apply",
            &file.display().to_string(),
            "--url",
            &fake.url,
            "--idp",
            "1",
        ],
        Some(read_only),
    )
    .code(2)
    .stdout_has("FAILED: update the IdP: HTTP 403")
    .stdout_has("lacks the action `updateIdp`")
    .stdout_has("still to do: update the IdP");
    assert!(!fake.state().idps[0]["idp"]["defaultRoleMapping"]
        .as_str()
        .unwrap_or_default()
        .starts_with("'Member'"));
}

/// HTTPS: a self-signed server is trusted with `--ca-cert`, refused
/// without it (the error names the flag).
#[test]
fn https_with_a_self_signed_certificate_needs_ca_cert() {
    let fake = Fake::start(State::recorded());
    let front = fake.tls_front();
    let dir = scratch("https");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &front.ca_pem).expect("write");
    let run = rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &front.url,
            "--idp",
            "1",
            "--ca-cert",
            &ca.display().to_string(),
        ],
        Some(ROOT_KEY),
    );
    run.code(0).stdout_has("name = \"Pocket ID\"");
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &front.url,
            "--idp",
            "1",
            "--retries",
            "0",
        ],
        Some(ROOT_KEY),
    )
    .code(2)
    .stderr_has("TLS with https://127.0.0.1:")
    .stderr_has("--ca-cert FILE");
}

/// `check`: lint, logins and expectations; exit 0 when all pass, 1 on a
/// lint error, a failed login nobody expects or a failed expectation.
#[test]
fn check_lints_simulates_and_runs_expectations() {
    let fake = Fake::start(State::recorded());
    let expect = data().join("expect.toml").display().to_string();
    let grouped = users_with_groups();
    let mut base = vec![
        "pangolin",
        "check",
        "--url",
        fake.url.as_str(),
        "--idp",
        "1",
        "--claims",
    ];
    base.extend(grouped.iter().map(String::as_str));
    let with_expect = [base.clone(), vec!["--expect", expect.as_str()]].concat();
    rolemap(&with_expect, Some(ROOT_KEY))
        .code(0)
        .stdout_has("Lint:")
        .stdout_has("alice.json")
        .stdout_has("2 passed, 0 failed")
        .stdout_has("OK:");
    // Without the expectations, erin's failed login (no identifier) fails the check.
    rolemap(&base, Some(ROOT_KEY))
        .code(1)
        .stdout_has("1 failed login(s) the expectations do not expect");
    // carol has no `groups` claim: every `contains(groups, ...)` is a lint
    // error (her login is an HTTP 500), even though the expectations expect it.
    let all = users();
    rolemap(
        &[
            "pangolin", "check", "--url", &fake.url, "--idp", "1", "--claims", &all, "--expect",
            &expect,
        ],
        Some(ROOT_KEY),
    )
    .code(1)
    .stdout_has("error[RM012 missing-claim-type-error]")
    .stdout_has("FAILED: ");
    // A dashboard edit breaks a mapping: the check fails, in JSON for CI.
    {
        let mut s = fake.state();
        let p = s
            .policies
            .iter_mut()
            .find(|p| p["orgId"] == "acme")
            .expect("acme");
        p["roleMapping"] = "contains(groups,".into();
    }
    let args = [with_expect, vec!["--output", "json"]].concat();
    let run = rolemap(&args, Some(ROOT_KEY));
    run.code(1);
    let v: Json = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["failed"], true);
    let reasons = v["reasons"].to_string();
    assert!(reasons.contains("lint error"), "{reasons}");
    let acme = v["lint"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|i| i["field"] == "orgs[\"acme\"].role_mapping")
                .cloned()
        })
        .expect("acme's role mapping linted");
    assert_eq!(acme["diagnostics"][0]["severity"], "error");
}

/// Neither the API key nor an OIDC client secret reaches stdout, stderr or
/// a written file, whatever the command and its outcome.
#[test]
fn no_secret_reaches_any_output_or_file() {
    let fake = Fake::start(State::recorded());
    let dir = scratch("secrets");
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{ROOT_KEY}\n")).expect("write");
    let kf = key_file.display().to_string();
    let pulled = dir.join("pangolin.toml");
    let p = pulled.display().to_string();
    let u = users();
    let url = fake.url.as_str();
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            url,
            "--idp",
            "1",
            "-o",
            &p,
            "--api-key-file",
            &kf,
        ],
        None,
    )
    .code(0);
    rolemap(
        &["pangolin", "pull", "--url", url, "--idp", "2"],
        Some(ROOT_KEY),
    )
    .code(0);
    rolemap(
        &[
            "pangolin", "check", "--url", url, "--idp", "1", "--claims", &u, "--output", "json",
        ],
        Some(ROOT_KEY),
    );
    rolemap(
        &[
            "pangolin", "check", "--url", url, "--idp", "2", "--claims", &u,
        ],
        Some(ROOT_KEY),
    );
    let users = users_with_groups();
    let mut args = vec![
        "pangolin",
        "apply",
        p.as_str(),
        "--url",
        url,
        "--idp",
        "1",
        "--output",
        "json",
        "--claims",
    ];
    args.extend(users.iter().map(String::as_str));
    rolemap(&args, Some(ROOT_KEY)).code(0);
    rolemap(
        &["pangolin", "pull", "--url", url, "--idp", "1"],
        Some(&ROOT_KEY.replace("rootSECRET", "wrongSECRET")),
    )
    .code(2);
    rolemap(
        &[
            "pangolin",
            "pull",
            "--url",
            &format!("{url}/x"),
            "--idp",
            "1",
        ],
        Some(ROOT_KEY),
    )
    .code(2);
    rolemap(
        &["pangolin", "pull", "--url", url, "--idp", "9"],
        Some(ROOT_KEY),
    )
    .code(2);
    let mut haystack = OUTPUTS.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
    for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
        if entry.path() != key_file {
            haystack.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    assert!(
        haystack.contains("Pocket ID") && haystack.contains("Authentik"),
        "the outputs were gathered"
    );
    let secret = ROOT_KEY.split_once('.').map(|(_, s)| s).unwrap_or(ROOT_KEY);
    for needle in [
        ROOT_KEY,
        secret,
        CLIENT_SECRETS[0],
        CLIENT_SECRETS[1],
        "clientSecret",
        "client-secret",
    ] {
        assert!(
            !haystack.contains(needle),
            "{needle} reached an output or a file"
        );
    }
}
