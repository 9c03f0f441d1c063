//! The output tables as polars DataFrames: one constructor per table, whose doc comment is its
//! schema (column, dtype, nullability, meaning). Column names are defined once, here, and are
//! the same in Parquet and CSV. Rows arrive already sorted as the contract says
//! (`DESIGN.md`, "Output tables"); these functions only lay them out in columns.

use polars::prelude::*;
use polars_arrow::bitmap::MutableBitmap;

use crate::aggregate::{
    CollocationGroupRow, CooccurrenceRow, GroupTermRow, TermCountRow, ThemeGroupRow, UnitRow,
};
use crate::analyse::entities::Entity;
use crate::analyse::figures::Figure;
use crate::analyse::years::YearMention;
use crate::record::Role;
use crate::themes::collocations::CollocationRow;
use crate::themes::patterns::PatternRow;

/// Table names, in the order they are written.
pub mod names {
    /// One row per unit.
    pub const UNITS: &str = "units";
    /// One row per sentence.
    pub const SENTENCES: &str = "sentences";
    /// One row per unit × stem.
    pub const TERM_COUNTS: &str = "term_counts";
    /// One row per organisation × stem.
    pub const TERMS_BY_ORGANISATION: &str = "terms_by_organisation";
    /// One row per country × stem.
    pub const TERMS_BY_COUNTRY: &str = "terms_by_country";
    /// One row per theme match.
    pub const THEME_HITS: &str = "theme_hits";
    /// One row per named-entity mention.
    pub const ENTITIES: &str = "entities";
    /// One row per numeric figure.
    pub const FIGURES: &str = "figures";
    /// One row per year mention.
    pub const YEARS: &str = "years";
    /// One row per organisation × theme.
    pub const THEMES_BY_ORGANISATION: &str = "themes_by_organisation";
    /// One row per country × theme.
    pub const THEMES_BY_COUNTRY: &str = "themes_by_country";
    /// One row per group × theme pair.
    pub const THEME_COOCCURRENCE: &str = "theme_cooccurrence";
    /// One row per dictionary pattern.
    pub const THEME_PATTERNS: &str = "theme_patterns";
    /// One row per multi-word term.
    pub const COLLOCATIONS: &str = "collocations";
    /// One row per organisation × multi-word term.
    pub const COLLOCATIONS_BY_ORGANISATION: &str = "collocations_by_organisation";
}

/// One row of the `entities` table: a unit's entity mention.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EntityRow {
    /// Unit.
    pub unit_id: String,
    /// The mention.
    pub entity: Entity,
}

/// One row of the `figures` table: a unit's figure with its sentence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FigureRow {
    /// Unit.
    pub unit_id: String,
    /// The figure.
    pub figure: Figure,
    /// The sentence holding it.
    pub sentence: String,
}

/// One row of the `years` table: a unit's year mention with its sentence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct YearRow {
    /// Unit.
    pub unit_id: String,
    /// The mention.
    pub year: YearMention,
    /// The sentence holding it.
    pub sentence: String,
}

/// One row of the `theme_hits` table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThemeHitRow {
    /// Unit.
    pub unit_id: String,
    /// Sentence of the match.
    pub sentence_index: u32,
    /// Theme name.
    pub theme: String,
    /// The dictionary pattern that matched.
    pub pattern: String,
    /// The matched words (normalised, joined by a space).
    pub term: String,
    /// Byte span start in the document.
    pub start_byte: u64,
    /// Byte span end in the document.
    pub end_byte: u64,
}

/// One row of the `sentences` table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SentenceRow {
    /// Unit.
    pub unit_id: String,
    /// 0-based index in the unit.
    pub sentence_index: u32,
    /// `question`, `answer` or `text`.
    pub role: Role,
    /// Byte span start in the document.
    pub start_byte: u64,
    /// Byte span end in the document.
    pub end_byte: u64,
    /// The sentence text.
    pub text: String,
}

// Columns are built straight from their values: the numbers into the vector the column then
// owns, the strings into polars' string array, with no intermediate copy.

fn strings<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    StringChunked::from_iter_values(name.into(), values).into_column()
}

fn optional_strings<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Column {
    StringChunked::from_iter_options(name.into(), values).into_column()
}

/// Counts and offsets are written as signed 64-bit integers: Spark and some older readers
/// have no unsigned 64-bit type (Spark reads it as `decimal(20,0)`).
fn u64s(name: &str, values: impl Iterator<Item = u64>) -> Column {
    i64s(name, values.map(|v| i64::try_from(v).unwrap_or(i64::MAX)))
}

