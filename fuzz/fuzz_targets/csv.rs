//! CSV import: either JSON text `{ "text", "mapping", "model"?, "options"? }`
//! or raw bytes read as CSV text with every built-in preset (with and
//! without the default model), plus the preview. Errors are fine; a panic, a
//! row count that does not add up, or a deal that fails the model's check
//! is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use stagecast::import::{self, ColumnMapping, ImportOptions, PRESETS_JSON};
use stagecast::{default_model, Process, ProcessModel};

#[derive(Deserialize)]
struct Input {
    text: String,
    mapping: ColumnMapping,
    #[serde(default)]
    model: Option<ProcessModel>,
    #[serde(default)]
    options: ImportOptions,
}

fn run(text: &str, mapping: &ColumnMapping, process: Option<&Process>, options: ImportOptions) {
    let Ok(out) = import::parse_csv(text, mapping, process, options) else { return };
    assert_eq!(out.deals.len() + out.skipped, out.rows, "rows = deals + skipped");
    assert!(out.errors.len() >= out.skipped.min(import::MAX_LISTED_ERRORS));
    if let Some(max) = options.max_rows {
        assert!(out.rows <= max);
    }
    if let Some(p) = process {
        for d in &out.deals {
            assert!(d.check(p).is_ok(), "an imported deal fails the check: {d:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if text.starts_with('{') {
        if let Ok(input) = serde_json::from_str::<Input>(&text) {
            let process = input.model.and_then(|m| Process::new(m).ok());
            run(&input.text, &input.mapping, process.as_ref(), input.options);
            let _ = import::csv_preview(&input.text);
            return;
        }
    }
    if let Ok(p) = import::csv_preview(&text) {
        assert!(p.rows.len() <= import::PREVIEW_ROWS);
    }
    // One preset per input (by length), so each run stays fast.
    let presets: Vec<ColumnMapping> = serde_json::from_str(PRESETS_JSON).unwrap_or_default();
    assert_eq!(presets.len(), 4);
    let process = Process::new(default_model()).ok();
    if let Some(m) = presets.get(data.len() % presets.len()) {
        run(&text, m, None, ImportOptions::default());
        run(&text, m, process.as_ref(), ImportOptions::default());
        run(&text, m, process.as_ref(), ImportOptions { offset_rows: 1, max_rows: Some(2) });
    }
    // A header taken from the data, with every column used somewhere.
    let mut header: Vec<String> = Vec::new();
    if let Ok(p) = import::csv_preview(&text) {
        header = p.header;
    }
    if header.len() >= 2 {
        let col = |i: usize| header.get(i % header.len()).cloned();
        let mapping = ColumnMapping {
            id: col(0),
            value: col(1),
            seller_probability: col(2),
            stage: col(3),
            status: col(4),
            close_date: col(5).into_iter().collect(),
            milestone_columns: col(6).map(|c| (c, "need_confirmed".to_string())).into_iter().collect(),
            attributes: header.iter().take(3).cloned().collect(),
            stage_map: header.iter().map(|h| (h.clone(), vec!["mobilizer_met".to_string()])).collect(),
            ..ColumnMapping::default()
        };
        run(&text, &mapping, process.as_ref(), ImportOptions::default());
    }
});
