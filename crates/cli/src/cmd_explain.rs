//! `rolemap explain`: the evaluation as a tree of sub-expressions.

use rolemap_engine::{Dialect, Expression, NodeKind, Span, Step};
use serde_json::{json, Value as Json};

use crate::args::{ExplainArgs, OutputFormat};
use crate::cmd_eval::{self, compile, error_json, json_text, undefined_note};
use crate::input;
use crate::style::{self, paint, Paint, Style};
use crate::terminal::Shown;
use crate::{err, out, CmdResult, EXIT_FAILED, EXIT_OK};

/// The right-hand side of every `&&` and `||`, by the operator's span, so
/// that a short-circuit can show what it skipped.
struct Skips {
    rhs: Vec<(Span, &'static str, String)>,
}

impl Skips {
    fn new(expr: &Expression) -> Skips {
        let mut rhs = Vec::new();
        let src = expr.source();
        expr.ast().walk(&mut |n| {
            let (kind, r) = match &n.kind {
                NodeKind::And(_, r) => ("and", r),
                NodeKind::Or(_, r) => ("or", r),
                _ => return,
            };
            let text = src.get(r.span.range()).unwrap_or_default().to_string();
            rhs.push((n.span, kind, text));
        });
        Skips { rhs }
    }

    /// The skipped right side of `step`, when it short-circuited.
    fn skipped(&self, step: &Step) -> Option<&str> {
        let left_ok = matches!(step.children.as_slice(), [only] if only.value.is_ok());
        if !matches!(step.node, "and" | "or") || !left_ok {
            return None;
        }
        self.rhs
            .iter()
            .find(|(span, kind, _)| *span == step.span && *kind == step.node)
            .map(|(_, _, text)| text.as_str())
    }
}

/// Which child gave an `&&`/`||` its value.
fn result_child(step: &Step) -> Option<usize> {
    if !matches!(step.node, "and" | "or") || step.value.is_err() {
        return None;
    }
    match step.children.len() {
        1 => Some(0),
        2 => Some(1),
        _ => None,
    }
}

/// Whether an error is one a child raised (shown in full there).
fn propagated(step: &Step) -> bool {
    match &step.value {
        Err(e) => step
            .children
            .iter()
            .any(|c| c.value.as_ref().err() == Some(e)),
        Ok(_) => false,
    }
}

/// Whether the left side of an `&&`/`||` was truthy although its recorded
/// value is `null`: a JavaScript function or `undefined` (jmespath.js),
/// which have no JSON form.
fn truthy_null_left(step: &Step) -> bool {
    let left_null = step
        .children
        .first()
        .is_some_and(|c| c.value == Ok(Json::Null));
    let truthy = match (step.node, step.children.len()) {
        ("and", 2) => true,
        ("or", 1) => step.value.is_ok(),
        _ => false,
    };
    left_null && truthy
}

/// `text` on one line, cut to `width` characters with `…`.
fn truncate(text: &str, width: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= width {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

struct TreeWriter<'a> {
    skips: &'a Skips,
    dialect: Dialect,
    width: usize,
    color: bool,
    out: Shown,
}

impl TreeWriter<'_> {
    fn value(&self, step: &Step, no_json: Option<&str>) -> Shown {
        if let Some(kind) = no_json {
            return paint(
                self.color,
                Paint::Green,
                format!("{kind} (JavaScript, no JSON form; truthy)"),
            );
        }
        match &step.value {
            Ok(j) => paint(
                self.color,
                Paint::Green,
                truncate(&json_text(j, self.dialect, false), self.width),
            ),
            Err(_) if propagated(step) => paint(self.color, Paint::Red, "✗ fails (below)"),
            Err(e) => paint(
                self.color,
                Paint::Red,
                format!("✗ {}", truncate(e, self.width.saturating_mul(2))),
            ),
        }
    }

    fn step(
        &mut self,
        step: &Step,
        lead: &str,
        branch: &str,
        cont: &str,
        is_result: bool,
        no_json: Option<&str>,
    ) {
        let text = truncate(&step.text, self.width.saturating_mul(2));
        let mark = if is_result {
            shown!["  ", paint(self.color, Paint::Yellow, "◀ result")]
        } else {
            Shown::new()
        };
        let line = shown![
            lead,
            branch,
            paint(self.color, Paint::Bold, text),
            "  ",
            paint(self.color, Paint::Dim, format!("{} →", step.node)),
            " ",
            self.value(step, no_json),
            mark,
            "\n",
        ];
        self.out.push(line);
        let skipped = self.skips.skipped(step);
        let inner = format!("{lead}{cont}");
        let has_children = !step.children.is_empty() || step.omitted > 0 || skipped.is_some();
        if let Some(note) = &step.note {
            let bar = if has_children { "│  " } else { "   " };
            let line = shown![
                &inner,
                bar,
                paint(self.color, Paint::Cyan, format!("↳ {note}")),
                "\n"
            ];
            self.out.push(line);
        }
        let winner = result_child(step);
        let count = step.children.len();
        for (i, child) in step.children.iter().enumerate() {
            let last = i + 1 == count && step.omitted == 0 && skipped.is_none();
            let (b, c) = if last {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            let child_no_json =
                (i == 0 && truthy_null_left(step)).then_some("a function or undefined");
            self.step(child, &inner, b, c, winner == Some(i), child_no_json);
        }
        if let Some(rhs) = skipped {
            let last = step.omitted == 0;
            let b = if last { "└─ " } else { "├─ " };
            let rhs = truncate(rhs, self.width.saturating_mul(2));
            let line = shown![
                &inner,
                b,
                paint(
                    self.color,
                    Paint::Dim,
                    format!("{rhs}  (not evaluated: short-circuited)")
                ),
                "\n"
            ];
            self.out.push(line);
        }
        if step.omitted > 0 {
            let more = format!("… {} more step(s) not shown", step.omitted);
            let line = shown![&inner, "└─ ", paint(self.color, Paint::Dim, more), "\n"];
            self.out.push(line);
        }
    }
}

fn step_json(step: &Step, skips: &Skips) -> Json {
    let mut m = serde_json::Map::new();
    m.insert("text".into(), json!(step.text));
    m.insert("node".into(), json!(step.node));
    m.insert("span".into(), json!([step.span.start, step.span.end]));
    match &step.value {
        Ok(v) => m.insert("value".into(), v.clone()),
        Err(e) => m.insert("error".into(), json!(e)),
    };
    m.insert("note".into(), json!(step.note));
    if matches!(step.node, "and" | "or") {
        let skipped = skips.skipped(step);
        m.insert("short_circuit".into(), json!(skipped.is_some()));
        m.insert("skipped".into(), json!(skipped));
        m.insert(
            "result_from".into(),
            json!(result_child(step).map(|i| if i == 0 { "left" } else { "right" })),
        );
    }
    m.insert(
        "children".into(),
        Json::Array(step.children.iter().map(|c| step_json(c, skips)).collect()),
    );
    m.insert("omitted".into(), json!(step.omitted));
    Json::Object(m)
}

/// The tree of `step` as text.
pub fn render_tree(
    expr: &Expression,
    step: &Step,
    width: usize,
    color: bool,
    root_no_json: Option<&str>,
) -> Shown {
    let skips = Skips::new(expr);
    let mut w = TreeWriter {
        skips: &skips,
        dialect: expr.dialect(),
        width,
        color,
        out: Shown::new(),
    };
    w.step(step, "", "", "", false, root_no_json);
    w.out
}

/// Runs `rolemap explain`.
pub fn run(a: &ExplainArgs, style: Style) -> CmdResult {
    let dialect = a.dialect.dialect();
    let source_text = cmd_eval::expression_text(&a.expr, a.org_id.as_deref());
    let expr = compile(&source_text, dialect, a.output, style)?;
    let source = input::read_source(&a.input)?;
    let docs = cmd_eval::documents(&source, false)?;
    let Some((_, doc)) = docs.into_iter().next() else {
        return Ok(EXIT_OK);
    };
    let doc = &doc?;
    let explained = expr.explain(doc);
    let code = if explained.result.is_err() {
        EXIT_FAILED
    } else {
        EXIT_OK
    };
    match a.output {
        OutputFormat::Json => {
            let skips = Skips::new(&expr);
            let mut m = serde_json::Map::new();
            m.insert("expression".into(), json!(source_text));
            m.insert("dialect".into(), json!(dialect.to_string()));
            match &explained.result {
                Ok(v) => {
                    m.insert("result".into(), v.to_json_as(dialect));
                    if v.is_json_undefined() {
                        m.insert("undefined".into(), json!(true));
                        m.insert("js_type".into(), json!(v.kind().name()));
                    }
                }
                Err(e) => {
                    m.insert("error".into(), error_json(e));
                }
            }
            m.insert(
                "steps".into(),
                explained
                    .root
                    .as_ref()
                    .map_or(Json::Null, |r| step_json(r, &skips)),
            );
            let json = json_text(&Json::Object(m), dialect, true);
            out(&Shown::json(&format!("{json}\n")))?;
        }
        OutputFormat::Text => {
            let mut text = Shown::new();
            if let Some(root) = &explained.root {
                let no_json = match &explained.result {
                    Ok(v) if v.is_json_undefined() => Some(v.kind().name()),
                    _ => None,
                };
                text.push(render_tree(
                    &expr,
                    root,
                    usize::from(a.width),
                    style.out,
                    no_json,
                ));
            }
            text.push("\n");
            match &explained.result {
                Ok(v) => {
                    let shown = if v.is_json_undefined() {
                        Shown::from("undefined")
                    } else {
                        Shown::json(&json_text(&v.to_json_as(dialect), dialect, true))
                    };
                    text.push(shown![
                        paint(style.out, Paint::Bold, "result:"),
                        " ",
                        shown,
                        "\n"
                    ]);
                    if let Some(note) = undefined_note(v) {
                        text.push(shown![
                            paint(style.out, Paint::Cyan, "note:"),
                            " ",
                            note,
                            "\n"
                        ]);
                    }
                    out(&text)?;
                }
                Err(e) => {
                    out(&text)?;
                    err(&style::render(
                        &style::engine_diagnostic(&source_text, e, dialect),
                        style.err,
                    ));
                }
            }
        }
    }
    Ok(code)
}
