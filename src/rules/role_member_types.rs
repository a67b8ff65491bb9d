//! `role-member-types`: the Entra app role's `allowedMemberTypes` lacks `User`.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::q;

pub struct RoleMemberTypes;

impl Rule for RoleMemberTypes {
    fn id(&self) -> RuleId {
        RuleId::RoleMemberTypes
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(azure) = &model.azure else { return };
        for (v, &ri) in azure.values.iter().zip(&azure.role_index) {
            let role = &azure.snapshot.app_roles[ri];
            if role.allowed_member_types.iter().any(|t| t == "User") {
                continue;
            }
            out.report(Draft {
                source: Some(Kind::Azure),
                value: v.sent.clone(),
                expected: None,
                message: format!(
                    "the Entra app role {} allows only {:?}: users and groups cannot be assigned it, so no one is provisioned with {}",
                    q(&role.display_name),
                    role.allowed_member_types,
                    q(&v.sent)
                ),
                fix: format!(
                    "In Entra: App registrations → the Sigma app → App roles → {} → Allowed member types: Users/Groups",
                    q(&role.display_name)
                ),
                identity: v.identity.clone(),
                location: model.sources[azure.source]
                    .locate(&format!("app_roles[{ri}].allowed_member_types")),
                ..Draft::default()
            });
        }
    }
}
