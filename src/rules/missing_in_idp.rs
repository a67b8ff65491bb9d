//! `missing-in-idp`: a Sigma account type has no IdP value, so nobody can be given it.

use std::collections::HashSet;

use crate::engine::{Draft, Findings, Rule, RuleId, Severity};
use crate::matching::Verdict;
use crate::model::{Model, UserTypeValue};
use crate::snapshot::Kind;

use super::q;
use super::role_value_invalid::needs_value_map;

pub struct MissingInIdp;

impl Rule for MissingInIdp {
    fn id(&self) -> RuleId {
        RuleId::MissingInIdp
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        // Okta without a usable enum is `attribute-missing`'s finding, not one per account type.
        if let Some(okta) = &model.okta
            && okta
                .snapshot
                .attribute
                .as_ref()
                .is_some_and(|a| a.enum_values.is_some())
        {
            report(model, Kind::Okta, &okta.values, out);
        }
        if let Some(azure) = &model.azure {
            report(model, Kind::Azure, &azure.values, out);
        }
    }
}

fn report(model: &Model, source: Kind, values: &[UserTypeValue], out: &mut Findings<'_>) {
    // A value meant for the type (even misspelled, or a typo whose nearest type it is) is
    // reported by its own rule: one cause, one finding.
    let covered: HashSet<usize> = values
        .iter()
        .filter_map(|v| match v.verdict {
            Verdict::Unknown { suggestion, .. } => suggestion,
            _ => v.verdict.target(),
        })
        .collect();
    for (i, t) in model.account_types.iter().enumerate() {
        if covered.contains(&i) || (source == Kind::Azure && needs_value_map(model, t).is_some()) {
            continue;
        }
        // A type the value map covers needs a role holding the mapped value, not its name
        // (which may be no valid role value at all).
        let idp_value = match source {
            Kind::Azure => model
                .config
                .azure
                .value_map
                .get(&t.expected)
                .unwrap_or(&t.expected),
            _ => &t.expected,
        };
        let fix = match source {
            Kind::Okta => format!(
                "In Okta: Directory → Profile Editor → the Sigma app's User profile → `userType` → add a member with Display name {} and Value {}",
                q(&t.name),
                q(&t.expected)
            ),
            _ => format!(
                "In Entra: App registrations → the Sigma app → App roles → Create app role: Display name {}, Value {}, allowed member types Users/Groups, enabled",
                q(&t.name),
                q(idp_value)
            ),
        };
        out.report(Draft {
            source: Some(source),
            value: t.name.clone(),
            expected: Some(t.expected.clone()),
            message: format!(
                "Sigma account type {} has no {} value {}: nobody can be given it through {}",
                q(&t.name),
                source.display_name(),
                q(idp_value),
                source.display_name()
            ),
            fix,
            identity: t.id.clone(),
            location: t.location.clone(),
            severity: (!t.is_custom).then_some(Severity::Note),
            ..Draft::default()
        });
    }
}
