//! CSV import: the built-in presets on realistic exports, row errors with
//! line numbers, chunking and the limits.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used, clippy::panic)]

use stagecast::Scorer;
use stagecast::import::{self, ColumnMapping, ImportOptions, PRESETS_JSON};
use stagecast::import::history::Problem;
use stagecast::{csv_preview, default_model, guess_preset, parse_csv, score_deals, Status};

fn preset(name: &str) -> ColumnMapping {
    let all: Vec<serde_json::Value> = serde_json::from_str(PRESETS_JSON).unwrap();
    let v = all.into_iter().find(|p| p["name"] == name).unwrap();
    serde_json::from_value(v).unwrap()
}

fn process() -> Scorer {
    Scorer::new(default_model()).unwrap()
}

#[test]
fn every_preset_names_known_milestones_and_is_guessed_from_its_columns() {
    let p = process();
    let all: Vec<serde_json::Value> = serde_json::from_str(PRESETS_JSON).unwrap();
    assert_eq!(all.len(), import::PRESET_SIGNATURES.len());
    for (v, (name, signature)) in all.iter().zip(import::PRESET_SIGNATURES) {
        assert_eq!(v["name"], *name);
        let m: ColumnMapping = serde_json::from_value(v.clone()).unwrap();
        // The header the preset expects: every column it maps.
        let mut header: Vec<String> = [&m.id, &m.label, &m.seller, &m.value, &m.status, &m.stage, &m.seller_probability]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        header.extend(m.close_date.iter().cloned());
        header.extend(m.attributes.iter().cloned());
        header.extend(m.milestone_columns.keys().cloned());
        for s in *signature {
            assert!(header.iter().any(|h| h == s), "{name}: signature column {s} is not mapped");
        }
        assert_eq!(guess_preset(&header), Some(*name));
        let csv = header.join(",") + "\n";
        let out = parse_csv(&csv, &m, Some(&p), ImportOptions::default()).unwrap();
        assert_eq!((out.rows, out.deals.len()), (0, 0));
    }
    assert_eq!(guess_preset(&["a", "b"]), None);
}

#[test]
fn maven_sales_pipeline_imports_whole() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/maven_crm/sales_pipeline.csv");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} not found");
        return;
    };
    let p = process();
    let started = std::time::Instant::now();
    let out = parse_csv(&text, &preset("maven"), Some(&p), ImportOptions::default()).unwrap();
    eprintln!("maven: {} rows in {:?}", out.rows, started.elapsed());
    assert_eq!(out.rows, 8800);
    assert_eq!(out.skipped, 0, "{:?}", &out.errors[..out.errors.len().min(5)]);
    assert!(out.done);
    let won = out.deals.iter().filter(|d| d.status == Status::Won).count();
    let lost = out.deals.iter().filter(|d| d.status == Status::Lost).count();
    assert!(won > 4000 && lost > 2000, "{won} won, {lost} lost");
    let first = &out.deals[0];
    assert_eq!(first.id, "1C1I7A6R");
    assert_eq!(first.seller.as_deref(), Some("Moses Frase"));
    assert_eq!(first.value, Some(1054.0));
    assert_eq!(first.close_date.as_deref(), Some("2017-03-01"));
    assert_eq!(first.attributes["product"], "GTX Plus Basic");
    assert_eq!(first.events[0].milestone, "need_confirmed");
    assert_eq!(first.events[0].date.as_deref(), Some("2016-10-20"));
    // Won and Lost are the outcome, not steps the customer took: a won deal
    // carries only what its dates show (engaged), or calibration would learn
    // the outcome from itself.
    assert_eq!(first.events.len(), 1);
    assert!(out.deals.iter().filter(|d| d.status != Status::Open).all(|d| d.events.len() <= 1));
    // Every imported deal scores.
    let scores = score_deals(&p, &out.deals).unwrap();
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(&s.probability)));
    // Chunks add up to the whole.
    let mut offset = 0;
    let mut ids = Vec::new();
    loop {
        let part = parse_csv(&text, &preset("maven"), Some(&p), ImportOptions { offset_rows: offset, max_rows: Some(3000) }).unwrap();
        offset += part.rows;
        ids.extend(part.deals.into_iter().map(|d| d.id));
        if part.done {
            break;
        }
    }
    assert_eq!(ids, out.deals.iter().map(|d| d.id.clone()).collect::<Vec<_>>());
}

