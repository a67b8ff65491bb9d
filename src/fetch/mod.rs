//! Live sources: Sigma, Okta and Entra ID read over their real APIs into snapshots.
//!
//! `http.rs` is the one HTTP layer the three clients share (auth, pagination, retries, limits);
//! `sigma.rs`, `okta.rs` and `entra.rs` know their vendor's endpoints and payloads. Errors are
//! [`FetchError`]s here and become [`crate::error::Error::Fetch`] (exit 3) or
//! [`crate::error::Error::Usage`] (exit 2) at the edge. Nothing here prints: progress and notes
//! go through a [`Progress`] the caller provides. Secrets come only from the environment and
//! never appear in an error, a note or a snapshot.

pub mod entra;
pub mod http;
pub mod okta;
pub mod sigma;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use url::Url;

use crate::config::Config;
use crate::error::Error;
use crate::snapshot::{AzureSnapshot, Kind, OktaSnapshot, SigmaSnapshot};

pub use http::Options;

/// What went wrong while fetching a live source.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// A configured source lacks a secret in the environment (exit 2).
    #[error("{} is configured ({why}) but {var} is not set", vendor.display_name())]
    MissingCredential {
        vendor: Kind,
        var: &'static str,
        why: String,
    },
    /// The configuration cannot be used as it is (exit 2).
    #[error("{message}")]
    Config {
        message: String,
        help: Option<String>,
    },
    /// A request failed for good (exit 3).
    #[error("{}: {endpoint}: {failure}", vendor.display_name())]
    Failed {
        vendor: Kind,
        /// Method and path, e.g. `GET /v2/accountTypes` (never a query or a secret).
        endpoint: String,
        failure: Failure,
    },
}

/// Why a request or a fetch failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The server answered with an error status.
    Status {
        status: u16,
        /// The vendor's error code (`E0000006`, `Authorization_RequestDenied`, `invalid_client`).
        code: Option<String>,
        /// The vendor's summary of the error.
        summary: Option<String>,
        request_id: Option<String>,
        retries: u32,
    },
    /// No answer within the request timeout.
    Timeout { after: Duration, retries: u32 },
    /// The connection could not be made or broke.
    Transport { detail: String, retries: u32 },
    /// The body was larger than the configured cap.
    TooLarge { limit: u64 },
    /// The body is not JSON (an HTML error page, a proxy's text).
    NotJson {
        content_type: String,
        hint: Option<String>,
    },
    /// JSON that does not have the documented shape.
    Malformed { detail: String },
    /// A pagination cursor came back a second time.
    RepeatingCursor,
    /// A link or redirect pointed to a host the token must not go to.
    ForeignHost { host: String },
    /// The overall deadline passed.
    Deadline { after: Duration },
    /// Anything else the API answered that makes the result unusable.
    Other(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let retried = |f: &mut fmt::Formatter<'_>, retries: u32| match retries {
            0 => Ok(()),
            1 => write!(f, " (after 1 retry)"),
            n => write!(f, " (after {n} retries)"),
        };
        match self {
            Failure::Status {
                status,
                code,
                summary,
                request_id,
                retries,
            } => {
                let reason = reqwest::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                write!(f, "HTTP {status} {reason}")?;
                match (code, summary) {
                    (Some(c), Some(s)) => write!(f, ": {c}: {s}")?,
                    (Some(c), None) => write!(f, ": {c}")?,
                    (None, Some(s)) => write!(f, ": {s}")?,
                    (None, None) => {}
                }
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                retried(f, *retries)
            }
            Failure::Timeout { after, retries } => {
                write!(f, "no response within {}", secs(*after))?;
                retried(f, *retries)
            }
            Failure::Transport { detail, retries } => {
                write!(f, "{detail}")?;
                retried(f, *retries)
            }
            Failure::TooLarge { limit } => {
                write!(f, "response larger than the {limit}-byte limit")
            }
            Failure::NotJson { content_type, hint } => {
                write!(f, "expected JSON but got {content_type}")?;
                if let Some(h) = hint {
                    write!(f, " ({h})")?;
                }
                Ok(())
            }
            Failure::Malformed { detail } => write!(f, "unexpected response: {detail}"),
            Failure::RepeatingCursor => write!(
                f,
                "the API returned a pagination cursor it had already returned; stopped to avoid looping (the result would be incomplete)"
            ),
            Failure::ForeignHost { host } => write!(
                f,
                "the API pointed to another host ({host}); not followed, so the token stays with the configured host"
            ),
            Failure::Deadline { after } => {
                write!(
                    f,
                    "gave up: the overall deadline of {} passed",
                    secs(*after)
                )
            }
            Failure::Other(m) => write!(f, "{m}"),
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}s")
    } else {
        format!("{s:.2}s")
    }
}

