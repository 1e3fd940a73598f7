//! Errors of compilation and evaluation.

use std::fmt;

use crate::ast::Span;

/// The kinds of errors, named as the JMESPath compliance suites name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The expression does not parse.
    Syntax,
    /// A function got an argument of the wrong type.
    InvalidType,
    /// A function got the wrong number of arguments.
    InvalidArity,
    /// No function has this name.
    UnknownFunction,
    /// A value is out of its domain (a slice step of 0).
    InvalidValue,
    /// Evaluation (or the input) exceeded a resource budget.
    BudgetExceeded,
    /// Any other error the engine raises while evaluating (Grafana's Go
    /// engines: an undefined variable, a value JSON cannot write, a panic).
    Runtime,
    /// This build has no engine for the expression's dialect (the Grafana
    /// dialects in a build without the feature `grafana`).
    Unavailable,
}

impl ErrorKind {
    /// The kebab-case name used by the compliance suites and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::InvalidType => "invalid-type",
            ErrorKind::InvalidArity => "invalid-arity",
            ErrorKind::UnknownFunction => "unknown-function",
            ErrorKind::InvalidValue => "invalid-value",
            ErrorKind::BudgetExceeded => "budget-exceeded",
            ErrorKind::Runtime => "runtime",
            ErrorKind::Unavailable => "unavailable",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with the span of the offending part of the expression.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// A message for people: what is wrong and, where it helps, the fix.
    pub message: String,
    /// The offending part of the expression (bytes).
    pub span: Span,
    /// The message the dialect's real engine gives for this error: in the
    /// Pangolin dialect what jmespath.js 0.16.0 throws, as it appears in
    /// Pangolin's log; in the Grafana dialects the Go engine's error text,
    /// as Grafana logs it.
    pub js_message: Option<String>,
}

impl Error {
    /// A new error with no jmespath.js message.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>, span: Span) -> Error {
        Error {
            kind,
            message: message.into(),
            span,
            js_message: None,
        }
    }

    /// Attaches the message jmespath.js throws.
    pub(crate) fn with_js(mut self, js: impl Into<String>) -> Error {
        self.js_message = Some(js.into());
        self
    }

    pub(crate) fn syntax(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Syntax, message, span)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error at {}: {}", self.kind, self.span, self.message)
    }
}

impl std::error::Error for Error {}
