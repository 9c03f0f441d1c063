//! Counts keyed by a pair of ids, for aggregates that outgrow memory on big corpora (the count
//! of every phrase in every organisation: tens of millions of pairs for a 500 MB corpus).
//!
//! At most [`MEMORY_PAIRS`] pairs are held in a hash map; when it is full, its pairs are
//! sorted and written to a temporary file (a *run*) and the map starts again. Reading merges
//! the runs and the map in key order, summing the counts of equal keys, so the result is the
//! same as one map would give. Runs are unnamed temporary files in the folder given (the
//! output folder in a run), gone when the counts are dropped or the process ends.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::PathBuf;

use rustc_hash::FxHashMap;
use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A pair of ids.
pub type Key = (u32, u32);

/// Pairs held in memory before a run is written: 7/8 of 2^22, the most a hash map of 2^22
/// buckets holds (about 55 MB). Tests use a small number so that every test spills.
pub const MEMORY_PAIRS: usize = if cfg!(test) { 64 } else { 3_670_016 };

/// Bytes of one pair in a run: both ids and the count, little-endian.
const RECORD: usize = 12;

/// Counts of id pairs, spilled to sorted runs on disk past [`MEMORY_PAIRS`].
#[derive(Debug, Default)]
pub struct PairCounts {
    map: FxHashMap<Key, u32>,
    /// Each run's file and number of pairs.
    runs: Vec<(File, u64)>,
    /// Where runs are written (the system's temporary folder when `None`).
    dir: Option<PathBuf>,
}

impl PairCounts {
    /// Empty counts.
    pub fn new() -> PairCounts {
        PairCounts::default()
    }

    /// Writes runs to `dir` from now on.
    pub fn spill_to(&mut self, dir: PathBuf) {
        self.dir = Some(dir);
    }

    /// Adds `n` to the count of `key` (saturating at `u32::MAX`).
    ///
    /// # Errors
    /// When a run cannot be written.
    pub fn add(&mut self, key: Key, n: u32) -> io::Result<()> {
        let count = self.map.entry(key).or_default();
        *count = count.saturating_add(n);
        if self.map.len() >= MEMORY_PAIRS {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the map's pairs, sorted, to a new run and empties the map.
    fn spill(&mut self) -> io::Result<()> {
        let dir = self.dir.clone().unwrap_or_else(std::env::temp_dir);
        let context = |e: io::Error| io::Error::new(e.kind(), format!("temporary file: {e}"));
        let file = tempfile::tempfile_in(&dir).map_err(context)?;
        let mut out = BufWriter::new(file);
        let pairs = self.sorted_map();
        for &(key, count) in &pairs {
            out.write_all(&encode(key, count)).map_err(context)?;
        }
        let file = out.into_inner().map_err(|e| context(e.into_error()))?;
        self.runs.push((file, pairs.len() as u64));
        self.map.clear();
        Ok(())
    }

    fn sorted_map(&self) -> Vec<(Key, u32)> {
        let mut pairs: Vec<(Key, u32)> = self.map.iter().map(|(&k, &n)| (k, n)).collect();
        pairs.sort_unstable_by_key(|&(k, _)| k);
        pairs
    }

    /// Every pair with its total count, in key order. One iteration at a time: each run is
    /// read from its file's start through the file's own position.
    ///
    /// # Errors
    /// Reading a run can fail; the iterator then yields the error.
    pub fn sorted(&self) -> Sorted<'_> {
        let mut sources: Vec<Source<'_>> = self
            .runs
            .iter()
            .map(|(file, pairs)| Source::Run {
                file: BufReader::new(file),
                left: *pairs,
            })
            .collect();
        sources.push(Source::Memory(self.sorted_map().into_iter()));
        Sorted {
            heads: vec![None; sources.len()],
            sources,
            started: false,
        }
    }
}

fn encode((a, b): Key, count: u32) -> [u8; RECORD] {
    let mut bytes = [0u8; RECORD];
    bytes[..4].copy_from_slice(&a.to_le_bytes());
    bytes[4..8].copy_from_slice(&b.to_le_bytes());
    bytes[8..].copy_from_slice(&count.to_le_bytes());
    bytes
}

fn decode(bytes: &[u8; RECORD]) -> (Key, u32) {
    let word = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    ((word(0), word(4)), word(8))
}

enum Source<'a> {
    /// A run, read from its start (see [`Source::rewind`]), and its pairs not read yet.
    Run {
        file: BufReader<&'a File>,
        left: u64,
    },
    Memory(std::vec::IntoIter<(Key, u32)>),
}

impl Source<'_> {
    /// Goes back to the first pair: a run's file was written, or read before, through the
    /// same file position.
    fn rewind(&mut self) -> io::Result<()> {
        match self {
            Source::Run { file, .. } => file.rewind(),
            Source::Memory(_) => Ok(()),
        }
    }

    fn next_pair(&mut self) -> io::Result<Option<(Key, u32)>> {
        match self {
            Source::Run { file, left } => {
                if *left == 0 {
                    return Ok(None);
                }
                let mut record = [0u8; RECORD];
                file.read_exact(&mut record)?;
                *left -= 1;
                Ok(Some(decode(&record)))
            }
            Source::Memory(pairs) => Ok(pairs.next()),
        }
    }
}

/// The pairs of [`PairCounts::sorted`].
pub struct Sorted<'a> {
    sources: Vec<Source<'a>>,
    /// The next pair of each source (`None`: exhausted).
    heads: Vec<Option<(Key, u32)>>,
    started: bool,
}

impl Iterator for Sorted<'_> {
    type Item = io::Result<(Key, u32)>;

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
        let mut total = 0u32;
        for (head, source) in self.heads.iter_mut().zip(&mut self.sources) {
            if let Some((k, n)) = *head
                && k == key
            {
                total = total.saturating_add(n);
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
impl Serialize for PairCounts {
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

impl<'de> Deserialize<'de> for PairCounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PairCounts, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = PairCounts;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence of ((id, id), count)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PairCounts, A::Error> {
                let mut counts = PairCounts::new();
                while let Some((key, n)) = seq.next_element::<(Key, u32)>()? {
                    counts.add(key, n).map_err(serde::de::Error::custom)?;
                }
                Ok(counts)
            }
        }
        deserializer.deserialize_seq(Pairs)
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
    }

    #[test]
    fn a_full_map_goes_to_a_run() {
        let mut counts = PairCounts::new();
        for i in 0..(MEMORY_PAIRS as u32 * 3) {
            counts.add((i % 200, i), 1).unwrap();
        }
        counts.add((0, 0), u32::MAX).unwrap();
        assert!(counts.runs.len() >= 2, "{} runs", counts.runs.len());
        let pairs = totals(&counts);
        assert_eq!(pairs.len(), MEMORY_PAIRS * 3);
        assert_eq!(pairs[0], ((0, 0), u32::MAX), "saturates across runs");
        assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn an_unwritable_folder_is_an_error() {
        let mut counts = PairCounts::new();
        counts.spill_to(PathBuf::from("/nonexistent/themata-spill"));
        let error = (0..MEMORY_PAIRS as u32)
            .map(|i| counts.add((i, i), 1))
            .find_map(Result::err)
            .expect("the spill fails");
        assert!(error.to_string().starts_with("temporary file: "), "{error}");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
