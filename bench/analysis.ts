// Where the time goes, computed from the measured cases (no extra runs):
// - a cost model of the fused kernel: CPU seconds per path-step of each SDE model on the d = 20
//   quadratic fitted by non-negative least squares to a·(matrix-vector products) +
//   b·(Threefry blocks) + c, since the models differ exactly in those counts (bench/work.ts):
//   SGD-SDE 1 product and ⌈d/4⌉ blocks, USAM-SDE 2 and ⌈d/4⌉, SAM-DRIFT 2 and (1+K)⌈d/4⌉, ...
//   The SAM models' O(Kd) norms and divisions ride on b, so b bounds a Threefry block's cost
//   from above. CPU time (this process, all threads) rather than GPU time: on a software
//   adapter the kernel runs on the CPU, and CPU time barely moves when other processes load
//   the machine, while GPU (wall) time stretches with the load. Only the two largest sizes of
//   each model enter, where the per-call overhead is small, as medians;
// - per GPU case, the split of one repetition's wall time into GPU passes and the rest (host
//   work, submits and waits, the reduction pipeline's compile in every simulate() call).
import type { CaseResult, CostModel, Ratio, TargetCheck, TimeSplit } from './results.js';

/** Least squares on the columns in `active` (the others fixed at 0); null if singular. */
function leastSquares(rows: { x: number[]; y: number }[], active: number[]): number[] | null {
  const n = active.length;
  const m = active.map((i) => [...active.map((j) => rows.reduce((s, r) => s + r.x[i] * r.x[j], 0)), rows.reduce((s, r) => s + r.x[i] * r.y, 0)]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < 1e-300) return null;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const coef = [0, 0, 0];
  active.forEach((i, k) => { coef[i] = m[k][n] / m[k][k]; });
  return coef;
}

