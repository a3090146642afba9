//! Test helpers shared by the core's unit tests (compiled for tests only:
//! `#[cfg(test)] mod testing` in lib.rs).
#![cfg(test)]
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
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.path().to_string();
        // serde_path_to_error writes the root as "."; serde_json adds where
        // in the text, which a JS value does not have.
        let inner = if inner == "." { String::new() } else { inner };
        let mut message = e.into_inner().to_string();
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        // As the wasm's reader does: a missing field is named by its own path.
        if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            return crate::Error::coded(crate::error::join(name, &crate::error::join(&inner, field)), crate::error::ErrorCode::Required, "is required");
        }
        crate::Error::new(crate::error::join(name, &inner), message)
    })
}
