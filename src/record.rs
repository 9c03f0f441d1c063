//! The typed records that flow between stages: [`Document`] (ingest) → [`Unit`] (segment) →
//! [`UnitAnalysis`] (analyse). Every span is a byte range into the document text: slicing the
//! text with it gives the surface form, and no stage rewrites spans.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::analyse::entities::Entity;
use crate::analyse::figures::Figure;
use crate::analyse::language::Language;
use crate::analyse::years::YearMention;
use crate::themes::ThemeHit;
use crate::themes::collocations::CollocationCounts;
use crate::themes::cooccur::WindowCounts;

/// One input file, decoded.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's name: its path relative to the input folder, with `/` separators
    /// (the file name, for a file given directly). Unique in a run; the `document` column.
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// The text (UTF-8, byte order mark removed, line endings as in the file).
    pub text: String,
    /// Metadata rows from `metadata.csv` for this document.
    pub metadata: DocumentMetadata,
}

/// Metadata for one document: values for all its units, and per unit index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentMetadata {
    /// Values from a row without `unit_index`: apply to every unit of the document.
    pub all_units: BTreeMap<String, String>,
    /// Values from rows with a `unit_index`: apply to that unit (and win over `all_units`).
    pub by_unit: BTreeMap<u32, BTreeMap<String, String>>,
}

/// Where a unit's organisation or country came from (`units.organisation_source`,
/// `units.country_source`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Source {
    /// `metadata.csv`.
    Metadata,
    /// The interview heading ("Interview with NAME, ORGANISATION").
    Heading,
    /// The unit's title line ("WOREC, Nepal: ...").
    Title,
    /// The organisation's own name ("FIDA-Kenya").
    Organisation,
    /// The places the unit names.
    Places,
    /// Not known.
    None,
}

impl Source {
    /// The value written in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Metadata => "metadata",
            Source::Heading => "heading",
            Source::Title => "title",
            Source::Organisation => "organisation",
            Source::Places => "places",
            Source::None => "none",
        }
    }
}

/// The role of a paragraph (and of its sentences).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Role {
    /// The interviewer's question.
    Question,
    /// The interviewee's answer.
    Answer,
    /// Anything else: titles, headings, introductions, contact blocks.
    Text,
}

impl Role {
    /// The value written in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Question => "question",
            Role::Answer => "answer",
            Role::Text => "text",
        }
    }
}

/// A paragraph of a unit, with boilerplate already cut away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte offset of the first byte in the document.
    pub start_byte: usize,
    /// Byte offset one past the last byte.
    pub end_byte: usize,
    /// Who speaks.
    pub role: Role,
}

/// A unit of analysis: one interview, or a whole document without interview headings.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// `"{document}#{unit_index}"`: unique in a corpus.
    pub id: String,
    /// The document's name.
    pub document: String,
    /// 0-based position in the document.
    pub index: u32,
    /// The organisation interviewed, if known.
    pub organisation: Option<String>,
    /// Where `organisation` came from.
    pub organisation_source: Source,
    /// The organisation's country, if known (canonical country name).
    pub country: Option<String>,
    /// Where `country` came from.
    pub country_source: Source,
    /// The people interviewed, in heading order.
    pub interviewees: Vec<String>,
    /// The title line, if any.
    pub title: Option<String>,
    /// Byte offset of the unit's first byte in the document.
    pub start_byte: usize,
    /// Byte offset one past the unit's last byte.
    pub end_byte: usize,
    /// The paragraphs, in order, boilerplate removed.
    pub paragraphs: Vec<Paragraph>,
    /// Extra metadata columns for this unit (from `metadata.csv`).
    pub extra: BTreeMap<String, String>,
}

/// One sentence of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// 0-based index in the unit.
    pub index: u32,
    /// 0-based index of its paragraph in the unit.
    pub paragraph_index: u32,
    /// Its paragraph's role.
    pub role: Role,
    /// Byte offset of the first byte in the document.
    pub start_byte: usize,
    /// Byte offset one past the last byte.
    pub end_byte: usize,
}

