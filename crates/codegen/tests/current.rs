//! The committed generated files are what the models generate: a hand edit, or a model
//! changed without running `cargo xtask codegen`, fails here naming the file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn generated_files_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let c = cloudops_codegen::check(&root).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        c.is_clean(),
        "run `cargo xtask codegen`: stale {:?}, missing {:?}, orphans {:?}",
        c.stale,
        c.missing,
        c.orphans
    );
    assert!(c.current > 0);
}

#[test]
fn a_hand_edit_is_named() {
    // A copy of the workspace's models and generated files with one generated file edited.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (files, _) = cloudops_codegen::generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let scratch = std::env::temp_dir().join(format!("cloudops-codegen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&root.join("models"), &scratch.join("models"));
    // The manifests whose operation features are generated.
    for f in files.iter().filter(|f| f.path.ends_with("Cargo.toml")) {
        std::fs::create_dir_all(scratch.join(&f.path).parent().unwrap()).unwrap();
        std::fs::copy(root.join(&f.path), scratch.join(&f.path)).unwrap();
    }
    cloudops_codegen::write(&scratch).unwrap_or_else(|e| panic!("{e}"));
    let edited = &files[0].path;
    let path = scratch.join(edited);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("// a hand edit\n");
    std::fs::write(&path, text).unwrap();
    let c = cloudops_codegen::check(&scratch).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.stale, vec![edited.clone()]);
    assert!(c.missing.is_empty() && c.orphans.is_empty());

    // A feature removed by hand from a manifest's generated block is named too.
    cloudops_codegen::write(&scratch).unwrap_or_else(|e| panic!("{e}"));
    let manifest = &files
        .iter()
        .find(|f| f.path.ends_with("Cargo.toml"))
        .expect("a manifest with operation features")
        .path;
    let text = std::fs::read_to_string(scratch.join(manifest)).unwrap();
    let line = text
        .lines()
        .skip_while(|l| !l.starts_with("# @generated"))
        .find(|l| !l.starts_with('#') && l.contains(" = [") && l.ends_with(']'))
        .expect("an operation feature")
        .to_string();
    std::fs::write(
        scratch.join(manifest),
        text.replace(&format!("{line}\n"), ""),
    )
    .unwrap();
    let c = cloudops_codegen::check(&scratch).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.stale, vec![manifest.clone()]);
    let _ = std::fs::remove_dir_all(&scratch);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
