//! Scoring of extracted entities, figures and years against the gold development set.
//!
//! Input: gold and predicted [`Annotation`]s (usually read with [`read_annotations`] from the
//! `kind start_byte end_byte text value counted qualifier is_percent year range_end` TSV format
//! of `dev/*.ann.tsv`). Output: a [`Report`] with precision/recall/F1 per kind (exact span match:
//! same kind, same start and end byte), the overall `ENTITY` row (PERSON+ORG+PLACE summed, typed)
//! and `ENTITY_UNTYPED` (entity spans matched ignoring the type), attribute accuracy on matched
//! figures (value within 0.001 relative, counted) and years (year and range end), and every
//! false positive / false negative with its text.
//!
//! It does not extract anything, does not check spans against a document text and does not
//! give partial credit for overlapping spans.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The TSV columns, in order.
pub const COLUMNS: [&str; 10] = [
    "kind",
    "start_byte",
    "end_byte",
    "text",
    "value",
    "counted",
    "qualifier",
    "is_percent",
    "year",
    "range_end",
];

/// Kinds treated as entities.
const ENTITY_KINDS: [&str; 3] = ["PERSON", "ORG", "PLACE"];

/// One gold or predicted annotation: a span of a document with its kind and attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// `PERSON`, `ORG`, `PLACE`, `FIGURE` or `YEAR`.
    pub kind: String,
    /// Byte offset of the span's start in the document text.
    pub start_byte: usize,
    /// Byte offset just past the span's end.
    pub end_byte: usize,
    /// The span's text.
    pub text: String,
    /// FIGURE: the number.
    pub value: Option<f64>,
    /// FIGURE: what is counted, lowercase.
    pub counted: Option<String>,
    /// FIGURE: the hedge word(s), lowercase.
    pub qualifier: Option<String>,
    /// FIGURE: whether the number is a percentage.
    pub is_percent: Option<bool>,
    /// FIGURE: the year the figure refers to; YEAR: the (first) year.
    pub year: Option<i32>,
    /// YEAR: the last year of a range.
    pub range_end: Option<i32>,
}

