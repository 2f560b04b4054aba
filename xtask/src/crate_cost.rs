//! `cargo xtask crate-cost [--rounds N]`: what one operation costs to build, the crate alone,
//! side by side with the AWS SDK for Rust's RDS crate built the same way.
//!
//! One scratch project under `target/crate-cost/` depends on `cloudops-tencentcloud-cynosdb`
//! with `all-operations`, on `cloudops-huaweicloud` with `dbss-all` and `taurusdb-all`, and on
//! `aws-sdk-rds` (pinned at [`AWS_RDS`], from crates.io), and builds everything once in
//! release. Then each round removes one crate's compiled artifacts (`cargo clean --release
//! -p`) and rebuilds it, then the next, in an order that rotates from round to round: every
//! rebuild compiles that crate alone, its dependencies already built. The CPU time (user +
//! system of every process) of each rebuild is divided by the crate's operations: the models'
//! operations (CynosDB's; DBSS's and TaurusDB's), and the operation modules of `aws-sdk-rds`.
//! Not part of CI: a round takes minutes.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::build_cost::{middle, timed_shell};

/// The `aws-sdk-rds` release measured against.
pub const AWS_RDS: &str = "1.159.0";

/// `cargo xtask crate-cost [--rounds N]`.
pub fn run(args: &[String], root: &Path) -> ExitCode {
    let rounds = match args {
        [] => 3,
        [flag, n] if flag == "--rounds" => match n.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("--rounds takes a positive number");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: cargo xtask crate-cost [--rounds N]");
            return ExitCode::FAILURE;
        }
    };
    match measure(root, rounds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crate-cost: {e}");
            ExitCode::FAILURE
        }
    }
}

fn measure(root: &Path, rounds: usize) -> Result<(), String> {
    let dir = root.join("target/crate-cost");
    let target = dir.join("target");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"crate-cost\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ncloudops-tencentcloud-cynosdb = {{ path = {:?}, default-features = false, features = [\"all-operations\"] }}\n\
         cloudops-huaweicloud = {{ path = {:?}, default-features = false, features = [\"dbss-all\", \"taurusdb-all\"] }}\n\
         aws-sdk-rds = {{ version = \"={AWS_RDS}\", default-features = false }}\n\n[workspace]\n",
        root.join("crates/tencentcloud-cynosdb")
            .display()
            .to_string(),
        root.join("crates/huaweicloud").display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").map_err(|e| e.to_string())?;
    eprintln!("==> building the crates and their dependencies once");
    timed_shell(&dir, "cargo build --release --quiet", &target)?;
    let crates = [
        (
            "cloudops-tencentcloud-cynosdb",
            "`cloudops-tencentcloud-cynosdb`, `all-operations`".to_string(),
            model_operations(root, &["tencentcloud/cynosdb.json"])?,
        ),
        (
            "cloudops-huaweicloud",
            "`cloudops-huaweicloud`, `dbss-all` and `taurusdb-all`".to_string(),
            model_operations(
                root,
                &["huaweicloud/dbss.json", "huaweicloud/taurusdb.json"],
            )?,
        ),
        (
            "aws-sdk-rds",
            format!("`aws-sdk-rds` {AWS_RDS}"),
            aws_operations(&dir)?,
        ),
    ];
    let mut per_op: Vec<Vec<f64>> = vec![Vec::new(); crates.len()];
    for round in 0..rounds {
        for k in 0..crates.len() {
            let i = (round + k) % crates.len();
            let (name, _, ops) = &crates[i];
            timed_shell(
                &dir,
                &format!("cargo clean --release --quiet -p {name}"),
                &target,
            )?;
            let cpu = timed_shell(
                &dir,
                &format!("cargo build --release --quiet -p {name}"),
                &target,
            )?;
            eprintln!(
                "round {}: {name}: {cpu:.1} s CPU, {:.3} s per operation",
                round + 1,
                cpu / *ops as f64
            );
            per_op[i].push(cpu / *ops as f64);
        }
    }
    for v in &mut per_op {
        v.sort_by(f64::total_cmp);
    }
    println!("| crate | operations | CPU s per operation (median of {rounds}) |");
    println!("|---|---|---|");
    for ((_, label, ops), v) in crates.iter().zip(&per_op) {
        println!(
            "| {label} | {ops} | {:.3} ({:.3}-{:.3}) |",
            middle(v),
            v[0],
            v[v.len() - 1]
        );
    }
    let aws = middle(&per_op[2]);
    let mut over = false;
    for ((_, label, _), v) in crates.iter().zip(&per_op).take(2) {
        let ratio = middle(v) / aws;
        println!("{label}: cost per operation {ratio:.2}x AWS's (goal: at most 0.5x)");
        over |= ratio > 0.5;
    }
    if over {
        return Err("over the goal".into());
    }
    Ok(())
}

/// The operations the models under `models/` declare (every one is built with the features
/// the scratch project turns on).
fn model_operations(root: &Path, models: &[&str]) -> Result<usize, String> {
    let mut n = 0;
    for m in models {
        let text = std::fs::read_to_string(root.join("models").join(m))
            .map_err(|e| format!("{m}: {e}"))?;
        let model: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{m}: {e}"))?;
        n += model["operations"]
            .as_array()
            .map(Vec::len)
            .ok_or_else(|| format!("{m} has no operations"))?;
    }
    Ok(n)
}

/// The operation modules of `aws-sdk-rds` (`src/operation/<name>/`).
fn aws_operations(dir: &Path) -> Result<usize, String> {
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let manifest = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "aws-sdk-rds")
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("aws-sdk-rds is not in the scratch project")?;
    let ops = Path::new(manifest)
        .parent()
        .map(|d| d.join("src/operation"))
        .ok_or("no source directory")?;
    let n = std::fs::read_dir(&ops)
        .map_err(|e| format!("{}: {e}", ops.display()))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .count();
    Ok(n)
}
