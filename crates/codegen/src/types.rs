//! Member types: parsing the model's type strings and writing their Rust forms.

use std::collections::BTreeMap;

use crate::model::{Member, Shape};

/// A member's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `string`.
    Str,
    /// `bool`.
    Bool,
    /// `int8` .. `int64`, `uint8` .. `uint64`, as the Rust name (`i64`).
    Int(&'static str),
    /// `float64`.
    Float,
    /// `list<T>`.
    List(Box<Ty>),
    /// `map<T>`: string keys.
    Map(Box<Ty>),
    /// `language`: the message language (`cloudops_core::Language`).
    Language,
    /// `json`: any JSON value (`serde_json::Value`), for a member the vendor leaves untyped.
    Json,
    /// `file`: a file uploaded in a `multipart/form-data` body
    /// (`cloudops_core::multipart::FormFile`); input `form` members only.
    File,
    /// `download`: the answer's body as it came (`cloudops_core::Download`); an output
    /// `answer` only.
    Download,
    /// A named shape.
    Shape(String),
}

const INTS: &[(&str, &str)] = &[
    ("int8", "i8"),
    ("int16", "i16"),
    ("int32", "i32"),
    ("int64", "i64"),
    ("uint8", "u8"),
    ("uint16", "u16"),
    ("uint32", "u32"),
    ("uint64", "u64"),
];

impl Ty {
    /// Parses a model type string; shapes must exist in `shapes`.
    pub fn parse(s: &str, shapes: &BTreeMap<String, Shape>) -> Result<Ty, String> {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Ok(Ty::List(Box::new(Ty::parse(inner, shapes)?)));
        }
        if let Some(inner) = s.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            return Ok(Ty::Map(Box::new(Ty::parse(inner, shapes)?)));
        }
        match s {
            "string" => return Ok(Ty::Str),
            "bool" => return Ok(Ty::Bool),
            "float64" => return Ok(Ty::Float),
            "language" => return Ok(Ty::Language),
            "json" => return Ok(Ty::Json),
            "file" => return Ok(Ty::File),
            "download" => return Ok(Ty::Download),
            _ => {}
        }
        if let Some((_, rust)) = INTS.iter().find(|(m, _)| *m == s) {
            return Ok(Ty::Int(rust));
        }
        if shapes.contains_key(s) {
            return Ok(Ty::Shape(s.to_string()));
        }
        Err(format!("unknown type {s:?}"))
    }

    /// The member's type, checked against its encoding.
    pub fn of(m: &Member, shapes: &BTreeMap<String, Shape>) -> Result<Ty, String> {
        let ty = Ty::parse(&m.ty, shapes).map_err(|e| format!("member {}: {e}", m.name))?;
        match m.encoding.as_deref() {
            None => {}
            Some("int01") if ty == Ty::Bool => {}
            Some("string_or_number") if ty == Ty::Str => {}
            Some("number_or_string") if matches!(ty, Ty::Int("i64" | "u64") | Ty::Float) => {}
            Some(other) => {
                return Err(format!(
                    "member {}: encoding {other:?} does not apply to {}",
                    m.name, m.ty
                ));
            }
        }
        Ok(ty)
    }

    /// The owned Rust type.
    pub fn rust(&self) -> String {
        match self {
            Ty::Str => "String".into(),
            Ty::Bool => "bool".into(),
            Ty::Int(r) => (*r).into(),
            Ty::Float => "f64".into(),
            Ty::Language => "cloudops_core::Language".into(),
            Ty::List(t) => format!("Vec<{}>", t.rust()),
            Ty::Map(t) => format!("std::collections::BTreeMap<String, {}>", t.rust()),
            Ty::Json => "serde_json::Value".into(),
            Ty::File => "cloudops_core::multipart::FormFile".into(),
            Ty::Download => "cloudops_core::Download".into(),
            Ty::Shape(n) => n.clone(),
        }
    }

    /// Whether the type can derive `Eq`: no float inside, through the objects it names.
    pub fn is_eq(&self, shapes: &BTreeMap<String, Shape>) -> bool {
        match self {
            Ty::Float => false,
            Ty::List(t) | Ty::Map(t) => t.is_eq(shapes),
            Ty::Shape(n) => match shapes.get(n) {
                Some(Shape::Object { members, .. }) => members
                    .iter()
                    .all(|m| Ty::of(m, shapes).is_ok_and(|t| t.is_eq(shapes))),
                _ => true,
            },
            _ => true,
        }
    }

    /// Whether values are small and `Copy` (passed by value).
    pub fn is_copy(&self) -> bool {
        matches!(self, Ty::Bool | Ty::Int(_) | Ty::Float | Ty::Language)
    }

    /// How the model writes the type, for docs.
    pub fn describe(&self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Bool => "boolean".into(),
            Ty::Int(r) => {
                let (signed, bits) = r.split_at(1);
                if signed == "u" {
                    format!("unsigned {bits}-bit integer")
                } else {
                    format!("{bits}-bit integer")
                }
            }
            Ty::Float => "number".into(),
            Ty::Language => "message language".into(),
            Ty::List(t) => format!("list of {}", t.describe()),
            Ty::Map(t) => format!("map of string to {}", t.describe()),
            Ty::Json => "any JSON value".into(),
            Ty::File => "file ([`FormFile`](cloudops_core::multipart::FormFile))".into(),
            Ty::Download => "the answer's body ([`Download`](cloudops_core::Download))".into(),
            Ty::Shape(n) => format!("[`{n}`]"),
        }
    }

    /// The named shapes this type refers to.
    pub fn shapes(&self, out: &mut Vec<String>) {
        match self {
            Ty::Shape(n) if !out.contains(n) => out.push(n.clone()),
            Ty::List(t) | Ty::Map(t) => t.shapes(out),
            _ => {}
        }
    }
}
