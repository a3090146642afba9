//! Meetings and scenarios, driven with the same JSON-like values JS sends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};
use stagecast::Scorer;
use stagecast::meetings::{self, order_desc, CheckStatus, KeyRole, Meeting, PlanInput, RankOptions, Reason, ValueOptions};
use stagecast::scenarios::{self, binomial, p_at_least, Scenario, SpecialisationInput, Variant};
use stagecast::{default_model, Deal, Event, Milestone, ProcessModel};

/// Reads `v` as JS would send it (serde, as the boundary does).
fn from<T: DeserializeOwned>(v: Json) -> T {
    serde_json::from_value(v).unwrap()
}

/// The boundary's read: a deserialization error (wrong type, missing field).
fn bad_shape<T: DeserializeOwned + std::fmt::Debug>(v: Json) -> String {
    serde_json::from_value::<T>(v).unwrap_err().to_string()
}

fn err<T: std::fmt::Debug>(r: stagecast::Result<T>) -> String {
    r.unwrap_err().to_string()
}

fn plan(v: Json) -> stagecast::Result<meetings::MeetingPlan> {
    meetings::meeting_plan(&from::<PlanInput>(v))
}

// ------------------------------------------------------------- plan ----

#[test]
fn plan_of_five_a_week_for_four_weeks_is_twenty_meetings_of_ten_thousand() {
    let p = plan(json!({ "marginBudget": 200000, "meetingsPerWeek": 5, "weeks": 4 })).unwrap();
    assert_eq!(p.meetings, 20.0);
    assert_eq!(p.required_margin_per_meeting, 10_000.0);
    assert_eq!(p.expected_margin, None);
    assert_eq!(p.gap, None);
}

#[test]
fn plan_with_conversion_gives_meetings_needed_and_gap() {
    let p = plan(json!({ "marginBudget": 200000, "meetingsPerWeek": 5, "weeks": 4,
        "meetingToOpportunity": 0.25, "winRate": 0.4, "averageMargin": 50000 }))
    .unwrap();
    assert_eq!(p.opportunities, Some(5.0));
    assert!((p.expected_wins.unwrap() - 2.0).abs() < 1e-12);
    assert!((p.expected_margin_per_meeting.unwrap() - 5000.0).abs() < 1e-9);
    assert!((p.expected_margin.unwrap() - 100_000.0).abs() < 1e-6);
    assert_eq!(p.meetings_needed, Some(40.0));
    assert_eq!(p.meetings_needed_per_week, Some(10.0));
    assert_eq!(p.extra_meetings, Some(20.0));
    assert!((p.gap.unwrap() - 100_000.0).abs() < 1e-6);
    // Nothing converts: no number of meetings is enough.
    let p = plan(json!({ "marginBudget": 1, "meetingsPerWeek": 5, "weeks": 4,
        "meetingToOpportunity": 0, "winRate": 0.4, "averageMargin": 50000 }))
    .unwrap();
    assert_eq!(p.meetings_needed, None);
}

#[test]
fn units_needed_is_not_fooled_by_rounding() {
    assert_eq!(meetings::units_needed(0.3, 0.1), Some(3.0));
    assert_eq!(meetings::units_needed(200_000.0, 50_000.0), Some(4.0));
    assert_eq!(meetings::units_needed(200_001.0, 50_000.0), Some(5.0));
    assert_eq!(meetings::units_needed(0.0, 0.0), Some(0.0));
    assert_eq!(meetings::units_needed(1.0, 0.0), None);
}

#[test]
fn plan_bad_input_names_the_field() {
    let base = json!({ "marginBudget": 200000, "meetingsPerWeek": 5, "weeks": 4 });
    let with = |k: &str, v: Json| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    assert_eq!(err(plan(with("meetingsPerWeek", json!(0)))), "meetingsPerWeek: must be > 0");
    assert_eq!(err(plan(with("meetingsPerWeek", json!(-5)))), "meetingsPerWeek: must be > 0");
    assert_eq!(err(plan(with("weeks", json!(0)))), "weeks: must be > 0");
    assert_eq!(err(plan(with("marginBudget", json!(-1)))), "marginBudget: must be a finite number >= 0");
    assert!(err(plan(with("weeks", json!(1e9)))).starts_with("weeks: meetingsPerWeek × weeks must be"));
    // Non-finite numbers (JS NaN and Infinity arrive as numbers).
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let p = PlanInput { margin_budget: 200000.0, meetings_per_week: bad, weeks: 4.0, ..PlanInput::default() };
        assert_eq!(err(p.validate()), "meetingsPerWeek: must be > 0");
    }
    let p = PlanInput { margin_budget: f64::NAN, meetings_per_week: 5.0, weeks: 4.0, ..PlanInput::default() };
    assert_eq!(err(meetings::meeting_plan(&p)), "marginBudget: must be a finite number >= 0");
    let mut b = with("winRate", json!(1.5));
    b["meetingToOpportunity"] = json!(0.2);
    b["averageMargin"] = json!(1000);
    assert_eq!(err(plan(b)), "winRate: must be a number between 0 and 1");
    assert!(err(plan(with("winRate", json!(0.3)))).starts_with("meetingToOpportunity: is required with"));
    // Wrong types and missing fields are the boundary's (serde) errors now;
    // unknown keys are ignored, as for deals (a misspelt required field
    // then shows as missing).
    assert!(bad_shape::<PlanInput>(with("weeks", json!("4"))).contains("invalid type: string"));
    assert!(bad_shape::<PlanInput>(json!({ "meetingsPerWeek": 5, "weeks": 4 })).contains("missing field `marginBudget`"));
    assert!(bad_shape::<PlanInput>(json!([1, 2])).contains("invalid"));
    let typo = json!({ "marginBudget": 1, "meetingPerWeek": 5, "weeks": 4 });
    assert!(bad_shape::<PlanInput>(typo).contains("missing field `meetingsPerWeek`"));
    assert!(plan(with("note", json!("extra keys are ignored"))).is_ok());
}

