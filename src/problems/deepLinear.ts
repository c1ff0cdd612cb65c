// docs/model.md §5, `deep-linear`: f = (1/2N)‖X W1 W2 − Y‖²_F + (λ/2)‖x‖², no biases, on a
// data set (Iris: one-hot Y; Breast Cancer: y = ±1). The origin is a saddle.
import type { DeepLinearProblem } from '../config/schema';
import { loadDataset } from './data';
import { datasetOutputs } from './shapes';
import { datasetTargets } from './mlp';
import { toF32Values, type NetworkSpec } from './network';

export function deepLinearNetwork(problem: DeepLinearProblem): NetworkSpec {
  const dataset = loadDataset(problem.dataset);
  return {
    kind: 'deep-linear',
    inputs: dataset.features,
    hidden: problem.hidden,
    outputs: datasetOutputs(dataset.name),
    samples: dataset.rows,
    activation: 'linear',
    // (1/2N) Σ_n ‖z_n − y_n‖² = mean of (1/2)‖z_n − y_n‖².
    loss: 'squared',
    lossScale: 1,
    weightDecay: problem.lambda,
    x: toF32Values(dataset.x),
    targets: toF32Values(datasetTargets(dataset)),
  };
}
