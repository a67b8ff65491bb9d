//! `assignment-orphan-role`: an Entra assignment points at a role id the app no longer has.

use std::collections::BTreeMap;

use crate::assignments::RoleRef;
use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::count_principals;

pub struct AssignmentOrphanRole;

impl Rule for AssignmentOrphanRole {
    fn id(&self) -> RuleId {
        RuleId::AssignmentOrphanRole
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(azure) = &model.azure else { return };
        let mut groups: BTreeMap<&str, Vec<Principal>> = BTreeMap::new();
        for a in &model.assignments.entra {
            if a.role == RoleRef::Orphan {
                groups
                    .entry(a.app_role_id(azure))
                    .or_default()
                    .extend(a.principals(azure));
            }
        }
        for (role_id, who) in groups {
            let principals = Principals::new(who);
            out.report(Draft {
                source: Some(Kind::Azure),
                value: role_id.to_string(),
                expected: None,
                message: format!(
                    "{} {} assigned the app role id {role_id}, which the Sigma app no longer has: provisioning cannot derive a userType for them",
                    count_principals(&principals.items),
                    if principals.count == 1 { "is" } else { "are" },
                ),
                fix: "In Entra: Enterprise applications → the Sigma app → Users and groups: remove these assignments and assign an existing role".into(),
                identity: format!("{}/{role_id}", azure.snapshot.app.app_id),
                location: None,
                principals,
                ..Draft::default()
            });
        }
    }
}
