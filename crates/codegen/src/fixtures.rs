//! The fixtures' caller: each operation called through its crate's public client with named
//! inputs (a fixture's `inputs`, or the model's examples).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::model::{Member, Model, Shape};
use crate::types::Ty;
use crate::{File, Loaded, MARKER, doc, inner_doc, lit, snake};

/// `crates/fixtures/src/generated/mod.rs`.
pub(crate) fn renderer(root: &Path, models: &[Loaded]) -> Result<File, String> {
    let sources: Vec<&str> = models.iter().map(|l| l.source.as_str()).collect();
    let mut s = format!(
        "{MARKER} from {}. Do not edit: change the models and run the command again.\n",
        sources.join(", ")
    );
    s.push_str(&inner_doc(
        "Every modelled operation called through its crate's public client with named \
         inputs (a fixture's `inputs`, or the model's examples): required members by name, \
         optional ones when present. An absent or mistyped input reads as the type's default, \
         so the crate's own checks answer as they would for a user.",
    ));
    s.push('\n');
    s.push_str(
        "use cloudops_core::Error;\nuse serde_json::Value;\n\nuse crate::args::{arg, opt, render};\n\n",
    );
    for loaded in models {
        service(&mut s, root, &loaded.model)?;
    }
    // One entry per crate, trying its services in turn.
    let mut crates: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for loaded in models {
        let svc = &loaded.model.service;
        let f = format!("{}_{}", svc.vendor, svc.name);
        match crates.iter_mut().find(|(v, _, _)| *v == svc.vendor) {
            Some((_, _, fns)) => fns.push(f),
            None => crates.push((&svc.vendor, &svc.krate, vec![f])),
        }
    }
    for (vendor, krate, fns) in crates {
        let rust = krate.replace('-', "_");
        let _ = writeln!(
            s,
            "/// Calls `op` of any modelled service of `{krate}`; `None` when no model has it.\npub async fn {vendor}(client: &{rust}::Client, op: &str, inputs: &Value) -> Option<Result<String, Error>> {{"
        );
        for f in &fns {
            let _ = writeln!(
                s,
                "    if let Some(out) = {f}(client, op, inputs).await {{\n        return Some(out);\n    }}"
            );
        }
        s.push_str("    None\n}\n\n");
        let chain: Vec<String> = fns.iter().map(|f| format!("{f}_examples(op)")).collect();
        let _ = writeln!(
            s,
            "/// The model's example inputs of `op` of any modelled service of `{krate}`.\npub fn {vendor}_examples(op: &str) -> Option<Value> {{\n    {}\n}}\n",
            chain
                .iter()
                .enumerate()
                .map(|(i, c)| if i == 0 {
                    c.clone()
                } else {
                    format!(".or_else(|| {c})")
                })
                .collect::<String>()
        );
    }
    Ok(File {
        path: PathBuf::from("crates/fixtures/src/generated/mod.rs"),
        text: s,
    })
}

/// The path of a shape of `model`.
fn shape_path(model: &Model, name: &str) -> String {
    format!(
        "{}::{}::{name}",
        model.service.krate.replace('-', "_"),
        model.service.operations_module
    )
}

/// The helper that builds an input object shape from JSON.
fn shape_fn(model: &Model, name: &str) -> String {
    format!("{}_{}", model.service.name, snake(name))
}

/// An expression reading member `key` of the JSON object `v` as `ty`; `optional` gives an
/// `Option`.
fn read(model: &Model, ty: &Ty, v: &str, key: &str, optional: bool) -> Result<String, String> {
    let k = lit(key);
    Ok(match ty {
        Ty::Shape(name) => {
            let path = shape_path(model, name);
            match model.shapes.get(name) {
                Some(Shape::Enum { base, .. }) if base == "string" => {
                    if optional {
                        format!("opt::<String>({v}, {k}).map(|s| {path}::from_wire(&s))")
                    } else {
                        format!("{path}::from_wire(&arg::<String>({v}, {k}))")
                    }
                }
                Some(Shape::Enum { .. }) => {
                    if optional {
                        format!("opt::<i64>({v}, {k}).map({path}::from_code)")
                    } else {
                        format!("{path}::from_code(arg::<i64>({v}, {k}))")
                    }
                }
                Some(Shape::Object { .. }) => {
                    let f = shape_fn(model, name);
                    if optional {
                        format!("{v}.get({k}).filter(|x| !x.is_null()).map({f})")
                    } else {
                        format!("{f}(&{v}[{k}])")
                    }
                }
                None => return Err(format!("unknown shape {name}")),
            }
        }
        Ty::List(inner) if matches!(**inner, Ty::Shape(_)) => {
            let Ty::Shape(name) = &**inner else {
                return Err("unreachable".into());
            };
            let f = shape_fn(model, name);
            let list = format!("{v}[{k}].as_array().map(|a| a.iter().map({f}).collect())");
            if optional {
                list
            } else {
                format!("{list}.unwrap_or_default()")
            }
        }
        Ty::Language => return Err("a language is not read from fixture inputs".into()),
        // `{"file_name": ..., "content": ...}`.
        Ty::File if optional => format!("crate::args::opt_file({v}, {k})"),
        Ty::File => format!(
            "crate::args::opt_file({v}, {k}).unwrap_or_else(|| cloudops_core::multipart::FormFile::new(\"\", Vec::new()))"
        ),
        other => {
            if optional {
                format!("opt::<{}>({v}, {k})", other.rust())
            } else {
                format!("arg::<{}>({v}, {k})", other.rust())
            }
        }
    })
}

