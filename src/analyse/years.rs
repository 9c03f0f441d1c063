//! Year mentions: calendar years, year ranges and decades stated in sentences.
//!
//! Input: the sentences of one unit ([`SentenceRef`]s, slices of the document text).
//! Output: [`YearMention`]s sorted by `start_byte`, spans in document coordinates.
//!
//! What counts as a year:
//! - a four-digit number from 1900 to 2100 (inclusive; the range is [`MIN_YEAR`]..=[`MAX_YEAR`])
//!   that is not a quantity. It is a quantity when a plural count noun follows (`2000 people`,
//!   `2000 young people`) unless a year preposition (`in`, `since`, `until`, `during`,
//!   `before`, `after`, `by`, …), a month or a determiner (`the 2013 elections`) precedes or the
//!   noun is one that takes a year (`elections`, `statistics`, …); when a percent sign or word,
//!   a scale word (`2000 million`) or a currency follows or precedes; or when a hedge precedes
//!   (`over 2000`, `more than 2000`; `around 2010` stays a year unless a count noun follows).
//!   A bare number in the range with none of this is a year (`(2010)`, `Act 2010`,
//!   `March 2011`, `FPAR 2009 initiative`).
//! - ranges, as ONE mention with `range_end`: `2009 to 2012`, `2009-2012`, `2009–2012`,
//!   `2009 until 2012`, `2011-12`, fiscal `2019/20`, and with `between`: `between 2009 and
//!   2012`, `between July 2011 and June 2012` (span `2011 and June 2012`). Two years joined by
//!   `and` without `between` are two mentions. The end must be later than the start.
//! - decades: `1990s`, `1990’s`, `the 90s`, `’90s` (year 1990, `range_end` 1999, `is_decade`).
//! - the year of a numeric date (`08/03/2012`, `2012-03-08`, `3/2012`).
//!
//! Not years: numbers glued to letters or file names (`IWD2012`, `COVID-2019`), numbers after
//! identifier words (`article 1990`, `No. 2001`), phone numbers, comma-grouped numbers
//! (`2,000`). Two-digit years (`’12`) and spelled-out years are not recognised.

use super::SentenceRef;
use super::numeric_lexer::{
    HEDGES, Kind, Token, counted_phrase, has_ascii_digit, is_currency_code, is_currency_symbol,
    is_identifier_marker, is_month_token, is_phone_word, is_plural_like, is_year_modified_noun,
    lower, number_word, tokenize,
};

/// Smallest year recognised.
pub const MIN_YEAR: i32 = 1900;
/// Largest year recognised.
pub const MAX_YEAR: i32 = 2100;

/// One year mention (a year, a range of years or a decade) in a sentence.
///
/// Invariant: `&document[start_byte..end_byte] == text`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct YearMention {
    /// Index of the sentence within its unit ([`SentenceRef::index`]).
    pub sentence_index: u32,
    /// The year, or the first year of a range or decade.
    pub year: i32,
    /// The last year of a range (`2009 to 2012` → 2012) or decade (`1990s` → 1999).
    pub range_end: Option<i32>,
    /// Whether the mention is a decade (`1990s`).
    pub is_decade: bool,
    /// The mention as written (`2012`, `2009 to 2012`, `2011 and June 2012`, `1990s`).
    pub text: String,
    /// Byte offset of the mention in the document text.
    pub start_byte: usize,
    /// Byte offset just past the mention in the document text.
    pub end_byte: usize,
}

/// What a token was used for by the year scan (the figure extractor skips used tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Not used.
    Free,
    /// Part of a year mention (the year, a range connector, a month inside a range).
    Year,
    /// Part of a numeric date (day or month number).
    Date,
}

/// A year mention with sentence-local byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalYear {
    pub year: i32,
    pub range_end: Option<i32>,
    pub is_decade: bool,
    pub start: usize,
    pub end: usize,
}

/// Finds year mentions in sentences. Built once, `Send + Sync`; holds no state.
#[derive(Debug, Clone, Default)]
pub struct YearExtractor {
    _private: (),
}

impl YearExtractor {
    /// Builds the extractor.
    pub fn new() -> Self {
        Self { _private: () }
    }

