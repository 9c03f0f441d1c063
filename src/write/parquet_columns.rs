//! A frame's columns as the Arrow arrays the Parquet writer encodes, each with its encoding.
//!
//! String columns get their dictionary here, in one pass with a hash table, instead of
//! the writer's two (a HyperLogLog estimate of the distinct values, then a hash map building
//! the dictionary). The rule for when a dictionary is worth it is the writer's: a column of
//! more than 128 rows is written plainly when more than three quarters of its values are
//! distinct (here counted exactly, there estimated). The dictionary holds the values in order
//! of first appearance, as the writer's does, so the pages are the same.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8Array, Utf8ViewArray};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_parquet::parquet::encoding::Encoding;
use polars_parquet::write::get_dtype_encoding;
use rustc_hash::FxBuildHasher;

/// Rows up to which a column always gets a dictionary.
const ALWAYS_DICTIONARY_ROWS: usize = 128;

/// Whether `distinct` values (a null counts as one) in `rows` rows are worth a dictionary.
fn worth_a_dictionary(distinct: usize, rows: usize) -> bool {
    rows <= ALWAYS_DICTIONARY_ROWS || distinct * 4 <= rows * 3
}

/// A distinct value of a column being dictionary-encoded.
struct Entry<'a> {
    hash: u64,
    value: &'a str,
    key: u32,
}

/// `strings` dictionary-encoded (values in order of first appearance), or `None` when too
/// many of its values are distinct for a dictionary to be worth it.
pub(super) fn string_dictionary(strings: &Utf8ViewArray) -> Option<DictionaryArray<u32>> {
    let rows = strings.len();
    let nulls = usize::from(strings.null_count() > 0);
    // The distinct values by key, each with its hash; the table holds them by hash. Values are
    // borrowed, so none is copied until the dictionary is known to be worth it (the crate's
    // `Interner` copies every new string, which a mostly distinct column pays for in vain:
    // 3,846M instructions for a 2.9 MB run with it against 3,782M with this table).
    let mut values: Vec<&str> = Vec::new();
    let mut table: HashTable<Entry<'_>> = HashTable::with_capacity(rows.min(1024));
    let mut keys = Vec::with_capacity(rows);
    // Tables are sorted, so a value often repeats the one before it: that needs no lookup.
    let mut previous: Option<(&str, u32)> = None;
    for value in strings.iter() {
        let Some(value) = value else {
            keys.push(0);
            continue;
        };
        let key = match previous {
            Some((text, key)) if text == value => key,
            _ => {
                let hash = FxBuildHasher.hash_one(value);
                match table.find(hash, |e| e.value == value) {
                    Some(e) => e.key,
                    None => {
                        let key = u32::try_from(values.len()).ok()?;
                        values.push(value);
                        if !worth_a_dictionary(values.len() + nulls, rows) {
                            return None;
                        }
                        table.insert_unique(hash, Entry { hash, value, key }, |e| e.hash);
                        key
                    }
                }
            }
        };
        previous = Some((value, key));
        keys.push(key);
    }
    let values = Utf8Array::<i64>::from_iter_values(values.into_iter());
    let keys = PrimitiveArray::new(
        ArrowDataType::UInt32,
        keys.into(),
        strings.validity().cloned(),
    );
    let dtype = ArrowDataType::Dictionary(
        IntegerType::UInt32,
        Box::new(ArrowDataType::LargeUtf8),
        false,
    );
    Some(
        DictionaryArray::try_new(dtype, keys, values.boxed())
            .expect("every key indexes the dictionary's values"),
    )
}

