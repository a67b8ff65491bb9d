//! The normalized view the rules read: Sigma account types with the SCIM value each expects, the
//! values each IdP can send (classified once), and where every one of them sits in its snapshot.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::assignments::AssignmentView;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::excerpt::{CONTEXT_LINES, Excerpt};
use crate::matching::{Expectations, Verdict};
use crate::snapshot::{
    self, AzureSnapshot, Kind, LoadedSnapshot, OktaSnapshot, SigmaSnapshot, Snapshot,
};
use crate::yaml::{Locations, Position};

/// A place in a snapshot file.
///
/// Rules name places by path (`attribute.enum[2]`); the engine resolves every path its findings
/// name in one pass over each file ([`Model::resolve_locations`]), so no file's millions of nodes
/// are indexed just in case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub offset: usize,
    /// The path still to resolve (line, column and offset are 0 until then).
    #[serde(skip)]
    pub pending: Option<String>,
    /// The lines around the place, for code frames (set once resolved).
    #[serde(skip)]
    pub excerpt: Option<Arc<Excerpt>>,
}

/// One source the model was built from.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub kind: Kind,
    pub origin: String,
    pub taken_at: String,
    /// Whether everything the source holds was read (a live fetch that stopped short is not).
    pub complete: bool,
    pub file: Option<PathBuf>,
    /// The fingerprint of the file's text when it was loaded ([`snapshot::fingerprint`]); the
    /// text itself is not kept, and is read again only to locate findings.
    pub fingerprint: Option<u64>,
}

impl SourceInfo {
    /// A complete source that was not read from a file (a live fetch).
    fn in_memory(kind: Kind, origin: &str, taken_at: &str) -> SourceInfo {
        SourceInfo {
            kind,
            origin: origin.to_string(),
            taken_at: taken_at.to_string(),
            complete: true,
            file: None,
            fingerprint: None,
        }
    }

    /// The node at `path` (e.g. `attribute.enum[2]`) in the snapshot file, to be resolved by
    /// [`Model::resolve_locations`]; `None` for a source read from no file.
    pub fn locate(&self, path: &str) -> Option<Location> {
        self.fingerprint?;
        Some(Location {
            file: self.file.as_ref()?.display().to_string(),
            line: 0,
            column: 0,
            offset: 0,
            pending: Some(path.to_string()),
            excerpt: None,
        })
    }
}

/// A Sigma account type and the exact `userType` string Sigma expects for it.
#[derive(Debug, Clone)]
pub struct AccountType {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_custom: bool,
    /// Lower case of the name for default types, the exact name for custom types.
    pub expected: String,
    pub location: Option<Location>,
}

impl AccountType {
    pub fn expected_value(name: &str, is_custom: bool) -> String {
        if is_custom {
            name.to_string()
        } else {
            name.to_lowercase()
        }
    }
}

/// A value an IdP can send as `userType`.
#[derive(Debug, Clone)]
pub struct UserTypeValue {
    pub source: Kind,
    /// The string provisioning sends (for Entra, after the configured value map).
    pub sent: String,
    /// The value as the IdP holds it (Okta enum member, Entra role value).
    pub held: String,
    /// False for a non-string Okta enum member.
    pub is_text: bool,
    /// Okta Display name or Entra role display name.
    pub display_name: Option<String>,
    /// Stable identity of the object holding the value (Entra role id, Okta app id + value).
    pub identity: String,
    pub location: Option<Location>,
    pub verdict: Verdict,
}

/// The Okta side: the app and its User Type attribute.
#[derive(Debug, Clone)]
pub struct OktaSide {
    pub snapshot: OktaSnapshot,
    pub source: usize,
    /// The enum members as values (empty when the attribute is missing or not an enum).
    pub values: Vec<UserTypeValue>,
}

/// The Entra side: the service principal's roles.
#[derive(Debug, Clone)]
pub struct AzureSide {
    pub snapshot: AzureSnapshot,
    pub source: usize,
    /// One value per app role with a non-null value, indexed like `role_index`.
    pub values: Vec<UserTypeValue>,
    /// For each entry of `values`, its index in `snapshot.app_roles`.
    pub role_index: Vec<usize>,
}

impl AzureSide {
    /// The value of each app role that has one, by its index in `snapshot.app_roles`.
    pub fn values_by_role(&self) -> HashMap<usize, &UserTypeValue> {
        self.role_index.iter().copied().zip(&self.values).collect()
    }
}

