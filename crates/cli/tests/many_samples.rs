//! `simulate` and `eval --jsonl` over many samples: the summary report, the
//! JSON and JSON Lines outputs, `--fail-on`, errors in their place.

mod common;

use common::rolemap;

const POCKET: &str = "examples/pocket-id/pangolin.toml";
const DOCS_MAPPING: &str = "contains(groups, 'admin') && 'Admin' || 'Member'";

/// `n` generated tokens as JSON Lines (token 7 has no `groups`).
fn tokens(n: usize) -> String {
    (0..n)
        .map(|i| rolemap_benches::pocket_id_token(i) + "\n")
        .collect()
}

#[test]
fn many_samples_give_a_summary() {
    let stdin = tokens(500);
    let r = rolemap(&["simulate", "--color", "never", POCKET, "-"], &stdin);
    r.code(0);
    let text = &r.stdout;
    assert!(text.contains("500 sample(s)"), "{text}");
    // The failed login first, with its samples.
    let failed = text.find("Failed logins: 1 of 500").expect("failed logins");
    let outcomes = text.find("Outcomes:").expect("outcomes");
    assert!(failed < outcomes, "{text}");
    assert!(text.contains("samples: <stdin>:8\n"), "{text}");
    assert!(text.contains("       499  201 ok"), "{text}");
    assert!(text.contains("        50  home-lab: Admin\n"), "{text}");
    assert!(text.contains("       449  home-lab: Member\n"), "{text}");
    // The role-case hint: every third token is in `media`.
    assert!(
        text.contains("(167 logins)")
            && text.contains("<stdin>:1, <stdin>:4, <stdin>:7 and 164 more"),
        "{text}"
    );
    // No row per login.
    assert!(!text.contains("SAMPLE"), "{text}");
    assert!(text.lines().count() < 40, "{text}");
}

#[test]
fn a_screenful_is_still_a_table() {
    let r = rolemap(&["simulate", "--color", "never", POCKET, "-"], &tokens(40));
    r.code(0);
    assert!(r.stdout.contains("SAMPLE"), "{}", r.stdout);
    assert!(r.stdout.contains("<stdin>:40"), "{}", r.stdout);
}

#[test]
fn json_and_json_lines_hold_every_login() {
    let stdin = tokens(60);
    let json = rolemap(&["simulate", POCKET, "-", "--output", "json"], &stdin);
    json.code(0);
    let array = json.json();
    let array = array.as_array().expect("an array");
    assert_eq!(array.len(), 60);
    let lines = rolemap(&["simulate", POCKET, "-", "--output", "jsonl"], &stdin);
    lines.code(0);
    let objects: Vec<serde_json::Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(&objects, array);
    assert_eq!(objects[7]["status"], 500);
    assert_eq!(objects[59]["sample"], "<stdin>:60");
}

#[test]
fn fail_on_makes_a_failed_login_exit_1() {
    let stdin = tokens(10);
    rolemap(&["simulate", POCKET, "-"], &stdin).code(0);
    rolemap(&["simulate", POCKET, "-", "--fail-on", "failure"], &stdin).code(1);
    rolemap(&["simulate", POCKET, "-", "--fail-on", "hint"], &stdin).code(1);
    // Tokens 0..7 all log in; token 1 has the role-case hint.
    let ok = tokens(7);
    rolemap(&["simulate", POCKET, "-", "--fail-on", "failure"], &ok).code(0);
    rolemap(&["simulate", POCKET, "-", "--fail-on", "hint"], &ok).code(1);
}

#[test]
fn a_bad_line_stops_simulate_with_its_position() {
    let stdin = format!("{}{{\"sub\": \n{}", tokens(3), tokens(2));
    let r = rolemap(&["simulate", POCKET, "-", "--output", "jsonl"], &stdin);
    r.code(2);
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    assert!(r.stderr.contains("<stdin>:4:"), "{}", r.stderr);
}

#[test]
fn eval_jsonl_is_json_lines_in_every_case() {
    // A syntax error of the expression: one compact line.
    let r = rolemap(
        &["eval", "--jsonl", "-o", "json", "contains(groups,", "-"],
        &tokens(2),
    );
    r.code(2);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).expect("JSON");
    assert!(v["error"]["message"].is_string(), "{v}");
    // A line that is not JSON: reported in its place, the rest evaluated.
    let stdin = format!("{}{{\"groups\": [oops\n{}", tokens(2), tokens(1));
    let r = rolemap(
        &["eval", "--jsonl", "-o", "json", DOCS_MAPPING, "-"],
        &stdin,
    );
    r.code(2);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value a line"))
        .collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert_eq!(lines[0]["result"], "Admin");
    assert_eq!(lines[2]["error"]["kind"], "invalid-input");
    assert!(
        lines[2]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("<stdin>:3:")),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["result"], "Admin");
}

