//! A deal: which milestones the customer has confirmed, when, and in which
//! order; plus the checks that keep bad CRM data out of the numbers.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::{self, Error, Result};
use crate::bitset::{bit, members};
use crate::model::{Process, MAX_TEXT_CHARS};

/// Most attributes one deal may carry.
pub const MAX_ATTRIBUTES: usize = 32;
/// Most deals one call may take.
pub const MAX_DEALS: usize = 2_000_000;
/// Most events one deal may carry.
pub const MAX_EVENTS: usize = 1024;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    Won,
    Lost,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub milestone: String,
    /// `YYYY-MM-DD` (a time after it, `T...`, is allowed and ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Deal {
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Contribution margin of the deal, in money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub status: Status,
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub events: Vec<Event>,
    #[serde(default, deserialize_with = "crate::error::null_default", skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The seller's own estimate: kept for comparison, never used to score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_probability: Option<f64>,
    /// When the deal was won or lost (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_date: Option<String>,
    /// The CRM pipeline the deal belongs to (each pipeline has its own
    /// process and calibration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    /// How the expected close date moved over the deal's history, where the
    /// export shows it (a slip signal for forecasts). Not used to score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slip: Option<Slip>,
}

/// Changes of a deal's expected close date, from a history export.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Slip {
    /// Times the expected close date changed.
    pub changes: u32,
    /// Times it moved later.
    pub pushes: u32,
    /// Days it moved later, summed over the pushes.
    pub days_pushed: i64,
}

/// Where a deal stands in the process.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DealState {
    /// Milestones reached (bit i = milestone i).
    pub reached: u64,
    /// Milestones in the order they were completed (first completion only).
    pub sequence: Vec<usize>,
    /// Day number of each completion in `sequence`, where dated.
    pub days: Vec<Option<i32>>,
    /// Mandatory milestones behind the furthest mandatory one reached, and
    /// `after` prerequisites of reached milestones, that are not reached.
    pub missing: u64,
    /// Milestones completed before a prerequisite that came later.
    pub out_of_order: u64,
}

impl Deal {
    /// Checks the deal against the model and returns its state. Errors name
    /// fields relative to the deal (`events[1].date`; the caller adds where
    /// the deal is, `deals[3]`). A path is only made when a check fails:
    /// scoring thousands of deals builds no strings.
    pub fn check(&self, process: &Process) -> Result<DealState> {
        let at = |f: &'static str| f;
        error::text(at("id"), &self.id, MAX_TEXT_CHARS)?;
        if let Some(l) = &self.label {
            error::text(at("label"), l, MAX_TEXT_CHARS)?;
        }
        if let Some(s) = &self.seller {
            error::text(at("seller"), s, MAX_TEXT_CHARS)?;
        }
        if let Some(s) = &self.pipeline {
            error::text(at("pipeline"), s, MAX_TEXT_CHARS)?;
        }
        if let Some(v) = self.value {
            error::non_negative(at("value"), v)?;
        }
        if let Some(v) = self.margin {
            error::non_negative(at("margin"), v)?;
        }
        if let Some(p) = self.seller_probability {
            error::probability(at("sellerProbability"), p)?;
        }
        if let Some(d) = &self.close_date {
            parse_date(at("closeDate"), d)?;
        }
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(Error::coded(at("attributes"), error::ErrorCode::TooMany { max: error::count(MAX_ATTRIBUTES) }, format!("at most {MAX_ATTRIBUTES} attributes are supported")));
        }
        for (k, v) in &self.attributes {
            let check = |p: &str| -> Result<()> {
                attribute_name(p, k)?;
                error::text(p, k, MAX_TEXT_CHARS)?;
                error::text(p, v, MAX_TEXT_CHARS)?;
                Ok(())
            };
            // Checked without a path first; the path only names a failure.
            if check("").is_err() {
                check(&format!("attributes.{k}"))?;
            }
        }
        error::at_most(at("events"), &self.events, MAX_EVENTS, "events")?;
        let mut steps = Vec::with_capacity(self.events.len());
        for (k, e) in self.events.iter().enumerate() {
            let p = || format!("events[{k}]");
            let Some(i) = process.find(&e.milestone) else {
                return Err(error::unknown_milestone(error::join(&p(), "milestone"), &e.milestone));
            };
            let day = match &e.date {
                Some(d) => Some(parse_date("", d).map_err(|e| e.within(&error::join(&p(), "date")))?),
                None => None,
            };
            steps.push((i, day));
        }
        Ok(state_of(process, &steps))
    }

    pub fn label_or_id(&self) -> &str {
        match &self.label {
            Some(l) if !l.is_empty() => l,
            _ => &self.id,
        }
    }
}

