//! Every YAML read and write of the crate goes through this module.
//!
//! `serde_yaml` is archived upstream; keeping it behind these few functions means a maintained
//! fork replaces it in one line (`use serde_yaml as backend;`). `yaml-rust2` is used only for its
//! event parser, which reports where each node starts, so findings can point at the exact line and
//! column of a value in a snapshot or config file. Snapshots, which can be tens of megabytes, are
//! read with `serde-saphyr`, whose deserializer streams ([`stream_from_str`]), and all YAML is
//! written with it, so what is written reads back exactly; `serde_yaml` reads configs and generic
//! values.

mod events;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_yaml as backend;

use events::enclosing_mapping;
pub use events::{Head, HeadValue, Locations, read_head};

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
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub(crate) fn position(&self, text: &str, line: usize, column: usize) -> Position {
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

/// Deserializes `text` into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(|e| from_backend(text, &e))
}

/// Deserializes a document that may be large (a snapshot) into `T`, streaming: `serde_yaml`
/// holds every event of a document before deserializing it (several times the text's size),
/// while `serde-saphyr` builds no event list or tree, so a snapshot of 200,000 users costs little
/// more than the values it holds. Snapshots are written by [`to_string`]; the round trip is
/// property-tested. A document that is not YAML at all is reported by its syntax error, not by
/// the first type error the deserializer met before reaching it.
pub fn stream_from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    stream_typed(text).map_err(|e| syntax_error(text).unwrap_or(e))
}

fn stream_typed<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
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

/// The syntax error of a document, if it has one, worded as [`stream_from_str`] words errors: a
/// streaming pass that keeps nothing, run only once something has failed.
fn syntax_error(text: &str) -> Option<YamlError> {
    stream_typed::<serde::de::IgnoredAny>(text).err()
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

/// Deserializes an already parsed value into `T` (errors carry no position).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, YamlError> {
    backend::from_value(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
    })
}

/// Serializes `value` as YAML text, with `serde-saphyr`: what [`stream_from_str`] reads back
/// exactly. (`serde_yaml` writes YAML 1.1, which folds U+2028 and U+2029 as line breaks; a YAML
/// 1.2 reader then reads extra spaces into the value. The property test caught it.)
pub fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    serde_saphyr::to_string(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
    })
}

/// Serializes `value` as YAML into `out` as it goes (the text is never held whole), like
/// [`to_string`].
pub fn to_writer<T: Serialize>(mut out: &mut dyn std::io::Write, value: &T) -> std::io::Result<()> {
    serde_saphyr::to_io_writer(&mut out, value).map_err(|e| match e {
        serde_saphyr::SerializeError::IO { error } => error,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Converts a serializable value into a generic YAML value.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, YamlError> {
    backend::to_value(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
    })
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
    fn a_syntax_error_wins_over_an_earlier_type_error() {
        #[derive(serde::Deserialize, Debug)]
        struct Doc {
            #[serde(rename = "n")]
            _n: u32,
        }
        let err = stream_from_str::<Doc>("n: text\nm: [unclosed\n").expect_err("bad");
        assert!(err.message.contains("unclosed"), "{err:?}");
        assert_eq!(
            err.position.map(|p| (p.line, p.column)),
            Some((2, 4)),
            "{err:?}"
        );
        let err = stream_from_str::<Doc>("n: text\n").expect_err("wrong type");
        assert_eq!(
            err.position.map(|p| (p.line, p.column)),
            Some((1, 4)),
            "{err:?}"
        );
    }

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "a: é\nb: x\n";
        let p = Position::at(text, 1, 4);
        assert_eq!(&text[p.offset..], "é\nb: x\n");
    }

    #[test]
    fn backend_errors_carry_a_position() {
        let err = from_str::<Value>("a: [1, 2\nb: 3\n").expect_err("malformed");
        assert!(err.position.is_some(), "{err:?}");
        assert!(!err.message.contains(" at line "));
    }
}
