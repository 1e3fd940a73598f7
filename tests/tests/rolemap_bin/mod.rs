//! The `rolemap` binary, for tests that run it as a user would.
//!
//! `ROLEMAP_BIN` names a built binary; otherwise the binary is built
//! (`cargo build -p rolemap-cli --bin rolemap`, a no-op when it is up to
//! date) into the target directory and profile this test binary lives in.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The path of an up-to-date `rolemap` binary.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("ROLEMAP_BIN") {
            return PathBuf::from(p);
        }
        // target/<profile>/deps/<this test> -> target/<profile>
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test binary lives in target/<profile>/deps");
        let target_dir = profile_dir.parent().expect("target dir");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev".to_string(),
            Some(p) => p.to_string(),
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "rolemap-cli",
                "--bin",
                "rolemap",
                "--profile",
            ])
            .arg(&profile)
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(repo())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p rolemap-cli failed");
        let bin = profile_dir.join(format!("rolemap{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "{} was not built", bin.display());
        bin
    })
}

/// What a run gave.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Stdout, lossily decoded.
    pub stdout: String,
    /// Stderr, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// Whether the output shows a Rust panic (or an abort).
    pub fn panicked(&self) -> bool {
        let out = format!("{}{}", self.stdout, self.stderr);
        out.contains("panicked")
            || out.contains("RUST_BACKTRACE")
            || out.contains("stack overflow")
            || out.contains("memory allocation of")
    }
}

/// Runs `rolemap ARGS` in `dir` with `stdin`, through `sh -c` when
/// `shell_prefix` is given (e.g. `ulimit -v 204800;`).
pub fn run_in(dir: &Path, args: &[&str], stdin: &[u8], shell_prefix: Option<&str>) -> Run {
    let mut cmd = match shell_prefix {
        Some(prefix) => {
            let mut c = Command::new("/bin/sh");
            c.arg("-c")
                .arg(format!("{prefix} exec \"$0\" \"$@\""))
                .arg(bin())
                .args(args);
            c
        }
        None => {
            let mut c = Command::new(bin());
            c.args(args);
            c
        }
    };
    let mut child = cmd
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rolemap");
    // Written from a thread: a child that fills its stdout pipe before
    // reading stdin would otherwise block both sides.
    let writer = child.stdin.take().map(|mut input| {
        let bytes = stdin.to_vec();
        std::thread::spawn(move || {
            // The child may exit before reading everything.
            let _ = input.write_all(&bytes);
        })
    });
    let out = child.wait_with_output().expect("wait for rolemap");
    if let Some(w) = writer {
        let _ = w.join();
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `rolemap ARGS` in the repository root.
pub fn run(args: &[&str], stdin: &[u8]) -> Run {
    run_in(&repo(), args, stdin, None)
}
