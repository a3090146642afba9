// The README's ES module examples (pkg/, imported as 'stagecast'), as a
// TypeScript user writes them: tests/node/types.test.mjs compiles this file
// with `tsc --strict` and fails unless it compiles.
import init, { defaultModel, scoreDeal, scoreDeals, meetingValue, meetingPlan, rankMeetings, validateModel, loadAnalysis, Engine, initSync } from 'stagecast';
import type { Deal, DealScore, Score, ProcessModel, StagecastDealElement, StagecastChangeEvent, StagecastError } from 'stagecast';
import * as analysis from 'stagecast/analysis';
import { readFileSync } from 'node:fs';

// Browser or bundler: init() fetches stagecast_bg.wasm next to the module.
await init();
// Node 20.
initSync({ module: readFileSync(new URL(import.meta.resolve('stagecast/stagecast_bg.wasm'))) });
analysis.initSync({ module: readFileSync(new URL(import.meta.resolve('stagecast/analysis/stagecast_bg.wasm'))) });
const { calibrate, forecast, distribution, evaluate, crossValidate } = await loadAnalysis();

const model: ProcessModel = defaultModel();
const deal: Deal = { id: 'OPP-4711', label: 'Acme', value: 850000, margin: 240000,
  events: [{ milestone: 'need_confirmed', date: '2026-09-02' }, { milestone: 'mobilizer_met' }] };

// The API table: optional options may be left out.
const one: DealScore = scoreDeal(model, deal);
const all: DealScore[] = scoreDeals(model, [deal]);
const p: number = one.probability;
const interval: [number, number] | null | undefined = one.interval;
// Issue 16: the number as a sum of terms in log-odds (calibrated scores).
for (const c of one.contributions ?? []) {
  const kind: 'state' | 'attribute' | 'pair' = c.term.kind;
  const v: number = c.value;
  console.log(kind, v, c.term.reached, c.term.attribute, c.term.withValue);
}
const worth = meetingValue(model, deal, 'decision_process_mapped');
const worth2 = meetingValue(model, deal, 'decision_process_mapped', { marginRate: 0.3 });
const plan = meetingPlan({ marginBudget: 200000, meetingsPerWeek: 5, weeks: 4 });
const ranked = rankMeetings(model, [{ dealId: deal.id, targetMilestone: 'budget_confirmed' }], { deals: [deal], requiredMarginPerMeeting: plan.requiredMarginPerMeeting });
for (const r of ranked) {
  const status: 'pass' | 'fail' | 'unknown' = r.checks.rightCustomer.status;
  const code: string = r.checks.prepared.reason.code;
  console.log(r.rank, r.value, worth.value, worth2.worthIt, status, code);
}
validateModel(model);

// The Engine: compiled once; scoreDeals is lean unless asked for detail.
const engine = new Engine(model);
const lean: Score[] = engine.scoreDeals([deal]);
const full: DealScore[] = engine.scoreDeals([deal], { detail: true });
const leanToo: Score[] = engine.scoreDeals([deal], { detail: false });
console.log(lean[0].probability, full[0].next.map((n) => n.gain), leanToo.length, engine.scoreDeal(deal).reached, engine.model.milestones.length);
console.log(engine.meetingValue(deal, 'budget_confirmed').probabilityAfter, engine.rankMeetings([]).length);
engine.free();

// The analysis part.
const closedDeals: Deal[] = [{ id: 'w', status: 'won', events: [{ milestone: 'need_confirmed' }] }];
const calibrated: ProcessModel = calibrate(defaultModel(), closedDeals);
const again: ProcessModel = calibrate(calibrated, closedDeals, { paths: 'auto' });
const ev = evaluate(again, closedDeals);
const cv = crossValidate(again, closedDeals, 5);
const f = forecast(calibrated, [deal], { measure: 'value', target: 3000000 });
const d = distribution([{ amount: 100, probability: 0.5 }]);
console.log(p, interval, all.length, ev.brier, cv.folds, f.model.p50, d.p90, d.pAtLeastTarget);
// Issue 14: deals in columns, the model compiled once (`[p, lo, hi]` per deal).
const scorer = new analysis.ColumnScorer(calibrated);
const flat: Float64Array = scorer.scoreColumns({ attributes: ['region'], values: [['north', 'south']] }, new Uint8Array([0, 1]), new Uint32Array([0, 2]), new Uint32Array([2]));
const flat2: Float64Array = analysis.scoreColumns(calibrated, {}, new Uint8Array(0), new Uint32Array([0]), new Uint32Array(0));
console.log(flat[0], flat2.length);
scorer.free();

// The elements, typed by tag name, and the change event's detail.
const widget = document.querySelector('stagecast-deal')!;
widget.deal = deal;
widget.currency = 'NOK';
widget.addEventListener('stagecast-change', (e) => console.log(e.detail.probability));
await widget.updateComplete;
const score: DealScore | undefined = widget.score;
const byId = document.getElementById('widget') as StagecastDealElement;
console.log(score?.probability, byId.value.events);
document.addEventListener('stagecast-change', (e: StagecastChangeEvent) => console.log(e.detail));
const board = document.createElement('stagecast-forecast');
board.deals = [deal];
board.target = 3000000;
await board.updateComplete;
console.log(board.result?.p50);

// The CSV worker's part ('stagecast/csv'): a mapping names only the columns it has.
import * as csv from 'stagecast/csv';
const imported = csv.parseCsv('Deal Id,Stage\n1,Won\n', { id: 'Deal Id', status: 'Stage' });
const history = csv.importHistory('', 'hubspot');
console.log(imported.deals.length, imported.errors.map((e) => e.line), history.closedWithoutHistory.length, csv.guessPreset(['Deal Id']));
// Errors as data: the field's path and a code with its parameters.
try {
  new Engine(defaultModel()).scoreDeal({ id: 'a', value: -1 });
} catch (e) {
  const { detail } = e as StagecastError;
  if (detail.code === 'too_long') console.log(detail.path, detail.max);
  else if (detail.code === 'unknown_milestone') console.log(detail.milestone);
  else if (detail.code === 'range') console.log(detail.min, detail.max);
  else if (detail.code === 'either') console.log(detail.other);
}
