//! `rolemap eval`: evaluate an expression against documents.

use rolemap_engine::{json_text, Dialect, Expression, Value, ValueKind};
use serde_json::{json, Value as Json};

use crate::args::{EvalArgs, OutputFormat};
use crate::input::{self, Source};
use crate::style::{self, Paint, Style};
use crate::{err, out, CmdResult, Failure, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// An engine error as the JSON object of `--output json`.
pub fn error_json(e: &rolemap_engine::Error) -> Json {
    json!({
        "kind": e.kind.as_str(),
        "message": e.message,
        "span": [e.span.start, e.span.end],
        "js_message": e.js_message,
    })
}

/// Compiles `src`; on a syntax error reports it (snippet on stderr, or
/// `{"error": ...}` on stdout) and fails with exit code 2.
pub fn compile(
    src: &str,
    dialect: Dialect,
    output: OutputFormat,
    style: Style,
) -> Result<Expression, Failure> {
    Expression::compile(src, dialect).map_err(|e| {
        match output {
            OutputFormat::Json => {
                let text = pretty(&json!({ "error": error_json(&e) }));
                if let Err(f) = out(&format!("{text}\n")) {
                    return f;
                }
            }
            OutputFormat::Text => {
                err(&style::render(
                    &style::engine_diagnostic(src, &e, dialect),
                    style.err,
                ));
            }
        }
        Failure::silent(EXIT_USAGE)
    })
}

/// Pretty JSON text (never fails for `serde_json::Value`).
pub fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// Whether numbers print as JavaScript does (the Pangolin dialect; Go's
/// `encoding/json` writes every float64 with the same text).
pub fn js_numbers(dialect: Dialect) -> bool {
    dialect.rules().numbers == rolemap_engine::dialect::Numbers::JsDouble
}

/// The documents of the input: one, or one per line with `--jsonl`.
pub fn documents(
    source: &Source,
    jsonl: bool,
) -> Result<Vec<(Option<usize>, input::Document)>, Failure> {
    if jsonl {
        Ok(input::parse_lines(source)?
            .into_iter()
            .map(|(line, doc)| (Some(line), doc))
            .collect())
    } else {
        Ok(vec![(
            None,
            Ok(input::parse_document(&source.text, &source.name, 0)?),
        )])
    }
}

/// Why a value has no JSON form, for the note printed in text mode.
pub fn undefined_note(v: &Value<'_>) -> Option<&'static str> {
    match v.kind() {
        ValueKind::Undefined => Some(
            "jmespath.js gives JavaScript `undefined` here (no JSON form); Pangolin treats it as truthy, but not as a string, `true` or an array",
        ),
        ValueKind::Function => Some(
            "jmespath.js reached a JavaScript function (an Object.prototype method such as `constructor`); it has no JSON form, is truthy, and is not a string, `true` or an array",
        ),
        _ => None,
    }
}

/// The expression text evaluated: `{{orgId}}` replaced when `--org-id` is
/// given (plain text substitution before parsing, as Pangolin does).
pub fn expression_text(expr: &str, org_id: Option<&str>) -> String {
    match org_id {
        Some(id) => expr.replace("{{orgId}}", id),
        None => expr.to_string(),
    }
}

/// Runs `rolemap eval`.
pub fn run(a: &EvalArgs, style: Style) -> CmdResult {
    let dialect = a.dialect.dialect();
    let text = expression_text(&a.expr, a.org_id.as_deref());
    let expr = compile(&text, dialect, a.output, style)?;
    let source = input::read_source(&a.input)?;
    let docs = documents(&source, a.jsonl)?;
    let js = js_numbers(dialect);
    let mut code = EXIT_OK;
    for (line, doc) in &docs {
        // A line that is not a document: said in its place, the others
        // still evaluated, and exit 2 at the end.
        let doc = match doc {
            Ok(doc) => doc,
            Err(f) => {
                code = EXIT_USAGE;
                let text = match a.output {
                    OutputFormat::Json => {
                        let v =
                            json!({ "error": { "kind": "invalid-input", "message": f.message } });
                        format!("{}\n", json_text(&v, dialect, false))
                    }
                    OutputFormat::Text => {
                        // On stderr for the reader, and in its place on stdout.
                        err(&format!(
                            "{} {}\n",
                            style::paint(style.err, Paint::Red, "error:"),
                            f.message
                        ));
                        format!("error[invalid-input]: {}\n", f.message)
                    }
                };
                out(&text)?;
                continue;
            }
        };
        let result = expr.search(doc);
        if result.is_err() && code == EXIT_OK {
            code = EXIT_FAILED;
        }
        let text = match a.output {
            OutputFormat::Json => {
                let v = match &result {
                    Ok(v) if v.is_json_undefined() => json!({
                        "result": null,
                        "undefined": true,
                        "js_type": v.kind().name(),
                    }),
                    Ok(v) => json!({ "result": v.to_json_with(js) }),
                    Err(e) => json!({ "error": error_json(e) }),
                };
                format!("{}\n", json_text(&v, dialect, !a.jsonl))
            }
            OutputFormat::Text => match &result {
                Ok(v) => {
                    if let Some(note) = undefined_note(v) {
                        if !a.jsonl {
                            err(&format!(
                                "{} {note}\n",
                                style::paint(style.err, Paint::Cyan, "note:")
                            ));
                        }
                        "undefined\n".to_string()
                    } else {
                        format!("{}\n", json_text(&v.to_json_with(js), dialect, !a.jsonl))
                    }
                }
                Err(e) => {
                    if a.jsonl {
                        let at = line.map_or(String::new(), |l| format!(" ({}:{l})", source.name));
                        format!("error[{}]: {}{at}\n", e.kind.as_str(), e.message)
                    } else {
                        err(&style::render(
                            &style::engine_diagnostic(&text, e, dialect),
                            style.err,
                        ));
                        String::new()
                    }
                }
            },
        };
        out(&text)?;
    }
    Ok(code)
}
