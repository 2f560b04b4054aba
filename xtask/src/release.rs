//! Releasing crate by crate.
//!
//! - `cargo xtask semver`: `cargo-semver-checks` on every publishable crate against its
//!   baseline: the last release tag of that crate (`<crate>-v<version>`), or the previous
//!   commit until its first release. A breaking change without the version bump it needs
//!   fails, naming the item (CI runs it).
//! - `cargo xtask release plan`: per crate, the changes since its last release tag, the bump
//!   semver-checks requires, the crates that must be released with it (a breaking core forces
//!   every crate that re-exports it) and the publish order.
//! - `cargo xtask release prepare <crate> <version>`: bumps the crate's version (and the
//!   workspace's requirement on it), dates its CHANGELOG's `Unreleased` section, refreshes
//!   `Cargo.lock` and regenerates the snapshots, which carry the client's version string.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The publishable crates in publish order, with their directories under `crates/`.
pub const CRATES: &[(&str, &str)] = &[
    ("cloudops-core", "core"),
    ("cloudops-testkit", "testkit"),
    ("cloudops-tencentcloud-cynosdb", "tencentcloud-cynosdb"),
    ("cloudops-huaweicloud", "huaweicloud"),
    ("cloudops-ocp", "ocp"),
];

fn dir_of(krate: &str) -> Option<&'static str> {
    CRATES.iter().find(|(c, _)| *c == krate).map(|(_, d)| *d)
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `x`, `x.y` or `x.y.z` as numbers, the missing parts 0 (a `rust-version` may be `1.88`).
pub fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let mut parts = v.trim().split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch))
}

/// The crate's version, from its manifest.
pub fn current_version(root: &Path, krate: &str) -> Result<String, String> {
    let dir = dir_of(krate).ok_or_else(|| format!("{krate} is not a publishable crate"))?;
    let manifest = std::fs::read_to_string(root.join("crates").join(dir).join("Cargo.toml"))
        .map_err(|e| e.to_string())?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_string)
        .ok_or_else(|| format!("no version in {krate}'s manifest"))
}

/// The crate's newest release tag, `<crate>-v<version>`.
fn last_tag(root: &Path, krate: &str) -> Result<Option<String>, String> {
    let tags = git(root, &["tag", "--list", &format!("{krate}-v*")])?;
    let mut tags: Vec<(u64, u64, u64, String)> = tags
        .lines()
        .filter_map(|t| {
            let (a, b, c) = parse_version(t.strip_prefix(&format!("{krate}-v"))?)?;
            Some((a, b, c, t.to_string()))
        })
        .collect();
    tags.sort();
    Ok(tags.pop().map(|(.., t)| t))
}

/// What a semver check found.
struct Verdict {
    /// `None` when nothing that needs a bump changed.
    required: Option<&'static str>,
    /// Whether the current version already satisfies it.
    passed: bool,
    output: String,
}

/// Runs cargo-semver-checks on `krate` against `baseline` (a git revision).
fn semver_check(root: &Path, krate: &str, baseline: &str) -> Result<Verdict, String> {
    let out = Command::new("cargo")
        .args([
            "semver-checks",
            "check-release",
            "-p",
            krate,
            "--baseline-rev",
            baseline,
        ])
        .current_dir(root)
        .output()
        .map_err(|e| {
            format!("cannot run cargo semver-checks (cargo install cargo-semver-checks): {e}")
        })?;
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let required = if output.contains("requires new major version") {
        Some("major")
    } else if output.contains("requires new minor version") {
        Some("minor")
    } else {
        None
    };
    if !out.status.success() && required.is_none() {
        return Err(format!("cargo semver-checks failed for {krate}:\n{output}"));
    }
    Ok(Verdict {
        required,
        passed: out.status.success(),
        output,
    })
}

/// The baseline of `krate`: its last release tag, or the previous commit.
fn baseline(root: &Path, krate: &str) -> Result<(String, String), String> {
    match last_tag(root, krate)? {
        Some(tag) => Ok((tag.clone(), format!("release tag {tag}"))),
        None => {
            let previous = git(root, &["rev-parse", "--verify", "HEAD~1"])?;
            Ok((previous, "the previous commit (no release yet)".to_string()))
        }
    }
}

