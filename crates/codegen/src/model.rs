//! The model format, as `models/<vendor>/<service>.json` writes it (see `models/README.md`).
//!
//! Unknown keys are refused, so a misspelt constraint fails the generator instead of being
//! dropped.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One service's model file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The format's version: 1.
    pub format: u32,
    /// Set when the model is itself converted from a vendor's published model: by what, from
    /// what. Such a model is rewritten by that command, not edited.
    #[serde(default)]
    pub generated: Option<String>,
    /// What the service is and where its code goes.
    pub service: Service,
    /// Named shapes (enums and objects) the members refer to by name.
    #[serde(default)]
    pub shapes: BTreeMap<String, Shape>,
    /// The operations, in the order the registry lists them.
    pub operations: Vec<Operation>,
}

/// A service: its vendor, API version, endpoints and protocol, and the crate that holds it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The vendor folder name (`tencentcloud`).
    pub vendor: String,
    /// The service's signing or product name (`cynosdb`).
    pub name: String,
    /// A title for docs.
    pub title: String,
    /// The API version.
    pub version: String,
    /// The wire protocol: `tc3-json` (Tencent Cloud API 3.0).
    pub protocol: Protocol,
    /// Host names: `global`, `regional` (with `{region}`).
    pub endpoints: BTreeMap<String, String>,
    /// The crate's package name.
    #[serde(rename = "crate")]
    pub krate: String,
    /// The crate's directory from the workspace root.
    pub directory: String,
    /// The public module the operations live in (`operation`).
    pub operations_module: String,
    /// The cargo feature the module is behind, if any.
    #[serde(default)]
    pub feature: Option<String>,
    /// The crate's `Service` variant whose endpoint the operations use (Huawei).
    #[serde(default)]
    pub endpoint_service: Option<String>,
    /// The rules of the project id in a `{project_id}` path (Huawei), checked after the
    /// client resolves it.
    #[serde(default)]
    pub project_id: Option<Member>,
    /// The cargo feature that derives `Serialize` for the outputs and the types they hold, if
    /// the crate has one.
    #[serde(default)]
    pub serialize_feature: Option<String>,
}

/// The wire protocols the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Protocol {
    /// Tencent Cloud API 3.0: `POST /` with the action in `X-TC-Action`, a JSON body of the
    /// input members, TC3 signatures and the `{"Response": ...}` envelope.
    #[serde(rename = "tc3-json")]
    Tc3Json,
    /// Huawei Cloud REST: method and path template, members in the path, query, headers and
    /// a JSON body, AK/SK or IAM-token authorization, `X-Project-Id` when the path has a
    /// `{project_id}`, and the `X-Request-Id` of the answer.
    #[serde(rename = "huawei-rest")]
    HuaweiRest,
    /// OceanBase Cloud Platform API v2: method and path template on the customer's own
    /// server, the `{data, successful, ...}` envelope decoded into `OcpResponse<data>`.
    #[serde(rename = "ocp-rest")]
    OcpRest,
}

/// A named shape.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Shape {
    /// Documented values, with an `Unknown` variant for the rest.
    Enum {
        /// `int64` or `string`.
        base: String,
        /// What the shape is.
        doc: String,
        /// The documented values.
        values: Vec<EnumValue>,
    },
    /// A JSON object of members.
    Object {
        /// What the shape is (none for a converted shape: its members' facts say it).
        #[serde(default)]
        doc: String,
        /// Its members.
        members: Vec<Member>,
        /// A received object: the field that keeps every member the model does not name
        /// (`serde(flatten)` into a JSON map), so a newer server never breaks decoding.
        #[serde(default)]
        rest: Option<String>,
    },
}

/// One documented value of an enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The wire value.
    pub wire: Value,
    /// The variant's name.
    pub name: String,
    /// What it means.
    pub doc: String,
}

/// The HTTP binding.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template.
    pub path: String,
}

/// Whether the operation may be sent again after it may have reached the server, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// Retried after failures that may have reached the server.
    pub retry: bool,
    /// The argument, for the docs.
    pub reason: String,
}

