// The paper's claims (docs/model.md §4, §6 and §7) as checks on a finished result: each check says
// what it tested, whether it held, and the numbers it measured. The report prints them; the
// tests assert them. No Node imports.
import type { Comparison, RunResult, SimulationResult } from '../simulate/result.js';
import type { OrderSummary } from './order.js';
import type { SaddleResult, EscapeSeries } from './saddle.js';
import { trapRadius } from './saddle.js';
import type { Experiment, MinibatchClaims, SharpnessClaims } from './types.js';
import { batchSlice, type MinibatchPair, type MinibatchSummary } from './minibatch.js';

export interface ClaimCheck {
  statement: string;
  /** null: not testable with this result (e.g. the dynamics it names were not simulated). */
  holds: boolean | null;
  measured: string;
}

/** Bands of docs/model.md §7 and issue 5 for the order experiments. */
export const OWN_MODEL_SLOPE: [number, number] = [0.8, 1.25];
export const SGD_SDE_SLOPE: [number, number] = [0.35, 0.75];
/** A model "tracks" its algorithm when its relative error stays below this. */
export const TRACKING_TOLERANCE = 0.05;
/** Trapped: at most this fraction escaped by the end; escaped: at least 1 minus it. */
export const ESCAPE_MARGIN = 0.05;

/** The loss drop that shows SGD and USAM have left a saddle's plateau. */
export const LEFT_PLATEAU = 0.1;
/** Two errors within this many (summed) standard errors of each other are a tie. */
export const TIE_SE = 2;

/** Monte Carlo standard error of relMaxError (weakErrorStderr on relMaxError's scale). */
function relStderr(c: Comparison): number {
  return c.weakError > 0 ? (c.weakErrorStderr * c.relMaxError) / c.weakError : 0;
}

/**
 * How many standard errors separate two errors of the same algorithm (issue 13: a claim made
 * sharper by the sample size), as "N s.e. apart". The standard error of the difference is taken
 * as sqrt(se₁² + se₂²), as if the two were independent: both are measured against the same
 * algorithm paths, which correlates them positively, so the paired standard error is smaller and
 * this count a lower bound. A difference with no Monte Carlo noise at all (se 0, e.g. an SDE
 * that equals its algorithm) is "exact".
 */
export function standardErrorsApart(a: Comparison, b: Comparison): string {
  const se = Math.hypot(relStderr(a), relStderr(b));
  const gap = Math.abs(b.relMaxError - a.relMaxError);
  if (se === 0) return gap === 0 ? 'equal' : 'exact (no Monte Carlo noise)';
  const n = gap / se;
  return `${n >= 100 ? n.toExponential(1) : fmt(n)} s.e. apart${n >= TIE_SE ? '' : ', not significant'}`;
}

const SAM_FAMILY = ['USAM', 'DNSAM', 'SAM'] as const;
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

function gComparison(run: RunResult, algorithm: string, model: string): Comparison | undefined {
  return run.comparisons.find((c) => c.algorithm === algorithm && c.model === model && c.observable === 'g');
}

function ownModel(algorithm: string): string {
  return `${algorithm}-SDE`;
}

// ---- validation ----