fn service(s: &mut String, root: &Path, model: &Model) -> Result<(), String> {
    let krate = model.service.krate.replace('-', "_");
    let fn_name = format!("{}_{}", model.service.vendor, model.service.name);
    // Builders of the input objects, and of the objects they hold.
    let (inputs, outputs) = crate::shapes::usage(model)?;
    for (name, shape) in &model.shapes {
        let Shape::Object { members, .. } = shape else {
            continue;
        };
        if !inputs.contains(name) {
            continue;
        }
        let usage = crate::shapes::Usage {
            input: true,
            output: outputs.contains(name),
        };
        let path = shape_path(model, name);
        let _ = writeln!(
            s,
            "/// A `{name}` from a JSON object of its members.\nfn {}(v: &Value) -> {path} {{\n    {path} {{",
            shape_fn(model, name)
        );
        for m in members {
            let ty = Ty::of(m, &model.shapes)?;
            let value = if crate::shapes::field_is_option(m, &ty, &usage)
                || !crate::shapes::is_option(m, &usage)
            {
                read(
                    model,
                    &ty,
                    "v",
                    &m.name,
                    crate::shapes::field_is_option(m, &ty, &usage),
                )?
            } else {
                // A list that reads absent as empty.
                format!(
                    "{}.unwrap_or_default()",
                    read(model, &ty, "v", &m.name, true)?
                )
            };
            let _ = writeln!(s, "        {}: {value},", m.name);
        }
        s.push_str("    }\n}\n\n");
    }
    s.push_str(&doc(&format!(
        "Calls `op` of `{}` with `inputs`, rendering the output as its snapshots show it; `None` when the model has no such operation.",
        model.service.krate
    )));
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
            args.push(read(model, &ty, "inputs", &m.name, false)?);
        }
        let settable: Vec<&Member> = op
            .input
            .iter()
            .filter(|m| !m.required && m.ty != "language")
            .collect();
        let _ = writeln!(
            s,
            "            let {}call = client.{}({});",
            if settable.is_empty() { "" } else { "mut " },
            op.method,
            args.join(", ")
        );
        for m in settable {
            let ty = Ty::of(m, &model.shapes)?;
            let _ = writeln!(
                s,
                "            if let Some(v) = {} {{\n                call = call.{}(v);\n            }}",
                read(model, &ty, "inputs", &m.name, true)?,
                m.name
            );
        }
        // Boxed, so the caller's future is as small as one arm's, not as all of them.
        s.push_str("            Box::pin(call.send()).await.map(|o| render(&o))\n        }\n");
    }
    s.push_str("        _ => return None,\n    };\n    Some(out)\n}\n\n");
    s.push_str(&doc(&format!(
        "The model's example inputs of `op` of `{}`, by member name; `None` when the model has no such operation.",
        model.service.krate
    )));
    let _ = writeln!(s, "pub fn {fn_name}_examples(op: &str) -> Option<Value> {{");
    s.push_str("    let text = match op {\n");
    for op in &model.operations {
        let mut map = serde_json::Map::new();
        for m in &op.input {
            if let Some(e) = &m.example {
                map.insert(m.name.clone(), e.clone());
            }
        }
        // An operation without documented examples: its synthesised fixture's inputs.
        if let Some(meta) = crate::synthesised_meta(root, model, &op.name)
            && let Some(inputs) = meta["inputs"].as_object()
        {
            for m in &op.input {
                if let Some(v) = inputs.get(&m.name) {
                    map.entry(m.name.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        let text =
            serde_json::to_string(&serde_json::Value::Object(map)).map_err(|e| e.to_string())?;
        let _ = writeln!(s, "        {} => {},", lit(&op.name), lit(&text));
    }
    s.push_str("        _ => return None,\n    };\n    serde_json::from_str(text).ok()\n}\n\n");
    if model.service.serialize_feature.is_some() {
        round_trip(s, model, &fn_name);
    }
    Ok(())
}

/// `<service>_round_trip`: an answer decoded into the operation's output and written back.
fn round_trip(s: &mut String, model: &Model, fn_name: &str) {
    let krate = model.service.krate.replace('-', "_");
    s.push_str(&doc(&format!(
        "`op`'s output of `{}` decoded from `response` (the answer's members, as the envelope holds them) and written back as JSON; `None` when the model has no such operation.",
        model.service.krate
    )));
    let _ = writeln!(
        s,
        "pub fn {fn_name}_round_trip(op: &str, response: &Value) -> Option<Result<Value, String>> {{\n    fn again<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Result<Value, String> {{\n        let out = T::deserialize(v).map_err(|e| e.to_string())?;\n        serde_json::to_value(&out).map_err(|e| e.to_string())\n    }}\n    Some(match op {{"
    );
    for op in &model.operations {
        let _ = writeln!(
            s,
            "        {} => again::<{krate}::{}::{}Output>(response),",
            lit(&op.name),
            model.service.operations_module,
            op.name
        );
    }
    s.push_str("        _ => return None,\n    })\n}\n\n");
}
