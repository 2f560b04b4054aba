//! `cargo xtask msrv`: the declared `rust-version` is the one that holds. Every package in the
//! lock file that declares a `rust-version` must declare one no newer than the workspace's;
//! the packages that declare none are listed. Clippy's `incompatible_msrv` lint (on in the
//! clippy step) checks the workspace's own code against the same version.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::release::parse_version;

pub fn run(root: &Path) -> ExitCode {
    let manifest = match std::fs::read_to_string(root.join("Cargo.toml")) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot read Cargo.toml: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(ours) = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
    else {
        eprintln!("the workspace declares no rust-version");
        return ExitCode::FAILURE;
    };
    let Some(limit) = parse_version(ours) else {
        eprintln!("cannot read the workspace's rust-version {ours:?}");
        return ExitCode::FAILURE;
    };
    let out = match Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .current_dir(root)
        .output()
    {
        Ok(o) if o.status.success() => o.stdout,
        Ok(o) => {
            eprintln!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot run cargo metadata: {e}");
            return ExitCode::FAILURE;
        }
    };
    let metadata: serde_json::Value = match serde_json::from_slice(&out) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cargo metadata printed no JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let mut newer = Vec::new();
    let mut undeclared = Vec::new();
    let mut checked = 0;
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let id = package["id"].as_str().unwrap_or("");
        let name = package["name"].as_str().unwrap_or("?");
        let v = package["version"].as_str().unwrap_or("?");
        match package["rust_version"].as_str() {
            // Our own crates inherit the workspace's.
            _ if members.contains(&id) => {}
            Some(rv) => {
                checked += 1;
                if parse_version(rv).is_none_or(|rv| rv > limit) {
                    newer.push(format!("{name} {v} needs Rust {rv}"));
                }
            }
            None => undeclared.push(format!("{name} {v}")),
        }
    }
    undeclared.sort();
    undeclared.dedup();
    if !undeclared.is_empty() {
        println!(
            "{} packages declare no rust-version (not checked): {}",
            undeclared.len(),
            undeclared.join(", ")
        );
    }
    if newer.is_empty() {
        println!("msrv: {checked} packages declare a rust-version, none newer than {ours}");
        ExitCode::SUCCESS
    } else {
        for n in &newer {
            eprintln!("msrv: {n}, newer than the workspace's {ours}");
        }
        ExitCode::FAILURE
    }
}
