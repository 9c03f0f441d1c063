//! The output tables as polars DataFrames: one constructor per table, whose doc comment is its
//! schema (column, dtype, nullability, meaning). Column names are defined once, here, and are
//! the same in Parquet and CSV. Rows arrive already sorted as the contract says
//! (`DESIGN.md`, "Output tables"); these functions only lay them out in columns.

use polars::prelude::*;

use crate::aggregate::{GroupTermRow, TermCountRow, UnitRow};

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
}

/// One row of the `sentences` table.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceRow {
    /// Unit.
    pub unit_id: String,
    /// 0-based index in the unit.
    pub sentence_index: u32,
    /// `question`, `answer` or `text`.
    pub role: &'static str,
    /// Byte span start in the document.
    pub start_byte: u64,
    /// Byte span end in the document.
    pub end_byte: u64,
    /// The sentence text.
    pub text: String,
}

fn strings<'a>(name: &str, values: impl Iterator<Item = &'a str>) -> Column {
    Column::new(name.into(), values.collect::<Vec<&str>>())
}

fn optional_strings<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Column {
    Column::new(name.into(), values.collect::<Vec<Option<&str>>>())
}

fn u64s(name: &str, values: impl Iterator<Item = u64>) -> Column {
    Column::new(name.into(), values.collect::<Vec<u64>>())
}

fn f64s(name: &str, values: impl Iterator<Item = f64>) -> Column {
    Column::new(name.into(), values.collect::<Vec<f64>>())
}

fn optional_f64s(name: &str, values: impl Iterator<Item = Option<f64>>) -> Column {
    Column::new(name.into(), values.collect::<Vec<Option<f64>>>())
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
/// | unit_index | u64 | no | 0-based position in the document |
/// | organisation | str | yes | organisation interviewed |
/// | organisation_source | str | no | `metadata`, `heading` or `none` |
/// | country | str | yes | canonical country name |
/// | country_source | str | no | `metadata`, `title`, `organisation`, `places` or `none` |
/// | interviewees | str | yes | people interviewed, joined with `; ` |
/// | title | str | yes | the unit's title line |
/// | language | str | no | ISO 639-1 code |
/// | start_byte, end_byte | u64 | no | the unit's byte span in the document |
/// | n_sentences | u64 | no | sentences (boilerplate left out) |
/// | n_tokens | u64 | no | word tokens |
/// | n_content_tokens | u64 | no | tokens that are not stopwords or bare numbers |
/// | n_types | u64 | no | distinct normalised word forms |
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
/// | sentence_index | u64 | no | 0-based index in the unit |
/// | role | str | no | `question` (the interviewer's), `answer` or `text` |
/// | start_byte, end_byte | u64 | no | byte span in the document |
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
            strings("role", rows.iter().map(|r| r.role)),
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
/// | count | u64 | no | content tokens of the unit with this stem |
pub fn term_counts(rows: &[TermCountRow]) -> DataFrame {
    frame(
        rows.len(),
        vec![
            strings("unit_id", rows.iter().map(|r| r.unit_id.as_str())),
            strings("stem", rows.iter().map(|r| r.stem.as_str())),
            strings("term", rows.iter().map(|r| r.term.as_str())),
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
/// | count | u64 | no | occurrences in the group |
/// | per_10k | f64 | no | occurrences per 10,000 content tokens of the group |
/// | units | u64 | no | units of the group containing the stem |
/// | tf_idf | f64 | no | count × ln(groups / groups containing the stem) |
/// | keyness_g2 | f64 | yes | signed Dunning G² against the rest of the corpus (null: one group) |
/// | log_ratio | f64 | yes | log2 ratio of relative frequencies, 0.5 for zero counts (null: one group) |
/// | rank | u64 | no | 1 = most frequent in the group, ties by stem |
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
        strings("stem", rows.iter().map(|r| r.stem.as_str())),
        strings("term", rows.iter().map(|r| r.term.as_str())),
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
