// What the page shows and exports: the result document of src/simulate/result.ts, plus the
// convergence-order summary of an order experiment and the escape data of a saddle experiment
// (src/experiments), whichever the run produced.
import type { OrderPair, OrderSummary } from '../../src/experiments/order.js';
import type { SaddleResult } from '../../src/experiments/saddle.js';
import type { SimulationResult } from '../../src/simulate/result.js';

export type { OrderPair, OrderSummary };

export type PageResult = SimulationResult & {
  order?: OrderSummary;
  escape?: SaddleResult['escape'];
  /** The registered experiment that made it (as the CLI tags its result.json); absent for a pasted config. */
  experiment?: { id: string; quick: boolean };
};
