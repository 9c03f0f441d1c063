//! Shared lexing for the figure and year extractors: a tiny tokenizer and the English word
//! lists both need.
//!
//! Input: one sentence's text. Output: [`Token`]s with byte offsets local to that text
//! (words, numbers with their thousands separators and one decimal part, letter–digit mixes,
//! single punctuation characters), plus classification helpers over lowercase words (number
//! words, hedges, stop words, plural-looking nouns, month names, ...) and the shared
//! noun-phrase reader [`counted_phrase`].
//!
//! It does not allocate except for the token vector and the returned phrase, does not look at
//! anything outside the sentence, and knows nothing about particular organisations or places:
//! the lists are general English function words and number vocabulary.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters only (Unicode alphabetic, no ASCII digit).
    Word,
    /// ASCII digits, optionally with `,ddd` groups and one `.d+` decimal part.
    Num,
    /// Letters and digits glued together (`IWD1`, `8th`, `1990s`, `campaign2`).
    Mixed,
    /// One character that is neither whitespace nor alphanumeric.
    Punct,
}

/// One token of a sentence; offsets are local to the sentence text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// What the token is made of.
    pub kind: Kind,
    /// Whether whitespace (or the sentence start) precedes the token.
    pub space_before: bool,
    /// The character, for [`Kind::Punct`] tokens (`'\0'` otherwise).
    pub ch: char,
}

impl Token {
    /// The token's text in its sentence.
    #[inline]
    pub fn text<'a>(&self, sentence: &'a str) -> &'a str {
        sentence.get(self.start..self.end).unwrap_or("")
    }

    /// Whether this is the punctuation character `c`.
    #[inline]
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.ch == c
    }
}

/// The character at byte `i` of `text` (which must be a char boundary) and its length.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    match text.get(i..).and_then(|t| t.chars().next()) {
        Some(c) => (c, c.len_utf8()),
        None => ('\u{fffd}', 1),
    }
}

/// Tokenizes `text` into `out` (cleared first).
///
/// Works on bytes with an ASCII fast path; non-ASCII characters are decoded and classified
/// with `char::is_alphanumeric` / `char::is_whitespace`.
pub(crate) fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let digit_at = |k: usize| k < n && bytes[k].is_ascii_digit();
    let mut space = true;
    let mut i = 0;
    while i < n {
        let (c, len) = char_at(text, i);
        if c.is_whitespace() {
            space = true;
            i += len;
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Token {
                start: i,
                end: i + len,
                kind: Kind::Punct,
                space_before: space,
                ch: c,
            });
            space = false;
            i += len;
            continue;
        }
        let start = i;
        let mut has_digit = c.is_ascii_digit();
        let mut has_alpha = !has_digit;
        // Digits in the integer part so far (for `,ddd` grouping).
        let mut int_digits: usize = usize::from(has_digit);
        let mut grouped = false;
        let mut decimal = false;
        let mut last_digit = has_digit;
        // Inside a dotted sequence (`8.3.2012`) no part takes a decimal.
        let dotted = i >= 2 && bytes[i - 1] == b'.' && bytes[i - 2].is_ascii_digit();
        i += len;
        while i < n {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                let dig = b.is_ascii_digit();
                has_digit |= dig;
                has_alpha |= !dig;
                if dig && !grouped && !decimal {
                    int_digits += 1;
                }
                last_digit = dig;
                i += 1;
                continue;
            }
            if b >= 0x80 {
                let (d, dl) = char_at(text, i);
                if d.is_alphanumeric() {
                    has_alpha = true;
                    last_digit = false;
                    i += dl;
                    continue;
                }
                break;
            }
            if !(last_digit && !has_alpha && (b == b',' || b == b'.')) {
                break;
            }
            if b == b',' {
                // `1,048`: a comma followed by exactly three digits, first group of 1–3 digits.
                let ok = !decimal
                    && (grouped || int_digits <= 3)
                    && digit_at(i + 1)
                    && digit_at(i + 2)
                    && digit_at(i + 3)
                    && !digit_at(i + 4);
                if !ok {
                    break;
                }
                grouped = true;
                i += 4;
                continue;
            }
            // '.': one decimal part, but not in dotted sequences like `8.3.2012` or `3.2.1`.
            if decimal || dotted || !digit_at(i + 1) {
                break;
            }
            let mut k = i + 1;
            while digit_at(k) {
                k += 1;
            }
            if k < n && bytes[k] == b'.' && digit_at(k + 1) {
                break;
            }
            decimal = true;
            i = k;
        }
        let kind = match (has_digit, has_alpha) {
            (true, false) => Kind::Num,
            (false, _) => Kind::Word,
            (true, true) => Kind::Mixed,
        };
        out.push(Token {
            start,
            end: i,
            kind,
            space_before: space,
            ch: '\0',
        });
        space = false;
    }
}

