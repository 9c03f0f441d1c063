//! Figures: numbers that count or measure something, with what they count.
//!
//! Input: the sentences of one unit, in order ([`SentenceRef`]s, slices of the document text).
//! Output: [`Figure`]s sorted by `start_byte`, spans in document coordinates. Sentences with
//! neither an ASCII digit nor an English number word cost one byte scan.
//!
//! **What is a figure.** A number expression in digits or words: `1000`, `1,048`, `1.5`,
//! `seven`, `twenty-five`, `one hundred and fifty`; with a scale word (`70 thousand` → 70000,
//! `2 million`, `1.5 billion`, `5 lakh`, `a dozen` → 12); fractions (`two thirds` → 0.667,
//! `half` → 0.5, `a third` → span `third`, `one and a half` → 1.5, `1/3`); ratios as one figure
//! (`one in five` → 0.2, `6 in 10`, `3 out of 10`); percentages (`10%`, `30 per cent`,
//! `30 percent`, `is_percent`); a number with the same number in brackets as one figure
//! (`7 (seven)`, `nine (9)`); vague plural scales (`hundreds` → 100, `thousands` → 1000,
//! `dozens` → 12, `tens of thousands` → 10000, `hundreds of thousands` → 100000: the value is
//! the scale's unit, a lower bound; the vagueness stays visible in `text`). Values are rounded
//! to 3 decimals. The span is the number expression only: no qualifier, no counted noun, no
//! currency symbol or code. A range of numbers (`10-15 girls`, `10 to 15`, `two or three
//! months`, `between 200 and 300 women`) is two figures sharing the counted noun.
//!
//! **`counted`**: the noun phrase the number quantifies, lowercase, read by
//! `numeric_lexer::counted_phrase`: up to the first plural-looking noun, keeping compounds
//! and category names (`domestic workers`, `safe houses`, `young people`), dropping a
//! leading demonym, ordinary adjective or participle (`7 (seven) Colombian women` → `women`,
//! `1048 identified victims` → `victims`); through `of` for percentages, fractions and ratios
//! (`10% of domestic workers in Cali` → `domestic workers`, `half of the country’s
//! population` → `population`); the first noun of a compound modifier (`a 15 member
//! committee` → `member`, `a three-year project` → `year`, `a 45-year-old man` → `year`);
//! coordinated plurals (`women and girls`); the currency as written (`$500` → `$`, `USD 3,000`
//! → `usd`). When nothing follows, a noun written before (`our staff of 22` → `staff`, not
//! after measure nouns like `a total of`, `an increase of`), else the counted noun of the
//! closest earlier figure in the same sentence (`We filed 48 complaints, and 19 were
//! resolved` → `complaints`; counted things are preferred over units like `hours`), except
//! for ages and bounds of a noun (`children under 14`, `girls aged 14`: none).
//!
//! **`qualifier`**: the hedge right before the number, lowercase as written (`around`,
//! `about`, `approximately`, `roughly`, `some`, `almost`, `nearly`, `close to`, `over`,
//! `more than`, `above`, `at least`, `up to`, `less than`, `under`, `fewer than`, `at most`,
//! `as many as`, `as little as`, `a little over`, `estimated`, `more`). Emphasis words
//! (`just`, `only`, `a total of`) are not hedges.
//!
//! **`year`**: the year the figure's sentence states (the closest [`YearExtractor`] mention
//! before the figure, else the closest after; a range or decade gives its first year), else
//! the last year of the immediately previous sentence, else `None`.
//!
//! **Not figures**: years and numeric dates (`2000 people` is a figure, see [`super::years`]);
//! days of the month (`March 8`, `8 March`, `8 of March`); times (`10:30`, `9 am`, `6
//! o'clock`); identifiers after `article`, `section`, `module`, `chapter`, `page`, `No.`, `Act`,
//! `Convention` … (`article 41(1)`, `Module 2`, `Republic Act 9208`, and lists like `articles 3
//! and 4`); enumerators (`(2)`, `2)`, a sentence-initial `1.`); ordinals (`first`, `third in
//! the ranking`, `a third country`, `5th`); phone numbers (after `+` or a phone word, or chains
//! of digit groups); street numbers (`14 Sapele Road`); numbers glued into names and file
//! names (`IWD1`, `campaign2.jpg`, `COVID-19`, `G20`); numbers with a leading zero (`05`); a
//! number after a capitalised word with nothing countable after it (`Windows 10`); capitalised
//! number words inside names (`One Stop Crisis Centre`); number words fused into idiomatic
//! adjectives (`three-pronged`, `two-way`, `one-stop`); `first/second/the other half`; and
//! `one`/`zero` unless a noun follows directly and no pronoun follows that noun (`one of the
//! …`, `no one`, `the one which`, `in one survey we made` are not figures; `one year`, `only
//! one social worker` are). Ages are figures (`16 years old` → `years`).
//!
//! It does not resolve nouns across sentences, read tables or spelled-out ordinals as
//! quantities, or parse numbers written with spaces as thousands separators (`10 000`) or
//! European decimal commas (`1,5`).

use super::SentenceRef;
use super::numeric_lexer::{
    Kind, NumberWord, Token, counted_phrase, has_ascii_digit, is_month_token, lower,
    may_hold_number, number_word, tokenize,
};
use super::years::{
    LocalYear, Role, YearExtractor, currency_before, hedge_before, identifier_before,
    phone_context, plain_int,
};

/// One figure: a number with what it counts.
///
/// Invariant: `&document[start_byte..end_byte] == text`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    /// Index of the sentence within its unit ([`SentenceRef::index`]).
    pub sentence_index: u32,
    /// The number expression as written (`70 thousand`, `10%`, `7 (seven)`, `two thirds`).
    pub text: String,
    /// The number (`70 thousand` → 70000, `10%` → 10, `two thirds` → 0.667), rounded to 3
    /// decimals.
    pub value: f64,
    /// What is counted, lowercase (`victims`, `domestic workers`, `usd`), if anything.
    pub counted: Option<String>,
    /// The hedge before the number, lowercase as written (`around`, `more than`), if any.
    pub qualifier: Option<String>,
    /// Whether the number is a percentage (`%`, `per cent`, `percent`).
    pub is_percent: bool,
    /// The year the sentence (or the previous sentence) states, if any.
    pub year: Option<i32>,
    /// Byte offset of the number expression in the document text.
    pub start_byte: usize,
    /// Byte offset just past the number expression in the document text.
    pub end_byte: usize,
}

/// Finds figures in sentences. Built once, `Send + Sync`; holds no mutable state.
#[derive(Debug, Clone, Default)]
pub struct FigureExtractor {
    years: YearExtractor,
}

/// A parsed number expression, before the context checks.
#[derive(Debug, Clone, Copy)]
struct Expr {
    /// First token of the span.
    first: usize,
    /// Last token of the span (inclusive).
    last: usize,
    /// Token where the hedge search looks back from (`a` of `a third`, the currency code).
    lead: usize,
    value: f64,
    is_percent: bool,
    /// Written in digits (else in words).
    digits: bool,
    /// A lone `one`/`zero` word, a figure only with a noun right after it.
    needs_noun: bool,
    /// Fraction, `half`, vague plural scale: the counted noun is reached through `of`.
    through_of: bool,
}

