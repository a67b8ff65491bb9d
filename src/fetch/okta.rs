//! Okta: the Sigma app (by id or exact label), its user schema's User Type attribute and, with
//! assignments, its app users and group assignments (see `shared/api/okta.md`). All
//! `/api/v1/apps/*` calls share one small rate-limit bucket, so every request here is sequential.

use std::time::SystemTime;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::http::{Auth, Context, Http, Paging, RetryPolicy};
use super::{
    Failure, FetchError, OktaAppRef, OktaCredential, OktaSource, display_url, join, rfc3339,
};
use crate::snapshot::okta::{
    EnumMember, OktaApp, OktaAppUser, OktaGroupAssignment, OneOfMember, SchemaPart,
    UserTypeAttribute,
};
use crate::snapshot::{Kind, OktaSnapshot, SCHEMA_VERSION, Text};

#[derive(Deserialize)]
struct App {
    id: String,
    #[serde(default)]
    label: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppUser {
    id: String,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    sync_state: Option<String>,
    #[serde(default)]
    credentials: Option<Credentials>,
    #[serde(default)]
    profile: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Credentials {
    #[serde(default)]
    user_name: Option<String>,
}

#[derive(Deserialize)]
struct GroupAssignment {
    id: String,
    #[serde(default)]
    priority: Option<i64>,
    #[serde(default)]
    profile: Map<String, Value>,
}

/// A profile attribute as the string Okta would send (`null` when missing or null).
fn profile_text(profile: &Map<String, Value>, key: &str) -> Option<String> {
    match profile.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The attribute `variable` in `definitions.custom`, then `definitions.base`.
pub fn find_attribute(schema: &Value, variable: &str) -> Result<Option<UserTypeAttribute>, String> {
    for (part, key) in [(SchemaPart::Custom, "custom"), (SchemaPart::Base, "base")] {
        let Some(attr) = schema
            .get("definitions")
            .and_then(|d| d.get(key))
            .and_then(|d| d.get("properties"))
            .and_then(|p| p.get(variable))
        else {
            continue;
        };
        let text = |k: &str| attr.get(k).and_then(Value::as_str).map(str::to_string);
        let enum_values = match attr.get("enum") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                serde_json::from_value::<Vec<EnumMember>>(v.clone()).map_err(|e| {
                    format!("`{variable}.enum` is not a list of strings or integers ({e})")
                })?,
            ),
        };
        let one_of = match attr.get("oneOf") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                serde_json::from_value::<Vec<OneOfMember>>(v.clone()).map_err(|e| {
                    format!("`{variable}.oneOf` is not a list of {{const, title}} ({e})")
                })?,
            ),
        };
        return Ok(Some(UserTypeAttribute {
            variable: variable.to_string(),
            found_in: part,
            title: text("title"),
            data_type: text("type").unwrap_or_else(|| "string".into()),
            enum_values,
            one_of,
        }));
    }
    Ok(None)
}

