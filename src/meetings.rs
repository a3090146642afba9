//! Meetings: how many a margin budget needs, what one meeting is worth, and
//! which of a week's meetings are worth having (right customer, right people,
//! a prepared seller).
//!
//! Inputs are serde structs (read by the boundary, serde-wasm-bindgen in the
//! wasm, serde_json natively), checked by their `validate` with errors whose
//! paths are relative to the input; callers put the outer path in front with
//! [`Error::within`]. Unknown keys are ignored, as for [`Deal`]. Results are
//! serde structs too, and the checks' reasons are codes with parameters,
//! worded by the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deal::{Deal, Event, Status};
use crate::error::{self, Error, Result};
use crate::model::{Process, MAX_TEXT_CHARS};
use crate::scorer::Scorer;
use crate::order::order;
use crate::probability::score_deal;

/// Most meetings `rankMeetings` accepts in one call.
pub const MAX_RANKED_MEETINGS: usize = 10_000;
/// Most planned meetings in one plan or scenario (meetingsPerWeek × weeks).
pub const MAX_PLANNED_MEETINGS: f64 = 100_000.0;
/// Most entries of the skills and pipeline lists.
pub const MAX_LIST: usize = 100_000;
/// Most attendees of one meeting.
pub const MAX_ATTENDEES: usize = 1000;

/// Checks the length of text field `key` (at most `MAX_TEXT_CHARS`).
pub fn check_text(key: &str, s: &str) -> Result<()> {
    error::text(key, s, MAX_TEXT_CHARS).map(|_| ())
}

/// Checks an optional text field.
pub fn check_opt_text(key: &str, s: Option<&str>) -> Result<()> {
    s.map_or(Ok(()), |s| check_text(key, s))
}

/// `unknown milestone "x"` (the id cut to 64 characters; no Debug
/// formatting), with an empty path: the caller says where.
pub fn unknown_milestone(id: &str) -> Error {
    let shown: String = id.chars().take(64).collect();
    error::unknown_milestone("", &shown)
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

/// `meetingPlan` input. The conversion fields come all three or not at all.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    pub margin_budget: f64,
    pub meetings_per_week: f64,
    pub weeks: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_to_opportunity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_margin: Option<f64>,
}

/// Checks meetings per week and weeks, and returns the number of meetings
/// (paths relative to the object holding both fields).
pub fn meetings_of(per_week: f64, weeks: f64) -> Result<f64> {
    error::positive("meetingsPerWeek", per_week)?;
    error::positive("weeks", weeks)?;
    let n = per_week * weeks;
    if !(n > 0.0 && n <= MAX_PLANNED_MEETINGS) {
        return Err(Error::coded(
            "weeks",
            error::ErrorCode::Range { min: 0.0, max: (MAX_PLANNED_MEETINGS / per_week).floor() },
            format!("meetingsPerWeek × weeks must be more than 0 and at most {} meetings", MAX_PLANNED_MEETINGS as u64),
        ));
    }
    Ok(n)
}

const CONVERSION_FIELDS: [&str; 3] = ["meetingToOpportunity", "winRate", "averageMargin"];

impl PlanInput {
    /// Checks every field; paths are relative to the plan.
    pub fn validate(&self) -> Result<()> {
        error::non_negative("marginBudget", self.margin_budget)?;
        meetings_of(self.meetings_per_week, self.weeks)?;
        let rates = [self.meeting_to_opportunity, self.win_rate, self.average_margin];
        match rates {
            [None, None, None] => Ok(()),
            [Some(a), Some(b), Some(m)] => {
                error::probability("meetingToOpportunity", a)?;
                error::probability("winRate", b)?;
                error::non_negative("averageMargin", m)?;
                Ok(())
            }
            _ => {
                let missing = CONVERSION_FIELDS.iter().zip(rates).find(|(_, r)| r.is_none()).map_or("", |(k, _)| *k);
                Err(Error::coded(
                    missing,
                    error::ErrorCode::Required,
                    "is required with the other conversion fields (meetingToOpportunity, winRate, averageMargin)",
                ))
            }
        }
    }

