//! Stages become milestones in one explicit step.
//!
//! A [`StageRule`] says which milestones entering a stage means reached, or
//! that the stage is an outcome (won or lost). The rules:
//! * **Outcomes are never milestones.** A stage is an outcome when its rule
//!   says so, when its name has the word `won` or `lost` ("Closed won"), or
//!   when only closed deals reach it (at least [`MIN_OUTCOME_DEALS`] of
//!   them) and either they all ended the same way or it was the last stage
//!   of every one of them. Milestones a rule gives
//!   an outcome stage are ignored (and a notice says so).
//! * **A closed deal keeps exactly the milestones its history shows**: each
//!   stage it entered gives its rule's milestones, dated the day the stage
//!   was entered (the first day, when several stages give one milestone).
//!   Nothing is inferred from skipped stages or from the outcome.
//! * **No history, no calibration.** A closed deal whose history shows no
//!   stage before its outcome (every closed deal of a current-stage-only
//!   export) goes to `closedWithoutHistory`, not to `deals`, with a notice
//!   counting them: its progress is unknown and is never guessed from how it
//!   ended, so it cannot calibrate the model from its outcome.
//! * An open deal without any history carries its current stage's
//!   milestones, undated.
//! * A stage without a rule reaches no milestone (a notice lists it).
//!
//! Rules match stage names case-insensitively; a rule with a `pipeline`
//! applies to that pipeline only and wins over one without.

use serde::{Deserialize, Serialize};
use super::history::{self, Format, HistoryOptions, ImportError, ImportResult, Issue, Notice, Problem, Path, StageHistory};
use super::intern::{FxMap, Names};
use crate::deal::{Deal, Event, Status};
use crate::model::Process;

/// Fewest deals behind a stage before the data alone make it an outcome
/// (only closed deals reach it, and they all ended the same way or all
/// ended there).
pub const MIN_OUTCOME_DEALS: usize = 5;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(rename = "StageOutcome"))]
#[serde(rename = "StageOutcome", rename_all = "lowercase")]
pub enum Outcome {
    Won,
    Lost,
}

impl Outcome {
    pub fn status(self) -> Status {
        match self {
            Outcome::Won => Status::Won,
            Outcome::Lost => Status::Lost,
        }
    }
}

/// What entering a stage means.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StageRule {
    /// The pipeline the rule is for; absent: any pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    pub stage: String,
    /// Milestone ids reached on entering the stage.
    #[serde(default)]
    pub milestones: Vec<String>,
    /// The stage is an outcome: the deal is won or lost there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "StageOutcome"))]
    pub outcome: Option<Outcome>,
}

fn rule(stage: &str, milestones: &[&str], outcome: Option<Outcome>) -> StageRule {
    StageRule { pipeline: None, stage: stage.to_string(), milestones: milestones.iter().map(|s| s.to_string()).collect(), outcome }
}

/// The defaults for each CRM's default pipeline, in the default model's
/// milestones: one buyer step per stage, the closing stages outcomes. The
/// long format has no default stages.
pub fn default_rules(format: Format) -> Vec<StageRule> {
    let won = Some(Outcome::Won);
    let lost = Some(Outcome::Lost);
    match format {
        Format::Hubspot => vec![
            rule("Appointment scheduled", &["need_confirmed"], None),
            rule("Qualified to buy", &["mobilizer_met"], None),
            rule("Presentation scheduled", &["solution_presented"], None),
            rule("Decision maker bought-in", &["decision_process_mapped"], None),
            rule("Contract sent", &["proposal_requested", "verbal_yes"], None),
            rule("Closed won", &[], won),
            rule("Closed lost", &[], lost),
        ],
        Format::Salesforce => vec![
            rule("Prospecting", &[], None),
            rule("Qualification", &["need_confirmed"], None),
            rule("Needs Analysis", &["mobilizer_met"], None),
            rule("Value Proposition", &["solution_presented"], None),
            rule("Id. Decision Makers", &["decision_process_mapped"], None),
            rule("Perception Analysis", &[], None),
            rule("Proposal/Price Quote", &["proposal_requested"], None),
            rule("Negotiation/Review", &["verbal_yes"], None),
            rule("Closed Won", &[], won),
            rule("Closed Lost", &[], lost),
        ],
        Format::StageHistory => Vec::new(),
    }
}

