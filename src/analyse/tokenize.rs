//! Word tokens by Unicode word boundaries (UAX #29, via unicode-segmentation), with byte
//! offsets into the document, and their normal form: NFC, lowercase, `’` written `'`.
//!
//! Input: a slice of the document text and its offset. Output: [`Token`]s in text order.
//! Hyphenated words are split into their parts ("gender-based" is "gender" and "based"), as
//! UAX #29 does; apostrophes inside a word keep it whole ("women’s" is one token, normalised to
//! "women's"). Most text is ASCII, so ASCII text takes a fast path that gives exactly the
//! tokens UAX #29 gives (a property test checks this). Does not stem or drop stopwords.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::UnicodeSegmentation;

/// A word token: the byte span of its surface form in the document text.
///
/// Invariant: `start_byte < end_byte`, both on char boundaries of the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte in the document.
    pub start_byte: usize,
    /// Byte offset one past the last byte in the document.
    pub end_byte: usize,
}

/// Calls `each(start, end)` for every word of `text` (offsets relative to `text`), in order.
///
/// A word is a UAX #29 word segment holding at least one letter or digit.
pub fn for_each_word(text: &str, mut each: impl FnMut(usize, usize)) {
    for_each_word_with_form(text, |start, end, _| each(start, end));
}

/// Like [`for_each_word`], and tells each word whether it already is in normal form (ASCII
/// without uppercase letters), so that the caller copies only the words [`normalize_into`]
/// changes.
///
/// Text with non-ASCII characters (a curly apostrophe, an accented name) is segmented by
/// UAX #29 only in the pieces that hold them, the rest on the ASCII fast path. Pieces are cut
/// where an ASCII character meets ASCII whitespace (one on each side): UAX #29 always breaks
/// there and no rule looks across such a break, so the words are the same (a property test
/// checks this).
pub fn for_each_word_with_form(text: &str, mut each: impl FnMut(usize, usize, bool)) {
    let bytes = text.as_bytes();
    if text.is_ascii() {
        return ascii_words(bytes, each);
    }
    // A certain break between bytes `p - 1` and `p`.
    let breaks_at = |p: usize| {
        let (before, after) = (bytes[p - 1], bytes[p]);
        before.is_ascii()
            && after.is_ascii()
            && before.is_ascii_whitespace() != after.is_ascii_whitespace()
    };
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|b| !b.is_ascii()) {
        let non_ascii = from + offset;
        let piece_start = (from + 1..non_ascii)
            .rev()
            .find(|&p| breaks_at(p))
            .unwrap_or(from);
        let piece_end = (non_ascii + 1..bytes.len())
            .find(|&p| breaks_at(p))
            .unwrap_or(bytes.len());
        ascii_words(&bytes[from..piece_start], |s, e, normal| {
            each(from + s, from + e, normal)
        });
        for (start, word) in text[piece_start..piece_end].unicode_word_indices() {
            let normal = word
                .bytes()
                .all(|b| b.is_ascii() && !b.is_ascii_uppercase());
            each(
                piece_start + start,
                piece_start + start + word.len(),
                normal,
            );
        }
        from = piece_end;
    }
    ascii_words(&bytes[from..], |s, e, normal| {
        each(from + s, from + e, normal)
    });
}

/// The tokens of `text`, which starts at byte `offset` of the document.
pub fn tokenize(text: &str, offset: usize) -> Vec<Token> {
    let mut tokens = Vec::new();
    for_each_word(text, |s, e| {
        tokens.push(Token {
            start_byte: offset + s,
            end_byte: offset + e,
        });
    });
    tokens
}

/// Class bits of an ASCII byte, for [`ascii_words`].
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const UNDERSCORE: u8 = 4;
const UPPER: u8 = 8;
/// `:` `.` `'` join two letters (WB6/7).
const MID_LETTER: u8 = 16;
/// `,` `;` `.` `'` join two digits (WB11/12).
const MID_NUMBER: u8 = 32;
/// Bytes that belong to a word segment by themselves.
const WORD: u8 = LETTER | DIGIT | UNDERSCORE;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b'a'..=b'z' => LETTER,
            b'A'..=b'Z' => LETTER | UPPER,
            b'0'..=b'9' => DIGIT,
            b'_' => UNDERSCORE,
            b'.' | b'\'' => MID_LETTER | MID_NUMBER,
            b':' => MID_LETTER,
            b',' | b';' => MID_NUMBER,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// UAX #29 word segmentation restricted to ASCII: letters, digits and `_` join (WB5, WB8–10,
/// WB13a/b); `:` `.` `'` join two letters (WB6/7); `,` `;` `.` `'` join two digits (WB11/12).
/// Segments without a letter or digit (a lone `_`) are not words. `each` also learns whether
/// the word has no uppercase letter.
fn ascii_words(bytes: &[u8], mut each: impl FnMut(usize, usize, bool)) {
    let class = |i: usize| CLASSES[usize::from(bytes[i])];
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        if class(i) & WORD == 0 {
            i += 1;
            continue;
        }
        let start = i;
        // The union of the word's class bits.
        let mut seen = class(i);
        i += 1;
        loop {
            while i < n && class(i) & WORD != 0 {
                seen |= class(i);
                i += 1;
            }
            // A middle character joins only between two letters or two digits.
            if i + 1 < n {
                let (prev, mid, next) = (class(i - 1), class(i), class(i + 1));
                let joins = (prev & next & LETTER != 0 && mid & MID_LETTER != 0)
                    || (prev & next & DIGIT != 0 && mid & MID_NUMBER != 0);
                if joins {
                    seen |= next;
                    i += 2;
                    continue;
                }
            }
            break;
        }
        if seen & (LETTER | DIGIT) != 0 {
            each(start, i, seen & UPPER == 0);
        }
    }
}

