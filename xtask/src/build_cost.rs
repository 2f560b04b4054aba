//! `cargo xtask build-cost [--rounds N] [cynosdb|dbss|ocp]..`: the cost of building a one-call
//! program on each vendor crate against its floor, the same call written by hand with the
//! crates the project uses for it (`xtask/build-cost/`).
//!
//! Each program is a project of its own under `target/build-cost/`, with the workspace's
//! `Cargo.lock` (so both sides build the same versions) and its own target directory, removed
//! before every build: every build is cold. Project and floor alternate, round after round,
//! and the medians are printed: CPU time (user + system of the whole build, every rustc and
//! build script included), the crates compiled and the size of the release binary. Not part
//! of CI: a round takes minutes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// A vendor program and its floor: the name, and the dependency lines of each.
struct Pair {
    name: &'static str,
    project: &'static str,
    floor: &'static str,
}

const TOKIO: &str =
    r#"tokio = { version = "1.47.0", default-features = false, features = ["rt", "macros"] }"#;
const FLOOR_COMMON: &str = r#"reqwest = { version = "0.13.1", default-features = false, features = ["rustls"] }
serde = { version = "1.0.219", features = ["derive"] }
serde_json = "1.0.140"
hmac = "0.13.0""#;

const PAIRS: &[Pair] = &[
    Pair {
        name: "cynosdb",
        project: r#"cloudops-tencentcloud-cynosdb = { path = "{root}/crates/tencentcloud-cynosdb", default-features = false, features = ["rustls"] }"#,
        floor: r#"sha2 = "0.11.1""#,
    },
    Pair {
        name: "dbss",
        project: r#"cloudops-huaweicloud = { path = "{root}/crates/huaweicloud", default-features = false, features = ["rustls", "dbss"] }"#,
        floor: r#"sha2 = "0.11.1""#,
    },
    Pair {
        name: "ocp",
        project: r#"cloudops-ocp = { path = "{root}/crates/ocp", default-features = false, features = ["rustls"] }"#,
        floor: "sha1 = \"0.11.0\"\nbase64 = \"0.23.1\"",
    },
];

/// What one cold build cost.
#[derive(Clone, Copy)]
struct Cost {
    cpu_secs: f64,
    wall_secs: f64,
    crates: usize,
    binary_bytes: u64,
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    let mut rounds = 1usize;
    let mut wanted: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => match it.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => rounds = n,
                _ => {
                    eprintln!("--rounds needs a positive number");
                    return ExitCode::FAILURE;
                }
            },
            name if PAIRS.iter().any(|p| p.name == name) => wanted.push(name),
            other => {
                eprintln!("unknown argument {other:?}: use --rounds N and cynosdb, dbss or ocp");
                return ExitCode::FAILURE;
            }
        }
    }
    let lock = match std::fs::read_to_string(root.join("Cargo.lock")) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot read Cargo.lock: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut rows = Vec::new();
    for pair in PAIRS
        .iter()
        .filter(|p| wanted.is_empty() || wanted.contains(&p.name))
    {
        let mut project = Vec::new();
        let mut floor = Vec::new();
        for round in 1..=rounds {
            for (side, costs) in [("floor", &mut floor), ("project", &mut project)] {
                eprintln!("{} {side}, round {round} of {rounds}", pair.name);
                match build(root, &lock, pair, side) {
                    Ok(c) => costs.push(c),
                    Err(e) => {
                        eprintln!("{} {side}: {e}", pair.name);
                        return ExitCode::FAILURE;
                    }
                }
            }
        }
        rows.push((pair.name, median(&project), median(&floor)));
    }
    println!(
        "\n{:<8} {:>9} {:>9} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "crate", "cpu s", "floor", "ratio", "crates", "floor", "binary", "floor"
    );
    for (name, p, f) in rows {
        let ratio = p.cpu_secs / f.cpu_secs;
        let more_crates = p.crates as i64 - f.crates as i64;
        let more_bytes = p.binary_bytes as i64 - f.binary_bytes as i64;
        let mut over = Vec::new();
        if ratio > GOAL_CPU_RATIO {
            over.push("CPU time");
        }
        if more_crates > GOAL_MORE_CRATES {
            over.push("crates");
        }
        if more_bytes > GOAL_MORE_BYTES {
            over.push("binary");
        }
        let verdict = if over.is_empty() {
            "within the goals".to_string()
        } else {
            format!("over the goal: {}", over.join(", "))
        };
        println!(
            "{name:<8} {:>9.1} {:>9.1} {:>5.2}x {:>9} {:>9} {:>7.2}MB {:>7.2}MB   (+{more_crates} crates, {:+.1} kB; {verdict})",
            p.cpu_secs,
            f.cpu_secs,
            ratio,
            p.crates,
            f.crates,
            mb(p.binary_bytes),
            mb(f.binary_bytes),
            more_bytes as f64 / 1000.0,
        );
    }
    println!(
        "(goals: CPU time at most {GOAL_CPU_RATIO}x the floor's, at most {GOAL_MORE_CRATES} more crates, a binary at most {} MB larger)",
        GOAL_MORE_BYTES as f64 / 1_000_000.0
    );
    println!("(medians of {rounds} cold release build(s) each; wall time is in the log above)");
    ExitCode::SUCCESS
}

