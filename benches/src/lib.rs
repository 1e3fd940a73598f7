//! The workloads rolemap is benchmarked on, shared by the criterion
//! benchmarks (`benches/engines.rs`, `benches/simulate.rs`), the peer scripts
//! (`peers/bench.js`, `peers/bench.py`, `peers/simulate.js`) and
//! `cargo xtask bench`.
//!
//! - `data/workloads.json`: mapping expressions over real-shaped ID tokens.
//! - `tests/compliance/official/benchmarks.json`: the official suite's
//!   benchmark cases. Every case is measured for parsing, evaluation of the
//!   compiled expression, and both, including those the suite marks
//!   `bench: "parse"` (their evaluation, of `{}`, is fixed overhead).

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use rolemap_engine::{Dialect, Expression};
use serde_json::Value as Json;

/// One benchmark workload: an expression and the document it searches.
#[derive(Clone, Debug)]
pub struct Workload {
    /// A short, path-safe name (the criterion group name).
    pub name: String,
    /// The expression.
    pub expression: String,
    /// The document searched.
    pub data: Json,
}

/// Whether a `harness = false` benchmark was started by `cargo bench`, which
/// passes `--bench`. `cargo test --all-targets` runs every bench target
/// once too, without it: the benchmark then only shows that it runs, on a
/// small input, in seconds.
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Criterion's measurement time per benchmark, in seconds:
/// `ROLEMAP_BENCH_SECS`, or 2.
pub fn measurement_secs() -> f64 {
    std::env::var("ROLEMAP_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0)
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A path-safe slug of `text`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Every workload, in table order: the mapping workloads, then the official
/// benchmark cases (named `official-NN-<comment>`).
pub fn workloads() -> Vec<Workload> {
    let mut out = Vec::new();
    let mapping = read_json(&root().join("benches/data/workloads.json"));
    for w in mapping["workloads"].as_array().into_iter().flatten() {
        out.push(Workload {
            name: w["name"].as_str().unwrap_or("unnamed").to_string(),
            expression: w["expression"].as_str().unwrap_or_default().to_string(),
            data: w["data"].clone(),
        });
    }
    let official = read_json(&root().join("tests/compliance/official/benchmarks.json"));
    let mut n = 0;
    for suite in official.as_array().into_iter().flatten() {
        for case in suite["cases"].as_array().into_iter().flatten() {
            n += 1;
            let comment = case["comment"].as_str().unwrap_or("case");
            out.push(Workload {
                name: format!("official-{n:02}-{}", slug(comment)),
                expression: case["expression"].as_str().unwrap_or_default().to_string(),
                data: suite["given"].clone(),
            });
        }
    }
    out
}

/// One workload ready for both engines: what the benchmarks time, one call
/// each (shared by `benches/engines.rs` and `benches/paired.rs`, so that
/// both time the same work). Inputs go through `black_box`.
pub struct Prepared {
    src: String,
    data: Json,
    ours: Expression,
    jp_data: jmespath::Rcvar,
    theirs: jmespath::Expression<'static>,
}

impl Prepared {
    /// Compiles `w` with both engines; both must accept it.
    pub fn new(w: &Workload) -> Prepared {
        Prepared {
            src: w.expression.clone(),
            data: w.data.clone(),
            ours: Expression::compile(&w.expression, Dialect::Pangolin).expect("rolemap compiles"),
            jp_data: jmespath::Rcvar::new(
                jmespath::Variable::try_from(w.data.clone()).expect("jmespath.rs reads the data"),
            ),
            theirs: jmespath::compile(&w.expression).expect("jmespath.rs compiles"),
        }
    }

    /// rolemap: compile the expression.
    #[inline]
    pub fn rolemap_parse(&self) -> bool {
        Expression::compile(black_box(&self.src), Dialect::Pangolin).is_ok()
    }

    /// rolemap: evaluate the compiled expression.
    #[inline]
    pub fn rolemap_eval(&self) -> bool {
        self.ours
            .search(black_box(&self.data))
            .is_ok_and(|v| v.is_truthy())
    }

    /// rolemap: compile, then evaluate.
    #[inline]
    pub fn rolemap_both(&self) -> bool {
        Expression::compile(black_box(&self.src), Dialect::Pangolin)
            .is_ok_and(|e| e.search(black_box(&self.data)).is_ok_and(|v| v.is_truthy()))
    }

    /// jmespath.rs: compile the expression.
    #[inline]
    pub fn jmespath_rs_parse(&self) -> bool {
        jmespath::compile(black_box(&self.src)).is_ok()
    }

    /// jmespath.rs: evaluate the compiled expression.
    #[inline]
    pub fn jmespath_rs_eval(&self) -> bool {
        self.theirs
            .search(black_box(&self.jp_data))
            .is_ok_and(|v| v.is_truthy())
    }

    /// jmespath.rs: compile, then evaluate.
    #[inline]
    pub fn jmespath_rs_both(&self) -> bool {
        jmespath::compile(black_box(&self.src)).is_ok_and(|e| {
            e.search(black_box(&self.jp_data))
                .is_ok_and(|v| v.is_truthy())
        })
    }
}

/// The `simulate` benchmark's org mapping template (Pangolin's docs).
pub const ORG_MAPPING: &str = "contains(groups, '{{orgId}}')";
/// The `simulate` benchmark's role mapping (Pangolin's docs).
pub const ROLE_MAPPING: &str = "contains(groups, 'admin') && 'Admin' || 'Member'";
/// Orgs in the `simulate` benchmark.
pub const SIM_ORGS: usize = 20;
/// Sample users in the `simulate` benchmark.
pub const SIM_USERS: usize = 100_000;

/// The id of org `i` of the `simulate` benchmark.
pub fn org_id(i: usize) -> String {
    format!("org{i}")
}

/// The claims of sample user `i` of the `simulate` benchmark: a Pocket ID
/// token with a deterministic mix of groups (some admins, 0 to 3 orgs).
/// The node script (`peers/simulate.js`) generates the same users.
pub fn sim_user(i: usize) -> Json {
    let mut groups = Vec::new();
    if i.is_multiple_of(7) {
        groups.push(Json::from("admin"));
    }
    groups.push(Json::from("media"));
    for k in 0..(i % 4) {
        groups.push(Json::from(org_id((i * 7 + k * 3) % SIM_ORGS)));
    }
    serde_json::json!({
        "iss": "https://id.example.com",
        "sub": format!("user-{i}"),
        "aud": "pangolin",
        "exp": 1767225600,
        "iat": 1767222000,
        "preferred_username": format!("user{i}"),
        "name": format!("User {i}"),
        "email": format!("user{i}@example.com"),
        "email_verified": true,
        "groups": groups,
    })
}

/// The `simulate` benchmark's Pangolin config: a Pocket ID IdP with the
/// docs mappings as defaults, auto provisioning, and [`SIM_ORGS`] orgs with
/// the roles `Admin` and `Member`.
pub fn sim_config() -> rolemap_simulate::Config {
    let mut toml = format!(
        "[pangolin]\nedition = \"oss\"\nversion = \"1.17.0\"\n\n[idp]\nid = 1\nname = \"Pocket ID\"\nprovider = \"pocket-id\"\nscopes = \"openid profile email groups\"\nidentifier_path = \"preferred_username\"\nemail_path = \"email\"\nname_path = \"name\"\nauto_provision = true\ndefault_role_mapping = {ROLE_MAPPING:?}\ndefault_org_mapping = {ORG_MAPPING:?}\n"
    );
    for i in 0..SIM_ORGS {
        toml.push_str(&format!(
            "\n[[orgs]]\nid = \"{}\"\nroles = [\"Admin\", \"Member\"]\n",
            org_id(i)
        ));
    }
    rolemap_simulate::Config::parse(&toml, rolemap_simulate::Format::Toml, "bench.toml".as_ref())
        .expect("the benchmark config parses")
}

/// The `simulate` benchmark's sample users `0..users` ([`sim_user`]),
/// labelled `user<i>`.
pub fn sim_samples(users: usize) -> Vec<rolemap_simulate::Sample> {
    (0..users)
        .map(|i| {
            rolemap_simulate::Sample::new(
                format!("user{i}"),
                rolemap_simulate::Claims::from_json(sim_user(i)).expect("an object"),
            )
        })
        .collect()
}

/// The `n`th of a deterministic series of Pocket ID-like ID token payloads,
/// as one line of compact JSON (about 300 bytes, as Pocket ID's are): every
/// tenth user is in `admin`, every third in `media`, and one in a thousand
/// has no `groups` claim (their login fails with the docs mapping).
pub fn pocket_id_token(n: usize) -> String {
    let groups = match (n % 10, n % 3, n % 1000) {
        (_, _, 7) => String::new(),
        (0, 0, _) => r#","groups":["admin","media","users"]"#.to_string(),
        (0, _, _) => r#","groups":["admin","users"]"#.to_string(),
        (_, 0, _) => r#","groups":["media","users"]"#.to_string(),
        _ => r#","groups":["users"]"#.to_string(),
    };
    format!(
        concat!(
            r#"{{"iss":"https://id.example.com","sub":"{:08x}-7b3d-4c2b-9a57-{:012x}","aud":"pangolin","#,
            r#""exp":{},"iat":{},"preferred_username":"user{n}","name":"User {n} Example","#,
            r#""given_name":"User {n}","family_name":"Example","email":"user{n}@example.com","#,
            r#""email_verified":true{}}}"#
        ),
        n,
        n * 7919,
        1_767_225_600 + n,
        1_767_222_000 + n,
        groups,
        n = n
    )
}
