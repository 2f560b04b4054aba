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

/// A model with the keys a converted model and the OCP shapes use: an operation behind a
/// feature that pages, objects with a secret, a rest map and hand-written decoders.
const LISTING: &str = r#"{
  "format": 1,
  "generated": "by a test",
  "service": {
    "vendor": "tencentcloud", "name": "listing", "title": "Listing", "version": "2020-01-01",
    "protocol": "tc3-json", "endpoints": {}, "crate": "cloudops-listing",
    "directory": "crates/listing", "operations_module": "operation",
    "serialize_feature": "serialize"
  },
  "shapes": {
    "Account": { "kind": "object", "members": [
      { "name": "name", "wire": "Name", "type": "string", "required": true },
      { "name": "password", "wire": "Password", "type": "string", "required": true,
        "sensitive": true }
    ] },
    "Item": { "kind": "object", "rest": "extra", "members": [
      { "name": "id", "wire": "Id", "type": "int64", "encoding": "number_or_string" },
      { "name": "code", "wire": "Code", "type": "string", "optional": true,
        "deserialize_with": "crate::protocol::lenient" },
      { "name": "created", "wire": "Created", "type": "string", "format": "datetime",
        "optional": true, "deprecated": true }
    ] }
  },
  "operations": [
    {
      "name": "DescribeItems", "method": "describe_items", "summary": "describe items",
      "documentation": null, "http": { "method": "POST", "path": "/" },
      "idempotency": { "retry": true, "reason": "A read." },
      "feature": "describe-items",
      "paginate": { "offset": "offset", "items": "items", "total": "total_count" },
      "input": [
        { "name": "offset", "wire": "Offset", "type": "int64" },
        { "name": "limit", "wire": "Limit", "type": "int64" },
        { "name": "owner", "wire": "Owner", "type": "Account" }
      ],
      "output": [
        { "name": "items", "wire": "Items", "type": "list<Item>", "optional": true },
        { "name": "total_count", "wire": "TotalCount", "type": "int64" }
      ]
    }
  ]
}"#;

/// Every file generated from [`LISTING`], by path.
fn listing_files() -> std::collections::BTreeMap<String, String> {
    let root =
        std::env::temp_dir().join(format!("cloudops-codegen-listing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("models/tencentcloud")).unwrap();
    std::fs::create_dir_all(root.join("crates/listing")).unwrap();
    std::fs::write(root.join("models/tencentcloud/listing.json"), LISTING).unwrap();
    std::fs::write(
        root.join("crates/listing/Cargo.toml"),
        "[features]\n# @generated by `cargo xtask codegen`: the operations' features. Do not edit between these lines.\n# @generated end\n",
    )
    .unwrap();
    let (files, _) = cloudops_codegen::generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&root);
    files
        .into_iter()
        .map(|f| (f.path.to_string_lossy().replace('\\', "/"), f.text))
        .collect()
}

#[test]
fn converted_keys_reach_the_code() {
    let files = listing_files();
    let op = &files["crates/listing/src/operation/generated/describe_items.rs"];
    let types = &files["crates/listing/src/operation/generated/types.rs"];
    let registry = &files["crates/listing/src/operation/generated/mod.rs"];
    let manifest = &files["crates/listing/Cargo.toml"];

    // The operation is behind its feature, and so are the types only it uses.
    assert!(registry.contains("#[cfg(feature = \"describe-items\")]\npub mod describe_items;"));
    assert!(manifest.contains("all-operations = [\n    \"describe-items\",\n]"));
    assert!(manifest.contains("describe-items = []"));
    assert!(types.contains("#[cfg(feature = \"describe-items\")]"));

    // The listing pages, from the offset set, until the total.
    assert!(op.contains("impl cloudops_core::paginate::Paginated for DescribeItems"));
    assert!(op.contains("output.items.as_deref().unwrap_or_default()"));
    assert!(op.contains("u64::try_from(output.total_count).ok()"));
    assert!(op.contains("pub fn into_items(self)"));

    // An object with a secret prints it as stars; a received one keeps the rest and reads
    // with the decoders named, and serializes behind the feature.
    assert!(types.contains(".field(\"password\", &\"***\")"));
    assert!(
        !types.contains("#[derive(Debug, Clone, PartialEq, Eq, Serialize)]\npub struct Account")
    );
    assert!(
        types.contains(
            "#[serde(flatten)]\n    pub extra: serde_json::Map<String, serde_json::Value>,"
        )
    );
    assert!(types.contains("deserialize_with = \"cloudops_core::encoding::number_or_string\""));
    assert!(types.contains("deserialize_with = \"crate::protocol::lenient\""));
    assert!(types.contains("#[cfg_attr(feature = \"serialize\", derive(Serialize))]"));
    assert!(types.contains("holding a date and time (`YYYY-MM-DD hh:mm:ss`)"));
    assert!(
        types.contains("deprecated") && types.contains("by the vendor"),
        "{types}"
    );
}
