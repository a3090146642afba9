//! Time to close, learned from history: for every state a deal passed
//! through, the days from reaching it to the close (won or lost), as a
//! Kaplan-Meier survival curve; deals still open count as censored at the
//! learning date. Curves exist at three levels, most specific first: the
//! exact state (set of milestones), the furthest mandatory milestone, all
//! deals. A forecast backs off to the next level when a curve has too few
//! closes or has not seen deals as old as the one at hand.
//!
//! The same observations give each state's dwell time (days until the next
//! milestone or the close), which tells which open deals are stale.

use serde::{Deserialize, Serialize};
use crate::deal::{parse_date, Deal, DealState, Status};
use crate::error::{self, Error, Result};
use crate::bitset::{bit, members};
use crate::model::Process;

use super::sort_pairs;

/// Fewest closes a curve needs before a forecast uses it.
pub const MIN_CLOSES: u32 = 20;

/// A learned survival curve. `open[i]` is the share of deals still open
/// `days[i]` days after reaching the state (a step function, 1 before the
/// first step).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Curve {
    /// `"state"`, `"milestone"` (furthest mandatory milestone) or `"all"`.
    pub level: String,
    /// The state's milestones; the furthest mandatory milestone; or none.
    pub milestones: Vec<String>,
    /// Deals observed in this state, and how many of them closed.
    pub deals: u32,
    pub closes: u32,
    /// Longest time observed in this state, closed or not.
    pub max_days: u32,
    pub days: Vec<u32>,
    pub open: Vec<f64>,
    /// Days by which 90% of deals had left the state (next milestone or
    /// close), when history shows it.
    pub dwell_p90: Option<u32>,
}

/// What `learnTiming` returns and `forecast` takes as `options.timing`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// Open deals of the history were censored at this date.
    pub as_of: Option<String>,
    pub curves: Vec<Curve>,
}


impl Curve {
    /// Share still open after `t` days.
    pub fn survival(&self, t: u32) -> f64 {
        let k = self.days.partition_point(|&d| d <= t);
        match k.checked_sub(1) {
            Some(i) => self.open.get(i).copied().unwrap_or(1.0),
            None => 1.0,
        }
    }

    /// P(close within `horizon` days | still open `age` days after reaching
    /// the state); `None` when the curve cannot say: no close was ever seen
    /// later than `age` days in this state.
    pub fn close_within(&self, age: u32, horizon: u32) -> Option<f64> {
        if self.days.last().map_or(true, |&last| age >= last) {
            return None;
        }
        let s0 = self.survival(age);
        if s0 <= 1e-12 {
            return None;
        }
        Some((1.0 - self.survival(age.saturating_add(horizon)) / s0).clamp(0.0, 1.0))
    }
}

/// Kaplan-Meier: (duration, closed?) observations to (event days, survival).
pub fn kaplan_meier(obs: &mut [(u32, bool)]) -> (Vec<u32>, Vec<f64>) {
    let mut keys: Vec<(u64, u64)> = obs.iter().map(|o| (u64::from(o.0), u64::from(o.1))).collect();
    super::sort_pairs(&mut keys);
    for (o, k) in obs.iter_mut().zip(keys) {
        *o = (k.0 as u32, k.1 == 1);
    }
    let mut at_risk = obs.len() as f64;
    let mut s = 1.0;
    let (mut days, mut open) = (Vec::new(), Vec::new());
    let mut rest = &obs[..];
    while let Some(&(t, _)) = rest.first() {
        let same = rest.partition_point(|o| o.0 == t);
        let (now, later) = rest.split_at(same);
        let events = now.iter().filter(|o| o.1).count() as f64;
        if events > 0.0 && at_risk > 0.0 {
            s *= 1.0 - events / at_risk;
            days.push(t);
            open.push(s);
        }
        at_risk -= now.len() as f64;
        rest = later;
    }
    (days, open)
}

/// The day a deal reached each state it passed through, with the state.
fn dated_states(st: &DealState) -> Vec<(u64, i32)> {
    let mut reached = 0u64;
    let mut out = Vec::new();
    for (&i, &day) in st.sequence.iter().zip(&st.days) {
        reached |= bit(i);
        if let Some(d) = day {
            out.push((reached, d));
        }
    }
    out
}

/// Furthest mandatory milestone of a state.
pub fn furthest_mandatory(process: &Process, reached: u64) -> Option<usize> {
    members(reached & process.mandatory_set()).last()
}

