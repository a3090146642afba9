//! The one binding layer between JS and the core. serde describes every
//! shape once: arguments are read by the serde derives through `de` (a
//! Deserializer over JS values that names the failing field's path),
//! results are written with serde-wasm-bindgen, and tsify turns the same
//! derives into the TypeScript declarations of `stagecast.d.ts`. Every error becomes a JS `Error` whose
//! message starts with the field's path. Nothing here may panic: a panic in
//! wasm kills the module for the whole page.
//!
//! Three builds share this file (see `[features]` in Cargo.toml): the
//! widget's part (the `Engine` and the model functions), the analysis part
//! (`analysis`) and the CSV worker's part (`csv`).
#![cfg_attr(any(feature = "csv", feature = "analysis"), allow(dead_code, unused_imports))]

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

mod de;

use crate::error::{self, Error};
use crate::{probability, Deal, ProcessModel, Scorer};
#[cfg(feature = "analysis")]
use crate::{forecast, Table};

type JsResult = Result<JsValue, JsValue>;

/// A core error as a JS `Error`: its message is `path: English`, for
/// developers; its `detail` is the error as data, `{ code, ...params,
/// path }` (`{ code: "non_negative", path: "deals[3].value" }`), which the
/// UI words in the page's language.
fn fail(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    if let Ok(detail) = to_js(&e.code) {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str("path"), &JsValue::from_str(&e.path));
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str("detail"), &detail);
    }
    err.into()
}

/// Reads a required argument into a core type; `name` names it in errors
/// (`deals[3].status: unknown variant ...`). A function's single input
/// object has no name: its fields are named bare (`weeks: must be > 0`), as
/// the core's checks name them.
fn from_js<T: DeserializeOwned>(value: JsValue, name: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::coded(if name.is_empty() { "input" } else { name }, error::ErrorCode::Required, "is required"));
    }
    de::read(value, name)
}

/// Reads an optional argument: `undefined` or `null` gives the default.
fn opt_js<T: DeserializeOwned + Default>(value: JsValue, name: &str) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(value, name)
    }
}

/// Hands a result to JS as plain data: objects (maps too), arrays,
/// numbers, strings, booleans and null.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&format!("result: {e}")).into())
}

/// Refuses a JS array longer than `max` before it is copied into wasm
/// memory, where running out of memory would abort the module.
fn at_most_items(value: &JsValue, max: usize, path: &str) -> Result<(), Error> {
    if js_sys::Array::is_array(value) && js_sys::Array::from(value).length() as usize > max {
        return Err(Error::coded(path, crate::error::ErrorCode::TooMany { max: crate::error::count(max) }, format!("at most {max} {path} are supported")));
    }
    Ok(())
}

/// Reads a model and compiles it, calibration included, naming a bad
/// field under `model`.
fn process(model: JsValue) -> Result<Scorer, Error> {
    let m: ProcessModel = from_js(model, "model")?;
    Scorer::new(m).map_err(|e| e.within("model"))
}

/// The crate version, to check which build a page loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

// ------------------------------------------------------------ the widget ----

/// The string table of the packed fast path: the strings joined by NUL,
/// split by hand (`str::split` would link a pattern searcher).
#[cfg(not(any(feature = "csv", feature = "analysis")))]
fn table(strings: &str) -> Vec<&str> {
    let (mut table, mut from) = (Vec::new(), 0);
    for (i, b) in strings.bytes().enumerate() {
        if b == 0 {
            table.push(strings.get(from..i).unwrap_or_default());
            from = i + 1;
        }
    }
    table.push(strings.get(from..).unwrap_or_default());
    table
}

/// The built-in process model.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = defaultModel, unchecked_return_type = "ProcessModel")]
pub fn default_model() -> JsResult {
    to_js(&crate::default_model())
}

/// Checks a model and returns it normalised, or throws naming the bad field.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = validateModel, unchecked_return_type = "ProcessModel")]
pub fn validate_model(#[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    to_js(&p.model)
}

