//! `assignment-no-type`: assigned with no account type (Okta empty `userType`; Entra Default
//! Access or a role with a null value).

use std::collections::BTreeMap;

use crate::assignments::RoleRef;
use crate::assignments::okta_principal;
use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::{count_principals, q};

pub struct AssignmentNoType;

impl Rule for AssignmentNoType {
    fn id(&self) -> RuleId {
        RuleId::AssignmentNoType
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        if let Some(okta) = &model.okta {
            // Users already in syncState ERROR are `provisioning-error`'s: one cause, one finding.
            let mut who: Vec<Principal> = okta
                .snapshot
                .app_users
                .iter()
                .flatten()
                .filter(|u| {
                    u.user_type.as_deref().is_none_or(str::is_empty) && u.sync_state != "ERROR"
                })
                .map(okta_principal)
                .collect();
            who.extend(
                okta.snapshot
                    .group_assignments
                    .iter()
                    .flatten()
                    .filter(|g| g.user_type.as_deref().is_none_or(str::is_empty))
                    .map(|g| Principal {
                        kind: "group",
                        id: g.id.clone(),
                        name: g.name.clone(),
                    }),
            );
            if !who.is_empty() {
                let principals = Principals::new(who);
                out.report(Draft {
                    source: Some(Kind::Okta),
                    value: String::new(),
                    expected: None,
                    message: format!(
                        "{} {} assigned the Okta app with no User Type: Sigma gives an absent userType its default type (Lite in Sigma's docs), and answers 400 to an explicit null",
                        count_principals(&principals.items),
                        if principals.count == 1 { "is" } else { "are" }
                    ),
                    fix: "In Okta: Applications → the Sigma app → Assignments → edit each → pick a User Type (for groups, every member inherits it)".into(),
                    identity: format!("{}#no-type", okta.snapshot.app.id),
                    location: None,
                    principals,
                    ..Draft::default()
                });
            }
        }
        let Some(azure) = &model.azure else { return };
        // Default Access, and each role with a null value.
        let mut groups: BTreeMap<RoleRef, Vec<Principal>> = BTreeMap::new();
        for a in &model.assignments.entra {
            let no_type = match a.role {
                RoleRef::DefaultAccess => true,
                RoleRef::Role(i) => azure.snapshot.app_roles[i].value.is_none(),
                RoleRef::Orphan => false,
            };
            if no_type {
                groups
                    .entry(a.role)
                    .or_default()
                    .extend(a.principals(azure));
            }
        }
        for (role, who) in groups {
            let principals = Principals::new(who);
            let (what, identity) = match role {
                RoleRef::Role(i) => {
                    let r = &azure.snapshot.app_roles[i];
                    (
                        format!("the role {} (whose value is null)", q(&r.display_name)),
                        r.id.clone(),
                    )
                }
                _ => (
                    "Default Access (no role)".to_string(),
                    "default-access".to_string(),
                ),
            };
            out.report(Draft {
                source: Some(Kind::Azure),
                value: String::new(),
                expected: None,
                message: format!(
                    "{} {} assigned the Sigma app with {what}: no userType is sent, so Sigma gives them its default type (Lite in Sigma's docs)",
                    count_principals(&principals.items),
                    if principals.count == 1 { "is" } else { "are" }
                ),
                fix: "In Entra: Enterprise applications → the Sigma app → Users and groups → edit each assignment → select a role that names a Sigma account type".into(),
                identity: format!("{}/{identity}", azure.snapshot.app.app_id),
                location: None,
                principals,
                ..Draft::default()
            });
        }
    }
}
