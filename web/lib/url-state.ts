// The page state in the URL's query, so a link reproduces a run: the experiment, its size, and
// every parameter as typed (an invalid value survives the round trip and is shown as invalid).
// A pasted config travels whole as JSON in `config`.
import { ALGORITHMS, MODELS, type Algorithm, type Model } from '../../src/dynamics/names.js';
import { ORDER_FIELDS, TEXT_FIELDS, type OrderValues, type ParamValues, type RawConfig } from './params.js';

/** The picker's id for a pasted config. */
export const CUSTOM_ID = 'custom';

export interface PageState {
  experiment: string;
  quick: boolean;
  /** Only the fields present in the URL; the rest come from the experiment's config. */
  params: Partial<ParamValues>;
  /** The pasted config (experiment = custom). */
  config?: RawConfig;
  /** A convergence-order experiment's ladder: only the fields present in the URL. */
  order?: Partial<OrderValues>;
  /** Seconds between a run's checkpoints, as typed (web/lib/page-checkpoints.ts checks it). */
  checkpointEvery?: string;
}

function names<T extends string>(text: string, allowed: readonly T[]): T[] {
  return text.split(',').filter((n): n is T => (allowed as readonly string[]).includes(n));
}

export function encodeState(state: PageState): string {
  const query = new URLSearchParams();
  query.set('experiment', state.experiment);
  if (state.quick) query.set('quick', '1');
  const p = state.params;
  for (const field of TEXT_FIELDS) {
    const value = p[field];
    const list = field === 'rho' || field === 'sharpness';
    if (value !== undefined) query.set(field, list ? value.trim().replace(/\s*[,;\s]\s*/g, ',') : value);
  }
  if (p.coupling) query.set('coupling', p.coupling);
  if (p.algorithms) query.set('algorithms', p.algorithms.join(','));
  if (p.models) query.set('models', p.models.join(','));
  for (const field of ORDER_FIELDS) {
    const value = state.order?.[field];
    if (value !== undefined) query.set(field, value.trim().replace(/\s*[,;\s]\s*/g, ','));
  }
  if (state.config) query.set('config', JSON.stringify(state.config));
  if (state.checkpointEvery !== undefined) query.set('checkpointEvery', state.checkpointEvery);
  // Commas stay readable (they are legal in a query); everything else is percent-encoded.
  const pairs = [...query].map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`);
  return `?${pairs.join('&')}`;
}

/** Reads the state from a query string; unknown names are dropped, a bad `config` is reported. */
export function decodeState(search: string, fallbackExperiment: string): { state: PageState; error?: string } {
  const query = new URLSearchParams(search);
  const params: Partial<ParamValues> = {};
  for (const field of TEXT_FIELDS) {
    const value = query.get(field);
    if (value !== null) params[field] = value;
  }
  const coupling = query.get('coupling');
  if (coupling === 'shared' || coupling === 'independent') params.coupling = coupling;
  const algorithms = query.get('algorithms');
  if (algorithms !== null) params.algorithms = names<Algorithm>(algorithms, ALGORITHMS);
  const models = query.get('models');
  if (models !== null) params.models = names<Model>(models, MODELS);
  const state: PageState = {
    experiment: query.get('experiment') ?? fallbackExperiment,
    quick: query.get('quick') === '1',
    params,
  };
  const checkpointEvery = query.get('checkpointEvery');
  if (checkpointEvery !== null) state.checkpointEvery = checkpointEvery;
  for (const field of ORDER_FIELDS) {
    const value = query.get(field);
    if (value !== null) (state.order ??= {})[field] = value;
  }
  const configText = query.get('config');
  if (configText !== null) {
    try {
      const parsed: unknown = JSON.parse(configText);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return { state, error: 'The link\'s config is not a JSON object.' };
      }
      state.config = parsed as RawConfig;
    } catch (e) {
      return { state, error: `The link's config is not valid JSON: ${(e as Error).message}` };
    }
  }
  return { state };
}
