//! Ingest: finds the input files (folders, files, globs), decodes them (UTF-8, UTF-8 with a
//! byte order mark, UTF-16 with a byte order mark), turns `.html` into text, and reads the
//! optional `metadata.csv` of an input folder.
//!
//! Output: [`Document`]s. Problems with one file are [`IngestError`]s: the pipeline reports
//! them, skips the file and goes on. Nothing here writes to the input.

mod decode;
mod html;
mod metadata;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{ConfigError, IngestError};
use crate::record::{Document, DocumentMetadata};

pub use decode::{Decoded, decode};
pub use metadata::{MetadataTable, read_metadata};

/// File extensions read as documents when found in an input folder.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "html", "htm"];

/// The name of the metadata table in an input folder.
pub const METADATA_FILE: &str = "metadata.csv";

/// The name of the configuration file in an input folder.
pub const CONFIG_FILE: &str = "themata.toml";

/// One input file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its document name: path relative to the input folder with `/`, or the file name.
    pub name: String,
    /// Its size in bytes when found (0 if it could not be read), for batching and progress.
    pub bytes: u64,
}

/// What [`discover`] found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Documents to read, sorted by name.
    pub files: Vec<InputFile>,
    /// `metadata.csv` files of input folders.
    pub metadata_files: Vec<PathBuf>,
    /// The first `themata.toml` found in an input folder.
    pub config_file: Option<PathBuf>,
    /// Inputs that could not be used (missing paths).
    pub problems: Vec<IngestError>,
}

/// Finds the input files. Folders are walked recursively (hidden entries skipped) for files
/// with a [`TEXT_EXTENSIONS`] extension; files are taken as given; a path that does not exist
/// but holds `*`, `?` or `[` is expanded as a glob.
pub fn discover(inputs: &[PathBuf]) -> Result<Discovery, ConfigError> {
    let mut found = Discovery::default();
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut add = |found: &mut Discovery, path: PathBuf, name: String| -> Result<(), ConfigError> {
        if let Some(first) = by_name.get(&name) {
            if *first == path {
                return Ok(());
            }
            return Err(ConfigError::DuplicateDocument {
                name,
                first: first.clone(),
                second: path,
            });
        }
        by_name.insert(name.clone(), path.clone());
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        found.files.push(InputFile { path, name, bytes });
        Ok(())
    };
    for input in inputs {
        if input.is_dir() {
            for entry in walkdir::WalkDir::new(input)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
            {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        found.problems.push(IngestError::Read {
                            path: e.path().map_or_else(|| input.clone(), Path::to_path_buf),
                            source: e.into(),
                        });
                        continue;
                    }
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path().to_path_buf();
                let relative = path.strip_prefix(input).unwrap_or(&path);
                if entry.depth() == 1 && relative == Path::new(METADATA_FILE) {
                    found.metadata_files.push(path);
                    continue;
                }
                if entry.depth() == 1 && relative == Path::new(CONFIG_FILE) {
                    found.config_file.get_or_insert(path);
                    continue;
                }
                let is_text = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
                if is_text {
                    add(&mut found, path.clone(), document_name(relative))?;
                }
            }
        } else if input.is_file() {
            let name = input.file_name().map_or_else(
                || input.to_string_lossy().into_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            add(&mut found, input.clone(), name)?;
        } else {
            let pattern = input.to_string_lossy();
            let matches: Vec<PathBuf> = if pattern.contains(['*', '?', '[']) {
                glob::glob(&pattern)
                    .map(|paths| {
                        paths
                            .filter_map(Result::ok)
                            .filter(|p| p.is_file())
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            if matches.is_empty() {
                found.problems.push(IngestError::Missing {
                    path: input.clone(),
                });
            }
            for path in matches {
                let name = path.file_name().map_or_else(
                    || path.to_string_lossy().into_owned(),
                    |n| n.to_string_lossy().into_owned(),
                );
                add(&mut found, path, name)?;
            }
        }
    }
    found.files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

fn document_name(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads and decodes one input file into a [`Document`] with its metadata.
pub fn read_document(
    file: &InputFile,
    metadata: &BTreeMap<String, DocumentMetadata>,
) -> Result<(Document, Decoded), IngestError> {
    let bytes = std::fs::read(&file.path).map_err(|source| IngestError::Read {
        path: file.path.clone(),
        source,
    })?;
    let mut decoded = decode(&file.path, &bytes)?;
    let is_html = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm"));
    if is_html {
        decoded.text = html::to_text(&decoded.text);
        if decoded.text.trim().is_empty() {
            return Err(IngestError::Empty {
                path: file.path.clone(),
            });
        }
    }
    let document = Document {
        name: file.name.clone(),
        path: file.path.clone(),
        text: std::mem::take(&mut decoded.text),
        metadata: metadata.get(&file.name).cloned().unwrap_or_default(),
    };
    Ok((document, decoded))
}
