//! `cargo xtask build-cost [--rounds N] [NAME]..`: the cost of building a one-call program on
//! each vendor crate against its floor, the same call written by hand with the crates the
//! project uses for it (`xtask/build-cost/`).
//!
//! Each vendor's program is built as a user gets it, with the crate's default features, and
//! with its minimal features beside it; the Huawei program also with the defaults but no TLS,
//! against a floor whose reqwest has no TLS either. Both sides take their keys from the
//! environment (the project through its default credential chain). Each program is a project
//! of its own under `target/build-cost/`, with the workspace's `Cargo.lock` (so both sides
//! build the same versions) and its own target directory, removed before every build: every
//! build is cold. The builds of a round run in an order that alternates from round to round,
//! and the medians are printed, with the spread of the per-round CPU ratios: CPU time (user +
//! system of the whole build, every rustc and build script included), the crates compiled
//! and the size of the release binary. The default-features rows (and Huawei without TLS)
//! are held to the goals. Not part of CI: a round takes many minutes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// A program as one row measures it: its name, the source pair it builds, the project's
/// dependency line, the floor it is measured against and whether it is held to the goals.
struct Variant {
    name: &'static str,
    /// `xtask/build-cost/<program>-project.rs` and `<program>-floor.rs`.
    program: &'static str,
    project: &'static str,
    floor: Floor,
    /// What the row measures, for the table.
    what: &'static str,
    /// Held to the goals (the default features, and Huawei without TLS).
    judged: bool,
}

/// A floor: its directory name and its dependency lines.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Floor {
    name: &'static str,
    program: &'static str,
    deps: &'static str,
    tls: bool,
}

const TOKIO: &str =
    r#"tokio = { version = "1.47.0", default-features = false, features = ["rt", "macros"] }"#;
const FLOOR_COMMON: &str = r#"serde = { version = "1.0.219", features = ["derive"] }
serde_json = "1.0.140"
hmac = "0.13.0""#;
const REQWEST_TLS: &str =
    r#"reqwest = { version = "0.13.1", default-features = false, features = ["rustls"] }"#;
const REQWEST_NO_TLS: &str = r#"reqwest = { version = "0.13.1", default-features = false }"#;

const CYNOSDB_FLOOR: Floor = Floor {
    name: "cynosdb-floor",
    program: "cynosdb",
    deps: r#"sha2 = "0.11.1""#,
    tls: true,
};
const DBSS_FLOOR: Floor = Floor {
    name: "dbss-floor",
    program: "dbss",
    deps: r#"sha2 = "0.11.1""#,
    tls: true,
};
const DBSS_FLOOR_NO_TLS: Floor = Floor {
    name: "dbss-floor-no-tls",
    program: "dbss",
    deps: r#"sha2 = "0.11.1""#,
    tls: false,
};
const OCP_FLOOR: Floor = Floor {
    name: "ocp-floor",
    program: "ocp",
    deps: "sha1 = \"0.11.0\"\nbase64 = \"0.23.1\"",
    tls: true,
};

