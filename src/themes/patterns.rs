//! Diagnostics of the theme dictionary, for the `theme_patterns` table: how often each pattern
//! matched, in how many units, which words it caught, and which other themes claimed the
//! same tokens.
//!
//! Input: the theme hits of each unit (from `themes`). Output: additive [`PatternStatsTable`]
//! (merge shards by summing; a unit must be added to one shard only) and [`PatternRow`]s for
//! every pattern of the dictionary, in dictionary order, including patterns that never matched
//! (so dead patterns show up).
//!
//! "Shared with": a hit of pattern P (theme T) is shared with theme U ≠ T when its byte span
//! overlaps a hit of U in the same unit. Counting these per pattern shows where two themes
//! claim the same words (e.g. `forced labour` in both `trafficking` and `labour`), which is
//! where theme co-occurrence is partly by construction.
//!
//! This module does not match anything and does not know group names.

use std::collections::BTreeMap;

use super::{ThemeDictionary, ThemeHit};

/// Additive statistics of one (theme, pattern).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PatternStats {
    /// Hits of the pattern.
    pub hits: u64,
    /// Units with at least one hit of the pattern.
    pub units: u64,
    /// Hits by matched term (token norms joined by one space).
    pub matched_terms: BTreeMap<String, u64>,
    /// Hits of this pattern that overlap a hit of another theme, by that theme.
    pub shared_with: BTreeMap<u16, u64>,
}

impl PatternStats {
    /// Adds another pattern's statistics to these.
    pub fn merge(&mut self, other: &PatternStats) {
        self.hits += other.hits;
        self.units += other.units;
        for (term, &n) in &other.matched_terms {
            *self.matched_terms.entry(term.clone()).or_default() += n;
        }
        for (&theme, &n) in &other.shared_with {
            *self.shared_with.entry(theme).or_default() += n;
        }
    }
}

/// [`PatternStats`] of every (theme, pattern) that matched.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PatternStatsTable {
    /// Statistics by `(theme, pattern)` indices.
    pub by_pattern: BTreeMap<(u16, u16), PatternStats>,
}

impl PatternStatsTable {
    /// Empty statistics.
    pub fn new() -> PatternStatsTable {
        PatternStatsTable::default()
    }

    /// Adds the hits of one unit (sorted by start, as `ThemeMatcher::find` returns them).
    pub fn add_unit(&mut self, hits: &[ThemeHit]) {
        let mut unit: BTreeMap<(u16, u16), PatternStats> = BTreeMap::new();
        for hit in hits {
            let stats = unit.entry((hit.theme, hit.pattern)).or_default();
            stats.hits += 1;
            *stats.matched_terms.entry(hit.term.clone()).or_default() += 1;
        }
        // Overlaps between hits of different themes: for sorted hits, every overlapping pair
        // (i, j) with i < j has start_j < end_i.
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| (hits[i].start_byte, hits[i].theme));
        for (k, &i) in order.iter().enumerate() {
            let a = &hits[i];
            for &j in &order[k + 1..] {
                let b = &hits[j];
                if b.start_byte >= a.end_byte {
                    break;
                }
                if a.theme != b.theme {
                    let pa = unit.entry((a.theme, a.pattern)).or_default();
                    *pa.shared_with.entry(b.theme).or_default() += 1;
                    let pb = unit.entry((b.theme, b.pattern)).or_default();
                    *pb.shared_with.entry(a.theme).or_default() += 1;
                }
            }
        }
        for (key, mut stats) in unit {
            stats.units = 1;
            self.by_pattern.entry(key).or_default().merge(&stats);
        }
    }

    /// Adds another table to this one.
    pub fn merge(&mut self, other: &PatternStatsTable) {
        for (&key, stats) in &other.by_pattern {
            self.by_pattern.entry(key).or_default().merge(stats);
        }
    }

    /// One row per pattern of `dictionary`, in dictionary order (theme, then pattern).
    pub fn rows(&self, dictionary: &ThemeDictionary) -> Vec<PatternRow> {
        let empty = PatternStats::default();
        let mut rows = Vec::new();
        for (t, theme) in dictionary.themes().iter().enumerate() {
            for (p, pattern) in theme.patterns().iter().enumerate() {
                let (Ok(t16), Ok(p16)) = (u16::try_from(t), u16::try_from(p)) else {
                    continue;
                };
                let stats = self.by_pattern.get(&(t16, p16)).unwrap_or(&empty);
                let shared_with = stats
                    .shared_with
                    .iter()
                    .map(|(&other, &n)| {
                        let name = dictionary
                            .themes()
                            .get(usize::from(other))
                            .map_or("?", |theme| theme.name());
                        (name.to_owned(), n)
                    })
                    .collect::<BTreeMap<String, u64>>();
                rows.push(PatternRow {
                    theme: theme.name().to_owned(),
                    pattern: pattern.text().to_owned(),
                    language: pattern.language().map(str::to_owned),
                    hits: stats.hits,
                    units: stats.units,
                    matched_terms: format_counts(&stats.matched_terms),
                    shared_with: format_counts(&shared_with),
                });
            }
        }
        rows
    }
}

