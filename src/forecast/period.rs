//! A forecast for a calendar period, in three parts, with a spread learned
//! from the team's own past:
//!
//! - **won so far**: deals already won inside the period (certain);
//! - **open pipeline**: deals open at `asOf`, each with P(win) from the
//!   calibrated model times P(close by the period end) from the Kaplan-Meier
//!   timing (`timing.rs`), scaled by the calendar factor of the period's
//!   month of the quarter;
//! - **new business**: deals not yet created. Their number is the creation
//!   rate of the last [`RATE_DAYS`] days times the days left; each wins inside
//!   the period with the share learned for the period's month of the quarter;
//!   amounts follow what new deals were won for in the last [`VALUE_DAYS`].
//!
//! Everything is learned from month records: for every complete month, the
//! raw engine run at the month's start (what it expected from the open
//! pipeline, how many deals were created, how many of those were won
//! inside the month) beside what happened. The records give
//! - the **calendar** (month of the quarter; 3 is the quarter end): the log
//!   ratio of what the open pipeline delivered to what the time-in-state
//!   model expected, and the log ratio of the new deals' in-month win share
//!   to the all-months share, each averaged per position and shrunk toward
//!   none by empirical Bayes (within-position over between-position
//!   variance; [`SHRINK_MONTHS`] pseudo-months until some position has two
//!   months). A position with no record gets no calendar: it is used only
//!   where history has seen it.
//! - a **combination** per part: the pipeline model (with its calendar) and
//!   what the same month of the previous quarter delivered, weighted by
//!   inverse mean squared log error in the rolling back-test (the pipeline
//!   model alone until two months can compare them). It moves the part's
//!   level; the part's deals keep their shape.
//! - the **spread**: the rolling back-test of the engine itself (each past
//!   month forecast as it would have been at its start), whose relative
//!   errors, less the part independent deals explain, give the variance of
//!   a common factor (normal, floored at 0, mean 1 + the back-tested bias)
//!   that multiplies the period's uncertain total. Recent months weigh more
//!   (half-life [`HALF_LIFE_MONTHS`]); months whose calendar position had
//!   been seen teach forecasts whose position has been seen, and the others
//!   the others (all of them when one kind is missing, without the bias).
//!   Until enough months are back-tested it is shrunk toward the naive
//!   run-rate's log error on the same months ([`SHRINK_SPREAD`]
//!   pseudo-months).
//!
//! Dates: a deal exists from its first dated event (else its close date);
//! deals with neither are left out. As of a date, a deal shows only the
//! events dated up to it, and its outcome only when it closed by then.

use serde::{Deserialize, Serialize};

use super::{dist, timing, Measure};
use crate::deal::{civil_from_days, days_from_civil, parse_date, Deal, Event, Status};
use crate::error::{self, Result};
use crate::model::Process;

/// Pseudo-months at the shrinkage target for each calendar estimate.
pub const SHRINK_MONTHS: f64 = 1.0;
/// Pseudo-months of the naive run-rate's error in the learned spread.
pub const SHRINK_SPREAD: f64 = 1.0;
/// Half-life, in months, of a back-tested month's weight in the spread.
pub const HALF_LIFE_MONTHS: f64 = 12.0;
/// Days over which the creation rate of new deals is measured.
pub const RATE_DAYS: i32 = 91;
/// Days over which the amounts of won new deals are gathered.
pub const VALUE_DAYS: i32 = 365;
/// Won deals an attribute value needs before its own mean amount is used.
pub const MIN_VALUES: usize = 5;
/// Largest chance of a pseudo-deal standing for new business.
pub const MAX_NEW_SHARE: f64 = 0.05;
/// Most pseudo-deals standing for new business.
pub const MAX_NEW_DEALS: usize = 20_000;
/// Nodes of the common factor (equal weights).
const NODES: usize = 41;
/// Points of the total's CDF returned by `periodForecast`.
pub const POINTS: usize = 200;

/// Expected value and quantiles of one part, or of the total.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Range {
    pub expected: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// The open-pipeline part.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OpenPart {
    #[serde(flatten)]
    pub range: Range,
    pub deals: u32,
    /// Σ P(win) × P(close in period) × amount, before the calendar: the
    /// weighted pipeline.
    pub weighted: f64,
}

/// The new-business part.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NewPart {
    #[serde(flatten)]
    pub range: Range,
    /// Deals expected to be created in the rest of the period.
    pub expected_deals: f64,
    /// Share of them won inside the period.
    pub win_share: f64,
    /// Mean amount of a won new deal.
    pub mean_amount: f64,
}

/// What the calendar says about the period's month of the quarter.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    /// 1, 2 or 3: the period's month of the quarter (3: quarter end).
    pub position: u8,
    /// Complete months at this position in the history.
    pub months: u32,
    /// Months in the history at any position.
    pub all_months: u32,
    /// Months at this position whose open pipeline was back-tested.
    pub open_months: u32,
    /// Multiplier on the open pipeline's expected closes.
    pub open_factor: f64,
    /// Share of new deals won within their month, at this position.
    pub new_share: f64,
    /// The same over all months (where an unseen position stays).
    pub all_new_share: f64,
    /// Weight of the pipeline model (the rest: what the same month of the
    /// previous quarter delivered), for the open pipeline and for new
    /// business: by inverse mean squared log error in the rolling back-test.
    pub open_weight: f64,
    pub new_weight: f64,
}

/// The learned spread.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Spread {
    /// Standard deviation of the common factor (a multiplier with mean
    /// 1 + bias, normal, floored at 0).
    pub sd: f64,
    /// The factor's mean less 1: the back-tested bias of the engine's
    /// expected value.
    pub bias: f64,
    /// Months back-tested.
    pub months: u32,
    /// Root mean square relative error of the back-tested months.
    pub rms_error: Option<f64>,
    /// Root mean square log error of the naive run-rate (the shrinkage
    /// target, read as a relative error), when history has one.
    pub naive_rms_error: Option<f64>,
    /// False when nothing could be learned (no month to back-test and no
    /// run-rate): the band then holds independent deals only.
    pub learned: bool,
}

