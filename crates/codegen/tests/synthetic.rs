//! What the generator writes for the model keys the crates' own models do not use yet: a
//! sensitive member, optional members with constraints, allowed values, a map, a list with
//! item rules. Each is checked in the generated text, from a model written for the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

const MODEL: &str = r#"{
  "format": 1,
  "service": {
    "vendor": "tencentcloud", "name": "example", "title": "Example", "version": "2020-01-01",
    "protocol": "tc3-json", "endpoints": {}, "crate": "cloudops-example",
    "directory": "crates/example", "operations_module": "operation"
  },
  "operations": [
    {
      "name": "CreateThing", "method": "create_thing", "summary": "create a thing",
      "documentation": null, "http": { "method": "POST", "path": "/" },
      "idempotency": { "retry": false, "reason": "Creates a thing each time." },
      "input": [
        { "name": "password", "wire": "Password", "type": "string", "required": true,
          "sensitive": true, "length": [8, 32], "doc": "The thing's password." },
        { "name": "mode", "wire": "Mode", "type": "string", "one_of": ["fast", "safe"],
          "doc": "How it is made." },
        { "name": "size", "wire": "Size", "type": "int32", "range": [1, 100],
          "doc": "How big." },
        { "name": "labels", "wire": "Labels", "type": "map<string>", "doc": "Labels." },
        { "name": "zones", "wire": "Zones", "type": "list<string>", "items": [1, 3],
          "item_length": [1, 20], "unique": true, "doc": "Where." }
      ],
      "output": [
        { "name": "thing_id", "wire": "ThingId", "type": "string", "doc": "The thing." },
        { "name": "ratio", "wire": "Ratio", "type": "float64", "optional": true,
          "doc": "A ratio." }
      ]
    }
  ]
}"#;

/// The operation's module generated from [`MODEL`], in a scratch root of its own per test
/// (`test` names it: the tests run at once).
fn generated(test: &str) -> String {
    let root = std::env::temp_dir().join(format!(
        "cloudops-codegen-synth-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("models/tencentcloud")).unwrap();
    std::fs::write(root.join("models/tencentcloud/example.json"), MODEL).unwrap();
    let (files, _) = cloudops_codegen::generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&root);
    files
        .into_iter()
        .find(|f| f.path == Path::new("crates/example/src/operation/generated/create_thing.rs"))
        .map(|f| f.text)
        .expect("the operation's module")
}

#[test]
fn a_sensitive_member_never_shows_in_debug() {
    let text = generated("sensitive");
    assert!(
        !text.contains("#[derive(Debug, Clone)]\n#[must_use"),
        "{text}"
    );
    assert!(text.contains(".field(\"password\", &\"***\")"), "{text}");
}

#[test]
fn every_constraint_is_checked_before_sending() {
    let text = generated("constraints");
    for check in [
        "validate::length(\"password\", &self.password, 8, 32)?;",
        "if let Some(v) = &self.mode {",
        "validate::one_of(\"mode\", v, &[\"fast\", \"safe\"])?;",
        "validate::range(\"size\", *v, 1, 100)?;",
        "validate::count(\"zones\", v.len(), 1, 3)?;",
        "validate::length(&format!(\"zones[{i}]\"), item, 1, 20)?;",
        "validate::unique(\"zones\", v)?;",
    ] {
        assert!(text.contains(check), "missing {check}:\n{text}");
    }
    let send = text.find("pub async fn send").unwrap();
    let invoke = text.find(".invoke(").unwrap();
    let last_check = text.rfind("validate::").unwrap();
    assert!(send < last_check && last_check < invoke, "{text}");
}

#[test]
fn types_and_retry_safety_follow_the_model() {
    let text = generated("types");
    assert!(text.contains("Idempotency::NonIdempotent"), "{text}");
    assert!(
        text.contains("labels: Option<std::collections::BTreeMap<String, String>>"),
        "{text}"
    );
    // A float in the output: no `Eq`.
    assert!(
        text.contains("#[derive(Debug, Clone, PartialEq, Deserialize)]"),
        "{text}"
    );
    assert!(text.contains("pub ratio: Option<f64>"), "{text}");
    assert!(text.contains("No documentation page is linked"), "{text}");
}

#[test]
fn a_misspelt_key_is_refused() {
    let root = std::env::temp_dir().join(format!("cloudops-codegen-typo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("models/tencentcloud")).unwrap();
    let typo = MODEL.replace("\"item_length\"", "\"item_lenght\"");
    std::fs::write(root.join("models/tencentcloud/example.json"), typo).unwrap();
    let err = cloudops_codegen::generate(&root).unwrap_err();
    let _ = std::fs::remove_dir_all(&root);
    assert!(err.contains("item_lenght"), "{err}");
}