// -------------------------------------------------------- binomial ----

fn exact_tail(n: u64, q: f64, k: u64) -> f64 {
    // Direct sum with binomial coefficients built in f64 (fine for n <= 60).
    let mut c = 1.0f64;
    let mut sum = 0.0;
    for j in 0..=n {
        if j > 0 {
            c = c * (n - j + 1) as f64 / j as f64;
        }
        if j >= k {
            sum += c * q.powi(j as i32) * (1.0 - q).powi((n - j) as i32);
        }
    }
    sum
}

#[test]
fn binomial_tail_matches_the_direct_sum() {
    for n in [0u64, 1, 2, 5, 20, 37, 60] {
        for q in [0.0, 1e-6, 0.01, 0.1, 0.37, 0.5, 0.9, 0.999, 1.0] {
            for k in 1..=n + 1 {
                let got = binomial(n, q, k).0;
                let want = exact_tail(n, q, k);
                assert!((got - want).abs() < 1e-12, "n={n} q={q} k={k}: {got} vs {want}");
            }
        }
    }
    // Exact value (rational arithmetic): P(Bin(20, 0.1) >= 4).
    assert!((p_at_least(20.0, 0.1, 4.0) - 0.13295332343433508).abs() < 1e-14);
}

#[test]
fn fractional_meetings_are_a_last_meeting_with_the_leftover_chance() {
    // 2.5 meetings, q = 0.4: two Bernoulli(0.4) and one Bernoulli(0.2).
    let (q, f) = (0.4, 0.5);
    let p_ge = |k: u32| {
        let mut total = 0.0;
        for a in 0..2u32 {
            for b in 0..2u32 {
                for c in 0..2u32 {
                    let pa = if a == 1 { q } else { 1.0 - q };
                    let pb = if b == 1 { q } else { 1.0 - q };
                    let pc = if c == 1 { f * q } else { 1.0 - f * q };
                    if a + b + c >= k {
                        total += pa * pb * pc;
                    }
                }
            }
        }
        total
    };
    for k in 0..=4u32 {
        assert!((p_at_least(2.5, q, f64::from(k)) - p_ge(k)).abs() < 1e-14, "k={k}");
    }
}

#[test]
fn large_counts_stay_stable_and_in_range() {
    let mut last = 0.0;
    for n in [1000.0, 10_000.0, 50_000.0, 100_000.0] {
        let p = p_at_least(n, 0.02, 1000.0);
        assert!((0.0..=1.0).contains(&p), "{p}");
        assert!(p >= last, "more meetings never lower the chance");
        last = p;
    }
    // Mean 2000, sd ~44: 1000 wins is certain, 3000 is impossible.
    assert!((p_at_least(100_000.0, 0.02, 1000.0) - 1.0).abs() < 1e-15);
    assert!(p_at_least(100_000.0, 0.02, 3000.0) < 1e-15);
    // Around the mean, about one half.
    let p = p_at_least(100_000.0, 0.5, 50_000.0);
    assert!((p - 0.5).abs() < 0.01, "{p}");
    for q in [0.0, 1e-300, 0.3, 1.0 - 1e-12, 1.0] {
        for k in [0.0, 1.0, 7.0, 1e6] {
            let p = p_at_least(12.7, q, k);
            assert!((0.0..=1.0).contains(&p) && p.is_finite(), "q={q} k={k}: {p}");
        }
    }
}

// -------------------------------------------------------- scenarios ----

fn compare(b: Json, v: Json) -> stagecast::Result<Vec<scenarios::Outcome>> {
    scenarios::compare_scenarios(&from::<Scenario>(b), &from::<Vec<Variant>>(v))
}

fn base() -> Json {
    json!({ "name": "Today", "meetingsPerWeek": 5, "weeks": 4, "meetingToOpportunity": 0.25,
            "winRate": 0.4, "averageMargin": 50000, "marginBudget": 200000 })
}

#[test]
fn empty_variant_equals_the_base_bit_for_bit() {
    let out = compare(base(), json!([{}, { "winRate": 0.5 }])).unwrap();
    assert_eq!(out.len(), 3);
    let (b, v) = (&out[0], &out[1]);
    assert_eq!(b.name.as_deref(), Some("Today"));
    assert_eq!(v.name, None, "a variant without a name has none (the UI names it)");
    let bits = |n: &scenarios::Numbers| {
        [n.meetings, n.opportunities, n.expected_wins, n.expected_margin, n.p_hit_budget, n.required_margin_per_meeting, n.gap]
            .map(f64::to_bits)
    };
    assert_eq!(bits(&b.numbers()), bits(&v.numbers()));
    assert_eq!(b.numbers(), v.numbers());
    assert_eq!(b.sensitivity, v.sensitivity);
    // The other variant moves what it should.
    assert!(out[2].numbers().expected_margin > b.numbers().expected_margin);
    assert!(out[2].numbers().p_hit_budget > b.numbers().p_hit_budget);
    assert_eq!(out[2].numbers().meetings, b.numbers().meetings);
}

#[test]
fn scenario_numbers_follow_the_closed_form() {
    let out = compare(base(), json!([])).unwrap();
    let n = out[0].numbers();
    assert_eq!(n.meetings, 20.0);
    assert_eq!(n.opportunities, 5.0);
    assert!((n.expected_wins - 2.0).abs() < 1e-12);
    assert!((n.expected_margin - 100_000.0).abs() < 1e-6);
    assert_eq!(n.required_margin_per_meeting, 10_000.0);
    assert!((n.gap - 100_000.0).abs() < 1e-6);
    assert_eq!(n.wins_needed, Some(4.0));
    assert!((n.p_hit_budget - 0.13295332343433508).abs() < 1e-14);
}

