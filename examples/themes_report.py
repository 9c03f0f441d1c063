# %% [markdown]
# # Themes report: what themata's tables look like as charts
#
# This script reads the Parquet tables that `themata run` writes and draws three figures:
#
# 1. **themes × countries**: the share of each country's sentences that mention a theme;
# 2. **theme co-occurrence**: how strongly two themes appear in the same sentence (NPMI),
#    with the pairs that are statistically significant marked;
# 3. **figures on a time line**: the numbers the interviews quote ("743 victims"), placed on
#    the year their sentence states, one colour per country.
#
# Run it as a script:
#
#     python examples/themes_report.py output --out examples/figures
#
# or open it in VS Code / Jupyter: the `# %%` lines are notebook cells. Each cell is short
# and meant to be edited: change the measure, the colours, the number of themes shown.

# %%
import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files, no window needed (works on servers and in CI)
import matplotlib.pyplot as plt
import numpy as np
import polars as pl

# In a notebook there are no command-line arguments: parse_known_args ignores Jupyter's own.
parser = argparse.ArgumentParser(description="Draw theme charts from themata's output tables.")
parser.add_argument("output", nargs="?", default="output", help="themata output folder")
parser.add_argument("--out", default="examples/figures", help="folder for the PNG files")
args, _ = parser.parse_known_args()

OUTPUT = Path(args.output)
FIGURES = Path(args.out)
plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 150, "font.size": 9})


def read_table(name: str) -> pl.DataFrame:
    """Read one themata table; stop with a clear message if it is missing or empty.

    Parquet keeps the column types (numbers, nulls). The repository commits only the CSV
    twins of the sample's tables, so when the Parquet file is absent we fall back to the CSV.
    """
    parquet, csv = OUTPUT / f"{name}.parquet", OUTPUT / f"{name}.csv"
    if parquet.exists():
        df = pl.read_parquet(parquet)
    elif csv.exists():
        print(f"note: {parquet} not found, reading {csv.name}", file=sys.stderr)
        df = pl.read_csv(csv, infer_schema_length=None)
    else:
        sys.exit(f"error: table `{name}` not found in {OUTPUT} "
                 f"(make it with `cargo run --release -- run -o {OUTPUT}`)")
    if df.height == 0:
        sys.exit(f"error: table `{name}` in {OUTPUT} is empty")
    return df


def save(fig, filename: str) -> None:
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / filename
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {path}")


# Read every table first, so a missing one stops the script before any figure is drawn.
themes_by_country = read_table("themes_by_country")
cooccurrence = read_table("theme_cooccurrence")
figures = read_table("figures")
units = read_table("units")

# %% [markdown]
# ## 1. Themes × countries
#
# `themes_by_country` has one row per country × theme. `share_of_sentences` is the fraction of
# the country's sentences with at least one match of the theme; `per_10k` (matches per 10,000
# content words) is the alternative. Themes are sorted by how common they are overall.

# %%
MEASURE = "share_of_sentences"  # or "per_10k"

tbc = themes_by_country.with_columns(pl.col("country").fill_null("(unknown)"))
wide = tbc.pivot(on="country", index="theme", values=MEASURE).fill_null(0)
countries = sorted(c for c in wide.columns if c != "theme")
wide = (
    wide.with_columns(pl.mean_horizontal(countries).alias("_mean"))
    .sort("_mean", descending=True)
    .drop("_mean")
)
themes = wide["theme"].to_list()
values = wide.select(countries).to_numpy()
if MEASURE == "share_of_sentences":
    values = values * 100  # show percentages
    label, fmt = "% of the country's sentences that mention the theme", "{:.0f}"
else:
    label, fmt = "theme matches per 10,000 content words", "{:.0f}"

fig, ax = plt.subplots(figsize=(1.3 * len(countries) + 3.5, 0.42 * len(themes) + 1.8))
im = ax.imshow(values, cmap="YlOrRd", aspect="auto", vmin=0)
ax.set_xticks(range(len(countries)), countries, rotation=30, ha="right")
ax.set_yticks(range(len(themes)), [t.replace("_", " ") for t in themes])
ax.tick_params(length=0)
# Write the value in every cell, white on dark cells and black on light ones.
for i in range(len(themes)):
    for j in range(len(countries)):
        v = values[i, j]
        dark = v > 0.6 * values.max()
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                color="white" if dark else "black")
fig.colorbar(im, ax=ax, label=label, shrink=0.8)
ax.set_title("How much each country's interviews talk about each theme", fontweight="bold")
ax.set_xlabel("country")
fig.tight_layout()
save(fig, "themes_by_country.png")

# %% [markdown]
# ## 2. Which themes occur together?
#
# `theme_cooccurrence` counts windows (sentences, by default) that hold both themes of a pair.
# `npmi` runs from −1 (never together) through 0 (independent) to +1 (always together);
# `p_adjusted` is a Benjamini–Hochberg adjusted p-value. We use the whole corpus
# (`scope == "corpus"`); filter on `scope == "country"` and a `group` to look at one country.

# %%
co = cooccurrence.filter(pl.col("scope") == "corpus")
if co.height == 0:
    sys.exit("error: theme_cooccurrence has no corpus rows")