/// Everything the rules read.
#[derive(Debug, Clone)]
pub struct Model {
    pub sources: Vec<SourceInfo>,
    pub sigma: SigmaSnapshot,
    pub sigma_source: usize,
    pub account_types: Vec<AccountType>,
    pub expectations: Expectations,
    pub okta: Option<OktaSide>,
    pub azure: Option<AzureSide>,
    /// Who is assigned what (empty unless snapshots carry assignments).
    pub assignments: AssignmentView,
    pub config: Config,
}

impl Model {
    /// Builds the model from loaded snapshots: exactly one Sigma snapshot and at least one IdP
    /// snapshot, at most one of each kind.
    pub fn build(loaded: Vec<LoadedSnapshot>, config: Config) -> Result<Model> {
        let mut sources = Vec::new();
        let (mut sigma, mut okta, mut azure) = (None, None, None);
        for l in loaded {
            let info = |origin: &str, taken_at: &str| SourceInfo {
                file: Some(l.path.clone()),
                fingerprint: Some(l.fingerprint),
                ..SourceInfo::in_memory(l.snapshot.kind(), origin, taken_at)
            };
            let (info, slot_taken) = match &l.snapshot {
                Snapshot::Sigma(s) => (info(&s.origin, &s.taken_at), sigma.is_some()),
                Snapshot::Okta(s) => (info(&s.origin, &s.taken_at), okta.is_some()),
                Snapshot::Azure(s) => (info(&s.origin, &s.taken_at), azure.is_some()),
            };
            if slot_taken {
                let first = sources
                    .iter()
                    .find(|s: &&SourceInfo| s.kind == info.kind)
                    .and_then(|s| s.file.clone())
                    .unwrap_or_default();
                return Err(Error::usage(
                    format!(
                        "two {} snapshots: {} and {}",
                        info.kind,
                        first.display(),
                        l.path.display()
                    ),
                    Some("check one snapshot per source at a time".into()),
                ));
            }
            let idx = sources.len();
            sources.push(info);
            match l.snapshot {
                Snapshot::Sigma(s) => sigma = Some((s, idx)),
                Snapshot::Okta(s) => okta = Some((s, idx)),
                Snapshot::Azure(s) => azure = Some((s, idx)),
            }
        }
        let Some((sigma, sigma_source)) = sigma else {
            return Err(Error::usage(
                "no Sigma snapshot among the inputs: there is nothing to compare the IdP values with",
                Some("pass a `kind: sigma` snapshot too (`sigma-idp-lint snapshot` writes sigma.yaml)".into()),
            ));
        };
        if okta.is_none() && azure.is_none() {
            return Err(Error::usage(
                "no Okta or Entra snapshot among the inputs: there is nothing to check",
                Some("pass a `kind: okta` or `kind: azure` snapshot too".into()),
            ));
        }
        Ok(Model::from_parts(
            sources,
            (sigma, sigma_source),
            okta,
            azure,
            config,
        ))
    }

    /// Builds the model from snapshots that are already in memory (a live fetch).
    pub fn from_snapshots(
        sigma: SigmaSnapshot,
        okta: Option<OktaSnapshot>,
        azure: Option<AzureSnapshot>,
        config: Config,
    ) -> Model {
        let mut sources = vec![SourceInfo::in_memory(
            Kind::Sigma,
            &sigma.origin,
            &sigma.taken_at,
        )];
        let mut push = |kind, origin: &str, taken_at: &str| {
            sources.push(SourceInfo::in_memory(kind, origin, taken_at));
            sources.len() - 1
        };
        let okta = okta.map(|o| {
            let i = push(Kind::Okta, &o.origin, &o.taken_at);
            (o, i)
        });
        let azure = azure.map(|a| {
            let i = push(Kind::Azure, &a.origin, &a.taken_at);
            (a, i)
        });
        Model::from_parts(sources, (sigma, 0), okta, azure, config)
    }