    /// (meetingToOpportunity, winRate, averageMargin) when all three are given.
    pub fn conversion(&self) -> Option<(f64, f64, f64)> {
        Some((self.meeting_to_opportunity?, self.win_rate?, self.average_margin?))
    }
}

/// `meetingPlan` result.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MeetingPlan {
    pub meetings: f64,
    pub required_margin_per_meeting: f64,
    /// The rest is there only when the conversion fields were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opportunities: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_wins: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_margin_per_meeting: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_margin: Option<f64>,
    /// Whole meetings needed for the expected margin to reach the budget
    /// (`None` when a meeting is expected to create nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meetings_needed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meetings_needed_per_week: Option<f64>,
    /// Meetings to add to the plan (0 when the plan is enough).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_meetings: Option<f64>,
    /// Budget minus expected margin: positive is a shortfall.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
}

/// The plan: 5 meetings a week for 4 weeks is 20 meetings, and a budget of
/// 200,000 asks 10,000 of each. Validates `input` first.
pub fn meeting_plan(input: &PlanInput) -> Result<MeetingPlan> {
    input.validate()?;
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
    if let Some((to_opp, win, margin)) = input.conversion() {
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
    Ok(plan)
}

// --------------------------------------------------------------- value ----

/// `meetingValue` options: what a meeting is compared with (a required
/// margin per meeting, or a plan that gives one), and how margin is found
/// for deals that only carry a value.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct ValueOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_margin_per_meeting: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanInput>,
}

impl ValueOptions {
    /// Checks every field; paths are relative to the options.
    pub fn validate(&self) -> Result<()> {
        if let Some(r) = self.margin_rate {
            error::probability("marginRate", r)?;
        }
        if let Some(r) = self.required_margin_per_meeting {
            error::non_negative("requiredMarginPerMeeting", r)?;
        }
        if let Some(plan) = &self.plan {
            if self.required_margin_per_meeting.is_some() {
                return Err(Error::coded("plan", error::ErrorCode::Either { other: "requiredMarginPerMeeting" }, "give either plan or requiredMarginPerMeeting, not both"));
            }
            plan.validate().map_err(|e| e.within("plan"))?;
        }
        Ok(())
    }

    /// The margin a meeting should bring: `requiredMarginPerMeeting`, else
    /// the plan's.
    pub fn required(&self) -> Option<f64> {
        self.required_margin_per_meeting
            .or_else(|| self.plan.as_ref().and_then(|p| meeting_plan(p).ok()).map(|p| p.required_margin_per_meeting))
    }
}

/// `meetingValue` result.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MeetingValue {
    pub probability_before: f64,
    /// Probability once the meeting reaches its milestone.
    pub probability_after: f64,
    /// The deal's margin: `margin`, else `value × marginRate`.
    pub margin: f64,
    /// (after − before) × margin; 0 for a won or lost deal.
    pub value: f64,
    pub already_reached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_margin_per_meeting: Option<f64>,
    /// value / required margin per meeting (when that is > 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// value >= required margin per meeting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worth_it: Option<bool>,
}

/// The probability of `deal` with `milestone` completed now, scored by
/// `score_deal`. When every event is dated the new one takes the latest
/// date, so that it comes last in date order too. The event is pushed and
/// popped again (no copy of the deal). Errors are relative to the deal.
fn score_with(process: &Scorer, deal: &mut Deal, milestone: &str) -> Result<f64> {
    let date = if deal.events.iter().all(|e| e.date.is_some()) {
        deal.events.iter().filter_map(|e| e.date.as_deref()).map(|s| s.get(..10).unwrap_or(s)).max().map(str::to_string)
    } else {
        None
    };
    deal.events.push(Event { milestone: milestone.to_string(), date });
    let p = score_deal(process, deal).map(|s| s.probability);
    deal.events.pop();
    p
}

