//! Languages themata can stem: detection (whatlang, restricted to languages with a Snowball
//! stemmer) and the per-language stopword list (NLTK lists, via the `stop-words` crate).
//!
//! Input: a unit's text. Output: a [`Language`]. Does not tokenize or stem.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use whatlang::{Detector, Lang};

/// A language with a Snowball stemmer and a stopword list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Language {
    /// English (`en`).
    English,
    /// Spanish (`es`).
    Spanish,
    /// French (`fr`).
    French,
    /// Portuguese (`pt`).
    Portuguese,
    /// Romanian (`ro`).
    Romanian,
    /// German (`de`).
    German,
    /// Italian (`it`).
    Italian,
    /// Dutch (`nl`).
    Dutch,
    /// Danish (`da`).
    Danish,
    /// Swedish (`sv`).
    Swedish,
    /// Norwegian (`no`).
    Norwegian,
    /// Finnish (`fi`).
    Finnish,
    /// Hungarian (`hu`).
    Hungarian,
    /// Russian (`ru`).
    Russian,
    /// Turkish (`tr`).
    Turkish,
    /// Greek (`el`).
    Greek,
    /// Arabic (`ar`).
    Arabic,
}

/// Every language, in a fixed order.
pub const ALL_LANGUAGES: [Language; 17] = [
    Language::English,
    Language::Spanish,
    Language::French,
    Language::Portuguese,
    Language::Romanian,
    Language::German,
    Language::Italian,
    Language::Dutch,
    Language::Danish,
    Language::Swedish,
    Language::Norwegian,
    Language::Finnish,
    Language::Hungarian,
    Language::Russian,
    Language::Turkish,
    Language::Greek,
    Language::Arabic,
];

impl Language {
    /// ISO 639-1 code, as written in the `units.language` column.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::French => "fr",
            Language::Portuguese => "pt",
            Language::Romanian => "ro",
            Language::German => "de",
            Language::Italian => "it",
            Language::Dutch => "nl",
            Language::Danish => "da",
            Language::Swedish => "sv",
            Language::Norwegian => "no",
            Language::Finnish => "fi",
            Language::Hungarian => "hu",
            Language::Russian => "ru",
            Language::Turkish => "tr",
            Language::Greek => "el",
            Language::Arabic => "ar",
        }
    }

    /// English name, lowercase.
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "english",
            Language::Spanish => "spanish",
            Language::French => "french",
            Language::Portuguese => "portuguese",
            Language::Romanian => "romanian",
            Language::German => "german",
            Language::Italian => "italian",
            Language::Dutch => "dutch",
            Language::Danish => "danish",
            Language::Swedish => "swedish",
            Language::Norwegian => "norwegian",
            Language::Finnish => "finnish",
            Language::Hungarian => "hungarian",
            Language::Russian => "russian",
            Language::Turkish => "turkish",
            Language::Greek => "greek",
            Language::Arabic => "arabic",
        }
    }

    /// Parses an ISO 639-1 code or an English name (`"es"`, `"spanish"`), case-insensitive.
    pub fn parse(text: &str) -> Option<Language> {
        let wanted = text.trim().to_ascii_lowercase();
        ALL_LANGUAGES
            .into_iter()
            .find(|l| l.code() == wanted || l.name() == wanted)
    }

    pub(crate) fn algorithm(self) -> rust_stemmers::Algorithm {
        use rust_stemmers::Algorithm as A;
        match self {
            Language::English => A::English,
            Language::Spanish => A::Spanish,
            Language::French => A::French,
            Language::Portuguese => A::Portuguese,
            Language::Romanian => A::Romanian,
            Language::German => A::German,
            Language::Italian => A::Italian,
            Language::Dutch => A::Dutch,
            Language::Danish => A::Danish,
            Language::Swedish => A::Swedish,
            Language::Norwegian => A::Norwegian,
            Language::Finnish => A::Finnish,
            Language::Hungarian => A::Hungarian,
            Language::Russian => A::Russian,
            Language::Turkish => A::Turkish,
            Language::Greek => A::Greek,
            Language::Arabic => A::Arabic,
        }
    }

    fn whatlang(self) -> Lang {
        match self {
            Language::English => Lang::Eng,
            Language::Spanish => Lang::Spa,
            Language::French => Lang::Fra,
            Language::Portuguese => Lang::Por,
            Language::Romanian => Lang::Ron,
            Language::German => Lang::Deu,
            Language::Italian => Lang::Ita,
            Language::Dutch => Lang::Nld,
            Language::Danish => Lang::Dan,
            Language::Swedish => Lang::Swe,
            Language::Norwegian => Lang::Nob,
            Language::Finnish => Lang::Fin,
            Language::Hungarian => Lang::Hun,
            Language::Russian => Lang::Rus,
            Language::Turkish => Lang::Tur,
            Language::Greek => Lang::Ell,
            Language::Arabic => Lang::Ara,
        }
    }

    /// The built-in stopwords of the language (NLTK's lists), lowercase, with `’` written `'`.
    pub fn stopwords(self) -> &'static FxHashSet<String> {
        static SETS: LazyLock<Vec<FxHashSet<String>>> = LazyLock::new(|| {
            ALL_LANGUAGES
                .iter()
                .map(|l| {
                    stop_words::lookup(l.code())
                        .unwrap_or(&[])
                        .iter()
                        .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
                        .collect()
                })
                .collect()
        });
        let index = ALL_LANGUAGES
            .iter()
            .position(|&l| l == self)
            .expect("every language is in ALL_LANGUAGES");
        &SETS[index]
    }
}