/// Quick test: does `text` contain an ASCII digit?
#[inline]
pub(crate) fn has_ascii_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// Quick test: does `text` contain an ASCII digit or an English number word (`seven`,
/// `thirds`, `hundreds`, `half`, ...)? Cheap byte scan; no allocation.
pub(crate) fn may_hold_number(text: &str) -> bool {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let c = b[i];
        if c.is_ascii_digit() {
            return true;
        }
        if c.is_ascii_alphabetic() {
            let s = i;
            while i < n && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let len = i - s;
            // A word glued to a non-ASCII letter is part of a longer word: skip it.
            let glued = (s > 0 && b[s - 1] >= 0x80) || (i < n && b[i] >= 0x80);
            if (3..=9).contains(&len) && !glued && number_word_shape(b[s], b[i - 1], len) {
                let mut buf = [0u8; 9];
                for (k, &x) in b[s..i].iter().enumerate() {
                    buf[k] = x.to_ascii_lowercase();
                }
                if let Ok(w) = std::str::from_utf8(&buf[..len])
                    && number_word(w).is_some()
                {
                    return true;
                }
            }
            continue;
        }
        i += 1;
    }
    false
}

/// Every number word, for the shape table of [`number_word_shape`].
const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fourty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "lakh",
    "lakhs",
    "crore",
    "crores",
    "dozen",
    "dozens",
    "tens",
    "half",
    "halves",
    "third",
    "thirds",
    "quarter",
    "quarters",
    "fourth",
    "fourths",
    "fifth",
    "fifths",
    "sixth",
    "sixths",
    "seventh",
    "sevenths",
    "eighth",
    "eighths",
    "ninth",
    "ninths",
    "tenth",
    "tenths",
];

/// For each (first letter, last letter), a bit per word length of the number words: a cheap
/// test that rejects almost every ordinary word before the full comparison.
static SHAPES: std::sync::LazyLock<[[u16; 26]; 26]> = std::sync::LazyLock::new(|| {
    let mut t = [[0u16; 26]; 26];
    for w in NUMBER_WORDS {
        let b = w.as_bytes();
        let (f, l) = (usize::from(b[0] - b'a'), usize::from(b[b.len() - 1] - b'a'));
        t[f][l] |= 1 << b.len();
    }
    t
});

/// Whether an ASCII word with these first/last bytes and length can be a number word.
#[inline]
fn number_word_shape(first: u8, last: u8, len: usize) -> bool {
    let (f, l) = (first.to_ascii_lowercase(), last.to_ascii_lowercase());
    if !f.is_ascii_lowercase() || !l.is_ascii_lowercase() || len >= 16 {
        return false;
    }
    SHAPES[usize::from(f - b'a')][usize::from(l - b'a')] & (1 << len) != 0
}

/// Lowercases an ASCII word (into `buf` when it has capitals); returns `""` for words that
/// are too long or hold non-ASCII characters (no list below contains such words).
#[inline]
pub(crate) fn lower<'a>(word: &'a str, buf: &'a mut [u8; 24]) -> &'a str {
    let b = word.as_bytes();
    if b.len() > buf.len() || !b.is_ascii() {
        return "";
    }
    if !b.iter().any(u8::is_ascii_uppercase) {
        return word;
    }
    for (k, &x) in b.iter().enumerate() {
        buf[k] = x.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).unwrap_or("")
}

/// Whether a token's text can be a number word (cheap shape test, no lowercasing).
#[inline]
pub(crate) fn maybe_number_word(word: &str) -> bool {
    let b = word.as_bytes();
    (3..=9).contains(&b.len()) && number_word_shape(b[0], b[b.len() - 1], b.len())
}

/// A number word's meaning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NumberWord {
    /// `zero` … `nineteen`.
    Unit(u32),
    /// `twenty` … `ninety`.
    Ten(u32),
    /// `hundred`, `thousand`, `million`, `billion`, `lakh`, `crore`, `dozen`; `plural` for
    /// `hundreds` etc.
    Scale { value: f64, plural: bool },
    /// `tens` (as in `tens of thousands`).
    Tens,
    /// `half` / `halves`.
    Half,
    /// `third(s)`, `quarter(s)`, `fourth(s)`, `fifth(s)` … `tenth(s)`.
    Fraction { denominator: u32, plural: bool },
}

