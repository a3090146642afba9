// The README's one-script-tag examples (dist/stagecast.js and its global
// `Stagecast`), as a TypeScript page writes them: compiled against
// dist/stagecast.d.ts by tests/node/types.test.mjs.
/// <reference path="./dist/stagecast.d.ts" />
import type { Deal, DealScore, StagecastDealElement } from './dist/stagecast.js';

declare const record: { id: string; name: string };
declare function saveToCrm(id: string, p: number): void;

await Stagecast.ready;
const widget = document.getElementById('widget') as StagecastDealElement;
widget.deal = { id: 'OPP-4711', label: record.name, value: 850000, margin: 240000,
  events: [{ milestone: 'need_confirmed', date: '2026-09-02' }, { milestone: 'mobilizer_met' }] };
widget.addEventListener('stagecast-change', (e) => saveToCrm(record.id, e.detail.probability));
await widget.updateComplete;
const score: DealScore | undefined = widget.score;
console.log(score?.probability);
// Issue 16: the number as a sum, worded (the largest terms first).
for (const line of Stagecast.i18n.wordContributions({ key: 'nb', tag: 'nb-NO' }, score?.contributions)) console.log(line.kind, line.text);

await Stagecast.loadAnalysis();
const closedDeals: Deal[] = [];
const model = Stagecast.calibrate(Stagecast.defaultModel(), closedDeals);
const engine = new Stagecast.Engine(model);
const lean = engine.scoreDeals([{ id: 'a', events: [] }]);
console.log(lean[0].probability, Stagecast.meetingValue(model, { id: 'a' }, 'budget_confirmed').value);
engine.free();
// Issue 14: columns scored by a model compiled once.
const scorer = new Stagecast.ColumnScorer(model);
const flat: Float64Array = scorer.scoreColumns({ attributes: ['region'], values: [['north']] }, new Uint8Array([0]), new Uint32Array([0, 1]), new Uint32Array([1]));
console.log(flat[0], Stagecast.scoreColumns(model, {}, new Uint8Array(0), new Uint32Array([0]), new Uint32Array(0)).length);
scorer.free();
const again = await Stagecast.loadAnalysis('/dist/stagecast-analysis.js');
console.log(again.forecast(model, []).model.expected, Stagecast.version());

const deal = document.querySelector('stagecast-deal');
if (deal) deal.locale = 'nb';
const scenarios = document.querySelector('stagecast-scenarios')!;
scenarios.addEventListener('stagecast-change', (e) => console.log(e.detail.map((o) => o.pHitBudget)));
const meetings = document.querySelector('stagecast-meetings')!;
meetings.plan = { marginBudget: 200000, meetingsPerWeek: 5, weeks: 4 };
console.log(meetings.result?.plan.requiredMarginPerMeeting);
const importer = document.querySelector('stagecast-import')!;
const loaded = await importer.loadFile('id,stage\n1,won\n');
if (loaded.type === 'done') console.log(loaded.result.deals.length);
