//! Collocations: multi-word terms (bigrams and trigrams) that occur together more than chance.
//!
//! Input: a unit's tokens (and the document text, to see punctuation between tokens).
//! Output: additive [`CollocationCounts`] (merge shards by summing) and, once for the corpus
//! or a group, [`CollocationRow`]s.
//!
//! An n-gram is `n` consecutive *content* tokens of one sentence with only spaces or hyphens
//! between them: a stopword, a number, a sentence end or punctuation (`,` `;` `(` `/` …)
//! breaks it. So "forced labour" and "gender based violence" are n-grams; "women, migrants"
//! and "trafficking of women" are not (the first has a comma, the second a stopword).
//! Phrases are the token norms joined by one space.
//!
//! Statistics (N = number of bigram positions, or trigram positions for trigrams):
//! - bigram `w1 w2`: the 2×2 table of bigram positions, rows "first word is w1 / is not",
//!   columns "second word is w2 / is not": `k11 = c(w1 w2)`, `k12 = c(w1 •) − k11`,
//!   `k21 = c(• w2) − k11`, `k22 = N − k11 − k12 − k21`; `g2` = Dunning G² of the table;
//!   `pmi = log2(k11 · N / (c(w1 •) · c(• w2)))`.
//! - trigram `w1 w2 w3`: the same table for each binary split of the trigram positions,
//!   `(w1 w2) | w3` and `w1 | (w2 w3)`; the row reports the split with the smaller G² (a
//!   trigram is only as strong as its weakest join), its G² and its PMI.
//!
//! `g2` is never negative; a negative `pmi` marks an n-gram rarer than chance. This module
//! does not filter by stopword lists (the tokenizer's `is_content` decides) and does not
//! stem.

use rustc_hash::FxHashMap;

use crate::analyse::TokenRef;
use crate::stats::g2_2x2;

/// Additive n-gram counts. Maps are keyed by token norms joined by one space. The marginal
/// counts the statistics need (`c(w1 •)`, `c(• w2)`, …) are sums over these maps, computed
/// once for the corpus by [`collocation_rows`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollocationCounts {
    /// Content tokens counted.
    pub content_tokens: u64,
    /// Bigram positions counted.
    pub bigram_positions: u64,
    /// Trigram positions counted.
    pub trigram_positions: u64,
    /// Count of each bigram.
    pub bigrams: FxHashMap<String, u64>,
    /// Count of each trigram.
    pub trigrams: FxHashMap<String, u64>,
}

/// Corpus n-gram counts, as [`collocation_rows`] reads them.
#[derive(Debug, Clone, Default)]
pub struct NgramTotals<'a> {
    /// Bigram positions counted.
    pub bigram_positions: u64,
    /// Trigram positions counted.
    pub trigram_positions: u64,
    /// Every bigram seen, with its count, in any order.
    pub bigrams: Vec<(&'a str, u64)>,
    /// Every trigram seen, with its count, in any order.
    pub trigrams: Vec<(&'a str, u64)>,
}

fn bump(map: &mut FxHashMap<String, u64>, key: &str, by: u64) {
    match map.get_mut(key) {
        Some(n) => *n += by,
        None => {
            map.insert(key.to_owned(), by);
        }
    }
}

fn merge_map(into: &mut FxHashMap<String, u64>, from: &FxHashMap<String, u64>) {
    for (key, &n) in from {
        bump(into, key, n);
    }
}

/// Writes `words` joined by one space into `key` and returns it.
fn join<'k>(key: &'k mut String, words: &[&str]) -> &'k str {
    key.clear();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(w);
    }
    key.as_str()
}

/// Whether the text between two tokens lets an n-gram go on: only whitespace and hyphens.
fn joinable(document: &str, left: &TokenRef<'_>, right: &TokenRef<'_>) -> bool {
    left.sentence_index == right.sentence_index
        && left.end_byte <= right.start_byte
        && document
            .get(left.end_byte..right.start_byte)
            .is_some_and(|gap| {
                gap.chars()
                    .all(|c| c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}'))
            })
}

impl CollocationCounts {
    /// Empty counts.
    pub fn new() -> CollocationCounts {
        CollocationCounts::default()
    }