/// An attribute's name must be one a JS object can hold as data:
/// `__proto__` would set an object's prototype instead of a key.
pub fn attribute_name(path: &str, name: &str) -> Result<()> {
    if name == "__proto__" {
        return Err(Error::coded(path, error::ErrorCode::Reserved { value: name.to_string() }, "\"__proto__\" cannot be an attribute name (JS objects cannot hold it as data): rename the column"));
    }
    Ok(())
}

/// Orders the completions (milestone, day) into the order they happened.
///
/// **The rule, for any mix of dated and undated events:** a dated event
/// happened on its date; an undated event happened no earlier than every
/// event listed before it, so it counts as done on the latest date listed
/// before it (before everything when no dated event precedes it). The
/// events are then sorted by that day, stably: on the same day, listed
/// order decides. So
/// * all dated: by date (same-day events as listed);
/// * all undated: as listed;
/// * a dated deal plus an undated tick appended (a box ticked today): the
///   dated events by date, then the tick, last, as if done today. Adding
///   an undated tick never turns a dated deal into "as listed" ordering;
/// * a forgotten step ticked late and backdated: it takes its place by its
///   date, exactly as if it had been ticked in order;
/// * undated events listed before the first dated one (a CRM that dates
///   only later stages, such as Maven's `prospecting` then a dated
///   `engaging`): they come first, in listed order.
///
/// Calibration's `Paths::Auto` still reads a closed deal with any undated
/// event as a snapshot (evidence for its final state only): its path is
/// not fully known, and counting prefixes would rest on this rule's guess.
pub fn ordered(steps: &[(usize, Option<i32>)]) -> Vec<(usize, Option<i32>)> {
    if steps.len() < 2 || steps.iter().all(|(_, d)| d.is_none()) {
        return steps.to_vec();
    }
    // The day each event counts as done on (None sorts before every date).
    let mut latest: Option<i32> = None;
    let effective: Vec<Option<i32>> = steps
        .iter()
        .map(|&(_, day)| match day {
            Some(d) => {
                latest = latest.max(Some(d));
                Some(d)
            }
            None => latest,
        })
        .collect();
    let by_day = crate::order::order(steps.len(), &|a, b| effective.get(a) < effective.get(b));
    crate::order::permute(steps, &by_day)
}

/// The state after the given completions (milestone index, day).
pub fn state_of(process: &Process, steps: &[(usize, Option<i32>)]) -> DealState {
    let mut st = DealState::default();
    state_into(process, steps, &mut st);
    st
}

/// `state_of` into `st` (its lists reused: no allocation per deal once
/// warm, when the events are listed in the order `ordered` gives).
pub fn state_into(process: &Process, steps: &[(usize, Option<i32>)], st: &mut DealState) {
    st.reached = 0;
    st.sequence.clear();
    st.days.clear();
    let add = |st: &mut DealState, i: usize, day: Option<i32>| {
        if st.reached & bit(i) == 0 {
            st.reached |= bit(i);
            st.sequence.push(i);
            st.days.push(day);
        }
    };
    // Already in `ordered`'s order (each event's day, an undated one's the
    // latest before it, never goes back): a stable sort would keep it.
    let (mut latest, mut prev, mut sorted) = (None, None, true);
    for &(_, day) in steps {
        let at = if day.is_some() { day } else { latest };
        latest = latest.max(day);
        sorted &= at >= prev;
        prev = at;
    }
    if sorted {
        for &(i, day) in steps {
            add(st, i, day);
        }
    } else {
        for (i, day) in ordered(steps) {
            add(st, i, day);
        }
    }
    finish(process, st);
}

