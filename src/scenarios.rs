//! What-if scenarios: meeting plans compared with the chance of hitting the
//! margin budget, the sensitivity of each lever, handing a step to the
//! seller strongest at it, and customer lifetime value versus acquisition.

use serde::{Deserialize, Serialize};

use crate::error::{self, Error, Result};
use crate::meetings::{check_opt_text, check_text, meetings_of, unknown_milestone, units_needed, MAX_LIST};
use crate::model::Process;
use crate::order::{order, permute};

/// Most variants `compareScenarios` accepts next to the base.
pub const MAX_VARIANTS: usize = 100;
/// Most sellers a skill profile may list.
pub const MAX_SELLERS: usize = 1000;
/// Each lever moves this share down and up in the sensitivity.
pub const SENSITIVITY_STEP: f64 = 0.1;

/// The numeric fields of a scenario, in this order.
const NUMBERS: [&str; 6] = ["meetingsPerWeek", "weeks", "meetingToOpportunity", "winRate", "averageMargin", "marginBudget"];

/// A meeting plan with its conversion: the base of `compareScenarios`, and
/// every variant once resolved over the base.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    /// Shown as given; without one the UI names the scenario by position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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

    fn from_numbers(name: Option<String>, n: [f64; 6]) -> Scenario {
        let [meetings_per_week, weeks, meeting_to_opportunity, win_rate, average_margin, margin_budget] = n;
        Scenario { name, meetings_per_week, weeks, meeting_to_opportunity, win_rate, average_margin, margin_budget }
    }

    /// Checks every field; paths are relative to the scenario.
    pub fn validate(&self) -> Result<()> {
        check_opt_text("name", self.name.as_deref())?;
        meetings_of(self.meetings_per_week, self.weeks)?;
        error::probability("meetingToOpportunity", self.meeting_to_opportunity)?;
        error::probability("winRate", self.win_rate)?;
        error::non_negative("averageMargin", self.average_margin)?;
        error::non_negative("marginBudget", self.margin_budget)?;
        Ok(())
    }
}

/// A variant of `compareScenarios`: every field it leaves out is the base's.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct Variant {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meetings_per_week: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weeks: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_to_opportunity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_margin: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin_budget: Option<f64>,
}

