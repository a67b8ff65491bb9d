//! `case-mismatch`: an IdP value equals the expected value only when case is ignored.

use crate::engine::{Findings, Rule, RuleId};
use crate::matching::Difference;
use crate::model::Model;

pub struct CaseMismatch;

impl Rule for CaseMismatch {
    fn id(&self) -> RuleId {
        RuleId::CaseMismatch
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        for v in super::near_values(model, Difference::Case) {
            if let Some(d) = super::near_finding(model, v) {
                out.report(d);
            }
        }
    }
}
