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
                    id: format!("mbr_{i:08}"),
                    email: format!("user{i:07}@example.com"),
                    member_type: TYPES[(i + usize::from(i % 40 == 0)) % TYPES.len()]
                        .0
                        .to_string(),
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
                    id: format!("00u{i:017}"),
                    user_name: format!("user{i:07}@example.com"),
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
                    user_type: assigned(i),
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
                            id: format!("u-{u:08}"),
                            kind: "user".into(),
                            display_name: None,
                            login: Some(format!("user{u:07}@example.com")),
                        }
                    })
                    .collect();
                group_members.insert(format!("g-{i:08}"), members);
                AssignmentRecord {
                    id: format!("asg-{i:08}"),
                    app_role_id: role,
                    principal_type: "Group".into(),
                    principal_id: format!("g-{i:08}"),
                    principal_display_name: Some(format!("Group {i}")),
                    principal_login: None,
                }
            } else {
                AssignmentRecord {
                    id: format!("asg-{i:08}"),
                    app_role_id: role,
                    principal_type: "User".into(),
                    principal_id: format!("u-{i:08}"),
                    principal_display_name: Some(format!("User {i}")),
                    principal_login: Some(format!("user{i:07}@example.com")),
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
        snapshot::save(&out.join(s.kind().file_name()), &s)?;
    }
    Ok(())
}
