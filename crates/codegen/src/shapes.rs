//! The named shapes of a service: `types.rs`.

use std::fmt::Write as _;

use crate::model::{EnumValue, Shape};
use crate::{Loaded, doc, header, lit};

/// The generated `types.rs`.
pub(crate) fn module(loaded: &Loaded) -> Result<String, String> {
    let model = &loaded.model;
    let mut s = header(&loaded.source);
    let _ = writeln!(
        s,
        "//! The named types of {} {}.\n",
        model.service.title, model.service.version
    );
    s.push_str("use serde::{Deserialize, Deserializer, Serialize, Serializer};\n\n");
    for (name, shape) in &model.shapes {
        match shape {
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
                s.push_str(&text);
            }
        }
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
