//! CSV as the tables' files show it: UTF-8, comma-separated, a header row, `\n` after every
//! row. A null is an empty field and an empty string is `""`; a string holding a comma, a
//! quote or a line break is quoted, its quotes doubled; integers are plain, floats have six
//! decimals (as `format!("{x:.6}")` writes them), booleans are `true` and `false`.
//!
//! These are the rules of polars' CSV writer (`QuoteStyle::Necessary`, float precision 6),
//! which wrote the tables before, and the files are byte for byte the same. The rows are
//! encoded straight from the frame's Arrow arrays: polars' writer goes through a boxed
//! serialiser per column and cell, and needs float columns turned into text columns first,
//! which made CSV about a seventh of a run's time. The `csv` crate, which reads
//! `metadata.csv`, cannot write these files: it leaves an empty string unquoted, the same as
//! a null.

use std::fs::File;
use std::io::Write;

use memchr::{memchr, memchr3};
use polars::prelude::{Column, DataFrame, DataType};
use polars_arrow::array::{Array, BooleanArray, PrimitiveArray, Utf8ViewArray};

/// Bytes encoded before they are handed to the file.
const FLUSH_AT: usize = 1 << 20;

/// A CSV file being written, batch by batch.
pub(super) struct CsvFile {
    file: File,
    buffer: Vec<u8>,
}

