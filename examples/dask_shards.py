"""Run themata over a corpus in N shards on a Dask cluster, then merge the parts.

For users without a batch scheduler: a LocalCluster uses the cores of one machine, and the
same code runs on any Dask cluster (`Client("scheduler-address:8786")`) whose workers share
the corpus and output folders. Each task is a plain `themata run --shard I/N` command, so a
failed shard raises and the merge does not run (exit code 1, "finished, some inputs skipped",
is a complete part, not a failure).

    pip install "dask[distributed]"
    python examples/dask_shards.py CORPUS OUTPUT [--shards N] [--themata PATH]
"""

import argparse
import pathlib
import subprocess
import sys

from dask.distributed import Client, LocalCluster


def run_shard(themata: str, corpus: str, parts: str, index: int, count: int) -> str:
    """One shard: `themata run CORPUS --shard I/N -o PARTS/I`; returns the part folder."""
    part = str(pathlib.Path(parts) / str(index))
    done = subprocess.run(
        [themata, "run", corpus, "--shard", f"{index}/{count}", "-o", part,
         "--threads", "1", "--quiet"],
    )
    # 0: clean; 1: finished, some inputs skipped (named in part.json): the part is complete.
    if done.returncode > 1:
        raise RuntimeError(f"shard {index}/{count} failed with exit code {done.returncode}")
    return part


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("output")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--themata", default="themata", help="the themata binary")
    parser.add_argument("--parts", default=None, help="where the parts go (default OUTPUT.parts)")
    args = parser.parse_args()
    parts = args.parts or f"{args.output.rstrip('/')}.parts"

    with LocalCluster(threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
        futures = [
            client.submit(run_shard, args.themata, args.corpus, parts, i, args.shards, pure=False)
            for i in range(args.shards)
        ]
        folders = client.gather(futures)  # raises if any shard failed: no merge then
    merged = subprocess.run([args.themata, "merge", *folders, "-o", args.output, "--quiet"])
    if merged.returncode > 1:
        return merged.returncode
    print(f"merged {len(folders)} shards into {args.output}")
    return merged.returncode


if __name__ == "__main__":
    sys.exit(main())