    /// Year mentions of `sentences`, sorted by `start_byte`.
    ///
    /// Sentences without an ASCII digit are skipped after one byte scan.
    pub fn extract(&self, sentences: &[SentenceRef<'_>]) -> Vec<YearMention> {
        let mut out = Vec::new();
        let mut toks = Vec::new();
        let mut roles = Vec::new();
        for sentence in sentences {
            let s = sentence.text;
            if !has_ascii_digit(s) {
                continue;
            }
            tokenize(s, &mut toks);
            for y in self.scan(s, &toks, &mut roles) {
                out.push(YearMention {
                    sentence_index: sentence.index,
                    year: y.year,
                    range_end: y.range_end,
                    is_decade: y.is_decade,
                    text: s.get(y.start..y.end).unwrap_or("").to_string(),
                    start_byte: sentence.start_byte + y.start,
                    end_byte: sentence.start_byte + y.end,
                });
            }
        }
        out.sort_by_key(|y| (y.start_byte, y.end_byte));
        out
    }

    /// Scans one tokenized sentence; fills `roles` (one per token) and returns the mentions
    /// in text order.
    pub(crate) fn scan(&self, s: &str, toks: &[Token], roles: &mut Vec<Role>) -> Vec<LocalYear> {
        roles.clear();
        roles.resize(toks.len(), Role::Free);
        let mut found = Vec::new();
        numeric_dates(s, toks, roles, &mut found);
        let mut i = 0;
        while i < toks.len() {
            if roles[i] != Role::Free {
                i += 1;
                continue;
            }
            let t = toks[i];
            let next = match t.kind {
                Kind::Mixed => decade_mixed(s, toks, i, &mut found),
                Kind::Num => year_at(s, toks, i, roles, &mut found),
                _ => None,
            };
            match next {
                Some(end_tok) => {
                    for r in roles.iter_mut().take(end_tok + 1).skip(i) {
                        *r = Role::Year;
                    }
                    i = end_tok + 1;
                }
                None => i += 1,
            }
        }
        found.sort_by_key(|y| y.start);
        found
    }
}

/// The plain integer value of a 1–4 digit token without separators or leading zero
/// (`None` for `2,000`, `1.5`, `0123`).
pub(crate) fn plain_int(s: &str, t: &Token) -> Option<i32> {
    let txt = t.text(s);
    if t.kind != Kind::Num
        || txt.is_empty()
        || txt.len() > 9
        || !txt.bytes().all(|b| b.is_ascii_digit())
        || (txt.len() > 1 && txt.starts_with('0'))
    {
        return None;
    }
    txt.parse().ok()
}

/// A four-digit year in range, as an integer.
fn year_value(s: &str, t: &Token) -> Option<i32> {
    let v = plain_int(s, t)?;
    (t.end - t.start == 4 && (MIN_YEAR..=MAX_YEAR).contains(&v)).then_some(v)
}

/// Whether tokens `a` and `b` touch (no whitespace between).
fn glued(toks: &[Token], b: usize) -> bool {
    toks.get(b).is_some_and(|t| !t.space_before)
}

fn word_lower<'b>(s: &'b str, t: Option<&Token>, buf: &'b mut [u8; 24]) -> &'b str {
    match t {
        Some(t) if t.kind == Kind::Word => lower(t.text(s), buf),
        _ => "",
    }
}

/// Numeric dates `d/m/yyyy`, `d.m.yyyy`, `d-m-yyyy`, `yyyy-mm-dd` and `m/yyyy`: the year part
/// becomes a mention, the other parts [`Role::Date`].
fn numeric_dates(s: &str, toks: &[Token], roles: &mut [Role], found: &mut Vec<LocalYear>) {
    let n = toks.len();
    let mut i = 0;
    while i + 2 < n {
        let sep = toks[i + 1];
        let three = i + 4 < n
            && toks[i].kind == Kind::Num
            && sep.kind == Kind::Punct
            && matches!(sep.ch, '/' | '.' | '-')
            && glued(toks, i + 1)
            && glued(toks, i + 2)
            && toks[i + 2].kind == Kind::Num
            && toks[i + 3].is_punct(sep.ch)
            && glued(toks, i + 3)
            && glued(toks, i + 4)
            && toks[i + 4].kind == Kind::Num;
        if three {
            let parts = [i, i + 2, i + 4];
            let small = |k: usize| {
                plain_int(s, &toks[k]).is_some_and(|v| (1..=31).contains(&v))
                    || toks[k].text(s).len() == 2
            };
            let year_tok = if year_value(s, &toks[i]).is_some() && small(i + 2) && small(i + 4) {
                Some(i)
            } else if year_value(s, &toks[i + 4]).is_some() && small(i) && small(i + 2) {
                Some(i + 4)
            } else if small(i) && small(i + 2) && small(i + 4) {
                None
            } else {
                i += 1;
                continue;
            };
            for k in parts {
                roles[k] = Role::Date;
            }
            roles[i + 1] = Role::Date;
            roles[i + 3] = Role::Date;
            if let Some(y) = year_tok {
                roles[y] = Role::Year;
                if let Some(v) = year_value(s, &toks[y]) {
                    found.push(LocalYear {
                        year: v,
                        range_end: None,
                        is_decade: false,
                        start: toks[y].start,
                        end: toks[y].end,
                    });
                }
            }
            i += 5;
            continue;
        }
        // `3/2012`: month / year.
        if toks[i].kind == Kind::Num
            && sep.is_punct('/')
            && glued(toks, i + 1)
            && glued(toks, i + 2)
            && plain_int(s, &toks[i]).is_some_and(|v| (1..=12).contains(&v))
            && toks[i].end - toks[i].start <= 2
            && !(i > 0 && toks[i - 1].kind != Kind::Punct && glued(toks, i))
            && let Some(v) = year_value(s, &toks[i + 2])
        {
            roles[i] = Role::Date;
            roles[i + 1] = Role::Date;
            roles[i + 2] = Role::Year;
            found.push(LocalYear {
                year: v,
                range_end: None,
                is_decade: false,
                start: toks[i + 2].start,
                end: toks[i + 2].end,
            });
            i += 3;
            continue;
        }
        i += 1;
    }
}

/// `1990s` (a [`Kind::Mixed`] token) and `90s` after an apostrophe, `the`, `early`, `mid` or
/// `late`. Returns the last token of the mention.
fn decade_mixed(s: &str, toks: &[Token], i: usize, found: &mut Vec<LocalYear>) -> Option<usize> {
    let t = &toks[i];
    let txt = t.text(s);
    let digits = txt.strip_suffix(['s', 'S'])?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = match digits.len() {
        4 => digits.parse::<i32>().ok()?,
        2 => {
            let prev_ok = i > 0 && {
                let p = &toks[i - 1];
                let mut buf = [0u8; 24];
                ((p.is_punct('’') || p.is_punct('\'')) && !t.space_before)
                    || matches!(
                        word_lower(s, Some(p), &mut buf),
                        "the" | "early" | "mid" | "late"
                    )
            };
            if !prev_ok {
                return None;
            }
            let dd: i32 = digits.parse().ok()?;
            if dd >= 30 { 1900 + dd } else { 2000 + dd }
        }
        _ => return None,
    };
    if year % 10 != 0 || !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    // Glued to letters before (`abc-1990s` is fine; `x1990s` is one Mixed token already).
    found.push(LocalYear {
        year,
        range_end: Some(year + 9),
        is_decade: true,
        start: t.start,
        end: t.end,
    });
    Some(i)
}

/// Words after which a four-digit number is a year even if a plural noun follows.
fn is_year_preposition(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "until"
            | "till"
            | "during"
            | "before"
            | "after"
            | "by"
            | "year"
            | "years"
            | "circa"
            | "early"
            | "mid"
            | "late"
            | "fiscal"
            | "fy"
            | "spring"
            | "summer"
            | "autumn"
            | "fall"
            | "winter"
            | "the"
            | "this"
            | "that"
            | "its"
            | "their"
            | "our"
            | "his"
            | "her"
            | "these"
            | "those"
    )
}

