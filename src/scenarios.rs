//! What-if scenarios: meeting plans compared with the chance of hitting the
//! margin budget, the sensitivity of each lever, handing a step to the
//! seller strongest at it, and customer lifetime value versus acquisition.

use crate::error::{self, Error, Result};
use crate::meetings::{checked, fields, list, meetings_of, req_text, text, unknown_milestone, units_needed, MAX_LIST};
use crate::model::Process;
use crate::order::{order, permute};
use crate::value::{Obj, Value};

/// Most variants `compareScenarios` accepts next to the base.
pub const MAX_VARIANTS: usize = 100;
/// Most sellers a skill profile may list.
pub const MAX_SELLERS: usize = 1000;
/// Each lever moves this share down and up in the sensitivity.
pub const SENSITIVITY_STEP: f64 = 0.1;

/// The numeric fields of a scenario, in this order.
const NUMBERS: [&str; 6] = ["meetingsPerWeek", "weeks", "meetingToOpportunity", "winRate", "averageMargin", "marginBudget"];
const SCENARIO_FIELDS: [&str; 7] =
    ["name", "meetingsPerWeek", "weeks", "meetingToOpportunity", "winRate", "averageMargin", "marginBudget"];

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub meetings_per_week: f64,
    pub weeks: f64,
    pub meeting_to_opportunity: f64,
    pub win_rate: f64,
    pub average_margin: f64,
    pub margin_budget: f64,
}

impl Scenario {
    fn numbers(&self) -> [f64; 6] {
        [self.meetings_per_week, self.weeks, self.meeting_to_opportunity, self.win_rate, self.average_margin, self.margin_budget]
    }

    fn from_numbers(name: String, n: [f64; 6]) -> Scenario {
        let [meetings_per_week, weeks, meeting_to_opportunity, win_rate, average_margin, margin_budget] = n;
        Scenario { name, meetings_per_week, weeks, meeting_to_opportunity, win_rate, average_margin, margin_budget }
    }

    /// Reads `v` over `base` (every field of `base` that `v` does not give is
    /// kept as it is). Without a base every field is required.
    pub fn from_val(v: &Value, path: &str, base: Option<&Scenario>, default_name: &str) -> Result<Scenario> {
        let f = fields(v, path, &SCENARIO_FIELDS)?;
        let mut n = base.map_or([f64::NAN; 6], Scenario::numbers);
        for (k, slot) in NUMBERS.iter().zip(n.iter_mut()) {
            match f.opt_f64(k)? {
                Some(x) => *slot = x,
                None if base.is_none() => return Err(Error::new(f.at(k), "is required")),
                None => {}
            }
        }
        let s = Scenario::from_numbers(text(&f, "name")?.unwrap_or(default_name).to_string(), n);
        meetings_of(path, s.meetings_per_week, s.weeks)?;
        checked(&f, "meetingToOpportunity", error::probability("", s.meeting_to_opportunity))?;
        checked(&f, "winRate", error::probability("", s.win_rate))?;
        checked(&f, "averageMargin", error::non_negative("", s.average_margin))?;
        checked(&f, "marginBudget", error::non_negative("", s.margin_budget))?;
        Ok(s)
    }
}

/// Expected margin and the chance of reaching the budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Numbers {
    pub meetings: f64,
    pub opportunities: f64,
    pub expected_wins: f64,
    pub expected_margin: f64,
    pub p_hit_budget: f64,
    pub required_margin_per_meeting: f64,
    /// Budget minus expected margin: positive is a shortfall.
    pub gap: f64,
    /// Wins needed to reach the budget (`None` when no number of wins can).
    pub wins_needed: Option<f64>,
}

