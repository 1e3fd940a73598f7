//! The whole-process benchmark of `cargo xtask bench`: `rolemap eval
//! --jsonl` and `rolemap simulate` over 200,000 generated Pocket ID-like
//! tokens (one JSON object a line, `target/bench-tokens.jsonl`, made by
//! `benches/src/bin/tokens.rs`), beside node + jmespath@0.16.0 reading and
//! evaluating the same file (`benches/peers/eval_lines.js`), in one run,
//! interleaved round by round: wall time and CPU time (user + system, on
//! every core; the best of the rounds of each) and peak resident memory
//! (the largest) of each process, and what it wrote. CPU time moves less
//! than wall time when other work shares the machine.
//!
//! Each command runs under `xtask measure`, a process of its own whose only
//! child is the command: its `getrusage(RUSAGE_CHILDREN)` peak is then
//! exactly the command's.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use nix::sys::resource::{getrusage, UsageWho};
use serde_json::{json, Value as Json};

use crate::root;

/// Tokens in the input.
const TOKENS: usize = 200_000;

/// Rounds of every command.
const ROUNDS: usize = 5;

/// The docs' role mapping (Pangolin's Pocket ID guide).
const DOCS_MAPPING: &str = "contains(groups, 'admin') && 'Admin' || 'Member'";

/// Memory goal of every rolemap run, in MB.
const RSS_GOAL_MB: f64 = 64.0;

/// `xtask measure [--stdin FILE] PROGRAM ARGS...`: runs the command, its
/// stdout counted and dropped, and prints `{"ns", "cpu_ns", "max_rss_kb",
/// "stdout_bytes", "code"}`.
pub fn measure(args: &[String]) -> Result<(), String> {
    let (stdin, rest) = match args {
        [flag, file, rest @ ..] if flag == "--stdin" => (Some(file.as_str()), rest),
        _ => (None, args),
    };
    let [program, args @ ..] = rest else {
        return Err("usage: xtask measure [--stdin FILE] PROGRAM ARGS...".into());
    };
    let stdin = match stdin {
        Some(f) => Stdio::from(File::open(f).map_err(|e| format!("{f}: {e}"))?),
        None => Stdio::null(),
    };
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(root())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0usize;
    loop {
        match out.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes += n,
            Err(e) => return Err(format!("cannot read the output: {e}")),
        }
    }
    let status = child.wait().map_err(|e| format!("wait: {e}"))?;
    let ns = start.elapsed().as_nanos();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    let tv_ns = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e9 + t.tv_usec() as f64 * 1e3;
    println!(
        "{}",
        json!({
            "ns": ns as f64,
            "cpu_ns": tv_ns(usage.user_time()) + tv_ns(usage.system_time()),
            "max_rss_kb": usage.max_rss(),
            "stdout_bytes": bytes,
            "code": status.code(),
        })
    );
    Ok(())
}

/// One measured command.
struct Run {
    name: &'static str,
    stdin: Option<String>,
    program: String,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
}

fn measured(xtask: &Path, run: &Run) -> Result<Json, String> {
    let mut cmd = Command::new(xtask);
    cmd.arg("measure").current_dir(root());
    if let Some(f) = &run.stdin {
        cmd.args(["--stdin", f]);
    }
    cmd.arg(&run.program).args(&run.args);
    for (k, v) in &run.env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run xtask measure: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "measuring {} failed: {}",
            run.name,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{}: {e}", run.name))
}

/// Builds the release binaries and the token file (when missing).
fn prepare(target: &Path) -> Result<String, String> {
    crate::run(
        "cargo",
        &[
            "build",
            "--release",
            "-q",
            "-p",
            "rolemap-cli",
            "-p",
            "rolemap-benches",
            "--bin",
            "rolemap",
            "--bin",
            "tokens",
        ],
    )?;
    let tokens = target.join("bench-tokens.jsonl");
    if !tokens.exists() {
        eprintln!("+ tokens {TOKENS} > {}", tokens.display());
        let file = File::create(&tokens).map_err(|e| format!("{}: {e}", tokens.display()))?;
        let status = Command::new(target.join("release/tokens"))
            .arg(TOKENS.to_string())
            .stdout(file)
            .status()
            .map_err(|e| format!("cannot run tokens: {e}"))?;
        if !status.success() {
            return Err(format!("tokens failed ({status})"));
        }
    }
    Ok(tokens.display().to_string())
}

