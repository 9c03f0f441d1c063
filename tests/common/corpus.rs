//! A deterministic test corpus: interview newsletters built from the paragraphs of the
//! bundled sample, `input/gaatw-alliance-news.txt`.
//!
//! [`write_corpus`] writes `documents` plain-text files into a folder, most of them at its top
//! (`doc-0001.txt`, `doc-0002.txt`, …) and every twentieth one, starting with the fourth, in a
//! `reports/` subfolder (`reports/doc-0004.txt`, …), so that folder discovery is exercised too.
//!
//! Each document looks like one issue of a member newsletter: a masthead (text before the first
//! interview, which belongs to no unit), then one to three interviews. Every interview has a
//! title line in the form `ORGANISATION, Country: Title`, a heading in one of the English forms
//! themata recognises (`Interview with NAME, ORGANISATION`, `An interview with NAME of
//! ORGANISATION`, `Summary of conversation with NAME, ORGANISATION`, `Summarised conversation
//! with NAME of ORGANISATION`), an introduction, question and answer paragraphs taken from the
//! sample, and sometimes a contact block with the page boilerplate the sample has. In the
//! paragraphs taken from the sample, the sample's organisations and countries are replaced by
//! the interview's own, so that each interview reads as being about one organisation in one
//! country. Organisations are invented; countries are real, so that the gazetteer knows them.
//! Documents are between 2 KB and 20 KB.
//!
//! Everything is fixed by the document's number: the only source of variation is a small
//! integer hash (SplitMix64) seeded with a constant and the document's number. The same call
//! writes the same bytes on every machine and every run, and the first `k` documents of a
//! larger corpus are the documents of a corpus of `k`.
//!
//! Used by the integration tests (`mod common;`) and by `examples/make_corpus.rs`, which
//! includes this file by path; it depends on `std` only.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// The sample newsletter whose paragraphs every document is made of.
const SAMPLE: &str = include_str!("../../input/gaatw-alliance-news.txt");

/// The seed of every document's random stream, mixed with the document's number.
const SEED: u64 = 0x7448_454d_4154_4131;

/// The smallest size a document is aimed at, in bytes (a little over 2 KB).
const MIN_TARGET: usize = 2_300;
/// The largest size a document is aimed at, in bytes.
const MAX_TARGET: usize = 17_500;
/// No document grows past this many bytes (20 KB is 20,480): a paragraph that would take it
/// past this size is left out.
const HARD_CAP: usize = 20_000;

/// Invented organisation names. None holds a country's name, a comma or the word "of", so
/// that both heading forms ("NAME, ORGANISATION" and "NAME of ORGANISATION") read unambiguously.
const ORGANISATIONS: &[&str] = &[
    "Harbour Light Collective",
    "Bridges for Migrant Women",
    "Open Doors Legal Centre",
    "Safe Passage Initiative",
    "Women Workers Forum",
    "New Dawn Association",
    "Kinship Support Network",
    "Fair Labour Watch",
    "Lantern Rights Trust",
    "Common Ground Alliance",
    "Riverbank Outreach",
    "Sisters in Solidarity",
    "Homeward Migrant Centre",
    "Clear Voice Foundation",
];

/// Real country names, all in the built-in gazetteer.
const COUNTRIES: &[&str] = &[
    "Nepal",
    "Kenya",
    "Colombia",
    "Romania",
    "Bangladesh",
    "Peru",
    "Thailand",
    "Nigeria",
    "Moldova",
    "India",
    "Mexico",
    "Ghana",
    "Cambodia",
    "Ukraine",
    "Indonesia",
    "Uganda",
];

/// Interviewees' first names (none is also a place name).
const FIRST_NAMES: &[&str] = &[
    "Amina", "Lucia", "Priya", "Grace", "Mariana", "Elena", "Farida", "Joyce", "Nadia", "Rosa",
    "Sunita", "Ioana", "Thandi", "Wanjiru", "Esther", "Malika",
];

/// Interviewees' last names (none is also a place name).
const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Mendoza",
    "Sharma",
    "Achieng",
    "Popescu",
    "Rahman",
    "Castillo",
    "Nguyen",
    "Mwangi",
    "Ionescu",
    "Haddad",
    "Moreno",
    "Tamang",
    "Osei",
    "Kovalenko",
    "Suarez",
];

