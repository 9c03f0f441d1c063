//! Segmentation: a [`Document`] becomes [`Unit`]s, one per interview where the document has
//! interview headings, else one for the whole document.
//!
//! Each unit gets its organisation, country, interviewees and title (from `metadata.csv` when
//! given, else detected; the `*_source` fields say which), and its paragraphs with their role
//! (`question`, `answer`, `text`), with page boilerplate cut away. Text before the first
//! heading's title (a site header) belongs to no unit.
//!
//! Detection, in order of trust:
//! - organisation and interviewees: the heading ("Interview with NAME, ORGANISATION",
//!   "An interview with NAME of ORGANISATION", "Summary of conversation with ...");
//! - country: a country named in the title outside the organisation's name ("WOREC, Nepal:
//!   ..."), then a country inside the organisation's own name ("FIDA-Kenya"), then the places
//!   the unit is about (the first place named in the unit's opening paragraphs, else the most
//!   named one).
//!
//! Does not tokenize or analyse; does not read files.

mod boilerplate;
mod heading;

use std::collections::BTreeMap;

use crate::config::SegmentConfig;
use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::record::{Document, Paragraph, Role, Source, Unit};

pub use boilerplate::{Boilerplate, debris_end};
pub use heading::{Heading, parse_heading};

/// Splits documents into units with the configured rules.
#[derive(Debug, Clone)]
pub struct Segmenter {
    config: SegmentConfig,
}

/// A line of the document: its span without the line ending.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

/// Title lines are at most this long (in words).
const TITLE_MAX_WORDS: usize = 30;

impl Segmenter {
    /// A segmenter with these rules.
    pub fn new(config: SegmentConfig) -> Segmenter {
        Segmenter { config }
    }

    /// The units of `document`, in order.
    pub fn segment(&self, document: &Document) -> Vec<Unit> {
        let text = document.text.as_str();
        let lines = split_lines(text);
        // In text order, so sorted: looked up by binary search.
        let repeated = boilerplate::repeated_lines(text, &lines_spans(&lines));
        // Find headings.
        let mut starts: Vec<(usize, Option<usize>, Heading)> = Vec::new(); // (heading line, title line, heading)
        for (i, line) in lines.iter().enumerate() {
            let content = &text[line.start..line.end];
            if let Some(h) = parse_heading(&self.config.headings, content, line.start) {
                let title =
                    self.title_before(text, &lines, i, &repeated, starts.last().map(|s| s.0));
                starts.push((i, title, h));
            }
        }
        let mut units = Vec::new();
        if starts.is_empty() {
            let first = lines.first().map_or(0, |l| l.start);
            let end = text.trim_end().len();
            let title = lines
                .iter()
                .find(|l| !text[l.start..l.end].trim().is_empty())
                .map(|l| text[l.start..l.end].trim())
                .filter(|t| is_title_like(t))
                .map(str::to_string);
            let mut unit =
                self.build_unit(document, 0, first.min(end), end, title, None, &repeated);
            if unit.start_byte >= unit.end_byte {
                unit.paragraphs.clear();
            }
            units.push(unit);
        } else {
            for (k, (heading_line, title_line, heading)) in starts.iter().enumerate() {
                let first_line = title_line.unwrap_or(*heading_line);
                let start = lines[first_line].start;
                let end = match starts.get(k + 1) {
                    Some((next_heading, next_title, _)) => {
                        lines[next_title.unwrap_or(*next_heading)].start
                    }
                    None => text.len(),
                };
                let end = start + text[start..end].trim_end().len();
                let title =
                    title_line.map(|t| text[lines[t].start..lines[t].end].trim().to_string());
                units.push(self.build_unit(
                    document,
                    k as u32,
                    start,
                    end,
                    title,
                    Some(heading.clone()),
                    &repeated,
                ));
            }
        }
        units
    }

    /// The title line of the heading at line `i`: the nearest non-empty line above it, if it
    /// reads as a title and is not part of the previous unit's heading.
    fn title_before(
        &self,
        text: &str,
        lines: &[Line],
        i: usize,
        repeated: &[(usize, usize)],
        previous_heading: Option<usize>,
    ) -> Option<usize> {
        let mut j = i;
        let mut blank = 0;
        while j > 0 {
            j -= 1;
            if previous_heading == Some(j) {
                return None;
            }
            let content = text[lines[j].start..lines[j].end].trim();
            if content.is_empty() {
                blank += 1;
                if blank > 3 {
                    return None;
                }
                continue;
            }
            if repeated
                .binary_search(&(lines[j].start, lines[j].end))
                .is_ok()
                || self.config.boilerplate.is_match(content)
            {
                return None;
            }
            return is_title_like(content).then_some(j);
        }
        None
    }