/// Options of `Engine.scoreDeals`.
#[derive(serde::Serialize, serde::Deserialize, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ScoreOptions {
    /// Everything `scoreDeal` returns, for each deal (default: only `{ id,
    /// probability, interval }`).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub detail: bool,
}

/// A process model compiled once: checked, its lookups and its calibration
/// prepared, then used for every deal without reading the model again.
/// `new Engine(model)` throws naming the bad field. Call `free()` when the
/// engine is no longer needed (the elements hold one per model and free it
/// when the model changes); an engine left to the garbage collector is
/// freed with it where the browser supports it.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen]
pub struct Engine {
    process: Scorer,
}

#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue) -> Result<Engine, JsValue> {
        Ok(Engine { process: process(model).map_err(fail)? })
    }

    /// The model, checked and normalised (with its calibration, if any).
    #[wasm_bindgen(getter, unchecked_return_type = "ProcessModel")]
    pub fn model(&self) -> JsResult {
        to_js(&self.process.model)
    }

    /// One deal, in full: `{ id, probability, interval, count, source,
    /// reached, missingMandatory, outOfOrder, next, reasons }`.
    #[wasm_bindgen(js_name = scoreDeal, unchecked_return_type = "DealScore")]
    pub fn score_deal(&self, #[wasm_bindgen(unchecked_param_type = "Deal")] deal: JsValue) -> JsResult {
        let d: Deal = from_js(deal, "deal").map_err(fail)?;
        to_js(&probability::score_deal(&self.process, &d).map_err(|e| e.within("deal")).map_err(fail)?)
    }

    /// Many deals, in input order: `{ id, probability, interval }` each, or
    /// everything `scoreDeal` returns with `{ detail: true }`.
    #[wasm_bindgen(js_name = scoreDeals, unchecked_return_type = "Score[] | DealScore[]")]
    pub fn score_deals(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Deal[]")] deals: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ScoreOptions")] options: JsValue,
    ) -> JsResult {
        let o: ScoreOptions = opt_js(options, "options").map_err(fail)?;
        at_most_items(&deals, crate::deal::MAX_DEALS, "deals").map_err(fail)?;
        let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
        if o.detail {
            return to_js(&probability::score_deals(&self.process, &ds).map_err(|e| e.within("deals")).map_err(fail)?);
        }
        let scores: Result<Vec<_>, Error> = ds
            .iter()
            .enumerate()
            .map(|(k, d)| probability::score_lean(&self.process, d).map_err(|e| e.within(&error::index("deals", k))))
            .collect();
        to_js(&scores.map_err(fail)?)
    }

    /// The fast path of `scoreDeals` (issue 14), for www/src/pack.js only
    /// (not part of the API): deals packed as integer columns over a
    /// string table (see `crate::packed`; the strings joined by NUL).
    /// Returns `[probability, lo, hi]` per deal and a last 1 when there
    /// are intervals, or nothing: then the wrapper calls `scoreDeals`,
    /// which names the bad field.
    #[wasm_bindgen(js_name = scorePacked, skip_typescript)]
    pub fn score_packed(&self, strings: &str, data: &[u32]) -> Vec<f64> {
        crate::packed::score_packed(&self.process, &table(strings), data).unwrap_or_default()
    }

    // ---- issue 14: `scoreDeals(deals, { detail: true })` packed ----------
    /// The detailed fast path, for www/src/pack.js only: the same packed
    /// deals, every deal's detail as numbers (`crate::packed::score_packed_detail`),
    /// or nothing (the wrapper then calls `scoreDeals`).
    #[wasm_bindgen(js_name = scorePackedDetail, skip_typescript)]
    pub fn score_packed_detail(&self, strings: &str, data: &[u32]) -> Vec<f64> {
        crate::packed::score_packed_detail(&self.process, &table(strings), data).unwrap_or_default()
    }

    /// The milestones for pack.js to name the detail: id, label and "1"
    /// when mandatory (else ""), each, all joined by NUL.
    #[wasm_bindgen(js_name = milestoneNames, skip_typescript)]
    pub fn milestone_names(&self) -> String {
        let p = &self.process;
        let mut out = String::new();
        for i in p.indices() {
            for s in [p.id(i), "\0", p.label(i), "\0", if p.is_mandatory(i) { "1" } else { "" }, "\0"] {
                out.push_str(s);
            }
        }
        out
    }
    // ---- end of issue 14's detailed fast path -----------------------------

    /// What reaching `milestoneId` next is worth for this deal:
    /// `{ probabilityBefore, probabilityAfter, margin, value, ratio, worthIt, ... }`.
    #[wasm_bindgen(js_name = meetingValue, unchecked_return_type = "MeetingValue")]
    pub fn meeting_value(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Deal")] deal: JsValue,
        #[wasm_bindgen(js_name = milestoneId, unchecked_param_type = "string")] milestone: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ValueOptions")] options: JsValue,
    ) -> JsResult {
        let run = || -> Result<meetings::MeetingValue, Error> {
            let mut d: Deal = from_js(deal, "deal")?;
            let Some(m) = milestone.as_string() else {
                return Err(Error::coded("milestoneId", crate::error::ErrorCode::WrongType, "must be a milestone id (text)"));
            };
            let o: meetings::ValueOptions = opt_js(options, "options")?;
            meetings::meeting_value(&self.process, &mut d, &m, &o)
        };
        to_js(&run().map_err(fail)?)
    }

    /// The week's meetings ranked by value, each with `checks: {
    /// rightCustomer, rightPeople, prepared }` (`status` pass, fail or
    /// unknown, and a reason code).
    #[wasm_bindgen(js_name = rankMeetings, unchecked_return_type = "RankedMeeting[]")]
    pub fn rank_meetings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Meeting[]")] list: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RankOptions")] options: JsValue,
    ) -> JsResult {
        let run = || -> Result<Vec<meetings::RankedMeeting>, Error> {
            at_most_items(&list, meetings::MAX_RANKED_MEETINGS, "meetings")?;
            let mut ms: Vec<meetings::Meeting> = from_js(list, "meetings")?;
            let mut o: meetings::RankOptions = opt_js(options, "options")?;
            meetings::rank_meetings(&self.process, &mut ms, &mut o)
        };
        to_js(&run().map_err(fail)?)
    }
}

