//! `metadata.csv`: a table of an input folder with a `document` column, an optional
//! `unit_index` column, and any others (`organisation` and `country` override detection; the
//! rest become columns of `units`). Each bad row is an error naming the file and line; good
//! rows are kept.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::IngestError;
use crate::record::DocumentMetadata;

/// The rows of one metadata table, by document name.
#[derive(Debug, Default)]
pub struct MetadataTable {
    /// Per document.
    pub documents: BTreeMap<String, DocumentMetadata>,
    /// The line of each document's first row, to report documents that are not in the input.
    pub lines: BTreeMap<String, usize>,
}

/// Reads a metadata table. A table without a `document` column is one error; bad rows are
/// errors of their own and are left out.
pub fn read_metadata(path: &Path) -> (MetadataTable, Vec<IngestError>) {
    let mut table = MetadataTable::default();
    let mut problems = Vec::new();
    let error = |line: usize, message: String| IngestError::Metadata {
        path: path.to_path_buf(),
        line,
        message,
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(source) => {
            problems.push(IngestError::Read {
                path: path.to_path_buf(),
                source,
            });
            return (table, problems);
        }
    };
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            problems.push(error(1, format!("cannot read the header row: {e}")));
            return (table, problems);
        }
    };
    let Some(document_col) = headers.iter().position(|h| h == "document") else {
        problems.push(error(
            1,
            format!(
                "expected a `document` column, found columns {}",
                headers
                    .iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        return (table, problems);
    };
    if let Some(empty) = headers.iter().position(String::is_empty) {
        problems.push(error(1, format!("column {} has no name", empty + 1)));
        return (table, problems);
    }
    let unit_col = headers.iter().position(|h| h == "unit_index");
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(error(
                    line,
                    format!("expected {} fields: {e}", headers.len()),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let document = record.get(document_col).unwrap_or("").trim();
        if document.is_empty() {
            problems.push(error(line, "empty value in column `document`".to_string()));
            continue;
        }
        let unit_index = match unit_col.map(|c| record.get(c).unwrap_or("").trim()) {
            None | Some("") => None,
            Some(v) => match v.parse::<u32>() {
                Ok(i) => Some(i),
                Err(_) => {
                    problems.push(error(
                        line,
                        format!("expected a whole number in column `unit_index`, found `{v}`"),
                    ));
                    continue;
                }
            },
        };
        let mut values = BTreeMap::new();
        for (i, h) in headers.iter().enumerate() {
            if i == document_col || Some(i) == unit_col {
                continue;
            }
            let v = record.get(i).unwrap_or("").trim();
            if !v.is_empty() {
                values.insert(h.clone(), v.to_string());
            }
        }
        let entry = table.documents.entry(document.to_string()).or_default();
        table.lines.entry(document.to_string()).or_insert(line);
        let slot = match unit_index {
            None => &mut entry.all_units,
            Some(i) => entry.by_unit.entry(i).or_default(),
        };
        if !slot.is_empty() {
            problems.push(error(
                line,
                format!(
                    "duplicate row for document `{document}`{}",
                    unit_index.map(|i| format!(" unit {i}")).unwrap_or_default()
                ),
            ));
            continue;
        }
        *slot = values;
    }
    (table, problems)
}
