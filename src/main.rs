//! The `sweperf` command: clap definitions, progress and terminal output over the library.
//!
//! All printing and process exit codes live here; it must not hold evaluation logic.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
