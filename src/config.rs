//! `sigma-idp-lint.yaml`: sources, rule levels and value maps. Found in the working folder or
//! its parents, or given with `-c`. Secrets never live here: they come from the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use std::sync::Arc;

use serde::Deserialize;
use time::Date;
use time::macros::format_description;

use crate::engine::{Finding, Level, RuleId};
use crate::error::{Error, Result};
use crate::excerpt::Excerpt;
use crate::model::Location;
use crate::snapshot::Kind;
use crate::suggest::closest;
use crate::yaml::{self, Locations};

/// The config file name looked up in the working folder and its parents.
pub const FILE_NAME: &str = "sigma-idp-lint.yaml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub sigma: SigmaConfig,
    #[serde(default)]
    pub okta: OktaConfig,
    #[serde(default)]
    pub azure: AzureConfig,
    /// How live sources are fetched (timeouts, retries, limits).
    #[serde(default)]
    pub fetch: FetchConfig,
    /// Rule id → level, validated into `levels`.
    #[serde(default, rename = "rules")]
    raw_rules: BTreeMap<String, String>,
    #[serde(skip)]
    pub levels: BTreeMap<RuleId, Level>,
    /// Accepted findings, validated into `ignores`.
    #[serde(default, rename = "ignores")]
    raw_ignores: Vec<RawIgnore>,
    #[serde(skip)]
    pub ignores: Vec<Ignore>,
    /// Where the config was read from, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// One `ignores:` entry as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    rule: Option<String>,
    source: Option<String>,
    value: Option<String>,
    reason: Option<String>,
    until: Option<yaml::Value>,
}

/// An accepted finding: findings of `rule` (from `source`, with `value`, when those are given)
/// are suppressed, with `reason`, until the end of the day `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub rule: RuleId,
    pub source: Option<Kind>,
    pub value: Option<String>,
    pub reason: String,
    /// The last day the ignore holds; from the day after, it stops suppressing.
    pub until: Option<Date>,
    /// The entry in the config file (its `rule:` key).
    pub location: Option<Location>,
    /// The entry's `until:` value in the config file.
    pub until_location: Option<Location>,
}

impl Ignore {
    pub fn is_expired(&self, today: Date) -> bool {
        self.until.is_some_and(|u| today > u)
    }

    pub fn matches(&self, finding: &Finding) -> bool {
        finding.rule == self.rule
            && self.source.is_none_or(|s| s == finding.source)
            && self.value.as_deref().is_none_or(|v| v == finding.value)
    }

    /// `case-mismatch` for okta "Essential": how findings and messages name the entry.
    pub fn describe(&self) -> String {
        let mut d = format!("`{}`", self.rule);
        if let Some(s) = self.source {
            d.push_str(&format!(" from {s}"));
        }
        if let Some(v) = &self.value {
            d.push_str(&format!(" on {}", crate::rules::q(v)));
        }
        d
    }
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigmaConfig {
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaConfig {
    pub org_url: Option<String>,
    pub app_id: Option<String>,
    pub app_label: Option<String>,
    /// The app user schema variable holding the account type (default `userType`).
    pub attribute: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureConfig {
    pub tenant_id: Option<String>,
    pub authority_host: Option<String>,
    pub graph_url: Option<String>,
    pub sigma_app_id: Option<String>,
    /// The provisioning mapping's `Switch()` table: the string sent to Sigma (the account type as
    /// Sigma expects it) → the app role value that selects it. Empty means the role value is sent
    /// as it is (`SingleAppRoleAssignment([appRoleAssignments])`).
    #[serde(default)]
    pub value_map: BTreeMap<String, String>,
}

/// HTTP limits for live sources; every key is optional (defaults in `fetch::Options`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchConfig {
    /// Seconds to wait for a connection (default 10).
    pub connect_timeout: Option<f64>,
    /// Seconds to wait for one response (default 30).
    pub timeout: Option<f64>,
    /// Seconds one source may take in all, retries included (default 600).
    pub deadline: Option<f64>,
    /// Retries of one request (default: the vendor's policy, 4 for Okta, 5 otherwise).
    pub max_retries: Option<u32>,
    /// Largest response body accepted, in MiB (default 64).
    pub max_response_mb: Option<u64>,
    /// Multiplies every retry wait (default 1; emulators and tests use a small value).
    pub wait_scale: Option<f64>,
}

impl AzureConfig {
    /// The string provisioning sends for an app role `value`: the value map's key when the map
    /// names the role value, else the value itself.
    pub fn sent_value<'a>(&'a self, role_value: &'a str) -> &'a str {
        self.value_map
            .iter()
            .find(|(_, v)| v.as_str() == role_value)
            .map_or(role_value, |(k, _)| k.as_str())
    }
}

impl Config {
    /// Reads `-c FILE` when given, else the first `sigma-idp-lint.yaml` in `cwd` or its parents,
    /// else the defaults.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Config> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        for dir in cwd.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let mut config: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            yaml::from_str(text).map_err(|e| {
                let help = Some("see the configuration section of the README".into());
                if e.message.contains("unknown field") {
                    Error::at(
                        path,
                        text,
                        e.position,
                        format!("unknown key in {}: {}", path.display(), e.message),
                        "unknown key",
                        help,
                    )
                } else {
                    Error::yaml(path, text, e, help)
                }
            })?
        };
        let locations = Locations::index(text);
        for (id, level) in &config.raw_rules {
            let key = format!("rules.{id}");
            let rule = RuleId::from_str(id).map_err(|_| {
                let help = closest(id, RuleId::all().map(|r| r.as_str()))
                    .map(|c| format!("did you mean `{c}`? `sigma-idp-lint rules` lists them all"))
                    .or_else(|| Some("`sigma-idp-lint rules` lists every rule id".into()));
                Error::at(
                    path,
                    text,
                    locations.key(&key),
                    format!("unknown rule id `{id}` in {}", path.display()),
                    "unknown rule",
                    help,
                )
            })?;
            let level = Level::from_str(level).map_err(|_| {
                Error::at(
                    path,
                    text,
                    locations.get(&key),
                    format!("bad level `{level}` for rule `{id}` in {}", path.display()),
                    "bad level",
                    Some("expected one of: error, warning, note, off".into()),
                )
            })?;
            config.levels.insert(rule, level);
        }
        let raw = std::mem::take(&mut config.raw_ignores);
        for (i, entry) in raw.into_iter().enumerate() {
            let ignore = validate_ignore(path, text, &locations, i, entry)?;
            config.ignores.push(ignore);
        }
        config.path = Some(path.to_path_buf());
        Ok(config)
    }
}

