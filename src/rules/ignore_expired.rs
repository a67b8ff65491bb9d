//! `ignore-expired`: an ignore of the config is past its `until` date. It no longer suppresses
//! anything, so the drift it covered is reported again, and the stale entry is reported too.

use crate::engine::{Draft, Findings, IgnoreUse, Rule, RuleId};
use crate::model::Model;

use super::q;

pub struct IgnoreExpired;

impl Rule for IgnoreExpired {
    fn id(&self) -> RuleId {
        RuleId::IgnoreExpired
    }

    fn check(&self, _: &Model, _: &mut Findings<'_>) {}

    fn check_policy(&self, model: &Model, ignores: &IgnoreUse, out: &mut Findings<'_>) {
        for ig in &model.config.ignores {
            let Some(until) = ig.until.filter(|_| ig.is_expired(ignores.today)) else {
                continue;
            };
            out.report(Draft {
                source: ig.source,
                value: ig.value.clone().unwrap_or_else(|| ig.rule.to_string()),
                message: format!(
                    "the ignore of {} expired on {until} (reason given: {}); it no longer suppresses anything",
                    ig.describe(),
                    q(&ig.reason)
                ),
                fix: "Fix the drift the ignore covered and remove the entry, or, if the exception still holds, move `until` forward and update `reason`".into(),
                identity: super::ignore_identity(ig),
                location: ig.until_location.clone().or_else(|| ig.location.clone()),
                ..Draft::default()
            });
        }
    }
}
