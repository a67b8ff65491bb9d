//! `--format html`: the audit report, parsed back and checked against the fixtures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{ElementRef, Html, Selector};

use sigma_idp_lint::config::Config;
use sigma_idp_lint::engine::{self, Principal, Principals, Severity, Summary};
use sigma_idp_lint::model;
use sigma_idp_lint::report::{Format, Report, Style};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/html");

fn fixture(p: &str) -> PathBuf {
    Path::new(FIXTURES).join(p)
}

/// The snapshots and config of the main HTML fixture.
fn main_args() -> Vec<String> {
    vec![
        fixture("").display().to_string(),
        "-c".into(),
        fixture("config/sigma-idp-lint.yaml").display().to_string(),
    ]
}

/// Runs `check ARGS --format html=FILE` (and json to stdout) and returns the HTML and the JSON.
fn run(args: &[String], expected_code: i32) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let assert = Command::cargo_bin("sigma-idp-lint")
        .expect("binary")
        .arg("check")
        .args(args)
        .arg("--format")
        .arg(format!("html={}", out.display()))
        .arg("--format")
        .arg("json")
        .env("NO_COLOR", "1")
        .assert()
        .code(expected_code);
    let json: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("json on stdout");
    let html = std::fs::read_to_string(&out).expect("report written");
    (html, json)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>()
}

fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    let selector = sel(s);
    let found: Vec<ElementRef<'a>> = doc.select(&selector).collect();
    assert_eq!(found.len(), 1, "expected exactly one `{s}` in the report");
    found[0]
}