/// Classifies a lowercase word as a number word.
pub(crate) fn number_word(w: &str) -> Option<NumberWord> {
    use NumberWord::*;
    let scale = |value: f64, plural: bool| Some(Scale { value, plural });
    let frac = |denominator: u32, plural: bool| {
        Some(Fraction {
            denominator,
            plural,
        })
    };
    match w {
        "zero" => Some(Unit(0)),
        "one" => Some(Unit(1)),
        "two" => Some(Unit(2)),
        "three" => Some(Unit(3)),
        "four" => Some(Unit(4)),
        "five" => Some(Unit(5)),
        "six" => Some(Unit(6)),
        "seven" => Some(Unit(7)),
        "eight" => Some(Unit(8)),
        "nine" => Some(Unit(9)),
        "ten" => Some(Unit(10)),
        "eleven" => Some(Unit(11)),
        "twelve" => Some(Unit(12)),
        "thirteen" => Some(Unit(13)),
        "fourteen" => Some(Unit(14)),
        "fifteen" => Some(Unit(15)),
        "sixteen" => Some(Unit(16)),
        "seventeen" => Some(Unit(17)),
        "eighteen" => Some(Unit(18)),
        "nineteen" => Some(Unit(19)),
        "twenty" => Some(Ten(20)),
        "thirty" => Some(Ten(30)),
        "forty" | "fourty" => Some(Ten(40)),
        "fifty" => Some(Ten(50)),
        "sixty" => Some(Ten(60)),
        "seventy" => Some(Ten(70)),
        "eighty" => Some(Ten(80)),
        "ninety" => Some(Ten(90)),
        "hundred" => scale(100.0, false),
        "hundreds" => scale(100.0, true),
        "thousand" => scale(1e3, false),
        "thousands" => scale(1e3, true),
        "million" => scale(1e6, false),
        "millions" => scale(1e6, true),
        "billion" => scale(1e9, false),
        "billions" => scale(1e9, true),
        "lakh" => scale(1e5, false),
        "lakhs" => scale(1e5, true),
        "crore" => scale(1e7, false),
        "crores" => scale(1e7, true),
        "dozen" => scale(12.0, false),
        "dozens" => scale(12.0, true),
        "tens" => Some(Tens),
        "half" | "halves" => Some(Half),
        "third" => frac(3, false),
        "thirds" => frac(3, true),
        "quarter" => frac(4, false),
        "quarters" => frac(4, true),
        "fourth" => frac(4, false),
        "fourths" => frac(4, true),
        "fifth" => frac(5, false),
        "fifths" => frac(5, true),
        "sixth" => frac(6, false),
        "sixths" => frac(6, true),
        "seventh" => frac(7, false),
        "sevenths" => frac(7, true),
        "eighth" => frac(8, false),
        "eighths" => frac(8, true),
        "ninth" => frac(9, false),
        "ninths" => frac(9, true),
        "tenth" => frac(10, false),
        "tenths" => frac(10, true),
        _ => None,
    }
}

