//! rolemap against the `jmespath` crate (jmespath.rs), side by side in the
//! same run: for each workload, parsing alone, evaluation of a compiled
//! expression, and both.
//!
//! `ROLEMAP_BENCH_SECS` sets the measurement time per benchmark (default 2).

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rolemap_benches::{workloads, Workload};
use rolemap_engine::{Dialect, Expression};

fn secs() -> f64 {
    std::env::var("ROLEMAP_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0)
}

fn bench_workload(c: &mut Criterion, w: &Workload) {
    let mut g = c.benchmark_group(&w.name);
    let src = w.expression.as_str();
    let jp_data = jmespath::Rcvar::new(
        jmespath::Variable::try_from(w.data.clone()).expect("jmespath.rs reads the data"),
    );
    let data = &w.data;

    // Both engines must accept the expression (and agree when they can).
    let ours = Expression::compile(src, Dialect::Pangolin).expect("rolemap compiles");
    let theirs = jmespath::compile(src).expect("jmespath.rs compiles");

    g.bench_function("rolemap/parse", |b| {
        b.iter(|| Expression::compile(black_box(src), Dialect::Pangolin))
    });
    g.bench_function("jmespath.rs/parse", |b| {
        b.iter(|| jmespath::compile(black_box(src)))
    });
    g.bench_function("rolemap/eval", |b| {
        b.iter(|| ours.search(black_box(data)).map(|v| v.is_truthy()))
    });
    g.bench_function("jmespath.rs/eval", |b| {
        b.iter(|| theirs.search(black_box(&jp_data)).map(|v| v.is_truthy()))
    });
    g.bench_function("rolemap/both", |b| {
        b.iter(|| {
            let e = Expression::compile(black_box(src), Dialect::Pangolin)?;
            e.search(black_box(data)).map(|v| v.is_truthy())
        })
    });
    g.bench_function("jmespath.rs/both", |b| {
        b.iter(|| {
            let e = jmespath::compile(black_box(src)).map_err(|e| e.to_string())?;
            e.search(black_box(&jp_data))
                .map(|v| v.is_truthy())
                .map_err(|e| e.to_string())
        })
    });
    g.finish();
}

fn engines(c: &mut Criterion) {
    for w in workloads() {
        bench_workload(c, &w);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs_f64(secs() / 4.0))
        .measurement_time(Duration::from_secs_f64(secs()))
        .sample_size(20)
        .without_plots();
    targets = engines
}
criterion_main!(benches);
