//! The normalized view of who is assigned what: Okta app users, Entra role assignments (groups
//! expanded to their direct user members where known) and, for the join with Sigma members,
//! every assigned login (case-insensitive). Built once, in linear time, for the assignment rules.

use std::collections::HashMap;

use crate::engine::Principal;
use crate::matching::{Expectations, Verdict};
use crate::model::{AzureSide, OktaSide};
use crate::snapshot::Kind;
use crate::snapshot::azure::{AssignmentRecord, GroupMemberRecord};
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

/// Where an Entra user was read from: a user assignment, or a member record of an assigned group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserSource {
    /// An index into the snapshot's `assignments`.
    Assignment(u32),
    /// Member `index` of the group assigned by `assignments[record]`.
    Member { record: u32, index: u32 },
}

/// An Entra user's id, display name and login, as one record holds them.
struct UserRecord<'a> {
    id: &'a str,
    name: Option<&'a str>,
    login: Option<&'a str>,
}

impl UserSource {
    fn read(self, azure: &AzureSide) -> Option<UserRecord<'_>> {
        let assignments = azure.snapshot.assignments.as_deref()?;
        match self {
            UserSource::Assignment(record) => {
                let a = assignments.get(record as usize)?;
                Some(UserRecord {
                    id: &a.principal_id,
                    name: a.principal_display_name.as_deref(),
                    login: a.principal_login.as_deref(),
                })
            }
            UserSource::Member { record, index } => {
                let group = &assignments.get(record as usize)?.principal_id;
                let m = azure
                    .snapshot
                    .group_members
                    .as_ref()?
                    .get(group.as_str())?
                    .get(index as usize)?;
                Some(UserRecord {
                    id: &m.id,
                    name: m.display_name.as_deref(),
                    login: m.login.as_deref(),
                })
            }
        }
    }
}

/// A principal as the snapshot holds it, borrowed: what [`Principal`] owns for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who<'a> {
    /// `user` or `group`.
    pub kind: &'static str,
    pub id: &'a str,
    pub name: Option<&'a str>,
}

impl Who<'_> {
    pub fn to_principal(self) -> Principal {
        Principal {
            kind: self.kind,
            id: self.id.to_string(),
            name: self.name.map(str::to_string),
        }
    }
}

fn user_who<'a>(r: &UserRecord<'a>) -> Who<'a> {
    Who {
        kind: "user",
        id: r.id,
        name: r.login.or(r.name),
    }
}

/// One Entra assignment of a user, group or service principal. It keeps only where it is in the
/// snapshot; [`EntraAssignment::principals`] names whom it reaches when a finding needs them.
#[derive(Debug, Clone, Copy)]
pub struct EntraAssignment {
    pub role: RoleRef,
    /// Its index in the snapshot's `assignments`.
    pub record: usize,
}

impl EntraAssignment {
    /// The assignment's `appRoleId`, as the snapshot holds it.
    pub fn app_role_id<'a>(&self, azure: &'a AzureSide) -> &'a str {
        self.record(azure).map_or("", |r| r.app_role_id.as_str())
    }

    fn record<'a>(&self, azure: &'a AzureSide) -> Option<&'a AssignmentRecord> {
        azure.snapshot.assignments.as_ref()?.get(self.record)
    }

    /// Whom the assignment reaches, as findings name them.
    pub fn principals(&self, azure: &AzureSide) -> Vec<Principal> {
        self.who(azure).into_iter().map(Who::to_principal).collect()
    }

    /// Whom the assignment reaches: the user; a group's direct user members when they are known,
    /// else the group itself; no one for a service principal (not provisioned to Sigma).
    pub fn who<'a>(&self, azure: &'a AzureSide) -> Vec<Who<'a>> {
        let Some(a) = self.record(azure) else {
            return Vec::new();
        };
        let record = self.record as u32;
        match a.principal_type.as_str() {
            "User" => UserSource::Assignment(record)
                .read(azure)
                .map(|r| user_who(&r))
                .into_iter()
                .collect(),
            "Group" => match group_members(azure, &a.principal_id) {
                Some(list) => list
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m.kind == "user")
                    .filter_map(|(index, _)| {
                        UserSource::Member {
                            record,
                            index: index as u32,
                        }
                        .read(azure)
                    })
                    .map(|r| user_who(&r))
                    .collect(),
                None => vec![Who {
                    kind: "group",
                    id: &a.principal_id,
                    name: a.principal_display_name.as_deref(),
                }],
            },
            _ => Vec::new(),
        }
    }
}