/// A scenario's numbers. Meetings are independent; each becomes a won deal
/// with probability q = meetingToOpportunity × winRate, so wins are
/// Binomial(meetings, q). A fractional meeting count (2.5 a week) is read as
/// the whole meetings plus one last meeting that happens with the leftover
/// fraction: it wins with probability fraction × q (a Poisson-binomial), so
/// the expected wins stay exactly meetings × q.
pub fn numbers(s: &Scenario) -> Numbers {
    let meetings = s.meetings_per_week * s.weeks;
    let q = s.meeting_to_opportunity * s.win_rate;
    let wins_needed = units_needed(s.margin_budget, s.average_margin);
    let expected_margin = meetings * s.meeting_to_opportunity * s.win_rate * s.average_margin;
    Numbers {
        meetings,
        opportunities: meetings * s.meeting_to_opportunity,
        expected_wins: meetings * q,
        expected_margin,
        p_hit_budget: wins_needed.map_or(0.0, |k| p_at_least(meetings, q, k)),
        required_margin_per_meeting: s.margin_budget / meetings,
        gap: s.margin_budget - expected_margin,
        wins_needed,
    }
}

/// P(W >= k) where W is Binomial(floor(meetings), q) plus one Bernoulli of
/// probability frac(meetings) × q.
pub fn p_at_least(meetings: f64, q: f64, k: f64) -> f64 {
    if k <= 0.0 {
        return 1.0;
    }
    if meetings.is_nan() || meetings < 0.0 || meetings.is_infinite() {
        return 0.0;
    }
    let whole = meetings.floor();
    if k > whole + 1.0 {
        return 0.0;
    }
    let fq = (meetings - whole) * q;
    let (upper, before) = binomial(whole as u64, q, k as u64);
    // W >= k when the whole meetings give k, or give k − 1 and the last one wins.
    (upper + fq * before).clamp(0.0, 1.0)
}

/// For B ~ Binomial(n, q) and k >= 1: (P(B >= k), P(B = k − 1)).
///
/// No logarithms and no factorials: the terms are taken relative to the
/// most likely count (the mode, term 1) and walked outwards with the ratio
/// of consecutive terms, P(j+1)/P(j) = (n−j)/(j+1) · q/(1−q), until they
/// fall below 1e-18 of the mode; the sums are then divided by the total.
/// Nothing overflows (every term is <= 1) and what underflows is
/// negligible, so the result is accurate to about 1e-16 absolute.
pub fn binomial(n: u64, q: f64, k: u64) -> (f64, f64) {
    let km1 = k.saturating_sub(1);
    if q <= 0.0 {
        return (0.0, if km1 == 0 { 1.0 } else { 0.0 });
    }
    if q >= 1.0 {
        return (if k <= n { 1.0 } else { 0.0 }, if km1 == n { 1.0 } else { 0.0 });
    }
    let odds = q / (1.0 - q);
    let mode = (((n + 1) as f64 * q).floor() as u64).min(n);
    let mut total = 1.0;
    let mut upper = if mode >= k { 1.0 } else { 0.0 };
    let mut at = if mode == km1 { 1.0 } else { 0.0 };
    let (mut t, mut j) = (1.0f64, mode);
    while j < n && t > 1e-18 {
        t *= (n - j) as f64 / (j + 1) as f64 * odds;
        j += 1;
        total += t;
        if j >= k {
            upper += t;
        }
        if j == km1 {
            at = t;
        }
    }
    let (mut t, mut j) = (1.0f64, mode);
    while j > 0 && t > 1e-18 {
        t *= j as f64 / (n - j + 1) as f64 / odds;
        j -= 1;
        total += t;
        if j >= k {
            upper += t;
        }
        if j == km1 {
            at = t;
        }
    }
    (upper / total, at / total)
}

/// One bar of the tornado chart: a lever moved down and up by the step.
#[derive(Clone, Debug, PartialEq)]
pub struct Lever {
    pub lever: &'static str,
    pub low_value: f64,
    pub high_value: f64,
    pub low: Numbers,
    pub high: Numbers,
}

impl Lever {
    pub fn p_swing(&self) -> f64 {
        (self.high.p_hit_budget - self.low.p_hit_budget).abs()
    }
    pub fn margin_swing(&self) -> f64 {
        (self.high.expected_margin - self.low.expected_margin).abs()
    }
}

/// Levers of the sensitivity: index into the scenario's numbers.
const LEVERS: [usize; 4] = [0, 2, 3, 4];