    /// Counts a unit. `document` is the text the tokens' byte offsets point into; tokens are
    /// in document order.
    pub fn add_unit(&mut self, document: &str, tokens: &[TokenRef<'_>]) {
        let mut key = String::new();
        let mut run: Vec<&str> = Vec::new();
        let mut previous: Option<&TokenRef<'_>> = None;
        for token in tokens {
            if !token.is_content {
                self.add_run(&run, &mut key);
                run.clear();
                previous = None;
                continue;
            }
            if let Some(prev) = previous
                && !joinable(document, prev, token)
            {
                self.add_run(&run, &mut key);
                run.clear();
            }
            run.push(token.norm);
            previous = Some(token);
        }
        self.add_run(&run, &mut key);
    }

    /// Counts one run of joinable content tokens.
    fn add_run(&mut self, run: &[&str], key: &mut String) {
        self.content_tokens += run.len() as u64;
        for i in 0..run.len() {
            if i + 1 < run.len() {
                self.bigram_positions += 1;
                bump(&mut self.bigrams, join(key, &run[i..i + 2]), 1);
            }
            if i + 2 < run.len() {
                self.trigram_positions += 1;
                bump(&mut self.trigrams, join(key, &run[i..i + 3]), 1);
            }
        }
    }

    /// Adds another set of counts to these.
    pub fn merge(&mut self, other: &CollocationCounts) {
        self.content_tokens += other.content_tokens;
        self.bigram_positions += other.bigram_positions;
        self.trigram_positions += other.trigram_positions;
        merge_map(&mut self.bigrams, &other.bigrams);
        merge_map(&mut self.trigrams, &other.trigrams);
    }

    /// The count of a phrase (2 or 3 words joined by one space); 0 if unseen.
    pub fn count(&self, phrase: &str) -> u64 {
        let map = match phrase.split(' ').count() {
            2 => &self.bigrams,
            3 => &self.trigrams,
            _ => return 0,
        };
        map.get(phrase).copied().unwrap_or(0)
    }

    /// These counts as [`collocation_rows`] reads them.
    pub fn totals(&self) -> NgramTotals<'_> {
        NgramTotals {
            bigram_positions: self.bigram_positions,
            trigram_positions: self.trigram_positions,
            bigrams: self.bigrams.iter().map(|(p, &n)| (p.as_str(), n)).collect(),
            trigrams: self
                .trigrams
                .iter()
                .map(|(p, &n)| (p.as_str(), n))
                .collect(),
        }
    }
}

/// One collocation.
#[derive(Debug, Clone, PartialEq)]
pub struct CollocationRow {
    /// The n-gram: token norms joined by one space.
    pub phrase: String,
    /// Number of words: 2 or 3.
    pub n: u8,
    /// Occurrences.
    pub count: u64,
    /// Dunning G² (see the module docs).
    pub g2: f64,
    /// Pointwise mutual information in bits (see the module docs).
    pub pmi: f64,
}

/// G² and PMI of `joint` co-occurrences of parts seen `left` and `right` times in `n`
/// positions.
fn association(joint: u64, left: u64, right: u64, n: u64) -> (f64, f64) {
    let left = left.max(joint);
    let right = right.max(joint);
    let k12 = left - joint;
    let k21 = right - joint;
    let k22 = n.saturating_sub(joint + k12 + k21);
    let g2 = g2_2x2(joint, k12, k21, k22);
    let pmi = if joint == 0 || left == 0 || right == 0 || n == 0 {
        f64::NEG_INFINITY
    } else {
        (joint as f64 * n as f64 / (left as f64 * right as f64)).log2()
    };
    (g2, pmi)
}

