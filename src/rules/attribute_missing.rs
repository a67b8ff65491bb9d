//! `attribute-missing`: the Okta app schema has no user-type attribute, or it is not an enum.

use crate::engine::{Draft, Findings, Rule, RuleId};
use crate::model::Model;
use crate::snapshot::Kind;

pub struct AttributeMissing;

impl Rule for AttributeMissing {
    fn id(&self) -> RuleId {
        RuleId::AttributeMissing
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        let Some(okta) = &model.okta else { return };
        let source = &model.sources[okta.source];
        let variable = model
            .config
            .okta
            .attribute
            .clone()
            .unwrap_or_else(|| "userType".into());
        let identity = format!("{}/{}", okta.snapshot.app.id, variable);
        let (message, path) = match &okta.snapshot.attribute {
            None => (
                format!(
                    "the Okta app {} has no `{variable}` attribute in its base or custom user schema: Okta sends Sigma no account type, so everyone gets Sigma's default",
                    okta.snapshot.app.label
                ),
                "attribute".to_string(),
            ),
            Some(a) if a.enum_values.is_none() => (
                format!(
                    "the Okta attribute `{}` ({} schema) is not an enum: any free text can be sent, and nothing ties it to Sigma's account types",
                    a.variable,
                    match a.found_in {
                        crate::snapshot::okta::SchemaPart::Base => "base",
                        crate::snapshot::okta::SchemaPart::Custom => "custom",
                    }
                ),
                "attribute.enum".to_string(),
            ),
            Some(a) if a.data_type != "string" => (
                format!(
                    "the Okta attribute `{}` has type `{}`, but Sigma's userType is a single string",
                    a.variable, a.data_type
                ),
                "attribute.type".to_string(),
            ),
            Some(_) => return,
        };
        out.report(Draft {
            source: Some(Kind::Okta),
            value: variable.clone(),
            expected: None,
            message,
            fix: format!(
                "In Okta: Directory → Profile Editor → the Sigma app's User profile → add (or edit) the string attribute `{variable}` with external name `userType` (namespace urn:ietf:params:scim:schemas:core:2.0:User) and \"Define enumerated list of values\" holding one member per Sigma account type"
            ),
            identity,
            location: source.locate(&path),
            ..Draft::default()
        });
    }
}
