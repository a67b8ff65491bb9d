//! `--format junit`: JUnit XML for CI dashboards (GitLab `artifacts:reports:junit`, Jenkins,
//! Azure DevOps). One test suite per checked source and one for the config's policy rules; one
//! test case per rule in each. A test case fails when it has findings at or above `--fail-on`
//! (every one of them in the failure text); findings below the threshold are listed in its
//! `system-out`. Rules turned off in the config are skipped test cases.

use std::io::{self, Write};

use crate::engine::{Finding, Level, RuleId};
use crate::rules::q;

use super::{Report, Reporter, Style};

pub struct Junit;

struct Case<'a> {
    rule: RuleId,
    off: bool,
    failing: Vec<&'a Finding>,
    passing: Vec<&'a Finding>,
}

struct Suite<'a> {
    name: String,
    cases: Vec<Case<'a>>,
}

impl Reporter for Junit {
    fn write(&self, report: &Report<'_>, _: Style, out: &mut dyn Write) -> io::Result<()> {
        let levels = &report.model.config.levels;
        let case = |rule: RuleId, keep: &dyn Fn(&Finding) -> bool| {
            let (failing, passing) = report
                .findings
                .iter()
                .filter(|f| f.rule == rule && keep(f))
                .partition(|f| report.fails_on(f));
            Case {
                rule,
                off: levels.get(&rule) == Some(&Level::Off),
                failing,
                passing,
            }
        };
        let mut suites: Vec<Suite<'_>> = report
            .model
            .sources
            .iter()
            .map(|s| Suite {
                name: s.kind.to_string(),
                cases: RuleId::all()
                    .filter(|r| !r.is_policy())
                    .map(|r| case(r, &|f: &Finding| f.source == s.kind))
                    .collect(),
            })
            .collect();
        suites.push(Suite {
            name: "config".into(),
            cases: RuleId::all()
                .filter(|r| r.is_policy())
                .map(|r| case(r, &|_: &Finding| true))
                .collect(),
        });

        let count = |pred: &dyn Fn(&Case<'_>) -> bool| {
            suites
                .iter()
                .flat_map(|s| &s.cases)
                .filter(|c| pred(c))
                .count()
        };
        let tests = count(&|_| true);
        let failures = count(&|c| !c.failing.is_empty());
        let skipped = count(&|c| c.off);

        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="{}" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#,
            env!("CARGO_PKG_NAME")
        )?;
        for suite in &suites {
            let failures = suite.cases.iter().filter(|c| !c.failing.is_empty()).count();
            let skipped = suite.cases.iter().filter(|c| c.off).count();
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}">"#,
                escape(&suite.name),
                suite.cases.len()
            )?;
            for c in &suite.cases {
                let open = format!(
                    r#"    <testcase classname="{}.{}" name="{}""#,
                    env!("CARGO_PKG_NAME"),
                    escape(&suite.name),
                    c.rule
                );
                if c.off {
                    writeln!(out, "{open}>")?;
                    writeln!(
                        out,
                        r#"      <skipped message="turned off in the config"/>"#
                    )?;
                    writeln!(out, "    </testcase>")?;
                    continue;
                }
                if c.failing.is_empty() && c.passing.is_empty() {
                    writeln!(out, "{open}/>")?;
                    continue;
                }
                writeln!(out, "{open}>")?;
                if !c.failing.is_empty() {
                    let n = c.failing.len();
                    writeln!(
                        out,
                        r#"      <failure message="{n} finding{}" type="{}">{}</failure>"#,
                        if n == 1 { "" } else { "s" },
                        c.rule,
                        escape(&listing(report, &c.failing))
                    )?;
                }
                if !c.passing.is_empty() {
                    writeln!(
                        out,
                        "      <system-out>{}</system-out>",
                        escape(&listing(report, &c.passing))
                    )?;
                }
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

/// One block per finding: severity, value and place, message, fix.
fn listing(report: &Report<'_>, findings: &[&Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let place = f
            .location
            .as_ref()
            .map(|l| format!(" at {}:{}:{}", report.file_name(&l.file), l.line, l.column))
            .unwrap_or_default();
        s.push_str(&format!(
            "{} {} {}{place}\n{}\nfix: {}\n\n",
            f.severity,
            f.source,
            q(&f.value),
            f.message,
            f.fix
        ));
    }
    s.trim_end().to_string()
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 cannot hold.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}
