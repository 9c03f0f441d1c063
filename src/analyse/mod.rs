//! Analysis of one unit: sentences, tokens, language, stopwords, Snowball stems and counts.
//!
//! Input: the document text and a [`Unit`]. Output: a [`UnitAnalysis`]. Infallible: odd text
//! yields fewer records, never a panic. Runs in parallel over units (the pipeline does that):
//! an [`Analyser`] is shared (`Sync`), and each worker owns a [`Workspace`] of caches.

pub mod language;
pub mod sentences;
pub mod stem;
pub mod tokenize;

use std::collections::HashSet;

use regex::Regex;
use rustc_hash::FxHashMap;

use crate::config::{Config, LanguageSetting};
use crate::record::{Sentence, SurfaceCount, Unit, UnitAnalysis};
use language::Language;
use stem::Stemmer;

/// The analysis stage, configured once and shared by all workers.
#[derive(Debug, Clone)]
pub struct Analyser {
    language: LanguageSetting,
    extra_stopwords: HashSet<String>,
    boilerplate: Vec<Regex>,
}

/// One worker's reusable state: stemmers with their caches, and scratch buffers.
#[derive(Default)]
pub struct Workspace {
    stemmers: Vec<Stemmer>,
    counts: FxHashMap<Box<str>, u32>,
    word: String,
}

impl Workspace {
    fn stemmer(&mut self, language: Language) -> &mut Stemmer {
        let index = match self.stemmers.iter().position(|s| s.language() == language) {
            Some(i) => i,
            None => {
                self.stemmers.push(Stemmer::new(language));
                self.stemmers.len() - 1
            }
        };
        &mut self.stemmers[index]
    }
}

/// The language used when detection gives no reliable answer.
pub const FALLBACK_LANGUAGE: Language = Language::English;

impl Analyser {
    /// An analyser with the configuration's language, stopwords and boilerplate patterns.
    pub fn new(config: &Config) -> Analyser {
        Analyser {
            language: config.language,
            extra_stopwords: config.extra_stopwords.iter().cloned().collect(),
            boilerplate: config.segment.boilerplate.clone(),
        }
    }

    /// The sentences of `unit`, boilerplate sentences left out.
    pub fn sentences(&self, text: &str, unit: &Unit) -> Vec<Sentence> {
        let mut out = Vec::new();
        for (pi, p) in unit.paragraphs.iter().enumerate() {
            let Some(paragraph) = text.get(p.start_byte..p.end_byte) else {
                continue;
            };
            for (s, e) in sentences::split_sentences(paragraph, p.start_byte) {
                let sentence = &text[s..e];
                if self.boilerplate.iter().any(|b| b.is_match(sentence)) {
                    continue;
                }
                out.push(Sentence {
                    index: out.len() as u32,
                    paragraph_index: pi as u32,
                    role: p.role,
                    start_byte: s,
                    end_byte: e,
                });
            }
        }
        out
    }

    /// The language of a unit with these sentences.
    pub fn language(&self, text: &str, sentences: &[Sentence]) -> Language {
        match self.language {
            LanguageSetting::Fixed(l) => l,
            LanguageSetting::Auto => {
                let mut sample = String::new();
                for s in sentences {
                    if sample.len() > 4096 {
                        break;
                    }
                    sample.push_str(&text[s.start_byte..s.end_byte]);
                    sample.push(' ');
                }
                language::detect(&sample).unwrap_or(FALLBACK_LANGUAGE)
            }
        }
    }

    /// Analyses one unit of the document `text`.
    pub fn analyse(&self, text: &str, unit: Unit, workspace: &mut Workspace) -> UnitAnalysis {
        let sentences = self.sentences(text, &unit);
        let language = self.language(text, &sentences);
        workspace.counts.clear();
        let mut n_tokens = 0u64;
        {
            let Workspace { counts, word, .. } = workspace;
            for s in &sentences {
                let sentence = &text[s.start_byte..s.end_byte];
                tokenize::for_each_word(sentence, |a, b| {
                    tokenize::normalize_into(&sentence[a..b], word);
                    n_tokens += 1;
                    match counts.get_mut(word.as_str()) {
                        Some(c) => *c += 1,
                        None => {
                            counts.insert(word.as_str().into(), 1);
                        }
                    }
                });
            }
        }
        let stopwords = language.stopwords();
        let counts = std::mem::take(&mut workspace.counts);
        let n_types = counts.len() as u64;
        let mut n_content_tokens = 0u64;
        let mut surfaces = Vec::new();
        for (surface, &count) in &counts {
            if tokenize::is_number(surface)
                || stopwords.contains(&**surface)
                || self.extra_stopwords.contains(&**surface)
            {
                continue;
            }
            n_content_tokens += u64::from(count);
            let stem = workspace.stemmer(language).stem(surface).to_string();
            surfaces.push(SurfaceCount {
                surface: surface.to_string(),
                stem,
                count,
            });
        }
        workspace.counts = counts;
        surfaces.sort_unstable();
        UnitAnalysis {
            unit,
            language,
            sentences,
            n_tokens,
            n_content_tokens,
            n_types,
            surfaces,
        }
    }
}