/// Each lever −10% and +10% (rates capped at 1), sorted by the swing in
/// pHitBudget, then in expected margin, then lever order. All four levers
/// multiply into the expected margin, so its swing is the same ±10% for
/// each unless a rate is capped; the chance of hitting the budget is what
/// tells them apart.
pub fn sensitivity(s: &Scenario) -> Vec<Lever> {
    let base = s.numbers();
    let out: Vec<Lever> = LEVERS
        .iter()
        .filter_map(|&i| {
            let v = *base.get(i)?;
            let cap = if i == 2 || i == 3 { 1.0 } else { f64::INFINITY };
            let (lo, hi) = (v * (1.0 - SENSITIVITY_STEP), (v * (1.0 + SENSITIVITY_STEP)).min(cap));
            let at = |x: f64| {
                let mut n = base;
                if let Some(slot) = n.get_mut(i) {
                    *slot = x;
                }
                numbers(&Scenario::from_numbers(String::new(), n))
            };
            Some(Lever { lever: NUMBERS.get(i).copied().unwrap_or(""), low_value: lo, high_value: hi, low: at(lo), high: at(hi) })
        })
        .collect();
    // By pHitBudget swing, then margin swing, then lever order (stable).
    let swing = |i: usize| out.get(i).map_or((0.0, 0.0), |l| (l.p_swing(), l.margin_swing()));
    let by_swing = order(out.len(), &|a, b| {
        let ((pa, ma), (pb, mb)) = (swing(a), swing(b));
        pa.total_cmp(&pb).then(ma.total_cmp(&mb)).is_gt()
    });
    permute(&out, &by_swing)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub numbers: Numbers,
    pub sensitivity: Vec<Lever>,
}

/// `[base, ...variants]`, each variant read over the base. A variant that
/// changes nothing gives the base's numbers bit for bit (its name defaults
/// to `Variant 1`, `Variant 2`, ...).
pub fn compare_scenarios(base: &Value, variants: &Value) -> Result<Vec<Outcome>> {
    let b = Scenario::from_val(base, "base", None, "Base")?;
    let vs = match variants {
        Value::Null => &[][..],
        v => list(v, "variants", MAX_VARIANTS, "variants")?,
    };
    let mut scenarios = vec![b.clone()];
    for (i, v) in vs.iter().enumerate() {
        let name = format!("Variant {}", i + 1);
        scenarios.push(Scenario::from_val(v, &error::index("variants", i), Some(&b), &name)?);
    }
    Ok(scenarios.into_iter().map(|s| Outcome { numbers: numbers(&s), sensitivity: sensitivity(&s), name: s.name }).collect())
}

const OUTCOME_KEYS: [&str; 10] = [
    "name",
    "meetings",
    "opportunities",
    "expectedWins",
    "expectedMargin",
    "pHitBudget",
    "requiredMarginPerMeeting",
    "gap",
    "winsNeeded",
    "sensitivity",
];

impl Outcome {
    pub fn to_val(&self) -> Value {
        let n = &self.numbers;
        let bars = self
            .sensitivity
            .iter()
            .map(|l| {
                Value::record(
                    &["lever", "lowValue", "highValue", "lowExpectedMargin", "highExpectedMargin", "lowPHitBudget", "highPHitBudget", "pHitBudgetSwing", "expectedMarginSwing"],
                    vec![
                        l.lever.into(),
                        l.low_value.into(),
                        l.high_value.into(),
                        l.low.expected_margin.into(),
                        l.high.expected_margin.into(),
                        l.low.p_hit_budget.into(),
                        l.high.p_hit_budget.into(),
                        l.p_swing().into(),
                        l.margin_swing().into(),
                    ],
                )
            })
            .collect();
        Value::record(
            &OUTCOME_KEYS,
            vec![
                self.name.as_str().into(),
                n.meetings.into(),
                n.opportunities.into(),
                n.expected_wins.into(),
                n.expected_margin.into(),
                n.p_hit_budget.into(),
                n.required_margin_per_meeting.into(),
                n.gap.into(),
                n.wins_needed.into(),
                Value::Array(bars),
            ],
        )
    }
}

// ------------------------------------------------------ specialisation ----

