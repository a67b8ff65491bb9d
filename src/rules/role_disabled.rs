//! `role-disabled`: the Entra app role for an account type is disabled.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::matching::Verdict;
use crate::model::Model;
use crate::snapshot::Kind;

use super::q;

pub struct RoleDisabled;

impl Rule for RoleDisabled {
    fn id(&self) -> RuleId {
        RuleId::RoleDisabled
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(azure) = &model.azure else { return };
        for (v, &ri) in azure.values.iter().zip(&azure.role_index) {
            let role = &azure.snapshot.app_roles[ri];
            let Verdict::Exact { target } = v.verdict else {
                continue;
            };
            if role.is_enabled {
                continue;
            }
            let t = &model.account_types[target];
            out.report(Draft {
                source: Some(Kind::Azure),
                value: v.sent.clone(),
                expected: None,
                message: format!(
                    "the Entra app role {} for Sigma account type {} is disabled: nobody can newly be given it, and whether existing assignments are still provisioned is undocumented",
                    q(&role.display_name),
                    q(&t.name)
                ),
                fix: format!(
                    "In Entra: App registrations → the Sigma app → App roles → {} → check \"Do you want to enable this app role?\"; or, if the type is retired, delete it in Sigma too",
                    q(&role.display_name)
                ),
                identity: v.identity.clone(),
                location: model.sources[azure.source].locate(&format!("app_roles[{ri}].is_enabled")),
                ..Draft::default()
            });
        }
    }
}
