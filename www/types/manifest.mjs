// The custom-elements manifest (https://github.com/webcomponents/custom-elements-manifest,
// schema 1.0.0) of the <stagecast-*> elements: www/build.mjs writes it to
// pkg/custom-elements.json and dist/custom-elements.json. Written from what
// www/src/*.js do; tests/node/types.test.mjs checks its attributes against
// the classes' observedAttributes.

const CSS_PROPERTIES = [
  ['--stagecast-accent', '#0b6e4f', 'Accent: numbers, bars, buttons, focus rings.'],
  ['--stagecast-muted', '#5b6573', 'Secondary text.'],
  ['--stagecast-bg', '#ffffff', 'Card background.'],
  ['--stagecast-line', '#d9dee5', 'Borders and rules.'],
  ['--stagecast-warn', '#a4461b', 'Errors, missing steps, notices.'],
  ['--stagecast-text', '#1d2530', 'Text.'],
].map(([name, def, description]) => ({ name, default: def, description, syntax: '<color>' }));

const attr = (name, type, description, fieldName = name) => ({ name, type: { text: type }, description, fieldName });
const field = (name, type, description, readonly = false) => ({ kind: 'field', name, type: { text: type }, description, ...(readonly ? { readonly: true } : {}) });
const part = (name, description) => ({ name, description });

const COMMON_ATTRS = {
  model: attr('model', 'ProcessModel', 'The process model as JSON (the default model when absent); the `model` property takes the object.'),
  deal: attr('deal', 'Deal', 'The deal as JSON; the `deal` property takes the object.'),
  deals: attr('deals', 'Deal[]', 'Deals as JSON; the `deals` property takes the array.'),
  history: attr('history', 'Deal[]', 'Closed deals as JSON; the `history` property takes the array.'),
  locale: attr('locale', "'en' | 'nb' | 'sv' | 'da'", "The language and number format; else the page's `lang`, else English."),
  currency: attr('currency', "'NOK' | 'SEK' | 'DKK' | 'EUR' | 'USD'", 'The currency of amounts (EUR by default).'),
};
const UPDATE_COMPLETE = field('updateComplete', 'Promise<boolean>', 'Resolves once what was set has rendered: true, or false after an error (then `stagecast-error` has fired).', true);
const ERROR_EVENT = { name: 'stagecast-error', type: { text: 'CustomEvent<StagecastErrorDetail>' }, description: 'An input or the engine failed: `detail.message` (the field path first), `detail.missingFunction` when the build lacks a function.' };
const change = (type, what) => ({ name: 'stagecast-change', type: { text: `CustomEvent<${type}>` }, description: `The user changed something (${what}): once per change, never for a property set from code. Bubbles, composed.` });

