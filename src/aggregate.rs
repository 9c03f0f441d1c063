//! Aggregation: additive counts per unit first, then groupings (organisation, country), then
//! the statistics that need the whole corpus (readable terms, tf-idf, keyness, ranks).
//!
//! Input: [`UnitAnalysis`] records, in unit order. Output: [`Aggregates`] rows for the
//! `units`, `term_counts`, `terms_by_organisation` and `terms_by_country` tables. The additive
//! part (per-unit rows, per-unit stem counts, corpus surface counts) is kept apart from what
//! is computed at the end, so shards of a corpus can be summed before the statistics.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use crate::record::{Source, UnitAnalysis};
use crate::stats;

/// One row of the `units` table.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// `document#unit_index`.
    pub unit_id: String,
    /// Document name.
    pub document: String,
    /// Index in the document.
    pub unit_index: u32,
    /// Organisation.
    pub organisation: Option<String>,
    /// Where it came from.
    pub organisation_source: Source,
    /// Country.
    pub country: Option<String>,
    /// Where it came from.
    pub country_source: Source,
    /// Interviewees, joined with `; `.
    pub interviewees: Option<String>,
    /// Title line.
    pub title: Option<String>,
    /// ISO 639-1 code.
    pub language: String,
    /// Unit span start.
    pub start_byte: u64,
    /// Unit span end.
    pub end_byte: u64,
    /// Sentences.
    pub n_sentences: u64,
    /// Word tokens.
    pub n_tokens: u64,
    /// Content tokens.
    pub n_content_tokens: u64,
    /// Distinct word forms.
    pub n_types: u64,
    /// Metadata columns.
    pub extra: BTreeMap<String, String>,
}

/// One row of `term_counts`.
#[derive(Debug, Clone, PartialEq)]
pub struct TermCountRow {
    /// Unit.
    pub unit_id: String,
    /// Snowball stem.
    pub stem: String,
    /// Most frequent surface form of the stem in the corpus.
    pub term: String,
    /// Occurrences in the unit.
    pub count: u64,
}

/// One row of `terms_by_organisation` or `terms_by_country`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTermRow {
    /// The group's value (organisation or country); `None` for units where it is unknown.
    pub group: Option<String>,
    /// For organisations: their countries, joined with `; `.
    pub country: Option<String>,
    /// Snowball stem.
    pub stem: String,
    /// Readable surface form.
    pub term: String,
    /// Occurrences in the group.
    pub count: u64,
    /// Occurrences per 10,000 content tokens of the group.
    pub per_10k: f64,
    /// Units of the group containing the stem.
    pub units: u64,
    /// count · ln(groups / groups containing the stem).
    pub tf_idf: f64,
    /// Signed Dunning G² of the group against the rest (`None` with a single group).
    pub keyness_g2: Option<f64>,
    /// log2 ratio of relative frequencies (`None` with a single group).
    pub log_ratio: Option<f64>,
    /// 1 = most frequent in the group (ties by stem).
    pub rank: u64,
}

/// All aggregated rows, sorted as the contract says.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    /// `units`, by document and unit index.
    pub units: Vec<UnitRow>,
    /// `term_counts`, by unit and stem.
    pub term_counts: Vec<TermCountRow>,
    /// `terms_by_organisation`, by organisation and rank.
    pub terms_by_organisation: Vec<GroupTermRow>,
    /// `terms_by_country`, by country and rank.
    pub terms_by_country: Vec<GroupTermRow>,
}

/// Accumulates units; [`Aggregator::finish`] computes the tables.
#[derive(Debug, Default)]
pub struct Aggregator {
    stem_ids: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
    surfaces: FxHashMap<Box<str>, (u32, u64)>,
    units: Vec<UnitRow>,
    /// (unit ordinal, stem id, count), in unit order.
    term_counts: Vec<(u32, u32, u32)>,
}

impl Aggregator {
    /// An empty aggregator.
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    fn stem_id(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.stem_ids.get(stem) {
            return id;
        }
        let id = self.stems.len() as u32;
        self.stems.push(stem.into());
        self.stem_ids.insert(stem.into(), id);
        id
    }

    /// Adds one analysed unit. Units must arrive in (document, unit index) order.
    pub fn add(&mut self, analysis: &UnitAnalysis) {
        let unit = &analysis.unit;
        let ordinal = self.units.len() as u32;
        self.units.push(UnitRow {
            unit_id: unit.id.clone(),
            document: unit.document.clone(),
            unit_index: unit.index,
            organisation: unit.organisation.clone(),
            organisation_source: unit.organisation_source,
            country: unit.country.clone(),
            country_source: unit.country_source,
            interviewees: (!unit.interviewees.is_empty()).then(|| unit.interviewees.join("; ")),
            title: unit.title.clone(),
            language: analysis.language.code().to_string(),
            start_byte: unit.start_byte as u64,
            end_byte: unit.end_byte as u64,
            n_sentences: analysis.sentences.len() as u64,
            n_tokens: analysis.n_tokens,
            n_content_tokens: analysis.n_content_tokens,
            n_types: analysis.n_types,
            extra: unit.extra.clone(),
        });
        let mut per_stem: BTreeMap<&str, u32> = BTreeMap::new();
        for s in &analysis.surfaces {
            *per_stem.entry(s.stem.as_str()).or_default() += s.count;
            let id = self.stem_id(&s.stem);
            match self.surfaces.get_mut(s.surface.as_str()) {
                Some(entry) => entry.1 += u64::from(s.count),
                None => {
                    self.surfaces
                        .insert(s.surface.as_str().into(), (id, u64::from(s.count)));
                }
            }
        }
        for (stem, count) in per_stem {
            let id = self.stem_id(stem);
            self.term_counts.push((ordinal, id, count));
        }
    }

