//! `cargo xtask packages`: the crates as crates.io users get them.
//!
//! 1. `cargo package` for every publishable crate, then each `.crate` is unpacked under
//!    `target/package-check/`, and `cargo test` runs inside each one, the internal
//!    dependencies resolved to the other unpacked packages (`[patch.crates-io]`).
//! 2. For each vendor crate, a new project that depends on that crate alone (resolved from the
//!    unpacked packages) runs the crate's own `*_one_crate` example against the emulator, the
//!    `cloudops-emulator` binary built from the unpacked `cloudops-testkit`, and
//!    `cargo tree` shows that no other vendor crate is compiled.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use crate::release::{CRATES, current_version};

/// A vendor crate's consumer: the crate, its dependency line, its example, and the emulator
/// URL variable the example is pointed at.
struct Consumer {
    krate: &'static str,
    dependency: &'static str,
    example: &'static str,
    url_variable: &'static str,
}

const CONSUMERS: &[Consumer] = &[
    Consumer {
        krate: "cloudops-tencentcloud-cynosdb",
        dependency: r#"cloudops-tencentcloud-cynosdb = "VERSION""#,
        example: "cynosdb_one_crate",
        url_variable: "CLOUDOPS_CYNOSDB_URL",
    },
    Consumer {
        krate: "cloudops-huaweicloud",
        dependency: r#"cloudops-huaweicloud = { version = "VERSION", default-features = false, features = ["rustls", "dbss"] }"#,
        example: "huawei_one_crate",
        url_variable: "CLOUDOPS_HUAWEI_URL",
    },
    Consumer {
        krate: "cloudops-ocp",
        dependency: r#"cloudops-ocp = "VERSION""#,
        example: "ocp_one_crate",
        url_variable: "CLOUDOPS_OCP_URL",
    },
];

const TOKIO: &str =
    r#"tokio = { version = "1.47.0", default-features = false, features = ["rt", "macros"] }"#;

fn run_in(dir: &Path, program: &str, args: &[&str], target: &Path) -> Result<(), String> {
    eprintln!("$ (cd {}) {program} {}", dir.display(), args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {} failed in {}",
            args.join(" "),
            dir.display()
        ))
    }
}

/// `[patch.crates-io]` lines pointing every publishable crate at its unpacked package.
fn patches(unpacked: &[(String, PathBuf)]) -> String {
    let mut out = String::from("\n[patch.crates-io]\n");
    for (name, dir) in unpacked {
        out.push_str(&format!("{name} = {{ path = \"{}\" }}\n", dir.display()));
    }
    out
}

