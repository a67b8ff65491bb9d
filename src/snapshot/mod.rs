//! Versioned YAML snapshots, one file per source: loading (with positions for diagnostics) and
//! atomic saving.

pub mod azure;
pub mod okta;
pub mod sigma;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::yaml::{self, Head, HeadValue};

pub use azure::AzureSnapshot;
pub use okta::OktaSnapshot;
pub use sigma::SigmaSnapshot;

/// The string type of the records that come by the hundred thousand (users, assignments,
/// members): up to 24 bytes are stored inline, which holds most ids, logins and enum-like values
/// without an allocation of their own. At 200,000 users that halves the memory the records take.
pub type Text = compact_str::CompactString;

/// The snapshot format version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Which source a snapshot describes.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Kind {
    Sigma,
    Okta,
    Azure,
}

impl Kind {
    /// The name an admin uses for the source.
    pub fn display_name(self) -> &'static str {
        match self {
            Kind::Sigma => "Sigma",
            Kind::Okta => "Okta",
            Kind::Azure => "Entra",
        }
    }

    /// The file name `snapshot` writes for this source.
    pub fn file_name(self) -> String {
        format!("{self}.yaml")
    }
}

/// One snapshot of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Snapshot {
    Sigma(SigmaSnapshot),
    Okta(OktaSnapshot),
    Azure(AzureSnapshot),
}

impl Snapshot {
    pub fn kind(&self) -> Kind {
        match self {
            Snapshot::Sigma(_) => Kind::Sigma,
            Snapshot::Okta(_) => Kind::Okta,
            Snapshot::Azure(_) => Kind::Azure,
        }
    }

    /// Puts every list in its stable order.
    pub fn sort(&mut self) {
        match self {
            Snapshot::Sigma(s) => s.sort(),
            Snapshot::Okta(s) => s.sort(),
            Snapshot::Azure(s) => s.sort(),
        }
    }

    /// Writes the snapshot as YAML to `out`, `kind` and `schema_version` first; lists must be
    /// in stable order already ([`Snapshot::sort`]).
    fn write_yaml(&self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Snapshot::Sigma(s) => yaml::to_writer(out, s),
            Snapshot::Okta(s) => yaml::to_writer(out, s),
            Snapshot::Azure(s) => yaml::to_writer(out, s),
        }
    }
}

/// A snapshot read from a file. Its text is not kept: findings are located by reading the file
/// again, after checking its [`fingerprint`].
#[derive(Debug, Clone)]
pub struct LoadedSnapshot {
    pub path: PathBuf,
    pub fingerprint: u64,
    pub snapshot: Snapshot,
}

/// A fingerprint of a file's text, to tell whether it changed since it was loaded.
pub fn fingerprint(text: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(text.as_bytes());
    h.write_usize(text.len());
    h.finish()
}

/// The [`fingerprint`] of the file at `path`, read in blocks: the file is not held in memory.
pub fn fingerprint_file(path: &Path) -> std::io::Result<u64> {
    use std::hash::Hasher;
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut len = 0;
    loop {
        let block = reader.fill_buf()?;
        if block.is_empty() {
            break;
        }
        // SipHash buffers partial words, so hashing in blocks equals hashing the whole text.
        h.write(block);
        let n = block.len();
        len += n;
        reader.consume(n);
    }
    h.write_usize(len);
    Ok(h.finish())
}

/// The first `limit` bytes of the text file at `path`, cut after the last whole line, and
/// whether that is the whole file.
pub fn read_prefix(path: &Path, limit: usize) -> std::io::Result<(String, bool)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64)
        .read_to_end(&mut bytes)?;
    let whole = bytes.len() < limit;
    if !whole {
        // A newline is never inside a UTF-8 sequence, so the cut is a character boundary.
        let end = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(end);
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    Ok((text, whole))
}

