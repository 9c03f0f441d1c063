//! # themata
//!
//! themata turns a corpus of interviews with organisations into tidy tables that researchers
//! compare across organisations and countries and load into notebooks.
//!
//! ## The flow
//!
//! ```text
//! input files ─► ingest ─► segment ─► analyse (rayon, per unit) ─► aggregate ─► write
//!                Document   Unit       UnitAnalysis                Aggregates   Parquet + CSV
//!                                                                               manifest.json
//! ```
//!
//! - [`ingest`]: find and decode input files, read `metadata.csv` → [`record::Document`].
//! - [`segment`]: split a document into interviews, detect organisation, country,
//!   interviewees, title; drop boilerplate; tag paragraph roles → [`record::Unit`].
//! - [`analyse`]: sentences, tokens, language, stopwords, stems, counts →
//!   [`record::UnitAnalysis`].
//! - [`aggregate`]: per-unit counts, then per organisation and country, then tf-idf, keyness,
//!   ranks.
//! - [`tables`] and [`mod@write`]: DataFrames, written atomically as Parquet and CSV.
//! - [`pipeline`] holds the stage order and the parallelism.
//! - [`shard`]: a corpus split into shards of whole documents (`themata run --shard I/N`),
//!   each writing a part (the additive aggregates and per-unit rows), which `themata merge`
//!   sums into the tables of a single run ([`aggregate::Aggregator::absorb`]).
//!
//! ## Glossary
//!
//! - **document**: one input file, named by its path relative to the input folder.
//! - **unit**: one interview (or a whole document without interview headings); `unit_id` is
//!   `document#unit_index`.
//! - **organisation**, **country**: the unit's organisation and its country.
//! - **token**: a word by Unicode word boundaries, normalised (NFC, lowercase, `’` as `'`).
//! - **content token**: a token that is neither a stopword nor a bare number.
//! - **stem**: the Snowball stem of a token in the unit's language; **term**: the stem's most
//!   frequent surface form in the corpus.
//!
//! ## Example
//!
//! ```
//! use themata::config::Config;
//! use themata::record::{Document, DocumentMetadata};
//! use themata::segment::Segmenter;
//! use themata::analyse::{Analyser, Workspace};
//!
//! let text = "Rights at Home: News\n\nInterview with Ana Ruiz of Casa Segura\n\n\
//!             What do you do?\n\nWe run two safe houses for trafficked women in Lima.\n";
//! let document = Document {
//!     name: "news.txt".into(),
//!     path: "news.txt".into(),
//!     text: text.into(),
//!     metadata: DocumentMetadata::default(),
//! };
//! let config = Config::builtin();
//! let units = Segmenter::new(config.segment.clone()).segment(&document);
//! assert_eq!(units.len(), 1);
//! assert_eq!(units[0].interviewees, ["Ana Ruiz"]);
//! assert_eq!(units[0].country.as_deref(), Some("Peru"));
//!
//! let analysis = Analyser::new(&config).analyse(text, units[0].clone(), &mut Workspace::default());
//! let houses = analysis.surfaces.iter().find(|s| s.surface == "houses").map(|s| s.stem);
//! assert_eq!(houses, Some("hous"));
//! ```

pub mod aggregate;
pub mod analyse;
pub mod cli;
pub mod config;
pub mod error;
pub mod gazetteer;
pub mod ingest;
pub mod intern;
pub mod pair_counts;
pub mod pipeline;
pub mod record;
pub mod segment;
pub mod shard;
pub mod spill_file;
pub mod stats;
pub mod surface_table;
pub mod tables;
pub mod themes;
pub mod unit_tables;
pub mod write;
