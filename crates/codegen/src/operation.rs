//! A vendor crate's generated modules: one per operation, the shapes, and the registry.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::model::{Member, Model, Operation, Protocol};
use crate::types::Ty;
use crate::{File, Loaded, doc, header, inner_doc, lit, shapes};

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
        let text = Op::new(model, op)
            .and_then(|o| o.module(loaded))
            .map_err(|e| format!("{}: {e}", op.name))?;
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

/// The generated `mod.rs`: the modules, their builders, outputs and specs, and `OPERATIONS`.
fn registry(loaded: &Loaded) -> String {
    let model = &loaded.model;
    let mut s = header(&loaded.source);
    s.push_str(&inner_doc(&format!(
        "The operations of {} {}, one module each, and their registry.",
        model.service.title, model.service.version
    )));
    s.push('\n');
    for op in &model.operations {
        s.push_str(&cfg(op));
        let _ = writeln!(s, "pub mod {};", op.method);
    }
    if !model.shapes.is_empty() {
        s.push_str("pub mod types;\n");
    }
    s.push('\n');
    for op in &model.operations {
        let output = if model.service.protocol == Protocol::OcpRest {
            String::new()
        } else {
            format!("{}Output, ", op.name)
        };
        s.push_str(&cfg(op));
        let _ = writeln!(
            s,
            "pub use {}::{{{}, {output}SPEC as {}}};",
            op.method,
            op.name,
            op.method.to_uppercase()
        );
    }
    if !model.shapes.is_empty() {
        // With none of the features that need them on, the types are all left out.
        s.push_str("#[allow(unused_imports)]\npub use types::*;\n");
    }
    s.push('\n');
    s.push_str(&doc(
        "Every modelled operation of this module built with the crate's features, in the \
         model's order: the registry the fixtures, the fault suite and the coverage checks read.",
    ));
    s.push_str("pub const OPERATIONS: &[cloudops_core::OperationSpec] = &[\n");
    for op in &model.operations {
        s.push_str(&cfg(op));
        let _ = writeln!(s, "    {}::SPEC,", op.method);
    }
    s.push_str("];\n");
    s
}

/// The `#[cfg(feature = ...)]` line of an operation behind a feature; empty otherwise.
pub(crate) fn cfg(op: &Operation) -> String {
    match &op.feature {
        Some(f) => format!("#[cfg(feature = {})]\n", lit(f)),
        None => String::new(),
    }
}

