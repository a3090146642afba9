// Declarations of the <stagecast-*> custom elements (www/src/*.js), written
// by hand: the engine's data types come from wasm-bindgen's generated
// declarations next to this file. www/build.mjs copies it to
// pkg/elements.d.ts and dist/types/elements.d.ts. Needs the "dom" lib.
import type { ProcessModel, Deal, DealScore, Meeting, PlanInput, MeetingPlan, RankedMeeting, RowError, Scenario, ColumnMapping } from './stagecast.js';
import type { Summary, Forecast, Evaluation, MilestoneSkill, Outcome } from './analysis/stagecast.js';

/** The locales the elements speak (else the page's `lang`, else English). */
export type StagecastLocale = 'en' | 'nb' | 'sv' | 'da' | (string & {});
/** The currencies the elements format; others are shown as plain numbers. */
export type StagecastCurrency = 'NOK' | 'SEK' | 'DKK' | 'EUR' | 'USD' | (string & {});

/** `stagecast-error`'s detail: the message shown, and the missing function when the build lacks one. */
export interface StagecastErrorDetail {
  message: string;
  missingFunction?: string;
  /** `'not_csv'` when `<stagecast-import>` was given a file that is not CSV. */
  code?: string;
}

/** `<stagecast-meetings>`' result: the plan and the week's meetings ranked. */
export interface MeetingsResult {
  plan: MeetingPlan;
  ranked: RankedMeeting[];
}

/** `<stagecast-forecast>`' result: the distribution of the open pipeline's
 * total, with the model against the sellers when the deals carry their own estimates. */
export type ForecastResult = Summary & { versusSellers?: Forecast };

/** One seller's line of `<stagecast-calibration>`. */
export interface SellerCalibration {
  seller: string;
  n: number;
  brier: number;
  /** Milestones where the seller converts better or worse than the team. */
  skills: MilestoneSkill[];
}

/** `<stagecast-calibration>`' result. */
export type CalibrationResult = Evaluation & { bySeller: SellerCalibration[]; crossValidated: boolean };

/** `<stagecast-import>`' result: every chunk of the file, joined. */
export interface ImportResult {
  deals: Deal[];
  errors: RowError[];
  rows: number;
  skipped: number;
}

/** What `<stagecast-import>.loadFile` resolves to. */
export type ImportOutcome = { type: 'done'; result: ImportResult } | { type: 'error'; message: string };

/** Figures learned from the host's data that seed `<stagecast-scenarios>`' base scenario. */
export interface ScenarioBaseline {
  winRate: number;
  averageMargin: number;
  closed?: number;
}

/** `stagecast-storage`'s detail: what reading the saved scenarios met. */
export interface StorageDetail {
  blocked?: boolean;
  broken?: boolean;
  setAside?: string | null;
  message?: string;
}

/** `stagecast-import`'s detail (`<stagecast-scenarios>`' JSON import). */
export interface ScenarioImportDetail {
  model: ProcessModel | null;
  scenarios: Scenario[];
}

/** The detail of `stagecast-change` per element (fired for the user's changes only, once each). */
export interface StagecastChangeDetailMap {
  'stagecast-deal': DealScore;
  'stagecast-meetings': MeetingsResult;
  'stagecast-forecast': ForecastResult;
  'stagecast-scenarios': Outcome[];
  'stagecast-import': ImportResult;
}

/** Any element's `stagecast-change` detail. */
export type StagecastChangeDetail = StagecastChangeDetailMap[keyof StagecastChangeDetailMap];
/** `stagecast-change` from any element: the engine's result after a user change. */
export type StagecastChangeEvent<T extends StagecastChangeDetail = StagecastChangeDetail> = CustomEvent<T>;
export type StagecastErrorEvent = CustomEvent<StagecastErrorDetail>;

/** Events every element fires. */
export interface StagecastEventMap<Change extends StagecastChangeDetail> extends HTMLElementEventMap {
  'stagecast-change': CustomEvent<Change>;
  'stagecast-error': StagecastErrorEvent;
}

type Listener<E, Ev> = (this: E, ev: Ev) => unknown;
type ListenerOptions = boolean | AddEventListenerOptions;