export function validationChecks(result: SimulationResult): ClaimCheck[] {
  const eta = result.config.eta;
  const runs = [...result.runs].sort((a, b) => a.rho - b.rho);
  const above = runs.filter((r) => r.rho > eta);
  const rel = (run: RunResult, a: string, m: string) => gComparison(run, a, m)?.relMaxError;
  const algorithms = result.config.algorithms.filter((a) => a !== 'SGD');
  const checks: ClaimCheck[] = [];

  const own: string[] = [];
  let ownHolds: boolean | null = null;
  for (const a of result.config.algorithms) {
    for (const run of runs) {
      const e = rel(run, a, ownModel(a));
      if (e === undefined) continue;
      const sgd = a === 'SGD' ? undefined : rel(run, a, 'SGD-SDE');
      const ok = e <= TRACKING_TOLERANCE && (sgd === undefined || run.rho <= eta || e < sgd);
      ownHolds = (ownHolds ?? true) && ok;
      const apart = sgd === undefined || run.rho <= eta ? undefined
        : standardErrorsApart(gComparison(run, a, ownModel(a))!, gComparison(run, a, 'SGD-SDE')!);
      own.push(`${a} ρ=${run.rho}: ${fmt(e)}${sgd === undefined ? '' : ` (SGD-SDE ${fmt(sgd)}${apart === undefined ? '' : `, ${apart}`})`}`);
    }
  }
  checks.push({
    statement: `Each SDE tracks its own algorithm: relMaxError(alg, own SDE) ≤ ${TRACKING_TOLERANCE} at every ρ, `
      + 'and below the SGD SDE\'s wherever ρ > η (there with the gap in Monte Carlo standard errors, see standardErrorsApart)',
    holds: ownHolds,
    measured: own.join('; ') || 'no own-model pair simulated',
  });

  const growth: string[] = [];
  let growthHolds: boolean | null = null;
  for (const a of algorithms) {
    const ladder = runs.filter((r) => r.rho >= eta).map((r) => ({ rho: r.rho, e: rel(r, a, 'SGD-SDE') }));
    if (ladder.length < 2 || ladder.some((p) => p.e === undefined)) continue;
    const increasing = ladder.every((p, i) => i === 0 || p.e! > ladder[i - 1].e!);
    growthHolds = (growthHolds ?? true) && increasing;
    growth.push(`${a}: ${ladder.map((p) => `ρ=${p.rho} → ${fmt(p.e)}`).join(', ')}`);
  }
  checks.push({
    statement: 'The SGD SDE\'s error for USAM, DNSAM and SAM grows with ρ once ρ ≥ η (relMaxError increasing over the grid from ρ = η on)',
    holds: growthHolds,
    measured: growth.join('; ') || 'needs USAM/DNSAM/SAM against SGD-SDE at two ρ ≥ η',
  });

  const between: string[] = [];
  let betweenHolds: boolean | null = null;
  for (const a of algorithms) {
    for (const run of above) {
      const o = gComparison(run, a, ownModel(a));
      const d = gComparison(run, a, `${a}-DRIFT`);
      const s = gComparison(run, a, 'SGD-SDE');
      if (!o || !d || !s) continue;
      // Ordered unless a difference goes the wrong way by more than its Monte Carlo noise.
      const below = (x: Comparison, y: Comparison) => x.relMaxError <= y.relMaxError + TIE_SE * (relStderr(x) + relStderr(y));
      const ok = below(o, d) && below(d, s);
      const sign = (x: Comparison, y: Comparison) => (x.relMaxError <= y.relMaxError ? '≤' : '≈');
      betweenHolds = (betweenHolds ?? true) && ok;
      between.push(`${a} ρ=${run.rho}: ${fmt(o.relMaxError)} ${sign(o, d)} ${fmt(d.relMaxError)} ${sign(d, s)} ${fmt(s.relMaxError)}${ok ? '' : ' ✗'}`);
    }
  }
  checks.push({
    statement: 'The drift-only ablations sit between: own SDE ≤ drift-only ≤ SGD SDE (relMaxError, every ρ > η; '
      + `"≈": reversed by less than ${TIE_SE} Monte Carlo standard errors, a tie)`,
    holds: betweenHolds,
    measured: between.join('; ') || 'needs the drift-only models',
  });
  return checks;
}

// ---- saddle ----

function finalValue(values: readonly number[] | undefined): number {
  if (!values || values.length === 0) return NaN;
  return values[values.length - 1];
}