/// Reads annotations from TSV text with the header line [`COLUMNS`].
///
/// Empty cells are `None`; blank lines are skipped. An error names the 1-based line and what
/// was wrong.
pub fn read_annotations(tsv: &str) -> Result<Vec<Annotation>, String> {
    let mut lines = tsv.lines().enumerate();
    let header = loop {
        match lines.next() {
            None => return Err("line 1: missing header".to_string()),
            Some((_, l)) if l.trim().is_empty() => continue,
            Some((i, l)) => break (i, l),
        }
    };
    let got: Vec<&str> = header.1.trim_end_matches('\r').split('\t').collect();
    if got != COLUMNS {
        return Err(format!(
            "line {}: header is `{}`, expected `{}`",
            header.0 + 1,
            got.join("\\t"),
            COLUMNS.join("\\t")
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != COLUMNS.len() {
            return Err(format!(
                "line {n}: {} columns, expected {}",
                f.len(),
                COLUMNS.len()
            ));
        }
        let opt = |s: &str| -> Option<String> {
            if s.is_empty() {
                None
            } else {
                Some(s.to_string())
            }
        };
        let num = |col: usize| -> Result<usize, String> {
            f[col].parse::<usize>().map_err(|_| {
                format!(
                    "line {n}: {} is `{}`, expected a byte offset",
                    COLUMNS[col], f[col]
                )
            })
        };
        let int = |col: usize| -> Result<Option<i32>, String> {
            if f[col].is_empty() {
                return Ok(None);
            }
            f[col].parse::<i32>().map(Some).map_err(|_| {
                format!(
                    "line {n}: {} is `{}`, expected an integer",
                    COLUMNS[col], f[col]
                )
            })
        };
        let kind = f[0].to_string();
        if kind.is_empty() {
            return Err(format!("line {n}: empty kind"));
        }
        let start_byte = num(1)?;
        let end_byte = num(2)?;
        if end_byte < start_byte {
            return Err(format!(
                "line {n}: end_byte {end_byte} < start_byte {start_byte}"
            ));
        }
        let value = if f[4].is_empty() {
            None
        } else {
            Some(
                f[4].parse::<f64>()
                    .map_err(|_| format!("line {n}: value is `{}`, expected a number", f[4]))?,
            )
        };
        let is_percent = match f[7] {
            "" => None,
            "true" | "1" | "TRUE" | "True" => Some(true),
            "false" | "0" | "FALSE" | "False" => Some(false),
            other => {
                return Err(format!(
                    "line {n}: is_percent is `{other}`, expected true or false"
                ));
            }
        };
        out.push(Annotation {
            kind,
            start_byte,
            end_byte,
            text: f[3].to_string(),
            value,
            counted: opt(f[5]),
            qualifier: opt(f[6]),
            is_percent,
            year: int(8)?,
            range_end: int(9)?,
        });
    }
    Ok(out)
}

/// True positives, false positives and false negatives of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prf {
    /// Predicted spans that are in the gold.
    pub tp: usize,
    /// Predicted spans that are not in the gold.
    pub fp: usize,
    /// Gold spans that were not predicted.
    pub fn_: usize,
}

impl Prf {
    /// tp / (tp + fp); 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn); 0 when the gold is empty.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The result of [`score`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Counts per kind, plus `ENTITY` (PERSON+ORG+PLACE summed) and `ENTITY_UNTYPED` (entity
    /// spans matched ignoring the type).
    pub by_kind: BTreeMap<String, Prf>,
    /// Matched figures whose value is right (0.001 relative tolerance).
    pub figures_value_right: usize,
    /// Matched figures whose counted noun is right (lowercase, trimmed, empty = none).
    pub figures_counted_right: usize,
    /// Matched figures whose qualifier is right (lowercase, trimmed, empty = none).
    pub figures_qualifier_right: usize,
    /// Matched figures whose year is right.
    pub figures_year_right: usize,
    /// Figures whose span matched.
    pub figures_matched: usize,
    /// Matched years whose year and range end are both right.
    pub years_range_right: usize,
    /// Years whose span matched.
    pub years_matched: usize,
    /// Every FP and FN (and attribute mismatch on matched spans) with its text, for reading.
    pub errors: Vec<String>,
}

fn norm_text(s: &Option<String>) -> String {
    s.as_deref().unwrap_or("").trim().to_lowercase()
}

fn value_close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let scale = a.abs().max(b.abs());
            (a - b).abs() <= 0.001 * scale || (a - b).abs() < 1e-12
        }
        (None, None) => true,
        _ => false,
    }
}

fn show(a: &Annotation) -> String {
    format!("{} {}..{} `{}`", a.kind, a.start_byte, a.end_byte, a.text)
}

/// Scores `predicted` against `gold` by exact span per kind (duplicates count once each).
pub fn score(gold: &[Annotation], predicted: &[Annotation]) -> Report {
    let mut report = Report::default();
    // gold index: (kind, start, end) -> gold indices not yet matched
    let mut open: BTreeMap<(&str, usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, g) in gold.iter().enumerate() {
        open.entry((g.kind.as_str(), g.start_byte, g.end_byte))
            .or_default()
            .push(i);
    }
    for v in open.values_mut() {
        v.reverse();
    }
    let mut kinds: BTreeMap<String, Prf> = BTreeMap::new();
    let mut matched_gold = vec![false; gold.len()];
    let mut unmatched_pred: Vec<&Annotation> = Vec::new();
    for p in predicted {
        let key = (p.kind.as_str(), p.start_byte, p.end_byte);
        let hit = open.get_mut(&key).and_then(|v| v.pop());
        let prf = kinds.entry(p.kind.clone()).or_default();
        match hit {
            Some(gi) => {
                prf.tp += 1;
                matched_gold[gi] = true;
                compare_attributes(&gold[gi], p, &mut report);
            }
            None => {
                prf.fp += 1;
                unmatched_pred.push(p);
                report.errors.push(format!("FP {}", show(p)));
            }
        }
    }
    let mut unmatched_gold: Vec<&Annotation> = Vec::new();
    for (g, m) in gold.iter().zip(&matched_gold) {
        if !m {
            kinds.entry(g.kind.clone()).or_default().fn_ += 1;
            unmatched_gold.push(g);
            report.errors.push(format!("FN {}", show(g)));
        }
    }
    let mut entity = Prf::default();
    for k in ENTITY_KINDS {
        kinds.entry(k.to_string()).or_default();
        entity.add(&kinds[k]);
    }
    // Untyped: typed matches plus unmatched gold/pred entity pairs with the same span.
    let mut untyped = Prf {
        tp: entity.tp,
        ..Prf::default()
    };
    let mut gold_spans: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for g in unmatched_gold.iter().filter(|g| is_entity(&g.kind)) {
        *gold_spans.entry((g.start_byte, g.end_byte)).or_default() += 1;
    }
    for p in unmatched_pred.iter().filter(|p| is_entity(&p.kind)) {
        match gold_spans.get_mut(&(p.start_byte, p.end_byte)) {
            Some(c) if *c > 0 => {
                *c -= 1;
                untyped.tp += 1;
            }
            _ => untyped.fp += 1,
        }
    }
    untyped.fn_ = gold_spans.values().sum();
    kinds.insert("ENTITY".to_string(), entity);
    kinds.insert("ENTITY_UNTYPED".to_string(), untyped);
    for k in ["FIGURE", "YEAR"] {
        kinds.entry(k.to_string()).or_default();
    }
    report.by_kind = kinds;
    report
}

