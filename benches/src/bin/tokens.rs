//! `tokens <count>`: writes `count` Pocket ID-like ID token payloads to
//! stdout, one JSON object a line ([`rolemap_benches::pocket_id_token`]):
//! the input of the whole-process benchmarks of `cargo xtask bench`.

use std::io::Write;

fn main() -> std::process::ExitCode {
    let count: usize = match std::env::args().nth(1).map(|a| a.parse()) {
        Some(Ok(n)) => n,
        _ => {
            eprintln!("usage: tokens <count>");
            return std::process::ExitCode::from(2);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for n in 0..count {
        if writeln!(out, "{}", rolemap_benches::pocket_id_token(n)).is_err() {
            return std::process::ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
