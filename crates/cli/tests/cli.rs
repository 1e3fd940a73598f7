//! The `rolemap` binary, run as a user runs it: every subcommand's happy
//! path, exit codes and JSON shapes.

mod common;

use common::{jwt, rolemap, rolemap_in, scratch, write};
use serde_json::json;

const ROLE: &str = "contains(groups, 'admin') && 'Admin' || 'Member'";
const ALICE: &str = "examples/pocket-id/users/alice.json";
const BOB: &str = "examples/pocket-id/users/bob.json";
const POCKET: &str = "examples/pocket-id/pangolin.toml";

// ---------------------------------------------------------------- help

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in [
        "eval",
        "explain",
        "lint",
        "simulate",
        "test",
        "fmt",
        "decode",
        "completions",
        "examples",
    ] {
        let r = rolemap(&[sub, "--help"], "");
        r.code(0);
        assert!(
            r.stdout.contains("Examples:"),
            "{sub} --help:\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains(&format!("rolemap {sub}")),
            "{sub}:\n{}",
            r.stdout
        );
    }
    let r = rolemap(&["--help"], "");
    r.code(0);
    assert!(r.stdout.contains("Exit codes"));
}

#[test]
fn usage_errors_exit_2() {
    rolemap(&[], "").code(2);
    rolemap(&["nope"], "").code(2);
    rolemap(&["eval"], "").code(2);
    rolemap(&["eval", "a", "--dialect", "python"], "{}").code(2);
    rolemap(&["lint", "a"], "").code(2); // --as is required
    rolemap(&["--version"], "").code(0);
}

// ---------------------------------------------------------------- eval

