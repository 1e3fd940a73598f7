//! Config and mapping-test files read in their format (TOML, JSON, YAML),
//! with the error's line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::ConfigError;
use crate::format::Format;
use crate::position::{line_col, line_col_bytes, strip_position};

/// Reads a structured file, choosing the format by extension.
pub(crate) fn load<T: DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    if path.is_dir() {
        return Err(ConfigError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("it is a folder, not a file"),
        });
    }
    let format = Format::from_path(path).ok_or_else(|| ConfigError::UnknownFormat {
        path: path.to_path_buf(),
        extension: path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default(),
    })?;
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let (line, column) = line_col_bytes(e.as_bytes(), at);
            return Err(ConfigError::Parse {
                path: path.to_path_buf(),
                format,
                line: Some(line),
                column: Some(column),
                message: "not UTF-8 text (is it a binary file?)".into(),
            });
        }
    };
    parse(&text, format, path)
}

/// Parses `text` in `format`; errors name `path`.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    format: Format,
    path: &Path,
) -> Result<T, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |line: Option<usize>, column: Option<usize>, message: String| ConfigError::Parse {
        path: path.to_path_buf(),
        format,
        line,
        column,
        message,
    };
    match format {
        Format::Toml => toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            err(line, column, e.message().trim().to_string())
        }),
        Format::Json if text.trim().is_empty() => Err(err(None, None, "the file is empty".into())),
        Format::Json => serde_json::from_slice(text.as_bytes()).map_err(|e| {
            let (line, column) = if e.line() == 0 {
                (None, None)
            } else {
                (Some(e.line()), Some(e.column()))
            };
            err(line, column, strip_position(&e.to_string()))
        }),
        Format::Yaml => {
            if text.trim().is_empty() {
                return Err(err(None, None, "the file is empty".into()));
            }
            if let Some(at) = yaml_too_deep(text) {
                let (line, column) = line_col(text, at);
                return Err(err(
                    Some(line),
                    Some(column),
                    format!("flow collections (`[` and `{{`) nest deeper than {MAX_YAML_FLOW_DEPTH} levels"),
                ));
            }
            serde_norway::from_str(text).map_err(|e| {
                let (line, column) = match e.location() {
                    Some(l) => (Some(l.line()), Some(l.column())),
                    None => (None, None),
                };
                err(line, column, strip_position(&e.to_string()))
            })
        }
    }
}

/// Deepest nesting of YAML flow collections accepted. serde_norway's own
/// recursion limit (128) rejects deeper documents anyway, but only after its
/// parser has gone through them, in time quadratic in their depth (200 KB
/// of `[` took minutes).
const MAX_YAML_FLOW_DEPTH: usize = 128;

/// The byte offset where YAML flow collections first nest deeper than
/// [`MAX_YAML_FLOW_DEPTH`], if they do. A quick scan: quoted scalars and
/// comments are skipped; brackets in plain scalars count (balanced ones, as
/// in `groups[0]`, do no harm).
fn yaml_too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if i == 0 || b[i - 1].is_ascii_whitespace() => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_flow_depth() {
        assert_eq!(yaml_too_deep("a: [[1], {b: [2]}]\nc: groups[0]\n"), None);
        let deep = format!("a: {}", "[".repeat(200));
        assert_eq!(yaml_too_deep(&deep), Some(3 + MAX_YAML_FLOW_DEPTH));
        // Brackets in quoted scalars and comments do not count.
        let quoted = format!("a: '{0}'\nb: \"{0}\\\"\"\n# {0}\n", "[".repeat(200));
        assert_eq!(yaml_too_deep(&quoted), None);
    }
}