    /// Number of units added so far.
    pub fn n_units(&self) -> usize {
        self.units.len()
    }

    /// Computes every table.
    pub fn finish(self) -> Aggregates {
        // Readable term: the most frequent surface form of each stem (ties: alphabetical).
        let mut best: Vec<Option<(&str, u64)>> = vec![None; self.stems.len()];
        for (surface, &(id, count)) in &self.surfaces {
            let slot = &mut best[id as usize];
            let better = match slot {
                None => true,
                Some((s, c)) => count > *c || (count == *c && &**surface < *s),
            };
            if better {
                *slot = Some((surface, count));
            }
        }
        let terms: Vec<&str> = best
            .iter()
            .zip(&self.stems)
            .map(|(b, stem)| b.map_or(&**stem, |(s, _)| s))
            .collect();

        let term_counts = self
            .term_counts
            .iter()
            .map(|&(unit, stem, count)| TermCountRow {
                unit_id: self.units[unit as usize].unit_id.clone(),
                stem: self.stems[stem as usize].to_string(),
                term: terms[stem as usize].to_string(),
                count: u64::from(count),
            })
            .collect();

        let terms_by_organisation = self.group_rows(&terms, |u| u.organisation.clone(), true);
        let terms_by_country = self.group_rows(&terms, |u| u.country.clone(), false);
        Aggregates {
            units: self.units,
            term_counts,
            terms_by_organisation,
            terms_by_country,
        }
    }

    fn group_rows(
        &self,
        terms: &[&str],
        key: impl Fn(&UnitRow) -> Option<String>,
        with_country: bool,
    ) -> Vec<GroupTermRow> {
        #[derive(Default)]
        struct Group {
            stems: FxHashMap<u32, (u64, u64)>,
            tokens: u64,
            countries: BTreeSet<String>,
        }
        let mut groups: BTreeMap<Option<String>, Group> = BTreeMap::new();
        let mut unit_group: Vec<Option<String>> = Vec::with_capacity(self.units.len());
        for u in &self.units {
            let k = key(u);
            let g = groups.entry(k.clone()).or_default();
            g.tokens += u.n_content_tokens;
            if let Some(c) = &u.country {
                g.countries.insert(c.clone());
            }
            unit_group.push(k);
        }
        let mut corpus: FxHashMap<u32, u64> = FxHashMap::default();
        for &(unit, stem, count) in &self.term_counts {
            let g = groups
                .get_mut(&unit_group[unit as usize])
                .expect("every unit's group was created above");
            let entry = g.stems.entry(stem).or_default();
            entry.0 += u64::from(count);
            entry.1 += 1;
            *corpus.entry(stem).or_default() += u64::from(count);
        }
        let mut groups_with: FxHashMap<u32, usize> = FxHashMap::default();
        for g in groups.values() {
            for &stem in g.stems.keys() {
                *groups_with.entry(stem).or_default() += 1;
            }
        }
        let corpus_tokens: u64 = groups.values().map(|g| g.tokens).sum();
        let n_groups = groups.len();
        let mut rows = Vec::new();
        for (name, g) in &groups {
            let mut stems: Vec<(u32, u64, u64)> =
                g.stems.iter().map(|(&s, &(c, u))| (s, c, u)).collect();
            stems.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| self.stems[a.0 as usize].cmp(&self.stems[b.0 as usize]))
            });
            let country = (with_country && !g.countries.is_empty())
                .then(|| g.countries.iter().cloned().collect::<Vec<_>>().join("; "));
            for (rank, (stem, count, units)) in stems.into_iter().enumerate() {
                let rest = corpus[&stem] - count;
                let keyness = stats::keyness(count, g.tokens, rest, corpus_tokens - g.tokens);
                rows.push(GroupTermRow {
                    group: name.clone(),
                    country: country.clone(),
                    stem: self.stems[stem as usize].to_string(),
                    term: terms[stem as usize].to_string(),
                    count,
                    per_10k: if g.tokens == 0 {
                        0.0
                    } else {
                        count as f64 * 10_000.0 / g.tokens as f64
                    },
                    units,
                    tf_idf: stats::tf_idf(count, n_groups, groups_with[&stem]),
                    keyness_g2: keyness.map(|k| k.0),
                    log_ratio: keyness.map(|k| k.1),
                    rank: rank as u64 + 1,
                });
            }
        }
        rows
    }
}
