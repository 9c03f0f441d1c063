//! Integration tests: the real `themata` binary on small fixtures in fresh temp folders,
//! checking exit codes, stderr and the tables written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

const SAMPLE: &str = include_str!("../input/gaatw-alliance-news.txt");

/// A document without interview headings, in Spanish.
const SPANISH: &str = "Informe anual\n\nLa organización trabaja con mujeres migrantes y trabajadoras \
domésticas en Lima. Las trabajadoras denuncian la trata de personas y la explotación laboral. \
Nuestras trabajadoras sociales acompañan a las mujeres.\n";

struct Run {
    code: i32,
    stderr: String,
}

fn themata(dir: &Path, args: &[&str]) -> Run {
    let Output { status, stderr, .. } = Command::new(env!("CARGO_BIN_EXE_themata"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the themata binary runs");
    Run {
        code: status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp folder")
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

/// Rows of a CSV table as maps column -> value.
fn table(dir: &Path, name: &str) -> Vec<BTreeMap<String, String>> {
    let path = dir.join(format!("{name}.csv"));
    let mut reader =
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Every CSV of a folder, by file name.
fn csvs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Every file under `dir` with its bytes, to prove nothing changed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn sample_dir() -> tempfile::TempDir {
    let dir = temp();
    write(&dir.path().join("input/gaatw-alliance-news.txt"), SAMPLE);
    dir
}

/// The sample, a Spanish report in a subfolder and a short Markdown interview: documents in
/// several folders, formats and languages.
fn sample_in_three_documents() -> tempfile::TempDir {
    let dir = sample_dir();
    write(&dir.path().join("input/b/informe.txt"), SPANISH);
    write(
        &dir.path().join("input/a.md"),
        "Interview with Jo Lee of Safe Home Network\n\nWhat do you do?\n\nWe shelter migrant workers in Manila.\n",
    );
    dir
}

#[test]
fn sample_splits_into_five_interviews_with_organisation_and_country() {
    let dir = sample_dir();
    let run = themata(dir.path(), &["run", "--quiet"]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let units = table(&dir.path().join("output"), "units");
    let got: Vec<(&str, &str, &str, &str)> = units
        .iter()
        .map(|u| {
            (
                u["organisation"].as_str(),
                u["country"].as_str(),
                u["country_source"].as_str(),
                u["interviewees"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "Corporación Espacios de Mujer",
                "Colombia",
                "places",
                "Betty Pedraza Lozano"
            ),
            ("Rights Jessore", "Bangladesh", "places", "Binoy Mallick"),
            ("Asociatia Pro Refugiu", "Romania", "title", "Silvia Berbec"),
            ("WOREC", "Nepal", "title", "Renu"),
            ("FIDA-Kenya", "Kenya", "organisation", "Alice Maranga"),
        ]
    );
    assert!(
        units
            .iter()
            .all(|u| u["language"] == "en" && u["organisation_source"] == "heading")
    );
    // The site header belongs to no unit: the first unit starts at its title line.
    assert!(
        SAMPLE[units[0]["start_byte"].parse::<usize>().unwrap()..]
            .starts_with("Corporación Espacios de Mujer:")
    );
    assert!(units[0]["title"].starts_with("Corporación Espacios de Mujer: Knowledge"));
    // Boilerplate and glued image names are not text.
    let sentences = table(&dir.path().join("output"), "sentences");
    assert!(
        sentences
            .iter()
            .all(|s| !s["text"].contains("spambots") && !s["text"].contains("espacios_IWD"))
    );
    assert!(
        sentences
            .iter()
            .any(|s| s["text"]
                == "Interview with Betty Pedraza Lozano, Corporación Espacios de Mujer")
    );
    let roles: Vec<&str> = sentences.iter().map(|s| s["role"].as_str()).collect();
    for role in ["question", "answer", "text"] {
        assert!(roles.contains(&role), "no {role} sentence");
    }
    let question = sentences
        .iter()
        .find(|s| s["text"] == "What is the human trafficking situation for women in Colombia?")
        .unwrap();
    assert_eq!(question["role"], "question");
}

#[test]
fn term_counts_match_a_count_made_by_hand() {
    let dir = sample_dir();
    assert_eq!(
        themata(dir.path(), &["run", "-q", "--format", "csv"]).code,
        0
    );
    let counts = table(&dir.path().join("output"), "term_counts");
    let count = |unit: &str, stem: &str| {
        counts
            .iter()
            .find(|r| r["unit_id"] == unit && r["stem"] == stem)
            .map(|r| (r["term"].clone(), r["count"].parse::<u64>().unwrap()))
    };
    // By hand: `sed -n 164,195p input/gaatw-alliance-news.txt | grep -o -i 'traffick[a-z]*' | wc -l`
    // gives 6 over the WOREC interview (lines 164–195), all spelled "trafficking".
    assert_eq!(
        count("gaatw-alliance-news.txt#3", "traffick"),
        Some(("trafficking".into(), 6))
    );
    // By hand: `grep -o -i '\bmigrants\?\b'` over the same lines gives 7.
    assert_eq!(
        count("gaatw-alliance-news.txt#3", "migrant").map(|c| c.1),
        Some(7)
    );
    // Stopwords and bare numbers are not terms.
    assert!(
        counts
            .iter()
            .all(|r| r["stem"] != "the" && r["stem"] != "2012")
    );
}

#[test]
fn grouped_statistics_agree_with_their_formulas() {
    let dir = sample_dir();
    assert_eq!(
        themata(dir.path(), &["run", "-q", "--format", "csv"]).code,
        0
    );
    let out = dir.path().join("output");
    let units = table(&out, "units");
    let by_org = table(&out, "terms_by_organisation");
    let worec_tokens: f64 =
        units.iter().find(|u| u["organisation"] == "WOREC").unwrap()["n_content_tokens"]
            .parse()
            .unwrap();
    let corpus_tokens: f64 = units
        .iter()
        .map(|u| u["n_content_tokens"].parse::<f64>().unwrap())
        .sum();
    let row = by_org
        .iter()
        .find(|r| r["organisation"] == "WOREC" && r["stem"] == "traffick")
        .unwrap();
    let corpus_count: f64 = by_org
        .iter()
        .filter(|r| r["stem"] == "traffick")
        .map(|r| r["count"].parse::<f64>().unwrap())
        .sum();
    let groups_with = by_org.iter().filter(|r| r["stem"] == "traffick").count() as f64;
    let num = |k: &str| row[k].parse::<f64>().unwrap();
    let a = 6.0;
    assert_eq!(num("count"), a);
    assert!((num("per_10k") - a * 10_000.0 / worec_tokens).abs() < 1e-5);
    assert!((num("tf_idf") - a * (5.0 / groups_with).ln()).abs() < 1e-5);
    // Dunning G², computed again here from the 2x2 table [[a, n1 - a], [b, n2 - b]].
    let (b, n1, n2) = (corpus_count - a, worec_tokens, corpus_tokens - worec_tokens);
    let n = n1 + n2;
    let cells = [
        (a, n1, a + b),
        (n1 - a, n1, n - a - b),
        (b, n2, a + b),
        (n2 - b, n2, n - a - b),
    ];
    let g2 = 2.0
        * cells
            .iter()
            .map(|&(o, row, col)| o * (o / (row * col / n)).ln())
            .sum::<f64>();
    let signed = if a / n1 < b / n2 { -g2 } else { g2 };
    assert!(
        (num("keyness_g2") - signed).abs() < 1e-5,
        "{} vs {signed}",
        row["keyness_g2"]
    );
    assert!((num("log_ratio") - ((a / n1) / (b / n2)).log2()).abs() < 1e-5);
    // Ranks run 1.. by count within each organisation.
    let worec: Vec<_> = by_org
        .iter()
        .filter(|r| r["organisation"] == "WOREC")
        .collect();
    assert_eq!(worec[0]["rank"], "1");
    assert!(worec.windows(2).all(|w| w[0]["count"].parse::<u64>().unwrap() >= w[1]["count"].parse::<u64>().unwrap()));
}

#[test]
fn committed_sample_output_is_up_to_date() {
    let dir = sample_dir();
    assert_eq!(
        themata(dir.path(), &["run", "-q", "--format", "csv"]).code,
        0
    );
    let committed = csvs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("output"));
    let fresh = csvs(&dir.path().join("output"));
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "tables differ"
    );
    for (name, bytes) in &fresh {
        assert!(
            committed[name] == *bytes,
            "output/{name} is out of date: run `cargo run --release -- run` and review the diff"
        );
    }
}

#[test]
fn output_is_identical_for_any_thread_count_and_input_order() {
    let dir = sample_in_three_documents();
    assert_eq!(
        themata(dir.path(), &["run", "-q", "--threads", "1", "-o", "one"]).code,
        0
    );
    assert_eq!(
        themata(dir.path(), &["run", "-q", "--threads", "2", "-o", "two"]).code,
        0
    );
    let files = [
        "input/gaatw-alliance-news.txt",
        "input/b/informe.txt",
        "input/a.md",
    ];
    assert_eq!(
        themata(
            dir.path(),
            &["run", "-q", "-o", "forward", files[0], files[1], files[2]]
        )
        .code,
        0
    );
    assert_eq!(
        themata(
            dir.path(),
            &["run", "-q", "-o", "backward", files[2], files[1], files[0]]
        )
        .code,
        0
    );
    let one = csvs(&dir.path().join("one"));
    assert_eq!(one.len(), 15);
    assert_eq!(one, csvs(&dir.path().join("two")), "1 vs 2 threads");
    assert_eq!(
        csvs(&dir.path().join("forward")),
        csvs(&dir.path().join("backward")),
        "input order"
    );
}

#[test]
fn a_document_without_headings_is_one_unit_in_its_language() {
    let dir = temp();
    write(&dir.path().join("input/informe.txt"), SPANISH);
    assert_eq!(themata(dir.path(), &["run", "-q"]).code, 0);
    let units = table(&dir.path().join("output"), "units");
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["language"], "es");
    assert_eq!(units[0]["country"], "Peru");
    assert_eq!(units[0]["country_source"], "places");
    // Spanish stemming: "trabajadoras" and "trabaja" share the stem "trabaj".
    let counts = table(&dir.path().join("output"), "term_counts");
    let trabaj = counts
        .iter()
        .find(|r| r["stem"] == "trabaj")
        .expect("a Spanish stem");
    assert_eq!(trabaj["count"], "4");
    assert_eq!(trabaj["term"], "trabajadoras");
}

#[test]
fn metadata_sets_values_and_adds_columns() {
    let dir = sample_dir();
    write(
        &dir.path().join("input/metadata.csv"),
        "document,unit_index,country,region\ngaatw-alliance-news.txt,,,newsletter\ngaatw-alliance-news.txt,1,India,South Asia\n",
    );
    let run = themata(dir.path(), &["run", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let units = table(&dir.path().join("output"), "units");
    assert_eq!(units[1]["country"], "India");
    assert_eq!(units[1]["country_source"], "metadata");
    assert_eq!(units[1]["region"], "South Asia");
    assert_eq!(units[0]["region"], "newsletter");
    assert_eq!(units[0]["country_source"], "places");
}

#[test]
fn bad_files_are_named_skipped_and_the_rest_is_processed() {
    let dir = sample_dir();
    let input = dir.path().join("input");
    write(&input.join("empty.txt"), "");
    write(
        &input.join("photo.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    );
    write(
        &input.join("latin1.txt"),
        b"Interview with Ana, Casa\n\nCaf\xe9 con leche.\n",
    );
    let before = snapshot(&input);
    let run = themata(dir.path(), &["run", "input", "missing-folder"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    for expected in [
        "themata: `input/empty.txt`: empty file (expected text)",
        "themata: `input/photo.txt`: binary file (expected UTF-8 or UTF-16 text)",
        "themata: `input/latin1.txt`:3: invalid UTF-8 at byte 29",
        "themata: `missing-folder`: no such file or folder",
    ] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    assert_eq!(table(&dir.path().join("output"), "units").len(), 5);
    assert_eq!(snapshot(&input), before, "the input folder was modified");
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("output/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["skipped"].as_array().unwrap().len(), 4);
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 1);
}

#[test]
fn malformed_metadata_is_reported_by_line() {
    let dir = sample_dir();
    write(
        &dir.path().join("input/metadata.csv"),
        "file,country\nx.txt,Peru\n",
    );
    let run = themata(dir.path(), &["run", "-q"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "`input/metadata.csv`:1: expected a `document` column, found columns `file`, `country`"
        ),
        "{}",
        run.stderr
    );

    write(
        &dir.path().join("input/metadata.csv"),
        "document,country\ngaatw-alliance-news.txt,Kenya\nnot-there.txt,Peru\n",
    );
    let run = themata(dir.path(), &["run", "-q"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("`input/metadata.csv`:3: document `not-there.txt` is not in the input"),
        "{}",
        run.stderr
    );
    let units = table(&dir.path().join("output"), "units");
    assert!(
        units.iter().all(|u| u["country"] == "Kenya"),
        "the good row still applies"
    );
}

#[test]
fn malformed_config_stops_the_run_before_any_output() {
    let dir = sample_dir();
    write(
        &dir.path().join("input/themata.toml"),
        "language = \"en\"\nformats = [\"csv\", \"xlsx\"]\n",
    );
    let run = themata(dir.path(), &["run"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "themata: error: `input/themata.toml`:2: key `formats`: expected `parquet` or `csv`, found `xlsx`"
    );
    assert!(!dir.path().join("output").exists());
}

#[test]
fn unwritable_output_fails_before_any_work() {
    let dir = sample_dir();
    write(&dir.path().join("blocker"), "a file, not a folder");
    let run = themata(dir.path(), &["run", "-o", "blocker/out"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("themata: error: `blocker/out`: output folder is not writable"),
        "{}",
        run.stderr
    );
}

#[test]
fn nothing_readable_is_fatal() {
    let dir = temp();
    let run = themata(dir.path(), &["run", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`nowhere`: no such file or folder"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no readable input"), "{}", run.stderr);
}

#[test]
fn no_partial_files_are_left_behind() {
    let dir = sample_dir();
    assert_eq!(themata(dir.path(), &["run", "-q"]).code, 0);
    let names: Vec<String> = fs::read_dir(dir.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert_eq!(names.len(), 31, "{names:?}");
}

#[test]
fn help_explains_every_option() {
    let dir = temp();
    let out = Command::new(env!("CARGO_BIN_EXE_themata"))
        .current_dir(dir.path())
        .args(["run", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--output",
        "--config",
        "--format",
        "--threads",
        "--shard",
        "--quiet",
        "Examples:",
    ] {
        assert!(
            help.contains(option),
            "`themata run --help` lacks {option}:\n{help}"
        );
    }
    let bad = themata(dir.path(), &["run", "--threads", "0"]);
    assert_eq!(bad.code, 2);
    let out = Command::new(env!("CARGO_BIN_EXE_themata"))
        .args(["merge", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for option in ["--output", "--format", "--threads", "--quiet", "Examples:"] {
        assert!(
            help.contains(option),
            "`themata merge --help` lacks {option}:\n{help}"
        );
    }
}

/// A corpus of ten sentences with a two-theme dictionary, built so that the 2×2 table of
/// sentence windows is known: 3 sentences hold both themes, 1 only `alpha`, 2 only `beta`,
/// 4 neither (W = 10, a_total = 4, b_total = 5, both = 3).
fn cooccurrence_fixture() -> tempfile::TempDir {
    let dir = temp();
    write(
        &dir.path().join("input/themata.toml"),
        "[themes]\nextend = false\n\n[themes.alpha]\npatterns = [\"apple*\"]\n\n[themes.beta]\npatterns = [\"banana\", \"ripe banana\"]\n",
    );
    write(
        &dir.path().join("input/fruit.txt"),
        "We sell an apple and a banana. Apples go with a ripe banana. The apple met a banana.\n\n\
         An apple alone. One banana here. Another banana there.\n\n\
         Nothing here. Nothing there. Still nothing. The end.\n",
    );
    dir
}

#[test]
fn cooccurrence_statistics_match_a_hand_computation() {
    let dir = cooccurrence_fixture();
    let run = themata(dir.path(), &["run", "-q", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = table(&dir.path().join("output"), "theme_cooccurrence");
    let corpus = rows
        .iter()
        .find(|r| r["scope"] == "corpus")
        .expect("a corpus row");
    assert_eq!(
        (
            corpus["group"].as_str(),
            corpus["theme_a"].as_str(),
            corpus["theme_b"].as_str()
        ),
        ("*", "alpha", "beta")
    );
    let int = |k: &str| corpus[k].parse::<u64>().unwrap();
    assert_eq!(
        (int("both"), int("a_total"), int("b_total"), int("windows")),
        (3, 4, 5, 10)
    );
    let num = |k: &str| corpus[k].parse::<f64>().unwrap();
    // expected = a·b/W = 4·5/10 = 2
    assert!((num("expected") - 2.0).abs() < 1e-6);
    // jaccard = both/(a+b−both) = 3/6 = 0.5
    assert!((num("jaccard") - 0.5).abs() < 1e-6);
    // npmi = ln(0.3/(0.4·0.5)) / −ln 0.3 = 0.405465/1.203973 = 0.336773
    assert!((num("npmi") - 0.336773).abs() < 1e-6);
    // G² over [[3, 1], [2, 4]] with expected [[2, 2], [3, 3]]:
    // 2·(3 ln 1.5 + 1 ln 0.5 + 2 ln(2/3) + 4 ln(4/3)) = 2·(1.216395 − 0.693147 − 0.810930 + 1.150728) = 1.726092
    assert!((num("g2") - 1.726092).abs() < 1e-6);
    // p = erfc(√(1.726092/2)) = 0.188911 (chi-square, 1 df); one pair, so BH leaves it as is.
    assert!((num("p_value") - 0.188911).abs() < 1e-6);
    assert!((num("p_adjusted") - 0.188911).abs() < 1e-6);
    // "Apples ... ripe banana": one `beta` hit (the longest pattern), not two.
    let hits = table(&dir.path().join("output"), "theme_hits");
    assert_eq!(hits.iter().filter(|h| h["theme"] == "beta").count(), 5);
    assert!(
        hits.iter()
            .any(|h| h["term"] == "ripe banana" && h["pattern"] == "ripe banana")
    );
}

#[test]
fn per_unit_counts_sum_to_group_counts() {
    let dir = sample_dir();
    write(&dir.path().join("input/b/informe.txt"), SPANISH);
    assert_eq!(
        themata(dir.path(), &["run", "-q", "--format", "csv"]).code,
        0
    );
    let out = dir.path().join("output");
    let units = table(&out, "units");
    let org_of: BTreeMap<&str, &str> = units
        .iter()
        .map(|u| (u["unit_id"].as_str(), u["organisation"].as_str()))
        .collect();
    // Terms: term_counts summed per organisation equal terms_by_organisation.
    let mut summed: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in table(&out, "term_counts") {
        *summed
            .entry((org_of[r["unit_id"].as_str()].to_string(), r["stem"].clone()))
            .or_default() += r["count"].parse::<u64>().unwrap();
    }
    let grouped: BTreeMap<(String, String), u64> = table(&out, "terms_by_organisation")
        .into_iter()
        .map(|r| {
            (
                (r["organisation"].clone(), r["stem"].clone()),
                r["count"].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(summed, grouped);
    // Themes: theme_hits counted per organisation equal themes_by_organisation.hits.
    let mut hits: BTreeMap<(String, String), u64> = BTreeMap::new();
    for h in table(&out, "theme_hits") {
        *hits
            .entry((
                org_of[h["unit_id"].as_str()].to_string(),
                h["theme"].clone(),
            ))
            .or_default() += 1;
    }
    for r in table(&out, "themes_by_organisation") {
        let expected = hits
            .get(&(r["organisation"].clone(), r["theme"].clone()))
            .copied()
            .unwrap_or(0);
        assert_eq!(r["hits"].parse::<u64>().unwrap(), expected, "{r:?}");
    }
    // The corpus scope of co-occurrence counts every sentence once.
    let n_sentences: u64 = units
        .iter()
        .map(|u| u["n_sentences"].parse::<u64>().unwrap())
        .sum();
    let corpus = table(&out, "theme_cooccurrence")
        .into_iter()
        .find(|r| r["scope"] == "corpus")
        .unwrap();
    assert_eq!(corpus["windows"].parse::<u64>().unwrap(), n_sentences);
}

#[test]
fn theme_dictionary_commands_and_errors() {
    let dir = temp();
    let init = themata(dir.path(), &["init", "input/themata.toml"]);
    assert_ne!(init.code, 0, "no input folder yet");
    fs::create_dir_all(dir.path().join("input")).unwrap();
    assert_eq!(themata(dir.path(), &["init", "input/themata.toml"]).code, 0);
    assert_eq!(
        themata(dir.path(), &["init", "input/themata.toml"]).code,
        2,
        "never overwrites without --force"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_themata"))
        .current_dir(dir.path())
        .args(["themes"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    for theme in [
        "[themes.trafficking]",
        "[themes.migration]",
        "[themes.sex_work]",
        "[themes.state_policy]",
    ] {
        assert!(listing.contains(theme), "missing {theme}");
    }
    write(
        &dir.path().join("input/themata.toml"),
        "[themes]\nextend = true\n\n[themes.climate]\npatterns = [\n  \"flood*\",\n  \"*\",\n]\n",
    );
    write(&dir.path().join("input/a.txt"), SPANISH);
    let run = themata(dir.path(), &["run"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("themata: error: `input/themata.toml`:7: theme `climate`: pattern `*`"),
        "{}",
        run.stderr
    );
}

/// Runs every shard of `n` over `input` into `parts/<n>/<i>`, then merges them (naming the
/// parts in reverse order) into `merged-<n>`; returns the merge.
fn shard_and_merge(dir: &Path, input: &str, n: u32, extra: &[&str]) -> Run {
    let mut parts = Vec::new();
    for i in 0..n {
        let part = format!("parts/{n}/{i}");
        let shard = format!("{i}/{n}");
        let mut args = vec!["run", input, "-q", "--shard", &shard, "-o", &part];
        args.extend(extra);
        let run = themata(dir, &args);
        assert!(run.code <= 1, "shard {shard}: {}", run.stderr);
        assert!(
            csvs(&dir.join(&part)).is_empty(),
            "a part holds no final tables"
        );
        parts.push(part);
    }
    parts.reverse();
    let output = format!("merged-{n}");
    let mut args = vec!["merge", "-o", &output];
    args.extend(parts.iter().map(String::as_str));
    args.extend(extra);
    themata(dir, &args)
}

#[test]
fn merged_shards_equal_the_single_run_for_any_shard_count() {
    let dir = sample_in_three_documents();
    write(&dir.path().join("input/empty.txt"), "");
    let single = themata(dir.path(), &["run", "input", "-q", "-o", "single"]);
    assert_eq!(
        single.code, 1,
        "the empty file is skipped: {}",
        single.stderr
    );
    let expected = csvs(&dir.path().join("single"));
    assert_eq!(expected.len(), 15);
    // 1 shard, fewer shards than documents, as many, and more (empty shards).
    for n in [1, 2, 4, 7] {
        let merge = shard_and_merge(dir.path(), "input", n, &[]);
        assert_eq!(
            merge.code, 1,
            "the skipped file is reported: {}",
            merge.stderr
        );
        let merged = csvs(&dir.path().join(format!("merged-{n}")));
        for (name, bytes) in &expected {
            assert!(
                merged.get(name) == Some(bytes),
                "{n} shards: {name} differs from the single run"
            );
        }
        assert_eq!(merged.len(), expected.len());
        let manifest: serde_json::Value = serde_json::from_slice(
            &fs::read(dir.path().join(format!("merged-{n}/manifest.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["inputs"].as_array().unwrap().len(), 3);
        assert_eq!(
            manifest["merged_from"].as_array().unwrap().len(),
            n as usize
        );
        assert_eq!(
            manifest["skipped"],
            serde_json::json!(["`input/empty.txt`: empty file (expected text)"]),
            "the problem is listed once"
        );
    }
}

#[test]
fn merge_names_a_missing_duplicated_or_foreign_part() {
    let dir = sample_dir();
    write(&dir.path().join("input/b/informe.txt"), SPANISH);
    write(&dir.path().join("other.toml"), "language = \"en\"\n");
    let shard = |i: u32, n: u32, out: &str, extra: &[&str]| {
        let s = format!("{i}/{n}");
        let mut args = vec!["run", "input", "-q", "--shard", &s, "-o", out];
        args.extend(extra);
        assert_eq!(themata(dir.path(), &args).code, 0);
    };
    for i in 0..3 {
        shard(i, 3, &format!("p/{i}"), &[]);
    }
    shard(1, 3, "foreign", &["--config", "other.toml"]);
    shard(1, 2, "half", &[]);
    fs::create_dir_all(dir.path().join("unfinished")).unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["p/0", "p/2"],
            "themata: error: shard(s) 1 of 3 missing (pass one part folder for each shard 0..2)",
        ),
        (
            &["p/0", "p/1", "p/2", "p/1"],
            "themata: error: `p/1`: shard 1/3 is given twice (also as `p/1`)",
        ),
        (
            &["p/0", "foreign", "p/2"],
            "themata: error: `foreign`: made with another configuration than `p/0` (`language` differs)",
        ),
        (
            &["p/0", "half", "p/2"],
            "themata: error: `half`: shard 1/2, but `p/0` is shard 0/3 (all parts must come from the same --shard I/N split)",
        ),
        (
            &["p/0", "p/1", "p/2", "unfinished"],
            "themata: error: `unfinished`: not a finished part: no part.json (did its `themata run --shard` task finish?)",
        ),
    ];
    for (parts, expected) in cases {
        let mut args = vec!["merge", "-o", "out"];
        args.extend(parts);
        let run = themata(dir.path(), &args);
        assert_eq!(run.code, 2, "{parts:?}: {}", run.stderr);
        assert_eq!(run.stderr.trim(), expected, "{parts:?}");
        assert!(!dir.path().join("out").exists(), "nothing is written");
    }
    // A part of another part format (an older build) is refused, naming both formats.
    fs::create_dir_all(dir.path().join("old")).unwrap();
    for file in ["part.json", "state.bin", "rows.bin"] {
        fs::copy(
            dir.path().join("p/1").join(file),
            dir.path().join("old").join(file),
        )
        .unwrap();
    }
    let manifest = dir.path().join("old/part.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&fs::read(&manifest).unwrap()).unwrap();
    json["format_version"] = serde_json::json!(1);
    fs::write(&manifest, serde_json::to_vec(&json).unwrap()).unwrap();
    let run = themata(dir.path(), &["merge", "p/0", "old", "p/2", "-o", "out"]);
    assert_eq!(run.code, 2);
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        run.stderr.trim(),
        format!(
            "themata: error: `old`: written by themata {version} (part format 1), this is themata \
             {version} (part format 2): merge with the build that ran the shards"
        )
    );
    // A part copied incompletely is named with its file.
    let state = dir.path().join("p/2/state.bin");
    let bytes = fs::read(&state).unwrap();
    fs::write(&state, &bytes[..bytes.len() / 2]).unwrap();
    let run = themata(dir.path(), &["merge", "p/0", "p/1", "p/2", "-o", "out"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(&format!(
            "themata: error: `p/2/state.bin`: {} bytes, part.json says {}",
            bytes.len() / 2,
            bytes.len()
        )),
        "{}",
        run.stderr
    );
    // A shard argument out of range is refused before any work.
    let run = themata(dir.path(), &["run", "input", "--shard", "3/3"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("expected I/N with 0 <= I < N"),
        "{}",
        run.stderr
    );
}

#[test]
fn merged_shards_of_a_generated_corpus_equal_the_single_run() {
    let dir = temp();
    common::corpus::write_corpus(&dir.path().join("corpus"), 300).unwrap();
    let single = themata(dir.path(), &["run", "corpus", "-q", "-o", "single"]);
    assert_eq!(single.code, 0, "{}", single.stderr);
    let expected = csvs(&dir.path().join("single"));
    assert!(table(&dir.path().join("single"), "units").len() >= 300);
    for n in [4, 9] {
        let merge = shard_and_merge(dir.path(), "corpus", n, &["--threads", "1"]);
        assert_eq!(merge.code, 0, "{}", merge.stderr);
        let merged = csvs(&dir.path().join(format!("merged-{n}")));
        assert_eq!(
            merged.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &expected {
            assert!(
                &merged[name] == bytes,
                "{n} shards: {name} differs from the single run"
            );
        }
        // Every shard got documents: the split is real.
        for i in 0..n {
            let part: serde_json::Value = serde_json::from_slice(
                &fs::read(dir.path().join(format!("parts/{n}/{i}/part.json"))).unwrap(),
            )
            .unwrap();
            assert!(
                !part["inputs"].as_array().unwrap().is_empty(),
                "shard {i}/{n} is empty"
            );
        }
    }
}
