//! The bad-input corpus (tests/bad-inputs/, described in its README.md) fed
//! to every subcommand of the `rolemap` binary: eval, explain, lint,
//! simulate, test, fmt and decode.
//!
//! Every file goes into every slot a file can take (an `eval`/`explain`
//! input, stdin, `decode`, `lint --claims`, `simulate` claims, a `simulate`
//! config with and without claims, a `test` file). Wherever the file is not
//! valid (`ok_in` lists where it is) the run must exit 2, say `error:`, name
//! the file, and show no panic; `problem` adds the words that name what is
//! wrong, per slot. The expressions of tests/bad-inputs/expressions/ go to
//! eval, explain, fmt and lint as the expression argument.
//!
//! Big and deep inputs (10 MB of claims, 100 000 levels of nesting, a 1 MB
//! expression) are generated at test time, never committed.

mod rolemap_bin;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rolemap_bin::{run_in, Run};
use serde_json::{json, Value as Json};

/// The corpus folder.
fn corpus() -> PathBuf {
    rolemap_bin::repo().join("tests/bad-inputs")
}

const GOOD_CONFIG: &str = "good/pangolin.toml";
const GOOD_CLAIMS: &str = "good/alice.json";

/// The slots a file can take: each a list of commands, `{}` the file.
fn slots() -> Vec<(&'static str, Vec<Vec<&'static str>>)> {
    vec![
        (
            "input",
            vec![
                vec!["eval", "sub", "{}"],
                vec!["explain", "sub", "{}"],
                vec!["eval", "--jsonl", "sub", "{}"],
                vec!["eval", "-o", "json", "sub", "{}"],
                vec!["decode", "{}"],
            ],
        ),
        (
            "claims",
            vec![
                vec!["lint", "sub", "--as", "path", "--claims", "{}"],
                vec!["simulate", GOOD_CONFIG, "{}"],
                vec!["simulate", "-o", "json", GOOD_CONFIG, "{}"],
            ],
        ),
        ("config", vec![vec!["simulate", "{}", GOOD_CLAIMS]]),
        ("config-samples", vec![vec!["simulate", "{}"]]),
        ("test", vec![vec!["test", "{}"]]),
    ]
}

