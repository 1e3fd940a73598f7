//! Lints Pangolin's OIDC mapping expressions before an admin saves them.
//!
//! Pangolin evaluates admin-written JMESPath with jmespath.js 0.16.0 against
//! the ID token's claims, and never checks an expression when it is saved.
//! [`lint`] finds what goes wrong at login: syntax jmespath.js rejects, strings
//! that are really field lookups, claims that may be missing (a type error,
//! HTTP 500 for the whole login), role names the organization lacks, and the
//! places where jmespath.js answers differently from the JMESPath spec.
//!
//! ```
//! use rolemap_lint::{lint, LintOptions};
//! let report = lint(r#"contains(groups, "admin") && 'Admin' || 'Member'"#, &LintOptions::default());
//! assert!(report.diagnostics.iter().any(|d| d.code == "RM010"));
//! ```
//!
//! Diagnostics are plain data ([`Diagnostic`], serde-serializable, spans in
//! bytes); [`render()`] draws them with miette (feature `miette`, on by default).

#![forbid(unsafe_code)]

pub mod analysis;
mod checks;
mod claims;
mod options;
pub mod registry;
#[cfg(feature = "miette")]
mod render;
mod text;

use std::fmt;

use serde::Serialize;

pub use analysis::{possible_values, Abs, Outcome};
pub use claims::ClaimSource;
pub use options::{Edition, ExprRole, GrafanaOptions, LintOptions, Target};
pub use registry::{rule, Rule, RULES};
#[cfg(feature = "miette")]
pub use render::{render, report_handler, Report, MAX_DRAWN};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong as such.
    Info,
    /// Probably not what the admin meant.
    Warning,
    /// The expression fails or certainly does something else than intended.
    Error,
}

impl Severity {
    /// The lower-case name (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range `start..end` in the linted source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

impl From<rolemap_engine::Span> for Span {
    fn from(s: rolemap_engine::Span) -> Span {
        Span::new(s.start, s.end)
    }
}

/// One finding of a lint rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule's code, e.g. `RM010`.
    pub code: &'static str,
    /// The rule's kebab-case name, e.g. `double-quoted-string`.
    pub name: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The offending part of the source (bytes).
    pub span: Span,
    /// A short label for the span.
    pub label: String,
    /// The fix, with the corrected expression where there is one.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{} {}] at {}..{}: {}",
            self.severity, self.code, self.name, self.span.start, self.span.end, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, " (help: {h})")?;
        }
        Ok(())
    }
}

/// The result of [`lint`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LintReport {
    /// The findings, ordered by position.
    pub diagnostics: Vec<Diagnostic>,
    /// What the expression can return (absent when it does not parse).
    pub outcome: Option<Outcome>,
}

impl LintReport {
    /// Whether some finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The codes of the findings, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.diagnostics.iter().map(|d| d.code).collect()
    }
}

/// Lints the expression `src` used as `opts.role`.
///
/// Never panics; a source that does not parse gives a syntax diagnostic.
pub fn lint(src: &str, opts: &LintOptions) -> LintReport {
    lint_with_claims(src, opts, &opts.claims.as_slice())
}

/// [`lint`] over the samples of `claims` instead of `opts.claims` (which
/// is not read): samples read one at a time from where they are, as many
/// times as the rules need, so that memory does not grow with their number.
pub fn lint_with_claims(src: &str, opts: &LintOptions, claims: &dyn ClaimSource) -> LintReport {
    let mut report = checks::run(src, opts, claims);
    // Every span lies within the source, on character boundaries.
    for d in &mut report.diagnostics {
        let clamp = |mut at: usize| {
            at = at.min(src.len());
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        d.span.start = clamp(d.span.start);
        d.span.end = clamp(d.span.end).max(d.span.start);
    }
    report
}
