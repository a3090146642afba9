//! The one binding layer between JS and the core. Every export has the same
//! shape: read the arguments with `from_js` (which names the bad field),
//! call the core, and hand the result back with `to_js`. Every error becomes
//! a JS `Error` whose message starts with the field's path. Nothing here may
//! panic: a panic in wasm kills the module for the whole page.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{self, Error};
use crate::{forecast, probability, Deal, Process, ProcessModel};

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
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    error::at_most("deals", &ds, crate::deal::MAX_DEALS, "deals").map_err(fail)?;
    let s = probability::score_deals(&p, &ds, "deals").map_err(fail)?;
    to_js(&s)
}

/// Reads an optional argument: `undefined` or `null` gives the default.
fn opt_js<T: DeserializeOwned + Default>(value: JsValue, path: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(value, path)
    }
}

/// The distribution of a pipeline's total, `items: [{ amount, probability }]`,
/// `options: { target }`: `{ expected, p10, p50, p90, pAtLeastTarget,
/// expectedShortfall, gridStep, maxError, cdfError, exact, points }`.
#[wasm_bindgen]
pub fn distribution(items: JsValue, options: JsValue) -> JsResult {
    let items: Vec<forecast::Item> = from_js(items, "items").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::distribution(&items, o.target, "items").map_err(fail)?)
}

/// `distribution` over two Float64Arrays (amounts, probabilities) and an
/// optional target: same result, without reading one object per item.
#[wasm_bindgen(js_name = distributionArrays)]
pub fn distribution_arrays(amounts: &[f64], probabilities: &[f64], target: Option<f64>) -> JsResult {
    to_js(&forecast::dist::distribution_arrays(amounts, probabilities, target).map_err(fail)?)
}

/// Learns time to close from history (`options: { asOf }` censors open
/// deals at that date): plain data to pass as `forecast`'s `options.timing`.
#[wasm_bindgen(js_name = learnTiming)]
pub fn learn_timing(model: JsValue, history: JsValue, options: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    let as_of = match &o.as_of {
        Some(d) => Some(crate::deal::parse_date("options.asOf", d).map_err(fail)?),
        None => None,
    };
    to_js(&forecast::learn(&p, &h, as_of, "history").map_err(fail)?)
}

/// Forecast of won value or margin for the open deals: model, sellers raw
/// and (once calibration provides it) sellers corrected, side by side.
#[wasm_bindgen]
pub fn forecast(model: JsValue, deals: JsValue, options: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    // Seller bias: wired to calibration when it lands; none until then.
    to_js(&forecast::forecast(&p, &ds, &o, None).map_err(fail)?)
}
