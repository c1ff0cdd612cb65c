// docs/model.md §5, `mlp`: one hidden layer without biases on Iris (softmax cross-entropy
// over 3 logits) or Breast Cancer (one output, log(1 + exp(−y z)), y = +1 benign, −1
// malignant), plus (wd/2)‖x‖². Features standardised (src/problems/data.ts).
import type { MlpProblem } from '../config/schema';
import { loadDataset, type Dataset } from './data';
import { datasetOutputs } from './shapes';
import { toF32Values, type NetworkSpec } from './network';

/** Targets of a classification data set: one-hot rows for ≥ 3 classes, ±1 for 2 (label 1 → +1). */
export function datasetTargets(dataset: Dataset): Float64Array {
  const outputs = datasetOutputs(dataset.name);
  const targets = new Float64Array(dataset.rows * outputs);
  for (let n = 0; n < dataset.rows; n++) {
    if (outputs === 1) targets[n] = dataset.labels[n] === 1 ? 1 : -1;
    else targets[n * outputs + dataset.labels[n]] = 1;
  }
  return targets;
}

export function mlpNetwork(problem: MlpProblem): NetworkSpec {
  const dataset = loadDataset(problem.dataset);
  const outputs = datasetOutputs(dataset.name);
  return {
    kind: 'mlp',
    inputs: dataset.features,
    hidden: problem.hidden,
    outputs,
    samples: dataset.rows,
    activation: problem.activation,
    loss: outputs === 1 ? 'logistic' : 'softmax',
    lossScale: 1,
    weightDecay: problem.weightDecay,
    x: toF32Values(dataset.x),
    targets: datasetTargets(dataset),
  };
}
