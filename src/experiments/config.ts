// From a registered experiment to a resolved run config: the quick overrides, the order
// ladder's per-η settings, and the check that this build knows the experiment's problem kind.
import { ConfigError, resolveConfig, type ConfigOverrides, type ResolvedConfig } from '../config/schema.js';
import type { Experiment, OrderSpec } from './types.js';

/** The raw config at full size, or with the quick overrides written over its top-level keys. */
export function experimentRawConfig(experiment: Experiment, quick = false): Record<string, unknown> {
  const base = structuredClone(experiment.config);
  return quick ? { ...base, ...structuredClone(experiment.quick) } : base;
}

/** ρ of the order rule at η (docs/model.md §4): c, c·η or c·sqrt(η). */
export function orderRho(order: OrderSpec, eta: number): number {
  if (order.rhoScaling === 'linear') return order.rhoScale * eta;
  if (order.rhoScaling === 'sqrt') return order.rhoScale * Math.sqrt(eta);
  return order.rhoScale;
}

/** Steps to reach the horizon T at step η: ceil(T/η), so the last record is at t ≥ T. */
export function orderSteps(order: OrderSpec, eta: number): number {
  return Math.max(1, Math.ceil(order.horizon / eta - 1e-9));
}

/**
 * An order config names no η, ρ or steps of its own (the ladder sets them); these fill them
 * with the ladder's first rung so that the config validates as a run config.
 */
export function withOrderDefaults(raw: Record<string, unknown>, order: OrderSpec): Record<string, unknown> {
  const eta = order.etas[0];
  return { eta, steps: orderSteps(order, eta), rho: orderRho(order, eta), ...raw };
}

/**
 * The problem kind the schema rejected, when that is why the config does not resolve: an
 * experiment registered ahead of its problem (`requires`).
 */
export function missingProblemKind(error: unknown, experiment: Experiment): string | undefined {
  if (!(error instanceof ConfigError)) return undefined;
  const kind = (experiment.config.problem as { kind?: string } | undefined)?.kind;
  return error.field.startsWith('problem') && kind !== undefined && error.message.includes('a kind, one of')
    ? kind
    : undefined;
}

export class MissingProblemError extends Error {
  constructor(readonly experiment: string, readonly kind: string) {
    super(`experiment ${experiment} needs the problem kind "${kind}", which this build does not have yet`);
    this.name = 'MissingProblemError';
  }
}

/**
 * Resolves an experiment's config (with --quick and command-line overrides).
 * @throws MissingProblemError when the schema does not know the problem kind; ConfigError otherwise.
 */
export function resolveExperiment(experiment: Experiment, quick = false, overrides: ConfigOverrides = {}): ResolvedConfig {
  let raw = experimentRawConfig(experiment, quick);
  if (experiment.order) raw = withOrderDefaults(raw, experiment.order);
  try {
    return resolveConfig(raw, overrides);
  } catch (e) {
    const kind = missingProblemKind(e, experiment);
    if (kind) throw new MissingProblemError(experiment.id, kind);
    throw e;
  }
}

/** Undefined when the experiment resolves in this build, else the reason in words. */
export function unavailableReason(experiment: Experiment): string | undefined {
  try {
    resolveExperiment(experiment);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
