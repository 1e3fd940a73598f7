//! A million generated Pocket ID-like tokens piped through `eval --jsonl`
//! and `simulate --output jsonl`: one answer per token, in order, and the
//! child's peak resident memory within 64 MB (it does not grow with the
//! number of tokens). Nothing here is timed.
//!
//! The peak is `getrusage(RUSAGE_CHILDREN)`'s `ru_maxrss`: the largest of
//! the children this test binary has waited for (only the ones below), so
//! an upper bound of each.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use nix::sys::resource::{getrusage, UsageWho};

const TOKENS: usize = 1_000_000;

/// The bound on the child's peak resident memory.
const MAX_RSS_BYTES: i64 = 64 * 1024 * 1024;

/// Runs `rolemap args` with the generated tokens on stdin; gives the number
/// of stdout lines, the last line and the exit code.
fn pipe_tokens(args: &[&str]) -> (usize, String, i32) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolemap"))
        .args(args)
        .current_dir(repo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rolemap");
    let stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let mut w = BufWriter::new(stdin);
        for n in 0..TOKENS {
            writeln!(w, "{}", rolemap_benches::pocket_id_token(n)).expect("write a token");
        }
        w.flush().expect("flush the tokens");
    });
    let mut lines = 0;
    let mut last = String::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        last = line.expect("read a line");
        lines += 1;
    }
    writer.join().expect("the writer thread");
    let status = child.wait().expect("wait for rolemap");
    (lines, last, status.code().unwrap_or(-1))
}

/// The largest peak resident memory of the children waited for, in bytes.
fn children_peak_rss() -> i64 {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    // Linux gives ru_maxrss in kilobytes.
    usage.max_rss() * 1024
}

#[test]
fn a_million_tokens_stream_in_bounded_memory() {
    let (lines, last, code) = pipe_tokens(&[
        "eval",
        "--jsonl",
        "--output",
        "json",
        "contains(groups, 'admin') && 'Admin' || 'Member'",
        "-",
    ]);
    assert_eq!(lines, TOKENS, "one answer per token");
    // One token in a thousand has no `groups` (an evaluation error: exit 1).
    assert_eq!(code, 1);
    // Token 999,999 is in `admin` (every tenth is).
    assert_eq!(last, r#"{"result":"Member"}"#);
    let peak = children_peak_rss();
    assert!(
        peak <= MAX_RSS_BYTES,
        "eval --jsonl peaked at {} MB",
        peak >> 20
    );

    let (lines, last, code) = pipe_tokens(&[
        "simulate",
        "examples/pocket-id/pangolin.toml",
        "-",
        "--output",
        "jsonl",
    ]);
    assert_eq!(lines, TOKENS, "one login per token");
    assert_eq!(code, 0);
    let outcome: serde_json::Value = serde_json::from_str(&last).expect("a JSON line");
    assert_eq!(outcome["sample"], format!("<stdin>:{TOKENS}"));
    let peak = children_peak_rss();
    assert!(
        peak <= MAX_RSS_BYTES,
        "simulate --output jsonl peaked at {} MB",
        peak >> 20
    );
}

/// `lint --claims -` with 40,000 tokens on stdin: stdin is copied once
/// into a temporary file and read again from there by each rule (held in
/// memory, the same tokens took 120 MB); the report is the one the same
/// tokens give from a file, and the copy is gone afterwards.
#[test]
fn lint_claims_from_stdin_in_bounded_memory() {
    const SAMPLES: usize = 40_000;
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-stdin.jsonl");
    let mut w = BufWriter::new(std::fs::File::create(&file).expect("create the tokens file"));
    for n in 0..SAMPLES {
        writeln!(w, "{}", rolemap_benches::pocket_id_token(n)).expect("write a token");
    }
    w.flush().expect("flush the tokens");
    drop(w);
    let copies = || {
        std::fs::read_dir(std::env::temp_dir())
            .expect("the temporary folder")
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("rolemap-stdin-")
            })
            .count()
    };
    let before = copies();
    let lint = |claims: &str, stdin: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_rolemap"))
            .args([
                "lint",
                "contains(groups, 'admin') && 'Admin' || 'Member'",
                "--as",
                "role-mapping",
                "--output",
                "json",
                "--claims",
                claims,
            ])
            .stdin(stdin)
            .output()
            .expect("run rolemap lint")
    };
    let piped = lint("-", Stdio::from(std::fs::File::open(&file).expect("open")));
    let peak = children_peak_rss();
    let named = lint(file.to_str().expect("a UTF-8 path"), Stdio::null());
    assert_eq!(piped.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&piped.stdout),
        String::from_utf8_lossy(&named.stdout)
    );
    assert!(String::from_utf8_lossy(&piped.stdout).contains("samples #8, #1008, #2008"));
    assert!(
        peak <= MAX_RSS_BYTES,
        "lint --claims - peaked at {} MB",
        peak >> 20
    );
    assert_eq!(copies(), before, "the copy of stdin is deleted");
}

/// `lint --claims` over a JSON Lines file of 20,000 tokens: the samples are
/// read again for each rule that visits them, never held, so the peak stays
/// within the same bound (held, with an analysis per sample, they took 336
/// MB); the message names the first ten samples without `groups` and
/// counts the rest.
#[test]
fn lint_claims_stream_in_bounded_memory() {
    const SAMPLES: usize = 20_000;
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-claims.jsonl");
    let mut w = BufWriter::new(std::fs::File::create(&file).expect("create the tokens file"));
    for n in 0..SAMPLES {
        writeln!(w, "{}", rolemap_benches::pocket_id_token(n)).expect("write a token");
    }
    w.flush().expect("flush the tokens");
    drop(w);
    let out = Command::new(env!("CARGO_BIN_EXE_rolemap"))
        .args([
            "lint",
            "contains(groups, 'admin') && 'Admin' || 'Member'",
            "--as",
            "role-mapping",
            "--output",
            "json",
            "--claims",
        ])
        .arg(&file)
        .output()
        .expect("run rolemap lint");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    // One token in a thousand (the 8th, the 1,008th, ...) has no `groups`.
    assert_eq!(out.status.code(), Some(1), "{report}");
    let missing = "it is missing (null) in samples #8, #1008, #2008, #3008, #4008, #5008, #6008, #7008, #8008, #9008 and 10 more.";
    assert!(
        report["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "RM012"
                && d["message"].as_str().is_some_and(|m| m.contains(missing)))),
        "{report}"
    );
    let peak = children_peak_rss();
    assert!(
        peak <= MAX_RSS_BYTES,
        "lint --claims peaked at {} MB",
        peak >> 20
    );
}