/** What every <stagecast-*> element has. Properties may be set before the element is defined. */
export interface StagecastElementBase<Change extends StagecastChangeDetail = StagecastChangeDetail> extends HTMLElement {
  /** The process model (attribute: JSON); the default model when absent. */
  model: ProcessModel | undefined;
  /** `en`, `nb`, `sv` or `da` (attribute `locale`); else the page's `lang`. */
  locale: StagecastLocale | null;
  /**
   * Resolves once what was set has rendered: true, or false after an
   * error (then `stagecast-error` has fired).
   */
  readonly updateComplete: Promise<boolean>;
  addEventListener<K extends keyof StagecastEventMap<Change>>(type: K, listener: Listener<this, StagecastEventMap<Change>[K]>, options?: ListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: ListenerOptions): void;
  removeEventListener<K extends keyof StagecastEventMap<Change>>(type: K, listener: Listener<this, StagecastEventMap<Change>[K]>, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** `<stagecast-deal>`: tick the milestones of a deal, see its probability and what the next step is worth. */
export interface StagecastDealElement extends StagecastElementBase<DealScore> {
  /** The deal (attribute: JSON). Setting it resets the ticks. */
  deal: Deal | undefined;
  history: Deal[] | undefined;
  currency: StagecastCurrency | null;
  /** The engine's result for the deal as it stands (computed on read once the wasm is ready). */
  readonly score: DealScore | undefined;
  /** The deal as the user has ticked it (events in the order ticked). */
  readonly value: Deal;
}

/** `<stagecast-meetings>`: budget → required margin per meeting, and the week's meetings ranked by value. */
export interface StagecastMeetingsElement extends StagecastElementBase<MeetingsResult> {
  /** Deals that meetings name by `dealId`. */
  deals: Deal[] | undefined;
  meetings: Meeting[] | undefined;
  /** The plan (its `marginBudget` is what the user edits). */
  plan: PlanInput | undefined;
  currency: StagecastCurrency | null;
  readonly result: MeetingsResult | undefined;
}

/** `<stagecast-forecast>`: the range of the open pipeline's total and the chance of reaching a target. */
export interface StagecastForecastElement extends StagecastElementBase<ForecastResult> {
  deals: Deal[] | undefined;
  currency: StagecastCurrency | null;
  /** The target amount (attribute: a number). */
  target: string | number | null;
  /** `value` or `margin` (the default). */
  measure: 'value' | 'margin' | null;
  /** `month`: the period forecast (deals: all deals, open and closed) with the back-test of past months. */
  every: 'month' | null;
  /** The attribute whose won deals value an open deal without an amount (attribute `value-by`). */
  valueBy: string | null;
  /** How many past months are back-tested (8). */
  months: string | number | null;
  /** Where the manager's own target is kept in localStorage (attribute `storage-key`). */
  storageKey: string | null;
  readonly result: ForecastResult | undefined;
}

/** `<stagecast-calibration>`: the reliability diagram and Brier scores (fires no `stagecast-change`). */
export interface StagecastCalibrationElement extends StagecastElementBase<never> {
  /** Closed deals to evaluate on. */
  history: Deal[] | undefined;
  readonly result: CalibrationResult | undefined;
}

/** `<stagecast-scenarios>`: what-if scenarios side by side, with a tornado chart. */
export interface StagecastScenariosElement extends StagecastElementBase<Outcome[]> {
  /** The scenarios (1 to 12; each lever a finite number). Setting it saves them. */
  scenarios: Scenario[] | undefined;
  /** Seeds the base scenario unless the user has saved scenarios of their own. */
  baseline: ScenarioBaseline | null | undefined;
  currency: StagecastCurrency | null;
  /** The localStorage key (attribute `storage-key`; default `stagecast:scenarios`). */
  readonly storageKey: string;
  readonly result: Outcome[] | undefined;
  addEventListener<K extends keyof StagecastScenariosEventMap>(type: K, listener: Listener<this, StagecastScenariosEventMap[K]>, options?: ListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: ListenerOptions): void;
}

export interface StagecastScenariosEventMap extends StagecastEventMap<Outcome[]> {
  'stagecast-storage': CustomEvent<StorageDetail>;
  'stagecast-import': CustomEvent<ScenarioImportDetail>;
}

/** `<stagecast-import>`: a CSV file read in a Web Worker with a CRM preset or a mapping. */
export interface StagecastImportElement extends StagecastElementBase<ImportResult> {
  /** A column mapping (see `parseCsv`), instead of a preset. */
  mapping: ColumnMapping | undefined;
  /** The preset's name (`hubspot`, `salesforce`, `pipedrive`, `maven`). */
  preset: string | null;
  /** The deals of the last good import. */
  readonly deals: Deal[];
  readonly result: ImportResult | undefined;
  /** Reads a File (or CSV text) from code: fires no `stagecast-change`. */
  loadFile(file: Blob | string): Promise<ImportOutcome>;
}

interface ElementClass<E> {
  prototype: E;
  new (): E;
}

export declare const StagecastDeal: ElementClass<StagecastDealElement>;

/** The element classes by tag name. */
export declare const ELEMENTS: {
  'stagecast-deal': ElementClass<StagecastDealElement>;
  'stagecast-meetings': ElementClass<StagecastMeetingsElement>;
  'stagecast-scenarios': ElementClass<StagecastScenariosElement>;
  'stagecast-forecast': ElementClass<StagecastForecastElement>;
  'stagecast-calibration': ElementClass<StagecastCalibrationElement>;
  'stagecast-import': ElementClass<StagecastImportElement>;
};

/**
 * Registers the elements over an API object (the wasm exports) and a
 * function returning a promise that resolves once the wasm is ready
 * (done on import where `customElements` exists). Registering twice is harmless.
 */
export declare function defineElements(
  api: typeof import('./stagecast.js'),
  ready: () => Promise<unknown>,
  options?: { worker?: (() => Worker) | null; analysis?: () => Promise<unknown>; analysisWorker?: () => unknown },
): void;

declare global {
  interface HTMLElementTagNameMap {
    'stagecast-deal': StagecastDealElement;
    'stagecast-meetings': StagecastMeetingsElement;
    'stagecast-forecast': StagecastForecastElement;
    'stagecast-calibration': StagecastCalibrationElement;
    'stagecast-scenarios': StagecastScenariosElement;
    'stagecast-import': StagecastImportElement;
  }
  // Elements, the document and the window (the events bubble, composed):
  // HTMLElementEventMap, DocumentEventMap and WindowEventMap extend it.
  interface GlobalEventHandlersEventMap {
    /** Any <stagecast-*> element's result after a user change. */
    'stagecast-change': StagecastChangeEvent;
    'stagecast-error': StagecastErrorEvent;
  }
}