fn i64s(name: &str, values: impl Iterator<Item = i64>) -> Column {
    Int64Chunked::from_vec(name.into(), values.collect()).into_column()
}

fn f64s(name: &str, values: impl Iterator<Item = f64>) -> Column {
    Float64Chunked::from_vec(name.into(), values.collect()).into_column()
}

fn optional_f64s(name: &str, values: impl Iterator<Item = Option<f64>>) -> Column {
    optional_numbers::<Float64Type>(name, values)
}

/// A number column with nulls: the values (the type's default under a null) and a validity
/// mask, none when nothing is null.
fn optional_numbers<T: PolarsNumericType>(
    name: &str,
    values: impl Iterator<Item = Option<T::Native>>,
) -> Column {
    let mut validity = MutableBitmap::new();
    let values: Vec<T::Native> = values
        .map(|v| {
            validity.push(v.is_some());
            v.unwrap_or_default()
        })
        .collect();
    let validity = (validity.unset_bits() > 0).then(|| validity.freeze());
    ChunkedArray::<T>::from_vec_validity(name.into(), values, validity).into_column()
}

fn frame(height: usize, columns: Vec<Column>) -> DataFrame {
    DataFrame::new(height, columns)
        .expect("columns are built with the same height and distinct names")
}

/// `units`: one row per unit, sorted by document, unit_index.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | `document#unit_index` |
/// | document | str | no | path relative to the input folder |
/// | unit_index | i64 | no | 0-based position in the document |
/// | organisation | str | yes | organisation interviewed |
/// | organisation_source | str | no | `metadata`, `heading` or `none` |
/// | country | str | yes | canonical country name |
/// | country_source | str | no | `metadata`, `title`, `organisation`, `places` or `none` |
/// | interviewees | str | yes | people interviewed, joined with `; ` |
/// | title | str | yes | the unit's title line |
/// | language | str | no | ISO 639-1 code |
/// | start_byte, end_byte | i64 | no | the unit's byte span in the document |
/// | n_sentences | i64 | no | sentences (boilerplate left out) |
/// | n_tokens | i64 | no | word tokens |
/// | n_content_tokens | i64 | no | tokens that are not stopwords or bare numbers |
/// | n_types | i64 | no | distinct normalised word forms |
/// | (metadata columns) | str | yes | extra columns of `metadata.csv`, sorted by name |
pub fn units(rows: &[UnitRow]) -> DataFrame {
    let mut extra: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.extra.keys().map(String::as_str))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    let mut columns = vec![
        strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
        strings("document", rows.iter().map(|r| r.document.as_str())),
        u64s("unit_index", rows.iter().map(|r| u64::from(r.unit_index))),
        optional_strings(
            "organisation",
            rows.iter().map(|r| r.organisation.as_deref()),
        ),
        strings(
            "organisation_source",
            rows.iter().map(|r| r.organisation_source.as_str()),
        ),
        optional_strings("country", rows.iter().map(|r| r.country.as_deref())),
        strings(
            "country_source",
            rows.iter().map(|r| r.country_source.as_str()),
        ),
        optional_strings(
            "interviewees",
            rows.iter().map(|r| r.interviewees.as_deref()),
        ),
        optional_strings("title", rows.iter().map(|r| r.title.as_deref())),
        strings("language", rows.iter().map(|r| r.language.as_str())),
        u64s("start_byte", rows.iter().map(|r| r.start_byte)),
        u64s("end_byte", rows.iter().map(|r| r.end_byte)),
        u64s("n_sentences", rows.iter().map(|r| r.n_sentences)),
        u64s("n_tokens", rows.iter().map(|r| r.n_tokens)),
        u64s("n_content_tokens", rows.iter().map(|r| r.n_content_tokens)),
        u64s("n_types", rows.iter().map(|r| r.n_types)),
    ];
    let fixed: Vec<String> = columns.iter().map(|c| c.name().to_string()).collect();
    for key in extra {
        // A metadata column named like a contract column would clash: prefix it.
        let name = if fixed.iter().any(|f| f == key) {
            format!("meta_{key}")
        } else {
            key.to_string()
        };
        columns.push(optional_strings(
            &name,
            rows.iter().map(|r| r.extra.get(key).map(String::as_str)),
        ));
    }
    frame(rows.len(), columns)
}

