//! A character-level diff of the value sent against the value expected, with invisible
//! characters made visible.

use owo_colors::OwoColorize;
use similar::{ChangeTag, TextDiff};

use crate::matching::escape_visible;

/// `sent` and `expected`, escaped, with the differing characters marked: coloured when `color`,
/// else as `[-removed-]` and `{+added+}`.
pub fn inline(sent: &str, expected: &str, color: bool) -> String {
    let (a, b) = (escape_visible(sent), escape_visible(expected));
    let diff = TextDiff::from_chars(a.as_str(), b.as_str());
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        match (change.tag(), color) {
            (ChangeTag::Equal, _) => out.push_str(text),
            (ChangeTag::Delete, true) => {
                out.push_str(&text.red().bold().strikethrough().to_string())
            }
            (ChangeTag::Insert, true) => out.push_str(&text.green().bold().underline().to_string()),
            (ChangeTag::Delete, false) => out.push_str(&format!("[-{text}-]")),
            (ChangeTag::Insert, false) => out.push_str(&format!("{{+{text}+}}")),
        }
    }
    // Merge adjacent markers from per-character changes: `[-a-][-b-]` → `[-ab-]`.
    out.replace("-][-", "").replace("+}{+", "")
}

#[cfg(test)]
mod tests {
    use super::inline;

    #[test]
    fn marks_case_and_invisible_differences() {
        assert_eq!(
            inline("Essential ", "essential", false),
            "[-E-]{+e+}ssential[- -]"
        );
        assert_eq!(
            inline("\u{0430}dmin", "admin", false),
            "[-\\u{0430}-]{+a+}dmin"
        );
    }
}