    #[allow(clippy::too_many_arguments)] // one call site; the pieces are all distinct
    fn build_unit(
        &self,
        document: &Document,
        index: u32,
        start: usize,
        end: usize,
        title: Option<String>,
        heading: Option<Heading>,
        repeated: &[(usize, usize)],
    ) -> Unit {
        let text = document.text.as_str();
        let heading_span = heading.as_ref().map(|h| (h.line_start, h.line_end));
        let (paragraphs, structural) =
            self.paragraphs(text, start, end, heading_span, title.is_some(), repeated);
        let (mut organisation, mut organisation_source) = match &heading {
            Some(h) if !h.organisation.is_empty() => {
                (Some(h.organisation.clone()), Source::Heading)
            }
            _ => (None, Source::None),
        };
        let interviewees = heading
            .as_ref()
            .map(|h| h.people.clone())
            .unwrap_or_default();
        let (mut country, mut country_source) = detect_country(
            text,
            title.as_deref(),
            organisation.as_deref(),
            &paragraphs[structural..],
        );
        let mut extra = BTreeMap::new();
        let meta = document
            .metadata
            .all_units
            .iter()
            .chain(document.metadata.by_unit.get(&index).into_iter().flatten());
        for (key, value) in meta {
            match key.as_str() {
                "organisation" => {
                    organisation = Some(value.clone());
                    organisation_source = Source::Metadata;
                }
                "country" => {
                    country = Some(
                        Gazetteer::builtin()
                            .country(value)
                            .map_or_else(|| value.clone(), str::to_string),
                    );
                    country_source = Source::Metadata;
                }
                _ => {
                    extra.insert(key.clone(), value.clone());
                }
            }
        }
        Unit {
            id: format!("{}#{}", document.name, index),
            document: document.name.clone(),
            index,
            organisation,
            organisation_source,
            country,
            country_source,
            interviewees,
            title,
            start_byte: start,
            end_byte: end,
            paragraphs,
            extra,
        }
    }

    /// Paragraphs of `text[start..end]`: blank-line separated blocks, a block split further at
    /// line ends that close a sentence or a heading; debris and boilerplate cut; roles given.
    fn paragraphs(
        &self,
        text: &str,
        start: usize,
        end: usize,
        heading: Option<(usize, usize)>,
        has_title: bool,
        repeated: &[(usize, usize)],
    ) -> (Vec<Paragraph>, usize) {
        let mut spans: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, is_heading_or_title)
        let mut current: Option<(usize, usize)> = None;
        let mut first_content = true;
        for line in split_lines(&text[start..end]) {
            let (ls, le) = (start + line.start, start + line.end);
            let content = &text[ls..le];
            let is_structural = heading.is_some_and(|(hs, he)| ls <= hs && he <= le)
                || (has_title && first_content && !content.trim().is_empty());
            if content.trim().is_empty()
                || repeated.binary_search(&(ls, le)).is_ok()
                || is_structural
            {
                if let Some((s, e)) = current.take() {
                    spans.push((s, e, false));
                }
                if is_structural {
                    spans.push((ls, le, true));
                }
                if !content.trim().is_empty() {
                    first_content = false;
                }
                continue;
            }
            first_content = false;
            current = match current {
                Some((s, e)) if !closes_paragraph(&text[s..e]) => Some((s, le)),
                Some((s, e)) => {
                    spans.push((s, e, false));
                    Some((ls, le))
                }
                None => Some((ls, le)),
            };
        }
        if let Some((s, e)) = current {
            spans.push((s, e, false));
        }
        let mut paragraphs = Vec::new();
        let mut structural_count = 0;
        let mut mode = Role::Text;
        for (s, e, structural) in spans {
            let (s, e) = trim_span(text, s, e);
            let s = s + debris_end(&text[s..e]);
            let (s, e) = trim_span(text, s, e);
            if s >= e {
                continue;
            }
            let content = &text[s..e];
            if structural {
                structural_count += 1;
                paragraphs.push(Paragraph {
                    start_byte: s,
                    end_byte: e,
                    role: Role::Text,
                });
                continue;
            }
            // The cheap test first: most paragraphs have a full stop.
            if memchr::memchr2(b'.', b'?', content.as_bytes()).is_none()
                && self.config.boilerplate.is_match(content)
            {
                continue;
            }
            let role = if is_question(content) {
                mode = Role::Answer;
                Role::Question
            } else if is_section_label(content) {
                if content.ends_with(':') && is_title_cased(content) {
                    mode = Role::Text;
                }
                Role::Text
            } else {
                mode
            };
            paragraphs.push(Paragraph {
                start_byte: s,
                end_byte: e,
                role,
            });
        }
        (paragraphs, structural_count)
    }
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        lines.push(Line { start, end });
        start = i + 1;
    }
    if start < text.len() {
        lines.push(Line {
            start,
            end: text.len(),
        });
    }
    lines
}