/// Fills `missing` and `out_of_order` from `reached` and `sequence`.
pub fn finish(process: &Process, st: &mut DealState) {
    let mut so_far = 0u64;
    let mut early = 0u64;
    for &i in &st.sequence {
        // Completed while something it requires was not yet done.
        if process.required_before(i) & !so_far & st.reached != 0 {
            early |= bit(i);
        }
        so_far |= bit(i);
    }
    st.out_of_order = early;
    let mut missing = 0u64;
    if let Some(furthest) = members(st.reached & process.mandatory_set()).last() {
        missing |= process.mandatory_before(furthest) & !st.reached;
    }
    for i in members(st.reached) {
        missing |= process.after(i) & !st.reached;
    }
    st.missing = missing;
}

/// Parses `YYYY-MM-DD` (optionally followed by `T` or a space and a time)
/// into days since 1970-01-01. Impossible dates (2023-02-30) are errors.
pub fn parse_date(path: &str, s: &str) -> Result<i32> {
    let bad = || {
        let value: String = s.chars().take(40).collect();
        let message = format!("must be a date YYYY-MM-DD (got \"{value}\")");
        Error::coded(path, crate::error::ErrorCode::NotADate { value }, message)
    };
    let b = s.as_bytes();
    if b.len() < 10 || (b.len() > 10 && !matches!(b.get(10), Some(b'T') | Some(b' '))) {
        return Err(bad());
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter().try_fold(0i32, |acc, d| acc.checked_mul(10)?.checked_add(i32::from(d - b'0')))
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(bad());
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(bad());
    };
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d))
}

fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: i32, d: i32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day number.
pub fn civil_from_days(z: i32) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}

