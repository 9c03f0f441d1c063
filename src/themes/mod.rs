//! The theme dictionary and the theme matcher.
//!
//! A *theme* is a name and a list of *patterns*. A pattern is one or more words separated by
//! spaces; each word is either literal (`migrant`) or a glob where `*` stands for any run of
//! characters, possibly empty (`migra*`, `*trafficking`, `*traffick*`). A phrase (`forced
//! labour`, `safe hous*`) matches consecutive tokens of one sentence. Patterns are written in
//! `themata.toml`:
//!
//! ```toml
//! [themes]
//! extend = true            # add to the built-in dictionary (false: replace it)
//!
//! [themes.trafficking]
//! patterns = ["bride trafficking"]
//! es = ["trata de personas"]  # only for units whose language is Spanish
//!
//! [themes.climate]
//! patterns = ["climate change", "drought*", "flood*"]
//! ```
//!
//! Input: a [`ThemesConfig`] (deserialised from TOML with line information) or the built-in
//! dictionary (`themes_builtin.toml`); then, per unit, the unit's [`TokenRef`]s.
//! Output: [`ThemeHit`]s sorted by `(start_byte, theme)`.
//!
//! Matching rules:
//! - Patterns are normalised like token norms: lowercase, NFC, `’` → `'`; a hyphen splits
//!   words as the tokenizer does (`gender-based` is the phrase `gender based`).
//! - A token matches a word pattern on its norm; a possessive token (`women's`, `workers'`)
//!   also matches on the norm without the possessive (`women`, `workers`), and an elided
//!   token (`l'homme`, `d'accueil`) also matches on the part after the apostrophe.
//! - Phrases never cross a sentence end.
//! - Within one theme, matches do not overlap: scanning left to right, the longest match
//!   starting at a token wins (ties: the earlier pattern of the theme), and the tokens it covers
//!   cannot start or join another match of that theme. So "human trafficking" counts once for
//!   `trafficking`, not twice. Across themes every match is kept: a token claimed by two themes
//!   gives two hits.
//! - The `patterns` list of a theme applies to units of every language (so cognates such as
//!   `migra*` work across languages); a language key (`es`, `fr`, `pt`, …) adds patterns for
//!   units of that language only.
//! - A glob word needs at least [`MIN_GLOB_LITERAL_CHARS`] literal characters (`ab*` is
//!   rejected as too broad); `**` and a lone `*` are rejected.
//!
//! This module does not count or aggregate hits (see `cooccur` and `theme_patterns`), does not
//! tokenize, and does not detect the language.

pub mod collocations;
pub mod cooccur;
pub mod patterns;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use hashbrown::HashTable;
use rustc_hash::FxHashMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::analyse::TokenRef;
use crate::analyse::vocabulary::FormKey;

/// The built-in dictionary as shipped (TOML text with comments), for `themata themes`.
pub const BUILTIN_TOML: &str = include_str!("builtin.toml");

/// The fewest literal (non-`*`) characters a glob word may have.
pub const MIN_GLOB_LITERAL_CHARS: usize = 3;

/// The `[themes]` table of `themata.toml`, with source spans for error messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemesConfig {
    /// `true` (the default): the listed themes extend the built-in dictionary (patterns of a
    /// theme with a built-in name are added to it; new themes come after the built-in ones).
    /// `false`: the listed themes replace the built-in dictionary.
    pub extend: bool,
    /// The `[themes.NAME]` tables in the order they appear in the file.
    pub themes: Vec<ThemeConfig>,
}

impl Default for ThemesConfig {
    fn default() -> Self {
        ThemesConfig {
            extend: true,
            themes: Vec::new(),
        }
    }
}

/// One `[themes.NAME]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeConfig {
    /// The theme name (the table key).
    pub name: String,
    /// Byte range of the table in the source (used to keep file order).
    pub span: Range<usize>,
    /// `patterns = [...]`: patterns for units of every language.
    pub patterns: Vec<Spanned<String>>,
    /// Language keys (`es = [...]`): patterns for units of that language only, by lowercase
    /// two-letter code, in key order.
    pub languages: BTreeMap<String, Vec<Spanned<String>>>,
}

/// The body of a theme table, before the name is known.
#[derive(Debug, Default)]
struct ThemeTable {
    patterns: Vec<Spanned<String>>,
    languages: BTreeMap<String, Vec<Spanned<String>>>,
}

impl<'de> Deserialize<'de> for ThemeTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = ThemeTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a theme table with `patterns = [...]`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ThemeTable, A::Error> {
                let mut table = ThemeTable::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "patterns" {
                        table.patterns = map.next_value()?;
                    } else if is_language_key(&key) {
                        let list: Vec<Spanned<String>> = map.next_value()?;
                        table.languages.insert(key, list);
                    } else {
                        return Err(de::Error::custom(format!(
                            "unknown key `{key}` in a theme table: expected `patterns` or a \
                             two-letter language code such as `es`"
                        )));
                    }
                }
                Ok(table)
            }
        }
        deserializer.deserialize_map(TableVisitor)
    }
}

impl<'de> Deserialize<'de> for ThemesConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ThemesVisitor;
        impl<'de> Visitor<'de> for ThemesVisitor {
            type Value = ThemesConfig;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a `[themes]` table with `extend` and `[themes.NAME]` tables")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ThemesConfig, A::Error> {
                let mut config = ThemesConfig::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "extend" {
                        config.extend = map.next_value()?;
                        continue;
                    }
                    if key.trim().is_empty() {
                        return Err(de::Error::custom("a theme name must not be empty"));
                    }
                    let table: Spanned<ThemeTable> = map.next_value()?;
                    let span = table.span();
                    let table = table.into_inner();
                    config.themes.push(ThemeConfig {
                        name: key,
                        span,
                        patterns: table.patterns,
                        languages: table.languages,
                    });
                }
                // Keep file order whatever order the map was visited in.
                config.themes.sort_by_key(|theme| theme.span.start);
                Ok(config)
            }
        }
        deserializer.deserialize_map(ThemesVisitor)
    }
}

/// Whether `key` is a language key of a theme table: two lowercase ASCII letters.
fn is_language_key(key: &str) -> bool {
    key.len() == 2 && key.bytes().all(|b| b.is_ascii_lowercase())
}

/// What is wrong with a pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternProblem {
    /// `""`.
    #[error("the pattern is empty")]
    Empty,
    /// Only spaces (or hyphens).
    #[error("the pattern has no words")]
    NoWords,
    /// A character that never occurs in a token norm.
    #[error("invalid character `{0}`: expected letters, digits, `'`, `*`, `-` and spaces")]
    InvalidCharacter(char),
    /// `**` in a word.
    #[error("`**` in `{0}`: use a single `*`")]
    DoubleStar(String),
    /// A word that is only `*`.
    #[error("a lone `*` matches every word")]
    LoneStar,
    /// A glob word with too few literal characters.
    #[error(
        "the glob `{0}` is too broad: it needs at least {MIN_GLOB_LITERAL_CHARS} letters besides `*`"
    )]
    GlobTooBroad(String),
    /// A word without a letter or digit (e.g. `'`).
    #[error("the word `{0}` has no letter or digit")]
    NoLetters(String),
    /// More themes or patterns than a `u16` index can address.
    #[error("too many themes or patterns (at most 65535 each)")]
    TooMany,
}

