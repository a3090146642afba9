//! A JSON-like value tree, and the hand-written readers (`FromVal`, `Obj`)
//! and writers (`ToVal`, `Rec`) that move core types in and out of it.
//!
//! The binding layer turns a JS value into a `Value` (with a depth limit),
//! reads core types from it with errors that name the path of the bad field
//! (`deals[3].status: unknown value "x", expected one of open, won, lost`),
//! and writes results back through one non-generic `value_to_js`. Readers
//! and writers are written by hand rather than derived with serde: serde's
//! code per type cost tens of KiB of wasm, and its error messages format
//! floats. The core types still derive serde for native users, and the
//! tests check the hand-written code against those derives (`from_serde`,
//! `same_as_serde`). The fuzz targets read from JSON text through the same
//! path as JS callers.

// serde's side (tests only): the reference the hand-written readers are checked against.
#[cfg(test)]
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
#[cfg(test)]
use serde::forward_to_deserialize_any;

use crate::error::{Error, Result};

/// Deepest nesting accepted from outside (objects and arrays).
pub const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

// Until meetings and scenarios read typed inputs, their `Value` trees
// cross the boundary through serde like every other shape.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => s.serialize_f64(*n),
            Value::String(x) => s.serialize_str(x),
            Value::Array(items) => {
                let mut q = s.serialize_seq(Some(items.len()))?;
                for x in items {
                    q.serialize_element(x)?;
                }
                q.end()
            }
            Value::Object(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, x) in entries {
                    m.serialize_entry(k, x)?;
                }
                m.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Value, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("data")
            }
            fn visit_unit<E>(self) -> std::result::Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> std::result::Result<Value, D2::Error> {
                <Value as serde::Deserialize>::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> std::result::Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_f64<E>(self, n: f64) -> std::result::Result<Value, E> {
                Ok(Value::Number(n))
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> std::result::Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_str<E>(self, x: &str) -> std::result::Result<Value, E> {
                Ok(Value::String(x.to_string()))
            }
            fn visit_string<E>(self, x: String) -> std::result::Result<Value, E> {
                Ok(Value::String(x))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> std::result::Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = a.next_element()? {
                    out.push(x);
                }
                Ok(Value::Array(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, x)) = a.next_entry()? {
                    out.push((k, x));
                }
                Ok(Value::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Value {
    /// An object from its keys and, in the same order, its values (results
    /// built in the core): the keys stay one constant table, less wasm than
    /// a `(key, value)` pair per field.
    pub fn record(keys: &[&str], values: Vec<Value>) -> Value {
        Value::Object(keys.iter().zip(values).map(|(k, v)| (k.to_string(), v)).collect())
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Number(v)
    }
}
impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Number(v as f64)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A core type read from a `Value` by hand (no serde code per type in the
/// wasm): errors name the field's path. `path` names the value itself.
pub trait FromVal: Sized {
    fn from_val(v: &Value, path: &str) -> Result<Self>;
}

/// A core result written as a `Value` by hand (the binding layer turns the
/// tree into plain JS with one non-generic function).
pub trait ToVal {
    fn to_val(&self) -> Value;
}

fn wrong(path: &str, expected: &str, got: &Value) -> Error {
    Error::new(path, format!("expected {expected}, got {}", got.kind()))
}

impl FromVal for f64 {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::Number(n) => Ok(*n),
            other => Err(wrong(path, "a number", other)),
        }
    }
}
impl FromVal for bool {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(wrong(path, "a boolean", other)),
        }
    }
}
impl FromVal for String {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(wrong(path, "a string", other)),
        }
    }
}
impl FromVal for u32 {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX) => Ok(*n as u32),
            other => Err(wrong(path, "a whole number from 0 to 4294967295", other)),
        }
    }
}
impl FromVal for usize {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_991.0 => Ok(*n as usize),
            other => Err(wrong(path, "a whole number >= 0", other)),
        }
    }
}
impl FromVal for Value {
    fn from_val(v: &Value, _path: &str) -> Result<Self> {
        Ok(v.clone())
    }
}
/// `null` (or an absent field, see `Obj::opt`) is `None`.
impl<T: FromVal> FromVal for Option<T> {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_val(v, path).map(Some),
        }
    }
}
impl<T: FromVal> FromVal for Vec<T> {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        let items = list(v, path)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            // The item's path is built only on error (lists of a million deals).
            out.push(T::from_val(item, "").map_err(|e| e.within(&crate::error::index(path, i)))?);
        }
        Ok(out)
    }
}
/// An object whose values are all `T` (keys in key order).
impl<T: FromVal> FromVal for std::collections::BTreeMap<String, T> {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        let o = Obj::new(v, path)?;
        let mut out = std::collections::BTreeMap::new();
        for (k, x) in o.entries {
            // The entry's path is built only on error (attributes of every deal).
            out.insert(k.clone(), T::from_val(x, k).map_err(|e| e.within(path))?);
        }
        Ok(out)
    }
}

