//! A list of fixed-size records kept in an unnamed temporary file, for the aggregates that
//! grow with the corpus: the per-unit stem counts (22 million rows for a 500 MB corpus) and
//! the per-group rows of the grouped tables, which are written once and read back in chunks.
//!
//! Records are appended to a buffer of at most [`MEMORY_RECORDS`] records, which is written
//! to the file when full, so memory stays bounded whatever the corpus. Any range of records
//! can be read back, from the file and the buffer, by positional reads: readings do not move
//! a shared file position, so several can go on at once (tables are written in parallel).
//! The file is an unnamed temporary file in the folder given (the output folder in a run),
//! gone when the list is dropped or the process ends.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::PathBuf;

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value stored as [`FixedBytes::BYTES`] little-endian bytes.
pub trait FixedBytes: Copy {
    /// Bytes of one value.
    const BYTES: usize;
    /// Writes the value into `out` (exactly [`FixedBytes::BYTES`] long).
    fn encode(&self, out: &mut [u8]);
    /// Reads a value from `bytes` (exactly [`FixedBytes::BYTES`] long).
    fn decode(bytes: &[u8]) -> Self;
}

impl FixedBytes for u32 {
    const BYTES: usize = 4;
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn decode(bytes: &[u8]) -> u32 {
        let mut word = [0u8; 4];
        word.copy_from_slice(bytes);
        u32::from_le_bytes(word)
    }
}

impl FixedBytes for u64 {
    const BYTES: usize = 8;
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn decode(bytes: &[u8]) -> u64 {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        u64::from_le_bytes(word)
    }
}

/// A pair: its parts one after the other.
impl<A: FixedBytes, B: FixedBytes> FixedBytes for (A, B) {
    const BYTES: usize = A::BYTES + B::BYTES;
    fn encode(&self, out: &mut [u8]) {
        let (a, b) = out.split_at_mut(A::BYTES);
        self.0.encode(a);
        self.1.encode(b);
    }
    fn decode(bytes: &[u8]) -> (A, B) {
        let (a, b) = bytes.split_at(A::BYTES);
        (A::decode(a), B::decode(b))
    }
}

/// A triple: its parts one after the other.
impl<A: FixedBytes, B: FixedBytes, C: FixedBytes> FixedBytes for (A, B, C) {
    const BYTES: usize = A::BYTES + B::BYTES + C::BYTES;
    fn encode(&self, out: &mut [u8]) {
        let (a, rest) = out.split_at_mut(A::BYTES);
        let (b, c) = rest.split_at_mut(B::BYTES);
        self.0.encode(a);
        self.1.encode(b);
        self.2.encode(c);
    }
    fn decode(bytes: &[u8]) -> (A, B, C) {
        let (a, rest) = bytes.split_at(A::BYTES);
        let (b, c) = rest.split_at(B::BYTES);
        (A::decode(a), B::decode(b), C::decode(c))
    }
}

/// Records buffered in memory before they are written: 2^18 (3 to 4 MiB for the records
/// used here). Tests use a small number so that every test writes to the file.
pub const MEMORY_RECORDS: usize = if cfg!(test) { 5 } else { 1 << 18 };

/// A list of records, in a temporary file past [`MEMORY_RECORDS`].
#[derive(Debug)]
pub struct SpillFile<R> {
    /// The records after those in the file.
    buffer: Vec<R>,
    /// Created with the first write.
    file: Option<File>,
    /// Records in the file.
    written: u64,
    /// Where the file is created (the system's temporary folder when `None`).
    dir: Option<PathBuf>,
}

impl<R> Default for SpillFile<R> {
    fn default() -> SpillFile<R> {
        SpillFile {
            buffer: Vec::new(),
            file: None,
            written: 0,
            dir: None,
        }
    }
}

/// An I/O error of the temporary file, saying so.
fn context(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("temporary file: {e}"))
}

impl<R: FixedBytes> SpillFile<R> {
    /// An empty list.
    pub fn new() -> SpillFile<R> {
        SpillFile::default()
    }

    /// An empty list whose file, if it needs one, is created in `dir`.
    pub fn in_dir(dir: Option<PathBuf>) -> SpillFile<R> {
        SpillFile {
            dir,
            ..SpillFile::default()
        }
    }

