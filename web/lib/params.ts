// The parameter panel's model, DOM-free: the fields a researcher edits (as typed text), how they
// are read from a raw config, and how they are written back over it and validated by the one
// config schema (src/config/schema.ts), so the page rejects exactly what the CLI rejects.
import { ConfigError, resolveConfig, type ResolvedConfig } from '../../src/config/schema.js';
import { ALGORITHMS, MODELS, isModel, type Algorithm, type Dynamics, type Model } from '../../src/dynamics/names.js';
import { checkOrderConfig, validateOrderSpec } from '../../src/experiments/order.js';
import type { OrderSpec } from '../../src/experiments/types.js';

/** A run config as parsed JSON, before validation. */
export type RawConfig = Record<string, unknown>;

/** The edited fields, as text where the user types (so an invalid entry survives a round trip). */
export interface ParamValues {
  eta: string;
  /** One ρ or a list, separated by commas or spaces. */
  rho: string;
  sigma: string;
  steps: string;
  paths: string;
  seed: string;
  substeps: string;
  coupling: 'shared' | 'independent';
  algorithms: Algorithm[];
  models: Model[];
  /** docs/model.md §8 readouts as "every, probes, iterations"; empty: none. */
  sharpness: string;
}

export type ParamField = keyof ParamValues;
export const TEXT_FIELDS = ['eta', 'rho', 'sigma', 'steps', 'paths', 'seed', 'substeps', 'sharpness'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** A convergence-order run's ladder (docs/model.md §4), as typed. */
export interface OrderValues {
  /** The η ladder, separated by commas or spaces. */
  etas: string;
  horizon: string;
  rhoScaling: string;
  rhoScale: string;
}

export const ORDER_FIELDS = ['etas', 'horizon', 'rhoScaling', 'rhoScale'] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

/** Inline errors per field; `config` holds errors no single field owns. */
export type FieldErrors = Partial<Record<ParamField | OrderField | 'config', string>>;

export interface Validation {
  config?: ResolvedConfig;
  /** The raw config the run uses (base config with the panel's values written over it). */
  raw: RawConfig;
  errors: FieldErrors;
}

const numberText = (value: unknown): string => (typeof value === 'number' ? String(value) : '');

/** The panel's values for a raw config: the config's own values, or the schema's defaults. */
export function paramsFromConfig(raw: RawConfig): ParamValues {
  let resolved: ResolvedConfig | undefined;
  try {
    resolved = resolveConfig(raw);
  } catch {
    resolved = undefined;
  }
  const noise = (raw.noise ?? {}) as Record<string, unknown>;
  const rho = resolved?.rho ?? (Array.isArray(raw.rho) ? raw.rho : [raw.rho]);
  return {
    eta: numberText(resolved?.eta ?? raw.eta),
    rho: rho.filter((r): r is number => typeof r === 'number').join(', '),
    // Mode B (mini-batches) has no σ to edit: the field stays empty and the config's noise is kept.
    sigma: isModeB(raw) ? '' : numberText(resolved?.noise.sigma ?? noise.sigma),
    steps: numberText(resolved?.steps ?? raw.steps),
    paths: numberText(resolved?.paths ?? raw.paths),
    seed: numberText(resolved?.seed ?? raw.seed ?? 0),
    substeps: numberText(resolved?.substeps ?? raw.substeps ?? 1),
    coupling: resolved?.coupling ?? (raw.coupling === 'independent' ? 'independent' : 'shared'),
    algorithms: resolved?.algorithms ?? namesIn(raw.algorithms, ALGORITHMS) ?? [...ALGORITHMS],
    models: resolved?.models ?? namesIn(raw.models, MODELS) ?? [...MODELS],
    sharpness: sharpnessText(raw.sharpness),
  };
}

/** Whether a raw config asks for mini-batch noise (mode B, docs/model.md §1.2): `noise.batchSize`. */
export function isModeB(raw: RawConfig): boolean {
  const noise = raw.noise;
  return noise !== null && typeof noise === 'object' && (noise as Record<string, unknown>).batchSize !== undefined;
}

/** A config's `sharpness` object as the panel shows it ("every, probes, iterations"). */
function sharpnessText(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const { every, probes, iterations } = value as Record<string, unknown>;
  return [every, probes, iterations].map((v) => (typeof v === 'number' ? String(v) : '')).join(', ');
}

/** The panel's sharpness text as a config object; undefined for none; a message when malformed. */
function parseSharpness(text: string): { every: number; probes: number; iterations: number } | undefined | string {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  const values = parts.map(Number);
  if (parts.length !== 3 || !values.every(Number.isFinite)) {
    return `${LABELS.sharpness}: got "${text.trim()}"; allowed: ${ALLOWED.sharpness}`;
  }
  const [every, probes, iterations] = values;
  return { every, probes, iterations };
}

function namesIn<T extends string>(value: unknown, allowed: readonly T[]): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is T => (allowed as readonly unknown[]).includes(v));
}

