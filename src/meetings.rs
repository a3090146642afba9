//! Meetings: how many a margin budget needs, what one meeting is worth, and
//! which of a week's meetings are worth having (right customer, right people,
//! a prepared seller).
//!
//! Inputs are read from a [`Value`] (the tree the wasm layer builds from any
//! JS value) field by field with [`Obj`], naming the bad field and rejecting
//! unknown ones; results are built as `Value` and written back to JS by one
//! shared function. No serde code per type, and native tests drive exactly
//! what JS sends.

use crate::deal::{Deal, Event, Status};
use crate::error::{self, Error, Result};
use crate::model::Process;
use crate::order::order;
use crate::probability::score_deal;
use crate::value::{Obj, Value};

/// Most meetings `rankMeetings` accepts in one call.
pub const MAX_RANKED_MEETINGS: usize = 10_000;
/// Most planned meetings in one plan or scenario (meetingsPerWeek × weeks).
pub const MAX_PLANNED_MEETINGS: f64 = 100_000.0;
/// Most entries of the skills and pipeline lists.
pub const MAX_LIST: usize = 100_000;

/// Reads an object whose keys must all be in `known`: a typo is an error
/// naming the field, never silently ignored. A top-level argument (empty
/// `path`) is called `input` when it is not an object.
pub fn fields<'a>(v: &'a Value, path: &str, known: &[&str]) -> Result<Obj<'a>> {
    let o = Obj::new(v, path).map_err(|e| if path.is_empty() { e.within("input") } else { e })?;
    o.only(known)?;
    Ok(o)
}

/// Reads a list of at most `max` entries.
pub fn list<'a>(v: &'a Value, path: &str, max: usize, what: &str) -> Result<&'a [Value]> {
    let Value::Array(items) = v else {
        return Err(Error::new(path, "must be a list"));
    };
    error::at_most(path, items, max, what)?;
    Ok(items)
}

/// An optional text field of at most `MAX_TEXT_CHARS` characters.
pub fn text<'a>(o: &Obj<'a>, key: &str) -> Result<Option<&'a str>> {
    match o.opt_str(key)? {
        Some(s) => error::text("", s, crate::model::MAX_TEXT_CHARS).map(Some).map_err(|e| e.within(&o.at(key))),
        None => Ok(None),
    }
}

/// A text field that must be there.
pub fn req_text<'a>(o: &Obj<'a>, key: &str) -> Result<&'a str> {
    text(o, key)?.ok_or_else(|| Error::new(o.at(key), "is required"))
}

/// `unknown milestone "x"` (the id cut to 64 characters; no Debug formatting).
pub fn unknown_milestone(path: impl Into<String>, id: &str) -> Error {
    let shown: String = id.chars().take(64).collect();
    Error::new(path, format!("unknown milestone \"{shown}\""))
}

/// Puts the path of field `key` of `o` on a check's error (the path is
/// built only on error): `checked(&f, "winRate", error::probability("", x))`.
pub fn checked(o: &Obj<'_>, key: &str, r: Result<f64>) -> Result<f64> {
    r.map_err(|e| e.within(&o.at(key)))
}

/// Indices of `keys` from the largest key to the smallest; equal keys keep
/// their index order (the crate's one merge sort).
pub fn order_desc(keys: &[f64]) -> Vec<usize> {
    let key = |i: usize| keys.get(i).copied().unwrap_or(f64::NEG_INFINITY);
    order(keys.len(), &|a, b| key(a).total_cmp(&key(b)).is_gt())
}

/// The items of `v` in the order of `order` (a permutation of its indices).
pub fn take_in_order<T>(v: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = v.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots.get_mut(i).and_then(Option::take)).collect()
}

/// Smallest whole number of units of `size` whose total reaches `target`
/// (`ceil(target / size)`, guarded against rounding: 0.3 / 0.1 gives 3).
/// `None` when `size` is 0 and `target` is not.
pub fn units_needed(target: f64, size: f64) -> Option<f64> {
    if target <= 0.0 {
        return Some(0.0);
    }
    if size <= 0.0 {
        return None;
    }
    let k = (target / size).ceil();
    Some(if k >= 1.0 && (k - 1.0) * size >= target { k - 1.0 } else { k })
}

// ---------------------------------------------------------------- plan ----

/// `meetingPlan` input. Conversion fields come all three or not at all.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanInput {
    pub margin_budget: f64,
    pub meetings_per_week: f64,
    pub weeks: f64,
    /// (meetingToOpportunity, winRate, averageMargin)
    pub conversion: Option<(f64, f64, f64)>,
}