#[test]
fn matrix_has_one_row_per_account_type_with_status_by_icon_and_text() {
    let (html, _) = run(&main_args(), 1);
    let doc = Html::parse_document(&html);
    let rows: Vec<(String, String, String)> = doc
        .select(&sel("#matrix table.matrix tbody tr"))
        .map(|tr| {
            let name = text(
                tr.select(&sel("th.account-type code.value"))
                    .next()
                    .expect("name"),
            );
            let attr = |a: &str| tr.value().attr(a).expect("status attribute").to_string();
            (name, attr("data-okta"), attr("data-entra"))
        })
        .collect();
    let expected = [
        ("Act", "missing", "disabled"),
        ("Admin", "match", "match"),
        ("Analyze", "whitespace", "match"),
        ("Build", "case", "match"),
        ("Data Analyst", "match", "match"),
        ("Finance Viewer", "missing", "needs-value-map"),
        ("Ops Lead", "confusable", "match"),
        ("View", "match", "match"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(rows, expected);

    // Every cell carries an icon and its status in words, not colour alone.
    let labels = BTreeMap::from([
        ("match", "match"),
        ("missing", "missing"),
        ("disabled", "disabled"),
        ("whitespace", "whitespace"),
        ("case", "case"),
        ("confusable", "confusable"),
        ("needs-value-map", "needs value map"),
    ]);
    let cells: Vec<ElementRef<'_>> = doc.select(&sel("#matrix td.cell")).collect();
    assert_eq!(cells.len(), 16);
    for c in cells {
        let status = c.value().attr("data-status").expect("data-status");
        assert!(
            c.select(&sel("svg.icon use")).next().is_some(),
            "{status}: no icon"
        );
        let label = text(c.select(&sel(".status-label")).next().expect("label"));
        assert_eq!(Some(&label.as_str()), labels.get(status), "{status}: label");
    }

    // Exact values, invisible characters made visible.
    let cell = |account: &str, side: &str| {
        doc.select(&sel("#matrix tbody tr"))
            .find(|tr| tr.text().collect::<String>().contains(account))
            .and_then(|tr| {
                tr.select(&sel(&format!("td[data-side={side}] code.value")))
                    .next()
            })
            .map(|v| {
                let specials: Vec<String> = v.select(&sel(".special")).map(text).collect();
                (text(v), specials)
            })
    };
    assert_eq!(
        cell("Ops Lead", "okta"),
        Some(("Ops L\\u{0435}ad".into(), vec!["\\u{0435}".into()]))
    );
    assert_eq!(
        cell("Analyze", "okta"),
        Some(("analyze␣".into(), vec!["␣".into()]))
    );
    assert_eq!(cell("Build", "okta"), Some(("Build".into(), vec![])));
    assert_eq!(cell("Finance Viewer", "entra"), None);
}

#[test]
fn findings_are_grouped_by_rule_with_catalog_why_and_fix() {
    let (html, json) = run(&main_args(), 1);
    let doc = Html::parse_document(&html);

    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for f in json["findings"].as_array().expect("findings") {
        *expected
            .entry(f["rule"].as_str().expect("rule").to_string())
            .or_default() += 1;
    }
    assert!(expected.len() >= 5, "the fixture exercises several rules");
    let groups: BTreeMap<String, usize> = doc
        .select(&sel("#findings article.rule-group"))
        .map(|g| {
            let rule = g.value().attr("data-rule").expect("data-rule").to_string();
            let n = g.select(&sel("li.finding")).count();
            (rule, n)
        })
        .collect();
    assert_eq!(groups, expected);

    // The catalog's why and fix appear with the group.
    let case = one(&doc, "#rule-case-mismatch");
    let why = text(case.select(&sel(".why")).next().expect("why"));
    assert!(why.contains("case-sensitively"), "{why}");
    let fixes: Vec<String> = case.select(&sel(".fixes dt")).map(text).collect();
    assert_eq!(fixes, ["Sigma", "Okta", "Entra"]);
    let finding = text(case.select(&sel("li.finding")).next().expect("finding"));
    assert!(finding.contains("Okta sends \"Build\""), "{finding}");
    assert!(finding.contains("fixtures/html/okta.yaml:"), "{finding}");

    // Every finding message is in the report.
    for f in json["findings"].as_array().expect("findings") {
        let message = f["message"].as_str().expect("message");
        assert!(
            doc.select(&sel("li.finding .message"))
                .any(|m| text(m).contains(message)),
            "missing finding: {message}"
        );
    }
}

#[test]
fn header_and_verdict_show_sources_and_counts() {
    let (html, json) = run(&main_args(), 1);
    let doc = Html::parse_document(&html);
    assert_eq!(
        text(one(&doc, "#organization")),
        "https://aws-api.sigmacomputing.com org northwind"
    );
    let sources: Vec<(String, String)> = doc
        .select(&sel("#sources tbody tr"))
        .map(|tr| {
            let cells: Vec<String> = tr.select(&sel("td")).map(text).collect();
            (
                tr.value().attr("data-source").expect("source").to_string(),
                format!("{} | {}", cells[1], cells[2]),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("Entra".into(), "2026-12-04T06:00:21Z | complete".into()),
            ("Okta".into(), "2026-12-04T06:00:09Z | complete".into()),
            ("Sigma".into(), "2026-12-04T06:00:02Z | complete".into()),
        ]
    );
    let verdict = one(&doc, "#verdict");
    assert_eq!(verdict.value().attr("data-fails"), Some("true"));
    for sev in ["error", "warning", "note", "suppressed"] {
        let n = text(one(&doc, &format!("#verdict [data-severity={sev}] dd")));
        assert_eq!(n, json["summary"][sev].to_string(), "{sev}");
    }
    let headline = text(one(&doc, "#verdict .headline-text"));
    assert_eq!(
        headline,
        "Provisioning is expected to fail for 6 users and 1 group."
    );
}

#[test]
fn assignments_chart_and_failing_users() {
    let (html, _) = run(&main_args(), 1);
    let doc = Html::parse_document(&html);
    let chart = one(&doc, "#assignments svg#users-chart");
    let row = |label: &str| -> Vec<String> {
        chart
            .select(&sel("g.chart-row"))
            .find(|g| g.value().attr("data-label") == Some(label))
            .unwrap_or_else(|| panic!("no chart row {label}"))
            .select(&sel("text.bar-label"))
            .map(text)
            .collect()
    };
    assert_eq!(row("View"), ["2 Okta", "2 Entra", "3 Sigma"]);
    assert_eq!(row("Admin"), ["1 Okta", "1 Entra", "2 Sigma"]);
    assert_eq!(row("rejected by Sigma"), ["3 Okta", "2 Entra", "0 Sigma"]);
    assert_eq!(row("no account type"), ["1 Okta", "1 Entra", "0 Sigma"]);
    // Bars are proportional: View's Sigma bar (3) is the longest.
    let widths: Vec<u32> = chart
        .select(&sel("rect.bar"))
        .map(|r| {
            r.value()
                .attr("width")
                .expect("width")
                .parse()
                .expect("number")
        })
        .collect();
    assert_eq!(widths.iter().max(), Some(&500));

    let failing: Vec<(String, String)> = doc
        .select(&sel("#failing tbody tr"))
        .map(|tr| {
            (
                tr.value().attr("data-id").expect("id").to_string(),
                text(tr.select(&sel("td")).nth(1).expect("value")),
            )
        })
        .collect();
    assert_eq!(
        failing,
        [
            ("u-judy".into(), "Analyst".into()),
            ("u-mallory".into(), "—".into()),
            // Named by the assignment rules' findings: the group assigned `Build`.
            ("00g-builders".into(), "Build".into()),
            ("00u-bob".into(), "Build".into()),
            ("00u-carol".into(), "analyze␣".into()),
            ("00u-grace".into(), "view".into()),
            ("00u-heidi".into(), "Ops L\\u{0435}ad".into()),
        ]
    );
}

#[test]
fn hostile_account_type_names_render_as_text() {
    let (html, _) = run(&[fixture("hostile").display().to_string()], 1);
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("script")).count(), 0, "a script element");
    assert_eq!(doc.select(&sel("img")).count(), 0, "an img element");
    assert_eq!(doc.select(&sel("b, i")).count(), 0, "markup from an origin");
    assert_eq!(
        doc.select(&sel("style")).count(),
        1,
        "only the report's style"
    );
    let names: Vec<String> = doc
        .select(&sel("#matrix th.account-type code.value"))
        .map(text)
        .collect();
    assert_eq!(
        names,
        [
            "Admin",
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(2)>"
        ]
    );
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!html.contains("<script>"));
    assert!(!html.to_lowercase().contains("<script"));
    assert_eq!(
        text(one(&doc, "#organization")),
        "https://aws-api.sigmacomputing.com org <b>evil</b>"
    );
    // No assignment data, no finding naming anyone: no assignment section.
    assert!(doc.select(&sel("#assignments")).next().is_none());
}

