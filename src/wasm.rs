//! The one binding layer between JS and the core. Every export has the same
//! shape: read the arguments with `from_js` (JS value -> `value::Value` ->
//! core type, naming the bad field),
//! call the core, and hand the result back with `to_js`. Every error becomes
//! a JS `Error` whose message starts with the field's path. Nothing here may
//! panic: a panic in wasm kills the module for the whole page.
//!
//! With the `csv` feature this builds the CSV import worker's wasm instead:
//! only the import exports (and `version`), so the worker stays small.
#![cfg_attr(any(feature = "csv", feature = "analysis"), allow(dead_code, unused_imports))]

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{self, Error};
use crate::value::{from_value, FromVal, Obj, ToVal, Value, MAX_DEPTH};
use crate::{probability, Deal, Process, ProcessModel};
#[cfg(feature = "analysis")]
use crate::{forecast, Table};

type JsResult = Result<JsValue, JsError>;

fn fail(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads an argument into a core type, naming the field where it went wrong
/// (`deals[3].status: unknown value "x", ...`). `path` names the argument.
fn from_js<T: FromVal>(value: JsValue, path: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::new(path, "is required"));
    }
    let v = read(&value, 0).map_err(|e| e.within(path))?;
    from_value(&v, path)
}

/// Copies a JS value into a `Value` tree: plain objects, arrays, typed arrays,
/// `Map`s, strings, numbers, booleans, null and undefined; a `Date` becomes
/// its ISO string. Anything else (functions, symbols, BigInt) is an error,
/// and so is nesting deeper than `MAX_DEPTH`.
fn read(v: &JsValue, depth: usize) -> Result<Value, Error> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        return Ok(Value::Number(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if !v.is_object() {
        return Err(Error::new("", "expected data (object, list, string, number or boolean), got a function, symbol or BigInt"));
    }
    if depth >= MAX_DEPTH {
        return Err(Error::new("", format!("is nested more than {MAX_DEPTH} levels deep")));
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        return Ok(Value::String(String::from(d.to_iso_string())));
    }
    if js_sys::Array::is_array(v) || js_sys::ArrayBuffer::is_view(v) {
        let items = js_sys::Array::from(v);
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            out.push(read(&item, depth + 1).map_err(|e| e.within(&format!("[{i}]")))?);
        }
        return Ok(Value::Array(out));
    }
    let entries = if let Some(m) = v.dyn_ref::<js_sys::Map>() {
        js_sys::Array::from(&m.entries())
    } else {
        js_sys::Object::entries(v.unchecked_ref())
    };
    let mut out = Vec::with_capacity(entries.length() as usize);
    for pair in entries.iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = read(&pair.get(1), depth + 1).map_err(|e| e.within(&key))?;
        out.push((key, value));
    }
    Ok(Value::Object(out))
}

/// Refuses a JS array longer than `max` before it is copied into wasm
/// memory, where running out of memory would abort the module.
fn at_most_items(value: &JsValue, max: usize, path: &str) -> Result<(), Error> {
    if js_sys::Array::is_array(value) && js_sys::Array::from(value).length() as usize > max {
        return Err(Error::new(path, format!("at most {max} {path} are supported")));
    }
    Ok(())
}

/// Hands a result to JS as plain data (objects, arrays, numbers, strings,
/// booleans, null), through the one non-generic `value_to_js`.
#[allow(clippy::unnecessary_wraps)] // every export returns a JsResult
fn to_js<T: ToVal + ?Sized>(value: &T) -> JsResult {
    Ok(value_to_js(&value.to_val()))
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
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = defaultModel)]
pub fn default_model() -> JsResult {
    to_js(&crate::default_model())
}

/// Checks a model and returns it normalised, or throws naming the bad field.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = validateModel)]
pub fn validate_model(model: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    to_js(&p.model)
}

/// Scores one deal: `{ id, probability, interval, reached, missingMandatory,
/// outOfOrder, next, explanation }`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = scoreDeal)]
pub fn score_deal(model: JsValue, deal: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let d: Deal = from_js(deal, "deal").map_err(fail)?;
    let s = probability::score_deal(&p, &d, "deal").map_err(fail)?;
    to_js(&s)
}