/// The bigrams and trigrams seen at least `min_count` times (and at least once), sorted by
/// count descending, then phrase.
pub fn collocation_rows<'a>(counts: &NgramTotals<'a>, min_count: u64) -> Vec<CollocationRow> {
    let min_count = min_count.max(1);
    // The marginal counts, summed over every n-gram seen (listed or not).
    type Margin<'m> = FxHashMap<&'m str, u64>;
    let add = |map: &mut Margin<'a>, key: &'a str, n: u64| *map.entry(key).or_default() += n;
    let (mut bigram_first, mut bigram_second) = (Margin::default(), Margin::default());
    for &(phrase, n) in &counts.bigrams {
        if let Some((w1, w2)) = phrase.split_once(' ') {
            add(&mut bigram_first, w1, n);
            add(&mut bigram_second, w2, n);
        }
    }
    let (mut trigram_head, mut trigram_last) = (Margin::default(), Margin::default());
    let (mut trigram_first, mut trigram_tail) = (Margin::default(), Margin::default());
    for &(phrase, n) in &counts.trigrams {
        if let (Some((head, w3)), Some((w1, tail))) =
            (phrase.rsplit_once(' '), phrase.split_once(' '))
        {
            add(&mut trigram_head, head, n);
            add(&mut trigram_last, w3, n);
            add(&mut trigram_first, w1, n);
            add(&mut trigram_tail, tail, n);
        }
    }
    let get = |map: &Margin<'_>, key: &str| map.get(key).copied().unwrap_or(0);
    let mut rows = Vec::new();
    for &(phrase, count) in &counts.bigrams {
        if count < min_count {
            continue;
        }
        let Some((w1, w2)) = phrase.split_once(' ') else {
            continue;
        };
        let (g2, pmi) = association(
            count,
            get(&bigram_first, w1),
            get(&bigram_second, w2),
            counts.bigram_positions,
        );
        rows.push(CollocationRow {
            phrase: phrase.to_owned(),
            n: 2,
            count,
            g2,
            pmi,
        });
    }
    for &(phrase, count) in &counts.trigrams {
        if count < min_count {
            continue;
        }
        let (Some((head, w3)), Some((w1, tail))) =
            (phrase.rsplit_once(' '), phrase.split_once(' '))
        else {
            continue;
        };
        let n = counts.trigram_positions;
        let split_a = association(count, get(&trigram_head, head), get(&trigram_last, w3), n);
        let split_b = association(count, get(&trigram_first, w1), get(&trigram_tail, tail), n);
        let (g2, pmi) = if split_b.0 < split_a.0 {
            split_b
        } else {
            split_a
        };
        rows.push(CollocationRow {
            phrase: phrase.to_owned(),
            n: 3,
            count,
            g2,
            pmi,
        });
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.phrase.cmp(&b.phrase)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokenises `text` on spaces (test helper): words in `stop` are not content, a word
    /// ending with '.' ends the sentence; punctuation stays in the text between tokens.
    fn tokens<'a>(text: &'a str, stop: &[&str]) -> Vec<TokenRef<'a>> {
        let mut out = Vec::new();
        let mut sentence = 0;
        let mut offset = 0;
        for piece in text.split(' ') {
            let word = piece.trim_end_matches(['.', ',']);
            if !word.is_empty() {
                out.push(TokenRef {
                    norm: word,
                    start_byte: offset,
                    end_byte: offset + word.len(),
                    sentence_index: sentence,
                    paragraph_index: 0,
                    is_content: !stop.contains(&word),
                });
            }
            if piece.ends_with('.') {
                sentence += 1;
            }
            offset += piece.len() + 1;
        }
        out
    }

    #[test]
    fn ngrams_break_on_stopwords_punctuation_and_sentences() {
        let text = "forced labour of women, migrants forced labour. labour rights";
        let toks = tokens(text, &["of"]);
        let mut counts = CollocationCounts::new();
        counts.add_unit(text, &toks);
        // Runs: [forced labour] [women] [migrants forced labour] [labour rights]
        assert_eq!(counts.content_tokens, 8);
        assert_eq!(counts.count("forced labour"), 2);
        assert_eq!(
            counts.count("women migrants"),
            0,
            "a comma breaks the n-gram"
        );
        assert_eq!(
            counts.count("labour labour"),
            0,
            "a sentence end breaks the n-gram"
        );
        assert_eq!(counts.count("migrants forced labour"), 1);
        assert_eq!(counts.bigram_positions, 4);
        assert_eq!(counts.trigram_positions, 1);
    }

    #[test]
    fn bigram_statistics_by_hand() {
        // Sentences: "a b." ×3, "a c." ×1, "d b." ×1, "d c." ×5 -> N = 10 bigram positions.
        // For "a b": k11 = 3, c(a •) = 4, c(• b) = 4: table [[3, 1], [1, 5]].
        // E = [[1.6, 2.4], [2.4, 3.6]]
        // G² = 2 (3 ln(3/1.6) + 1 ln(1/2.4) + 1 ln(1/2.4) + 5 ln(5/3.6))
        //    = 2 (1.885826 − 0.875469 − 0.875469 + 1.642520) = 2 × 1.777409 = 3.554818
        // PMI = log2(3 × 10 / (4 × 4)) = log2(1.875) = 0.906891
        let mut text = String::new();
        for (pair, times) in [("a b. ", 3), ("a c. ", 1), ("d b. ", 1), ("d c. ", 5)] {
            for _ in 0..times {
                text.push_str(pair);
            }
        }
        let text = text.trim_end().to_owned();
        let toks = tokens(&text, &[]);
        let mut counts = CollocationCounts::new();
        counts.add_unit(&text, &toks);
        let rows = collocation_rows(&counts.totals(), 2);
        let phrases: Vec<(&str, u64)> = rows.iter().map(|r| (r.phrase.as_str(), r.count)).collect();
        assert_eq!(phrases, vec![("d c", 5), ("a b", 3)]);
        let ab = &rows[1];
        assert!((ab.g2 - 3.554_817_676_839_005_6).abs() < 1e-9, "{ab:?}");
        assert!((ab.pmi - 0.906_890_595_608_518_5).abs() < 1e-9, "{ab:?}");
    }

    #[test]
    fn trigram_uses_the_weaker_split() {
        let text = "x y z. x y z. x y w. q y z.";
        let toks = tokens(text, &[]);
        let mut counts = CollocationCounts::new();
        counts.add_unit(text, &toks);
        let rows = collocation_rows(&counts.totals(), 2);
        let xyz = rows
            .iter()
            .find(|r| r.phrase == "x y z")
            .expect("x y z counted");
        // N = 4 trigram positions, c(x y z) = 2.
        // (x y) | z: c(x y •) = 3, c(• • z) = 3 -> [[2, 1], [1, 0]]
        // x | (y z): c(x • •) = 3, c(• y z) = 3 -> the same table; either split.
        let want = g2_2x2(2, 1, 1, 0);
        assert!((xyz.g2 - want).abs() < 1e-12, "{xyz:?}");
        assert_eq!(xyz.n, 3);
    }

    #[test]
    fn merge_equals_whole() {
        let a = "forced labour camps. forced labour";
        let b = "labour rights of forced labour victims";
        let mut whole = CollocationCounts::new();
        whole.add_unit(a, &tokens(a, &["of"]));
        whole.add_unit(b, &tokens(b, &["of"]));
        let mut left = CollocationCounts::new();
        left.add_unit(a, &tokens(a, &["of"]));
        let mut right = CollocationCounts::new();
        right.add_unit(b, &tokens(b, &["of"]));
        left.merge(&right);
        assert_eq!(left, whole);
        assert_eq!(right.count("forced labour"), 1);
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_merges_additively(
            texts in proptest::collection::vec("[abc ,.-]{0,40}", 0..5),
            junk in any::<String>(),
        ) {
            let mut whole = CollocationCounts::new();
            let mut merged = CollocationCounts::new();
            for text in &texts {
                let toks = tokens(text, &["c"]);
                whole.add_unit(text, &toks);
                let mut one = CollocationCounts::new();
                one.add_unit(text, &toks);
                merged.merge(&one);
            }
            prop_assert_eq!(&merged, &whole);
            let bigram_sum: u64 = whole.bigrams.values().sum();
            prop_assert_eq!(bigram_sum, whole.bigram_positions);
            let trigram_sum: u64 = whole.trigrams.values().sum();
            prop_assert_eq!(trigram_sum, whole.trigram_positions);
            for row in collocation_rows(&whole.totals(), 1) {
                prop_assert!(row.g2 >= 0.0 && !row.g2.is_nan(), "{:?}", row);
                prop_assert_eq!(whole.count(&row.phrase), row.count);
            }
            // Tokens whose spans do not fit the text never panic.
            let mut odd = CollocationCounts::new();
            odd.add_unit(&junk, &tokens("a b c a b", &[]));
        }
    }
}