export function saddleChecks(result: SaddleResult): ClaimCheck[] {
  const { config } = result;
  const checks: ClaimCheck[] = [];
  for (const run of result.runs) {
    const series = run.series as Record<string, EscapeSeries>;
    const escaped = (name: string) => finalValue(series[name]?.escaped);
    const norm = (name: string) => finalValue(series[name]?.norm.mean);
    const x0Norm = series[config.algorithms[0] ?? config.models[0]]?.norm.mean[0] ?? NaN;
    const trap = trapRadius(config.problem, run.rho);
    const present = (names: string[]) => names.filter((n) => series[n]);
    const describe = (names: string[]) => names.map((n) => `${n}: escaped ${fmt(escaped(n))}, final ‖x‖ ${fmt(norm(n))}`).join('; ');
    const escapers = present(['SGD', 'USAM']);
    if (trap !== undefined) {
      if (trap >= x0Norm) {
        const trapped = present(['DNSAM', 'SAM', 'DNSAM-SDE', 'SAM-SDE']);
        checks.push({
          statement: `ρ = ${run.rho} (trap radius ${fmt(trap)} ≥ ‖x0‖ = ${fmt(x0Norm)}): DNSAM, SAM and their SDEs stay trapped `
            + `(escaped ≤ ${ESCAPE_MARGIN}, final mean ‖x‖ < trap radius) while SGD and USAM escape (escaped ≥ ${1 - ESCAPE_MARGIN})`,
          holds: trapped.length === 0 || escapers.length === 0 ? null
            : trapped.every((n) => escaped(n) <= ESCAPE_MARGIN && norm(n) < trap)
              && escapers.every((n) => escaped(n) >= 1 - ESCAPE_MARGIN),
          measured: describe([...trapped, ...escapers]),
        });
      } else {
        const all = present(['SGD', 'USAM', 'DNSAM', 'SAM']);
        checks.push({
          statement: `ρ = ${run.rho} (trap radius ${fmt(trap)} < ‖x0‖ = ${fmt(x0Norm)}): all four algorithms escape (escaped ≥ ${1 - ESCAPE_MARGIN})`,
          holds: all.length === 0 ? null : all.every((n) => escaped(n) >= 1 - ESCAPE_MARGIN),
          measured: describe(all),
        });
      }
    } else {
      // No trap radius (e.g. deep-linear): compare where the algorithms end up, once SGD and
      // USAM have left the saddle's plateau (loss down by LEFT_PLATEAU from the start);
      // before that the run is too short to say anything.
      const stuck = present(['DNSAM', 'SAM']);
      const loss = (name: string) => finalValue(series[name]?.loss.mean);
      const start = (name: string) => series[name]?.loss.mean[0] ?? NaN;
      const left = escapers.length > 0 && escapers.every((n) => loss(n) < (1 - LEFT_PLATEAU) * start(n));
      const holds = stuck.length === 0 || escapers.length === 0 || !left ? null
        : Math.max(...stuck.map(norm)) < Math.min(...escapers.map(norm))
          && Math.max(...escapers.map(loss)) < Math.min(...stuck.map(loss));
      const horizon = run.t[run.t.length - 1];
      checks.push({
        statement: `ρ = ${run.rho}: DNSAM and SAM end nearer the saddle (smaller mean ‖x‖) and at a higher loss than SGD and USAM`
          + ` (testable once SGD and USAM have lowered the loss by ${LEFT_PLATEAU * 100} %)`,
        holds,
        measured: [...stuck, ...escapers].map((n) => `${n}: loss ${fmt(start(n))} → ${fmt(loss(n))}, final ‖x‖ ${fmt(norm(n))}, escaped ${fmt(escaped(n))}`).join('; ')
          + (left ? '' : `; at t = ${fmt(horizon)} SGD and USAM are still on the saddle's plateau: not testable at this size`),
      });
    }
  }
  return checks;
}

// ---- order ----

const inBand = (x: number, [lo, hi]: [number, number]) => Number.isFinite(x) && x >= lo && x <= hi;

