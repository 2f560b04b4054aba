//! A vendor crate's generated modules: one per operation, the shapes, and the registry.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::model::{Member, Model, Operation, Protocol, Shape};
use crate::types::Ty;
use crate::{File, Loaded, doc, header, lit, shapes};

/// The directory of a service's generated modules, from the workspace root.
pub(crate) fn generated_dir(model: &Model) -> PathBuf {
    PathBuf::from(&model.service.directory)
        .join("src")
        .join(&model.service.operations_module)
        .join("generated")
}

/// Every generated file of one service's crate.
pub(crate) fn crate_files(loaded: &Loaded) -> Result<Vec<File>, String> {
    let model = &loaded.model;
    let dir = generated_dir(model);
    let mut files = Vec::new();
    for op in &model.operations {
        let text = operation(loaded, op).map_err(|e| format!("{}: {e}", op.name))?;
        files.push(File {
            path: dir.join(format!("{}.rs", op.method)),
            text,
        });
    }
    if !model.shapes.is_empty() {
        files.push(File {
            path: dir.join("types.rs"),
            text: shapes::module(loaded)?,
        });
    }
    files.push(File {
        path: dir.join("mod.rs"),
        text: registry(loaded),
    });
    Ok(files)
}

/// The generated `mod.rs`: the modules, their builders and outputs, and `OPERATIONS`.
fn registry(loaded: &Loaded) -> String {
    let model = &loaded.model;
    let mut s = header(&loaded.source);
    let _ = writeln!(
        s,
        "//! The operations of {} {}, one module each, and their registry.\n",
        model.service.title, model.service.version
    );
    for op in &model.operations {
        let _ = writeln!(s, "pub mod {};", op.method);
    }
    if !model.shapes.is_empty() {
        s.push_str("pub mod types;\n");
    }
    s.push('\n');
    for op in &model.operations {
        let _ = writeln!(
            s,
            "pub use {}::{{{}, {}Output}};",
            op.method, op.name, op.name
        );
    }
    if !model.shapes.is_empty() {
        s.push_str("pub use types::*;\n");
    }
    s.push_str(
        "\n/// Every modelled operation of this crate, in the model's order: the registry the \
         fixtures, the fault suite and the coverage checks read.\n",
    );
    s.push_str("pub const OPERATIONS: &[cloudops_core::OperationSpec] = &[\n");
    for op in &model.operations {
        let _ = writeln!(s, "    {}::SPEC,", op.method);
    }
    s.push_str("];\n");
    s
}

/// A member's facts as the docs state them: wire name, type, required, constraints, example.
fn facts(m: &Member, ty: &Ty, input: bool) -> String {
    let mut parts = vec![format!("`{}`", m.wire)];
    let mut t = ty.describe();
    if m.encoding.as_deref() == Some("int01") {
        t.push_str(", sent as 0 or 1");
    }
    parts.push(t);
    if input {
        parts.push(if m.required { "required" } else { "optional" }.into());
    } else if m.optional {
        parts.push("may be absent".into());
    }
    if let Some((lo, hi)) = m.length {
        parts.push(format!("{lo} to {hi} characters"));
    }
    match m.range {
        Some((Some(lo), Some(hi))) => parts.push(format!("{lo} to {hi}")),
        Some((Some(lo), None)) => parts.push(format!("at least {lo}")),
        Some((None, Some(hi))) => parts.push(format!("at most {hi}")),
        _ => {}
    }
    if let Some((lo, hi)) = m.items {
        parts.push(format!("{lo} to {hi} items"));
    }
    if m.unique {
        parts.push("no repeated item".into());
    }
    if let Some(values) = &m.one_of {
        let v: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        parts.push(format!("one of {}", v.join(", ")));
    }
    if m.sensitive {
        parts.push("sensitive".into());
    }
    if let Some(e) = &m.example {
        parts.push(format!("example: `{e}`"));
    }
    parts.join("; ")
}

