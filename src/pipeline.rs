//! The pipeline: the one place where the stage order lives and where parallelism happens.
//!
//! `ingest → segment → analyse` runs per document in parallel (rayon, over the documents of a
//! batch and so over their units), then, in input order, `aggregate` takes each unit and the
//! `sentences` table is streamed out, so memory is bounded by a batch of documents plus the
//! aggregates, not by the corpus. At the end the aggregated tables and `manifest.json` are
//! written. Results are merged in document order and sorted, so the tables are byte-identical
//! for any thread count and any order of the inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use rayon::prelude::*;
use serde::Serialize;

use crate::aggregate::Aggregator;
use crate::analyse::{Analyser, Workspace};
use crate::config::{Config, Format};
use crate::error::{ConfigError, Error, IngestError, WriteError};
use crate::ingest::{self, Decoded, InputFile};
use crate::record::{DocumentMetadata, UnitAnalysis};
use crate::segment::Segmenter;
use crate::tables::{self, names};
use crate::unit_tables::UnitTables;
use crate::write::{self, WrittenTable};

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Input folders, files or globs.
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    pub output: PathBuf,
    /// A `themata.toml` to use instead of the one in the input folder.
    pub config: Option<PathBuf>,
    /// Output formats, overriding the configuration.
    pub formats: Option<Vec<Format>>,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
}

/// Receives what happens during a run. The library never prints: the CLI does, through this.
pub trait Reporter: Sync {
    /// An input was skipped, or part of it (a metadata row) was.
    fn problem(&self, problem: &IngestError);
    /// `done` of `total` input bytes are analysed.
    fn progress(&self, done: u64, total: u64);
    /// A stage after the analysis starts (`aggregating`, `writing`).
    fn stage(&self, _name: &str) {}
}

/// A reporter that ignores everything.
pub struct Silent;

impl Reporter for Silent {
    fn problem(&self, _: &IngestError) {}
    fn progress(&self, _: u64, _: u64) {}
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Documents analysed.
    pub documents: usize,
    /// Units analysed.
    pub units: usize,
    /// Word tokens analysed.
    pub tokens: u64,
    /// Input bytes analysed.
    pub bytes: u64,
    /// Problems, one line each (`path: error`).
    pub problems: Vec<String>,
    /// Tables written.
    pub tables: Vec<WrittenTable>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Documents are analysed in batches of about this many bytes: big enough to keep every
/// thread busy, small enough to bound memory.
const BATCH_BYTES: u64 = 16 * 1024 * 1024;
/// ... and at most this many documents.
const BATCH_FILES: usize = 256;

#[derive(Serialize)]
struct InputRecord {
    document: String,
    path: PathBuf,
    bytes: u64,
    sha256: String,
    encoding: &'static str,
    units: usize,
}

#[derive(Serialize)]
struct Manifest<'a> {
    themata_version: &'static str,
    started: String,
    finished: String,
    threads: usize,
    configuration: serde_json::Value,
    configuration_file: Option<&'a Path>,
    inputs: &'a [InputRecord],
    skipped: &'a [String],
    tables: &'a [WrittenTable],
    timings_seconds: BTreeMap<&'static str, f64>,
}

struct DocumentResult {
    input: InputRecord,
    text: String,
    analyses: Vec<UnitAnalysis>,
}

/// Loads the configuration for a run: `--config`, else `themata.toml` of an input folder, else
/// the built-in one.
pub fn load_config(options: &RunOptions, found: Option<&Path>) -> Result<Config, ConfigError> {
    let mut config = match options.config.as_deref().or(found) {
        Some(path) => Config::load(path)?,
        None => Config::builtin(),
    };
    if let Some(formats) = &options.formats {
        let mut formats = formats.clone();
        formats.sort();
        formats.dedup();
        config.formats = formats;
        config.resolved["formats"] = serde_json::json!(
            config
                .formats
                .iter()
                .map(|f| f.extension())
                .collect::<Vec<_>>()
        );
    }
    Ok(config)
}

