//! `themata themes`: print the active theme dictionary as TOML.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_CLEAN, EXIT_FATAL};
use crate::config::Config;

/// Arguments of `themata themes`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  themata themes                      # the built-in dictionary\n  \
themata themes --config themata.toml  # as your configuration changes it"
)]
pub struct ThemesArgs {
    /// Configuration file whose `[themes]` extend or replace the built-in dictionary
    /// (default: `input/themata.toml` when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Runs `themata themes`; returns the exit code.
pub fn run(args: ThemesArgs) -> u8 {
    let path = args.config.or_else(|| {
        let default = PathBuf::from("input").join(crate::ingest::CONFIG_FILE);
        default.is_file().then_some(default)
    });
    let config = match path {
        Some(p) => Config::load(&p),
        None => Ok(Config::builtin()),
    };
    match config {
        Ok(config) => {
            print!("{}", config.themes.to_toml());
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("themata: error: {e}");
            EXIT_FATAL
        }
    }
}
