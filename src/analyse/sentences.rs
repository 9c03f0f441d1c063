//! Sentence boundaries inside a paragraph.
//!
//! Input: a paragraph's text and its byte offset in the document. Output: sentence spans
//! (trimmed of surrounding white space) in document coordinates. A sentence ends at `.`, `!`
//! or `?` (with any closing quotes or brackets) followed by white space and a word that starts
//! a sentence (uppercase, digit, opening quote or bracket), except after abbreviations ("e.g.",
//! "Mr.", "U.S.", initials) and ellipses ("Knowledge, awareness... Transformation!" is one
//! sentence). A line break ends a sentence after a line that reads as a heading (a short line
//! with no closing punctuation followed by a capitalised line) or that ends with `:`.
//! Does not split paragraphs: that is the segmenter's job.

/// Words that take a full stop without ending a sentence (lowercase, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "etc", "approx", "inc", "ltd", "co",
    "corp", "jr", "sr", "gen", "gov", "sen", "rep", "art", "sec", "fig", "vol", "pp", "cf", "al",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "hon",
    "rev", "dept", "est", "min", "max", "mt", "ave", "sq", "nr", "ref", "ed",
];

/// Byte spans `(start, end)` of the sentences of `text`, offset by `offset`.
pub fn split_sentences(text: &str, offset: usize) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    // Open quotations and brackets since the start of the text, kept as we go so that the
    // check stays linear in the paragraph's length.
    let mut open = OpenMarks::default();
    while i < bytes.len() {
        // Only terminators, line breaks and the first bytes of tracked marks need a look.
        if !NEEDS_LOOK[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let b = bytes[i];
        let boundary_end = match b {
            b'.' | b'!' | b'?' => terminal_end(text, i, &open),
            b'\n' => line_break_end(text, start, i),
            _ => {
                open.update(bytes, i);
                None
            }
        };
        if let Some(end) = boundary_end {
            push_trimmed(text, start, end, offset, &mut spans);
            for k in i + 1..end {
                open.update(bytes, k);
            }
            start = end;
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    push_trimmed(text, start, text.len(), offset, &mut spans);
    spans
}

/// The bytes [`split_sentences`] acts on: terminators, line breaks, and every first byte of
/// the marks tracked by [`OpenMarks`]; any other byte is passed over.
const NEEDS_LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = [b'.', b'!', b'?', b'\n', b'(', b')', 0xE2, 0xC2];
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

/// Quotation marks and brackets opened and not yet closed.
#[derive(Debug, Default)]
struct OpenMarks {
    /// Depth of “…”, «…» and (…), never below zero.
    depth: [u32; 3],
}

/// The pairs tracked by [`OpenMarks`], as UTF-8.
const MARKS: [(&str, &str); 3] = [("\u{201C}", "\u{201D}"), ("\u{AB}", "\u{BB}"), ("(", ")")];

impl OpenMarks {
    /// Counts the mark that starts at byte `i`, if any.
    fn update(&mut self, bytes: &[u8], i: usize) {
        // Every tracked mark starts with one of these bytes; most bytes are none of them.
        if !matches!(bytes[i], b'(' | b')' | 0xE2 | 0xC2) {
            return;
        }
        for (k, (open, close)) in MARKS.iter().enumerate() {
            if bytes[i..].starts_with(open.as_bytes()) {
                self.depth[k] += 1;
            } else if bytes[i..].starts_with(close.as_bytes()) {
                self.depth[k] = self.depth[k].saturating_sub(1);
            }
        }
    }
}

fn push_trimmed(
    text: &str,
    start: usize,
    end: usize,
    offset: usize,
    out: &mut Vec<(usize, usize)>,
) {
    let piece = &text[start..end];
    let trimmed_start = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.chars().any(|c| c.is_alphanumeric()) {
        let s = start + trimmed_start;
        out.push((offset + s, offset + s + trimmed.len()));
    }
}

/// If the terminator at byte `i` ends a sentence, the byte where the next one may start.
fn terminal_end(text: &str, i: usize, open: &OpenMarks) -> Option<usize> {
    let bytes = text.as_bytes();
    // The run of terminators.
    let mut j = i;
    while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?') {
        j += 1;
    }
    let run = &text[i..j];
    // Closing quotes and brackets belong to the sentence.
    let mut k = j;
    for c in text[j..].chars() {
        if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
            k += c.len_utf8();
        } else {
            break;
        }
    }
    let rest = &text[k..];
    let after_space = rest.trim_start_matches([' ', '\t', '\u{a0}']);
    if after_space.len() == rest.len() && !rest.is_empty() && !rest.starts_with(['\n', '\r']) {
        return None; // no white space after: "e.g.the", "3.5", "U.S.A"
    }
    if run.starts_with("..") {
        return None; // an ellipsis continues the sentence
    }
    if run == "." && is_abbreviation(&text[..i]) {
        return None;
    }
    if inside_open_quote(open, &text[i..k], &text[k..]) {
        return None;
    }
    let next = after_space.trim_start().chars().next();
    if k > j && next == Some('(') {
        return None; // a bracketed gloss after a quotation: “¡Vamos!” (“Let's go!”)
    }
    match next {
        None => Some(k),
        Some(c) if c.is_lowercase() => None,
        Some(_) => Some(k),
    }
}