/// The value of a meeting on `deal` once it is scored at `before` (errors
/// relative to the deal; `milestone` is known to the model).
fn value_of(process: &Scorer, deal: &mut Deal, before: f64, milestone: &str, opts: &ValueOptions, required: Option<f64>) -> Result<MeetingValue> {
    let already_reached = deal.events.iter().any(|e| e.milestone == milestone);
    // A closed deal's outcome is settled: no meeting changes it.
    let after = if already_reached || deal.status != Status::Open { before } else { score_with(process, deal, milestone)? };
    let margin = match (deal.margin, deal.value, opts.margin_rate) {
        (Some(m), _, _) => m,
        (None, Some(v), Some(r)) => v * r,
        _ => return Err(Error::coded("margin", error::ErrorCode::Required, "is required (or give the deal a value and options.marginRate)")),
    };
    let value = (after - before) * margin;
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

/// What a meeting that gets `deal` to `milestone_id` is worth: the rise in
/// win probability times the deal's margin, scored by the same function as
/// `scoreDeal` (so a calibrated model is used as such). Errors name the
/// argument (`deal.margin`, `milestoneId`, `options.marginRate`).
pub fn meeting_value(process: &Scorer, deal: &mut Deal, milestone_id: &str, options: &ValueOptions) -> Result<MeetingValue> {
    options.validate().map_err(|e| e.within("options"))?;
    if process.find(milestone_id).is_none() {
        return Err(unknown_milestone(milestone_id).within("milestoneId"));
    }
    let before = score_deal(process, deal).map_err(|e| e.within("deal"))?.probability;
    value_of(process, deal, before, milestone_id, options, options.required()).map_err(|e| e.within("deal"))
}

// ---------------------------------------------------------------- rank ----

/// One person in a meeting.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    /// Decision makers (`decision maker`, `economic buyer`) and mobilizers
    /// count as the right people; any spelling of case, spaces and dashes.
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One meeting of the week: the deal it is about (its `dealId` in
/// `options.deals`, or the `deal` itself), what it should get the customer
/// to confirm, and who attends.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct Meeting {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal: Option<Deal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_milestone: Option<String>,
    /// `None` when nobody said who attends (the people check is then
    /// unknown, not failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<Attendee>>,
    /// The seller's own word; `false` fails the preparation check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prepared: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Meeting {
    /// Checks the fields that need no model; paths are relative to the
    /// meeting (`attendees[0].role`). The deal itself is checked when it is
    /// scored.
    pub fn validate(&self) -> Result<()> {
        check_opt_text("label", self.label.as_deref())?;
        check_opt_text("id", self.id.as_deref())?;
        check_opt_text("dealId", self.deal_id.as_deref())?;
        check_opt_text("targetMilestone", self.target_milestone.as_deref())?;
        match (&self.deal_id, &self.deal) {
            (Some(_), Some(_)) => return Err(Error::coded("dealId", error::ErrorCode::Either { other: "deal" }, "give either dealId or deal, not both")),
            (None, None) => return Err(Error::coded("dealId", error::ErrorCode::Required, "is required (or give the deal itself as deal)")),
            _ => {}
        }
        if let Some(list) = &self.attendees {
            error::at_most("attendees", list, MAX_ATTENDEES, "attendees")?;
            for (k, a) in list.iter().enumerate() {
                let check = || -> Result<()> {
                    check_text("role", &a.role)?;
                    check_opt_text("name", a.name.as_deref())
                };
                check().map_err(|e| e.within(&error::index("attendees", k)))?;
            }
        }
        Ok(())
    }
}

/// `rankMeetings` options.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct RankOptions {
    /// As in [`ValueOptions`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_margin_per_meeting: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanInput>,
    /// Deals that meetings name by `dealId` (the first with that id).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deals: Vec<Deal>,
    /// Ideal customer profile: attribute → value the deal must carry
    /// (compared without regard to ASCII case).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ideal_customer: BTreeMap<String, String>,
    /// Below this win probability a deal is not the right customer (default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_probability: Option<f64>,
    /// Milestone meaning "the right people are already engaged"
    /// (default `mobilizer_met` when the model has it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people_milestone: Option<String>,
}

impl RankOptions {
    /// The options that value each meeting.
    pub fn value_options(&self) -> ValueOptions {
        ValueOptions {
            margin_rate: self.margin_rate,
            required_margin_per_meeting: self.required_margin_per_meeting,
            plan: self.plan.clone(),
        }
    }