/// What was wrong with one run, if anything.
fn check(run: &Run, code: i32, names: Option<&str>, problem: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if run.panicked() {
        out.push("panicked".to_string());
    }
    if run.code != code {
        out.push(format!("exit code {} (expected {code})", run.code));
    }
    if code == 2 && !run.stderr.contains("error") {
        out.push("stderr does not say `error`".to_string());
    }
    if let Some(name) = names {
        if !run.stderr.contains(name) {
            out.push(format!("stderr does not name {name:?}"));
        }
    }
    let all = format!("{}{}", run.stdout, run.stderr);
    for p in problem {
        if !all.contains(p.as_str()) {
            out.push(format!("output lacks {p:?}"));
        }
    }
    out
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// `problem` of a case for `key` (a slot or a command): its own list, else `*`.
fn problem_for(case: &Json, key: &str) -> Vec<String> {
    match case.get("problem") {
        Some(Json::Array(_)) => strings(case.get("problem")),
        Some(Json::Object(m)) => strings(m.get(key).or_else(|| m.get("*"))),
        _ => Vec::new(),
    }
}

fn manifest() -> Json {
    let text = std::fs::read_to_string(corpus().join("cases.json")).expect("cases.json");
    serde_json::from_str(&text).expect("cases.json is JSON")
}

/// Runs `file` through every slot; returns the failures.
fn run_file(dir: &Path, file: &str, case: &Json) -> Vec<String> {
    let ok_in = strings(case.get("ok_in"));
    let mut failures = Vec::new();
    for (slot, commands) in slots() {
        if ok_in.iter().any(|s| s == slot) {
            continue;
        }
        let names = case
            .get("names")
            .and_then(|n| n.get(slot))
            .and_then(Json::as_str)
            .unwrap_or(file);
        for cmd in commands {
            // `decode` reads only JWTs: what it says of a JSON file is that
            // it is not a JWT, whatever is wrong with the JSON.
            let problem = if cmd[0] == "decode" {
                case.get("problem")
                    .and_then(|p| p.get("decode"))
                    .map(|p| strings(Some(p)))
                    .unwrap_or_default()
            } else {
                problem_for(case, slot)
            };
            let args: Vec<String> = cmd.iter().map(|a| a.replace("{}", file)).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = run_in(dir, &args, b"", None);
            let wrong = check(&run, 2, Some(names), &problem);
            if !wrong.is_empty() {
                failures.push(format!(
                    "[{slot}] rolemap {}: {}\n  stderr: {}",
                    args.join(" "),
                    wrong.join("; "),
                    run.stderr.trim_end().chars().take(400).collect::<String>()
                ));
            }
        }
    }
    // Stdin, where a file is not a folder.
    let path = dir.join(file);
    if path.is_file() && !ok_in.iter().any(|s| s == "input") {
        let bytes = std::fs::read(&path).expect("read");
        for args in [&["eval", "sub"][..], &["explain", "sub"], &["decode", "-"]] {
            let run = run_in(dir, args, &bytes, None);
            let wrong = check(&run, 2, Some("<stdin>"), &[]);
            if !wrong.is_empty() {
                failures.push(format!(
                    "[stdin] rolemap {} < {file}: {}\n  stderr: {}",
                    args.join(" "),
                    wrong.join("; "),
                    run.stderr.trim_end()
                ));
            }
        }
    }
    failures
}

#[test]
fn every_bad_file_through_every_subcommand() {
    let dir = corpus();
    let m = manifest();
    let cases = m["files"].as_array().expect("files");
    // Every file of the corpus has a case.
    let mut listed: Vec<&str> = cases.iter().filter_map(|c| c["path"].as_str()).collect();
    listed.sort_unstable();
    let mut on_disk: Vec<String> = std::fs::read_dir(dir.join("files"))
        .expect("files/")
        .filter_map(|e| e.ok())
        .map(|e| format!("files/{}", e.file_name().to_string_lossy()))
        .collect();
    on_disk.sort_unstable();
    for f in &on_disk {
        assert!(
            listed.contains(&f.as_str()),
            "{f} has no case in cases.json"
        );
    }
    let mut failures = Vec::new();
    for case in cases {
        let file = case["path"].as_str().expect("path");
        failures.extend(run_file(&dir, file, case));
    }
    println!("{} files through every slot", cases.len());
    assert!(
        failures.is_empty(),
        "{}\n\n{} failure(s)",
        failures.join("\n\n"),
        failures.len()
    );
}

#[test]
fn every_bad_expression_through_every_subcommand() {
    let dir = corpus();
    let m = manifest();
    let mut failures = Vec::new();
    for case in m["expressions"].as_array().expect("expressions") {
        let file = case["path"].as_str().expect("path");
        let text = std::fs::read_to_string(dir.join(file)).expect("read");
        let expr = text.strip_suffix('\n').unwrap_or(&text);
        for (name, args, default_code) in [
            ("eval", vec!["eval", expr, GOOD_CLAIMS], 2),
            ("explain", vec!["explain", expr, GOOD_CLAIMS], 2),
            ("fmt", vec!["fmt", expr], 2),
            // A syntax error is a finding of the linter: exit 1.
            ("lint", vec!["lint", expr, "--as", "role-mapping"], 1),
        ] {
            let code = case
                .get("exit")
                .and_then(|e| e.get(name))
                .and_then(Json::as_i64)
                .map_or(default_code, |c| c as i32);
            let run = run_in(&dir, &args, b"", None);
            let wrong = check(&run, code, None, &problem_for(case, name));
            if !wrong.is_empty() {
                failures.push(format!(
                    "rolemap {name} <{file}>: {}\n  stdout: {}\n  stderr: {}",
                    wrong.join("; "),
                    run.stdout.trim_end().chars().take(300).collect::<String>(),
                    run.stderr.trim_end().chars().take(300).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A scratch folder for generated inputs, holding the corpus' good files.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("rolemap-bad-inputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("good")).expect("scratch");
    for f in [GOOD_CONFIG, GOOD_CLAIMS] {
        std::fs::copy(corpus().join(f), dir.join(f)).expect("copy");
    }
    dir
}

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!("{}{}", open.repeat(depth), close.repeat(depth))
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            s.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    s
}

/// 10 MB of claims: an object with a 10 MB `groups` array.
fn big_claims() -> String {
    let mut s = String::from(r#"{"sub": "1", "preferred_username": "alice", "groups": ["#);
    let mut i = 0;
    while s.len() < 10 * 1024 * 1024 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\"group-{i:08}\""));
        i += 1;
    }
    s.push_str("]}");
    s
}

#[test]
fn generated_deep_and_big_bad_inputs() {
    let dir = scratch("generated");
    let deep = 100_000;
    let big = big_claims();
    let generated: Vec<(&str, String, Json)> = vec![
        (
            "deep.json",
            format!("{{\"sub\": {}}}", nested("[", "]", deep)),
            json!({"problem": {"input": ["recursion limit"], "claims": ["recursion limit"], "config": ["unknown field `sub`"]}}),
        ),
        (
            "deep-object.json",
            format!("{}1{}", "{\"a\":".repeat(deep), "}".repeat(deep)),
            json!({"problem": {"input": ["recursion limit"], "claims": ["recursion limit"]}}),
        ),
        (
            "deep.jwt",
            format!(
                "{}.{}.sig",
                b64url(b"{\"alg\":\"none\"}"),
                b64url(format!("{{\"a\": {}}}", nested("[", "]", deep)).as_bytes())
            ),
            json!({"problem": {"input": ["recursion limit"], "claims": ["recursion limit"]}}),
        ),
        (
            "deep-config.toml",
            format!("[idp]\nidentifier_path = \"sub\"\norgs = {}\n", nested("[", "]", deep)),
            json!({"problem": {"config": ["recursion limit"]}}),
        ),
        (
            "deep-config.json",
            format!("{{\"idp\": {{\"identifier_path\": \"sub\"}}, \"orgs\": {}}}", nested("[", "]", deep)),
            // serde_json stops at the first value of a wrong type, before the depth.
            json!({"problem": {"config": ["invalid type"]}}),
        ),
        (
            "deep-config.yaml",
            format!("idp:\n  identifier_path: sub\norgs: {}\n", nested("[", "]", deep)),
            json!({"problem": {"config": ["deeper than 128"]}}),
        ),
        (
            "deep-test.test.yaml",
            format!("config: good/pangolin.toml\ncases:\n  - claims: {{sub: \"1\", a: {}}}\n    status: 201\n", nested("[", "]", deep)),
            json!({"problem": {"test": ["deeper than 128"]}}),
        ),
        (
            "big-truncated.json",
            big[..big.len() - 2].to_string(),
            json!({"problem": {"input": [":1:", "EOF while parsing"], "claims": [":1:", "EOF while parsing"]}}),
        ),
        (
            "big-nul.json",
            format!("{}\0\"]}}", &big[..big.len() - 3]),
            json!({"problem": {"input": ["control character"], "claims": ["control character"]}}),
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, case) in &generated {
        std::fs::write(dir.join(name), text).expect("write");
        let start = Instant::now();
        failures.extend(run_file(&dir, name, case));
        println!(
            "{name}: {} bytes through every slot in {:?}",
            text.len(),
            start.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn overlong_expressions_are_rejected_in_every_subcommand() {
    let dir = scratch("long-expressions");
    // 120 KB fits in one argument (Linux allows 128 KB) and is over the
    // engine's 64 KB limit.
    let long = format!("a{}", " || a".repeat(24 * 1024));
    let mut failures = Vec::new();
    for (args, code) in [
        (vec!["eval", &long, GOOD_CLAIMS], 2),
        (vec!["explain", &long, GOOD_CLAIMS], 2),
        (vec!["fmt", &long], 2),
        (vec!["lint", &long, "--as", "role-mapping"], 1),
    ] {
        let run = run_in(&dir, &args, b"", None);
        let wrong = check(&run, code, None, &["bytes long".to_string()]);
        if !wrong.is_empty() {
            failures.push(format!("rolemap {}: {}", args[0], wrong.join("; ")));
        }
    }
    // A 1 MB one-line expression in files: a config's identifier path, a
    // mapping-test file's inline config, a compliance-suite case. The login
    // fails (Pangolin cannot evaluate it) and the simulation says why.
    let mega = format!("a{}", " || a".repeat(1024 * 1024 / 5));
    let config = format!(
        "[idp]\nidentifier_path = \"{mega}\"\nauto_provision = true\n\n[[orgs]]\nid = \"o\"\nroles = [\"Member\"]\n"
    );
    std::fs::write(dir.join("mega.toml"), &config).expect("write");
    let run = run_in(&dir, &["simulate", "mega.toml", GOOD_CLAIMS], b"", None);
    let wrong = check(&run, 0, None, &["bytes long".to_string()]);
    if !wrong.is_empty() {
        failures.push(format!(
            "rolemap simulate <1 MB identifier path>: {}",
            wrong.join("; ")
        ));
    }
    let suite = json!([{"given": {"a": 1}, "cases": [{"expression": mega, "result": 1}]}]);
    std::fs::write(dir.join("mega-suite.json"), suite.to_string()).expect("write");
    let run = run_in(&dir, &["test", "mega-suite.json"], b"", None);
    let wrong = check(&run, 1, None, &["bytes long".to_string()]);
    if !wrong.is_empty() {
        failures.push(format!(
            "rolemap test <1 MB expression in a suite>: {}",
            wrong.join("; ")
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ten_megabytes_of_claims_work() {
    let dir = scratch("big");
    std::fs::write(dir.join("big.json"), big_claims()).expect("write");
    let mut times = BTreeMap::new();
    for (args, code) in [
        (vec!["eval", "length(groups)", "big.json"], 0),
        (
            vec![
                "eval",
                "contains(groups, 'admin') && 'Admin' || 'Member'",
                "big.json",
            ],
            0,
        ),
        (
            vec![
                "explain",
                "groups[?starts_with(@, 'group-0000001')] | length(@)",
                "big.json",
            ],
            0,
        ),
        (vec!["simulate", GOOD_CONFIG, "big.json"], 0),
        (
            vec!["lint", "groups[0]", "--as", "path", "--claims", "big.json"],
            0,
        ),
    ] {
        let start = Instant::now();
        let run = run_in(&dir, &args, b"", Some("ulimit -v 2000000;"));
        times.insert(args.join(" "), start.elapsed());
        assert!(!run.panicked(), "{args:?}: {}", run.stderr);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
    }
    for (cmd, t) in times {
        println!("rolemap {cmd} (10 MB of claims): {t:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
