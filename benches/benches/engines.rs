//! rolemap against the `jmespath` crate (jmespath.rs), side by side in the
//! same run: for each workload, parsing alone, evaluation of a compiled
//! expression, and both.
//!
//! `ROLEMAP_BENCH_SECS` sets the measurement time per benchmark (default 2).

#![allow(missing_docs)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rolemap_benches::{measurement_secs, workloads, Prepared, Workload};

fn bench_workload(c: &mut Criterion, w: &Workload) {
    let mut g = c.benchmark_group(&w.name);
    let p = Prepared::new(w);
    g.bench_function("rolemap/parse", |b| b.iter(|| p.rolemap_parse()));
    g.bench_function("jmespath.rs/parse", |b| b.iter(|| p.jmespath_rs_parse()));
    g.bench_function("rolemap/eval", |b| b.iter(|| p.rolemap_eval()));
    g.bench_function("jmespath.rs/eval", |b| b.iter(|| p.jmespath_rs_eval()));
    g.bench_function("rolemap/both", |b| b.iter(|| p.rolemap_both()));
    g.bench_function("jmespath.rs/both", |b| b.iter(|| p.jmespath_rs_both()));
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
        .warm_up_time(Duration::from_secs_f64(measurement_secs() / 4.0))
        .measurement_time(Duration::from_secs_f64(measurement_secs()))
        .sample_size(20)
        .without_plots();
    targets = engines
}
criterion_main!(benches);