#[test]
fn hubspot_export_with_quotes_and_crlf() {
    let csv = "\u{feff}Deal Name,Deal Stage,Amount,Close Date,Deal owner,Create Date,Pipeline\r\n\
               \"Acme, Inc.\",Closed won,\"$1,234.50\",2024-03-01 10:00,Ann,2024-01-01,Sales Pipeline\r\n\
               \"Big \"\"Co\"\"\",Contract sent,99,2024-12-01,Bob,,Sales Pipeline\r\n\
               Gamma,Closed lost,,03/15/2024,Cid,,Sales Pipeline\r\n";
    let preview = csv_preview(csv).unwrap();
    assert_eq!(preview.preset.as_deref(), Some("hubspot"));
    assert_eq!(preview.delimiter, ",");
    assert_eq!(preview.rows.len(), 3);
    let out = parse_csv(csv, &preset("hubspot"), Some(&process()), ImportOptions::default()).unwrap();
    assert_eq!(out.skipped, 0, "{:?}", out.errors);
    let [a, b, c] = &out.deals[..] else { panic!("{:?}", out.deals) };
    assert_eq!((a.id.as_str(), a.label.as_deref(), a.value, a.status), ("line 2", Some("Acme, Inc."), Some(1234.5), Status::Won));
    assert_eq!(a.close_date.as_deref(), Some("2024-03-01"));
    assert_eq!(a.events.last().unwrap().milestone, "contract_signed");
    assert_eq!((b.label.as_deref(), b.status, b.close_date.as_deref()), (Some("Big \"Co\""), Status::Open, None));
    assert_eq!(b.attributes["Pipeline"], "Sales Pipeline");
    assert_eq!((c.status, c.close_date.as_deref(), c.events.len()), (Status::Lost, Some("2024-03-15"), 0));
}

#[test]
fn nordic_salesforce_export_with_semicolons() {
    let csv = "Opportunity Name;Stage;Amount;Close Date;Opportunity Owner;Probability (%);Account Name;Type;Lead Source\n\
               X;Closed Won;1 234,50 kr;01.03.2024;Åsa;100;Acme;New;Web\n\
               Y;Negotiation/Review;5.000;13.04.2024;Björn;75;Beta;;\n";
    assert_eq!(csv_preview(csv).unwrap().delimiter, ";");
    let out = parse_csv(csv, &preset("salesforce"), Some(&process()), ImportOptions::default()).unwrap();
    assert_eq!(out.skipped, 0, "{:?}", out.errors);
    assert_eq!(out.deals[0].value, Some(1234.5));
    assert_eq!(out.deals[0].seller_probability, Some(1.0));
    assert_eq!(out.deals[1].value, Some(5000.0));
    assert_eq!(out.deals[1].seller_probability, Some(0.75));
    assert_eq!(out.deals[1].close_date, None, "an open deal's close date is a plan");
    assert!(!out.deals[1].attributes.contains_key("Type"), "empty cells are left out");
}

#[test]
fn pipedrive_status_column_and_tabs() {
    let csv = "Deal - Title\tDeal - Value\tDeal - Stage\tDeal - Status\tDeal - Owner\tDeal - Expected close date\tDeal - Won time\tDeal - Lost time\tOrganization - Name\n\
               A\t100\tProposal Made\twon\tAnn\t2024-05-01\t2024-04-03 10:22:11\t\tAcme\n\
               B\t\tQualified\tlost\tBob\t\t\t2024-04-04 09:00:00\t\"multi\nline\"\n\
               C\t7\tNo Such Stage\topen\tBob\t\t\t\t\n";
    let out = parse_csv(csv, &preset("pipedrive"), Some(&process()), ImportOptions::default()).unwrap();
    assert_eq!((out.rows, out.deals.len(), out.skipped), (3, 2, 1));
    assert_eq!(out.deals[0].close_date.as_deref(), Some("2024-04-03"));
    assert_eq!(out.deals[1].close_date.as_deref(), Some("2024-04-04"));
    assert_eq!(out.deals[1].attributes["Organization - Name"], "multi\nline");
    let e = &out.errors[0];
    assert_eq!((e.line, e.column.as_deref()), (5, Some("Deal - Stage")), "the line counts the newline inside quotes");
    assert_eq!(e.problem, Problem::StageNotInMap { value: "No Such Stage".into() });
}

