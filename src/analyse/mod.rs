//! Analysis of one unit: sentences, tokens, language, stopwords, Snowball stems and counts.
//!
//! Input: the document text and a [`Unit`]. Output: a [`UnitAnalysis`]. Infallible: odd text
//! yields fewer records, never a panic. Runs in parallel over units (the pipeline does that):
//! an [`Analyser`] is shared (`Sync`), and each worker owns a [`Workspace`] of caches.

pub mod entities;
pub mod figures;
pub mod language;
mod numeric_lexer;
pub mod sentences;
pub mod tokenize;
pub mod vocabulary;
pub mod years;

use crate::config::{Config, LanguageSetting};
use crate::record::{Sentence, SurfaceCounts, Unit, UnitAnalysis};
use crate::themes::collocations::CollocationCounts;
use crate::themes::cooccur::{Window, WindowCounts};
use crate::themes::{KeptMatcher, ThemeDictionary, ThemeMatcher};
use language::Language;
use vocabulary::Vocabulary;

/// The analysis stage, configured once and shared by all workers.
#[derive(Debug, Clone)]
pub struct Analyser {
    language: LanguageSetting,
    extra_stopwords: rustc_hash::FxHashSet<String>,
    boilerplate: crate::segment::Boilerplate,
    themes: ThemeDictionary,
    window: Window,
    entities: entities::EntityExtractor,
    figures: figures::FigureExtractor,
    years: years::YearExtractor,
}

/// One worker's reusable state: vocabularies (forms with their stems), theme matchers with
/// the words they have matched, and scratch buffers.
#[derive(Default)]
pub struct Workspace {
    vocabularies: Vec<Vocabulary>,
    matchers: Vec<(Language, KeptMatcher)>,
    word: String,
}

/// One sentence of a unit, as a slice of the document text (what extractors read).
#[derive(Debug, Clone, Copy)]
pub struct SentenceRef<'a> {
    /// 0-based index of the sentence within its unit.
    pub index: u32,
    /// Byte offset of `text` in the document text.
    pub start_byte: usize,
    /// The sentence text: exactly `&document[start_byte..start_byte + text.len()]`.
    pub text: &'a str,
}

/// One word token of a unit, with its normal form (what theme matching reads).
#[derive(Debug, Clone, Copy)]
pub struct TokenRef<'a> {
    /// Lowercase NFC form, `’` replaced by `'`.
    pub norm: &'a str,
    /// Byte offset of the token's first byte in the document text.
    pub start_byte: usize,
    /// Byte offset just past the token's last byte in the document text.
    pub end_byte: usize,
    /// 0-based index of the token's sentence within its unit.
    pub sentence_index: u32,
    /// 0-based index of the token's paragraph within its unit.
    pub paragraph_index: u32,
    /// Not a stopword, not a bare number.
    pub is_content: bool,
}

/// The tokens of a unit: distinct normal forms, and each token as an index into them.
#[derive(Debug, Default)]
pub struct UnitTokens {
    /// The text of every distinct form, each followed by its stem.
    arena: String,
    /// Distinct forms, in order of first occurrence.
    forms: Vec<FormCount>,
    /// (start_byte, end_byte, form, sentence index) of every token, in text order.
    pub tokens: Vec<(usize, usize, u32, u32)>,
}

/// One distinct form of a unit: its text and stem in [`UnitTokens::arena`], and its count.
#[derive(Debug, Clone, Copy)]
struct FormCount {
    /// The form is `arena[start..end]`, its stem `arena[end..stem_end]`.
    start: u32,
    end: u32,
    stem_end: u32,
    count: u32,
    /// Not a stopword, not a bare number.
    is_content: bool,
}

impl UnitTokens {
    /// Number of distinct forms.
    pub fn n_forms(&self) -> usize {
        self.forms.len()
    }

    fn form(&self, index: u32) -> &str {
        let f = self.forms[index as usize];
        &self.arena[f.start as usize..f.end as usize]
    }