const PLAN_FIELDS: [&str; 6] = ["marginBudget", "meetingsPerWeek", "weeks", "meetingToOpportunity", "winRate", "averageMargin"];

/// Checks meetings per week and weeks, and returns the number of meetings.
pub fn meetings_of(path: &str, per_week: f64, weeks: f64) -> Result<f64> {
    error::positive(&error::join(path, "meetingsPerWeek"), per_week)?;
    error::positive(&error::join(path, "weeks"), weeks)?;
    let n = per_week * weeks;
    if !(n > 0.0 && n <= MAX_PLANNED_MEETINGS) {
        return Err(Error::new(
            error::join(path, "weeks"),
            format!("meetingsPerWeek × weeks must be more than 0 and at most {} meetings", MAX_PLANNED_MEETINGS as u64),
        ));
    }
    Ok(n)
}

impl PlanInput {
    pub fn from_val(v: &Value, path: &str) -> Result<PlanInput> {
        let f = fields(v, path, &PLAN_FIELDS)?;
        let margin_budget = checked(&f, "marginBudget", error::non_negative("", f.f64("marginBudget")?))?;
        let meetings_per_week = f.f64("meetingsPerWeek")?;
        let weeks = f.f64("weeks")?;
        meetings_of(path, meetings_per_week, weeks)?;
        let rates = [f.opt_f64("meetingToOpportunity")?, f.opt_f64("winRate")?, f.opt_f64("averageMargin")?];
        let conversion = match rates {
            [None, None, None] => None,
            [Some(a), Some(b), Some(m)] => Some((
                checked(&f, "meetingToOpportunity", error::probability("", a))?,
                checked(&f, "winRate", error::probability("", b))?,
                checked(&f, "averageMargin", error::non_negative("", m))?,
            )),
            _ => {
                let missing = PLAN_FIELDS.iter().skip(3).zip(rates).find(|(_, r)| r.is_none()).map_or("", |(k, _)| *k);
                return Err(Error::new(
                    f.at(missing),
                    "is required with the other conversion fields (meetingToOpportunity, winRate, averageMargin)",
                ));
            }
        };
        Ok(PlanInput { margin_budget, meetings_per_week, weeks, conversion })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MeetingPlan {
    pub meetings: f64,
    pub required_margin_per_meeting: f64,
    /// The rest is there only when the conversion fields were given.
    pub opportunities: Option<f64>,
    pub expected_wins: Option<f64>,
    pub expected_margin_per_meeting: Option<f64>,
    pub expected_margin: Option<f64>,
    /// Whole meetings needed for the expected margin to reach the budget
    /// (`None` when a meeting is expected to create nothing).
    pub meetings_needed: Option<f64>,
    pub meetings_needed_per_week: Option<f64>,
    /// Meetings to add to the plan (0 when the plan is enough).
    pub extra_meetings: Option<f64>,
    /// Budget minus expected margin: positive is a shortfall.
    pub gap: Option<f64>,
}

/// The plan: 5 meetings a week for 4 weeks is 20 meetings, and a budget of
/// 200,000 asks 10,000 of each.
pub fn meeting_plan(input: &PlanInput) -> MeetingPlan {
    let meetings = input.meetings_per_week * input.weeks;
    let required = input.margin_budget / meetings;
    let mut plan = MeetingPlan {
        meetings,
        required_margin_per_meeting: required,
        opportunities: None,
        expected_wins: None,
        expected_margin_per_meeting: None,
        expected_margin: None,
        meetings_needed: None,
        meetings_needed_per_week: None,
        extra_meetings: None,
        gap: None,
    };
    if let Some((to_opp, win, margin)) = input.conversion {
        let per_meeting = to_opp * win * margin;
        let expected = meetings * to_opp * win * margin;
        let needed = units_needed(input.margin_budget, per_meeting);
        plan.opportunities = Some(meetings * to_opp);
        plan.expected_wins = Some(meetings * to_opp * win);
        plan.expected_margin_per_meeting = Some(per_meeting);
        plan.expected_margin = Some(expected);
        plan.meetings_needed = needed;
        plan.meetings_needed_per_week = needed.map(|n| n / input.weeks);
        plan.extra_meetings = needed.map(|n| (n - meetings).max(0.0).ceil());
        plan.gap = Some(input.margin_budget - expected);
    }
    plan
}

impl MeetingPlan {
    pub fn to_val(&self) -> Value {
        Value::record(
            &["meetings", "requiredMarginPerMeeting", "opportunities", "expectedWins", "expectedMarginPerMeeting", "expectedMargin", "meetingsNeeded", "meetingsNeededPerWeek", "extraMeetings", "gap"],
            vec![
                self.meetings.into(),
                self.required_margin_per_meeting.into(),
                self.opportunities.into(),
                self.expected_wins.into(),
                self.expected_margin_per_meeting.into(),
                self.expected_margin.into(),
                self.meetings_needed.into(),
                self.meetings_needed_per_week.into(),
                self.extra_meetings.into(),
                self.gap.into(),
            ],
        )
    }
}

// --------------------------------------------------------------- value ----

/// What a meeting is compared with, and how margin is found for deals that
/// only carry a value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ValueOptions {
    pub margin_rate: Option<f64>,
    pub required_margin_per_meeting: Option<f64>,
}

const VALUE_FIELDS: [&str; 3] = ["marginRate", "requiredMarginPerMeeting", "plan"];

impl ValueOptions {
    fn read(f: &Obj<'_>) -> Result<ValueOptions> {
        let margin_rate = f.opt_f64("marginRate")?.map(|r| checked(f, "marginRate", error::probability("", r))).transpose()?;
        let mut required =
            f.opt_f64("requiredMarginPerMeeting")?.map(|r| checked(f, "requiredMarginPerMeeting", error::non_negative("", r))).transpose()?;
        if let Some(plan) = f.get("plan") {
            if required.is_some() {
                return Err(Error::new(f.at("plan"), "give either plan or requiredMarginPerMeeting, not both"));
            }
            let p = PlanInput::from_val(plan, &f.at("plan"))?;
            required = Some(meeting_plan(&p).required_margin_per_meeting);
        }
        Ok(ValueOptions { margin_rate, required_margin_per_meeting: required })
    }

