//! `cargo xtask lengths`: no function of the workspace is longer than
//! [`LIMIT`] lines, tests aside.
//!
//! Every `.rs` file under the workspace's source folders is parsed with
//! `syn`; each `fn` (free, in an `impl` or a trait's default, nested ones
//! too) is measured from its first line (attributes and doc comments
//! excluded) to its closing brace. Not measured: the `tests/` crate and any
//! `tests/` or `benches/` folder, modules under `#[cfg(test)]`, and
//! functions marked `#[test]`. A file that does not parse is a failure.
//!
//! [`ALLOWED`] names functions in files that another branch is rewriting;
//! they are reported as "allowed (being rewritten)" instead of failing, and
//! the list is emptied when those branches merge. An entry whose function
//! is no longer over the limit (or gone) is a failure: the list holds only
//! what it excuses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

/// The longest a function may be, in lines.
pub const LIMIT: usize = 120;

/// Folders (from the repository root) whose `.rs` files are measured.
const ROOTS: &[&str] = &["crates", "xtask", "wasm", "benches", "fuzz"];

/// `(file, function)` pairs allowed over the limit while another branch
/// rewrites their file. Emptied at merge.
const ALLOWED: &[(&str, &str)] = &[];

/// One function over the limit.
#[derive(Debug, PartialEq)]
struct Long {
    file: String,
    name: String,
    line: usize,
    lines: usize,
}

/// Collects the functions of one file that are over the limit.
struct Scan<'a> {
    file: &'a str,
    long: Vec<Long>,
}

/// Whether `attrs` hold `#[test]` or `#[cfg(test)]` (alone or in `all(..)`).
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg")
                && a.meta.require_list().is_ok_and(|l| {
                    l.tokens
                        .to_string()
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|w| w == "test")
                }))
    })
}

impl Scan<'_> {
    /// Records a function whose signature starts at `first` and whose body
    /// ends at `last` (both spans, lines counted from 1).
    fn measure(&mut self, name: &syn::Ident, sig: &syn::Signature, body: &syn::Block) {
        let first = sig.span().start().line;
        let last = body.span().end().line;
        let lines = last + 1 - first;
        if lines > LIMIT {
            self.long.push(Long {
                file: self.file.to_string(),
                name: name.to_string(),
                line: first,
                lines,
            });
        }
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            self.measure(&f.sig.ident, &f.sig, &f.block);
            syn::visit::visit_item_fn(self, f);
        }
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test(&f.attrs) {
            self.measure(&f.sig.ident, &f.sig, &f.block);
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let (false, Some(block)) = (is_test(&f.attrs), &f.default) {
            self.measure(&f.sig.ident, &f.sig, block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

/// The functions of `text` (the file `file`) over the limit.
fn scan(file: &str, text: &str) -> Result<Vec<Long>, String> {
    let ast = syn::parse_file(text).map_err(|e| {
        let at = e.span().start();
        format!("{file}:{}:{}: cannot parse: {e}", at.line, at.column + 1)
    })?;
    let mut scan = Scan {
        file,
        long: Vec::new(),
    };
    scan.visit_file(&ast);
    Ok(scan.long)
}

/// Every `.rs` file under `dir` outside test, bench, build-output and
/// package folders, in a stable order.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "tests" | "benches" | "target" | "node_modules") {
                sources(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The report of `long`: one line a function, allowed ones marked, and
/// whether any is not allowed.
fn report(long: &[Long], allowed: &[(&str, &str)]) -> (String, bool) {
    let mut text = String::new();
    let mut failed = false;
    for (file, name) in allowed {
        if !long.iter().any(|l| l.file == *file && l.name == *name) {
            failed = true;
            let _ = writeln!(
                text,
                "{file}: fn {name} is allowed but no longer over {LIMIT} lines: remove it from lengths::ALLOWED"
            );
        }
    }
    for l in long {
        let ok = allowed.contains(&(l.file.as_str(), l.name.as_str()));
        failed |= !ok;
        let _ = writeln!(
            text,
            "{}:{}: fn {} is {} lines (limit {LIMIT}){}",
            l.file,
            l.line,
            l.name,
            l.lines,
            if ok {
                ", allowed (being rewritten)"
            } else {
                ""
            }
        );
    }
    (text, failed)
}

/// `cargo xtask lengths`.
pub fn main() -> Result<(), String> {
    let root = crate::root();
    let mut files = Vec::new();
    for dir in ROOTS {
        sources(&root.join(dir), &mut files)?;
    }
    let mut long = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let rel = path.strip_prefix(&root).unwrap_or(path);
        long.extend(scan(&rel.to_string_lossy(), &text)?);
    }
    let (text, failed) = report(&long, ALLOWED);
    eprint!("{text}");
    if failed {
        Err(format!(
            "functions longer than {LIMIT} lines (split them where the split has a name)"
        ))
    } else {
        eprintln!(
            "lengths: {} files, no function over {LIMIT} lines outside the allowlist",
            files.len()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> String {
        "    let _ = 1;\n".repeat(n)
    }

    #[test]
    fn a_function_over_the_limit_is_reported_with_its_line() {
        let text = format!(
            "\n/// doc\nfn long() {{\n{}}}\nfn short() {{}}\n",
            body(LIMIT - 1)
        );
        let long = scan("a.rs", &text).unwrap_or_default();
        assert_eq!(
            long,
            vec![Long {
                file: "a.rs".into(),
                name: "long".into(),
                line: 3,
                lines: LIMIT + 1,
            }]
        );
        let text = format!("fn fits() {{\n{}}}\n", body(LIMIT - 2));
        assert_eq!(scan("a.rs", &text), Ok(vec![]));
    }

    #[test]
    fn methods_and_trait_defaults_are_measured_and_tests_are_not() {
        let text = format!(
            "impl A {{ fn m() {{\n{0}}} }}\ntrait T {{ fn d() {{\n{0}}} }}\n#[test]\nfn t() {{\n{0}}}\n#[cfg(test)]\nmod tests {{ fn h() {{\n{0}}} }}\n",
            body(LIMIT)
        );
        let names: Vec<_> = scan("a.rs", &text)
            .unwrap_or_default()
            .into_iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(names, ["m", "d"]);
    }

    #[test]
    fn an_allowed_function_is_reported_but_does_not_fail() {
        let long = [Long {
            file: "a.rs".into(),
            name: "f".into(),
            line: 1,
            lines: 200,
        }];
        let (text, failed) = report(&long, &[("a.rs", "f")]);
        assert!(!failed);
        assert!(text.contains("allowed (being rewritten)"), "{text}");
        let (_, failed) = report(&long, &[]);
        assert!(failed);
        let (text, failed) = report(&[], &[("a.rs", "f")]);
        assert!(failed);
        assert!(text.contains("no longer over"), "{text}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error_naming_it() {
        let e = scan("bad.rs", "fn (").err().unwrap_or_default();
        assert!(e.starts_with("bad.rs:1:"), "{e}");
    }
}
