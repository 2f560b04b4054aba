//! The fixtures renderer's arms: each operation called through its crate's public client
//! with a fixture's `inputs`.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::model::Protocol;
use crate::types::Ty;
use crate::{File, Loaded, MARKER, lit};

/// `crates/fixtures/src/generated/mod.rs`.
pub(crate) fn renderer(models: &[Loaded]) -> Result<File, String> {
    let sources: Vec<&str> = models.iter().map(|l| l.source.as_str()).collect();
    let mut s = format!(
        "{MARKER} from {}. Do not edit: change the models and run the command again.\n",
        sources.join(", ")
    );
    s.push_str(
        "//! Every modelled operation called through its crate's public client with named \
         inputs (a fixture's `inputs`, or the model's examples): required members by name, \
         optional ones when present.\n\n",
    );
    s.push_str(
        "use cloudops_core::Error;\nuse serde_json::{Value, json};\n\nuse crate::args::arg;\n\n",
    );
    for loaded in models {
        let model = &loaded.model;
        match model.service.protocol {
            Protocol::Tc3Json => {}
        }
        let krate = model.service.krate.replace('-', "_");
        let fn_name = format!("{}_{}", model.service.vendor, model.service.name);
        let _ = writeln!(
            s,
            "/// Calls `op` of `{}` with `inputs`, rendering the output with `{{:#?}}`; `None` when the model has no such operation.",
            model.service.krate
        );
        let _ = writeln!(
            s,
            "pub async fn {fn_name}(client: &{krate}::Client, op: &str, inputs: &Value) -> Option<Result<String, Error>> {{"
        );
        s.push_str("    let out = match op {\n");
        for op in &model.operations {
            let _ = writeln!(s, "        {} => {{", lit(&op.name));
            let mut args = Vec::new();
            for m in op.input.iter().filter(|m| m.required) {
                let ty = Ty::of(m, &model.shapes)?;
                args.push(format!("arg::<{}>(inputs, {})", ty.rust(), lit(&m.name)));
            }
            let optional = op.input.iter().any(|m| !m.required);
            let _ = writeln!(
                s,
                "            let {}call = client.{}({});",
                if optional { "mut " } else { "" },
                op.method,
                args.join(", ")
            );
            for m in op.input.iter().filter(|m| !m.required) {
                let ty = Ty::of(m, &model.shapes)?;
                let _ = writeln!(
                    s,
                    "            if inputs.get({0}).is_some_and(|v| !v.is_null()) {{\n                call = call.{1}(arg::<{2}>(inputs, {0}));\n            }}",
                    lit(&m.name),
                    m.name,
                    ty.rust()
                );
            }
            s.push_str("            call.send().await.map(|o| format!(\"{o:#?}\"))\n        }\n");
        }
        s.push_str("        _ => return None,\n    };\n    Some(out)\n}\n\n");
        let _ = writeln!(
            s,
            "/// The model's example inputs of `op` of `{}`, by member name; `None` when the model has no such operation.",
            model.service.krate
        );
        let _ = writeln!(s, "pub fn {fn_name}_examples(op: &str) -> Option<Value> {{");
        s.push_str("    Some(match op {\n");
        for op in &model.operations {
            let mut map = serde_json::Map::new();
            for m in &op.input {
                if let Some(e) = &m.example {
                    map.insert(m.name.clone(), e.clone());
                }
            }
            let text = serde_json::to_string(&serde_json::Value::Object(map))
                .map_err(|e| e.to_string())?;
            let _ = writeln!(s, "        {} => json!({text}),", lit(&op.name));
        }
        s.push_str("        _ => return None,\n    })\n}\n\n");
    }
    Ok(File {
        path: PathBuf::from("crates/fixtures/src/generated/mod.rs"),
        text: s,
    })
}