    /// `options` of `meetingValue` (`null` is no options).
    pub fn from_val(v: &Value, path: &str) -> Result<ValueOptions> {
        if matches!(v, Value::Null) {
            return Ok(ValueOptions::default());
        }
        ValueOptions::read(&fields(v, path, &VALUE_FIELDS)?)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MeetingValue {
    pub probability_before: f64,
    /// Probability once the meeting reaches its milestone.
    pub probability_after: f64,
    /// The deal's margin: `margin`, else `value × marginRate`.
    pub margin: f64,
    /// (after − before) × margin; 0 for a won or lost deal.
    pub value: f64,
    pub already_reached: bool,
    pub required_margin_per_meeting: Option<f64>,
    /// value / required margin per meeting (when that is > 0).
    pub ratio: Option<f64>,
    /// value >= required margin per meeting.
    pub worth_it: Option<bool>,
}

const VALUE_KEYS: [&str; 8] =
    ["probabilityBefore", "probabilityAfter", "margin", "value", "alreadyReached", "requiredMarginPerMeeting", "ratio", "worthIt"];

impl MeetingValue {
    pub fn to_val(&self) -> Value {
        let mut values = Vec::with_capacity(VALUE_KEYS.len());
        self.values(&mut values);
        Value::record(&VALUE_KEYS, values)
    }

    /// The values for `VALUE_KEYS`, in that order.
    fn values(&self, out: &mut Vec<Value>) {
        out.extend([
            self.probability_before.into(),
            self.probability_after.into(),
            self.margin.into(),
            self.value.into(),
            self.already_reached.into(),
            self.required_margin_per_meeting.into(),
            self.ratio.into(),
            self.worth_it.into(),
        ]);
    }
}

/// The probability of `deal` with `milestone` completed now, scored by
/// `score_deal`. When every event is dated the new one takes the latest
/// date, so that it comes last in date order too. The event is pushed and
/// popped again (no copy of the deal).
fn score_with(process: &Process, deal: &mut Deal, path: &str, milestone: &str) -> Result<f64> {
    let date = if deal.events.iter().all(|e| e.date.is_some()) {
        deal.events.iter().filter_map(|e| e.date.as_deref()).map(|s| s.get(..10).unwrap_or(s)).max().map(str::to_string)
    } else {
        None
    };
    deal.events.push(Event { milestone: milestone.to_string(), date });
    let p = score_deal(process, deal, path).map(|s| s.probability);
    deal.events.pop();
    p
}

/// What a meeting that gets `deal` to `milestone` is worth: the rise in
/// win probability times the deal's margin, scored by the same function as
/// `scoreDeal` (so a calibrated model is used as such).
pub fn meeting_value(
    process: &Process,
    deal: &mut Deal,
    deal_path: &str,
    milestone: &str,
    milestone_path: &str,
    opts: &ValueOptions,
) -> Result<MeetingValue> {
    if process.find(milestone).is_none() {
        return Err(unknown_milestone(milestone_path, milestone));
    }
    let before = score_deal(process, deal, deal_path)?.probability;
    let already_reached = deal.events.iter().any(|e| e.milestone == milestone);
    // A closed deal's outcome is settled: no meeting changes it.
    let after = if already_reached || deal.status != Status::Open {
        before
    } else {
        score_with(process, deal, deal_path, milestone)?
    };
    let margin = match (deal.margin, deal.value, opts.margin_rate) {
        (Some(m), _, _) => m,
        (None, Some(v), Some(r)) => v * r,
        _ => {
            return Err(Error::new(
                error::join(deal_path, "margin"),
                "is required (or give the deal a value and options.marginRate)",
            ))
        }
    };
    let value = (after - before) * margin;
    let required = opts.required_margin_per_meeting;
    Ok(MeetingValue {
        probability_before: before,
        probability_after: after,
        margin,
        value,
        already_reached,
        required_margin_per_meeting: required,
        ratio: required.filter(|r| *r > 0.0).map(|r| value / r),
        worth_it: required.map(|r| value >= r),
    })
}

// ---------------------------------------------------------------- rank ----

/// One quality check: passed or not, and why, in a manager's words.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub ok: bool,
    pub reason: String,
}

impl Check {
    fn new(ok: bool, reason: String) -> Check {
        Check { ok, reason }
    }
    fn to_val(&self) -> Value {
        Value::record(
            &["ok", "reason"],
            vec![
                self.ok.into(),
                self.reason.as_str().into(),
            ],
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RankedMeeting {
    /// 1 for the most valuable.
    pub rank: usize,
    /// Position in the input list.
    pub index: usize,
    pub id: Option<String>,
    pub deal_id: String,
    pub target_milestone: Option<String>,
    /// Value of reaching the target (0 without a target).
    pub value: MeetingValue,
    pub right_customer: Check,
    pub right_people: Check,
    pub prepared: Check,
    /// Checks passed, 0 to 3.
    pub passed: u32,
}

const RANKED_KEYS: [&str; 15] = [
    "rank",
    "index",
    "id",
    "dealId",
    "targetMilestone",
    "probabilityBefore",
    "probabilityAfter",
    "margin",
    "value",
    "alreadyReached",
    "requiredMarginPerMeeting",
    "ratio",
    "worthIt",
    "checks",
    "passed",
];

impl RankedMeeting {
    pub fn to_val(&self) -> Value {
        let mut values = Vec::with_capacity(RANKED_KEYS.len());
        values.extend([
            self.rank.into(),
            self.index.into(),
            self.id.clone().into(),
            self.deal_id.as_str().into(),
            self.target_milestone.clone().into(),
        ]);
        self.value.values(&mut values);
        values.push(Value::record(
            &["rightCustomer", "rightPeople", "prepared"],
            vec![self.right_customer.to_val(), self.right_people.to_val(), self.prepared.to_val()],
        ));
        values.push(f64::from(self.passed).into());
        Value::record(&RANKED_KEYS, values)
    }
}

/// `rankMeetings` options.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RankOptions {
    pub value: ValueOptions,
    /// Ideal customer profile: attribute → value the deal must carry.
    pub ideal_customer: Vec<(String, String)>,
    /// Below this win probability a deal is not the right customer (default 0).
    pub min_probability: f64,
    /// Milestone meaning "the right people are already engaged"
    /// (default `mobilizer_met` when the model has it).
    pub people_milestone: Option<String>,
}

const RANK_FIELDS: [&str; 7] =
    ["marginRate", "requiredMarginPerMeeting", "plan", "deals", "idealCustomer", "minProbability", "peopleMilestone"];

impl RankOptions {
    /// `deals` is read by the caller (it is a list of deals); here it is
    /// only an allowed key.
    pub fn from_val(v: &Value, path: &str, process: &Process) -> Result<RankOptions> {
        let mut o = RankOptions::default();
        if matches!(v, Value::Null) {
            o.people_milestone = process.find("mobilizer_met").map(|_| "mobilizer_met".to_string());
            return Ok(o);
        }
        let f = fields(v, path, &RANK_FIELDS)?;
        o.value = ValueOptions::read(&f)?;
        if let Some(ideal) = f.get("idealCustomer") {
            let Value::Object(items) = ideal else {
                return Err(Error::new(f.at("idealCustomer"), "must be an object of attribute: value"));
            };
            error::at_most(&f.at("idealCustomer"), items, crate::deal::MAX_ATTRIBUTES, "attributes")?;
            for (k, val) in items {
                let p = error::join(&f.at("idealCustomer"), k);
                let Value::String(s) = val else {
                    return Err(Error::new(p, "must be a text"));
                };
                error::text(&p, k, crate::model::MAX_TEXT_CHARS)?;
                error::text(&p, s, crate::model::MAX_TEXT_CHARS)?;
                o.ideal_customer.push((k.clone(), s.clone()));
            }
        }
        if let Some(p) = f.opt_f64("minProbability")? {
            o.min_probability = checked(&f, "minProbability", error::probability("", p))?;
        }
        o.people_milestone = match text(&f, "peopleMilestone")? {
            Some(m) if process.find(m).is_none() => return Err(unknown_milestone(f.at("peopleMilestone"), m)),
            Some(m) => Some(m.to_string()),
            None => process.find("mobilizer_met").map(|_| "mobilizer_met".to_string()),
        };
        Ok(o)
    }
}

/// Roles that count as the right people: decision makers and mobilizers.
fn key_role(role: &str) -> Option<&'static str> {
    let r: String = role.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
    match r.as_str() {
        "decisionmaker" | "economicbuyer" => Some("decision maker"),
        "mobilizer" | "mobiliser" => Some("mobilizer"),
        _ => None,
    }
}

const MEETING_FIELDS: [&str; 7] = ["id", "dealId", "deal", "targetMilestone", "attendees", "prepared", "label"];

/// Ranks a week's meetings by value (ties keep input order), each with three
/// quality checks. `inline[i]` is the `deal` given inside meeting `i`, read
/// by the caller; `deals` are `options.deals`, looked up by `dealId`.
pub fn rank_meetings(
    process: &Process,
    meetings: &Value,
    inline: &mut [Option<Deal>],
    deals: &mut [Deal],
    opts: &RankOptions,
) -> Result<Vec<RankedMeeting>> {
    let items = list(meetings, "meetings", MAX_RANKED_MEETINGS, "meetings")?;
    // Deal indices sorted by id (stable: the first deal with an id comes
    // first), searched by halving.
    let by_id = {
        let id_of = |k: usize| deals.get(k).map_or("", |d| d.id.as_str());
        order(deals.len(), &|a, b| id_of(a) < id_of(b))
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, m) in items.iter().enumerate() {
        let path = error::index("meetings", i);
        let f = fields(m, &path, &MEETING_FIELDS)?;
        text(&f, "label")?;
        let id = text(&f, "id")?.map(str::to_string);
        let (deal, deal_path) = match (text(&f, "dealId")?, inline.get_mut(i).and_then(Option::as_mut)) {
            (Some(_), Some(_)) => return Err(Error::new(f.at("dealId"), "give either dealId or deal, not both")),
            (None, Some(d)) => (d, f.at("deal")),
            (Some(id), None) => match find_deal(deals, &by_id, id) {
                Some(k) => {
                    (deals.get_mut(k).ok_or_else(|| Error::new(f.at("dealId"), "no such deal"))?, error::index("options.deals", k))
                }
                None => {
                    return Err(Error::new(f.at("dealId"), format!("no deal with id \"{id}\" in options.deals")));
                }
            },
            (None, None) => return Err(Error::new(f.at("dealId"), "is required (or give the deal itself as deal)")),
        };
        let target = text(&f, "targetMilestone")?;
        let mut roles = Vec::new();
        if let Some(a) = f.get("attendees") {
            let ap = f.at("attendees");
            for (k, att) in list(a, &ap, 1000, "attendees")?.iter().enumerate() {
                let p = error::index(&ap, k);
                let af = fields(att, &p, &["role", "name"])?;
                text(&af, "name")?;
                let role = req_text(&af, "role")?;
                roles.push(role);
            }
        }
        let explicit_prepared = f.opt_bool("prepared")?;
        let value = match target {
            Some(t) => meeting_value(process, deal, &deal_path, t, &f.at("targetMilestone"), &opts.value)?,
            None => {
                let p = score_deal(process, deal, &deal_path)?.probability;
                MeetingValue {
                    probability_before: p,
                    probability_after: p,
                    margin: deal.margin.or_else(|| deal.value.zip(opts.value.margin_rate).map(|(v, r)| v * r)).unwrap_or(0.0),
                    value: 0.0,
                    already_reached: false,
                    required_margin_per_meeting: opts.value.required_margin_per_meeting,
                    ratio: opts.value.required_margin_per_meeting.filter(|r| *r > 0.0).map(|_| 0.0),
                    worth_it: opts.value.required_margin_per_meeting.map(|r| r <= 0.0),
                }
            }
        };
        let right_customer = customer_check(deal, value.probability_before, opts);
        let right_people = people_check(process, deal, &roles, opts);
        let prepared = prepared_check(process, target, value.already_reached, explicit_prepared);
        let passed = u32::from(right_customer.ok) + u32::from(right_people.ok) + u32::from(prepared.ok);
        out.push(RankedMeeting {
            rank: 0,
            index: i,
            id,
            deal_id: deal.id.clone(),
            target_milestone: target.map(str::to_string),
            value,
            right_customer,
            right_people,
            prepared,
            passed,
        });
    }
    // Stable: equal values keep their input order.
    let order = order_desc(&out.iter().map(|m| m.value.value).collect::<Vec<_>>());
    let mut ranked = take_in_order(out, &order);
    for (r, m) in ranked.iter_mut().enumerate() {
        m.rank = r + 1;
    }
    Ok(ranked)
}

/// `“label”` in typographic quotes.
fn quoted(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 6);
    q.push('\u{201c}');
    q.push_str(s);
    q.push('\u{201d}');
    q
}

/// The first deal with id `id`, given the deal indices sorted by id.
fn find_deal(deals: &[Deal], by_id: &[usize], id: &str) -> Option<usize> {
    let id_of = |k: usize| deals.get(k).map_or("", |d| d.id.as_str());
    let at = by_id.partition_point(|&k| id_of(k) < id);
    by_id.get(at).copied().filter(|&k| id_of(k) == id)
}

fn customer_check(deal: &Deal, probability: f64, opts: &RankOptions) -> Check {
    match deal.status {
        Status::Won => return Check::new(false, "The deal is already won: the meeting cannot raise its chances.".into()),
        Status::Lost => return Check::new(false, "The deal is lost: the meeting cannot raise its chances.".into()),
        Status::Open => {}
    }
    for (k, want) in &opts.ideal_customer {
        match deal.attributes.get(k) {
            Some(v) if v.eq_ignore_ascii_case(want) => {}
            Some(v) => {
                return Check::new(
                    false,
                    format!("Not the ideal customer: {k} is {}, the profile asks for {}.", quoted(v), quoted(want)),
                )
            }
            None => {
                return Check::new(false, format!("Fit unknown: the deal has no {k}, which the ideal customer profile asks for."))
            }
        }
    }
    if probability < opts.min_probability {
        return Check::new(false, "The deal's win probability is below the minimum set for meetings.".into());
    }
    if opts.ideal_customer.is_empty() {
        Check::new(true, "Open deal. No ideal customer profile was given, so fit was not checked.".into())
    } else {
        Check::new(true, "Open deal that matches the ideal customer profile.".into())
    }
}

fn people_check(process: &Process, deal: &Deal, roles: &[&str], opts: &RankOptions) -> Check {
    if let Some(who) = roles.iter().find_map(|r| key_role(r)) {
        return Check::new(true, format!("A {who} attends: the people who move the deal are in the room."));
    }
    if let Some(m) = &opts.people_milestone {
        if deal.events.iter().any(|e| &e.milestone == m) {
            let label = process.find(m).map_or(m.as_str(), |i| process.label(i));
            return Check::new(true, format!("No decision maker or mobilizer attends, but {} is already reached, so they are engaged.", quoted(label)));
        }
    }
    Check::new(false, "No decision maker or mobilizer attends, and none is engaged yet: the meeting may not move the deal.".into())
}

fn prepared_check(process: &Process, target: Option<&str>, already: bool, explicit: Option<bool>) -> Check {
    let Some(t) = target else {
        return Check::new(false, "No target milestone: nobody has said what the customer should confirm in this meeting.".into());
    };
    let label = quoted(process.find(t).map_or(t, |i| process.label(i)));
    if already {
        Check::new(false, format!("The target {label} is already reached: the meeting aims at nothing new."))
    } else if explicit == Some(false) {
        Check::new(false, format!("The target is {label}, but the seller marked the meeting as not prepared."))
    } else {
        Check::new(true, format!("Prepared: the meeting aims at {label}."))
    }
}