#[test]
fn eval_jsonl_reads_only_the_fields_it_needs_and_still_rejects_bad_json() {
    // The expression reads `groups`: a bad number elsewhere is still an error.
    let stdin = "{\"groups\": [\"admin\"], \"exp\": 1e400}\n{\"groups\": [], \"x\": [1,]}\n";
    let r = rolemap(&["eval", "--jsonl", "-o", "json", DOCS_MAPPING, "-"], stdin);
    r.code(2);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines.iter().all(|l| l.contains("invalid-input")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_missing_file_is_said_in_the_same_words_by_every_subcommand() {
    for args in [
        &["eval", "a", "missing.json"][..],
        &["eval", "--jsonl", "a", "missing.json"],
        &["explain", "a", "missing.json"],
        &["simulate", "missing.json"],
        &["simulate", POCKET, "missing.json"],
        &["simulate", POCKET, "missing.jsonl", "--output", "jsonl"],
        &["lint", "a", "--as", "path", "--claims", "missing.json"],
        &["test", "missing.json"],
        &["simulate", "missing.ini"],
        &[
            "simulate",
            "examples/grafana-authelia/grafana.ini",
            "missing.json",
        ],
        &["test", "missing-grafana/expect.toml"],
        &[
            "pangolin",
            "apply",
            "missing.toml",
            "--url",
            "http://127.0.0.1:9",
            "--idp",
            "1",
            "--dry-run",
        ],
    ] {
        let r = rolemap(args, "");
        r.code(2);
        let file = args
            .iter()
            .find(|a| a.starts_with("missing"))
            .unwrap_or(&"");
        assert!(
            r.stderr
                .contains(&format!("{file}: cannot read the file: no such file")),
            "{args:?}: {}",
            r.stderr
        );
    }
}

/// Writes `line` to a child and waits (at most a minute, so that a
/// regression fails instead of hanging) for its next line of output.
fn answer_of(
    stdin: &mut std::process::ChildStdin,
    lines: &std::sync::mpsc::Receiver<String>,
    line: &str,
) -> Option<String> {
    use std::io::Write;
    writeln!(stdin, "{line}").ok()?;
    stdin.flush().ok()?;
    lines.recv_timeout(std::time::Duration::from_secs(60)).ok()
}

#[test]
fn each_answer_comes_before_the_next_line_is_sent() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    // A producer that waits for each answer (a pipe, not a file): the
    // output of a line must not wait for more input.
    for args in [
        &["eval", "--jsonl", "-o", "json", DOCS_MAPPING, "-"][..],
        &["simulate", POCKET, "-", "--output", "jsonl"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rolemap"))
            .args(args)
            .current_dir(common::repo())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rolemap");
        let mut stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        for n in 0..3 {
            let answer = answer_of(&mut stdin, &rx, &rolemap_benches::pocket_id_token(n));
            assert!(answer.is_some(), "{args:?}: no answer to line {}", n + 1);
        }
        drop(stdin);
        let status = child.wait().expect("wait");
        assert!(status.code().is_some(), "{args:?}");
    }
}

/// A stream keeps the `same-user` hint of a whole run: a later line whose
/// identifier is an earlier one's once lower-cased names the first line,
/// across inputs too (a file after stdin); the summary counts them as one.
#[test]
fn same_users_are_hinted_in_a_stream() {
    let again = rolemap_benches::pocket_id_token(3).replace("\"user3\"", "\"USER3\"");
    // Line 51 is blank: labels are line numbers, not login numbers.
    let stdin = format!("{}\n{again}\n", tokens(50));
    let dir = common::scratch("many_samples/same-user");
    let file = common::write(&dir, "more.jsonl", format!("{again}\n"));
    let r = rolemap(
        &["simulate", POCKET, "-", &file, "--output", "jsonl"],
        &stdin,
    );
    r.code(0);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 52);
    let same = |o: &serde_json::Value| -> Vec<String> {
        o["hints"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|h| h["code"] == "same-user")
            .map(|h| h["message"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert!(
        lines[..50].iter().all(|o| same(o).is_empty()),
        "{}",
        r.stdout
    );
    assert_eq!(
        same(&lines[50]),
        ["`<stdin>:52` logs in as the same Pangolin user as `<stdin>:4` (`user3`: identifiers are compared lower-cased)"]
    );
    assert_eq!(
        same(&lines[51]),
        ["`more.jsonl:1` logs in as the same Pangolin user as `<stdin>:4` (`user3`: identifiers are compared lower-cased)"]
    );
    let r = rolemap(
        &["simulate", "--color", "never", POCKET, "-", &file],
        &stdin,
    );
    assert!(
        r.stdout.contains("[same-user] each of these samples logs in as the same Pangolin user as an earlier sample (identifiers are compared lower-cased) (2 logins)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("samples: <stdin>:52, more.jsonl:1\n"),
        "{}",
        r.stdout
    );
}

/// `--log` over more than a screenful: the log of the first 40 logins.
#[test]
fn the_log_of_a_summary_is_of_the_first_logins() {
    let r = rolemap(
        &["simulate", "--color", "never", "--log", POCKET, "-"],
        &tokens(45),
    );
    r.code(0);
    let log = r
        .stdout
        .split_once("per login, of the first 40 of 45 logins:\n")
        .map(|(_, log)| log)
        .unwrap_or_else(|| panic!("no log heading: {}", r.stdout));
    assert!(log.contains("\n  <stdin>:40\n"), "{log}");
    assert!(!log.contains("<stdin>:41"), "{log}");
    assert!(log.contains("User identifier"), "{log}");
}