export function orderChecks(order: OrderSummary): ClaimCheck[] {
  const describe = (p: OrderSummary['pairs'][number]) =>
    `${p.algorithm} vs ${p.model}: slope ${fmt(p.slope)} [${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}] `
    + `(${p.qualified.filter(Boolean).length}/${p.qualified.length} points qualify)`;
  const own = order.pairs.filter((p) => p.model === ownModel(p.algorithm));
  const checks: ClaimCheck[] = [{
    statement: `Each SDE is weak order 1 against its own algorithm: slope within [${OWN_MODEL_SLOPE.join(', ')}]`,
    holds: own.length === 0 ? null : own.every((p) => inBand(p.slope, OWN_MODEL_SLOPE)),
    measured: own.map(describe).join('; ') || 'no own-model pair',
  }];
  const sgd = order.pairs.filter((p) => p.model === 'SGD-SDE' && (SAM_FAMILY as readonly string[]).includes(p.algorithm));
  if (order.rhoScaling === 'sqrt') {
    checks.push({
      statement: `Under ρ = c·√η the SGD SDE keeps an error ~ρ against USAM/DNSAM/SAM: slope within [${SGD_SDE_SLOPE.join(', ')}] (docs/model.md §7: ≈ 0.5–0.65)`,
      holds: sgd.length === 0 ? null : sgd.every((p) => inBand(p.slope, SGD_SDE_SLOPE)),
      measured: sgd.map(describe).join('; ') || 'no USAM/DNSAM/SAM vs SGD-SDE pair',
    });
  }
  return checks;
}

// ---- sharpness (docs/model.md §8) ----

/** The mean loss at each sharpness readout of one dynamics (readouts sit on recorded steps; NaN if not recorded). */
export function readoutLosses(run: RunResult, name: string): number[] {
  const series = run.series[name];
  const sharpness = series?.sharpness;
  if (!sharpness) return [];
  return sharpness.t.map((t) => {
    const record = run.t.findIndex((tr) => Math.abs(tr - t) <= 1e-9 * Math.max(1, Math.abs(t)));
    return record < 0 ? NaN : series.loss.mean[record];
  });
}

/**
 * A readout value at loss `level`, interpolated linearly in the loss between the two readouts
 * where the mean loss first falls to `level` (in time order); NaN if it never does.
 */
export function valueAtLoss(losses: readonly number[], values: readonly number[], level: number): number {
  for (let k = 0; k < losses.length; k++) {
    if (!(losses[k] <= level)) continue;
    if (k === 0 || losses[k] === level) return values[k];
    const w = (losses[k - 1] - level) / (losses[k - 1] - losses[k]);
    return values[k - 1] + w * (values[k] - values[k - 1]);
  }
  return NaN;
}

function sharpnessComparison(run: RunResult, algorithm: string, model: string, observable: 'trace' | 'top'): Comparison | undefined {
  return run.comparisons.find((c) => c.algorithm === algorithm && c.model === model && c.observable === observable);
}