#[test]
fn report_is_self_contained_and_printable() {
    let (html, _) = run(&main_args(), 1);
    let doc = Html::parse_document(&html);
    for tag in ["script", "link", "iframe", "img", "object", "embed", "base"] {
        assert_eq!(doc.select(&sel(tag)).count(), 0, "<{tag}> in the report");
    }
    for attr in ["href", "src", "srcset", "action", "xlink:href"] {
        for e in doc.select(&sel(&format!("[{}]", attr.replace(':', "\\:")))) {
            let v = e.value().attr(attr).unwrap_or_default();
            assert!(v.starts_with('#'), "{attr}={v} points outside the file");
        }
    }
    let css = text(one(&doc, "head style"));
    assert!(!css.contains("url("), "CSS loads a resource");
    assert!(!css.contains("@import"), "CSS imports a resource");
    assert!(css.contains("@media print"), "no print stylesheet");
    assert!(css.contains("@page"), "no page setup for print");
    // Every icon the report uses is defined inline.
    let defined: Vec<String> = doc
        .select(&sel("svg.symbols symbol"))
        .map(|s| format!("#{}", s.value().id().unwrap_or_default()))
        .collect();
    for u in doc.select(&sel("use")) {
        let href = u.value().attr("href").unwrap_or_default();
        assert!(defined.iter().any(|d| d == href), "undefined icon {href}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    // The assumptions name the value map, the attribute and the version.
    let assumptions = text(one(&doc, "#assumptions"));
    for needle in [
        "DataAnalyst",
        "userType",
        env!("CARGO_PKG_VERSION"),
        "lower case",
    ] {
        assert!(assumptions.contains(needle), "assumptions lack {needle}");
    }
}

/// Assignment rules report principals on findings; long lists fold into `<details>`, and users
/// named by error findings are listed as failing even without assignment sections.
#[test]
fn principals_from_findings_fold_and_count_as_failing() {
    let model = model::load(&[fixture("hostile")], Config::default()).expect("model");
    let mut findings = engine::run(&model);
    let template = findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .expect("an error finding")
        .clone();
    let users: Vec<Principal> = (1..=7)
        .map(|i| Principal {
            kind: if i == 7 { "group" } else { "user" },
            id: format!("u{i}"),
            name: Some(format!("<u>user {i}</u>")),
        })
        .collect();
    let mut long = template.clone();
    long.principals = Principals::new(users.clone());
    let mut short = template;
    short.value = "short".into();
    short.principals = Principals::new(users[..2].to_vec());
    findings.push(long);
    findings.push(short);
    let report = Report {
        model: &model,
        summary: Summary::of(&findings),
        findings: &findings,
        fail_on: Some(Severity::Error),
        suppressed: &[],
        baseline: None,
        root: None,
    };
    let mut out = Vec::new();
    Format::Html
        .reporter()
        .write(&report, Style::default(), &mut out)
        .expect("render");
    let html = String::from_utf8(out).expect("utf-8");
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("u")).count(), 0, "principal names escaped");

    let with_principals: Vec<ElementRef<'_>> = doc
        .select(&sel("li.finding"))
        .filter(|f| f.select(&sel(".principals")).next().is_some())
        .collect();
    assert_eq!(with_principals.len(), 2);
    let folded: Vec<&ElementRef<'_>> = with_principals
        .iter()
        .filter(|f| f.select(&sel("details")).next().is_some())
        .collect();
    assert_eq!(folded.len(), 1, "only the long list folds");
    let details = folded[0].select(&sel("details")).next().expect("details");
    assert_eq!(
        text(details.select(&sel("summary")).next().expect("summary")),
        "7 users and groups"
    );
    assert_eq!(details.select(&sel("li")).count(), 7);
    assert!(text(details).contains("<u>user 7</u> (group)"));
    // The folded list is spelled out for print.
    let print = text(
        folded[0]
            .select(&sel(".print-only"))
            .next()
            .expect("print list"),
    );
    assert!(print.contains("<u>user 1</u>") && print.contains("<u>user 7</u>"));

    // Users and groups named by error findings will fail.
    let failing: Vec<String> = doc
        .select(&sel("#failing tbody tr"))
        .map(|tr| tr.value().attr("data-id").expect("id").to_string())
        .collect();
    assert_eq!(failing.len(), 7, "{failing:?}");
    assert!(failing.contains(&"u1".to_string()));
    assert_eq!(
        text(one(&doc, "#verdict .headline-text")),
        "Provisioning is expected to fail for 6 users and 1 group."
    );
}