fn group_members<'a>(azure: &'a AzureSide, group: &str) -> Option<&'a [GroupMemberRecord]> {
    azure
        .snapshot
        .group_members
        .as_ref()?
        .get(group)
        .map(Vec::as_slice)
}

fn group_principal(id: &str, name: Option<&str>) -> Principal {
    Principal {
        kind: "group",
        id: id.to_string(),
        name: name.map(str::to_string),
    }
}

/// What one Entra user holds, directly or through groups.
#[derive(Debug, Clone)]
pub struct EntraUser {
    /// The first record that names the user.
    source: UserSource,
    /// The first record that gives the user's login, if any does.
    login: Option<UserSource>,
    /// The user's app role indexes: a range of [`AssignmentView::user_roles`].
    roles: std::ops::Range<u32>,
}

impl EntraUser {
    /// The user as findings name them: id, and login (else display name) from the first record.
    pub fn principal(&self, azure: &AzureSide) -> Principal {
        self.source
            .read(azure)
            .map(|r| user_who(&r).to_principal())
            .unwrap_or(Principal {
                kind: "user",
                id: String::new(),
                name: None,
            })
    }

    /// The user's e-mail or UPN, from any record that has it.
    pub fn login<'a>(&self, azure: &'a AzureSide) -> Option<&'a str> {
        self.login?.read(azure)?.login
    }
}

/// What one IdP assigns a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assigned {
    pub source: Kind,
    /// The account type Sigma will give: `None` when the value is missing, rejected, or a legacy
    /// alias (other rules report those).
    pub target: Option<usize>,
}

/// Who holds an entry of the login index.
#[derive(Debug, Clone, Copy)]
enum Holder {
    /// An index into Okta's `app_users`.
    Okta(u32),
    /// An index into [`AssignmentView::entra_users`].
    Entra(u32),
}

/// One entry of the login index: a hash of the lower-cased login, and who holds it. The login
/// itself stays in the snapshot; a lookup compares it there, so a hash collision never merges
/// two people.
#[derive(Debug, Clone, Copy)]
struct LoginEntry {
    key: u64,
    holder: Holder,
    target: Option<u32>,
}

/// The login, lower-cased character by character (as the join compares logins).
fn folded(login: &str) -> impl Iterator<Item = char> + '_ {
    login.chars().flat_map(char::to_lowercase)
}

fn login_key(login: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in folded(login) {
        c.hash(&mut h);
    }
    h.finish()
}

/// The assignment data of the model.
///
/// It holds indexes into the snapshots, not copies of their strings: at 200,000 users, copies
/// cost more than the snapshots' own text.
#[derive(Debug, Clone, Default)]
pub struct AssignmentView {
    pub entra: Vec<EntraAssignment>,
    /// Entra users, in the order of their ids.
    pub entra_users: Vec<EntraUser>,
    /// Every user's app role indexes, each user's sorted and unique.
    user_roles: Vec<usize>,
    /// Assigned groups whose members are unknown (not expanded) and nested groups, which inherit
    /// nothing.
    pub unexpanded_groups: Vec<Principal>,
    /// Everyone assigned in some IdP, sorted by login key.
    by_login: Vec<LoginEntry>,
    /// Whether Okta / Entra snapshots carry assignments.
    pub okta: bool,
    pub azure: bool,
}

pub fn okta_principal(u: &OktaAppUser) -> Principal {
    Principal {
        kind: "user",
        id: u.id.to_string(),
        name: Some(u.user_name.to_string()),
    }
}

