//! Request rules read from the models: which members an operation takes, of what kind,
//! which are required, and the answer its model's example values make. The tables are in
//! [`tables`](crate::tables), written by `cargo xtask codegen`; the emulators check every
//! request body against them before their own handlers run.

use serde_json::Value;

/// A JSON kind a member must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An array of the kind.
    List(&'static Kind),
    /// An object of string keys to the kind.
    Map(&'static Kind),
    /// An object.
    Object,
    /// Any JSON value.
    Any,
    /// A file in a `multipart/form-data` body: a part with a file name.
    File,
}

impl Kind {
    /// Whether `v` has this kind.
    pub fn admits(self, v: &Value) -> bool {
        match self {
            Kind::String => v.is_string(),
            Kind::Integer => v.is_i64() || v.is_u64(),
            Kind::Number => v.is_number(),
            Kind::Boolean => v.is_boolean(),
            Kind::List(k) => v.as_array().is_some_and(|a| a.iter().all(|i| k.admits(i))),
            Kind::Map(k) => v
                .as_object()
                .is_some_and(|o| o.values().all(|i| k.admits(i))),
            Kind::Object => v.is_object(),
            Kind::Any => true,
            Kind::File => false,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Number => "a number",
            Kind::Boolean => "a boolean",
            Kind::List(_) => "an array",
            Kind::Map(_) | Kind::Object => "an object",
            Kind::Any => "any value",
            Kind::File => "a file",
        }
    }
}

/// One member of a request body.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Member {
    /// The wire name.
    pub wire: &'static str,
    /// Its kind.
    pub kind: Kind,
    /// Whether it must be present.
    pub required: bool,
}

/// One operation's rules.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Operation {
    /// The operation's name.
    pub name: &'static str,
    /// Its HTTP method.
    pub method: &'static str,
    /// Its path template (`/v1/{project_id}/db-om/{instance_id}/stop`; `/` for an action).
    pub path: &'static str,
    /// The members of its JSON body.
    pub members: &'static [Member],
    /// The members of its query string.
    pub query: &'static [Member],
    /// The fields of its `multipart/form-data` body, if it sends one.
    pub form: &'static [Member],
    /// The JSON object of its output members' example values, or the text of the file it
    /// downloads.
    pub example: &'static str,
    /// The answer is a file (`example` is its text), not JSON.
    pub download: bool,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormPart {
    /// The field's name.
    pub name: String,
    /// The file name, for a file.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub content: Vec<u8>,
}

/// The parts of a `multipart/form-data` body of `content_type` (which names the boundary),
/// or why it is not one.
pub fn parse_form(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("the content type names no boundary")?;
    let delimiter = format!("--{boundary}");
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or("no boundary in the body")?;
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(parts);
        }
        if body.get(at..at + 2) != Some(b"\r\n") {
            return Err("a boundary is not followed by a line break".into());
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at).ok_or("a part has no end of headers")?;
        let head = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let content_start = head_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)
            .ok_or("a part is not closed by the boundary")?;
        let mut part = FormPart {
            name: String::new(),
            file_name: None,
            content_type: None,
            content: body[content_start..next].to_vec(),
        };
        for line in head.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                return Err(format!("a part header without a colon: {line:?}"));
            };
            if name.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            } else if name.eq_ignore_ascii_case("content-disposition") {
                for param in value.split(';').map(str::trim).skip(1) {
                    if let Some((k, v)) = param.split_once('=') {
                        let v = v.trim_matches('"').to_string();
                        match k {
                            "name" => part.name = v,
                            "filename" => part.file_name = Some(v),
                            _ => {}
                        }
                    }
                }
            }
        }
        if part.name.is_empty() {
            return Err("a part has no name".into());
        }
        parts.push(part);
        at = next + 2;
    }
}

/// Why a body broke the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Broken {
    /// A required member is absent (or null).
    Missing(&'static str),
    /// A member has the wrong kind.
    Invalid {
        /// The member.
        member: &'static str,
        /// The kind it must have.
        expected: &'static str,
    },
    /// A member the operation does not take.
    Unknown(String),
    /// The body is not a JSON object.
    NotAnObject,
}

impl Broken {
    /// A message for an error envelope.
    pub fn message(&self) -> String {
        match self {
            Broken::Missing(m) => format!("the required parameter {m} is missing"),
            Broken::Invalid { member, expected } => format!("{member} must be {expected}"),
            Broken::Unknown(m) => format!("the parameter {m} is not recognized"),
            Broken::NotAnObject => "the body must be a JSON object".to_string(),
        }
    }
}