/// Month names and their common abbreviations (lowercase).
pub(crate) fn is_month(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// A month name written as one (capitalised, so that `may`/`march` as verbs do not count).
pub(crate) fn is_month_token(tok: &Token, sentence: &str) -> bool {
    let t = tok.text(sentence);
    if tok.kind != Kind::Word || !t.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    let mut buf = [0u8; 24];
    is_month(lower(t, &mut buf))
}

/// Words that introduce a numbered item: the number after them is an identifier, not a
/// quantity (`article 41`, `Module 2`, `page 5`, `No. 3`).
pub(crate) fn is_identifier_marker(w: &str) -> bool {
    is_phone_line_word(w)
        || matches!(
            w,
            "article"
                | "articles"
                | "art"
                | "section"
                | "sections"
                | "sec"
                | "module"
                | "modules"
                | "chapter"
                | "chapters"
                | "paragraph"
                | "paragraphs"
                | "para"
                | "clause"
                | "clauses"
                | "subsection"
                | "schedule"
                | "annex"
                | "appendix"
                | "item"
                | "items"
                | "page"
                | "pages"
                | "pp"
                | "p"
                | "no"
                | "nos"
                | "number"
                | "vol"
                | "volume"
                | "issue"
                | "table"
                | "figure"
                | "fig"
                | "step"
                | "phase"
                | "part"
                | "grade"
                | "class"
                | "room"
                | "box"
                | "rule"
                | "regulation"
                | "goal"
                | "goals"
                | "target"
                | "indicator"
                | "principle"
                | "recommendation"
                | "resolution"
                | "decree"
                | "law"
                | "title"
                | "tier"
                | "stage"
                | "round"
                | "lesson"
                | "question"
                | "q"
                | "line"
                | "version"
                | "v"
                | "ward"
                | "zone"
                | "route"
                | "highway"
                | "floor"
                | "flat"
                | "apartment"
                | "block"
                | "plot"
                | "gate"
                | "terminal"
                | "channel"
                | "sdg"
                | "sdgs"
                | "level"
                | "unit"
                | "session"
                | "episode"
                | "season"
                | "rank"
                | "ranked"
                | "code"
                | "file"
                | "ref"
                | "reference"
                | "id"
                | "ext"
                | "extension"
                | "po"
                | "pobox"
        )
}

/// Names of a phone line (`tel`, `hotline`): the digits after them are a phone number, and
/// an identifier, not a quantity.
fn is_phone_line_word(w: &str) -> bool {
    matches!(
        w,
        "tel"
            | "phone"
            | "telephone"
            | "fax"
            | "mobile"
            | "cell"
            | "hotline"
            | "helpline"
            | "whatsapp"
    )
}

/// Words that say the digits after them are a phone number.
pub(crate) fn is_phone_word(w: &str) -> bool {
    is_phone_line_word(w) || matches!(w, "call" | "dial" | "sms" | "contact" | "ph")
}

/// Hedges, longest first: each is a sequence of lowercase words that can stand right before
/// a number (`more than 5000`, `around 743`). "just", "only", "a total of" are emphasis, not
/// hedges; from `no more than` only `more than` is the hedge.
pub(crate) const HEDGES: &[&[&str]] = &[
    &["a", "little", "more", "than"],
    &["a", "little", "less", "than"],
    &["a", "little", "over"],
    &["a", "little", "under"],
    &["as", "little", "as"],
    &["in", "excess", "of"],
    &["as", "many", "as"],
    &["as", "much", "as"],
    &["as", "few", "as"],
    &["more", "than"],
    &["less", "than"],
    &["fewer", "than"],
    &["greater", "than"],
    &["at", "least"],
    &["at", "most"],
    &["up", "to"],
    &["close", "to"],
    &["upwards", "of"],
    &["upward", "of"],
    &["around"],
    &["about"],
    &["approximately"],
    &["approx"],
    &["roughly"],
    &["some"],
    &["almost"],
    &["nearly"],
    &["over"],
    &["above"],
    &["under"],
    &["below"],
    &["circa"],
    &["estimated"],
    &["more"],
];

/// Determiners and possessives skipped between `of` and a noun (`10% of the victims`).
pub(crate) fn is_np_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "these"
            | "those"
            | "this"
            | "that"
            | "their"
            | "our"
            | "its"
            | "his"
            | "her"
            | "my"
            | "your"
            | "all"
            | "such"
            | "either"
            | "both"
            | "whose"
    )
}

/// Function words and frequent verbs/adverbs that end (or prevent) a counted noun phrase.
pub(crate) fn is_stop_word(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "this"
            | "that"
            | "these"
            | "those"
            | "my"
            | "your"
            | "his"
            | "her"
            | "its"
            | "our"
            | "their"
            | "i"
            | "we"
            | "you"
            | "he"
            | "she"
            | "it"
            | "they"
            | "me"
            | "us"
            | "him"
            | "them"
            | "who"
            | "whom"
            | "whose"
            | "which"
            | "what"
            | "where"
            | "when"
            | "why"
            | "how"
            | "there"
            | "here"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "as"
            | "than"
            | "then"
            | "so"
            | "if"
            | "because"
            | "while"
            | "although"
            | "though"
            | "whether"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "from"
            | "with"
            | "without"
            | "by"
            | "about"
            | "into"
            | "onto"
            | "over"
            | "under"
            | "between"
            | "among"
            | "amongst"
            | "through"
            | "throughout"
            | "during"
            | "before"
            | "after"
            | "above"
            | "below"
            | "across"
            | "against"
            | "within"
            | "per"
            | "via"
            | "around"
            | "toward"
            | "towards"
            | "upon"
            | "since"
            | "until"
            | "till"
            | "like"
            | "unlike"
            | "each"
            | "every"
            | "all"
            | "both"
            | "either"
            | "neither"
            | "any"
            | "some"
            | "no"
            | "not"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "being"
            | "am"
            | "have"
            | "has"
            | "had"
            | "having"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "shall"
            | "should"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "also"
            | "only"
            | "just"
            | "still"
            | "already"
            | "now"
            | "yet"
            | "even"
            | "ever"
            | "never"
            | "always"
            | "often"
            | "annually"
            | "daily"
            | "weekly"
            | "monthly"
            | "yearly"
            | "ago"
            | "later"
            | "earlier"
            | "respectively"
            | "altogether"
            | "too"
            | "very"
            | "less"
            | "fewer"
            | "out"
            | "up"
            | "down"
            | "off"
            | "away"
            | "back"
            | "again"
            | "instead"
            | "however"
            | "therefore"
            | "thus"
            | "hence"
            | "including"
            | "include"
            | "includes"
            | "included"
            | "became"
            | "become"
            | "becomes"
            | "remain"
            | "remained"
            | "remains"
            | "get"
            | "got"
            | "went"
            | "came"
            | "said"
            | "says"
            | "say"
            | "whereas"
            | "another"
            | "else"
            | "etc"
            | "ie"
            | "eg"
            | "vs"
            | "versus"
            | "plus"
            | "minus"
            | "old"
            | "aged"
            | "ages"
            | "age"
            | "total"
            | "last"
            | "next"
            | "past"
            | "recently"
            | "currently"
            | "together"
    )
}