/// What `periodForecast` returns.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PeriodForecast {
    pub as_of: String,
    /// First and last day of the period.
    pub start: String,
    pub end: String,
    pub won_so_far: Range,
    pub open: OpenPart,
    pub new_business: NewPart,
    pub total: Range,
    pub calendar: Calendar,
    pub spread: Spread,
    /// The total's CDF, P(total <= amount): [`POINTS`] amounts evenly from
    /// its 0.1% to its 99.9% quantile, then the most it can be (cdf 1). A
    /// chart, and P(total >= target) for any target without another run
    /// (`periodForecast` only; a back-test's forecasts leave it out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<dist::Point>,
}

#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Every {
    #[default]
    Month,
}

/// Options of `periodForecast`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct PeriodOptions {
    /// `YYYY-MM-DD`; default: the latest date in the deals. A month end
    /// forecasts the next month; another day, the rest of its month.
    pub as_of: Option<String>,
    pub every: Every,
    pub measure: Measure,
    /// Attribute whose won deals' mean amount values an open deal without
    /// an amount (e.g. `product`).
    pub value_by: Option<String>,
}

// ---------------------------------------------------------------- dates

/// (year, month, day) of a day number: one algorithm, in `deal`.
pub use crate::deal::civil;

/// First day of the month of `day`.
pub fn month_start(day: i32) -> i32 {
    let (y, m, _) = civil(day);
    days_from_civil(y, m, 1)
}

/// Last day of the month of `day`.
pub fn month_end(day: i32) -> i32 {
    let (y, m, _) = civil(day);
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(ny, nm, 1) - 1
}

/// Month of the quarter (1, 2, 3) of `day`.
pub fn position(day: i32) -> u8 {
    let (_, m, _) = civil(day);
    ((m - 1) % 3 + 1) as u8
}

// ---------------------------------------------------------------- history

/// How the amount of a deal open at the snapshot is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amounts {
    /// Its recorded amount, else the estimate (a forecast made today).
    Recorded,
    /// Always the estimate (a back-test: a record shows the amount as it is
    /// now, after the outcome; Maven's lost deals carry 0).
    Estimated,
}

/// Deals with their dates parsed once.
pub struct History<'a> {
    pub deals: &'a [Deal],
    /// Day each deal exists from.
    created: Vec<Option<i32>>,
    /// Close day of won and lost deals.
    closed: Vec<Option<i32>>,
    /// Parsed event days.
    event_days: Vec<Vec<Option<i32>>>,
    pub measure: Measure,
    pub value_by: Option<String>,
    /// Deals with no date at all (left out).
    pub undated: u32,
}

impl<'a> History<'a> {
    pub fn new(deals: &'a [Deal], measure: Measure, value_by: Option<String>) -> Result<History<'a>> {
        error::at_most("deals", deals, crate::deal::MAX_DEALS, "deals")?;
        let mut h = History { deals, created: Vec::new(), closed: Vec::new(), event_days: Vec::new(), measure, value_by, undated: 0 };
        for (k, d) in deals.iter().enumerate() {
            let at = error::index("deals", k);
            let mut days = Vec::with_capacity(d.events.len());
            for (j, e) in d.events.iter().enumerate() {
                days.push(match &e.date {
                    Some(s) => Some(parse_date(&format!("{at}.events[{j}].date"), s)?),
                    None => None,
                });
            }
            let close = match (&d.close_date, d.status) {
                (Some(c), Status::Won | Status::Lost) => Some(parse_date(&error::join(&at, "closeDate"), c)?),
                _ => None,
            };
            let first = days.iter().flatten().min().copied().or(close);
            if first.is_none() {
                h.undated += 1;
            }
            h.created.push(first);
            h.closed.push(close);
            h.event_days.push(days);
        }
        Ok(h)
    }

    fn amount(&self, d: &Deal) -> Option<f64> {
        match self.measure {
            Measure::Value => d.value,
            Measure::Margin => d.margin,
        }
        .filter(|a| a.is_finite() && *a >= 0.0)
    }

    /// Latest date in the deals.
    pub fn last_day(&self) -> Option<i32> {
        self.event_days.iter().flatten().flatten().chain(self.closed.iter().flatten()).max().copied()
    }

    /// Earliest day any deal exists.
    pub fn first_day(&self) -> Option<i32> {
        self.created.iter().flatten().min().copied()
    }

    /// Earliest close.
    pub fn first_close(&self) -> Option<i32> {
        self.closed.iter().flatten().min().copied()
    }

    /// The deal as it was known at the end of day `s`, or `None` when it did
    /// not exist yet. Undated events are left out (when they happened is
    /// unknown).
    fn view(&self, k: usize, s: i32, amounts: Amounts) -> Option<Deal> {
        let d = self.deals.get(k)?;
        if self.created.get(k).copied().flatten().map_or(true, |c| c > s) {
            return None;
        }
        let days = self.event_days.get(k)?;
        let events: Vec<Event> = d
            .events
            .iter()
            .zip(days)
            .filter(|(_, day)| day.is_some_and(|x| x <= s))
            .map(|(e, _)| e.clone())
            .collect();
        let closed = self.closed.get(k).copied().flatten().filter(|&c| c <= s);
        let mut v = Deal { id: d.id.clone(), seller: d.seller.clone(), attributes: d.attributes.clone(), events, ..Deal::default() };
        if closed.is_some() {
            v.status = d.status;
            v.close_date = d.close_date.clone();
            v.value = d.value;
            v.margin = d.margin;
        } else if amounts == Amounts::Recorded {
            v.value = d.value;
            v.margin = d.margin;
        }
        Some(v)
    }

    fn won_in(&self, k: usize, from: i32, to: i32) -> bool {
        self.deals.get(k).is_some_and(|d| d.status == Status::Won) && self.closed.get(k).copied().flatten().is_some_and(|c| c >= from && c <= to)
    }
}

// ---------------------------------------------------------------- snapshots

/// One raw engine run: what was known at `as_of` about the period
/// `start..=end`, before the calendar and the spread.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Snapshot {
    pub as_of: i32,
    pub start: i32,
    pub end: i32,
    /// Enough closed deals to learn from ([`crate::calibration::MIN_HISTORY`]).
    pub usable: bool,
    pub won_so_far: f64,
    pub amounts: Vec<f64>,
    /// P(win) × P(close by the end) of each open deal.
    pub probs: Vec<f64>,
    pub open_expected: f64,
    /// Deals created per day in the last [`RATE_DAYS`].
    pub new_rate: f64,
    pub new_days: f64,
    /// Amounts of won new deals (sorted).
    pub new_values: Vec<f64>,
}

