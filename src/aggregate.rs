//! Aggregation: additive counts per unit first, then groupings (organisation, country), then
//! the statistics that need the whole corpus (readable terms, tf-idf, keyness, ranks).
//!
//! Input: [`UnitAnalysis`] records, in unit order. Output: [`Aggregates`] rows for the
//! `units`, `term_counts`, `terms_by_organisation` and `terms_by_country` tables. The additive
//! part (per-unit rows, per-unit stem counts, corpus surface counts) is kept apart from what
//! is computed at the end, so shards of a corpus can be summed before the statistics.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::intern::Interner;
use crate::pair_counts::PairCounts;
use crate::record::{Source, UnitAnalysis};
use crate::spill_file::SpillFile;
use crate::stats;
use crate::surface_table::SurfaceTable;
use crate::themes::ThemeDictionary;
use crate::themes::collocations::{CollocationRow, NgramTotals, collocation_rows};
use crate::themes::cooccur::CoocRow;
use crate::themes::patterns::{PatternRow, PatternStatsTable};

mod theme_tables;

use theme_tables::{Groups, ThemeGroup};
pub use theme_tables::{ThemeCooccurrence, ThemesByGroup};

/// One row of the `units` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// One row of `term_counts`, borrowing its strings from the [`Aggregator`].
#[derive(Debug, Clone, PartialEq)]
pub struct TermCountRow<'a> {
    /// Unit.
    pub unit_id: &'a str,
    /// Snowball stem.
    pub stem: &'a str,
    /// Most frequent surface form of the stem in the corpus.
    pub term: &'a str,
    /// Occurrences in the unit.
    pub count: u64,
}

/// One row of `terms_by_organisation` or `terms_by_country`, borrowing its strings from the
/// [`Aggregator`] (the group's, shared by its rows).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTermRow<'a> {
    /// The group's value (organisation or country); `None` for units where it is unknown.
    pub group: Option<Arc<str>>,
    /// For organisations: their countries, joined with `; `.
    pub country: Option<Arc<str>>,
    /// Snowball stem.
    pub stem: &'a str,
    /// Readable surface form.
    pub term: &'a str,
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

/// One row of `themes_by_organisation` or `themes_by_country`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeGroupRow {
    /// The group's value (null: units where it is unknown).
    pub group: Option<String>,
    /// For organisations: their countries, joined with `; `.
    pub country: Option<String>,
    /// Theme name.
    pub theme: String,
    /// Matches of the theme in the group.
    pub hits: u64,
    /// Sentences of the group holding at least one match.
    pub sentences: u64,
    /// `sentences` / all sentences of the group.
    pub share_of_sentences: f64,
    /// Matches per 10,000 content tokens of the group.
    pub per_10k: f64,
    /// Signed G² of the theme's matches in the group against the rest (null: one group).
    pub keyness_g2: Option<f64>,
}

/// One row of `theme_cooccurrence`: a group's pair of themes, by name, with its statistics
/// (`stats.theme_a`/`theme_b` are dictionary indices; `a_total` belongs to `theme_a`).
#[derive(Debug, Clone, PartialEq)]
pub struct CooccurrenceRow {
    /// `organisation`, `country` or `corpus`.
    pub scope: &'static str,
    /// The group (`*` for the corpus; null for units where it is unknown).
    pub group: Option<String>,
    /// First theme (alphabetically).
    pub theme_a: String,
    /// Second theme.
    pub theme_b: String,
    /// Window counts and association statistics.
    pub stats: CoocRow,
}

/// One row of `collocations_by_organisation`, borrowing its strings from the [`Aggregator`].
#[derive(Debug, Clone, PartialEq)]
pub struct CollocationGroupRow<'a> {
    /// Organisation (null: unknown).
    pub organisation: Option<&'a str>,
    /// Its countries, joined with `; `.
    pub country: Option<Arc<str>>,
    /// The phrase.
    pub phrase: &'a str,
    /// Words in the phrase.
    pub n: u8,
    /// Occurrences in the organisation's units.
    pub count: u64,
}

/// The `term_counts` table, whose rows (one per unit and stem, the largest table) are read
/// back from the [`Aggregator`]'s temporary file and built in chunks as they are written, so
/// they are never all in memory.
#[derive(Debug, Clone)]
pub struct TermCounts<'a> {
    /// (unit ordinal, stem id, count), by unit and stem.
    counts: &'a SpillFile<(u32, u32, u32)>,
    units: &'a [UnitRow],
    stems: &'a Interner,
    terms: Arc<[&'a str]>,
}

impl<'a> TermCounts<'a> {
    /// The rows, in chunks of at most `rows` rows, in order.
    ///
    /// # Errors
    /// A chunk that cannot be read back from the temporary file is an error.
    pub fn chunks(
        &self,
        rows: usize,
    ) -> impl Iterator<Item = io::Result<Vec<TermCountRow<'a>>>> + '_ {
        self.counts.chunks(rows).map(|chunk| {
            let stems = self.stems;
            Ok(chunk?
                .into_iter()
                .map(|(unit, stem, count)| TermCountRow {
                    unit_id: &self.units[unit as usize].unit_id,
                    stem: stems.resolve(stem),
                    term: self.terms[stem as usize],
                    count: u64::from(count),
                })
                .collect())
        })
    }
}

