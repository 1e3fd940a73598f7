//! `rolemap examples`: the example setups in the `examples/` folder (of the
//! current directory, or beside the executable's source checkout).

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::args::{ExamplesArgs, OutputFormat};
use crate::cmd_eval::pretty;
use crate::style::{paint, Paint, Style};
use crate::{out, CmdResult, Failure, EXIT_OK};

/// One example setup.
struct Example {
    name: String,
    dir: PathBuf,
    /// Config files (`*.toml|json|yaml|yml` that are not test files).
    configs: Vec<PathBuf>,
    /// Mapping-test files (with `[[cases]]`).
    tests: Vec<PathBuf>,
    /// The first comment line of the first config, as a summary.
    summary: String,
}

/// The `examples/` folder: in the current directory or any parent.
fn examples_dir() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|d| d.join("examples"))
        .find(|d| d.is_dir())
}

fn summary_of(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix('#').map(str::trim))
        .filter(|l| !l.is_empty() && !l.starts_with("rolemap "))
        .unwrap_or_default()
        .to_string()
}

fn scan(dir: &Path) -> Vec<Example> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let Ok(files) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut files: Vec<PathBuf> = files
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e, "toml" | "json" | "yaml" | "yml"))
            })
            .collect();
        files.sort();
        let mut ex = Example {
            name: d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dir: d.clone(),
            configs: Vec::new(),
            tests: Vec::new(),
            summary: String::new(),
        };
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if text.contains("[[cases]]") || text.contains("\"cases\"") || text.contains("\ncases:")
            {
                ex.tests.push(f);
            } else {
                if ex.summary.is_empty() {
                    ex.summary = summary_of(&text);
                }
                ex.configs.push(f);
            }
        }
        if !ex.configs.is_empty() || !ex.tests.is_empty() {
            out.push(ex);
        }
    }
    out
}

/// Runs `rolemap examples`.
pub fn list(a: &ExamplesArgs, style: Style) -> CmdResult {
    let Some(dir) = examples_dir() else {
        return Err(Failure::input(
            "no `examples/` folder in this directory or its parents: run from a rolemap checkout",
        ));
    };
    let examples = scan(&dir);
    let show = |p: &PathBuf| p.display().to_string();
    match a.output {
        OutputFormat::Json => {
            let v: Vec<_> = examples
                .iter()
                .map(|e| {
                    json!({
                        "name": e.name,
                        "dir": show(&e.dir),
                        "configs": e.configs.iter().map(show).collect::<Vec<_>>(),
                        "tests": e.tests.iter().map(show).collect::<Vec<_>>(),
                        "summary": e.summary,
                    })
                })
                .collect();
            out(&format!("{}\n", pretty(&serde_json::Value::Array(v))))?;
        }
        OutputFormat::Text => {
            let mut text = String::new();
            if examples.is_empty() {
                text.push_str(&format!("no example in {}\n", dir.display()));
            }
            for e in &examples {
                text.push_str(&paint(style.out, Paint::Bold, &e.name));
                if !e.summary.is_empty() {
                    text.push_str(&format!("  {}", paint(style.out, Paint::Dim, &e.summary)));
                }
                text.push('\n');
                for c in &e.configs {
                    text.push_str(&format!("  rolemap simulate {}\n", show(c)));
                }
                for t in &e.tests {
                    text.push_str(&format!("  rolemap test {}\n", show(t)));
                }
            }
            out(&text)?;
        }
    }
    Ok(EXIT_OK)
}
