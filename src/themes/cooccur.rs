//! Theme co-occurrence: which themes appear together in the same window of text.
//!
//! Input: a unit's tokens and its theme hits (from `themes`), and a [`Window`] kind.
//! Output: per-window theme sets ([`window_themes`]), additive counts ([`WindowCounts`]) that
//! shards of a corpus sum into the corpus counts, and the association rows of one group
//! ([`cooccurrence_rows`]).
//!
//! Windows:
//! - [`Window::Sentence`] (default): one window per sentence that has at least one token;
//! - [`Window::Paragraph`]: one window per paragraph that has at least one token;
//! - [`Window::Tokens`]`(n)`: consecutive, non-overlapping blocks of `n` tokens of the unit
//!   (the last block may be shorter; `n = 0` is taken as 1). Blocks ignore sentence ends.
//!
//! A hit belongs to the window of its first token (a phrase straddling a block boundary
//! counts in the earlier block). A theme counts once per window however many hits it has.
//!
//! Rows ([`cooccurrence_rows`]): one per pair of themes `a < b` (dictionary indices) that are
//! both present in the group (`a_total > 0` and `b_total > 0`), including pairs that never
//! co-occur (`both = 0`, `npmi = −1`), sorted by `(theme_a, theme_b)`. Statistics, from the
//! 2×2 table of windows `[[both, a − both], [b − both, W − a − b + both]]`:
//! - `expected = a·b / W`;
//! - `jaccard = both / (a + b − both)`;
//! - `npmi = ln(p_ab / (p_a·p_b)) / −ln(p_ab)`, `p_x = x / W`; −1 when `both = 0`, 1 when
//!   `p_ab = 1`;
//! - `g2` = Dunning's G² of the table (never negative; `npmi` gives the direction);
//! - `p_value = erfc(√(g2/2))` (chi-square, 1 df);
//! - `p_adjusted` = Benjamini–Hochberg over the rows of this group.
//!
//! This module does not know group names or theme names; the aggregate stage keys a
//! [`WindowCounts`] per group and labels the rows.

use std::collections::{BTreeMap, BTreeSet};

use super::ThemeHit;
use crate::analyse::TokenRef;
use crate::stats::{benjamini_hochberg, chi2_sf_1df, g2_2x2};

/// What a co-occurrence window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Window {
    /// One window per sentence.
    #[default]
    Sentence,
    /// One window per paragraph.
    Paragraph,
    /// Non-overlapping blocks of this many tokens.
    Tokens(usize),
}

/// The theme sets of the windows of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WindowThemes {
    /// Number of windows in the unit (with or without themes).
    pub windows: u64,
    /// `(window index, sorted distinct themes)` for windows holding at least one theme, by
    /// window index. Window indices count from 0 in the unit, in text order.
    pub sets: Vec<(u64, Vec<u16>)>,
}

