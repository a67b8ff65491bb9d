//! How an IdP value compares with the SCIM values Sigma expects.
//!
//! Every value is classified once, most specific explanation first:
//! exact → whitespace → case → confusable → legacy alias → unknown. A value that needs several
//! steps is filed under the first and names every difference.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// The legacy default aliases Sigma may still accept (`author`, `explorer` from old setups).
pub const LEGACY_ALIASES: [&str; 4] = ["viewer", "creator", "author", "explorer"];

/// One way a value differs from what Sigma expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Difference {
    Whitespace,
    Case,
    Confusable,
}

impl Difference {
    pub fn describe(self) -> &'static str {
        match self {
            Difference::Whitespace => "invisible or extra whitespace",
            Difference::Case => "letter case",
            Difference::Confusable => "look-alike (confusable) characters",
        }
    }
}

/// The verdict on one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Equal to the expected value of account type `target`.
    Exact { target: usize },
    /// Equal to `target`'s expected value only after the listed differences are undone; the first
    /// difference names the rule.
    Near {
        target: usize,
        differences: Vec<Difference>,
    },
    /// A legacy default alias that is no account type of the org.
    Legacy {
        alias: &'static str,
        differences: Vec<Difference>,
    },
    /// Matches nothing; `suggestion` is the nearest account type when one is close.
    Unknown {
        suggestion: Option<usize>,
        differences: Vec<Difference>,
    },
}

impl Verdict {
    /// The account type this value is meant for, when it can be told.
    pub fn target(&self) -> Option<usize> {
        match self {
            Verdict::Exact { target } | Verdict::Near { target, .. } => Some(*target),
            _ => None,
        }
    }
}

/// The expected values of an org's account types, indexed for constant-time lookups at every
/// step of the ladder.
#[derive(Debug, Default, Clone)]
pub struct Expectations {
    expected: Vec<String>,
    exact: HashMap<String, usize>,
    lower: HashMap<String, usize>,
    folded: HashMap<String, usize>,
    folded_lower: HashMap<String, usize>,
}

/// Removes invisible characters, turns every kind of space into a plain one, collapses runs and
/// trims both ends.
pub fn clean_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// Characters that render as nothing: zero-width spaces and joiners, the BOM, soft hyphen,
/// bidirectional controls and other format or control characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{E0000}'..='\u{E007F}')
        || (c.is_control() && !c.is_whitespace())
}

/// True when `s` holds whitespace or invisible characters that `clean_whitespace` would change.
pub fn has_whitespace_issue(s: &str) -> bool {
    clean_whitespace(s) != s
}

/// Unicode NFKC, then the UTS #39 confusable skeleton.
fn fold(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    skeleton(&nfkc).collect()
}

impl Expectations {
    /// Indexes `expected` (one expected SCIM value per account type, same order).
    pub fn new(expected: Vec<String>) -> Expectations {
        let mut e = Expectations::default();
        for (i, v) in expected.iter().enumerate() {
            e.exact.entry(v.clone()).or_insert(i);
            e.lower.entry(v.to_lowercase()).or_insert(i);
            e.folded.entry(fold(v)).or_insert(i);
            e.folded_lower.entry(fold(&v.to_lowercase())).or_insert(i);
        }
        e.expected = expected;
        e
    }

    pub fn expected(&self, i: usize) -> &str {
        &self.expected[i]
    }

    /// Looks `s` up at every step but whitespace.
    fn loose(&self, s: &str) -> Option<(usize, Vec<Difference>)> {
        if let Some(&i) = self.exact.get(s) {
            return Some((i, vec![]));
        }
        if let Some(&i) = self.lower.get(&s.to_lowercase()) {
            return Some((i, vec![Difference::Case]));
        }
        if let Some(&i) = self.folded.get(&fold(s)) {
            return Some((i, vec![Difference::Confusable]));
        }
        if let Some(&i) = self.folded_lower.get(&fold(&s.to_lowercase())) {
            return Some((i, vec![Difference::Confusable, Difference::Case]));
        }
        None
    }

