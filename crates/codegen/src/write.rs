//! Formatting, writing and checking the generated files.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{File, MARKER, generate};

/// What `--check` found.
#[derive(Debug, Default)]
pub struct Check {
    /// Files whose text differs from what the models generate.
    pub stale: Vec<PathBuf>,
    /// Files the models generate that are not on disk.
    pub missing: Vec<PathBuf>,
    /// Files in a `generated` directory the models no longer generate.
    pub orphans: Vec<PathBuf>,
    /// How many files are current.
    pub current: usize,
}

impl Check {
    /// Whether every generated file is current.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.orphans.is_empty()
    }
}

/// Formats Rust source with `rustfmt` (edition 2024), as `cargo fmt` would.
fn rustfmt(file: &File) -> Result<String, String> {
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(rustfmt)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(file.text.as_bytes())
            .map_err(|e| format!("rustfmt: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt refused the text generated for {}:\n{}",
            file.path.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// Every generated file, formatted, and the directories they own.
fn formatted(root: &Path) -> Result<(Vec<File>, BTreeSet<PathBuf>), String> {
    let (files, dirs) = generate(root)?;
    let files = files
        .into_iter()
        .map(|f| {
            if f.path.extension().is_some_and(|e| e != "rs") {
                return Ok(f);
            }
            let text = rustfmt(&f)?;
            Ok(File { path: f.path, text })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((files, dirs))
}

/// The files now in the generated directories.
fn on_disk(root: &Path, dirs: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                if e.path().is_file() {
                    found.push(dir.join(e.file_name()));
                }
            }
        }
    }
    found.sort();
    found
}

/// Whether the file at `path` (from `root`) holds `text` already.
pub(crate) fn is_current(root: &Path, path: &Path, text: &str) -> bool {
    std::fs::read_to_string(root.join(path)).ok().as_deref() == Some(text)
}

/// Writes `text` to `path` (from `root`), creating its directory, unless it holds it
/// already; returns whether it wrote.
pub(crate) fn put(root: &Path, path: &Path, text: &str) -> Result<bool, String> {
    if is_current(root, path, text) {
        return Ok(false);
    }
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&full, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(true)
}

/// Compares the generated files with what is on disk.
pub fn check(root: &Path) -> Result<Check, String> {
    let (files, dirs) = formatted(root)?;
    let mut c = Check::default();
    for f in &files {
        match std::fs::read_to_string(root.join(&f.path)) {
            Ok(text) if text == f.text => c.current += 1,
            Ok(_) => c.stale.push(f.path.clone()),
            Err(_) => c.missing.push(f.path.clone()),
        }
    }
    let expected: BTreeSet<&PathBuf> = files.iter().map(|f| &f.path).collect();
    c.orphans = on_disk(root, &dirs)
        .into_iter()
        .filter(|p| !expected.contains(p))
        .collect();
    Ok(c)
}

/// Writes every generated file and removes the orphans; returns how many files changed.
pub fn write(root: &Path) -> Result<usize, String> {
    let (files, dirs) = formatted(root)?;
    let mut changed = 0;
    for f in &files {
        changed += usize::from(put(root, &f.path, &f.text)?);
    }
    let expected: BTreeSet<&PathBuf> = files.iter().map(|f| &f.path).collect();
    for orphan in on_disk(root, &dirs) {
        if expected.contains(&orphan) {
            continue;
        }
        let path = root.join(&orphan);
        // Only what the generator wrote is removed.
        let ours = std::fs::read_to_string(&path).is_ok_and(|t| t.starts_with(MARKER));
        if ours {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
}