#[test]
fn bad_rows_are_listed_with_their_line_and_skipped() {
    let m = ColumnMapping {
        id: Some("id".into()),
        value: Some("value".into()),
        close_date: vec!["closed".into()],
        status: Some("status".into()),
        milestone_columns: [("met".to_string(), "mobilizer_met".to_string())].into(),
        ..ColumnMapping::default()
    };
    let csv = "id,value,status,closed,met\n\
               a,10,won,2024-01-02,yes\n\
               b,ten,open,,\n\
               c,5,won,02/03/2024,\n\
               a,1,open,,\n\
               d,1,open,,maybe\n\
               \n\
               e,2,lost,2024-02-30,\n\
               f,3,open,,2024-01-05\n";
    let out = parse_csv(csv, &m, Some(&process()), ImportOptions::default()).unwrap();
    let lines: Vec<(usize, Option<&str>)> = out.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
    assert_eq!(lines, vec![(3, Some("value")), (4, Some("closed")), (5, Some("id")), (6, Some("met")), (8, Some("closed"))]);
    assert_eq!(out.errors[1].problem, Problem::AmbiguousDate { value: "02/03/2024".into() });
    assert_eq!(out.errors[0].problem, Problem::BadAmount { value: "ten".into() });
    assert_eq!(out.errors[2].problem, Problem::DuplicateId { id: "a".into(), first_line: 2 });
    assert_eq!(out.errors[3].problem, Problem::NotYesNoOrDate { value: "maybe".into() });
    assert_eq!(out.errors[4].problem, Problem::BadDate { value: "2024-02-30".into() });
    assert_eq!((out.rows, out.skipped), (7, 5));
    assert_eq!(out.deals.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), vec!["a", "f"]);
    assert_eq!(out.deals[1].events[0].date.as_deref(), Some("2024-01-05"));
}

/// Regression (fuzz/artifacts/csv/crash-f23e9226...): `maxRows: 0` read one
/// row, and `done` was false when only blank lines were left.
#[test]
fn max_rows_is_a_hard_bound_and_done_is_exact() {
    let m = ColumnMapping::default();
    let csv = "a\n1\n2\n\n\n";
    let at = |offset_rows, max_rows| parse_csv(csv, &m, None, ImportOptions { offset_rows, max_rows }).unwrap();
    let zero = at(0, Some(0));
    assert_eq!((zero.rows, zero.deals.len(), zero.done), (0, 0, false));
    let one = at(0, Some(1));
    assert_eq!((one.rows, one.done), (1, false));
    let rest = at(1, Some(1));
    assert_eq!((rest.rows, rest.done), (1, true), "only blank lines are left");
    let past = at(5, Some(1));
    assert_eq!((past.rows, past.done), (0, true));
}

#[test]
fn a_stage_column_without_a_stage_map_only_gives_the_status() {
    let m = ColumnMapping { stage: Some("stage".into()), ..ColumnMapping::default() };
    let out = parse_csv("stage\nClosed Won\nDemo\n", &m, Some(&process()), ImportOptions::default()).unwrap();
    assert_eq!(out.skipped, 0, "{:?}", out.errors);
    assert_eq!(out.deals.iter().map(|d| d.status).collect::<Vec<_>>(), vec![Status::Won, Status::Open]);
    assert!(out.deals.iter().all(|d| d.events.is_empty()));
}

