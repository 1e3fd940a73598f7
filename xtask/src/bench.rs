//! `cargo xtask bench`: every benchmark, side by side with the peer engines,
//! summed up as one markdown table of ratios (rolemap / peer; below 1 means
//! rolemap is faster).
//!
//! 1. criterion (`benches/benches/engines.rs`): rolemap and the `jmespath`
//!    crate (jmespath.rs) in the same run, each workload parsed, evaluated,
//!    and both; short measurement times (`ROLEMAP_BENCH_SECS`, default 0.5).
//! 2. `benches/peers/bench.js` (jmespath.js 0.16.0) and `bench.py` (Python
//!    jmespath) on the same workloads.
//! 3. `benches/benches/paired.rs`: rolemap and jmespath.rs again, in
//!    alternating short batches, for a ratio that the machine's changes of
//!    speed between two criterion measurements do not move (the goals the
//!    table ends with are judged on it).
//! 4. `benches/benches/simulate.rs` against `benches/peers/simulate.js`
//!    (Pangolin's loop, re-parsing) and `simulate_compiled.js` (each
//!    expression compiled once): 100,000 users x 20 orgs, on all cores and
//!    on one thread.
//! 5. The whole process ([`whole`]): `rolemap eval --jsonl` and `rolemap
//!    simulate` over 200,000 tokens beside node; `--whole` runs only this.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;

use crate::{have, root, run, whole};

/// Nanoseconds per operation, by workload, then by `parse`/`eval`/`both`.
type Table = BTreeMap<String, BTreeMap<String, f64>>;

const OPS: [&str; 3] = ["parse", "eval", "both"];

/// Runs a command in the repository root and returns its standard output.
fn output(program: &str, args: &[&str]) -> Result<String, String> {
    eprintln!("+ {program} {}", args.join(" "));
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The last line of `text` that is a JSON object.
fn last_json(text: &str) -> Result<Json, String> {
    text.lines()
        .rev()
        .find_map(|l| {
            serde_json::from_str::<Json>(l.trim())
                .ok()
                .filter(Json::is_object)
        })
        .ok_or_else(|| format!("no JSON result in: {text}"))
}

/// Criterion's median estimate for `group/engine/op`, in ns (the median,
/// not the mean: on a shared machine a burst of other work in a few
/// samples moves the mean of one engine and not the other's).
fn criterion_median(dir: &Path, group: &str, engine: &str, op: &str) -> Option<f64> {
    // criterion writes the benchmark `engine/op` of a group as `engine_op`.
    let path = dir
        .join(group)
        .join(format!("{engine}_{op}"))
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: Json = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// The workload names, in table order (as the benches crate lists them).
fn workload_names() -> Result<Vec<String>, String> {
    let text = output(
        "node",
        &[
            "-e",
            "for (const w of require('./benches/peers/common').workloads()) console.log(w.name)",
        ],
    )?;
    Ok(text.lines().map(str::to_string).collect())
}

fn peer_table(v: &Json) -> Table {
    let mut t = Table::new();
    if let Some(results) = v["results"].as_object() {
        for (name, ops) in results {
            let row = t.entry(name.clone()).or_default();
            for op in OPS {
                if let Some(ns) = ops[op].as_f64() {
                    row.insert(op.to_string(), ns);
                }
            }
        }
    }
    t
}

fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = output("rustc", &["--version"]).unwrap_or_default();
    let node = output("node", &["--version"]).unwrap_or_default();
    let python = output("python3", &["--version"]).unwrap_or_default();
    format!(
        "{model}, {cores} cores; {}, node {}, {}",
        rustc.trim(),
        node.trim(),
        python.trim()
    )
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn ratio(ours: Option<f64>, theirs: Option<f64>) -> String {
    match (ours, theirs) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "–".to_string(),
    }
}

/// The cargo target folder.
fn target_dir() -> std::path::PathBuf {
    std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root().join("target"), Into::into)
}