/// True when a quotation or bracket opened in this paragraph is still open at the
/// terminator (`run` = the terminator and the closing marks after it) and closes soon after:
/// "the Campaign “No! Not you!”" stays one sentence.
fn inside_open_quote(open: &OpenMarks, run: &str, after: &str) -> bool {
    const CLOSE_WITHIN_BYTES: usize = 600;
    let window = &after.as_bytes()[..after.len().min(CLOSE_WITHIN_BYTES)];
    MARKS.iter().zip(open.depth).any(|((_, close), depth)| {
        depth > 0
            && depth > run.matches(close).count() as u32
            && memchr::memmem::find(window, close.as_bytes()).is_some()
    })
}

/// True when the word before a full stop is an abbreviation, an initial or a dotted acronym.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    if word.contains('.') {
        return true; // "e.g", "U.S", "i.e"
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
    {
        return true; // an initial: "J. Smith"
    }
    if word.is_ascii() {
        ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
    } else {
        ABBREVIATIONS.contains(&word.to_lowercase().as_str())
    }
}

/// If the line break at byte `i` ends a sentence, the byte after it.
fn line_break_end(text: &str, sentence_start: usize, i: usize) -> Option<usize> {
    let line_start = text[..i]
        .rfind('\n')
        .map_or(0, |p| p + 1)
        .max(sentence_start);
    let line = text[line_start..i].trim_end();
    if line.is_empty() {
        return None;
    }
    let next_line = text[i + 1..].trim_start();
    let next = next_line.chars().next()?;
    if line.ends_with(':') {
        return Some(i + 1);
    }
    let ends_open = line.ends_with(|c: char| c.is_alphanumeric() || c == '!' || c == '?');
    let short = line.chars().count() <= 80;
    if ends_open && short && (next.is_uppercase() || next.is_ascii_digit()) {
        return Some(i + 1);
    }
    if line.ends_with(['!', '?']) && !next.is_lowercase() {
        return Some(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sentences(text: &str) -> Vec<&str> {
        split_sentences(text, 0)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn sentence_cases() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("empty", "", &[]),
            ("white space only", "  \n ", &[]),
            (
                "two sentences",
                "We work. They help!",
                &["We work.", "They help!"],
            ),
            (
                "ellipsis does not end a sentence",
                "Knowledge, awareness... Transformation!",
                &["Knowledge, awareness... Transformation!"],
            ),
            (
                "abbreviations",
                "Mr. Smith met officials, e.g. the police. The U.S. Government was there.",
                &[
                    "Mr. Smith met officials, e.g. the police.",
                    "The U.S. Government was there.",
                ],
            ),
            (
                "question then answer",
                "How do you work? We listen.",
                &["How do you work?", "We listen."],
            ),
            (
                "closing quote",
                "She said “stop.” Then she left.",
                &["She said “stop.”", "Then she left."],
            ),
            (
                "quoted exclamations stay inside their sentence",
                "We promote the Campaign “No te dejes engañar. Porque se trata de ti!” (“Don’t let them fool you! It’s about you!”). It works.",
                &[
                    "We promote the Campaign “No te dejes engañar. Porque se trata de ti!” (“Don’t let them fool you! It’s about you!”).",
                    "It works.",
                ],
            ),
            (
                "decimal",
                "It grew 3.5 times. Yes.",
                &["It grew 3.5 times.", "Yes."],
            ),
            (
                "heading line without stop",
                "Contact Espacios de Mujer:\nBetty Pedraza Lozano – Director",
                &[
                    "Contact Espacios de Mujer:",
                    "Betty Pedraza Lozano – Director",
                ],
            ),
            (
                "wrapped prose stays one sentence",
                "women who want to change their\ndifficult living conditions.",
                &["women who want to change their\ndifficult living conditions."],
            ),
            (
                "non-ASCII",
                "Él trabaja. ¿Dónde vives?",
                &["Él trabaja.", "¿Dónde vives?"],
            ),
        ];
        for (name, text, expected) in cases {
            assert_eq!(&sentences(text), expected, "case `{name}`: {text:?}");
        }
    }

    proptest! {
        #[test]
        fn spans_are_ordered_on_char_boundaries(text in "\\PC{0,120}") {
            let mut last = 0;
            for (s, e) in split_sentences(&text, 0) {
                prop_assert!(s >= last && s < e && e <= text.len());
                prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
                last = e;
            }
        }
    }
}
