//! JSON text -> `serde_json::Value` -> core types through the same serde
//! derives the wasm reads JS values with (src/wasm/de.rs), so the targets
//! reach every type's input path.
#![allow(dead_code)]

use serde::de::DeserializeOwned;
use stagecast::{default_model, ProcessModel};

pub fn parse(data: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(data).ok()
}

/// The field `key` of an object value, `Null` when absent.
pub fn field<'a>(v: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    static NULL: serde_json::Value = serde_json::Value::Null;
    v.get(key).unwrap_or(&NULL)
}

/// Reads a core type from a JSON tree.
pub fn read<T: DeserializeOwned>(v: &serde_json::Value) -> Option<T> {
    serde_json::from_value(v.clone()).ok()
}

pub fn in_unit(p: f64) {
    assert!((0.0..=1.0).contains(&p), "probability {p}");
}

/// The input's `model`, or the built-in one when there is none; `None` when
/// the given model does not read.
pub fn model_or_default(v: &serde_json::Value) -> Option<ProcessModel> {
    match field(v, "model") {
        serde_json::Value::Null => Some(default_model()),
        m => read::<ProcessModel>(m),
    }
}