/// Writes the normal form of `word` into `out` (cleared first): NFC, lowercase, `’` as `'`.
pub fn normalize_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    let push_lower = |out: &mut String, c: char| {
        if c == '\u{2019}' || c == '\u{2018}' || c == '\u{02BC}' {
            out.push('\'');
        } else {
            out.extend(c.to_lowercase());
        }
    };
    if is_nfc_quick(word.chars()) == IsNormalized::Yes {
        for c in word.chars() {
            push_lower(out, c);
        }
    } else {
        for c in word.nfc() {
            push_lower(out, c);
        }
    }
}

/// The normal form of `word` (see [`normalize_into`]).
pub fn normalize(word: &str) -> String {
    let mut out = String::new();
    normalize_into(word, &mut out);
    out
}

/// True when the token is a bare number ("2012", "1,048", "3.5"): not a content word.
pub fn is_number(norm: &str) -> bool {
    norm.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && norm
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'\'' | b';'))
        || (!norm.is_ascii() && norm.chars().all(|c| c.is_numeric() || c == '.' || c == ','))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for_each_word(text, |s, e| out.push(&text[s..e]));
        out
    }

    #[test]
    fn splits_like_uax29() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \n\t ", &[]),
            ("Women's rights", &["Women's", "rights"]),
            ("women’s rights", &["women’s", "rights"]),
            ("gender-based violence", &["gender", "based", "violence"]),
            (
                "U.S. and e.g. 1,048 or 3.5%",
                &["U.S", "and", "e.g", "1,048", "or", "3.5"],
            ),
            ("espacios_IWD and _", &["espacios_IWD", "and"]),
            ("Corporación Espacios", &["Corporación", "Espacios"]),
            ("article 41(1)", &["article", "41", "1"]),
        ];
        for (text, expected) in cases {
            assert_eq!(&words(text), expected, "text: {text:?}");
        }
    }

    #[test]
    fn normal_form_joins_apostrophes_and_case() {
        assert_eq!(normalize("Women’s"), "women's");
        assert_eq!(normalize("Women's"), "women's");
        assert_eq!(normalize("CORPORACIÓN"), "corporación");
        // Decomposed "é" (e + combining acute) becomes the composed form.
        assert_eq!(normalize("Corporacio\u{301}n"), "corporación");
    }

    #[test]
    fn numbers_are_recognised() {
        for n in ["2012", "1,048", "3.5", "10"] {
            assert!(is_number(n), "{n}");
        }
        for w in ["iwd1", "women", "", "a1"] {
            assert!(!is_number(w), "{w}");
        }
    }

    proptest! {
        #[test]
        fn ascii_fast_path_equals_uax29(text in "[ -~\n\t]{0,80}") {
            let fast = words(&text);
            let reference: Vec<&str> = text.unicode_words().collect();
            prop_assert_eq!(fast, reference);
        }

        #[test]
        fn ascii_fast_path_equals_uax29_on_word_like_text(text in "[a-c0-2_.,;:' -]{0,40}") {
            let fast = words(&text);
            let reference: Vec<&str> = text.unicode_words().collect();
            prop_assert_eq!(fast, reference);
        }

        /// Mixed text (ASCII with curly apostrophes, accents, combining marks, joiners,
        /// non-ASCII spaces, emoji, flags) gives exactly the words UAX #29 gives.
        #[test]
        fn mixed_text_equals_uax29(text in "[a-c0-2A_.,;:' \n\t\r’é\u{301}\u{200D}\u{3000}\u{a0}\u{2060}Ω😀\u{1F1E6}\u{5d0}\u{4e00}-]{0,60}|\\PC{0,60}") {
            let fast = words(&text);
            let reference: Vec<&str> = text.unicode_words().collect();
            prop_assert_eq!(fast, reference);
        }

        #[test]
        fn words_said_to_be_in_normal_form_are(text in "[ -~\n\t]{0,80}|[a-cA’é \u{301}]{0,40}|\\PC{0,40}") {
            for_each_word_with_form(&text, |s, e, normal| {
                let word = &text[s..e];
                if normal {
                    assert_eq!(normalize(word), word, "{text:?}");
                } else {
                    assert!(!word.is_ascii() || normalize(word) != word, "{word:?} could skip normalising");
                }
            });
        }

        #[test]
        fn tokens_slice_back_on_char_boundaries(text in "\\PC{0,60}", offset in 0usize..100) {
            let doc = format!("{}{}", "x".repeat(offset), text);
            for t in tokenize(&text, offset) {
                prop_assert!(doc.is_char_boundary(t.start_byte) && doc.is_char_boundary(t.end_byte));
                prop_assert!(t.start_byte < t.end_byte);
                let surface = &doc[t.start_byte..t.end_byte];
                prop_assert!(surface.chars().any(|c| c.is_alphanumeric()));
            }
        }
    }
}
