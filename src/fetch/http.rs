//! The HTTP layer the three clients share: timeouts, a response size cap, the User-Agent,
//! retries (429, 5xx, connection errors) with capped exponential backoff and jitter honouring
//! `Retry-After` and Okta's `X-Rate-Limit-Reset`, an overall deadline, the three pagination
//! styles, token caching with one renewal on a 401, and errors that name the source, endpoint,
//! status, vendor code, summary and request id, never a secret. The `Authorization` header only
//! ever goes to the configured origin: cross-host redirects and links are refused.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, LINK, RETRY_AFTER,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::{Event, Failure, FetchError, Progress};
use crate::config::FetchConfig;
use crate::snapshot::Kind;

/// The most any single retry waits.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// A pagination loop stops (as a failure) after this many pages.
pub const MAX_PAGES: usize = 10_000;

/// Limits for live fetches, from the `fetch:` section of the config.
#[derive(Debug, Clone)]
pub struct Options {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// How long one source may take in all.
    pub deadline: Duration,
    /// Overrides the vendor's number of retries.
    pub max_retries: Option<u32>,
    pub max_body_bytes: u64,
    /// Multiplies every wait before a retry (1 in production).
    pub wait_scale: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(600),
            max_retries: None,
            max_body_bytes: 64 * 1024 * 1024,
            wait_scale: 1.0,
        }
    }
}

impl Options {
    pub fn from_config(c: &FetchConfig) -> Result<Options, FetchError> {
        let d = Options::default();
        let seconds = |v: Option<f64>, key: &str, default: Duration| match v {
            None => Ok(default),
            Some(s) if s.is_finite() && s > 0.0 && s < 1e7 => Ok(Duration::from_secs_f64(s)),
            Some(s) => Err(FetchError::Config {
                message: format!("fetch.{key}: {s} is not a positive number of seconds"),
                help: None,
            }),
        };
        let wait_scale = match c.wait_scale {
            None => 1.0,
            Some(s) if s.is_finite() && (0.0..=100.0).contains(&s) => s,
            Some(s) => {
                return Err(FetchError::Config {
                    message: format!("fetch.wait_scale: {s} is not between 0 and 100"),
                    help: None,
                });
            }
        };
        Ok(Options {
            connect_timeout: seconds(c.connect_timeout, "connect_timeout", d.connect_timeout)?,
            request_timeout: seconds(c.timeout, "timeout", d.request_timeout)?,
            deadline: seconds(c.deadline, "deadline", d.deadline)?,
            max_retries: c.max_retries,
            max_body_bytes: c
                .max_response_mb
                .map_or(d.max_body_bytes, |mb| mb.saturating_mul(1024 * 1024).max(1)),
            wait_scale,
        })
    }
}

/// How a vendor wants retries done (see `shared/api/*.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    /// Backoff base for 429: `base × 2^retry`.
    pub base_429: Duration,
    /// Backoff base for 5xx and connection errors.
    pub base_5xx: Duration,
    /// Sigma: wait `max(Retry-After, backoff)`; others wait what the server says when it says.
    pub max_of_header_and_backoff: bool,
    /// Okta: `X-Rate-Limit-Reset` (epoch seconds) against the response's `Date`.
    pub rate_limit_reset: bool,
}

impl RetryPolicy {
    pub const SIGMA: RetryPolicy = RetryPolicy {
        max_retries: 5,
        base_429: Duration::from_secs(2),
        base_5xx: Duration::from_secs(1),
        max_of_header_and_backoff: true,
        rate_limit_reset: false,
    };
    pub const OKTA: RetryPolicy = RetryPolicy {
        max_retries: 4,
        base_429: Duration::from_secs(2),
        base_5xx: Duration::from_secs(1),
        max_of_header_and_backoff: false,
        rate_limit_reset: true,
    };
    pub const GRAPH: RetryPolicy = RetryPolicy {
        max_retries: 5,
        base_429: Duration::from_secs(1),
        base_5xx: Duration::from_secs(1),
        max_of_header_and_backoff: false,
        rate_limit_reset: false,
    };
}