/// One line of the stage -> milestone table the UI shows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StageRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    pub stage: String,
    /// Deals that entered the stage or are in it.
    pub deals: usize,
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    /// Only closed deals reach it.
    pub closed_only: bool,
    /// The stage is an outcome (then `milestones` is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "StageOutcome"))]
    pub outcome: Option<Outcome>,
    /// The milestones entering it reaches, as imported.
    pub milestones: Vec<String>,
    /// The format's default milestones for it (what "reset" restores).
    pub default_milestones: Vec<String>,
    /// Whether a rule names the stage.
    pub mapped: bool,
}

/// A history export imported: deals with dated milestones, ready for
/// calibration and scoring.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct HistoryImport {
    pub format: Format,
    /// False for a current-stage-only export.
    pub has_history: bool,
    /// Open deals, and closed deals whose history shows their progress.
    pub deals: Vec<Deal>,
    /// Closed deals whose progress is unknown: never calibrate from them.
    pub closed_without_history: Vec<Deal>,
    pub stages: Vec<StageRow>,
    pub notices: Vec<Notice>,
    pub issues: Vec<Issue>,
    /// Data rows read (of the history file).
    pub rows: usize,
    pub skipped: usize,
    pub done: bool,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn find_rule<'r>(rules: &'r [StageRule], pipeline: Option<&str>, stage: &str) -> Option<&'r StageRule> {
    let named = rules.iter().find(|r| same(&r.stage, stage) && matches!((r.pipeline.as_deref(), pipeline), (Some(a), Some(b)) if same(a, b)));
    named.or_else(|| rules.iter().find(|r| same(&r.stage, stage) && r.pipeline.is_none()))
}

/// Stages by (pipeline, stage), case-insensitive, without allocating on a
/// lookup: the key is written into a reused buffer.
#[derive(Default)]
struct Keys {
    index: FxMap<String, usize>,
    buf: String,
}

impl Keys {
    fn fill(&mut self, pipeline: Option<&str>, stage: &str) {
        self.buf.clear();
        for c in pipeline.unwrap_or("").trim().chars().chain(['\u{1f}']).chain(stage.trim().chars()) {
            self.buf.extend(c.to_lowercase());
        }
    }

    fn get(&mut self, pipeline: Option<&str>, stage: &str) -> Option<usize> {
        self.fill(pipeline, stage);
        self.index.get(self.buf.as_str()).copied()
    }

    /// The stage's index, and whether it is new.
    fn intern(&mut self, pipeline: Option<&str>, stage: &str) -> (usize, bool) {
        if let Some(k) = self.get(pipeline, stage) {
            return (k, false);
        }
        let k = self.index.len();
        self.index.insert(self.buf.clone(), k);
        (k, true)
    }
}

#[derive(Default)]
struct Stat {
    pipeline: Option<String>,
    stage: String,
    won: usize,
    lost: usize,
    open: usize,
    /// Deals reaching it for which it was the last stage.
    last: usize,
}

/// The number of a deal without a pipeline.
const NO_PIPELINE: u32 = u32::MAX;

/// What one (pipeline, stage) pair, both as spelled, stands for: worked out
/// on its first deal, then read back for every other deal and event.
#[derive(Default)]
struct Pair {
    /// The status of a deal whose last stage it is.
    status: Option<Status>,
    /// Its stage in the table (`Keys`), once asked.
    slot: Option<Option<usize>>,
}

/// The stages of the table (`stats`, in the order deals first reach them)
/// and, by (pipeline, stage) numbers, the pairs already worked out.
struct Slots<'n> {
    names: &'n Names,
    keys: Keys,
    pairs: FxMap<u64, usize>,
    info: Vec<Pair>,
    stats: Vec<Stat>,
}

impl<'n> Slots<'n> {
    fn new(names: &'n Names) -> Self {
        Slots { names, keys: Keys::default(), pairs: FxMap::default(), info: Vec::new(), stats: Vec::new() }
    }

    fn pair(&mut self, pipeline: u32, stage: u32) -> Option<&mut Pair> {
        let n = self.info.len();
        let k = *self.pairs.entry(u64::from(pipeline) << 32 | u64::from(stage)).or_insert(n);
        if k == n {
            self.info.push(Pair::default());
        }
        self.info.get_mut(k)
    }