    /// Checks every field but the deals (checked when scored); paths are
    /// relative to the options (`idealCustomer.industry`, `peopleMilestone`).
    pub fn validate(&self, process: &Process) -> Result<()> {
        self.value_options().validate()?;
        error::at_most("deals", &self.deals, crate::deal::MAX_DEALS, "deals")?;
        if self.ideal_customer.len() > crate::deal::MAX_ATTRIBUTES {
            let max = crate::deal::MAX_ATTRIBUTES;
            return Err(Error::coded(
                "idealCustomer",
                error::ErrorCode::TooMany { max: error::count(max) },
                format!("at most {max} attributes are supported (got {})", self.ideal_customer.len()),
            ));
        }
        for (k, v) in &self.ideal_customer {
            let p = || error::join("idealCustomer", k);
            error::text("", k, MAX_TEXT_CHARS).map_err(|e| e.within(&p()))?;
            error::text("", v, MAX_TEXT_CHARS).map_err(|e| e.within(&p()))?;
        }
        if let Some(p) = self.min_probability {
            error::probability("minProbability", p)?;
        }
        if let Some(m) = &self.people_milestone {
            check_text("peopleMilestone", m)?;
            if process.find(m).is_none() {
                return Err(unknown_milestone(m).within("peopleMilestone"));
            }
        }
        Ok(())
    }

    /// `peopleMilestone`, else `mobilizer_met` when the model has it.
    fn people_milestone<'a>(&'a self, process: &Process) -> Option<&'a str> {
        match &self.people_milestone {
            Some(m) => Some(m),
            None => process.find("mobilizer_met").map(|_| "mobilizer_met"),
        }
    }
}

/// A check's outcome. `Unknown` is neither a pass nor a fail: the input did
/// not say enough to check (no ideal customer profile, no attendees).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    Unknown,
}

/// A role that counts as the right people.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum KeyRole {
    DecisionMaker,
    Mobilizer,
}

/// Why a check came out as it did: a code with its parameters, worded by
/// the UI (`{ code: "not_ideal_customer", attribute, value, wanted }`).
/// Milestones are given by id.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Reason {
    // Right customer.
    /// The deal is already won: the meeting cannot raise its chances.
    DealWon,
    /// The deal is lost: the meeting cannot raise its chances.
    DealLost,
    /// The deal's `attribute` is `value`; the profile asks for `wanted`.
    NotIdealCustomer { attribute: String, value: String, wanted: String },
    /// The win probability is below the minimum set for meetings.
    BelowMinProbability { probability: f64, min_probability: f64 },
    /// The deal has no `attribute`, which the profile asks for (unknown).
    AttributeMissing { attribute: String },
    /// Open deal, but no ideal customer profile was given (unknown).
    FitNotChecked,
    /// Open deal that matches the ideal customer profile.
    IdealCustomer,
    // Right people.
    /// A decision maker or mobilizer attends.
    KeyPersonAttends { role: KeyRole },
    /// Nobody key attends, but `milestone` (the people milestone) is reached.
    PeopleEngaged { milestone: String },
    /// Attendees are listed, none of them key, and none is engaged yet.
    NoKeyPeople,
    /// No attendees were given and none is engaged yet (unknown).
    AttendeesUnknown,
    // Prepared.
    /// No target milestone: nobody said what the customer should confirm.
    NoTarget,
    /// The target `milestone` is already reached.
    TargetAlreadyReached { milestone: String },
    /// The target is `milestone`, but the seller marked the meeting as not prepared.
    MarkedNotPrepared { milestone: String },
    /// The meeting aims at `milestone` (`confirmed`: the seller marked it prepared).
    AimsAtTarget { milestone: String, confirmed: bool },
}

/// One quality check: its outcome and why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub status: CheckStatus,
    pub reason: Reason,
}

impl Check {
    fn pass(reason: Reason) -> Check {
        Check { status: CheckStatus::Pass, reason }
    }
    fn fail(reason: Reason) -> Check {
        Check { status: CheckStatus::Fail, reason }
    }
    fn unknown(reason: Reason) -> Check {
        Check { status: CheckStatus::Unknown, reason }
    }
    pub fn passed(&self) -> bool {
        self.status == CheckStatus::Pass
    }
}

/// The three checks of a meeting.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    pub right_customer: Check,
    pub right_people: Check,
    pub prepared: Check,
}

