//! `cloudops-codegen [--check]` and `cloudops-codegen models [--check]`: what `cargo xtask
//! codegen` and `cargo xtask models` run, usable on their own when the generated code does
//! not build (the generator depends on no vendor crate).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if args.first().is_some_and(|a| a == "models") {
        return cloudops_codegen::models::run(&args[1..], &root);
    }
    let check = args.iter().any(|a| a == "--check");
    cloudops_codegen::run(&root, check)
}
