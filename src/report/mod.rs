//! One reporter per output format, behind one small trait; every reporter reads the same `Report`.

pub mod diff;
pub mod html;
pub mod human;
pub mod json;

use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;

use crate::engine::{Finding, Severity, Summary};
use crate::model::Model;

/// Everything a reporter needs.
pub struct Report<'a> {
    pub model: &'a Model,
    pub findings: &'a [Finding],
    pub summary: Summary,
    /// The `--fail-on` threshold, `None` for `never`.
    pub fail_on: Option<Severity>,
}

impl Report<'_> {
    /// Whether the findings reach the `--fail-on` threshold.
    pub fn fails(&self) -> bool {
        self.fail_on
            .is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
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
    Html,
}

impl Format {
    pub fn reporter(self) -> Box<dyn Reporter> {
        match self {
            Format::Human => Box::new(human::Human),
            Format::Json => Box::new(json::Json),
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