/// One meeting of `rankMeetings`' result: where it ranks, what it is worth
/// (the fields of [`MeetingValue`], inline) and its checks.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RankedMeeting {
    /// 1 for the most valuable.
    pub rank: usize,
    /// Position in the input list.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub deal_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_milestone: Option<String>,
    pub probability_before: f64,
    pub probability_after: f64,
    pub margin: f64,
    /// Value of reaching the target (0 without a target).
    pub value: f64,
    pub already_reached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_margin_per_meeting: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worth_it: Option<bool>,
    pub checks: Checks,
    /// Checks passed, 0 to 3 (an unknown check is not passed).
    pub passed: u32,
}

/// Roles that count as the right people: decision makers and mobilizers.
fn key_role(role: &str) -> Option<KeyRole> {
    let r: String = role.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
    match r.as_str() {
        "decisionmaker" | "economicbuyer" => Some(KeyRole::DecisionMaker),
        "mobilizer" | "mobiliser" => Some(KeyRole::Mobilizer),
        _ => None,
    }
}

/// Ranks a week's meetings by value (ties keep input order), each with three
/// quality checks. Validates its arguments; error paths name them
/// (`meetings[3].dealId`, `meetings[0].deal.value`, `options.deals[2].value`,
/// `options.peopleMilestone`). Deals are borrowed mutably only to be scored
/// with the target reached (an event pushed and popped again).
pub fn rank_meetings(process: &Scorer, meetings: &mut [Meeting], options: &mut RankOptions) -> Result<Vec<RankedMeeting>> {
    error::at_most("meetings", meetings, MAX_RANKED_MEETINGS, "meetings")?;
    options.validate(process).map_err(|e| e.within("options"))?;
    let value_opts = options.value_options();
    let required = value_opts.required();
    let people = options.people_milestone(process).map(str::to_string);
    let (ideal, min_probability) = (&options.ideal_customer, options.min_probability.unwrap_or(0.0));
    let deals = &mut options.deals;
    // Deal indices sorted by id (stable: the first deal with an id comes
    // first), searched by halving.
    let by_id = {
        let id_of = |k: usize| deals.get(k).map_or("", |d| d.id.as_str());
        order(deals.len(), &|a, b| id_of(a) < id_of(b))
    };
    let mut out = Vec::with_capacity(meetings.len());
    for (i, m) in meetings.iter_mut().enumerate() {
        let at = || error::index("meetings", i);
        m.validate().map_err(|e| e.within(&at()))?;
        let (deal, deal_path): (&mut Deal, Box<dyn Fn() -> String>) = match (m.deal.as_mut(), m.deal_id.as_deref()) {
            (Some(d), _) => (d, Box::new(move || error::join(&error::index("meetings", i), "deal"))),
            (None, Some(id)) => match find_deal(deals, &by_id, id).and_then(|k| Some((k, deals.get_mut(k)?))) {
                Some((k, d)) => (d, Box::new(move || error::index("options.deals", k))),
                None => {
                    let shown: String = id.chars().take(64).collect();
                    let message = format!("no deal with id \"{shown}\" in options.deals");
                    return Err(Error::coded("dealId", error::ErrorCode::NotFound { value: shown }, message).within(&at()));
                }
            },
            (None, None) => return Err(Error::coded("dealId", error::ErrorCode::Required, "is required (or give the deal itself as deal)").within(&at())),
        };
        let target = m.target_milestone.as_deref();
        if let Some(t) = target {
            if process.find(t).is_none() {
                return Err(unknown_milestone(t).within(&error::join(&at(), "targetMilestone")));
            }
        }
        let before = score_deal(process, deal).map_err(|e| e.within(&deal_path()))?.probability;
        let value = match target {
            Some(t) => value_of(process, deal, before, t, &value_opts, required).map_err(|e| e.within(&deal_path()))?,
            None => MeetingValue {
                probability_before: before,
                probability_after: before,
                margin: deal.margin.or_else(|| deal.value.zip(value_opts.margin_rate).map(|(v, r)| v * r)).unwrap_or(0.0),
                value: 0.0,
                already_reached: false,
                required_margin_per_meeting: required,
                ratio: required.filter(|r| *r > 0.0).map(|_| 0.0),
                worth_it: required.map(|r| r <= 0.0),
            },
        };
        let checks = Checks {
            right_customer: customer_check(deal, before, ideal, min_probability),
            right_people: people_check(deal, m.attendees.as_deref(), people.as_deref()),
            prepared: prepared_check(target, value.already_reached, m.prepared),
        };
        let passed = u32::from(checks.right_customer.passed()) + u32::from(checks.right_people.passed()) + u32::from(checks.prepared.passed());
        out.push(RankedMeeting {
            rank: 0,
            index: i,
            id: m.id.clone(),
            deal_id: deal.id.clone(),
            target_milestone: m.target_milestone.clone(),
            probability_before: value.probability_before,
            probability_after: value.probability_after,
            margin: value.margin,
            value: value.value,
            already_reached: value.already_reached,
            required_margin_per_meeting: value.required_margin_per_meeting,
            ratio: value.ratio,
            worth_it: value.worth_it,
            checks,
            passed,
        });
    }
    // Stable: equal values keep their input order.
    let order = order_desc(&out.iter().map(|m| m.value).collect::<Vec<_>>());
    let mut ranked = take_in_order(out, &order);
    for (r, m) in ranked.iter_mut().enumerate() {
        m.rank = r + 1;
    }
    Ok(ranked)
}