/// A group of a term × group table; its rows are in the table's temporary file.
#[derive(Debug, Clone)]
struct TermGroup<'a> {
    name: Option<&'a str>,
    country: Option<Arc<str>>,
    /// Content tokens.
    tokens: u64,
    /// Its first row in the file, and its number of rows.
    start: u64,
    rows: u64,
}

/// A term × group table (`terms_by_organisation`, `terms_by_country`): the groups, in order,
/// with their rows' counts in a temporary file (stem id, units, count: 16 bytes a row, each
/// group's by count descending, then stem) and the corpus totals; rows with their statistics
/// are built in chunks of groups as they are written.
#[derive(Debug)]
pub struct GroupTerms<'a> {
    groups: Vec<TermGroup<'a>>,
    /// (stem id, units, count) of each group in turn.
    rows: SpillFile<(u32, u32, u64)>,
    stems: &'a Interner,
    terms: Arc<[&'a str]>,
    /// Corpus count of each stem, by id.
    corpus: Vec<u64>,
    /// Groups holding each stem, by id.
    groups_with: Vec<u64>,
    corpus_tokens: u64,
}

impl<'a> GroupTerms<'a> {
    /// The rows, in chunks of whole groups of about `rows` rows, in order.
    ///
    /// # Errors
    /// A chunk that cannot be read back from the temporary file is an error.
    pub fn chunks(
        &self,
        rows: usize,
    ) -> impl Iterator<Item = io::Result<Vec<GroupTermRow<'a>>>> + '_ {
        let sizes: Vec<usize> = self.groups.iter().map(|g| g.rows as usize).collect();
        whole_groups(sizes, rows).map(move |(range, size)| {
            // The groups of a chunk are consecutive in the file.
            let start = self.groups[range.start].start;
            let mut records = Vec::with_capacity(size);
            self.rows
                .read_into(start..start + size as u64, &mut records)?;
            let mut chunk = Vec::with_capacity(size);
            let mut at = 0;
            for g in &self.groups[range] {
                let end = at + g.rows as usize;
                self.group_rows(g, &records[at..end], &mut chunk);
                at = end;
            }
            Ok(chunk)
        })
    }

    fn group_rows(
        &self,
        g: &TermGroup<'a>,
        records: &[(u32, u32, u64)],
        out: &mut Vec<GroupTermRow<'a>>,
    ) {
        let stems = self.stems;
        let n_groups = self.groups.len() as u64;
        let group: Option<Arc<str>> = g.name.map(Arc::from);
        let rest_tokens = self.corpus_tokens - g.tokens;
        for (rank, &(stem, units, count)) in records.iter().enumerate() {
            let rest = self.corpus[stem as usize] - count;
            // With a single group there is no rest to compare with: null, not 0.
            let keyness = (g.tokens > 0 && rest_tokens > 0)
                .then(|| stats::keyness(count, g.tokens, rest, rest_tokens));
            out.push(GroupTermRow {
                group: group.clone(),
                country: g.country.clone(),
                stem: stems.resolve(stem),
                term: self.terms[stem as usize],
                count,
                per_10k: if g.tokens == 0 {
                    0.0
                } else {
                    count as f64 * 10_000.0 / g.tokens as f64
                },
                units: u64::from(units),
                tf_idf: stats::tf_idf(count, n_groups, self.groups_with[stem as usize]),
                keyness_g2: keyness.map(|k| k.0),
                log_ratio: keyness.map(|k| k.1),
                rank: rank as u64 + 1,
            });
        }
    }
}

/// Consecutive ranges of groups whose `sizes` (rows) add up to about `rows` (at least one
/// group each), with their number of rows: how a table of whole groups is cut into chunks.
fn whole_groups(
    sizes: Vec<usize>,
    rows: usize,
) -> impl Iterator<Item = (std::ops::Range<usize>, usize)> {
    let mut next = 0;
    std::iter::from_fn(move || {
        let first = next;
        let mut size = 0;
        while next < sizes.len() && (size == 0 || size + sizes[next] <= rows) {
            size += sizes[next];
            next += 1;
        }
        (next > first).then_some((first..next, size))
    })
}

/// An organisation with listed phrases; its rows are in the table's temporary file.
#[derive(Debug, Clone)]
struct OrganisationPhrases<'a> {
    organisation: Option<&'a str>,
    /// Its countries, joined with `; `.
    country: Option<Arc<str>>,
    /// Its first row in the file, and its number of rows.
    start: u64,
    rows: u64,
}

/// The `collocations_by_organisation` table: the organisations with listed phrases, by name,
/// with their rows' counts in a temporary file (phrase id, count: 8 bytes a row, each
/// organisation's by count descending, then phrase); rows are built in chunks of
/// organisations as they are written.
#[derive(Debug)]
pub struct CollocationsByOrganisation<'a> {
    organisations: Vec<OrganisationPhrases<'a>>,
    /// (phrase id, count) of each organisation, in the order of their first counted pair.
    rows: SpillFile<(u32, u32)>,
    phrases: &'a Interner,
    /// Words in each phrase, by phrase id.
    words: &'a [(u64, u8)],
}

