//! The theme tables of a corpus: additive theme counts per group ([`ThemeGroup`]), and the
//! `themes_by_organisation`, `themes_by_country` and `theme_cooccurrence` tables built from
//! them in chunks of groups as they are written. These tables have a row per organisation
//! and theme (or pair of themes), hundreds of thousands of rows of strings on big corpora
//! with organisations that rarely repeat, so their rows are never all in memory.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CooccurrenceRow, ThemeGroupRow};
use crate::record::UnitAnalysis;
use crate::stats;
use crate::themes::cooccur::{WindowCounts, cooccurrence_rows};

/// Additive theme counts of one group.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct ThemeGroup {
    hits: BTreeMap<u16, u64>,
    sentences: BTreeMap<u16, u64>,
    n_sentences: u64,
    content_tokens: u64,
    windows: WindowCounts,
}

impl ThemeGroup {
    /// Adds a unit, with its (hits, sentences with hits) by theme.
    pub(super) fn add(&mut self, analysis: &UnitAnalysis, per_theme: &BTreeMap<u16, (u64, u64)>) {
        for (&theme, &(hits, sentences)) in per_theme {
            *self.hits.entry(theme).or_default() += hits;
            *self.sentences.entry(theme).or_default() += sentences;
        }
        self.n_sentences += analysis.sentences.len() as u64;
        self.content_tokens += analysis.n_content_tokens;
        self.windows.merge(&analysis.windows);
    }

    /// Adds the counts of the same group over other units.
    pub(super) fn merge(&mut self, other: &ThemeGroup) {
        for (&theme, &n) in &other.hits {
            *self.hits.entry(theme).or_default() += n;
        }
        for (&theme, &n) in &other.sentences {
            *self.sentences.entry(theme).or_default() += n;
        }
        self.n_sentences += other.n_sentences;
        self.content_tokens += other.content_tokens;
        self.windows.merge(&other.windows);
    }
}

/// Groups, keyed by their value (null: units where it is unknown).
pub(super) type Groups = BTreeMap<Option<String>, ThemeGroup>;

/// A theme × group table (`themes_by_organisation`, `themes_by_country`): every theme for
/// every group (zeros included, so a heatmap has no holes), themes sorted by name within a
/// group; rows are built in chunks of groups as they are written.
#[derive(Debug)]
pub struct ThemesByGroup<'a> {
    groups: &'a Groups,
    /// Theme names, by dictionary index.
    names: Vec<String>,
    /// Dictionary indices in name order.
    order: Vec<u16>,
    /// For organisations: their countries, joined with `; `.
    countries: Option<BTreeMap<Option<String>, Option<String>>>,
    with_keyness: bool,
    corpus_tokens: u64,
    corpus_hits: BTreeMap<u16, u64>,
}

impl<'a> ThemesByGroup<'a> {
    /// The table of `groups`, with the `countries` of organisations (for
    /// `themes_by_organisation`), and keyness or not.
    pub(super) fn new(
        groups: &'a Groups,
        names: &[&str],
        countries: Option<BTreeMap<Option<String>, Option<String>>>,
        with_keyness: bool,
    ) -> ThemesByGroup<'a> {
        let mut order: Vec<u16> = (0..names.len() as u16).collect();
        order.sort_by_key(|&i| names[i as usize]);
        let mut corpus_hits: BTreeMap<u16, u64> = BTreeMap::new();
        for g in groups.values() {
            for (&t, &n) in &g.hits {
                *corpus_hits.entry(t).or_default() += n;
            }
        }
        ThemesByGroup {
            groups,
            names: names.iter().map(|n| n.to_string()).collect(),
            order,
            countries,
            with_keyness,
            corpus_tokens: groups.values().map(|g| g.content_tokens).sum(),
            corpus_hits,
        }
    }

    /// The rows, in chunks of whole groups of about `rows` rows (at least one group), in
    /// order.
    pub fn chunks(&self, rows: usize) -> impl Iterator<Item = Vec<ThemeGroupRow>> + '_ {
        let groups_per_chunk = (rows / self.order.len().max(1)).max(1);
        let mut groups = self.groups.iter().peekable();
        std::iter::from_fn(move || {
            groups.peek()?;
            let mut chunk = Vec::with_capacity(groups_per_chunk * self.order.len());
            for (group, g) in groups.by_ref().take(groups_per_chunk) {
                self.group_rows(group, g, &mut chunk);
            }
            Some(chunk)
        })
    }

    fn group_rows(&self, group: &Option<String>, g: &ThemeGroup, out: &mut Vec<ThemeGroupRow>) {
        let country = self
            .countries
            .as_ref()
            .and_then(|c| c.get(group).cloned().flatten());
        let rest_tokens = self.corpus_tokens - g.content_tokens;
        for &theme in &self.order {
            let hits = g.hits.get(&theme).copied().unwrap_or(0);
            let sentences = g.sentences.get(&theme).copied().unwrap_or(0);
            let keyness_g2 =
                (self.with_keyness && g.content_tokens > 0 && rest_tokens > 0).then(|| {
                    let rest = self.corpus_hits.get(&theme).copied().unwrap_or(0) - hits;
                    stats::keyness(hits, g.content_tokens, rest, rest_tokens).0
                });
            out.push(ThemeGroupRow {
                group: group.clone(),
                country: country.clone(),
                theme: self.names[theme as usize].clone(),
                hits,
                sentences,
                share_of_sentences: if g.n_sentences == 0 {
                    0.0
                } else {
                    sentences as f64 / g.n_sentences as f64
                },
                per_10k: if g.content_tokens == 0 {
                    0.0
                } else {
                    hits as f64 * 10_000.0 / g.content_tokens as f64
                },
                keyness_g2,
            });
        }
    }
}

