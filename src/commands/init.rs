//! `init`: writes a commented starter `sigma-idp-lint.yaml`.

use std::io::Write;
use std::path::Path;

use crate::cli::InitArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::snapshot::write_atomic;

/// The starter config: every section present and explained, nothing that changes what `check`
/// does until it is uncommented.
pub const STARTER: &str = r#"# sigma-idp-lint configuration. Found in the working folder or its parents, or given with -c.
# Secrets never go here: they come from the environment only (SIGMA_CLIENT_ID,
# SIGMA_CLIENT_SECRET, OKTA_API_TOKEN, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET).

# Live sources, for `check --live` and `snapshot` (each may also come from the environment).
sigma:
  # base_url: https://api.sigmacomputing.com        # or SIGMA_BASE_URL
okta:
  # org_url: https://acme.okta.com                  # or OKTA_ORG_URL
  # app_id: 0oa1example                             # or OKTA_APP_ID (or app_label)
  # attribute: userType                             # the app user schema variable
azure:
  # tenant_id: 00000000-0000-0000-0000-000000000000 # or AZURE_TENANT_ID
  # sigma_app_id: 00000000-0000-0000-0000-000000000000  # the Sigma app's appId
  # value_map:                                      # the provisioning mapping's Switch() table:
  #   Data Analyst: DataAnalyst                     #   string sent to Sigma: app role value

# Rule levels: error, warning, note or off (`sigma-idp-lint rules` lists every rule id).
rules:
  # missing-in-idp: error
  # display-name-mismatch: off

# Accepted findings. Each needs `rule` and a `reason`; `source` (sigma, okta, azure) and `value`
# narrow it down; `until` (YYYY-MM-DD) is the last day it holds. Past it the finding is reported
# again, with `ignore-expired`; an ignore that matches nothing raises `ignore-unused`.
ignores:
  # - rule: case-mismatch
  #   source: okta
  #   value: Essential
  #   reason: SEC-123, fixed with the March Okta change
  #   until: 2027-03-31
"#;

/// Runs `init` and returns the exit code.
pub fn init(args: &InitArgs, cwd: &Path, out: &mut dyn Write) -> Result<u8> {
    let path = cwd.join(&args.path);
    if path.exists() && !args.force {
        return Err(Error::usage(
            format!("{} already exists", args.path.display()),
            Some("pass --force to overwrite it".into()),
        ));
    }
    // The starter must always be a valid config.
    Config::parse(&args.path, STARTER)?;
    write_atomic(&path, STARTER.as_bytes())?;
    writeln!(out, "wrote {}", args.path.display()).map_err(|source| Error::Write {
        path: "<stdout>".into(),
        source,
    })?;
    Ok(0)
}