    /// The status of a deal whose last stage is `stage`: the explicit
    /// outcome of its rule, else its words.
    fn status(&mut self, rules: &[StageRule], pipeline: (Option<&str>, u32), stage: u32) -> Status {
        let name = self.names.name(stage);
        let work = || match find_rule(rules, pipeline.0, name).and_then(|r| r.outcome) {
            Some(o) => o.status(),
            None => history::status_word(name),
        };
        match self.pair(pipeline.1, stage) {
            Some(pair) => *pair.status.get_or_insert_with(work),
            None => work(),
        }
    }

    /// The stage's place in the table, added (with its spelling) on first
    /// sight.
    fn intern(&mut self, pipeline: (Option<&str>, u32), stage: u32) -> usize {
        if let Some(Some(Some(k))) = self.pair(pipeline.1, stage).map(|p| p.slot) {
            return k;
        }
        let name = self.names.name(stage);
        let (k, new) = self.keys.intern(pipeline.0, name);
        if new {
            self.stats.push(Stat { pipeline: pipeline.0.map(str::to_string), stage: name.to_string(), ..Stat::default() });
        }
        if let Some(p) = self.pair(pipeline.1, stage) {
            p.slot = Some(Some(k));
        }
        k
    }

    /// The stage's place in the table, if it has one.
    fn get(&mut self, pipeline: (Option<&str>, u32), stage: u32) -> Option<usize> {
        if let Some(Some(slot)) = self.pair(pipeline.1, stage).map(|p| p.slot) {
            return slot;
        }
        let slot = self.keys.get(pipeline.0, self.names.name(stage));
        if let Some(p) = self.pair(pipeline.1, stage) {
            p.slot = Some(slot);
        }
        slot
    }
}

