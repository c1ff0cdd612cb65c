// The shape of a registered experiment (docs/model.md §6) and of its convergence-order and saddle
// parts. No Node imports: the page reads the registry too.

/** How ρ follows η in a convergence-order run (docs/model.md §4): ρ = c, c·η or c·sqrt(η). */
export type RhoScaling = 'fixed' | 'linear' | 'sqrt';

export interface OrderSpec {
  /** The η ladder, e.g. η_0 / 2^j. */
  etas: number[];
  /** Horizon T: each η runs ceil(T/η) steps. */
  horizon: number;
  rhoScaling: RhoScaling;
  /** c of the rule. */
  rhoScale: number;
}

export interface SaddleSpec {
  /**
   * A path has escaped once ‖x‖ exceeds this radius (first exit, checked every step). Larger
   * than the trap radius, well short of the minima, so that "escaped" means "left the saddle".
   */
  escapeRadius: number;
}

/**
 * The mini-batch noise experiment (docs/model.md §6.6): one mode-B simulation (algorithms with
 * real mini-batches, SDEs with the per-sample covariance) and one Gaussian-injection simulation of
 * the SDEs per batch size, with σ matched to the mini-batch noise at x0.
 */
export interface MinibatchSpec {
  /** The batch sizes B, each simulated on its own (the config's noise.batchSize is replaced). */
  batchSizes: number[];
  /**
   * σ_B is matched on the x0 of paths 0 … matchPaths − 1 (the same x0 the run starts from),
   * whatever the run's path count, so a quick run and a full one inject the same σ_B.
   */
  matchPaths: number;
}

/** Claims of the mini-batch noise experiment (src/experiments/claims.ts, minibatchChecks). */
export interface MinibatchClaims {
  /**
   * Two errors within this many standard errors of their difference are a tie: the mode-B SDE
   * "tracks better" only where the injection SDE's error exceeds its own by more than that.
   */
  resolvedSe: number;
}

export type ExperimentKind = 'validation' | 'saddle' | 'order' | 'minibatch';

/**
 * Claims on the sharpness readouts (docs/model.md §8) of an experiment whose config has
 * `sharpness`, checked besides its kind's own (src/experiments/claims.ts, sharpnessChecks).
 */
export interface SharpnessClaims {
  /** Each SDE reproduces its algorithm's trace and top-eigenvalue trajectories: relMaxError at most this. */
  tracking: number;
  /**
   * Where ρ > η: at matched loss (the higher of the two final mean losses), USAM, DNSAM, SAM and
   * their SDEs have a top eigenvalue below SGD's (resp. SGD-SDE's) by at least this fraction.
   */
  flatterBy: number;
}

export interface Experiment {
  id: string;
  title: string;
  /** One line for `sam-sde list` and the page's picker. */
  description: string;
  /** The paper's claim this experiment checks (docs/model.md §6 and §7), one sentence. */
  claim: string;
  kind: ExperimentKind;
  /** A raw run config, as JSON for resolveConfig, at the registry's default (full) size. */
  config: Record<string, unknown>;
  /** Top-level config keys written over `config` by --quick (a reduced size, same shape). */
  quick: Record<string, unknown>;
  order?: OrderSpec;
  saddle?: SaddleSpec;
  minibatch?: MinibatchSpec;
  minibatchClaims?: MinibatchClaims;
  sharpnessClaims?: SharpnessClaims;
  /** Problem kinds this experiment needs beyond quadratic/saddle (it runs once the schema has them). */
  requires?: string[];
  /**
   * Set when even the quick size is out of reach of a software adapter (SwiftShader): why.
   * `report` skips such an experiment there and says so.
   */
  needsGpu?: string;
  /**
   * Set (with needsGpu) when only the full size is out of reach of a software adapter: `report`
   * skips it there without --quick and runs its quick size with --quick.
   */
  quickRunsOnSoftware?: boolean;
  /** Where the configuration is our reading of the paper rather than the paper's own numbers. */
  note?: string;
  /**
   * What the paper reports for this experiment (issue 13: the report sets it beside what was
   * measured); absent for the experiments that go beyond the paper.
   */
  paper?: PaperReport;
}

/** The paper's own account of an experiment, from its text (docs/model.md §6). */
export interface PaperReport {
  /** Its setting: problem, η, ρ, iterations, runs averaged. */
  setting: string;
  /** Its qualitative finding. */
  finding: string;
  /** Where our configuration guesses at a setting the paper does not give. */
  guess?: string;
}
