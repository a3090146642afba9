//! Test helpers shared by the core's unit tests.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

const DATA_MAPS: [&str; 4] = ["attributes", "milestoneColumns", "stageMap", "statusMap"];

/// Writes `x` as JSON (what the wasm hands to JS is the same serde output)
/// and checks the shape: every key camelCase, no NaN written as null by
/// accident. Returns the JSON tree for further checks.
pub fn camel_json<T: serde::Serialize + ?Sized>(x: &T) -> serde_json::Value {
    let v = serde_json::to_value(x).expect("serialises");
    fn walk(v: &serde_json::Value, at: &str) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    assert!(!k.contains('_'), "{at}.{k}: keys are camelCase on the boundary");
                    // Maps keyed by the user's data (column and attribute
                    // names) keep their keys.
                    if !DATA_MAPS.contains(&k.as_str()) {
                        walk(x, &format!("{at}.{k}"));
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().enumerate().for_each(|(i, x)| walk(x, &format!("{at}[{i}]"))),
            _ => {}
        }
    }
    walk(&v, "");
    v
}

/// Reads a `T` from JSON text the way the wasm reads a JS value: serde with
/// the field path in the error (`deals[1].status: ...`).
pub fn read<T: serde::de::DeserializeOwned>(text: &str, name: &str) -> crate::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    crate::error::deserialize(&mut de, name).map_err(|mut e| {
        // serde_json adds where in the text; a JS value has no text.
        if let Some(at) = e.message.find(" at line ") {
            e.message.truncate(at);
        }
        e
    })
}
