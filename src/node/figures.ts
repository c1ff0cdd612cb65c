// The figures of an experiment's result document (issue 5): SVG drawn with Observable Plot and
// the CSV of every plotted series, written next to result.json; PNG copies where a browser is
// at hand (src/node/png.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentDocument } from '../experiments/run.js';
import type { SaddleResult } from '../experiments/saddle.js';
import type { ExperimentKind } from '../experiments/types.js';
import type { Figure } from './figures/common.js';
import { minibatchFigures } from './figures/minibatch.js';
import { orderFigure } from './figures/order.js';
import { saddleFigures } from './figures/saddle.js';
import { sharpnessFigures } from './figures/sharpness.js';
import { trajectoriesFigure, validationFigures } from './figures/validation.js';

export type { Figure } from './figures/common.js';

/** The figures for a document: by the experiment's kind, or guessed from the document. */
export function documentFigures(document: ExperimentDocument, kind?: ExperimentKind): Figure[] {
  const as = kind ?? (document.order ? 'order' : document.escape ? 'saddle' : document.minibatch ? 'minibatch' : 'validation');
  if (as === 'order') return document.order ? [orderFigure(document.order)] : [];
  if (as === 'minibatch') return document.minibatch ? minibatchFigures(document) : [];
  // docs/model.md §8: any run with sharpness readouts also gets their figures.
  if (as === 'saddle' && document.escape) return [...saddleFigures(document as SaddleResult), ...sharpnessFigures(document)];
  if (document.runs.length === 0) return [];
  const main = document.runs.some((r) => r.comparisons.length > 0) ? validationFigures(document) : [trajectoriesFigure(document)];
  return [...main, ...sharpnessFigures(document)];
}

/** Writes `<name>.svg` and `<name>.csv` for each figure; returns the paths written. */
export function writeFigures(dir: string, figures: readonly Figure[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const figure of figures) {
    for (const [ext, text] of [['svg', figure.svg], ['csv', figure.csv]] as const) {
      const path = join(dir, `${figure.name}.${ext}`);
      writeFileSync(path, text);
      written.push(path);
    }
  }
  return written;
}
