//! The emulators' request tables: every operation's members with their wire names, kinds
//! and required flags (body, query and form), and an answer: a Tencent action's documented example
//! response or a Huawei operation's synthesised one when its fixture has one, else one built
//! from the model's example values.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::{Member, Model, Shape};
use crate::types::Ty;
use crate::{File, Loaded, MARKER, inner_doc, lit};

/// `crates/testkit/src/generated/mod.rs`.
pub(crate) fn tables(root: &Path, models: &[Loaded]) -> Result<File, String> {
    let sources: Vec<&str> = models.iter().map(|l| l.source.as_str()).collect();
    let mut s = format!(
        "{MARKER} from {}. Do not edit: change the models and run the command again.\n",
        sources.join(", ")
    );
    s.push_str(&inner_doc(
        "The request rules and example answers of every modelled operation, one table per \
         service, for the emulators.",
    ));
    s.push('\n');
    s.push_str("use crate::rules::{Kind, Member, Operation};\n\n");
    for loaded in models {
        let model = &loaded.model;
        let name = format!("{}_{}", model.service.vendor, model.service.name).to_uppercase();
        let _ = writeln!(
            s,
            "/// {} {}: every operation of `{}`.",
            model.service.title, model.service.version, loaded.source
        );
        let _ = writeln!(s, "pub const {name}: &[Operation] = &[");
        for op in &model.operations {
            let _ = writeln!(
                s,
                "    Operation {{\n        name: {},\n        method: {},\n        path: {},",
                lit(&op.name),
                lit(&op.http.method),
                lit(&op.http.path)
            );
            for (field, location) in [("members", "body"), ("query", "query"), ("form", "form")] {
                let _ = writeln!(s, "        {field}: &[");
                for m in op.input.iter().filter(|m| m.location() == location) {
                    let _ = writeln!(
                        s,
                        "            Member {{ wire: {}, kind: {}, required: {} }},",
                        lit(&m.wire),
                        if m.encoding.as_deref() == Some("int01") {
                            "Kind::Integer".to_string()
                        } else {
                            kind(&Ty::of(m, &model.shapes)?, model)
                        },
                        m.required
                    );
                }
                s.push_str("        ],\n");
            }
            let example = match documented_answer(root, model, &op.name) {
                Some(answer) => answer,
                None => example_answer(model, &op.output)?,
            };
            let download = op.output.iter().any(|m| m.ty == "download");
            let _ = writeln!(
                s,
                "        example: {},\n        download: {download},\n    }},",
                lit(&example)
            );
        }
        s.push_str("];\n\n");
    }
    Ok(File {
        path: PathBuf::from("crates/testkit/src/generated/mod.rs"),
        text: s,
    })
}

/// The rule kind of a type.
fn kind(ty: &Ty, model: &Model) -> String {
    match ty {
        Ty::Str | Ty::Language => "Kind::String".into(),
        Ty::Bool => "Kind::Boolean".into(),
        Ty::Int(_) => "Kind::Integer".into(),
        Ty::Float => "Kind::Number".into(),
        Ty::Json | Ty::Download => "Kind::Any".into(),
        Ty::File => "Kind::File".into(),
        Ty::List(t) => format!("Kind::List(&{})", kind(t, model)),
        Ty::Map(t) => format!("Kind::Map(&{})", kind(t, model)),
        Ty::Shape(n) => match model.shapes.get(n) {
            Some(Shape::Enum { base, .. }) if base == "string" => "Kind::String".into(),
            Some(Shape::Object { .. }) => "Kind::Object".into(),
            _ => "Kind::Integer".into(),
        },
    }
}

/// A Tencent action's documented answer, `fixtures/tencentcloud/<Action>/response.json`'s
/// `Response` without its `RequestId` (the emulator sets its own), when the fixture has one;
/// a Huawei operation's synthesised answer, when its fixture is `synthesised`.
fn documented_answer(root: &Path, model: &Model, name: &str) -> Option<String> {
    let dir = root.join("fixtures").join(&model.service.vendor).join(name);
    if model.service.protocol == crate::model::Protocol::HuaweiRest {
        // A synthesised fixture's answer, as it is: JSON, or a downloaded file's text.
        let meta = crate::synthesised_meta(root, model, name)?;
        let text = std::fs::read_to_string(dir.join(meta["response"]["file"].as_str()?)).ok()?;
        return match serde_json::from_str::<Value>(&text) {
            Ok(answer) => serde_json::to_string(&answer).ok(),
            Err(_) => Some(text),
        };
    }
    if model.service.protocol != crate::model::Protocol::Tc3Json {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("response.json")).ok()?;
    let mut value: Value = serde_json::from_str(&text).ok()?;
    let mut response = value.get_mut("Response")?.take();
    let map = response.as_object_mut()?;
    if map.contains_key("Error") {
        return None;
    }
    map.remove("RequestId");
    serde_json::to_string(&response).ok()
}

/// The output members' example values as a JSON object.
fn example_answer(model: &Model, output: &[Member]) -> Result<String, String> {
    let mut map = Map::new();
    for m in output {
        let ty = Ty::of(m, &model.shapes)?;
        let value = match &m.example {
            Some(v) => v.clone(),
            None if m.optional => continue,
            None => match ty {
                Ty::Str => Value::String(String::new()),
                Ty::Bool => Value::Bool(false),
                Ty::List(_) => Value::Array(Vec::new()),
                Ty::Map(_) => Value::Object(Map::new()),
                _ => Value::from(0),
            },
        };
        map.insert(m.wire.clone(), value);
    }
    serde_json::to_string(&Value::Object(map)).map_err(|e| e.to_string())
}
