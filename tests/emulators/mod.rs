//! Emulated Sigma, Okta and Graph (+ Entra token) APIs over real HTTP on loopback, built from the
//! payload shapes in `shared/api/*.md`. One axum server answers all three path spaces; every
//! request is logged (method, path, query, Authorization) so tests can count them, and faults
//! can be queued per path.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const SIGMA_CLIENT_ID: &str = "SECRET-sigma-client-id-7f3a";
pub const SIGMA_CLIENT_SECRET: &str = "SECRET-sigma-client-secret-91bc";
pub const OKTA_API_TOKEN: &str = "SECRET-okta-api-token-00aa";
pub const AZURE_CLIENT_ID: &str = "SECRET-azure-client-id-55de";
pub const AZURE_CLIENT_SECRET: &str = "SECRET-azure-client-secret-c0ff";
pub const TENANT: &str = "contoso.onmicrosoft.com";
pub const OKTA_APP_ID: &str = "0oaSIGMA1";
pub const OKTA_APP_LABEL: &str = "Sigma Computing";
pub const AZURE_APP_ID: &str = "930e3938-2edd-4abb-b4c5-41747c93503b";
pub const SP_ID: &str = "f4d7034a-58a2-48a0-8734-a100dd0684c8";

/// What the emulated tenants hold.
#[derive(Debug, Clone)]
pub struct Data {
    /// Sigma account types (name, is_custom).
    pub sigma_types: Vec<(String, bool)>,
    /// The emulator returns at most this many account types a page, whatever is asked.
    pub sigma_types_page: usize,
    pub sigma_members: usize,
    pub okta_users: usize,
    pub okta_groups: usize,
    /// Okta enum values of `userType` (custom schema).
    pub okta_values: Vec<String>,
    pub graph_user_assignments: usize,
    pub graph_group_assignments: usize,
    pub group_members_forbidden: bool,
    /// Entra role values (besides msiam_access).
    pub role_values: Vec<String>,
    /// Sigma: always answer with the same `nextPageToken`.
    pub sigma_repeat_cursor: bool,
    /// Assignments with every kind of drift (see `okta_user` and `graph_assignment`) instead of
    /// all-valid ones; the second Entra role is then disabled.
    pub mixed: bool,
}

impl Default for Data {
    fn default() -> Self {
        let types = ["Admin", "Build", "Analyze", "Act", "View"];
        let mut sigma_types: Vec<(String, bool)> =
            types.iter().map(|t| (t.to_string(), false)).collect();
        sigma_types.push(("Analyst".into(), true));
        let values: Vec<String> = ["admin", "build", "analyze", "act", "view", "Analyst"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Data {
            sigma_types,
            sigma_types_page: 1000,
            sigma_members: 3,
            okta_users: 3,
            okta_groups: 2,
            okta_values: values.clone(),
            graph_user_assignments: 3,
            graph_group_assignments: 1,
            group_members_forbidden: false,
            role_values: values,
            sigma_repeat_cursor: false,
            mixed: false,
        }
    }
}

/// A canned answer, served instead of the normal one.
#[derive(Debug, Clone)]
pub enum Fault {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Sleep, then answer normally.
    Slow(Duration),
}

impl Fault {
    pub fn status(status: u16, headers: &[(&str, &str)], body: &str) -> Fault {
        Fault::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: Option<String>,
}

struct FaultSlot {
    path: String,
    /// `None`: every time.
    times: Option<usize>,
    fault: Fault,
}

pub struct Shared {
    pub data: Mutex<Data>,
    faults: Mutex<Vec<FaultSlot>>,
    pub log: Mutex<Vec<Logged>>,
    base: OnceLock<String>,
    sigma_tokens: Mutex<usize>,
    azure_tokens: Mutex<usize>,
}

pub struct Emulator {
    pub url: String,
    pub shared: Arc<Shared>,
}

impl Emulator {
    pub fn start(data: Data) -> Emulator {
        let shared = Arc::new(Shared {
            data: Mutex::new(data),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            base: OnceLock::new(),
            sigma_tokens: Mutex::new(0),
            azure_tokens: Mutex::new(0),
        });
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        let state = shared.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send");
                let app = Router::new().fallback(handle).with_state(state);
                axum::serve(listener, app).await.expect("serve");
            });
        });
        let addr = rx.recv().expect("emulator address");
        let url = format!("http://{addr}");
        let _ = shared.base.set(url.clone());
        Emulator { url, shared }
    }

    /// Serves `fault` for `path` the next `times` requests (`None`: always).
    pub fn fault(&self, path: &str, times: Option<usize>, fault: Fault) {
        self.shared.faults.lock().unwrap().push(FaultSlot {
            path: path.to_string(),
            times,
            fault,
        });
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.shared.log.lock().unwrap().clone()
    }

    /// How many requests went to exactly `path`.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|l| l.method == method && l.path == path)
            .count()
    }

    pub fn clear_log(&self) {
        self.shared.log.lock().unwrap().clear();
    }
}

