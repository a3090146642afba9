//! JSON text -> `stagecast::Value`, the same tree the wasm binding builds
//! from a JS value, so that the targets read input the way JS callers' input
//! is read (`stagecast::value::from_value`, `Obj`), not through serde_json.
#![allow(dead_code)]

use stagecast::value::from_value;
use stagecast::{default_model, ProcessModel, Value};

pub fn parse(data: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(data).ok()?;
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(convert(json, 0)?)
}

fn convert(v: serde_json::Value, depth: usize) -> Option<Value> {
    if depth > stagecast::value::MAX_DEPTH {
        return None;
    }
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64()?),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::Array(a.into_iter().map(|x| convert(x, depth + 1)).collect::<Option<_>>()?),
        serde_json::Value::Object(o) => Value::Object(o.into_iter().map(|(k, x)| Some((k, convert(x, depth + 1)?))).collect::<Option<_>>()?),
    })
}

/// The field `key` of an object value, `Null` when absent.
pub fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    match v {
        Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map_or(&NULL, |(_, x)| x),
        _ => &NULL,
    }
}

pub fn in_unit(p: f64) {
    assert!((0.0..=1.0).contains(&p), "probability {p}");
}

/// The input's `model`, or the built-in one when there is none; `None` when
/// the given model does not read.
pub fn model_or_default(v: &Value) -> Option<ProcessModel> {
    match field(v, "model") {
        Value::Null => Some(default_model()),
        m => from_value::<ProcessModel>(m, "model").ok(),
    }
}
