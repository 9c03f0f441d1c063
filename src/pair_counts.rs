//! Counts keyed by a pair of ids, for aggregates that outgrow memory on big corpora (the count
//! of every phrase in every organisation: tens of millions of pairs for a 500 MB corpus).
//!
//! Pairs are appended to a buffer of at most [`PairCounts::MEMORY_PAIRS`] pairs (about half
//! of [`MEMORY_BYTES`]; sorting takes the other half). When it is full it is *compacted*:
//! sorted by key, with the counts of equal keys summed. When that leaves it more than half
//! full, its pairs are written to a temporary file (a *run*) and the buffer starts again.
//! Appending and sorting read memory in order, where adding to a hash map of millions of
//! pairs reaches for a new cache line at every pair. Reading merges the runs and the buffer
//! in key order, summing the counts of equal keys, so the result is the same as one map would
//! give. Runs are unnamed temporary files in the folder given (the output folder in a run),
//! gone when the counts are dropped or the process ends. The count can be any fixed-size
//! additive value ([`Count`]): a `u32`, or several numbers summed apart.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::marker::PhantomData;
use std::path::PathBuf;

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::spill_file::FixedBytes;

/// A pair of ids.
pub type Key = (u32, u32);

/// Bytes the buffer and its sorting may take before a run is written: 48 MiB.
pub const MEMORY_BYTES: usize = 48 << 20;

/// Bytes of the largest count a run stores.
const MAX_COUNT_BYTES: usize = 24;

/// An additive value, stored in a run as its [`FixedBytes`].
pub trait Count: FixedBytes + Default {
    /// Adds `other` to this count (saturating where the sum could overflow).
    fn add(&mut self, other: Self);
}

/// A plain count, saturating at `u32::MAX`.
impl Count for u32 {
    fn add(&mut self, other: u32) {
        *self = self.saturating_add(other);
    }
}

/// Two counts summed apart (e.g. units holding a stem, and its occurrences).
impl Count for (u32, u64) {
    fn add(&mut self, other: (u32, u64)) {
        self.0 = self.0.saturating_add(other.0);
        self.1 = self.1.saturating_add(other.1);
    }
}

/// Counts of id pairs, spilled to sorted runs on disk past [`PairCounts::MEMORY_PAIRS`].
#[derive(Debug)]
pub struct PairCounts<V = u32> {
    /// Pairs not in a run yet: those of the last compaction (sorted, one per key), then those
    /// added since.
    pairs: Vec<(Key, V)>,
    /// Each run's file and number of pairs.
    runs: Vec<(File, u64)>,
    /// Where runs are written (the system's temporary folder when `None`).
    dir: Option<PathBuf>,
}

impl<V> Default for PairCounts<V> {
    fn default() -> PairCounts<V> {
        PairCounts {
            pairs: Vec::new(),
            runs: Vec::new(),
            dir: None,
        }
    }
}

/// Sorts `pairs` by key and sums the counts of equal keys. A radix sort on the key as one
/// `u64` (the first id in the high half: the same order as the pair's); stability does not
/// matter, since counts are summed.
fn compact<V: Count>(pairs: &mut Vec<(Key, V)>) {
    radsort::sort_by_key(pairs, |&((a, b), _)| (u64::from(a) << 32) | u64::from(b));
    pairs.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1.add(next.1);
        }
        same
    });
}

impl<V: Count> PairCounts<V> {
    /// Pairs the buffer holds before it is compacted: as many as fit in half of
    /// [`MEMORY_BYTES`] (2,097,152 for `u32` counts), the radix sort's copy taking the other
    /// half. Tests use a small number so that every test spills.
    pub const MEMORY_PAIRS: usize = if cfg!(test) {
        64
    } else {
        MEMORY_BYTES / 2 / size_of::<(Key, V)>()
    };

    /// Bytes of one pair in a run: both ids, then the count.
    const RECORD: usize = {
        assert!(V::BYTES <= MAX_COUNT_BYTES);
        8 + V::BYTES
    };

    /// Empty counts.
    pub fn new() -> PairCounts<V> {
        PairCounts::default()
    }

    /// Writes runs to `dir` from now on.
    pub fn spill_to(&mut self, dir: PathBuf) {
        self.dir = Some(dir);
    }

    /// Adds `n` to the count of `key`.
    ///
    /// # Errors
    /// When a run cannot be written.
    pub fn add(&mut self, key: Key, n: V) -> io::Result<()> {
        self.pairs.push((key, n));
        if self.pairs.len() >= Self::MEMORY_PAIRS {
            compact(&mut self.pairs);
            if self.pairs.len() > Self::MEMORY_PAIRS / 2 {
                self.spill()?;
            }
        }
        Ok(())
    }

