//! `confusable`: a value matches only after Unicode normalization or homoglyph folding.

use crate::engine::{Findings, Rule, RuleId};
use crate::matching::Difference;
use crate::model::Model;

pub struct Confusable;

impl Rule for Confusable {
    fn id(&self) -> RuleId {
        RuleId::Confusable
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        for v in super::near_values(model, Difference::Confusable) {
            if let Some(d) = super::near_finding(model, v) {
                out.report(d);
            }
        }
    }
}
