//! The HTML report in a real browser: headless Chromium loads it from a file, the rendered DOM
//! is read back (`--dump-dom`) and a screenshot is taken.
//!
//! Without Chromium the test is skipped loudly, except when `CI` is set: there it fails, since
//! `.ci/run` installs Chromium (`.ci/install-browser`). `CHROMIUM=/path` picks a binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use scraper::{Html, Selector};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/html");
const TIMEOUT: Duration = Duration::from_secs(180);

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs headless Chromium with `args` on `url` and returns its stdout; fails the test on a
/// non-zero exit or after `TIMEOUT`.
fn chromium(bin: &Path, args: &[String], url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(TIMEOUT) {
        Ok(result) => result.expect("chromium output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("chromium did not finish within {TIMEOUT:?}");
        }
    };
    assert!(
        output.status.success(),
        "chromium failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn chromium_renders_the_report() {
    let Some(bin) = find_chromium() else {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!(
                "Chromium is not installed but CI is set: .ci/run must install it \
                 (.ci/install-browser)"
            );
        }
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED chromium_renders_the_report: no `chromium` on PATH \
             (apt-get install chromium, or set CHROMIUM=/path) ***\n"
        );
        return;
    };

    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.html");
    assert_cmd::Command::cargo_bin("sigma-idp-lint")
        .expect("binary")
        .arg("check")
        .arg(FIXTURES)
        .arg("-c")
        .arg(format!("{FIXTURES}/config/sigma-idp-lint.yaml"))
        .arg("--format")
        .arg(format!("html={}", report.display()))
        .assert()
        .code(1);
    let url = format!("file://{}", report.display());

    // The DOM as Chromium rendered it.
    let dom = chromium(&bin, &["--dump-dom".into()], &url);
    let doc = Html::parse_document(&dom);
    let sel = |s: &str| Selector::parse(s).expect("selector");
    let rows: Vec<(String, String)> = doc
        .select(&sel("#matrix table.matrix tbody tr"))
        .map(|tr| {
            (
                tr.select(&sel("th.account-type code.value"))
                    .next()
                    .map(|e| e.text().collect())
                    .unwrap_or_default(),
                tr.value().attr("data-okta").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 8, "matrix rows in the rendered DOM: {rows:?}");
    assert!(rows.contains(&("Build".into(), "case".into())), "{rows:?}");
    assert!(
        rows.contains(&("Ops Lead".into(), "confusable".into())),
        "{rows:?}"
    );
    assert!(doc.select(&sel("#findings article.rule-group")).count() >= 5);
    assert!(
        doc.select(&sel("#assignments svg#users-chart rect.bar"))
            .count()
            > 0
    );

    // A screenshot, kept under the target dir for a person to look at.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let png = shots.join("report.png");
    let _ = std::fs::remove_file(&png);
    chromium(
        &bin,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".into(),
            "--hide-scrollbars".into(),
        ],
        &url,
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be32 =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    assert_eq!((be32(16), be32(20)), (1280, 2000), "screenshot size");
    assert!(bytes.len() > 20_000, "screenshot looks empty");

    // It prints: the print stylesheet gives a PDF of several A4 pages.
    let pdf = shots.join("report.pdf");
    let _ = std::fs::remove_file(&pdf);
    chromium(
        &bin,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
        &url,
    );
    let bytes = std::fs::read(&pdf).expect("PDF written");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(bytes.len() > 20_000, "PDF looks empty");
    let _ = writeln!(
        std::io::stderr(),
        "screenshot: {}\nPDF: {}",
        png.display(),
        pdf.display()
    );
}