/// Maps the stages of a history to milestones by `rules` (see the module
/// documentation). With a process, the rules' milestones must be in it and
/// every deal is checked against it.
pub fn apply(h: StageHistory, rules: &[StageRule], process: Option<&Process>) -> ImportResult<HistoryImport> {
    if let Some(p) = process {
        for r in rules {
            for m in &r.milestones {
                if p.find(m).is_none() {
                    return Err(ImportError::UnknownMilestone { milestone: m.clone(), stage: r.stage.clone() });
                }
            }
        }
    }
    let format = h.format.unwrap_or(Format::StageHistory);
    let defaults = default_rules(format);
    let StageHistory { has_history, mut deals, paths, names, issues, rows, skipped, .. } = h;
    // One pass over the deals (they are many: each pass costs), for each
    // deal in turn:
    // 1. its pipeline by number (pipelines are few, deals many);
    // 2. its status where the export gives none: the explicit outcome of
    //    the last stage, else its words;
    // 3. who reaches each stage.
    let mut pipelines = Names::default();
    let mut pipeline_of: Vec<u32> = Vec::with_capacity(deals.len());
    let mut slots = Slots::new(&names);
    let mut reached: Vec<usize> = Vec::new();
    for (d, s) in deals.iter_mut().zip(&paths) {
        let p = d.pipeline.as_deref().map_or(NO_PIPELINE, |p| pipelines.intern(p));
        pipeline_of.push(p);
        let pipeline = (d.pipeline.as_deref(), p);
        if !s.status_given {
            d.status = match s.last_stage() {
                Some(stage) => slots.status(rules, pipeline, stage),
                None => Status::Open,
            };
        }
        let last = s.last_stage().map(|l| slots.intern(pipeline, l));
        reached.clear();
        for e in &s.entered {
            reached.push(slots.intern(pipeline, e.stage));
        }
        if let Some(c) = s.stage {
            if !s.entered.iter().any(|e| names.same(e.stage, c)) {
                reached.push(slots.intern(pipeline, c));
            }
        }
        for &k in &reached {
            let Some(st) = slots.stats.get_mut(k) else { continue };
            match d.status {
                Status::Won => st.won += 1,
                Status::Lost => st.lost += 1,
                Status::Open => st.open += 1,
            }
            if last == Some(k) {
                st.last += 1;
            }
        }
    }
    drop(pipelines);
    // 4. Outcomes and milestones of each stage.
    let stats = std::mem::take(&mut slots.stats);
    let mut table = Vec::with_capacity(stats.len());
    let mut notices = Vec::new();
    let mut effective: Effective = Vec::with_capacity(stats.len());
    for st in &stats {
        let r = find_rule(rules, st.pipeline.as_deref(), &st.stage);
        let n = st.won + st.lost + st.open;
        let closed_only = n > 0 && st.open == 0;
        // The data decide only from enough deals: one or two deals that
        // happened to win are not evidence that a stage is an outcome.
        let decided = closed_only && n >= MIN_OUTCOME_DEALS;
        let outcome = r.and_then(|r| r.outcome).or_else(|| match history::status_word(&st.stage) {
            Status::Won => Some(Outcome::Won),
            Status::Lost => Some(Outcome::Lost),
            Status::Open if decided && st.lost == 0 => Some(Outcome::Won),
            Status::Open if decided && st.won == 0 => Some(Outcome::Lost),
            // Reached by won and lost deals, and the end of each of them:
            // an outcome whose side the status column gives.
            Status::Open if decided && st.last == n => Some(if st.won >= st.lost { Outcome::Won } else { Outcome::Lost }),
            Status::Open => None,
        });
        let milestones = match (outcome, r) {
            (None, Some(r)) => r.milestones.clone(),
            (Some(_), Some(r)) if !r.milestones.is_empty() => {
                notices.push(Notice::OutcomeStageMapped { stage: st.stage.clone(), pipeline: st.pipeline.clone() });
                Vec::new()
            }
            _ => Vec::new(),
        };
        if r.is_none() && outcome.is_none() {
            notices.push(Notice::StageNotMapped { stage: st.stage.clone(), pipeline: st.pipeline.clone(), deals: n });
        }
        let default_milestones = find_rule(&defaults, st.pipeline.as_deref(), &st.stage).map(|r| r.milestones.clone()).unwrap_or_default();
        table.push(StageRow {
            pipeline: st.pipeline.clone(),
            stage: st.stage.clone(),
            deals: n,
            won: st.won,
            lost: st.lost,
            open: st.open,
            closed_only,
            outcome,
            milestones: milestones.clone(),
            default_milestones,
            mapped: r.is_some(),
        });
        effective.push((outcome, milestones));
    }
    // 5. The deals, in place: each gets its events, and is kept, moved to
    // `closed_without_history`, or left out when the process rejects it.
    let mut out = HistoryImport {
        format,
        has_history,
        deals: Vec::new(),
        closed_without_history: Vec::new(),
        stages: table,
        notices: Vec::new(),
        issues,
        rows,
        skipped,
        done: true,
    };
    let (mut won, mut lost, mut open) = (0, 0, 0);
    let mut each = paths.into_iter().zip(pipeline_of);
    deals.retain_mut(|deal| {
        let Some((s, p)) = each.next() else { return true };
        match deal.status {
            Status::Won => won += 1,
            Status::Lost => lost += 1,
            Status::Open => open += 1,
        }
        let known = events_of(deal, &s, p, &effective, &mut slots);
        if let Some(p) = process {
            if let Err(e) = deal.check(p) {
                out.skipped += 1;
                if out.issues.len() < super::MAX_LISTED_ERRORS {
                    out.issues.push(Issue { line: s.line, column: None, problem: Problem::InvalidDeal { path: e.path } });
                }
                return false;
            }
        }
        if deal.status != Status::Open && !known {
            out.closed_without_history.push(std::mem::take(deal));
            return false;
        }
        true
    });
    out.deals = deals;
    if !out.has_history {
        out.notices.push(Notice::NoStageHistory { won, lost, open });
    }
    let cw = out.closed_without_history.iter().filter(|d| d.status == Status::Won).count();
    let cl = out.closed_without_history.len() - cw;
    if cw + cl > 0 {
        out.notices.push(Notice::ClosedWithoutHistory { won: cw, lost: cl });
    }
    out.notices.extend(notices);
    Ok(out)
}

/// By stage index: the stage's outcome and milestones.
type Effective = Vec<(Option<Outcome>, Vec<String>)>;

