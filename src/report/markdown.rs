//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY`, a merge request or a ticket:
//! the verdict, counts, one table row per finding, then suppressed findings with their reasons
//! and baseline entries fixed since.

use std::io::{self, Write};

use crate::engine::{Finding, Severity};

use super::{Report, Reporter, Style};

pub struct Markdown;

impl Reporter for Markdown {
    fn write(&self, report: &Report<'_>, _: Style, out: &mut dyn Write) -> io::Result<()> {
        let s = report.summary;
        let verdict = match (report.fails(), report.fail_on) {
            (true, Some(t)) => format!(":x: **FAIL**: findings at or above `{t}`"),
            (false, Some(t)) => format!(":white_check_mark: **ok**: nothing at or above `{t}`"),
            (_, None) => ":white_check_mark: **ok**: `--fail-on never`".to_string(),
        };
        writeln!(out, "## sigma-idp-lint\n")?;
        writeln!(out, "{verdict} ({} checked)\n", report.checked_sources())?;
        writeln!(out, "| errors | warnings | notes | suppressed |")?;
        writeln!(out, "|---:|---:|---:|---:|")?;
        writeln!(
            out,
            "| {} | {} | {} | {} |\n",
            s.error, s.warning, s.note, s.suppressed
        )?;
        if let Some(b) = report.baseline {
            writeln!(
                out,
                "Baseline `{}`: {} known finding{} not shown, {} fixed since.\n",
                cell(&b.file),
                b.unchanged,
                if b.unchanged == 1 { "" } else { "s" },
                b.fixed.len()
            )?;
        }

        if !report.findings.is_empty() {
            writeln!(out, "### Findings\n")?;
            table(report, report.findings.iter(), out)?;
            writeln!(out)?;
        }
        if !report.suppressed.is_empty() {
            writeln!(out, "### Suppressed by the config\n")?;
            writeln!(out, "| rule | source | value | reason |")?;
            writeln!(out, "|---|---|---|---|")?;
            for sup in report.suppressed {
                let f = &sup.finding;
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    f.rule,
                    f.source.display_name(),
                    code(&f.value),
                    cell(&sup.reason)
                )?;
            }
            writeln!(out)?;
        }
        if let Some(b) = report.baseline.filter(|b| !b.fixed.is_empty()) {
            writeln!(out, "### Fixed since the baseline\n")?;
            writeln!(out, "| rule | source | value | was |")?;
            writeln!(out, "|---|---|---|---|")?;
            for e in &b.fixed {
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    cell(&e.rule),
                    cell(&e.source),
                    code(&e.value),
                    cell(&e.message)
                )?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

fn table<'a>(
    report: &Report<'_>,
    findings: impl Iterator<Item = &'a Finding>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "| | rule | source | value | finding | fix | where |")?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for f in findings {
        let icon = match f.severity {
            Severity::Error => ":x: error",
            Severity::Warning => ":warning: warning",
            Severity::Note => ":information_source: note",
        };
        let place = f
            .location
            .as_ref()
            .map(|l| format!("`{}:{}`", cell(&report.file_name(&l.file)), l.line))
            .unwrap_or_default();
        writeln!(
            out,
            "| {icon} | `{}` | {} | {} | {} | {} | {place} |",
            f.rule,
            f.source.display_name(),
            code(&f.value),
            cell(&f.message),
            cell(&f.fix)
        )?;
    }
    Ok(())
}

/// Text for a table cell: pipes escaped, line breaks as `<br>`, HTML-significant characters
/// escaped so values from the IdP cannot inject markup.
pub fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// A value shown exactly, invisible characters made visible, as inline code in a cell.
fn code(value: &str) -> String {
    let shown = crate::rules::q(value);
    // Inline code cannot hold its own delimiter; values with backticks are shown as text.
    if shown.contains('`') {
        cell(&shown)
    } else {
        format!("`{}`", shown.replace('|', "\\|"))
    }
}