/// Days observed, and whether the spell ended (else censored).
type Spell = (u32, bool);

#[derive(Default)]
struct Obs {
    close: Vec<(u32, bool)>,
    dwell: Vec<(u32, bool)>,
}

/// Learns timing from deals: closed ones (with `closeDate`) give closes,
/// open ones are censored at `as_of` (skipped without it).
/// Errors name a deal by its place in `history` (`[3].closeDate`).
pub fn learn(process: &Process, history: &[Deal], as_of: Option<i32>) -> Result<Timing> {
    learn_from(process, &[(history, "")], as_of)
}

/// `learn` over several lists of deals, each with its path.
pub fn learn_from(process: &Process, lists: &[(&[Deal], &str)], as_of: Option<i32>) -> Result<Timing> {
    // (state, observation index), grouped by sorting.
    let mut keys: Vec<(u64, u64)> = Vec::new();
    let mut rows: Vec<(Spell, Option<Spell>)> = Vec::new();
    for (k, d, path) in lists.iter().flat_map(|&(l, path)| l.iter().enumerate().map(move |(k, d)| (k, d, path))) {
        let at = error::index(path, k);
        let st = d.check(process).map_err(|e| e.within(&at))?;
        let close = match (&d.close_date, d.status) {
            (Some(c), Status::Won | Status::Lost) => Some(parse_date(&error::join(&at, "closeDate"), c)?),
            (None, Status::Won | Status::Lost) => continue,
            _ => None,
        };
        let end = match close.or(as_of) {
            Some(e) => e,
            None => continue,
        };
        let states = dated_states(&st);
        for (j, &(reached, day)) in states.iter().enumerate() {
            let Ok(to_end) = u32::try_from(end - day) else { continue };
            let next = states.get(j + 1).map(|n| n.1);
            let dwell = match next {
                Some(n) => u32::try_from(n - day).ok().map(|t| (t, true)),
                None => Some((to_end, close.is_some())),
            };
            keys.push((reached, rows.len() as u64));
            rows.push(((to_end, close.is_some()), dwell));
        }
    }
    let gather = |keys: &[(u64, u64)]| {
        let mut o = Obs::default();
        for &(_, i) in keys {
            if let Some((c, d)) = rows.get(i as usize) {
                o.close.push(*c);
                o.dwell.extend(*d);
            }
        }
        o
    };
    let mut curves = Vec::new();
    sort_pairs(&mut keys);
    for g in keys.chunk_by(|a, b| a.0 == b.0) {
        let reached = g.first().map_or(0, |k| k.0);
        curves.push(curve("state", process.ids(reached), gather(g)));
    }
    let mut by_milestone: Vec<(u64, u64)> = keys
        .iter()
        .filter_map(|&(reached, i)| furthest_mandatory(process, reached).map(|m| (m as u64, i)))
        .collect();
    sort_pairs(&mut by_milestone);
    for g in by_milestone.chunk_by(|a, b| a.0 == b.0) {
        let m = g.first().map_or(0, |k| k.0 as usize);
        curves.push(curve("milestone", vec![process.id(m).to_string()], gather(g)));
    }
    curves.push(curve("all", Vec::new(), gather(&keys)));
    Ok(Timing { as_of: as_of.map(crate::deal::civil_from_days), curves })
}

fn curve(level: &str, milestones: Vec<String>, mut o: Obs) -> Curve {
    let (days, open) = kaplan_meier(&mut o.close);
    let (dd, dopen) = kaplan_meier(&mut o.dwell);
    let dwell_p90 = dd.iter().zip(&dopen).find(|(_, &s)| s <= 0.1).map(|(&d, _)| d);
    Curve {
        level: level.to_string(),
        milestones,
        deals: o.close.len() as u32,
        closes: o.close.iter().filter(|c| c.1).count() as u32,
        max_days: o.close.iter().map(|c| c.0).max().unwrap_or(0),
        days,
        open,
        dwell_p90,
    }
}

/// A timing model checked against a process, with curves found by key.
pub struct Lookup<'a> {
    /// Sorted by state.
    state: Vec<(u64, &'a Curve)>,
    /// By milestone index.
    milestone: Vec<Option<&'a Curve>>,
    all: Option<&'a Curve>,
}

