//! Walks over `yaml-rust2`'s pull parser: where nodes start, a document's leading keys, the
//! mapping around a node. Each walk stops as soon as it has what it needs, and none holds more
//! than its own answer: a snapshot is tens of megabytes.

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::{LineIndex, Position, YamlError};

/// A document's events with their 1-based positions, pulled one at a time.
struct Events<'a> {
    text: &'a str,
    lines: LineIndex,
    parser: Parser<std::str::Chars<'a>>,
    ended: bool,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Events<'a> {
        Events {
            text,
            lines: LineIndex::new(text),
            parser: Parser::new_from_str(text),
            ended: false,
        }
    }
}

impl Iterator for Events<'_> {
    type Item = Result<(Event, Position), YamlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        match self.parser.next_token() {
            Ok((Event::StreamEnd, _)) => {
                self.ended = true;
                None
            }
            // yaml-rust2 columns are 0-based; the rest of the crate speaks 1-based.
            Ok((ev, mark)) => Some(Ok((
                ev,
                self.lines.position(self.text, mark.line(), mark.col() + 1),
            ))),
            Err(e) => {
                self.ended = true;
                let m = e.marker();
                Some(Err(YamlError {
                    message: e.info().to_string(),
                    position: Some(self.lines.position(self.text, m.line(), m.col() + 1)),
                }))
            }
        }
    }
}

/// Where each node of a YAML document starts, by path (`attribute.enum[2]`, `app_roles[0].value`).
///
/// Paths are kept as 64-bit hashes: an index of a 200,000-user snapshot holds millions of nodes,
/// and their path strings would cost several times the file's size.
#[derive(Debug, Default, Clone)]
pub struct Locations {
    by_path: HashMap<u64, Position>,
}

fn path_key(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

impl Locations {
    /// Indexes `text`. A document the parser rejects is indexed up to the error (the typed parse
    /// reports the error itself).
    pub fn index(text: &str) -> Locations {
        Locations::walk(text, None)
    }

    /// Indexes only the nodes at `wanted` paths: what a few findings need from a large file. The
    /// walk stops once every wanted path is found.
    pub fn index_only<'p>(text: &str, wanted: impl IntoIterator<Item = &'p str>) -> Locations {
        let wanted = wanted.into_iter().map(path_key).collect();
        Locations::walk(text, Some(wanted))
    }

    fn walk(text: &str, mut wanted: Option<HashSet<u64>>) -> Locations {
        let mut by_path = HashMap::new();
        let mut keep = |path: &str, pos: Position| {
            let k = path_key(path);
            match &mut wanted {
                None => {
                    by_path.insert(k, pos);
                }
                Some(w) => {
                    if w.remove(&k) {
                        by_path.insert(k, pos);
                    }
                }
            }
            wanted.as_ref().is_some_and(HashSet::is_empty)
        };
        let mut stack: Vec<Frame> = Vec::new();
        for item in Events::new(text) {
            let Ok((ev, pos)) = item else { break };
            let done = match ev {
                Event::Scalar(value, ..) => match next_path(&mut stack) {
                    Some(path) => keep(&path, pos),
                    None => match stack.last_mut() {
                        Some(Frame::Map { path, key }) => {
                            let key_path = format!("{}#key", join(path, &value));
                            *key = Some(value);
                            keep(&key_path, pos)
                        }
                        _ => false,
                    },
                },
                Event::Alias(_) => next_path(&mut stack).is_some_and(|p| keep(&p, pos)),
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    // A collection used as a mapping key is not something our files contain;
                    // index it under a placeholder path so the walk stays consistent.
                    let path = next_path(&mut stack).unwrap_or_else(|| "#complex-key".into());
                    let done = keep(&path, pos);
                    stack.push(if matches!(ev, Event::SequenceStart(..)) {
                        Frame::Seq { path, next: 0 }
                    } else {
                        Frame::Map { path, key: None }
                    });
                    done
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    stack.pop();
                    false
                }
                _ => false,
            };
            if done {
                break;
            }
        }
        Locations { by_path }
    }

    /// The start of the node at `path`.
    pub fn get(&self, path: &str) -> Option<Position> {
        self.by_path.get(&path_key(path)).copied()
    }

    /// The start of the key `path` in its mapping (`path` ends with the key), falling back to the
    /// node itself.
    pub fn key(&self, path: &str) -> Option<Position> {
        self.by_path
            .get(&path_key(&format!("{path}#key")))
            .or_else(|| self.by_path.get(&path_key(path)))
            .copied()
    }
}

enum Frame {
    Seq { path: String, next: usize },
    Map { path: String, key: Option<String> },
}