fn lines_spans(lines: &[Line]) -> Vec<(usize, usize)> {
    lines.iter().map(|l| (l.start, l.end)).collect()
}

fn trim_span(text: &str, s: usize, e: usize) -> (usize, usize) {
    let piece = &text[s..e];
    let lead = piece.len() - piece.trim_start().len();
    (s + lead, s + lead + piece.trim().len())
}

/// A title reads as a short line that does not end like a sentence of prose.
fn is_title_like(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    words > 0
        && words <= TITLE_MAX_WORDS
        && !line.ends_with(['.', '?', ',', ';'])
        && !line.ends_with(':')
        && line.chars().next().is_some_and(|c| !c.is_lowercase())
}

/// A line ends its paragraph when it closes a sentence or reads as a heading.
fn closes_paragraph(block: &str) -> bool {
    let last = block.rsplit('\n').next().unwrap_or(block).trim_end();
    last.ends_with(['.', '!', '?', ':', '"', '”', ')'])
        || (!last.ends_with(',') && count_words_up_to(last, 11) <= 10)
}

/// Questions are at most this long (in words).
const QUESTION_MAX_WORDS: usize = 150;

/// How the interviewer's short requests begin, lowercase.
const REQUESTS: [&str; 9] = [
    "please can you",
    "please could you",
    "please tell",
    "please share",
    "please describe",
    "please explain",
    "tell us",
    "describe ",
    "explain ",
];

/// The interviewer's question: a paragraph whose last sentence asks, or a short request
/// ("Please can you share ...", "Tell us about ...").
fn is_question(paragraph: &str) -> bool {
    // The cheap tests first; words are counted only for a paragraph that asks or requests.
    let trimmed = paragraph
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '”' | '’' | ')'));
    if trimmed.ends_with('?')
        && count_words_up_to(paragraph, QUESTION_MAX_WORDS + 1) <= QUESTION_MAX_WORDS
    {
        return true;
    }
    // Lowercasing maps each character to one or more, so the lowercase of the first
    // characters begins the lowercase of the whole: enough of them for the longest request.
    let longest = REQUESTS.iter().map(|p| p.len()).max().unwrap_or(0);
    let start = paragraph.trim_start();
    let head = start
        .char_indices()
        .nth(longest)
        .map_or(start, |(i, _)| &start[..i]);
    let lower = head.to_lowercase();
    REQUESTS.iter().any(|p| lower.starts_with(p)) && count_words_up_to(paragraph, 61) <= 60
}

/// The number of words of `text` (as `split_whitespace` counts them), counted up to `limit`
/// (more are not looked at). ASCII text is counted byte by byte.
pub(crate) fn count_words_up_to(text: &str, limit: usize) -> usize {
    if limit == 0 {
        return 0;
    }
    if !text.is_ascii() {
        return text.split_whitespace().take(limit).count();
    }
    // The ASCII characters `char::is_whitespace` accepts: tab, line feed, vertical tab, form
    // feed, carriage return and space.
    const WHITESPACE: u64 =
        1 << b'\t' | 1 << b'\n' | 1 << 0x0b | 1 << 0x0c | 1 << b'\r' | 1 << b' ';
    let mut words = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let space = b <= b' ' && WHITESPACE >> b & 1 == 1;
        if !space && !in_word {
            words += 1;
            if words >= limit {
                break;
            }
        }
        in_word = !space;
    }
    words
}

/// Most words capitalised ("Contact Espacios de Mujer:", "VAW Campaign:"), unlike a sentence
/// that introduces a list ("The school applies the following modules:").
fn is_title_cased(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    capitalised * 2 >= words.len()
}

