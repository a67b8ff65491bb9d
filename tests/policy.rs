//! Config levels and ignores (suppressed, expired, unused), config mistakes located in the file,
//! baselines, and `init`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixtures() -> PathBuf {
    Path::new(ROOT).join("fixtures/ci")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

fn run(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("sigma-idp-lint")
        .expect("binary")
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `check` of the CI fixtures as JSON with `config` (written to a temp dir) on `today`.
fn check_with(config: &str, today: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("sigma-idp-lint.yaml");
    std::fs::write(&cfg, config).expect("write config");
    let fx = fixtures();
    run(
        dir.path(),
        &[
            "check",
            fx.to_str().expect("utf-8"),
            "-c",
            cfg.to_str().expect("utf-8"),
            "--today",
            today,
            "--format",
            "json",
        ],
    )
}

fn rules_of(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["value"].as_str().expect("value").to_string(),
            )
        })
        .collect()
}

fn has(list: &Value, rule: &str, value: &str) -> bool {
    rules_of(list).contains(&(rule.to_string(), value.to_string()))
}

const IGNORE_BUILD: &str = "ignores:
  - rule: case-mismatch
    source: okta
    value: Build
    reason: SEC-7, Okta fix scheduled
";

#[test]
fn an_ignore_suppresses_with_its_reason_and_is_counted() {
    let r = check_with(IGNORE_BUILD, "2026-12-04");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert!(!has(&j["findings"], "case-mismatch", "Build"));
    assert!(has(&j["suppressed"], "case-mismatch", "Build"));
    assert_eq!(j["suppressed"][0]["reason"], "SEC-7, Okta fix scheduled");
    assert_eq!(j["summary"]["suppressed"], 1);
    assert!(
        rules_of(&j["findings"])
            .iter()
            .all(|(r, _)| !r.starts_with("ignore-"))
    );
}

#[test]
fn an_ignore_narrowed_to_another_source_does_not_suppress() {
    let r = check_with(
        &IGNORE_BUILD.replace("source: okta", "source: azure"),
        "2026-12-04",
    );
    let j = r.json();
    assert!(has(&j["findings"], "case-mismatch", "Build"));
    assert!(has(&j["findings"], "ignore-unused", "Build"));
    assert_eq!(j["summary"]["suppressed"], 0);
}

#[test]
fn the_human_summary_counts_suppressed_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.yaml");
    std::fs::write(&cfg, IGNORE_BUILD).expect("write");
    let fx = fixtures();
    let r = run(
        dir.path(),
        &[
            "check",
            fx.to_str().expect("utf-8"),
            "-c",
            cfg.to_str().expect("utf-8"),
            "--color",
            "never",
        ],
    );
    let last = r.stdout.lines().last().unwrap_or("");
    assert!(
        last.contains("4 errors, 2 warnings, 0 notes, 1 suppressed"),
        "{last}"
    );
}

#[test]
fn an_expired_ignore_stops_suppressing_and_raises_ignore_expired() {
    let config = format!("{IGNORE_BUILD}    until: 2026-06-30\n");
    // On its last day it still holds.
    let held = check_with(&config, "2026-06-30").json();
    assert!(has(&held["suppressed"], "case-mismatch", "Build"));
    assert!(!has(&held["findings"], "ignore-expired", "Build"));
    // The day after, the finding is back and the stale entry is reported at its `until:` line.
    let r = check_with(&config, "2026-07-01");
    assert_eq!(r.code, 1);
    let j = r.json();
    assert!(has(&j["findings"], "case-mismatch", "Build"));
    assert_eq!(j["summary"]["suppressed"], 0);
    let expired: Vec<&Value> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "ignore-expired")
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["severity"], "error");
    assert_eq!(expired[0]["location"]["line"], 6);
    assert!(
        expired[0]["location"]["file"]
            .as_str()
            .expect("file")
            .ends_with("sigma-idp-lint.yaml")
    );
    assert!(
        expired[0]["message"]
            .as_str()
            .expect("message")
            .contains("2026-06-30")
    );
    // An expired ignore is not also unused.
    assert!(!has(&j["findings"], "ignore-unused", "Build"));
}

