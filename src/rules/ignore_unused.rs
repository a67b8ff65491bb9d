//! `ignore-unused`: an ignore of the config (still in force) matched no finding. The drift it
//! accepted is gone, or the entry names the wrong rule, source or value.

use crate::engine::{Draft, Findings, IgnoreUse, Rule, RuleId};
use crate::model::Model;

use super::q;

pub struct IgnoreUnused;

impl Rule for IgnoreUnused {
    fn id(&self) -> RuleId {
        RuleId::IgnoreUnused
    }

    fn check(&self, _: &Model, _: &mut Findings<'_>) {}

    fn check_policy(&self, model: &Model, ignores: &IgnoreUse, out: &mut Findings<'_>) {
        for (ig, &matched) in model.config.ignores.iter().zip(&ignores.matched) {
            if matched > 0 || ig.is_expired(ignores.today) {
                continue;
            }
            out.report(Draft {
                source: ig.source,
                value: ig.value.clone().unwrap_or_else(|| ig.rule.to_string()),
                message: format!(
                    "the ignore of {} matched no finding (reason given: {})",
                    ig.describe(),
                    q(&ig.reason)
                ),
                fix: "Remove the entry from `ignores:` if the drift is fixed; otherwise correct its `rule`, `source` or `value` (values match exactly, case included)".into(),
                identity: super::ignore_identity(ig),
                location: ig.location.clone(),
                ..Draft::default()
            });
        }
    }
}
