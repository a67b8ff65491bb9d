//! `--format sarif`: SARIF 2.1.0, for code scanning (GitHub `upload-sarif`, GitLab, Azure DevOps).
//!
//! One rule descriptor per rule, from its catalog page; one result per finding with its level,
//! message, the place in the snapshot file when there is one, and our fingerprint as
//! `partialFingerprints`. Suppressed findings are results with an external suppression carrying
//! the ignore's reason; with `--baseline`, results say `new` and fixed entries come as `absent`.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::catalog;
use crate::engine::{Finding, RuleId, Severity};

use super::{Report, Reporter, Style};

pub struct Sarif;

/// The `partialFingerprints` key of our fingerprint (versioned, as SARIF recommends).
pub const FINGERPRINT_KEY: &str = "sigmaIdpLint/v1";

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

impl Reporter for Sarif {
    fn write(&self, report: &Report<'_>, _: Style, out: &mut dyn Write) -> io::Result<()> {
        let rules: Vec<RuleId> = RuleId::all().collect();
        let index = |r: RuleId| rules.iter().position(|x| *x == r).unwrap_or(0);
        let baseline_state = |state: &str| report.baseline.map(|_| json!(state));

        let mut results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let mut r = result(report, f, index(f.rule));
                if let Some(s) = baseline_state("new") {
                    r["baselineState"] = s;
                }
                r
            })
            .collect();
        for s in report.suppressed {
            let mut r = result(report, &s.finding, index(s.finding.rule));
            r["suppressions"] = json!([{ "kind": "external", "justification": s.reason }]);
            results.push(r);
        }
        if let Some(b) = report.baseline {
            for e in &b.fixed {
                let mut r = json!({
                    "level": "none",
                    "message": { "text": format!("fixed since the baseline: {}", e.message) },
                    "partialFingerprints": { FINGERPRINT_KEY: e.fingerprint },
                    "baselineState": "absent",
                });
                match e.rule.parse::<RuleId>() {
                    Ok(id) => {
                        r["ruleId"] = json!(id.as_str());
                        r["ruleIndex"] = json!(index(id));
                    }
                    Err(_) => r["ruleId"] = json!(e.rule),
                }
                results.push(r);
            }
        }

        let doc = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|r| descriptor(*r)).collect::<Vec<_>>(),
                }},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The rule descriptor, from the rule's catalog page.
fn descriptor(id: RuleId) -> Value {
    let mut d = json!({
        "id": id.as_str(),
        "name": pascal(id.as_str()),
        "defaultConfiguration": { "level": level(id.default_severity()) },
        "properties": { "tags": [if id.is_policy() { "policy" } else { "drift" }] },
    });
    // A page that does not parse is caught by tests/catalog.rs; the descriptor then names the
    // rule only, rather than failing the whole report.
    if let Ok(entry) = id.catalog() {
        d["shortDescription"] = json!({ "text": entry.summary.trim() });
        d["fullDescription"] = json!({ "text": entry.why.trim() });
        let mut help = String::new();
        for (who, text) in [
            ("Sigma", &entry.fix.sigma),
            ("Okta", &entry.fix.okta),
            ("Entra", &entry.fix.entra),
        ] {
            if let Some(t) = text {
                help.push_str(&format!("{who}: {}\n", t.trim()));
            }
        }
        let rendered = catalog::render(&entry);
        d["help"] = json!({ "text": help.trim_end(), "markdown": format!("```\n{}```", rendered) });
    } else {
        d["shortDescription"] = json!({ "text": id.as_str() });
    }
    d
}

fn result(report: &Report<'_>, f: &Finding, rule_index: usize) -> Value {
    let mut r = json!({
        "ruleId": f.rule.as_str(),
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": format!("{} Fix: {}", f.message, f.fix) },
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": {
            "source": f.source,
            "value": f.value,
            "expected": f.expected,
        },
    });
    if let Some(loc) = &f.location {
        r["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&report.file_name(&loc.file)) },
                "region": { "startLine": loc.line, "startColumn": loc.column },
            }
        }]);
    }
    r
}

/// `case-mismatch` → `CaseMismatch`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative file name as a URI reference: characters outside the unreserved set and `/` are
/// percent-encoded.
fn uri(file: &str) -> String {
    let mut out = String::new();
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