fn is_entity(kind: &str) -> bool {
    ENTITY_KINDS.contains(&kind)
}

fn compare_attributes(g: &Annotation, p: &Annotation, report: &mut Report) {
    match g.kind.as_str() {
        "FIGURE" => {
            report.figures_matched += 1;
            if value_close(g.value, p.value) {
                report.figures_value_right += 1;
            } else {
                report.errors.push(format!(
                    "VALUE {}: gold {:?}, predicted {:?}",
                    show(g),
                    g.value,
                    p.value
                ));
            }
            if norm_text(&g.counted) == norm_text(&p.counted) {
                report.figures_counted_right += 1;
            } else {
                report.errors.push(format!(
                    "COUNTED {}: gold `{}`, predicted `{}`",
                    show(g),
                    norm_text(&g.counted),
                    norm_text(&p.counted)
                ));
            }
            if norm_text(&g.qualifier) == norm_text(&p.qualifier) {
                report.figures_qualifier_right += 1;
            }
            if g.year == p.year {
                report.figures_year_right += 1;
            }
        }
        "YEAR" => {
            report.years_matched += 1;
            if g.year == p.year && g.range_end == p.range_end {
                report.years_range_right += 1;
            } else {
                report.errors.push(format!(
                    "RANGE {}: gold {:?}-{:?}, predicted {:?}-{:?}",
                    show(g),
                    g.year,
                    g.range_end,
                    p.year,
                    p.range_end
                ));
            }
        }
        _ => {}
    }
}

