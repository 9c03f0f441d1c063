//! The `themata` command: parses arguments and runs the library (see `themata --help`).

fn main() -> std::process::ExitCode {
    themata::cli::main()
}