#[test]
fn an_ignore_that_matches_nothing_raises_ignore_unused() {
    let config = "rules:\n  case-mismatch: warning\nignores:\n  - rule: whitespace\n    value: nope\n    reason: stale\n";
    let r = check_with(config, "2026-12-04");
    let j = r.json();
    let unused: Vec<&Value> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "ignore-unused")
        .collect();
    assert_eq!(unused.len(), 1, "{j:#}");
    assert_eq!(unused[0]["severity"], "warning");
    assert_eq!(unused[0]["value"], "nope");
    assert_eq!(unused[0]["location"]["line"], 4);
    // The level from the config applies.
    let cm = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "case-mismatch")
        .expect("case-mismatch");
    assert_eq!(cm["severity"], "warning");
}

#[test]
fn policy_rules_follow_config_levels() {
    let config = "rules:\n  ignore-unused: off\nignores:\n  - rule: whitespace\n    value: nope\n    reason: stale\n";
    let j = check_with(config, "2026-12-04").json();
    assert!(!has(&j["findings"], "ignore-unused", "nope"));
}

#[test]
fn the_config_is_found_in_a_parent_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("sigma-idp-lint.yaml"), IGNORE_BUILD).expect("write");
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let fx = fixtures();
    let r = run(
        &sub,
        &["check", fx.to_str().expect("utf-8"), "--format", "json"],
    );
    assert_eq!(r.json()["summary"]["suppressed"], 1, "{}", r.stderr);
}

/// A config mistake: exit 2, the message, and a code frame at `line`.
fn config_error(config: &str, line: usize, message: &str, help: Option<&str>) {
    let r = check_with(config, "2026-12-04");
    assert_eq!(r.code, 2, "{config}\n{}", r.stdout);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains(message),
        "want {message:?} in:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("sigma-idp-lint.yaml:{line}:")),
        "want line {line} in:\n{}",
        r.stderr
    );
    if let Some(h) = help {
        assert!(r.stderr.contains(h), "want {h:?} in:\n{}", r.stderr);
    }
}

#[test]
fn unknown_rule_id_in_rules_suggests_the_closest() {
    config_error(
        "# levels\nrules:\n  missing-in-idp: error\n  display-name-mismach: off\n",
        4,
        "unknown rule id `display-name-mismach`",
        Some("did you mean `display-name-mismatch`?"),
    );
}

#[test]
fn unknown_rule_id_in_an_ignore_suggests_the_closest() {
    config_error(
        "ignores:\n  - rule: case-mismatch\n    reason: a\n  - rule: whitespaces\n    reason: b\n",
        4,
        "unknown rule id `whitespaces`",
        Some("did you mean `whitespace`?"),
    );
}

#[test]
fn bad_level() {
    config_error(
        "rules:\n  case-mismatch: fatal\n",
        2,
        "bad level `fatal`",
        Some("error, warning, note, off"),
    );
}

#[test]
fn missing_reason() {
    config_error(
        "ignores:\n  - rule: case-mismatch\n    value: Build\n",
        2,
        "has no `reason`",
        None,
    );
    config_error(
        "ignores:\n  - rule: case-mismatch\n    reason: \"  \"\n",
        3,
        "empty `reason`",
        None,
    );
}

#[test]
fn bad_date() {
    config_error(
        "ignores:\n  - rule: case-mismatch\n    reason: x\n    until: 2026-02-30\n",
        4,
        "bad date `2026-02-30`",
        Some("YYYY-MM-DD"),
    );
    config_error(
        "ignores:\n  - rule: case-mismatch\n    reason: x\n    until: next week\n",
        4,
        "bad date `next week`",
        None,
    );
}

#[test]
fn unknown_keys() {
    config_error(
        "rules: {}\nignore:\n  - rule: x\n",
        2,
        "unknown key",
        Some("README"),
    );
    config_error(
        "ignores:\n  - rule: case-mismatch\n    reason: x\n    expires: 2027-01-01\n",
        4,
        "unknown field `expires`",
        None,
    );
}

#[test]
fn unknown_source_and_policy_rules_cannot_be_ignored() {
    config_error(
        "ignores:\n  - rule: case-mismatch\n    source: entra\n    reason: x\n",
        3,
        "unknown source `entra`",
        Some("sigma, okta, azure"),
    );
    config_error(
        "ignores:\n  - rule: ignore-unused\n    reason: x\n",
        2,
        "`ignore-unused` cannot be ignored",
        Some("ignore-unused: off"),
    );
}

