//! Typed errors. Every error names the file it is about and, where the
//! format library knows it, the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::format::Format;
use crate::jwt::JwtError;

/// `file:line:col`, leaving out what is unknown.
pub(crate) struct Location<'a> {
    pub path: &'a Path,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

fn loc(path: &Path, line: &Option<usize>, column: &Option<usize>) -> String {
    Location {
        path,
        line: *line,
        column: *column,
    }
    .to_string()
}

/// Why a file cannot be read, in the words every error of rolemap uses
/// (`no such file`, `permission denied`, else the system's message).
pub fn read_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// A problem with a config file or a mapping-test file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {}", path.display(), read_reason(source))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file name does not say which format it is in.
    #[error("{}: cannot tell the format from the extension `{extension}`: name the file `.toml`, `.json`, `.yaml` or `.yml`", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Its extension (empty when it has none).
        extension: String,
    },
    /// The file is not valid TOML/JSON/YAML, or does not have the expected
    /// shape (unknown key, wrong type, missing key).
    #[error("{}: {format} error: {message}", loc(path, line, column))]
    Parse {
        /// The file.
        path: PathBuf,
        /// Its format.
        format: Format,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong, as the format library says it.
        message: String,
    },
    /// The file parses but a value is not acceptable.
    #[error("{}: `{key}` {problem}; fix: {fix}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key, as a dotted path (`orgs[1].roles`).
        key: String,
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
}

impl ConfigError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ConfigError::Io { path, .. }
            | ConfigError::UnknownFormat { path, .. }
            | ConfigError::Parse { path, .. }
            | ConfigError::Invalid { path, .. } => path,
        }
    }
}

/// A problem with a sample user's claims.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// The file or folder could not be read.
    #[error("{}: cannot read the file: {}", path.display(), read_reason(source))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8 text (a binary file?).
    #[error(
        "{}: not UTF-8 text (is it a binary file?): expected a JSON object, JSON lines or a JWT",
        loc(path, line, column)
    )]
    NotText {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: Option<usize>,
        /// 1-based column (in bytes) of the first invalid byte.
        column: Option<usize>,
    },
    /// The file holds nothing.
    #[error("{}: the file is empty: expected a JSON object, JSON lines or a JWT", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The folder holds no sample file.
    #[error("{}: no sample file in this folder: add `.json`, `.jwt`, `.jsonl` or `.txt` files", path.display())]
    EmptyFolder {
        /// The folder.
        path: PathBuf,
    },
    /// Invalid JSON.
    #[error("{}: invalid JSON: {message}", loc(path, line, column))]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line (for JSON lines: the line of the file).
        line: Option<usize>,
        /// 1-based column.
        column: Option<usize>,
        /// What is wrong, as serde_json says it.
        message: String,
    },
    /// Valid JSON, but not an object.
    #[error("{}: the claims are {found}, not a JSON object: an ID token payload is an object such as {{\"sub\": \"...\"}}", loc(path, line, &None))]
    NotAnObject {
        /// The file.
        path: PathBuf,
        /// For JSON lines: the line.
        line: Option<usize>,
        /// What was found instead (`an array`, `a string`...).
        found: &'static str,
    },
    /// The file looks like a JWT but cannot be decoded.
    #[error("{}: {source}", path.display())]
    Jwt {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: JwtError,
    },
}

impl SampleError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            SampleError::Io { path, .. }
            | SampleError::NotText { path, .. }
            | SampleError::Empty { path }
            | SampleError::EmptyFolder { path }
            | SampleError::Json { path, .. }
            | SampleError::NotAnObject { path, .. }
            | SampleError::Jwt { path, .. } => path,
        }
    }
}

/// Any error of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A config or mapping-test file problem.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A sample problem.
    #[error(transparent)]
    Sample(#[from] SampleError),
}
