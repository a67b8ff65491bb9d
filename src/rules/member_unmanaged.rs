//! `member-unmanaged`: an active Sigma member is not assigned in any IdP.

use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

pub struct MemberUnmanaged;

impl Rule for MemberUnmanaged {
    fn id(&self) -> RuleId {
        RuleId::MemberUnmanaged
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(members) = &model.sigma.members else {
            return;
        };
        let view = &model.assignments;
        if !view.okta && !view.azure {
            return;
        }
        let who: Vec<Principal> = members
            .iter()
            .filter(|m| !m.is_inactive && !m.is_archived)
            .filter(|m| model.assigned(&m.email).is_empty())
            .map(|m| Principal {
                kind: "user",
                id: m.id.to_string(),
                name: Some(m.email.to_string()),
            })
            .collect();
        if who.is_empty() {
            return;
        }
        let principals = Principals::new(who);
        let mut message = format!(
            "{} active Sigma member{} not assigned in {}: SCIM does not manage {} (pre-SCIM users cannot be taken over; guests are not supported through SCIM)",
            principals.count,
            if principals.count == 1 {
                " is"
            } else {
                "s are"
            },
            match (view.okta, view.azure) {
                (true, true) => "Okta or Entra",
                (true, false) => "Okta",
                _ => "Entra",
            },
            if principals.count == 1 { "it" } else { "them" }
        );
        if !view.unexpanded_groups.is_empty() {
            message.push_str(&format!(
                "; {} Entra group(s) were assigned without being expanded, or nested (inheriting nothing), so some of them may belong there",
                view.unexpanded_groups.len()
            ));
        }
        out.report(Draft {
            source: Some(Kind::Sigma),
            value: String::new(),
            expected: None,
            message,
            fix: "Assign them to the Sigma app in the IdP (their account type then comes from there), or deactivate them in Sigma if they should not have access".into(),
            identity: "members#unmanaged".into(),
            location: None,
            principals,
            ..Draft::default()
        });
    }
}