/// What happened in the period.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Outcome {
    /// Everything won in the period (the measure of won deals).
    pub actual: f64,
    /// Won from deals open at the snapshot.
    pub from_open: f64,
    /// Deals created in the period, and how many of them were won in it.
    pub created: u32,
    pub new_won: u32,
    /// Won from deals created in the period.
    pub new_value: f64,
}

/// A complete month: the run at its start, and what happened.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Record {
    pub snapshot: Snapshot,
    pub outcome: Outcome,
    /// Some deal had closed by the month's end: months before it are before
    /// the history, not months without sales, and teach nothing.
    pub seen: bool,
}

/// Mean amount of won deals known at `s`, by the `value_by` attribute.
struct Estimates {
    overall: f64,
    by: Vec<(String, f64)>,
}

impl Estimates {
    fn get(&self, d: &Deal, value_by: Option<&str>) -> f64 {
        value_by
            .and_then(|a| d.attributes.get(a))
            .and_then(|v| self.by.binary_search_by(|e| e.0.as_str().cmp(v.as_str())).ok())
            .and_then(|i| self.by.get(i))
            .map_or(self.overall, |e| e.1)
    }
}

/// Sorted with the crate's one sort (no new instance of the standard
/// library's sort in the wasm).
fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.retain(|x| x.is_finite());
    let o = crate::order::order(v.len(), &|a, b| v.get(a) < v.get(b));
    crate::order::permute(&v, &o)
}

/// The raw engine run at the end of day `s` for the period `start..=end`.
pub fn snapshot(process: &Process, h: &History, s: i32, start: i32, end: i32, amounts: Amounts) -> Result<Snapshot> {
    let mut views = Vec::new();
    let mut closed = Vec::new();
    let mut snap = Snapshot { as_of: s, start, end, new_days: f64::from((end - s).max(0)), ..Snapshot::default() };
    let mut by: Vec<(String, f64)> = Vec::new();
    let (mut won_sum, mut won_n) = (0.0, 0u32);
    let mut created_recent = 0u32;
    let mut new_values = Vec::new();
    let mut recent_values = Vec::new();
    for k in 0..h.deals.len() {
        let Some(v) = h.view(k, s, amounts) else { continue };
        let created = h.created.get(k).copied().flatten().unwrap_or(s);
        if created > s - RATE_DAYS {
            created_recent += 1;
        }
        if v.status != Status::Open {
            if v.status == Status::Won {
                let close = h.closed.get(k).copied().flatten().unwrap_or(s);
                let a = h.amount(&v).unwrap_or(0.0);
                if close >= start {
                    snap.won_so_far += a;
                }
                won_sum += a;
                won_n += 1;
                if let Some(val) = h.value_by.as_deref().and_then(|attr| v.attributes.get(attr)) {
                    by.push((val.clone(), a));
                }
                if close > s - VALUE_DAYS {
                    recent_values.push(a);
                    if month_start(close) == month_start(created) {
                        new_values.push(a);
                    }
                }
            }
            closed.push(v.clone());
        }
        views.push(v);
    }
    // The creation rate over the days the history covers, up to RATE_DAYS.
    let span = h.first_day().map_or(0, |f| (s - f + 1).clamp(0, RATE_DAYS));
    snap.new_rate = if span > 0 { f64::from(created_recent) / f64::from(span) } else { 0.0 };
    snap.new_values = sorted(if new_values.len() >= MIN_VALUES { new_values } else { recent_values });
    let o = crate::order::order(by.len(), &|a, b| by.get(a).map(|e| &e.0) < by.get(b).map(|e| &e.0));
    let by = crate::order::permute(&by, &o);
    let mut means = Vec::new();
    for g in by.chunk_by(|a, b| a.0 == b.0) {
        if g.len() >= MIN_VALUES {
            let name = g.first().map(|e| e.0.clone()).unwrap_or_default();
            means.push((name, g.iter().map(|e| e.1).sum::<f64>() / g.len() as f64));
        }
    }
    let est = Estimates { overall: if won_n > 0 { won_sum / f64::from(won_n) } else { 0.0 }, by: means };
    snap.usable = closed.len() >= crate::calibration::MIN_HISTORY as usize;
    if !snap.usable {
        return Ok(snap);
    }
    let model = crate::calibration::calibrate(process, &closed, &crate::calibration::CalibrateOptions::default()).map_err(|e| e.within("history"))?;
    let cal = crate::scorer::Scorer::new(model)?;
    let t = timing::learn_from(&cal, &[(&views, "deals")], Some(s))?;
    let lookup = timing::Lookup::new(&cal, &t).map_err(|e| e.within("timing"))?;
    let horizon = u32::try_from(end - s).unwrap_or(0);
    for v in views.iter().filter(|v| v.status == Status::Open) {
        let st = v.check(&cal).map_err(|e| e.within("deal"))?;
        let p = crate::probability::score_deal(&cal, v).map_err(|e| e.within("deal"))?.probability;
        let age = timing::state_day(&st).and_then(|d| u32::try_from(s - d).ok());
        let (c, _) = lookup.close_within(&cal, st.reached, age, horizon);
        let a = h.amount(v).unwrap_or_else(|| est.get(v, h.value_by.as_deref()));
        let pc = (p * c).clamp(0.0, 1.0);
        snap.amounts.push(a);
        snap.probs.push(pc);
        snap.open_expected += a * pc;
    }
    Ok(snap)
}

