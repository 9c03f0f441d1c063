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
use std::sync::{Mutex, PoisonError};
use std::time::{Instant, SystemTime};

use rayon::prelude::*;
use serde::Serialize;

use crate::aggregate::{Aggregates, Aggregator};
use crate::analyse::{Analyser, Workspace};
use crate::config::{Config, Format};
use crate::error::{ConfigError, Error, IngestError, WriteError};
use crate::ingest::{self, Decoded, InputFile};
use crate::record::{DocumentMetadata, UnitAnalysis};
use crate::segment::Segmenter;
use crate::shard::{
    self, CorpusListing, InputRecord, Part, PartManifest, PartWriter, Problem, Shard,
};
use crate::tables::{self, names};
use crate::unit_tables::{Rows, UnitTables};
use crate::write::{self, WrittenTable};
use polars::prelude::DataFrame;

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
    /// Run only this shard of the corpus and write its part (for `themata merge`) instead
    /// of the tables.
    pub shard: Option<Shard>,
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
const BATCH_BYTES: u64 = 4 * 1024 * 1024;
/// ... and at most this many documents.
const BATCH_FILES: usize = 64;

#[derive(Serialize)]
struct Manifest<'a> {
    themata_version: &'static str,
    started: String,
    finished: String,
    threads: usize,
    configuration: serde_json::Value,
    configuration_file: Option<&'a Path>,
    /// The part folders of a merge.
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_from: Option<&'a [PathBuf]>,
    inputs: &'a [InputRecord],
    skipped: &'a [&'a str],
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
        config = with_formats(config, formats);
    }
    Ok(config)
}

/// Refuses a configuration that writes no table.
fn require_formats(config: &Config) -> Result<(), ConfigError> {
    if config.formats.is_empty() {
        return Err(ConfigError::Argument(
            "no output format (expected `parquet`, `csv` or both)".into(),
        ));
    }
    Ok(())
}

/// `config` writing `formats` instead of its own.
fn with_formats(mut config: Config, formats: &[Format]) -> Config {
    let mut formats = formats.to_vec();
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
    config
}

/// Where the per-unit rows of a run go: the tables themselves, or a shard's part.
enum UnitSink {
    Tables(Box<UnitTables>),
    /// A shard's part.
    Part(PartWriter, Shard),
}

impl UnitSink {
    fn push_document(&mut self, doc: &DocumentResult, config: &Config) -> Result<(), WriteError> {
        match self {
            UnitSink::Tables(tables) => {
                for a in &doc.analyses {
                    tables.push(&doc.text, a, config);
                }
                Ok(())
            }
            UnitSink::Part(part, _) => {
                let mut rows = Rows::default();
                for a in &doc.analyses {
                    rows.add(&doc.text, a, config);
                }
                part.push_document(&doc.input.document, &rows)
            }
        }
    }

    fn flush(&mut self) -> Result<(), WriteError> {
        match self {
            UnitSink::Tables(tables) => tables.flush(),
            UnitSink::Part(..) => Ok(()),
        }
    }
}

fn thread_pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize), ConfigError> {
    let threads = threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ConfigError::Argument(format!("cannot start {threads} threads: {e}")))?;
    Ok((pool, threads))
}

