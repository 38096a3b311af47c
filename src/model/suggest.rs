//! "Did you mean": the closest known name to a misspelt one.

/// The candidate nearest to `name` by edit distance, if near enough to be a
/// plausible typo (at most a third of the name's length, and at least 1).
/// Ties go to the first candidate in lexical order, so answers are stable.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = distance(&lower, &c.to_lowercase());
        if d > limit {
            continue;
        }
        best = match best {
            Some((bd, bc)) if bd < d || (bd == d && bc <= c) => Some((bd, bc)),
            _ => Some((d, c)),
        };
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let known = ["maintenance_record", "training_record", "qc_internal"];
        assert_eq!(
            closest("maintenance_recrod", known),
            Some("maintenance_record")
        );
        assert_eq!(closest("qc_internl", known), Some("qc_internal"));
        assert_eq!(closest("audit_report", known), None);
        assert_eq!(
            closest("LABELIX:4.3", ["LABELIX:4.2", "LABELIX:4.1"]),
            Some("LABELIX:4.1")
        );
    }
}
