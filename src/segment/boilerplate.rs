//! Page furniture that is not text: configured boilerplate patterns ("This email address is
//! being protected from spambots…", "Click here…"), lines repeated through a document (site
//! headers), and image names glued to the start of a paragraph ("betty espacios_IWD",
//! "ProRefugiucampaign2.jpg").

use memchr::memmem::Finder;
use regex::{RegexSet, RegexSetBuilder};
use regex_syntax::hir::Look;
use rustc_hash::FxHashMap;

/// Boilerplate patterns (case-insensitive regular expressions), in two sets so that a check
/// stays cheap: patterns anchored at the start (`^…`) are tried only at the start of the
/// text, the others searched through it. One set of all patterns would search the whole text
/// for the anchored patterns' literals too, about three times slower.
///
/// Every sentence is checked, so the checks skip what cannot match: the anchored set is run
/// only on a text whose first byte can begin one of its matches, and, when the unanchored
/// patterns have no look-around assertion, their set is run on a paragraph's sentences only
/// when it matches the paragraph (a match in a sentence is then a match in its paragraph).
/// Before any regular expression runs on a paragraph, a vectorised search for the literals
/// that every match of an unanchored pattern begins with (derived from the patterns, in
/// lowercase) rules most paragraphs out: a case-insensitive regex search of a short text is
/// about six times slower.
#[derive(Debug, Clone)]
pub struct Boilerplate {
    patterns: Vec<String>,
    anchored: RegexSet,
    unanchored: RegexSet,
    /// Bytes that can begin a match of an anchored pattern (every byte when the patterns'
    /// prefixes cannot be listed).
    anchored_first_bytes: [bool; 256],
    /// No unanchored pattern has a look-around assertion (`^`, `$`, `\b`, …).
    unanchored_without_looks: bool,
    /// Every match of an unanchored pattern begins with one of these byte strings once its
    /// ASCII letters are lowercased; `None` when some pattern's beginnings cannot be listed.
    unanchored_starts: Option<Starts>,
}

/// Byte strings searched for in ASCII-lowercased text, a chunk at a time.
#[derive(Debug, Clone)]
struct Starts {
    finders: Vec<Finder<'static>>,
    /// The longest string's length, at most [`Starts::MAX_LEN`].
    max_len: usize,
}

impl Starts {
    /// Longest literal kept: chunks of text overlap by one byte less.
    const MAX_LEN: usize = 32;
    /// Bytes lowercased and searched at a time.
    const CHUNK: usize = 1024;

    /// The lowercased literals that every match of `hir` begins with, added to `starts`;
    /// false when they cannot be listed (or one is empty, which begins every text).
    fn add(starts: &mut Vec<Vec<u8>>, hir: &regex_syntax::hir::Hir) -> bool {
        let prefixes = regex_syntax::hir::literal::Extractor::new()
            .limit_literal_len(Starts::MAX_LEN)
            .extract(hir);
        match prefixes.literals() {
            Some(literals) if literals.iter().all(|l| !l.is_empty()) => {
                // Case variants of a literal collapse into one lowercase string.
                starts.extend(literals.iter().map(|l| l.as_bytes().to_ascii_lowercase()));
                true
            }
            _ => false,
        }
    }

    fn new(mut starts: Vec<Vec<u8>>) -> Starts {
        starts.sort();
        starts.dedup();
        Starts {
            max_len: starts.iter().map(Vec::len).max().unwrap_or(0),
            finders: starts.iter().map(|s| Finder::new(s).into_owned()).collect(),
        }
    }

    /// True when `text`, ASCII-lowercased, contains one of the strings.
    fn occur_in(&self, text: &str) -> bool {
        if self.finders.is_empty() {
            return false;
        }
        let bytes = text.as_bytes();
        let mut chunk = [0u8; Starts::CHUNK];
        let mut start = 0;
        loop {
            let end = (start + Starts::CHUNK).min(bytes.len());
            let lower = &mut chunk[..end - start];
            lower.copy_from_slice(&bytes[start..end]);
            lower.make_ascii_lowercase();
            if self.finders.iter().any(|f| f.find(lower).is_some()) {
                return true;
            }
            if end == bytes.len() {
                return false;
            }
            // The next chunk starts early enough to hold a string cut at this one's end.
            start = end + 1 - self.max_len.max(1);
        }
    }
}