/// Runs every command `ROUNDS` times, interleaved; keeps the JSON in
/// `target/bench-whole.json`, or with `reuse` reads it back.
pub fn results(target: &Path, reuse: bool) -> Result<Json, String> {
    let kept = target.join("bench-whole.json");
    if reuse {
        let text = std::fs::read_to_string(&kept)
            .map_err(|e| format!("{}: {e} (run `cargo xtask bench` first)", kept.display()))?;
        return serde_json::from_str(&text).map_err(|e| format!("{}: {e}", kept.display()));
    }
    let tokens = prepare(target)?;
    let rolemap = target.join("release/rolemap").display().to_string();
    let pocket = "examples/pocket-id/pangolin.toml".to_string();
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let runs = [
        Run {
            name: "rolemap eval --jsonl",
            stdin: None,
            program: rolemap.clone(),
            args: s(&["eval", "--jsonl", DOCS_MAPPING, &tokens]),
            env: vec![],
        },
        Run {
            name: "node eval_lines.js",
            stdin: None,
            program: "node".into(),
            args: s(&["benches/peers/eval_lines.js", DOCS_MAPPING, &tokens]),
            env: vec![],
        },
        Run {
            name: "rolemap simulate (text report)",
            stdin: Some(tokens.clone()),
            program: rolemap.clone(),
            args: s(&["simulate", &pocket, "-"]),
            env: vec![],
        },
        Run {
            name: "rolemap simulate --output jsonl",
            stdin: Some(tokens.clone()),
            program: rolemap.clone(),
            args: s(&["simulate", &pocket, "-", "--output", "jsonl"]),
            env: vec![],
        },
        Run {
            name: "rolemap simulate --output jsonl, one thread",
            stdin: Some(tokens.clone()),
            program: rolemap.clone(),
            args: s(&["simulate", &pocket, "-", "--output", "jsonl"]),
            env: vec![("RAYON_NUM_THREADS", "1")],
        },
    ];
    let xtask = std::env::current_exe().map_err(|e| format!("xtask's own path: {e}"))?;
    let mut best: Vec<Json> = runs.iter().map(|_| Json::Null).collect();
    for round in 1..=ROUNDS {
        eprintln!("+ whole-process round {round}/{ROUNDS}");
        for (run, best) in runs.iter().zip(best.iter_mut()) {
            let m = measured(&xtask, run)?;
            let ns = m["ns"].as_f64().unwrap_or(f64::MAX);
            let cpu = m["cpu_ns"].as_f64().unwrap_or(f64::MAX);
            let rss = m["max_rss_kb"].as_i64().unwrap_or(0);
            if best.is_null() {
                *best = json!({ "name": run.name, "ns": ns, "cpu_ns": cpu, "max_rss_kb": rss,
                    "stdout_bytes": m["stdout_bytes"], "code": m["code"] });
            } else {
                if ns < best["ns"].as_f64().unwrap_or(f64::MAX) {
                    best["ns"] = json!(ns);
                }
                if cpu < best["cpu_ns"].as_f64().unwrap_or(f64::MAX) {
                    best["cpu_ns"] = json!(cpu);
                }
                if rss > best["max_rss_kb"].as_i64().unwrap_or(0) {
                    best["max_rss_kb"] = json!(rss);
                }
            }
        }
    }
    let v = json!({ "tokens": TOKENS, "rounds": ROUNDS, "runs": best });
    std::fs::write(&kept, v.to_string())
        .map_err(|e| format!("cannot write {}: {e}", kept.display()))?;
    Ok(v)
}

/// The markdown table of the whole-process runs, with the goals.
pub fn table(v: &Json) -> String {
    let mut md = String::new();
    let runs = v["runs"].as_array().cloned().unwrap_or_default();
    let ns_of = |name: &str| {
        runs.iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["ns"].as_f64())
    };
    let node = ns_of("node eval_lines.js");
    let cpu_of = |name: &str| {
        runs.iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["cpu_ns"].as_f64())
    };
    let node_cpu = cpu_of("node eval_lines.js");
    let _ = writeln!(
        md,
        "\nwhole process: {} Pocket ID-like tokens (target/bench-tokens.jsonl), `{DOCS_MAPPING}`; best wall time, best CPU time (user + system, all cores) and largest peak RSS of {} interleaved rounds\n",
        v["tokens"], v["rounds"]
    );
    let _ = writeln!(
        md,
        "| run | time | CPU time | peak RSS | stdout | vs node | CPU vs node |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|");
    for r in &runs {
        let ns = r["ns"].as_f64();
        let cpu = r["cpu_ns"].as_f64();
        let eval = r["name"].as_str().is_some_and(|n| n.contains("eval"));
        let vs = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if eval => format!("{:.3}", a / b),
            _ => "–".into(),
        };
        let bytes = r["stdout_bytes"].as_f64().unwrap_or(0.0);
        let stdout = if bytes < 1e6 {
            format!("{:.1} kB", bytes / 1e3)
        } else {
            format!("{:.1} MB", bytes / 1e6)
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.1} MB | {stdout} | {} | {} |",
            r["name"].as_str().unwrap_or("?"),
            ns.map_or("–".into(), |n| format!("{:.3} s", n / 1e9)),
            cpu.map_or("–".into(), |n| format!("{:.3} s", n / 1e9)),
            r["max_rss_kb"].as_f64().unwrap_or(0.0) / 1024.0,
            vs(ns, node),
            vs(cpu, node_cpu),
        );
    }
    let _ = writeln!(md);
    if let (Some(a), Some(b)) = (ns_of("rolemap eval --jsonl"), node) {
        let _ = writeln!(
            md,
            "- eval --jsonl: {:.1} times faster than node; goal at least 10: {}",
            b / a,
            if b / a >= 10.0 { "met" } else { "NOT met" }
        );
    }
    if let (Some(a), Some(b)) = (cpu_of("rolemap eval --jsonl"), node_cpu) {
        let _ = writeln!(
            md,
            "- eval --jsonl in CPU time (all its threads against node's): {:.1} times less than node",
            b / a
        );
    }
    let worst = runs
        .iter()
        .filter(|r| r["name"].as_str().is_some_and(|n| n.starts_with("rolemap")))
        .filter_map(|r| r["max_rss_kb"].as_f64())
        .fold(0.0_f64, f64::max)
        / 1024.0;
    let _ = writeln!(
        md,
        "- largest peak RSS of a rolemap run: {worst:.1} MB; goal at most {RSS_GOAL_MB} MB: {}",
        if worst <= RSS_GOAL_MB {
            "met"
        } else {
            "NOT met"
        }
    );
    md
}