/// What happened in `start..=end` after the snapshot at `s`.
pub fn outcome(h: &History, s: i32, start: i32, end: i32) -> Outcome {
    let mut o = Outcome::default();
    for (k, d) in h.deals.iter().enumerate() {
        let created = h.created.get(k).copied().flatten();
        let won = h.won_in(k, start, end);
        let a = if won { h.amount(d).unwrap_or(0.0) } else { 0.0 };
        o.actual += a;
        let Some(c) = created else { continue };
        if c <= s {
            if won && h.closed.get(k).copied().flatten().is_some_and(|x| x > s) {
                o.from_open += a;
            }
        } else if c <= end {
            o.created += 1;
            if won {
                o.new_won += 1;
                o.new_value += a;
            }
        }
    }
    o
}

/// Records of the complete months `first..` whose end is at most `last`:
/// each month's run at the end of the day before it, and its outcome.
pub fn records(process: &Process, h: &History, last: i32) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    let Some(first) = h.first_day() else { return Ok(out) };
    let mut start = month_start(first);
    while month_end(start) <= last {
        let end = month_end(start);
        let snapshot = snapshot(process, h, start - 1, start, end, Amounts::Estimated)?;
        let seen = h.first_close().is_some_and(|c| c <= end);
        out.push(Record { outcome: outcome(h, start - 1, start, end), snapshot, seen });
        start = end + 1;
    }
    Ok(out)
}

// ---------------------------------------------------------------- calendar

/// The shrunk mean of the values (log ratios, around 0) at `position`, and
/// how many there are. The strength of the shrinkage toward 0, in
/// pseudo-months, is the within-position variance over the
/// between-position variance (empirical Bayes); [`SHRINK_MONTHS`] until
/// some position has two months. No value at the position: 0.
pub fn shrunk(values: &[(u8, f64)], position: u8) -> (f64, u32) {
    let mut groups: Vec<(f64, f64)> = Vec::new();
    let (mut within, mut dof) = (0.0, 0.0);
    for pos in 1..=3u8 {
        let g: Vec<f64> = values.iter().filter(|r| r.0 == pos).map(|r| r.1).collect();
        if g.is_empty() {
            continue;
        }
        let n = g.len() as f64;
        let mean = g.iter().sum::<f64>() / n;
        within += g.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        dof += n - 1.0;
        groups.push((mean, n));
    }
    let strength = if dof > 0.0 && !groups.is_empty() {
        let within = within / dof;
        let tau2 = groups.iter().map(|g| g.0 * g.0 - within / g.1).sum::<f64>() / groups.len() as f64;
        if tau2 > 0.0 { within / tau2 } else { f64::INFINITY }
    } else {
        SHRINK_MONTHS
    };
    let own: Vec<f64> = values.iter().filter(|r| r.0 == position).map(|r| r.1).collect();
    let n = own.len() as u32;
    if own.is_empty() || !strength.is_finite() {
        return (0.0, n);
    }
    (own.iter().sum::<f64>() / (own.len() as f64 + strength), n)
}

/// The calendar at `position`, learned from `records`.
pub fn calendar(records: &[&Record], position: u8) -> Calendar {
    let mut c = Calendar { position, open_factor: 1.0, open_weight: 1.0, new_weight: 1.0, ..Calendar::default() };
    // Open pipeline: log ratios of delivered to expected, per month of
    // the quarter, shrunk toward none; the strength of the shrinkage is
    // the within-position variance over the between-position variance
    // (empirical Bayes), or SHRINK_MONTHS until history shows both.
    let ratios: Vec<(u8, f64)> = records
        .iter()
        .filter(|r| r.snapshot.usable && r.snapshot.open_expected > 0.0 && r.outcome.from_open > 0.0)
        .map(|r| (self::position(r.snapshot.end), (r.outcome.from_open / r.snapshot.open_expected).ln()))
        .collect();
    let (factor, months) = shrunk(&ratios, position);
    c.open_months = months;
    c.open_factor = factor.exp();
    // New deals won within their month.
    let months: Vec<(u8, f64, f64)> = records
        .iter()
        .filter(|r| r.outcome.created > 0)
        .map(|r| (self::position(r.snapshot.end), f64::from(r.outcome.new_won), f64::from(r.outcome.created)))
        .collect();
    let (won, created) = months.iter().fold((0.0, 0.0), |a, m| (a.0 + m.1, a.1 + m.2));
    c.all_months = months.len() as u32;
    if created > 0.0 {
        c.all_new_share = won / created;
        // Log ratio of each month's share to the all-months share.
        let logs: Vec<(u8, f64)> = months.iter().map(|m| (m.0, ((m.1 + 0.5) / (m.2 + 1.0) / c.all_new_share).ln())).collect();
        let (effect, n) = shrunk(&logs, position);
        c.months = n;
        c.new_share = (c.all_new_share * effect.exp()).clamp(0.0, 1.0);
    }
    c
}

// ---------------------------------------------------------------- spread

/// One back-tested period: what the engine expected, what happened, and
/// the variance independent deals alone would give.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Residual {
    pub expected: f64,
    pub actual: f64,
    pub independent_var: f64,
    /// The calendar of its position had been seen.
    pub seen: bool,
}

