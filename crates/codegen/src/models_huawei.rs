//! `cargo xtask models`, Huawei Cloud part: DBSS and TaurusDB (GaussDB for MySQL) converted
//! from the official Python SDKs, which carry Huawei's model as code.
//!
//! `python/huawei_dump.py` imports each pinned SDK package (the venv of `cargo xtask` holds
//! them at [`SDK_VERSION`]) and prints what it declares: each operation's method, path, where
//! each request attribute goes (path, query, header, body), and each model class's types,
//! wire names and required attributes. This module turns that into the project's model:
//!
//! - every member keeps its wire name and type (`str`, `int`, `bool`, `float`, `datetime`,
//!   `object`, lists, string-keyed maps, classes); `int` is `int64`, `object` is `json`;
//! - the body class's members become the operation's body members (a member that shares a
//!   path or query member's name is `body_<name>` in Rust);
//! - `X-Language` is the `language` member every TaurusDB call takes;
//! - every answer member is optional and every answer list reads absent as empty (the SDK
//!   promises none of them);
//! - `GET` is retried; any other method is never sent again once it may have reached the
//!   server, except the writes the overrides' `retried_writes` argues for;
//! - a listing with integer `offset` and `limit` query members and one list in its answer gets
//!   a `paginate` entry;
//! - members the SDK's `sensitive_list` names, and members named like passwords, are
//!   `sensitive`;
//! - the hand-written operations (`operations` in the overrides) are taken whole, after a check
//!   that they name published members with the published required flags.
//!
//! Each converted operation gets a fixture folder whose request and answer are synthesised
//! from the model ([`synthesise`]), marked `synthesised` in `meta.json`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

/// The pinned version of the official Huawei SDK packages (`xtask/src/python.rs` installs it).
pub const SDK_VERSION: &str = "3.1.219";

/// The dumper, run with the venv's Python.
const DUMPER: &str = "crates/codegen/python/huawei_dump.py";

/// One converted service.
pub(crate) struct HuaweiService {
    /// The SDK's versioned package.
    pub module: &'static str,
    /// Its client class.
    pub client: &'static str,
    /// The converted model.
    pub model: &'static str,
    /// The hand-written part laid over the SDK's facts.
    pub overrides: &'static str,
}

/// The services converted.
pub(crate) const SERVICES: &[HuaweiService] = &[
    HuaweiService {
        module: "huaweicloudsdkdbss.v1",
        client: "DbssClient",
        model: "models/huaweicloud/dbss.json",
        overrides: "models/huaweicloud/dbss.overrides.json",
    },
    HuaweiService {
        module: "huaweicloudsdkgaussdb.v3",
        client: "GaussDBClient",
        model: "models/huaweicloud/taurusdb.json",
        overrides: "models/huaweicloud/taurusdb.overrides.json",
    },
];

/// The venv's Python with the official SDKs (`cargo xtask models` creates it first).
fn python(root: &Path) -> Result<PathBuf, String> {
    let p = root.join("target/official-sdks-venv/bin/python");
    if p.is_file() {
        Ok(p)
    } else {
        Err(format!(
            "{} is missing: run `cargo xtask models`, which installs the official SDKs",
            p.display()
        ))
    }
}