/// The checks of one input member: `value` is how the checks read it (a reference for
/// strings and lists, a value for numbers), `place` the member itself (for `.len()`).
fn checks(m: &Member, value: &str, place: &str, module: &str) -> String {
    let mut s = String::new();
    let name = lit(&m.name);
    if let Some((lo, hi)) = m.length {
        let _ = writeln!(s, "validate::length({name}, {value}, {lo}, {hi})?;");
    }
    match m.range {
        Some((Some(lo), Some(hi))) => {
            let _ = writeln!(s, "validate::range({name}, {value}, {lo}, {hi})?;");
        }
        Some((Some(lo), None)) => {
            let _ = writeln!(s, "validate::at_least({name}, {value}, {lo})?;");
        }
        Some((None, Some(hi))) => {
            let _ = writeln!(s, "validate::at_most({name}, {value}, {hi})?;");
        }
        _ => {}
    }
    if let Some((lo, hi)) = m.items {
        let _ = writeln!(s, "validate::count({name}, {place}.len(), {lo}, {hi})?;");
    }
    if m.unique {
        let _ = writeln!(s, "validate::unique({name}, {value})?;");
    }
    if let Some(values) = &m.one_of {
        let v: Vec<String> = values.iter().map(|v| lit(v)).collect();
        let _ = writeln!(
            s,
            "validate::one_of({name}, {value}, &[{}])?;",
            v.join(", ")
        );
    }
    if let Some(check) = &m.check {
        let _ = writeln!(s, "crate::{module}::checks::{check}({value})?;");
    }
    s
}

