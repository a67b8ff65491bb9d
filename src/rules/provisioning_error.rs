//! `provisioning-error`: Okta app users already in `syncState: ERROR`, with their `userType`.

use std::collections::BTreeMap;

use crate::assignments::okta_principal;
use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::{q, rejection};

pub struct ProvisioningError;

impl Rule for ProvisioningError {
    fn id(&self) -> RuleId {
        RuleId::ProvisioningError
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(okta) = &model.okta else { return };
        let mut groups: BTreeMap<Option<&str>, (usize, Vec<Principal>)> = BTreeMap::new();
        for (i, u) in okta.snapshot.app_users.iter().flatten().enumerate() {
            if u.sync_state == "ERROR" {
                groups
                    .entry(u.user_type.as_deref().filter(|v| !v.is_empty()))
                    .or_insert_with(|| (i, Vec::new()))
                    .1
                    .push(okta_principal(u));
            }
        }
        let source = &model.sources[okta.source];
        for (value, (first, who)) in groups {
            let principals = Principals::new(who);
            let n = principals.count;
            let cause = match value {
                None => "with no userType: Sigma answers 400 to a null userType (\"Expecting string at 0.1.userType but instead got: null\")".to_string(),
                Some(v) => match rejection(model, &model.expectations.classify(v)) {
                    Some((reason, _)) => format!("with userType {}, which Sigma rejects: {reason}", q(v)),
                    None => format!("with userType {}, which Sigma accepts: the cause is elsewhere (see the user's Provisioning errors in Okta)", q(v)),
                },
            };
            out.report(Draft {
                source: Some(Kind::Okta),
                value: value.unwrap_or_default().to_string(),
                expected: None,
                message: format!(
                    "{n} Okta app user{} already failed to provision (syncState ERROR) {cause}",
                    if n == 1 { "" } else { "s" }
                ),
                fix: "Fix the value, then in Okta: Applications → the Sigma app → Assignments → filter on errors → Retry (or Dashboard → Tasks)".into(),
                identity: format!("{}#sync-error", okta.snapshot.app.id),
                location: source.locate(&format!("app_users[{first}].sync_state")),
                principals,
                ..Draft::default()
            });
        }
    }
}
