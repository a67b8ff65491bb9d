//! Every YAML read and write of the crate goes through this module.
//!
//! `serde_yaml` is archived upstream; keeping it behind these few functions means a maintained
//! fork replaces it in one line (`use serde_yaml as backend;`). `yaml-rust2` is used only for its
//! event parser, which reports where each node starts, so findings can point at the exact line and
//! column of a value in a snapshot or config file. Snapshots, which can be tens of megabytes, are
//! read with `serde-saphyr`, whose deserializer streams ([`stream_from_str`]).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_yaml as backend;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A generic YAML value, for code that must inspect a document before it knows its type.
pub type Value = backend::Value;
/// A YAML mapping.
pub type Mapping = backend::Mapping;

/// A position in a text file: 1-based line and column (in characters), plus the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub offset: usize,
}

impl Position {
    /// The position of a 1-based line and column in `text`.
    pub fn at(text: &str, line: usize, column: usize) -> Position {
        LineIndex::new(text).position(text, line, column)
    }
}

/// Byte offsets of line starts, so positions are found without rescanning the text.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn position(&self, text: &str, line: usize, column: usize) -> Position {
        let Some(&start) = line.checked_sub(1).and_then(|l| self.starts.get(l)) else {
            return Position {
                line,
                column,
                offset: text.len(),
            };
        };
        let in_line: usize = text[start..]
            .chars()
            .take_while(|c| *c != '\n')
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        Position {
            line,
            column,
            offset: start + in_line,
        }
    }
}

/// A YAML syntax or shape error, with the position it refers to when the parser knows one.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub position: Option<Position>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn from_backend(text: &str, err: &backend::Error) -> YamlError {
    let position = err
        .location()
        .map(|loc| Position::at(text, loc.line(), loc.column()));
    // serde_yaml appends " at line L column C" to its messages; the position is reported apart.
    let message = err.to_string();
    let message = match message.find(" at line ") {
        Some(i) if position.is_some() => message[..i].to_string(),
        _ => message,
    };
    YamlError { message, position }
}

/// Parses `text` as a generic YAML value.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    backend::from_str(text).map_err(|e| from_backend(text, &e))
}

/// Deserializes `text` into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(|e| from_backend(text, &e))
}

/// Deserializes a document that may be large (a snapshot) into `T`, streaming: `serde_yaml`
/// holds every event of a document before deserializing it (several times the text's size),
/// while `serde-saphyr` builds no event list or tree, so a snapshot of 200,000 users costs little
/// more than the values it holds. Snapshots are written by [`to_string`]; the round trip is
/// property-tested.
pub fn stream_from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // The default budget is sized for config files; a snapshot holds a few events per byte at
    // most, so the limits scale with the input while aliases stay capped.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = budget.max_events.max(text.len());
    budget.max_nodes = budget.max_nodes.max(text.len());
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(text.len());
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // YAML 1.2 booleans only, as serde_yaml (and our writer) use; `yes` stays a string.
    options.strict_booleans = true;
    // The caller renders its own code frame from the position.
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| from_streaming(text, &e))
}

fn from_streaming(text: &str, err: &serde_saphyr::Error) -> YamlError {
    use serde_saphyr::MessageFormatter;
    let err = err.without_snippet();
    let mut position = err.location().and_then(|loc| {
        let line = usize::try_from(loc.line()).ok()?;
        let column = usize::try_from(loc.column()).ok()?;
        (line > 0).then(|| Position::at(text, line, column.max(1)))
    });
    // A missing field is reported at the mapping's last key; the mapping that lacks it is what
    // the reader needs to see.
    if let serde_saphyr::Error::SerdeMissingField { .. } = err
        && let Some(at) = position
    {
        position = enclosing_mapping(text, at).or(position);
    }
    YamlError {
        message: serde_saphyr::UserMessageFormatter
            .format_message(err)
            .into_owned(),
        position,
    }
}

/// The start of the innermost mapping holding the node that starts at `at`.
fn enclosing_mapping(text: &str, at: Position) -> Option<Position> {
    struct Finder<'a> {
        text: &'a str,
        lines: LineIndex,
        at: Position,
        /// Open collections: the start of each mapping (its first key: yaml-rust2 marks a block
        /// mapping after its first key), `None` for a sequence.
        open: Vec<Option<Position>>,
        /// Whether the innermost mapping has yet to see its first key.
        first_key: bool,
        found: Option<Position>,
    }
    impl MarkedEventReceiver for Finder<'_> {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            let pos = self.lines.position(self.text, mark.line(), mark.col() + 1);
            if std::mem::take(&mut self.first_key)
                && let Some(start) = self.open.last_mut()
            {
                *start = Some(pos);
            }
            if self.found.is_none() && pos.offset == self.at.offset {
                self.found = self.open.last().copied().flatten();
            }
            match ev {
                Event::MappingStart(..) => {
                    self.open.push(Some(pos));
                    self.first_key = true;
                }
                Event::SequenceStart(..) => self.open.push(None),
                Event::MappingEnd | Event::SequenceEnd => {
                    self.open.pop();
                }
                _ => {}
            }
        }
    }
    let mut finder = Finder {
        text,
        lines: LineIndex::new(text),
        at,
        open: Vec::new(),
        first_key: false,
        found: None,
    };
    let _ = Parser::new_from_str(text).load(&mut finder, false);
    finder.found
}

