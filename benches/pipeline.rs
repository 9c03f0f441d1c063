//! Benchmarks: the hot path (split sentences → tokenise → stem → count, one thread, English),
//! the whole `run` with 1 and 2 threads, and the merge of 4 shards' parts, reporting bytes
//! throughput on the bench corpus built by `benches/make_corpus.sh` (real English prose shaped
//! as interview newsletters). The corpus is built on first use into
//! `target/bench-corpus/<MB>mb` (size from `THEMATA_BENCH_MB`, default 50).

// The same allocator as the `themata` binary, so the figures are the ones users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use themata::analyse::language::Language;
use themata::analyse::{Analyser, Workspace};
use themata::config::Config;
use themata::pipeline::{self, MergeOptions, RunOptions, Silent};
use themata::record::{Document, DocumentMetadata};
use themata::segment::Segmenter;
use themata::shard::Shard;

fn corpus() -> PathBuf {
    let mb: u64 = std::env::var("THEMATA_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench-corpus/{mb}mb"));
    let status = Command::new("bash")
        .arg(root.join("benches/make_corpus.sh"))
        .arg(&dir)
        .arg(mb.to_string())
        .status()
        .expect("bash runs benches/make_corpus.sh");
    assert!(status.success(), "benches/make_corpus.sh failed");
    dir
}

fn documents(dir: &Path) -> Vec<Document> {
    let mut paths: Vec<PathBuf> = walk(dir);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| Document {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).unwrap(),
            path: p,
            metadata: DocumentMetadata::default(),
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let dir = corpus();
    let docs = documents(&dir);
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let config = Config::builtin();
    let segmenter = Segmenter::new(config.segment.clone());
    let analyser = Analyser::new(&config);
    let units: Vec<_> = docs.iter().map(|d| segmenter.segment(d)).collect();

    let mut group = c.benchmark_group("hot_path");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("tokenise_stem_count_1_thread", |b| {
        b.iter(|| {
            let mut workspace = Workspace::default();
            let mut tokens = 0u64;
            for (doc, doc_units) in docs.iter().zip(&units) {
                for unit in doc_units {
                    let sentences = analyser.sentences(&doc.text, unit);
                    let unit_tokens =
                        analyser.tokens(&doc.text, &sentences, Language::English, &mut workspace);
                    let (surfaces, _) = unit_tokens.count_terms();
                    tokens += unit_tokens.tokens.len() as u64;
                    std::hint::black_box(surfaces);
                }
            }
            // A behaviour change (e.g. a tokenizer that drops words) fails loudly here.
            assert!(tokens > bytes / 10, "too few tokens: {tokens}");
            tokens
        })
    });
    group.finish();

    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    for threads in [1, 2] {
        let out = tempfile::tempdir().unwrap();
        let options = RunOptions {
            inputs: vec![dir.clone()],
            output: out.path().to_path_buf(),
            config: None,
            formats: None,
            threads: Some(threads),
            shard: None,
        };
        group.bench_function(format!("whole_run_{threads}_threads"), |b| {
            b.iter(|| {
                let summary = pipeline::run(&options, &Silent).expect("the bench corpus runs");
                assert_eq!(summary.documents, docs.len());
                summary.tokens
            })
        });
    }
    group.finish();

    // The merge of 4 parts (written once, outside the measurement): its cost over a single
    // run is what splitting a corpus adds.
    let parts = tempfile::tempdir().unwrap();
    let part_dirs: Vec<PathBuf> = (0..4).map(|i| parts.path().join(i.to_string())).collect();
    for (i, part) in part_dirs.iter().enumerate() {
        let options = RunOptions {
            inputs: vec![dir.clone()],
            output: part.clone(),
            config: None,
            formats: None,
            threads: Some(2),
            shard: Some(Shard {
                index: i as u32,
                count: 4,
            }),
        };
        pipeline::run(&options, &Silent).expect("a shard of the bench corpus runs");
    }
    let mut group = c.benchmark_group("merge");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    let out = tempfile::tempdir().unwrap();
    let options = MergeOptions {
        parts: part_dirs,
        output: out.path().to_path_buf(),
        formats: None,
        threads: Some(2),
    };
    group.bench_function("merge_4_parts_2_threads", |b| {
        b.iter(|| {
            let summary = pipeline::merge(&options, &Silent).expect("the parts merge");
            assert_eq!(summary.documents, docs.len());
            summary.tokens
        })
    });
    group.finish();
}

criterion_group!(pipeline_benches, benches);
criterion_main!(pipeline_benches);