/// `scoreDeal(model, deal)`: shorthand for `new Engine(model).scoreDeal(deal)`
/// (compiles the model on every call: hold an `Engine` to score often).
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = scoreDeal, unchecked_return_type = "DealScore")]
pub fn score_deal(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal")] deal: JsValue,
) -> JsResult {
    Engine::new(model)?.score_deal(deal)
}

/// `scoreDeals(model, deals)`: shorthand for `new Engine(model).scoreDeals(deals,
/// { detail: true })`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = scoreDeals, unchecked_return_type = "DealScore[]")]
pub fn score_deals(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] deals: JsValue,
) -> JsResult {
    let detail = to_js(&ScoreOptions { detail: true }).unwrap_or(JsValue::UNDEFINED);
    Engine::new(model)?.score_deals(deals, detail)
}

// ------------------------------------------------ meetings and scenarios ----

use crate::meetings;
#[cfg(feature = "analysis")]
use crate::scenarios;

/// `meetingPlan({ marginBudget, meetingsPerWeek, weeks, meetingToOpportunity?,
/// winRate?, averageMargin? })` → `{ meetings, requiredMarginPerMeeting, ... }`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = meetingPlan, unchecked_return_type = "MeetingPlan")]
pub fn meeting_plan(#[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue) -> JsResult {
    let i: meetings::PlanInput = from_js(input, "").map_err(fail)?;
    to_js(&meetings::meeting_plan(&i).map_err(fail)?)
}

/// `meetingValue(model, deal, milestoneId, options?)`: shorthand for
/// `new Engine(model).meetingValue(deal, milestoneId, options)`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = meetingValue, unchecked_return_type = "MeetingValue")]
pub fn meeting_value(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal")] deal: JsValue,
    #[wasm_bindgen(js_name = milestoneId, unchecked_param_type = "string")] milestone: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValueOptions")] options: JsValue,
) -> JsResult {
    Engine::new(model)?.meeting_value(deal, milestone, options)
}

