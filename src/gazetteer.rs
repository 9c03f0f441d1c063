//! Place gazetteer: countries (common names, official names, aliases), capitals and large
//! cities with their country, world regions, a few well-known sub-national regions, and
//! continents.
//!
//! Input: any text. Output: [`PlaceMatch`]es (byte spans into that text, with the canonical
//! place name and the country the place lies in), and [`Gazetteer::country`] to canonicalise a
//! country name ("Republic of Kenya" -> "Kenya").
//!
//! The data is compiled in (`data/countries.tsv`, `data/places.tsv`, built by
//! `data/make_gazetteer.py` from GeoNames data, CC BY 4.0; see `data/README.md`). One
//! Aho-Corasick automaton over every surface form is built once ([`Gazetteer::builtin`]).
//!
//! Matching is case-sensitive on the capitalised form ("Kenya", not "kenya" or "KENYA"),
//! word-bounded (no match inside "Romanian" or "Woman"), and leftmost-longest ("New Delhi",
//! not "Delhi"; "Latin America", not "America"). A leading "the" is never part of a match.
//!
//! What it does not do: it does not decide whether a capitalised word is a place in context
//! (that is the entity extractor's job); it does not know demonyms ("Colombian" is not a
//! place); names that are common words or given names ("Nice", "Victoria", "Reading") are left
//! out on purpose; it has no small towns or villages (cities above ~300,000 people plus all
//! capitals).

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};

const COUNTRIES_TSV: &str = include_str!("../data/gazetteer/countries.tsv");
const PLACES_TSV: &str = include_str!("../data/gazetteer/places.tsv");

/// What kind of place a [`PlaceMatch`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceKind {
    /// A sovereign country or dependent territory ("Kenya", "Puerto Rico" is a region).
    Country,
    /// A capital or a city above ~300,000 people ("Medellín", "Nairobi").
    City,
    /// A world region ("Latin America", "Eastern Africa", "Middle East"; country `None`) or a
    /// well-known sub-national region or state ("Scotland", "California"; country set).
    Region,
    /// A continent ("Africa", "South America").
    Continent,
}

impl PlaceKind {
    /// Lowercase name of the kind, as used in `data/places.tsv` ("country", "city", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::City => "city",
            PlaceKind::Region => "region",
            PlaceKind::Continent => "continent",
        }
    }
}

/// One place name found in a text by [`Gazetteer::find_places`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceMatch {
    /// Byte offset of the match in the searched text (on a char boundary).
    pub start: usize,
    /// Byte offset one past the end of the match (on a char boundary).
    pub end: usize,
    /// What kind of place it is.
    pub kind: PlaceKind,
    /// Canonical name of the country the place lies in (the country itself for a country);
    /// `None` for world regions and continents.
    pub country: Option<&'static str>,
    /// Canonical name of the place ("Medellín" for "Medellin", "Kenya" for "Republic of
    /// Kenya", "Eastern Africa" for "East Africa").
    pub name: &'static str,
}

/// What one automaton pattern stands for.
#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: PlaceKind,
    name: &'static str,
    country: Option<&'static str>,
}

/// The place gazetteer: every surface form in one Aho-Corasick automaton. Built once
/// ([`Gazetteer::builtin`]), then shared: it is `Send + Sync` and all methods take `&self`.
#[derive(Debug)]
pub struct Gazetteer {
    automaton: AhoCorasick,
    /// Whether a byte begins some surface form: a search anchored where no form begins is
    /// not started (most words of running text begin with a lowercase letter).
    first_bytes: [bool; 256],
    /// Indexed by pattern id.
    entries: Vec<Entry>,
    /// Every surface form -> its pattern id.
    forms: HashMap<&'static str, usize>,
    /// Every country surface form, exactly as written -> canonical country name.
    country_forms: HashMap<&'static str, &'static str>,
    /// Every country surface form, lowercased -> canonical country name.
    country_forms_lower: HashMap<String, &'static str>,
}

