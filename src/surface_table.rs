//! Occurrences of each (surface form, stem) pair over the corpus, from which each stem gets
//! its readable term (its most frequent surface form).
//!
//! One hash table holds every pair with its stem's id and count, so that counting a unit's
//! surface forms takes one lookup per form. (A map of surfaces per stem takes two, the stem's
//! id and then the surface in the stem's map, and each touches memory far from the last.)

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Counts of (surface form, stem) pairs.
#[derive(Debug, Clone, Default)]
pub struct SurfaceTable {
    /// Each pair's surface form then its stem, one pair after another.
    text: String,
    table: HashTable<Pair>,
}

/// A pair's entry: where its text is, its stem's id and its count.
#[derive(Debug, Clone, Copy)]
struct Pair {
    start: usize,
    surface_len: u32,
    stem_len: u32,
    stem: u32,
    count: u64,
}

impl Pair {
    fn surface(self, text: &str) -> &str {
        &text[self.start..self.start + self.surface_len as usize]
    }

    fn stem(self, text: &str) -> &str {
        let start = self.start + self.surface_len as usize;
        &text[start..start + self.stem_len as usize]
    }
}

fn pair_hash(surface: &str, stem: &str) -> u64 {
    FxBuildHasher.hash_one((surface, stem))
}

impl SurfaceTable {
    /// An empty table.
    pub fn new() -> SurfaceTable {
        SurfaceTable::default()
    }

    /// Adds `count` occurrences of `surface` as a form of `stem`, and returns the stem's id:
    /// the one stored with the pair, or, for a new pair, the one `stem_id` gives.
    ///
    /// # Panics
    /// If a surface form or stem is 4 GiB or longer.
    pub fn add(
        &mut self,
        surface: &str,
        stem: &str,
        count: u64,
        stem_id: impl FnOnce() -> u32,
    ) -> u32 {
        let hash = pair_hash(surface, stem);
        let text = &self.text;
        let found = self.table.find_mut(hash, |p| {
            p.surface_len as usize == surface.len()
                && p.stem_len as usize == stem.len()
                && p.surface(text) == surface
                && p.stem(text) == stem
        });
        if let Some(pair) = found {
            pair.count += count;
            return pair.stem;
        }
        let pair = Pair {
            start: self.text.len(),
            surface_len: u32::try_from(surface.len()).expect("a surface is shorter than 4 GiB"),
            stem_len: u32::try_from(stem.len()).expect("a stem is shorter than 4 GiB"),
            stem: stem_id(),
            count,
        };
        self.text.push_str(surface);
        self.text.push_str(stem);
        let text = &self.text;
        self.table
            .insert_unique(hash, pair, |p| pair_hash(p.surface(text), p.stem(text)));
        pair.stem
    }

    /// Every pair as (surface, stem, stem id, count), in no particular order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str, u32, u64)> + '_ {
        self.table
            .iter()
            .map(|&p| (p.surface(&self.text), p.stem(&self.text), p.stem, p.count))
    }

    /// Number of distinct pairs.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no pair was added.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Each stem's most frequent surface form (ties: the alphabetically first), by stem id,
    /// for stem ids below `stems`; `None` for a stem without pairs.
    ///
    /// # Panics
    /// If a pair's stem id is `stems` or more.
    pub fn most_frequent(&self, stems: usize) -> Vec<Option<&str>> {
        let mut best: Vec<Option<(u64, &str)>> = vec![None; stems];
        for (surface, _, stem, count) in self.pairs() {
            let slot = &mut best[stem as usize];
            let better = match *slot {
                None => true,
                Some((n, s)) => count > n || (count == n && surface < s),
            };
            if better {
                *slot = Some((count, surface));
            }
        }
        best.into_iter().map(|b| b.map(|(_, s)| s)).collect()
    }
}

/// Serialised as the list of pairs, sorted, so that the same counts give the same bytes; the
/// table is rebuilt when read.
impl Serialize for SurfaceTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut pairs: Vec<_> = self.pairs().collect();
        pairs.sort_unstable_by(|a, b| (a.2, a.0).cmp(&(b.2, b.0)));
        serializer.collect_seq(pairs)
    }
}

