//! A deal: which milestones the customer has confirmed, when, and in which
//! order; plus the checks that keep bad CRM data out of the numbers.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::{self, Error, Result};
use crate::model::{bit, members, Process, MAX_TEXT_CHARS};
use crate::value::{self, FromVal, Obj, Rec, ToVal, Value};

/// Most attributes one deal may carry.
pub const MAX_ATTRIBUTES: usize = 32;
/// Most deals one call may take.
pub const MAX_DEALS: usize = 2_000_000;
/// Most events one deal may carry.
pub const MAX_EVENTS: usize = 1024;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    Won,
    Lost,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub milestone: String,
    /// `YYYY-MM-DD` (a time after it, `T...`, is allowed and ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Deal {
    #[serde(default)]
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
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
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
#[serde(rename_all = "camelCase")]
pub struct Slip {
    /// Times the expected close date changed.
    pub changes: u32,
    /// Times it moved later.
    pub pushes: u32,
    /// Days it moved later, summed over the pushes.
    pub days_pushed: i64,
}

/// The spellings of `Status`, in variant order.
const STATUS: [&str; 3] = ["open", "won", "lost"];

impl FromVal for Status {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        Ok(match value::one_of(v, path, &STATUS)? {
            1 => Status::Won,
            2 => Status::Lost,
            _ => Status::Open,
        })
    }
}

impl ToVal for Status {
    fn to_val(&self) -> Value {
        Value::from(match self {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
        })
    }
}

// Deals come by the million (`scoreDeals`), so they are read in one pass over
// each object's entries, with error paths relative to the deal or event
// (`events[1].milestone`) that the caller prefixes: no path string is built
// unless a field is bad. Unknown keys are ignored (CRM data carries extra
// fields); `null` counts as absent; a known key given twice is an error, as
// with serde.

/// The entries of an object value; `path` names it in the error.
fn entries<'a>(v: &'a Value, path: &str) -> Result<&'a [(String, Value)]> {
    match v {
        Value::Object(e) => Ok(e),
        // Not an object: `Obj::new` fails with the usual message.
        _ => Obj::new(v, path).map(|_| &[][..]),
    }
}

/// Marks field `bit` as seen; a second time is an error.
fn once(seen: &mut u32, bit: u32, key: &str) -> Result<()> {
    if *seen & bit != 0 {
        return Err(Error::new(key, "is given twice"));
    }
    *seen |= bit;
    Ok(())
}

fn read_event(v: &Value) -> Result<Event> {
    let (mut milestone, mut date, mut seen) = (None, None, 0);
    for (k, x) in entries(v, "")? {
        let bit = match k.as_str() {
            "milestone" => 1,
            "date" => 2,
            _ => continue,
        };
        once(&mut seen, bit, k)?;
        if matches!(x, Value::Null) {
            continue;
        }
        let s = String::from_val(x, k)?;
        if bit == 1 {
            milestone = Some(s);
        } else {
            date = Some(s);
        }
    }
    match milestone {
        Some(milestone) => Ok(Event { milestone, date }),
        None => Err(Error::new("milestone", "is required")),
    }
}

fn read_deal(v: &Value) -> Result<Deal> {
    let mut d = Deal::default();
    let mut seen = 0;
    for (k, x) in entries(v, "")? {
        let bit = match k.as_str() {
            "id" => 1,
            "label" => 2,
            "seller" => 4,
            "value" => 8,
            "margin" => 16,
            "status" => 32,
            "events" => 64,
            "attributes" => 128,
            "sellerProbability" => 256,
            "closeDate" => 512,
            "pipeline" => 1024,
            _ => continue,
        };
        once(&mut seen, bit, k)?;
        if matches!(x, Value::Null) {
            continue;
        }
        match bit {
            1 => d.id = String::from_val(x, k)?,
            2 => d.label = Some(String::from_val(x, k)?),
            4 => d.seller = Some(String::from_val(x, k)?),
            8 => d.value = Some(f64::from_val(x, k)?),
            16 => d.margin = Some(f64::from_val(x, k)?),
            32 => d.status = Status::from_val(x, k)?,
            64 => d.events = Vec::<Event>::from_val(x, k)?,
            128 => d.attributes = BTreeMap::<String, String>::from_val(x, k)?,
            256 => d.seller_probability = Some(f64::from_val(x, k)?),
            512 => d.close_date = Some(String::from_val(x, k)?),
            _ => d.pipeline = Some(String::from_val(x, k)?),
        }
    }
    Ok(d)
}