impl<'a> CollocationsByOrganisation<'a> {
    /// The rows, in chunks of whole organisations of about `rows` rows, in order.
    ///
    /// # Errors
    /// A chunk that cannot be read back from the temporary file is an error.
    pub fn chunks(
        &self,
        rows: usize,
    ) -> impl Iterator<Item = io::Result<Vec<CollocationGroupRow<'a>>>> + '_ {
        let sizes: Vec<usize> = self.organisations.iter().map(|o| o.rows as usize).collect();
        whole_groups(sizes, rows).map(move |(range, size)| {
            let phrases = self.phrases;
            let mut chunk = Vec::with_capacity(size);
            let mut counts = Vec::new();
            for o in &self.organisations[range] {
                counts.clear();
                self.rows
                    .read_into(o.start..o.start + o.rows, &mut counts)?;
                chunk.extend(counts.iter().map(|&(phrase, count)| CollocationGroupRow {
                    organisation: o.organisation,
                    country: o.country.clone(),
                    phrase: phrases.resolve(phrase),
                    n: self.words[phrase as usize].1,
                    count: u64::from(count),
                }));
            }
            Ok(chunk)
        })
    }
}

/// All aggregated rows, sorted as the contract says, borrowing from the [`Aggregator`].
#[derive(Debug)]
pub struct Aggregates<'a> {
    /// `units`, by document and unit index.
    pub units: &'a [UnitRow],
    /// `term_counts`, by unit and stem, built chunk by chunk as it is written.
    pub term_counts: TermCounts<'a>,
    /// `terms_by_organisation`, by organisation and rank, built chunk by chunk.
    pub terms_by_organisation: GroupTerms<'a>,
    /// `terms_by_country`, by country and rank, built chunk by chunk.
    pub terms_by_country: GroupTerms<'a>,
    /// `themes_by_organisation`, by organisation and theme, built chunk by chunk.
    pub themes_by_organisation: ThemesByGroup<'a>,
    /// `themes_by_country`, by country and theme, built chunk by chunk.
    pub themes_by_country: ThemesByGroup<'a>,
    /// `theme_cooccurrence`, by scope, group, theme_a, theme_b, built chunk by chunk.
    pub theme_cooccurrence: ThemeCooccurrence<'a>,
    /// `theme_patterns`, by theme and pattern.
    pub theme_patterns: Vec<PatternRow>,
    /// `collocations`, by count descending and phrase.
    pub collocations: Vec<CollocationRow>,
    /// `collocations_by_organisation`, by organisation, count descending and phrase, built
    /// chunk by chunk as it is written.
    pub collocations_by_organisation: CollocationsByOrganisation<'a>,
}

/// The tables of [`Aggregates`] computed apart from the term tables.
struct ThemeTables<'a> {
    themes_by_organisation: ThemesByGroup<'a>,
    themes_by_country: ThemesByGroup<'a>,
    theme_cooccurrence: ThemeCooccurrence<'a>,
    theme_patterns: Vec<PatternRow>,
    collocations: Vec<CollocationRow>,
    collocations_by_organisation: CollocationsByOrganisation<'a>,
}

/// Accumulates units; [`Aggregator::finish`] computes the tables.
///
/// Everything it holds is additive: the aggregators of disjoint sets of documents (shards)
/// are serialised and summed with [`Aggregator::absorb`] into the one a single run builds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Aggregator {
    stems: Interner,
    /// Occurrences of each (surface form, stem) pair, with the stem's id.
    surfaces: SurfaceTable,
    units: Vec<UnitRow>,
    /// (unit ordinal, stem id, count), in unit order: the largest aggregate, in a temporary
    /// file past a few hundred thousand rows.
    term_counts: SpillFile<(u32, u32, u32)>,
    themes_by_organisation: Groups,
    themes_by_country: Groups,
    themes_corpus: ThemeGroup,
    patterns: PatternStatsTable,
    /// Interned organisations (`None`: unknown) and n-gram phrases, so that the counts of
    /// every (organisation, phrase) pair, the largest aggregate, take 12 bytes a pair.
    organisation_ids: FxHashMap<Option<String>, u32>,
    organisations: Vec<Option<String>>,
    phrases: Interner,
    /// Corpus count and number of words of each phrase, by phrase id.
    phrase_counts: Vec<(u64, u8)>,
    bigram_positions: u64,
    trigram_positions: u64,
    /// (organisation id, phrase id) → count; spilled to disk past a few million pairs.
    collocations_by_organisation: PairCounts,
    /// Where temporary files go (the system's temporary folder when `None`).
    #[serde(skip)]
    spill_dir: Option<PathBuf>,
}

impl Aggregator {
    /// An empty aggregator.
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// Writes the temporary files of counts that outgrow memory to `dir` (the system's
    /// temporary folder by default).
    pub fn spill_to(&mut self, dir: PathBuf) {
        self.collocations_by_organisation.spill_to(dir.clone());
        self.term_counts.spill_to(dir.clone());
        self.spill_dir = Some(dir);
    }

    fn organisation_id(&mut self, organisation: &Option<String>) -> u32 {
        if let Some(&id) = self.organisation_ids.get(organisation) {
            return id;
        }
        let id = self.organisations.len() as u32;
        self.organisations.push(organisation.clone());
        self.organisation_ids.insert(organisation.clone(), id);
        id
    }