/**
 * What each field allows, in the page's one voice: the hint under the input and the second half
 * of every error message ("<symbol>: got <value>; allowed: <this>"). The limits are the schema's.
 */
export const ALLOWED: Record<TextField | 'etas' | 'horizon' | 'rhoScale', string> = {
  eta: 'a number > 0',
  rho: 'numbers ≥ 0, one value or a grid (e.g. 0.001, 0.01, 0.1)',
  sigma: 'a number ≥ 0',
  steps: 'an integer from 1 to 10⁸',
  paths: 'an integer from 1 to 2²⁴ (16 777 216)',
  seed: 'an integer from 0 to 2³² − 1',
  substeps: 'an integer from 1 to 1024',
  sharpness: 'empty (none), or three integers "every, probes, iterations": every a multiple of the record spacing, probes 1..64, iterations 1..min(64, d)',
  etas: 'at least two distinct numbers > 0 (e.g. 0.08, 0.04, 0.02, 0.01); each runs ⌈T/η⌉ steps',
  horizon: 'a number > 0',
  rhoScale: 'a number ≥ 0',
};

/** Parses one number field; a message when the text is not a number at all. */
function parseNumber(text: string, label: string, allowed: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return `${label}: empty; allowed: ${allowed}`;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return `${label}: got "${trimmed}", not a number; allowed: ${allowed}`;
  return value;
}

function parseList(text: string, label: string, allowed: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return `${label}: empty; allowed: ${allowed}`;
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!Number.isFinite(value)) return `${label}: got "${part}", not a number; allowed: ${allowed}`;
    values.push(value);
  }
  return values;
}

/** The symbol or word each field goes by in every message (the labels' own symbols). */
export const LABELS: Record<TextField | 'etas' | 'horizon' | 'rhoScale' | 'rhoScaling', string> = {
  eta: 'η', rho: 'ρ', sigma: 'σ', steps: 'steps', paths: 'paths', seed: 'seed', substeps: 'substeps m', sharpness: 'sharpness',
  etas: 'η ladder', horizon: 'T', rhoScale: 'ρ scale c', rhoScaling: 'ρ rule',
};

/** Config paths as the page names them (symbols, not JSON keys). */
const PATH_WORDS: Array<[RegExp, string]> = [
  [/^order\.etas/, 'η ladder'], [/^order\.horizon/, 'T'], [/^order\.rhoScale\b/, 'ρ scale c'], [/^order\.rhoScaling/, 'ρ rule'],
  [/^noise\.sigma/, 'σ'], [/^eta\b/, 'η'], [/^rho(\[\d+\])?/, 'ρ'], [/^substeps/, 'substeps m'],
];

/**
 * A schema message in the page's voice: the field's symbol first, the value got, and what is
 * allowed in the hint's own words when the field has one; JSON paths become symbols, and
 * options the form does not have (mode B's batchSize) are not mentioned.
 */
