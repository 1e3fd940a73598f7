//! `cargo xtask fuzz [--seconds N] [--seeds-only] [--ci] [TARGET...]`: a short
//! fuzz pass over every cargo-fuzz target in `fuzz/` (what CI runs).
//!
//! 1. Installs cargo-fuzz (`cargo install cargo-fuzz --locked`) when it is
//!    missing.
//! 2. Writes the seed corpora into `fuzz/corpus/<target>/` (git-ignored),
//!    from the compliance suites (`tests/compliance/**/*.json`), the
//!    example setups (`examples/`: configs, users, their expressions) and
//!    `fuzz/seeds/<target>/` (inputs that once found bugs).
//! 3. Builds the targets once and runs each for N seconds (default 15).
//!
//! `cargo xtask test` runs [`run_ci`] instead: a fixed number of inputs per
//! target from a fixed seed, on a fresh copy of the seeds
//! (`fuzz/corpus-ci/`), so that the gate is reproducible.
//!
//! cargo-fuzz needs unstable compiler flags: the nightly toolchain is used
//! when rustup has one, else stable with `RUSTC_BOOTSTRAP=1`. The targets are
//! built without a sanitizer (the code under test is safe Rust: what the
//! fuzzer looks for is panics, overflows, hangs and memory blow-ups) but with
//! debug assertions, so arithmetic overflow panics.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::root;
use crate::tally::Tally;

/// Every target in `fuzz/fuzz_targets/`, in the order they run.
pub const TARGETS: &[&str] = &["parse", "eval", "lint", "config", "jwt", "claims"];

/// Peak memory allowed to one fuzzing process (libFuzzer's `-rss_limit_mb`).
const RSS_LIMIT_MB: u32 = 1024;
/// Slowest single input allowed (libFuzzer's `-timeout`, seconds).
const TIMEOUT_S: u32 = 10;

/// `cargo xtask fuzz ARGS`.
pub fn main(args: &[String]) -> Result<(), String> {
    let mut seconds = 15u32;
    let mut seeds_only = false;
    let mut targets: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a number of seconds")?;
            }
            "--seeds-only" => seeds_only = true,
            "--ci" => return run_ci().1,
            t => match TARGETS.iter().find(|&&k| k == t) {
                Some(k) => targets.push(k),
                None => {
                    return Err(format!(
                        "unknown fuzz target or option `{t}`: the targets are {}",
                        TARGETS.join(", ")
                    ))
                }
            },
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    let counts = write_seeds()?;
    for (t, n) in &counts {
        eprintln!("fuzz: {n} seeds for `{t}` in fuzz/corpus/{t}/");
    }
    if seeds_only {
        return Ok(());
    }
    run(seconds, &targets)
}

/// The pass `cargo xtask test` (and so CI) runs: every target for a fixed
/// number of inputs from a fixed random seed, starting from a fresh copy of
/// the seeds, so that one commit gives the same run on every machine. A
/// time-boxed run with a random seed finds a different set of inputs each
/// time; that belongs to the long runs (`cargo xtask fuzz --seconds N`), not
/// to a gate that must give the same answer twice.
pub fn run_ci() -> (Tally, Result<(), String>) {
    let prepared = ensure_cargo_fuzz().and_then(|()| {
        let nightly = have_nightly();
        let seeds = collect_seeds()?;
        build(nightly)?;
        Ok((nightly, seeds))
    });
    let (nightly, seeds) = match prepared {
        Ok(p) => p,
        Err(e) => {
            let r = Err(e);
            return (Tally::of(&r), r);
        }
    };
    // Every target runs, each one test of the tally.
    let mut tally = Tally::default();
    let mut errors = Vec::new();
    for (target, inputs) in &seeds {
        let r = run_ci_target(nightly, target, inputs);
        tally.add(Tally::of(&r));
        if let Err(e) = r {
            errors.push(e);
        }
    }
    let result = if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    };
    (tally, result)
}

/// One target of the CI pass.
fn run_ci_target(nightly: bool, target: &str, inputs: &BTreeSet<Vec<u8>>) -> Result<(), String> {
    let runs = CI_RUNS
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(20_000, |&(_, n)| n);
    let dir = root().join("fuzz/corpus-ci").join(target);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    write_inputs(&dir, inputs)?;
    let corpus = dir.to_string_lossy().into_owned();
    let runs = format!("-runs={runs}");
    run_target(nightly, target, &[&corpus], &["-seed=1", &runs])
}

/// Inputs per target in the CI pass: about 15 seconds each on the
/// development machine (2 cores), measured with `-print_final_stats=1`.
/// `parse` parses each input in every dialect and its canonical form again
/// (inputs that exhaust pest's call budget are the slow ones).
const CI_RUNS: &[(&str, u32)] = &[
    ("parse", 60_000),
    ("eval", 250_000),
    ("lint", 10_000),
    ("config", 150_000),
    ("jwt", 2_000_000),
    ("claims", 600_000),
];

