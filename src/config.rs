//! The resolved configuration of a run: built-in defaults, overridden by `themata.toml`
//! (found in the input folder, or given with `--config`), overridden by command-line flags.
//!
//! Input: the TOML text. Output: a validated [`Config`]. An invalid file gets an error naming
//! the file, the line and the key.

use std::path::{Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::analyse::language::Language;
use crate::error::{ConfigError, line_of};
use crate::themes::cooccur::Window;
use crate::themes::{ThemeDictionary, ThemesConfig};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet, plain UTF-8 string columns.
    Parquet,
    /// Comma-separated values, UTF-8, header row.
    Csv,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }

    /// Parses `parquet` or `csv`.
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "parquet" => Some(Format::Parquet),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The language setting: detect per unit, or one language for all units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageSetting {
    /// Detect each unit's language (English when detection is not reliable).
    Auto,
    /// Use this language for every unit.
    Fixed(Language),
}

/// Default interview heading patterns (regular expressions matched against one line, with the
/// named group `rest`: "NAME, ORGANISATION" or "NAME of ORGANISATION"; or the named groups
/// `people` and `organisation`). They are matched after an image name glued to the start of
/// the line is cut away.
pub const DEFAULT_HEADINGS: &[&str] = &[
    r"^(?:(?:An?|The) )?(?i:interview|conversation|summary of (?:an? |the |our )?(?:interview|conversation)|summari[sz]ed (?:interview|conversation)|in conversation|talking) with (?P<rest>.+?)\s*$",
    r"^(?i:entrevista (?:a|con)|conversación con|entretien avec|entrevue avec|entrevista com|conversa com|interviu cu|interview mit|gespräch mit|intervista (?:a|con)) (?P<rest>.+?)\s*$",
];

/// Default boilerplate patterns (case-insensitive regular expressions): a sentence that
/// matches one is page furniture, not text, and is dropped.
pub const DEFAULT_BOILERPLATE: &[&str] = &[
    r"email address is being protected from spambots",
    r"you need javascript enabled",
    r"^\(?click here\b",
    r"^(?:share|tweet|print|like)(?: this)?(?: on \w+)?$",
    r"^(?:read more|back to top)\b",
];

/// Segmentation rules.
#[derive(Debug, Clone)]
pub struct SegmentConfig {
    /// Interview heading patterns.
    pub headings: Vec<Regex>,
    /// Boilerplate patterns.
    pub boilerplate: crate::segment::Boilerplate,
}

/// The validated configuration of a run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Language of the units.
    pub language: LanguageSetting,
    /// Extra stopwords, normalised, for every language.
    pub extra_stopwords: Vec<String>,
    /// Segmentation rules.
    pub segment: SegmentConfig,
    /// Output formats, sorted.
    pub formats: Vec<Format>,
    /// The theme dictionary (built-in, extended or replaced by `[themes]`).
    pub themes: ThemeDictionary,
    /// The co-occurrence window.
    pub window: Window,
    /// Collocations seen fewer times than this in the corpus are not listed.
    pub collocation_min_count: u64,
    /// The file the configuration came from, if any.
    pub source: Option<PathBuf>,
    /// The text of that file (shards carry it to the merge, which rebuilds the configuration).
    pub source_text: Option<String>,
    /// The configuration as TOML-compatible JSON, for the manifest.
    pub resolved: serde_json::Value,
}

