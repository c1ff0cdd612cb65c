// (g) The random numbers alone (issue 10: "measure the random-number cost separately"): the
// kernels' Threefry4x32-20 + Box–Muller normals (shaders/threefry.wgsl) in a kernel that only draws
// and sums them, against numpy's float32 standard normals (Generator.standard_normal, PCG64 +
// ziggurat) in the same run. A d = 20 step draws 20 normals (SAM-SDE: 20·(1 + K)), so these
// rates bound the SDE kernels' path-steps per second.
import { spawnSync } from 'node:child_process';
import type { BenchEnv } from '../measure.js';
import type { CaseResult } from '../results.js';
import { load1, spread, timed } from '../stats.js';

const THREADS = 65536;
const BLOCKS_PER_THREAD = 64;
const NORMALS = THREADS * BLOCKS_PER_THREAD * 4;

function kernel(generator: string): string {
  return `${generator}
@group(0) @binding(0) var<storage, read_write> out: array<vec4f>;
@compute @workgroup_size(64)
fn draw(@builtin(global_invocation_id) gid: vec3u) {
  var acc = vec4f(0.0);
  for (var k = 0u; k < ${BLOCKS_PER_THREAD}u; k++) { acc += normal4(7u, 0u, gid.x, k, 0u, 0u); }
  out[gid.x] = acc;
}`;
}

const NUMPY_SCRIPT = `
import json, sys, time, numpy as np
n, reps = int(sys.argv[1]), int(sys.argv[2])
g = np.random.default_rng(7)
g.standard_normal(n, dtype=np.float32)
out = []
for _ in range(reps):
    w, c = time.perf_counter(), time.process_time()
    g.standard_normal(n, dtype=np.float32)
    out.append([time.perf_counter() - w, time.process_time() - c])
print(json.dumps(out))
`;

export async function rngCases(env: BenchEnv, emit: (result: CaseResult) => void): Promise<void> {
  const { device } = env.ctx;
  const reps = Math.max(3, env.profile.repetitions);
  const module = device.createShaderModule({ label: 'bench.rng', code: kernel(env.sources['threefry.wgsl']) });
  const pipeline = await device.createComputePipelineAsync({ label: 'bench.rng', layout: 'auto', compute: { module, entryPoint: 'draw' } });
  const buffer = device.createBuffer({ label: 'bench.rng.out', size: THREADS * 16, usage: GPUBufferUsage.STORAGE });
  try {
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer } }] });
    const once = async () => {
      const encoder = device.createCommandEncoder({ label: 'bench.rng' });
      const pass = encoder.beginComputePass({ label: 'bench.rng' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(THREADS / 64);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await once();
    const loadBefore = load1();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < reps; r++) {
      const clock = await timed(once);
      wall.push(clock.wallSeconds);
      cpu.push(clock.cpuSeconds);
    }
    emit({
      id: 'rng/normals/gpu', group: 'rng', runner: 'gpu', subject: 'Threefry4x32-20 + Box–Muller normals',
      params: { threads: THREADS, normals: NORMALS }, repetitions: reps,
      metrics: { wallSeconds: spread(wall), cpuSeconds: spread(cpu), normalsPerSecond: spread(wall.map((s) => NORMALS / s)), normalsPerCpuSecond: spread(cpu.map((s) => NORMALS / s)) },
      load: [loadBefore, load1()],
    });
    env.log(`  GPU normals: ${(NORMALS / spread(wall).median).toExponential(2)}/s wall, ${(NORMALS / spread(cpu).median).toExponential(2)} per CPU-s`);
  } finally {
    buffer.destroy();
  }
  const base = { id: 'rng/normals/numpy', group: 'rng' as const, runner: 'numpy' as const, subject: 'numpy float32 standard_normal', params: { normals: NORMALS } };
  if (!env.numpy.available) {
    emit({ ...base, repetitions: 0, skipped: env.numpy.reason, metrics: {}, load: [load1(), load1()] });
    return;
  }
  const loadBefore = load1();
  const run = spawnSync(env.numpy.peer.python, ['-c', NUMPY_SCRIPT, String(NORMALS), String(reps)], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) {
    emit({ ...base, repetitions: 0, skipped: `numpy failed: ${run.stderr.trim().split('\n').at(-1)}`, metrics: {}, load: [loadBefore, load1()] });
    return;
  }
  const times = JSON.parse(run.stdout) as [number, number][];
  emit({
    ...base, repetitions: times.length,
    metrics: {
      wallSeconds: spread(times.map((t) => t[0])), cpuSeconds: spread(times.map((t) => t[1])),
      normalsPerSecond: spread(times.map((t) => NORMALS / t[0])), normalsPerCpuSecond: spread(times.map((t) => NORMALS / t[1])),
    },
    load: [loadBefore, load1()],
  });
}