#[test]
fn eval_file_stdin_and_jwt() {
    let r = rolemap(&["eval", ROLE, ALICE], "");
    r.code(0);
    assert_eq!(r.stdout, "\"Admin\"\n");

    let r = rolemap(&["eval", ROLE, BOB], "");
    r.code(0);
    assert_eq!(r.stdout, "\"Member\"\n");

    let r = rolemap(&["eval", "groups"], r#"{"groups": ["a", "b"]}"#);
    r.code(0);
    assert_eq!(r.stdout, "[\n  \"a\",\n  \"b\"\n]\n");

    let r = rolemap(&["eval", "groups[0]", "-"], r#"{"groups": ["a"]}"#);
    r.code(0);
    assert_eq!(r.stdout, "\"a\"\n");

    let token = jwt(&json!({"sub": "1", "groups": ["admin"]}));
    let dir = scratch("eval_jwt");
    let file = write(&dir, "id_token.jwt", format!("{token}\n"));
    let r = rolemap(&["eval", ROLE, &file], "");
    r.code(0);
    assert_eq!(r.stdout, "\"Admin\"\n");
    // A JWT on stdin, with a `Bearer ` prefix.
    let r = rolemap(&["eval", "sub"], &format!("Bearer {token}"));
    r.code(0);
    assert_eq!(r.stdout, "\"1\"\n");
}

#[test]
fn eval_json_output_shapes() {
    let r = rolemap(&["eval", "--output", "json", ROLE, ALICE], "");
    r.code(0);
    assert_eq!(r.json(), json!({"result": "Admin"}));

    let r = rolemap(&["eval", "-o", "json", "contains(nope, 'x')"], "{}");
    r.code(1);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "invalid-type");
    assert_eq!(v["error"]["span"], json!([9, 13]));
    assert!(v["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("contains()")));
    assert!(v["error"]["js_message"]
        .as_str()
        .is_some_and(|m| m.starts_with("TypeError")));

    let r = rolemap(&["eval", "-o", "json", "a &&"], "{}");
    r.code(2);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "syntax");
    assert!(v["error"]["span"].is_array());
}

#[test]
fn eval_errors_are_rendered_with_a_snippet() {
    let r = rolemap(&["eval", "--color", "never", "contains(nope, 'x')"], "{}");
    r.code(1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("invalid-type error"), "{}", r.stderr);
    assert!(r.stderr.contains("contains(nope, 'x')"), "{}", r.stderr);
    assert!(r.stderr.contains("────"), "{}", r.stderr);
    assert!(r.stderr.contains("TypeError"), "{}", r.stderr);
    assert!(!r.stderr.contains('\x1b'), "no colour when not a terminal");

    let r = rolemap(&["eval", "--color", "never", "groups[?@ == 'a'"], "{}");
    r.code(2);
    assert!(r.stderr.contains("syntax error"), "{}", r.stderr);

    let r = rolemap(&["eval", "--color", "always", "contains(nope, 'x')"], "{}");
    r.code(1);
    assert!(r.stderr.contains('\x1b'), "colour with --color always");
}

/// What jmespath.js throws is said only where it throws: it reads
/// `` `Admin` `` as a string, which the spec rejects.
#[test]
fn spec_syntax_errors_do_not_claim_pangolin_throws() {
    let r = rolemap(&["eval", "--dialect", "spec", "`Admin`"], "{}");
    r.code(2);
    assert!(r.stderr.contains("invalid JSON in literal"), "{}", r.stderr);
    assert!(!r.stderr.contains("throws"), "{}", r.stderr);
    let r = rolemap(&["eval", "`Admin`"], "{}");
    r.code(0);
    assert_eq!(r.stdout, "\"Admin\"\n");
    let r = rolemap(&["eval", "`{`"], "{}");
    r.code(2);
    assert!(r.stderr.contains("(Pangolin) throws"), "{}", r.stderr);
}

#[test]
fn eval_jsonl_one_line_per_document() {
    let input = "{\"a\": 1}\n\n{\"a\": -2}\n{\"a\": \"x\"}\n";
    let r = rolemap(&["eval", "--jsonl", "abs(a)"], input);
    r.code(1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0], "1");
    assert_eq!(lines[1], "2");
    assert!(lines[2].starts_with("error[invalid-type]"), "{}", lines[2]);
    assert!(lines[2].contains("<stdin>:4"), "{}", lines[2]);

    let r = rolemap(
        &["eval", "--jsonl", "-o", "json", "a"],
        "{\"a\": 1}\n{\"a\": [true]}\n",
    );
    r.code(0);
    let docs: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(docs, vec![json!({"result": 1}), json!({"result": [true]})]);

    // A line that is not JSON is reported in its place; the others are
    // still evaluated, and the exit code is 2 (bad input).
    let r = rolemap(
        &["eval", "--jsonl", "a"],
        "{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n",
    );
    r.code(2);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!((lines[0], lines[2]), ("1", "3"));
    assert!(
        lines[1].starts_with("error[invalid-input]: <stdin>:2:"),
        "{}",
        lines[1]
    );
}

/// Numbers print as node prints jmespath.js's answers (`JSON.stringify`),
/// not in serde_json's forms (`1e+16`, `1e-6`, `9007199254740992.0`).
#[test]
fn eval_prints_numbers_as_javascript_does() {
    let input = r#"{"big": 1e16, "small": 0.000001, "edge": 9007199254740992}"#;
    let r = rolemap(&["eval", "--jsonl", "[big, small, edge]"], input);
    r.code(0);
    assert_eq!(r.stdout, "[10000000000000000,0.000001,9007199254740992]\n");
    let r = rolemap(&["explain", "big"], input);
    r.code(0);
    assert!(
        r.stdout.contains("result: 10000000000000000"),
        "{}",
        r.stdout
    );
    // The spec dialect keeps serde_json's forms.
    let r = rolemap(&["eval", "--jsonl", "--dialect", "spec", "big"], input);
    assert_eq!(r.stdout, "1e+16\n");
}

#[test]
fn eval_undefined_and_functions() {
    let r = rolemap(&["eval", "a.constructor"], r#"{"a": {}}"#);
    r.code(0);
    assert_eq!(r.stdout, "undefined\n");
    assert!(r.stderr.contains("note:"), "{}", r.stderr);

    let r = rolemap(&["eval", "-o", "json", "a.constructor"], r#"{"a": {}}"#);
    r.code(0);
    assert_eq!(
        r.json(),
        json!({"result": null, "undefined": true, "js_type": "function"})
    );

    // The spec dialect has no such thing.
    let r = rolemap(
        &["eval", "--dialect", "spec", "a.constructor"],
        r#"{"a": {}}"#,
    );
    r.code(0);
    assert_eq!(r.stdout, "null\n");
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_json_marks_short_circuits() {
    let r = rolemap(&["explain", "-o", "json", ROLE, ALICE], "");
    r.code(0);
    let v = r.json();
    assert_eq!(v["result"], "Admin");
    let root = &v["steps"];
    assert_eq!(root["node"], "or");
    assert_eq!(root["short_circuit"], true);
    assert_eq!(root["skipped"], "'Member'");
    assert_eq!(root["result_from"], "left");
    let and = &root["children"][0];
    assert_eq!(and["node"], "and");
    assert_eq!(and["short_circuit"], false);
    assert_eq!(and["result_from"], "right");
    assert_eq!(and["children"][0]["text"], "contains(groups, 'admin')");
    assert_eq!(and["children"][0]["value"], true);
    assert_eq!(and["children"][0]["span"], json!([0, 25]));

    let r = rolemap(&["explain", "-o", "json", "contains(nope, 'x')"], "{}");
    r.code(1);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "invalid-type");
    assert!(v["steps"]["error"].is_string());
}

#[test]
fn explain_text_truncates_values() {
    let long: Vec<String> = (0..50).map(|i| format!("group-number-{i}")).collect();
    let doc = json!({ "groups": long }).to_string();
    let r = rolemap(
        &["explain", "--width", "30", "--color", "never", "groups"],
        &doc,
    );
    r.code(0);
    let first = r.stdout.lines().next().unwrap_or_default();
    assert!(first.ends_with('…'), "{first}");
    assert!(first.chars().count() < 60, "{first}");
}

// ---------------------------------------------------------------- simulate

#[test]
fn simulate_the_pocket_id_example() {
    let r = rolemap(&["simulate", "--color", "never", POCKET], "");
    r.code(0);
    assert!(
        r.stdout
            .contains("https://pangolin.example.com/auth/idp/1/oidc/callback"),
        "{}",
        r.stdout
    );
    let header = r
        .stdout
        .lines()
        .find(|l| l.starts_with("SAMPLE"))
        .unwrap_or_default();
    for col in ["SAMPLE", "IDENTIFIER", "STATUS", "ORGS AND ROLES"] {
        assert!(header.contains(col), "{header}");
    }
    let alice = r
        .stdout
        .lines()
        .find(|l| l.starts_with("alice.json"))
        .unwrap_or_default();
    assert!(
        alice.contains("201") && alice.contains("home-lab: Admin"),
        "{alice}"
    );
    assert!(r.stdout.contains("Hints:"), "{}", r.stdout);
}

#[test]
fn simulate_json_is_the_array_of_outcomes() {
    let r = rolemap(&["simulate", "-o", "json", POCKET, ALICE, BOB], "");
    r.code(0);
    let v = r.json();
    let arr = v.as_array().expect("an array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["sample"], "alice.json");
    assert_eq!(arr[0]["status"], 201);
    assert_eq!(arr[0]["identifier"], "alice");
    assert_eq!(arr[0]["orgs"][0]["org"], "home-lab");
    assert!(arr[0]["trace"].is_array());
    assert!(arr[0]["hints"].is_array());
}

#[test]
fn simulate_failed_logins_still_exit_0() {
    let r = rolemap(
        &[
            "simulate",
            "--color",
            "never",
            "examples/pocket-id/no-groups-scope.toml",
        ],
        "",
    );
    r.code(0);
    assert!(r.stdout.contains("500"), "{}", r.stdout);
    assert!(r.stdout.contains("Failed logins:"), "{}", r.stdout);
}

#[test]
fn simulate_without_samples_is_a_usage_error() {
    let dir = scratch("simulate_no_samples");
    let cfg = write(&dir, "p.toml", "[idp]\nidentifier_path = \"sub\"\n");
    let r = rolemap(&["simulate", &cfg], "");
    r.code(2);
    assert!(r.stderr.contains("p.toml"), "{}", r.stderr);
}

#[test]
fn every_example_config_simulates() {
    let examples = common::repo().join("examples");
    let mut count = 0;
    for dir in std::fs::read_dir(&examples).expect("examples/").flatten() {
        let dir = dir.path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("example dir").flatten() {
            let f = f.path();
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            let is_config = f.extension().is_some_and(|e| e == "toml")
                && text.contains("[idp]")
                && text.contains("samples");
            if !is_config {
                continue;
            }
            count += 1;
            let p = f.display().to_string();
            let r = rolemap(&["simulate", &p], "");
            assert_eq!(r.code, 0, "{p}:\n{}\n{}", r.stdout, r.stderr);
            r.no_panic();
            let r = rolemap(&["simulate", "-o", "json", &p], "");
            r.code(0);
            assert!(r.json().is_array(), "{p}");
        }
    }
    assert!(count > 0, "no example config found");
}

// ---------------------------------------------------------------- test

#[test]
fn test_runs_the_example_test_files() {
    let examples = common::repo().join("examples");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&examples).expect("examples/").flatten() {
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let f = f.path();
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if f.extension().is_some_and(|e| e == "toml") && text.contains("[[cases]]") {
                files.push(f.display().to_string());
            }
        }
    }
    assert!(!files.is_empty(), "no example test file");
    let mut args = vec!["test"];
    args.extend(files.iter().map(String::as_str));
    let r = rolemap(&args, "");
    r.code(0);
    let last = r.stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

/// Runs `rolemap test` on a test file (in scratch folder `name`) of the
/// Pocket ID example's config, whose cases are `cases` (TOML; `$ALICE`
/// stands for the path of alice's claims).
fn run_pocket_test_file(name: &str, cases: &str) -> common::Run {
    let dir = scratch(name);
    let cfg = common::repo().join(POCKET).display().to_string();
    let alice = common::repo().join(ALICE).display().to_string();
    let text = format!(
        "config = {cfg:?}\n\n{}",
        cases.replace("$ALICE", &format!("{alice:?}"))
    );
    let file = write(&dir, &format!("{name}.test.toml"), text);
    rolemap(&["test", "--color", "never", &file], "")
}

#[test]
fn test_reports_failures_and_counts() {
    let r = run_pocket_test_file(
        "test_failures",
        "[[cases]]\nname = \"alice is Member (wrong)\"\nsample = $ALICE\nstatus = 201\norgs = [{ org = \"home-lab\", roles = [\"Member\"] }]\n\n[[cases]]\nname = \"alice logs in\"\nsample = $ALICE\nstatus = 201\n",
    );
    r.code(1);
    assert!(r.stdout.contains("FAIL"), "{}", r.stdout);
    assert!(r.stdout.contains("alice is Member (wrong)"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().last(), Some("1 passed, 1 failed"));
}

/// A failed expectation shows the values as written (`"alice"`), never
/// Rust's debug output (`Some("alice")`, `None`).
#[test]
fn test_failures_show_values_not_rust_debug_output() {
    let r = run_pocket_test_file(
        "test_failure_values",
        "[[cases]]\nname = \"upper-case identifier\"\nsample = $ALICE\nstatus = 201\nidentifier = \"ALICE\"\n\n[[cases]]\nname = \"no username claim\"\nclaims = { sub = \"1\" }\nstatus = 400\nidentifier = \"alice\"\n",
    );
    r.code(1);
    assert!(
        r.stdout
            .contains("identifier: expected \"ALICE\", got \"alice\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("identifier: expected \"alice\", got no identifier"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Some(") && !r.stdout.contains("None"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().last(), Some("0 passed, 2 failed"));
}

#[test]
fn test_help_names_the_real_example_files() {
    let r = rolemap(&["test", "--help"], "");
    r.code(0);
    assert!(
        r.stdout.contains("rolemap test examples/*/expect.toml"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("tests.toml"), "{}", r.stdout);
}

#[test]
fn test_runs_compliance_suites() {
    let dir = scratch("test_suites");
    let suite = json!([{
        "given": {"a": {"b": 1}},
        "cases": [
            {"expression": "a.b", "result": 1},
            {"expression": "a.c", "result": null},
            {"expression": "a.", "error": "syntax"}
        ]
    }]);
    let ok = write(&dir, "ok.json", suite.to_string());
    let r = rolemap(&["test", &ok], "");
    r.code(0);
    assert_eq!(r.stdout.lines().last(), Some("3 passed, 0 failed"));

    let bad = json!([{"given": {}, "cases": [{"expression": "`1`", "result": 2}]}]);
    let bad = write(&dir, "bad.json", bad.to_string());
    let r = rolemap(&["test", "--color", "never", &ok, &bad], "");
    r.code(1);
    assert!(r.stdout.contains("FAIL"), "{}", r.stdout);
    assert!(r.stdout.contains("bad.json group 0 case 0"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().last(), Some("3 passed, 1 failed"));

    let official = common::repo().join("tests/compliance/official/basic.json");
    let r = rolemap(
        &["test", "--dialect", "spec", &official.display().to_string()],
        "",
    );
    r.code(0);
}

#[test]
fn test_unreadable_files_exit_2() {
    let dir = scratch("test_unreadable");
    let r = rolemap(
        &["test", &dir.join("missing.toml").display().to_string()],
        "",
    );
    r.code(2);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
    let garbage = write(&dir, "garbage.json", [0xff, 0xfe, 0x00, 0x9f]);
    let r = rolemap(&["test", &garbage], "");
    r.code(2);
    assert!(r.stderr.contains("garbage.json"), "{}", r.stderr);
}

// ---------------------------------------------------------------- fmt

#[test]
fn fmt_prints_and_checks_the_canonical_form() {
    let r = rolemap(&["fmt", ROLE], "");
    r.code(0);
    let canonical = r.stdout.trim_end().to_string();
    assert!(!canonical.is_empty());
    // The canonical form is a fixed point.
    let r = rolemap(&["fmt", &canonical], "");
    r.code(0);
    assert_eq!(r.stdout.trim_end(), canonical);
    rolemap(&["fmt", "--check", &canonical], "").code(0);

    let messy = "contains( groups ,'admin')&&'Admin'  ||'Member'";
    let r = rolemap(&["fmt", "--check", messy], "");
    r.code(1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains(&canonical), "{}", r.stderr);
    rolemap(&["fmt", "a["], "").code(2);
}

/// `--check`'s help says what it does: the canonical form on stderr.
#[test]
fn fmt_check_help_says_it_shows_the_canonical_form() {
    let r = rolemap(&["fmt", "--help"], "");
    r.code(0);
    let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!help.contains("Print nothing;"), "{}", r.stdout);
    assert!(
        help.contains("otherwise exit 1 and show the canonical form on stderr"),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------- decode

#[test]
fn decode_a_token_a_file_and_stdin() {
    let claims = json!({"sub": "1", "preferred_username": "alice", "exp": 1_767_225_600});
    let token = jwt(&claims);
    let r = rolemap(&["decode", &token], "");
    r.code(0);
    assert!(r.stdout.contains("\"RS256\""), "{}", r.stdout);
    assert!(
        r.stdout.contains("\"preferred_username\": \"alice\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("2026-01-01 00:00:00 UTC"), "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains("signature was NOT verified")),
        "{}",
        r.stdout
    );

    let dir = scratch("decode");
    let file = write(&dir, "t.jwt", format!("{token}\n"));
    let r = rolemap(&["decode", "-o", "json", &file], "");
    r.code(0);
    let v = r.json();
    assert_eq!(v["payload"], claims);
    assert_eq!(v["header"]["alg"], "RS256");
    assert_eq!(v["verified"], false);

    let r = rolemap(&["decode"], &token);
    r.code(0);
    assert!(r.stdout.contains("alice"));
}

/// `rolemap decode <(cat t.jwt)`, `cat t.jwt | rolemap decode /dev/stdin`,
/// `rolemap decode /dev/null`: whatever exists is read, regular file or not.
#[cfg(unix)]
#[test]
fn decode_reads_pipes_and_devices_not_only_regular_files() {
    let token = jwt(&json!({"sub": "1", "preferred_username": "alice"}));
    let r = rolemap(&["decode", "-o", "json", "/dev/stdin"], &token);
    r.code(0);
    assert_eq!(r.json()["payload"]["preferred_username"], "alice");
    let r = rolemap(&["eval", "preferred_username", "/dev/stdin"], &token);
    r.code(0);
    assert_eq!(r.stdout.trim_end(), "\"alice\"");

    // A FIFO, as `<(...)` gives.
    let dir = scratch("decode_fifo");
    let fifo = dir.join("token.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo (coreutils: `apt-get install coreutils`)");
    assert!(made.success(), "mkfifo failed");
    let writer = {
        let (fifo, token) = (fifo.clone(), token.clone());
        std::thread::spawn(move || std::fs::write(fifo, token))
    };
    let r = rolemap(&["decode", "-o", "json", &fifo.display().to_string()], "");
    r.code(0);
    assert_eq!(r.json()["payload"]["preferred_username"], "alice");
    writer
        .join()
        .expect("the writer thread")
        .expect("write the FIFO");

    // It exists but is empty: say so, not "no such file".
    let r = rolemap(&["decode", "/dev/null"], "");
    r.code(2);
    assert!(
        r.stderr.contains("/dev/null: the file is empty"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("no such file"), "{}", r.stderr);

    // Only what does not exist is "no such file".
    let missing = dir.join("missing.jwt").display().to_string();
    let r = rolemap(&["decode", &missing], "");
    r.code(2);
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
}

// ---------------------------------------------------------------- file names

/// File names need not be UTF-8 (as for `lint --claims` and `simulate`).
#[cfg(unix)]
#[test]
fn file_names_need_not_be_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = scratch("non_utf8_names");
    let claims = json!({"sub": "1", "preferred_username": "alice", "groups": ["admin"]});
    let json_name = OsStr::from_bytes(b"g\xff.json");
    std::fs::write(dir.join(json_name), claims.to_string()).expect("write the claims");
    let jwt_name = OsStr::from_bytes(b"t\xff.jwt");
    std::fs::write(dir.join(jwt_name), jwt(&claims)).expect("write the token");
    let run = |args: &[&OsStr]| common::rolemap_bytes(&dir, args, b"");
    let os = OsStr::new;

    let r = run(&[os("eval"), os("groups[0]"), json_name]);
    r.code(0);
    assert_eq!(r.stdout.trim_end(), "\"admin\"");
    let r = run(&[os("eval"), os("preferred_username"), jwt_name]);
    r.code(0);
    assert_eq!(r.stdout.trim_end(), "\"alice\"");
    let r = run(&[os("explain"), os(ROLE), json_name]);
    r.code(0);
    assert!(r.stdout.contains("result: \"Admin\""), "{}", r.stdout);
    let r = run(&[os("decode"), os("-o"), os("json"), jwt_name]);
    r.code(0);
    assert_eq!(r.json()["payload"], claims);

    // A name that is not UTF-8 and names nothing is not a token either.
    let r = run(&[os("decode"), OsStr::from_bytes(b"missing\xff.jwt")]);
    r.code(2);
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
    // The token itself still works as the argument.
    let token = jwt(&claims);
    let r = run(&[os("decode"), os(&token)]);
    r.code(0);
    assert!(r.stdout.contains("alice"), "{}", r.stdout);
}

// ---------------------------------------------------------------- completions, examples

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = rolemap(&["completions", shell], "");
        r.code(0);
        assert!(r.stdout.contains("rolemap"), "{shell}");
        assert!(r.stdout.contains("simulate"), "{shell}");
    }
    rolemap(&["completions", "tcsh"], "").code(2);
}

#[test]
fn examples_lists_the_presets() {
    let r = rolemap(&["examples", "--color", "never"], "");
    r.code(0);
    assert!(r.stdout.contains("pocket-id"), "{}", r.stdout);
    assert!(r.stdout.contains("rolemap simulate"), "{}", r.stdout);
    let r = rolemap(&["examples", "-o", "json"], "");
    r.code(0);
    assert!(r.json().as_array().is_some_and(|a| !a.is_empty()));
    // The examples are built in: listed from any folder (0). Below a
    // checkout (the scratch folder is in its target/), the commands point
    // into the checkout's examples/.
    let dir = scratch("examples_below_checkout");
    let r = rolemap_in(&dir, &["examples", "--color", "never"], "");
    r.code(0);
    let config = common::repo().join("examples/pocket-id/pangolin.toml");
    let command = format!("rolemap simulate {}", config.display());
    assert!(r.stdout.contains(&command), "{command}\n{}", r.stdout);
    assert!(!r.stdout.contains("--write"), "{}", r.stdout);
}

// ---------------------------------------------------------------- lint

#[test]
fn lint_a_clean_role_mapping() {
    let r = rolemap(
        &[
            "lint",
            "--color",
            "never",
            ROLE,
            "--as",
            "role-mapping",
            "--roles",
            "Admin",
            "Member",
            "--claims",
            "examples/pocket-id/users",
        ],
        "",
    );
    r.code(0);
    assert!(
        r.stdout
            .contains("this mapping can give: 'Admin', 'Member'"),
        "{}",
        r.stdout
    );
}

/// `--claims -` reads the claims from stdin: a JSON object, a JWT, or
/// JSON Lines; `simulate` takes `-` the same way.
#[test]
fn claims_from_stdin() {
    let lint = |stdin: &str| {
        rolemap(
            &[
                "lint",
                "--color",
                "never",
                ROLE,
                "--as",
                "role-mapping",
                "--claims",
                "-",
            ],
            stdin,
        )
    };
    // Read: without claims, the linter warns that `groups` may be missing.
    let admin = r#"{"sub": "a", "groups": ["admin"]}"#;
    for stdin in [
        admin.to_string(),
        jwt(&json!({"sub": "a", "groups": ["admin"]})),
    ] {
        let r = lint(&stdin);
        r.code(0);
        assert!(r.stdout.contains("no finding"), "{}", r.stdout);
    }
    // JSON Lines: the second sample lacks `groups`, an error (HTTP 500).
    let r = lint(&format!("{admin}\n{}\n", r#"{"sub": "b"}"#));
    r.code(1);
    assert!(r.stdout.contains("RM012"), "{}", r.stdout);
    // One JWT per line.
    let token = jwt(&json!({"sub": "a", "groups": ["admin"]}));
    lint(&format!("{token}\n{token}\n")).code(0);
    // JSON Lines with a bad line: that line's error.
    let r = lint(&format!("{admin}\n{admin}\n{{\"groups\": [oops\n"));
    r.code(2);
    assert!(r.stderr.contains("<stdin>:3:"), "{}", r.stderr);
    // Not claims: the JSON error, at stdin's line and column.
    let r = lint("{\"sub\": ");
    r.code(2);
    assert!(r.stderr.contains("<stdin>"), "{}", r.stderr);

    let r = rolemap(&["simulate", POCKET, "-", "--output", "json"], admin);
    r.code(0);
    let outcomes: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(outcomes.as_array().map(Vec::len), Some(1), "{}", r.stdout);
}

#[test]
fn lint_errors_exit_1_with_miette_snippets() {
    let r = rolemap(
        &[
            "lint",
            "--color",
            "never",
            "contains(groups, 'admin') && 'Admin' || 'member'",
            "--as",
            "role-mapping",
            "--roles",
            "Admin",
            "Member",
        ],
        "",
    );
    r.code(1);
    assert!(r.stdout.contains("╭─[role mapping:1:"), "{}", r.stdout);
    assert!(r.stdout.contains("'member'"), "{}", r.stdout);
    assert!(r.stdout.contains("error(s)"), "{}", r.stdout);

    let r = rolemap(&["lint", "a &&", "--as", "path"], "");
    r.code(1);
}

#[test]
fn lint_deny_warnings() {
    let expr = "['Admin', 'Member']";
    let base = ["lint", expr, "--as", "role-mapping", "--edition", "oss"];
    let r = rolemap(&base, "");
    r.code(0);
    assert!(r.stdout.contains("warning"), "{}", r.stdout);
    let mut deny = base.to_vec();
    deny.extend(["--deny", "warnings"]);
    rolemap(&deny, "").code(1);
    // Enterprise keeps every role: nothing to warn about.
    rolemap(
        &[
            "lint",
            expr,
            "--as",
            "role-mapping",
            "--edition",
            "enterprise",
            "--deny",
            "warnings",
        ],
        "",
    )
    .code(0);
}

#[test]
fn lint_json_output() {
    let r = rolemap(
        &[
            "lint",
            "-o",
            "json",
            "contains(groups, \"admin\")",
            "--as",
            "org-mapping",
        ],
        "",
    );
    let v = r.json();
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(!diags.is_empty());
    for d in diags {
        for key in ["code", "name", "severity", "message", "span", "label"] {
            assert!(d.get(key).is_some(), "{key} in {d}");
        }
    }
    assert_eq!(v["as"], "org-mapping");
    assert!(v["can_give"].is_string());
    assert_eq!(r.code, if v["failed"] == true { 1 } else { 0 });
    r.no_panic();
}

#[test]
fn eval_org_id_substitution() {
    let expr = "contains(groups, '{{orgId}}')";
    let r = rolemap(&["eval", "--org-id", "media", expr, ALICE], "");
    r.code(0);
    assert_eq!(r.stdout, "true\n");
    let r = rolemap(&["eval", expr, ALICE], "");
    r.code(0);
    assert_eq!(r.stdout, "false\n");
}

/// Text from a config or a token never drives the terminal: on a terminal
/// (a pseudo-terminal from util-linux's `script`) as in a pipe, `fmt`
/// writes a string with control characters as a JSON literal whose escapes
/// (`\u001b`) stand for them: the same expression, with no control in it.
#[test]
fn escape_sequences_reach_a_terminal_only_as_visible_text() {
    let payload = "'\u{1b}]0;pwned\u{7}\u{1b}[2A'";
    let out = std::process::Command::new("script")
        .args(["-qec", "\"$ROLEMAP\" fmt \"$EXPR\"", "/dev/null"])
        .env("ROLEMAP", env!("CARGO_BIN_EXE_rolemap"))
        .env("EXPR", payload)
        .output()
        .expect("run `script`, which gives the test a terminal (util-linux; Debian: `apt-get install bsdutils`)");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    let canonical = "`\"\\u001b]0;pwned\\u0007\\u001b[2A\"`";
    assert_eq!(shown.trim_end(), canonical, "{shown:?}");

    let piped = rolemap(&["fmt", payload], "");
    piped.code(0);
    assert_eq!(piped.stdout.trim_end(), canonical);
    let same = rolemap(&["eval", canonical], "{}");
    same.code(0);
    assert_eq!(same.stdout, rolemap(&["eval", payload], "{}").stdout);
    assert_eq!(same.stdout, "\"\\u001b]0;pwned\\u0007\\u001b[2A\"\n");
}

// ---------------------------------------------------------------- examples

/// The examples are built in: outside a checkout they are listed, written
/// out with `--write`, and run from there; a second `--write` into the
/// same folder changes nothing.
#[test]
fn examples_work_outside_a_checkout() {
    // Outside the checkout (whose target folder holds `scratch`).
    let dir = std::env::temp_dir().join(format!("rolemap-examples-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let r = rolemap_in(&dir, &["examples"], "");
    r.code(0);
    assert!(r.stdout.contains("--write"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("rolemap simulate examples/pocket-id/pangolin.toml"),
        "{}",
        r.stdout
    );
    rolemap_in(&dir, &["examples", "--write", "ex"], "").code(0);
    let r = rolemap_in(&dir, &["test", "ex/pocket-id/expect.toml"], "");
    r.code(0);
    let before = std::fs::read(dir.join("ex/pocket-id/pangolin.toml")).expect("written");
    std::fs::write(dir.join("ex/pocket-id/pangolin.toml"), "# mine\n").expect("edit");
    let r = rolemap_in(&dir, &["examples", "--write", "ex"], "");
    r.code(2);
    assert!(r.stderr.contains("exists"), "{}", r.stderr);
    let after = std::fs::read(dir.join("ex/pocket-id/pangolin.toml")).expect("kept");
    assert_eq!(after, b"# mine\n");
    assert_ne!(before, after);
    let _ = std::fs::remove_dir_all(&dir);
}
