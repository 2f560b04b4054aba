//! `cargo xtask fuzz [--seconds N] [TARGET ...]`: runs every fuzz target of `fuzz/` (or the
//! ones named) for N seconds each (default 30) with cargo-fuzz on the nightly toolchain,
//! starting from the committed seed corpus, and fails when any target finds a crash.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// The default time per target, in seconds.
const DEFAULT_SECONDS: u64 = 30;

struct Run {
    target: String,
    ok: bool,
    built: bool,
    executions: Option<u64>,
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask fuzz [--seconds N] [TARGET ...]");
    ExitCode::FAILURE
}

fn cargo_fuzz(fuzz_dir: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz"]).current_dir(fuzz_dir);
    cmd
}

/// The targets `cargo fuzz list` names.
fn list_targets(fuzz_dir: &Path) -> Option<Vec<String>> {
    let out = cargo_fuzz(fuzz_dir).arg("list").output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// libFuzzer's final count of executed inputs, from `-print_final_stats=1`.
fn executions(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .next_back()
        .and_then(|v| v.trim().parse().ok())
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    let mut seconds = DEFAULT_SECONDS;
    let mut wanted = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => match it.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => seconds = n,
                _ => return usage(),
            },
            other if other.starts_with('-') => return usage(),
            target => wanted.push(target.to_string()),
        }
    }
    let fuzz_dir = root.join("fuzz");
    let Some(all) = list_targets(&fuzz_dir) else {
        eprintln!(
            "cargo fuzz is not available: install it with `cargo install cargo-fuzz` \
             (it needs the nightly toolchain)"
        );
        return ExitCode::FAILURE;
    };
    if let Some(unknown) = wanted.iter().find(|w| !all.contains(w)) {
        eprintln!(
            "no fuzz target {unknown:?}; the targets are {}",
            all.join(", ")
        );
        return ExitCode::FAILURE;
    }
    let targets = if wanted.is_empty() { all } else { wanted };

    let mut runs = Vec::new();
    for target in &targets {
        eprintln!("==> fuzz {target} for {seconds} s");
        let corpus = format!("corpus/{target}");
        let output = cargo_fuzz(&fuzz_dir)
            .args(["run", "--release", target, &corpus, "--"])
            .arg(format!("-max_total_time={seconds}"))
            .args(["-print_final_stats=1", "-max_len=8192"])
            .stdout(Stdio::inherit())
            .output();
        let (ok, stderr) = match output {
            Ok(o) => (
                o.status.success(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            ),
            Err(e) => (false, format!("could not start cargo fuzz: {e}")),
        };
        if !ok {
            // The crash report, the input that caused it and how to reproduce it.
            eprintln!("{stderr}");
        }
        runs.push(Run {
            target: target.clone(),
            ok,
            built: !stderr.contains("failed to build fuzz script"),
            executions: executions(&stderr),
        });
    }

    eprintln!("\n{:<20} {:>14}  result", "target", "executions");
    for r in &runs {
        let execs = r.executions.map_or("-".to_string(), |n| n.to_string());
        let result = match (r.ok, r.built) {
            (true, _) => "no crash",
            (false, false) => "BUILD FAILED (see above)",
            (false, true) => "CRASH (see above)",
        };
        eprintln!("{:<20} {:>14}  {result}", r.target, execs);
    }
    if runs.iter().all(|r| r.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