impl FetchError {
    pub fn failed(vendor: Kind, endpoint: impl Into<String>, failure: Failure) -> FetchError {
        FetchError::Failed {
            vendor,
            endpoint: endpoint.into(),
            failure,
        }
    }

    /// What to do about it, in the admin's words.
    fn help(&self) -> Option<String> {
        match self {
            FetchError::MissingCredential { var, .. } => Some(format!(
                "export {var} in the environment (secrets are never read from files or flags); see \"Live sources\" in the README"
            )),
            FetchError::Config { help, .. } => help.clone(),
            FetchError::Failed {
                vendor, failure, ..
            } => match failure {
                Failure::Status { status: 401, .. } => Some(match vendor {
                    Kind::Sigma => "check SIGMA_CLIENT_ID and SIGMA_CLIENT_SECRET (Administration → Developer Access) and sigma.base_url for your org's cloud".into(),
                    Kind::Okta => "check OKTA_API_TOKEN (or OKTA_ACCESS_TOKEN): it may be revoked, expired or for another org".into(),
                    Kind::Azure => "check AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID (and the authority host for your cloud)".into(),
                }),
                Failure::Status {
                    status: 400, code, ..
                } if code.as_deref().is_some_and(|c| c.starts_with("invalid_") || c.starts_with("unauthorized")) => Some(match vendor {
                    Kind::Azure => "check AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID".into(),
                    Kind::Sigma => "check SIGMA_CLIENT_ID and SIGMA_CLIENT_SECRET".into(),
                    Kind::Okta => "check OKTA_API_TOKEN / OKTA_ACCESS_TOKEN".into(),
                }),
                Failure::Status { status: 403, .. } => Some(match vendor {
                    Kind::Sigma => "the API credentials must belong to a Sigma Admin".into(),
                    Kind::Okta => "the token needs okta.apps.read and okta.schemas.read (or a Read-Only Admin's API token)".into(),
                    Kind::Azure => "the app registration needs the Application.Read.All application permission, with admin consent".into(),
                }),
                Failure::Status { status: 404, .. } => Some(match vendor {
                    Kind::Sigma => "check sigma.base_url: the API host depends on your org's cloud and region".into(),
                    Kind::Okta => "check okta.app_id / OKTA_APP_ID and okta.org_url".into(),
                    Kind::Azure => "check azure.sigma_app_id, the tenant and the cloud (graph_url)".into(),
                }),
                Failure::Timeout { .. } => Some("the API is slow or unreachable; `fetch.timeout` in the config raises the per-request timeout".into()),
                Failure::Deadline { .. } => Some("`fetch.deadline` in the config raises the overall limit".into()),
                Failure::TooLarge { .. } => Some("`fetch.max_response_mb` in the config raises the limit".into()),
                Failure::Status { status, .. } if *status == 429 || *status >= 500 => {
                    Some("the API kept refusing; run again later".into())
                }
                _ => None,
            },
        }
    }
}

impl From<FetchError> for Error {
    fn from(e: FetchError) -> Error {
        let help = e.help();
        match e {
            FetchError::MissingCredential { .. } | FetchError::Config { .. } => Error::Usage {
                message: e.to_string(),
                help,
            },
            FetchError::Failed {
                vendor,
                endpoint,
                failure,
            } => Error::Fetch {
                source_name: vendor.display_name().to_string(),
                message: format!("could not be fetched completely: {endpoint}: {failure}"),
                help,
            },
        }
    }
}

/// What the fetchers tell the user while they work.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A page arrived.
    Page {
        endpoint: String,
        page: usize,
        items: usize,
    },
    /// Waiting before a retry.
    Waiting {
        endpoint: String,
        reason: String,
        wait: Duration,
        retry: u32,
    },
    /// Something the user should know although the fetch goes on (always shown).
    Note(String),
    /// The source is done.
    Done { summary: String },
}

/// Receives [`Event`]s; the binary writes them to stderr when it is a terminal.
pub trait Progress: Send + Sync {
    fn report(&self, source: Kind, event: &Event);
}

/// A [`Progress`] that drops everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn report(&self, _: Kind, _: &Event) {}
}