/// `rankMeetings(model, meetings, options?)`: shorthand for
/// `new Engine(model).rankMeetings(meetings, options)`.
#[cfg(not(any(feature = "csv", feature = "analysis")))]
#[wasm_bindgen(js_name = rankMeetings, unchecked_return_type = "RankedMeeting[]")]
pub fn rank_meetings(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Meeting[]")] list: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RankOptions")] options: JsValue,
) -> JsResult {
    Engine::new(model)?.rank_meetings(list, options)
}

/// `compareScenarios(base, variants)` → `[base, ...variants]`, each with its
/// numbers and sensitivity.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = compareScenarios, unchecked_return_type = "Outcome[]")]
pub fn compare_scenarios(
    #[wasm_bindgen(unchecked_param_type = "Scenario")] base: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Variant[]")] variants: JsValue,
) -> JsResult {
    let b: scenarios::Scenario = from_js(base, "base").map_err(fail)?;
    let v: Vec<scenarios::Variant> = opt_js(variants, "variants").map_err(fail)?;
    to_js(&scenarios::compare_scenarios(&b, &v).map_err(fail)?)
}

/// `specialisationWhatIf(model, { skills, pipeline, capacity? })`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = specialisationWhatIf, unchecked_return_type = "Specialisation")]
pub fn specialisation_what_if(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SpecialisationInput")] input: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let i: scenarios::SpecialisationInput = from_js(input, "").map_err(fail)?;
    to_js(&scenarios::specialise(&p, &i).map_err(fail)?)
}

/// `lifetimeValue({ annualMargin, retention, discountRate })`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = lifetimeValue, unchecked_return_type = "Lifetime")]
pub fn lifetime_value(#[wasm_bindgen(unchecked_param_type = "LifetimeInput")] input: JsValue) -> JsResult {
    let i: scenarios::LifetimeInput = from_js(input, "").map_err(fail)?;
    to_js(&scenarios::lifetime(&i).map_err(fail)?)
}

/// `retentionWhatIf({ annualMargin, retention, discountRate, ... })`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = retentionWhatIf, unchecked_return_type = "RetentionWhatIf")]
pub fn retention_what_if(#[wasm_bindgen(unchecked_param_type = "RetentionInput")] input: JsValue) -> JsResult {
    let i: scenarios::RetentionInput = from_js(input, "").map_err(fail)?;
    to_js(&scenarios::retention_what_if(&i).map_err(fail)?)
}

// ---------------------------------------------------------- the analysis ----

/// The distribution of a pipeline's total.
#[cfg(feature = "analysis")]
#[wasm_bindgen(unchecked_return_type = "Summary")]
pub fn distribution(
    #[wasm_bindgen(unchecked_param_type = "Item[]")] items: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ target?: number }")] options: JsValue,
) -> JsResult {
    let items: Vec<forecast::Item> = from_js(items, "items").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::distribution(&items, o.target).map_err(fail)?)
}

/// `distribution` over two Float64Arrays (amounts, probabilities) and an
/// optional target: same result, without reading one object per item.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = distributionArrays, unchecked_return_type = "Summary")]
pub fn distribution_arrays(amounts: &[f64], probabilities: &[f64], target: Option<f64>) -> JsResult {
    to_js(&forecast::dist::distribution_arrays(amounts, probabilities, target).map_err(fail)?)
}

/// Learns time to close from history: plain data to pass as `forecast`'s
/// `options.timing`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = learnTiming, unchecked_return_type = "Timing")]
pub fn learn_timing(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] history: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ asOf?: string }")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    let as_of = match &o.as_of {
        Some(d) => Some(crate::deal::parse_date("options.asOf", d).map_err(fail)?),
        None => None,
    };
    to_js(&forecast::learn(&p, &h, as_of).map_err(|e| e.within("history")).map_err(fail)?)
}