impl FigureExtractor {
    /// Builds the extractor.
    pub fn new() -> Self {
        Self {
            years: YearExtractor::new(),
        }
    }

    /// Figures of `sentences` (one unit, in order), sorted by `start_byte`.
    ///
    /// Sentences with neither an ASCII digit nor an English number word are skipped after
    /// one byte scan.
    pub fn extract(&self, sentences: &[SentenceRef<'_>]) -> Vec<Figure> {
        let mut out = Vec::new();
        let mut toks = Vec::new();
        let mut roles = Vec::new();
        let mut prev_last_year: Option<i32> = None;
        for sentence in sentences {
            let s = sentence.text;
            let digit = has_ascii_digit(s);
            if !digit && !may_hold_number(s) {
                prev_last_year = None;
                continue;
            }
            tokenize(s, &mut toks);
            let years: Vec<LocalYear> = if digit {
                self.years.scan(s, &toks, &mut roles)
            } else {
                roles.clear();
                roles.resize(toks.len(), Role::Free);
                Vec::new()
            };
            for f in scan_figures(s, &toks, &roles) {
                // Digit strings beyond f64 (`1` + 400 zeros) are not figures anyone wrote.
                if !f.value.is_finite() {
                    continue;
                }
                let value = if f.value.abs() < 1e12 {
                    (f.value * 1000.0).round() / 1000.0
                } else {
                    f.value
                };
                let before = years.iter().rev().find(|y| y.end <= f.start);
                let after = years.iter().find(|y| y.start >= f.end);
                let year = before.or(after).map(|y| y.year).or(prev_last_year);
                out.push(Figure {
                    sentence_index: sentence.index,
                    text: s.get(f.start..f.end).unwrap_or("").to_string(),
                    value,
                    counted: f.counted,
                    qualifier: f.qualifier,
                    is_percent: f.is_percent,
                    year,
                    start_byte: sentence.start_byte + f.start,
                    end_byte: sentence.start_byte + f.end,
                });
            }
            prev_last_year = years.last().map(|y| y.year);
        }
        out.sort_by_key(|f| (f.start_byte, f.end_byte));
        out
    }
}

/// A figure with sentence-local offsets.
#[derive(Debug)]
struct LocalFigure {
    start: usize,
    end: usize,
    value: f64,
    counted: Option<String>,
    qualifier: Option<String>,
    is_percent: bool,
    /// No counted noun was found and one may be filled from an earlier figure.
    fillable: bool,
}

fn lw_at<'b>(s: &'b str, toks: &[Token], k: usize, buf: &'b mut [u8; 24]) -> &'b str {
    match toks.get(k) {
        Some(t) if t.kind == Kind::Word => lower(t.text(s), buf),
        _ => "",
    }
}

fn word_number(s: &str, toks: &[Token], k: usize) -> Option<NumberWord> {
    let mut buf = [0u8; 24];
    number_word(lw_at(s, toks, k, &mut buf))
}

/// Whether token `k` is glued to the token before it.
fn tight(toks: &[Token], k: usize) -> bool {
    toks.get(k).is_some_and(|t| !t.space_before)
}

fn is_dash(t: &Token) -> bool {
    t.kind == Kind::Punct && matches!(t.ch, '-' | '–' | '—' | '‐' | '‑')
}

/// The value of a digits token (`1,048` → 1048, `1.5`).
fn digits_value(s: &str, t: &Token) -> Option<f64> {
    let txt = t.text(s);
    if txt.contains(',') {
        txt.replace(',', "").parse().ok()
    } else {
        txt.parse().ok()
    }
}

/// Percent sign or words at `k`: returns the last token of them.
fn percent_at(s: &str, toks: &[Token], k: usize) -> Option<usize> {
    let t = toks.get(k)?;
    if t.is_punct('%') {
        return Some(k);
    }
    let mut buf = [0u8; 24];
    match lw_at(s, toks, k, &mut buf) {
        "percent" | "pct" => Some(k),
        "per" => {
            let mut b2 = [0u8; 24];
            if lw_at(s, toks, k + 1, &mut b2) == "cent" {
                Some(k + 1)
            } else if toks.get(k + 1).is_some_and(is_dash)
                && tight(toks, k + 1)
                && tight(toks, k + 2)
                && lw_at(s, toks, k + 2, &mut b2) == "cent"
            {
                Some(k + 2)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Number words starting at `k0` (`twenty-five`, `one hundred and fifty`, `two thirds`,
/// `one and a half`). `article`: an `a`/`an` stands before (`a hundred` → 100).
/// Returns (value, last token, is fraction, single `one`/`zero` word).
fn parse_words(
    s: &str,
    toks: &[Token],
    k0: usize,
    article: bool,
) -> Option<(f64, usize, bool, bool)> {
    #[derive(PartialEq, Clone, Copy)]
    enum Last {
        None,
        Unit,
        Ten,
        Hundred,
        Big,
    }
    let mut total = 0.0_f64;
    let mut current = 0.0_f64;
    let mut last = Last::None;
    let mut k = k0;
    let mut end = None;
    let mut words = 0;
    if article {
        current = 1.0;
        last = Last::Unit;
    }
    loop {
        match word_number(s, toks, k) {
            Some(NumberWord::Unit(u))
                if last == Last::None
                    || last == Last::Hundred
                    || last == Last::Big
                    || (last == Last::Ten && u < 10 && u > 0) =>
            {
                current += f64::from(u);
                // Nothing but a scale word follows a unit or a teen.
                last = Last::Unit;
            }
            Some(NumberWord::Ten(t)) if matches!(last, Last::None | Last::Hundred | Last::Big) => {
                current += f64::from(t);
                last = Last::Ten;
            }
            Some(NumberWord::Scale {
                value,
                plural: false,
            }) if last != Last::None && (value != 100.0 || last != Last::Hundred) => {
                if value == 100.0 {
                    current = current.max(1.0) * 100.0;
                    last = Last::Hundred;
                } else if value == 12.0 {
                    current = current.max(1.0) * 12.0;
                    last = Last::Big;
                } else {
                    total += current.max(1.0) * value;
                    current = 0.0;
                    last = Last::Big;
                }
            }
            _ => break,
        }
        words += 1;
        end = Some(k);
        // Connectors: `twenty-five`, `hundred and fifty`, plain spaces.
        let mut buf = [0u8; 24];
        if toks.get(k + 1).is_some_and(is_dash) && tight(toks, k + 1) && tight(toks, k + 2) {
            if matches!(
                word_number(s, toks, k + 2),
                Some(NumberWord::Unit(_) | NumberWord::Ten(_))
            ) {
                k += 2;
                continue;
            }
            break;
        }
        if lw_at(s, toks, k + 1, &mut buf) == "and"
            && matches!(last, Last::Hundred | Last::Big)
            && matches!(
                word_number(s, toks, k + 2),
                Some(NumberWord::Unit(_) | NumberWord::Ten(_))
            )
        {
            k += 2;
            continue;
        }
        k += 1;
    }
    let mut end = end?;
    let mut value = total + current;
    let single_one = words == 1 && !article && value <= 1.0;
    // `and a half`
    let mut buf = [0u8; 24];
    let mut b2 = [0u8; 24];
    if lw_at(s, toks, end + 1, &mut buf) == "and"
        && lw_at(s, toks, end + 2, &mut b2) == "a"
        && word_number(s, toks, end + 3) == Some(NumberWord::Half)
    {
        return Some((value + 0.5, end + 3, false, false));
    }
    // Fractions: `two thirds`, `one third`, `two-thirds`, `three quarters`.
    let fk =
        if toks.get(end + 1).is_some_and(is_dash) && tight(toks, end + 1) && tight(toks, end + 2) {
            end + 2
        } else {
            end + 1
        };
    match word_number(s, toks, fk) {
        Some(NumberWord::Fraction {
            denominator,
            plural,
        }) => {
            // Only small numerators agree with a fraction; `twenty third` is an ordinal.
            if !(1.0..=10.0).contains(&value)
                || value.fract() != 0.0
                || (plural != (value > 1.0) && !article)
            {
                return None;
            }
            value /= f64::from(denominator);
            end = fk;
            Some((value, end, true, false))
        }
        Some(NumberWord::Half) if value == 1.0 && !article => {
            // `one half`
            Some((0.5, fk, true, false))
        }
        _ => Some((value, end, false, single_one)),
    }
}

/// Parses a number expression starting at token `i`.
fn parse_expr(s: &str, toks: &[Token], roles: &[Role], i: usize) -> Option<Expr> {
    let t = toks[i];
    let mut buf = [0u8; 24];
    let mut e = match t.kind {
        Kind::Num => {
            let value = digits_value(s, &t)?;
            Expr {
                first: i,
                last: i,
                lead: i,
                value,
                is_percent: false,
                digits: true,
                needs_noun: false,
                through_of: true,
            }
        }
        Kind::Word => {
            let nw = word_number(s, toks, i)?;
            let prev = lw_at(s, toks, i.wrapping_sub(1), &mut buf).to_string();
            let article = matches!(prev.as_str(), "a" | "an") && i > 0;
            let lead = if article { i - 1 } else { i };
            match nw {
                NumberWord::Unit(_) | NumberWord::Ten(_) => {
                    let (value, last, frac, single) = parse_words(s, toks, i, false)?;
                    Expr {
                        first: i,
                        last,
                        lead,
                        value,
                        is_percent: false,
                        digits: false,
                        needs_noun: single,
                        through_of: frac || !single,
                    }
                }
                NumberWord::Scale { plural: false, .. } if article => {
                    let (value, last, _, _) = parse_words(s, toks, i, true)?;
                    Expr {
                        first: i,
                        last,
                        lead,
                        value,
                        is_percent: false,
                        digits: false,
                        needs_noun: false,
                        through_of: true,
                    }
                }
                NumberWord::Scale {
                    value,
                    plural: true,
                } => {
                    // `hundreds`, `hundreds of thousands`.
                    let mut v = value;
                    let mut last = i;
                    let mut b2 = [0u8; 24];
                    if lw_at(s, toks, i + 1, &mut b2) == "of"
                        && let Some(NumberWord::Scale {
                            value: v2,
                            plural: true,
                        }) = word_number(s, toks, i + 2)
                        && v2 > value
                    {
                        v *= v2;
                        last = i + 2;
                    }
                    Expr {
                        first: i,
                        last,
                        lead,
                        value: v,
                        is_percent: false,
                        digits: false,
                        needs_noun: false,
                        through_of: true,
                    }
                }
                NumberWord::Tens => {
                    // Only `tens of thousands/millions`.
                    let mut b2 = [0u8; 24];
                    if lw_at(s, toks, i + 1, &mut b2) != "of" {
                        return None;
                    }
                    let Some(NumberWord::Scale {
                        value: v2,
                        plural: true,
                    }) = word_number(s, toks, i + 2)
                    else {
                        return None;
                    };
                    Expr {
                        first: i,
                        last: i + 2,
                        lead,
                        value: 10.0 * v2,
                        is_percent: false,
                        digits: false,
                        needs_noun: false,
                        through_of: true,
                    }
                }
                NumberWord::Fraction {
                    denominator,
                    plural: false,
                } if article => {
                    // `a third of`, `about a quarter concerned …`; not the ordinal in `a third
                    // country`, `a fourth time`.
                    let mut b2 = [0u8; 24];
                    let next = lw_at(s, toks, i + 1, &mut b2).to_string();
                    let next_word = toks.get(i + 1).is_some_and(|t| t.kind == Kind::Word);
                    let ok = next == "of"
                        || hedge_before(s, toks, lead).is_some()
                        || !next_word
                        || super::numeric_lexer::is_stop_word(&next)
                        || (next.len() > 4 && next.ends_with("ed"));
                    if !ok || (toks.get(i + 1).is_some_and(is_dash) && tight(toks, i + 1)) {
                        return None;
                    }
                    Expr {
                        first: i,
                        last: i,
                        lead,
                        value: 1.0 / f64::from(denominator),
                        is_percent: false,
                        digits: false,
                        needs_noun: false,
                        through_of: true,
                    }
                }
                NumberWord::Half => {
                    // `half` counts except in `first/second half`, `the other half`, `in
                    // half`, `half-hearted` and adverbial `half empty` (`half` + adjective is
                    // not told apart; `half` + a stop word, verb or `of` is a figure).
                    let bad_prev = matches!(
                        prev.as_str(),
                        "the"
                            | "first"
                            | "second"
                            | "other"
                            | "latter"
                            | "last"
                            | "in"
                            | "by"
                            | "into"
                            | "and"
                    );
                    if bad_prev || (toks.get(i + 1).is_some_and(is_dash) && tight(toks, i + 1)) {
                        return None;
                    }
                    // `half a million`
                    let mut value = 0.5;
                    let mut last = i;
                    let mut b2 = [0u8; 24];
                    if matches!(lw_at(s, toks, i + 1, &mut b2), "a" | "an")
                        && let Some(NumberWord::Scale {
                            value: v2,
                            plural: false,
                        }) = word_number(s, toks, i + 2)
                    {
                        value *= v2;
                        last = i + 2;
                    }
                    Expr {
                        first: i,
                        last,
                        lead,
                        value,
                        is_percent: false,
                        digits: false,
                        needs_noun: false,
                        through_of: true,
                    }
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    // Spans never take tokens another stage (years, dates) already used.
    if (e.first..=e.last).any(|k| roles.get(k) != Some(&Role::Free)) {
        return None;
    }
    let mut k = e.last + 1;
    if e.digits {
        // `70 thousand`, `2 million`, `1.5 billion`, `2 dozen`.
        while let Some(NumberWord::Scale { value, .. }) = word_number(s, toks, k) {
            if !toks[k].space_before && toks[k].kind == Kind::Word {
                break;
            }
            e.value *= value;
            e.last = k;
            k += 1;
        }
        // `1/3`: a small fraction written with a slash.
        if toks.get(k).is_some_and(|t| t.is_punct('/'))
            && tight(toks, k)
            && tight(toks, k + 1)
            && let Some(d) = toks.get(k + 1).and_then(|t| plain_int(s, t))
            && (2..=10).contains(&d)
            && e.value >= 1.0
            && e.value < f64::from(d)
            && e.value.fract() == 0.0
        {
            e.value /= f64::from(d);
            e.last = k + 1;
            k += 2;
        }
    }
    // Ratios: `one in five` → 0.2, `6 in 10`, `3 out of 10`: one figure.
    {
        let mut b2 = [0u8; 24];
        let mut b3 = [0u8; 24];
        let w = lw_at(s, toks, k, &mut b2).to_string();
        let at = if w == "in" {
            Some(k + 1)
        } else if w == "out" && lw_at(s, toks, k + 1, &mut b3) == "of" {
            Some(k + 2)
        } else {
            None
        };
        if let Some(b) = at
            && e.value >= 1.0
            && e.value.fract() == 0.0
            && !e.is_percent
            && roles.get(b) == Some(&Role::Free)
        {
            let den = if e.digits {
                toks.get(b)
                    .and_then(|t| plain_int(s, t))
                    .map(|v| (f64::from(v), b))
            } else {
                toks.get(b)
                    .filter(|t| t.kind == Kind::Word)
                    .and_then(|_| parse_words(s, toks, b, false))
                    .filter(|&(_, _, frac, _)| !frac)
                    .map(|(v, last, _, _)| (v, last))
            };
            if let Some((d, last)) = den
                && d > e.value
                && d <= 1000.0
                && (b..=last).all(|x| roles.get(x) == Some(&Role::Free))
            {
                e.value /= d;
                e.last = last;
                e.needs_noun = false;
                e.through_of = true;
                k = last + 1;
            }
        }
    }
    if let Some(p) = percent_at(s, toks, k) {
        e.is_percent = true;
        e.last = p;
        k = p + 1;
        e.through_of = true;
    }
    // `7 (seven)` / `seven (7)`: the same number in brackets.
    if toks.get(k).is_some_and(|t| t.is_punct('(')) {
        let inner = if e.digits {
            toks.get(k + 1)
                .filter(|t| t.kind == Kind::Word)
                .and_then(|_| parse_words(s, toks, k + 1, false))
                .map(|(v, last, _, _)| (v, last))
        } else {
            toks.get(k + 1)
                .filter(|t| t.kind == Kind::Num)
                .and_then(|t| digits_value(s, t))
                .map(|v| (v, k + 1))
        };
        if let Some((v, last)) = inner
            && (v - e.value).abs() < 1e-9
            && toks.get(last + 1).is_some_and(|t| t.is_punct(')'))
        {
            e.last = last + 1;
            e.needs_noun = false;
            if e.digits
                && let Some(p) = percent_at(s, toks, last + 2)
            {
                e.is_percent = true;
                e.last = p;
            }
        }
    }
    Some(e)
}

/// A chain of integer groups starting at `i`, separated by spaces or tight dashes
/// (`977 1 4373 817`, `01-4373-817`): (last token, groups, digits).
fn digit_chain(s: &str, toks: &[Token], i: usize) -> (usize, usize, usize) {
    let mut k = i;
    let mut groups = 1;
    let mut digits = toks[k].end - toks[k].start;
    let is_group = |t: &Token| t.kind == Kind::Num && t.text(s).bytes().all(|b| b.is_ascii_digit());
    while let Some(n) = toks.get(k + 1) {
        if is_group(n) {
            groups += 1;
            digits += n.end - n.start;
            k += 1;
        } else if (is_dash(n) || n.is_punct('.'))
            && tight(toks, k + 1)
            && tight(toks, k + 2)
            && toks.get(k + 2).is_some_and(is_group)
        {
            groups += 1;
            digits += toks[k + 2].end - toks[k + 2].start;
            k += 2;
        } else {
            break;
        }
    }
    (k, groups, digits)
}

/// Idiomatic second parts of number compounds (`one-stop`, `two-way`, `three-fold`).
fn is_idiom_tail(w: &str) -> bool {
    matches!(
        w,
        "way"
            | "stop"
            | "off"
            | "on"
            | "fold"
            | "time"
            | "tier"
            | "shot"
            | "liner"
            | "sided"
            | "size"
            | "to"
            | "by"
            | "and"
            | "or"
            | "for"
            | "all"
            | "first"
            | "second"
            | "third"
            | "fourth"
            | "fifth"
            | "sixth"
            | "seventh"
            | "eighth"
            | "ninth"
            | "tenth"
            | "point"
            | "pronged"
    ) || w.ends_with("th")
}

/// Context checks for a digit expression: true when the number is not a figure.
fn digits_rejected(s: &str, toks: &[Token], e: &Expr, in_range: bool) -> bool {
    let i = e.first;
    let t = &toks[i];
    let txt = t.text(s);
    let mut buf = [0u8; 24];
    // Leading zero: `05`, `007` (codes, dates), not `0.5`.
    if txt.len() > 1 && txt.starts_with('0') && !txt.starts_with("0.") {
        return true;
    }
    // Glued before: `COVID-19`, `#5`, `+44`, `file_2`, `41(1)`.
    if i > 0 && !t.space_before && !in_range {
        let p = &toks[i - 1];
        let before_p_glued = i >= 2
            && !p.space_before
            && matches!(toks[i - 2].kind, Kind::Word | Kind::Mixed | Kind::Num);
        if p.kind != Kind::Punct {
            return true;
        }
        if matches!(
            p.ch,
            '+' | '#' | '@' | '_' | '\\' | '=' | '&' | '~' | '^' | '*'
        ) {
            return true;
        }
        if matches!(
            p.ch,
            '-' | '‐' | '–' | '.' | '/' | ':' | '(' | '[' | ',' | '\'' | '’'
        ) && before_p_glued
        {
            return true;
        }
    }
    // Glued after: `2.jpg`, `5@x`, `10:30`, `41(1)`.
    if let Some(nx) = toks.get(e.last + 1)
        && !nx.space_before
    {
        let nn = toks.get(e.last + 2);
        let nn_tight = nn.is_some_and(|n| !n.space_before);
        if matches!(nx.ch, '@' | '_')
            || (nx.is_punct('.')
                && nn_tight
                && nn.is_some_and(|n| {
                    n.kind == Kind::Word && n.text(s).starts_with(|c: char| c.is_lowercase())
                }))
            || (matches!(nx.ch, ':' | '(' | '[')
                && nn_tight
                && nn.is_some_and(|n| {
                    matches!(n.kind, Kind::Num | Kind::Word) && n.end - n.start <= 3
                }))
        {
            return true;
        }
    }
    // Identifiers: `article 41`, `Module 2`, `No. 5`, `Republic Act 9208`, `Convention 189`.
    if identifier_before(s, toks, i) {
        return true;
    }
    if matches!(
        lw_at(s, toks, i.wrapping_sub(1), &mut buf),
        "act" | "bill" | "convention" | "protocol" | "directive" | "ordinance" | "statute"
    ) {
        return true;
    }
    let int = plain_int(s, t);
    // Days of the month: `March 8`, `8 March`, `8 of March`.
    if int.is_some_and(|v| (1..=31).contains(&v)) && e.last == i {
        let prev_month = i > 0 && is_month_token(&toks[i - 1], s);
        let next_month = toks.get(i + 1).is_some_and(|n| is_month_token(n, s));
        let of_month = lw_at(s, toks, i + 1, &mut buf) == "of"
            && toks.get(i + 2).is_some_and(|n| is_month_token(n, s));
        if prev_month || next_month || of_month {
            return true;
        }
    }
    // Times: `9 am`, `5 pm`, `9 a.m.`, `6 o'clock`.
    {
        let nw = lw_at(s, toks, e.last + 1, &mut buf).to_string();
        let mut b2 = [0u8; 24];
        if matches!(nw.as_str(), "am" | "pm" | "hrs" | "hrs.")
            && int.is_some_and(|v| v <= 24)
            && e.last == i
        {
            return true;
        }
        if (nw == "a" || nw == "p" || nw == "o")
            && toks
                .get(e.last + 2)
                .is_some_and(|p| p.is_punct('.') || p.is_punct('\'') || p.is_punct('’'))
            && matches!(lw_at(s, toks, e.last + 3, &mut b2), "m" | "clock")
        {
            return true;
        }
    }
    // Enumerators: `(2)`, `2)` and a line-start `1.`.
    if e.last == i && int.is_some_and(|v| v < 1000) {
        let close_next = toks.get(i + 1).is_some_and(|n| n.is_punct(')'));
        let open_prev = i > 0 && toks[i - 1].is_punct('(');
        if close_next && (open_prev || i == 0 || toks[i - 1].kind == Kind::Punct) {
            return true;
        }
        let at_start = i == 0 || (i == 1 && toks[0].kind == Kind::Punct);
        if at_start
            && toks
                .get(i + 1)
                .is_some_and(|n| n.is_punct('.') || n.is_punct(')'))
            && toks.get(i + 2).is_none_or(|n| n.space_before)
        {
            return true;
        }
    }
    // Street numbers: `14 Sapele Road`.
    if e.last == i && int.is_some() {
        let mut k = i + 1;
        while let Some(n) = toks
            .get(k)
            .filter(|n| n.kind == Kind::Word && n.text(s).starts_with(|c: char| c.is_uppercase()))
        {
            let mut b2 = [0u8; 24];
            if matches!(
                lower(n.text(s), &mut b2),
                "road"
                    | "rd"
                    | "street"
                    | "st"
                    | "avenue"
                    | "ave"
                    | "lane"
                    | "drive"
                    | "boulevard"
                    | "blvd"
                    | "crescent"
                    | "close"
                    | "highway"
                    | "square"
                    | "place"
                    | "calle"
                    | "rue"
                    | "strasse"
                    | "straße"
                    | "carrera"
                    | "avenida"
            ) {
                return true;
            }
            k += 1;
            if k > i + 4 {
                break;
            }
        }
    }
    // A number right after a capitalised word inside a name (`Windows 10`, `Channel 4`),
    // when nothing that could be counted follows.
    if i >= 2 && toks[i - 1].kind == Kind::Word && !e.is_percent {
        let p = toks[i - 1].text(s);
        let cap = p.starts_with(|c: char| c.is_uppercase());
        let p_first = i - 1 == 0
            || toks[i - 2].kind == Kind::Punct
                && matches!(toks[i - 2].ch, '(' | '"' | '“' | '‘' | ':' | '–' | '-');
        let next_lower = toks.get(e.last + 1).is_some_and(|n| {
            n.kind == Kind::Word && n.text(s).starts_with(|c: char| c.is_lowercase())
        });
        let mut b2 = [0u8; 24];
        let lp = lower(p, &mut b2);
        let known = hedge_before(s, toks, i).is_some()
            || super::numeric_lexer::is_stop_word(lp)
            || super::numeric_lexer::is_month(lp);
        if cap && !p_first && !next_lower && !known {
            return true;
        }
    }
    false
}

/// Context checks for a word expression: true when it is not a figure.
fn words_rejected(s: &str, toks: &[Token], e: &Expr) -> bool {
    let i = e.first;
    let t = &toks[i];
    let txt = t.text(s);
    let mut buf = [0u8; 24];
    // A capitalised number word inside a name: `One Stop Centre`, `Group of Seven`.
    let cap = txt.starts_with(|c: char| c.is_uppercase());
    let sentence_start = i == 0
        || (toks[i - 1].kind == Kind::Punct
            && matches!(
                toks[i - 1].ch,
                '(' | '"' | '“' | '‘' | ':' | '–' | '-' | '.' | '?' | '!'
            ));
    if cap && !sentence_start {
        let next_cap = toks.get(e.last + 1).is_some_and(|n| {
            n.kind == Kind::Word && n.text(s).starts_with(|c: char| c.is_uppercase())
        });
        let prev_cap = toks[i - 1].kind == Kind::Word
            && toks[i - 1].text(s).starts_with(|c: char| c.is_uppercase());
        if next_cap || prev_cap {
            return true;
        }
    }
    // `one`/`zero` as a pronoun or determiner.
    if e.needs_noun {
        let prev = lw_at(s, toks, i.wrapping_sub(1), &mut buf);
        if i > 0
            && matches!(
                prev,
                "the"
                    | "no"
                    | "any"
                    | "every"
                    | "each"
                    | "this"
                    | "that"
                    | "which"
                    | "another"
                    | "someone"
                    | "anyone"
                    | "other"
                    | "such"
                    | "a"
                    | "an"
                    | "no-one"
                    | "at"
            )
        {
            return true;
        }
    }
    false
}

/// The compound modifier after a number: `three-year` → `year`; `None` if there is none,
/// `Some(None)` if it is idiomatic (`three-pronged`, `one-stop`: not a figure).
fn hyphen_compound(s: &str, toks: &[Token], e: &Expr) -> Option<Option<String>> {
    let k = e.last + 1;
    if e.is_percent || !toks.get(k).is_some_and(is_dash) || !tight(toks, k) || !tight(toks, k + 1) {
        return None;
    }
    let w = toks.get(k + 1)?;
    if w.kind != Kind::Word {
        return None;
    }
    let txt = w.text(s);
    let lw = txt.to_lowercase();
    if is_idiom_tail(&lw) || super::numeric_lexer::is_participle(&lw) || number_word(&lw).is_some()
    {
        return Some(None);
    }
    Some(Some(lw))
}

/// The noun in `NOUN of N` when nothing follows the number (`our staff of 22` → `staff`);
/// not for measure words (`a total of`, `the age of`, `a rate of`).
/// Returns `Some(None)` for a measure word (`an increase of 600 per cent`): the figure counts
/// nothing and takes no elided noun either.
fn noun_of_before(s: &str, toks: &[Token], lead: usize) -> Option<Option<String>> {
    let mut buf = [0u8; 24];
    if lead < 2 || lw_at(s, toks, lead - 1, &mut buf) != "of" {
        return None;
    }
    let t = &toks[lead - 2];
    if t.kind != Kind::Word {
        return None;
    }
    let lw = lower(t.text(s), &mut buf);
    if is_measure_noun(lw) {
        return Some(None);
    }
    if lw.is_empty()
        || super::numeric_lexer::is_stop_word(lw)
        || super::numeric_lexer::is_np_determiner(lw)
        || super::numeric_lexer::is_dropped_adjective(lw)
        || number_word(lw).is_some()
        || is_month_token(t, s)
        || matches!(
            lw,
            "month"
                | "year"
                | "day"
                | "week"
                | "instead"
                | "because"
                | "outside"
                | "inside"
                | "each"
                | "any"
                | "none"
                | "most"
                | "some"
                | "many"
                | "few"
                | "all"
                | "both"
                | "out"
        )
    {
        return None;
    }
    Some(Some(lw.to_string()))
}

/// Nouns that measure rather than count (`a total of`, `an increase of`, `the age of`).
fn is_measure_noun(w: &str) -> bool {
    matches!(
        w,
        "total"
            | "maximum"
            | "minimum"
            | "average"
            | "number"
            | "age"
            | "ages"
            | "rate"
            | "rates"
            | "sum"
            | "score"
            | "amount"
            | "level"
            | "value"
            | "figure"
            | "percentage"
            | "proportion"
            | "share"
            | "majority"
            | "minority"
            | "period"
            | "range"
            | "cost"
            | "price"
            | "fee"
            | "fees"
            | "salary"
            | "wage"
            | "budget"
            | "increase"
            | "decrease"
            | "rise"
            | "fall"
            | "drop"
            | "growth"
            | "reduction"
            | "decline"
            | "ratio"
    )
}

/// All figures of one tokenized sentence.
fn scan_figures(s: &str, toks: &[Token], roles: &[Role]) -> Vec<LocalFigure> {
    let mut out = Vec::new();
    let mut i = 0;
    // Last token of a number excluded as an identifier (for `articles 3 and 4`).
    let mut last_identifier: Option<usize> = None;
    while i < toks.len() {
        let cheap_skip = match toks[i].kind {
            Kind::Num => false,
            // Only number words (and `a`/`an` before them, looked at from the number) start
            // an expression.
            Kind::Word => !super::numeric_lexer::maybe_number_word(toks[i].text(s)),
            _ => true,
        };
        if cheap_skip || roles[i] != Role::Free {
            i += 1;
            continue;
        }
        let Some(e) = parse_expr(s, toks, roles, i) else {
            i += 1;
            continue;
        };
        let next_i = e.last + 1;
        // Identifier lists: `articles 3, 4 and 5`.
        if e.digits
            && let Some(li) = last_identifier
            && li + 2 >= i
            && (li + 1..i).all(|k| {
                let mut b = [0u8; 24];
                toks[k].is_punct(',')
                    || is_dash(&toks[k])
                    || matches!(lw_at(s, toks, k, &mut b), "and" | "or" | "to")
            })
        {
            last_identifier = Some(e.last);
            i = next_i;
            continue;
        }
        // Phone numbers: digit groups after `+` or a phone word, or long chains of groups
        // (`01 4373 817`); the whole chain is skipped.
        if e.digits && !e.is_percent && e.last == e.first {
            let (end, groups, digits) = digit_chain(s, toks, e.first);
            let zero_run = groups == 1 && digits >= 8 && toks[e.first].text(s).starts_with('0');
            if phone_context(s, toks, e.first) || (groups >= 3 && digits >= 7) || zero_run {
                i = end + 1;
                continue;
            }
        }
        let rejected = if e.digits {
            let r = digits_rejected(s, toks, &e, false);
            if r && identifier_before(s, toks, e.first) {
                last_identifier = Some(e.last);
            }
            r
        } else {
            words_rejected(s, toks, &e)
        };
        if rejected {
            i = next_i;
            continue;
        }
        let compound = hyphen_compound(s, toks, &e);
        if compound == Some(None) {
            i = next_i;
            continue;
        }
        // A range of numbers: `10-15 girls`, `10 to 15 girls`, `between 200 and 300 women`.
        let mut second: Option<Expr> = None;
        if compound.is_none() {
            let mut b = [0u8; 24];
            let sep = toks.get(next_i);
            let sep_w = lw_at(s, toks, next_i, &mut b).to_string();
            let between = {
                let mut b2 = [0u8; 24];
                lw_at(s, toks, e.lead.wrapping_sub(1), &mut b2) == "between"
            };
            let is_sep = sep.is_some_and(is_dash)
                || sep_w == "to"
                || sep_w == "or"
                || (sep_w == "and" && between);
            if is_sep
                && let Some(e2) = toks.get(next_i + 1).and_then(|_| {
                    if roles.get(next_i + 1) == Some(&Role::Free) {
                        parse_expr(s, toks, roles, next_i + 1)
                    } else {
                        None
                    }
                })
                && e2.digits == e.digits
                && !e2.needs_noun
                && e2.value > e.value
                && !(e.digits && digits_rejected(s, toks, &e2, true) && !e2.is_percent)
            {
                second = Some(e2);
            }
        }
        let tail = second.as_ref().map_or(next_i, |e2| e2.last + 1);
        let tail_expr = second.as_ref().unwrap_or(&e);
        let singular = tail_expr.value <= 1.0 || tail_expr.is_percent;
        let currency = if e.digits {
            currency_before(s, toks, e.first)
        } else {
            None
        };
        let counted = if let Some(Some(w)) = compound {
            Some(w)
        } else if let Some(c) = currency.clone() {
            Some(c)
        } else {
            // Skip a `+` written after the number (`50+ women`).
            let from = if toks
                .get(tail)
                .is_some_and(|t| t.is_punct('+') && !t.space_before)
            {
                tail + 1
            } else {
                tail
            };
            match counted_phrase(
                s,
                toks,
                from,
                singular,
                tail_expr.through_of && !e.needs_noun,
            ) {
                Some((c, after)) => {
                    // `one survey we made`: `one` meaning "a certain", not a number.
                    let mut b = [0u8; 24];
                    if e.needs_noun
                        && matches!(
                            lw_at(s, toks, after, &mut b),
                            "we" | "i" | "they" | "he" | "she" | "you"
                        )
                    {
                        i = next_i;
                        continue;
                    }
                    Some(c)
                }
                None => None,
            }
        };
        if e.needs_noun && counted.is_none() {
            i = next_i;
            continue;
        }
        let lead = if currency.is_some() {
            // `about USD 500`: the hedge stands before the currency.
            let p = e.first.saturating_sub(1);
            if toks.get(p).is_some_and(|t| t.is_punct('.')) {
                p.saturating_sub(1)
            } else {
                p
            }
        } else {
            e.lead
        };
        let hedge = hedge_before(s, toks, lead);
        let qualifier = hedge.map(|(h0, _)| {
            s.get(toks[h0].start..toks[lead - 1].end)
                .unwrap_or("")
                .to_lowercase()
        });
        // Where the number phrase (hedge included) starts.
        let phrase_start = hedge.map_or(lead, |(h0, _)| h0);
        // A counted noun written before the number: `our staff of 22`; none after a measure
        // (`an increase of 600 per cent`) or as an age or bound of a noun (`children under
        // 14`, `girls aged 14`): these take no elided noun either.
        let (counted, fillable) = match counted {
            Some(c) => (Some(c), false),
            None => match noun_of_before(s, toks, phrase_start) {
                Some(Some(n)) => (Some(n), false),
                Some(None) => (None, false),
                None => (
                    None,
                    !is_bound_of_noun(s, toks, phrase_start) && !is_bound_of_noun(s, toks, lead),
                ),
            },
        };
        out.push(LocalFigure {
            start: toks[e.first].start,
            end: toks[e.last].end,
            value: e.value,
            counted: counted.clone(),
            qualifier,
            is_percent: e.is_percent,
            fillable,
        });
        if let Some(e2) = second {
            out.push(LocalFigure {
                start: toks[e2.first].start,
                end: toks[e2.last].end,
                value: e2.value,
                counted,
                qualifier: None,
                is_percent: e2.is_percent || e.is_percent,
                fillable,
            });
            i = e2.last + 1;
        } else {
            i = next_i;
        }
    }
    // An elided noun is filled from the closest figure before it in the sentence: `Of the
    // 312 women …, 204 reported …` → `women`; `83 cases …, and we won 52` → `cases`.
    // A counted unit (`12 hours`, `30 days`) is used only when no counted thing is nearer.
    let mut last_thing: Option<String> = None;
    let mut last_unit: Option<String> = None;
    for f in &mut out {
        match &f.counted {
            Some(c) if super::numeric_lexer::is_unit_word(c.rsplit(' ').next().unwrap_or("")) => {
                last_unit = Some(c.clone());
            }
            Some(c) => last_thing = Some(c.clone()),
            None if f.fillable => f.counted = last_thing.clone().or_else(|| last_unit.clone()),
            None => {}
        }
    }
    out
}

/// Whether the number at `lead` bounds or ages a noun before it: `children under 14`, `girls
/// aged 14`, `women over 40`.
fn is_bound_of_noun(s: &str, toks: &[Token], lead: usize) -> bool {
    let mut buf = [0u8; 24];
    let p = lw_at(s, toks, lead.wrapping_sub(1), &mut buf).to_string();
    if matches!(p.as_str(), "aged" | "age" | "ages") {
        return true;
    }
    if matches!(p.as_str(), "under" | "over" | "above" | "below") && lead >= 2 {
        let mut b2 = [0u8; 24];
        return super::numeric_lexer::is_plural_like(lw_at(s, toks, lead - 2, &mut b2));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figs(text: &str) -> Vec<Figure> {
        let s = [SentenceRef {
            index: 0,
            start_byte: 0,
            text,
        }];
        FigureExtractor::new().extract(&s)
    }

    /// (text, value, counted, qualifier)
    fn check(text: &str, want: &[(&str, f64, Option<&str>, Option<&str>)]) {
        let got = figs(text);
        let ok = got.len() == want.len()
            && got.iter().zip(want).all(|(g, w)| {
                g.text == w.0
                    && (g.value - w.1).abs() < 1e-9
                    && g.counted.as_deref() == w.2
                    && g.qualifier.as_deref() == w.3
            });
        assert!(
            ok,
            "sentence: {text:?}\n got: {got:#?}\nwant: {want:?}\nhelp: see the rules in the module docs of figures.rs"
        );
    }

    #[test]
    fn digits_and_words() {
        check(
            "In 2012, 7 (seven) Colombian women were identified.",
            &[("7 (seven)", 7.0, Some("women"), None)],
        );
        check(
            "human trafficking affects some 70 thousand people each year",
            &[("70 thousand", 70000.0, Some("people"), Some("some"))],
        );
        check(
            "the group has grown to over twenty members",
            &[("twenty", 20.0, Some("members"), Some("over"))],
        );
        check(
            "one hundred and fifty-two girls",
            &[("one hundred and fifty-two", 152.0, Some("girls"), None)],
        );
        check(
            "twenty-five women",
            &[("twenty-five", 25.0, Some("women"), None)],
        );
        check(
            "1.5 billion dollars",
            &[("1.5 billion", 1.5e9, Some("dollars"), None)],
        );
    }

    #[test]
    fn fractions_and_percent() {
        check(
            "more two thirds of either gender",
            &[("two thirds", 0.667, Some("gender"), Some("more"))],
        );
        check(
            "more than half of the country’s population",
            &[("half", 0.5, Some("population"), Some("more than"))],
        );
        check(
            "nearly a third of victims",
            &[("third", 0.333, Some("victims"), Some("nearly"))],
        );
        check(
            "10% of domestic workers in Cali",
            &[("10%", 10.0, Some("domestic workers"), None)],
        );
        check(
            "30 per cent of girls",
            &[("30 per cent", 30.0, Some("girls"), None)],
        );
        check("rose to 40 percent.", &[("40 percent", 40.0, None, None)]);
    }

    #[test]
    fn not_figures() {
        for t in [
            "Colombia is one of the source countries.",
            "Module 2: Human Trafficking",
            "labour rights in article 41(1) which decrees",
            "(2) every worker has the right to; (a) fair remuneration",
            "Each year on March 8 – International Women’s Day",
            "this places it third in the ranking",
            "espaciosdemujer IWD1Each year",
            "ProRefugiucampaign2.jpgAs mentioned",
            "WOREC has a three-pronged approach",
            "the COVID-19 pandemic",
            "call +977 1 4373 817",
            "We met at 10:30 and at 9 am.",
            "no one came",
            "the one which responds well",
            "the 1st and 2nd rounds",
            "In 2009 GAATW strengthened",
            "the One Stop Crisis Centre",
        ] {
            let got = figs(t);
            assert!(
                got.is_empty(),
                "sentence: {t:?}\n got: {got:#?}\nwant: nothing"
            );
        }
    }

    #[test]
    fn ranges_share_counted() {
        check(
            "between 200 and 300 women",
            &[
                ("200", 200.0, Some("women"), None),
                ("300", 300.0, Some("women"), None),
            ],
        );
        check(
            "15–20 girls",
            &[
                ("15", 15.0, Some("girls"), None),
                ("20", 20.0, Some("girls"), None),
            ],
        );
    }

    #[test]
    fn year_of_figure() {
        let doc = "In 2011 around 743 victims were found. Around 30% of victims are children.";
        let s = [
            SentenceRef {
                index: 0,
                start_byte: 0,
                text: &doc[..38],
            },
            SentenceRef {
                index: 1,
                start_byte: 39,
                text: &doc[39..],
            },
        ];
        let f = FigureExtractor::new().extract(&s);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].year, Some(2011));
        assert_eq!(f[1].year, Some(2011));
        assert_eq!(&doc[f[1].start_byte..f[1].end_byte], "30%");
        assert!(f[1].is_percent);
    }

    /// One table-driven case of `testdata/figures/*.toml`.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Case {
        name: String,
        text: Option<String>,
        sentences: Option<Vec<String>>,
        #[serde(default)]
        figure: Vec<Expected>,
    }

    /// An expected figure; omitted keys mean none / false.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Expected {
        text: String,
        value: f64,
        counted: Option<String>,
        qualifier: Option<String>,
        #[serde(default)]
        percent: bool,
        year: Option<i32>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct File {
        case: Vec<Case>,
    }

    /// Runs one TOML file; returns the failure messages (each prints the whole records).
    fn run_table(file: &str, src: &str) -> Vec<String> {
        let parsed: File = toml::from_str(src).unwrap_or_else(|e| panic!("{file}: {e}"));
        let extractor = FigureExtractor::new();
        let mut failures = Vec::new();
        for case in parsed.case {
            let parts: Vec<String> = match (&case.text, &case.sentences) {
                (Some(t), None) => vec![t.clone()],
                (None, Some(v)) => v.clone(),
                _ => panic!(
                    "{file}: case {:?} needs exactly one of `text`, `sentences`",
                    case.name
                ),
            };
            let doc = parts.join(" ");
            let mut sentences = Vec::new();
            let mut at = 0;
            for (n, p) in parts.iter().enumerate() {
                sentences.push(SentenceRef {
                    index: n as u32,
                    start_byte: at,
                    text: &doc[at..at + p.len()],
                });
                at += p.len() + 1;
            }
            let got = extractor.extract(&sentences);
            for f in &got {
                assert_eq!(
                    &doc[f.start_byte..f.end_byte],
                    f.text,
                    "span must slice back"
                );
            }
            let same = got.len() == case.figure.len()
                && got.iter().zip(&case.figure).all(|(g, w)| {
                    g.text == w.text
                        && (g.value - w.value).abs() <= 0.0005 * w.value.abs().max(1.0)
                        && g.counted == w.counted
                        && g.qualifier == w.qualifier
                        && g.is_percent == w.percent
                        && g.year == w.year
                });
            if !same {
                failures.push(format!(
                    "{file}: case {:?}\n  text: {doc:?}\n  got:  {got:#?}\n  want: {:#?}",
                    case.name, case.figure
                ));
            }
        }
        failures
    }

    #[test]
    fn table_cases() {
        let files = [
            (
                "tests/data/figures/sample.toml",
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/data/figures/sample.toml"
                )),
            ),
            (
                "tests/data/figures/rules.toml",
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/data/figures/rules.toml"
                )),
            ),
            (
                "tests/data/figures/invented.toml",
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/data/figures/invented.toml"
                )),
            ),
        ];
        let failures: Vec<String> = files.iter().flat_map(|(f, s)| run_table(f, s)).collect();
        assert!(
            failures.is_empty(),
            "{} failing case(s):\n{}\nhelp: fix the rule in figures.rs / numeric_lexer.rs, or the expectation in the TOML file",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn huge_and_empty_input() {
        let long = format!("{} women and {} billion", "9".repeat(400), "9".repeat(300));
        for f in figs(&long) {
            assert!(f.value.is_finite(), "{f:#?}");
        }
        assert!(figs("").is_empty());
        assert!(figs("   \n\t ").is_empty());
        assert!(figs("ünïcödé ٢٠ 二十 ½").is_empty());
    }

    #[test]
    fn send_sync() {
        fn is<T: Send + Sync>() {}
        is::<FigureExtractor>();
        is::<super::super::years::YearExtractor>();
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces that exercise the number paths: digits, separators, number words, hedges.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,6}",
            "[0-9]{1,5}",
            "[0-9]{1,3}(,[0-9]{3}){0,2}(\\.[0-9]{1,2})?",
            prop::sample::select(vec![
                "one",
                "two",
                "thirds",
                "half",
                "a",
                "quarter",
                "hundred",
                "and",
                "twenty",
                "-",
                "–",
                "(",
                ")",
                "%",
                "per",
                "cent",
                "of",
                "in",
                "to",
                "between",
                "the",
                "women",
                "Colombian",
                "years",
                "old",
                "more",
                "than",
                "around",
                "March",
                "2012",
                "1990s",
                "’",
                "s",
                "/",
                ".",
                ",",
                "+",
                "$",
                "USD",
                "article",
                "no",
                "é",
                "\u{0}",
                "٢",
                "ß",
                "thousands",
                "tens",
                "dozen",
                "one-stop",
                "five-year",
            ])
            .prop_map(str::to_string),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,80}",
            ".{0,40}",
            prop::collection::vec(piece(), 0..24).prop_map(|v| v.join(" ")),
            prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat()),
        ]
    }