/// Frequent verbs that are rarely nouns: third-person `-s` forms (`brings`, `provides`) and
/// irregular past tenses (`told`, `went`). They end a counted noun phrase.
pub(crate) fn is_common_verb(w: &str) -> bool {
    matches!(
        w,
        "brings"
            | "makes"
            | "takes"
            | "gives"
            | "provides"
            | "includes"
            | "remains"
            | "becomes"
            | "seems"
            | "goes"
            | "comes"
            | "gets"
            | "keeps"
            | "says"
            | "tells"
            | "lasts"
            | "receives"
            | "allows"
            | "enables"
            | "requires"
            | "involves"
            | "contains"
            | "continues"
            | "depends"
            | "describes"
            | "explains"
            | "leads"
            | "reaches"
            | "sends"
            | "serves"
            | "stays"
            | "belongs"
            | "happens"
            | "occurs"
            | "exists"
            | "appears"
            | "believes"
            | "knows"
            | "thinks"
            | "feels"
            | "lives"
            | "earns"
            | "pays"
            | "wants"
            | "told"
            | "said"
            | "went"
            | "came"
            | "took"
            | "gave"
            | "made"
            | "found"
            | "felt"
            | "knew"
            | "thought"
            | "saw"
            | "sent"
            | "spent"
            | "kept"
            | "held"
            | "brought"
            | "bought"
            | "ran"
            | "began"
            | "wrote"
            | "fell"
            | "grew"
            | "met"
            | "led"
            | "fled"
            | "stood"
            | "won"
            | "lost"
            | "paid"
            | "sold"
            | "left"
    )
}

/// Units of time and money-like measures (`hours`, `years`, `euros`): a figure counting them
/// is a measure, a weaker source for an elided noun.
pub(crate) fn is_unit_word(w: &str) -> bool {
    matches!(
        w,
        "second"
            | "seconds"
            | "minute"
            | "minutes"
            | "hour"
            | "hours"
            | "day"
            | "days"
            | "night"
            | "nights"
            | "week"
            | "weeks"
            | "month"
            | "months"
            | "year"
            | "years"
            | "decade"
            | "decades"
            | "times"
            | "km"
            | "kilometres"
            | "kilometers"
            | "miles"
            | "metres"
            | "meters"
            | "kg"
            | "kilos"
            | "euros"
            | "dollars"
            | "pesos"
            | "pounds"
            | "usd"
            | "eur"
    )
}

/// Ordinary descriptive adjectives dropped in front of the counted noun (`1581 different
/// cases` → `cases`). Classifying adjectives that form categories (`domestic workers`,
/// `young people`, `safe houses`, `migrant workers`) are deliberately not here.
pub(crate) fn is_dropped_adjective(w: &str) -> bool {
    matches!(
        w,
        "different"
            | "other"
            | "various"
            | "several"
            | "many"
            | "more"
            | "most"
            | "additional"
            | "further"
            | "extra"
            | "new"
            | "old"
            | "separate"
            | "distinct"
            | "individual"
            | "similar"
            | "same"
            | "respective"
            | "overall"
            | "main"
            | "major"
            | "minor"
            | "key"
            | "important"
            | "significant"
            | "large"
            | "small"
            | "big"
            | "huge"
            | "great"
            | "high"
            | "low"
            | "good"
            | "bad"
            | "best"
            | "worst"
            | "better"
            | "worse"
            | "specific"
            | "particular"
            | "certain"
            | "whole"
            | "entire"
            | "full"
            | "real"
            | "actual"
            | "potential"
            | "possible"
            | "probable"
            | "likely"
            | "current"
            | "former"
            | "previous"
            | "recent"
            | "existing"
            | "official"
            | "available"
            | "total"
            | "active"
            | "successful"
            | "serious"
            | "severe"
            | "common"
            | "typical"
            | "average"
            | "approximate"
            | "alleged"
            | "so-called"
            | "own"
            | "only"
            | "first"
            | "second"
            | "last"
            | "final"
            | "initial"
            | "original"
            | "vulnerable"
            | "poor"
            | "such"
            | "long"
            | "short"
            | "full-time"
            | "part-time"
            | "consecutive"
            | "straight"
            | "brave"
            | "dedicated"
    )
}

