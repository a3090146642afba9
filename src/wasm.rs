//! The one binding layer between JS and the core. Every export has the same
//! shape: read the arguments with `from_js` (which names the bad field),
//! call the core, and hand the result back with `to_js`. Every error becomes
//! a JS `Error` whose message starts with the field's path. Nothing here may
//! panic: a panic in wasm kills the module for the whole page.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{self, Error};
use crate::{probability, Deal, Process, ProcessModel};

type JsResult = Result<JsValue, JsError>;

fn fail(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Deserializes a JS value, naming the field where it went wrong
/// (`deals[3].status: unknown variant ...`). `path` names the argument.
fn from_js<T: DeserializeOwned>(value: JsValue, path: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::new(path, "is required"));
    }
    let de = serde_wasm_bindgen::Deserializer::from(value);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.path().to_string();
        let inner = if inner == "." { String::new() } else { inner };
        let message = e.into_inner().to_string();
        Error::new(error::join(path, &inner), message)
    })
}

/// Refuses a JS array longer than `max` before it is copied into wasm
/// memory, where running out of memory would abort the module.
fn at_most_items(value: &JsValue, max: usize, path: &str) -> Result<(), Error> {
    if js_sys::Array::is_array(value) && js_sys::Array::from(value).length() as usize > max {
        return Err(Error::new(path, format!("at most {max} {path} are supported")));
    }
    Ok(())
}

fn to_js<T: Serialize>(value: &T) -> JsResult {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not convert the result: {e}")))
}

fn process(model: JsValue) -> Result<Process, Error> {
    let m: ProcessModel = from_js(model, "model")?;
    Process::new(m).map_err(|e| e.within("model"))
}

/// The crate version, to check which build a page loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The built-in process model.
#[wasm_bindgen(js_name = defaultModel)]
pub fn default_model() -> JsResult {
    to_js(&crate::default_model())
}

/// Checks a model and returns it normalised, or throws naming the bad field.
#[wasm_bindgen(js_name = validateModel)]
pub fn validate_model(model: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    to_js(&p.model)
}

/// Scores one deal: `{ id, probability, interval, reached, missingMandatory,
/// outOfOrder, next, explanation }`.
#[wasm_bindgen(js_name = scoreDeal)]
pub fn score_deal(model: JsValue, deal: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let d: Deal = from_js(deal, "deal").map_err(fail)?;
    let s = probability::score_deal(&p, &d, "deal").map_err(fail)?;
    to_js(&s)
}

/// Scores many deals, in input order.
#[wasm_bindgen(js_name = scoreDeals)]
pub fn score_deals(model: JsValue, deals: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    at_most_items(&deals, crate::deal::MAX_DEALS, "deals").map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    error::at_most("deals", &ds, crate::deal::MAX_DEALS, "deals").map_err(fail)?;
    let s = probability::score_deals(&p, &ds, "deals").map_err(fail)?;
    to_js(&s)
}

// ---------------------------------------------------------------- CSV import
//
// Behind the `csv` feature: the import adds about 20 KiB gzip, which the
// widget's own wasm cannot afford. Build it into the wasm the import's Web
// Worker loads: `cargo build --release --lib --target wasm32-unknown-unknown
// --features csv`.

/// Reads a CSV string argument, refusing one too large before copying it
/// into wasm memory (its UTF-16 length is at most its UTF-8 size).
#[cfg(feature = "csv")]
fn csv_text(text: &js_sys::JsString) -> Result<String, Error> {
    if text.length() as usize > crate::import::MAX_CSV_BYTES {
        return Err(Error::new("text", "the CSV is larger than 50 MB"));
    }
    text.as_string().ok_or_else(|| Error::new("text", "must be a string"))
}

#[cfg(feature = "csv")]
fn optional<T: DeserializeOwned + Default>(value: JsValue, path: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(value, path)
    }
}

/// Imports deals from CSV text: `parseCsv(text, mapping, model?, options?)`
/// returns `{ deals, errors: [{ line, column?, message }], rows, skipped,
/// done }`. With a model, each deal is checked against it. `options` is
/// `{ offsetRows, maxRows }` for chunked imports. Bad rows are listed and
/// skipped; a bad mapping or header throws.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = parseCsv)]
pub fn parse_csv(text: js_sys::JsString, mapping: JsValue, model: JsValue, options: JsValue) -> JsResult {
    let text = csv_text(&text).map_err(fail)?;
    let mapping: crate::ColumnMapping = from_js(mapping, "mapping").map_err(fail)?;
    let process = if model.is_undefined() || model.is_null() { None } else { Some(process(model).map_err(fail)?) };
    let options: crate::ImportOptions = optional(options, "options").map_err(fail)?;
    let out = crate::import::parse_csv(&text, &mapping, process.as_ref(), options).map_err(fail)?;
    to_js(&out)
}

/// `{ header, rows (the first 10), delimiter, preset }` of CSV text, so a
/// UI can offer a column mapping.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = csvPreview)]
pub fn csv_preview(text: js_sys::JsString) -> JsResult {
    let text = csv_text(&text).map_err(fail)?;
    to_js(&crate::import::csv_preview(&text).map_err(fail)?)
}

/// The built-in column mappings (HubSpot, Salesforce, Pipedrive, Maven CRM),
/// each `{ name, title, ...ColumnMapping }`, with stage maps for the default
/// model.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = csvPresets)]
pub fn csv_presets() -> JsResult {
    js_sys::JSON::parse(crate::import::PRESETS_JSON).map_err(|_| JsError::new("could not read the presets"))
}

/// The name of the preset whose columns a header has, or `null`.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = guessPreset)]
pub fn guess_preset(header: JsValue) -> JsResult {
    if !js_sys::Array::is_array(&header) {
        return Err(fail(Error::new("header", "must be an array of column names")));
    }
    at_most_items(&header, crate::import::MAX_CSV_COLUMNS, "header").map_err(fail)?;
    let header: Vec<String> = from_js(header, "header").map_err(fail)?;
    Ok(crate::import::guess_preset(&header).map_or(JsValue::NULL, JsValue::from_str))
}