/// `column` (one chunk) as the array the Parquet file stores, in the file's compatibility
/// level (plain UTF-8 strings, no string views), with its encoding.
pub(super) fn parquet_column(column: &Column) -> (Box<dyn Array>, Encoding) {
    let series = column.as_materialized_series();
    if let Ok(strings) = series.str() {
        if let Some(dictionary) = string_dictionary(strings.downcast_as_array()) {
            return (dictionary.boxed(), Encoding::RleDictionary);
        }
        return (series.to_arrow(0, CompatLevel::oldest()), Encoding::Plain);
    }
    let array = series.to_arrow(0, CompatLevel::oldest());
    let encoding = if matches!(array.dtype(), ArrowDataType::Float64) {
        // Statistics, whose values rarely repeat: the writer would estimate their distinct
        // values, a hashing pass over all of them, only to find that out and write them
        // plainly (it does when over three quarters of a column's values are distinct).
        Encoding::Plain
    } else {
        get_dtype_encoding(array.dtype())[0]
    };
    (array, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars_arrow::array::MutableBinaryViewArray;

    fn views(values: &[Option<&str>]) -> Utf8ViewArray {
        MutableBinaryViewArray::<str>::from(values).into()
    }

    /// What the Parquet writer's own cast builds: the reference for our dictionary.
    fn polars_dictionary(values: &[Option<&str>]) -> DictionaryArray<u32> {
        let large = Utf8Array::<i64>::from(values);
        let dtype = ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(ArrowDataType::LargeUtf8),
            false,
        );
        let cast = polars_compute::cast::cast(&large, &dtype, Default::default()).unwrap();
        cast.as_any()
            .downcast_ref::<DictionaryArray<u32>>()
            .unwrap()
            .clone()
    }

    /// The same keys and the same values in the same order (`==` on dictionary arrays
    /// compares what the keys point to, not how the dictionary is laid out).
    fn same_layout(a: &DictionaryArray<u32>, b: &DictionaryArray<u32>) -> bool {
        a.keys() == b.keys() && a.values().as_ref() == b.values().as_ref()
    }

    #[test]
    fn dictionary_is_the_writers_with_nulls_and_repeats() {
        let values = [
            Some("kenya"),
            Some("kenya"),
            None,
            Some("nepal"),
            Some(""),
            Some("kenya"),
            None,
            Some("nepal"),
        ];
        let ours = string_dictionary(&views(&values)).unwrap();
        let theirs = polars_dictionary(&values);
        assert!(same_layout(&ours, &theirs), "{ours:?} vs {theirs:?}");
        let keys: Vec<Option<u32>> = ours.keys().iter().map(|k| k.copied()).collect();
        assert_eq!(
            keys,
            [
                Some(0),
                Some(0),
                None,
                Some(1),
                Some(2),
                Some(0),
                None,
                Some(1)
            ]
        );
    }

    #[test]
    fn mostly_distinct_long_columns_are_plain() {
        // 200 rows: 150 distinct values are three quarters, still a dictionary; 151 are not.
        let column = |distinct: usize| -> Vec<String> {
            (0..200).map(|i| format!("w{}", i % distinct)).collect()
        };
        for (distinct, dictionary) in [(150, true), (151, false), (10, true), (200, false)] {
            let owned = column(distinct);
            let values: Vec<Option<&str>> = owned.iter().map(|s| Some(s.as_str())).collect();
            assert_eq!(
                string_dictionary(&views(&values)).is_some(),
                dictionary,
                "{distinct} distinct of 200"
            );
        }
        // Short columns always get one.
        let short: Vec<String> = (0..128).map(|i| format!("w{i}")).collect();
        let values: Vec<Option<&str>> = short.iter().map(|s| Some(s.as_str())).collect();
        assert!(string_dictionary(&views(&values)).is_some());
    }

    #[test]
    fn an_all_null_column_has_an_empty_dictionary() {
        let values = [None, None, None];
        let ours = string_dictionary(&views(&values)).unwrap();
        assert!(same_layout(&ours, &polars_dictionary(&values)));
        assert_eq!(ours.values().len(), 0);
    }

    proptest::proptest! {
        #[test]
        fn dictionary_is_the_writers(
            values in proptest::collection::vec(
                proptest::option::of("[a-h]{0,3}|é|naïve"), 0..300)
        ) {
            let values: Vec<Option<&str>> = values.iter().map(|v| v.as_deref()).collect();
            if let Some(ours) = string_dictionary(&views(&values)) {
                let theirs = polars_dictionary(&values);
                proptest::prop_assert!(same_layout(&ours, &theirs), "{:?} vs {:?}", ours, theirs);
            } else {
                let distinct = values.iter().collect::<std::collections::HashSet<_>>().len();
                proptest::prop_assert!(values.len() > 128 && distinct * 4 > values.len() * 3);
            }
        }
    }
}
