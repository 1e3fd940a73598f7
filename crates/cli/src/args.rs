//! The command line, as clap parses it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Test Pangolin's OIDC role-mapping and org-mapping JMESPath expressions
/// before saving them.
#[derive(Debug, Parser)]
#[command(
    name = "rolemap",
    version,
    about = "Test Pangolin's OIDC role and org mapping expressions before saving them",
    long_about = "Test Pangolin's OIDC role-mapping and org-mapping JMESPath expressions before \
saving them. Pangolin evaluates them with the npm package jmespath@0.16.0 at login; a mistake \
shows up as an error page, a user in no org, or the wrong role. rolemap evaluates them exactly \
as that engine does, explains them, lints them and simulates whole logins.",
    after_help = "Examples:\n  \
rolemap eval \"contains(groups, 'admin') && 'Admin' || 'Member'\" alice.json\n  \
rolemap explain \"contains(groups, 'admin') && 'Admin' || 'Member'\" id_token.jwt\n  \
rolemap lint \"contains(groups, 'admin') && 'Admin'\" --as role-mapping --roles Admin Member\n  \
rolemap simulate examples/pocket-id/pangolin.toml\n  \
rolemap test mappings.test.toml\n\n\
Exit codes: 0 success, 1 an evaluation error / finding / failed test, 2 a usage, syntax or input error."
)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--dialect`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// As the npm package jmespath@0.16.0 answers (what Pangolin runs).
    #[default]
    Pangolin,
    /// As the JMESPath specification says.
    Spec,
    /// As Grafana 11.3 and later answers (go-jmespath community v1.1.1).
    Grafana,
    /// As Grafana 11.2 and earlier answers (go-jmespath v0.4.0).
    #[value(name = "grafana-11.2")]
    Grafana112,
}

impl DialectArg {
    /// The engine's dialect.
    pub fn dialect(self) -> rolemap_engine::Dialect {
        match self {
            DialectArg::Pangolin => rolemap_engine::Dialect::Pangolin,
            DialectArg::Spec => rolemap_engine::Dialect::Spec,
            DialectArg::Grafana => rolemap_engine::Dialect::Grafana,
            DialectArg::Grafana112 => rolemap_engine::Dialect::GrafanaLegacy,
        }
    }
}

/// `--output`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people.
    #[default]
    Text,
    /// For programs.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate an expression against claims (a JSON file, a JWT, or stdin).
    #[command(after_help = EVAL_HELP)]
    Eval(EvalArgs),
    /// Show the evaluation step by step, as a tree.
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Check an expression for mistakes before saving it in Pangolin.
    #[command(after_help = LINT_HELP)]
    Lint(LintArgs),
    /// Simulate Pangolin's OIDC login for sample users.
    #[command(after_help = SIMULATE_HELP)]
    Simulate(SimulateArgs),
    /// Run mapping-test files and JMESPath compliance-suite files.
    #[command(after_help = TEST_HELP)]
    Test(TestArgs),
    /// Print an expression in canonical form.
    #[command(after_help = FMT_HELP)]
    Fmt(FmtArgs),
    /// Decode a JWT (header and payload), without verifying it.
    #[command(after_help = DECODE_HELP)]
    Decode(DecodeArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// List the example setups shipped with rolemap.
    #[command(after_help = EXAMPLES_HELP)]
    Examples(ExamplesArgs),
}

const EVAL_HELP: &str = "Examples:
  rolemap eval \"contains(groups, 'admin') && 'Admin' || 'Member'\" alice.json
  rolemap eval preferred_username id_token.jwt
  echo '{\"groups\": [\"admin\"]}' | rolemap eval \"groups[0]\"
  rolemap eval --jsonl --output json \"email\" users.jsonl
  rolemap eval --dialect spec \"max_by(@, &name)\" data.json
  rolemap eval --org-id home-lab \"contains(groups, '{{orgId}}')\" alice.json

INPUT is a JSON file, a file holding a JWT (its payload is decoded, NOT verified), or `-` for
stdin (the default). With --jsonl every non-blank line is one document.
Exit codes: 0 every document evaluated, 1 an evaluation error, 2 a syntax, usage or input error.";

const EXPLAIN_HELP: &str = "Examples:
  rolemap explain \"contains(groups, 'admin') && 'Admin' || 'Member'\" alice.json
  rolemap explain --width 40 \"groups[?starts_with(@, 'team-')]\" id_token.jwt
  rolemap explain --output json \"email\" alice.json

Each line is a sub-expression, its source text and the value it gave; `&&` and `||` say
whether they short-circuited and which side gave the result.
Exit codes: 0 evaluated, 1 an evaluation error, 2 a syntax, usage or input error.";

const LINT_HELP: &str = "Examples:
  rolemap lint \"contains(groups, 'admin') && 'Admin' || 'Member'\" --as role-mapping --roles Admin Member
  rolemap lint \"contains(groups, '{{orgId}}')\" --as org-mapping --claims alice.json
  rolemap lint \"preferred_username\" --as path --output json
  rolemap lint \"['Admin', 'Member']\" --as role-mapping --edition oss --deny warnings

Exit codes: 0 no error-level finding, 1 an error (or a warning with --deny warnings),
2 a usage or input error.";

const SIMULATE_HELP: &str = "Examples:
  rolemap simulate examples/pocket-id/pangolin.toml
  rolemap simulate pangolin.toml users/alice.json users/bob.jwt
  rolemap simulate pangolin.toml users/ --all-claims
  rolemap simulate pangolin.toml --output json

CLAIMS are JSON files, JWT files, JSONL files or folders; without them the config's `samples`
are used. --all-claims ignores the scopes (every claim of a sample reaches Pangolin).
Exit codes: 0 the simulation ran (whatever the logins gave), 2 a bad config or sample.";

const TEST_HELP: &str = "Examples:
  rolemap test mappings.test.toml
  rolemap test examples/*/expect.toml
  rolemap test --dialect spec tests/compliance/official/basic.json

A file holding a JSON array is a JMESPath compliance-suite file; any other file is a mapping-test
file (TOML, JSON or YAML) of rolemap-simulate.
Exit codes: 0 every case passed, 1 a case failed, 2 an unreadable file.";

const FMT_HELP: &str = "Examples:
  rolemap fmt \"contains(groups,'admin')&&'Admin'||'Member'\"
  rolemap fmt --check \"groups[0]\"

With --check nothing is printed when the expression is already canonical; otherwise the
canonical form is shown on stderr and the exit code is 1.
Exit codes: 0 printed (or canonical with --check), 1 not canonical (--check), 2 a syntax error.";

const DECODE_HELP: &str = "Examples:
  rolemap decode eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.
  rolemap decode id_token.jwt
  pbpaste | rolemap decode -

The signature is NOT verified: rolemap only reads the claims, as Pangolin does after its OIDC
library checked the token.
Exit codes: 0 decoded, 2 not a readable JWT.";

const COMPLETIONS_HELP: &str = "Examples:
  rolemap completions bash > ~/.local/share/bash-completion/completions/rolemap
  rolemap completions zsh > ~/.zfunc/_rolemap
  rolemap completions fish > ~/.config/fish/completions/rolemap.fish";

const EXAMPLES_HELP: &str = "Examples:
  rolemap examples
  rolemap examples --write my-examples
  rolemap examples --output json";

/// `rolemap eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The JMESPath expression.
    pub expr: String,
    /// A JSON file, a file holding a JWT, or `-` for stdin.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Replace every `{{orgId}}` in the expression with this org id first,
    /// as Pangolin does for org mappings.
    #[arg(long)]
    pub org_id: Option<String>,
    /// Which engine to answer as.
    #[arg(long, value_enum, default_value_t = DialectArg::Pangolin)]
    pub dialect: DialectArg,
    /// Every non-blank input line is one document; one output line each.
    #[arg(long)]
    pub jsonl: bool,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `rolemap explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The JMESPath expression.
    pub expr: String,
    /// A JSON file, a file holding a JWT, or `-` for stdin.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Replace every `{{orgId}}` in the expression with this org id first,
    /// as Pangolin does for org mappings.
    #[arg(long)]
    pub org_id: Option<String>,
    /// Which engine to answer as.
    #[arg(long, value_enum, default_value_t = DialectArg::Pangolin)]
    pub dialect: DialectArg,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Longest value shown on a line (characters); longer ones are cut with `…`.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u16).range(8..))]
    pub width: u16,
}

/// What a linted expression is used as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintAs {
    /// A role mapping (gives role names).
    RoleMapping,
    /// An org mapping (gives `true` or the org id; `{{orgId}}` is replaced).
    OrgMapping,
    /// An identifier, email or name path.
    Path,
}

/// `--edition`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EditionArg {
    /// Open source: only the first role name is kept.
    #[default]
    Oss,
    /// Enterprise (licensed): all role names.
    Enterprise,
    /// Pangolin Cloud: all role names.
    Cloud,
}

/// `--deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    /// Warnings fail the lint too.
    Warnings,
}