export function sharpnessChecks(result: SimulationResult, claims: SharpnessClaims): ClaimCheck[] {
  const eta = result.config.eta;
  const runs = [...result.runs].sort((a, b) => a.rho - b.rho);
  const tracking: string[] = [];
  let trackingHolds: boolean | null = null;
  for (const a of result.config.algorithms) {
    for (const run of runs) {
      for (const observable of ['trace', 'top'] as const) {
        const own = sharpnessComparison(run, a, ownModel(a), observable);
        if (!own) continue;
        const sgd = a === 'SGD' ? undefined : sharpnessComparison(run, a, 'SGD-SDE', observable);
        const beaten = sgd === undefined || run.rho <= eta
          || own.relMaxError <= sgd.relMaxError + TIE_SE * (relStderr(own) + relStderr(sgd));
        trackingHolds = (trackingHolds ?? true) && own.relMaxError <= claims.tracking && beaten;
        tracking.push(`${a} ${observable} ρ=${run.rho}: ${fmt(own.relMaxError)}${sgd ? ` (SGD-SDE ${fmt(sgd.relMaxError)})` : ''}`);
      }
    }
  }
  const flatness: string[] = [];
  let flatnessHolds: boolean | null = null;
  for (const run of runs.filter((r) => r.rho > eta)) {
    for (const [name, reference] of [...SAM_FAMILY.map((a) => [a, 'SGD']), ...SAM_FAMILY.map((a) => [`${a}-SDE`, 'SGD-SDE'])]) {
      const own = run.series[name]?.sharpness;
      const ref = run.series[reference]?.sharpness;
      if (!own || !ref) continue;
      const losses = readoutLosses(run, name);
      const refLosses = readoutLosses(run, reference);
      const level = Math.max(finalValue(losses), finalValue(refLosses));
      const top = valueAtLoss(losses, own.top.mean, level);
      const refTop = valueAtLoss(refLosses, ref.top.mean, level);
      const gap = 1 - top / refTop;
      const ok = Number.isFinite(gap) && gap >= claims.flatterBy;
      flatnessHolds = (flatnessHolds ?? true) && ok;
      flatness.push(`ρ=${run.rho} at loss ${fmt(level)}: ${name} ${fmt(top)} vs ${reference} ${fmt(refTop)} (${fmt(100 * gap)} % lower)${ok ? '' : ' ✗'}`);
    }
  }
  return [
    {
      statement: `Each SDE reproduces its algorithm's sharpness: relMaxError on the Hessian trace and top eigenvalue ≤ ${claims.tracking} `
        + 'at every ρ, and not above the SGD SDE\'s wherever ρ > η (ties within 2 Monte Carlo standard errors)',
      holds: trackingHolds,
      measured: tracking.join('; ') || 'no own-model pair with sharpness readouts',
    },
    {
      statement: `Where ρ > η, USAM, DNSAM, SAM and their SDEs are flatter than SGD (resp. SGD-SDE) at matched loss: top eigenvalue `
        + `at the higher of the two final mean losses lower by at least ${100 * claims.flatterBy} %`,
      holds: flatnessHolds,
      measured: flatness.join('; ') || 'needs SGD and the SAM family with sharpness readouts at some ρ > η',
    },
  ];
}

// ---- mini-batch noise (docs/model.md §6.6) ----

/** Default claims of a minibatch experiment: a gap is resolved beyond 2 standard errors. */
export const MINIBATCH_CLAIMS: MinibatchClaims = { resolvedSe: TIE_SE };

/** A check that held at every batch size it was decided at (null where it was decided at none). */
function everyBatch(statement: string, perBatch: { batchSize: number; check: ClaimCheck }[]): ClaimCheck {
  const decided = perBatch.filter((p) => p.check.holds !== null);
  return {
    statement,
    holds: decided.length === 0 ? null : decided.every((p) => p.check.holds),
    measured: perBatch.map((p) => `B=${p.batchSize}: ${p.check.measured}`).join(' | '),
  };
}

function describePair(p: MinibatchPair, resolvedSe: number): string {
  const verdict = p.gap > resolvedSe * p.gapStderr ? '' : p.gap < -resolvedSe * p.gapStderr ? ' ✗' : ' ≈';
  return `${p.algorithm} ρ=${p.rho}: ${fmt(p.modeB.relMaxError)}±${fmt(p.modeB.relStderr)} vs ${fmt(p.injection.relMaxError)}±${fmt(p.injection.relStderr)}${verdict}`;
}