/// How much text language detection looks at: enough for a reliable answer, bounded so that
/// detection costs little on long units.
const DETECTION_SAMPLE_BYTES: usize = 1024;

/// Plain-ASCII text whose words are at least this share English stopwords is English.
const ENGLISH_STOPWORD_SHARE: f64 = 0.3;
/// ... judged on at least this many words.
const ENGLISH_MIN_WORDS: usize = 30;

/// A cheap, reliable answer for the most common case: text with no letter outside ASCII (so
/// no Spanish, French, Portuguese, Romanian, German accents) in which about a third of the
/// words are English stopwords (running English prose has 40–50%; other languages written in
/// ASCII have a few percent). `None` when it cannot tell: then the trigram detector decides.
fn plainly_english(text: &str) -> Option<Language> {
    if !text.is_ascii() {
        return None;
    }
    let stopwords = Language::English.stopwords();
    let mut words = 0usize;
    let mut hits = 0usize;
    let mut word = String::new();
    for raw in text.split(|c: char| !c.is_ascii_alphabetic() && c != '\'') {
        if raw.is_empty() {
            continue;
        }
        words += 1;
        word.clear();
        word.push_str(raw);
        word.make_ascii_lowercase();
        if stopwords.contains(word.as_str()) {
            hits += 1;
        }
    }
    (words >= ENGLISH_MIN_WORDS && hits as f64 >= ENGLISH_STOPWORD_SHARE * words as f64)
        .then_some(Language::English)
}

/// Detects the language of `text` among [`ALL_LANGUAGES`]; `None` when the text is too short
/// or too mixed for a reliable answer.
pub fn detect(text: &str) -> Option<Language> {
    static DETECTOR: LazyLock<Detector> = LazyLock::new(|| {
        Detector::with_allowlist(ALL_LANGUAGES.iter().map(|l| l.whatlang()).collect())
    });
    let mut end = text.len().min(DETECTION_SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(english) = plainly_english(&text[..end]) {
        return Some(english);
    }
    let info = DETECTOR.detect(&text[..end])?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    ALL_LANGUAGES
        .into_iter()
        .find(|l| l.whatlang() == info.lang())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_main_languages() {
        let cases = [
            (
                "The organisation provides legal support to women who survived trafficking and works with migrant domestic workers in the city.",
                Language::English,
            ),
            (
                "La organización ofrece apoyo jurídico a las mujeres que sobrevivieron a la trata y trabaja con trabajadoras domésticas migrantes en la ciudad.",
                Language::Spanish,
            ),
            (
                "L'organisation offre un soutien juridique aux femmes qui ont survécu à la traite et travaille avec des travailleuses domestiques migrantes.",
                Language::French,
            ),
            (
                "A organização oferece apoio jurídico às mulheres que sobreviveram ao tráfico e trabalha com trabalhadoras domésticas migrantes na cidade.",
                Language::Portuguese,
            ),
            (
                "Organizația oferă sprijin juridic femeilor care au supraviețuit traficului și lucrează cu lucrătoare casnice migrante din oraș.",
                Language::Romanian,
            ),
            (
                "Die Organisation bietet Frauen, die Menschenhandel überlebt haben, rechtliche Unterstützung und arbeitet mit Hausangestellten.",
                Language::German,
            ),
            (
                "L'organizzazione offre sostegno legale alle donne sopravvissute alla tratta e lavora con le lavoratrici domestiche migranti della città.",
                Language::Italian,
            ),
            (
                "De organisatie biedt juridische steun aan vrouwen die mensenhandel hebben overleefd en werkt met migrerende huishoudelijke werkers.",
                Language::Dutch,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(detect(text), Some(expected), "text: {text}");
        }
    }

    #[test]
    fn the_english_shortcut_leaves_other_languages_to_the_detector() {
        let english = "We work with the women who come to us and we help them to find a job, and we also talk with the police about the cases that they have seen in the city.";
        assert_eq!(plainly_english(english), Some(Language::English));
        let ascii_spanish = "La organizacion trabaja con las mujeres migrantes y las trabajadoras domesticas de la ciudad para que conozcan sus derechos y puedan denunciar la trata de personas ante la policia y la fiscalia.";
        assert_eq!(plainly_english(ascii_spanish), None);
        assert_eq!(detect(ascii_spanish), Some(Language::Spanish));
        assert_eq!(plainly_english("Too short to tell."), None);
    }

    #[test]
    fn parses_codes_and_names() {
        assert_eq!(Language::parse("es"), Some(Language::Spanish));
        assert_eq!(Language::parse("Spanish"), Some(Language::Spanish));
        assert_eq!(Language::parse("klingon"), None);
    }

    #[test]
    fn stopwords_are_loaded_for_every_language() {
        for l in ALL_LANGUAGES {
            assert!(l.stopwords().len() > 20, "{l:?} has too few stopwords");
        }
        assert!(Language::English.stopwords().contains("the"));
        assert!(Language::Spanish.stopwords().contains("los"));
    }

    #[test]
    fn empty_text_has_no_language() {
        assert_eq!(detect(""), None);
    }
}
