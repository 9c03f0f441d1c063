//! Shards and parts: a corpus split into `N` disjoint sets of whole documents that any engine
//! (a Slurm job array, Dask, a shell loop) runs as separate `themata run --shard I/N` tasks,
//! and the partial output ("part") each task writes for `themata merge`.
//!
//! A document belongs to shard `sha256(name) mod N`, where `name` is its document name (its
//! path relative to the input folder): every task agrees without talking to the others, and
//! the assignment does not depend on the machine, the order of files or the thread count.
//!
//! A part folder holds:
//! - `state.bin`: the additive aggregates ([`Aggregator`]): counts per unit, per stem, per
//!   group, co-occurrence window counts, collocation counts;
//! - `rows.bin`: the per-unit table rows (`sentences`, `entities`, ...) of each document, in
//!   document order, one length-prefixed frame per document;
//! - `part.json`: what the part is (themata version, shard `I/N`, configuration, the corpus
//!   listing it was cut from, its documents and problems, the sizes of the two files). It is
//!   written last: a folder without it is an unfinished part.
//!
//! The binary files are postcard-encoded (a compact serde format) and only read by the same
//! themata version; `part.json` is for people and tools too.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::Digest;
use tempfile::TempPath;

use crate::aggregate::Aggregator;
use crate::error::{Error, WriteError};
use crate::ingest::InputFile;
use crate::unit_tables::Rows;

/// The `format` field of every `part.json`.
pub const PART_FORMAT: &str = "themata-part";
/// Version of the part layout; parts of another layout are refused.
pub const PART_FORMAT_VERSION: u32 = 2;
/// The manifest of a part.
pub const PART_MANIFEST: &str = "part.json";
const STATE_FILE: &str = "state.bin";
const ROWS_FILE: &str = "rows.bin";

/// One shard of `count`: the documents whose name hashes to `index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based index, below `count`.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `I/N`, with `0 <= I < N`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let expected = || format!("expected I/N with 0 <= I < N (e.g. `0/4`), found `{text}`");
        let (i, n) = text.split_once('/').ok_or_else(expected)?;
        let index: u32 = i.trim().parse().map_err(|_| expected())?;
        let count: u32 = n.trim().parse().map_err(|_| expected())?;
        if count == 0 || index >= count {
            return Err(expected());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard of `count` that the document named `document` belongs to.
    pub fn of(document: &str, count: u32) -> u32 {
        let digest = sha2::Sha256::digest(document.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
    }

    /// Whether the document named `document` belongs to this shard.
    pub fn owns(&self, document: &str) -> bool {
        Shard::of(document, self.count) == self.index
    }
}

/// The whole corpus a shard was cut from, as every task sees it before taking its share:
/// parts of different corpora (or of a corpus that changed between tasks) are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusListing {
    /// Documents found.
    pub documents: u64,
    /// Their bytes.
    pub bytes: u64,
    /// SHA-256 of the sorted `name<TAB>bytes` lines.
    pub sha256: String,
}

impl CorpusListing {
    /// The listing of `files` (sorted by name, as discovery returns them).
    pub fn of(files: &[InputFile]) -> CorpusListing {
        let mut hasher = sha2::Sha256::new();
        for f in files {
            hasher.update(format!("{}\t{}\n", f.name, f.bytes).as_bytes());
        }
        CorpusListing {
            documents: files.len() as u64,
            bytes: files.iter().map(|f| f.bytes).sum(),
            sha256: format!("{:x}", hasher.finalize()),
        }
    }
}

/// One input document as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    /// Document name.
    pub document: String,
    /// Path it was read from.
    pub path: PathBuf,
    /// Bytes read.
    pub bytes: u64,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Encoding it was decoded from.
    pub encoding: String,
    /// Units found in it.
    pub units: usize,
}

/// A problem met while reading the inputs, as one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The document it is about (`None`: the inputs as a whole, a metadata table).
    pub document: Option<String>,
    /// The message.
    pub message: String,
}

