//! Every output format on the CI fixtures (fixtures/ci + fixtures/ci-config), snapshot-tested;
//! SARIF validated against the official 2.1.0 schema, JUnit parsed as XML.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use sigma_idp_lint::engine::RuleId;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/schemas/sarif-schema-2.1.0.json"
);

/// `check fixtures/ci` with the policy fixture config on a fixed date; (exit code, stdout).
fn check(extra: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("sigma-idp-lint")
        .expect("binary")
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .args([
            "check",
            "fixtures/ci",
            "-c",
            "fixtures/ci-config/sigma-idp-lint.yaml",
            "--today",
            "2026-12-04",
            "--color",
            "never",
        ])
        .args(extra)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

fn snapshot_of(format: &str) -> String {
    let (code, stdout) = check(&["--format", format]);
    format!("exit code: {code}\n---\n{stdout}")
}

#[test]
fn human_format() {
    insta::assert_snapshot!(snapshot_of("human"));
}

#[test]
fn json_format() {
    insta::assert_snapshot!(snapshot_of("json"));
}

#[test]
fn github_format() {
    insta::assert_snapshot!(snapshot_of("github"));
}

#[test]
fn markdown_format() {
    insta::assert_snapshot!(snapshot_of("markdown"));
}

#[test]
fn junit_format() {
    insta::assert_snapshot!(snapshot_of("junit"));
}

/// The SARIF document with the rule descriptors' catalog text replaced by a marker: the pages are
/// written apart from the code, and `sarif_descriptors_come_from_the_catalog` checks them.
#[test]
fn sarif_format() {
    let (code, stdout) = check(&["--format", "sarif"]);
    let mut doc: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules")
    {
        // Set whether or not the page exists yet, so the snapshot does not depend on it.
        for key in ["shortDescription", "fullDescription", "help"] {
            rule[key] = Value::String("[from the catalog page]".into());
        }
    }
    let text = serde_json::to_string_pretty(&doc).expect("serializes");
    insta::assert_snapshot!(format!("exit code: {code}\n---\n{text}"));
}

#[test]
fn sarif_descriptors_come_from_the_catalog() {
    let (_, stdout) = check(&["--format", "sarif"]);
    let doc: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let all: Vec<&str> = RuleId::all().map(RuleId::as_str).collect();
    assert_eq!(ids, all, "one descriptor per rule, in RuleId order");
    for id in [
        RuleId::CaseMismatch,
        RuleId::IgnoreExpired,
        RuleId::IgnoreUnused,
    ] {
        let entry = id.catalog().expect("page parses");
        let d = &rules[all.iter().position(|x| *x == id.as_str()).expect("listed")];
        assert_eq!(d["shortDescription"]["text"], entry.summary.trim(), "{id}");
        assert_eq!(d["fullDescription"]["text"], entry.why.trim(), "{id}");
        let help = d["help"]["text"].as_str().expect("help");
        let okta_fix = entry.fix.sigma.or(entry.fix.okta).expect("a fix");
        assert!(help.contains(okta_fix.trim()), "{id}: {help}");
        assert_eq!(
            d["defaultConfiguration"]["level"],
            id.default_severity().to_string(),
            "{id}"
        );
    }
    // Every result points at its descriptor and carries our fingerprint.
    let json: Value = serde_json::from_str(&check(&["--format", "json"]).1).expect("json");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let findings = json["findings"].as_array().expect("findings");
    let suppressed = json["suppressed"].as_array().expect("suppressed");
    assert_eq!(results.len(), findings.len() + suppressed.len());
    for (r, f) in results.iter().zip(findings.iter().chain(suppressed)) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().expect("index") as usize]["id"],
            f["rule"]
        );
        assert_eq!(
            r["partialFingerprints"]["sigmaIdpLint/v1"],
            f["fingerprint"]
        );
        assert_eq!(r["level"], f["severity"]);
    }
    let with_suppression: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(with_suppression.len(), 1);
    assert_eq!(
        with_suppression[0]["suppressions"][0]["justification"],
        "IAM-42, the View role is re-enabled in the next change window"
    );
}

/// Validates `doc` against the official schema; `false` when the schema is absent (skipped).
fn validate_sarif(doc: &Value) -> bool {
    if !Path::new(SCHEMA).exists() {
        eprintln!(
            "SKIPPED: SARIF schema validation: {SCHEMA} is absent (the shared/ folder beside the checkout)"
        );
        return false;
    }
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(SCHEMA).expect("schema readable"))
            .expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    // The validator is really applied: a broken copy is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = Value::String("fatal".into());
    assert!(
        !validator.is_valid(&broken),
        "the schema check accepts anything"
    );
    true
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (_, stdout) = check(&["--format", "sarif"]);
    let doc: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
    if validate_sarif(&doc) {
        eprintln!("SARIF validated against {SCHEMA}");
    }
    assert_eq!(doc["version"], "2.1.0");
}

