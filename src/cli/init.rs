//! `themata init`: write a starter `themata.toml` for a researcher to edit.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_CLEAN, EXIT_FATAL};
use crate::config::{DEFAULT_BOILERPLATE, DEFAULT_COLLOCATION_MIN_COUNT, DEFAULT_HEADINGS};
use crate::themes::ThemeDictionary;

/// Arguments of `themata init`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  themata init input/themata.toml   # then edit it; `themata run` picks it up"
)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(value_name = "FILE", default_value = "themata.toml")]
    path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

/// The starter configuration: every setting with its default, commented out, and the
/// built-in theme dictionary (active, with `extend = false`, so editing it changes it).
pub fn starter() -> String {
    let quote = |s: &str| format!("'{s}'");
    let mut out = String::new();
    out.push_str(
        "# themata configuration. Every setting is optional; defaults are shown commented.\n",
    );
    out.push_str(
        "# Place this file in the input folder, or pass it with `themata run --config FILE`.\n\n",
    );
    out.push_str(
        "# Language of the units: \"auto\" (detected per unit) or a code/name such as \"es\".\n",
    );
    out.push_str("# language = \"auto\"\n\n");
    out.push_str("# Extra stopwords, for every language.\n# stopwords = []\n\n");
    out.push_str("# Output formats.\n# formats = [\"parquet\", \"csv\"]\n\n");
    out.push_str("[segment]\n");
    out.push_str(
        "# Interview heading patterns (regular expressions on one line, with a named group\n",
    );
    out.push_str("# `rest` = \"NAME, ORGANISATION\" or groups `people` and `organisation`). Replaces the built-in list.\n");
    out.push_str("# headings = [\n");
    for h in DEFAULT_HEADINGS {
        out.push_str(&format!("#   {},\n", quote(h)));
    }
    out.push_str("# ]\n");
    out.push_str(
        "# Extra boilerplate patterns (case-insensitive; a matching sentence is dropped).\n",
    );
    out.push_str("# Built in:");
    for b in DEFAULT_BOILERPLATE {
        out.push_str(&format!(" {}", quote(b)));
    }
    out.push_str("\n# boilerplate = []\n\n");
    out.push_str("[cooccurrence]\n# Window: \"sentence\", \"paragraph\" or a number of tokens.\n# window = \"sentence\"\n\n");
    out.push_str(&format!(
        "[collocations]\n# Phrases seen fewer times in the corpus are not listed.\n# min_count = {DEFAULT_COLLOCATION_MIN_COUNT}\n\n"
    ));
    out.push_str(&ThemeDictionary::builtin().to_toml());
    out
}

/// Runs `themata init`; returns the exit code.
pub fn run(args: InitArgs) -> u8 {
    if args.path.exists() && !args.force {
        eprintln!(
            "themata: error: `{}` exists; pass --force to overwrite it",
            args.path.display()
        );
        return EXIT_FATAL;
    }
    match crate::write::write_atomic(&args.path, starter().as_bytes()) {
        Ok(()) => {
            eprintln!("themata: wrote `{}`", args.path.display());
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("themata: error: {e}");
            EXIT_FATAL
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    #[test]
    fn starter_is_a_valid_configuration_with_the_builtin_dictionary() {
        let config =
            Config::parse(&starter(), Path::new("themata.toml")).expect("the starter parses");
        assert_eq!(config.themes, ThemeDictionary::builtin());
    }
}