/// A member's facts as the docs state them: wire name, type, required, constraints, example.
pub(crate) fn facts(m: &Member, ty: &Ty, input: bool) -> String {
    let mut parts = vec![format!("`{}`", m.wire)];
    if input && m.location() != "body" {
        parts[0] = format!("`{}` ({})", m.wire, m.location());
    }
    let mut t = ty.describe();
    if m.encoding.as_deref() == Some("int01") {
        t.push_str(", sent as 0 or 1");
    }
    match m.format.as_deref() {
        Some("datetime") => t.push_str(" holding a date and time (`YYYY-MM-DD hh:mm:ss`)"),
        Some("datetime_iso") => t.push_str(" holding an ISO 8601 date and time"),
        _ => {}
    }
    parts.push(t);
    if input {
        parts.push(if m.required { "required" } else { "optional" }.into());
    } else if m.optional {
        parts.push("may be absent".into());
    }
    if m.non_empty {
        parts.push("not empty".into());
    }
    if let Some((lo, hi)) = m.length {
        if lo == hi {
            parts.push(format!("exactly {lo} characters"));
        } else {
            parts.push(format!("{lo} to {hi} characters"));
        }
    }
    if let Some(c) = &m.charset {
        parts.push(format!("{c} characters only"));
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
    if let Some((lo, hi)) = m.item_length {
        parts.push(format!("each item {lo} to {hi} characters"));
    }
    if m.unique {
        parts.push("no repeated item".into());
    }
    if let Some(values) = &m.one_of {
        let v: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        parts.push(format!("one of {}", v.join(", ")));
    }
    if m.default.as_deref() == Some("uuid") {
        parts.push("default: a new random UUID per call".into());
    }
    if m.sensitive {
        parts.push("sensitive".into());
    }
    if m.deprecated {
        parts.push("deprecated by the vendor".into());
    }
    if let Some(e) = &m.example {
        parts.push(format!("example: `{e}`"));
    }
    parts.join("; ")
}

/// The checks of one input member: `value` is how the checks read it (a reference for
/// strings and lists, a value for numbers), `place` the member itself (for `.len()`).
fn checks(m: &Member, value: &str, place: &str, module: &str) -> Result<String, String> {
    let mut s = String::new();
    let name = lit(&m.name);
    if m.non_empty {
        let _ = writeln!(s, "validate::non_empty({name}, {value})?;");
    }
    if let Some((lo, hi)) = m.length {
        let _ = writeln!(s, "validate::length({name}, {value}, {lo}, {hi})?;");
    }
    match m.charset.as_deref() {
        None => {}
        Some("alphanumeric") => {
            let _ = writeln!(
                s,
                "validate::charset({name}, {value}, \"letters and digits\", |c| c.is_ascii_alphanumeric())?;"
            );
        }
        Some(other) => return Err(format!("member {}: unknown charset {other:?}", m.name)),
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
    if let Some((lo, hi)) = m.item_length {
        let _ = writeln!(
            s,
            "for (i, item) in {place}.iter().enumerate() {{\n    validate::length(&format!(\"{}[{{i}}]\"), item, {lo}, {hi})?;\n}}",
            m.name
        );
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
    Ok(s)
}

/// A setter's parameter type and the conversion to the stored type (`{}` is the name).
pub(crate) fn setter_param(t: &Ty) -> (String, String) {
    match t {
        Ty::Str => ("impl Into<String>".into(), "{}.into()".into()),
        Ty::List(inner) if **inner == Ty::Str => (
            "impl IntoIterator<Item = impl Into<String>>".into(),
            "{}.into_iter().map(Into::into).collect()".into(),
        ),
        other => (other.rust(), "{}".into()),
    }
}

/// One operation with its members' types resolved.
struct Op<'m> {
    model: &'m Model,
    op: &'m Operation,
    input: Vec<(&'m Member, Ty)>,
    output: Vec<(&'m Member, Ty)>,
    /// Huawei: the path template has `{project_id}`, resolved by the client.
    project: bool,
}

impl<'m> Op<'m> {
    fn new(model: &'m Model, op: &'m Operation) -> Result<Self, String> {
        let resolve = |members: &'m [Member]| {
            members
                .iter()
                .map(|m| Ty::of(m, &model.shapes).map(|t| (m, t)))
                .collect::<Result<Vec<_>, String>>()
        };
        let input = resolve(&op.input)?;
        let output = resolve(&op.output)?;
        let project =
            model.service.protocol == Protocol::HuaweiRest && op.http.path.contains("{project_id}");
        if model.service.protocol == Protocol::OcpRest {
            if op.data.is_none() {
                return Err("an ocp-rest operation names its `data` type".into());
            }
            if !op.output.is_empty() {
                return Err("an ocp-rest operation's output is its `data` type".into());
            }
        }
        for (m, _) in &input {
            match (model.service.protocol, m.location()) {
                (Protocol::Tc3Json, "body") => {}
                (Protocol::Tc3Json, other) => {
                    return Err(format!(
                        "member {}: the tc3-json protocol sends every member in the body, not the {other}",
                        m.name
                    ));
                }
                (Protocol::HuaweiRest, "body" | "header" | "query" | "form") => {}
                (Protocol::HuaweiRest | Protocol::OcpRest, "path") => {
                    if !op.http.path.contains(&format!("{{{}}}", m.wire)) {
                        return Err(format!(
                            "member {}: {{{}}} is not in the path",
                            m.name, m.wire
                        ));
                    }
                    if !m.required {
                        return Err(format!("member {}: a path member is required", m.name));
                    }
                }
                (_, other) => return Err(format!("member {}: unknown location {other:?}", m.name)),
            }
        }
        for (m, t) in &input {
            if (*t == Ty::File && m.location() != "form")
                || *t == Ty::Download
                || (m.location() == "form"
                    && !matches!(t, Ty::Str | Ty::Bool | Ty::Int(_) | Ty::Float | Ty::File))
            {
                return Err(format!(
                    "member {}: a file goes in a form, and a form holds text, numbers and files",
                    m.name
                ));
            }
        }
        if input.iter().any(|(m, _)| m.location() == "form")
            && input.iter().any(|(m, _)| m.location() == "body")
        {
            return Err("an operation sends a JSON body or a form, not both".into());
        }
        for (m, t) in &output {
            match m.location() {
                "body" if *t == Ty::File || *t == Ty::Download => {
                    return Err(format!("member {}: a download is the whole answer", m.name));
                }
                "body" => {}
                "answer" if model.service.protocol == Protocol::HuaweiRest && output.len() == 1 => {
                    // A download is always there (maybe empty); a JSON value may be null.
                    if m.optional == (*t == Ty::Download) {
                        return Err(format!(
                            "member {}: a JSON answer is optional, a download is not",
                            m.name
                        ));
                    }
                }
                other => {
                    return Err(format!(
                        "output member {}: location {other:?} is not `body` or, alone, `answer`",
                        m.name
                    ));
                }
            }
        }
        Ok(Op {
            model,
            op,
            input,
            output,
            project,
        })
    }

    fn huawei(&self) -> bool {
        self.model.service.protocol == Protocol::HuaweiRest
    }

    /// The answer is a downloaded file, not JSON.
    fn downloads(&self) -> bool {
        self.output.iter().any(|(_, t)| *t == Ty::Download)
    }

    /// The members of the `multipart/form-data` body.
    fn form_members(&self) -> Vec<&(&'m Member, Ty)> {
        self.input
            .iter()
            .filter(|(m, _)| m.location() == "form")
            .collect()
    }

    fn module(&self, loaded: &Loaded) -> Result<String, String> {
        let op = self.op;
        let name = &op.name;
        // Every shape the members reach, so each is also at the operation's path.
        let used_shapes: Vec<String> = shapes::reachable(
            self.model,
            self.input.iter().chain(&self.output).map(|(m, _)| *m),
            op.data.as_ref(),
        )?
        .into_iter()
        .collect();
        let mut s = header(&loaded.source);
        let first = if self.model.service.protocol != Protocol::Tc3Json {
            format!(
                "`{name}`: `{} {}`, {}.",
                op.http.method, op.http.path, op.summary
            )
        } else {
            format!("`{name}`: {}.", op.summary)
        };
        s.push_str(&inner_doc(&first));
        s.push_str("//!\n");
        match &op.documentation {
            Some(url) => {
                let _ = writeln!(s, "//! Documentation: <{url}>");
            }
            None => s.push_str("//! No documentation page is linked for it.\n"),
        }
        if let Some(notes) = &op.notes {
            s.push_str("//!\n");
            s.push_str(&inner_doc(notes));
        }
        s.push('\n');
        let mut core_uses = vec!["CallOptions", "Error", "Idempotency", "OperationSpec"];
        match self.model.service.protocol {
            Protocol::Tc3Json => core_uses.push("RequestId"),
            Protocol::HuaweiRest => core_uses.extend(["Method", "Request", "RequestId"]),
            Protocol::OcpRest => core_uses.push("Method"),
        }
        let body = self.body_members();
        let items = self.items(&body)?;
        // The checks decide whether the validation helpers are needed.
        if items.contains("validate::") {
            core_uses.push("validate");
        }
        core_uses.sort_unstable();
        let _ = writeln!(s, "use cloudops_core::{{{}}};", core_uses.join(", "));
        if self.model.service.protocol == Protocol::OcpRest {
            s.push('\n');
        }
        match (self.model.service.protocol, body.is_empty()) {
            (Protocol::OcpRest, _) => {}
            (Protocol::HuaweiRest, true) if self.downloads() => {}
            (Protocol::HuaweiRest, true) => s.push_str("use serde::Deserialize;\n\n"),
            _ => s.push_str("use serde::{Deserialize, Serialize};\n\n"),
        }
        s.push_str("use crate::client::Client;\n");
        if self.huawei() {
            s.push_str("use crate::endpoint::Service;\n");
            if op.errors_in_body {
                s.push_str("use crate::error::{HuaweiProtocol, VENDOR};\n");
            } else {
                s.push_str("use crate::error::VENDOR;\n");
            }
        } else if self.model.service.protocol == Protocol::OcpRest {
            s.push_str("use crate::protocol::{OcpResponse, VENDOR};\n");
        } else {
            s.push_str("use crate::protocol::VENDOR;\n");
        }
        if !used_shapes.is_empty() {
            let _ = writeln!(
                s,
                "#[doc(no_inline)]\npub use super::types::{{{}}};",
                used_shapes.join(", ")
            );
        }
        s.push('\n');
        s.push_str(&items);
        Ok(s)
    }

    /// Everything after the imports: the spec, the serialized input, the output, the builder
    /// and the client's method.
    fn items(&self, body: &[&(&'m Member, Ty)]) -> Result<String, String> {
        let op = self.op;
        let name = &op.name;
        let mut s = String::new();
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

        // A Tencent action without input members still sends `{}`.
        if !body.is_empty() || self.model.service.protocol == Protocol::Tc3Json {
            s.push_str(&self.wire_input(body));
        }
        if self.model.service.protocol != Protocol::OcpRest {
            s.push_str(&self.output_struct());
        }
        s.push_str(&self.builder()?);
        s.push_str(&self.client_method());
        if let Some(p) = &op.paginate {
            s.push_str(&self.pagination(p)?);
        }
        Ok(s)
    }

    /// The members of the JSON body.
    fn body_members(&self) -> Vec<&(&'m Member, Ty)> {
        self.input
            .iter()
            .filter(|(m, _)| m.location() == "body")
            .collect()
    }

    /// The serialized body: borrowed from the builder.
    fn wire_input(&self, body: &[&(&Member, Ty)]) -> String {
        let mut s = String::new();
        let borrows = body
            .iter()
            .any(|(m, t)| !(t.is_copy() || m.encoding.is_some()));
        let lifetime = if borrows { "<'a>" } else { "" };
        let _ = writeln!(s, "#[derive(Debug, Serialize)]\nstruct Input{lifetime} {{");
        for (m, t) in body {
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
            let rename = if m.wire == m.name {
                String::new()
            } else {
                format!("rename = {}", lit(&m.wire))
            };
            if m.required {
                if !rename.is_empty() {
                    let _ = writeln!(s, "    #[serde({rename})]");
                }
                let _ = writeln!(s, "    {}: {wire_ty},", m.name);
            } else {
                let skip = "skip_serializing_if = \"Option::is_none\"";
                if rename.is_empty() {
                    let _ = writeln!(s, "    #[serde({skip})]");
                } else {
                    let _ = writeln!(s, "    #[serde({rename}, {skip})]");
                }
                let _ = writeln!(s, "    {}: Option<{wire_ty}>,", m.name);
            }
        }
        s.push_str("}\n\n");
        s
    }

    fn output_struct(&self) -> String {
        let name = &self.op.name;
        let mut s = String::new();
        let eq = self.output.iter().all(|(_, t)| t.is_eq(&self.model.shapes));
        let _ = writeln!(s, "/// What {name} returns.");
        if self.downloads() {
            // The answer's body as it came: nothing to decode.
            s.push_str("#[derive(Debug, Clone, PartialEq, Eq)]\n#[non_exhaustive]\n");
            let _ = writeln!(s, "pub struct {name}Output {{");
            for (m, t) in &self.output {
                s.push_str(&doc(
                    "The file the answer holds, with its media type and the name it gives.",
                ));
                s.push_str("///\n");
                s.push_str(&doc(&facts(m, t, false)));
                let _ = writeln!(s, "    pub {}: {},", m.name, t.rust());
            }
            s.push_str("    /// The request id (`X-Request-Id`).\n    pub request_id: Option<String>,\n}\n\n");
            let _ = writeln!(
                s,
                "impl RequestId for {name}Output {{\n    fn request_id(&self) -> Option<&str> {{\n        self.request_id.as_deref()\n    }}\n}}\n"
            );
            return s;
        }
        let _ = writeln!(
            s,
            "#[derive(Debug, Clone, PartialEq{}, Deserialize)]",
            if eq { ", Eq" } else { "" }
        );
        s.push_str(&shapes::serialize_attr(self.model));
        let answer = self.output.iter().find(|(m, _)| m.location() == "answer");
        if answer.is_some() {
            // The whole answer is one value (a list, a string), not an object of members.
            s.push_str("#[serde(transparent)]\n");
        }
        s.push_str("#[non_exhaustive]\n");
        let _ = writeln!(s, "pub struct {name}Output {{");
        let usage = shapes::Usage {
            input: false,
            output: true,
        };
        if let Some((m, t)) = answer {
            s.push_str(&doc(
                "The whole answer; none when the body is empty or `null`.",
            ));
            s.push_str("///\n");
            s.push_str(&doc(&facts(m, t, false)));
            let _ = writeln!(s, "    pub {}: Option<{}>,", m.name, t.rust());
        }
        for (m, t) in self.output.iter().filter(|(m, _)| m.location() != "answer") {
            s.push_str(&shapes::field(m, t, &usage));
        }
        for (m, _) in self.input.iter().filter(|(m, _)| m.echo) {
            let _ = writeln!(
                s,
                "    /// The `{}` this call sent (the same on every retry).\n    #[serde(skip)]\n    pub {}: String,",
                m.wire, m.name
            );
        }
        if self.huawei() {
            s.push_str("    /// The request id (`X-Request-Id`).\n    #[serde(skip)]\n    pub request_id: Option<String>,\n}\n\n");
        } else {
            s.push_str("    /// The request id.\n    #[serde(rename = \"RequestId\")]\n    pub request_id: String,\n}\n\n");
        }
        let rid = if self.huawei() {
            "self.request_id.as_deref()"
        } else {
            "Some(&self.request_id)"
        };
        let _ = writeln!(
            s,
            "impl RequestId for {name}Output {{\n    fn request_id(&self) -> Option<&str> {{\n        {rid}\n    }}\n}}\n"
        );
        s
    }

    fn builder(&self) -> Result<String, String> {
        let op = self.op;
        let name = &op.name;
        let mut s = String::new();
        s.push_str(&doc(&format!(
            "A {name} call being built. Nothing is sent until [`{name}::send`]."
        )));
        if !op.idempotency.retry {
            s.push_str("///\n");
            s.push_str(&doc(&op.idempotency.reason));
        }
        let sensitive = self.input.iter().any(|(m, _)| m.sensitive);
        let _ = writeln!(
            s,
            "#[derive({}Clone)]\n#[must_use = \"nothing is sent until .send() is awaited\"]",
            if sensitive { "" } else { "Debug, " }
        );
        let _ = writeln!(
            s,
            "pub struct {name} {{\n    client: Client,\n    options: CallOptions,"
        );
        for (m, t) in &self.input {
            if m.required {
                let _ = writeln!(s, "    {}: {},", m.name, t.rust());
            } else {
                let _ = writeln!(s, "    {}: Option<{}>,", m.name, t.rust());
            }
        }
        if self.project {
            s.push_str("    project_id: Option<String>,\n");
        }
        s.push_str("}\n\n");
        if sensitive {
            let _ = writeln!(s, "impl std::fmt::Debug for {name} {{");
            s.push_str(
                "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n",
            );
            let _ = writeln!(s, "        f.debug_struct({})", lit(name));
            s.push_str("            .field(\"options\", &self.options)\n");
            for (m, _) in &self.input {
                if m.sensitive {
                    let _ = writeln!(s, "            .field({}, &\"***\")", lit(&m.name));
                } else {
                    let _ = writeln!(s, "            .field({}, &self.{})", lit(&m.name), m.name);
                }
            }
            s.push_str("            .finish_non_exhaustive()\n    }\n}\n\n");
        }

        let _ = writeln!(s, "impl {name} {{");
        let params: Vec<String> = self
            .input
            .iter()
            .filter(|(m, _)| m.required)
            .map(|(m, t)| format!("{}: {}", m.name, t.rust()))
            .collect();
        if params.len() > 6 {
            s.push_str("    #[allow(clippy::too_many_arguments)]\n");
        }
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
        for (m, _) in &self.input {
            if m.required {
                let _ = writeln!(s, "            {},", m.name);
            } else {
                let _ = writeln!(s, "            {}: None,", m.name);
            }
        }
        if self.project {
            s.push_str("            project_id: None,\n");
        }
        s.push_str("        }\n    }\n\n");
        s.push_str("    cloudops_core::call_option_setters!(options);\n\n");
        for (m, t) in self.input.iter().filter(|(m, _)| !m.required) {
            if m.doc.is_empty() {
                s.push_str(&doc(&format!("Sets `{}`.", m.wire)));
            } else {
                s.push_str(&doc(&m.doc));
            }
            s.push_str("///\n");
            s.push_str(&doc(&facts(m, t, true)));
            let (param, conv) = setter_param(t);
            let _ = writeln!(
                s,
                "    pub fn {0}(mut self, {0}: {param}) -> Self {{\n        self.{0} = Some({1});\n        self\n    }}\n",
                m.name,
                conv.replace("{}", &m.name)
            );
        }
        if self.project {
            s.push_str("    /// The project id for this call (default: the client's).\n    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {\n        self.project_id = Some(project_id.into());\n        self\n    }\n\n");
        }
        s.push_str(&self.send()?);
        s.push_str("}\n\n");
        Ok(s)
    }

    fn send(&self) -> Result<String, String> {
        let op = self.op;
        let name = &op.name;
        let module = &self.model.service.operations_module;
        let mut s = String::new();
        s.push_str(&doc(if op.idempotency.retry {
            "Checks the input against the model's constraints and sends it."
        } else {
            "Checks the input against the model's constraints and sends it, at most once past the point where it may have been processed."
        }));
        let validating = self.project || self.input.iter().any(|(m, _)| validates(m));
        let service = match &op.errors {
            Some(path) => format!("service errors with the documented codes (see [`{path}`])."),
            None => "service errors as the server answers them.".to_string(),
        };
        if validating {
            s.push_str("///\n");
            s.push_str(&doc(&format!(
                "Errors: [`Error::InvalidInput`] naming the member and the rule when a constraint fails (nothing is sent); {service}"
            )));
        } else if op.errors.is_some() {
            s.push_str("///\n");
            s.push_str(&doc(&format!("Errors: {service}")));
        }
        let output = match &op.data {
            Some(data) if self.model.service.protocol == Protocol::OcpRest => {
                format!("OcpResponse<{data}>")
            }
            _ => format!("{name}Output"),
        };
        let _ = writeln!(
            s,
            "    pub async fn send(self) -> Result<{output}, Error> {{"
        );
        // Members that default to a value: chosen once, before the checks.
        for (m, _) in self.input.iter().filter(|(m, _)| m.default.is_some()) {
            let _ = writeln!(
                s,
                "        let {0} = self.{0}.unwrap_or_else(cloudops_core::id::uuid_v4);",
                m.name
            );
        }
        for (m, t) in &self.input {
            let field = if m.default.is_some() {
                m.name.clone()
            } else {
                format!("self.{}", m.name)
            };
            if m.required || m.default.is_some() {
                let value = if t.is_copy() {
                    field.clone()
                } else {
                    format!("&{field}")
                };
                s.push_str(&checks(m, &value, &field, module)?);
            } else {
                let value = if t.is_copy() { "*v" } else { "v" };
                let c = checks(m, value, "v", module)?;
                if !c.is_empty() {
                    let _ = writeln!(s, "        if let Some(v) = &{field} {{\n{c}        }}");
                }
            }
            if m.location() == "header" && !matches!(t, Ty::Language) {
                let _ = writeln!(
                    s,
                    "        validate::header_value({}, &{field})?;",
                    lit(&m.name)
                );
            }
        }
        match self.model.service.protocol {
            Protocol::Tc3Json => {
                s.push_str(&self.tc3_send());
            }
            Protocol::HuaweiRest => {
                s.push_str(&self.huawei_send()?);
            }
            Protocol::OcpRest => {
                s.push_str(&self.ocp_send());
            }
        }
        s.push_str("    }\n");
        Ok(s)
    }

    /// The `Input` value borrowed from the builder.
    fn input_value(&self) -> String {
        let mut s = String::from("Input {\n");
        for (m, t) in self.body_members() {
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
        s.push_str("        }");
        s
    }

    /// The `multipart/form-data` body, its fields in the model's order: required ones always,
    /// optional ones when set.
    fn form_value(&self, form: &[&(&Member, Ty)]) -> String {
        let mut s = String::from("        let mut form = cloudops_core::multipart::Form::new();\n");
        for (m, t) in form {
            let add = |v: &str| match t {
                Ty::File => format!("form.file({}, {v})", lit(&m.wire)),
                Ty::Str => format!("form.text({}, String::as_str({v}))", lit(&m.wire)),
                _ => format!("form.text({}, ToString::to_string({v}))", lit(&m.wire)),
            };
            if m.required {
                let _ = writeln!(s, "        form = {};", add(&format!("&self.{}", m.name)));
            } else {
                let _ = writeln!(
                    s,
                    "        if let Some(v) = &self.{} {{\n            form = {};\n        }}",
                    m.name,
                    add("v")
                );
            }
        }
        s.push_str("        let (content_type, body) = form.encode();\n");
        s
    }

    fn tc3_send(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "        let input = {};", self.input_value());
        s.push_str("        self.client\n            .invoke(&SPEC, SPEC.name.into(), &input, &self.options)\n            .await\n");
        s
    }

    fn ocp_send(&self) -> String {
        let op = self.op;
        let mut s = String::new();
        // Integer path members are written as numbers; string ones as encoded segments.
        let mut path = String::new();
        let mut args = Vec::new();
        let mut rest = op.http.path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            path.push_str(&rest[..open]);
            path.push_str("{}");
            let var = &rest[open + 1..open + close];
            if let Some((m, t)) = self
                .input
                .iter()
                .find(|(m, _)| m.location() == "path" && m.wire == var)
            {
                if t.is_copy() {
                    args.push(format!("self.{}", m.name));
                } else {
                    let _ = writeln!(
                        s,
                        "        let {0}_segment = validate::encoded_segment({1}, &self.{0})?;",
                        m.name,
                        lit(&m.name)
                    );
                    args.push(format!("{}_segment", m.name));
                }
            }
            rest = &rest[open + close + 1..];
        }
        path.push_str(rest);
        let method = http_method(&op.http.method);
        if args.is_empty() {
            let _ = writeln!(s, "        let path = {}.to_string();", lit(&path));
        } else {
            let _ = writeln!(
                s,
                "        let path = format!({}, {});",
                lit(&path),
                args.join(", ")
            );
        }
        let _ = writeln!(
            s,
            "        self.client\n            .call(&SPEC, Method::{method}, path, &self.options)\n            .await"
        );
        s
    }

    fn huawei_send(&self) -> Result<String, String> {
        let op = self.op;
        let mut s = String::new();
        // Path members other than the project, encoded as segments.
        for (m, _) in self.input.iter().filter(|(m, _)| m.location() == "path") {
            let _ = writeln!(
                s,
                "        let {0}_segment = validate::encoded_segment({1}, &self.{0})?;",
                m.name,
                lit(&m.name)
            );
        }
        let body = self.body_members();
        if !body.is_empty() {
            let _ = writeln!(
                s,
                "        let body = serde_json::to_vec(&{})\n            .map_err(|e| Error::invalid_input(\"input\", format!(\"cannot be encoded: {{e}}\")))?;",
                self.input_value()
            );
        }
        let form = self.form_members();
        if !form.is_empty() {
            s.push_str(&self.form_value(&form));
        }
        // The path, from its template.
        let mut pieces = Vec::new();
        let mut rest = op.http.path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            if open > 0 {
                pieces.push(lit(&rest[..open]));
            }
            let var = &rest[open + 1..open + close];
            if var == "project_id" {
                pieces.push("&project".to_string());
            } else {
                let member = self
                    .input
                    .iter()
                    .find(|(m, _)| m.location() == "path" && m.wire == var)
                    .map(|(m, _)| m.name.clone())
                    .unwrap_or_else(|| var.to_string());
                pieces.push(format!("&{member}_segment"));
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(lit(rest));
        }
        let path = if pieces.len() == 1 && pieces[0].starts_with('"') {
            pieces[0].clone()
        } else {
            format!("[{}].concat()", pieces.join(", "))
        };
        let service = self
            .model
            .service
            .endpoint_service
            .clone()
            .unwrap_or_else(|| "Unknown".into());
        let method = http_method(&op.http.method);
        let mut build =
            format!("Request::new(Method::{method}, client.endpoint(Service::{service})?, {path})");
        let content_type = op.content_type.as_deref().unwrap_or("application/json");
        if !body.is_empty() {
            let _ = write!(build, "\n.with_body({}, body)", lit(content_type));
        } else if !form.is_empty() {
            build.push_str("\n.with_body(&content_type, body)");
        } else if op.content_type.is_some() {
            let _ = write!(
                build,
                "\n.with_static_header(\"content-type\", {})",
                lit(content_type)
            );
        }
        if self.project {
            build.push_str("\n.with_header(\"x-project-id\", project_id)");
        }
        let mut language = String::new();
        // Query members, in the model's order: required ones always, optional ones when set.
        for (m, t) in self.input.iter().filter(|(m, _)| m.location() == "query") {
            let text = |v: &str| match t {
                Ty::Str => format!("{v}.clone()"),
                _ => format!("{v}.to_string()"),
            };
            if m.required {
                let _ = write!(
                    build,
                    "\n.with_query({}, {})",
                    lit(&m.wire),
                    text(&format!("self.{}", m.name))
                );
            } else {
                let _ = writeln!(
                    language,
                    "if let Some(v) = &self.{} {{\n    request.query.push(({}.into(), {}));\n}}",
                    m.name,
                    lit(&m.wire),
                    text("v")
                );
            }
        }
        for (m, t) in self.input.iter().filter(|(m, _)| m.location() == "header") {
            let header = m.wire.to_ascii_lowercase();
            if matches!(t, Ty::Language) {
                let _ = writeln!(
                    language,
                    "if let Some(lang) = self.{}.or(client.language()) {{\n    request.headers.set_static({}, lang.lowercase_tag());\n}}",
                    m.name,
                    lit(&header)
                );
            } else if m.default.is_some() {
                let _ = write!(
                    build,
                    "\n.with_header({}, {}.clone())",
                    lit(&header),
                    m.name
                );
            } else if m.required {
                let _ = write!(
                    build,
                    "\n.with_header({}, self.{}.clone())",
                    lit(&header),
                    m.name
                );
            } else {
                let _ = writeln!(
                    language,
                    "if let Some(v) = &self.{} {{\n    request.headers.set({}, v.clone());\n}}",
                    m.name,
                    lit(&header)
                );
            }
        }
        let engine = if op.errors_in_body {
            "client\n.engine()\n.with_protocol(HuaweiProtocol::with_body_error_code())"
        } else {
            "client.engine()"
        };
        s.push_str("        let client = &self.client;\n");
        let call = if self.downloads() { "_download" } else { "" };
        let finish = if language.is_empty() {
            format!("let request = {build};")
        } else {
            format!("let mut request = {build};\n{}", language.trim_end())
        };
        if self.project {
            s.push_str(
                "        // The project id may have to be asked of IAM: within the call's deadline.\n",
            );
            s.push_str("        let request = async {\n");
            s.push_str(
                "            let project_id = client.project_id(self.project_id.as_deref()).await?;\n",
            );
            if let Some(rules) = &self.model.service.project_id {
                s.push_str(&checks(
                    rules,
                    "&project_id",
                    "project_id",
                    &self.model.service.operations_module,
                )?);
            }
            s.push_str(
                "            let project = validate::encoded_segment(\"project_id\", &project_id)?;\n",
            );
            let _ = writeln!(
                s,
                "            {finish}\n            Ok(request)\n        }};"
            );
            let _ = writeln!(
                s,
                "        let decoded = {engine}\n            .call_prepared{call}(&SPEC, &self.options, request)\n            .await?;"
            );
        } else {
            let _ = writeln!(s, "        {finish}");
            let _ = writeln!(
                s,
                "        let decoded = {engine}\n            .call{call}(&SPEC, request, &self.options)\n            .await?;"
            );
        }
        if self.downloads() {
            let (m, _) = &self.output[0];
            let _ = writeln!(
                s,
                "        Ok({}Output {{\n            {}: decoded.output,\n            request_id: decoded.request_id,\n        }})",
                op.name, m.name
            );
            return Ok(s);
        }
        let _ = writeln!(
            s,
            "        let mut out: {}Output = decoded.output;",
            op.name
        );
        for (m, _) in self.input.iter().filter(|(m, _)| m.echo) {
            if m.default.is_some() {
                let _ = writeln!(s, "        out.{0} = {0};", m.name);
            } else {
                let _ = writeln!(s, "        out.{0} = self.{0};", m.name);
            }
        }
        s.push_str("        out.request_id = decoded.request_id;\n        Ok(out)\n");
        Ok(s)
    }

    /// `Paginated` for a listing's builder, and its `into_pages` and `into_items`.
    fn pagination(&self, p: &crate::model::Paginate) -> Result<String, String> {
        let name = &self.op.name;
        fn find<'a>(list: &[(&'a Member, Ty)], member: &str) -> Result<(&'a Member, Ty), String> {
            list.iter()
                .find(|(m, _)| m.name == member)
                .map(|(m, t)| (*m, t.clone()))
                .ok_or_else(|| format!("paginate: no member {member}"))
        }
        let (offset, offset_ty) = find(&self.input, &p.offset)?;
        let (items, items_ty) = find(&self.output, &p.items)?;
        let Ty::List(item) = &items_ty else {
            return Err(format!("paginate: {} is not a list", p.items));
        };
        let offset_rust = offset_ty.rust();
        let set = match (offset_rust.as_str(), offset.required) {
            ("u64", false) => "Some(offset)".to_string(),
            ("u64", true) => "offset".to_string(),
            (t, false) => format!("Some({t}::try_from(offset).unwrap_or({t}::MAX))"),
            (t, true) => format!("{t}::try_from(offset).unwrap_or({t}::MAX)"),
        };
        let unsigned = offset_rust == "u64";
        let start = match (offset.required, unsigned) {
            (true, true) => format!("self.{}", offset.name),
            (true, false) => format!("u64::try_from(self.{}).unwrap_or(0)", offset.name),
            (false, true) => format!("self.{}.unwrap_or(0)", offset.name),
            (false, false) => format!(
                "self.{}.map_or(0, |o| u64::try_from(o).unwrap_or(0))",
                offset.name
            ),
        };
        let items_expr = if items.optional {
            format!("output.{}.as_deref().unwrap_or_default()", items.name)
        } else {
            format!("&output.{}", items.name)
        };
        let total_expr = match &p.total {
            None => "None".to_string(),
            Some(t) => {
                let (total, total_ty) = find(&self.output, t)?;
                match (total.optional, total_ty.rust() == "u64") {
                    (true, true) => format!("output.{}", total.name),
                    (true, false) => {
                        format!("output.{}.and_then(|t| u64::try_from(t).ok())", total.name)
                    }
                    (false, true) => format!("Some(output.{})", total.name),
                    (false, false) => format!("u64::try_from(output.{}).ok()", total.name),
                }
            }
        };
        let mut s = String::new();
        let _ = writeln!(
            s,
            "impl cloudops_core::paginate::Paginated for {name} {{
    type Output = {name}Output;
    type Item = {item};

    fn with_offset(mut self, offset: u64) -> Self {{
        self.{off} = {set};
        self
    }}

    fn send_page(self) -> impl std::future::Future<Output = Result<Self::Output, Error>> + Send {{
        self.send()
    }}

    fn items(output: &Self::Output) -> &[Self::Item] {{
        {items_expr}
    }}

    fn total({total_arg}: &Self::Output) -> Option<u64> {{
        {total_expr}
    }}
}}
",
            item = item.rust(),
            off = offset.name,
            total_arg = if p.total.is_some() { "output" } else { "_" },
        );
        let total_doc = match &p.total {
            Some(t) => format!(
                "when the items read reach `{}`",
                find(&self.output, t)?.0.wire
            ),
            None => "at an empty page".to_string(),
        };
        let _ = writeln!(
            s,
            "impl {name} {{
{}    pub fn into_pages(self) -> cloudops_core::paginate::Pages<Self> {{
        let start = {start};
        cloudops_core::paginate::Pages::new(self, start)
    }}

{}    pub fn into_items(self) -> cloudops_core::paginate::Items<Self> {{
        self.into_pages().items()
    }}
}}",
            doc(&format!(
                "Every page of the listing, one call each with this call's options, from the `{}` set here (or 0); it ends at an empty page or {total_doc}, and reads at most `max_pages` pages.",
                offset.wire
            )),
            doc(&format!(
                "Every item (`{}`) of every page; see [`into_pages`]({name}::into_pages).",
                items.wire
            )),
        );
        Ok(s)
    }

    fn client_method(&self) -> String {
        let op = self.op;
        let name = &op.name;
        let mut s = String::new();
        let _ = writeln!(s, "impl Client {{");
        let mut first = op.summary.clone();
        if let Some(c) = first.get(..1) {
            first = c.to_uppercase() + &first[1..];
        }
        s.push_str(&doc(&format!("{first}. See [`{name}`].")));
        let required: Vec<&(&Member, Ty)> = self.input.iter().filter(|(m, _)| m.required).collect();
        // A list of strings is taken as any iterator of anything that becomes a string, with
        // named type parameters (callers may name them).
        let mut generics = Vec::new();
        let mut bounds = Vec::new();
        let args: Vec<String> = required
            .iter()
            .map(|(m, t)| match t {
                Ty::List(inner) if **inner == Ty::Str => {
                    let k = generics.len() / 2;
                    let (i, item) = if k == 0 {
                        ("I".to_string(), "S".to_string())
                    } else {
                        (format!("I{k}"), format!("S{k}"))
                    };
                    bounds.push(format!("{i}: IntoIterator<Item = {item}>"));
                    bounds.push(format!("{item}: Into<String>"));
                    generics.push(i.clone());
                    generics.push(item);
                    format!("{}: {i}", m.name)
                }
                _ => format!("{}: {}", m.name, setter_param(t).0),
            })
            .collect();
        let conv: Vec<String> = required
            .iter()
            .map(|(m, t)| setter_param(t).1.replace("{}", &m.name))
            .collect();
        let (params, clause) = if generics.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("<{}>", generics.join(", ")),
                format!(" where {}", bounds.join(", ")),
            )
        };
        // The client and the builder's constructor take every required member.
        if args.len() > 6 {
            s.push_str("    #[allow(clippy::too_many_arguments)]\n");
        }
        let _ = writeln!(
            s,
            "    pub fn {}{params}(&self{}{}) -> {name}{clause} {{\n        {name}::new(self.clone(){}{})\n    }}\n}}",
            op.method,
            if args.is_empty() { "" } else { ", " },
            args.join(", "),
            if conv.is_empty() { "" } else { ", " },
            conv.join(", ")
        );
        s
    }
}

/// The `Method` variant of an HTTP method.
fn http_method(method: &str) -> &'static str {
    match method {
        "GET" => "Get",
        "POST" => "Post",
        "PUT" => "Put",
        "DELETE" => "Delete",
        "PATCH" => "Patch",
        _ => "Head",
    }
}

/// Whether a member has a rule the generated code checks.
fn validates(m: &Member) -> bool {
    m.length.is_some()
        || m.non_empty
        || m.charset.is_some()
        || m.range.is_some()
        || m.items.is_some()
        || m.item_length.is_some()
        || m.unique
        || m.one_of.is_some()
        || m.location() == "header"
        || m.location() == "path"
}
