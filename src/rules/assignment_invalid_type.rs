//! `assignment-invalid-type`: users and groups are assigned an IdP value Sigma will reject.

use std::collections::{BTreeMap, HashSet};

use crate::assignments::{RoleRef, okta_principal};
use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::matching::Verdict;
use crate::model::{Location, Model};
use crate::snapshot::Kind;

use super::{count_principals, q, rejection};

pub struct AssignmentInvalidType;

struct Group {
    reason: String,
    expected: Option<String>,
    location: Option<Location>,
    identity: String,
    principals: Vec<Principal>,
}

impl Rule for AssignmentInvalidType {
    fn id(&self) -> RuleId {
        RuleId::AssignmentInvalidType
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        // (source, value) → who is assigned it.
        let mut groups: BTreeMap<(Kind, String), Group> = BTreeMap::new();
        // Each distinct value is classified once, when first seen; accepted values are remembered
        // so they are not classified again.
        let mut accepted: HashSet<(Kind, String)> = HashSet::new();
        let mut add = |source: Kind,
                       value: &str,
                       verdict: &dyn Fn() -> Verdict,
                       location: Option<Location>,
                       identity: &str,
                       who: &mut dyn Iterator<Item = Principal>| {
            let key = (source, value.to_string());
            if accepted.contains(&key) {
                return;
            }
            if !groups.contains_key(&key) {
                let Some((reason, expected)) = rejection(model, &verdict()) else {
                    accepted.insert(key);
                    return;
                };
                groups.insert(
                    key.clone(),
                    Group {
                        reason,
                        expected,
                        location,
                        identity: identity.to_string(),
                        principals: Vec::new(),
                    },
                );
            }
            if let Some(g) = groups.get_mut(&key) {
                g.principals.extend(who);
            }
        };

        if let Some(okta) = &model.okta {
            let source = &model.sources[okta.source];
            for (i, u) in okta.snapshot.app_users.iter().flatten().enumerate() {
                // Users already in syncState ERROR are `provisioning-error`'s, with the reason.
                // An empty User Type is no type (`assignment-no-type`'s), not a rejected value.
                let Some(v) = u
                    .user_type
                    .as_ref()
                    .filter(|v| !v.is_empty() && u.sync_state != "ERROR")
                else {
                    continue;
                };
                add(
                    Kind::Okta,
                    v,
                    &|| model.expectations.classify(v),
                    source.locate(&format!("app_users[{i}].user_type")),
                    &okta.snapshot.app.id,
                    &mut std::iter::once(okta_principal(u)),
                );
            }
            for (i, g) in okta.snapshot.group_assignments.iter().flatten().enumerate() {
                let Some(v) = g.user_type.as_ref().filter(|v| !v.is_empty()) else {
                    continue;
                };
                add(
                    Kind::Okta,
                    v,
                    &|| model.expectations.classify(v),
                    source.locate(&format!("group_assignments[{i}].user_type")),
                    &okta.snapshot.app.id,
                    &mut std::iter::once(Principal {
                        kind: "group",
                        id: g.id.clone(),
                        name: g.name.clone(),
                    }),
                );
            }
        }
        if let Some(azure) = &model.azure {
            let values = azure.values_by_role();
            for a in &model.assignments.entra {
                let RoleRef::Role(ri) = a.role else { continue };
                let Some(v) = values.get(&ri) else { continue };
                add(
                    Kind::Azure,
                    &v.sent,
                    &|| v.verdict.clone(),
                    v.location.clone(),
                    &v.identity,
                    &mut a.principals(azure).into_iter(),
                );
            }
        }

        for ((source, value), g) in groups {
            let principals = Principals::new(g.principals);
            let who = count_principals(&principals.items);
            let fix = match source {
                Kind::Okta => format!(
                    "Fix the value in Okta's Profile Editor (see the value findings), then in Applications → the Sigma app → Assignments, set these assignments' User Type to {} and re-push them",
                    g.expected.as_deref().map_or("a valid account type".into(), q)
                ),
                _ => "Fix the role's value (see the value findings) or move these assignments to a role Sigma accepts; then restart provisioning".into(),
            };
            out.report(Draft {
                source: Some(source),
                message: format!(
                    "{who} {} assigned {} in {}, which Sigma will reject: {}",
                    if principals.count == 1 { "is" } else { "are" },
                    q(&value),
                    source.display_name(),
                    g.reason
                ),
                value,
                expected: g.expected,
                fix,
                identity: g.identity,
                location: g.location,
                principals,
                ..Draft::default()
            });
        }
    }
}
