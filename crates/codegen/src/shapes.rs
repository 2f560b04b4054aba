//! The named shapes of a service: `types.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::{EnumValue, Member, Model, Shape};
use crate::operation::facts;
use crate::types::Ty;
use crate::{Loaded, doc, header, lit};

/// How a struct field is read and written.
pub(crate) struct Usage {
    /// Sent: serialized, optional members skipped when unset.
    pub input: bool,
    /// Received: deserialized, optional members default when absent.
    pub output: bool,
}

/// `#[cfg_attr(feature = ..., derive(Serialize))]` for a received type of a service whose
/// crate has a feature for it; empty otherwise.
pub(crate) fn serialize_attr(model: &Model) -> String {
    match &model.service.serialize_feature {
        Some(f) => format!("#[cfg_attr(feature = {}, derive(Serialize))]\n", lit(f)),
        None => String::new(),
    }
}

/// Whether a shape's field is optional: an input-only object's member when not required, any
/// other's when the model says it may be absent.
pub(crate) fn is_option(m: &Member, usage: &Usage) -> bool {
    if usage.input && !usage.output {
        !m.required
    } else {
        m.optional
    }
}

/// Whether the field [`field`] writes is an `Option` (a list that reads absent as empty is not).
pub(crate) fn field_is_option(m: &Member, t: &Ty, usage: &Usage) -> bool {
    is_option(m, usage) && !(m.default_empty && matches!(t, Ty::List(_)))
}

/// One struct field: its docs with the member's facts, its serde attributes and its type.
pub(crate) fn field(m: &Member, t: &Ty, usage: &Usage) -> String {
    let mut s = doc(&m.doc);
    if !m.doc.is_empty() {
        s.push_str("///\n");
    }
    s.push_str(&doc(&facts(m, t, usage.input && !usage.output)));
    let mut attrs = Vec::new();
    if m.wire != m.name {
        attrs.push(format!("rename = {}", lit(&m.wire)));
    }
    let optional = is_option(m, usage);
    let list_default = m.default_empty && matches!(t, Ty::List(_));
    if usage.output && (optional || list_default) {
        attrs.push("default".into());
    }
    if optional && !list_default {
        attrs.push("skip_serializing_if = \"Option::is_none\"".into());
    }
    if m.encoding.as_deref() == Some("string_or_number") {
        attrs.push("deserialize_with = \"cloudops_core::encoding::string_or_number\"".into());
    }
    if let Some(path) = &m.deserialize_with {
        attrs.push(format!("deserialize_with = {}", lit(path)));
    }
    if m.encoding.as_deref() == Some("number_or_string") {
        let f = if optional {
            "number_or_string_opt"
        } else {
            "number_or_string"
        };
        attrs.push(format!(
            "deserialize_with = \"cloudops_core::encoding::{f}\""
        ));
    }
    if !attrs.is_empty() {
        let _ = writeln!(s, "    #[serde({})]", attrs.join(", "));
    }
    let ty = if optional && !list_default {
        format!("Option<{}>", t.rust())
    } else {
        t.rust()
    };
    let _ = writeln!(s, "    pub {}: {ty},", m.name);
    s
}

/// The shapes each direction uses, transitively.
pub(crate) fn usage(model: &Model) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
    let mut input = BTreeSet::new();
    let mut output = BTreeSet::new();
    for op in &model.operations {
        input.extend(reachable(model, &op.input, None)?);
        output.extend(reachable(model, &op.output, op.data.as_ref())?);
    }
    Ok((input, output))
}

/// The shapes `members` name, and `data` when it is one (an `ocp-rest` answer's `data` may
/// be one of the model's shapes), with every shape those name in turn.
pub(crate) fn reachable<'a>(
    model: &Model,
    members: impl IntoIterator<Item = &'a Member>,
    data: Option<&String>,
) -> Result<BTreeSet<String>, String> {
    let mut stack: Vec<String> = data
        .filter(|d| model.shapes.contains_key(*d))
        .cloned()
        .into_iter()
        .collect();
    for m in members {
        Ty::of(m, &model.shapes)?.shapes(&mut stack);
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(Shape::Object { members, .. }) = model.shapes.get(&name) {
            for m in members {
                Ty::of(m, &model.shapes)?.shapes(&mut stack);
            }
        }
    }
    Ok(seen)
}

