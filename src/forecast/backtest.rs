//! `backtest`: how honest the period forecasts were on the team's own
//! history. At every month end from `from` to `to`, the engine is rerun on
//! what was known that day (deals created by then, events dated by then,
//! outcomes closed by then; the amounts of deals open that day estimated
//! from what deals like them were won for by then), forecasts the next
//! calendar month, and is compared with what was won in it. Naive peers
//! beside it: the run-rate (mean of the last three months), the seasonal
//! naive (the same month of the previous quarter) and the weighted pipeline
//! (Σ P(win) × P(close in the month) × amount of the open deals).
//!
//! Sellers' own estimates are not a peer here: a record keeps a seller's
//! estimate as it is now, not as it was at each past month end.

use serde::{Deserialize, Serialize};

use super::period::{self, forecast_from, period_after, History, PeriodForecast, Record};
use super::Measure;
use crate::deal::{civil_from_days, parse_date, Deal};
use crate::error::Result;
use crate::model::Process;

/// Options of `backtest`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct BacktestOptions {
    pub every: period::Every,
    /// First and last snapshot (`YYYY-MM-DD`; the month ends between them
    /// are used). Default: from the first month end with enough closed
    /// deals to learn from, to the last one whose next month the data covers.
    pub from: Option<String>,
    pub to: Option<String>,
    pub measure: Measure,
    /// Attribute whose won deals' mean amount values an open deal (e.g.
    /// `product`); without it, the mean of all won deals.
    pub value_by: Option<String>,
}

/// One forecast period and what happened.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BacktestPeriod {
    /// The snapshot, and the period forecast.
    pub as_of: String,
    pub start: String,
    pub end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p10: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
    pub expected: f64,
    pub actual: f64,
}

/// How a forecaster did over the periods it could forecast.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(rename = "BacktestScore"))]
#[serde(rename = "BacktestScore", rename_all = "camelCase")]
pub struct Score {
    pub periods: u32,
    /// Periods whose actual fell inside P10-P90, and their share (ranges only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// Mean of (P90 - P10) / expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_width: Option<f64>,
    /// Mean |expected - actual| / actual (periods with an actual above 0).
    pub mape: f64,
    /// Mean continuous ranked probability score (for a point forecast, the
    /// absolute error).
    pub crps: f64,
    /// Mean interval score of P10-P90 (width plus 10× the miss).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_score: Option<f64>,
    /// Mean (expected - actual) / actual.
    pub bias: f64,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum PeerName {
    RunRate,
    SeasonalNaive,
    WeightedPipeline,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    pub name: PeerName,
    pub periods: Vec<BacktestPeriod>,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "BacktestScore"))]
    pub summary: Score,
}

/// What `backtest` returns.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Backtest {
    pub measure: Measure,
    pub periods: Vec<BacktestPeriod>,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "BacktestScore"))]
    pub summary: Score,
    /// The engine's three-part forecast at every snapshot.
    pub forecasts: Vec<PeriodForecast>,
    pub peers: Vec<Peer>,
    /// Deals with no date at all (left out).
    pub undated_deals: u32,
}

