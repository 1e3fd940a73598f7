//! Runs one workload many times, for instruction counts under
//! `valgrind --tool=callgrind` (deterministic, unlike wall-clock time on a
//! shared machine).
//!
//! `profile <workload-name-prefix> <parse|eval|both|jp-parse|jp-eval> [iterations]`
//!
//! `profile simulate <users>`: the `simulate` benchmark's flow through
//! `Simulator::simulate_all` on one thread (outcomes built and dropped), for
//! callgrind.
//!
//! `profile engine-loop <users>`: the benchmark's bare engine loop
//! (Pangolin's flow on rolemap-engine, expressions compiled once), for
//! callgrind: the floor `simulate` is compared with.
//!
//! To count only the timed work (not the generation of the samples):
//! `valgrind --tool=callgrind --toggle-collect='rolemap_simulate::login::Simulator::simulate_all' target/release/profile simulate 2000`
//! and `--toggle-collect='profile::engine_loop'` for `engine-loop`.
//!
//! `profile compare <users> [rounds]`: interleaved wall-clock runs of the
//! engine loop and of `simulate_all` (one thread, all threads), the best
//! of each and their ratios. This binary runs on the system's allocator
//! (instruction counts of both engines as their users would see them by
//! default); the `simulate` benchmark runs on the `rolemap` binary's.
//!
//! `profile simulate-time <users> [par|seq]`: wall-clock times of
//! `simulate_all` (parallel, sequential or both) and of dropping its
//! outcomes, 3 runs each, with the page faults of each run and the sizes
//! of `Outcome` and `Membership`.

use std::hint::black_box;

use rolemap_benches::{
    org_id, sim_config, sim_samples, sim_user, workloads, ORG_MAPPING, ROLE_MAPPING, SIM_ORGS,
};
use rolemap_engine::{Dialect, Expression};
use rolemap_simulate::{Options, Simulator};

/// The benchmark's engine loop: Pangolin's flow on rolemap-engine, the
/// expressions compiled once; the memberships found.
fn engine_loop(claims: &[serde_json::Value]) -> usize {
    let role = Expression::compile(ROLE_MAPPING, Dialect::Pangolin).expect("compiles");
    let orgs: Vec<Expression> = (0..SIM_ORGS)
        .map(|i| {
            let text = ORG_MAPPING.replace("{{orgId}}", &org_id(i));
            Expression::compile(&text, Dialect::Pangolin).expect("compiles")
        })
        .collect();
    let mut members = 0usize;
    for c in claims {
        for org in &orgs {
            if org.search(c).is_ok_and(|v| v.is_truthy()) {
                members += usize::from(role.search(c).is_ok_and(|v| v.as_str().is_some()));
            }
        }
    }
    members
}

/// The process's minor page faults so far (Linux; 0 elsewhere).
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name (which is in parentheses).
            let rest = s.rsplit_once(')')?.1;
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// `simulate-time <users> [par|seq]`: `simulate_all`'s time, its drop's
/// and its page faults, three runs each on all threads and on one.
fn simulate_time(mode: &str, args: &[String]) {
    eprintln!(
        "size of Outcome {} bytes, Membership {} bytes",
        std::mem::size_of::<rolemap_simulate::Outcome>(),
        std::mem::size_of::<rolemap_simulate::Membership>()
    );
    let users: usize = mode.parse().unwrap_or(100_000);
    let config = sim_config();
    let samples = sim_samples(users);
    let thresholds: Vec<usize> = match args.get(2).map(String::as_str) {
        Some("par") => vec![64],
        Some("seq") => vec![usize::MAX],
        _ => vec![64, usize::MAX],
    };
    for threshold in thresholds {
        let options = Options {
            parallel_threshold: threshold,
            ..Options::default()
        };
        for _ in 0..3 {
            let faults = minor_faults();
            let t = std::time::Instant::now();
            let simulator = Simulator::new(&config);
            let outcomes = simulator.simulate_all(black_box(&samples), &options);
            let t1 = t.elapsed();
            drop(black_box(outcomes));
            eprintln!(
                "threshold {threshold}: simulate_all {t1:?}, drop {:?}, {} page faults",
                t.elapsed() - t1,
                minor_faults() - faults
            );
        }
    }
}