/// The hedge (`more than`, `around`) ending right before token `i`, as token range start.
pub(crate) fn hedge_before(
    s: &str,
    toks: &[Token],
    i: usize,
) -> Option<(usize, &'static [&'static str])> {
    let mut buf = [0u8; 24];
    'hedges: for h in HEDGES {
        if i < h.len() {
            continue;
        }
        let first = i - h.len();
        for (k, w) in h.iter().enumerate() {
            let t = &toks[first + k];
            if t.kind != Kind::Word || lower(t.text(s), &mut buf) != *w {
                continue 'hedges;
            }
        }
        return Some((first, h));
    }
    None
}

/// Whether the token before `i` says the number is money (`$2000`, `USD 2000`).
pub(crate) fn currency_before(s: &str, toks: &[Token], i: usize) -> Option<String> {
    let p = toks.get(i.checked_sub(1)?)?;
    if p.kind == Kind::Punct && is_currency_symbol(p.ch) {
        // `$500`: the symbol as written.
        return Some(p.ch.to_string());
    }
    let mut buf = [0u8; 24];
    // `Rs. 500`
    let (w, _) = if p.is_punct('.') && i >= 2 {
        (toks.get(i - 2)?, i - 2)
    } else {
        (p, i - 1)
    };
    let lw = word_lower(s, Some(w), &mut buf);
    if !lw.is_empty() && is_currency_code(lw) {
        return Some(lw.to_string());
    }
    None
}

