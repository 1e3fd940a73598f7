//! `rolemap decode`: a JWT's header and payload, NOT verified.

use std::ffi::OsStr;
use std::path::Path;

use serde_json::{json, Value as Json};

use crate::args::{DecodeArgs, OutputFormat};
use crate::cmd_eval::pretty;
use crate::input::{self, Source};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{out, CmdResult, Failure, EXIT_OK};

/// Claims holding a time (seconds since 1970).
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time", "updated_at"];

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since 1970 (proleptic Gregorian).
pub fn utc_time(secs: i64) -> Option<String> {
    // 0000-01-01 to 9999-12-31
    if !(-62_167_219_200..=253_402_300_799).contains(&secs) {
        return None;
    }
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (era-based computation).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// The token's text: `-` is stdin; anything that exists at that path is
/// read (a regular file, but also a FIFO such as `<(...)` or `/dev/stdin`);
/// anything else must be the token itself.
fn token_source(arg: &OsStr) -> Result<Source, Failure> {
    let path = Path::new(arg);
    if arg == "-" {
        return input::read_source(path);
    }
    let name = path.display();
    let why_not = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(Failure::input(format!(
                "{name}: is a folder, not a file or a JWT"
            )))
        }
        Ok(_) => return input::read_file(path),
        Err(e) => e,
    };
    if let Some(text) = arg.to_str() {
        let t = text.trim_start();
        if t.starts_with("ey") || t.starts_with("Bearer ") || t.starts_with("bearer ") {
            return Ok(Source {
                name: "<argument>".into(),
                text: text.to_string(),
            });
        }
    }
    if why_not.kind() == std::io::ErrorKind::PermissionDenied {
        // It may exist: say why it cannot be read rather than "no such file".
        return input::read_file(path);
    }
    Err(Failure::input(format!(
        "{name}: no such file, and not a JWT (header.payload.signature in base64url, starting with `ey`)"
    )))
}

/// Runs `rolemap decode`.
pub fn run(a: &DecodeArgs, style: Style) -> CmdResult {
    let source = token_source(&a.token)?;
    if source.text.trim().is_empty() {
        return Err(Failure::input(format!(
            "{}: the file is empty: expected a JWT (header.payload.signature)",
            source.name
        )));
    }
    let is_json = || serde_json::from_str::<serde::de::IgnoredAny>(&source.text).is_ok();
    if !input::looks_like_jwt(&source.text) && is_json() {
        return Err(Failure::input(format!(
            "{}: holds JSON, not a JWT (header.payload.signature in base64url); to read JSON claims use `rolemap eval @ {}`",
            source.name, source.name
        )));
    }
    let jwt = rolemap_simulate::decode_jwt(&source.text)
        .map_err(|e| Failure::input(format!("{}: not a readable JWT: {e}", source.name)))?;
    match a.output {
        OutputFormat::Json => {
            let v = json!({
                "header": jwt.header,
                "payload": jwt.payload,
                "signature": jwt.signature,
                "verified": false,
            });
            out(&Shown::json(&format!("{}\n", pretty(&v))))?;
        }
        OutputFormat::Text => {
            let mut text = Shown::new();
            let head = |t: &str| paint(style.out, Paint::Bold, t);
            text.push(shown![head("Header:"), "\n"]);
            let header = pretty(&Json::Object(jwt.header.clone()));
            text.push(shown![Shown::json(&header), "\n"]);
            text.push(shown![head("Payload (the claims Pangolin reads):"), "\n"]);
            let payload = pretty(&Json::Object(jwt.payload.clone()));
            text.push(shown![Shown::json(&payload), "\n"]);
            let times: Vec<String> = TIME_CLAIMS
                .iter()
                .filter_map(|c| {
                    let secs = jwt.payload.get(*c)?.as_i64()?;
                    Some(format!("  {c}: {}", utc_time(secs)?))
                })
                .collect();
            if !times.is_empty() {
                text.push(shown![head("Times:"), "\n", times.join("\n"), "\n"]);
            }
            let sig = if jwt.signature.is_empty() {
                "(none: an unsigned token)".to_string()
            } else {
                format!("{} characters", jwt.signature.chars().count())
            };
            text.push(shown![head("Signature:"), " ", sig, "\n"]);
            text.push(shown![
                paint(
                    style.out,
                    Paint::Yellow,
                    "The signature was NOT verified: this only decodes the token."
                ),
                "\n"
            ]);
            out(&text)?;
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::utc_time;

    #[test]
    fn times() {
        assert_eq!(utc_time(0).as_deref(), Some("1970-01-01 00:00:00 UTC"));
        assert_eq!(
            utc_time(1_700_000_000).as_deref(),
            Some("2023-11-14 22:13:20 UTC")
        );
        assert_eq!(
            utc_time(951_782_400).as_deref(),
            Some("2000-02-29 00:00:00 UTC")
        );
        assert_eq!(utc_time(i64::MAX), None);
    }
}