/// Runs each target for `seconds`, from the corpus in `fuzz/corpus/`.
pub fn run(seconds: u32, targets: &[&str]) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let nightly = have_nightly();
    build(nightly)?;
    for t in targets {
        let max_time = format!("-max_total_time={seconds}");
        run_target(nightly, t, &[], &[&max_time])?;
    }
    Ok(())
}

/// One build for every target.
fn build(nightly: bool) -> Result<(), String> {
    cargo_fuzz(
        nightly,
        &["build", "--sanitizer", "none", "--debug-assertions"],
    )
}

/// `cargo fuzz run TARGET CORPUS... -- LIMITS EXTRA...`.
fn run_target(nightly: bool, t: &str, corpus: &[&str], extra: &[&str]) -> Result<(), String> {
    let rss = format!("-rss_limit_mb={RSS_LIMIT_MB}");
    let timeout = format!("-timeout={TIMEOUT_S}");
    let mut args = vec!["run", "--sanitizer", "none", "--debug-assertions", t];
    args.extend_from_slice(corpus);
    args.extend_from_slice(&[
        "--",
        &rss,
        &timeout,
        "-max_len=65536",
        "-print_final_stats=1",
    ]);
    args.extend_from_slice(extra);
    cargo_fuzz(nightly, &args).map_err(|e| {
        format!("{e}\nthe fuzz target `{t}` failed: the input is in fuzz/artifacts/{t}/; reproduce with `cargo +nightly fuzz run -s none {t} fuzz/artifacts/{t}/<file>`")
    })
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let ok = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        crate::run("cargo", &["install", "cargo-fuzz", "--locked"])?;
    }
    Ok(())
}