    /// The content words with their stems and counts (grouped by stem, in stem order), and
    /// the number of content tokens: the end of the hot path (tokenise → stem → count).
    pub fn count_terms(&self) -> (SurfaceCounts, u64) {
        let stem = |f: &FormCount| &self.arena[f.end as usize..f.stem_end as usize];
        // Content forms ordered by stem: by the stem's first eight bytes read as a big-endian
        // number (the same order as the bytes'), then the forms whose stems share those
        // bytes by the whole stem.
        let mut order: Vec<(u64, u32)> = (0..self.forms.len() as u32)
            .filter(|&i| self.forms[i as usize].is_content)
            .map(|i| (sort_key(stem(&self.forms[i as usize])), i))
            .collect();
        order.sort_unstable();
        for run in order.chunk_by_mut(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                run.sort_unstable_by(|a, b| {
                    let (sa, sb) = (
                        stem(&self.forms[a.1 as usize]),
                        stem(&self.forms[b.1 as usize]),
                    );
                    sa.cmp(sb).then(a.1.cmp(&b.1))
                });
            }
        }
        let mut n_content_tokens = 0u64;
        // Each form's text is followed by its stem's in the arena: the surfaces refer to a
        // copy of it.
        let items = order
            .iter()
            .map(|&(_, i)| {
                let f = &self.forms[i as usize];
                n_content_tokens += u64::from(f.count);
                (f.start, f.end, f.stem_end, f.count)
            })
            .collect();
        (
            SurfaceCounts::from_parts(self.arena.clone(), items),
            n_content_tokens,
        )
    }

    /// The tokens as [`TokenRef`]s.
    pub fn refs<'a>(&'a self, sentences: &[Sentence]) -> Vec<TokenRef<'a>> {
        self.tokens
            .iter()
            .map(|&(start_byte, end_byte, form, sentence)| {
                let is_content = self.forms[form as usize].is_content;
                TokenRef {
                    norm: self.form(form),
                    start_byte,
                    end_byte,
                    sentence_index: sentence,
                    paragraph_index: sentences[sentence as usize].paragraph_index,
                    is_content,
                }
            })
            .collect()
    }
}

/// The first eight bytes of `text` as a big-endian number, zero-padded: ordering these is
/// ordering the texts by their first eight bytes.
fn sort_key(text: &str) -> u64 {
    vocabulary::head(text.as_bytes()).swap_bytes()
}

impl Workspace {
    /// The theme matcher of `language`, with the word matches it has kept.
    fn matcher(&mut self, language: Language, themes: &ThemeDictionary) -> &mut KeptMatcher {
        let make = || {
            let matcher = ThemeMatcher::new(themes, language.code());
            (language, KeptMatcher::new(matcher))
        };
        &mut for_language(&mut self.matchers, language, |(l, _)| *l, make).1
    }
}