/// `sentences`: one row per sentence, sorted by unit_id, sentence_index.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | the unit |
/// | sentence_index | i64 | no | 0-based index in the unit |
/// | role | str | no | `question` (the interviewer's), `answer` or `text` |
/// | start_byte, end_byte | i64 | no | byte span in the document |
/// | text | str | no | the sentence |
pub fn sentences(rows: &[SentenceRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
            u64s(
                "sentence_index",
                rows.iter().map(|r| u64::from(r.sentence_index)),
            ),
            strings("role", rows.iter().map(|r| r.role.as_str())),
            u64s("start_byte", rows.iter().map(|r| r.start_byte)),
            u64s("end_byte", rows.iter().map(|r| r.end_byte)),
            strings("text", rows.iter().map(|r| r.text.as_str())),
        ],
    )
}

/// `term_counts`: one row per unit × stem, sorted by unit_id, stem.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | the unit |
/// | stem | str | no | Snowball stem in the unit's language |
/// | term | str | no | the stem's most frequent surface form in the corpus (ties: alphabetical) |
/// | count | i64 | no | content tokens of the unit with this stem |
pub fn term_counts(rows: &[TermCountRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id)),
            strings("stem", rows.iter().map(|r| r.stem)),
            strings("term", rows.iter().map(|r| r.term)),
            u64s("count", rows.iter().map(|r| r.count)),
        ],
    )
}

/// `terms_by_organisation` (`group_column` = `organisation`, with a `country` column: the
/// organisation's countries joined with `; `) and `terms_by_country` (`group_column` =
/// `country`): one row per group × stem, sorted by group, rank.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | organisation / country | str | yes | the group (null: units where it is unknown) |
/// | country (organisation table) | str | yes | the organisation's countries |
/// | stem, term | str | no | as in `term_counts` |
/// | count | i64 | no | occurrences in the group |
/// | per_10k | f64 | no | occurrences per 10,000 content tokens of the group |
/// | units | i64 | no | units of the group containing the stem |
/// | tf_idf | f64 | no | count × ln(groups / groups containing the stem) |
/// | keyness_g2 | f64 | yes | signed Dunning G² against the rest of the corpus (null: one group) |
/// | log_ratio | f64 | yes | log2 ratio of relative frequencies, 0.5 for zero counts (null: one group) |
/// | rank | i64 | no | 1 = most frequent in the group, ties by stem |
pub fn terms_by_group(rows: &[GroupTermRow], group_column: &str, with_country: bool) -> DataFrame {
    let mut columns = vec![optional_strings(
        group_column,
        rows.iter().map(|r| r.group.as_deref()),
    )];
    if with_country {
        columns.push(optional_strings(
            "country",
            rows.iter().map(|r| r.country.as_deref()),
        ));
    }
    columns.extend([
        strings("stem", rows.iter().map(|r| r.stem)),
        strings("term", rows.iter().map(|r| r.term)),
        u64s("count", rows.iter().map(|r| r.count)),
        f64s("per_10k", rows.iter().map(|r| r.per_10k)),
        u64s("units", rows.iter().map(|r| r.units)),
        f64s("tf_idf", rows.iter().map(|r| r.tf_idf)),
        optional_f64s("keyness_g2", rows.iter().map(|r| r.keyness_g2)),
        optional_f64s("log_ratio", rows.iter().map(|r| r.log_ratio)),
        u64s("rank", rows.iter().map(|r| r.rank)),
    ]);
    frame(rows.len(), columns)
}

fn u8s(name: &str, values: impl Iterator<Item = u8>) -> Column {
    i64s(name, values.map(i64::from))
}

/// `theme_hits`: one row per theme match, sorted by unit_id, start_byte, theme.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | the unit |
/// | sentence_index | i64 | no | the sentence holding the match |
/// | theme | str | no | theme name |
/// | pattern | str | no | the dictionary pattern that matched |
/// | term | str | no | the matched words, normalised, joined by a space |
/// | start_byte, end_byte | i64 | no | byte span of the matched words in the document |
pub fn theme_hits(rows: &[ThemeHitRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
            u64s(
                "sentence_index",
                rows.iter().map(|r| u64::from(r.sentence_index)),
            ),
            strings("theme", rows.iter().map(|r| r.theme.as_str())),
            strings("pattern", rows.iter().map(|r| r.pattern.as_str())),
            strings("term", rows.iter().map(|r| r.term.as_str())),
            u64s("start_byte", rows.iter().map(|r| r.start_byte)),
            u64s("end_byte", rows.iter().map(|r| r.end_byte)),
        ],
    )
}