/// Whether the word looks like a participle (`identified`, `trafficking`): dropped in front
/// of a noun, and a phrase boundary after one.
pub(crate) fn is_participle(w: &str) -> bool {
    (w.len() > 4 && w.ends_with("ed")) || (w.len() > 5 && w.ends_with("ing"))
}

/// Whether a word (lowercase) looks like a plural noun: irregular plurals and `-s` words that
/// are not `-ss`, `-us`, `-is` or `-'s`.
pub(crate) fn is_plural_like(w: &str) -> bool {
    if matches!(
        w,
        "people"
            | "children"
            | "women"
            | "men"
            | "persons"
            | "police"
            | "staff"
            | "personnel"
            | "youth"
            | "feet"
            | "teeth"
            | "mice"
            | "geese"
            | "data"
            | "media"
            | "criteria"
            | "phenomena"
            | "cattle"
            | "livestock"
            | "folk"
            | "offspring"
            | "clergy"
            | "crew"
            | "sheep"
            | "fish"
    ) {
        return true;
    }
    w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !w.ends_with("ous")
        && !matches!(
            w,
            "news"
                | "series"
                | "species"
                | "means"
                | "always"
                | "perhaps"
                | "overseas"
                | "whereas"
                | "besides"
                | "towards"
                | "afterwards"
                | "sometimes"
                | "nowadays"
                | "upstairs"
                | "downstairs"
                | "abroad"
                | "regardless"
                | "unless"
                | "thus"
        )
}

/// Plural nouns for events and documents that take a year as modifier (`the 2013 elections`),
/// so a 4-digit year before them is still a year.
pub(crate) fn is_year_modified_noun(w: &str) -> bool {
    matches!(
        w,
        "elections"
            | "election"
            | "games"
            | "olympics"
            | "floods"
            | "riots"
            | "protests"
            | "reforms"
            | "amendments"
            | "accords"
            | "talks"
            | "statistics"
            | "figures"
            | "data"
            | "estimates"
            | "results"
            | "findings"
            | "budgets"
            | "guidelines"
            | "regulations"
            | "standards"
            | "targets"
            | "goals"
            | "celebrations"
            | "commitments"
            | "negotiations"
            | "polls"
            | "earthquakes"
            | "crises"
            | "events"
            | "activities"
            | "campaigns"
            | "reports"
            | "records"
            | "accounts"
            | "revisions"
            | "amendment"
            | "sessions"
            | "priorities"
            | "recommendations"
            | "policies"
            | "plans"
    )
}

/// Whether `c` is a currency symbol written before a number (`$500`); the figure counts
/// the symbol as written.
pub(crate) fn is_currency_symbol(c: char) -> bool {
    matches!(
        c,
        '$' | '€' | '£' | '¥' | '₹' | '৳' | '₨' | '₱' | '₦' | '₺' | '₩' | '₫' | '₪'
    )
}

/// Currency codes and abbreviations written before a number (`USD 3,000`, `Rs. 500`).
pub(crate) fn is_currency_code(w: &str) -> bool {
    matches!(
        w,
        "usd"
            | "us$"
            | "eur"
            | "gbp"
            | "inr"
            | "npr"
            | "bdt"
            | "kes"
            | "ksh"
            | "kshs"
            | "cop"
            | "ron"
            | "lei"
            | "rs"
            | "tk"
            | "chf"
            | "aud"
            | "cad"
            | "jpy"
            | "cny"
            | "thb"
            | "php"
            | "idr"
            | "myr"
            | "zar"
            | "ugx"
            | "tzs"
            | "ngn"
            | "lbp"
            | "qar"
            | "aed"
            | "sar"
    )
}