/// Learns the common factor's sd from back-tested periods and, as the
/// shrinkage target, from the naive run-rate's errors over the totals of
/// consecutive periods.
pub fn learn_spread(residuals: &[Residual], totals: &[f64]) -> Spread {
    let mut s = Spread::default();
    let used: Vec<&Residual> = residuals.iter().filter(|r| r.expected > 0.0 && r.actual > 0.0).collect();
    s.months = used.len() as u32;
    // Relative errors, and the relative variance independent deals explain.
    let d: Vec<f64> = used.iter().map(|r| r.actual / r.expected - 1.0).collect();
    // Recent months count more: weight 1/2 every HALF_LIFE_MONTHS back.
    let m = used.len();
    let w: Vec<f64> = (0..m).map(|i| (-std::f64::consts::LN_2 * (m - 1 - i) as f64 / HALF_LIFE_MONTHS).exp()).collect();
    let indep: f64 = used.iter().zip(&w).map(|(r, w)| w * r.independent_var / (r.expected * r.expected)).sum();
    if !used.is_empty() {
        s.rms_error = Some((d.iter().map(|x| x * x).sum::<f64>() / m as f64).sqrt());
    }
    let mut naive = Vec::new();
    for (i, &t) in totals.iter().enumerate() {
        let before: Vec<f64> = totals.get(i.saturating_sub(3)..i).unwrap_or(&[]).iter().copied().filter(|&x| x > 0.0).collect();
        if t > 0.0 && !before.is_empty() {
            let rate = before.iter().sum::<f64>() / before.len() as f64;
            // On the log scale: a team's first months, while its pipeline
            // fills, would swamp relative errors.
            naive.push((t / rate).ln().powi(2));
        }
    }
    let (prior, weight) = if naive.is_empty() {
        (0.0, 0.0)
    } else {
        let ms = naive.iter().sum::<f64>() / naive.len() as f64;
        s.naive_rms_error = Some(ms.sqrt());
        (ms, SHRINK_SPREAD)
    };
    let n = w.iter().sum::<f64>() + weight;
    if n <= 0.0 {
        return s;
    }
    // The bias (the factor's mean less 1) is shrunk toward none: the
    // engine's expected value is taken at its word until the back-test
    // says otherwise.
    let wsum = |f: &dyn Fn(f64) -> f64| d.iter().zip(&w).map(|(x, w)| w * f(*x)).sum::<f64>();
    let bias = wsum(&|x| x) / n;
    let var = ((wsum(&|x| (x - bias).powi(2)) - indep + weight * prior) / n).max(0.0);
    s.sd = var.sqrt();
    s.bias = bias;
    s.learned = true;
    s
}

// ---------------------------------------------------------------- bands

/// Inverse of the standard normal cdf (Acklam's rational approximation,
/// relative error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [-3.969_683_028_665_376e1, 2.209_460_984_245_205e2, -2.759_285_104_469_687e2, 1.383_577_518_672_69e2, -3.066_479_806_614_716e1, 2.506_628_277_459_239];
    const B: [f64; 5] = [-5.447_609_879_822_406e1, 1.615_858_368_580_409e2, -1.556_989_798_598_866e2, 6.680_131_188_771_972e1, -1.328_068_155_288_572e1];
    const C: [f64; 6] = [-7.784_894_002_430_293e-3, -3.223_964_580_411_365e-1, -2.400_758_277_161_838, -2.549_732_539_343_734, 4.374_664_141_464_968, 2.938_163_982_698_783];
    const D: [f64; 4] = [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let poly = |c: &[f64], x: f64| c.iter().fold(0.0, |acc, &k| acc * x + k);
    let tail = |q: f64| poly(&C, q) / (poly(&D, q) * q + 1.0);
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        poly(&A, r) * q / (poly(&B, r) * r + 1.0)
    }
}

/// (weight, multiplier) nodes of the factor 1 + bias + sd Z, floored at 0.
pub fn factor_nodes(sd: f64, bias: f64) -> Vec<(f64, f64)> {
    if sd <= 0.0 {
        return vec![(1.0, (1.0 + bias).max(0.0))];
    }
    (0..NODES).map(|j| (1.0 / NODES as f64, (1.0 + bias + sd * normal_quantile((j as f64 + 0.5) / NODES as f64)).max(0.0))).collect()
}

/// The distribution of `fixed + M × S`: S the total of independent
/// Bernoulli(p) × amount terms (on the grid of `dist`), M the common factor.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    fixed: f64,
    offset: f64,
    step: f64,
    /// cum[t] = P(S <= offset + t × step).
    cum: Vec<f64>,
    nodes: Vec<(f64, f64)>,
    pub expected: f64,
    /// Variance of S (independent deals).
    pub independent_var: f64,
}

impl Band {
    /// `sd` and `bias` as in [`Spread`].
    pub fn new(fixed: f64, amounts: &[f64], probs: &[f64], sd: f64, bias: f64) -> Band {
        let g = dist::grid(amounts, probs, &[(1.0, 1.0)]);
        let mut c = 0.0;
        let cum = g.pmf.iter().map(|m| {
            c += m;
            c.min(1.0)
        });
        let independent_var = amounts.iter().zip(probs).map(|(a, p)| a * a * p * (1.0 - p)).sum();
        let nodes = factor_nodes(sd, bias);
        let mean: f64 = nodes.iter().map(|n| n.0 * n.1).sum();
        Band { fixed, offset: g.offset, step: g.step, cum: cum.collect(), nodes, expected: fixed + mean * g.expected, independent_var }
    }

    /// P(S <= y), linear between grid points.
    fn cdf_s(&self, y: f64) -> f64 {
        if self.step <= 0.0 {
            return if y >= self.offset { 1.0 } else { 0.0 };
        }
        let t = (y - self.offset) / self.step;
        if t < 0.0 {
            return 0.0;
        }
        let i = t.floor() as usize;
        let lo = self.cum.get(i).copied().unwrap_or(1.0);
        let hi = self.cum.get(i + 1).copied().unwrap_or(1.0);
        lo + (hi - lo) * (t - i as f64)
    }

    pub fn cdf(&self, x: f64) -> f64 {
        let y = x - self.fixed;
        if y < 0.0 {
            return 0.0;
        }
        self.nodes.iter().map(|&(w, m)| w * if m > 0.0 { self.cdf_s(y / m) } else { 1.0 }).sum::<f64>().clamp(0.0, 1.0)
    }

    fn top(&self) -> f64 {
        let most = self.nodes.iter().map(|n| n.1).fold(1.0, f64::max);
        self.fixed + most * (self.offset + self.step * self.cum.len() as f64).max(0.0)
    }