    /// Writes the buffer's pairs, compacted, to a new run and empties the buffer.
    fn spill(&mut self) -> io::Result<()> {
        let dir = self.dir.clone().unwrap_or_else(std::env::temp_dir);
        let context = |e: io::Error| io::Error::new(e.kind(), format!("temporary file: {e}"));
        let file = tempfile::tempfile_in(&dir).map_err(context)?;
        let mut out = BufWriter::new(file);
        let mut record = [0u8; 8 + MAX_COUNT_BYTES];
        let record = &mut record[..Self::RECORD];
        for &(key, count) in &self.pairs {
            encode(key, count, record);
            out.write_all(record).map_err(context)?;
        }
        let file = out.into_inner().map_err(|e| context(e.into_error()))?;
        self.runs.push((file, self.pairs.len() as u64));
        self.pairs.clear();
        Ok(())
    }

    /// The buffer's pairs, compacted.
    fn sorted_pairs(&self) -> Vec<(Key, V)> {
        let mut pairs = self.pairs.clone();
        compact(&mut pairs);
        pairs
    }

    /// Every pair with its total count, in key order. One iteration at a time: each run is
    /// read from its file's start through the file's own position.
    ///
    /// # Errors
    /// Reading a run can fail; the iterator then yields the error.
    pub fn sorted(&self) -> Sorted<'_, V> {
        let mut sources: Vec<Source<'_, V>> = self
            .runs
            .iter()
            .map(|(file, pairs)| Source::Run {
                file: BufReader::new(file),
                left: *pairs,
            })
            .collect();
        sources.push(Source::Memory(self.sorted_pairs().into_iter()));
        Sorted {
            heads: vec![None; sources.len()],
            sources,
            started: false,
        }
    }
}

fn encode<V: Count>((a, b): Key, count: V, record: &mut [u8]) {
    (a, b).encode(&mut record[..8]);
    count.encode(&mut record[8..]);
}

fn decode<V: Count>(record: &[u8]) -> (Key, V) {
    (<(u32, u32)>::decode(&record[..8]), V::decode(&record[8..]))
}

enum Source<'a, V> {
    /// A run, read from its start (see [`Source::rewind`]), and its pairs not read yet.
    Run {
        file: BufReader<&'a File>,
        left: u64,
    },
    Memory(std::vec::IntoIter<(Key, V)>),
}

impl<V: Count> Source<'_, V> {
    /// Goes back to the first pair: a run's file was written, or read before, through the
    /// same file position.
    fn rewind(&mut self) -> io::Result<()> {
        match self {
            Source::Run { file, .. } => file.rewind(),
            Source::Memory(_) => Ok(()),
        }
    }

    fn next_pair(&mut self) -> io::Result<Option<(Key, V)>> {
        match self {
            Source::Run { file, left } => {
                if *left == 0 {
                    return Ok(None);
                }
                let mut record = [0u8; 8 + MAX_COUNT_BYTES];
                let record = &mut record[..PairCounts::<V>::RECORD];
                file.read_exact(record)?;
                *left -= 1;
                Ok(Some(decode(record)))
            }
            Source::Memory(pairs) => Ok(pairs.next()),
        }
    }
}

/// The pairs of [`PairCounts::sorted`].
pub struct Sorted<'a, V = u32> {
    sources: Vec<Source<'a, V>>,
    /// The next pair of each source (`None`: exhausted).
    heads: Vec<Option<(Key, V)>>,
    started: bool,
}

impl<V: Count> Iterator for Sorted<'_, V> {
    type Item = io::Result<(Key, V)>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.started {
            self.started = true;
            for (head, source) in self.heads.iter_mut().zip(&mut self.sources) {
                match source.rewind().and_then(|()| source.next_pair()) {
                    Ok(pair) => *head = pair,
                    Err(e) => return Some(Err(e)),
                }
            }
        }
        // Few sources (one per run of millions of pairs): a linear scan for the least key.
        let key = self.heads.iter().flatten().map(|&(k, _)| k).min()?;
        let mut total = V::default();
        for (head, source) in self.heads.iter_mut().zip(&mut self.sources) {
            if let Some((k, n)) = *head
                && k == key
            {
                total.add(n);
                match source.next_pair() {
                    Ok(pair) => *head = pair,
                    Err(e) => return Some(Err(e)),
                }
            }
        }
        Some(Ok((key, total)))
    }
}

/// Serialised as the sorted sequence of (key, count): the same bytes however the counts were
/// spilled.
impl<V: Count + Serialize> Serialize for PairCounts<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let error = |e: io::Error| serde::ser::Error::custom(e);
        let mut len = 0usize;
        for pair in self.sorted() {
            pair.map_err(error)?;
            len += 1;
        }
        let mut seq = serializer.serialize_seq(Some(len))?;
        for pair in self.sorted() {
            seq.serialize_element(&pair.map_err(error)?)?;
        }
        seq.end()
    }
}

