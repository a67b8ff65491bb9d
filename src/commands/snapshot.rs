//! `snapshot [--out DIR] [--with-assignments]`: fetch every configured live source and write one
//! snapshot file per source, each replaced atomically. A source that could not be fetched
//! completely leaves its previous file untouched and makes the command exit 3.
//! Also the live half of `check --live`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::cli::SnapshotArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::fetch::{self, FetchError, LiveSources, Progress};
use crate::model::Model;
use crate::snapshot::{self, Kind, Snapshot};

/// Looks a variable up in the process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

const NOTHING_CONFIGURED: &str = "set SIGMA_BASE_URL, OKTA_ORG_URL or AZURE_TENANT_ID (or sigma.base_url, okta.org_url, azure.tenant_id in sigma-idp-lint.yaml); see \"Live sources\" in the README";

/// Resolves the configured sources; none at all is a usage error.
fn resolve(config: &Config) -> Result<LiveSources> {
    let live = LiveSources::resolve(config, &process_env)?;
    if live.kinds().is_empty() {
        return Err(Error::usage(
            "no live source is configured",
            Some(NOTHING_CONFIGURED.into()),
        ));
    }
    Ok(live)
}

/// One error for every source that failed (exit 3), each with its reason.
fn combine(mut failures: Vec<FetchError>) -> Error {
    if failures.len() == 1 {
        return failures.remove(0).into();
    }
    let errors: Vec<Error> = failures.into_iter().map(Error::from).collect();
    let mut names = Vec::new();
    let mut lines = Vec::new();
    let mut helps = Vec::new();
    for e in &errors {
        if let Error::Fetch {
            source_name,
            message,
            help,
        } = e
        {
            names.push(source_name.clone());
            let reason = message
                .strip_prefix("could not be fetched completely: ")
                .unwrap_or(message);
            lines.push(format!("{source_name}: {reason}"));
            helps.extend(help.clone().map(|h| format!("{source_name}: {h}")));
        } else {
            lines.push(e.to_string());
        }
    }
    Error::Fetch {
        source_name: names.join(" and "),
        message: format!("could not be fetched completely:\n  {}", lines.join("\n  ")),
        help: (!helps.is_empty()).then(|| helps.join("\n")),
    }
}

/// Runs `snapshot`.
pub fn snapshot(
    args: &SnapshotArgs,
    cwd: &Path,
    stdout: &mut dyn Write,
    progress: Arc<dyn Progress>,
) -> Result<u8> {
    let config = Config::discover(args.config.as_deref(), cwd)?;
    let live = resolve(&config)?;
    let out = match &args.out {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => cwd.join(p),
        None => cwd.to_path_buf(),
    };
    let fetched = fetch::fetch_blocking(&live, args.with_assignments, progress)?;
    let mut results: Vec<(Kind, std::result::Result<Snapshot, FetchError>)> = Vec::new();
    if let Some(r) = fetched.sigma {
        results.push((Kind::Sigma, r.map(Snapshot::Sigma)));
    }
    if let Some(r) = fetched.okta {
        results.push((Kind::Okta, r.map(Snapshot::Okta)));
    }
    if let Some(r) = fetched.azure {
        results.push((Kind::Azure, r.map(Snapshot::Azure)));
    }
    let mut failures = Vec::new();
    for (kind, result) in results {
        match result {
            Ok(snap) => {
                let path = out.join(kind.file_name());
                snapshot::save(&path, snap)?;
                writeln!(stdout, "wrote {}", path.display()).map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                })?;
            }
            Err(e) => failures.push(e),
        }
    }
    if failures.is_empty() {
        Ok(0)
    } else {
        Err(combine(failures))
    }
}

/// Fetches every configured source and builds the model (`check --live`). Any source that could
/// not be fetched completely is an error (exit 3): never a partial model.
pub fn live_model(
    config: Config,
    with_assignments: bool,
    progress: Arc<dyn Progress>,
) -> Result<Model> {
    let live = resolve(&config)?;
    if live.sigma.is_none() {
        return Err(Error::usage(
            "check --live needs Sigma configured: there is nothing to compare the IdP values with",
            Some(
                "set SIGMA_BASE_URL (or sigma.base_url) and SIGMA_CLIENT_ID / SIGMA_CLIENT_SECRET"
                    .into(),
            ),
        ));
    }
    if live.okta.is_none() && live.azure.is_none() {
        return Err(Error::usage(
            "check --live needs Okta or Entra configured: there is nothing to check",
            Some("set OKTA_ORG_URL or AZURE_TENANT_ID (or okta.org_url / azure.tenant_id)".into()),
        ));
    }
    let fetched = fetch::fetch_blocking(&live, with_assignments, progress)?;
    let mut failures = Vec::new();
    let sigma = take(fetched.sigma, &mut failures);
    let okta = take(fetched.okta, &mut failures);
    let azure = take(fetched.azure, &mut failures);
    if !failures.is_empty() {
        return Err(combine(failures));
    }
    let Some(sigma) = sigma else {
        return Err(Error::usage("Sigma was not fetched", None));
    };
    Ok(Model::from_snapshots(sigma, okta, azure, config))
}

fn take<T>(
    result: Option<std::result::Result<T, FetchError>>,
    failures: &mut Vec<FetchError>,
) -> Option<T> {
    match result {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            failures.push(e);
            None
        }
        None => None,
    }
}
