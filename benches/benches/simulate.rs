//! The at-scale benchmark: 100,000 sample users x 20 orgs with the mappings
//! of Pangolin's docs (role `contains(groups, 'admin') && 'Admin' || 'Member'`,
//! org `contains(groups, '{{orgId}}')`), through rolemap-simulate's
//! `Simulator` (every distinct expression compiled once).
//!
//! It is timed as whole runs (not criterion: one run is ~seconds), and prints
//! one JSON line `{"simulate": {"rust_ns": ..., "memberships": ...}}` that
//! `cargo xtask bench` sets beside `peers/simulate.js` (the same loop in
//! node with jmespath@0.16.0, re-parsing each mapping per org per user as
//! Pangolin does). The engine-only variant (`engine_ns`) runs Pangolin's
//! flow directly on rolemap-engine with the expressions compiled once.
//! `simulate_all` runs on all cores (rayon) as the CLI does; `seq_ns` is
//! the same run on one thread, as node runs.
//!
//! It also runs `peers/simulate.js` (when node and the peers' npm packages
//! are installed: `npm install --prefix benches/peers`) and prints, on
//! stderr, the times side by side with the ratio to node that the
//! performance goal is stated in (rolemap / node, target 0.05 or less);
//! the JSON line then has `node_ns` and `ratio` too.
//!
//! `ROLEMAP_SIM_USERS` overrides the number of users; `ROLEMAP_SIM_NODE=0`
//! skips node (`cargo xtask bench` runs it on its own). Run by `cargo test`
//! (without `--bench`), it simulates 1,000 users once, without node.
//!
//! It runs on the `rolemap` binary's allocator (mimalloc), so that it
//! measures what `rolemap simulate` does; `profile compare` (in
//! `src/bin/profile.rs`) runs the same flow on the system's allocator.

#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rolemap_benches::{
    measuring, org_id, root, sim_config, sim_samples, sim_user, ORG_MAPPING, ROLE_MAPPING,
    SIM_ORGS, SIM_USERS,
};
use rolemap_engine::{Dialect, Expression};
use rolemap_simulate::{Options, Simulator};

/// The `rolemap` binary's allocator (see `crates/cli/src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The best of `runs` timings of `f`, and its last result.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = black_box(f());
        best = best.min(t.elapsed());
        last = Some(r);
    }
    (best, last.expect("at least one run"))
}

/// The ratio to node the performance goal asks for (at most).
const TARGET_RATIO: f64 = 0.05;

/// `peers/simulate.js` over `users` users: its best time in ns, or why it
/// did not run.
fn node_ns(users: usize) -> Result<f64, String> {
    if !measuring() {
        return Err("skipped (a test run: `cargo bench` measures)".into());
    }
    if std::env::var("ROLEMAP_SIM_NODE").is_ok_and(|v| v == "0") {
        return Err("skipped (ROLEMAP_SIM_NODE=0)".into());
    }
    let peers = root().join("benches/peers");
    if !peers.join("node_modules/jmespath/package.json").exists() {
        return Err("jmespath.js not installed: npm install --prefix benches/peers".into());
    }
    let out = Command::new("node")
        .arg(Path::new("benches/peers/simulate.js"))
        .arg(users.to_string())
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l.trim()).ok())
        .ok_or_else(|| format!("no JSON in node's output: {text}"))?;
    v["simulate_js"]["ns"]
        .as_f64()
        .ok_or_else(|| format!("no time in node's output: {v}"))
}

fn main() {
    let users: usize = std::env::var("ROLEMAP_SIM_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if measuring() { SIM_USERS } else { 1_000 });
    let runs = if measuring() { 3 } else { 1 };
    let claims: Vec<serde_json::Value> = (0..users).map(sim_user).collect();

    // Through the simulator (the product's path).
    let config = sim_config();
    let samples = sim_samples(users);
    let options = Options::default();
    // The outcomes are kept until the timing ends (dropping them is timed).
    let run = |options: &Options| {
        let simulator = Simulator::new(&config);
        let outcomes = simulator.simulate_all(&samples, options);
        outcomes.iter().map(|o| o.orgs.len()).sum::<usize>()
    };
    let (sim_time, sim_members) = best(runs, || run(&options));
    let one_thread = Options {
        parallel_threshold: usize::MAX,
        ..Options::default()
    };
    let (seq_time, seq_members) = best(runs, || run(&one_thread));
    assert_eq!(seq_members, sim_members);

    // Pangolin's flow on the engine alone: compile once, evaluate per org.
    let (engine_time, engine_members) = best(runs, || {
        let role = Expression::compile(ROLE_MAPPING, Dialect::Pangolin).expect("compiles");
        let orgs: Vec<Expression> = (0..SIM_ORGS)
            .map(|i| {
                Expression::compile(
                    &ORG_MAPPING.replace("{{orgId}}", &org_id(i)),
                    Dialect::Pangolin,
                )
                .expect("compiles")
            })
            .collect();
        let mut members = 0usize;
        for c in &claims {
            for org in &orgs {
                if org.search(c).is_ok_and(|v| v.is_truthy()) {
                    members += usize::from(role.search(c).is_ok_and(|v| v.as_str().is_some()));
                }
            }
        }
        members
    });
    let node = node_ns(users);
    let (rust_ns, engine_ns) = (sim_time.as_nanos() as f64, engine_time.as_nanos() as f64);
    let seq_ns = seq_time.as_nanos() as f64;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let secs = |ns: f64| format!("{:>8.3} s", ns / 1e9);
    eprintln!("\nsimulate: {users} users x {SIM_ORGS} orgs (docs mappings), best of {runs} runs");
    match &node {
        Ok(node_ns) => {
            let ratio = rust_ns / node_ns;
            eprintln!(
                "  rolemap-simulate Simulator::simulate_all {}   ratio vs node {ratio:.3} (target <= {TARGET_RATIO}: {}; {threads} threads)",
                secs(rust_ns),
                if ratio <= TARGET_RATIO { "met" } else { "NOT met" }
            );
            eprintln!(
                "  the same on one thread                   {}   ratio vs node {:.3}",
                secs(seq_ns),
                seq_ns / node_ns
            );
            eprintln!(
                "  rolemap-engine, Pangolin's loop          {}   ratio vs node {:.3}",
                secs(engine_ns),
                engine_ns / node_ns
            );
            eprintln!(
                "  node + jmespath@0.16.0, re-parsed       {}",
                secs(*node_ns)
            );
        }
        Err(why) => {
            eprintln!(
                "  rolemap-simulate Simulator::simulate_all {}   ({threads} threads)",
                secs(rust_ns)
            );
            eprintln!(
                "  the same on one thread                   {}",
                secs(seq_ns)
            );
            eprintln!(
                "  rolemap-engine, Pangolin's loop          {}",
                secs(engine_ns)
            );
            eprintln!("  node: {why}");
        }
    }
    let node_fields = match &node {
        Ok(n) => format!(", \"node_ns\": {n:.0}, \"ratio\": {:.4}", rust_ns / n),
        Err(_) => String::new(),
    };
    println!(
        "{{\"simulate\": {{\"users\": {users}, \"orgs\": {SIM_ORGS}, \"rust_ns\": {}, \"memberships\": {sim_members}, \"threads\": {threads}, \"seq_ns\": {}, \"engine_ns\": {}, \"engine_memberships\": {engine_members}{node_fields}}}}}",
        sim_time.as_nanos(),
        seq_time.as_nanos(),
        engine_time.as_nanos()
    );
}
