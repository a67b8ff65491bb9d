//! Writes a large synthetic org as snapshots, for the scale benchmark:
//!
//! ```sh
//! cargo run --release --example generate_org -- /tmp/org-200k 200000
//! ```
//!
//! N Okta app users, N Entra assignments (direct users, plus groups with expanded members) and
//! N/2 Sigma members; a few percent of them carry each kind of drift.

use std::path::PathBuf;

use sigma_idp_lint::snapshot::azure::{
    AppRoleRecord, AssignmentRecord, AzureApp, GroupMemberRecord,
};
use sigma_idp_lint::snapshot::okta::{
    EnumMember, OktaApp, OktaAppUser, OktaGroupAssignment, OneOfMember, SchemaPart,
    UserTypeAttribute,
};
use sigma_idp_lint::snapshot::sigma::{AccountTypeRecord, MemberRecord};
use sigma_idp_lint::snapshot::{self, AzureSnapshot, Kind, OktaSnapshot, SigmaSnapshot, Snapshot};

const TYPES: [(&str, bool); 8] = [
    ("Admin", false),
    ("Act", false),
    ("Analyze", false),
    ("Build", false),
    ("View", false),
    ("Data_Analyst", true),
    ("Finance_Analyst", true),
    ("Marketing", true),
];

fn expected(i: usize) -> String {
    let (name, custom) = TYPES[i % TYPES.len()];
    if custom {
        name.to_string()
    } else {
        name.to_lowercase()
    }
}

/// User `i`'s login, as long as a typical corporate address (more than the 24 bytes a short
/// string keeps inline).
fn login(i: usize) -> String {
    format!("person.{i:07}@example-corp.com")
}

/// A GUID-shaped Entra object id: `kind` tells users (1) from groups (2).
fn object_id(kind: u8, i: usize) -> String {
    format!(
        "{kind:08x}-{:04x}-4{:03x}-8{:03x}-{i:012x}",
        i >> 24 & 0xffff,
        i & 0xfff,
        i >> 12 & 0xfff
    )
}

/// A 43-character assignment id, the length Graph uses.
fn assignment_id(i: usize) -> String {
    format!("nBjMh1rpyg6Jx9ai8P_8p2fgPqhWnUhw{i:011}")
}