/// A configured Sigma source.
#[derive(Debug, Clone)]
pub struct SigmaSource {
    pub base_url: Url,
    pub client_id: Secret,
    pub client_secret: Secret,
}

/// How Okta requests authenticate.
#[derive(Debug, Clone)]
pub enum OktaCredential {
    /// `Authorization: SSWS <token>`.
    ApiToken(Secret),
    /// `Authorization: Bearer <token>`.
    AccessToken(Secret),
}

/// Which Okta app is the Sigma app.
#[derive(Debug, Clone)]
pub enum OktaAppRef {
    Id(String),
    Label(String),
}

/// A configured Okta source.
#[derive(Debug, Clone)]
pub struct OktaSource {
    pub org_url: Url,
    pub app: OktaAppRef,
    pub attribute: String,
    pub credential: OktaCredential,
}

/// A configured Entra source.
#[derive(Debug, Clone)]
pub struct AzureSource {
    pub tenant_id: String,
    pub authority_host: Url,
    pub graph_url: Url,
    pub sigma_app_id: String,
    pub client_id: Secret,
    pub client_secret: Secret,
}

/// A secret read from the environment. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Every configured live source and the HTTP options.
#[derive(Debug, Clone)]
pub struct LiveSources {
    pub sigma: Option<SigmaSource>,
    pub okta: Option<OktaSource>,
    pub azure: Option<AzureSource>,
    pub options: Options,
}

/// Default Entra authority and Graph root (global cloud).
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
pub const DEFAULT_GRAPH: &str = "https://graph.microsoft.com";

impl LiveSources {
    /// Reads the sources from the config file and the environment (`env` looks a variable up;
    /// an empty value counts as unset). The environment wins over the file. A configured source
    /// without its secret is an error naming the variable to set.
    pub fn resolve(
        config: &Config,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<LiveSources, FetchError> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let secret = |vendor: Kind, name: &'static str, why: &str| {
            var(name)
                .map(Secret)
                .ok_or_else(|| FetchError::MissingCredential {
                    vendor,
                    var: name,
                    why: why.to_string(),
                })
        };

        let sigma = match var("SIGMA_BASE_URL").or_else(|| config.sigma.base_url.clone()) {
            None => None,
            Some(base) => {
                let base_url = parse_base_url(&base, "sigma.base_url / SIGMA_BASE_URL")?;
                let why = format!("base URL {}", display_url(&base_url));
                Some(SigmaSource {
                    client_id: secret(Kind::Sigma, "SIGMA_CLIENT_ID", &why)?,
                    client_secret: secret(Kind::Sigma, "SIGMA_CLIENT_SECRET", &why)?,
                    base_url,
                })
            }
        };

