//! Reading a response envelope: the one place response bodies are parsed ([`parse_json`],
//! [`parse_json_seed`], counted by [`json_parses`]), and the pieces a vendor's protocol uses to
//! read its envelope in one pass (take out the error and the request id on the way, hand the
//! rest to the output's own deserializer: [`read_through`]).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::request::Response;
use crate::spec::OperationSpec;

static JSON_PARSES: AtomicU64 = AtomicU64::new(0);

/// Parses a response body as JSON into `T`: with [`parse_json_seed`], the one place response
/// bodies are parsed, so that each response is parsed once ([`json_parses`] counts). A body
/// that does not parse is an undecodable-response error: an empty body says so, a 2xx body
/// gives the parser's reason, an error status names `what` was expected.
pub fn parse_json<T: DeserializeOwned>(
    spec: &OperationSpec,
    response: &Response,
    what: &str,
) -> Result<T, Error> {
    parse_json_seed(spec, response, what, std::marker::PhantomData::<T>)
}

/// Parses a response body as JSON through `seed`, for an envelope read in one pass with
/// state of its own (such as a request id or an error taken out on the way). Errors as
/// [`parse_json`]'s; on a 2xx answer, JSON of the wrong shape says so.
pub fn parse_json_seed<'de, S: serde::de::DeserializeSeed<'de>>(
    spec: &OperationSpec,
    response: &'de Response,
    what: &str,
    seed: S,
) -> Result<S::Value, Error> {
    JSON_PARSES.fetch_add(1, Ordering::Relaxed);
    let mut de = serde_json::Deserializer::from_slice(&response.body);
    seed.deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            let cause = if response.body.is_empty() {
                format!("HTTP {} with an empty body", response.status)
            } else if !response.is_success() {
                format!("HTTP {} with a body that is not {what}", response.status)
            } else if e.is_data() {
                format!("unexpected response shape: {e}")
            } else {
                format!("invalid JSON: {e}")
            };
            Error::undecodable(
                spec.vendor,
                spec.name,
                response.status,
                &response.body,
                cause,
            )
        })
}

/// An object key read on the way through an envelope (see [`parse_json_seed`]): borrowed
/// from the body when it has no escapes, and handed on to the output's deserializer without a
/// copy.
///
/// ```
/// use cloudops_core::operation::ObjectKey;
/// use serde::Deserialize;
///
/// let mut de = serde_json::Deserializer::from_str(r#""traceId""#);
/// let key = ObjectKey::deserialize(&mut de).unwrap();
/// assert_eq!(key.as_str(), "traceId");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectKey<'de>(std::borrow::Cow<'de, str>);

impl<'de> ObjectKey<'de> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as a deserializer, for the output to read as its own field name.
    pub fn into_deserializer<E: serde::de::Error>(
        self,
    ) -> serde::de::value::CowStrDeserializer<'de, E> {
        serde::de::value::CowStrDeserializer::new(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ObjectKey<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ObjectKeyVisitor)
    }
}

struct ObjectKeyVisitor;

