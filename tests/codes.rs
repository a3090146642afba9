//! Every check a user can reach says what was wrong as a code with its
//! parameters (`ErrorCode`), not only in English: the UI words the code in
//! en, nb, sv and da. Driven through the public functions with the JSON-like
//! values JS sends; each case asserts the path, the code and its parameters.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};
use stagecast::error::ErrorCode::{self, *};
use stagecast::forecast::{self, dist, period, timing, Options};
use stagecast::import::{self, ColumnMapping, ImportOptions};
use stagecast::meetings::{self, PlanInput, RankOptions, ValueOptions};
use stagecast::scenarios::{self, SpecialisationInput};
use stagecast::{calibrate, cross_validate, csv_preview, default_model, parse_csv, score_deal, CalibrateOptions, Deal, Meeting, ProcessModel, Scorer};

fn from<T: DeserializeOwned>(v: Json) -> T {
    serde_json::from_value(v).unwrap()
}

/// The error's path and code (its English message is checked elsewhere).
fn code<T: std::fmt::Debug>(r: stagecast::Result<T>) -> (String, ErrorCode) {
    let e = r.unwrap_err();
    (e.path, e.code)
}

fn at(path: &str, code: ErrorCode) -> (String, ErrorCode) {
    (path.to_string(), code)
}

fn scorer() -> Scorer {
    Scorer::new(default_model()).unwrap()
}

fn ids() -> Vec<String> {
    default_model().milestones.iter().map(|m| m.id.clone()).collect()
}

fn model(v: Json) -> stagecast::Result<Scorer> {
    Scorer::new(from::<ProcessModel>(v))
}

// ------------------------------------------------------------ widget ----

#[test]
fn model_checks_are_coded() {
    assert_eq!(code(model(json!({ "milestones": [] }))), at("milestones", Required));
    assert_eq!(code(model(json!({ "milestones": [{ "id": " " }] }))), at("milestones[0].id", Required));
    assert_eq!(code(model(json!({ "milestones": [{ "id": "a", "after": ["a"] }] }))), at("milestones[0].after[0]", Cycle));
    let later = json!({ "milestones": [{ "id": "a", "mandatory": true, "after": ["b"] }, { "id": "b", "mandatory": true }] });
    assert_eq!(code(model(later)), at("milestones[0].after[0]", Cycle));
    let circle = json!({ "milestones": [{ "id": "a", "after": ["b"] }, { "id": "b", "after": ["a"] }] });
    assert_eq!(code(model(circle)).1, Cycle);
    // A reused code keeps its parameters.
    assert_eq!(code(model(json!({ "milestones": [{ "id": "a", "after": ["zz"] }] }))), at("milestones[0].after[0]", UnknownMilestone { milestone: "zz".into() }));
}

#[test]
fn meeting_checks_are_coded() {
    let plan = |v: Json| meetings::meeting_plan(&from::<PlanInput>(v));
    // 5 a week: at most 100,000 / 5 = 20,000 weeks.
    assert_eq!(code(plan(json!({ "marginBudget": 1, "meetingsPerWeek": 5, "weeks": 1e9 }))), at("weeks", Range { min: 0.0, max: 20_000.0 }));
    assert_eq!(code(plan(json!({ "marginBudget": 1, "meetingsPerWeek": 5, "weeks": 1, "meetingToOpportunity": 0.5 }))), at("winRate", Required));
    let p = scorer();
    let first = ids()[0].clone();
    let value = |d: Json, o: Json| meetings::meeting_value(&p, &mut from::<Deal>(d), &first, &from::<ValueOptions>(o));
    let both = json!({ "requiredMarginPerMeeting": 2, "plan": { "marginBudget": 1, "meetingsPerWeek": 1, "weeks": 1 } });
    assert_eq!(code(value(json!({ "id": "d", "margin": 1 }), both)), at("options.plan", Either { other: "requiredMarginPerMeeting" }));
    assert_eq!(code(value(json!({ "id": "d" }), json!({}))), at("deal.margin", Required));
    let rank = |m: Json, o: Json| meetings::rank_meetings(&p, &mut from::<Vec<Meeting>>(m), &mut from::<RankOptions>(o));
    let deals = json!({ "deals": [{ "id": "a", "margin": 1 }] });
    assert_eq!(code(rank(json!([{ "dealId": "zz" }]), deals.clone())), at("meetings[0].dealId", NotFound { value: "zz".into() }));
    assert_eq!(code(rank(json!([{}]), deals.clone())), at("meetings[0].dealId", Required));
    assert_eq!(code(rank(json!([{ "dealId": "a", "deal": { "id": "a" } }]), deals)), at("meetings[0].dealId", Either { other: "deal" }));
    let ideal: serde_json::Map<String, Json> = (0..33).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(code(rank(json!([]), json!({ "idealCustomer": ideal }))), at("options.idealCustomer", TooMany { max: 32 }));
}