        let okta = match var("OKTA_ORG_URL").or_else(|| config.okta.org_url.clone()) {
            None => None,
            Some(org) => {
                let org_url = parse_base_url(&org, "okta.org_url / OKTA_ORG_URL")?;
                let app = match (
                    var("OKTA_APP_ID").or_else(|| config.okta.app_id.clone()),
                    config.okta.app_label.clone().filter(|l| !l.is_empty()),
                ) {
                    (Some(id), _) => {
                        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                            return Err(FetchError::Config {
                                message: format!("`{id}` is not an Okta app id"),
                                help: Some("an app id looks like 0oau8jzPde0IgxLd6Gnc (Applications → the Sigma app → the URL)".into()),
                            });
                        }
                        OktaAppRef::Id(id)
                    }
                    (None, Some(label)) => OktaAppRef::Label(label),
                    (None, None) => {
                        return Err(FetchError::Config {
                            message: "Okta is configured but the Sigma app is not named".into(),
                            help: Some(
                                "set okta.app_id / OKTA_APP_ID (preferred) or okta.app_label"
                                    .into(),
                            ),
                        });
                    }
                };
                let credential = if let Some(t) = var("OKTA_API_TOKEN") {
                    OktaCredential::ApiToken(Secret(t))
                } else if let Some(t) = var("OKTA_ACCESS_TOKEN") {
                    OktaCredential::AccessToken(Secret(t))
                } else {
                    return Err(FetchError::MissingCredential {
                        vendor: Kind::Okta,
                        var: "OKTA_API_TOKEN",
                        why: format!(
                            "org {}; or set OKTA_ACCESS_TOKEN to an OAuth access token",
                            display_url(&org_url)
                        ),
                    });
                };
                Some(OktaSource {
                    org_url,
                    app,
                    attribute: config
                        .okta
                        .attribute
                        .clone()
                        .filter(|a| !a.is_empty())
                        .unwrap_or_else(|| "userType".into()),
                    credential,
                })
            }
        };

        let azure = match var("AZURE_TENANT_ID").or_else(|| config.azure.tenant_id.clone()) {
            None => None,
            Some(tenant) => {
                if tenant.is_empty()
                    || !tenant
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                {
                    return Err(FetchError::Config {
                        message: format!("`{tenant}` is not a tenant id or domain"),
                        help: Some("azure.tenant_id / AZURE_TENANT_ID is the tenant GUID or a verified domain".into()),
                    });
                }
                let authority = var("AZURE_AUTHORITY_HOST")
                    .or_else(|| config.azure.authority_host.clone())
                    .unwrap_or_else(|| DEFAULT_AUTHORITY.into());
                let graph = var("AZURE_GRAPH_URL")
                    .or_else(|| config.azure.graph_url.clone())
                    .unwrap_or_else(|| DEFAULT_GRAPH.into());
                let authority_host =
                    parse_base_url(&authority, "azure.authority_host / AZURE_AUTHORITY_HOST")?;
                let graph_url = parse_base_url(&graph, "azure.graph_url / AZURE_GRAPH_URL")?;
                let Some(app_id) =
                    var("AZURE_SIGMA_APP_ID").or_else(|| config.azure.sigma_app_id.clone())
                else {
                    return Err(FetchError::Config {
                        message: "Entra is configured but the Sigma app is not named".into(),
                        help: Some("set azure.sigma_app_id / AZURE_SIGMA_APP_ID to the Sigma app's appId (Enterprise applications → Sigma → Application ID)".into()),
                    });
                };
                if !app_id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') || app_id.is_empty() {
                    return Err(FetchError::Config {
                        message: format!("`{app_id}` is not an application (client) id"),
                        help: Some("azure.sigma_app_id is a GUID such as 930e3938-2edd-4abb-b4c5-41747c93503b".into()),
                    });
                }
                let why = format!("tenant {tenant}");
                Some(AzureSource {
                    client_id: secret(Kind::Azure, "AZURE_CLIENT_ID", &why)?,
                    client_secret: secret(Kind::Azure, "AZURE_CLIENT_SECRET", &why)?,
                    tenant_id: tenant,
                    authority_host,
                    graph_url,
                    sigma_app_id: app_id,
                })
            }
        };

        Ok(LiveSources {
            sigma,
            okta,
            azure,
            options: Options::from_config(&config.fetch)?,
        })
    }

    /// The configured sources, Sigma first.
    pub fn kinds(&self) -> Vec<Kind> {
        let mut k = Vec::new();
        if self.sigma.is_some() {
            k.push(Kind::Sigma);
        }
        if self.okta.is_some() {
            k.push(Kind::Okta);
        }
        if self.azure.is_some() {
            k.push(Kind::Azure);
        }
        k
    }

    /// Every secret in play, so that the HTTP layer can scrub them from anything it reports.
    fn secrets(&self) -> Vec<String> {
        let mut s = Vec::new();
        if let Some(x) = &self.sigma {
            s.push(x.client_id.0.clone());
            s.push(x.client_secret.0.clone());
        }
        if let Some(x) = &self.okta {
            match &x.credential {
                OktaCredential::ApiToken(t) | OktaCredential::AccessToken(t) => s.push(t.0.clone()),
            }
        }
        if let Some(x) = &self.azure {
            s.push(x.client_id.0.clone());
            s.push(x.client_secret.0.clone());
        }
        s
    }
}