/// Scores periods; `crps` holds each period's CRPS when the forecaster
/// gave a distribution.
fn score(periods: &[BacktestPeriod], crps: Option<&[f64]>) -> Score {
    let n = periods.len();
    let mut s = Score { periods: n as u32, ..Score::default() };
    if n == 0 {
        return s;
    }
    let nf = n as f64;
    let pos: Vec<&BacktestPeriod> = periods.iter().filter(|p| p.actual > 0.0).collect();
    if !pos.is_empty() {
        s.mape = pos.iter().map(|p| (p.expected - p.actual).abs() / p.actual).sum::<f64>() / pos.len() as f64;
        s.bias = pos.iter().map(|p| (p.expected - p.actual) / p.actual).sum::<f64>() / pos.len() as f64;
    }
    s.crps = match crps {
        Some(c) => c.iter().sum::<f64>() / nf,
        None => periods.iter().map(|p| (p.expected - p.actual).abs()).sum::<f64>() / nf,
    };
    let ranges: Vec<(f64, f64, &BacktestPeriod)> = periods.iter().filter_map(|p| Some((p.p10?, p.p90?, p))).collect();
    if ranges.len() == n {
        let covered = ranges.iter().filter(|r| r.2.actual >= r.0 && r.2.actual <= r.1).count();
        s.covered = Some(covered as u32);
        s.coverage = Some(covered as f64 / nf);
        s.mean_width = Some(ranges.iter().map(|r| if r.2.expected > 0.0 { (r.1 - r.0) / r.2.expected } else { 0.0 }).sum::<f64>() / nf);
        let alpha = 0.2;
        s.interval_score = Some(
            ranges.iter().map(|&(l, u, p)| (u - l) + 2.0 / alpha * ((l - p.actual).max(0.0) + (p.actual - u).max(0.0))).sum::<f64>() / nf,
        );
    }
    s
}

/// The month ends `from..=to`, each with its next month inside `last`.
fn snapshots(from: i32, to: i32, last: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let mut s = period::month_end(from);
    while s <= to && period_after(s).1 <= last {
        out.push(s);
        s = period::month_end(s + 1);
    }
    out
}