/// One operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The vendor's name (`PauseServerless`).
    pub name: String,
    /// The client's method (`pause_serverless`).
    pub method: String,
    /// What it does, completing "`Name`: ..." in the module's first line.
    pub summary: String,
    /// The vendor's documentation page, when it has a stable address.
    #[serde(default)]
    pub documentation: Option<String>,
    /// The HTTP binding.
    pub http: Http,
    /// Retry safety.
    pub idempotency: Idempotency,
    /// The input members.
    #[serde(default)]
    pub input: Vec<Member>,
    /// The output members (the protocol adds the request id).
    #[serde(default)]
    pub output: Vec<Member>,
    /// The path of the type that classifies this operation's error codes, for the docs.
    #[serde(default)]
    pub errors: Option<String>,
    /// The request's content type, sent even without a body (as the official client does).
    #[serde(default)]
    pub content_type: Option<String>,
    /// The service reports failures in a 200 answer's `error_code` (KooPhone).
    #[serde(default)]
    pub errors_in_body: bool,
    /// More for the module's docs: what the page leaves unclear and what this crate follows.
    #[serde(default)]
    pub notes: Option<String>,
    /// `ocp-rest`: the type of the success envelope's `data`, a path in the crate.
    #[serde(default)]
    pub data: Option<String>,
    /// The cargo feature the operation is behind, when it is not always built.
    #[serde(default)]
    pub feature: Option<String>,
    /// How the operation pages, when it lists with an offset.
    #[serde(default)]
    pub paginate: Option<Paginate>,
}

/// A listing that pages with an offset: the members (Rust names) that carry it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paginate {
    /// The input member of the first item's offset.
    pub offset: String,
    /// The output list of a page's items.
    pub items: String,
    /// The output member of the total the service reports, if any.
    #[serde(default)]
    pub total: Option<String>,
}

/// A member of an input or output.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The Rust name.
    pub name: String,
    /// The wire name.
    pub wire: String,
    /// Where an input member goes: `body` (the default), `path`, `query`, `header` or `form`
    /// (a field of a `multipart/form-data` body, Huawei). An output member is in the `body`
    /// (the default), or alone it is the whole `answer`.
    #[serde(default, rename = "in")]
    pub location: Option<String>,
    /// The type: `string`, `bool`, `int8` to `int64`, `uint8` to `uint64`, `float64`,
    /// `language` (the message language, defaulting to the client's), `json` (any JSON value),
    /// `file` (an uploaded file, in a `form`), `download` (the answer's body as it came, an
    /// output `answer`), `list<T>`, `map<T>` or a shape's name.
    #[serde(rename = "type")]
    pub ty: String,
    /// How a type is written when it is not the obvious way: `int01` (a bool as 0 or 1),
    /// `string_or_number` (an output string the service may send as a number),
    /// `number_or_string` (an output number the service's examples show as a string).
    #[serde(default)]
    pub encoding: Option<String>,
    /// Input: must be given.
    #[serde(default)]
    pub required: bool,
    /// Output: may be absent or null.
    #[serde(default)]
    pub optional: bool,
    /// Characters, inclusive.
    #[serde(default)]
    pub length: Option<(usize, usize)>,
    /// Not empty or only white space.
    #[serde(default)]
    pub non_empty: bool,
    /// The allowed characters: `alphanumeric`.
    #[serde(default)]
    pub charset: Option<String>,
    /// Characters of each list item, inclusive.
    #[serde(default)]
    pub item_length: Option<(usize, usize)>,
    /// Value range, inclusive; either end may be null.
    #[serde(default)]
    pub range: Option<(Option<i64>, Option<i64>)>,
    /// List items, inclusive.
    #[serde(default)]
    pub items: Option<(usize, usize)>,
    /// List items must not repeat.
    #[serde(default)]
    pub unique: bool,
    /// The allowed values of a string.
    #[serde(default)]
    pub one_of: Option<Vec<String>>,
    /// A hand-written check in the crate's `checks` module, run after the others.
    #[serde(default)]
    pub check: Option<String>,
    /// Never shown in Debug output.
    #[serde(default)]
    pub sensitive: bool,
    /// Input: the value when none is given: `uuid` (a new random UUID per call, the same on
    /// every retry).
    #[serde(default)]
    pub default: Option<String>,
    /// Input: the value sent is kept in the output under the same name.
    #[serde(default)]
    pub echo: bool,
    /// Output list: absent reads as empty.
    #[serde(default)]
    pub default_empty: bool,
    /// Output: a hand-written decoder beside the generated code (`crate::protocol::lenient_string`),
    /// for a member the service sends in more than one form.
    #[serde(default)]
    pub deserialize_with: Option<String>,
    /// How a string holds a time: `datetime` (`YYYY-MM-DD hh:mm:ss`) or `datetime_iso`
    /// (ISO 8601).
    #[serde(default)]
    pub format: Option<String>,
    /// The vendor marks the member deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// What the member is (none for a converted member: its facts say it).
    #[serde(default)]
    pub doc: String,
    /// A documented example value.
    #[serde(default)]
    pub example: Option<Value>,
}

impl Member {
    /// Where an input member goes.
    pub fn location(&self) -> &str {
        self.location.as_deref().unwrap_or("body")
    }
}
