// <stagecast-scenarios>: the what-if board. Scenarios side by side, a
// labelled slider per lever, the engine's compareScenarios() numbers, a
// tornado chart; add / remove / rename; saved in localStorage; export and
// import of model + scenarios as a JSON file.
// Only the element's API lives here, in the main bundle: its tag, properties
// and attributes, the scenarios' check and their saving (a host may set
// them before the analysis part arrives). The view (scenarios-view.js) and
// its words (i18n-scenarios.js) ship with the analysis part, which the
// board loads before every render (`static analysis`); addScenariosView()
// adds the view's methods to the class when it arrives.
import { StagecastElement, el, svg } from './base.js';
import { formatPercent, formatMoney, formatNumber } from './i18n.js';
import { axisText } from './charts.js';
import { PREFIX, save, load } from './store.js';

export const LEVERS = [
  { key: 'meetingsPerWeek', min: 0, max: 40, step: 1, kind: 'n' },
  { key: 'weeks', min: 1, max: 52, step: 1, kind: 'n' },
  { key: 'meetingToOpportunity', min: 0, max: 1, step: 0.01, kind: '%' },
  { key: 'winRate', min: 0, max: 1, step: 0.01, kind: '%' },
  { key: 'averageMargin', min: 0, max: 200000, step: 1000, kind: '$' },
  { key: 'marginBudget', min: 0, max: 5000000, step: 10000, kind: '$' },
];

/** Throws unless `list` is a non-empty list of scenarios with every lever a finite number. */
export function checkScenarios(list) {
  if (!Array.isArray(list) || list.length === 0 || list.length > 12) throw new Error('scenarios: must be a list of 1 to 12 scenarios');
  return list.map((s, i) => {
    if (!s || typeof s !== 'object') throw new Error(`scenarios[${i}]: must be an object`);
    const out = { name: typeof s.name === 'string' && s.name.trim() ? s.name.slice(0, 80) : `Scenario ${i + 1}` };
    for (const l of LEVERS) {
      const v = s[l.key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (l.kind === '%' && v > 1)) throw new Error(`scenarios[${i}].${l.key}: must be a number${l.kind === '%' ? ' from 0 to 1' : ' >= 0'}`);
      out[l.key] = v;
    }
    return out;
  });
}

export class StagecastScenarios extends StagecastElement {
  static json = ['model', 'scenarios'];
  static text = ['locale', 'currency', 'storage-key'];
  /**
   * Figures learned from the host's data, `{ winRate, averageMargin,
   * closed }`: the base scenario is seeded from them (and says so), unless
   * the user has saved scenarios of their own, which are kept; the board
   * then offers the figures.
   */
  get baseline() {
    return this._baseline;
  }
  set baseline(b) {
    this._baseline = b && Number.isFinite(b.winRate) && Number.isFinite(b.averageMargin) ? { ...b } : null;
    this._seedPending = !!this._baseline;
    // Once the board is on screen and the user has edited it, only the offer
    // changes: update it in place, never rebuild under the user's typing.
    if (this._list && this._seedBox && this._userEdited) {
      this._seed();
      this._seedBox.replaceChildren(...this._seedNote());
      return;
    }
    this.schedule();
  }
  static analysis = true; // compareScenarios
  get storageKey() {
    return this.prop('storage-key') || `${PREFIX}scenarios`;
  }
  get scenarios() {
    return this._list ? this._list.map((s) => ({ ...s })) : this.prop('scenarios');
  }
  set scenarios(v) {
    this._list = checkScenarios(v);
    this._persist();
    this.schedule();
  }
  /** The last compareScenarios() result. */
  get result() {
    return this._result;
  }

  _persist() {
    const r = save(this.storageKey, { version: 1, seeded: !!this._seeded, scenarios: this._list });
    if (!r.ok) this._status = { kind: 'error', key: 'notSaved' };
    else if (this._status && this._status.key === 'notSaved') this._status = null;
    return r.ok;
  }

  /** The view (scenarios-view.js), added with the analysis part; without it, an error card. */
  render() {
    if (typeof this._draw !== 'function') throw new Error('stagecast: the what-if scenarios\' view ships with the analysis part, which did not add it');
    this._draw();
  }
}

/**
 * Adds the view to the class: `view` is scenarios-view.js's scenariosView,
 * called once with what it uses of this bundle. Adding it again is harmless.
 */
export function addScenariosView(view) {
  if (StagecastScenarios.prototype._draw) return;
  const methods = view({ el, svg, axisText, formatPercent, formatMoney, formatNumber, checkScenarios, LEVERS, load }).prototype;
  for (const name of Object.getOwnPropertyNames(methods)) {
    if (name !== 'constructor') Object.defineProperty(StagecastScenarios.prototype, name, Object.getOwnPropertyDescriptor(methods, name));
  }
}