/// Scores many deals, in input order.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = scoreDeals)]
pub fn score_deals(model: JsValue, deals: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    at_most_items(&deals, crate::deal::MAX_DEALS, "deals").map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    error::at_most("deals", &ds, crate::deal::MAX_DEALS, "deals").map_err(fail)?;
    let s = probability::score_deals(&p, &ds, "deals").map_err(fail)?;
    to_js(&s)
}

// ------------------------------------------------ meetings and scenarios ----
// These read their arguments with the same `read` as every other export and
// the core checks each field with `value::Obj`; results come back as a
// `Value` written by `value_to_js` (no serde code per result type).

use crate::meetings;
#[cfg(feature = "analysis")]
use crate::scenarios;

#[wasm_bindgen]
extern "C" {
    /// A plain object being filled: `object[key] = value`, with no exception
    /// handling around it (`Reflect.set` has some, and costs more per key).
    #[wasm_bindgen(js_name = Object)]
    type Plain;
    #[wasm_bindgen(method, indexing_setter)]
    fn set(this: &Plain, key: &JsValue, value: &JsValue);
}

/// At most this many result keys are kept as JS strings, each at most
/// `MAX_KEY` bytes long (longer keys are data from outside, such as
/// attribute names, and are not kept).
const MAX_KEYS: usize = 256;
const MAX_KEY: usize = 40;

thread_local! {
    /// Result keys as JS strings, made once: the same few dozen keys come
    /// back in every result, and a string made in JS costs a UTF-8 decode.
    static KEYS: std::cell::RefCell<Vec<(String, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn key_js(k: &str) -> JsValue {
    KEYS.with(|cache| {
        let Ok(mut c) = cache.try_borrow_mut() else { return JsValue::from_str(k) };
        match c.binary_search_by(|(x, _)| x.as_str().cmp(k)) {
            Ok(i) => c.get(i).map_or_else(|| JsValue::from_str(k), |(_, v)| v.clone()),
            Err(i) => {
                let v = JsValue::from_str(k);
                if c.len() < MAX_KEYS && k.len() <= MAX_KEY {
                    c.insert(i, (k.to_string(), v.clone()));
                }
                v
            }
        }
    })
}

/// Writes a result tree as plain JS: objects, arrays, numbers, strings,
/// booleans and null. One non-generic function for every result shape.
fn value_to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(value_to_js).collect::<js_sys::Array>().into(),
        Value::Object(entries) => {
            let o: Plain = js_sys::Object::new().unchecked_into();
            for (k, x) in entries {
                if k == "__proto__" {
                    // An own property named "__proto__" (say, a CSV column), not the prototype.
                    js_sys::Object::define_property(o.unchecked_ref::<js_sys::Object>(), &JsValue::from_str(k), &own(&value_to_js(x)));
                } else {
                    o.set(&key_js(k), &value_to_js(x));
                }
            }
            o.into()
        }
    }
}

/// The descriptor of a plain own data property holding `v`.
fn own(v: &JsValue) -> js_sys::Object {
    let d: Plain = js_sys::Object::new().unchecked_into();
    let yes = JsValue::TRUE;
    for k in ["value", "enumerable", "writable", "configurable"] {
        d.set(&key_js(k), if k == "value" { v } else { &yes });
    }
    d.unchecked_into()
}

/// Reads an argument as a `Value`; `undefined` and `null` are `Null`.
/// `path` names it in errors.
fn value_arg(v: &JsValue, path: &str) -> Result<Value, Error> {
    read(v, 0).map_err(|e| e.within(path))
}

/// Reads a required argument (`path` empty: the single input object, called
/// `input` when missing).
fn arg(v: &JsValue, path: &str) -> Result<Value, Error> {
    if v.is_undefined() || v.is_null() {
        return Err(Error::new(if path.is_empty() { "input" } else { path }, "is required"));
    }
    value_arg(v, path)
}