/// Forecast of won value or margin for the open deals: the model, the
/// sellers raw and the sellers corrected by their learned bias, side by side.
#[cfg(feature = "analysis")]
#[wasm_bindgen(unchecked_return_type = "Forecast")]
pub fn forecast(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] deals: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ForecastOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let o: forecast::Options = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::forecast_calibrated(&p, &ds, &o).map_err(fail)?)
}

/// A forecast for the next period (`every: "month"`): won so far, open
/// deals closing in it, and new deals created and won in it, each with its
/// range, and the total; the spread is learned from back-tests on `deals`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = periodForecast, unchecked_return_type = "PeriodForecast")]
pub fn period_forecast(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] deals: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "PeriodOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let o: forecast::period::PeriodOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::period::period_forecast(&p, &ds, &o).map_err(fail)?)
}

/// How honest past forecasts were: at each past period end, recalibrates on
/// what was known then, forecasts the next period and compares with what
/// closed, beside the naive peers.
#[cfg(feature = "analysis")]
#[wasm_bindgen(unchecked_return_type = "Backtest")]
pub fn backtest(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] deals: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "BacktestOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let o: forecast::backtest::BacktestOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&forecast::backtest::backtest(&p, &ds, &o).map_err(fail)?)
}

/// One calibrated model per pipeline: `[{ pipeline?, model }]`, each
/// pipeline learned from its own deals (with its own process model when
/// `options.models` gives one).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = calibratePipelines, unchecked_return_type = "PipelineModel[]")]
pub fn calibrate_pipelines(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] history: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "PipelineOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o: crate::pipelines::PipelineOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&crate::pipelines::calibrate_pipelines(&p, &h, &o).map_err(fail)?)
}

/// Learns from closed deals and returns the model with its `calibration`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(unchecked_return_type = "ProcessModel")]
pub fn calibrate(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] history: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CalibrateOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o: crate::CalibrateOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&crate::calibrate(&p, &h, &o).map_err(fail)?)
}

/// `{ n, brier, logLoss, ece, reliability, versus }` of a model on closed deals.
/// Issue 14.5 (worker): `options.bySeller` adds each seller's figures
/// (`bySeller`), so a scoreboard reads the model once, not once per seller.
#[cfg(feature = "analysis")]
#[wasm_bindgen(unchecked_return_type = "Evaluation")]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] deals: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "EvaluateOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let ds: Vec<Deal> = from_js(deals, "deals").map_err(fail)?;
    let o: crate::evaluation::EvaluateOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&crate::evaluation::evaluate_with(&p, &ds, &o).map_err(fail)?)
}

/// k-fold cross-validation: the pooled held-out evaluation, plus `folds`.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = crossValidate, unchecked_return_type = "Evaluation")]
pub fn cross_validate(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deal[]")] history: JsValue,
    k: u32,
    #[wasm_bindgen(unchecked_optional_param_type = "CalibrateOptions")] options: JsValue,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let h: Vec<Deal> = from_js(history, "history").map_err(fail)?;
    let o: crate::CalibrateOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&crate::cross_validate(&p, &h, k as usize, &o).map_err(fail)?)
}

/// Dictionaries of a columnar table, each optional.
#[cfg(feature = "analysis")]
#[derive(serde::Deserialize, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct Dictionaries {
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    attributes: Vec<String>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    values: Vec<Vec<String>>,
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    sellers: Vec<String>,
}

