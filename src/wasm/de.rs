//! A serde `Deserializer` over a JS value that names the field where
//! reading failed (`deals[3].events[1].milestone: is required`).
//!
//! Why not serde-wasm-bindgen's deserializer with serde_path_to_error: that
//! pair made the widget's wasm 103 KB gzip against a budget of 80 KiB
//! (serde_path_to_error wraps every visitor of every type: 59 KB raw; and
//! serde-wasm-bindgen's error for a number where text was expected formats
//! the float, which links float formatting: 15 KB raw). Here the path is
//! added as an error bubbles up, in one `map_err` per level, and messages
//! name the kind of value found, never its digits. serde-wasm-bindgen still
//! writes every result.
//!
//! Reading rules: `null` and `undefined` count as absent (an optional field
//! given `null` is `None`, a required one "is required"); unknown keys are
//! ignored by the types; a `Date` reads as its ISO string; `Map`s and plain
//! objects read as maps, arrays and typed arrays as lists; nesting deeper
//! than `MAX_DEPTH` is refused before it can exhaust the stack.

use serde::de::{self, DeserializeSeed, Expected, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{ErrorCode, Error};

/// Deepest nesting read from JS (objects and lists).
pub const MAX_DEPTH: usize = 32;

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new("", msg.to_string())
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::coded("", ErrorCode::WrongType, format!("expected {exp}, got {}", kind(&unexp)))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let got = match unexp {
            Unexpected::Str(s) => format!("\"{}\"", s.chars().take(64).collect::<String>()),
            other => kind(&other).to_string(),
        };
        Error::coded("", ErrorCode::WrongType, format!("expected {exp}, got {got}"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let shown: String = variant.chars().take(64).collect();
        let message = format!("unknown value \"{shown}\", expected one of {}", expected.join(", "));
        Error::coded("", ErrorCode::UnknownValue { value: shown, expected: expected.iter().map(|e| e.to_string()).collect() }, message)
    }

    fn missing_field(field: &'static str) -> Self {
        Error::coded(field, ErrorCode::Required, "is required")
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::coded(field, ErrorCode::Duplicate, "is given twice")
    }
}

/// The kind of an unexpected value, without its digits.
fn kind(u: &Unexpected<'_>) -> &'static str {
    match u {
        Unexpected::Bool(_) => "true/false",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "a list",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

/// Reads a `T` from a JS value; `name` prefixes every error's path.
pub fn read<T: de::DeserializeOwned>(value: JsValue, name: &str) -> Result<T, Error> {
    T::deserialize(Js { v: value, depth: 0 }).map_err(|e| e.within(name))
}

impl Kind {
    fn unexpected(&self) -> Unexpected<'static> {
        match self {
            Kind::Null => Unexpected::Unit,
            Kind::Bool(b) => Unexpected::Bool(*b),
            Kind::Number(_) => Unexpected::Float(0.0),
            Kind::Text(_) => Unexpected::Str(""),
            Kind::List(..) => Unexpected::Seq,
            Kind::Object(..) => Unexpected::Map,
        }
    }
}

enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(js_sys::Array, usize),
    Object(js_sys::Array, usize),
}

struct Js {
    v: JsValue,
    depth: usize,
}

impl Js {
    fn deeper(&self) -> Result<usize, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::new("", format!("is nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(self.depth + 1)
    }

    fn unexpected(&self) -> Unexpected<'static> {
        if self.v.is_null() || self.v.is_undefined() {
            Unexpected::Unit
        } else if let Some(b) = self.v.as_bool() {
            Unexpected::Bool(b)
        } else if self.v.as_f64().is_some() {
            Unexpected::Float(0.0)
        } else if self.v.is_string() {
            Unexpected::Str("")
        } else if js_sys::Array::is_array(&self.v) {
            Unexpected::Seq
        } else {
            Unexpected::Map
        }
    }

    /// What the value is, read once, outside the generic code: every type
    /// read instantiates `deserialize_any`, so it stays a small match.
    #[inline(never)]
    fn classify(&self) -> Result<Kind, Error> {
        let v = &self.v;
        if v.is_null() || v.is_undefined() {
            return Ok(Kind::Null);
        }
        if let Some(b) = v.as_bool() {
            return Ok(Kind::Bool(b));
        }
        if let Some(n) = v.as_f64() {
            return Ok(Kind::Number(n));
        }
        if let Some(s) = v.as_string() {
            return Ok(Kind::Text(s));
        }
        if !v.is_object() {
            return Err(Error::coded("", ErrorCode::WrongType, "expected data (object, list, string, number or boolean), got a function, symbol or BigInt"));
        }
        let depth = self.deeper()?;
        if let Some(d) = v.dyn_ref::<js_sys::Date>() {
            return Ok(Kind::Text(String::from(d.to_iso_string())));
        }
        if js_sys::Array::is_array(v) || js_sys::ArrayBuffer::is_view(v) {
            return Ok(Kind::List(js_sys::Array::from(v), depth));
        }
        let entries = match v.dyn_ref::<js_sys::Map>() {
            Some(m) => js_sys::Array::from(&m.entries()),
            None => js_sys::Object::entries(v.unchecked_ref()),
        };
        Ok(Kind::Object(entries, depth))
    }

    /// The entries of a plain object (not an array, typed array, `Map` or
    /// `Date`), or `None` to let `classify` decide.
    #[inline(never)]
    fn plain_object(&self) -> Result<Option<(js_sys::Array, usize)>, Error> {
        let v = &self.v;
        if !v.is_object() || js_sys::Array::is_array(v) || js_sys::ArrayBuffer::is_view(v) || v.is_instance_of::<js_sys::Date>() || v.is_instance_of::<js_sys::Map>() {
            return Ok(None);
        }
        let depth = self.deeper()?;
        Ok(Some((js_sys::Object::entries(v.unchecked_ref()), depth)))
    }

    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) => visitor.visit_u64(n as u64),
            Some(n) if n.fract() == 0.0 && (-9_007_199_254_740_991.0..0.0).contains(&n) => visitor.visit_i64(n as i64),
            Some(_) => Err(Error::coded("", ErrorCode::WrongType, "expected a whole number, got a number with a fraction")),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }
}

