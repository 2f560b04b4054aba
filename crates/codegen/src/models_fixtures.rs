//! The fixture folders `cargo xtask models` writes from the documented examples
//! (`examples.json`): `fixtures/tencentcloud/<Action>/` with the example's request body and
//! response byte for byte, and a `meta.json` whose inputs are the request's members under
//! their Rust names. An example that disagrees with the model is recorded in `meta.json` as a
//! contradiction, with what the fixture does about it.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::models::{CYNOSDB_DIR, OVERRIDES, TCCLI, explorer, parse_scalar};

/// The clock every converted fixture signs at (the one the seed pages' samples use).
const CLOCK_UNIX: u64 = 1_551_113_065;

/// The region every converted fixture's client is built for.
const REGION: &str = "ap-guangzhou";

/// The common parameters the older query-string form carries beside the members.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
];

/// Every converted action's fixture folder: `(path from the root, text)`.
pub(crate) fn folders(
    model: &Value,
    examples: &Value,
    overrides: &Value,
) -> Result<Vec<(PathBuf, String)>, String> {
    let shapes = model["shapes"]
        .as_object()
        .ok_or("the model has no shapes")?;
    let hand = overrides["operations"]
        .as_object()
        .ok_or("overrides: no operations")?;
    let mut out = Vec::new();
    for op in model["operations"].as_array().ok_or("no operations")? {
        let name = op["name"].as_str().ok_or("an operation without a name")?;
        if hand.contains_key(name) {
            continue;
        }
        let list = examples["actions"][name]
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| format!("{name} has no documented example"))?;
        out.extend(folder(name, op, list, shapes)?);
    }
    Ok(out)
}