/// `rolemap lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// The JMESPath expression.
    pub expr: String,
    /// What the expression is used as.
    #[arg(long = "as", value_enum)]
    pub as_: LintAs,
    /// Sample claims to check the expression against: JSON, JWT or JSONL
    /// files, folders, or `-` for stdin.
    #[arg(long, num_args = 1..)]
    pub claims: Vec<PathBuf>,
    /// The role names of the org (case-sensitive).
    #[arg(long, num_args = 1..)]
    pub roles: Vec<String>,
    /// Pangolin's edition.
    #[arg(long, value_enum, default_value_t = EditionArg::Oss)]
    pub edition: EditionArg,
    /// The org id that `{{orgId}}` stands for (org mappings).
    #[arg(long)]
    pub org_id: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Fail on warnings too.
    #[arg(long, value_enum)]
    pub deny: Option<DenyLevel>,
    /// Note where the mapping parses or answers otherwise in this dialect
    /// (for a mapping moving between Pangolin and Grafana).
    #[arg(long, value_enum)]
    pub compare_with: Option<DialectArg>,
}

/// `rolemap simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The simulation config (TOML, JSON or YAML).
    pub config: PathBuf,
    /// Sample claims: JSON, JWT or JSONL files, folders, or `-` for stdin
    /// (default: the config's `samples`).
    pub claims: Vec<PathBuf>,
    /// Ignore the scopes: every claim of a sample reaches Pangolin.
    #[arg(long)]
    pub all_claims: bool,
    /// Show, per login, the lines Pangolin 1.22.0's server log has about
    /// the mappings (`User identifier`, `Hydrated Org Mapping`, `Extraced
    /// Org ID`, `Role Mapping`, ...), to hold against your server's log
    /// (`--output json` always has them, as `log`).
    #[arg(long)]
    pub log: bool,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `rolemap test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Mapping-test files and compliance-suite files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The dialect compliance-suite files are run in.
    #[arg(long, value_enum, default_value_t = DialectArg::Pangolin)]
    pub dialect: DialectArg,
}

/// `rolemap fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The JMESPath expression.
    pub expr: String,
    /// Print nothing when the expression is in canonical form; otherwise
    /// exit 1 and show the canonical form on stderr.
    #[arg(long)]
    pub check: bool,
    /// The dialect to parse in.
    #[arg(long, value_enum, default_value_t = DialectArg::Pangolin)]
    pub dialect: DialectArg,
}