/// Back-tests the period forecast on `deals` (open and closed).
pub fn backtest(process: &Process, deals: &[Deal], options: &BacktestOptions) -> Result<Backtest> {
    let h = History::new(deals, options.measure, options.value_by.clone())?;
    let mut out = Backtest { measure: options.measure, undated_deals: h.undated, ..Backtest::default() };
    let Some(last) = h.last_day() else { return Ok(out) };
    let from = options.from.as_deref().map(|d| parse_date("options.from", d)).transpose()?;
    let to = options.to.as_deref().map(|d| parse_date("options.to", d)).transpose()?.unwrap_or(last);
    // Months after the last snapshot's period teach nothing here.
    let recs = period::records(process, &h, last.min(period_after(period::month_end(to)).1))?;
    let from = match from {
        Some(f) => f,
        None => match recs.iter().find(|r| r.snapshot.usable) {
            Some(r) => r.snapshot.as_of,
            None => return Ok(out),
        },
    };
    let mut run_rate = Vec::new();
    let mut seasonal = Vec::new();
    let mut weighted = Vec::new();
    let mut crps = Vec::new();
    for s in snapshots(from, to, last) {
        let Some(target) = recs.iter().find(|r| r.snapshot.as_of == s) else { continue };
        let past: Vec<&Record> = recs.iter().filter(|r| r.snapshot.end <= s).collect();
        let (f, band) = forecast_from(&target.snapshot, &past);
        let actual = target.outcome.actual;
        let row = |expected: f64| BacktestPeriod {
            as_of: civil_from_days(s),
            start: f.start.clone(),
            end: f.end.clone(),
            expected,
            actual,
            ..BacktestPeriod::default()
        };
        out.periods.push(BacktestPeriod { p10: Some(f.total.p10), p50: Some(f.total.p50), p90: Some(f.total.p90), ..row(f.total.expected) });
        crps.push(band.crps(actual));
        // Peers: months count once the data shows closes (earlier months
        // are before the history, not months without sales).
        let first_close = h.first_close().filter(|&c| c <= s).map(period::month_start);
        let seen: Vec<&Record> = past.iter().copied().filter(|r| first_close.is_some_and(|c| r.snapshot.start >= c)).collect();
        let last3: Vec<f64> = seen.iter().rev().take(3).map(|r| r.outcome.actual).collect();
        if !last3.is_empty() {
            run_rate.push(row(last3.iter().sum::<f64>() / last3.len() as f64));
        }
        let mut m = target.snapshot.start;
        for _ in 0..3 {
            m = period::month_start(m - 1);
        }
        if let Some(r) = seen.iter().find(|r| r.snapshot.start == m) {
            seasonal.push(row(r.outcome.actual));
        }
        if target.snapshot.usable {
            weighted.push(row(target.snapshot.open_expected));
        }
        out.forecasts.push(f);
    }
    out.summary = score(&out.periods, Some(&crps));
    for (name, periods) in [(PeerName::RunRate, run_rate), (PeerName::SeasonalNaive, seasonal), (PeerName::WeightedPipeline, weighted)] {
        out.peers.push(Peer { name, summary: score(&periods, None), periods });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_month_ends() {
        let d = |s: &str| parse_date("", s).unwrap();
        let v: Vec<String> = snapshots(d("2017-04-30"), d("2017-07-31"), d("2017-12-31")).into_iter().map(civil_from_days).collect();
        assert_eq!(v, ["2017-04-30", "2017-05-31", "2017-06-30", "2017-07-31"]);
        let v: Vec<String> = snapshots(d("2017-04-10"), d("2017-12-31"), d("2017-08-30")).into_iter().map(civil_from_days).collect();
        assert_eq!(v, ["2017-04-30", "2017-05-31", "2017-06-30"]);
    }

    #[test]
    fn scores_point_and_range_forecasts() {
        let p = |e: f64, a: f64, r: Option<(f64, f64)>| BacktestPeriod {
            expected: e,
            actual: a,
            p10: r.map(|x| x.0),
            p50: r.map(|_| e),
            p90: r.map(|x| x.1),
            ..BacktestPeriod::default()
        };
        let s = score(&[p(110.0, 100.0, None), p(90.0, 100.0, None)], None);
        assert!((s.mape - 0.1).abs() < 1e-12 && (s.crps - 10.0).abs() < 1e-12 && s.bias.abs() < 1e-12);
        assert!(s.coverage.is_none());
        let s = score(&[p(100.0, 100.0, Some((80.0, 120.0))), p(100.0, 130.0, Some((80.0, 120.0)))], Some(&[1.0, 3.0]));
        assert_eq!((s.covered, s.coverage), (Some(1), Some(0.5)));
        assert!((s.mean_width.unwrap() - 0.4).abs() < 1e-12);
        assert!((s.interval_score.unwrap() - (40.0 + 40.0 + 100.0) / 2.0).abs() < 1e-9);
        assert_eq!(s.crps, 2.0);
    }

    #[test]
    fn results_cross_the_boundary_in_camel_case() {
        let b = Backtest {
            periods: vec![BacktestPeriod { as_of: "2024-01-31".into(), p10: Some(1.0), ..BacktestPeriod::default() }],
            summary: score(&[BacktestPeriod { p10: Some(1.0), p90: Some(3.0), expected: 2.0, actual: 2.0, ..BacktestPeriod::default() }], Some(&[0.5])),
            peers: vec![Peer { name: PeerName::SeasonalNaive, periods: Vec::new(), summary: Score::default() }],
            ..Backtest::default()
        };
        let v = serde_json::to_value(&b).unwrap();
        assert_eq!(v["periods"][0]["asOf"], "2024-01-31");
        assert!(v["periods"][0].get("p90").is_none(), "absent, not null");
        assert_eq!(v["summary"]["meanWidth"], 1.0);
        assert!(v["summary"].get("intervalScore").is_some());
        assert_eq!(v["peers"][0]["name"], "seasonalNaive");
        assert_eq!(v["undatedDeals"], 0);
        let o: BacktestOptions = serde_json::from_str(r#"{"every": "month", "from": "2017-04-30", "measure": "margin", "valueBy": "product"}"#).unwrap();
        assert_eq!((o.measure, o.value_by.as_deref(), o.to), (Measure::Margin, Some("product"), None));
        assert!(serde_json::from_str::<BacktestOptions>(r#"{"every": "week"}"#).is_err());
    }
}