#[test]
fn sensitivity_lists_each_lever_sorted_by_swing() {
    let out = compare(base(), json!([])).unwrap();
    let s = &out[0].sensitivity;
    let mut names: Vec<&str> = s.iter().map(|l| l.lever).collect();
    names.sort_unstable();
    assert_eq!(names, ["averageMargin", "meetingToOpportunity", "meetingsPerWeek", "winRate"]);
    assert!(s.windows(2).all(|w| w[0].p_swing() >= w[1].p_swing()));
    for l in s {
        assert!((0.0..=1.0).contains(&l.low_p_hit_budget) && (0.0..=1.0).contains(&l.high_p_hit_budget));
        assert!(l.low_expected_margin < l.high_expected_margin);
    }
    // Rates are capped at 1.
    let out = compare(json!({ "meetingsPerWeek": 5, "weeks": 4, "meetingToOpportunity": 1,
        "winRate": 0.95, "averageMargin": 50000, "marginBudget": 200000 }), json!([]))
    .unwrap();
    let m2o = out[0].sensitivity.iter().find(|l| l.lever == "meetingToOpportunity").unwrap();
    assert_eq!(m2o.high_value, 1.0);
    let win = out[0].sensitivity.iter().find(|l| l.lever == "winRate").unwrap();
    assert_eq!(win.high_value, 1.0);
}

#[test]
fn scenario_bad_input_names_the_field() {
    let cmp = |b: Json, v: Json| compare(b, v).map(|_| ());
    assert_eq!(err(cmp(base(), json!([{}, { "winRate": 1.2 }]))), "variants[1].winRate: must be a number between 0 and 1");
    assert_eq!(err(cmp(base(), json!([{ "meetingsPerWeek": 0 }]))), "variants[0].meetingsPerWeek: must be > 0");
    // A variant's bad field is named even when the base is what makes it bad:
    // 100 meetings a week for 2000 weeks is too many meetings.
    assert!(err(cmp(base(), json!([{}, {}, { "weeks": 2000, "meetingsPerWeek": 100 }]))).starts_with("variants[2].weeks: meetingsPerWeek × weeks"));
    let mut b = base();
    b["meetingToOpportunity"] = json!(-0.1);
    assert_eq!(err(cmp(b, json!([]))), "base.meetingToOpportunity: must be a number between 0 and 1");
    let mut b = base();
    b["name"] = json!("x".repeat(201));
    assert_eq!(err(cmp(b, json!([]))), "base.name: must be at most 200 characters");
    let many: Vec<Json> = (0..101).map(|_| json!({})).collect();
    assert_eq!(err(cmp(base(), Json::Array(many))), "variants: at most 100 variants are supported (got 101)");
    let hundred: Vec<Json> = (0..100).map(|_| json!({})).collect();
    assert!(cmp(base(), Json::Array(hundred)).is_ok());
    // Shapes are the boundary's: a missing base field, a variant list that is
    // not a list. Unknown keys are ignored, so a misspelt variant field
    // changes nothing.
    let mut b = base();
    b.as_object_mut().unwrap().remove("averageMargin");
    assert!(bad_shape::<Scenario>(b).contains("missing field `averageMargin`"));
    assert!(bad_shape::<Vec<Variant>>(json!({})).contains("invalid type: map"));
    let out = compare(base(), json!([{ "winrate": 0.5 }])).unwrap();
    assert_eq!(out[0].numbers(), out[1].numbers());
}

