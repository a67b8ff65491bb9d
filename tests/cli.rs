//! Black-box tests of the binary: exit codes, stdout and stderr.

use assert_cmd::Command;
use predicates::prelude::*;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("sigma-idp-lint").expect("binary builds");
    cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    cmd
}

fn stdout_of(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn demo_fails_with_findings_matrix_and_summary() {
    let (code, out, err) = stdout_of(&["check", "fixtures/demo"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
    for needle in [
        "case-mismatch",
        "Okta sends \"Analyze\" but Sigma expects \"analyze\"",
        "fixtures/demo/okta.yaml:16:5",
        "diff: [-A-]{+a+}nalyze",
        "Fin\\u{0430}nce Analyst",
        "view[-\\u{00A0}-]",
        "Mapping matrix",
        "FAIL: findings at or above `error`",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    assert!(
        !out.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );
}

#[test]
fn human_output_of_the_demo() {
    let (_, out, _) = stdout_of(&["check", "fixtures/demo"]);
    insta::assert_snapshot!("demo_human", out);
}

#[test]
fn clean_org_exits_zero() {
    let (code, out, err) = stdout_of(&["check", "fixtures/clean"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("ok: nothing at or above `error` — 0 errors, 0 warnings, 0 notes"),
        "{out}"
    );
}

#[test]
fn fail_on_never_reports_but_exits_zero() {
    let (code, out, _) = stdout_of(&["check", "fixtures/demo", "--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(out.contains("case-mismatch"));
}

#[test]
fn fail_on_warning_fails_on_warnings_only_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy("fixtures/clean/sigma.yaml", dir.path().join("sigma.yaml")).expect("copy");
    let okta = std::fs::read_to_string("fixtures/clean/okta.yaml")
        .expect("read")
        .replace(
            "{ const: pro, title: Pro }",
            "{ const: pro, title: Professional }",
        );
    std::fs::write(dir.path().join("okta.yaml"), okta).expect("write");
    let path = dir.path().to_str().expect("utf-8");
    let (code, out, _) = stdout_of(&["check", path]);
    assert_eq!(code, 0, "warnings alone pass at --fail-on error:\n{out}");
    assert!(out.contains("display-name-mismatch"));
    let (code, _, _) = stdout_of(&["check", path, "--fail-on", "warning"]);
    assert_eq!(code, 1);
}

#[test]
fn json_output_of_the_demo() {
    let (code, out, _) = stdout_of(&["check", "fixtures/demo", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["error"], 13);
    // The raw text, so key order is part of the contract too.
    insta::assert_snapshot!(
        "demo_json",
        out.replace(env!("CARGO_PKG_VERSION"), "[version]")
    );
}

#[test]
fn fingerprints_do_not_depend_on_file_paths_or_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["sigma.yaml", "okta.yaml", "azure.yaml"] {
        let text = std::fs::read_to_string(format!("fixtures/demo/{f}")).expect("read");
        // Shift every line down: positions change, fingerprints must not.
        std::fs::write(
            dir.path().join(format!("moved-{f}")),
            format!("# moved\n\n{text}"),
        )
        .expect("write");
    }
    let fps = |path: &str| {
        let (_, out, _) = stdout_of(&["check", path, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let mut fps: Vec<String> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_string())
            .collect();
        fps.sort();
        fps
    };
    let a = fps("fixtures/demo");
    assert!(!a.is_empty());
    assert_eq!(a, fps(dir.path().to_str().expect("utf-8")));
}

#[test]
fn format_to_file_writes_the_file_and_keeps_stdout_for_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out.json");
    let spec = format!("json={}", file.display());
    let (code, out, _) = stdout_of(&[
        "check",
        "fixtures/demo",
        "--format",
        &spec,
        "--format",
        "human",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("Mapping matrix"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("json");
    assert!(
        written["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
}

#[test]
fn bad_inputs_exit_2_with_file_line_and_column() {
    for (file, needle, pos) in [
        (
            "malformed",
            "invalid YAML",
            "fixtures/bad/malformed.yaml:4:10",
        ),
        (
            "unknown-kind",
            "unknown snapshot kind `onelogin`",
            "fixtures/bad/unknown-kind.yaml:2:7",
        ),
        (
            "newer-version",
            "newer than this build reads",
            "fixtures/bad/newer-version.yaml:2:17",
        ),
        (
            "missing-field",
            "missing field `name`",
            "fixtures/bad/missing-field.yaml:6:3",
        ),
        (
            "wrong-type",
            "invalid boolean (true or false expected)",
            "fixtures/bad/wrong-type.yaml:10:15",
        ),
    ] {
        let path = format!("fixtures/bad/{file}.yaml");
        let (code, out, err) = stdout_of(&["check", &path, "fixtures/clean"]);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(out.is_empty(), "{file}: nothing on stdout: {out}");
        assert!(err.contains(needle), "{file}: {err}");
        assert!(err.contains(pos), "{file}: want {pos} in {err}");
    }
}

#[test]
fn binary_garbage_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("garbage.yaml");
    std::fs::write(&f, [0xff, 0xfe, 0x00, 0x9f]).expect("write");
    bin()
        .args(["check", f.to_str().expect("utf-8")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not UTF-8"));
}

#[test]
fn usage_errors_exit_2() {
    bin()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least one snapshot"));
    bin()
        .args(["check", "fixtures/demo/okta.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no Sigma snapshot"));
    bin()
        .args(["check", "fixtures/demo/okta.yaml", "fixtures/demo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("two okta snapshots"));
    bin()
        .args(["check", "fixtures/demo", "--format", "yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format `yaml`"));
    bin()
        .args(["check", "does/not/exist.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read does/not/exist.yaml"));
}

#[test]
fn config_levels_turn_rules_off_and_bad_config_points_at_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("sigma-idp-lint.yaml");
    std::fs::write(
        &cfg,
        "rules:\n  legacy-value: off\n  case-mismatch: warning\n",
    )
    .expect("write");
    let (code, out, err) = stdout_of(&[
        "check",
        "fixtures/demo",
        "-c",
        cfg.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["rule"] != "legacy-value"));
    assert!(
        findings
            .iter()
            .filter(|f| f["rule"] == "case-mismatch")
            .all(|f| f["severity"] == "warning")
    );

    std::fs::write(
        &cfg,
        "rules:\n  legacy-value: off\n  case-mismach: warning\n",
    )
    .expect("write");
    let (code, _, err) = stdout_of(&["check", "fixtures/demo", "-c", cfg.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule id `case-mismach`"), "{err}");
    assert!(err.contains("did you mean `case-mismatch`"), "{err}");
    assert!(err.contains("sigma-idp-lint.yaml:3:3"), "{err}");

    std::fs::write(&cfg, "rules:\n  legacy-value: loud\n").expect("write");
    let (code, _, err) = stdout_of(&["check", "fixtures/demo", "-c", cfg.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad level `loud`") && err.contains("sigma-idp-lint.yaml:2:17"),
        "{err}"
    );

    std::fs::write(&cfg, "sigma:\n  base_url: https://x\n  token: nope\n").expect("write");
    let (code, _, err) = stdout_of(&["check", "fixtures/demo", "-c", cfg.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field `token`") && err.contains(":3:3"),
        "{err}"
    );
}

#[test]
fn config_is_discovered_in_parent_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("sigma-idp-lint.yaml"),
        "rules:\n  case-mismatch: off\n",
    )
    .expect("write");
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let demo = std::fs::canonicalize("fixtures/demo").expect("demo");
    let out = bin()
        .current_dir(&sub)
        .args(["check", demo.to_str().expect("utf-8"), "--format", "json"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        !rules.is_empty() && !rules.contains(&"case-mismatch"),
        "{rules:?}"
    );
}

#[test]
fn explain_prints_the_catalog_page() {
    let (code, out, _) = stdout_of(&["explain", "case-mismatch"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("case-mismatch (error)"), "{out}");
    for needle in [
        "Why it breaks provisioning",
        "How to fix it",
        "Okta:",
        "Entra:",
        "Examples",
        "[bad ]",
        "[good]",
    ] {
        assert!(out.contains(needle), "missing {needle:?}:\n{out}");
    }
}

#[test]
fn explain_unknown_rule_suggests_the_closest() {
    let (code, out, err) = stdout_of(&["explain", "case-mismach"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("unknown rule `case-mismach`") && err.contains("did you mean `case-mismatch`"),
        "{err}"
    );
}

#[test]
fn rules_lists_every_rule_with_its_severity() {
    let (code, out, _) = stdout_of(&["rules"]);
    assert_eq!(code, 0);
    for id in sigma_idp_lint::engine::RuleId::all() {
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id.as_str()))
            .unwrap_or_else(|| panic!("{id} not listed:\n{out}"));
        assert!(line.contains(&id.default_severity().to_string()), "{line}");
    }
}