/// The `themata.toml` file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    language: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    formats: Option<Vec<String>>,
    #[serde(default)]
    segment: SegmentFile,
    themes: Option<ThemesConfig>,
    #[serde(default)]
    cooccurrence: CooccurrenceFile,
    #[serde(default)]
    collocations: CollocationsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CooccurrenceFile {
    /// `"sentence"` (default), `"paragraph"`, or a number of tokens.
    window: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollocationsFile {
    min_count: Option<u64>,
}

/// Collocations seen fewer times than this are not listed, by default.
pub const DEFAULT_COLLOCATION_MIN_COUNT: u64 = 3;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct SegmentFile {
    /// Replace the built-in heading patterns.
    headings: Option<Vec<String>>,
    /// Add to the built-in boilerplate patterns.
    #[serde(default)]
    boilerplate: Vec<String>,
}

impl Config {
    /// The built-in configuration.
    pub fn builtin() -> Config {
        Config::from_file(ConfigFile::default(), None, "")
            .expect("the built-in configuration is valid")
    }

    /// Reads and validates a `themata.toml`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Validates the TOML text of a configuration file named `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            message: e.message().trim().replace('\n', " "),
        })?;
        Config::from_file(file, Some(path), text)
    }

    fn from_file(file: ConfigFile, path: Option<&Path>, text: &str) -> Result<Config, ConfigError> {
        let invalid = |key: &str, message: String| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(0, |i| i + 1);
            ConfigError::Invalid {
                path: path.map_or_else(|| PathBuf::from("<built-in>"), Path::to_path_buf),
                line,
                message,
            }
        };
        let language = match file.language.as_deref() {
            None | Some("auto") => LanguageSetting::Auto,
            Some(name) => LanguageSetting::Fixed(Language::parse(name).ok_or_else(|| {
                invalid(
                    "language",
                    format!("key `language`: expected `auto` or a language code such as `en` or `es`, found `{name}`"),
                )
            })?),
        };
        let mut formats = Vec::new();
        for name in file
            .formats
            .clone()
            .unwrap_or_else(|| vec!["parquet".into(), "csv".into()])
        {
            let format = Format::parse(&name).ok_or_else(|| {
                invalid(
                    "formats",
                    format!("key `formats`: expected `parquet` or `csv`, found `{name}`"),
                )
            })?;
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        formats.sort();
        let compile = |key: &str, pattern: &str, case_insensitive: bool| {
            regex::RegexBuilder::new(pattern)
                .case_insensitive(case_insensitive)
                .build()
                .map_err(|e| {
                    invalid(
                        key,
                        format!(
                            "key `segment.{key}`: invalid pattern `{pattern}`: {}",
                            e.to_string().lines().last().unwrap_or("")
                        ),
                    )
                })
        };
        let heading_sources: Vec<String> = file
            .segment
            .headings
            .clone()
            .unwrap_or_else(|| DEFAULT_HEADINGS.iter().map(|s| s.to_string()).collect());
        let mut headings = Vec::new();
        for pattern in &heading_sources {
            let re = compile("headings", pattern, false)?;
            let names: Vec<&str> = re.capture_names().flatten().collect();
            if !names.contains(&"rest") && !names.contains(&"organisation") {
                return Err(invalid(
                    "headings",
                    format!(
                        "key `segment.headings`: pattern `{pattern}` needs a named group `rest` or `organisation`"
                    ),
                ));
            }
            headings.push(re);
        }
        let mut boilerplate = Vec::new();
        for pattern in DEFAULT_BOILERPLATE
            .iter()
            .map(|s| s.to_string())
            .chain(file.segment.boilerplate.iter().cloned())
        {
            compile("boilerplate", &pattern, true)?; // for the error message of a bad one
            boilerplate.push(pattern);
        }
        let boilerplate = crate::segment::Boilerplate::new(boilerplate)
            .map_err(|e| invalid("boilerplate", format!("key `segment.boilerplate`: {e}")))?;
        let extra_stopwords = file
            .stopwords
            .iter()
            .map(|w| crate::analyse::tokenize::normalize(w.trim()))
            .filter(|w| !w.is_empty())
            .collect();
        let file_path = || path.map_or_else(|| PathBuf::from("<built-in>"), Path::to_path_buf);
        let themes = match &file.themes {
            None => ThemeDictionary::builtin(),
            Some(cfg) => {
                ThemeDictionary::from_config(cfg, text).map_err(|e| ConfigError::Invalid {
                    path: file_path(),
                    line: e.line,
                    message: format!("theme `{}`: pattern `{}`: {}", e.theme, e.pattern, e.reason),
                })?
            }
        };
        let window = match &file.cooccurrence.window {
            None => Window::Sentence,
            Some(toml::Value::String(w)) if w == "sentence" => Window::Sentence,
            Some(toml::Value::String(w)) if w == "paragraph" => Window::Paragraph,
            Some(toml::Value::Integer(n)) if *n >= 1 => Window::Tokens(*n as usize),
            Some(other) => {
                return Err(invalid(
                    "window",
                    format!(
                        "key `cooccurrence.window`: expected `\"sentence\"`, `\"paragraph\"` or a number of tokens (1 or more), found `{other}`"
                    ),
                ));
            }
        };
        let collocation_min_count = file
            .collocations
            .min_count
            .unwrap_or(DEFAULT_COLLOCATION_MIN_COUNT)
            .max(1);
        let resolved = serde_json::json!({
            "language": match language {
                LanguageSetting::Auto => "auto".to_string(),
                LanguageSetting::Fixed(l) => l.code().to_string(),
            },
            "stopwords": file.stopwords,
            "formats": formats.iter().map(|f| f.extension()).collect::<Vec<_>>(),
            "segment": {
                "headings": heading_sources,
                "boilerplate": boilerplate.patterns(),
            },
            "cooccurrence": { "window": match window {
                Window::Sentence => serde_json::json!("sentence"),
                Window::Paragraph => serde_json::json!("paragraph"),
                Window::Tokens(n) => serde_json::json!(n),
            }},
            "collocations": { "min_count": collocation_min_count },
            "themes": serde_json::to_value(&themes).unwrap_or(serde_json::Value::Null),
        });
        Ok(Config {
            language,
            extra_stopwords,
            segment: SegmentConfig {
                headings,
                boilerplate,
            },
            formats,
            themes,
            window,
            collocation_min_count,
            source: path.map(Path::to_path_buf),
            source_text: path.map(|_| text.to_string()),
            resolved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_valid() {
        let c = Config::builtin();
        assert_eq!(c.formats, vec![Format::Parquet, Format::Csv]);
        assert_eq!(c.language, LanguageSetting::Auto);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let text = "language = \"en\"\n\nthemez = 3\n";
        let err = Config::parse(text, Path::new("themata.toml")).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("`themata.toml`:3:"), "{message}");
        assert!(message.contains("themez"), "{message}");
    }

    #[test]
    fn bad_language_is_named() {
        let err = Config::parse("language = \"klingon\"\n", Path::new("t.toml")).unwrap_err();
        assert!(
            err.to_string().contains("`t.toml`:1: key `language`"),
            "{err}"
        );
    }

    #[test]
    fn bad_pattern_is_named() {
        let text = "[segment]\nboilerplate = [\"(unclosed\"]\n";
        let err = Config::parse(text, Path::new("t.toml")).unwrap_err();
        assert!(
            err.to_string()
                .contains("`t.toml`:2: key `segment.boilerplate`"),
            "{err}"
        );
    }

    #[test]
    fn bad_theme_pattern_names_file_line_and_theme() {
        let text =
            "[themes]\nextend = true\n\n[themes.climate]\npatterns = [\"flood*\",\n  \"**\"]\n";
        let err = Config::parse(text, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("`t.toml`:6: theme `climate`: pattern `**`"),
            "{err}"
        );
    }

    #[test]
    fn cooccurrence_window_is_read() {
        let c = Config::parse("[cooccurrence]\nwindow = 25\n", Path::new("t.toml")).unwrap();
        assert_eq!(c.window, Window::Tokens(25));
        let c = Config::parse(
            "[cooccurrence]\nwindow = \"paragraph\"\n",
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(c.window, Window::Paragraph);
        let err =
            Config::parse("[cooccurrence]\nwindow = \"page\"\n", Path::new("t.toml")).unwrap_err();
        assert!(
            err.to_string().contains("key `cooccurrence.window`"),
            "{err}"
        );
    }

    #[test]
    fn settings_are_read() {
        let text = "language = \"es\"\nformats = [\"csv\"]\nstopwords = [\"Ong\"]\n";
        let c = Config::parse(text, Path::new("t.toml")).unwrap();
        assert_eq!(c.language, LanguageSetting::Fixed(Language::Spanish));
        assert_eq!(c.formats, vec![Format::Csv]);
        assert_eq!(c.extra_stopwords, vec!["ong".to_string()]);
    }
}
