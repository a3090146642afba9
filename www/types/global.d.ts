// The global `Stagecast` that dist/stagecast.js defines (www/src/global.js),
// written by hand over wasm-bindgen's generated declarations. www/build.mjs
// copies it to dist/stagecast.d.ts, with the generated declarations and the
// elements' under dist/types/. Use it with
//   /// <reference path="path/to/dist/stagecast.d.ts" />
// (or list it in tsconfig's "files"); it needs the "dom" and "esnext" libs.
import type * as Core from './types/stagecast.js';
import type * as Analysis from './types/analysis/stagecast.js';
export type * from './types/stagecast.js';
export type * from './types/elements.js';

/** The widget part's functions and the `Engine` class. */
type CoreApi = Omit<typeof Core, 'default' | 'initSync'>;
/** The analysis part's functions: present from the start, but they throw
 * until `await Stagecast.loadAnalysis()` has resolved. */
type AnalysisApi = Omit<typeof Analysis, 'default' | 'initSync' | 'version'>;

/** What every function and `new Engine(...)` throw: a JS `Error` whose
 * message starts with the bad field's path, with the error as data in
 * `detail` (`{ code: "non_negative", path: "deals[3].value" }`). */
export interface StagecastError extends Error {
  detail: Core.ErrorCode & { path: string };
}

/** Progress of a long analysis call in the worker. */
export interface AnalysisProgress { stage: string; deals: number; done: boolean; ms?: number }
/** The analysis functions, each returning a promise of its result. */
export type AnalysisWorker = {
  [K in keyof AnalysisApi]: AnalysisApi[K] extends (...args: infer P) => infer R ? (...args: P) => Promise<R> : never;
} & {
  call<K extends keyof AnalysisApi>(fn: K, args: AnalysisApi[K] extends (...a: infer P) => unknown ? P : never, options?: { onProgress?: (p: AnalysisProgress) => void }): Promise<AnalysisApi[K] extends (...a: never[]) => infer R ? R : never>;
  score(model: Core.ProcessModel, deals: Core.Deal[], options?: { detail?: boolean }): Promise<Core.Score[] | Core.DealScore[]>;
  terminate(): void;
};

export interface StagecastGlobal extends CoreApi, AnalysisApi {
  /** Resolves (to `Stagecast`) once the wasm is instantiated; the functions throw before. */
  readonly ready: Promise<StagecastGlobal>;
  /**
   * Loads stagecast-analysis.js (from `url`, by default next to
   * stagecast.js) and adds its functions; resolves to `Stagecast`. A failed
   * load can be retried.
   */
  loadAnalysis(url?: string): Promise<StagecastGlobal>;
  /**
   * The analysis part in a Web Worker (stagecast-worker.js, next to
   * stagecast.js): one shared worker whose functions return promises with
   * the same types; `call(name, args, { onProgress })` reports progress.
   * Without Worker support the same calls run on the page's thread.
   */
  analysisWorker(): AnalysisWorker;
  /** Where stagecast.js was loaded from (null when unknown). */
  readonly scriptUrl: string | null;
  /** The elements' words and number formats (en, nb, sv, da), for a page's own text. */
  readonly i18n: {
    t(localeKey: string, name: string, vars?: Record<string, unknown>): string;
    translatePage(root: ParentNode, localeKey: string, vars?: Record<string, unknown>): void;
    formatMoney(tag: string, currency: string, amount: number): string;
    formatPercent(tag: string, p: number): string;
    formatNumber(tag: string, v: number, digits?: number): string;
    /** Words an engine code (`{ code, ...params }`) with `prefix` (`why_` for score reasons). */
    wordCode(loc: { key: string; tag: string }, reason: { code: string; [param: string]: unknown }, prefix: string, milestoneLabel?: (id: string) => string): string;
    /** Words an engine error for a user (its code, else the field path it names). */
    wordError(loc: { key: string; tag: string }, error: unknown): string;
    /** A milestone's name in a locale (the default model's milestones are translated). */
    milestoneName(localeKey: string, milestone: { id: string; label?: string | null }): string;
    /** Adds words, `{ en: { key: text }, nb: {...}, ... }` (a later block wins). */
    addStrings(blocks: Record<string, Record<string, string>>): void;
    /** A score's contributions worded in `loc`, the largest first (after the state's base). */
    wordContributions(loc: { key: string; tag: string }, contributions: Core.Contribution[] | undefined, milestoneLabel?: (id: string) => string, max?: number): { kind: string; text: string }[];
  };
  /** The elements' tolerant localStorage (blocked, full or garbage storage never throws). */
  readonly store: {
    load<T>(key: string, validate: (value: unknown) => T):
      | { value: T }
      | { empty: true }
      | { blocked: true }
      | { broken: true; setAside: string | null; message: string };
    save(key: string, value: unknown): { ok: boolean; message?: string };
  };
}

declare global {
  /** Defined by dist/stagecast.js (a classic script). */
  var Stagecast: StagecastGlobal;
}
