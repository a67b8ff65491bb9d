//! `member-type-drift`: a Sigma member's current account type differs from what the IdP assigns.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::{Draft, Findings, Principal, Principals, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::q;

pub struct MemberTypeDrift;

/// For one (source, assigned account type): the members' current Sigma types with counts, and
/// the members.
type Drifted = (BTreeMap<String, usize>, Vec<Principal>);

impl Rule for MemberTypeDrift {
    fn id(&self) -> RuleId {
        RuleId::MemberTypeDrift
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(members) = &model.sigma.members else {
            return;
        };
        let mut groups: BTreeMap<(Kind, usize), Drifted> = BTreeMap::new();
        for m in members.iter().filter(|m| !m.is_inactive && !m.is_archived) {
            let assigned = model.assigned(&m.email);
            for source in [Kind::Okta, Kind::Azure] {
                // The account type this IdP assigns, when it assigns exactly one valid one.
                let targets: BTreeSet<usize> = assigned
                    .iter()
                    .filter(|a| a.source == source)
                    .filter_map(|a| a.target)
                    .collect();
                let [target] = targets.iter().copied().collect::<Vec<_>>()[..] else {
                    continue;
                };
                let t = &model.account_types[target];
                // Case-only differences in memberType are how the API spells names, not drift.
                if m.member_type.to_lowercase() == t.name.to_lowercase() {
                    continue;
                }
                let g = groups.entry((source, target)).or_default();
                *g.0.entry(m.member_type.to_string()).or_default() += 1;
                g.1.push(Principal {
                    kind: "user",
                    id: m.id.to_string(),
                    name: Some(m.email.to_string()),
                });
            }
        }
        for ((source, target), (current, who)) in groups {
            let t = &model.account_types[target];
            let principals = Principals::new(who);
            let now: Vec<String> = current
                .iter()
                .map(|(k, n)| format!("{} ({n})", q(k)))
                .collect();
            out.report(Draft {
                source: Some(source),
                value: t.expected.clone(),
                expected: None,
                message: format!(
                    "{} Sigma member{} assigned {} in {} {} another account type in Sigma today: {}; the next provisioning push changes {}",
                    principals.count,
                    if principals.count == 1 { "" } else { "s" },
                    q(&t.expected),
                    source.display_name(),
                    if principals.count == 1 { "has" } else { "have" },
                    now.join(", "),
                    if principals.count == 1 { "it" } else { "them" }
                ),
                fix: format!(
                    "If Sigma is right, change the assignments in {}; if the IdP is right, nothing to do: the next push (or a manual re-push) aligns Sigma",
                    source.display_name()
                ),
                identity: format!("{source}/{}", t.id),
                location: None,
                principals,
                ..Draft::default()
            });
        }
    }
}
