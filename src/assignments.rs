//! The normalized view of who is assigned what: Okta app users, Entra role assignments (groups
//! expanded to their direct user members where known) and, for the join with Sigma members,
//! every assigned login (case-insensitive). Built once, in linear time, for the assignment rules.

use std::collections::{BTreeSet, HashMap};

use crate::engine::Principal;
use crate::matching::{Expectations, Verdict};
use crate::model::{AzureSide, OktaSide};
use crate::snapshot::Kind;
use crate::snapshot::okta::OktaAppUser;

/// The zero GUID: Entra's Default Access (assigned without a role).
pub const DEFAULT_ACCESS: &str = "00000000-0000-0000-0000-000000000000";

/// An Entra assignment's role, resolved against the app's roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleRef {
    /// The zero GUID.
    DefaultAccess,
    /// An index into the snapshot's `app_roles`.
    Role(usize),
    /// A role id the app no longer has.
    Orphan,
}

/// One Entra assignment with the principals it reaches: the user, the group's direct user
/// members when known, else the group itself.
#[derive(Debug, Clone)]
pub struct EntraAssignment {
    pub role: RoleRef,
    /// Its index in the snapshot's `assignments` (for the `appRoleId` of an orphan).
    pub record: usize,
    pub principals: Vec<Principal>,
}

impl EntraAssignment {
    /// The assignment's `appRoleId`, as the snapshot holds it.
    pub fn app_role_id<'a>(&self, azure: &'a AzureSide) -> &'a str {
        azure
            .snapshot
            .assignments
            .as_ref()
            .and_then(|list| list.get(self.record))
            .map_or("", |r| r.app_role_id.as_str())
    }
}

/// What one Entra user holds, directly or through groups.
#[derive(Debug, Clone)]
pub struct EntraUser {
    pub principal: Principal,
    pub login: Option<String>,
    /// Indexes into `app_roles` (sorted, unique).
    pub roles: BTreeSet<usize>,
}

/// What one IdP assigns a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assigned {
    pub source: Kind,
    /// The account type Sigma will give: `None` when the value is missing, rejected, or a legacy
    /// alias (other rules report those).
    pub target: Option<usize>,
}

/// The assignment data of the model.
#[derive(Debug, Clone, Default)]
pub struct AssignmentView {
    pub entra: Vec<EntraAssignment>,
    /// Entra users by object id.
    pub entra_users: HashMap<String, EntraUser>,
    /// Assigned groups whose members are unknown (not expanded) and nested groups, which inherit
    /// nothing.
    pub unexpanded_groups: Vec<Principal>,
    /// Everyone assigned in some IdP, by lower-cased login.
    pub by_login: HashMap<String, Vec<Assigned>>,
    /// Whether Okta / Entra snapshots carry assignments.
    pub okta: bool,
    pub azure: bool,
}

pub fn okta_principal(u: &OktaAppUser) -> Principal {
    Principal {
        kind: "user",
        id: u.id.clone(),
        name: Some(u.user_name.clone()),
    }
}

impl AssignmentView {
    pub fn build(
        expectations: &Expectations,
        okta: Option<&OktaSide>,
        azure: Option<&AzureSide>,
    ) -> AssignmentView {
        let mut view = AssignmentView::default();
        if let Some(users) = okta.and_then(|o| o.snapshot.app_users.as_ref()) {
            view.okta = true;
            // Each distinct value is classified once, however many users hold it.
            let mut targets: HashMap<&str, Option<usize>> = HashMap::new();
            for u in users {
                let target = u.user_type.as_deref().and_then(|v| {
                    *targets
                        .entry(v)
                        .or_insert_with(|| match expectations.classify(v) {
                            Verdict::Exact { target } => Some(target),
                            _ => None,
                        })
                });
                view.by_login
                    .entry(u.user_name.to_lowercase())
                    .or_default()
                    .push(Assigned {
                        source: Kind::Okta,
                        target,
                    });
            }
        }
        if let Some(a) = azure
            && let Some(assignments) = &a.snapshot.assignments
        {
            view.azure = true;
            view.build_entra(a, assignments);
        }
        view
    }

    fn build_entra(
        &mut self,
        a: &AzureSide,
        assignments: &[crate::snapshot::azure::AssignmentRecord],
    ) {
        let role_ids: HashMap<&str, usize> = a
            .snapshot
            .app_roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let members = a.snapshot.group_members.as_ref();
        for (record, asg) in assignments.iter().enumerate() {
            let role = if asg.app_role_id == DEFAULT_ACCESS {
                RoleRef::DefaultAccess
            } else {
                role_ids
                    .get(asg.app_role_id.as_str())
                    .map_or(RoleRef::Orphan, |&i| RoleRef::Role(i))
            };
            let mut principals = Vec::new();
            let mut hold = |id: &str, name: Option<&String>, login: Option<&String>| {
                let principal = Principal {
                    kind: "user",
                    id: id.to_string(),
                    name: login.or(name).cloned(),
                };
                let user = self
                    .entra_users
                    .entry(id.to_string())
                    .or_insert_with(|| EntraUser {
                        principal: principal.clone(),
                        login: login.cloned(),
                        roles: BTreeSet::new(),
                    });
                // The same user may come first from a group member record without a login.
                if user.login.is_none() {
                    user.login = login.cloned();
                }
                if let RoleRef::Role(i) = role {
                    user.roles.insert(i);
                }
                principal
            };
            match asg.principal_type.as_str() {
                "User" => principals.push(hold(
                    &asg.principal_id,
                    asg.principal_display_name.as_ref(),
                    asg.principal_login.as_ref(),
                )),
                "Group" => {
                    let group = Principal {
                        kind: "group",
                        id: asg.principal_id.clone(),
                        name: asg.principal_display_name.clone(),
                    };
                    match members.and_then(|m| m.get(&asg.principal_id)) {
                        Some(list) => {
                            for m in list {
                                if m.kind == "user" {
                                    principals.push(hold(
                                        &m.id,
                                        m.display_name.as_ref(),
                                        m.login.as_ref(),
                                    ));
                                } else {
                                    // A nested group inherits nothing from the assignment.
                                    self.unexpanded_groups.push(Principal {
                                        kind: "group",
                                        id: m.id.clone(),
                                        name: m.display_name.clone(),
                                    });
                                }
                            }
                        }
                        None => {
                            self.unexpanded_groups.push(group.clone());
                            principals.push(group);
                        }
                    }
                }
                // Service principals are not provisioned to Sigma.
                _ => continue,
            }
            self.entra.push(EntraAssignment {
                role,
                record,
                principals,
            });
        }
        let values = a.values_by_role();
        for user in self.entra_users.values() {
            let Some(login) = &user.login else { continue };
            let entry = self.by_login.entry(login.to_lowercase()).or_default();
            if user.roles.is_empty() {
                entry.push(Assigned {
                    source: Kind::Azure,
                    target: None,
                });
            }
            for ri in &user.roles {
                let target = values.get(ri).and_then(|v| match v.verdict {
                    Verdict::Exact { target } => Some(target),
                    _ => None,
                });
                entry.push(Assigned {
                    source: Kind::Azure,
                    target,
                });
            }
        }
    }
}
