//! Page furniture that is not text: configured boilerplate patterns ("This email address is
//! being protected from spambots…", "Click here…"), lines repeated through a document (site
//! headers), and image names glued to the start of a paragraph ("betty espacios_IWD",
//! "ProRefugiucampaign2.jpg").

use regex::{RegexSet, RegexSetBuilder};
use regex_syntax::hir::Look;
use rustc_hash::FxHashMap;

/// Boilerplate patterns (case-insensitive regular expressions), in two sets so that a check
/// stays cheap: patterns anchored at the start (`^…`) are tried only at the start of the
/// text, the others searched through it. One set of all patterns would search the whole text
/// for the anchored patterns' literals too, about three times slower.
#[derive(Debug, Clone)]
pub struct Boilerplate {
    patterns: Vec<String>,
    anchored: RegexSet,
    unanchored: RegexSet,
}

impl Boilerplate {
    /// Compiles `patterns`; the error is the regex crate's message for the first bad one.
    pub fn new(patterns: Vec<String>) -> Result<Boilerplate, regex::Error> {
        let mut anchored = Vec::new();
        let mut unanchored = Vec::new();
        for pattern in &patterns {
            let starts_anchored = regex_syntax::ParserBuilder::new()
                .case_insensitive(true)
                .build()
                .parse(pattern)
                .map_err(|e| regex::Error::Syntax(e.to_string()))?
                .properties()
                .look_set_prefix()
                .contains(Look::Start);
            if starts_anchored {
                anchored.push(pattern);
            } else {
                unanchored.push(pattern);
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
            patterns,
        })
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// True when `text` (trimmed) matches one of the patterns.
    pub fn is_match(&self, text: &str) -> bool {
        let text = text.trim();
        self.anchored.is_match(text) || self.unanchored.is_match(text)
    }
}

/// Short lines repeated in a document are site headers and navigation.
const REPEATED_MAX_WORDS: usize = 12;

/// The spans of lines that occur more than once in the document and read as page furniture:
/// short, not a question, not a sentence of prose. In the order of `lines`.
pub fn repeated_lines(text: &str, lines: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let candidate = |line: &str| {
        let words = line.split_whitespace().count();
        words > 0
            && words <= REPEATED_MAX_WORDS
            && !line.ends_with('?')
            && (!line.ends_with('.') || line.ends_with("..."))
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

    proptest! {
        /// The two sets decide exactly as one set of all the patterns would.
        #[test]
        fn two_sets_decide_as_one(text in "(click here|share|on twitter|email address is being protected from spambots|subscribe|unsubscribe|all rights reserved|follow us|read more|[a-z .\n]{0,6}| ){0,6}") {
            let all = RegexSetBuilder::new(patterns()).case_insensitive(true).build().unwrap();
            let b = Boilerplate::new(patterns()).unwrap();
            prop_assert_eq!(b.is_match(&text), all.is_match(text.trim()));
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
