//! `cloudops-codegen [--check]`: what `cargo xtask codegen` runs, usable on its own when the
//! generated code does not build (the generator depends on no vendor crate).

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    cloudops_codegen::run(&root, check)
}