/// One entry of a skill profile: how often `seller` converts a deal from
/// `milestone` to the next mandatory milestone. The engine's seller ×
/// milestone profile maps to a list of these.
#[derive(Clone, Debug, PartialEq)]
pub struct StepSkill {
    pub seller: String,
    pub milestone: String,
    pub conversion: f64,
}

/// An open deal: who owns it, where it stands (its furthest mandatory
/// milestone) and its margin.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineDeal {
    pub seller: String,
    pub milestone: String,
    pub margin: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepResult {
    pub milestone: String,
    pub label: String,
    /// Deals that still have to pass this step.
    pub deals: usize,
    /// Mean conversion at this step of the deals' own sellers.
    pub current_conversion: Option<f64>,
    pub specialist: Option<String>,
    pub specialist_conversion: Option<f64>,
    /// Deals the specialist takes over at this step.
    pub handed_over: usize,
    /// Pipeline expected margin with only this step handed over.
    pub expected_margin: f64,
    pub change: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Specialisation {
    /// Everybody does everything: each deal's own seller at every step.
    pub expected_margin: f64,
    pub steps: Vec<StepResult>,
    /// Every step handed to its specialist at once.
    pub all_steps_expected_margin: f64,
    pub all_steps_change: f64,
    /// Pipeline sellers with no entry for a step they need, who are given
    /// the team average there.
    pub team_average_used: usize,
    pub assumption: String,
}

/// Reads `{ skills: [{ seller, milestone, conversion }], pipeline: [{ seller,
/// milestone, margin, id? }], capacity? }`.
pub fn specialisation_input(v: &Value) -> Result<(Vec<StepSkill>, Vec<PipelineDeal>, Option<usize>)> {
    let f = fields(v, "", &["skills", "pipeline", "capacity"])?;
    let required_list = |k: &str| list(f.get(k).ok_or_else(|| Error::new(k, "is required"))?, k, MAX_LIST, k);
    let mut skills = Vec::new();
    for (i, s) in required_list("skills")?.iter().enumerate() {
        let p = error::index("skills", i);
        let g = fields(s, &p, &["seller", "milestone", "conversion"])?;
        skills.push(StepSkill {
            seller: req_text(&g, "seller")?.to_string(),
            milestone: req_text(&g, "milestone")?.to_string(),
            conversion: checked(&g, "conversion", error::probability("", g.f64("conversion")?))?,
        });
    }
    let mut pipeline = Vec::new();
    for (i, d) in required_list("pipeline")?.iter().enumerate() {
        let p = error::index("pipeline", i);
        let g = fields(d, &p, &["id", "seller", "milestone", "margin"])?;
        text(&g, "id")?;
        pipeline.push(PipelineDeal {
            seller: req_text(&g, "seller")?.to_string(),
            milestone: req_text(&g, "milestone")?.to_string(),
            margin: checked(&g, "margin", error::non_negative("", g.f64("margin")?))?,
        });
    }
    let capacity = match f.opt_f64("capacity")? {
        None => None,
        Some(c) if c.is_finite() && c >= 0.0 && c.fract() == 0.0 && c <= MAX_LIST as f64 => Some(c as usize),
        Some(_) => return Err(Error::new("capacity", "must be a whole number of deals >= 0")),
    };
    Ok((skills, pipeline, capacity))
}

/// What handing each step to the seller best at it would change. Steps run
/// along the mandatory milestones: step j converts a deal from mandatory
/// milestone j to mandatory milestone j + 1; the last mandatory milestone is
/// the win. A deal's expected margin is its margin times the conversions of
/// the steps still ahead of it.
pub fn specialise(
    process: &Process,
    skills: &[StepSkill],
    pipeline: &[PipelineDeal],
    capacity: Option<usize>,
) -> Result<Specialisation> {
    let ladder: Vec<usize> = process.indices().filter(|&i| process.is_mandatory(i)).collect();
    let steps = ladder.len().saturating_sub(1);
    if steps == 0 {
        return Err(Error::new("model", "needs at least two mandatory milestones for steps between them"));
    }
    // The step starting at milestone `id` of entry `k` of `list` (the error
    // path is built only on error).
    let step_of = |id: &str, list: &str, k: usize| -> Result<usize> {
        let path = || error::join(&error::index(list, k), "milestone");
        let Some(i) = process.find(id) else {
            return Err(unknown_milestone(path(), id));
        };
        ladder.iter().take(steps).position(|&m| m == i).ok_or_else(|| {
            Error::new(path(), "must be a mandatory milestone before the last one (a step runs from one mandatory milestone to the next)")
        })
    };
    // Sellers with a skill entry get an id (their index in `names`, found by
    // linear search: at most MAX_SELLERS); the table is sellers × steps, NaN
    // where the profile has no entry.
    let mut names: Vec<&str> = Vec::new();
    let id_of = |names: &[&str], seller: &str| names.iter().position(|n| *n == seller);
    let mut where_: Vec<(usize, usize)> = Vec::with_capacity(skills.len());
    for (k, s) in skills.iter().enumerate() {
        let j = step_of(&s.milestone, "skills", k)?;
        let id = match id_of(&names, &s.seller) {
            Some(id) => id,
            None => {
                if names.len() >= MAX_SELLERS {
                    return Err(Error::new("skills", format!("at most {MAX_SELLERS} sellers are supported")));
                }
                names.push(&s.seller);
                names.len() - 1
            }
        };
        where_.push((id, j));
    }
    let mut table = vec![f64::NAN; names.len() * steps];
    for (k, (s, (id, j))) in skills.iter().zip(where_).enumerate() {
        if let Some(slot) = table.get_mut(id * steps + j) {
            if !slot.is_nan() {
                return Err(Error::new(error::index("skills", k), "duplicate seller and milestone"));
            }
            *slot = s.conversion;
        }
    }
    let skill = |id: usize, j: usize| table.get(id.saturating_mul(steps).saturating_add(j)).copied().filter(|c| !c.is_nan());
    // Team average and specialist (highest conversion, first listed on a tie) per step.
    let mut team = vec![None; steps];
    let mut best: Vec<Option<(usize, f64)>> = vec![None; steps];
    for j in 0..steps {
        let mut sum = 0.0;
        let mut count = 0.0;
        for id in 0..names.len() {
            if let Some(c) = skill(id, j) {
                sum += c;
                count += 1.0;
                if let Some(slot) = best.get_mut(j) {
                    if slot.map_or(true, |(_, b)| c > b) {
                        *slot = Some((id, c));
                    }
                }
            }
        }
        if let Some(slot) = team.get_mut(j) {
            *slot = (count > 0.0).then(|| sum / count);
        }
    }
    let mut deals = Vec::with_capacity(pipeline.len());
    let mut team_average_used = 0;
    for (k, d) in pipeline.iter().enumerate() {
        let start = step_of(&d.milestone, "pipeline", k)?;
        // Sellers with no skill entry at all get usize::MAX: team averages.
        let id = id_of(&names, &d.seller).unwrap_or(usize::MAX);
        let mut conv = Vec::with_capacity(steps - start);
        for j in start..steps {
            let c = match skill(id, j) {
                Some(c) => c,
                None => {
                    team_average_used += 1;
                    team.get(j).copied().flatten().ok_or_else(|| {
                        let step = process.id(ladder.get(j).copied().unwrap_or(0));
                        Error::new("skills", format!("no seller has a conversion for step \"{step}\""))
                    })?
                }
            };
            conv.push(c);
        }
        deals.push((id, start, d.margin, conv));
    }
    let expected = |chosen: &dyn Fn(usize, usize) -> bool| -> f64 {
        deals
            .iter()
            .enumerate()
            .map(|(k, (_, start, margin, conv))| {
                conv.iter().enumerate().fold(*margin, |acc, (t, &c)| {
                    let j = start + t;
                    let spec = best.get(j).copied().flatten().map(|(_, b)| b);
                    acc * if chosen(k, j) { spec.unwrap_or(c) } else { c }
                })
            })
            .sum()
    };
    let before = expected(&|_, _| false);
    // For each step, the deals the specialist takes: those that gain, most
    // valuable first (ties in pipeline order), up to the capacity.
    let mut taken: Vec<Vec<bool>> = Vec::with_capacity(steps);
    let mut results = Vec::with_capacity(steps);
    for j in 0..steps {
        let spec = best.get(j).copied().flatten();
        let mut gains: Vec<(usize, f64)> = Vec::new();
        let mut sum_conv = 0.0;
        let mut passing = 0usize;
        for (k, (id, start, margin, conv)) in deals.iter().enumerate() {
            if j < *start {
                continue;
            }
            let own = conv.get(j - start).copied().unwrap_or(0.0);
            sum_conv += own;
            passing += 1;
            if let Some((sid, sc)) = spec {
                if sid != *id && sc > own {
                    let rest: f64 = conv.iter().enumerate().filter(|(t, _)| start + t != j).map(|(_, c)| *c).product();
                    gains.push((k, margin * rest * (sc - own)));
                }
            }
        }
        let order = crate::meetings::order_desc(&gains.iter().map(|g| g.1).collect::<Vec<_>>());
        let handed = order.len().min(capacity.unwrap_or(usize::MAX));
        let mut mine = vec![false; deals.len()];
        for g in order.iter().take(handed) {
            if let Some(slot) = gains.get(*g).and_then(|(k, _)| mine.get_mut(*k)) {
                *slot = true;
            }
        }
        let after = expected(&|k, jj| jj == j && mine.get(k).copied().unwrap_or(false));
        let m = ladder.get(j).copied().unwrap_or(0);
        results.push(StepResult {
            milestone: process.id(m).to_string(),
            label: process.label(m).to_string(),
            deals: passing,
            current_conversion: (passing > 0).then(|| sum_conv / passing as f64),
            specialist: spec.and_then(|(id, _)| names.get(id)).map(|s| s.to_string()),
            specialist_conversion: spec.map(|(_, c)| c),
            handed_over: handed,
            expected_margin: after,
            change: after - before,
        });
        taken.push(mine);
    }
    let all = expected(&|k, j| taken.get(j).and_then(|t| t.get(k)).copied().unwrap_or(false));
    const REST: &str = "and the deal's own seller keeps every other step. Conversions are the profile's; sellers \
                        without an entry for a step get the team average.";
    let assumption = match capacity {
        None => format!("Assumes the specialist can take every deal at the step with no loss of conversion (unlimited capacity), {REST}"),
        Some(c) => format!(
            "Assumes the specialist can take at most {c} more deals per step (the ones that gain most), with no loss of \
             conversion, {REST}"
        ),
    };
    Ok(Specialisation {
        expected_margin: before,
        steps: results,
        all_steps_expected_margin: all,
        all_steps_change: all - before,
        team_average_used,
        assumption,
    })
}

impl Specialisation {
    pub fn to_val(&self) -> Value {
        let steps = self
            .steps
            .iter()
            .map(|s| {
                Value::record(
                    &["milestone", "label", "deals", "currentConversion", "specialist", "specialistConversion", "handedOver", "expectedMargin", "change"],
                    vec![
                        s.milestone.as_str().into(),
                        s.label.as_str().into(),
                        s.deals.into(),
                        s.current_conversion.into(),
                        s.specialist.clone().into(),
                        s.specialist_conversion.into(),
                        s.handed_over.into(),
                        s.expected_margin.into(),
                        s.change.into(),
                    ],
                )
            })
            .collect();
        Value::record(
            &["expectedMargin", "steps", "allStepsExpectedMargin", "allStepsChange", "teamAverageUsed", "assumption"],
            vec![
                self.expected_margin.into(),
                Value::Array(steps),
                self.all_steps_expected_margin.into(),
                self.all_steps_change.into(),
                self.team_average_used.into(),
                self.assumption.as_str().into(),
            ],
        )
    }
}

// ------------------------------------------------------ lifetime value ----

/// Customer lifetime value: margin `m` counted at the end of each year the
/// customer stays, kept with probability `r` a year, discounted at `d`:
/// m/(1+d) + m·r/(1+d)² + ... = m / (1 + d − r).
pub fn lifetime_value(annual_margin: f64, retention: f64, discount_rate: f64) -> f64 {
    annual_margin / (1.0 + discount_rate - retention)
}

const CLV_FIELDS: [&str; 3] = ["annualMargin", "retention", "discountRate"];

/// Reads and checks `{ annualMargin, retention, discountRate }` (and the
/// extra `allowed` fields).
fn clv_input<'a>(v: &'a Value, allowed: &[&str]) -> Result<(Obj<'a>, f64, f64, f64)> {
    let f = fields(v, "", allowed)?;
    let m = error::non_negative("annualMargin", f.f64("annualMargin")?)?;
    let r = error::probability("retention", f.f64("retention")?)?;
    let d = error::non_negative("discountRate", f.f64("discountRate")?)?;
    if r >= 1.0 + d {
        return Err(Error::new("retention", "must be below 1 + discountRate (otherwise the value never ends)"));
    }
    Ok((f, m, r, d))
}

