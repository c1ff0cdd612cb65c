// One visual encoding for every plot: the colour says which algorithm family a dynamics
// belongs to, the dash says what it is (algorithm solid, SDE dashed, drift-only dotted), so
// an SGD-SDE curve drawn over USAM reads as "blue dashes over orange" at a glance. A Gaussian-
// injection twin (`USAM-SDE-INJ`, the mini-batch experiment) keeps its model's colour, dash-dot.
import { ALGORITHMS } from '../../src/dynamics/names.js';

const FAMILY_COLORS: Record<string, string> = {
  SGD: '#2463c9',
  USAM: '#d66a00',
  DNSAM: '#13875d',
  SAM: '#b4235e',
};

/** Ten colours that stay apart on white (Tableau 10, darkened where too light for lines). */
export const CATEGORY_COLORS = [
  '#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#9c755f', '#d4a51c', '#ff9da7', '#7f7f7f',
];

export const DASH_SDE = '6 3';
export const DASH_DRIFT = '1.5 3';
/** A Gaussian-injection twin of an SDE (the mini-batch experiment, docs/model.md §6.6): dash-dot. */
export const DASH_INJECTION = '9 3 2 3';

export function familyOf(name: string): string {
  const head = name.split('-')[0];
  return (ALGORITHMS as readonly string[]).includes(head) ? head : name;
}

export function colorOf(name: string): string {
  return FAMILY_COLORS[familyOf(name)] ?? '#57606a';
}

/** Undefined for an algorithm (solid line). */
export function dashOf(name: string): string | undefined {
  if (name.endsWith('-INJ')) return DASH_INJECTION;
  if (name.endsWith('-DRIFT')) return DASH_DRIFT;
  if (name.endsWith('-SDE')) return DASH_SDE;
  return undefined;
}
