//! One worker's vocabulary for one language: every distinct normal form it has seen, once,
//! with whether it is a content word and its Snowball stem, both worked out the first time
//! the form occurs. Stemming the same word again and again is the usual waste of a
//! tokenise → stem → count loop; here a form costs one hash lookup per occurrence, and its
//! stem is computed once per worker.
//!
//! Precondition: forms are already normalised (lowercase NFC, `’` as `'`; see
//! [`crate::analyse::tokenize::normalize`]).

use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::analyse::language::Language;

/// A form's id in its [`Vocabulary`].
pub type FormId = u32;

/// Where a form's text is in `Vocabulary::text`.
#[derive(Debug, Clone, Copy)]
struct Form {
    start: u32,
    end: u32,
}

/// Where a form's stem is in its vocabulary (see [`Vocabulary::stem_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stem {
    start: u32,
    end: u32,
}

/// A form's slot in the hash table: everything a token's lookup needs, in one place, so that
/// a lookup touches one slot (and the form's text only past its first eight bytes).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The form's [`FormKey`], apart: in one field its padding would make slots larger.
    head: u64,
    len: u32,
    id: FormId,
    /// The pass that last saw the form (see [`Vocabulary::begin`]) and the form's index in
    /// that pass.
    seen_in: u32,
    local: u32,
    is_content: bool,
    stem: Stem,
}

impl Slot {
    fn key(&self) -> FormKey {
        FormKey {
            head: self.head,
            len: self.len,
        }
    }
}

/// The first eight bytes of `form` as a little-endian number, zero-padded (read without a
/// call to `memcpy`: this runs once per token).
pub(crate) fn head(form: &[u8]) -> u64 {
    let n = form.len();
    if let Some(first) = form.first_chunk::<8>() {
        u64::from_le_bytes(*first)
    } else if n >= 4 {
        // Two overlapping four-byte reads; the bytes they share are the same in both.
        let low = u32::from_le_bytes([form[0], form[1], form[2], form[3]]);
        let high = u32::from_le_bytes([form[n - 4], form[n - 3], form[n - 2], form[n - 1]]);
        u64::from(low) | u64::from(high) << (8 * (n - 4))
    } else if n > 0 {
        u64::from(form[0])
            | u64::from(form[n / 2]) << (8 * (n / 2))
            | u64::from(form[n - 1]) << (8 * (n - 1))
    } else {
        0
    }
}

/// The text of form `id`, whose text is in `text`.
fn form_text<'a>(text: &'a str, forms: &[Form], id: FormId) -> &'a [u8] {
    let f = &forms[id as usize];
    &text.as_bytes()[f.start as usize..f.end as usize]
}

/// What finding a form compares before its text: its first eight bytes (see [`head`]) and its
/// length. Forms of up to eight bytes with the same key are the same; longer ones are told
/// apart by their bytes past the eighth. The vocabulary finds its forms this way, and the theme
/// matcher the words it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormKey {
    head: u64,
    len: u32,
}

impl FormKey {
    /// The key of `form`, and the form's hash.
    #[inline]
    pub(crate) fn of(form: &[u8]) -> (FormKey, u64) {
        let key = FormKey {
            head: head(form),
            len: form.len() as u32,
        };
        (key, key.hash(form))
    }

    /// The hash of `form`, whose key this is: the form's text is read only past its eighth
    /// byte.
    #[inline]
    pub(crate) fn hash(self, form: &[u8]) -> u64 {
        let mut hasher = FxBuildHasher.build_hasher();
        hasher.write_u64(self.head);
        hasher.write_usize(form.len());
        if let Some(rest) = form.get(8..) {
            hasher.write(rest);
        }
        hasher.finish()
    }

    /// Whether a form kept with this key, whose text `kept` gives, is `form` (of key `key`):
    /// `kept` is called only when the keys are equal and the form is longer than eight bytes.
    #[inline]
    pub(crate) fn finds<'t>(
        self,
        key: FormKey,
        form: &[u8],
        kept: impl FnOnce() -> &'t [u8],
    ) -> bool {
        self == key && (form.len() <= 8 || kept()[8..] == form[8..])
    }

    /// The form's length in bytes.
    #[inline]
    pub(crate) fn len(self) -> usize {
        self.len as usize
    }
}