impl<'de> Deserialize<'de> for SurfaceTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SurfaceTable, D::Error> {
        let pairs = Vec::<(Box<str>, Box<str>, u32, u64)>::deserialize(deserializer)?;
        let mut table = SurfaceTable::new();
        for (surface, stem, id, count) in pairs {
            let before = table.len();
            if table.add(&surface, &stem, count, || id) != id || table.len() == before {
                return Err(serde::de::Error::custom(format!(
                    "surface `{surface}` of stem `{stem}` is listed twice"
                )));
            }
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn counts_pairs_and_keeps_the_first_stem_id() {
        let mut t = SurfaceTable::new();
        assert!(t.is_empty());
        assert_eq!(t.add("Women", "women", 2, || 7), 7);
        assert_eq!(t.add("women", "women", 1, || 7), 7);
        // A known pair keeps its id: the closure is not called.
        assert_eq!(t.add("Women", "women", 3, || unreachable!()), 7);
        assert_eq!(t.add("right", "right", 1, || 0), 0);
        assert_eq!(t.len(), 3);
        let mut pairs: Vec<_> = t.pairs().collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("Women", "women", 7, 5),
                ("right", "right", 0, 1),
                ("women", "women", 7, 1)
            ]
        );
    }

    #[test]
    fn the_split_between_surface_and_stem_counts() {
        // The same bytes, split in two places: two pairs.
        let mut t = SurfaceTable::new();
        t.add("ab", "c", 1, || 0);
        t.add("a", "bc", 1, || 1);
        t.add("", "abc", 1, || 2);
        assert_eq!(t.len(), 3);
        assert_eq!(t.most_frequent(3), [Some("ab"), Some("a"), Some("")]);
    }

    #[test]
    fn most_frequent_breaks_ties_alphabetically() {
        let mut t = SurfaceTable::new();
        t.add("labor", "labor", 2, || 0);
        t.add("Labor", "labor", 2, || 0);
        t.add("labors", "labor", 1, || 0);
        t.add("women", "women", 1, || 2);
        assert_eq!(t.most_frequent(3), [Some("Labor"), None, Some("women")]);
    }

    #[test]
    fn survives_serialisation_and_rejects_repeats() {
        let mut t = SurfaceTable::new();
        t.add("Women", "women", 2, || 1);
        t.add("right", "right", 1, || 0);
        let bytes = postcard::to_stdvec(&t).unwrap();
        let back: SurfaceTable = postcard::from_bytes(&bytes).unwrap();
        let (mut a, mut b): (Vec<_>, Vec<_>) = (t.pairs().collect(), back.pairs().collect());
        a.sort();
        b.sort();
        assert_eq!(a, b);
        // Sorted by stem id, then surface.
        let listed = vec![("right", "right", 0u32, 1u64), ("Women", "women", 1, 2)];
        assert_eq!(bytes, postcard::to_stdvec(&listed).unwrap());
        let twice = vec![("a", "a", 0u32, 1u64), ("a", "a", 0, 1)];
        let twice = postcard::to_stdvec(&twice).unwrap();
        assert!(postcard::from_bytes::<SurfaceTable>(&twice).is_err());
    }

    proptest! {
        /// The table counts what a map of surfaces per stem counts, and picks the same term.
        #[test]
        fn matches_a_map_per_stem(
            rows in proptest::collection::vec(("[a-cA]{0,3}", "[a-c]{0,2}", 1u64..5), 0..60)
        ) {
            let mut table = SurfaceTable::new();
            let mut ids: BTreeMap<String, u32> = BTreeMap::new();
            let mut reference: BTreeMap<u32, BTreeMap<String, u64>> = BTreeMap::new();
            for (surface, stem, count) in &rows {
                let next = ids.len() as u32;
                let id = table.add(surface, stem, *count, || *ids.entry(stem.clone()).or_insert(next));
                prop_assert_eq!(Some(&id), ids.get(stem));
                *reference.entry(id).or_default().entry(surface.clone()).or_default() += count;
            }
            let mut got: Vec<_> = table.pairs().map(|(s, _, id, n)| (id, s.to_owned(), n)).collect();
            got.sort();
            let want: Vec<_> = reference
                .iter()
                .flat_map(|(&id, m)| m.iter().map(move |(s, &n)| (id, s.clone(), n)))
                .collect();
            prop_assert_eq!(got, want);
            let best = table.most_frequent(ids.len());
            for (id, surfaces) in &reference {
                let want = surfaces
                    .iter()
                    .max_by(|(s1, c1), (s2, c2)| c1.cmp(c2).then_with(|| s2.cmp(s1)))
                    .map(|(s, _)| s.as_str());
                prop_assert_eq!(best[*id as usize], want);
            }
        }
    }
}