fn take_fault(shared: &Shared, path: &str) -> Option<Fault> {
    let mut faults = shared.faults.lock().unwrap();
    let i = faults.iter().position(|f| f.path == path)?;
    let fault = faults[i].fault.clone();
    if let Some(n) = &mut faults[i].times {
        *n -= 1;
        if *n == 0 {
            faults.remove(i);
        }
    }
    Some(fault)
}

fn respond(status: u16, headers: &[(String, String)], body: String) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap(), body).into_response();
    let has_ct = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if !has_ct {
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
    }
    for (k, v) in headers {
        r.headers_mut().append(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    r
}

fn json_response(status: u16, body: Value) -> Response {
    respond(status, &[], body.to_string())
}

fn query_map(uri: &Uri) -> HashMap<String, String> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn page_bounds(offset: usize, limit: usize, total: usize) -> (usize, usize) {
    let start = offset.min(total);
    (start, (start + limit).min(total))
}

fn user_id(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}

fn group_id(i: usize) -> String {
    format!("00000000-0000-4000-9000-{i:012}")
}

fn role_id(i: usize) -> String {
    format!("00000000-0000-4000-a000-{i:012}")
}

/// An app role id the Sigma app does not have.
pub const DELETED_ROLE_ID: &str = "deadbeef-0000-4000-a000-000000000000";

/// With `Data::mixed`, Okta app user `i` is, by `i % 5`: 0 `build`; 1 `Build` (wrong case);
/// 2 no `userType`; 3 `Analyze` and already in `syncState: ERROR`; 4 `admin`.
fn okta_user(i: usize, mixed: bool) -> (Value, &'static str) {
    if !mixed {
        return (json!("build"), "SYNCHRONIZED");
    }
    match i % 5 {
        0 => (json!("build"), "SYNCHRONIZED"),
        1 => (json!("Build"), "SYNCHRONIZED"),
        2 => (Value::Null, "SYNCHRONIZED"),
        3 => (json!("Analyze"), "ERROR"),
        _ => (json!("admin"), "SYNCHRONIZED"),
    }
}

/// With `Data::mixed`, user assignment `i` is, by `i % 6`: 0 Default Access; 1 a deleted role;
/// 2 the (disabled) second role; 3 a second role (`i % roles`) for the user of assignment
/// `i - 1`; otherwise role `i % roles` for user `i`. Returns (appRoleId, principal index).
fn graph_assignment(i: usize, roles: usize, mixed: bool) -> (String, usize) {
    let normal = (role_id(i % roles.max(1)), i);
    if !mixed {
        return normal;
    }
    match i % 6 {
        0 => ("00000000-0000-0000-0000-000000000000".to_string(), i),
        1 => (DELETED_ROLE_ID.to_string(), i),
        2 => (role_id(1), i),
        3 => (role_id(i % roles.max(1)), i - 1),
        _ => normal,
    }
}

async fn handle(
    State(st): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    st.log.lock().unwrap().push(Logged {
        method: method.to_string(),
        path: path.clone(),
        query: uri.query().unwrap_or("").to_string(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    });
    match take_fault(&st, &path) {
        Some(Fault::Respond {
            status,
            headers,
            body,
        }) => return respond(status, &headers, body),
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    let q = query_map(&uri);
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let base = st.base.get().cloned().unwrap_or_default();
    let data = st.data.lock().unwrap().clone();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();

    // ---- Sigma ----
    if path == "/v2/auth/token" && method == Method::POST {
        if form.get("grant_type").map(String::as_str) != Some("client_credentials")
            || form.get("client_id").map(String::as_str) != Some(SIGMA_CLIENT_ID)
            || form.get("client_secret").map(String::as_str) != Some(SIGMA_CLIENT_SECRET)
        {
            return json_response(
                401,
                json!({"requestId": "req-sigma-token-1", "message": "Invalid client credentials", "code": "unauthorized"}),
            );
        }
        let mut n = st.sigma_tokens.lock().unwrap();
        *n += 1;
        return json_response(
            200,
            json!({"access_token": format!("sigma-access-{}", *n), "refresh_token": "rt", "token_type": "bearer", "expires_in": 3600}),
        );
    }
    if path.starts_with("/v2/") || path.starts_with("/v2.1/") {
        let current = format!("Bearer sigma-access-{}", *st.sigma_tokens.lock().unwrap());
        if auth != current {
            return json_response(
                401,
                json!({"requestId": "req-sigma-401", "message": "Token missing or malformed", "code": "unauthorized"}),
            );
        }
    }
    if path == "/v2/accountTypes" {
        let size: usize = q
            .get("pageSize")
            .and_then(|s| s.parse().ok())
            .unwrap_or(50)
            .min(1000)
            .min(data.sigma_types_page);
        let offset: usize = q
            .get("pageToken")
            .and_then(|t| t.strip_prefix("tok-"))
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let (a, b) = page_bounds(offset, size, data.sigma_types.len());
        let entries: Vec<Value> = data.sigma_types[a..b]
            .iter()
            .enumerate()
            .map(|(i, (name, custom))| json!({"accountTypeId": format!("at-{}", a + i), "accountTypeName": name, "description": "", "isCustom": custom}))
            .collect();
        let mut body = json!({ "entries": entries });
        if data.sigma_repeat_cursor {
            body["nextPageToken"] = json!("tok-1");
        } else if b < data.sigma_types.len() {
            body["nextPageToken"] = json!(format!("tok-{b}"));
        }
        return json_response(200, body);
    }
    if path == "/v2.1/members" {
        let limit: usize = q
            .get("limit")
            .and_then(|s| s.parse().ok())
            .unwrap_or(50)
            .min(1000);
        let offset: usize = q
            .get("page")
            .and_then(|t| t.strip_prefix("cur-"))
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let (a, b) = page_bounds(offset, limit, data.sigma_members);
        let entries: Vec<Value> = (a..b)
            .map(|i| json!({"organizationId": "org", "memberId": format!("mbr-{i}"), "memberType": "Build",
                "firstName": "User", "lastName": format!("{i}"), "email": format!("user{i}@example.com"),
                "profileImgUrl": null, "userKind": "internal", "isArchived": false, "isInactive": i % 7 == 0}))
            .collect();
        let next = if b < data.sigma_members {
            json!(format!("cur-{b}"))
        } else {
            Value::Null
        };
        return json_response(
            200,
            json!({"entries": entries, "nextPage": next, "total": data.sigma_members}),
        );
    }

    // ---- Okta ----
    if path.starts_with("/api/v1/") {
        if auth != format!("SSWS {OKTA_API_TOKEN}") {
            return json_response(
                401,
                json!({"errorCode": "E0000004", "errorSummary": "Authentication failed", "errorLink": "E0000004", "errorId": "oae-401", "errorCauses": []}),
            );
        }
        let app_json = json!({"id": OKTA_APP_ID, "name": "sigma_example", "label": OKTA_APP_LABEL, "status": "ACTIVE"});
        if path == format!("/api/v1/apps/{OKTA_APP_ID}") {
            return json_response(200, app_json);
        }
        if path == "/api/v1/apps" {
            let other = json!({"id": "0oaOTHER", "label": "Sigma Computing Sandbox"});
            return json_response(200, json!([app_json, other]));
        }
        if path == format!("/api/v1/meta/schemas/apps/{OKTA_APP_ID}/default") {
            let one_of: Vec<Value> = data
                .okta_values
                .iter()
                .map(|v| json!({"const": v, "title": v}))
                .collect();
            return json_response(
                200,
                json!({"id": format!("{base}/meta/schemas/apps/{OKTA_APP_ID}/default"), "definitions": {
                    "custom": {"id": "#custom", "type": "object", "properties": {"userType": {
                        "title": "User Type", "type": "string", "enum": data.okta_values, "oneOf": one_of}}},
                    "base": {"id": "#base", "type": "object", "properties": {"userName": {"title": "Username", "type": "string"}}}},
                    "type": "object"}),
            );
        }
        let users_path = format!("/api/v1/apps/{OKTA_APP_ID}/users");
        let groups_path = format!("/api/v1/apps/{OKTA_APP_ID}/groups");
        if path == users_path || path == groups_path {
            let (max, total) = if path == users_path {
                (500, data.okta_users)
            } else {
                (200, data.okta_groups)
            };
            let limit: usize = q
                .get("limit")
                .and_then(|s| s.parse().ok())
                .unwrap_or(20)
                .min(max);
            let offset: usize = q
                .get("after")
                .and_then(|t| t.strip_prefix("x"))
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let (a, b) = page_bounds(offset, limit, total);
            let items: Vec<Value> = (a..b)
                .map(|i| {
                    if path == users_path {
                        let (user_type, sync_state) = okta_user(i, data.mixed);
                        json!({"id": format!("00u{i}"), "externalId": null, "scope": if i % 2 == 0 {"USER"} else {"GROUP"},
                        "status": "PROVISIONED", "syncState": sync_state,
                        "credentials": {"userName": format!("user{i}@example.com")},
                        "profile": {"email": format!("user{i}@example.com"), "userType": user_type}})
                    } else {
                        json!({"id": format!("00g{i}"), "priority": i, "profile": {"userType": "analyze"}})
                    }
                })
                .collect();
            let mut h = vec![(
                "link".to_string(),
                format!("<{base}{path}?limit={limit}>; rel=\"self\""),
            )];
            if b < total {
                h.push((
                    "link".to_string(),
                    format!("<{base}{path}?after=x{b}&limit={limit}>; rel=\"next\""),
                ));
            }
            h.push(("x-rate-limit-remaining".into(), "50".into()));
            return respond(200, &h, Value::Array(items).to_string());
        }
        return json_response(
            404,
            json!({"errorCode": "E0000007", "errorSummary": "Not found", "errorId": "oae-404", "errorCauses": []}),
        );
    }

    // ---- Entra token ----
    if path == format!("/{TENANT}/oauth2/v2.0/token") && method == Method::POST {
        if form.get("client_id").map(String::as_str) != Some(AZURE_CLIENT_ID)
            || form.get("client_secret").map(String::as_str) != Some(AZURE_CLIENT_SECRET)
        {
            return json_response(
                401,
                json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.",
                    "error_codes": [7000215], "trace_id": "trace-entra-1", "correlation_id": "corr-1"}),
            );
        }
        let mut n = st.azure_tokens.lock().unwrap();
        *n += 1;
        return json_response(
            200,
            json!({"token_type": "Bearer", "expires_in": 3599, "access_token": format!("graph-access-{}", *n)}),
        );
    }

    // ---- Graph ----
    if path.starts_with("/v1.0/") {
        let current = format!("Bearer graph-access-{}", *st.azure_tokens.lock().unwrap());
        if auth != current {
            return json_response(
                401,
                json!({"error": {"code": "InvalidAuthenticationToken", "message": "Access token is empty.", "innerError": {"request-id": "graph-401"}}}),
            );
        }
        let roles: Vec<Value> = std::iter::once(json!({"id": "b9bf6c85-d064-488d-981c-40cd81a0b28a", "value": null,
                "displayName": "msiam_access", "description": "msiam_access", "isEnabled": true, "allowedMemberTypes": ["User"], "origin": "Application"}))
            .chain(data.role_values.iter().enumerate().map(|(i, v)| json!({"id": role_id(i), "value": v,
                "displayName": v, "description": null, "isEnabled": !(data.mixed && i == 1), "allowedMemberTypes": ["User"]})))
            .collect();
        if path == "/v1.0/servicePrincipals" {
            let filter = q.get("$filter").cloned().unwrap_or_default();
            let value = if filter == format!("appId eq '{AZURE_APP_ID}'") {
                vec![
                    json!({"id": SP_ID, "appId": AZURE_APP_ID, "displayName": "Sigma Computing", "appRoles": roles}),
                ]
            } else {
                vec![]
            };
            return json_response(200, json!({"value": value}));
        }
        if path.starts_with("/v1.0/applications(") {
            let registered: Vec<Value> = roles.into_iter().take(3).collect();
            return json_response(
                200,
                json!({"id": "app-object", "appId": AZURE_APP_ID, "appRoles": registered}),
            );
        }
        if path == format!("/v1.0/servicePrincipals/{SP_ID}/appRoleAssignedTo") {
            let top: usize = q
                .get("$top")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100)
                .min(999);
            let offset: usize = q
                .get("$skiptoken")
                .and_then(|t| t.strip_prefix("skip"))
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let total = data.graph_user_assignments + data.graph_group_assignments;
            let (a, b) = page_bounds(offset, top, total);
            let value: Vec<Value> = (a..b)
                .map(|i| {
                    let role = role_id(i % data.role_values.len().max(1));
                    if i < data.graph_user_assignments {
                        let (role, who) = graph_assignment(i, data.role_values.len(), data.mixed);
                        json!({"id": format!("asg-{i}"), "appRoleId": role, "principalId": user_id(who),
                            "principalType": "User", "principalDisplayName": format!("User {who}"), "resourceId": SP_ID})
                    } else {
                        let g = i - data.graph_user_assignments;
                        json!({"id": format!("asg-{i}"), "appRoleId": role, "principalId": group_id(g),
                            "principalType": "Group", "principalDisplayName": format!("Group {g}"), "resourceId": SP_ID})
                    }
                })
                .collect();
            let mut body = json!({"@odata.context": "ctx", "value": value});
            if b < total {
                body["@odata.nextLink"] =
                    json!(format!("{base}{path}?$top={top}&$skiptoken=skip{b}"));
            }
            return json_response(200, body);
        }
        if path.starts_with("/v1.0/groups/") && path.ends_with("/members") {
            if data.group_members_forbidden {
                return json_response(
                    403,
                    json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation.",
                        "innerError": {"request-id": "graph-403"}}}),
                );
            }
            return json_response(
                200,
                json!({"value": [
                    {"@odata.type": "#microsoft.graph.user", "id": user_id(9000), "displayName": "Member One", "userPrincipalName": "member.one@example.com"},
                    {"@odata.type": "#microsoft.graph.group", "id": group_id(9000), "displayName": "Nested"},
                    {"@odata.type": "#microsoft.graph.device", "id": "dev-1", "displayName": "Laptop"}
                ]}),
            );
        }
        if path == "/v1.0/users" {
            let filter = q.get("$filter").cloned().unwrap_or_default();
            let ids: Vec<String> = filter
                .trim_start_matches("id in (")
                .trim_end_matches(')')
                .split(',')
                .map(|s| s.trim().trim_matches('\'').to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if ids.len() > 15 {
                return json_response(
                    400,
                    json!({"error": {"code": "Request_UnsupportedQuery", "message": "Too many values in the in operator."}}),
                );
            }
            let value: Vec<Value> = ids
                .iter()
                .map(|id| json!({"id": id, "mail": format!("{id}@example.com"), "userPrincipalName": format!("{id}@contoso.com")}))
                .collect();
            return json_response(200, json!({"value": value}));
        }
        return json_response(
            404,
            json!({"error": {"code": "Request_ResourceNotFound", "message": "Not found."}}),
        );
    }

    json_response(404, json!({"message": "no such path", "code": "not_found"}))
}