impl<'de> serde::de::Visitor<'de> for ObjectKeyVisitor {
    type Value = ObjectKey<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<ObjectKey<'de>, E> {
        Ok(ObjectKey(std::borrow::Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<ObjectKey<'de>, E> {
        Ok(ObjectKey(std::borrow::Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<ObjectKey<'de>, E> {
        Ok(ObjectKey(std::borrow::Cow::Owned(s)))
    }
}

/// One JSON value as an envelope reader keeps it on the way (see [`parse_json_seed`]): a
/// scalar as sent, or only the fact that it was an object or an array, which is skipped and
/// never built.
///
/// ```
/// use cloudops_core::operation::Scalar;
/// use serde::Deserialize;
///
/// let read = |json: &str| Scalar::deserialize(&mut serde_json::Deserializer::from_str(json));
/// assert_eq!(read("10004").unwrap().into_text().as_deref(), Some("10004"));
/// assert_eq!(read("2.0").unwrap().into_text().as_deref(), Some("2.0"));
/// assert_eq!(read(r#"{"a": [1]}"#).unwrap(), Scalar::Compound);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Scalar {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// Any other number.
    F64(f64),
    /// A string.
    Text(String),
    /// An object or an array, skipped.
    Compound,
}

impl Scalar {
    /// The value as text: a string as it is, a number as `serde_json` writes it (`2.0`, not
    /// `2`), a boolean as `true` or `false`; none for null, an object or an array.
    pub fn into_text(self) -> Option<String> {
        Some(match self {
            Scalar::Text(s) => s,
            Scalar::Bool(b) => b.to_string(),
            Scalar::U64(n) => n.to_string(),
            Scalar::I64(n) => n.to_string(),
            Scalar::F64(n) => match serde_json::Number::from_f64(n) {
                Some(n) => n.to_string(),
                None => n.to_string(),
            },
            Scalar::Null | Scalar::Compound => return None,
        })
    }

    /// The value handed on to another deserializer as it was sent; an object or an array,
    /// which were skipped, are handed on as null.
    pub fn into_deserializer<E: serde::de::Error>(self) -> ScalarDeserializer<E> {
        ScalarDeserializer(self, std::marker::PhantomData)
    }
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// Reads a JSON value as a [`Scalar`], without building a JSON tree.
struct ScalarVisitor;

impl<'de> serde::de::Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::I64(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::U64(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::F64(v))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Scalar::Compound)
    }
}

/// A [`Scalar`] as a deserializer ([`Scalar::into_deserializer`]).
#[derive(Debug)]
pub struct ScalarDeserializer<E>(Scalar, std::marker::PhantomData<E>);

impl<'de, E: serde::de::Error> serde::Deserializer<'de> for ScalarDeserializer<E> {
    type Error = E;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Scalar::Null | Scalar::Compound => visitor.visit_unit(),
            Scalar::Bool(b) => visitor.visit_bool(b),
            Scalar::U64(n) => visitor.visit_u64(n),
            Scalar::I64(n) => visitor.visit_i64(n),
            Scalar::F64(n) => visitor.visit_f64(n),
            Scalar::Text(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Scalar::Null | Scalar::Compound => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// An envelope's own fields, taken out of its object on the way to the output by
/// [`read_through`]: a request id, an error, a success flag.
pub trait EnvelopeFields<'de> {
    /// Reads the value of `key` when it is one of the envelope's own fields, and says what to
    /// hand on to the output; for any other key, [`Taken::Other`] with the value left unread.
    fn take<A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<Taken, A::Error>;

    /// Every entry of the object was read. The default does nothing.
    fn end(&mut self) {}
}

/// What [`EnvelopeFields::take`] did with an entry.
#[derive(Debug)]
pub enum Taken {
    /// Not one of the envelope's own fields: its value is left for the output.
    Other,
    /// Kept, and not handed on to the output.
    Kept,
    /// Kept, and handed on to the output as this value.
    PassOn(Scalar),
}

/// Reads the object `map` into the output `T` in one pass, its entries going to `T`'s own
/// deserializer as they are parsed, except what `fields` takes out on the way.
///
/// ```
/// use cloudops_core::operation::{EnvelopeFields, Scalar, Taken, read_through};
/// use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
///
/// #[derive(Default)]
/// struct RequestId(Option<String>);
///
/// impl<'de> EnvelopeFields<'de> for RequestId {
///     fn take<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<Taken, A::Error> {
///         if key != "RequestId" {
///             return Ok(Taken::Other);
///         }
///         let id: Scalar = map.next_value()?;
///         self.0 = id.clone().into_text();
///         Ok(Taken::PassOn(id))
///     }
/// }
///
/// struct Output<'f>(&'f mut RequestId);
///
/// impl<'de> Visitor<'de> for Output<'_> {
///     type Value = serde_json::Value;
///     fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("an object")
///     }
///     fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
///         read_through(map, self.0)
///     }
/// }
///
/// let mut id = RequestId::default();
/// let mut de = serde_json::Deserializer::from_str(r#"{"RequestId": "r-1", "FlowId": 7}"#);
/// let output = de.deserialize_map(Output(&mut id)).unwrap();
/// assert_eq!(id.0.as_deref(), Some("r-1"));
/// assert_eq!(output, serde_json::json!({"RequestId": "r-1", "FlowId": 7}));
/// ```
pub fn read_through<'de, T, A, F>(map: A, fields: &mut F) -> Result<T, A::Error>
where
    T: serde::Deserialize<'de>,
    A: serde::de::MapAccess<'de>,
    F: EnvelopeFields<'de>,
{
    T::deserialize(serde::de::value::MapAccessDeserializer::new(Intercept {
        map,
        fields,
        next: None,
    }))
}

/// An envelope object's entries as the output sees them ([`read_through`]).
struct Intercept<'f, A, F> {
    map: A,
    fields: &'f mut F,
    /// The value of the key just handed on, already read.
    next: Option<Scalar>,
}

impl<'de, A: serde::de::MapAccess<'de>, F: EnvelopeFields<'de>> serde::de::MapAccess<'de>
    for Intercept<'_, A, F>
{
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<ObjectKey<'de>>()? {
            match self.fields.take(key.as_str(), &mut self.map)? {
                Taken::Kept => continue,
                Taken::PassOn(value) => self.next = Some(value),
                Taken::Other => {}
            }
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
        self.fields.end();
        Ok(None)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        match self.next.take() {
            Some(value) => seed.deserialize(value.into_deserializer()),
            None => self.map.next_value_seed(seed),
        }
    }
}

/// Turns the already parsed JSON of a successful answer into the typed output, or an
/// undecodable-response error saying what did not fit.
pub fn from_value<T: DeserializeOwned>(
    spec: &OperationSpec,
    response: &Response,
    value: serde_json::Value,
) -> Result<T, Error> {
    T::deserialize(value).map_err(|e| {
        Error::undecodable(
            spec.vendor,
            spec.name,
            response.status,
            &response.body,
            format!("unexpected response shape: {e}"),
        )
    })
}

/// How many response bodies [`parse_json`] has parsed in this process.
pub fn json_parses() -> u64 {
    JSON_PARSES.load(Ordering::Relaxed)
}