/// A bad pattern in the theme configuration, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: theme `{theme}`, pattern `{pattern}`: {reason}")]
pub struct PatternError {
    /// 1-based line of the pattern in the configuration source.
    pub line: usize,
    /// The theme the pattern belongs to.
    pub theme: String,
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: PatternProblem,
}

/// An error reading a whole theme TOML file (see [`ThemeDictionary::from_toml`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ThemeFileError {
    /// The TOML is malformed or has the wrong shape (the message names the line).
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    /// A pattern is invalid.
    #[error(transparent)]
    Pattern(#[from] PatternError),
}

/// One validated, normalised pattern of a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pattern {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
}

impl Pattern {
    /// The normalised pattern: lowercase NFC words separated by one space.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The two-letter language code the pattern is restricted to, if any.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }
}

/// A named theme and its patterns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Theme {
    name: String,
    patterns: Vec<Pattern>,
}

impl Theme {
    /// The theme name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The patterns; [`ThemeHit::pattern`] indexes this list.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

/// A validated theme dictionary: themes in a stable order (built-in order, then the order of
/// the configuration file). [`ThemeHit::theme`] indexes [`ThemeDictionary::themes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeDictionary {
    themes: Vec<Theme>,
}

static BUILTIN: LazyLock<ThemeDictionary> = LazyLock::new(|| {
    ThemeDictionary::parse_builtin()
        .expect("the built-in theme dictionary is valid (checked by a unit test)")
});

impl ThemeDictionary {
    /// The built-in dictionary for the field (trafficking, migration, labour, …).
    pub fn builtin() -> ThemeDictionary {
        BUILTIN.clone()
    }

    /// An empty dictionary.
    pub fn empty() -> ThemeDictionary {
        ThemeDictionary { themes: Vec::new() }
    }

    /// Builds the dictionary a configuration asks for. `source` is the text `cfg` was
    /// deserialised from (the whole `themata.toml`), used to turn spans into line numbers.
    pub fn from_config(cfg: &ThemesConfig, source: &str) -> Result<ThemeDictionary, PatternError> {
        let mut dictionary = if cfg.extend {
            ThemeDictionary::builtin()
        } else {
            ThemeDictionary::empty()
        };
        for theme_cfg in &cfg.themes {
            let index = match dictionary
                .themes
                .iter()
                .position(|t| t.name == theme_cfg.name)
            {
                Some(index) => index,
                None => {
                    dictionary.themes.push(Theme {
                        name: theme_cfg.name.clone(),
                        patterns: Vec::new(),
                    });
                    dictionary.themes.len() - 1
                }
            };
            let lists = std::iter::once((None, &theme_cfg.patterns)).chain(
                theme_cfg
                    .languages
                    .iter()
                    .map(|(language, list)| (Some(language.as_str()), list)),
            );
            for (language, list) in lists {
                for raw in list {
                    let error = |reason| PatternError {
                        line: line_of(source, raw.span().start),
                        theme: theme_cfg.name.clone(),
                        pattern: raw.get_ref().clone(),
                        reason,
                    };
                    let text = normalise_pattern(raw.get_ref()).map_err(error)?;
                    let pattern = Pattern {
                        text,
                        language: language.map(str::to_owned),
                    };
                    let theme = &mut dictionary.themes[index];
                    if !theme.patterns.contains(&pattern) {
                        if theme.patterns.len() >= usize::from(u16::MAX) {
                            return Err(error(PatternProblem::TooMany));
                        }
                        theme.patterns.push(pattern);
                    }
                }
            }
            if dictionary.themes.len() > usize::from(u16::MAX) {
                return Err(PatternError {
                    line: line_of(source, theme_cfg.span.start),
                    theme: theme_cfg.name.clone(),
                    pattern: String::new(),
                    reason: PatternProblem::TooMany,
                });
            }
        }
        Ok(dictionary)
    }

    /// Parses a TOML text whose `[themes]` table is a theme configuration (the format of
    /// `themata.toml` and of [`BUILTIN_TOML`]); other top-level keys are ignored. Without a
    /// `[themes]` table the result is the built-in dictionary.
    pub fn from_toml(source: &str) -> Result<ThemeDictionary, ThemeFileError> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            themes: ThemesConfig,
        }
        let file: File = toml::from_str(source)?;
        Ok(ThemeDictionary::from_config(&file.themes, source)?)
    }

    /// Parses the built-in file; never extends (that would recurse into [`BUILTIN`]).
    fn parse_builtin() -> Result<ThemeDictionary, ThemeFileError> {
        #[derive(Deserialize)]
        struct File {
            themes: ThemesConfig,
        }
        let mut file: File = toml::from_str(BUILTIN_TOML)?;
        file.themes.extend = false;
        Ok(ThemeDictionary::from_config(&file.themes, BUILTIN_TOML)?)
    }

    /// The themes, in dictionary order.
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    /// The theme names, in dictionary order.
    pub fn theme_names(&self) -> Vec<&str> {
        self.themes.iter().map(|t| t.name.as_str()).collect()
    }

    /// The index of the theme called `name`.
    pub fn theme_index(&self, name: &str) -> Option<u16> {
        let index = self.themes.iter().position(|t| t.name == name)?;
        u16::try_from(index).ok()
    }

    /// The dictionary as a `themata.toml` fragment (`[themes]` with `extend = false` and one
    /// table per theme) that [`ThemeDictionary::from_toml`] reads back to the same dictionary.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# Theme dictionary (see `themata themes`). `extend = false`: these themes replace\n\
             # the built-in ones; set `extend = true` to add to them instead.\n\
             [themes]\nextend = false\n",
        );
        for theme in &self.themes {
            out.push_str("\n[themes.");
            out.push_str(&toml_key(&theme.name));
            out.push_str("]\n");
            let mut by_language: BTreeMap<Option<&str>, Vec<&str>> = BTreeMap::new();
            for pattern in &theme.patterns {
                by_language
                    .entry(pattern.language.as_deref())
                    .or_default()
                    .push(&pattern.text);
            }
            // `patterns` first (None sorts first), then the language keys.
            by_language.entry(None).or_default();
            for (language, list) in by_language {
                out.push_str(language.unwrap_or("patterns"));
                out.push_str(" = [");
                for (i, text) in list.iter().enumerate() {
                    out.push_str(if i == 0 { "\n    " } else { ",\n    " });
                    out.push_str(&toml_string(text));
                }
                out.push_str(if list.is_empty() { "]\n" } else { ",\n]\n" });
            }
        }
        out
    }
}