    pub fn quantile(&self, q: f64) -> f64 {
        let (mut lo, mut hi) = (self.fixed, self.top());
        for _ in 0..64 {
            let mid = 0.5 * (lo + hi);
            if self.cdf(mid) >= q {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }

    pub fn range(&self) -> Range {
        Range { expected: self.expected, p10: self.quantile(0.1), p50: self.quantile(0.5), p90: self.quantile(0.9) }
    }

    /// The CDF at `n` amounts evenly from the 0.1% to the 99.9% quantile,
    /// then at the most the total can be (cdf 1).
    pub fn points(&self, n: usize) -> Vec<dist::Point> {
        let (lo, hi) = (self.quantile(0.001), self.quantile(0.999));
        let n = if hi > lo { n.max(2) } else { 1 };
        let mut out: Vec<dist::Point> = (0..n)
            .map(|i| {
                let amount = if n > 1 { lo + (hi - lo) * i as f64 / (n - 1) as f64 } else { lo };
                dist::Point { amount, cdf: self.cdf(amount) }
            })
            .collect();
        let top = self.top();
        if out.last().is_some_and(|p| top > p.amount) {
            out.push(dist::Point { amount: top, cdf: 1.0 });
        }
        out
    }

    /// Continuous ranked probability score of the outcome `y`.
    pub fn crps(&self, y: f64) -> f64 {
        let (a, b) = (self.quantile(1e-4), self.quantile(1.0 - 1e-4));
        let steps = 2000;
        let dx = (b - a) / steps as f64;
        let mut s = 0.0;
        if dx > 0.0 {
            for i in 0..steps {
                let x = a + (i as f64 + 0.5) * dx;
                let h = if x >= y { 1.0 } else { 0.0 };
                s += (self.cdf(x) - h).powi(2) * dx;
            }
        }
        s + (a - y).max(0.0) + (y - b).max(0.0)
    }
}

// ---------------------------------------------------------------- assembly

/// A snapshot with the calendar applied: the open deals' probabilities and
/// the new business as pseudo-deals.
struct Assembled {
    open_probs: Vec<f64>,
    new_amounts: Vec<f64>,
    new_probs: Vec<f64>,
    expected_deals: f64,
    mean_amount: f64,
}

fn assemble(snap: &Snapshot, cal: &Calendar) -> Assembled {
    let open_probs = snap.probs.iter().map(|p| (p * cal.open_factor).clamp(0.0, 1.0)).collect();
    let expected_deals = snap.new_rate * snap.new_days;
    // How many deals will be created is uncertain too (Poisson): the wins
    // among them are Poisson when each pseudo-deal's chance is small, so
    // the pseudo-deals are split until it is at most MAX_NEW_SHARE.
    let split = (cal.new_share / MAX_NEW_SHARE).ceil().max(1.0);
    let n = ((expected_deals * split).round().max(0.0) as usize).min(MAX_NEW_DEALS);
    let mut new_amounts = Vec::with_capacity(n);
    let vals = &snap.new_values;
    if !vals.is_empty() {
        for j in 0..n {
            let at = ((j as f64 + 0.5) / n as f64 * vals.len() as f64) as usize;
            new_amounts.push(vals.get(at.min(vals.len() - 1)).copied().unwrap_or(0.0));
        }
    }
    let mean_amount = if vals.is_empty() { 0.0 } else { vals.iter().sum::<f64>() / vals.len() as f64 };
    // The pseudo-deals stand for `expected_deals` deals: rescale the share
    // for the rounding of their number.
    let share = if new_amounts.is_empty() { 0.0 } else { (cal.new_share * expected_deals / new_amounts.len() as f64).clamp(0.0, 1.0) };
    let new_probs = vec![share; new_amounts.len()];
    Assembled { open_probs, new_amounts, new_probs, expected_deals, mean_amount }
}

/// The record of the same month of the previous quarter, when seen.
fn last_quarter<'r>(past: &[&'r Record], snap: &Snapshot) -> Option<&'r Record> {
    let mut m = snap.start;
    for _ in 0..3 {
        m = month_start(m - 1);
    }
    past.iter().copied().find(|r| r.seen && r.snapshot.start == m)
}

/// Expected new business of a snapshot under a calendar.
fn new_expected(snap: &Snapshot, share: f64) -> f64 {
    let mean = if snap.new_values.is_empty() { 0.0 } else { snap.new_values.iter().sum::<f64>() / snap.new_values.len() as f64 };
    snap.new_rate * snap.new_days * share * mean
}

/// Inverse mean squared log error weight of the first of two forecasters
/// over (first, second, actual) triples; 1 with fewer than two triples.
fn weight(triples: &[(f64, f64, f64)]) -> f64 {
    let ok: Vec<&(f64, f64, f64)> = triples.iter().filter(|t| t.0 > 0.0 && t.1 > 0.0 && t.2 > 0.0).collect();
    if ok.len() < 2 {
        return 1.0;
    }
    let mse = |f: &dyn Fn(&(f64, f64, f64)) -> f64| ok.iter().map(|t| (t.2 / f(t)).ln().powi(2)).sum::<f64>() / ok.len() as f64;
    let (a, b) = (mse(&|t| t.0), mse(&|t| t.1));
    if a <= 0.0 {
        return 1.0;
    }
    if b <= 0.0 {
        return 0.0;
    }
    (1.0 / a) / (1.0 / a + 1.0 / b)
}

/// The calendar for a snapshot from the records complete at its date: the
/// pipeline model's calendar, combined with what the same month of the
/// previous quarter delivered, weighted by how each did in the rolling
/// back-test.
pub fn plan(past: &[&Record], snap: &Snapshot) -> Calendar {
    let past: Vec<&Record> = past.iter().copied().filter(|r| r.seen && r.snapshot.end <= snap.as_of).collect();
    let mut cal = calendar(&past, position(snap.end));
    let (mut opens, mut news) = (Vec::new(), Vec::new());
    for r in &past {
        let Some(lq) = last_quarter(&past, &r.snapshot) else { continue };
        let before: Vec<&Record> = past.iter().copied().filter(|x| x.snapshot.end <= r.snapshot.as_of).collect();
        let c = calendar(&before, position(r.snapshot.end));
        if r.snapshot.usable {
            opens.push((c.open_factor * r.snapshot.open_expected, lq.outcome.from_open, r.outcome.from_open));
        }
        news.push((new_expected(&r.snapshot, c.new_share), lq.outcome.new_value, r.outcome.new_value));
    }
    if let Some(lq) = last_quarter(&past, snap) {
        let model = cal.open_factor * snap.open_expected;
        if model > 0.0 && lq.outcome.from_open > 0.0 {
            cal.open_weight = weight(&opens);
            cal.open_factor *= (cal.open_weight * model + (1.0 - cal.open_weight) * lq.outcome.from_open) / model;
        }
        let model = new_expected(snap, cal.new_share);
        if model > 0.0 && lq.outcome.new_value > 0.0 {
            cal.new_weight = weight(&news);
            cal.new_share = (cal.new_share * (cal.new_weight * model + (1.0 - cal.new_weight) * lq.outcome.new_value) / model).clamp(0.0, 1.0);
        }
    }
    cal
}

