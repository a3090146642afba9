//! Stage-history imports (issue 12): simulated teams written in each CRM's
//! own export shapes, imported, calibrated on 70% of the deals and scored on
//! the other 30% as of the middle of each deal's life.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used, clippy::panic, clippy::string_slice)]

use std::collections::BTreeSet;
use std::fmt::Write;

use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions};
use stagecast::deal::{civil_from_days, parse_date};
use stagecast::import::chunked::ChunkedImport;
use stagecast::import::history::{Format, HistoryOptions, ImportError, Notice};
use stagecast::import::stages::{import_history, import_stage_history, HistoryImport, Outcome, StageRule};
use stagecast::import::{hubspot, DateOrder, ImportOptions};
use stagecast::{csv_preview, default_model, parse_csv, score_deals, ColumnMapping, Deal, Status};

// ---------------------------------------------------------------- simulation

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn int(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next() * f64::from(hi - lo + 1)) as i32
    }
}

/// One simulated deal: the stages it entered (index, day), how it ended.
struct Sim {
    id: String,
    owner: String,
    amount: u32,
    create: i32,
    entered: Vec<(usize, i32)>,
    /// Some(won) for closed deals.
    won: Option<bool>,
    close: i32,
    /// Expected close dates over time: (day of the change, new date).
    expected: Vec<(i32, i32)>,
}

/// A team whose deals pass the stages in order: from stage j a deal moves
/// on with probability `go[j]` and is lost otherwise; from the last stage it
/// is won with probability `go[last]`. So a deal that reached stage j wins
/// with probability `truth(j)` = the product of `go[j..]`. One deal in ten
/// is still open, stopped at a random stage.
fn simulate(n: usize, go: &[f64], seed: u64) -> Vec<Sim> {
    let mut rng = Rng(seed);
    let owners = ["Ann Berg", "Bo Lind", "Cid Nyström", "Dee O'Hara", "Eva Kim"];
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let create = parse_date("", "2022-01-03").unwrap() + rng.int(0, 700);
        let open = rng.next() < 0.1;
        let stop_open = rng.int(0, go.len() as i32 - 1) as usize;
        let mut day = create;
        let mut entered = Vec::new();
        let mut won = None;
        let mut expected = vec![(create, create + rng.int(60, 120))];
        for (j, &q) in go.iter().enumerate() {
            entered.push((j, day));
            day += rng.int(3, 30);
            if rng.next() < 0.3 {
                // The expected close date moves (mostly later).
                let last = expected.last().unwrap().1;
                expected.push((day - 1, last + rng.int(-5, 40)));
            }
            if open && j == stop_open {
                break;
            }
            if rng.next() >= q {
                won = Some(false);
                break;
            }
            if j + 1 == go.len() {
                won = Some(true);
            }
        }
        out.push(Sim {
            id: format!("{}", 9_000_000 + k * 7),
            owner: owners[rng.int(0, 4) as usize].to_string(),
            amount: 1000 + rng.int(0, 99_000) as u32,
            create,
            entered,
            won,
            close: day,
            expected,
        });
    }
    out
}

fn truth(go: &[f64], j: usize) -> f64 {
    go[j..].iter().product()
}

fn iso(day: i32) -> String {
    civil_from_days(day)
}