    fn from_parts(
        sources: Vec<SourceInfo>,
        (sigma, sigma_source): (SigmaSnapshot, usize),
        okta: Option<(OktaSnapshot, usize)>,
        azure: Option<(AzureSnapshot, usize)>,
        config: Config,
    ) -> Model {
        let account_types: Vec<AccountType> = sigma
            .account_types
            .iter()
            .enumerate()
            .map(|(i, t)| AccountType {
                id: t.id.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                is_custom: t.is_custom,
                expected: AccountType::expected_value(&t.name, t.is_custom),
                location: sources[sigma_source].locate(&format!("account_types[{i}].name")),
            })
            .collect();
        let expectations =
            Expectations::new(account_types.iter().map(|t| t.expected.clone()).collect());

        let okta = okta.map(|(snapshot, source)| {
            let mut values = Vec::new();
            if let Some(attr) = &snapshot.attribute
                && let Some(members) = &attr.enum_values
            {
                for (i, m) in members.iter().enumerate() {
                    let held = m.as_text();
                    let display_name = attr.one_of.as_ref().and_then(|o| {
                        o.iter()
                            .find(|x| x.value.as_text() == held)
                            .map(|x| x.title.clone())
                    });
                    values.push(UserTypeValue {
                        source: Kind::Okta,
                        sent: held.clone(),
                        verdict: expectations.classify(&held),
                        identity: format!("{}/{}", snapshot.app.id, attr.variable),
                        held,
                        is_text: m.is_text(),
                        display_name,
                        location: sources[source].locate(&format!("attribute.enum[{i}]")),
                    });
                }
            }
            OktaSide {
                snapshot,
                source,
                values,
            }
        });

        let azure = azure.map(|(snapshot, source)| {
            let mut values = Vec::new();
            let mut role_index = Vec::new();
            for (i, role) in snapshot.app_roles.iter().enumerate() {
                let Some(held) = &role.value else { continue };
                let sent = config.azure.sent_value(held).to_string();
                values.push(UserTypeValue {
                    source: Kind::Azure,
                    verdict: expectations.classify(&sent),
                    sent,
                    held: held.clone(),
                    is_text: true,
                    display_name: Some(role.display_name.clone()),
                    identity: format!("{}/{}", snapshot.app.app_id, role.id),
                    location: sources[source].locate(&format!("app_roles[{i}].value")),
                });
                role_index.push(i);
            }
            AzureSide {
                snapshot,
                source,
                values,
                role_index,
            }
        });

        let assignments = AssignmentView::build(&expectations, okta.as_ref(), azure.as_ref());
        Model {
            assignments,
            sources,
            sigma,
            sigma_source,
            account_types,
            expectations,
            okta,
            azure,
            config,
        }
    }

    /// What each IdP assigns `login` (compared case-insensitively).
    pub fn assigned(&self, login: &str) -> Vec<crate::assignments::Assigned> {
        self.assignments
            .assigned(login, self.okta.as_ref(), self.azure.as_ref())
    }

    /// Every IdP value, Okta first.
    pub fn values(&self) -> impl Iterator<Item = &UserTypeValue> {
        self.okta
            .iter()
            .flat_map(|o| o.values.iter())
            .chain(self.azure.iter().flat_map(|a| a.values.iter()))
    }

    /// Resolves the pending paths of `locations` with one walk over each snapshot file, read
    /// again one at a time and only as far as the paths need; a path the file does not hold, or a
    /// file changed since it was loaded, leaves no location.
    pub fn resolve_locations<'a>(
        &self,
        locations: impl IntoIterator<Item = &'a mut Option<Location>>,
    ) {
        let mut by_file: HashMap<String, Vec<&'a mut Option<Location>>> = HashMap::new();
        for loc in locations {
            if let Some(file) = loc
                .as_ref()
                .filter(|l| l.pending.is_some())
                .map(|l| l.file.clone())
            {
                by_file.entry(file).or_default().push(loc);
            }
        }
        for (file, mut locs) in by_file {
            let wanted: Vec<&str> = locs
                .iter()
                .filter_map(|l| l.as_ref().and_then(|l| l.pending.as_deref()))
                .collect();
            let found = self
                .sources
                .iter()
                .find(|s| {
                    s.file
                        .as_ref()
                        .is_some_and(|f| f.display().to_string() == file)
                })
                .and_then(|s| locate_in_file(s.file.as_ref()?, s.fingerprint?, &wanted));
            let positions: Vec<Option<Position>> = wanted
                .iter()
                .map(|w| found.as_ref().and_then(|(_, index)| index.get(w)))
                .collect();
            for (loc, at) in locs.iter_mut().zip(positions) {
                match (at, loc.as_mut(), found.as_ref()) {
                    (Some(p), Some(l), Some((text, _))) => {
                        l.line = p.line;
                        l.column = p.column;
                        l.offset = p.offset;
                        l.pending = None;
                        l.excerpt = Some(Arc::new(Excerpt::around(text, p)));
                    }
                    _ => **loc = None,
                }
            }
        }
    }

    /// The source info of a snapshot kind present in the model.
    pub fn source(&self, kind: Kind) -> Option<&SourceInfo> {
        self.sources.iter().find(|s| s.kind == kind)
    }
}