pub fn run(root: &Path) -> ExitCode {
    match check(root) {
        Ok(()) => {
            eprintln!("packages: every package tests clean and every consumer ran");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("packages: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(root: &Path) -> Result<(), String> {
    let target = root.join("target");
    let work = target.join("package-check");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut package = vec!["package", "--allow-dirty", "--no-verify"];
    for (c, _) in CRATES {
        package.extend(["-p", c]);
    }
    run_in(root, "cargo", &package, &target)?;

    // Unpack, make each package a workspace of its own with the others patched in.
    let mut unpacked = Vec::new();
    for (c, _) in CRATES {
        let version = current_version(root, c)?;
        let file = target.join("package").join(format!("{c}-{version}.crate"));
        run_in(&work, "tar", &["xzf", &file.display().to_string()], &target)?;
        unpacked.push((c.to_string(), work.join(format!("{c}-{version}"))));
    }
    for (name, dir) in &unpacked {
        let manifest = dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        // Every published crate depends on the core alone among ours (the path-only
        // dev-dependencies on the test kit are not in packages).
        let core: Vec<(String, PathBuf)> = unpacked
            .iter()
            .filter(|(n, _)| n != name && n == "cloudops-core")
            .cloned()
            .collect();
        text.push_str("\n[workspace]\n");
        if !core.is_empty() {
            text.push_str(&patches(&core));
        }
        std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
        if dir.join("tests").exists() || dir.join("benches").exists() {
            return Err(format!("{name}'s package carries tests or benches"));
        }
        run_in(dir, "cargo", &["test", "--offline"], &target)?;
    }

    // The emulator, from the unpacked test kit.
    let testkit = unpacked
        .iter()
        .find(|(n, _)| n == "cloudops-testkit")
        .map(|(_, dir)| dir)
        .ok_or("no cloudops-testkit package")?;
    run_in(
        testkit,
        "cargo",
        &["build", "--offline", "--bin", "cloudops-emulator"],
        &target,
    )?;
    let mut emulator = Command::new(target.join("debug/cloudops-emulator"))
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    let urls = read_urls(&mut emulator);
    let result = urls.and_then(|urls| consumers(root, &work, &target, &unpacked, &urls));
    let _ = emulator.kill();
    let _ = emulator.wait();
    result
}

/// The emulator's first three lines: `NAME=url`.
fn read_urls(emulator: &mut std::process::Child) -> Result<Vec<(String, String)>, String> {
    let stdout = emulator
        .stdout
        .take()
        .ok_or("the emulator has no standard output")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut urls = Vec::new();
    for _ in 0..3 {
        let line = lines
            .next()
            .and_then(Result::ok)
            .ok_or("the emulator ended before printing its URLs")?;
        let (name, url) = line
            .split_once('=')
            .ok_or_else(|| format!("not a NAME=url line: {line}"))?;
        urls.push((name.to_string(), url.to_string()));
    }
    // Keep reading (and dropping) the rest, so the emulator never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(urls)
}

fn consumers(
    root: &Path,
    work: &Path,
    target: &Path,
    unpacked: &[(String, PathBuf)],
    urls: &[(String, String)],
) -> Result<(), String> {
    for consumer in CONSUMERS {
        let used: Vec<(String, PathBuf)> = unpacked
            .iter()
            .filter(|(n, _)| n == "cloudops-core" || n == consumer.krate)
            .cloned()
            .collect();
        let patch = patches(&used);
        let version = current_version(root, consumer.krate)?;
        let dir = work.join(format!("consumer-{}", consumer.krate));
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        let manifest = format!(
            "[package]\nname = \"consumer-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{}\n{TOKIO}\n\n[workspace]\n{patch}",
            consumer.krate,
            consumer.dependency.replace("VERSION", &version),
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        let example = work
            .join(format!("{}-{version}", consumer.krate))
            .join("examples")
            .join(format!("{}.rs", consumer.example));
        std::fs::copy(&example, dir.join("src/main.rs"))
            .map_err(|e| format!("{}: {e}", example.display()))?;

        // No other vendor crate in the build.
        let tree = Command::new("cargo")
            .args([
                "tree",
                "--offline",
                "--prefix",
                "none",
                "-e",
                "normal,build",
            ])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", target)
            .output()
            .map_err(|e| format!("cannot run cargo tree: {e}"))?;
        if !tree.status.success() {
            return Err(format!(
                "cargo tree failed for {}: {}",
                consumer.krate,
                String::from_utf8_lossy(&tree.stderr)
            ));
        }
        let mut ours: Vec<String> = String::from_utf8_lossy(&tree.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|n| n.starts_with("cloudops-"))
            .map(str::to_string)
            .collect();
        ours.sort();
        ours.dedup();
        let expected = {
            let mut e = vec!["cloudops-core".to_string(), consumer.krate.to_string()];
            e.sort();
            e
        };
        if ours != expected {
            return Err(format!(
                "a project depending on {} alone builds {ours:?}",
                consumer.krate
            ));
        }
        let url = urls
            .iter()
            .find(|(n, _)| n == consumer.url_variable)
            .map(|(_, u)| u.as_str())
            .ok_or_else(|| format!("the emulator printed no {}", consumer.url_variable))?;
        run_in(&dir, "cargo", &["run", "--offline", "--", url], target)?;
        eprintln!(
            "{}: a project with it alone ran its {} example against the emulator, building {}",
            consumer.krate,
            consumer.example,
            ours.join(" and ")
        );
    }
    Ok(())
}
