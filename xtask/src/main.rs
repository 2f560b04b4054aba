//! Maintenance commands for the cloudops workspace: `cargo xtask <command>`.
//!
//! - `ci`: every check `.ci/run` runs, in the same order.
//! - `codegen [--check]`: writes the operations, registries, fixture callers and emulator
//!   tables from `models/`, or (with `--check`) names every stale, missing or orphan
//!   generated file.
//! - `fixtures [--check]`: regenerates the snapshots of `fixtures/` from the documented
//!   samples, or (with `--check`) fails naming every stale, missing or orphan snapshot.
//! - `semver`: cargo-semver-checks on every publishable crate against its last release tag
//!   (or the previous commit before its first release).
//! - `release plan` and `release prepare <crate> <version>`: see `release.rs`.
//! - `msrv`: no package in the lock file declares a `rust-version` newer than ours.
//! - `packages`: packages every publishable crate, runs `cargo test` inside each unpacked
//!   package, and runs a new project per vendor crate, built from the packages alone, against
//!   the emulator.
//! - `build-cost [--rounds N] [NAME ...]`: cold release builds of a one-call program per
//!   vendor crate, with its default and its minimal features, against its hand-written floor
//!   (not part of CI).
//! - `fuzz [--seconds N] [TARGET ...]`: runs the fuzz targets of `fuzz/` (nightly and
//!   cargo-fuzz), N seconds each (default 30); fails on any crash. Not part of `ci`.
//! - `vectors [--check]`: recomputes the signing vectors' expected values with the vendors'
//!   official Python SDKs, or names every stale case.
//! - `regions [--check]`: the Huawei region tables from the official SDKs' region data, or
//!   with `--check` whether the committed file is current.
//! - `wire`: sends the operations that have an official Python client through it and
//!   through this project's client to one loopback capture server, and compares the two.
//! - `tour-proxy`: runs the tour through tinyproxy, over HTTP and HTTPS, and checks from its
//!   log that every call went through it.
//! - `help`: this list.

mod build_cost;
mod crate_cost;
mod fuzz;
mod msrv;
mod packages;
mod python;
mod regions;
mod release;
mod tour_proxy;
mod vectors;
mod wire;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// The test command the README gives.
const TEST_COMMAND: &[&str] = &["test", "--workspace"];

struct Step {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// A program the step needs; when it is not on the machine, the step is skipped and says so.
    needs: Option<&'static str>,
    /// A directory (from the workspace root) the step fills and nothing after it reads:
    /// removed once the step passes, so that a CI run needs the disk of its largest step
    /// rather than of all of them.
    scratch: Option<&'static str>,
}

