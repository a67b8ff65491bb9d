//! The rule catalog: `rules/<id>.yaml`, one page per rule, compiled into the binary. `explain`
//! prints it, SARIF rule descriptors come from it, and its examples are executed by the tests.

use serde::Deserialize;
use time::Date;
use time::macros::date;

use crate::config::{Config, parse_date};
use crate::engine::{self, Finding, RuleId, Severity};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::snapshot::{self, Kind, SCHEMA_VERSION};
use crate::yaml::{self, Value};

/// One rule's catalog page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub id: String,
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// Why it breaks provisioning.
    pub why: String,
    pub fix: Fix,
    pub examples: Vec<Example>,
}

/// How to fix it, per system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub sigma: Option<String>,
    pub okta: Option<String>,
    pub entra: Option<String>,
}

/// The date examples run on unless they say `today:` (the day their snapshots are taken).
pub const EXAMPLE_TODAY: Date = date!(2026 - 12 - 04);

/// An executable example: snapshot bodies (without the `kind` / `schema_version` / `taken_at` /
/// `origin` header, which the runner adds) and what the rule must report on them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    /// `bad` (the rule fires) or `good` (it stays silent).
    pub kind: ExampleKind,
    /// For bad examples: the `value` of every finding the rule must report, in any order.
    #[serde(default)]
    pub findings: Vec<String>,
    #[serde(default)]
    pub config: Option<Value>,
    /// The date ignores of `config` are judged against (`YYYY-MM-DD`); default
    /// [`EXAMPLE_TODAY`], so examples never depend on the clock.
    #[serde(default)]
    pub today: Option<String>,
    pub sigma: Value,
    #[serde(default)]
    pub okta: Option<Value>,
    #[serde(default)]
    pub azure: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    Bad,
    Good,
}

impl RuleId {
    /// The parsed catalog page.
    pub fn catalog(self) -> Result<CatalogEntry> {
        let path = std::path::PathBuf::from(format!("rules/{self}.yaml"));
        let text = self.catalog_text();
        yaml::from_str(text).map_err(|e| Error::yaml(&path, text, e, None))
    }
}

impl Example {
    /// Runs every rule over the example and returns the findings of `rule`.
    pub fn run(&self, rule: RuleId) -> Result<Vec<Finding>> {
        let mut loaded = Vec::new();
        for (kind, body) in [
            (Kind::Sigma, Some(&self.sigma)),
            (Kind::Okta, self.okta.as_ref()),
            (Kind::Azure, self.azure.as_ref()),
        ] {
            let Some(body) = body else { continue };
            let mut map = yaml::Mapping::new();
            map.insert("kind".into(), kind.to_string().into());
            map.insert("schema_version".into(), u64::from(SCHEMA_VERSION).into());
            map.insert("taken_at".into(), "2026-12-04T10:00:00Z".into());
            map.insert("origin".into(), format!("example:{}", self.name).into());
            if let Value::Mapping(body) = body {
                for (k, v) in body {
                    map.insert(k.clone(), v.clone());
                }
            }
            let text =
                yaml::to_string(&Value::Mapping(map)).map_err(|e| Error::usage(e.message, None))?;
            let path = std::path::PathBuf::from(format!("rules/{rule}.yaml#{}/{kind}", self.name));
            loaded.push(snapshot::parse(&path, &text)?);
        }
        let config = match &self.config {
            Some(c) => {
                let text = yaml::to_string(c).map_err(|e| Error::usage(e.message, None))?;
                Config::parse(std::path::Path::new("example-config.yaml"), &text)?
            }
            None => Config::default(),
        };
        let today = match &self.today {
            Some(t) => parse_date(t).ok_or_else(|| {
                Error::usage(
                    format!(
                        "example `{}`: bad `today: {t}` (expected YYYY-MM-DD)",
                        self.name
                    ),
                    None,
                )
            })?,
            None => EXAMPLE_TODAY,
        };
        let model = Model::build(loaded, config)?;
        Ok(engine::run_at(&model, today)
            .findings
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect())
    }
}

/// The catalog page as text, for `explain`.
pub fn render(entry: &CatalogEntry) -> String {
    let mut out = String::new();
    out.push_str(&format!("{} ({})\n", entry.id, entry.severity));
    out.push_str(&format!("  {}\n\n", entry.summary.trim()));
    out.push_str("Why it breaks provisioning\n");
    out.push_str(&indent(&entry.why));
    out.push_str("\nHow to fix it\n");
    for (who, text) in [
        ("Sigma", &entry.fix.sigma),
        ("Okta", &entry.fix.okta),
        ("Entra", &entry.fix.entra),
    ] {
        if let Some(t) = text {
            out.push_str(&format!("  {who}:\n"));
            out.push_str(&indent(&indent(t)));
        }
    }
    out.push_str("\nExamples\n");
    for ex in &entry.examples {
        let mark = match ex.kind {
            ExampleKind::Bad => "bad ",
            ExampleKind::Good => "good",
        };
        out.push_str(&format!("  [{mark}] {}\n", ex.name));
        for (kind, body) in [
            ("sigma", Some(&ex.sigma)),
            ("okta", ex.okta.as_ref()),
            ("azure", ex.azure.as_ref()),
            ("config", ex.config.as_ref()),
        ] {
            if let Some(body) = body
                && let Ok(text) = yaml::to_string(body)
            {
                out.push_str(&format!("    {kind}:\n"));
                out.push_str(&indent(&indent(&indent(&text))));
            }
        }
    }
    out
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}