/// The path of the node about to start, or `None` when the event is a mapping key.
fn next_path(stack: &mut [Frame]) -> Option<String> {
    match stack.last_mut() {
        None => Some(String::new()),
        Some(Frame::Seq { path, next }) => {
            let p = format!("{path}[{next}]");
            *next += 1;
            Some(p)
        }
        Some(Frame::Map { path, key }) => key.take().map(|k| join(path, &k)),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The value of a top-level key, as [`read_head`] saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadValue {
    /// A scalar: its text, and whether it was plain (unquoted, so possibly a number).
    Scalar { text: String, plain: bool },
    /// A sequence, mapping or alias.
    Other,
}

/// The start of a document: the values of the top-level keys asked for, or what the document
/// is when it is not a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A mapping: each key asked for that it holds, with its value and where the value starts.
    Mapping {
        start: Position,
        found: Vec<(String, HeadValue, Position)>,
    },
    /// A scalar or sequence document (or none at all), starting at `start`.
    NotMapping { start: Position },
}

/// Reads the top-level `keys` of a mapping document without parsing the rest: the walk stops
/// once it has them all, and skips nested collections without building them. Snapshots start
/// with `kind` and `schema_version`, so this reads two lines of a file of any size.
pub fn read_head(text: &str, keys: &[&str]) -> Result<Head, YamlError> {
    // Syntax errors are worded as the typed parse words them.
    walk_head(text, keys).map_err(|e| super::syntax_error(text).unwrap_or(e))
}

fn walk_head(text: &str, keys: &[&str]) -> Result<Head, YamlError> {
    let start_of_text = Position {
        line: 1,
        column: 1,
        offset: 0,
    };
    let mut events = Events::new(text);
    // The root node.
    let start = loop {
        match events.next().transpose()? {
            Some((Event::StreamStart | Event::DocumentStart, _)) => continue,
            Some((Event::MappingStart(..), pos)) => break pos,
            Some((_, pos)) => return Ok(Head::NotMapping { start: pos }),
            None => {
                return Ok(Head::NotMapping {
                    start: start_of_text,
                });
            }
        }
    };
    let mut found = Vec::new();
    // yaml-rust2 marks a block mapping at its first key: the first event inside is the start.
    let mut first = None;
    while let Some((key, key_pos)) = events.next().transpose()? {
        first.get_or_insert(key_pos);
        let key = match key {
            Event::MappingEnd => break,
            Event::Scalar(k, ..) => Some(k),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                skip_collection(&mut events)?;
                None
            }
            _ => None,
        };
        let Some((value, value_pos)) = events.next().transpose()? else {
            break;
        };
        let value = match value {
            Event::Scalar(text, style, ..) => HeadValue::Scalar {
                text,
                plain: style == TScalarStyle::Plain,
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                skip_collection(&mut events)?;
                HeadValue::Other
            }
            _ => HeadValue::Other,
        };
        if let Some(k) = key.filter(|k| keys.contains(&k.as_str())) {
            found.push((k, value, value_pos));
            if keys.iter().all(|k| found.iter().any(|(f, ..)| f == k)) {
                break;
            }
        }
    }
    Ok(Head::Mapping {
        start: first.unwrap_or(start),
        found,
    })
}

/// Consumes the events of a collection whose start event was just read.
fn skip_collection(events: &mut Events<'_>) -> Result<(), YamlError> {
    let mut depth = 1usize;
    while depth > 0 {
        match events.next().transpose()? {
            Some((Event::SequenceStart(..) | Event::MappingStart(..), _)) => depth += 1,
            Some((Event::SequenceEnd | Event::MappingEnd, _)) => depth -= 1,
            Some(_) => {}
            None => break,
        }
    }
    Ok(())
}

/// The start of the innermost mapping holding the node that starts at `at`.
pub(super) fn enclosing_mapping(text: &str, at: Position) -> Option<Position> {
    // Open collections: the start of each mapping (its first key), `None` for a sequence.
    let mut open: Vec<Option<Position>> = Vec::new();
    let mut first_key = false;
    for item in Events::new(text) {
        let Ok((ev, pos)) = item else { break };
        if std::mem::take(&mut first_key)
            && let Some(start) = open.last_mut()
        {
            *start = Some(pos);
        }
        if pos.offset == at.offset {
            return open.last().copied().flatten();
        }
        match ev {
            Event::MappingStart(..) => {
                open.push(Some(pos));
                first_key = true;
            }
            Event::SequenceStart(..) => open.push(None),
            Event::MappingEnd | Event::SequenceEnd => {
                open.pop();
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_reads_leading_keys_and_stops() {
        // The body after the header is broken: a walk that went on would fail.
        let text = "kind: okta\nschema_version: 1\nattribute: [unclosed\n";
        let head = read_head(text, &["kind", "schema_version"]).expect("head");
        let Head::Mapping { start, found } = head else {
            panic!("a mapping: {head:?}");
        };
        assert_eq!((start.line, start.column), (1, 1));
        assert_eq!(
            found,
            vec![
                (
                    "kind".to_string(),
                    HeadValue::Scalar {
                        text: "okta".into(),
                        plain: true
                    },
                    Position::at(text, 1, 7)
                ),
                (
                    "schema_version".to_string(),
                    HeadValue::Scalar {
                        text: "1".into(),
                        plain: true
                    },
                    Position::at(text, 2, 17)
                ),
            ]
        );
    }

    #[test]
    fn head_skips_nested_collections_and_tells_quoted_from_plain() {
        let text = "app: {id: 1, roles: [a, [b]]}\nkind: [x]\nschema_version: '1'\n";
        let Head::Mapping { found, .. } = read_head(text, &["kind", "schema_version"]).expect("ok")
        else {
            panic!("a mapping");
        };
        assert_eq!(found[0].1, HeadValue::Other);
        assert_eq!(
            found[1].1,
            HeadValue::Scalar {
                text: "1".into(),
                plain: false
            }
        );
    }

    #[test]
    fn head_of_documents_that_are_not_mappings() {
        for (text, line) in [("- a\n- b\n", 1), ("", 1), ("# only\n\nplain\n", 3)] {
            match read_head(text, &["kind"]).expect("valid YAML") {
                Head::NotMapping { start } => assert_eq!(start.line, line, "{text:?}"),
                other => panic!("{text:?}: {other:?}"),
            }
        }
        let err = read_head("kind: [a\n", &["kind"]).expect_err("unclosed");
        assert!(err.position.is_some());
    }

    #[test]
    fn index_only_finds_nodes_before_a_syntax_error() {
        let text = "a:\n  - x\n  - y\nb: [unclosed\n";
        let only = Locations::index_only(text, ["a[1]"]);
        let p = only.get("a[1]").expect("found");
        assert_eq!((p.line, p.column), (3, 5));
    }
}
