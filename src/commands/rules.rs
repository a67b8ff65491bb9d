//! `rules` and `explain RULE`.

use std::io::Write;
use std::str::FromStr;

use crate::catalog;
use crate::engine::RuleId;
use crate::error::{Error, Result};
use crate::suggest::closest;

/// `rules`: every rule id with its default severity and summary.
pub fn list_rules(out: &mut dyn Write) -> Result<u8> {
    let io = |source| Error::Write {
        path: "<stdout>".into(),
        source,
    };
    for id in RuleId::all() {
        let entry = id.catalog()?;
        writeln!(
            out,
            "{:<24} {:<8} {}",
            id,
            id.default_severity(),
            entry.summary.trim()
        )
        .map_err(io)?;
    }
    Ok(0)
}

/// `explain RULE`: the rule's catalog page; an unknown id suggests the closest one.
pub fn explain(rule: &str, out: &mut dyn Write) -> Result<u8> {
    let id = RuleId::from_str(rule).map_err(|_| {
        let help = match closest(rule, RuleId::all().map(RuleId::as_str)) {
            Some(c) => format!("did you mean `{c}`? `sigma-idp-lint rules` lists every rule"),
            None => "`sigma-idp-lint rules` lists every rule".into(),
        };
        Error::usage(format!("unknown rule `{rule}`"), Some(help))
    })?;
    let entry = id.catalog()?;
    out.write_all(catalog::render(&entry).as_bytes())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })?;
    Ok(0)
}