/// `Retry-After`: integer or fractional seconds, or an HTTP date (measured against `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Okta's wait: `X-Rate-Limit-Reset − Date + 1` seconds, with the response's `Date` (the local
/// clock only when it is missing), clamped to 1–60 s.
pub fn rate_limit_reset_wait(reset: &str, date: Option<&str>, now: SystemTime) -> Option<Duration> {
    let reset: u64 = reset.trim().parse().ok()?;
    let server_now = date
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or(now);
    let server_secs = server_now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let secs = reset.saturating_sub(server_secs).saturating_add(1);
    Some(Duration::from_secs(secs.clamp(1, 60)))
}

/// What the server asks us to wait, if it says.
pub fn server_wait(policy: &RetryPolicy, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(d) = header(RETRY_AFTER.as_str()).and_then(|v| parse_retry_after(v, now)) {
        return Some(d);
    }
    if policy.rate_limit_reset {
        return rate_limit_reset_wait(header("x-rate-limit-reset")?, header(DATE.as_str()), now);
    }
    None
}

/// The wait before retry number `retry + 1` (`retry` counts from 0). `status` is `None` for a
/// connection error or timeout; `jitter` is added to the computed backoff.
pub fn retry_wait(
    policy: &RetryPolicy,
    status: Option<StatusCode>,
    headers: Option<&HeaderMap>,
    retry: u32,
    now: SystemTime,
    jitter: Duration,
) -> Duration {
    let base = if status == Some(StatusCode::TOO_MANY_REQUESTS) {
        policy.base_429
    } else {
        policy.base_5xx
    };
    let backoff = base
        .saturating_mul(1u32 << retry.min(16))
        .saturating_add(jitter)
        .min(MAX_WAIT);
    match headers.and_then(|h| server_wait(policy, h, now)) {
        Some(h) if policy.max_of_header_and_backoff => h.max(backoff).min(MAX_WAIT),
        Some(h) => h.min(MAX_WAIT),
        None => backoff,
    }
}

/// Whether a status is worth retrying.
pub fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// The `rel="next"` target among all `Link` header values (separate lines or comma-joined).
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else {
                break;
            };
            let target = &rest[start + 1..start + len];
            let after = &rest[start + len + 1..];
            let params_end = after.find('<').unwrap_or(after.len());
            let params = &after[..params_end];
            let is_next = params.split(';').any(|p| {
                let p = p.trim().trim_end_matches(',').trim();
                let Some(v) = p.strip_prefix("rel=") else {
                    return false;
                };
                v.trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_string());
            }
            rest = &after[params_end..];
        }
    }
    None
}

/// Whether the URL's host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// What the fetchers share: the source, the options, where progress goes, the secrets to scrub.
#[derive(Clone)]
pub struct Context {
    pub vendor: Kind,
    pub options: super::Options,
    pub progress: Arc<dyn Progress>,
    pub secrets: Arc<Vec<String>>,
}

impl Context {
    pub fn note(&self, message: impl Into<String>) {
        self.progress
            .report(self.vendor, &Event::Note(self.scrub(&message.into())));
    }

    pub fn done(&self, summary: impl Into<String>) {
        self.progress.report(
            self.vendor,
            &Event::Done {
                summary: summary.into(),
            },
        );
    }

    /// `text` with every secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut t = text.to_string();
        for s in self.secrets.iter().filter(|s| s.len() >= 4) {
            t = t.replace(s.as_str(), "***");
        }
        t
    }

    pub fn fail(&self, endpoint: &str, failure: Failure) -> FetchError {
        FetchError::failed(self.vendor, endpoint, self.scrub_failure(failure))
    }

    fn scrub_failure(&self, f: Failure) -> Failure {
        match f {
            Failure::Status {
                status,
                code,
                summary,
                request_id,
                retries,
            } => Failure::Status {
                status,
                code: code.map(|c| self.scrub(&c)),
                summary: summary.map(|s| self.scrub(&s)),
                request_id: request_id.map(|r| self.scrub(&r)),
                retries,
            },
            Failure::Transport { detail, retries } => Failure::Transport {
                detail: self.scrub(&detail),
                retries,
            },
            Failure::NotJson { content_type, hint } => Failure::NotJson {
                content_type: self.scrub(&content_type),
                hint: hint.map(|h| self.scrub(&h)),
            },
            Failure::Malformed { detail } => Failure::Malformed {
                detail: self.scrub(&detail),
            },
            Failure::Other(m) => Failure::Other(self.scrub(&m)),
            other => other,
        }
    }
}