impl AssignmentView {
    pub fn build(
        expectations: &Expectations,
        okta: Option<&OktaSide>,
        azure: Option<&AzureSide>,
    ) -> AssignmentView {
        let mut view = AssignmentView::default();
        let exact = |v: &Verdict| match v {
            Verdict::Exact { target } => u32::try_from(*target).ok(),
            _ => None,
        };
        if let Some(users) = okta.and_then(|o| o.snapshot.app_users.as_ref()) {
            view.okta = true;
            // Each distinct value is classified once, however many users hold it.
            let mut targets: HashMap<&str, Option<u32>> = HashMap::new();
            for (i, u) in users.iter().enumerate() {
                let target = u.user_type.as_deref().and_then(|v| {
                    *targets
                        .entry(v)
                        .or_insert_with(|| exact(&expectations.classify(v)))
                });
                view.by_login.push(LoginEntry {
                    key: login_key(&u.user_name),
                    holder: Holder::Okta(i as u32),
                    target,
                });
            }
        }
        if let Some(a) = azure
            && let Some(assignments) = &a.snapshot.assignments
        {
            view.azure = true;
            view.build_entra(a, assignments);
            let values = a.values_by_role();
            for (i, user) in view.entra_users.iter().enumerate() {
                let Some(login) = user.login(a) else { continue };
                let key = login_key(login);
                let roles = &view.user_roles[user.roles.start as usize..user.roles.end as usize];
                if roles.is_empty() {
                    view.by_login.push(LoginEntry {
                        key,
                        holder: Holder::Entra(i as u32),
                        target: None,
                    });
                }
                for ri in roles {
                    view.by_login.push(LoginEntry {
                        key,
                        holder: Holder::Entra(i as u32),
                        target: values.get(ri).and_then(|v| exact(&v.verdict)),
                    });
                }
            }
        }
        view.by_login.sort_unstable_by_key(|e| e.key);
        view
    }

    fn build_entra(&mut self, a: &AzureSide, assignments: &[AssignmentRecord]) {
        let role_ids: HashMap<&str, usize> = a
            .snapshot
            .app_roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        // Every (user id, where it was read, role) the assignments reach, grouped by user below.
        let mut reach: Vec<(&str, UserSource, Option<usize>)> = Vec::new();
        for (record, asg) in assignments.iter().enumerate() {
            let role = if asg.app_role_id == DEFAULT_ACCESS {
                RoleRef::DefaultAccess
            } else {
                role_ids
                    .get(asg.app_role_id.as_str())
                    .map_or(RoleRef::Orphan, |&i| RoleRef::Role(i))
            };
            let held = match role {
                RoleRef::Role(i) => Some(i),
                _ => None,
            };
            let at = record as u32;
            match asg.principal_type.as_str() {
                "User" => reach.push((&asg.principal_id, UserSource::Assignment(at), held)),
                "Group" => match group_members(a, &asg.principal_id) {
                    Some(list) => {
                        for (index, m) in list.iter().enumerate() {
                            if m.kind == "user" {
                                let source = UserSource::Member {
                                    record: at,
                                    index: index as u32,
                                };
                                reach.push((&m.id, source, held));
                            } else {
                                // A nested group inherits nothing from the assignment.
                                self.unexpanded_groups
                                    .push(group_principal(&m.id, m.display_name.as_deref()));
                            }
                        }
                    }
                    None => self.unexpanded_groups.push(group_principal(
                        &asg.principal_id,
                        asg.principal_display_name.as_deref(),
                    )),
                },
                // Service principals are not provisioned to Sigma.
                _ => continue,
            }
            self.entra.push(EntraAssignment { role, record });
        }
        // Stable: each user's records stay in assignment order, so "first" means first seen.
        reach.sort_by(|x, y| x.0.cmp(y.0));
        for same in reach.chunk_by(|x, y| x.0 == y.0) {
            let start = self.user_roles.len();
            let mut roles: Vec<usize> = same.iter().filter_map(|r| r.2).collect();
            roles.sort_unstable();
            roles.dedup();
            self.user_roles.extend(roles);
            self.entra_users.push(EntraUser {
                source: same[0].1,
                login: same
                    .iter()
                    .map(|r| r.1)
                    .find(|s| s.read(a).is_some_and(|r| r.login.is_some())),
                roles: start as u32..self.user_roles.len() as u32,
            });
        }
    }