    fn phrase_id(&mut self, phrase: &str, words: u8) -> u32 {
        let id = self.phrases.intern(phrase);
        if id as usize == self.phrase_counts.len() {
            self.phrase_counts.push((0, words));
        }
        id
    }

    /// Adds one analysed unit. Units must arrive in (document, unit index) order.
    ///
    /// # Errors
    /// When counts that outgrow memory cannot be written to their temporary file.
    pub fn add(&mut self, analysis: &UnitAnalysis) -> io::Result<()> {
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
        // Surfaces come sorted by stem: one row per run of the same stem, written when the
        // run ends.
        let mut run: Option<(&str, u32, u32)> = None;
        for s in analysis.surfaces.iter() {
            let stems = &mut self.stems;
            let id = self
                .surfaces
                .add(s.surface, s.stem, u64::from(s.count), || {
                    stems.intern(s.stem)
                });
            match &mut run {
                Some((stem, _, count)) if *stem == s.stem => *count += s.count,
                _ => {
                    if let Some((_, id, count)) = run.replace((s.stem, id, s.count)) {
                        self.term_counts.push((ordinal, id, count))?;
                    }
                }
            }
        }
        if let Some((_, id, count)) = run {
            self.term_counts.push((ordinal, id, count))?;
        }
        // Themes: hits and sentences with hits, per theme.
        let mut per_theme: BTreeMap<u16, (u64, u64)> = BTreeMap::new();
        let mut seen: BTreeSet<(u32, u16)> = BTreeSet::new();
        for hit in &analysis.theme_hits {
            let entry = per_theme.entry(hit.theme).or_default();
            entry.0 += 1;
            if seen.insert((hit.sentence_index, hit.theme)) {
                entry.1 += 1;
            }
        }
        self.themes_by_organisation
            .entry(unit.organisation.clone())
            .or_default()
            .add(analysis, &per_theme);
        self.themes_by_country
            .entry(unit.country.clone())
            .or_default()
            .add(analysis, &per_theme);
        self.themes_corpus.add(analysis, &per_theme);
        self.patterns.add_unit(&analysis.theme_hits);
        let organisation = self.organisation_id(&unit.organisation);
        let ngrams = &analysis.collocations;
        self.bigram_positions += ngrams.bigram_positions;
        self.trigram_positions += ngrams.trigram_positions;
        let bigrams = ngrams.bigrams.iter().map(|(p, &n)| (p, n, 2));
        let trigrams = ngrams.trigrams.iter().map(|(p, &n)| (p, n, 3));
        for (phrase, n, words) in bigrams.chain(trigrams) {
            let phrase = self.phrase_id(phrase, words);
            self.phrase_counts[phrase as usize].0 += n;
            self.collocations_by_organisation
                .add((organisation, phrase), u32::try_from(n).unwrap_or(u32::MAX))?;
        }
        Ok(())
    }

    /// Adds the units of another aggregator, built over other documents (another shard of
    /// the corpus). Units are kept in (document, unit index) order, the order of a single
    /// run over all the documents, so absorbing shards in any order gives the same tables.
    ///
    /// # Errors
    /// When counts that outgrow memory cannot be written or read back.
    pub fn absorb(&mut self, other: Aggregator) -> io::Result<()> {
        let stems: Vec<u32> = other
            .stems
            .strings()
            .map(|s| self.stems.intern(s))
            .collect();
        for (surface, stem, id, n) in other.surfaces.pairs() {
            self.surfaces.add(surface, stem, n, || stems[id as usize]);
        }
        // Interleave the units of both by (document, unit index); both lists are in order.
        let (mine, theirs) = (std::mem::take(&mut self.units), other.units);
        let mut new_mine = Vec::with_capacity(mine.len());
        let mut new_theirs = Vec::with_capacity(theirs.len());
        let mut units = Vec::with_capacity(mine.len() + theirs.len());
        let (mut a, mut b) = (mine.into_iter().peekable(), theirs.into_iter().peekable());
        loop {
            let take_mine = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => (&x.document, x.unit_index) <= (&y.document, y.unit_index),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let (unit, map) = if take_mine {
                (a.next(), &mut new_mine)
            } else {
                (b.next(), &mut new_theirs)
            };
            map.push(units.len() as u32);
            units.extend(unit);
        }
        self.units = units;
        // Both lists of rows are in unit order, and stay so with the new ordinals: merged
        // by unit, a unit's rows keep their (alphabetical) order.
        let mine = self.term_counts.chunks(READ_RECORDS).map(|chunk| {
            chunk.map(|rows| {
                rows.into_iter()
                    .map(|(u, s, c)| (new_mine[u as usize], s, c))
                    .collect()
            })
        });
        let theirs = other.term_counts.chunks(READ_RECORDS).map(|chunk| {
            chunk.map(|rows| {
                rows.into_iter()
                    .map(|(u, s, c)| (new_theirs[u as usize], stems[s as usize], c))
                    .collect()
            })
        });
        let mut term_counts = SpillFile::in_dir(self.spill_dir.clone());
        merge_by_unit(mine, theirs, &mut term_counts)?;
        self.term_counts = term_counts;
        for (into, from) in [
            (
                &mut self.themes_by_organisation,
                &other.themes_by_organisation,
            ),
            (&mut self.themes_by_country, &other.themes_by_country),
        ] {
            for (group, counts) in from {
                into.entry(group.clone()).or_default().merge(counts);
            }
        }
        self.themes_corpus.merge(&other.themes_corpus);
        self.patterns.merge(&other.patterns);
        self.bigram_positions += other.bigram_positions;
        self.trigram_positions += other.trigram_positions;
        let organisations: Vec<u32> = other
            .organisations
            .iter()
            .map(|o| self.organisation_id(o))
            .collect();
        let phrases: Vec<u32> = other
            .phrases
            .strings()
            .zip(&other.phrase_counts)
            .map(|(phrase, &(n, words))| {
                let id = self.phrase_id(phrase, words);
                self.phrase_counts[id as usize].0 += n;
                id
            })
            .collect();
        for pair in other.collocations_by_organisation.sorted() {
            let ((organisation, phrase), n) = pair?;
            self.collocations_by_organisation.add(
                (
                    organisations[organisation as usize],
                    phrases[phrase as usize],
                ),
                n,
            )?;
        }
        Ok(())
    }