#[test]
fn sarif_with_a_baseline_validates_and_marks_new_and_absent_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    // A baseline with one entry that no longer exists and none of the current findings.
    std::fs::write(
        &baseline,
        r#"{"schema_version": 1, "findings": [{"fingerprint": "sha256:gone", "rule": "case-mismatch", "source": "okta", "value": "Admin", "message": "was fixed"}]}"#,
    )
    .expect("write");
    let (_, stdout) = check(&[
        "--format",
        "sarif",
        "--baseline",
        baseline.to_str().expect("utf-8"),
    ]);
    let doc: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
    let _ = validate_sarif(&doc);
    let states: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["baselineState"].as_str())
        .collect();
    assert!(
        states.contains(&"new") && states.contains(&"absent"),
        "{states:?}"
    );
}

#[test]
fn junit_parses_with_the_expected_counts() {
    let (_, stdout) = check(&["--format", "junit"]);
    let doc = roxmltree::Document::parse(&stdout).expect("JUnit is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attr = |n: roxmltree::Node<'_, '_>, a: &str| -> usize {
        n.attribute(a).expect(a).parse().expect("a number")
    };
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(names, ["azure", "okta", "sigma", "config"]);
    let snapshot_rules = RuleId::all().filter(|r| !r.is_policy()).count();
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(
        cases,
        3 * snapshot_rules + 2,
        "one test case per rule and source"
    );
    assert_eq!(attr(root, "tests"), cases);

    // Failing test cases: (suite, rule) pairs with findings at or above `error`.
    let mut failing: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|f| {
            let case = f.parent().expect("testcase");
            format!(
                "{}/{}",
                case.parent()
                    .and_then(|s| s.attribute("name"))
                    .unwrap_or(""),
                case.attribute("name").unwrap_or("")
            )
        })
        .collect();
    failing.sort();
    assert_eq!(
        failing,
        [
            "azure/role-value-invalid",
            "azure/unknown-value",
            "config/ignore-expired",
            "okta/case-mismatch",
            "okta/whitespace",
        ]
    );
    assert_eq!(attr(root, "failures"), 5);
    let per_suite: usize = suites.iter().map(|s| attr(*s, "failures")).sum();
    assert_eq!(per_suite, 5);
    // The failure carries the findings: both role-value-invalid ones.
    let rvi = doc
        .descendants()
        .find(|n| n.has_tag_name("failure") && n.attribute("type") == Some("role-value-invalid"))
        .expect("failure");
    let text = rvi.text().unwrap_or("");
    assert!(
        text.contains("\"Data Analyst\"") && text.contains("\"Finance Viewer\""),
        "{text}"
    );
    // A note below --fail-on is listed, not failed.
    assert!(
        doc.descendants().any(
            |n| n.has_tag_name("system-out") && n.text().unwrap_or("").contains("Display name")
        )
    );
}

#[test]
fn junit_follows_fail_on() {
    let (_, stdout) = check(&["--format", "junit", "--fail-on", "never"]);
    let doc = roxmltree::Document::parse(&stdout).expect("JUnit is XML");
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

#[test]
fn several_formats_at_once_go_to_their_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("junit.xml");
    let md = dir.path().join("summary.md");
    let arg = |f: &str, p: &Path| format!("{f}={}", p.display());
    let (code, stdout) = check(&[
        "--format",
        &arg("sarif", &sarif),
        "--format",
        &arg("junit", &junit),
        "--format",
        &arg("markdown", &md),
        "--format",
        "github",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("::error file=fixtures/ci/"), "{stdout}");
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    assert_eq!(s["version"], "2.1.0");
    roxmltree::Document::parse(&std::fs::read_to_string(&junit).expect("junit")).expect("xml");
    assert!(
        std::fs::read_to_string(&md)
            .expect("md")
            .starts_with("## sigma-idp-lint")
    );
}

#[test]
fn github_commands_escape_their_data() {
    use sigma_idp_lint::report::github::{data, property};
    assert_eq!(data("50% a\nb\r"), "50%25 a%0Ab%0D");
    assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
}

#[test]
fn markdown_cells_cannot_break_the_table() {
    use sigma_idp_lint::report::markdown::cell;
    assert_eq!(cell("a|b\n<script>"), "a\\|b<br>&lt;script&gt;");
}

/// Every format on the demo fixtures (the README's first command), snapshot-tested.
#[test]
fn every_format_on_the_demo() {
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        let out = Command::cargo_bin("sigma-idp-lint")
            .expect("binary")
            .current_dir(ROOT)
            .env("NO_COLOR", "1")
            .args([
                "check",
                "fixtures/demo",
                "--color",
                "never",
                "--format",
                format,
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let mut text = String::from_utf8(out.stdout)
            .expect("utf-8")
            .replace(env!("CARGO_PKG_VERSION"), "[version]");
        if format == "sarif" {
            let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
            validate_sarif(&doc);
            // The rule descriptors are the catalog's text, checked by the test above.
            let mut doc = doc;
            if let Some(rules) = doc["runs"][0]["tool"]["driver"]["rules"].as_array_mut() {
                for rule in rules {
                    for key in ["shortDescription", "fullDescription", "help"] {
                        rule[key] = Value::String("[from the catalog page]".into());
                    }
                }
            }
            text = serde_json::to_string_pretty(&doc).expect("serializes");
        }
        insta::assert_snapshot!(format!("demo_{format}"), text);
    }
}