/// What user `i` is assigned: mostly valid, some drift of every kind.
fn assigned(i: usize) -> Option<String> {
    match i % 50 {
        0 => None,
        1 => Some("Build".into()),
        2 => Some("viewer".into()),
        3 => Some("Markteing".into()),
        _ => Some(expected(i)),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: generate_org OUT_DIR N")?);
    let n: usize = args
        .next()
        .ok_or("usage: generate_org OUT_DIR N")?
        .parse()?;
    let now = "2026-12-04T06:00:00Z".to_string();

    let sigma = SigmaSnapshot {
        kind: Kind::Sigma,
        schema_version: snapshot::SCHEMA_VERSION,
        taken_at: now.clone(),
        origin: "https://api.sigmacomputing.com".into(),
        account_types: TYPES
            .iter()
            .enumerate()
            .map(|(i, (name, is_custom))| AccountTypeRecord {
                id: format!("at-{i}"),
                name: name.to_string(),
                description: None,
                is_custom: *is_custom,
            })
            .collect(),
        members: Some(
            (0..n / 2)
                .map(|i| MemberRecord {
                    id: format!("mbr_{i:08}").into(),
                    email: login(i).into(),
                    member_type: TYPES[(i + usize::from(i % 40 == 0)) % TYPES.len()].0.into(),
                    name: None,
                    is_inactive: i % 97 == 0,
                    is_archived: false,
                })
                .collect(),
        ),
    };

    let values: Vec<String> = (0..TYPES.len()).map(expected).collect();
    let okta = OktaSnapshot {
        kind: Kind::Okta,
        schema_version: snapshot::SCHEMA_VERSION,
        taken_at: now.clone(),
        origin: "https://example.okta.com apps/0oabench".into(),
        app: OktaApp {
            id: "0oabench".into(),
            label: "Sigma Computing".into(),
        },
        attribute: Some(UserTypeAttribute {
            variable: "userType".into(),
            found_in: SchemaPart::Custom,
            title: Some("User Type".into()),
            data_type: "string".into(),
            enum_values: Some(values.iter().cloned().map(EnumMember::Text).collect()),
            one_of: Some(
                values
                    .iter()
                    .zip(TYPES)
                    .map(|(v, (name, _))| OneOfMember {
                        value: EnumMember::Text(v.clone()),
                        title: name.to_string(),
                    })
                    .collect(),
            ),
        }),
        app_users: Some(
            (0..n)
                .map(|i| OktaAppUser {
                    id: format!("00u{i:017}").into(),
                    user_name: login(i).into(),
                    scope: if i % 3 == 0 {
                        "GROUP".into()
                    } else {
                        "USER".into()
                    },
                    status: "PROVISIONED".into(),
                    sync_state: if i % 200 == 1 {
                        "ERROR".into()
                    } else {
                        "SYNCHRONIZED".into()
                    },
                    user_type: assigned(i).map(Into::into),
                    external_id: None,
                })
                .collect(),
        ),
        group_assignments: Some(
            (0..TYPES.len())
                .map(|i| OktaGroupAssignment {
                    id: format!("00g{i:017}"),
                    name: Some(format!("Sigma {}", TYPES[i].0)),
                    priority: Some(i as i64),
                    user_type: Some(expected(i)),
                })
                .collect(),
        ),
    };

    let mut roles: Vec<AppRoleRecord> = (0..TYPES.len())
        .map(|i| AppRoleRecord {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            value: Some(expected(i)),
            display_name: TYPES[i].0.to_string(),
            description: None,
            is_enabled: i != 2,
            allowed_member_types: vec!["User".into()],
            origin: Some("Application".into()),
        })
        .collect();
    roles.push(AppRoleRecord {
        id: "b9bf6c85-d064-488d-981c-40cd81a0b28a".into(),
        value: None,
        display_name: "msiam_access".into(),
        description: None,
        is_enabled: true,
        allowed_member_types: vec!["User".into()],
        origin: Some("Application".into()),
    });
    let groups = 100;
    let mut group_members = std::collections::BTreeMap::new();
    let assignments = (0..n)
        .map(|i| {
            let role = match i % 60 {
                0 => "00000000-0000-0000-0000-000000000000".to_string(),
                1 => "deadbeef-0000-4000-8000-000000000000".to_string(),
                _ => roles[i % TYPES.len()].id.clone(),
            };
            if i < groups {
                // Groups whose members are listed; each member also holds a direct role.
                let members = (0..50)
                    .map(|k| {
                        let u = (i * 50 + k) % n;
                        GroupMemberRecord {
                            id: object_id(1, u).into(),
                            kind: "user".into(),
                            display_name: None,
                            login: Some(login(u).into()),
                        }
                    })
                    .collect();
                group_members.insert(object_id(2, i), members);
                AssignmentRecord {
                    id: assignment_id(i).into(),
                    app_role_id: role.into(),
                    principal_type: "Group".into(),
                    principal_id: object_id(2, i).into(),
                    principal_display_name: Some(format!("Group {i}").into()),
                    principal_login: None,
                }
            } else {
                AssignmentRecord {
                    id: assignment_id(i).into(),
                    app_role_id: role.into(),
                    principal_type: "User".into(),
                    principal_id: object_id(1, i).into(),
                    principal_display_name: Some(format!("User {i}").into()),
                    principal_login: Some(login(i).into()),
                }
            }
        })
        .collect();
    let azure = AzureSnapshot {
        kind: Kind::Azure,
        schema_version: snapshot::SCHEMA_VERSION,
        taken_at: now,
        origin: "https://graph.microsoft.com tenants/bench".into(),
        app: AzureApp {
            app_id: "app-bench".into(),
            service_principal_id: "sp-bench".into(),
            display_name: Some("Sigma Computing".into()),
        },
        app_roles: roles,
        assignments: Some(assignments),
        group_members: Some(group_members),
    };

    for s in [
        Snapshot::Sigma(sigma),
        Snapshot::Okta(okta),
        Snapshot::Azure(azure),
    ] {
        snapshot::save(&out.join(s.kind().file_name()), s)?;
    }
    Ok(())
}