    /// Gives back the memory reserved for units still to come (before [`Aggregator::finish`]).
    pub fn shrink_to_fit(&mut self) {
        self.units.shrink_to_fit();
        self.phrase_counts.shrink_to_fit();
    }

    /// Checks what reading a serialised aggregator cannot: that each surface form's stem id
    /// names its stem.
    ///
    /// # Errors
    /// The first surface form whose stem id is wrong.
    pub fn check(&self) -> Result<(), String> {
        for (surface, stem, id, _) in self.surfaces.pairs() {
            if (id as usize) >= self.stems.len() || self.stems.resolve(id) != stem {
                return Err(format!(
                    "surface `{surface}` names stem {id}, which is not `{stem}`"
                ));
            }
        }
        Ok(())
    }

    /// Number of units added so far.
    pub fn n_units(&self) -> usize {
        self.units.len()
    }

    /// Computes every table.
    ///
    /// # Errors
    /// When counts spilled to temporary files cannot be read back.
    pub fn finish(
        &self,
        themes: &ThemeDictionary,
        collocation_min_count: u64,
    ) -> io::Result<Aggregates<'_>> {
        // Readable term: the most frequent surface form of each stem (ties: alphabetical).
        let terms: Arc<[&str]> = self
            .surfaces
            .most_frequent(self.stems.len())
            .into_iter()
            .zip(self.stems.strings())
            .map(|(surface, stem)| surface.unwrap_or(stem))
            .collect();

        // Each stem's place in alphabetical order, to sort a group's stems by.
        let mut by_name: Vec<u32> = (0..self.stems.len() as u32).collect();
        by_name.par_sort_unstable_by_key(|&id| self.stems.resolve(id));
        let mut stem_ranks = vec![0u32; by_name.len()];
        for (rank, &id) in by_name.iter().enumerate() {
            stem_ranks[id as usize] = rank as u32;
        }
        drop(by_name);