/// The first deal with id `id`, given the deal indices sorted by id.
fn find_deal(deals: &[Deal], by_id: &[usize], id: &str) -> Option<usize> {
    let id_of = |k: usize| deals.get(k).map_or("", |d| d.id.as_str());
    let at = by_id.partition_point(|&k| id_of(k) < id);
    by_id.get(at).copied().filter(|&k| id_of(k) == id)
}

/// Right customer: open, matching the profile, likely enough. A definite
/// mismatch fails before a missing attribute makes the fit unknown.
fn customer_check(deal: &Deal, probability: f64, ideal: &BTreeMap<String, String>, min_probability: f64) -> Check {
    match deal.status {
        Status::Won => return Check::fail(Reason::DealWon),
        Status::Lost => return Check::fail(Reason::DealLost),
        Status::Open => {}
    }
    let mut missing = None;
    for (k, want) in ideal {
        match deal.attributes.get(k) {
            Some(v) if v.eq_ignore_ascii_case(want) => {}
            Some(v) => {
                return Check::fail(Reason::NotIdealCustomer { attribute: k.clone(), value: v.clone(), wanted: want.clone() })
            }
            None => missing = missing.or(Some(k)),
        }
    }
    if probability < min_probability {
        return Check::fail(Reason::BelowMinProbability { probability, min_probability });
    }
    match missing {
        Some(k) => Check::unknown(Reason::AttributeMissing { attribute: k.clone() }),
        None if ideal.is_empty() => Check::unknown(Reason::FitNotChecked),
        None => Check::pass(Reason::IdealCustomer),
    }
}

/// Right people: a key person attends, or the people milestone is reached.
fn people_check(deal: &Deal, attendees: Option<&[Attendee]>, people_milestone: Option<&str>) -> Check {
    if let Some(role) = attendees.unwrap_or_default().iter().find_map(|a| key_role(&a.role)) {
        return Check::pass(Reason::KeyPersonAttends { role });
    }
    if let Some(m) = people_milestone {
        if deal.events.iter().any(|e| e.milestone == m) {
            return Check::pass(Reason::PeopleEngaged { milestone: m.to_string() });
        }
    }
    match attendees {
        Some(_) => Check::fail(Reason::NoKeyPeople),
        None => Check::unknown(Reason::AttendeesUnknown),
    }
}

