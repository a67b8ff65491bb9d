//! The rule engine: rule ids, severities and levels, findings with stable fingerprints, the
//! `Rule` trait and the one registry of rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::model::{Location, Model};
use crate::rules;
use crate::snapshot::Kind;

/// Every rule id. Ids are stable and kebab-case; the catalog file of each is `rules/<id>.yaml`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RuleId {
    CaseMismatch,
    UnknownValue,
    LegacyValue,
    MissingInIdp,
    Whitespace,
    Confusable,
    DuplicateValue,
    DisplayNameMismatch,
    EnumOneofMismatch,
    AttributeMissing,
    RoleDisabled,
    RoleMemberTypes,
    RoleValueInvalid,
    AssignmentInvalidType,
    AssignmentNoType,
    AssignmentAmbiguous,
    AssignmentDisabledRole,
    AssignmentOrphanRole,
    ProvisioningError,
    MemberTypeDrift,
    MemberUnmanaged,
    IgnoreExpired,
    IgnoreUnused,
}

impl RuleId {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn all() -> impl Iterator<Item = RuleId> {
        <RuleId as strum::IntoEnumIterator>::iter()
    }

    /// The severity findings of this rule get unless the config says otherwise.
    pub fn default_severity(self) -> Severity {
        use RuleId::*;
        match self {
            LegacyValue
            | MissingInIdp
            | DisplayNameMismatch
            | RoleDisabled
            | AssignmentNoType
            | AssignmentAmbiguous
            | AssignmentDisabledRole
            | IgnoreUnused => Severity::Warning,
            MemberTypeDrift | MemberUnmanaged => Severity::Note,
            CaseMismatch
            | UnknownValue
            | Whitespace
            | Confusable
            | DuplicateValue
            | EnumOneofMismatch
            | AttributeMissing
            | RoleMemberTypes
            | RoleValueInvalid
            | AssignmentInvalidType
            | AssignmentOrphanRole
            | ProvisioningError
            | IgnoreExpired => Severity::Error,
        }
    }

    /// Policy rules are about the configuration itself (its ignores), not about the snapshots.
    pub fn is_policy(self) -> bool {
        matches!(self, RuleId::IgnoreExpired | RuleId::IgnoreUnused)
    }

    /// The rule's catalog page (`rules/<id>.yaml`), compiled in.
    pub fn catalog_text(self) -> &'static str {
        use RuleId::*;
        match self {
            CaseMismatch => include_str!("../rules/case-mismatch.yaml"),
            UnknownValue => include_str!("../rules/unknown-value.yaml"),
            LegacyValue => include_str!("../rules/legacy-value.yaml"),
            MissingInIdp => include_str!("../rules/missing-in-idp.yaml"),
            Whitespace => include_str!("../rules/whitespace.yaml"),
            Confusable => include_str!("../rules/confusable.yaml"),
            DuplicateValue => include_str!("../rules/duplicate-value.yaml"),
            DisplayNameMismatch => include_str!("../rules/display-name-mismatch.yaml"),
            EnumOneofMismatch => include_str!("../rules/enum-oneof-mismatch.yaml"),
            AttributeMissing => include_str!("../rules/attribute-missing.yaml"),
            RoleDisabled => include_str!("../rules/role-disabled.yaml"),
            RoleMemberTypes => include_str!("../rules/role-member-types.yaml"),
            RoleValueInvalid => include_str!("../rules/role-value-invalid.yaml"),
            AssignmentInvalidType => include_str!("../rules/assignment-invalid-type.yaml"),
            AssignmentNoType => include_str!("../rules/assignment-no-type.yaml"),
            AssignmentAmbiguous => include_str!("../rules/assignment-ambiguous.yaml"),
            AssignmentDisabledRole => include_str!("../rules/assignment-disabled-role.yaml"),
            AssignmentOrphanRole => include_str!("../rules/assignment-orphan-role.yaml"),
            ProvisioningError => include_str!("../rules/provisioning-error.yaml"),
            MemberTypeDrift => include_str!("../rules/member-type-drift.yaml"),
            MemberUnmanaged => include_str!("../rules/member-unmanaged.yaml"),
            IgnoreExpired => include_str!("../rules/ignore-expired.yaml"),
            IgnoreUnused => include_str!("../rules/ignore-unused.yaml"),
        }
    }
}

/// How serious a finding is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

/// A level set in the config: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Note => Some(Severity::Note),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
            Level::Off => None,
        }
    }
}

/// A user or group affected by a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Principal {
    /// `user` or `group`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: Option<String>,
}

/// The principals affected by a finding: the full count and every item, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Principals {
    pub count: usize,
    pub items: Vec<Principal>,
}

impl Principals {
    /// Sorted, each principal once: a user reached through several records (directly and
    /// through a group, say) is one principal, named if any record names them.
    pub fn new(mut items: Vec<Principal>) -> Principals {
        items.sort();
        items.dedup_by(|later, kept| {
            let same = later.kind == kept.kind && later.id == kept.id;
            if same && kept.name.is_none() {
                kept.name = later.name.take();
            }
            same
        });
        Principals {
            count: items.len(),
            items,
        }
    }
}

/// What a rule reports; the engine turns it into a `Finding`.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub source: Option<Kind>,
    /// The exact offending string.
    pub value: String,
    pub expected: Option<String>,
    pub message: String,
    /// The exact fix: where to click or what to send.
    pub fix: String,
    /// Identity of the object at fault (role id, app + attribute, account type id), part of the
    /// fingerprint; never a line number or a file path.
    pub identity: String,
    pub location: Option<Location>,
    /// Overrides the rule's default severity for this finding (e.g. note for default types).
    pub severity: Option<Severity>,
    pub principals: Principals,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub source: Kind,
    pub value: String,
    pub expected: Option<String>,
    pub message: String,
    pub fix: String,
    pub fingerprint: String,
    pub location: Option<Location>,
    pub principals: Principals,
}