/// One token's lookup: see [`Vocabulary::visit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    /// The form's id in the vocabulary.
    pub id: FormId,
    /// Its index in the current pass.
    pub local: u32,
    /// True on its first occurrence in the pass.
    pub first: bool,
    /// Not a stopword, not a bare number.
    pub is_content: bool,
    /// Its stem.
    pub stem: Stem,
}

/// The vocabulary of one language, kept by one worker across units.
pub struct Vocabulary {
    language: Language,
    engine: rust_stemmers::Stemmer,
    /// Slots hashed by the form's text.
    table: HashTable<Slot>,
    text: String,
    forms: Vec<Form>,
    stems: String,
    /// The current pass (one per unit); forms from earlier passes are not in it yet. New
    /// slots say pass 0, which never is the current one.
    pass: u32,
}

/// The vocabulary is emptied past this many forms, or this many bytes of forms or stems, so
/// memory stays bounded on huge vocabularies and offsets fit in `u32` (a unit's forms are
/// never dropped while it is being read).
const FORM_LIMIT: usize = 500_000;
const TEXT_LIMIT: usize = 1 << 28;

impl Vocabulary {
    /// An empty vocabulary for `language`.
    pub fn new(language: Language) -> Vocabulary {
        Vocabulary {
            language,
            engine: rust_stemmers::Stemmer::create(language.algorithm()),
            table: HashTable::new(),
            text: String::new(),
            forms: Vec::new(),
            stems: String::new(),
            pass: 1,
        }
    }

    /// The language of this vocabulary.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Starts a new pass (one unit): [`Vocabulary::visit`] numbers forms afresh.
    pub fn begin(&mut self) {
        if self.forms.len() >= FORM_LIMIT
            || self.text.len() >= TEXT_LIMIT
            || self.stems.len() >= TEXT_LIMIT
            || self.pass == u32::MAX
        {
            self.empty();
        }
        self.pass += 1;
    }

    /// Forgets every form: ids and stems handed out before are void.
    pub(crate) fn empty(&mut self) {
        self.table.clear();
        self.text.clear();
        self.forms.clear();
        self.stems.clear();
        self.pass = 1;
    }

    /// Looks `form` up, adding it when new (`is_content` decides whether a new form is a
    /// content word). A form not yet seen in this pass gets index `next` in it.
    pub fn visit(&mut self, form: &str, next: u32, is_content: impl FnOnce(&str) -> bool) -> Visit {
        let pass = self.pass;
        let slot = self.slot(form, is_content);
        let first = slot.seen_in != pass;
        if first {
            slot.seen_in = pass;
            slot.local = next;
        }
        Visit {
            id: slot.id,
            local: slot.local,
            first,
            is_content: slot.is_content,
            stem: slot.stem,
        }
    }

    /// The slot of `form`, added when new.
    fn slot(&mut self, form: &str, is_content: impl FnOnce(&str) -> bool) -> &mut Slot {
        let bytes = form.as_bytes();
        let (key, form_hash) = FormKey::of(bytes);
        let Vocabulary {
            table,
            text,
            forms,
            stems,
            engine,
            ..
        } = self;
        // Nearly every token finds its form: a plain lookup first, the insertion (which may
        // grow the table) only for a new form.
        let found = table.find_entry(form_hash, |slot| {
            slot.key()
                .finds(key, bytes, || form_text(text, forms, slot.id))
        });
        match found {
            Ok(slot) => slot.into_mut(),
            Err(absent) => {
                let id = forms.len() as FormId;
                let start = text.len() as u32;
                text.push_str(form);
                let is_content = is_content(form);
                let stem_start = stems.len() as u32;
                stems.push_str(&engine.stem(form));
                let stem = Stem {
                    start: stem_start,
                    end: stems.len() as u32,
                };
                forms.push(Form {
                    start,
                    end: text.len() as u32,
                });
                let slot = Slot {
                    head: key.head,
                    len: key.len,
                    id,
                    seen_in: 0,
                    local: 0,
                    is_content,
                    stem,
                };
                let rehash = |slot: &Slot| slot.key().hash(form_text(text, forms, slot.id));
                absent
                    .into_table()
                    .insert_unique(form_hash, slot, rehash)
                    .into_mut()
            }
        }
    }

