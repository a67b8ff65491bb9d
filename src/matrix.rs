//! The mapping matrix: every Sigma account type against the Okta value and the Entra role that
//! provide it, each with a status.

use serde::Serialize;

use crate::matching::{Difference, Verdict};
use crate::model::{Model, UserTypeValue};
use crate::rules::role_value_needs_map;

/// How one IdP provides one account type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Sent exactly as Sigma expects.
    Match,
    /// Present, but differs by whitespace / case / confusable characters.
    Whitespace,
    Case,
    Confusable,
    /// The Entra role exists but is disabled.
    Disabled,
    /// The Entra role exists but users and groups cannot be assigned it.
    NotAssignable,
    /// No value provides it, but a misspelt one is nearest to it.
    Typo,
    /// No value provides it.
    Missing,
    /// The name cannot be an Entra role value and no value map covers it.
    NeedsValueMap,
    /// No snapshot of this IdP was checked.
    NotChecked,
}

impl Status {
    /// A short label that does not rely on colour.
    pub fn label(self) -> &'static str {
        match self {
            Status::Match => "ok",
            Status::Whitespace => "whitespace",
            Status::Case => "case",
            Status::Confusable => "confusable",
            Status::Disabled => "disabled",
            Status::NotAssignable => "users not allowed",
            Status::Typo => "typo",
            Status::Missing => "missing",
            Status::NeedsValueMap => "needs value map",
            Status::NotChecked => "-",
        }
    }

    /// A symbol for terminals and reports, paired with the label.
    pub fn icon(self) -> &'static str {
        match self {
            Status::Match => "✓",
            Status::Disabled | Status::Missing | Status::NotAssignable => "!",
            Status::NotChecked => " ",
            _ => "✗",
        }
    }

    pub fn is_ok(self) -> bool {
        matches!(self, Status::Match | Status::NotChecked)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub status: Status,
    /// The value the IdP sends for this type, when there is one.
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub account_type: String,
    pub is_custom: bool,
    pub expected: String,
    pub okta: Cell,
    pub azure: Cell,
}

/// One row per Sigma account type, in snapshot order.
pub fn build(model: &Model) -> Vec<Row> {
    model
        .account_types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let okta = match &model.okta {
                None => not_checked(),
                Some(o) => cell(i, &o.values, |_| None),
            };
            let azure = match &model.azure {
                None => not_checked(),
                Some(a) => {
                    let c = cell(i, &a.values, |k| {
                        let role = &a.snapshot.app_roles[a.role_index[k]];
                        if !role.allowed_member_types.iter().any(|t| t == "User") {
                            Some(Status::NotAssignable)
                        } else if !role.is_enabled {
                            Some(Status::Disabled)
                        } else {
                            None
                        }
                    });
                    if c.status == Status::Missing && role_value_needs_map(model, t) {
                        Cell {
                            status: Status::NeedsValueMap,
                            value: None,
                        }
                    } else {
                        c
                    }
                }
            };
            Row {
                account_type: t.name.clone(),
                is_custom: t.is_custom,
                expected: t.expected.clone(),
                okta,
                azure,
            }
        })
        .collect()
}

fn not_checked() -> Cell {
    Cell {
        status: Status::NotChecked,
        value: None,
    }
}

/// The best cell among `values` for account type `target`; `state(k)` tells whether the k-th
/// value's object is unusable although its value matches (disabled, not assignable to users).
fn cell(target: usize, values: &[UserTypeValue], state: impl Fn(usize) -> Option<Status>) -> Cell {
    let mut best: Option<Cell> = None;
    for (k, v) in values.iter().enumerate() {
        let status = match &v.verdict {
            Verdict::Exact { target: t } if *t == target => state(k).unwrap_or(Status::Match),
            Verdict::Unknown {
                suggestion: Some(t),
                ..
            } if *t == target => Status::Typo,
            Verdict::Near {
                target: t,
                differences,
            } if *t == target => match differences.first() {
                Some(Difference::Whitespace) => Status::Whitespace,
                Some(Difference::Confusable) => Status::Confusable,
                _ => Status::Case,
            },
            _ => continue,
        };
        let better = best.as_ref().is_none_or(|b| rank(status) < rank(b.status));
        if better {
            best = Some(Cell {
                status,
                value: Some(v.sent.clone()),
            });
        }
    }
    best.unwrap_or(Cell {
        status: Status::Missing,
        value: None,
    })
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Match => 0,
        Status::Disabled | Status::NotAssignable => 1,
        Status::Typo => 3,
        _ => 2,
    }
}