#[test]
fn deal_checks_are_coded() {
    let p = scorer();
    let score = |d: Json| score_deal(&p, &from::<Deal>(d));
    let proto = score(json!({ "id": "d", "attributes": { "__proto__": "x" } }));
    assert_eq!(code(proto), at("attributes.__proto__", Reserved { value: "__proto__".into() }));
    let many: serde_json::Map<String, Json> = (0..33).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(code(score(json!({ "id": "d", "attributes": many }))), at("attributes", TooMany { max: 32 }));
}

// ---------------------------------------------------------- analysis ----

fn three_step() -> Scorer {
    model(json!({ "milestones": [{ "id": "a", "mandatory": true }, { "id": "b", "mandatory": true }, { "id": "c", "mandatory": true }] })).unwrap()
}

#[test]
fn scenario_checks_are_coded() {
    let skills = json!([
        { "seller": "Ann", "milestone": "a", "conversion": 0.5 },
        { "seller": "Ann", "milestone": "b", "conversion": 0.4 },
    ]);
    let pipeline = json!([{ "seller": "Ann", "milestone": "a", "margin": 100 }]);
    let p = three_step();
    let spec = |v: Json| scenarios::specialise(&p, &from::<SpecialisationInput>(v));
    assert_eq!(code(spec(json!({ "skills": skills, "pipeline": pipeline, "capacity": 1.5 }))), at("capacity", WholeNumber { max: 100_000 }));
    let last = json!([{ "seller": "Ann", "milestone": "c", "conversion": 0.5 }]);
    assert_eq!(
        code(spec(json!({ "skills": last, "pipeline": pipeline }))),
        at("skills[0].milestone", UnknownValue { value: "c".into(), expected: vec!["a".into(), "b".into()] })
    );
    let twice = json!([{ "seller": "Ann", "milestone": "a", "conversion": 0.5 }, { "seller": "Ann", "milestone": "a", "conversion": 0.4 }]);
    assert_eq!(code(spec(json!({ "skills": twice, "pipeline": pipeline }))), at("skills[1]", Duplicate));
    let only_a = json!([{ "seller": "Ann", "milestone": "a", "conversion": 0.5 }]);
    assert_eq!(code(spec(json!({ "skills": only_a, "pipeline": pipeline }))), at("skills", NotFound { value: "b".into() }));
    let one = model(json!({ "milestones": [{ "id": "a", "mandatory": true }, { "id": "b" }] })).unwrap();
    let few = scenarios::specialise(&one, &from::<SpecialisationInput>(json!({ "skills": [], "pipeline": [] })));
    assert_eq!(code(few), at("model", FewMandatory { min: 2 }));
    // Retention: below 1 + discountRate; with the points, at most 1.
    let clv = |v: Json| scenarios::lifetime(&from(v));
    assert_eq!(code(clv(json!({ "annualMargin": 1, "retention": 1, "discountRate": 0 }))), at("retention", LessThan { max: 1.0 }));
    let what_if = |v: Json| scenarios::retention_what_if(&from(v));
    let e = code(what_if(json!({ "annualMargin": 1, "retention": 0.75, "discountRate": 0.1, "retentionPoints": 0.5 })));
    assert_eq!(e, at("retentionPoints", Range { min: 0.0, max: 0.25 }));
    let e = code(what_if(json!({ "annualMargin": 1, "retention": 0.75, "discountRate": 0, "retentionPoints": 0.25 })));
    assert_eq!(e, at("retentionPoints", LessThan { max: 0.25 }));
}