impl<'a> Lookup<'a> {
    /// Errors name fields relative to the timing (`curves[2].open`).
    pub fn new(process: &Process, timing: &'a Timing) -> Result<Lookup<'a>> {
        let mut l = Lookup { state: Vec::new(), milestone: vec![None; process.len()], all: None };
        for (k, c) in timing.curves.iter().enumerate() {
            let at = error::index("curves", k);
            if c.days.len() != c.open.len() || c.open.iter().any(|s| !(0.0..=1.0).contains(s)) {
                return Err(Error::new(error::join(&at, "open"), "must hold one share in [0, 1] per entry of days"));
            }
            let mut set = 0u64;
            for (j, id) in c.milestones.iter().enumerate() {
                let Some(i) = process.find(id) else {
                    return Err(error::unknown_milestone(format!("{at}.milestones[{j}]"), id));
                };
                set |= bit(i);
            }
            match c.level.as_str() {
                "state" => match l.state.last() {
                    Some(last) if last.0 >= set => {
                        return Err(Error::new(format!("{at}.milestones"), "states must be distinct and in the order learnTiming gives"))
                    }
                    _ => l.state.push((set, c)),
                },
                "milestone" => {
                    if let Some(slot) = members(set).next().and_then(|m| l.milestone.get_mut(m)) {
                        *slot = Some(c);
                    }
                }
                "all" => l.all = Some(c),
                level => {
                    let code = error::ErrorCode::UnknownValue { value: level.chars().take(40).collect(), expected: ["state", "milestone", "all"].map(String::from).to_vec() };
                    return Err(Error::coded(format!("{at}.level"), code, "must be \"state\", \"milestone\" or \"all\""));
                }
            }
        }
        Ok(l)
    }

    /// Curves to try for a state, most specific first.
    pub fn chain(&self, process: &Process, reached: u64) -> Vec<&'a Curve> {
        let mut v = Vec::with_capacity(3);
        let i = self.state.partition_point(|s| s.0 < reached);
        if let Some(&(s, c)) = self.state.get(i) {
            if s == reached {
                v.push(c);
            }
        }
        if let Some(c) = furthest_mandatory(process, reached).and_then(|m| self.milestone.get(m).copied().flatten()) {
            v.push(c);
        }
        if let Some(c) = self.all {
            v.push(c);
        }
        v
    }

    /// P(close within `horizon` days) for a deal in state `reached` for
    /// `age` days (unknown age: counted from reaching it). The flag is true
    /// when no curve saw a close that late: then the all-deals curve is read
    /// at the oldest age it knows (its last close minus one day).
    pub fn close_within(&self, process: &Process, reached: u64, age: Option<u32>, horizon: u32) -> (f64, bool) {
        let chain = self.chain(process, reached);
        let a = age.unwrap_or(0);
        for c in &chain {
            if c.closes >= MIN_CLOSES {
                if let Some(p) = c.close_within(a, horizon) {
                    return (p, false);
                }
            }
        }
        match self.all {
            Some(c) => {
                let oldest = c.days.last().map_or(0, |d| d.saturating_sub(1)).min(a);
                (c.close_within(oldest, horizon).unwrap_or(0.0), true)
            }
            None => (1.0, true),
        }
    }

    /// The dwell time to compare a deal's time in state with.
    pub fn dwell_p90(&self, process: &Process, reached: u64) -> Option<u32> {
        self.chain(process, reached).iter().filter(|c| c.closes >= MIN_CLOSES).find_map(|c| c.dwell_p90)
    }
}

