//! One reporter per output format, behind one small trait; every reporter reads the same `Report`.

pub mod diff;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::baseline::BaselineCheck;
use crate::engine::{Finding, Severity, Summary, Suppressed};
use crate::model::Model;

/// Everything a reporter needs.
pub struct Report<'a> {
    pub model: &'a Model,
    pub findings: &'a [Finding],
    pub summary: Summary,
    /// The `--fail-on` threshold, `None` for `never`.
    pub fail_on: Option<Severity>,
    /// Findings the config's ignores suppressed, with their reasons.
    pub suppressed: &'a [Suppressed],
    /// How the findings compare with `--baseline`, when one was given (then `findings` holds
    /// only the new ones).
    pub baseline: Option<&'a BaselineCheck>,
    /// The working folder: absolute file locations under it are reported relative to it.
    pub root: Option<&'a Path>,
}

impl Report<'_> {
    /// The checked sources by the names admins use, e.g. `Entra, Okta, Sigma`.
    pub fn checked_sources(&self) -> String {
        let names: Vec<&str> = self
            .model
            .sources
            .iter()
            .map(|s| s.kind.display_name())
            .collect();
        names.join(", ")
    }

    /// Whether the findings reach the `--fail-on` threshold.
    pub fn fails(&self) -> bool {
        self.fail_on
            .is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }

    /// Whether `finding` reaches the `--fail-on` threshold.
    pub fn fails_on(&self, finding: &Finding) -> bool {
        self.fail_on.is_some_and(|t| finding.severity >= t)
    }

    /// A location's file as reports name it: relative to the working folder when under it,
    /// with `/` separators.
    pub fn file_name(&self, file: &str) -> String {
        let path = Path::new(file);
        let rel = match self.root {
            Some(root) if path.is_absolute() => path.strip_prefix(root).unwrap_or(path),
            _ => path,
        };
        let rel = rel.strip_prefix(".").unwrap_or(rel);
        rel.to_string_lossy().replace('\\', "/")
    }
}

/// Output options that are not the data itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub unicode: bool,
}

pub trait Reporter {
    fn write(&self, report: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
    Html,
}

impl Format {
    pub fn reporter(self) -> Box<dyn Reporter> {
        match self {
            Format::Human => Box::new(human::Human),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Junit => Box::new(junit::Junit),
            Format::Github => Box::new(github::Github),
            Format::Markdown => Box::new(markdown::Markdown),
            Format::Html => Box::new(html::Html),
        }
    }
}

/// `FMT` or `FMT=FILE` from `--format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: Format,
    pub file: Option<PathBuf>,
}

impl FromStr for FormatSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, file) = match s.split_once('=') {
            Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
            Some((_, _)) => return Err(format!("`{s}`: no file after `=`")),
            None => (s, None),
        };
        let format = Format::from_str(name).map_err(|_| {
            let all: Vec<String> = <Format as strum::IntoEnumIterator>::iter()
                .map(|f| f.to_string())
                .collect();
            format!(
                "unknown format `{name}` (expected one of: {})",
                all.join(", ")
            )
        })?;
        Ok(FormatSpec { format, file })
    }
}