/// Gives the deal its events by its path; and says whether its history
/// shows any stage before the outcome. `pipeline` is the number of the
/// deal's pipeline.
fn events_of(deal: &mut Deal, s: &Path, pipeline: u32, effective: &Effective, slots: &mut Slots) -> bool {
    let Path { stage, entered, .. } = s;
    // Room for the events first: a list grown past 4 would be copied.
    let mut room = 0;
    for e in entered {
        if let Some((None, ms)) = slots.get((deal.pipeline.as_deref(), pipeline), e.stage).and_then(|k| effective.get(k)) {
            room += ms.len();
        }
    }
    deal.events.reserve_exact(room);
    let mut known = false;
    for e in entered {
        match slots.get((deal.pipeline.as_deref(), pipeline), e.stage).and_then(|k| effective.get(k)) {
            Some((Some(_), _)) => {}
            Some((None, ms)) => {
                known = true;
                if let Some((last, rest)) = ms.split_last() {
                    let date = history::iso_day(e.day);
                    for m in rest {
                        add(&mut deal.events, m, Some(date.clone()));
                    }
                    add(&mut deal.events, last, Some(date));
                }
            }
            None => known = true,
        }
    }
    if entered.is_empty() && deal.status == Status::Open {
        if let Some(&c) = stage.as_ref() {
            if let Some((None, ms)) = slots.get((deal.pipeline.as_deref(), pipeline), c).and_then(|k| effective.get(k)) {
                for m in ms {
                    add(&mut deal.events, m, None);
                }
            }
        }
    }
    known
}

fn add(events: &mut Vec<Event>, milestone: &str, date: Option<String>) {
    if !events.iter().any(|e| e.milestone == milestone) {
        events.push(Event { milestone: milestone.to_string(), date });
    }
}

/// Reads a HubSpot or Salesforce history export (or a long-format history
/// file without a deals file) and maps its stages: `options.stages`, or the
/// format's defaults.
pub fn import_history(text: &str, format: Format, options: &HistoryOptions, process: Option<&Process>) -> ImportResult<HistoryImport> {
    import_history_with_progress(text, None, format, options, process, &mut |_, _| {})
}

/// The long format: the history file and, optionally, the deals file.
pub fn import_stage_history(history: &str, deals: Option<&str>, options: &HistoryOptions, process: Option<&Process>) -> ImportResult<HistoryImport> {
    import_history_with_progress(history, deals, Format::StageHistory, options, process, &mut |_, _| {})
}

/// Either of the above, calling `progress(bytesRead, bytesTotal)` as the
/// history file is read (once, start to end).
pub fn import_history_with_progress(
    text: &str,
    deals: Option<&str>,
    format: Format,
    options: &HistoryOptions,
    process: Option<&Process>,
    progress: &mut dyn FnMut(usize, usize),
) -> ImportResult<HistoryImport> {
    let h = match format {
        Format::Hubspot => super::hubspot::read(text, options, progress)?,
        Format::Salesforce => super::salesforce::read(text, options, progress)?,
        Format::StageHistory => super::long::read(text, deals, options, progress)?,
    };
    let defaults;
    let rules = match &options.stages {
        Some(r) => r.as_slice(),
        None => {
            defaults = default_rules(format);
            defaults.as_slice()
        }
    };
    apply(h, rules, process)
}

/// The history format a header is, if any.
pub fn guess_format<S: AsRef<str>>(header: &[S]) -> Option<Format> {
    let header: Vec<String> = header.iter().map(|h| h.as_ref().trim().to_string()).collect();
    if super::hubspot::is_history(&header) {
        Some(Format::Hubspot)
    } else if super::salesforce::is_history(&header) {
        Some(Format::Salesforce)
    } else if super::long::is_history(&header) {
        Some(Format::StageHistory)
    } else {
        None
    }
}

/// The preset name of a header: a history format's, `stage_history_deals`
/// for the deals file of the long format, else the row-per-deal presets'.
pub fn guess_any<S: AsRef<str>>(header: &[S]) -> Option<&'static str> {
    if let Some(f) = guess_format(header) {
        return Some(f.preset());
    }
    let owned: Vec<String> = header.iter().map(|h| h.as_ref().trim().to_string()).collect();
    if super::long::is_deals(&owned) {
        return Some("stage_history_deals");
    }
    super::guess_preset(header)
}