/// The part of a title line after "ORGANISATION, Country: ".
const TITLES: &[&str] = &[
    "Safe Migration and Decent Work",
    "Legal Aid for Survivors of Trafficking",
    "Domestic Workers Organising for Their Rights",
    "Community Watch Groups Against Trafficking",
    "Knowledge, Awareness and Prevention",
    "Violence against Women Migrants",
    "Reuniting Survivors with Their Families",
    "Research with Women in the Informal Sector",
    "Campaigning in Schools with Young People",
    "Gender Equitable Participation in Community Development",
];

/// Roles in the contact blocks that close some interviews.
const ROLES: &[&str] = &[
    "Director",
    "Programme Coordinator",
    "Legal Officer",
    "Chairperson",
];

/// The organisation names of the sample, longest first, replaced by the interview's
/// organisation in the paragraphs taken from it.
const SAMPLE_ORGANISATIONS: &[&str] = &[
    "Corporación Espacios de Mujer",
    "Association Pro Refugiu",
    "Asociatia Pro Refugiu",
    "Espacios de Mujer",
    "Espacios de mujer",
    "Rights Jessore",
    "Pro Refugiu",
    "FIDA-Kenya",
    "FIDA Kenya",
    "Espacios",
    "WOREC",
    "FIDA",
];

/// The countries the sample's interviews are about, replaced by the interview's country.
const SAMPLE_COUNTRIES: &[&str] = &["Colombia", "Bangladesh", "Romania", "Nepal", "Kenya"];

/// A SplitMix64 stream: a fixed-seed integer hash, the corpus's only source of variation.
struct Stream(u64);

impl Stream {
    /// The stream of document number `index`.
    fn for_document(index: usize) -> Self {
        Stream(SEED ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    /// The next 64 pseudo-random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    /// One element of a non-empty slice.
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.between(0, items.len() - 1)]
    }
}

/// The sample's paragraphs, sorted by the part they can play in a document.
struct Paragraphs {
    /// The interviewer's questions: paragraphs ending in `?`, or a request ("Please can you…").
    questions: Vec<&'static str>,
    /// The paragraphs that open an interview in the sample (right after its heading).
    introductions: Vec<&'static str>,
    /// Every other paragraph of running text, used as answers.
    answers: Vec<&'static str>,
}

impl Paragraphs {
    /// Splits the sample at blank lines and sorts its paragraphs. Site headers, titles,
    /// headings, contact lines and labels (short lines that are not questions) and the
    /// spam-protection boilerplate are left out: documents get their own.
    fn from_sample() -> Self {
        let mut sorted = Paragraphs {
            questions: Vec::new(),
            introductions: Vec::new(),
            answers: Vec::new(),
        };
        let mut after_heading = false;
        for paragraph in SAMPLE
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let lower = paragraph.to_lowercase();
            if lower.contains("interview with") || lower.contains("conversation with") {
                after_heading = true;
                continue;
            }
            let question = paragraph.ends_with('?') || paragraph.starts_with("Please can you");
            if question {
                sorted.questions.push(paragraph);
            } else if paragraph.len() >= 120 && !paragraph.contains("This email address") {
                if after_heading {
                    sorted.introductions.push(paragraph);
                } else {
                    sorted.answers.push(paragraph);
                }
            } else {
                continue;
            }
            after_heading = false;
        }
        sorted
    }
}

/// One interview of a document: who, where, and in which heading form.
struct Interview {
    /// The organisation interviewed.
    organisation: &'static str,
    /// The country in the title line.
    country: &'static str,
    /// The interviewee, "FIRSTNAME LASTNAME".
    person: String,
}

impl Interview {
    /// Draws an interview's organisation, country and interviewee from `stream`.
    fn draw(stream: &mut Stream) -> Self {
        Interview {
            organisation: stream.pick(ORGANISATIONS),
            country: stream.pick(COUNTRIES),
            person: format!("{} {}", stream.pick(FIRST_NAMES), stream.pick(LAST_NAMES)),
        }
    }

    /// A paragraph of the sample, with the sample's organisations and countries replaced by
    /// this interview's.
    fn adapt(&self, paragraph: &str) -> String {
        let mut text = paragraph.to_owned();
        for name in SAMPLE_ORGANISATIONS {
            text = replace_word(&text, name, self.organisation);
        }
        for name in SAMPLE_COUNTRIES {
            text = replace_word(&text, name, self.country);
        }
        text
    }

    /// The title line and the heading line, the heading in the form numbered `form` (0–3).
    fn title_and_heading(&self, title: &str, form: usize) -> String {
        let (person, organisation) = (&self.person, self.organisation);
        let heading = match form % 4 {
            0 => format!("Interview with {person}, {organisation}"),
            1 => format!("An interview with {person} of {organisation}"),
            2 => format!("Summary of conversation with {person}, {organisation}"),
            _ => format!("Summarised conversation with {person} of {organisation}"),
        };
        format!("{organisation}, {}: {title}\n\n{heading}", self.country)
    }
}