/// Parses snapshot `text` read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<LoadedSnapshot> {
    // The header is read on its own, stopping after `kind` and `schema_version`; the document is
    // then parsed once, typed, below.
    let head = yaml::read_head(text, &["kind", "schema_version"])
        .map_err(|e| Error::yaml(path, text, e, None))?;
    let (start, found) = match head {
        Head::Mapping { start, found } => (start, found),
        Head::NotMapping { start } => {
            return Err(Error::at(
                path,
                text,
                Some(start),
                format!(
                    "{} is not a snapshot: expected a mapping with `kind:` and `schema_version:`",
                    path.display()
                ),
                "not a mapping",
                None,
            ));
        }
    };
    let field = |key: &str| {
        found
            .iter()
            .find(|(k, ..)| k == key)
            .map(|(_, v, at)| (v, *at))
    };
    let kind = match field("kind") {
        None => {
            return Err(Error::at(
                path,
                text,
                Some(start),
                format!("{} has no `kind:`", path.display()),
                "expected `kind: sigma|okta|azure` here",
                Some("every snapshot starts with `kind:` (sigma, okta or azure) and `schema_version: 1`".into()),
            ));
        }
        Some((HeadValue::Scalar { text: k, .. }, at)) => k.parse::<Kind>().map_err(|_| {
            Error::at(
                path,
                text,
                Some(at),
                format!("unknown snapshot kind `{k}` in {}", path.display()),
                "unknown kind",
                Some("expected one of: sigma, okta, azure".into()),
            )
        })?,
        Some((HeadValue::Other, at)) => {
            return Err(Error::at(
                path,
                text,
                Some(at),
                format!("`kind` must be a string in {}", path.display()),
                "not a string",
                Some("expected one of: sigma, okta, azure".into()),
            ));
        }
    };
    let version = |v: &HeadValue| match v {
        HeadValue::Scalar { text, plain: true } => text.parse::<u64>().ok(),
        _ => None,
    };
    match field("schema_version") {
        Some((v, _)) if version(v) == Some(u64::from(SCHEMA_VERSION)) => {}
        Some((v, at)) if version(v).is_some_and(|n| n > u64::from(SCHEMA_VERSION)) => {
            return Err(Error::at(
                path,
                text,
                Some(at),
                format!(
                    "{} has schema_version {}, newer than this build reads ({SCHEMA_VERSION})",
                    path.display(),
                    version(v).unwrap_or_default()
                ),
                "newer schema version",
                Some("upgrade sigma-idp-lint, or take the snapshot again with this version".into()),
            ));
        }
        Some((v, at)) => {
            let shown = match v {
                HeadValue::Scalar { text, plain: true } => text.clone(),
                HeadValue::Scalar { text, plain: false } => format!("'{text}'"),
                HeadValue::Other => "(not a number)".into(),
            };
            return Err(Error::at(
                path,
                text,
                Some(at),
                format!("unsupported schema_version {shown} in {}", path.display()),
                "unsupported schema version",
                Some(format!("this build reads schema_version {SCHEMA_VERSION}")),
            ));
        }
        None => {
            return Err(Error::at(
                path,
                text,
                Some(start),
                format!("{} has no `schema_version:`", path.display()),
                "expected `schema_version: 1`",
                None,
            ));
        }
    }
    let typed = |e: yaml::YamlError| {
        Error::yaml(
            path,
            text,
            e,
            Some(format!("see the `{kind}` snapshot format in the README")),
        )
    };
    let snapshot = match kind {
        Kind::Sigma => Snapshot::Sigma(yaml::stream_from_str(text).map_err(typed)?),
        Kind::Okta => Snapshot::Okta(yaml::stream_from_str(text).map_err(typed)?),
        Kind::Azure => Snapshot::Azure(yaml::stream_from_str(text).map_err(typed)?),
    };
    Ok(LoadedSnapshot {
        path: path.to_path_buf(),
        fingerprint: fingerprint(text),
        snapshot,
    })
}

/// Reads and parses the snapshot file at `path`.
pub fn load(path: &Path) -> Result<LoadedSnapshot> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::usage(
            format!(
                "{} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            Some("snapshots are YAML files written by `sigma-idp-lint snapshot`".into()),
        )
    })?;
    parse(path, &text)
}

/// Loads every snapshot named by `paths`: files, or folders whose `*.yaml` / `*.yml` files are
/// snapshots (read in name order).
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<LoadedSnapshot>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| Error::Read {
                path: p.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && matches!(f.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                })
                .collect();
            if found.is_empty() {
                return Err(Error::usage(
                    format!("{} holds no snapshot files (*.yaml)", p.display()),
                    None,
                ));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    files.iter().map(|f| load(f)).collect()
}

/// Writes `snapshot` to `path` atomically, its lists put in stable order first: a temporary file
/// in the same folder, flushed to disk, then renamed over the old one. On any failure the old
/// file is left as it was. The YAML is written to the file as it is produced, never held whole.
pub fn save(path: &Path, mut snapshot: Snapshot) -> Result<()> {
    snapshot.sort();
    write_atomic_with(path, |out| snapshot.write_yaml(out))
}

/// Replaces `path` with `bytes` atomically (temp file + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// Replaces `path` atomically with what `write` writes (through a buffer) to a temporary file.
fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(werr)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write(&mut out)?;
        let f = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(werr(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_fingerprint_read_in_blocks_equals_the_text_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.yaml");
        // Several read blocks, with a multi-byte character across many block edges.
        let text: String = (0..40_000).map(|i| format!("- é{i}\n")).collect();
        std::fs::write(&path, &text).expect("write");
        assert_eq!(fingerprint_file(&path).expect("read"), fingerprint(&text));
        assert_ne!(fingerprint(&text), fingerprint(&text[1..]));
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("okta.yaml");
        std::fs::write(&path, "old\n").expect("write");
        let err = write_atomic_with(&path, |out| {
            out.write_all(&vec![b'x'; 100_000])?;
            Err(std::io::Error::other("serializer gave up"))
        })
        .expect_err("fails");
        assert!(err.to_string().contains("okta.yaml"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn a_saved_snapshot_is_sorted_and_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sigma.yaml");
        let mut snap: SigmaSnapshot = yaml::stream_from_str(
            &std::fs::read_to_string("fixtures/demo/sigma.yaml").expect("demo"),
        )
        .expect("demo parses");
        snap.account_types.reverse();
        save(&path, Snapshot::Sigma(snap.clone())).expect("saved");
        let back = load(&path).expect("loads");
        snap.sort();
        assert_eq!(back.snapshot, Snapshot::Sigma(snap));
    }

    #[test]
    fn a_prefix_ends_after_a_whole_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.yaml");
        std::fs::write(&path, "a: é\nb: 2\nc: 3\n").expect("write");
        assert_eq!(
            read_prefix(&path, 9).expect("read"),
            ("a: é\n".to_string(), false),
            "cut after the last newline inside the limit"
        );
        assert_eq!(
            read_prefix(&path, 100).expect("read"),
            ("a: é\nb: 2\nc: 3\n".to_string(), true)
        );
    }
}
