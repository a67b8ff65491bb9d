//! The rule catalog and the code agree, and every catalog example does what it says.

use std::collections::{BTreeSet, HashSet};

use sigma_idp_lint::catalog::ExampleKind;
use sigma_idp_lint::engine::RuleId;
use sigma_idp_lint::rules::registry;

#[test]
fn every_registered_rule_has_a_catalog_file_and_the_reverse() {
    let registered: BTreeSet<String> = registry().iter().map(|r| r.id().to_string()).collect();
    let ids: BTreeSet<String> = RuleId::all().map(|r| r.to_string()).collect();
    assert_eq!(registered, ids, "registry and RuleId disagree");
    let files: BTreeSet<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
        .expect("rules/ exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .map(|n| n.strip_suffix(".yaml").map(str::to_string).unwrap_or(n))
        .collect();
    assert_eq!(registered, files, "rules/ and the registry disagree");
}

#[test]
fn rule_ids_are_unique() {
    let mut seen = HashSet::new();
    for r in registry() {
        assert!(seen.insert(r.id()), "two rules share the id {}", r.id());
    }
}

#[test]
fn catalog_pages_match_the_code() {
    for id in RuleId::all() {
        let entry = id.catalog().unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(entry.id, id.to_string(), "{id}: id field");
        assert_eq!(entry.severity, id.default_severity(), "{id}: severity");
        assert!(
            !entry.summary.trim().is_empty() && !entry.why.trim().is_empty(),
            "{id}: text"
        );
        let kinds: HashSet<ExampleKind> = entry.examples.iter().map(|e| e.kind).collect();
        assert!(
            kinds.contains(&ExampleKind::Bad) && kinds.contains(&ExampleKind::Good),
            "{id}: needs at least one bad and one good example"
        );
    }
}

#[test]
fn catalog_examples_execute() {
    for id in RuleId::all() {
        let entry = id.catalog().expect("parses");
        for ex in &entry.examples {
            let found = ex
                .run(id)
                .unwrap_or_else(|e| panic!("{id} / {}: {e:?}", ex.name));
            let values: BTreeSet<String> = found.iter().map(|f| f.value.clone()).collect();
            match ex.kind {
                ExampleKind::Bad => {
                    let want: BTreeSet<String> = ex.findings.iter().cloned().collect();
                    assert!(
                        !want.is_empty(),
                        "{id} / {}: a bad example lists its findings",
                        ex.name
                    );
                    assert_eq!(values, want, "{id} / {}: {found:#?}", ex.name);
                }
                ExampleKind::Good => {
                    assert!(
                        found.is_empty(),
                        "{id} / {}: expected silence, got {found:#?}",
                        ex.name
                    )
                }
            }
        }
    }
}