/// How often one surface form occurs in a unit, with its stem (content words only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurfaceCount<'a> {
    /// The normal form (lowercase NFC, `’` as `'`).
    pub surface: &'a str,
    /// Its Snowball stem in the unit's language.
    pub stem: &'a str,
    /// Occurrences in the unit.
    pub count: u32,
}

/// The [`SurfaceCount`]s of a unit, their text kept in one buffer (one allocation per unit,
/// not two per surface). The buffer may hold text no surface refers to.
#[derive(Debug, Clone, Default)]
pub struct SurfaceCounts {
    text: String,
    /// (start of the surface in `text`, end of the surface = start of the stem, end of the
    /// stem, count).
    items: Vec<(u32, u32, u32, u32)>,
}

impl SurfaceCounts {
    /// Surfaces whose text is in `text`: each item is (start of the surface, end of the
    /// surface = start of its stem, end of the stem, count), in byte offsets of `text`.
    ///
    /// Panics when an item's offsets are not ordered, or not char boundaries of `text`.
    pub(crate) fn from_parts(text: String, items: Vec<(u32, u32, u32, u32)>) -> SurfaceCounts {
        for &(start, middle, end, _) in &items {
            assert!(start <= middle && middle <= end);
            for offset in [start, middle, end] {
                assert!(text.is_char_boundary(offset as usize));
            }
        }
        SurfaceCounts { text, items }
    }

    /// Adds a surface with its stem and count.
    pub fn push(&mut self, surface: &str, stem: &str, count: u32) {
        let start = self.text.len() as u32;
        self.text.push_str(surface);
        let middle = self.text.len() as u32;
        self.text.push_str(stem);
        self.items
            .push((start, middle, self.text.len() as u32, count));
    }

    /// Number of surfaces.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The surfaces, in order.
    pub fn iter(&self) -> impl Iterator<Item = SurfaceCount<'_>> {
        self.items.iter().map(|&item| self.get(item))
    }

    fn get(&self, (start, middle, end, count): (u32, u32, u32, u32)) -> SurfaceCount<'_> {
        SurfaceCount {
            surface: &self.text[start as usize..middle as usize],
            stem: &self.text[middle as usize..end as usize],
            count,
        }
    }
}

/// Everything the analysis stage extracts from one unit.
#[derive(Debug, Clone)]
pub struct UnitAnalysis {
    /// The unit.
    pub unit: Unit,
    /// Its language (detected, or as configured).
    pub language: Language,
    /// Its sentences, in order.
    pub sentences: Vec<Sentence>,
    /// All word tokens.
    pub n_tokens: u64,
    /// Content tokens: not stopwords, not bare numbers.
    pub n_content_tokens: u64,
    /// Distinct normal forms among all word tokens.
    pub n_types: u64,
    /// Content words with their stems and counts, ordered by stem.
    pub surfaces: SurfaceCounts,
    /// Named entities (PERSON, ORG, PLACE), sorted by start byte.
    pub entities: Vec<Entity>,
    /// Numeric figures, sorted by start byte.
    pub figures: Vec<Figure>,
    /// Year mentions, sorted by start byte.
    pub years: Vec<YearMention>,
    /// Theme matches, sorted by start byte then theme.
    pub theme_hits: Vec<ThemeHit>,
    /// Co-occurrence windows of the unit and the themes they hold (additive).
    pub windows: WindowCounts,
    /// Bigram and trigram counts of the unit's content words (additive).
    pub collocations: CollocationCounts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surface_counts_keep_each_surface_with_its_stem_in_order() {
        let mut counts = SurfaceCounts::default();
        assert!(counts.is_empty());
        counts.push("houses", "hous", 2);
        counts.push("workers", "worker", 3);
        counts.push("worker", "worker", 1);
        let got: Vec<(&str, &str, u32)> = counts
            .iter()
            .map(|s| (s.surface, s.stem, s.count))
            .collect();
        assert_eq!(counts.len(), 3);
        assert_eq!(
            got,
            [
                ("houses", "hous", 2),
                ("workers", "worker", 3),
                ("worker", "worker", 1)
            ]
        );
    }
}