/// Prepares the peers: npm packages and the Python package.
fn ensure_peers() -> Result<(), String> {
    if !have("node") || !have("npm") {
        return Err("node and npm are needed to measure jmespath.js: install Node.js 20".into());
    }
    if !root()
        .join("benches/peers/node_modules/jmespath/package.json")
        .exists()
    {
        run(
            "npm",
            &[
                "install",
                "--prefix",
                "benches/peers",
                "--no-audit",
                "--no-fund",
            ],
        )?;
    }
    let has_py = Command::new("python3")
        .args(["-c", "import jmespath"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_py {
        run(
            "python3",
            &[
                "-m",
                "pip",
                "install",
                "-q",
                "-r",
                "benches/peers/requirements.txt",
            ],
        )?;
    }
    Ok(())
}

/// Runs `program args` and keeps its JSON result in `target/bench-<name>.json`,
/// or with `reuse`, reads the result a previous run kept.
fn peer_result(
    target: &Path,
    name: &str,
    reuse: bool,
    program: &str,
    args: &[&str],
) -> Result<Json, String> {
    let kept = target.join(format!("bench-{name}.json"));
    if reuse {
        let text = std::fs::read_to_string(&kept)
            .map_err(|e| format!("{}: {e} (run `cargo xtask bench` first)", kept.display()))?;
        return last_json(&text);
    }
    let v = last_json(&output(program, args)?)?;
    std::fs::write(&kept, v.to_string())
        .map_err(|e| format!("cannot write {}: {e}", kept.display()))?;
    Ok(v)
}

/// `cargo xtask bench [seconds] [--table]`: `--table` prints the table of
/// the last run again without measuring.
pub fn bench(args: &[String]) -> Result<(), String> {
    let reuse = args.iter().any(|a| a == "--table");
    if args.iter().any(|a| a == "--whole") {
        ensure_peers()?;
        println!("{}", whole::table(&whole::results(&target_dir(), reuse)?));
        return Ok(());
    }
    let secs = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("0.5", String::as_str);
    let target = target_dir();
    if !reuse {
        ensure_peers()?;
        eprintln!("+ ROLEMAP_BENCH_SECS={secs} cargo bench -p rolemap-benches --bench engines");
        let status = Command::new("cargo")
            .args(["bench", "-p", "rolemap-benches", "--bench", "engines"])
            .env("ROLEMAP_BENCH_SECS", secs)
            .current_dir(root())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the criterion benchmarks failed ({status})"));
        }
    }
    let t = &target;
    let js = peer_result(t, "js", reuse, "node", &["benches/peers/bench.js", secs])?;
    let py = peer_result(
        t,
        "python",
        reuse,
        "python3",
        &["benches/peers/bench.py", secs],
    )?;
    let paired = peer_result(
        t,
        "paired",
        reuse,
        "cargo",
        &["bench", "-q", "-p", "rolemap-benches", "--bench", "paired"],
    )?;
    let sim_args = [
        "bench",
        "-q",
        "-p",
        "rolemap-benches",
        "--bench",
        "simulate",
    ];
    // The node side is measured below on its own: the bench must not run it too.
    std::env::set_var("ROLEMAP_SIM_NODE", "0");
    let sim = peer_result(t, "simulate", reuse, "cargo", &sim_args)?;
    let sim_js = peer_result(
        t,
        "simulate-js",
        reuse,
        "node",
        &["benches/peers/simulate.js"],
    )?;
    let sim_jsc = peer_result(
        t,
        "simulate-js-compiled",
        reuse,
        "node",
        &["benches/peers/simulate_compiled.js"],
    )?;
    let mut md = engine_table(&target.join("criterion"), &js, &py, &paired)?;
    simulate_table(&mut md, &sim, &sim_js, &sim_jsc);
    md.push_str(&whole::table(&whole::results(t, reuse)?));
    println!("{md}");
    let out = target.join("bench-table.md");
    std::fs::write(&out, &md).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("table written to {}", out.display());
    Ok(())
}

/// The table of the engine benchmarks: criterion's medians (`crit`) beside
/// the peers' timings (`js`, `py`) and the paired ratios, then whether
/// each operation's goal is met.
fn engine_table(crit: &Path, js: &Json, py: &Json, paired: &Json) -> Result<String, String> {
    let rounds = &paired["rounds"];
    let paired = &paired["paired"];
    let mut md = String::new();
    let (js_t, py_t) = (peer_table(js), peer_table(py));

    let _ = writeln!(md, "Machine: {}", machine());
    let _ = writeln!(
        md,
        "Peers: jmespath.rs 0.5 (same criterion run), {}, {}.",
        js["engine"].as_str().unwrap_or("jmespath.js"),
        py["engine"].as_str().unwrap_or("python jmespath")
    );
    let _ = writeln!(md, "Times are criterion's medians (rolemap, jmespath.rs) and the peers' own timings. Ratios are rolemap time / peer time (below 1: rolemap is faster). The paired ratio is `benches/paired.rs`'s: the median, over {rounds} rounds, of the ratio of two back-to-back batches of about 0.4 ms, one per engine, so that a change of the shared machine's speed between criterion's two measurements does not move it. jmespath.js eval = search − compile (it has no API to evaluate a compiled tree).\n");
    let _ = writeln!(
        md,
        "| workload | op | rolemap | jmespath.rs | ratio | paired ratio | jmespath.js | ratio | Python | ratio |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    // The largest paired ratio per operation, and its workload.
    let mut worst: BTreeMap<&str, (f64, String)> = BTreeMap::new();
    for name in workload_names()? {
        for op in OPS {
            let ours = criterion_median(crit, &name, "rolemap", op);
            let rs = criterion_median(crit, &name, "jmespath.rs", op);
            let pr = paired[&name][op]["ratio"].as_f64();
            let j = js_t.get(&name).and_then(|r| r.get(op)).copied();
            let p = py_t.get(&name).and_then(|r| r.get(op)).copied();
            let cell = |v: Option<f64>| v.map_or("–".to_string(), fmt_ns);
            if let Some(r) = pr {
                let w = worst.entry(op).or_insert((0.0, String::new()));
                if r > w.0 {
                    *w = (r, name.clone());
                }
            }
            let _ = writeln!(
                md,
                "| {name} | {op} | {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(ours),
                cell(rs),
                ratio(ours, rs),
                pr.map_or("–".to_string(), |r| format!("{r:.2}")),
                cell(j),
                ratio(ours, j),
                cell(p),
                ratio(ours, p)
            );
        }
    }
    let _ = writeln!(md);
    // Parsing is pest's grammar alone (one parser): at most 6 times
    // jmespath.rs's hand-written parser (README, "Performance").
    for (op, goal) in [("parse", 6.0), ("eval", 0.2)] {
        if let Some((r, name)) = worst.get(op) {
            let _ = writeln!(
                md,
                "- {op}: largest paired ratio {r:.3} ({name}); goal at most {goal}: {}",
                if *r <= goal { "met" } else { "NOT met" }
            );
        }
    }
    Ok(md)
}

/// The table of the simulate benchmark (`sim`) beside node's runs
/// (`sim_js` re-parsed as Pangolin does, `sim_jsc` compiled once), then
/// whether its goals are met.
fn simulate_table(md: &mut String, sim: &Json, sim_js: &Json, sim_jsc: &Json) {
    let s = &sim["simulate"];
    let sj = &sim_js["simulate_js"];
    let (rust_ns, engine_ns, js_ns) = (
        s["rust_ns"].as_f64(),
        s["engine_ns"].as_f64(),
        sj["ns"].as_f64(),
    );
    let (seq_ns, jsc_ns) = (
        s["seq_ns"].as_f64(),
        sim_jsc["simulate_js_compiled"]["ns"].as_f64(),
    );
    let _ = writeln!(
        md,
        "\nsimulate: {} users x {} orgs (docs mappings); goal: rolemap-simulate at most 0.05 x node\n",
        s["users"], s["orgs"]
    );
    let _ = writeln!(
        md,
        "| run | time | memberships | ratio vs node (re-parsed) | ratio vs node (compiled once) |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    let rows = [
        (
            format!(
                "rolemap-simulate `Simulator::simulate_all`, {} threads",
                s["threads"]
            ),
            rust_ns,
            &s["memberships"],
        ),
        (
            "rolemap-simulate `Simulator::simulate_all`, ONE thread".to_string(),
            seq_ns,
            &s["memberships"],
        ),
        (
            "rolemap-engine, Pangolin's loop, compiled once".to_string(),
            engine_ns,
            &s["engine_memberships"],
        ),
        (
            "node + jmespath@0.16.0, re-parsed per org per user (Pangolin)".to_string(),
            js_ns,
            &sj["memberships"],
        ),
        (
            "node + jmespath@0.16.0, compiled once".to_string(),
            jsc_ns,
            &sim_jsc["simulate_js_compiled"]["memberships"],
        ),
    ];
    for (name, ns, members) in rows {
        let _ = writeln!(
            md,
            "| {name} | {} | {members} | {} | {} |",
            ns.map_or("–".into(), fmt_ns),
            ratio(ns, js_ns),
            ratio(ns, jsc_ns)
        );
    }
    if let (Some(a), Some(b)) = (seq_ns, jsc_ns) {
        let r = a / b;
        let _ = writeln!(
            md,
            "\n- simulate on ONE thread: {r:.3} of node's time with each expression compiled once; goal at most 0.1: {}",
            if r <= 0.1 { "met" } else { "NOT met" }
        );
    }
    if let (Some(a), Some(b)) = (rust_ns, js_ns) {
        let r = a / b;
        let _ = writeln!(
            md,
            "- simulate: {r:.3} of node's time ({:.1} times faster); goal at most 0.05: {}",
            b / a,
            if r <= 0.05 { "met" } else { "NOT met" }
        );
    }
}
