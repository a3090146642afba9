//! Forecasts: ranges, not one weighted sum. `dist` computes the distribution
//! of a pipeline's total; `timing` learns how long deals take to close;
//! `forecast` puts them together for a pipeline of open deals.

pub mod backtest;
pub mod dist;
pub mod period;
pub mod timing;

use serde::{Deserialize, Serialize};

use crate::deal::{parse_date, Deal, Status};
use crate::error::{self, Error, Result};
use crate::scorer::Scorer;

pub use dist::{distribution, Grid, Item, Point, Summary};
pub use timing::{learn, Curve, Timing};

/// Most standard deviation a common factor may have.
pub const MAX_FACTOR_SD: f64 = 2.0;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    #[default]
    Value,
    Margin,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CommonFactor {
    pub sd: f64,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(rename = "ForecastOptions"))]
#[serde(rename = "ForecastOptions", rename_all = "camelCase", default)]
pub struct Options {
    #[serde(deserialize_with = "crate::error::null_default")]
    pub measure: Measure,
    pub target: Option<f64>,
    /// `YYYY-MM-DD`; default: the latest date seen in deals and history.
    pub as_of: Option<String>,
    /// `YYYY-MM-DD`; without it, every deal may close (no period).
    pub period_end: Option<String>,
    /// Closed (and open) deals to learn time to close from.
    #[serde(deserialize_with = "crate::error::null_default")]
    pub history: Vec<Deal>,
    /// A timing model from `learnTiming`, instead of `history`.
    pub timing: Option<Timing>,
    pub common_factor: Option<CommonFactor>,
}

/// One open deal in the forecast.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DealForecast {
    pub id: String,
    pub amount: f64,
    /// Model probability of winning at all.
    pub probability: f64,
    /// P(close by the period end | still open at asOf); 1 without a period.
    pub close_in_period: f64,
    pub seller_probability: Option<f64>,
    pub days_in_state: Option<u32>,
    pub stale: bool,
}

/// What `forecast` returns.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub as_of: Option<String>,
    pub period_end: Option<String>,
    /// Independent deals, model probabilities.
    pub model: Summary,
    /// Sellers' own probabilities as entered.
    pub sellers_raw: Summary,
    /// Sellers' probabilities corrected by their learned bias; `None` when
    /// no correction is available.
    pub sellers_corrected: Option<Summary>,
    /// Open deals without a seller probability: in both seller views they
    /// keep the model's probability.
    pub without_seller_probability: u32,
    /// Model probabilities under the common factor, when one is given.
    pub dependent: Option<Summary>,
    /// P90 - P10 without and with the common factor.
    pub width_independent: f64,
    pub width_dependent: Option<f64>,
    pub open_deals: u32,
    /// Sum of the open deals' amounts, unweighted.
    pub pipeline: f64,
    /// Sum of amount × P(won in period): the model's expected value.
    pub weighted_pipeline: f64,
    /// weighted pipeline / target.
    pub coverage: Option<f64>,
    /// Ids of open deals in their state for longer than 90% of history's deals.
    pub stale: Vec<String>,
    /// Data quality: events without a date, open deals with no milestone,
    /// open deals without the measured amount (counted as 0), open deals
    /// whose state has no date (time counted from reaching it), open deals
    /// older than any close history shows, closed deals passed in `deals`
    /// (not forecast; with a period they teach time to close).
    pub undated_events: u32,
    pub without_milestone: u32,
    pub without_amount: u32,
    pub undated_state: u32,
    pub beyond_history: u32,
    pub closed_ignored: u32,
    pub deals: Vec<DealForecast>,
}



/// A per-seller correction of sellers' probabilities: (seller, p) -> p.
pub type SellerCorrection<'a> = &'a dyn Fn(&str, f64) -> f64;

/// `forecast` with the sellers' bias learned by calibration, when the model
/// carries one (`calibration.sellerBias` / `teamBias`); without it the
/// corrected view is absent rather than a copy of the raw one.
pub fn forecast_calibrated(process: &Scorer, deals: &[Deal], options: &Options) -> Result<Forecast> {
    let has_bias = process.fitted().is_some_and(|f| f.bias(None).is_some() || f.has_seller_bias());
    let correct = |seller: &str, p: f64| crate::calibration::correct_seller_probability(process.fitted(), Some(seller), p).unwrap_or(p);
    forecast(process, deals, options, if has_bias { Some(&correct) } else { None })
}