/// The items of a list value.
pub fn list<'a>(v: &'a Value, path: &str) -> Result<&'a [Value]> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(wrong(path, "a list", other)),
    }
}

/// The value of a string field that must be one of `names`, as its index:
/// `unknown value "x", expected one of a, b, c` otherwise.
pub fn one_of(v: &Value, path: &str, names: &[&str]) -> Result<usize> {
    match v {
        Value::String(s) => names.iter().position(|n| n == s).ok_or_else(|| {
            let shown: String = s.chars().take(60).collect();
            Error::new(path, format!("unknown value \"{shown}\", expected one of {}", names.join(", ")))
        }),
        other => Err(wrong(path, "a string", other)),
    }
}

impl ToVal for f64 {
    fn to_val(&self) -> Value {
        Value::Number(*self)
    }
}
impl ToVal for u32 {
    fn to_val(&self) -> Value {
        Value::Number(f64::from(*self))
    }
}
impl ToVal for usize {
    fn to_val(&self) -> Value {
        Value::Number(*self as f64)
    }
}
impl ToVal for bool {
    fn to_val(&self) -> Value {
        Value::Bool(*self)
    }
}
impl ToVal for str {
    fn to_val(&self) -> Value {
        Value::String(self.to_string())
    }
}
impl ToVal for String {
    fn to_val(&self) -> Value {
        Value::String(self.clone())
    }
}
impl ToVal for Value {
    fn to_val(&self) -> Value {
        self.clone()
    }
}
impl<T: ToVal> ToVal for Option<T> {
    fn to_val(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_val)
    }
}
impl<T: ToVal> ToVal for [T] {
    fn to_val(&self) -> Value {
        Value::Array(self.iter().map(T::to_val).collect())
    }
}
impl<T: ToVal> ToVal for Vec<T> {
    fn to_val(&self) -> Value {
        self.as_slice().to_val()
    }
}
impl<T: ToVal, const N: usize> ToVal for [T; N] {
    fn to_val(&self) -> Value {
        self.as_slice().to_val()
    }
}
impl<T: ToVal> ToVal for std::collections::BTreeMap<String, T> {
    fn to_val(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_val())).collect())
    }
}

/// Builds a result object field by field, in the order written (the order
/// JS sees in `Object.keys`).
#[derive(Default)]
pub struct Rec(Vec<(String, Value)>);

impl Rec {
    pub fn new() -> Rec {
        Rec(Vec::new())
    }
    /// Adds `key: value`.
    pub fn put<T: ToVal + ?Sized>(mut self, key: &str, value: &T) -> Rec {
        self.0.push((key.to_string(), value.to_val()));
        self
    }
    /// Adds `key: value` unless `value` is `None` (serde's
    /// `skip_serializing_if = "Option::is_none"`).
    pub fn opt<T: ToVal>(self, key: &str, value: &Option<T>) -> Rec {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }
    /// Adds `key: value` unless `value` is empty.
    pub fn nonempty<T: ToVal>(self, key: &str, value: &[T]) -> Rec {
        if value.is_empty() {
            self
        } else {
            self.put(key, value)
        }
    }
    /// Adds an already built value.
    pub fn val(mut self, key: &str, value: Value) -> Rec {
        self.0.push((key.to_string(), value));
        self
    }
    pub fn done(self) -> Value {
        Value::Object(self.0)
    }
}

/// Reads a core type from a value; `path` names the argument (`deals`).
pub fn from_value<T: FromVal>(v: &Value, path: &str) -> Result<T> {
    T::from_val(v, path)
}

/// What serde's derive reads from a value (tests only: the derives stay on
/// the core types as the reference the hand-written readers are checked
/// against, and for native users; the wasm never instantiates them).
#[cfg(test)]
pub fn from_serde<T: de::DeserializeOwned>(v: &Value, path: &str) -> Result<T> {
    T::deserialize(De(v)).map_err(|e| e.within(path))
}

