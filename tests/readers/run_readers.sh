#!/usr/bin/env bash
# Opens the Parquet tables of an output folder with old and current readers researchers use:
# pyarrow 12 with pandas 2.0 (older installations), and current pyarrow, pandas, polars and
# DuckDB. Each reader set lives in its own virtual environment under $2 (default target),
# created on the first run (PyPI) and reused while this script is unchanged.
#
#   tests/readers/run_readers.sh OUTPUT [VENV_ROOT]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
output="$1"
root="${2:-target}"
stamp_hash="$(sha256sum "$0" | cut -d' ' -f1)"

check() {
    local name="$1"; shift
    local venv="$root/readers-$name"
    if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp_hash" ]; then
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
        echo "$stamp_hash" > "$venv/.stamp"
    fi
    "$venv/bin/python" "$here/check_parquet.py" "$output"
}

check old "pyarrow==12.0.1" "pandas==2.0.3" "numpy<2"
check new pyarrow pandas polars duckdb
