//! `cargo xtask vectors [--check]`: recomputes the expected values of the signing vectors in
//! `crates/core/tests/vectors/` with the vendors' official Python SDKs (in a venv under
//! `target/`), or with `--check` names every case whose expected values are stale.

use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &[String], root: &Path) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask vectors [--check]");
            return ExitCode::FAILURE;
        }
    };
    let mut args = Vec::new();
    if check {
        args.push("--check".into());
    }
    args.push(root.join("crates/core/tests/vectors").into_os_string());
    crate::python::run_script(root, "xtask/vectors/generate.py", &args)
}