/// A word at `k` continued by tight hyphens (`anti-trafficking`, `walk-in`): its byte span and
/// last token.
fn hyphenated(toks: &[Token], k: usize) -> (usize, usize, usize) {
    let mut end_tok = k;
    while toks
        .get(end_tok + 1)
        .is_some_and(|h| (h.is_punct('-') || h.is_punct('‐')) && !h.space_before)
        && toks
            .get(end_tok + 2)
            .is_some_and(|w| w.kind == Kind::Word && !w.space_before)
    {
        end_tok += 2;
    }
    (toks[k].start, toks[end_tok].end, end_tok)
}

/// The content word after token `k` (space-separated, not a stop or number word), if any, and
/// whether it looks plural.
fn next_word(s: &str, toks: &[Token], k: usize) -> Option<(usize, bool)> {
    let n = toks.get(k + 1)?;
    if n.kind != Kind::Word || !n.space_before {
        return None;
    }
    let (ws, we, _) = hyphenated(toks, k + 1);
    let text = s.get(ws..we).unwrap_or("");
    let mut b2 = [0u8; 24];
    let l2 = lower(text, &mut b2);
    if l2.is_empty() {
        return Some((k + 1, false));
    }
    if is_stop_word(l2) || is_common_verb(l2) || number_word(l2).is_some() {
        return None;
    }
    let acronym_plural = text.len() >= 3
        && text.ends_with('s')
        && text[..text.len() - 1].chars().all(|c| c.is_uppercase());
    Some((k + 1, is_plural_like(l2) || acronym_plural))
}

