//! Maintenance commands for the cloudops workspace: `cargo xtask <command>`.
//!
//! - `ci`: every check `.ci/run` runs, in the same order.
//! - `help`: this list.

use std::process::{Command, ExitCode};

/// The test command the README gives.
const TEST_COMMAND: &[&str] = &["test", "--workspace"];

struct Step {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const CI_STEPS: &[Step] = &[
    Step {
        name: "format",
        program: "cargo",
        args: &["fmt", "--all", "--check"],
        env: &[],
    },
    Step {
        name: "clippy",
        program: "cargo",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        name: "tests",
        program: "cargo",
        args: TEST_COMMAND,
        env: &[],
    },
    Step {
        name: "huaweicloud feature: dbss alone",
        program: "cargo",
        args: &[
            "test",
            "-p",
            "cloudops-huaweicloud",
            "--no-default-features",
            "--features",
            "dbss",
        ],
        env: &[],
    },
    Step {
        name: "huaweicloud feature: taurusdb alone",
        program: "cargo",
        args: &[
            "test",
            "-p",
            "cloudops-huaweicloud",
            "--no-default-features",
            "--features",
            "taurusdb",
        ],
        env: &[],
    },
    Step {
        name: "huaweicloud feature: koophone alone",
        program: "cargo",
        args: &[
            "test",
            "-p",
            "cloudops-huaweicloud",
            "--no-default-features",
            "--features",
            "koophone",
        ],
        env: &[],
    },
    Step {
        name: "docs",
        program: "cargo",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    Step {
        name: "licenses, bans and sources",
        program: "cargo",
        args: &["deny", "--offline", "check", "licenses", "bans", "sources"],
        env: &[],
    },
    Step {
        name: "package every publishable crate",
        program: "cargo",
        args: &["package", "--workspace", "--allow-dirty"],
        env: &[],
    },
];

fn run(step: &Step) -> bool {
    eprintln!(
        "==> {}: {} {}",
        step.name,
        step.program,
        step.args.join(" ")
    );
    let mut cmd = Command::new(step.program);
    cmd.args(step.args);
    for (k, v) in step.env {
        cmd.env(k, v);
    }
    match cmd.status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            eprintln!("==> {} failed ({s})", step.name);
            false
        }
        Err(e) => {
            eprintln!("==> {} could not start: {e}", step.name);
            false
        }
    }
}

fn ci() -> ExitCode {
    for step in CI_STEPS {
        if !run(step) {
            return ExitCode::FAILURE;
        }
    }
    eprintln!("==> all checks passed");
    ExitCode::SUCCESS
}

fn help() {
    eprintln!(
        "usage: cargo xtask <command>\n\ncommands:\n  ci     run every check CI runs\n  help   show this list"
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("help") | Some("--help") | Some("-h") => {
            help();
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command {other:?}");
            help();
            ExitCode::FAILURE
        }
        None => {
            help();
            ExitCode::FAILURE
        }
    }
}
