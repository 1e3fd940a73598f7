//! Sample users' claims: a JSON file holding one object, a file holding a
//! JWT (decoded without verification), a JSONL file (one object per line,
//! labelled `file.jsonl:LINE`), or a folder (every `.json`, `.jwt`, `.jsonl`
//! and `.txt` file in it, sorted by name; not recursive).
//!
//! A `.txt` file (or any other extension) is read as JSON when its first
//! non-blank character is `{`, else as a JWT. JSON nesting deeper than 128
//! levels is an error (serde_json's recursion limit), never a stack overflow.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::error::SampleError;
use crate::jwt::{decode_jwt, json_type_phrase};
use crate::position::{line_col_bytes, strip_position};

/// The claims of an ID token payload: always a JSON object.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Claims(Json);

impl Claims {
    /// Claims from a JSON value; `Err` gives back what it is instead
    /// (`an array`, `a string`...) when it is not an object.
    pub fn from_json(value: Json) -> Result<Claims, &'static str> {
        match value {
            Json::Object(_) => Ok(Claims(value)),
            other => Err(json_type_phrase(&other)),
        }
    }

    /// Claims from a JSON object.
    pub fn from_map(map: Map<String, Json>) -> Claims {
        Claims(Json::Object(map))
    }

    /// The claims as a JSON value (always an object).
    pub fn as_json(&self) -> &Json {
        &self.0
    }

    /// The claims as a JSON object.
    pub fn as_map(&self) -> &Map<String, Json> {
        static EMPTY: std::sync::OnceLock<Map<String, Json>> = std::sync::OnceLock::new();
        match &self.0 {
            Json::Object(m) => m,
            _ => EMPTY.get_or_init(Map::new),
        }
    }

    /// The value of a top-level claim.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.as_map().get(name)
    }
}

/// One sample user: a label (the file name, or `file.jsonl:LINE`) and the
/// claims of their ID token.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// Where the sample came from.
    pub label: String,
    /// The ID token's payload.
    pub claims: Claims,
}

impl Sample {
    /// A sample from a label and claims.
    pub fn new(label: impl Into<String>, claims: Claims) -> Sample {
        Sample {
            label: label.into(),
            claims,
        }
    }
}

/// The file extensions read from a folder.
pub const SAMPLE_EXTENSIONS: &[&str] = &["json", "jwt", "jsonl", "txt"];

/// The extensions of the sample files Grafana's simulation reads from a
/// folder (one user a file: no JSON Lines).
pub const GRAFANA_SAMPLE_EXTENSIONS: &[&str] = &["json", "jwt", "txt"];

/// Loads the samples in a file or folder.
pub fn load_samples(path: &Path) -> Result<Vec<Sample>, SampleError> {
    let meta = std::fs::metadata(path).map_err(|source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        let mut out = Vec::new();
        for f in sample_files(path)? {
            out.extend(load_file(&f)?);
        }
        Ok(out)
    } else {
        load_file(path)
    }
}

/// The sample files of a folder, in the order [`load_samples`] reads them
/// (each read by [`load_file`]): not hidden, with one of
/// [`SAMPLE_EXTENSIONS`], sorted; none is an error.
pub fn sample_files(path: &Path) -> Result<Vec<PathBuf>, SampleError> {
    let entries = std::fs::read_dir(path).map_err(|source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SampleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let p = entry.path();
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if !hidden && p.is_file() && ext.is_some_and(|e| SAMPLE_EXTENSIONS.contains(&e.as_str())) {
            files.push(p);
        }
    }
    if files.is_empty() {
        return Err(SampleError::EmptyFolder {
            path: path.to_path_buf(),
        });
    }
    files.sort();
    Ok(files)
}

/// The label of a file: its name.
fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Loads the samples of one file (one, or one per line for JSONL).
pub fn load_file(path: &Path) -> Result<Vec<Sample>, SampleError> {
    let bytes = std::fs::read(path).map_err(|source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let label = file_label(path);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    parse_samples(&bytes, &ext, path, &label)
}

/// Parses the bytes of a sample file. `kind` is the file's extension
/// (`json`, `jwt`, `jsonl`; anything else is sniffed).
pub fn parse_samples(
    bytes: &[u8],
    kind: &str,
    path: &Path,
    label: &str,
) -> Result<Vec<Sample>, SampleError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = line_col_bytes(bytes, e.valid_up_to());
            return Err(SampleError::NotText {
                path: path.to_path_buf(),
                line: Some(line),
                column: Some(column),
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if crate::js::trim(text).is_empty() {
        return Err(SampleError::Empty {
            path: path.to_path_buf(),
        });
    }
    match kind {
        "jsonl" | "ndjson" => parse_jsonl(text, path, label),
        "json" => Ok(vec![Sample::new(label, parse_json_object(text, path)?)]),
        "jwt" => Ok(vec![Sample::new(label, parse_jwt(text, path)?)]),
        _ => {
            // JSON when it starts as a JSON value does (then it must be an
            // object: an array or a string says so); a JWT otherwise.
            let t = crate::js::trim(text);
            let json = t.starts_with(['{', '[', '"', '-'])
                || t.starts_with(|c: char| c.is_ascii_digit())
                || matches!(t, "true" | "false" | "null");
            let jwt = !json;
            if jwt {
                Ok(vec![Sample::new(label, parse_jwt(text, path)?)])
            } else {
                Ok(vec![Sample::new(label, parse_json_object(text, path)?)])
            }
        }
    }
}

fn json_error(path: &Path, e: &serde_json::Error, line_offset: usize) -> SampleError {
    SampleError::Json {
        path: path.to_path_buf(),
        line: (e.line() > 0).then(|| e.line() + line_offset),
        column: (e.line() > 0).then_some(e.column()),
        message: strip_position(&e.to_string()),
    }
}

/// Parses one JSON object of claims.
pub fn parse_json_object(text: &str, path: &Path) -> Result<Claims, SampleError> {
    let value: Json =
        serde_json::from_slice(text.as_bytes()).map_err(|e| json_error(path, &e, 0))?;
    Claims::from_json(value).map_err(|found| SampleError::NotAnObject {
        path: path.to_path_buf(),
        line: None,
        found,
    })
}

fn parse_jwt(text: &str, path: &Path) -> Result<Claims, SampleError> {
    decode_jwt(text)
        .map(|d| Claims::from_map(d.payload))
        .map_err(|source| SampleError::Jwt {
            path: path.to_path_buf(),
            source,
        })
}

fn parse_jsonl(text: &str, path: &Path, label: &str) -> Result<Vec<Sample>, SampleError> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(sample) = parse_jsonl_line(line, line_no, path, label)? {
            out.push(sample);
        }
    }
    if out.is_empty() {
        return Err(SampleError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(out)
}

/// One line of a JSONL file (`line_no` is 1-based, the line has no line
/// break): `None` when it is blank, else the sample `label:LINE`.
pub fn parse_jsonl_line(
    line: &str,
    line_no: usize,
    path: &Path,
    label: &str,
) -> Result<Option<Sample>, SampleError> {
    if crate::js::trim(line).is_empty() {
        return Ok(None);
    }
    let value: Json =
        serde_json::from_slice(line.as_bytes()).map_err(|e| json_error(path, &e, line_no - 1))?;
    let claims = Claims::from_json(value).map_err(|found| SampleError::NotAnObject {
        path: path.to_path_buf(),
        line: Some(line_no),
        found,
    })?;
    Ok(Some(Sample::new(format!("{label}:{line_no}"), claims)))
}
