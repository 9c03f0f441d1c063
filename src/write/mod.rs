//! Writing tables: Parquet (plain UTF-8 string columns, readable by old pyarrow and Spark) and
//! CSV (UTF-8, header row, floats with 6 decimals, empty for null), each written to a
//! temporary file in the output folder and renamed into place when complete, so an
//! interrupted run never leaves a half-written table. Tables can be written in batches (the
//! `sentences` table streams), and `manifest.json` is written the same way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_parquet::parquet::encoding::Encoding;
use polars_parquet::write::{
    CompressionOptions, FileWriter, RowGroupIterator, StatisticsOptions, Version, WriteOptions,
    get_dtype_encoding,
};
use tempfile::TempPath;

mod csv_file;

use crate::config::Format;
use crate::error::WriteError;
use csv_file::CsvFile;

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

/// Float columns are written without a dictionary: they are statistics, whose values rarely
/// repeat, and polars' writer would estimate their number of distinct values, a hashing pass
/// over all of them, only to find that out and write them plainly (it does when over three
/// quarters of a column's values are distinct).
fn plain_encoded(dtype: &ArrowDataType) -> bool {
    matches!(dtype, ArrowDataType::Float64)
}

/// Appends `frame` to a Parquet file as row groups.
fn write_parquet(
    p: &mut Pending<FileWriter<BufWriter<File>>>,
    frame: &DataFrame,
    options: WriteOptions,
) -> Result<(), WriteError> {
    let schema = p.writer.schema().clone();
    let encodings = schema
        .iter_values()
        .map(|f| {
            if plain_encoded(&f.dtype) {
                vec![Encoding::Plain]
            } else {
                get_dtype_encoding(&f.dtype)
            }
        })
        .collect();
    let batches = frame.iter_chunks(CompatLevel::oldest(), false).map(Ok);
    let groups = RowGroupIterator::try_new(batches, &schema, options, encodings)
        .map_err(|e| file_error(&p.target, e))?;
    for group in groups {
        let group = group.map_err(|e| file_error(&p.target, e))?;
        p.writer
            .write(frame.height() as u64, group)
            .map_err(|e| file_error(&p.target, e))?;
    }
    Ok(())
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
