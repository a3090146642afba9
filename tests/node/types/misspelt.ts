// Must NOT compile: each line ending in a MISSPELT comment uses a field a
// result does not have (tests/node/types.test.mjs asserts tsc names each one).
import { defaultModel, scoreDeal, meetingValue, Engine } from 'stagecast';
import type { StagecastError } from 'stagecast';

const model = defaultModel();
const score = scoreDeal(model, { id: 'a', events: [] });
console.log(score.probabilty); // MISSPELT probabilty
console.log(score.contributions?.[0].term.attribut); // MISSPELT attribut
const engine = new Engine(model);
console.log(engine.scoreDeals([{ id: 'a' }])[0].explanation); // MISSPELT explanation
console.log(meetingValue(model, { id: 'a' }, 'mobilizer_met').valeu); // MISSPELT valeu
document.querySelector('stagecast-deal')!.score!.probabilityy; // MISSPELT probabilityy
document.querySelector('stagecast-deal')!.addEventListener('stagecast-change', (e) => e.detail.intervall); // MISSPELT intervall
try { scoreDeal(model, { id: 'a', value: -1 }); } catch (e) { const d = (e as StagecastError).detail; if (d.code === 'too_long') console.log(d.maxx); } // MISSPELT maxx
try { scoreDeal(model, { id: 'a' }); } catch (e) { const d = (e as StagecastError).detail; if (d.code === 'range') console.log(d.minn); } // MISSPELT minn
import { ColumnScorer } from 'stagecast/analysis';
new ColumnScorer(model).scoreColumns({ atributes: [] }, new Uint8Array(0), new Uint32Array([0]), new Uint32Array(0)); // MISSPELT atributes
