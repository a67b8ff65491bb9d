//! Entra ID over Microsoft Graph: the Sigma app's service principal (its `appRoles` are the
//! effective set), the application object (where a role is defined) and, with assignments,
//! `appRoleAssignedTo`, the direct members of assigned groups and the logins of assigned users,
//! looked up in batches (see `shared/api/entra.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::Value;

use super::http::{Auth, Context, Http, Paging, RetryPolicy};
use super::{AzureSource, Failure, FetchError, display_url, join, rfc3339};
use crate::snapshot::azure::{AppRoleRecord, AssignmentRecord, AzureApp, GroupMemberRecord};
use crate::snapshot::{AzureSnapshot, Kind, SCHEMA_VERSION, Text};

/// How many ids one `id in (...)` user look-up carries (Graph allows 15 values in `in`).
pub const USERS_PER_LOOKUP: usize = 15;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServicePrincipal {
    id: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    app_roles: Vec<AppRole>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppRole {
    id: String,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default = "yes")]
    is_enabled: bool,
    #[serde(default)]
    allowed_member_types: Vec<String>,
    #[serde(default)]
    origin: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Assignment {
    id: String,
    app_role_id: String,
    principal_id: String,
    #[serde(default)]
    principal_type: Option<String>,
    #[serde(default)]
    principal_display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DirectoryObject {
    id: String,
    #[serde(default, rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    user_principal_name: Option<String>,
    #[serde(default)]
    mail: Option<String>,
}

impl DirectoryObject {
    fn login(&self) -> Option<String> {
        self.mail
            .clone()
            .filter(|m| !m.is_empty())
            .or_else(|| self.user_principal_name.clone())
    }
}

fn is_guid_like(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

pub async fn fetch(
    source: &AzureSource,
    with_assignments: bool,
    ctx: Context,
) -> Result<AzureSnapshot, FetchError> {
    let graph = &source.graph_url;
    let api = join(graph, "/v1.0");
    let scope = format!("{}/.default", display_url(graph));
    let token_url = join(
        &source.authority_host,
        &format!("/{}/oauth2/v2.0/token", source.tenant_id),
    );
    let auth = Auth::client_credentials(
        token_url,
        "POST /{tenant}/oauth2/v2.0/token",
        vec![
            ("client_id", source.client_id.expose().to_string()),
            ("scope", scope),
            ("client_secret", source.client_secret.expose().to_string()),
            ("grant_type", "client_credentials".into()),
        ],
    );
    let http = Http::new(ctx.clone(), RetryPolicy::GRAPH, graph, auth)?;
    let taken_at = rfc3339(SystemTime::now());
    let app_id = &source.sigma_app_id;

    // The service principal: its appRoles are the effective set.
    let endpoint = "GET /v1.0/servicePrincipals";
    let mut url = join(&api, "/servicePrincipals");
    url.query_pairs_mut()
        .append_pair("$filter", &format!("appId eq '{app_id}'"))
        .append_pair("$select", "id,appId,displayName,appRoles");
    let mut sps: Vec<ServicePrincipal> = http.get_all(&url, endpoint, Paging::NextLink).await?;
    let sp = match sps.len() {
        1 => sps.remove(0),
        0 => {
            return Err(ctx.fail(
                endpoint,
                Failure::Other(format!(
                    "no service principal has appId {app_id} in tenant {}; check azure.sigma_app_id",
                    source.tenant_id
                )),
            ));
        }
        n => {
            return Err(ctx.fail(
                endpoint,
                Failure::Other(format!("{n} service principals have appId {app_id}")),
            ));
        }
    };
    if !is_guid_like(&sp.id) {
        return Err(ctx.fail(
            endpoint,
            Failure::Malformed {
                detail: "the service principal id is not a GUID".into(),
            },
        ));
    }

    // The application object says which roles the registration defines. It may live in another
    // tenant (multi-tenant apps) or be unreadable; then the SP's own `origin` stands.
    let endpoint_app = "GET /v1.0/applications(appId='{appId}')";
    let mut url = join(&api, &format!("/applications(appId='{app_id}')"));
    url.query_pairs_mut()
        .append_pair("$select", "id,appId,appRoles");
    let registered: Option<BTreeSet<String>> = match http.get(&url, endpoint_app).await {
        Ok(resp) => resp
            .body
            .get("appRoles")
            .and_then(Value::as_array)
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect()
            }),
        Err(FetchError::Failed {
            failure: Failure::Status {
                status: 403 | 404, ..
            },
            ..
        }) => {
            ctx.note("the application object could not be read (403/404); role origins come from the service principal");
            None
        }
        Err(e) => return Err(e),
    };

    let app_roles: Vec<AppRoleRecord> = sp
        .app_roles
        .into_iter()
        .map(|r| {
            let origin = r.origin.or_else(|| {
                registered.as_ref().map(|ids| {
                    if ids.contains(&r.id) {
                        "Application".to_string()
                    } else {
                        "ServicePrincipal".to_string()
                    }
                })
            });
            AppRoleRecord {
                display_name: r.display_name.unwrap_or_default(),
                id: r.id,
                value: r.value,
                description: r.description,
                is_enabled: r.is_enabled,
                allowed_member_types: r.allowed_member_types,
                origin,
            }
        })
        .collect();

    let (assignments, group_members) = if with_assignments {
        let endpoint = "GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo";
        let mut url = join(
            &api,
            &format!("/servicePrincipals/{}/appRoleAssignedTo", sp.id),
        );
        url.query_pairs_mut().append_pair("$top", "999");
        let raw: Vec<Assignment> = http.get_all(&url, endpoint, Paging::NextLink).await?;

        // Direct members of assigned groups; on 403 leave them unexpanded and say so.
        let groups: BTreeSet<&str> = raw
            .iter()
            .filter(|a| a.principal_type.as_deref() == Some("Group"))
            .map(|a| a.principal_id.as_str())
            .collect();
        let mut members: Option<BTreeMap<String, Vec<GroupMemberRecord>>> = Some(BTreeMap::new());
        let endpoint = "GET /v1.0/groups/{id}/members";
        for group in &groups {
            if !is_guid_like(group) {
                return Err(ctx.fail(
                    endpoint,
                    Failure::Malformed {
                        detail: format!("group id `{group}` is not a GUID"),
                    },
                ));
            }
            let mut url = join(&api, &format!("/groups/{group}/members"));
            url.query_pairs_mut()
                .append_pair("$select", "id,displayName,userPrincipalName,mail")
                .append_pair("$top", "999");
            match http
                .get_all::<DirectoryObject>(&url, endpoint, Paging::NextLink)
                .await
            {
                Ok(items) => {
                    let list = items
                        .into_iter()
                        .filter_map(|m| {
                            let kind = match m.odata_type.as_deref() {
                                Some("#microsoft.graph.user") => "user",
                                Some("#microsoft.graph.group") => "group",
                                _ => return None,
                            };
                            Some(GroupMemberRecord {
                                login: m.login().map(Text::from),
                                id: m.id.into(),
                                kind: kind.into(),
                                display_name: m.display_name.map(Text::from),
                            })
                        })
                        .collect();
                    if let Some(map) = &mut members {
                        map.insert((*group).to_string(), list);
                    }
                }
                Err(FetchError::Failed {
                    failure: Failure::Status { status: 403, .. },
                    ..
                }) => {
                    ctx.note(format!(
                        "{} assigned group(s) left unexpanded: reading group members was denied (403); grant GroupMember.Read.All to see who they reach",
                        groups.len()
                    ));
                    members = None;
                    break;
                }
                Err(e) => return Err(e),
            }
        }

        // Logins of assigned users, 15 ids per request, never one request per user.
        let users: Vec<&str> = raw
            .iter()
            .filter(|a| a.principal_type.as_deref() == Some("User"))
            .map(|a| a.principal_id.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut logins: BTreeMap<String, String> = BTreeMap::new();
        let endpoint = "GET /v1.0/users";
        for chunk in users.chunks(USERS_PER_LOOKUP) {
            if let Some(bad) = chunk.iter().find(|id| !is_guid_like(id)) {
                return Err(ctx.fail(
                    endpoint,
                    Failure::Malformed {
                        detail: format!("user id `{bad}` is not a GUID"),
                    },
                ));
            }
            let list = chunk
                .iter()
                .map(|id| format!("'{id}'"))
                .collect::<Vec<_>>()
                .join(",");
            let mut url = join(&api, "/users");
            url.query_pairs_mut()
                .append_pair("$filter", &format!("id in ({list})"))
                .append_pair("$select", "id,mail,userPrincipalName")
                .append_pair("$top", "999");
            match http
                .get_all::<DirectoryObject>(&url, endpoint, Paging::NextLink)
                .await
            {
                Ok(items) => {
                    for u in items {
                        if let Some(l) = u.login() {
                            logins.insert(u.id, l);
                        }
                    }
                }
                Err(FetchError::Failed {
                    failure: Failure::Status { status: 403, .. },
                    ..
                }) => {
                    ctx.note("user logins not looked up: reading users was denied (403); grant User.ReadBasic.All to see them");
                    break;
                }
                Err(e) => return Err(e),
            }
        }

        let assignments: Vec<AssignmentRecord> = raw
            .into_iter()
            .map(|a| AssignmentRecord {
                principal_login: logins.get(&a.principal_id).map(Text::from),
                id: a.id.into(),
                app_role_id: a.app_role_id.into(),
                principal_type: a.principal_type.unwrap_or_default().into(),
                principal_id: a.principal_id.into(),
                principal_display_name: a.principal_display_name.map(Text::from),
            })
            .collect();
        (Some(assignments), members)
    } else {
        (None, None)
    };

    ctx.done(format!(
        "{} app roles{}",
        app_roles.len(),
        assignments
            .as_ref()
            .map(|a| format!(", {} assignments", a.len()))
            .unwrap_or_default()
    ));
    Ok(AzureSnapshot {
        kind: Kind::Azure,
        schema_version: SCHEMA_VERSION,
        taken_at,
        origin: format!(
            "{} tenant {} app {}",
            display_url(graph),
            source.tenant_id,
            app_id
        ),
        app: AzureApp {
            app_id: app_id.clone(),
            service_principal_id: sp.id,
            display_name: sp.display_name,
        },
        app_roles,
        assignments,
        group_members,
    })
}