#[cfg(feature = "analysis")]
fn table(dictionaries: JsValue, steps: Vec<u8>, offsets: Vec<u32>, codes: Vec<u32>) -> Result<Table, Error> {
    let d: Dictionaries = opt_js(dictionaries, "dictionaries")?;
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
/// docs).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = calibrateColumns, unchecked_return_type = "ProcessModel")]
#[allow(clippy::too_many_arguments)]
pub fn calibrate_columns(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Dictionaries")] dictionaries: JsValue,
    steps: Vec<u8>,
    offsets: Vec<u32>,
    ordered: Vec<u8>,
    outcome: Vec<u8>,
    codes: Vec<u32>,
    seller: Vec<u32>,
    #[wasm_bindgen(js_name = sellerProbability)] seller_probability: Vec<f64>,
) -> JsResult {
    let p = process(model).map_err(fail)?;
    let mut t = table(dictionaries, steps, offsets, codes).map_err(fail)?;
    t.ordered = ordered;
    t.outcome = outcome;
    t.seller = seller;
    t.seller_probability = seller_probability;
    let c = crate::calibrate_table(&p, &t).map_err(fail)?;
    let mut m = p.into_process().model;
    m.calibration = Some(c);
    to_js(&m)
}

// ------------------------------------------ issue 14: the column scorer ----

/// A model compiled once for scoring deals in columns (the fast path of
/// `scoreDeals` for 10^4-10^6 deals): `new ColumnScorer(model)` checks and
/// compiles the model (throws naming the bad field), then
/// `scorer.scoreColumns(dictionaries, steps, offsets, codes)` scores as
/// often as needed without reading the model again. Call `free()` when done.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
pub struct ColumnScorer {
    inner: crate::columns::ColumnScorer,
}

#[cfg(feature = "analysis")]
#[wasm_bindgen]
impl ColumnScorer {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue) -> Result<ColumnScorer, JsValue> {
        Ok(ColumnScorer { inner: crate::columns::ColumnScorer::new(process(model).map_err(fail)?) })
    }

    /// `[p, lo, hi]` per deal, flat: row `r`'s milestones are
    /// `steps[offsets[r]..offsets[r + 1]]` (indices into the model's
    /// milestones), its value of attribute `a` is
    /// `dictionaries.values[a][codes[r * attributes.length + a] - 1]` (0:
    /// none). The same numbers as `scoreDeals` gives the deals.
    #[wasm_bindgen(js_name = scoreColumns)]
    pub fn score_columns(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Dictionaries")] dictionaries: JsValue,
        steps: &[u8],
        offsets: &[u32],
        codes: &[u32],
    ) -> Result<Vec<f64>, JsValue> {
        let d: Dictionaries = opt_js(dictionaries, "dictionaries").map_err(fail)?;
        self.inner.score(&d.attributes, &d.values, steps, offsets, codes).map_err(fail)
    }
}

/// `scoreColumns(model, dictionaries, steps, offsets, codes)`: shorthand for
/// `new ColumnScorer(model).scoreColumns(dictionaries, steps, offsets,
/// codes)` (compiles the model on every call: hold a `ColumnScorer` to
/// score often).
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = scoreColumns)]
pub fn score_columns(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Dictionaries")] dictionaries: JsValue,
    steps: &[u8],
    offsets: &[u32],
    codes: &[u32],
) -> Result<Vec<f64>, JsValue> {
    ColumnScorer::new(model)?.score_columns(dictionaries, steps, offsets, codes)
}

/// A seller's stated probability corrected by their learned bias.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = correctSellerProbability)]
pub fn correct_seller_probability(
    #[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue,
    seller: Option<String>,
    probability: f64,
) -> Result<f64, JsValue> {
    let p = process(model).map_err(fail)?;
    crate::correct_seller_probability(p.fitted(), seller.as_deref(), probability).map_err(fail)
}

/// Per seller: conversion from each milestone onward versus the team.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = sellerSkills, unchecked_return_type = "SellerSkill[]")]
pub fn seller_skills(#[wasm_bindgen(unchecked_param_type = "ProcessModel")] model: JsValue) -> JsResult {
    let p = process(model).map_err(fail)?;
    to_js(&crate::skill_profile(&p))
}

// ---------------------------------------------------------------- CSV import

/// Reads a CSV string argument, refusing one too large before copying it
/// into wasm memory (its UTF-16 length is at most its UTF-8 size).
#[cfg(feature = "csv")]
fn csv_text(text: &js_sys::JsString) -> Result<String, Error> {
    crate::import::check_size(text.length() as usize)?;
    text.as_string().ok_or_else(|| Error::coded("text", crate::error::ErrorCode::WrongType, "must be a string"))
}