/// What the SDK declares, from the dumper.
fn dump(root: &Path, svc: &HuaweiService) -> Result<Value, String> {
    let out = Command::new(python(root)?)
        .arg(root.join(DUMPER))
        .args([svc.module, svc.client])
        .output()
        .map_err(|e| format!("cannot run {DUMPER}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{DUMPER} {}: {}",
            svc.module,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("{DUMPER}: {e}"))?;
    if v["version"] != SDK_VERSION {
        return Err(format!(
            "{} is {}, not the pinned {SDK_VERSION}",
            svc.module, v["version"]
        ));
    }
    Ok(v)
}

/// Every file the Huawei conversion writes: each model and each converted operation's fixture
/// folder.
pub(crate) fn files(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut out = Vec::new();
    for svc in SERVICES {
        let sdk = dump(root, svc)?;
        let text = std::fs::read_to_string(root.join(svc.overrides))
            .map_err(|e| format!("{}: {e}", svc.overrides))?;
        let overrides: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", svc.overrides))?;
        let model = convert(svc, &sdk, &overrides)?;
        let mut text = serde_json::to_string_pretty(&model).map_err(|e| e.to_string())?;
        text.push('\n');
        out.push((PathBuf::from(svc.model), text));
        out.extend(synthesise::folders(svc, &model, &overrides)?);
    }
    Ok(out)
}

/// Where the conversion comes from, for `generated` keys.
pub(crate) fn source(svc: &HuaweiService) -> String {
    let package = svc.module.split('.').next().unwrap_or(svc.module);
    format!(
        "by `cargo xtask models` from {package} {SDK_VERSION} ({}.{}) and {}; do not edit",
        svc.module, svc.client, svc.overrides
    )
}

/// Rust keywords a member may not be named.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// A member's Rust name: the SDK's attribute, `kind` for `type`, `<name>_value` for another
/// keyword.
fn field_name(attr: &str) -> String {
    match attr {
        "type" => "kind".into(),
        a if KEYWORDS.contains(&a) => format!("{a}_value"),
        a => a.to_string(),
    }
}

/// The converted model of one service.
fn convert(svc: &HuaweiService, sdk: &Value, overrides: &Value) -> Result<Value, String> {
    let classes = sdk["classes"]
        .as_object()
        .ok_or("the dump has no classes")?;
    let hand_ops = overrides["operations"]
        .as_object()
        .ok_or("overrides: no operations")?;
    let safe_writes = overrides["retried_writes"]
        .as_object()
        .ok_or("overrides: no retried_writes")?;
    let op_names: BTreeSet<String> = sdk["operations"]
        .as_array()
        .ok_or("the dump has no operations")?
        .iter()
        .filter_map(|o| o["request"].as_str())
        .map(|r| r.trim_end_matches("Request").to_string())
        .collect();
    let namer = Namer { ops: &op_names };

    let mut operations = Vec::new();
    let mut used = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for op in sdk["operations"].as_array().into_iter().flatten() {
        let request = op["request"]
            .as_str()
            .ok_or("an operation without request")?;
        let name = request.trim_end_matches("Request").to_string();
        seen.insert(name.clone());
        if op["stream_request"] == true {
            // A request whose whole body is a stream: none of the converted services has one.
            return Err(format!(
                "{name}: a request streamed as the whole body is not converted"
            ));
        }
        let req_class = &classes[request];
        let response = op["response"].as_str().ok_or("no response")?;
        let resp_class = &classes[response];
        if let Some(hand) = hand_ops.get(&name) {
            agree(&name, hand, op, classes)?;
            operations.push(hand.clone());
            continue;
        }
        let mut input = Vec::new();
        let mut body_class = None;
        for m in op["members"].as_array().into_iter().flatten() {
            let attr = m["attr"].as_str().unwrap_or_default();
            let location = m["in"]
                .as_str()
                .ok_or_else(|| format!("{name}: the SDK sends {attr} nowhere"))?;
            let py_ty = req_class["types"][attr].as_str().unwrap_or_default();
            let required = has(req_class, "required", attr);
            match location {
                "body" => body_class = Some(py_ty.to_string()),
                "header" if m["wire"] == "X-Language" => input.push(json!({
                    "name": "language",
                    "wire": "X-Language",
                    "in": "header",
                    "type": "language",
                })),
                loc => {
                    let mut member =
                        namer.member(attr, m["wire"].as_str().unwrap_or(attr), py_ty, &mut used)?;
                    declared_sensitive(&mut member, req_class, attr);
                    member["in"] = json!(loc);
                    if required || loc == "path" {
                        member["required"] = json!(true);
                    }
                    input.push(member);
                }
            }
        }
        if let Some(class) = body_class {
            let body = classes
                .get(&class)
                .ok_or_else(|| format!("{name}: the body {class} is not a class"))?;
            let taken: BTreeSet<String> = input
                .iter()
                .filter_map(|m| m["name"].as_str().map(str::to_string))
                .collect();
            let form = op["content_type"]
                .as_str()
                .is_some_and(|ct| ct.starts_with("multipart/form-data"));
            for (attr, py_ty) in body["types"].as_object().into_iter().flatten() {
                let wire = body["wire"][attr].as_str().unwrap_or(attr);
                let mut member =
                    namer.member(attr, wire, py_ty.as_str().unwrap_or_default(), &mut used)?;
                declared_sensitive(&mut member, body, attr);
                if form {
                    // A field of the multipart/form-data body.
                    member["in"] = json!("form");
                } else if member["type"] == "file" {
                    return Err(format!("{name}: the file {attr} is not in a form"));
                }
                if taken.contains(member["name"].as_str().unwrap_or_default()) {
                    member["name"] = json!(format!("body_{}", field_name(attr)));
                }
                if has(body, "required", attr) {
                    member["required"] = json!(true);
                }
                input.push(member);
            }
        }
        // Required members first, in the SDK's order: the client's method takes them so.
        input.sort_by_key(|m| m["required"] != true);

        let headers: BTreeSet<&str> = op["response_headers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut output = Vec::new();
        if op["stream_response"] == true {
            // A download: the answer's body is the file, as it comes.
            output
                .push(json!({"name": "file", "wire": "body", "in": "answer", "type": "download"}));
        }
        for (attr, py_ty) in resp_class["types"].as_object().into_iter().flatten() {
            let wire = resp_class["wire"][attr].as_str().unwrap_or(attr);
            if headers.contains(wire) {
                continue;
            }
            let mut member =
                namer.member(attr, wire, py_ty.as_str().unwrap_or_default(), &mut used)?;
            declared_sensitive(&mut member, resp_class, attr);
            received(&mut member);
            if member["name"] == "request_id" {
                // The output's `request_id` is the answer's `X-Request-Id`.
                member["name"] = json!("answer_request_id");
            }
            if attr == "body" {
                // The whole answer is this value, not an object holding it.
                member["in"] = json!("answer");
                member["optional"] = json!(true);
                if let Some(m) = member.as_object_mut() {
                    m.remove("default_empty");
                }
            }
            output.push(member);
        }

        let http_method = op["http_method"].as_str().ok_or("no method")?;
        let idempotency = if http_method == "GET" {
            json!({"retry": true, "reason": "A GET, idempotent: retried after failures that may have reached the server."})
        } else if let Some(reason) = safe_writes.get(&name) {
            json!({"retry": true, "reason": reason})
        } else {
            json!({"retry": false, "reason": format!("A {http_method}: never sent again once it may have reached the server.")})
        };
        let mut entry = json!({
            "name": name,
            "method": op["method"],
            "summary": crate::snake(&name).replace('_', " "),
            "documentation": null,
            "http": {"method": http_method, "path": op["path"]},
            "content_type": op["content_type"],
            "idempotency": idempotency,
            "input": input,
            "output": output,
        });
        if op["deprecated"] == true {
            entry["notes"] = json!("The official SDK marks this operation deprecated.");
        }
        if let Some(p) = paginate(&entry["input"], &entry["output"]) {
            entry["paginate"] = p;
        }
        let service_feature = overrides["service"]["feature"]
            .as_str()
            .ok_or("overrides: the service has no feature")?;
        entry["feature"] = json!(group_feature(service_feature, &entry["http"]["path"]));
        operations.push(entry);
    }
    for name in hand_ops.keys().chain(safe_writes.keys()) {
        if !seen.contains(name) {
            return Err(format!(
                "overrides: {name} is not an operation of {}",
                svc.module
            ));
        }
    }

    let mut shapes = Map::new();
    for (name, shape) in overrides["shapes"].as_object().into_iter().flatten() {
        shapes.insert(name.clone(), shape.clone());
    }
    let mut pending: Vec<String> = used.into_iter().collect();
    let mut done = BTreeSet::new();
    while let Some(class) = pending.pop() {
        let rust = namer.shape(&class);
        if !done.insert(class.clone()) || shapes.contains_key(&rust) {
            continue;
        }
        let facts = classes
            .get(&class)
            .ok_or_else(|| format!("{class} is named but not declared"))?;
        let mut nested = BTreeSet::new();
        let mut members = Vec::new();
        for (attr, py_ty) in facts["types"].as_object().into_iter().flatten() {
            let wire = facts["wire"][attr].as_str().unwrap_or(attr);
            let mut m =
                namer.member(attr, wire, py_ty.as_str().unwrap_or_default(), &mut nested)?;
            declared_sensitive(&mut m, facts, attr);
            if has(facts, "required", attr) {
                m["required"] = json!(true);
            }
            received(&mut m);
            members.push(m);
        }
        pending.extend(nested);
        shapes.insert(rust, json!({"kind": "object", "members": members}));
    }

    let generated = source(svc);
    Ok(json!({
        "format": 1,
        "generated": generated,
        "service": overrides["service"],
        "shapes": shapes,
        "operations": operations,
    }))
}

/// Whether the class lists `attr` under `key` (`required`, `sensitive`).
fn has(class: &Value, key: &str, attr: &str) -> bool {
    class[key]
        .as_array()
        .is_some_and(|l| l.iter().any(|a| a == attr))
}

/// Marks a member `sensitive` when its class's `sensitive_list` names it.
fn declared_sensitive(member: &mut Value, class: &Value, attr: &str) {
    if has(class, "sensitive", attr) {
        member["sensitive"] = json!(true);
    }
}

/// A member as received: may be absent; a list absent reads as empty.
fn received(member: &mut Value) {
    if member["type"]
        .as_str()
        .is_some_and(|t| t.starts_with("list<"))
    {
        member["default_empty"] = json!(true);
    } else {
        member["optional"] = json!(true);
    }
}

/// Names shapes and members.
struct Namer<'a> {
    ops: &'a BTreeSet<String>,
}

impl Namer<'_> {
    /// The shape name of a class: the same, or `<Name>Object` when an operation has that
    /// name (its builder is a type of that name).
    fn shape(&self, class: &str) -> String {
        if self.ops.contains(class) {
            format!("{class}Object")
        } else {
            class.to_string()
        }
    }

    /// The model type of an SDK type, noting the classes it names in `used`.
    fn ty(&self, py: &str, used: &mut BTreeSet<String>) -> Result<String, String> {
        let py = py.trim();
        if let Some(inner) = py.strip_prefix("list[").and_then(|r| r.strip_suffix(']')) {
            return Ok(format!("list<{}>", self.ty(inner, used)?));
        }
        if let Some(inner) = py
            .strip_prefix("dict(str,")
            .and_then(|r| r.strip_suffix(')'))
        {
            return Ok(format!("map<{}>", self.ty(inner, used)?));
        }
        Ok(match py {
            "str" | "datetime" => "string".into(),
            "int" => "int64".into(),
            "bool" => "bool".into(),
            "float" => "float64".into(),
            "object" => "json".into(),
            "file" => "file".into(),
            class if class.starts_with(|c: char| c.is_ascii_uppercase()) => {
                used.insert(class.to_string());
                self.shape(class)
            }
            other => return Err(format!("the SDK type {other:?} is not known")),
        })
    }

    /// A member of the project's format.
    fn member(
        &self,
        attr: &str,
        wire: &str,
        py: &str,
        used: &mut BTreeSet<String>,
    ) -> Result<Value, String> {
        let ty = self.ty(py, used).map_err(|e| format!("{attr}: {e}"))?;
        let mut m = json!({"name": field_name(attr), "wire": wire, "type": ty});
        if py == "datetime" {
            m["format"] = json!("datetime_iso");
        }
        let lower = attr.to_ascii_lowercase();
        if ty == "string" && (lower.contains("password") || lower.ends_with("pwd")) {
            m["sensitive"] = json!(true);
        }
        Ok(m)
    }
}