/** Non-negative least squares in 3 unknowns: the best of the fits on every subset of columns. */
function nonNegativeFit(rows: { x: number[]; y: number }[]): number[] | null {
  let best: number[] | null = null;
  let bestError = Infinity;
  for (let mask = 1; mask < 8; mask++) {
    const active = [0, 1, 2].filter((i) => mask & (1 << i));
    const coef = leastSquares(rows, active);
    if (!coef || coef.some((c) => c < 0)) continue;
    const error = rows.reduce((s, r) => s + ((r.x[0] * coef[0] + r.x[1] * coef[1] + r.x[2] * coef[2] - r.y) / r.y) ** 2, 0);
    if (error < bestError) {
      best = coef;
      bestError = error;
    }
  }
  return best;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function costModel(cases: CaseResult[]): CostModel | null {
  const kernel = cases.filter((c) => c.group === 'kernel' && c.runner === 'gpu' && !c.skipped
    && c.metrics.pathStepsPerCpuSecond && c.work);
  const bySubject = new Map<string, CaseResult[]>();
  for (const c of kernel) bySubject.set(c.subject, [...(bySubject.get(c.subject) ?? []), c]);
  const usedPaths = new Set<number>();
  const rows = [...bySubject.entries()].map(([subject, list]) => {
    const largest = [...list].sort((a, b) => (b.paths ?? 0) - (a.paths ?? 0)).slice(0, 2);
    largest.forEach((c) => usedPaths.add(c.paths ?? 0));
    const w = list[0].work!;
    return { subject, x: [w.grads + w.hvps, w.normals / 4, 1], y: median(largest.map((c) => 1 / c.metrics.pathStepsPerCpuSecond!.median)) };
  });
  if (new Set(rows.map((r) => `${r.x[0]}/${r.x[1]}`)).size < 3) return null;
  const fit = nonNegativeFit(rows);
  if (!fit) return null;
  const [perProduct, perBlock, fixed] = fit;
  const predict = (x: number[]) => x[0] * perProduct + x[1] * perBlock + x[2] * fixed;
  const worstRelResidual = Math.max(...rows.map((r) => Math.abs(predict(r.x) - r.y) / r.y));
  const usamRow = rows.find((r) => r.subject === 'USAM-SDE');
  return {
    basis: 'cpu-seconds per path-step',
    paths: [...usedPaths].sort((a, b) => a - b),
    models: rows.map((r) => r.subject),
    perProduct,
    perBlock,
    fixed,
    worstRelResidual,
    ...(usamRow ? {
      usam: {
        seconds: usamRow.y,
        products: (usamRow.x[0] * perProduct) / usamRow.y,
        rng: (usamRow.x[1] * perBlock) / usamRow.y,
        fixed: fixed / usamRow.y,
      },
    } : {}),
  };
}

export function timeSplit(c: CaseResult): TimeSplit | null {
  const wall = c.metrics.wallSeconds?.median;
  const cpu = c.metrics.cpuSeconds?.median;
  if (c.runner !== 'gpu' || c.skipped || !wall || !c.gpuSecondsByPass || cpu === undefined) return null;
  const byPass = Object.fromEntries(Object.entries(c.gpuSecondsByPass).map(([label, s]) => [label, s / wall]));
  const inside = Object.values(byPass).reduce((s, x) => s + x, 0);
  return { id: c.id, wallSeconds: wall, byPass, outsidePasses: Math.max(0, 1 - inside), cpuShare: cpu / wall };
}

/** Nominal FP32 (non-tensor) peaks from NVIDIA's spec sheets, TFLOP/s at boost clock. */
const FP32_PEAKS: [RegExp, string, number][] = [
  [/H200/i, 'H200 SXM', 66.9],
  [/H100.*PCIe/i, 'H100 PCIe', 51.2],
  [/H100.*NVL/i, 'H100 NVL', 59.8],
  [/H100/i, 'H100 SXM', 66.9],
  [/A100/i, 'A100', 19.5],
];

export function fp32Peak(adapterText: string): { card: string; tflops: number } | null {
  const hit = FP32_PEAKS.find(([pattern]) => pattern.test(adapterText));
  return hit ? { card: hit[1], tflops: hit[2] } : null;
}

/** The throughput targets (issues 7 and 10), each with what was measured (null: not measurable in this run). */
export function targetChecks(cases: CaseResult[], ratios: Ratio[], adapterText: string, isSoftware: boolean): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const softwareNote = isSoftware ? '' : 'measured on a hardware adapter: the target is stated for SwiftShader';
  const numpyCpu = ratios.find((x) => x.subject === 'USAM-SDE' && x.paths === 65536 && x.peer === 'numpy' && x.basis === 'cpu');
  const numpyWall = ratios.find((x) => x.subject === 'USAM-SDE' && x.paths === 65536 && x.peer === 'numpy' && x.basis === 'wall');
  checks.push({
    target: 'USAM-SDE, d=20 Wishart, 65 536 paths: ≥ 0.5× the numpy float32 peer per CPU-second (software adapter)',
    measured: numpyCpu ? `${numpyCpu.ratio.toPrecision(2)}× per CPU-second${numpyWall ? `, ${numpyWall.ratio.toPrecision(2)}× wall` : ''}` : 'not measured',
    met: numpyCpu && isSoftware ? numpyCpu.ratio >= 0.5 : null,
    note: softwareNote,
  });
  const rateOf = (match: (c: CaseResult) => boolean) => cases
    .filter((c) => c.runner === 'gpu' && !c.skipped && c.subject === 'USAM-SDE' && match(c) && c.metrics.pathStepsPerSecond)
    .sort((x, y) => y.metrics.pathStepsPerSecond!.median - x.metrics.pathStepsPerSecond!.median)[0];
  for (const [label, match, floor] of [
    ['USAM-SDE, 3-d diagonal quadratic: ≥ 5×10⁶ path-steps/s (software adapter)', (c: CaseResult) => c.id.includes('/diag3/'), 5e6],
    ['USAM-SDE, Breast Cancer MLP, ≥ 256 paths: ≥ 700 path-steps/s (software adapter)', (c: CaseResult) => c.id.includes('/mlp-breast-cancer/') && (c.paths ?? 0) >= 256, 700],
  ] as const) {
    const best = rateOf(match);
    checks.push({
      target: label,
      measured: best ? `${best.metrics.pathStepsPerSecond!.median.toExponential(2)} path-steps/s (wall) at ${best.paths} paths` : 'not measured',
      met: best && isSoftware ? best.metrics.pathStepsPerSecond!.median >= floor : null,
      note: softwareNote,
    });
  }
  const compiles = cases.filter((c) => c.group === 'compile' && !c.skipped && c.metrics.wallSeconds);
  const slowest = [...compiles].sort((x, y) => y.metrics.wallSeconds!.max - x.metrics.wallSeconds!.max)[0];
  checks.push({
    target: 'Pipeline compile ≤ 3 s each on SwiftShader, every problem of the bench',
    measured: slowest
      ? `slowest ${slowest.metrics.wallSeconds!.max.toPrecision(2)} s (${slowest.params.slowest}, ${slowest.problem}); `
        + compiles.map((c) => `${c.problem}: median ${c.metrics.wallSeconds!.median.toPrecision(2)} s`).join('; ')
      : 'not measured',
    met: slowest && isSoftware ? slowest.metrics.wallSeconds!.max <= 3 : null,
    note: 'wall seconds on a loaded 2-core machine; CPU seconds in table (f)',
  });
  const linear = cases.filter((c) => c.group === 'linear3d' && c.runner === 'gpu' && c.metrics.kernelPathStepsPerSecond);
  const bestLinear = linear.sort((a, b) => b.metrics.kernelPathStepsPerSecond!.median - a.metrics.kernelPathStepsPerSecond!.median)[0];
  checks.push({
    target: '3-d linear case (SGD-SDE, 256 steps): ≥ 3×10⁹ path-steps/s (H100)',
    measured: bestLinear
      ? `${bestLinear.metrics.kernelPathStepsPerSecond!.median.toExponential(2)} path-steps/s GPU time at ${bestLinear.paths} paths`
      : 'not measured',
    met: bestLinear && !isSoftware ? bestLinear.metrics.kernelPathStepsPerSecond!.median >= 3e9 : null,
    note: isSoftware ? 'a GPU target: not judged on a software adapter' : '',
  });
  const usam = cases.filter((c) => c.runner === 'gpu' && c.subject === 'USAM-SDE' && c.metrics.gflopsPerSecond
    && (c.group === 'kernel' || c.id.includes('/wishart20/')));
  const bestUsam = usam.sort((a, b) => b.metrics.gflopsPerSecond!.median - a.metrics.gflopsPerSecond!.median)[0];
  const peak = fp32Peak(adapterText);
  const gflops = bestUsam?.metrics.gflopsPerSecond!.median;
  checks.push({
    target: 'USAM-SDE kernel, d=20: ≥ 25 % of the card\'s FP32 peak (H100), by the FLOP count above',
    measured: gflops === undefined ? 'not measured'
      : `${gflops.toPrecision(3)} GFLOP/s at ${bestUsam!.paths} paths${peak ? ` = ${((100 * gflops) / (peak.tflops * 1000)).toPrecision(2)} % of ${peak.card} ${peak.tflops} TFLOP/s` : ''}`,
    met: gflops !== undefined && peak && !isSoftware ? gflops >= 0.25 * peak.tflops * 1000 : null,
    note: peak ? 'peak: nominal spec-sheet FP32 (non-tensor) at boost clock' : 'no known FP32 peak for this adapter',
  });
  return checks;
}