/// Deserializes an already parsed value into `T` (errors carry no position).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, YamlError> {
    backend::from_value(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
    })
}

/// Serializes `value` as YAML text.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
    })
}

/// Converts a serializable value into a generic YAML value.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, YamlError> {
    backend::to_value(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
    })
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
    /// Indexes `text`. A document the event parser rejects yields an empty index (the typed
    /// parse reports the error itself).
    pub fn index(text: &str) -> Locations {
        Locations::walk(text, None)
    }

    /// Indexes only the nodes at `wanted` paths: what a few findings need from a large file,
    /// without holding a position for each of its millions of nodes.
    pub fn index_only<'p>(text: &str, wanted: impl IntoIterator<Item = &'p str>) -> Locations {
        let wanted = wanted.into_iter().map(path_key).collect();
        Locations::walk(text, Some(wanted))
    }

    fn walk(text: &str, wanted: Option<HashSet<u64>>) -> Locations {
        let mut recv = Indexer {
            text,
            lines: LineIndex::new(text),
            wanted,
            stack: Vec::new(),
            by_path: HashMap::new(),
        };
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut recv, false);
        Locations {
            by_path: recv.by_path,
        }
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

struct Indexer<'a> {
    text: &'a str,
    lines: LineIndex,
    /// When set, only these paths are kept.
    wanted: Option<HashSet<u64>>,
    stack: Vec<Frame>,
    by_path: HashMap<u64, Position>,
}

impl Indexer<'_> {
    /// The path of the node about to start, or `None` when the event is a mapping key.
    fn next_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some(p)
            }
            Some(Frame::Map { path, key }) => key.take().map(|k| join(path, &k)),
        }
    }

    fn keep(&mut self, path: &str, pos: Position) {
        let k = path_key(path);
        if self.wanted.as_ref().is_none_or(|w| w.contains(&k)) {
            self.by_path.insert(k, pos);
        }
    }

    fn position(&self, mark: Marker) -> Position {
        // yaml-rust2 columns are 0-based; the rest of the crate speaks 1-based.
        self.lines.position(self.text, mark.line(), mark.col() + 1)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Indexer<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = self.position(mark);
        match ev {
            Event::Scalar(text, ..) => match self.next_path() {
                Some(path) => {
                    self.keep(&path, pos);
                }
                None => {
                    if let Some(Frame::Map { path, key }) = self.stack.last_mut() {
                        let key_path = format!("{}#key", join(path, &text));
                        *key = Some(text);
                        self.keep(&key_path, pos);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.next_path() {
                    self.keep(&path, pos);
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                // A collection used as a mapping key is not something our files contain; index it
                // under a placeholder path so the walk stays consistent.
                let path = self.next_path().unwrap_or_else(|| "#complex-key".into());
                self.keep(&path, pos);
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq { path, next: 0 }
                } else {
                    Frame::Map { path, key: None }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_nested_paths_with_one_based_positions() {
        let text = "kind: okta\nattribute:\n  enum:\n    - admin\n    - \"Essential \"\n";
        let loc = Locations::index(text);
        let p = loc.get("attribute.enum[1]").expect("indexed");
        assert_eq!((p.line, p.column), (5, 7));
        assert_eq!(&text[p.offset..p.offset + 1], "\"");
        let k = loc.key("attribute").expect("key");
        assert_eq!((k.line, k.column), (2, 1));

        let only = Locations::index_only(text, ["attribute.enum[1]"]);
        assert_eq!(only.get("attribute.enum[1]"), Some(p));
        assert_eq!(only.get("attribute.enum[0]"), None, "not wanted, not kept");
    }

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "a: é\nb: x\n";
        let p = Position::at(text, 1, 4);
        assert_eq!(&text[p.offset..], "é\nb: x\n");
    }

    #[test]
    fn backend_errors_carry_a_position() {
        let err = parse_value("a: [1, 2\nb: 3\n").expect_err("malformed");
        assert!(err.position.is_some(), "{err:?}");
        assert!(!err.message.contains(" at line "));
    }
}