impl FromVal for Event {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        read_event(v).map_err(|e| e.within(path))
    }
}

impl FromVal for Deal {
    fn from_val(v: &Value, path: &str) -> Result<Self> {
        read_deal(v).map_err(|e| e.within(path))
    }
}

impl ToVal for Event {
    fn to_val(&self) -> Value {
        Rec::new().put("milestone", &self.milestone).opt("date", &self.date).done()
    }
}

impl ToVal for Deal {
    fn to_val(&self) -> Value {
        let mut r = Rec::new()
            .put("id", &self.id)
            .opt("label", &self.label)
            .opt("seller", &self.seller)
            .opt("value", &self.value)
            .opt("margin", &self.margin)
            .put("status", &self.status)
            .put("events", &self.events);
        if !self.attributes.is_empty() {
            r = r.put("attributes", &self.attributes);
        }
        r.opt("sellerProbability", &self.seller_probability).opt("closeDate", &self.close_date).opt("pipeline", &self.pipeline).done()
    }
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
    /// Checks the deal against the model and returns its state. `path` is the
    /// deal's own path (`deals[3]`), used to name bad fields.
    pub fn check(&self, process: &Process, path: &str) -> Result<DealState> {
        let at = |f: &str| error::join(path, f);
        error::text(&at("id"), &self.id, MAX_TEXT_CHARS)?;
        if let Some(l) = &self.label {
            error::text(&at("label"), l, MAX_TEXT_CHARS)?;
        }
        if let Some(s) = &self.seller {
            error::text(&at("seller"), s, MAX_TEXT_CHARS)?;
        }
        if let Some(s) = &self.pipeline {
            error::text(&at("pipeline"), s, MAX_TEXT_CHARS)?;
        }
        if let Some(v) = self.value {
            error::non_negative(&at("value"), v)?;
        }
        if let Some(v) = self.margin {
            error::non_negative(&at("margin"), v)?;
        }
        if let Some(p) = self.seller_probability {
            error::probability(&at("sellerProbability"), p)?;
        }
        if let Some(d) = &self.close_date {
            parse_date(&at("closeDate"), d)?;
        }
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(Error::new(at("attributes"), format!("at most {MAX_ATTRIBUTES} attributes are supported")));
        }
        for (k, v) in &self.attributes {
            let p = at(&format!("attributes.{k}"));
            error::text(&p, k, MAX_TEXT_CHARS)?;
            error::text(&p, v, MAX_TEXT_CHARS)?;
        }
        error::at_most(&at("events"), &self.events, MAX_EVENTS, "events")?;
        let mut steps = Vec::with_capacity(self.events.len());
        for (k, e) in self.events.iter().enumerate() {
            let p = at(&format!("events[{k}]"));
            let Some(i) = process.find(&e.milestone) else {
                let shown: String = e.milestone.chars().take(MAX_TEXT_CHARS).collect();
                return Err(Error::new(error::join(&p, "milestone"), format!("unknown milestone \"{shown}\"")));
            };
            let day = match &e.date {
                Some(d) => Some(parse_date(&error::join(&p, "date"), d)?),
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

/// Orders the completions: by date when every event is dated (a stable sort,
/// so same-day events keep their listed order), else as listed.
pub fn ordered(steps: &[(usize, Option<i32>)]) -> Vec<(usize, Option<i32>)> {
    if steps.len() > 1 && steps.iter().all(|(_, d)| d.is_some()) {
        let by_day = crate::order::order(steps.len(), &|a, b| steps.get(a).map(|s| s.1) < steps.get(b).map(|s| s.1));
        return crate::order::permute(steps, &by_day);
    }
    steps.to_vec()
}

/// The state after the given completions (milestone index, day).
pub fn state_of(process: &Process, steps: &[(usize, Option<i32>)]) -> DealState {
    let mut st = DealState::default();
    for (i, day) in ordered(steps) {
        if st.reached & bit(i) != 0 {
            continue;
        }
        st.reached |= bit(i);
        st.sequence.push(i);
        st.days.push(day);
    }
    finish(process, &mut st);
    st
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
    let bad = || Error::new(path, format!("must be a date YYYY-MM-DD (got \"{}\")", s.chars().take(40).collect::<String>()));
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
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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
        let st = deal(&[("need_confirmed", None), ("mobilizer_met", None)]).check(&p, "deal").unwrap();
        assert_eq!(st.reached, 0b11);
        assert_eq!(st.missing, 0);
        assert_eq!(st.out_of_order, 0);
    }

    #[test]
    fn skipped_and_out_of_order_mandatory_milestones_are_seen() {
        let p = Process::new(default_model()).unwrap();
        let sp = p.find("solution_presented").unwrap();
        let mob = p.find("mobilizer_met").unwrap();
        let st = deal(&[("need_confirmed", None), ("solution_presented", None)]).check(&p, "deal").unwrap();
        assert_eq!(st.missing, bit(mob));
        assert_eq!(st.out_of_order, 0);
        // Dated events are ordered by date: the solution came before the mobilizer.
        let st = deal(&[
            ("mobilizer_met", Some("2024-03-10")),
            ("need_confirmed", Some("2024-03-01")),
            ("solution_presented", Some("2024-03-05")),
        ])
        .check(&p, "deal")
        .unwrap();
        assert_eq!(st.missing, 0);
        assert_eq!(st.out_of_order, bit(sp));
    }

    #[test]
    fn bad_fields_are_named() {
        let p = Process::new(default_model()).unwrap();
        let e = deal(&[("need_confirmed", None), ("x", None)]).check(&p, "deals[3]").unwrap_err();
        assert_eq!(e.to_string(), "deals[3].events[1].milestone: unknown milestone \"x\"");
        let e = deal(&[("need_confirmed", Some("2023-02-30"))]).check(&p, "deals[0]").unwrap_err();
        assert_eq!(e.path, "deals[0].events[0].date");
        let mut d = deal(&[]);
        d.value = Some(f64::NAN);
        assert_eq!(d.check(&p, "deals[3]").unwrap_err().to_string(), "deals[3].value: must be a finite number >= 0");
        d.value = Some(-1.0);
        assert!(d.check(&p, "deal").is_err());
        d.value = None;
        d.seller_probability = Some(1.2);
        assert_eq!(d.check(&p, "deal").unwrap_err().path, "deal.sellerProbability");
    }

    use crate::value::tests::{json, same_as_serde};
    use crate::value::{from_serde, FromVal, ToVal, Value};

    /// Reads `text` both ways (by hand and through serde): same result,
    /// same error text.
    #[allow(clippy::panic_in_result_fn)]
    fn agree<T: FromVal + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str, path: &str) -> Result<T> {
        let v = json(text);
        let by_hand = T::from_val(&v, path);
        assert_eq!(by_hand, from_serde::<T>(&v, path), "{text}");
        by_hand
    }

    #[test]
    fn deal_from_val_reads_what_serde_reads() {
        let full = r#"{"id":"a","label":"Big one","seller":"Ann","value":1200.5,"margin":300,"status":"won",
            "events":[{"milestone":"need_confirmed","date":"2024-01-02"},{"milestone":"mobilizer_met"}],
            "attributes":{"segment":"public","region":"north"},"sellerProbability":0.7,"closeDate":"2024-03-01"}"#;
        let d = agree::<Deal>(full, "deal").unwrap();
        assert_eq!(d.status, Status::Won);
        assert_eq!(d.events.len(), 2);
        assert_eq!(d.attributes.len(), 2);
        assert_eq!(d.close_date.as_deref(), Some("2024-03-01"));
        assert_eq!(agree::<Deal>("{}", "deal").unwrap(), Deal::default());
        agree::<Deal>(r#"{"id":"a"}"#, "deal").unwrap();
        agree::<Deal>(r#"{"id":"a","status":"lost","events":[],"attributes":{}}"#, "deal").unwrap();
        // CRM exports carry extra fields, of any kind: ignored.
        let extra = r#"{"id":"a","Owner":{"x":[1,2]},"amount":"12","status":"open","events":[{"milestone":"m","note":"x","by":3}],"stage":null}"#;
        assert_eq!(agree::<Deal>(extra, "deal").unwrap().events[0].milestone, "m");
        // null optional fields are absent.
        let nulls = r#"{"id":"a","label":null,"seller":null,"value":null,"margin":null,"sellerProbability":null,"closeDate":null,"events":[{"milestone":"m","date":null}]}"#;
        assert_eq!(agree::<Deal>(nulls, "deal").unwrap().events[0].date, None);
        agree::<Event>(r#"{"milestone":"m","date":"2024-01-01","x":1}"#, "e").unwrap();
        for s in ["open", "won", "lost"] {
            agree::<Status>(&format!("\"{s}\""), "s").unwrap();
        }
        let many = agree::<Vec<Deal>>(&format!("[{full},{extra},{nulls},{{}}]"), "deals").unwrap();
        assert_eq!(many.len(), 4);
    }

    #[test]
    fn deal_from_val_errors_match_serde() {
        // The texts checked in value.rs for the serde path, by hand.
        let e = Vec::<Deal>::from_val(&json(r#"[{"id":"a"},{"id":"b","status":"maybe"}]"#), "deals").unwrap_err();
        assert_eq!(e.to_string(), "deals[1].status: unknown value \"maybe\", expected one of open, won, lost");
        let e = Vec::<Deal>::from_val(&json(r#"[{"id":"a","events":[{"milestone":"m"},{"date":"2024-01-01"}]}]"#), "deals").unwrap_err();
        assert_eq!(e.to_string(), "deals[0].events[1].milestone: is required");
        let e = Deal::from_val(&json(r#"{"id":"a","value":"ten"}"#), "deal").unwrap_err();
        assert_eq!(e.to_string(), "deal.value: expected a number, got a string");
        let e = Deal::from_val(&json(r#"{"id":3.5}"#), "deal").unwrap_err();
        assert_eq!(e.to_string(), "deal.id: expected a string, got a number");
        let e = Deal::from_val(&json(r#"[1]"#), "deal").unwrap_err();
        assert_eq!(e.to_string(), "deal: expected an object, got a list");
        let e = Deal::from_val(&json(r#"{"id":"a","attributes":{"x":1}}"#), "deal").unwrap_err();
        assert_eq!(e.to_string(), "deal.attributes.x: expected a string, got a number");
        // And many more, compared with serde's texts.
        for bad in [
            r#"[{"id":"a"},{"id":"b","status":"maybe"}]"#,
            r#"[{"id":"a","events":[{"milestone":"m"},{"date":"2024-01-01"}]}]"#,
            r#"[{"id":"a"},"b"]"#,
            r#"[null]"#,
            r#"{"id":"a"}"#,
            r#"[{"status":1}]"#,
            r#"[{"status":"Won"}]"#,
            r#"[{"events":{"milestone":"m"}}]"#,
            r#"[{"events":"m"}]"#,
            r#"[{"events":["m"]}]"#,
            r#"[{"events":[null]}]"#,
            r#"[{"events":[{"milestone":"m"},{"milestone":2}]}]"#,
            r#"[{"events":[{"milestone":"m","date":20240101}]}]"#,
            r#"[{"attributes":[]}]"#,
            r#"[{"attributes":"x"}]"#,
            r#"[{"attributes":{"a":"b","c":null}}]"#,
            r#"[{"attributes":{"a":true}}]"#,
            r#"[{"attributes":{"":1}}]"#,
            r#"[{"value":true}]"#,
            r#"[{"margin":[1]}]"#,
            r#"[{"sellerProbability":"0.5"}]"#,
            r#"[{"closeDate":20240101}]"#,
            r#"[{"label":{}}]"#,
            r#"[{"seller":1}]"#,
        ] {
            let v = json(bad);
            let by_hand = Vec::<Deal>::from_val(&v, "deals").unwrap_err();
            assert_eq!(by_hand, from_serde::<Vec<Deal>>(&v, "deals").unwrap_err(), "{bad}");
        }
        for bad in ["null", "1", "\"a\"", "[]"] {
            agree::<Deal>(bad, "deal").unwrap_err();
            agree::<Event>(bad, "e").unwrap_err();
        }
        agree::<Status>("\"maybe\"", "s").unwrap_err();
        agree::<Status>("null", "s").unwrap_err();
        // A known key given twice (no JS object has that, but a Value may).
        let twice = |k: &str, a: Value, b: Value| Value::Object(vec![("id".into(), "a".into()), (k.into(), a), (k.into(), b)]);
        for v in [
            twice("id", "b".into(), "c".into()),
            twice("value", 1.0.into(), Value::Null),
            twice("events", Value::Array(vec![]), Value::Array(vec![])),
        ] {
            assert_eq!(Deal::from_val(&v, "deal").unwrap_err(), from_serde::<Deal>(&v, "deal").unwrap_err());
        }
        let e = Value::Object(vec![("milestone".into(), "m".into()), ("milestone".into(), "n".into())]);
        assert_eq!(Event::from_val(&e, "e").unwrap_err().to_string(), "e.milestone: is given twice");
        assert_eq!(Event::from_val(&e, "e").unwrap_err(), from_serde::<Event>(&e, "e").unwrap_err());
    }

    #[test]
    fn deal_from_val_null_is_absent_and_nan_is_a_number() {
        // Deliberate difference from serde: null for a defaulted field is
        // absent (serde rejected it).
        let d = Deal::from_val(&json(r#"{"id":null,"status":null,"events":null,"attributes":null}"#), "deal").unwrap();
        assert_eq!(d, Deal::default());
        // A required field given as null is missing (serde: "expected a string, got null").
        let e = Vec::<Deal>::from_val(&json(r#"[{"events":[{"milestone":null}]}]"#), "deals").unwrap_err();
        assert_eq!(e.to_string(), "deals[0].events[0].milestone: is required");
        // NaN reaches Deal::check, which names it.
        let v = Value::Object(vec![("id".into(), "a".into()), ("value".into(), Value::Number(f64::NAN))]);
        let d = Deal::from_val(&v, "deal").unwrap();
        assert!(d.value.unwrap().is_nan());
        let p = Process::new(default_model()).unwrap();
        assert_eq!(d.check(&p, "deal").unwrap_err().to_string(), "deal.value: must be a finite number >= 0");
    }

    #[test]
    fn deal_to_val_writes_what_serde_wrote_and_reads_back() {
        let full = Deal::from_val(
            &json(
                r#"{"id":"a","label":"Big","seller":"Ann","value":1200.5,"margin":0,"status":"won",
                "events":[{"milestone":"need_confirmed","date":"2024-01-02"},{"milestone":"mobilizer_met"}],
                "attributes":{"segment":"public","region":"north"},"sellerProbability":0.7,"closeDate":"2024-03-01"}"#,
            ),
            "deal",
        )
        .unwrap();
        let lost = Deal { status: Status::Lost, ..deal(&[("need_confirmed", Some("2024-01-01"))]) };
        for d in [Deal::default(), deal(&[("need_confirmed", None)]), lost, full] {
            same_as_serde(&d);
            same_as_serde(&d.events);
            same_as_serde(&d.status);
            assert_eq!(Deal::from_val(&d.to_val(), "p").unwrap(), d);
            for e in &d.events {
                assert_eq!(&Event::from_val(&e.to_val(), "p").unwrap(), e);
            }
            assert_eq!(Status::from_val(&d.status.to_val(), "p").unwrap(), d.status);
        }
        let nan = Deal { value: Some(f64::NAN), ..Deal::default() };
        same_as_serde(&nan);
    }
}