#[cfg(test)]
impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new("", msg.to_string())
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::new("", format!("expected {}, got {}", friendly(&exp.to_string()), unexpected(&unexp)))
    }
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::new("", format!("expected {}, got {}", friendly(&exp.to_string()), unexpected(&unexp)))
    }
    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        Error::new("", format!("expected {}, got {len} entries", exp))
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let shown: String = variant.chars().take(60).collect();
        Error::new("", format!("unknown value \"{shown}\", expected one of {}", expected.join(", ")))
    }
    fn unknown_field(_field: &str, expected: &'static [&'static str]) -> Self {
        Error::new("", format!("unknown field, expected one of {}", expected.join(", ")))
    }
    fn missing_field(field: &'static str) -> Self {
        Error::new(field, "is required")
    }
    fn duplicate_field(field: &'static str) -> Self {
        Error::new(field, "is given twice")
    }
}

#[cfg(test)]
/// Describes what was found without formatting floats.
fn unexpected(u: &de::Unexpected<'_>) -> &'static str {
    use de::Unexpected as U;
    match u {
        U::Bool(_) => "true/false",
        U::Unsigned(_) | U::Signed(_) | U::Float(_) => "a number",
        U::Char(_) | U::Str(_) => "a string",
        U::Bytes(_) => "bytes",
        U::Unit | U::Option => "null",
        U::Seq => "a list",
        U::Map | U::StructVariant => "an object",
        _ => "another kind of value",
    }
}

#[cfg(test)]
/// serde's expectations in words a JS developer reads at a glance.
fn friendly(exp: &str) -> String {
    match exp {
        "f64" | "f32" => "a number".to_string(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" => "a whole number".to_string(),
        "a string" | "a boolean" => exp.to_string(),
        "a sequence" => "a list".to_string(),
        e if e.starts_with("struct ") => "an object".to_string(),
        e => e.to_string(),
    }
}

/// A serde deserializer reading from a borrowed `Value` (tests only).
#[cfg(test)]
pub struct De<'a>(pub &'a Value);

#[cfg(test)]
impl<'de> de::Deserializer<'de> for De<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Null => v.visit_unit(),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Number(n) => v.visit_f64(*n),
            Value::String(s) => v.visit_borrowed_str(s),
            Value::Array(items) => v.visit_seq(Seq { items: items.iter(), i: 0 }),
            Value::Object(entries) => v.visit_map(Map { entries: entries.iter(), value: None }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_991.0 => v.visit_u64(*n as u64),
            other => Err(Error::new("", format!("expected a whole number >= 0, got {}", other.kind()))),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX) => v.visit_u32(*n as u32),
            other => Err(Error::new("", format!("expected a whole number from 0 to 4294967295, got {}", other.kind()))),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => v.visit_i64(*n as i64),
            other => Err(Error::new("", format!("expected a whole number, got {}", other.kind()))),
        }
    }

    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Number(n) if n.fract() == 0.0 && n.abs() <= 2_147_483_647.0 => v.visit_i32(*n as i32),
            other => Err(Error::new("", format!("expected a whole number, got {}", other.kind()))),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_u32(v)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_u32(v)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i32(v)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i32(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], v: V) -> Result<V::Value> {
        match self.0 {
            Value::String(s) => v.visit_enum(s.as_str().into_deserializer()),
            other => Err(Error::new("", format!("expected a string, got {}", other.kind()))),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], v: V) -> Result<V::Value> {
        self.deserialize_map(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.0 {
            Value::Object(entries) => v.visit_map(Map { entries: entries.iter(), value: None }),
            other => Err(Error::new("", format!("expected an object, got {}", other.kind()))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, v: V) -> Result<V::Value> {
        v.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct identifier ignored_any i128 u128
    }
}

#[cfg(test)]
struct Seq<'a> {
    items: std::slice::Iter<'a, Value>,
    i: usize,
}

#[cfg(test)]
impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(item) = self.items.next() else { return Ok(None) };
        let i = self.i;
        self.i += 1;
        seed.deserialize(De(item)).map(Some).map_err(|e| e.within(&format!("[{i}]")))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

#[cfg(test)]
struct Map<'a> {
    entries: std::slice::Iter<'a, (String, Value)>,
    value: Option<(&'a str, &'a Value)>,
}

#[cfg(test)]
impl<'de> MapAccess<'de> for Map<'de> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((k, v)) = self.entries.next() else { return Ok(None) };
        self.value = Some((k.as_str(), v));
        let key: de::value::BorrowedStrDeserializer<'de, Error> = de::value::BorrowedStrDeserializer::new(k);
        seed.deserialize(key).map(Some).map_err(|e| e.within(k))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.value.take() {
            Some((k, v)) => seed.deserialize(De(v)).map_err(|e| e.within(k)),
            None => Err(Error::new("", "value without a key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use super::*;

    /// Builds a Value from JSON text (tests only).
    pub fn json(text: &str) -> Value {
        fn conv(v: serde_json::Value) -> Value {
            match v {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap()),
                serde_json::Value::String(s) => Value::String(s),
                serde_json::Value::Array(a) => Value::Array(a.into_iter().map(conv).collect()),
                serde_json::Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, conv(v))).collect()),
            }
        }
        conv(serde_json::from_str(text).unwrap())
    }

}

