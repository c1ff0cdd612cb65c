// Axis decisions the views share, DOM-free: whether a log axis can show the data (and what to
// say when it cannot), domains that fit the data rather than the guide lines, tick values at
// every decade with plain labels, and which drawn series coincide (so the legend can say so).

export type YScale = 'log' | 'linear';

export interface ScaleChoice {
  type: YScale;
  /** Why the axis is not what was asked for (shown on the plot); absent when it is. */
  note?: string;
}

/**
 * A log axis only when every value to draw is positive; otherwise linear, saying why. Values
 * that are not finite (every path diverged) are missing data, not a reason to leave log.
 */
export function chooseYScale(values: readonly number[], wantLog: boolean, what: string): ScaleChoice {
  if (!wantLog) return { type: 'linear' };
  const finite = values.filter(Number.isFinite);
  const bad = finite.filter((v) => v <= 0);
  if (bad.length === 0) return { type: 'log' };
  const min = Math.min(...bad);
  return {
    type: 'linear',
    note: `Linear y: ${what} reaches ${min === 0 ? '0' : formatTick(min)} here, which a log axis cannot show.`,
  };
}

/** [lo, hi] of the finite (and, for a log axis, positive) values, padded a little; undefined when none. */
export function fitDomain(values: readonly number[], type: YScale, pad = 0.06): [number, number] | undefined {
  const usable = values.filter((v) => Number.isFinite(v) && (type === 'linear' || v > 0));
  if (usable.length === 0) return undefined;
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (type === 'log') {
    if (lo === hi) return [lo / 2, hi * 2];
    const f = (Math.log10(hi) - Math.log10(lo)) * pad;
    return [lo / 10 ** f, hi * 10 ** f];
  }
  if (lo === hi) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  lo -= d;
  hi += d;
  return [lo, hi];
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** A tick label in plain numbers: 0.001, 20, 5e-7 as 5·10⁻⁷, a power of ten as 10⁻⁶. */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e5) return String(Number(v.toPrecision(3)));
  const exponent = Math.floor(Math.log10(a) + 1e-9);
  const mantissa = Number((v / 10 ** exponent).toPrecision(2));
  const power = `10${String(exponent).split('').map((c) => SUPERSCRIPT[c]).join('')}`;
  return mantissa === 1 ? power : mantissa === -1 ? `−${power}` : `${mantissa}·${power}`;
}

/**
 * Log-axis ticks: every decade inside [lo, hi] (every second or third when there are many),
 * and 2 and 5 times a decade when the range spans less than about two decades, so that there
 * are always a few labelled ticks and none collide.
 */
export function logTicks(lo: number, hi: number, maxTicks = 7): number[] {
  if (!(lo > 0) || !(hi > 0) || hi < lo) return [];
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let e = first; e <= last; e++) decades.push(Number((10 ** e).toPrecision(12)));
  let ticks = decades.filter(inside);
  if (ticks.length < 3) {
    const finer = decades.flatMap((d) => [d, 2 * d, 5 * d].map((v) => Number(v.toPrecision(12)))).filter(inside);
    if (finer.length <= maxTicks) ticks = finer;
    else ticks = decades.flatMap((d) => [d, 3 * d].map((v) => Number(v.toPrecision(12)))).filter(inside);
  }
  if (ticks.length > maxTicks) {
    const stride = Math.ceil(ticks.length / maxTicks);
    ticks = ticks.filter((_, i) => i % stride === 0);
  }
  return ticks;
}

/**
 * Series that coincide: for each series, the earlier one (in the given order) whose values are
 * the same at every point (relative difference ≤ tol; NaN matches NaN). Drawn later, it hides
 * the earlier one, so the legend names both.
 */
export function coincidences(series: ReadonlyArray<{ key: string; values: readonly number[] }>, tol = 1e-9): Map<string, string> {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.length > 0 && a.every((x, i) => {
    const y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    return Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y), 1e-300);
  });
  const out = new Map<string, string>();
  series.forEach((s, i) => {
    if (!s.values.some(Number.isFinite)) return;
    const twin = series.slice(0, i).find((t) => !out.has(t.key) && same(t.values, s.values));
    if (twin) out.set(s.key, twin.key);
  });
  return out;
}

/** Evenly spaced ticks at a 1-2-5 step over [lo, hi] (about `count` of them), and the step. */
export function linearTicks(lo: number, hi: number, count = 5): { ticks: number[]; step: number } {
  if (!(hi > lo)) return { ticks: Number.isFinite(lo) ? [lo] : [], step: 0 };
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, step };
}

/** Labels for ticks a step apart: as many decimals as the step needs, so that no two labels read the same. */
function stepFormat(step: number): (v: number) => string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return (v: number) => {
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e5)) return formatTick(v);
    return v.toFixed(Math.min(decimals, 20)).replace(/^-/, '−');
  };
}

/**
 * Plot's `ticks` and `tickFormat` for an axis over `domain`: decades (or 1-2-5 multiples) on a
 * log axis that spans enough of them; otherwise evenly spaced ticks labelled with as many
 * decimals as their spacing needs (a narrow range never repeats a label).
 */
export function ticksFor(domain: [number, number], type: YScale = 'log'): { ticks?: number[]; tickFormat: (v: number) => string } {
  if (type === 'log') {
    const ticks = logTicks(domain[0], domain[1]);
    if (ticks.length >= 2) return { ticks, tickFormat: formatTick };
  }
  const { ticks, step } = linearTicks(domain[0], domain[1]);
  return ticks.length >= 2 ? { ticks, tickFormat: stepFormat(step) } : { tickFormat: formatTick };
}