/// 1-based line of byte `offset` in `source` (offsets past the end count the lines to the end).
fn line_of(source: &str, offset: usize) -> usize {
    source
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when possible, else quoted.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

/// Validates a pattern and returns its normalised form (lowercase NFC words, one space apart).
pub fn normalise_pattern(raw: &str) -> Result<String, PatternProblem> {
    if raw.is_empty() {
        return Err(PatternProblem::Empty);
    }
    let lowered: String = raw.to_lowercase().replace('’', "'").nfc().collect();
    if let Some(bad) = lowered.chars().find(|&c| {
        !(c.is_alphanumeric()
            || c == '\''
            || c == '*'
            || c == '-'
            || c.is_whitespace()
            || is_combining_mark(c))
    }) {
        return Err(PatternProblem::InvalidCharacter(bad));
    }
    let words: Vec<&str> = lowered
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err(PatternProblem::NoWords);
    }
    for word in &words {
        if word.contains("**") {
            return Err(PatternProblem::DoubleStar((*word).to_owned()));
        }
        if word.chars().all(|c| c == '*') {
            return Err(PatternProblem::LoneStar);
        }
        if !word.chars().any(char::is_alphanumeric) {
            return Err(PatternProblem::NoLetters((*word).to_owned()));
        }
        if word.contains('*') && word.chars().filter(|&c| c != '*').count() < MIN_GLOB_LITERAL_CHARS
        {
            return Err(PatternProblem::GlobTooBroad((*word).to_owned()));
        }
    }
    Ok(words.join(" "))
}

/// The two-letter code for a language name or code (`"es"`, `"spa"`, `"Spanish"`, `"es-CO"`
/// → `"es"`); other two-letter codes pass through lowercased; `None` for unknown names and
/// for `""`, `"und"`, `"auto"`.
pub fn language_code(language: &str) -> Option<String> {
    const NAMES: &[(&str, &[&str])] = &[
        ("en", &["eng", "english"]),
        (
            "es",
            &["spa", "spanish", "español", "espanol", "castellano"],
        ),
        ("fr", &["fra", "fre", "french", "français", "francais"]),
        ("pt", &["por", "portuguese", "português", "portugues"]),
        ("de", &["deu", "ger", "german", "deutsch"]),
        ("it", &["ita", "italian", "italiano"]),
        ("nl", &["nld", "dut", "dutch"]),
        ("ro", &["ron", "rum", "romanian"]),
        ("ru", &["rus", "russian"]),
        ("uk", &["ukr", "ukrainian"]),
        ("pl", &["pol", "polish"]),
        ("tr", &["tur", "turkish"]),
        ("ar", &["ara", "arb", "arabic"]),
        ("bn", &["ben", "bengali", "bangla"]),
        ("ne", &["nep", "npi", "nepali"]),
        ("hi", &["hin", "hindi"]),
        ("ur", &["urd", "urdu"]),
        ("sw", &["swa", "swh", "swahili", "kiswahili"]),
        ("am", &["amh", "amharic"]),
        ("th", &["tha", "thai"]),
        ("id", &["ind", "indonesian"]),
        ("ms", &["msa", "zsm", "malay"]),
        ("tl", &["tgl", "tagalog", "filipino", "fil"]),
        ("vi", &["vie", "vietnamese"]),
        ("km", &["khm", "khmer"]),
        ("my", &["mya", "bur", "burmese"]),
        ("zh", &["zho", "chi", "cmn", "chinese", "mandarin"]),
        ("ja", &["jpn", "japanese"]),
        ("ko", &["kor", "korean"]),
    ];
    let lowered = language.trim().to_lowercase();
    let base = lowered.split(['-', '_']).next().unwrap_or("");
    if is_language_key(base) {
        return Some(base.to_owned());
    }
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&base))
        .map(|(code, _)| (*code).to_owned())
}

/// One theme match in a unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThemeHit {
    /// Sentence of the matched tokens.
    pub sentence_index: u32,
    /// Index of the theme in [`ThemeDictionary::themes`].
    pub theme: u16,
    /// Index of the pattern in the theme's [`Theme::patterns`].
    pub pattern: u16,
    /// The matched token norms joined by one space (e.g. `"human trafficking"`, `"women's"`).
    pub term: String,
    /// Byte offset of the first matched token in the document text.
    pub start_byte: usize,
    /// Byte offset just past the last matched token in the document text.
    pub end_byte: usize,
}

/// A word pattern of a compiled matcher.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum WordPattern {
    Exact(String),
    Glob {
        prefix: String,
        middles: Vec<String>,
        suffix: String,
    },
}

impl WordPattern {
    fn parse(word: &str) -> WordPattern {
        if !word.contains('*') {
            return WordPattern::Exact(word.to_owned());
        }
        let parts: Vec<&str> = word.split('*').collect();
        let prefix = parts.first().copied().unwrap_or("").to_owned();
        let suffix = parts.last().copied().unwrap_or("").to_owned();
        let middles = if parts.len() > 2 {
            parts[1..parts.len() - 1]
                .iter()
                .filter(|m| !m.is_empty())
                .map(|m| (*m).to_owned())
                .collect()
        } else {
            Vec::new()
        };
        WordPattern::Glob {
            prefix,
            middles,
            suffix,
        }
    }
}