        // Independent tables, computed in parallel (each reads the per-unit counts from the
        // temporary file on its own).
        let ((terms_by_organisation, terms_by_country), other) = rayon::join(
            || {
                rayon::join(
                    || self.group_terms(&terms, &stem_ranks, |u| u.organisation.as_deref(), true),
                    || self.group_terms(&terms, &stem_ranks, |u| u.country.as_deref(), false),
                )
            },
            || self.theme_and_collocation_rows(themes, collocation_min_count),
        );
        let (terms_by_organisation, terms_by_country) = (terms_by_organisation?, terms_by_country?);
        let other = other?;
        Ok(Aggregates {
            term_counts: TermCounts {
                counts: &self.term_counts,
                units: &self.units,
                stems: &self.stems,
                terms,
            },
            terms_by_organisation,
            terms_by_country,
            units: &self.units,
            themes_by_organisation: other.themes_by_organisation,
            themes_by_country: other.themes_by_country,
            theme_cooccurrence: other.theme_cooccurrence,
            theme_patterns: other.theme_patterns,
            collocations: other.collocations,
            collocations_by_organisation: other.collocations_by_organisation,
        })
    }

    /// Every table but the units and term tables.
    fn theme_and_collocation_rows(
        &self,
        themes: &ThemeDictionary,
        collocation_min_count: u64,
    ) -> io::Result<ThemeTables<'_>> {
        let org_countries = self.organisation_countries();
        let names: Vec<&str> = themes.themes().iter().map(|t| t.name()).collect();
        let themes_by_country = ThemesByGroup::new(&self.themes_by_country, &names, None, true);
        let theme_cooccurrence = ThemeCooccurrence::new(
            &self.themes_corpus,
            &self.themes_by_country,
            &self.themes_by_organisation,
            &names,
        );

        let mut theme_patterns = self.patterns.rows(themes);
        theme_patterns.sort_by(|a, b| {
            (&a.theme, &a.pattern, &a.language).cmp(&(&b.theme, &b.pattern, &b.language))
        });

        let mut totals = NgramTotals {
            bigram_positions: self.bigram_positions,
            trigram_positions: self.trigram_positions,
            ..NgramTotals::default()
        };
        for (phrase, &(n, words)) in self.phrases.strings().zip(&self.phrase_counts) {
            let list = if words == 2 {
                &mut totals.bigrams
            } else {
                &mut totals.trigrams
            };
            list.push((phrase, n));
        }
        let collocations = collocation_rows(&totals, collocation_min_count);
        drop(totals);
        // Listed phrases by id, with their place in alphabetical order (`NOT_LISTED` for the
        // others): only their per-organisation counts become rows, sorted by count and then
        // by that place, so that sorting compares no strings.
        const NOT_LISTED: u32 = u32::MAX;
        let mut listed: Vec<u32> = collocations
            .iter()
            .filter_map(|r| self.phrases.get(&r.phrase))
            .collect();
        listed.sort_unstable_by_key(|&id| self.phrases.resolve(id));
        let mut phrase_ranks = vec![NOT_LISTED; self.phrases.len()];
        for (rank, &id) in listed.iter().enumerate() {
            phrase_ranks[id as usize] = rank as u32;
        }
        drop(listed);
        // The pairs come by organisation id: each organisation's listed phrases are sorted
        // and written to the file in turn, and the organisations then taken in name order.
        let mut rows = SpillFile::in_dir(self.spill_dir.clone());
        let mut ranges: Vec<(u64, u64)> = vec![(0, 0); self.organisations.len()];
        let by_count_then_phrase = |a: &(u32, u32), b: &(u32, u32)| {
            b.1.cmp(&a.1)
                .then_with(|| phrase_ranks[a.0 as usize].cmp(&phrase_ranks[b.0 as usize]))
        };
        for_each_group(
            self.collocations_by_organisation.sorted(),
            |organisation, counts| {
                counts.retain(|&(phrase, _)| phrase_ranks[phrase as usize] != NOT_LISTED);
                ranges[organisation as usize] =
                    append_sorted(&mut rows, counts, by_count_then_phrase)?;
                Ok(())
            },
        )?;
        let mut order: Vec<usize> = (0..self.organisations.len()).collect();
        order.sort_by_key(|&i| &self.organisations[i]);
        let mut organisations = Vec::new();
        for i in order {
            let organisation = &self.organisations[i];
            let (start, n) = ranges[i];
            if n == 0 {
                continue;
            }
            let country: Option<Arc<str>> = org_countries
                .get(organisation)
                .cloned()
                .flatten()
                .map(Arc::from);
            organisations.push(OrganisationPhrases {
                organisation: organisation.as_deref(),
                country,
                start,
                rows: n,
            });
        }
        let collocations_by_organisation = CollocationsByOrganisation {
            organisations,
            rows,
            phrases: &self.phrases,
            words: &self.phrase_counts,
        };

        let themes_by_organisation = ThemesByGroup::new(
            &self.themes_by_organisation,
            &names,
            Some(org_countries),
            false,
        );
        Ok(ThemeTables {
            themes_by_organisation,
            themes_by_country,
            theme_cooccurrence,
            theme_patterns,
            collocations,
            collocations_by_organisation,
        })
    }

    /// Each organisation's countries, joined with `; `.
    fn organisation_countries(&self) -> BTreeMap<Option<String>, Option<String>> {
        let mut countries: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
        for u in &self.units {
            let entry = countries.entry(u.organisation.clone()).or_default();
            if let Some(c) = &u.country {
                entry.insert(c.clone());
            }
        }
        countries
            .into_iter()
            .map(|(org, set)| {
                let joined =
                    (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>().join("; "));
                (org, joined)
            })
            .collect()
    }

    /// A term × group table: the groups are the distinct values of `key` over the units
    /// (null for units where it is unknown), in order.
    fn group_terms<'a>(
        &'a self,
        terms: &Arc<[&'a str]>,
        stem_ranks: &[u32],
        key: impl Fn(&'a UnitRow) -> Option<&'a str>,
        with_country: bool,
    ) -> io::Result<GroupTerms<'a>> {
        // Each unit's group, numbered in the groups' order: one lookup per unit, not per
        // counted stem.
        let mut index: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for u in &self.units {
            index.entry(key(u)).or_default();
        }
        for (i, slot) in index.values_mut().enumerate() {
            *slot = i;
        }
        let unit_group: Vec<u32> = self.units.iter().map(|u| index[&key(u)] as u32).collect();
        let mut tokens = vec![0u64; index.len()];
        let mut countries: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); index.len()];
        for (u, &g) in self.units.iter().zip(&unit_group) {
            tokens[g as usize] += u.n_content_tokens;
            if let Some(c) = &u.country {
                countries[g as usize].insert(c);
            }
        }
        // (group, stem) → (units, count), summed over every unit × stem; spilled to sorted
        // runs past a few million pairs and read back in (group, stem) order, so group by
        // group in the groups' order.
        let mut sums: PairCounts<(u32, u64)> = PairCounts::new();
        if let Some(dir) = &self.spill_dir {
            sums.spill_to(dir.clone());
        }
        for chunk in self.term_counts.chunks(READ_RECORDS) {
            for (unit, stem, count) in chunk? {
                sums.add((unit_group[unit as usize], stem), (1, u64::from(count)))?;
            }
        }
        drop(unit_group);
        // Each group's rows, sorted, go to the table's file in turn.
        let mut rows = SpillFile::in_dir(self.spill_dir.clone());
        let mut sizes = vec![0u64; index.len()];
        let mut corpus: Vec<u64> = vec![0; self.stems.len()];
        let mut groups_with: Vec<u64> = vec![0; self.stems.len()];
        // By count descending, then stem (by the stems' alphabetical ranks).
        let by_count_then_stem = |a: &(u32, u32, u64), b: &(u32, u32, u64)| {
            b.2.cmp(&a.2)
                .then_with(|| stem_ranks[a.0 as usize].cmp(&stem_ranks[b.0 as usize]))
        };
        let mut group: Vec<(u32, u32, u64)> = Vec::new();
        for_each_group(sums.sorted(), |g, stems| {
            for &(stem, (units, count)) in stems.iter() {
                group.push((stem, units, count));
                corpus[stem as usize] += count;
                groups_with[stem as usize] += 1;
            }
            sizes[g as usize] = append_sorted(&mut rows, &mut group, by_count_then_stem)?.1;
            Ok(())
        })?;
        drop(sums);
        let mut start = 0;
        let groups: Vec<TermGroup<'a>> = index
            .keys()
            .zip(sizes)
            .zip(tokens.iter().zip(&countries))
            .map(|((&name, n), (&tokens, countries))| {
                let group = TermGroup {
                    name,
                    country: (with_country && !countries.is_empty()).then(|| {
                        countries
                            .iter()
                            .copied()
                            .collect::<Vec<_>>()
                            .join("; ")
                            .into()
                    }),
                    tokens,
                    start,
                    rows: n,
                };
                start += n;
                group
            })
            .collect();
        Ok(GroupTerms {
            groups,
            rows,
            stems: &self.stems,
            terms: terms.clone(),
            corpus,
            groups_with,
            corpus_tokens: tokens.iter().sum(),
        })
    }
}

