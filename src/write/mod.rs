//! Writing tables: Parquet (plain UTF-8 string columns, readable by old pyarrow and Spark) and
//! CSV (UTF-8, header row, floats with 6 decimals, empty for null), each written to a
//! temporary file in the output folder and renamed into place when complete, so an
//! interrupted run never leaves a half-written table. Tables can be written in batches (the
//! `sentences` table streams), and `manifest.json` is written the same way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_arrow::record_batch::RecordBatchT;
use polars_parquet::write::{
    CompressionOptions, FileWriter, StatisticsOptions, Version, WriteOptions, row_group_iter,
};
use tempfile::TempPath;

mod csv_file;
mod parquet_columns;

use crate::config::Format;
use crate::error::WriteError;
use csv_file::CsvFile;
use parquet_columns::parquet_column;

/// Checks that `dir` exists (creating it) and can be written, before any work starts.
pub fn prepare_output(dir: &Path) -> Result<(), WriteError> {
    let not_writable = |source| WriteError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(not_writable)?;
    tempfile::Builder::new()
        .prefix(".themata-probe")
        .tempfile_in(dir)
        .map(drop)
        .map_err(not_writable)
}

fn file_error(path: &Path, message: impl ToString) -> WriteError {
    WriteError::File {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

struct Pending<W> {
    writer: W,
    temp: TempPath,
    target: PathBuf,
}

/// A table being written, in one or more batches, to every configured format.
pub struct TableSink {
    name: String,
    columns: Vec<String>,
    rows: u64,
    parquet: Option<Pending<FileWriter<BufWriter<File>>>>,
    parquet_options: WriteOptions,
    csv: Option<Pending<CsvFile>>,
}

/// A temporary file in `dir` for `target`, readable by others once renamed into place.
pub(crate) fn temp_in(dir: &Path, target: &Path) -> Result<(File, TempPath), WriteError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".themata-").suffix(".partial");
    // Tables are for sharing: readable by others, like any file the user writes (the umask
    // still applies), not private like a temporary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let file = builder
        .tempfile_in(dir)
        .map_err(|e| file_error(target, e))?;
    Ok(file.into_parts())
}

/// Appends `frame` (one chunk per column) to a Parquet file as a row group.
fn write_parquet(
    p: &mut Pending<FileWriter<BufWriter<File>>>,
    frame: &DataFrame,
    options: WriteOptions,
) -> Result<(), WriteError> {
    let (arrays, encodings): (Vec<_>, Vec<_>) = frame
        .columns()
        .iter()
        .map(|column| {
            let (array, encoding) = parquet_column(column);
            (array, vec![encoding])
        })
        .unzip();
    let schema = std::sync::Arc::new(p.writer.schema().clone());
    let chunk = RecordBatchT::try_new(frame.height(), schema, arrays)
        .map_err(|e| file_error(&p.target, e))?;
    let fields = p.writer.parquet_schema().fields().to_vec();
    let group = row_group_iter(chunk, encodings.into(), fields, options);
    p.writer
        .write(frame.height() as u64, group)
        .map_err(|e| file_error(&p.target, e))
}