/// `compare <users> [rounds]`: the best of interleaved runs of the engine
/// loop and of `simulate_all` (one thread, all threads), as ratios.
fn compare(mode: &str, args: &[String]) {
    // Interleaved runs of the engine loop and of `simulate_all` on one
    // thread: the best of each, for a ratio that a loaded machine
    // disturbs less than separate runs.
    let users: usize = mode.parse().unwrap_or(100_000);
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let claims: Vec<serde_json::Value> = (0..users).map(sim_user).collect();
    let config = sim_config();
    let samples = sim_samples(users);
    let one_thread = Options {
        parallel_threshold: usize::MAX,
        ..Options::default()
    };
    let (mut engine, mut sim, mut par) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        black_box(engine_loop(black_box(&claims)));
        engine = engine.min(t.elapsed().as_secs_f64());
        for (best, options) in [(&mut sim, &one_thread), (&mut par, &Options::default())] {
            let t = std::time::Instant::now();
            let outcomes = Simulator::new(&config).simulate_all(black_box(&samples), options);
            drop(black_box(outcomes));
            *best = best.min(t.elapsed().as_secs_f64());
        }
    }
    eprintln!(
        "best of {rounds}: engine loop {engine:.3} s, simulate_all one thread {sim:.3} s ({:.2}x), all threads {par:.3} s ({:.2}x)",
        sim / engine,
        par / engine
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(name), Some(mode)) = (args.first(), args.get(1)) else {
        eprintln!("usage: profile <workload> <parse|eval|both|jp-parse|jp-eval> [iterations] | profile simulate <users> | profile engine-loop <users> | profile compare <users> [rounds] | profile simulate-time <users> [par|seq]");
        std::process::exit(2);
    };
    if name == "simulate-time" {
        return simulate_time(mode, &args);
    }
    if name == "compare" {
        return compare(mode, &args);
    }
    if name == "engine-loop" {
        let users: usize = mode.parse().unwrap_or(1000);
        let claims: Vec<serde_json::Value> = (0..users).map(sim_user).collect();
        println!("{}", engine_loop(black_box(&claims)));
        return;
    }
    if name == "simulate" {
        let users: usize = mode.parse().unwrap_or(1000);
        let config = sim_config();
        let samples = sim_samples(users);
        let options = Options {
            parallel_threshold: usize::MAX,
            ..Options::default()
        };
        let simulator = Simulator::new(&config);
        let outcomes = simulator.simulate_all(black_box(&samples), &options);
        println!("{}", outcomes.iter().map(|o| o.orgs.len()).sum::<usize>());
        return;
    }
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let Some(w) = workloads()
        .into_iter()
        .find(|w| w.name.starts_with(name.as_str()))
    else {
        eprintln!("no workload named {name}");
        std::process::exit(2);
    };
    let src = w.expression.as_str();
    // Each mode makes only what it measures: what one engine leaves on the
    // heap would change how the other's allocations go (glibc's malloc
    // reuses, splits and merges chunks depending on what came before), and
    // so the other's instruction count.
    let mut sink = 0usize;
    match mode.as_str() {
        "parse" => {
            for _ in 0..n {
                sink += Expression::compile(black_box(src), Dialect::Pangolin).is_ok() as usize;
            }
            assert_eq!(sink, n, "rolemap compiles {src}");
        }
        "jp-parse" => {
            for _ in 0..n {
                sink += jmespath::compile(black_box(src)).is_ok() as usize;
            }
            assert_eq!(sink, n, "jmespath.rs compiles {src}");
        }
        "eval" => {
            let ours = Expression::compile(src, Dialect::Pangolin).expect("compiles");
            for _ in 0..n {
                sink += ours.search(black_box(&w.data)).is_ok_and(|v| v.is_truthy()) as usize;
            }
        }
        "both" => {
            for _ in 0..n {
                sink += Expression::compile(black_box(src), Dialect::Pangolin)
                    .is_ok_and(|e| e.search(&w.data).is_ok_and(|v| v.is_truthy()))
                    as usize;
            }
        }
        "jp-eval" => {
            let theirs = jmespath::compile(src).expect("jmespath.rs compiles");
            let jp =
                jmespath::Rcvar::new(jmespath::Variable::try_from(w.data.clone()).expect("data"));
            for _ in 0..n {
                sink += theirs.search(black_box(&jp)).is_ok_and(|v| v.is_truthy()) as usize;
            }
        }
        _ => panic!("unknown mode {mode}"),
    }
    println!("{sink}");
}