fn validate_ignore(
    path: &Path,
    text: &str,
    locations: &Locations,
    i: usize,
    entry: RawIgnore,
) -> Result<Ignore> {
    let at = |key: &str| {
        let node = format!("ignores[{i}]");
        if key.is_empty() {
            locations.get(&node)
        } else {
            locations
                .get(&format!("{node}.{key}"))
                .or_else(|| locations.get(&node))
        }
    };
    let locate = |key: &str| {
        at(key).map(|p| Location {
            file: path.display().to_string(),
            line: p.line,
            column: p.column,
            offset: p.offset,
            pending: None,
            excerpt: Some(Arc::new(Excerpt::around(text, p))),
        })
    };
    let err = |key: &str, message: String, label: &str, help: Option<String>| {
        Error::at(path, text, at(key), message, label, help)
    };
    let rule_key = locations.key(&format!("ignores[{i}].rule"));
    let file = path.display();

    let Some(rule_text) = entry.rule else {
        return Err(err(
            "",
            format!("ignore entry {} in {file} has no `rule`", i + 1),
            "needs `rule:`",
            Some("an ignore names the rule it accepts: `- rule: case-mismatch`".into()),
        ));
    };
    let rule = RuleId::from_str(&rule_text).map_err(|_| {
        let help = closest(&rule_text, RuleId::all().map(|r| r.as_str()))
            .map(|c| format!("did you mean `{c}`? `sigma-idp-lint rules` lists them all"))
            .or_else(|| Some("`sigma-idp-lint rules` lists every rule id".into()));
        err(
            "rule",
            format!("unknown rule id `{rule_text}` in an ignore in {file}"),
            "unknown rule",
            help,
        )
    })?;
    if rule.is_policy() {
        return Err(err(
            "rule",
            format!("`{rule}` cannot be ignored (in {file})"),
            "policy rule",
            Some(format!(
                "fix or remove the ignore it is about, or turn it off: `rules: {{ {rule}: off }}`"
            )),
        ));
    }
    let source = match entry.source {
        None => None,
        Some(s) => Some(Kind::from_str(&s).map_err(|_| {
            err(
                "source",
                format!("unknown source `{s}` in an ignore in {file}"),
                "unknown source",
                Some("expected one of: sigma, okta, azure".into()),
            )
        })?),
    };
    let reason = match entry.reason {
        Some(r) if !r.trim().is_empty() => r.trim().to_string(),
        Some(_) => {
            return Err(err(
                "reason",
                format!("the ignore of `{rule}` in {file} has an empty `reason`"),
                "empty reason",
                Some("say why the finding is accepted (a ticket, an owner)".into()),
            ));
        }
        None => {
            return Err(Error::at(
                path,
                text,
                rule_key.or_else(|| at("")),
                format!("the ignore of `{rule}` in {file} has no `reason`"),
                "this ignore needs `reason:`",
                Some(
                    "say why the finding is accepted (a ticket, an owner): `reason: \"SEC-123, Okta change scheduled\"`"
                        .into(),
                ),
            ));
        }
    };
    let until = match entry.until {
        None => None,
        Some(v) => {
            let shown = match &v {
                yaml::Value::String(s) => s.clone(),
                other => yaml::to_string(other)
                    .map(|t| t.trim().to_string())
                    .unwrap_or_default(),
            };
            let date = match &v {
                yaml::Value::String(s) => parse_date(s),
                _ => None,
            };
            Some(date.ok_or_else(|| {
                err(
                    "until",
                    format!("bad date `{shown}` for `until` in {file}"),
                    "bad date",
                    Some("write the last day the ignore holds as YYYY-MM-DD, e.g. `until: 2027-03-31`".into()),
                )
            })?)
        }
    };
    Ok(Ignore {
        rule,
        source,
        value: entry.value,
        reason,
        until,
        location: locate("rule"),
        until_location: if until.is_some() {
            locate("until")
        } else {
            None
        },
    })
}
