//! Sigma: client-credentials token, `GET /v2/accountTypes` and, with assignments,
//! `GET /v2.1/members`, both at the largest page size (see `shared/api/sigma.md`).

use std::time::SystemTime;

use serde::Deserialize;

use super::http::{Auth, Context, Http, Paging, RetryPolicy};
use super::{Failure, FetchError, SigmaSource, display_url, join, rfc3339};
use crate::snapshot::sigma::{AccountTypeRecord, MemberRecord};
use crate::snapshot::{Kind, SCHEMA_VERSION, SigmaSnapshot};

const ACCOUNT_TYPES: &str = "GET /v2/accountTypes";
const MEMBERS: &str = "GET /v2.1/members";
/// The largest page sizes the API allows.
const PAGE_SIZE: &str = "1000";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountType {
    account_type_id: String,
    account_type_name: String,
    #[serde(default)]
    description: Option<String>,
    is_custom: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    member_id: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    member_type: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    is_inactive: Option<bool>,
    #[serde(default)]
    is_archived: Option<bool>,
}

pub async fn fetch(
    source: &SigmaSource,
    with_assignments: bool,
    ctx: Context,
) -> Result<SigmaSnapshot, FetchError> {
    let base = &source.base_url;
    let auth = Auth::client_credentials(
        join(base, "/v2/auth/token"),
        "POST /v2/auth/token",
        vec![
            ("grant_type", "client_credentials".into()),
            ("client_id", source.client_id.expose().to_string()),
            ("client_secret", source.client_secret.expose().to_string()),
        ],
    );
    let http = Http::new(ctx.clone(), RetryPolicy::SIGMA, base, auth)?;
    let taken_at = rfc3339(SystemTime::now());

    let mut url = join(base, "/v2/accountTypes");
    url.query_pairs_mut().append_pair("pageSize", PAGE_SIZE);
    let account_types: Vec<AccountTypeRecord> = http
        .get_each(
            &url,
            ACCOUNT_TYPES,
            Paging::BodyCursor {
                items: "entries",
                next: "nextPageToken",
                param: "pageToken",
            },
            |a: AccountType| AccountTypeRecord {
                id: a.account_type_id,
                name: a.account_type_name,
                description: a.description.filter(|d| !d.is_empty()),
                is_custom: a.is_custom,
            },
        )
        .await?;
    if account_types.is_empty() {
        return Err(ctx.fail(
            ACCOUNT_TYPES,
            Failure::Other(
                "the org lists no account types at all; refusing to compare against an empty set"
                    .into(),
            ),
        ));
    }

    let members = if with_assignments {
        let mut url = join(base, "/v2.1/members");
        url.query_pairs_mut()
            .append_pair("limit", PAGE_SIZE)
            .append_pair("includeInactive", "true")
            .append_pair("includeArchived", "true");
        let members = http
            .get_each(
                &url,
                MEMBERS,
                Paging::BodyCursor {
                    items: "entries",
                    next: "nextPage",
                    param: "page",
                },
                |m: Member| {
                    let name = [m.first_name, m.last_name]
                        .into_iter()
                        .flatten()
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    MemberRecord {
                        id: m.member_id.into(),
                        email: m.email.unwrap_or_default().into(),
                        member_type: m.member_type.unwrap_or_default().into(),
                        name: (!name.is_empty()).then(|| name.into()),
                        is_inactive: m.is_inactive.unwrap_or(false),
                        is_archived: m.is_archived.unwrap_or(false),
                    }
                },
            )
            .await?;
        Some(members)
    } else {
        None
    };

    ctx.done(format!(
        "{} account types{}",
        account_types.len(),
        members
            .as_ref()
            .map(|m| format!(", {} members", m.len()))
            .unwrap_or_default()
    ));
    Ok(SigmaSnapshot {
        kind: Kind::Sigma,
        schema_version: SCHEMA_VERSION,
        taken_at,
        origin: display_url(base),
        account_types,
        members,
    })
}