#[test]
fn close_date_takes_one_column_or_a_list() {
    let one: ColumnMapping = serde_json::from_str(r#"{"closeDate": "Close Date"}"#).unwrap();
    assert_eq!(one.close_date, vec!["Close Date"]);
    let many: ColumnMapping = serde_json::from_str(r#"{"closeDate": ["Won", "Lost"]}"#).unwrap();
    assert_eq!(many.close_date, vec!["Won", "Lost"]);
    let none: ColumnMapping = serde_json::from_str(r#"{"closeDate": null}"#).unwrap();
    assert!(none.close_date.is_empty());
    assert!(serde_json::from_str::<ColumnMapping>(r#"{"closeDate": 3}"#).is_err());
}

#[test]
fn mapping_errors_stop_the_import_and_name_the_field() {
    let p = process();
    let csv = "a,b\n1,2\n";
    let m = ColumnMapping { value: Some("Amount".into()), ..ColumnMapping::default() };
    let e = parse_csv(csv, &m, None, ImportOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "mapping.value: no column \"Amount\" in the CSV header");
    let m = ColumnMapping { stage: Some("a".into()), stage_map: [("1".to_string(), vec!["nope".to_string()])].into(), ..ColumnMapping::default() };
    let e = parse_csv(csv, &m, Some(&p), ImportOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "mapping.stageMap.1[0]: unknown milestone \"nope\"");
    let m = ColumnMapping { delimiter: Some("x".into()), ..ColumnMapping::default() };
    assert_eq!(parse_csv(csv, &m, None, ImportOptions::default()).unwrap_err().path, "mapping.delimiter");
    assert!(parse_csv("", &ColumnMapping::default(), None, ImportOptions::default()).is_err());
    assert!(csv_preview("\n\n").is_err());
}

#[test]
fn limits_are_clear_errors() {
    let m = ColumnMapping::default();
    let opts = ImportOptions::default();
    // Too many columns in the header: the whole import; in a row: that row.
    let wide = vec!["c"; import::MAX_CSV_COLUMNS + 1].join(",");
    let e = parse_csv(&wide, &m, None, opts).unwrap_err();
    assert!(e.to_string().contains("more than 1000 columns"), "{e}");
    let csv = format!("a\n1\n{wide}\n2\n");
    let out = parse_csv(&csv, &m, None, opts).unwrap();
    assert_eq!((out.rows, out.skipped, out.errors[0].line), (3, 1, 3));
    // A cell over the limit.
    let csv = format!("a,b\n1,{}\n2,x\n", "x".repeat(import::MAX_CELL_BYTES + 1));
    let out = parse_csv(&csv, &m, None, opts).unwrap();
    assert_eq!((out.skipped, out.errors[0].column.as_deref()), (1, Some("b")));
    assert_eq!(out.errors[0].problem, Problem::CellTooLong);
    // A mapped text over 200 characters.
    let csv = format!("a\n{}\n", "y".repeat(201));
    let m2 = ColumnMapping { label: Some("a".into()), ..ColumnMapping::default() };
    let out = parse_csv(&csv, &m2, None, opts).unwrap();
    assert_eq!(out.errors[0].problem, Problem::TooLong);
    // An unterminated quote.
    let out = parse_csv("a\n\"open\n1\n", &m, None, opts).unwrap();
    assert_eq!((out.skipped, out.errors[0].line), (1, 2));
    // The size limit.
    let big = "a\n".repeat(import::MAX_CSV_BYTES / 2 + 1);
    assert!(parse_csv(&big, &m, None, opts).unwrap_err().to_string().contains("larger than 50 MB"));
    assert!(csv_preview(&big).is_err());
    // Too many attributes.
    let m3 = ColumnMapping { attributes: vec!["a".into(); 33], ..ColumnMapping::default() };
    assert!(parse_csv("a\n", &m3, None, opts).unwrap_err().to_string().contains("at most 32"));
}

#[test]
fn too_many_rows_stop_with_an_error_not_a_crash() {
    let csv = "a\n".to_string() + &"1\n".repeat(import::MAX_CSV_ROWS + 5);
    let out = parse_csv(&csv, &ColumnMapping::default(), None, ImportOptions::default()).unwrap();
    assert_eq!(out.rows, import::MAX_CSV_ROWS);
    assert!(out.done);
    let last = out.errors.last().unwrap();
    assert_eq!(last.problem, Problem::TooManyRows { max: 1_000_000 });
    assert_eq!(last.line, import::MAX_CSV_ROWS + 2);
}
