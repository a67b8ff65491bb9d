//! `unknown-value`: an IdP value matches no Sigma account type at all.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::matching::Verdict;
use crate::model::Model;

use super::{also, fix_value, q, sends};

pub struct UnknownValue;

impl Rule for UnknownValue {
    fn id(&self) -> RuleId {
        RuleId::UnknownValue
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        for v in model.values() {
            let Verdict::Unknown {
                suggestion,
                differences,
            } = &v.verdict
            else {
                continue;
            };
            let expected = suggestion.map(|i| model.account_types[i].expected.clone());
            let mut message = format!("{} but Sigma has no such account type", sends(v));
            match &expected {
                Some(e) => message.push_str(&format!(" (nearest: {})", q(e))),
                None => message.push_str(" and none is close"),
            }
            message.push_str(&also(differences));
            if !v.is_text {
                message.push_str("; the enum member is a number, not a string");
            }
            let fix = match &expected {
                Some(e) => fix_value(model, v, e),
                None => format!(
                    "Create the account type {} in Sigma (Administration → Account types), or remove the value from the IdP",
                    q(&v.sent)
                ),
            };
            out.report(Draft {
                source: Some(v.source),
                value: v.sent.clone(),
                expected,
                message,
                fix,
                identity: v.identity.clone(),
                location: v.location.clone(),
                ..Draft::default()
            });
        }
    }
}
