// Repetition statistics and clocks of the suite: every figure is a median of ≥ 3 repetitions
// with its spread, timed by wall clock and by this process's CPU time (user + system, all
// threads: SwiftShader's worker threads included), which is the fairer basis when other
// processes load the machine.
import { loadavg } from 'node:os';

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median: the relative spread of the repetitions. */
  relSpread: number;
  values: number[];
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, relSpread: NaN, values: [...values] };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const relSpread = max === min ? 0 : median !== 0 ? (max - min) / Math.abs(median) : Infinity;
  return { median, min, max, relSpread, values: [...values] };
}

export interface Clock {
  wallSeconds: number;
  cpuSeconds: number;
}

/** Runs `work` and returns its value with the wall and process CPU seconds it took. */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T } & Clock> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The 1-minute load average (runnable processes; the machine's cores are the reference). */
export function load1(): number {
  return loadavg()[0];
}
