//! Typed errors, one enum per phase: ingest, configuration, write.
//!
//! Every error names the file it is about (and the line, for tables and configuration).
//! Analysis stages have no error type: they are infallible by design (odd text yields fewer
//! records, never an error).

use std::path::PathBuf;

/// A problem with one input file. The file is reported, skipped and recorded in the
/// manifest; the run goes on with the other files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// An input path given on the command line does not exist.
    #[error("`{path}`: no such file or folder")]
    Missing {
        /// The path as given.
        path: PathBuf,
    },
    /// The file could not be read.
    #[error("`{path}`: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file holds no text at all.
    #[error("`{path}`: empty file (expected text)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file looks binary (NUL bytes without a UTF-16 byte order mark).
    #[error("`{path}`: binary file (expected UTF-8 or UTF-16 text)")]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// The bytes are neither UTF-8 nor UTF-16 with a byte order mark.
    #[error(
        "`{path}`:{line}: invalid UTF-8 at byte {offset} (expected UTF-8, or UTF-16 with a byte order mark; convert with `iconv -f WINDOWS-1252 -t UTF-8`)"
    )]
    Encoding {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A row of the metadata table is wrong.
    #[error("`{path}`:{line}: {message}")]
    Metadata {
        /// The metadata file.
        path: PathBuf,
        /// 1-based line of the record (the header is line 1).
        line: usize,
        /// What was expected and what was found.
        message: String,
    },
}

/// A problem with the configuration: fatal, nothing is written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("`{path}`: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The configuration file is not valid.
    #[error("`{path}`:{line}: {message}")]
    Invalid {
        /// The file (`<built-in>` for defaults).
        path: PathBuf,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// What was expected and what was found, naming the key.
        message: String,
    },
    /// A value given on the command line is not valid.
    #[error("{0}")]
    Argument(String),
    /// Two inputs would get the same document name.
    #[error(
        "`{first}` and `{second}` both map to document name `{name}`; pass their common folder instead"
    )]
    DuplicateDocument {
        /// The shared name.
        name: String,
        /// One file.
        first: PathBuf,
        /// The other file.
        second: PathBuf,
    },
    /// No input could be read at all.
    #[error("no readable input (expected .txt, .md or .html files)")]
    NoInput,
}

/// A problem writing the output: fatal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output folder cannot be created or written.
    #[error("`{path}`: output folder is not writable: {source}")]
    NotWritable {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing one file failed.
    #[error("`{path}`: cannot write: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },
}

/// Any error that stops a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Configuration or arguments.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Output.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A part folder given to `themata merge` is not usable.
    #[error("`{path}`: {message}")]
    Part {
        /// The folder or file.
        path: PathBuf,
        /// What was expected and what was found.
        message: String,
    },
    /// The part folders given to `themata merge` do not make a whole corpus.
    #[error("{0}")]
    Parts(String),
}

/// 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