export function voice(message: string, field?: keyof typeof ALLOWED): string {
  const m = /^([\w.[\]]+): got (.*?); allowed: (.*)$/s.exec(message);
  // Sharpness keeps the schema's words: they name the sub-field and the record spacing.
  if (m && field && field !== 'sharpness' && m[1].split(/[.[]/)[0] === (field === 'sigma' ? 'noise' : field)) {
    return `${LABELS[field]}: got ${m[2].replace(/^-/, '−')}; allowed: ${ALLOWED[field]}`;
  }
  let out = message;
  for (const [re, word] of PATH_WORDS) {
    if (re.test(out)) {
      out = out.replace(re, word);
      break;
    }
  }
  return out
    .replace(/ \(mode A\), or give batchSize instead \(mode B\)/, '')
    .replace(/: got -(?=\d)/, ': got −')
    .replace(/>=/g, '≥').replace(/<=/g, '≤')
    .replace(/\b100000000\b/g, '10⁸');
}

/** Which panel field a config error belongs to (recordEvery follows steps, compare the names). */
export function fieldOf(configField: string): ParamField | OrderField | 'config' {
  const head = configField.split(/[.[]/)[0];
  switch (head) {
    case 'eta': case 'rho': case 'steps': case 'paths': case 'seed': case 'substeps':
    case 'coupling': case 'algorithms': case 'models': case 'sharpness':
      return head;
    case 'noise':
      return configField.startsWith('noise.sigma') ? 'sigma' : 'config';
    case 'recordEvery':
      return 'steps';
    case 'compare':
      return 'algorithms';
    case 'order': {
      const sub = configField.split(/[.[]/)[1];
      return (ORDER_FIELDS as readonly string[]).includes(sub) ? sub as OrderField : 'config';
    }
    default:
      return 'config';
  }
}

/**
 * The names to simulate: the base config's order first (the order fixes the result's layout),
 * then names the user ticked, in the canonical order.
 */
function ordered<T extends string>(chosen: readonly T[], base: unknown, canonical: readonly T[]): T[] {
  const first = (namesIn(base, canonical) ?? [...canonical]).filter((n) => chosen.includes(n));
  return [...first, ...canonical.filter((n) => chosen.includes(n) && !first.includes(n))];
}

/** Writes the panel's values over `base`; per-field parse errors are collected, not thrown. */
function writeParams(base: RawConfig, p: ParamValues, errors: FieldErrors): RawConfig {
  const raw: RawConfig = structuredClone(base);
  const numbers: Partial<Record<TextField, number | number[]>> = {};
  const modeB = isModeB(base);
  for (const field of TEXT_FIELDS) {
    if (field === 'sharpness' || (field === 'sigma' && modeB)) continue;
    const parsed = field === 'rho' ? parseList(p.rho, LABELS.rho, ALLOWED.rho) : parseNumber(p[field], LABELS[field], ALLOWED[field]);
    if (typeof parsed === 'string') errors[field] = parsed;
    else numbers[field] = parsed;
  }
  const set = (key: string, field: TextField) => {
    raw[key] = numbers[field] ?? p[field];
  };
  set('eta', 'eta');
  raw.rho = numbers.rho ?? p.rho;
  // Mode B keeps the config's mini-batch noise (the panel has no field for it).
  raw.noise = modeB ? structuredClone(base.noise) : { ...((base.noise ?? {}) as RawConfig), sigma: numbers.sigma ?? p.sigma };
  set('steps', 'steps');
  set('paths', 'paths');
  set('seed', 'seed');
  set('substeps', 'substeps');
  raw.coupling = p.coupling;
  const sharpness = parseSharpness(p.sharpness ?? '');
  if (typeof sharpness === 'string') errors.sharpness = sharpness;
  else if (sharpness) raw.sharpness = sharpness;
  else delete raw.sharpness;
  const algorithms = ordered(p.algorithms, base.algorithms, ALGORITHMS);
  const models = ordered(p.models, base.models, MODELS);
  raw.algorithms = algorithms;
  raw.models = models;
  // An explicit comparison list keeps the pairs that are still simulated; none left: defaults.
  if (Array.isArray(base.compare)) {
    const simulated = (name: Dynamics) => (isModel(name) ? models.includes(name) : algorithms.includes(name));
    const kept = (base.compare as [Dynamics, Model][]).filter(
      (pair) => Array.isArray(pair) && simulated(pair[0]) && simulated(pair[1]),
    );
    if (kept.length > 0) raw.compare = kept;
    else delete raw.compare;
  }
  return raw;
}

/** The schema's own words, without the `config.` prefix (the field is shown beside its input). */
function messageOf(e: unknown): string {
  if (e instanceof ConfigError) return e.message.replace(/^config\./, '');
  return e instanceof Error ? e.message : String(e);
}

/**
 * Validates the panel's values against the schema. Each field is first checked alone (the base
 * config with only that field changed), so several bad fields are reported at once; then the
 * whole config is resolved for the cross-field rules (dimensions, recordEvery ≤ steps, pairs).
 */
export function validateParams(base: RawConfig, p: ParamValues): Validation {
  const errors: FieldErrors = {};
  const raw = writeParams(base, p, errors);
  let baseValid = true;
  try {
    resolveConfig(base);
  } catch {
    baseValid = false;
  }
  if (baseValid) {
    const alone: Array<[ParamField, (r: RawConfig) => void]> = [
      ['eta', (r) => (r.eta = raw.eta)],
      ['rho', (r) => (r.rho = raw.rho)],
      ['sigma', (r) => (r.noise = raw.noise)],
      ['steps', (r) => (r.steps = raw.steps)],
      ['paths', (r) => (r.paths = raw.paths)],
      ['seed', (r) => (r.seed = raw.seed)],
      ['substeps', (r) => (r.substeps = raw.substeps)],
      ['coupling', (r) => (r.coupling = raw.coupling)],
      ['sharpness', (r) => { r.steps = raw.steps; if (raw.sharpness) r.sharpness = raw.sharpness; else delete r.sharpness; }],
      ['algorithms', (r) => { r.algorithms = raw.algorithms; r.models = raw.models; r.compare = raw.compare; if (raw.compare === undefined) delete r.compare; }],
    ];
    for (const [field, apply] of alone) {
      if (errors[field]) continue;
      const trial = structuredClone(base);
      apply(trial);
      try {
        resolveConfig(trial);
      } catch (e) {
        const owner = e instanceof ConfigError ? fieldOf(e.field) : 'config';
        const key = owner === 'config' ? field : owner;
        errors[key] ??= voice(messageOf(e), key in ALLOWED ? key as keyof typeof ALLOWED : undefined);
      }
    }
  }
  if (Object.keys(errors).length > 0) return { raw, errors };
  try {
    return { raw, errors, config: resolveConfig(raw) };
  } catch (e) {
    const owner = e instanceof ConfigError ? fieldOf(e.field) : 'config';
    return { raw, errors: { [owner]: voice(messageOf(e), owner in ALLOWED ? owner as keyof typeof ALLOWED : undefined) } };
  }
}

export function orderValuesFrom(spec: OrderSpec): OrderValues {
  return { etas: spec.etas.join(', '), horizon: String(spec.horizon), rhoScaling: spec.rhoScaling, rhoScale: String(spec.rhoScale) };
}

/**
 * Validates an order ladder with the registry's own rules (src/experiments/order.ts), and the
 * run config's fitness for an order run (substeps ≥ 4, shared coupling, some pair to fit).
 */
export function validateOrder(values: OrderValues, config: ResolvedConfig | undefined): { spec?: OrderSpec; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const etas = parseList(values.etas, LABELS.etas, ALLOWED.etas);
  const horizon = parseNumber(values.horizon, LABELS.horizon, ALLOWED.horizon);
  const rhoScale = parseNumber(values.rhoScale, LABELS.rhoScale, ALLOWED.rhoScale);
  if (typeof etas === 'string') errors.etas = etas;
  if (typeof horizon === 'string') errors.horizon = horizon;
  if (typeof rhoScale === 'string') errors.rhoScale = rhoScale;
  let spec: OrderSpec | undefined;
  if (Object.keys(errors).length === 0) {
    try {
      spec = validateOrderSpec({ etas, horizon, rhoScaling: values.rhoScaling, rhoScale });
    } catch (e) {
      const owner = e instanceof ConfigError ? fieldOf(e.field) : 'config';
      errors[owner] = voice(messageOf(e));
    }
  }
  if (config) {
    try {
      checkOrderConfig(config);
    } catch (e) {
      const owner = e instanceof ConfigError ? fieldOf(e.field) : 'config';
      errors[owner] = voice(messageOf(e));
    }
  }
  return Object.keys(errors).length === 0 ? { spec, errors } : { errors };
}

/** Path-steps of one simulation of a config (see web/lib/run-plan.ts for a whole run). */
export function pathStepsOf(config: ResolvedConfig): number {
  return config.rho.length * (config.algorithms.length + config.models.length) * config.paths * config.steps;
}
