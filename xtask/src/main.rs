//! `cargo xtask <task>`: the project's automation, in Rust so that it runs
//! wherever cargo does.
//!
//! - `test`: installs what the tests need when it is missing (the npm
//!   package jmespath@0.16.0 for the differential test, Debian's `jp` and
//!   the PyPI package jmespath-community 1.1.3 for Grafana's, and what later
//!   tasks need), then runs every test, and ends with one line `N passed, N
//!   failed` over all its parts ([`tally`]). A missing prerequisite that
//!   cannot be installed is a failure, never a skip.
//! - `lengths`: fails when a function is longer than 120 lines, tests
//!   aside (see [`lengths`]); `test` runs it.
//! - `bench [seconds] [--table] [--whole]`: every benchmark beside the peer engines, printed as
//!   a markdown table of ratios (see `bench.rs`); `--whole` only the
//!   whole-process runs. `measure` is its helper (see `whole.rs`).
//! - `playground [--serve] [--port N]`: builds the web playground into
//!   `target/playground/` (see [`playground`]), and serves it on 127.0.0.1.
//! - `public-api [--bless]`: the engine's public API against its pinned
//!   list (see [`public_api`]); `test` runs it.
//! - `fuzz [--seconds N] [--seeds-only] [--ci] [TARGET...]`: a short pass of every
//!   cargo-fuzz target in `fuzz/` (see [`fuzz`]); `test` runs a fixed-seed,
//!   fixed-length pass of each (about 15 s a target).

#![forbid(unsafe_code)]

mod bench;
mod fuzz;
mod layout;
mod lengths;
mod playground;
mod public_api;
mod tally;
mod whole;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::tally::Tally;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Runs a command in the repository root; `Err` names it when it fails.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("+ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Whether `program --version` runs.
fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// npm packages of the differential test (jmespath@0.16.0, pinned in tests/package-lock.json).
fn ensure_node_packages() -> Result<(), String> {
    if !have("node") || !have("npm") {
        return Err("node and npm are needed for the differential test against jmespath@0.16.0: install Node.js 20".into());
    }
    if !root()
        .join("tests/node_modules/jmespath/package.json")
        .exists()
    {
        run(
            "npm",
            &["ci", "--prefix", "tests", "--no-audit", "--no-fund"],
        )?;
    }
    Ok(())
}

/// Debian's `jp` 0.2.1 (go-jmespath v0.4.0), the live oracle of the
/// grafana-11.2 dialect's differential test (installed with apt-get when
/// missing and running as root; otherwise a failure naming the fix).
fn ensure_jp() -> Result<(), String> {
    let ok = || {
        Command::new("/usr/bin/jp")
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("0.2.1"))
    };
    if ok() {
        return Ok(());
    }
    if !playground::is_root() {
        return Err("the differential test of the grafana-11.2 dialect needs Debian's jp 0.2.1 at /usr/bin/jp: run `apt-get install -y jp` as root".into());
    }
    run("apt-get", &["update"])?;
    run("apt-get", &["install", "-y", "jp"])?;
    if ok() {
        Ok(())
    } else {
        Err("apt-get installed jp but /usr/bin/jp is not version 0.2.1".into())
    }
}

/// The PyPI package jmespath-community 1.1.3 in `target/py-jmespath-community`
/// (a virtual environment of its own: it installs a module named `jmespath`,
/// as the benchmarks' peer package does), the second opinion of the grafana
/// dialect's differential test.
fn ensure_jmespath_community() -> Result<(), String> {
    let venv = root().join("target/py-jmespath-community");
    let python = venv.join("bin/python");
    let ok = || {
        Command::new(&python)
            .args([
                "-c",
                "import importlib.metadata as m; assert m.version('jmespath-community') == '1.1.3'",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ok() {
        return Ok(());
    }
    let venv_text = venv.display().to_string();
    run("python3", &["-m", "venv", &venv_text])?;
    let python_text = python.display().to_string();
    run(
        &python_text,
        &["-m", "pip", "install", "-q", "jmespath-community==1.1.3"],
    )?;
    if ok() {
        Ok(())
    } else {
        Err(format!(
            "pip installed jmespath-community but {python_text} cannot import version 1.1.3"
        ))
    }
}

/// Every part of the tests, each run even when one before failed; ends with
/// one line `N passed, N failed` over all of them.
fn test() -> ExitCode {
    let mut all = Tally::default();
    let mut errors: Vec<String> = Vec::new();
    let mut part = |(tally, result): (Tally, Result<(), String>)| {
        all.add(tally);
        if let Err(e) = result {
            errors.push(e);
        }
    };
    for ready in [
        ensure_node_packages(),
        ensure_jp(),
        ensure_jmespath_community(),
    ] {
        if ready.is_err() {
            part((Tally::of(&ready), ready));
        }
    }
    part(tally::run_counted(
        "cargo",
        &["test", "--workspace", "--all-targets"],
        &[],
    ));
    part(tally::run_counted(
        "cargo",
        &["test", "--workspace", "--doc"],
        &[],
    ));
    // The engine as the playground's Pangolin module has it: no Grafana
    // engine.
    part(tally::run_counted(
        "cargo",
        &[
            "test",
            "-p",
            "rolemap-engine",
            "--no-default-features",
            "--features",
            "pest-dialects",
            "--lib",
        ],
        &[],
    ));
    // As the Grafana module has it: the Go engines only.
    part(tally::run_counted(
        "cargo",
        &[
            "test",
            "-p",
            "rolemap-engine",
            "--no-default-features",
            "--features",
            "grafana",
            "--lib",
            "without_pest_dialects",
        ],
        &[],
    ));
    // The module's code for both targets (the workspace builds only the
    // default, Pangolin's).
    part(tally::run_counted(
        "cargo",
        &["test", "-p", "rolemap-wasm", "--all-features"],
        &[],
    ));
    // The engine as the playground's module has it, browser paths
    // included: the one evaluation entry and the sort by indices, under the
    // compliance suites.
    part(tally::run_counted(
        "cargo",
        &[
            "test",
            "-p",
            "rolemap-engine",
            "-p",
            "rolemap-tests",
            "--features",
            "rolemap-engine/browser",
            "--lib",
            "--test",
            "compliance",
        ],
        &[],
    ));
    part(public_api::test());
    part(playground::test());
    part(fuzz::run_ci());
    let lengths = lengths::main();
    part((Tally::of(&lengths), lengths));
    for e in &errors {
        eprintln!("xtask: {e}");
    }
    println!("{}", all.line());
    if errors.is_empty() && all.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => return test(),
        Some("playground") => playground::main(&args[1..]),
        Some("fuzz") => fuzz::main(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("measure") => whole::measure(&args[1..]),
        Some("lengths") => lengths::main(),
        Some("public-api") => public_api::main(&args[1..]),
        _ => Err("usage: cargo xtask test | cargo xtask lengths | cargo xtask public-api [--bless] | cargo xtask playground [--serve] [--port N] | cargo xtask fuzz [--seconds N] [--seeds-only] [--ci] [TARGET...] | cargo xtask bench [seconds] [--table] [--whole]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