const ELEMENTS = [
  {
    tagName: 'stagecast-deal', name: 'StagecastDeal', module: 'elements.js',
    description: 'Tick the milestones of a deal, see its probability, what is missing or out of order, and what the next step is worth.',
    attributes: [COMMON_ATTRS.model, COMMON_ATTRS.deal, COMMON_ATTRS.history, COMMON_ATTRS.locale, COMMON_ATTRS.currency],
    members: [
      field('deal', 'Deal | undefined', 'The deal; setting it resets the ticks.'),
      field('model', 'ProcessModel | undefined', 'The process model.'),
      field('history', 'Deal[] | undefined', 'Closed deals.'),
      field('locale', 'string | null', 'As the attribute.'),
      field('currency', 'string | null', 'As the attribute.'),
      field('score', 'DealScore | undefined', "The engine's result for the deal as it stands (computed on read once the wasm is ready).", true),
      field('value', 'Deal', 'The deal as the user has ticked it (events in the order ticked).', true),
      UPDATE_COMPLETE,
    ],
    events: [change('DealScore', 'a milestone ticked or unticked'), ERROR_EVENT],
    cssParts: [
      part('card', 'The card around everything.'), part('title', "The deal's label."), part('summary', "The phone's sticky line with the probability."),
      part('milestones', 'The list of milestones.'), part('milestone', 'Each milestone row.'), part('result', 'The result column.'),
      part('probability', 'The probability, in large type.'), part('next', 'The best next step.'), part('next-mandatory', 'The next mandatory step, when it is not the best.'),
      part('chart', 'Every chart.'), part('funnel', "The deal's funnel chart."),
    ],
  },
  {
    tagName: 'stagecast-meetings', name: 'StagecastMeetings', module: 'views.js',
    description: "Budget → required margin per meeting, and the week's meetings ranked by value with their quality checks.",
    attributes: [COMMON_ATTRS.model, COMMON_ATTRS.deals, attr('meetings', 'Meeting[]', 'The week\'s meetings as JSON.'), attr('plan', 'PlanInput', 'The plan as JSON (`marginBudget`, `meetingsPerWeek`, `weeks`, ...).'), COMMON_ATTRS.locale, COMMON_ATTRS.currency],
    members: [
      field('model', 'ProcessModel | undefined', 'The process model.'), field('deals', 'Deal[] | undefined', 'Deals that meetings name by `dealId`.'),
      field('meetings', 'Meeting[] | undefined', "The week's meetings."), field('plan', 'PlanInput | undefined', 'The plan.'),
      field('locale', 'string | null', 'As the attribute.'), field('currency', 'string | null', 'As the attribute.'),
      field('result', 'MeetingsResult | undefined', '`{ plan, ranked }`: the last result.', true), UPDATE_COMPLETE,
    ],
    events: [change('MeetingsResult', 'the budget'), ERROR_EVENT],
    cssParts: [part('card', 'The card around everything.'), part('meetings', 'The ranked list.')],
  },
  {
    tagName: 'stagecast-forecast', name: 'StagecastForecast', module: 'views.js',
    description: "The range of the open pipeline's total, P10/P50/P90 and the chance of reaching a target (loads the analysis part).",
    attributes: [COMMON_ATTRS.model, COMMON_ATTRS.deals, attr('target', 'number', 'The target amount.'), attr('measure', "'value' | 'margin'", 'What is summed (margin by default).'),
      attr('every', "'month'", 'The period forecast (deals: all deals, open and closed) with the back-test of past months.'),
      attr('value-by', 'string', 'The attribute whose won deals value an open deal without an amount.', 'valueBy'),
      attr('months', 'number', 'How many past months are back-tested (8).'),
      attr('storage-key', 'string', "Where the manager's own target is kept (localStorage).", 'storageKey'),
      COMMON_ATTRS.locale, COMMON_ATTRS.currency],
    members: [
      field('model', 'ProcessModel | undefined', 'The process model.'), field('deals', 'Deal[] | undefined', 'The deals (open ones are forecast).'),
      field('target', 'string | number | null', 'As the attribute.'), field('measure', "'value' | 'margin' | null", 'As the attribute.'),
      field('every', "'month' | null", 'As the attribute.'), field('valueBy', 'string | null', 'As the attribute value-by.'),
      field('months', 'string | number | null', 'As the attribute.'), field('storageKey', 'string | null', 'As the attribute storage-key.'),
      field('locale', 'string | null', 'As the attribute.'), field('currency', 'string | null', 'As the attribute.'),
      field('result', 'ForecastResult | undefined', 'The distribution, with `versusSellers` when the deals carry the sellers\' estimates.', true), UPDATE_COMPLETE,
    ],
    events: [change('ForecastResult', 'the target'), ERROR_EVENT],
    cssParts: [part('card', 'The card around everything.'), part('chart', 'Every chart.'), part('forecast-chart', 'The cumulative distribution chart.'),
      part('period-parts', 'The table of won so far, open pipeline, new business and the total.'), part('period-chart', "The period total's range."),
      part('honesty-chart', "Past months' ranges against what closed, beside the peers."), part('honesty-scores', 'Coverage, MAPE and CRPS against the peers.')],
  },
  {
    tagName: 'stagecast-calibration', name: 'StagecastCalibration', module: 'views.js',
    description: "The reliability diagram and Brier scores: the model, the priors, the sellers' own guesses and each seller (loads the analysis part). Fires no stagecast-change: read `result`.",
    attributes: [COMMON_ATTRS.model, COMMON_ATTRS.history, COMMON_ATTRS.locale],
    members: [
      field('model', 'ProcessModel | undefined', 'The process model (calibrated: scored by cross-validation).'), field('history', 'Deal[] | undefined', 'Closed deals.'),
      field('locale', 'string | null', 'As the attribute.'),
      field('result', 'CalibrationResult | undefined', 'The evaluation, with `bySeller` and `crossValidated`.', true), UPDATE_COMPLETE,
    ],
    events: [ERROR_EVENT],
    cssParts: [part('card', 'The card around everything.'), part('chart', 'Every chart.'), part('reliability-chart', 'The reliability diagram.')],
  },
  {
    tagName: 'stagecast-scenarios', name: 'StagecastScenarios', module: 'scenarios.js',
    description: 'What-if scenarios side by side with a slider per lever, a tornado chart, saved in localStorage, exported and imported as JSON (loads the analysis part).',
    attributes: [COMMON_ATTRS.model, attr('scenarios', 'Scenario[]', '1 to 12 scenarios as JSON.'), attr('storage-key', 'string', 'The localStorage key (default `stagecast:scenarios`).', 'storageKey'), COMMON_ATTRS.locale, COMMON_ATTRS.currency],
    members: [
      field('model', 'ProcessModel | undefined', 'The process model.'), field('scenarios', 'Scenario[] | undefined', 'The scenarios; setting them saves them.'),
      field('baseline', 'ScenarioBaseline | null | undefined', "Figures learned from the host's data that seed the base scenario (unless the user saved their own)."),
      field('storageKey', 'string', 'The localStorage key.', true),
      field('locale', 'string | null', 'As the attribute.'), field('currency', 'string | null', 'As the attribute.'),
      field('result', 'Outcome[] | undefined', 'The last compareScenarios() result.', true), UPDATE_COMPLETE,
    ],
    events: [
      change('Outcome[]', 'a lever, a name, add, remove, import'), ERROR_EVENT,
      { name: 'stagecast-storage', type: { text: 'CustomEvent<StorageDetail>' }, description: 'The saved scenarios could not be read (blocked or broken storage).' },
      { name: 'stagecast-import', type: { text: 'CustomEvent<ScenarioImportDetail>' }, description: 'A JSON export was imported: `{ model, scenarios }`.' },
    ],
    cssParts: [part('card', 'The card around everything.'), part('chart', 'Every chart.'), part('tornado-chart', 'The tornado chart.')],
  },
  {
    tagName: 'stagecast-import', name: 'StagecastImport', module: 'importer.js',
    description: 'A CSV file read in a Web Worker with a CRM preset (HubSpot, Salesforce, Pipedrive, Maven) or a mapping; bad rows listed by line.',
    attributes: [COMMON_ATTRS.model, attr('mapping', 'ColumnMapping', 'A column mapping as JSON, instead of a preset.'), attr('preset', 'string', 'The preset name.'), COMMON_ATTRS.locale],
    members: [
      field('model', 'ProcessModel | undefined', 'The process model the deals are checked against.'), field('mapping', 'ColumnMapping | undefined', 'As the attribute.'),
      field('preset', 'string | null', 'As the attribute.'), field('locale', 'string | null', 'As the attribute.'),
      field('deals', 'Deal[]', 'The deals of the last good import.', true),
      field('result', 'ImportResult | undefined', '`{ deals, errors, rows, skipped }`.', true), UPDATE_COMPLETE,
      { kind: 'method', name: 'loadFile', description: 'Reads a File (or CSV text) from code; fires no stagecast-change.', parameters: [{ name: 'file', type: { text: 'Blob | string' } }], return: { type: { text: 'Promise<ImportOutcome>' } } },
    ],
    events: [change('ImportResult', 'a chosen or dropped file'), ERROR_EVENT],
    cssParts: [part('card', 'The card around everything.')],
  },
];

export function manifest() {
  const byModule = new Map();
  for (const e of ELEMENTS) {
    const { module, ...rest } = e;
    const decl = {
      kind: 'class', customElement: true, ...rest,
      superclass: { name: 'StagecastElement', module: 'base.js' },
      cssProperties: CSS_PROPERTIES,
    };
    if (!byModule.has(module)) byModule.set(module, []);
    byModule.get(module).push(decl);
  }
  return {
    schemaVersion: '1.0.0',
    readme: 'README.md',
    modules: [...byModule].map(([path, declarations]) => ({
      kind: 'javascript-module',
      path,
      declarations,
      exports: declarations.flatMap((d) => [
        { kind: 'js', name: d.name, declaration: { name: d.name, module: path } },
        { kind: 'custom-element-definition', name: d.tagName, declaration: { name: d.name, module: path } },
      ]),
    })),
  };
}