/// The field `key` of an object value (absent, `null` and not an object
/// are `None`; the core reports a value that is not an object).
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    Obj::new(v, "").ok().and_then(|o| o.get(key))
}

fn done(r: Result<Value, Error>) -> JsResult {
    r.map(|v| value_to_js(&v)).map_err(fail)
}

/// `meetingPlan({ marginBudget, meetingsPerWeek, weeks, meetingToOpportunity?,
/// winRate?, averageMargin? })` → `{ meetings, requiredMarginPerMeeting, ... }`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = meetingPlan)]
pub fn meeting_plan(input: JsValue) -> JsResult {
    let run = || -> Result<Value, Error> {
        let p = meetings::PlanInput::from_val(&arg(&input, "")?, "")?;
        Ok(meetings::meeting_plan(&p).to_val())
    };
    done(run())
}

/// `meetingValue(model, deal, milestoneId, options?)` →
/// `{ probabilityBefore, probabilityAfter, margin, value, ratio, worthIt, ... }`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = meetingValue)]
pub fn meeting_value(model: JsValue, deal: JsValue, milestone: JsValue, options: JsValue) -> JsResult {
    let run = || -> Result<Value, Error> {
        let p = process(model)?;
        let mut d: Deal = from_js(deal, "deal")?;
        let Some(m) = milestone.as_string() else {
            return Err(Error::new("milestoneId", "must be a milestone id (text)"));
        };
        let o = meetings::ValueOptions::from_val(&value_arg(&options, "options")?, "options")?;
        Ok(meetings::meeting_value(&p, &mut d, "deal", &m, "milestoneId", &o)?.to_val())
    };
    done(run())
}

/// `rankMeetings(model, meetings, options?)` → the meetings ranked by value,
/// each with `checks: { rightCustomer, rightPeople, prepared }`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = rankMeetings)]
pub fn rank_meetings(model: JsValue, list: JsValue, options: JsValue) -> JsResult {
    let run = || -> Result<Value, Error> {
        let p = process(model)?;
        let ms = value_arg(&list, "meetings")?;
        // Deals given inside meetings and in options.deals are core deals,
        // read with serde from the tree already read.
        let mut inline = Vec::new();
        if let Value::Array(items) = &ms {
            for (i, m) in items.iter().enumerate() {
                inline.push(match field(m, "deal") {
                    Some(d) => Some(from_value::<Deal>(d, &error::join(&error::index("meetings", i), "deal"))?),
                    None => None,
                });
            }
        }
        let o = value_arg(&options, "options")?;
        let mut deals: Vec<Deal> = match field(&o, "deals") {
            Some(d) => from_value(d, "options.deals")?,
            None => Vec::new(),
        };
        error::at_most("options.deals", &deals, crate::deal::MAX_DEALS, "deals")?;
        let ro = meetings::RankOptions::from_val(&o, "options", &p)?;
        let ranked = meetings::rank_meetings(&p, &ms, &mut inline, &mut deals, &ro)?;
        Ok(Value::Array(ranked.iter().map(meetings::RankedMeeting::to_val).collect()))
    };
    done(run())
}

/// `compareScenarios(base, variants)` → `[base, ...variants]`, each
/// `{ name, meetings, opportunities, expectedWins, expectedMargin, pHitBudget,
/// requiredMarginPerMeeting, gap, winsNeeded, sensitivity: [...] }`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = compareScenarios)]
pub fn compare_scenarios(base: JsValue, variants: JsValue) -> JsResult {
    let run = || -> Result<Value, Error> {
        let b = arg(&base, "base")?;
        let v = value_arg(&variants, "variants")?;
        Ok(Value::Array(scenarios::compare_scenarios(&b, &v)?.iter().map(scenarios::Outcome::to_val).collect()))
    };
    done(run())
}

