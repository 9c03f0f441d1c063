//! The hot path alone (sentences, tokens, stems and counts, one thread, English), timed per
//! step on a folder of `.txt` files: `cargo run --release --example hot_path -- FOLDER`.
//! For profiling; the benchmark of record is `cargo bench`.
#![allow(clippy::print_stdout, missing_docs)]

// The same allocator as the `themata` binary, so the figures are the ones users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;
use themata::analyse::language::Language;
use themata::analyse::{Analyser, Workspace};
use themata::config::Config;
use themata::record::{Document, DocumentMetadata};
use themata::segment::Segmenter;

fn main() {
    let dir = std::env::args().nth(1).expect("folder");
    let mut docs = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "txt") {
            docs.push(Document {
                name: p.display().to_string(),
                text: std::fs::read_to_string(&p).unwrap(),
                path: p,
                metadata: DocumentMetadata::default(),
            });
        }
    }
    let mb = docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
    let config = Config::builtin();
    let seg = Segmenter::new(config.segment.clone());
    let an = Analyser::new(&config);
    let units: Vec<_> = docs.iter().map(|d| seg.segment(d)).collect();
    let mut ws = Workspace::default();
    let (mut ts, mut tt, mut tc) = (0.0, 0.0, 0.0);
    for _ in 0..3 {
        for (d, us) in docs.iter().zip(&units) {
            for u in us {
                let t = Instant::now();
                let s = an.sentences(&d.text, u);
                ts += t.elapsed().as_secs_f64();
                let t = Instant::now();
                let toks = an.tokens(&d.text, &s, Language::English, &mut ws);
                tt += t.elapsed().as_secs_f64();
                let t = Instant::now();
                std::hint::black_box(toks.count_terms());
                tc += t.elapsed().as_secs_f64();
            }
        }
    }
    println!(
        "sentences {:.1} MB/s, tokens {:.1} MB/s, count_terms {:.1} MB/s",
        3.0 * mb / ts,
        3.0 * mb / tt,
        3.0 * mb / tc
    );
}