/// How requests authenticate.
pub enum Auth {
    /// A fixed `Authorization` value (Okta `SSWS` or a ready access token): no renewal.
    Static(HeaderValue),
    /// OAuth client credentials: a form posted to `url`, the token cached for its lifetime.
    ClientCredentials {
        url: Url,
        /// Endpoint name for errors, e.g. `POST /v2/auth/token`.
        endpoint: String,
        form: Vec<(&'static str, String)>,
        cached: Mutex<Option<(HeaderValue, Instant)>>,
    },
}

impl Auth {
    pub fn static_header(value: &str) -> Result<Auth, Failure> {
        let mut v = HeaderValue::from_str(value).map_err(|_| {
            Failure::Other("the token contains characters not allowed in an HTTP header".into())
        })?;
        v.set_sensitive(true);
        Ok(Auth::Static(v))
    }

    pub fn client_credentials(
        url: Url,
        endpoint: impl Into<String>,
        form: Vec<(&'static str, String)>,
    ) -> Auth {
        Auth::ClientCredentials {
            url,
            endpoint: endpoint.into(),
            form,
            cached: Mutex::new(None),
        }
    }
}

/// One JSON response.
#[derive(Debug)]
pub struct Response {
    pub headers: HeaderMap,
    pub body: Value,
}

/// The three pagination styles.
#[derive(Debug, Clone, Copy)]
pub enum Paging {
    /// A cursor in the body (`next`) echoed back as the query parameter `param`; items under
    /// `items`. Sigma: `nextPageToken` → `pageToken`, `nextPage` → `page`.
    BodyCursor {
        items: &'static str,
        next: &'static str,
        param: &'static str,
    },
    /// A top-level array; the next page is the `Link: <…>; rel="next"` URL (Okta).
    LinkHeader,
    /// Items under `value`; the next page is the `@odata.nextLink` URL (Graph).
    NextLink,
    /// A single object or array, no paging.
    None,
}

/// An HTTP client for one source.
pub struct Http {
    pub ctx: Context,
    client: reqwest::Client,
    policy: RetryPolicy,
    /// The only origin the `Authorization` header may go to.
    origin: url::Origin,
    auth: Auth,
    started: Instant,
    /// Okta: a success showed `X-Rate-Limit-Remaining: 0`; wait until then.
    not_before: Mutex<Option<Instant>>,
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

impl Http {
    pub fn new(
        ctx: Context,
        policy: RetryPolicy,
        api: &Url,
        auth: Auth,
    ) -> Result<Http, FetchError> {
        let options = &ctx.options;
        let policy = RetryPolicy {
            max_retries: options.max_retries.unwrap_or(policy.max_retries),
            ..policy
        };
        let client = reqwest::Client::builder()
            .user_agent(concat!("sigma-idp-lint/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| first.origin() == attempt.url().origin());
                if same && attempt.previous().len() < 5 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()
            .map_err(|e| {
                ctx.fail(
                    "client",
                    Failure::Other(format!("cannot build the HTTP client: {e}")),
                )
            })?;
        Ok(Http {
            origin: api.origin(),
            ctx,
            client,
            policy,
            auth,
            started: Instant::now(),
            not_before: Mutex::new(None),
        })
    }

    fn remaining(&self, endpoint: &str) -> Result<Duration, FetchError> {
        let deadline = self.ctx.options.deadline;
        deadline
            .checked_sub(self.started.elapsed())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                self.ctx
                    .fail(endpoint, Failure::Deadline { after: deadline })
            })
    }

    /// Sleeps `wait` (scaled), unless that would pass the deadline.
    async fn pause(
        &self,
        endpoint: &str,
        reason: String,
        wait: Duration,
        retry: u32,
    ) -> Result<(), FetchError> {
        let scaled = wait.mul_f64(self.ctx.options.wait_scale);
        let left = self.remaining(endpoint)?;
        if scaled >= left {
            return Err(self.ctx.fail(
                endpoint,
                Failure::Deadline {
                    after: self.ctx.options.deadline,
                },
            ));
        }
        self.ctx.progress.report(
            self.ctx.vendor,
            &Event::Waiting {
                endpoint: endpoint.to_string(),
                reason,
                wait,
                retry: retry + 1,
            },
        );
        tokio::time::sleep(scaled).await;
        Ok(())
    }

