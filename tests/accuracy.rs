//! Accuracy of the extractors on the annotated development set (`tests/data/dev/`): exact-span
//! precision, recall and F1 per type, computed on what `themata` extracts from each text
//! (segmented into units as in a real run). Prints the report and checks the targets.
//!
//! Run `cargo test --release --test accuracy -- --nocapture` to see the full report with every
//! false positive and false negative.
//!
//! Two sets: `tests/data/dev/` (used while the rules were written: its scores are optimistic)
//! and `tests/data/heldout/` (annotated by someone who never saw the extractors, and never
//! used to change a rule: its scores are the honest estimate on unseen interviews).
#![allow(clippy::print_stdout, reason = "the test prints its accuracy report")]

#[path = "accuracy/score.rs"]
mod score;

use std::path::Path;

use score::{Annotation, Report, read_annotations};
use themata::analyse::{Analyser, Workspace};
use themata::config::Config;
use themata::record::{Document, DocumentMetadata};
use themata::segment::Segmenter;

/// What themata extracts from one text, as annotations.
fn predict(name: &str, text: &str) -> Vec<Annotation> {
    let config = Config::builtin();
    let document = Document {
        name: name.into(),
        path: name.into(),
        text: text.into(),
        metadata: DocumentMetadata::default(),
    };
    let analyser = Analyser::new(&config);
    let mut workspace = Workspace::default();
    let mut out = Vec::new();
    let blank = |kind: &str, s: usize, e: usize| Annotation {
        kind: kind.into(),
        start_byte: s,
        end_byte: e,
        text: text[s..e].into(),
        value: None,
        counted: None,
        qualifier: None,
        is_percent: None,
        year: None,
        range_end: None,
    };
    for unit in Segmenter::new(config.segment.clone()).segment(&document) {
        let a = analyser.analyse(text, unit, &mut workspace);
        for e in &a.entities {
            out.push(blank(e.entity_type.as_str(), e.start_byte, e.end_byte));
        }
        for f in &a.figures {
            out.push(Annotation {
                value: Some(f.value),
                counted: f.counted.clone(),
                qualifier: f.qualifier.clone(),
                is_percent: Some(f.is_percent),
                year: f.year,
                ..blank("FIGURE", f.start_byte, f.end_byte)
            });
        }
        for y in &a.years {
            out.push(Annotation {
                year: Some(y.year),
                range_end: y.range_end,
                ..blank("YEAR", y.start_byte, y.end_byte)
            });
        }
    }
    out
}

fn annotated(set: &str) -> Vec<(String, String, Vec<Annotation>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(set);
    let mut texts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();
    texts
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let tsv = std::fs::read_to_string(p.with_extension("ann.tsv")).unwrap();
            let gold = read_annotations(&tsv).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                text,
                gold,
            )
        })
        .collect()
}

/// Scores every text of a set, prints the reports and returns the report of all texts.
fn score_set(set: &str) -> Report {
    let mut gold_all = Vec::new();
    let mut predicted_all = Vec::new();
    // Offsets are per text: shift each text's spans so that they never collide.
    let mut shift = 0;
    let texts = annotated(set);
    assert!(texts.len() >= 3, "the {set} set has its texts");
    for (name, text, gold) in texts {
        for g in &gold {
            assert_eq!(
                text.get(g.start_byte..g.end_byte),
                Some(g.text.as_str()),
                "{set}/{name}: gold span"
            );
        }
        let moved = |a: Annotation| Annotation {
            start_byte: a.start_byte + shift,
            end_byte: a.end_byte + shift,
            ..a
        };
        let predicted = predict(&name, &text);
        let report: Report = score::score(&gold, &predicted);
        println!("## {name}\n{}", report.to_markdown());
        gold_all.extend(gold.into_iter().map(moved));
        predicted_all.extend(predicted.into_iter().map(moved));
        shift += text.len() + 1;
    }
    let report = score::score(&gold_all, &predicted_all);
    println!("## {set}: all texts\n{}", report.to_markdown());
    report
}

#[test]
fn extractors_meet_the_accuracy_targets_on_the_dev_set() {
    let report = score_set("dev");
    let f1 = |kind: &str| report.by_kind.get(kind).map_or(0.0, |p| p.f1());
    let targets = [
        ("ENTITY", 0.85),
        ("PERSON", 0.80),
        ("ORG", 0.80),
        ("PLACE", 0.80),
        ("FIGURE", 0.90),
        ("YEAR", 0.97),
    ];
    let misses: Vec<String> = targets
        .iter()
        .filter(|(kind, target)| f1(kind) < *target)
        .map(|(kind, target)| format!("{kind} F1 {:.3} < {target}", f1(kind)))
        .collect();
    assert!(
        misses.is_empty(),
        "below target: {misses:?}\n{}",
        report.to_markdown()
    );
    // Figures: value and counted right on the matched spans.
    let matched = report.figures_matched.max(1) as f64;
    assert!(
        report.figures_value_right as f64 / matched >= 0.90,
        "{}",
        report.to_markdown()
    );
    assert!(
        report.figures_counted_right as f64 / matched >= 0.90,
        "{}",
        report.to_markdown()
    );
}

#[test]
fn held_out_scores_are_reported() {
    // The held-out set measures; it does not gate (rules must not be fitted to it). It still
    // checks that the extractors find most of what a reader finds.
    let report = score_set("heldout");
    let f1 = |kind: &str| report.by_kind.get(kind).map_or(0.0, |p| p.f1());
    for kind in ["ENTITY", "FIGURE", "YEAR"] {
        assert!(
            f1(kind) > 0.5,
            "{kind} F1 {:.3} on held-out texts",
            f1(kind)
        );
    }
}
