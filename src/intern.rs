//! A string interner: each distinct string stored once, named by a dense `u32` id in order of
//! first appearance. Used for the corpus-wide keys of the aggregates (stems, n-gram phrases),
//! where a map from string to id plus a list of strings would hold every string twice.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Distinct strings with dense ids.
#[derive(Debug, Clone)]
pub struct Interner {
    /// The strings, one after another in order of id.
    text: String,
    /// Where each string starts in `text`, by id, and where the last one ends: one more entry
    /// than strings, starting with 0.
    starts: Vec<usize>,
    /// The strings' ids with their place in `text`, hashed by their string: a lookup reads the
    /// table and then the text, with no list of strings in between.
    table: HashTable<Slot>,
}

/// A string's entry in the table.
#[derive(Debug, Clone, Copy)]
struct Slot {
    id: u32,
    len: u32,
    start: usize,
}

impl Slot {
    /// The slot's string in `text`, the interner's buffer.
    fn text(self, text: &str) -> &str {
        &text[self.start..self.start + self.len as usize]
    }
}

impl Default for Interner {
    fn default() -> Interner {
        Interner::with_capacity(0, 0)
    }
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// An empty interner with room for `strings` strings of `bytes` bytes in all.
    fn with_capacity(strings: usize, bytes: usize) -> Interner {
        let mut starts = Vec::with_capacity(strings + 1);
        starts.push(0);
        Interner {
            text: String::with_capacity(bytes),
            starts,
            table: HashTable::with_capacity(strings),
        }
    }

    fn hash(text: &str) -> u64 {
        FxBuildHasher.hash_one(text)
    }

    fn find(&self, hash: u64, text: &str) -> Option<u32> {
        self.table
            .find(hash, |slot| {
                slot.len as usize == text.len() && slot.text(&self.text) == text
            })
            .map(|slot| slot.id)
    }

    /// The id of `text`, if interned.
    pub fn get(&self, text: &str) -> Option<u32> {
        self.find(Interner::hash(text), text)
    }

    /// The id of `text`, interning it if new.
    ///
    /// # Panics
    /// If `text` is 4 GiB or longer, or more than `u32::MAX` strings are interned.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = Interner::hash(text);
        if let Some(id) = self.find(hash, text) {
            return id;
        }
        let slot = Slot {
            id: u32::try_from(self.len()).expect("fewer than 2^32 distinct strings"),
            len: u32::try_from(text.len()).expect("an interned string is shorter than 4 GiB"),
            start: self.text.len(),
        };
        self.text.push_str(text);
        self.starts.push(self.text.len());
        let whole = &self.text;
        self.table
            .insert_unique(hash, slot, |slot| Interner::hash(slot.text(whole)));
        slot.id
    }

    /// The string of `id`.
    ///
    /// # Panics
    /// If `id` was not returned by this interner.
    pub fn resolve(&self, id: u32) -> &str {
        let id = id as usize;
        &self.text[self.starts[id]..self.starts[id + 1]]
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The strings, by id.
    pub fn strings(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.starts.windows(2).map(|w| &self.text[w[0]..w[1]])
    }
}

/// Serialised as the list of strings; the table is rebuilt when read.
impl Serialize for Interner {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.strings())
    }
}

impl<'de> Deserialize<'de> for Interner {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Interner, D::Error> {
        let strings = Vec::<Box<str>>::deserialize(deserializer)?;
        let bytes = strings.iter().map(|s| s.len()).sum();
        let mut interner = Interner::with_capacity(strings.len(), bytes);
        for s in strings {
            let before = interner.len();
            if interner.intern(&s) as usize != before {
                return Err(serde::de::Error::custom(format!(
                    "string `{s}` is interned twice"
                )));
            }
        }
        Ok(interner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_stable() {
        let mut i = Interner::new();
        assert_eq!(i.intern("labour"), 0);
        assert_eq!(i.intern("forced labour"), 1);
        assert_eq!(i.intern("labour"), 0);
        assert_eq!(i.get("forced labour"), Some(1));
        assert_eq!(i.get("missing"), None);
        assert_eq!(i.resolve(1), "forced labour");
        assert_eq!(i.len(), 2);
        assert_eq!(i.strings().collect::<Vec<_>>(), ["labour", "forced labour"]);
        // The empty string is a string like any other.
        assert_eq!(i.intern(""), 2);
        assert_eq!(i.resolve(2), "");
        assert_eq!(i.get(""), Some(2));
        assert!(Interner::new().is_empty() && Interner::new().strings().len() == 0);
    }

    #[test]
    fn survives_serialisation() {
        let mut i = Interner::new();
        for w in ["a", "b", "c", "b"] {
            i.intern(w);
        }
        let bytes = postcard::to_stdvec(&i).unwrap();
        let back: Interner = postcard::from_bytes(&bytes).unwrap();
        assert!(back.strings().eq(i.strings()));
        assert_eq!(back.strings().collect::<Vec<_>>(), ["a", "b", "c"]);
        // The same bytes as a list of strings.
        assert_eq!(bytes, postcard::to_stdvec(&vec!["a", "b", "c"]).unwrap());
        assert_eq!(back.get("c"), Some(2));
        let twice = postcard::to_stdvec(&vec!["a", "a"]).unwrap();
        assert!(postcard::from_bytes::<Interner>(&twice).is_err());
    }
}
