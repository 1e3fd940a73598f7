//! Reading inputs: files or stdin, JSON or JWT, with errors that name the
//! file and, where known, the line and column.

use std::io::Read;
use std::path::Path;

use serde_json::Value as Json;

use crate::Failure;

/// One parsed document of an input, or why it is not one (a bad line of
/// JSON Lines, reported in its place).
pub type Document = Result<Json, Failure>;

/// The text of a file (or of stdin), checked to be UTF-8.
#[derive(Debug)]
pub struct Source {
    /// How to name it in messages (the path, or `<stdin>`).
    pub name: String,
    /// The text, without a byte-order mark.
    pub text: String,
}

/// 1-based line and column (in bytes) of byte `offset` in `bytes`.
fn line_col_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    (line, before.len() - start + 1)
}

/// Reads `arg` (`-` is stdin) as UTF-8 text. Any file name works, UTF-8 or
/// not; anything that can be read does (a FIFO such as `<(...)`,
/// `/dev/stdin`).
pub fn read_source(arg: &Path) -> Result<Source, Failure> {
    if arg.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::input(format!("<stdin>: cannot read: {e}")))?;
        return decode_text("<stdin>".to_string(), bytes);
    }
    read_file(arg)
}

/// Reads a file as UTF-8 text.
pub fn read_file(path: &Path) -> Result<Source, Failure> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(Failure::input(format!("{name}: is a folder, not a file")));
    }
    let bytes = std::fs::read(path).map_err(|e| read_failure(&name, &e))?;
    decode_text(name, bytes)
}

/// Why the file `name` cannot be read, in the words every subcommand uses.
pub fn read_failure(name: &str, e: &std::io::Error) -> Failure {
    Failure::input(format!(
        "{name}: cannot read the file: {}",
        rolemap_simulate::read_reason(e)
    ))
}

fn decode_text(name: String, bytes: Vec<u8>) -> Result<Source, Failure> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(Source { name, text })
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let (line, column) = line_col_bytes(e.as_bytes(), at);
            Err(Failure::input(format!(
                "{name}:{line}:{column}: not UTF-8 text (is it a binary file?): expected JSON or a JWT"
            )))
        }
    }
}

/// Whether `text` looks like a JWT: base64url parts separated by dots,
/// optionally after `Bearer `. A JWT's header is a JSON object, so its
/// base64url starts with `ey` (`{"`, `{ `) or `ew` (`{` and a newline),
/// which no JSON text does.
pub fn looks_like_jwt(text: &str) -> bool {
    let t = text.trim();
    let t = t
        .strip_prefix("Bearer ")
        .or_else(|| t.strip_prefix("bearer "))
        .unwrap_or(t)
        .trim();
    if (t.starts_with("ey") || t.starts_with("ew")) && t.contains('.') {
        return true;
    }
    !t.is_empty()
        && t.contains('.')
        && t.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=' | b'+' | b'/')
        })
        && !t.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        && !matches!(t, "true" | "false" | "null")
}

/// Parses a document: JSON, or a JWT whose payload is decoded (not verified).
/// `name` is what errors call it (`file`, `file:LINE`); `line_offset` is
/// added to serde_json's line numbers (for JSON lines).
pub fn parse_document(text: &str, name: &str, line_offset: usize) -> Result<Json, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::input(format!(
            "{name}: the file is empty: expected JSON or a JWT"
        )));
    }
    if looks_like_jwt(text) {
        return rolemap_simulate::decode_jwt(text)
            .map(|d| Json::Object(d.payload))
            .map_err(|e| Failure::input(format!("{name}: not a readable JWT: {e}")));
    }
    parse_json(text, name, line_offset)
}

/// Parses JSON; the error names the file, line and column.
pub fn parse_json(text: &str, name: &str, line_offset: usize) -> Result<Json, Failure> {
    serde_json::from_str(text).map_err(|e| json_failure(&e, name, line_offset))
}

/// A JSON syntax error as the message that names the file, line and column.
pub fn json_failure(e: &serde_json::Error, name: &str, line_offset: usize) -> Failure {
    let message = strip_position(&e.to_string());
    if e.line() == 0 {
        Failure::input(format!("{name}: invalid JSON: {message}"))
    } else {
        Failure::input(format!(
            "{name}:{}:{}: invalid JSON: {message}",
            e.line() + line_offset,
            e.column()
        ))
    }
}

/// Every non-blank line of `source` as a document, with its 1-based line.
pub fn parse_lines(source: &Source) -> Result<Vec<(usize, Document)>, Failure> {
    let mut out = Vec::new();
    for (i, line) in source.text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let doc = if looks_like_jwt(line) {
            parse_document(line, &format!("{}:{}", source.name, i + 1), 0)
        } else {
            parse_json(line, &source.name, i)
        };
        out.push((i + 1, doc));
    }
    if out.is_empty() {
        return Err(Failure::input(format!(
            "{}: the file is empty: expected one JSON document per line",
            source.name
        )));
    }
    Ok(out)
}

/// Removes serde_json's trailing ` at line N column M` (reported apart).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// The samples of a claims argument: a file or a folder of them, or `-`
/// for stdin (one JSON object, a JWT, or JSON Lines).
pub fn load_claims(path: &Path) -> Result<Vec<rolemap_simulate::Sample>, Failure> {
    use rolemap_simulate::samples::parse_samples;
    if path.as_os_str() != "-" {
        return rolemap_simulate::load_samples(path).map_err(|e| Failure::input(e.to_string()));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::input(format!("<stdin>: cannot read: {e}")))?;
    let name = Path::new("<stdin>");
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let sniffed = |kind: &str| {
        parse_samples(&bytes, kind, name, "<stdin>").map_err(|e| Failure::input(e.to_string()))
    };
    match lines.as_slice() {
        // Several lines: JSON Lines when the first is a whole object,
        // one JWT per line when each looks like one.
        [(_, first), _, ..]
            if first.starts_with('{') && serde_json::from_str::<Json>(first).is_ok() =>
        {
            sniffed("jsonl")
        }
        [_, _, ..] if lines.iter().all(|(_, l)| looks_like_jwt(l)) => {
            let mut out = Vec::new();
            for (n, line) in &lines {
                let label = format!("<stdin>:{n}");
                let samples = parse_samples(line.as_bytes(), "jwt", Path::new(&label), &label)
                    .map_err(|e| Failure::input(e.to_string()))?;
                out.extend(samples);
            }
            Ok(out)
        }
        // One document: JSON or a JWT, told apart by the first character.
        _ => sniffed(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_detection() {
        assert!(looks_like_jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."));
        assert!(looks_like_jwt("Bearer a.b.c\n"));
        assert!(!looks_like_jwt("{\"a\": 1}"));
        assert!(!looks_like_jwt("1.5"));
        assert!(!looks_like_jwt("true"));
        assert!(!looks_like_jwt("\"a.b\""));
    }

    #[test]
    fn json_errors_have_positions() {
        let e = parse_json("{\n  \"a\": ,\n}", "f.json", 0).err();
        let msg = e.map(|e| e.message).unwrap_or_default();
        assert!(msg.starts_with("f.json:2:8: invalid JSON"), "{msg}");
    }
}
