//! The command line: clap definitions, one file per subcommand. The only place that prints.
//!
//! Exit codes: 0 clean; 1 finished, but some inputs were skipped (each named on stderr);
//! 2 nothing usable (bad flags, bad configuration, no readable input, output not writable).
#![allow(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is the one place that prints"
)]

mod init;
mod merge;
mod run;
mod themes;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code of a clean run.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code of a run that finished but skipped some inputs.
pub const EXIT_SKIPPED: u8 = 1;
/// Exit code of a run that could not do its work.
pub const EXIT_FATAL: u8 = 2;

/// themata turns a corpus of interviews into tidy tables of terms per organisation and
/// country, for notebooks (pandas, polars, R arrow, DuckDB).
#[derive(Debug, Parser)]
#[command(name = "themata", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 clean, 1 finished but some inputs were skipped, 2 nothing usable \
(bad flags or config, no readable input, output not writable)."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse interviews and write the tables (or, with --shard, one part of them).
    Run(run::RunArgs),
    /// Merge the parts of a sharded run (`themata run --shard I/N`) into the tables.
    Merge(merge::MergeArgs),
    /// Print the active theme dictionary (built-in, or as changed by a themata.toml).
    Themes(themes::ThemesArgs),
    /// Write a starter themata.toml with the built-in dictionary and every setting, commented.
    Init(init::InitArgs),
}

/// Parses the arguments and runs the command; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_FATAL
            } else {
                EXIT_CLEAN
            };
            // clap prints help and version to stdout, errors to stderr.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Themes(args) => themes::run(args),
        Command::Init(args) => init::run(args),
    };
    ExitCode::from(code)
}