fn date(path: &str, s: &Option<String>) -> Result<Option<i32>> {
    s.as_deref().map(|d| parse_date(path, d)).transpose()
}

/// Latest date in events and close dates (unchecked strings are skipped).
fn latest(deals: &[Deal]) -> Option<i32> {
    deals
        .iter()
        .flat_map(|d| d.events.iter().filter_map(|e| e.date.as_deref()).chain(d.close_date.as_deref()))
        .filter_map(|s| parse_date("", s).ok())
        .max()
}

/// Sorts pairs in place (heapsort: one small function for every sort of
/// this module, where the standard sorts would add kilobytes to the wasm).
pub fn sort_pairs(v: &mut [(u64, u64)]) {
    fn sift(v: &mut [(u64, u64)], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v.get(child + 1) > v.get(child) {
                child += 1;
            }
            if v.get(root) >= v.get(child) {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for i in (0..n / 2).rev() {
        sift(v, i, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

/// The forecast of won value or margin for the open `deals`.
pub fn forecast(process: &Scorer, deals: &[Deal], options: &Options, correct: Option<SellerCorrection>) -> Result<Forecast> {
    error::at_most("deals", deals, crate::deal::MAX_DEALS, "deals")?;
    let target = options.target.map(|t| error::finite("options.target", t)).transpose()?;
    let sd = match options.common_factor {
        Some(f) => {
            let sd = error::non_negative("options.commonFactor.sd", f.sd)?;
            if sd > MAX_FACTOR_SD {
                return Err(Error::coded("options.commonFactor.sd", error::ErrorCode::Range { min: 0.0, max: MAX_FACTOR_SD }, "must be at most 2"));
            }
            Some(sd)
        }
        None => None,
    };
    let as_of = match date("options.asOf", &options.as_of)? {
        Some(d) => Some(d),
        None => latest(deals).max(latest(&options.history)),
    };
    let period_end = date("options.periodEnd", &options.period_end)?;
    let learned;
    let timing = match (period_end, &options.timing) {
        (None, _) => None,
        (Some(_), Some(t)) => Some((t, "options.timing")),
        (Some(_), None) => {
            if options.history.is_empty() {
                return Err(Error::coded("options.history", error::ErrorCode::Required, "is required with options.periodEnd (or pass options.timing)"));
            }
            // The pipeline's deals teach timing too: open ones as censored
            // observations, closed ones (not forecast) as closes.
            error::at_most("options.history", &options.history, crate::deal::MAX_DEALS, "deals")?;
            learned = timing::learn_from(process, &[(&options.history, "options.history"), (deals, "deals")], as_of)?;
            Some((&learned, "options.timing"))
        }
    };
    let lookup = timing.map(|(t, path)| timing::Lookup::new(process, t).map_err(|e| e.within(path))).transpose()?;
    let (horizon, now) = match (period_end, as_of) {
        (Some(end), Some(now)) => match u32::try_from(end - now) {
            Ok(h) => (h, Some(now)),
            Err(_) => return Err(Error::coded("options.periodEnd", error::ErrorCode::NotBefore { other: "options.asOf" }, "must not be before asOf")),
        },
        (Some(_), None) => return Err(Error::coded("options.asOf", error::ErrorCode::Required, "is required: no dated event to take it from")),
        (None, now) => (0, now),
    };

    let mut out_deals = Vec::new();
    let (mut amounts, mut model_p, mut raw_p, mut cor_p) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut f = Forecast {
        as_of: as_of.map(crate::deal::civil_from_days),
        period_end: period_end.map(crate::deal::civil_from_days),
        model: Summary::default(),
        sellers_raw: Summary::default(),
        sellers_corrected: None,
        without_seller_probability: 0,
        dependent: None,
        width_independent: 0.0,
        width_dependent: None,
        open_deals: 0,
        pipeline: 0.0,
        weighted_pipeline: 0.0,
        coverage: None,
        stale: Vec::new(),
        undated_events: 0,
        without_milestone: 0,
        without_amount: 0,
        undated_state: 0,
        beyond_history: 0,
        closed_ignored: 0,
        deals: Vec::new(),
    };
    for (k, d) in deals.iter().enumerate() {
        let path = error::index("deals", k);
        let score = crate::probability::score_deal(process, d).map_err(|e| e.within(&path))?;
        if d.status != Status::Open {
            f.closed_ignored += 1;
            continue;
        }
        let st = d.check(process).map_err(|e| e.within(&path))?;
        f.open_deals += 1;
        f.undated_events += d.events.iter().filter(|e| e.date.is_none()).count() as u32;
        if st.reached == 0 {
            f.without_milestone += 1;
        }
        let amount = match options.measure {
            Measure::Value => d.value,
            Measure::Margin => d.margin,
        };
        if amount.is_none() {
            f.without_amount += 1;
        }
        let amount = amount.unwrap_or(0.0);
        let since = timing::state_day(&st);
        let age = match (now, since) {
            (Some(n), Some(s)) => u32::try_from(n - s).ok(),
            _ => None,
        };
        let mut stale = false;
        let close = match &lookup {
            Some(l) => {
                if age.is_none() {
                    f.undated_state += 1;
                }
                let (p, beyond) = l.close_within(process, st.reached, age, horizon);
                f.beyond_history += u32::from(beyond);
                stale = matches!((age, l.dwell_p90(process, st.reached)), (Some(a), Some(w)) if a > w);
                p
            }
            None => 1.0,
        };
        if stale {
            f.stale.push(d.id.clone());
        }
        let p = score.probability;
        let sp = d.seller_probability;
        if sp.is_none() {
            f.without_seller_probability += 1;
        }
        let seller = d.seller.as_deref().unwrap_or("");
        let corrected = match (sp, correct) {
            (Some(s), Some(c)) => c(seller, s).clamp(0.0, 1.0),
            _ => p,
        };
        amounts.push(amount);
        model_p.push(p * close);
        raw_p.push(sp.unwrap_or(p) * close);
        cor_p.push(if corrected.is_finite() { corrected } else { p } * close);
        f.pipeline += amount;
        out_deals.push(DealForecast {
            id: d.id.clone(),
            amount,
            probability: p,
            close_in_period: close,
            seller_probability: sp,
            days_in_state: age,
            stale,
        });
    }
    dist::finite_total("deals", amounts.iter().copied())?;
    let one = [(1.0, 1.0)];
    f.model = dist::grid(&amounts, &model_p, &one).summary(target);
    f.sellers_raw = dist::grid(&amounts, &raw_p, &one).summary(target);
    if correct.is_some() {
        f.sellers_corrected = Some(dist::grid(&amounts, &cor_p, &one).summary(target));
    }
    f.width_independent = f.model.p90 - f.model.p10;
    if let Some(sd) = sd {
        let dep = dist::grid(&amounts, &model_p, &dist::factor_scenarios(sd)).summary(target);
        f.width_dependent = Some(dep.p90 - dep.p10);
        f.dependent = Some(dep);
    }
    f.weighted_pipeline = f.model.expected;
    f.coverage = target.filter(|&t| t > 0.0).map(|t| f.weighted_pipeline / t);
    f.deals = out_deals;
    Ok(f)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
pub(crate) mod tests {
    use super::*;
    use crate::scorer::Scorer;
    use crate::testing::{camel_json, read};

    /// Reads `text` as the wasm reads a JS value: `None`, or the error.
    pub(crate) fn same_read<T: serde::de::DeserializeOwned>(text: &str) -> Option<String> {
        read::<T>(text, "p").err().map(|e| e.to_string())
    }

    /// The error text of reading `text`.
    pub(crate) fn hand_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        read::<T>(text, "p").unwrap_err().to_string()
    }

    fn process() -> Scorer {
        Scorer::new(crate::default_model()).unwrap()
    }

    fn deals(text: &str) -> Vec<Deal> {
        read(text, "deals").unwrap()
    }

    const PIPELINE: &str = r#"[
        {"id": "a", "seller": "ann", "value": 100, "margin": 30, "sellerProbability": 0.9,
         "events": [{"milestone": "need_confirmed", "date": "2024-02-01"}]},
        {"id": "b", "seller": "bob", "value": 50.5, "margin": 10, "events": [
            {"milestone": "need_confirmed", "date": "2024-01-20"}, {"milestone": "mobilizer_met", "date": "2024-02-03"}]},
        {"id": "c", "seller": "ann", "value": 70, "status": "won", "closeDate": "2024-01-01"},
        {"id": "d", "seller": "bob", "sellerProbability": 0.5, "events": [{"milestone": "need_confirmed"}]}
    ]"#;

    /// Closed deals (and two open ones) with dated milestones.
    fn history_text() -> String {
        let mut v = Vec::new();
        for i in 0..40 {
            let start = 1 + i % 12;
            let status = if i % 3 == 0 { "lost" } else { "won" };
            v.push(format!(
                r#"{{"id": "h{i}", "status": "{status}", "seller": "{}", "sellerProbability": 0.{}, "closeDate": "2024-01-{:02}",
                   "events": [{{"milestone": "need_confirmed", "date": "2024-01-{start:02}"}},
                              {{"milestone": "mobilizer_met", "date": "2024-01-{:02}"}}]}}"#,
                if i % 2 == 0 { "ann" } else { "bob" },
                5 + i % 5,
                start + 5 + i % 7,
                start + 2
            ));
        }
        v.push(r#"{"id": "o1", "events": [{"milestone": "need_confirmed", "date": "2024-01-25"}]}"#.to_string());
        format!("[{}]", v.join(","))
    }

    fn check_forecast(f: &Forecast) {
        camel_json(f);
        for d in &f.deals {
            camel_json(d);
        }
    }

    #[test]
    fn forecast_writes_camel_case_json() {
        let p = process();
        let ds = deals(PIPELINE);
        // No target, no period: coverage, shortfall, dependent, corrected absent.
        let f = forecast_calibrated(&p, &ds, &Options::default()).unwrap();
        assert!(f.coverage.is_none() && f.sellers_corrected.is_none() && f.dependent.is_none() && f.period_end.is_none());
        check_forecast(&f);
        // Target, common factor, margin.
        let o = read::<Options>(r#"{"target": 120, "commonFactor": {"sd": 0.3}, "measure": "margin"}"#, "options").unwrap();
        let f = forecast_calibrated(&p, &ds, &o).unwrap();
        assert!(f.coverage.is_some() && f.dependent.is_some() && f.width_dependent.is_some());
        assert!(f.model.p_at_least_target.is_some());
        check_forecast(&f);
        // A period with history: days in state and close in period.
        let text = format!(r#"{{"target": 80, "asOf": "2024-02-10", "periodEnd": "2024-03-01", "history": {}}}"#, history_text());
        let o = read::<Options>(&text, "options").unwrap();
        let f = forecast_calibrated(&p, &ds, &o).unwrap();
        assert!(f.deals.iter().any(|d| d.days_in_state.is_some()));
        assert!(f.deals.iter().any(|d| d.seller_probability.is_none()));
        check_forecast(&f);
        // Empty pipeline.
        check_forecast(&forecast_calibrated(&p, &[], &Options { target: Some(10.0), ..Options::default() }).unwrap());
    }

    /// learnTiming's result, written and read back as options.timing,
    /// forecasts the same as the timing itself.
    #[test]
    fn learned_timing_round_trips_through_options() {
        let p = process();
        let history = deals(&history_text());
        let t = timing::learn(&p, &history, parse_date("asOf", "2024-02-10").ok()).unwrap();
        let o = Options { as_of: Some("2024-02-10".into()), period_end: Some("2024-02-20".into()), timing: Some(t.clone()), ..Options::default() };
        let text = format!(r#"{{"asOf": "2024-02-10", "periodEnd": "2024-02-20", "timing": {}}}"#, serde_json::to_string(&t).unwrap());
        let read = read::<Options>(&text, "options").unwrap();
        assert_eq!(read, o);
        let ds = deals(PIPELINE);
        let f = forecast_calibrated(&p, &ds, &read).unwrap();
        assert_eq!(f, forecast_calibrated(&p, &ds, &o).unwrap());
        assert!(f.deals.iter().any(|d| d.close_in_period < 1.0));
        check_forecast(&f);
    }

    #[test]
    fn calibrated_forecast_writes_camel_case_json() {
        let p = process();
        let mut history = deals(&history_text());
        history.retain(|d| d.status != Status::Open);
        let model = crate::calibrate(&p, &history, &crate::CalibrateOptions::default()).unwrap();
        let calibrated = Scorer::new(model).unwrap();
        let ds = deals(PIPELINE);
        for o in [Options::default(), Options { target: Some(100.0), ..Options::default() }] {
            let f = forecast_calibrated(&calibrated, &ds, &o).unwrap();
            assert!(f.sellers_corrected.is_some());
            check_forecast(&f);
        }
    }

    #[test]
    fn options_read_and_errors_name_the_field() {
        let timing = r#"{"asOf": "2024-02-01", "curves": [{"level": "all", "milestones": [], "deals": 3, "closes": 2, "maxDays": 9,
            "days": [4, 9], "open": [0.5, 0.0], "dwellP90": 7, "extra": true}]}"#;
        let full = format!(
            r#"{{"measure": "margin", "target": 1e3, "asOf": "2024-02-01", "periodEnd": "2024-03-01",
                "history": [{{"id": "h", "status": "won", "closeDate": "2024-01-05"}}], "timing": {timing},
                "commonFactor": {{"sd": 0.25, "x": 1}}, "unknown": [1, 2]}}"#
        );
        for ok in [r#"{}"#, r#"{"measure": "value"}"#, r#"{"target": -5, "foo": null}"#, r#"{"history": []}"#, &full] {
            assert_eq!(same_read::<Options>(ok), None, "{ok}");
        }
        let full = read::<Options>(&full, "p").unwrap();
        assert_eq!(full.measure, Measure::Margin);
        assert_eq!(full.common_factor, Some(CommonFactor { sd: 0.25 }));
        assert_eq!(full.history.len(), 1);
        assert_eq!(full.timing.unwrap().curves[0].dwell_p90, Some(7));
        let errors = [
            (r#"3"#, "p: "),
            (r#"{"measure": "gross"}"#, "p.measure: "),
            (r#"{"measure": 1}"#, "p.measure: "),
            (r#"{"target": "10"}"#, "p.target: "),
            (r#"{"asOf": 20240101}"#, "p.asOf: "),
            (r#"{"periodEnd": true}"#, "p.periodEnd: "),
            (r#"{"history": {}}"#, "p.history: "),
            (r#"{"history": [{"id": "a"}, {"id": "b", "status": "maybe"}]}"#, "p.history[1].status: "),
            (r#"{"commonFactor": {}}"#, "p.commonFactor.sd: "),
            (r#"{"commonFactor": 0.3}"#, "p.commonFactor: "),
            (r#"{"commonFactor": {"sd": "x"}}"#, "p.commonFactor.sd: "),
            (r#"{"timing": []}"#, "p.timing: "),
            (r#"{"timing": {"asOf": "2024-01-01"}}"#, "p.timing.curves: "),
            (r#"{"timing": {"curves": [{"level": "all", "milestones": [], "deals": 1, "closes": 1, "maxDays": 2, "days": [1.5], "open": [0]}]}}"#, "p.timing.curves[0].days[0]: "),
        ];
        for (text, want) in errors {
            let e = same_read::<Options>(text).unwrap_or_else(|| panic!("{text} reads"));
            assert!(e.starts_with(want), "{text}: {e}");
        }
        // Measure and CommonFactor on their own.
        assert_eq!(same_read::<Measure>(r#""margin""#), None);
        assert!(same_read::<Measure>(r#""Value""#).unwrap().starts_with("p: unknown variant `Value`"));
        assert_eq!(same_read::<CommonFactor>(r#"{"sd": 0}"#), None);
        assert!(same_read::<CommonFactor>(r#"{"sd": [0]}"#).unwrap().starts_with("p.sd: "));
    }

    /// `null` is an absent field.
    #[test]
    fn options_take_null_as_absent() {
        let o = read::<Options>(r#"{"measure": null, "history": null, "timing": null, "commonFactor": null, "asOf": null}"#, "p").unwrap();
        assert_eq!(o, Options::default());
        assert!(hand_error::<CommonFactor>(r#"{"sd": null}"#).starts_with("p.sd: "));
    }
}
