//! CSV reading for the integration tests on ../shared/data (plain comma
//! split: these files have no quoted commas).
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::PathBuf;

pub fn data(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} not found", p.display());
        None
    }
}

/// Header and rows, fields trimmed; exact duplicate lines kept.
pub fn read_csv(path: &PathBuf) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap().split(',').map(|s| s.trim().to_string()).collect();
    let rows = lines.map(|l| l.split(',').map(|s| s.trim().to_string()).collect()).collect();
    (header, rows)
}