fn findings_of(dir: &Path, snapshots: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        snapshots.to_str().expect("utf-8"),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Snapshots in a folder of their own, so they can drift.
    let snaps = dir.path().join("snapshots");
    std::fs::create_dir(&snaps).expect("mkdir");
    for f in ["sigma.yaml", "okta.yaml", "azure.yaml"] {
        std::fs::copy(fixtures().join(f), snaps.join(f)).expect("copy");
    }
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().expect("utf-8");

    // Write: the current findings are recorded, and the run does not fail.
    let w = findings_of(dir.path(), &snaps, &["--write-baseline", b]);
    assert_eq!(w.code, 0, "{}", w.stderr);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).expect("written")).expect("json");
    assert_eq!(written["findings"].as_array().expect("entries").len(), 7);

    // Re-check against it: nothing new, exit 0.
    let r = findings_of(dir.path(), &snaps, &["--baseline", b]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let j = r.json();
    assert_eq!(j["findings"].as_array().expect("findings").len(), 0);
    assert_eq!(j["baseline"]["unchanged"], 7);
    assert_eq!(j["baseline"]["fixed"].as_array().expect("fixed").len(), 0);

    // Moving and reformatting the snapshots changes no fingerprint.
    let moved = dir.path().join("elsewhere");
    std::fs::create_dir(&moved).expect("mkdir");
    for f in ["sigma.yaml", "okta.yaml", "azure.yaml"] {
        let text = std::fs::read_to_string(snaps.join(f)).expect("read");
        let (head, body) = text.split_once('\n').expect("lines");
        std::fs::write(moved.join(f), format!("{head}\n# reformatted\n\n{body}")).expect("write");
    }
    let r = findings_of(dir.path(), &moved, &["--baseline", b]);
    assert_eq!(r.code, 0, "{}", r.stdout);

    // A new drift fails, and only it is reported.
    let okta = snaps.join("okta.yaml");
    let text = std::fs::read_to_string(&okta).expect("read");
    let drifted = text
        .replace("    - admin\n", "    - Admin\n")
        .replace("{ const: admin,", "{ const: Admin,");
    std::fs::write(&okta, drifted).expect("write");
    let r = findings_of(dir.path(), &snaps, &["--baseline", b]);
    assert_eq!(r.code, 1);
    let j = r.json();
    assert_eq!(
        rules_of(&j["findings"]),
        [("case-mismatch".to_string(), "Admin".to_string())]
    );

    // Fixing an old drift reports its baseline entry as fixed.
    std::fs::write(
        &okta,
        text.replace("    - Build\n", "    - build\n")
            .replace("{ const: Build,", "{ const: build,"),
    )
    .expect("write");
    let r = findings_of(dir.path(), &snaps, &["--baseline", b]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let j = r.json();
    let fixed = j["baseline"]["fixed"].as_array().expect("fixed");
    assert_eq!(fixed.len(), 1, "{j:#}");
    assert_eq!(fixed[0]["rule"], "case-mismatch");
    assert_eq!(fixed[0]["value"], "Build");
    // The human report names it too.
    let h = run(
        dir.path(),
        &[
            "check",
            snaps.to_str().expect("utf-8"),
            "--baseline",
            b,
            "--color",
            "never",
        ],
    );
    assert!(
        h.stdout.contains("Fixed since the baseline"),
        "{}",
        h.stdout
    );
    assert!(
        h.stdout.contains("6 in the baseline, 1 fixed since"),
        "{}",
        h.stdout
    );
}

#[test]
fn a_broken_baseline_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("b.json");
    std::fs::write(
        &baseline,
        "{\n  \"schema_version\": 1,\n  \"findings\": 3\n}\n",
    )
    .expect("write");
    let r = findings_of(
        dir.path(),
        &fixtures(),
        &["--baseline", baseline.to_str().expect("utf-8")],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("b.json:3:"), "{}", r.stderr);
}

#[test]
fn init_writes_a_starter_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = dir.path().join("sigma-idp-lint.yaml");
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.starts_with("# sigma-idp-lint configuration"));
    assert!(text.contains("ignores:") && text.contains("#   until:"));
    // The starter is a valid config that changes nothing.
    let checked = findings_of(dir.path(), &fixtures(), &[]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert_eq!(checked.json()["summary"]["suppressed"], 0);

    std::fs::write(&path, "rules: {}\n").expect("edit");
    let again = run(dir.path(), &["init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists") && again.stderr.contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), "rules: {}\n");
    let forced = run(dir.path(), &["init", "--force"]);
    assert_eq!(forced.code, 0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}