/// `cargo xtask semver`.
pub fn semver(root: &Path) -> ExitCode {
    let mut failed = false;
    for (krate, _) in CRATES {
        let (rev, what) = match baseline(root, krate) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("semver: {e}");
                return ExitCode::FAILURE;
            }
        };
        match semver_check(root, krate, &rev) {
            Ok(v) if v.passed => println!("semver: {krate} against {what}: ok"),
            Ok(v) => {
                failed = true;
                eprintln!(
                    "semver: {krate} against {what} needs a {} version bump:\n{}",
                    v.required.unwrap_or("new"),
                    v.output
                );
            }
            Err(e) => {
                eprintln!("semver: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    let result = match args.first().map(String::as_str) {
        Some("plan") => plan(root),
        Some("prepare") => match (args.get(1), args.get(2)) {
            (Some(krate), Some(version)) => prepare(root, krate, version),
            _ => Err("usage: cargo xtask release prepare <crate> <version>".to_string()),
        },
        _ => Err("usage: cargo xtask release plan | prepare <crate> <version>".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("release: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether a bump of `kind` from `version` breaks the API (before 1.0, a minor bump does).
fn breaking(kind: Option<&str>, version: &str) -> bool {
    matches!(
        (kind, parse_version(version)),
        (Some("major"), _) | (Some("minor"), Some((0, ..)))
    )
}

fn plan(root: &Path) -> Result<(), String> {
    let mut core_breaks = false;
    println!("Release plan (publish in this order):\n");
    for (i, (krate, dir)) in CRATES.iter().enumerate() {
        let version = current_version(root, krate)?;
        let tag = last_tag(root, krate)?;
        let range = tag.as_ref().map(|t| format!("{t}..HEAD"));
        let mut log_args = vec!["log", "--no-decorate", "--format=%h %<(86,trunc)%s"];
        if let Some(r) = &range {
            log_args.push(r);
        }
        let path = format!("crates/{dir}");
        log_args.extend(["--", &path]);
        let log = git(root, &log_args)?;
        let changes: Vec<&str> = log.lines().collect();
        println!("{}. {krate} {version}", i + 1);
        match &tag {
            Some(t) => println!("   last release: {t}; {} commits since", changes.len()),
            None => println!(
                "   never released: {} commits; publish {version} as the first release (no \
                 baseline for semver-checks yet)",
                changes.len()
            ),
        }
        for c in changes.iter().take(5) {
            println!("     {c}");
        }
        if changes.len() > 5 {
            println!("     ... and {} more", changes.len() - 5);
        }
        if let Some(t) = &tag {
            let v = semver_check(root, krate, t)?;
            let released = t.trim_start_matches(&format!("{krate}-v")).to_string();
            let kind = v.required.unwrap_or("patch");
            println!(
                "   semver-checks against {t}: a {kind} bump at least{}",
                if v.passed {
                    format!(" (the version {version} already satisfies it)")
                } else {
                    format!(" (the version {version} does not: raise it)")
                }
            );
            if *krate == "cloudops-core" && breaking(v.required, &released) {
                core_breaks = true;
            }
        }
        if i > 0 && core_breaks {
            println!(
                "   must be released with cloudops-core: it re-exports the core's types, so the \
                 core's breaking change breaks it too (a breaking bump here as well)"
            );
        }
        println!();
    }
    if !core_breaks {
        println!("No breaking change in cloudops-core since its last release: the other crates");
        println!("are released only for their own changes.");
    }
    Ok(())
}

/// Today's date, `YYYY-MM-DD`, in UTC.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    cloudops_core::time::UtcDateTime::from_unix(i64::try_from(secs).unwrap_or(0)).date_dashed()
}

fn prepare(root: &Path, krate: &str, version: &str) -> Result<(), String> {
    let dir = dir_of(krate).ok_or_else(|| format!("{krate} is not a publishable crate"))?;
    let old = current_version(root, krate)?;
    let (Some(new_v), Some(old_v)) = (parse_version(version), parse_version(&old)) else {
        return Err(format!("{version} is not a version x.y.z"));
    };
    if version.split('.').count() != 3 {
        return Err(format!("{version} is not a version x.y.z"));
    }
    if new_v <= old_v {
        return Err(format!("{version} is not newer than {krate}'s {old}"));
    }
    // The crate's manifest.
    let manifest_path = root.join("crates").join(dir).join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| e.to_string())?;
    let bumped = manifest.replacen(
        &format!("version = \"{old}\""),
        &format!("version = \"{version}\""),
        1,
    );
    std::fs::write(&manifest_path, bumped).map_err(|e| e.to_string())?;
    // The workspace's requirement on it, so its dependents build against the new version.
    let ws_path = root.join("Cargo.toml");
    let ws = std::fs::read_to_string(&ws_path).map_err(|e| e.to_string())?;
    let ws: String = ws
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{krate} = ")) {
                l.replace(
                    &format!("version = \"{old}\""),
                    &format!("version = \"{version}\""),
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(&ws_path, ws).map_err(|e| e.to_string())?;
    // The changelog: the Unreleased section becomes the release, and a new one opens.
    let changelog_path = root.join("crates").join(dir).join("CHANGELOG.md");
    let changelog = std::fs::read_to_string(&changelog_path).map_err(|e| e.to_string())?;
    if !changelog.contains("## [Unreleased]") {
        return Err(format!(
            "{} has no `## [Unreleased]` section",
            changelog_path.display()
        ));
    }
    let dated = changelog.replacen(
        "## [Unreleased]",
        &format!("## [Unreleased]\n\n## [{version}] - {}", today()),
        1,
    );
    std::fs::write(&changelog_path, dated).map_err(|e| e.to_string())?;
    // The lock file and everything generated that embeds a version.
    for args in [
        &["update", "--workspace", "--offline"][..],
        &["xtask", "fixtures"][..],
    ] {
        let status = Command::new("cargo")
            .args(args)
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("cargo {} failed", args.join(" ")));
        }
    }
    println!(
        "{krate} {old} -> {version}: manifest, workspace requirement, CHANGELOG ({}), Cargo.lock \
         and snapshots updated. Review, commit, then tag {krate}-v{version} when published.",
        today()
    );
    Ok(())
}