/// `themes_by_organisation` (with `country`: the organisation's countries) and
/// `themes_by_country` (with `keyness_g2`): one row per group × theme, every theme of the
/// dictionary for every group, sorted by group, theme.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | organisation / country | str | yes | the group (null: unknown) |
/// | country (organisation table) | str | yes | the organisation's countries |
/// | theme | str | no | theme name |
/// | hits | i64 | no | matches in the group |
/// | sentences | i64 | no | sentences of the group with at least one match |
/// | share_of_sentences | f64 | no | sentences / all sentences of the group |
/// | per_10k | f64 | no | matches per 10,000 content tokens of the group |
/// | keyness_g2 (country table) | f64 | yes | signed G² of the matches against the rest (null: one country) |
pub fn themes_by_group(
    rows: &[ThemeGroupRow],
    group_column: &str,
    organisation: bool,
) -> DataFrame {
    let mut columns = vec![optional_strings(
        group_column,
        rows.iter().map(|r| r.group.as_deref()),
    )];
    if organisation {
        columns.push(optional_strings(
            "country",
            rows.iter().map(|r| r.country.as_deref()),
        ));
    }
    columns.extend([
        strings("theme", rows.iter().map(|r| r.theme.as_str())),
        u64s("hits", rows.iter().map(|r| r.hits)),
        u64s("sentences", rows.iter().map(|r| r.sentences)),
        f64s(
            "share_of_sentences",
            rows.iter().map(|r| r.share_of_sentences),
        ),
        f64s("per_10k", rows.iter().map(|r| r.per_10k)),
    ]);
    if !organisation {
        columns.push(optional_f64s(
            "keyness_g2",
            rows.iter().map(|r| r.keyness_g2),
        ));
    }
    frame(rows.len(), columns)
}

/// `theme_cooccurrence`: one row per group × pair of themes present in the group, sorted by
/// scope, group, theme_a, theme_b.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | scope | str | no | `corpus`, `country` or `organisation` |
/// | group | str | yes | the group's value, `*` for the corpus (null: unknown) |
/// | theme_a, theme_b | str | no | the pair, `theme_a` < `theme_b` |
/// | both | i64 | no | windows holding both themes |
/// | a_total, b_total | i64 | no | windows holding each theme |
/// | windows | i64 | no | all windows of the group |
/// | expected | f64 | no | a_total × b_total / windows |
/// | jaccard | f64 | no | both / (a_total + b_total − both) |
/// | npmi | f64 | no | normalised PMI in [−1, 1] (−1 when both = 0) |
/// | g2 | f64 | no | G² of the 2×2 table of windows |
/// | p_value | f64 | no | chi-square (1 df) p-value of g2 |
/// | p_adjusted | f64 | no | Benjamini–Hochberg within the group |
pub fn theme_cooccurrence(rows: &[CooccurrenceRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("scope", rows.iter().map(|r| r.scope)),
            optional_strings("group", rows.iter().map(|r| r.group.as_deref())),
            strings("theme_a", rows.iter().map(|r| r.theme_a.as_str())),
            strings("theme_b", rows.iter().map(|r| r.theme_b.as_str())),
            u64s("both", rows.iter().map(|r| r.stats.both)),
            u64s("a_total", rows.iter().map(|r| r.stats.a_total)),
            u64s("b_total", rows.iter().map(|r| r.stats.b_total)),
            u64s("windows", rows.iter().map(|r| r.stats.windows)),
            f64s("expected", rows.iter().map(|r| r.stats.expected)),
            f64s("jaccard", rows.iter().map(|r| r.stats.jaccard)),
            f64s("npmi", rows.iter().map(|r| r.stats.npmi)),
            f64s("g2", rows.iter().map(|r| r.stats.g2)),
            f64s("p_value", rows.iter().map(|r| r.stats.p_value)),
            f64s("p_adjusted", rows.iter().map(|r| r.stats.p_adjusted)),
        ],
    )
}

