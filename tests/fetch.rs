//! Live sources against emulated Sigma, Okta and Graph APIs on loopback (see `emulators/`).
//! Each test runs the real binary with the sources configured through the environment and
//! retry waits scaled down (`fetch.wait_scale`), and asserts on exit codes, messages, written
//! snapshots and the requests the emulators saw.

mod emulators;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use emulators::*;
use sigma_idp_lint::snapshot::{self, Snapshot};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A working folder with a config file; `extra` is appended to the config.
fn workdir(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sigma-idp-lint.yaml"),
        format!(
            "fetch:\n  wait_scale: 0.001\n  timeout: 5\n{extra}okta:\n  app_id: {OKTA_APP_ID}\nazure:\n  sigma_app_id: {AZURE_APP_ID}\n"
        ),
    )
    .unwrap();
    dir
}

const ALL_VARS: &[&str] = &[
    "SIGMA_BASE_URL",
    "SIGMA_CLIENT_ID",
    "SIGMA_CLIENT_SECRET",
    "OKTA_ORG_URL",
    "OKTA_APP_ID",
    "OKTA_API_TOKEN",
    "OKTA_ACCESS_TOKEN",
    "AZURE_TENANT_ID",
    "AZURE_AUTHORITY_HOST",
    "AZURE_GRAPH_URL",
    "AZURE_SIGMA_APP_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
];

/// The environment configuring every source against `emu`.
fn env_for(emu: &Emulator) -> Vec<(&'static str, String)> {
    vec![
        ("SIGMA_BASE_URL", emu.url.clone()),
        ("SIGMA_CLIENT_ID", SIGMA_CLIENT_ID.into()),
        ("SIGMA_CLIENT_SECRET", SIGMA_CLIENT_SECRET.into()),
        ("OKTA_ORG_URL", emu.url.clone()),
        ("OKTA_API_TOKEN", OKTA_API_TOKEN.into()),
        ("AZURE_TENANT_ID", TENANT.into()),
        ("AZURE_AUTHORITY_HOST", emu.url.clone()),
        ("AZURE_GRAPH_URL", emu.url.clone()),
        ("AZURE_CLIENT_ID", AZURE_CLIENT_ID.into()),
        ("AZURE_CLIENT_SECRET", AZURE_CLIENT_SECRET.into()),
    ]
}