    /// The app role indexes `user` holds (sorted, unique).
    pub fn user_roles(&self, user: &EntraUser) -> &[usize] {
        self.user_roles
            .get(user.roles.start as usize..user.roles.end as usize)
            .unwrap_or(&[])
    }

    /// What each IdP assigns `login` (compared case-insensitively); empty when no IdP assigns it.
    pub fn assigned(
        &self,
        login: &str,
        okta: Option<&OktaSide>,
        azure: Option<&AzureSide>,
    ) -> Vec<Assigned> {
        let key = login_key(login);
        let from = self.by_login.partition_point(|e| e.key < key);
        self.by_login[from..]
            .iter()
            .take_while(|e| e.key == key)
            .filter_map(|e| {
                let (source, held) = match e.holder {
                    Holder::Okta(i) => (
                        Kind::Okta,
                        okta?
                            .snapshot
                            .app_users
                            .as_ref()?
                            .get(i as usize)
                            .map(|u| u.user_name.as_str()),
                    ),
                    Holder::Entra(i) => {
                        (Kind::Azure, self.entra_users.get(i as usize)?.login(azure?))
                    }
                };
                held.filter(|h| folded(h).eq(folded(login)))
                    .map(|_| Assigned {
                        source,
                        target: e.target.map(|t| t as usize),
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::config::Config;
    use crate::model::{Model, load};

    use super::*;

    fn demo() -> Model {
        load(&["fixtures/demo".into()], Config::default()).expect("demo loads")
    }

    /// The compact view agrees with a direct reading of the snapshot: every user once, with every
    /// role any record gives them and a login if any record has one.
    #[test]
    fn entra_users_match_a_direct_reading_of_the_records() {
        let model = demo();
        let azure = model.azure.as_ref().expect("azure");
        let mut expected: BTreeMap<String, (BTreeSet<usize>, BTreeSet<String>)> = BTreeMap::new();
        let members = azure.snapshot.group_members.as_ref().expect("expanded");
        for a in azure.snapshot.assignments.as_ref().expect("assignments") {
            let role = azure
                .snapshot
                .app_roles
                .iter()
                .position(|r| r.id == a.app_role_id);
            let mut add = |id: &str, login: Option<&str>| {
                let e = expected.entry(id.to_string()).or_default();
                e.0.extend(role);
                e.1.extend(login.map(str::to_string));
            };
            match a.principal_type.as_str() {
                "User" => add(&a.principal_id, a.principal_login.as_deref()),
                "Group" => {
                    for m in members.get(a.principal_id.as_str()).into_iter().flatten() {
                        if m.kind == "user" {
                            add(&m.id, m.login.as_deref());
                        }
                    }
                }
                _ => {}
            }
        }
        let view = &model.assignments;
        let got: BTreeMap<String, (BTreeSet<usize>, Option<&str>)> = view
            .entra_users
            .iter()
            .map(|u| {
                let roles = view.user_roles(u).iter().copied().collect();
                (u.principal(azure).id, (roles, u.login(azure)))
            })
            .collect();
        assert_eq!(got.len(), view.entra_users.len(), "each user once");
        assert_eq!(got.len(), expected.len());
        assert!(
            got.values().any(|(roles, _)| roles.len() > 1),
            "the demo has a user with two roles"
        );
        for (id, (roles, logins)) in &expected {
            let (r, l) = &got[id];
            assert_eq!(r, roles, "{id}");
            assert_eq!(l.is_some(), !logins.is_empty(), "{id}");
            assert!(l.is_none_or(|l| logins.contains(l)), "{id}");
        }
    }

    #[test]
    fn logins_join_case_insensitively_and_only_with_themselves() {
        let model = demo();
        let azure = model.azure.as_ref().expect("azure");
        let user = model
            .assignments
            .entra_users
            .iter()
            .find(|u| u.login(azure).is_some())
            .expect("a user with a login");
        let login = user.login(azure).expect("login");
        let shouted = login.to_uppercase();
        let found = model.assigned(&shouted);
        assert!(
            found.iter().any(|a| a.source == Kind::Azure),
            "{shouted}: {found:?}"
        );
        assert_eq!(found, model.assigned(login));
        assert!(model.assigned(&format!("x{login}")).is_empty());
        assert!(model.assigned("").is_empty());
    }
}