/// Records read from a temporary file at a time when it is read through.
const READ_RECORDS: usize = 1 << 16;

/// Walks pairs that come in key order one group at a time, a group being the pairs of one
/// first id: `group(first id, pairs)` gets each group's (second id, value) in order, in a
/// buffer it may change (it is emptied after).
fn for_each_group<V>(
    pairs: impl Iterator<Item = io::Result<(crate::pair_counts::Key, V)>>,
    mut group: impl FnMut(u32, &mut Vec<(u32, V)>) -> io::Result<()>,
) -> io::Result<()> {
    let mut items = Vec::new();
    let mut current: Option<u32> = None;
    for pair in pairs {
        let ((first, second), value) = pair?;
        if current != Some(first) {
            if let Some(previous) = current {
                group(previous, &mut items)?;
                items.clear();
            }
            current = Some(first);
        }
        items.push((second, value));
    }
    if let Some(previous) = current {
        group(previous, &mut items)?;
    }
    Ok(())
}

/// Sorts `records` by `order`, appends them to `rows` and empties `records`; returns where
/// they start in `rows`, and how many they are.
fn append_sorted<R: crate::spill_file::FixedBytes>(
    rows: &mut SpillFile<R>,
    records: &mut Vec<R>,
    order: impl Fn(&R, &R) -> std::cmp::Ordering,
) -> io::Result<(u64, u64)> {
    records.sort_unstable_by(order);
    let start = rows.len();
    rows.extend_from_slice(records)?;
    records.clear();
    Ok((start, rows.len() - start))
}