    /// The text of a stem handed out since the vocabulary was last emptied.
    pub fn stem_text(&self, stem: Stem) -> &str {
        &self.stems[stem.start as usize..stem.end as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem_of(vocabulary: &mut Vocabulary, word: &str) -> String {
        vocabulary.begin();
        let stem = vocabulary.visit(word, 0, |_| true).stem;
        vocabulary.stem_text(stem).to_string()
    }

    #[test]
    fn form_keys_tell_forms_apart_past_eight_bytes() {
        let of = |form: &str| FormKey::of(form.as_bytes()).0;
        // Equal keys: the same first eight bytes and length. Past eight bytes only the text
        // tells the forms apart, and is read only then.
        let (a, b) = ("trafficked", "trafficker");
        assert_eq!(of(a), of(b));
        assert!(of(a).finds(of(a), a.as_bytes(), || a.as_bytes()));
        assert!(!of(a).finds(of(b), b.as_bytes(), || a.as_bytes()));
        // Up to eight bytes the key is the form: its text is never read.
        for form in ["", "a", "ab", "abc", "women", "traffick"] {
            let unread = || -> &[u8] { panic!("`{form}`: text read") };
            assert!(of(form).finds(of(form), form.as_bytes(), unread));
        }
        assert_ne!(of("abc"), of("acb"));
        assert_ne!(of("traffick"), of("trafficke"));
        assert_eq!(of("women").len(), 5);
    }

    #[test]
    fn heads_are_the_first_eight_bytes_zero_padded() {
        for form in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdef",
            "abcdefg",
            "abcdefgh",
            "abcdefghij",
        ] {
            let mut bytes = [0u8; 8];
            let n = form.len().min(8);
            bytes[..n].copy_from_slice(&form.as_bytes()[..n]);
            assert_eq!(head(form.as_bytes()), u64::from_le_bytes(bytes), "{form:?}");
        }
    }

    #[test]
    fn stems_with_the_language_given() {
        let mut en = Vocabulary::new(Language::English);
        assert_eq!(stem_of(&mut en, "trafficking"), "traffick");
        assert_eq!(stem_of(&mut en, "women's"), "women");
        let mut es = Vocabulary::new(Language::Spanish);
        assert_eq!(stem_of(&mut es, "trabajadoras"), "trabaj");
        assert_eq!(es.language(), Language::Spanish);
    }

    #[test]
    fn forms_are_numbered_per_pass_and_known_across_passes() {
        let mut v = Vocabulary::new(Language::English);
        v.begin();
        let a = v.visit("rights", 0, |_| true);
        let b = v.visit("the", 1, |_| false);
        let a2 = v.visit("rights", 2, |_| unreachable!("known form"));
        assert_eq!((a.local, a.first, a.is_content), (0, true, true));
        assert_eq!((b.local, b.first, b.is_content), (1, true, false));
        assert_eq!((a2.id, a2.local, a2.first), (a.id, 0, false));
        assert_ne!(a.id, b.id);
        assert_eq!(v.stem_text(a.stem), "right");
        // The next pass numbers forms afresh but keeps what it knows of them.
        v.begin();
        let b3 = v.visit("the", 0, |_| unreachable!("known form"));
        assert_eq!(
            (b3.id, b3.local, b3.first, b3.is_content),
            (b.id, 0, true, false)
        );
        assert_eq!(v.stem_text(b3.stem), "the");
        assert_eq!(v.stem_text(a.stem), "right");
    }

    #[test]
    fn long_forms_sharing_their_first_eight_bytes_are_told_apart() {
        let mut v = Vocabulary::new(Language::English);
        v.begin();
        let words = [
            "organisation",
            "organisations",
            "organisatio",
            "organisa",
            "organis",
        ];
        let ids: Vec<FormId> = words
            .iter()
            .enumerate()
            .map(|(i, w)| v.visit(w, i as u32, |_| true).id)
            .collect();
        v.begin();
        for (i, w) in words.iter().enumerate() {
            let again = v.visit(w, i as u32, |_| unreachable!("known form"));
            assert_eq!((again.id, again.first), (ids[i], true), "{w}");
        }
        let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), words.len());
    }

    #[test]
    fn a_full_vocabulary_is_emptied_between_passes_only() {
        let mut v = Vocabulary::new(Language::English);
        v.begin();
        for i in 0..FORM_LIMIT + 10 {
            v.visit(&format!("w{i}"), i as u32, |_| true);
        }
        assert_eq!(v.forms.len(), FORM_LIMIT + 10);
        v.begin();
        assert!(v.forms.is_empty());
        let again = v.visit("again", 0, |_| true);
        assert_eq!((again.id, again.local, again.first), (0, 0, true));
        assert_eq!(v.stem_text(again.stem), "again");
    }
}