    /// The `Authorization` value, fetching a token when there is none or it is about to expire.
    async fn authorization(&self) -> Result<HeaderValue, FetchError> {
        match &self.auth {
            Auth::Static(v) => Ok(v.clone()),
            Auth::ClientCredentials {
                url,
                endpoint,
                form,
                cached,
            } => {
                let mut slot = cached.lock().await;
                if let Some((v, expires)) = slot.as_ref()
                    && Instant::now() + Duration::from_secs(60) < *expires
                {
                    return Ok(v.clone());
                }
                let resp =
                    Box::pin(self.send(Method::POST, url, endpoint, Some(form), false)).await?;
                let token = resp
                    .body
                    .get("access_token")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        self.ctx.fail(
                            endpoint,
                            Failure::Malformed {
                                detail: "the token response has no access_token".into(),
                            },
                        )
                    })?;
                if let Some(tt) = resp.body.get("token_type").and_then(Value::as_str)
                    && !tt.eq_ignore_ascii_case("bearer")
                {
                    return Err(self.ctx.fail(
                        endpoint,
                        Failure::Other(format!("token type `{tt}` is not supported (only Bearer)")),
                    ));
                }
                let lifetime = resp
                    .body
                    .get("expires_in")
                    .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
                    .unwrap_or(300);
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                        self.ctx.fail(
                            endpoint,
                            Failure::Malformed {
                                detail: "the access token is not a valid header value".into(),
                            },
                        )
                    })?;
                value.set_sensitive(true);
                *slot = Some((
                    value.clone(),
                    Instant::now() + Duration::from_secs(lifetime.min(86_400)),
                ));
                Ok(value)
            }
        }
    }

    async fn forget_token(&self) {
        if let Auth::ClientCredentials { cached, .. } = &self.auth {
            *cached.lock().await = None;
        }
    }

    /// `GET url` with authorization and retries; the body must be JSON.
    pub async fn get(&self, url: &Url, endpoint: &str) -> Result<Response, FetchError> {
        self.send(Method::GET, url, endpoint, None, true).await
    }

    /// One request with retries. `form` makes it a form POST; `with_auth` adds the
    /// `Authorization` header (only ever to the configured origin).
    async fn send(
        &self,
        method: Method,
        url: &Url,
        endpoint: &str,
        form: Option<&[(&'static str, String)]>,
        with_auth: bool,
    ) -> Result<Response, FetchError> {
        if with_auth && url.origin() != self.origin {
            return Err(self.ctx.fail(
                endpoint,
                Failure::ForeignHost {
                    host: url.host_str().unwrap_or("?").to_string(),
                },
            ));
        }
        let mut retry = 0u32;
        let mut renewed = false;
        loop {
            let left = self.remaining(endpoint)?;
            let request_timeout = self.ctx.options.request_timeout;
            // The overall deadline bounds each request too.
            let bounded = left < request_timeout;
            let wait_until = *self.not_before.lock().await;
            if let Some(t) = wait_until {
                let now = Instant::now();
                if t > now {
                    self.pause(endpoint, "rate limit window used up".into(), t - now, retry)
                        .await?;
                }
                *self.not_before.lock().await = None;
            }
            let mut req = self
                .client
                .request(method.clone(), url.clone())
                .timeout(left.min(request_timeout))
                .header(ACCEPT, "application/json");
            if with_auth {
                req = req.header(AUTHORIZATION, self.authorization().await?);
            }
            if let Some(f) = form {
                req = req.form(f);
            }
            let failure = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    if status.is_success() {
                        match self.read_body(resp).await {
                            Ok(bytes) => {
                                self.note_rate_limit(&headers).await;
                                let body = self.parse_json(endpoint, &headers, &bytes)?;
                                return Ok(Response { headers, body });
                            }
                            Err(BodyError::TooLarge) => {
                                return Err(self.ctx.fail(
                                    endpoint,
                                    Failure::TooLarge {
                                        limit: self.ctx.options.max_body_bytes,
                                    },
                                ));
                            }
                            Err(BodyError::Transport(e)) => {
                                (None, None, transport_failure(&e, &self.ctx.options, retry))
                            }
                        }
                    } else if status.is_redirection() {
                        let host = headers
                            .get(reqwest::header::LOCATION)
                            .and_then(|l| l.to_str().ok())
                            .and_then(|l| url.join(l).ok())
                            .and_then(|u| u.host_str().map(str::to_string))
                            .unwrap_or_else(|| "?".into());
                        return Err(self.ctx.fail(endpoint, Failure::ForeignHost { host }));
                    } else if status == StatusCode::UNAUTHORIZED
                        && with_auth
                        && !renewed
                        && matches!(self.auth, Auth::ClientCredentials { .. })
                    {
                        // One fresh token and one retry; a second 401 is fatal.
                        renewed = true;
                        self.forget_token().await;
                        continue;
                    } else {
                        let bytes: Vec<u8> = self.read_body(resp).await.unwrap_or_default();
                        let failure = status_failure(status, &headers, &bytes, retry);
                        if !retryable(status) {
                            return Err(self.ctx.fail(endpoint, failure));
                        }
                        (Some(status), Some(headers), failure)
                    }
                }
                Err(e) if e.is_timeout() && bounded => {
                    return Err(self.ctx.fail(
                        endpoint,
                        Failure::Deadline {
                            after: self.ctx.options.deadline,
                        },
                    ));
                }
                Err(e) => (None, None, transport_failure(&e, &self.ctx.options, retry)),
            };
            let (status, headers, failure) = failure;
            if retry >= self.policy.max_retries {
                return Err(self.ctx.fail(endpoint, failure));
            }
            let jitter = Duration::from_millis(rand::random_range(0..1000));
            let wait = retry_wait(
                &self.policy,
                status,
                headers.as_ref(),
                retry,
                SystemTime::now(),
                jitter,
            );
            let reason = match status {
                Some(s) => format!("HTTP {}", s.as_u16()),
                None => match &failure {
                    Failure::Timeout { .. } => "timeout".into(),
                    _ => "connection error".into(),
                },
            };
            self.pause(endpoint, reason, wait, retry).await?;
            retry += 1;
        }
    }

    /// After a success that used up the rate-limit window, wait for its reset before the next
    /// call (Okta).
    async fn note_rate_limit(&self, headers: &HeaderMap) {
        if !self.policy.rate_limit_reset {
            return;
        }
        let remaining = headers
            .get("x-rate-limit-remaining")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if remaining == Some(0)
            && let Some(wait) = server_wait(&self.policy, headers, SystemTime::now())
        {
            *self.not_before.lock().await = Some(Instant::now() + wait);
        }
    }

    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, BodyError> {
        let limit = self.ctx.options.max_body_bytes;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(BodyError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn parse_json(
        &self,
        endpoint: &str,
        headers: &HeaderMap,
        bytes: &[u8],
    ) -> Result<Value, FetchError> {
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.contains("html") || looks_like_html(bytes) {
            return Err(self.ctx.fail(
                endpoint,
                Failure::NotJson {
                    content_type: if content_type.is_empty() {
                        "an HTML page".into()
                    } else {
                        format!("an HTML page ({content_type})")
                    },
                    hint: html_title(bytes),
                },
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| {
            self.ctx.fail(
                endpoint,
                Failure::Malformed {
                    detail: format!("the body is not valid JSON ({e})"),
                },
            )
        })
    }

    /// Every item of a paginated list as `T`; see [`Http::get_each`].
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        first: &Url,
        endpoint: &str,
        paging: Paging,
    ) -> Result<Vec<T>, FetchError> {
        self.get_each(first, endpoint, paging, |t| t).await
    }

    /// Every item of a paginated list, following the pages one at a time. Each page's items are
    /// decoded as `T` and passed through `convert` as the page arrives, so no more than one page
    /// is ever held as JSON. A cursor or link that comes back a second time is a failure, so a
    /// loop can never pass for a complete result.
    pub async fn get_each<T: DeserializeOwned, U>(
        &self,
        first: &Url,
        endpoint: &str,
        paging: Paging,
        mut convert: impl FnMut(T) -> U,
    ) -> Result<Vec<U>, FetchError> {
        let mut items = Vec::new();
        let mut add = |items: &mut Vec<U>, page: Vec<Value>| -> Result<(), FetchError> {
            items.reserve(page.len());
            for v in page {
                let i = items.len();
                let item = serde_json::from_value(v).map_err(|e| {
                    self.ctx.fail(
                        endpoint,
                        Failure::Malformed {
                            detail: format!("item {i}: {e}"),
                        },
                    )
                })?;
                items.push(convert(item));
            }
            Ok(())
        };
        let mut url = first.clone();
        let mut seen = HashSet::new();
        let malformed = |detail: String| self.ctx.fail(endpoint, Failure::Malformed { detail });
        for page in 1..=MAX_PAGES {
            let Response { headers, mut body } = self.get(&url, endpoint).await?;
            let next: Option<String> = match paging {
                Paging::BodyCursor {
                    items: key,
                    next,
                    param,
                } => {
                    match body.get_mut(key).map(Value::take) {
                        Some(Value::Array(a)) => add(&mut items, a)?,
                        _ => return Err(malformed(format!("no `{key}` array in the response"))),
                    }
                    match body.get(next) {
                        None | Some(Value::Null) => None,
                        Some(Value::String(s)) if s.is_empty() => None,
                        Some(Value::String(s)) => {
                            let mut u = first.clone();
                            u.query_pairs_mut().append_pair(param, s);
                            if !seen.insert(s.clone()) {
                                return Err(self.ctx.fail(endpoint, Failure::RepeatingCursor));
                            }
                            url = u;
                            Some(s.clone())
                        }
                        Some(_) => return Err(malformed(format!("`{next}` is not a string"))),
                    }
                }
                Paging::LinkHeader | Paging::NextLink => {
                    let link = if matches!(paging, Paging::LinkHeader) {
                        match body {
                            Value::Array(a) => add(&mut items, a)?,
                            _ => return Err(malformed("expected a JSON array".into())),
                        }
                        next_link(&headers)
                    } else {
                        match body.get_mut("value").map(Value::take) {
                            Some(Value::Array(a)) => add(&mut items, a)?,
                            _ => return Err(malformed("no `value` array in the response".into())),
                        }
                        match body.get("@odata.nextLink") {
                            None | Some(Value::Null) => None,
                            Some(Value::String(s)) => Some(s.clone()),
                            Some(_) => {
                                return Err(malformed("`@odata.nextLink` is not a string".into()));
                            }
                        }
                    };
                    match link {
                        None => None,
                        Some(l) => {
                            let next = url
                                .join(&l)
                                .map_err(|_| malformed("the next-page link is not a URL".into()))?;
                            if next.origin() != self.origin {
                                return Err(self.ctx.fail(
                                    endpoint,
                                    Failure::ForeignHost {
                                        host: next.host_str().unwrap_or("?").to_string(),
                                    },
                                ));
                            }
                            if !seen.insert(next.as_str().to_string()) || next == url {
                                return Err(self.ctx.fail(endpoint, Failure::RepeatingCursor));
                            }
                            url = next;
                            Some(l)
                        }
                    }
                }
                Paging::None => {
                    add(&mut items, vec![body])?;
                    None
                }
            };
            self.ctx.progress.report(
                self.ctx.vendor,
                &Event::Page {
                    endpoint: endpoint.to_string(),
                    page,
                    items: items.len(),
                },
            );
            if next.is_none() {
                return Ok(items);
            }
        }
        Err(self.ctx.fail(
            endpoint,
            Failure::Other(format!("more than {MAX_PAGES} pages; stopped")),
        ))
    }
}

fn transport_failure(e: &reqwest::Error, options: &super::Options, retries: u32) -> Failure {
    if e.is_timeout() {
        return Failure::Timeout {
            after: options.request_timeout,
            retries,
        };
    }
    let mut detail = if e.is_connect() {
        "could not connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    // The innermost cause says most (refused, reset, DNS); the URL carries no secret, but
    // leave it out anyway: the endpoint is already named.
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    if let Some(l) = last {
        detail.push_str(": ");
        detail.push_str(&l);
    }
    Failure::Transport { detail, retries }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(64)])
        .trim_start()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

fn html_title(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(16 * 1024)]);
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = one_line(text.get(start..end)?, 120);
    (!title.is_empty()).then(|| format!("page title: {title}"))
}