#[test]
fn property_probabilities_stay_in_range_over_a_grid() {
    for mpw in [0.5, 1.0, 2.5, 5.0, 12.3] {
        for rate in [0.0, 0.05, 0.3, 1.0] {
            for budget in [0.0, 1.0, 50_000.0, 1e7] {
                let b = json!({ "meetingsPerWeek": mpw, "weeks": 13, "meetingToOpportunity": rate, "winRate": 0.5,
                    "averageMargin": 20000, "marginBudget": budget });
                let out = compare(b, json!([{}])).unwrap();
                assert_eq!(out[0].numbers(), out[1].numbers());
                for o in &out {
                    assert!((0.0..=1.0).contains(&o.numbers().p_hit_budget));
                    if budget == 0.0 {
                        assert_eq!(o.numbers().p_hit_budget, 1.0);
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------ value ----

fn deal(id: &str, reached: &[&str], margin: Option<f64>) -> Deal {
    Deal {
        id: id.into(),
        margin,
        events: reached.iter().map(|m| Event { milestone: m.to_string(), date: None }).collect(),
        ..Deal::default()
    }
}

fn process() -> Scorer {
    Scorer::new(default_model()).unwrap()
}

#[test]
fn meeting_value_is_the_probability_rise_times_margin() {
    let p = process();
    let mut d = deal("d1", &["need_confirmed"], Some(100_000.0));
    let opts = ValueOptions { required_margin_per_meeting: Some(10_000.0), ..ValueOptions::default() };
    let v = meetings::meeting_value(&p, &mut d, "mobilizer_met", &opts).unwrap();
    assert!((v.probability_before - 0.10).abs() < 1e-12);
    assert!((v.probability_after - 0.18).abs() < 1e-12);
    assert!((v.value - 8000.0).abs() < 1e-6);
    assert_eq!(v.worth_it, Some(false));
    assert!((v.ratio.unwrap() - 0.8).abs() < 1e-12);
    assert_eq!(d.events.len(), 1, "the deal is left as it was");
    // Margin from value × marginRate, and a plan instead of the required margin.
    let mut d = deal("d2", &["need_confirmed", "mobilizer_met"], None);
    d.value = Some(500_000.0);
    let o: ValueOptions = from(json!({ "marginRate": 0.4, "plan": { "marginBudget": 200000, "meetingsPerWeek": 5, "weeks": 4 } }));
    assert_eq!(o.required(), Some(10_000.0));
    let v = meetings::meeting_value(&p, &mut d, "solution_presented", &o).unwrap();
    assert!((v.margin - 200_000.0).abs() < 1e-9);
    assert!((v.value - (0.40 - 0.18) * 200_000.0).abs() < 1e-6);
    assert_eq!(v.worth_it, Some(true));
    // Already reached: worth nothing.
    let v = meetings::meeting_value(&p, &mut d, "mobilizer_met", &o).unwrap();
    assert!(v.already_reached && v.value == 0.0);
}

#[test]
fn meeting_value_with_dated_events_puts_the_new_step_last() {
    let p = process();
    let mut d = deal("d", &[], Some(1000.0));
    d.events = vec![
        Event { milestone: "mobilizer_met".into(), date: Some("2024-03-10".into()) },
        Event { milestone: "need_confirmed".into(), date: Some("2024-03-01".into()) },
    ];
    let v = meetings::meeting_value(&p, &mut d, "solution_presented", &ValueOptions::default())
        .unwrap();
    assert!((v.probability_after - 0.40).abs() < 1e-12, "{}", v.probability_after);
    assert_eq!(v.worth_it, None);
}

#[test]
fn meeting_value_errors_name_the_field() {
    let p = process();
    let mut d = deal("d", &["need_confirmed"], Some(1.0));
    let e = meetings::meeting_value(&p, &mut d, "nope", &ValueOptions::default());
    assert_eq!(err(e), "milestoneId: unknown milestone \"nope\"");
    let mut d = deal("d", &["need_confirmed"], None);
    let e = meetings::meeting_value(&p, &mut d, "mobilizer_met", &ValueOptions::default());
    assert!(err(e).starts_with("deal.margin: is required"));
    let bad = |o: Json| {
        let mut d = deal("d", &["need_confirmed"], Some(1.0));
        err(meetings::meeting_value(&p, &mut d, "mobilizer_met", &from::<ValueOptions>(o)))
    };
    assert_eq!(bad(json!({ "marginRate": 2 })), "options.marginRate: must be a number between 0 and 1");
    assert_eq!(bad(json!({ "requiredMarginPerMeeting": -2 })), "options.requiredMarginPerMeeting: must be a finite number >= 0");
    assert_eq!(
        bad(json!({ "requiredMarginPerMeeting": 2, "plan": { "marginBudget": 1, "meetingsPerWeek": 1, "weeks": 1 } })),
        "options.plan: give either plan or requiredMarginPerMeeting, not both"
    );
    // A bad field deep inside names its whole path.
    assert_eq!(
        bad(json!({ "plan": { "marginBudget": 1, "meetingsPerWeek": 1, "weeks": 1, "winRate": 0.5, "meetingToOpportunity": 0.1, "averageMargin": -3 } })),
        "options.plan.averageMargin: must be a finite number >= 0"
    );
    assert_eq!(bad(json!({ "plan": { "marginBudget": 1, "meetingsPerWeek": 1, "weeks": 0 } })), "options.plan.weeks: must be > 0");
    // The deal's own fields are named under `deal`.
    let mut d = deal("d", &["need_confirmed"], Some(-1.0));
    assert_eq!(err(meetings::meeting_value(&p, &mut d, "mobilizer_met", &ValueOptions::default())), "deal.margin: must be a finite number >= 0");
    // Unknown keys are ignored (a misspelt option has no effect).
    let o: ValueOptions = from(json!({ "requiredMarginPerMeting": 2 }));
    assert_eq!(o, ValueOptions::default());
}

// ------------------------------------------------------------- rank ----

fn rank(p: &Scorer, meetings: Json, options: Json) -> stagecast::Result<Vec<meetings::RankedMeeting>> {
    let mut m: Vec<Meeting> = from(meetings);
    let mut o: RankOptions = from(options);
    meetings::rank_meetings(p, &mut m, &mut o)
}

fn deals_json() -> Json {
    json!([
        { "id": "big", "margin": 100000, "events": [{ "milestone": "need_confirmed" }], "attributes": { "industry": "manufacturing" } },
        { "id": "small", "margin": 10000, "events": [{ "milestone": "need_confirmed" }], "attributes": { "industry": "retail" } },
        { "id": "late", "margin": 50000, "events": [{ "milestone": "need_confirmed" }, { "milestone": "mobilizer_met" },
            { "milestone": "solution_presented" }, { "milestone": "proposal_requested" }] },
    ])
}

#[test]
fn rank_meetings_by_value_with_reasons() {
    let p = process();
    let meetings = json!([
        { "dealId": "small", "targetMilestone": "mobilizer_met", "attendees": [{ "role": "Mobilizer" }] },
        { "dealId": "big", "targetMilestone": "mobilizer_met", "attendees": [{ "role": "IT" }] },
        { "dealId": "late", "targetMilestone": "verbal_yes", "attendees": [{ "role": "decision maker", "name": "CFO" }] },
        { "dealId": "big" },
        { "dealId": "small", "targetMilestone": "mobilizer_met", "prepared": false },
    ]);
    let opts = json!({ "requiredMarginPerMeeting": 10000, "idealCustomer": { "industry": "Manufacturing" }, "deals": deals_json() });
    let r = rank(&p, meetings, opts).unwrap();
    let order: Vec<usize> = r.iter().map(|m| m.index).collect();
    // late: (0.82-0.55)*50000 = 13500; big: 8000; small: 800 twice (input order); no target: 0.
    assert_eq!(order, vec![2, 1, 0, 4, 3]);
    assert_eq!(r.iter().map(|m| m.rank).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    assert!((r[0].value - 13_500.0).abs() < 1e-6);
    assert_eq!(r[0].worth_it, Some(true));
    let late = &r[0].checks;
    assert_eq!(late.right_people.status, CheckStatus::Pass);
    assert_eq!(late.right_people.reason, Reason::KeyPersonAttends { role: KeyRole::DecisionMaker });
    // No industry on the deal: the fit is unknown, neither a pass nor a fail.
    assert_eq!(late.right_customer.status, CheckStatus::Unknown);
    assert_eq!(late.right_customer.reason, Reason::AttributeMissing { attribute: "industry".into() });
    let big = &r[1];
    assert_eq!((big.checks.right_customer.status, &big.checks.right_customer.reason), (CheckStatus::Pass, &Reason::IdealCustomer));
    assert_eq!((big.checks.right_people.status, &big.checks.right_people.reason), (CheckStatus::Fail, &Reason::NoKeyPeople));
    assert_eq!(big.checks.prepared.status, CheckStatus::Pass);
    assert_eq!(big.checks.prepared.reason, Reason::AimsAtTarget { milestone: "mobilizer_met".into(), confirmed: false });
    assert_eq!(big.passed, 2);
    let small = &r[2].checks;
    assert_eq!(small.right_customer.status, CheckStatus::Fail);
    assert_eq!(
        small.right_customer.reason,
        Reason::NotIdealCustomer { attribute: "industry".into(), value: "retail".into(), wanted: "Manufacturing".into() }
    );
    assert_eq!(small.right_people.reason, Reason::KeyPersonAttends { role: KeyRole::Mobilizer });
    assert_eq!(r[2].passed, 2);
    assert_eq!(r[3].checks.prepared.status, CheckStatus::Fail);
    assert_eq!(r[3].checks.prepared.reason, Reason::MarkedNotPrepared { milestone: "mobilizer_met".into() });
    // Nobody said who attends: unknown, not a fail.
    assert_eq!((r[3].checks.right_people.status, &r[3].checks.right_people.reason), (CheckStatus::Unknown, &Reason::AttendeesUnknown));
    let none = &r[4];
    assert_eq!((none.checks.prepared.status, &none.checks.prepared.reason), (CheckStatus::Fail, &Reason::NoTarget));
    assert_eq!(none.value, 0.0);
    // The people check passes when the mobilizer is already met; with no
    // ideal customer profile the fit is unknown and not counted as passed.
    let r = rank(&p, json!([{ "dealId": "late", "targetMilestone": "verbal_yes", "prepared": true }]), json!({ "deals": deals_json() })).unwrap();
    assert_eq!(r[0].checks.right_people.status, CheckStatus::Pass);
    assert_eq!(r[0].checks.right_people.reason, Reason::PeopleEngaged { milestone: "mobilizer_met".into() });
    assert_eq!((r[0].checks.right_customer.status, &r[0].checks.right_customer.reason), (CheckStatus::Unknown, &Reason::FitNotChecked));
    assert_eq!(r[0].checks.prepared.reason, Reason::AimsAtTarget { milestone: "verbal_yes".into(), confirmed: true });
    assert_eq!(r[0].passed, 2);
}

#[test]
fn rank_meetings_customer_check_covers_closed_deals_and_the_minimum() {
    let p = process();
    let deals = json!([
        { "id": "won", "margin": 1, "status": "won" },
        { "id": "lost", "margin": 1, "status": "lost" },
        { "id": "open", "margin": 1, "events": [{ "milestone": "need_confirmed" }], "attributes": { "industry": "retail" } },
    ]);
    let ms = json!([{ "dealId": "won" }, { "dealId": "lost" }, { "dealId": "open" }]);
    let r = rank(&p, ms.clone(), json!({ "deals": deals, "minProbability": 0.5 })).unwrap();
    let by = |i: usize| r.iter().find(|m| m.index == i).unwrap().checks.right_customer.clone();
    assert_eq!((by(0).status, by(0).reason), (CheckStatus::Fail, Reason::DealWon));
    assert_eq!((by(1).status, by(1).reason), (CheckStatus::Fail, Reason::DealLost));
    assert_eq!(by(2).status, CheckStatus::Fail);
    let Reason::BelowMinProbability { probability, min_probability } = by(2).reason else { panic!("{:?}", by(2).reason) };
    assert!((probability - 0.1).abs() < 1e-12 && min_probability == 0.5, "{probability}");
    // A definite mismatch on one attribute fails even when another is missing.
    let r = rank(&p, json!([{ "dealId": "open" }]), json!({ "deals": deals, "idealCustomer": { "a_size": "big", "industry": "public" } })).unwrap();
    assert_eq!(r[0].checks.right_customer.status, CheckStatus::Fail);
    assert!(matches!(r[0].checks.right_customer.reason, Reason::NotIdealCustomer { .. }));
}

#[test]
fn rank_meetings_takes_inline_deals_and_names_bad_fields() {
    let p = process();
    let r = rank(&p, json!([{ "deal": { "id": "inline", "margin": 1000 }, "targetMilestone": "need_confirmed" }]), json!({})).unwrap();
    assert_eq!(r[0].deal_id, "inline");
    assert!((r[0].value - 50.0).abs() < 1e-9);
    let o = json!({ "deals": [{ "id": "a", "margin": 1 }] });
    let run = |v: Json| rank(&p, v, o.clone()).map(|_| ());
    assert_eq!(err(run(json!([{ "dealId": "zz" }]))), "meetings[0].dealId: no deal with id \"zz\" in options.deals");
    assert_eq!(err(run(json!([{}]))), "meetings[0].dealId: is required (or give the deal itself as deal)");
    assert_eq!(err(run(json!([{ "dealId": "a", "deal": { "id": "a" } }]))), "meetings[0].dealId: give either dealId or deal, not both");
    assert_eq!(
        err(run(json!([{ "dealId": "a" }, { "dealId": "a", "targetMilestone": "x" }]))),
        "meetings[1].targetMilestone: unknown milestone \"x\""
    );
    let many: Vec<Json> = (0..10_001).map(|_| json!({ "dealId": "a" })).collect();
    assert_eq!(err(run(Json::Array(many))), "meetings: at most 10000 meetings are supported (got 10001)");
    // Bad fields deep inside name their whole path.
    let long = "x".repeat(201);
    assert_eq!(
        err(run(json!([{ "dealId": "a" }, { "dealId": "a", "attendees": [{ "role": "CEO" }, { "role": long }] }]))),
        "meetings[1].attendees[1].role: must be at most 200 characters"
    );
    assert_eq!(
        err(run(json!([{ "dealId": "a" }, { "deal": { "id": "b", "margin": 1, "events": [{ "milestone": "need_confirmed", "date": "2024-02-30" }] } }]))),
        "meetings[1].deal.events[0].date: must be a date YYYY-MM-DD (got \"2024-02-30\")"
    );
    assert_eq!(
        err(rank(&p, json!([{ "dealId": "b" }]), json!({ "deals": [{ "id": "a" }, { "id": "b", "value": -1 }] }))),
        "options.deals[1].value: must be a finite number >= 0"
    );
    assert!(err(rank(&p, json!([{ "deal": { "id": "c" }, "targetMilestone": "need_confirmed" }]), json!({}))).starts_with("meetings[0].deal.margin: is required"));
    assert_eq!(err(rank(&p, json!([]), json!({ "peopleMilestone": "x" }))), "options.peopleMilestone: unknown milestone \"x\"");
    assert_eq!(err(rank(&p, json!([]), json!({ "minProbability": 2 }))), "options.minProbability: must be a number between 0 and 1");
    assert_eq!(err(rank(&p, json!([]), json!({ "idealCustomer": { "industry": long } }))), "options.idealCustomer.industry: must be at most 200 characters");
    assert_eq!(
        err(rank(&p, json!([]), json!({ "plan": { "marginBudget": -1, "meetingsPerWeek": 1, "weeks": 1 } }))),
        "options.plan.marginBudget: must be a finite number >= 0"
    );
    // Shapes are the boundary's; unknown keys are ignored.
    assert!(bad_shape::<Vec<Meeting>>(json!([{ "dealId": "a", "prepared": "yes" }])).contains("invalid type: string"));
    assert!(bad_shape::<Vec<Meeting>>(json!([{ "dealId": "a", "attendees": [{ "name": "Kim" }] }])).contains("missing field `role`"));
    assert!(run(json!([{ "dealId": "a", "target": "x", "attendees": [{ "role": "CEO", "rol": "x" }] }])).is_ok());
}

#[test]
fn order_desc_is_stable() {
    assert_eq!(order_desc(&[1.0, 3.0, 3.0, 2.0, 3.0, 0.0, 2.0]), vec![1, 2, 4, 3, 6, 0, 5]);
    assert_eq!(order_desc(&[]), Vec::<usize>::new());
    let keys: Vec<f64> = (0..1000).map(|i| f64::from((i * 7919) % 13)).collect();
    let o = order_desc(&keys);
    assert!(o.windows(2).all(|w| keys[w[0]] > keys[w[1]] || (keys[w[0]] == keys[w[1]] && w[0] < w[1])));
}

// -------------------------------------------------- specialisation ----

fn three_step_model() -> Scorer {
    let m = |id: &str| Milestone { id: id.into(), label: String::new(), mandatory: true, after: vec![], probability: None };
    Scorer::new(ProcessModel { milestones: vec![m("a"), m("b"), m("c")], base_probability: None, calibration: None }).unwrap()
}

fn specialise(v: Json) -> stagecast::Result<scenarios::Specialisation> {
    scenarios::specialise(&three_step_model(), &from::<SpecialisationInput>(v))
}

fn skills() -> Json {
    json!([
        { "seller": "Ann", "milestone": "a", "conversion": 0.5 },
        { "seller": "Ann", "milestone": "b", "conversion": 0.4 },
        { "seller": "Bob", "milestone": "a", "conversion": 0.3 },
        { "seller": "Bob", "milestone": "b", "conversion": 0.8 },
    ])
}

#[test]
fn specialisation_hands_each_step_to_the_best_seller() {
    let pipeline = json!([{ "seller": "Ann", "milestone": "a", "margin": 100 }, { "seller": "Bob", "milestone": "a", "margin": 100 }]);
    let s = specialise(json!({ "skills": skills(), "pipeline": pipeline })).unwrap();
    // Ann 100×0.5×0.4 = 20, Bob 100×0.3×0.8 = 24.
    assert!((s.expected_margin - 44.0).abs() < 1e-9);
    let a = &s.steps[0];
    assert_eq!((a.milestone.as_str(), a.specialist.as_deref(), a.deals, a.handed_over), ("a", Some("Ann"), 2, 1));
    assert!((a.current_conversion.unwrap() - 0.4).abs() < 1e-12);
    assert_eq!(a.specialist_conversion, Some(0.5));
    assert!((a.change - 16.0).abs() < 1e-9, "{}", a.change);
    let b = &s.steps[1];
    assert_eq!(b.specialist.as_deref(), Some("Bob"));
    assert!((b.change - 20.0).abs() < 1e-9);
    assert!((s.all_steps_expected_margin - 80.0).abs() < 1e-9);
    assert!((s.all_steps_change - 36.0).abs() < 1e-9);
    assert_eq!(s.assumption, scenarios::Assumption::UnlimitedCapacity);
    assert_eq!(s.team_average_used, 0);
    // No capacity: nothing changes, and the assumption says so.
    let s = specialise(json!({ "skills": skills(), "pipeline": pipeline, "capacity": 0 })).unwrap();
    assert!(s.steps.iter().all(|st| st.change == 0.0 && st.handed_over == 0));
    assert_eq!(s.assumption, scenarios::Assumption::LimitedCapacity { capacity: 0 });
    // A seller with no profile gets the team average; a deal at b passes one step only.
    let s = specialise(json!({ "skills": skills(), "pipeline": [{ "seller": "Cy", "milestone": "b", "margin": 10 }] })).unwrap();
    assert!((s.expected_margin - 6.0).abs() < 1e-9);
    assert_eq!(s.team_average_used, 1);
    assert_eq!(s.steps[0].deals, 0);
    assert!((s.steps[1].change - 2.0).abs() < 1e-9);
}

#[test]
fn specialisation_bad_input_names_the_field() {
    let pl = json!([]);
    let mut sk = skills();
    sk[2]["conversion"] = json!(1.2);
    assert_eq!(err(specialise(json!({ "skills": sk, "pipeline": pl }))), "skills[2].conversion: must be a number between 0 and 1");
    let mut sk = skills();
    sk[0]["milestone"] = json!("c");
    assert!(err(specialise(json!({ "skills": sk, "pipeline": pl }))).starts_with("skills[0].milestone: must be a mandatory milestone"));
    let mut sk = skills();
    sk[1]["milestone"] = json!("a");
    assert_eq!(err(specialise(json!({ "skills": sk, "pipeline": pl }))), "skills[1]: duplicate seller and milestone");
    assert_eq!(
        err(specialise(json!({ "skills": skills(), "pipeline": [{ "seller": "Ann", "milestone": "zz", "margin": 1 }] }))),
        "pipeline[0].milestone: unknown milestone \"zz\""
    );
    assert_eq!(
        err(specialise(json!({ "skills": skills(), "pipeline": [{ "seller": "Ann", "milestone": "a", "margin": -1 }] }))),
        "pipeline[0].margin: must be a finite number >= 0"
    );
    assert_eq!(err(specialise(json!({ "skills": skills(), "pipeline": pl, "capacity": 1.5 }))), "capacity: must be a whole number of deals >= 0");
    assert_eq!(
        err(specialise(json!({ "skills": skills(), "pipeline": [{ "seller": "Ann", "milestone": "a", "margin": 1, "id": "x".repeat(201) }] }))),
        "pipeline[0].id: must be at most 200 characters"
    );
    let mut sk = skills();
    sk[3]["seller"] = json!("y".repeat(201));
    assert_eq!(err(specialise(json!({ "skills": sk, "pipeline": pl }))), "skills[3].seller: must be at most 200 characters");
    // Shapes are the boundary's; unknown keys are ignored.
    assert!(bad_shape::<SpecialisationInput>(json!({ "skills": skills() })).contains("missing field `pipeline`"));
    assert!(specialise(json!({ "skills": skills(), "pipeline": pl, "capactiy": 1 })).is_ok());
}

// ---------------------------------------------------- lifetime value ----

#[test]
fn lifetime_value_is_margin_over_one_plus_discount_minus_retention() {
    let clv = scenarios::lifetime_value(100_000.0, 0.8, 0.1);
    assert!((clv - 333_333.333_333_333_3).abs() < 1e-6, "{clv}");
    let v = scenarios::lifetime(&from(json!({ "annualMargin": 100000, "retention": 0.8, "discountRate": 0.1 }))).unwrap();
    assert_eq!(v.lifetime_value, clv);
    assert_eq!(v.expected_years, Some(1.0 / (1.0 - 0.8)));
    assert_eq!(serde_json::to_value(&v).unwrap(), json!({ "lifetimeValue": clv, "expectedYears": 1.0 / (1.0 - 0.8) }));
    // Check against the year-by-year sum it stands for.
    let (m, r, d) = (100_000.0f64, 0.8f64, 0.1f64);
    let sum: f64 = (1..2000).map(|t| m * r.powi(t - 1) / (1.0 + d).powi(t)).sum();
    assert!((sum - clv).abs() < 1e-6);
    // Retention of 1: no expected years, and the key is left out.
    let v = scenarios::lifetime(&from(json!({ "annualMargin": 1, "retention": 1, "discountRate": 0.1 }))).unwrap();
    assert_eq!(serde_json::to_value(&v).unwrap(), json!({ "lifetimeValue": scenarios::lifetime_value(1.0, 1.0, 0.1) }));
}

#[test]
fn lifetime_value_bad_input_names_the_field() {
    let clv = |v: Json| scenarios::lifetime(&from(v)).map(|_| ());
    assert_eq!(
        err(clv(json!({ "annualMargin": 1, "retention": 1, "discountRate": 0 }))),
        "retention: must be below 1 + discountRate (otherwise the value never ends)"
    );
    assert_eq!(err(clv(json!({ "annualMargin": 1, "retention": 1.2, "discountRate": 0.5 }))), "retention: must be a number between 0 and 1");
    assert_eq!(err(clv(json!({ "annualMargin": 1, "retention": 0.5, "discountRate": -0.1 }))), "discountRate: must be a finite number >= 0");
    assert_eq!(err(clv(json!({ "annualMargin": -1, "retention": 0.5, "discountRate": 0.1 }))), "annualMargin: must be a finite number >= 0");
    assert!(bad_shape::<scenarios::LifetimeInput>(json!({ "retention": 0.5, "discountRate": 0.1 })).contains("missing field `annualMargin`"));
    assert!(bad_shape::<scenarios::LifetimeInput>(Json::Null).contains("invalid type: null"));
    // Unknown keys are ignored.
    assert!(clv(json!({ "annualMargin": 1, "retention": 0.5, "discountRate": 0.1, "churn": 0.1 })).is_ok());
    // Retention of 1 is fine when there is a discount.
    assert!(clv(json!({ "annualMargin": 1, "retention": 1, "discountRate": 0.1 })).is_ok());
}

#[test]
fn retention_what_if_compares_with_acquiring_the_same_value() {
    let what_if = |v: Json| scenarios::retention_what_if(&from(v));
    let w = what_if(json!({ "annualMargin": 100000, "retention": 0.8, "discountRate": 0.1, "retentionPoints": 0.05, "acquisitionCost": 10000 }))
        .unwrap();
    assert!((w.lifetime_value_after - 400_000.0).abs() < 1e-6);
    assert!((w.value_of_retention - 66_666.666_666_666_7).abs() < 1e-6);
    assert!((w.equivalent_new_customers - 0.2).abs() < 1e-12);
    assert_eq!(w.cost_ratio, 5.0);
    assert!((w.acquisition_cost_of_same_value.unwrap() - 2000.0).abs() < 1e-9);
    assert_eq!(w.retention_cost, Some(2000.0));
    let e = what_if(json!({ "annualMargin": 1, "retention": 0.98, "discountRate": 0.1, "retentionPoints": 0.05 }));
    assert!(err(e).starts_with("retentionPoints: retention + retentionPoints must stay at most 1"));
    let e = what_if(json!({ "annualMargin": 1, "retention": 0.5, "discountRate": 0.1, "costRatio": 0 }));
    assert_eq!(err(e), "costRatio: must be > 0");
    let e = what_if(json!({ "annualMargin": 1, "retention": 0.5, "discountRate": 0.1, "customers": -1 }));
    assert_eq!(err(e), "customers: must be a finite number >= 0");
    let e = what_if(json!({ "annualMargin": 1, "retention": 0.5, "discountRate": 0.1, "acquisitionCost": -1 }));
    assert_eq!(err(e), "acquisitionCost: must be a finite number >= 0");
    let e = what_if(json!({ "annualMargin": 1, "retention": 1.5, "discountRate": 0.1 }));
    assert_eq!(err(e), "retention: must be a number between 0 and 1");
    // Without acquisitionCost the money fields are left out.
    let w = what_if(json!({ "annualMargin": 1, "retention": 0.5, "discountRate": 0.1 })).unwrap();
    let keys: Vec<String> = serde_json::to_value(&w).unwrap().as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["lifetimeValue", "lifetimeValueAfter", "valueOfRetention", "equivalentNewCustomers", "costRatio"]);
}

#[test]
fn a_closed_deal_gains_nothing_from_a_meeting() {
    let p = process();
    for status in [stagecast::Status::Won, stagecast::Status::Lost] {
        let mut d = deal("d", &["need_confirmed"], Some(100_000.0));
        d.status = status;
            let v = meetings::meeting_value(&p, &mut d, "mobilizer_met", &ValueOptions::default()).unwrap();
        assert_eq!(v.value, 0.0);
        assert_eq!(v.probability_after, v.probability_before);
    }
}

// ------------------------------------------------------ JSON shapes ----

fn keys(v: &Json) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// The results keep the field names and nesting the browser reads; optional
/// fields are left out when there is nothing to say.
#[test]
fn results_serialize_to_the_shapes_js_reads() {
    let p = process();
    let plan = serde_json::to_value(plan(json!({ "marginBudget": 200000, "meetingsPerWeek": 5, "weeks": 4 })).unwrap()).unwrap();
    assert_eq!(plan, json!({ "meetings": 20.0, "requiredMarginPerMeeting": 10000.0 }));
    let full = plan_full();
    assert_eq!(
        keys(&full),
        ["meetings", "requiredMarginPerMeeting", "opportunities", "expectedWins", "expectedMarginPerMeeting", "expectedMargin", "meetingsNeeded", "meetingsNeededPerWeek", "extraMeetings", "gap"]
    );
    let r = rank(&p, json!([{ "id": "m1", "dealId": "big", "targetMilestone": "mobilizer_met", "attendees": [{ "role": "CFO" }] }]),
        json!({ "deals": deals_json(), "requiredMarginPerMeeting": 10000 })).unwrap();
    let m = serde_json::to_value(&r[0]).unwrap();
    assert_eq!(
        keys(&m),
        ["rank", "index", "id", "dealId", "targetMilestone", "probabilityBefore", "probabilityAfter", "margin", "value", "alreadyReached", "requiredMarginPerMeeting", "ratio", "worthIt", "checks", "passed"]
    );
    assert_eq!(
        m["checks"],
        json!({
            "rightCustomer": { "status": "unknown", "reason": { "code": "fit_not_checked" } },
            "rightPeople": { "status": "fail", "reason": { "code": "no_key_people" } },
            "prepared": { "status": "pass", "reason": { "code": "aims_at_target", "milestone": "mobilizer_met", "confirmed": false } },
        })
    );
    assert_eq!(m["passed"], json!(1));
    let reasons = [
        (Reason::KeyPersonAttends { role: KeyRole::DecisionMaker }, json!({ "code": "key_person_attends", "role": "decision_maker" })),
        (
            Reason::BelowMinProbability { probability: 0.25, min_probability: 0.5 },
            json!({ "code": "below_min_probability", "probability": 0.25, "minProbability": 0.5 }),
        ),
        (
            Reason::NotIdealCustomer { attribute: "a".into(), value: "b".into(), wanted: "c".into() },
            json!({ "code": "not_ideal_customer", "attribute": "a", "value": "b", "wanted": "c" }),
        ),
    ];
    for (r, want) in reasons {
        assert_eq!(serde_json::to_value(&r).unwrap(), want);
    }
    let out = serde_json::to_value(compare(base(), json!([{}])).unwrap()).unwrap();
    assert_eq!(
        keys(&out[0]),
        ["name", "meetings", "opportunities", "expectedWins", "expectedMargin", "pHitBudget", "requiredMarginPerMeeting", "gap", "winsNeeded", "sensitivity"]
    );
    assert!(out[1].get("name").is_none());
    assert_eq!(
        keys(&out[0]["sensitivity"][0]),
        ["lever", "lowValue", "highValue", "lowExpectedMargin", "highExpectedMargin", "lowPHitBudget", "highPHitBudget", "pHitBudgetSwing", "expectedMarginSwing"]
    );
    let s = specialise(json!({ "skills": skills(), "pipeline": [{ "seller": "Ann", "milestone": "a", "margin": 100 }], "capacity": 3 })).unwrap();
    let s = serde_json::to_value(s).unwrap();
    assert_eq!(keys(&s), ["expectedMargin", "steps", "allStepsExpectedMargin", "allStepsChange", "teamAverageUsed", "assumption"]);
    assert_eq!(s["assumption"], json!({ "code": "limited_capacity", "capacity": 3 }));
    assert_eq!(
        keys(&s["steps"][0]),
        ["milestone", "label", "deals", "currentConversion", "specialist", "specialistConversion", "handedOver", "expectedMargin", "change"]
    );
}

fn plan_full() -> Json {
    serde_json::to_value(
        plan(json!({ "marginBudget": 200000, "meetingsPerWeek": 5, "weeks": 4, "meetingToOpportunity": 0.25, "winRate": 0.4, "averageMargin": 50000 }))
            .unwrap(),
    )
    .unwrap()
}
