//! The README runs as written: its first command, and every command of its
//! "Using it" section, run from the checkout with `rolemap` on the `PATH`,
//! exit as the README says (`# exit N` in a command's comment, else 0).
//!
//! `cargo xtask test`, the README's second command, is what runs this test,
//! so it is the one command left out.

mod rolemap_bin;

use std::process::Command;

/// The README's text.
fn readme() -> String {
    let path = rolemap_bin::repo().join("README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The lines of the fenced code blocks in `section` (a Markdown text).
fn code_lines(section: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in section.lines() {
        if line.trim_start().starts_with("```") {
            assert!(
                !inside || line.trim() == "```",
                "a closing code fence with text after it (Markdown reads on): {line:?}"
            );
            inside = !inside;
            continue;
        }
        if inside {
            lines.push(line.to_string());
        }
    }
    assert!(!inside, "an unclosed code block");
    lines
}

/// A command of the README: the shell text and the exit code its comment
/// promises.
#[derive(Debug)]
struct Step {
    command: String,
    exit: i32,
}

/// Joins `\` continuations and splits each command from its comment.
fn steps(lines: &[String]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut pending = String::new();
    for line in lines {
        let (code, comment) = split_comment(line);
        let code = code.trim_end();
        if let Some(head) = code.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(code);
        let command = std::mem::take(&mut pending).trim().to_string();
        if command.is_empty() {
            continue;
        }
        steps.push(Step {
            command,
            exit: promised_exit(comment),
        });
    }
    assert!(
        pending.is_empty(),
        "a `\\` continuation at the end: {pending}"
    );
    steps
}

/// `line` split at a `#` that starts a shell comment (outside quotes, after
/// white space).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return (&line[..i], &line[i + 1..]),
            None => {}
        }
        previous = c;
    }
    (line, "")
}

/// The exit code a comment promises: `exit N`, else 0.
fn promised_exit(comment: &str) -> i32 {
    comment
        .split("exit ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The "Using it" section: from its heading to the next `## ` heading.
fn using_it(readme: &str) -> &str {
    let start = readme
        .find("\n## Using it\n")
        .expect("README has `## Using it`");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// Runs `step` with `sh` from the checkout, `rolemap` first on the PATH.
fn run(step: &Step) -> Result<(), String> {
    let bin_dir = rolemap_bin::bin().parent().expect("the binary's directory");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("a PATH");
    let out = Command::new("sh")
        .arg("-c")
        .arg(&step.command)
        .current_dir(rolemap_bin::repo())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("{}: cannot run sh: {e}", step.command))?;
    let code = out.status.code().unwrap_or(-1);
    if code == step.exit {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
    Err(format!(
        "`{}`: exit {code}, the README says {}\n    stderr (last lines):\n      {}",
        step.command,
        step.exit,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n      ")
    ))
}

#[test]
fn the_readme_commands_exit_as_it_says() {
    let readme = readme();
    let top = code_lines(readme.split("\n## ").next().expect("a first section"));
    let first = steps(&top);
    assert_eq!(
        first.len(),
        2,
        "the README opens with two commands: {first:?}"
    );
    assert!(
        first[1].command == "cargo xtask test",
        "the second command runs every test: {:?}",
        first[1]
    );
    let using = steps(&code_lines(using_it(&readme)));
    assert!(
        using.len() >= 10,
        "`Using it` has {} commands: {using:?}",
        using.len()
    );
    let failures: Vec<String> = std::iter::once(&first[0])
        .chain(&using)
        .filter_map(|s| run(s).err())
        .collect();
    println!("{} README commands run", 1 + using.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_command_whose_exit_differs_from_the_readme_fails() {
    let step = Step {
        command: "rolemap eval 'contains(groups,' examples/keycloak/token.jwt".to_string(),
        exit: 0,
    };
    let error = run(&step).expect_err("a syntax error exits 2, not 0");
    assert!(error.contains("exit 2, the README says 0"), "{error}");
}

#[test]
fn comments_and_continuations_are_read_as_a_shell_does() {
    let lines: Vec<String> = [
        "rolemap lint \"a # b\" --as x \\",
        "    --roles A  # exit 1: two findings",
        "rolemap fmt 'x#y'",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let steps = steps(&lines);
    assert_eq!(steps.len(), 2);
    assert_eq!(
        steps[0].command,
        "rolemap lint \"a # b\" --as x      --roles A"
    );
    assert_eq!(steps[0].exit, 1);
    assert_eq!(steps[1].command, "rolemap fmt 'x#y'");
    assert_eq!(steps[1].exit, 0);
}
