//! `duplicate-value`: one IdP lists the same value twice, or two values equal but for case.

use std::collections::HashMap;

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::model::{Model, UserTypeValue};

use super::q;

pub struct DuplicateValue;

impl Rule for DuplicateValue {
    fn id(&self) -> RuleId {
        RuleId::DuplicateValue
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        if let Some(o) = &model.okta {
            report(&o.values, out);
        }
        if let Some(a) = &model.azure {
            report(&a.values, out);
        }
    }
}

fn report(values: &[UserTypeValue], out: &mut Findings<'_>) {
    let mut first: HashMap<String, &UserTypeValue> = HashMap::new();
    for v in values {
        let key = v.held.to_lowercase();
        let Some(earlier) = first.get(&key) else {
            first.insert(key, v);
            continue;
        };
        let (what, fix) = if earlier.held == v.held {
            (
                format!("lists {} twice", q(&v.held)),
                "Remove the second one".to_string(),
            )
        } else {
            (
                format!(
                    "lists {} and {}, which differ only by case",
                    q(&earlier.held),
                    q(&v.held)
                ),
                "Keep only the one Sigma expects (see the mapping matrix) and move its users over"
                    .to_string(),
            )
        };
        out.report(Draft {
            source: Some(v.source),
            value: v.held.clone(),
            expected: Some(earlier.held.clone()),
            message: format!(
                "{} {what}: provisioning cannot tell which is meant",
                v.source.display_name()
            ),
            fix,
            identity: format!("{}#duplicate", v.identity),
            location: v.location.clone(),
            ..Draft::default()
        });
    }
}
