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
    /// Pull, check and save a live Pangolin's mappings (its integration API).
    #[command(after_help = PANGOLIN_HELP)]
    Pangolin(PangolinArgs),
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
    /// (`--output json` and `jsonl` always have them, as `log`). Over more
    /// than 40 samples (the summary), the log of the first 40 logins.
    #[arg(long)]
    pub log: bool,
    /// Output format: a table (a summary over more than a screenful of
    /// samples), one JSON array, or one JSON object a line (any size).
    #[arg(long, short = 'o', value_enum, default_value_t = SimulateOutput::Text)]
    pub output: SimulateOutput,
    /// Exit 1 when any login fails (`failure`), or also when any login has
    /// a hint (`hint`): for a CI job that replays logins. Expectations
    /// belong in `rolemap test`.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

/// `simulate --output`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SimulateOutput {
    /// For people: every login, or a summary over many.
    #[default]
    Text,
    /// One JSON array of every login.
    Json,
    /// JSON Lines: one login a line, streamed.
    Jsonl,
}

/// `simulate --fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A login that fails.
    Failure,
    /// A login that fails or has a hint.
    Hint,
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

const PANGOLIN_HELP: &str = "Examples:
  rolemap pangolin pull --url http://pangolin:3003 --idp 1 -o pangolin.toml
  rolemap pangolin check --url http://pangolin:3003 --idp 1 --claims users/ --expect expect.toml
  rolemap pangolin apply pangolin.toml --url http://pangolin:3003 --idp 1 --claims users/ --dry-run

The API key comes from PANGOLIN_API_KEY or --api-key-file (never from the command line): a root
key with the actions listIdps, getIdp, listIdpOrgs, listOrgs, listRoles (pull, check), and for
apply also createIdpOrg, updateIdpOrg, deleteIdpOrg, updateIdp.
Exit codes: 0 done (check: all passed), 1 a finding, failed login or expectation (apply: refused,
or the server does not hold what was sent), 2 a usage, connection, auth or server error.";

const PULL_HELP: &str = "Examples:
  rolemap pangolin pull --url http://pangolin:3003 --idp 1 -o pangolin.toml
  rolemap pangolin pull --url https://api.example.com/v1 --ca-cert ca.pem --pangolin-version 1.22.0

Writes a config that `simulate`, `lint` and `test` read, with a header saying where and when it
was pulled. The OIDC client secret is never written. Without --idp the IdPs are listed and one
is asked for (not on a terminal: an error naming them).
Exit codes: 0 written, 2 a usage, connection, auth or server error.";

const CHECK_HELP: &str = "Examples:
  rolemap pangolin check --url http://pangolin:3003 --idp 1
  rolemap pangolin check --url http://pangolin:3003 --idp 1 --claims users/ --expect expect.toml --output json

Lints every mapping of the IdP as what it is (identifier, e-mail and name paths, org and role
mappings, with each org's roles), simulates the sample users' logins and runs the expectations
(a mapping-test file: its `config` is replaced by the server's).
Exit codes: 0 all passed, 1 a lint error, a failed login the expectations do not expect, or a
failed expectation, 2 a usage, connection, auth or server error.";

const APPLY_HELP: &str = "Examples:
  rolemap pangolin apply pangolin.toml --url http://pangolin:3003 --idp 1 --dry-run
  rolemap pangolin apply pangolin.toml --url http://pangolin:3003 --idp 1 --claims users/ --prune

Shows the difference between the file's mappings and the server's (expressions, and with
--claims the logins that change), refuses when a mapping has a lint error or an expectation
fails, else saves it and pulls again to confirm what the server holds.
Exit codes: 0 saved (or nothing to save, or --dry-run), 1 refused, or the server does not hold
what was sent, 2 a usage, connection, auth or server error (the report says which changes were made).";

/// `rolemap pangolin`.
#[derive(Debug, Args)]
pub struct PangolinArgs {
    /// The subcommand.
    #[command(subcommand)]
    pub command: PangolinCommand,
}

/// The subcommands of `rolemap pangolin`.
#[derive(Debug, Subcommand)]
pub enum PangolinCommand {
    /// Read an IdP's configuration from the server as a rolemap config.
    #[command(after_help = PULL_HELP)]
    Pull(PullArgs),
    /// Lint and simulate the server's mappings, run expectations.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Save a config's mappings to the server, when they pass.
    #[command(after_help = APPLY_HELP)]
    Apply(ApplyArgs),
}

/// How to reach the integration API.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The integration API, with or without `/v1` (plain http:// defaults
    /// to the port 3003).
    #[arg(long)]
    pub url: String,
    /// A file holding the API key (default: the PANGOLIN_API_KEY variable).
    #[arg(long, value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,
    /// A PEM file of the CA that signed a self-signed server's certificate
    /// (trusted besides the system's roots).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Limit for each request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// How many times a failed read is tried again (writes never are).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
    /// Items asked for per page of a list.
    #[arg(long, default_value_t = 100, hide = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
}

/// What the API does not tell about the server.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// The server's Pangolin release (the API does not tell it; default:
    /// the newest rolemap models).
    #[arg(long, value_name = "VERSION")]
    pub pangolin_version: Option<String>,
    /// The server's edition (default: open source).
    #[arg(long, value_enum)]
    pub edition: Option<EditionArg>,
    /// The IdP product (default: from the IdP's name), e.g. pocket-id.
    #[arg(long)]
    pub provider: Option<String>,
}

/// `rolemap pangolin pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The IdP's id (without it: listed, and asked for on a terminal).
    #[arg(long)]
    pub idp: Option<u64>,
    /// Write the config to FILE (`.toml`, `.yaml`, `.yml`) instead of stdout.
    #[arg(long = "out", short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Assumptions.
    #[command(flatten)]
    pub server: ServerArgs,
}

/// `rolemap pangolin check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The IdP's id.
    #[arg(long)]
    pub idp: u64,
    /// Sample claims: JSON, JWT or JSONL files or folders.
    #[arg(long, num_args = 1..)]
    pub claims: Vec<PathBuf>,
    /// A mapping-test file of expected outcomes (its `config` is replaced
    /// by the server's).
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Assumptions.
    #[command(flatten)]
    pub server: ServerArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `rolemap pangolin apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The config whose mappings to save (TOML, JSON or YAML).
    pub file: PathBuf,
    /// Connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The IdP's id.
    #[arg(long)]
    pub idp: u64,
    /// Show the changes and the logins they change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the server's policies the file does not have (or marks
    /// `linked = false`).
    #[arg(long)]
    pub prune: bool,
    /// Sample claims (default: the file's `samples`).
    #[arg(long, num_args = 1..)]
    pub claims: Vec<PathBuf>,
    /// A mapping-test file that must pass against the saved state.
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
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
        // Top-level subcommands and theirs (`pangolin pull`).
        let helps = std::iter::once(&cli)
            .chain(
                cli.get_subcommands()
                    .flat_map(|c| std::iter::once(c).chain(c.get_subcommands())),
            )
            .map(|c| {
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