/// The nodes at `wanted` paths in the snapshot file at `path`, with the text read to find them,
/// or `None` when the file changed since it was loaded. The file is read from its start, as
/// far as the paths and the lines shown after them need (rules mostly point near the top).
fn locate_in_file(path: &Path, fingerprint: u64, wanted: &[&str]) -> Option<(String, Locations)> {
    if snapshot::fingerprint_file(path).ok()? != fingerprint {
        return None;
    }
    let mut limit = 1 << 20;
    loop {
        let (text, whole) = snapshot::read_prefix(path, limit).ok()?;
        let index = Locations::index_only(&text, wanted.iter().copied());
        let positions: Vec<Option<Position>> = wanted.iter().map(|w| index.get(w)).collect();
        let last = positions.iter().flatten().map(|p| p.offset).max();
        let all_framed = positions.iter().all(Option::is_some)
            && last.is_some_and(|at| {
                text[at..]
                    .bytes()
                    .filter(|b| *b == b'\n')
                    .take(CONTEXT_LINES + 1)
                    .count()
                    > CONTEXT_LINES
            });
        if whole || all_framed {
            return Some((text, index));
        }
        limit = limit.saturating_mul(4);
    }
}

/// Loads snapshot paths and builds the model.
pub fn load(paths: &[PathBuf], config: Config) -> Result<Model> {
    Model::build(snapshot::load_all(paths)?, config)
}

#[cfg(test)]
mod tests {
    use miette::SourceCode;

    use super::*;

    fn demo_copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for f in ["sigma.yaml", "okta.yaml", "azure.yaml"] {
            std::fs::copy(format!("fixtures/demo/{f}"), dir.path().join(f)).expect("copy");
        }
        dir
    }

    #[test]
    fn findings_are_located_by_reading_the_file_again_with_an_excerpt() {
        let dir = demo_copy();
        let model = load(&[dir.path().to_path_buf()], Config::default()).expect("model");
        let findings = crate::engine::run(&model);
        let located: Vec<&Location> = findings
            .iter()
            .filter_map(|f| f.location.as_ref())
            .collect();
        assert!(!located.is_empty());
        for l in located {
            assert!(l.pending.is_none() && l.line > 0, "{l:?}");
            let text = std::fs::read_to_string(&l.file).expect("file");
            let excerpt = l.excerpt.as_ref().expect("excerpt");
            let span = excerpt.span_at(l.offset);
            let framed = excerpt.read_span(&span, 1, 1).expect("excerpt span");
            let whole = text.read_span(&span, 1, 1).expect("file span");
            assert_eq!(framed.data(), whole.data(), "{l:?}");
            assert_eq!(
                (framed.line(), framed.column()),
                (whole.line(), whole.column())
            );
        }
    }

    #[test]
    fn a_node_far_into_a_large_file_is_found_with_the_lines_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("okta.yaml");
        let mut text = String::from("kind: okta\nschema_version: 1\napp_users:\n");
        for i in 0..120_000 {
            text.push_str(&format!("- id: u{i}\n  user_type: v{i}\n"));
        }
        assert!(text.len() > 2 << 20, "beyond the first reads");
        std::fs::write(&path, &text).expect("write");
        let wanted = "app_users[119998].user_type";
        let (read, index) =
            locate_in_file(&path, snapshot::fingerprint(&text), &[wanted]).expect("unchanged");
        let p = index.get(wanted).expect("found");
        assert_eq!(&read[p.offset..p.offset + 7], "v119998");
        let excerpt = Excerpt::around(&read, p);
        let framed = excerpt
            .read_span(&excerpt.span_at(p.offset), 1, 1)
            .expect("span");
        let whole = text
            .read_span(&excerpt.span_at(p.offset), 1, 1)
            .expect("span");
        assert_eq!(framed.data(), whole.data());
        assert!(
            locate_in_file(&path, snapshot::fingerprint("other"), &[wanted]).is_none(),
            "a changed file is not read"
        );
    }

    #[test]
    fn a_snapshot_changed_after_loading_leaves_findings_unlocated() {
        let dir = demo_copy();
        let model = load(&[dir.path().to_path_buf()], Config::default()).expect("model");
        for f in ["sigma.yaml", "okta.yaml", "azure.yaml"] {
            let p = dir.path().join(f);
            let text = std::fs::read_to_string(&p).expect("read");
            std::fs::write(&p, format!("# edited\n{text}")).expect("write");
        }
        let findings = crate::engine::run(&model);
        assert!(!findings.is_empty());
        assert!(
            findings.iter().all(|f| f.location.is_none()),
            "a changed file gives no location rather than a wrong one"
        );
    }
}