#[test]
fn html_to_stdout() {
    let assert = Command::cargo_bin("sigma-idp-lint")
        .expect("binary")
        .args(["check", "--format", "html", "--fail-on", "never"])
        .args(main_args())
        .assert()
        .code(0);
    let out = String::from_utf8(assert.get_output().stdout.clone()).expect("utf-8");
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert!(out.trim_end().ends_with("</html>"));
    let doc = Html::parse_document(&out);
    assert_eq!(
        one(&doc, "#verdict .gate").text().collect::<String>(),
        "check passes: --fail-on never"
    );
}

/// The demo snapshots: the HTML matrix says what `matrix::build` says, row by row, and every
/// finding group of the JSON output is there.
#[test]
fn demo_report_matches_the_matrix_and_the_findings() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let (html, json) = run(&[demo.display().to_string()], 1);
    let doc = Html::parse_document(&html);

    let model = model::load(&[demo], Config::default()).expect("demo model");
    let key = |s: sigma_idp_lint::matrix::Status| {
        serde_json::to_value(s)
            .expect("status")
            .as_str()
            .expect("string")
            .to_string()
    };
    let expected: Vec<(String, String, String)> = sigma_idp_lint::matrix::build(&model)
        .into_iter()
        .map(|r| (r.account_type, key(r.okta.status), key(r.azure.status)))
        .collect();
    assert!(expected.len() >= 5, "the demo has account types");
    assert!(
        expected
            .iter()
            .any(|(_, o, a)| o != "match" || a != "match"),
        "the demo has drift"
    );
    let rows: Vec<(String, String, String)> = doc
        .select(&sel("#matrix tbody tr"))
        .map(|tr| {
            let name = tr
                .select(&sel("th.account-type code.value"))
                .next()
                .map(text)
                .expect("name");
            let attr = |a: &str| tr.value().attr(a).expect("status").to_string();
            (name, attr("data-okta"), attr("data-entra"))
        })
        .collect();
    assert_eq!(rows, expected);

    let mut rules: Vec<String> = Vec::new();
    for f in json["findings"].as_array().expect("findings") {
        let rule = f["rule"].as_str().expect("rule").to_string();
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    let groups: Vec<String> = doc
        .select(&sel("#findings article.rule-group"))
        .map(|g| g.value().attr("data-rule").expect("rule").to_string())
        .collect();
    assert_eq!(groups, rules, "groups in the order of the findings");
}

