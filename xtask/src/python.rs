//! A Python virtual environment under `target/` with the vendors' official SDKs, for the
//! commands that let the vendors' own code judge the project: `vectors` and `wire`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The official packages, pinned so the expected values do not move by themselves.
pub const PACKAGES: &[&str] = &[
    "tencentcloud-sdk-python-common==3.1.195",
    "tencentcloud-sdk-python-cynosdb==3.1.195",
    "huaweicloudsdkcore==3.1.219",
    "huaweicloudsdkdbss==3.1.219",
    "huaweicloudsdkgaussdb==3.1.219",
    "huaweicloudsdkiam==3.1.219",
];

/// Runs `script` with `args` in the venv's Python; fails with a message when it cannot.
pub fn run_script(
    root: &Path,
    script: &str,
    args: &[std::ffi::OsString],
) -> std::process::ExitCode {
    use std::process::ExitCode;
    let python = match venv_python(root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot run the official SDKs: {e}");
            return ExitCode::FAILURE;
        }
    };
    match Command::new(python)
        .arg(root.join(script))
        .args(args)
        .status()
    {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cannot run {script}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The venv's Python, creating the venv and installing [`PACKAGES`] when it is missing or
/// out of date. `Err` says why it cannot be had (no `python3`, pip failed).
pub fn venv_python(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/official-sdks-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("cloudops-packages.txt");
    let wanted = PACKAGES.join("\n");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(python);
    }
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("python3 is not available: {e}"))?;
    if !status.success() {
        return Err(format!("python3 -m venv failed ({status})"));
    }
    eprintln!(
        "==> installing the vendors' official SDKs into {}",
        venv.display()
    );
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(PACKAGES)
        .status()
        .map_err(|e| format!("pip could not start: {e}"))?;
    if !status.success() {
        return Err(format!("pip install failed ({status})"));
    }
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(python)
}