impl<'de, V: Count + Deserialize<'de>> Deserialize<'de> for PairCounts<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PairCounts<V>, D::Error> {
        struct Pairs<V>(PhantomData<V>);
        impl<'de, V: Count + Deserialize<'de>> Visitor<'de> for Pairs<V> {
            type Value = PairCounts<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence of ((id, id), count)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PairCounts<V>, A::Error> {
                let mut counts = PairCounts::new();
                while let Some((key, n)) = seq.next_element::<(Key, V)>()? {
                    counts.add(key, n).map_err(serde::de::Error::custom)?;
                }
                Ok(counts)
            }
        }
        deserializer.deserialize_seq(Pairs(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn totals(counts: &PairCounts) -> Vec<(Key, u32)> {
        counts.sorted().collect::<io::Result<_>>().unwrap()
    }

    proptest! {
        /// Whatever the spilling, the pairs come out as one map would count them, in key order.
        #[test]
        fn spilled_counts_equal_one_map(adds in proptest::collection::vec(((0u32..20, 0u32..20), 1u32..5), 0..600)) {
            let mut counts = PairCounts::new();
            let mut reference: BTreeMap<Key, u32> = BTreeMap::new();
            for &(key, n) in &adds {
                counts.add(key, n).unwrap();
                *reference.entry(key).or_default() += n;
            }
            let expected: Vec<(Key, u32)> = reference.into_iter().collect();
            prop_assert_eq!(totals(&counts), expected.clone());
            // A second reading gives the same (runs are read from their start again).
            prop_assert_eq!(totals(&counts), expected.clone());
            // Through the serialised form.
            let bytes = postcard::to_stdvec(&counts).unwrap();
            let back: PairCounts = postcard::from_bytes(&bytes).unwrap();
            prop_assert_eq!(totals(&back), expected);
        }

        /// Counts of two numbers are summed apart, through runs too.
        #[test]
        fn pairs_of_counts_are_summed_apart(adds in proptest::collection::vec(((0u32..9, 0u32..30), 1u32..3, 1u64..1000), 0..400)) {
            let mut counts: PairCounts<(u32, u64)> = PairCounts::new();
            let mut reference: BTreeMap<Key, (u32, u64)> = BTreeMap::new();
            for &(key, units, n) in &adds {
                counts.add(key, (units, n)).unwrap();
                let entry = reference.entry(key).or_default();
                entry.0 += units;
                entry.1 += n;
            }
            let got: Vec<(Key, (u32, u64))> = counts.sorted().collect::<io::Result<_>>().unwrap();
            prop_assert_eq!(got, reference.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn pairs_come_in_order_of_both_ids_whatever_their_size() {
        let mut counts = PairCounts::new();
        let keys = [
            (u32::MAX, 0),
            (0, u32::MAX),
            (1, 0),
            (0, 1),
            (u32::MAX, u32::MAX),
            (1, 1),
        ];
        for key in keys {
            counts.add(key, 1).unwrap();
        }
        let mut expected: Vec<(Key, u32)> = keys.iter().map(|&k| (k, 1)).collect();
        expected.sort();
        assert_eq!(totals(&counts), expected);
    }

    #[test]
    fn a_full_map_goes_to_a_run() {
        let mut counts = PairCounts::new();
        for i in 0..(PairCounts::<u32>::MEMORY_PAIRS as u32 * 3) {
            counts.add((i % 200, i), 1).unwrap();
        }
        counts.add((0, 0), u32::MAX).unwrap();
        assert!(counts.runs.len() >= 2, "{} runs", counts.runs.len());
        let pairs = totals(&counts);
        assert_eq!(pairs.len(), PairCounts::<u32>::MEMORY_PAIRS * 3);
        assert_eq!(pairs[0], ((0, 0), u32::MAX), "saturates across runs");
        assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn repeated_pairs_stay_in_memory() {
        // Compacting a buffer of repeats leaves a few pairs: no run is written.
        let mut counts = PairCounts::new();
        let mut expected = [((0, 7), 0), ((1, 7), 0), ((2, 7), 0)];
        for i in 0..(PairCounts::<u32>::MEMORY_PAIRS as u32 * 20) {
            counts.add((i % 3, 7), 1).unwrap();
            expected[(i % 3) as usize].1 += 1;
        }
        assert_eq!(counts.runs.len(), 0);
        assert_eq!(totals(&counts), expected);
    }

    #[test]
    fn an_unwritable_folder_is_an_error() {
        let mut counts = PairCounts::new();
        counts.spill_to(PathBuf::from("/nonexistent/themata-spill"));
        let error = (0..PairCounts::<u32>::MEMORY_PAIRS as u32)
            .map(|i| counts.add((i, i), 1))
            .find_map(Result::err)
            .expect("the spill fails");
        assert!(error.to_string().starts_with("temporary file: "), "{error}");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
