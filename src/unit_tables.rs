//! The per-unit tables (`sentences`, `theme_hits`, `figures`, `years`, `entities`), streamed:
//! rows of each batch of documents are written as they are analysed, in unit order, so memory
//! does not grow with the corpus.

use std::path::Path;

use crate::config::Config;
use crate::error::WriteError;
use crate::record::UnitAnalysis;
use crate::tables::{self, EntityRow, FigureRow, SentenceRow, ThemeHitRow, YearRow, names};
use crate::write::{TableSink, WrittenTable};

/// Rows of the per-unit tables, collected for one batch of documents (or, in a shard's
/// partial output, for one document).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rows {
    sentences: Vec<SentenceRow>,
    theme_hits: Vec<ThemeHitRow>,
    figures: Vec<FigureRow>,
    years: Vec<YearRow>,
    entities: Vec<EntityRow>,
}

impl Rows {
    /// Adds the rows of one analysed unit of the document `text`.
    pub fn add(&mut self, text: &str, a: &UnitAnalysis, config: &Config) {
        let unit_id = &a.unit.id;
        let sentence_text = |index: u32| {
            a.sentences
                .get(index as usize)
                .map_or("", |s| &text[s.start_byte..s.end_byte])
                .to_string()
        };
        self.sentences
            .extend(a.sentences.iter().map(|s| SentenceRow {
                unit_id: unit_id.clone(),
                sentence_index: s.index,
                role: s.role,
                start_byte: s.start_byte as u64,
                end_byte: s.end_byte as u64,
                text: text[s.start_byte..s.end_byte].to_string(),
            }));
        let themes = config.themes.themes();
        let mut hits: Vec<ThemeHitRow> = a
            .theme_hits
            .iter()
            .map(|h| {
                let theme = &themes[usize::from(h.theme)];
                ThemeHitRow {
                    unit_id: unit_id.clone(),
                    sentence_index: h.sentence_index,
                    theme: theme.name().to_string(),
                    pattern: theme.patterns()[usize::from(h.pattern)].text().to_string(),
                    term: h.term.clone(),
                    start_byte: h.start_byte as u64,
                    end_byte: h.end_byte as u64,
                }
            })
            .collect();
        hits.sort_by(|x, y| (x.start_byte, &x.theme).cmp(&(y.start_byte, &y.theme)));
        self.theme_hits.extend(hits);
        self.figures.extend(a.figures.iter().map(|f| FigureRow {
            unit_id: unit_id.clone(),
            figure: f.clone(),
            sentence: sentence_text(f.sentence_index),
        }));
        self.years.extend(a.years.iter().map(|y| YearRow {
            unit_id: unit_id.clone(),
            year: y.clone(),
            sentence: sentence_text(y.sentence_index),
        }));
        self.entities.extend(a.entities.iter().map(|e| EntityRow {
            unit_id: unit_id.clone(),
            entity: e.clone(),
        }));
    }

    /// Appends `other`'s rows after these.
    pub fn append(&mut self, mut other: Rows) {
        self.sentences.append(&mut other.sentences);
        self.theme_hits.append(&mut other.theme_hits);
        self.figures.append(&mut other.figures);
        self.years.append(&mut other.years);
        self.entities.append(&mut other.entities);
    }

    /// Number of rows, all tables together.
    pub fn len(&self) -> usize {
        self.sentences.len()
            + self.theme_hits.len()
            + self.figures.len()
            + self.years.len()
            + self.entities.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The streamed per-unit tables of a run.
pub struct UnitTables {
    sentences: TableSink,
    theme_hits: TableSink,
    figures: TableSink,
    years: TableSink,
    entities: TableSink,
    rows: Rows,
}

impl UnitTables {
    /// Starts every per-unit table in `dir`.
    pub fn create(dir: &Path, config: &Config) -> Result<UnitTables, WriteError> {
        let sink = |name: &str, empty: polars::prelude::DataFrame| {
            TableSink::create(dir, name, empty.schema(), &config.formats)
        };
        Ok(UnitTables {
            sentences: sink(names::SENTENCES, tables::sentences(&[]))?,
            theme_hits: sink(names::THEME_HITS, tables::theme_hits(&[]))?,
            figures: sink(names::FIGURES, tables::figures(&[]))?,
            years: sink(names::YEARS, tables::years(&[]))?,
            entities: sink(names::ENTITIES, tables::entities(&[]))?,
            rows: Rows::default(),
        })
    }

    /// Adds the rows of one analysed unit of the document `text`.
    pub fn push(&mut self, text: &str, a: &UnitAnalysis, config: &Config) {
        self.rows.add(text, a, config);
    }

    /// Adds rows built elsewhere (a shard's), after the ones already pushed.
    pub fn push_rows(&mut self, rows: Rows) {
        self.rows.append(rows);
    }

    /// Rows pushed since the last flush.
    pub fn pending(&self) -> usize {
        self.rows.len()
    }

    /// Writes the rows collected so far.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        let rows = std::mem::take(&mut self.rows);
        self.sentences.write(&tables::sentences(&rows.sentences))?;
        self.theme_hits
            .write(&tables::theme_hits(&rows.theme_hits))?;
        self.figures.write(&tables::figures(&rows.figures))?;
        self.years.write(&tables::years(&rows.years))?;
        self.entities.write(&tables::entities(&rows.entities))?;
        Ok(())
    }

    /// Completes every table.
    pub fn finish(mut self) -> Result<Vec<WrittenTable>, WriteError> {
        self.flush()?;
        Ok(vec![
            self.sentences.finish()?,
            self.entities.finish()?,
            self.figures.finish()?,
            self.years.finish()?,
            self.theme_hits.finish()?,
        ])
    }
}