/// Whether `rest` (the word after the glob's prefix) matches `*m1*m2*…*suffix`, the middles
/// given as substring finders.
fn glob_rest_matches(rest: &[u8], middles: &[memchr::memmem::Finder<'_>], suffix: &[u8]) -> bool {
    let Some(body_len) = rest.len().checked_sub(suffix.len()) else {
        return false;
    };
    if rest[body_len..] != *suffix {
        return false;
    }
    let mut body = &rest[..body_len];
    for middle in middles {
        match middle.find(body) {
            Some(at) => body = &body[at + middle.needle().len()..],
            None => return false,
        }
    }
    true
}

/// A byte trie node: children sorted by byte.
#[derive(Debug, Default, Clone)]
struct TrieNode {
    children: Vec<(u8, u32)>,
    /// Word patterns that end here (exact words in the forward trie).
    exact: Vec<u32>,
    /// Globs whose anchored literal (prefix, or reversed suffix) ends here.
    globs: Vec<u32>,
}

#[derive(Debug, Clone)]
struct Trie {
    nodes: Vec<TrieNode>,
    /// Children of the root by byte (0 = none): the root is visited for every token.
    root: Box<[u32; 256]>,
    /// Bit set of the first two bytes of every key of two bytes or more: a word whose first
    /// two bytes are not in it cannot reach a key below depth 1.
    pairs: Box<[u64; 1024]>,
    /// Whether some key has length 1 (then every word must be walked).
    short_key: bool,
}

impl Trie {
    fn new() -> Trie {
        Trie {
            nodes: vec![TrieNode::default()],
            root: Box::new([0; 256]),
            pairs: Box::new([0; 1024]),
            short_key: false,
        }
    }

    fn pair_index(first: u8, second: u8) -> usize {
        usize::from(first) << 8 | usize::from(second)
    }

    /// Whether a walk of a word starting with these bytes can match a key.
    #[inline]
    fn may_match(&self, first: u8, second: Option<u8>) -> bool {
        match second {
            Some(second) if !self.short_key => {
                let i = Self::pair_index(first, second);
                self.pairs[i / 64] & (1 << (i % 64)) != 0
            }
            _ => true,
        }
    }

    /// Fills the dense root table; call after the last insert.
    fn finish(&mut self) {
        for &(byte, child) in &self.nodes[0].children {
            self.root[usize::from(byte)] = child;
            let node = &self.nodes[child as usize];
            if !node.exact.is_empty() || !node.globs.is_empty() {
                self.short_key = true;
            }
        }
    }

    fn insert(&mut self, bytes: impl Iterator<Item = u8>) -> usize {
        let mut node = 0usize;
        let mut previous: Option<u8> = None;
        for (depth, byte) in bytes.enumerate() {
            if depth == 1
                && let Some(first) = previous
            {
                let i = Self::pair_index(first, byte);
                self.pairs[i / 64] |= 1 << (i % 64);
            }
            previous = Some(byte);
            node = match self.nodes[node]
                .children
                .binary_search_by_key(&byte, |c| c.0)
            {
                Ok(i) => self.nodes[node].children[i].1 as usize,
                Err(i) => {
                    let id = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    self.nodes[node].children.insert(i, (byte, id as u32));
                    id
                }
            };
        }
        node
    }

    #[inline]
    fn child(&self, node: usize, byte: u8) -> Option<usize> {
        if node == 0 {
            let child = self.root[usize::from(byte)];
            return (child != 0).then_some(child as usize);
        }
        let children = &self.nodes[node].children;
        if children.len() <= 8 {
            children.iter().find(|c| c.0 == byte).map(|c| c.1 as usize)
        } else {
            children
                .binary_search_by_key(&byte, |c| c.0)
                .ok()
                .map(|i| children[i].1 as usize)
        }
    }
}

/// A compiled pattern: a sequence of word-pattern ids.
#[derive(Debug, Clone)]
struct CompiledPattern {
    theme: u16,
    pattern: u16,
    words: Vec<u32>,
}

/// The word-pattern ids of token norms, by norm: a range of `ids` each. A norm is found by its
/// [`FormKey`], as the vocabulary finds forms, so most words are found without reading their
/// text.
#[derive(Debug, Clone, Default)]
struct WordMatches {
    table: HashTable<WordSlot>,
    /// The norms' text, one after another.
    text: String,
    ids: Vec<u32>,
}

/// A norm's slot in [`WordMatches::table`].
#[derive(Debug, Clone, Copy)]
struct WordSlot {
    key: FormKey,
    /// Where the norm is in [`WordMatches::text`].
    start: usize,
    /// Its word-pattern ids: `ids[range.0..range.1]`.
    range: (u32, u32),
}

impl WordSlot {
    /// The norm's text, in [`WordMatches::text`].
    fn text(self, text: &[u8]) -> &[u8] {
        &text[self.start..self.start + self.key.len()]
    }
}

impl WordMatches {
    /// Number of norms kept.
    fn len(&self) -> usize {
        self.table.len()
    }

    /// The word-pattern ids' range of `norm`, which `matches` works out (appending the ids to
    /// `ids`) the first time.
    fn range(&mut self, norm: &str, matches: impl FnOnce(&str, &mut Vec<u32>)) -> (u32, u32) {
        let bytes = norm.as_bytes();
        let (key, hash) = FormKey::of(bytes);
        let text = self.text.as_bytes();
        if let Some(slot) = self
            .table
            .find(hash, |slot| slot.key.finds(key, bytes, || slot.text(text)))
        {
            return slot.range;
        }
        let start = self.ids.len() as u32;
        matches(norm, &mut self.ids);
        let slot = WordSlot {
            key,
            start: self.text.len(),
            range: (start, self.ids.len() as u32),
        };
        self.text.push_str(norm);
        let text = self.text.as_bytes();
        self.table
            .insert_unique(hash, slot, |s| s.key.hash(s.text(text)));
        slot.range
    }
}

/// A [`ThemeMatcher`] for a worker that matches unit after unit: it keeps the word-pattern
/// ids of the norms it has matched from one unit to the next, since words repeat across
/// interviews and looking a word up costs less than walking the dictionary's tries and globs.
/// The words are forgotten before a unit once it holds its limit of them, so it stays small.
#[derive(Debug, Clone)]
pub struct KeptMatcher {
    matcher: ThemeMatcher,
    words: WordMatches,
    limit: usize,
}

impl KeptMatcher {
    /// Keeps up to 131,072 words (plus one unit's), a few megabytes.
    pub fn new(matcher: ThemeMatcher) -> KeptMatcher {
        KeptMatcher::with_limit(matcher, 1 << 17)
    }

    /// Keeps up to `limit` words (plus one unit's).
    pub fn with_limit(matcher: ThemeMatcher, limit: usize) -> KeptMatcher {
        KeptMatcher {
            matcher,
            words: WordMatches::default(),
            limit,
        }
    }

    /// [`ThemeMatcher::find`], with the words kept from the units before.
    pub fn find(&mut self, tokens: &[TokenRef<'_>]) -> Vec<ThemeHit> {
        if self.words.len() >= self.limit {
            self.words = WordMatches::default();
        }
        self.matcher.find_in(tokens, &mut self.words)
    }
}

/// Matches a [`ThemeDictionary`] on the tokens of units of one language. Built once, shared
/// across threads (`Send + Sync`), used through `&self`.
#[derive(Debug, Clone)]
pub struct ThemeMatcher {
    language: Option<String>,
    n_themes: usize,
    words: Vec<WordPattern>,
    forward: Trie,
    backward: Trie,
    /// Globs with neither a prefix nor a suffix (`*traffick*`).
    floating: Vec<u32>,
    patterns: Vec<CompiledPattern>,
    /// For each word-pattern id, the patterns that start with it.
    by_first_word: Vec<Vec<u32>>,
    /// For each word-pattern id, substring finders of its glob middles.
    finders: Vec<Vec<memchr::memmem::Finder<'static>>>,
    /// For each word-pattern id, the fewest bytes a matching word has.
    min_len: Vec<usize>,
}

impl ThemeMatcher {
    /// Compiles the dictionary's patterns for units of `language` (a code or name, see
    /// [`language_code`]): the language-independent patterns plus that language's.
    pub fn new(dictionary: &ThemeDictionary, language: &str) -> ThemeMatcher {
        let language = language_code(language);
        let mut matcher = ThemeMatcher {
            language: language.clone(),
            n_themes: dictionary.themes.len(),
            words: Vec::new(),
            forward: Trie::new(),
            backward: Trie::new(),
            floating: Vec::new(),
            patterns: Vec::new(),
            by_first_word: Vec::new(),
            finders: Vec::new(),
            min_len: Vec::new(),
        };
        let mut word_ids: FxHashMap<WordPattern, u32> = FxHashMap::default();
        for (theme_index, theme) in dictionary.themes.iter().enumerate() {
            for (pattern_index, pattern) in theme.patterns.iter().enumerate() {
                if pattern.language.is_some() && pattern.language != language {
                    continue;
                }
                let (Ok(theme16), Ok(pattern16)) =
                    (u16::try_from(theme_index), u16::try_from(pattern_index))
                else {
                    continue; // unreachable: the dictionary caps both at u16::MAX
                };
                let words = pattern
                    .text
                    .split(' ')
                    .map(|word| {
                        let word = WordPattern::parse(word);
                        *word_ids.entry(word.clone()).or_insert_with(|| {
                            matcher.words.push(word);
                            matcher.by_first_word.push(Vec::new());
                            (matcher.words.len() - 1) as u32
                        })
                    })
                    .collect::<Vec<u32>>();
                let Some(&first) = words.first() else {
                    continue;
                };
                matcher.by_first_word[first as usize].push(matcher.patterns.len() as u32);
                matcher.patterns.push(CompiledPattern {
                    theme: theme16,
                    pattern: pattern16,
                    words,
                });
            }
        }
        for (id, word) in matcher.words.iter().enumerate() {
            let id = id as u32;
            match word {
                WordPattern::Exact(text) => {
                    let node = matcher.forward.insert(text.bytes());
                    matcher.forward.nodes[node].exact.push(id);
                }
                WordPattern::Glob { prefix, suffix, .. } => {
                    if !prefix.is_empty() {
                        let node = matcher.forward.insert(prefix.bytes());
                        matcher.forward.nodes[node].globs.push(id);
                    } else if !suffix.is_empty() {
                        let node = matcher.backward.insert(suffix.bytes().rev());
                        matcher.backward.nodes[node].globs.push(id);
                    } else {
                        matcher.floating.push(id);
                    }
                }
            }
        }
        matcher.min_len = matcher
            .words
            .iter()
            .map(|word| match word {
                WordPattern::Exact(text) => text.len(),
                WordPattern::Glob {
                    prefix,
                    middles,
                    suffix,
                } => prefix.len() + suffix.len() + middles.iter().map(String::len).sum::<usize>(),
            })
            .collect();
        matcher.forward.finish();
        matcher.backward.finish();
        matcher.finders = matcher
            .words
            .iter()
            .map(|word| match word {
                WordPattern::Glob { middles, .. } => middles
                    .iter()
                    .map(|m| memchr::memmem::Finder::new(m.as_bytes()).into_owned())
                    .collect(),
                WordPattern::Exact(_) => Vec::new(),
            })
            .collect();
        matcher
    }

    /// The two-letter language code the matcher was built for, if known.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    /// Appends to `out` the ids of the word patterns that match `word`.
    fn match_word(&self, word: &str, out: &mut Vec<u32>) {
        let bytes = word.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return;
        };
        // Forward trie: exact words and globs anchored at the start.
        let mut node = 0usize;
        let mut depth = 0usize;
        let walk_forward = self.forward.may_match(first, bytes.get(1).copied());
        if walk_forward {
            loop {
                for &id in &self.forward.nodes[node].globs {
                    if let WordPattern::Glob { suffix, .. } = &self.words[id as usize]
                        && glob_rest_matches(
                            &bytes[depth..],
                            &self.finders[id as usize],
                            suffix.as_bytes(),
                        )
                    {
                        out.push(id);
                    }
                }
                if depth == bytes.len() {
                    out.extend_from_slice(&self.forward.nodes[node].exact);
                    break;
                }
                match self.forward.child(node, bytes[depth]) {
                    Some(next) => {
                        node = next;
                        depth += 1;
                    }
                    None => break,
                }
            }
        }
        // Backward trie: globs anchored at the end only (`*trafficking`).
        let mut node = 0usize;
        let mut depth = 0usize;
        let second_last = bytes.len().checked_sub(2).map(|i| bytes[i]);
        let walk_backward = self.backward.may_match(last, second_last);
        if walk_backward {
            loop {
                for &id in &self.backward.nodes[node].globs {
                    if glob_rest_matches(
                        &bytes[..bytes.len() - depth],
                        &self.finders[id as usize],
                        b"",
                    ) {
                        out.push(id);
                    }
                }
                if depth == bytes.len() {
                    break;
                }
                match self.backward.child(node, bytes[bytes.len() - 1 - depth]) {
                    Some(next) => {
                        node = next;
                        depth += 1;
                    }
                    None => break,
                }
            }
        }
        for &id in &self.floating {
            if bytes.len() >= self.min_len[id as usize]
                && glob_rest_matches(bytes, &self.finders[id as usize], b"")
            {
                out.push(id);
            }
        }
    }

    /// Appends the word-pattern ids matching a token norm, its possessive base and its elided
    /// remainder; sorted and deduplicated.
    fn match_token(&self, norm: &str, out: &mut Vec<u32>) {
        let start = out.len();
        self.match_word(norm, out);
        if norm.contains('\'') {
            // Possessive: "women's" -> "women", "workers'" -> "workers".
            let base = norm
                .strip_suffix("'s")
                .or_else(|| norm.strip_suffix('\''))
                .filter(|b| !b.is_empty());
            if let Some(base) = base {
                self.match_word(base, out);
            }
            // Elision: "l'homme" -> "homme", "qu'elle" -> "elle".
            if let Some((head, tail)) = norm.split_once('\'')
                && !head.is_empty()
                && head.chars().count() <= 2
                && !tail.is_empty()
            {
                self.match_word(tail, out);
            }
            let added = &mut out[start..];
            added.sort_unstable();
            let mut unique = start;
            for i in start..out.len() {
                if i == start || out[i] != out[unique - 1] {
                    out[unique] = out[i];
                    unique += 1;
                }
            }
            out.truncate(unique);
        }
    }

    /// Finds the theme hits of a unit's tokens (in document order), sorted by
    /// `(start_byte, theme)`. See the module docs for the rules.
    pub fn find(&self, tokens: &[TokenRef<'_>]) -> Vec<ThemeHit> {
        self.find_in(tokens, &mut WordMatches::default())
    }

    /// [`ThemeMatcher::find`], with the word-pattern ids of norms already matched in `words`
    /// (filled by this matcher only), and those of new norms added to it.
    fn find_in(&self, tokens: &[TokenRef<'_>], words: &mut WordMatches) -> Vec<ThemeHit> {
        let mut hits = Vec::new();
        if self.patterns.is_empty() || tokens.is_empty() {
            return hits;
        }
        // Word-pattern ids of every token: ranges into `ids`, computed once per distinct norm
        // (words repeat, so most tokens are a hash lookup).
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(tokens.len());
        for token in tokens {
            ranges.push(words.range(token.norm, |norm, ids| self.match_token(norm, ids)));
        }
        let ids = &words.ids;
        let ids_of = |i: usize| &ids[ranges[i].0 as usize..ranges[i].1 as usize];

        // claimed[theme]: first token index that theme may use again.
        let mut claimed = vec![0usize; self.n_themes];
        // (theme, pattern, length) of the best match per theme at the current token.
        let mut best: Vec<(u16, u16, usize)> = Vec::new();
        for i in 0..tokens.len() {
            let here = ids_of(i);
            if here.is_empty() {
                continue;
            }
            best.clear();
            for &word in here {
                for &p in &self.by_first_word[word as usize] {
                    let pattern = &self.patterns[p as usize];
                    if i < claimed[usize::from(pattern.theme)] {
                        continue;
                    }
                    let len = pattern.words.len();
                    if i + len > tokens.len() {
                        continue;
                    }
                    let sentence = tokens[i].sentence_index;
                    let fits = (1..len).all(|k| {
                        tokens[i + k].sentence_index == sentence
                            && ids_of(i + k).contains(&pattern.words[k])
                    });
                    if !fits {
                        continue;
                    }
                    match best.iter_mut().find(|b| b.0 == pattern.theme) {
                        Some(b) => {
                            if len > b.2 || (len == b.2 && pattern.pattern < b.1) {
                                *b = (pattern.theme, pattern.pattern, len);
                            }
                        }
                        None => best.push((pattern.theme, pattern.pattern, len)),
                    }
                }
            }
            best.sort_unstable();
            for &(theme, pattern, len) in &best {
                claimed[usize::from(theme)] = i + len;
                let matched = &tokens[i..i + len];
                let mut term =
                    String::with_capacity(matched.iter().map(|t| t.norm.len() + 1).sum());
                for (k, token) in matched.iter().enumerate() {
                    if k > 0 {
                        term.push(' ');
                    }
                    term.push_str(token.norm);
                }
                hits.push(ThemeHit {
                    sentence_index: tokens[i].sentence_index,
                    theme,
                    pattern,
                    term,
                    start_byte: tokens[i].start_byte,
                    end_byte: matched.last().map_or(tokens[i].end_byte, |t| t.end_byte),
                });
            }
        }
        // Already sorted for tokens in document order; this keeps the contract for any input.
        hits.sort_by_key(|hit| (hit.start_byte, hit.theme));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    /// Tokens of a test text, owning their norms. A small stand-in for the pipeline's
    /// tokenizer: words are runs of letters, digits, marks and inner apostrophes; hyphens and
    /// other characters separate words; `.`, `!`, `?` end a sentence; a blank line ends a
    /// paragraph.
    struct TestTokens {
        norms: Vec<String>,
        meta: Vec<(usize, usize, u32, u32)>,
    }

    impl TestTokens {
        fn new(text: &str) -> TestTokens {
            let mut norms = Vec::new();
            let mut meta = Vec::new();
            let (mut sentence, mut paragraph) = (0u32, 0u32);
            let mut sentence_has_words = false;
            let mut start: Option<usize> = None;
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let is_word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
            for (k, &(i, c)) in chars.iter().enumerate() {
                let apostrophe_inside = matches!(c, '\'' | '’')
                    && start.is_some()
                    && chars.get(k + 1).is_some_and(|&(_, n)| is_word(n));
                if is_word(c) || apostrophe_inside {
                    if start.is_none() {
                        start = Some(i);
                    }
                    continue;
                }
                if let Some(s) = start.take() {
                    Self::push(text, s, i, sentence, paragraph, &mut norms, &mut meta);
                    sentence_has_words = true;
                }
                let blank_line = c == '\n' && chars.get(k + 1).is_some_and(|&(_, n)| n == '\n');
                if (matches!(c, '.' | '!' | '?') || blank_line) && sentence_has_words {
                    sentence += 1;
                    sentence_has_words = false;
                }
                if blank_line {
                    paragraph += 1;
                }
            }
            if let Some(s) = start {
                Self::push(
                    text,
                    s,
                    text.len(),
                    sentence,
                    paragraph,
                    &mut norms,
                    &mut meta,
                );
            }
            TestTokens { norms, meta }
        }

        fn push(
            text: &str,
            start: usize,
            end: usize,
            sentence: u32,
            paragraph: u32,
            norms: &mut Vec<String>,
            meta: &mut Vec<(usize, usize, u32, u32)>,
        ) {
            let norm: String = text[start..end]
                .to_lowercase()
                .replace('’', "'")
                .nfc()
                .collect();
            norms.push(norm);
            meta.push((start, end, sentence, paragraph));
        }

        fn refs(&self) -> Vec<TokenRef<'_>> {
            const STOP: &[&str] = &["the", "of", "in", "and", "a", "to", "is", "for", "de", "la"];
            self.norms
                .iter()
                .zip(&self.meta)
                .map(|(norm, &(start, end, sentence, paragraph))| TokenRef {
                    norm,
                    start_byte: start,
                    end_byte: end,
                    sentence_index: sentence,
                    paragraph_index: paragraph,
                    is_content: !STOP.contains(&norm.as_str())
                        && !norm.chars().all(|c| c.is_ascii_digit()),
                })
                .collect()
        }
    }

    fn dictionary(source: &str) -> ThemeDictionary {
        match ThemeDictionary::from_toml(source) {
            Ok(d) => d,
            Err(e) => panic!("test dictionary does not parse: {e}\n{source}"),
        }
    }

    /// `"theme: term"` for each hit, in order.
    fn describe(dictionary: &ThemeDictionary, hits: &[ThemeHit]) -> Vec<String> {
        hits.iter()
            .map(|h| {
                format!(
                    "{}: {}",
                    dictionary.themes()[usize::from(h.theme)].name(),
                    h.term
                )
            })
            .collect()
    }

    #[derive(Deserialize)]
    struct CaseFile {
        /// A theme TOML for every case of the file (default: the built-in dictionary).
        dictionary: Option<String>,
        #[serde(default = "english")]
        language: String,
        case: Vec<Case>,
    }

    fn english() -> String {
        "en".to_owned()
    }

    #[derive(Deserialize)]
    struct Case {
        name: String,
        text: String,
        /// Overrides the file's language.
        language: Option<String>,
        /// Expected hits as `"theme: term"`, in output order.
        hits: Vec<String>,
        /// When given, only hits of these themes are compared.
        themes: Option<Vec<String>>,
    }

    fn run_case_file(file_name: &str, source: &str) {
        let file: CaseFile = match toml::from_str(source) {
            Ok(f) => f,
            Err(e) => panic!("{file_name}: {e}"),
        };
        let dictionary = match &file.dictionary {
            Some(text) => dictionary(text),
            None => ThemeDictionary::builtin(),
        };
        let mut failures = Vec::new();
        for case in &file.case {
            let language = case.language.as_deref().unwrap_or(&file.language);
            let matcher = ThemeMatcher::new(&dictionary, language);
            let tokens = TestTokens::new(&case.text);
            let hits = matcher.find(&tokens.refs());
            for hit in &hits {
                let surface = &case.text[hit.start_byte..hit.end_byte];
                let norms: String = surface
                    .to_lowercase()
                    .replace('’', "'")
                    .nfc()
                    .collect::<String>();
                let first = hit.term.split(' ').next().unwrap_or("");
                assert!(
                    norms.starts_with(first),
                    "{file_name}: span does not slice back: {hit:?}"
                );
            }
            let kept: Vec<ThemeHit> = hits
                .iter()
                .filter(|h| {
                    case.themes.as_ref().is_none_or(|only| {
                        only.iter()
                            .any(|t| t == dictionary.themes()[usize::from(h.theme)].name())
                    })
                })
                .cloned()
                .collect();
            let got = describe(&dictionary, &kept);
            if got != case.hits {
                failures.push(format!(
                    "{file_name}: case `{}`\n  text: {:?}\n  want: {:?}\n  got:  {:?}\n  records: {:#?}",
                    case.name, case.text, case.hits, got, kept
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failing case(s):\n{}\nhelp: fix the matcher (src/themes.rs), the dictionary \
             (src/themes_builtin.toml) or the expectation",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn word_matches_tell_words_apart_by_all_their_bytes() {
        // Words sharing their first eight bytes, words of up to eight bytes, the empty word.
        let words = [
            "traffick",
            "trafficked",
            "traffickers",
            "abc",
            "abcd",
            "acb",
            "a",
            "",
            "trafficker",
        ];
        let mut table = WordMatches::default();
        let mut matched = Vec::new();
        let mut ranges = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let range = table.range(w, |norm, ids| {
                matched.push(norm.to_owned());
                ids.extend(std::iter::repeat_n(i as u32, i % 3));
            });
            ranges.push(range);
        }
        assert_eq!(matched, words, "each word is matched once, when new");
        assert_eq!(table.len(), words.len());
        for (i, w) in words.iter().enumerate() {
            let again = table.range(w, |_, _| panic!("`{w}` is kept"));
            assert_eq!(again, ranges[i], "{w}");
            let (start, end) = again;
            assert!(
                table.ids[start as usize..end as usize]
                    .iter()
                    .all(|&id| id == i as u32)
            );
            assert_eq!((end - start) as usize, i % 3, "{w}");
        }
    }

    #[test]
    fn testdata_matching_rules() {
        run_case_file(
            "matching_rules.toml",
            include_str!("../../tests/data/themes/matching_rules.toml"),
        );
    }

    #[test]
    fn testdata_builtin_english() {
        run_case_file(
            "builtin_en.toml",
            include_str!("../../tests/data/themes/builtin_en.toml"),
        );
    }

    #[test]
    fn testdata_builtin_other_languages() {
        run_case_file(
            "builtin_languages.toml",
            include_str!("../../tests/data/themes/builtin_languages.toml"),
        );
    }

    #[derive(Deserialize)]
    struct ErrorFile {
        case: Vec<ErrorCase>,
    }

    #[derive(Deserialize)]
    struct ErrorCase {
        name: String,
        source: String,
        line: usize,
        theme: String,
        pattern: String,
        /// A fragment of the error message.
        reason: String,
    }

    #[test]
    fn testdata_config_errors() {
        let file: ErrorFile =
            toml::from_str(include_str!("../../tests/data/themes/config_errors.toml"))
                .expect("config_errors.toml parses");
        for case in &file.case {
            match ThemeDictionary::from_toml(&case.source) {
                Err(ThemeFileError::Pattern(e)) => {
                    let got = (e.line, e.theme.as_str(), e.pattern.as_str());
                    let want = (case.line, case.theme.as_str(), case.pattern.as_str());
                    assert_eq!(got, want, "case `{}`: {e:?}", case.name);
                    assert!(
                        e.to_string().contains(&case.reason),
                        "case `{}`: message {:?} lacks {:?}",
                        case.name,
                        e.to_string(),
                        case.reason
                    );
                }
                other => panic!(
                    "case `{}`: expected a pattern error, got {other:?}",
                    case.name
                ),
            }
        }
    }

    #[test]
    fn builtin_is_valid_and_has_the_field_themes() {
        let dictionary = ThemeDictionary::parse_builtin().expect("built-in parses");
        assert_eq!(
            dictionary.theme_names(),
            vec![
                "trafficking",
                "migration",
                "labour",
                "violence",
                "legal_justice",
                "human_rights",
                "prevention_awareness",
                "support_services",
                "gender_empowerment",
                "health",
                "children_youth",
                "livelihood",
                "networks_advocacy",
                "sex_work",
                "state_policy",
            ]
        );
        // No pattern is listed twice in a theme (from_config would silently drop it).
        #[derive(Deserialize)]
        struct File {
            themes: ThemesConfig,
        }
        let file: File = toml::from_str(BUILTIN_TOML).expect("built-in parses");
        for (theme_cfg, theme) in file.themes.themes.iter().zip(dictionary.themes()) {
            let written = theme_cfg.patterns.len()
                + theme_cfg.languages.values().map(Vec::len).sum::<usize>();
            assert_eq!(
                written,
                theme.patterns().len(),
                "duplicate pattern in `{}`",
                theme.name()
            );
        }
        assert_eq!(ThemeDictionary::builtin(), dictionary);
    }

    #[test]
    fn to_toml_round_trips() {
        let builtin = ThemeDictionary::builtin();
        let text = builtin.to_toml();
        assert_eq!(dictionary(&text), builtin, "{text}");
        let odd = dictionary("[themes]\nextend = false\n[themes.\"a b\"]\npatterns = [\"x\"]\n");
        assert_eq!(dictionary(&odd.to_toml()), odd);
    }

    #[test]
    fn config_extends_or_replaces() {
        let source = "[themes]\n[themes.climate]\npatterns = [\"drought*\"]\n\
                      [themes.trafficking]\npatterns = [\"bride trafficking\"]\n";
        let extended = dictionary(source);
        let names = extended.theme_names();
        assert_eq!(names.len(), 16);
        assert_eq!(names[15], "climate");
        let trafficking = &extended.themes()[0];
        assert!(
            trafficking
                .patterns()
                .iter()
                .any(|p| p.text() == "bride trafficking")
        );
        assert!(trafficking.patterns().len() > 10);

        let replaced = dictionary(
            "[themes]\nextend = false\n[themes.zeta]\npatterns = [\"z\"]\n\
             [themes.alpha]\npatterns = [\"a\"]\nes = [\"á\"]\n",
        );
        assert_eq!(
            replaced.theme_names(),
            vec!["zeta", "alpha"],
            "file order is kept"
        );
        assert_eq!(replaced.themes()[1].patterns()[1].language(), Some("es"));
        assert_eq!(
            ThemeDictionary::from_toml("").expect("empty file"),
            ThemeDictionary::builtin()
        );
    }

    #[test]
    fn config_shape_errors_name_the_line() {
        let err = ThemeDictionary::from_toml("[themes]\n[themes.x]\npattern = [\"a\"]\n")
            .expect_err("unknown key");
        let message = err.to_string();
        assert!(message.contains("unknown key `pattern`"), "{message}");
        assert!(
            message.contains('3') || message.contains("line"),
            "{message}"
        );
    }

    #[test]
    fn pattern_normalisation() {
        assert_eq!(
            normalise_pattern("  Gender-Based  Violence "),
            Ok("gender based violence".into())
        );
        assert_eq!(normalise_pattern("Women’s"), Ok("women's".into()));
        assert_eq!(normalise_pattern("trafi\u{0301}co"), Ok("trafíco".into()));
        assert_eq!(normalise_pattern(""), Err(PatternProblem::Empty));
        assert_eq!(normalise_pattern("  \t"), Err(PatternProblem::NoWords));
        assert_eq!(normalise_pattern("*"), Err(PatternProblem::LoneStar));
        assert_eq!(normalise_pattern("forced *"), Err(PatternProblem::LoneStar));
        assert_eq!(
            normalise_pattern("traf**"),
            Err(PatternProblem::DoubleStar("traf**".into()))
        );
        assert_eq!(
            normalise_pattern("ab*"),
            Err(PatternProblem::GlobTooBroad("ab*".into()))
        );
        assert_eq!(
            normalise_pattern("a.b"),
            Err(PatternProblem::InvalidCharacter('.'))
        );
        assert_eq!(
            normalise_pattern("'"),
            Err(PatternProblem::NoLetters("'".into()))
        );
    }

    #[test]
    fn language_codes() {
        assert_eq!(language_code("es").as_deref(), Some("es"));
        assert_eq!(language_code("spa").as_deref(), Some("es"));
        assert_eq!(language_code("Spanish").as_deref(), Some("es"));
        assert_eq!(language_code("pt-BR").as_deref(), Some("pt"));
        assert_eq!(language_code("auto"), None);
        assert_eq!(language_code(""), None);
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ThemeMatcher>();
        assert_send_sync::<ThemeDictionary>();
    }

    #[test]
    fn sample_corpus_has_hits_in_every_theme() {
        let text = include_str!("../../input/gaatw-alliance-news.txt");
        let tokens = TestTokens::new(text);
        let dictionary = ThemeDictionary::builtin();
        let hits = ThemeMatcher::new(&dictionary, "en").find(&tokens.refs());
        for (t, theme) in dictionary.themes().iter().enumerate() {
            let n = hits.iter().filter(|h| usize::from(h.theme) == t).count();
            assert!(n > 0, "no hit of `{}` in the sample", theme.name());
        }
        for hit in &hits {
            assert!(text.get(hit.start_byte..hit.end_byte).is_some(), "{hit:?}");
        }
    }

    fn word_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("trafficking".to_owned()),
            Just("women's".to_owned()),
            Just("forced".to_owned()),
            Just("labour".to_owned()),
            Just("human".to_owned()),
            Just("rights".to_owned()),
            Just("safe".to_owned()),
            Just("houses".to_owned()),
            Just("l'homme".to_owned()),
            Just("'s".to_owned()),
            "[a-zé'’*]{0,8}",
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn matching_never_panics_and_spans_slice_back(text in any::<String>()) {
            let tokens = TestTokens::new(&text);
            let dictionary = ThemeDictionary::builtin();
            for language in ["en", "es", "fr", "pt", "xx"] {
                let hits = ThemeMatcher::new(&dictionary, language).find(&tokens.refs());
                for hit in &hits {
                    prop_assert!(text.get(hit.start_byte..hit.end_byte).is_some(), "{:?}", hit);
                }
            }
        }

        #[test]
        fn hits_slice_back_and_sentences_are_independent(
            words in proptest::collection::vec(word_strategy(), 0..40),
            seps in proptest::collection::vec(prop_oneof![Just(" "), Just(". "), Just("-"), Just("\n\n")], 40),
        ) {
            let mut text = String::new();
            for (w, sep) in words.iter().zip(&seps) {
                text.push_str(w);
                text.push_str(sep);
            }
            let tokens = TestTokens::new(&text);
            let refs = tokens.refs();
            let dictionary = ThemeDictionary::builtin();
            let matcher = ThemeMatcher::new(&dictionary, "en");
            let hits = matcher.find(&refs);
            let mut previous = (0usize, 0u16);
            for hit in &hits {
                let surface = text.get(hit.start_byte..hit.end_byte);
                prop_assert!(surface.is_some(), "{:?}", hit);
                prop_assert!((hit.start_byte, hit.theme) >= previous, "unsorted: {:?}", hits);
                previous = (hit.start_byte, hit.theme);
                // The term is the norms of the tokens inside the span.
                let inside: Vec<&str> = refs
                    .iter()
                    .filter(|t| t.start_byte >= hit.start_byte && t.end_byte <= hit.end_byte)
                    .map(|t| t.norm)
                    .collect();
                prop_assert_eq!(inside.join(" "), hit.term.clone());
            }
            // Matching sentence by sentence gives the same hits as matching the unit.
            let mut by_sentence = Vec::new();
            let mut start = 0;
            while start < refs.len() {
                let sentence = refs[start].sentence_index;
                let end = start + refs[start..].iter().take_while(|t| t.sentence_index == sentence).count();
                by_sentence.extend(matcher.find(&refs[start..end]));
                start = end;
            }
            prop_assert_eq!(by_sentence, hits);
        }

        /// Word matches kept from unit to unit (forgotten when full, small limits here) give
        /// each unit the hits a fresh matching gives.
        #[test]
        fn kept_word_matches_give_the_same_hits(
            units in proptest::collection::vec(
                proptest::collection::vec(word_strategy(), 0..30),
                1..5,
            ),
            limit in 0usize..12,
        ) {
            let dictionary = ThemeDictionary::builtin();
            let matchers = [ThemeMatcher::new(&dictionary, "en"), ThemeMatcher::new(&dictionary, "es")];
            let mut kept = matchers.clone().map(|m| KeptMatcher::with_limit(m, limit));
            for (n, unit) in units.iter().enumerate() {
                // Both languages in turn, as a worker meets them.
                let text = unit.join(" ");
                let tokens = TestTokens::new(&text);
                let refs = tokens.refs();
                prop_assert_eq!(kept[n % 2].find(&refs), matchers[n % 2].find(&refs));
            }
        }
    }
}