/// Whether `w` is an identifier marker as used before the number at token `i`: `article 5`,
/// or an abbreviation with a dot (`No. 5`, `p. 5`).
pub(crate) fn identifier_before(s: &str, toks: &[Token], i: usize) -> bool {
    let mut buf = [0u8; 24];
    let Some(p) = i.checked_sub(1).and_then(|k| toks.get(k)) else {
        return false;
    };
    if p.kind == Kind::Word {
        let lw = lower(p.text(s), &mut buf);
        // `no`/`nos`/`p` only with a dot or colon (`No. 5`), not `no 5 women`.
        return is_identifier_marker(lw) && !matches!(lw, "no" | "nos" | "p" | "pp" | "q" | "v");
    }
    if (p.is_punct('.') || p.is_punct(':') || p.is_punct('#')) && i >= 2 {
        let w = &toks[i - 2];
        if p.is_punct('#') {
            return true;
        }
        if w.kind == Kind::Word && !p.space_before {
            let lw = lower(w.text(s), &mut buf);
            return is_identifier_marker(lw);
        }
    }
    false
}

/// Whether a phone number is near: a `+` glued before, or a phone word shortly before with
/// only punctuation or `no`/`number`/`on`/`at`/`us` between (`Tel: 0123`, `call us on 0800`).
pub(crate) fn phone_context(s: &str, toks: &[Token], i: usize) -> bool {
    if i > 0 && toks[i - 1].is_punct('+') {
        return true;
    }
    let mut buf = [0u8; 24];
    let mut k = i;
    for _ in 0..4 {
        if k == 0 {
            return false;
        }
        k -= 1;
        let t = &toks[k];
        if t.is_punct('+')
            && toks
                .get(k + 1)
                .is_some_and(|n| n.kind == Kind::Num && !n.space_before)
        {
            return true;
        }
        if t.kind == Kind::Punct || t.kind == Kind::Num {
            continue;
        }
        if t.kind != Kind::Word {
            return false;
        }
        let lw = lower(t.text(s), &mut buf);
        if is_phone_word(lw) {
            return true;
        }
        if !matches!(
            lw,
            "no" | "number" | "nr" | "on" | "at" | "us" | "me" | "our" | "the"
        ) {
            return false;
        }
    }
    false
}

/// Whether the token at `k` is a percent sign/word or a scale word (`%`, `percent`, `per
/// cent`, `thousand`).
fn quantity_after(s: &str, toks: &[Token], k: usize) -> bool {
    let Some(t) = toks.get(k) else {
        return false;
    };
    if t.is_punct('%') {
        return true;
    }
    let mut buf = [0u8; 24];
    let lw = word_lower(s, Some(t), &mut buf);
    matches!(lw, "percent" | "pct" | "per")
        && (lw != "per" || {
            let mut b2 = [0u8; 24];
            word_lower(s, toks.get(k + 1), &mut b2) == "cent"
        })
        || matches!(
            number_word(lw),
            Some(super::numeric_lexer::NumberWord::Scale { .. })
        )
}

