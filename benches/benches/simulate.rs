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
//!
//! `ROLEMAP_SIM_USERS` overrides the number of users.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use rolemap_benches::{org_id, sim_user, ORG_MAPPING, ROLE_MAPPING, SIM_ORGS, SIM_USERS};
use rolemap_engine::{Dialect, Expression};
use rolemap_simulate::{Claims, Config, Format, Options, Sample, Simulator};

fn config() -> Config {
    let mut toml = format!(
        "[pangolin]\nedition = \"oss\"\nversion = \"1.17.0\"\n\n[idp]\nid = 1\nname = \"Pocket ID\"\nprovider = \"pocket-id\"\nscopes = \"openid profile email groups\"\nidentifier_path = \"preferred_username\"\nemail_path = \"email\"\nname_path = \"name\"\nauto_provision = true\ndefault_role_mapping = {ROLE_MAPPING:?}\ndefault_org_mapping = {ORG_MAPPING:?}\n"
    );
    for i in 0..SIM_ORGS {
        toml.push_str(&format!("\n[[orgs]]\nid = \"{}\"\nroles = [\"Admin\", \"Member\"]\n", org_id(i)));
    }
    Config::parse(&toml, Format::Toml, "bench.toml".as_ref()).expect("the benchmark config parses")
}

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

fn main() {
    let users: usize = std::env::var("ROLEMAP_SIM_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SIM_USERS);
    let runs = 3;
    let claims: Vec<serde_json::Value> = (0..users).map(sim_user).collect();

    // Through the simulator (the product's path).
    let config = config();
    let samples: Vec<Sample> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| Sample::new(format!("user{i}"), Claims::from_json(c.clone()).expect("object")))
        .collect();
    let options = Options::default();
    let (sim_time, sim_members) = best(runs, || {
        let simulator = Simulator::new(&config);
        let outcomes = simulator.simulate_all(&samples, &options);
        outcomes.iter().map(|o| o.orgs.len()).sum::<usize>()
    });

    // Pangolin's flow on the engine alone: compile once, evaluate per org.
    let (engine_time, engine_members) = best(runs, || {
        let role = Expression::compile(ROLE_MAPPING, Dialect::Pangolin).expect("compiles");
        let orgs: Vec<Expression> = (0..SIM_ORGS)
            .map(|i| {
                Expression::compile(&ORG_MAPPING.replace("{{orgId}}", &org_id(i)), Dialect::Pangolin)
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
    println!(
        "{{\"simulate\": {{\"users\": {users}, \"orgs\": {SIM_ORGS}, \"rust_ns\": {}, \"memberships\": {sim_members}, \"engine_ns\": {}, \"engine_memberships\": {engine_members}}}}}",
        sim_time.as_nanos(),
        engine_time.as_nanos()
    );
}
