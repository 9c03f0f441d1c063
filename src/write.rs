//! Writing tables: Parquet (plain UTF-8 string columns, readable by old pyarrow and Spark) and
//! CSV (UTF-8, header row, floats with 6 decimals, empty for null), each written to a
//! temporary file in the output folder and renamed into place when complete, so an
//! interrupted run never leaves a half-written table. Tables can be written in batches (the
//! `sentences` table streams), and `manifest.json` is written the same way.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_parquet::write::{
    CompressionOptions, FileWriter, RowGroupIterator, StatisticsOptions, Version, WriteOptions,
    get_dtype_encoding,
};
use tempfile::TempPath;

use crate::config::Format;
use crate::error::WriteError;

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
    csv: Option<Pending<polars::io::csv::write::BatchedWriter<BufWriter<File>>>>,
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

/// Appends `frame` to a Parquet file as row groups.
fn write_parquet(
    p: &mut Pending<FileWriter<BufWriter<File>>>,
    frame: &DataFrame,
    options: WriteOptions,
) -> Result<(), WriteError> {
    let schema = p.writer.schema().clone();
    let encodings = schema
        .iter_values()
        .map(|f| get_dtype_encoding(&f.dtype))
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
            let out = BufWriter::new(file);
            match format {
                Format::Parquet => {
                    // CompatLevel::oldest: plain (Large)Utf8 strings, not Arrow string views.
                    let arrow_schema = schema.to_arrow(CompatLevel::oldest());
                    let writer = FileWriter::try_new(out, arrow_schema, sink.parquet_options)
                        .map_err(|e| file_error(&target, e))?;
                    sink.parquet = Some(Pending {
                        writer,
                        temp,
                        target,
                    });
                }
                Format::Csv => {
                    // Serialised on the calling thread: tables and formats are already
                    // written in parallel on the run's pool, and polars' own pool (one thread
                    // per core) would run past `--threads` and crowd the run's threads.
                    let writer = CsvWriter::new(out)
                        .n_threads(1)
                        .include_header(true)
                        .with_float_precision(Some(6))
                        .with_line_terminator("\n".into())
                        .batched(schema)
                        .map_err(|e| file_error(&target, e))?;
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
                Some(c) => c
                    .writer
                    .write_batch(&floats_as_text(&frame))
                    .map_err(|e| file_error(&c.target, e)),
                None => Ok(()),
            },
        );
        parquet.and(csv)
    }

    /// Completes every file and renames it into place. Returns what was written.
    pub fn finish(self) -> Result<WrittenTable, WriteError> {
        let mut files = Vec::new();
        if let Some(mut c) = self.csv {
            c.writer.finish().map_err(|e| file_error(&c.target, e))?;
            drop(c.writer);
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

/// `frame` with its float columns as text, six decimals, as the CSV files show them: the
/// formatting of [`push_six_decimals`] is several times faster than polars' (`{:.6}`) and
/// gives the same text.
fn floats_as_text(frame: &DataFrame) -> DataFrame {
    let mut frame = frame.clone();
    let floats: Vec<usize> = (0..frame.width())
        .filter(|&i| frame.columns()[i].dtype() == &DataType::Float64)
        .collect();
    for i in floats {
        let column = &frame.columns()[i];
        let values = column.f64().expect("a Float64 column");
        let mut text = String::with_capacity(values.len() * 12);
        let ends: Vec<Option<usize>> = values
            .iter()
            .map(|v| {
                v.map(|x| {
                    push_six_decimals(x, &mut text);
                    text.len()
                })
            })
            .collect();
        let mut start = 0;
        let strings: Vec<Option<&str>> = ends
            .iter()
            .map(|end| {
                end.map(|end| {
                    let s = &text[start..end];
                    start = end;
                    s
                })
            })
            .collect();
        let name = column.name().clone();
        frame
            .replace_column(i, Column::new(name, strings))
            .expect("a column of the same height");
    }
    frame
}

/// Appends `x` with six decimals, exactly as `format!("{x:.6}")` writes it: the exact
/// binary value rounded half to even, `-` for any negative value (zero too), `NaN`, `inf`.
fn push_six_decimals(x: f64, out: &mut String) {
    let fallback = |out: &mut String| {
        use std::fmt::Write;
        let _ = write!(out, "{x:.6}");
    };
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if exponent == 0x7ff {
        return fallback(out);
    }
    // |x| = mantissa × 2^power, exactly.
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, exponent - 1075)
    };
    // |x| × 10^6 = scaled × 2^power, with scaled < 2^73; rounded to an integer, half to even.
    let scaled = u128::from(mantissa) * 1_000_000;
    let millionths = if power >= 0 {
        if power > 50 {
            return fallback(out);
        }
        scaled << power
    } else {
        let shift = power.unsigned_abs();
        if shift >= 128 {
            0
        } else {
            let whole = scaled >> shift;
            let rest = scaled & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            whole + u128::from(rest > half || (rest == half && whole & 1 == 1))
        }
    };
    // Past 2^64 millionths (about 1.8e13) the integer part is written by `format!`.
    let Ok(millionths) = u64::try_from(millionths) else {
        return fallback(out);
    };
    if bits >> 63 == 1 {
        out.push('-');
    }
    // Digits, last first: six decimals, the point, then the integer part.
    let mut digits = [0u8; 28];
    let mut at = digits.len();
    let mut decimals = (millionths % 1_000_000) as u32;
    for _ in 0..6 {
        at -= 1;
        digits[at] = b'0' + (decimals % 10) as u8;
        decimals /= 10;
    }
    at -= 1;
    digits[at] = b'.';
    let mut whole = millionths / 1_000_000;
    loop {
        at -= 1;
        digits[at] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn six_decimals(x: f64) -> String {
        let mut out = String::new();
        push_six_decimals(x, &mut out);
        out
    }

    #[test]
    fn six_decimals_round_half_to_even_like_format() {
        let cases = [
            (0.0078125, "0.007812"),
            (0.0234375, "0.023438"),
            (-0.0, "-0.000000"),
            (-1e-9, "-0.000000"),
            (174.788136, "174.788136"),
            (1e15, "1000000000000000.000000"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, expected) in cases {
            assert_eq!(six_decimals(x), expected, "{x}");
            assert_eq!(format!("{x:.6}"), expected, "{x}");
        }
    }

    proptest! {
        #[test]
        fn six_decimals_are_format_s(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(six_decimals(x), format!("{x:.6}"));
        }

        #[test]
        fn six_decimals_of_table_figures_are_format_s(x in -1e7f64..1e7) {
            prop_assert_eq!(six_decimals(x), format!("{x:.6}"));
        }

        /// Halves of millionths, exactly representable: the ties.
        #[test]
        fn six_decimals_of_ties_are_format_s(n in -1_000_000i64..1_000_000, k in 0u32..30) {
            let x = n as f64 / f64::from(1u32 << k) / 64.0;
            prop_assert_eq!(six_decimals(x), format!("{x:.6}"));
        }
    }

    #[test]
    fn csv_floats_are_written_as_before() {
        let frame = DataFrame::new(
            3,
            vec![
                Column::new("a".into(), vec![Some(0.0078125), None, Some(-2.5)]),
                Column::new("b".into(), vec!["x", "y", "z"]),
            ],
        )
        .unwrap();
        let text = floats_as_text(&frame);
        assert_eq!(text.column("a").unwrap().dtype(), &DataType::String);
        let values: Vec<Option<&str>> = text.column("a").unwrap().str().unwrap().iter().collect();
        assert_eq!(values, [Some("0.007812"), None, Some("-2.500000")]);
        assert_eq!(text.column("b").unwrap(), frame.column("b").unwrap());
    }
}