/// Expected total and independent variance of a snapshot under a calendar.
fn expected(snap: &Snapshot, cal: &Calendar) -> (f64, f64) {
    let a = assemble(snap, cal);
    let mut e = snap.won_so_far;
    let mut v = 0.0;
    for (x, p) in snap.amounts.iter().zip(&a.open_probs).chain(a.new_amounts.iter().zip(&a.new_probs)) {
        e += x * p;
        v += x * x * p * (1.0 - p);
    }
    (e, v)
}

/// The rolling back-test on past records: each month forecast from the
/// records complete at its start.
pub fn residuals(past: &[&Record]) -> Vec<Residual> {
    let mut out = Vec::new();
    for r in past {
        if !r.snapshot.usable {
            continue;
        }
        let cal = plan(past, &r.snapshot);
        let (e, v) = expected(&r.snapshot, &cal);
        out.push(Residual { expected: e, actual: r.outcome.actual, independent_var: v, seen: cal.open_months > 0 });
    }
    out
}

/// The forecast from a snapshot and the records complete at its date.
pub fn forecast_from(snap: &Snapshot, past: &[&Record]) -> (PeriodForecast, Band) {
    let past: Vec<&Record> = past.iter().copied().filter(|r| r.seen && r.snapshot.end <= snap.as_of).collect();
    let cal = plan(&past, snap);
    let totals: Vec<f64> = past.iter().map(|r| r.outcome.actual).collect();
    // The spread of forecasts made in the same condition: with the
    // calendar of their position seen, or not.
    let all = residuals(&past);
    let same: Vec<Residual> = all.iter().copied().filter(|r| r.seen == (cal.open_months > 0)).collect();
    let mut spread = learn_spread(if same.is_empty() { &all } else { &same }, &totals);
    if same.is_empty() {
        // The other condition's errors say how wide, not which way: its
        // bias belongs to its calendar.
        spread.bias = 0.0;
    }
    let a = assemble(snap, &cal);
    let open = Band::new(0.0, &snap.amounts, &a.open_probs, spread.sd, spread.bias);
    let new = Band::new(0.0, &a.new_amounts, &a.new_probs, spread.sd, spread.bias);
    let amounts: Vec<f64> = snap.amounts.iter().chain(&a.new_amounts).copied().collect();
    let probs: Vec<f64> = a.open_probs.iter().chain(&a.new_probs).copied().collect();
    let total = Band::new(snap.won_so_far, &amounts, &probs, spread.sd, spread.bias);
    let w = snap.won_so_far;
    let f = PeriodForecast {
        as_of: civil_from_days(snap.as_of),
        start: civil_from_days(snap.start),
        end: civil_from_days(snap.end),
        won_so_far: Range { expected: w, p10: w, p50: w, p90: w },
        open: OpenPart { range: open.range(), deals: snap.amounts.len() as u32, weighted: snap.open_expected },
        new_business: NewPart { range: new.range(), expected_deals: a.expected_deals, win_share: cal.new_share, mean_amount: a.mean_amount },
        total: total.range(),
        calendar: cal,
        spread,
        points: Vec::new(),
    };
    (f, total)
}

/// The period containing the day after `as_of` (a month end forecasts the
/// next month).
pub fn period_after(as_of: i32) -> (i32, i32) {
    let start = month_start(as_of + 1);
    (start, month_end(start))
}

