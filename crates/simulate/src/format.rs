//! The file formats of config and mapping-test files (TOML, JSON, YAML),
//! chosen by file extension, parsed with the error's line and column.

use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{line_col, line_col_bytes, ConfigError};

/// A structured file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.toml`
    Toml,
    /// `.json`
    Json,
    /// `.yaml` or `.yml`
    Yaml,
}

impl Format {
    /// The format a file name's extension stands for, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a structured file, choosing the format by extension.
pub(crate) fn load<T: DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
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
        Format::Json => serde_json::from_str(text).map_err(|e| {
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

/// Removes a trailing ` at line N column M` that the library appended (the
/// position is reported separately).
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