/// The build-cost goals: CPU time as a ratio of the floor's, crates compiled and binary bytes
/// beyond the floor's.
const GOAL_CPU_RATIO: f64 = 1.15;
const GOAL_MORE_CRATES: i64 = 10;
const GOAL_MORE_BYTES: i64 = 300_000;

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn median(costs: &[Cost]) -> Cost {
    let pick = |f: fn(&Cost) -> f64| {
        let mut v: Vec<f64> = costs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut crates: Vec<usize> = costs.iter().map(|c| c.crates).collect();
    crates.sort_unstable();
    let mut sizes: Vec<u64> = costs.iter().map(|c| c.binary_bytes).collect();
    sizes.sort_unstable();
    Cost {
        cpu_secs: pick(|c| c.cpu_secs),
        wall_secs: pick(|c| c.wall_secs),
        crates: crates[crates.len() / 2],
        binary_bytes: sizes[sizes.len() / 2],
    }
}

/// Writes the project of `pair`'s `side` and builds it from cold.
fn build(root: &Path, lock: &str, pair: &Pair, side: &str) -> Result<Cost, String> {
    let name = format!("{}-{side}", pair.name);
    let dir: PathBuf = root.join("target/build-cost").join(&name);
    let deps = if side == "project" {
        format!(
            "{}\n{TOKIO}",
            pair.project.replace("{root}", &root.display().to_string())
        )
    } else {
        format!("{FLOOR_COMMON}\n{}\n{TOKIO}", pair.floor)
    };
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{deps}\n\n[workspace]\n"
    );
    let source = root.join(format!("xtask/build-cost/{name}.rs"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    std::fs::copy(&source, dir.join("src/main.rs"))
        .map_err(|e| format!("{}: {e}", source.display()))?;
    if side == "floor" {
        // The floors' one shared piece, their date routine.
        let civil = root.join("xtask/build-cost/civil.rs");
        std::fs::copy(&civil, dir.join("src/civil.rs"))
            .map_err(|e| format!("{}: {e}", civil.display()))?;
    }
    // The shell reports the CPU time of everything it waited for (fields 16 and 17 of its
    // /proc stat line, in clock ticks): cargo, every rustc and every build script.
    let script = "cargo build --release --offline 2>build.log; \
                  rc=$?; cat /proc/$$/stat; exit $rc";
    let started = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let wall_secs = started.elapsed().as_secs_f64();
    let log = std::fs::read_to_string(dir.join("build.log")).unwrap_or_default();
    if !out.status.success() {
        return Err(format!("the build failed:\n{log}"));
    }
    let stat = String::from_utf8_lossy(&out.stdout);
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    // cutime and cstime are fields 16 and 17 of the line, 14 and 15 after the name.
    let (Some(cutime), Some(cstime)) = (ticks(13), ticks(14)) else {
        return Err(format!("cannot read the CPU time from {stat:?}"));
    };
    let hz = clock_ticks_per_second();
    let crates = log
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    let binary_bytes = std::fs::metadata(dir.join("target/release").join(&name))
        .map(|m| m.len())
        .map_err(|e| format!("no binary: {e}"))?;
    eprintln!(
        "  {:.1} s CPU, {wall_secs:.1} s wall, {crates} crates",
        (cutime + cstime) / hz
    );
    Ok(Cost {
        cpu_secs: (cutime + cstime) / hz,
        wall_secs,
        crates,
        binary_bytes,
    })
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}