/// A base URL: `https`, or `http` on a loopback address only.
pub fn parse_base_url(text: &str, key: &str) -> Result<Url, FetchError> {
    let bad = |why: String| {
        FetchError::Config {
        message: format!("{key}: {why}"),
        help: Some("for example https://api.example.com (http is allowed only for loopback addresses such as http://127.0.0.1:8080)".into()),
    }
    };
    let mut url =
        Url::parse(text.trim()).map_err(|e| bad(format!("`{text}` is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not belong in the URL".into()));
    }
    match url.scheme() {
        "https" => {}
        "http" if http::is_loopback(&url) => {}
        "http" => {
            return Err(bad(format!(
                "`{}` is plain http; https is required except for loopback addresses",
                display_url(&url)
            )));
        }
        other => return Err(bad(format!("unsupported scheme `{other}`"))),
    }
    if url.host_str().is_none() {
        return Err(bad(format!("`{text}` has no host")));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// A URL as we show it (no trailing slash).
pub fn display_url(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
}

/// `url` with `path` (starting with `/`) appended to its path.
pub fn join(url: &Url, path: &str) -> Url {
    let mut u = url.clone();
    let base = u.path().trim_end_matches('/').to_string();
    u.set_path(&format!("{base}{path}"));
    u
}

/// The snapshots a live fetch produced, one result per configured source.
#[derive(Debug)]
pub struct Fetched {
    pub sigma: Option<Result<SigmaSnapshot, FetchError>>,
    pub okta: Option<Result<OktaSnapshot, FetchError>>,
    pub azure: Option<Result<AzureSnapshot, FetchError>>,
}

/// Fetches every configured source concurrently.
pub async fn fetch_all(
    live: &LiveSources,
    with_assignments: bool,
    progress: Arc<dyn Progress>,
) -> Fetched {
    let secrets = Arc::new(live.secrets());
    let ctx = |vendor| http::Context {
        vendor,
        options: live.options.clone(),
        progress: progress.clone(),
        secrets: secrets.clone(),
    };
    let sigma = async {
        match &live.sigma {
            Some(s) => Some(sigma::fetch(s, with_assignments, ctx(Kind::Sigma)).await),
            None => None,
        }
    };
    let okta = async {
        match &live.okta {
            Some(s) => Some(okta::fetch(s, with_assignments, ctx(Kind::Okta)).await),
            None => None,
        }
    };
    let azure = async {
        match &live.azure {
            Some(s) => Some(entra::fetch(s, with_assignments, ctx(Kind::Azure)).await),
            None => None,
        }
    };
    let (sigma, okta, azure) = tokio::join!(sigma, okta, azure);
    Fetched { sigma, okta, azure }
}

/// Runs [`fetch_all`] on a runtime of its own (the commands are synchronous).
pub fn fetch_blocking(
    live: &LiveSources,
    with_assignments: bool,
    progress: Arc<dyn Progress>,
) -> Result<Fetched, Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::usage(format!("cannot start the async runtime: {e}"), None))?;
    Ok(rt.block_on(fetch_all(live, with_assignments, progress)))
}

/// `t` as RFC 3339 UTC with seconds (`2026-12-04T10:00:00Z`).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_741_083_342)),
            "2025-03-04T10:15:42Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn base_urls_need_https_except_loopback() {
        assert!(parse_base_url("https://api.example.com/", "k").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080", "k").is_ok());
        assert!(parse_base_url("http://[::1]:8080", "k").is_ok());
        assert!(parse_base_url("http://localhost:8080", "k").is_ok());
        assert!(parse_base_url("http://api.example.com", "k").is_err());
        assert!(parse_base_url("ftp://api.example.com", "k").is_err());
        assert!(parse_base_url("https://u:p@api.example.com", "k").is_err());
    }

    #[test]
    fn missing_secret_names_the_variable() {
        let mut config = Config::default();
        config.sigma.base_url = Some("https://aws-api.sigmacomputing.com".into());
        let env = |k: &str| (k == "SIGMA_CLIENT_ID").then(|| "id".to_string());
        let err = LiveSources::resolve(&config, &env).unwrap_err();
        assert!(err.to_string().contains("SIGMA_CLIENT_SECRET"), "{err}");
        assert_eq!(Error::from(err).exit_code(), 2);
    }

    #[test]
    fn environment_configures_sources() {
        let env = |k: &str| {
            Some(
                match k {
                    "OKTA_ORG_URL" => "https://acme.okta.com",
                    "OKTA_APP_ID" => "0oa1",
                    "OKTA_ACCESS_TOKEN" => "at",
                    "AZURE_TENANT_ID" => "contoso.onmicrosoft.com",
                    "AZURE_SIGMA_APP_ID" => "930e3938-2edd-4abb-b4c5-41747c93503b",
                    "AZURE_CLIENT_ID" => "cid",
                    "AZURE_CLIENT_SECRET" => "azure-secret-xyz",
                    _ => return None,
                }
                .to_string(),
            )
        };
        let live = LiveSources::resolve(&Config::default(), &env).unwrap();
        assert_eq!(live.kinds(), vec![Kind::Okta, Kind::Azure]);
        assert!(matches!(
            live.okta.as_ref().unwrap().credential,
            OktaCredential::AccessToken(_)
        ));
        assert_eq!(
            live.azure.as_ref().unwrap().graph_url.as_str(),
            "https://graph.microsoft.com/"
        );
        assert!(!format!("{live:?}").contains("azure-secret-xyz"));
    }
}
