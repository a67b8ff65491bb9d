//! Baselines: the findings accepted at one point in time, recorded by fingerprint, so a check
//! fails only on what is new and reports what has been fixed since.
//!
//! Fingerprints hash rule, source, value and object identity, never a line number or a snapshot
//! path, so a baseline survives reformatted or moved snapshot files.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::Finding;
use crate::error::{Error, Result};
use crate::snapshot::write_atomic;

/// The baseline file format version this build reads and writes.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema_version: u32,
    pub findings: Vec<Entry>,
}

/// One accepted finding. Only the fingerprint is matched; the rest tells a reader what it was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub source: String,
    pub value: String,
    pub message: String,
}

impl Baseline {
    /// The baseline of `findings`, in fingerprint order (one entry per fingerprint).
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.to_string(),
                source: f.source.to_string(),
                value: f.value.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            schema_version: BASELINE_VERSION,
            findings: entries,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            let position = (e.line() > 0)
                .then(|| crate::yaml::Position::at(&text, e.line(), e.column().max(1)));
            Error::at(
                path,
                &text,
                position,
                format!("{} is not a baseline file: {e}", path.display()),
                "here",
                Some("write one with `sigma-idp-lint check --write-baseline FILE`".into()),
            )
        })?;
        if baseline.schema_version != BASELINE_VERSION {
            return Err(Error::usage(
                format!(
                    "{} has baseline schema_version {}, this build reads {BASELINE_VERSION}",
                    path.display(),
                    baseline.schema_version
                ),
                Some("write it again with `sigma-idp-lint check --write-baseline FILE`".into()),
            ));
        }
        Ok(baseline)
    }

    /// Writes the baseline atomically, as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::usage(format!("cannot serialize the baseline: {e}"), None))?;
        text.push('\n');
        write_atomic(path, text.as_bytes())
    }

    /// Splits `findings` into the new ones (returned) and those the baseline already holds, and
    /// lists the baseline entries no finding matches any more.
    pub fn apply(&self, file: &Path, findings: Vec<Finding>) -> (Vec<Finding>, BaselineCheck) {
        let known: BTreeSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let current: BTreeSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
        let fixed: Vec<Entry> = self
            .findings
            .iter()
            .filter(|e| !current.contains(e.fingerprint.as_str()))
            .cloned()
            .collect();
        let (old, new): (Vec<Finding>, Vec<Finding>) = findings
            .into_iter()
            .partition(|f| known.contains(f.fingerprint.as_str()));
        (
            new,
            BaselineCheck {
                file: file.display().to_string(),
                unchanged: old.len(),
                fixed,
            },
        )
    }
}

/// How the current findings compare with a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineCheck {
    /// The baseline file, as given.
    pub file: String,
    /// Findings the baseline already holds: reported as neither new nor failing.
    pub unchanged: usize,
    /// Baseline entries no current finding matches: fixed since the baseline was written.
    pub fixed: Vec<Entry>,
}