/// One row of the `theme_patterns` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternRow {
    /// Theme name.
    pub theme: String,
    /// The normalised pattern.
    pub pattern: String,
    /// The language the pattern is restricted to, if any.
    pub language: Option<String>,
    /// Hits.
    pub hits: u64,
    /// Units with at least one hit.
    pub units: u64,
    /// Matched terms with counts, most frequent first: `"trafficking (12); trafficked (3)"`.
    pub matched_terms: String,
    /// Other themes claiming the same tokens, with counts, most frequent first.
    pub shared_with: String,
}

/// `"key (n); key (n)"`, by count descending, then key.
pub fn format_counts(counts: &BTreeMap<String, u64>) -> String {
    let mut items: Vec<(&String, &u64)> = counts.iter().collect();
    items.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    items
        .iter()
        .map(|(key, n)| format!("{key} ({n})"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(theme: u16, pattern: u16, term: &str, start: usize, end: usize) -> ThemeHit {
        ThemeHit {
            sentence_index: 0,
            theme,
            pattern,
            term: term.to_owned(),
            start_byte: start,
            end_byte: end,
        }
    }

    #[test]
    fn counts_units_terms_and_overlaps() {
        // "forced labour" claimed by theme 0 (pattern 3) and theme 2 (pattern 1, "labour" only).
        let unit_a = [
            hit(0, 3, "forced labour", 0, 13),
            hit(2, 1, "labour", 7, 13),
            hit(0, 0, "trafficking", 20, 31),
            hit(0, 0, "trafficked", 40, 50),
        ];
        let unit_b = [hit(0, 0, "trafficking", 0, 11)];
        let mut table = PatternStatsTable::new();
        table.add_unit(&unit_a);
        let mut other = PatternStatsTable::new();
        other.add_unit(&unit_b);
        table.merge(&other);
        let p00 = &table.by_pattern[&(0, 0)];
        assert_eq!((p00.hits, p00.units), (3, 2), "{p00:?}");
        assert_eq!(
            format_counts(&p00.matched_terms),
            "trafficking (2); trafficked (1)"
        );
        assert!(p00.shared_with.is_empty(), "{p00:?}");
        assert_eq!(
            table.by_pattern[&(0, 3)].shared_with,
            BTreeMap::from([(2, 1)])
        );
        assert_eq!(
            table.by_pattern[&(2, 1)].shared_with,
            BTreeMap::from([(0, 1)])
        );
    }

    #[test]
    fn rows_cover_every_pattern() {
        let dictionary = ThemeDictionary::builtin();
        let rows = PatternStatsTable::new().rows(&dictionary);
        let total: usize = dictionary.themes().iter().map(|t| t.patterns().len()).sum();
        assert_eq!(rows.len(), total);
        assert!(
            rows.iter()
                .all(|r| r.hits == 0 && r.matched_terms.is_empty())
        );
    }
}