const CI_STEPS: &[Step] = &[
    Step {
        name: "format",
        program: "cargo",
        args: &["fmt", "--all", "--check"],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "semver: every publishable crate against its last release (or the previous commit)",
        program: "cargo",
        args: &["xtask", "semver"],
        env: &[],
        needs: None,
        scratch: Some("target/semver-checks"),
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
        needs: None,
        scratch: None,
    },
    Step {
        name: "tests",
        program: "cargo",
        args: TEST_COMMAND,
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "models/ up to date with the vendors' published models",
        program: "cargo",
        args: &["xtask", "models", "--check"],
        env: &[],
        needs: Some("python3"),
        scratch: None,
    },
    Step {
        name: "generated code up to date with models/",
        program: "cargo",
        args: &["xtask", "codegen", "--check"],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "fixture snapshots up to date",
        program: "cargo",
        args: &["xtask", "fixtures", "--check"],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "signing vectors agree with the vendors' official SDKs",
        program: "cargo",
        args: &["xtask", "vectors", "--check"],
        env: &[],
        needs: Some("python3"),
        scratch: None,
    },
    Step {
        name: "Huawei region tables are what the official SDKs declare",
        program: "cargo",
        args: &["xtask", "regions", "--check"],
        env: &[],
        needs: Some("python3"),
        scratch: None,
    },
    Step {
        name: "the wire agrees with the vendors' official clients",
        program: "cargo",
        args: &["xtask", "wire"],
        env: &[],
        needs: Some("python3"),
        scratch: None,
    },
    Step {
        name: "the tour through a real proxy (tinyproxy)",
        program: "cargo",
        args: &["xtask", "tour-proxy"],
        env: &[],
        needs: Some("tinyproxy"),
        scratch: None,
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
        needs: None,
        scratch: None,
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
        needs: None,
        scratch: None,
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
        needs: None,
        scratch: None,
    },
    Step {
        name: "tencentcloud-cynosdb without credential sources",
        program: "cargo",
        args: &[
            "test",
            "-p",
            "cloudops-tencentcloud-cynosdb",
            "--no-default-features",
            "--features",
            "rustls",
        ],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "cloudops-core signer features: none",
        program: "cargo",
        args: &[
            "clippy",
            "-p",
            "cloudops-core",
            "--lib",
            "--no-default-features",
            "--features",
            "rustls",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "cloudops-core signer features: tc3 alone",
        program: "cargo",
        args: &[
            "clippy",
            "-p",
            "cloudops-core",
            "--lib",
            "--no-default-features",
            "--features",
            "rustls,tc3",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "cloudops-core signer features: huawei alone",
        program: "cargo",
        args: &[
            "clippy",
            "-p",
            "cloudops-core",
            "--lib",
            "--no-default-features",
            "--features",
            "rustls,huawei",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "cloudops-core signer features: ocp alone",
        program: "cargo",
        args: &[
            "clippy",
            "-p",
            "cloudops-core",
            "--lib",
            "--no-default-features",
            "--features",
            "rustls,ocp",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "every fuzz target type-checks (cargo xtask fuzz runs them, with nightly)",
        program: "cargo",
        args: &[
            "check",
            "--manifest-path",
            "fuzz/Cargo.toml",
            "--bins",
            "--locked",
            "--target-dir",
            "target/fuzz-check",
        ],
        env: &[],
        needs: None,
        scratch: Some("target/fuzz-check"),
    },
    Step {
        name: "docs",
        program: "cargo",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
        needs: None,
        scratch: None,
    },
    Step {
        name: "fetch every platform's dependencies (cargo deny reads them offline)",
        program: "cargo",
        args: &["fetch"],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "licenses, bans and sources",
        program: "cargo",
        args: &["deny", "--offline", "check", "licenses", "bans", "sources"],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "MSRV: no locked dependency declares a newer rust-version",
        program: "cargo",
        args: &["xtask", "msrv"],
        env: &[],
        needs: None,
        scratch: None,
    },
    Step {
        name: "packages: unpacked crates test clean; one-crate consumers run on the emulator",
        program: "cargo",
        args: &["xtask", "packages"],
        env: &[],
        needs: None,
        scratch: None,
    },
];

fn run(step: &Step) -> bool {
    if let Some(program) = step.needs
        && Command::new(program).arg("--version").output().is_err()
    {
        eprintln!("==> {}: skipped, {program} is not installed", step.name);
        return true;
    }
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
        Ok(s) if s.success() => {
            if let Some(dir) = step.scratch {
                let _ = std::fs::remove_dir_all(cloudops_fixtures::workspace_root().join(dir));
            }
            true
        }
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

fn fixtures(check: bool) -> ExitCode {
    let root = cloudops_fixtures::workspace_root();
    let snapshots = match cloudops_fixtures::render_all(&root) {
        Ok(s) => s,
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("{} problem(s) in fixtures/", problems.len());
            return ExitCode::FAILURE;
        }
    };
    let expected: BTreeMap<PathBuf, String> = snapshots
        .iter()
        .map(|s| (s.path(), s.file_text()))
        .collect();
    let orphans: Vec<PathBuf> = cloudops_fixtures::existing_snapshot_files(&root)
        .into_iter()
        .filter(|p| !expected.contains_key(p))
        .collect();
    let changes: Vec<(PathBuf, String, String)> = expected
        .iter()
        .filter_map(|(path, text)| {
            let old = std::fs::read_to_string(root.join(path)).unwrap_or_default();
            (old != *text).then(|| (path.clone(), old, text.clone()))
        })
        .collect();
    if check {
        let mut bad = 0;
        for (path, old, _) in &changes {
            if old.is_empty() {
                eprintln!("missing: {}", path.display());
            } else {
                eprintln!("stale:   {}", path.display());
            }
            bad += 1;
        }
        print_summary(&changes);
        for path in &orphans {
            eprintln!("orphan:  {}", path.display());
            bad += 1;
        }
        if bad > 0 {
            eprintln!(
                "{bad} snapshot file(s) out of date: run `cargo xtask fixtures` and review the diff"
            );
            return ExitCode::FAILURE;
        }
        eprintln!("{} snapshots up to date", expected.len());
        return ExitCode::SUCCESS;
    }
    let mut written = 0;
    for (path, text) in &expected {
        let full = root.join(path);
        if std::fs::read_to_string(&full).is_ok_and(|t| &t == text) {
            continue;
        }
        if let Some(parent) = full.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("cannot create {}: {e}", parent.display());
            return ExitCode::FAILURE;
        }
        if let Err(e) = std::fs::write(&full, text) {
            eprintln!("cannot write {}: {e}", full.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote   {}", path.display());
        written += 1;
    }
    print_summary(&changes);
    for path in &orphans {
        if let Err(e) = std::fs::remove_file(root.join(path)) {
            eprintln!("cannot remove {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("removed {}", path.display());
    }
    eprintln!(
        "{} snapshots: {written} written, {} removed, {} unchanged",
        expected.len(),
        orphans.len(),
        expected.len() - written
    );
    ExitCode::SUCCESS
}

/// The lines of `text` with every long hex digest (a signature, a body hash) masked, so the
/// same change gives the same lines in every snapshot it touches.
fn masked_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let mut out = String::new();
            let mut run = String::new();
            for c in line.chars().chain(std::iter::once(' ')) {
                if c.is_ascii_hexdigit() {
                    run.push(c);
                    continue;
                }
                if run.len() >= 32 {
                    out.push_str("<digest>");
                } else {
                    out.push_str(&run);
                }
                run.clear();
                out.push(c);
            }
            out.pop();
            out
        })
        .collect()
}

/// What changed between two snapshot texts: the lines only the old one has and the lines only
/// the new one has, digests masked.
fn change_of(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let (old, new) = (masked_lines(old), masked_lines(new));
    let mut left: BTreeMap<&String, i64> = BTreeMap::new();
    for l in &old {
        *left.entry(l).or_default() += 1;
    }
    for l in &new {
        *left.entry(l).or_default() -= 1;
    }
    let removed = old
        .iter()
        .filter(|l| left.get(l).is_some_and(|n| *n > 0))
        .cloned()
        .collect();
    let added = new
        .iter()
        .filter(|l| left.get(l).is_some_and(|n| *n < 0))
        .cloned()
        .collect();
    (removed, added)
}

/// Prints the changed snapshots grouped by change: one entry for a change many snapshots share
/// (a header changed everywhere), then the rest one by one. New snapshots are counted, not
/// listed line by line.
fn print_summary(changes: &[(PathBuf, String, String)]) {
    type Lines = (Vec<String>, Vec<String>);
    let mut groups: Vec<(Lines, Vec<&PathBuf>)> = Vec::new();
    let mut new = 0;
    for (path, old, text) in changes {
        if old.is_empty() {
            new += 1;
            continue;
        }
        let change = change_of(old, text);
        match groups.iter_mut().find(|(c, _)| *c == change) {
            Some((_, paths)) => paths.push(path),
            None => groups.push((change, vec![path])),
        }
    }
    if changes.is_empty() {
        return;
    }
    eprintln!("--- summary of the changes ---");
    if new > 0 {
        eprintln!("{new} new snapshot(s)");
    }
    groups.sort_by_key(|(_, paths)| std::cmp::Reverse(paths.len()));
    for ((removed, added), paths) in &groups {
        if paths.len() > 1 {
            eprintln!("the same change in {} snapshots:", paths.len());
        } else {
            eprintln!("{}:", paths[0].display());
        }
        for l in removed {
            eprintln!("  - {l}");
        }
        for l in added {
            eprintln!("  + {l}");
        }
    }
}

/// `text` formatted as `cargo fmt` formats the workspace's sources, so a generated file is
/// the same before and after `cargo fmt`.
pub fn rustfmt(text: &str) -> Result<String, String> {
    use std::io::Write as _;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    stdin
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write to rustfmt: {e}"))?;
    drop(stdin);
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt refused the generated code:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

fn help() {
    eprintln!(
        "usage: cargo xtask <command>\n\ncommands:\n  ci                  run every check CI runs\n  models [--check]    convert (or check) the vendors' published models into models/\n  codegen [--check]   write (or check) the generated code from models/\n  fixtures [--check]  regenerate (or check) the snapshots of fixtures/\n  fuzz [--seconds N] [TARGET ...]\n                      run the fuzz targets N seconds each (default 30)\n  vectors [--check]   recompute (or check) the signing vectors with the official SDKs\n  regions [--check]   regenerate (or check) the Huawei region tables from the official SDKs\n  wire                compare what goes on the wire with the official clients\n  tour-proxy          run the tour through tinyproxy (HTTP and HTTPS)\n  semver              cargo-semver-checks on every crate against its baseline\n  release plan        what to release, with which bump, in which order\n  release prepare <crate> <version>\n                      bump a crate, date its CHANGELOG, regenerate snapshots\n  msrv                no locked dependency needs a newer Rust than rust-version\n  packages            package, unpack and test every crate; run one-crate consumers\n  build-cost [--rounds N] [NAME ...]\n                      cold release builds of one-call programs against their floors\n                      (cynosdb, cynosdb-minimal, dbss, dbss-minimal, dbss-no-tls, ocp, ocp-minimal)\n  crate-cost [--rounds N]\n                      CPU per operation of the CynosDB and Huawei crates alone beside aws-sdk-rds\n  help                show this list"
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("fixtures") => match args.get(1).map(String::as_str) {
            None => fixtures(false),
            Some("--check") => fixtures(true),
            Some(other) => {
                eprintln!("unknown option {other:?}; usage: cargo xtask fixtures [--check]");
                ExitCode::FAILURE
            }
        },
        Some("codegen") => match args.get(1).map(String::as_str) {
            None => cloudops_codegen::run(&cloudops_fixtures::workspace_root(), false),
            Some("--check") => cloudops_codegen::run(&cloudops_fixtures::workspace_root(), true),
            Some(other) => {
                eprintln!("unknown option {other:?}; usage: cargo xtask codegen [--check]");
                ExitCode::FAILURE
            }
        },
        Some("tour-proxy") => tour_proxy::run(&cloudops_fixtures::workspace_root()),
        Some("wire") => wire::run(&args[1..], &cloudops_fixtures::workspace_root()),
        Some("wire-client") => wire::client(&args[1..]),
        Some("vectors") => vectors::run(&args[1..], &cloudops_fixtures::workspace_root()),
        Some("regions") => regions::run(&args[1..], &cloudops_fixtures::workspace_root()),
        Some("models") => {
            // The Huawei conversion imports the official SDKs.
            let root = cloudops_fixtures::workspace_root();
            match python::venv_python(&root) {
                Ok(_) => cloudops_codegen::models::run(&args[1..], &root),
                Err(e) => {
                    eprintln!("models: cannot run the official SDKs: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("fuzz") => fuzz::run(&args[1..], &cloudops_fixtures::workspace_root()),
        Some("semver") => release::semver(&cloudops_fixtures::workspace_root()),
        Some("release") => release::run(&args[1..], &cloudops_fixtures::workspace_root()),
        Some("msrv") => msrv::run(&cloudops_fixtures::workspace_root()),
        Some("packages") => packages::run(&cloudops_fixtures::workspace_root()),
        Some("build-cost") => build_cost::run(&args[1..], &cloudops_fixtures::workspace_root()),
        Some("crate-cost") => crate_cost::run(&args[1..], &cloudops_fixtures::workspace_root()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_header_changed_everywhere_is_one_change() {
        let snapshot = |sig: &str, version: &str| {
            format!("POST /\nauthorization: TC3 Signature={sig}\nx-tc-version: {version}\n\nbody")
        };
        let a = change_of(
            &snapshot(&"a".repeat(64), "1"),
            &snapshot(&"b".repeat(64), "2"),
        );
        let b = change_of(
            &snapshot(&"c".repeat(64), "1"),
            &snapshot(&"d".repeat(64), "2"),
        );
        assert_eq!(a, b);
        assert_eq!(a.0, ["x-tc-version: 1"]);
        assert_eq!(a.1, ["x-tc-version: 2"]);
    }
}
