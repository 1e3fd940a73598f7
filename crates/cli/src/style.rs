//! Colour (only on a terminal, and never with `NO_COLOR`) and the rendering
//! of expression errors as source snippets with miette.

use std::fmt;
use std::io::IsTerminal;

use miette::{Diagnostic, LabeledSpan, Severity};
use rolemap_escape::{self as controls, escape};

use crate::args::ColorChoice;
use crate::terminal::Shown;

/// Whether to colour stdout and stderr.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Colour stdout.
    pub out: bool,
    /// Colour stderr.
    pub err: bool,
}

impl Style {
    /// Decides from `--color`, the streams and `NO_COLOR`.
    pub fn new(choice: ColorChoice) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match choice {
            ColorChoice::Always => Style {
                out: true,
                err: true,
            },
            ColorChoice::Never => Style {
                out: false,
                err: false,
            },
            ColorChoice::Auto => Style {
                out: !no_color && std::io::stdout().is_terminal(),
                err: !no_color && std::io::stderr().is_terminal(),
            },
        }
    }
}

/// An ANSI style.
#[derive(Clone, Copy, Debug)]
pub enum Paint {
    /// Bold.
    Bold,
    /// Dim (grey).
    Dim,
    /// Red.
    Red,
    /// Green.
    Green,
    /// Yellow.
    Yellow,
    /// Cyan.
    Cyan,
}

/// `text` in `paint` when `on`. Plain text is escaped before it is
/// coloured: the colour codes added here are the only ones in the result.
pub fn paint(on: bool, paint: Paint, text: impl Into<Shown>) -> Shown {
    let text = text.into();
    if !on || text.is_empty() {
        return text;
    }
    let code = match paint {
        Paint::Bold => "1",
        Paint::Dim => "2",
        Paint::Red => "31",
        Paint::Green => "32",
        Paint::Yellow => "33",
        Paint::Cyan => "36",
    };
    Shown::already_escaped(format!("\x1b[{code}m{}\x1b[0m", text.as_str()))
}

/// An expression error as a miette diagnostic over the expression's text.
/// Every text in it is escaped ([`rolemap_escape::escape`]), the
/// span pointing into the escaped expression: [`ExprDiagnostic::new`]
/// makes sure of it.
#[derive(Debug)]
pub struct ExprDiagnostic {
    /// The headline.
    message: String,
    /// The expression as shown: a space is added when the span points
    /// past its end, so that the label has a character to point at.
    shown: String,
    /// The label's byte range.
    span: (usize, usize),
    /// The label's text.
    label: String,
    /// A help line.
    help: Option<String>,
    /// How serious it is.
    severity: Severity,
    /// A code shown before the message (`RM010 double-quoted-string`).
    code: Option<String>,
}

impl fmt::Display for ExprDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprDiagnostic {}

impl Diagnostic for ExprDiagnostic {
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display + 'a>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.shown)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (start, len) = clamp_span(&self.shown, self.span);
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.clone()),
            start,
            len,
        ))))
    }
}

/// A span inside `source` on char boundaries; an empty span widens to the
/// character it points at, when there is one.
fn clamp_span(source: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let mut start = start.min(source.len());
    while start > 0 && !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.clamp(start, source.len());
    while end < source.len() && !source.is_char_boundary(end) {
        end += 1;
    }
    if end == start {
        if let Some(c) = source.get(start..).and_then(|s| s.chars().next()) {
            end = start + c.len_utf8();
        }
    }
    (start, end - start)
}

/// `source`, with a space added when `at` is at (or past) its end.
pub fn shown_source(source: &str, at: usize) -> String {
    if at >= source.len() {
        format!("{source} ")
    } else {
        source.to_string()
    }
}

impl ExprDiagnostic {
    /// An error diagnostic over `source` (the raw expression) at `span`
    /// (bytes of `source`), every text escaped.
    pub fn new(
        message: &str,
        source: &str,
        span: (usize, usize),
        label: &str,
        help: Option<&str>,
    ) -> ExprDiagnostic {
        let escaped = escape(source);
        let at = controls::escaped_span(source, span.0..span.1.max(span.0));
        ExprDiagnostic {
            message: escape(message).into_owned(),
            shown: shown_source(&escaped, at.start),
            span: (at.start, at.end),
            label: escape(label).into_owned(),
            help: help.map(|h| escape(h).into_owned()),
            severity: Severity::Error,
            code: None,
        }
    }
}

/// An engine error as a diagnostic.
pub fn engine_diagnostic(
    source: &str,
    err: &rolemap_engine::Error,
    dialect: rolemap_engine::Dialect,
) -> ExprDiagnostic {
    let label = match err.kind {
        rolemap_engine::ErrorKind::Syntax => "here",
        _ => "this fails",
    };
    let help = err.js_message.as_ref().map(|js| match dialect.is_go() {
        true => format!("{} fails with: {js}", dialect.engine()),
        false => format!("{} throws: {js}", dialect.engine()),
    });
    ExprDiagnostic::new(
        &format!("{} error: {}", err.kind.as_str(), err.message),
        source,
        (err.span.start, err.span.end),
        label,
        help.as_deref(),
    )
}

/// Renders a diagnostic as text (unicode drawing; colour when `color`).
pub fn render(diagnostic: &ExprDiagnostic, color: bool) -> Shown {
    let handler = rolemap_lint::report_handler(color);
    let mut out = String::new();
    match handler.render_report(&mut out, diagnostic) {
        // Every text of an ExprDiagnostic is escaped; miette adds colours.
        Ok(()) => Shown::already_escaped(out),
        Err(_) => shown!["error: ", &diagnostic.message, "\n"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_clamped() {
        assert_eq!(clamp_span("abc", (5, 9)), (3, 0));
        assert_eq!(clamp_span("abc", (1, 1)), (1, 1));
        assert_eq!(clamp_span("aé", (2, 2)), (1, 2));
    }
}
