//! `cargo xtask public-api [--bless]`: the engine's public API, pinned.
//!
//! rustdoc writes the crate's API as JSON (an unstable rustdoc option, so
//! the stable toolchain runs it with `RUSTC_BOOTSTRAP=1`); the `public-api`
//! crate lists its public items, one per line, with their signatures
//! (blanket impls left out). The
//! list must equal `crates/engine/public-api.txt`, with the default features
//! and with the playground's (`--no-default-features --features browser`):
//! the features change what the engine can do, never its API. `--bless`
//! writes the list to the file instead (after a deliberate change of API).

use std::path::PathBuf;
use std::process::Command;

use crate::root;
use crate::tally::Tally;

/// The pinned list, from the repository root.
const SNAPSHOT: &str = "crates/engine/public-api.txt";

/// The rustdoc JSON format the pinned `public-api` crate reads (its
/// `rustdoc-types` 0.57): another toolchain writes another format.
const FORMAT_VERSION: u64 = 57;

/// The builds compared: (what they are, their cargo feature flags).
const BUILDS: [(&str, &[&str]); 2] = [
    ("the default features", &[]),
    (
        "the playground's features",
        &["--no-default-features", "--features", "browser"],
    ),
];

/// `cargo xtask public-api [--bless]`.
pub fn main(args: &[String]) -> Result<(), String> {
    match args {
        [] => check(),
        [flag] if flag == "--bless" => {
            let api = api(BUILDS[0].1)?;
            std::fs::write(root().join(SNAPSHOT), &api)
                .map_err(|e| format!("cannot write {SNAPSHOT}: {e}"))?;
            eprintln!("xtask: wrote {SNAPSHOT} ({} items)", api.lines().count());
            Ok(())
        }
        _ => Err("usage: cargo xtask public-api [--bless]".into()),
    }
}

/// The part of `cargo xtask test`: one test.
pub fn test() -> (Tally, Result<(), String>) {
    let result = check();
    if let Err(e) = &result {
        eprintln!("xtask: {e}");
    }
    (Tally::of(&result), result)
}

/// Compares every build's API with the pinned list.
fn check() -> Result<(), String> {
    let pinned = std::fs::read_to_string(root().join(SNAPSHOT)).map_err(|e| {
        format!("cannot read {SNAPSHOT}: {e} (run `cargo xtask public-api --bless`)")
    })?;
    for (what, flags) in BUILDS {
        let api = api(flags)?;
        if api != pinned {
            return Err(format!(
                "the engine's public API with {what} is not {SNAPSHOT}:\n{}\nif the change is meant, run `cargo xtask public-api --bless` and commit the file",
                difference(&pinned, &api)
            ));
        }
    }
    eprintln!("xtask: the engine's public API is {SNAPSHOT}");
    Ok(())
}

/// The lines only one side has, marked `-` (pinned) and `+` (built).
fn difference(pinned: &str, built: &str) -> String {
    let removed = pinned
        .lines()
        .filter(|l| !built.lines().any(|b| b == *l))
        .map(|l| format!("- {l}"));
    let added = built
        .lines()
        .filter(|l| !pinned.lines().any(|p| p == *l))
        .map(|l| format!("+ {l}"));
    removed.chain(added).collect::<Vec<_>>().join("\n")
}

/// The engine's public items with `flags`, one per line, sorted.
fn api(flags: &[&str]) -> Result<String, String> {
    // A target directory of its own: RUSTC_BOOTSTRAP would otherwise make
    // cargo rebuild the ordinary builds' dependencies.
    let target = root().join("target/public-api");
    let mut args = vec!["rustdoc", "-q", "-p", "rolemap-engine", "--lib"];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["--", "-Z", "unstable-options", "--output-format", "json"]);
    eprintln!("+ RUSTC_BOOTSTRAP=1 cargo {}", args.join(" "));
    let status = Command::new("cargo")
        .args(&args)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !status.success() {
        return Err(format!("cargo rustdoc (JSON) failed ({status})"));
    }
    let json: PathBuf = target.join("doc/rolemap_engine.json");
    let text = std::fs::read_to_string(&json)
        .map_err(|e| format!("cannot read {}: {e}", json.display()))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("format_version")?.as_u64());
    if format != Some(FORMAT_VERSION) {
        return Err(format!(
            "{} is rustdoc JSON format {format:?}; the pinned `public-api` crate reads format {FORMAT_VERSION}: update `public-api` in xtask/Cargo.toml to the version for this toolchain's format (and FORMAT_VERSION in xtask/src/public_api.rs)",
            json.display()
        ));
    }
    // Blanket impls (`Into`, `Borrow`, ...) come with every type; auto
    // traits (`Send`, `Sync`) stay: a change of them breaks users.
    let api = public_api::Builder::from_rustdoc_json(&json)
        .omit_blanket_impls(true)
        .build()
        .map_err(|e| format!("cannot read {}: {e}", json.display()))?;
    let mut out: String = api.items().map(|i| format!("{i}\n")).collect();
    if out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}