/// `lifetimeValue` → `{ lifetimeValue, expectedYears }` (expected years as
/// a customer, 1 / (1 − r), or `null` when retention is 1).
pub fn lifetime_value_val(v: &Value) -> Result<Value> {
    let (_, m, r, d) = clv_input(v, &CLV_FIELDS)?;
    Ok(Value::record(
        &["lifetimeValue", "expectedYears"],
        vec![
            lifetime_value(m, r, d).into(),
            (r < 1.0).then(|| 1.0 / (1.0 - r)).into(),
        ],
    ))
}

/// Retention versus acquisition: the value of `retentionPoints` more
/// retention (default 0.05) over `customers` (default 1), the number of new
/// customers that would bring the same value, and what winning them would
/// cost when acquiring costs `costRatio` (default 5) times keeping one.
#[derive(Clone, Debug, PartialEq)]
pub struct RetentionWhatIf {
    pub lifetime_value: f64,
    pub lifetime_value_after: f64,
    /// Value gained over all customers.
    pub value_of_retention: f64,
    /// New customers (at today's lifetime value) bringing the same value.
    pub equivalent_new_customers: f64,
    pub cost_ratio: f64,
    /// In money when `acquisitionCost` was given.
    pub acquisition_cost_of_same_value: Option<f64>,
    /// acquisitionCost / costRatio.
    pub retention_cost: Option<f64>,
}

