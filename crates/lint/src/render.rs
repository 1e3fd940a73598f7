//! The miette adapter: draws diagnostics under the source text.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use rolemap_escape::{escape, escaped_span};

use crate::{Diagnostic, Severity};

/// One [`Diagnostic`] with its source, as a `miette::Diagnostic`. Its
/// texts (source, message, label, help) are escaped
/// ([`rolemap_escape::escape`]), the span pointing into the
/// escaped source: what miette draws holds no control character but its
/// own colours.
#[derive(Debug)]
pub struct Report {
    diag: Diagnostic,
    source: NamedSource<String>,
    span: SourceSpan,
}

impl Report {
    /// Pairs a diagnostic with the text it points into (`name` names the
    /// source in the output, e.g. `role mapping`).
    pub fn new(diag: &Diagnostic, source: &str, name: &str) -> Report {
        let at = escaped_span(source, diag.span.start..diag.span.end);
        let source = escape(source);
        let mut start = clamp(&source, at.start);
        let mut end = clamp(&source, at.end.max(start));
        if start == end {
            // An empty span (e.g. "ends too early") is drawn on the character
            // at it, or the last one before the end.
            match source[start..].chars().next() {
                Some(c) if c != '\n' => end = start + c.len_utf8(),
                _ => {
                    if let Some(c) = source[..start].chars().next_back() {
                        start -= c.len_utf8();
                    }
                }
            }
        }
        let mut diag = diag.clone();
        diag.message = escape(&diag.message).into_owned();
        diag.label = escape(&diag.label).into_owned();
        diag.help = diag.help.map(|h| escape(&h).into_owned());
        Report {
            diag,
            source: NamedSource::new(escape(name), source.into_owned()),
            span: SourceSpan::new(start.into(), end - start),
        }
    }
}

/// A byte offset moved into the text and onto a character boundary.
fn clamp(src: &str, pos: usize) -> usize {
    let mut p = pos.min(src.len());
    while p > 0 && !src.is_char_boundary(p) {
        p -= 1;
    }
    p
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{} {}", self.diag.code, self.diag.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.diag.label.clone()),
            self.span,
        ))))
    }
}

/// The miette handler rolemap draws every report with: Unicode, colour only
/// when `color`, 100 columns, no links.
pub fn report_handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// At most this many findings are drawn by [`render`]; a line then tells
/// how many more there are (each drawing shows the source line, so a long
/// generated expression with thousands of findings would otherwise print
/// gigabytes).
pub const MAX_DRAWN: usize = 100;

/// Draws `diags` under `source` (named `name`), one after the other; plain
/// Unicode without colour unless `color`. Lines wrap at 100 columns. Only
/// the first [`MAX_DRAWN`] are drawn, and a last line counts the others.
/// The text holds no control character but miette's colour codes: every
/// text from `diags` and `source` is escaped before it is drawn.
pub fn render(diags: &[Diagnostic], source: &str, name: &str, color: bool) -> String {
    let handler = report_handler(color);
    let mut out = String::new();
    for d in diags.iter().take(MAX_DRAWN) {
        let report = Report::new(d, source, name);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&escape(&d.to_string()));
            out.push('\n');
        }
    }
    if diags.len() > MAX_DRAWN {
        let more = diags.len() - MAX_DRAWN;
        out.push_str(&format!(
            "… and {more} more finding(s), not drawn (only the first {MAX_DRAWN} are)\n"
        ));
    }
    out
}
