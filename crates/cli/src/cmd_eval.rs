//! `rolemap eval`: evaluate an expression against documents.

use rolemap_engine::{Dialect, Expression, Value, ValueKind};
use serde_json::{json, Value as Json};

use crate::args::{EvalArgs, OutputFormat};
use crate::input::{self, Source};
use crate::lazy;
use crate::stream::{self, Line, Lines, Sink};
use crate::style::{self, Paint, Style};
use crate::terminal::Shown;
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
    compile_as(src, dialect, output, style, false)
}

/// [`compile`], the JSON error on one line when `compact` (JSON Lines).
fn compile_as(
    src: &str,
    dialect: Dialect,
    output: OutputFormat,
    style: Style,
    compact: bool,
) -> Result<Expression, Failure> {
    Expression::compile(src, dialect).map_err(|e| {
        match output {
            OutputFormat::Json => {
                let v = json!({ "error": error_json(&e) });
                let text = if compact { v.to_string() } else { pretty(&v) };
                if let Err(f) = out(&Shown::json(&format!("{text}\n"))) {
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

/// `value` as JSON text with its numbers as `dialect`'s engine prints them
/// (doubles as JavaScript prints them, see [`Dialect::has_double_numbers`]),
/// indented when `pretty`.
pub fn json_text(value: &Json, dialect: Dialect, pretty: bool) -> String {
    rolemap_js::json_text(value, dialect.has_double_numbers(), pretty)
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

/// What one document gives: the text for stdout, a message for stderr,
/// and the exit code it asks for.
struct Answer {
    out: Shown,
    err: Option<Shown>,
    code: u8,
}

/// What `rolemap eval` needs to answer for one document.
struct Eval<'a> {
    args: &'a EvalArgs,
    style: Style,
    expr: &'a Expression,
    /// The expression text (after `{{orgId}}`), for diagnostics.
    text: &'a str,
    /// How messages name the input.
    name: &'a str,
    dialect: Dialect,
    /// The only top-level fields the expression reads, when it reads no
    /// more of a document ([`lazy::root_fields`]).
    fields: Option<Vec<String>>,
}

impl Eval<'_> {
    /// The answer for one document (`line` is its line with `--jsonl`).
    fn answer(&self, line: Option<usize>, doc: &input::Document) -> Answer {
        let (a, style, dialect) = (self.args, self.style, self.dialect);
        // A line that is not a document: said in its place, the others
        // still evaluated, and exit 2 at the end.
        let doc = match doc {
            Ok(doc) => doc,
            Err(f) => {
                return match a.output {
                    OutputFormat::Json => {
                        let v =
                            json!({ "error": { "kind": "invalid-input", "message": f.message } });
                        Answer {
                            out: Shown::json(&format!("{}\n", json_text(&v, dialect, false))),
                            err: None,
                            code: EXIT_USAGE,
                        }
                    }
                    // On stderr for the reader, and in its place on stdout.
                    OutputFormat::Text => Answer {
                        out: Shown::from(format!("error[invalid-input]: {}\n", f.message)),
                        err: Some(shown![
                            style::paint(style.err, Paint::Red, "error:"),
                            " ",
                            &f.message,
                            "\n"
                        ]),
                        code: EXIT_USAGE,
                    },
                };
            }
        };
        let result = self.expr.search(doc);
        let code = if result.is_err() {
            EXIT_FAILED
        } else {
            EXIT_OK
        };
        let mut err_text = None;
        let out = match a.output {
            // A string on one line: written directly (as below).
            OutputFormat::Json
                if a.jsonl && result.as_ref().is_ok_and(|v| v.as_str().is_some()) =>
            {
                let s = result
                    .as_ref()
                    .ok()
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                string_line("{\"result\":", s, "}\n")
            }
            OutputFormat::Json => {
                let v = match &result {
                    Ok(v) if v.is_json_undefined() => json!({
                        "result": null,
                        "undefined": true,
                        "js_type": v.kind().name(),
                    }),
                    Ok(v) => json!({ "result": v.to_json_as(dialect) }),
                    Err(e) => json!({ "error": error_json(e) }),
                };
                Shown::json(&format!("{}\n", json_text(&v, dialect, !a.jsonl)))
            }
            OutputFormat::Text => match &result {
                Ok(v) if v.as_str().is_some() => {
                    string_line("", v.as_str().unwrap_or_default(), "\n")
                }
                Ok(v) => {
                    if let Some(note) = undefined_note(v) {
                        if !a.jsonl {
                            err_text = Some(shown![
                                style::paint(style.err, Paint::Cyan, "note:"),
                                " ",
                                note,
                                "\n"
                            ]);
                        }
                        Shown::from("undefined\n")
                    } else {
                        let value = json_text(&v.to_json_as(dialect), dialect, !a.jsonl);
                        Shown::json(&format!("{value}\n"))
                    }
                }
                Err(e) => {
                    if a.jsonl {
                        let at = line.map_or(String::new(), |l| format!(" ({}:{l})", self.name));
                        Shown::from(format!("error[{}]: {}{at}\n", e.kind.as_str(), e.message))
                    } else {
                        err_text = Some(style::render(
                            &style::engine_diagnostic(self.text, e, dialect),
                            style.err,
                        ));
                        Shown::new()
                    }
                }
            },
        };
        Answer {
            out,
            err: err_text,
            code,
        }
    }
}

/// `before`, the JSON string of `s`, then `after`, built in one buffer
/// (the answer of most documents: a role name, an e-mail address).
fn string_line(before: &str, s: &str, after: &str) -> Shown {
    // Writing a string as JSON cannot fail.
    let quoted = serde_json::to_string(s).unwrap_or_default();
    Shown::json_owned(if before.is_empty() {
        quoted + after
    } else {
        [before, &quoted, after].concat()
    })
}

/// The document of one line of JSON Lines: JSON (built only as far as the
/// expression reads it), or a JWT.
fn line_document(name: &str, line: &Line, fields: Option<&[String]>) -> input::Document {
    let text = line.text().map_err(|column| {
        Failure::input(format!(
            "{name}:{}:{column}: not UTF-8 text (is it a binary file?): expected JSON or a JWT",
            line.number
        ))
    })?;
    // A JWT never starts with `{` (nor does a line of whitespace and one).
    if !text.starts_with('{') && input::looks_like_jwt(text) {
        input::parse_document(text, &format!("{name}:{}", line.number), 0)
    } else if let Some(fields) = fields {
        lazy::parse_object(text, fields).map_err(|e| input::json_failure(&e, name, line.number - 1))
    } else {
        input::parse_json(text, name, line.number - 1)
    }
}

/// The exit code of a run: the worst any document asked for.
fn worse(code: u8, other: u8) -> u8 {
    if other == EXIT_USAGE || code == EXIT_USAGE {
        EXIT_USAGE
    } else {
        code.max(other)
    }
}

/// `rolemap eval --jsonl`: documents read, evaluated and written one batch
/// at a time, in order.
fn run_lines(e: &Eval<'_>) -> CmdResult {
    let mut lines = Lines::open(&e.args.input)?;
    let name = lines.name.clone();
    let e = Eval {
        name: &name,
        fields: e.fields.clone(),
        ..*e
    };
    let mut sink = Sink::stdout();
    let mut code = EXIT_OK;
    let mut seen = false;
    stream::pipeline(
        stream::never_waits(&e.args.input),
        || lines.next_batch(),
        |line| {
            let doc = line_document(e.name, &line, e.fields.as_deref());
            e.answer(Some(line.number), &doc)
        },
        |answers| {
            seen = true;
            for answer in answers {
                code = worse(code, answer.code);
                if let Some(text) = &answer.err {
                    sink.flush()?;
                    err(text);
                }
                sink.write(&answer.out)?;
            }
            sink.flush()
        },
    )?;
    if !seen {
        return Err(Failure::input(format!(
            "{name}: the file is empty: expected one JSON document per line"
        )));
    }
    Ok(code)
}

/// Runs `rolemap eval`.
pub fn run(a: &EvalArgs, style: Style) -> CmdResult {
    let dialect = a.dialect.dialect();
    let text = expression_text(&a.expr, a.org_id.as_deref());
    let expr = compile_as(&text, dialect, a.output, style, a.jsonl)?;
    let e = Eval {
        args: a,
        style,
        expr: &expr,
        text: &text,
        name: "",
        dialect,
        fields: lazy::root_fields(expr.ast()),
    };
    if a.jsonl {
        return run_lines(&e);
    }
    let source = input::read_source(&a.input)?;
    let doc = Ok(input::parse_document(&source.text, &source.name, 0)?);
    let answer = e.answer(None, &doc);
    if let Some(text) = &answer.err {
        err(text);
    }
    out(&answer.out)?;
    Ok(answer.code)
}
