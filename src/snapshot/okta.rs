//! `kind: okta`: the Sigma app's User Type attribute and, optionally, its assignments.

use serde::{Deserialize, Serialize};

use super::{Kind, Text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaSnapshot {
    pub kind: Kind,
    pub schema_version: u32,
    pub taken_at: String,
    /// The Okta org URL and app id (never a token).
    pub origin: String,
    pub app: OktaApp,
    /// The user-type attribute of the app user schema; `null` when the schema has none.
    pub attribute: Option<UserTypeAttribute>,
    /// App users (direct and through groups); sorted by user name, then id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_users: Option<Vec<OktaAppUser>>,
    /// Group assignments; sorted by priority, then id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_assignments: Option<Vec<OktaGroupAssignment>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaApp {
    pub id: String,
    pub label: String,
}

/// Which subschema of the app user schema holds the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SchemaPart {
    Base,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserTypeAttribute {
    /// The schema variable name (`userType` unless configured otherwise).
    pub variable: String,
    pub found_in: SchemaPart,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The JSON-schema type Okta declares (`string`).
    #[serde(rename = "type")]
    pub data_type: String,
    /// The Values, in Okta's order; `null` when the attribute is not an enum.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<EnumMember>>,
    /// The Display name / Value pairs, in Okta's order; `null` when Okta has none.
    #[serde(default)]
    pub one_of: Option<Vec<OneOfMember>>,
}

/// One enum member exactly as Okta holds it: Okta allows strings and integers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnumMember {
    Text(String),
    Integer(i64),
}

impl EnumMember {
    /// The member as the string Okta would send.
    pub fn as_text(&self) -> String {
        match self {
            EnumMember::Text(s) => s.clone(),
            EnumMember::Integer(i) => i.to_string(),
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self, EnumMember::Text(_))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOfMember {
    #[serde(rename = "const")]
    pub value: EnumMember,
    /// The Display name admins see.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaAppUser {
    pub id: Text,
    pub user_name: Text,
    /// `USER` (direct) or `GROUP` (through a group assignment).
    pub scope: Text,
    pub status: Text,
    pub sync_state: Text,
    /// `profile.userType`; `null` when missing or null.
    pub user_type: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaGroupAssignment {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// `profile.userType` given to the group's members.
    pub user_type: Option<String>,
}

impl OktaSnapshot {
    /// Puts every list in the snapshot's stable order. `enum` and `one_of` keep Okta's order:
    /// their order is itself something the rules check.
    pub fn sort(&mut self) {
        if let Some(u) = &mut self.app_users {
            u.sort_by(|a, b| (&a.user_name, &a.id).cmp(&(&b.user_name, &b.id)));
        }
        if let Some(g) = &mut self.group_assignments {
            g.sort_by(|a, b| (a.priority, &a.id).cmp(&(b.priority, &b.id)));
        }
    }
}
