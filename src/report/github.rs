//! `--format github`: GitHub Actions workflow commands, one per finding
//! (`::error file=…,line=…,col=…,title=RULE::message`), so findings show as annotations on the
//! run and, for files in the repository, on the changed lines. Severity picks the command:
//! error → `error`, warning → `warning`, note → `notice`.

use std::io::{self, Write};

use crate::engine::Severity;

use super::{Report, Reporter, Style};

pub struct Github;

impl Reporter for Github {
    fn write(&self, report: &Report<'_>, _: Style, out: &mut dyn Write) -> io::Result<()> {
        for f in report.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut props = Vec::new();
            if let Some(loc) = &f.location {
                props.push(format!("file={}", property(&report.file_name(&loc.file))));
                props.push(format!("line={}", loc.line));
                props.push(format!("col={}", loc.column));
            }
            props.push(format!("title={}", property(f.rule.as_str())));
            writeln!(
                out,
                "::{command} {}::{}",
                props.join(","),
                data(&format!("{} Fix: {}", f.message, f.fix))
            )?;
        }
        if let Some(b) = report.baseline {
            for e in &b.fixed {
                writeln!(
                    out,
                    "::notice title={}::{}",
                    property(&format!("{} fixed", e.rule)),
                    data(&format!("fixed since the baseline: {}", e.message))
                )?;
            }
        }
        Ok(())
    }
}

/// Escapes a command's message (`%`, CR, LF).
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value (`data` plus `:` and `,`).
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
