//! `rolemap`: test Pangolin's OIDC role-mapping and org-mapping JMESPath
//! expressions before saving them.
//!
//! Exit codes: 0 success; 1 an evaluation error, a lint finding or a failed
//! test; 2 a usage, syntax or input error.

#![forbid(unsafe_code)]

// First: the `shown!` macro is used by the modules after it.
#[macro_use]
mod terminal;
mod args;
mod claims;
mod cmd_decode;
mod cmd_eval;
mod cmd_explain;
mod cmd_grafana;
mod cmd_lint;
mod cmd_misc;
mod cmd_pangolin;
mod cmd_simulate;
mod cmd_test;
mod examples;
mod input;
mod lazy;
mod outcome_text;
mod report;
mod stream;
mod style;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::style::Style;
use crate::terminal::Shown;

/// mimalloc rather than the system's allocator: `simulate` over many samples
/// builds an outcome (a few small strings and lists) per sample on every
/// core. Over 100,000 users x 20 orgs on 2 threads it took 0.15-0.18 s with
/// mimalloc and 0.26-0.29 s with glibc's malloc (the README's Performance
/// section says how that was measured).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code: everything went as asked.
pub const EXIT_OK: u8 = 0;
/// Exit code: an evaluation error, a lint finding, a failed test.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: a usage, syntax or input error.
pub const EXIT_USAGE: u8 = 2;

/// Why a command stopped: an exit code and a message for stderr (empty when
/// already reported).
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// The message (printed as `error: MESSAGE`), empty when already shown.
    pub message: String,
    /// Stdout was closed (a pipe whose reader left): stop quietly.
    pub broken_pipe: bool,
}

impl Failure {
    /// A usage or input error (exit 2).
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
            broken_pipe: false,
        }
    }

    /// Stop with `code`, the reason having been printed already.
    pub fn silent(code: u8) -> Failure {
        Failure {
            code,
            message: String::new(),
            broken_pipe: false,
        }
    }

    /// A write to stdout failed.
    pub fn io(e: &std::io::Error) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: format!("cannot write the output: {e}"),
            broken_pipe: e.kind() == std::io::ErrorKind::BrokenPipe,
        }
    }
}

/// The outcome of a command: its exit code, or a failure.
pub type CmdResult = Result<u8, Failure>;

/// Writes `text` to stdout.
pub fn out(text: &Shown) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_str().as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::io(&e))
}

/// Writes `text` to stderr (errors ignored: nowhere left to report them).
pub fn err(text: &Shown) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_str().as_bytes());
    let _ = stderr.flush();
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and exit 0; usage errors
            // exit 2, quoting what was typed: escaped, without clap's styles.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::from(EXIT_OK);
            }
            err(&Shown::from(e.render().to_string()));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let style = Style::new(cli.color);
    let result = match cli.command {
        Command::Eval(a) => cmd_eval::run(&a, style),
        Command::Explain(a) => cmd_explain::run(&a, style),
        Command::Lint(a) => cmd_lint::run(&a, style),
        Command::Simulate(a) => cmd_simulate::run(&a, style),
        Command::Test(a) => cmd_test::run(&a, style),
        Command::Fmt(a) => cmd_misc::fmt(&a, style),
        Command::Decode(a) => cmd_decode::run(&a, style),
        Command::Completions(a) => cmd_misc::completions(&a),
        Command::Examples(a) => cmd_misc::examples(&a, style),
        Command::Pangolin(a) => cmd_pangolin::run(&a, style),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) if f.broken_pipe => ExitCode::from(EXIT_OK),
        Err(f) => {
            if !f.message.is_empty() {
                err(&shown![
                    style::paint(style.err, style::Paint::Red, "error:"),
                    " ",
                    &f.message,
                    "\n"
                ]);
            }
            ExitCode::from(f.code)
        }
    }
}