export function minibatchChecks(
  document: SimulationResult & { minibatch?: MinibatchSummary }, claims: MinibatchClaims = MINIBATCH_CLAIMS,
): ClaimCheck[] {
  const summary = document.minibatch;
  if (!summary) return [];
  const k = claims.resolvedSe;
  const sizes = summary.batchSizes.filter((b) => document.runs.some((r) => (r as { batchSize?: number }).batchSize === b));
  // The validation experiments' checks, at each batch size on its own (mode B against mode B).
  const validation = sizes.map((b) => ({ batchSize: b, checks: validationChecks(batchSlice(document, b)) }));
  const checks: ClaimCheck[] = (validation[0]?.checks ?? []).map((first, i) => everyBatch(
    `At every batch size: ${first.statement}`, validation.map((v) => ({ batchSize: v.batchSize, check: v.checks[i] })),
  ));

  const better = sizes.map((b) => {
    const pairs = summary.pairs.filter((p) => p.batchSize === b);
    const worse = pairs.filter((p) => p.gap < -k * p.gapStderr);
    const resolved = pairs.filter((p) => p.gap > k * p.gapStderr);
    return {
      batchSize: b,
      check: {
        statement: '',
        holds: pairs.length === 0 ? null : worse.length === 0 && resolved.length > 0,
        measured: pairs.length === 0 ? 'no algorithm with both models'
          : `${pairs.map((p) => describePair(p, k)).join('; ')} (${resolved.length}/${pairs.length} resolved better, ${worse.length} worse)`,
      },
    };
  });
  checks.push(everyBatch(
    `At every batch size the mode-B SDE tracks its algorithm better than the injection SDE with matched σ_B: relMaxError on g `
      + `mode-B vs injection, never worse by more than ${k} standard errors of the difference (unpaired) and better by more than that `
      + `for at least one (algorithm, ρ) ("≈": within ${k} standard errors, a tie; "✗": worse)`,
    better,
  ));

  // How the injection model's excess error moves with B: its mean over the (algorithm, ρ) pairs.
  const trend = sizes.map((b) => {
    const pairs = summary.pairs.filter((p) => p.batchSize === b);
    const mean = (f: (p: MinibatchPair) => number) => pairs.reduce((a, p) => a + f(p), 0) / pairs.length;
    return {
      batchSize: b, gap: pairs.length ? mean((p) => p.gap) : NaN,
      stderr: pairs.length ? Math.sqrt(pairs.reduce((a, p) => a + p.gapStderr ** 2, 0)) / pairs.length : NaN,
      ratio: pairs.length ? mean((p) => p.injection.relMaxError / p.modeB.relMaxError) : NaN,
    };
  });
  // A trend of gaps that are all noise says nothing: testable once the smallest batch's gap is resolved.
  const resolvedAtSmallest = trend.length > 0 && Number.isFinite(trend[0].gap) && Math.abs(trend[0].gap) > k * trend[0].stderr;
  const decreasing = trend.length < 2 || trend.some((t) => !Number.isFinite(t.gap)) || !resolvedAtSmallest ? null
    : trend.every((t, i) => i === 0 || t.gap < trend[i - 1].gap);
  checks.push({
    statement: 'The injection SDE\'s excess error shrinks as the batch grows: the mean over (algorithm, ρ) of relMaxError(injection) − '
      + `relMaxError(mode B) is strictly decreasing in B (testable once that mean gap at the smallest B exceeds ${k} standard errors)`,
    holds: decreasing,
    measured: (trend.map((t) => `B=${t.batchSize}: gap ${fmt(t.gap)}±${fmt(t.stderr)}, mean ratio injection/mode-B ${fmt(t.ratio)}`).join('; ')
      || 'needs two batch sizes') + (trend.length > 1 && !resolvedAtSmallest ? '; the gap at the smallest B is within the noise: not testable at this size' : ''),
  });
  return checks;
}

/** The checks for an experiment's result document. */
export function claimChecks(
  experiment: Experiment, document: SimulationResult & { order?: OrderSummary; minibatch?: MinibatchSummary },
): ClaimCheck[] {
  const sharpness = experiment.sharpnessClaims ? sharpnessChecks(document, experiment.sharpnessClaims) : [];
  if (experiment.kind === 'order') return document.order ? orderChecks(document.order) : [];
  if (experiment.kind === 'minibatch') return minibatchChecks(document, experiment.minibatchClaims);
  if (experiment.kind === 'saddle') return [...saddleChecks(document as SaddleResult), ...sharpness];
  return [...validationChecks(document), ...sharpness];
}
