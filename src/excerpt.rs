//! A few lines of a file around a finding: what a code frame shows, kept instead of the file.
//!
//! A 200,000-user snapshot is tens of megabytes; holding every file's text until the report is
//! written would cost as much again as the snapshots themselves. When locations are resolved,
//! each keeps the lines around it, and the reporters draw their frames from those.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::error::token_len;
use crate::yaml::Position;

/// Lines of context kept on each side of the located line (frames show fewer).
pub const CONTEXT_LINES: usize = 3;

/// The lines of a file around one place, with where they sit in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// Byte offset in the file of the excerpt's first byte.
    start: usize,
    /// 0-based line number of the excerpt's first line.
    first_line: usize,
    text: String,
    /// Length in bytes of the token at the place (a quoted scalar, a plain word).
    token_len: usize,
}

impl Excerpt {
    /// The lines around `at` in `text`, the file's text (or a prefix of it that holds them).
    pub fn around(text: &str, at: Position) -> Excerpt {
        let offset = at.offset.min(text.len());
        let mut start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let mut first_line = at.line.saturating_sub(1);
        for _ in 0..CONTEXT_LINES {
            if start == 0 {
                break;
            }
            start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
            first_line = first_line.saturating_sub(1);
        }
        let mut end = offset;
        for _ in 0..=CONTEXT_LINES {
            match text[end..].find('\n') {
                Some(i) => end += i + 1,
                None => {
                    end = text.len();
                    break;
                }
            }
        }
        Excerpt {
            start,
            first_line,
            text: text[start..end].to_string(),
            token_len: token_len(text, offset),
        }
    }

    /// The span of the token at `offset` (a file offset), to label in a frame.
    pub fn span_at(&self, offset: usize) -> SourceSpan {
        SourceSpan::from((offset, self.token_len))
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = span
            .offset()
            .checked_sub(self.start)
            .ok_or(MietteError::OutOfBounds)?;
        let inner = self.text.as_str().read_span(
            &SourceSpan::from((local, span.len())),
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::from((inner.span().offset() + self.start, inner.span().len())),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_from_an_excerpt_match_frames_from_the_whole_file() {
        let text: String = (1..=40).map(|i| format!("line{i}: \"v{i}\"\n")).collect();
        let offset = text.find("\"v20\"").expect("present");
        let excerpt = Excerpt::around(&text, Position::at(&text, 20, 9));
        assert_eq!(Position::at(&text, 20, 9).offset, offset);
        assert!(excerpt.text.starts_with("line17:") && excerpt.text.ends_with("line23: \"v23\"\n"));
        assert_eq!(excerpt.first_line, 16);

        let span = excerpt.span_at(offset);
        assert_eq!(span.len(), 5, "the quoted scalar");
        let whole = text.read_span(&span, 1, 1).expect("whole");
        let part = excerpt.read_span(&span, 1, 1).expect("excerpt");
        assert_eq!(part.data(), whole.data());
        assert_eq!(
            (part.line(), part.column(), part.span().offset()),
            (whole.line(), whole.column(), whole.span().offset())
        );
    }

    #[test]
    fn excerpts_at_the_edges_of_a_file() {
        let text = "a: 1\nb: 2";
        let first = Excerpt::around(text, Position::at(text, 1, 1));
        assert_eq!(
            (first.start, first.first_line, first.text.as_str()),
            (0, 0, text)
        );
        let last = Excerpt::around(text, Position::at(text, 2, 5));
        assert_eq!(last.text, text);
        assert!(last.read_span(&SourceSpan::from((0, 1)), 0, 0).is_ok());
    }
}