/// `theme_patterns`: one row per dictionary pattern (also those that never matched), sorted
/// by theme, pattern.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | theme | str | no | theme name |
/// | pattern | str | no | the pattern, normalised |
/// | language | str | yes | the language it is restricted to (null: every language) |
/// | hits | i64 | no | matches |
/// | units | i64 | no | units with at least one match |
/// | matched_terms | str | no | distinct matched words with counts, most frequent first: `trafficking (12); trafficked (3)` |
/// | shared_with | str | no | other themes matching the same words, with counts |
pub fn theme_patterns(rows: &[PatternRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("theme", rows.iter().map(|r| r.theme.as_str())),
            strings("pattern", rows.iter().map(|r| r.pattern.as_str())),
            optional_strings("language", rows.iter().map(|r| r.language.as_deref())),
            u64s("hits", rows.iter().map(|r| r.hits)),
            u64s("units", rows.iter().map(|r| r.units)),
            strings(
                "matched_terms",
                rows.iter().map(|r| r.matched_terms.as_str()),
            ),
            strings("shared_with", rows.iter().map(|r| r.shared_with.as_str())),
        ],
    )
}

/// `collocations`: one row per bigram or trigram of content words seen at least
/// `min_count` times in the corpus, sorted by count descending, phrase.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | phrase | str | no | the words, normalised, joined by a space |
/// | n | i64 | no | 2 or 3 |
/// | count | i64 | no | occurrences in the corpus |
/// | g2 | f64 | no | G² of the words' association (README, "Statistics") |
/// | pmi | f64 | no | pointwise mutual information, bits |
pub fn collocations(rows: &[CollocationRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("phrase", rows.iter().map(|r| r.phrase.as_str())),
            u8s("n", rows.iter().map(|r| r.n)),
            u64s("count", rows.iter().map(|r| r.count)),
            f64s("g2", rows.iter().map(|r| r.g2)),
            f64s("pmi", rows.iter().map(|r| r.pmi)),
        ],
    )
}

/// `collocations_by_organisation`: the counts of the `collocations` phrases in each
/// organisation's units (non-zero only), sorted by organisation, count descending, phrase.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | organisation | str | yes | the organisation (null: unknown) |
/// | country | str | yes | its countries |
/// | phrase | str | no | as in `collocations` |
/// | n | i64 | no | 2 or 3 |
/// | count | i64 | no | occurrences in the organisation's units |
pub fn collocations_by_organisation(rows: &[CollocationGroupRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            optional_strings("organisation", rows.iter().map(|r| r.organisation)),
            optional_strings("country", rows.iter().map(|r| r.country.as_deref())),
            strings("phrase", rows.iter().map(|r| r.phrase)),
            u8s("n", rows.iter().map(|r| r.n)),
            u64s("count", rows.iter().map(|r| r.count)),
        ],
    )
}

fn optional_i64s(name: &str, values: impl Iterator<Item = Option<i32>>) -> Column {
    optional_numbers::<Int64Type>(name, values.map(|v| v.map(i64::from)))
}

fn bools(name: &str, values: impl Iterator<Item = bool>) -> Column {
    Column::new(name.into(), values.collect::<Vec<bool>>())
}

/// `figures`: one row per numeric figure, sorted by unit_id, start_byte.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | the unit |
/// | sentence_index | i64 | no | the sentence holding it |
/// | text | str | no | the number as written ("70 thousand", "10%", "7 (seven)", "two thirds") |
/// | value | f64 | no | its value (70000, 10, 7, 0.667) |
/// | counted | str | yes | what it counts, lowercase ("people", "domestic workers") |
/// | qualifier | str | yes | the hedge ("around", "almost", "more than") |
/// | is_percent | bool | no | a percentage |
/// | year | i64 | yes | the year its sentence (or the one before) states |
/// | start_byte, end_byte | i64 | no | byte span of `text` in the document |
/// | sentence | str | no | the sentence |
pub fn figures(rows: &[FigureRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
            u64s(
                "sentence_index",
                rows.iter().map(|r| u64::from(r.figure.sentence_index)),
            ),
            strings("text", rows.iter().map(|r| r.figure.text.as_str())),
            f64s("value", rows.iter().map(|r| r.figure.value)),
            optional_strings("counted", rows.iter().map(|r| r.figure.counted.as_deref())),
            optional_strings(
                "qualifier",
                rows.iter().map(|r| r.figure.qualifier.as_deref()),
            ),
            bools("is_percent", rows.iter().map(|r| r.figure.is_percent)),
            optional_i64s("year", rows.iter().map(|r| r.figure.year)),
            u64s(
                "start_byte",
                rows.iter().map(|r| r.figure.start_byte as u64),
            ),
            u64s("end_byte", rows.iter().map(|r| r.figure.end_byte as u64)),
            strings("sentence", rows.iter().map(|r| r.sentence.as_str())),
        ],
    )
}

