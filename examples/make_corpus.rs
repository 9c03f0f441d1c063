//! Writes the deterministic test corpus of `tests/common/corpus.rs` into a folder:
//! `cargo run --release --example make_corpus -- DOCUMENTS OUTDIR`.
//!
//! The same DOCUMENTS always gives the same files, byte for byte, so that scripts (such as
//! `tests/slurm/run.sh`) and the integration tests work on one corpus.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [documents, dir] = args.as_slice() else {
        return usage("expected two arguments");
    };
    let Ok(documents) = documents.parse::<usize>() else {
        return usage(&format!(
            "DOCUMENTS must be a whole number, not {documents:?}"
        ));
    };
    let dir = PathBuf::from(dir);
    match corpus::write_corpus(&dir, documents) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&format!("make_corpus: cannot write {}: {e}", dir.display()));
            ExitCode::FAILURE
        }
    }
}

/// Reports a usage error and returns the exit code for it.
fn usage(problem: &str) -> ExitCode {
    report(&format!(
        "make_corpus: {problem}\nusage: make_corpus DOCUMENTS OUTDIR   (e.g. make_corpus 300 corpus)"
    ));
    ExitCode::from(2)
}

/// Writes a message on standard error.
fn report(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{message}");
}
