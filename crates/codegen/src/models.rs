//! `cargo xtask models [--check]`: converts the vendors' published API models into this
//! project's model format (`models/README.md`). DBSS and TaurusDB come from Huawei's official
//! SDKs (`models_huawei.rs`); the rest of this module is CynosDB's conversion, and the loop
//! that writes (or checks) every converted file and removes the fixture folders it no longer
//! writes.
//!
//! CynosDB: `tccli`'s `api.json` (every action, object and member with its type, flags and an
//! example value), pinned at [`TCCLI`] and fetched from PyPI into `target/vendor-models/`.
//! The conversion keeps facts only (names, wire names, types, integer widths, required and
//! nullable flags, examples, the link to each action's page), never the vendor's prose, and
//! lays the hand-written part of the model over them: `models/tencentcloud/cynosdb.overrides.json`
//! holds the service block, the operations whose docs, checks and idempotency are argued by
//! hand, the reviewed table of writes that are safe to retry, and named enums. An override is
//! checked against the published model, so a member it names must exist with the same
//! required flag. `examples.json` gives each converted action its fixture folder
//! (`models_fixtures.rs`) and shows where answers differ from the model (members left
//! out, numbers written as strings), which the model then reads leniently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::{Map, Value, json};

/// The pinned `tccli` release whose CynosDB model is converted.
pub const TCCLI: &str = "3.1.189.1";

/// The CynosDB model's path in the wheel.
pub(crate) const CYNOSDB_DIR: &str = "tccli/services/cynosdb/v20190107";

/// The converted model.
const OUTPUT: &str = "models/tencentcloud/cynosdb.json";
/// The hand-written part laid over the published facts.
pub(crate) const OVERRIDES: &str = "models/tencentcloud/cynosdb.overrides.json";

/// Action name prefixes that only read: retried after a failure that may have reached the
/// server.
const READS: &[&str] = &[
    "Describe", "Inquire", "Search", "Check", "Get", "Query", "List",
];