pub fn retention_what_if(v: &Value) -> Result<RetentionWhatIf> {
    let (f, m, r, d) = clv_input(
        v,
        &["annualMargin", "retention", "discountRate", "retentionPoints", "customers", "costRatio", "acquisitionCost"],
    )?;
    let points = error::probability("retentionPoints", f.opt_f64("retentionPoints")?.unwrap_or(0.05))?;
    if r + points > 1.0 || r + points >= 1.0 + d {
        return Err(Error::new("retentionPoints", "retention + retentionPoints must stay at most 1 and below 1 + discountRate"));
    }
    let customers = error::non_negative("customers", f.opt_f64("customers")?.unwrap_or(1.0))?;
    let cost_ratio = error::positive("costRatio", f.opt_f64("costRatio")?.unwrap_or(5.0))?;
    let acquisition = f.opt_f64("acquisitionCost")?.map(|c| error::non_negative("acquisitionCost", c)).transpose()?;
    let before = lifetime_value(m, r, d);
    let after = lifetime_value(m, r + points, d);
    let gain = (after - before) * customers;
    let equivalent = if before > 0.0 { gain / before } else { 0.0 };
    Ok(RetentionWhatIf {
        lifetime_value: before,
        lifetime_value_after: after,
        value_of_retention: gain,
        equivalent_new_customers: equivalent,
        cost_ratio,
        acquisition_cost_of_same_value: acquisition.map(|c| c * equivalent),
        retention_cost: acquisition.map(|c| c / cost_ratio),
    })
}

impl RetentionWhatIf {
    pub fn to_val(&self) -> Value {
        Value::record(
            &["lifetimeValue", "lifetimeValueAfter", "valueOfRetention", "equivalentNewCustomers", "costRatio", "acquisitionCostOfSameValue", "retentionCost"],
            vec![
                self.lifetime_value.into(),
                self.lifetime_value_after.into(),
                self.value_of_retention.into(),
                self.equivalent_new_customers.into(),
                self.cost_ratio.into(),
                self.acquisition_cost_of_same_value.into(),
                self.retention_cost.into(),
            ],
        )
    }
}