fn one_line(text: &str, max: usize) -> String {
    let t: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if t.chars().count() > max {
        let mut s: String = t.chars().take(max).collect();
        s.push('…');
        s
    } else {
        t
    }
}

/// Reads the vendor's error code, summary and request id from an error response of any of the
/// documented shapes (Sigma, Okta, Graph, OAuth), or a non-JSON body.
pub fn status_failure(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    retries: u32,
) -> Failure {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| one_line(v, 80))
            .filter(|v| !v.is_empty())
    };
    let s = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(|t| one_line(t, 300))
            .filter(|t| !t.is_empty())
    };
    let (mut code, mut summary, mut request_id) = (None, None, None);
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => {
            if let Some(err) = v.get("error").filter(|e| e.is_object()) {
                // Graph
                code = s(err.get("code"));
                summary = s(err.get("message"));
                request_id = s(err.pointer("/innerError/request-id"));
            } else if v.get("errorCode").is_some() {
                // Okta
                code = s(v.get("errorCode"));
                summary = s(v.get("errorSummary"));
                request_id = s(v.get("errorId"));
            } else if v.get("error").is_some() {
                // OAuth token endpoints
                code = s(v.get("error"));
                summary = s(v.get("error_description"));
                request_id = s(v.get("trace_id")).or_else(|| s(v.get("correlation_id")));
            } else {
                // Sigma
                code = s(v.get("code"));
                summary = s(v.get("message"));
                request_id = s(v.get("requestId"));
            }
        }
        _ => {
            if !body.is_empty() {
                summary = html_title(body).or_else(|| {
                    let text = String::from_utf8_lossy(&body[..body.len().min(200)]).to_string();
                    let line = one_line(&text, 120);
                    (!line.is_empty()).then(|| format!("non-JSON body: {line}"))
                });
            }
        }
    }
    request_id = request_id
        .or_else(|| header("request-id"))
        .or_else(|| header("x-okta-request-id"))
        .or_else(|| header("x-request-id"))
        .or_else(|| header("client-request-id"));
    Failure::Status {
        status: status.as_u16(),
        code,
        summary,
        request_id,
        retries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_integer_fraction_and_date() {
        let now = at(1_741_083_342); // Tue, 04 Mar 2025 10:15:42 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(" 2.128 ", now),
            Some(Duration::from_millis(2128))
        );
        assert_eq!(
            parse_retry_after("Tue, 04 Mar 2025 10:16:00 GMT", now),
            Some(Duration::from_secs(18))
        );
        // A date in the past means "now".
        assert_eq!(
            parse_retry_after("Tue, 04 Mar 2025 10:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn okta_reset_is_measured_against_the_date_header() {
        // The doc's example: reset 1741083360, Date 10:15:42 → 18 + 1 = 19 s, whatever our clock.
        let local = at(1_000);
        assert_eq!(
            rate_limit_reset_wait("1741083360", Some("Tue, 04 Mar 2025 10:15:42 GMT"), local),
            Some(Duration::from_secs(19))
        );
        // Without Date, the local clock.
        assert_eq!(
            rate_limit_reset_wait("1741083360", None, at(1_741_083_350)),
            Some(Duration::from_secs(11))
        );
        // Clamped to 1..=60.
        assert_eq!(
            rate_limit_reset_wait("1741083000", Some("Tue, 04 Mar 2025 10:15:42 GMT"), local),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            rate_limit_reset_wait("1741090000", Some("Tue, 04 Mar 2025 10:15:42 GMT"), local),
            Some(Duration::from_secs(60))
        );
        assert_eq!(rate_limit_reset_wait("x", None, local), None);
    }

    #[test]
    fn waits_follow_each_vendor_policy() {
        let now = at(1_741_083_342);
        let j = Duration::from_millis(300);
        let tmr = Some(StatusCode::TOO_MANY_REQUESTS);
        let unavailable = Some(StatusCode::SERVICE_UNAVAILABLE);
        // Sigma: max(Retry-After, 2 s × 2^n + jitter) for 429; 1 s × 2^n for 5xx.
        let ra = headers(&[("retry-after", "1")]);
        assert_eq!(
            retry_wait(&RetryPolicy::SIGMA, tmr, Some(&ra), 0, now, j),
            Duration::from_millis(2300)
        );
        let ra = headers(&[("retry-after", "10")]);
        assert_eq!(
            retry_wait(&RetryPolicy::SIGMA, tmr, Some(&ra), 0, now, j),
            Duration::from_secs(10)
        );
        assert_eq!(
            retry_wait(&RetryPolicy::SIGMA, unavailable, None, 2, now, j),
            Duration::from_millis(4300)
        );
        assert_eq!(
            retry_wait(&RetryPolicy::SIGMA, tmr, None, 9, now, j),
            MAX_WAIT
        );
        // Graph: Retry-After as given (fractional), else 1, 2, 4 … + jitter.
        let ra = headers(&[("retry-after", "2.128")]);
        assert_eq!(
            retry_wait(&RetryPolicy::GRAPH, tmr, Some(&ra), 3, now, j),
            Duration::from_millis(2128)
        );
        assert_eq!(
            retry_wait(&RetryPolicy::GRAPH, tmr, None, 3, now, j),
            Duration::from_millis(8300)
        );
        assert_eq!(
            retry_wait(&RetryPolicy::GRAPH, None, None, 0, now, j),
            Duration::from_millis(1300)
        );
        // Okta: X-Rate-Limit-Reset vs Date + 1, else 2, 4, 8 … + jitter.
        let rl = headers(&[
            ("x-rate-limit-reset", "1741083360"),
            ("date", "Tue, 04 Mar 2025 10:15:42 GMT"),
        ]);
        assert_eq!(
            retry_wait(&RetryPolicy::OKTA, tmr, Some(&rl), 0, at(5), j),
            Duration::from_secs(19)
        );
        assert_eq!(
            retry_wait(&RetryPolicy::OKTA, tmr, Some(&HeaderMap::new()), 1, now, j),
            Duration::from_millis(4300)
        );
        // A Retry-After date.
        let ra = headers(&[("retry-after", "Tue, 04 Mar 2025 10:15:47 GMT")]);
        assert_eq!(
            retry_wait(&RetryPolicy::GRAPH, unavailable, Some(&ra), 0, now, j),
            Duration::from_secs(5)
        );
        // Never more than the cap.
        let ra = headers(&[("retry-after", "3600")]);
        assert_eq!(
            retry_wait(&RetryPolicy::GRAPH, tmr, Some(&ra), 0, now, j),
            MAX_WAIT
        );
    }

    #[test]
    fn next_link_among_several_link_values() {
        let h = headers(&[
            (
                "link",
                "<https://o.example/api/v1/apps/x/users?limit=2>; rel=\"self\"",
            ),
            (
                "link",
                "<https://o.example/api/v1/apps/x/users?after=a1&limit=2>; rel=\"next\"",
            ),
        ]);
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://o.example/api/v1/apps/x/users?after=a1&limit=2")
        );
        let joined = headers(&[(
            "link",
            "<https://o.example/u?limit=2>; rel=\"self\", <https://o.example/u?after=b,c&limit=2>; rel=\"next\"",
        )]);
        assert_eq!(
            next_link(&joined).as_deref(),
            Some("https://o.example/u?after=b,c&limit=2")
        );
        let last = headers(&[("link", "<https://o.example/u?limit=2>; rel=\"self\"")]);
        assert_eq!(next_link(&last), None);
    }

    #[test]
    fn vendor_error_bodies() {
        let h = headers(&[("x-okta-request-id", "req-okta")]);
        let okta = br#"{"errorCode":"E0000006","errorSummary":"You do not have permission","errorLink":"E0000006","errorId":"oae1","errorCauses":[]}"#;
        assert_eq!(
            status_failure(StatusCode::FORBIDDEN, &h, okta, 0),
            Failure::Status {
                status: 403,
                code: Some("E0000006".into()),
                summary: Some("You do not have permission".into()),
                request_id: Some("oae1".into()),
                retries: 0
            }
        );
        let graph = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges.","innerError":{"request-id":"c41f"}}}"#;
        let f = status_failure(StatusCode::FORBIDDEN, &HeaderMap::new(), graph, 0);
        assert_eq!(
            f.to_string(),
            "HTTP 403 Forbidden: Authorization_RequestDenied: Insufficient privileges. [request id c41f]"
        );
        let oauth = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","trace_id":"3b0a"}"#;
        let f = status_failure(StatusCode::UNAUTHORIZED, &HeaderMap::new(), oauth, 0);
        assert!(
            f.to_string().contains("invalid_client: AADSTS7000215"),
            "{f}"
        );
        let sigma =
            br#"{"requestId":"957f","message":"Token missing or malformed","code":"unauthorized"}"#;
        let f = status_failure(StatusCode::UNAUTHORIZED, &HeaderMap::new(), sigma, 2);
        assert_eq!(
            f.to_string(),
            "HTTP 401 Unauthorized: unauthorized: Token missing or malformed [request id 957f] (after 2 retries)"
        );
        let html =
            b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>";
        let f = status_failure(StatusCode::BAD_GATEWAY, &HeaderMap::new(), html, 0);
        assert!(f.to_string().contains("page title: 502 Bad Gateway"), "{f}");
    }
}
