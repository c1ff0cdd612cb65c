// Sizes of the network problems (docs/model.md §5) from their configs alone, without their
// data: the config schema checks x0 against d before any data set is read.
import { DATASETS, type DatasetName } from './data';

export interface NetworkShape { inputs: number; hidden: number; outputs: number; samples: number }

/**
 * Outputs per data set: Iris has 3 (softmax over the classes, or one-hot targets for
 * deep-linear); Breast Cancer has 1 (logistic loss on y = ±1, or the ±1 target itself).
 */
export function datasetOutputs(name: DatasetName): number {
  const classes = DATASETS[name].classes.length;
  return classes > 2 ? classes : 1;
}

export function datasetShape(name: DatasetName, hidden: number): NetworkShape {
  const info = DATASETS[name];
  return { inputs: info.features, hidden, outputs: datasetOutputs(name), samples: info.rows };
}

export function shapeDimension(shape: NetworkShape): number {
  return shape.inputs * shape.hidden + shape.hidden * shape.outputs;
}