/// `cargo xtask models [--check]`.
pub fn run(args: &[String], root: &Path) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask models [--check]");
            return ExitCode::FAILURE;
        }
    };
    let files = match fetch(root).and_then(|dir| files(root, &dir)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("models: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (path, text) in &files {
        if check {
            if !crate::write::is_current(root, path, text) {
                stale.push(path.clone());
            }
            continue;
        }
        match crate::write::put(root, path, text) {
            Ok(true) => stale.push(path.clone()),
            Ok(false) => {}
            Err(e) => {
                eprintln!("models: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    // A fixture folder the conversion wrote before but no longer writes (an operation the
    // vendor removed, or one now left out): removed, or named by `--check`.
    for dir in orphans(root, &files) {
        if check {
            stale.push(dir);
        } else if let Err(e) = std::fs::remove_dir_all(root.join(&dir)) {
            eprintln!("models: cannot remove {}: {e}", dir.display());
            return ExitCode::FAILURE;
        } else {
            eprintln!("models: removed {}", dir.display());
        }
    }
    if check {
        if stale.is_empty() {
            eprintln!(
                "models: {} files are what tccli {TCCLI}, the Huawei SDKs {} and the overrides give",
                files.len(),
                crate::models_huawei::SDK_VERSION
            );
            return ExitCode::SUCCESS;
        }
        for p in &stale {
            eprintln!(
                "models: stale, edited by hand or no longer converted: {}",
                p.display()
            );
        }
        eprintln!("models: run `cargo xtask models` and review the diff");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "models: {} of {} files written; now run `cargo xtask codegen` and `cargo xtask fixtures`",
        stale.len(),
        files.len()
    );
    ExitCode::SUCCESS
}

/// The fixture folders whose `meta.json` says `cargo xtask models` wrote it, that `files`
/// no longer holds.
fn orphans(root: &Path, files: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let written: BTreeSet<&Path> = files.iter().filter_map(|(p, _)| p.parent()).collect();
    let mut out = Vec::new();
    for vendor in ["tencentcloud", "huaweicloud"] {
        let base = PathBuf::from("fixtures").join(vendor);
        let Ok(entries) = std::fs::read_dir(root.join(&base)) else {
            continue;
        };
        for entry in entries.flatten() {
            let dir = base.join(entry.file_name());
            let generated = std::fs::read_to_string(root.join(&dir).join("meta.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .and_then(|m| m["generated"].as_str().map(str::to_string))
                .is_some_and(|g| g.starts_with("by `cargo xtask models`"));
            if generated && !written.contains(dir.as_path()) {
                out.push(dir);
            }
        }
    }
    out.sort();
    out
}

/// The directory holding the pinned `api.json` and `examples.json`, downloading and
/// unpacking the wheel the first time.
pub fn fetch(root: &Path) -> Result<PathBuf, String> {
    let base = root.join("target/vendor-models");
    let dir = base.join(format!("tccli-{TCCLI}"));
    if dir.join("api.json").is_file() && dir.join("examples.json").is_file() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    eprintln!("==> fetching tccli {TCCLI} from PyPI");
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--dest",
        ])
        .arg(&base)
        .arg(format!("tccli=={TCCLI}"))
        .status()
        .map_err(|e| format!("python3 is not available: {e}"))?;
    if !status.success() {
        return Err(format!("pip download tccli=={TCCLI} failed ({status})"));
    }
    let wheel = base.join(format!("tccli-{TCCLI}-py2.py3-none-any.whl"));
    let script = "import sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  for name in ('api.json', 'examples.json'):\n\
                  \x20   data = z.read(sys.argv[2] + '/' + name)\n\
                  \x20   open(sys.argv[3] + '/' + name, 'wb').write(data)\n";
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(&wheel)
        .arg(CYNOSDB_DIR)
        .arg(&dir)
        .status()
        .map_err(|e| format!("python3 is not available: {e}"))?;
    if !status.success() {
        return Err(format!("cannot unpack {}", wheel.display()));
    }
    Ok(dir)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every file the conversion writes: the model, and a fixture folder for every action whose
/// entry is converted (the hand-written ones keep their own).
fn files(root: &Path, dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let api = read_json(&dir.join("api.json"))?;
    let examples = read_json(&dir.join("examples.json"))?;
    let overrides = read_json(&root.join(OVERRIDES))?;
    let quirks = Quirks::of(&api, &examples)?;
    let model = convert(&api, &overrides, &quirks)?;
    let mut text = serde_json::to_string_pretty(&model).map_err(|e| e.to_string())?;
    text.push('\n');
    let mut out = vec![(PathBuf::from(OUTPUT), text)];
    out.extend(crate::models_fixtures::folders(
        &model, &examples, &overrides,
    )?);
    out.extend(crate::models_huawei::files(root)?);
    Ok(out)
}

/// What the documented examples show that the published model does not say: output members
/// it marks as always present that an example leaves out, and numbers an example writes as
/// strings. Both are read leniently, so every documented example decodes.
#[derive(Default)]
pub(crate) struct Quirks {
    /// `(object, member)` pairs an example leaves out or sets to null.
    absent: BTreeSet<(String, String)>,
    /// `(object, member)` numbers an example writes as a string.
    text_numbers: BTreeSet<(String, String)>,
}

impl Quirks {
    fn of(api: &Value, examples: &Value) -> Result<Quirks, String> {
        let objects = api["objects"]
            .as_object()
            .ok_or("api.json has no objects")?;
        let mut q = Quirks::default();
        for (name, list) in examples["actions"].as_object().ok_or("no examples")? {
            let output = api["actions"][name]["output"].as_str().unwrap_or_default();
            for ex in list.as_array().into_iter().flatten() {
                let text = ex["output"].as_str().unwrap_or_default();
                if let Ok(v) = serde_json::from_str::<Value>(text) {
                    q.walk(objects, output, &v["Response"]);
                }
            }
        }
        Ok(q)
    }

    fn walk(&mut self, objects: &Map<String, Value>, object: &str, value: &Value) {
        let Some(members) = objects.get(object).and_then(|o| o["members"].as_array()) else {
            return;
        };
        for m in members {
            let wire = m["name"].as_str().unwrap_or_default();
            let element = m["member"].as_str().unwrap_or_default();
            let key = (object.to_string(), wire.to_string());
            match value.get(wire) {
                None | Some(Value::Null) => {
                    if wire != "RequestId" {
                        self.absent.insert(key);
                    }
                }
                Some(v) if objects.contains_key(element) => match v {
                    Value::Array(items) => {
                        for i in items {
                            self.walk(objects, element, i);
                        }
                    }
                    other => self.walk(objects, element, other),
                },
                Some(Value::String(_)) if matches!(element, "int64" | "uint64" | "float") => {
                    self.text_numbers.insert(key);
                }
                Some(_) => {}
            }
        }
    }
}

/// The model: the published model converted, with the overrides laid over it.
fn convert(api: &Value, overrides: &Value, quirks: &Quirks) -> Result<Value, String> {
    let objects = api["objects"]
        .as_object()
        .ok_or("api.json has no objects")?;
    let actions = api["actions"]
        .as_object()
        .ok_or("api.json has no actions")?;
    let hand_ops = overrides["operations"]
        .as_object()
        .ok_or("overrides: no operations")?;
    let safe_writes = overrides["retried_writes"]
        .as_object()
        .ok_or("overrides: no retried_writes")?;

    let mut shapes = Map::new();
    for (name, shape) in overrides["shapes"]
        .as_object()
        .ok_or("overrides: no shapes")?
    {
        shapes.insert(name.clone(), shape.clone());
    }
    let mut operations = Vec::new();
    let mut used = BTreeSet::new();
    for (name, action) in actions {
        let input_name = action["input"].as_str().ok_or("an action without input")?;
        let output_name = action["output"]
            .as_str()
            .ok_or("an action without output")?;
        let input = &objects[input_name]["members"];
        let output = &objects[output_name]["members"];
        if let Some(hand) = hand_ops.get(name) {
            // Written by hand, and always built.
            agree(name, hand, input, output)?;
            operations.push(hand.clone());
            continue;
        }
        let mut in_members = Vec::new();
        for m in input.as_array().ok_or("members are not a list")? {
            in_members.push(member(m, input_name, Direction::In, quirks, &mut used)?);
        }
        let mut out_members = Vec::new();
        for m in output.as_array().ok_or("members are not a list")? {
            if m["name"] == "RequestId" {
                continue;
            }
            out_members.push(member(m, output_name, Direction::Out, quirks, &mut used)?);
        }
        let idempotency = if READS.iter().any(|p| starts_word(name, p)) {
            json!({"retry": true, "reason": "A read, idempotent."})
        } else if let Some(reason) = safe_writes.get(name) {
            json!({"retry": true, "reason": reason})
        } else {
            json!({"retry": false, "reason": "Not a read: never sent again once it may have reached the server."})
        };
        let pages = paginate(&in_members, &out_members);
        let mut op = json!({
            "name": name,
            "method": crate::snake(name),
            "summary": summary(name),
            "documentation": explorer(name),
            "http": {"method": "POST", "path": "/"},
            "idempotency": idempotency,
            "feature": feature(name),
            "input": in_members,
            "output": out_members,
        });
        if !pages.is_null() {
            op["paginate"] = pages;
        }
        operations.push(op);
    }
    for name in safe_writes.keys() {
        if !actions.contains_key(name) {
            return Err(format!(
                "overrides: retried_writes names {name}, not an action"
            ));
        }
    }
    for name in hand_ops.keys() {
        if !actions.contains_key(name) {
            return Err(format!("overrides: {name} is not an action"));
        }
    }
    // Every object a member names, and every object those name.
    let mut pending: Vec<String> = used.into_iter().collect();
    let mut done = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !done.insert(name.clone()) || shapes.contains_key(&name) {
            continue;
        }
        let object = objects
            .get(&name)
            .ok_or_else(|| format!("{name} is named but not defined"))?;
        let rust_name = shape_name(&name, actions);
        let mut nested = BTreeSet::new();
        let direction = match object["usage"].as_str() {
            Some("in") => Direction::In,
            Some("out") => Direction::Out,
            _ => Direction::Both,
        };
        let mut members = Vec::new();
        for m in object["members"]
            .as_array()
            .ok_or("members are not a list")?
        {
            members.push(member(m, &name, direction, quirks, &mut nested)?);
        }
        pending.extend(nested);
        shapes.insert(rust_name, json!({"kind": "object", "members": members}));
    }
    // Object names become shape names, renamed where one is also an action's (its builder).
    rename_shapes(&mut operations, actions);
    for shape in shapes.values_mut() {
        if let Some(members) = shape.get_mut("members").and_then(Value::as_array_mut) {
            for m in members {
                rename_type(m, actions);
            }
        }
    }
    let service = overrides["service"].clone();
    Ok(json!({
        "format": 1,
        "generated": format!("by `cargo xtask models` from tccli {TCCLI} ({CYNOSDB_DIR}/api.json and examples.json) and {OVERRIDES}; do not edit"),
        "service": service,
        "shapes": shapes,
        "operations": operations,
    }))
}

/// Which way a member travels: in a request, in an answer, or (an object used by both) either.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// A request member: its required flag counts.
    In,
    /// An answer member: whether it may be absent counts.
    Out,
    /// A member of an object sent and received: both count.
    Both,
}

/// The shape name of the published object `name`: the same, or `<name>Object` when an action
/// has that name (the action's builder is a type of that name).
fn shape_name(name: &str, actions: &Map<String, Value>) -> String {
    if actions.contains_key(name) {
        format!("{name}Object")
    } else {
        name.to_string()
    }
}

/// Replaces a member's `@Object` type marker by the object's shape name.
fn rename_type(member: &mut Value, actions: &Map<String, Value>) {
    let Some(ty) = member["type"].as_str() else {
        return;
    };
    let renamed = match ty.strip_prefix("list<@") {
        Some(rest) => format!("list<{}>", shape_name(rest.trim_end_matches('>'), actions)),
        None => match ty.strip_prefix('@') {
            Some(name) => shape_name(name, actions),
            None => return,
        },
    };
    member["type"] = json!(renamed);
}

/// [`rename_type`] for every member of every operation.
fn rename_shapes(operations: &mut [Value], actions: &Map<String, Value>) {
    for op in operations {
        for side in ["input", "output"] {
            if let Some(members) = op.get_mut(side).and_then(Value::as_array_mut) {
                for m in members {
                    rename_type(m, actions);
                }
            }
        }
    }
}

/// A published member in the project's format.
fn member(
    m: &Value,
    owner: &str,
    direction: Direction,
    quirks: &Quirks,
    used: &mut BTreeSet<String>,
) -> Result<Value, String> {
    let wire = m["name"].as_str().ok_or("a member without a name")?;
    let key = (owner.to_string(), wire.to_string());
    let absent = quirks.absent.contains(&key);
    let element = m["member"].as_str().unwrap_or_default();
    let scalar = |element: &str| -> Result<Option<String>, String> {
        Ok(Some(
            match element {
                "string" | "datetime" | "datetime_iso" => "string",
                "int64" => "int64",
                "uint64" => "uint64",
                "float" => "float64",
                "bool" => "bool",
                _ => return Ok(None),
            }
            .to_string(),
        ))
    };
    let ty = match m["type"].as_str() {
        Some("list") => match scalar(element)? {
            Some(s) => format!("list<{s}>"),
            None => {
                used.insert(element.to_string());
                format!("list<@{element}>")
            }
        },
        Some("object") => {
            used.insert(element.to_string());
            format!("@{element}")
        }
        Some(_) => {
            scalar(element)?.ok_or_else(|| format!("{wire}: type {element:?} is not known"))?
        }
        None => return Err(format!("{wire}: no type")),
    };
    let required = m["required"].as_bool().unwrap_or(false);
    let nullable = m["value_allowed_null"].as_bool().unwrap_or(false);
    let output_required = m["output_required"].as_bool().unwrap_or(false);
    let mut out = Map::new();
    out.insert("name".into(), json!(field_name(wire)));
    out.insert("wire".into(), json!(wire));
    out.insert("type".into(), json!(ty));
    match direction {
        Direction::In => {
            if required {
                out.insert("required".into(), json!(true));
            }
        }
        Direction::Out => {
            if nullable || !output_required || absent {
                out.insert("optional".into(), json!(true));
            }
        }
        Direction::Both => {
            if required {
                out.insert("required".into(), json!(true));
            }
            if nullable || !output_required || !required || absent {
                out.insert("optional".into(), json!(true));
            }
        }
    }
    if direction != Direction::In && quirks.text_numbers.contains(&key) {
        out.insert("encoding".into(), json!("number_or_string"));
    }
    if matches!(element, "datetime" | "datetime_iso") {
        out.insert("format".into(), json!(element));
    }
    // A password is never printed (Debug shows `***`).
    if ty == "string" && wire.ends_with("Password") {
        out.insert("sensitive".into(), json!(true));
    }
    if m["disabled"].as_bool() == Some(true) {
        out.insert("deprecated".into(), json!(true));
    }
    if let Some(example) = example(m["example"].as_str(), &ty) {
        out.insert("example".into(), example);
    }
    Ok(Value::Object(out))
}

/// A member's Rust name: its wire name in snake case, `kind` for `Type`.
fn field_name(wire: &str) -> String {
    let name = crate::snake(wire);
    match name.as_str() {
        "type" => "kind".into(),
        "ref" => "reference".into(),
        _ => name,
    }
}

/// The published example as a value of the member's type, when it reads as one.
fn example(text: Option<&str>, ty: &str) -> Option<Value> {
    let text = text?.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    match ty {
        "string" => Some(json!(text)),
        t if t.starts_with("list<") => {
            let v: Value = serde_json::from_str(text).ok()?;
            let item = &t[5..t.len() - 1];
            let items = v.as_array()?;
            let ok = items.iter().all(|i| match item {
                "string" => i.is_string(),
                "int64" => i.is_i64(),
                "uint64" => i.is_u64(),
                "float64" => i.is_number(),
                "bool" => i.is_boolean(),
                _ => false,
            });
            ok.then_some(v)
        }
        scalar => parse_scalar(scalar, text),
    }
}

/// `text` as a value of the model's number or boolean type `ty`, when it reads as one.
pub(crate) fn parse_scalar(ty: &str, text: &str) -> Option<Value> {
    match ty {
        "int64" => text.parse::<i64>().ok().map(Value::from),
        "uint64" => text.parse::<u64>().ok().map(Value::from),
        "float64" => text
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        "bool" => text.parse::<bool>().ok().map(Value::from),
        _ => None,
    }
}

/// How an action pages: integer `Offset` and `Limit` inputs and one list of items in the output
/// (the first one always present, when there are several), with `TotalCount` when it reports
/// one. Null for an action that does not page that way.
fn paginate(input: &[Value], output: &[Value]) -> Value {
    let int = |members: &[Value], wire: &str| {
        members
            .iter()
            .find(|m| m["wire"] == wire)
            .filter(|m| matches!(m["type"].as_str(), Some("int64" | "uint64")))
            .and_then(|m| m["name"].as_str().map(str::to_string))
    };
    let (Some(offset), Some(_)) = (int(input, "Offset"), int(input, "Limit")) else {
        return Value::Null;
    };
    let lists: Vec<&Value> = output
        .iter()
        .filter(|m| m["type"].as_str().is_some_and(|t| t.starts_with("list<")))
        .collect();
    let items = match lists.as_slice() {
        [one] => *one,
        many => match many.iter().find(|m| m["optional"] != true) {
            Some(m) => *m,
            None => return Value::Null,
        },
    };
    json!({
        "offset": offset,
        "items": items["name"],
        "total": int(output, "TotalCount"),
    })
}

/// Whether `name` starts with the word `prefix` (`DescribeX`, not `Describer`).
fn starts_word(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The action's name as words: `DescribeClusterDetail` → `describe cluster detail`.
fn summary(name: &str) -> String {
    crate::snake(name).replace('_', " ")
}

/// The cargo feature of an action: `describe-cluster-detail`.
pub fn feature(name: &str) -> String {
    crate::snake(name).replace('_', "-")
}

/// The action's page in Tencent Cloud's API Explorer.
pub(crate) fn explorer(name: &str) -> String {
    format!(
        "https://console.tencentcloud.com/api/explorer?Product=cynosdb&Version=2019-01-07&Action={name}"
    )
}

/// Checks that a hand-written operation names only published members, with their required
/// flags, and every required input member.
fn agree(name: &str, hand: &Value, input: &Value, output: &Value) -> Result<(), String> {
    let published = |members: &Value| -> BTreeMap<String, bool> {
        members
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| {
                Some((
                    m["name"].as_str()?.to_string(),
                    m["required"].as_bool().unwrap_or(false),
                ))
            })
            .collect()
    };
    let (inputs, outputs) = (published(input), published(output));
    let hand_in = hand["input"].as_array().cloned().unwrap_or_default();
    for m in &hand_in {
        let wire = m["wire"].as_str().unwrap_or_default();
        match inputs.get(wire) {
            None => return Err(format!("overrides: {name} input {wire} is not published")),
            Some(&required) if required != m["required"].as_bool().unwrap_or(false) => {
                return Err(format!(
                    "overrides: {name} input {wire}: required is {required} in the published model"
                ));
            }
            Some(_) => {}
        }
    }
    for (wire, required) in &inputs {
        if *required && !hand_in.iter().any(|m| m["wire"] == wire.as_str()) {
            return Err(format!("overrides: {name} lacks the required input {wire}"));
        }
    }
    for m in hand["output"].as_array().into_iter().flatten() {
        let wire = m["wire"].as_str().unwrap_or_default();
        if !outputs.contains_key(wire) {
            return Err(format!("overrides: {name} output {wire} is not published"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_whole_words() {
        assert!(starts_word("DescribeClusters", "Describe"));
        assert!(!starts_word("Describer", "Describe"));
        assert!(starts_word("CheckCreateLibraDBInstance", "Check"));
    }

    #[test]
    fn examples_take_the_members_type() {
        assert_eq!(example(Some("1"), "int64"), Some(json!(1)));
        assert_eq!(example(Some("x"), "int64"), None);
        assert_eq!(example(Some("[\"a\"]"), "list<string>"), Some(json!(["a"])));
        assert_eq!(example(Some("[1]"), "list<string>"), None);
        assert_eq!(example(Some("true"), "bool"), Some(json!(true)));
        assert_eq!(example(Some("null"), "string"), None);
    }

    #[test]
    fn names() {
        assert_eq!(summary("DescribeClusterDetail"), "describe cluster detail");
        assert_eq!(feature("PauseServerless"), "pause-serverless");
        assert_eq!(field_name("Type"), "kind");
    }
}