/// A small closed history on the default model: one won deal through every
/// milestone, one lost after the first, each dated.
fn history() -> Vec<Deal> {
    let ids = ids();
    let ev = |k: usize| ids.iter().take(k).enumerate().map(|(i, m)| json!({ "milestone": m, "date": format!("2024-01-{:02}", i + 1) })).collect::<Vec<_>>();
    from(json!([
        { "id": "w", "status": "won", "events": ev(ids.len()) },
        { "id": "l", "status": "lost", "events": ev(1) },
        { "id": "w2", "status": "won", "events": ev(ids.len()) },
    ]))
}

#[test]
fn evaluation_and_forecast_checks_are_coded() {
    let p = scorer();
    let h = history();
    // Three deals: k from 2 to 3.
    assert_eq!(code(cross_validate(&p, &h, 1, &CalibrateOptions::default())), at("k", Range { min: 2.0, max: 3.0 }));
    let open: Vec<Deal> = from(json!([{ "id": "o", "value": 10 }]));
    let fc = |o: Json| forecast::forecast(&p, &open, &from::<Options>(o), None);
    assert_eq!(code(fc(json!({ "commonFactor": { "sd": 3 } }))), at("options.commonFactor.sd", Range { min: 0.0, max: 2.0 }));
    assert_eq!(code(fc(json!({ "periodEnd": "2024-01-01", "asOf": "2024-01-02" }))), at("options.history", Required));
    let before = fc(json!({ "periodEnd": "2024-01-01", "asOf": "2024-01-09", "history": serde_json::to_value(&h).unwrap() }));
    assert_eq!(code(before), at("options.periodEnd", NotBefore { other: "options.asOf" }));
    // No date anywhere: asOf cannot be taken from the data.
    let learned = timing::learn(&p, &h, None).unwrap();
    let t = serde_json::to_value(&learned).unwrap();
    assert_eq!(code(fc(json!({ "periodEnd": "2024-02-01", "timing": t }))), at("options.asOf", Required));
    let undated: Vec<Deal> = from(json!([{ "id": "o" }]));
    assert_eq!(code(period::period_forecast(&p, &undated, &period::PeriodOptions::default())), at("options.asOf", Required));
    // A timing edited by hand: an unknown milestone, an unknown level.
    let mut bad = t.clone();
    bad["curves"][0]["level"] = json!("week");
    let e = code(fc(json!({ "periodEnd": "2024-02-01", "asOf": "2024-01-09", "timing": bad })));
    assert_eq!(e, at("options.timing.curves[0].level", UnknownValue { value: "week".into(), expected: vec!["state".into(), "milestone".into(), "all".into()] }));
    let mut bad = t;
    bad["curves"][0]["milestones"] = json!(["zz"]);
    let e = code(fc(json!({ "periodEnd": "2024-02-01", "asOf": "2024-01-09", "timing": bad })));
    assert_eq!(e, at("options.timing.curves[0].milestones[0]", UnknownMilestone { milestone: "zz".into() }));
    // Amounts whose total no number holds.
    let items: Vec<dist::Item> = from(json!([{ "amount": 1e308, "probability": 0.5 }, { "amount": 1e308, "probability": 0.5 }]));
    assert_eq!(code(stagecast::distribution(&items, None)), at("items", Finite));
}

