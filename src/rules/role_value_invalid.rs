//! `role-value-invalid`: a Sigma account type name cannot be an Entra app role value and no value
//! map covers it.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::model::{AccountType, Model};
use crate::snapshot::Kind;

use super::{q, role_value_problem};

pub struct RoleValueInvalid;

/// Why `t`'s expected value cannot be an app role value, when it cannot and the config's value
/// map does not cover it.
pub(crate) fn needs_value_map(model: &Model, t: &AccountType) -> Option<String> {
    if model.config.azure.value_map.contains_key(&t.expected) {
        return None;
    }
    role_value_problem(&t.expected)
}

impl Rule for RoleValueInvalid {
    fn id(&self) -> RuleId {
        RuleId::RoleValueInvalid
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        if model.azure.is_none() {
            return;
        }
        for t in &model.account_types {
            let Some(problem) = needs_value_map(model, t) else {
                continue;
            };
            let suggested: String = t
                .expected
                .trim_start_matches('.')
                .chars()
                .map(|c| {
                    if role_value_problem(&c.to_string()).is_some() {
                        '_'
                    } else {
                        c
                    }
                })
                .take(120)
                .collect();
            out.report(Draft {
                source: Some(Kind::Azure),
                value: t.name.clone(),
                expected: Some(t.expected.clone()),
                message: format!(
                    "Sigma account type {} cannot be an Entra app role value ({problem}), and no value map covers it",
                    q(&t.name)
                ),
                fix: format!(
                    "Create the role with value {} and map it in the provisioning expression: Switch(SingleAppRoleAssignment([appRoleAssignments]), , {}, {}); then add `azure.value_map: {{ {}: {} }}` to sigma-idp-lint.yaml. Or rename the account type in Sigma",
                    q(&suggested),
                    q(&suggested),
                    q(&t.expected),
                    q(&t.expected),
                    q(&suggested)
                ),
                identity: t.id.clone(),
                location: t.location.clone(),
                ..Draft::default()
            });
        }
        for (sent, role_value) in &model.config.azure.value_map {
            if let Some(problem) = role_value_problem(role_value) {
                out.report(Draft {
                    source: Some(Kind::Azure),
                    value: role_value.clone(),
                    expected: None,
                    message: format!(
                        "the config's value map sends {} for role value {}, which cannot be an app role value ({problem})",
                        q(sent),
                        q(role_value)
                    ),
                    fix: "Pick a role value of A–Z a–z 0–9 and : ! # $ % & ' ( ) * + , - . / ; < = > ? @ [ ] ^ _ ` { | } ~ only".into(),
                    identity: format!("value_map/{sent}"),
                    location: None,
                    ..Draft::default()
                });
            }
        }
    }
}