/// Prepared: the meeting has a new target and the seller did not say no.
fn prepared_check(target: Option<&str>, already: bool, explicit: Option<bool>) -> Check {
    let Some(t) = target else {
        return Check::fail(Reason::NoTarget);
    };
    let milestone = t.to_string();
    if already {
        Check::fail(Reason::TargetAlreadyReached { milestone })
    } else if explicit == Some(false) {
        Check::fail(Reason::MarkedNotPrepared { milestone })
    } else {
        Check::pass(Reason::AimsAtTarget { milestone, confirmed: explicit == Some(true) })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn key_roles_are_read_in_any_spelling() {
        assert_eq!(key_role("Decision-Maker"), Some(KeyRole::DecisionMaker));
        assert_eq!(key_role("economic buyer"), Some(KeyRole::DecisionMaker));
        assert_eq!(key_role(" MOBILISER "), Some(KeyRole::Mobilizer));
        assert_eq!(key_role("buyer"), None);
        assert_eq!(key_role(""), None);
    }

    #[test]
    fn people_check_tells_unknown_from_failed() {
        let deal = Deal { events: vec![Event { milestone: "m".into(), date: None }], ..Deal::default() };
        let none = Deal::default();
        let it = [Attendee { role: "IT".into(), name: None }];
        assert_eq!(people_check(&none, None, Some("m")).status, CheckStatus::Unknown);
        assert_eq!(people_check(&none, Some(&[]), Some("m")).status, CheckStatus::Fail);
        assert_eq!(people_check(&none, Some(&it), None).reason, Reason::NoKeyPeople);
        assert_eq!(people_check(&deal, None, Some("m")).reason, Reason::PeopleEngaged { milestone: "m".into() });
        let cfo = [Attendee { role: "IT".into(), name: None }, Attendee { role: "decision maker".into(), name: Some("CFO".into()) }];
        assert_eq!(people_check(&none, Some(&cfo), None), Check::pass(Reason::KeyPersonAttends { role: KeyRole::DecisionMaker }));
    }

    #[test]
    fn customer_check_fails_before_it_is_unknown() {
        let mut deal = Deal::default();
        deal.attributes.insert("industry".into(), "Retail".into());
        let ideal: BTreeMap<String, String> = [("industry", "retail"), ("size", "big")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        // industry matches (ASCII case aside), size is missing: unknown.
        assert_eq!(customer_check(&deal, 0.5, &ideal, 0.0), Check::unknown(Reason::AttributeMissing { attribute: "size".into() }));
        // A probability below the minimum is a definite fail, before the missing size.
        assert_eq!(customer_check(&deal, 0.1, &ideal, 0.2).status, CheckStatus::Fail);
        deal.attributes.insert("size".into(), "small".into());
        assert!(matches!(customer_check(&deal, 0.5, &ideal, 0.0).reason, Reason::NotIdealCustomer { .. }));
        assert_eq!(customer_check(&deal, 0.5, &BTreeMap::new(), 0.0), Check::unknown(Reason::FitNotChecked));
        deal.status = Status::Won;
        assert_eq!(customer_check(&deal, 1.0, &BTreeMap::new(), 0.0), Check::fail(Reason::DealWon));
    }

    #[test]
    fn meeting_validate_names_fields_relative_to_the_meeting() {
        let m = Meeting { deal_id: Some("a".into()), ..Meeting::default() };
        assert_eq!(m.validate(), Ok(()));
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let bad = Meeting {
            attendees: Some(vec![Attendee { role: "CFO".into(), name: None }, Attendee { role: "IT".into(), name: Some(long.clone()) }]),
            ..m.clone()
        };
        assert_eq!(bad.validate().unwrap_err().to_string(), "attendees[1].name: must be at most 200 characters");
        assert_eq!(bad.validate().unwrap_err().within("meetings[3]").path, "meetings[3].attendees[1].name");
        let bad = Meeting { label: Some(long), ..m.clone() };
        assert_eq!(bad.validate().unwrap_err().path, "label");
        let bad = Meeting { attendees: Some(vec![Attendee::default(); MAX_ATTENDEES + 1]), ..m };
        assert_eq!(bad.validate().unwrap_err().path, "attendees");
    }

    #[test]
    fn plan_conversion_needs_all_three_fields() {
        let mut p = PlanInput { margin_budget: 1.0, meetings_per_week: 1.0, weeks: 1.0, ..PlanInput::default() };
        assert_eq!(p.conversion(), None);
        p.win_rate = Some(0.5);
        p.average_margin = Some(2.0);
        assert_eq!(p.validate().unwrap_err().path, "meetingToOpportunity");
        p.meeting_to_opportunity = Some(0.1);
        assert_eq!(p.conversion(), Some((0.1, 0.5, 2.0)));
        assert_eq!(p.validate(), Ok(()));
    }
}