/// Imports deals from CSV text: `{ deals, errors, rows, skipped, done }`.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = parseCsv, unchecked_return_type = "Import")]
pub fn parse_csv(
    text: js_sys::JsString,
    #[wasm_bindgen(unchecked_param_type = "ColumnMapping")] mapping: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ProcessModel | null")] model: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions")] options: JsValue,
) -> JsResult {
    let text = csv_text(&text).map_err(fail)?;
    let mapping: crate::ColumnMapping = from_js(mapping, "mapping").map_err(fail)?;
    let process = if model.is_undefined() || model.is_null() { None } else { Some(process(model).map_err(fail)?) };
    let options: crate::ImportOptions = opt_js(options, "options").map_err(fail)?;
    to_js(&crate::import::parse_csv(&text, &mapping, process.as_deref(), options).map_err(fail)?)
}

/// `{ header, rows (the first 10), delimiter, preset }` of CSV text.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = csvPreview, unchecked_return_type = "Preview")]
pub fn csv_preview(text: js_sys::JsString) -> JsResult {
    let text = csv_text(&text).map_err(fail)?;
    to_js(&crate::import::csv_preview(&text).map_err(fail)?)
}

/// The built-in column mappings (HubSpot, Salesforce, Pipedrive, Maven CRM).
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = csvPresets, unchecked_return_type = "Array<ColumnMapping & { name: string, title: string }>")]
pub fn csv_presets() -> JsResult {
    js_sys::JSON::parse(crate::import::PRESETS_JSON).map_err(|_| js_sys::Error::new("could not read the presets").into())
}

/// A whole-file import error as a JS `Error` whose message starts with the
/// path (the column, or `text`) and whose `detail` is the error as data
/// (`{ code: "missing_column", column, alternatives }`), for the UI to word.
#[cfg(feature = "csv")]
fn import_error(e: crate::import::history::ImportError) -> JsValue {
    let detail = to_js(&e).unwrap_or(JsValue::NULL);
    let err = js_sys::Error::new(&Error::from(e).to_string());
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("detail"), &detail);
    err.into()
}

/// Reads the history format's name (a preset name such as `"hubspot"`).
#[cfg(feature = "csv")]
fn format_of(name: JsValue) -> Result<crate::import::history::Format, Error> {
    use crate::error::ErrorCode;
    let n = name.as_string().ok_or_else(|| Error::coded("format", ErrorCode::WrongType, "must be a format name (text)"))?;
    crate::import::history::Format::of_preset(&n).ok_or_else(|| {
        let code = ErrorCode::UnknownValue { value: n.chars().take(40).collect(), expected: ["hubspot", "salesforce", "stage_history"].map(String::from).to_vec() };
        Error::coded("format", code, "must be hubspot, salesforce or stage_history")
    })
}

/// Imports a CRM's stage history (HubSpot's "Date entered" export,
/// Salesforce's Opportunity History report, or a long `deal id, stage,
/// date` file): one deal per opportunity with a dated event per stage it
/// entered, outcomes never made milestones, and closed deals without
/// history kept apart (`closedWithoutHistory`), never calibrated from how
/// they ended.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = importHistory, unchecked_return_type = "HistoryImport")]
pub fn import_history(
    text: js_sys::JsString,
    #[wasm_bindgen(unchecked_param_type = "Format | \"hubspot_history\" | \"salesforce_history\" | \"stage_history_deals\"")] format: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "HistoryOptions")] options: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ProcessModel | null")] model: JsValue,
) -> Result<JsValue, JsValue> {
    let text = csv_text(&text).map_err(fail)?;
    let f = format_of(format).map_err(fail)?;
    let o: crate::import::history::HistoryOptions = opt_js(options, "options").map_err(fail)?;
    let process = if model.is_undefined() || model.is_null() { None } else { Some(process(model).map_err(fail)?) };
    let out = crate::import::stages::import_history(&text, f, &o, process.as_deref()).map_err(import_error)?;
    to_js(&out)
}