    /// Splits `doc` into sentences at char boundaries given by `cuts`.
    fn split<'a>(doc: &'a str, cuts: &[usize]) -> Vec<SentenceRef<'a>> {
        let mut bounds: Vec<usize> = cuts
            .iter()
            .map(|c| c % (doc.len() + 1))
            .filter(|&c| doc.is_char_boundary(c))
            .collect();
        bounds.push(0);
        bounds.push(doc.len());
        bounds.sort_unstable();
        bounds.dedup();
        bounds
            .windows(2)
            .enumerate()
            .map(|(n, w)| SentenceRef {
                index: n as u32,
                start_byte: w[0],
                text: &doc[w[0]..w[1]],
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn figures_never_panic_and_spans_slice_back(doc in text(), cuts in prop::collection::vec(0usize..200, 0..4)) {
            let sentences = split(&doc, &cuts);
            let figures = FigureExtractor::new().extract(&sentences);
            let mut prev_end = 0;
            for f in &figures {
                prop_assert_eq!(doc.get(f.start_byte..f.end_byte), Some(f.text.as_str()));
                prop_assert!(f.start_byte < f.end_byte);
                prop_assert!(f.start_byte >= prev_end, "overlap: {:?}", figures);
                prop_assert!(f.value.is_finite());
                prev_end = f.end_byte;
            }
            let years = YearExtractor::new().extract(&sentences);
            let mut prev_end = 0;
            for y in &years {
                prop_assert_eq!(doc.get(y.start_byte..y.end_byte), Some(y.text.as_str()));
                prop_assert!(y.start_byte >= prev_end, "overlap: {:?}", years);
                prop_assert!(y.range_end.is_none_or(|e| e > y.year));
                prev_end = y.end_byte;
            }
            // Figures never take a year's span.
            for f in &figures {
                prop_assert!(years.iter().all(|y| y.end_byte <= f.start_byte || y.start_byte >= f.end_byte),
                    "figure {:?} overlaps a year in {:?}", f, years);
            }
        }
    }
}