/// `specialisationWhatIf(model, { skills, pipeline, capacity? })` → per step,
/// the current sellers' conversion versus the specialist's and the change in
/// expected margin.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = specialisationWhatIf)]
pub fn specialisation_what_if(model: JsValue, input: JsValue) -> JsResult {
    let run = || -> Result<Value, Error> {
        let p = process(model)?;
        let (skills, pipeline, capacity) = scenarios::specialisation_input(&arg(&input, "")?)?;
        Ok(scenarios::specialise(&p, &skills, &pipeline, capacity)?.to_val())
    };
    done(run())
}

/// `lifetimeValue({ annualMargin, retention, discountRate })` →
/// `{ lifetimeValue, expectedYears }`, lifetimeValue = m / (1 + d − r).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = lifetimeValue)]
pub fn lifetime_value(input: JsValue) -> JsResult {
    done(arg(&input, "").and_then(|v| scenarios::lifetime_value_val(&v)))
}

/// `retentionWhatIf({ annualMargin, retention, discountRate, retentionPoints?,
/// customers?, costRatio?, acquisitionCost? })`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = retentionWhatIf)]
pub fn retention_what_if(input: JsValue) -> JsResult {
    done(arg(&input, "").and_then(|v| Ok(scenarios::retention_what_if(&v)?.to_val())))
}

/// Reads an optional argument: `undefined` or `null` gives the default.
#[cfg(any(feature = "analysis", feature = "csv"))]
fn opt_js<T: FromVal + Default>(value: JsValue, path: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(value, path)
    }
}

/// The distribution of a pipeline's total, `items: [{ amount, probability }]`,
/// `options: { target }`: `{ expected, p10, p50, p90, pAtLeastTarget,
/// expectedShortfall, gridStep, maxError, cdfError, exact, points }`.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub fn distribution(items: JsValue, options: JsValue) -> JsResult {
    let items: Vec<forecast::Item> = from_js(items, "items").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::distribution(&items, o.target, "items").map_err(fail)?)
}

/// `distribution` over two Float64Arrays (amounts, probabilities) and an
/// optional target: same result, without reading one object per item.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = distributionArrays)]
pub fn distribution_arrays(amounts: &[f64], probabilities: &[f64], target: Option<f64>) -> JsResult {
    to_js(&forecast::dist::distribution_arrays(amounts, probabilities, target).map_err(fail)?)
}

/// Learns time to close from history (`options: { asOf }` censors open
/// deals at that date): plain data to pass as `forecast`'s `options.timing`.
#[cfg(feature = "analysis")]
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
/// and sellers corrected by their learned bias (calibrated models), side by side.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub fn forecast(model: JsValue, deals: JsValue, options: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::forecast_calibrated(&p, &ds, &o).map_err(fail)?)
}

#[cfg(feature = "analysis")]
fn options(value: JsValue) -> Result<crate::CalibrateOptions, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(crate::CalibrateOptions::default())
    } else {
        from_js(value, "options")
    }
}

/// Learns from closed deals and returns the model with its `calibration`:
/// pass it anywhere a model is taken. `options`: `{ paths: "auto" | "prefix"
/// | "final" }` (default "auto": dated deals are paths, others snapshots).
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub fn calibrate(model: JsValue, history: JsValue, options_: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o = options(options_).map_err(fail)?;
    let m = crate::calibrate(&p, &h, &o).map_err(fail)?;
    to_js(&m)
}

/// `{ n, brier, logLoss, ece, reliability, versus: { priors, sellerProbability? } }`
/// of a model (calibrated or not) on closed deals.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub fn evaluate(model: JsValue, deals: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let e = crate::evaluate(&p, &ds).map_err(fail)?;
    to_js(&e)
}

/// k-fold cross-validation (deal i in fold i % k): the evaluation of the
/// pooled held-out scores, plus `folds` (Brier of each fold).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = crossValidate)]
pub fn cross_validate(model: JsValue, history: JsValue, k: u32, options_: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o = options(options_).map_err(fail)?;
    let e = crate::cross_validate(&p, &h, k as usize, &o).map_err(fail)?;
    to_js(&e)
}

/// Dictionaries of a columnar table: `{ attributes: [name], values:
/// [[value]], sellers: [name] }`, each optional.
#[cfg(feature = "analysis")]
#[derive(Default)]
struct Dictionaries {
    attributes: Vec<String>,
    values: Vec<Vec<String>>,
    sellers: Vec<String>,
}