/// The counted noun phrase starting at token `k` (right after a number expression), as the
/// guidelines define it: optionally through `of` (+ determiners and a possessor), skipping
/// ordinary adjectives, participles and capitalised (demonym) modifiers; up to the first
/// plural-looking noun, which ends the phrase (`domestic workers`, `young people`,
/// `45 minutes session` → `minutes`). When no plural is found and `singular` is false (the
/// number is above one), the first word is the counted noun (`a 15 member committee` →
/// `member`); when `singular` is true (one, fractions, percentages) the whole phrase is.
///
/// Returns the phrase lowercase and the index of the token after it.
pub(crate) fn counted_phrase(
    s: &str,
    toks: &[Token],
    mut k: usize,
    singular: bool,
    through_of: bool,
) -> Option<(String, usize)> {
    let mut buf = [0u8; 24];
    let word_at = |k: usize| -> Option<&Token> {
        toks.get(k)
            .filter(|t| t.kind == Kind::Word || t.kind == Kind::Mixed)
    };
    // `of` (+ determiners, possessor) linking a fraction/percentage to its noun.
    if through_of
        && let Some(t) = word_at(k)
        && lower(t.text(s), &mut buf) == "of"
    {
        k += 1;
        while let Some(t) = word_at(k) {
            if is_np_determiner(lower(t.text(s), &mut buf)) {
                k += 1;
            } else {
                break;
            }
        }
        // Possessor: `the country’s population` → skip `country’s`.
        if word_at(k).is_some()
            && toks
                .get(k + 1)
                .is_some_and(|t| (t.is_punct('’') || t.is_punct('\'')) && !t.space_before)
            && toks
                .get(k + 2)
                .is_some_and(|t| !t.space_before && t.text(s).eq_ignore_ascii_case("s"))
            && word_at(k + 3).is_some()
        {
            k += 3;
        }
    }
    let mut words: Vec<(usize, usize)> = Vec::new(); // byte spans of the kept words
    let mut plural_end = false;
    while let Some(t) = toks.get(k) {
        if t.kind != Kind::Word || words.len() >= 3 {
            break;
        }
        let (ws, we, end_tok) = hyphenated(toks, k);
        let text = s.get(ws..we).unwrap_or("");
        let lw_owned;
        let lw: &str = {
            let l = lower(text, &mut buf);
            if l.is_empty() {
                lw_owned = text.to_lowercase();
                &lw_owned
            } else {
                l
            }
        };
        if is_stop_word(lw)
            || is_common_verb(lw)
            || number_word(lw).is_some()
            || is_month(lw) && words.is_empty()
        {
            break;
        }
        let next = next_word(s, toks, end_tok);
        let next_is_word = next.is_some();
        let next_plural = next.is_some_and(|(_, plural)| plural);
        let first = text.chars().next().unwrap_or(' ');
        let all_caps = text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && text
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase());
        let acronym_plural = text.len() >= 3
            && text.ends_with('s')
            && text[..text.len() - 1]
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase());
        if words.is_empty()
            && first.is_uppercase()
            && !all_caps
            && !acronym_plural
            && !is_plural_like(lw)
            && next_is_word
        {
            // Capitalised modifier (demonym, proper adjective) in front: `Colombian women`.
            k = end_tok + 1;
            continue;
        }
        if is_dropped_adjective(lw) {
            if words.is_empty() && next_is_word {
                k = end_tok + 1;
                continue;
            }
            break;
        }
        if is_participle(lw) {
            // `1048 identified victims`, but not `204 reported unpaid wages` (a verb).
            if words.is_empty() && next_plural {
                k = end_tok + 1;
                continue;
            }
            if !words.is_empty() || lw.ends_with("ed") || !next_is_word {
                break;
            }
        }
        words.push((ws, we));
        k = end_tok + 1;
        if is_plural_like(lw) || acronym_plural {
            plural_end = true;
            break;
        }
        if !next_is_word {
            break;
        }
    }
    // Coordinated plural nouns: `women and girls`.
    if plural_end {
        let mut b2 = [0u8; 24];
        let conj = toks
            .get(k)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| lower(t.text(s), &mut b2) == "and" || lower(t.text(s), &mut b2) == "or")
            .unwrap_or(false)
            || toks.get(k).is_some_and(|t| t.is_punct('&'));
        if conj
            && let Some(t) = toks.get(k + 1)
            && t.kind == Kind::Word
            && t.text(s).starts_with(|c: char| c.is_lowercase())
        {
            let (ws, we, end_tok) = hyphenated(toks, k + 1);
            let lw = s.get(ws..we).unwrap_or("").to_lowercase();
            // The noun phrase must end there (or a participle follows: `girls arriving`).
            let ends_here = match next_word(s, toks, end_tok) {
                None => true,
                Some((n, _)) => {
                    let mut b3 = [0u8; 24];
                    is_participle(lower(toks[n].text(s), &mut b3))
                }
            };
            if is_plural_like(&lw) && !is_stop_word(&lw) && !is_common_verb(&lw) && ends_here {
                words.push((ws, we));
                k = end_tok + 1;
            }
        }
    }
    if words.is_empty() {
        return None;
    }
    let pick: &[(usize, usize)] = if plural_end || singular {
        &words
    } else {
        &words[..1]
    };
    let mut out = String::new();
    // Join the kept words with one space (skipped modifiers between them are left out); a
    // coordinated noun keeps its conjunction (`women and girls`).
    for (n, &(ws, we)) in pick.iter().enumerate() {
        if n > 0 {
            let gap = s.get(pick[n - 1].1..ws).unwrap_or(" ").trim();
            let mut b3 = [0u8; 24];
            let g = lower(gap, &mut b3);
            if matches!(g, "and" | "or" | "&") {
                out.push(' ');
                out.push_str(g);
            }
            out.push(' ');
        }
        out.push_str(&s.get(ws..we).unwrap_or("").to_lowercase());
    }
    Some((out, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(String, Kind)> {
        let mut v = Vec::new();
        tokenize(s, &mut v);
        v.iter().map(|t| (t.text(s).to_string(), t.kind)).collect()
    }

    #[test]
    fn numbers_keep_separators() {
        let k = kinds("1,048 and 1.5 and 2012.The 8.3.2012 IWD1 x");
        let texts: Vec<&str> = k.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "1,048", "and", "1.5", "and", "2012", ".", "The", "8", ".", "3", ".", "2012",
                "IWD1", "x"
            ]
        );
        assert_eq!(k[12].1, Kind::Mixed);
    }

    #[test]
    fn comma_needs_three_digits() {
        let k = kinds("2011,2012 1,5 12,345,678");
        let texts: Vec<&str> = k.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["2011", ",", "2012", "1", ",", "5", "12,345,678"]);
    }

    #[test]
    fn prefilter() {
        assert!(may_hold_number("seven safe houses"));
        assert!(may_hold_number("Two thirds"));
        assert!(may_hold_number("in 2012"));
        assert!(!may_hold_number("someone has done it often"));
        assert!(!may_hold_number(""));
        assert!(!may_hold_number("Médecins sans frontières"));
    }

    #[test]
    fn shape_table_covers_every_number_word() {
        for w in NUMBER_WORDS {
            assert!(
                number_word(w).is_some(),
                "{w} is in NUMBER_WORDS but not number_word"
            );
            assert!(may_hold_number(w), "{w}");
        }
    }

    #[test]
    fn empty_and_unicode() {
        let mut v = Vec::new();
        tokenize("", &mut v);
        assert!(v.is_empty());
        tokenize("  \u{a0}ü–ß ١٢ ", &mut v);
        assert_eq!(v.len(), 4);
    }
}