/// `sha256:<hex>` of rule, source, value and object identity.
pub fn fingerprint(rule: RuleId, source: Kind, value: &str, identity: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule.as_str(), <&str>::from(source), value, identity] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Collects a rule's drafts.
pub struct Findings<'a> {
    rule: RuleId,
    levels: &'a BTreeMap<RuleId, Level>,
    out: Vec<Finding>,
}

impl Findings<'_> {
    pub fn report(&mut self, draft: Draft) {
        let severity = match self.levels.get(&self.rule) {
            Some(level) => match level.severity() {
                Some(s) => s,
                None => return,
            },
            None => draft.severity.unwrap_or(self.rule.default_severity()),
        };
        let source = draft.source.unwrap_or(Kind::Sigma);
        self.out.push(Finding {
            rule: self.rule,
            severity,
            source,
            fingerprint: fingerprint(self.rule, source, &draft.value, &draft.identity),
            value: draft.value,
            expected: draft.expected,
            message: draft.message,
            fix: draft.fix,
            location: draft.location,
            principals: draft.principals,
        });
    }
}

/// A check over the model. Rules never fail: they only report.
pub trait Rule: Send + Sync {
    fn id(&self) -> RuleId;
    fn check(&self, model: &Model, out: &mut Findings<'_>);
    /// Policy rules report here, after the ignores of the config have been applied to every
    /// other finding. Rules about the snapshots leave it as it is.
    fn check_policy(&self, _model: &Model, _ignores: &IgnoreUse, _out: &mut Findings<'_>) {}
}

/// How the config's ignores fared in a run: what `ignore-expired` and `ignore-unused` read.
#[derive(Debug, Clone)]
pub struct IgnoreUse {
    /// The date ignores are judged against (`until` is the last day an ignore holds).
    pub today: Date,
    /// For each entry of `config.ignores`, how many findings it suppressed.
    pub matched: Vec<usize>,
}

/// A finding an ignore of the config suppressed, with the ignore's reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
}

/// What a run produced: the findings that count and the ones the config suppressed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
}

impl Outcome {
    pub fn summary(&self) -> Summary {
        Summary {
            suppressed: self.suppressed.len(),
            ..Summary::of(&self.findings)
        }
    }
}

/// Today's date (UTC), what `until` of an ignore is compared with outside of tests.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Runs every registered rule that is not turned off, and returns the findings sorted by
/// severity (most serious first), rule, source and value. Ignores are judged against today.
pub fn run(model: &Model) -> Vec<Finding> {
    run_at(model, today()).findings
}

/// Runs every rule, applies the config's ignores as of `today`, then runs the policy rules on
/// how the ignores fared.
pub fn run_at(model: &Model, today: Date) -> Outcome {
    let levels = &model.config.levels;
    let active: Vec<&dyn Rule> = rules::registry()
        .iter()
        .copied()
        .filter(|rule| levels.get(&rule.id()) != Some(&Level::Off))
        .collect();
    let mut all = Vec::new();
    for rule in &active {
        let mut sink = Findings {
            rule: rule.id(),
            levels,
            out: Vec::new(),
        };
        rule.check(model, &mut sink);
        all.append(&mut sink.out);
    }

    let ignores = &model.config.ignores;
    let mut usage = IgnoreUse {
        today,
        matched: vec![0; ignores.len()],
    };
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    for f in all {
        let hit = ignores
            .iter()
            .enumerate()
            .find(|(_, ig)| !ig.is_expired(today) && ig.matches(&f));
        match hit {
            Some((i, ig)) => {
                usage.matched[i] += 1;
                suppressed.push(Suppressed {
                    finding: f,
                    reason: ig.reason.clone(),
                });
            }
            None => findings.push(f),
        }
    }

    for rule in &active {
        let mut sink = Findings {
            rule: rule.id(),
            levels,
            out: Vec::new(),
        };
        rule.check_policy(model, &usage, &mut sink);
        findings.append(&mut sink.out);
    }
    model.resolve_locations(
        findings
            .iter_mut()
            .map(|f| &mut f.location)
            .chain(suppressed.iter_mut().map(|s| &mut s.finding.location)),
    );
    sort(&mut findings);
    suppressed.sort_by(|a, b| compare(&a.finding, &b.finding));
    Outcome {
        findings,
        suppressed,
    }
}

fn compare(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then(a.rule.cmp(&b.rule))
        .then(a.source.cmp(&b.source))
        .then(a.value.cmp(&b.value))
        .then(a.fingerprint.cmp(&b.fingerprint))
}

/// The order findings are reported in.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(compare);
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    pub suppressed: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Note => s.note += 1,
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, name: Option<&str>) -> Principal {
        Principal {
            kind: "user",
            id: id.into(),
            name: name.map(str::to_string),
        }
    }

    #[test]
    fn a_principal_reached_through_several_records_counts_once() {
        let p = Principals::new(vec![
            user("u2", Some("b@example.com")),
            user("u1", None),
            user("u1", Some("Ann")),
            user("u1", Some("ann@example.com")),
            Principal {
                kind: "group",
                id: "u1".into(),
                name: None,
            },
        ]);
        assert_eq!(p.count, 3);
        assert_eq!(
            p.items,
            vec![
                Principal {
                    kind: "group",
                    id: "u1".into(),
                    name: None
                },
                user("u1", Some("Ann")),
                user("u2", Some("b@example.com")),
            ]
        );
    }
}
