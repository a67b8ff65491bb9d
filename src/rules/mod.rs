//! One file per rule, named as its id; `registry()` is the one table of all of them.

mod assignment_ambiguous;
mod assignment_disabled_role;
mod assignment_invalid_type;
mod assignment_no_type;
mod assignment_orphan_role;
mod attribute_missing;
mod case_mismatch;
mod confusable;
mod display_name_mismatch;
mod duplicate_value;
mod enum_oneof_mismatch;
mod ignore_expired;
mod ignore_unused;
mod legacy_value;
mod member_type_drift;
mod member_unmanaged;
mod missing_in_idp;
mod provisioning_error;
mod role_disabled;
mod role_member_types;
mod role_value_invalid;
mod unknown_value;
mod whitespace;

use crate::engine::{Draft, Rule};
use crate::matching::{Difference, Verdict, escape_visible};
use crate::model::{Model, UserTypeValue};
use crate::snapshot::Kind;

/// Every rule, in catalog order.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &case_mismatch::CaseMismatch,
        &unknown_value::UnknownValue,
        &legacy_value::LegacyValue,
        &missing_in_idp::MissingInIdp,
        &whitespace::Whitespace,
        &confusable::Confusable,
        &duplicate_value::DuplicateValue,
        &display_name_mismatch::DisplayNameMismatch,
        &enum_oneof_mismatch::EnumOneofMismatch,
        &attribute_missing::AttributeMissing,
        &role_disabled::RoleDisabled,
        &role_member_types::RoleMemberTypes,
        &role_value_invalid::RoleValueInvalid,
        &assignment_invalid_type::AssignmentInvalidType,
        &assignment_no_type::AssignmentNoType,
        &assignment_ambiguous::AssignmentAmbiguous,
        &assignment_disabled_role::AssignmentDisabledRole,
        &assignment_orphan_role::AssignmentOrphanRole,
        &provisioning_error::ProvisioningError,
        &member_type_drift::MemberTypeDrift,
        &member_unmanaged::MemberUnmanaged,
        &ignore_expired::IgnoreExpired,
        &ignore_unused::IgnoreUnused,
    ]
}

/// The identity of an ignore entry, part of the fingerprint of findings about it: what it
/// matches and until when, never where it sits in the config file.
pub(crate) fn ignore_identity(ig: &crate::config::Ignore) -> String {
    format!(
        "ignore:{}:{}:{}:{}",
        ig.rule,
        ig.source.map(|s| s.to_string()).unwrap_or_default(),
        ig.value.as_deref().unwrap_or(""),
        ig.until.map(|d| d.to_string()).unwrap_or_default()
    )
}

/// `"value"` with invisible and non-ASCII characters escaped.
pub(crate) fn q(s: &str) -> String {
    format!("\"{}\"", escape_visible(s))
}

/// "Okta sends "X"" / "Entra role "Admin" sends "X"".
pub(crate) fn sends(v: &UserTypeValue) -> String {
    match v.source {
        Kind::Azure if v.held != v.sent => format!(
            "Entra role {} (value {}, mapped) sends {}",
            q(v.display_name.as_deref().unwrap_or("")),
            q(&v.held),
            q(&v.sent)
        ),
        Kind::Azure => format!(
            "Entra role {} sends {}",
            q(v.display_name.as_deref().unwrap_or("")),
            q(&v.sent)
        ),
        _ => format!("Okta sends {}", q(&v.sent)),
    }
}

/// The fix that changes IdP value `v` into `new`.
pub(crate) fn fix_value(model: &Model, v: &UserTypeValue, new: &str) -> String {
    match v.source {
        // A mapped role, or a target no role value can hold: the Switch() must send it.
        Kind::Azure if v.held != v.sent || role_value_problem(new).is_some() => format!(
            "In the Entra provisioning mapping's Switch() (and `azure.value_map` in the config), send {} for role value {}{}",
            q(new),
            q(&v.held),
            role_value_problem(new)
                .map(|p| format!(" ({} cannot be a role value: {p})", q(new)))
                .unwrap_or_default()
        ),
        Kind::Azure => format!(
            "In Entra: App registrations → {} → App roles: change the role {}'s Value from {} to {}, then restart provisioning for affected users",
            model
                .azure
                .as_ref()
                .and_then(|a| a.snapshot.app.display_name.clone())
                .unwrap_or_else(|| "Sigma".into()),
            q(v.display_name.as_deref().unwrap_or("")),
            q(&v.held),
            q(new)
        ),
        _ => format!(
            "In Okta: Directory → Profile Editor → {} User → `{}` → change the Value {} to {} (keep Display name and Value equal), then re-push the app's users",
            model
                .okta
                .as_ref()
                .map(|o| o.snapshot.app.label.clone())
                .unwrap_or_else(|| "Sigma".into()),
            model
                .okta
                .as_ref()
                .and_then(|o| o.snapshot.attribute.as_ref().map(|a| a.variable.clone()))
                .unwrap_or_else(|| "userType".into()),
            q(&v.held),
            q(new)
        ),
    }
}