impl Variant {
    /// The variant over `base`, checked (paths relative to the variant). The
    /// name is not inherited: a variant without one has none.
    pub fn resolve(&self, base: &Scenario) -> Result<Scenario> {
        let s = Scenario {
            name: self.name.clone(),
            meetings_per_week: self.meetings_per_week.unwrap_or(base.meetings_per_week),
            weeks: self.weeks.unwrap_or(base.weeks),
            meeting_to_opportunity: self.meeting_to_opportunity.unwrap_or(base.meeting_to_opportunity),
            win_rate: self.win_rate.unwrap_or(base.win_rate),
            average_margin: self.average_margin.unwrap_or(base.average_margin),
            margin_budget: self.margin_budget.unwrap_or(base.margin_budget),
        };
        s.validate()?;
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
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Lever {
    /// The scenario field moved (`meetingsPerWeek`, `meetingToOpportunity`,
    /// `winRate`, `averageMargin`).
    pub lever: &'static str,
    pub low_value: f64,
    pub high_value: f64,
    pub low_expected_margin: f64,
    pub high_expected_margin: f64,
    pub low_p_hit_budget: f64,
    pub high_p_hit_budget: f64,
    pub p_hit_budget_swing: f64,
    pub expected_margin_swing: f64,
}

impl Lever {
    pub fn p_swing(&self) -> f64 {
        self.p_hit_budget_swing
    }
    pub fn margin_swing(&self) -> f64 {
        self.expected_margin_swing
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
                numbers(&Scenario::from_numbers(None, n))
            };
            let (low, high) = (at(lo), at(hi));
            Some(Lever {
                lever: NUMBERS.get(i).copied().unwrap_or(""),
                low_value: lo,
                high_value: hi,
                low_expected_margin: low.expected_margin,
                high_expected_margin: high.expected_margin,
                low_p_hit_budget: low.p_hit_budget,
                high_p_hit_budget: high.p_hit_budget,
                p_hit_budget_swing: (high.p_hit_budget - low.p_hit_budget).abs(),
                expected_margin_swing: (high.expected_margin - low.expected_margin).abs(),
            })
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

/// One scenario of `compareScenarios`' result: its numbers and the
/// sensitivity of each lever.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub meetings: f64,
    pub opportunities: f64,
    pub expected_wins: f64,
    pub expected_margin: f64,
    pub p_hit_budget: f64,
    pub required_margin_per_meeting: f64,
    /// Budget minus expected margin: positive is a shortfall.
    pub gap: f64,
    /// Wins needed to reach the budget (absent when no number of wins can).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wins_needed: Option<f64>,
    pub sensitivity: Vec<Lever>,
}

impl Outcome {
    fn of(s: Scenario) -> Outcome {
        let n = numbers(&s);
        Outcome {
            sensitivity: sensitivity(&s),
            name: s.name,
            meetings: n.meetings,
            opportunities: n.opportunities,
            expected_wins: n.expected_wins,
            expected_margin: n.expected_margin,
            p_hit_budget: n.p_hit_budget,
            required_margin_per_meeting: n.required_margin_per_meeting,
            gap: n.gap,
            wins_needed: n.wins_needed,
        }
    }

    /// The scenario's numbers.
    pub fn numbers(&self) -> Numbers {
        Numbers {
            meetings: self.meetings,
            opportunities: self.opportunities,
            expected_wins: self.expected_wins,
            expected_margin: self.expected_margin,
            p_hit_budget: self.p_hit_budget,
            required_margin_per_meeting: self.required_margin_per_meeting,
            gap: self.gap,
            wins_needed: self.wins_needed,
        }
    }
}

/// `[base, ...variants]`, each variant resolved over the base. A variant
/// that changes nothing gives the base's numbers bit for bit. Errors name
/// the argument: `base.winRate`, `variants[1].weeks`.
pub fn compare_scenarios(base: &Scenario, variants: &[Variant]) -> Result<Vec<Outcome>> {
    base.validate().map_err(|e| e.within("base"))?;
    error::at_most("variants", variants, MAX_VARIANTS, "variants")?;
    let mut scenarios = Vec::with_capacity(variants.len() + 1);
    scenarios.push(base.clone());
    for (i, v) in variants.iter().enumerate() {
        scenarios.push(v.resolve(base).map_err(|e| e.within(&error::index("variants", i)))?);
    }
    Ok(scenarios.into_iter().map(Outcome::of).collect())
}

// ------------------------------------------------------ specialisation ----

/// One entry of a skill profile: how often `seller` converts a deal from
/// `milestone` to the next mandatory milestone. The engine's seller ×
/// milestone profile maps to a list of these.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StepSkill {
    pub seller: String,
    pub milestone: String,
    pub conversion: f64,
}

impl StepSkill {
    /// Checks the fields that need no model; paths relative to the entry.
    pub fn validate(&self) -> Result<()> {
        check_text("seller", &self.seller)?;
        check_text("milestone", &self.milestone)?;
        error::probability("conversion", self.conversion)?;
        Ok(())
    }
}

/// An open deal: who owns it, where it stands (its furthest mandatory
/// milestone) and its margin.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PipelineDeal {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub seller: String,
    pub milestone: String,
    pub margin: f64,
}

impl PipelineDeal {
    /// Checks the fields that need no model; paths relative to the deal.
    pub fn validate(&self) -> Result<()> {
        check_opt_text("id", self.id.as_deref())?;
        check_text("seller", &self.seller)?;
        check_text("milestone", &self.milestone)?;
        error::non_negative("margin", self.margin)?;
        Ok(())
    }
}

/// `specialisationWhatIf` input: `{ skills, pipeline, capacity? }`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SpecialisationInput {
    pub skills: Vec<StepSkill>,
    pub pipeline: Vec<PipelineDeal>,
    /// Most deals a specialist can take over per step (unlimited when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
}