/// The `theme_cooccurrence` table: the corpus, then every country, then every
/// organisation, each with its pairs of themes sorted by name; rows are built in chunks of
/// groups as they are written.
#[derive(Debug)]
pub struct ThemeCooccurrence<'a> {
    /// (scope, group, counts), in order; the corpus is the group `*`.
    groups: Vec<(&'static str, Option<&'a str>, &'a ThemeGroup)>,
    /// Theme names, by dictionary index.
    names: Vec<String>,
}

impl<'a> ThemeCooccurrence<'a> {
    /// The table of the `corpus`, `countries` and `organisations`.
    pub(super) fn new(
        corpus: &'a ThemeGroup,
        countries: &'a Groups,
        organisations: &'a Groups,
        names: &[&str],
    ) -> ThemeCooccurrence<'a> {
        let mut groups = vec![("corpus", Some("*"), corpus)];
        for (scope, of_scope) in [("country", countries), ("organisation", organisations)] {
            groups.extend(
                of_scope
                    .iter()
                    .map(|(g, counts)| (scope, g.as_deref(), counts)),
            );
        }
        ThemeCooccurrence {
            groups,
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// The rows, in chunks of whole groups of at least `rows` rows (but the last), in order.
    pub fn chunks(&self, rows: usize) -> impl Iterator<Item = Vec<CooccurrenceRow>> + '_ {
        let mut groups = self.groups.iter().peekable();
        std::iter::from_fn(move || {
            groups.peek()?;
            let mut chunk = Vec::new();
            while chunk.len() < rows.max(1)
                && let Some(&(scope, group, counts)) = groups.next()
            {
                self.group_rows(scope, group, counts, &mut chunk);
            }
            Some(chunk)
        })
    }

    fn group_rows(
        &self,
        scope: &'static str,
        group: Option<&str>,
        counts: &ThemeGroup,
        out: &mut Vec<CooccurrenceRow>,
    ) {
        let names = &self.names;
        let mut rows: Vec<CooccurrenceRow> = cooccurrence_rows(&counts.windows)
            .into_iter()
            .map(|mut stats| {
                let (a, b) = (
                    &names[stats.theme_a as usize],
                    &names[stats.theme_b as usize],
                );
                // Pairs are written with the alphabetically first theme as `theme_a`.
                let (theme_a, theme_b) = if a <= b {
                    (a, b)
                } else {
                    std::mem::swap(&mut stats.a_total, &mut stats.b_total);
                    std::mem::swap(&mut stats.theme_a, &mut stats.theme_b);
                    (b, a)
                };
                CooccurrenceRow {
                    scope,
                    group: group.map(str::to_string),
                    theme_a: theme_a.clone(),
                    theme_b: theme_b.clone(),
                    stats,
                }
            })
            .collect();
        rows.sort_by(|x, y| (&x.theme_a, &x.theme_b).cmp(&(&y.theme_a, &y.theme_b)));
        out.extend(rows);
    }
}
