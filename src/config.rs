//! `sigma-idp-lint.yaml`: sources, rule levels and value maps. Found in the working folder or
//! its parents, or given with `-c`. Secrets never live here: they come from the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use crate::engine::{Level, RuleId};
use crate::error::{Error, Result};
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
    /// Rule id → level, validated into `levels`.
    #[serde(default, rename = "rules")]
    raw_rules: BTreeMap<String, String>,
    #[serde(skip)]
    pub levels: BTreeMap<RuleId, Level>,
    /// Where the config was read from, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
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
                Error::yaml(
                    path,
                    text,
                    e,
                    Some("see the configuration section of the README".into()),
                )
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
        config.path = Some(path.to_path_buf());
        Ok(config)
    }
}