/// The forecast of the period after `asOf` from all deals (open and
/// closed), learned from what was known at `asOf`.
pub fn period_forecast(process: &Process, deals: &[Deal], options: &PeriodOptions) -> Result<PeriodForecast> {
    let h = History::new(deals, options.measure, options.value_by.clone())?;
    let as_of = match &options.as_of {
        Some(d) => parse_date("options.asOf", d)?,
        None => match h.last_day() {
            Some(d) => d,
            None => return Err(error::Error::coded("options.asOf", error::ErrorCode::Required, "is required: no dated event to take it from")),
        },
    };
    let (start, end) = period_after(as_of);
    let recs = records(process, &h, start - 1)?;
    let snap = snapshot(process, &h, as_of, start, end, Amounts::Recorded)?;
    let past: Vec<&Record> = recs.iter().collect();
    let (mut f, total) = forecast_from(&snap, &past);
    f.points = total.points(POINTS);
    Ok(f)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::scorer::Scorer;

    #[test]
    fn dates_and_positions() {
        let d = parse_date("", "2017-05-31").unwrap();
        assert_eq!(civil(d), (2017, 5, 31));
        assert_eq!(civil_from_days(month_start(d)), "2017-05-01");
        assert_eq!(civil_from_days(month_end(parse_date("", "2016-02-03").unwrap())), "2016-02-29");
        assert_eq!(civil_from_days(month_end(parse_date("", "2017-12-03").unwrap())), "2017-12-31");
        assert_eq!(position(d), 2);
        assert_eq!(position(parse_date("", "2017-12-31").unwrap()), 3);
        let (s, e) = period_after(d);
        assert_eq!((civil_from_days(s), civil_from_days(e)), ("2017-06-01".to_string(), "2017-06-30".to_string()));
        let (s, _) = period_after(parse_date("", "2017-06-10").unwrap());
        assert_eq!(civil_from_days(s), "2017-06-01");
    }

    #[test]
    fn normal_quantile_is_accurate() {
        assert!(normal_quantile(0.5).abs() < 1e-9);
        assert!((normal_quantile(0.9) - 1.281_551_565_545).abs() < 1e-8);
        assert!((normal_quantile(0.01) + 2.326_347_874_041).abs() < 1e-8);
        let nodes = factor_nodes(0.3, 0.1);
        let mean: f64 = nodes.iter().map(|n| n.0 * n.1).sum();
        assert!((mean - 1.1).abs() < 1e-9, "{mean}");
    }

    #[test]
    fn band_without_factor_matches_the_grid_and_widens_with_it() {
        let amounts: Vec<f64> = (0..200).map(|i| 100.0 + f64::from(i % 7) * 30.0).collect();
        let probs = vec![0.4; 200];
        let b0 = Band::new(50.0, &amounts, &probs, 0.0, 0.0);
        let g = dist::grid(&amounts, &probs, &[(1.0, 1.0)]).summary(None);
        let r = b0.range();
        assert!((r.expected - 50.0 - g.expected).abs() < 1e-6);
        assert!((r.p50 - 50.0 - g.p50).abs() <= 2.0 * g.grid_step + 1e-9, "{} {}", r.p50, g.p50);
        let b1 = Band::new(50.0, &amounts, &probs, 0.3, 0.0);
        let r1 = b1.range();
        assert!(r1.p10 < r.p10 && r1.p90 > r.p90);
        // CRPS is smallest near the centre.
        assert!(b1.crps(r1.p50) < b1.crps(r1.p90 * 1.5));
    }

    #[test]
    fn spread_subtracts_independent_noise_and_shrinks_to_the_run_rate() {
        let r = |e: f64, a: f64, v: f64| Residual { expected: e, actual: a, independent_var: v, seen: true };
        // Errors all explained by independent deals: no common factor.
        let s = learn_spread(&[r(100.0, 110.0, 200.0), r(100.0, 90.0, 200.0)], &[]);
        assert_eq!(s.sd, 0.0);
        assert!(s.learned);
        // With nothing to learn from.
        assert!(!learn_spread(&[], &[0.0]).learned);
        // Only the run-rate: its error.
        let s = learn_spread(&[], &[100.0, 200.0]);
        assert!((s.sd - 2f64.ln()).abs() < 1e-12);
    }

    /// Deals created every day from 2024-01-01, a third won (value 100 +
    /// 10 × (i % 5)), a third lost, some still open; each closes 5 to 40
    /// days after it was created.
    fn team(days: i32) -> Vec<Deal> {
        let start = parse_date("", "2024-01-01").unwrap();
        let mut v = Vec::new();
        for i in 0..days * 3 {
            let created = start + i / 3;
            let close = created + 5 + (i * 7) % 36;
            let status = match i % 3 {
                0 => Status::Won,
                1 => Status::Lost,
                _ if i % 2 == 0 => Status::Open,
                _ => Status::Won,
            };
            let mut d = Deal {
                id: format!("d{i}"),
                value: Some(100.0 + 10.0 * f64::from(i % 5)),
                status,
                events: vec![Event { milestone: "need_confirmed".into(), date: Some(civil_from_days(created)) }],
                ..Deal::default()
            };
            d.attributes.insert("product".into(), format!("p{}", i % 2));
            if status != Status::Open {
                d.close_date = Some(civil_from_days(close));
            }
            v.push(d);
        }
        v
    }

    #[test]
    fn a_period_forecast_adds_up_its_three_parts() {
        let p = Scorer::new(crate::default_model()).unwrap();
        let deals = team(240);
        let o = PeriodOptions { as_of: Some("2024-07-15".into()), value_by: Some("product".into()), ..PeriodOptions::default() };
        let f = period_forecast(&p, &deals, &o).unwrap();
        assert_eq!((f.start.as_str(), f.end.as_str()), ("2024-07-01", "2024-07-31"));
        assert!(f.won_so_far.expected > 0.0 && f.open.deals > 0 && f.new_business.expected_deals > 10.0);
        assert!(f.spread.learned && f.spread.months >= 1 && f.spread.sd > 0.0, "{:?}", f.spread);
        assert!(f.calendar.months >= 1 && f.calendar.all_months >= 5, "{:?}", f.calendar);
        let sum = f.won_so_far.expected + f.open.range.expected + f.new_business.range.expected;
        assert!((f.total.expected - sum).abs() < 1e-6 * sum, "{} vs {sum}", f.total.expected);
        for r in [f.open.range, f.new_business.range, f.total] {
            assert!(r.p10 <= r.p50 && r.p50 <= r.p90, "{r:?}");
        }
        assert!(f.total.p10 >= f.won_so_far.expected);
        // The total's CDF: rising, through P10 and P90 at 10% and 90%, up to
        // the most the total can be.
        assert!(f.points.len() == POINTS + 1 && f.points.windows(2).all(|w| w[0].amount < w[1].amount && w[0].cdf <= w[1].cdf));
        assert_eq!(f.points.last().unwrap().cdf, 1.0);
        assert!(f.points[0].cdf < 0.01 && f.points[POINTS - 1].cdf > 0.99);
        let at = |x: f64| {
            let i = f.points.iter().position(|p| p.amount >= x).unwrap();
            let (a, b) = (f.points[i - 1], f.points[i]);
            a.cdf + (b.cdf - a.cdf) * (x - a.amount) / (b.amount - a.amount)
        };
        assert!((at(f.total.p10) - 0.1).abs() < 0.01 && (at(f.total.p90) - 0.9).abs() < 0.01, "{} {}", at(f.total.p10), at(f.total.p90));
        // A month end forecasts the next month, with nothing won in it yet.
        let o = PeriodOptions { as_of: Some("2024-07-31".into()), ..o };
        let f = period_forecast(&p, &deals, &o).unwrap();
        assert_eq!((f.start.as_str(), f.won_so_far.expected), ("2024-08-01", 0.0));
        // Results cross the boundary in camelCase.
        let v = serde_json::to_value(&f).unwrap();
        for key in ["asOf", "wonSoFar", "newBusiness", "calendar", "spread"] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert!(v["newBusiness"].get("expectedDeals").is_some() && v["open"].get("p10").is_some());
        assert!(v["calendar"].get("openFactor").is_some() && v["spread"].get("naiveRmsError").is_some());
        // Errors name the field.
        let bad = PeriodOptions { as_of: Some("2024-13-01".into()), ..PeriodOptions::default() };
        assert_eq!(period_forecast(&p, &deals, &bad).unwrap_err().path, "options.asOf");
        let mut broken = deals.clone();
        broken[7].events[0].date = Some("yesterday".into());
        assert_eq!(period_forecast(&p, &broken, &PeriodOptions::default()).unwrap_err().path, "deals[7].events[0].date");
    }
}
