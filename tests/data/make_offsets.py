#!/usr/bin/env python3
"""Turn the hand-written annotation lists of a set into SET/NAME.ann.tsv with byte offsets.

Usage:  python3 tests/data/make_offsets.py SET            # SET = dev or heldout: write every
                                                          # SET/NAME.ann.tsv, print checks
        python3 tests/data/make_offsets.py SET --review   # also print each annotation in
                                                          # context and every number /
                                                          # capitalised word left unannotated

Annotation lists live in SET/annotations/NAME.py (one per text, a list `A`), written with:

  E(kind, text, occ)   entity PERSON | ORG | PLACE
  F(text, occ, value, counted="", q="", pct=False, year=None)   figure
  Y(text, occ, year=None, end=None)   year mention (year defaults to the first 4 digits of text)
  X(text, occ)         NOT an annotation: a reserved span (web debris, a title we do not
                       annotate, ...) that `*` entries must not match inside; not written out

`occ` says which occurrence of `text` in the .txt:
  1, 2, ...  the n-th occurrence standing alone (no letter/digit right before or after)
  "*"        every such occurrence that does not overlap an earlier-placed annotation or X
             (entries are placed explicit-first, then `*` entries longest text first,
             so "FIDA Kenya" wins over "Kenya")
  "...str"   any other string: a context that occurs exactly once in the text and contains
             `text`; the first occurrence of `text` inside the context is taken (use it for
             glued debris such as "CampaignWOREC recently")

Every span is checked to slice back to its text; overlapping annotations are an error.
"""
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
    sys.exit("usage: make_offsets.py SET [--review]   (SET: dev or heldout)")
DEV = os.path.join(HERE, sys.argv.pop(1))
ANN = os.path.join(DEV, "annotations")

COLUMNS = ["kind", "start_byte", "end_byte", "text", "value", "counted", "qualifier",
           "is_percent", "year", "range_end"]


class Ann:
    def __init__(self, kind, text, occ, **attrs):
        self.kind, self.text, self.occ, self.attrs = kind, text, occ, attrs


def E(kind, text, occ=1):
    assert kind in ("PERSON", "ORG", "PLACE"), kind
    return Ann(kind, text, occ)


def F(text, occ, value, counted="", q="", pct=False, year=None):
    return Ann("FIGURE", text, occ, value=value, counted=counted, qualifier=q,
               is_percent=pct, year=year)


def Y(text, occ=1, year=None, end=None):
    if year is None:
        year = int(re.search(r"\d{4}", text).group(0))
    return Ann("YEAR", text, occ, year=year, range_end=end)


def X(text, occ=1):
    return Ann("X", text, occ)


def is_wordchar(ch):
    return unicodedata.category(ch)[0] in ("L", "N")


def standalone_matches(doc, text):
    out, i = [], doc.find(text)
    while i >= 0:
        j = i + len(text)
        before_ok = i == 0 or not is_wordchar(doc[i - 1]) or not is_wordchar(text[0])
        after_ok = j == len(doc) or not is_wordchar(doc[j]) or not is_wordchar(text[-1])
        if before_ok and after_ok:
            out.append((i, j))
        i = doc.find(text, i + 1)
    return out


def resolve(name, doc, anns):
    """Return [(start_char, end_char, Ann)] sorted, or raise on any problem."""
    placed = []
    problems = []

    def overlaps(s, e):
        return [p for p in placed if p[0] < e and s < p[1]]

    explicit = [a for a in anns if a.occ != "*"]
    starred = sorted([a for a in anns if a.occ == "*"], key=lambda a: -len(a.text))
    for a in explicit:
        if isinstance(a.occ, int):
            ms = standalone_matches(doc, a.text)
            if a.occ < 1 or a.occ > len(ms):
                problems.append(f"{a.kind} {a.text!r}: occurrence {a.occ} of {len(ms)}")
                continue
            s, e = ms[a.occ - 1]
        else:
            n = doc.count(a.occ)
            if n != 1:
                problems.append(f"{a.kind} {a.text!r}: context {a.occ!r} occurs {n} times")
                continue
            c = doc.find(a.occ)
            k = a.occ.find(a.text)
            if k < 0:
                problems.append(f"{a.kind} {a.text!r}: not inside context {a.occ!r}")
                continue
            s, e = c + k, c + k + len(a.text)
        ov = overlaps(s, e)
        if ov:
            problems.append(f"{a.kind} {a.text!r} at {s} overlaps "
                            + ", ".join(f"{p[2].kind} {p[2].text!r}" for p in ov))
            continue
        placed.append((s, e, a))
    skipped = []
    for a in starred:
        ms = standalone_matches(doc, a.text)
        if not ms:
            problems.append(f"{a.kind} {a.text!r}: '*' matched nothing")
        for s, e in ms:
            ov = overlaps(s, e)
            if ov:
                skipped.append((s, a, ov))
                continue
            placed.append((s, e, a))
    if problems:
        raise SystemExit(f"{name}:\n  " + "\n  ".join(problems))
    placed.sort(key=lambda p: p[0])
    return placed, skipped


