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
//! `profile simulate-time <users> [par|seq]`: wall-clock times of
//! `simulate_all` (parallel, sequential or both) and of dropping its
//! outcomes, 3 runs each, with the sizes of `Outcome` and `OrgTrace`.

use std::hint::black_box;

use rolemap_benches::{sim_config, sim_samples, workloads};
use rolemap_engine::{Dialect, Expression};
use rolemap_simulate::{Options, Simulator};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(name), Some(mode)) = (args.first(), args.get(1)) else {
        eprintln!("usage: profile <workload> <parse|eval|both|jp-parse|jp-eval> [iterations] | profile simulate <users> | profile simulate-time <users> [par|seq]");
        std::process::exit(2);
    };
    if name == "simulate-time" {
        eprintln!(
            "size of OrgTrace {} bytes, Outcome {} bytes",
            std::mem::size_of::<rolemap_simulate::OrgTrace>(),
            std::mem::size_of::<rolemap_simulate::Outcome>()
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
                let t = std::time::Instant::now();
                let simulator = Simulator::new(&config);
                let outcomes = simulator.simulate_all(black_box(&samples), &options);
                let t1 = t.elapsed();
                drop(black_box(outcomes));
                eprintln!(
                    "threshold {threshold}: simulate_all {t1:?}, drop {:?}",
                    t.elapsed() - t1
                );
            }
        }
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
    let ours = Expression::compile(src, Dialect::Pangolin).expect("compiles");
    let theirs = jmespath::compile(src).expect("jmespath.rs compiles");
    let jp = jmespath::Rcvar::new(jmespath::Variable::try_from(w.data.clone()).expect("data"));
    let mut sink = 0usize;
    for _ in 0..n {
        sink += match mode.as_str() {
            "parse" => Expression::compile(black_box(src), Dialect::Pangolin).is_ok() as usize,
            "eval" => ours.search(black_box(&w.data)).is_ok_and(|v| v.is_truthy()) as usize,
            "both" => Expression::compile(black_box(src), Dialect::Pangolin)
                .is_ok_and(|e| e.search(&w.data).is_ok_and(|v| v.is_truthy()))
                as usize,
            "jp-parse" => jmespath::compile(black_box(src)).is_ok() as usize,
            "jp-eval" => theirs.search(black_box(&jp)).is_ok_and(|v| v.is_truthy()) as usize,
            _ => panic!("unknown mode {mode}"),
        };
    }
    println!("{sink}");
}
