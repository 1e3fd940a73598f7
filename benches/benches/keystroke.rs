//! What the playground does on one keystroke, natively: the config's text
//! read, every mapping of every org compiled (`Simulator::new`), every
//! sample user's login run and its outcome written as JSON, on the largest
//! preset (the example config with the most orgs times sample users). The
//! goal is under 2 ms a keystroke.
//!
//! `ROLEMAP_BENCH_SECS` sets the measurement time (default 2).

#![allow(missing_docs)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rolemap_benches::{measurement_secs, root};
use rolemap_simulate::{Config, Format, Options, Sample, Simulator};

/// A preset: its config's path and text, and its sample users.
struct Preset {
    path: PathBuf,
    text: String,
    samples: Vec<Sample>,
}

impl Preset {
    /// How many (org, sample) logins one keystroke evaluates.
    fn size(&self) -> usize {
        let orgs =
            Config::parse(&self.text, Format::Toml, &self.path).map_or(0, |c| c.orgs.len().max(1));
        orgs * self.samples.len()
    }
}

/// Every Pangolin example config (`examples/*/*.toml` that loads as one,
/// with samples), as the playground's presets offer them.
fn presets() -> Vec<Preset> {
    let mut out = Vec::new();
    let examples = root().join("examples");
    let dirs =
        std::fs::read_dir(&examples).unwrap_or_else(|e| panic!("{}: {e}", examples.display()));
    let mut paths: Vec<PathBuf> = dirs
        .flatten()
        .filter(|d| d.path().is_dir())
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(config) = Config::load(&path) else {
            continue; // not a Pangolin config (a Grafana one, an expect file)
        };
        let Ok(samples) = config.load_samples() else {
            continue;
        };
        if samples.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        out.push(Preset {
            path,
            text,
            samples,
        });
    }
    assert!(
        !out.is_empty(),
        "no Pangolin preset in {}",
        examples.display()
    );
    out
}

/// One keystroke's work on `preset`; the outcomes' JSON as the page gets it.
fn keystroke(preset: &Preset) -> Vec<serde_json::Value> {
    let config =
        Config::parse(&preset.text, Format::Toml, Path::new(&preset.path)).expect("a preset");
    let simulator = Simulator::new(&config);
    let options = Options::default();
    preset
        .samples
        .iter()
        .map(|s| serde_json::to_value(simulator.simulate(s, &options)).expect("an outcome"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let presets = presets();
    let largest = presets
        .iter()
        .max_by_key(|p| (p.size(), p.text.len()))
        .expect("a preset");
    let name = largest
        .path
        .strip_prefix(root())
        .unwrap_or(&largest.path)
        .display()
        .to_string();
    eprintln!(
        "keystroke: {name}, {} (org, sample) logins, {} samples",
        largest.size(),
        largest.samples.len()
    );
    assert_eq!(keystroke(largest).len(), largest.samples.len());
    c.bench_function("keystroke/largest-preset", |b| {
        b.iter(|| black_box(keystroke(largest)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs_f64(measurement_secs() / 4.0))
        .measurement_time(Duration::from_secs_f64(measurement_secs()))
        .sample_size(20)
        .without_plots();
    targets = bench
}
criterion_main!(benches);