    /// Classifies one IdP value.
    pub fn classify(&self, value: &str) -> Verdict {
        if let Some(&target) = self.exact.get(value) {
            return Verdict::Exact { target };
        }
        let cleaned = clean_whitespace(value);
        let ws = cleaned != value;
        if ws && let Some((target, mut d)) = self.loose(&cleaned) {
            d.insert(0, Difference::Whitespace);
            return Verdict::Near {
                target,
                differences: d,
            };
        }
        if let Some((target, differences)) = self.loose(value) {
            return Verdict::Near {
                target,
                differences,
            };
        }
        let mut differences = Vec::new();
        if ws {
            differences.push(Difference::Whitespace);
        }
        let lower = cleaned.to_lowercase();
        if let Some(alias) = LEGACY_ALIASES
            .iter()
            .find(|a| **a == lower || **a == fold(&lower))
        {
            if cleaned != *alias {
                differences.push(if lower == *alias {
                    Difference::Case
                } else {
                    Difference::Confusable
                });
            }
            return Verdict::Legacy { alias, differences };
        }
        Verdict::Unknown {
            suggestion: self.nearest(&cleaned),
            differences,
        }
    }

    /// The account type whose expected value is nearest to `value`, when it is close enough to be
    /// a typo (edit distance at most a third of the length, at least 2).
    fn nearest(&self, value: &str) -> Option<usize> {
        let v = value.to_lowercase();
        self.expected
            .iter()
            .enumerate()
            .map(|(i, e)| (strsim::levenshtein(&v, &e.to_lowercase()), i))
            .filter(|(d, i)| {
                let len = self.expected[*i].chars().count().max(v.chars().count());
                *d <= (len / 3).max(2)
            })
            .min()
            .map(|(_, i)| i)
    }
}

/// Renders `s` so that every invisible or unusual character is visible: printable ASCII stays,
/// everything else (NBSP, tabs, zero-width, Cyrillic letters...) becomes `\u{XXXX}`.
pub fn escape_visible(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex() -> Expectations {
        Expectations::new(vec![
            "admin".into(),
            "essential".into(),
            "Data Analyst".into(),
            "Café Ops".into(),
        ])
    }

    #[test]
    fn ladder_picks_the_most_specific_step() {
        let e = ex();
        assert_eq!(e.classify("admin"), Verdict::Exact { target: 0 });
        assert_eq!(
            e.classify("Essential"),
            Verdict::Near {
                target: 1,
                differences: vec![Difference::Case]
            }
        );
        assert_eq!(
            e.classify("Essential "),
            Verdict::Near {
                target: 1,
                differences: vec![Difference::Whitespace, Difference::Case]
            }
        );
        assert_eq!(
            e.classify("Data\u{A0}Analyst"),
            Verdict::Near {
                target: 2,
                differences: vec![Difference::Whitespace]
            }
        );
        assert_eq!(
            e.classify("Data Anal\u{200B}yst"),
            Verdict::Near {
                target: 2,
                differences: vec![Difference::Whitespace]
            }
        );
        // Cyrillic а (U+0430) in place of Latin a.
        assert_eq!(
            e.classify("\u{0430}dmin"),
            Verdict::Near {
                target: 0,
                differences: vec![Difference::Confusable]
            }
        );
        // NFD accent against the NFC name.
        assert_eq!(
            e.classify("Cafe\u{301} Ops"),
            Verdict::Near {
                target: 3,
                differences: vec![Difference::Confusable]
            }
        );
        // Fullwidth letters.
        assert!(matches!(
            e.classify("ａｄｍｉｎ"),
            Verdict::Near { target: 0, .. }
        ));
        assert_eq!(
            e.classify("viewer"),
            Verdict::Legacy {
                alias: "viewer",
                differences: vec![]
            }
        );
        assert_eq!(
            e.classify("Essentail"),
            Verdict::Unknown {
                suggestion: Some(1),
                differences: vec![]
            }
        );
        assert_eq!(
            e.classify("zzzzzzzz"),
            Verdict::Unknown {
                suggestion: None,
                differences: vec![]
            }
        );
    }

    #[test]
    fn escapes_invisible_and_non_ascii_characters() {
        assert_eq!(escape_visible("a\u{A0}b\u{200B}"), "a\\u{00A0}b\\u{200B}");
        assert_eq!(escape_visible("\u{0430}dmin "), "\\u{0430}dmin ");
    }
}
