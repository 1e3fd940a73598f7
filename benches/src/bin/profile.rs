//! Runs one workload many times, for instruction counts under
//! `valgrind --tool=callgrind` (deterministic, unlike wall-clock time on a
//! shared machine).
//!
//! `profile <workload-name-prefix> <parse|eval|both|jp-parse|jp-eval> [iterations]`

use std::hint::black_box;

use rolemap_benches::workloads;
use rolemap_engine::{Dialect, Expression};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(name), Some(mode)) = (args.first(), args.get(1)) else {
        eprintln!("usage: profile <workload> <parse|eval|both|jp-parse|jp-eval> [iterations]");
        std::process::exit(2);
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let Some(w) = workloads().into_iter().find(|w| w.name.starts_with(name.as_str())) else {
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
                .is_ok_and(|e| e.search(&w.data).is_ok_and(|v| v.is_truthy())) as usize,
            "jp-parse" => jmespath::compile(black_box(src)).is_ok() as usize,
            "jp-eval" => theirs.search(black_box(&jp)).is_ok_and(|v| v.is_truthy()) as usize,
            _ => panic!("unknown mode {mode}"),
        };
    }
    println!("{sink}");
}