/// A non-generic reader over an object `Value`, for input types whose serde
/// derive would cost more wasm than it saves code: every accessor is one
/// shared function, whatever the type being read. Errors name the field
/// (`scenarios[2].winRate: must be a number between 0 and 1`).
pub struct Obj<'a> {
    entries: &'a [(String, Value)],
    path: String,
}

impl<'a> Obj<'a> {
    /// Reads `v` as an object; `path` names it in errors.
    pub fn new(v: &'a Value, path: &str) -> Result<Obj<'a>> {
        match v {
            Value::Object(entries) => Ok(Obj { entries, path: path.to_string() }),
            other => Err(Error::new(path, format!("expected an object, got {}", other.kind()))),
        }
    }

    /// The path of a field of this object.
    pub fn at(&self, key: &str) -> String {
        crate::error::join(&self.path, key)
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The field's value; absent and `null` are both `None`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !matches!(v, Value::Null))
    }

    /// Rejects fields not in `known`, so that a typo is an error rather than
    /// silently ignored.
    pub fn only(&self, known: &[&str]) -> Result<()> {
        match self.entries.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(Error::new(self.at(k), format!("unknown field, expected one of {}", known.join(", ")))),
            None => Ok(()),
        }
    }

    pub fn opt_f64(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(*n)),
            Some(other) => Err(Error::new(self.at(key), format!("expected a number, got {}", other.kind()))),
        }
    }

    pub fn f64(&self, key: &str) -> Result<f64> {
        self.opt_f64(key)?.ok_or_else(|| Error::new(self.at(key), "is required"))
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(Error::new(self.at(key), format!("expected a string, got {}", other.kind()))),
        }
    }

    pub fn str(&self, key: &str) -> Result<&'a str> {
        self.opt_str(key)?.ok_or_else(|| Error::new(self.at(key), "is required"))
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(Error::new(self.at(key), format!("expected true/false, got {}", other.kind()))),
        }
    }

    pub fn opt_list(&self, key: &str) -> Result<Option<&'a [Value]>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items.as_slice())),
            Some(other) => Err(Error::new(self.at(key), format!("expected a list, got {}", other.kind()))),
        }
    }

    /// A required field of any readable type.
    pub fn req<T: FromVal>(&self, key: &str) -> Result<T> {
        match self.get(key) {
            Some(v) => T::from_val(v, &self.at(key)),
            None => Err(Error::new(self.at(key), "is required")),
        }
    }

    /// An optional field (absent or `null` is `None`).
    pub fn opt<T: FromVal>(&self, key: &str) -> Result<Option<T>> {
        match self.get(key) {
            Some(v) => T::from_val(v, &self.at(key)).map(Some),
            None => Ok(None),
        }
    }

    /// An optional field, `T::default()` when absent or `null` (serde's
    /// `#[serde(default)]`).
    pub fn or_default<T: FromVal + Default>(&self, key: &str) -> Result<T> {
        Ok(self.opt(key)?.unwrap_or_default())
    }

    pub fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Obj::new(v, &self.at(key)).map(Some),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod obj_tests {
    use super::tests::json;
    use super::*;

    #[test]
    fn reads_fields_and_names_bad_ones() {
        let v = json(r#"{"a":1.5,"b":"x","c":true,"d":[1],"e":{"f":2},"n":null}"#);
        let o = Obj::new(&v, "input").unwrap();
        assert_eq!(o.f64("a").unwrap(), 1.5);
        assert_eq!(o.str("b").unwrap(), "x");
        assert_eq!(o.opt_bool("c").unwrap(), Some(true));
        assert_eq!(o.opt_list("d").unwrap().unwrap().len(), 1);
        assert_eq!(o.opt_obj("e").unwrap().unwrap().f64("f").unwrap(), 2.0);
        assert_eq!(o.opt_f64("n").unwrap(), None);
        assert_eq!(o.f64("b").unwrap_err().to_string(), "input.b: expected a number, got a string");
        assert_eq!(o.f64("zz").unwrap_err().to_string(), "input.zz: is required");
        assert_eq!(o.opt_obj("e").unwrap().unwrap().f64("g").unwrap_err().path, "input.e.g");
        assert_eq!(o.only(&["a", "b"]).unwrap_err().path, "input.c");
        assert!(Obj::new(&json("[1]"), "x").is_err());
    }
}