    /// Creates the file in `dir` from now on.
    pub fn spill_to(&mut self, dir: PathBuf) {
        self.dir = Some(dir);
    }

    /// Number of records.
    pub fn len(&self) -> u64 {
        self.written + self.buffer.len() as u64
    }

    /// Whether there is no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a record.
    ///
    /// # Errors
    /// When the buffer cannot be written to the file.
    pub fn push(&mut self, record: R) -> io::Result<()> {
        self.buffer.push(record);
        if self.buffer.len() >= MEMORY_RECORDS {
            self.write_buffer()?;
        }
        Ok(())
    }

    /// Appends records.
    ///
    /// # Errors
    /// When the buffer cannot be written to the file.
    pub fn extend_from_slice(&mut self, records: &[R]) -> io::Result<()> {
        for &record in records {
            self.push(record)?;
        }
        Ok(())
    }

    /// Writes the buffer at the end of the file.
    fn write_buffer(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let dir = self.dir.clone().unwrap_or_else(std::env::temp_dir);
                self.file
                    .insert(tempfile::tempfile_in(dir).map_err(context)?)
            }
        };
        let mut bytes = vec![0u8; self.buffer.len() * R::BYTES];
        for (record, out) in self.buffer.iter().zip(bytes.chunks_exact_mut(R::BYTES)) {
            record.encode(out);
        }
        // Readings are positional and leave the position alone, but a write goes at the end
        // whatever happened before.
        file.seek(SeekFrom::End(0)).map_err(context)?;
        file.write_all(&bytes).map_err(context)?;
        self.written += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// Reads the records of `range` (which must lie within the list) into `out`, after what
    /// it holds.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn read_into(&self, range: Range<u64>, out: &mut Vec<R>) -> io::Result<()> {
        assert!(
            range.start <= range.end && range.end <= self.len(),
            "records {range:?} of {}",
            self.len()
        );
        let in_file = range.start.min(self.written)..range.end.min(self.written);
        if let (Some(file), false) = (&self.file, in_file.is_empty()) {
            let mut bytes = vec![0u8; (in_file.end - in_file.start) as usize * R::BYTES];
            read_exact_at(file, &mut bytes, in_file.start * R::BYTES as u64).map_err(context)?;
            out.extend(bytes.chunks_exact(R::BYTES).map(R::decode));
        }
        let in_buffer = range.start.max(self.written)..range.end.max(self.written);
        let buffered =
            (in_buffer.start - self.written) as usize..(in_buffer.end - self.written) as usize;
        out.extend_from_slice(&self.buffer[buffered]);
        Ok(())
    }

    /// Every record, in order, in chunks of at most `records` records.
    ///
    /// # Errors
    /// Reading the file can fail; the iterator then yields the error.
    pub fn chunks(&self, records: usize) -> impl Iterator<Item = io::Result<Vec<R>>> + '_ {
        let step = records.max(1) as u64;
        (0..self.len().div_ceil(step)).map(move |i| {
            let range = i * step..((i + 1) * step).min(self.len());
            let mut chunk = Vec::with_capacity((range.end - range.start) as usize);
            self.read_into(range, &mut chunk).map(|()| chunk)
        })
    }
}

/// Records read back per serialised chunk.
const SERIALISE_RECORDS: usize = 1 << 16;

/// Serialised as the sequence of its records, as a `Vec` of them is: the same bytes however
/// many were written to the file.
impl<R: FixedBytes + Serialize> Serialize for SpillFile<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = usize::try_from(self.len()).map_err(serde::ser::Error::custom)?;
        let mut seq = serializer.serialize_seq(Some(len))?;
        for chunk in self.chunks(SERIALISE_RECORDS) {
            for record in chunk.map_err(serde::ser::Error::custom)? {
                seq.serialize_element(&record)?;
            }
        }
        seq.end()
    }
}

impl<'de, R: FixedBytes + Deserialize<'de>> Deserialize<'de> for SpillFile<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SpillFile<R>, D::Error> {
        struct Records<R>(std::marker::PhantomData<R>);
        impl<'de, R: FixedBytes + Deserialize<'de>> Visitor<'de> for Records<R> {
            type Value = SpillFile<R>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SpillFile<R>, A::Error> {
                let mut list = SpillFile::new();
                while let Some(record) = seq.next_element::<R>()? {
                    list.push(record).map_err(serde::de::Error::custom)?;
                }
                Ok(list)
            }
        }
        deserializer.deserialize_seq(Records(std::marker::PhantomData))
    }
}

