//! `check PATH...`: load snapshots, run the rules, write every requested format.

use std::io::Write;
use std::path::Path;

use crate::baseline::Baseline;
use crate::cli::CheckArgs;
use crate::config::Config;
use crate::engine::{self, Summary};
use crate::error::{Error, Result};
use crate::model;
use crate::report::{Format, FormatSpec, Report, Style};
use crate::snapshot::write_atomic;

/// Runs `check` and returns the exit code: 0 clean, 1 findings at or above `--fail-on`.
pub fn check(args: &CheckArgs, cwd: &Path, style: Style, stdout: &mut dyn Write) -> Result<u8> {
    if args.paths.is_empty() {
        return Err(Error::usage(
            "check needs at least one snapshot file or folder",
            Some("for example: sigma-idp-lint check fixtures/demo".into()),
        ));
    }
    let config = Config::discover(args.config.as_deref(), cwd)?;
    let model = model::load(&args.paths, config)?;
    let outcome = engine::run_at(&model, args.today.unwrap_or_else(engine::today));
    let summary_suppressed = outcome.suppressed.len();
    let baseline = match (&args.write_baseline, &args.baseline) {
        (Some(path), _) => {
            let b = Baseline::of(&outcome.findings);
            b.save(path)?;
            Some((b, path))
        }
        (None, Some(path)) => Some((Baseline::load(path)?, path)),
        (None, None) => None,
    };
    let (findings, check) = match &baseline {
        Some((b, path)) => {
            let (new, check) = b.apply(path, outcome.findings);
            (new, Some(check))
        }
        None => (outcome.findings, None),
    };
    let report = Report {
        model: &model,
        summary: Summary {
            suppressed: summary_suppressed,
            ..Summary::of(&findings)
        },
        findings: &findings,
        fail_on: args.fail_on.threshold(),
        suppressed: &outcome.suppressed,
        baseline: check.as_ref(),
        root: Some(cwd),
    };
    let specs = if args.formats.is_empty() {
        vec![FormatSpec {
            format: Format::Human,
            file: None,
        }]
    } else {
        args.formats.clone()
    };
    for spec in &specs {
        let reporter = spec.format.reporter();
        match &spec.file {
            None => reporter
                .write(&report, style, stdout)
                .map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                })?,
            Some(path) => {
                let mut buf = Vec::new();
                let file_style = Style {
                    color: false,
                    ..style
                };
                reporter
                    .write(&report, file_style, &mut buf)
                    .map_err(|source| Error::Write {
                        path: path.clone(),
                        source,
                    })?;
                write_atomic(path, &buf)?;
            }
        }
    }
    Ok(u8::from(report.fails()))
}