/// Tries a year (or range, or `1990’s` decade) at token `i`; returns the last token used.
fn year_at(
    s: &str,
    toks: &[Token],
    i: usize,
    roles: &[Role],
    found: &mut Vec<LocalYear>,
) -> Option<usize> {
    let y = year_value(s, &toks[i])?;
    let t = toks[i];
    let mut buf = [0u8; 24];
    // Glued before: `COVID-2019`, `#2012`, `+2012`, `file_2012`.
    if i > 0 && !t.space_before {
        let p = &toks[i - 1];
        let glued_to_word = i >= 2
            && !p.space_before
            && matches!(toks[i - 2].kind, Kind::Word | Kind::Mixed | Kind::Num);
        if p.kind != Kind::Punct
            || matches!(p.ch, '+' | '#' | '@' | '_' | '\\' | '=' | '&')
            || (matches!(p.ch, '-' | '.' | '/' | ':') && glued_to_word)
        {
            return None;
        }
    }
    // Glued after: `2012.jpg`, `2012@x`, `2012_x`.
    if let Some(nx) = toks.get(i + 1)
        && !nx.space_before
        && (matches!(nx.ch, '@' | '_')
            || (nx.is_punct('.')
                && toks.get(i + 2).is_some_and(|w| {
                    !w.space_before
                        && w.kind == Kind::Word
                        && w.text(s).starts_with(|c: char| c.is_lowercase())
                })))
    {
        return None;
    }
    // Decade written `1990’s`.
    if y % 10 == 0
        && let (Some(a), Some(b)) = (toks.get(i + 1), toks.get(i + 2))
        && (a.is_punct('’') || a.is_punct('\''))
        && !a.space_before
        && !b.space_before
        && b.kind == Kind::Word
        && b.text(s).eq_ignore_ascii_case("s")
        && !toks
            .get(i + 3)
            .is_some_and(|c| !c.space_before && c.kind == Kind::Word)
    {
        found.push(LocalYear {
            year: y,
            range_end: Some(y + 9),
            is_decade: true,
            start: t.start,
            end: b.end,
        });
        return Some(i + 2);
    }
    if let Some((end_tok, end_year)) = range_end(s, toks, i, y, roles) {
        found.push(LocalYear {
            year: y,
            range_end: Some(end_year),
            is_decade: false,
            start: t.start,
            end: toks[end_tok].end,
        });
        return Some(end_tok);
    }
    if identifier_before(s, toks, i) || phone_context(s, toks, i) {
        return None;
    }
    if currency_before(s, toks, i).is_some() || quantity_after(s, toks, i + 1) {
        return None;
    }
    let prev = i.checked_sub(1).and_then(|k| toks.get(k));
    let prev_w = word_lower(s, prev, &mut buf).to_string();
    let strong = is_year_preposition(&prev_w) || prev.is_some_and(|p| is_month_token(p, s));
    let count_noun = !strong
        && counted_phrase(s, toks, i + 1, false, false).is_some_and(|(phrase, _)| {
            let last = phrase.rsplit(' ').next().unwrap_or("");
            is_plural_like(last) && !is_year_modified_noun(last)
        });
    if count_noun {
        return None;
    }
    if let Some((_, h)) = hedge_before(s, toks, i)
        && !matches!(
            h,
            ["around"] | ["about"] | ["approximately"] | ["approx"] | ["circa"] | ["roughly"]
        )
    {
        return None;
    }
    found.push(LocalYear {
        year: y,
        range_end: None,
        is_decade: false,
        start: t.start,
        end: t.end,
    });
    Some(i)
}

/// Whether `between` stands before the year at `i` (directly, or before its month and day).
fn between_before(s: &str, toks: &[Token], i: usize) -> bool {
    let mut k = i;
    let mut buf = [0u8; 24];
    // Skip `July`, `1 July`, `July 1,`.
    for _ in 0..3 {
        if k == 0 {
            return false;
        }
        let p = &toks[k - 1];
        if is_month_token(p, s) || p.kind == Kind::Num || p.is_punct(',') {
            k -= 1;
        } else {
            break;
        }
    }
    k > 0 && word_lower(s, toks.get(k - 1), &mut buf) == "between"
}

