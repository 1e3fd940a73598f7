//! `rolemap examples`: the example setups of the repository's `examples/`
//! folder, built into the binary, so that they work anywhere: listed, and
//! written out with `--write DIR`.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde_json::json;

use crate::args::{ExamplesArgs, OutputFormat};
use crate::cmd_eval::pretty;
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{out, CmdResult, Failure, EXIT_OK};

/// The repository's `examples/` folder, as it was at build time.
static EXAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../examples");

/// One example setup (a folder of `examples/`).
struct Example {
    name: String,
    /// Config files (`*.toml|json|yaml|yml|ini|env` that are not test files),
    /// relative to `examples/`.
    configs: Vec<PathBuf>,
    /// Mapping-test files (with `cases`).
    tests: Vec<PathBuf>,
    /// The opening comment of its main config (`pangolin.toml` or
    /// `grafana.ini`, else the
    /// first), one line per line.
    summary: Vec<String>,
}

/// The opening comment block of a config: its `#` lines up to the first
/// other line, without the ones that are commands to run it.
fn summary_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .map_while(|l| l.strip_prefix('#'))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("rolemap "))
        .map(str::to_string)
        .collect()
}

fn is_test_file(text: &str) -> bool {
    text.contains("[[cases]]") || text.contains("\"cases\"") || text.contains("\ncases:")
}

/// The embedded examples, by name.
fn embedded() -> Vec<Example> {
    let mut dirs: Vec<&Dir<'_>> = EXAMPLES.dirs().collect();
    dirs.sort_by_key(|d| d.path());
    let mut out = Vec::new();
    for d in dirs {
        let mut files: Vec<_> = d
            .files()
            .filter(|f| {
                f.path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "toml" | "json" | "yaml" | "yml" | "ini" | "env"))
            })
            .collect();
        files.sort_by_key(|f| f.path());
        let mut ex = Example {
            name: d.path().display().to_string(),
            configs: Vec::new(),
            tests: Vec::new(),
            summary: Vec::new(),
        };
        for f in files {
            let text = f.contents_utf8().unwrap_or_default();
            if is_test_file(text) {
                ex.tests.push(f.path().to_path_buf());
            } else {
                let main = f
                    .path()
                    .file_name()
                    .is_some_and(|n| n == "pangolin.toml" || n == "grafana.ini");
                if ex.summary.is_empty() || main {
                    ex.summary = summary_of(text);
                }
                ex.configs.push(f.path().to_path_buf());
            }
        }
        if !ex.configs.is_empty() || !ex.tests.is_empty() {
            out.push(ex);
        }
    }
    out
}

/// The `examples/` folder of a rolemap checkout around the current
/// directory, if any (the listed commands then point into it).
fn checkout_examples() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|d| d.join("examples"))
        .find(|d| d.join("pocket-id").is_dir())
}

/// Writes every embedded example under `dir` (created if missing), never
/// over or through an existing file: every path is checked before the
/// first file is written, and each file is created new.
fn write_all(dir: &Path) -> Result<usize, Failure> {
    let mut files = Vec::new();
    collect_files(&EXAMPLES, &mut files);
    // What already exists where a file or a folder is to go (a dangling
    // link counts: `symlink_metadata` does not follow it).
    let mut taken = Vec::new();
    for f in &files {
        let path = dir.join(f.path());
        if std::fs::symlink_metadata(&path).is_ok() {
            taken.push(path.display().to_string());
        }
        for folder in f
            .path()
            .ancestors()
            .skip(1)
            .filter(|p| !p.as_os_str().is_empty())
        {
            let folder = dir.join(folder);
            if std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
                taken.push(folder.display().to_string());
            }
        }
    }
    taken.sort();
    taken.dedup();
    if let Some(first) = taken.first() {
        return Err(Failure::input(format!(
            "{first} exists ({} path(s) of the examples do): write them into a new or empty folder",
            taken.len()
        )));
    }
    for f in &files {
        let path = dir.join(f.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Failure::input(format!(
                    "{}: cannot create the folder: {e}",
                    parent.display()
                ))
            })?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut out| std::io::Write::write_all(&mut out, f.contents()))
            .map_err(|e| Failure::input(format!("{}: cannot write: {e}", path.display())))?;
    }
    Ok(files.len())
}

fn collect_files<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    out.extend(dir.files());
    for d in dir.dirs() {
        collect_files(d, out);
    }
}

/// Runs `rolemap examples`.
pub fn list(a: &ExamplesArgs, style: Style) -> CmdResult {
    if let Some(dir) = &a.write {
        let n = write_all(dir)?;
        out(&Shown::from(format!(
            "wrote {n} files under {}; try:\n  rolemap simulate {}\n  rolemap test {}\n",
            dir.display(),
            dir.join("pocket-id/pangolin.toml").display(),
            dir.join("pocket-id/expect.toml").display(),
        )))?;
        return Ok(EXIT_OK);
    }
    let examples = embedded();
    // Commands point into the checkout when there is one, else at the
    // folder `--write examples` makes.
    let base = checkout_examples().unwrap_or_else(|| PathBuf::from("examples"));
    let show = |p: &PathBuf| base.join(p).display().to_string();
    match a.output {
        OutputFormat::Json => {
            let v: Vec<_> = examples
                .iter()
                .map(|e| {
                    json!({
                        "name": e.name,
                        "configs": e.configs.iter().map(show).collect::<Vec<_>>(),
                        "tests": e.tests.iter().map(show).collect::<Vec<_>>(),
                        "summary": e.summary.join(" "),
                    })
                })
                .collect();
            let json = pretty(&serde_json::Value::Array(v));
            out(&Shown::json(&format!("{json}\n")))?;
        }
        OutputFormat::Text => {
            let mut text = Shown::new();
            if !base.is_dir() {
                text.push(format!(
                    "(built into rolemap; `rolemap examples --write {}` writes them out)\n\n",
                    base.display()
                ));
            }
            for (i, e) in examples.iter().enumerate() {
                if i > 0 {
                    text.push("\n");
                }
                text.push(shown![paint(style.out, Paint::Bold, &e.name), "\n"]);
                for line in &e.summary {
                    text.push(shown!["  ", paint(style.out, Paint::Dim, line), "\n"]);
                }
                for c in &e.configs {
                    // A Grafana configuration names no samples: its users/ folder.
                    let grafana = c
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| matches!(x, "ini" | "env" | "yaml" | "yml"));
                    let users = match (grafana, c.parent()) {
                        (true, Some(dir)) => format!(" {}", show(&dir.join("users"))),
                        _ => String::new(),
                    };
                    text.push(format!("  rolemap simulate {}{users}\n", show(c)));
                }
                for t in &e.tests {
                    text.push(format!("  rolemap test {}\n", show(t)));
                }
            }
            out(&text)?;
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_folder_is_built_in_with_its_whole_opening_comment() {
        let examples = embedded();
        let names: Vec<&str> = examples.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"pocket-id"), "{names:?}");
        let pocket = examples.iter().find(|e| e.name == "pocket-id");
        let summary = pocket.map(|e| e.summary.join(" ")).unwrap_or_default();
        // From pangolin.toml (not manual-users.toml, first by name), every line.
        assert_eq!(
            summary,
            "Pocket ID, set up as in Pangolin's Pocket ID guide: auto provisioning on, the `groups` scope requested, the documented role mapping."
        );
        for e in &examples {
            assert!(!e.summary.is_empty(), "{} has no summary", e.name);
            assert!(!e.tests.is_empty(), "{} has no test file", e.name);
        }
    }
}