def fmt_value(v):
    if v is None:
        return ""
    v = round(float(v), 3)
    return str(int(v)) if v == int(v) else repr(v)


def write_tsv(name, doc, placed):
    rows = ["\t".join(COLUMNS)]
    n_by_kind = {}
    for s, e, a in placed:
        if a.kind == "X":
            continue
        sb = len(doc[:s].encode("utf-8"))
        eb = sb + len(doc[s:e].encode("utf-8"))
        t = a.attrs
        if a.kind == "FIGURE":
            cols = [fmt_value(t["value"]), t["counted"], t["qualifier"],
                    "true" if t["is_percent"] else "false",
                    "" if t["year"] is None else str(t["year"]), ""]
        elif a.kind == "YEAR":
            cols = ["", "", "", "", str(t["year"]),
                    "" if t["range_end"] is None else str(t["range_end"])]
        else:
            cols = [""] * 6
        assert "\t" not in a.text and "\n" not in a.text, a.text
        rows.append("\t".join([a.kind, str(sb), str(eb), a.text] + cols))
        n_by_kind[a.kind] = n_by_kind.get(a.kind, 0) + 1
    path = os.path.join(DEV, name + ".ann.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(rows) + "\n")
    return n_by_kind


def verify(name):
    """Re-read the written TSV and check each byte span slices back to its text."""
    data = open(os.path.join(DEV, name + ".txt"), "rb").read()
    lines = open(os.path.join(DEV, name + ".ann.tsv"), encoding="utf-8").read().splitlines()
    assert lines[0].split("\t") == COLUMNS
    for i, line in enumerate(lines[1:], start=2):
        f = line.split("\t")
        assert len(f) == len(COLUMNS), f"{name}.ann.tsv:{i}: {len(f)} columns"
        s, e = int(f[1]), int(f[2])
        got = data[s:e].decode("utf-8")
        assert got == f[3], f"{name}.ann.tsv:{i}: span gives {got!r}, text is {f[3]!r}"
    return len(lines) - 1


NUM_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
             r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
             r"fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|"
             r"millions|billion|half|third|thirds|quarter|quarters|dozen|dozens|percent|"
             r"per cent")


def review(name, doc, placed, skipped):
    def ctx(s, e):
        return (doc[max(0, s - 30):s] + "[" + doc[s:e] + "]" + doc[e:e + 30]).replace("\n", "⏎")

    print(f"=== {name}")
    for s, e, a in placed:
        extra = "" if a.kind in ("PERSON", "ORG", "PLACE", "X") else " " + str(a.attrs)
        print(f"  {a.kind:6} {ctx(s, e)}{extra}")
    for s, a, ov in skipped:
        print(f"  skipped * {a.kind} {a.text!r} at {s} inside {ov[0][2].kind} {ov[0][2].text!r}")
    covered = [False] * len(doc)
    for s, e, _ in placed:
        for k in range(s, e):
            covered[k] = True
    print("  -- numbers not annotated:")
    for m in re.finditer(r"\d[\d,.]*|\b(?:%s)\b" % NUM_WORDS, doc, flags=re.I):
        if not covered[m.start()]:
            print("     ", ctx(m.start(), m.end()))
    print("  -- capitalised words not annotated (not after . ? ! : or line start):")
    for m in re.finditer(r"(?<![.?!:\n“\"‘(] )(?<!^)\b[A-Z][\w’'-]+", doc, flags=re.M):
        if not covered[m.start()] and m.start() > 0 and doc[m.start() - 1] != "\n":
            print("     ", ctx(m.start(), m.end()))


def main():
    do_review = "--review" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    names = sorted(f[:-3] for f in os.listdir(ANN) if f.endswith(".py"))
    total = {}
    for name in names:
        if only and name not in only:
            continue
        doc = open(os.path.join(DEV, name + ".txt"), encoding="utf-8").read()
        scope = {"E": E, "F": F, "Y": Y, "X": X}
        exec(open(os.path.join(ANN, name + ".py"), encoding="utf-8").read(), scope)
        placed, skipped = resolve(name, doc, scope["A"])
        counts = write_tsv(name, doc, placed)
        n = verify(name)
        words = len(re.findall(r"\w+", doc))
        print(f"{name}: {n} annotations, {words} words, "
              + ", ".join(f"{k} {counts.get(k, 0)}" for k in
                          ("PERSON", "ORG", "PLACE", "FIGURE", "YEAR")))
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        if do_review:
            review(name, doc, placed, skipped)
    print("total:", total)


if __name__ == "__main__":
    main()
