//! Snowball stemming with the unit's language, behind our own [`Stemmer`] type, with a cache:
//! the same word is stemmed once per worker, however often it occurs.
//!
//! Precondition: words are already normalised (lowercase NFC, `’` as `'`; see
//! [`crate::analyse::tokenize::normalize`]).

use rustc_hash::FxHashMap;

use crate::analyse::language::Language;

/// A Snowball stemmer for one language, with a cache of the words it has seen.
pub struct Stemmer {
    language: Language,
    engine: rust_stemmers::Stemmer,
    /// Word → index of its stem in `stems`.
    cache: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
}

/// The cache is dropped past this many words, so memory stays bounded on huge vocabularies.
const CACHE_LIMIT: usize = 200_000;

impl Stemmer {
    /// A stemmer for `language`.
    pub fn new(language: Language) -> Stemmer {
        Stemmer {
            language,
            engine: rust_stemmers::Stemmer::create(language.algorithm()),
            cache: FxHashMap::default(),
            stems: Vec::new(),
        }
    }

    /// The language this stemmer stems.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The stem of a normalised word.
    pub fn stem(&mut self, word: &str) -> &str {
        let index = match self.cache.get(word) {
            Some(&i) => i,
            None => {
                if self.cache.len() >= CACHE_LIMIT {
                    self.cache.clear();
                    self.stems.clear();
                }
                let i = self.stems.len() as u32;
                self.stems.push(self.engine.stem(word).into());
                self.cache.insert(word.into(), i);
                i
            }
        };
        &self.stems[index as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_with_the_language_given() {
        let mut en = Stemmer::new(Language::English);
        assert_eq!(en.stem("trafficking"), "traffick");
        assert_eq!(en.stem("women's"), "women");
        let mut es = Stemmer::new(Language::Spanish);
        assert_eq!(es.stem("trabajadoras"), "trabaj");
        assert_eq!(es.language(), Language::Spanish);
    }

    #[test]
    fn cache_gives_the_same_answer() {
        let mut en = Stemmer::new(Language::English);
        let first = en.stem("organisations").to_string();
        assert_eq!(en.stem("organisations"), first);
    }
}