/// Runs the whole pipeline; with [`RunOptions::shard`], runs one shard and writes its part.
pub fn run(options: &RunOptions, reporter: &dyn Reporter) -> Result<RunSummary, Error> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let mut timings = BTreeMap::new();

    let mut found = ingest::discover(&options.inputs)?;
    let config = load_config(options, found.config_file.as_deref())?;
    require_formats(&config)?;
    write::prepare_output(&options.output)?;
    let (pool, threads) = thread_pool(options.threads)?;

    let mut problems: Vec<Problem> = Vec::new();
    let report = |problem: IngestError, document: Option<&str>, problems: &mut Vec<Problem>| {
        reporter.problem(&problem);
        problems.push(Problem {
            document: document.map(str::to_owned),
            message: problem.to_string(),
        });
    };
    for p in found.problems {
        report(p, None, &mut problems);
    }
    let metadata = read_all_metadata(&found.metadata_files, &found.files, |p| {
        report(p, None, &mut problems)
    });
    if found.files.is_empty() {
        return Err(ConfigError::NoInput.into());
    }
    let corpus = CorpusListing::of(&found.files);
    if let Some(shard) = options.shard {
        found.files.retain(|f| shard.owns(&f.name));
    }
    timings.insert("discover", clock.elapsed().as_secs_f64());

    let segmenter = Segmenter::new(config.segment.clone());
    let analyser = Analyser::new(&config);
    let mut aggregator = Aggregator::new();
    aggregator.spill_to(options.output.clone());
    let mut sink = match options.shard {
        None => UnitSink::Tables(Box::new(UnitTables::create(&options.output, &config)?)),
        Some(shard) => UnitSink::Part(PartWriter::create(&options.output)?, shard),
    };
    let total: u64 = found.files.iter().map(|f| f.bytes).sum();
    let mut done = 0u64;
    let mut inputs = Vec::new();
    let mut tokens = 0u64;
    let analyse_clock = Instant::now();
    let workspaces = Workspaces::default();
    let analyse_batch = |batch: &[InputFile]| -> Vec<Result<DocumentResult, IngestError>> {
        batch
            .par_iter()
            .map_init(
                || workspaces.lease(),
                |lease, file| {
                    analyse_document(file, &metadata, &segmenter, &analyser, &mut lease.workspace)
                },
            )
            .collect()
    };
    // Folding a batch into the aggregates and the streamed tables is sequential (unit order);
    // it runs while the next batch is analysed, so no core waits for it.
    let mut consume = |batch: &[InputFile],
                       results: Vec<Result<DocumentResult, IngestError>>|
     -> Result<(), WriteError> {
        if results.is_empty() {
            return Ok(());
        }
        for (file, result) in batch.iter().zip(results) {
            match result {
                Err(problem) => report(problem, Some(&file.name), &mut problems),
                Ok(doc) => {
                    done += doc.input.bytes;
                    for a in &doc.analyses {
                        aggregator.add(a).map_err(spill_error(&options.output))?;
                        tokens += a.n_tokens;
                    }
                    sink.push_document(&doc, &config)?;
                    inputs.push(doc.input);
                }
            }
        }
        sink.flush()?;
        reporter.progress(done, total);
        Ok(())
    };
    let mut pending: (&[InputFile], Vec<_>) = (&[], Vec::new());
    for batch in batches(&found.files) {
        let previous = std::mem::take(&mut pending);
        let (results, consumed) = pool
            .install(|| rayon::join(|| analyse_batch(batch), || consume(previous.0, previous.1)));
        consumed?;
        pending = (batch, results);
    }
    consume(pending.0, pending.1)?;
    // The workspaces' caches are not needed past the analysis: their memory goes back before
    // the tables are computed.
    drop(workspaces);
    timings.insert("analyse", analyse_clock.elapsed().as_secs_f64());
    let units = aggregator.n_units();

    let mut run = Finish {
        output: &options.output,
        config: &config,
        pool: &pool,
        threads,
        started_at,
        timings,
        reporter,
    };
    let written = match sink {
        UnitSink::Part(part, shard) => {
            run.write_part(part, &aggregator, shard, corpus, &inputs, &problems, tokens)?;
            Vec::new()
        }
        UnitSink::Tables(tables) => {
            if inputs.is_empty() {
                return Err(ConfigError::NoInput.into());
            }
            run.write_tables(aggregator, *tables, &inputs, &problems, None)?
        }
    };
    Ok(RunSummary {
        documents: inputs.len(),
        units,
        tokens,
        bytes: done,
        problems: problems.into_iter().map(|p| p.message).collect(),
        tables: written,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// What to merge.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Part folders, one per shard.
    pub parts: Vec<PathBuf>,
    /// Output folder.
    pub output: PathBuf,
    /// Output formats, overriding the parts' configuration.
    pub formats: Option<Vec<Format>>,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
}

/// The largest tables are built and written in chunks of about this many rows.
const CHUNK_ROWS: usize = 1 << 17;

/// Per-unit rows are written in batches of about this many rows.
const MERGE_BATCH_ROWS: usize = 1 << 18;

/// Merges the parts of a sharded run into the tables a single run over the whole corpus
/// writes: checks that the parts belong together and cover every shard once, sums their
/// aggregates, interleaves their per-unit rows in document order, then computes the
/// statistics that need the whole corpus.
pub fn merge(options: &MergeOptions, reporter: &dyn Reporter) -> Result<RunSummary, Error> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let mut timings = BTreeMap::new();
    let parts = options
        .parts
        .iter()
        .map(|dir| Part::open(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let parts = shard::check_parts(parts)?;
    let first = &parts[0].manifest;
    let mut config = match (&first.configuration_text, &first.configuration_file) {
        (Some(text), Some(path)) => Config::parse(text, path)?,
        _ => Config::builtin(),
    };
    let formats = options.formats.clone().unwrap_or_else(|| {
        first.configuration["formats"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().and_then(Format::parse))
            .collect()
    });
    config = with_formats(config, &formats);
    require_formats(&config)?;
    let mut inputs: Vec<InputRecord> = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    for part in &parts {
        inputs.extend(part.manifest.inputs.iter().cloned());
        for p in &part.manifest.problems {
            // Problems with the inputs as a whole were met by every task: keep one.
            if p.document.is_some() || !problems.contains(p) {
                problems.push(p.clone());
            }
        }
    }
    inputs.sort_by(|a, b| a.document.cmp(&b.document));
    if let Some(pair) = inputs.windows(2).find(|w| w[0].document == w[1].document) {
        return Err(Error::Parts(format!(
            "document `{}` is in two parts (were the parts cut with different --shard counts?)",
            pair[0].document
        )));
    }
    if inputs.is_empty() {
        return Err(ConfigError::NoInput.into());
    }
    // As in a single run: problems with the inputs as a whole first, then by document.
    problems.sort_by(|a, b| {
        a.document
            .is_some()
            .cmp(&b.document.is_some())
            .then_with(|| a.document.cmp(&b.document))
    });
    write::prepare_output(&options.output)?;
    let (pool, threads) = thread_pool(options.threads)?;
    timings.insert("discover", clock.elapsed().as_secs_f64());

    reporter.stage("merging parts");
    let merge_clock = Instant::now();
    let mut tables = UnitTables::create(&options.output, &config)?;
    let (aggregator, rows) = pool.install(|| {
        rayon::join(
            || merge_states(&parts, &options.output),
            || merge_rows(&parts, &mut tables),
        )
    });
    let aggregator = aggregator?;
    rows?;
    timings.insert("merge", merge_clock.elapsed().as_secs_f64());
    let units = aggregator.n_units();
    let tokens = parts.iter().map(|p| p.manifest.tokens).sum();
    let bytes = inputs.iter().map(|i| i.bytes).sum();

    let mut run = Finish {
        output: &options.output,
        config: &config,
        pool: &pool,
        threads,
        started_at,
        timings,
        reporter,
    };
    let dirs: Vec<PathBuf> = parts.iter().map(|p| p.dir.clone()).collect();
    let written = run.write_tables(aggregator, tables, &inputs, &problems, Some(&dirs))?;
    Ok(RunSummary {
        documents: inputs.len(),
        units,
        tokens,
        bytes,
        problems: problems.into_iter().map(|p| p.message).collect(),
        tables: written,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// Sums the parts' aggregates, reading the next part while the previous one is added.
fn merge_states(parts: &[Part], output: &Path) -> Result<Aggregator, Error> {
    let mut merged = Aggregator::new();
    merged.spill_to(output.to_path_buf());
    let mut next = parts.first().map(Part::state);
    for i in 0..parts.len() {
        let current = next.take().expect("read ahead")?;
        let (following, absorbed) = rayon::join(
            || parts.get(i + 1).map(Part::state),
            || merged.absorb(current),
        );
        absorbed.map_err(spill_error(output))?;
        next = following;
    }
    Ok(merged)
}

/// The error of counts spilled to a temporary file in the output folder `dir`.
fn spill_error(dir: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |e| WriteError::File {
        path: dir.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes the parts' per-unit rows in document order: every part's frames are in document
/// order, so the smallest next document of all parts comes next.
fn merge_rows(parts: &[Part], tables: &mut UnitTables) -> Result<(), Error> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut readers = parts
        .iter()
        .map(Part::rows)
        .collect::<Result<Vec<_>, _>>()?;
    let mut heads: Vec<Option<Rows>> = Vec::with_capacity(readers.len());
    let mut heap = BinaryHeap::new();
    for (i, reader) in readers.iter_mut().enumerate() {
        heads.push(match reader.next().transpose()? {
            Some((document, rows)) => {
                heap.push(Reverse((document, i)));
                Some(rows)
            }
            None => None,
        });
    }
    while let Some(Reverse((_, i))) = heap.pop() {
        if let Some(rows) = heads[i].take() {
            tables.push_rows(rows);
        }
        if let Some((document, rows)) = readers[i].next().transpose()? {
            heap.push(Reverse((document, i)));
            heads[i] = Some(rows);
        }
        if tables.pending() >= MERGE_BATCH_ROWS {
            tables.flush()?;
        }
    }
    tables.flush()?;
    Ok(())
}

/// The end of a run or a merge: aggregates to tables, or a shard's part, and the manifest.
struct Finish<'a> {
    output: &'a Path,
    config: &'a Config,
    pool: &'a rayon::ThreadPool,
    threads: usize,
    started_at: SystemTime,
    timings: BTreeMap<&'static str, f64>,
    reporter: &'a dyn Reporter,
}

impl Finish<'_> {
    #[allow(clippy::too_many_arguments)]
    fn write_part(
        &mut self,
        part: PartWriter,
        aggregator: &Aggregator,
        shard: Shard,
        corpus: CorpusListing,
        inputs: &[InputRecord],
        problems: &[Problem],
        tokens: u64,
    ) -> Result<(), Error> {
        self.reporter.stage("writing the part");
        let write_clock = Instant::now();
        let mut manifest = PartManifest {
            format: shard::PART_FORMAT.into(),
            format_version: shard::PART_FORMAT_VERSION,
            themata_version: env!("CARGO_PKG_VERSION").into(),
            shard,
            corpus,
            configuration: self.config.resolved.clone(),
            configuration_file: self.config.source.clone(),
            configuration_text: self.config.source_text.clone(),
            inputs: inputs.to_vec(),
            problems: problems.to_vec(),
            units: aggregator.n_units() as u64,
            tokens,
            state_bytes: 0,
            rows_bytes: 0,
            started: humantime::format_rfc3339_seconds(self.started_at).to_string(),
            finished: String::new(),
            timings_seconds: BTreeMap::new(),
        };
        self.timings
            .insert("write", write_clock.elapsed().as_secs_f64());
        manifest.timings_seconds = self
            .timings
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        manifest.finished = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        part.finish(aggregator, &mut manifest)?;
        Ok(())
    }

    fn write_tables(
        &mut self,
        mut aggregator: Aggregator,
        unit_tables: UnitTables,
        inputs: &[InputRecord],
        problems: &[Problem],
        parts: Option<&[PathBuf]>,
    ) -> Result<Vec<WrittenTable>, Error> {
        let config = self.config;
        self.reporter.stage("aggregating");
        let aggregate_clock = Instant::now();
        aggregator.shrink_to_fit();
        let aggregates = self
            .pool
            .install(|| aggregator.finish(&config.themes, config.collocation_min_count))
            .map_err(spill_error(self.output))?;
        self.timings
            .insert("aggregate", aggregate_clock.elapsed().as_secs_f64());

        self.reporter.stage("writing tables");
        let write_clock = Instant::now();
        let out = self.output;
        let formats = &config.formats;
        let mut written = unit_tables.finish()?;
        let a = &aggregates;
        // The aggregated tables are laid out and written in parallel: each is independent.
        // The term tables, the largest, are built and written in chunks.
        type Job<'b> = Box<dyn Fn() -> Result<WrittenTable, WriteError> + Send + Sync + 'b>;
        let whole = |name: &'static str, frame: fn(&Aggregates<'_>) -> DataFrame| -> Job<'_> {
            Box::new(move || write::write_table(out, name, &frame(a), formats))
        };
        // Largest first (the term tables, then the phrase and theme tables), started in this
        // order: the largest table's time is the stage's critical path.
        let jobs: Vec<Job<'_>> = vec![
            Box::new(|| {
                let chunks = a.terms_by_organisation.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::terms_by_group(rows, "organisation", true);
                write_read_back(out, names::TERMS_BY_ORGANISATION, chunks, frame, formats)
            }),
            Box::new(|| {
                let chunks = a.term_counts.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::term_counts(rows);
                write_read_back(out, names::TERM_COUNTS, chunks, frame, formats)
            }),
            Box::new(|| {
                let chunks = a.collocations_by_organisation.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::collocations_by_organisation(rows);
                let name = names::COLLOCATIONS_BY_ORGANISATION;
                write_read_back(out, name, chunks, frame, formats)
            }),
            Box::new(|| {
                let chunks = a.terms_by_country.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::terms_by_group(rows, "country", false);
                write_read_back(out, names::TERMS_BY_COUNTRY, chunks, frame, formats)
            }),
            Box::new(|| {
                let chunks = a.themes_by_organisation.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::themes_by_group(rows, "organisation", true);
                write_built(out, names::THEMES_BY_ORGANISATION, chunks, frame, formats)
            }),
            whole(names::UNITS, |a| tables::units(a.units)),
            whole(names::COLLOCATIONS, |a| {
                tables::collocations(&a.collocations)
            }),
            Box::new(|| {
                let chunks = a.themes_by_country.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::themes_by_group(rows, "country", false);
                write_built(out, names::THEMES_BY_COUNTRY, chunks, frame, formats)
            }),
            Box::new(|| {
                let chunks = a.theme_cooccurrence.chunks(CHUNK_ROWS);
                let frame = |rows: &[_]| tables::theme_cooccurrence(rows);
                write_built(out, names::THEME_COOCCURRENCE, chunks, frame, formats)
            }),
            whole(names::THEME_PATTERNS, |a| {
                tables::theme_patterns(&a.theme_patterns)
            }),
        ];
        let mut results: Vec<Option<Result<WrittenTable, WriteError>>> =
            jobs.iter().map(|_| None).collect();
        self.pool.install(|| {
            rayon::scope_fifo(|scope| {
                for (job, result) in jobs.iter().zip(&mut results) {
                    scope.spawn_fifo(move |_| *result = Some(job()));
                }
            })
        });
        for result in results {
            written.push(result.expect("every job ran")?);
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
        self.timings
            .insert("write", write_clock.elapsed().as_secs_f64());

        let skipped: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        let manifest = Manifest {
            themata_version: env!("CARGO_PKG_VERSION"),
            started: humantime::format_rfc3339_seconds(self.started_at).to_string(),
            finished: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            threads: self.threads,
            configuration: config.resolved.clone(),
            configuration_file: config.source.as_deref(),
            merged_from: parts,
            inputs,
            skipped: &skipped,
            tables: &written,
            timings_seconds: self.timings.clone(),
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| WriteError::File {
            path: out.join("manifest.json"),
            message: e.to_string(),
        })?;
        write::write_atomic(&out.join("manifest.json"), &json)?;
        Ok(written)
    }
}

/// Writes a table whose rows are read back in chunks from temporary files, laying out each
/// chunk with `frame`. A chunk that cannot be read fails the table, and no file of it is
/// renamed into place.
fn write_read_back<R>(
    dir: &Path,
    name: &str,
    chunks: impl Iterator<Item = std::io::Result<Vec<R>>>,
    frame: impl Fn(&[R]) -> DataFrame,
    formats: &[Format],
) -> Result<WrittenTable, WriteError> {
    let frames = chunks.map(|chunk| chunk.map(|rows| frame(&rows)).map_err(spill_error(dir)));
    write::write_chunks(dir, name, &frame(&[]), frames, formats)
}

/// Writes a table whose rows are built in memory in chunks, laying out each chunk with
/// `frame`.
fn write_built<R>(
    dir: &Path,
    name: &str,
    chunks: impl Iterator<Item = Vec<R>>,
    frame: impl Fn(&[R]) -> DataFrame,
    formats: &[Format],
) -> Result<WrittenTable, WriteError> {
    let frames = chunks.map(|rows| Ok(frame(&rows)));
    write::write_chunks(dir, name, &frame(&[]), frames, formats)
}

/// Workspaces kept from one piece of work to the next. A workspace's vocabularies and theme
/// matches are caches that make a worker's later units cheaper (a word is stemmed and matched
/// once per workspace), and rayon starts a new piece, with a new `map_init` state, for each
/// part of a batch it splits off: without the pool each would start with empty caches.
#[derive(Default)]
struct Workspaces(Mutex<Vec<Workspace>>);

impl Workspaces {
    /// A workspace for one piece of work: a kept one, or a new one when all are in use.
    fn lease(&self) -> Lease<'_> {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        Lease {
            pool: self,
            workspace: kept.unwrap_or_default(),
        }
    }
}

/// A workspace taken from [`Workspaces`], given back when dropped.
struct Lease<'a> {
    pool: &'a Workspaces,
    workspace: Workspace,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let workspace = std::mem::take(&mut self.workspace);
        let mut kept = self.pool.0.lock().unwrap_or_else(PoisonError::into_inner);
        kept.push(workspace);
    }
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
            encoding: encoding.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspaces_are_given_back_and_reused() {
        let pool = Workspaces::default();
        let kept = |pool: &Workspaces| pool.0.lock().unwrap().len();
        {
            let (_a, _b) = (pool.lease(), pool.lease());
            assert_eq!(kept(&pool), 0, "both in use");
        }
        assert_eq!(kept(&pool), 2, "both given back");
        {
            let _c = pool.lease();
            assert_eq!(kept(&pool), 1, "a kept one is taken, not a new one made");
        }
        assert_eq!(kept(&pool), 2);
    }
}
