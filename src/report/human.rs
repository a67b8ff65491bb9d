//! `--format human`: each finding as a `miette` diagnostic with a code frame on the offending
//! value in its snapshot, a character diff and the fix; then the mapping matrix and a summary.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use owo_colors::OwoColorize;

use crate::engine::{Finding, Severity};
use crate::excerpt::Excerpt;
use crate::matrix::{self, Cell, Status};
use crate::rules::q;

use super::{Report, Reporter, Style, diff};

pub struct Human;

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: Option<NamedSource<Arc<Excerpt>>>,
    span: Option<LabeledSpan>,
    help: String,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.span
            .clone()
            .map(|s| Box::new(std::iter::once(s)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// How many affected principals are named in the terminal; JSON carries all of them.
const PRINCIPALS_SHOWN: usize = 5;

impl Reporter for Human {
    fn write(&self, report: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
        let theme = match (style.unicode, style.color) {
            (true, true) => GraphicalTheme::unicode(),
            (true, false) => GraphicalTheme::unicode_nocolor(),
            (false, _) => GraphicalTheme::ascii(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(110)
            .with_links(false);
        for f in report.findings {
            let (src, span) = match f
                .location
                .as_ref()
                .and_then(|l| Some((l, l.excerpt.clone()?)))
            {
                Some((loc, excerpt)) => (
                    Some(NamedSource::new(loc.file.clone(), excerpt.clone())),
                    Some(LabeledSpan::new_with_span(
                        Some(label(f)),
                        excerpt.span_at(loc.offset),
                    )),
                ),
                None => (None, None),
            };
            let diag = FindingDiagnostic {
                finding: f,
                src,
                span,
                help: help(f, style),
            };
            let mut rendered = String::new();
            if handler.render_report(&mut rendered, &diag).is_err() {
                rendered = format!("{}: {}\n", f.rule, f.message);
            }
            out.write_all(rendered.as_bytes())?;
            writeln!(out)?;
        }

        write_matrix(report, style, out)?;
        write_baseline(report, out)?;
        write_summary(report, style, out)
    }
}

fn label(f: &Finding) -> String {
    match &f.expected {
        Some(e) if e != &f.value => format!("Sigma expects {}", q(e)),
        _ => f.rule.to_string(),
    }
}

fn help(f: &Finding, style: Style) -> String {
    let mut h = String::new();
    if let Some(e) = &f.expected
        && e != &f.value
    {
        h.push_str(&format!(
            "diff: {}\n",
            diff::inline(&f.value, e, style.color)
        ));
    }
    if f.principals.count > 0 {
        let names: Vec<String> = f
            .principals
            .items
            .iter()
            .take(PRINCIPALS_SHOWN)
            .map(|p| p.name.clone().unwrap_or_else(|| p.id.clone()))
            .collect();
        let more = f.principals.count.saturating_sub(names.len());
        h.push_str(&format!(
            "affects {} principal{}: {}{}\n",
            f.principals.count,
            if f.principals.count == 1 { "" } else { "s" },
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    h.push_str(&format!("fix: {}", f.fix));
    h
}

fn cell_text(c: &Cell, unicode: bool) -> String {
    let icon = if unicode {
        c.status.icon()
    } else {
        match c.status {
            Status::Match => "+",
            Status::NotChecked => " ",
            Status::Missing | Status::Disabled | Status::NotAssignable => "!",
            _ => "x",
        }
    };
    match (&c.value, c.status) {
        (_, Status::NotChecked) => "-".to_string(),
        (Some(v), Status::Match) => format!("{icon} {}", q(v)),
        (Some(v), s) => format!("{icon} {}: {}", s.label(), q(v)),
        (None, s) => format!("{icon} {}", s.label()),
    }
}

fn write_matrix(report: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let rows = matrix::build(report.model);
    let header = ["Sigma account type", "expects", "Okta", "Entra"];
    let table: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            [
                format!(
                    "{}{}",
                    r.account_type,
                    if r.is_custom { " (custom)" } else { "" }
                ),
                q(&r.expected),
                cell_text(&r.okta, style.unicode),
                cell_text(&r.azure, style.unicode),
            ]
        })
        .collect();
    let width = |i: usize| {
        table
            .iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let title = "Mapping matrix";
    writeln!(
        out,
        "{}",
        if style.color {
            title.bold().to_string()
        } else {
            title.to_string()
        }
    )?;
    let line = |cells: [&str; 4]| {
        let mut s = String::from(" ");
        for (c, w) in cells.iter().zip(widths) {
            s.push(' ');
            s.push_str(c);
            s.push_str(&" ".repeat(w.saturating_sub(c.chars().count()) + 1));
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header))?;
    for (row, cells) in rows.iter().zip(&table) {
        let text = line([&cells[0], &cells[1], &cells[2], &cells[3]]);
        let ok = row.okta.status.is_ok() && row.azure.status.is_ok();
        if style.color && !ok {
            writeln!(out, "{}", text.yellow())?;
        } else {
            writeln!(out, "{text}")?;
        }
    }
    writeln!(out)
}

/// The baseline entries fixed since the baseline was written.
fn write_baseline(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let Some(b) = report.baseline else {
        return Ok(());
    };
    if b.fixed.is_empty() {
        return Ok(());
    }
    writeln!(out, "Fixed since the baseline ({})", b.file)?;
    for e in &b.fixed {
        writeln!(
            out,
            "  {} {} {}: {}",
            e.rule,
            e.source,
            q(&e.value),
            e.message
        )?;
    }
    writeln!(out)
}

fn write_summary(report: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}, {}",
        plural(s.error, "error"),
        plural(s.warning, "warning"),
        plural(s.note, "note")
    );
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if let Some(b) = report.baseline {
        line.push_str(&format!(
            ", {} in the baseline, {} fixed since",
            b.unchanged,
            b.fixed.len()
        ));
    }
    line.push_str(&format!(" ({} checked)", report.checked_sources()));
    let verdict = match (report.fails(), report.fail_on) {
        (true, Some(t)) => format!("FAIL: findings at or above `{t}`"),
        (false, Some(t)) => format!("ok: nothing at or above `{t}`"),
        (_, None) => "ok: --fail-on never".to_string(),
    };
    let text = format!("{verdict} — {line}");
    if style.color {
        if report.fails() {
            writeln!(out, "{}", text.red().bold())
        } else {
            writeln!(out, "{}", text.green().bold())
        }
    } else {
        writeln!(out, "{text}")
    }
}
