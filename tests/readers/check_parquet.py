"""Opens every Parquet table of an output folder with the readers researchers have, and checks
that each holds the same rows as its CSV twin and uses plain (non-view) string columns.

Usage: python check_parquet.py OUTPUT_DIR  (reports which readers it found and checked)
"""
import csv
import glob
import os
import sys


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def main(out):
    tables = sorted(glob.glob(os.path.join(out, "*.parquet")))
    assert tables, f"no parquet files in {out}"
    checked = []
    import pyarrow.parquet as pq

    for path in tables:
        t = pq.read_table(path)
        assert t.num_rows == csv_rows(path[: -len(".parquet")] + ".csv"), path
        for field in t.schema:
            assert "view" not in str(field.type), f"{path}: {field.name} is {field.type}"
    checked.append(f"pyarrow {__import__('pyarrow').__version__}")
    try:
        import pandas as pd

        for path in tables:
            assert len(pd.read_parquet(path)) == csv_rows(path[: -len(".parquet")] + ".csv")
        checked.append(f"pandas {pd.__version__}")
    except ImportError:
        pass
    try:
        import polars as pl

        for path in tables:
            assert pl.read_parquet(path).height == csv_rows(path[: -len(".parquet")] + ".csv")
        checked.append(f"polars {pl.__version__}")
    except ImportError:
        pass
    try:
        import duckdb

        for path in tables:
            n = duckdb.execute(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
            assert n == csv_rows(path[: -len(".parquet")] + ".csv"), path
        checked.append(f"duckdb {duckdb.__version__}")
    except ImportError:
        pass
    print(f"parquet readers ok on {len(tables)} tables: " + ", ".join(checked))


if __name__ == "__main__":
    main(sys.argv[1])
