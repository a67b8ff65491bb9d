//! `kind: azure`: the Sigma enterprise app's roles in Entra ID and, optionally, its assignments.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Kind, Text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureSnapshot {
    pub kind: Kind,
    pub schema_version: u32,
    pub taken_at: String,
    /// Graph root, tenant and app (never a secret).
    pub origin: String,
    pub app: AzureApp,
    /// The service principal's effective app roles; sorted by value (null first), then id.
    pub app_roles: Vec<AppRoleRecord>,
    /// `appRoleAssignedTo`; sorted by principal type, principal id, then id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignments: Option<Vec<AssignmentRecord>>,
    /// Direct user members of assigned groups, by group id (absent when not expanded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_members: Option<BTreeMap<String, Vec<GroupMemberRecord>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureApp {
    /// The Sigma application's `appId`.
    pub app_id: String,
    /// The service principal's object id.
    pub service_principal_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppRoleRecord {
    pub id: String,
    /// What provisioning sends; `null` for built-in roles such as `msiam_access`.
    pub value: Option<String>,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub is_enabled: bool,
    pub allowed_member_types: Vec<String>,
    /// `Application` (app registration) or `ServicePrincipal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRecord {
    pub id: Text,
    /// The zero GUID means Default Access (no role).
    pub app_role_id: Text,
    /// `User`, `Group` or `ServicePrincipal`.
    pub principal_type: Text,
    pub principal_id: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_display_name: Option<Text>,
    /// E-mail or UPN of a user principal, when it was looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_login: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMemberRecord {
    pub id: Text,
    /// `user` or `group` (a nested group inherits nothing).
    pub kind: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<Text>,
}

impl AzureSnapshot {
    /// Puts every list in the snapshot's stable order.
    pub fn sort(&mut self) {
        self.app_roles
            .sort_by(|a, b| (&a.value, &a.id).cmp(&(&b.value, &b.id)));
        if let Some(a) = &mut self.assignments {
            a.sort_by(|x, y| {
                (&x.principal_type, &x.principal_id, &x.id).cmp(&(
                    &y.principal_type,
                    &y.principal_id,
                    &y.id,
                ))
            });
        }
        if let Some(g) = &mut self.group_members {
            for members in g.values_mut() {
                members.sort_by(|a, b| a.id.cmp(&b.id));
            }
        }
    }
}