/// Replaces each whole-word occurrence of `word` in `text` by `by`: an occurrence glued to a
/// letter or digit on either side ("Kenyan", "espaciosdemujer") is left as it is.
fn replace_word(text: &str, word: &str, by: &str) -> String {
    let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        // The character before the occurrence: in `rest`, else at the end of what is written.
        let before = match rest[..at].chars().next_back() {
            Some(c) => Some(c),
            None => out.chars().next_back(),
        };
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_word_char(before) || is_word_char(after) {
            out.push_str(word);
        } else {
            out.push_str(by);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// The text of document number `index` (counted from 0), made of `paragraphs`.
fn document(index: usize, paragraphs: &Paragraphs) -> String {
    let mut stream = Stream::for_document(index);
    let target = stream.between(MIN_TARGET, MAX_TARGET);
    let interviews = stream.between(1, 3);
    let months = ["March", "June", "September", "December"];

    // The masthead: text before the first interview, which belongs to no unit.
    let mut text = format!(
        "Alliance Member News\n\nVoices from the field, issue {} ({} {})\n\n",
        index + 1,
        stream.pick(&months),
        stream.between(2009, 2015),
    );
    for number in 0..interviews {
        let interview = Interview::draw(&mut stream);
        let form = stream.between(0, 3);
        let title = stream.pick(TITLES);
        // Interviews share what is left of the target; the last one takes the rest.
        let end = text.len() + (target.saturating_sub(text.len())) / (interviews - number);

        text.push_str(&interview.title_and_heading(title, form));
        text.push_str("\n\n");
        for _ in 0..stream.between(1, 2) {
            push_paragraph(
                &mut text,
                &interview.adapt(stream.pick(&paragraphs.introductions)),
            );
        }
        // Questions, each followed by one to three answer paragraphs, until the interview has
        // its share of the target; every interview gets at least one question and its answer.
        let mut asked = 0;
        while asked == 0 || text.len() < end {
            let question = interview.adapt(stream.pick(&paragraphs.questions));
            let answer = interview.adapt(stream.pick(&paragraphs.answers));
            if text.len() + question.len() + answer.len() + 4 > HARD_CAP {
                break;
            }
            push_paragraph(&mut text, &question);
            push_paragraph(&mut text, &answer);
            for _ in 1..stream.between(1, 3) {
                let more = interview.adapt(stream.pick(&paragraphs.answers));
                if text.len() + more.len() + 2 > HARD_CAP {
                    break;
                }
                push_paragraph(&mut text, &more);
            }
            asked += 1;
        }
        // One interview in three ends with a contact block, as in the sample.
        if stream.between(0, 2) == 0 {
            let mut contact = String::new();
            let _ = write!(
                contact,
                "Contact {}:\n\n{} – {}\n\nEmail: This email address is being protected from \
                 spambots. You need JavaScript enabled to view it.",
                interview.organisation,
                interview.person,
                stream.pick(ROLES),
            );
            if text.len() + contact.len() + 2 <= HARD_CAP {
                push_paragraph(&mut text, &contact);
            }
        }
    }
    text
}

/// Appends a paragraph and the blank line that ends it.
fn push_paragraph(text: &mut String, paragraph: &str) {
    text.push_str(paragraph);
    text.push_str("\n\n");
}

/// Writes a corpus of `documents` interview newsletters into `dir` (created if missing, with
/// its `reports/` subfolder): `doc-0001.txt`, `doc-0002.txt`, … at the top, and every twentieth
/// document from the fourth on in `reports/`. Numbers have at least four digits. Existing files
/// of the same names are overwritten; other files are left alone.
///
/// The output depends on `documents` alone: see the [module documentation](self).
pub fn write_corpus(dir: &Path, documents: usize) -> io::Result<()> {
    let paragraphs = Paragraphs::from_sample();
    let reports = dir.join("reports");
    fs::create_dir_all(&reports)?;
    let width = documents.to_string().len().max(4);
    for index in 0..documents {
        let name = format!("doc-{:0width$}.txt", index + 1);
        let path = if index % 20 == 3 {
            reports.join(name)
        } else {
            dir.join(name)
        };
        fs::write(path, document(index, &paragraphs))?;
    }
    Ok(())
}