/// Whether rustup has a nightly toolchain.
fn have_nightly() -> bool {
    Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn cargo_fuzz(nightly: bool, args: &[&str]) -> Result<(), String> {
    let mut cmd = Command::new("cargo");
    if nightly {
        cmd.arg("+nightly");
    } else {
        cmd.env("RUSTC_BOOTSTRAP", "1");
    }
    cmd.arg("fuzz").args(args).current_dir(root());
    // The workspace's target dir would mix sanitizer-flagged builds with the
    // ordinary ones; the fuzz crate keeps its own (fuzz/target, git-ignored).
    cmd.env_remove("CARGO_TARGET_DIR");
    // `cargo xtask` runs under the workspace's toolchain, whose cargo and
    // rustc these variables may name; `+nightly` must choose them instead.
    for var in ["RUSTUP_TOOLCHAIN", "CARGO", "RUSTC", "RUSTDOC"] {
        cmd.env_remove(var);
    }
    eprintln!(
        "+ cargo {}fuzz {}",
        if nightly {
            "+nightly "
        } else {
            "(RUSTC_BOOTSTRAP=1) "
        },
        args.join(" ")
    );
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `cargo fuzz`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo fuzz {}` failed ({status})", args.join(" ")))
    }
}

/// The seeds of every target: writes them, returns how many each got.
pub fn write_seeds() -> Result<Vec<(&'static str, usize)>, String> {
    let seeds = collect_seeds()?;
    let mut counts = Vec::new();
    for (target, inputs) in seeds {
        write_inputs(&root().join("fuzz/corpus").join(target), &inputs)?;
        counts.push((target, inputs.len()));
    }
    Ok(counts)
}

/// Writes `inputs` into `dir`, one file each, named by a hash of the input.
fn write_inputs(dir: &Path, inputs: &BTreeSet<Vec<u8>>) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for input in inputs {
        let mut h = DefaultHasher::new();
        input.hash(&mut h);
        let path = dir.join(format!("seed-{:016x}", h.finish()));
        std::fs::write(&path, input)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Files under `dir` (recursively) whose name ends with one of `exts` (any
/// file when `exts` is empty), sorted.
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "node_modules") {
                    stack.push(p);
                }
            } else if exts.is_empty()
                || p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| exts.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// base64url without padding (for the unsigned JWT seeds).
fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            s.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    s
}

/// The expressions of a TOML config: the values of `*_path` and `*mapping`
/// keys (basic and literal strings on one line; good enough for seeds).
fn toml_expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if !(key.ends_with("_path") || key.ends_with("mapping")) {
            continue;
        }
        let value = value.trim();
        if let Some(v) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            out.push(v.to_string());
        } else if let Ok(Json::String(v)) = serde_json::from_str::<Json>(value) {
            out.push(v);
        }
    }
    out
}

type Seeds = Vec<(&'static str, BTreeSet<Vec<u8>>)>;

/// A seed of the targets that read an expression and a JSON document: the
/// two joined by a NUL byte.
fn pair(expr: &str, json: &[u8]) -> Vec<u8> {
    let mut v = expr.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(json);
    v
}

/// The compliance suites' expressions (`parse`) and each with its document
/// (`eval`); the suites are `[{given, cases: [{expression, ...}]}]`.
fn compliance_seeds(
    root: &Path,
    parse: &mut BTreeSet<Vec<u8>>,
    eval: &mut BTreeSet<Vec<u8>>,
) -> Result<(), String> {
    for path in files(&root.join("tests/compliance"), &["json"]) {
        let text = read(&path)?;
        let Ok(Json::Array(groups)) = serde_json::from_slice::<Json>(&text) else {
            continue;
        };
        for group in &groups {
            let given = group.get("given").map(Json::to_string).unwrap_or_default();
            let Some(cases) = group.get("cases").and_then(Json::as_array) else {
                continue;
            };
            for case in cases {
                let Some(expr) = case.get("expression").and_then(Json::as_str) else {
                    continue;
                };
                // The benchmark suites' giant documents make slow seeds.
                if expr.len() > 4096 || given.len() > 16 * 1024 {
                    parse.insert(expr.as_bytes().to_vec());
                    continue;
                }
                parse.insert(expr.as_bytes().to_vec());
                eval.insert(pair(expr, given.as_bytes()));
            }
        }
    }
    Ok(())
}

fn collect_seeds() -> Result<Seeds, String> {
    let root = root();
    let mut parse = BTreeSet::new();
    let mut eval = BTreeSet::new();
    let mut lint = BTreeSet::new();
    let mut config = BTreeSet::new();
    let mut jwt = BTreeSet::new();
    let mut claims = BTreeSet::new();

    compliance_seeds(&root, &mut parse, &mut eval)?;

    // Examples: configs (and their expressions), users, tokens.
    let mut users: Vec<Vec<u8>> = Vec::new();
    for path in files(&root.join("examples"), &["json", "jwt", "jsonl", "txt"])
        .into_iter()
        .chain(files(
            &root.join("crates/simulate/tests/data"),
            &["json", "jwt", "jsonl", "txt"],
        ))
    {
        let bytes = read(&path)?;
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
        if path.to_string_lossy().contains("config") {
            config.insert(bytes);
            continue;
        }
        claims.insert(bytes.clone());
        match ext {
            "jwt" => {
                jwt.insert(bytes);
            }
            "json" => {
                if let Ok(v) = serde_json::from_slice::<Json>(&bytes) {
                    let token = format!(
                        "{}.{}.c2ln",
                        b64url(br#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#),
                        b64url(v.to_string().as_bytes())
                    );
                    jwt.insert(token.into_bytes());
                }
                users.push(bytes);
            }
            _ => {}
        }
    }
    let mut expressions = BTreeSet::new();
    for path in files(&root.join("examples"), &["toml", "yaml", "yml", "json"])
        .into_iter()
        .chain(files(
            &root.join("crates/simulate/tests"),
            &["toml", "yaml", "yml"],
        ))
        .chain(files(&root.join("crates/simulate/tests/data"), &["json"]))
    {
        let bytes = read(&path)?;
        if path.extension().is_some_and(|x| x == "json")
            && !path.to_string_lossy().contains("config")
        {
            continue;
        }
        expressions.extend(toml_expressions(&String::from_utf8_lossy(&bytes)));
        config.insert(bytes);
    }
    for (i, expr) in expressions.iter().enumerate() {
        parse.insert(expr.as_bytes().to_vec());
        for user in &users {
            eval.insert(pair(expr, user));
        }
        let user = users
            .get(i % users.len().max(1))
            .map_or(&b"{}"[..], Vec::as_slice);
        lint.insert(pair(expr, user));
    }
    // Lint what the suites parse too, without claims.
    for expr in parse.iter().take(2000) {
        lint.insert(expr.clone());
    }
    // Committed seeds: the (minimized) inputs that found bugs.
    for (target, set) in [
        ("parse", &mut parse),
        ("eval", &mut eval),
        ("lint", &mut lint),
        ("config", &mut config),
        ("jwt", &mut jwt),
        ("claims", &mut claims),
    ] {
        for path in files(&root.join("fuzz/seeds").join(target), &[]) {
            set.insert(read(&path)?);
        }
    }
    Ok(vec![
        ("parse", parse),
        ("eval", eval),
        ("lint", lint),
        ("config", config),
        ("jwt", jwt),
        ("claims", claims),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url() {
        assert_eq!(b64url(b"{}"), "e30");
        assert_eq!(b64url(b"[1]"), "WzFd");
        assert_eq!(b64url(b"ab"), "YWI");
        assert_eq!(b64url(b""), "");
    }

    #[test]
    fn expressions_of_a_config() {
        let text = "identifier_path = \"preferred_username\"\nrole_mapping = 'contains(groups, \"a\") && ''x'''\ndefault_org_mapping = \"'{{orgId}}'\"\nname = \"x\"\n";
        let e = toml_expressions(text);
        assert_eq!(e[0], "preferred_username");
        assert_eq!(e[2], "'{{orgId}}'");
        assert_eq!(e.len(), 3);
    }
}
