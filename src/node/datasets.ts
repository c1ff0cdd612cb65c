// The data sets in Node: data/*.csv read from the package and handed to the pure provider of
// src/problems/data.ts (the page does the same with Vite's `?raw` in web/datasets.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DATASET_NAMES, DATASETS, hasDataset, provideDatasetText } from '../problems/data.js';

export const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** Reads every data set of DATASETS once (idempotent). */
export function registerNodeDatasets(dir = DATA_DIR): void {
  for (const name of DATASET_NAMES) {
    if (dir === DATA_DIR && hasDataset(name)) continue;
    provideDatasetText(name, readFileSync(join(dir, DATASETS[name].file), 'utf8'));
  }
}