const VARIANTS: &[Variant] = &[
    Variant {
        name: "cynosdb",
        program: "cynosdb",
        project: r#"cloudops-tencentcloud-cynosdb = { path = "{root}/crates/tencentcloud-cynosdb" }"#,
        floor: CYNOSDB_FLOOR,
        what: "cloudops-tencentcloud-cynosdb, default features",
        judged: true,
    },
    Variant {
        name: "cynosdb-minimal",
        program: "cynosdb",
        project: r#"cloudops-tencentcloud-cynosdb = { path = "{root}/crates/tencentcloud-cynosdb", default-features = false, features = ["rustls"] }"#,
        floor: CYNOSDB_FLOOR,
        what: "cloudops-tencentcloud-cynosdb, rustls",
        judged: false,
    },
    Variant {
        name: "dbss",
        program: "dbss",
        project: r#"cloudops-huaweicloud = { path = "{root}/crates/huaweicloud", features = ["dbss"] }"#,
        floor: DBSS_FLOOR,
        what: "cloudops-huaweicloud, default features and dbss",
        judged: true,
    },
    Variant {
        name: "dbss-minimal",
        program: "dbss",
        project: r#"cloudops-huaweicloud = { path = "{root}/crates/huaweicloud", default-features = false, features = ["rustls", "dbss"] }"#,
        floor: DBSS_FLOOR,
        what: "cloudops-huaweicloud, rustls and dbss",
        judged: false,
    },
    Variant {
        name: "dbss-no-tls",
        program: "dbss",
        project: r#"cloudops-huaweicloud = { path = "{root}/crates/huaweicloud", default-features = false, features = ["dbss", "credential-sources", "project-discovery", "tracing"] }"#,
        floor: DBSS_FLOOR_NO_TLS,
        what: "cloudops-huaweicloud, default features but no TLS, and dbss",
        judged: true,
    },
    Variant {
        name: "ocp",
        program: "ocp",
        project: r#"cloudops-ocp = { path = "{root}/crates/ocp" }"#,
        floor: OCP_FLOOR,
        what: "cloudops-ocp, default features",
        judged: true,
    },
    Variant {
        name: "ocp-minimal",
        program: "ocp",
        project: r#"cloudops-ocp = { path = "{root}/crates/ocp", default-features = false, features = ["rustls"] }"#,
        floor: OCP_FLOOR,
        what: "cloudops-ocp, rustls",
        judged: false,
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
            name if VARIANTS.iter().any(|v| v.name == name) => wanted.push(name),
            other => {
                let names: Vec<&str> = VARIANTS.iter().map(|v| v.name).collect();
                eprintln!(
                    "unknown argument {other:?}: use --rounds N and any of {}",
                    names.join(", ")
                );
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
    let variants: Vec<&Variant> = VARIANTS
        .iter()
        .filter(|v| wanted.is_empty() || wanted.contains(&v.name))
        .collect();
    // Each floor is built once a round, for every row measured against it.
    let mut floors: Vec<Floor> = Vec::new();
    for v in &variants {
        if !floors.contains(&v.floor) {
            floors.push(v.floor);
        }
    }
    // Every build of a round, floors and programs interleaved; odd rounds run it backwards.
    let mut order: Vec<Build> = Vec::new();
    for f in &floors {
        order.push(Build::Floor(*f));
        for v in variants.iter().filter(|v| v.floor == *f) {
            order.push(Build::Project(v));
        }
    }
    let mut project_costs: Vec<Vec<Cost>> = vec![Vec::new(); variants.len()];
    let mut floor_costs: Vec<Vec<Cost>> = vec![Vec::new(); floors.len()];
    for round in 1..=rounds {
        let mut this_round = order.clone();
        if round % 2 == 0 {
            this_round.reverse();
        }
        for b in this_round {
            let (name, result) = match b {
                Build::Floor(f) => (f.name.to_string(), build_floor(root, &lock, &f)),
                Build::Project(v) => (format!("{}-project", v.name), build_project(root, &lock, v)),
            };
            eprintln!("{name}, round {round} of {rounds}");
            let cost = match result {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match b {
                Build::Floor(f) => {
                    if let Some(i) = floors.iter().position(|x| *x == f) {
                        floor_costs[i].push(cost);
                    }
                }
                Build::Project(v) => {
                    if let Some(i) = variants.iter().position(|x| x.name == v.name) {
                        project_costs[i].push(cost);
                    }
                }
            }
        }
    }
    println!(
        "\n{:<16} {:>8} {:>8} {:>6} {:<13} {:>7} {:>6} {:>8} {:>8}",
        "program", "cpu s", "floor", "ratio", "(spread)", "crates", "floor", "binary", "floor"
    );
    let mut all_within = true;
    for (i, v) in variants.iter().enumerate() {
        let Some(fi) = floors.iter().position(|x| *x == v.floor) else {
            continue;
        };
        let (p, f) = (&project_costs[i], &floor_costs[fi]);
        // Each round's ratio against the same round's floor.
        let mut ratios: Vec<f64> = p
            .iter()
            .zip(f.iter())
            .map(|(p, f)| p.cpu_secs / f.cpu_secs)
            .collect();
        ratios.sort_by(f64::total_cmp);
        let (pm, fm) = (median(p), median(f));
        let ratio = middle(&ratios);
        let more_crates = pm.crates as i64 - fm.crates as i64;
        let more_bytes = pm.binary_bytes as i64 - fm.binary_bytes as i64;
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
        let verdict = match (v.judged, over.is_empty()) {
            (false, _) => "for reference".to_string(),
            (true, true) => "within the goals".to_string(),
            (true, false) => {
                all_within = false;
                format!("over the goal: {}", over.join(", "))
            }
        };
        println!(
            "{:<16} {:>8.1} {:>8.1} {:>5.2}x ({:.2}-{:.2}) {:>7} {:>6} {:>6.2}MB {:>6.2}MB  +{more_crates} crates, {:+.1} kB; {verdict}",
            v.name,
            pm.cpu_secs,
            fm.cpu_secs,
            ratio,
            ratios[0],
            ratios[ratios.len() - 1],
            pm.crates,
            fm.crates,
            mb(pm.binary_bytes),
            mb(fm.binary_bytes),
            more_bytes as f64 / 1000.0,
        );
        println!("{:<16} ({})", "", v.what);
    }
    println!(
        "(goals for the default features, and Huawei's without TLS: CPU time at most {GOAL_CPU_RATIO}x the floor's, at most {GOAL_MORE_CRATES} more crates, a binary at most {} MB larger)",
        GOAL_MORE_BYTES as f64 / 1_000_000.0
    );
    println!("(medians of {rounds} cold release build(s) each; wall time is in the log above)");
    println!(
        "verdict: {}",
        if all_within {
            "every program held to the goals is within them"
        } else {
            "a program is over a goal"
        }
    );
    ExitCode::SUCCESS
}

/// One build of a round.
#[derive(Clone, Copy)]
enum Build<'v> {
    Floor(Floor),
    Project(&'v Variant),
}

/// The build-cost goals: CPU time as a ratio of the floor's, crates compiled and binary bytes
/// beyond the floor's.
const GOAL_CPU_RATIO: f64 = 1.15;
const GOAL_MORE_CRATES: i64 = 10;
const GOAL_MORE_BYTES: i64 = 300_000;

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// The median of sorted values: the middle one, or the mean of the middle two.
/// The median of values in order.
pub(crate) fn middle(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn median(costs: &[Cost]) -> Cost {
    let pick = |f: fn(&Cost) -> f64| {
        let mut v: Vec<f64> = costs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        middle(&v)
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

/// Builds `variant`'s program from cold.
fn build_project(root: &Path, lock: &str, variant: &Variant) -> Result<Cost, String> {
    let deps = format!(
        "{}\n{TOKIO}",
        variant
            .project
            .replace("{root}", &root.display().to_string())
    );
    let name = format!("{}-project", variant.name);
    let source = root.join(format!("xtask/build-cost/{}-project.rs", variant.program));
    build(root, lock, &name, &deps, &source, None)
}

/// Builds `floor` from cold.
fn build_floor(root: &Path, lock: &str, floor: &Floor) -> Result<Cost, String> {
    let reqwest = if floor.tls {
        REQWEST_TLS
    } else {
        REQWEST_NO_TLS
    };
    let deps = format!("{reqwest}\n{FLOOR_COMMON}\n{}\n{TOKIO}", floor.deps);
    let source = root.join(format!("xtask/build-cost/{}-floor.rs", floor.program));
    // The floors' one shared piece, their date routine.
    let civil = root.join("xtask/build-cost/civil.rs");
    build(root, lock, floor.name, &deps, &source, Some(&civil))
}

/// Writes the project `name` (dependency lines `deps`, `source` as its `main.rs`, `civil` as
/// `civil.rs`) under `target/build-cost/` and builds it from cold.
fn build(
    root: &Path,
    lock: &str,
    name: &str,
    deps: &str,
    source: &Path,
    civil: Option<&Path>,
) -> Result<Cost, String> {
    let dir: PathBuf = root.join("target/build-cost").join(name);
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{deps}\n\n[workspace]\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    std::fs::copy(source, dir.join("src/main.rs"))
        .map_err(|e| format!("{}: {e}", source.display()))?;
    if let Some(civil) = civil {
        std::fs::copy(civil, dir.join("src/civil.rs"))
            .map_err(|e| format!("{}: {e}", civil.display()))?;
    }
    let started = Instant::now();
    let result = timed_shell(
        &dir,
        "cargo build --release --offline 2>build.log",
        &dir.join("target"),
    );
    let wall_secs = started.elapsed().as_secs_f64();
    let log = std::fs::read_to_string(dir.join("build.log")).unwrap_or_default();
    let cpu = result.map_err(|e| format!("{e}:\n{log}"))?;
    let crates = log
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    let binary_bytes = std::fs::metadata(dir.join("target/release").join(name))
        .map(|m| m.len())
        .map_err(|e| format!("no binary: {e}"))?;
    eprintln!("  {cpu:.1} s CPU, {wall_secs:.1} s wall, {crates} crates");
    Ok(Cost {
        cpu_secs: cpu,
        wall_secs,
        crates,
        binary_bytes,
    })
}

/// Runs `script` with `sh` in `dir` (target directory `target`) and returns the CPU time of
/// everything it waited for (cargo, every rustc, every build script), from the shell's own
/// `/proc` stat line: fields 16 and 17, in clock ticks. `Err` when the script fails.
pub(crate) fn timed_shell(dir: &Path, script: &str, target: &Path) -> Result<f64, String> {
    let script = format!("{script}; rc=$?; cat /proc/$$/stat; exit $rc");
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    if !out.status.success() {
        return Err("the build failed".to_string());
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
    Ok((cutime + cstime) / clock_ticks_per_second())
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
