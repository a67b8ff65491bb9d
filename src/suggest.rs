//! "Did you mean" suggestions for mistyped names.

/// The candidate closest to `input` by edit distance, when it is close enough to be a typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_l = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&input_l, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(input.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_only_near_candidates() {
        let ids = ["case-mismatch", "unknown-value"];
        assert_eq!(closest("case-mismach", ids), Some("case-mismatch"));
        assert_eq!(closest("totally-different", ids), None);
    }
}
