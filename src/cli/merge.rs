//! `themata merge`: the parts of a sharded run into the tables of the whole corpus.

use std::path::PathBuf;

use clap::Args;

use super::run::{Terminal, parse_format};
use crate::config::Format;
use crate::pipeline::{self, MergeOptions};

/// Arguments of `themata merge`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
for i in 0 1 2 3; do themata run corpus/ --shard $i/4 -o parts/$i; done\n  \
themata merge parts/* -o output/\n\n\
The parts must come from the same themata version, configuration and corpus, and cover every \
shard 0..N-1 once. The output is the same as `themata run corpus/ -o output/` (byte for byte, \
for the CSV files).")]
pub struct MergeArgs {
    /// Part folders written by `themata run --shard I/N`, one per shard, in any order.
    #[arg(value_name = "PART", required = true)]
    parts: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    output: PathBuf,
    /// Output formats, comma-separated: parquet, csv (default: the parts' configuration).
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', value_parser = parse_format)]
    format: Option<Vec<Format>>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// No progress display and no summary; problems are still reported.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `themata merge`; returns the exit code.
pub fn run(args: MergeArgs) -> u8 {
    let options = MergeOptions {
        parts: args.parts,
        output: args.output,
        formats: args.format,
        threads: args.threads.map(usize::from),
    };
    let terminal = Terminal::new(args.quiet);
    let result = pipeline::merge(&options, &terminal);
    terminal.finish(result, &options.output, None, args.quiet)
}