#[cfg(feature = "analysis")]
impl FromVal for Dictionaries {
    fn from_val(v: &Value, path: &str) -> Result<Self, Error> {
        let o = Obj::new(v, path)?;
        Ok(Dictionaries { attributes: o.or_default("attributes")?, values: o.or_default("values")?, sellers: o.or_default("sellers")? })
    }
}

#[cfg(feature = "analysis")]
fn table(dictionaries: JsValue, steps: Vec<u8>, offsets: Vec<u32>, codes: Vec<u32>) -> Result<Table, Error> {
    let d: Dictionaries = from_js(dictionaries, "dictionaries")?;
    let n = offsets.len().saturating_sub(1);
    Ok(Table {
        attributes: d.attributes,
        values: d.values,
        sellers: d.sellers,
        steps,
        offsets,
        ordered: vec![0; n],
        outcome: vec![2; n],
        codes,
        seller: vec![0; n],
        seller_probability: vec![f64::NAN; n],
    })
}

/// The fast path of `calibrate`, on typed arrays (see `Table` in the Rust
/// docs): deal r's milestone indices are `steps[offsets[r]..offsets[r+1]]`
/// (`ordered[r]` 1 = in completion order, 0 = a snapshot); `outcome[r]` 0
/// lost, 1 won (2 open: ignored); `codes[r * attributes.length + a]` is 0 or
/// 1 + an index into `values[a]`; `seller[r]` 0 or 1 + an index into
/// `sellers`; `sellerProbability[r]` NaN for none. To learn a seller effect
/// on the probability, also pass the seller as an attribute named "seller".
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = calibrateColumns)]
#[allow(clippy::too_many_arguments)]
pub fn calibrate_columns(
    model: JsValue,
    dictionaries: JsValue,
    steps: Vec<u8>,
    offsets: Vec<u32>,
    ordered: Vec<u8>,
    outcome: Vec<u8>,
    codes: Vec<u32>,
    seller: Vec<u32>,
    seller_probability: Vec<f64>,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let mut t = table(dictionaries, steps, offsets, codes).map_err(fail)?;
    t.ordered = ordered;
    t.outcome = outcome;
    t.seller = seller;
    t.seller_probability = seller_probability;
    let c = crate::calibrate_table(&p, &t).map_err(fail)?;
    let mut m = p.model;
    m.calibration = Some(c);
    to_js(&m)
}

/// The fast path of `scoreDeals`: `[p, lo, hi]` per deal, flat (`lo`, `hi`
/// equal `p` on an uncalibrated model). Same columns as `calibrateColumns`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = scoreColumns)]
pub fn score_columns(model: JsValue, dictionaries: JsValue, steps: Vec<u8>, offsets: Vec<u32>, codes: Vec<u32>) -> Result<Vec<f64>, JsError> {
    let p = process(model).map_err(fail)?;
    let t = table(dictionaries, steps, offsets, codes).map_err(fail)?;
    let s = crate::evaluation::score_table(&p, &t).map_err(fail)?;
    Ok(s.iter().flat_map(|(p, i, _)| [*p, i[0], i[1]]).collect())
}

/// A seller's stated probability corrected by what history learned of their
/// over- or under-confidence (the team's correction for an unknown seller).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = correctSellerProbability)]
pub fn correct_seller_probability(model: JsValue, seller: Option<String>, probability: f64) -> Result<f64, JsError> {
    let p = process(model).map_err(fail)?;
    crate::correct_seller_probability(&p, seller.as_deref(), probability).map_err(fail)
}

/// Per seller: conversion from each milestone onward versus the team:
/// `[{ seller, milestones: [{ milestone, reached, advanced, rate, interval,
/// teamRate, delta, verdict }] }]`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = sellerSkills)]
pub fn seller_skills(model: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    to_js(&crate::skill_profile(&p))
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
    let options: crate::ImportOptions = opt_js(options, "options").map_err(fail)?;
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