/// One column of a batch, as the Arrow array that holds it.
enum Cells<'a> {
    Text(&'a Utf8ViewArray),
    Integer(&'a PrimitiveArray<i64>),
    Float(&'a PrimitiveArray<f64>),
    Boolean(&'a BooleanArray),
}

impl<'a> Cells<'a> {
    /// The column's array; `None` for a type no table has. The frame has one chunk.
    fn of(column: &'a Column) -> Option<Cells<'a>> {
        let series = column.as_materialized_series();
        Some(match series.dtype() {
            DataType::String => Cells::Text(series.str().ok()?.downcast_as_array()),
            DataType::Int64 => Cells::Integer(series.i64().ok()?.downcast_as_array()),
            DataType::Float64 => Cells::Float(series.f64().ok()?.downcast_as_array()),
            DataType::Boolean => Cells::Boolean(series.bool().ok()?.downcast_as_array()),
            _ => return None,
        })
    }

    /// Appends row `row`'s field.
    fn push(&self, row: usize, out: &mut Vec<u8>) {
        match self {
            Cells::Text(a) if a.is_valid(row) => push_text(a.value(row), out),
            Cells::Integer(a) if a.is_valid(row) => {
                out.extend_from_slice(itoa::Buffer::new().format(a.value(row)).as_bytes())
            }
            Cells::Float(a) if a.is_valid(row) => push_six_decimals(a.value(row), out),
            Cells::Boolean(a) if a.is_valid(row) => {
                out.extend_from_slice(if a.value(row) { b"true" } else { b"false" })
            }
            _ => {}
        }
    }
}

impl CsvFile {
    /// Starts a CSV file on `file` with the header row `names`.
    pub(super) fn create<'a>(file: File, names: impl IntoIterator<Item = &'a str>) -> CsvFile {
        let mut csv = CsvFile {
            file,
            buffer: Vec::with_capacity(FLUSH_AT + (FLUSH_AT >> 2)),
        };
        for (i, name) in names.into_iter().enumerate() {
            if i > 0 {
                csv.buffer.push(b',');
            }
            push_text(name, &mut csv.buffer);
        }
        csv.buffer.push(b'\n');
        csv
    }

    /// Appends the rows of `frame` (one chunk per column). Fails, naming the column, on a
    /// column type that tables do not have.
    pub(super) fn write(&mut self, frame: &DataFrame) -> Result<(), String> {
        let columns = frame
            .columns()
            .iter()
            .map(|c| {
                Cells::of(c).ok_or_else(|| format!("column {} has type {}", c.name(), c.dtype()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..frame.height() {
            for (i, cells) in columns.iter().enumerate() {
                if i > 0 {
                    self.buffer.push(b',');
                }
                cells.push(row, &mut self.buffer);
            }
            self.buffer.push(b'\n');
            if self.buffer.len() >= FLUSH_AT {
                self.flush().map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    /// Writes what is left and returns the file.
    pub(super) fn finish(mut self) -> std::io::Result<File> {
        self.flush()?;
        Ok(self.file)
    }
}

/// Appends `s` as a CSV field: `""` when empty, quoted with inner quotes doubled when it
/// holds a comma, a quote or a line break, as it is otherwise.
fn push_text(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        out.extend_from_slice(b"\"\"");
        return;
    }
    if !needs_quotes(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for piece in bytes.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(piece);
        if piece.ends_with(b"\"") {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// The bytes that make a field quoted: a comma, a quote, a line feed, a carriage return.
const QUOTED_BY: [u8; 4] = [b',', b'"', b'\n', b'\r'];

/// Whether a field holds one of [`QUOTED_BY`]. Most fields are short: they are read eight
/// bytes at a time as a word, each byte of the set tested in all eight at once (a byte equal
/// to it makes the word XOR its copies have a zero byte, which the subtraction finds); a
/// vectorised search's set-up pays only on longer fields.
fn needs_quotes(bytes: &[u8]) -> bool {
    let [comma, quote, line_feed, carriage_return] = QUOTED_BY;
    if bytes.len() >= 32 {
        return memchr3(comma, quote, line_feed, bytes).is_some()
            || memchr(carriage_return, bytes).is_some();
    }
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        if quoted_by_in(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
            return true;
        }
    }
    words.remainder().iter().any(|b| QUOTED_BY.contains(b))
}

/// Whether any of the eight bytes of `word` is one of [`QUOTED_BY`].
fn quoted_by_in(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Nonzero exactly when some byte of `word` equals `byte`.
    let equal = |byte: u8| {
        let v = word ^ (ONES * u64::from(byte));
        v.wrapping_sub(ONES) & !v & HIGHS
    };
    QUOTED_BY.iter().fold(0, |found, &byte| found | equal(byte)) != 0
}

/// Appends `x` with six decimals, exactly as `format!("{x:.6}")` writes it: the exact
/// binary value rounded half to even, `-` for any negative value (zero too), `NaN`, `inf`.
/// Several times faster than `format!`.
fn push_six_decimals(x: f64, out: &mut Vec<u8>) {
    let fallback = |out: &mut Vec<u8>| {
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
        out.push(b'-');
    }
    out.extend_from_slice(
        itoa::Buffer::new()
            .format(millionths / 1_000_000)
            .as_bytes(),
    );
    out.push(b'.');
    // The six decimals, two digits at a time.
    let decimals = (millionths % 1_000_000) as usize;
    for pair in [decimals / 10_000, decimals / 100 % 100, decimals % 100] {
        out.extend_from_slice(&DIGIT_PAIRS[2 * pair..2 * pair + 2]);
    }
}

/// "00", "01", … "99", one after another.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;
    use proptest::prelude::*;

    fn six_decimals(x: f64) -> String {
        let mut out = Vec::new();
        push_six_decimals(x, &mut out);
        String::from_utf8(out).unwrap()
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
        fn needs_quotes_finds_every_special_byte(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'),
                    any::<u8>(), b'a'..=b'z', b'a'..=b'z', b'a'..=b'z'
                ],
                0..48,
            )
        ) {
            let expected = bytes.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
            prop_assert_eq!(needs_quotes(&bytes), expected);
        }

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

        /// Any frame of the tables' column types is written as polars' CSV writer writes it,
        /// with floats as six-decimal text.
        #[test]
        fn rows_are_polars_csv(
            rows in proptest::collection::vec(
                (
                    proptest::option::of("[a-z,\"\n\r é]{0,6}"),
                    any::<i64>(),
                    proptest::option::of(any::<f64>()),
                    proptest::option::of(any::<bool>()),
                ),
                0..20,
            ),
        ) {
            let frame = DataFrame::new(
                rows.len(),
                vec![
                    Column::new("text, quoted".into(), rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>()),
                    Column::new("n".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
                    Column::new("x".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
                    Column::new("b".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
                ],
            )
            .unwrap();
            prop_assert_eq!(ours(&frame), polars_csv(&frame));
        }
    }

    fn ours(frame: &DataFrame) -> String {
        let file = tempfile::tempfile().unwrap();
        let mut csv = CsvFile::create(
            file,
            frame.get_column_names().into_iter().map(|n| n.as_str()),
        );
        csv.write(frame).unwrap();
        let mut file = csv.finish().unwrap();
        let mut text = String::new();
        use std::io::{Read, Seek};
        file.rewind().unwrap();
        file.read_to_string(&mut text).unwrap();
        text
    }

    /// What polars' CSV writer makes of `frame`, its floats first written as six-decimal text.
    fn polars_csv(frame: &DataFrame) -> String {
        let mut frame = frame.clone();
        let x: Vec<Option<String>> = frame
            .column("x")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.map(|v| format!("{v:.6}")))
            .collect();
        frame.replace_column(2, Column::new("x".into(), x)).unwrap();
        let mut out = Vec::new();
        CsvWriter::new(&mut out)
            .include_header(true)
            .with_line_terminator("\n".into())
            .finish(&mut frame)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let frame = DataFrame::new(
            4,
            vec![
                Column::new(
                    "text".into(),
                    vec![Some(""), None, Some("a, \"b\""), Some("plain")],
                ),
                Column::new(
                    "x".into(),
                    vec![Some(0.0078125), None, Some(-2.5), Some(1.0)],
                ),
            ],
        )
        .unwrap();
        assert_eq!(
            ours(&frame),
            "text,x\n\"\",0.007812\n,\n\"a, \"\"b\"\"\",-2.500000\nplain,1.000000\n"
        );
    }
}
