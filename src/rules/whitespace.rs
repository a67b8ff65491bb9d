//! `whitespace`: a value carries leading, trailing or repeated spaces, tabs, NBSP, zero-width or
//! other invisible characters.

use crate::engine::{Findings, Rule, RuleId};
use crate::matching::Difference;
use crate::model::Model;

pub struct Whitespace;

impl Rule for Whitespace {
    fn id(&self) -> RuleId {
        RuleId::Whitespace
    }

    fn check(&self, model: &Model, out: &mut Findings<'_>) {
        for v in super::near_values(model, Difference::Whitespace) {
            if let Some(d) = super::near_finding(model, v) {
                out.report(d);
            }
        }
    }
}