impl Report {
    /// The report as Markdown: a P/R/F1 table per kind, attribute accuracy, then the errors.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        s.push_str("| kind | tp | fp | fn | precision | recall | f1 |\n");
        s.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
        for (k, p) in &self.by_kind {
            let _ = writeln!(
                s,
                "| {k} | {} | {} | {} | {:.3} | {:.3} | {:.3} |",
                p.tp,
                p.fp,
                p.fn_,
                p.precision(),
                p.recall(),
                p.f1()
            );
        }
        let pct = |a: usize, b: usize| 100.0 * ratio(a, b);
        let fm = self.figures_matched;
        let _ = writeln!(
            s,
            "\nMatched figures: {fm}; value right {} ({:.1}%), counted right {} ({:.1}%), \
             qualifier right {} ({:.1}%), year right {} ({:.1}%).",
            self.figures_value_right,
            pct(self.figures_value_right, fm),
            self.figures_counted_right,
            pct(self.figures_counted_right, fm),
            self.figures_qualifier_right,
            pct(self.figures_qualifier_right, fm),
            self.figures_year_right,
            pct(self.figures_year_right, fm),
        );
        let _ = writeln!(
            s,
            "Matched years: {}; year and range right {} ({:.1}%).",
            self.years_matched,
            self.years_range_right,
            pct(self.years_range_right, self.years_matched)
        );
        if !self.errors.is_empty() {
            s.push_str("\n## Errors\n\n");
            for e in &self.errors {
                let _ = writeln!(s, "- {}", e.replace('\n', " "));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(kind: &str, s: usize, e: usize, text: &str) -> Annotation {
        Annotation {
            kind: kind.to_string(),
            start_byte: s,
            end_byte: e,
            text: text.to_string(),
            value: None,
            counted: None,
            qualifier: None,
            is_percent: None,
            year: None,
            range_end: None,
        }
    }

    fn fig(s: usize, e: usize, text: &str, value: f64, counted: &str) -> Annotation {
        Annotation {
            value: Some(value),
            counted: Some(counted.to_string()),
            is_percent: Some(false),
            ..ann("FIGURE", s, e, text)
        }
    }

    #[test]
    fn hand_case_known_prf() {
        // gold: 3 ORG, 1 PLACE, 2 FIGURE, 1 YEAR range.
        let gold = vec![
            ann("ORG", 0, 5, "GAATW"),
            ann("ORG", 10, 20, "FIDA Kenya"),
            ann("ORG", 30, 35, "UNODC"),
            ann("PLACE", 40, 45, "Kenya"),
            fig(50, 52, "25", 25.0, "members"),
            fig(60, 70, "two thirds", 0.667, "gender"),
            Annotation {
                year: Some(2009),
                range_end: Some(2012),
                ..ann("YEAR", 80, 92, "2009 to 2012")
            },
        ];
        let pred = vec![
            ann("ORG", 0, 5, "GAATW"),                    // tp
            ann("ORG", 10, 14, "FIDA"),                   // fp (partial span)
            ann("PLACE", 30, 35, "UNODC"),                // fp as PLACE, untyped tp
            ann("PLACE", 40, 45, "Kenya"),                // tp
            ann("PERSON", 100, 104, "Renu"),              // fp
            fig(50, 52, "25", 25.0, "Members "),          // tp, counted right after normalising
            fig(60, 70, "two thirds", 0.6667, "members"), // tp, value right, counted wrong
            fig(72, 74, "10", 10.0, ""),                  // fp
            Annotation {
                year: Some(2009),
                range_end: None,
                ..ann("YEAR", 80, 92, "2009 to 2012")
            }, // tp span, range wrong
        ];
        let r = score(&gold, &pred);
        let org = r.by_kind["ORG"];
        assert_eq!((org.tp, org.fp, org.fn_), (1, 1, 2));
        assert!((org.precision() - 0.5).abs() < 1e-9);
        assert!((org.recall() - 1.0 / 3.0).abs() < 1e-9);
        assert!((org.f1() - 0.4).abs() < 1e-9);
        let ent = r.by_kind["ENTITY"];
        // tp: GAATW, Kenya; fp: FIDA, UNODC-as-PLACE, Renu; fn: FIDA Kenya, UNODC
        assert_eq!((ent.tp, ent.fp, ent.fn_), (2, 3, 2));
        assert!((ent.precision() - 0.4).abs() < 1e-9);
        assert!((ent.recall() - 0.5).abs() < 1e-9);
        assert!((ent.f1() - 4.0 / 9.0).abs() < 1e-9);
        let un = r.by_kind["ENTITY_UNTYPED"];
        assert_eq!((un.tp, un.fp, un.fn_), (3, 2, 1));
        let f = r.by_kind["FIGURE"];
        assert_eq!((f.tp, f.fp, f.fn_), (2, 1, 0));
        assert_eq!(r.figures_matched, 2);
        assert_eq!(r.figures_value_right, 2);
        assert_eq!(r.figures_counted_right, 1);
        let y = r.by_kind["YEAR"];
        assert_eq!((y.tp, y.fp, y.fn_), (1, 0, 0));
        assert_eq!((r.years_matched, r.years_range_right), (1, 0));
        assert_eq!(r.by_kind["PERSON"].fp, 1);
        assert!(r.errors.iter().any(|e| e == "FN ORG 10..20 `FIDA Kenya`"));
        assert!(r.errors.iter().any(|e| e == "FP PERSON 100..104 `Renu`"));
        let md = r.to_markdown();
        assert!(
            md.contains("| ORG | 1 | 1 | 2 | 0.500 | 0.333 | 0.400 |"),
            "{md}"
        );
        assert!(md.contains("FN ORG 10..20 `FIDA Kenya`"), "{md}");
    }

    #[test]
    fn empty_inputs_give_zeros_not_nan() {
        let r = score(&[], &[]);
        for p in r.by_kind.values() {
            assert_eq!((p.precision(), p.recall(), p.f1()), (0.0, 0.0, 0.0));
        }
        assert!(r.errors.is_empty());
    }

    #[test]
    fn duplicate_predictions_count_once() {
        let gold = vec![ann("ORG", 0, 5, "GAATW")];
        let pred = vec![ann("ORG", 0, 5, "GAATW"), ann("ORG", 0, 5, "GAATW")];
        let r = score(&gold, &pred);
        assert_eq!(
            r.by_kind["ORG"],
            Prf {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
    }

    #[test]
    fn value_tolerance_is_relative() {
        assert!(value_close(Some(70000.0), Some(70050.0)));
        assert!(!value_close(Some(70000.0), Some(70100.0)));
        assert!(value_close(Some(0.667), Some(0.6667)));
        assert!(!value_close(Some(0.667), Some(0.5)));
        assert!(value_close(Some(0.0), Some(0.0)));
        assert!(!value_close(Some(1.0), None));
    }

    #[test]
    fn read_round_trip_and_errors_name_the_line() {
        let tsv = "kind\tstart_byte\tend_byte\ttext\tvalue\tcounted\tqualifier\tis_percent\tyear\trange_end\n\
                   FIGURE\t3\t6\t10%\t10\tvictims\taround\ttrue\t2011\t\n\
                   YEAR\t9\t21\t2009 to 2012\t\t\t\t\t2009\t2012\n\
                   PLACE\t0\t5\tKenya\t\t\t\t\t\t\n";
        let a = read_annotations(tsv).expect("valid tsv");
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].value, Some(10.0));
        assert_eq!(a[0].is_percent, Some(true));
        assert_eq!(a[0].qualifier.as_deref(), Some("around"));
        assert_eq!(a[1].range_end, Some(2012));
        assert_eq!(a[2].counted, None);
        let bad = "kind\tstart_byte\tend_byte\ttext\tvalue\tcounted\tqualifier\tis_percent\tyear\trange_end\n\
                   ORG\t0\t5\tGAATW\t\t\t\t\t\t\n\
                   ORG\tx\t5\tGAATW\t\t\t\t\t\t\n";
        let e = read_annotations(bad).unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
        let e = read_annotations("kind\tstart\n").unwrap_err();
        assert!(e.starts_with("line 1:"), "{e}");
        let e = read_annotations(&bad.replace("\t\t\t\t\t\t\n", "\t\t\n")).unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
    }

    /// Every dev/*.ann.tsv parses and each span slices its .txt back to its text.
    #[test]
    fn dev_annotations_slice_back() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dev");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/data/dev/ exists") {
            let path = entry.expect("dir entry").path();
            let name = path
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let Some(stem) = name.strip_suffix(".ann.tsv") else {
                continue;
            };
            let tsv = std::fs::read_to_string(&path).expect("read tsv");
            let text = std::fs::read_to_string(dir.join(format!("{stem}.txt"))).expect("read txt");
            let anns = read_annotations(&tsv).unwrap_or_else(|e| panic!("{name}: {e}"));
            for a in &anns {
                assert_eq!(
                    text.get(a.start_byte..a.end_byte),
                    Some(a.text.as_str()),
                    "{name}: {a:?}"
                );
            }
            // a perfect prediction scores 1.0 everywhere that has gold
            let r = score(&anns, &anns);
            for (k, p) in &r.by_kind {
                assert_eq!((p.fp, p.fn_), (0, 0), "{name} {k}");
            }
            assert_eq!(r.figures_value_right, r.figures_matched);
            n += 1;
        }
        assert!(n >= 1, "no annotation files found");
    }
}