#[test]
fn calibration_checks_are_coded() {
    let p = scorer();
    let calibrated = serde_json::to_value(calibrate(&p, &history(), &CalibrateOptions::default()).unwrap()).unwrap();
    assert!(model(calibrated.clone()).is_ok());
    let edit = |f: &dyn Fn(&mut Json)| {
        let mut m = calibrated.clone();
        f(&mut m["calibration"]);
        code(model(m))
    };
    assert_eq!(edit(&|c| c["won"] = json!(99)), at("calibration.won", Exceeds { other: "deals" }));
    assert_eq!(edit(&|c| c["states"][0]["won"] = json!(99)), at("calibration.states[0].won", Exceeds { other: "n" }));
    assert_eq!(
        edit(&|c| {
            let s = c["states"][0].clone();
            c["states"].as_array_mut().unwrap().push(s);
        })
        .1,
        Duplicate
    );
    assert_eq!(edit(&|c| c["ignoredMilestones"] = json!(["zz"])), at("calibration.ignoredMilestones[0]", UnknownMilestone { milestone: "zz".into() }));
    let skill = |milestone: &str, reached: u32, advanced: u32| json!([{ "seller": "Ann", "milestone": milestone, "reached": reached, "advanced": advanced }]);
    assert_eq!(edit(&|c| c["skills"] = skill("zz", 2, 1)), at("calibration.skills[0].milestone", UnknownMilestone { milestone: "zz".into() }));
    let first = ids()[0].clone();
    assert_eq!(edit(&|c| c["skills"] = skill(&first, 1, 2)), at("calibration.skills[0].advanced", Exceeds { other: "reached" }));
    assert_eq!(edit(&|c| c["stateWeight"] = json!(2)), at("calibration.stateWeight", Range { min: 0.0, max: 1.0 }));
    let effect = json!([{ "attribute": "a", "value": "x", "effect": 30, "n": 1 }]);
    assert_eq!(edit(&|c| c["effects"] = effect.clone()), at("calibration.effects[0].effect", Range { min: -20.0, max: 20.0 }));
    let me = json!([{ "milestone": "zz", "effect": 1, "n": 1 }]);
    assert_eq!(edit(&|c| c["milestoneEffects"] = me.clone()), at("calibration.milestoneEffects[0].milestone", UnknownMilestone { milestone: "zz".into() }));
}

// --------------------------------------------------------------- CSV ----

#[test]
fn csv_checks_are_coded() {
    let csv = "a,b\n1,2\n";
    let opts = ImportOptions::default();
    let run = |m: ColumnMapping| code(parse_csv(csv, &m, None, opts));
    let m = ColumnMapping { delimiter: Some("x".into()), ..ColumnMapping::default() };
    assert_eq!(run(m), at("mapping.delimiter", UnknownValue { value: "x".into(), expected: [",", ";", "\t", "|"].map(String::from).to_vec() }));
    let m = ColumnMapping { value: Some("Amount".into()), ..ColumnMapping::default() };
    assert_eq!(run(m), at("mapping.value", NoColumn { column: "Amount".into() }));
    let m = ColumnMapping { attributes: vec!["__proto__".into()], ..ColumnMapping::default() };
    assert_eq!(run(m), at("mapping.attributes[0]", Reserved { value: "__proto__".into() }));
    let p = scorer();
    let m = ColumnMapping { stage: Some("a".into()), stage_map: [("1".to_string(), vec!["nope".to_string()])].into(), ..ColumnMapping::default() };
    assert_eq!(code(parse_csv(csv, &m, Some(&p), opts)), at("mapping.stageMap.1[0]", UnknownMilestone { milestone: "nope".into() }));
    assert_eq!(code(csv_preview("")), at("text", NoHeader));
    assert_eq!(code(csv_preview("\"open\n")), at("text", BadHeader));
    let big = "a\n".repeat(import::MAX_CSV_BYTES / 2 + 1);
    assert_eq!(code(csv_preview(&big)), at("text", TooLarge { max_bytes: 52_428_800 }));
}

#[test]
fn new_codes_are_written_as_js_reads_them() {
    let js = |c: ErrorCode| serde_json::to_value(c).unwrap();
    assert_eq!(js(Range { min: 0.0, max: 2.0 }), json!({ "code": "range", "min": 0.0, "max": 2.0 }));
    assert_eq!(js(Either { other: "deal" }), json!({ "code": "either", "other": "deal" }));
    assert_eq!(js(TooLarge { max_bytes: 5 }), json!({ "code": "too_large", "maxBytes": 5 }));
    assert_eq!(js(FewMandatory { min: 2 }), json!({ "code": "few_mandatory", "min": 2 }));
    assert_eq!(js(Cycle), json!({ "code": "cycle" }));
}