impl Boilerplate {
    /// Compiles `patterns`; the error is the regex crate's message for the first bad one.
    pub fn new(patterns: Vec<String>) -> Result<Boilerplate, regex::Error> {
        let mut anchored = Vec::new();
        let mut unanchored = Vec::new();
        let mut anchored_first_bytes = [false; 256];
        let mut unanchored_without_looks = true;
        let mut starts = Some(Vec::new());
        for pattern in &patterns {
            let hir = regex_syntax::ParserBuilder::new()
                .case_insensitive(true)
                .build()
                .parse(pattern)
                .map_err(|e| regex::Error::Syntax(e.to_string()))?;
            if hir.properties().look_set_prefix().contains(Look::Start) {
                anchored.push(pattern);
                add_first_bytes(&hir, &mut anchored_first_bytes);
            } else {
                unanchored.push(pattern);
                unanchored_without_looks &= hir.properties().look_set().is_empty();
                if let Some(list) = &mut starts
                    && !Starts::add(list, &hir)
                {
                    starts = None;
                }
            }
        }
        let set = |patterns: Vec<&String>| {
            RegexSetBuilder::new(patterns)
                .case_insensitive(true)
                .build()
        };
        Ok(Boilerplate {
            anchored: set(anchored)?,
            unanchored: set(unanchored)?,
            anchored_first_bytes,
            unanchored_without_looks,
            unanchored_starts: starts.map(Starts::new),
            patterns,
        })
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// True when `text` (trimmed) matches one of the patterns.
    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_in(text, &self.paragraph(text))
    }

    /// What the sentences of `paragraph` need to be checked against (see
    /// [`Boilerplate::is_match_in`]).
    pub fn paragraph(&self, paragraph: &str) -> ParagraphCheck {
        // A match in a sentence holds one of the literals, which is then in the paragraph.
        let may_match = self
            .unanchored_starts
            .as_ref()
            .is_none_or(|starts| starts.occur_in(paragraph));
        ParagraphCheck {
            unanchored: may_match
                && (!self.unanchored_without_looks || self.unanchored.is_match(paragraph)),
        }
    }

    /// True when `text` (trimmed), a part of the paragraph that `check` was made for,
    /// matches one of the patterns: the same answer as [`Boilerplate::is_match`].
    pub fn is_match_in(&self, text: &str, check: &ParagraphCheck) -> bool {
        let text = text.trim();
        let anchored_may_match = text
            .as_bytes()
            .first()
            .is_none_or(|&b| self.anchored_first_bytes[usize::from(b)]);
        (anchored_may_match && self.anchored.is_match(text))
            || (check.unanchored && self.unanchored.is_match(text))
    }
}

/// The boilerplate check of one paragraph, made once for all its sentences.
#[derive(Debug, Clone, Copy)]
pub struct ParagraphCheck {
    /// Some part of the paragraph may match an unanchored pattern.
    unanchored: bool,
}

/// Marks the bytes that can begin a match of `hir` (every byte when its prefixes cannot be
/// listed, or one of them is empty).
fn add_first_bytes(hir: &regex_syntax::hir::Hir, first_bytes: &mut [bool; 256]) {
    let prefixes = regex_syntax::hir::literal::Extractor::new().extract(hir);
    match prefixes.literals() {
        Some(literals) if literals.iter().all(|l| !l.is_empty()) => {
            for literal in literals {
                first_bytes[usize::from(literal.as_bytes()[0])] = true;
            }
        }
        _ => *first_bytes = [true; 256],
    }
}

/// Short lines repeated in a document are site headers and navigation.
const REPEATED_MAX_WORDS: usize = 12;

/// The spans of lines that occur more than once in the document and read as page furniture:
/// short, not a question, not a sentence of prose. In the order of `lines`.
pub fn repeated_lines(text: &str, lines: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let candidate = |line: &str| {
        !line.ends_with('?')
            && (!line.ends_with('.') || line.ends_with("..."))
            && (1..=REPEATED_MAX_WORDS)
                .contains(&super::count_words_up_to(line, REPEATED_MAX_WORDS + 1))
    };
    for &(s, e) in lines {
        let line = text[s..e].trim();
        if candidate(line) {
            *seen.entry(line).or_default() += 1;
        }
    }
    lines
        .iter()
        .copied()
        .filter(|&(s, e)| seen.get(text[s..e].trim()).is_some_and(|&n| n > 1))
        .collect()
}

/// Image names are glued to the paragraph within this many bytes of its start.
const DEBRIS_MAX_BYTES: usize = 80;