/// `years`: one row per year mention (a range or decade is one row), sorted by unit_id,
/// start_byte.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | the unit |
/// | sentence_index | i64 | no | the sentence holding it |
/// | year | i64 | no | the year; the first year of a range or decade |
/// | range_end | i64 | yes | the last year of a range ("2009 to 2012") or decade ("1990s": 1999) |
/// | is_decade | bool | no | a decade ("the 1990s") |
/// | text | str | no | the mention as written |
/// | start_byte, end_byte | i64 | no | byte span of `text` in the document |
/// | sentence | str | no | the sentence |
pub fn years(rows: &[YearRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
            u64s(
                "sentence_index",
                rows.iter().map(|r| u64::from(r.year.sentence_index)),
            ),
            i64s("year", rows.iter().map(|r| i64::from(r.year.year))),
            optional_i64s("range_end", rows.iter().map(|r| r.year.range_end)),
            bools("is_decade", rows.iter().map(|r| r.year.is_decade)),
            strings("text", rows.iter().map(|r| r.year.text.as_str())),
            u64s("start_byte", rows.iter().map(|r| r.year.start_byte as u64)),
            u64s("end_byte", rows.iter().map(|r| r.year.end_byte as u64)),
            strings("sentence", rows.iter().map(|r| r.sentence.as_str())),
        ],
    )
}

/// `entities`: one row per mention of a person, organisation or place, sorted by unit_id,
/// start_byte.
///
/// | column | dtype | null | meaning |
/// |---|---|---|---|
/// | unit_id | str | no | the unit |
/// | sentence_index | i64 | no | the sentence holding it |
/// | type | str | no | `PERSON`, `ORG` or `PLACE` |
/// | text | str | no | the name as written (no leading "the", no possessive) |
/// | norm | str | no | canonical form shared by the mentions of one entity in the unit ("FIDA Kenya" for "FIDA-Kenya") |
/// | start_byte, end_byte | i64 | no | byte span of `text` in the document |
pub fn entities(rows: &[EntityRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
            u64s(
                "sentence_index",
                rows.iter().map(|r| u64::from(r.entity.sentence_index)),
            ),
            strings("type", rows.iter().map(|r| r.entity.entity_type.as_str())),
            strings("text", rows.iter().map(|r| r.entity.text.as_str())),
            strings("norm", rows.iter().map(|r| r.entity.norm.as_str())),
            u64s(
                "start_byte",
                rows.iter().map(|r| r.entity.start_byte as u64),
            ),
            u64s("end_byte", rows.iter().map(|r| r.entity.end_byte as u64)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column builders give what polars builds from the same values.
    #[test]
    fn columns_are_polars_own() {
        let years = [Some(1998), None, Some(-4)];
        assert!(
            optional_i64s("y", years.into_iter()).equals_missing(&Column::new(
                "y".into(),
                vec![Some(1998i64), None, Some(-4)]
            ))
        );
        let floats = [Some(1.5), None, Some(-0.0), None];
        assert!(
            optional_f64s("x", floats.into_iter())
                .equals_missing(&Column::new("x".into(), floats.to_vec()))
        );
        assert_eq!(optional_f64s("x", floats.into_iter()).null_count(), 2);
        let all_there = [Some(2.0), Some(3.0)];
        assert_eq!(optional_f64s("x", all_there.into_iter()).null_count(), 0);
        let texts = [
            Some("kenya"),
            None,
            Some(""),
            Some("a longer string than twelve bytes"),
        ];
        assert!(
            optional_strings("t", texts.into_iter())
                .equals_missing(&Column::new("t".into(), texts.to_vec()))
        );
        let values: Vec<&str> = texts.iter().flatten().copied().collect();
        assert!(
            strings("t", values.iter().copied())
                .equals_missing(&Column::new("t".into(), values.clone()))
        );
        assert!(
            u64s("n", [0, 7, u64::MAX].into_iter())
                .equals_missing(&Column::new("n".into(), vec![0i64, 7, i64::MAX]))
        );
        assert!(
            f64s("f", [0.25, 1e300].into_iter())
                .equals_missing(&Column::new("f".into(), vec![0.25f64, 1e300]))
        );
    }
}
