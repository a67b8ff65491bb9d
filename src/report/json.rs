//! `--format json`: the machine-readable contract of DESIGN.md.

use std::io::{self, Write};

use serde::Serialize;

use crate::baseline::BaselineCheck;
use crate::engine::{Finding, Summary, Suppressed};
use crate::snapshot::Kind;

use super::{Report, Reporter, Style};

pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    sources: Vec<Source<'a>>,
    summary: Summary,
    findings: &'a [Finding],
    /// Findings the config's ignores suppressed, each with the ignore's `reason`.
    suppressed: &'a [Suppressed],
    /// Present with `--baseline`: findings already in it, and its entries fixed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineCheck>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Source<'a> {
    kind: Kind,
    origin: &'a str,
    taken_at: &'a str,
    complete: bool,
}

impl Reporter for Json {
    fn write(&self, report: &Report<'_>, _: Style, out: &mut dyn Write) -> io::Result<()> {
        let doc = Document {
            schema_version: 1,
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            sources: report
                .model
                .sources
                .iter()
                .map(|s| Source {
                    kind: s.kind,
                    origin: &s.origin,
                    taken_at: &s.taken_at,
                    complete: s.complete,
                })
                .collect(),
            summary: report.summary,
            findings: report.findings,
            suppressed: report.suppressed,
            baseline: report.baseline,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
