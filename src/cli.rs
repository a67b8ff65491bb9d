//! The command line (clap definitions only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::FormatSpec;

#[derive(Debug, Parser)]
#[command(
    name = "sigma-idp-lint",
    version,
    about = "Catch drift between Sigma account types and the Okta / Entra ID values that provision them, before provisioning fails."
)]
pub struct Cli {
    /// When to use colour (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check snapshots for every way provisioning will fail.
    Check(CheckArgs),
    /// List every rule with its default severity.
    Rules,
    /// Fetch every configured live source and write one snapshot file per source.
    Snapshot(SnapshotArgs),
    /// Print a rule's catalog page: why it matters, how to fix it, examples.
    Explain {
        /// The rule id, e.g. `case-mismatch`.
        rule: String,
    },
    /// Write a commented starter sigma-idp-lint.yaml.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(value_name = "FILE", default_value = crate::config::FILE_NAME)]
    pub path: PathBuf,

    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Snapshot files, or folders of them (each file says its `kind`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Config file (default: sigma-idp-lint.yaml in the working folder or its parents).
    #[arg(short = 'c', long = "config", value_name = "CONFIG")]
    pub config: Option<PathBuf>,

    /// Output format, several allowed: human, json, sarif, junit, github, markdown, html;
    /// `FMT=FILE` writes to a file.
    #[arg(long = "format", value_name = "FMT[=FILE]")]
    pub formats: Vec<FormatSpec>,

    /// Fail only on findings that are not in this baseline file; report its entries now fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in this baseline file (then they do not fail this run).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// The date ignores are judged against instead of today (YYYY-MM-DD); for tests.
    #[arg(long, value_name = "DATE", hide = true, value_parser = parse_today)]
    pub today: Option<time::Date>,

    /// Fetch every configured live source instead of reading snapshot files.
    #[arg(long, conflicts_with = "paths")]
    pub live: bool,

    /// With --live: also fetch assignments and Sigma members.
    #[arg(long, requires = "live")]
    pub with_assignments: bool,

    /// Exit 1 when there are findings at or above this level.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Folder to write sigma.yaml, okta.yaml and azure.yaml to (default: the working folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Also fetch assignments (Okta app users and groups, Entra role assignments) and Sigma
    /// members.
    #[arg(long)]
    pub with_assignments: bool,

    /// Config file (default: sigma-idp-lint.yaml in the working folder or its parents).
    #[arg(short = 'c', long = "config", value_name = "CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<crate::engine::Severity> {
        use crate::engine::Severity;
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

fn parse_today(s: &str) -> Result<time::Date, String> {
    crate::config::parse_date(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}