/// The contents of `part.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartManifest {
    /// Always [`PART_FORMAT`].
    pub format: String,
    /// [`PART_FORMAT_VERSION`].
    pub format_version: u32,
    /// The themata version that wrote the part.
    pub themata_version: String,
    /// Which shard.
    pub shard: Shard,
    /// The corpus it was cut from.
    pub corpus: CorpusListing,
    /// The resolved configuration.
    pub configuration: serde_json::Value,
    /// The configuration file, if any.
    pub configuration_file: Option<PathBuf>,
    /// Its text, from which the merge rebuilds the configuration.
    pub configuration_text: Option<String>,
    /// The shard's documents, by name.
    pub inputs: Vec<InputRecord>,
    /// Problems met (the other tasks met the ones about the inputs as a whole too).
    pub problems: Vec<Problem>,
    /// Units analysed.
    pub units: u64,
    /// Word tokens analysed.
    pub tokens: u64,
    /// Size of `state.bin`.
    pub state_bytes: u64,
    /// Size of `rows.bin`.
    pub rows_bytes: u64,
    /// Start of the task (RFC 3339).
    pub started: String,
    /// End of the task.
    pub finished: String,
    /// Seconds per stage.
    pub timings_seconds: BTreeMap<String, f64>,
}

fn file_error(path: &Path, message: impl ToString) -> WriteError {
    WriteError::File {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

fn part_error(path: &Path, message: impl ToString) -> Error {
    Error::Part {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// Writes a part: rows document by document while the shard runs, then the state and the
/// manifest.
pub struct PartWriter {
    dir: PathBuf,
    rows: BufWriter<File>,
    rows_temp: TempPath,
    rows_bytes: u64,
}

impl PartWriter {
    /// Starts a part in `dir` (which must exist). A `part.json` left there by an earlier task
    /// is removed first, so an interrupted task never leaves a folder that looks finished.
    pub fn create(dir: &Path) -> Result<PartWriter, WriteError> {
        let manifest = dir.join(PART_MANIFEST);
        match std::fs::remove_file(&manifest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(&manifest, e)),
        }
        let target = dir.join(ROWS_FILE);
        let (file, rows_temp) = crate::write::temp_in(dir, &target)?;
        Ok(PartWriter {
            dir: dir.to_path_buf(),
            rows: BufWriter::with_capacity(1 << 20, file),
            rows_temp,
            rows_bytes: 0,
        })
    }

    /// Appends the rows of one document. Documents must come in name order.
    pub fn push_document(&mut self, document: &str, rows: &Rows) -> Result<(), WriteError> {
        let target = self.dir.join(ROWS_FILE);
        let frame = postcard::to_stdvec(&(document, rows)).map_err(|e| file_error(&target, e))?;
        self.rows
            .write_all(&(frame.len() as u64).to_le_bytes())
            .and_then(|()| self.rows.write_all(&frame))
            .map_err(|e| file_error(&target, e))?;
        self.rows_bytes += 8 + frame.len() as u64;
        Ok(())
    }

    /// Writes the state and the manifest, and renames the rows into place.
    pub fn finish(self, state: &Aggregator, manifest: &mut PartManifest) -> Result<(), WriteError> {
        let rows_path = self.dir.join(ROWS_FILE);
        let file = self
            .rows
            .into_inner()
            .map_err(|e| file_error(&rows_path, e.error()))?;
        file.sync_all().map_err(|e| file_error(&rows_path, e))?;
        drop(file);
        self.rows_temp
            .persist(&rows_path)
            .map_err(|e| file_error(&rows_path, e))?;
        let state_path = self.dir.join(STATE_FILE);
        let state = postcard::to_stdvec(state).map_err(|e| file_error(&state_path, e))?;
        crate::write::write_atomic(&state_path, &state)?;
        manifest.state_bytes = state.len() as u64;
        manifest.rows_bytes = self.rows_bytes;
        let manifest_path = self.dir.join(PART_MANIFEST);
        let json =
            serde_json::to_vec_pretty(manifest).map_err(|e| file_error(&manifest_path, e))?;
        crate::write::write_atomic(&manifest_path, &json)
    }
}

/// A finished part, as found on disk.
#[derive(Debug, Clone)]
pub struct Part {
    /// Its folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: PartManifest,
}

impl Part {
    /// Reads the manifest of the part in `dir` and checks that its files are complete.
    pub fn open(dir: &Path) -> Result<Part, Error> {
        let path = dir.join(PART_MANIFEST);
        if !dir.is_dir() {
            return Err(part_error(dir, "no such folder (expected a part folder)"));
        }
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(part_error(
                    dir,
                    "not a finished part: no part.json (did its `themata run --shard` task finish?)",
                ));
            }
            Err(e) => return Err(part_error(&path, format!("cannot read: {e}"))),
        };
        let kind: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| part_error(&path, format!("line {}: {e}", e.line())))?;
        if kind["format"] != PART_FORMAT {
            return Err(part_error(&path, "not a themata part manifest"));
        }
        let version = kind["themata_version"].as_str().unwrap_or("?");
        let format_version = &kind["format_version"];
        if version != env!("CARGO_PKG_VERSION") || *format_version != PART_FORMAT_VERSION {
            return Err(part_error(
                dir,
                format!(
                    "written by themata {version} (part format {format_version}), this is \
                     themata {} (part format {PART_FORMAT_VERSION}): merge with the build that ran \
                     the shards",
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        let manifest: PartManifest =
            serde_json::from_value(kind).map_err(|e| part_error(&path, format!("invalid: {e}")))?;
        for (name, expected) in [
            (STATE_FILE, manifest.state_bytes),
            (ROWS_FILE, manifest.rows_bytes),
        ] {
            let file = dir.join(name);
            let found = std::fs::metadata(&file)
                .map_err(|e| part_error(&file, format!("cannot read: {e}")))?
                .len();
            if found != expected {
                return Err(part_error(
                    &file,
                    format!("{found} bytes, part.json says {expected} (incomplete copy?)"),
                ));
            }
        }
        Ok(Part {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// Reads the part's aggregates.
    pub fn state(&self) -> Result<Aggregator, Error> {
        let path = self.dir.join(STATE_FILE);
        let bytes =
            std::fs::read(&path).map_err(|e| part_error(&path, format!("cannot read: {e}")))?;
        let state: Aggregator =
            postcard::from_bytes(&bytes).map_err(|e| part_error(&path, format!("corrupt: {e}")))?;
        state
            .check()
            .map_err(|e| part_error(&path, format!("corrupt: {e}")))?;
        Ok(state)
    }

    /// Reads the part's per-unit rows, document by document.
    pub fn rows(&self) -> Result<RowFrames, Error> {
        let path = self.dir.join(ROWS_FILE);
        let file = File::open(&path).map_err(|e| part_error(&path, format!("cannot read: {e}")))?;
        Ok(RowFrames {
            reader: BufReader::with_capacity(1 << 20, file),
            path,
            buffer: Vec::new(),
        })
    }
}

/// The frames of a part's `rows.bin`: `(document, rows)`, in document order.
pub struct RowFrames {
    reader: BufReader<File>,
    path: PathBuf,
    buffer: Vec<u8>,
}

impl Iterator for RowFrames {
    type Item = Result<(String, Rows), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut len = [0u8; 8];
        match self.reader.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return None,
            Err(e) => return Some(Err(part_error(&self.path, format!("cannot read: {e}")))),
        }
        let len = u64::from_le_bytes(len) as usize;
        self.buffer.resize(len, 0);
        if let Err(e) = self.reader.read_exact(&mut self.buffer) {
            return Some(Err(part_error(&self.path, format!("truncated: {e}"))));
        }
        Some(
            postcard::from_bytes(&self.buffer)
                .map_err(|e| part_error(&self.path, format!("corrupt: {e}"))),
        )
    }
}

/// Checks that `parts` belong together and cover every shard exactly once: same themata
/// version (checked by [`Part::open`]), same shard count, corpus and configuration (output
/// formats aside). Returns them sorted by shard index.
pub fn check_parts(mut parts: Vec<Part>) -> Result<Vec<Part>, Error> {
    let Some(first) = parts.first() else {
        return Err(Error::Parts("no part folders given".into()));
    };
    let reference = first.manifest.clone();
    let reference_dir = first.dir.clone();
    let without_formats = |c: &serde_json::Value| {
        let mut c = c.clone();
        if let Some(map) = c.as_object_mut() {
            map.remove("formats");
        }
        c
    };
    let expected_configuration = without_formats(&reference.configuration);
    let n = reference.shard.count;
    for part in &parts {
        let m = &part.manifest;
        if m.shard.count != n {
            return Err(part_error(
                &part.dir,
                format!(
                    "shard {}, but `{}` is shard {} (all parts must come from the same --shard I/N split)",
                    m.shard,
                    reference_dir.display(),
                    reference.shard
                ),
            ));
        }
        if m.corpus != reference.corpus {
            return Err(part_error(
                &part.dir,
                format!(
                    "cut from another corpus ({} documents, {} bytes) than `{}` ({} documents, {} bytes)",
                    m.corpus.documents,
                    m.corpus.bytes,
                    reference_dir.display(),
                    reference.corpus.documents,
                    reference.corpus.bytes
                ),
            ));
        }
        let configuration = without_formats(&m.configuration);
        if configuration != expected_configuration {
            let key = differing_key(&configuration, &expected_configuration);
            return Err(part_error(
                &part.dir,
                format!(
                    "made with another configuration than `{}` (`{key}` differs)",
                    reference_dir.display()
                ),
            ));
        }
    }
    parts.sort_by_key(|p| p.manifest.shard.index);
    for pair in parts.windows(2) {
        if pair[0].manifest.shard == pair[1].manifest.shard {
            return Err(part_error(
                &pair[1].dir,
                format!(
                    "shard {} is given twice (also as `{}`)",
                    pair[1].manifest.shard,
                    pair[0].dir.display()
                ),
            ));
        }
    }
    let present: BTreeSet<u32> = parts.iter().map(|p| p.manifest.shard.index).collect();
    let missing: Vec<String> = (0..n)
        .filter(|i| !present.contains(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Parts(format!(
            "shard(s) {} of {n} missing (pass one part folder for each shard 0..{})",
            missing.join(", "),
            n - 1
        )));
    }
    Ok(parts)
}

/// The first top-level key where two configurations differ.
fn differing_key(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return "configuration".into();
    };
    a.keys()
        .chain(b.keys())
        .find(|k| a.get(*k) != b.get(*k))
        .cloned()
        .unwrap_or_else(|| "configuration".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shards() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(" 0 / 1 ".parse::<Shard>(), Ok(Shard { index: 0, count: 1 }));
        for bad in ["4/4", "1/0", "-1/4", "a/b", "3", "1/2/3", ""] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{bad}: {err}");
        }
    }

    #[test]
    fn every_document_has_exactly_one_shard() {
        let names: Vec<String> = (0..500)
            .map(|i| format!("reports/doc-{i:04}.txt"))
            .collect();
        for count in [1, 2, 3, 7] {
            let mut per_shard = vec![0usize; count as usize];
            for name in &names {
                let owners: Vec<u32> = (0..count)
                    .filter(|&index| Shard { index, count }.owns(name))
                    .collect();
                assert_eq!(owners.len(), 1, "{name} in {count} shards: {owners:?}");
                per_shard[owners[0] as usize] += 1;
            }
            // A hash spreads documents: no shard gets less than half its fair share.
            let fair = names.len() / count as usize;
            assert!(per_shard.iter().all(|&n| n * 2 >= fair), "{per_shard:?}");
        }
    }

    #[test]
    fn assignment_is_stable() {
        // Fixed by the hash of the name: the same on every machine and in every version of
        // the same part format.
        assert_eq!(Shard::of("a.txt", 4), Shard::of("a.txt", 4));
        let digest = sha2::Sha256::digest(b"a.txt");
        let expected = u64::from_be_bytes(digest[..8].try_into().unwrap()) % 4;
        assert_eq!(u64::from(Shard::of("a.txt", 4)), expected);
    }

    #[test]
    fn differing_key_names_the_key() {
        let a = serde_json::json!({"language": "auto", "window": "sentence"});
        let b = serde_json::json!({"language": "en", "window": "sentence"});
        assert_eq!(differing_key(&a, &b), "language");
    }
}