fn run(dir: &Path, env: &[(&'static str, String)], args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("sigma-idp-lint").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    for v in ALL_VARS {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn only(env: Vec<(&'static str, String)>, prefix: &str) -> Vec<(&'static str, String)> {
    env.into_iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .collect()
}

fn load(path: PathBuf) -> Snapshot {
    snapshot::load(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .snapshot
}

#[test]
fn snapshot_with_assignments_pages_every_style_with_the_fewest_requests() {
    let emu = Emulator::start(Data {
        sigma_types_page: 4, // 6 types → 2 pages of pageToken/nextPageToken
        sigma_members: 2_500,
        okta_users: 1_234,
        okta_groups: 250,
        graph_user_assignments: 2_500,
        graph_group_assignments: 2,
        ..Data::default()
    });
    let dir = workdir("");
    let r = run(
        dir.path(),
        &env_for(&emu),
        &["snapshot", "--out", "snaps", "--with-assignments"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in ["sigma.yaml", "okta.yaml", "azure.yaml"] {
        assert!(r.stdout.contains(f), "{}", r.stdout);
    }

    // Request counts, as the emulators saw them.
    let users = format!("/api/v1/apps/{OKTA_APP_ID}/users");
    assert_eq!(emu.count("GET", &users), 3, "1,234 app users at 500 a page");
    assert!(
        emu.requests()
            .iter()
            .filter(|l| l.path == users)
            .all(|l| l.query.contains("limit=500"))
    );
    let groups = format!("/api/v1/apps/{OKTA_APP_ID}/groups");
    assert_eq!(emu.count("GET", &groups), 2, "250 groups at 200 a page");
    let assigned = format!("/v1.0/servicePrincipals/{SP_ID}/appRoleAssignedTo");
    assert_eq!(
        emu.count("GET", &assigned),
        3,
        "2,502 assignments at 999 a page"
    );
    assert!(
        emu.requests()
            .iter()
            .any(|l| l.path == assigned && l.query == "%24top=999")
    );
    assert_eq!(
        emu.count("GET", "/v2.1/members"),
        3,
        "2,500 members at 1,000 a page"
    );
    assert!(
        emu.requests()
            .iter()
            .any(|l| l.path == "/v2.1/members" && l.query.contains("limit=1000"))
    );
    assert_eq!(emu.count("GET", "/v2/accountTypes"), 2);
    assert!(
        emu.requests()
            .iter()
            .any(|l| l.path == "/v2/accountTypes" && l.query == "pageSize=1000&pageToken=tok-4")
    );
    // Logins in batches of 15, never one request per user.
    assert_eq!(emu.count("GET", "/v1.0/users"), 2_500usize.div_ceil(15));
    assert_eq!(
        emu.count(
            "GET",
            "/v1.0/groups/00000000-0000-4000-9000-000000000000/members"
        ),
        1
    );
    // One token per run.
    assert_eq!(emu.count("POST", "/v2/auth/token"), 1);
    assert_eq!(
        emu.count("POST", &format!("/{TENANT}/oauth2/v2.0/token")),
        1
    );
    // All /api/v1/apps/* requests strictly one after another is what the client does; the
    // emulator at least sees every Okta request authenticated with SSWS.
    assert!(
        emu.requests()
            .iter()
            .filter(|l| l.path.starts_with("/api/v1/"))
            .all(|l| l.authorization.as_deref() == Some(&format!("SSWS {OKTA_API_TOKEN}")))
    );

    // What was written, counted in the text (the content itself is checked on small data
    // below).
    let snaps = dir.path().join("snaps");
    let text = |f: &str| std::fs::read_to_string(snaps.join(f)).unwrap();
    let count = |text: &str, key: &str| {
        text.lines()
            .filter(|l| l.trim_start().trim_start_matches("- ").starts_with(key))
            .count()
    };
    let sigma = text("sigma.yaml");
    assert_eq!(count(&sigma, "member_type:"), 2_500);
    assert_eq!(count(&sigma, "is_custom:"), 6);
    let okta = text("okta.yaml");
    assert_eq!(count(&okta, "user_name:"), 1_234);
    assert_eq!(count(&okta, "priority:"), 250);
    let azure = text("azure.yaml");
    assert_eq!(count(&azure, "app_role_id:"), 2_502);
    assert_eq!(count(&azure, "principal_login:"), 2_500);
}

#[test]
fn snapshot_with_assignments_stores_what_each_api_returned() {
    let emu = Emulator::start(Data {
        sigma_types_page: 4,
        sigma_members: 30,
        okta_users: 12,
        okta_groups: 3,
        graph_user_assignments: 40,
        graph_group_assignments: 2,
        ..Data::default()
    });
    let dir = workdir("");
    let r = run(
        dir.path(),
        &env_for(&emu),
        &["snapshot", "--out", "snaps", "--with-assignments"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(emu.count("GET", "/v1.0/users"), 3, "40 users, 15 a look-up");
    let snaps = dir.path().join("snaps");
    let Snapshot::Sigma(s) = load(snaps.join("sigma.yaml")) else {
        panic!()
    };
    assert_eq!(s.account_types.len(), 6);
    assert!(
        s.account_types
            .iter()
            .any(|a| a.name == "Analyst" && a.is_custom)
    );
    assert!(
        s.account_types
            .iter()
            .any(|a| a.name == "Admin" && !a.is_custom)
    );
    let members = s.members.unwrap();
    assert_eq!(members.len(), 30);
    assert!(members.iter().any(|m| m.is_inactive));
    assert!(
        members
            .iter()
            .all(|m| m.member_type == "Build" && m.email.ends_with("@example.com"))
    );
    let Snapshot::Okta(o) = load(snaps.join("okta.yaml")) else {
        panic!()
    };
    let attr = o.attribute.unwrap();
    assert_eq!(attr.enum_values.unwrap().len(), 6);
    assert_eq!(attr.one_of.unwrap().len(), 6);
    let app_users = o.app_users.unwrap();
    assert_eq!(app_users.len(), 12);
    assert!(
        app_users
            .iter()
            .all(|u| u.user_type.as_deref() == Some("build")
                && u.user_name.ends_with("@example.com")
                && u.sync_state == "SYNCHRONIZED"
                && u.status == "PROVISIONED")
    );
    assert!(app_users.iter().any(|u| u.scope == "GROUP"));
    let groups = o.group_assignments.unwrap();
    assert_eq!(groups.len(), 3);
    assert!(
        groups
            .iter()
            .all(|g| g.user_type.as_deref() == Some("analyze") && g.priority.is_some())
    );
    let Snapshot::Azure(a) = load(snaps.join("azure.yaml")) else {
        panic!()
    };
    assert_eq!(a.app.service_principal_id, SP_ID);
    assert_eq!(a.app_roles.len(), 7);
    assert!(a.app_roles.iter().any(|r| r.value.is_none()));
    // Where each role is defined: the emulated application object holds the first three.
    assert!(
        a.app_roles
            .iter()
            .any(|r| r.origin.as_deref() == Some("ServicePrincipal"))
    );
    let assignments = a.assignments.unwrap();
    assert_eq!(assignments.len(), 42);
    assert!(
        assignments
            .iter()
            .filter(|x| x.principal_type == "User")
            .all(|x| x.principal_login.as_deref()
                == Some(&format!("{}@example.com", x.principal_id)))
    );
    let gm = a.group_members.unwrap();
    assert_eq!(gm.len(), 2);
    let first = gm.values().next().unwrap();
    assert_eq!(first.len(), 2, "user and nested group kept, device dropped");
    assert!(first.iter().any(|m| m.kind == "group"));
    assert!(
        first
            .iter()
            .any(|m| m.kind == "user" && m.login.as_deref() == Some("member.one@example.com"))
    );
}

#[test]
fn check_live_fetches_and_checks_in_one_go() {
    let emu = Emulator::start(Data::default());
    let dir = workdir("");
    let r = run(
        dir.path(),
        &env_for(&emu),
        &["check", "--live", "--with-assignments", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3);
    assert!(sources.iter().all(|s| s["complete"] == true));
    assert_eq!(v["summary"]["error"], 0);
    assert_eq!(emu.count("GET", "/v2.1/members"), 1);
    // Nothing written by check --live except what was asked for.
    assert!(!dir.path().join("sigma.yaml").exists());
}

#[test]
fn check_live_with_drift_exits_1() {
    let emu = Emulator::start(Data {
        okta_values: vec!["Admin".into(), "build".into()],
        ..Data::default()
    });
    let dir = workdir("");
    let env = env_for(&emu)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AZURE"))
        .collect::<Vec<_>>();
    let r = run(dir.path(), &env, &["check", "--live", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("case-mismatch"), "{}", r.stdout);
}

#[test]
fn sigma_429_with_and_without_retry_after_then_success() {
    let emu = Emulator::start(Data::default());
    emu.fault(
        "/v2/accountTypes",
        Some(1),
        Fault::status(
            429,
            &[("retry-after", "3")],
            r#"{"message":"slow down","code":"too_many_requests","requestId":"r1"}"#,
        ),
    );
    // Cloudflare's edge: no Retry-After, not JSON.
    emu.fault(
        "/v2/accountTypes",
        Some(1),
        Fault::status(
            429,
            &[("content-type", "text/html")],
            "<html><title>error 1015</title></html>",
        ),
    );
    let dir = workdir("");
    let started = Instant::now();
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(emu.count("GET", "/v2/accountTypes"), 3);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(dir.path().join("sigma.yaml").exists());
}

#[test]
fn okta_429_with_rate_limit_reset_and_without_headers_then_success() {
    let emu = Emulator::start(Data::default());
    let schema = format!("/api/v1/meta/schemas/apps/{OKTA_APP_ID}/default");
    emu.fault(
        &schema,
        Some(1),
        Fault::status(
            429,
            &[
                ("date", "Tue, 04 Mar 2025 10:15:42 GMT"),
                ("x-rate-limit-limit", "100"),
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", "1741083360"),
            ],
            r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorId":"oae1","errorCauses":[]}"#,
        ),
    );
    emu.fault(
        &schema,
        Some(1),
        Fault::status(429, &[], r#"{"errorCode":"E0000047"}"#),
    );
    let dir = workdir("");
    let r = run(dir.path(), &only(env_for(&emu), "OKTA"), &["snapshot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(emu.count("GET", &schema), 3);
    let Snapshot::Okta(o) = load(dir.path().join("okta.yaml")) else {
        panic!()
    };
    assert_eq!(o.app.label, OKTA_APP_LABEL);
}

#[test]
fn graph_429_with_fractional_retry_after_and_503_recover() {
    let emu = Emulator::start(Data::default());
    emu.fault(
        "/v1.0/servicePrincipals",
        Some(1),
        Fault::status(
            429,
            &[("retry-after", "2.128"), ("request-id", "c41f")],
            r#"{"error":{"code":"TooManyRequests","message":"Please retry again later."}}"#,
        ),
    );
    emu.fault(
        "/v1.0/servicePrincipals",
        Some(1),
        Fault::status(429, &[], "{}"),
    );
    emu.fault(
        "/v1.0/servicePrincipals",
        Some(1),
        Fault::status(503, &[], ""),
    );
    let dir = workdir("");
    let r = run(dir.path(), &only(env_for(&emu), "AZURE"), &["snapshot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(emu.count("GET", "/v1.0/servicePrincipals"), 4);
    assert!(dir.path().join("azure.yaml").exists());
}

#[test]
fn an_endpoint_that_always_fails_exits_3_and_keeps_the_previous_snapshot() {
    let emu = Emulator::start(Data::default());
    let dir = workdir("");
    let r = run(dir.path(), &env_for(&emu), &["snapshot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(dir.path().join("okta.yaml")).unwrap();

    let schema = format!("/api/v1/meta/schemas/apps/{OKTA_APP_ID}/default");
    emu.fault(
        &schema,
        None,
        Fault::status(
            500,
            &[("x-okta-request-id", "req-500")],
            r#"{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorCauses":[]}"#,
        ),
    );
    emu.clear_log();
    let r = run(dir.path(), &env_for(&emu), &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("Okta"), "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 500"), "{}", r.stderr);
    assert!(r.stderr.contains("E0000009"), "{}", r.stderr);
    assert!(r.stderr.contains("after 4 retries"), "{}", r.stderr);
    assert_eq!(emu.count("GET", &schema), 5, "1 try + Okta's 4 retries");
    assert_eq!(std::fs::read(dir.path().join("okta.yaml")).unwrap(), before);
    // The other sources were still written.
    assert!(r.stdout.contains("sigma.yaml") && r.stdout.contains("azure.yaml"));
    // And check --live refuses to report on a partial scan.
    let r = run(dir.path(), &env_for(&emu), &["check", "--live"]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn an_html_error_page_is_a_clear_failure() {
    let emu = Emulator::start(Data::default());
    emu.fault(
        "/v1.0/servicePrincipals",
        None,
        Fault::status(
            200,
            &[("content-type", "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body></body></html>",
        ),
    );
    let dir = workdir("");
    let r = run(dir.path(), &only(env_for(&emu), "AZURE"), &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("expected JSON but got an HTML page"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("Sign in to your account"), "{}", r.stderr);
    assert!(!dir.path().join("azure.yaml").exists());

    // An HTML 502 from a proxy, retried, then reported with its title.
    emu.clear_faults();
    emu.fault(
        "/v1.0/servicePrincipals",
        None,
        Fault::status(
            502,
            &[("content-type", "text/html")],
            "<html><title>502 Bad Gateway</title></html>",
        ),
    );
    let r = run(dir.path(), &only(env_for(&emu), "AZURE"), &["snapshot"]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("HTTP 502") && r.stderr.contains("502 Bad Gateway"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_json_is_a_clear_failure() {
    let emu = Emulator::start(Data::default());
    emu.fault(
        "/v2/accountTypes",
        None,
        Fault::status(200, &[], r#"{"entries": [{"accountTypeId": "#),
    );
    let dir = workdir("");
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("GET /v2/accountTypes"), "{}", r.stderr);
    assert!(r.stderr.contains("not valid JSON"), "{}", r.stderr);

    // Valid JSON of the wrong shape.
    emu.clear_faults();
    emu.fault(
        "/v2/accountTypes",
        None,
        Fault::status(200, &[], r#"{"items": []}"#),
    );
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("no `entries` array"), "{}", r.stderr);

    // One item of the wrong shape: named by its place in the list.
    emu.clear_faults();
    emu.fault(
        "/v2/accountTypes",
        None,
        Fault::status(
            200,
            &[],
            r#"{"entries": [{"accountTypeId": "a", "accountTypeName": "Admin", "isCustom": false}, {"accountTypeId": "b", "accountTypeName": 7, "isCustom": true}]}"#,
        ),
    );
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("item 1: invalid type"), "{}", r.stderr);
    assert!(
        !dir.path().join("sigma.yaml").exists(),
        "nothing half-written"
    );
}

#[test]
fn a_repeating_cursor_stops_with_exit_3() {
    let emu = Emulator::start(Data {
        sigma_types_page: 2,
        sigma_repeat_cursor: true,
        ..Data::default()
    });
    let dir = workdir("");
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cursor it had already returned"),
        "{}",
        r.stderr
    );
    assert_eq!(emu.count("GET", "/v2/accountTypes"), 2);
    assert!(!dir.path().join("sigma.yaml").exists());
}

#[test]
fn a_response_slower_than_the_timeout_fails() {
    let emu = Emulator::start(Data::default());
    emu.fault(
        "/v2/accountTypes",
        None,
        Fault::Slow(Duration::from_secs(5)),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sigma-idp-lint.yaml"),
        "fetch:\n  wait_scale: 0.001\n  timeout: 0.2\n  max_retries: 1\n",
    )
    .unwrap();
    let started = Instant::now();
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no response within 0.20s (after 1 retry)"),
        "{}",
        r.stderr
    );
    assert_eq!(emu.count("GET", "/v2/accountTypes"), 2);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn the_overall_deadline_bounds_a_source() {
    let emu = Emulator::start(Data::default());
    emu.fault(
        "/v2/accountTypes",
        None,
        Fault::Slow(Duration::from_secs(5)),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sigma-idp-lint.yaml"),
        "fetch:\n  wait_scale: 0.001\n  timeout: 30\n  deadline: 0.4\n",
    )
    .unwrap();
    let started = Instant::now();
    let r = run(dir.path(), &only(env_for(&emu), "SIGMA"), &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("overall deadline of 0.40s"),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn wrong_credentials_exit_3_with_a_clear_message() {
    let emu = Emulator::start(Data::default());
    let dir = workdir("");
    let mut env = env_for(&emu);
    for (k, v) in &mut env {
        match *k {
            "SIGMA_CLIENT_SECRET" => *v = "WRONG-sigma-secret-1111".into(),
            "OKTA_API_TOKEN" => *v = "WRONG-okta-token-2222".into(),
            "AZURE_CLIENT_SECRET" => *v = "WRONG-azure-secret-3333".into(),
            _ => {}
        }
    }
    let r = run(dir.path(), &env, &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let e = &r.stderr;
    assert!(
        e.contains("Sigma")
            && e.contains("POST /v2/auth/token: HTTP 401")
            && e.contains("req-sigma-token-1"),
        "{e}"
    );
    assert!(e.contains("SIGMA_CLIENT_SECRET"), "{e}");
    assert!(e.contains("E0000004: Authentication failed"), "{e}");
    assert!(e.contains("invalid_client: AADSTS7000215"), "{e}");
    for secret in [
        "WRONG-sigma-secret-1111",
        "WRONG-okta-token-2222",
        "WRONG-azure-secret-3333",
    ] {
        assert!(!e.contains(secret) && !r.stdout.contains(secret));
    }
    // A bad token is asked for once, not retried.
    assert_eq!(emu.count("POST", "/v2/auth/token"), 1);
    assert!(!dir.path().join("sigma.yaml").exists());
}

#[test]
fn a_401_mid_run_gets_one_fresh_token_and_one_retry() {
    let emu = Emulator::start(Data::default());
    let unauthorized = r#"{"requestId":"r","message":"Token expired","code":"unauthorized"}"#;
    emu.fault(
        "/v2.1/members",
        Some(1),
        Fault::status(401, &[], unauthorized),
    );
    let dir = workdir("");
    let env = only(env_for(&emu), "SIGMA");
    let r = run(dir.path(), &env, &["snapshot", "--with-assignments"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(emu.count("POST", "/v2/auth/token"), 2);
    assert_eq!(emu.count("GET", "/v2.1/members"), 2);

    // A second 401 in a row is fatal.
    emu.clear_log();
    emu.fault(
        "/v2.1/members",
        Some(2),
        Fault::status(401, &[], unauthorized),
    );
    let r = run(dir.path(), &env, &["snapshot", "--with-assignments"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("Token expired"), "{}", r.stderr);
    assert_eq!(emu.count("GET", "/v2.1/members"), 2);
}

#[test]
fn a_missing_credential_is_exit_2_naming_the_variable() {
    let emu = Emulator::start(Data::default());
    let dir = workdir("");
    let env: Vec<_> = env_for(&emu)
        .into_iter()
        .filter(|(k, _)| *k != "AZURE_CLIENT_SECRET")
        .collect();
    let r = run(dir.path(), &env, &["snapshot"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("AZURE_CLIENT_SECRET"), "{}", r.stderr);
    assert!(emu.requests().is_empty());

    let env: Vec<_> = env_for(&emu)
        .into_iter()
        .filter(|(k, _)| *k != "OKTA_API_TOKEN")
        .collect();
    let r = run(dir.path(), &env, &["check", "--live"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("OKTA_API_TOKEN"), "{}", r.stderr);

    // Nothing configured at all.
    let r = run(dir.path(), &[], &["snapshot"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no live source is configured"),
        "{}",
        r.stderr
    );
}

#[test]
fn plain_http_is_refused_except_on_loopback() {
    let dir = workdir("");
    let env = vec![
        ("SIGMA_BASE_URL", "http://api.example.com".to_string()),
        ("SIGMA_CLIENT_ID", "x".to_string()),
        ("SIGMA_CLIENT_SECRET", "y".to_string()),
    ];
    let r = run(dir.path(), &env, &["snapshot"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("https is required"), "{}", r.stderr);
}

#[test]
fn the_token_never_goes_to_another_host() {
    let emu = Emulator::start(Data::default());
    let other = Emulator::start(Data::default());
    let users = format!("/api/v1/apps/{OKTA_APP_ID}/users");
    emu.fault(
        &users,
        Some(1),
        Fault::status(
            200,
            &[(
                "link",
                &format!("<{}{users}?after=x1&limit=500>; rel=\"next\"", other.url),
            )],
            "[]",
        ),
    );
    let dir = workdir("");
    let env = only(env_for(&emu), "OKTA");
    let r = run(dir.path(), &env, &["snapshot", "--with-assignments"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("another host (127.0.0.1)") || r.stderr.contains("another host"),
        "{}",
        r.stderr
    );

    // A redirect to another host is not followed either.
    let schema = format!("/api/v1/meta/schemas/apps/{OKTA_APP_ID}/default");
    emu.fault(
        &schema,
        Some(1),
        Fault::status(302, &[("location", &format!("{}{schema}", other.url))], ""),
    );
    let r = run(dir.path(), &env, &["snapshot"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(other.requests().is_empty(), "{:?}", other.requests());
}

#[test]
fn denied_group_expansion_leaves_groups_unexpanded_and_says_so() {
    let emu = Emulator::start(Data {
        group_members_forbidden: true,
        ..Data::default()
    });
    let dir = workdir("");
    let r = run(
        dir.path(),
        &only(env_for(&emu), "AZURE"),
        &["snapshot", "--with-assignments"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("left unexpanded"), "{}", r.stderr);
    let Snapshot::Azure(a) = load(dir.path().join("azure.yaml")) else {
        panic!()
    };
    assert!(a.group_members.is_none());
    assert_eq!(a.assignments.unwrap().len(), 4);
}

#[test]
fn okta_app_by_exact_label() {
    let emu = Emulator::start(Data::default());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sigma-idp-lint.yaml"),
        format!("fetch:\n  wait_scale: 0.001\nokta:\n  app_label: {OKTA_APP_LABEL}\n"),
    )
    .unwrap();
    let r = run(dir.path(), &only(env_for(&emu), "OKTA"), &["snapshot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(emu.count("GET", "/api/v1/apps"), 1);
    let Snapshot::Okta(o) = load(dir.path().join("okta.yaml")) else {
        panic!()
    };
    assert_eq!(o.app.id, OKTA_APP_ID);
}

/// Every file under `dir`, as text.
fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push((
                p.clone(),
                String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned(),
            ));
        }
    }
    out
}

#[test]
fn secrets_never_appear_in_output_or_files() {
    let emu = Emulator::start(Data::default());
    let dir = workdir("");
    let env = env_for(&emu);
    let secrets = [
        SIGMA_CLIENT_ID,
        SIGMA_CLIENT_SECRET,
        OKTA_API_TOKEN,
        AZURE_CLIENT_ID,
        AZURE_CLIENT_SECRET,
    ];
    let mut runs = vec![
        run(
            dir.path(),
            &env,
            &["snapshot", "--out", "s", "--with-assignments"],
        ),
        run(dir.path(), &env, &["snapshot", "--out", "s"]),
        run(
            dir.path(),
            &env,
            &[
                "check",
                "--live",
                "--with-assignments",
                "--format",
                "human",
                "--format",
                "json=report.json",
            ],
        ),
        run(dir.path(), &env, &["check", "s", "--format", "json"]),
        run(dir.path(), &env, &["rules"]),
        run(dir.path(), &env, &["explain", "case-mismatch"]),
    ];
    // Failing runs: an error echoing what it was sent, a 401 mid-run, a 403.
    emu.fault(
        "/v2/auth/token",
        None,
        Fault::status(400, &[], &format!(r#"{{"message":"bad client {SIGMA_CLIENT_ID} / {SIGMA_CLIENT_SECRET}","code":"bad_request"}}"#)),
    );
    emu.fault(
        "/v1.0/servicePrincipals",
        None,
        Fault::status(403, &[], r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges."}}"#),
    );
    emu.fault(
        &format!("/api/v1/apps/{OKTA_APP_ID}"),
        None,
        Fault::status(
            401,
            &[],
            &format!(
                r#"{{"errorCode":"E0000004","errorSummary":"bad token SSWS {OKTA_API_TOKEN}"}}"#
            ),
        ),
    );
    runs.push(run(dir.path(), &env, &["snapshot", "--out", "s"]));
    runs.push(run(dir.path(), &env, &["check", "--live"]));
    assert_eq!(runs[0].code, 0, "{}", runs[0].stderr);
    assert_eq!(runs[2].code, 0, "{}", runs[2].stderr);
    assert_eq!(runs[6].code, 3);
    assert!(runs[6].stderr.contains("***"), "{}", runs[6].stderr);
    for (i, r) in runs.iter().enumerate() {
        for s in secrets {
            assert!(!r.stdout.contains(s), "run {i}: stdout shows {s}");
            assert!(
                !r.stderr.contains(s),
                "run {i}: stderr shows {s}:\n{}",
                r.stderr
            );
        }
    }
    let files = all_files(dir.path());
    assert!(files.len() >= 5, "{files:?}");
    for (path, text) in files {
        if path.ends_with("sigma-idp-lint.yaml") {
            continue;
        }
        for s in secrets {
            assert!(!text.contains(s), "{} contains {s}", path.display());
        }
    }
}

/// The scale benchmark of the live path (README, "Scale benchmark"): `check --live
/// --with-assignments` of BENCH_N Okta app users, BENCH_N Entra assignments and BENCH_N / 2 Sigma
/// members (default 200,000) against the emulators, timed with `/usr/bin/time -v`. It also
/// checks that the fetch makes exactly the minimum number of page requests at that size. Run:
///
/// ```sh
/// cargo test --release --test fetch -- --ignored --nocapture live_scale_benchmark
/// ```
#[test]
#[ignore = "benchmark: minutes of work; run by hand in --release"]
fn live_scale_benchmark() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let emu = Emulator::start(Data {
        sigma_members: n / 2,
        okta_users: n,
        okta_groups: 200,
        graph_user_assignments: n,
        graph_group_assignments: 2,
        ..Data::default()
    });
    let dir = workdir("");
    // Runs the binary under `/usr/bin/time -v`: its output, wall time and peak RSS (kB).
    let timed = |args: &[&str]| {
        let bin = assert_cmd::cargo::cargo_bin("sigma-idp-lint");
        let mut cmd = std::process::Command::new("/usr/bin/time");
        cmd.arg("-v")
            .arg(&bin)
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1");
        for v in ALL_VARS {
            cmd.env_remove(v);
        }
        cmd.envs(env_for(&emu));
        let started = Instant::now();
        let out = cmd
            .output()
            .expect("/usr/bin/time runs (Debian package `time`)");
        let wall = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let peak = stderr
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .unwrap_or("?")
            .to_string();
        (out, wall, peak, stderr)
    };

    let (out, wall, peak, stderr) =
        timed(&["check", "--live", "--with-assignments", "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check --live failed: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert!(
        report["sources"]
            .as_array()
            .is_some_and(|s| s.len() == 3 && s.iter().all(|s| s["complete"] == true))
    );
    println!(
        "live_scale_benchmark: N={n}: check --live: wall {:.1} s, peak {peak} kB",
        wall.as_secs_f64()
    );

    // The fewest page requests the page sizes allow.
    let users = format!("/api/v1/apps/{OKTA_APP_ID}/users");
    assert_eq!(emu.count("GET", &users), n.div_ceil(500));
    let assigned = format!("/v1.0/servicePrincipals/{SP_ID}/appRoleAssignedTo");
    assert_eq!(emu.count("GET", &assigned), (n + 2).div_ceil(999));
    assert_eq!(emu.count("GET", "/v2.1/members"), (n / 2).div_ceil(1000));
    assert_eq!(emu.count("GET", "/v1.0/users"), n.div_ceil(15));

    // The same fetch, written as snapshots.
    let (out, wall, peak, stderr) = timed(&["snapshot", "--with-assignments", "--out", "snap"]);
    assert_eq!(out.status.code(), Some(0), "snapshot failed: {stderr}");
    let written: u64 = ["sigma.yaml", "okta.yaml", "azure.yaml"]
        .iter()
        .map(|f| {
            std::fs::metadata(dir.path().join("snap").join(f))
                .expect("written")
                .len()
        })
        .sum();
    println!(
        "live_scale_benchmark: N={n}: snapshot: wall {:.1} s, peak {peak} kB, {written} bytes written",
        wall.as_secs_f64()
    );
}

/// The assignment rules on multi-page payloads of the APIs' shapes, through the real fetch:
/// Okta users valid, wrong-case, without a type and already in ERROR; Entra Default Access, a
/// deleted role, a user holding two roles, a disabled role; Sigma members whose type differs
/// from what Okta assigns. Every count follows from the emulator's patterns (`okta_user`,
/// `graph_assignment`).
#[test]
fn check_live_names_every_principal_that_will_fail() {
    let (okta_users, graph_users, members) = (1_234, 2_500, 1_000);
    let emu = Emulator::start(Data {
        sigma_members: members,
        okta_users,
        okta_groups: 3,
        graph_user_assignments: graph_users,
        graph_group_assignments: 0,
        mixed: true,
        ..Data::default()
    });
    let dir = workdir("");
    let r = run(
        dir.path(),
        &env_for(&emu),
        &["check", "--live", "--with-assignments", "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        emu.count("GET", &format!("/api/v1/apps/{OKTA_APP_ID}/users")),
        3
    );
    assert_eq!(
        emu.count(
            "GET",
            &format!("/v1.0/servicePrincipals/{SP_ID}/appRoleAssignedTo")
        ),
        3
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let principals = |rule: &str, source: &str, value: &str| -> usize {
        let hits: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| f["rule"] == rule && f["source"] == source && f["value"] == value)
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "one {rule}/{source}/{value:?} finding: {hits:#?}"
        );
        let n = hits[0]["principals"]["count"].as_u64().unwrap() as usize;
        assert_eq!(hits[0]["principals"]["items"].as_array().unwrap().len(), n);
        n
    };
    let okta = |k: usize| (0..okta_users).filter(|i| i % 5 == k).count();
    let graph = |k: usize| (0..graph_users).filter(|i| i % 6 == k).count();

    // Okta.
    assert_eq!(
        principals("assignment-invalid-type", "okta", "Build"),
        okta(1)
    );
    assert_eq!(principals("assignment-no-type", "okta", ""), okta(2));
    assert_eq!(principals("provisioning-error", "okta", "Analyze"), okta(3));
    let drift = (0..members).filter(|i| i % 5 == 4 && i % 7 != 0).count();
    assert_eq!(principals("member-type-drift", "okta", "admin"), drift);
    let error_finding = findings
        .iter()
        .find(|f| f["rule"] == "provisioning-error")
        .unwrap();
    assert!(
        error_finding["message"]
            .as_str()
            .unwrap()
            .contains("differs from \"analyze\" by letter case"),
        "{error_finding}"
    );

    // Entra.
    assert_eq!(principals("assignment-no-type", "azure", ""), graph(0));
    assert_eq!(
        principals("assignment-orphan-role", "azure", DELETED_ROLE_ID),
        graph(1)
    );
    assert_eq!(
        principals("assignment-disabled-role", "azure", "build"),
        graph(2)
    );
    assert_eq!(
        principals("assignment-ambiguous", "azure", "build + act"),
        graph(3)
    );
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "role-disabled" && f["value"] == "build")
    );
}
