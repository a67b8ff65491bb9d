//! `assignment-disabled-role`: Entra principals assigned to a disabled role.

use std::collections::BTreeMap;

use crate::assignments::RoleRef;
use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::{count_principals, q};

pub struct AssignmentDisabledRole;

impl Rule for AssignmentDisabledRole {
    fn id(&self) -> RuleId {
        RuleId::AssignmentDisabledRole
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(azure) = &model.azure else { return };
        let values = azure.values_by_role();
        let mut groups: BTreeMap<usize, Vec<Principal>> = BTreeMap::new();
        for a in &model.assignments.entra {
            if let RoleRef::Role(i) = a.role
                && !azure.snapshot.app_roles[i].is_enabled
            {
                groups.entry(i).or_default().extend(a.principals(azure));
            }
        }
        for (i, who) in groups {
            let role = &azure.snapshot.app_roles[i];
            let principals = Principals::new(who);
            out.report(Draft {
                source: Some(Kind::Azure),
                // What provisioning sends (after the value map), as `role-disabled` reports it.
                value: values.get(&i).map(|v| v.sent.clone()).unwrap_or_default(),
                expected: None,
                message: format!(
                    "{} {} assigned the disabled Entra role {}: whether a disabled role's value is still provisioned is undocumented",
                    count_principals(&principals.items),
                    if principals.count == 1 { "is" } else { "are" },
                    q(&role.display_name)
                ),
                fix: format!(
                    "Move these assignments to an enabled role, or re-enable {} (App registrations → the Sigma app → App roles)",
                    q(&role.display_name)
                ),
                identity: format!("{}/{}", azure.snapshot.app.app_id, role.id),
                location: model.sources[azure.source].locate(&format!("app_roles[{i}].is_enabled")),
                principals,
                ..Draft::default()
            });
        }
    }
}