/// Runs the whole pipeline.
pub fn run(options: &RunOptions, reporter: &dyn Reporter) -> Result<RunSummary, Error> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let mut timings = BTreeMap::new();

    let found = ingest::discover(&options.inputs)?;
    let config = load_config(options, found.config_file.as_deref())?;
    if config.formats.is_empty() {
        return Err(ConfigError::Argument(
            "no output format (expected `parquet`, `csv` or both)".into(),
        )
        .into());
    }
    write::prepare_output(&options.output)?;
    let threads = options
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ConfigError::Argument(format!("cannot start {threads} threads: {e}")))?;

    let mut problems: Vec<String> = Vec::new();
    let report = |problem: IngestError, problems: &mut Vec<String>| {
        reporter.problem(&problem);
        problems.push(problem.to_string());
    };
    for p in found.problems {
        report(p, &mut problems);
    }
    let metadata = read_all_metadata(&found.metadata_files, &found.files, |p| {
        report(p, &mut problems)
    });
    if found.files.is_empty() {
        return Err(ConfigError::NoInput.into());
    }
    timings.insert("discover", clock.elapsed().as_secs_f64());

    let segmenter = Segmenter::new(config.segment.clone());
    let analyser = Analyser::new(&config);
    let mut aggregator = Aggregator::new();
    let mut unit_tables = UnitTables::create(&options.output, &config)?;
    let total: u64 = found.files.iter().map(|f| f.bytes).sum();
    let mut done = 0u64;
    let mut inputs = Vec::new();
    let mut tokens = 0u64;
    let analyse_clock = Instant::now();
    let analyse_batch = |batch: &[InputFile]| -> Vec<Result<DocumentResult, IngestError>> {
        batch
            .par_iter()
            .map_init(Workspace::default, |workspace, file| {
                analyse_document(file, &metadata, &segmenter, &analyser, workspace)
            })
            .collect()
    };
    // Folding a batch into the aggregates and the streamed tables is sequential (unit order);
    // it runs while the next batch is analysed, so no core waits for it.
    let mut consume =
        |results: Vec<Result<DocumentResult, IngestError>>| -> Result<(), WriteError> {
            if results.is_empty() {
                return Ok(());
            }
            for result in results {
                match result {
                    Err(problem) => report(problem, &mut problems),
                    Ok(doc) => {
                        done += doc.input.bytes;
                        for a in &doc.analyses {
                            aggregator.add(a);
                            tokens += a.n_tokens;
                            unit_tables.push(&doc.text, a, &config);
                        }
                        inputs.push(doc.input);
                    }
                }
            }
            unit_tables.flush()?;
            reporter.progress(done, total);
            Ok(())
        };
    let mut pending = Vec::new();
    for batch in batches(&found.files) {
        let previous = std::mem::take(&mut pending);
        let (results, consumed) =
            pool.install(|| rayon::join(|| analyse_batch(batch), || consume(previous)));
        consumed?;
        pending = results;
    }
    consume(pending)?;
    timings.insert("analyse", analyse_clock.elapsed().as_secs_f64());
    if inputs.is_empty() {
        return Err(ConfigError::NoInput.into());
    }

    reporter.stage("aggregating");
    let aggregate_clock = Instant::now();
    let units = aggregator.n_units();
    let aggregates =
        pool.install(|| aggregator.finish(&config.themes, config.collocation_min_count));
    timings.insert("aggregate", aggregate_clock.elapsed().as_secs_f64());

    reporter.stage("writing tables");
    let write_clock = Instant::now();
    let out = &options.output;
    let formats = &config.formats;
    let mut written = unit_tables.finish()?;
    let a = &aggregates;
    // The aggregated tables are laid out and written in parallel: each is independent.
    type Build<'b> = Box<dyn Fn() -> polars::prelude::DataFrame + Send + Sync + 'b>;
    let jobs: Vec<(&str, Build<'_>)> = vec![
        (names::UNITS, Box::new(|| tables::units(&a.units))),
        (
            names::TERM_COUNTS,
            Box::new(|| tables::term_counts(&a.term_counts)),
        ),
        (
            names::TERMS_BY_ORGANISATION,
            Box::new(|| tables::terms_by_group(&a.terms_by_organisation, "organisation", true)),
        ),
        (
            names::TERMS_BY_COUNTRY,
            Box::new(|| tables::terms_by_group(&a.terms_by_country, "country", false)),
        ),
        (
            names::THEMES_BY_ORGANISATION,
            Box::new(|| tables::themes_by_group(&a.themes_by_organisation, "organisation", true)),
        ),
        (
            names::THEMES_BY_COUNTRY,
            Box::new(|| tables::themes_by_group(&a.themes_by_country, "country", false)),
        ),
        (
            names::THEME_COOCCURRENCE,
            Box::new(|| tables::theme_cooccurrence(&a.theme_cooccurrence)),
        ),
        (
            names::THEME_PATTERNS,
            Box::new(|| tables::theme_patterns(&a.theme_patterns)),
        ),
        (
            names::COLLOCATIONS,
            Box::new(|| tables::collocations(&a.collocations)),
        ),
        (
            names::COLLOCATIONS_BY_ORGANISATION,
            Box::new(|| tables::collocations_by_organisation(&a.collocations_by_organisation)),
        ),
    ];
    let results: Vec<Result<WrittenTable, WriteError>> = pool.install(|| {
        jobs.par_iter()
            .map(|(name, build)| write::write_table(out, name, &build(), formats))
            .collect()
    });
    for result in results {
        written.push(result?);
    }
    // The manifest lists tables in the contract's order.
    let order = [
        names::UNITS,
        names::SENTENCES,
        names::TERM_COUNTS,
        names::TERMS_BY_ORGANISATION,
        names::TERMS_BY_COUNTRY,
        names::ENTITIES,
        names::FIGURES,
        names::YEARS,
        names::THEME_HITS,
        names::THEMES_BY_ORGANISATION,
        names::THEMES_BY_COUNTRY,
        names::THEME_COOCCURRENCE,
        names::THEME_PATTERNS,
        names::COLLOCATIONS,
        names::COLLOCATIONS_BY_ORGANISATION,
    ];
    written.sort_by_key(|t| {
        order
            .iter()
            .position(|&n| n == t.name)
            .unwrap_or(order.len())
    });
    for table in &mut written {
        for file in &mut table.files {
            if let Some(name) = file.file_name() {
                *file = PathBuf::from(name);
            }
        }
    }
    timings.insert("write", write_clock.elapsed().as_secs_f64());

    let manifest = Manifest {
        themata_version: env!("CARGO_PKG_VERSION"),
        started: humantime::format_rfc3339_seconds(started_at).to_string(),
        finished: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        threads,
        configuration: config.resolved.clone(),
        configuration_file: config.source.as_deref(),
        inputs: &inputs,
        skipped: &problems,
        tables: &written,
        timings_seconds: timings,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| WriteError::File {
        path: out.join("manifest.json"),
        message: e.to_string(),
    })?;
    write::write_atomic(&out.join("manifest.json"), &json)?;

    Ok(RunSummary {
        documents: inputs.len(),
        units,
        tokens,
        bytes: done,
        problems,
        tables: written,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// Splits the files into batches of bounded size, in order.
fn batches(files: &[InputFile]) -> Vec<&[InputFile]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    for (i, f) in files.iter().enumerate() {
        bytes += f.bytes;
        if bytes >= BATCH_BYTES || i + 1 - start >= BATCH_FILES {
            out.push(&files[start..=i]);
            start = i + 1;
            bytes = 0;
        }
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

fn analyse_document(
    file: &InputFile,
    metadata: &BTreeMap<String, DocumentMetadata>,
    segmenter: &Segmenter,
    analyser: &Analyser,
    workspace: &mut Workspace,
) -> Result<DocumentResult, IngestError> {
    let (document, decoded) = ingest::read_document(file, metadata)?;
    let Decoded {
        encoding,
        bytes,
        sha256,
        ..
    } = decoded;
    let units = segmenter.segment(&document);
    let analyses: Vec<UnitAnalysis> = units
        .into_iter()
        .map(|u| analyser.analyse(&document.text, u, workspace))
        .collect();
    Ok(DocumentResult {
        input: InputRecord {
            document: document.name.clone(),
            path: document.path.clone(),
            bytes,
            sha256,
            encoding,
            units: analyses.len(),
        },
        text: document.text,
        analyses,
    })
}

/// Reads every metadata table and keeps the rows of documents that are in the input.
fn read_all_metadata(
    paths: &[PathBuf],
    files: &[InputFile],
    mut report: impl FnMut(IngestError),
) -> BTreeMap<String, DocumentMetadata> {
    let mut all = BTreeMap::new();
    for path in paths {
        let (table, problems) = ingest::read_metadata(path);
        for p in problems {
            report(p);
        }
        for (document, meta) in table.documents {
            if files.iter().any(|f| f.name == document) {
                all.insert(document, meta);
            } else {
                report(IngestError::Metadata {
                    path: path.clone(),
                    line: table.lines.get(&document).copied().unwrap_or(0),
                    message: format!("document `{document}` is not in the input"),
                });
            }
        }
    }
    all
}