fn mdy(day: i32) -> String {
    let s = iso(day);
    let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
    format!("{}/{}/{}", m.trim_start_matches('0'), d.trim_start_matches('0'), y)
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------- round trip

/// Calibrates on the first 70% of the closed imported deals (by id order of
/// the simulation), scores the other 30% as of the middle of each deal's
/// life, and returns the mean absolute error against the known truth.
fn round_trip(import: &HistoryImport, sims: &[Sim], go: &[f64], stage_milestones: &[&[&str]]) -> f64 {
    let p = Scorer::new(default_model()).unwrap();
    let by_id: std::collections::HashMap<&str, &Deal> = import.deals.iter().map(|d| (d.id.as_str(), d)).collect();
    let closed: Vec<&Sim> = sims.iter().filter(|s| s.won.is_some()).collect();
    let cut = closed.len() * 7 / 10;
    // Milestones only: the simulated sellers have no effect, and the seller
    // effects calibration fits on dated histories are a calibration matter
    // (they are fitted against final-state offsets; see the report of
    // issue 12), not the import's.
    let train: Vec<Deal> = closed[..cut].iter().map(|s| Deal { seller: None, ..by_id[s.id.as_str()].clone() }).collect();
    assert!(train.len() >= 3000, "{} training deals", train.len());
    // Every imported closed deal carries exactly the milestones of the
    // stages it entered, dated, and its outcome.
    for s in &closed {
        let d = by_id[s.id.as_str()];
        assert_eq!(d.status, if s.won == Some(true) { Status::Won } else { Status::Lost }, "{}", s.id);
        let want: BTreeSet<&str> = s.entered.iter().flat_map(|&(j, _)| stage_milestones[j].iter().copied()).collect();
        let got: BTreeSet<&str> = d.events.iter().map(|e| e.milestone.as_str()).collect();
        assert_eq!(got, want, "{}", s.id);
        assert!(d.events.iter().all(|e| e.date.is_some()), "{}", s.id);
    }
    no_outcome_milestone(&import.deals);
    let model = calibrate(&p, &train, &CalibrateOptions::default()).unwrap();
    let fitted = Scorer::new(model).unwrap();
    // The test deals as of the middle of their lives: only what was dated
    // before that day.
    let mut test = Vec::new();
    let mut truths = Vec::new();
    for s in &closed[cut..] {
        let d = by_id[s.id.as_str()];
        let mid = s.create + (s.close - s.create) / 2;
        let mut as_of = Deal { id: d.id.clone(), status: Status::Open, ..Deal::default() };
        as_of.events = d.events.iter().filter(|e| parse_date("", e.date.as_deref().unwrap()).unwrap() < mid).cloned().collect();
        let furthest = s.entered.iter().filter(|&&(_, day)| day < mid).map(|&(j, _)| j).max().expect("a stage before the middle");
        truths.push(truth(go, furthest));
        test.push(as_of);
    }
    let scores = score_deals(&fitted, &test).unwrap();
    let mae = scores.iter().zip(&truths).map(|(s, t)| (s.probability - t).abs()).sum::<f64>() / truths.len() as f64;
    eprintln!("{:?}: {} train, {} test, MAE {mae:.4}", import.format, train.len(), test.len());
    mae
}

/// No imported milestone is present in all won deals and in no lost one.
fn no_outcome_milestone(deals: &[Deal]) {
    let won: Vec<&Deal> = deals.iter().filter(|d| d.status == Status::Won).collect();
    let lost: Vec<&Deal> = deals.iter().filter(|d| d.status == Status::Lost).collect();
    assert!(!won.is_empty() && !lost.is_empty());
    let all: BTreeSet<&str> = deals.iter().flat_map(|d| d.events.iter().map(|e| e.milestone.as_str())).collect();
    for m in all {
        let has = |d: &&Deal| d.events.iter().any(|e| e.milestone == m);
        assert!(!won.iter().all(has) || lost.iter().any(has), "{m} is in every won deal and no lost one");
    }
}

// ---------------------------------------------------------------- HubSpot

const HUBSPOT_STAGES: [&str; 5] = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Contract Sent"];
const HUBSPOT_MILESTONES: [&[&str]; 5] = [
    &["need_confirmed"],
    &["mobilizer_met"],
    &["solution_presented"],
    &["decision_process_mapped"],
    &["proposal_requested", "verbal_yes"],
];

/// A HubSpot deals export with the stage history properties, as HubSpot
/// writes it: `Date entered`, `Date exited` and `Cumulative time in` for
/// every stage of the pipeline, closed stages included.
fn hubspot_csv(sims: &[Sim], with_history: bool) -> String {
    let mut stages: Vec<&str> = HUBSPOT_STAGES.to_vec();
    stages.extend(["Closed Won", "Closed Lost"]);
    let mut out = String::from("Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner");
    if with_history {
        for s in &stages {
            write!(out, ",\"Date entered \"\"{s} (Sales Pipeline)\"\"\",\"Date exited \"\"{s} (Sales Pipeline)\"\"\",\"Cumulative time in \"\"{s} (Sales Pipeline)\"\" (HH:mm:ss)\"").unwrap();
        }
    }
    out.push_str(",Deal Type\n");
    for s in sims {
        let last = s.entered.last().unwrap().0;
        let current = match s.won {
            Some(true) => "Closed Won",
            Some(false) => "Closed Lost",
            None => HUBSPOT_STAGES[last],
        };
        let close = if s.won.is_some() { s.close } else { s.expected.last().unwrap().1 };
        write!(out, "{},Deal {},{current},Sales Pipeline,{},{} 00:00,{} 09:12,{}", s.id, s.id, s.amount, iso(close), iso(s.create), s.owner).unwrap();
        if with_history {
            let mut entered: Vec<Option<i32>> = vec![None; stages.len()];
            for &(j, day) in &s.entered {
                entered[j] = Some(day);
            }
            if let Some(w) = s.won {
                entered[if w { 5 } else { 6 }] = Some(s.close);
            }
            for (j, e) in entered.iter().enumerate() {
                match e {
                    Some(day) => {
                        let exit = entered[j + 1..].iter().flatten().next().copied();
                        let exited = exit.map(|x| format!("{} 10:00", iso(x))).unwrap_or_default();
                        let time = exit.map(|x| format!("{}:00:00", (x - day) * 24)).unwrap_or_default();
                        write!(out, ",{} 10:00,{exited},{time}", iso(*day)).unwrap();
                    }
                    None => out.push_str(",,,"),
                }
            }
        }
        out.push_str(",newbusiness\n");
    }
    out
}

const HUBSPOT_GO: [f64; 5] = [0.7, 0.75, 0.8, 0.85, 0.9];

#[test]
fn hubspot_history_export_round_trip() {
    let sims = simulate(6000, &HUBSPOT_GO, 17);
    let csv = hubspot_csv(&sims, true);
    assert_eq!(csv_preview(&csv).unwrap().preset.as_deref(), Some("hubspot_history"));
    let p = Scorer::new(default_model()).unwrap();
    let import = import_history(&csv, Format::Hubspot, &HistoryOptions::default(), Some(&p)).unwrap();
    assert!(import.has_history);
    assert_eq!((import.rows, import.skipped), (6000, 0), "{:?}", &import.issues[..import.issues.len().min(3)]);
    assert!(import.closed_without_history.is_empty());
    assert!(import.deals.iter().all(|d| d.pipeline.as_deref() == Some("Sales Pipeline")));
    // The stage table: counts, outcomes and the defaults.
    let won_row = import.stages.iter().find(|r| r.stage == "Closed Won").unwrap();
    assert_eq!((won_row.outcome, won_row.closed_only, won_row.milestones.len()), (Some(Outcome::Won), true, 0));
    assert_eq!(won_row.won, sims.iter().filter(|s| s.won == Some(true)).count());
    let first = import.stages.iter().find(|r| r.stage == "Appointment Scheduled").unwrap();
    assert_eq!((first.deals, first.closed_only, first.outcome), (6000, false, None));
    assert_eq!(first.default_milestones, vec!["need_confirmed"]);
    let mae = round_trip(&import, &sims, &HUBSPOT_GO, &HUBSPOT_MILESTONES);
    assert!(mae < 0.03, "MAE {mae}");
}

#[test]
fn hubspot_current_stage_only_export_does_not_calibrate_closed_deals() {
    let sims = simulate(400, &HUBSPOT_GO, 5);
    let csv = hubspot_csv(&sims, false);
    assert_eq!(csv_preview(&csv).unwrap().preset.as_deref(), Some("hubspot"));
    let p = Scorer::new(default_model()).unwrap();
    let import = import_history(&csv, Format::Hubspot, &HistoryOptions::default(), Some(&p)).unwrap();
    let won = sims.iter().filter(|s| s.won == Some(true)).count();
    let lost = sims.iter().filter(|s| s.won == Some(false)).count();
    let open = sims.len() - won - lost;
    assert!(won > 0 && lost > 0 && open > 0);
    assert!(!import.has_history);
    // What the user is told, as the UI receives it.
    let notices = serde_json::to_value(&import.notices).unwrap();
    assert_eq!(notices[0], serde_json::json!({ "code": "no_stage_history", "won": won, "lost": lost, "open": open }));
    assert_eq!(notices[1], serde_json::json!({ "code": "closed_without_history", "won": won, "lost": lost }));
    // Closed deals are kept apart, with no milestone guessed from their
    // outcome; only open deals (their current stage, undated) remain.
    assert_eq!(import.closed_without_history.len(), won + lost);
    assert!(import.closed_without_history.iter().all(|d| d.events.is_empty()));
    assert!(import.deals.iter().all(|d| d.status == Status::Open));
    let contract_sent = import.deals.iter().find(|d| d.events.iter().any(|e| e.milestone == "verbal_yes")).unwrap();
    assert!(contract_sent.events.iter().all(|e| e.date.is_none()) && contract_sent.events.len() == 2);
    // So nothing of theirs reaches calibration: the history it gets from
    // this import is empty, and calibrating with the closed deals by force
    // would learn only the empty state (the outcome, read back).
    let history: Vec<Deal> = import.deals.iter().filter(|d| d.status != Status::Open).cloned().collect();
    assert!(history.is_empty());
    let model = calibrate(&p, &history, &CalibrateOptions::default()).unwrap();
    let c = model.calibration.unwrap();
    assert_eq!(serde_json::to_value(&c).unwrap()["deals"], 0, "no closed deal calibrates");
}

#[test]
fn hubspot_column_pattern_handles_custom_stages_and_pipelines() {
    assert_eq!(
        hubspot::parse_entered(r#"Date entered "Qualified To Buy (Sales Pipeline)""#),
        Some(("Qualified To Buy".to_string(), Some("Sales Pipeline".to_string())))
    );
    assert_eq!(
        hubspot::parse_entered(r#"Date entered "Pilot (paid) live (Enterprise (EMEA))""#),
        Some(("Pilot (paid) live (Enterprise".to_string(), Some("EMEA)".to_string()))),
        "the last ' (' splits: a pipeline name with parentheses is cut there"
    );
    assert_eq!(hubspot::parse_entered(r#"Date exited "Qualified To Buy (Sales Pipeline)""#), None);
    assert_eq!(hubspot::parse_entered(r#"Cumulative time in "Qualified To Buy (Sales Pipeline)" (HH:mm:ss)"#), None);
    assert_eq!(hubspot::parse_entered("Deal Stage"), None);
    // Two pipelines, custom stages, a custom rule for one of them.
    let csv = "Record ID,Deal Name,Deal Stage,Pipeline,Amount,\"Date entered \"\"Scoping (Partners)\"\"\",\"Date exited \"\"Scoping (Partners)\"\"\",\"Date entered \"\"Signed (Partners)\"\"\",\"Date entered \"\"Appointment Scheduled (Sales Pipeline)\"\"\"\n\
               1,A,Scoping,Partners,10,2024-01-02,,,\n\
               2,B,Signed,Partners,10,2024-01-02,2024-02-01,2024-02-01,\n\
               3,C,Appointment Scheduled,Sales Pipeline,5,,,,2024-03-04\n\
               3,C again,Appointment Scheduled,Sales Pipeline,5,,,,2024-03-04\n\
               4,D,Signed,Partners,10,,,,\n";
    let options = HistoryOptions {
        stages: Some(vec![
            StageRule { pipeline: Some("Partners".into()), stage: "scoping".into(), milestones: vec!["need_confirmed".into()], outcome: None },
            StageRule { pipeline: None, stage: "Signed".into(), milestones: vec!["contract_signed".into()], outcome: Some(Outcome::Won) },
        ]),
        ..HistoryOptions::default()
    };
    let import = import_history(csv, Format::Hubspot, &options, None).unwrap();
    let ids: Vec<&str> = import.deals.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    let b = &import.deals[1];
    assert_eq!((b.status, b.events.len(), b.events[0].milestone.as_str()), (Status::Won, 1, "need_confirmed"), "an outcome is never a milestone");
    // D is won with no history before the outcome.
    assert_eq!(import.closed_without_history.len(), 1);
    assert_eq!((import.closed_without_history[0].id.as_str(), import.closed_without_history[0].status), ("4", Status::Won));
    assert_eq!(import.deals[0].events[0].date.as_deref(), Some("2024-01-02"));
    let issues = serde_json::to_value(&import.issues).unwrap();
    assert_eq!(issues[0], serde_json::json!({ "line": 5, "column": "Record ID", "code": "duplicate_id", "id": "3", "firstLine": 4 }));
    let notices = serde_json::to_value(&import.notices).unwrap();
    assert!(notices.as_array().unwrap().contains(&serde_json::json!({ "code": "outcome_stage_mapped", "stage": "Signed", "pipeline": "Partners" })));
    assert!(notices.as_array().unwrap().contains(&serde_json::json!({ "code": "stage_not_mapped", "stage": "Appointment Scheduled", "pipeline": "Sales Pipeline", "deals": 1 })));
    let signed = import.stages.iter().find(|r| r.stage == "Signed").unwrap();
    assert!(signed.closed_only && signed.outcome == Some(Outcome::Won) && signed.milestones.is_empty());
}

#[test]
fn missing_indispensable_columns_are_named_codes() {
    let e = import_history("Deal Name,Amount\nA,1\n", Format::Hubspot, &HistoryOptions::default(), None).unwrap_err();
    assert_eq!(serde_json::to_value(&e).unwrap(), serde_json::json!({ "code": "missing_column", "column": "Deal Stage" }));
    let e = import_history("Opportunity ID,Last Modified\n1,2024-01-01\n", Format::Salesforce, &HistoryOptions::default(), None).unwrap_err();
    assert_eq!(e, ImportError::MissingColumn { column: "Stage".into(), alternatives: vec!["Stage Name".into(), "To Stage".into()] });
    // A plain opportunities export (no date of change): current stage only.
    let plain = "Opportunity Name;Stage;Amount;Close Date;Opportunity Owner;Probability (%)\nX;Closed Won;1 234,50 kr;01.03.2024;Åsa;100\nY;Negotiation/Review;5.000;13.04.2024;Björn;75\n";
    assert_eq!(csv_preview(plain).unwrap().preset.as_deref(), Some("salesforce"));
    assert_eq!(Format::of_preset("salesforce"), Some(Format::Salesforce));
    let out = import_history(plain, Format::Salesforce, &HistoryOptions::default(), None).unwrap();
    assert!(!out.has_history);
    assert_eq!(out.closed_without_history[0].close_date.as_deref(), Some("2024-03-01"));
    assert_eq!(out.deals[0].events, vec![stagecast::Event { milestone: "verbal_yes".into(), date: None }]);
    assert_eq!(serde_json::to_value(&out.notices[0]).unwrap(), serde_json::json!({ "code": "no_stage_history", "won": 1, "lost": 0, "open": 1 }));
    let e = import_stage_history("deal id,stage\n1,a\n", None, &HistoryOptions::default(), None).unwrap_err();
    assert!(matches!(&e, ImportError::MissingColumn { column, .. } if column == "date"), "{e:?}");
    // Optional columns may be missing.
    let ok = import_history("Deal Stage\nClosed won\nContract sent\n", Format::Hubspot, &HistoryOptions::default(), None).unwrap();
    assert_eq!((ok.deals.len(), ok.closed_without_history.len()), (1, 1));
    let rules = Some(vec![StageRule { pipeline: None, stage: "x".into(), milestones: vec!["nope".into()], outcome: None }]);
    let p = Scorer::new(default_model()).unwrap();
    let e = import_history("Deal Stage\nx\n", Format::Hubspot, &HistoryOptions { stages: rules, ..HistoryOptions::default() }, Some(&p)).unwrap_err();
    assert_eq!(serde_json::to_value(&e).unwrap(), serde_json::json!({ "code": "unknown_milestone", "milestone": "nope", "stage": "x" }));
}

// ---------------------------------------------------------------- Salesforce

const SF_STAGES: [&str; 7] = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Proposal/Price Quote", "Negotiation/Review"];
const SF_MILESTONES: [&[&str]; 7] = [&[], &["need_confirmed"], &["mobilizer_met"], &["solution_presented"], &["decision_process_mapped"], &["proposal_requested"], &["verbal_yes"]];
const SF_GO: [f64; 7] = [0.6, 0.8, 0.8, 0.85, 0.85, 0.9, 0.85];
const SF_PROB: [u32; 7] = [10, 10, 20, 50, 60, 75, 90];

/// An Opportunity History report: one row per change (stage or expected
/// close date), newest first as the report sorts by default, US dates.
fn salesforce_csv(sims: &[Sim]) -> String {
    let mut out = String::from("Opportunity Owner,Opportunity ID,Opportunity Name,Stage,Amount,Probability (%),Close Date,Last Modified\n");
    for s in sims {
        // (day, stage, probability, expected close)
        let mut rows: Vec<(i32, &str, u32, i32)> = Vec::new();
        let expected_at = |day: i32| s.expected.iter().rfind(|e| e.0 <= day).map_or(s.expected[0].1, |e| e.1);
        for &(j, day) in &s.entered {
            rows.push((day, SF_STAGES[j], SF_PROB[j], expected_at(day)));
        }
        for &(day, date) in &s.expected[1..] {
            if day < s.close || s.won.is_none() {
                let j = s.entered.iter().rfind(|e| e.1 <= day).unwrap().0;
                rows.push((day, SF_STAGES[j], SF_PROB[j], date));
            }
        }
        match s.won {
            Some(true) => rows.push((s.close, "Closed Won", 100, s.close)),
            Some(false) => rows.push((s.close, "Closed Lost", 0, s.close)),
            None => {}
        }
        rows.sort_by_key(|r| r.0);
        for (day, stage, prob, close) in rows.iter().rev() {
            writeln!(out, "{},006{},Opp {},{stage},\"${},00\",{prob},{},{} 10:15 AM", s.owner, s.id, s.id, s.amount / 100, mdy(*close), mdy(*day)).unwrap();
        }
    }
    out
}

#[test]
fn salesforce_opportunity_history_round_trip() {
    let sims = simulate(5500, &SF_GO, 99);
    let csv = salesforce_csv(&sims);
    assert_eq!(csv_preview(&csv).unwrap().preset.as_deref(), Some("salesforce_history"));
    let options = HistoryOptions { date_order: Some(DateOrder::Mdy), ..HistoryOptions::default() };
    let p = Scorer::new(default_model()).unwrap();
    let mut import = import_history(&csv, Format::Salesforce, &options, Some(&p)).unwrap();
    assert_eq!(import.skipped, 0, "{:?}", &import.issues[..import.issues.len().min(3)]);
    assert!(import.rows > 5500 * 4, "{} rows", import.rows);
    assert_eq!(import.deals.len() + import.closed_without_history.len(), 5500);
    // Slips: the count and the days pushed of one deal, by hand.
    let s = sims.iter().find(|s| s.won.is_some() && s.expected.len() > 2).unwrap();
    let d = import.deals.iter().find(|d| d.id == format!("006{}", s.id)).unwrap();
    let mut moves: Vec<i32> = s.expected.iter().filter(|e| e.0 < s.close).map(|e| e.1).collect();
    moves.push(s.close);
    let changes = moves.windows(2).filter(|w| w[0] != w[1]).count() as u32;
    let pushed: i64 = moves.windows(2).map(|w| i64::from((w[1] - w[0]).max(0))).sum();
    let slip = d.slip.unwrap();
    assert_eq!((slip.changes, slip.days_pushed), (changes, pushed));
    assert_eq!(d.seller_probability, Some(if s.won == Some(true) { 1.0 } else { 0.0 }));
    for d in &mut import.deals {
        d.id = d.id.trim_start_matches("006").to_string();
    }
    let mae = round_trip(&import, &sims, &SF_GO, &SF_MILESTONES);
    assert!(mae < 0.03, "MAE {mae}");
}

// ---------------------------------------------------------------- long format

const CUSTOM_STAGES: [&str; 6] = ["Discovery call", "Champion found", "Budget talk", "Demo held", "Proposal out", "Verbal commit"];
const CUSTOM_MILESTONES: [&[&str]; 6] = [&["need_confirmed"], &["mobilizer_met"], &["budget_confirmed"], &["solution_presented"], &["proposal_requested"], &["verbal_yes"]];
const CUSTOM_GO: [f64; 6] = [0.65, 0.8, 0.85, 0.8, 0.9, 0.88];

#[test]
fn long_format_with_custom_stages_round_trip() {
    let sims = simulate(5200, &CUSTOM_GO, 4242);
    let mut deals = String::from("deal id,name,owner,amount,status,close date,pipeline\n");
    let mut history = String::from("deal id,stage,date\n");
    for s in &sims {
        let status = match s.won {
            Some(true) => "won",
            Some(false) => "lost",
            None => "open",
        };
        let close = if s.won.is_some() { iso(s.close) } else { String::new() };
        writeln!(deals, "D{},{},{},{},{status},{close},New business", s.id, csv_cell(&format!("Deal, {}", s.id)), s.owner, s.amount).unwrap();
        for &(j, day) in &s.entered {
            writeln!(history, "D{},{},{}", s.id, CUSTOM_STAGES[j], iso(day)).unwrap();
        }
        if s.won == Some(true) {
            // Only won deals reach it: an outcome, whatever the rules say.
            writeln!(history, "D{},Signed,{}", s.id, iso(s.close)).unwrap();
        }
    }
    history.push_str("D404,Discovery call,2024-01-01\n");
    assert_eq!(csv_preview(&history).unwrap().preset.as_deref(), Some("stage_history"));
    assert_eq!(csv_preview(&deals).unwrap().preset.as_deref(), Some("stage_history_deals"));
    let mut rules: Vec<StageRule> = CUSTOM_STAGES
        .iter()
        .zip(CUSTOM_MILESTONES)
        .map(|(s, m)| StageRule { pipeline: None, stage: s.to_lowercase(), milestones: m.iter().map(|x| x.to_string()).collect(), outcome: None })
        .collect();
    rules.push(StageRule { pipeline: None, stage: "Signed".into(), milestones: vec!["contract_signed".into()], outcome: None });
    let options = HistoryOptions { stages: Some(rules), ..HistoryOptions::default() };
    let p = Scorer::new(default_model()).unwrap();
    let mut import = import_stage_history(&history, Some(&deals), &options, Some(&p)).unwrap();
    assert_eq!(import.skipped, 1);
    assert_eq!(serde_json::to_value(&import.issues[0]).unwrap()["code"], "unknown_deal");
    assert!(import.notices.contains(&Notice::OutcomeStageMapped { stage: "Signed".into(), pipeline: Some("New business".into()) }));
    assert!(import.deals.iter().all(|d| d.events.iter().all(|e| e.milestone != "contract_signed")));
    assert_eq!(import.deals[0].label.as_deref(), Some(format!("Deal, {}", sims[0].id).as_str()));
    for d in &mut import.deals {
        d.id = d.id.trim_start_matches('D').to_string();
    }
    let mae = round_trip(&import, &sims, &CUSTOM_GO, &CUSTOM_MILESTONES);
    assert!(mae < 0.03, "MAE {mae}");
}

// ---------------------------------------------------------------- chunks

#[test]
fn chunked_import_is_complete_and_finds_duplicates_across_chunks() {
    let mapping: ColumnMapping = serde_json::from_str(r#"{"id":"id","value":"amount","status":"status"}"#).unwrap();
    let mut csv = String::from("\u{feff}id,amount,status\r\n");
    for k in 0..5000 {
        writeln!(csv, "{},{},{}", k % 4990, k, if k % 3 == 0 { "won" } else { "lost" }).unwrap();
    }
    let whole = parse_csv(&csv, &mapping, None, ImportOptions::default()).unwrap();
    let mut chunked = ChunkedImport::new(csv.clone(), mapping.clone(), None).unwrap();
    let (mut deals, mut errors, mut rows) = (Vec::new(), Vec::new(), 0);
    let mut last = 0;
    loop {
        let part = chunked.next_chunk(777).unwrap();
        rows += part.rows;
        deals.extend(part.deals);
        errors.extend(part.errors);
        let progress = chunked.progress();
        assert!(progress.bytes_read >= last);
        last = progress.bytes_read;
        if part.done {
            assert_eq!(progress.bytes_read, progress.bytes_total);
            break;
        }
    }
    assert_eq!(rows, 5000);
    assert_eq!(deals, whole.deals);
    assert_eq!(errors, whole.errors);
    assert_eq!(errors.len(), 10, "ids 0..9 come back 4990 rows later, in another chunk");
    assert_eq!(errors[0].line, 4992);
    assert!(chunked.next_chunk(10).unwrap().deals.is_empty());
}

#[test]
fn chunked_import_rejects_short_rows_as_parse_csv_does() {
    let mapping: ColumnMapping = serde_json::from_str(r#"{"id":"id","value":"amount","status":"status"}"#).unwrap();
    let csv = "id,amount,status\nA1,10,won\nA2,5\nA3,7,lost\n".to_string();
    let whole = parse_csv(&csv, &mapping, None, ImportOptions::default()).unwrap();
    let mut chunked = ChunkedImport::new(csv, mapping, None).unwrap();
    let part = chunked.next_chunk(1000).unwrap();
    assert_eq!(part.errors, whole.errors);
    assert_eq!(part.errors.len(), 1);
    assert_eq!(part.errors[0].line, 3);
    assert_eq!(part.errors[0].problem, stagecast::import::history::Problem::ShortRow { cells: 2, columns: 3 });
    assert_eq!(part.deals.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["A1", "A3"]);
}

#[test]
fn a_stage_only_won_deals_reach_is_an_outcome_from_five_deals_on() {
    let report = |n: usize| {
        let mut csv = String::from("Opportunity ID,Stage,Last Modified,Close Date\n");
        for k in 0..n {
            writeln!(csv, "A{k},Qualification,2024-01-02,2024-03-01\nA{k},Closed Won,2024-02-01,2024-02-01").unwrap();
        }
        csv.push_str("B,Qualification,2024-01-02,2024-03-01\nB,Needs Analysis,2024-01-05,2024-03-01\nB,Closed Lost,2024-01-09,2024-01-09\nC,Prospecting,2024-01-03,2024-05-01\n");
        import_history(&csv, Format::Salesforce, &HistoryOptions::default(), None).unwrap()
    };
    // Qualification is reached by won and lost deals: a step.
    let few = report(4);
    let row = few.stages.iter().find(|r| r.stage == "Needs Analysis").unwrap();
    assert_eq!((row.closed_only, row.outcome, row.milestones.clone()), (true, None, vec!["mobilizer_met".to_string()]), "one lost deal is not evidence");
    // Five won deals reach a stage no lost or open deal reaches.
    let mut csv = String::from("Opportunity ID,Stage,Last Modified\n");
    for k in 0..5 {
        writeln!(csv, "A{k},Negotiation/Review,2024-01-02\nA{k},Signed,2024-01-20\nA{k},Closed Won,2024-02-01").unwrap();
        writeln!(csv, "L{k},Negotiation/Review,2024-01-02\nL{k},Closed Lost,2024-02-01").unwrap();
    }
    let rules = vec![StageRule { pipeline: None, stage: "Signed".into(), milestones: vec!["contract_signed".into()], outcome: None }];
    let out = import_history(&csv, Format::Salesforce, &HistoryOptions { stages: Some(rules), ..HistoryOptions::default() }, None).unwrap();
    let signed = out.stages.iter().find(|r| r.stage == "Signed").unwrap();
    assert_eq!((signed.won, signed.outcome, signed.milestones.len()), (5, Some(Outcome::Won), 0));
    assert!(out.deals.iter().all(|d| d.events.iter().all(|e| e.milestone != "contract_signed")));
    no_outcome_milestone(&out.deals);
}
