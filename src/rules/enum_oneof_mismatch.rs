//! `enum-oneof-mismatch`: Okta's `enum` and `oneOf[].const` disagree (set, order or type).

use std::collections::HashSet;

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

use super::q;

pub struct EnumOneofMismatch;

impl Rule for EnumOneofMismatch {
    fn id(&self) -> RuleId {
        RuleId::EnumOneofMismatch
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(okta) = &model.okta else { return };
        let Some(attr) = &okta.snapshot.attribute else {
            return;
        };
        let (Some(enums), Some(one_of)) = (&attr.enum_values, &attr.one_of) else {
            return;
        };
        let source = &model.sources[okta.source];
        let identity = format!("{}/{}", okta.snapshot.app.id, attr.variable);
        let e: Vec<String> = enums.iter().map(|m| m.as_text()).collect();
        let o: Vec<String> = one_of.iter().map(|m| m.value.as_text()).collect();
        let (es, os): (HashSet<&String>, HashSet<&String>) =
            (e.iter().collect(), o.iter().collect());
        let mut draft = |value: &str, message: String, fix: String, path: String, tag: &str| {
            out.report(Draft {
                source: Some(Kind::Okta),
                value: value.to_string(),
                expected: None,
                message,
                fix,
                identity: format!("{identity}#{tag}"),
                location: source.locate(&path),
                ..Draft::default()
            });
        };
        for (i, v) in e.iter().enumerate() {
            if !os.contains(v) {
                draft(
                    v,
                    format!("{} is in the attribute's enum but not in its oneOf", q(v)),
                    format!(
                        "In Okta's Profile Editor, give the member {} a Display name, or remove it",
                        q(v)
                    ),
                    format!("attribute.enum[{i}]"),
                    "enum-only",
                );
            }
        }
        for (i, v) in o.iter().enumerate() {
            if !es.contains(v) {
                draft(
                    v,
                    format!("{} is in the attribute's oneOf but not in its enum", q(v)),
                    format!(
                        "Edit the attribute in Okta's Profile Editor and save it, so Okta rewrites enum and oneOf together; or remove {}",
                        q(v)
                    ),
                    format!("attribute.one_of[{i}].const"),
                    "oneof-only",
                );
            }
        }
        if es == os && e != o {
            let i = e.iter().zip(&o).position(|(a, b)| a != b).unwrap_or(0);
            draft(
                e.get(i).map_or("", String::as_str),
                format!(
                    "enum and oneOf list the same values in a different order (position {}: enum has {}, oneOf has {})",
                    i + 1,
                    q(e.get(i).map_or("", String::as_str)),
                    q(o.get(i).map_or("", String::as_str))
                ),
                "Edit the attribute in Okta's Profile Editor and save it, so both lists are rewritten in one order".into(),
                format!("attribute.enum[{i}]"),
                "order",
            );
        }
        let numbers = enums
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_text())
            .map(|(i, m)| (format!("attribute.enum[{i}]"), m.as_text(), "enum"))
            .chain(
                one_of
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !m.value.is_text())
                    .map(|(i, m)| {
                        (
                            format!("attribute.one_of[{i}].const"),
                            m.value.as_text(),
                            "oneOf",
                        )
                    }),
            );
        for (path, v, list) in numbers {
            draft(
                &v,
                format!(
                    "{list} member {v} is a number, not a string: Sigma's userType is a string"
                ),
                format!(
                    "In Okta's Profile Editor, make the Value the string {}",
                    q(&v)
                ),
                path,
                "type",
            );
        }
    }
}
