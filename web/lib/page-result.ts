// What the page shows and exports: the result document of src/simulate/result.ts, plus the
// convergence-order summary of an order experiment, the escape data of a saddle experiment or
// the batch sizes and matched σ of the mini-batch experiment (src/experiments), whichever the
// run produced.
import type { OrderPair, OrderSummary } from '../../src/experiments/order.js';
import type { SaddleResult } from '../../src/experiments/saddle.js';
import type { MinibatchSummary } from '../../src/experiments/minibatch.js';
import type { SimulationResult } from '../../src/simulate/result.js';

export type { OrderPair, OrderSummary };

export type PageResult = SimulationResult & {
  order?: OrderSummary;
  escape?: SaddleResult['escape'];
  /** The mini-batch noise experiment (docs/model.md §6.6): its runs carry batchSize and sigma. */
  minibatch?: MinibatchSummary;
  /** The registered experiment that made it (as the CLI tags its result.json); absent for a pasted config. */
  experiment?: { id: string; quick: boolean };
};