static BUILTIN: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::build);

/// Lines of a TSV data file, without comments and blank lines.
fn data_lines(tsv: &'static str) -> impl Iterator<Item = &'static str> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl Gazetteer {
    /// The gazetteer built from the compiled-in data, built on first use and shared.
    pub fn builtin() -> &'static Gazetteer {
        &BUILTIN
    }

    fn build() -> Gazetteer {
        let mut patterns: Vec<&'static str> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut country_forms = HashMap::new();
        let mut country_forms_lower = HashMap::new();
        let mut iso_to_country: HashMap<&'static str, &'static str> = HashMap::new();

        for line in data_lines(COUNTRIES_TSV) {
            let mut cols = line.split('\t');
            let (Some(canon), Some(iso)) = (cols.next(), cols.next()) else {
                continue;
            };
            let aliases = cols.next().unwrap_or("");
            iso_to_country.insert(iso, canon);
            let forms = std::iter::once(canon).chain(aliases.split('|').filter(|a| !a.is_empty()));
            for form in forms {
                country_forms.insert(form, canon);
                country_forms_lower.insert(form.to_lowercase(), canon);
                patterns.push(form);
                entries.push(Entry {
                    kind: PlaceKind::Country,
                    name: canon,
                    country: Some(canon),
                });
            }
        }

        for line in data_lines(PLACES_TSV) {
            let mut cols = line.split('\t');
            let (Some(kind), Some(surface)) = (cols.next(), cols.next()) else {
                continue;
            };
            let canon = cols.next().filter(|c| !c.is_empty()).unwrap_or(surface);
            let country = cols
                .next()
                .filter(|c| !c.is_empty())
                .and_then(|iso| iso_to_country.get(iso).copied());
            let kind = match kind {
                "city" => PlaceKind::City,
                "region" => PlaceKind::Region,
                "continent" => PlaceKind::Continent,
                "country" => PlaceKind::Country,
                _ => continue,
            };
            patterns.push(surface);
            entries.push(Entry {
                kind,
                name: canon,
                country,
            });
        }

        let mut forms = HashMap::with_capacity(patterns.len());
        for (id, p) in patterns.iter().enumerate() {
            forms.entry(*p).or_insert(id);
        }
        let mut first_bytes = [false; 256];
        for p in &patterns {
            if let Some(&b) = p.as_bytes().first() {
                first_bytes[usize::from(b)] = true;
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&patterns)
            .expect("the compiled-in gazetteer patterns form a valid automaton");
        Gazetteer {
            automaton,
            first_bytes,
            entries,
            forms,
            country_forms,
            country_forms_lower,
        }
    }

    /// Every place name found in `text`: word-bounded, case-sensitive on the capitalised form,
    /// leftmost-longest, in text order and non-overlapping, each with its canonical name and
    /// the country it lies in.
    pub fn find_places(&self, text: &str) -> Vec<PlaceMatch> {
        let mut out = Vec::new();
        self.for_each_place(text, |m| out.push(m));
        out
    }

    /// Like [`Gazetteer::find_places`], but calls `f` on each match instead of allocating.
    ///
    /// A whole-word place starts where a word starts, so only word starts are tried, each
    /// with an anchored search ([`Gazetteer::place_at`]): most fail on their first byte,
    /// which is much faster than running the automaton over every byte of the text.
    pub fn for_each_place(&self, text: &str, mut f: impl FnMut(PlaceMatch)) {
        let bytes = text.as_bytes();
        let mut resume = 0;
        let mut previous_is_word = false;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // ASCII (most text) is read byte by byte, the rest char by char.
            let (is_word, len) = if b.is_ascii() {
                (b.is_ascii_alphanumeric(), 1)
            } else {
                let c = text[i..].chars().next().expect("`i` is at a char boundary");
                (is_word_char(c), c.len_utf8())
            };
            if is_word
                && !previous_is_word
                && i >= resume
                && let Some(m) = self.place_at(text, i)
            {
                resume = m.end;
                f(m);
            }
            previous_is_word = is_word;
            i += len;
        }
    }

    /// The place whose name starts exactly at byte `start` of `text` (the longest one), if it
    /// is a whole word there (`start` at a word start, the match ending at a word end). For
    /// callers that already know where words start: much cheaper than scanning the text.
    pub fn place_at(&self, text: &str, start: usize) -> Option<PlaceMatch> {
        // No form begins with a byte inside a character, so the byte test comes first.
        let begins_a_form = |&b: &u8| self.first_bytes[usize::from(b)];
        if !text.as_bytes().get(start).is_some_and(begins_a_form) || !text.is_char_boundary(start) {
            return None;
        }
        if text[..start].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        let input = Input::new(text)
            .span(start..text.len())
            .anchored(Anchored::Yes);
        let m = self.automaton.find(input)?;
        let end = m.end();
        if text[end..].chars().next().is_some_and(is_word_char) {
            return None;
        }
        let e = self.entries.get(m.pattern().as_usize())?;
        Some(PlaceMatch {
            start,
            end,
            kind: e.kind,
            country: e.country,
            name: e.name,
        })
    }

    /// The canonical country name for a country name, alias or official name ("Republic of
    /// Kenya" -> "Kenya", "USA" -> "United States"), if it is one. Surrounding whitespace and
    /// a leading "the" are ignored; an exact match is tried first, then a case-insensitive one.
    pub fn country(&self, name: &str) -> Option<&'static str> {
        let name = name.trim();
        let stripped = name
            .strip_prefix("the ")
            .or_else(|| name.strip_prefix("The "))
            .map_or(name, str::trim_start);
        for candidate in [name, stripped] {
            if let Some(c) = self.country_forms.get(candidate) {
                return Some(c);
            }
        }
        for candidate in [name, stripped] {
            if let Some(c) = self.country_forms_lower.get(&candidate.to_lowercase()) {
                return Some(c);
            }
        }
        None
    }

    /// The place whose surface form is exactly `name` (case-sensitive, no word search), as a
    /// match spanning all of `name`.
    pub fn lookup(&self, name: &str) -> Option<PlaceMatch> {
        let e = self.entries.get(*self.forms.get(name)?)?;
        Some(PlaceMatch {
            start: 0,
            end: name.len(),
            kind: e.kind,
            country: e.country,
            name: e.name,
        })
    }

    /// Number of surface forms in the automaton (for diagnostics).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the gazetteer has no surface forms (never, for the built-in one).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> Vec<(&str, PlaceKind, Option<&'static str>, &'static str)> {
        Gazetteer::builtin()
            .find_places(text)
            .into_iter()
            .map(|m| (&text[m.start..m.end], m.kind, m.country, m.name))
            .collect()
    }

    /// Every place as first found: an anchored search at every word start, no byte filter.
    fn places_at_every_word_start(g: &Gazetteer, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut resume = 0;
        let mut previous_is_word = false;
        for (i, c) in text.char_indices() {
            let is_word = is_word_char(c);
            if is_word && !previous_is_word && i >= resume {
                let input = Input::new(text).span(i..text.len()).anchored(Anchored::Yes);
                if let Some(m) = g.automaton.find(input)
                    && !text[m.end()..].chars().next().is_some_and(is_word_char)
                {
                    resume = m.end();
                    out.push((i, m.end()));
                }
            }
            previous_is_word = is_word;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn places_are_those_found_at_every_word_start(
            words in proptest::collection::vec(
                "Kenya|Nairobi|United States|Medellin|Côte d’Ivoire|Île-de-France|São Paulo|\
                 the|of|in|[a-z]{1,6}|[A-Z][a-z]{0,5}|[0-9]{1,3}|é|Ñu|[,.;:()’'-]|\\PC",
                0..30,
            ),
            glue in proptest::collection::vec(proptest::sample::select(vec!["", " ", "\n", "-"]), 30),
        ) {
            let mut text = String::new();
            for (w, g) in words.iter().zip(&glue) {
                text.push_str(w);
                text.push_str(g);
            }
            let g = Gazetteer::builtin();
            let got: Vec<(usize, usize)> =
                g.find_places(&text).iter().map(|m| (m.start, m.end)).collect();
            proptest::prop_assert_eq!(got, places_at_every_word_start(g, &text));
        }
    }

    #[test]
    fn send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Gazetteer>();
        assert_send_sync::<PlaceMatch>();
    }

    #[test]
    fn countries_cities_regions() {
        let text = "sex workers in the city of Medellin and the Aburra Valley, Colombia. \
                    Latin America, the Caribbean, Western Europe, Asia, the Middle East and \
                    North America, including the United States. 10% of workers in Cali.";
        let got = places(text);
        let surface: Vec<&str> = got.iter().map(|g| g.0).collect();
        assert_eq!(
            surface,
            [
                "Medellin",
                "Colombia",
                "Latin America",
                "Caribbean",
                "Western Europe",
                "Asia",
                "Middle East",
                "North America",
                "United States",
                "Cali"
            ],
            "{got:#?}"
        );
        assert_eq!(got[0].3, "Medellín", "{got:#?}");
        assert_eq!(got[0].2, Some("Colombia"), "{got:#?}");
        assert_eq!(got[2].1, PlaceKind::Region, "{got:#?}");
        assert_eq!(got[2].2, None, "{got:#?}");
        assert_eq!(got[5].1, PlaceKind::Continent, "{got:#?}");
    }

    #[test]
    fn word_bounded_and_case_sensitive() {
        assert!(places("Romanian women and Colombian men").is_empty());
        assert!(places("A woman in kenya, KENYA").is_empty());
        assert!(places("USAID funded it").is_empty());
        let got = places("working in south western Bangladesh and Kenya’s north");
        let surface: Vec<&str> = got.iter().map(|g| g.0).collect();
        assert_eq!(surface, ["Bangladesh", "Kenya"], "{got:#?}");
    }

    #[test]
    fn ambiguous_names_left_out() {
        for word in [
            "Reading", "Mobile", "Nice", "Victoria", "Split", "Bath", "Of", "Santa",
        ] {
            let text = format!("{word} is here");
            assert!(places(&text).is_empty(), "{word}: {:#?}", places(&text));
        }
    }

    #[test]
    fn official_names_and_aliases() {
        let g = Gazetteer::builtin();
        assert_eq!(g.country("Republic of Kenya"), Some("Kenya"));
        assert_eq!(g.country("USA"), Some("United States"));
        assert_eq!(g.country("the United States"), Some("United States"));
        assert_eq!(
            g.country("Democratic Republic of the Congo"),
            Some("Democratic Republic of the Congo")
        );
        assert_eq!(g.country("DRC"), Some("Democratic Republic of the Congo"));
        assert_eq!(g.country("kenya"), Some("Kenya"));
        assert_eq!(g.country("Nairobi"), None);
        assert_eq!(g.country(""), None);
        let got = places("the Republic of Kenya and the Democratic Republic of the Congo");
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(got[0].0, "Republic of Kenya", "{got:#?}");
        assert_eq!(got[0].3, "Kenya", "{got:#?}");
        assert_eq!(got[1].0, "Democratic Republic of the Congo", "{got:#?}");
    }

    #[test]
    fn empty_and_odd_text() {
        assert!(places("").is_empty());
        assert!(places("   ").is_empty());
        assert!(places("ÄÖÜ ½ 🎉 Kenya🎉").len() <= 1);
        let got = places("Nairobi");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].2, Some("Kenya"), "{got:#?}");
    }
}