/// Why an account type expects the value it does.
pub(crate) fn expectation_reason(model: &Model, target: usize) -> &'static str {
    if model.account_types[target].is_custom {
        "custom account types must be sent exactly as named in Sigma"
    } else {
        "default account types are lower case"
    }
}

/// The finding for a value that is near an account type's expected value.
pub(crate) fn near_finding(model: &Model, v: &UserTypeValue) -> Option<Draft> {
    let Verdict::Near {
        target,
        differences,
    } = &v.verdict
    else {
        return None;
    };
    let expected = &model.account_types[*target].expected;
    let diffs: Vec<&str> = differences.iter().map(|d| d.describe()).collect();
    let mut message = format!(
        "{} but Sigma expects {}: they differ by {}",
        sends(v),
        q(expected),
        diffs.join(" and ")
    );
    if differences.contains(&Difference::Case) {
        message.push_str(&format!(" ({})", expectation_reason(model, *target)));
    }
    Some(Draft {
        source: Some(v.source),
        value: v.sent.clone(),
        expected: Some(expected.clone()),
        message,
        fix: fix_value(model, v, expected),
        identity: v.identity.clone(),
        location: v.location.clone(),
        ..Draft::default()
    })
}

/// Values whose verdict is `Near` with `first` as the first difference.
pub(crate) fn near_values(
    model: &Model,
    first: Difference,
) -> impl Iterator<Item = &UserTypeValue> {
    model.values().filter(move |v| {
        matches!(&v.verdict, Verdict::Near { differences, .. } if differences.first() == Some(&first))
    })
}

/// " (also: invisible or extra whitespace)" for differences on a value that matched nothing.
pub(crate) fn also(differences: &[Difference]) -> String {
    if differences.is_empty() {
        String::new()
    } else {
        let d: Vec<&str> = differences.iter().map(|d| d.describe()).collect();
        format!("; it also carries {}", d.join(" and "))
    }
}

/// Is `value` a valid Entra app role value: at most 120 characters, no leading `.`, only
/// `A–Z a–z 0–9` and the allowed punctuation (no spaces)?
pub(crate) fn role_value_problem(value: &str) -> Option<String> {
    const PUNCT: &str = ":!#$%&'()*+,-./;<=>?@[]^_`{|}~";
    if value.is_empty() {
        return Some("it is empty".into());
    }
    let n = value.chars().count();
    if n > 120 {
        return Some(format!("it is {n} characters long (at most 120)"));
    }
    if value.starts_with('.') {
        return Some("it begins with `.`".into());
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || PUNCT.contains(*c)))
    {
        return Some(if c == ' ' {
            "it contains a space".into()
        } else {
            format!(
                "it contains {}, which app role values cannot hold",
                q(&c.to_string())
            )
        });
    }
    None
}

/// True when account type `t` cannot be an Entra role value and no value map covers it.
pub fn role_value_needs_map(model: &Model, t: &crate::model::AccountType) -> bool {
    role_value_invalid::needs_value_map(model, t).is_some()
}

/// Why Sigma will reject a value with this verdict, and what it expects instead; `None` when it
/// will accept it (an exact match, or a legacy alias Sigma may still take).
pub(crate) fn rejection(model: &Model, verdict: &Verdict) -> Option<(String, Option<String>)> {
    match verdict {
        Verdict::Exact { .. } | Verdict::Legacy { .. } => None,
        Verdict::Near {
            target,
            differences,
        } => {
            let expected = model.account_types[*target].expected.clone();
            let d: Vec<&str> = differences.iter().map(|d| d.describe()).collect();
            Some((
                format!("it differs from {} by {}", q(&expected), d.join(" and ")),
                Some(expected),
            ))
        }
        Verdict::Unknown { suggestion, .. } => {
            let expected = suggestion.map(|i| model.account_types[i].expected.clone());
            let reason = match &expected {
                Some(e) => format!("it matches no account type (nearest: {})", q(e)),
                None => "it matches no account type".to_string(),
            };
            Some((reason, expected))
        }
    }
}

/// "3 users" / "1 group" / "2 users and 1 group".
pub(crate) fn count_principals(items: &[crate::engine::Principal]) -> String {
    let users = items.iter().filter(|p| p.kind == "user").count();
    let groups = items.len() - users;
    let part = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (users, groups) {
        (u, 0) => part(u, "user"),
        (0, g) => part(g, "group"),
        (u, g) => format!("{} and {}", part(u, "user"), part(g, "group")),
    }
}