/// The feature of a converted operation: the service's feature and the first fixed segment of
/// its path after the version (`dbss-db-om` for `/v1/{project_id}/db-om/{instance_id}/stop`),
/// so that a program builds the group of operations it calls.
fn group_feature(service: &str, path: &Value) -> String {
    let group = path
        .as_str()
        .unwrap_or_default()
        .split('/')
        .filter(|s| !s.is_empty())
        .skip(1)
        .find(|s| !s.starts_with('{'))
        .unwrap_or("root");
    format!("{service}-{}", kebab(group))
}

/// `s` in lowercase letters, digits and dashes (every other character a dash).
fn kebab(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// How a listing pages: integer `offset` and `limit` query members and one list in the answer,
/// with the answer's `total_count` (or `total`) when it has one.
fn paginate(input: &Value, output: &Value) -> Option<Value> {
    let find = |members: &Value, wire: &str| {
        members
            .as_array()?
            .iter()
            .find(|m| m["wire"] == wire && m["type"] == "int64")
            .and_then(|m| m["name"].as_str().map(str::to_string))
    };
    let offset = find(input, "offset")?;
    find(input, "limit")?;
    let lists: Vec<&Value> = output
        .as_array()?
        .iter()
        .filter(|m| m["type"].as_str().is_some_and(|t| t.starts_with("list<")) && m["in"].is_null())
        .collect();
    let [items] = lists.as_slice() else {
        return None;
    };
    let total = find(output, "total_count").or_else(|| find(output, "total"));
    Some(json!({"offset": offset, "items": items["name"], "total": total}))
}

/// Checks that a hand-written operation is the SDK's: its path and method, and only published
/// members (path, query, header or body) with the published required flags.
fn agree(name: &str, hand: &Value, op: &Value, classes: &Map<String, Value>) -> Result<(), String> {
    if hand["http"]["path"] != op["path"] || hand["http"]["method"] != op["http_method"] {
        return Err(format!(
            "overrides: {name} is {} {} in the SDK",
            op["http_method"], op["path"]
        ));
    }
    let request = &classes[op["request"].as_str().unwrap_or_default()];
    let mut published: BTreeMap<String, bool> = BTreeMap::new();
    for m in op["members"].as_array().into_iter().flatten() {
        let attr = m["attr"].as_str().unwrap_or_default();
        if m["in"] == "body" {
            let class = &classes[request["types"][attr].as_str().unwrap_or_default()];
            for (battr, _) in class["types"].as_object().into_iter().flatten() {
                let wire = class["wire"][battr].as_str().unwrap_or(battr);
                published.insert(wire.to_string(), has(class, "required", battr));
            }
        } else {
            let wire = m["wire"].as_str().unwrap_or(attr);
            let required = has(request, "required", attr) || m["in"] == "path";
            published.insert(wire.to_string(), required);
        }
    }
    let hand_in = hand["input"].as_array().cloned().unwrap_or_default();
    for m in &hand_in {
        let wire = m["wire"].as_str().unwrap_or_default();
        match published.get(wire) {
            None => return Err(format!("overrides: {name} input {wire} is not published")),
            Some(&r) if r != (m["required"] == true) => {
                return Err(format!(
                    "overrides: {name} input {wire}: required is {r} in the SDK"
                ));
            }
            Some(_) => {}
        }
    }
    for (wire, required) in &published {
        if *required && !hand_in.iter().any(|m| m["wire"] == wire.as_str()) {
            return Err(format!("overrides: {name} lacks the required input {wire}"));
        }
    }
    Ok(())
}

pub(crate) mod synthesise {
    //! The fixture folder of each converted Huawei operation: a request and an answer made
    //! deterministically from the model (every member given a value of its type, named after
    //! the member), since the SDK carries no examples. `meta.json` says `synthesised`.

    use std::path::PathBuf;

    use serde_json::{Map, Value, json};

    use super::{HuaweiService, source};

    /// The clock every synthesised fixture signs at.
    const CLOCK_UNIX: u64 = 1_573_789_015;
    /// The region every synthesised fixture's client is built for.
    const REGION: &str = "cn-north-4";
    /// The project every synthesised fixture's client uses.
    const PROJECT_ID: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
    /// How deep objects nest in a synthesised value (the SDK's classes do not recurse, but a
    /// bound keeps a future one finite).
    const DEPTH: usize = 6;

    /// Every converted operation's folder.
    pub(crate) fn folders(
        svc: &HuaweiService,
        model: &Value,
        overrides: &Value,
    ) -> Result<Vec<(PathBuf, String)>, String> {
        let shapes = model["shapes"].as_object().ok_or("no shapes")?;
        let hand = overrides["operations"].as_object().ok_or("no operations")?;
        let mut out = Vec::new();
        for op in model["operations"].as_array().ok_or("no operations")? {
            let name = op["name"].as_str().ok_or("an operation without a name")?;
            if !hand.contains_key(name) {
                out.extend(folder(svc, name, op, shapes)?);
            }
        }
        Ok(out)
    }

    /// A value of a model type, made from the member's wire name.
    pub(crate) fn value(ty: &str, wire: &str, shapes: &Map<String, Value>, depth: usize) -> Value {
        if let Some(inner) = ty.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return json!([value(inner, wire, shapes, depth)]);
        }
        if let Some(inner) = ty.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            return json!({ "key": value(inner, wire, shapes, depth) });
        }
        match ty {
            "string" | "language" => json!(segment(wire)),
            "int64" => json!(1),
            "float64" => json!(1.5),
            "bool" => json!(true),
            "json" => json!({ "key": "value" }),
            // A file to upload, as the fixtures' caller reads it.
            "file" => json!({
                "file_name": format!("{}.txt", segment(wire)),
                "content": format!("{} content\n", segment(wire)),
            }),
            shape => match shapes.get(shape) {
                Some(s) if depth < super::synthesise::DEPTH => {
                    let mut map = Map::new();
                    for m in s["members"].as_array().into_iter().flatten() {
                        let (Some(t), Some(w)) = (m["type"].as_str(), m["wire"].as_str()) else {
                            continue;
                        };
                        map.insert(w.to_string(), value(t, w, shapes, depth + 1));
                    }
                    Value::Object(map)
                }
                _ => json!({}),
            },
        }
    }

    /// A string value for a member: its wire name in letters, digits and dashes, plus `-1`.
    fn segment(wire: &str) -> String {
        let mut s = super::kebab(wire);
        s.push_str("-1");
        s
    }

    /// A value as one Rust input: a list of objects, an object, or a scalar, by the member's
    /// Rust names.
    fn as_input(ty: &str, v: &Value, shapes: &Map<String, Value>) -> Value {
        if let Some(inner) = ty.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Value::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|i| as_input(inner, i, shapes))
                    .collect(),
            );
        }
        if let Some(inner) = ty.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            return Value::Object(
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, i)| (k.clone(), as_input(inner, i, shapes)))
                    .collect(),
            );
        }
        match shapes.get(ty) {
            Some(s) if s["kind"] == "object" => {
                let mut map = Map::new();
                for m in s["members"].as_array().into_iter().flatten() {
                    let (Some(t), Some(w), Some(n)) =
                        (m["type"].as_str(), m["wire"].as_str(), m["name"].as_str())
                    else {
                        continue;
                    };
                    if let Some(x) = v.get(w) {
                        map.insert(n.to_string(), as_input(t, x, shapes));
                    }
                }
                Value::Object(map)
            }
            _ => v.clone(),
        }
    }

    fn folder(
        svc: &HuaweiService,
        name: &str,
        op: &Value,
        shapes: &Map<String, Value>,
    ) -> Result<Vec<(PathBuf, String)>, String> {
        let dir = PathBuf::from("fixtures/huaweicloud").join(name);
        let template = op["http"]["path"].as_str().ok_or("no path")?;
        let mut inputs = Map::new();
        inputs.insert("region".into(), json!(REGION));
        if template.contains("{project_id}") {
            inputs.insert("project_id".into(), json!(PROJECT_ID));
        }
        let mut body = Map::new();
        let mut path = template.replace("{project_id}", PROJECT_ID);
        for m in op["input"].as_array().into_iter().flatten() {
            let (Some(ty), Some(wire), Some(rust)) =
                (m["type"].as_str(), m["wire"].as_str(), m["name"].as_str())
            else {
                continue;
            };
            if ty == "language" {
                // The client's language: none in these fixtures.
                continue;
            }
            // A member named like one of the client's inputs shares its value.
            let v = match (rust, ty) {
                ("region", "string") => json!(REGION),
                ("project_id", "string") => json!(PROJECT_ID),
                _ => value(ty, wire, shapes, 0),
            };
            match m["in"].as_str().unwrap_or("body") {
                "path" => {
                    path = path.replace(&format!("{{{wire}}}"), v.as_str().unwrap_or_default());
                }
                "query" => {}
                _ => {
                    body.insert(wire.into(), v.clone());
                }
            }
            inputs.insert(rust.into(), as_input(ty, &v, shapes));
        }
        let mut files = Vec::new();
        let has_body = op["input"]
            .as_array()
            .is_some_and(|l| l.iter().any(|m| m["in"].is_null()));
        if has_body {
            files.push((dir.join("request.json"), pretty(&Value::Object(body))?));
        }
        let answer = match op["output"]
            .as_array()
            .and_then(|l| l.iter().find(|m| m["in"] == "answer"))
        {
            Some(m) if m["type"] == "download" => Value::Null,
            Some(m) => value(m["type"].as_str().unwrap_or("string"), "body", shapes, 0),
            None => {
                let mut map = Map::new();
                for m in op["output"].as_array().into_iter().flatten() {
                    let (Some(t), Some(w)) = (m["type"].as_str(), m["wire"].as_str()) else {
                        continue;
                    };
                    map.insert(w.to_string(), value(t, w, shapes, 0));
                }
                Value::Object(map)
            }
        };
        let download = answer.is_null();
        let mut answer_headers = json!({"X-Request-Id": "5b8e2d7c1a9f4e3b8d6c4a2e0f1b3d5c"});
        let answer_file = if download {
            // The file the answer holds: text, so the snapshots show it.
            answer_headers["Content-Type"] = json!("application/octet-stream");
            answer_headers["Content-Disposition"] =
                json!(format!("attachment; filename=\"{name}.txt\""));
            files.push((
                dir.join("response.txt"),
                format!("{name}: the file the answer holds (synthesised)\n"),
            ));
            "response.txt"
        } else {
            files.push((dir.join("response.json"), pretty(&answer)?));
            "response.json"
        };
        // The query is in the request snapshot; the sample path is the path alone.
        let sample_path = path;
        let mut sample_headers = Map::new();
        if let Some(ct) = op["content_type"].as_str() {
            sample_headers.insert("Content-Type".into(), json!(ct));
        }
        let meta = json!({
            "title": name,
            "generated": source(svc),
            "synthesised": true,
            "url": null,
            "page": format!("{}.{} (no documented sample: the request and answer are synthesised from the model)", svc.module, svc.client),
            "method": op["http"]["method"],
            "path_template": template,
            "sample_path": sample_path,
            "sample_headers": sample_headers,
            "clock_unix": CLOCK_UNIX,
            "inputs": inputs,
            "request": if has_body { json!("request.json") } else { Value::Null },
            "response": {"file": answer_file, "status": 200, "constructed": true,
                          "source": if download { "the model's download (synthesised)" } else { "the model's members (synthesised)" },
                          "headers": answer_headers},
            "errors": [],
            "contradictions": [],
            "notes": [],
        });
        files.push((dir.join("meta.json"), pretty(&meta)?));
        Ok(files)
    }

    fn pretty(v: &Value) -> Result<String, String> {
        let mut text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
        text.push('\n');
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_types_become_model_types() {
        let ops = BTreeSet::from(["ListInstances".to_string()]);
        let namer = Namer { ops: &ops };
        let mut used = BTreeSet::new();
        assert_eq!(namer.ty("str", &mut used).unwrap(), "string");
        assert_eq!(namer.ty("datetime", &mut used).unwrap(), "string");
        assert_eq!(namer.ty("int", &mut used).unwrap(), "int64");
        assert_eq!(namer.ty("object", &mut used).unwrap(), "json");
        assert_eq!(
            namer.ty("list[dict(str, Tag)]", &mut used).unwrap(),
            "list<map<Tag>>"
        );
        // A class named like an operation (its builder) is renamed.
        assert_eq!(
            namer.ty("ListInstances", &mut used).unwrap(),
            "ListInstancesObject"
        );
        assert_eq!(
            used,
            BTreeSet::from(["ListInstances".to_string(), "Tag".to_string()])
        );
        assert_eq!(namer.ty("file", &mut used).unwrap(), "file");
        assert!(namer.ty("stream", &mut used).is_err());
    }

    #[test]
    fn members_are_named_for_rust_and_passwords_hidden() {
        assert_eq!(field_name("type"), "kind");
        assert_eq!(field_name("match"), "match_value");
        assert_eq!(field_name("instance_id"), "instance_id");
        let ops = BTreeSet::new();
        let namer = Namer { ops: &ops };
        let m = namer
            .member("user_password", "password", "str", &mut BTreeSet::new())
            .unwrap();
        assert_eq!(m["sensitive"], true);
        let m = namer
            .member("created", "created", "datetime", &mut BTreeSet::new())
            .unwrap();
        assert_eq!(m["format"], "datetime_iso");
        assert!(m.get("sensitive").is_none());
    }

    #[test]
    fn listings_page_by_integer_offset_over_one_list() {
        let input = json!([
            {"name": "offset", "wire": "offset", "type": "int64", "in": "query"},
            {"name": "limit", "wire": "limit", "type": "int64", "in": "query"},
        ]);
        let output = json!([
            {"name": "instances", "wire": "instances", "type": "list<Instance>"},
            {"name": "total_count", "wire": "total_count", "type": "int64"},
        ]);
        assert_eq!(
            paginate(&input, &output),
            Some(json!({"offset": "offset", "items": "instances", "total": "total_count"}))
        );
        // A string offset, or two lists, do not page.
        let text = json!([
            {"name": "offset", "wire": "offset", "type": "string", "in": "query"},
            {"name": "limit", "wire": "limit", "type": "string", "in": "query"},
        ]);
        assert_eq!(paginate(&text, &output), None);
        let two = json!([
            {"name": "a", "wire": "a", "type": "list<string>"},
            {"name": "b", "wire": "b", "type": "list<string>"},
        ]);
        assert_eq!(paginate(&input, &two), None);
    }

    #[test]
    fn a_hand_written_operation_must_match_the_sdk() {
        let classes: Map<String, Value> = serde_json::from_value(json!({
            "StopRequest": {"types": {"instance_id": "str"}, "wire": {"instance_id": "instance_id"},
                            "required": ["instance_id"], "sensitive": []},
        }))
        .unwrap();
        let op = json!({
            "path": "/v1/{project_id}/db-om/{instance_id}/stop", "http_method": "POST",
            "request": "StopRequest",
            "members": [{"attr": "instance_id", "in": "path", "wire": "instance_id"}],
        });
        let hand = json!({
            "http": {"method": "POST", "path": "/v1/{project_id}/db-om/{instance_id}/stop"},
            "input": [{"name": "instance_id", "wire": "instance_id", "in": "path", "required": true}],
        });
        assert!(agree("Stop", &hand, &op, &classes).is_ok());
        let mut wrong = hand.clone();
        wrong["http"]["method"] = json!("PUT");
        assert!(agree("Stop", &wrong, &op, &classes).is_err());
        let mut extra = hand.clone();
        if let Some(list) = extra["input"].as_array_mut() {
            list.push(json!({"name": "x", "wire": "x"}));
        }
        assert!(agree("Stop", &extra, &op, &classes).is_err());
        let lacking = json!({"http": hand["http"], "input": []});
        assert!(agree("Stop", &lacking, &op, &classes).is_err());
    }

    #[test]
    fn synthesised_values_follow_the_type() {
        let shapes: Map<String, Value> = serde_json::from_value(json!({
            "Tag": {"kind": "object", "members": [{"name": "key", "wire": "key", "type": "string"}]},
        }))
        .unwrap();
        assert_eq!(
            synthesise::value("string", "instance_id", &shapes, 0),
            json!("instance-id-1")
        );
        assert_eq!(
            synthesise::value("list<Tag>", "tags", &shapes, 0),
            json!([{"key": "key-1"}])
        );
        assert_eq!(
            synthesise::value("map<int64>", "m", &shapes, 0),
            json!({"key": 1})
        );
    }
}
