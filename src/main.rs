//! The `themata` command: parses arguments and runs the library (see `themata --help`).

// The analysis allocates many small strings per unit (word forms, n-grams) from several
// threads; mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    themata::cli::main()
}
