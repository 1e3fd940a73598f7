//! `rolemap fmt`, `rolemap completions` and `rolemap examples`.

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs, ExamplesArgs, FmtArgs, OutputFormat};
use crate::cmd_eval::compile;
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{err, out, CmdResult, EXIT_FAILED, EXIT_OK};

/// Runs `rolemap fmt`.
pub fn fmt(a: &FmtArgs, style: Style) -> CmdResult {
    let expr = compile(&a.expr, a.dialect.dialect(), OutputFormat::Text, style)?;
    let canonical = expr.canonical();
    if a.check {
        if canonical == a.expr {
            return Ok(EXIT_OK);
        }
        err(&shown![
            paint(style.err, Paint::Yellow, "not canonical:"),
            " the expression is not in canonical form; canonical:\n",
            &canonical,
            "\n"
        ]);
        return Ok(EXIT_FAILED);
    }
    // The canonical text holds no control character: it writes them as
    // JSON escapes, so escaping it changes nothing.
    out(&shown![canonical, "\n"])?;
    Ok(EXIT_OK)
}

/// Runs `rolemap completions`.
pub fn completions(a: &CompletionsArgs) -> CmdResult {
    let mut buf: Vec<u8> = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "rolemap", &mut buf);
    out(&Shown::from(String::from_utf8_lossy(&buf).into_owned()))?;
    Ok(EXIT_OK)
}

/// Runs `rolemap examples`.
pub fn examples(a: &ExamplesArgs, style: Style) -> CmdResult {
    crate::examples::list(a, style)
}