impl Operation {
    /// Finds `name` in `table`.
    pub fn find(table: &'static [Operation], name: &str) -> Option<&'static Operation> {
        table.iter().find(|o| o.name == name)
    }

    /// Finds the operation of `table` that `method` and the path's `segments` match, with a
    /// `{placeholder}` of the template matching any one non-empty segment. When several
    /// match, the one whose template has the most literal segments, leftmost first, wins
    /// (`/instances/backups` before `/instances/{id}`).
    pub fn route(
        table: &'static [Operation],
        method: &str,
        segments: &[&str],
    ) -> Option<&'static Operation> {
        table
            .iter()
            .filter_map(|o| {
                let template: Vec<&str> = o.path.split('/').filter(|s| !s.is_empty()).collect();
                let matches = o.method == method
                    && template.len() == segments.len()
                    && template.iter().zip(segments).all(|(t, s)| {
                        (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                    });
                // Literal segments as bits, the leftmost the highest.
                let literal = template
                    .iter()
                    .fold(0u128, |acc, t| (acc << 1) | u128::from(!t.starts_with('{')));
                matches.then_some((literal, o))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, o)| o)
    }

    /// Checks a JSON body against the rules: unknown members first, then missing ones, then
    /// kinds.
    pub fn check(&self, body: &Value) -> Result<(), Broken> {
        let Some(object) = body.as_object() else {
            return Err(Broken::NotAnObject);
        };
        if let Some(unknown) = object
            .keys()
            .find(|k| !self.members.iter().any(|m| m.wire == k.as_str()))
        {
            return Err(Broken::Unknown(unknown.clone()));
        }
        for m in self.members {
            match object.get(m.wire) {
                None | Some(Value::Null) if m.required => return Err(Broken::Missing(m.wire)),
                None | Some(Value::Null) => {}
                Some(v) if !m.kind.admits(v) => {
                    return Err(Broken::Invalid {
                        member: m.wire,
                        expected: m.kind.name(),
                    });
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Checks decoded query pairs against the rules: unknown names first, then missing
    /// ones, then kinds (an integer, a number or `true`/`false` written as text).
    pub fn check_query(&self, pairs: &[(String, String)]) -> Result<(), Broken> {
        if let Some((unknown, _)) = pairs
            .iter()
            .find(|(k, _)| !self.query.iter().any(|m| m.wire == k.as_str()))
        {
            return Err(Broken::Unknown(unknown.clone()));
        }
        for m in self.query {
            let Some((_, v)) = pairs.iter().find(|(k, _)| k == m.wire) else {
                if m.required {
                    return Err(Broken::Missing(m.wire));
                }
                continue;
            };
            let ok = match m.kind {
                Kind::Integer => v.parse::<i64>().is_ok(),
                Kind::Number => v.parse::<f64>().is_ok(),
                Kind::Boolean => v == "true" || v == "false",
                _ => true,
            };
            if !ok {
                return Err(Broken::Invalid {
                    member: m.wire,
                    expected: m.kind.name(),
                });
            }
        }
        Ok(())
    }

    /// Checks the parts of a `multipart/form-data` body against the form's rules: unknown
    /// fields first, then missing ones, then a file sent as text or text sent as a file.
    pub fn check_form(&self, parts: &[FormPart]) -> Result<(), Broken> {
        if let Some(unknown) = parts
            .iter()
            .find(|p| !self.form.iter().any(|m| m.wire == p.name))
        {
            return Err(Broken::Unknown(unknown.name.clone()));
        }
        for m in self.form {
            let Some(part) = parts.iter().find(|p| p.name == m.wire) else {
                if m.required {
                    return Err(Broken::Missing(m.wire));
                }
                continue;
            };
            let text = std::str::from_utf8(&part.content).ok();
            let ok = match m.kind {
                Kind::File => part.file_name.is_some(),
                Kind::Integer => text.is_some_and(|t| t.parse::<i64>().is_ok()),
                Kind::Number => text.is_some_and(|t| t.parse::<f64>().is_ok()),
                Kind::Boolean => text.is_some_and(|t| t == "true" || t == "false"),
                _ => part.file_name.is_none() && text.is_some(),
            };
            if !ok {
                return Err(Broken::Invalid {
                    member: m.wire,
                    expected: m.kind.name(),
                });
            }
        }
        Ok(())
    }

    /// The example answer as a JSON value.
    pub fn example(&self) -> Value {
        serde_json::from_str(self.example).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OP: Operation = Operation {
        name: "Op",
        method: "POST",
        path: "/v1/{project_id}/things/{id}/stop",
        members: &[
            Member {
                wire: "Id",
                kind: Kind::String,
                required: true,
            },
            Member {
                wire: "Ids",
                kind: Kind::List(&Kind::Integer),
                required: false,
            },
        ],
        query: &[
            Member {
                wire: "limit",
                kind: Kind::Integer,
                required: false,
            },
            Member {
                wire: "name",
                kind: Kind::String,
                required: true,
            },
        ],
        form: &[
            Member {
                wire: "kind",
                kind: Kind::String,
                required: true,
            },
            Member {
                wire: "file",
                kind: Kind::File,
                required: true,
            },
        ],
        example: "{\"A\":1}",
        download: false,
    };

    fn form(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
        let mut body = String::new();
        for (name, file, content) in parts {
            body.push_str("--b\r\nContent-Disposition: form-data; name=\"");
            body.push_str(name);
            body.push('"');
            if let Some(f) = file {
                body.push_str(&format!("; filename=\"{f}\""));
            }
            body.push_str("\r\n\r\n");
            body.push_str(content);
            body.push_str("\r\n");
        }
        body.push_str("--b--\r\n");
        body.into_bytes()
    }

    #[test]
    fn form_rules() {
        let ct = "multipart/form-data; boundary=b";
        let good = parse_form(
            ct,
            &form(&[("kind", None, "x"), ("file", Some("a.xlsx"), "1\r\n2")]),
        )
        .unwrap();
        assert_eq!(good[1].file_name.as_deref(), Some("a.xlsx"));
        assert_eq!(good[1].content, b"1\r\n2");
        assert_eq!(OP.check_form(&good), Ok(()));
        let missing = parse_form(ct, &form(&[("kind", None, "x")])).unwrap();
        assert_eq!(OP.check_form(&missing), Err(Broken::Missing("file")));
        let text_file = parse_form(ct, &form(&[("kind", None, "x"), ("file", None, "1")])).unwrap();
        assert_eq!(
            OP.check_form(&text_file),
            Err(Broken::Invalid {
                member: "file",
                expected: "a file"
            })
        );
        let unknown = parse_form(ct, &form(&[("other", None, "x")])).unwrap();
        assert_eq!(
            OP.check_form(&unknown),
            Err(Broken::Unknown("other".into()))
        );
        assert!(parse_form("multipart/form-data", b"").is_err());
        assert!(parse_form(ct, b"--b\r\nno end").is_err());
    }

    #[test]
    fn rules() {
        assert_eq!(OP.check(&json!({"Id": "x"})), Ok(()));
        assert_eq!(OP.check(&json!({"Id": "x", "Ids": [1, 2]})), Ok(()));
        assert_eq!(OP.check(&json!({})), Err(Broken::Missing("Id")));
        assert_eq!(OP.check(&json!({"Id": null})), Err(Broken::Missing("Id")));
        assert_eq!(
            OP.check(&json!({"Id": 1})),
            Err(Broken::Invalid {
                member: "Id",
                expected: "a string"
            })
        );
        assert!(matches!(
            OP.check(&json!({"Id": "x", "Ids": ["a"]})),
            Err(Broken::Invalid { member: "Ids", .. })
        ));
        assert_eq!(
            OP.check(&json!({"Id": "x", "Other": 1})),
            Err(Broken::Unknown("Other".into()))
        );
        assert_eq!(OP.check(&json!([])), Err(Broken::NotAnObject));
        assert_eq!(OP.example(), json!({"A": 1}));
    }

    #[test]
    fn query_rules() {
        let pairs = |l: &[(&str, &str)]| -> Vec<(String, String)> {
            l.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(OP.check_query(&pairs(&[("name", "x")])), Ok(()));
        assert_eq!(
            OP.check_query(&pairs(&[("name", "x"), ("limit", "10")])),
            Ok(())
        );
        assert_eq!(OP.check_query(&pairs(&[])), Err(Broken::Missing("name")));
        assert_eq!(
            OP.check_query(&pairs(&[("name", "x"), ("limit", "ten")])),
            Err(Broken::Invalid {
                member: "limit",
                expected: "an integer"
            })
        );
        assert_eq!(
            OP.check_query(&pairs(&[("name", "x"), ("other", "1")])),
            Err(Broken::Unknown("other".into()))
        );
    }

    #[test]
    fn the_most_literal_template_wins() {
        const A: Operation = Operation {
            name: "ById",
            path: "/v3/{project_id}/instances/{id}",
            ..OP
        };
        const B: Operation = Operation {
            name: "Backups",
            path: "/v3/{project_id}/instances/backups",
            ..OP
        };
        for table in [&[A, B][..], &[B, A][..]] {
            let hit = |s: &[&str]| Operation::route(table, "POST", s).map(|o| o.name);
            assert_eq!(hit(&["v3", "p", "instances", "backups"]), Some("Backups"));
            assert_eq!(hit(&["v3", "p", "instances", "i-1"]), Some("ById"));
        }
    }

    #[test]
    fn routes() {
        const TABLE: &[Operation] = &[OP];
        let hit = Operation::route(TABLE, "POST", &["v1", "p", "things", "7", "stop"]);
        assert_eq!(hit.map(|o| o.name), Some("Op"));
        assert!(Operation::route(TABLE, "GET", &["v1", "p", "things", "7", "stop"]).is_none());
        assert!(Operation::route(TABLE, "POST", &["v1", "p", "things", "7"]).is_none());
        assert!(Operation::route(TABLE, "POST", &["v1", "p", "other", "7", "stop"]).is_none());
    }
}
