//! `cargo xtask`: the tasks live in the library (`src/lib.rs`), so their code
//! compiles while the generator's is still being code-generated in a cold build;
//! this binary only calls them.

fn main() -> std::process::ExitCode {
    xtask::main()
}