/// The rows of chunks of rows, one at a time (an error in place of a chunk that failed).
fn flat_rows<R>(
    chunks: impl Iterator<Item = io::Result<Vec<R>>>,
) -> impl Iterator<Item = io::Result<R>> {
    chunks.flat_map(|chunk| {
        let (rows, error) = match chunk {
            Ok(rows) => (rows, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        rows.into_iter().map(Ok).chain(error.map(Err))
    })
}

/// Merges two lists of (unit ordinal, stem id, count) rows, each in unit order and with no
/// unit in both, into `into`, in unit order.
fn merge_by_unit(
    a: impl Iterator<Item = io::Result<Vec<(u32, u32, u32)>>>,
    b: impl Iterator<Item = io::Result<Vec<(u32, u32, u32)>>>,
    into: &mut SpillFile<(u32, u32, u32)>,
) -> io::Result<()> {
    let (mut a, mut b) = (flat_rows(a), flat_rows(b));
    let (mut x, mut y) = (a.next().transpose()?, b.next().transpose()?);
    loop {
        let take_a = match (x, y) {
            (Some(p), Some(q)) => p.0 <= q.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return Ok(()),
        };
        if take_a {
            into.push(x.take().expect("matched"))?;
            x = a.next().transpose()?;
        } else {
            into.push(y.take().expect("matched"))?;
            y = b.next().transpose()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::{Analyser, Workspace};
    use crate::config::Config;
    use crate::record::{Document, DocumentMetadata};
    use crate::segment::Segmenter;

    /// Analysed units of a few documents, in (document, unit) order.
    fn analyses(config: &Config) -> Vec<UnitAnalysis> {
        let texts = [
            (
                "a.txt",
                "Interview with Ana Ruiz of Casa Segura\n\nWhat do you do?\n\nWe run two safe \
                 houses for trafficked women in Lima. Forced labour and domestic work are our \
                 focus.\n\nInterview with Jo Lee of Safe Home Network\n\nWhat changed?\n\nMigrant \
                 domestic workers in Manila face forced labour.\n",
            ),
            (
                "b.txt",
                "Interview with Mary Wanjiru, Haki Centre\n\nWhat do you do?\n\nWe support \
                 domestic workers in Nairobi and trafficked women returning from the Gulf.\n",
            ),
            (
                "c.txt",
                "Interview with Ana Ruiz of Casa Segura\n\nAnd now?\n\nForced labour in \
                 domestic work is still our focus, with safe houses for women.\n",
            ),
        ];
        let segmenter = Segmenter::new(config.segment.clone());
        let analyser = Analyser::new(config);
        let mut workspace = Workspace::default();
        let mut out = Vec::new();
        for (name, text) in texts {
            let document = Document {
                name: name.into(),
                path: name.into(),
                text: text.into(),
                metadata: DocumentMetadata::default(),
            };
            for unit in segmenter.segment(&document) {
                out.push(analyser.analyse(text, unit, &mut workspace));
            }
        }
        out
    }

    /// The rows of a table read back in chunks, as one comparable value.
    fn read_back<T: Clone + std::fmt::Debug>(
        chunks: impl Iterator<Item = io::Result<Vec<T>>>,
    ) -> String {
        let chunks = chunks
            .collect::<io::Result<Vec<_>>>()
            .expect("chunks read back");
        format!("{:?}", chunks.concat())
    }

    /// The rows of a table built in chunks, as one comparable value.
    fn built<T: Clone + std::fmt::Debug>(chunks: impl Iterator<Item = Vec<T>>) -> String {
        format!("{:?}", chunks.collect::<Vec<_>>().concat())
    }

    /// Every table of an aggregator, as comparable values.
    fn tables(aggregator: &Aggregator, config: &Config) -> Vec<String> {
        let a = aggregator.finish(&config.themes, 1).unwrap();
        vec![
            format!("{:?}", a.units),
            read_back(a.term_counts.chunks(3)),
            read_back(a.terms_by_organisation.chunks(5)),
            read_back(a.terms_by_country.chunks(5)),
            built(a.themes_by_organisation.chunks(7)),
            built(a.themes_by_country.chunks(1)),
            built(a.theme_cooccurrence.chunks(2)),
            format!("{:?}", a.theme_patterns),
            format!("{:?}", a.collocations),
            read_back(a.collocations_by_organisation.chunks(2)),
        ]
    }

    #[test]
    fn chunks_hold_whole_groups() {
        let chunks: Vec<_> = whole_groups(vec![3, 0, 4, 1, 5], 4).collect();
        assert_eq!(chunks, [(0..2, 3), (2..3, 4), (3..4, 1), (4..5, 5)]);
        assert_eq!(whole_groups(Vec::new(), 4).count(), 0);
    }

    #[test]
    fn absorbed_shards_equal_the_whole_in_any_order() {
        let config = Config::builtin();
        let units = analyses(&config);
        assert_eq!(units.len(), 4);
        let mut whole = Aggregator::new();
        for u in &units {
            whole.add(u).unwrap();
        }
        let expected = tables(&whole, &config);
        assert!(expected[1].contains("labour"), "{}", expected[1]);
        // Shards of whole documents: a.txt + c.txt, and b.txt (interleaved by document).
        let shard = |documents: &[&str]| {
            let mut a = Aggregator::new();
            for u in units
                .iter()
                .filter(|u| documents.contains(&u.unit.document.as_str()))
            {
                a.add(u).unwrap();
            }
            // Through the part format, as a merge reads it.
            postcard::from_bytes::<Aggregator>(&postcard::to_stdvec(&a).unwrap()).unwrap()
        };
        for order in [[0, 1], [1, 0]] {
            let mut shards = [Some(shard(&["a.txt", "c.txt"])), Some(shard(&["b.txt"]))];
            let mut merged = Aggregator::new();
            for i in order {
                merged
                    .absorb(shards[i].take().expect("each shard once"))
                    .unwrap();
            }
            assert_eq!(tables(&merged, &config), expected, "order {order:?}");
        }
    }

    #[test]
    fn check_finds_a_surface_with_the_wrong_stem_id() {
        let config = Config::builtin();
        let units = analyses(&config);
        let aggregator = || {
            let mut a = Aggregator::new();
            for u in &units {
                a.add(u).unwrap();
            }
            a
        };
        assert_eq!(aggregator().check(), Ok(()));
        // A stem id that names another stem.
        let mut a = aggregator();
        a.surfaces.add("Labour", "not-a-stem", 1, || 0);
        let err = a.check().unwrap_err();
        assert!(
            err.contains("`Labour`") && err.contains("`not-a-stem`"),
            "{err}"
        );
        // A stem id past the last stem.
        let mut a = aggregator();
        let past = a.stems.len() as u32;
        a.surfaces.add("WOMEN!", "women", 1, || past);
        assert!(a.check().is_err());
    }
}