/// One operation's module.
fn operation(loaded: &Loaded, op: &Operation) -> Result<String, String> {
    let model = &loaded.model;
    match model.service.protocol {
        Protocol::Tc3Json => {}
    }
    let module = &model.service.operations_module;
    let shapes: &BTreeMap<String, Shape> = &model.shapes;
    let input: Vec<(&Member, Ty)> = op
        .input
        .iter()
        .map(|m| Ty::of(m, shapes).map(|t| (m, t)))
        .collect::<Result<_, _>>()?;
    let output: Vec<(&Member, Ty)> = op
        .output
        .iter()
        .map(|m| Ty::of(m, shapes).map(|t| (m, t)))
        .collect::<Result<_, _>>()?;
    for (m, _) in &input {
        if m.location() != "body" {
            return Err(format!(
                "member {}: the tc3-json protocol sends every member in the body",
                m.name
            ));
        }
    }
    let name = &op.name;
    let mut used_shapes = Vec::new();
    for (_, t) in input.iter().chain(&output) {
        t.shapes(&mut used_shapes);
    }

    let mut s = header(&loaded.source);
    let _ = writeln!(s, "//! `{name}`: {}.\n//!", op.summary);
    let _ = writeln!(s, "//! Documentation: <{}>\n", op.documentation);
    let validates = input.iter().any(|(m, _)| {
        m.length.is_some()
            || m.range.is_some()
            || m.items.is_some()
            || m.unique
            || m.one_of.is_some()
    });
    let mut core_uses = vec![
        "CallOptions",
        "Error",
        "Idempotency",
        "OperationSpec",
        "RequestId",
    ];
    if validates {
        core_uses.push("validate");
    }
    let _ = writeln!(s, "use cloudops_core::{{{}}};", core_uses.join(", "));
    s.push_str("use serde::{Deserialize, Serialize};\n\n");
    s.push_str("use crate::client::Client;\nuse crate::protocol::VENDOR;\n");
    if !used_shapes.is_empty() {
        let _ = writeln!(
            s,
            "#[doc(no_inline)]\npub use super::types::{{{}}};",
            used_shapes.join(", ")
        );
    }
    s.push('\n');

    // The spec.
    s.push_str("/// The operation as the pipeline sees it.\n///\n");
    s.push_str(&doc(&op.idempotency.reason));
    let idem = if op.idempotency.retry {
        "Idempotent"
    } else {
        "NonIdempotent"
    };
    let _ = writeln!(
        s,
        "pub const SPEC: OperationSpec = OperationSpec::new(VENDOR, {}, Idempotency::{idem});\n",
        lit(name)
    );

    // The wire input.
    let borrows = input
        .iter()
        .any(|(m, t)| !(t.is_copy() || m.encoding.is_some()));
    let lifetime = if borrows { "<'a>" } else { "" };
    let _ = writeln!(s, "#[derive(Debug, Serialize)]\nstruct Input{lifetime} {{");
    for (m, t) in &input {
        let wire_ty = if m.encoding.as_deref() == Some("int01") {
            "u8".to_string()
        } else if t.is_copy() {
            t.rust()
        } else {
            match t {
                Ty::Str => "&'a str".to_string(),
                Ty::List(inner) => format!("&'a [{}]", inner.rust()),
                other => format!("&'a {}", other.rust()),
            }
        };
        if m.required {
            let _ = writeln!(s, "    #[serde(rename = {})]", lit(&m.wire));
            let _ = writeln!(s, "    {}: {wire_ty},", m.name);
        } else {
            let _ = writeln!(
                s,
                "    #[serde(rename = {}, skip_serializing_if = \"Option::is_none\")]",
                lit(&m.wire)
            );
            let _ = writeln!(s, "    {}: Option<{wire_ty}>,", m.name);
        }
    }
    s.push_str("}\n\n");

    // The output.
    let eq = output.iter().all(|(_, t)| t.is_eq());
    let _ = writeln!(s, "/// What {name} returns.");
    let _ = writeln!(
        s,
        "#[derive(Debug, Clone, PartialEq{}, Deserialize)]\n#[non_exhaustive]",
        if eq { ", Eq" } else { "" }
    );
    let _ = writeln!(s, "pub struct {name}Output {{");
    for (m, t) in &output {
        s.push_str(&doc(&m.doc));
        s.push_str("///\n");
        s.push_str(&doc(&facts(m, t, false)));
        let _ = writeln!(s, "    #[serde(rename = {})]", lit(&m.wire));
        if m.optional {
            let _ = writeln!(s, "    pub {}: Option<{}>,", m.name, t.rust());
        } else {
            let _ = writeln!(s, "    pub {}: {},", m.name, t.rust());
        }
    }
    s.push_str("    /// The request id.\n    #[serde(rename = \"RequestId\")]\n    pub request_id: String,\n}\n\n");

    // The builder.
    let _ = writeln!(
        s,
        "/// A {name} call being built. Nothing is sent until [`{name}::send`]."
    );
    let _ = writeln!(
        s,
        "#[derive({}Clone)]\n#[must_use = \"nothing is sent until .send() is awaited\"]",
        if input.iter().any(|(m, _)| m.sensitive) {
            ""
        } else {
            "Debug, "
        }
    );
    let _ = writeln!(
        s,
        "pub struct {name} {{\n    client: Client,\n    options: CallOptions,"
    );
    for (m, t) in &input {
        if m.required {
            let _ = writeln!(s, "    {}: {},", m.name, t.rust());
        } else {
            let _ = writeln!(s, "    {}: Option<{}>,", m.name, t.rust());
        }
    }
    s.push_str("}\n\n");
    if input.iter().any(|(m, _)| m.sensitive) {
        let _ = writeln!(s, "impl std::fmt::Debug for {name} {{");
        s.push_str("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n");
        let _ = writeln!(s, "        f.debug_struct({})", lit(name));
        s.push_str("            .field(\"options\", &self.options)\n");
        for (m, _) in &input {
            if m.sensitive {
                let _ = writeln!(s, "            .field({}, &\"***\")", lit(&m.name));
            } else {
                let _ = writeln!(s, "            .field({}, &self.{})", lit(&m.name), m.name);
            }
        }
        s.push_str("            .finish_non_exhaustive()\n    }\n}\n\n");
    }

    let required: Vec<&(&Member, Ty)> = input.iter().filter(|(m, _)| m.required).collect();
    let _ = writeln!(s, "impl {name} {{");
    let params: Vec<String> = required
        .iter()
        .map(|(m, t)| format!("{}: {}", m.name, t.rust()))
        .collect();
    let _ = writeln!(
        s,
        "    pub(crate) fn new(client: Client{}{}) -> Self {{",
        if params.is_empty() { "" } else { ", " },
        params.join(", ")
    );
    let _ = writeln!(
        s,
        "        {name} {{\n            client,\n            options: CallOptions::default(),"
    );
    for (m, _) in &input {
        if m.required {
            let _ = writeln!(s, "            {},", m.name);
        } else {
            let _ = writeln!(s, "            {}: None,", m.name);
        }
    }
    s.push_str("        }\n    }\n\n");
    for (m, t) in input.iter().filter(|(m, _)| !m.required) {
        s.push_str(&doc(&m.doc));
        s.push_str("///\n");
        s.push_str(&doc(&facts(m, t, true)));
        let (param, conv) = setter_param(t);
        let _ = writeln!(
            s,
            "    pub fn {}(mut self, {}: {param}) -> Self {{\n        self.{} = Some({});\n        self\n    }}\n",
            m.name,
            m.name,
            m.name,
            conv.replace("{}", &m.name)
        );
    }
    s.push_str("    cloudops_core::call_option_setters!(options);\n\n");
    s.push_str("    /// Checks the input against the model's constraints and sends it.\n");
    if validates || input.iter().any(|(m, _)| m.check.is_some()) {
        s.push_str("    ///\n    /// Errors: [`Error::InvalidInput`] naming the member and the rule when a constraint fails (nothing is sent)");
        match &op.errors {
            Some(path) => {
                let _ = writeln!(
                    s,
                    "; service errors with the documented codes (see [`{path}`])."
                );
            }
            None => s.push_str("; service errors as the server answers them.\n"),
        }
    } else if let Some(path) = &op.errors {
        let _ = writeln!(
            s,
            "    ///\n    /// Errors: service errors with the documented codes (see [`{path}`])."
        );
    }
    let _ = writeln!(
        s,
        "    pub async fn send(self) -> Result<{name}Output, Error> {{"
    );
    for (m, t) in &input {
        let field = format!("self.{}", m.name);
        if m.required {
            let value = if t.is_copy() {
                field.clone()
            } else {
                format!("&{field}")
            };
            s.push_str(&checks(m, &value, &field, module));
        } else {
            let value = if t.is_copy() { "*v" } else { "v" };
            let c = checks(m, value, "v", module);
            if !c.is_empty() {
                let _ = writeln!(s, "        if let Some(v) = &{field} {{\n{c}        }}");
            }
        }
    }
    let _ = writeln!(s, "        let input = Input {{");
    for (m, t) in &input {
        let v = if m.encoding.as_deref() == Some("int01") {
            if m.required {
                format!("u8::from(self.{})", m.name)
            } else {
                format!("self.{}.map(u8::from)", m.name)
            }
        } else if t.is_copy() {
            format!("self.{}", m.name)
        } else if m.required {
            format!("&self.{}", m.name)
        } else if matches!(t, Ty::Str | Ty::List(_)) {
            format!("self.{}.as_deref()", m.name)
        } else {
            format!("self.{}.as_ref()", m.name)
        };
        let _ = writeln!(s, "            {}: {v},", m.name);
    }
    s.push_str("        };\n");
    s.push_str("        self.client\n            .invoke(&SPEC, SPEC.name.into(), &input, &self.options)\n            .await\n    }\n}\n\n");
    let _ = writeln!(
        s,
        "impl RequestId for {name}Output {{\n    fn request_id(&self) -> Option<&str> {{\n        Some(&self.request_id)\n    }}\n}}\n"
    );

    // The client's method.
    let _ = writeln!(s, "impl Client {{");
    let mut first = op.summary.clone();
    if let Some(c) = first.get(..1) {
        first = c.to_uppercase() + &first[1..];
    }
    let _ = writeln!(s, "    /// {first}. See [`{name}`].");
    let args: Vec<String> = required
        .iter()
        .map(|(m, t)| {
            let (param, _) = setter_param(t);
            format!("{}: {param}", m.name)
        })
        .collect();
    let conv: Vec<String> = required
        .iter()
        .map(|(m, t)| setter_param(t).1.replace("{}", &m.name))
        .collect();
    let _ = writeln!(
        s,
        "    pub fn {}(&self{}{}) -> {name} {{\n        {name}::new(self.clone(){}{})\n    }}\n}}",
        op.method,
        if args.is_empty() { "" } else { ", " },
        args.join(", "),
        if conv.is_empty() { "" } else { ", " },
        conv.join(", ")
    );
    Ok(s)
}

/// A setter's parameter type and the conversion to the stored type (`{}` is the name).
fn setter_param(t: &Ty) -> (String, String) {
    match t {
        Ty::Str => ("impl Into<String>".into(), "{}.into()".into()),
        Ty::List(inner) if **inner == Ty::Str => (
            "impl IntoIterator<Item = impl Into<String>>".into(),
            "{}.into_iter().map(Into::into).collect()".into(),
        ),
        other => (other.rust(), "{}".into()),
    }
}