/// The features of the operations that use each shape, transitively; a shape some
/// operation without a feature uses is absent (always built).
fn features(model: &Model) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let mut always = BTreeSet::new();
    let mut gated: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in &model.operations {
        let seen = reachable(model, op.input.iter().chain(&op.output), op.data.as_ref())?;
        for name in seen {
            match &op.feature {
                Some(f) => {
                    gated.entry(name).or_default().insert(f.clone());
                }
                None => {
                    always.insert(name);
                }
            }
        }
    }
    gated.retain(|name, _| !always.contains(name));
    Ok(gated)
}

/// The `#[cfg]` line of a shape behind features; empty for one always built.
fn shape_cfg(features: Option<&BTreeSet<String>>) -> String {
    match features {
        None => String::new(),
        Some(f) if f.len() == 1 => format!(
            "#[cfg(feature = {})]\n",
            lit(f.iter().next().map_or("", |s| s.as_str()))
        ),
        Some(f) => {
            let list: Vec<String> = f.iter().map(|f| format!("feature = {}", lit(f))).collect();
            format!("#[cfg(any({}))]\n", list.join(", "))
        }
    }
}

/// `text` with `cfg` before its first line and before each top-level `impl`.
fn gate(text: &str, cfg: &str) -> String {
    if cfg.is_empty() {
        return text.to_string();
    }
    let mut out = String::from(cfg);
    for line in text.lines() {
        if line.starts_with("impl") {
            out.push_str(cfg);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The generated `types.rs`.
pub(crate) fn module(loaded: &Loaded) -> Result<String, String> {
    let model = &loaded.model;
    let mut s = header(&loaded.source);
    let _ = writeln!(
        s,
        "//! The named types of {} {}.\n",
        model.service.title, model.service.version
    );
    let mut body = String::new();
    let (input, output) = usage(model)?;
    let gates = features(model)?;
    for (name, shape) in &model.shapes {
        let cfg = shape_cfg(gates.get(name));
        match shape {
            Shape::Object {
                doc: d,
                members,
                rest,
            } => {
                let usage = Usage {
                    input: input.contains(name),
                    output: output.contains(name),
                };
                let text = object(model, name, d, members, rest.as_deref(), &usage)?;
                body.push_str(&gate(&text, &cfg));
            }
            Shape::Enum {
                base,
                doc: d,
                values,
            } => {
                let text = match base.as_str() {
                    "int64" => int_enum(name, d, values)?,
                    "string" => string_enum(name, d, values)?,
                    other => return Err(format!("shape {name}: enum base {other:?}")),
                };
                body.push_str(&gate(&text, &cfg));
            }
        }
    }
    // Only the serde names the shapes use.
    let mut names = Vec::new();
    for (name, used) in [
        ("Deserialize", body.contains("Deserialize")),
        ("Deserializer", body.contains("Deserializer<")),
        (
            "Serialize",
            body.contains("Serialize,")
                || body.contains("Serialize)")
                || body.contains("impl Serialize"),
        ),
        ("Serializer", body.contains("Serializer>")),
    ] {
        if used {
            names.push(name);
        }
    }
    if !gates.is_empty() {
        // With none of the features on, no shape may need them.
        s.push_str("#[allow(unused_imports)]\n");
    }
    let _ = writeln!(s, "use serde::{{{}}};\n", names.join(", "));
    s.push_str(&body);
    Ok(s)
}

fn object(
    model: &Model,
    name: &str,
    d: &str,
    members: &[Member],
    rest: Option<&str>,
    usage: &Usage,
) -> Result<String, String> {
    let types: Vec<Ty> = members
        .iter()
        .map(|m| Ty::of(m, &model.shapes))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("shape {name}: {e}"))?;
    let mut s = if d.is_empty() {
        doc(&format!("The API's `{name}` object."))
    } else {
        doc(d)
    };
    // A shape with a secret member prints it as `***`.
    let sensitive = members.iter().any(|m| m.sensitive);
    let mut derives = if sensitive {
        vec!["Clone", "PartialEq"]
    } else {
        vec!["Debug", "Clone", "PartialEq"]
    };
    if rest.is_none() && types.iter().all(|t| t.is_eq(&model.shapes)) {
        derives.push("Eq");
    }
    if usage.input {
        derives.push("Serialize");
    }
    if usage.output {
        derives.push("Deserialize");
    }
    let _ = writeln!(s, "#[derive({})]", derives.join(", "));
    if usage.output && !usage.input {
        s.push_str(&serialize_attr(model));
    }
    // What is only sent is built by the caller, field by field; what is received may gain
    // members.
    if !usage.input {
        s.push_str("#[non_exhaustive]\n");
    }
    let _ = writeln!(s, "pub struct {name} {{");
    for (m, t) in members.iter().zip(&types) {
        s.push_str(&field(m, t, usage));
    }
    if let Some(rest) = rest {
        let _ = writeln!(
            s,
            "    /// Every other member, as sent.\n    #[serde(flatten)]\n    pub {rest}: serde_json::Map<String, serde_json::Value>,"
        );
    }
    s.push_str("}\n\n");
    if sensitive {
        let _ = writeln!(
            s,
            "impl std::fmt::Debug for {name} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.debug_struct({})",
            lit(name)
        );
        for m in members {
            if m.sensitive {
                let _ = writeln!(s, "            .field({}, &\"***\")", lit(&m.name));
            } else {
                let _ = writeln!(s, "            .field({}, &self.{})", lit(&m.name), m.name);
            }
        }
        s.push_str("            .finish()\n    }\n}\n\n");
    }
    Ok(s)
}

fn variants(s: &mut String, values: &[EnumValue], unknown: &str) {
    for v in values {
        s.push_str(&doc(&v.doc));
        let _ = writeln!(s, "    {},", v.name);
    }
    let _ = writeln!(
        s,
        "    /// A value this crate does not know.\n    Unknown({unknown}),\n}}\n"
    );
}

fn int_enum(name: &str, d: &str, values: &[EnumValue]) -> Result<String, String> {
    let mut s = doc(d);
    let _ = writeln!(
        s,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum {name} {{"
    );
    variants(&mut s, values, "i64");
    let mut arms = String::new();
    let mut back = String::new();
    for v in values {
        let code = v
            .wire
            .as_i64()
            .ok_or_else(|| format!("shape {name}: {} is not an integer", v.wire))?;
        let _ = writeln!(arms, "            {code} => {name}::{},", v.name);
        let _ = writeln!(back, "            {name}::{} => {code},", v.name);
    }
    let _ = writeln!(
        s,
        "impl {name} {{
    /// The value of a wire code.
    pub fn from_code(code: i64) -> Self {{
        match code {{
{arms}            other => {name}::Unknown(other),
        }}
    }}

    /// The wire code.
    pub fn code(self) -> i64 {{
        match self {{
{back}            {name}::Unknown(other) => other,
        }}
    }}
}}

impl<'de> Deserialize<'de> for {name} {{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{
        Ok({name}::from_code(i64::deserialize(d)?))
    }}
}}

impl Serialize for {name} {{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{
        s.serialize_i64(self.code())
    }}
}}
"
    );
    Ok(s)
}

