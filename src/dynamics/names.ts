// The algorithms and SDE models of docs/model.md §2 and §3, by their public ids.
export const ALGORITHMS = ['SGD', 'USAM', 'DNSAM', 'SAM'] as const;
export const MODELS = [
  'SGD-SDE', 'USAM-SDE', 'DNSAM-SDE', 'SAM-SDE', 'USAM-DRIFT', 'DNSAM-DRIFT', 'SAM-DRIFT',
] as const;

export type Algorithm = (typeof ALGORITHMS)[number];
export type Model = (typeof MODELS)[number];
export type Dynamics = Algorithm | Model;

export function isModel(name: Dynamics): name is Model {
  return (MODELS as readonly string[]).includes(name);
}

/** The algorithm a model describes (SGD-SDE describes SGD). */
export function modelFamily(name: Model): Algorithm {
  return name.split('-')[0] as Algorithm;
}

/** Whether a model keeps only the drift of its family (diffusion is the SGD one, σξ). */
export function isDriftOnly(name: Model): boolean {
  return name.endsWith('-DRIFT');
}

export const OBSERVABLES = ['loss', 'norm', 'gradNorm', 'g'] as const;
export type Observable = (typeof OBSERVABLES)[number];
