//! `themata run`: analyse the inputs and write the tables.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{EXIT_CLEAN, EXIT_FATAL, EXIT_SKIPPED};
use crate::config::Format;
use crate::error::{Error, IngestError};
use crate::pipeline::{self, Reporter, RunOptions, RunSummary};
use crate::shard::Shard;

/// Arguments of `themata run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  themata run                          # input/ -> output/\n  \
themata run interviews/ -o tables/ --format csv\n  \
themata run 'reports/*.txt' extra.html --threads 1 --quiet\n  \
themata run corpus/ --shard 2/8 -o parts/2   # one of 8 tasks; then `themata merge parts/*`"
)]
pub struct RunArgs {
    /// Input folders, files or globs. Folders are read recursively for .txt, .md and .html
    /// files, with their `metadata.csv` and `themata.toml`.
    #[arg(value_name = "INPUT", default_value = "input")]
    inputs: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    output: PathBuf,
    /// Configuration file, instead of `themata.toml` in the input folder.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output formats, comma-separated: parquet, csv.
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', value_parser = parse_format)]
    format: Option<Vec<Format>>,
    /// Worker threads (default: one per core). `--threads 1` runs sequentially.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Run only shard I of N (0-based) and write a part for `themata merge` instead of the
    /// tables. Documents are split by a hash of their name, so N tasks (a Slurm job array)
    /// agree without talking to each other.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// No progress bar and no summary; problems are still reported.
    #[arg(short, long)]
    quiet: bool,
}

pub(super) fn parse_format(text: &str) -> Result<Format, String> {
    Format::parse(text).ok_or_else(|| format!("expected `parquet` or `csv`, found `{text}`"))
}

/// Prints problems and drives the progress bar.
pub(super) struct Terminal {
    bar: ProgressBar,
    started: Instant,
    show_bar: bool,
    shown: Mutex<bool>,
}

/// A run shorter than this gets no progress bar.
const BAR_DELAY: Duration = Duration::from_millis(700);

impl Reporter for Terminal {
    fn problem(&self, problem: &IngestError) {
        self.bar.suspend(|| eprintln!("themata: {problem}"));
    }

    fn progress(&self, done: u64, total: u64) {
        if !self.show_bar {
            return;
        }
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if !*shown && self.started.elapsed() >= BAR_DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            *shown = true;
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn stage(&self, name: &str) {
        if self.show_bar && *self.shown.lock().unwrap_or_else(|e| e.into_inner()) {
            self.bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            self.bar.set_message(name.to_string());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

impl Terminal {
    /// A reporter for the terminal: a progress bar unless `quiet` or stderr is not one.
    pub(super) fn new(quiet: bool) -> Terminal {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} analysing [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Terminal {
            bar,
            started: Instant::now(),
            show_bar: !quiet && std::io::stderr().is_terminal(),
            shown: Mutex::new(false),
        }
    }

    /// Ends the display and prints the outcome; returns the exit code.
    pub(super) fn finish(
        &self,
        result: Result<RunSummary, Error>,
        output: &Path,
        shard: Option<Shard>,
        quiet: bool,
    ) -> u8 {
        self.bar.finish_and_clear();
        let summary = match result {
            Ok(summary) => summary,
            Err(e) => {
                eprintln!("themata: error: {e}");
                return EXIT_FATAL;
            }
        };
        if !quiet {
            let what = match shard {
                Some(shard) => format!("part {shard} in `{}`", output.display()),
                None => {
                    let tables: Vec<&str> =
                        summary.tables.iter().map(|t| t.name.as_str()).collect();
                    format!(
                        "{} tables in `{}` ({})",
                        tables.len(),
                        output.display(),
                        tables.join(", ")
                    )
                }
            };
            eprintln!(
                "themata: {} documents, {} units, {} tokens -> {what} in {:.1} s",
                summary.documents, summary.units, summary.tokens, summary.seconds,
            );
        }
        if summary.problems.is_empty() {
            EXIT_CLEAN
        } else {
            if !quiet {
                eprintln!(
                    "themata: {} input problem(s), listed above and in the manifest",
                    summary.problems.len()
                );
            }
            EXIT_SKIPPED
        }
    }
}

/// Runs `themata run`; returns the exit code.
pub fn run(args: RunArgs) -> u8 {
    let options = RunOptions {
        inputs: args.inputs,
        output: args.output,
        config: args.config,
        formats: args.format,
        threads: args.threads.map(usize::from),
        shard: args.shard,
    };
    let terminal = Terminal::new(args.quiet);
    let result = pipeline::run(&options, &terminal);
    terminal.finish(result, &options.output, options.shard, args.quiet)
}
