//! The per-unit tables (`sentences`, `theme_hits`, `figures`, `years`, `entities`), streamed:
//! rows of each batch of documents are written as they are analysed, in unit order, so memory
//! does not grow with the corpus.

use std::path::Path;

use crate::config::Config;
use crate::error::WriteError;
use crate::record::UnitAnalysis;
use crate::tables::{self, EntityRow, FigureRow, SentenceRow, ThemeHitRow, YearRow, names};
use crate::write::{TableSink, WrittenTable};

/// Rows of the per-unit tables, collected for one batch.
#[derive(Default)]
struct Rows {
    sentences: Vec<SentenceRow>,
    theme_hits: Vec<ThemeHitRow>,
    figures: Vec<FigureRow>,
    years: Vec<YearRow>,
    entities: Vec<EntityRow>,
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
        let unit_id = &a.unit.id;
        let sentence_text = |index: u32| {
            a.sentences
                .get(index as usize)
                .map_or("", |s| &text[s.start_byte..s.end_byte])
                .to_string()
        };
        self.rows
            .sentences
            .extend(a.sentences.iter().map(|s| SentenceRow {
                unit_id: unit_id.clone(),
                sentence_index: s.index,
                role: s.role.as_str(),
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
        self.rows.theme_hits.extend(hits);
        self.rows
            .figures
            .extend(a.figures.iter().map(|f| FigureRow {
                unit_id: unit_id.clone(),
                figure: f.clone(),
                sentence: sentence_text(f.sentence_index),
            }));
        self.rows.years.extend(a.years.iter().map(|y| YearRow {
            unit_id: unit_id.clone(),
            year: y.clone(),
            sentence: sentence_text(y.sentence_index),
        }));
        self.rows
            .entities
            .extend(a.entities.iter().map(|e| EntityRow {
                unit_id: unit_id.clone(),
                entity: e.clone(),
            }));
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
