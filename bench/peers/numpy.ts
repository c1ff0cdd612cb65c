// The numpy peer's host side: finds a Python with numpy (Debian's python3-numpy first, as the
// issue asks; installed with apt-get when missing and this process is root), then runs
// numpy_peer.py on one job per call, so that its repetitions interleave with the GPU's.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { numpyPeerScript } from '../assets.js';
import type { ProblemUniforms } from '../../src/problems/index.js';
import type { Model } from '../../src/dynamics/names.js';

export interface NumpyPeer {
  python: string;
  numpy: string;
  /** BLAS libraries numpy loaded (from /proc/self/maps after a matmul). */
  blas: string[];
  /** How the interpreter was found (or installed). */
  origin: string;
}

export type NumpyAvailability = { available: true; peer: NumpyPeer } | { available: false; reason: string };

export interface NumpyJob {
  model: Model;
  problem: ProblemUniforms & { kind: 'quadratic' | 'saddle' | 'network' };
  /** Standard deviation of the peer's x0 ~ N(0, std²·I) (networks: docs/model.md §5's 1/sqrt(h)). */
  x0Std?: number;
  paths: number;
  steps: number;
  eta: number;
  rho: number;
  sigma: number;
  substeps: number;
  samInner: number;
  guardEps: number;
  divergeAbove: number;
  seed: number;
}

export interface NumpyRep {
  wallSeconds: number;
  cpuSeconds: number;
  pathSteps: number;
}

const DEBIAN_PYTHON = '/usr/bin/python3';
const PROBE = 'import numpy, sys; print(numpy.__version__)';

function numpyVersion(python: string): string | null {
  const probe = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

function aptInstallNumpy(log: (line: string) => void): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  log('numpy peer: installing Debian python3-numpy (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'python3-numpy'], { stdio: 'ignore', env, timeout: 600_000 }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', env, timeout: 300_000 });
  return install();
}

/**
 * BENCH_PYTHON if set; else Debian's /usr/bin/python3 with python3-numpy (installed when
 * missing, if allowed and root); else the first `python3` on PATH that has numpy.
 */
export function findNumpy(options: { install: boolean; log: (line: string) => void }): NumpyAvailability {
  const candidates: [string, string][] = [];
  if (process.env.BENCH_PYTHON) candidates.push([process.env.BENCH_PYTHON, 'BENCH_PYTHON']);
  candidates.push([DEBIAN_PYTHON, 'Debian python3-numpy']);
  let installed = false;
  if (!process.env.BENCH_PYTHON && existsSync(DEBIAN_PYTHON) && numpyVersion(DEBIAN_PYTHON) === null && options.install) {
    installed = aptInstallNumpy(options.log);
  }
  candidates.push(['python3', 'python3 on PATH']);
  for (const [python, origin] of candidates) {
    const version = numpyVersion(python);
    if (version === null) continue;
    const peer: NumpyPeer = {
      python,
      numpy: version,
      blas: [],
      origin: installed && python === DEBIAN_PYTHON ? `${origin} (installed by the bench)` : origin,
    };
    return { available: true, peer };
  }
  const hint = options.install
    ? 'no python3 with numpy, and apt-get install python3-numpy was not possible (needs root and apt)'
    : 'no python3 with numpy (installation disabled: --no-install, or the device bundle)';
  return { available: false, reason: `${hint}; as root: apt-get install -y python3-numpy` };
}

/** Runs `repetitions` timed loops of the job in one Python process. */
export function runNumpy(peer: NumpyPeer, job: NumpyJob, repetitions = 1): Promise<NumpyRep[]> {
  const { problem } = job;
  const payload = {
    kind: problem.kind,
    dim: problem.dim,
    hessian: problem.hessian ? Array.from(problem.hessian) : undefined,
    minimizer: problem.minimizer ? Array.from(problem.minimizer) : undefined,
    eigenvalues: problem.eigenvalues ? Array.from(problem.eigenvalues) : undefined,
    quartic: problem.quartic,
    network: problem.network ? {
      ...problem.network, x: Array.from(problem.network.x), targets: Array.from(problem.network.targets),
    } : undefined,
    x0Std: job.x0Std ?? 1,
    model: job.model,
    paths: job.paths,
    steps: job.steps,
    eta: job.eta,
    rho: job.rho,
    sigma: job.sigma,
    substeps: job.substeps,
    samInner: job.samInner,
    guardEps: job.guardEps,
    divergeAbove: job.divergeAbove,
    seed: job.seed,
    repetitions,
    dtype: 'float32',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(peer.python, ['-c', numpyPeerScript()], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`numpy peer exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      try {
        const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
          blas: string[]; repetitions: { wallSeconds: number; cpuSeconds: number }[];
        };
        peer.blas = out.blas;
        resolve(out.repetitions.map((r) => ({ ...r, pathSteps: job.paths * job.steps })));
      } catch (e) {
        reject(new Error(`numpy peer printed no result: ${(e as Error).message}; stderr: ${stderr.trim()}`));
      }
    });
    child.stdin.end(JSON.stringify(payload));
  });
}