names = sorted(set(co["theme_a"]) | set(co["theme_b"]))
index = {t: i for i, t in enumerate(names)}
npmi = np.full((len(names), len(names)), np.nan)
both = np.zeros_like(npmi)
significant = np.zeros_like(npmi, dtype=bool)
for row in co.iter_rows(named=True):
    a, b = index[row["theme_a"]], index[row["theme_b"]]
    # theme_a < theme_b: fill the lower triangle only, the matrix is symmetric.
    npmi[b, a], both[b, a] = row["npmi"], row["both"]
    significant[b, a] = row["p_adjusted"] < 0.05
# The lower triangle leaves the first row and the last column empty: drop them.
npmi, both, significant = npmi[1:, :-1], both[1:, :-1], significant[1:, :-1]
rows, cols = names[1:], names[:-1]

# Pairs never seen together have npmi = -1 by definition; grey them out rather than let them
# dominate the colour scale (with rare themes they say little). Colours stop at ±0.5.
shown = np.ma.masked_where(np.isnan(npmi) | (both == 0), npmi)
cmap = plt.get_cmap("RdBu_r").copy()
cmap.set_bad((0, 0, 0, 0))  # masked cells transparent: the grey layer shows
fig, ax = plt.subplots(figsize=(0.55 * len(cols) + 3, 0.5 * len(rows) + 1.8))
never = (both == 0) & ~np.isnan(npmi)
ax.imshow(np.where(never, 1.0, np.nan), cmap="Greys", vmin=0, vmax=6)  # light grey: never
im = ax.imshow(shown, cmap=cmap, vmin=-0.5, vmax=0.5)
ax.set_xticks(range(len(cols)), [t.replace("_", " ") for t in cols], rotation=45, ha="right")
ax.set_yticks(range(len(rows)), [t.replace("_", " ") for t in rows])
ax.tick_params(length=0)
ax.spines[:].set_visible(False)
for i in range(len(rows)):
    for j in range(i + 1):
        if never[i, j]:
            ax.text(j, i, "never", ha="center", va="center", fontsize=6, color="0.45")
        elif significant[i, j]:  # significant pairs: bold value and a star
            ax.text(j, i, f"{npmi[i, j]:.2f}*", ha="center", va="center", fontsize=7.5,
                    fontweight="bold")
        else:
            ax.text(j, i, f"{npmi[i, j]:.2f}", ha="center", va="center", fontsize=6.5,
                    color="0.3")
fig.colorbar(im, ax=ax, shrink=0.7, extend="both",
             label="NPMI: < 0 less often together than by chance, > 0 more often")
window = "windows"  # the window is set in themata.toml; manifest.json records it
manifest = OUTPUT / "manifest.json"
if manifest.exists():
    config = json.loads(manifest.read_text(encoding="utf-8"))["configuration"]
    window = config.get("cooccurrence", {}).get("window", "window") + "s"
ax.set_title(f"Themes mentioned together (whole corpus, "
             f"{co['windows'][0]} {window})\n* significant (Benjamini–Hochberg p < 0.05); "
             f"grey: never together", fontweight="bold")
fig.tight_layout()
save(fig, "theme_cooccurrence.png")

# The significant pairs as a table, strongest first (in a notebook this shows as a table).
with pl.Config(tbl_rows=-1, tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True):
    print("significant theme pairs (whole corpus):")
    print(
        co.filter(pl.col("p_adjusted") < 0.05)
        .sort("npmi", descending=True)
        .select("theme_a", "theme_b", "both", "expected", "npmi", "p_adjusted")
    )

# %% [markdown]
# ## 3. Figures on a time line
#
# `figures` holds every number the interviews quote, with what it counts and, when the
# sentence (or the one before) states one, the year. We join `units` to get each figure's
# country and plot the dated ones: year × value on a log scale (values range from a half to
# tens of thousands). Percentages are drawn as squares.

# %%
dated = (
    figures.join(units.select("unit_id", "country"), on="unit_id", how="left")
    .with_columns(pl.col("country").fill_null("(unknown)"))
    .filter(pl.col("year").is_not_null() & (pl.col("value") > 0))
)
if dated.height == 0:
    print("no dated figures: skipping figures_by_year.png")
else:
    fig, ax = plt.subplots(figsize=(9, 5))
    colours = plt.get_cmap("tab10")
    for k, country in enumerate(sorted(dated["country"].unique())):
        rows = dated.filter(pl.col("country") == country)
        for is_percent, marker in ((False, "o"), (True, "s")):
            part = rows.filter(pl.col("is_percent") == is_percent)
            if part.height:
                ax.scatter(part["year"], part["value"], s=45, marker=marker, alpha=0.85,
                           color=colours(k), label=country if not is_percent else None)
        # Label each point with the figure as written and what it counts ("743 victims").
        for r in rows.iter_rows(named=True):
            text = f"{r['text']} {r['counted'] or ''}".strip()
            ax.annotate(text, (r["year"], r["value"]), xytext=(5, 2),
                        textcoords="offset points", fontsize=7, color=colours(k))
    ax.set_yscale("log")
    years = dated["year"]
    ax.set_xlim(years.min() - 0.4, years.max() + 0.9)  # room for the labels on the right
    ax.set_xticks(range(years.min(), years.max() + 1))
    ax.set_xlabel("year stated in the sentence")
    ax.set_ylabel("value (log scale)")
    ax.scatter([], [], marker="s", color="0.5", label="(square: a percentage)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="country", frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title(f"Figures quoted in the interviews, by year "
                 f"({dated.height} of {figures.height} figures have a year)", fontweight="bold")
    fig.tight_layout()
    save(fig, "figures_by_year.png")