/// One action's folder.
fn folder(
    name: &str,
    op: &Value,
    list: &[Value],
    shapes: &Map<String, Value>,
) -> Result<Vec<(PathBuf, String)>, String> {
    let dir = PathBuf::from("fixtures/tencentcloud").join(name);
    let members = op["input"].as_array().cloned().unwrap_or_default();
    let mut files = Vec::new();
    let mut contradictions = Vec::new();
    let mut notes = Vec::new();

    let first = &list[0];
    let text = first["input"].as_str().unwrap_or_default();
    let (body, raw_form) = request_body(text, &members, shapes)
        .map_err(|e| format!("{name}: the documented request: {e}"))?;
    match raw_form {
        RequestForm::Json(raw) => files.push((dir.join("request.json"), raw)),
        RequestForm::Query(raw) => {
            files.push((dir.join("request.txt"), raw));
            let mut derived = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
            derived.push('\n');
            files.push((dir.join("request.json"), derived));
            notes.push(json!(
                "The documented example is written in the older query-string form (request.txt); \
                 request.json holds the same members as the JSON body the API takes, lists \
                 flattened as `Name.N` read back as lists."
            ));
        }
    }
    let mut problems = Vec::new();
    let inputs = to_inputs(&members, &body, shapes, name, &mut problems);
    let mut inputs = match inputs {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    inputs.insert("region".into(), json!(REGION));
    if !problems.is_empty() {
        contradictions.push(json!({
            "what": format!("The documented request disagrees with the model: {}.", problems.join("; ")),
            "choice": "The inputs take the model's types (a value written as a string is read as the type the model gives, an unknown member is left out); the body check is skipped.",
            "skip_body_check": true,
        }));
    }
    let mut response_text = first["output"].as_str().unwrap_or_default().to_string();
    response_text.push('\n');
    files.push((dir.join("response.json"), response_text));

    let mut extra = Vec::new();
    for (i, ex) in list.iter().enumerate().skip(1) {
        let n = i + 1;
        let mut text = ex["output"].as_str().unwrap_or_default().to_string();
        text.push('\n');
        let file = format!("response-{n}.json");
        files.push((dir.join(&file), text));
        let documented = ex["input"].as_str().unwrap_or_default();
        let mut request = documented.to_string();
        request.push('\n');
        files.push((dir.join(format!("request-{n}.txt")), request));
        // The example's own inputs, read from its request as example 1's are.
        let (body, _) = request_body(documented, &members, shapes)
            .map_err(|e| format!("{name}: the documented request {n}: {e}"))?;
        let mut derived = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
        derived.push('\n');
        files.push((dir.join(format!("request-{n}.json")), derived));
        let mut example_problems = Vec::new();
        let mut example_inputs =
            match to_inputs(&members, &body, shapes, name, &mut example_problems) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
        example_inputs.insert("region".into(), json!(REGION));
        extra.push(json!({
            "name": format!("example-{n}"),
            "file": file,
            "status": 200,
            "constructed": false,
            "inputs": example_inputs,
            "request": format!("request-{n}.json"),
            "skip_body_check": !example_problems.is_empty(),
        }));
        notes.push(json!(format!(
            "Documented example {n} of {}: its request (request-{n}.txt, its members in request-{n}.json) is sent with its own inputs as request-example-{n}, and its response is decoded as response-example-{n}.",
            list.len()
        )));
    }

    let mut meta = Map::new();
    meta.insert("title".into(), json!(name));
    meta.insert(
        "generated".into(),
        json!(format!(
            "by `cargo xtask models` from tccli {TCCLI} ({CYNOSDB_DIR}/examples.json) and {OVERRIDES}; do not edit"
        )),
    );
    meta.insert("url".into(), json!(explorer(name)));
    meta.insert(
        "page".into(),
        json!(format!(
            "tccli {TCCLI}: {CYNOSDB_DIR}/examples.json ({} documented example{})",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        )),
    );
    meta.insert("method".into(), json!("POST"));
    meta.insert("path_template".into(), json!("/"));
    meta.insert("sample_path".into(), json!("/"));
    meta.insert(
        "sample_headers".into(),
        json!({
            "Host": "cynosdb.tencentcloudapi.com",
            "Content-Type": "application/json",
            "X-TC-Action": name,
        }),
    );
    meta.insert("clock_unix".into(), json!(CLOCK_UNIX));
    meta.insert("inputs".into(), Value::Object(inputs));
    meta.insert("request".into(), json!("request.json"));
    meta.insert(
        "response".into(),
        json!({"file": "response.json", "status": 200, "constructed": false}),
    );
    if !extra.is_empty() {
        meta.insert("extra_responses".into(), Value::Array(extra));
    }
    meta.insert("errors".into(), json!([]));
    meta.insert("contradictions".into(), Value::Array(contradictions));
    meta.insert("notes".into(), Value::Array(notes));
    let mut text = serde_json::to_string_pretty(&Value::Object(meta)).map_err(|e| e.to_string())?;
    text.push('\n');
    files.push((dir.join("meta.json"), text));
    Ok(files)
}

/// How the documented request is written.
enum RequestForm {
    /// A JSON body, kept byte for byte.
    Json(String),
    /// The older query-string form, kept as documented.
    Query(String),
}

/// The documented request's body as JSON, and its text as documented.
fn request_body(
    text: &str,
    members: &[Value],
    shapes: &Map<String, Value>,
) -> Result<(Value, RequestForm), String> {
    if text.trim_start().starts_with("POST") {
        let (_, body) = text
            .split_once("\n\n")
            .ok_or("no blank line before the body")?;
        let value: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
        let mut raw = body.to_string();
        raw.push('\n');
        return Ok((value, RequestForm::Json(raw)));
    }
    let (_, query) = text
        .split_once('?')
        .ok_or("neither a POST nor a query string")?;
    let mut body = Value::Object(Map::new());
    for pair in query.split(['&', '\n']).map(str::trim) {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        if COMMON.contains(&key) {
            continue;
        }
        let path: Vec<&str> = key.split('.').collect();
        place(&mut body, &path, value, members, shapes);
    }
    let mut raw = text.to_string();
    raw.push('\n');
    Ok((body, RequestForm::Query(raw)))
}

/// Sets `path` (`Name`, `Name.0`, `Name.0.Member`) of `target` to `value`, typed by the model.
fn place(
    target: &mut Value,
    path: &[&str],
    value: &str,
    members: &[Value],
    shapes: &Map<String, Value>,
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let ty = members
        .iter()
        .find(|m| m["wire"] == *first)
        .and_then(|m| m["type"].as_str())
        .unwrap_or("string")
        .to_string();
    let Some(obj) = target.as_object_mut() else {
        return;
    };
    if let Some(item) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        let list = obj
            .entry(first.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        let (Some(index), Some(list)) = (
            rest.first().and_then(|i| i.parse::<usize>().ok()),
            list.as_array_mut(),
        ) else {
            return;
        };
        while list.len() <= index {
            list.push(Value::Null);
        }
        match shapes.get(item).and_then(|s| s["members"].as_array()) {
            Some(inner) => {
                if !list[index].is_object() {
                    list[index] = Value::Object(Map::new());
                }
                place(&mut list[index], &rest[1..], value, inner, shapes);
            }
            None => list[index] = scalar(item, value),
        }
        return;
    }
    match shapes.get(&ty).and_then(|s| s["members"].as_array()) {
        Some(inner) => {
            let entry = obj
                .entry(first.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            place(entry, rest, value, inner, shapes);
        }
        None => {
            obj.insert(first.to_string(), scalar(&ty, value));
        }
    }
}

/// A query-string value as the model's scalar type; text for a string, or a value that does
/// not read as its type.
fn scalar(ty: &str, text: &str) -> Value {
    parse_scalar(ty, text).unwrap_or_else(|| Value::String(text.to_string()))
}

/// The request's members under their Rust names, typed by the model; `problems` collects
/// where the request disagrees with it.
fn to_inputs(
    members: &[Value],
    body: &Value,
    shapes: &Map<String, Value>,
    at: &str,
    problems: &mut Vec<String>,
) -> Value {
    let Some(object) = body.as_object() else {
        problems.push(format!("{at} is not an object"));
        return Value::Null;
    };
    let mut out = Map::new();
    for (wire, value) in object {
        let Some(m) = members.iter().find(|m| m["wire"] == wire.as_str()) else {
            problems.push(format!("{at}.{wire} is not a member"));
            continue;
        };
        let name = m["name"].as_str().unwrap_or_default();
        let ty = m["type"].as_str().unwrap_or_default();
        let v = typed(ty, value, shapes, &format!("{at}.{wire}"), problems);
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

/// `value` as the model's type `ty`.
fn typed(
    ty: &str,
    value: &Value,
    shapes: &Map<String, Value>,
    at: &str,
    problems: &mut Vec<String>,
) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    if let Some(item) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        let Some(items) = value.as_array() else {
            problems.push(format!("{at} is {value}, not a list"));
            return Value::Null;
        };
        return Value::Array(
            items
                .iter()
                .map(|i| typed(item, i, shapes, at, problems))
                .collect(),
        );
    }
    if let Some(inner) = shapes.get(ty).and_then(|s| s["members"].as_array()) {
        return to_inputs(inner, value, shapes, at, problems);
    }
    let fits = match ty {
        "string" => value.is_string(),
        "int64" => value.is_i64(),
        "uint64" => value.is_u64(),
        "float64" => value.is_number(),
        "bool" => value.is_boolean(),
        _ => true,
    };
    if fits {
        return value.clone();
    }
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    problems.push(format!("{at} is {value}, where the model has {ty}"));
    scalar(ty, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_read_as_members() {
        let members = vec![
            json!({"name": "cluster_id", "wire": "ClusterId", "type": "string"}),
            json!({"name": "ids", "wire": "InstanceIdList", "type": "list<string>"}),
            json!({"name": "limit", "wire": "Limit", "type": "int64"}),
        ];
        let text = "https://cynosdb.tencentcloudapi.com/?Action=X\n&ClusterId=c-1\n&InstanceIdList.0=a\n&InstanceIdList.1=b\n&Limit=5\n&<common>";
        let (body, _) = request_body(text, &members, &Map::new()).unwrap();
        assert_eq!(
            body,
            json!({"ClusterId": "c-1", "InstanceIdList": ["a", "b"], "Limit": 5})
        );
    }

    #[test]
    fn inputs_take_rust_names_and_note_disagreements() {
        let members = vec![json!({"name": "start_time", "wire": "StartTime", "type": "uint64"})];
        let mut problems = Vec::new();
        let inputs = to_inputs(
            &members,
            &json!({"StartTime": "17", "Other": 1}),
            &Map::new(),
            "X",
            &mut problems,
        );
        assert_eq!(inputs, json!({"start_time": 17}));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