impl SpecialisationInput {
    /// Checks the fields that need no model (paths relative to the input)
    /// and returns the capacity as a count.
    pub fn validate(&self) -> Result<Option<usize>> {
        error::at_most("skills", &self.skills, MAX_LIST, "skills")?;
        error::at_most("pipeline", &self.pipeline, MAX_LIST, "pipeline")?;
        for (i, s) in self.skills.iter().enumerate() {
            s.validate().map_err(|e| e.within(&error::index("skills", i)))?;
        }
        for (i, d) in self.pipeline.iter().enumerate() {
            d.validate().map_err(|e| e.within(&error::index("pipeline", i)))?;
        }
        match self.capacity {
            None => Ok(None),
            Some(c) if c.is_finite() && c >= 0.0 && c.fract() == 0.0 && c <= MAX_LIST as f64 => Ok(Some(c as usize)),
            Some(_) => Err(Error::coded("capacity", error::ErrorCode::WholeNumber { max: error::count(MAX_LIST) }, "must be a whole number of deals >= 0")),
        }
    }
}

/// One step of `specialisationWhatIf`'s result.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    pub milestone: String,
    pub label: String,
    /// Deals that still have to pass this step.
    pub deals: usize,
    /// Mean conversion at this step of the deals' own sellers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_conversion: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialist: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialist_conversion: Option<f64>,
    /// Deals the specialist takes over at this step.
    pub handed_over: usize,
    /// Pipeline expected margin with only this step handed over.
    pub expected_margin: f64,
    pub change: f64,
}

/// `specialisationWhatIf` result.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Specialisation {
    /// Everybody does everything: each deal's own seller at every step.
    pub expected_margin: f64,
    pub steps: Vec<StepResult>,
    /// Every step handed to its specialist at once.
    pub all_steps_expected_margin: f64,
    pub all_steps_change: f64,
    /// Pipeline sellers with no entry for a step they need, who are given
    /// the team average.
    pub team_average_used: usize,
    pub assumption: Assumption,
}

/// What `specialise` assumes, for the UI to word.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Assumption {
    /// The specialist takes every deal that gains at the step, with no loss
    /// of conversion; the deal's own seller keeps every other step;
    /// conversions are the profile's, and sellers without an entry for a
    /// step get the team average.
    UnlimitedCapacity,
    /// The same, but the specialist takes at most `capacity` more deals per
    /// step (the ones that gain most).
    LimitedCapacity { capacity: usize },
}