/// A short label inside a unit ("Contact Espacios de Mujer:", "VAW Campaign:", a sub-title).
fn is_section_label(paragraph: &str) -> bool {
    (paragraph.ends_with(':') || !paragraph.ends_with(['.', '"', '”', ')']))
        && count_words_up_to(paragraph, 11) <= 10
}

/// Detects the unit's country: title, then organisation name, then places.
fn detect_country(
    text: &str,
    title: Option<&str>,
    organisation: Option<&str>,
    paragraphs: &[Paragraph],
) -> (Option<String>, Source) {
    let gazetteer = Gazetteer::builtin();
    let country_in = |s: &str| {
        gazetteer
            .find_places(s)
            .into_iter()
            .find(|m| m.kind == PlaceKind::Country)
            .and_then(|m| m.country)
    };
    if let Some(title) = title {
        // The organisation's own name inside the title does not count as the title's country.
        let outside = match organisation {
            Some(org) if !org.is_empty() => title.replace(org, " "),
            _ => title.to_string(),
        };
        if let Some(c) = country_in(&outside) {
            return (Some(c.to_string()), Source::Title);
        }
    }
    if let Some(c) = organisation.and_then(country_in) {
        return (Some(c.to_string()), Source::Organisation);
    }
    // Places the unit is about: the first country (or place in a country) of the opening
    // paragraphs, which introduce the organisation; else the most named country.
    let body: Vec<&Paragraph> = paragraphs
        .iter()
        .filter(|p| p.role != Role::Question)
        .collect();
    let opening_end = body
        .iter()
        .position(|p| p.role == Role::Answer)
        .unwrap_or(body.len())
        .max(1);
    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new(); // country -> (count, first position)
    let mut position = 0;
    for (k, p) in body.iter().enumerate() {
        for m in gazetteer.find_places(&text[p.start_byte..p.end_byte]) {
            if let Some(c) = m.country {
                if k < opening_end {
                    return (Some(c.to_string()), Source::Places);
                }
                let entry = counts.entry(c).or_insert((0, position));
                entry.0 += 1;
                position += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map_or((None, Source::None), |(c, _)| {
            (Some(c.to_string()), Source::Places)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `is_question` as first written: every word counted, the whole paragraph lowercased.
    fn is_question_plain(paragraph: &str) -> bool {
        let trimmed = paragraph
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '”' | '’' | ')'));
        let words = paragraph.split_whitespace().count();
        if trimmed.ends_with('?') && words <= QUESTION_MAX_WORDS {
            return true;
        }
        let lower = paragraph.trim_start().to_lowercase();
        words <= 60 && REQUESTS.iter().any(|p| lower.starts_with(p))
    }

    #[test]
    fn lines_are_split_at_line_feeds_without_carriage_returns() {
        let spans = |text: &str| lines_spans(&split_lines(text));
        assert_eq!(spans("a\r\nbc\n\nd"), [(0, 1), (3, 5), (6, 6), (7, 8)]);
        assert_eq!(spans("a\n"), [(0, 1)]);
        assert_eq!(spans("\r\n"), [(0, 0)]);
        assert_eq!(spans("x\ry"), [(0, 3)]);
        assert!(spans("").is_empty());
    }

    #[test]
    fn questions_and_requests() {
        assert!(is_question("What does your organisation do?"));
        assert!(is_question("  PLEASE Tell us about your work."));
        assert!(is_question("Describe the project"));
        assert!(!is_question("We describe the project."));
        let long = format!("{} ?", "word ".repeat(151));
        assert!(!is_question(&long));
        let long_request = format!("Please tell {}", "word ".repeat(60));
        assert!(!is_question(&long_request));
    }

    proptest! {
        #[test]
        fn words_are_counted_as_split_whitespace_counts(
            text in "[ \t\n\x0b\x0c\r\u{85}\u{a0}\u{2009}\u{3000}aZé.?]{0,40}",
            limit in 0usize..14,
        ) {
            prop_assert_eq!(
                count_words_up_to(&text, limit),
                text.split_whitespace().take(limit).count()
            );
        }

        #[test]
        fn questions_are_found_as_before(
            words in proptest::collection::vec(
                "(please|PLEASE|Please|can|could|you|tell|Tell|us|describe|explain|İ|Σ|K|the|[a-zß]{1,4})",
                0..70,
            ),
            space in "[ \t\n\u{a0}]",
            end in "(\\?|\\.|\\?”|\\?\\)|)",
        ) {
            let paragraph = format!("{}{end}", words.join(&space));
            prop_assert_eq!(is_question(&paragraph), is_question_plain(&paragraph));
        }
    }
}
