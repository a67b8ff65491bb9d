//! `display-name-mismatch`: an Okta attribute member's Display name differs from its Value.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::matching::Verdict;
use crate::model::Model;

use super::q;

pub struct DisplayNameMismatch;

impl Rule for DisplayNameMismatch {
    fn id(&self) -> RuleId {
        RuleId::DisplayNameMismatch
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(okta) = &model.okta else { return };
        let Some(attr) = &okta.snapshot.attribute else {
            return;
        };
        let source = &model.sources[okta.source];
        for (i, m) in attr.one_of.iter().flatten().enumerate() {
            let value = m.value.as_text();
            if m.title == value {
                continue;
            }
            // The type the Value is meant for (exactly, nearly, or as the nearest to a typo): a
            // Display name equal to its name or its expected value is right, whatever is wrong
            // with the Value itself (that is the value rules' finding). A default type's Value is
            // lower case while its Display name is the type's name (`Essential` / `essential`):
            // that is how Sigma documents it.
            let meant = okta
                .values
                .iter()
                .find(|v| v.held == value)
                .and_then(|v| match v.verdict {
                    Verdict::Unknown { suggestion, .. } => suggestion,
                    _ => v.verdict.target(),
                })
                .map(|t| &model.account_types[t]);
            if meant.is_some_and(|t| m.title == t.name || m.title == t.expected) {
                continue;
            }
            let expected = meant.map_or_else(|| value.clone(), |t| t.name.clone());
            out.report(Draft {
                source: Some(crate::snapshot::Kind::Okta),
                value: m.title.clone(),
                expected: Some(expected.clone()),
                message: format!(
                    "Okta's Display name {} differs from its Value {}: admins assigning {} get {} in Sigma",
                    q(&m.title),
                    q(&value),
                    q(&m.title),
                    q(&value)
                ),
                fix: format!(
                    "In Okta's Profile Editor, rename the Display name {} to {}",
                    q(&m.title),
                    q(&expected)
                ),
                identity: format!("{}/{}#title", okta.snapshot.app.id, attr.variable),
                location: source.locate(&format!("attribute.one_of[{i}].title")),
                ..Draft::default()
            });
        }
    }
}