/// The long format in two files: the history (`deal id, stage, date`) and,
/// optionally, the deals (id, name, amount, owner, ...).
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = importStageHistory, unchecked_return_type = "HistoryImport")]
pub fn import_stage_history(
    history: js_sys::JsString,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] deals: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "HistoryOptions")] options: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ProcessModel | null")] model: JsValue,
) -> Result<JsValue, JsValue> {
    let history = csv_text(&history).map_err(fail)?;
    let deals = match deals.dyn_into::<js_sys::JsString>() {
        Ok(d) => Some(csv_text(&d).map_err(|e| fail(e.within("deals")))?),
        Err(_) => None,
    };
    let o: crate::import::history::HistoryOptions = opt_js(options, "options").map_err(fail)?;
    let process = if model.is_undefined() || model.is_null() { None } else { Some(process(model).map_err(fail)?) };
    let out = crate::import::stages::import_stage_history(&history, deals.as_deref(), &o, process.as_deref()).map_err(import_error)?;
    to_js(&out)
}

/// The default stage -> milestone rules of a format's default pipeline,
/// for the import's mapping table (and its reset).
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = defaultStageRules, unchecked_return_type = "StageRule[]")]
pub fn default_stage_rules(#[wasm_bindgen(unchecked_param_type = "Format | \"hubspot_history\" | \"salesforce_history\" | \"stage_history_deals\"")] format: JsValue) -> JsResult {
    to_js(&crate::import::stages::default_rules(format_of(format).map_err(fail)?))
}

/// A CSV import read once, start to end, in chunks (for a worker's progress
/// bar): `new CsvImport(text, mapping, model?)`, then `nextChunk(maxRows)`
/// until `done`; duplicate ids are found across the whole file.
#[cfg(feature = "csv")]
#[wasm_bindgen]
pub struct CsvImport {
    inner: crate::import::chunked::ChunkedImport,
}

#[cfg(feature = "csv")]
#[wasm_bindgen]
impl CsvImport {
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: js_sys::JsString,
        #[wasm_bindgen(unchecked_param_type = "ColumnMapping")] mapping: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ProcessModel | null")] model: JsValue,
    ) -> Result<CsvImport, JsValue> {
        let text = csv_text(&text).map_err(fail)?;
        let mapping: crate::ColumnMapping = from_js(mapping, "mapping").map_err(fail)?;
        let process = if model.is_undefined() || model.is_null() { None } else { Some(process(model).map_err(fail)?) };
        Ok(CsvImport { inner: crate::import::chunked::ChunkedImport::new(text, mapping, process.map(Scorer::into_process)).map_err(fail)? })
    }

    /// The next `maxRows` rows: `{ deals, errors, rows, skipped, done }`.
    #[wasm_bindgen(js_name = nextChunk, unchecked_return_type = "Import")]
    pub fn next_chunk(&mut self, #[wasm_bindgen(js_name = maxRows)] max_rows: u32) -> JsResult {
        to_js(&self.inner.next_chunk(max_rows.max(1) as usize).map_err(fail)?)
    }

    /// `{ bytesRead, bytesTotal, rows, done }`.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&self) -> JsResult {
        to_js(&self.inner.progress())
    }
}

/// The name of the preset whose columns a header has, or `null`.
#[cfg(feature = "csv")]
#[wasm_bindgen(js_name = guessPreset, unchecked_return_type = "string | null")]
pub fn guess_preset(#[wasm_bindgen(unchecked_param_type = "string[]")] header: JsValue) -> JsResult {
    if !js_sys::Array::is_array(&header) {
        return Err(fail(Error::coded("header", crate::error::ErrorCode::WrongType, "must be an array of column names")));
    }
    at_most_items(&header, crate::import::MAX_CSV_COLUMNS, "header").map_err(fail)?;
    let header: Vec<String> = from_js(header, "header").map_err(fail)?;
    Ok(crate::import::guess_preset(&header).map_or(JsValue::NULL, JsValue::from_str))
}
