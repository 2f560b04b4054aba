//! `cargo xtask vectors [--check]`: recomputes the expected values of the signing vectors in
//! `crates/core/tests/vectors/` with the vendors' official Python SDKs (in a venv under
//! `target/`), or with `--check` names every case whose expected values are stale.

use std::path::Path;
use std::process::{Command, ExitCode};

pub fn run(args: &[String], root: &Path) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask vectors [--check]");
            return ExitCode::FAILURE;
        }
    };
    let python = match crate::python::venv_python(root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot run the official SDKs: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut cmd = Command::new(python);
    cmd.arg(root.join("xtask/vectors/generate.py"));
    if check {
        cmd.arg("--check");
    }
    cmd.arg(root.join("crates/core/tests/vectors"));
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cannot run the generator: {e}");
            ExitCode::FAILURE
        }
    }
}
