//! rolemap against jmespath.rs, measured in pairs: the ratio of the two
//! engines' times with the machine's own changes of speed taken out.
//!
//! On a shared machine, the time an operation takes moves from one second
//! to the next with the other work on the cores (by up to 2x on the
//! development VM). Criterion (`engines.rs`) measures one engine, then the
//! other, so the ratio of its two medians carries whatever changed in
//! between. Here, for each workload and operation, the two engines run in
//! alternating short batches (about [`BATCH`] each; which one goes first
//! alternates too), and the ratio reported is the median over the rounds of
//! the ratio of a round's two batches: both sides of each ratio ran within
//! a millisecond of each other, under the same load.
//!
//! Prints one JSON line, `{"rounds": N, "paired": {<workload>: {<op>:
//! {"rolemap_ns", "jmespath_rs_ns", "ratio"}}}}` (times per operation: the
//! medians over the rounds), which `cargo xtask bench` puts beside
//! criterion's ratio.
//! `ROLEMAP_PAIRED_ROUNDS` sets the number of rounds (default 201; 3 when
//! `cargo test` runs it); `ROLEMAP_PAIRED_ONLY=<prefix>` measures only the
//! workloads whose name starts with it.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use rolemap_benches::{measuring, workloads, Prepared};
use serde_json::{json, Map, Value as Json};

/// The length a batch of one engine is calibrated to.
const BATCH: Duration = Duration::from_micros(400);

/// The time per call of `f`, over `n` calls.
fn per_call<F: Fn() -> bool>(f: &F, n: u64) -> f64 {
    let mut hits = 0u64;
    let t = Instant::now();
    for _ in 0..n {
        hits += u64::from(f());
    }
    let ns = t.elapsed().as_nanos() as f64;
    black_box(hits);
    ns / n as f64
}

/// How many calls of `f` take about [`BATCH`].
fn calibrate<F: Fn() -> bool>(f: &F) -> u64 {
    let mut n = 1u64;
    loop {
        let took_ns = per_call(f, n) * n as f64;
        if took_ns >= BATCH.as_nanos() as f64 / 4.0 || n >= 1 << 30 {
            let scaled = n as f64 * BATCH.as_nanos() as f64 / took_ns.max(1.0);
            return (scaled as u64).max(1);
        }
        n *= 2;
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The paired measurement of `ours` against `theirs`: (our median time,
/// theirs, the median ratio), in ns per call.
fn paired<A: Fn() -> bool, B: Fn() -> bool>(ours: &A, theirs: &B, rounds: usize) -> [f64; 3] {
    let (n_ours, n_theirs) = (calibrate(ours), calibrate(theirs));
    // Warm-up: a few rounds not recorded.
    for _ in 0..3 {
        per_call(ours, n_ours);
        per_call(theirs, n_theirs);
    }
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = per_call(ours, n_ours);
            (x, per_call(theirs, n_theirs))
        } else {
            let y = per_call(theirs, n_theirs);
            (per_call(ours, n_ours), y)
        };
        a.push(x);
        b.push(y);
        r.push(x / y);
    }
    [median(a), median(b), median(r)]
}

fn main() {
    let rounds: usize = std::env::var("ROLEMAP_PAIRED_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(if measuring() { 201 } else { 3 });
    let only = std::env::var("ROLEMAP_PAIRED_ONLY").unwrap_or_default();
    let mut out = Map::new();
    for w in workloads()
        .into_iter()
        .filter(|w| w.name.starts_with(&only))
    {
        let p = Prepared::new(&w);
        let results = [
            (
                "parse",
                paired(&|| p.rolemap_parse(), &|| p.jmespath_rs_parse(), rounds),
            ),
            (
                "eval",
                paired(&|| p.rolemap_eval(), &|| p.jmespath_rs_eval(), rounds),
            ),
            (
                "both",
                paired(&|| p.rolemap_both(), &|| p.jmespath_rs_both(), rounds),
            ),
        ];
        let mut ops = Map::new();
        for (op, [ours, theirs, ratio]) in results {
            eprintln!(
                "{:<45} {op:<5} rolemap {ours:>10.1} ns  jmespath.rs {theirs:>10.1} ns  paired ratio {ratio:.3}",
                w.name
            );
            ops.insert(
                op.to_string(),
                json!({"rolemap_ns": ours, "jmespath_rs_ns": theirs, "ratio": ratio}),
            );
        }
        out.insert(w.name.clone(), Json::Object(ops));
    }
    println!("{}", json!({ "rounds": rounds, "paired": out }));
}