/// A partial scan is never reported as clean: the header marks the source incomplete and the
/// verdict is not conclusive.
#[test]
fn incomplete_source_is_never_reported_clean() {
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean");
    let mut model = model::load(&[clean], Config::default()).expect("clean model");
    for s in &mut model.sources {
        s.complete = s.kind != sigma_idp_lint::snapshot::Kind::Okta;
    }
    let findings = Vec::new();
    let report = Report {
        model: &model,
        summary: Summary::of(&findings),
        findings: &findings,
        fail_on: Some(Severity::Error),
        suppressed: &[],
        baseline: None,
        root: None,
    };
    let mut out = Vec::new();
    Format::Html
        .reporter()
        .write(&report, Style::default(), &mut out)
        .expect("render");
    let doc = Html::parse_document(&String::from_utf8(out).expect("utf-8"));
    let okta = one(&doc, "#sources tr[data-source=Okta]");
    assert!(text(okta).contains("incomplete"), "{}", text(okta));
    let sigma = one(&doc, "#sources tr[data-source=Sigma]");
    assert!(!text(sigma).contains("incomplete"));
    assert_eq!(
        text(one(&doc, "#verdict .headline-text")),
        "Not conclusive: no failure found, but not everything was read."
    );
    assert!(text(one(&doc, "#verdict .reasons")).contains("incomplete snapshot (Okta)"));
    assert_eq!(
        one(&doc, "#verdict").value().attr("data-tone"),
        Some("inconclusive")
    );
}

/// Findings the config ignores are listed with their reasons, not among the findings.
#[test]
fn suppressed_findings_are_listed_with_their_reason() {
    let args = vec![
        fixture("").display().to_string(),
        "-c".into(),
        fixture("config-ignore/sigma-idp-lint.yaml")
            .display()
            .to_string(),
    ];
    let (html, json) = run(&args, 1);
    let doc = Html::parse_document(&html);
    assert_eq!(json["summary"]["suppressed"], 1);
    assert_eq!(
        text(one(&doc, "#verdict [data-severity=suppressed] dd")),
        "1"
    );
    let rows: Vec<Vec<String>> = doc
        .select(&sel("table.suppressed tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(
        rows,
        [[
            "case-mismatch",
            "Okta",
            "Build",
            "<b>CHG-42</b>, the Okta change ships Friday"
        ]]
    );
    assert!(
        doc.select(&sel("#rule-case-mismatch")).next().is_none(),
        "a suppressed finding is not a finding"
    );
    assert_eq!(doc.select(&sel("b")).count(), 0, "reason escaped");
}