pub async fn fetch(
    source: &OktaSource,
    with_assignments: bool,
    ctx: Context,
) -> Result<OktaSnapshot, FetchError> {
    let org = &source.org_url;
    let header = match &source.credential {
        OktaCredential::ApiToken(t) => format!("SSWS {}", t.expose()),
        OktaCredential::AccessToken(t) => format!("Bearer {}", t.expose()),
    };
    let auth = Auth::static_header(&header).map_err(|f| ctx.fail("credentials", f))?;
    let http = Http::new(ctx.clone(), RetryPolicy::OKTA, org, auth)?;
    let taken_at = rfc3339(SystemTime::now());

    let app = match &source.app {
        OktaAppRef::Id(id) => {
            let endpoint = "GET /api/v1/apps/{appId}";
            let body = http
                .get(&join(org, &format!("/api/v1/apps/{id}")), endpoint)
                .await?
                .body;
            let app: App = serde_json::from_value(body).map_err(|e| {
                ctx.fail(
                    endpoint,
                    Failure::Malformed {
                        detail: e.to_string(),
                    },
                )
            })?;
            OktaApp {
                label: app.label.unwrap_or_default(),
                id: app.id,
            }
        }
        OktaAppRef::Label(label) => {
            let endpoint = "GET /api/v1/apps";
            let mut url = join(org, "/api/v1/apps");
            url.query_pairs_mut()
                .append_pair("q", label)
                .append_pair("limit", "200");
            let mut matches: Vec<App> = http
                .get_all::<App>(&url, endpoint, Paging::LinkHeader)
                .await?
                .into_iter()
                .filter(|a| a.label.as_deref() == Some(label.as_str()))
                .collect();
            match matches.len() {
                1 => {
                    let a = matches.remove(0);
                    OktaApp {
                        id: a.id,
                        label: label.clone(),
                    }
                }
                0 => {
                    return Err(ctx.fail(
                        endpoint,
                        Failure::Other(format!(
                            "no app is labelled exactly \"{label}\"; set okta.app_id instead"
                        )),
                    ));
                }
                n => {
                    let ids: Vec<String> = matches.into_iter().map(|a| a.id).collect();
                    return Err(ctx.fail(
                        endpoint,
                        Failure::Other(format!(
                            "{n} apps are labelled \"{label}\" ({}); set okta.app_id to the Sigma one",
                            ids.join(", ")
                        )),
                    ));
                }
            }
        }
    };
    let app_id = app.id.clone();
    if app_id.is_empty() || !app_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ctx.fail(
            "GET /api/v1/apps",
            Failure::Malformed {
                detail: "the app id is not alphanumeric".into(),
            },
        ));
    }

    let endpoint = "GET /api/v1/meta/schemas/apps/{appId}/default";
    let schema = http
        .get(
            &join(org, &format!("/api/v1/meta/schemas/apps/{app_id}/default")),
            endpoint,
        )
        .await?
        .body;
    let attribute = find_attribute(&schema, &source.attribute)
        .map_err(|detail| ctx.fail(endpoint, Failure::Malformed { detail }))?;
    let (app_users, group_assignments) = if with_assignments {
        let endpoint = "GET /api/v1/apps/{appId}/users";
        let mut url = join(org, &format!("/api/v1/apps/{app_id}/users"));
        url.query_pairs_mut().append_pair("limit", "500");
        let users: Vec<OktaAppUser> = http
            .get_each(&url, endpoint, Paging::LinkHeader, |u: AppUser| {
                OktaAppUser {
                    user_type: profile_text(&u.profile, &source.attribute).map(Text::from),
                    user_name: u
                        .credentials
                        .and_then(|c| c.user_name)
                        .unwrap_or_default()
                        .into(),
                    id: u.id.into(),
                    scope: u.scope.unwrap_or_default().into(),
                    status: u.status.unwrap_or_default().into(),
                    sync_state: u.sync_state.unwrap_or_default().into(),
                    external_id: u.external_id.map(Text::from),
                }
            })
            .await?;

        let endpoint = "GET /api/v1/apps/{appId}/groups";
        let mut url = join(org, &format!("/api/v1/apps/{app_id}/groups"));
        url.query_pairs_mut().append_pair("limit", "200");
        let groups: Vec<OktaGroupAssignment> = http
            .get_all::<GroupAssignment>(&url, endpoint, Paging::LinkHeader)
            .await?
            .into_iter()
            .map(|g| OktaGroupAssignment {
                user_type: profile_text(&g.profile, &source.attribute),
                id: g.id,
                name: None,
                priority: g.priority,
            })
            .collect();
        (Some(users), Some(groups))
    } else {
        (None, None)
    };

    ctx.done(format!(
        "app {}, {} values{}",
        app.id,
        attribute
            .as_ref()
            .and_then(|a| a.enum_values.as_ref())
            .map_or(0, Vec::len),
        match (&app_users, &group_assignments) {
            (Some(u), Some(g)) => format!(", {} app users, {} group assignments", u.len(), g.len()),
            _ => String::new(),
        }
    ));
    Ok(OktaSnapshot {
        kind: Kind::Okta,
        schema_version: SCHEMA_VERSION,
        taken_at,
        origin: format!("{} apps/{}", display_url(org), app.id),
        app,
        attribute,
        app_users,
        group_assignments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_is_looked_up_in_custom_then_base() {
        let schema: Value = serde_json::json!({
            "definitions": {
                "custom": {"properties": {"userType": {"title": "User Type", "type": "string",
                    "enum": ["admin", 3], "oneOf": [{"const": "admin", "title": "Admin"}]}}},
                "base": {"properties": {"userType": {"type": "string"}, "role": {"type": "string"}}}
            }
        });
        let a = find_attribute(&schema, "userType").unwrap().unwrap();
        assert_eq!(a.found_in, SchemaPart::Custom);
        assert_eq!(a.enum_values.unwrap()[1], EnumMember::Integer(3));
        let r = find_attribute(&schema, "role").unwrap().unwrap();
        assert_eq!(r.found_in, SchemaPart::Base);
        assert_eq!(r.enum_values, None);
        assert!(find_attribute(&schema, "nope").unwrap().is_none());
    }
}