impl<'de> de::Deserializer<'de> for Js {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.classify()? {
            Kind::Null => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::Number(n) => visitor.visit_f64(n),
            Kind::Text(s) => visitor.visit_string(s),
            Kind::List(items, depth) => visitor.visit_seq(Seq { items, at: 0, depth }),
            Kind::Object(entries, depth) => visitor.visit_map(Map { entries, at: 0, value: None, key: String::new(), depth }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.v.is_null() || self.v.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        match self.v.as_string() {
            // Unit variants, as text ("won").
            Some(s) => visitor.visit_enum(s.into_deserializer()),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    // Each type asks for the one kind of value it reads, and gets only that
    // visit: a struct's visitor is never asked to read a list, so its
    // `visit_seq` is never instantiated (most of the wasm's reading code is
    // these per-type visitors).

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // A plain object (the common case) needs no scalar questions first.
        if let Some((entries, depth)) = self.plain_object()? {
            return visitor.visit_map(Map { entries, at: 0, value: None, key: String::new(), depth });
        }
        match self.classify()? {
            Kind::Object(entries, depth) => visitor.visit_map(Map { entries, at: 0, value: None, key: String::new(), depth }),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.classify()? {
            Kind::List(items, depth) => visitor.visit_seq(Seq { items, at: 0, depth }),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // The common case first: one question to JS, then the copy.
        if let Some(s) = self.v.as_string() {
            return visitor.visit_string(s);
        }
        match self.classify()? {
            Kind::Text(s) => visitor.visit_string(s),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v.as_f64() {
            Some(n) => visitor.visit_f64(n),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    /// Unknown fields are skipped without reading them.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i128 u128 f32 char bytes byte_buf unit unit_struct tuple_struct
    }
}

struct Seq {
    items: js_sys::Array,
    at: u32,
    depth: usize,
}

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if self.at >= self.items.length() {
            return Ok(None);
        }
        let i = self.at;
        self.at += 1;
        let v = self.items.get(i);
        seed.deserialize(Js { v, depth: self.depth }).map(Some).map_err(|e| e.within(&format!("[{i}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.length().saturating_sub(self.at) as usize)
    }
}

struct Map {
    entries: js_sys::Array,
    at: u32,
    /// The value of the key just read.
    value: Option<JsValue>,
    key: String,
    depth: usize,
}

impl Map {
    /// Moves to the next entry whose value is not null or undefined (those
    /// are absent: defaults apply); false at the end.
    #[inline(never)]
    fn advance(&mut self) -> bool {
        while self.at < self.entries.length() {
            let pair: js_sys::Array = self.entries.get(self.at).unchecked_into();
            self.at += 1;
            let value = pair.get(1);
            if value.is_null() || value.is_undefined() {
                continue;
            }
            self.key = pair.get(0).as_string().unwrap_or_default();
            self.value = Some(value);
            return true;
        }
        false
    }
}

impl<'de> MapAccess<'de> for Map {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        if !self.advance() {
            return Ok(None);
        }
        seed.deserialize(self.key.as_str().into_deserializer()).map(Some).map_err(|e: Error| e.within(&self.key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let v = self.value.take().unwrap_or(JsValue::UNDEFINED);
        seed.deserialize(Js { v, depth: self.depth }).map_err(|e| e.within(&self.key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.length().saturating_sub(self.at) as usize)
    }
}
