//! `assignment-ambiguous`: an Entra user holds more than one Sigma role (directly or through
//! groups); provisioning picks one arbitrarily.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::q;

pub struct AssignmentAmbiguous;

impl Rule for AssignmentAmbiguous {
    fn id(&self) -> RuleId {
        RuleId::AssignmentAmbiguous
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(azure) = &model.azure else { return };
        let values = azure.values_by_role();
        // The set of roles held → who holds exactly that set.
        let mut groups: BTreeMap<Vec<usize>, Vec<Principal>> = BTreeMap::new();
        for user in &model.assignments.entra_users {
            // Only roles with a value are Sigma roles.
            let sigma_roles: Vec<usize> = model
                .assignments
                .user_roles(user)
                .iter()
                .copied()
                .filter(|r| values.contains_key(r))
                .collect();
            if sigma_roles.len() > 1 {
                groups
                    .entry(sigma_roles)
                    .or_default()
                    .push(user.principal(azure));
            }
        }
        for (roles, who) in groups {
            let sent: Vec<&str> = roles
                .iter()
                .filter_map(|r| values.get(r))
                .map(|v| v.sent.as_str())
                .collect();
            let distinct: BTreeSet<&str> = sent.iter().copied().collect();
            let names: Vec<String> = roles
                .iter()
                .map(|&r| q(&azure.snapshot.app_roles[r].display_name))
                .collect();
            let principals = Principals::new(who);
            let consequence = if distinct.len() > 1 {
                format!(
                    "the values differ ({}), so which account type Sigma gets is arbitrary, and evaluation may fail with \"No more than one app role assignment was expected\"",
                    distinct.iter().map(|v| q(v)).collect::<Vec<_>>().join(", ")
                )
            } else {
                "the roles send the same value, so the result is the same today, but evaluation may still fail with \"No more than one app role assignment was expected\"".to_string()
            };
            out.report(Draft {
                source: Some(Kind::Azure),
                value: sent.join(" + "),
                expected: None,
                message: format!(
                    "{} user{} hold{} the Sigma roles {} at once (directly or through groups): {consequence}",
                    principals.count,
                    if principals.count == 1 { "" } else { "s" },
                    if principals.count == 1 { "s" } else { "" },
                    names.join(" and ")
                ),
                fix: "In Entra: Enterprise applications → the Sigma app → Users and groups: leave each user one Sigma role (remove the direct assignment or the extra group membership)".into(),
                identity: format!(
                    "{}/{}",
                    azure.snapshot.app.app_id,
                    roles.iter().map(|&r| azure.snapshot.app_roles[r].id.as_str()).collect::<Vec<_>>().join("+")
                ),
                location: None,
                principals,
                ..Draft::default()
            });
        }
    }
}
