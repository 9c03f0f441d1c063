#!/usr/bin/env bash
# Draws the example charts of examples/themes_report.py from a themata output folder.
#
#   examples/run_example.sh [VENV] [OUTPUT] [FIGURES]
#     VENV     Python virtual environment, created if missing   (default target/example-venv)
#     OUTPUT   themata output folder with the Parquet tables    (default output)
#     FIGURES  folder for the PNG files                         (default target/example-figures)
#
# Needs python3 (3.9+) with venv; the packages come from PyPI on the first run only: a stamp
# file holding the hash of requirements.txt skips pip while the requirements are unchanged.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-target/example-venv}"
output="${2:-output}"
figures="${3:-target/example-figures}"
requirements="$here/requirements.txt"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating virtual environment $venv"
    python3 -m venv "$venv"
fi

stamp="$venv/.requirements.sha256"
hash="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    echo "installing $(grep -cv '^\s*\(#\|$\)' "$requirements") packages into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$hash" > "$stamp"
fi

export MPLBACKEND=Agg  # headless: no display needed
exec "$venv/bin/python" "$here/themes_report.py" "$output" --out "$figures"