/// What handing each step to the seller best at it would change. Steps run
/// along the mandatory milestones: step j converts a deal from mandatory
/// milestone j to mandatory milestone j + 1; the last mandatory milestone is
/// the win. A deal's expected margin is its margin times the conversions of
/// the steps still ahead of it.
pub fn specialise(process: &Process, input: &SpecialisationInput) -> Result<Specialisation> {
    let capacity = input.validate()?;
    let (skills, pipeline) = (&input.skills, &input.pipeline);
    let ladder: Vec<usize> = process.indices().filter(|&i| process.is_mandatory(i)).collect();
    let steps = ladder.len().saturating_sub(1);
    if steps == 0 {
        return Err(Error::coded("model", error::ErrorCode::FewMandatory { min: 2 }, "needs at least two mandatory milestones for steps between them"));
    }
    // The step starting at milestone `id` of entry `k` of `list` (the error
    // path is built only on error).
    let step_of = |id: &str, list: &str, k: usize| -> Result<usize> {
        let path = || error::join(&error::index(list, k), "milestone");
        let Some(i) = process.find(id) else {
            return Err(unknown_milestone(id).within(&path()));
        };
        ladder.iter().take(steps).position(|&m| m == i).ok_or_else(|| {
            // A step starts at a mandatory milestone before the last one.
            let expected = ladder.iter().take(steps).map(|&m| process.id(m).to_string()).collect();
            let code = error::ErrorCode::UnknownValue { value: id.chars().take(200).collect(), expected };
            Error::coded(path(), code, "must be a mandatory milestone before the last one (a step runs from one mandatory milestone to the next)")
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
                    return Err(Error::coded("skills", error::ErrorCode::TooMany { max: error::count(MAX_SELLERS) }, format!("at most {MAX_SELLERS} sellers are supported")));
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
                return Err(Error::coded(error::index("skills", k), error::ErrorCode::Duplicate, "duplicate seller and milestone"));
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
                        Error::coded("skills", error::ErrorCode::NotFound { value: step.chars().take(200).collect() }, format!("no seller has a conversion for step \"{step}\""))
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
    let assumption = match capacity {
        None => Assumption::UnlimitedCapacity,
        Some(capacity) => Assumption::LimitedCapacity { capacity },
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

// ------------------------------------------------------ lifetime value ----

/// Customer lifetime value: margin `m` counted at the end of each year the
/// customer stays, kept with probability `r` a year, discounted at `d`:
/// m/(1+d) + m·r/(1+d)² + ... = m / (1 + d − r).
pub fn lifetime_value(annual_margin: f64, retention: f64, discount_rate: f64) -> f64 {
    annual_margin / (1.0 + discount_rate - retention)
}

/// Checks margin, retention and discount rate (paths are the field names).
fn check_clv(annual_margin: f64, retention: f64, discount_rate: f64) -> Result<()> {
    error::non_negative("annualMargin", annual_margin)?;
    error::probability("retention", retention)?;
    error::non_negative("discountRate", discount_rate)?;
    if retention >= 1.0 + discount_rate {
        return Err(Error::coded("retention", error::ErrorCode::LessThan { max: 1.0 + discount_rate }, "must be below 1 + discountRate (otherwise the value never ends)"));
    }
    Ok(())
}

/// `lifetimeValue` input.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LifetimeInput {
    pub annual_margin: f64,
    /// Share of customers kept each year, 0 to 1.
    pub retention: f64,
    pub discount_rate: f64,
}

impl LifetimeInput {
    /// Checks every field; paths are relative to the input.
    pub fn validate(&self) -> Result<()> {
        check_clv(self.annual_margin, self.retention, self.discount_rate)
    }
}

/// `lifetimeValue` result.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Lifetime {
    pub lifetime_value: f64,
    /// Expected years as a customer, 1 / (1 − r); absent when retention is 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_years: Option<f64>,
}

/// `lifetimeValue`: validates `input`, then m / (1 + d − r).
pub fn lifetime(input: &LifetimeInput) -> Result<Lifetime> {
    input.validate()?;
    let r = input.retention;
    Ok(Lifetime {
        lifetime_value: lifetime_value(input.annual_margin, r, input.discount_rate),
        expected_years: (r < 1.0).then(|| 1.0 / (1.0 - r)),
    })
}

/// `retentionWhatIf` input: the lifetime value's fields, plus
/// `retentionPoints` more retention (default 0.05) over `customers`
/// (default 1), with acquiring a customer costing `costRatio` (default 5)
/// times keeping one, and optionally `acquisitionCost` in money.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RetentionInput {
    pub annual_margin: f64,
    pub retention: f64,
    pub discount_rate: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_points: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_ratio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquisition_cost: Option<f64>,
}

impl RetentionInput {
    pub fn retention_points(&self) -> f64 {
        self.retention_points.unwrap_or(0.05)
    }
    pub fn customers(&self) -> f64 {
        self.customers.unwrap_or(1.0)
    }
    pub fn cost_ratio(&self) -> f64 {
        self.cost_ratio.unwrap_or(5.0)
    }

    /// Checks every field; paths are relative to the input.
    pub fn validate(&self) -> Result<()> {
        let (r, d) = (self.retention, self.discount_rate);
        check_clv(self.annual_margin, r, d)?;
        let points = error::probability("retentionPoints", self.retention_points())?;
        if r + points > 1.0 || r + points >= 1.0 + d {
            // At most 1 - retention, and below it when discountRate is 0.
            let code = if d > 0.0 { error::ErrorCode::Range { min: 0.0, max: 1.0 - r } } else { error::ErrorCode::LessThan { max: 1.0 - r } };
            return Err(Error::coded("retentionPoints", code, "retention + retentionPoints must stay at most 1 and below 1 + discountRate"));
        }
        error::non_negative("customers", self.customers())?;
        error::positive("costRatio", self.cost_ratio())?;
        if let Some(c) = self.acquisition_cost {
            error::non_negative("acquisitionCost", c)?;
        }
        Ok(())
    }
}

/// Retention versus acquisition: the value of more retention over the
/// customers, the number of new customers that would bring the same value,
/// and what winning them would cost.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RetentionWhatIf {
    pub lifetime_value: f64,
    pub lifetime_value_after: f64,
    /// Value gained over all customers.
    pub value_of_retention: f64,
    /// New customers (at today's lifetime value) bringing the same value.
    pub equivalent_new_customers: f64,
    pub cost_ratio: f64,
    /// In money when `acquisitionCost` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquisition_cost_of_same_value: Option<f64>,
    /// acquisitionCost / costRatio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_cost: Option<f64>,
}

/// `retentionWhatIf`: validates `input`, then compares.
pub fn retention_what_if(input: &RetentionInput) -> Result<RetentionWhatIf> {
    input.validate()?;
    let (m, r, d) = (input.annual_margin, input.retention, input.discount_rate);
    let cost_ratio = input.cost_ratio();
    let before = lifetime_value(m, r, d);
    let after = lifetime_value(m, r + input.retention_points(), d);
    let gain = (after - before) * input.customers();
    let equivalent = if before > 0.0 { gain / before } else { 0.0 };
    Ok(RetentionWhatIf {
        lifetime_value: before,
        lifetime_value_after: after,
        value_of_retention: gain,
        equivalent_new_customers: equivalent,
        cost_ratio,
        acquisition_cost_of_same_value: input.acquisition_cost.map(|c| c * equivalent),
        retention_cost: input.acquisition_cost.map(|c| c / cost_ratio),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        Scenario {
            name: Some("Today".into()),
            meetings_per_week: 5.0,
            weeks: 4.0,
            meeting_to_opportunity: 0.25,
            win_rate: 0.4,
            average_margin: 50_000.0,
            margin_budget: 200_000.0,
        }
    }

    #[test]
    fn a_variant_inherits_every_number_it_leaves_out_but_not_the_name() {
        let b = base();
        let same = Variant::default().resolve(&b).unwrap();
        assert_eq!(same, Scenario { name: None, ..b.clone() });
        let v = Variant { win_rate: Some(0.5), name: Some("Better".into()), ..Variant::default() };
        let s = v.resolve(&b).unwrap();
        assert_eq!((s.win_rate, s.weeks, s.name.as_deref()), (0.5, 4.0, Some("Better")));
        // The check runs on the resolved scenario: an inherited number can make it bad.
        let v = Variant { meetings_per_week: Some(30_000.0), ..Variant::default() };
        assert!(v.resolve(&b).unwrap_err().to_string().starts_with("weeks: meetingsPerWeek × weeks"));
    }

    #[test]
    fn specialisation_capacity_is_a_whole_count() {
        let mut input = SpecialisationInput::default();
        assert_eq!(input.validate(), Ok(None));
        input.capacity = Some(3.0);
        assert_eq!(input.validate(), Ok(Some(3)));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, (MAX_LIST + 1) as f64] {
            input.capacity = Some(bad);
            assert_eq!(input.validate().unwrap_err().path, "capacity", "{bad}");
        }
    }

    #[test]
    fn retention_defaults_are_the_documented_ones() {
        let r = RetentionInput { annual_margin: 1.0, retention: 0.5, discount_rate: 0.1, ..RetentionInput::default() };
        assert_eq!((r.retention_points(), r.customers(), r.cost_ratio()), (0.05, 1.0, 5.0));
        assert_eq!(r.validate(), Ok(()));
        let nan = RetentionInput { customers: Some(f64::NAN), ..r };
        assert_eq!(nan.validate().unwrap_err().path, "customers");
    }
}