/// How many bytes at the start of `paragraph` are an image name glued to the text: a run of
/// at most four words whose last one has an underscore, ends in a digit or an image file
/// extension, or is a long word running into an acronym ("CampaignWOREC"), and is glued to a
/// capitalised word. 0 when there is none.
pub fn debris_end(paragraph: &str) -> usize {
    let bytes = paragraph.as_bytes();
    let limit = paragraph.len().min(DEBRIS_MAX_BYTES);
    let mut word_start = 0;
    let mut words = 1;
    for g in 1..limit {
        let b = bytes[g];
        if b == b' ' {
            words += 1;
            word_start = g + 1;
            if words > 4 {
                return 0;
            }
            continue;
        }
        if !b.is_ascii_uppercase() || bytes[g - 1] == b' ' {
            continue;
        }
        let glued = &paragraph[word_start..g];
        let prev = bytes[g - 1];
        let next = bytes.get(g + 1).copied().unwrap_or(b' ');
        let lower_run = glued
            .bytes()
            .rev()
            .take_while(u8::is_ascii_lowercase)
            .count();
        let is_debris = (next.is_ascii_lowercase()
            && (glued.contains('_')
                || prev.is_ascii_digit()
                || [".jpg", ".jpeg", ".png", ".gif", ".webp"]
                    .iter()
                    .any(|ext| glued.to_ascii_lowercase().ends_with(ext))))
            || (lower_run >= 5 && next.is_ascii_uppercase());
        if is_debris {
            return g;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn patterns() -> Vec<String> {
        let mut patterns: Vec<String> = crate::config::DEFAULT_BOILERPLATE
            .iter()
            .map(|p| p.to_string())
            .collect();
        // Not anchored as a whole, though one branch is; anchored only at the end; multi-line.
        patterns.extend([
            "^subscribe|unsubscribe".into(),
            "all rights reserved$".into(),
        ]);
        patterns.push("(?m)^follow us".into());
        patterns
    }

    #[test]
    fn the_default_patterns_skip_what_cannot_match() {
        let defaults = crate::config::DEFAULT_BOILERPLATE
            .iter()
            .map(|p| p.to_string());
        let b = Boilerplate::new(defaults.collect()).unwrap();
        assert!(b.unanchored_without_looks);
        let first: String = (0u8..=255)
            .filter(|&c| b.anchored_first_bytes[usize::from(c)])
            .map(char::from)
            .collect();
        // click here, share, tweet, print, like, read more, back to top, in either case, and
        // 0xC5, the first byte of `ſ` (long s), which case-insensitive `s` matches.
        assert_eq!(first, "(BCLPRSTbclprst\u{c5}");
        let starts = b.unanchored_starts.as_ref().expect("literal beginnings");
        let needles: Vec<&[u8]> = starts.finders.iter().map(|f| f.needle()).collect();
        assert_eq!(needles, [&b"email ad"[..], b"you need "]);
        assert!(!b.paragraph("Nothing to drop here. Nor here.").unanchored);
        assert!(
            b.paragraph("See it. You need JavaScript enabled to view it.")
                .unanchored
        );
    }

    #[test]
    fn patterns_anchored_at_the_start_are_told_from_the_others() {
        let b = Boilerplate::new(patterns()).unwrap();
        assert_eq!(b.anchored.len(), 3, "click here, share…, read more…");
        assert_eq!(b.unanchored.len(), 5);
        assert_eq!(b.patterns(), patterns().as_slice());
        assert!(b.is_match("  This email address is being protected from spambots. "));
        assert!(b.is_match("Click here to read"));
        assert!(!b.is_match("Please click here to read"));
        assert!(b.is_match("Share on Facebook"));
        assert!(!b.is_match("Share the load"));
        assert!(b.is_match("To unsubscribe, write to us"));
        assert!(b.is_match("Text\nfollow us"));
    }

    #[test]
    fn patterns_without_listable_beginnings_are_searched_by_regex() {
        let b = Boilerplate::new(vec!["[a-z]+ spambots".into(), "k".into()]).unwrap();
        assert!(b.unanchored_starts.is_none());
        assert!(b.is_match("Some spambots"));
        // `k` matches the Kelvin sign case-insensitively: its bytes are one of the beginnings.
        let b = Boilerplate::new(vec!["k".into()]).unwrap();
        assert!(b.unanchored_starts.is_some());
        assert!(b.is_match("a \u{212A} b"));
        assert!(!b.is_match("a b"));
    }

    proptest! {
        /// The chunked search finds a string wherever it lies, across chunk boundaries too,
        /// in any case.
        #[test]
        fn beginnings_are_found_across_chunks(
            before in 0usize..2200,
            needle in "[a-zA-Z ]{1,12}",
            after in 0usize..40,
            fill in "[a-z]",
        ) {
            let starts = Starts::new(vec![needle.to_ascii_lowercase().into_bytes(), b"zz9".to_vec()]);
            let text = format!("{}{}{}", fill.repeat(before), needle, fill.repeat(after));
            prop_assert!(starts.occur_in(&text));
            let without = format!("{}{}", fill.repeat(before), fill.repeat(after));
            let expected = without.contains(&needle.to_ascii_lowercase());
            prop_assert_eq!(starts.occur_in(&without), expected);
        }

        /// The two sets decide exactly as one set of all the patterns would.
        #[test]
        fn two_sets_decide_as_one(text in "(click here|share|on twitter|email address is being protected from spambots|subscribe|unsubscribe|all rights reserved|follow us|read more|[a-z .\n]{0,6}| ){0,6}") {
            let all = RegexSetBuilder::new(patterns()).case_insensitive(true).build().unwrap();
            let b = Boilerplate::new(patterns()).unwrap();
            prop_assert_eq!(b.is_match(&text), all.is_match(text.trim()));
        }

        /// Checked a sentence at a time after one check of the paragraph, the answer is the
        /// one set of all the patterns gives for the sentence alone.
        #[test]
        fn paragraph_checks_decide_as_one_set(
            sentences in proptest::collection::vec("(click here|Share|on twitter|email address is being protected from spambots|EMAIL Address is being protected from SPAMBOTS|subscribe|unsubscribe|all rights reserved|follow us|read more|javascript|You need JavaScript enabled|[a-zA-Z .(\n]{0,6}| ){0,6}", 0..5),
            extra in proptest::collection::vec("[a-z(\\^$ ]{1,8}", 0..3),
            defaults_only in any::<bool>(),
        ) {
            // The default patterns' unanchored ones have no assertion: paragraphs are checked.
            let mut patterns = if defaults_only {
                crate::config::DEFAULT_BOILERPLATE.iter().map(|p| p.to_string()).collect()
            } else {
                patterns()
            };
            // Patterns of other shapes: plain, anchored, with assertions or bad ones (skipped).
            patterns.extend(extra.into_iter().filter(|p| regex::Regex::new(p).is_ok()));
            let all = RegexSetBuilder::new(&patterns).case_insensitive(true).build().unwrap();
            let b = Boilerplate::new(patterns).unwrap();
            let paragraph = sentences.join(" ");
            let check = b.paragraph(&paragraph);
            let mut start = 0;
            for sentence in &sentences {
                let part = &paragraph[start..start + sentence.len()];
                prop_assert_eq!(b.is_match_in(part, &check), all.is_match(part.trim()), "{:?}", part);
                start += sentence.len() + 1;
            }
        }
    }

    #[test]
    fn debris_cases() {
        let cases = [
            (
                "betty espacios_IWDInterview with Betty",
                "Interview with Betty",
            ),
            (
                "espaciosdemujer IWD1Each year on March 8",
                "Each year on March 8",
            ),
            ("RJ1Rights Jessore have many", "Rights Jessore have many"),
            (
                "ProRefugiucampaign2.jpgAs mentioned, Asociatia",
                "As mentioned, Asociatia",
            ),
            ("WOREC2Violence against women", "Violence against women"),
            (
                "WOREC CampaignWOREC recently organised",
                "WOREC recently organised",
            ),
            (
                "The Corporación Espacios de Mujer is an NGO",
                "The Corporación Espacios de Mujer is an NGO",
            ),
            (
                "McDonald and PowerPoint are fine",
                "McDonald and PowerPoint are fine",
            ),
            (
                "In 2012, 7 (seven) Colombian women",
                "In 2012, 7 (seven) Colombian women",
            ),
            ("", ""),
            ("é", "é"),
        ];
        for (paragraph, expected) in cases {
            assert_eq!(
                &paragraph[debris_end(paragraph)..],
                expected,
                "{paragraph:?}"
            );
        }
    }

    #[test]
    fn repeated_short_lines_are_furniture() {
        let text =
            "Site Name\nHuman Rights\nSite Name\nA real sentence here.\nA real sentence here.\n";
        let mut lines = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            lines.push((start, start + line.trim_end().len()));
            start += line.len();
        }
        let repeated: Vec<&str> = repeated_lines(text, &lines)
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect();
        assert_eq!(repeated, vec!["Site Name", "Site Name"]);
    }
}
