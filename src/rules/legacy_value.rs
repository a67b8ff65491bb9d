//! `legacy-value`: an IdP value is a legacy default alias that is no account type of this org.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::matching::Verdict;
use crate::model::Model;

use super::{also, q, sends};

pub struct LegacyValue;

impl Rule for LegacyValue {
    fn id(&self) -> RuleId {
        RuleId::LegacyValue
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        for v in model.values() {
            let Verdict::Legacy { alias, differences } = &v.verdict else {
                continue;
            };
            let defaults: Vec<String> = model
                .account_types
                .iter()
                .filter(|t| !t.is_custom)
                .map(|t| q(&t.expected))
                .collect();
            out.report(Draft {
                source: Some(v.source),
                value: v.sent.clone(),
                expected: None,
                message: format!(
                    "{}, the legacy alias {} that is no account type of this org: Sigma may still accept it, but it is drift{}",
                    sends(v),
                    q(alias),
                    also(differences)
                ),
                fix: format!(
                    "Replace it with one of this org's default types ({}) and move its users over",
                    defaults.join(", ")
                ),
                identity: v.identity.clone(),
                location: v.location.clone(),
                ..Draft::default()
            });
        }
    }
}
