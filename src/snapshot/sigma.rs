//! `kind: sigma`: the org's account types and, optionally, its members.

use serde::{Deserialize, Serialize};

use super::{Kind, Text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigmaSnapshot {
    pub kind: Kind,
    pub schema_version: u32,
    /// When the snapshot was taken (RFC 3339).
    pub taken_at: String,
    /// Where it came from: the API base URL (never a credential).
    pub origin: String,
    /// Sorted by name, then id.
    pub account_types: Vec<AccountTypeRecord>,
    /// Present when the snapshot was taken with assignments; sorted by e-mail, then id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberRecord>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountTypeRecord {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `false` for Sigma's built-in types, `true` for types the org created.
    pub is_custom: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRecord {
    pub id: Text,
    pub email: Text,
    /// The account type name Sigma reports for the member.
    pub member_type: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    #[serde(default)]
    pub is_inactive: bool,
    #[serde(default)]
    pub is_archived: bool,
}

impl SigmaSnapshot {
    /// Puts every list in the snapshot's stable order.
    pub fn sort(&mut self) {
        self.account_types
            .sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        if let Some(m) = &mut self.members {
            m.sort_by(|a, b| (&a.email, &a.id).cmp(&(&b.email, &b.id)));
        }
    }
}