fn string_enum(name: &str, d: &str, values: &[EnumValue]) -> Result<String, String> {
    let mut s = doc(d);
    let _ = writeln!(
        s,
        "#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub enum {name} {{"
    );
    variants(&mut s, values, "String");
    let mut arms = String::new();
    let mut back = String::new();
    for v in values {
        let wire = v
            .wire
            .as_str()
            .ok_or_else(|| format!("shape {name}: {} is not a string", v.wire))?;
        let _ = writeln!(arms, "            {} => {name}::{},", lit(wire), v.name);
        let _ = writeln!(back, "            {name}::{} => {},", v.name, lit(wire));
    }
    let _ = writeln!(
        s,
        "impl {name} {{
    /// The value of a wire string.
    pub fn from_wire(s: &str) -> Self {{
        match s {{
{arms}            other => {name}::Unknown(other.to_string()),
        }}
    }}

    /// The wire value.
    pub fn as_str(&self) -> &str {{
        match self {{
{back}            {name}::Unknown(s) => s,
        }}
    }}
}}

impl<'de> Deserialize<'de> for {name} {{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{
        Ok({name}::from_wire(&String::deserialize(d)?))
    }}
}}

impl Serialize for {name} {{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{
        s.serialize_str(self.as_str())
    }}
}}
"
    );
    Ok(s)
}