/// (year, month, day) of a day number (H. Hinnant's algorithm).
pub fn civil(z: i32) -> (i32, i32, i32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i32::from(m <= 2), m, d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use super::*;
    use crate::model::default_model;

    fn deal(events: &[(&str, Option<&str>)]) -> Deal {
        Deal {
            id: "d1".into(),
            events: events
                .iter()
                .map(|(m, d)| Event { milestone: m.to_string(), date: d.map(str::to_string) })
                .collect(),
            ..Deal::default()
        }
    }

    #[test]
    fn dates_round_trip_and_impossible_dates_fail() {
        assert_eq!(parse_date("d", "1970-01-01").unwrap(), 0);
        assert_eq!(parse_date("d", "2024-02-29").unwrap(), days_from_civil(2024, 2, 29));
        assert_eq!(civil_from_days(parse_date("d", "2017-03-01T10:00:00Z").unwrap()), "2017-03-01");
        for bad in ["2023-02-29", "2023-02-30", "2023-13-01", "2023-00-10", "23-01-01", "2023/01/01", "2023-01-01x", "", "２０２３-01-01"] {
            assert!(parse_date("d", bad).is_err(), "{bad}");
        }
        for z in [-1000, 0, 17_000, 20_000, 60_000] {
            assert_eq!(parse_date("d", &civil_from_days(z)).unwrap(), z);
        }
    }

    #[test]
    fn in_order_deal_has_no_violation() {
        let p = Process::new(default_model()).unwrap();
        let st = deal(&[("need_confirmed", None), ("mobilizer_met", None)]).check(&p).unwrap();
        assert_eq!(st.reached, 0b11);
        assert_eq!(st.missing, 0);
        assert_eq!(st.out_of_order, 0);
    }

    #[test]
    fn skipped_and_out_of_order_mandatory_milestones_are_seen() {
        let p = Process::new(default_model()).unwrap();
        let sp = p.find("solution_presented").unwrap();
        let mob = p.find("mobilizer_met").unwrap();
        let st = deal(&[("need_confirmed", None), ("solution_presented", None)]).check(&p).unwrap();
        assert_eq!(st.missing, bit(mob));
        assert_eq!(st.out_of_order, 0);
        // Dated events are ordered by date: the solution came before the mobilizer.
        let st = deal(&[
            ("mobilizer_met", Some("2024-03-10")),
            ("need_confirmed", Some("2024-03-01")),
            ("solution_presented", Some("2024-03-05")),
        ])
        .check(&p).map_err(|e| e.within("deal"))
        .unwrap();
        assert_eq!(st.missing, 0);
        assert_eq!(st.out_of_order, bit(sp));
    }

    #[test]
    fn bad_fields_are_named() {
        let p = Process::new(default_model()).unwrap();
        let e = deal(&[("need_confirmed", None), ("x", None)]).check(&p).map_err(|e| e.within("deals[3]")).unwrap_err();
        assert_eq!(e.to_string(), "deals[3].events[1].milestone: unknown milestone \"x\"");
        let e = deal(&[("need_confirmed", Some("2023-02-30"))]).check(&p).map_err(|e| e.within("deals[0]")).unwrap_err();
        assert_eq!(e.path, "deals[0].events[0].date");
        let mut d = deal(&[]);
        d.value = Some(f64::NAN);
        assert_eq!(d.check(&p).map_err(|e| e.within("deals[3]")).unwrap_err().to_string(), "deals[3].value: must be a finite number >= 0");
        d.value = Some(-1.0);
        assert!(d.check(&p).is_err());
        d.value = None;
        d.seller_probability = Some(1.2);
        assert_eq!(d.check(&p).map_err(|e| e.within("deal")).unwrap_err().path, "deal.sellerProbability");
    }

    /// What the wasm does with a JS argument, natively: serde with the
    /// field's path in every error.
    mod boundary {
        use super::*;
        use crate::testing::read;

        #[test]
        fn reads_deals_and_ignores_unknown_fields() {
            let d: Deal = read(
                r#"{"id":"a","value":10,"status":"won","events":[{"milestone":"m","date":"2024-01-02"}],"attributes":{"segment":"public"},"unknownExtra":1}"#,
                "deal",
            )
            .unwrap();
            assert_eq!(d.status, Status::Won);
            assert_eq!(d.value, Some(10.0));
            assert_eq!(d.events[0].date.as_deref(), Some("2024-01-02"));
            assert_eq!(d.attributes["segment"], "public");
            // null is absent, for optional and defaulted fields alike.
            let d: Deal = read(r#"{"id":null,"label":null,"status":null,"events":null,"attributes":null,"value":null}"#, "deal").unwrap();
            assert_eq!(d, Deal::default());
        }

        #[test]
        fn errors_name_the_path() {
            let starts = |text: &str, name: &str, want: &str| {
                let e = read::<Vec<Deal>>(text, name).map(|_| ()).unwrap_err().to_string();
                assert!(e.starts_with(want), "{text}: {e}");
            };
            starts(r#"[{"id":"a"},{"id":"b","status":"maybe"}]"#, "deals", "deals[1].status: unknown variant `maybe`");
            starts(r#"[{"id":"a","events":[{"milestone":"m"},{"date":"2024-01-01"}]}]"#, "deals", "deals[0].events[1].milestone: is required");
            starts(r#"[{"id":"a","value":"ten"}]"#, "deals", "deals[0].value: invalid type");
            starts(r#"[{"id":3.5}]"#, "deals", "deals[0].id: invalid type");
            starts(r#"[1]"#, "deals", "deals[0]: invalid type");
            starts(r#"{"id":"a"}"#, "deals", "deals: invalid type");
            starts(r#"[{"id":"a","attributes":{"x":1}}]"#, "deals", "deals[0].attributes.x: invalid type");
        }

        #[test]
        fn validation_names_the_field_after_reading() {
            let p = Process::new(default_model()).unwrap();
            let d: Deal = read(r#"{"id":"a","value":-1}"#, "deal").unwrap();
            assert_eq!(d.check(&p).map_err(|e| e.within("deals[3]")).unwrap_err().to_string(), "deals[3].value: must be a finite number >= 0");
        }
    }
}