/// Builds the per-window theme sets of a unit. `tokens` are the unit's tokens in document
/// order, `hits` its theme hits (any order). Hits whose start matches no token are ignored.
pub fn window_themes(tokens: &[TokenRef<'_>], hits: &[ThemeHit], window: Window) -> WindowThemes {
    // Window index of every token, as ranks of distinct keys in text order.
    let mut window_of_token: Vec<u64> = Vec::with_capacity(tokens.len());
    let mut windows = 0u64;
    let mut last_key: Option<u64> = None;
    for (i, token) in tokens.iter().enumerate() {
        let key = match window {
            Window::Sentence => u64::from(token.sentence_index),
            Window::Paragraph => u64::from(token.paragraph_index),
            Window::Tokens(n) => (i / n.max(1)) as u64,
        };
        if last_key != Some(key) {
            last_key = Some(key);
            windows += 1;
        }
        window_of_token.push(windows - 1);
    }
    let mut pairs: Vec<(u64, u16)> = Vec::with_capacity(hits.len());
    for hit in hits {
        // The token the hit starts at (tokens are sorted by start_byte).
        let i = tokens.partition_point(|t| t.start_byte < hit.start_byte);
        if let Some(token) = tokens.get(i)
            && token.start_byte == hit.start_byte
        {
            pairs.push((window_of_token[i], hit.theme));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut sets: Vec<(u64, Vec<u16>)> = Vec::new();
    for (w, theme) in pairs {
        match sets.last_mut() {
            Some((last, themes)) if *last == w => themes.push(theme),
            _ => sets.push((w, vec![theme])),
        }
    }
    WindowThemes { windows, sets }
}

/// Additive window counts of a group: summing the counts of two disjoint sets of units gives
/// the counts of their union, so shards merge with [`WindowCounts::merge`].
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct WindowCounts {
    /// Number of windows.
    pub windows: u64,
    /// Windows holding each theme (themes with no window are absent).
    pub theme: BTreeMap<u16, u64>,
    /// Windows holding both themes of each pair `(a, b)`, `a < b` (pairs with none absent).
    pub pair: BTreeMap<(u16, u16), u64>,
}

impl WindowCounts {
    /// Empty counts.
    pub fn new() -> WindowCounts {
        WindowCounts::default()
    }

    /// Adds a unit: builds its windows with [`window_themes`] and counts them.
    pub fn add_unit(&mut self, tokens: &[TokenRef<'_>], hits: &[ThemeHit], window: Window) {
        self.add_windows(&window_themes(tokens, hits, window));
    }

    /// Adds already built window theme sets.
    pub fn add_windows(&mut self, windows: &WindowThemes) {
        self.windows += windows.windows;
        for (_, themes) in &windows.sets {
            // `themes` is sorted and distinct by construction; tolerate hand-made input.
            let themes: BTreeSet<u16> = themes.iter().copied().collect();
            let themes: Vec<u16> = themes.into_iter().collect();
            for (i, &a) in themes.iter().enumerate() {
                *self.theme.entry(a).or_default() += 1;
                for &b in &themes[i + 1..] {
                    *self.pair.entry((a, b)).or_default() += 1;
                }
            }
        }
    }

    /// Adds another group's counts to these.
    pub fn merge(&mut self, other: &WindowCounts) {
        self.windows += other.windows;
        for (&theme, &n) in &other.theme {
            *self.theme.entry(theme).or_default() += n;
        }
        for (&pair, &n) in &other.pair {
            *self.pair.entry(pair).or_default() += n;
        }
    }
}

/// One theme pair of a group (see the module docs for the formulas).
#[derive(Debug, Clone, PartialEq)]
pub struct CoocRow {
    /// The first theme (dictionary index, `theme_a < theme_b`).
    pub theme_a: u16,
    /// The second theme.
    pub theme_b: u16,
    /// Windows holding both themes.
    pub both: u64,
    /// Windows holding `theme_a`.
    pub a_total: u64,
    /// Windows holding `theme_b`.
    pub b_total: u64,
    /// All windows of the group.
    pub windows: u64,
    /// `a_total × b_total / windows`.
    pub expected: f64,
    /// `both / (a_total + b_total − both)`.
    pub jaccard: f64,
    /// Normalised PMI in [−1, 1].
    pub npmi: f64,
    /// Dunning G² of the 2×2 table of windows.
    pub g2: f64,
    /// Chi-square (1 df) survival of `g2`.
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted `p_value` within the group.
    pub p_adjusted: f64,
}

/// Normalised PMI of `both` co-occurrences of events seen `a` and `b` times in `n` windows.
pub fn npmi(both: u64, a: u64, b: u64, n: u64) -> f64 {
    if both == 0 || n == 0 || a == 0 || b == 0 {
        return -1.0;
    }
    let n = n as f64;
    let p_ab = both as f64 / n;
    if p_ab >= 1.0 {
        return 1.0;
    }
    let p_a = a as f64 / n;
    let p_b = b as f64 / n;
    ((p_ab / (p_a * p_b)).ln() / -p_ab.ln()).clamp(-1.0, 1.0)
}

/// The co-occurrence rows of one group, sorted by `(theme_a, theme_b)`.
pub fn cooccurrence_rows(counts: &WindowCounts) -> Vec<CoocRow> {
    let present: Vec<(u16, u64)> = counts
        .theme
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(&t, &n)| (t, n))
        .collect();
    let windows = counts.windows;
    let mut rows = Vec::new();
    for (i, &(a, a_total)) in present.iter().enumerate() {
        for &(b, b_total) in &present[i + 1..] {
            let both = counts.pair.get(&(a, b)).copied().unwrap_or(0);
            // Clamp inconsistent hand-made counts so every cell is a valid count.
            let both = both.min(a_total).min(b_total);
            let a_only = a_total - both;
            let b_only = b_total - both;
            let neither = windows.saturating_sub(a_only + b_only + both);
            let n = both + a_only + b_only + neither;
            let g2 = g2_2x2(both, a_only, b_only, neither);
            rows.push(CoocRow {
                theme_a: a,
                theme_b: b,
                both,
                a_total,
                b_total,
                windows,
                expected: if n == 0 {
                    0.0
                } else {
                    a_total as f64 * b_total as f64 / n as f64
                },
                jaccard: both as f64 / (a_total + b_total - both) as f64,
                npmi: npmi(both, a_total, b_total, n),
                g2,
                p_value: chi2_sf_1df(g2),
                p_adjusted: 1.0,
            });
        }
    }
    let p_values: Vec<f64> = rows.iter().map(|r| r.p_value).collect();
    for (row, adjusted) in rows.iter_mut().zip(benjamini_hochberg(&p_values)) {
        row.p_adjusted = adjusted;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, what: &str) {
        assert!((got - want).abs() < 1e-9, "{what}: got {got}, want {want}");
    }

    /// Builds counts with the given totals directly.
    fn counts(windows: u64, a: u64, b: u64, both: u64) -> WindowCounts {
        WindowCounts {
            windows,
            theme: BTreeMap::from([(0, a), (1, b)]),
            pair: BTreeMap::from([((0, 1), both)]),
        }
    }

    #[test]
    fn hand_checked_pair() {
        // W = 10 windows, a = 4, b = 5, both = 3:
        // table [[3, 1], [2, 4]]; expected = 4 × 5 / 10 = 2
        // jaccard = 3 / (4 + 5 − 3) = 0.5
        // npmi = ln(0.3 / (0.4 × 0.5)) / −ln 0.3 = 0.405465 / 1.203973 = 0.336773
        // g2 = 2 (3 ln 1.5 + ln 0.5 + 2 ln(2/3) + 4 ln(4/3)) = 1.726092
        // p = erfc(√0.863046) = 0.188911; one row, so p_adjusted = p
        let rows = cooccurrence_rows(&counts(10, 4, 5, 3));
        assert_eq!(rows.len(), 1, "{rows:?}");
        let row = &rows[0];
        assert_eq!(
            (row.theme_a, row.theme_b, row.both, row.windows),
            (0, 1, 3, 10)
        );
        close(row.expected, 2.0, "expected");
        close(row.jaccard, 0.5, "jaccard");
        close(row.npmi, 0.336_772_646_899_753_3, "npmi");
        close(row.g2, 1.726_092_434_710_684_7, "g2");
        close(row.p_value, 0.188_910_700_005_692_07, "p_value");
        close(row.p_adjusted, row.p_value, "p_adjusted");
    }

    #[test]
    fn edge_cases() {
        // Never together: npmi −1, jaccard 0.
        let row = &cooccurrence_rows(&counts(10, 4, 5, 0))[0];
        close(row.npmi, -1.0, "npmi both = 0");
        close(row.jaccard, 0.0, "jaccard both = 0");
        // Always together in every window: npmi 1, g2 0 (no variation), p 1.
        let row = &cooccurrence_rows(&counts(3, 3, 3, 3))[0];
        close(row.npmi, 1.0, "npmi p_ab = 1");
        close(row.g2, 0.0, "g2");
        close(row.p_value, 1.0, "p");
        // A theme absent from the group gives no rows.
        let mut c = counts(10, 4, 0, 0);
        c.theme.remove(&1);
        assert!(cooccurrence_rows(&c).is_empty());
        assert!(cooccurrence_rows(&WindowCounts::new()).is_empty());
    }

    fn token(norm: &'static str, start: usize, sentence: u32, paragraph: u32) -> TokenRef<'static> {
        TokenRef {
            norm,
            start_byte: start,
            end_byte: start + norm.len(),
            sentence_index: sentence,
            paragraph_index: paragraph,
            is_content: true,
        }
    }

    fn hit(theme: u16, start: usize, sentence: u32) -> ThemeHit {
        ThemeHit {
            sentence_index: sentence,
            theme,
            pattern: 0,
            term: String::new(),
            start_byte: start,
            end_byte: start + 1,
        }
    }

    #[test]
    fn windows_of_each_kind() {
        // Sentences 0, 0, 1, 2 (paragraphs 0, 0, 0, 1); themes 0, 1 in sentence 0, 0 in
        // sentence 2.
        let tokens = [
            token("a", 0, 0, 0),
            token("b", 2, 0, 0),
            token("c", 4, 1, 0),
            token("d", 6, 2, 1),
        ];
        let hits = [hit(0, 0, 0), hit(1, 2, 0), hit(0, 6, 2), hit(0, 0, 0)];
        let sentence = window_themes(&tokens, &hits, Window::Sentence);
        assert_eq!(sentence.windows, 3);
        assert_eq!(sentence.sets, vec![(0, vec![0, 1]), (2, vec![0])]);
        let paragraph = window_themes(&tokens, &hits, Window::Paragraph);
        assert_eq!(paragraph.windows, 2);
        assert_eq!(paragraph.sets, vec![(0, vec![0, 1]), (1, vec![0])]);
        let blocks = window_themes(&tokens, &hits, Window::Tokens(3));
        assert_eq!(blocks.windows, 2);
        assert_eq!(blocks.sets, vec![(0, vec![0, 1]), (1, vec![0])]);
        let zero = window_themes(&tokens, &hits, Window::Tokens(0));
        assert_eq!(zero.windows, 4);

        let mut counts = WindowCounts::new();
        counts.add_unit(&tokens, &hits, Window::Sentence);
        assert_eq!(counts.windows, 3);
        assert_eq!(counts.theme, BTreeMap::from([(0, 2), (1, 1)]));
        assert_eq!(counts.pair, BTreeMap::from([((0, 1), 1)]));
        let mut doubled = counts.clone();
        doubled.merge(&counts);
        assert_eq!(doubled.windows, 6);
        assert_eq!(doubled.pair[&(0, 1)], 2);
    }

    #[test]
    fn bh_is_applied_within_the_group() {
        let c = WindowCounts {
            windows: 100,
            theme: BTreeMap::from([(0, 30), (1, 30), (2, 10)]),
            pair: BTreeMap::from([((0, 1), 20), ((0, 2), 3)]),
        };
        let rows = cooccurrence_rows(&c);
        let pairs: Vec<(u16, u16)> = rows.iter().map(|r| (r.theme_a, r.theme_b)).collect();
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
        let p: Vec<f64> = rows.iter().map(|r| r.p_value).collect();
        let adjusted = benjamini_hochberg(&p);
        for (row, want) in rows.iter().zip(adjusted) {
            close(row.p_adjusted, want, "p_adjusted");
            assert!(
                row.p_adjusted >= row.p_value && row.p_adjusted <= 1.0,
                "{row:?}"
            );
        }
    }

    use proptest::prelude::*;

    /// A unit: (new sentence?, new paragraph?, themes hit at this token) per token.
    fn unit_strategy() -> impl Strategy<Value = Vec<(bool, bool, Vec<u16>)>> {
        proptest::collection::vec(
            (
                any::<bool>(),
                any::<bool>(),
                proptest::collection::vec(0u16..6, 0..3),
            ),
            0..30,
        )
    }

    fn build(unit: &[(bool, bool, Vec<u16>)]) -> (Vec<TokenRef<'static>>, Vec<ThemeHit>) {
        let (mut sentence, mut paragraph) = (0u32, 0u32);
        let mut tokens = Vec::new();
        let mut hits = Vec::new();
        for (i, (new_sentence, new_paragraph, themes)) in unit.iter().enumerate() {
            if i > 0 && *new_paragraph {
                paragraph += 1;
                sentence += 1;
            } else if i > 0 && *new_sentence {
                sentence += 1;
            }
            tokens.push(token("w", i * 2, sentence, paragraph));
            for &theme in themes {
                hits.push(hit(theme, i * 2, sentence));
            }
        }
        (tokens, hits)
    }

    proptest! {
        #[test]
        fn counts_are_additive(
            units in proptest::collection::vec(unit_strategy(), 0..6),
            split in 0usize..6,
            n in 0usize..7,
        ) {
            for window in [Window::Sentence, Window::Paragraph, Window::Tokens(n)] {
                let mut whole = WindowCounts::new();
                let mut left = WindowCounts::new();
                let mut right = WindowCounts::new();
                for (k, unit) in units.iter().enumerate() {
                    let (tokens, hits) = build(unit);
                    whole.add_unit(&tokens, &hits, window);
                    if k < split { &mut left } else { &mut right }.add_unit(&tokens, &hits, window);
                }
                left.merge(&right);
                prop_assert_eq!(&left, &whole);
                for row in cooccurrence_rows(&whole) {
                    prop_assert!((-1.0..=1.0).contains(&row.npmi), "{:?}", row);
                    prop_assert!((0.0..=1.0).contains(&row.jaccard), "{:?}", row);
                    prop_assert!(row.g2 >= 0.0 && row.p_value <= row.p_adjusted + 1e-12, "{:?}", row);
                    prop_assert!(row.p_adjusted <= 1.0, "{:?}", row);
                }
            }
            // Sentence windows: a unit's counts are the sum of its sentences' counts.
            for unit in &units {
                let (tokens, hits) = build(unit);
                let mut whole = WindowCounts::new();
                whole.add_unit(&tokens, &hits, Window::Sentence);
                let mut summed = WindowCounts::new();
                let mut start = 0;
                while start < tokens.len() {
                    let s = tokens[start].sentence_index;
                    let end = start + tokens[start..].iter().take_while(|t| t.sentence_index == s).count();
                    let sentence_hits: Vec<ThemeHit> =
                        hits.iter().filter(|h| h.sentence_index == s).cloned().collect();
                    let mut one = WindowCounts::new();
                    one.add_unit(&tokens[start..end], &sentence_hits, Window::Sentence);
                    summed.merge(&one);
                    start = end;
                }
                prop_assert_eq!(summed, whole);
            }
        }
    }
}
