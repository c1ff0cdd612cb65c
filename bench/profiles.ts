// Sizes of the suite per profile. `quick` is the CI smoke run (about a minute on the 2-core
// SwiftShader machine); `software` is the full suite on a CPU adapter (SwiftShader); `hardware`
// the full suite on a real GPU (one short device call). The GPU cases size their step counts
// to a time per repetition, and skip a size whose predicted repetition exceeds the cap, so
// the same ladder works on a slow or a loaded machine.
import type { Model } from '../src/dynamics/names.js';

export type ProfileName = 'quick' | 'software' | 'hardware';

export interface Profile {
  name: ProfileName;
  repetitions: number;
  /** Wall seconds one repetition of a self-sized GPU case aims at. */
  targetRepSeconds: number;
  /** A size whose predicted repetition exceeds this many seconds is skipped (and reported). */
  capRepSeconds: number;
  minSteps: number;
  maxSteps: number;
  /** (a) SDE models on the d = 20 Wishart quadratic, at these path counts. */
  kernelModels: Model[];
  kernelPaths: number[];
  /** Where the peers (twin, numpy) run beside the GPU: the 65 536 paths. */
  peerPaths: number;
  /** Seconds one twin repetition aims at (it runs fewer paths, see bench/peers/twin.ts). */
  twinSeconds: number;
  /** (a) steps per dispatch: simulate()'s targetSliceSeconds values, USAM-SDE at dispatchPaths. */
  sliceTargets: number[];
  dispatchPaths: number;
  /** (b) SGD-SDE on a 3-d diagonal quadratic: 2^k paths, fixed steps. */
  linearPaths: number[];
  linearSteps: number;
  /** (c) USAM-SDE per problem (Wishart at each dimension, the 3-d diagonal, the saddle). */
  problemPaths: number;
  wishartDims: number[];
  /**
   * [threads a path, paths a workgroup] swept for the Wishart dimensions above the register
   * budget (d > 128, the workgroup-per-path form); empty: the adapter's default only
   * (src/simulate/kernelsWorkgroup.ts).
   */
  largeProblemShapes: [number, number][];
  includeDiagonal: boolean;
  includeSaddle: boolean;
  /** docs/model.md §5's networks run at this many paths (0: not run); skipped while the GPU lacks them. */
  networkPaths: number;
  /** Path slots a workgroup swept for the networks; empty: the adapter's default only. */
  networkPathSlots: number[];
  /** (d) floats per reduced array. */
  reduceLengths: number[];
  /** (e) validation-quadratic at a reduced size. */
  endToEnd: {
    paths: number;
    steps: number;
    /** Cap of one repetition (many dynamics and reductions: larger than capRepSeconds). */
    capRepSeconds: number;
    rho: number[];
    algorithms?: ('SGD' | 'USAM' | 'DNSAM' | 'SAM')[];
    models?: Model[];
  };
}

const VALIDATION_RHO = [0.001, 0.01, 0.1, 0.5];
/** Every SDE model, the target (USAM-SDE) first: a time budget cuts the tail. */
const ALL_MODELS: Model[] = ['USAM-SDE', 'SGD-SDE', 'DNSAM-SDE', 'SAM-SDE', 'USAM-DRIFT', 'DNSAM-DRIFT', 'SAM-DRIFT'];

export const PROFILES: Record<ProfileName, Profile> = {
  quick: {
    name: 'quick',
    repetitions: 3,
    targetRepSeconds: 0.3,
    capRepSeconds: 10,
    minSteps: 2,
    maxSteps: 64,
    kernelModels: ['USAM-SDE', 'SGD-SDE'],
    kernelPaths: [1024],
    peerPaths: 1024,
    twinSeconds: 0.2,
    sliceTargets: [],
    dispatchPaths: 1024,
    linearPaths: [256],
    linearSteps: 256,
    problemPaths: 1024,
    wishartDims: [20],
    largeProblemShapes: [],
    includeDiagonal: false,
    includeSaddle: false,
    networkPaths: 0,
    networkPathSlots: [],
    reduceLengths: [2 ** 18],
    endToEnd: { paths: 64, steps: 10, capRepSeconds: 20, rho: [0.1], algorithms: ['USAM'], models: ['SGD-SDE', 'USAM-SDE'] },
  },
  software: {
    name: 'software',
    repetitions: 3,
    targetRepSeconds: 3,
    capRepSeconds: 20,
    minSteps: 4,
    maxSteps: 1024,
    kernelModels: ALL_MODELS,
    kernelPaths: [1024, 4096, 16384, 65536, 262144],
    peerPaths: 65536,
    twinSeconds: 2,
    sliceTargets: [0.02, 0.25, 2],
    dispatchPaths: 4096,
    linearPaths: [2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16],
    linearSteps: 256,
    problemPaths: 16384,
    wishartDims: [4, 20, 64, 256],
    largeProblemShapes: [],
    includeDiagonal: true,
    includeSaddle: true,
    networkPaths: 256,
    networkPathSlots: [],
    reduceLengths: [2 ** 20, 2 ** 22],
    // 0.5 % of the experiment's 20 000 steps (a record at every step), 128 paths, the full ρ
    // grid and every dynamics.
    endToEnd: { paths: 128, steps: 100, capRepSeconds: 150, rho: VALIDATION_RHO },
  },
  hardware: {
    name: 'hardware',
    repetitions: 3,
    targetRepSeconds: 0.4,
    capRepSeconds: 6,
    minSteps: 8,
    maxSteps: 4096,
    kernelModels: ALL_MODELS,
    kernelPaths: [2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16, 2 ** 18, 2 ** 20],
    peerPaths: 65536,
    twinSeconds: 1,
    sliceTargets: [0.005, 0.05, 0.25],
    dispatchPaths: 2 ** 20,
    linearPaths: [2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16, 2 ** 18, 2 ** 20, 2 ** 22],
    linearSteps: 256,
    problemPaths: 2 ** 20,
    wishartDims: [4, 20, 64, 128, 512],
    // The default (64 threads, 4 paths sharing H's tiles) is a guess until this sweep has run on a GPU.
    largeProblemShapes: [[4, 1], [64, 1], [64, 4], [16, 16]],
    includeDiagonal: true,
    includeSaddle: true,
    networkPaths: 4096,
    // The default of 4 is a guess until this sweep has run on a GPU.
    networkPathSlots: [1, 2, 4, 8],
    reduceLengths: [2 ** 22, 2 ** 24, 2 ** 26],
    // 2.5 % of the experiment's steps, 65 536 paths, the full ρ grid and every dynamics.
    endToEnd: { paths: 65536, steps: 500, capRepSeconds: 30, rho: VALIDATION_RHO },
  },
};