/// The item of `language` among `items` (`language_of` tells an item's), made by `make` and
/// added when missing.
fn for_language<T>(
    items: &mut Vec<T>,
    language: Language,
    language_of: impl Fn(&T) -> Language,
    make: impl FnOnce() -> T,
) -> &mut T {
    let index = match items.iter().position(|item| language_of(item) == language) {
        Some(i) => i,
        None => {
            items.push(make());
            items.len() - 1
        }
    };
    &mut items[index]
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
            themes: config.themes.clone(),
            window: config.window,
            entities: entities::EntityExtractor::new(),
            figures: figures::FigureExtractor::new(),
            years: years::YearExtractor::new(),
        }
    }

    /// The sentences of `unit`, boilerplate sentences left out.
    pub fn sentences(&self, text: &str, unit: &Unit) -> Vec<Sentence> {
        let mut out = Vec::new();
        for (pi, p) in unit.paragraphs.iter().enumerate() {
            let Some(paragraph) = text.get(p.start_byte..p.end_byte) else {
                continue;
            };
            let check = self.boilerplate.paragraph(paragraph);
            for (s, e) in sentences::split_sentences(paragraph, p.start_byte) {
                let sentence = &text[s..e];
                if self.boilerplate.is_match_in(sentence, &check) {
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
                    if sample.len() > 1024 {
                        break;
                    }
                    sample.push_str(&text[s.start_byte..s.end_byte]);
                    sample.push(' ');
                }
                language::detect(&sample).unwrap_or(FALLBACK_LANGUAGE)
            }
        }
    }

    /// Tokenises the sentences of a unit, and classifies and stems each distinct form.
    pub fn tokens(
        &self,
        text: &str,
        sentences: &[Sentence],
        language: Language,
        workspace: &mut Workspace,
    ) -> UnitTokens {
        let mut unit = UnitTokens::default();
        // About one token per six bytes of English text: reserve to avoid regrowing.
        let bytes: usize = sentences.iter().map(|s| s.end_byte - s.start_byte).sum();
        unit.tokens.reserve(bytes / 6);
        let Workspace {
            vocabularies, word, ..
        } = workspace;
        let vocabulary = for_language(vocabularies, language, Vocabulary::language, || {
            Vocabulary::new(language)
        });
        vocabulary.begin();
        let stopwords = language.stopwords();
        let is_content = |form: &str| {
            !(tokenize::is_number(form)
                || stopwords.contains(form)
                || self.extra_stopwords.contains(form))
        };
        for s in sentences {
            let sentence = &text[s.start_byte..s.end_byte];
            tokenize::for_each_word_with_form(sentence, |a, b, normal| {
                let surface = &sentence[a..b];
                // Most words are already in normal form: no copy for them.
                let form = if normal {
                    surface
                } else {
                    tokenize::normalize_into(surface, word);
                    word.as_str()
                };
                let next = unit.forms.len() as u32;
                let visit = vocabulary.visit(form, next, is_content);
                if visit.first {
                    let start = unit.arena.len() as u32;
                    unit.arena.push_str(form);
                    let end = unit.arena.len() as u32;
                    unit.arena.push_str(vocabulary.stem_text(visit.stem));
                    unit.forms.push(FormCount {
                        start,
                        end,
                        stem_end: unit.arena.len() as u32,
                        count: 0,
                        is_content: visit.is_content,
                    });
                }
                unit.forms[visit.local as usize].count += 1;
                unit.tokens
                    .push((s.start_byte + a, s.start_byte + b, visit.local, s.index));
            });
        }
        unit
    }

    /// Analyses one unit of the document `text`.
    pub fn analyse(&self, text: &str, unit: Unit, workspace: &mut Workspace) -> UnitAnalysis {
        let sentences = self.sentences(text, &unit);
        let language = self.language(text, &sentences);
        let tokens = self.tokens(text, &sentences, language, workspace);
        let (surfaces, n_content_tokens) = tokens.count_terms();
        let refs = tokens.refs(&sentences);
        let theme_hits = workspace.matcher(language, &self.themes).find(&refs);
        let mut windows = WindowCounts::new();
        windows.add_unit(&refs, &theme_hits, self.window);
        let mut collocations = CollocationCounts::new();
        collocations.add_unit(text, &refs);
        drop(refs);
        let sentence_refs: Vec<SentenceRef<'_>> = sentences
            .iter()
            .map(|s| SentenceRef {
                index: s.index,
                start_byte: s.start_byte,
                text: &text[s.start_byte..s.end_byte],
            })
            .collect();
        let entities = self.entities.extract(&sentence_refs);
        let figures = self.figures.extract(&sentence_refs);
        let years = self.years.extract(&sentence_refs);
        drop(sentence_refs);
        UnitAnalysis {
            unit,
            language,
            n_tokens: tokens.tokens.len() as u64,
            n_content_tokens,
            n_types: tokens.n_forms() as u64,
            sentences,
            surfaces,
            entities,
            figures,
            years,
            theme_hits,
            windows,
            collocations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Document, DocumentMetadata};
    use crate::segment::Segmenter;

    fn unit_of(config: &Config, text: &str) -> Unit {
        let document = Document {
            name: "doc.txt".into(),
            path: "doc.txt".into(),
            text: text.into(),
            metadata: DocumentMetadata::default(),
        };
        let mut units = Segmenter::new(config.segment.clone()).segment(&document);
        assert_eq!(units.len(), 1);
        units.remove(0)
    }

    fn counts(surfaces: &SurfaceCounts) -> Vec<(String, String, u32)> {
        let mut out: Vec<_> = surfaces
            .iter()
            .map(|s| (s.surface.to_string(), s.stem.to_string(), s.count))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn terms_come_in_stem_order_with_each_stem_in_one_run() {
        let config = Config::builtin();
        let analyser = Analyser::new(&config);
        // Stems that share their first eight bytes or more, or are prefixes of each other.
        let text = "Constitutional constituencies, constitution and constituents. \
                    Administration, administrative administrators; internationally international \
                    interns. Workers worker work works.";
        let unit = unit_of(&config, text);
        let sentences = analyser.sentences(text, &unit);
        let tokens = analyser.tokens(
            text,
            &sentences,
            Language::English,
            &mut Workspace::default(),
        );
        let (surfaces, n) = tokens.count_terms();
        let stems: Vec<&str> = surfaces.iter().map(|s| s.stem).collect();
        assert_eq!(n, 14, "{stems:?}");
        assert!(stems.is_sorted(), "{stems:?}");
        let mut expected = stems.clone();
        expected.sort();
        assert_eq!(stems, expected);
    }

    #[test]
    fn terms_are_counted_even_when_the_vocabulary_was_emptied_in_between() {
        let config = Config::builtin();
        let analyser = Analyser::new(&config);
        let text = "Women workers and domestic workers. The worker said so.";
        let unit = unit_of(&config, text);
        let mut workspace = Workspace::default();
        let sentences = analyser.sentences(text, &unit);
        let tokens = analyser.tokens(text, &sentences, Language::English, &mut workspace);
        let (expected, n) = tokens.count_terms();
        assert_eq!(n, 6, "women workers domestic workers worker said");
        assert!(counts(&expected).contains(&("workers".into(), "worker".into(), 2)));

        // Another unit fills the vocabulary anew; the first unit keeps its own stems.
        let tokens = analyser.tokens(text, &sentences, Language::English, &mut workspace);
        workspace.vocabularies[0].empty();
        analyser.tokens(
            "Something else entirely.",
            &[],
            Language::English,
            &mut workspace,
        );
        let (again, n_again) = tokens.count_terms();
        assert_eq!((counts(&again), n_again), (counts(&expected), n));
    }
}