/// A range continuing after the year `y` at token `i`: returns the last token and the end year.
fn range_end(s: &str, toks: &[Token], i: usize, y: i32, roles: &[Role]) -> Option<(usize, i32)> {
    let sep = toks.get(i + 1)?;
    let mut buf = [0u8; 24];
    let sep_word = word_lower(s, Some(sep), &mut buf).to_string();
    let dash = sep.kind == Kind::Punct && matches!(sep.ch, '-' | '–' | '—' | '‐' | '‑' | '/');
    let word_sep = matches!(
        sep_word.as_str(),
        "to" | "until" | "till" | "through" | "thru"
    ) || ((sep_word == "and" || sep.is_punct('&')) && between_before(s, toks, i));
    if !dash && !word_sep {
        return None;
    }
    let mut k = i + 2;
    // `2017 and the end of 2019`, `2011 to early 2012`.
    if word_sep {
        let mut b2 = [0u8; 24];
        let mut b3 = [0u8; 24];
        let w0 = word_lower(s, toks.get(k), &mut b2).to_string();
        if w0 == "the"
            && matches!(
                word_lower(s, toks.get(k + 1), &mut b3),
                "end"
                    | "beginning"
                    | "start"
                    | "middle"
                    | "close"
                    | "spring"
                    | "summer"
                    | "autumn"
                    | "fall"
                    | "winter"
            )
            && word_lower(s, toks.get(k + 2), &mut b2) == "of"
        {
            k += 3;
        } else if matches!(w0.as_str(), "early" | "late" | "mid") {
            k += 1;
            if toks.get(k).is_some_and(|t| t.is_punct('-')) {
                k += 1;
            }
        }
    }
    // `between July 2011 and June 2012`, `2011 to March 2012`: an optional month (and day).
    if word_sep && toks.get(k).is_some_and(|t| is_month_token(t, s)) {
        k += 1;
        if toks.get(k).is_some_and(|t| {
            plain_int(s, t).is_some_and(|v| (1..=31).contains(&v)) && t.end - t.start <= 2
        }) {
            k += 1;
            if toks.get(k).is_some_and(|t| t.is_punct(',')) {
                k += 1;
            }
        }
    }
    let e = toks.get(k)?;
    if roles.get(k) != Some(&Role::Free) || e.kind != Kind::Num {
        return None;
    }
    // Not a year glued on to something else (`2009-2012-03`).
    if toks
        .get(k + 1)
        .is_some_and(|n| !n.space_before && (n.kind != Kind::Punct || matches!(n.ch, '-' | '/')))
        && toks
            .get(k + 2)
            .is_some_and(|n| n.kind == Kind::Num && !n.space_before)
    {
        return None;
    }
    if let Some(end) = year_value(s, e) {
        return (end > y).then_some((k, end));
    }
    // `2011-12`, `2019/20`: two digits, written tight.
    let dd = plain_int(s, e).or_else(|| {
        let txt = e.text(s);
        (txt.len() == 2 && txt.bytes().all(|b| b.is_ascii_digit()))
            .then(|| txt.parse().ok())
            .flatten()
    })?;
    if !dash || e.end - e.start != 2 || sep.space_before || e.space_before {
        return None;
    }
    let mut end = y - y % 100 + dd;
    if end <= y {
        end += 100;
    }
    (end > y && end - y < 100 && end <= MAX_YEAR).then_some((k, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(text: &str) -> Vec<(String, i32, Option<i32>, bool)> {
        let s = [SentenceRef {
            index: 0,
            start_byte: 0,
            text,
        }];
        YearExtractor::new()
            .extract(&s)
            .into_iter()
            .map(|y| (y.text, y.year, y.range_end, y.is_decade))
            .collect()
    }

    fn one(text: &str, span: &str, year: i32, end: Option<i32>) {
        let got = years(text);
        assert_eq!(
            got,
            vec![(span.to_string(), year, end, false)],
            "sentence: {text:?}\nhelp: see the rules in the module docs of years.rs"
        );
    }

    #[test]
    fn plain_years() {
        one(
            "In 2012, 7 (seven) Colombian women were identified.",
            "2012",
            2012,
            None,
        );
        one("It has been ongoing since 2005.", "2005", 2005, None);
        one("the Constitution (2010) which stated", "2010", 2010, None);
        one(
            "the Anti- Trafficking in Persons Act 2010.",
            "2010",
            2010,
            None,
        );
        one(
            "ahead of the 2013 elections women remain",
            "2013",
            2013,
            None,
        );
        one(
            "Since March 2011, Association Pro Refugiu started",
            "2011",
            2011,
            None,
        );
        one("In 2012 women began to migrate.", "2012", 2012, None);
    }

    #[test]
    fn quantities_are_not_years() {
        assert!(years("More than 2000 people have been trained.").is_empty());
        assert!(years("They trained 2000 young people.").is_empty());
        assert!(years("around 2,000 women").is_empty());
        assert!(years("over 2000").is_empty());
        assert!(years("2000 dollars and 1999 euros").is_empty());
        assert!(years("see IWD2012 and campaign2012.jpg").is_empty());
        assert!(years("Call +44 2012 3456 now").is_empty());
        assert!(years("article 1990 of the code").is_empty());
        assert!(years("20% rise, 2012%").is_empty());
    }

    #[test]
    fn ranges() {
        one(
            "the 2009 to 2012 Regional Programme",
            "2009 to 2012",
            2009,
            Some(2012),
        );
        one("in 2009-2012 we", "2009-2012", 2009, Some(2012));
        one("in 2009–2012 we", "2009–2012", 2009, Some(2012));
        one(
            "from 2009 until 2012 we",
            "2009 until 2012",
            2009,
            Some(2012),
        );
        one(
            "in just one year, between July 2011 and June 2012, WOREC registered",
            "2011 and June 2012",
            2011,
            Some(2012),
        );
        one("between 2009 and 2012", "2009 and 2012", 2009, Some(2012));
        one("the 2011-12 budget", "2011-12", 2011, Some(2012));
        one("fiscal year 2019/20", "2019/20", 2019, Some(2020));
        one("the 1999-00 season", "1999-00", 1999, Some(2000));
        assert_eq!(years("Data from 2011 and 2012 reveal").len(), 2);
        assert_eq!(years("from 2012 to 2009").len(), 2);
    }

    #[test]
    fn decades_and_dates() {
        assert_eq!(
            years("in the 1990s and the 80s and ’70s"),
            vec![
                ("1990s".to_string(), 1990, Some(1999), true),
                ("80s".to_string(), 1980, Some(1989), true),
                ("70s".to_string(), 1970, Some(1979), true)
            ]
        );
        assert!(years("women in their 20s").is_empty());
        assert_eq!(years("since the 1990’s")[0].0, "1990’s");
        one("on 08/03/2012 we", "2012", 2012, None);
        one("on 2012-03-08 we", "2012", 2012, None);
        one("in 3/2012 we", "2012", 2012, None);
    }

    /// One table-driven case of `testdata/years/*.toml`.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Case {
        name: String,
        text: String,
        #[serde(default)]
        year: Vec<Expected>,
    }

    /// An expected year mention; omitted keys mean none / false.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Expected {
        text: String,
        year: i32,
        range_end: Option<i32>,
        #[serde(default)]
        decade: bool,
    }

    #[derive(Debug, serde::Deserialize)]
    struct File {
        case: Vec<Case>,
    }

    #[test]
    fn table_cases() {
        let files = [
            (
                "tests/data/years/sample.toml",
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/data/years/sample.toml"
                )),
            ),
            (
                "tests/data/years/invented.toml",
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/data/years/invented.toml"
                )),
            ),
        ];
        let extractor = YearExtractor::new();
        let mut failures = Vec::new();
        for (file, src) in files {
            let parsed: File = toml::from_str(src).unwrap_or_else(|e| panic!("{file}: {e}"));
            for case in parsed.case {
                let s = [SentenceRef {
                    index: 0,
                    start_byte: 0,
                    text: &case.text,
                }];
                let got = extractor.extract(&s);
                let same = got.len() == case.year.len()
                    && got.iter().zip(&case.year).all(|(g, w)| {
                        g.text == w.text
                            && g.year == w.year
                            && g.range_end == w.range_end
                            && g.is_decade == w.decade
                    });
                if !same {
                    failures.push(format!(
                        "{file}: case {:?}\n  text: {:?}\n  got:  {got:#?}\n  want: {:#?}",
                        case.name, case.text, case.year
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} failing case(s):\n{}\nhelp: fix the rule in years.rs, or the expectation in the TOML file",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn empty_and_odd_text() {
        assert!(years("").is_empty());
        assert!(years("   ").is_empty());
        assert!(years("ü 2012ü ٢٠١٢").is_empty());
        assert_eq!(years("2012").len(), 1);
    }

    #[test]
    fn document_offsets() {
        let doc = "First. In 2012 it began.";
        let s = [
            SentenceRef {
                index: 0,
                start_byte: 0,
                text: &doc[..6],
            },
            SentenceRef {
                index: 1,
                start_byte: 7,
                text: &doc[7..],
            },
        ];
        let y = YearExtractor::new().extract(&s);
        assert_eq!(y.len(), 1);
        assert_eq!(&doc[y[0].start_byte..y[0].end_byte], "2012");
        assert_eq!(y[0].sentence_index, 1);
    }
}