/// Fills `buf` from `file` at `offset`, without moving the file's position (Unix).
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Fills `buf` from `file` at `offset` (Windows: each read names its offset, so concurrent
/// readings do not mix even though the position moves).
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip<R: FixedBytes + PartialEq + std::fmt::Debug>(record: R) {
        let mut bytes = vec![0u8; R::BYTES];
        record.encode(&mut bytes);
        assert_eq!(R::decode(&bytes), record);
    }

    #[test]
    fn records_take_their_parts_bytes_and_read_back() {
        assert_eq!(<(u32, u32)>::BYTES, 8);
        assert_eq!(<(u32, u64)>::BYTES, 12);
        assert_eq!(<(u32, u32, u32)>::BYTES, 12);
        assert_eq!(<(u32, u32, u64)>::BYTES, 16);
        round_trip((u32::MAX, 1u32));
        round_trip((7u32, u64::MAX - 1));
        round_trip((1u32, u32::MAX, 3u32));
        round_trip((u32::MAX, 0u32, u64::MAX));
        let mut bytes = [0u8; 12];
        (1u32, 2u64).encode(&mut bytes);
        assert_eq!(
            bytes,
            [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
            "little-endian, in order"
        );
    }

    proptest! {
        /// Any range reads back what a plain vector holds, across the file and the buffer.
        #[test]
        fn ranges_read_back_as_a_vector(
            records in proptest::collection::vec((any::<u32>(), any::<u32>(), any::<u64>()), 0..40),
            cuts in proptest::collection::vec((0usize..41, 0usize..41), 1..6),
            step in 1usize..9,
        ) {
            let mut list = SpillFile::new();
            list.extend_from_slice(&records).unwrap();
            prop_assert_eq!(list.len(), records.len() as u64);
            for (a, b) in cuts {
                let (start, end) = (a.min(b).min(records.len()), a.max(b).min(records.len()));
                let mut out = vec![(7, 7, 7)];
                list.read_into(start as u64..end as u64, &mut out).unwrap();
                prop_assert_eq!(&out[0], &(7, 7, 7));
                prop_assert_eq!(&out[1..], &records[start..end]);
            }
            let chunks: Vec<Vec<_>> = list.chunks(step).collect::<io::Result<_>>().unwrap();
            prop_assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= step));
            prop_assert_eq!(chunks.concat(), records.clone());
            // Serialised as a vector of the records is.
            let bytes = postcard::to_stdvec(&list).unwrap();
            prop_assert_eq!(&bytes, &postcard::to_stdvec(&records).unwrap());
            let back: SpillFile<(u32, u32, u64)> = postcard::from_bytes(&bytes).unwrap();
            let mut out = Vec::new();
            back.read_into(0..back.len(), &mut out).unwrap();
            prop_assert_eq!(out, records);
        }
    }

    #[test]
    fn writes_after_reads_go_at_the_end() {
        let mut list = SpillFile::new();
        let mut expected = Vec::new();
        for i in 0..23u32 {
            list.push((i, i * 2)).unwrap();
            expected.push((i, i * 2));
            let mut out = Vec::new();
            list.read_into(0..list.len() / 2, &mut out).unwrap();
            assert_eq!(out, expected[..expected.len() / 2]);
        }
        assert!(list.written > 0, "the file is used");
        let all: Vec<(u32, u32)> = list
            .chunks(4)
            .collect::<io::Result<Vec<_>>>()
            .unwrap()
            .concat();
        assert_eq!(all, expected);
    }

    #[test]
    fn an_unwritable_folder_is_an_error() {
        let mut list = SpillFile::in_dir(Some(PathBuf::from("/nonexistent/themata-spill")));
        let error = (0..MEMORY_RECORDS as u32)
            .map(|i| list.push(i))
            .find_map(Result::err)
            .expect("the write fails");
        assert!(error.to_string().starts_with("temporary file: "), "{error}");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