/// `rolemap decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// A JWT, a file holding one, or `-` for stdin.
    // An `OsString`: a file name need not be UTF-8 (a token, being base64url,
    // always is).
    #[arg(default_value = "-")]
    pub token: OsString,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `rolemap completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `rolemap examples`.
#[derive(Debug, Args)]
pub struct ExamplesArgs {
    /// Write the examples' files under this folder (never over an existing
    /// file), to run them outside a checkout.
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use clap::{CommandFactory, Parser};

    use super::Cli;

    /// The command lines of the `Examples:` block of a help text, from
    /// `rolemap` on (`echo ... | rolemap eval ...` gives `rolemap eval ...`).
    fn example_lines(help: &str) -> Vec<String> {
        help.lines()
            .skip_while(|l| l.trim() != "Examples:")
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.find("rolemap ").map(|i| l[i..].to_string()))
            .collect()
    }

    /// A command line split into words as a shell does (shlex), up to the
    /// first `|`, `>` or `<`.
    fn shell_words(line: &str) -> Vec<String> {
        let words = shlex::split(line).unwrap_or_else(|| panic!("unbalanced quotes: {line}"));
        words
            .into_iter()
            .take_while(|w| !matches!(w.as_str(), "|" | ">" | "<"))
            .collect()
    }

    /// The files of the repository matching `pattern` (`*` is a whole
    /// path segment matching any name).
    fn matches(root: &Path, pattern: &str) -> Vec<PathBuf> {
        let mut found = vec![root.to_path_buf()];
        for segment in pattern.split('/').filter(|s| !s.is_empty()) {
            found = found
                .iter()
                .flat_map(|dir| {
                    if segment == "*" {
                        std::fs::read_dir(dir)
                            .into_iter()
                            .flatten()
                            .flatten()
                            .map(|e| e.path())
                            .collect::<Vec<_>>()
                    } else {
                        vec![dir.join(segment)]
                    }
                })
                .filter(|p| p.exists())
                .collect();
        }
        found
    }

    /// Every example of every `--help` parses with the real flags, and
    /// every path into the checkout (`examples/...`, `tests/...`) exists.
    #[test]
    fn help_examples_use_real_flags_and_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let cli = Cli::command();
        let helps = std::iter::once(&cli).chain(cli.get_subcommands()).map(|c| {
            (
                c.get_name().to_string(),
                c.get_after_help().map(|h| h.to_string()),
            )
        });
        let mut checked = 0;
        for (name, help) in helps {
            let help = help.unwrap_or_default();
            let lines = example_lines(&help);
            assert!(!lines.is_empty(), "{name}: no example in\n{help}");
            for line in lines {
                let words = shell_words(&line);
                if let Err(e) = Cli::try_parse_from(&words) {
                    panic!("{name}: the example `{line}` does not parse: {e}");
                }
                for word in words.iter().skip(2) {
                    if word.starts_with("examples/") || word.starts_with("tests/") {
                        assert!(
                            !matches(&root, word).is_empty(),
                            "{name}: the example `{line}` names {word}, which is not in the checkout"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} examples found");
    }

    #[test]
    fn shell_words_split_as_a_shell_does() {
        assert_eq!(
            shell_words(r#"rolemap eval "a && 'b' || \"c\"" x.json > out | y"#),
            ["rolemap", "eval", "a && 'b' || \"c\"", "x.json"]
        );
    }
}