impl TableSink {
    /// Starts writing table `name` with `schema` into `dir`, in `formats`.
    pub fn create(
        dir: &Path,
        name: &str,
        schema: &Schema,
        formats: &[Format],
    ) -> Result<TableSink, WriteError> {
        let mut sink = TableSink {
            name: name.to_string(),
            columns: schema.iter_names().map(|n| n.to_string()).collect(),
            rows: 0,
            parquet: None,
            parquet_options: WriteOptions {
                statistics: StatisticsOptions::default(),
                version: Version::V1,
                // Snappy: the codec every Parquet reader has, old pyarrow and Spark included.
                compression: CompressionOptions::Snappy,
                data_page_size: None,
            },
            csv: None,
        };
        for &format in formats {
            let target = dir.join(format!("{name}.{}", format.extension()));
            let (file, temp) = temp_in(dir, &target)?;
            match format {
                Format::Parquet => {
                    // CompatLevel::oldest: plain (Large)Utf8 strings, not Arrow string views.
                    let arrow_schema = schema.to_arrow(CompatLevel::oldest());
                    let writer = FileWriter::try_new(
                        BufWriter::new(file),
                        arrow_schema,
                        sink.parquet_options,
                    )
                    .map_err(|e| file_error(&target, e))?;
                    sink.parquet = Some(Pending {
                        writer,
                        temp,
                        target,
                    });
                }
                Format::Csv => {
                    let writer = CsvFile::create(file, schema.iter_names().map(|n| n.as_str()));
                    sink.csv = Some(Pending {
                        writer,
                        temp,
                        target,
                    });
                }
            }
        }
        Ok(sink)
    }

    /// Appends the rows of `frame` (same schema as at creation).
    pub fn write(&mut self, frame: &DataFrame) -> Result<(), WriteError> {
        if frame.height() == 0 {
            return Ok(());
        }
        let mut frame = frame.clone();
        frame.rechunk_mut();
        self.rows += frame.height() as u64;
        // The two formats of a batch are encoded at the same time (on the caller's rayon pool).
        let options = self.parquet_options;
        let (parquet, csv) = rayon::join(
            || match &mut self.parquet {
                Some(p) => write_parquet(p, &frame, options),
                None => Ok(()),
            },
            || match &mut self.csv {
                Some(c) => c.writer.write(&frame).map_err(|e| file_error(&c.target, e)),
                None => Ok(()),
            },
        );
        parquet.and(csv)
    }

    /// Completes every file and renames it into place. Returns what was written.
    pub fn finish(self) -> Result<WrittenTable, WriteError> {
        let mut files = Vec::new();
        if let Some(c) = self.csv {
            drop(c.writer.finish().map_err(|e| file_error(&c.target, e))?);
            c.temp
                .persist(&c.target)
                .map_err(|e| file_error(&c.target, e))?;
            files.push(c.target);
        }
        if let Some(mut p) = self.parquet {
            p.writer.end(None).map_err(|e| file_error(&p.target, e))?;
            let mut out = p.writer.into_inner();
            out.flush().map_err(|e| file_error(&p.target, e))?;
            drop(out);
            p.temp
                .persist(&p.target)
                .map_err(|e| file_error(&p.target, e))?;
            files.push(p.target);
        }
        Ok(WrittenTable {
            name: self.name,
            rows: self.rows,
            columns: self.columns,
            files,
        })
    }
}

/// A table that was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WrittenTable {
    /// Table name.
    pub name: String,
    /// Rows.
    pub rows: u64,
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Writes a whole table at once.
pub fn write_table(
    dir: &Path,
    name: &str,
    frame: &DataFrame,
    formats: &[Format],
) -> Result<WrittenTable, WriteError> {
    let mut sink = TableSink::create(dir, name, frame.schema(), formats)?;
    sink.write(frame)?;
    sink.finish()
}

/// Writes a table given in chunks (each a frame with the columns of `empty`), so that its
/// rows are never all in memory. A chunk that is an error fails the table: its temporary
/// files are removed and nothing is renamed into place.
pub fn write_chunks(
    dir: &Path,
    name: &str,
    empty: &DataFrame,
    chunks: impl Iterator<Item = Result<DataFrame, WriteError>>,
    formats: &[Format],
) -> Result<WrittenTable, WriteError> {
    let mut sink = TableSink::create(dir, name, empty.schema(), formats)?;
    for chunk in chunks {
        sink.write(&chunk?)?;
    }
    sink.finish()
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let (mut file, temp) = temp_in(dir, path)?;
    file.write_all(bytes).map_err(|e| file_error(path, e))?;
    drop(file);
    temp.persist(path).map_err(|e| file_error(path, e))?;
    Ok(())
}
