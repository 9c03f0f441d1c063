//! A string interner: each distinct string stored once, named by a dense `u32` id in order of
//! first appearance. Used for the corpus-wide keys of the aggregates (stems, n-gram phrases),
//! where a map from string to id plus a list of strings would hold every string twice.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Distinct strings with dense ids.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    strings: Vec<Box<str>>,
    /// Ids, hashed by their string.
    table: HashTable<u32>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    fn hash(text: &str) -> u64 {
        FxBuildHasher.hash_one(text)
    }

    /// The id of `text`, if interned.
    pub fn get(&self, text: &str) -> Option<u32> {
        self.table
            .find(Interner::hash(text), |&id| {
                &*self.strings[id as usize] == text
            })
            .copied()
    }

    /// The id of `text`, interning it if new.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = Interner::hash(text);
        let strings = &self.strings;
        if let Some(&id) = self.table.find(hash, |&id| &*strings[id as usize] == text) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(text.into());
        let strings = &self.strings;
        self.table
            .insert_unique(hash, id, |&id| Interner::hash(&strings[id as usize]));
        id
    }

    /// The string of `id`.
    ///
    /// # Panics
    /// If `id` was not returned by this interner.
    pub fn resolve(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// The strings, by id.
    pub fn strings(&self) -> &[Box<str>] {
        &self.strings
    }
}

/// Serialised as the list of strings; the table is rebuilt when read.
impl Serialize for Interner {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.strings.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Interner {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Interner, D::Error> {
        let strings = Vec::<Box<str>>::deserialize(deserializer)?;
        let mut interner = Interner {
            table: HashTable::with_capacity(strings.len()),
            strings: Vec::with_capacity(strings.len()),
        };
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
    }

    #[test]
    fn survives_serialisation() {
        let mut i = Interner::new();
        for w in ["a", "b", "c", "b"] {
            i.intern(w);
        }
        let bytes = postcard::to_stdvec(&i).unwrap();
        let back: Interner = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.strings(), i.strings());
        assert_eq!(back.get("c"), Some(2));
        let twice = postcard::to_stdvec(&vec!["a", "a"]).unwrap();
        assert!(postcard::from_bytes::<Interner>(&twice).is_err());
    }
}
