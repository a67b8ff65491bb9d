//! The crate's errors. Each is a `miette` diagnostic; input errors point into the file at fault.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::yaml::{Position, YamlError};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// A file we read is malformed or says something we cannot use.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(Box<InputError>),

    #[error("cannot read {}: {source}", path.display())]
    #[diagnostic(code(io))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write {}: {source}", path.display())]
    #[diagnostic(code(io))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    /// The command line asks for something that cannot be done.
    #[error("{message}")]
    #[diagnostic(code(usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A live source could not be fetched completely.
    #[error("{source_name}: {message}")]
    #[diagnostic(code(fetch))]
    Fetch {
        source_name: String,
        message: String,
        #[help]
        help: Option<String>,
    },
}

/// An error at a place in a file, with a code frame.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(input))]
pub struct InputError {
    pub message: String,
    #[help]
    pub help: Option<String>,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
}

impl Error {
    /// The process exit code this error maps to (DESIGN.md: 2 for usage, config and input
    /// errors; 3 for a live source that could not be fetched completely).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Fetch { .. } => 3,
            _ => 2,
        }
    }

    pub fn usage(message: impl Into<String>, help: Option<String>) -> Error {
        Error::Usage {
            message: message.into(),
            help,
        }
    }

    /// An error at `position` in `text`, the contents of `path`.
    pub fn at(
        path: &Path,
        text: &str,
        position: Option<Position>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Error {
        let span = position.map(|p| SourceSpan::from((p.offset, token_len(text, p.offset))));
        Error::Input(Box::new(InputError {
            message: message.into(),
            help,
            src: NamedSource::new(path.display().to_string(), text.to_string()),
            span,
            label: label.into(),
        }))
    }

    /// A YAML error in `path`.
    pub fn yaml(path: &Path, text: &str, err: YamlError, help: Option<String>) -> Error {
        Error::at(
            path,
            text,
            err.position,
            format!("invalid YAML in {}: {}", path.display(), err.message),
            "here",
            help,
        )
    }
}

/// The length in bytes of the YAML scalar token starting at `offset` (a quoted string up to its
/// closing quote, a plain scalar up to the end of the line or a comment), at least one character.
pub fn token_len(text: &str, offset: usize) -> usize {
    let Some(rest) = text.get(offset..) else {
        return 0;
    };
    let line = rest.split('\n').next().unwrap_or("");
    let len = match line.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let mut escaped = false;
            let mut end = line.len();
            for (i, c) in line.char_indices().skip(1) {
                if q == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == q && !escaped {
                    end = i + c.len_utf8();
                    break;
                }
                escaped = false;
            }
            end
        }
        Some(_) => line
            .find(" #")
            .unwrap_or(line.len())
            .min(line.trim_end_matches([' ', '\r']).len()),
        None => 0,
    };
    len.max(rest.chars().next().map_or(0, char::len_utf8).min(1))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::token_len;

    #[test]
    fn token_length_of_quoted_and_plain_scalars() {
        assert_eq!(token_len("\"Essential \" # x\n", 0), 12);
        assert_eq!(token_len("'a''b'\n", 0), 3);
        assert_eq!(token_len("admin   \n", 0), 5);
        assert_eq!(token_len("admin # c\n", 0), 5);
        assert_eq!(token_len("", 0), 0);
    }
}