/// Day the deal reached its current state (its latest dated milestone).
pub fn state_day(st: &DealState) -> Option<i32> {
    st.days.iter().flatten().max().copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::tests::{hand_error, same_read};
    use super::*;
    use crate::testing::{camel_json, read};

    #[test]
    fn kaplan_meier_handles_censoring() {
        // 4 deals: closes at 1 and 3, censored at 2 and 4.
        let (d, s) = kaplan_meier(&mut [(1, true), (2, false), (3, true), (4, false)]);
        assert_eq!(d, vec![1, 3]);
        assert!((s[0] - 0.75).abs() < 1e-12);
        assert!((s[1] - 0.375).abs() < 1e-12);
        let c = Curve { days: d, open: s, max_days: 4, closes: 2, ..Curve::default() };
        assert_eq!(c.survival(0), 1.0);
        assert!((c.close_within(1, 2).unwrap() - 0.5).abs() < 1e-12);
        assert!(c.close_within(3, 1).is_none());
    }

    /// Learns from a small dated history: closed deals, and open ones
    /// censored at `as_of` (when given).
    fn learned(as_of: Option<&str>) -> Timing {
        let p = Process::new(crate::default_model()).unwrap();
        let text = r#"[
            {"id": "a", "status": "won", "closeDate": "2024-01-20", "events": [
                {"milestone": "need_confirmed", "date": "2024-01-02"}, {"milestone": "mobilizer_met", "date": "2024-01-09"}]},
            {"id": "b", "status": "lost", "closeDate": "2024-01-15", "events": [{"milestone": "need_confirmed", "date": "2024-01-05"}]},
            {"id": "c", "status": "won", "closeDate": "2024-02-01", "events": [{"milestone": "need_confirmed", "date": "2024-01-03"}]},
            {"id": "d", "events": [{"milestone": "need_confirmed", "date": "2024-01-25"}]},
            {"id": "f", "events": [{"milestone": "budget_confirmed", "date": "2024-01-28"}]},
            {"id": "e", "status": "lost", "events": [{"milestone": "need_confirmed", "date": "2024-01-25"}]}
        ]"#;
        let history: Vec<Deal> = read(text, "history").unwrap();
        let as_of = as_of.map(|d| parse_date("asOf", d).unwrap());
        learn(&p, &history, as_of).unwrap()
    }

    #[test]
    fn timing_writes_json_and_reads_back() {
        for as_of in [None, Some("2024-02-10")] {
            let t = learned(as_of);
            assert_eq!(t.as_of.is_some(), as_of.is_some());
            assert!(t.curves.len() >= 3);
            camel_json(&t);
            for c in &t.curves {
                camel_json(c);
            }
            // What learnTiming gives comes back as options.timing.
            assert_eq!(read::<Timing>(&serde_json::to_string(&t).unwrap(), "p").unwrap(), t);
        }
        let t = learned(Some("2024-02-10"));
        assert!(t.curves.iter().any(|c| c.dwell_p90.is_some()) && t.curves.iter().any(|c| c.dwell_p90.is_none()));
        camel_json(&Timing::default());
        camel_json(&Curve::default());
    }

    #[test]
    fn timing_reads_and_errors_name_the_field() {
        let curve = r#"{"level": "state", "milestones": ["need_confirmed"], "deals": 4, "closes": 3, "maxDays": 30,
            "days": [10, 20], "open": [0.5, 0.25]"#;
        let ok = [
            r#"{"curves": []}"#.to_string(),
            format!(r#"{{"asOf": "2024-01-01", "curves": [{curve}, "dwellP90": 12}}], "more": 1}}"#),
            format!(r#"{{"asOf": null, "curves": [{curve}, "dwellP90": null, "x": {{}}}}]}}"#),
        ];
        for text in &ok {
            assert_eq!(same_read::<Timing>(text), None, "{text}");
        }
        let errors = [
            (r#"{}"#.to_string(), "p.curves: "),
            (r#"[]"#.to_string(), "p: "),
            (r#"{"asOf": 1, "curves": []}"#.to_string(), "p.asOf: "),
            (r#"{"curves": {}}"#.to_string(), "p.curves: "),
            (r#"{"curves": [{"level": "all"}]}"#.to_string(), "p.curves[0].milestones: "),
            (format!(r#"{{"curves": [{curve}}}, {{"level": 3}}]}}"#), "p.curves[1].level: "),
            (format!(r#"{{"curves": [{curve}, "dwellP90": -1}}]}}"#), "p.curves[0].dwellP90: "),
            (format!(r#"{{"curves": [{curve}, "deals": 1.5}}]}}"#), "p.curves[0]: duplicate field `deals`"),
            (r#"{"curves": [{"level": "all", "milestones": [1]}]}"#.to_string(), "p.curves[0].milestones[0]: "),
            (
                r#"{"curves": [{"level": "all", "milestones": [], "deals": 1, "closes": 1, "maxDays": 1, "days": [1], "open": ["x"]}]}"#.to_string(),
                "p.curves[0].open[0]: ",
            ),
        ];
        for (text, want) in &errors {
            let e = same_read::<Timing>(text).unwrap();
            assert!(e.starts_with(want), "{text}: {e}");
        }
        // A required field given as null is an error naming it.
        assert!(hand_error::<Timing>(r#"{"curves": null}"#).starts_with("p.curves: "));
    }
}
